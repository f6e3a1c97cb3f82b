import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { decodeReply, encodeName, encodeQuery } from '../../../src/check/checkers/dns-codec';
import { parseHexWithWildcards, replyMatches } from '../../../src/check/checkers/udp';
import { buildRequest, md5Hex, parseResponse, regexPasses, statusAccepted } from '../../../src/check/checkers/http';
import { smtpStatus } from '../../../src/check/checkers/smtp';
import { evaluate, parseTrackValue } from '../../../src/check/checkers/file';

test('DNS query bytes: header with RD, one IN question', () => {
  // Independent builder: hand-written bytes for id 0x1234, "example.com" type A.
  const expected = Buffer.from('123401000001000000000000' + '076578616d706c6503636f6d00' + '0001' + '0001', 'hex');
  assert.deepEqual(encodeQuery(0x1234, 'example.com', 'A'), expected);
  assert.deepEqual(encodeQuery(0x1234, 'example.com.', 'A'), expected);
  // root name, SOA (keepalived's default)
  assert.deepEqual(encodeQuery(1, '.', 'SOA'), Buffer.from('000101000001000000000000' + '00' + '0006' + '0001', 'hex'));
  assert.deepEqual(encodeQuery(2, 'a.b', 'AAAA')?.subarray(12), Buffer.from('0161016200001c0001', 'hex'));
});

test('DNS names with empty or long labels are refused', () => {
  assert.equal(encodeName('a..b'), undefined);
  assert.equal(encodeName(''), undefined);
  assert.equal(encodeName('x'.repeat(64) + '.com'), undefined);
});

test('DNS reply decoding: id, QR, rcode; short input is a drop, never a throw', () => {
  const reply = (id: number, flags: number) => Buffer.from([id >> 8, id & 255, flags >> 8, flags & 255, 0, 1, 0, 1, 0, 0, 0, 0]);
  assert.deepEqual(decodeReply(reply(0x1234, 0x8180), 0x1234), { ok: true, rcode: 0, ancount: 1 });
  assert.deepEqual(decodeReply(reply(0x1234, 0x8183), 0x1234), { ok: true, rcode: 3, ancount: 1 });
  assert.deepEqual(decodeReply(reply(0x1235, 0x8180), 0x1234), { ok: false, drop: 'ID_MISMATCH' });
  assert.deepEqual(decodeReply(reply(0x1234, 0x0100), 0x1234), { ok: false, drop: 'NOT_RESPONSE' });
  for (let n = 0; n < 12; n++) assert.deepEqual(decodeReply(reply(0x1234, 0x8180).subarray(0, n), 0x1234), { ok: false, drop: 'TOO_SHORT' });
});

test('UDP require_reply hex with X wildcards', () => {
  const p = parseHexWithWildcards('01xX0a')!;
  assert.deepEqual(p.data, Buffer.from([0x01, 0x00, 0x0a]));
  assert.deepEqual(p.mask, Buffer.from([0x00, 0xff, 0x00]));
  const q = parseHexWithWildcards('Ax')!;
  assert.deepEqual(q.data, Buffer.from([0xa0]));
  assert.deepEqual(q.mask, Buffer.from([0x0f]));
  assert.equal(parseHexWithWildcards('abc'), undefined);
  assert.equal(parseHexWithWildcards('zz'), undefined);
  const t = { requireReply: p, minReplyLength: 0, maxReplyLength: 255 };
  assert.equal(replyMatches(Buffer.from([0x01, 0x77, 0x0a]), t), true);
  assert.equal(replyMatches(Buffer.from([0x02, 0x77, 0x0a]), t), false);
  assert.equal(replyMatches(Buffer.from([0x01]), t), true, 'only min(len, reply length) bytes are compared');
  assert.equal(replyMatches(Buffer.from([0x01, 0, 0x0a]), { ...t, minReplyLength: 4 }), false);
  assert.equal(replyMatches(Buffer.from([0x01, 0, 0x0a, 9]), { ...t, maxReplyLength: 3 }), false);
});

