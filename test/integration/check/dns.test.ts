/** DNS_CHECK against a tiny UDP DNS server on loopback. */
import { test, after } from 'node:test';
import * as assert from 'node:assert/strict';
import * as dgram from 'node:dgram';
import { run } from '../../../src/check/checkers/dns';
import type { DnsTarget } from '../../../src/check/types';
import { listening, never } from './util';

type Mode = 'good' | 'servfail' | 'wrongId' | 'wrongIdThenGood' | 'query' | 'silent';
const socks: dgram.Socket[] = [];
after(() => socks.forEach((s) => s.close()));

async function dnsServer(mode: Mode, queries: Buffer[] = []): Promise<number> {
  const s = dgram.createSocket('udp4');
  socks.push(s);
  s.on('message', (q, rinfo) => {
    queries.push(q);
    if (mode === 'silent') return;
    const reply = (id: number, flags: number) => {
      const h = Buffer.alloc(12);
      h.writeUInt16BE(id, 0);
      h.writeUInt16BE(flags, 2);
      h.writeUInt16BE(1, 4);
      s.send(Buffer.concat([h, q.subarray(12)]), rinfo.port, rinfo.address);
    };
    const id = q.readUInt16BE(0);
    if (mode === 'good') reply(id, 0x8180);
    else if (mode === 'servfail') reply(id, 0x8182);
    else if (mode === 'wrongId') reply(id ^ 0xffff, 0x8180);
    else if (mode === 'query') reply(id, 0x0100);
    else if (mode === 'wrongIdThenGood') {
      reply(id ^ 1, 0x8183);
      setTimeout(() => reply(id, 0x8180), 20);
    }
  });
  await new Promise<void>((r) => s.bind(0, '127.0.0.1', r));
  return listening(s);
}

const target = (port: number, over: Partial<DnsTarget> = {}): DnsTarget => ({
  kind: 'DNS_CHECK',
  host: '127.0.0.1',
  port,
  connectTimeoutMs: 300,
  type: 'A',
  name: 'www.example.com',
  ...over,
});

test('NOERROR reply with our id → OK; the query asks the configured type and name', async () => {
  const qs: Buffer[] = [];
  assert.deepEqual(await run(target(await dnsServer('good', qs), { type: 'MX' }), never), { code: 'OK' });
  const q = qs[0]!;
  assert.equal(q.readUInt16BE(2), 0x0100, 'RD set');
  assert.equal(q.readUInt16BE(4), 1, 'one question');
  assert.deepEqual(q.subarray(12), Buffer.from('03777777076578616d706c6503636f6d00' + '000f' + '0001', 'hex'));
});

test('rcode != 0 → DNS_BAD_REPLY', async () => {
  assert.deepEqual(await run(target(await dnsServer('servfail')), never), { code: 'DNS_BAD_REPLY', detail: '2' });
});

test('reply with the wrong id is ignored: read timeout', async () => {
  assert.equal((await run(target(await dnsServer('wrongId')), never)).code, 'READ_TIMEOUT');
});

test('a query (QR clear) is ignored', async () => {
  assert.equal((await run(target(await dnsServer('query')), never)).code, 'READ_TIMEOUT');
});

test('wrong id first, then the real reply → OK', async () => {
  assert.equal((await run(target(await dnsServer('wrongIdThenGood')), never)).code, 'OK');
});

test('no server: ICMP port unreachable is a read error', async () => {
  const s = dgram.createSocket('udp4');
  await new Promise<void>((r) => s.bind(0, '127.0.0.1', r));
  const port = listening(s);
  s.close();
  assert.equal((await run(target(port), never)).code, 'READ_ERROR');
});
