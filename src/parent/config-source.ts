/**
 * The parent's one door to the configuration subsystem (src/config/index.ts):
 * `loadConfig`, `configTestExitCode`, `formatDiagnostic`, `vrrpSlice`, `checkerSlice`.
 *
 * While src/config/index.ts does not export loadConfig yet (it is being written in parallel), a
 * stand-in reads the file just enough to run the daemon: it finds `vrrp_instance` and
 * `virtual_server` blocks and the root/global keywords the parent itself needs, and reports a
 * missing file. The switch to the real API is automatic (see configApi()).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Diagnostic } from '../config/diagnostics';
import { formatDiagnostic as fmtDiag } from '../config/diagnostics';

export interface LoadOptions {
  configId: string;
  allConfig?: boolean;
  interfaces?: ReadonlySet<string>;
}

export interface LoadResult {
  config: unknown;
  diagnostics: Diagnostic[];
  files: string[];
}

export interface ConfigApi {
  loadConfig(file: string, opts: LoadOptions): LoadResult;
  configTestExitCode(diags: readonly Diagnostic[]): number;
  formatDiagnostic(d: Diagnostic): string;
  vrrpSlice(config: unknown): unknown;
  checkerSlice(config: unknown): unknown;
  /** Optional: text dump for -d (src/config/dump.ts). */
  dumpConfig?(config: unknown): string;
  /** True when this is the stand-in, not src/config. */
  standIn: boolean;
}

/** What the parent itself needs from the configuration. */
export interface ParentView {
  hasVrrp: boolean;
  hasChecker: boolean;
  usePidDir: boolean;
  instance?: string;
  netns?: string;
  /** child_wait_time in seconds (default 5). */
  childWaitTimeS: number;
  /** process names (process_names / vrrp_process_name / checker_process_name). */
  parentName?: string;
  vrrpName?: string;
  checkerName?: string;
  reloadCheckConfig: boolean;
  /** reload_check_config LOGFILE: where the check's `-t` output goes (none: /dev/null). */
  reloadCheckLog?: string;
  startupScript?: ParentScriptView;
  shutdownScript?: ParentScriptView;
  /** global_defs script_user [group]: the default user of scripts without their own. */
  scriptUser?: { user: string; group?: string };
  /** global_defs umask (-u overrides). */
  umask?: number;
  /** data_use_instance: keepalived.<netns>_<instance>.data */
  dataUseInstance?: boolean;
}

/** startup_script / shutdown_script: argv, `user [group]` written after it, timeout. */
export interface ParentScriptView {
  argv: string[];
  user?: string;
  group?: string;
  timeoutS: number;
}

// ---------------------------------------------------------------- stand-in
interface StandInConfig {
  standIn: true;
  file: string;
  vrrpInstances: string[];
  virtualServers: string[];
  globals: Record<string, string[]>;
}

const ROOT_GLOBALS = new Set([
  'use_pid_dir', 'instance', 'net_namespace', 'child_wait_time', 'process_names', 'process_name',
  'vrrp_process_name', 'checker_process_name', 'reload_check_config', 'router_id',
  'startup_script', 'startup_script_timeout', 'shutdown_script', 'shutdown_script_timeout', 'umask',
  'data_use_instance',
]);

