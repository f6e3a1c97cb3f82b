/**
 * The keepalived 2.2.7 command line (core/main.c `parse_cmdline`), parsed into a typed Options.
 *
 * keepalived uses getopt_long, whose rules differ from commander's in ways operators' unit files
 * depend on: optional arguments only attach as `-tFILE` / `--config-test=FILE` (never as the next
 * word), short flags bundle (`-nlD`), long options may be abbreviated when unambiguous, and
 * non-option words are collected ("Unexpected argument(s)") rather than fatal. So parsing is two
 * passes: normalise() applies getopt's rules using OPTION_SPECS (the single table of options),
 * producing canonical `--long[=value]` words; commander then parses those into typed values.
 *
 * Never throws: bad input yields keepalived's message and exit code (`{kind: 'exit'}`), or a
 * warning with keepalived's text when keepalived itself carries on (bad -S, bad -u).
 */
import { Command, Option } from 'commander';
import * as os from 'node:os';

export const DEFAULT_CONF_FILE = '/etc/keepalived/keepalived.conf';

export type ArgKind = 'none' | 'required' | 'optional';

export interface OptionSpec {
  short?: string;
  long: string;
  arg: ArgKind;
  /** Name of the argument in the usage text. */
  argName?: string;
  /** Usage text lines (keepalived's wording). */
  help: string[];
  /** Options we add beyond keepalived's. */
  ours?: boolean;
  /** Accepted for compatibility, not shown in usage (keepalived's debug/internal builds). */
  hidden?: boolean;
}

