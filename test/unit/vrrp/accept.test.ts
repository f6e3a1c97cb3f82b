import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseIp } from '../../../src/lib/ip';
import { decodeAdvert, DROP_REASONS, type Advert, type DropReason, type RxMeta } from '../../../src/vrrp/packet/advert';
import { acceptAdvert, authPassBytes, DROP_STATS, type AcceptConfig, type AcceptContext } from '../../../src/vrrp/accept';
import { loadFixture } from './fixtures';

const ip = (s: string) => new Uint8Array(parseIp(s)!.bytes);

function decoded(name: string, patch?: (b: Uint8Array) => void): Advert {
  const f = loadFixture(name);
  const b = f.bytes.slice();
  patch?.(b);
  const rx: RxMeta = f.json.rx ? { family: 6, src: ip(f.json.rx.src), dst: ip(f.json.rx.dst), hopLimit: f.json.rx.hopLimit } : { family: 4 };
  const r = decodeAdvert(b, rx);
  if (!r.ok) throw new Error(`${name}: ${r.drop} ${r.detail}`);
  return r.value;
}

/** The receiving side of each captured case, as configured in the fixture's keepalived.conf. */
const CFG: Record<string, AcceptConfig> = {
  'v2-noauth': { name: 'VI_1', family: 4, version: 2, vrid: 51, authType: 0, vips: [ip('10.99.1.100')], advertIntervalCs: 100, unicastPeers: [], skipCheckAdvAddr: false, checkUnicastSrc: false, unicastChecksum: 'auto' },
  'v2-pass': { name: 'VI_2', family: 4, version: 2, vrid: 52, authType: 1, authPass: authPassBytes('secret123456'), vips: [ip('10.99.2.100')], advertIntervalCs: 100, unicastPeers: [], skipCheckAdvAddr: false, checkUnicastSrc: false, unicastChecksum: 'auto' },
  'v2-multivip': { name: 'VI_3', family: 4, version: 2, vrid: 53, authType: 0, vips: [ip('192.168.77.5'), ip('10.99.3.100'), ip('10.99.3.101')], advertIntervalCs: 200, unicastPeers: [], skipCheckAdvAddr: false, checkUnicastSrc: false, unicastChecksum: 'auto' },
  'v3-ipv4': { name: 'VI_4', family: 4, version: 3, vrid: 54, authType: 0, vips: [ip('10.99.4.100'), ip('10.99.4.101')], advertIntervalCs: 100, unicastPeers: [], skipCheckAdvAddr: false, checkUnicastSrc: false, unicastChecksum: 'auto' },
  'v3-ipv6': { name: 'VI_5', family: 6, version: 3, vrid: 55, authType: 0, vips: [ip('fe80::55'), ip('fd00:99:5::100')], advertIntervalCs: 100, unicastPeers: [], skipCheckAdvAddr: false, checkUnicastSrc: false, unicastChecksum: 'auto' },
  'v2-unicast': { name: 'VI_6', family: 4, version: 2, vrid: 56, authType: 0, vips: [ip('10.99.6.100')], advertIntervalCs: 100, unicastPeers: [{ addr: ip('10.99.0.1') }], skipCheckAdvAddr: false, checkUnicastSrc: true, unicastChecksum: 'auto' },
  'v3-unicast': { name: 'VI_7', family: 4, version: 3, vrid: 57, authType: 0, vips: [ip('10.99.7.100')], advertIntervalCs: 100, unicastPeers: [{ addr: ip('10.99.0.1') }], skipCheckAdvAddr: false, checkUnicastSrc: true, unicastChecksum: 'auto' },
  'v3-unicast-oldcsum': { name: 'VI_8', family: 4, version: 3, vrid: 58, authType: 0, vips: [ip('10.99.8.100')], advertIntervalCs: 100, unicastPeers: [{ addr: ip('10.99.0.1') }], skipCheckAdvAddr: false, checkUnicastSrc: false, unicastChecksum: 'old' },
  'v3-ipv6-unicast': { name: 'VI_9', family: 6, version: 3, vrid: 59, authType: 0, vips: [ip('fd00:99:9::100')], advertIntervalCs: 100, unicastPeers: [{ addr: ip('fe80::a') }], skipCheckAdvAddr: false, checkUnicastSrc: true, unicastChecksum: 'auto' },
};