function standInLoad(file: string, opts: LoadOptions): LoadResult {
  const diagnostics: Diagnostic[] = [];
  const cfg: StandInConfig = { standIn: true, file, vrrpInstances: [], virtualServers: [], globals: {} };
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    diagnostics.push({ file: '', line: 0, col: 0, severity: opts.allConfig ? 'fatal' : 'warning', message: `Config files missing '${file}'.` });
    return { config: cfg, diagnostics, files: [] };
  }
  let depth = 0;
  const lines = text.split('\n');
  lines.forEach((raw, i) => {
    const line = raw.replace(/[#!].*$/, '').trim();
    if (!line) return;
    const words = line.replace(/[{}]/g, ' $& ').split(/\s+/).filter(Boolean);
    let w = 0;
    while (w < words.length) {
      const t = words[w]!;
      if (t === '{') {
        depth++;
        w++;
        continue;
      }
      if (t === '}') {
        depth = Math.max(0, depth - 1);
        w++;
        continue;
      }
      const rest: string[] = [];
      let k = w + 1;
      while (k < words.length && words[k] !== '{' && words[k] !== '}') rest.push(words[k++]!);
      if (depth === 0 && t === 'vrrp_instance') cfg.vrrpInstances.push(rest[0] ?? '');
      else if (depth === 0 && t === 'virtual_server') cfg.virtualServers.push(rest.join(' '));
      else if (depth <= 1 && ROOT_GLOBALS.has(t)) cfg.globals[t] = rest;
      void i;
      w = k;
    }
  });
  if (depth > 0) diagnostics.push({ file: '', line: 0, col: 0, severity: 'error', message: `There are ${depth} missing '}'s or extra '{'s` });
  return { config: cfg, diagnostics, files: [path.resolve(file)] };
}

const standIn: ConfigApi = {
  standIn: true,
  loadConfig: standInLoad,
  configTestExitCode: (d) => (d.some((x) => x.severity === 'fatal') ? 4 : d.some((x) => x.severity === 'error') ? 5 : d.some((x) => x.severity === 'security') ? 6 : 0),
  formatDiagnostic: fmtDiag,
  vrrpSlice: (c) => ({ instances: (c as StandInConfig).vrrpInstances }),
  checkerSlice: (c) => ({ virtualServers: (c as StandInConfig).virtualServers }),
};

let cached: ConfigApi | undefined;

/** src/config's API when it is there, else the stand-in. */
export function configApi(): ConfigApi {
  if (cached) return cached;
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const m = require('../config/index') as Partial<ConfigApi> & Record<string, unknown>;
    if (typeof m.loadConfig === 'function' && typeof m.configTestExitCode === 'function' && typeof m.vrrpSlice === 'function' && typeof m.checkerSlice === 'function') {
      const dump = (['dumpConfig', 'dumpConfigText'] as const).map((k) => m[k]).find((f) => typeof f === 'function') as ConfigApi['dumpConfig'];
      cached = {
        standIn: false,
        loadConfig: m.loadConfig.bind(m),
        configTestExitCode: m.configTestExitCode.bind(m),
        formatDiagnostic: typeof m.formatDiagnostic === 'function' ? m.formatDiagnostic.bind(m) : fmtDiag,
        vrrpSlice: m.vrrpSlice.bind(m),
        checkerSlice: m.checkerSlice.bind(m),
        ...(dump ? { dumpConfig: dump } : {}),
      };
      return cached;
    }
  } catch {
    /* fall through to the stand-in */
  }
  cached = standIn;
  return cached;
}

/** Force the stand-in (tests of the daemon that must not depend on the config engineer's work). */
export function useStandInConfig(on: boolean): void {
  cached = on ? standIn : undefined;
}

const unquote = (w: string): string => w.replace(/^"(.*)"$/, '$1');

// ---------------------------------------------------------------- the parent's view
function get(o: unknown, ...keys: string[]): unknown {
  let cur: unknown = o;
  for (const k of keys) {
    if (!cur || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string, unknown>)[k];
  }
  return cur;
}

function firstDefined(o: unknown, paths: string[][]): unknown {
  for (const p of paths) {
    const v = get(o, ...p);
    if (v !== undefined && v !== null) return v;
  }
  return undefined;
}

function countOf(v: unknown): number {
  if (Array.isArray(v)) return v.length;
  if (v && typeof v === 'object') return Object.keys(v).length;
  return 0;
}

/**
 * `process_names` as keepalived 2.2.7 applies it (observed: prctl(PR_SET_NAME) under strace):
 * the VRRP child keepalived_vrrp, the checker keepalived_lvs (not keepalived_ipvs as its man
 * page says); the parent keeps its name. Without process_names/…_process_name a child keeps the
 * parent's name (it is forked): `keepalived`, or process_name's.
 */
export const PROCESS_NAMES = { parent: 'keepalived', vrrp: 'keepalived_vrrp', checker: 'keepalived_lvs' } as const;

