/**
 * IPVS over generic netlink: pure encode/decode, no sockets (see ./ipvs.ts for the port).
 * Constants from include/uapi/linux/ip_vs.h, genetlink.h, netlink.h. Netlink headers and
 * attributes are in host byte order (little-endian on every platform we run on); ports and
 * netmasks are big-endian as the kernel stores them.
 *
 *   nlmsghdr   | len u32 | type u16 | flags u16 | seq u32 | pid u32 |
 *   genlmsghdr | cmd u8 | version u8 | reserved u16 |
 *   nlattr     | len u16 | type u16 (NLA_F_NESTED 0x8000) | payload, padded to 4 |
 *
 * Attribute parsing is table-driven: each table lists {type: [name, kind]} and one generic
 * parser checks every size and rejects remnants; unknown attribute types are skipped (newer
 * kernels). Decoders never throw: they return {ok: false, error}. Encoders throw TypeError
 * only on caller bugs (a value out of range).
 */

// ---- netlink / genetlink ----
export const NETLINK_GENERIC = 16;
export const NLM_F_REQUEST = 0x1;
export const NLM_F_MULTI = 0x2;
export const NLM_F_ACK = 0x4;
export const NLM_F_DUMP = 0x300;
export const NLM_F_CAPPED = 0x100;
export const NLM_F_ACK_TLVS = 0x200;
export const NLMSG_NOOP = 1;
export const NLMSG_ERROR = 2;
export const NLMSG_DONE = 3;
export const NLMSG_OVERRUN = 4;
export const NLMSGERR_ATTR_MSG = 1;
export const SOL_NETLINK = 270;
export const NETLINK_CAP_ACK = 10;
export const NETLINK_EXT_ACK = 11;
export const NLA_F_NESTED = 0x8000;
const NLA_TYPE_MASK = 0x3fff;

export const GENL_ID_CTRL = 0x10;
export const CTRL_CMD_GETFAMILY = 3;
export const CTRL_ATTR_FAMILY_ID = 1;
export const CTRL_ATTR_FAMILY_NAME = 2;

// ---- IPVS ----
export const IPVS_GENL_NAME = 'IPVS';
export const IPVS_GENL_VERSION = 1;

export const IpvsCmd = {
  NEW_SERVICE: 1, SET_SERVICE: 2, DEL_SERVICE: 3, GET_SERVICE: 4,
  NEW_DEST: 5, SET_DEST: 6, DEL_DEST: 7, GET_DEST: 8,
  NEW_DAEMON: 9, DEL_DAEMON: 10, GET_DAEMON: 11,
  SET_CONFIG: 12, GET_CONFIG: 13, SET_INFO: 14, GET_INFO: 15, ZERO: 16, FLUSH: 17,
} as const;
export type IpvsCmdName = keyof typeof IpvsCmd;

export const IPVS_CMD_ATTR_SERVICE = 1;
export const IPVS_CMD_ATTR_DEST = 2;
export const IPVS_CMD_ATTR_DAEMON = 3;
export const IPVS_CMD_ATTR_TIMEOUT_TCP = 4;
export const IPVS_CMD_ATTR_TIMEOUT_TCP_FIN = 5;
export const IPVS_CMD_ATTR_TIMEOUT_UDP = 6;

/** Forwarding methods (IP_VS_CONN_F_*), the low 3 bits of fwdMethod. */
export const IpvsFwd = { MASQ: 0, LOCALNODE: 1, TUNNEL: 2, DROUTE: 3, BYPASS: 4 } as const;
export const IP_VS_CONN_F_FWD_MASK = 7;
/** Service flags (IP_VS_SVC_F_*). */
export const IpvsSvcFlag = { PERSISTENT: 0x1, HASHED: 0x2, ONEPACKET: 0x4, SCHED1: 0x8, SCHED2: 0x10, SCHED3: 0x20 } as const;
/** Sync daemon state. */
export const IpvsDaemonState = { MASTER: 1, BACKUP: 2 } as const;
/** Tunnel types (IP_VS_CONN_F_TUNNEL_TYPE_*). */
export const IpvsTunType = { IPIP: 0, GUE: 1, GRE: 2 } as const;

export const AF_INET = 2;
export const AF_INET6 = 10;

