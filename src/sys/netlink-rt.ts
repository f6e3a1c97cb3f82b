/**
 * rtnetlink port for the VRRP worker, over the `netlink` npm package (0.3.0): interface
 * addresses (VIPs, v4/v6) add/delete/list, link list, link events (up/down, created, deleted)
 * and address events (RTM_NEWADDR/RTM_DELADDR).
 *
 * The sockets are opened in the network namespace current at construction time.
 * add of an existing address and delete of a missing one are not errors (keepalived also
 * tolerates both: a VIP left behind by a previous run is reused, a VIP removed by hand is gone).
 */
import { createRtNetlink, type RtNetlinkSocket } from 'netlink';
import { parseMessage as parseRtMessage, type LinkMessage } from 'netlink/dist/rt/structs';

export interface LinkInfo {
  index: number;
  name: string;
  /** IFF_UP. */
  up: boolean;
  /** IFF_RUNNING (carrier). */
  running: boolean;
  mac?: Buffer;
  /** RTM_DELLINK: the interface is gone (events only). */
  deleted?: boolean;
}

export interface AddrSpec {
  index: number;
  family: 4 | 6;
  address: Buffer;
  prefixLen: number;
  /** IPv4 broadcast address. */
  broadcast?: Buffer;
  label?: string;
  /** RT_SCOPE_* (0 universe, 253 link, 254 host). */
  scope?: number;
  nodad?: boolean;
  noprefixroute?: boolean;
  /** Preferred lifetime in seconds (0 = deprecated at once); valid lifetime stays forever. */
  preferredLft?: number;
}

export interface AddrInfo {
  index: number;
  family: 4 | 6;
  address: Buffer;
  prefixLen: number;
  /** RT_SCOPE_* (253 link). */
  scope?: number;
}

export interface RouteSpecNl {
  family: 4 | 6;
  /** Destination (undefined = default route). */
  dst?: Buffer;
  dstLen: number;
  gateway?: Buffer;
  /** Output interface index. */
  oif?: number;
  prefsrc?: Buffer;
  table?: number;
  metric?: number;
  /** RT_SCOPE_*. */
  scope?: number;
  /** RTN_* (1 unicast, 6 blackhole, 7 unreachable, 8 prohibit, 9 throw…). */
  type?: number;
  /** RTPROT_* (keepalived uses 18). */
  protocol?: number;
  tos?: number;
}

export interface RuleSpecNl {
  family: 4 | 6;
  src?: Buffer;
  srcLen: number;
  dst?: Buffer;
  dstLen: number;
  table?: number;
  priority?: number;
  fwmark?: number;
  fwmask?: number;
  iifname?: string;
  oifname?: string;
  tos?: number;
  /** FR_ACT_* (1 to table, 2 goto, 3 nop, 6 blackhole, 7 unreachable, 8 prohibit). */
  action?: number;
  goto?: number;
  invert?: boolean;
}

/** The rtnetlink port; RtNetlink implements it, tests fake it. */
export interface NetlinkPort {
  addAddress(a: AddrSpec): Promise<void>;
  delAddress(a: AddrSpec): Promise<void>;
  /** Create a macvlan (mode private) on `baseIndex` with `mac`; returns its ifindex. */
  createMacvlan?(name: string, baseIndex: number, mac: Buffer): Promise<number>;
  /** Create an ipvlan (mode L2, `flags` 0 bridge / 1 private / 2 vepa) on `baseIndex`; returns its ifindex. */
  createIpvlan?(name: string, baseIndex: number, flags: number): Promise<number>;
  /** Set a link up or down. */
  setLinkUp?(index: number, up: boolean): Promise<void>;
  deleteLink?(index: number): Promise<void>;
  addRoute?(r: RouteSpecNl): Promise<void>;
  delRoute?(r: RouteSpecNl): Promise<void>;
  addRule?(r: RuleSpecNl): Promise<void>;
  delRule?(r: RuleSpecNl): Promise<void>;
  listAddresses(): Promise<AddrInfo[]>;
  listLinks(): Promise<LinkInfo[]>;
  /** Link changes (RTM_NEWLINK, and RTM_DELLINK with `deleted`) from the kernel. */
  onLink(cb: (l: LinkInfo) => void): void;
  /** Address changes (RTM_NEWADDR / RTM_DELADDR) from the kernel. */
  onAddress?(cb: (a: AddrEvent) => void): void;
  close(): void;
}

