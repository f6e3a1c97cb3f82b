/**
 * validateLvs(): keepalived 2.2.7's semantic checks of the LVS configuration
 * (check_data.c validate_check_config, ipwrapper.c link_vsg_to_vs, check_api.c defaults,
 * check_file.c / check_bfd.c name lookups, check script security), applied in place:
 * like keepalived it drops what it reports as "skipping"/"ignoring"/"removing", fixes what it
 * reports as "setting"/"resetting"/"reducing", and resolves every inherited value, so the
 * AST afterwards is exactly what the checker process would run.
 *
 * Messages keepalived prints without a file/line (they come from validation, not parsing)
 * are reported without a position too.
 */
import type { DiagnosticSink } from '../diagnostics';
import type { SourcePos } from '../types';
import type {
  BfdCheck,
  Checker,
  Forwarding,
  LvsConfig,
  LvsGlobalView,
  LvsScriptSpec,
  LvsValidateOptions,
  RealServer,
  VirtualServer,
  VirtualServerGroup,
} from '../ast-lvs';
import { checkerRaw, rsRaw, vsRaw } from './lvs-state';
import { checkerEndPos, fileTrackAttempts, bfdNameAttempts, miscUserPos, miscSeq, miscNoPath, miscDeferred } from './checkers';
import { cmdStr } from './lvs-values';
import { sorryForwardingSet, parseDroppedRs, scriptAttempts, DEFAULT_PERSISTENCE_TIMEOUT_S, DEFAULT_SCHEDULER } from './lvs';
import { formatRs, formatVs, formatVsgEntry } from './lvs-format';

function copyFwd(f: Forwarding): Forwarding {
  return { ...f };
}

function sameAddr(a: { ip: string; port: number }, b: { ip: string; port: number }): boolean {
  return a.ip === b.ip && a.port === b.port;
}

/** link_vsg_to_vs(): find the group; check its families against the virtual server's. */
function linkGroup(vs: VirtualServer, cfg: LvsConfig, sink: DiagnosticSink, linked: Map<string, number>): VirtualServerGroup | undefined | null {
  if (vs.key.kind !== 'group') return null;
  const name = vs.key.name;
  const vsg = cfg.virtualServerGroups.find((g) => g.name === name);
  if (!vsg) {
    sink.warn(undefined, `Virtual server group ${name} specified but not configured - ignoring virtual server ${formatVs(vs)}`, 'LVS_VSG_MISSING');
    return undefined;
  }
  const has4 = vsg.entries.some((e) => e.family === 4);
  const has6 = vsg.entries.some((e) => e.family === 6);
  if (vs.family !== undefined) {
    if (has4 && has6) {
      sink.warn(undefined, `${name}: virtual server group with IPv4 & IPv6 doesn't match virtual server ${formatVs(vs)} - ignoring`, 'LVS_VSG_FAMILY');
      return undefined;
    }
    if ((has4 && vs.family !== 4) || (has6 && vs.family !== 6)) {
      sink.warn(undefined, `${name}: address family doesn't match virtual server ${formatVs(vs)} - ignoring`, 'LVS_VSG_FAMILY');
      return undefined;
    }
  }
  const seq = linked.get(name) ?? 0;
  linked.set(name, seq + 1);
  vs.key = { kind: 'group', name, seq };
  if (vs.family === undefined) {
    if (has4 !== has6) vs.family = has4 ? 4 : 6;
    else if (!has4 && !has6) {
      sink.warn(undefined, `${name}: Virtual server ${formatVs(vs)} address family cannot be determined, defaulting to IPv4`, 'LVS_VSG_FAMILY');
      vs.family = 4;
    }
  }
  return vsg;
}

function scriptsOf(cfg: LvsConfig): LvsScriptSpec[] {
  const out: LvsScriptSpec[] = [];
  for (const vs of cfg.virtualServers) {
    // checkers of real servers dropped while reading stay queued in keepalived
    for (const rs of parseDroppedRs.get(vs) ?? []) for (const c of rs.checkers) if (c.kind === 'MISC_CHECK') out.push(c.script);
    if (vs.quorumUp) out.push(vs.quorumUp);
    if (vs.quorumDown) out.push(vs.quorumDown);
    for (const rs of vs.realServers) {
      if (rs.notifyUp) out.push(rs.notifyUp);
      if (rs.notifyDown) out.push(rs.notifyDown);
      for (const c of rs.checkers) if (c.kind === 'MISC_CHECK') out.push(c.script);
    }
  }
  return out;
}