/** Every keepalived 2.2.7 option, in keepalived's usage order, then ours. */
export const OPTION_SPECS: readonly OptionSpec[] = [
  { short: 'f', long: 'use-file', arg: 'required', argName: 'FILE', help: ['Use the specified configuration file', ` default '${DEFAULT_CONF_FILE}'`] },
  { short: 'P', long: 'vrrp', arg: 'none', help: ['Only run with VRRP subsystem'] },
  { short: 'C', long: 'check', arg: 'none', help: ['Only run with Health-checker subsystem'] },
  { short: 'B', long: 'no_bfd', arg: 'none', help: ["Don't run BFD subsystem"] },
  { long: 'all', arg: 'none', help: ['Force all child processes to run, even if have no configuration'] },
  { short: 'l', long: 'log-console', arg: 'none', help: ['Log messages to local console'] },
  { short: 'D', long: 'log-detail', arg: 'none', help: ['Detailed log messages'] },
  { short: 'S', long: 'log-facility', arg: 'required', argName: '([0-7]|local[0-7]|user|daemon)', help: ['Set syslog facility to LOG_LOCAL[0-7], user or daemon (default)'] },
  { short: 'g', long: 'log-file', arg: 'optional', argName: 'FILE', help: ['Also log to FILE (default /tmp/keepalived.log)'] },
  { long: 'flush-log-file', arg: 'none', help: ['Flush log file on write'] },
  { short: 'G', long: 'no-syslog', arg: 'none', help: ["Don't log via syslog"] },
  { short: 'u', long: 'umask', arg: 'required', argName: 'MASK', help: ['umask for file creation (in numeric form)'] },
  { short: 'X', long: 'release-vips', arg: 'none', help: ['Drop VIP on transition from signal.'] },
  { short: 'V', long: 'dont-release-vrrp', arg: 'none', help: ["Don't remove VRRP VIPs and VROUTEs on daemon stop"] },
  { short: 'I', long: 'dont-release-ipvs', arg: 'none', help: ["Don't remove IPVS topology on daemon stop"] },
  { short: 'R', long: 'dont-respawn', arg: 'none', help: ["Don't respawn child processes"] },
  { short: 'n', long: 'dont-fork', arg: 'none', help: ["Don't fork the daemon process"] },
  { short: 'd', long: 'dump-conf', arg: 'none', help: ['Dump the configuration data'] },
  { short: 'p', long: 'pid', arg: 'required', argName: 'FILE', help: ['Use specified pidfile for parent process'] },
  { short: 'r', long: 'vrrp_pid', arg: 'required', argName: 'FILE', help: ['Use specified pidfile for VRRP child process'] },
  { short: 'T', long: 'genhash', arg: 'none', help: ['Enter into genhash utility mode (this should be the first option used).'] },
  { short: 'c', long: 'checkers_pid', arg: 'required', argName: 'FILE', help: ['Use specified pidfile for checkers child process'] },
  { short: 'a', long: 'address-monitoring', arg: 'none', help: ['Report all address additions/deletions notified via netlink'] },
  { short: 'b', long: 'bfd_pid', arg: 'required', argName: 'FILE', help: ['Use specified pidfile for BFD child process'] },
  { short: 'x', long: 'snmp', arg: 'none', help: ['Enable SNMP subsystem'] },
  { short: 'A', long: 'snmp-agent-socket', arg: 'required', argName: 'FILE', help: ['Use the specified socket for master agent'] },
  { short: 's', long: 'namespace', arg: 'required', argName: 'NAME', help: ['Run in network namespace NAME (overrides config)'] },
  { short: 'm', long: 'core-dump', arg: 'none', help: ['Produce core dump if terminate abnormally'] },
  { short: 'M', long: 'core-dump-pattern', arg: 'optional', argName: 'PATN', help: ["Also set /proc/sys/kernel/core_pattern to PATN (default 'core')"] },
  { short: 'e', long: 'all-config', arg: 'none', help: ['Error if any configuration file missing (same as includet)'] },
  { short: 'i', long: 'config-id', arg: 'required', argName: 'id', help: ["Skip any configuration lines beginning '@' that don't match id", " or any lines beginning @^ that do match.", ' The config-id defaults to the node name if option not used'] },
  { long: 'signum', arg: 'required', argName: 'SIGFUNC', help: ['Return signal number for STOP, RELOAD, DATA, STATS, STATS_CLEAR, JSON'] },
  { short: 't', long: 'config-test', arg: 'optional', argName: 'LOG_FILE', help: ['Check the configuration for obvious errors, output to', ' stderr by default'] },
  { short: 'v', long: 'version', arg: 'none', help: ['Display the version number'] },
  { short: 'h', long: 'help', arg: 'none', help: ['Display this help message'] },
  // keepalived's internal/debug-build options: accepted so unit files carrying them do not break.
  { long: 'config-fd', arg: 'required', argName: 'FD', help: ['(internal) configuration file descriptor'], hidden: true },
  { long: 'perf', arg: 'optional', argName: 'all|run|end', help: ['(debug builds) perf recording'], hidden: true },
  { long: 'debug', arg: 'optional', argName: 'OPTS', help: ['(debug builds) debug options'], hidden: true },
  { long: 'no-mem-check', arg: 'none', help: ['(debug builds) disable memory checks'], hidden: true },
  { short: 'L', long: 'mem-check-log', arg: 'none', help: ['(debug builds) log malloc/frees'], hidden: true },
  // Ours.
  { long: 'dump-json', arg: 'none', help: ['Print the parsed configuration (typed AST) as JSON and exit'], ours: true },
  { long: 'log-format', arg: 'required', argName: 'text|json', help: ['Console log format (default text)'], ours: true },
  { long: 'watch', arg: 'none', help: ['Reload when the configuration file or an included file changes'], ours: true },
  { long: 'dry-run', arg: 'none', help: ["Don't program IPVS: keep the table in memory and log each change"], ours: true },
];

/** The typed result of the command line. */
export interface Options {
  useFile: string;
  vrrpOnly: boolean;
  checkOnly: boolean;
  noBfd: boolean;
  all: boolean;
  logConsole: boolean;
  /** Number of -D given. */
  logDetail: number;
  /** syslog facility number (LOG_DAEMON = 3, LOG_USER = 1, LOG_LOCALn = 16+n). */
  logFacility: number;
  logFile?: string;
  flushLogFile: boolean;
  noSyslog: boolean;
  umask?: number;
  releaseVips: boolean;
  dontReleaseVrrp: boolean;
  dontReleaseIpvs: boolean;
  dontRespawn: boolean;
  dontFork: boolean;
  dumpConf: boolean;
  pidFile?: string;
  vrrpPidFile?: string;
  checkersPidFile?: string;
  bfdPidFile?: string;
  genhash: boolean;
  addressMonitoring: boolean;
  snmp: boolean;
  snmpAgentSocket?: string;
  namespace?: string;
  coreDump: boolean;
  coreDumpPattern?: string;
  allConfig: boolean;
  configId: string;
  signum?: string;
  /** -t given: '' for stderr, else the log file. */
  configTest?: string;
  version: boolean;
  help: boolean;
  dumpJson: boolean;
  logFormat: 'text' | 'json';
  watch: boolean;
  /** Ours: the checker keeps IPVS in memory and logs changes instead of programming the kernel. */
  dryRun: boolean;
  /** Long names of every option given, in order (for logging what is accepted but not active). */
  given: string[];
}

