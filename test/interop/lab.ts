/**
 * Shared setup of the VRRP interop tests: a bridge with three hosts — `a` (runs one side),
 * `b` (runs the other side) and `c` (a client that checks ARP/ND) — each with eth0 brought
 * up without IPv6 DAD so link-local addresses are usable at once; and a keepalived.conf
 * builder. Pre-conditions: root and /usr/sbin/keepalived (tests skip otherwise).
 */
import * as fs from 'node:fs';
import { isRoot, Lab, type Netns } from '../helpers/netns';
import { KEEPALIVED, OUR_MAIN } from '../helpers/daemon';

export const skipReason: string | false =
  (!isRoot() && 'needs root') || (!fs.existsSync(KEEPALIVED) && 'keepalived not installed') || (!fs.existsSync(OUR_MAIN) && `${OUR_MAIN} not built`) || false;

export interface Hosts {
  lab: Lab;
  a: Netns;
  b: Netns;
  c: Netns;
}

export async function threeHosts(tag: string): Promise<Hosts> {
  const lab = await Lab.create(tag);
  try {
    const hosts: Netns[] = [];
    let i = 1;
    for (const name of ['a', 'b', 'c']) {
      const ns = await lab.host(name);
      await ns.exec(['ip', 'link', 'set', 'eth0', 'down']);
      await ns.exec(['sysctl', '-qw', 'net.ipv6.conf.eth0.accept_dad=0']);
      await ns.exec(['ip', 'addr', 'add', `10.99.0.${i}/24`, 'dev', 'eth0']);
      await ns.exec(['ip', 'addr', 'add', `fd00:99::${i}/64`, 'dev', 'eth0', 'nodad']);
      await ns.exec(['ip', 'link', 'set', 'eth0', 'up']);
      hosts.push(ns);
      i++;
    }
    return { lab, a: hosts[0]!, b: hosts[1]!, c: hosts[2]! };
  } catch (e) {
    await lab.dispose();
    throw e;
  }
}

export interface InstOpts {
  name?: string;
  priority: number;
  version?: 2 | 3;
  /** advert_int as written (e.g. '1', '0.1'). */
  advertInt?: string;
  vips?: string[];
  vrid?: number;
  state?: 'MASTER' | 'BACKUP';
  nopreempt?: boolean;
  unicastSrc?: string;
  unicastPeers?: string[];
  authPass?: string;
  extra?: string[];
}

export function instance(o: InstOpts): string {
  const lines = [
    `vrrp_instance ${o.name ?? 'VI_1'} {`,
    `  state ${o.state ?? 'BACKUP'}`,
    '  interface eth0',
    `  virtual_router_id ${o.vrid ?? 51}`,
    `  priority ${o.priority}`,
    `  advert_int ${o.advertInt ?? '1'}`,
  ];
  if (o.version) lines.push(`  version ${o.version}`);
  if (o.nopreempt) lines.push('  nopreempt');
  if (o.unicastSrc) lines.push(`  unicast_src_ip ${o.unicastSrc}`);
  if (o.unicastPeers) lines.push('  unicast_peer {', ...o.unicastPeers.map((p) => `    ${p}`), '  }');
  if (o.authPass) lines.push('  authentication {', '    auth_type PASS', `    auth_pass ${o.authPass}`, '  }');
  lines.push(...(o.extra ?? []).map((l) => `  ${l}`));
  lines.push('  virtual_ipaddress {', ...(o.vips ?? ['10.99.0.100/24']).map((v) => `    ${v}`), '  }', '}');
  return lines.join('\n') + '\n';
}

export function config(routerId: string, ...instances: string[]): string {
  return `global_defs {\n  router_id ${routerId}\n}\n${instances.join('')}`;
}