/** Resolve a real server's inherited values (validate_check_config "Take default values"). */
function resolveRs(rs: RealServer, vs: VirtualServer, g: LvsGlobalView): void {
  const raw = rsRaw.get(rs);
  if (!raw) return; // already resolved (validated before, or deserialised)
  rs.alpha = raw.alpha ?? vs.alpha;
  rs.inhibitOnFailure = raw.inhibit ?? vs.inhibitOnFailure;
  rs.connectTimeoutUs = raw.connectTimeoutUs ?? vs.connectTimeoutUs;
  rs.delayLoopUs = raw.delayLoopUs ?? vs.delayLoopUs;
  const retry = raw.retry ?? vs.retry;
  if (retry !== undefined) rs.retry = retry;
  const warmup = raw.warmupUs ?? vs.warmupUs;
  if (warmup !== undefined) rs.warmupUs = warmup;
  const dbr = raw.delayBeforeRetryUs ?? vs.delayBeforeRetryUs;
  if (dbr !== undefined) rs.delayBeforeRetryUs = dbr;
  rs.weight = raw.weight ?? vs.weight;
  // inconsistent with the other smtp_alert defaults, kept by keepalived for compatibility
  rs.smtpAlert = raw.smtpAlert ?? g.smtpAlertChecker ?? g.smtpAlert ?? true;
}

/** Resolve a checker's timing and connection defaults from its real server. */
function resolveChecker(c: Checker, rs: RealServer, vs: VirtualServer): void {
  const raw = checkerRaw.get(c);
  if (!raw) return; // already resolved (e.g. deserialised)
  if (c.kind === 'BFD_CHECK' || c.kind === 'FILE_CHECK') return;
  c.alpha = raw.alpha ?? rs.alpha;
  c.retry = raw.retry ?? rs.retry ?? raw.defaultRetry;
  c.delayLoopUs = raw.delayLoopUs ?? rs.delayLoopUs;
  c.warmupUs = raw.warmupUs ?? rs.warmupUs ?? c.delayLoopUs;
  c.delayBeforeRetryUs = raw.delayBeforeRetryUs ?? rs.delayBeforeRetryUs ?? (raw.defaultDelayBeforeRetryUs || c.delayLoopUs);
  if ('conn' in c) {
    c.conn.connectTimeoutUs = raw.connectTimeoutUs ?? rs.connectTimeoutUs;
    if (!raw.dstIpSet) {
      c.conn.dstIp = rs.ip;
      c.conn.dstFamily = rs.family;
    }
    if (!raw.dstPortSet) c.conn.dstPort = rs.port;
  }
  if (c.kind === 'MISC_CHECK' && !raw.miscTimeoutSet) c.timeoutUs = vs.delayLoopUs;
  checkerRaw.delete(c);
}

/**
 * Check and normalise the LVS configuration in place.
 * `global` is what validation needs from the rest of the configuration; see LvsGlobalView.
 */
