/**
 * VRRP advertisement codec: VRRPv2 (RFC 3768) and VRRPv3 (RFC 5798), IPv4 and IPv6.
 *
 * Pure: no sockets, no clock. `decodeAdvert()` performs the wire checks only (stage one);
 * instance checks (VRID, TTL, auth, address list, interval) are in ../accept.ts (stage two).
 * It never throws on input: it returns `{ok:false, drop, detail}`.
 *
 * VRRPv2 (RFC 3768 §5.1), as sent by keepalived over IPv4:
 *
 *     0                   1                   2                   3
 *     0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *    |Version| Type  | Virtual Rtr ID|   Priority    | Count IP Addrs|
 *    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *    |   Auth Type   |   Adver Int   |          Checksum             |
 *    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *    |                      IP Address (1..n)                        |
 *    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *    |                Authentication Data (1) + (2)  (8 bytes)       |
 *    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *    Adver Int in seconds. Checksum over the VRRP message only.
 *    (keepalived's VRRPv2 over IPv6 carries no authentication data.)
 *
 * VRRPv3 (RFC 5798 §5.1):
 *
 *    |Version| Type  | Virtual Rtr ID|   Priority    |Count IPvX Addr|
 *    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *    |(rsvd) |     Max Adver Int     |          Checksum             |
 *    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *    |                IPvX Address(es) (4 or 16 bytes each)          |
 *    Max Adver Int: 12 bits, centiseconds. Checksum includes the IPv4/IPv6
 *    pseudo-header (keepalived uses it for IPv4 too). With `old_unicast_checksum`
 *    keepalived puts the multicast group 224.0.0.18 in the pseudo-header even when
 *    the packet is unicast: we accept both and report which one matched.
 *
 * For IPv4 the raw socket delivers the IP header as well (keepalived builds it with
 * IP_HDRINCL: TOS 0xc0, TTL 255, no DF, id counting from 1): decoded and bounds-checked here.
 * IPv4 protocol 51 (keepalived's `auth_type AH`): the 24-byte AH header (./ah.ts) sits between the
 * IP header and the VRRP message; it is decoded here and authenticated in ../receive.ts.
 */
import { ByteReader, ByteWriter } from '../../lib/bytes';
import { finish, pseudoSum4, pseudoSum6, sum16 } from '../../lib/checksum';
import { AH_LEN, decodeAh, IPPROTO_AH, type AhHeader } from './ah';

export const IPPROTO_VRRP = 112;
export { IPPROTO_AH };
export const VRRP_TYPE_ADVERT = 1;
export const VRRP_AUTH_NONE = 0;
export const VRRP_AUTH_PASS = 1;
export const VRRP_AUTH_AH = 2;
export const VRRP_AUTH_LEN = 8;
export const VRRP_HDR_LEN = 8;
export const IPV4_HDR_LEN = 20;
/** Multicast groups (RFC 5798 §5.1.1.2 / §5.1.2.2). */
export const VRRP_MCAST4 = new Uint8Array([224, 0, 0, 18]);
export const VRRP_MCAST6 = new Uint8Array([0xff, 0x02, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x12]);

export type Family = 4 | 6;
export type VrrpVersion = 2 | 3;

/** Closed set of reasons a received packet is dropped, wire stage and instance stage. */
export const DROP_REASONS = [
  // stage one: wire (decodeAdvert)
  'ip-too-short',
  'ip-bad-version',
  'ip-bad-header-length',
  'ip-bad-total-length',
  'ip-bad-protocol',
  'ah-too-short',
  'ah-not-vrrp',
  'too-short',
  'bad-version',
  'bad-type',
  'bad-length',
  'bad-checksum',
  'auth-type-invalid',
  // stage two: instance (acceptAdvert)
  'family-mismatch',
  'version-mismatch',
  'vrid-mismatch',
  'bad-ttl',
  'auth-type-mismatch',
  'auth-failure',
  // stage two, auth_type AH (receive.ts with ./ah.ts)
  'ah-mismatch',
  'ah-bad-icv',
  'ah-bad-spi',
  'ah-replay',
  'addr-count-mismatch',
  'addr-list-mismatch',
  'advert-interval-mismatch',
  'old-checksum-rejected',
  'unicast-src-not-peer',
  'multicast-on-unicast',
] as const;
export type DropReason = (typeof DROP_REASONS)[number];

/** IPv4 header fields as received. */
export interface Ip4Header {
  version: number;
  /** Header length in bytes. */
  ihl: number;
  tos: number;
  totalLength: number;
  id: number;
  ttl: number;
  protocol: number;
  headerChecksum: number;
  src: Uint8Array;
  dst: Uint8Array;
}