// ---- attribute tables ----
type Kind = 'u8' | 'u16' | 'u32' | 'u32n' | 'u64' | 'be16' | 'be32' | 'in4' | 'addr' | 'string' | 'flags' | 'nested';
interface Field {
  name: string;
  kind: Kind;
  /** Table of a nested attribute. */
  table?: Table;
  /** Max string length including NUL. */
  max?: number;
}
/** Attribute type -> field; `order` is the encoding order (as ipvsadm/keepalived emit it). */
interface Table {
  name: string;
  fields: Record<number, Field>;
  order: number[];
}

const STATS_NAMES = ['conns', 'inpkts', 'outpkts', 'inbytes', 'outbytes', 'cps', 'inpps', 'outpps', 'inbps', 'outbps'] as const;
export type IpvsStats = Record<(typeof STATS_NAMES)[number], bigint>;

function statsTable(name: string, wide: boolean): Table {
  const fields: Record<number, Field> = {};
  STATS_NAMES.forEach((n, i) => {
    fields[i + 1] = { name: n, kind: wide || n === 'inbytes' || n === 'outbytes' ? 'u64' : 'u32n' };
  });
  return { name, fields, order: [] };
}
const STATS = statsTable('stats', false);
const STATS64 = statsTable('stats64', true);

const SVC: Table = {
  name: 'service',
  fields: {
    1: { name: 'af', kind: 'u16' },
    2: { name: 'protocol', kind: 'u16' },
    3: { name: 'addr', kind: 'addr' },
    4: { name: 'port', kind: 'be16' },
    5: { name: 'fwmark', kind: 'u32' },
    6: { name: 'schedName', kind: 'string', max: 16 },
    7: { name: 'flags', kind: 'flags' },
    8: { name: 'timeout', kind: 'u32' },
    9: { name: 'netmask', kind: 'u32' }, // raw: see netmaskToWire
    10: { name: 'stats', kind: 'nested', table: STATS },
    11: { name: 'peName', kind: 'string', max: 16 },
    12: { name: 'stats64', kind: 'nested', table: STATS64 },
  },
  order: [1, 5, 2, 3, 4, 6, 11, 7, 8, 9],
};

const DEST: Table = {
  name: 'dest',
  fields: {
    1: { name: 'addr', kind: 'addr' },
    2: { name: 'port', kind: 'be16' },
    3: { name: 'fwdMethod', kind: 'u32' },
    4: { name: 'weight', kind: 'u32' },
    5: { name: 'uThreshold', kind: 'u32' },
    6: { name: 'lThreshold', kind: 'u32' },
    7: { name: 'activeConns', kind: 'u32' },
    8: { name: 'inactConns', kind: 'u32' },
    9: { name: 'persistConns', kind: 'u32' },
    10: { name: 'stats', kind: 'nested', table: STATS },
    11: { name: 'addrFamily', kind: 'u16' },
    12: { name: 'stats64', kind: 'nested', table: STATS64 },
    13: { name: 'tunType', kind: 'u8' },
    14: { name: 'tunPort', kind: 'be16' },
    15: { name: 'tunFlags', kind: 'u16' },
  },
  order: [11, 1, 2, 3, 4, 13, 14, 15, 5, 6],
};

const DAEMON: Table = {
  name: 'daemon',
  fields: {
    1: { name: 'state', kind: 'u32' },
    2: { name: 'mcastIfn', kind: 'string', max: 16 },
    3: { name: 'syncId', kind: 'u32' },
    4: { name: 'syncMaxlen', kind: 'u16' },
    5: { name: 'mcastGroup', kind: 'in4' },
    6: { name: 'mcastGroup6', kind: 'addr' },
    7: { name: 'mcastPort', kind: 'u16' },
    8: { name: 'mcastTtl', kind: 'u8' },
  },
  order: [1, 2, 3, 4, 5, 6, 7, 8],
};

const INFO: Table = {
  name: 'info',
  fields: { 1: { name: 'version', kind: 'u32' }, 2: { name: 'connTabSize', kind: 'u32' } },
  order: [1, 2],
};

const CMD: Table = {
  name: 'cmd',
  fields: {
    1: { name: 'service', kind: 'nested', table: SVC },
    2: { name: 'dest', kind: 'nested', table: DEST },
    3: { name: 'daemon', kind: 'nested', table: DAEMON },
    4: { name: 'timeoutTcp', kind: 'u32' },
    5: { name: 'timeoutTcpFin', kind: 'u32' },
    6: { name: 'timeoutUdp', kind: 'u32' },
  },
  order: [1, 2, 3, 4, 5, 6],
};

