/**
 * Keyword tables of the health checkers inside `real_server { }`:
 * TCP_CHECK, HTTP_GET, SSL_GET, SMTP_CHECK, DNS_CHECK, MISC_CHECK, PING_CHECK, UDP_CHECK,
 * FILE_CHECK, BFD_CHECK, with install_checker_common_keywords() shared by all of them.
 * Defaults per kind (queue_checker + each *_handler): retry 1 (MISC 0, DNS 3),
 * delay_before_retry 1 s (HTTP/SSL 3 s, DNS = delay_loop); the rest is inherited from the
 * real server / virtual server by validateLvs().
 */
import type { Stmt, SourcePos } from '../types';
import { DiagnosticSink, type Diagnostic } from '../diagnostics';
import { applyTable, kw, type Ctx, type KeywordDef, type KeywordTable } from './table';
import type {
  BfdCheck,
  Checker,
  ConnOpts,
  DnsCheck,
  DnsType,
  FileCheck,
  HttpCheck,
  HttpUrl,
  MiscCheck,
  PingCheck,
  PolledChecker,
  RealServer,
  SmtpCheck,
  TcpCheck,
  UdpCheck,
  VirtualServer,
} from '../ast-lvs';
import { INT_MAX, UINT_MAX, nextSeq, needParam, cmdStr, kaTimerUs, kaTrueFalse, kaUnsigned, posOf, readHexStr, readMiscPath } from './lvs-values';
import { blockEnd, checkerRaw, type CheckerRaw } from './lvs-state';
import { formatRs } from './lvs-format';
import { parseIp, isLinkLocal6 } from '../../lib/ip';

export const DNS_TYPES: readonly DnsType[] = ['A', 'NS', 'CNAME', 'SOA', 'MX', 'TXT', 'AAAA', 'RRSIG', 'DNSKEY'];
export const DEFAULT_SMTP_HELO = 'smtpchecker.keepalived.org';
export const DEFAULT_DNS_NAME = '.';
export const DEFAULT_DNS_TYPE: DnsType = 'SOA';
export const HTTP_DEFAULT_STATUS: [number, number] = [200, 299];
/** Interface names are at most IFNAMSIZ - 1 bytes. */
const IFNAMSIZ = 16;
/** PCRE2 option names keepalived accepts in regex_options. */
export const REGEX_OPTIONS = [
  'allow_empty_class', 'alt_bsux', 'auto_callout', 'caseless', 'dollar_endonly', 'dotall', 'dupnames', 'extended',
  'firstline', 'match_unset_backref', 'multiline', 'never_ucp', 'never_utf', 'no_auto_capture', 'no_auto_possess',
  'no_dotstar_anchor', 'no_start_optimize', 'ungreedy', 'never_backslash_c', 'alt_circumflex', 'alt_verbnames',
  'use_offset_limit',
];

/** What a checker's keyword handlers can reach. */
export interface CkTarget<C extends Checker = Checker> {
  vs: VirtualServer;
  rs: RealServer;
  chk: C;
}

type ConnChecker = Extract<Checker, { conn: ConnOpts }>;

/* Parse-time extras not in the AST (positions for messages validateLvs reports later). */
/** Every `track_file` line of a FILE_CHECK, in order. */
export const fileTrackAttempts = new WeakMap<FileCheck, Array<{ name: string; pos: SourcePos }>>();
/** Every `name` line of a BFD_CHECK, in order, with the real server as printed then. */
export const bfdNameAttempts = new WeakMap<BfdCheck, Array<{ name: string | undefined; pos: SourcePos; rs: string }>>();
/** Reading order of MISC_CHECKs (for the first-script message of script users). */
export const miscSeq = new WeakMap<MiscCheck, number>();
/** Where a MISC_CHECK's `user` line was (validateLvs reports a failed lookup there). */
export const miscUserPos = new WeakMap<MiscCheck, Array<{ pos: SourcePos; cmd: string; user: string; group?: string }>>();
/** MISC_CHECKs without misc_path: validateLvs reports them unless their user line failed first. */
export const miscNoPath = new WeakSet<MiscCheck>();
/** Where a checker's block ends (for messages keepalived prints at the closing brace). */
export const checkerEndPos = new WeakMap<Checker, SourcePos>();
/** url blocks' parse-time regex state (pattern set, parameters set). */
const urlRegexParams = new WeakMap<HttpUrl, { paramsSet: boolean }>();

function newRaw(defaultRetry: number, defaultDelayBeforeRetryUs: number): CheckerRaw {
  return { dstIpSet: false, dstPortSet: false, defaultRetry, defaultDelayBeforeRetryUs, miscTimeoutSet: false };
}

function timingDefaults() {
  return { alpha: false, delayLoopUs: 0, warmupUs: 0, retry: 0, delayBeforeRetryUs: 0, logAllFailures: false };
}

function newConn(rs: RealServer): ConnOpts {
  return { dstIp: rs.ip, dstFamily: rs.family, dstPort: rs.port, connectTimeoutUs: rs.connectTimeoutUs, fwmark: 0 };
}

/* ------------------------------------------------- common checker keywords */

function bad(ctx: Ctx, st: Stmt, msg: string, code = 'LVS_BAD_CHECKER_VALUE'): void {
  ctx.sink.error(st.args[0] ?? st.kw, msg, code);
}

function rawOf(c: Checker): CheckerRaw {
  return checkerRaw.get(c)!;
}