function expectDrop(cfg: AcceptConfig, adv: Advert, reason: DropReason, logIncludes?: string, ctx: AcceptContext = {}) {
  const r = acceptAdvert(cfg, adv, ctx);
  assert.equal(r.ok, false, `expected ${reason}`);
  if (r.ok) return;
  assert.equal(r.drop, reason, r.detail);
  const k = DROP_STATS[reason];
  if (k) assert.ok(r.stats.includes(k), `stats ${JSON.stringify(r.stats)} lack ${k}`);
  if (logIncludes) assert.ok(r.log.some((l) => l.includes(logIncludes)), JSON.stringify(r.log));
}

test('every captured advert is accepted by a matching instance (incl. priority 0)', () => {
  for (const [name, cfg] of Object.entries(CFG)) {
    for (const n of [name, `${name}-prio0`]) {
      const r = acceptAdvert(cfg, decoded(n), cfg.family === 6 ? { multicast: cfg.unicastPeers.length === 0 } : {});
      assert.ok(r.ok, r.ok ? '' : `${n}: ${r.drop} ${r.detail}`);
      assert.ok(r.stats.includes('advert_rcvd'));
      assert.equal(r.stats.includes('pri_zero_rcvd'), n.endsWith('-prio0'), n);
    }
  }
});

test('every drop reason maps to a keepalived.stats counter or explicitly none', () => {
  for (const r of DROP_REASONS) assert.ok(r in DROP_STATS, r);
});

test('TTL must be 255 for multicast; unicast peers may set a TTL range', () => {
  expectDrop(CFG['v2-noauth']!, decoded('v2-noauth', (b) => (b[8] = 254)), 'bad-ttl', '(VI_1) invalid TTL/HL. Received 254 and expect 255');
  expectDrop(CFG['v3-ipv6']!, { ...decoded('v3-ipv6'), ttl: 64 }, 'bad-ttl');
  // unicast: any TTL unless a range is configured (keepalived's IPv6 unicast really arrives with hop limit 64)
  assert.ok(acceptAdvert(CFG['v3-ipv6-unicast']!, decoded('v3-ipv6-unicast'), { multicast: false }).ok);
  const ranged: AcceptConfig = { ...CFG['v2-unicast']!, unicastPeers: [{ addr: ip('10.99.0.1'), minTtl: 250, maxTtl: 255 }] };
  assert.ok(acceptAdvert(ranged, decoded('v2-unicast')).ok);
  expectDrop(ranged, decoded('v2-unicast', (b) => (b[8] = 64)), 'bad-ttl');
});

test('VRID, version and family mismatches', () => {
  expectDrop({ ...CFG['v2-noauth']!, vrid: 52 }, decoded('v2-noauth'), 'vrid-mismatch');
  expectDrop({ ...CFG['v2-noauth']!, version: 3 }, decoded('v2-noauth'), 'version-mismatch', 'invalid version. 2 and expect 3');
  expectDrop({ ...CFG['v3-ipv6']!, family: 4 }, decoded('v3-ipv6'), 'family-mismatch');
});

test('authentication: type mismatch and password (first 8 chars)', () => {
  expectDrop(CFG['v2-noauth']!, decoded('v2-pass'), 'vrid-mismatch');
  expectDrop({ ...CFG['v2-pass']!, authType: 0 }, decoded('v2-pass'), 'auth-type-mismatch', '(VI_2) received a 1 auth, expecting 0!');
  expectDrop({ ...CFG['v2-noauth']!, authType: 1, authPass: authPassBytes('x') }, decoded('v2-noauth'), 'auth-type-mismatch');
  expectDrop({ ...CFG['v2-pass']!, authPass: authPassBytes('secret13') }, decoded('v2-pass'), 'auth-failure', '(VI_2) received an invalid passwd!');
  // only 8 characters count: 'secret12xyz' equals what went on the wire
  assert.ok(acceptAdvert({ ...CFG['v2-pass']!, authPass: authPassBytes('secret12xyz') }, decoded('v2-pass')).ok);
});

