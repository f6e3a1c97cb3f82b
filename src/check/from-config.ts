/**
 * Map the validated LVS configuration AST (config/ast-lvs.ts, after validateLvs()) to the
 * scheduler's checkers and the checkers' narrow targets.
 *
 * Deviations, documented here and in index.ts:
 *  - FILE_CHECK carries the real server's delay_loop, used only when its file cannot be watched
 *    (engine.ts watches it and runs it on change, as keepalived reacts to inotify);
 *  - BFD_CHECK is not a polled checker and is not mapped;
 *  - regex_options map to JS RegExp flags (caseless → i, multiline → m, dotall → s,
 *    utf → u); other PCRE2 options have no JS equivalent and are ignored.
 */
import type {
  ConnOpts as AstConn,
  Checker,
  LvsConfig,
  RealServer,
  SslConfig,
  VirtualServer,
} from '../config/ast-lvs';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { formatRs, formatVs } from '../config/keywords/lvs-format';
import type { SchedChecker } from './scheduler';
import type { CheckTarget, ConnOpts, HttpUrl, TlsOpts } from './types';

export interface MapOptions {
  /** track_file NAME → file path (global track_file blocks). */
  trackFilePath?: (name: string) => string | undefined;
  /** MISC_CHECK `user U [G]` → numeric ids; undefined keeps the worker's own. */
  resolveUser?: (user: string, group: string | undefined) => { uid: number; gid: number } | undefined;
  /** global_defs smtp_helo_name; default "smtpchecker.keepalived.org" is already in the AST. */
}

const ms = (us: number): number => Math.round(us / 1000);

function conn(c: AstConn): ConnOpts {
  const o: ConnOpts = { host: c.dstIp, port: c.dstPort, connectTimeoutMs: ms(c.connectTimeoutUs) };
  if (c.bindIp) o.bindto = c.bindIp;
  if (c.bindPort) o.bindPort = c.bindPort;
  if (c.bindIf) o.bindIf = c.bindIf;
  if (c.fwmark) o.fwmark = c.fwmark;
  return o;
}

const REGEX_FLAGS: Record<string, string> = { caseless: 'i', multiline: 'm', dotall: 's', utf: 'u' };

function tls(ssl: SslConfig | undefined): TlsOpts | undefined {
  if (!ssl) return undefined;
  const t: TlsOpts = {};
  if (ssl.caFile) t.ca = ssl.caFile;
  if (ssl.certFile) t.certificate = ssl.certFile;
  if (ssl.keyFile) t.key = ssl.keyFile;
  if (ssl.password) t.password = ssl.password;
  return t;
}

/**
 * replyMask as the AST holds it is keepalived's reply_mask: bits set for the X wildcards
 * (ignored when comparing), which is our mask's meaning too. Absent = compare every bit.
 */
function ignoreMask(maskHex: string | undefined, len: number): Buffer {
  const m = maskHex ? Buffer.from(maskHex, 'hex') : Buffer.alloc(0);
  const out = Buffer.alloc(len);
  for (let i = 0; i < len; i++) out[i] = m[i] ?? 0;
  return out;
}

/** MISC_CHECK `user U [G]` resolved from /etc/passwd and /etc/group (numeric ids accepted). */
export function passwdResolver(etc = '/etc'): NonNullable<MapOptions['resolveUser']> {
  const read = (f: string): string[][] => {
    try {
      return fs
        .readFileSync(path.join(etc, f), 'utf8')
        .split('\n')
        .map((l) => l.split(':'));
    } catch {
      return [];
    }
  };
  return (user, group) => {
    const pw = read('passwd').find((f) => f[0] === user || (/^\d+$/.test(user) && f[2] === user));
    const uid = pw ? Number(pw[2]) : /^\d+$/.test(user) ? Number(user) : undefined;
    if (uid === undefined) return undefined;
    let gid = pw ? Number(pw[3]) : uid;
    if (group) {
      const gr = read('group').find((f) => f[0] === group || (/^\d+$/.test(group) && f[2] === group));
      if (gr) gid = Number(gr[2]);
      else if (/^\d+$/.test(group)) gid = Number(group);
      else return undefined;
    }
    return { uid, gid };
  };
}