function timerKw<C extends Checker>(field: 'delayLoopUs' | 'warmupUs' | 'delayBeforeRetryUs', minUs: number, msg?: (v: string) => string): KeywordDef<CkTarget<C>> {
  return kw<CkTarget<C>>((st, t, ctx) => {
    const tok = needParam(st, ctx.sink);
    if (!tok) return;
    const v = kaTimerUs(tok, minUs, undefined, ctx.sink);
    if (v === undefined) {
      if (msg) bad(ctx, st, msg(tok.text));
      return;
    }
    rawOf(t.chk)[field] = v;
  });
}

function boolKwC<C extends Checker>(set: (c: C, v: boolean) => void, msg: string): KeywordDef<CkTarget<C>> {
  return kw<CkTarget<C>>((st, t, ctx) => {
    const v = kaTrueFalse(st.args[0]);
    if (v === undefined) {
      bad(ctx, st, `${msg} ${st.args[0]!.text}`, 'LVS_BAD_BOOL');
      return;
    }
    set(t.chk, v);
  });
}

/** retry, delay_before_retry, warmup, delay_loop, alpha, log_all_failures */
function timingKeywords<C extends Checker>(): KeywordTable<CkTarget<C>> {
  return {
    retry: kw((st, t, ctx) => {
      const tok = needParam(st, ctx.sink);
      if (!tok) return;
      const v = kaUnsigned(tok, 0, UINT_MAX, ctx.sink);
      if (v === undefined) bad(ctx, st, `Invalid retry connection value '${tok.text}'`);
      else rawOf(t.chk).retry = v;
    }),
    delay_before_retry: timerKw<C>('delayBeforeRetryUs', 0, (v) => `Invalid delay_before_retry connection value '${v}'`),
    warmup: timerKw<C>('warmupUs', 0, (v) => `Invalid warmup connection value '${v}'`),
    delay_loop: timerKw<C>('delayLoopUs', 1, (v) => `delay_loop '${v}' is invalid - ignoring`),
    alpha: boolKwC<C>((c) => {
      rawOf(c).alpha = true;
    }, 'Invalid alpha parameter'),
    log_all_failures: boolKwC<C>((c, v) => {
      if ('logAllFailures' in c) c.logAllFailures = v;
    }, 'Invalid log_all_failures parameter'),
  };
}

/** connect_ip, connect_port, bindto, bind_port, bind_if, connect_timeout, fwmark */
function connKeywords<C extends ConnChecker>(connOf: (t: CkTarget<C>) => ConnOpts = (t) => t.chk.conn): KeywordTable<CkTarget<C>> {
  return {
    connect_ip: kw((st, t, ctx) => {
      const tok = needParam(st, ctx.sink);
      if (!tok) return;
      const co = connOf(t);
      const ip = parseIp(tok.text);
      if (!ip) {
        bad(ctx, st, `Invalid connect_ip address ${tok.text} - ignoring`);
        // keepalived has already overwritten the destination's family: no link-local check
        // (an SMTP_CHECK's own destination is filled in from the real server at the end)
        if (t.chk.kind !== 'SMTP_CHECK' || smtpHostShadows.has(t.chk)) rawOf(t.chk).dstBroken = true;
        return;
      }
      if (co.bindFamily !== undefined && co.bindFamily !== ip.family) {
        bad(ctx, st, `connect_ip address ${tok.text} does not match address family of bindto - skipping`);
        return;
      }
      co.dstIp = ip.text;
      co.dstFamily = ip.family;
      rawOf(t.chk).dstIpSet = true;
      rawOf(t.chk).connConfigured = true;
    }),
    connect_port: kw((st, t, ctx) => {
      const tok = needParam(st, ctx.sink);
      if (!tok) return;
      const v = kaUnsigned(tok, 1, 65535, ctx.sink);
      if (v === undefined) bad(ctx, st, `Invalid checker connect_port '${tok.text}'`);
      else {
        connOf(t).dstPort = v;
        rawOf(t.chk).dstPortSet = true;
        rawOf(t.chk).connConfigured = true;
      }
    }),
    bindto: kw((st, t, ctx) => {
      const tok = needParam(st, ctx.sink);
      if (!tok) return;
      const co = connOf(t);
      const ip = parseIp(tok.text);
      if (!ip) {
        bad(ctx, st, `Invalid bindto address ${tok.text} - ignoring`);
        return;
      }
      // an SMTP_CHECK's own destination is unknown while reading unless connect_ip was given
      const dstKnown = t.chk.kind !== 'SMTP_CHECK' || rawOf(t.chk).dstIpSet || smtpHostShadows.has(t.chk);
      if (dstKnown && co.dstFamily !== ip.family) {
        bad(ctx, st, `bindto address ${tok.text} does not match address family of connect_ip - skipping`);
        return;
      }
      co.bindIp = ip.text;
      co.bindFamily = ip.family;
      rawOf(t.chk).connConfigured = true;
    }),
    bind_port: kw((st, t, ctx) => {
      const tok = needParam(st, ctx.sink);
      if (!tok) return;
      const v = kaUnsigned(tok, 1, 65535, ctx.sink);
      if (v === undefined) bad(ctx, st, `Invalid checker bind_port '${tok.text}'`);
      else {
        connOf(t).bindPort = v;
        rawOf(t.chk).connConfigured = true;
      }
    }),
    bind_if: kw((st, t, ctx) => {
      const tok = needParam(st, ctx.sink);
      if (!tok) return;
      if (Buffer.byteLength(tok.text) > IFNAMSIZ - 1) {
        bad(ctx, st, `Interface name ${tok.text} is too long - ignoring`);
        return;
      }
      connOf(t).bindIf = tok.text;
      rawOf(t.chk).connConfigured = true;
    }),
    connect_timeout: kw((st, t, ctx) => {
      const tok = needParam(st, ctx.sink);
      if (!tok) return;
      const v = kaTimerUs(tok, 1, UINT_MAX, ctx.sink);
      if (v === undefined) bad(ctx, st, `connect_timeout ${tok.text} invalid - ignoring`);
      else {
        connOf(t).connectTimeoutUs = v;
        rawOf(t.chk).connectTimeoutUs = v;
      }
    }),
    fwmark: kw((st, t, ctx) => {
      const tok = needParam(st, ctx.sink);
      if (!tok) return;
      const v = kaUnsigned(tok, 0, UINT_MAX, ctx.sink);
      if (v === undefined) bad(ctx, st, `Invalid fwmark connection value '${tok.text}'`);
      else {
        connOf(t).fwmark = v;
        rawOf(t.chk).connConfigured = true;
      }
    }),
  };
}