test('address count and list (unless skip_check_adv_addr with the same master)', () => {
  expectDrop({ ...CFG['v2-noauth']!, vips: [ip('10.99.1.100'), ip('10.99.1.101')] }, decoded('v2-noauth'), 'addr-count-mismatch', '(VI_1) received an unexpected ip number count 1, expected 2!');
  const other = { ...CFG['v2-noauth']!, vips: [ip('10.99.1.99')] };
  expectDrop(other, decoded('v2-noauth'), 'addr-list-mismatch', '(VI_1) ip address associated with VRID 51 not present in MASTER advert: 10.99.1.99');
  const skip = { ...other, skipCheckAdvAddr: true };
  // first advert from a new master is still checked; once that source is the master it is not
  expectDrop(skip, decoded('v2-noauth'), 'addr-list-mismatch');
  assert.ok(acceptAdvert(skip, decoded('v2-noauth'), { masterSrc: ip('10.99.0.1') }).ok);
  expectDrop(skip, decoded('v2-noauth'), 'addr-list-mismatch', undefined, { masterSrc: ip('10.99.0.7') });
});

test('VRRPv2 advert interval must match; VRRPv3 accepts any (backups adopt it in the FSM)', () => {
  expectDrop({ ...CFG['v2-noauth']!, advertIntervalCs: 200 }, decoded('v2-noauth'), 'advert-interval-mismatch', "(VI_1) advertisement interval mismatch mine=2 sec rcv'd=1 sec");
  assert.ok(acceptAdvert({ ...CFG['v3-ipv4']!, advertIntervalCs: 100 }, decoded('v3-ipv4')).ok); // packet says 50 cs
});

test('unicast source must be a peer when check_unicast_src is set', () => {
  expectDrop({ ...CFG['v2-unicast']!, unicastPeers: [{ addr: ip('10.99.0.9') }] }, decoded('v2-unicast'), 'unicast-src-not-peer', 'unicast source address 10.99.0.1 not a unicast peer');
  assert.ok(acceptAdvert({ ...CFG['v2-unicast']!, checkUnicastSrc: false, unicastPeers: [{ addr: ip('10.99.0.9') }] }, decoded('v2-unicast')).ok);
});

test('IPv6: multicast packets on a unicast instance and vice versa are discarded', () => {
  expectDrop(CFG['v3-ipv6-unicast']!, decoded('v3-ipv6-unicast'), 'multicast-on-unicast', undefined, { multicast: true });
  expectDrop(CFG['v3-ipv6']!, decoded('v3-ipv6'), 'multicast-on-unicast', undefined, { multicast: false });
});

test('old_unicast_checksum: auto switches, never rejects, old mode rejects the standard form', () => {
  const oldPkt = decoded('v3-unicast-oldcsum');
  const auto = { ...CFG['v3-unicast-oldcsum']!, unicastChecksum: 'auto' as const };
  const r = acceptAdvert(auto, oldPkt);
  assert.ok(r.ok && r.value.switchToOldChecksum);
  assert.ok(r.log.includes('(VI_8) Setting unicast VRRPv3 checksum to old version'));
  const again = acceptAdvert(auto, oldPkt, { oldChecksumActive: true });
  assert.ok(again.ok && !again.value.switchToOldChecksum);
  expectDrop({ ...auto, unicastChecksum: 'never' }, oldPkt, 'old-checksum-rejected');
  // a standard-checksum unicast packet while in old mode
  const std = decoded('v3-unicast');
  expectDrop({ ...CFG['v3-unicast']!, unicastChecksum: 'old' }, std, 'old-checksum-rejected');
  assert.ok(acceptAdvert(CFG['v3-unicast']!, std).ok);
});
