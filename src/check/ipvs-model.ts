/**
 * The IPVS model of the LVS configuration: what each `virtual_server` means in kernel terms
 * (keepalived's ipvs_set_srule / ipvs_set_drule / ipvs_group_range_cmd, check/ipvswrapper.c).
 *
 *  - an address VS is one service (protocol, addr, port); a `fwmark` VS one fwmark service;
 *    a `group` VS one service per address of each range entry (same port, the VS's protocol)
 *    and one per fwmark entry;
 *  - scheduler, flags (`ops`, `hashed`, `flag-1..3`, `sh-*`, `mh-*`), persistence timeout,
 *    granularity (netmask) and engine on every service of the VS;
 *  - every real server a destination (forwarding method, tunnel options, thresholds) with its
 *    configured weight; the sorry server likewise with its own weight (1).
 *
 * Pure: no I/O. Bad entries (an unparsable address) are skipped with a reason, never thrown.
 */
import type { LvsConfig, RealServer, VirtualServer, VirtualServerGroup, Forwarding, Family, LvsScriptSpec } from '../config/ast-lvs';
import { formatRs, formatVs } from '../config/ast-lvs';
import { parseIp } from '../lib/ip';
import type { IpvsDest, IpvsService } from '../sys/ipvs-codec';

// Kernel constants (include/uapi/linux/ip_vs.h), kept here so this module stays free of sys/ code.
export const AF_INET = 2;
export const AF_INET6 = 10;
export const PROTO = { TCP: 6, UDP: 17, SCTP: 132 } as const;
export const FWD = { NAT: 0, TUN: 2, DR: 3 } as const;
export const SVC_F = { PERSISTENT: 0x1, HASHED: 0x2, ONEPACKET: 0x4, SCHED1: 0x8, SCHED2: 0x10, SCHED3: 0x20 } as const;
export const TUN_TYPE = { ipip: 0, gue: 1, gre: 2 } as const;
export const TUN_FLAGS = { nocsum: 0, csum: 1, remcsum: 2 } as const;
/** IPVS_WEIGHT_MAX in keepalived. */
export const IPVS_WEIGHT_MAX = 65535;

export interface RsModel {
  /** FMT_RS, e.g. "[10.0.0.2]:tcp:80": the scheduler's `rs` key. */
  text: string;
  /** Destination without weight. */
  dest: IpvsDest;
  weight: number;
  inhibit: boolean;
  /** True when the real server has no checker: it is alive from the start and forever. */
  noCheckers: boolean;
  notifyUp?: LvsScriptSpec;
  notifyDown?: LvsScriptSpec;
}

export interface VsModel {
  /** FMT_VS: the scheduler's `vs` key and the log text. */
  text: string;
  /** Identity across reloads (keepalived's vs_iseq). */
  id: string;
  services: IpvsService[];
  rs: RsModel[];
  sorry?: RsModel;
  quorum: number;
  hysteresis: number;
  omega: boolean;
  quorumUp?: LvsScriptSpec;
  quorumDown?: LvsScriptSpec;
}

export interface LvsModel {
  vs: VsModel[];
  /** Entries that could not be modelled (and are left out). */
  skipped: string[];
}

export function afOf(f: Family): number {
  return f === 6 ? AF_INET6 : AF_INET;
}

/** keepalived's real_weight(): clamp to 0..IPVS_WEIGHT_MAX. */
export function realWeight(w: number): number {
  if (!Number.isFinite(w) || w <= 0) return 0;
  return Math.min(Math.trunc(w), IPVS_WEIGHT_MAX);
}

function fwdDest(f: Forwarding): Pick<IpvsDest, 'fwdMethod' | 'tunType' | 'tunPort' | 'tunFlags'> {
  const d: Pick<IpvsDest, 'fwdMethod' | 'tunType' | 'tunPort' | 'tunFlags'> = { fwdMethod: FWD[f.method] };
  if (f.method === 'TUN') {
    d.tunType = TUN_TYPE[f.tunType ?? 'ipip'];
    if (f.tunType === 'gue') d.tunPort = f.tunPort ?? 0;
    if (f.tunCsum !== undefined) d.tunFlags = TUN_FLAGS[f.tunCsum];
  }
  return d;
}

