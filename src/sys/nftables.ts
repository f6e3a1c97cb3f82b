/**
 * no_accept / strict mode firewall: the nftables layout keepalived 2.2.7 (Debian 12, built with
 * NFTABLES and without IPTABLES) installs while a non-owner instance is MASTER, observed with
 * `nft -a list ruleset` in a namespace:
 *
 *   table ip keepalived {
 *     set vips { type ipv4_addr }
 *     chain out { type filter hook output priority filter - 1; policy accept;
 *                 ip saddr @vips drop }
 *     chain in  { type filter hook input priority filter - 1; policy accept;
 *                 ip daddr @vips drop }
 *   }
 *   table ip6 keepalived {
 *     set vips { type ipv6_addr }
 *     set neighbor-discovery { type icmpv6_type; flags constant;
 *                              elements = { nd-neighbor-solicit, nd-neighbor-advert } }
 *     chain out { …; icmpv6 type @neighbor-discovery accept;
 *                 ip6 saddr fe80::/10 goto out_link_local; ip6 saddr @vips drop }
 *     chain in  { …; icmpv6 type @neighbor-discovery accept;
 *                 ip6 daddr fe80::/10 goto in_link_local; ip6 daddr @vips drop }
 *     chain in_link_local { }   chain out_link_local { }
 *   }
 *
 * use_vmac adds, to `table ip keepalived`, `map vmac_map` and an IGMP rule in chain out (see
 * vmacScript), at start. A family's no_accept part is created when its first address is blocked, addresses are set elements
 * (added on MASTER, deleted on leaving it) and the tables are deleted on stop. Link-local IPv6
 * VIPs go to the *_link_local chains with the interface (`iifname`/`oifname`, or `iif`/`oif`
 * with nftables_ifindex). Changes are applied by the `nft` program (`nft -f -`), serialised.
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';

export interface FirewallAddr {
  family: 4 | 6;
  /** Address text (as formatIp gives it). */
  address: string;
  /** Interface of the VIP (used for IPv6 link-local addresses only). */
  ifname: string;
  ifindex: number;
}

export interface NftOptions {
  /** `nftables [TABLE]` (default keepalived). */
  table: string;
  /** `nftables_priority` (default -1, i.e. "filter - 1"). */
  priority: number;
  /** `nftables_counters`: a counter on every rule. */
  counters: boolean;
  /** `nftables_ifindex`: match link-local VIPs by interface index instead of name. */
  ifindex: boolean;
}

/** The nft program, or undefined if it is not installed. */
export function findNft(): string | undefined {
  for (const p of ['/usr/sbin/nft', '/sbin/nft', '/usr/bin/nft', '/usr/local/sbin/nft']) if (fs.existsSync(p)) return p;
  return undefined;
}

function isLinkLocal6(a: FirewallAddr): boolean {
  return a.family === 6 && /^fe[89ab]/i.test(a.address);
}

function prioText(o: NftOptions): string {
  return o.priority === 0 ? 'filter' : o.priority < 0 ? `filter - ${-o.priority}` : `filter + ${o.priority}`;
}

/** A family's table with its output chain (a table left behind by a crash is replaced). */
export function baseScript(family: 4 | 6, o: NftOptions): string {
  const t = `${family === 4 ? 'ip' : 'ip6'} ${o.table}`;
  return [`add table ${t}`, `delete table ${t}`, `add table ${t}`, `add chain ${t} out { type filter hook output priority ${prioText(o)}; policy accept; }`].join('\n') + '\n';
}

/**
 * use_vmac: multicast membership reports leaving a VMAC are sent on its base interface instead,
 * as 2.2.7 does (observed): IPv4 `map vmac_map { type iface_index : iface_index }` and, in chain
 * out, `ip protocol igmp meta oifkind "macvlan" dup to ip daddr device oif map @vmac_map drop`;
 * IPv6 the same for `icmpv6 type mld2-listener-report`, plus `set vmac_set { type iface_index }`
 * and `icmpv6 type nd-router-solicit meta oifkind "macvlan" oif @vmac_set drop`.
 */
