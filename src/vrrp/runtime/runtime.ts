/**
 * The VRRP runtime: runs the pure core (fsm.ts, receive.ts) against the ports (ports.ts).
 *
 *   - one raw socket per interface+family, shared by the instances on it; received datagrams
 *     are demultiplexed by VRID (receive.ts) and fed to the owning instance's FSM;
 *   - FSM timers are armed on the Clock port at their absolute deadlines (no drift);
 *   - actions are executed in order: adverts (IPv4 header built here, TOS 0xc0, ids from 1),
 *     VIP add/remove through netlink (serialised per instance), GARP/NA bursts, notify
 *     (Notifier port), log lines (detailed ones only with -D), keepalived.stats counters;
 *   - trackers (track_interface, track_script, track_file, track_process, and those of the
 *     instance's sync group) change the effective priority or put the instance in FAULT
 *     (trackers.ts); sync groups move their members together;
 *   - track_file reacts to the FileWatcher port (inotify on the file's directory, as 2.2.7):
 *     the file is read again when it is written, created, deleted or renamed into or out of
 *     place (missing = 0; strtol base 0 as lib/track-value.ts; an out-of-range number is
 *     ignored with keepalived's line); `init_file` creates it at start; a directory that does
 *     not exist drops the tracker ("Track file directory for NAME does not exist - removing").
 *     Only when no watch can be set is the file polled (FILE_POLL_US), and a line says so.
 *     Lines as 2.2.7: "(VI): tracked file NAME now FAULT state" / "leaving FAULT state"; a
 *     file fault does not change the effective priority, leaving it logs "Setting effective
 *     priority to N" (observed);
 *   - reload keeps the state of every instance whose identity is unchanged (VIP, route,
 *     priority, interval, tracker changes are applied in place) and recreates the others.
 */
import type { IpAddressSpec, VrrpInstance, VrrpScript, TrackFile, TrackProcess } from '../../config/ast';
import type { VrrpSlice } from '../../config/index';
import { formatIp, parseIp } from '../../lib/ip';
import type { TimerId } from '../../sys/clock';
import type { AddrEvent, AddrInfo, LinkInfo } from '../../sys/netlink-rt';
import type { RecvMsg, VrrpSocketPort } from '../../sys/rawsock';
import { STATS_LABELS, type AcceptConfig, type AcceptContext, type StatsKey } from '../accept';
import { initFsm, step, type Action, type FsmEvent, type FsmState, type TimerName, type VrrpState } from '../fsm';
import { acceptConfigFor, fsmConfigFor } from '../instance';
import { encodeAdvert, encodeIp4Header, Counters, type DropReason, type RxMeta } from '../packet/advert';
import { receiveDatagram, type InstanceRx } from '../receive';
import { VRRP_AUTH_AH } from '../packet/advert';
import { AH_LEN, encodeAh, IPPROTO_AH, nextAhSeq, sealAh } from '../packet/ah';
import type { FileWatch, FirewallAddr, FirewallPort, RuntimePorts } from './ports';
import { parseTrackValue } from '../../lib/track-value';
import { routeToNl, ruleToNl } from './routes';
import { effectivePriority, processMatches, trackerEffect, type TrackerState } from './trackers';

const TIMER_EVENT: Record<TimerName, FsmEvent> = {
  'master-down': { type: 'master-down-timer' },
  advert: { type: 'advert-timer' },
  'garp-delay': { type: 'garp-delay-timer' },
  'garp-lower-prio-delay': { type: 'garp-lower-prio-delay-timer' },
};

/** FSM log lines keepalived 2.2.7 prints only with -D although the core marks them plain. */
const DETAIL_ONLY = /\) sent 0 priority$/;

/** keepalived.json `stats` keys, in keepalived's order. */
const JSON_STATS: StatsKey[] = ['advert_rcvd', 'advert_sent', 'become_master', 'release_master', 'packet_len_err', 'advert_interval_err', 'ip_ttl_err', 'invalid_type_rcvd', 'addr_list_err', 'invalid_authtype', 'authtype_mismatch', 'auth_failure', 'pri_zero_rcvd', 'pri_zero_sent'];

const STATS_KEYS = Object.keys(STATS_LABELS) as StatsKey[];

/** An address as formatIp writes it (configuration text may differ, e.g. IPv6 zero runs). */
function canonIp(text: string): string {
  const a = parseIp(text);
  return a ? formatIp(a.bytes) : text;
}

/** keepalived's numeric states (vrrp.h) for the JSON dump. */
const STATE_NUM: Record<VrrpState, number> = { INIT: 0, BACKUP: 1, MASTER: 2, FAULT: 3, STOP: 97, DELETED: 98 };

export interface RuntimeSettings {
  /** -V / --dont-release-vrrp: leave VIPs in place on stop. */
  dontReleaseVrrp: boolean;
}

interface SockEntry {
  key: string;
  sock: VrrpSocketPort;
  family: 4 | 6;
  ifname: string;
  byVrid: Map<number, InstanceRt>;
}

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** keepalived's dump time: `1795445325.697204 (Mon Nov 23 14:48:45.697204 2026)` (local time). */
export function dumpTime(ms: number): string {
  const d = new Date(ms);
  const us = String(Math.round((ms % 1000) * 1000)).padStart(6, '0');
  const p2 = (n: number) => String(n).padStart(2, '0');
  const t = `${DAYS[d.getDay()]} ${MONTHS[d.getMonth()]} ${p2(d.getDate())} ${p2(d.getHours())}:${p2(d.getMinutes())}:${p2(d.getSeconds())}.${us} ${d.getFullYear()}`;
  return `${Math.floor(ms / 1000)}.${us} (${t})`;
}

function zeroStats(): Record<StatsKey, number> {
  const s = {} as Record<StatsKey, number>;
  for (const k of STATS_KEYS) s[k] = 0;
  return s;
}

/** What identifies a running instance: a change here recreates it on reload. */
/** keepalived's "strerror(errno)(errno)" for the netlink errors ipvlan creation meets; other errors as they come. */
function netlinkErrorText(e: unknown): string {
  const x = e as { code?: string; message?: string };
  const known: Record<string, [string, number]> = {
    EOPNOTSUPP: ['Operation not supported', 95],
    ENOTSUP: ['Operation not supported', 95],
    EEXIST: ['File exists', 17],
    ENODEV: ['No such device', 19],
    EPERM: ['Operation not permitted', 1],
    EINVAL: ['Invalid argument', 22],
    EBUSY: ['Device or resource busy', 16],
  };
  const code = x.code ?? x.message?.match(/\b(E[A-Z]+)\b/)?.[1];
  const k = code !== undefined ? known[code] : undefined;
  return k ? `${k[0]}(${k[1]})` : (x.message ?? String(e));
}

const CORE_KEYS = ['interface', 'family', 'virtualRouterId', 'unicastPeers', 'useVmac', 'useIpvlan', 'vmacXmitBase', 'srcIp', 'mcastDstIp', 'unicastTtl', 'kernelRxBufSize', 'oldUnicastChecksum'] as const;

function pick(x: VrrpInstance, keys: readonly (keyof VrrpInstance)[]): Record<string, unknown> {
  const o: Record<string, unknown> = {};
  for (const k of keys) o[k] = x[k];
  return o;
}

/** Instance configuration without source positions, for reload comparison. */
function canon(x: unknown): string {
  return JSON.stringify(x, (k, v: unknown) => (k === 'pos' || k === 'interfacePos' ? undefined : v));
}

/** One configured vrrp_instance while it runs. */
export class InstanceRt {
  fsm: FsmState;
  readonly acc: AcceptConfig;
  ctx: AcceptContext = {};
  readonly timers = new Map<TimerName, TimerId>();
  stats = zeroStats();
  readonly drops = new Counters<DropReason>();
  ipId = 0;
  /** auth_type AH: keepalived's ipsecah_counter, the last AH sequence number sent or accepted. */
  ahSeq = 0;
  /** The AH sequence number of the advert being dispatched (a master syncs to it on a lower-priority advert). */
  ahRxSeq: number | undefined;
  /** netlink operations of this instance, in order. */
  vipQueue: Promise<void> = Promise.resolve();
  readonly trackers = new Map<string, TrackerState>();
  lastTransitionMs = Date.now();
  sock: SockEntry | undefined;
  /** Destinations of adverts: the multicast group or the unicast peers. */
  readonly dests: Buffer[];
  /** The advert source: configured, or the interface's address (changes with address events). */
  srcAddr: Buffer | undefined;
  vips: IpAddressSpec[];
  /** Cached VRRP payloads by priority and destination index (v3 checksums depend on dst). */
  private readonly pktCache = new Map<number, Buffer>();
  sendErrors = 0;
  faultReason: string | undefined;
  group: { name: string; members: InstanceRt[]; state?: VrrpState } | undefined;
  /** use_vmac: the macvlan the VIPs live on and adverts/GARPs leave from. */
  vmac: { name: string; index: number; mac: Buffer } | undefined;
  /** Send-only socket on the VMAC (IPv4, unless vmac_xmit_base). */
  txSock: VrrpSocketPort | undefined;
  /** garp_extra_if: the next periodic GARP on the secondary interfaces (MASTER only). */
  extraIfTimer: TimerId | undefined;
  /** Started after its weight-0 scripts returned: keepalived then logs "Entering BACKUP STATE" without "(init)". */
  deferredStart = false;
  /** Created by a reload: its start does not log "removing VIPs." (2.2.7 logs only the old instance's). */
  createdByReload = false;
  /** The last evaluation found a track_file faulting it (its priority was left as it was). */
  fileFaulted = false;

  constructor(
    readonly cfg: VrrpInstance,
    /** Changes when the interface is deleted and created again (dynamic interfaces). */
    public ifindex: number,
    readonly ifname: string,
    public mac: Buffer | undefined,
    srcAddr: Buffer | undefined,
    globalDefs: VrrpSlice['global'],
  ) {
    this.srcAddr = srcAddr;
    this.fsm = initFsm(fsmConfigFor(cfg, globalDefs, srcAddr ? new Uint8Array(srcAddr) : undefined));
    this.acc = acceptConfigFor(cfg);
    this.vips = [...cfg.virtualIpaddresses, ...cfg.virtualIpaddressesExcluded];
    if (cfg.unicastPeers.length > 0) {
      this.dests = cfg.unicastPeers.flatMap((p) => {
        const a = parseIp(p.address);
        return a ? [a.bytes] : [];
      });
    } else {
      const g = cfg.mcastDstIp ?? (cfg.family === 4 ? globalDefs.vrrpMcastGroup4 : globalDefs.vrrpMcastGroup6);
      const a = parseIp(g) ?? parseIp(cfg.family === 4 ? '224.0.0.18' : 'ff02::12');
      this.dests = a ? [a.bytes] : [];
    }
    if (cfg.oldUnicastChecksum === 'always') this.ctx.oldChecksumActive = true;
  }

  get name(): string {
    return this.cfg.name;
  }

  get unicast(): boolean {
    return this.cfg.unicastPeers.length > 0;
  }

  /** auth_type AH (VRRPv2 over IPv4): adverts are IP protocol 51 with an AH header (../packet/ah.ts). */
  get ah(): boolean {
    return this.cfg.family === 4 && this.acc.version === 2 && this.acc.authType === VRRP_AUTH_AH;
  }

  /** What goes to dests[i] for `priority`: IPv4 header (id patched by the sender) + VRRP message, or the VRRP message (IPv6). */
  packet(priority: number, i: number): Buffer {
    const key = priority * 1024 + i;
    let p = this.pktCache.get(key);
    if (p) return p;
    const c = this.fsm.cfg;
    const dst = this.dests[i]!;
    const v2 = c.version === 2;
    const enc = encodeAdvert(
      {
        family: this.cfg.family,
        version: c.version,
        vrid: this.cfg.virtualRouterId,
        priority,
        adverInt: v2 ? Math.max(1, Math.round(c.advertIntervalCs / 100)) : c.advertIntervalCs,
        addrs: this.acc.vips,
        ...(v2 ? { authType: this.acc.authType } : {}),
        ...(v2 && this.acc.authPass ? { authData: this.acc.authPass } : {}),
      },
      v2
        ? {}
        : {
            src: this.srcAddr ?? new Uint8Array(this.cfg.family === 4 ? 4 : 16),
            dst,
            oldUnicastChecksum: this.unicast && this.ctx.oldChecksumActive === true,
          },
    );
    if (this.cfg.family === 4) {
      const src = this.srcAddr ?? new Uint8Array(4);
      const ttl = this.unicast ? (this.cfg.unicastTtl ?? 255) : 255;
      if (this.ah) {
        // AH: sequence number and ICV are filled per packet by sealAh (sendAdvert)
        const hdr = encodeIp4Header({ src, dst, id: 0, payloadLength: AH_LEN + enc.length, ttl, protocol: IPPROTO_AH });
        p = Buffer.concat([hdr, encodeAh(src, 0), enc]);
      } else {
        const hdr = encodeIp4Header({ src, dst, id: 0, payloadLength: enc.length, ttl });
        p = Buffer.concat([hdr, enc]);
      }
    } else p = Buffer.from(enc.buffer, enc.byteOffset, enc.byteLength);
    if (this.pktCache.size > 64) this.pktCache.clear();
    this.pktCache.set(key, p);
    return p;
  }

