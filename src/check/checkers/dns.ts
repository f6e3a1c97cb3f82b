/**
 * DNS_CHECK (keepalived check_dns.c): one UDP query (recursion desired, class IN) of
 * `type` for `name`; up when a reply with our ID, QR set and RCODE 0 arrives within
 * connect_timeout. Replies with another ID or without QR are ignored.
 */
import * as crypto from 'node:crypto';
import type { CheckResult, DnsTarget } from '../types';
import { decodeReply, encodeQuery } from './dns-codec';
import { ConnectedUdp } from './udp-sock';

export async function run(target: DnsTarget, signal: AbortSignal): Promise<CheckResult> {
  const id = crypto.randomInt(0, 0x10000);
  const query = encodeQuery(id, target.name, target.type);
  if (!query) return { code: 'WRITE_ERROR', detail: `bad name ${target.name}` };
  const deadline = Date.now() + target.connectTimeoutMs;
  const u = await ConnectedUdp.open(target, signal);
  if (!(u instanceof ConnectedUdp)) return u;
  try {
    const w = await u.send(query);
    if (w) return { code: w };
    for (;;) {
      const e = await u.next(deadline, signal);
      if (e === 'timeout') return { code: 'READ_TIMEOUT' };
      if (e === 'aborted') return { code: 'ABORTED' };
      if (e.kind === 'error') return { code: 'READ_ERROR', detail: e.detail };
      const rep = decodeReply(e.data, id);
      if (!rep.ok) continue;
      if (rep.rcode !== 0) return { code: 'DNS_BAD_REPLY', detail: String(rep.rcode) };
      return { code: 'OK' };
    }
  } finally {
    u.close();
  }
}
