import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseIp, parsePrefix, formatIp, compareIp } from '../../../src/lib/ip';

test('parseIp: v4 and v6 canonical forms', () => {
  assert.equal(parseIp('10.0.0.1')?.text, '10.0.0.1');
  assert.equal(parseIp('FE80:0:0:0:0:0:0:1')?.text, 'fe80::1');
  assert.equal(parseIp('2001:db8::1:0:0:1')?.text, '2001:db8::1:0:0:1');
  assert.equal(parseIp('::ffff:1.2.3.4')?.bytes.toString('hex'), '00000000000000000000ffff01020304');
  assert.equal(parseIp('1.2.3'), undefined);
  assert.equal(parseIp('fe80::1::2'), undefined);
});

test('formatIp follows RFC 5952 zero compression', () => {
  assert.equal(formatIp(Buffer.from('20010db8000000000001000000000001', 'hex')), '2001:db8::1:0:0:1');
  assert.equal(formatIp(Buffer.alloc(16)), '::');
  assert.equal(formatIp(Buffer.from('20010db8000100000000000000000000', 'hex')), '2001:db8:1::');
});

test('parsePrefix and compareIp', () => {
  assert.deepEqual([parsePrefix('10.1.2.3/24')?.prefixLen, parsePrefix('10.1.2.3')?.prefixLen], [24, 32]);
  assert.equal(parsePrefix('10.1.2.3/33'), undefined);
  assert.equal(parsePrefix('fe80::1/64')?.prefixLen, 64);
  assert.ok(compareIp(parseIp('10.0.0.2')!, parseIp('10.0.0.10')!) < 0);
});