  clearPacketCache(): void {
    this.pktCache.clear();
  }
}

interface SyncGroupRt {
  name: string;
  members: InstanceRt[];
  state?: VrrpState;
}

interface ScriptTracker {
  cfg: VrrpScript;
  /** undefined until the first result (keepalived's SCRIPT_INIT_STATE_INIT), unless init_fail. */
  up: boolean | undefined;
  /** Consecutive results in the direction opposite to `up`. */
  count: number;
  running: boolean;
  timer: TimerId | undefined;
  users: Set<string>;
  lastCode?: number;
  /** The run in progress, killed on stop. */
  run?: { kill(): void };
}

interface ProcessTracker {
  cfg: TrackProcess;
  up: boolean;
  count: number;
}

interface FileTracker {
  cfg: TrackFile;
  value: number;
  /** Poll timer: only when no watch could be set (or without a FileWatcher port). */
  timer: TimerId | undefined;
  watch?: FileWatch | undefined;
  /** The directory does not exist: the tracker is dropped, as keepalived does. */
  removed?: boolean;
}

/** Poll period of a track_file that cannot be watched (keepalived always watches). */
export const FILE_POLL_US = 2_000_000;

export class VrrpRuntime {
  readonly instances = new Map<string, InstanceRt>();
  private readonly sockets = new Map<string, SockEntry>();
  private links = new Map<string, LinkInfo>();
  private slice: VrrpSlice | undefined;
  private readonly scripts = new Map<string, ScriptTracker>();
  private readonly files = new Map<string, FileTracker>();
  private readonly procs = new Map<string, ProcessTracker>();
  private procTimer: TimerId | undefined;
  private stopped = false;
  readonly unattributed = new Counters<DropReason>();
  unknownVrids = 0;
  private linkWatch = false;

  constructor(
    private readonly ports: RuntimePorts,
    private readonly settings: RuntimeSettings,
  ) {}

  // ---- lifecycle ----

  async start(slice: VrrpSlice): Promise<void> {
    this.slice = slice;
    await this.refreshLinks();
    // without dynamic_interfaces keepalived 2.2.7's VRRP process stops with a permanent CONFIG
    // error when an instance's interface does not exist (observed); with it the instance waits in FAULT
    const missing = slice.global.dynamicInterfaces ? undefined : slice.vrrpInstances.find((i) => !this.links.has(this.ifaceOf(i)));
    if (missing) throw new Error(`interface ${this.ifaceOf(missing)} of vrrp_instance ${missing.name} does not exist (no dynamic_interfaces)`);
    await this.ensureVmacs(slice);
    if (!this.linkWatch) {
      this.linkWatch = true;
      this.ports.netlink.onLink((l) => this.onLink(l));
      this.ports.netlink.onAddress?.((a) => this.onAddress(a));
    }
    const addrs = await this.ports.netlink.listAddresses();
    this.learnAddresses(slice, addrs);
    this.openFirewall(slice);
    const created: InstanceRt[] = [];
    for (const inst of slice.vrrpInstances) created.push(this.createInstance(inst, slice, addrs));
    this.buildGroups(slice);
    this.startTrackers(slice);
    this.staticConfig(slice, true);
    for (const rt of created) this.startInstance(rt);
  }

  private staticQueue: Promise<void> = Promise.resolve();

  /** static_ipaddress / static_routes / static_rules: added at start, removed at stop (observed on 2.2.7). */
  private staticConfig(slice: VrrpSlice, add: boolean): void {
    const nl = this.ports.netlink;
    const ifIndex = (n: string) => this.links.get(n)?.index;
    const dflt = slice.global.defaultInterface || 'eth0';
    const ops: Array<[string, () => Promise<void>]> = [];
    for (const v of slice.staticIpaddresses) {
      const a = parseIp(v.address);
      const index = ifIndex(v.dev ?? dflt);
      if (!a || !index) continue;
      const brd = v.broadcast && v.broadcast !== '+' && v.broadcast !== '-' ? parseIp(v.broadcast)?.bytes : undefined;
      const spec = { index, family: v.family, address: a.bytes, prefixLen: v.prefixLen, ...(brd ? { broadcast: brd } : {}), ...(v.label ? { label: v.label } : {}), ...(v.family === 6 ? { nodad: true } : {}) };
      ops.push([`${v.address}/${v.prefixLen}`, () => (add ? nl.addAddress(spec) : nl.delAddress(spec))]);
    }
    if (nl.addRoute && nl.delRoute && nl.addRule && nl.delRule) {
      for (const r of slice.staticRoutes) {
        const x = routeToNl(r, ifIndex);
        if (typeof x === 'string') this.ports.log.warn(`static route skipped: ${x}`);
        else ops.push([`route ${r.dst}`, () => (add ? nl.addRoute!(x) : nl.delRoute!(x))]);
      }
      for (const r of slice.staticRules) {
        const x = ruleToNl(r);
        if (typeof x === 'string') this.ports.log.warn(`static rule skipped: ${x}`);
        else ops.push(['rule', () => (add ? nl.addRule!(x) : nl.delRule!(x))]);
      }
    }
    if (!add) ops.reverse();
    this.staticQueue = this.staticQueue.then(async () => {
      for (const [what, op] of ops) {
        try {
          await op();
        } catch (e) {
          this.ports.log.error(`cannot ${add ? 'add' : 'remove'} static ${what}: ${(e as Error).message}`);
        }
      }
    });
  }