/** check_conn_opts(): an IPv6 link-local destination needs bind_if. */
function checkConnOpts(co: ConnOpts, at: SourcePos, ctx: Ctx, raw?: CheckerRaw): boolean {
  if (raw?.dstBroken) return true;
  const ip = parseIp(co.dstIp);
  if (ip && isLinkLocal6(ip) && !co.bindIf) {
    ctx.sink.error(at, `Checker link local address ${co.dstIp} requires a bind_if`, 'LVS_LINKLOCAL_NO_BIND_IF');
    return false;
  }
  return true;
}

/* ----------------------------------------------------------------- checkers */

/** Queue a new checker on the real server and run its block. */
function runChecker<C extends Checker, T extends CkTarget<C> = CkTarget<C>>(
  st: Stmt,
  t: { vs: VirtualServer; rs: RealServer },
  ctx: Ctx,
  chk: C,
  raw: CheckerRaw,
  table: KeywordTable<T>,
): T {
  checkerRaw.set(chk, raw);
  t.rs.checkers.push(chk);
  const target = { vs: t.vs, rs: t.rs, chk } as T;
  applyTable(st.children ?? [], table, target, ctx);
  return target;
}

function dequeue(rs: RealServer, chk: Checker): void {
  const i = rs.checkers.lastIndexOf(chk);
  if (i >= 0) rs.checkers.splice(i, 1);
}

const tcpTable: KeywordTable<CkTarget<TcpCheck>> = { ...connKeywords<TcpCheck>(), ...timingKeywords<TcpCheck>() };
const pingTable: KeywordTable<CkTarget<PingCheck>> = { ...connKeywords<PingCheck>(), ...timingKeywords<PingCheck>() };

/* HTTP_GET / SSL_GET */

function urlOf(t: CkTarget<HttpCheck>): HttpUrl {
  return t.chk.urls[t.chk.urls.length - 1]!;
}

function regexParam(t: CkTarget<HttpCheck>): void {
  const u = urlOf(t);
  const p = urlRegexParams.get(u);
  if (p) p.paramsSet = true;
}

function regexOf(u: HttpUrl) {
  if (!u.regex) u.regex = { pattern: '', options: [], noMatch: false, minOffset: 0 };
  return u.regex;
}