export function vmacScript(family: 4 | 6, o: NftOptions, pairs: { vmac: string; base: string }[], withMap: boolean): string {
  const t = `${family === 4 ? 'ip' : 'ip6'} ${o.table}`;
  const c = o.counters ? ' counter' : '';
  const lines: string[] = [];
  if (withMap) {
    lines.push(`add map ${t} vmac_map { type iface_index : iface_index; }`);
    if (family === 6) lines.push(`add set ${t} vmac_set { type iface_index; }`);
  }
  if (pairs.length) {
    lines.push(`add element ${t} vmac_map { ${pairs.map((p) => `"${p.vmac}" : "${p.base}"`).join(', ')} }`);
    if (family === 6) lines.push(`add element ${t} vmac_set { ${pairs.map((p) => `"${p.vmac}"`).join(', ')} }`);
  }
  if (withMap) {
    if (family === 4) lines.push(`add rule ${t} out ip protocol igmp meta oifkind "macvlan"${c} dup to ip daddr device oif map @vmac_map drop`);
    else
      lines.push(
        `add rule ${t} out icmpv6 type mld2-listener-report meta oifkind "macvlan"${c} dup to ip6 daddr device oif map @vmac_map drop`,
        `add rule ${t} out icmpv6 type nd-router-solicit meta oifkind "macvlan" oif @vmac_set${c} drop`,
      );
  }
  return lines.length ? lines.join('\n') + '\n' : '';
}

/** Build the nft script creating a family's table for no_accept (pure; exported for tests). */
export function tableScript(family: 4 | 6, o: NftOptions, haveBase = false): string {
  const fam = family === 4 ? 'ip' : 'ip6';
  const t = `${fam} ${o.table}`;
  const ip = family === 4 ? 'ip' : 'ip6';
  const c = o.counters ? ' counter' : '';
  const lines = [haveBase ? '' : baseScript(family, o).trimEnd(), `add chain ${t} in { type filter hook input priority ${prioText(o)}; policy accept; }`].filter(Boolean);
  if (family === 6) lines.push(`add chain ${t} in_link_local`, `add chain ${t} out_link_local`);
  lines.push(`add set ${t} vips { type ${family === 4 ? 'ipv4_addr' : 'ipv6_addr'}; }`);
  if (family === 6) {
    lines.push(
      `add set ${t} neighbor-discovery { type icmpv6_type; flags constant; elements = { nd-neighbor-solicit, nd-neighbor-advert }; }`,
      `add rule ${t} in icmpv6 type @neighbor-discovery${c} accept`,
      `add rule ${t} in ip6 daddr fe80::/10${c} goto in_link_local`,
      `add rule ${t} out icmpv6 type @neighbor-discovery${c} accept`,
      `add rule ${t} out ip6 saddr fe80::/10${c} goto out_link_local`,
    );
  }
  lines.push(`add rule ${t} in ${ip} daddr @vips${c} drop`, `add rule ${t} out ${ip} saddr @vips${c} drop`);
  return lines.join('\n') + '\n';
}

