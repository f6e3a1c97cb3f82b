/**
 * Keyword tables for the root-level LVS blocks: `SSL`, `virtual_server_group`,
 * `virtual_server` and its `real_server` sub-blocks (checkers are in checkers.ts).
 * Messages are keepalived 2.2.7's (check/check_parser.c, check/check_data.c).
 */
import type { Stmt } from '../types';
import { applyTable, kw, type Ctx, type KeywordTable } from './table';
import type {
  Forwarding,
  LvsConfig,
  LvsScriptSpec,
  RealServer,
  SorryServer,
  SslConfig,
  VirtualServer,
  VirtualServerGroup,
  VsKey,
  VsgEntry,
  TunnelType,
  TunnelCsum,
} from '../ast-lvs';
import { INT_MAX, UINT_MAX, nextSeq, needParam, kaTimerUs, kaTrueFalse, kaUnsigned, parseSockAddr, posOf, readNotifyScript } from './lvs-values';
import { blockEnd, rsRaw, vsRaw } from './lvs-state';
import { rsCheckerKeywords } from './checkers';
import { parseIp, compareIp } from '../../lib/ip';

/** keepalived's default delay_loop (KEEPALIVED_DEFAULT_DELAY). */
export const DEFAULT_DELAY_LOOP_US = 60_000_000;
export const DEFAULT_CONNECT_TIMEOUT_US = 5_000_000;
/** IPVS_SVC_PERSISTENT_TIMEOUT. */
export const DEFAULT_PERSISTENCE_TIMEOUT_S = 6 * 60;
/** LVS_MAX_TIMEOUT (31 days). */
export const MAX_PERSISTENCE_TIMEOUT_S = 86400 * 31;
export const DEFAULT_SCHEDULER = 'wlc';
export const LVS_SCHEDULERS = ['rr', 'wrr', 'lc', 'wlc', 'lblc', 'sh', 'mh', 'dh', 'fo', 'ovf', 'lblcr', 'sed', 'nq', 'twos'] as const;
/** IP_VS_SCHEDNAME_MAXLEN - 1 */
const SCHED_NAME_MAX = 15;
const PE_NAME_MAX = 15;

export function emptyLvsConfig(): LvsConfig {
  return { virtualServerGroups: [], virtualServers: [] };
}

/* ------------------------------------------------------------------ SSL */

function sslFile(field: 'password' | 'caFile' | 'certFile' | 'keyFile', what: string) {
  return kw<SslConfig>((st, ssl, ctx) => {
    const t = st.args[0];
    if (!t) {
      ctx.sink.error(st.kw, `SSL ${what} missing`, 'LVS_SSL_MISSING');
      return;
    }
    if (ssl[field] !== undefined) ctx.sink.error(st.kw, `SSL ${what} already specified - replacing`, 'LVS_SSL_REPLACED');
    ssl[field] = t.text;
  });
}

export const sslKeywords: KeywordTable<SslConfig> = {
  password: sslFile('password', 'password'),
  ca: sslFile('caFile', 'cafile'),
  certificate: sslFile('certFile', 'certfile'),
  key: sslFile('keyFile', 'keyfile'),
};

/* --------------------------------------------------- virtual_server_group */

