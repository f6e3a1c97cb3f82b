/** SMTP_CHECK against a tiny scripted SMTP server on loopback. */
import { test, after } from 'node:test';
import * as assert from 'node:assert/strict';
import * as net from 'node:net';
import { run } from '../../../src/check/checkers/smtp';
import type { SmtpTarget } from '../../../src/check/types';
import { closedPort, listenTcp, never } from './util';

type Mode = 'good' | 'badBanner' | 'multiBanner' | 'badHelo' | 'silent' | 'closeAfterBanner';
const servers: net.Server[] = [];
after(() => servers.forEach((s) => s.close()));

async function smtpServer(mode: Mode, received: string[] = []): Promise<number> {
  const s = net.createServer((c) => {
    c.on('error', () => undefined);
    if (mode === 'silent') return;
    c.write(mode === 'badBanner' ? '554 go away\r\n' : mode === 'multiBanner' ? '220-hello\r\n220 there\r\n' : '220 mail.test ESMTP\r\n');
    if (mode === 'closeAfterBanner') {
      c.end();
      return;
    }
    let buf = '';
    c.on('data', (d) => {
      buf += d.toString();
      let nl;
      while ((nl = buf.indexOf('\n')) >= 0) {
        const line = buf.slice(0, nl + 1);
        buf = buf.slice(nl + 1);
        received.push(line);
        if (line.startsWith('HELO')) c.write(mode === 'badHelo' ? '501 bad\r\n' : '250 mail.test\r\n');
        else if (line.startsWith('QUIT')) c.end('221 bye\r\n');
      }
    });
  });
  servers.push(s);
  return listenTcp(s);
}

const target = (port: number, over: Partial<SmtpTarget> = {}): SmtpTarget => ({
  kind: 'SMTP_CHECK',
  host: '127.0.0.1',
  port,
  connectTimeoutMs: 500,
  heloName: 'checker.example',
  ...over,
});

test('220 banner, HELO helo_name, 250, QUIT → OK', async () => {
  const got: string[] = [];
  const port = await smtpServer('good', got);
  assert.deepEqual(await run(target(port), never), { code: 'OK' });
  assert.deepEqual(got, ['HELO checker.example\r\n', 'QUIT\r\n']);
});

test('bad banner', async () => {
  assert.equal((await run(target(await smtpServer('badBanner')), never)).code, 'SMTP_BAD_BANNER');
});

test('multi-line 220- banner fails like keepalived', async () => {
  assert.equal((await run(target(await smtpServer('multiBanner')), never)).code, 'SMTP_BAD_BANNER');
});

test('bad HELO reply', async () => {
  assert.equal((await run(target(await smtpServer('badHelo')), never)).code, 'SMTP_BAD_HELO');
});

test('silent server: read timeout', async () => {
  assert.equal((await run(target(await smtpServer('silent'), { connectTimeoutMs: 200 }), never)).code, 'READ_TIMEOUT');
});

test('server closing after the banner: read failure', async () => {
  assert.equal((await run(target(await smtpServer('closeAfterBanner')), never)).code, 'READ_ERROR');
});

test('connection refused', async () => {
  assert.equal((await run(target(await closedPort()), never)).code, 'CONNECT_REFUSED');
});
