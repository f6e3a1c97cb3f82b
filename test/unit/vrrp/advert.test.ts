import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseIp, formatIp } from '../../../src/lib/ip';
import { toHex } from '../../../src/lib/bytes';
import { inetChecksum } from '../../../src/lib/checksum';
import {
  decodeAdvert,
  encodeAdvert,
  encodeIp4Header,
  DROP_REASONS,
  Counters,
  type DropReason,
  type RxMeta,
  type DecodeResult,
} from '../../../src/vrrp/packet/advert';
import { authPassBytes } from '../../../src/vrrp/accept';
import { loadFixtures, loadFixture, type Fixture } from './fixtures';

const ip = (s: string) => new Uint8Array(parseIp(s)!.bytes);

function rxFor(f: Fixture): RxMeta {
  if (f.json.expect.family === 4) return { family: 4 };
  const rx = f.json.rx!;
  return { family: 6, src: ip(rx.src), dst: ip(rx.dst), hopLimit: rx.hopLimit };
}

function mustDrop(r: DecodeResult, reason: DropReason): void {
  assert.equal(r.ok, false, `expected drop ${reason}, got ok`);
  if (!r.ok) assert.equal(r.drop, reason, r.detail);
}

const fixtures = loadFixtures();

test('there are golden fixtures for every required case', () => {
  const names = fixtures.map((f) => f.name);
  for (const n of ['v2-noauth', 'v2-pass', 'v2-multivip', 'v3-ipv4', 'v3-ipv6', 'v2-unicast', 'v3-unicast', 'v3-unicast-oldcsum', 'v2-noauth-prio0'])
    assert.ok(names.includes(n), `missing fixture ${n}`);
  assert.ok(fixtures.length >= 16);
});

for (const f of fixtures) {
  test(`golden ${f.name}: decode matches keepalived's packet as decoded independently`, () => {
    const e = f.json.expect;
    const r = decodeAdvert(f.bytes, rxFor(f));
    assert.ok(r.ok, r.ok ? '' : `${r.drop}: ${r.detail}`);
    const a = r.value;
    assert.deepEqual(
      { family: a.family, version: a.version, type: a.type, vrid: a.vrid, priority: a.priority, count: a.count, authType: a.authType, adverInt: a.adverInt, advertIntervalCs: a.advertIntervalCs, checksum: a.checksum, checksumVariant: a.checksumVariant },
      { family: e.family, version: e.version, type: e.type, vrid: e.vrid, priority: e.priority, count: e.count, authType: e.authType, adverInt: e.adverInt, advertIntervalCs: e.advertIntervalCs, checksum: e.checksum, checksumVariant: e.checksumVariant },
    );
    assert.deepEqual(a.addrs.map(formatIp), e.addrs);
    assert.equal(a.authData ? toHex(a.authData) : undefined, e.authData);
    if (e.ip) {
      const h = a.ip!;
      assert.deepEqual(
        { version: h.version, ihl: h.ihl, tos: h.tos, totalLength: h.totalLength, id: h.id, ttl: h.ttl, protocol: h.protocol, headerChecksum: h.headerChecksum, src: formatIp(h.src), dst: formatIp(h.dst) },
        e.ip,
      );
      assert.equal(a.ttl, e.ip.ttl);
    } else {
      assert.equal(a.ttl, f.json.rx!.hopLimit);
    }
  });

  test(`golden ${f.name}: our encoder reproduces keepalived's bytes exactly`, () => {
    const e = f.json.expect;
    const fam = e.family;
    const src = fam === 4 ? ip(e.ip!.src) : ip(f.json.rx!.src);
    const dst = fam === 4 ? ip(e.ip!.dst) : ip(f.json.rx!.dst);
    const vrrp = encodeAdvert(
      {
        family: fam,
        version: e.version,
        vrid: e.vrid,
        priority: e.priority,
        adverInt: e.adverInt,
        addrs: e.addrs.map(ip),
        authType: e.authType,
        ...(e.authData ? { authData: authPassBytes(f.name.startsWith('v2-pass') ? 'secret123456' : '') } : {}),
      },
      { src, dst, oldUnicastChecksum: e.checksumVariant === 'old-unicast' },
    );
    if (fam === 4) {
      const hdr = encodeIp4Header({ src, dst, id: e.ip!.id, payloadLength: vrrp.length });
      assert.equal(toHex(hdr) + toHex(vrrp), toHex(f.bytes));
    } else {
      assert.equal(toHex(vrrp), toHex(f.bytes));
    }
  });
}