function svcFlags(vs: VirtualServer): number {
  let fl = 0;
  for (const f of vs.flags) {
    switch (f) {
      case 'ops':
        fl |= SVC_F.ONEPACKET;
        break;
      case 'hashed':
        fl |= SVC_F.HASHED;
        break;
      case 'flag-1':
      case 'sh-fallback':
      case 'mh-fallback':
        fl |= SVC_F.SCHED1;
        break;
      case 'flag-2':
      case 'sh-port':
      case 'mh-port':
        fl |= SVC_F.SCHED2;
        break;
      case 'flag-3':
        fl |= SVC_F.SCHED3;
        break;
    }
  }
  if (vs.persistenceTimeoutS > 0 || vs.persistenceGranularity !== undefined) fl |= SVC_F.PERSISTENT;
  return fl;
}

/** Persistence granularity as the kernel wants it: an IPv4 mask as a number, an IPv6 prefix length. */
function granularity(text: string | undefined, af: number): number | undefined {
  if (text === undefined) return undefined;
  if (af === AF_INET6) {
    const n = Number(text);
    return Number.isInteger(n) && n >= 1 && n <= 128 ? n : undefined;
  }
  const ip = parseIp(text);
  if (!ip || ip.family !== 4) return undefined;
  return ip.bytes.readUInt32BE(0);
}

/** Service attributes shared by every service of one VS. */
function svcAttrs(vs: VirtualServer, af: number): Omit<IpvsService, 'af' | 'protocol' | 'addr' | 'port' | 'fwmark'> {
  const s: Omit<IpvsService, 'af' | 'protocol' | 'addr' | 'port' | 'fwmark'> = {
    schedName: vs.scheduler,
    flags: { flags: svcFlags(vs), mask: 0xffffffff },
    timeout: vs.persistenceTimeoutS,
  };
  const g = granularity(vs.persistenceGranularity, af);
  if (g !== undefined) s.netmask = g;
  if (vs.persistenceEngine) s.peName = vs.persistenceEngine;
  return s;
}

/** Every address from `start` to `end` inclusive (same family); capped to keep a typo from exploding. */
export function expandRange(start: Buffer, end: Buffer, cap = 65536): Buffer[] {
  const out: Buffer[] = [];
  if (start.length !== end.length) return out;
  const cur = Buffer.from(start);
  while (Buffer.compare(cur, end) <= 0 && out.length < cap) {
    out.push(Buffer.from(cur));
    let i = cur.length - 1;
    while (i >= 0) {
      cur[i] = (cur[i]! + 1) & 0xff;
      if (cur[i] !== 0) break;
      i--;
    }
    if (i < 0) break;
  }
  return out;
}

function protoOf(vs: VirtualServer): number {
  return PROTO[vs.protocol ?? 'TCP'];
}

function vsFamily(vs: VirtualServer): Family {
  if (vs.family) return vs.family;
  if (vs.key.kind === 'ip') return vs.key.family;
  return vs.realServers[0]?.family ?? vs.sorryServer?.family ?? 4;
}

function groupServices(vs: VirtualServer, g: VirtualServerGroup, skipped: string[]): IpvsService[] {
  const out: IpvsService[] = [];
  const proto = protoOf(vs);
  const fam = vsFamily(vs);
  for (const e of g.entries) {
    if (e.kind === 'fwmark') {
      const af = afOf(e.family ?? fam);
      out.push({ af, fwmark: e.fwmark, ...svcAttrs(vs, af) });
      continue;
    }
    const a = parseIp(e.start);
    const b = parseIp(e.end);
    if (!a || !b || a.family !== b.family) {
      skipped.push(`virtual_server_group ${g.name}: bad range ${e.start}-${e.end}`);
      continue;
    }
    const af = afOf(a.family);
    for (const addr of expandRange(a.bytes, b.bytes)) out.push({ af, protocol: proto, addr, port: e.port, ...svcAttrs(vs, af) });
  }
  return out;
}