const CTRL: Table = {
  name: 'ctrl',
  fields: { 1: { name: 'familyId', kind: 'u16' }, 2: { name: 'familyName', kind: 'string', max: 16 } },
  order: [1, 2],
};

// ---- typed shapes ----
/** A virtual service. Either fwmark, or protocol+addr+port identifies it. Addresses: 4 or 16 bytes. */
export interface IpvsService {
  af: number;
  protocol?: number;
  addr?: Buffer;
  port?: number;
  fwmark?: number;
  schedName?: string;
  peName?: string;
  flags?: { flags: number; mask: number };
  /** Persistence timeout in seconds. */
  timeout?: number;
  /** Persistence netmask (IPv4: 0xffffffff style; IPv6: prefix length). */
  netmask?: number;
  stats?: IpvsStats;
  stats64?: IpvsStats;
}

export interface IpvsDest {
  addr: Buffer;
  port: number;
  /** IP_VS_CONN_F_* (only the low 3 bits are the forwarding method). */
  fwdMethod?: number;
  weight?: number;
  uThreshold?: number;
  lThreshold?: number;
  activeConns?: number;
  inactConns?: number;
  persistConns?: number;
  /** Address family of the destination (may differ from the service's since Linux 4.3). */
  addrFamily?: number;
  tunType?: number;
  tunPort?: number;
  tunFlags?: number;
  stats?: IpvsStats;
  stats64?: IpvsStats;
}

export interface IpvsDaemon {
  state: number;
  mcastIfn?: string;
  syncId?: number;
  syncMaxlen?: number;
  mcastGroup?: Buffer;
  mcastGroup6?: Buffer;
  mcastPort?: number;
  mcastTtl?: number;
}

export interface IpvsTimeouts {
  tcp?: number;
  tcpFin?: number;
  udp?: number;
}

export interface IpvsInfo {
  version: number;
  connTabSize: number;
}

/** Kernel IPVS version number as `ipvsadm` prints it (x.y.z). */
export function formatIpvsVersion(v: number): string {
  return `${(v >> 16) & 0xff}.${(v >> 8) & 0xff}.${v & 0xff}`;
}

export type Result<T> = { ok: true; value: T } | { ok: false; error: string };
const ok = <T>(value: T): Result<T> => ({ ok: true, value });
const fail = <T>(error: string): Result<T> => ({ ok: false, error });

// ---- attribute encode ----
function attr(type: number, payload: Buffer): Buffer {
  const len = 4 + payload.length;
  const b = Buffer.alloc((len + 3) & ~3);
  b.writeUInt16LE(len, 0);
  b.writeUInt16LE(type, 2);
  payload.copy(b, 4);
  return b;
}

function uint(n: unknown, bits: number, what: string): number {
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 0 || n >= 2 ** bits) throw new TypeError(`${what}: not a u${bits}: ${String(n)}`);
  return n;
}

function encodeValue(f: Field, v: unknown, where: string): Buffer {
  const what = `${where}.${f.name}`;
  switch (f.kind) {
    case 'u8':
      return Buffer.from([uint(v, 8, what)]);
    case 'u16': {
      const b = Buffer.alloc(2);
      b.writeUInt16LE(uint(v, 16, what));
      return b;
    }
    case 'u32': {
      const b = Buffer.alloc(4);
      b.writeUInt32LE(uint(v, 32, what));
      return b;
    }
    case 'u32n': {
      const b = Buffer.alloc(4);
      b.writeUInt32LE(Number(v));
      return b;
    }
    case 'u64': {
      const b = Buffer.alloc(8);
      b.writeBigUInt64LE(BigInt(v as number | bigint));
      return b;
    }
    case 'be16': {
      const b = Buffer.alloc(2);
      b.writeUInt16BE(uint(v, 16, what));
      return b;
    }
    case 'be32': {
      const b = Buffer.alloc(4);
      b.writeUInt32BE(uint(v, 32, what));
      return b;
    }
    case 'in4':
      if (!Buffer.isBuffer(v) || v.length !== 4) throw new TypeError(`${what}: must be a 4-byte Buffer`);
      return Buffer.from(v);
    case 'addr': {
      // union nf_inet_addr: always 16 bytes, IPv4 in the first 4
      if (!Buffer.isBuffer(v) || (v.length !== 4 && v.length !== 16)) throw new TypeError(`${what}: address must be a 4- or 16-byte Buffer`);
      const b = Buffer.alloc(16);
      v.copy(b);
      return b;
    }
    case 'string': {
      if (typeof v !== 'string') throw new TypeError(`${what}: not a string`);
      const b = Buffer.from(v + '\0');
      if (f.max !== undefined && b.length > f.max) throw new TypeError(`${what}: longer than ${f.max - 1} bytes`);
      return b;
    }
    case 'flags': {
      const o = v as { flags: number; mask: number };
      const b = Buffer.alloc(8);
      b.writeUInt32LE(uint(o?.flags, 32, what));
      b.writeUInt32LE(uint(o?.mask, 32, what), 4);
      return b;
    }
    case 'nested':
      return encodeTable(f.table!, v as Record<string, unknown>);
  }
}