/** One value line of a virtual_server_group block (alloc_vsg_entry). */
function readVsgEntry(st: Stmt, vsg: VirtualServerGroup, ctx: Ctx): VsgEntry | undefined {
  const words = [st.kw, ...st.args];
  const first = words[0]!;
  const pos = posOf(first);
  if (first.text === 'fwmark') {
    if (!needParam(st, ctx.sink)) return undefined;
    const n = kaUnsigned(words[1], 0, UINT_MAX, ctx.sink);
    if (n === undefined) {
      ctx.sink.error(first, `(${vsg.name}): fwmark '${words[1]?.text ?? ''}' must be in [0, ${UINT_MAX}] - ignoring`, 'LVS_VSG_BAD_FWMARK');
      return undefined;
    }
    const fam = words[2]?.text;
    if (fam === undefined) return { kind: 'fwmark', fwmark: n, pos };
    if (fam === 'inet') return { kind: 'fwmark', fwmark: n, family: 4, pos };
    if (fam === 'inet6') return { kind: 'fwmark', fwmark: n, family: 6, pos };
    ctx.sink.error(first, `(${vsg.name}): fwmark '${n}' family ${fam} unknown - ignoring`, 'LVS_VSG_BAD_FAMILY');
    return undefined;
  }

  const addrText = first.text;
  let portText = words[1]?.text;
  if (portText !== undefined && !/[^0]/.test(portText)) portText = undefined;
  const portTok = portText !== undefined ? words[1] : undefined;
  const slash = addrText.indexOf('/');
  const dash = addrText.indexOf('-');
  const baseText = slash >= 0 ? addrText.slice(0, slash) : dash >= 0 ? addrText.slice(0, dash) : addrText;
  // keepalived picks the family from a ':' anywhere in the text, then parses the start
  let base = parseSockAddr(baseText, portTok, ctx.sink);
  if (base && base.family !== (addrText.includes(':') ? 6 : 4)) base = undefined;
  if (!base) {
    ctx.sink.error(
      first,
      `Invalid virtual server group IP address ${addrText} ${portText !== undefined ? '/port' : ''}${portText !== undefined ? '/' : ''}${portText ?? ''} - skipping`,
      'LVS_VSG_BAD_ADDRESS',
    );
    return undefined;
  }
  const baseIp = parseIp(base.ip)!;
  const entry = (end: Buffer): VsgEntry => ({
    kind: 'range',
    family: base.family,
    start: base.ip,
    end: parseIp(formatBytes(end))!.text,
    port: base.port,
    pos,
  });

  if (slash >= 0) {
    const maskText = addrText.slice(slash + 1);
    const bits = base.family === 4 ? 32 : 128;
    const mask = /^\d+$/.test(maskText) ? Number(maskText) : NaN;
    if (!Number.isInteger(mask) || mask === 0 || mask > bits) {
      ctx.sink.error(first, `Invalid netmask - ${addrText} - skipping`, 'LVS_VSG_BAD_NETMASK');
      return undefined;
    }
    const end = Buffer.from(baseIp.bytes);
    let bad = false;
    for (let bit = mask; bit < bits; bit++) {
      const byte = bit >> 3;
      const m = 0x80 >> (bit & 7);
      if (end[byte]! & m) bad = true;
      end[byte] = end[byte]! | m;
    }
    if (bad) {
      ctx.sink.error(first, `Address mask bits not empty - ${addrText} - skipping`, 'LVS_VSG_MASK_BITS');
      return undefined;
    }
    return entry(end);
  }

  if (dash >= 0) {
    const endText = addrText.slice(dash + 1);
    const fullEnd = base.family === 4 ? endText.includes('.') : endText.includes(':');
    if (fullEnd) {
      const endIp = parseIp(endText);
      if (!endIp) {
        ctx.sink.error(first, `Invalid range end ${addrText} - skipping`, 'LVS_VSG_BAD_RANGE');
        return undefined;
      }
      if (endIp.family !== base.family) {
        ctx.sink.error(first, `Range address families do not match ${addrText} - skipping`, 'LVS_VSG_BAD_RANGE');
        return undefined;
      }
      if (compareIp(baseIp, endIp) > 0) {
        ctx.sink.error(first, `Address range end is less than address range start - ${addrText} - skipping`, 'LVS_VSG_BAD_RANGE');
        return undefined;
      }
      return entry(Buffer.from(endIp.bytes));
    }
    // last octet (IPv4, decimal) or last 16-bit group (IPv6, hex)
    const okSyntax = base.family === 4 ? /^\d{1,3}$/.test(endText) : /^[0-9a-fA-F]{1,4}$/.test(endText);
    const range = okSyntax ? parseInt(endText, base.family === 4 ? 10 : 16) : NaN;
    if (!okSyntax || (base.family === 4 && range > 255)) {
      ctx.sink.error(first, `Invalid virtual server group IP address ${addrText} - skipping`, 'LVS_VSG_BAD_ADDRESS');
      return undefined;
    }
    const end = Buffer.from(baseIp.bytes);
    let start: number;
    if (base.family === 4) {
      start = end[3]!;
      end[3] = range;
    } else {
      start = end.readUInt16BE(14);
      end.writeUInt16BE(range, 14);
    }
    if (start >= range) {
      ctx.sink.error(first, `Address range end is not greater than address range start - ${addrText} - skipping`, 'LVS_VSG_BAD_RANGE');
      return undefined;
    }
    return entry(end);
  }
  return entry(Buffer.from(baseIp.bytes));
}

/** inet_aton() numbers-and-dots (`a`, `a.b`, `a.b.c`, `a.b.c.d`; decimal, 0x hex, 0 octal) → dotted quad. */
export function inetAton(text: string): string | undefined {
  const parts = text.split('.');
  if (parts.length > 4) return undefined;
  const nums: number[] = [];
  for (const p of parts) {
    let n: number;
    if (/^0[xX][0-9a-fA-F]+$/.test(p)) n = parseInt(p.slice(2), 16);
    else if (/^0[0-7]*$/.test(p)) n = parseInt(p, 8);
    else if (/^[1-9]\d*$/.test(p)) n = Number(p);
    else return undefined;
    nums.push(n);
  }
  const last = nums.pop()!;
  if (nums.some((n) => n > 255) || last >= 2 ** (8 * (4 - nums.length))) return undefined;
  let v = last;
  nums.forEach((n, i) => (v += n * 2 ** (8 * (3 - i))));
  return [v >>> 24, (v >>> 16) & 255, (v >>> 8) & 255, v & 255].join('.');
}

function formatBytes(b: Buffer): string {
  if (b.length === 4) return Array.from(b).join('.');
  const words: string[] = [];
  for (let i = 0; i < 16; i += 2) words.push(b.readUInt16BE(i).toString(16));
  return words.join(':');
}

