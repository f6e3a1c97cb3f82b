/**
 * The parent's one door to the configuration subsystem (src/config/index.ts): the calls it makes
 * (`ConfigApi`, a port so the supervisor can be driven by a fake) and the few settings the parent
 * itself acts on (`ParentView`, read from the typed AST).
 */
import type { Diagnostic } from '../config/diagnostics';
import * as config from '../config/index';
import type { KeepalivedConfig, LoadOptions, LoadResult } from '../config/index';
import type { SchedPolicy } from '../sys/sched';

export type { LoadOptions, LoadResult };

export interface ConfigApi {
  loadConfig(file: string, opts: LoadOptions): LoadResult;
  configTestExitCode(diags: readonly Diagnostic[]): number;
  formatDiagnostic(d: Diagnostic): string;
  vrrpSlice(config: KeepalivedConfig): unknown;
  checkerSlice(config: KeepalivedConfig): unknown;
  /** Text dump for -d (src/config/dump.ts). */
  dumpConfig(config: KeepalivedConfig): string;
}

const realApi: ConfigApi = {
  loadConfig: config.loadConfig,
  configTestExitCode: config.configTestExitCode,
  formatDiagnostic: config.formatDiagnostic,
  vrrpSlice: config.vrrpSlice,
  checkerSlice: config.checkerSlice,
  dumpConfig: config.dumpConfigText,
};

export function configApi(): ConfigApi {
  return realApi;
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
  /** Each worker's scheduling settings (src/sys/sched.ts applies them in the worker). */
  sched: { vrrp: SchedPolicy; checker: SchedPolicy };
  /** max_auto_priority unset or 0: 2.2.7's parent says so at start ("NOTICE: setting config option…"). */
  autoPriorityNotice: boolean;
}

/** One worker's SchedPolicy from global_defs (only what is set). */
function schedPolicy(
  g: KeepalivedConfig['global'],
  own: { priority?: number; rtPriority?: number; noSwap: boolean; cpuAffinity?: number[]; rlimitRttimeUs?: number },
): SchedPolicy {
  const p: SchedPolicy = { noSwap: own.noSwap };
  if (own.priority !== undefined) p.priority = own.priority;
  if (own.rtPriority !== undefined) p.rtPriority = own.rtPriority;
  if (own.cpuAffinity !== undefined && own.cpuAffinity.length > 0) p.cpuAffinity = own.cpuAffinity;
  if (own.rlimitRttimeUs !== undefined) p.rlimitRttimeUs = own.rlimitRttimeUs;
  if (g.maxAutoPriority !== undefined) p.maxAutoPriority = g.maxAutoPriority;
  if (g.minAutoPriorityDelayUs !== undefined) p.minAutoPriorityDelayUs = g.minAutoPriorityDelayUs;
  return p;
}

/** startup_script / shutdown_script: argv, `user [group]` written after it, timeout. */
export interface ParentScriptView {
  argv: string[];
  user?: string;
  group?: string;
  timeoutS: number;
}

/**
 * `process_names` as keepalived 2.2.7 applies it (observed: prctl(PR_SET_NAME) under strace):
 * the VRRP child keepalived_vrrp, the checker keepalived_lvs (not keepalived_ipvs as its man
 * page says); the parent keeps its name. Without process_names/…_process_name a child keeps the
 * parent's name (it is forked): `keepalived`, or process_name's.
 */
export const PROCESS_NAMES = { parent: 'keepalived', vrrp: 'keepalived_vrrp', checker: 'keepalived_lvs' } as const;

/** Read what the parent needs from the AST. */
export function parentView(cfg: KeepalivedConfig): ParentView {
  const g = cfg.global;
  const view: ParentView = {
    hasVrrp: cfg.vrrpInstances.length > 0,
    hasChecker: cfg.lvs.virtualServers.length > 0,
    usePidDir: cfg.root.usePidDir,
    childWaitTimeS: cfg.root.childWaitTimeS,
    reloadCheckConfig: g.reloadCheckConfig !== undefined,
    sched: {
      vrrp: schedPolicy(g, { priority: g.vrrpPriority, rtPriority: g.vrrpRtPriority, noSwap: g.vrrpNoSwap, cpuAffinity: g.vrrpCpuAffinity, rlimitRttimeUs: g.vrrpRlimitRttimeUs }),
      checker: schedPolicy(g, { priority: g.checkerPriority, rtPriority: g.checkerRtPriority, noSwap: g.checkerNoSwap, cpuAffinity: g.checkerCpuAffinity, rlimitRttimeUs: g.checkerRlimitRttimeUs }),
    },
    autoPriorityNotice: !g.maxAutoPriority,
  };
  if (typeof g.reloadCheckConfig === 'string' && g.reloadCheckConfig) view.reloadCheckLog = g.reloadCheckConfig;
  if (cfg.root.instance) view.instance = cfg.root.instance;
  if (cfg.root.netNamespace) view.netns = cfg.root.netNamespace;
  if (g.processName) view.parentName = g.processName;
  const vn = g.vrrpProcessName ?? (g.processNames ? PROCESS_NAMES.vrrp : undefined);
  if (vn) view.vrrpName = vn;
  const cn = g.checkerProcessName ?? (g.processNames ? PROCESS_NAMES.checker : undefined);
  if (cn) view.checkerName = cn;
  const script = (spec: KeepalivedConfig['global']['startupScript'], timeoutS: number): ParentScriptView | undefined => {
    if (!spec || spec.argv.length === 0) return undefined;
    const v: ParentScriptView = { argv: spec.argv, timeoutS: timeoutS > 0 ? timeoutS : 10 };
    if (spec.user) v.user = spec.user;
    if (spec.user && spec.group) v.group = spec.group;
    return v;
  };
  if (g.scriptUser) view.scriptUser = g.scriptUser.group ? { user: g.scriptUser.user, group: g.scriptUser.group } : { user: g.scriptUser.user };
  const ss = script(g.startupScript, g.startupScriptTimeoutS);
  if (ss) view.startupScript = ss;
  const sd = script(g.shutdownScript, g.shutdownScriptTimeoutS);
  if (sd) view.shutdownScript = sd;
  if (g.umask !== undefined) view.umask = g.umask;
  if (g.dataUseInstance) view.dataUseInstance = true;
  return view;
}