function encodeTable(t: Table, obj: Record<string, unknown>): Buffer {
  const parts: Buffer[] = [];
  for (const type of t.order) {
    const f = t.fields[type]!;
    const v = obj[f.name];
    if (v === undefined) continue;
    parts.push(attr(f.kind === 'nested' ? type | NLA_F_NESTED : type, encodeValue(f, v, t.name)));
  }
  return Buffer.concat(parts);
}

// ---- attribute decode ----
const SIZE: Partial<Record<Kind, number>> = { u8: 1, u16: 2, u32: 4, u32n: 4, u64: 8, be16: 2, be32: 4, in4: 4, flags: 8 };

function decodeValue(f: Field, p: Buffer, where: string): Result<unknown> {
  const want = SIZE[f.kind];
  if (want !== undefined && p.length < want) return fail(`${where}.${f.name}: ${p.length} bytes, want ${want}`);
  switch (f.kind) {
    case 'u8':
      return ok(p[0]!);
    case 'u16':
      return ok(p.readUInt16LE(0));
    case 'u32':
      return ok(p.readUInt32LE(0));
    case 'u32n':
      return ok(BigInt(p.readUInt32LE(0)));
    case 'u64':
      return ok(p.readBigUInt64LE(0));
    case 'be16':
      return ok(p.readUInt16BE(0));
    case 'be32':
      return ok(p.readUInt32BE(0));
    case 'flags':
      return ok({ flags: p.readUInt32LE(0), mask: p.readUInt32LE(4) });
    case 'in4':
      return ok(Buffer.from(p.subarray(0, 4)));
    case 'addr':
      if (p.length !== 4 && p.length !== 16) return fail(`${where}.${f.name}: address of ${p.length} bytes`);
      return ok(Buffer.from(p));
    case 'string': {
      const nul = p.indexOf(0);
      if (nul < 0) return fail(`${where}.${f.name}: string not NUL-terminated`);
      return ok(p.subarray(0, nul).toString('latin1'));
    }
    case 'nested':
      return decodeTable(f.table!, p);
  }
}

/** Generic attribute-stream parser for `t`; unknown types are skipped, remnants rejected. */
function decodeTable(t: Table, buf: Buffer): Result<Record<string, unknown>> {
  const out: Record<string, unknown> = {};
  let off = 0;
  while (off < buf.length) {
    if (buf.length - off < 4) return fail(`${t.name}: ${buf.length - off} trailing bytes`);
    const len = buf.readUInt16LE(off);
    const type = buf.readUInt16LE(off + 2) & NLA_TYPE_MASK;
    if (len < 4 || off + len > buf.length) return fail(`${t.name}: attribute ${type} length ${len} overruns ${buf.length - off} bytes`);
    const f = t.fields[type];
    if (f) {
      const r = decodeValue(f, buf.subarray(off + 4, off + len), t.name);
      if (!r.ok) return r;
      out[f.name] = r.value;
    }
    off += (len + 3) & ~3;
  }
  return ok(out);
}

/** Addresses come back as 16 bytes; trim IPv4 ones to 4 given the family. */
function trimAddr(a: unknown, af: number | undefined): Buffer | undefined {
  if (!Buffer.isBuffer(a)) return undefined;
  return af === AF_INET && a.length === 16 ? a.subarray(0, 4) : a;
}