const urlTable: KeywordTable<CkTarget<HttpCheck>> = {
  path: kw((st, t, ctx) => {
    const tok = needParam(st, ctx.sink);
    if (tok) urlOf(t).path = tok.text;
  }),
  digest: kw((st, t, ctx) => {
    const tok = needParam(st, ctx.sink);
    if (!tok) return;
    const u = urlOf(t);
    const d = tok.text;
    if (u.digest !== undefined) {
      bad(ctx, st, `Digest '${d}' is a duplicate`, 'LVS_BAD_DIGEST');
      return;
    }
    if (d.length !== 32) {
      bad(ctx, st, `digest '${d}' character length should be 32 rather than ${Buffer.byteLength(d)}`, 'LVS_BAD_DIGEST');
      return;
    }
    // keepalived converts from the last pair backwards and reports the first bad pair it meets
    for (let i = 15; i >= 0; i--) {
      if (!/^[0-9a-fA-F]{2}$/.test(d.slice(2 * i, 2 * i + 2))) {
        bad(ctx, st, `Unable to interpret hex digit in '${d}' at offset ${2 * i}/${2 * i + 1}`, 'LVS_BAD_DIGEST');
        return;
      }
    }
    u.digest = d.toLowerCase();
  }),
  status_code: kw((st, t, ctx) => {
    const u = urlOf(t);
    for (const a of st.args) {
      const m = /^(\d+)(?:-(\d+))?$/.exec(a.text);
      const min = m ? Number(m[1]) : NaN;
      const max = m ? Number(m[2] ?? m[1]) : NaN;
      if (!m || min < 100 || min > 999 || max < 100 || max > 999 || min > max) {
        ctx.sink.error(a, `Invalid HTTP_GET status code '${a.text}'`, 'LVS_BAD_STATUS_CODE');
        continue;
      }
      u.statusCodes.push([min, max]);
    }
  }),
  virtualhost: kw((st, t, ctx) => {
    if (!st.args[0]) {
      ctx.sink.error(st.kw, 'Missing HTTP_GET virtualhost name', 'LVS_MISSING_VALUE');
      return;
    }
    urlOf(t).virtualhost = st.args[0].text;
  }),
  regex: kw((st, t, ctx) => {
    if (st.args.length !== 1) {
      ctx.sink.report(st.kw, 'info', 'regex missing or too many fields', 'LVS_BAD_REGEX');
      return;
    }
    regexOf(urlOf(t)).pattern = st.args[0]!.text;
  }),
  regex_no_match: kw((_st, t) => {
    regexOf(urlOf(t)).noMatch = true;
    regexParam(t);
  }),
  regex_options: kw((st, t) => {
    const r = regexOf(urlOf(t));
    for (const a of st.args) if (REGEX_OPTIONS.includes(a.text) && !r.options.includes(a.text)) r.options.push(a.text);
    regexParam(t);
  }),
  regex_min_offset: kw((st, t, ctx) => {
    const r = regexOf(urlOf(t));
    regexParam(t);
    if (st.args.length !== 1) {
      ctx.sink.report(st.kw, 'info', 'Missing or too may options for regex_min_offset', 'LVS_BAD_REGEX');
      r.minOffset = 0;
      return;
    }
    const v = /^\d+$/.test(st.args[0]!.text) ? Number(st.args[0]!.text) : undefined;
    if (v === undefined) ctx.sink.report(st.kw, 'info', `Invalid regex_min_offset ${st.args[0]!.text} specified`, 'LVS_BAD_REGEX');
    r.minOffset = v ?? 0;
  }),
  regex_max_offset: kw((st, t, ctx) => {
    const r = regexOf(urlOf(t));
    regexParam(t);
    if (st.args.length !== 1) {
      ctx.sink.report(st.kw, 'info', 'Missing or too may options for regex_max_offset', 'LVS_BAD_REGEX');
      r.maxOffset = 0;
      return;
    }
    const v = /^\d+$/.test(st.args[0]!.text) ? Number(st.args[0]!.text) : undefined;
    if (v === undefined) ctx.sink.report(st.kw, 'info', `Invalid regex_max_offset ${st.args[0]!.text} specified`, 'LVS_BAD_REGEX');
    r.maxOffset = v ?? 0;
  }),
  regex_stack: kw((st, t, ctx) => {
    const r = regexOf(urlOf(t));
    regexParam(t);
    if (st.args.length !== 2) {
      ctx.sink.report(st.kw, 'info', 'regex_stack requires start and max values', 'LVS_BAD_REGEX');
      return;
    }
    const [a, b] = [st.args[0]!.text, st.args[1]!.text];
    if (!/^\d+$/.test(a)) return ctx.sink.report(st.kw, 'info', 'regex_stack invalid start value', 'LVS_BAD_REGEX');
    if (!/^\d+$/.test(b)) return ctx.sink.report(st.kw, 'info', 'regex_stack invalid max value', 'LVS_BAD_REGEX');
    if (Number(a) > Number(b)) return ctx.sink.report(st.kw, 'info', 'regex stack start cannot exceed max value', 'LVS_BAD_REGEX');
    r.stack = { start: Number(a), max: Number(b) };
  }),
};

/** Sort and merge status code ranges (keepalived keeps them as a bit array). */
export function normaliseStatusCodes(ranges: Array<[number, number]>): Array<[number, number]> {
  const s = [...ranges].sort((x, y) => x[0] - y[0]);
  const out: Array<[number, number]> = [];
  for (const r of s) {
    const last = out[out.length - 1];
    if (last && r[0] <= last[1] + 1) last[1] = Math.max(last[1], r[1]);
    else out.push([r[0], r[1]]);
  }
  return out;
}

function urlBlock(st: Stmt, t: CkTarget<HttpCheck>, ctx: Ctx): void {
  const u: HttpUrl = { path: '', statusCodes: [], pos: posOf(st.kw) };
  t.chk.urls.push(u);
  urlRegexParams.set(u, { paramsSet: false });
  let hasPath = false;
  const pathKw = urlTable['path']!;
  const table: KeywordTable<CkTarget<HttpCheck>> = {
    ...urlTable,
    path: kw((s, tt, c) => {
      if (s.args[0]) hasPath = true;
      pathKw.handler(s, tt, c);
    }),
  };
  applyTable(st.children ?? [], table, t, ctx);
  const end = blockEnd(st, posOf(st.kw));
  if (!hasPath) {
    ctx.sink.error(end, 'HTTP/SSL_GET checker url has no path - ignoring', 'LVS_URL_NO_PATH');
    t.chk.urls.pop();
    return;
  }
  u.statusCodes = u.statusCodes.length ? normaliseStatusCodes(u.statusCodes) : [[...HTTP_DEFAULT_STATUS]];
  if (u.regex && !u.regex.pattern) {
    ctx.sink.report(end, 'info', 'regex parameters specified without regex', 'LVS_REGEX_PARAMS');
    delete u.regex;
  } else if (u.regex && u.regex.maxOffset !== undefined && u.regex.maxOffset !== 0 && u.regex.minOffset > u.regex.maxOffset) {
    ctx.sink.report(end, 'info', `regex min offset ${u.regex.minOffset} > regex_max_offset ${u.regex.maxOffset} - ignoring`, 'LVS_REGEX_PARAMS');
    u.regex.minOffset = 0;
    delete u.regex.maxOffset;
  }
}

