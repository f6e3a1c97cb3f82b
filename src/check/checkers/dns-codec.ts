/**
 * DNS query encoder and reply header decoder for DNS_CHECK (RFC 1035 §4.1). Pure.
 *
 *   0  1  2  3  4  5  6  7  8  9 10 11 12 13 14 15
 *  +--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+
 *  |                      ID                       |
 *  |QR|  Opcode   |AA|TC|RD|RA|   Z    |   RCODE   |
 *  |                    QDCOUNT                    |
 *  |                    ANCOUNT                    |
 *  |                    NSCOUNT                    |
 *  |                    ARCOUNT                    |
 *  +--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+
 *
 * keepalived checks only ID, QR and RCODE of the reply (check_dns.c); so do we. A reply
 * with the wrong ID or without QR is ignored (the check keeps waiting until the read
 * timeout), RCODE != 0 fails the check.
 */
import { ByteReader, ByteWriter } from '../../lib/bytes';
import type { DnsType } from '../types';

export const DNS_TYPES: Record<DnsType, number> = {
  A: 1,
  NS: 2,
  CNAME: 5,
  SOA: 6,
  MX: 15,
  TXT: 16,
  AAAA: 28,
  RRSIG: 46,
  DNSKEY: 48,
};

export const DNS_HEADER_LEN = 12;
const FLAG_QR = 0x8000;
const FLAG_RD = 0x0100;

/** Wire form of a name; "." is the root. Undefined for an empty or over-long label. */
export function encodeName(name: string): Buffer | undefined {
  if (name === '.') return Buffer.from([0]);
  const trimmed = name.endsWith('.') ? name.slice(0, -1) : name;
  const parts: Buffer[] = [];
  for (const label of trimmed.split('.')) {
    const b = Buffer.from(label, 'latin1');
    if (b.length === 0 || b.length > 63) return undefined;
    parts.push(Buffer.from([b.length]), b);
  }
  parts.push(Buffer.from([0]));
  const out = Buffer.concat(parts);
  return out.length > 255 ? undefined : out;
}

/** Standard query, recursion desired, one question of class IN. */
export function encodeQuery(id: number, name: string, type: DnsType): Buffer | undefined {
  const qname = encodeName(name);
  if (!qname) return undefined;
  const w = new ByteWriter(DNS_HEADER_LEN + qname.length + 4);
  w.u16(id & 0xffff).u16(FLAG_RD).u16(1).u16(0).u16(0).u16(0);
  w.bytes(qname).u16(DNS_TYPES[type]).u16(1);
  return Buffer.from(w.buf);
}

export type DnsDrop = 'TOO_SHORT' | 'ID_MISMATCH' | 'NOT_RESPONSE';
export type DnsReply = { ok: true; rcode: number; ancount: number } | { ok: false; drop: DnsDrop };

export function decodeReply(buf: Uint8Array, expectId: number): DnsReply {
  const r = new ByteReader(buf);
  if (!r.need(DNS_HEADER_LEN)) return { ok: false, drop: 'TOO_SHORT' };
  const id = r.u16();
  const flags = r.u16();
  r.u16();
  const ancount = r.u16();
  if (id !== (expectId & 0xffff)) return { ok: false, drop: 'ID_MISMATCH' };
  if (!(flags & FLAG_QR)) return { ok: false, drop: 'NOT_RESPONSE' };
  return { ok: true, rcode: flags & 0x0f, ancount };
}
