/**
 * keepalived's IPsec-AH VRRPv2 authentication (src/vrrp/packet/ah.ts, the AH parts of
 * decodeAdvert and receiveDatagram) against adverts captured from keepalived 2.2.7
 * (test/fixtures/packets/ah/: every packet of each run, priority-0 advert last).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fromHex } from '../../../src/lib/bytes';
import { parseIp } from '../../../src/lib/ip';
import { authPassBytes, type AcceptConfig } from '../../../src/vrrp/accept';
import { decodeAdvert, encodeAdvert, encodeIp4Header, DROP_REASONS, VRRP_AUTH_AH } from '../../../src/vrrp/packet/advert';
import { AH_LEN, ahKey, checkAh, computeIcv, decodeAh, encodeAh, IPPROTO_AH, nextAhSeq, sealAh } from '../../../src/vrrp/packet/ah';
import { peekVrid, receiveDatagram, type InstanceRx } from '../../../src/vrrp/receive';
import { prng } from '../../helpers/prng';
import { FIXTURE_DIR, loadFixture } from './fixtures';

const ip = (s: string) => new Uint8Array(parseIp(s)!.bytes);
const AH_DIR = path.join(FIXTURE_DIR, 'ah');

interface Case {
  name: string;
  pass: string;
  vrid: number;
  vips: string[];
  unicast: boolean;
  packets: Uint8Array[];
}

function load(name: string, pass: string, vrid: number, vips: string[], unicast: boolean): Case {
  const packets = fs
    .readFileSync(path.join(AH_DIR, `${name}.hex`), 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => fromHex(l.trim())!);
  return { name, pass, vrid, vips, unicast, packets };
}

// passwords and instances as in the .conf files captured beside the .hex files
const CASES: Case[] = [
  load('v2-ah', 'secret123456', 61, ['10.99.1.100'], false),
  load('v2-ah-multivip', 'ab', 62, ['10.99.2.100', '10.99.2.101', '10.99.2.102'], false),
  load('v2-ah-unicast', 'pw', 63, ['10.99.3.100'], true),
];

test('fixtures are what the .conf files say (passwords, VRIDs), six packets each', () => {
  for (const c of CASES) {
    const conf = fs.readFileSync(path.join(AH_DIR, `${c.name}.conf`), 'utf8');
    assert.match(conf, new RegExp(`auth_type AH\\s+auth_pass ${c.pass}\\b`), c.name);
    assert.match(conf, new RegExp(`virtual_router_id ${c.vrid}\\b`), c.name);
    assert.equal(c.packets.length, 6, c.name);
  }
});

test('every captured AH advert decodes: IP protocol 51, AH (next header 112, SPI = source, seq 1..n), VRRPv2 auth type 2 with zero auth data', () => {
  for (const c of CASES) {
    c.packets.forEach((b, i) => {
      const r = decodeAdvert(b, { family: 4 });
      assert.ok(r.ok, `${c.name}[${i}] ${!r.ok ? r.detail : ''}`);
      const a = r.value;
      assert.equal(a.ip!.protocol, IPPROTO_AH);
      assert.equal(a.ip!.totalLength, 20 + AH_LEN + 8 + 4 * c.vips.length + 8);
      assert.equal(a.ip!.tos, 0xc0);
      assert.equal(a.ip!.ttl, 255);
      assert.equal(a.ip!.id, i + 1);
      assert.deepEqual(a.ah!.spi, a.ip!.src);
      assert.equal(a.ah!.nextHeader, 112);
      assert.equal(a.ah!.payloadLen, 4);
      assert.equal(a.ah!.reserved, 0);
      assert.equal(a.ah!.seq, i + 1);
      assert.equal(a.version, 2);
      assert.equal(a.authType, VRRP_AUTH_AH);
      assert.equal(a.vrid, c.vrid);
      assert.equal(a.priority, i === c.packets.length - 1 ? 0 : 255);
      assert.deepEqual(a.addrs, c.vips.map(ip));
      assert.deepEqual(a.authData, new Uint8Array(8));
      assert.equal(a.checksumVariant, 'v2');
      assert.deepEqual(a.dst, ip(c.unicast ? '10.99.0.2' : '224.0.0.18'));
      assert.equal(peekVrid(b, 4), c.vrid);
    });
  }
});

test('the ICV keepalived sent verifies with its password; another password, a changed byte or the other TTL rule does not', () => {
  for (const c of CASES) {
    const key = ahKey(c.pass);
    c.packets.forEach((b, i) => {
      const a = decodeAdvert(b, { family: 4 });
      assert.ok(a.ok);
      const ah = a.value.ah!;
      assert.deepEqual(computeIcv(b, 20, key, c.unicast), ah.icv, `${c.name}[${i}]`);
      assert.deepEqual(checkAh(b, 20, ah, key, { name: 'VI', unicast: c.unicast, counter: i }), { ok: true, seq: i + 1 });
      const wrong = checkAh(b, 20, ah, ahKey(c.pass + 'x' === c.pass ? 'y' : 'other'), { name: 'VI', unicast: c.unicast, counter: 0 });
      assert.ok(!wrong.ok && wrong.drop === 'ah-bad-icv');
      // multicast keeps the TTL in the ICV, unicast zeroes it: the other rule gives another ICV
      assert.notDeepEqual(computeIcv(b, 20, key, !c.unicast), ah.icv);
      // TOS, flags/offset and header checksum are mutable (zeroed): changing them keeps the ICV valid
      const mut = b.slice();
      mut[1] = 0;
      mut[10] = mut[10]! ^ 0xff;
      assert.deepEqual(computeIcv(mut, 20, key, c.unicast), ah.icv);
      // the IP id and the VRRP priority are covered
      for (const off of [5, 20 + AH_LEN + 2]) {
        const d = b.slice();
        d[off] = d[off]! ^ 1;
        assert.notDeepEqual(computeIcv(d, 20, key, c.unicast), ah.icv, `offset ${off}`);
      }
    });
  }
  // computing an ICV leaves a Buffer (whose slice() is a view) untouched
  const buf = Buffer.from(CASES[0]!.packets[0]!);
  computeIcv(buf, 20, ahKey('x'), true);
  assert.deepEqual(new Uint8Array(buf), CASES[0]!.packets[0]!);
  // only the first 8 bytes of auth_pass are the key (keepalived: "Truncating auth_pass to 8 characters")
  assert.deepEqual(ahKey('secret123456'), ahKey('secret12'));
  assert.deepEqual(ahKey('secret12'), authPassBytes('secret12'));
});

test('our encoder rebuilds every captured AH advert byte for byte', () => {
  for (const c of CASES) {
    const key = ahKey(c.pass);
    c.packets.forEach((b, i) => {
      const a = decodeAdvert(b, { family: 4 });
      assert.ok(a.ok);
      const v = a.value;
      const vrrp = encodeAdvert({ family: 4, version: 2, vrid: v.vrid, priority: v.priority, adverInt: v.adverInt, addrs: v.addrs, authType: VRRP_AUTH_AH });
      const hdr = encodeIp4Header({ src: v.ip!.src, dst: v.ip!.dst, id: v.ip!.id, payloadLength: AH_LEN + vrrp.length, protocol: IPPROTO_AH });
      const pkt = new Uint8Array([...hdr, ...encodeAh(v.ip!.src, 0), ...vrrp]);
      sealAh(pkt, v.ah!.seq, key, c.unicast);
      assert.equal(Buffer.from(pkt).toString('hex'), Buffer.from(b).toString('hex'), `${c.name}[${i}]`);
    });
  }
});

const inst = (c: Case, over: Partial<AcceptConfig> = {}): AcceptConfig => ({
  name: 'VI_1',
  family: 4,
  version: 2,
  vrid: c.vrid,
  authType: VRRP_AUTH_AH,
  authPass: authPassBytes(c.pass),
  vips: c.vips.map(ip),
  advertIntervalCs: 100,
  unicastPeers: c.unicast ? [{ addr: ip('10.99.0.1') }] : [],
  skipCheckAdvAddr: false,
  checkUnicastSrc: false,
  unicastChecksum: 'auto',
  ...over,
});

test('receiveDatagram: accepted AH adverts advance the sequence counter; replay, bad ICV, bad SPI and AH/no-AH mismatches are dropped with keepalived 2.2.7 lines and counters', () => {
  for (const c of CASES) {
    let seq = 0;
    for (const b of c.packets) {
      const r = receiveDatagram(b, { family: 4 }, () => ({ accept: inst(c), ctx: {}, ahSeq: seq }));
      assert.equal(r.kind, 'accepted', c.name);
      if (r.kind !== 'accepted') continue;
      assert.equal(r.ahSeq, seq + 1);
      seq = r.ahSeq!;
    }
  }
  const c = CASES[0]!;
  const b = c.packets[2]!; // seq 3
  const rx = (x: Partial<InstanceRx>, bytes = b) => receiveDatagram(bytes, { family: 4 }, () => ({ accept: inst(c), ctx: {}, ahSeq: 0, ...x }));

  const replay = rx({ ahSeq: 3 });
  assert.ok(replay.kind === 'drop');
  if (replay.kind === 'drop') {
    assert.equal(replay.drop, 'ah-replay');
    assert.deepEqual(replay.stats, ['auth_failure']);
    assert.deepEqual(replay.log, ['(VI_1) IPSEC-AH : sequence number 3 already processed. Packet dropped. Local(3)']);
    assert.equal(replay.ahSeq, undefined);
  }
  assert.equal(rx({ ahSeq: 2 }).kind, 'accepted');

  const badPw = rx({ accept: inst(c, { authPass: authPassBytes('wrong') }) });
  assert.ok(badPw.kind === 'drop' && badPw.drop === 'ah-bad-icv');
  if (badPw.kind === 'drop') {
    assert.deepEqual(badPw.stats, ['auth_failure']);
    assert.deepEqual(badPw.log, ['(VI_1) IPSEC-AH : invalid IPSEC HMAC-MD5 value. Due to fields mutation or bad password !']);
  }

  // a valid ICV over a packet whose SPI is not its source address
  const spi = b.slice();
  spi[27] = spi[27]! ^ 1; // SPI 10.99.0.0 instead of 10.99.0.1, ICV recomputed over it
  spi.fill(0, 32, 44);
  spi.set(computeIcv(spi, 20, ahKey(c.pass), false), 32);
  const s = rx({}, spi);
  assert.ok(s.kind === 'drop' && s.drop === 'ah-bad-spi' && s.stats[0] === 'auth_failure');
  if (s.kind === 'drop') assert.match(s.log[0]!, /^IPSEC AH : invalid IPSEC SPI value\. \d+ and expect \d+$/);

  // AH advert to an instance without AH, and a plain advert to an AH instance
  const noAh = rx({ accept: inst(c, { authType: 0 }) });
  assert.ok(noAh.kind === 'drop' && noAh.drop === 'ah-mismatch');
  if (noAh.kind === 'drop') {
    assert.deepEqual(noAh.log, ['(VI_1) Received AH header but auth type not AH']);
    assert.deepEqual(noAh.stats, ['authtype_mismatch']);
  }
  const plain = receiveDatagram(loadFixture('v2-noauth').bytes, { family: 4 }, () => ({ accept: inst(c, { vrid: 51 }), ctx: {}, ahSeq: 0 }));
  assert.ok(plain.kind === 'drop' && plain.drop === 'ah-mismatch');
  if (plain.kind === 'drop') assert.deepEqual(plain.log, ['(VI_1) No AH header but auth type is AH']);

  // authenticated but dropped later (interval mismatch): the counter still moves, as keepalived's
  const later = rx({ accept: inst(c, { advertIntervalCs: 200 }) });
  assert.ok(later.kind === 'drop' && later.drop === 'advert-interval-mismatch');
  if (later.kind === 'drop') assert.equal(later.ahSeq, 3);
});

test('decodeAh / AH drop reasons: short AH, AH not carrying VRRP; sequence counter saturates as keepalived', () => {
  assert.ok(DROP_REASONS.includes('ah-bad-icv'));
  const b = CASES[0]!.packets[0]!;
  const short = b.slice(0, 40);
  short[3] = 40;
  const r = decodeAdvert(short, { family: 4 });
  assert.ok(!r.ok && r.drop === 'ah-too-short');
  const other = b.slice();
  other[20] = 6; // AH over TCP
  const o = decodeAdvert(other, { family: 4 });
  assert.ok(!o.ok && o.drop === 'ah-not-vrrp');
  const d = decodeAh(b, 20);
  assert.ok(d.ok && d.vrrpStart === 44);
  assert.ok(!decodeAh(b, 60).ok);
  assert.deepEqual(nextAhSeq(0), { seq: 1, cycled: false });
  assert.deepEqual(nextAhSeq(0xfffffffd), { seq: 0xfffffffe, cycled: false });
  assert.deepEqual(nextAhSeq(0xfffffffe), { seq: 0xfffffffe, cycled: true });
});

test('fuzz: mutated AH adverts never make decodeAdvert or receiveDatagram throw', () => {
  const rnd = prng(0xa4a4);
  const int = (n: number) => Math.floor(rnd() * n);
  let accepted = 0;
  for (let i = 0; i < 4000; i++) {
    const c = CASES[int(CASES.length)]!;
    const base = c.packets[int(c.packets.length)]!;
    const b = base.slice(0, int(3) === 0 ? int(base.length + 1) : base.length);
    const flips = int(4);
    for (let k = 0; k < flips && b.length; k++) b[int(b.length)] = int(256);
    if (b.length >= 4 && int(2)) {
      b[2] = b.length >> 8;
      b[3] = b.length & 0xff;
    }
    decodeAdvert(b, { family: 4 });
    const r = receiveDatagram(b, { family: 4 }, () => ({ accept: inst(c), ctx: {}, ahSeq: 0 }));
    if (r.kind === 'accepted') accepted++;
  }
  assert.ok(accepted > 0, 'some unmutated packets were accepted');
});