test('PASS auth: only the first 8 characters go on the wire, zero padded', () => {
  assert.equal(toHex(authPassBytes('secret123456')), toHex(new TextEncoder().encode('secret12')));
  assert.equal(toHex(authPassBytes('ab')), '6162000000000000');
});

test('decode works on a view with a non-zero byteOffset (split buffers)', () => {
  const f = loadFixture('v3-ipv4');
  const big = new Uint8Array(f.bytes.length + 37);
  big.set(f.bytes, 17);
  const view = big.subarray(17, 17 + f.bytes.length);
  const r = decodeAdvert(view, { family: 4 });
  assert.ok(r.ok);
  assert.equal(r.value.vrid, 54);
  // a copy sliced one byte short is not OK
  mustDrop(decodeAdvert(big.subarray(17, 16 + f.bytes.length), { family: 4 }), 'ip-bad-total-length');
});

test('every truncation of IPv4 and IPv6 packets is dropped, never thrown', () => {
  for (const name of ['v2-noauth', 'v2-pass', 'v3-ipv4']) {
    const f = loadFixture(name);
    for (let n = 0; n < f.bytes.length; n++) {
      const cut = f.bytes.slice(0, n);
      const r = decodeAdvert(cut, { family: 4 });
      assert.equal(r.ok, false);
      if (!r.ok) assert.ok(n < 20 ? r.drop === 'ip-too-short' : r.drop === 'ip-bad-total-length', `${name}[0..${n}) -> ${r.drop}`);
      // with the IP total length fixed up, the VRRP length check fires instead
      if (n >= 20) {
        const fixed = cut.slice();
        fixed[2] = n >> 8;
        fixed[3] = n & 0xff;
        const r2 = decodeAdvert(fixed, { family: 4 });
        assert.equal(r2.ok, false);
        if (!r2.ok) assert.ok(r2.drop === (n < 28 ? 'too-short' : 'bad-length'), `${name} fixed[0..${n}) -> ${r2.drop}`);
      }
    }
  }
  const f6 = loadFixture('v3-ipv6');
  const rx = rxFor(f6);
  for (let n = 0; n < f6.bytes.length; n++) {
    const r = decodeAdvert(f6.bytes.slice(0, n), rx);
    assert.equal(r.ok, false);
    if (!r.ok) assert.equal(r.drop, n < 8 ? 'too-short' : 'bad-length');
  }
});

/** Damage a copy of a fixture. */
function damaged(name: string, fn: (b: Uint8Array) => void): { bytes: Uint8Array; rx: RxMeta } {
  const f = loadFixture(name);
  const b = f.bytes.slice();
  fn(b);
  return { bytes: b, rx: rxFor(f) };
}

/** Recompute the VRRPv2 checksum of an IPv4 packet after damaging it (so the check under test is the one that fires). */
function fixV2Checksum(b: Uint8Array): void {
  b[26] = 0;
  b[27] = 0;
  const c = inetChecksum(b, 0, 20, b.length);
  b[26] = c >> 8;
  b[27] = c & 0xff;
}