const httpTable: KeywordTable<CkTarget<HttpCheck>> = {
  ...connKeywords<HttpCheck>(),
  ...timingKeywords<HttpCheck>(),
  nb_get_retry: kw((st, t, ctx) => {
    ctx.sink.error(st.kw, "nb_get_retry is deprecated - please use 'retry'", 'CFG_DEPRECATED');
    const tok = needParam(st, ctx.sink);
    if (!tok) return;
    const v = kaUnsigned(tok, 0, UINT_MAX, ctx.sink);
    if (v === undefined) bad(ctx, st, `Invalid nb_get_retry value '${tok.text}'`);
    else rawOf(t.chk).retry = v;
  }),
  virtualhost: kw((st, t, ctx) => {
    if (!st.args[0]) {
      ctx.sink.error(st.kw, 'HTTP_GET virtualhost name missing', 'LVS_MISSING_VALUE');
      return;
    }
    t.chk.virtualhost = st.args[0].text;
  }),
  http_protocol: kw((st, t, ctx) => {
    const tok = st.args[0];
    if (!tok) {
      ctx.sink.error(st.kw, 'Missing http_protocol version', 'LVS_MISSING_VALUE');
      return;
    }
    if (tok.text === '1.0' || tok.text === '1.1') t.chk.httpProtocol = tok.text;
    else if (tok.text === '1.0C' || tok.text === '1.0c') t.chk.httpProtocol = '1.0C';
    else ctx.sink.error(tok, `Invalid http_protocol version ${tok.text}`, 'LVS_BAD_HTTP_PROTOCOL');
  }),
  enable_sni: boolKwC<HttpCheck>((c, v) => {
    c.enableSni = v;
  }, 'Invalid enable_sni parameter'),
  fast_recovery: boolKwC<HttpCheck>((c, v) => {
    c.fastRecovery = v;
  }, 'Invalid fast_recovery parameter'),
  url: kw((st, t, ctx) => urlBlock(st, t, ctx), { block: true }),
};

function httpKeyword(kind: 'HTTP_GET' | 'SSL_GET'): KeywordDef<{ vs: VirtualServer; rs: RealServer }> {
  return kw(
    (st, t, ctx) => {
      const chk: HttpCheck = {
        kind,
        conn: newConn(t.rs),
        httpProtocol: '1.0',
        enableSni: false,
        fastRecovery: false,
        urls: [],
        pos: posOf(st.kw),
        ...timingDefaults(),
      };
      runChecker(st, t, ctx, chk, newRaw(1, 3_000_000), httpTable);
      const end = blockEnd(st, posOf(st.kw));
      if (chk.urls.length === 0) {
        ctx.sink.error(end, 'HTTP/SSL_GET checker has no urls specified - ignoring', 'LVS_HTTP_NO_URL');
        dequeue(t.rs, chk);
        return;
      }
      if (!checkConnOpts(chk.conn, end, ctx, rawOf(chk))) dequeue(t.rs, chk);
    },
    { block: true },
  );
}

/* SMTP_CHECK (with the deprecated host { } sub-blocks) */

interface SmtpTarget extends CkTarget<SmtpCheck> {
  hosts: Array<{ conn: ConnOpts; raw: CheckerRaw }>;
  hostBlocks: number;
}

/** The stand-in checkers host{} blocks are read into. */
const smtpHostShadows = new WeakSet<Checker>();
const smtpTable: KeywordTable<SmtpTarget> = {
  helo_name: kw((st, t, ctx) => {
    if (!st.args[0]) {
      ctx.sink.error(st.kw, 'SMTP_CHECK helo name missing', 'LVS_MISSING_VALUE');
      return;
    }
    t.chk.heloName = st.args[0].text;
  }),
  ...connKeywords<SmtpCheck>(),
  ...timingKeywords<SmtpCheck>(),
  host: kw<SmtpTarget>(
    (st, t, ctx) => {
      ctx.sink.report(st.kw, 'info', 'The SMTP_CHECK host block is deprecated. Please define additional checkers.', 'CFG_DEPRECATED');
      // a host starts from the real server's address, not from the checker's own options
      const conn: ConnOpts = newConn(t.rs);
      const raw: CheckerRaw = { ...rawOf(t.chk), dstIpSet: false, dstPortSet: false, dstBroken: false, connConfigured: false };
      delete raw.connectTimeoutUs;
      // a shadow checker so the connection keywords can record what was set
      const shadow: SmtpCheck = { ...t.chk, conn };
      checkerRaw.set(shadow, raw);
      smtpHostShadows.add(shadow);
      applyTable(st.children ?? [], { ...connKeywords<SmtpCheck>(), ...timingKeywords<SmtpCheck>() }, { vs: t.vs, rs: t.rs, chk: shadow }, ctx);
      if (checkConnOpts(conn, blockEnd(st, posOf(st.kw)), ctx, raw)) t.hosts.push({ conn, raw });
      t.hostBlocks++;
    },
    { block: true },
  ),
};