export type CliResult =
  | { kind: 'ok'; options: Options; warnings: string[] }
  | { kind: 'exit'; code: number; stdout: string; stderr: string };

export const FACILITY_DAEMON = 3;
export const FACILITY_USER = 1;
export const FACILITY_LOCAL0 = 16;

/** `-S` values keepalived accepts: 0-7 and local0-7 (LOG_LOCALn), user, daemon. */
export function parseFacility(text: string): number | undefined {
  if (/^[0-7]$/.test(text)) return FACILITY_LOCAL0 + Number(text);
  const m = /^local([0-7])$/.exec(text);
  if (m) return FACILITY_LOCAL0 + Number(m[1]);
  if (text === 'user') return FACILITY_USER;
  if (text === 'daemon') return FACILITY_DAEMON;
  return undefined;
}

/** Numeric umask as strtoul(…, 0) reads it (0… octal, 0x… hex, else decimal), at most 0777. */
export function parseUmask(text: string): number | undefined {
  let v: number;
  if (/^0[xX][0-9a-fA-F]+$/.test(text)) v = parseInt(text.slice(2), 16);
  else if (/^0[0-7]*$/.test(text)) v = text.length > 1 ? parseInt(text.slice(1), 8) : 0;
  else if (/^[1-9][0-9]*$/.test(text)) v = parseInt(text, 10);
  else return undefined;
  if (!Number.isSafeInteger(v) || v & ~0o777) return undefined;
  return v;
}

/** Default config id: the host name up to the first dot (keepalived uses the node name). */
export function defaultConfigId(): string {
  const h = os.hostname();
  const dot = h.indexOf('.');
  return dot > 0 ? h.slice(0, dot) : h;
}

interface Occurrence {
  spec: OptionSpec;
  /** undefined = no argument given */
  value?: string;
}

type NormaliseResult = { ok: true; occ: Occurrence[]; positional: string[] } | { ok: false; message: string };

/** getopt_long over OPTION_SPECS, with keepalived's messages for unknown/missing. */
export function normalise(args: readonly string[]): NormaliseResult {
  const occ: Occurrence[] = [];
  const positional: string[] = [];
  const byShort = new Map<string, OptionSpec>();
  for (const s of OPTION_SPECS) if (s.short) byShort.set(s.short, s);
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === '--') {
      positional.push(...args.slice(i + 1));
      break;
    }
    if (a.startsWith('--')) {
      const eq = a.indexOf('=');
      const name = eq >= 0 ? a.slice(2, eq) : a.slice(2);
      const exact = OPTION_SPECS.find((s) => s.long === name);
      const prefixed = exact ? [exact] : OPTION_SPECS.filter((s) => s.long.startsWith(name) && name.length > 0);
      if (prefixed.length !== 1) return { ok: false, message: `Unknown option ${a}` };
      const spec = prefixed[0]!;
      if (spec.arg === 'none') {
        if (eq >= 0) return { ok: false, message: `Unknown option ${a}` };
        occ.push({ spec });
      } else if (spec.arg === 'optional') {
        if (eq >= 0) occ.push({ spec, value: a.slice(eq + 1) });
        else occ.push({ spec });
      } else if (eq >= 0) {
        occ.push({ spec, value: a.slice(eq + 1) });
      } else {
        const next = args[i + 1];
        if (next === undefined) return { ok: false, message: `Missing parameter for option --${spec.long}` };
        occ.push({ spec, value: next });
        i++;
      }
      continue;
    }
    if (a.startsWith('-') && a.length > 1) {
      for (let j = 1; j < a.length; j++) {
        const c = a[j]!;
        const spec = byShort.get(c);
        if (!spec) return { ok: false, message: `Unknown option -${c}` };
        if (spec.arg === 'none') {
          occ.push({ spec });
          continue;
        }
        const rest = a.slice(j + 1);
        if (spec.arg === 'optional') {
          if (rest.length) occ.push({ spec, value: rest });
          else occ.push({ spec });
        } else if (rest.length) {
          occ.push({ spec, value: rest });
        } else {
          const next = args[i + 1];
          if (next === undefined) return { ok: false, message: `Missing parameter for option -${c}` };
          occ.push({ spec, value: next });
          i++;
        }
        break;
      }
      continue;
    }
    positional.push(a);
  }
  return { ok: true, occ, positional };
}

