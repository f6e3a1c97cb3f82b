/**
 * ha_suspend: the checkers of a virtual server with `ha_suspend` run only while the VS
 * address is on this host (keepalived's update_checker_activity(), fed by its netlink
 * reflector). IPVS entries are not touched: only checking stops, as in 2.2.7.
 *
 * Observed on keepalived 2.2.7 (IPVS VM, -D):
 *   start, VIP absent:  "Deactivating healthchecker for service RS for VS VS" (instead of
 *                       "Activating …"); the real servers are still added to IPVS
 *   VIP added:          "Netlink reflector reports IP A added" (only with -D, and only when
 *                       some VS uses ha_suspend), then "Activating healthchecker for service …"
 *   VIP removed:        "Netlink reflector reports IP A removed", "Suspending healthchecker …"
 * The checker's timer keeps running while suspended (a run that falls due is skipped and
 * re-armed after delay_loop). Fwmark and group VSs never use ha_suspend (the config
 * validator clears it for fwmarks; groups have no single address).
 *
 * Pure: the address events come in through `onAddress`, the Scheduler does the rest.
 */
import type { VirtualServer } from '../config/ast-lvs';
import { formatVs } from '../config/keywords/lvs-format';
import { parseIp } from '../lib/ip';

/** One address a suspended VS waits for: its FMT_VS text and canonical address. */
export interface SuspendVip {
  vs: string;
  family: 4 | 6;
  address: string;
}

/** Canonical text of an address, so "fe80::0001" and "fe80::1" compare equal. */
export function canonIp(text: string): string | undefined {
  const ip = parseIp(text);
  return ip?.text;
}

/** The ha_suspend virtual servers of a configuration and the address each waits for. */
export function suspendVips(vss: readonly VirtualServer[]): SuspendVip[] {
  const out: SuspendVip[] = [];
  for (const vs of vss) {
    if (!vs.haSuspend || vs.key.kind !== 'ip') continue;
    const ip = parseIp(vs.key.ip);
    if (!ip) continue;
    out.push({ vs: formatVs(vs), family: ip.family, address: ip.text });
  }
  return out;
}

/** Tracks which ha_suspend VIPs are present; says which VS texts change state. */
export class HaSuspend {
  private present = new Set<string>();

  constructor(readonly vips: readonly SuspendVip[]) {}

  get active(): boolean {
    return this.vips.length > 0;
  }

  private key(family: 4 | 6, address: string): string {
    return `${family}/${canonIp(address) ?? address}`;
  }

  /** Set the addresses present now (startup dump). */
  reset(addrs: Iterable<{ family: 4 | 6; address: string }>): void {
    this.present = new Set([...addrs].map((a) => this.key(a.family, a.address)));
  }

  /** Whether the checkers of VS `vs` should run now. VSs without ha_suspend always run. */
  enabled(vs: string): boolean {
    const v = this.vips.find((x) => x.vs === vs);
    return !v || this.present.has(this.key(v.family, v.address));
  }

  /** An address event; returns the VS texts whose VIP it is. */
  onAddress(added: boolean, family: 4 | 6, address: string): string[] {
    const k = this.key(family, address);
    if (added) this.present.add(k);
    else this.present.delete(k);
    return this.vips.filter((v) => this.key(v.family, v.address) === k).map((v) => v.vs);
  }
}