const smtpKeyword = kw<{ vs: VirtualServer; rs: RealServer }>(
  (st, t, ctx) => {
    const chk: SmtpCheck = {
      kind: 'SMTP_CHECK',
      conn: newConn(t.rs),
      heloName: DEFAULT_SMTP_HELO,
      fromHostBlock: false,
      pos: posOf(st.kw),
      ...timingDefaults(),
    };
    const raw = newRaw(1, 1_000_000);
    checkerRaw.set(chk, raw);
    t.rs.checkers.push(chk);
    const target: SmtpTarget = { vs: t.vs, rs: t.rs, chk, hosts: [], hostBlocks: 0 };
    applyTable(st.children ?? [], smtpTable, target, ctx);
    const end = blockEnd(st, posOf(st.kw));
    // keepalived 2.2.7: when the checker's own connection options were configured it stays a
    // checker (and is checked); otherwise valid host{} blocks replace it ("The main ip of the
    // real server ... must explicitly be checked by a host directive"), and only without any
    // valid host is the real server itself checked. Each valid host{} is a checker with the
    // checker's other settings.
    const hosts = [...target.hosts];
    if (raw.connConfigured || hosts.length === 0) {
      if (!checkConnOpts(chk.conn, end, ctx, raw)) {
        dequeue(t.rs, chk);
        return;
      }
    } else dequeue(t.rs, chk);
    for (const h of hosts) {
      const copy: SmtpCheck = { ...chk, conn: h.conn, fromHostBlock: true };
      const r: CheckerRaw = { ...raw, ...pickDefined(h.raw) };
      if (h.raw.connectTimeoutUs === undefined) delete r.connectTimeoutUs;
      checkerRaw.set(copy, r);
      t.rs.checkers.push(copy);
    }
  },
  { block: true },
);

function pickDefined(r: CheckerRaw): Partial<CheckerRaw> {
  const o: Partial<CheckerRaw> = {};
  for (const [k, v] of Object.entries(r)) if (v !== undefined) (o as Record<string, unknown>)[k] = v;
  return o;
}

/* DNS_CHECK */

const dnsTable: KeywordTable<CkTarget<DnsCheck> & { nameSet?: boolean }> = {
  ...connKeywords<DnsCheck>(),
  ...timingKeywords<DnsCheck>(),
  type: kw((st, t, ctx) => {
    const tok = needParam(st, ctx.sink);
    if (!tok) return;
    const ty = DNS_TYPES.find((x) => x === tok.text.toUpperCase());
    if (!ty) ctx.sink.error(tok, `Unknown DNS check type ${tok.text} - ignoring`, 'LVS_BAD_DNS_TYPE');
    else t.chk.type = ty;
  }),
  name: kw((st, t, ctx) => {
    const tok = needParam(st, ctx.sink);
    if (!tok) return;
    if (t.nameSet) {
      ctx.sink.error(st.kw, 'DNS_CHECK name already specified - ignoring', 'LVS_DNS_NAME_DUP');
      return;
    }
    const name = tok.text;
    // keepalived's test, quirk included: it looks at the character after the start of the
    // name and after every '.', so `a.b` (second character '.') counts as an empty label
    let invalid = name.startsWith('.') && name.length > 1;
    for (let p = 0; !invalid && p >= 0; p = name.indexOf('.', p + 1)) if (name[p + 1] === '.') invalid = true;
    if (invalid) {
      ctx.sink.error(tok, `DNS_CHECK name '${name}' has empty label - ignoring`, 'LVS_BAD_DNS_NAME');
      return;
    }
    t.chk.name = name;
    t.nameSet = true;
  }),
};

const dnsKeyword = kw<{ vs: VirtualServer; rs: RealServer }>(
  (st, t, ctx) => {
    const chk: DnsCheck = { kind: 'DNS_CHECK', conn: newConn(t.rs), type: DEFAULT_DNS_TYPE, name: DEFAULT_DNS_NAME, pos: posOf(st.kw), ...timingDefaults() };
    runChecker(st, t, ctx, chk, newRaw(3, 0), dnsTable);
    if (!checkConnOpts(chk.conn, blockEnd(st, posOf(st.kw)), ctx, rawOf(chk))) dequeue(t.rs, chk);
  },
  { block: true },
);

/* MISC_CHECK */

const miscTable: KeywordTable<CkTarget<MiscCheck> & { pathSet?: boolean }> = {
  ...timingKeywords<MiscCheck>(),
  misc_path: kw((st, t) => {
    const s = readMiscPath(st);
    if (s) {
      t.chk.script = s;
      t.pathSet = true;
    }
  }),
  misc_timeout: kw((st, t, ctx) => {
    const tok = needParam(st, ctx.sink);
    if (!tok) return;
    const v = kaUnsigned(tok, 0, Math.floor(UINT_MAX / 1_000_000), ctx.sink);
    if (v === undefined) {
      bad(ctx, st, `Invalid misc_timeout value '${tok.text}'`);
      return;
    }
    t.chk.timeoutUs = v * 1_000_000;
    rawOf(t.chk).miscTimeoutSet = v !== 0;
  }),
  misc_dynamic: kw((_st, t) => {
    t.chk.dynamic = true;
  }),
  user: kw((st, t, ctx) => {
    if (!st.args[0]) {
      ctx.sink.error(st.kw, `No user specified for misc checker script ${cmdStr(t.pathSet ? t.chk.script : undefined)}`, 'LVS_MISC_NO_USER');
      return;
    }
    t.chk.script.user = st.args[0].text;
    if (st.args[1]) t.chk.script.group = st.args[1].text;
    else delete t.chk.script.group;
    const list = miscUserPos.get(t.chk) ?? [];
    list.push({ pos: posOf(st.kw), cmd: cmdStr(t.pathSet ? t.chk.script : undefined), user: st.args[0].text, ...(st.args[1] ? { group: st.args[1].text } : {}) });
    miscUserPos.set(t.chk, list);
  }),
};