function buildCommand(): Command {
  const cmd = new Command('keepalived');
  cmd.exitOverride();
  cmd.configureOutput({ writeOut: () => undefined, writeErr: () => undefined });
  cmd.helpOption(false);
  cmd.allowExcessArguments(true);
  cmd.allowUnknownOption(false);
  for (const s of OPTION_SPECS) {
    const flag = s.arg === 'none' ? `--${s.long}` : s.arg === 'required' ? `--${s.long} <v>` : `--${s.long} [v]`;
    const o = new Option(flag, s.help.join(' '));
    // keep attribute names literal (no_bfd, vrrp_pid, no-syslog → not a negation)
    o.attributeName = () => s.long;
    o.negate = false;
    if (s.arg === 'none' || s.arg === 'optional') {
      o.argParser((v: string | undefined, prev: unknown) => {
        const list = Array.isArray(prev) ? prev : [];
        return [...list, v === undefined ? null : v];
      });
    } else {
      o.argParser((v: string, prev: unknown) => [...(Array.isArray(prev) ? prev : []), v]);
    }
    cmd.addOption(o);
  }
  return cmd;
}

function defaults(): Options {
  return {
    useFile: DEFAULT_CONF_FILE,
    vrrpOnly: false,
    checkOnly: false,
    noBfd: false,
    all: false,
    logConsole: false,
    logDetail: 0,
    logFacility: FACILITY_DAEMON,
    flushLogFile: false,
    noSyslog: false,
    releaseVips: false,
    dontReleaseVrrp: false,
    dontReleaseIpvs: false,
    dontRespawn: false,
    dontFork: false,
    dumpConf: false,
    genhash: false,
    addressMonitoring: false,
    snmp: false,
    coreDump: false,
    allConfig: false,
    configId: defaultConfigId(),
    version: false,
    help: false,
    dumpJson: false,
    logFormat: 'text',
    watch: false,
    dryRun: false,
    given: [],
  };
}

