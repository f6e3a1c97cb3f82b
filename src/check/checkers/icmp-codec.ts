/**
 * ICMP / ICMPv6 echo for PING_CHECK (RFC 792, RFC 4443). Pure.
 *
 *   0       8      16              31
 *  +-------+-------+---------------+
 *  | type  | code  |   checksum    |
 *  +-------+-------+---------------+
 *  |  identifier   |   sequence    |
 *  +---------------+---------------+
 *  |  data …                       |
 *
 * IPv4 raw sockets deliver the IP header in front of the ICMP message; IPv6 raw
 * sockets do not, and the kernel fills in the ICMPv6 checksum.
 */
import { ByteReader } from '../../lib/bytes';

export const ICMP_ECHO_REQUEST = 8;
export const ICMP_ECHO_REPLY = 0;
export const ICMP6_ECHO_REQUEST = 128;
export const ICMP6_ECHO_REPLY = 129;

export function inetChecksum(b: Uint8Array): number {
  let s = 0;
  for (let i = 0; i < b.length; i += 2) s += (b[i]! << 8) | (b[i + 1] ?? 0);
  while (s > 0xffff) s = (s & 0xffff) + (s >>> 16);
  return ~s & 0xffff;
}

export function encodeEcho(v6: boolean, id: number, seq: number, payload: Buffer): Buffer {
  const b = Buffer.alloc(8 + payload.length);
  b[0] = v6 ? ICMP6_ECHO_REQUEST : ICMP_ECHO_REQUEST;
  b.writeUInt16BE(id & 0xffff, 4);
  b.writeUInt16BE(seq & 0xffff, 6);
  payload.copy(b, 8);
  if (!v6) b.writeUInt16BE(inetChecksum(b), 2);
  return b;
}

export type EchoMatch = 'REPLY' | 'OTHER' | 'TOO_SHORT';

/** Is `pkt` (as read from the raw socket) the echo reply to (id, seq)? Never throws. */
export function matchEchoReply(v6: boolean, pkt: Uint8Array, id: number, seq: number): EchoMatch {
  const r = new ByteReader(pkt);
  if (!v6) {
    if (!r.need(20)) return 'TOO_SHORT';
    const ihl = (r.u8() & 0x0f) * 4;
    if (ihl < 20) return 'OTHER';
    r.skip(ihl - 1);
  }
  if (!r.need(8)) return 'TOO_SHORT';
  const type = r.u8();
  const code = r.u8();
  r.u16();
  const rid = r.u16();
  const rseq = r.u16();
  const want = v6 ? ICMP6_ECHO_REPLY : ICMP_ECHO_REPLY;
  return type === want && code === 0 && rid === (id & 0xffff) && rseq === (seq & 0xffff) ? 'REPLY' : 'OTHER';
}
