/**
 * UDP_CHECK (keepalived check_udp.c): send `payload` on a connected UDP socket.
 * Without require_reply the check passes unless the kernel reports an ICMP
 * unreachable within connect_timeout (a reply also passes). With require_reply a reply
 * must arrive; when reply bytes were given, its length must be within
 * [min_reply_length, max_reply_length] and its first min(len, reply length) bytes must
 * match, ignoring the bits set in the mask (the X/x nibble wildcards).
 */
import type { CheckResult, UdpTarget } from '../types';
import { ConnectedUdp } from './udp-sock';

/** Parse keepalived's hex with X/x nibble wildcards into data + mask (mask bit set = ignore). */
export function parseHexWithWildcards(hex: string): { data: Buffer; mask: Buffer } | undefined {
  const s = hex.replace(/\s+/g, '');
  if (s.length === 0 || s.length % 2 !== 0 || !/^[0-9a-fA-FxX]+$/.test(s)) return undefined;
  const data = Buffer.alloc(s.length / 2);
  const mask = Buffer.alloc(s.length / 2);
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    const shift = i % 2 === 0 ? 4 : 0;
    if (c === 'x' || c === 'X') mask[i >> 1]! |= 0x0f << shift;
    else data[i >> 1]! |= parseInt(c, 16) << shift;
  }
  return { data, mask };
}

/** True when `reply` satisfies the target's reply constraints. */
export function replyMatches(reply: Buffer, t: Pick<UdpTarget, 'requireReply' | 'minReplyLength' | 'maxReplyLength'>): boolean {
  if (!t.requireReply) return true;
  if (reply.length < t.minReplyLength || reply.length > t.maxReplyLength) return false;
  const n = Math.min(reply.length, t.requireReply.data.length);
  for (let i = 0; i < n; i++) {
    if ((reply[i]! ^ t.requireReply.data[i]!) & ~t.requireReply.mask[i]! & 0xff) return false;
  }
  return true;
}

export async function run(target: UdpTarget, signal: AbortSignal): Promise<CheckResult> {
  const deadline = Date.now() + target.connectTimeoutMs;
  const u = await ConnectedUdp.open(target, signal);
  if (!(u instanceof ConnectedUdp)) return u;
  try {
    const w = await u.send(target.payload ?? Buffer.alloc(0));
    if (w) return { code: w };
    const e = await u.next(deadline, signal);
    if (e === 'aborted') return { code: 'ABORTED' };
    if (e === 'timeout') return target.replyRequired ? { code: 'UDP_NO_REPLY' } : { code: 'OK' };
    if (e.kind === 'error') return { code: e.code, detail: e.detail };
    if (!replyMatches(e.data, target)) return { code: 'UDP_BAD_REPLY', detail: e.data.toString('hex') };
    return { code: 'OK' };
  } finally {
    u.close();
  }
}