/** A decoded advertisement. Addresses are raw 4/16-byte arrays (format with lib/ip.formatIp). */
export interface Advert {
  family: Family;
  version: VrrpVersion;
  type: number;
  vrid: number;
  priority: number;
  count: number;
  /** v2 auth type (0 none, 1 PASS, 2 AH); 0 for v3. */
  authType: number;
  /** Raw interval field: seconds for v2, centiseconds for v3. */
  adverInt: number;
  /** Interval normalised to centiseconds (v2: seconds × 100). */
  advertIntervalCs: number;
  /** v3 reserved nibble (must be sent as 0, ignored on receipt). */
  rsvd: number;
  checksum: number;
  addrs: Uint8Array[];
  /** v2/IPv4 authentication data (8 bytes), absent otherwise. */
  authData?: Uint8Array;
  /** Which pseudo-header made the checksum right: v2 has none; 'old-unicast' = 224.0.0.18 used for a unicast v3 packet. 'unchecked' when IPv6 addresses were not supplied. */
  checksumVariant: 'v2' | 'standard' | 'old-unicast' | 'unchecked';
  /** Sender and destination (from the IPv4 header, or from rx metadata for IPv6). */
  src?: Uint8Array;
  dst?: Uint8Array;
  /** TTL / hop limit, -1 when unknown. */
  ttl: number;
  ip?: Ip4Header;
  /** IPv4 protocol 51 (auth_type AH): the AH header between the IP header and the VRRP message (authenticated in receive.ts). */
  ah?: AhHeader;
}

/** What the socket layer knows about a received packet beyond its bytes. */
export interface RxMeta {
  family: Family;
  /** IPv6: source and destination from the kernel (recvmsg name / IPV6_PKTINFO). */
  src?: Uint8Array;
  dst?: Uint8Array;
  /** IPv6: IPV6_HOPLIMIT ancillary data. */
  hopLimit?: number;
}

/**
 * `detail` is keepalived's log text for the drop where keepalived has one (e.g. "Invalid VRRPv2 checksum");
 * the worker logs it as `(${instance}) ${detail}` once it has found the instance by VRID.
 */
export type DecodeResult = { ok: true; value: Advert } | { ok: false; drop: DropReason; detail: string };

function drop(reason: DropReason, detail: string): DecodeResult {
  return { ok: false, drop: reason, detail };
}

/** Per-reason drop counters. */
export class Counters<K extends string = DropReason> {
  private readonly counts = new Map<K, number>();
  inc(k: K, n = 1): number {
    const v = (this.counts.get(k) ?? 0) + n;
    this.counts.set(k, v);
    return v;
  }
  get(k: K): number {
    return this.counts.get(k) ?? 0;
  }
  total(): number {
    let t = 0;
    for (const v of this.counts.values()) t += v;
    return t;
  }
  toJSON(): Record<string, number> {
    return Object.fromEntries(this.counts);
  }
}

/** VRRP message length for a version/family/address count. */
export function vrrpLength(version: VrrpVersion, family: Family, count: number): number {
  return VRRP_HDR_LEN + count * (family === 4 ? 4 : 16) + (version === 2 && family === 4 ? VRRP_AUTH_LEN : 0);
}

/**
 * Decode one received packet. IPv4: `bytes` starts with the IP header. IPv6: `bytes` is the VRRP message.
 * Checks: IP header sanity and total length (== received length, as keepalived), protocol 112,
 * VRRP version 2/3, type 1, exact length for the address count, v2 auth type in 0..2,
 * checksum (v2 plain; v3 with pseudo-header; IPv6 only when rx.src/dst are given).
 */
