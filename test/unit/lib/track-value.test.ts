/** track_file numbers as keepalived 2.2.7 reads them (strtol base 0, int range; observed values). */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { parseTrackValue } from '../../../src/lib/track-value';

test('strtol(buf, NULL, 0) on the first 127 bytes, checked against int', () => {
  const ok = (text: string, value: number): void => assert.deepEqual(parseTrackValue(text), { ok: true, value }, JSON.stringify(text));
  ok('1\n', 1);
  ok(' +4 x\n', 4);
  ok('010\n', 8);
  ok('0x10\n', 16);
  ok('0X1f', 31);
  ok('0x', 0);
  ok('08', 0);
  ok('-30\n', -30);
  ok('abc\n', 0);
  ok('', 0);
  ok('\t\n 7', 7);
  ok('2147483647', 2147483647);
  ok('-2147483648', -2147483648);
  ok(`${' '.repeat(126)}5`, 5);
  ok(`${' '.repeat(127)}5`, 0);
  assert.deepEqual(parseTrackValue('99999999999\n'), { ok: false, shown: '99999999999' });
  assert.deepEqual(parseTrackValue('2147483648'), { ok: false, shown: '2147483648' });
  assert.deepEqual(parseTrackValue('99999999999999999999999'), { ok: false, shown: '9223372036854775807' });
  assert.deepEqual(parseTrackValue('-99999999999999999999999'), { ok: false, shown: '-9223372036854775808' });
});
