/**
 * genhash: our output compared with keepalived 2.2.7's /usr/bin/genhash against the same
 * local server (digest, verbose dumps, errors, usage).
 */
import { test, before, after } from 'node:test';
import * as assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as https from 'node:https';
import { genhash } from '../../../src/genhash';
import { closedPort, haveOpenssl, listenTcp, makeTls, type TlsMaterial } from './util';

const REAL = '/usr/bin/genhash';
const haveReal = fs.existsSync(REAL);
const binary = crypto.createHash('sha256').update('kats').digest();

function handler(req: http.IncomingMessage, res: http.ServerResponse): void {
  res.sendDate = false; // both fetches must see identical headers
  if (req.url === '/text') res.end('hello world\n');
  else if (req.url === '/binary') res.end(Buffer.concat([binary, Buffer.from([0, 1, 2, 0x7f, 0x80, 0xff]), Buffer.alloc(40, 0x41)]));
  else if (req.url === '/host') res.end(`host=${req.headers.host ?? ''} conn=${req.headers.connection ?? ''} v=${req.httpVersion}\n`);
  else if (req.url === '/chunked') {
    res.write('part one\n');
    setTimeout(() => res.end('part two\n'), 5);
  } else if (req.url === '/slow') {
    // never answers
  } else {
    res.statusCode = 404;
    res.end('not here');
  }
}
const server = http.createServer(handler);
let port = 0;
let tlsm: TlsMaterial | undefined;
let tlsServer: https.Server | undefined;
let tlsPort = 0;

before(async () => {
  port = await listenTcp(server);
  if (haveOpenssl()) {
    tlsm = makeTls();
    tlsServer = https.createServer({ cert: fs.readFileSync(tlsm.cert), key: fs.readFileSync(tlsm.key) }, handler);
    tlsPort = await listenTcp(tlsServer);
  }
});
after(() => {
  server.closeAllConnections();
  server.close();
  tlsServer?.close();
  if (tlsm) fs.rmSync(tlsm.dir, { recursive: true, force: true });
});

interface Out {
  code: number;
  stdout: string;
  stderr: string;
}

function real(args: string[]): Promise<Out> {
  return new Promise((resolve) => {
    execFile(REAL, args, { encoding: 'latin1', timeout: 10_000 }, (err, stdout, stderr) => {
      const code = err ? (typeof (err as { code?: unknown }).code === 'number' ? ((err as { code: number }).code) : 1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

async function ours(args: string[]): Promise<Out> {
  let stdout = '';
  let stderr = '';
  const code = await genhash(args, (s) => (stdout += s), (s) => (stderr += s), REAL);
  return { code, stdout, stderr };
}

const noTiming = (s: string) => s.replace(/^Global response time for .*$/m, '');

async function same(args: string[]): Promise<Out> {
  const [a, b] = await Promise.all([real(args), ours(args)]);
  assert.equal(b.code, a.code, `exit code for ${args.join(' ')}`);
  assert.equal(noTiming(b.stdout), noTiming(a.stdout), `stdout for ${args.join(' ')}`);
  assert.equal(b.stderr, a.stderr, `stderr for ${args.join(' ')}`);
  return b;
}

test('digest identical to keepalived genhash for text, binary, 404 and chunked bodies', async (t) => {
  if (!haveReal) return t.skip('keepalived genhash not installed');
  for (const url of ['/text', '/binary', '/missing', '/chunked']) {
    const o = await same(['-s', '127.0.0.1', '-p', String(port), '-u', url]);
    assert.match(o.stdout, /^[0-9a-f]{32}\n$/);
  }
  const text = await ours(['-s', '127.0.0.1', '-p', String(port), '-u', '/text']);
  assert.equal(text.stdout, crypto.createHash('md5').update('hello world\n').digest('hex') + '\n');
});

test('verbose dumps identical (header, body, hash) apart from the timing', async (t) => {
  if (!haveReal) return t.skip('keepalived genhash not installed');
  await same(['-v', '-s', '127.0.0.1', '-p', String(port), '-u', '/binary']);
  const o = await same(['--verbose', '--server', '127.0.0.1', '--port', String(port), '--url', '/text']);
  assert.match(o.stdout, /Global response time for \[\/text\] = \d+ usecs\n$/);
});

test('virtualhost and protocol options produce the same request', async (t) => {
  if (!haveReal) return t.skip('keepalived genhash not installed');
  for (const extra of [['-V', 'www.example.test'], ['-P', '1.1'], ['-P', '1.0c'], ['-P', '1.0', '-t', '3', '-m', '7']]) {
    await same(['-s', '127.0.0.1', '-p', String(port), '-u', '/host', '-v', ...extra]);
  }
});

test('SSL (-S, -I) digest identical', async (t) => {
  if (!haveReal) return t.skip('keepalived genhash not installed');
  if (!tlsm) return t.skip('openssl not available');
  await same(['-S', '-s', '127.0.0.1', '-p', String(tlsPort), '-u', '/text']);
  await same(['-S', '-I', '-V', 'localhost', '-s', '127.0.0.1', '-p', String(tlsPort), '-u', '/binary']);
});

test('errors and usage identical', async (t) => {
  if (!haveReal) return t.skip('keepalived genhash not installed');
  const dead = await closedPort();
  for (const args of [
    ['-h'],
    [],
    ['-s', 'foo', '-p', '80', '-u', '/'],
    ['-s', '127.0.0.1', '-p', 'abc', '-u', '/'],
    ['-s', '127.0.0.1', '-p', '80', '-u', '/', '-P', '2.0'],
    ['-s', '127.0.0.1', '-p', '80', '-u', '/', '-m', 'x'],
    ['-s', '127.0.0.1', '-p', '80', '-u', '/', 'extra'],
    ['-s', '127.0.0.1', '-p', String(port)],
    ['-s', '127.0.0.1', '-p', String(dead), '-u', '/'],
    ['-s', '127.0.0.1', '-p', String(port), '-u', '/slow', '-t', '1'],
  ]) {
    await same(args);
  }
});
