/**
 * The number in a track_file (VRRP track_file and the checker's FILE_CHECK), read as keepalived
 * 2.2.7's process_track_file() reads it: the first 127 bytes through strtol(buf, NULL, 0), so
 * leading blanks and a sign are skipped, `0x` means hex and a leading `0` octal, and anything
 * after the number is ignored ("abc" is 0, " +4 x" is 4, "010" is 8, "0x10" is 16: observed).
 * A value outside the C int range is refused: keepalived logs
 * "Invalid number %ld read from PATH - ignoring" and keeps the previous value.
 */

export type TrackValue = { ok: true; value: number } | { ok: false; shown: string };

const INT_MAX = 2147483647n;
const INT_MIN = -2147483648n;
const LONG_MAX = 9223372036854775807n;
const LONG_MIN = -9223372036854775808n;

/** strtol(text, NULL, 0) on the first 127 characters, checked against int like keepalived. */
export function parseTrackValue(text: string): TrackValue {
  const s = text.slice(0, 127);
  let i = 0;
  while (i < s.length && ' \t\n\v\f\r'.includes(s[i]!)) i++;
  let neg = false;
  if (s[i] === '+' || s[i] === '-') neg = s[i++] === '-';
  let base = 10n;
  let digits = '0123456789';
  if (s[i] === '0' && (s[i + 1] === 'x' || s[i + 1] === 'X') && /[0-9a-fA-F]/.test(s[i + 2] ?? '')) {
    base = 16n;
    digits = '0123456789abcdef';
    i += 2;
  } else if (s[i] === '0') {
    base = 8n;
    digits = '01234567';
  }
  let v = 0n;
  for (; i < s.length; i++) {
    const d = digits.indexOf(s[i]!.toLowerCase());
    if (d < 0) break;
    v = v * base + BigInt(d);
  }
  if (neg) v = -v;
  // strtol saturates (ERANGE); keepalived prints the saturated long
  if (v > LONG_MAX) v = LONG_MAX;
  if (v < LONG_MIN) v = LONG_MIN;
  if (v > INT_MAX || v < INT_MIN) return { ok: false, shown: String(v) };
  return { ok: true, value: Number(v) };
}
