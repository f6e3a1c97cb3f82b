/**
 * RFC 1071 Internet checksum (one's complement sum of 16-bit big-endian words).
 *
 * `sum16()` returns the folded, NOT complemented accumulator so a pseudo-header and
 * a payload can be summed separately (as keepalived does for VRRPv3/IPv4) and
 * combined with `finish()`. A buffer whose checksum field is correct gives
 * `inetChecksum(...) === 0`.
 */

/** Add the bytes of `b[start, end)` into `acc` (odd length padded with a zero byte). Result is folded to 16 bits. */
export function sum16(b: Uint8Array, acc = 0, start = 0, end = b.length): number {
  let s = acc;
  let i = start;
  for (; i + 1 < end; i += 2) s += (b[i]! << 8) | b[i + 1]!;
  if (i < end) s += b[i]! << 8;
  while (s > 0xffff) s = (s & 0xffff) + (s >>> 16);
  return s;
}

/** Complement a folded sum into the value to store in a checksum field. */
export function finish(acc: number): number {
  return ~acc & 0xffff;
}

/** Checksum of one buffer (with an optional initial folded sum). */
export function inetChecksum(b: Uint8Array, acc = 0, start = 0, end = b.length): number {
  return finish(sum16(b, acc, start, end));
}

/** Folded sum of an IPv4 pseudo-header (src, dst, zero, proto, length). */
export function pseudoSum4(src: Uint8Array, dst: Uint8Array, proto: number, length: number): number {
  let s = sum16(src, 0);
  s = sum16(dst, s);
  s += proto & 0xff;
  s += length & 0xffff;
  while (s > 0xffff) s = (s & 0xffff) + (s >>> 16);
  return s;
}

/** Folded sum of an IPv6 pseudo-header (RFC 8200 §8.1: src, dst, upper-layer length (32 bit), zero, next header). */
export function pseudoSum6(src: Uint8Array, dst: Uint8Array, nextHeader: number, length: number): number {
  let s = sum16(src, 0);
  s = sum16(dst, s);
  s += (length >>> 16) & 0xffff;
  s += length & 0xffff;
  s += nextHeader & 0xff;
  while (s > 0xffff) s = (s & 0xffff) + (s >>> 16);
  return s;
}
