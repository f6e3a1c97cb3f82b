/**
 * DOC: the configuration subsystem (keepalived.conf → typed AST → diagnostics → verdict).
 *
 *   types.ts         Token / Stmt shapes shared by every stage
 *   diagnostics.ts   Diagnostic{file,line,col,severity,message,code}, keepalived's `(FILE: Line N)` form
 *   lexer.ts         comments, quotes, `{`/`}` splitting, line limit, positions, script re-tokenising
 *   preprocess.ts    include* / include_check, `@id` lines, `$MACROS`, `~SEQ`/`~LST`
 *   tree.ts          logical lines → Stmt tree (readConfigTree)
 *   keywords/        one keyword table per block kind (table.ts is the mechanism):
 *                      root.ts (top level, merges the LVS root keywords), global_defs.ts,
 *                      vrrp_instance.ts, trackers.ts (vrrp_script, track_file, vrrp_track_process,
 *                      bfd_instance), groups.ts (vrrp_sync_group, garp_group, track_group,
 *                      linkbeat_interfaces, interface_up_down_delays), ipaddress.ts (address,
 *                      route and rule items), common.ts (value readers with keepalived's messages);
 *                      lvs*.ts / checkers.ts: the LVS side (SSL, virtual_server[_group], checkers)
 *   values.ts        BOOL / integer / TIMER / address readers shared with the LVS tables
 *   ast.ts           the typed AST (VRRP side), defaults applied explicitly, units in names
 *   ast-lvs.ts       the typed AST of the LVS side, validateLvs()
 *   validate.ts      keepalived's semantic checks on the VRRP side (vrrp_complete_init …)
 *   verdict.ts       diagnostics → keepalived's `-t` exit code (largest config_err_t wins)
 *   dump.ts          the AST as keepalived-like text (-d) and as JSON (--dump-json)
 *
 * Flow: loadConfig(file, opts) = readConfigTree → buildConfig (keyword tables) → validateVrrp
 * + validateLvs → script checks → script-security verdict. It never throws on bad input.
 * Workers never read the file: the parent calls loadConfig() and sends each its slice
 * (vrrpSlice / checkerSlice: plain JSON data that can cross IPC).
 *
 * Severity policy: whatever keepalived reports with report_config_error() is 'error' (exit 5),
 * a missing interface summary 'fatal' (4), scripts without enable_script_security 'security'
 * (6); what keepalived only logs is 'warning'. A handler reading a missing word makes
 * keepalived abort with 2 (code CFG_MISSING_PARAMETER). The largest config_err_t wins.
 *
 * Checks run in keepalived's order: keyword tables (parse-time messages, tracked names resolved
 * against what was declared BEFORE the instance), script users, then, only when there is a
 * vrrp_instance (keepalived's VRRP process), interfaces (a missing one stops the checks), the
 * scripts and the script-security verdict, then vrrp_complete_init (stops at the first instance
 * keepalived would refuse); validateLvs() for the LVS side.
 *
 * Parity: test/parity/configtest.test.ts compares the verdict (and, for the diagnostic fixtures,
 * every message) with the installed keepalived 2.2.7 case by case.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Diagnostic } from './diagnostics';
import { DiagnosticSink } from './diagnostics';
import type { KeepalivedConfig } from './ast';
import { readConfigTree } from './tree';
import { buildConfig } from './keywords/root';
import { checkScripts, checkScriptSecurity, checkScriptUsers, completeVrrp, validateVrrp } from './validate';
import { validateLvs } from './ast-lvs';

export type { Token, Stmt, SourcePos } from './types';
export type { Diagnostic, Severity } from './diagnostics';
export { formatDiagnostic } from './diagnostics';
export { configTestExitCode } from './verdict';
export type * from './ast';
export { dumpConfigText, dumpConfigJson } from './dump';

export interface LoadOptions {
  /** `-i`: the config id for `@id` lines. */
  configId: string;
  /** `-e`: every include must match. */
  allConfig?: boolean;
  /** Interface names present, for interface checks; undefined = do not check. */
  interfaces?: ReadonlySet<string>;
  /** Whether a script command exists; default: looked up on this host (PATH for bare names). */
  scriptFound?: (argv0: string) => boolean;
  /** Whether a user exists; default: /etc/passwd of this host. */
  userExists?: (name: string) => boolean;
  /** Whether a script is safe to run as root; default: checked on this host (see hostScriptSecure). */
  scriptSecure?: (argv0: string) => boolean;
}

export interface LoadResult {
  config: KeepalivedConfig;
  diagnostics: Diagnostic[];
  files: string[];
}

/** Parse, build and check a configuration. Never throws on bad input. */
export function loadConfig(file: string, opts: LoadOptions): LoadResult {
  const tree = readConfigTree(file, { configId: opts.configId, ...(opts.allConfig !== undefined ? { allConfig: opts.allConfig } : {}) });
  const sink = new DiagnosticSink();
  for (const d of tree.diagnostics) sink.add(d);
  const config = checkTree(tree.stmts, sink, opts);
  return { config, diagnostics: sink.items, files: tree.files };
}