/**
 * After a `user NAME` line keepalived may already have removed the checker (unknown user), and
 * then ignores the rest of the block. User lookups happen in validateLvs, so messages of later
 * lines are held (miscDeferred) and only reported if the user turns out to exist.
 */
export const miscDeferred = new WeakMap<MiscCheck, Diagnostic[]>();
const miscTableDeferring: typeof miscTable = {};
const MISC_OWN = new Set(['misc_path', 'misc_timeout', 'misc_dynamic', 'user']);
for (const [name, def] of Object.entries(miscTable)) {
  if (!MISC_OWN.has(name)) {
    // the common keywords still print their messages in keepalived
    miscTableDeferring[name] = def;
    continue;
  }
  miscTableDeferring[name] = {
    ...def,
    handler: (st, t, ctx) => {
      if (!miscUserPos.has(t.chk)) return def.handler(st, t, ctx);
      const held = new DiagnosticSink();
      def.handler(st, t, { ...ctx, sink: held });
      const list = miscDeferred.get(t.chk) ?? [];
      list.push(...held.items);
      miscDeferred.set(t.chk, list);
    },
  };
}

const miscKeyword = kw<{ vs: VirtualServer; rs: RealServer }>(
  (st, t, ctx) => {
    const chk: MiscCheck = {
      kind: 'MISC_CHECK',
      script: { argv: [], cmd: '', pos: posOf(st.kw) },
      timeoutUs: 0,
      dynamic: false,
      pos: posOf(st.kw),
      ...timingDefaults(),
    };
    const target = runChecker(st, t, ctx, chk, newRaw(0, 1_000_000), miscTableDeferring);
    // the default user of a MISC_CHECK is resolved at the end of its block
    miscSeq.set(chk, nextSeq());
    checkerEndPos.set(chk, blockEnd(st, posOf(st.kw)));
    if (!target.pathSet) miscNoPath.add(chk);
  },
  { block: true },
);

/* UDP_CHECK */

const udpTable: KeywordTable<CkTarget<UdpCheck>> = {
  ...connKeywords<UdpCheck>(),
  ...timingKeywords<UdpCheck>(),
  payload: kw((st, t, ctx) => {
    if (st.args.length === 0) {
      ctx.sink.error(st.kw, 'UDP_CHECK payload requires a payload', 'LVS_UDP_PAYLOAD');
      return;
    }
    const h = readHexStr(st.args.map((a) => a.text).join(' '), false);
    if (!h) ctx.sink.error(st.args[0], 'Invalid hex string for UDP_CHECK payload', 'LVS_UDP_PAYLOAD');
    else t.chk.payload = h.data;
  }),
  require_reply: kw((st, t, ctx) => {
    t.chk.requireReply = true;
    if (st.args.length === 0) return;
    const h = readHexStr(st.args.map((a) => a.text).join(' '), true);
    if (!h) {
      ctx.sink.error(st.args[0], 'Invalid hex string for UDP_CHECK reply', 'LVS_UDP_REPLY');
      return;
    }
    t.chk.replyData = h.data;
    if (h.mask) t.chk.replyMask = h.mask;
  }),
  min_reply_length: kw((st, t, ctx) => {
    const tok = needParam(st, ctx.sink);
    if (!tok) return;
    const v = kaUnsigned(tok, 0, 65535, ctx.sink);
    if (v === undefined) bad(ctx, st, `UDP_CHECK min length ${tok.text} not valid - must be between 0 & 65535`);
    else t.chk.minReplyLength = v;
  }),
  max_reply_length: kw((st, t, ctx) => {
    const tok = needParam(st, ctx.sink);
    if (!tok) return;
    const v = kaUnsigned(tok, 0, 65535, ctx.sink);
    if (v === undefined) bad(ctx, st, `UDP_CHECK max length ${tok.text} not valid - must be between 0 & 65535`);
    else t.chk.maxReplyLength = v;
  }),
};

const udpKeyword = kw<{ vs: VirtualServer; rs: RealServer }>(
  (st, t, ctx) => {
    const chk: UdpCheck = {
      kind: 'UDP_CHECK',
      conn: newConn(t.rs),
      requireReply: false,
      minReplyLength: 0,
      maxReplyLength: 255,
      pos: posOf(st.kw),
      ...timingDefaults(),
    };
    runChecker(st, t, ctx, chk, newRaw(1, 1_000_000), udpTable);
    const end = blockEnd(st, posOf(st.kw));
    if (!checkConnOpts(chk.conn, end, ctx, rawOf(chk))) {
      dequeue(t.rs, chk);
      return;
    }
    if (chk.minReplyLength > chk.maxReplyLength) {
      ctx.sink.error(end, `UDP_CHECK min_reply length ${chk.minReplyLength} > max_reply_length ${chk.maxReplyLength} - will always fail`, 'LVS_UDP_LENGTHS');
    }
  },
  { block: true },
);

/* TCP_CHECK, PING_CHECK */

function simpleConnKeyword(kind: 'TCP_CHECK' | 'PING_CHECK'): KeywordDef<{ vs: VirtualServer; rs: RealServer }> {
  return kw(
    (st, t, ctx) => {
      const chk = { kind, conn: newConn(t.rs), pos: posOf(st.kw), ...timingDefaults() } as TcpCheck | PingCheck;
      if (chk.kind === 'TCP_CHECK') runChecker(st, t, ctx, chk, newRaw(1, 1_000_000), tcpTable);
      else runChecker(st, t, ctx, chk, newRaw(1, 1_000_000), pingTable);
      if (!checkConnOpts(chk.conn, blockEnd(st, posOf(st.kw)), ctx, rawOf(chk))) dequeue(t.rs, chk);
    },
    { block: true },
  );
}

