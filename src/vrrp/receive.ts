/**
 * One received datagram, start to finish, without side effects: peek the VRID (keepalived
 * dispatches by VRID before checking anything else), decode (stage one), accept (stage two),
 * and say what to count and log. The worker feeds an accepted advert to fsm.step().
 */
import { ByteReader } from '../lib/bytes';
import { acceptAdvert, DROP_STATS, type AcceptConfig, type AcceptContext, type Accepted, type StatsKey } from './accept';
import { decodeAdvert, IPV4_HDR_LEN, VRRP_AUTH_AH, type DropReason, type RxMeta } from './packet/advert';
import { AH_LEN, ahKey, checkAh, IPPROTO_AH } from './packet/ah';

export interface InstanceRx {
  accept: AcceptConfig;
  ctx: AcceptContext;
  /** auth_type AH: the instance's sequence counter (shared with its sending side, keepalived's ipsecah_counter). */
  ahSeq?: number;
}

export type ReceiveOutcome =
  /** Too short to even carry a VRID, or not IPv4 at all: nothing to attribute it to. */
  | { kind: 'unattributed'; drop: DropReason; detail: string }
  /** No instance with that VRID on this socket (keepalived: "Unknown VRID(%d) received on interface(%s). ignoring..." with log_unknown_vrids). */
  | { kind: 'unknown-vrid'; vrid: number }
  | { kind: 'drop'; vrid: number; instance: string; drop: DropReason; detail: string; stats: StatsKey[]; log: string[]; ahSeq?: number }
  /** `ahSeq`: an authenticated AH advert's sequence number, the instance's new counter (set even when a later check drops it, as keepalived). */
  | { kind: 'accepted'; vrid: number; instance: string; value: Accepted; stats: StatsKey[]; log: string[]; ahSeq?: number };

/** The VRID byte of a datagram (IPv4: after the IP header), or undefined when it is not there. */
export function peekVrid(bytes: Uint8Array, family: 4 | 6): number | undefined {
  const r = new ByteReader(bytes);
  let off = 0;
  if (family === 4) {
    if (bytes.length < IPV4_HDR_LEN) return undefined;
    off = (r.u8() & 0x0f) * 4;
    if (off < IPV4_HDR_LEN) return undefined;
    if (bytes[9] === IPPROTO_AH) off += AH_LEN; // keepalived finds the VRID after the AH header
  }
  if (off + 2 > bytes.length) return undefined;
  return bytes[off + 1];
}

/** Decode and check one datagram against the instance that owns its VRID. */
export function receiveDatagram(bytes: Uint8Array, rx: RxMeta, lookup: (vrid: number) => InstanceRx | undefined): ReceiveOutcome {
  const vrid = peekVrid(bytes, rx.family);
  if (vrid === undefined) {
    const d = decodeAdvert(bytes, rx);
    return d.ok ? { kind: 'unattributed', drop: 'too-short', detail: 'no VRID' } : { kind: 'unattributed', drop: d.drop, detail: d.detail };
  }
  const inst = lookup(vrid);
  if (!inst) return { kind: 'unknown-vrid', vrid };
  const name = inst.accept.name;
  const d = decodeAdvert(bytes, rx);
  if (!d.ok) {
    const k = DROP_STATS[d.drop];
    return { kind: 'drop', vrid, instance: name, drop: d.drop, detail: d.detail, stats: k ? [k] : [], log: [`(${name}) ${d.detail}`] };
  }
  // auth_type AH (keepalived's vrrp_check_packet starts with this, then vrrp_in_chk_ipsecah).
  let ahSeq: number | undefined;
  const acc = inst.accept;
  if (rx.family === 4 && acc.family === 4 && d.value.ip) {
    const isAh = d.value.ah !== undefined;
    const wantAh = acc.version === 2 && acc.authType === VRRP_AUTH_AH;
    if (isAh !== wantAh) {
      const log = isAh ? `(${name}) Received AH header but auth type not AH` : `(${name}) No AH header but auth type is AH`;
      return { kind: 'drop', vrid, instance: name, drop: 'ah-mismatch', detail: log, stats: ['authtype_mismatch'], log: [log] };
    }
    if (d.value.ah && d.value.authType === VRRP_AUTH_AH) {
      const c = checkAh(bytes, d.value.ip.ihl, d.value.ah, acc.authPass ?? ahKey(''), {
        name,
        unicast: acc.unicastPeers.length > 0,
        counter: inst.ahSeq ?? 0,
      });
      if (!c.ok) return { kind: 'drop', vrid, instance: name, drop: c.drop, detail: c.detail, stats: ['auth_failure'], log: [c.log] };
      ahSeq = c.seq;
    }
  }
  const seq = ahSeq !== undefined ? { ahSeq } : {};
  const a = acceptAdvert(acc, d.value, inst.ctx);
  if (!a.ok) return { kind: 'drop', vrid, instance: name, drop: a.drop, detail: a.detail, stats: a.stats, log: a.log, ...seq };
  return { kind: 'accepted', vrid, instance: name, value: a.value, stats: a.stats, log: a.log, ...seq };
}
