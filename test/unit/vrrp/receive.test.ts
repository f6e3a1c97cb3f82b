import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseIp } from '../../../src/lib/ip';
import { receiveDatagram, peekVrid, type InstanceRx } from '../../../src/vrrp/receive';
import type { AcceptConfig } from '../../../src/vrrp/accept';
import { loadFixture } from './fixtures';

const ip = (s: string) => new Uint8Array(parseIp(s)!.bytes);
const VI_1: AcceptConfig = { name: 'VI_1', family: 4, version: 2, vrid: 51, authType: 0, vips: [ip('10.99.1.100')], advertIntervalCs: 100, unicastPeers: [], skipCheckAdvAddr: false, checkUnicastSrc: false, unicastChecksum: 'auto' };
const table = new Map<number, InstanceRx>([[51, { accept: VI_1, ctx: {} }]]);
const lookup = (v: number) => table.get(v);

test('peekVrid finds the VRID after the IPv4 header (with options) and in IPv6 payloads', () => {
  assert.equal(peekVrid(loadFixture('v2-noauth').bytes, 4), 51);
  assert.equal(peekVrid(loadFixture('v3-ipv6').bytes, 6), 55);
  assert.equal(peekVrid(new Uint8Array(21), 4), undefined);
  assert.equal(peekVrid(new Uint8Array([0x31]), 6), undefined);
});

test('accepted, unknown VRID, wire drop and instance drop, with log lines and stats', () => {
  const ok = receiveDatagram(loadFixture('v2-noauth').bytes, { family: 4 }, lookup);
  assert.equal(ok.kind, 'accepted');
  if (ok.kind === 'accepted') assert.deepEqual(ok.stats, ['advert_rcvd']);

  assert.deepEqual(receiveDatagram(loadFixture('v2-pass').bytes, { family: 4 }, lookup), { kind: 'unknown-vrid', vrid: 52 });

  const bad = loadFixture('v2-noauth').bytes.slice();
  bad[27] = bad[27]! ^ 1;
  const r = receiveDatagram(bad, { family: 4 }, lookup);
  assert.equal(r.kind, 'drop');
  if (r.kind === 'drop') {
    assert.equal(r.drop, 'bad-checksum');
    assert.deepEqual(r.log, ['(VI_1) Invalid VRRPv2 checksum']);
  }

  const ttl = loadFixture('v2-noauth').bytes.slice();
  ttl[8] = 1;
  const t = receiveDatagram(ttl, { family: 4 }, lookup);
  assert.ok(t.kind === 'drop' && t.drop === 'bad-ttl' && t.stats.includes('ip_ttl_err'));

  const tiny = receiveDatagram(new Uint8Array(5), { family: 4 }, lookup);
  assert.deepEqual(tiny.kind === 'unattributed' && tiny.drop, 'ip-too-short');
});