/** The stages after reading: keyword tables, validation, scripts. Exported for tests. */
export function checkTree(stmts: Parameters<typeof buildConfig>[0], sink: DiagnosticSink, opts: Omit<LoadOptions, 'configId'> & { configId?: string }): KeepalivedConfig {
  const ctx = { sink, configId: opts.configId ?? '' };
  const config = buildConfig(stmts, ctx);
  const scriptFound = opts.scriptFound ?? hostScriptFound;
  const userExists = opts.userExists ?? hostUserExists;
  const scriptSecure = opts.scriptSecure ?? hostScriptSecure;
  const vopts = { ...(opts.interfaces ? { interfaces: opts.interfaces } : {}), scriptFound, userExists, scriptSecure };
  checkScriptUsers(config, sink, vopts);
  // keepalived runs the VRRP checks in the VRRP process, which only starts with an instance
  if (config.vrrpInstances.length > 0 && validateVrrp(config, sink, vopts)) {
    checkScriptSecurity(config, checkScripts(config, sink, vopts), sink);
    completeVrrp(config, sink, vopts);
  }
  validateLvs(
    config.lvs,
    {
      enableScriptSecurity: config.global.enableScriptSecurity,
      ...(config.global.smtpAlert !== undefined ? { smtpAlert: config.global.smtpAlert } : {}),
      ...(config.global.smtpAlertChecker !== undefined ? { smtpAlertChecker: config.global.smtpAlertChecker } : {}),
      trackFiles: new Set(config.trackFiles.map((t) => t.name)),
      trackFileWeights: new Map(config.trackFiles.map((t) => [t.name, { weight: t.weight, reverse: t.weightReverse }])),
      bfdInstances: new Set(config.bfdInstances.map((b) => b.name)),
    },
    sink,
    vopts,
  );
  return config;
}

/** keepalived's lookup: a path must exist; a bare name is searched in PATH. */
export function hostScriptFound(argv0: string): boolean {
  if (argv0 === '') return false;
  if (argv0.includes('/')) return fs.existsSync(argv0);
  for (const dir of (process.env.PATH ?? '/usr/sbin:/usr/bin:/sbin:/bin').split(':')) {
    if (dir && fs.existsSync(path.join(dir, argv0))) return true;
  }
  return false;
}

/** The realpath of a command (PATH search for a bare name), or undefined. */
function resolveCommand(argv0: string): string | undefined {
  const dirs = argv0.includes('/') ? [''] : (process.env.PATH ?? '/usr/sbin:/usr/bin:/sbin:/bin').split(':').filter(Boolean);
  for (const d of dirs) {
    const p = d ? path.join(d, argv0) : argv0;
    try {
      return fs.realpathSync(p);
    } catch {
      /* try the next one */
    }
  }
  return undefined;
}

/**
 * keepalived's check_script_secure for scripts run as root: the script and every directory
 * above it must be owned by root, and none may be writable by group (unless the group is root)
 * or others, except directories with the sticky bit.
 */
export function hostScriptSecure(argv0: string): boolean {
  const real = resolveCommand(argv0);
  if (!real) return true;
  let p = real;
  for (;;) {
    let st: fs.Stats;
    try {
      st = fs.statSync(p);
    } catch {
      return true;
    }
    const sticky = st.isDirectory() && (st.mode & 0o1000) !== 0;
    if (st.uid !== 0) return false;
    if (!sticky && ((st.mode & 0o002) !== 0 || ((st.mode & 0o020) !== 0 && st.gid !== 0))) return false;
    const up = path.dirname(p);
    if (up === p) return true;
    p = up;
  }
}

let passwdUsers: Set<string> | undefined;
export function hostUserExists(name: string): boolean {
  if (!passwdUsers) {
    passwdUsers = new Set();
    try {
      for (const line of fs.readFileSync('/etc/passwd', 'utf8').split('\n')) {
        const u = line.split(':')[0];
        if (u) passwdUsers.add(u);
      }
    } catch {
      return true;
    }
  }
  return passwdUsers.has(name) || /^\d+$/.test(name);
}

/** What the VRRP worker needs (plain JSON). */
export function vrrpSlice(cfg: KeepalivedConfig) {
  return JSON.parse(
    JSON.stringify({
      global: cfg.global,
      root: cfg.root,
      staticIpaddresses: cfg.staticIpaddresses,
      staticRoutes: cfg.staticRoutes,
      staticRules: cfg.staticRules,
      trackFiles: cfg.trackFiles,
      vrrpScripts: cfg.vrrpScripts,
      trackProcesses: cfg.trackProcesses,
      syncGroups: cfg.syncGroups,
      garpGroups: cfg.garpGroups,
      trackGroups: cfg.trackGroups,
      vrrpInstances: cfg.vrrpInstances,
      bfdInstances: cfg.bfdInstances,
    }),
  ) as Omit<KeepalivedConfig, 'lvs'>;
}
export type VrrpSlice = ReturnType<typeof vrrpSlice>;

/** What the checker worker needs (plain JSON). */
export function checkerSlice(cfg: KeepalivedConfig) {
  return JSON.parse(
    JSON.stringify({
      global: cfg.global,
      root: cfg.root,
      trackFiles: cfg.trackFiles,
      bfdInstances: cfg.bfdInstances,
      lvs: cfg.lvs,
    }),
  ) as Pick<KeepalivedConfig, 'global' | 'root' | 'trackFiles' | 'bfdInstances' | 'lvs'>;
}
export type CheckerSlice = ReturnType<typeof checkerSlice>;