export function validateLvs(cfg: LvsConfig, global: LvsGlobalView, sink: DiagnosticSink, opts: LvsValidateOptions = {}): void {
  // FILE_CHECK / BFD_CHECK names are looked up while reading in keepalived, so every checker
  // read is checked, also those of servers dropped later
  const resolveBfdName = (c: BfdCheck, rs: RealServer, vs: VirtualServer, monitored: Set<string>): string | undefined => {
    let name: string | undefined;
    for (const a of bfdNameAttempts.get(c) ?? [{ name: c.name, pos: c.pos, rs: formatRs(rs, vs) }]) {
      if (a.name === undefined) {
        sink.error(a.pos, `(${a.rs}) BFD_CHECK - No or too many names specified - skipping checker`, 'LVS_BFD_BAD_NAME');
        return undefined;
      }
      if (!global.bfdInstances.has(a.name)) {
        sink.error(a.pos, `(${a.rs}) BFD_CHECK - BFD ${a.name} not configured`, 'LVS_BFD_MISSING');
        return undefined;
      }
      if (name !== undefined) {
        sink.error(a.pos, `(${a.rs}) BFD_CHECK - BFD ${a.name} already specified as ${name}`, 'LVS_BFD_DUP');
        return undefined;
      }
      if (monitored.has(a.name)) {
        sink.error(a.pos, `(${a.rs}) BFD_CHECK - RS already monitoring ${a.name}`, 'LVS_BFD_DUP_RS');
        return undefined;
      }
      name = a.name;
    }
    if (name !== undefined) monitored.add(name);
    return name;
  };
  for (const vs of cfg.virtualServers) {
    for (const rs of [...vs.realServers, ...(parseDroppedRs.get(vs) ?? [])]) {
      const bfdSeen = new Set<string>();
      rs.checkers = rs.checkers.filter((c) => {
        if (c.kind === 'FILE_CHECK') {
          let found: string | undefined;
          for (const a of fileTrackAttempts.get(c) ?? [{ name: c.trackFile, pos: c.pos }]) {
            if (global.trackFiles.has(a.name)) found = a.name;
            else sink.error(a.pos, `track_file ${a.name} not found`, 'LVS_TRACK_FILE_MISSING');
          }
          if (found === undefined) {
            sink.error(checkerEndPos.get(c) ?? c.pos, 'FILE_CHECK has no track_file specified - ignoring', 'LVS_FILE_NO_TRACK');
            return false;
          }
          c.trackFile = found;
          // no weight (or weight 0): the track_file's weight and reverse, as 2.2.7
          const inherited = c.weight === 0 ? global.trackFileWeights?.get(found) : undefined;
          if (inherited) {
            c.weight = inherited.weight;
            c.reverse = inherited.reverse;
          }
        }
        if (c.kind === 'BFD_CHECK') {
          const name = resolveBfdName(c, rs, vs, bfdSeen);
          if (name === undefined) return false;
          c.name = name;
        }
        return true;
      });
    }
  }

  // script users: keepalived drops scripts whose user/group do not exist; the first script
  // that stays is kept, later lines are reported as duplicates. A script without a user gets
  // the default user: script_user, else (with enable_script_security) keepalived_script,
  // which must then exist.
  const userExists = opts.userExists ?? (() => true);
  const defaultOk = global.scriptUser !== undefined ? userExists(global.scriptUser) : !global.enableScriptSecurity || userExists('keepalived_script');
  const noDefault: Array<{ seq: number; pos: SourcePos }> = [];
  const userOk = (sp: LvsScriptSpec, seq: number): boolean => {
    if (sp.user === undefined) {
      if (!defaultOk) noDefault.push({ seq, pos: sp.pos });
      return defaultOk;
    }
    return userExists(sp.user) && (sp.group === undefined || (opts.groupExists ?? (() => true))(sp.group));
  };
  type ScriptField = 'quorumUp' | 'quorumDown' | 'notifyUp' | 'notifyDown';
  const replay = (owner: Partial<Record<ScriptField, LvsScriptSpec>>, field: ScriptField, kwName: string): void => {
    const list = scriptAttempts.get(owner)?.get(field);
    if (!list) return;
    let cur: LvsScriptSpec | undefined;
    for (const a of list) {
      if (cur) sink.error(a.spec.pos, `(${a.vsgName}) ${kwName} script already specified - ignoring ${a.text}`, 'LVS_DUP_SCRIPT');
      else if (userOk(a.spec, a.seq)) cur = a.spec;
    }
    if (cur) owner[field] = cur;
    else delete owner[field];
    scriptAttempts.get(owner)!.delete(field);
  };
  const miscNoDefault: Array<{ seq: number; pos: SourcePos; msg: string }> = [];
  for (const vs of cfg.virtualServers) {
    replay(vs, 'quorumUp', 'quorum_up');
    replay(vs, 'quorumDown', 'quorum_down');
    for (const rs of [...vs.realServers, ...(parseDroppedRs.get(vs) ?? [])]) {
      replay(rs, 'notifyUp', 'notify_up');
      replay(rs, 'notifyDown', 'notify_down');
      rs.checkers = rs.checkers.filter((c) => {
        if (c.kind !== 'MISC_CHECK') return true;
        const end = checkerEndPos.get(c) ?? c.pos;
        // order as keepalived: the first `user` line naming an unknown user/group removes the
        // checker at once; then, at the block end, a missing path, then the default user
        for (const u of miscUserPos.get(c) ?? []) {
          const spec: LvsScriptSpec = { ...c.script, user: u.user };
          if (u.group !== undefined) spec.group = u.group;
          else delete spec.group;
          if (!userOk(spec, 0)) {
            sink.error(u.pos, `Failed to set uid/gid for misc checker script ${u.cmd} - removing`, 'LVS_MISC_USER');
            return false;
          }
        }
        for (const d of miscDeferred.get(c) ?? []) sink.add(d);
        miscDeferred.delete(c);
        if (miscNoPath.has(c)) {
          sink.error(end, 'No script path has been specified for MISC_CHECKER - skipping', 'LVS_MISC_NO_PATH');
          return false;
        }
        if (c.script.user === undefined && !defaultOk) {
          // resolved at the end of the block
          noDefault.push({ seq: miscSeq.get(c) ?? 0, pos: end });
          miscNoDefault.push({ seq: miscSeq.get(c) ?? 0, pos: end, msg: `Unable to set default user for misc script ${cmdStr(c.script)} - removing` });
          return false;
        }
        return true;
      });
    }
  }
  // the default-user failure is reported once, at the first script that needed it
  const firstNoDefault = noDefault.sort((a, b) => a.seq - b.seq)[0];
  if (firstNoDefault && global.scriptUser === undefined) {
    sink.error(firstNoDefault.pos, 'Unable to set default user keepalived_script for script', 'LVS_SCRIPT_USER');
  }
  for (const m of miscNoDefault) sink.error(m.pos, m.msg, 'LVS_SCRIPT_USER');

  const kept: VirtualServer[] = [];
  const linked = new Map<string, number>();
  for (const vs of cfg.virtualServers) {
    const vsg = linkGroup(vs, cfg, sink, linked);
    if (vsg === undefined) continue;
    if (validateVs(vs, vsg, global, sink)) kept.push(vs);
  }
  cfg.virtualServers = kept;

  // checkers: defaults from the real server
  for (const vs of cfg.virtualServers) {
    for (const rs of vs.realServers) {
      for (const c of rs.checkers) resolveChecker(c, rs, vs);
      if (opts.interfaces) {
        for (const c of rs.checkers) {
          if ('conn' in c && c.conn.bindIf !== undefined && !opts.interfaces.has(c.conn.bindIf)) {
            sink.warn(c.pos, `Checker bind_if ${c.conn.bindIf} does not exist`, 'LVS_BIND_IF_MISSING');
          }
        }
      }
    }
  }

  // scripts: missing MISC_CHECK scripts are dropped; found scripts need script security
  const found = opts.scriptFound ?? (() => true);
  for (const vs of cfg.virtualServers) {
    for (const rs of vs.realServers) {
      rs.checkers = rs.checkers.filter((c) => c.kind !== 'MISC_CHECK' || (c.script.argv[0] !== undefined && found(c.script.argv[0])));
    }
  }
  const anyScript = scriptsOf(cfg).some((s) => s.argv[0] !== undefined && found(s.argv[0]));
  if (anyScript && !global.enableScriptSecurity) {
    sink.report(undefined, 'security', 'SECURITY VIOLATION - check scripts are being executed but script_security not enabled.', 'LVS_SCRIPT_SECURITY');
  }
}