/** Read what the parent needs, from the real AST or the stand-in. */
export function parentView(config: unknown, api: ConfigApi = configApi()): ParentView {
  const c = config as Partial<StandInConfig> | undefined;
  if (c && c.standIn) {
    const g = c.globals ?? {};
    const one = (k: string): string | undefined => g[k]?.[0];
    const names = g.process_names !== undefined;
    const v: ParentView = {
      hasVrrp: (c.vrrpInstances?.length ?? 0) > 0,
      hasChecker: (c.virtualServers?.length ?? 0) > 0,
      usePidDir: g.use_pid_dir !== undefined,
      childWaitTimeS: one('child_wait_time') !== undefined && /^\d+$/.test(one('child_wait_time')!) ? Number(one('child_wait_time')) : 5,
      reloadCheckConfig: g.reload_check_config !== undefined,
    };
    if (one('reload_check_config')) v.reloadCheckLog = unquote(one('reload_check_config')!);
    if (one('instance')) v.instance = one('instance')!;
    if (one('net_namespace')) v.netns = one('net_namespace')!;
    if (one('process_name')) v.parentName = one('process_name')!;
    if (names) {
      v.vrrpName = PROCESS_NAMES.vrrp;
      v.checkerName = PROCESS_NAMES.checker;
    }
    if (one('vrrp_process_name')) v.vrrpName = one('vrrp_process_name')!;
    if (one('checker_process_name')) v.checkerName = one('checker_process_name')!;
    const timeout = (k: string): number => (one(k) !== undefined && /^\d+$/.test(one(k)!) ? Number(one(k)) : 10);
    if (g.startup_script?.length) v.startupScript = { argv: g.startup_script.map(unquote), timeoutS: timeout('startup_script_timeout') };
    if (g.shutdown_script?.length) v.shutdownScript = { argv: g.shutdown_script.map(unquote), timeoutS: timeout('shutdown_script_timeout') };
    if (g.data_use_instance !== undefined) v.dataUseInstance = true;
    const um = one('umask');
    if (um !== undefined && /^0[0-7]*$|^[1-9]\d*$/.test(um)) v.umask = um.startsWith('0') ? parseInt(um, 8) : Number(um);
    return v;
  }
  const vs = api.vrrpSlice(config);
  const cs = api.checkerSlice(config);
  const vrrpCount = countOf(firstDefined(vs, [['instances'], ['vrrpInstances'], ['vrrp_instances']]) ?? firstDefined(config, [['vrrpInstances'], ['instances']]));
  const vsCount = countOf(firstDefined(cs, [['virtualServers'], ['virtual_servers']]) ?? firstDefined(config, [['lvs', 'virtualServers'], ['virtualServers']]));
  const g = firstDefined(config, [['global'], ['globalDefs'], ['global_defs']]);
  const str = (v: unknown): string | undefined => (typeof v === 'string' && v ? v : undefined);
  const view: ParentView = {
    hasVrrp: vrrpCount > 0,
    hasChecker: vsCount > 0,
    usePidDir: Boolean(firstDefined(config, [['usePidDir'], ['root', 'usePidDir']]) ?? get(g, 'usePidDir')),
    childWaitTimeS: Number(firstDefined(config, [['childWaitTimeS'], ['childWaitTime'], ['root', 'childWaitTimeS']]) ?? get(g, 'childWaitTimeS') ?? get(g, 'childWaitTime') ?? 5) || 5,
    reloadCheckConfig: Boolean(get(g, 'reloadCheckConfig')),
  };
  const rcl = str(get(g, 'reloadCheckConfig'));
  if (rcl) view.reloadCheckLog = rcl;
  const inst = str(firstDefined(config, [['instance'], ['instanceName'], ['root', 'instance']]) ?? get(g, 'instance') ?? get(g, 'instanceName'));
  if (inst) view.instance = inst;
  const ns = str(firstDefined(config, [['netNamespace'], ['net_namespace'], ['root', 'netNamespace']]) ?? get(g, 'netNamespace'));
  if (ns) view.netns = ns;
  const pn = str(get(g, 'processName'));
  if (pn) view.parentName = pn;
  const names = get(g, 'processNames') === true;
  const vn = str(get(g, 'vrrpProcessName')) ?? (names ? PROCESS_NAMES.vrrp : undefined);
  if (vn) view.vrrpName = vn;
  const cn = str(get(g, 'checkerProcessName')) ?? (names ? PROCESS_NAMES.checker : undefined);
  if (cn) view.checkerName = cn;
  const script = (spec: unknown, timeout: unknown): ParentScriptView | undefined => {
    const argv = get(spec, 'argv');
    if (!Array.isArray(argv) || !argv.every((a) => typeof a === 'string') || argv.length === 0) return undefined;
    const v: ParentScriptView = { argv: argv as string[], timeoutS: typeof timeout === 'number' && timeout > 0 ? timeout : 10 };
    const user = str(get(spec, 'user'));
    const group = str(get(spec, 'group'));
    if (user) v.user = user;
    if (user && group) v.group = group;
    return v;
  };
  const su = str(get(get(g, 'scriptUser'), 'user'));
  if (su) {
    const sg = str(get(get(g, 'scriptUser'), 'group'));
    view.scriptUser = sg ? { user: su, group: sg } : { user: su };
  }
  const ss = script(get(g, 'startupScript'), get(g, 'startupScriptTimeoutS'));
  if (ss) view.startupScript = ss;
  const sd = script(get(g, 'shutdownScript'), get(g, 'shutdownScriptTimeoutS'));
  if (sd) view.shutdownScript = sd;
  const um = get(g, 'umask');
  if (typeof um === 'number') view.umask = um;
  if (get(g, 'dataUseInstance') === true) view.dataUseInstance = true;
  return view;
}