test('each wire drop reason with a hand-damaged packet', () => {
  const cases: Array<[DropReason, string, (b: Uint8Array) => void]> = [
    ['ip-bad-version', 'v2-noauth', (b) => (b[0] = 0x65)],
    ['ip-bad-header-length', 'v2-noauth', (b) => (b[0] = 0x44)],
    ['ip-too-short', 'v2-noauth', (b) => (b[0] = 0x4f)], // IHL 60 > 40 bytes
    ['ip-bad-total-length', 'v2-noauth', (b) => (b[3] = b[3]! + 1)],
    ['ip-bad-protocol', 'v2-noauth', (b) => (b[9] = 17)],
    ['ah-too-short', 'v2-noauth', (b) => (b[9] = 51)], // 20 bytes after the IP header: no room for AH (24)
    ['bad-version', 'v2-noauth', (b) => (b[20] = 0x11)],
    ['bad-version', 'v2-noauth', (b) => (b[20] = 0x41)],
    ['bad-type', 'v2-noauth', (b) => (b[20] = 0x22)],
    ['bad-length', 'v2-noauth', (b) => (b[23] = 2)],
    ['bad-length', 'v2-multivip', (b) => (b[23] = 2)],
    ['auth-type-invalid', 'v2-noauth', (b) => (b[24] = 3)],
    ['bad-checksum', 'v2-noauth', (b) => (b[27] = b[27]! ^ 0x01)],
    ['bad-checksum', 'v2-noauth', (b) => (b[22] = 200)], // priority changed, checksum not updated
    ['bad-checksum', 'v3-ipv4', (b) => (b[29] = b[29]! ^ 0x80)], // address changed
    ['bad-checksum', 'v3-unicast', (b) => (b[19] = 3)], // destination changed: pseudo-header no longer matches
    ['bad-checksum', 'v3-ipv6', (b) => (b[2] = 1)],
  ];
  for (const [reason, name, fn] of cases) {
    const d = damaged(name, fn);
    mustDrop(decodeAdvert(d.bytes, d.rx), reason);
  }
  // IPv6 checksum is verified with the rx pseudo-header: wrong source address => bad checksum
  const f6 = loadFixture('v3-ipv6');
  mustDrop(decodeAdvert(f6.bytes, { ...rxFor(f6), src: ip('fe80::99') }), 'bad-checksum');
  // without addresses (kernel verified with IPV6_CHECKSUM) it is accepted, marked unchecked
  const r = decodeAdvert(f6.bytes, { family: 6 });
  assert.ok(r.ok && r.value.checksumVariant === 'unchecked' && r.value.ttl === -1);
  // a damaged packet with a recomputed checksum decodes: the checksum check is what caught it above
  const ok = damaged('v2-noauth', (b) => {
    b[22] = 200;
    fixV2Checksum(b);
  });
  const r2 = decodeAdvert(ok.bytes, ok.rx);
  assert.ok(r2.ok && r2.value.priority === 200);
});

test("drop details are keepalived 2.2.7's own log texts (observed by sending crafted packets to it)", () => {
  const detail = (name: string, fn: (b: Uint8Array) => void) => {
    const d = damaged(name, fn);
    const r = decodeAdvert(d.bytes, d.rx);
    assert.equal(r.ok, false);
    return r.ok ? '' : r.detail;
  };
  assert.equal(detail('v2-noauth', (b) => (b[27] = b[27]! ^ 1)), 'Invalid VRRPv2 checksum');
  assert.equal(detail('v3-ipv4', (b) => (b[27] = b[27]! ^ 1)), 'Invalid VRRPv3 checksum');
  assert.equal(detail('v2-noauth', (b) => (b[20] = 0x22)), 'Invalid packet type. 2 and expect 1');
  // keepalived: "(VI_1) vrrp packet too long, length 40 and expect 32" for a v3 packet carrying v2's auth bytes
  const v2bytes = loadFixture('v2-noauth').bytes.slice();
  v2bytes[20] = 0x31;
  const r = decodeAdvert(v2bytes, { family: 4 });
  assert.ok(!r.ok && r.drop === 'bad-length' && r.detail === 'vrrp packet too long, length 40 and expect 32');
});