/* ------------------------------------------------------- forwarding method */

/** svr_forwarding_handler(): `NAT|DR|TUN [type ipip|gue|gre] [port N] [nocsum|csum|remcsum]`. */
export function readForwarding(st: Stmt, ctx: Ctx, sType: 'virtual' | 'real' | 'sorry', prev?: Forwarding): Forwarding | undefined {
  const m = needParam(st, ctx.sink);
  if (!m) return undefined;
  if (m.text !== 'NAT' && m.text !== 'DR' && m.text !== 'TUN') {
    ctx.sink.error(m, `PARSER : unknown [${m.text}] routing method for ${sType} server.`, 'LVS_BAD_FORWARDING');
    return undefined;
  }
  // keepalived sets the method first, then parses the tunnel options from ipip / no port /
  // nocsum; a bad option leaves the method set and the previous tunnel settings
  const keep = (): Forwarding => {
    if (m.text !== 'TUN') return { method: m.text as 'NAT' | 'DR' };
    const f: Forwarding = { method: 'TUN', tunType: prev?.tunType ?? 'ipip', tunCsum: prev?.tunCsum ?? 'nocsum' };
    if (prev?.tunPort !== undefined) f.tunPort = prev.tunPort;
    return f;
  };
  let tunType: TunnelType = 'ipip';
  let tunPort = 0;
  let csum: TunnelCsum = 'nocsum';
  const a = st.args;
  for (let i = 1; i < a.length; i++) {
    const w = a[i]!.text;
    if (w === 'type') {
      const t = a[i + 1];
      if (!t) {
        ctx.sink.error(a[i], `Missing tunnel type for ${sType} server.`, 'LVS_BAD_TUNNEL');
        return keep();
      }
      if (t.text === 'ipip' || t.text === 'gue' || t.text === 'gre') tunType = t.text;
      else {
        ctx.sink.error(t, `Unknown tunnel type ${t.text} for ${sType} server.`, 'LVS_BAD_TUNNEL');
        return keep();
      }
      i++;
    } else if (w === 'port') {
      const p = a[i + 1];
      if (!p) {
        ctx.sink.error(a[i], `Missing port for ${sType} server gue tunnel.`, 'LVS_BAD_TUNNEL');
        return keep();
      }
      const n = kaUnsigned(p, 1, 65535, ctx.sink);
      if (n === undefined) {
        ctx.sink.error(p, `Invalid gue tunnel port ${p.text} for ${sType} server.`, 'LVS_BAD_TUNNEL');
        return keep();
      }
      tunPort = n;
      i++;
    } else if (w === 'nocsum' || w === 'csum' || w === 'remcsum') {
      csum = w;
    } else {
      ctx.sink.error(a[i], `Invalid tunnel option ${w} for ${sType} server.`, 'LVS_BAD_TUNNEL');
      return keep();
    }
  }
  if ((tunType === 'gue') !== (tunPort !== 0)) {
    ctx.sink.error(st.kw, 'gue tunnels require port, otherwise cannot have port.', 'LVS_BAD_TUNNEL');
    return keep();
  }
  if (tunType === 'ipip' && csum !== 'nocsum') {
    ctx.sink.error(st.kw, 'ipip tunnels do not support checksum option.', 'LVS_BAD_TUNNEL');
    return keep();
  }
  if (tunType === 'gre' && csum === 'remcsum') {
    ctx.sink.error(st.kw, 'gre tunnels do not support remote checksum option.', 'LVS_BAD_TUNNEL');
    return keep();
  }
  if (m.text !== 'TUN') return { method: m.text };
  const f: Forwarding = { method: 'TUN', tunType, tunCsum: csum };
  if (tunType === 'gue') f.tunPort = tunPort;
  return f;
}

/* --------------------------------------------------------------- real_server */

export interface RsTarget {
  vs: VirtualServer;
  rs: RealServer;
}

function rsBool(field: 'inhibit' | 'alpha' | 'smtpAlert', msg: string) {
  return kw<RsTarget>((st, t, ctx) => {
    const v = kaTrueFalse(st.args[0]);
    if (v === undefined) {
      ctx.sink.error(st.args[0], `${msg} ${st.args[0]!.text}`, 'LVS_BAD_BOOL');
      return;
    }
    rsRaw.get(t.rs)![field] = v;
  });
}

type TimerField = 'delayLoopUs' | 'warmupUs' | 'delayBeforeRetryUs' | 'connectTimeoutUs';

/** A timer keyword (µs) with keepalived's generic message, then its own (`msg`). */
function lvsTimer<T>(minUs: number, maxUs: number | undefined, msg: (v: string) => string, set: (t: T, us: number) => void) {
  return kw<T>((st, t, ctx) => {
    const tok = needParam(st, ctx.sink);
    if (!tok) return;
    const v = kaTimerUs(tok, minUs, maxUs, ctx.sink);
    if (v === undefined) {
      ctx.sink.error(tok, msg(tok.text), 'LVS_BAD_TIMER');
      return;
    }
    set(t, v);
  });
}