export interface AddrEvent extends AddrInfo {
  deleted: boolean;
}

const AF_INET = 2;
const AF_INET6 = 10;
const NLM_F_EXCL = 0x200;
const RTM_NEWLINK = 16;
const RTM_DELLINK = 17;
const RTM_NEWADDR = 20;
const RTM_DELADDR = 21;
const NLM_F_CREATE = 0x400;

function errCode(e: unknown): string {
  const x = e as { code?: string; errno?: number; message?: string };
  return x.code ?? (x.message?.match(/\b(E[A-Z]+)\b/)?.[1] ?? '');
}

/**
 * IFLA_LINKINFO payload of an ipvlan, byte for byte as keepalived 2.2.7 sends it (strace):
 * IFLA_INFO_KIND "ipvlan" (no NUL), IFLA_INFO_DATA (not flagged nested) { IFLA_IPVLAN_MODE u16
 * = IPVLAN_MODE_L2 (0), IFLA_IPVLAN_FLAGS u16 = 0 bridge | 1 private (IPVLAN_F_PRIVATE) | 2 vepa }.
 */
export function ipvlanLinkInfo(flags: number): Buffer {
  const u16 = (v: number) => {
    const b = Buffer.alloc(2);
    b.writeUInt16LE(v & 0xffff, 0);
    return b;
  };
  const kind = nlAttr(1, Buffer.from('ipvlan'));
  const data = nlAttr(2, Buffer.concat([nlAttr(1, u16(0)), nlAttr(2, u16(flags))]));
  return Buffer.concat([kind, data]);
}

/** One netlink attribute (len, type, payload, padded to 4). */
function nlAttr(type: number, payload: Buffer): Buffer {
  const len = 4 + payload.length;
  const b = Buffer.alloc((len + 3) & ~3);
  b.writeUInt16LE(len, 0);
  b.writeUInt16LE(type, 2);
  payload.copy(b, 4);
  return b;
}

function linkInfo(m: LinkMessage): LinkInfo {
  const l: LinkInfo = {
    index: m.data.index ?? 0,
    name: m.attrs.ifname ?? '',
    up: !!m.data.flags?.up,
    running: !!m.data.flags?.running,
  };
  if (m.attrs.address && m.attrs.address.length === 6) l.mac = m.attrs.address;
  return l;
}

export class RtNetlink implements NetlinkPort {
  private readonly sock: RtNetlinkSocket;
  private events: RtNetlinkSocket | undefined;
  private closed = false;

  constructor() {
    this.sock = createRtNetlink();
  }

  private attrs(a: AddrSpec) {
    const attrs: { address: Buffer; local?: Buffer; broadcast?: Buffer; label?: string; cacheInfo?: { ifaPrefered: number; ifaValid: number } } = { address: a.address };
    if (a.preferredLft !== undefined) attrs.cacheInfo = { ifaPrefered: a.preferredLft, ifaValid: 0xffffffff };
    if (a.family === 4) {
      attrs.local = a.address;
      if (a.broadcast) attrs.broadcast = a.broadcast;
      if (a.label) attrs.label = a.label;
    }
    return attrs;
  }

  private data(a: AddrSpec) {
    const flags: { nodad?: true; noprefixroute?: true } = {};
    if (a.nodad) flags.nodad = true;
    if (a.noprefixroute) flags.noprefixroute = true;
    return { family: a.family === 4 ? AF_INET : AF_INET6, prefixlen: a.prefixLen, index: a.index, scope: a.scope ?? 0, flags };
  }

  async addAddress(a: AddrSpec): Promise<void> {
    try {
      await this.sock.newAddress(this.data(a), this.attrs(a), { flags: NLM_F_CREATE | NLM_F_EXCL });
    } catch (e) {
      if (errCode(e) !== 'EEXIST') throw e;
    }
  }

  async delAddress(a: AddrSpec): Promise<void> {
    try {
      await this.sock.delAddress(this.data(a), this.attrs(a));
    } catch (e) {
      const c = errCode(e);
      if (c !== 'EADDRNOTAVAIL' && c !== 'ENODEV' && c !== 'ESRCH') throw e;
    }
  }

