/**
 * keepalived's semantic checks on the VRRP side of the AST (vrrp_complete_init and friends),
 * with keepalived 2.2.7's messages. The LVS side is checked by validateLvs() (ast-lvs.ts).
 *
 * Like keepalived, the checks also fix the configuration the way keepalived would run it
 * (a tracked name that does not exist is dropped, nopreempt is cleared with priority 255,
 * a v2 advert interval is rounded…), so the AST is what keepalived would use.
 *
 * Severity policy: everything keepalived reports through report_config_error() is an
 * 'error' (it makes `-t` exit 5), the missing-interface summary is 'fatal' (CONFIG_BAD_IF),
 * the script-security verdict is 'security'; things keepalived only logs (or does not
 * report at all) are 'warning'.
 */
import type { KeepalivedConfig, ScriptSpec, VrrpInstance, TrackRef, IpAddressSpec } from './ast';
import type { DiagnosticSink } from './diagnostics';
import type { SourcePos } from './types';
import { parseIp, isLinkLocal6 } from '../lib/ip';
import { declaredBefore, type DeclaredBefore } from './keywords/root';

export interface ValidateOptions {
  /** Interface names present; undefined = do not check interfaces. */
  interfaces?: ReadonlySet<string>;
  /** Whether a script's argv[0] can be found (keepalived silently drops missing scripts). Default: found. */
  scriptFound?: (argv0: string) => boolean;
  /** Whether a user exists (scripts naming an unknown user are dropped). Default: exists. */
  userExists?: (name: string) => boolean;
  /**
   * Whether a found script is safe to run as root (every path component root-owned, nothing
   * group/world-writable except sticky directories). Default: safe.
   */
  scriptSecure?: (argv0: string) => boolean;
}

const NOPOS: SourcePos | undefined = undefined;

/** Every script-valued field of the VRRP side, with a way to drop it. */
function collectScripts(cfg: KeepalivedConfig): { spec: ScriptSpec; drop: () => void }[] {
  const out: { spec: ScriptSpec; drop: () => void }[] = [];
  const add = <T extends object, K extends keyof T>(obj: T, key: K): void => {
    const v = obj[key] as unknown;
    if (v && typeof v === 'object' && 'argv' in (v as object)) {
      out.push({ spec: v as ScriptSpec, drop: () => delete obj[key] });
    }
  };
  const g = cfg.global;
  add(g, 'startupScript');
  add(g, 'shutdownScript');
  add(g, 'notifyFifoScript');
  add(g, 'vrrpNotifyFifoScript');
  add(g, 'lvsNotifyFifoScript');
  for (const s of cfg.vrrpScripts) if (s.script) add(s, 'script');
  for (const v of cfg.vrrpInstances) {
    for (const k of ['notifyMaster', 'notifyBackup', 'notifyFault', 'notifyStop', 'notifyDeleted', 'notify', 'notifyMasterRxLowerPri'] as const) add(v, k);
  }
  for (const sg of cfg.syncGroups) {
    for (const k of ['notifyMaster', 'notifyBackup', 'notifyFault', 'notifyStop', 'notify'] as const) add(sg, k);
  }
  return out;
}

/**
 * Check scripts: unknown users and missing commands drop the script (keepalived only logs);
 * returns how many scripts remain (for the script-security verdict).
 */