export function decodeAdvert(bytes: Uint8Array, rx: RxMeta): DecodeResult {
  let r: ByteReader;
  let ip: Ip4Header | undefined;
  let ah: AhHeader | undefined;
  let vStart: number;
  let vEnd: number;
  if (rx.family === 4) {
    if (bytes.length < IPV4_HDR_LEN) return drop('ip-too-short', `${bytes.length} bytes, IPv4 header needs ${IPV4_HDR_LEN}`);
    const h = new ByteReader(bytes);
    const vi = h.u8();
    const tos = h.u8();
    const totalLength = h.u16();
    const id = h.u16();
    h.skip(2); // flags + fragment offset
    const ttl = h.u8();
    const protocol = h.u8();
    const headerChecksum = h.u16();
    const src = h.bytes(4).slice();
    const dst = h.bytes(4).slice();
    if (vi >> 4 !== 4) return drop('ip-bad-version', `IP version ${vi >> 4}`);
    const ihl = (vi & 0x0f) * 4;
    if (ihl < IPV4_HDR_LEN) return drop('ip-bad-header-length', `IHL ${ihl} bytes`);
    if (ihl > bytes.length) return drop('ip-too-short', `IHL ${ihl} > ${bytes.length} bytes received`);
    if (totalLength !== bytes.length) return drop('ip-bad-total-length', `ip_tot_len mismatch against received length. ${totalLength} and received ${bytes.length}`);
    if (protocol !== IPPROTO_VRRP && protocol !== IPPROTO_AH) return drop('ip-bad-protocol', `protocol ${protocol}`);
    ip = { version: 4, ihl, tos, totalLength, id, ttl, protocol, headerChecksum, src, dst };
    vStart = ihl;
    if (protocol === IPPROTO_AH) {
      const a = decodeAh(bytes, ihl, totalLength);
      if (!a.ok) return drop(a.drop, a.detail);
      ah = a.ah;
      vStart = ihl + AH_LEN;
    }
    vEnd = totalLength;
  } else {
    vStart = 0;
    vEnd = bytes.length;
  }
  const vlen = vEnd - vStart;
  if (vlen < VRRP_HDR_LEN) return drop('too-short', `VRRP message ${vlen} bytes, header needs ${VRRP_HDR_LEN}`);
  r = new ByteReader(bytes, vStart, vEnd);
  const vt = r.u8();
  const vrid = r.u8();
  const priority = r.u8();
  const count = r.u8();
  const w1 = r.u8();
  const w2 = r.u8();
  const checksum = r.u16();
  const version = vt >> 4;
  const type = vt & 0x0f;
  if (version !== 2 && version !== 3) return drop('bad-version', `invalid version. ${version} and expect 2 or 3`);
  if (type !== VRRP_TYPE_ADVERT) return drop('bad-type', `Invalid packet type. ${type} and expect ${VRRP_TYPE_ADVERT}`);
  const family = rx.family;
  const expected = vrrpLength(version, family, count);
  if (vlen !== expected) {
    const hdr = vStart; // keepalived reports lengths including the IPv4 header
    return drop('bad-length', `vrrp packet too ${vlen > expected ? 'long' : 'short'}, length ${vlen + hdr} and expect ${expected + hdr}`);
  }
  let authType = 0;
  let adverInt: number;
  let rsvd = 0;
  if (version === 2) {
    authType = w1;
    adverInt = w2;
    if (authType > VRRP_AUTH_AH) return drop('auth-type-invalid', `Invalid auth type: ${authType}`);
  } else {
    rsvd = w1 >> 4;
    adverInt = ((w1 & 0x0f) << 8) | w2;
  }
  const alen = family === 4 ? 4 : 16;
  const addrs: Uint8Array[] = [];
  for (let i = 0; i < count; i++) addrs.push(r.bytes(alen).slice());
  let authData: Uint8Array | undefined;
  if (version === 2 && family === 4) authData = r.bytes(VRRP_AUTH_LEN).slice();
  if (!r.ok) return drop('too-short', 'truncated VRRP message'); // unreachable after the length check; kept as a guard

  // checksum
  let checksumVariant: Advert['checksumVariant'];
  if (version === 2) {
    if (sum16(bytes, 0, vStart, vEnd) !== 0xffff) return drop('bad-checksum', 'Invalid VRRPv2 checksum');
    checksumVariant = 'v2';
  } else if (family === 4) {
    const src = ip!.src;
    if (sum16(bytes, pseudoSum4(src, ip!.dst, IPPROTO_VRRP, vlen), vStart, vEnd) === 0xffff) checksumVariant = 'standard';
    else if (sum16(bytes, pseudoSum4(src, VRRP_MCAST4, IPPROTO_VRRP, vlen), vStart, vEnd) === 0xffff) checksumVariant = 'old-unicast';
    else return drop('bad-checksum', 'Invalid VRRPv3 checksum');
  } else if (rx.src && rx.dst && rx.src.length === 16 && rx.dst.length === 16) {
    if (sum16(bytes, pseudoSum6(rx.src, rx.dst, IPPROTO_VRRP, vlen), vStart, vEnd) !== 0xffff)
      return drop('bad-checksum', 'Invalid VRRPv3 checksum');
    checksumVariant = 'standard';
  } else {
    checksumVariant = 'unchecked';
  }
  const value: Advert = {
    family,
    version,
    type,
    vrid,
    priority,
    count,
    authType,
    adverInt,
    advertIntervalCs: version === 2 ? adverInt * 100 : adverInt,
    rsvd,
    checksum,
    addrs,
    checksumVariant,
    ttl: family === 4 ? ip!.ttl : rx.hopLimit ?? -1,
  };
  if (authData) value.authData = authData;
  if (ah) value.ah = ah;
  if (ip) {
    value.ip = ip;
    value.src = ip.src;
    value.dst = ip.dst;
  } else {
    if (rx.src) value.src = rx.src;
    if (rx.dst) value.dst = rx.dst;
  }
  return { ok: true, value };
}