// ---- netlink messages ----
export interface NlMessage {
  type: number;
  flags: number;
  seq: number;
  pid: number;
  payload: Buffer;
}

/** Build one netlink message. */
export function encodeNlmsg(type: number, flags: number, seq: number, pid: number, payload: Buffer): Buffer {
  const h = Buffer.alloc(16);
  h.writeUInt32LE(16 + payload.length, 0);
  h.writeUInt16LE(type, 4);
  h.writeUInt16LE(flags, 6);
  h.writeUInt32LE(seq >>> 0, 8);
  h.writeUInt32LE(pid >>> 0, 12);
  return Buffer.concat([h, payload]);
}

/** Split a datagram into netlink messages. */
export function decodeNlmsgs(buf: Buffer): Result<NlMessage[]> {
  const out: NlMessage[] = [];
  let off = 0;
  while (off < buf.length) {
    if (buf.length - off < 16) return fail(`netlink: ${buf.length - off} trailing bytes`);
    const len = buf.readUInt32LE(off);
    if (len < 16 || off + len > buf.length) return fail(`netlink: message length ${len} at ${off} overruns ${buf.length} bytes`);
    out.push({
      type: buf.readUInt16LE(off + 4),
      flags: buf.readUInt16LE(off + 6),
      seq: buf.readUInt32LE(off + 8),
      pid: buf.readUInt32LE(off + 12),
      payload: buf.subarray(off + 16, off + len),
    });
    off += (len + 3) & ~3;
  }
  return ok(out);
}

export interface NlError {
  /** Positive errno; 0 is an ACK. */
  errno: number;
  /** Sequence number of the request it answers. */
  seq: number;
  /** Extended ACK message (NETLINK_EXT_ACK), if any. */
  message?: string;
}

/** Decode an NLMSG_ERROR payload (struct nlmsgerr, optionally followed by ext-ack TLVs). */
export function decodeNlError(m: NlMessage): Result<NlError> {
  const p = m.payload;
  if (p.length < 20) return fail(`nlmsgerr: ${p.length} bytes`);
  const errno = -p.readInt32LE(0);
  const seq = p.readUInt32LE(12);
  const r: NlError = { errno, seq };
  if (m.flags & NLM_F_ACK_TLVS) {
    const origLen = p.readUInt32LE(4);
    const skip = 4 + (m.flags & NLM_F_CAPPED ? 16 : (origLen + 3) & ~3);
    let off = skip;
    while (off + 4 <= p.length) {
      const len = p.readUInt16LE(off);
      const type = p.readUInt16LE(off + 2) & NLA_TYPE_MASK;
      if (len < 4 || off + len > p.length) break;
      if (type === NLMSGERR_ATTR_MSG) {
        const s = p.subarray(off + 4, off + len);
        const nul = s.indexOf(0);
        r.message = s.subarray(0, nul < 0 ? s.length : nul).toString('latin1');
      }
      off += (len + 3) & ~3;
    }
  }
  return ok(r);
}

export interface GenlMessage {
  cmd: number;
  version: number;
  attrs: Buffer;
}

export function encodeGenl(familyId: number, cmd: number, version: number, flags: number, seq: number, attrs: Buffer, pid = 0): Buffer {
  const g = Buffer.alloc(4);
  g[0] = cmd;
  g[1] = version;
  return encodeNlmsg(familyId, flags, seq, pid, Buffer.concat([g, attrs]));
}

export function decodeGenl(m: NlMessage): Result<GenlMessage> {
  if (m.payload.length < 4) return fail(`genl: ${m.payload.length} bytes`);
  return ok({ cmd: m.payload[0]!, version: m.payload[1]!, attrs: m.payload.subarray(4) });
}

// ---- genl controller ----
/** CTRL_CMD_GETFAMILY request for `name` ('IPVS'). */
export function encodeGetFamily(name: string, seq: number): Buffer {
  return encodeGenl(GENL_ID_CTRL, CTRL_CMD_GETFAMILY, 1, NLM_F_REQUEST | NLM_F_ACK, seq, encodeTable(CTRL, { familyName: name }));
}

