/**
 * virtual_routes / virtual_rules (and static_routes / static_rules) from the config AST to
 * rtnetlink requests (src/sys/netlink-rt.ts). Routes are installed with protocol 18
 * ("keepalived", as keepalived does). Table names main/local/default or numbers; other
 * names are looked up in /etc/iproute2/rt_tables by the caller-supplied resolver.
 */
import type { RouteSpec, RuleSpec } from '../../config/ast';
import { parseIp } from '../../lib/ip';
import type { RouteSpecNl, RuleSpecNl } from '../../sys/netlink-rt';

const TABLES: Record<string, number> = { main: 254, local: 255, default: 253, unspec: 0 };
const SCOPES: Record<string, number> = { global: 0, universe: 0, site: 200, link: 253, host: 254, nowhere: 255 };
const ROUTE_TYPES: Record<string, number> = { unicast: 1, local: 2, broadcast: 3, anycast: 4, multicast: 5, blackhole: 6, unreachable: 7, prohibit: 8, throw: 9, nat: 10 };
const RULE_ACTIONS: Record<string, number> = { table: 1, lookup: 1, goto: 2, nop: 3, blackhole: 6, unreachable: 7, prohibit: 8 };

export function tableId(t: string | undefined, names: (n: string) => number | undefined = () => undefined): number | undefined {
  if (t === undefined) return undefined;
  if (/^\d+$/.test(t)) return Number(t);
  return TABLES[t] ?? names(t);
}

function addr(text: string | undefined): Buffer | undefined {
  return text ? parseIp(text)?.bytes : undefined;
}

export type IfIndex = (name: string) => number | undefined;

/** A RouteSpec as a netlink request, or a reason it cannot be one. */
export function routeToNl(r: RouteSpec, ifIndex: IfIndex, tables?: (n: string) => number | undefined): RouteSpecNl | string {
  const type = ROUTE_TYPES[r.type || 'unicast'];
  if (type === undefined) return `route type ${r.type} not supported`;
  if (r.nexthops && r.nexthops.length > 0) return 'multipath routes not supported';
  const out: RouteSpecNl = { family: r.family, dstLen: r.dstPrefixLen, type };
  const dst = addr(r.dst);
  if (dst) out.dst = dst;
  const gw = addr(r.via);
  if (gw) out.gateway = gw;
  if (r.dev) {
    const i = ifIndex(r.dev);
    if (!i) return `interface ${r.dev} not found`;
    out.oif = i;
  }
  const src = addr(r.src);
  if (src) out.prefsrc = src;
  const t = tableId(r.table, tables);
  if (r.table !== undefined && t === undefined) return `table ${r.table} unknown`;
  if (t !== undefined) out.table = t;
  if (r.metric !== undefined) out.metric = r.metric;
  if (r.scope !== undefined) {
    const sc = /^\d+$/.test(r.scope) ? Number(r.scope) : SCOPES[r.scope];
    if (sc === undefined) return `scope ${r.scope} unknown`;
    out.scope = sc;
  }
  if (r.tos !== undefined) out.tos = r.tos;
  return out;
}

/** A RuleSpec as a netlink request, or a reason it cannot be one. */
export function ruleToNl(r: RuleSpec, tables?: (n: string) => number | undefined): RuleSpecNl | string {
  const out: RuleSpecNl = { family: r.family, srcLen: 0, dstLen: 0 };
  const src = addr(r.from);
  if (src) {
    out.src = src;
    out.srcLen = r.fromPrefixLen ?? src.length * 8;
  }
  const dst = addr(r.to);
  if (dst) {
    out.dst = dst;
    out.dstLen = r.toPrefixLen ?? dst.length * 8;
  }
  const t = tableId(r.table, tables);
  if (r.table !== undefined && t === undefined) return `table ${r.table} unknown`;
  if (t !== undefined) out.table = t;
  // keepalived: "Rule has no preference specified - setting to 16384"
  out.priority = r.preference ?? 16384;
  if (r.fwmark !== undefined) out.fwmark = r.fwmark;
  if (r.fwmask !== undefined) out.fwmask = r.fwmask;
  if (r.iif) out.iifname = r.iif;
  if (r.oif) out.oifname = r.oif;
  if (r.tos !== undefined) out.tos = r.tos;
  if (r.not) out.invert = true;
  if (r.goto !== undefined) {
    out.action = 2;
    out.goto = r.goto;
  } else if (r.action) {
    const a = RULE_ACTIONS[r.action];
    if (a === undefined) return `rule action ${r.action} not supported`;
    out.action = a;
  }
  return out;
}