  private route(r: RouteSpecNl) {
    const table = r.table ?? 254;
    const data = {
      family: r.family === 4 ? AF_INET : AF_INET6,
      dstLen: r.dstLen,
      tos: r.tos ?? 0,
      table: table < 256 ? table : 252,
      protocol: r.protocol ?? 18,
      scope: r.scope ?? 0, // keepalived leaves RT_SCOPE_UNIVERSE unless `scope` is given (observed)
      type: r.type ?? 1,
    };
    const attrs: Record<string, unknown> = {};
    if (r.dst && r.dstLen > 0) attrs.dst = r.dst;
    if (r.gateway) attrs.gateway = r.gateway;
    if (r.oif) attrs.oif = r.oif;
    if (r.prefsrc) attrs.prefsrc = r.prefsrc;
    if (r.metric !== undefined) attrs.priority = r.metric;
    if (table >= 256) attrs.table = table;
    return { data, attrs };
  }

  async addRoute(r: RouteSpecNl): Promise<void> {
    const { data, attrs } = this.route(r);
    try {
      await this.sock.newRoute(data as never, attrs as never, { flags: NLM_F_CREATE | NLM_F_EXCL });
    } catch (e) {
      if (errCode(e) !== 'EEXIST') throw e;
    }
  }

  async delRoute(r: RouteSpecNl): Promise<void> {
    const { data, attrs } = this.route(r);
    try {
      await this.sock.delRoute(data as never, attrs as never);
    } catch (e) {
      const c = errCode(e);
      if (c !== 'ESRCH' && c !== 'ENOENT') throw e;
    }
  }

  private rule(r: RuleSpecNl) {
    const table = r.table ?? 254;
    const data = {
      family: r.family === 4 ? AF_INET : AF_INET6,
      dstLen: r.dstLen,
      srcLen: r.srcLen,
      tos: r.tos ?? 0,
      table: table < 256 ? table : 252,
      action: r.action ?? 1,
      flags: r.invert ? { invert: true } : {},
    };
    const attrs: Record<string, unknown> = {};
    if (r.src && r.srcLen > 0) attrs.src = r.src;
    if (r.dst && r.dstLen > 0) attrs.dst = r.dst;
    if (r.priority !== undefined) attrs.priority = r.priority;
    if (r.fwmark !== undefined) attrs.fwmark = r.fwmark;
    if (r.fwmask !== undefined) attrs.fwmask = r.fwmask;
    if (r.iifname) attrs.iifname = r.iifname;
    if (r.oifname) attrs.oifname = r.oifname;
    if (r.goto !== undefined) attrs.goto = r.goto;
    attrs.protocol = 18; // RTPROT_KEEPALIVED, as keepalived tags its rules
    if (table >= 256) attrs.table = table;
    return { data, attrs };
  }

  async addRule(r: RuleSpecNl): Promise<void> {
    const { data, attrs } = this.rule(r);
    try {
      await this.sock.newRule(data as never, attrs as never, { flags: NLM_F_CREATE | NLM_F_EXCL });
    } catch (e) {
      if (errCode(e) !== 'EEXIST') throw e;
    }
  }

  async delRule(r: RuleSpecNl): Promise<void> {
    const { data, attrs } = this.rule(r);
    try {
      await this.sock.delRule(data as never, attrs as never);
    } catch (e) {
      const c = errCode(e);
      if (c !== 'ENOENT' && c !== 'ESRCH') throw e;
    }
  }

  async createMacvlan(name: string, baseIndex: number, mac: Buffer): Promise<number> {
    // IFLA_LINKINFO { IFLA_INFO_KIND "macvlan", IFLA_INFO_DATA { IFLA_MACVLAN_MODE = MACVLAN_MODE_PRIVATE } }
    const kind = nlAttr(1, Buffer.from('macvlan\0'));
    const mode = Buffer.alloc(4);
    mode.writeUInt32LE(1, 0);
    const data = nlAttr(2 | 0x8000, nlAttr(1, mode));
    const link = Buffer.alloc(4);
    link.writeUInt32LE(baseIndex, 0);
    await this.sock.newLink({ family: 0 }, { ifname: name, address: mac, link, linkinfo: Buffer.concat([kind, data]) } as never, { flags: NLM_F_CREATE | NLM_F_EXCL });
    const l = (await this.sock.getLinks()).find((m) => m.attrs.ifname === name);
    if (!l || !l.data.index) throw Object.assign(new Error(`macvlan ${name} not found after creation`), { code: 'ENODEV' });
    return l.data.index;
  }