export function checkScripts(cfg: KeepalivedConfig, sink: DiagnosticSink, opts: ValidateOptions): { count: number; insecure: number } {
  let count = 0;
  let insecure = 0;
  const droppedScripts = new Set<string>();
  for (const { spec, drop } of collectScripts(cfg)) {
    const isVrrpScript = cfg.vrrpScripts.some((s) => s.script === spec);
    if (!isVrrpScript && spec.user !== undefined && opts.userExists && !opts.userExists(spec.user)) {
      sink.warn(spec.pos, `Script user '${spec.user}' does not exist`, 'CFG_SCRIPT_USER');
      dropScript(cfg, spec, drop, droppedScripts);
      continue;
    }
    const argv0 = spec.argv[0] ?? '';
    if (opts.scriptFound && !opts.scriptFound(argv0)) {
      const owner = cfg.vrrpScripts.find((s) => s.script === spec);
      if (owner) sink.error(NOPOS, `Disabling track script ${owner.name} since not found/accessible`, 'CFG_SCRIPT_MISSING');
      else sink.warn(spec.pos, `Cannot find script ${argv0} in path - disabling`, 'CFG_SCRIPT_MISSING');
      dropScript(cfg, spec, drop, droppedScripts);
      continue;
    }
    if (opts.scriptSecure && !opts.scriptSecure(argv0)) {
      insecure++;
      if (cfg.global.enableScriptSecurity) {
        const owner = cfg.vrrpScripts.find((s) => s.script === spec);
        if (owner) sink.error(NOPOS, `Disabling track script ${owner.name} due to insecure`, 'CFG_SCRIPT_INSECURE');
        else sink.warn(spec.pos, `Unsafe permissions found for script '${spec.argv.join(' ')}' - disabling.`, 'CFG_SCRIPT_INSECURE');
        dropScript(cfg, spec, drop, droppedScripts);
        continue;
      }
      sink.warn(spec.pos, `Unsafe permissions found for script '${spec.argv.join(' ')}'.`, 'CFG_SCRIPT_INSECURE');
    }
    count++;
  }
  if (droppedScripts.size > 0) removeVrrpScripts(cfg, droppedScripts);
  return { count, insecure };
}

/** Remove vrrp_scripts and (silently, as keepalived) every reference to them. */
function removeVrrpScripts(cfg: KeepalivedConfig, names: ReadonlySet<string>): void {
  cfg.vrrpScripts = cfg.vrrpScripts.filter((s) => !names.has(s.name));
  for (const o of [...cfg.vrrpInstances, ...cfg.syncGroups]) o.trackScripts = o.trackScripts.filter((r) => !names.has(r.name));
}

/**
 * Script users, as keepalived resolves them while parsing: a global script_user that does
 * not exist, a vrrp_script `user` that does not exist, and (with enable_script_security and
 * no script_user) the default user keepalived_script missing: the vrrp_scripts concerned are
 * removed with keepalived's messages. Notify scripts naming an unknown user are dropped later.
 */
export function checkScriptUsers(cfg: KeepalivedConfig, sink: DiagnosticSink, opts: ValidateOptions): void {
  const exists = opts.userExists;
  if (!exists) return;
  const g = cfg.global;
  let defaultOk = true;
  let defaultMsg: string | undefined;
  if (g.scriptUser) {
    if (!exists(g.scriptUser.user)) {
      sink.error(g.scriptUser.pos, 'Error setting global script uid/gid', 'CFG_SCRIPT_USER');
      defaultOk = false;
    }
  } else if (g.enableScriptSecurity && !exists('keepalived_script')) {
    defaultOk = false;
    defaultMsg = 'Unable to set default user keepalived_script for script';
  }
  if (defaultMsg !== undefined) {
    // reported once, where the first script needing the default user is (in file order)
    const first = collectScripts(cfg)
      .map((x) => x.spec)
      .filter((x) => x.user === undefined)
      .sort((a, b) => (a.pos.file === b.pos.file ? a.pos.line - b.pos.line : 0))[0];
    if (first) sink.error(first.pos, defaultMsg, 'CFG_SCRIPT_USER');
  }
  const removed = new Set<string>();
  for (const s of cfg.vrrpScripts) {
    if (!s.script) continue;
    const user = s.script.user;
    if (user !== undefined) {
      if (!exists(user)) {
        sink.error(s.script.pos, `Unable to set uid/gid for script ${s.script.argv.map((a) => `'${a}'`).join(' ')}`, 'CFG_SCRIPT_USER');
        removed.add(s.name);
      }
    } else if (!defaultOk) {
      sink.error(s.pos, `Unable to set default user for vrrp script ${s.name} - removing`, 'CFG_SCRIPT_USER');
      removed.add(s.name);
    }
  }
  cfg.vrrpScripts = cfg.vrrpScripts.filter((s) => !removed.has(s.name));
  if (!defaultOk) {
    // other scripts without their own user cannot run either
    for (const { spec, drop } of collectScripts(cfg)) if (spec.user === undefined) drop();
  }
}

function dropScript(cfg: KeepalivedConfig, spec: ScriptSpec, drop: () => void, droppedScripts: Set<string>): void {
  const owner = cfg.vrrpScripts.find((s) => s.script === spec);
  if (owner) droppedScripts.add(owner.name);
  drop();
}