  async reload(slice: VrrpSlice): Promise<void> {
    this.slice = slice;
    await this.refreshLinks();
    await this.ensureVmacs(slice);
    const addrs = await this.ports.netlink.listAddresses();
    this.learnAddresses(slice, addrs);
    this.openFirewall(slice);
    const kept = new Map<VrrpInstance, InstanceRt>();
    const fresh: InstanceRt[] = [];
    // trackers are rebuilt: stop the old ones first (their state is kept by name)
    this.stopTrackers();
    for (const rt of [...this.instances.values()]) {
      // keepalived's vrrp_exist: the old instance goes on as the new one that is the same router
      // (VRID, family, interface, unicast or not, unicast source, VMAC), whatever its name or
      // version: a rename or a version change keeps the state (observed on 2.2.7)
      const next = slice.vrrpInstances.find((n) => !kept.has(n) && this.sameRouter(rt.cfg, n));
      if (next && canon(pick(rt.cfg, CORE_KEYS)) === canon(pick(next, CORE_KEYS))) {
        if (canon(rt.cfg) !== canon(next)) this.updateInPlace(rt, next, slice);
        kept.set(next, rt);
        continue;
      }
      this.dispatch(rt, { type: 'delete' });
      this.detach(rt);
    }
    this.instances.clear();
    for (const inst of slice.vrrpInstances) {
      const rt = kept.get(inst);
      if (rt) {
        this.instances.set(inst.name, rt);
        // 2.2.7 sets a kept master's VIPs again on every reload (-D "setting VIPs.", observed)
        if (rt.fsm.state === 'MASTER' && rt.fsm.vipsSet) this.ports.log.detailed(`(${rt.name}) setting VIPs.`);
      }
      else {
        const rt = this.createInstance(inst, slice, addrs);
        rt.createdByReload = true;
        fresh.push(rt);
      }
    }
    this.buildGroups(slice);
    this.startTrackers(slice);
    for (const rt of fresh) this.startInstance(rt);
    // trackers may have changed weights
    for (const rt of this.instances.values()) this.reevaluate(rt);
  }

  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    this.stopTrackers();
    for (const st of this.scripts.values()) st.run?.kill();
    for (const id of this.garpTimers) this.ports.clock.clear(id);
    this.garpTimers.clear();
    for (const rt of this.instances.values()) this.dispatch(rt, { type: 'shutdown' });
    if (this.slice && !this.settings.dontReleaseVrrp) this.staticConfig(this.slice, false);
    await Promise.all([...this.instances.values()].map((rt) => rt.vipQueue));
    await this.staticQueue;
    if (this.firewall && !this.settings.dontReleaseVrrp) await this.firewall.close();
    if (!this.settings.dontReleaseVrrp) await this.releaseVmacs();
    for (const rt of this.instances.values()) this.detach(rt);
    for (const s of this.sockets.values()) s.sock.close();
    this.sockets.clear();
    this.ports.garp.close();
    this.ports.netlink.close();
  }

  // ---- use_vmac ----

  /** VMACs we created (deleted on stop) and sysctls we changed (restored on stop). */
  private readonly createdVmacs = new Map<string, number>();
  private readonly sysctlSaved = new Map<string, string>();

  static vmacName(inst: VrrpInstance): string {
    return inst.useVmac?.name ?? inst.useIpvlan?.name ?? `vrrp.${inst.virtualRouterId}`;
  }

  static vmacMac(inst: VrrpInstance): Buffer {
    const m = inst.useVmac?.mac;
    if (m) {
      const b = Buffer.from(m.replace(/[:-]/g, ''), 'hex');
      if (b.length === 6) return b;
    }
    return Buffer.from([0, 0, 0x5e, 0, inst.family === 4 ? 1 : 2, inst.virtualRouterId & 0xff]);
  }

  private setSysctl(path: string, value: string): void {
    const sc = this.ports.sysctl;
    if (!sc) return;
    if (!this.sysctlSaved.has(path)) {
      const old = sc.get(path);
      if (old === undefined || old === value) return;
      this.sysctlSaved.set(path, old);
    }
    sc.set(path, value);
  }

  /** Create the macvlan of each use_vmac instance (mode private, MAC 00:00:5e:00:01:VRID), as keepalived does. */
  private async ensureVmacs(slice: VrrpSlice): Promise<void> {
    const nl = this.ports.netlink;
    let changed = false;
    for (const inst of slice.vrrpInstances) {
      if (inst.useIpvlan && !inst.useVmac) {
        if (await this.ensureIpvlan(inst)) changed = true;
        continue;
      }
      if (!inst.useVmac) continue;
      const name = VrrpRuntime.vmacName(inst);
      const base = this.links.get(this.ifaceOf(inst));
      if (!base || base.deleted) continue;
      if (!this.links.has(name) || this.links.get(name)!.deleted) {
        if (!nl.createMacvlan || !nl.setLinkUp) {
          this.ports.log.warn(`(${inst.name}) use_vmac: this netlink port cannot create ${name}`);
          continue;
        }
        try {
          const index = await nl.createMacvlan(name, base.index, VrrpRuntime.vmacMac(inst));
          this.createdVmacs.set(name, index);
          // no IPv6 link-local (and so no ND/MLD from the shared MAC) on an IPv4 VMAC; an IPv6
          // VMAC gets no generated link-local but the base interface's, deprecated (as 2.2.7)
          if (inst.family === 4) this.setSysctl(`net/ipv6/conf/${name}/disable_ipv6`, '1');
          else this.setSysctl(`net/ipv6/conf/${name}/addr_gen_mode`, '1');
          // as keepalived 2.2.7 sets them on its VMACs (observed)
          this.setSysctl(`net/ipv4/conf/${name}/arp_ignore`, '1');
          this.setSysctl(`net/ipv4/conf/${name}/accept_local`, '1');
          this.setSysctl(`net/ipv4/conf/${name}/promote_secondaries`, '1');
          await nl.setLinkUp(index, true);
          this.ports.log.info(`(${inst.name}): Success creating VMAC interface ${name}`);
          if (inst.family === 6) {
            const addrs = await nl.listAddresses();
            const ll = addrs.find((x) => x.index === base.index && x.family === 6 && x.address[0] === 0xfe && (x.address[1]! & 0xc0) === 0x80);
            if (ll) await nl.addAddress({ index, family: 6, address: ll.address, prefixLen: 64, scope: 253, nodad: true, preferredLft: 0 });
          }
          changed = true;
        } catch (e) {
          this.ports.log.error(`(${inst.name}) cannot create VMAC interface ${name}: ${(e as Error).message}`);
          continue;
        }
      }
      // the base interface must not answer ARP for addresses that live on the VMAC
      this.setSysctl(`net/ipv4/conf/${base.name}/arp_ignore`, '1');
      this.setSysctl(`net/ipv4/conf/${base.name}/arp_filter`, '1');
    }
    if (changed) await this.refreshLinks();
  }

  /** ipvlans that could not be created (the instance stays in FAULT, as 2.2.7). */
  private readonly failedIpvlans = new Set<string>();

  /**
   * use_ipvlan, as keepalived 2.2.7's netlink_link_add_ipvlan: an ipvlan in L2 mode (flags
   * bridge/private/vepa) named vrrp.VRID unless named, created UP; IPv6 disabled on it for an
   * IPv4 instance; then its own address (use_ipvlan IP/LEN) added. On failure keepalived logs
   * "Unable to create ipvlan interface" and the instance enters FAULT (interface down), observed.
   */
  private async ensureIpvlan(inst: VrrpInstance): Promise<boolean> {
    const nl = this.ports.netlink;
    const u = inst.useIpvlan!;
    const name = VrrpRuntime.vmacName(inst);
    const base = this.links.get(this.ifaceOf(inst));
    if (!base || base.deleted) return false;
    const cur = this.links.get(name);
    if (cur && !cur.deleted) return false;
    this.failedIpvlans.delete(name);
    if (!nl.createIpvlan) {
      this.ports.log.warn(`(${inst.name}) use_ipvlan: this netlink port cannot create ${name}`);
      this.failedIpvlans.add(name);
      return false;
    }
    let index: number;
    try {
      index = await nl.createIpvlan(name, base.index, u.mode === 'private' ? 1 : u.mode === 'vepa' ? 2 : 0);
    } catch (e) {
      this.ports.log.info(`Netlink: error: ${netlinkErrorText(e)}, type=RTM_NEWLINK(16)`);
      this.ports.log.info(`(${inst.name}): Unable to create ipvlan interface ${name}`);
      this.failedIpvlans.add(name);
      return false;
    }
    this.createdVmacs.set(name, index);
    this.ports.log.info(`(${inst.name}): Success creating ipvlan interface ${name}`);
    if (inst.family === 4) this.setSysctl(`net/ipv6/conf/${name}/disable_ipv6`, '1');
    else this.setSysctl(`net/ipv6/conf/${name}/disable_ipv6`, '0');
    try {
      await nl.setLinkUp?.(index, true);
    } catch (e) {
      this.ports.log.error(`(${inst.name}) cannot set ${name} up: ${(e as Error).message}`);
    }
    const ip = u.address !== undefined ? parseIp(u.address) : undefined;
    if (ip) {
      const family: 4 | 6 = ip.bytes.length === 4 ? 4 : 6;
      try {
        await nl.addAddress({ index, family, address: ip.bytes, prefixLen: u.prefixLen ?? (family === 4 ? 32 : 128) } as never);
      } catch {
        this.ports.log.info(`${inst.name}: Failed to add interface address to ${name}`);
      }
    }
    return true;
  }

  private async releaseVmacs(): Promise<void> {
    const nl = this.ports.netlink;
    for (const [name, index] of this.createdVmacs) {
      try {
        await nl.deleteLink?.(index);
      } catch (e) {
        this.ports.log.error(`cannot remove VMAC interface ${name}: ${(e as Error).message}`);
      }
    }
    this.createdVmacs.clear();
    for (const [path, old] of this.sysctlSaved) this.ports.sysctl?.set(path, old);
    this.sysctlSaved.clear();
  }

  // ---- instances ----

  private ifaceOf(inst: VrrpInstance): string {
    return inst.interface ?? 'eth0';
  }

  private createInstance(inst: VrrpInstance, slice: VrrpSlice, addrs: { index: number; family: 4 | 6; address: Buffer }[]): InstanceRt {
    const ifname = this.ifaceOf(inst);
    const link = this.links.get(ifname);
    const ifindex = link?.index ?? 0;
    let src: Buffer | undefined;
    if (inst.srcIp) src = parseIp(inst.srcIp)?.bytes;
    if (!src) {
      const vipSet = new Set(inst.virtualIpaddresses.map((v) => v.address));
      const cand = addrs.filter((a) => a.index === ifindex && a.family === inst.family && !vipSet.has(formatIp(a.address)));
      src = (inst.family === 6 ? cand.find((a) => a.address[0] === 0xfe && (a.address[1]! & 0xc0) === 0x80) : cand[0])?.address;
    }
    // adverts of an ipvlan instance leave from its own address (keepalived sets ifp->sin_addr to it)
    const ia = inst.useIpvlan?.address !== undefined && !inst.srcIp && !inst.useVmac ? parseIp(inst.useIpvlan.address) : undefined;
    if (ia && (ia.bytes.length === 4) === (inst.family === 4) && this.links.has(VrrpRuntime.vmacName(inst))) src = Buffer.from(ia.bytes);
    const rt = new InstanceRt(inst, ifindex, ifname, link?.mac, src, slice.global);
    this.instances.set(inst.name, rt);
    if (inst.useVmac || inst.useIpvlan) {
      const vl = this.links.get(VrrpRuntime.vmacName(inst));
      if (vl && !vl.deleted) rt.vmac = { name: vl.name, index: vl.index, mac: vl.mac ?? (inst.useVmac ? VrrpRuntime.vmacMac(inst) : (link?.mac ?? VrrpRuntime.vmacMac(inst))) };
    }
    // trackers of this instance
    if (!inst.dontTrackPrimary) rt.trackers.set(`if:${ifname}`, { label: `interface ${ifname}`, kind: 'interface', weight: 0, reverse: false, up: this.linkUp(ifname) });
    for (const t of inst.trackInterfaces) {
      rt.trackers.set(`if:${t.name}`, { label: `interface ${t.name}`, kind: 'interface', weight: t.weight, reverse: t.reverse, up: this.linkUp(t.name) });
    }
    if (!src) rt.faultReason = `(no IPv${inst.family} address for interface ${ifname})`;
    if (inst.useIpvlan && !rt.vmac) rt.faultReason = `(interface ${VrrpRuntime.vmacName(inst)} down)`;
    if (inst.unicastFaultNoPeer && inst.unicastPeers.length === 0) rt.faultReason = '(unicast_fault_no_peer and no unicast peers)';
    return rt;
  }

  private startInstance(rt: InstanceRt): void {
    if (!this.attach(rt)) rt.faultReason ??= `(cannot open socket on ${rt.ifname})`;
    this.tryStart(rt);
  }

  /** A weight-0 script that has not returned yet holds the instance in INIT (keepalived's num_script_init). */
  private waitingForScripts(rt: InstanceRt): boolean {
    for (const t of rt.trackers.values()) if (t.kind === 'script' && t.weight === 0 && t.up === undefined) return true;
    return false;
  }

  private tryStart(rt: InstanceRt): void {
    if (rt.fsm.state !== 'INIT') return;
    if (this.waitingForScripts(rt)) {
      rt.deferredStart = true;
      return;
    }
    const { priority, faultBy } = effectivePriority(rt.fsm.basePriority, rt.trackers.values());
    // 2.2.7's initialise_tracking_priorities(): one line per faulting track_file, before the priority
    for (const t of rt.trackers.values())
      if (t.kind === 'file' && trackerEffect(t).fault) this.ports.log.info(`(${rt.name}): entering FAULT state (tracked file ${t.label.replace(/^file /, '')} has status -254)`);
    if (priority !== rt.fsm.effectivePriority) this.dispatch(rt, { type: 'priority', priority });
    rt.fileFaulted = faultBy?.kind === 'file';
    const groupFault = rt.group?.members.some((m) => m !== rt && this.ownFault(m)) ?? false;
    if (faultBy || rt.faultReason || groupFault) this.dispatch(rt, { type: 'fault', ...(rt.faultReason?.startsWith('(interface ') ? { reason: rt.faultReason } : {}) });
    this.dispatch(rt, { type: 'startup' }, rt.createdByReload ? /\) removing VIPs\.$/ : undefined);
  }

  private attach(rt: InstanceRt): boolean {
    const fam = rt.cfg.family;
    const key = `${rt.ifname}/${fam}${rt.ah ? '/ah' : ''}`;
    let s = this.sockets.get(key);
    if (!s) {
      const groups = rt.unicast ? [] : rt.dests.map((d) => formatIp(d));
      try {
        const entry: SockEntry = { key, family: fam, ifname: rt.ifname, byVrid: new Map(), sock: undefined as unknown as VrrpSocketPort };
        entry.sock = this.ports.openSocket({ family: fam, ifname: rt.ifname, groups, hdrincl: fam === 4, ...(rt.ah ? { protocol: IPPROTO_AH } : {}), ...(rt.cfg.kernelRxBufSize ? { rcvBuf: rt.cfg.kernelRxBufSize } : {}) }, (m) =>
          this.onMessage(entry, m),
        );
        s = entry;
        this.sockets.set(key, s);
      } catch (e) {
        this.ports.log.error(`(${rt.name}) cannot open VRRP socket on ${rt.ifname}: ${(e as Error).message}`);
        return false;
      }
    } else if (!rt.unicast) {
      for (const d of rt.dests) {
        try {
          s.sock.joinGroup(Buffer.from(d));
        } catch {
          /* already joined */
        }
      }
    }
    const other = s.byVrid.get(rt.cfg.virtualRouterId);
    if (other && other !== rt) this.ports.log.warn(`(${rt.name}) VRID ${rt.cfg.virtualRouterId} already used by ${other.name} on ${rt.ifname}`);
    s.byVrid.set(rt.cfg.virtualRouterId, rt);
    rt.sock = s;
    if (rt.vmac && !rt.txSock) {
      if (fam === 4 && !rt.cfg.vmacXmitBase) {
        try {
          rt.txSock = this.ports.openSocket({ family: 4, ifname: rt.vmac.name, groups: [], hdrincl: true, sendOnly: true }, () => undefined);
        } catch (e) {
          this.ports.log.error(`(${rt.name}) cannot open VRRP socket on ${rt.vmac.name}: ${(e as Error).message}`);
        }
      } else if (fam === 6 && !rt.cfg.vmacXmitBase) {
        try {
          rt.txSock = this.ports.openSocket({ family: 6, ifname: rt.vmac.name, groups: [], hdrincl: false, sendOnly: true }, () => undefined);
        } catch (e) {
          this.ports.log.error(`(${rt.name}) cannot open VRRP socket on ${rt.vmac.name}: ${(e as Error).message}`);
        }
      }
    }
    return true;
  }

  private detach(rt: InstanceRt): void {
    for (const id of rt.timers.values()) this.ports.clock.clear(id);
    rt.timers.clear();
    this.ports.clock.clear(rt.extraIfTimer);
    rt.extraIfTimer = undefined;
    rt.txSock?.close();
    rt.txSock = undefined;
    const s = rt.sock;
    if (!s) return;
    if (s.byVrid.get(rt.cfg.virtualRouterId) === rt) s.byVrid.delete(rt.cfg.virtualRouterId);
    rt.sock = undefined;
    if (s.byVrid.size === 0) {
      s.sock.close();
      this.sockets.delete(s.key);
    }
  }

  // ---- FSM ----

  /** `atUs`: for timer events the deadline itself, so timers re-armed from it do not drift by the wake-up latency. */
  dispatch(rt: InstanceRt, ev: FsmEvent, quietLog?: RegExp, atUs?: number): void {
    if (ev.type === 'master-down-timer' && !ev.syncWait && !this.syncing && this.groupHolds(rt)) ev = { type: 'master-down-timer', syncWait: true };
    const before = rt.fsm.state;
    const r = step(rt.fsm, ev, atUs ?? this.ports.clock.nowUs);
    rt.fsm = r.state;
    const after = r.state.state;
    if (after !== before) rt.lastTransitionMs = Date.now();
    const g = rt.group;
    const gs = after === 'MASTER' || after === 'BACKUP' || after === 'FAULT' || after === 'STOP' ? after : undefined;
    const groupState = after !== before && g && gs && g.state !== gs;
    // at startup keepalived sets (and notifies) the group's state before its members enter it:
    // GROUP "G1" BACKUP precedes INSTANCE "VI_1" BACKUP (observed on 2.2.7)
    if (groupState && before === 'INIT') this.notifyGroup(g, gs);
    if (after === 'MASTER' && before !== 'MASTER') this.armExtraIf(rt);
    else if (after !== 'MASTER' && rt.extraIfTimer !== undefined) {
      this.ports.clock.clear(rt.extraIfTimer);
      rt.extraIfTimer = undefined;
    }
    this.perform(rt, quietLog ? r.actions.filter((a) => !(a.type === 'log' && quietLog.test(a.text))) : r.actions);
    if (after !== before && g && !this.syncing) this.syncGroup(rt, before, after);
    // later, the group follows once every member is there (the members' MASTER/STOP lines, then the group's)
    if (groupState && g.state !== after && g.members.every((m) => m.fsm.state === gs || this.instances.get(m.name) !== m)) this.notifyGroup(g, gs);
  }

  private notifyGroup(g: SyncGroupRt, state: 'MASTER' | 'BACKUP' | 'FAULT' | 'STOP'): void {
    g.state = state;
    this.ports.notifier.notify({ kind: 'group', name: g.name, state });
  }

  // ---- sync groups ----

  private syncing = false;

  /**
   * vrrp_sync_group: a member going MASTER takes the BACKUP members with it, a member going from
   * MASTER to BACKUP takes the MASTER members back; FAULT is handled by reevaluate() (any member
   * faulted faults the group). The pure FSM has no "sync" event: a BACKUP member is moved by its
   * master-down timeout, a MASTER member by a synthetic higher-priority advert whose log line is
   * suppressed.
   */
  private syncGroup(rt: InstanceRt, before: VrrpState, after: VrrpState): void {
    const g = rt.group!;
    const others = g.members.filter((m) => m !== rt && this.instances.get(m.name) === m);
    this.syncing = true;
    try {
      if (after === 'MASTER') {
        const moving = others.filter((m) => m.fsm.state === 'BACKUP' && m.fsm.timers['master-down'] !== undefined);
        if (moving.length) this.ports.log.info(`VRRP_Group(${g.name}) Syncing instances to MASTER state`);
        for (const m of moving) this.dispatch(m, { type: 'master-down-timer' }, /Receive advertisement timeout/);
      } else if (after === 'BACKUP' && before === 'MASTER') {
        const moving = others.filter((m) => m.fsm.state === 'MASTER');
        if (moving.length) this.ports.log.info(`VRRP_Group(${g.name}) Syncing instances to BACKUP state`);
        for (const m of moving) {
          const adv = {
            family: m.cfg.family,
            version: m.fsm.cfg.version,
            type: 1,
            vrid: m.cfg.virtualRouterId,
            priority: 255,
            count: 0,
            authType: 0,
            adverInt: m.fsm.masterAdverIntCs,
            advertIntervalCs: m.fsm.masterAdverIntCs,
            rsvd: 0,
            checksum: 0,
            addrs: [],
            checksumVariant: 'unchecked' as const,
            ttl: 255,
          };
          this.dispatch(m, { type: 'advert', advert: adv, srcText: '' }, /Master received advert/);
        }
      } else if (after === 'FAULT' && !this.faultLogged.has(g.name)) {
        this.faultLogged.add(g.name);
        this.ports.log.info(`VRRP_Group(${g.name}) Syncing instances to FAULT state`);
      }
      if (after !== 'FAULT') this.faultLogged.delete(g.name);
    } finally {
      this.syncing = false;
    }
  }

  private readonly faultLogged = new Set<string>();

  /**
   * keepalived's vrrp_sync_can_goto_master, negated: a BACKUP member may not time out into MASTER
   * while its group is not MASTER and another member does not want MASTER (neither MASTER nor held
   * back after its own timeout): "prefer backup state to avoid thrashing". So of two members whose
   * masters vanished together, the first to time out waits and the second takes the group
   * (observed on 2.2.7: "(VI_1) Receive advertisement timeout", then VI_2's, then VI_2 MASTER).
   */
  private groupHolds(rt: InstanceRt): boolean {
    const g = rt.group;
    if (!g || g.state === 'MASTER' || rt.fsm.state !== 'BACKUP') return false;
    return g.members.some((m) => m !== rt && this.instances.get(m.name) === m && m.fsm.state !== 'MASTER' && !m.fsm.wantMaster);
  }

  private buildGroups(slice: VrrpSlice): void {
    for (const rt of this.instances.values()) rt.group = undefined;
    for (const sg of slice.syncGroups) {
      const members = sg.group.map((x) => this.instances.get(x.name)).filter((x): x is InstanceRt => !!x);
      if (members.length < 2) continue;
      const grp: SyncGroupRt = { name: sg.name, members };
      for (const m of members) m.group = grp;
    }
  }

  private perform(rt: InstanceRt, actions: Action[]): void {
    for (const a of actions) {
      switch (a.type) {
        case 'send-advert':
          this.sendAdvert(rt, a.priority);
          break;
        case 'set-vips':
          if (rt.cfg.virtualIpaddressesExcluded.length) this.ports.log.detailed(`(${rt.name}) setting E-VIPs.`);
          this.setVips(rt, true, rt.vips);
          this.setRoutes(rt, true);
          break;
        case 'remove-vips':
          if (this.stopped && this.settings.dontReleaseVrrp) break;
          if (rt.cfg.virtualIpaddressesExcluded.length) this.ports.log.detailed(`(${rt.name}) removing E-VIPs.`);
          this.setRoutes(rt, false);
          this.setVips(rt, false, rt.vips);
          break;
        case 'block-vips':
        case 'unblock-vips':
          this.firewallRule(rt, a.type === 'block-vips');
          break;
        case 'send-garp':
          this.sendGarps(rt, a.repeat);
          break;
        case 'arm-timer': {
          this.ports.clock.clear(rt.timers.get(a.timer));
          const ev = TIMER_EVENT[a.timer];
          rt.timers.set(
            a.timer,
            this.ports.clock.at(a.atUs, () => {
              rt.timers.delete(a.timer);
              // a wake-up later than one interval is not hidden: fall back to the real time
              const late = this.ports.clock.nowUs - a.atUs;
              this.dispatch(rt, ev, undefined, late < rt.fsm.cfg.advertIntervalCs * 10_000 ? a.atUs : undefined);
            }),
          );
          break;
        }
        case 'cancel-timer':
          this.ports.clock.clear(rt.timers.get(a.timer));
          rt.timers.delete(a.timer);
          break;
        case 'notify':
          this.ports.notifier.notify({ kind: 'instance', name: rt.name, state: a.state, priority: a.priority });
          break;
        case 'priority-changed':
          rt.clearPacketCache();
          // 2.2.7 re-sends a GARP burst when a master's effective priority changes (observed)
          if (rt.fsm.state === 'MASTER' && rt.fsm.cfg.garpMasterRepeat > 0) this.sendGarps(rt, rt.fsm.cfg.garpMasterRepeat);
          if (rt.cfg.notifyPriorityChanges && (rt.fsm.state === 'MASTER' || rt.fsm.state === 'BACKUP'))
            this.ports.notifier.notify({ kind: 'priority', name: rt.name, state: rt.fsm.state, from: a.from, to: a.to });
          break;
        case 'master-rx-lower-pri':
          if (rt.ahRxSeq !== undefined) {
            // keepalived: the master continues after the lower-priority sender's sequence number
            this.ports.log.info(`(${rt.name}) IPSEC-AH : Syncing seq_num - Increment seq`);
            rt.ahSeq = (rt.ahRxSeq + 1) >>> 0;
          }
          this.ports.notifier.notify({ kind: 'master-rx-lower-pri', name: rt.name, priority: a.priority, src: a.src });
          break;
        case 'log':
          if (rt.deferredStart && a.text.endsWith(' Entering BACKUP STATE (init)')) {
            this.ports.log.info(a.text.slice(0, -' (init)'.length));
            break;
          }
          // "sent 0 priority" is a -D line in 2.2.7 (observed without -D: absent)
          if (a.detail || DETAIL_ONLY.test(a.text)) this.ports.log.detailed(a.text);
          else this.ports.log.info(a.text);
          break;
        case 'stats':
          rt.stats[a.key]++;
          break;
        default: {
          const never: never = a;
          void never;
        }
      }
    }
  }

  // ---- network ----

  /** Send one advert to each destination; IPv4 packets are cached per priority/destination and only the IP id and header checksum are patched (no per-packet allocation). */
  private sendAdvert(rt: InstanceRt, priority: number): void {
    const s = rt.sock;
    if (!s) return;
    // AH: one sequence number per advert, the same for every unicast peer (keepalived's vrrp_update_pkt)
    if (rt.ah) rt.ahSeq = nextAhSeq(rt.ahSeq).seq;
    for (let i = 0; i < rt.dests.length; i++) {
      const dst = rt.dests[i]!;
      const pkt = rt.packet(priority, i);
      if (rt.cfg.family === 4) {
        rt.ipId = (rt.ipId + 1) & 0xffff || 1;
        pkt.writeUInt16BE(rt.ipId, 4);
        pkt.writeUInt16BE(0, 10);
        let sum = 0;
        for (let o = 0; o < 20; o += 2) sum += pkt.readUInt16BE(o);
        while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
        pkt.writeUInt16BE(~sum & 0xffff, 10);
        if (rt.ah) sealAh(pkt, rt.ahSeq, rt.acc.authPass ?? new Uint8Array(8), rt.unicast);
      }
      try {
        (rt.txSock ?? s.sock).send(pkt, dst);
      } catch (e) {
        rt.sendErrors++;
        if (rt.sendErrors <= 5 || rt.sendErrors % 100 === 0)
          this.ports.log.warn(`(${rt.name}) VRRP send error on ${rt.ifname} to ${formatIp(dst)}: ${(e as Error).message}`);
      }
    }
  }

  // ---- no_accept firewall ----

  private firewall: FirewallPort | undefined;
  private firewallTried = false;

  /** keepalived opens its nftables tables when an instance needs them (no_accept, strict). */
  private openFirewall(slice: VrrpSlice): void {
    this.firewallVmacs(slice);
    if (this.firewallTried) return;
    if (!slice.vrrpInstances.some((i) => (!i.accept && i.priority !== 255) || i.useVmac)) return;
    this.firewallTried = true;
    const g = slice.global;
    if (g.nftables === undefined && !g.vrrpIptables) this.ports.log.info('use_vmac or no_accept/strict specified, but no firewall configured - using nftables');
    this.firewall = this.ports.firewall?.({ table: g.nftables || 'keepalived', priority: g.nftablesPriority ?? -1, counters: g.nftablesCounters, ifindex: g.nftablesIfindex });
    if (!this.firewall) this.ports.log.warn('no_accept/use_vmac: nft program not found, no firewall rules');
    this.firewallVmacs(slice);
  }

  /** use_vmac: keepalived's IGMP/MLD map VMAC -> base interface. */
  private firewallVmacs(slice: VrrpSlice): void {
    const pairs = slice.vrrpInstances
      .filter((i) => i.useVmac && this.links.has(VrrpRuntime.vmacName(i)))
      .map((i) => ({ family: i.family, vmac: VrrpRuntime.vmacName(i), base: this.ifaceOf(i) }));
    if (pairs.length) void this.firewall?.setVmacs?.(pairs);
  }

  /** "(VI_1) setting/removing firewall drop rule" (-D), queued with the instance's VIP changes so the block precedes the addresses. */
  private firewallRule(rt: InstanceRt, block: boolean): void {
    if (this.stopped && this.settings.dontReleaseVrrp && !block) return;
    this.ports.log.detailed(`(${rt.name}) ${block ? 'setting' : 'removing'} firewall drop rule`);
    const fw = this.firewall;
    if (!fw) return;
    const addrs: FirewallAddr[] = [];
    for (const v of rt.vips) {
      const a = parseIp(v.address);
      if (!a) continue;
      const t = this.vipTarget(rt, v);
      addrs.push({ family: v.family, address: formatIp(a.bytes), ifname: t.name, ifindex: t.index });
    }
    rt.vipQueue = rt.vipQueue.then(() => (block ? fw.block(addrs) : fw.unblock(addrs)));
  }

  private vipTarget(rt: InstanceRt, v: IpAddressSpec): { index: number; name: string } {
    if (v.dev) return { index: this.links.get(v.dev)?.index ?? 0, name: v.dev };
    return VrrpRuntime.vipHome(rt);
  }

  /**
   * Where VIPs without `dev` go: the VMAC with use_vmac; the base interface otherwise, also with
   * use_ipvlan (observed on 2.2.7: the ipvlan carries only its own address and the adverts).
   */
  private static vipHome(rt: InstanceRt): { index: number; name: string } {
    if (rt.vmac && rt.cfg.useVmac) return { index: rt.vmac.index, name: rt.vmac.name };
    return { index: rt.ifindex, name: rt.ifname };
  }

  private setVips(rt: InstanceRt, add: boolean, vips: IpAddressSpec[]): void {
    const nl = this.ports.netlink;
    const specs = vips.map((v) => {
      const t = this.vipTarget(rt, v);
      const a = parseIp(v.address)!;
      const brd = v.broadcast && v.broadcast !== '+' && v.broadcast !== '-' ? parseIp(v.broadcast)?.bytes : undefined;
      return {
        text: `${v.address}/${v.prefixLen}`,
        spec: {
          index: t.index,
          family: v.family,
          address: a.bytes,
          prefixLen: v.prefixLen,
          ...(brd ? { broadcast: brd } : {}),
          ...(v.label ? { label: v.label } : {}),
          ...(v.scope === 'host' ? { scope: 254 } : v.scope === 'link' ? { scope: 253 } : {}),
          ...(v.family === 6 ? { nodad: true } : {}),
          ...(v.noPrefixRoute ? { noprefixroute: true } : {}),
        },
      };
    });
    rt.vipQueue = rt.vipQueue.then(async () => {
      for (const { text, spec } of specs) {
        if (!spec.index) continue;
        try {
          if (add) await nl.addAddress(spec);
          else await nl.delAddress(spec);
        } catch (e) {
          this.ports.log.error(`(${rt.name}) cannot ${add ? 'add' : 'remove'} ${text}: ${(e as Error).message}`);
        }
      }
    });
  }

  /** virtual_routes / virtual_rules of an instance: added after the VIPs, removed before them. */
  private setRoutes(rt: InstanceRt, add: boolean): void {
    const nl = this.ports.netlink;
    if (!nl.addRoute || !nl.delRoute || !nl.addRule || !nl.delRule) return;
    const ifIndex = (n: string) => this.links.get(n)?.index;
    const routes = rt.cfg.virtualRoutes.map((r) => routeToNl(r, ifIndex));
    const rules = rt.cfg.virtualRules.map((r) => ruleToNl(r));
    if (routes.length === 0 && rules.length === 0) return;
    rt.vipQueue = rt.vipQueue.then(async () => {
      const ops: Array<() => Promise<void>> = [];
      for (const r of routes) {
        if (typeof r === 'string') this.ports.log.warn(`(${rt.name}) virtual route skipped: ${r}`);
        else ops.push(() => (add ? nl.addRoute!(r) : nl.delRoute!(r)));
      }
      for (const r of rules) {
        if (typeof r === 'string') this.ports.log.warn(`(${rt.name}) virtual rule skipped: ${r}`);
        else ops.push(() => (add ? nl.addRule!(r) : nl.delRule!(r)));
      }
      if (!add) ops.reverse();
      for (const op of ops) {
        try {
          await op();
        } catch (e) {
          this.ports.log.error(`(${rt.name}) cannot ${add ? 'add' : 'remove'} a virtual route/rule: ${(e as Error).message}`);
        }
      }
    });
  }

  /** Next free GARP/NA slot per interface (µs) when vrrp_garp_interval / vrrp_gna_interval pace them. */
  private readonly garpSlot = new Map<string, number>();
  private readonly garpTimers = new Set<TimerId>();

  /**
   * A GARP (IPv4) / unsolicited NA (IPv6) burst of `repeat` per VIP. Sent at once unless the
   * global vrrp_garp_interval / vrrp_gna_interval (or the interface's garp_group) space them:
   * then each packet takes the next slot of its interface, as keepalived queues them.
   */
  private sendGarps(rt: InstanceRt, repeat: number): void {
    const g = this.ports.garp;
    const clock = this.ports.clock;
    for (const v of rt.vips) {
      const t = this.vipTarget(rt, v);
      const four = v.family === 4;
      this.ports.log.detailed(`(${rt.name}) Sending/queueing ${four ? 'gratuitous ARPs' : 'Unsolicited Neighbour Adverts'} on ${t.name} for ${v.address}`);
      const link = this.links.get(t.name);
      const target = { ifname: t.name, ifindex: t.index, ...(link?.mac ? { mac: link.mac } : {}) };
      const send = (): boolean => {
        try {
          if (four) g.sendGarp(target, v.address);
          else g.sendUnsolicitedNa(target, v.address);
          this.ports.log.detailed(four ? `Sending gratuitous ARP on ${t.name} for ${v.address}` : `Sending unsolicited Neighbour Advert on ${t.name} for ${v.address}`);
          return true;
        } catch (e) {
          this.ports.log.warn(`(${rt.name}) GARP/NA send error on ${t.name}: ${(e as Error).message}`);
          return false;
        }
      };
      const interval = this.garpInterval(t.name, four);
      if (interval <= 0) {
        for (let i = 0; i < repeat; i++) if (!send()) break;
        continue;
      }
      const key = `${t.name}/${four ? 4 : 6}`;
      for (let i = 0; i < repeat; i++) {
        const at = Math.max(clock.nowUs, this.garpSlot.get(key) ?? 0);
        this.garpSlot.set(key, at + interval);
        const id = clock.at(at, () => {
          this.garpTimers.delete(id);
          if (!this.stopped && rt.fsm.state === 'MASTER') send();
        });
        this.garpTimers.add(id);
      }
    }
  }

  /**
   * garp_extra_if [all] SECS (default: global vrrp_garp_extra_if): while MASTER, every SECS
   * (first SECS after becoming master), one GARP/NA per secondary interface, for the first
   * VIP/eVIP on it. As keepalived's vrrp_send_vmac_update: only VMAC interfaces unless `all`,
   * never the instance's own interface unless vmac_xmit_base. Observed on 2.2.7 (tcpdump): with
   * `garp_extra_if all 2` and two VIPs on eth2, one GARP for the first every 2 s.
   */
  private armExtraIf(rt: InstanceRt): void {
    const x = rt.cfg.garpExtraIf ?? this.slice?.global.vrrpGarpExtraIf;
    if (!x || x.intervalS <= 0) return;
    const clock = this.ports.clock;
    clock.clear(rt.extraIfTimer);
    rt.extraIfTimer = clock.at(clock.nowUs + x.intervalS * 1_000_000, () => {
      rt.extraIfTimer = undefined;
      if (this.stopped || rt.fsm.state !== 'MASTER') return;
      this.sendExtraIfGarps(rt, x.all);
      this.armExtraIf(rt);
    });
  }

  private sendExtraIfGarps(rt: InstanceRt, all: boolean): void {
    const own = rt.vmac?.index ?? rt.ifindex;
    const done = new Set<number>();
    for (const v of rt.vips) {
      const t = this.vipTarget(rt, v);
      if (!t.index || done.has(t.index)) continue;
      if (!all && !this.createdVmacs.has(t.name) && ![...this.instances.values()].some((i) => i.vmac?.name === t.name)) continue;
      if (t.index === own && !rt.cfg.vmacXmitBase) continue;
      done.add(t.index);
      const link = this.links.get(t.name);
      const target = { ifname: t.name, ifindex: t.index, ...(link?.mac ? { mac: link.mac } : {}) };
      this.ports.log.detailed(`(${rt.name}) Sending/queueing ${v.family === 4 ? 'gratuitous ARPs' : 'Unsolicited Neighbour Adverts'} on ${t.name} for ${v.address}`);
      try {
        if (v.family === 4) this.ports.garp.sendGarp(target, v.address);
        else this.ports.garp.sendUnsolicitedNa(target, v.address);
        this.ports.log.detailed(v.family === 4 ? `Sending gratuitous ARP on ${t.name} for ${v.address}` : `Sending unsolicited Neighbour Advert on ${t.name} for ${v.address}`);
      } catch (e) {
        this.ports.log.warn(`(${rt.name}) GARP/NA send error on ${t.name}: ${(e as Error).message}`);
      }
    }
  }

  private garpInterval(ifname: string, four: boolean): number {
    const gl = this.slice?.global;
    const grp = this.slice?.garpGroups.find((x) => x.interfaces.includes(ifname));
    const own = four ? grp?.garpIntervalUs : grp?.gnaIntervalUs;
    if (own !== undefined) return own;
    return (four ? gl?.vrrpGarpIntervalUs : gl?.vrrpGnaIntervalUs) ?? 0;
  }

  /**
   * Reload of an instance whose identity (interface, family, VRID, version, peers, VMAC…) is
   * unchanged: keep its state and timers, take the new settings (priority, interval, preempt,
   * GARP, trackers…), apply VIP/route differences in place. keepalived also keeps the state of
   * instances across a reload.
   */
  private updateInPlace(rt: InstanceRt, next: VrrpInstance, slice: VrrpSlice): void {
    const routesChanged = canon(rt.cfg.virtualRoutes) !== canon(next.virtualRoutes) || canon(rt.cfg.virtualRules) !== canon(next.virtualRules);
    if (routesChanged && rt.fsm.vipsSet) this.setRoutes(rt, false);
    this.applyVipChange(rt, next);
    const acc = acceptConfigFor(next);
    (rt as { acc: AcceptConfig }).acc = acc;
    const cfg = fsmConfigFor(next, slice.global, rt.srcAddr ? new Uint8Array(rt.srcAddr) : undefined);
    const st: FsmState = { ...rt.fsm, cfg, basePriority: cfg.priority };
    if (st.state === 'MASTER') st.masterAdverIntCs = cfg.advertIntervalCs;
    rt.fsm = st;
    rt.clearPacketCache();
    if (routesChanged && rt.fsm.vipsSet) this.setRoutes(rt, true);
    for (const k of [...rt.trackers.keys()]) if (k.startsWith('if:')) rt.trackers.delete(k);
    if (!next.dontTrackPrimary) rt.trackers.set(`if:${rt.ifname}`, { label: `interface ${rt.ifname}`, kind: 'interface', weight: 0, reverse: false, up: this.linkUp(rt.ifname) });
    for (const t of next.trackInterfaces) rt.trackers.set(`if:${t.name}`, { label: `interface ${t.name}`, kind: 'interface', weight: t.weight, reverse: t.reverse, up: this.linkUp(t.name) });
  }

  /** keepalived's vrrp_exist (reload): the same VRRP router, whatever the instance's name or version. */
  private sameRouter(a: VrrpInstance, b: VrrpInstance): boolean {
    if (a.virtualRouterId !== b.virtualRouterId || a.family !== b.family || this.ifaceOf(a) !== this.ifaceOf(b)) return false;
    if ((a.unicastPeers.length > 0) !== (b.unicastPeers.length > 0)) return false;
    if (a.unicastPeers.length > 0) return (a.srcIp ?? '') === (b.srcIp ?? '');
    return !!a.useVmac === !!b.useVmac;
  }

  /** Reload: the VIP lists changed, nothing else. A master adds/removes the difference in place. */
  private applyVipChange(rt: InstanceRt, next: VrrpInstance): void {
    const oldVips = rt.vips;
    const key = (v: IpAddressSpec) => `${v.address}/${v.prefixLen}/${v.dev ?? ''}`;
    const newVips = [...next.virtualIpaddresses, ...next.virtualIpaddressesExcluded];
    const oldKeys = new Set(oldVips.map(key));
    const newKeys = new Set(newVips.map(key));
    const added = newVips.filter((v) => !oldKeys.has(key(v)));
    const removed = oldVips.filter((v) => !newKeys.has(key(v)));
    // the advertised list is part of the accept config and of the packet
    const fresh = acceptConfigFor(next);
    (rt as { acc: AcceptConfig }).acc.vips = fresh.vips;
    (rt as { cfg: VrrpInstance }).cfg = next;
    rt.vips = newVips;
    rt.clearPacketCache();
    if (rt.fsm.vipsSet) {
      if (removed.length) this.setVips(rt, false, removed);
      if (added.length) {
        this.setVips(rt, true, added);
        this.sendGarps(rt, rt.fsm.cfg.garpMasterRepeat);
      }
    }
  }

  private onMessage(s: SockEntry, m: RecvMsg): void {
    if (m.truncated) {
      this.unattributed.inc('too-short');
      return;
    }
    const rx: RxMeta = s.family === 4 ? { family: 4 } : { family: 6, src: m.from, dst: m.to, hopLimit: m.hopLimit };
    const multicast = s.family === 6 ? m.to.length === 16 && m.to[0] === 0xff : undefined;
    let found: InstanceRt | undefined;
    const out = receiveDatagram(m.data, rx, (vrid) => {
      const rt = s.byVrid.get(vrid);
      if (!rt) return undefined;
      found = rt;
      const ctx: AcceptContext = { ...rt.ctx };
      if (rt.fsm.masterSrc) ctx.masterSrc = rt.fsm.masterSrc;
      if (multicast !== undefined) ctx.multicast = multicast;
      const r: InstanceRx = { accept: rt.acc, ctx, ...(rt.ah ? { ahSeq: rt.ahSeq } : {}) };
      return r;
    });
    switch (out.kind) {
      case 'unattributed':
        this.unattributed.inc(out.drop);
        return;
      case 'unknown-vrid':
        this.unknownVrids++;
        if (this.slice?.global.logUnknownVrids)
          this.ports.log.info(`Unknown VRID(${out.vrid}) received on interface(${s.ifname}). ignoring...`);
        return;
      case 'drop': {
        const rt = found!;
        if (out.ahSeq !== undefined) rt.ahSeq = out.ahSeq;
        rt.drops.inc(out.drop);
        for (const k of out.stats) rt.stats[k]++;
        for (const l of out.log) this.ports.log.info(l);
        return;
      }
      case 'accepted': {
        const rt = found!;
        if (out.ahSeq !== undefined) rt.ahSeq = out.ahSeq;
        for (const k of out.stats) rt.stats[k]++;
        for (const l of out.log) this.ports.log.info(l);
        if (out.value.switchToOldChecksum) {
          rt.ctx.oldChecksumActive = true;
          rt.clearPacketCache();
        }
        rt.ahRxSeq = out.ahSeq;
        this.dispatch(rt, { type: 'advert', advert: out.value.advert, srcText: out.value.srcText });
        rt.ahRxSeq = undefined;
        return;
      }
    }
  }

  // ---- links and trackers ----

  private async refreshLinks(): Promise<void> {
    const links = await this.ports.netlink.listLinks();
    this.links = new Map(links.map((l) => [l.name, l]));
  }

  private linkUp(name: string): boolean {
    const l = this.links.get(name);
    return !!l && l.up && l.running;
  }

  private onLink(l: LinkInfo): void {
    if (this.stopped || !l.name) return;
    const prev = this.links.get(l.name);
    if (l.deleted) {
      if (!prev || prev.index !== l.index) return;
      this.links.set(l.name, { ...l, up: false, running: false });
      this.ports.log.info(`Interface ${l.name} deleted`);
      if (prev.up && prev.running) this.linkChanged(l.name, false);
      this.closeSocketsOn(l.name);
      return;
    }
    this.links.set(l.name, l);
    const ownVmac = [...this.instances.values()].some((rt) => (rt.cfg.useVmac || rt.cfg.useIpvlan) && VrrpRuntime.vmacName(rt.cfg) === l.name);
    if (ownVmac) {
      // created by us (vmacsBack): no "added" line, as 2.2.7
    } else if (prev && (prev.deleted || prev.index !== l.index)) {
      this.ports.log.info(`Interface ${l.name} added`);
      this.interfaceBack(l);
    } else if (!prev && [...this.instances.values()].some((rt) => rt.ifname === l.name)) {
      this.ports.log.info(`Interface ${l.name} added`);
      this.interfaceBack(l);
    }
    const wasUp = !!prev && prev.up && prev.running;
    const up = l.up && l.running;
    if (wasUp === up) return;
    this.linkChanged(l.name, up);
  }

  /** The VRRP sockets of a deleted interface are closed; its instances keep their state (FAULT). */
  private closeSocketsOn(ifname: string): void {
    for (const [key, s] of this.sockets) {
      if (s.ifname !== ifname) continue;
      s.sock.close();
      this.sockets.delete(key);
      for (const rt of s.byVrid.values()) if (rt.sock === s) rt.sock = undefined;
    }
  }

  /** An interface created (again): instances on it take its new index and MAC and reopen their sockets. */
  private interfaceBack(l: LinkInfo): void {
    for (const rt of this.instances.values()) {
      if (rt.ifname !== l.name) continue;
      rt.ifindex = l.index;
      if (l.mac) rt.mac = l.mac;
      if (rt.fsm.state === 'STOP' || rt.fsm.state === 'DELETED') continue;
      if (!rt.sock && this.attach(rt) && rt.faultReason?.startsWith('(cannot open socket')) {
        rt.faultReason = undefined;
        this.reevaluateAll(rt);
      }
    }
    if ([...this.instances.values()].some((rt) => rt.ifname === l.name && (rt.cfg.useVmac || rt.cfg.useIpvlan))) {
      this.vmacQueue = this.vmacQueue.then(() => this.vmacsBack(l.name)).catch((e: unknown) => this.ports.log.error(`VMAC re-creation on ${l.name}: ${(e as Error).message}`));
    }
  }

  private vmacQueue: Promise<void> = Promise.resolve();

  /** The base interface of VMACs is back: the VMACs (deleted with it) are created again, as 2.2.7 does (observed). */
  private async vmacsBack(base: string): Promise<void> {
    const slice = this.slice;
    if (!slice || this.stopped) return;
    await this.ensureVmacs(slice);
    const pairs: { family: 4 | 6; vmac: string; base: string }[] = [];
    for (const rt of this.instances.values()) {
      if (rt.ifname !== base || !(rt.cfg.useVmac || rt.cfg.useIpvlan)) continue;
      const vl = this.links.get(VrrpRuntime.vmacName(rt.cfg));
      if (!vl || vl.deleted) continue;
      rt.vmac = { name: vl.name, index: vl.index, mac: vl.mac ?? VrrpRuntime.vmacMac(rt.cfg) };
      if (rt.faultReason === `(interface ${vl.name} down)`) {
        rt.faultReason = undefined;
        this.reevaluateAll(rt);
      }
      rt.txSock?.close();
      rt.txSock = undefined;
      if (rt.sock) this.attach(rt);
    }
    for (const i of slice.vrrpInstances) {
      const vl = i.useVmac ? this.links.get(VrrpRuntime.vmacName(i)) : undefined;
      if (vl && !vl.deleted) pairs.push({ family: i.family, vmac: vl.name, base: this.ifaceOf(i) });
    }
    if (pairs.length) await this.firewall?.refreshVmacs?.(pairs);
  }

  // ---- interface addresses (keepalived_netlink.c's address filter) ----

  /** Per `${ifindex}/${family}`: the address adverts come from (the first one seen) and the others, taken in turn when it goes. IPv6: link-local only. */
  private readonly ifAddrs = new Map<string, { primary: Buffer | undefined; extras: Buffer[] }>();

  private static usable(a: AddrInfo): boolean {
    return a.family === 4 || (a.address[0] === 0xfe && (a.address[1]! & 0xc0) === 0x80);
  }

  private isVip(slice: VrrpSlice, a: AddrInfo): boolean {
    const t = formatIp(a.address);
    return slice.vrrpInstances.some((i) => i.virtualIpaddresses.some((v) => canonIp(v.address) === t) || i.virtualIpaddressesExcluded.some((v) => canonIp(v.address) === t));
  }

  private learnAddresses(slice: VrrpSlice, addrs: AddrInfo[]): void {
    this.ifAddrs.clear();
    for (const a of addrs) {
      if (!VrrpRuntime.usable(a) || this.isVip(slice, a)) continue;
      const key = `${a.index}/${a.family}`;
      const ia = this.ifAddrs.get(key) ?? { primary: undefined, extras: [] };
      this.ifAddrs.set(key, ia);
      if (!ia.primary) ia.primary = a.address;
      else ia.extras.push(a.address);
    }
  }

  /**
   * A master's VIP removed behind our back: "Netlink reflector reports IP X removed from eth0"
   * (-D), then BACKUP with a priority-0 advert and a quick return to MASTER, which adds the
   * VIPs again (keepalived 2.2.7's set_vrrp_backup, observed). Our own removals come after we
   * left MASTER and are ignored. In a sync group every other MASTER member does the same (BACKUP,
   * "sent 0 priority", VIPs removed, skew timer), without a "Syncing instances" line; their
   * timers are armed before the instance's own (set_vrrp_backup arms it last, so 2.2.7 logs the
   * members' "Receive advertisement timeout" first, then the instance takes the group back to
   * MASTER: observed).
   */
  private vipDeleted(e: AddrEvent): void {
    const text = formatIp(e.address);
    for (const rt of this.instances.values()) {
      if (rt.fsm.state !== 'MASTER' || !rt.fsm.vipsSet) continue;
      const v = rt.vips.find((x) => canonIp(x.address) === text && this.vipTarget(rt, x).index === e.index);
      if (!v) continue;
      this.ports.log.detailed(`Netlink reflector reports IP ${text} removed from ${this.vipTarget(rt, v).name}`);
      const members = rt.group?.members.filter((m) => m !== rt && this.instances.get(m.name) === m && m.fsm.state === 'MASTER') ?? [];
      const now = this.ports.clock.nowUs;
      const syncing = this.syncing;
      this.syncing = true;
      try {
        this.dispatch(rt, { type: 'vip-deleted' }, undefined, members.length ? now + 1 : now);
        for (const m of members) this.dispatch(m, { type: 'vip-deleted' }, undefined, now);
      } finally {
        this.syncing = syncing;
      }
      return;
    }
  }

  private setSrc(rt: InstanceRt, addr: Buffer | undefined): void {
    rt.srcAddr = addr;
    const cfg = { ...rt.fsm.cfg };
    if (addr) cfg.localAddr = new Uint8Array(addr);
    else delete cfg.localAddr;
    rt.fsm = { ...rt.fsm, cfg };
    rt.clearPacketCache();
  }

  /**
   * RTM_NEWADDR / RTM_DELADDR. An instance without a configured source address follows its
   * interface's address; when the interface loses its last one the instance goes to FAULT (also
   * one with a configured source and track_src_ip), and comes back when an address (the
   * configured one, if any) appears. "Assigned/Deassigned address" lines as 2.2.7 (-D).
   */
  private onAddress(e: AddrEvent): void {
    const slice = this.slice;
    if (this.stopped || !slice) return;
    if (e.deleted) this.vipDeleted(e);
    if (!VrrpRuntime.usable(e) || this.isVip(slice, e)) return;
    const key = `${e.index}/${e.family}`;
    const ia = this.ifAddrs.get(key) ?? { primary: undefined, extras: [] };
    this.ifAddrs.set(key, ia);
    const users = [...this.instances.values()].filter((rt) => rt.ifindex === e.index && rt.cfg.family === e.family && rt.fsm.state !== 'STOP' && rt.fsm.state !== 'DELETED');
    const ifname = [...this.links.values()].find((l) => l.index === e.index)?.name ?? String(e.index);
    const text = formatIp(e.address);
    if (!e.deleted) {
      if (ia.primary) {
        if (!ia.primary.equals(e.address) && !ia.extras.some((x) => x.equals(e.address))) ia.extras.push(e.address);
        return;
      }
      ia.primary = e.address;
      if (users.length) this.ports.log.detailed(`Assigned address ${text} for interface ${ifname}`);
      for (const rt of users) {
        if (rt.srcAddr) continue;
        if (rt.cfg.srcIp && !parseIp(rt.cfg.srcIp)?.bytes.equals(e.address)) continue;
        this.setSrc(rt, e.address);
        if (rt.faultReason?.startsWith('(no IPv')) rt.faultReason = undefined;
        if (!rt.sock && this.attach(rt) && rt.faultReason?.startsWith('(cannot open socket')) rt.faultReason = undefined;
        this.reevaluateAll(rt);
      }
      return;
    }
    if (!ia.primary?.equals(e.address)) {
      ia.extras = ia.extras.filter((x) => !x.equals(e.address));
      return;
    }
    const next = ia.extras.pop();
    ia.primary = next;
    if (next) {
      for (const rt of users) if (!rt.cfg.srcIp) this.setSrc(rt, next);
      return;
    }
    if (users.length) this.ports.log.detailed(`Deassigned address ${text} from interface ${ifname}`);
    for (const rt of users) {
      if (!rt.srcAddr?.equals(e.address)) continue;
      if (rt.cfg.srcIp && !rt.cfg.trackSrcIp) continue;
      rt.faultReason = `(no IPv${e.family} address for interface ${ifname})`;
      this.reevaluateAll(rt);
      this.setSrc(rt, undefined);
    }
  }

  private linkChanged(name: string, up: boolean): void {
    const l = { name };
    // only interfaces in use are reported (2.2.7 is silent about the others, observed)
    const used = [...this.instances.values()].some((rt) => rt.ifname === name || rt.vmac?.name === name || rt.trackers.has(`if:${name}`) || rt.trackers.has(`gif:${name}`));
    if (used) this.ports.log.info(`Netlink reports ${l.name} ${up ? 'up' : 'down'}`);
    for (const rt of this.instances.values()) {
      const ts = [rt.trackers.get(`if:${l.name}`), rt.trackers.get(`gif:${l.name}`)].filter((x): x is TrackerState => !!x);
      if (!ts.length) continue;
      for (const t of ts) t.up = up;
      this.reevaluateAll(rt);
    }
  }

  private ownFault(rt: InstanceRt): boolean {
    return !!rt.faultReason || !!effectivePriority(rt.fsm.basePriority, rt.trackers.values()).faultBy;
  }

  /** Recompute priority/fault of an instance (and of its sync group) from the trackers. */
  private reevaluateAll(rt: InstanceRt): void {
    if (!rt.group) return this.reevaluate(rt);
    for (const m of rt.group.members) this.reevaluate(m);
  }

  /** Recompute priority/fault of an instance from its trackers. */
  reevaluate(rt: InstanceRt): void {
    if (rt.fsm.state === 'STOP' || rt.fsm.state === 'DELETED') return;
    if (rt.fsm.state === 'INIT') {
      if (rt.deferredStart) this.tryStart(rt);
      return;
    }
    const { priority, faultBy } = effectivePriority(rt.fsm.basePriority, rt.trackers.values());
    // 2.2.7: a track_file fault leaves the effective priority as it was; it is set again when
    // the fault clears ("Setting effective priority to N" while still in FAULT; observed)
    if (priority !== rt.fsm.effectivePriority && faultBy?.kind !== 'file') {
      const setting = rt.fsm.faulted && rt.fileFaulted === true;
      this.dispatch(rt, { type: 'priority', priority, ...(setting ? { setting } : {}) });
    }
    rt.fileFaulted = faultBy?.kind === 'file';
    const fault = this.ownFault(rt) || (rt.group?.members.some((m) => m !== rt && this.ownFault(m)) ?? false);
    if (fault && !rt.fsm.faulted) {
      // keepalived 2.2.7 logs only the state change (observed), the cause is in the dump
      this.ports.log.debug(`(${rt.name}) fault: ${faultBy ? faultBy.label : (rt.faultReason ?? '')}`);
      this.dispatch(rt, { type: 'fault' });
    } else if (!fault && rt.fsm.faulted) {
      this.dispatch(rt, { type: 'fault-cleared' });
    }
  }

  private startTrackers(slice: VrrpSlice): void {
    const scriptsByName = new Map(slice.vrrpScripts.map((s) => [s.name, s]));
    const filesByName = new Map(slice.trackFiles.map((f) => [f.name, f]));
    const usedFiles = new Set<string>();
    for (const rt of this.instances.values()) {
      for (const k of [...rt.trackers.keys()]) if (k.startsWith('script:') || k.startsWith('file:') || k.startsWith('gif:')) rt.trackers.delete(k);
      // a sync group's track_* apply to every member; their weights only with sync_group_tracking_weight
      const grp = slice.syncGroups.find((g) => g.group.some((m) => m.name === rt.name) && g.group.length > 1);
      const gw = <T extends { weight?: number }>(r: T): T => (grp?.syncGroupTrackingWeight ? r : { ...r, weight: 0 });
      for (const t of grp?.trackInterfaces ?? []) {
        if (rt.trackers.has(`if:${t.name}`)) continue;
        rt.trackers.set(`gif:${t.name}`, { label: `interface ${t.name}`, kind: 'interface', weight: gw(t).weight, reverse: t.reverse, up: this.linkUp(t.name) });
      }
      const scriptRefs = [...rt.cfg.trackScripts, ...(grp?.trackScripts ?? []).map(gw)];
      const fileRefs = [...rt.cfg.trackFiles, ...(grp?.trackFiles ?? []).map(gw)];
      for (const ref of scriptRefs) {
        const sc = scriptsByName.get(ref.name);
        if (!sc) continue;
        let st = this.scripts.get(ref.name);
        if (!st) {
          st = { cfg: sc, up: sc.initFail ? false : undefined, count: 0, running: false, timer: undefined, users: new Set() };
          this.scripts.set(ref.name, st);
        } else st.cfg = sc;
        st.users.add(rt.name);
        rt.trackers.set(`script:${ref.name}`, { label: `script ${ref.name}`, kind: 'script', weight: ref.weight ?? sc.weight, reverse: ref.reverse || sc.weightReverse, up: st.up });
      }
      for (const ref of fileRefs) {
        const f = filesByName.get(ref.name);
        if (!f) continue;
        let ft = this.files.get(ref.name);
        if (!ft) {
          ft = { cfg: f, value: 0, timer: undefined };
          this.files.set(ref.name, ft);
          this.initTrackFile(ft);
        } else if (ft.cfg.file !== f.file) {
          ft.cfg = f;
          ft.removed = false;
          this.initTrackFile(ft);
        } else ft.cfg = f;
        usedFiles.add(ref.name);
        if (ft.removed) continue;
        rt.trackers.set(`file:${ref.name}`, { label: `file ${ref.name}`, kind: 'file', weight: ref.weight ?? f.weight, reverse: ref.reverse || f.weightReverse, up: true, value: ft.value });
      }
    }
    const procsByName = new Map(slice.trackProcesses.map((p) => [p.name, p]));
    const procList = this.ports.procs && slice.trackProcesses.length ? this.ports.procs.list() : [];
    for (const rt of this.instances.values()) {
      for (const k of [...rt.trackers.keys()]) if (k.startsWith('proc:')) rt.trackers.delete(k);
      for (const ref of rt.cfg.trackProcesses) {
        const pc = procsByName.get(ref.name);
        if (!pc) continue;
        let pt = this.procs.get(ref.name);
        if (!pt) {
          pt = { cfg: pc, up: false, count: 0 };
          this.countProcesses(pt, procList);
          this.procs.set(ref.name, pt);
        } else pt.cfg = pc;
        rt.trackers.set(`proc:${ref.name}`, { label: `process ${ref.name}`, kind: 'process', weight: ref.weight ?? pc.weight, reverse: ref.reverse || pc.weightReverse, up: pt.up });
      }
    }
    for (const name of [...this.procs.keys()]) if (!procsByName.has(name)) this.procs.delete(name);
    if (this.procs.size && this.procTimer === undefined) this.scheduleProcScan();
    for (const [name, st] of this.scripts) {
      if (st.users.size === 0 || !scriptsByName.has(name)) {
        this.scripts.delete(name);
        continue;
      }
      if (st.timer === undefined) this.scheduleScript(st, 0);
    }
    for (const [name, ft] of this.files) {
      if (!usedFiles.has(name)) {
        this.files.delete(name);
        continue;
      }
      if (!ft.removed) this.watchFile(ft);
    }
  }

  private stopTrackers(): void {
    for (const st of this.scripts.values()) {
      this.ports.clock.clear(st.timer);
      st.timer = undefined;
      st.users.clear();
    }
    for (const ft of this.files.values()) {
      this.ports.clock.clear(ft.timer);
      ft.timer = undefined;
      ft.watch?.close();
      ft.watch = undefined;
    }
    this.ports.clock.clear(this.procTimer);
    this.procTimer = undefined;
  }

  private scheduleScript(st: ScriptTracker, delayUs: number): void {
    const clock = this.ports.clock;
    st.timer = clock.at(clock.nowUs + delayUs, () => {
      st.timer = undefined;
      this.runScript(st);
      if (!this.stopped) this.scheduleScript(st, st.cfg.intervalUs);
    });
  }

  private runScript(st: ScriptTracker): void {
    const runner = this.ports.scripts;
    const argv = st.cfg.script?.argv;
    if (!runner || !argv || argv.length === 0) return;
    if (st.running) {
      this.ports.log.info(`Track script ${st.cfg.name} is ${'running'}, expect idle - skipping run`);
      return;
    }
    st.running = true;
    const user = st.cfg.user ?? st.cfg.script?.user;
    const group = st.cfg.group ?? st.cfg.script?.group;
    const run = runner.run(argv, { timeoutMs: Math.max(1, Math.round(st.cfg.timeoutUs / 1000)), ...(user ? { user } : {}), ...(group ? { group } : {}) });
    st.run = run;
    void run.done.then((r) => {
      st.running = false;
      st.run = undefined;
      if (this.stopped) return;
      const name = st.cfg.name;
      if (r.timedOut) {
        this.ports.log.info(`VRRP_Script(${name}) timed_out`);
      } else if (r.code !== null && st.lastCode !== undefined && r.code !== st.lastCode) {
        this.ports.log.info(`Script \`${name}\` now returning ${r.code}`);
      }
      if (r.code !== null) st.lastCode = r.code;
      const why = r.timedOut ? ' (timed out)' : r.code !== null ? ` (exited with status ${r.code})` : ` (due to signal ${r.signal ?? '?'})`;
      this.scriptResult(st, !r.timedOut && r.code === 0, why);
    });
  }

  /** rise/fall accounting of one script result. */
  scriptResult(st: ScriptTracker, ok: boolean, why = ''): void {
    if (ok === st.up) {
      st.count = 0;
      return;
    }
    if (st.up !== undefined) {
      // rise/fall consecutive results; the first result of a new script decides at once
      st.count++;
      const need = ok ? Math.max(1, st.cfg.rise) : Math.max(1, st.cfg.fall);
      if (st.count < need) return;
    }
    st.count = 0;
    st.up = ok;
    this.ports.log.info(`VRRP_Script(${st.cfg.name}) ${ok ? 'succeeded' : `failed${why}`}`);
    for (const rt of this.instances.values()) {
      const t = rt.trackers.get(`script:${st.cfg.name}`);
      if (!t) continue;
      t.up = ok;
      this.reevaluateAll(rt);
    }
  }

  private countProcesses(pt: ProcessTracker, list: { comm: string; argv: string[] }[]): void {
    let n = 0;
    for (const p of list) if (processMatches(p, pt.cfg)) n++;
    pt.count = n;
    pt.up = n >= Math.max(1, pt.cfg.quorum) && (pt.cfg.quorumMax <= 0 || n <= pt.cfg.quorumMax);
  }

  /**
   * vrrp_track_process by polling /proc once a second (keepalived uses the proc connector,
   * which reacts at once but does not work inside a network namespace: 2.2.7 then logs
   * "Failed to set/clear process event listen" and never updates).
   */
  private scheduleProcScan(): void {
    const clock = this.ports.clock;
    this.procTimer = clock.at(clock.nowUs + 1_000_000, () => {
      this.procTimer = undefined;
      if (this.stopped || !this.ports.procs) return;
      const list = this.ports.procs.list();
      for (const pt of this.procs.values()) {
        const was = pt.up;
        this.countProcesses(pt, list);
        if (pt.up === was) continue;
        this.ports.log.info(`Track process ${pt.cfg.name}: quorum ${pt.up ? 'gained' : 'lost'} (${pt.count} running)`);
        for (const rt of this.instances.values()) {
          const t = rt.trackers.get(`proc:${pt.cfg.name}`);
          if (!t) continue;
          t.up = pt.up;
          this.reevaluateAll(rt);
        }
      }
      this.scheduleProcScan();
    });
  }

  /**
   * A track file's first look (at start, or when its path changes on reload): `init_file`
   * writes the file, then its value is read; a missing directory drops it (keepalived's
   * init_track_files()).
   */
  private initTrackFile(ft: FileTracker): void {
    const f = ft.cfg;
    if (f.file && f.initFile) this.ports.files?.create?.(f.file, `${f.initFile.value}\n`, f.initFile.overwrite);
    ft.value = this.readTrackFile(f) ?? 0;
  }

  /** The file's value: missing or empty = 0; undefined when out of range (logged, ignored). */
  private readTrackFile(f: TrackFile): number | undefined {
    const text = f.file ? this.ports.files?.read(f.file) : undefined;
    if (text === undefined) return 0;
    const v = parseTrackValue(text);
    if (v.ok) return v.value;
    this.ports.log.info(`Invalid number ${v.shown} read from ${f.file ?? ''} - ignoring`);
    return undefined;
  }

  /** Watch the file (FileWatcher port); poll it only when that is impossible. */
  private watchFile(ft: FileTracker): void {
    if (ft.watch || ft.timer !== undefined || !ft.cfg.file) return;
    const w = this.ports.watcher?.watch(ft.cfg.file, () => this.fileChanged(ft));
    if (w && !('error' in w)) {
      ft.watch = w;
      return;
    }
    if (w?.error === 'no-dir') {
      // keepalived 2.2.7 (observed): logged once, the tracker is gone from every instance
      this.ports.log.info(`Track file directory for ${ft.cfg.name} does not exist - removing`);
      ft.removed = true;
      for (const rt of this.instances.values()) if (rt.trackers.delete(`file:${ft.cfg.name}`)) this.reevaluateAll(rt);
      return;
    }
    this.ports.log.warn(`keepalived-ts: cannot watch track file ${ft.cfg.file} (${w ? w.message : 'no file watcher'}) - polling it every ${FILE_POLL_US / 1e6} s`);
    this.scheduleFile(ft);
  }

  private scheduleFile(ft: FileTracker): void {
    const clock = this.ports.clock;
    ft.timer = clock.at(clock.nowUs + FILE_POLL_US, () => {
      ft.timer = undefined;
      if (this.stopped) return;
      this.fileChanged(ft);
      this.scheduleFile(ft);
    });
  }

  /** The file may have changed: read it, update the instances tracking it (keepalived's update_track_file_status()). */
  fileChanged(ft: FileTracker): void {
    if (this.stopped || ft.removed) return;
    const v = this.readTrackFile(ft.cfg);
    if (v === undefined || v === ft.value) return;
    ft.value = v;
    const name = ft.cfg.name;
    for (const rt of this.instances.values()) {
      const t = rt.trackers.get(`file:${name}`);
      if (!t) continue;
      const was = trackerEffect(t).fault;
      t.value = v;
      const now = trackerEffect(t).fault;
      if (now && !was) this.ports.log.info(`(${rt.name}): tracked file ${name} now FAULT state`);
      else if (was && !now) this.ports.log.info(`(${rt.name}): tracked file ${name} leaving FAULT state`);
      this.reevaluateAll(rt);
    }
  }

  // ---- dumps ----

  clearStats(): void {
    for (const rt of this.instances.values()) rt.stats = zeroStats();
  }

  dumpStats(): string {
    const out: string[] = [];
    for (const rt of this.instances.values()) {
      const s = rt.stats;
      out.push(
        `VRRP Instance: ${rt.name}`,
        '  Advertisements:',
        `    Received: ${s.advert_rcvd}`,
        `    Sent: ${s.advert_sent}`,
        `  Became master: ${s.become_master}`,
        `  Released master: ${s.release_master}`,
        '  Packet Errors:',
        `    Length: ${s.packet_len_err}`,
        `    TTL: ${s.ip_ttl_err}`,
        `    Invalid Type: ${s.invalid_type_rcvd}`,
        `    Advertisement Interval: ${s.advert_interval_err}`,
        `    Address List: ${s.addr_list_err}`,
        '  Authentication Errors:',
        `    Invalid Type: ${s.invalid_authtype}`,
        `    Type Mismatch: ${s.authtype_mismatch}`,
        `    Failure: ${s.auth_failure}`,
        '  Priority Zero:',
        `    Received: ${s.pri_zero_rcvd}`,
        `    Sent: ${s.pri_zero_sent}`,
      );
    }
    return out.join('\n') + (out.length ? '\n' : '');
  }

  /** keepalived.data's "VRRP Topology" and "VRRP Sockpool" sections, in keepalived 2.2.7's layout. */
  dumpData(): string {
    const out: string[] = ['------< VRRP Topology >------'];
    const yn = (b: boolean) => (b ? 'true' : 'false');
    for (const rt of this.instances.values()) {
      const f = rt.fsm;
      const c = f.cfg;
      const next = f.timers.advert ?? f.timers['master-down'];
      const s = (us: number) => (us / 1_000_000).toString().replace(/\.0+$/, '');
      out.push(
        ` VRRP Instance = ${rt.name}`,
        `   VRRP Version = ${c.version}`,
        `   State = ${f.state}`,
        '   Flags: none',
        `   Wantstate = ${f.faulted ? 'FAULT' : f.state}`,
        '   Number of config faults = 0',
        `   Number of interface and track script faults = ${[...rt.trackers.values()].filter((t) => t.weight === 0 && (t.kind === 'file' ? (t.value ?? 0) !== 0 : t.up === t.reverse)).length}`,
        `   Number of track scripts init = ${[...rt.trackers.values()].filter((t) => t.kind === 'script' && t.up === undefined).length}`,
        `   Last transition = ${dumpTime(rt.lastTransitionMs)}`,
        ...(next !== undefined ? [`   Read timeout = ${dumpTime(Date.now() + (next - this.ports.clock.nowUs) / 1000)}`] : []),
        `   Master down timer = ${f.msDownTimerUs} usecs`,
        `   Interface = ${rt.ifname}`,
        `   Using src_ip = ${rt.srcAddr ? formatIp(rt.srcAddr) : '(none)'}`,
        ...(rt.unicast ? [] : [`   Multicast address ${rt.dests[0] ? formatIp(rt.dests[0]) : ''}`]),
        `   Gratuitous ARP delay = ${s(c.garpMasterDelayUs)}`,
        `   Gratuitous ARP repeat = ${c.garpMasterRepeat}`,
        `   Gratuitous ARP refresh = ${s(c.garpMasterRefreshUs)}`,
        `   Gratuitous ARP refresh repeat = ${c.garpMasterRefreshRepeat}`,
        `   Gratuitous ARP lower priority delay = ${s(c.garpLowerPrioDelayUs)}`,
        `   Gratuitous ARP lower priority repeat = ${c.garpLowerPrioRepeat}`,
        `   Down timer adverts = ${c.downTimerAdverts}`,
        `   Send advert after receive lower priority advert = ${yn(!c.lowerPrioNoAdvert)}`,
        `   Send advert after receive higher priority advert = ${yn(c.higherPrioSendAdvert)}`,
        `   Virtual Router ID = ${rt.cfg.virtualRouterId}`,
        `   Priority = ${f.basePriority}`,
        `   Effective priority = ${f.effectivePriority}`,
        `   Total priority = ${f.basePriority + [...rt.trackers.values()].reduce((a, t) => a + trackerEffect(t).delta, 0)}`,
        `   Advert interval = ${c.advertIntervalCs * 10} milli-sec`,
        ...(f.masterAdverIntCs !== c.advertIntervalCs ? [`   Master advert interval = ${f.masterAdverIntCs * 10} milli-sec`] : []),
        `   Accept = ${c.accept ? 'enabled' : 'disabled'}`,
        `   Preempt = ${c.nopreempt ? 'disabled' : 'enabled'}`,
        ...(c.preemptDelayUs ? [`   Preempt delay = ${s(c.preemptDelayUs)} secs`] : []),
        `   Promote_secondaries = ${rt.cfg.promoteSecondaries ? 'enabled' : 'disabled'}`,
      );
      if (rt.acc.authType === 1) out.push('   Authentication type = SIMPLE_PASSWORD');
      else if (rt.acc.authType === VRRP_AUTH_AH) out.push('   Authentication type = IPSEC_AH'); // 2.2.7 prints no password for AH
      if (f.masterSrc && f.state !== 'MASTER') out.push(`   Master router = ${formatIp(f.masterSrc)}`, `   Master priority = ${f.masterPriority}`);
      if (rt.unicast) out.push(`   Unicast Peer = ${rt.dests.length}`, ...rt.dests.map((d) => `     ${formatIp(d)}`));
      if (rt.vips.length) {
        out.push(`   Virtual IP (${rt.vips.length}):`);
        for (const v of rt.vips) out.push(`     ${v.address}/${v.prefixLen} dev ${v.dev ?? rt.ifname} scope ${v.scope ?? 'global'}${f.vipsSet ? ' set' : ''}`);
      }
      const ti = [...rt.trackers.values()].filter((t) => t.kind === 'interface');
      if (ti.length) out.push(`   Tracked interfaces = ${ti.length}`, ...ti.map((t) => `     ${t.label.replace(/^interface /, '')} weight ${t.weight}${t.reverse ? ' reverse' : ''}`));
      const ts = [...rt.trackers.values()].filter((t) => t.kind === 'script');
      if (ts.length) out.push(`   Tracked scripts = ${ts.length}`, ...ts.map((t) => `     ${t.label.replace(/^script /, '')} weight ${t.weight}${t.reverse ? ' reverse' : ''}`));
      const tf = [...rt.trackers.values()].filter((t) => t.kind === 'file');
      if (tf.length) out.push(`   Tracked files = ${tf.length}`, ...tf.map((t) => `     ${t.label.replace(/^file /, '')}, weight ${t.weight}`));
      if (rt.group) out.push(`   Sync group = ${rt.group.name}`);
      out.push(
        `   Using smtp notification = ${rt.cfg.smtpAlert ? 'yes' : 'no'}`,
        `   Notify deleted = ${rt.cfg.notifyDeleted ? 'Deleted' : 'Fault'}`,
        `   Notify priority changes = ${yn(rt.cfg.notifyPriorityChanges)}`,
      );
    }
    out.push('------< VRRP Sockpool >------');
    for (const s of this.sockets.values()) {
      const multicast = [...s.byVrid.values()].some((r) => !r.unicast);
      out.push(
        ` Interface = ${s.ifname}`,
        `   Family = IPv${s.family}`,
        '   Protocol = VRRP',
        `   Type = ${multicast ? 'Multicast' : 'Unicast'}`,
        '   VRRP instances',
        ...[...s.byVrid.values()].map((r) => `     ${r.name} vrid ${r.cfg.virtualRouterId}`),
      );
    }
    return out.join('\n') + '\n';
  }

  /** keepalived.json: the same keys, order and value types as keepalived 2.2.7's JSON dump. */
  dumpJson(): unknown {
    const int = (b: boolean) => (b ? 1 : 0);
    return [...this.instances.values()].map((rt) => {
      const f = rt.fsm;
      const c = f.cfg;
      const vipText = (v: IpAddressSpec) => `${v.address}/${v.prefixLen} dev ${v.dev ?? VrrpRuntime.vipHome(rt).name} scope ${v.scope ?? 'global'}${f.vipsSet ? ' set' : ''}`;
      const data: Record<string, unknown> = {
        iname: rt.name,
        dont_track_primary: int(rt.cfg.dontTrackPrimary),
        skip_check_adv_addr: int(rt.cfg.skipCheckAdvAddr),
        strict_mode: int(rt.cfg.strictMode),
        vmac_ifname: rt.vmac?.name ?? '',
        ifp_ifname: rt.ifname,
        master_priority: f.masterPriority,
        last_transition: rt.lastTransitionMs / 1000,
        garp_delay: c.garpMasterDelayUs / 1_000_000,
        garp_refresh: c.garpMasterRefreshUs / 1_000_000,
        garp_rep: c.garpMasterRepeat,
        garp_refresh_rep: c.garpMasterRefreshRepeat,
        garp_lower_prio_delay: c.garpLowerPrioDelayUs / 1_000_000,
        garp_lower_prio_rep: c.garpLowerPrioRepeat,
        lower_prio_no_advert: int(c.lowerPrioNoAdvert),
        higher_prio_send_advert: int(c.higherPrioSendAdvert),
        vrid: rt.cfg.virtualRouterId,
        base_priority: f.basePriority,
        effective_priority: f.effectivePriority,
        vipset: f.vipsSet,
        promote_secondaries: rt.cfg.promoteSecondaries,
        adver_int: c.advertIntervalCs / 100,
        master_adver_int: f.masterAdverIntCs / 100,
        accept: int(c.accept),
        nopreempt: c.nopreempt,
        preempt_delay: c.preemptDelayUs / 1_000_000,
        state: STATE_NUM[f.state],
        wantstate: f.faulted ? STATE_NUM.FAULT : STATE_NUM[f.state],
        version: c.version,
        smtp_alert: rt.cfg.smtpAlert === true,
        notify_deleted: rt.cfg.notifyDeleted !== undefined,
      };
      const ti = [...rt.trackers.values()].filter((t) => t.kind === 'interface' && t.label !== `interface ${rt.ifname}`);
      if (ti.length) data.track_ifp = ti.map((t) => t.label.replace(/^interface /, ''));
      if (rt.cfg.trackScripts.length) data.track_script = rt.cfg.trackScripts.map((t) => t.name);
      const vips = rt.cfg.virtualIpaddresses;
      if (vips.length) data.vips = vips.map(vipText);
      if (rt.cfg.virtualIpaddressesExcluded.length) data.evips = rt.cfg.virtualIpaddressesExcluded.map(vipText);
      data.auth_type = rt.acc.authType;
      // 2.2.7 keeps (and shows) the first 8 characters, for PASS and AH alike (observed: "auth_data":"secret12")
      if (rt.acc.authType === 1 || rt.acc.authType === VRRP_AUTH_AH) data.auth_data = (rt.cfg.authentication?.pass ?? '').slice(0, 8);
      if (rt.unicast) data.unicast_peer = rt.dests.map((d) => formatIp(d));
      return { data, stats: Object.fromEntries(JSON_STATS.map((k) => [k, rt.stats[k]])) };
    });
  }

}