  async createIpvlan(name: string, baseIndex: number, flags: number): Promise<number> {
    const link = Buffer.alloc(4);
    link.writeUInt32LE(baseIndex, 0);
    // created UP in the same request, as keepalived 2.2.7 (ifi_flags IFF_UP, ifi_change 1; strace)
    await this.sock.newLink({ family: 0, flags: { up: true }, change: { up: true } } as never, { ifname: name, link, linkinfo: ipvlanLinkInfo(flags) } as never, { flags: NLM_F_CREATE | NLM_F_EXCL });
    const l = (await this.sock.getLinks()).find((m) => m.attrs.ifname === name);
    if (!l || !l.data.index) throw Object.assign(new Error(`ipvlan ${name} not found after creation`), { code: 'ENODEV' });
    return l.data.index;
  }

  async setLinkUp(index: number, up: boolean): Promise<void> {
    await this.sock.setLink({ index, flags: up ? { up: true } : {}, change: { up: true } });
  }

  async deleteLink(index: number): Promise<void> {
    try {
      await this.sock.delLink({ index });
    } catch (e) {
      if (errCode(e) !== 'ENODEV') throw e;
    }
  }

  async listAddresses(): Promise<AddrInfo[]> {
    const out: AddrInfo[] = [];
    for (const m of await this.sock.getAddresses()) {
      const fam = m.data.family === AF_INET ? 4 : m.data.family === AF_INET6 ? 6 : 0;
      const addr = m.attrs.local ?? m.attrs.address;
      if (!fam || !addr) continue;
      out.push({ index: m.data.index ?? 0, family: fam, address: addr, prefixLen: m.data.prefixlen ?? 0, scope: m.data.scope ?? 0 });
    }
    return out;
  }

  async listLinks(): Promise<LinkInfo[]> {
    return (await this.sock.getLinks()).map(linkInfo);
  }

  private linkCbs: ((l: LinkInfo) => void)[] = [];
  private addrCbs: ((a: AddrEvent) => void)[] = [];

  /** One event socket (LINK, IPV4_IFADDR, IPV6_IFADDR), read raw: the parsed messages do not tell NEW from DEL. */
  private ensureEvents(): void {
    if (this.events) return;
    const ev = createRtNetlink();
    this.events = ev;
    ev.addMembership('LINK');
    ev.addMembership('IPV4_IFADDR');
    ev.addMembership('IPV6_IFADDR');
    ev.socket.on('message', (msgs: { type: number; data: Buffer }[]) => {
      for (const x of msgs) {
        const link = x.type === RTM_NEWLINK || x.type === RTM_DELLINK;
        const addr = x.type === RTM_NEWADDR || x.type === RTM_DELADDR;
        if (!link && !addr) continue;
        let m;
        try {
          m = parseRtMessage(x.type, x.data);
        } catch {
          continue;
        }
        if (m.kind === 'link' && link) {
          const l = linkInfo(m);
          if (x.type === RTM_DELLINK) l.deleted = true;
          for (const cb of this.linkCbs) cb(l);
        } else if (m.kind === 'address' && addr) {
          const fam = m.data.family === AF_INET ? 4 : m.data.family === AF_INET6 ? 6 : 0;
          const a = m.attrs.local ?? m.attrs.address;
          if (!fam || !a) continue;
          const e: AddrEvent = { deleted: x.type === RTM_DELADDR, index: m.data.index ?? 0, family: fam, address: a, prefixLen: m.data.prefixlen ?? 0, scope: m.data.scope ?? 0 };
          for (const cb of this.addrCbs) cb(e);
        }
      }
    });
  }

  onLink(cb: (l: LinkInfo) => void): void {
    this.ensureEvents();
    this.linkCbs.push(cb);
  }

  onAddress(cb: (a: AddrEvent) => void): void {
    this.ensureEvents();
    this.addrCbs.push(cb);
  }


  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.sock.socket.close();
    this.events?.socket.close();
  }
}