function resolveRefs(refs: TrackRef[], names: ReadonlySet<string>, owner: string, what: string, sink: DiagnosticSink): TrackRef[] {
  return refs.filter((r) => {
    if (names.has(r.name)) return true;
    sink.error(r.pos, `${owner} ${what} ${r.name} not found, ignoring...`, 'CFG_TRACK_NOT_FOUND');
    return false;
  });
}

/**
 * First VRRP phase: tracked names and interfaces (keepalived does these while parsing).
 * Returns false when keepalived -t stops checking there (a missing interface).
 */
export function validateVrrp(cfg: KeepalivedConfig, sink: DiagnosticSink, opts: ValidateOptions): boolean {
  const ifs = opts.interfaces;
  let badIf = false;
  const scriptNames = new Set(cfg.vrrpScripts.map((s) => s.name));
  const fileNames = new Set(cfg.trackFiles.map((s) => s.name));
  const procNames = new Set(cfg.trackProcesses.map((s) => s.name));
  const bfdNames = new Set(cfg.bfdInstances.map((s) => s.name));

  // Tracked names and interfaces, at their lines (keepalived does these while parsing).
  const known = (owner: object, kind: keyof DeclaredBefore, all: ReadonlySet<string>): ReadonlySet<string> => {
    const before = declaredBefore.get(owner)?.[kind];
    return before ? new Set([...all].filter((n) => before.has(n))) : all;
  };
  for (const v of cfg.vrrpInstances) {
    const o = `(${v.name})`;
    if (v.interface === 'lo') {
      sink.error(v.interfacePos ?? v.pos, `${o} cannot use a loopback interface (lo) for vrrp - ignoring`, 'CFG_LOOPBACK');
      delete v.interface;
      delete v.interfacePos;
    }
    if (ifs && v.interface !== undefined && !ifs.has(v.interface)) {
      sink.error(v.interfacePos ?? v.pos, `WARNING - interface ${v.interface} for vrrp_instance ${v.name} doesn't exist`, 'CFG_NO_INTERFACE');
      badIf = true;
    }
    for (const list of [v.virtualIpaddresses, v.virtualIpaddressesExcluded]) {
      for (const a of list) {
        if (ifs && a.dev !== undefined && !ifs.has(a.dev)) {
          sink.error(a.pos, `WARNING - interface ${a.dev} for ip address ${addrText(a)} doesn't exist`, 'CFG_NO_INTERFACE');
          badIf = true;
        }
      }
    }
    v.trackScripts = resolveRefs(v.trackScripts, known(v, 'scripts', scriptNames), o, 'track script', sink);
    v.trackFiles = resolveRefs(v.trackFiles, known(v, 'files', fileNames), o, 'track file', sink);
    v.trackProcesses = resolveRefs(v.trackProcesses, known(v, 'processes', procNames), o, 'track process', sink);
    v.trackBfds = resolveRefs(v.trackBfds, known(v, 'bfds', bfdNames), o, 'track bfd', sink);
    if (ifs) {
      v.trackInterfaces = v.trackInterfaces.filter((t) => {
        if (ifs.has(t.name)) return true;
        sink.error(t.pos, `${o} tracked interface ${t.name} doesn't exist`, 'CFG_NO_INTERFACE');
        badIf = true;
        return false;
      });
    }
  }
  for (const r of [...cfg.staticRoutes, ...cfg.vrrpInstances.flatMap((v) => v.virtualRoutes)]) {
    for (const dev of [r.dev, ...(r.nexthops ?? []).map((n) => n.dev)]) {
      if (ifs && dev !== undefined && !ifs.has(dev)) {
        sink.error(r.pos, `WARNING - interface ${dev} for VROUTE nexthop doesn't exist`, 'CFG_NO_INTERFACE');
        badIf = true;
      }
    }
  }
  for (const a of cfg.staticIpaddresses) {
    if (ifs && a.dev !== undefined && !ifs.has(a.dev)) {
      sink.error(a.pos, `WARNING - interface ${a.dev} for ip address ${addrText(a)} doesn't exist`, 'CFG_NO_INTERFACE');
      badIf = true;
    }
  }
  for (const r of [...cfg.staticRules, ...cfg.vrrpInstances.flatMap((v) => v.virtualRules)]) {
    for (const dev of [r.iif, r.oif]) {
      if (ifs && dev !== undefined && !ifs.has(dev)) {
        sink.error(r.pos, `WARNING - interface ${dev} for rule doesn't exist`, 'CFG_NO_INTERFACE');
        badIf = true;
      }
    }
  }
  if (ifs) {
    for (const l of cfg.root.linkbeatInterfaces) {
      if (!ifs.has(l.name)) {
        sink.error(l.pos, `unknown interface ${l.name} specified for linkbeat interface`, 'CFG_NO_INTERFACE');
        badIf = true;
      }
    }
    for (const d of cfg.root.interfaceUpDownDelays) {
      if (!ifs.has(d.name)) {
        // keepalived reports this one as CONFIG_BAD_IF (alone it makes -t exit 4)
        sink.fatal(d.pos, `unknown interface ${d.name} specified for up/down delay`, 'CFG_BAD_IF');
        badIf = true;
      }
    }
    for (const g of cfg.garpGroups) {
      for (const [i, name] of g.interfaces.entries()) {
        if (!ifs.has(name)) {
          sink.error(g.interfacePos[i] ?? g.pos, `WARNING - interface ${name} specified for garp_group doesn't exist`, 'CFG_NO_INTERFACE');
          badIf = true;
        }
      }
    }
    for (const sg of cfg.syncGroups) {
      sg.trackInterfaces = sg.trackInterfaces.filter((t) => {
        if (ifs.has(t.name)) return true;
        sink.error(t.pos, `(${sg.name}) tracked interface ${t.name} doesn't exist`, 'CFG_NO_INTERFACE');
        badIf = true;
        return false;
      });
    }
  }
  for (const sg of cfg.syncGroups) {
    const o = `(${sg.name})`;
    sg.trackScripts = resolveRefs(sg.trackScripts, known(sg, 'scripts', scriptNames), o, 'track script', sink);
    sg.trackFiles = resolveRefs(sg.trackFiles, known(sg, 'files', fileNames), o, 'track file', sink);
    sg.trackProcesses = resolveRefs(sg.trackProcesses, known(sg, 'processes', procNames), o, 'track process', sink);
    sg.trackBfds = resolveRefs(sg.trackBfds, known(sg, 'bfds', bfdNames), o, 'track bfd', sink);
  }

  // Sync groups (vrrp_complete_init: before the instances).
  const inGroup = new Map<string, string>();
  const instNames = new Set(cfg.vrrpInstances.map((v) => v.name));
  for (const sg of cfg.syncGroups) {
    sg.group = sg.group.filter((m) => {
      if (!instNames.has(m.name)) {
        sink.error(NOPOS, `Virtual router ${m.name} specified in sync group ${sg.name} doesn't exist - ignoring`, 'CFG_SYNC_MEMBER');
        return false;
      }
      const other = inGroup.get(m.name);
      if (other !== undefined) {
        sink.error(NOPOS, `VRRP instance ${m.name} cannot be in more than one sync group (${other} and ${sg.name}) - ignoring`, 'CFG_SYNC_MEMBER');
        return false;
      }
      inGroup.set(m.name, sg.name);
      return true;
    });
    if (sg.group.length === 0) {
      sink.error(NOPOS, `Sync group ${sg.name} has no virtual router(s). removing`, 'CFG_SYNC_EMPTY');
    } else if (sg.group.length === 1) {
      sink.error(NOPOS, `Sync group ${sg.name} has only 1 virtual router(s) - this probably isn't what you want`, 'CFG_SYNC_SMALL');
    }
  }
  cfg.syncGroups = cfg.syncGroups.filter((sg) => sg.group.length > 0);

  // keepalived -t stops here when an interface is missing (no completion, no script checks).
  if (badIf) {
    sink.fatal(NOPOS, 'Non-existent interface specified in configuration', 'CFG_BAD_IF');
    return false;
  }
  return true;
}