function rsTimer(field: TimerField, minUs: number, maxUs: number | undefined, msg: (v: string) => string) {
  return lvsTimer<RsTarget>(minUs, maxUs, msg, (t, v) => (rsRaw.get(t.rs)![field] = v));
}

/** keepalived prints vs->vsgname in some messages: the group name, or "(null)". */
function vsgName(vs: VirtualServer): string {
  return vs.key.kind === 'group' ? vs.key.name : '(null)';
}

/**
 * Every notify_up/notify_down/quorum_up/quorum_down line, in order. keepalived keeps the first
 * script whose user/group exist and reports later ones as duplicates; validateLvs() replays
 * the lines once user lookups are possible.
 */
export interface ScriptAttempt {
  spec: LvsScriptSpec;
  /** The first word as written (for the duplicate message). */
  text: string;
  /** vs->vsgname as keepalived prints it. */
  vsgName: string;
  /** Reading order. */
  seq: number;
}
export const scriptAttempts = new WeakMap<object, Map<string, ScriptAttempt[]>>();

function recordScript(owner: object, field: string, st: Stmt, vsg: string): LvsScriptSpec | undefined {
  const spec = readNotifyScript(st);
  if (!spec) return undefined;
  let m = scriptAttempts.get(owner);
  if (!m) scriptAttempts.set(owner, (m = new Map()));
  const list = m.get(field) ?? [];
  list.push({ spec, text: st.args[0]!.text, vsgName: vsg, seq: nextSeq() });
  m.set(field, list);
  return spec;
}

function notifyKw(field: 'notifyUp' | 'notifyDown') {
  return kw<RsTarget>((st, t, ctx) => {
    if (!needParam(st, ctx.sink)) return;
    const s = recordScript(t.rs, field, st, vsgName(t.vs));
    if (s && !t.rs[field]) t.rs[field] = s;
  });
}

export const realServerKeywords: KeywordTable<RsTarget> = {
  weight: kw((st, t, ctx) => {
    const tok = needParam(st, ctx.sink);
    if (!tok) return;
    const w = kaUnsigned(tok, 0, INT_MAX, ctx.sink);
    if (w === undefined) {
      ctx.sink.error(tok, `Real server weight ${tok.text} is outside range 0-${INT_MAX}`, 'LVS_BAD_WEIGHT');
      return;
    }
    rsRaw.get(t.rs)!.weight = w;
  }),
  lvs_method: kw((st, t, ctx) => {
    const f = readForwarding(st, ctx, 'real', rsRaw.get(t.rs)!.forwarding);
    if (f) rsRaw.get(t.rs)!.forwarding = f;
  }),
  uthreshold: kw((st, t, ctx) => {
    const tok = needParam(st, ctx.sink);
    if (!tok) return;
    const v = kaUnsigned(tok, 0, UINT_MAX, ctx.sink);
    if (v === undefined) ctx.sink.error(tok, `Invalid real_server uthreshold '${tok.text}' - ignoring`, 'LVS_BAD_THRESHOLD');
    else t.rs.upperThreshold = v;
  }),
  lthreshold: kw((st, t, ctx) => {
    const tok = needParam(st, ctx.sink);
    if (!tok) return;
    const v = kaUnsigned(tok, 0, UINT_MAX, ctx.sink);
    if (v === undefined) ctx.sink.error(tok, `Invalid real_server lthreshold '${tok.text}' - ignoring`, 'LVS_BAD_THRESHOLD');
    else t.rs.lowerThreshold = v;
  }),
  inhibit_on_failure: rsBool('inhibit', 'Invalid inhibit_on_failure parameter'),
  notify_up: notifyKw('notifyUp'),
  notify_down: notifyKw('notifyDown'),
  alpha: rsBool('alpha', 'Invalid alpha parameter'),
  retry: kw((st, t, ctx) => {
    const tok = needParam(st, ctx.sink);
    if (!tok) return;
    const v = kaUnsigned(tok, 1, UINT_MAX, ctx.sink);
    if (v === undefined) ctx.sink.error(tok, `retry value invalid - ${tok.text}`, 'LVS_BAD_RETRY');
    else rsRaw.get(t.rs)!.retry = v;
  }),
  delay_before_retry: rsTimer('delayBeforeRetryUs', 0, undefined, (v) => `real server delay_before_retry '${v}' invalid - ignoring`),
  warmup: rsTimer('warmupUs', 0, undefined, (v) => `real server warmup '${v}' invalid - ignoring`),
  delay_loop: rsTimer('delayLoopUs', 1, undefined, (v) => `real server delay_loop '${v}' invalid - ignoring`),
  connect_timeout: rsTimer('connectTimeoutUs', 1, UINT_MAX, (v) => `real server connect_timeout ${v} invalid - ignoring`),
  smtp_alert: rsBool('smtpAlert', 'Invalid real_server smtp_alert parameter'),
  virtualhost: kw((st, t, ctx) => {
    if (!st.args[0]) {
      ctx.sink.error(st.kw, 'real server virtualhost missing', 'LVS_MISSING_VALUE');
      return;
    }
    t.rs.virtualhost = st.args[0].text;
  }),
  snmp_name: kw((st, t, ctx) => {
    if (st.args.length !== 1) {
      ctx.sink.error(st.kw, 'real server snmp_name missing or extra parameters', 'LVS_BAD_SNMP_NAME');
      return;
    }
    t.rs.snmpName = st.args[0]!.text;
  }),
  ...rsCheckerKeywords,
};