export function decodeFamily(m: NlMessage): Result<{ id: number; name: string }> {
  const g = decodeGenl(m);
  if (!g.ok) return g;
  const a = decodeTable(CTRL, g.value.attrs);
  if (!a.ok) return a;
  if (typeof a.value['familyId'] !== 'number') return fail('ctrl: no family id');
  return ok({ id: a.value['familyId'], name: String(a.value['familyName'] ?? '') });
}

// ---- IPVS requests ----
export interface IpvsRequestBody {
  service?: IpvsService;
  dest?: IpvsDest;
  daemon?: IpvsDaemon;
  timeouts?: IpvsTimeouts;
}

const bswap32 = (n: number) => (((n & 0xff) << 24) | ((n & 0xff00) << 8) | ((n >>> 8) & 0xff00) | (n >>> 24)) >>> 0;

/**
 * The kernel copies IPVS_SVC_ATTR_NETMASK raw into a __be32: an IPv4 mask travels in network
 * order, an IPv6 prefix length as a host-order integer (ipvsadm and keepalived do the same).
 * `netmask` in IpvsService is the natural number: 0xffffff00 for /24, 128 for IPv6.
 */
function netmaskToWire(af: number, mask: number): number {
  return af === AF_INET6 ? mask : bswap32(mask);
}

function serviceAttrs(s: IpvsService): Record<string, unknown> {
  const o: Record<string, unknown> = { ...s };
  if (s.netmask !== undefined) o['netmask'] = netmaskToWire(s.af, s.netmask);
  delete o['stats'];
  delete o['stats64'];
  return o;
}

function destAttrs(d: IpvsDest): Record<string, unknown> {
  const o: Record<string, unknown> = { ...d };
  for (const k of ['stats', 'stats64', 'activeConns', 'inactConns', 'persistConns']) delete o[k];
  return o;
}

/** Attributes of an IPVS command (the genl payload after the 4-byte genl header). */
export function encodeIpvsAttrs(body: IpvsRequestBody): Buffer {
  const o: Record<string, unknown> = {};
  if (body.service) o['service'] = serviceAttrs(body.service);
  if (body.dest) o['dest'] = destAttrs(body.dest);
  if (body.daemon) o['daemon'] = body.daemon;
  if (body.timeouts) {
    o['timeoutTcp'] = body.timeouts.tcp;
    o['timeoutTcpFin'] = body.timeouts.tcpFin;
    o['timeoutUdp'] = body.timeouts.udp;
  }
  return encodeTable(CMD, o);
}

/** One complete IPVS request message. Dumps (GET_* without a key) need NLM_F_DUMP in `flags`. */
export function encodeIpvsRequest(familyId: number, cmd: number, seq: number, flags: number, body: IpvsRequestBody = {}, pid = 0): Buffer {
  return encodeGenl(familyId, cmd, IPVS_GENL_VERSION, flags, seq, encodeIpvsAttrs(body), pid);
}

// ---- request entries, shaped as keepalived 2.2.7 sends them ----
/** The fields that identify a service: fwmark, or protocol + addr + port. */
export type IpvsServiceKey = Pick<IpvsService, 'af' | 'protocol' | 'addr' | 'port' | 'fwmark'>;

export function keyOf(s: IpvsServiceKey): IpvsService {
  const k: IpvsService = { af: s.af };
  if (s.fwmark) k.fwmark = s.fwmark;
  else {
    if (s.protocol !== undefined) k.protocol = s.protocol;
    if (s.addr !== undefined) k.addr = s.addr;
    if (s.port !== undefined) k.port = s.port;
  }
  return k;
}

const defaultNetmask = (af: number) => (af === AF_INET6 ? 128 : 0xffffffff);

/**
 * The service attribute of NEW/SET/DEL_SERVICE (`forDest` false: scheduler, flags, timeout,
 * netmask as configured) or of a *_DEST / ZERO command (`forDest` true: the scheduler name but
 * zero flags and timeout), byte for byte as keepalived 2.2.7 sends it.
 */
export function serviceEntry(s: IpvsService, forDest: boolean): IpvsService {
  const e: IpvsService = { ...keyOf(s), schedName: s.schedName ?? (forDest ? '' : 'wlc') };
  if (!forDest && s.peName) e.peName = s.peName;
  e.flags = forDest ? { flags: 0, mask: 0xffffffff } : (s.flags ?? { flags: 0, mask: 0xffffffff });
  e.timeout = forDest ? 0 : (s.timeout ?? 0);
  e.netmask = forDest ? defaultNetmask(s.af) : (s.netmask ?? defaultNetmask(s.af));
  return e;
}