test('IPv4 header options (IHL > 5) are skipped', () => {
  const f = loadFixture('v2-noauth');
  const b = new Uint8Array(f.bytes.length + 4);
  b.set(f.bytes.subarray(0, 20), 0);
  b.set([1, 1, 1, 0], 20); // NOP NOP NOP EOL
  b.set(f.bytes.subarray(20), 24);
  b[0] = 0x46;
  b[3] = b.length;
  const r = decodeAdvert(b, { family: 4 });
  assert.ok(r.ok && r.value.vrid === 51 && r.value.ip!.ihl === 24);
});

test('Counters counts per reason', () => {
  const c = new Counters();
  c.inc('bad-ttl');
  c.inc('bad-ttl');
  c.inc('bad-checksum');
  assert.equal(c.get('bad-ttl'), 2);
  assert.equal(c.get('too-short'), 0);
  assert.equal(c.total(), 3);
  assert.deepEqual(c.toJSON(), { 'bad-ttl': 2, 'bad-checksum': 1 });
});

/** Small seeded PRNG (mulberry32) so fuzz failures are reproducible. */
import { prng } from '../../helpers/prng';

test('fuzz: 6000 mutated and random packets never throw; every OK decode re-encodes to the same bytes', () => {
  const rnd = prng(0x5eed1234);
  const reasons = new Set<string>(DROP_REASONS);
  const seen = new Counters<string>();
  const int = (n: number) => Math.floor(rnd() * n);
  for (let i = 0; i < 6000; i++) {
    const base = fixtures[int(fixtures.length)]!;
    let b: Uint8Array;
    const mode = int(4);
    if (mode === 0) {
      b = new Uint8Array(int(120));
      for (let k = 0; k < b.length; k++) b[k] = int(256);
    } else {
      b = base.bytes.slice(0, mode === 1 ? int(base.bytes.length + 1) : base.bytes.length);
      const flips = 1 + int(4);
      for (let k = 0; k < flips && b.length; k++) b[int(b.length)] = int(256);
      if (mode === 3 && b.length >= 4 && base.json.expect.family === 4) {
        b[2] = b.length >> 8; // keep the IP length consistent so deeper checks are reached
        b[3] = b.length & 0xff;
        if (b.length >= 20) b[0] = 0x45;
      }
    }
    const rx: RxMeta = mode === 0 ? { family: rnd() < 0.5 ? 4 : 6 } : rxFor(base);
    let r: DecodeResult;
    try {
      r = decodeAdvert(b, rx);
    } catch (e) {
      assert.fail(`decode threw on seed iteration ${i}: ${toHex(b)} ${String(e)}`);
    }
    if (!r.ok) {
      assert.ok(reasons.has(r.drop), r.drop);
      seen.inc(r.drop);
      continue;
    }
    seen.inc('ok');
    const a = r.value;
    if (a.rsvd !== 0) continue;
    const vStart = rx.family === 4 ? a.ip!.ihl : 0;
    const src = a.src ?? new Uint8Array(16);
    const dst = a.dst ?? new Uint8Array(16);
    const again = encodeAdvert(
      { family: a.family, version: a.version, vrid: a.vrid, priority: a.priority, adverInt: a.adverInt, addrs: a.addrs, authType: a.authType, ...(a.authData ? { authData: a.authData } : {}) },
      { src, dst, oldUnicastChecksum: a.checksumVariant === 'old-unicast' },
    );
    if (a.checksumVariant !== 'unchecked') assert.equal(toHex(again), toHex(b.subarray(vStart)), `re-encode of iteration ${i}`);
  }
  // the fuzz must actually exercise both outcomes and many reasons
  assert.ok(seen.get('ok') > 50, `only ${seen.get('ok')} OK decodes`);
  assert.ok(Object.keys(seen.toJSON()).length >= 8, JSON.stringify(seen.toJSON()));
});