/** Parse argv (without node and script). Never throws. */
export function parseCommandLine(args: readonly string[]): CliResult {
  const n = normalise(args);
  if (!n.ok) return { kind: 'exit', code: 1, stdout: '', stderr: `${n.message}\n` };
  // commander parses the canonical words; values are kept as lists, one entry per occurrence
  const words: string[] = [];
  for (const o of n.occ) {
    if (o.value === undefined) words.push(`--${o.spec.long}`);
    else words.push(`--${o.spec.long}=${o.value}`);
  }
  const parsed: Record<string, unknown[]> = {};
  try {
    const cmd = buildCommand();
    cmd.parse(words, { from: 'user' });
    for (const [k, v] of Object.entries(cmd.opts())) {
      // an optional-argument option given bare comes back as `true` rather than through argParser
      parsed[k] = Array.isArray(v) ? v : v === true ? [null] : v === undefined ? [] : [v];
    }
  } catch (e) {
    return { kind: 'exit', code: 1, stdout: '', stderr: `${(e as Error).message}\n` };
  }
  const opts = defaults();
  const warnings: string[] = [];
  const last = (k: string): string | null | undefined => {
    const l = parsed[k];
    if (!l || l.length === 0) return undefined;
    return l[l.length - 1] as string | null;
  };
  const count = (k: string): number => parsed[k]?.length ?? 0;
  const str = (k: string): string | undefined => {
    const v = last(k);
    return typeof v === 'string' ? v : undefined;
  };

  opts.given = n.occ.map((o) => o.spec.long);
  const f = str('use-file');
  if (f !== undefined) opts.useFile = f;
  opts.vrrpOnly = count('vrrp') > 0;
  opts.checkOnly = count('check') > 0;
  opts.noBfd = count('no_bfd') > 0;
  opts.all = count('all') > 0;
  opts.logConsole = count('log-console') > 0;
  opts.logDetail = count('log-detail');
  const fac = str('log-facility');
  if (fac !== undefined) {
    const v = parseFacility(fac);
    if (v === undefined) warnings.push(`Invalid log facility '${fac}'`);
    else opts.logFacility = v;
  }
  if (count('log-file') > 0) opts.logFile = str('log-file') || '/tmp/keepalived.log';
  opts.flushLogFile = count('flush-log-file') > 0;
  opts.noSyslog = count('no-syslog') > 0;
  const um = str('umask');
  if (um !== undefined) {
    const v = parseUmask(um);
    if (v === undefined) warnings.push(`Invalid --umask option ${um}`);
    else opts.umask = v;
  }
  opts.releaseVips = count('release-vips') > 0;
  opts.dontReleaseVrrp = count('dont-release-vrrp') > 0;
  opts.dontReleaseIpvs = count('dont-release-ipvs') > 0;
  opts.dontRespawn = count('dont-respawn') > 0;
  opts.dontFork = count('dont-fork') > 0;
  opts.dumpConf = count('dump-conf') > 0;
  const p = str('pid');
  if (p !== undefined) opts.pidFile = p;
  const rp = str('vrrp_pid');
  if (rp !== undefined) opts.vrrpPidFile = rp;
  const cp = str('checkers_pid');
  if (cp !== undefined) opts.checkersPidFile = cp;
  const bp = str('bfd_pid');
  if (bp !== undefined) opts.bfdPidFile = bp;
  opts.genhash = count('genhash') > 0;
  opts.addressMonitoring = count('address-monitoring') > 0;
  opts.snmp = count('snmp') > 0;
  const sa = str('snmp-agent-socket');
  if (sa !== undefined) {
    opts.snmpAgentSocket = sa;
    opts.snmp = true;
  }
  const ns = str('namespace');
  if (ns !== undefined) opts.namespace = ns;
  opts.coreDump = count('core-dump') > 0 || count('core-dump-pattern') > 0;
  if (count('core-dump-pattern') > 0) opts.coreDumpPattern = str('core-dump-pattern') || 'core';
  opts.allConfig = count('all-config') > 0;
  const id = str('config-id');
  if (id !== undefined) opts.configId = id;
  const sg = str('signum');
  if (sg !== undefined) opts.signum = sg;
  if (count('config-test') > 0) {
    opts.configTest = str('config-test') ?? '';
    // -t implies -n -R -G (keepalived)
    opts.dontFork = true;
    opts.dontRespawn = true;
    opts.noSyslog = true;
  }
  opts.version = count('version') > 0;
  opts.help = count('help') > 0;
  opts.dumpJson = count('dump-json') > 0;
  const lf = str('log-format');
  if (lf !== undefined) {
    if (lf === 'json' || lf === 'text') opts.logFormat = lf;
    else return { kind: 'exit', code: 1, stdout: '', stderr: `Invalid --log-format '${lf}' (text|json)\n` };
  }
  opts.watch = count('watch') > 0;
  opts.dryRun = count('dry-run') > 0;
  if (n.positional.length) warnings.push(`Unexpected argument(s): ${n.positional.map((a) => `${a} `).join('')}`);
  return { kind: 'ok', options: opts, warnings };
}

/** keepalived's usage text (printed to stderr by -h). */
export function usage(prog = 'keepalived'): string {
  const lines = [`Usage: ${prog} [OPTION...]`];
  for (const s of OPTION_SPECS) {
    if (s.hidden) continue;
    let left = s.short ? `  -${s.short}, --${s.long}` : `      --${s.long}`;
    if (s.arg === 'required') left += s.long === 'config-id' ? ` ${s.argName}` : `=${s.argName}`;
    else if (s.arg === 'optional') left += `[=${s.argName}]`;
    const [first, ...rest] = s.help;
    if (left.length < 31) lines.push(`${left.padEnd(31)}${first ?? ''}`);
    else {
      lines.push(left);
      lines.push(`${''.padEnd(31)}${first ?? ''}`);
    }
    for (const r of rest) lines.push(`${''.padEnd(31)}${r}`);
  }
  return lines.join('\n') + '\n';
}