function vsServices(vs: VirtualServer, groups: Map<string, VirtualServerGroup>, skipped: string[]): IpvsService[] {
  const fam = vsFamily(vs);
  const af = afOf(fam);
  switch (vs.key.kind) {
    case 'ip': {
      const ip = parseIp(vs.key.ip);
      if (!ip) {
        skipped.push(`virtual_server ${vs.key.ip}: bad address`);
        return [];
      }
      return [{ af: afOf(ip.family), protocol: protoOf(vs), addr: ip.bytes, port: vs.key.port, ...svcAttrs(vs, afOf(ip.family)) }];
    }
    case 'fwmark':
      return [{ af, fwmark: vs.key.fwmark, ...svcAttrs(vs, af) }];
    case 'group': {
      const g = groups.get(vs.key.name);
      if (!g) {
        skipped.push(`virtual_server group ${vs.key.name}: no such virtual_server_group`);
        return [];
      }
      return groupServices(vs, g, skipped);
    }
  }
}

function vsId(vs: VirtualServer): string {
  switch (vs.key.kind) {
    case 'group':
      return `group ${vs.key.name}`;
    case 'fwmark':
      return `fwmark ${vs.key.fwmark} ${vsFamily(vs)}`;
    case 'ip':
      return `ip ${vs.key.ip} ${vs.protocol ?? 'TCP'} ${vs.key.port}`;
  }
}

function rsModel(rs: Pick<RealServer, 'ip' | 'port' | 'weight' | 'forwarding' | 'upperThreshold' | 'lowerThreshold'> & Partial<RealServer>, vs: VirtualServer, inhibit: boolean, noCheckers: boolean): RsModel | undefined {
  const ip = parseIp(rs.ip);
  if (!ip) return undefined;
  const dest: IpvsDest = {
    addr: ip.bytes,
    port: rs.port,
    addrFamily: afOf(ip.family),
    ...fwdDest(rs.forwarding),
    uThreshold: rs.upperThreshold,
    lThreshold: rs.lowerThreshold,
  };
  const m: RsModel = { text: formatRs(rs, vs), dest, weight: rs.weight, inhibit, noCheckers };
  if (rs.notifyUp) m.notifyUp = rs.notifyUp;
  if (rs.notifyDown) m.notifyDown = rs.notifyDown;
  return m;
}

/** The model of the whole LVS configuration. */
export function buildModel(lvs: LvsConfig): LvsModel {
  const skipped: string[] = [];
  const groups = new Map(lvs.virtualServerGroups.map((g) => [g.name, g]));
  const out: VsModel[] = [];
  for (const vs of lvs.virtualServers) {
    const services = vsServices(vs, groups, skipped);
    const rs: RsModel[] = [];
    for (const r of vs.realServers) {
      const m = rsModel(r, vs, r.inhibitOnFailure, r.checkers.length === 0);
      if (m) rs.push(m);
      else skipped.push(`real_server ${r.ip}: bad address`);
    }
    const m: VsModel = {
      text: formatVs(vs),
      id: vsId(vs),
      services,
      rs,
      quorum: vs.quorum,
      hysteresis: vs.hysteresis,
      omega: vs.omega,
    };
    if (vs.quorumUp) m.quorumUp = vs.quorumUp;
    if (vs.quorumDown) m.quorumDown = vs.quorumDown;
    const ss = vs.sorryServer;
    if (ss) {
      // No port: the VS's port (an address VS); 0 otherwise (fwmark, group).
      const port = ss.port || (vs.key.kind === 'ip' ? vs.key.port : 0);
      const s = rsModel({ ip: ss.ip, port, weight: 1, forwarding: ss.forwarding, upperThreshold: 0, lowerThreshold: 0 }, vs, ss.inhibit, true);
      if (s) m.sorry = s;
    }
    out.push(m);
  }
  return { vs: out, skipped };
}