/** One virtual server; false when keepalived drops it. */
function validateVs(vs: VirtualServer, vsg: VirtualServerGroup | null, g: LvsGlobalView, sink: DiagnosticSink): boolean {
  const raw = vsRaw.get(vs);
  if (vs.realServers.length === 0) {
    sink.error(undefined, `Virtual server ${formatVs(vs)} has no real servers - ignoring`, 'LVS_VS_NO_RS');
    return false;
  }
  const vsgFwmarks = vsg ? vsg.entries.filter((e) => e.kind === 'fwmark') : [];
  const vsgRanges = vsg ? vsg.entries.filter((e) => e.kind === 'range') : [];
  const isFwmark = vs.key.kind === 'fwmark';

  if (vs.haSuspend && (isFwmark || vsgFwmarks.length > 0)) {
    sink.error(undefined, `Virtual server ${formatVs(vs)}: cannot use ha_suspend with fwmarks - clearing ha_suspend`, 'LVS_HA_SUSPEND_FWMARK');
    vs.haSuspend = false;
  }

  if ((vsg && vsgRanges.length > 0) || (!vsg && !isFwmark)) {
    if (vs.protocol === undefined) {
      sink.error(undefined, `Virtual server ${formatVs(vs)}: no protocol set - defaulting to UDP`, 'LVS_NO_PROTOCOL');
      vs.protocol = 'UDP';
    }
    if (vs.flags.includes('ops') && vs.protocol !== 'UDP') {
      sink.error(undefined, `Virtual server ${formatVs(vs)}: one packet scheduling requires UDP - resetting`, 'LVS_OPS_NOT_UDP');
      vs.flags = vs.flags.filter((f) => f !== 'ops');
    }
    if (!vs.persistenceTimeoutS && vs.key.kind === 'ip' && vs.key.port === 0) {
      sink.error(undefined, `Virtual server ${formatVs(vs)}: zero port only valid for persistent services - setting`, 'LVS_ZERO_PORT');
      vs.persistenceTimeoutS = DEFAULT_PERSISTENCE_TIMEOUT_S;
    }
  }
  if (!vs.persistenceTimeoutS && vsg && vsgRanges.some((e) => e.kind === 'range' && e.port === 0)) {
    sink.error(undefined, `Virtual server ${formatVs(vs)}: zero port only valid for persistent services - setting`, 'LVS_ZERO_PORT');
    vs.persistenceTimeoutS = DEFAULT_PERSISTENCE_TIMEOUT_S;
  }

  if (vs.protocol !== undefined && ((vsg && vsgRanges.length === 0 && vsgFwmarks.length > 0) || (!vsg && isFwmark))) {
    sink.error(undefined, `Warning: Virtual server ${formatVs(vs)}: protocol specified for fwmark - protocol will be ignored`, 'LVS_FWMARK_PROTOCOL');
    delete vs.protocol;
  }

  if (raw && !raw.schedulerSet) {
    sink.error(undefined, `Virtual server ${formatVs(vs)}: no scheduler set, setting default '${DEFAULT_SCHEDULER}'`, 'LVS_NO_SCHEDULER');
    vs.scheduler = DEFAULT_SCHEDULER;
    raw.schedulerSet = true;
  }

  if (raw) vs.smtpAlert = raw.smtpAlert ?? g.smtpAlertChecker ?? g.smtpAlert ?? false;

  const fwdDefault = (): void => {
    if (raw && !raw.forwardingSet) {
      sink.error(undefined, `Virtual server ${formatVs(vs)}: no forwarding method set, setting default NAT`, 'LVS_NO_FORWARDING');
      vs.forwarding = { method: 'NAT' };
      raw.forwardingSet = true;
    }
  };

  let weightSum = 0;
  const kept: RealServer[] = [];
  for (const rs of vs.realServers) {
    if (kept.some((r) => sameAddr(r, rs))) {
      sink.error(undefined, `VS ${formatVs(vs)}: real server ${formatRs(rs, vs)} is duplicated - removing second rs`, 'LVS_RS_DUPLICATE');
      continue;
    }
    const rraw = rsRaw.get(rs);
    if (rraw?.forwarding) rs.forwarding = copyFwd(rraw.forwarding);
    else if (rraw) {
      fwdDefault();
      rs.forwarding = copyFwd(vs.forwarding);
    }
    resolveRs(rs, vs, g);
    weightSum += rs.weight;
    const ss = vs.sorryServer;
    if (ss && sameAddr(ss, rs)) {
      if (ss.inhibit !== rs.inhibitOnFailure) {
        sink.error(
          undefined,
          `Virtual server ${formatVs(vs)}: real server ${formatRs(rs, vs)} matches sorry server, but inhibit setting differs, ${rs.inhibitOnFailure ? 'sett' : 'clear'}ing on sorry server`,
          'LVS_SORRY_INHIBIT',
        );
        ss.inhibit = rs.inhibitOnFailure;
      }
    }
    kept.push(rs);
    rsRaw.delete(rs);
  }
  vs.realServers = kept;

  if (vs.sorryServer && sorryForwardingSet.get(vs.sorryServer) === false) {
    fwdDefault();
    vs.sorryServer.forwarding = copyFwd(vs.forwarding);
    sorryForwardingSet.delete(vs.sorryServer);
  }

  if (vs.quorum > weightSum) {
    sink.error(undefined, `Warning - quorum ${vs.quorum} for ${formatVs(vs)} exceeds total weight of real servers ${weightSum}, reducing quorum to ${weightSum}`, 'LVS_QUORUM_WEIGHT');
    vs.quorum = weightSum;
  }
  if (vs.hysteresis >= vs.quorum) {
    const h = (vs.quorum - 1) >>> 0;
    sink.error(undefined, `Virtual server ${formatVs(vs)}: hysteresis ${vs.hysteresis} >= quorum ${vs.quorum}; setting hysteresis to ${h}`, 'LVS_HYSTERESIS');
    vs.hysteresis = h;
  }

  // ports: unless NAT, real and virtual servers have the same port; fwmark services have none
  const ss = vs.sorryServer;
  if (vsg) {
    if (vsgFwmarks.length > 0) {
      for (const rs of vs.realServers) {
        if (rs.forwarding.method === 'NAT') continue;
        if (rs.port) sink.error(undefined, `WARNING - fwmark virtual server ${formatVs(vs)}, real server ${formatRs(rs, vs)} has port specified - port will be ignored`, 'LVS_PORT');
      }
      if (ss && ss.forwarding.method !== 'NAT' && ss.port) {
        sink.error(undefined, `WARNING - fwmark virtual server ${formatVs(vs)}, sorry server has port specified - port will be ignored`, 'LVS_PORT');
      }
    }
    for (const e of vsgRanges) {
      if (e.kind !== 'range') continue;
      for (const rs of vs.realServers) {
        if (rs.forwarding.method === 'NAT') continue;
        if (rs.port && e.port !== rs.port) {
          sink.error(undefined, `virtual server ${formatVs(vs)}:[${formatVsgEntry(e)}] and real server ${formatRs(rs, vs)} ports don't match`, 'LVS_PORT');
        }
      }
      if (ss && ss.forwarding.method !== 'NAT' && ss.port && e.port !== ss.port) {
        sink.error(undefined, `WARNING - virtual server ${formatVs(vs)}, sorry server has port specified - port will be ignored`, 'LVS_PORT');
      }
    }
  } else {
    const vport = vs.key.kind === 'ip' ? vs.key.port : 0;
    for (const rs of vs.realServers) {
      if (rs.forwarding.method === 'NAT') {
        if (!isFwmark && !rs.port) rs.port = vport;
        continue;
      }
      if (isFwmark) {
        if (rs.port) {
          sink.error(undefined, `WARNING - fwmark virtual server ${formatVs(vs)}, real server ${formatRs(rs, vs)} has port specified - clearing`, 'LVS_PORT');
          rs.port = 0;
        }
      } else if (!rs.port) rs.port = vport;
      else if (vport !== rs.port) {
        sink.error(undefined, `WARNING - virtual server ${formatVs(vs)} and real server ${formatRs(rs, vs)} ports don't match - resetting`, 'LVS_PORT');
        rs.port = vport;
      }
    }
    if (ss && ss.forwarding.method !== 'NAT') {
      if (isFwmark) {
        if (ss.port) {
          sink.error(undefined, `WARNING - virtual server ${formatVs(vs)}, sorry server has port specified - clearing`, 'LVS_PORT');
          ss.port = 0;
        }
      } else if (!ss.port) ss.port = vport;
      else if (vport !== ss.port) {
        sink.error(undefined, `WARNING - virtual server ${formatVs(vs)} and sorry server ports don't match - resetting`, 'LVS_PORT');
        ss.port = vport;
      }
    }
  }

  vsRaw.delete(vs);
  return true;
}
