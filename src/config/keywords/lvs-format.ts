/**
 * Identity strings of virtual servers, real servers, group entries and checkers, exactly as
 * keepalived 2.2.7 prints them in logs and in the notify FIFO (check_data.c format_vs,
 * format_rs, format_vsge; utils.c inet_sockaddrtotrio):
 *   `[10.0.0.1]:tcp:80`   address VS / any RS (protocol of the VS; `none` for fwmark)
 *   `FWM 5`               fwmark VS
 *   `[NAME]:0`            group VS (the "port" is 0 for the first VS naming the group, 1 for the next …)
 *   `10.0.1.1-10.0.1.10,80` / `10.0.1.5,80` / `FWM 7`   group entries
 */
import type { LvsProtocol, RealServer, VirtualServer, VsgEntry, Checker } from '../ast-lvs';

export function protoName(p: LvsProtocol | undefined): string {
  return p === undefined ? 'none' : p.toLowerCase();
}

/** inet_sockaddrtotrio(): `[ip]:proto:port`. */
export function formatSockTrio(ip: string, protocol: LvsProtocol | undefined, port: number): string {
  return `[${ip}]:${protoName(protocol)}:${port}`;
}

/** FMT_VS. */
export function formatVs(vs: Pick<VirtualServer, 'key' | 'protocol'>): string {
  switch (vs.key.kind) {
    case 'group':
      return `[${vs.key.name}]:${vs.key.seq}`;
    case 'fwmark':
      return `FWM ${vs.key.fwmark}`;
    case 'ip':
      return formatSockTrio(vs.key.ip, vs.protocol, vs.key.port);
  }
}

/** FMT_RS: the real server's address with the virtual server's protocol. */
export function formatRs(rs: Pick<RealServer, 'ip' | 'port'>, vs: Pick<VirtualServer, 'protocol'>): string {
  return formatSockTrio(rs.ip, vs.protocol, rs.port);
}

/** format_vsge. */
export function formatVsgEntry(e: VsgEntry): string {
  if (e.kind === 'fwmark') return `FWM ${e.fwmark}`;
  if (e.start !== e.end) return `${e.start}-${e.end},${e.port}`;
  return `${e.start},${e.port}`;
}

/**
 * FMT_CHK: the checked endpoint, i.e. the connection destination with the VS protocol,
 * or the real server for checkers without connection options (MISC, FILE, BFD).
 */
export function formatChecker(c: Checker, rs: Pick<RealServer, 'ip' | 'port'>, vs: Pick<VirtualServer, 'protocol'>): string {
  if ('conn' in c) return formatSockTrio(c.conn.dstIp, vs.protocol, c.conn.dstPort);
  return formatRs(rs, vs);
}