/* ------------------------------------------------------------ virtual_server */

function vsTimer(field: TimerField, minUs: number, maxUs: number | undefined, msg: (v: string) => string) {
  return lvsTimer<VirtualServer>(minUs, maxUs, msg, (vs, v) => (vs[field] = v));
}

const lbAlgo = kw<VirtualServer>((st, vs, ctx) => {
  const tok = needParam(st, ctx.sink);
  if (!tok) return;
  if (!(LVS_SCHEDULERS as readonly string[]).includes(tok.text) || tok.text.length > SCHED_NAME_MAX) {
    ctx.sink.error(tok, `Invalid lvs_scheduler '${tok.text}' - ignoring`, 'LVS_BAD_SCHEDULER');
    return;
  }
  vs.scheduler = tok.text;
  vsRaw.get(vs)!.schedulerSet = true;
});

/** lbflags_handler: the flag keywords; sh-/mh- flags only with their scheduler. */
const lbFlag = kw<VirtualServer>((st, vs, ctx) => {
  const f = st.kw.text;
  const add = (x: string) => {
    if (!vs.flags.includes(x)) vs.flags.push(x);
  };
  if (f === 'ops' || f === 'flag-1' || f === 'flag-2' || f === 'flag-3') add(f);
  else if (vs.scheduler === 'sh' && vsRaw.get(vs)!.schedulerSet) {
    if (f === 'sh-port' || f === 'sh-fallback') add(f);
  } else if (vs.scheduler === 'mh' && vsRaw.get(vs)!.schedulerSet) {
    if (f === 'mh-port' || f === 'mh-fallback') add(f);
  } else ctx.sink.error(st.kw, `${f} only applies to sh scheduler - ignoring`, 'LVS_BAD_FLAG');
});

const forwardingKw = kw<VirtualServer>((st, vs, ctx) => {
  const f = readForwarding(st, ctx, 'virtual', vsRaw.get(vs)!.forwardingSet ? vs.forwarding : undefined);
  if (!f) return;
  vs.forwarding = f;
  vsRaw.get(vs)!.forwardingSet = true;
});

function quorumScript(field: 'quorumUp' | 'quorumDown') {
  return kw<VirtualServer>((st, vs, ctx) => {
    if (!needParam(st, ctx.sink)) return;
    const s = recordScript(vs, field, st, vsgName(vs));
    if (s && !vs[field]) vs[field] = s;
  });
}

function realServerBlock(st: Stmt, vs: VirtualServer, ctx: Ctx): void {
  const ipTok = needParam(st, ctx.sink);
  if (!ipTok) return;
  const portTok = st.args[1];
  const addr = parseSockAddr(ipTok.text, portTok, ctx.sink);
  if (!addr) {
    ctx.sink.error(ipTok, `Invalid real server ip address/port ${ipTok.text}/${portTok?.text ?? '(null)'} - skipping`, 'LVS_BAD_RS_ADDRESS');
    return; // keepalived skips the whole block
  }
  const rs: RealServer = {
    ip: addr.ip,
    family: addr.family,
    port: addr.port,
    weight: vs.weight,
    forwarding: vs.forwarding,
    inhibitOnFailure: false,
    alpha: false,
    smtpAlert: true,
    upperThreshold: 0,
    lowerThreshold: 0,
    delayLoopUs: vs.delayLoopUs,
    connectTimeoutUs: vs.connectTimeoutUs,
    checkers: [],
    pos: posOf(st.kw),
  };
  rsRaw.set(rs, { end: blockEnd(st, posOf(st.kw)) });
  if (vsRaw.get(vs)!.forwardingSet) rsRaw.get(rs)!.forwarding = { ...vs.forwarding };
  vs.realServers.push(rs);
  applyTable(st.children ?? [], realServerKeywords, { vs, rs }, ctx);

  // rs_end_handler: families must match unless tunnelled
  const fwd = rsRaw.get(rs)!.forwarding ?? vs.forwarding;
  if (fwd.method !== 'TUN') {
    if (vs.family === undefined) vs.family = rs.family;
    else if (vs.family !== rs.family) {
      ctx.sink.error(
        blockEnd(st, posOf(st.kw)),
        `Address family of virtual server and real server ${rs.ip} don't match - skipping real server.`,
        'LVS_FAMILY_MISMATCH',
      );
      vs.realServers.pop();
      const dropped = parseDroppedRs.get(vs) ?? [];
      dropped.push(rs);
      parseDroppedRs.set(vs, dropped);
    }
  }
}