/** What to put in an advert we send. */
export interface AdvertOut {
  family: Family;
  version: VrrpVersion;
  vrid: number;
  priority: number;
  /** v2: seconds (1..255); v3: centiseconds (1..4095). */
  adverInt: number;
  addrs: Uint8Array[];
  /** v2 only. */
  authType?: number;
  /** v2 PASS: password bytes (first 8 used, zero padded). */
  authData?: Uint8Array;
}

export interface EncodeOpts {
  /** Source address (pseudo-header, v3). */
  src?: Uint8Array;
  /** Destination address (pseudo-header, v3): the multicast group or the unicast peer. */
  dst?: Uint8Array;
  /** keepalived `old_unicast_checksum`: IPv4 v3 pseudo-header uses 224.0.0.18 whatever `dst` is. */
  oldUnicastChecksum?: boolean;
}

/**
 * Encode the VRRP message (without IP header). v3 checksums need `opts.src`/`opts.dst`
 * (for IPv6 the kernel may also fill it with IPV6_CHECKSUM; the value is the same).
 * Throws only on a programming error (bad field ranges / missing addresses).
 */
export function encodeAdvert(a: AdvertOut, opts: EncodeOpts = {}): Uint8Array {
  const alen = a.family === 4 ? 4 : 16;
  if (a.addrs.length > 255) throw new RangeError('encodeAdvert: more than 255 addresses');
  for (const x of a.addrs) if (x.length !== alen) throw new RangeError(`encodeAdvert: address of ${x.length} bytes in an IPv${a.family} advert`);
  const len = vrrpLength(a.version, a.family, a.addrs.length);
  const w = new ByteWriter(len);
  w.u8((a.version << 4) | VRRP_TYPE_ADVERT).u8(a.vrid).u8(a.priority).u8(a.addrs.length);
  if (a.version === 2) w.u8(a.authType ?? 0).u8(a.adverInt);
  else w.u16(a.adverInt & 0x0fff);
  w.u16(0);
  for (const x of a.addrs) w.bytes(x);
  if (a.version === 2 && a.family === 4) {
    const pw = new Uint8Array(VRRP_AUTH_LEN);
    if ((a.authType ?? 0) === VRRP_AUTH_PASS && a.authData) pw.set(a.authData.subarray(0, VRRP_AUTH_LEN));
    w.bytes(pw);
  }
  let acc = 0;
  if (a.version === 3) {
    if (!opts.src || !opts.dst) throw new RangeError('encodeAdvert: VRRPv3 needs src and dst for the pseudo-header');
    if (a.family === 4) acc = pseudoSum4(opts.src, opts.oldUnicastChecksum ? VRRP_MCAST4 : opts.dst, IPPROTO_VRRP, len);
    else acc = pseudoSum6(opts.src, opts.dst, IPPROTO_VRRP, len);
  }
  w.patchU16(6, finish(sum16(w.buf, acc)));
  return w.buf;
}

export interface Ip4HeaderOut {
  src: Uint8Array;
  dst: Uint8Array;
  id: number;
  payloadLength: number;
  ttl?: number;
  tos?: number;
  protocol?: number;
}

/** IPv4 header as keepalived builds it (TOS 0xc0, TTL 255, no fragmentation flags), with header checksum. */
export function encodeIp4Header(h: Ip4HeaderOut): Uint8Array {
  const w = new ByteWriter(IPV4_HDR_LEN);
  w.u8(0x45)
    .u8(h.tos ?? 0xc0)
    .u16(IPV4_HDR_LEN + h.payloadLength)
    .u16(h.id)
    .u16(0)
    .u8(h.ttl ?? 255)
    .u8(h.protocol ?? IPPROTO_VRRP)
    .u16(0)
    .bytes(h.src)
    .bytes(h.dst);
  w.patchU16(10, finish(sum16(w.buf)));
  return w.buf;
}

/** One-line debug description, tcpdump-like. */
export function describeAdvert(a: Advert, fmt: (b: Uint8Array) => string): string {
  const intvl = a.version === 2 ? `${a.adverInt}s` : `${a.adverInt}cs`;
  const auth = a.version === 2 ? `, authtype ${a.authType}` : '';
  return `VRRPv${a.version} vrid ${a.vrid} prio ${a.priority}${auth} intvl ${intvl} addrs(${a.count}): ${a.addrs.map(fmt).join(',')}`;
}
