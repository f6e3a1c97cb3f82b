/**
 * One received datagram, start to finish, without side effects: peek the VRID (keepalived
 * dispatches by VRID before checking anything else), decode (stage one), accept (stage two),
 * and say what to count and log. The worker feeds an accepted advert to fsm.step().
 */
import { ByteReader } from '../lib/bytes';
import { acceptAdvert, DROP_STATS, type AcceptConfig, type AcceptContext, type Accepted, type StatsKey } from './accept';
import { decodeAdvert, IPV4_HDR_LEN, type DropReason, type RxMeta } from './packet/advert';

export interface InstanceRx {
  accept: AcceptConfig;
  ctx: AcceptContext;
}

export type ReceiveOutcome =
  /** Too short to even carry a VRID, or not IPv4 at all: nothing to attribute it to. */
  | { kind: 'unattributed'; drop: DropReason; detail: string }
  /** No instance with that VRID on this socket (keepalived: "Unknown VRID(%d) received on interface(%s). ignoring..." with log_unknown_vrids). */
  | { kind: 'unknown-vrid'; vrid: number }
  | { kind: 'drop'; vrid: number; instance: string; drop: DropReason; detail: string; stats: StatsKey[]; log: string[] }
  | { kind: 'accepted'; vrid: number; instance: string; value: Accepted; stats: StatsKey[]; log: string[] };

/** The VRID byte of a datagram (IPv4: after the IP header), or undefined when it is not there. */
export function peekVrid(bytes: Uint8Array, family: 4 | 6): number | undefined {
  const r = new ByteReader(bytes);
  let off = 0;
  if (family === 4) {
    if (bytes.length < IPV4_HDR_LEN) return undefined;
    off = (r.u8() & 0x0f) * 4;
    if (off < IPV4_HDR_LEN) return undefined;
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
  const a = acceptAdvert(inst.accept, d.value, inst.ctx);
  if (!a.ok) return { kind: 'drop', vrid, instance: name, drop: a.drop, detail: a.detail, stats: a.stats, log: a.log };
  return { kind: 'accepted', vrid, instance: name, value: a.value, stats: a.stats, log: a.log };
}
