/** UDP_CHECK against UDP listeners on loopback. */
import { test, after } from 'node:test';
import * as assert from 'node:assert/strict';
import * as dgram from 'node:dgram';
import { parseHexWithWildcards, run } from '../../../src/check/checkers/udp';
import type { UdpTarget } from '../../../src/check/types';
import { listening, never } from './util';

const socks: dgram.Socket[] = [];
after(() => socks.forEach((s) => s.close()));

async function udpServer(reply: ((q: Buffer) => Buffer | undefined) | undefined, got: Buffer[] = []): Promise<number> {
  const s = dgram.createSocket('udp4');
  socks.push(s);
  s.on('message', (q, r) => {
    got.push(q);
    const a = reply?.(q);
    if (a) s.send(a, r.port, r.address);
  });
  await new Promise<void>((r) => s.bind(0, '127.0.0.1', r));
  return listening(s);
}

async function deadPort(): Promise<number> {
  const s = dgram.createSocket('udp4');
  await new Promise<void>((r) => s.bind(0, '127.0.0.1', r));
  const p = listening(s);
  await new Promise<void>((r) => s.close(() => r()));
  return p;
}

const target = (port: number, over: Partial<UdpTarget> = {}): UdpTarget => ({
  kind: 'UDP_CHECK',
  host: '127.0.0.1',
  port,
  connectTimeoutMs: 300,
  replyRequired: false,
  minReplyLength: 0,
  maxReplyLength: 255,
  ...over,
});

test('no reply required: silence is success, and the payload is sent', async () => {
  const got: Buffer[] = [];
  const port = await udpServer(undefined, got);
  assert.deepEqual(await run(target(port, { payload: Buffer.from('ping') }), never), { code: 'OK' });
  assert.deepEqual(got, [Buffer.from('ping')]);
});

test('no reply required: closed port (ICMP unreachable) fails', async () => {
  assert.equal((await run(target(await deadPort()), never)).code, 'UDP_UNREACHABLE');
});

test('reply required but none comes: UDP_NO_REPLY', async () => {
  const port = await udpServer(undefined);
  assert.equal((await run(target(port, { replyRequired: true }), never)).code, 'UDP_NO_REPLY');
});

test('require_reply with wildcards: matching and mismatching replies', async () => {
  const port = await udpServer((q) => Buffer.concat([Buffer.from([0xab, 0x17]), q]));
  const requireReply = parseHexWithWildcards('abX7')!;
  assert.equal((await run(target(port, { replyRequired: true, requireReply, payload: Buffer.from('x') }), never)).code, 'OK');
  const wrong = parseHexWithWildcards('ac17')!;
  assert.equal((await run(target(port, { replyRequired: true, requireReply: wrong }), never)).code, 'UDP_BAD_REPLY');
  assert.equal((await run(target(port, { replyRequired: true, requireReply, minReplyLength: 10, payload: Buffer.from('x') }), never)).code, 'UDP_BAD_REPLY');
});