/** Second VRRP phase (after the script checks, as in keepalived): vrrp_complete_init. */
export function completeVrrp(cfg: KeepalivedConfig, sink: DiagnosticSink, opts: ValidateOptions): boolean {
  const ifs = opts.interfaces;
  // Per-instance completion (vrrp_complete_instance); keepalived stops at the first fatal one.
  for (const v of cfg.vrrpInstances) {
    if (!completeInstance(v, cfg, sink, ifs)) return false;
  }

  // Two multicast instances with the same VRID, family and interface would fight.
  const mc = cfg.vrrpInstances.filter((v) => v.unicastPeers.length === 0 && v.interface !== undefined);
  for (let i = 0; i < mc.length; i++) {
    const a = mc[i]!;
    for (let j = i + 1; j < mc.length; j++) {
      const b = mc[j]!;
      if (a.virtualRouterId === b.virtualRouterId && a.family === b.family && a.interface === b.interface) {
        sink.error(NOPOS, `${a.name} and ${b.name} both use VRID ${a.virtualRouterId} with IPv${a.family} on interface ${a.interface}`, 'CFG_DUP_VRID');
      }
    }
  }
  return true;
}

/** keepalived's vrrp_complete_instance checks for one instance; false = keepalived stops here. */
function completeInstance(v: VrrpInstance, cfg: KeepalivedConfig, sink: DiagnosticSink, ifs: ReadonlySet<string> | undefined): boolean {
  const o = `(${v.name})`;
  const err = (m: string, code: string): void => sink.error(NOPOS, `${o} ${m}`, code);
  if (v.virtualRouterId === 0) {
    err('the virtual router id must be set', 'CFG_NO_VRID');
    return false;
  }
  if (v.interface === undefined && v.vrf === undefined) {
    err('Unknown interface!', 'CFG_NO_INTERFACE');
    return false;
  }
  void ifs;
  if (v.unicastPeers.length === 0 && (v.srcIpKeyword === 'unicast_src_ip' || (v.unicastKeywords ?? []).length > 0)) {
    err('A unicast keyword has been specified without any unicast peers. Defaulting to multicast. This usage is deprecated - please update your configuration.', 'CFG_UNICAST_NO_PEER');
  }
  if (v.useVmac) {
    for (const a of [...v.virtualIpaddresses, ...v.virtualIpaddressesExcluded]) {
      if (a.useVmac) err(`use_vmac specified for VIP/eVIP ${addrText(a)} and vrrp instance`, 'CFG_VMAC_TWICE');
    }
  }
  if (v.trackInterfaces.some((t) => t.name === v.interface)) {
    err(`Ignoring track_interface ${v.interface} since own interface`, 'CFG_TRACK_OWN_IF');
    v.trackInterfaces = v.trackInterfaces.filter((t) => t.name !== v.interface);
  }
  const sg = cfg.syncGroups.find((g) => g.group.some((m) => m.name === v.name));
  if (sg) {
    const mine = new Set(v.trackInterfaces.map((t) => t.name));
    if (!v.dontTrackPrimary && v.interface !== undefined) mine.add(v.interface);
    for (const t of sg.trackInterfaces) {
      if (mine.has(t.name)) {
        err(`track_interface ${t.name} is configured on VRRP instance and sync group. Remove vrrp instance or sync group config`, 'CFG_TRACK_TWICE');
      }
    }
  }
  if (v.priority === 255) {
    // an address owner's priority never changes: weighted trackers make no sense
    v.trackInterfaces = v.trackInterfaces.filter((t) => {
      if (t.weight === 0) return true;
      err(`ignoring ${t.name} tracked interface due to address owner`, 'CFG_OWNER_WEIGHT');
      return false;
    });
    v.trackScripts = v.trackScripts.filter((t) => {
      const w = t.weight ?? cfg.vrrpScripts.find((x) => x.name === t.name)?.weight ?? 0;
      if (w === 0) return true;
      err(`ignoring tracked script ${t.name} with weights due to address_owner`, 'CFG_OWNER_WEIGHT');
      return false;
    });
    for (const t of v.trackFiles) {
      const w = t.weight ?? cfg.trackFiles.find((x) => x.name === t.name)?.weight ?? 0;
      if (w !== 0) {
        err(`ignoring weight from tracked file ${t.name} due to address_owner. specify weight 0`, 'CFG_OWNER_WEIGHT');
        t.weight = 0;
      }
    }
  }
  if (v.virtualIpaddresses.length === 0 && (v.strictMode || v.family === 6)) {
    // keepalived 2.2.7 also stops here for an IPv6 (native_ipv6) instance without VIPs
    if (v.strictMode && v.state === 'MASTER' && v.priority !== 255) err('State MASTER must match being address owner', 'CFG_STRICT');
    err('No VIP specified; at least one is required', 'CFG_NO_VIP');
    return false;
  }
  if (v.strictMode) {
    if (v.state === 'MASTER' && v.priority !== 255) {
      err('State MASTER must match being address owner', 'CFG_STRICT');
      v.state = 'BACKUP';
    }
    if (v.authentication) {
      err('Strict mode does not support authentication. Ignoring.', 'CFG_STRICT');
      delete v.authentication;
    }
    if (v.preemptDelayUs) {
      err('preempt_delay is incompatible with strict mode - resetting', 'CFG_STRICT');
      v.preemptDelayUs = 0;
    }
    if (v.family === 6 && v.virtualIpaddresses[0] && !isLinkLocalText(v.virtualIpaddresses[0].address)) {
      err('the first IPv6 VIP address must be link local', 'CFG_STRICT');
    }
  } else if (v.virtualIpaddresses.length === 0) {
    err('No VIP specified; at least one is sensible', 'CFG_NO_VIP');
  }
  if (v.strictMode && v.version === 2 && v.accept) {
    err('warning - accept mode for VRRP version 2 does not comply with RFC3768 - resetting', 'CFG_ACCEPT_V2');
    v.accept = false;
  }
  if (v.authentication) {
    if (v.version === 3) {
      err('VRRP version 3 does not support authentication. Ignoring.', 'CFG_AUTH_V3');
      delete v.authentication;
    } else if (v.authentication.type !== undefined && v.authentication.pass === undefined) {
      err('Authentication specified but no password given. Ignoring', 'CFG_AUTH_NO_PASS');
      delete v.authentication;
    } else if (v.authentication.type === 'AH' && v.family === 6) {
      err('Cannot use AH for IPv6 - ignoring', 'CFG_AUTH_AH6');
      delete v.authentication;
    }
  }
  if (v.authentication?.type === 'AH' && v.state === 'MASTER') {
    err('Initial state master is incompatible with AH authentication - clearing', 'CFG_AH_MASTER');
    v.state = 'BACKUP';
  }
  if (v.state === 'MASTER' && v.preemptDelayUs) {
    err('Warning - preempt delay will not work with initial state MASTER - clearing', 'CFG_PREEMPT_DELAY');
    v.preemptDelayUs = 0;
  }
  if (v.nopreempt && v.priority === 255) {
    err('nopreempt is incompatible with priority 255. resetting nopreempt', 'CFG_NOPREEMPT');
    v.nopreempt = false;
  }
  if (v.version === 2 && v.advertIntUs % 1_000_000 !== 0) {
    err(`VRRPv2 advertisement interval ${(v.advertIntUs / 1e6).toFixed(6)}s must be an integer. rounding`, 'CFG_ADVERT_ROUND');
    v.advertIntUs = Math.max(1, Math.round(v.advertIntUs / 1_000_000)) * 1_000_000;
  } else if (v.version === 3 && v.advertIntUs % 10_000 !== 0) {
    v.advertIntUs = Math.round(v.advertIntUs / 10_000) * 10_000;
  }
  for (const p of v.unicastPeers) {
    if (p.family !== v.family) {
      err(`Unicast peer ${p.address} address family does not match instance - ignoring`, 'CFG_FAMILY_MISMATCH');
    }
  }
  v.unicastPeers = v.unicastPeers.filter((p) => p.family === v.family);
  if (v.srcIp !== undefined) {
    const ip = parseIp(v.srcIp);
    if (ip && ip.family !== v.family) {
      err(`mcast_src_ip/unicast_src_ip ${v.srcIp} address family does not match instance - ignoring`, 'CFG_FAMILY_MISMATCH');
      delete v.srcIp;
    }
  }
  void cfg;
  return true;
}

/** The address as keepalived prints it in interface warnings (with /LEN when not a host address). */
function addrText(a: IpAddressSpec): string {
  return a.prefixLen === (a.family === 4 ? 32 : 128) ? a.address : `${a.address}/${a.prefixLen}`;
}

function isLinkLocalText(text: string): boolean {
  const ip = parseIp(text);
  return !!ip && isLinkLocal6(ip);
}

/** The script-security verdict for the whole configuration (VRRP and LVS scripts together). */
export function checkScriptSecurity(cfg: KeepalivedConfig, scripts: { count: number; insecure: number }, sink: DiagnosticSink): void {
  if (scripts.count > 0 && !cfg.global.enableScriptSecurity) {
    const more = scripts.insecure > 0 ? ' There are insecure scripts.' : '';
    sink.report(NOPOS, 'security', `SECURITY VIOLATION - scripts are being executed but script_security not enabled.${more}`, 'CFG_SCRIPT_SECURITY');
  }
}
