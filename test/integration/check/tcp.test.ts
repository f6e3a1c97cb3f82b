/** TCP_CHECK against loopback listeners. */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as net from 'node:net';
import { run } from '../../../src/check/checkers/tcp';
import type { TcpTarget } from '../../../src/check/types';
import { closedPort, listenTcp, never } from './util';

const target = (port: number, over: Partial<TcpTarget> = {}): TcpTarget => ({ kind: 'TCP_CHECK', host: '127.0.0.1', port, connectTimeoutMs: 500, ...over });

test('connect succeeds; the connection is closed again', async () => {
  let accepted = 0;
  let closed = 0;
  const s = net.createServer((c) => {
    accepted++;
    c.on('close', () => closed++);
  });
  const port = await listenTcp(s);
  try {
    assert.deepEqual(await run(target(port), never), { code: 'OK' });
    await new Promise((r) => setTimeout(r, 50));
    assert.equal(accepted, 1);
    assert.equal(closed, 1);
  } finally {
    s.close();
  }
});

test('bindto: the connection comes from the configured source address', async () => {
  let from = '';
  const s = net.createServer((c) => {
    from = c.remoteAddress ?? '';
    c.destroy();
  });
  const port = await listenTcp(s, '0.0.0.0');
  try {
    assert.equal((await run(target(port, { host: '127.0.0.1', bindto: '127.0.0.2' }), never)).code, 'OK');
    await new Promise((r) => setTimeout(r, 30));
    assert.equal(from, '127.0.0.2');
  } finally {
    s.close();
  }
});

test('refused', async () => {
  assert.equal((await run(target(await closedPort()), never)).code, 'CONNECT_REFUSED');
});

test('timeout: SYNs to a listener whose accept queue is full are dropped', async (t) => {
  // A listener that never accepts (python, backlog 0) and one connection filling its queue.
  const py = spawn('python3', ['-c', 'import socket,sys,time\ns=socket.socket()\ns.bind(("127.0.0.1",0))\ns.listen(0)\nprint(s.getsockname()[1],flush=True)\ntime.sleep(30)'], {
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  t.after(() => py.kill('SIGKILL'));
  const port = await new Promise<number>((resolve, reject) => {
    py.on('error', reject);
    py.stdout.once('data', (d: Buffer) => resolve(Number(d.toString().trim())));
  }).catch(() => 0);
  if (!port) return t.skip('python3 not available');
  const fillers: net.Socket[] = [];
  t.after(() => fillers.forEach((f) => f.destroy()));
  for (let i = 0; i < 3; i++) {
    const f = net.connect(port, '127.0.0.1');
    f.on('error', () => undefined);
    fillers.push(f);
  }
  await new Promise((r) => setTimeout(r, 100));
  const t0 = Date.now();
  const r = await run(target(port, { connectTimeoutMs: 300 }), never);
  assert.equal(r.code, 'CONNECT_TIMEOUT');
  assert.ok(Date.now() - t0 >= 250);
});