export const virtualServerKeywords: KeywordTable<VirtualServer> = {
  ip_family: kw((st, vs, ctx) => {
    const tok = needParam(st, ctx.sink);
    if (!tok) return;
    let fam: 4 | 6;
    if (tok.text === 'inet') fam = 4;
    else if (tok.text === 'inet6') fam = 6;
    else {
      ctx.sink.error(tok, `unknown address family ${tok.text}`, 'LVS_BAD_FAMILY');
      return;
    }
    if (vs.family !== undefined && vs.family !== fam) {
      ctx.sink.error(tok, `Virtual server specified family ${tok.text} conflicts with server family`, 'LVS_FAMILY_MISMATCH');
      return;
    }
    vs.family = fam;
  }),
  retry: kw((st, vs, ctx) => {
    const tok = needParam(st, ctx.sink);
    if (!tok) return;
    const v = kaUnsigned(tok, 1, UINT_MAX, ctx.sink);
    if (v === undefined) ctx.sink.error(tok, `retry value invalid - ${tok.text}`, 'LVS_BAD_RETRY');
    else vs.retry = v;
  }),
  delay_before_retry: vsTimer('delayBeforeRetryUs', 0, undefined, (v) => `virtual server delay before retry '${v}' invalid - ignoring`),
  warmup: vsTimer('warmupUs', 0, undefined, (v) => `virtual server warmup '${v}' invalid - ignoring`),
  connect_timeout: vsTimer('connectTimeoutUs', 1, UINT_MAX, (v) => `virtual server connect_timeout ${v} invalid - ignoring`),
  delay_loop: vsTimer('delayLoopUs', 1, undefined, (v) => `virtual server delay loop '${v}' invalid - ignoring`),
  inhibit_on_failure: kw((_st, vs) => {
    vs.inhibitOnFailure = true;
  }),
  lb_algo: lbAlgo,
  lvs_sched: lbAlgo,
  hashed: lbFlag,
  ops: lbFlag,
  'flag-1': lbFlag,
  'flag-2': lbFlag,
  'flag-3': lbFlag,
  'sh-port': lbFlag,
  'sh-fallback': lbFlag,
  'mh-port': lbFlag,
  'mh-fallback': lbFlag,
  lb_kind: forwardingKw,
  lvs_method: forwardingKw,
  persistence_engine: kw((st, vs, ctx) => {
    const tok = needParam(st, ctx.sink);
    if (!tok) return;
    if (tok.text.length > PE_NAME_MAX) ctx.sink.error(tok, `persistence_name too long, truncating - ${tok.text}`, 'LVS_PE_TOO_LONG');
    vs.persistenceEngine = tok.text.slice(0, PE_NAME_MAX);
  }),
  persistence_timeout: kw((st, vs, ctx) => {
    const tok = st.args[0];
    if (!tok) {
      vs.persistenceTimeoutS = DEFAULT_PERSISTENCE_TIMEOUT_S;
      return;
    }
    const v = kaUnsigned(tok, 1, MAX_PERSISTENCE_TIMEOUT_S, ctx.sink);
    if (v === undefined) ctx.sink.error(tok, 'persistence_timeout invalid', 'LVS_BAD_PERSISTENCE');
    else vs.persistenceTimeoutS = v;
  }),
  persistence_granularity: kw((st, vs, ctx) => {
    const tok = needParam(st, ctx.sink);
    if (!tok) return;
    const fam = vs.family ?? (tok.text.includes('.') ? 4 : 6);
    if (fam === 6) {
      const v = kaUnsigned(tok, 1, 128, ctx.sink);
      if (v === undefined) {
        ctx.sink.error(tok, `Invalid IPv6 persistence_granularity specified - ${tok.text}`, 'LVS_BAD_GRANULARITY');
        return;
      }
      vs.persistenceGranularity = String(v);
    } else {
      const mask = inetAton(tok.text);
      if (mask === undefined) {
        ctx.sink.error(tok, `Invalid IPv4 persistence_granularity specified - ${tok.text}`, 'LVS_BAD_GRANULARITY');
        return;
      }
      vs.persistenceGranularity = mask;
    }
    if (vs.family === undefined) vs.family = fam;
    if (!vs.persistenceTimeoutS) vs.persistenceTimeoutS = DEFAULT_PERSISTENCE_TIMEOUT_S;
  }),
  protocol: kw((st, vs, ctx) => {
    const tok = needParam(st, ctx.sink);
    if (!tok) return;
    const p = tok.text.toUpperCase();
    if (p === 'TCP' || p === 'UDP' || p === 'SCTP') vs.protocol = p;
    else ctx.sink.error(tok, `Unknown protocol ${tok.text} - ignoring`, 'LVS_BAD_PROTOCOL');
  }),
  ha_suspend: kw((_st, vs) => {
    vs.haSuspend = true;
  }),
  smtp_alert: kw((st, vs, ctx) => {
    const v = kaTrueFalse(st.args[0]);
    if (v === undefined) {
      ctx.sink.error(st.args[0], `Invalid virtual_server smtp_alert parameter ${st.args[0]!.text}`, 'LVS_BAD_BOOL');
      return;
    }
    vsRaw.get(vs)!.smtpAlert = v;
  }),
  virtualhost: kw((st, vs, ctx) => {
    if (!st.args[0]) {
      ctx.sink.error(st.kw, 'virtual server virtualhost missing', 'LVS_MISSING_VALUE');
      return;
    }
    vs.virtualhost = st.args[0].text;
  }),
  snmp_name: kw((st, vs, ctx) => {
    if (st.args.length !== 1) {
      ctx.sink.error(st.kw, 'virtual server snmp_name missing or extra parameters', 'LVS_BAD_SNMP_NAME');
      return;
    }
    vs.snmpName = st.args[0]!.text;
  }),
  alpha: kw((_st, vs) => {
    vs.alpha = true;
  }),
  omega: kw((_st, vs) => {
    vs.omega = true;
  }),
  quorum_up: quorumScript('quorumUp'),
  quorum_down: quorumScript('quorumDown'),
  quorum: kw((st, vs, ctx) => {
    const tok = needParam(st, ctx.sink);
    if (!tok) return;
    const v = kaUnsigned(tok, 1, UINT_MAX, ctx.sink);
    if (v === undefined) {
      ctx.sink.error(tok, `Quorum ${tok.text} must be in [1, ${UINT_MAX}]. Setting to 1.`, 'LVS_BAD_QUORUM');
      vs.quorum = 1;
    } else vs.quorum = v;
  }),
  hysteresis: kw((st, vs, ctx) => {
    const tok = needParam(st, ctx.sink);
    if (!tok) return;
    const v = kaUnsigned(tok, 0, UINT_MAX, ctx.sink);
    if (v === undefined) ctx.sink.error(tok, `Hysteresis ${tok.text} must be in [0, ${UINT_MAX}] - ignoring`, 'LVS_BAD_HYSTERESIS');
    else vs.hysteresis = v;
  }),
  weight: kw((st, vs, ctx) => {
    const tok = needParam(st, ctx.sink);
    if (!tok) return;
    const v = kaUnsigned(tok, 1, INT_MAX, ctx.sink);
    if (v === undefined) ctx.sink.error(tok, `Virtual server weight ${tok.text} is outside range 1-${INT_MAX}`, 'LVS_BAD_WEIGHT');
    else vs.weight = v;
  }),
  sorry_server: kw((st, vs, ctx) => {
    const ipTok = needParam(st, ctx.sink);
    if (!ipTok) return;
    const addr = parseSockAddr(ipTok.text, st.args[1], ctx.sink);
    if (!addr) {
      ctx.sink.error(ipTok, `Invalid sorry server IP address ${ipTok.text} - skipping`, 'LVS_BAD_SORRY_ADDRESS');
      return;
    }
    const ss: SorryServer = { ...addr, inhibit: false, forwarding: { ...vs.forwarding }, pos: posOf(st.kw) };
    sorryForwardingSet.set(ss, vsRaw.get(vs)!.forwardingSet);
    vs.sorryServer = ss;
  }),
  sorry_server_inhibit: kw((st, vs, ctx) => {
    if (vs.sorryServer) vs.sorryServer.inhibit = true;
    else ctx.sink.error(st.kw, 'Ignoring sorry_server inhibit used before or without sorry_server', 'LVS_SORRY_MISSING');
  }),
  sorry_server_lvs_method: kw((st, vs, ctx) => {
    if (!vs.sorryServer) {
      ctx.sink.error(st.kw, 'sorry_server forwarding used without sorry_server', 'LVS_SORRY_MISSING');
      return;
    }
    const f = readForwarding(st, ctx, 'sorry', vs.sorryServer.forwarding);
    if (f) {
      vs.sorryServer.forwarding = f;
      sorryForwardingSet.set(vs.sorryServer, true);
    }
  }),
  real_server: kw((st, vs, ctx) => realServerBlock(st, vs, ctx), { block: true }),
};