test('HTTP request lines exactly as keepalived/genhash send them', () => {
  assert.equal(buildRequest('/foo', '1.0', '127.0.0.1', 8080, undefined), 'GET /foo HTTP/1.0\r\nUser-Agent: KeepAliveClient\r\nHost: 127.0.0.1:8080\r\n\r\n');
  assert.equal(
    buildRequest('/x', '1.1', '127.0.0.1', 80, 'www.example.com'),
    'GET /x HTTP/1.1\r\nUser-Agent: KeepAliveClient\r\nConnection: close\r\nHost: www.example.com\r\n\r\n',
  );
  assert.equal(buildRequest('/x', '1.0C', '::1', 80, undefined), 'GET /x HTTP/1.0\r\nUser-Agent: KeepAliveClient\r\nConnection: close\r\nHost: [::1]:80\r\n\r\n');
});

test('HTTP response split, Content-Length truncation, status ranges, digest', () => {
  const raw = Buffer.from('HTTP/1.1 404 Not Found\r\nContent-Length: 5\r\n\r\nhello EXTRA');
  const r = parseResponse(raw)!;
  assert.equal(r.status, 404);
  assert.equal(r.body.toString(), 'hello');
  assert.equal(md5Hex(r.body), '5d41402abc4b2a76b9719d911017c592');
  assert.equal(parseResponse(Buffer.from('HTTP/1.1 200 OK\r\nX: y\r\n')), undefined);
  assert.equal(statusAccepted(200, undefined), true);
  assert.equal(statusAccepted(301, undefined), false);
  assert.equal(statusAccepted(301, [[300, 302], [404, 404]]), true);
  assert.equal(statusAccepted(404, [[300, 302], [404, 404]]), true);
  assert.equal(statusAccepted(200, [[300, 302]]), false);
});

test('regex, regex_no_match and offsets', () => {
  const raw = Buffer.from('HTTP/1.0 200 OK\r\n\r\n<html>status: healthy</html>');
  assert.equal(regexPasses({ path: '/', regex: 'status: (healthy|ok)' }, raw), true);
  assert.equal(regexPasses({ path: '/', regex: 'status: down' }, raw), false);
  assert.equal(regexPasses({ path: '/', regex: 'status: down', regexNoMatch: true }, raw), true);
  assert.equal(regexPasses({ path: '/', regex: 'HEALTHY' }, raw), false);
  assert.equal(regexPasses({ path: '/', regex: 'HEALTHY', regexFlags: 'i' }, raw), true);
  assert.equal(regexPasses({ path: '/', regex: 'healthy', regexMaxOffset: 10 }, raw), false);
  assert.equal(regexPasses({ path: '/', regex: 'HTTP', regexMinOffset: 5 }, raw), false);
  assert.equal(regexPasses({ path: '/', regex: '(' }, raw), false, 'an invalid pattern fails, never throws');
});

test('SMTP status parsing like smtp_get_status()', () => {
  assert.equal(smtpStatus('220 mail.example.com ESMTP\r'), 220);
  assert.equal(smtpStatus('250'), 250);
  assert.equal(smtpStatus('220-multi line'), -1);
  assert.equal(smtpStatus('2200 x'), -1);
  assert.equal(smtpStatus('hello'), -1);
});

test('FILE_CHECK value and weight rules', () => {
  assert.equal(parseTrackValue(' 12\n'), 12);
  assert.equal(parseTrackValue('-3'), -3);
  assert.equal(parseTrackValue('junk'), 0);
  assert.deepEqual(evaluate(0, { weight: 0, reverse: false }), { code: 'OK', weight: 0 });
  assert.equal(evaluate(1, { weight: 0, reverse: false }).code, 'FILE_DOWN');
  assert.equal(evaluate(0, { weight: 0, reverse: true }).code, 'FILE_DOWN');
  assert.deepEqual(evaluate(3, { weight: 2, reverse: false }), { code: 'OK', weight: 6 });
  assert.deepEqual(evaluate(3, { weight: 2, reverse: true }), { code: 'OK', weight: -6 });
  assert.equal(evaluate(-127, { weight: 2, reverse: false }).code, 'FILE_DOWN');
});