/** The dest attribute of NEW/SET/DEL_DEST as keepalived 2.2.7 sends it (tunnel fields only for TUN). */
export function destEntry(d: IpvsDest): IpvsDest {
  const fwd = d.fwdMethod ?? IpvsFwd.MASQ;
  const e: IpvsDest = { addrFamily: d.addrFamily ?? (d.addr.length === 16 ? AF_INET6 : AF_INET), addr: d.addr, port: d.port, fwdMethod: fwd, weight: d.weight ?? 1 };
  if ((fwd & IP_VS_CONN_F_FWD_MASK) === IpvsFwd.TUNNEL) {
    e.tunType = d.tunType ?? IpvsTunType.IPIP;
    if (d.tunPort !== undefined) e.tunPort = d.tunPort;
    if (d.tunFlags !== undefined) e.tunFlags = d.tunFlags;
  }
  e.uThreshold = d.uThreshold ?? 0;
  e.lThreshold = d.lThreshold ?? 0;
  return e;
}

// ---- IPVS replies ----
function toService(o: Record<string, unknown>): IpvsService {
  const s = { ...(o as unknown as IpvsService) };
  const addr = trimAddr(o['addr'], s.af);
  if (addr) s.addr = addr;
  if (s.netmask !== undefined) s.netmask = netmaskToWire(s.af, s.netmask); // its own inverse
  return s;
}

function toDest(o: Record<string, unknown>, svcAf: number | undefined): Result<IpvsDest> {
  const af = (o['addrFamily'] as number | undefined) ?? svcAf;
  const addr = trimAddr(o['addr'], af);
  if (!addr) return fail('dest: no address');
  if (typeof o['port'] !== 'number') return fail('dest: no port');
  return ok({ ...(o as unknown as IpvsDest), addr });
}

export interface IpvsReply {
  cmd: number;
  service?: IpvsService;
  dest?: IpvsDest;
  daemon?: IpvsDaemon;
  timeouts?: IpvsTimeouts;
  info?: IpvsInfo;
}

/** Decode one IPVS genl message (reply or request): its command and typed attributes. */
export function decodeIpvsMessage(m: NlMessage): Result<IpvsReply> {
  const g = decodeGenl(m);
  if (!g.ok) return g;
  const { cmd, attrs } = g.value;
  // GET_INFO replies (cmd SET_INFO) carry IPVS_INFO_ATTR_* at the top level
  if (cmd === IpvsCmd.SET_INFO || cmd === IpvsCmd.GET_INFO) {
    const a = decodeTable(INFO, attrs);
    if (!a.ok) return a;
    const r: IpvsReply = { cmd };
    if (typeof a.value['version'] === 'number') r.info = { version: a.value['version'], connTabSize: Number(a.value['connTabSize'] ?? 0) };
    return ok(r);
  }
  const a = decodeTable(CMD, attrs);
  if (!a.ok) return a;
  const r: IpvsReply = { cmd };
  const svc = a.value['service'] as Record<string, unknown> | undefined;
  if (svc) r.service = toService(svc);
  const dst = a.value['dest'] as Record<string, unknown> | undefined;
  if (dst) {
    const d = toDest(dst, r.service?.af);
    if (!d.ok) return d;
    r.dest = d.value;
  }
  const dmn = a.value['daemon'] as Record<string, unknown> | undefined;
  if (dmn) {
    if (typeof dmn['state'] !== 'number') return fail('daemon: no state');
    r.daemon = dmn as unknown as IpvsDaemon;
  }
  if (a.value['timeoutTcp'] !== undefined || a.value['timeoutTcpFin'] !== undefined || a.value['timeoutUdp'] !== undefined) {
    const t: IpvsTimeouts = {};
    if (a.value['timeoutTcp'] !== undefined) t.tcp = a.value['timeoutTcp'] as number;
    if (a.value['timeoutTcpFin'] !== undefined) t.tcpFin = a.value['timeoutTcpFin'] as number;
    if (a.value['timeoutUdp'] !== undefined) t.udp = a.value['timeoutUdp'] as number;
    r.timeouts = t;
  }
  return ok(r);
}
