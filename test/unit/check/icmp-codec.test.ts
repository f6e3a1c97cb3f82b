import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { encodeEcho, inetChecksum, matchEchoReply } from '../../../src/check/checkers/icmp-codec';

test('ICMP echo request bytes and checksum', () => {
  // Checksum value observed from the Linux kernel's own echo reply (type 0 → 0xe9c4) minus the type change.
  assert.deepEqual(encodeEcho(false, 0x1234, 1, Buffer.from([1, 2, 3, 4])), Buffer.from('0800e1c41234000101020304', 'hex'));
  assert.equal(inetChecksum(encodeEcho(false, 7, 9, Buffer.from('abc'))), 0, 'a packet with its checksum sums to zero');
  assert.deepEqual(encodeEcho(true, 0x1234, 1, Buffer.alloc(0)), Buffer.from('8000000012340001', 'hex'), 'ICMPv6: kernel fills the checksum');
});

test('echo reply matching: IPv4 skips the IP header; id, seq, type must match; never throws', () => {
  const ip = Buffer.from('450000200000000040010000' + '7f000001' + '7f000001', 'hex');
  const reply = Buffer.concat([ip, Buffer.from('0000e9c41234000101020304', 'hex')]);
  assert.equal(matchEchoReply(false, reply, 0x1234, 1), 'REPLY');
  assert.equal(matchEchoReply(false, reply, 0x1234, 2), 'OTHER');
  assert.equal(matchEchoReply(false, reply, 0x1235, 1), 'OTHER');
  const request = Buffer.concat([ip, Buffer.from('0800e1c41234000101020304', 'hex')]);
  assert.equal(matchEchoReply(false, request, 0x1234, 1), 'OTHER', 'our own request looped back');
  for (let n = 0; n < 28; n++) assert.equal(matchEchoReply(false, reply.subarray(0, n), 0x1234, 1), 'TOO_SHORT');
  assert.equal(matchEchoReply(true, Buffer.from('8100000012340001', 'hex'), 0x1234, 1), 'REPLY');
  assert.equal(matchEchoReply(true, Buffer.from('8000000012340001', 'hex'), 0x1234, 1), 'OTHER');
  assert.equal(matchEchoReply(true, Buffer.from('81000000', 'hex'), 0x1234, 1), 'TOO_SHORT');
});