/** Real servers keepalived drops while reading (their checkers were still read and checked). */
export const parseDroppedRs = new WeakMap<VirtualServer, RealServer[]>();

/** Whether a sorry server's forwarding method was configured (else it takes the VS's). */
export const sorryForwardingSet = new WeakMap<SorryServer, boolean>();

function newVirtualServer(key: VsKey, st: Stmt): VirtualServer {
  const vs: VirtualServer = {
    key,
    scheduler: DEFAULT_SCHEDULER,
    flags: [],
    forwarding: { method: 'NAT' },
    persistenceTimeoutS: 0,
    haSuspend: false,
    smtpAlert: false,
    alpha: false,
    omega: false,
    quorum: 1,
    hysteresis: 0,
    weight: 1,
    inhibitOnFailure: false,
    delayLoopUs: DEFAULT_DELAY_LOOP_US,
    connectTimeoutUs: DEFAULT_CONNECT_TIMEOUT_US,
    realServers: [],
    pos: posOf(st.kw),
  };
  if (key.kind === 'ip') vs.family = key.family;
  vsRaw.set(vs, { forwardingSet: false, schedulerSet: false, end: blockEnd(st, posOf(st.kw)) });
  return vs;
}

/** Root keywords of the LVS side. */
export const lvsRootKeywords: KeywordTable<LvsConfig> = {
  SSL: kw(
    (st, cfg, ctx) => {
      if (cfg.ssl) ctx.sink.error(st.kw, 'SSL context already specified - replacing', 'LVS_SSL_REPLACED');
      const ssl: SslConfig = { pos: posOf(st.kw) };
      cfg.ssl = ssl;
      applyTable(st.children ?? [], sslKeywords, ssl, ctx);
    },
    { block: true },
  ),
  virtual_server_group: kw(
    (st, cfg, ctx) => {
      const nameTok = needParam(st, ctx.sink);
      if (!nameTok) return;
      const vsg: VirtualServerGroup = { name: nameTok.text, entries: [], pos: posOf(st.kw) };
      for (const item of st.children ?? []) {
        const e = readVsgEntry(item, vsg, ctx);
        if (e) vsg.entries.push(e);
        if (item.children) ctx.sink.error(item.kw, "Unexpected '{' - ignoring", 'CFG_UNEXPECTED_BLOCK');
      }
      const end = blockEnd(st, posOf(st.kw));
      if (vsg.entries.length === 0) {
        ctx.sink.error(end, `virtual server group ${vsg.name} has no entries - removing`, 'LVS_VSG_EMPTY');
        return;
      }
      const has4 = vsg.entries.some((e) => e.family === 4);
      const has6 = vsg.entries.some((e) => e.family === 6);
      const fwmNoFamily = vsg.entries.some((e) => e.kind === 'fwmark' && e.family === undefined);
      if (has4 && has6 && fwmNoFamily) {
        ctx.sink.error(end, `virtual server group ${vsg.name} cannot have IPv4, IPv6 and fwmark without family - removing`, 'LVS_VSG_MIXED');
        return;
      }
      cfg.virtualServerGroups.push(vsg);
    },
    { block: true },
  ),
  virtual_server: kw(
    (st, cfg, ctx) => {
      const a0 = needParam(st, ctx.sink);
      if (!a0) return;
      const a1 = st.args[1];
      let key: VsKey;
      if (a0.text === 'group') {
        if (!a1) {
          needParam(st, ctx.sink, 1);
          return;
        }
        key = { kind: 'group', name: a1.text, seq: 0 }; // numbered when linked (validateLvs)
      } else if (a0.text === 'fwmark') {
        if (!needParam(st, ctx.sink, 1)) return;
        const n = kaUnsigned(a1, 0, UINT_MAX, ctx.sink);
        if (n === undefined) {
          ctx.sink.error(a1 ?? st.kw, `virtual server fwmark '${a1?.text ?? '(null)'}' must be in [0, ${UINT_MAX}] - ignoring`, 'LVS_BAD_FWMARK');
          return; // skip_block
        }
        key = { kind: 'fwmark', fwmark: n };
      } else {
        const portText = a1 !== undefined && /[^0]/.test(a1.text) ? a1.text : undefined;
        const addr = parseSockAddr(a0.text, portText !== undefined ? a1 : undefined, ctx.sink);
        if (!addr) {
          const p = portText !== undefined;
          ctx.sink.error(a0, `Invalid virtual server IP address${p ? '/port' : ''} ${a0.text}${p ? '/' : ''}${portText ?? ''} - skipping`, 'LVS_BAD_VS_ADDRESS');
          return; // skip_block
        }
        key = { kind: 'ip', ip: addr.ip, family: addr.family, port: addr.port };
      }
      const vs = newVirtualServer(key, st);
      cfg.virtualServers.push(vs);
      applyTable(st.children ?? [], virtualServerKeywords, vs, ctx);
      vsEndHandler(vs, ctx);
    },
    { block: true },
  ),
};

/** vs_end_handler(): settle the address family from the sorry / real servers. */
function vsEndHandler(vs: VirtualServer, ctx: Ctx): void {
  const ss = vs.sorryServer;
  if (ss && ss.forwarding.method !== 'TUN') {
    if (vs.family === undefined) vs.family = ss.family;
    else if (vs.family !== ss.family) {
      ctx.sink.error(vsRaw.get(vs)!.end, `Address family of virtual server and sorry server ${ss.ip} don't match - skipping sorry server.`, 'LVS_FAMILY_MISMATCH');
      delete vs.sorryServer;
    }
  }
  if (vs.family === undefined && vs.key.kind !== 'group') {
    let fam = vs.sorryServer?.family;
    let mixed = false;
    for (const rs of vs.realServers) {
      if (fam === undefined) fam = rs.family;
      else if (fam !== rs.family) mixed = true;
    }
    vs.family = mixed || fam === undefined ? 4 : fam;
  }
}
