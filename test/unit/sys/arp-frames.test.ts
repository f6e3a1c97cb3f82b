import assert from 'node:assert/strict';
import { test } from 'node:test';
import { buildGarpFrame, buildUnsolicitedNaFrame, icmp6Checksum } from '../../../src/sys/arp-frames';
import { hasTcpdump, tcpdumpDecode } from './pcap';

const MAC = Buffer.from('02005e0001c8', 'hex');
const VIP4 = Buffer.from([192, 0, 2, 77]);
const VIP6 = Buffer.from('20010db8000000000000000000000064', 'hex');

test('gratuitous ARP frame matches the keepalived layout byte for byte', () => {
  const expected = Buffer.from(
    'ffffffffffff' + '02005e0001c8' + '0806' + // ethernet
      '0001' + '0800' + '06' + '04' + '0001' + // ARP request
      '02005e0001c8' + 'c000024d' + 'ffffffffffff' + 'c000024d',
    'hex',
  );
  assert.deepEqual(buildGarpFrame(MAC, VIP4), expected);
});

/** Independent ICMPv6 check: the one's-complement sum over pseudo-header + message must be 0xffff. */
function sumOk(src: Buffer, dst: Buffer, icmp: Buffer): boolean {
  const words: number[] = [];
  const push = (b: Buffer) => {
    for (let i = 0; i < b.length; i += 2) words.push((b[i]! << 8) | (b[i + 1] ?? 0));
  };
  push(src);
  push(dst);
  words.push(0, icmp.length, 0, 58);
  push(icmp);
  let s = words.reduce((a, w) => a + w, 0);
  while (s > 0xffff) s = (s & 0xffff) + Math.floor(s / 0x10000);
  return s === 0xffff;
}
const verifyIcmp6 = (f: Buffer) => sumOk(f.subarray(22, 38), f.subarray(38, 54), f.subarray(54));

test('unsolicited NA frame: headers, flags, target option and a valid checksum', () => {
  for (const router of [false, true]) {
    const f = buildUnsolicitedNaFrame(MAC, VIP6, router);
    assert.equal(f.length, 86);
    assert.equal(f.subarray(0, 6).toString('hex'), '333300000001');
    assert.equal(f.subarray(6, 12).toString('hex'), '02005e0001c8');
    assert.equal(f.readUInt16BE(12), 0x86dd);
    assert.equal(f[14]! >> 4, 6);
    assert.equal(f.readUInt16BE(18), 32, 'payload length');
    assert.equal(f[20], 58, 'next header ICMPv6');
    assert.equal(f[21], 255, 'hop limit');
    assert.deepEqual(f.subarray(22, 38), VIP6, 'source = VIP');
    assert.equal(f.subarray(38, 54).toString('hex'), 'ff020000000000000000000000000001');
    assert.equal(f[54], 136);
    assert.equal(f[55], 0);
    assert.equal(f[58], router ? 0xa0 : 0x20, 'R|O or O, never S');
    assert.deepEqual(f.subarray(62, 78), VIP6);
    assert.deepEqual([...f.subarray(78, 80)], [2, 1]);
    assert.deepEqual(f.subarray(80, 86), MAC);
    assert.ok(verifyIcmp6(f), 'checksum verifies');
  }
});

test('a corrupted NA no longer verifies (the checksum covers the target)', () => {
  const f = buildUnsolicitedNaFrame(MAC, VIP6, false);
  f[70] = f[70]! ^ 1;
  assert.equal(verifyIcmp6(f), false);
});

test('icmp6Checksum pads an odd-length message with a zero byte', () => {
  const src = Buffer.from('fe800000000000000000000000000001', 'hex');
  const dst = Buffer.from('ff020000000000000000000000000012', 'hex');
  for (const len of [5, 8, 31]) {
    const m = Buffer.alloc(len);
    for (let i = 0; i < len; i++) m[i] = (i * 37 + 11) & 0xff;
    m.writeUInt16BE(0, 2);
    m.writeUInt16BE(icmp6Checksum(src, dst, m), 2);
    assert.ok(sumOk(src, dst, m), `length ${len}`);
  }
});

test('builders reject wrong lengths (a bug in the caller)', () => {
  assert.throws(() => buildGarpFrame(Buffer.alloc(5), VIP4), TypeError);
  assert.throws(() => buildGarpFrame(MAC, VIP6), TypeError);
  assert.throws(() => buildUnsolicitedNaFrame(MAC, VIP4, false), TypeError);
});

test('tcpdump decodes both frames as keepalived sends them', { skip: !hasTcpdump() && 'tcpdump not installed' }, () => {
  const out = tcpdumpDecode([buildGarpFrame(MAC, VIP4), buildUnsolicitedNaFrame(MAC, VIP6, false), buildUnsolicitedNaFrame(MAC, VIP6, true)]);
  const lines = out.split('\n');
  assert.match(lines[0]!, /02:00:5e:00:01:c8 > ff:ff:ff:ff:ff:ff, ethertype ARP .*Request who-has 192\.0\.2\.77 \(ff:ff:ff:ff:ff:ff\) tell 192\.0\.2\.77/);
  assert.match(out, /hlim 255.*2001:db8::64 > ff02::1: \[icmp6 sum ok\] ICMP6, neighbor advertisement, length 32, tgt is 2001:db8::64, Flags \[override\]/);
  assert.match(out, /tgt is 2001:db8::64, Flags \[router, override\]/);
  assert.match(out, /link-address option \(2\), length 8 \(1\): 02:00:5e:00:01:c8/);
  assert.doesNotMatch(out, /solicited/);
});