/** The target for one checker; undefined for kinds we do not poll (BFD) or unresolvable ones. */
export function targetOf(c: Checker, rs: RealServer, vs: VirtualServer, cfg: LvsConfig, opts: MapOptions = {}): CheckTarget | undefined {
  switch (c.kind) {
    case 'TCP_CHECK':
      return { kind: 'TCP_CHECK', ...conn(c.conn) };
    case 'PING_CHECK': {
      const o = conn(c.conn);
      return {
        kind: 'PING_CHECK',
        host: o.host,
        connectTimeoutMs: o.connectTimeoutMs,
        ...(o.bindto ? { bindto: o.bindto } : {}),
        ...(o.bindIf ? { bindIf: o.bindIf } : {}),
        ...(o.fwmark ? { fwmark: o.fwmark } : {}),
      };
    }
    case 'HTTP_GET':
    case 'SSL_GET': {
      const urls: HttpUrl[] = c.urls.map((u) => {
        const h: HttpUrl = { path: u.path, statusCodes: u.statusCodes.map(([a, b]) => [a, b] as const) };
        if (u.digest) h.digest = u.digest;
        if (u.virtualhost) h.virtualhost = u.virtualhost;
        if (u.regex) {
          h.regex = u.regex.pattern;
          h.regexFlags = u.regex.options.map((o) => REGEX_FLAGS[o] ?? '').join('');
          if (u.regex.noMatch) h.regexNoMatch = true;
          if (u.regex.minOffset) h.regexMinOffset = u.regex.minOffset;
          if (u.regex.maxOffset !== undefined) h.regexMaxOffset = u.regex.maxOffset;
        }
        return h;
      });
      const vhost = c.virtualhost ?? rs.virtualhost ?? vs.virtualhost;
      const ssl = c.kind === 'SSL_GET' ? tls(cfg.ssl) : undefined;
      return {
        kind: c.kind,
        tls: c.kind === 'SSL_GET',
        ...conn(c.conn),
        urls,
        httpProtocol: c.httpProtocol,
        ...(vhost ? { virtualhost: vhost } : {}),
        ...(c.enableSni ? { enableSni: true } : {}),
        ...(c.fastRecovery ? { fastRecovery: true } : {}),
        ...(ssl ? { ssl } : {}),
      };
    }
    case 'SMTP_CHECK':
      return { kind: 'SMTP_CHECK', ...conn(c.conn), heloName: c.heloName };
    case 'DNS_CHECK':
      return { kind: 'DNS_CHECK', ...conn(c.conn), type: c.type, name: c.name };
    case 'UDP_CHECK': {
      const data = c.replyData ? Buffer.from(c.replyData, 'hex') : undefined;
      return {
        kind: 'UDP_CHECK',
        ...conn(c.conn),
        ...(c.payload ? { payload: Buffer.from(c.payload, 'hex') } : {}),
        replyRequired: c.requireReply,
        ...(data ? { requireReply: { data, mask: ignoreMask(c.replyMask, data.length) } } : {}),
        minReplyLength: c.minReplyLength,
        maxReplyLength: c.maxReplyLength,
      };
    }
    case 'MISC_CHECK': {
      const ids = c.script.user ? opts.resolveUser?.(c.script.user, c.script.group) : undefined;
      return {
        kind: 'MISC_CHECK',
        argv: [...c.script.argv],
        timeoutMs: ms(c.timeoutUs),
        dynamic: c.dynamic,
        ...(ids ? { uid: ids.uid, gid: ids.gid } : {}),
      };
    }
    case 'FILE_CHECK': {
      const p = opts.trackFilePath?.(c.trackFile);
      if (!p) return undefined;
      return { kind: 'FILE_CHECK', path: p, weight: c.weight, reverse: c.reverse };
    }
    case 'BFD_CHECK':
      return undefined;
  }
}

/** Every polled checker of the configuration, with ids `vs#/rs#/chk#` (0-based). */
export function checkersFromConfig(cfg: LvsConfig, opts: MapOptions = {}): SchedChecker[] {
  const out: SchedChecker[] = [];
  cfg.virtualServers.forEach((vs, vi) => {
    const vsText = formatVs(vs);
    vs.realServers.forEach((rs, ri) => {
      const rsText = formatRs(rs, vs);
      rs.checkers.forEach((c, ci) => {
        const target = targetOf(c, rs, vs, cfg, opts);
        if (!target) return;
        const timing =
          c.kind === 'FILE_CHECK' || c.kind === 'BFD_CHECK'
            ? { alpha: false, delayLoopUs: rs.delayLoopUs, warmupUs: 0, retry: 0, delayBeforeRetryUs: rs.delayLoopUs, logAllFailures: false }
            : c;
        const sc: SchedChecker = {
          id: `${vi}/${ri}/${ci}`,
          kind: target.kind,
          vs: vsText,
          rs: rsText,
          delayLoopMs: ms(timing.delayLoopUs),
          delayBeforeRetryMs: ms(timing.delayBeforeRetryUs),
          warmupMs: ms(timing.warmupUs),
          retry: timing.retry,
          alpha: timing.alpha,
          logAllFailures: timing.logAllFailures,
          target,
        };
        if ('conn' in c) {
          sc.pair = `[${c.conn.dstIp}]:${c.conn.dstPort}`;
          sc.addr = c.conn.dstIp;
        }
        if (c.kind === 'MISC_CHECK') sc.script = c.script.argv[0] ?? c.script.cmd;
        out.push(sc);
      });
    });
  });
  return out;
}

/** Same, from the checker worker's configuration slice (track_file paths resolved from it). */
export function checkersFromSlice(
  slice: { lvs: LvsConfig; trackFiles: { name: string; file?: string }[] },
  opts: Omit<MapOptions, 'trackFilePath'> = {},
): SchedChecker[] {
  const files = new Map(slice.trackFiles.map((t) => [t.name, t.file]));
  return checkersFromConfig(slice.lvs, { ...opts, trackFilePath: (n) => files.get(n) });
}