/* FILE_CHECK */

const fileTable: KeywordTable<CkTarget<FileCheck>> = {
  track_file: kw((st, t, ctx) => {
    const tok = needParam(st, ctx.sink);
    if (!tok) return;
    // looked up by validateLvs in order: a name not found leaves the previous one
    const list = fileTrackAttempts.get(t.chk) ?? [];
    list.push({ name: tok.text, pos: posOf(st.kw) });
    fileTrackAttempts.set(t.chk, list);
    t.chk.trackFile = tok.text;
  }),
  weight: kw((st, t, ctx) => {
    const tok = st.args[0];
    if (!tok) {
      ctx.sink.error(st.kw, 'track file weight missing', 'LVS_MISSING_VALUE');
      return;
    }
    const v = readSignedInt(tok.text);
    if (v === undefined || v < -INT_MAX || v > INT_MAX) {
      if (v === undefined) ctx.sink.error(tok, `invalid number '${tok.text}'`, 'CFG_BAD_NUMBER');
      else ctx.sink.error(tok, `number '${tok.text}' outside range [${-INT_MAX}, ${INT_MAX}]`, 'CFG_OUT_OF_RANGE');
      ctx.sink.error(tok, `weight for track file must be in [${-INT_MAX}..${INT_MAX}] inclusive. Ignoring...`, 'LVS_BAD_WEIGHT');
      return;
    }
    // as 2.2.7: an unknown option drops the whole line (weight included)
    const opt = st.args[1];
    if (opt && opt.text !== 'reverse' && opt.text !== 'noreverse') {
      ctx.sink.error(opt, `unknown track file weight option ${opt.text} - ignoring`, 'LVS_BAD_WEIGHT_OPTION');
      return;
    }
    t.chk.weight = v;
    t.chk.reverse = opt?.text === 'reverse';
  }),
};

function readSignedInt(s: string): number | undefined {
  if (!/^[+-]?\d+$/.test(s)) return undefined;
  return Number(s);
}

const fileKeyword = kw<{ vs: VirtualServer; rs: RealServer }>(
  (st, t, ctx) => {
    // weight 0 = not given: the track_file's weight is taken when the name is resolved (lvs-validate)
    const chk: FileCheck = { kind: 'FILE_CHECK', trackFile: '', weight: 0, reverse: false, pos: posOf(st.kw) };
    runChecker(st, t, ctx, chk, newRaw(1, 1_000_000), fileTable);
    checkerEndPos.set(chk, blockEnd(st, posOf(st.kw)));
    if (!chk.trackFile) {
      ctx.sink.error(blockEnd(st, posOf(st.kw)), 'FILE_CHECK has no track_file specified - ignoring', 'LVS_FILE_NO_TRACK');
      dequeue(t.rs, chk);
    }
  },
  { block: true },
);

/* BFD_CHECK */

const bfdTable: KeywordTable<CkTarget<BfdCheck>> = {
  name: kw((st, t) => {
    // looked up by validateLvs in order (keepalived does it while reading); the first bad
    // line drops the checker and keepalived ignores the rest of its block
    const list = bfdNameAttempts.get(t.chk) ?? [];
    list.push({ name: st.args.length === 1 ? st.args[0]!.text : undefined, pos: posOf(st.kw), rs: formatRs(t.rs, t.vs) });
    bfdNameAttempts.set(t.chk, list);
    if (!t.chk.name && st.args.length === 1) t.chk.name = st.args[0]!.text;
  }),
  alpha: boolKwC<BfdCheck>((c, v) => {
    c.alpha = v;
  }, 'Invalid alpha parameter'),
};

const bfdKeyword = kw<{ vs: VirtualServer; rs: RealServer }>(
  (st, t, ctx) => {
    const chk: BfdCheck = { kind: 'BFD_CHECK', name: '', alpha: false, pos: posOf(st.kw) };
    runChecker(st, t, ctx, chk, newRaw(1, 1_000_000), bfdTable);
    if (!bfdNameAttempts.has(chk)) {
      ctx.sink.error(blockEnd(st, posOf(st.kw)), `(${formatRs(t.rs, t.vs)}) No name has been specified for BFD_CHECKER - skipping`, 'LVS_BFD_NO_NAME');
      dequeue(t.rs, chk);
    }
  },
  { block: true },
);

/** The checker keywords of a real_server block. */
export const rsCheckerKeywords: KeywordTable<{ vs: VirtualServer; rs: RealServer }> = {
  TCP_CHECK: simpleConnKeyword('TCP_CHECK'),
  HTTP_GET: httpKeyword('HTTP_GET'),
  SSL_GET: httpKeyword('SSL_GET'),
  SMTP_CHECK: smtpKeyword,
  DNS_CHECK: dnsKeyword,
  MISC_CHECK: miscKeyword,
  PING_CHECK: simpleConnKeyword('PING_CHECK'),
  UDP_CHECK: udpKeyword,
  FILE_CHECK: fileKeyword,
  BFD_CHECK: bfdKeyword,
};

/** True for checkers the scheduler polls (everything except FILE_CHECK and BFD_CHECK). */
export function isPolled(c: Checker): c is PolledChecker {
  return c.kind !== 'FILE_CHECK' && c.kind !== 'BFD_CHECK';
}
