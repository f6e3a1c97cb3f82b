/**
 * keepalived's IPsec-AH flavour of VRRPv2 authentication (`auth_type AH`, IPv4 only), wire
 * compatible with keepalived 2.2.7. Pure: no sockets, no clock; `decodeAh` never throws.
 *
 *    IPv4 header (protocol 51, TOS 0xc0, TTL 255, id counting from 1, no DF)
 *    AH (RFC 2402 layout, 24 bytes):
 *     0                   1                   2                   3
 *    | Next Hdr (112)| Payload Len(4)|          RESERVED (0)         |
 *    |            SPI = the sender's IPv4 source address             |
 *    |                 Sequence Number (from 1, +1 per advert)       |
 *    |          ICV: HMAC-MD5-96 (12 bytes)                          |
 *    VRRPv2 message: auth type 2, its 8 authentication bytes zero, checksum over the VRRP message.
 *
 * ICV (checked against keepalived 2.2.7 captures, test/fixtures/packets/ah/): HMAC-MD5 keyed with
 * auth_pass (first 8 bytes, zero padded) over the IPv4 header with TOS, flags/fragment offset and
 * header checksum zeroed (TTL zeroed too when the instance is unicast; the id is kept), the AH
 * header with the ICV zeroed, and the VRRP message; the first 12 bytes of the digest.
 *
 * Receive rules (keepalived's vrrp_in_chk_ipsecah): ICV first ("IPSEC-AH : invalid IPSEC HMAC-MD5
 * value. Due to fields mutation or bad password !"), then SPI == IP source, then the sequence
 * number must be greater than the instance's counter, which it then becomes ("IPSEC-AH : sequence
 * number N already processed. Packet dropped. Local(M)"); each failure counts auth_failure. The
 * same counter numbers the adverts the instance sends (incremented before each advert), so a
 * backup that becomes master continues after the last number it accepted.
 */
import { hmacMd5 } from '../../lib/hmac';

export const IPPROTO_AH = 51;
export const AH_LEN = 24;
export const AH_ICV_LEN = 12;
/** AH payload length field: AH length in 32-bit words minus 2. */
export const AH_PAYLOAD_LEN = AH_LEN / 4 - 2;
/** Key and password length keepalived uses (auth_pass truncated to 8 bytes). */
export const AH_KEY_LEN = 8;
/** keepalived stops counting here (seq_number > 0xFFFFFFFD: the counter has "cycled"). */
export const AH_SEQ_MAX = 0xfffffffd;

export interface AhHeader {
  nextHeader: number;
  payloadLen: number;
  reserved: number;
  /** SPI as the 4 bytes on the wire (keepalived puts the sender address there). */
  spi: Uint8Array;
  seq: number;
  icv: Uint8Array;
}

/** A copy (Buffer#slice would share memory). */
function copy(b: Uint8Array, start: number, end: number): Uint8Array {
  return new Uint8Array(b.subarray(start, end));
}

export type AhDecode = { ok: true; ah: AhHeader; vrrpStart: number } | { ok: false; drop: 'ah-too-short' | 'ah-not-vrrp'; detail: string };

/** The AH header at `off` of an IPv4 packet (`bytes` = IP header + AH + payload). */
export function decodeAh(bytes: Uint8Array, off: number, end = bytes.length): AhDecode {
  if (off < 0 || end > bytes.length || end - off < AH_LEN) return { ok: false, drop: 'ah-too-short', detail: `AH header needs ${AH_LEN} bytes, ${Math.max(0, end - off)} received` };
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const ah: AhHeader = {
    nextHeader: bytes[off]!,
    payloadLen: bytes[off + 1]!,
    reserved: dv.getUint16(off + 2),
    spi: copy(bytes, off + 4, off + 8),
    seq: dv.getUint32(off + 8),
    icv: copy(bytes, off + 12, off + AH_LEN),
  };
  // keepalived ignores an AH packet that does not carry VRRP (VRRP_PACKET_DROP, no log, no counter)
  if (ah.nextHeader !== 112) return { ok: false, drop: 'ah-not-vrrp', detail: `AH next header ${ah.nextHeader}` };
  return { ok: true, ah, vrrpStart: off + AH_LEN };
}

/** The HMAC key for a password: its first 8 bytes, zero padded. */
export function ahKey(pass: string | Uint8Array): Uint8Array {
  const src = typeof pass === 'string' ? Buffer.from(pass, 'utf8') : pass;
  const k = new Uint8Array(AH_KEY_LEN);
  k.set(src.subarray(0, AH_KEY_LEN));
  return k;
}