/** Commands adding (`add`) or removing the drop rules/elements of `addrs` (pure; exported for tests). */
export function elementScript(add: boolean, addrs: FirewallAddr[], o: NftOptions, handles?: Map<string, number[]>): string {
  const lines: string[] = [];
  const c = o.counters ? ' counter' : '';
  for (const family of [4, 6] as const) {
    const fam = family === 4 ? 'ip' : 'ip6';
    const t = `${fam} ${o.table}`;
    const plain = addrs.filter((a) => a.family === family && !isLinkLocal6(a)).map((a) => a.address);
    if (plain.length) lines.push(`${add ? 'add' : 'delete'} element ${t} vips { ${plain.join(', ')} }`);
    if (family !== 6) continue;
    for (const a of addrs.filter(isLinkLocal6)) {
      const iif = o.ifindex ? `iif ${a.ifindex}` : `iifname "${a.ifname}"`;
      const oif = o.ifindex ? `oif ${a.ifindex}` : `oifname "${a.ifname}"`;
      if (add) {
        lines.push(`add rule ${t} in_link_local ip6 daddr ${a.address} ${iif}${c} drop`, `add rule ${t} out_link_local ip6 saddr ${a.address} ${oif}${c} drop`);
      } else {
        const h = handles?.get(`${a.address}%${a.ifname}`) ?? [];
        if (h[0] !== undefined) lines.push(`delete rule ${t} in_link_local handle ${h[0]}`);
        if (h[1] !== undefined) lines.push(`delete rule ${t} out_link_local handle ${h[1]}`);
      }
    }
  }
  return lines.length ? lines.join('\n') + '\n' : '';
}

export type NftRunner = (args: string[], stdin: string) => Promise<{ code: number; stdout: string; stderr: string }>;

function runNft(nft: string): NftRunner {
  return (args, stdin) =>
    new Promise((resolve) => {
      const p = spawn(nft, args, { stdio: ['pipe', 'pipe', 'pipe'] });
      let stdout = '';
      let stderr = '';
      p.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
      p.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      p.on('error', (e) => resolve({ code: 127, stdout, stderr: e.message }));
      p.on('close', (code) => resolve({ code: code ?? 1, stdout, stderr }));
      p.stdin.on('error', () => undefined);
      p.stdin.end(stdin);
    });
}

/**
 * The firewall of no_accept: reference-counted blocked addresses (two instances may share a
 * VIP) kept in keepalived's tables. Errors are reported through `onError`, never thrown.
 */
export class NftFirewall {
  private queue: Promise<void> = Promise.resolve();
  private readonly tables = new Set<4 | 6>();
  /** Families whose table exists (possibly for use_vmac only, without the no_accept part). */
  private readonly bases = new Set<4 | 6>();
  private readonly vmacs = new Set<string>();
  private readonly vmacMap = new Set<4 | 6>();
  private readonly refs = new Map<string, number>();
  /** Rule handles of link-local addresses: key address%ifname -> [in, out]. */
  private readonly llHandles = new Map<string, number[]>();

  constructor(
    private readonly opts: NftOptions,
    private readonly run: NftRunner,
    private readonly onError: (msg: string) => void,
  ) {}

  /** undefined when the nft program is missing. */
  static open(opts: NftOptions, onError: (msg: string) => void): NftFirewall | undefined {
    const nft = findNft();
    return nft ? new NftFirewall(opts, runNft(nft), onError) : undefined;
  }

  private key(a: FirewallAddr): string {
    return `${a.family}/${a.address}%${isLinkLocal6(a) ? a.ifname : ''}`;
  }

  private enqueue(job: () => Promise<void>): Promise<void> {
    this.queue = this.queue.then(job, job);
    return this.queue;
  }

  private async apply(script: string, what: string): Promise<boolean> {
    if (!script) return true;
    const r = await this.run(['-f', '-'], script);
    if (r.code !== 0) {
      this.onError(`nftables: cannot ${what}: ${r.stderr.trim().split('\n')[0] ?? ''}`);
      return false;
    }
    return true;
  }

  /** Drop traffic to and from `addrs` (no_accept master). */
  block(addrs: FirewallAddr[]): Promise<void> {
    const fresh = addrs.filter((a) => {
      const k = this.key(a);
      const n = this.refs.get(k) ?? 0;
      this.refs.set(k, n + 1);
      return n === 0;
    });
    if (!fresh.length) return this.queue;
    return this.enqueue(async () => {
      let script = '';
      for (const f of [4, 6] as const) {
        if (fresh.some((a) => a.family === f) && !this.tables.has(f)) {
          script += tableScript(f, this.opts, this.bases.has(f));
          this.tables.add(f);
          this.bases.add(f);
        }
      }
      script += elementScript(true, fresh, this.opts);
      await this.apply(script, 'set drop rules');
      if (fresh.some(isLinkLocal6)) await this.readLinkLocalHandles();
    });
  }