/**
 * The 12-byte ICV of an AH packet (`pkt` = IPv4 header of `ihl` bytes + AH + VRRP): mutable IP
 * fields zeroed (TOS, flags/offset, checksum; TTL when `unicast`), ICV field zeroed.
 */
export function computeIcv(pkt: Uint8Array, ihl: number, key: Uint8Array, unicast: boolean): Uint8Array {
  const hdr = copy(pkt, 0, ihl + AH_LEN);
  hdr[1] = 0; // TOS
  hdr[6] = 0; // flags + fragment offset
  hdr[7] = 0;
  if (unicast) hdr[8] = 0; // TTL
  hdr[10] = 0; // header checksum
  hdr[11] = 0;
  hdr.fill(0, ihl + 12, ihl + AH_LEN);
  return hmacMd5(key, [hdr, pkt.subarray(ihl + AH_LEN)]).subarray(0, AH_ICV_LEN);
}

/** Constant-time comparison of two ICVs. */
function icvEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let d = 0;
  for (let i = 0; i < a.length; i++) d |= a[i]! ^ b[i]!;
  return d === 0;
}

export type AhCheck =
  | { ok: true; seq: number }
  | { ok: false; drop: 'ah-bad-icv' | 'ah-bad-spi' | 'ah-replay'; detail: string; log: string };

/**
 * Authenticate a received AH advert for instance `name` whose sequence counter is `counter`.
 * On success `seq` is the new counter value (the packet's sequence number).
 */
export function checkAh(pkt: Uint8Array, ihl: number, ah: AhHeader, key: Uint8Array, opts: { name: string; unicast: boolean; counter: number }): AhCheck {
  const want = computeIcv(pkt, ihl, key, opts.unicast);
  if (!icvEqual(want, ah.icv))
    return { ok: false, drop: 'ah-bad-icv', detail: 'bad HMAC-MD5 ICV', log: `(${opts.name}) IPSEC-AH : invalid IPSEC HMAC-MD5 value. Due to fields mutation or bad password !` };
  const src = pkt.subarray(12, 16);
  if (!icvEqual(src, ah.spi)) {
    // keepalived prints both as host-order integers of the network-order bytes (little-endian hosts)
    const le = (b: Uint8Array): number => ((b[3]! << 24) | (b[2]! << 16) | (b[1]! << 8) | b[0]!) >>> 0;
    return { ok: false, drop: 'ah-bad-spi', detail: 'SPI is not the source address', log: `IPSEC AH : invalid IPSEC SPI value. ${le(src)} and expect ${le(ah.spi)}` };
  }
  if (ah.seq <= opts.counter)
    return {
      ok: false,
      drop: 'ah-replay',
      detail: `sequence number ${ah.seq} <= ${opts.counter}`,
      log: `(${opts.name}) IPSEC-AH : sequence number ${ah.seq} already processed. Packet dropped. Local(${opts.counter})`,
    };
  return { ok: true, seq: ah.seq };
}

/** The sequence counter after one more advert (keepalived: stops, "cycled", above 0xFFFFFFFD). */
export function nextAhSeq(counter: number): { seq: number; cycled: boolean } {
  return counter > AH_SEQ_MAX ? { seq: counter, cycled: true } : { seq: counter + 1, cycled: false };
}

/** The AH header to put between the IPv4 header and the VRRP message (ICV zero until sealAh). */
export function encodeAh(spi: Uint8Array, seq: number): Uint8Array {
  const b = new Uint8Array(AH_LEN);
  const dv = new DataView(b.buffer);
  b[0] = 112;
  b[1] = AH_PAYLOAD_LEN;
  b.set(spi.subarray(0, 4), 4);
  dv.setUint32(8, seq >>> 0);
  return b;
}

/**
 * Complete an outgoing AH packet in place (`pkt` = 20-byte IPv4 header + AH + VRRP): SPI = IP
 * source, sequence number `seq`, then the ICV over the finished packet.
 */
export function sealAh(pkt: Uint8Array, seq: number, key: Uint8Array, unicast: boolean, ihl = 20): void {
  const dv = new DataView(pkt.buffer, pkt.byteOffset, pkt.byteLength);
  pkt.copyWithin(ihl + 4, 12, 16);
  dv.setUint32(ihl + 8, seq >>> 0);
  pkt.fill(0, ihl + 12, ihl + AH_LEN);
  pkt.set(computeIcv(pkt, ihl, key, unicast), ihl + 12);
}