  /** use_vmac: the VMAC -> base interface map for IGMP/MLD (added once per VMAC). */
  setVmacs(pairs: { family: 4 | 6; vmac: string; base: string }[]): Promise<void> {
    const fresh = pairs.filter((p) => !this.vmacs.has(`${p.family}/${p.vmac}`));
    if (!fresh.length) return this.queue;
    for (const p of fresh) this.vmacs.add(`${p.family}/${p.vmac}`);
    return this.enqueue(async () => {
      let script = '';
      for (const f of [4, 6] as const) {
        const mine = fresh.filter((p) => p.family === f);
        if (!mine.length) continue;
        if (!this.bases.has(f)) {
          script += baseScript(f, this.opts);
          this.bases.add(f);
        }
        script += vmacScript(f, this.opts, mine, !this.vmacMap.has(f));
        this.vmacMap.add(f);
      }
      await this.apply(script, 'set the VMAC multicast rules');
    });
  }

  /** VMACs created again (new ifindexes): flush the map (and the IPv6 set) and fill them with `pairs`. */
  refreshVmacs(pairs: { family: 4 | 6; vmac: string; base: string }[]): Promise<void> {
    return this.enqueue(async () => {
      let script = '';
      for (const f of [4, 6] as const) {
        if (!this.vmacMap.has(f)) continue;
        const t = `${f === 4 ? 'ip' : 'ip6'} ${this.opts.table}`;
        script += `flush map ${t} vmac_map\n`;
        if (f === 6) script += `flush set ${t} vmac_set\n`;
        script += vmacScript(f, this.opts, pairs.filter((p) => p.family === f), false);
      }
      await this.apply(script, 'refresh the VMAC multicast rules');
    });
  }

  /** Stop dropping traffic of `addrs`. */
  unblock(addrs: FirewallAddr[]): Promise<void> {
    const gone = addrs.filter((a) => {
      const k = this.key(a);
      const n = this.refs.get(k) ?? 0;
      if (n <= 1) this.refs.delete(k);
      else this.refs.set(k, n - 1);
      return n === 1;
    });
    if (!gone.length) return this.queue;
    return this.enqueue(async () => {
      const mine = gone.filter((a) => this.tables.has(a.family));
      await this.apply(elementScript(false, mine, this.opts, this.llHandles), 'remove drop rules');
      for (const a of mine) if (isLinkLocal6(a)) this.llHandles.delete(`${a.address}%${a.ifname}`);
    });
  }

  private async readLinkLocalHandles(): Promise<void> {
    const r = await this.run(['-a', 'list', 'table', 'ip6', this.opts.table], '');
    if (r.code !== 0) return;
    let chain = '';
    for (const line of r.stdout.split('\n')) {
      const ch = /^\s*chain (\S+) \{/.exec(line);
      if (ch) chain = ch[1]!;
      const m = /ip6 [ds]addr (\S+) (?:iifname|oifname|iif|oif) "?([^"\s]+)"?.* # handle (\d+)/.exec(line);
      if (!m || (chain !== 'in_link_local' && chain !== 'out_link_local')) continue;
      const k = `${m[1]}%${m[2]}`;
      const h = this.llHandles.get(k) ?? [];
      h[chain === 'in_link_local' ? 0 : 1] = Number(m[3]);
      this.llHandles.set(k, h);
    }
  }

  /** Delete the tables we created (keepalived removes them on exit). */
  close(): Promise<void> {
    return this.enqueue(async () => {
      const fams = [...this.bases];
      this.tables.clear();
      this.bases.clear();
      this.vmacs.clear();
      this.vmacMap.clear();
      this.refs.clear();
      for (const f of fams) await this.apply(`delete table ${f === 4 ? 'ip' : 'ip6'} ${this.opts.table}\n`, 'delete table');
    });
  }
}
