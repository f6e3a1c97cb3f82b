/**
 * Pure planning: a worker's event + the configuration → the notifications keepalived 2.2.7
 * would send, in its order:
 *   VRRP state:   notify_<state> script, generic `notify` script (+ TYPE NAME STATE PRIO),
 *                 FIFO line (notify_fifo, then vrrp_notify_fifo), SMTP alert;
 *   VRRP events:  notify_master_rx_lower_pri script (no args), FIFO `... MASTER_RX_LOWER_PRI p`;
 *                 `... MASTER_PRIORITY p` / `... BACKUP_PRIORITY p` FIFO lines only;
 *   LVS:          notify_up/notify_down or quorum_up/quorum_down script (no args), FIFO line
 *                 (notify_fifo, then lvs_notify_fifo), SMTP alert.
 * No I/O here; the small per-instance memory keepalived keeps (notifies_sent, the sync group's
 * state, last_email_state, the effective priority) lives in PlanState, owned by the caller.
 */
import type { GlobalDefs, KeepalivedConfig, ScriptSpec, FifoSpec } from '../config/ast';
import type { LvsScriptSpec } from '../config/ast-lvs';
import { formatRs, formatVs } from '../config/ast-lvs';
import type { NotifyEvent } from './events';

export type Script = Pick<ScriptSpec, 'argv' | 'user' | 'group'>;
export type FifoKind = 'notify' | 'vrrp' | 'lvs';

export type NotifyAction =
  /** Run argv without a shell; `waitMs`: keepalived waits for it (STOP scripts, 1 s) and then kills it. */
  | { type: 'script'; argv: string[]; user?: string; group?: string; waitMs?: number }
  | { type: 'fifo'; fifo: FifoKind; line: string }
  | { type: 'smtp'; subject: string; body: string };

interface InstanceNotify {
  master?: Script;
  backup?: Script;
  fault?: Script;
  stop?: Script;
  /** notify_deleted: true (keyword alone) or a script. */
  deleted?: Script | true;
  notify?: Script;
  rxLowerPri?: Script;
  smtpAlert: boolean;
  priority: number;
  group?: string;
}

interface GroupNotify {
  master?: Script;
  backup?: Script;
  fault?: Script;
  stop?: Script;
  notify?: Script;
  smtpAlert: boolean;
}

interface VsNotify {
  up?: Script;
  down?: Script;
  smtpAlert: boolean;
  quorum: number;
  hysteresis: number;
  /** FMT_RS of each real server → weight, and whether it starts alive (not `alpha`). */
  rs: Map<string, { weight: number; startsAlive: boolean }>;
}

/** What planning needs from the configuration, indexed by the identities workers report. */
export interface NotifyConfig {
  instances: Map<string, InstanceNotify>;
  groups: Map<string, GroupNotify>;
  /** `${FMT_VS}\0${FMT_RS}` → the real server's scripts and whether it mails alerts. */
  rs: Map<string, { up?: Script; down?: Script; smtpAlert: boolean }>;
  vs: Map<string, VsNotify>;
  fifos: Partial<Record<FifoKind, FifoSpec>>;
  /** SMTP alerts possible at all: a server and at least one address (smtp_alert()'s first test). */
  smtp: boolean;
  routerId: string;
  noEmailFaults: boolean;
  /** fifo_write_vrrp_states_on_reload. */
  writeStatesOnReload: boolean;
}

const script = (s: ScriptSpec | LvsScriptSpec | undefined): Script | undefined =>
  s && s.argv.length > 0 ? { argv: [...s.argv], ...(s.user !== undefined ? { user: s.user } : {}), ...(s.group !== undefined ? { group: s.group } : {}) } : undefined;

function put<T extends object>(o: T, k: keyof T, v: unknown): void {
  if (v !== undefined) (o as Record<keyof T, unknown>)[k] = v;
}

/** Build the planning view of a configuration. `hostname` is router_id's default (as keepalived). */
export function notifyConfigOf(cfg: KeepalivedConfig, hostname: string): NotifyConfig {
  const g = cfg.global;
  const vrrpDefault = g.smtpAlertVrrp ?? g.smtpAlert ?? false;
  const groupOf = new Map<string, string>();
  const groups = new Map<string, GroupNotify>();
  for (const sg of cfg.syncGroups) {
    for (const m of sg.group) groupOf.set(m.name, sg.name);
    const gn: GroupNotify = { smtpAlert: sg.smtpAlert ?? vrrpDefault };
    put(gn, 'master', script(sg.notifyMaster));
    put(gn, 'backup', script(sg.notifyBackup));
    put(gn, 'fault', script(sg.notifyFault));
    put(gn, 'stop', script(sg.notifyStop));
    put(gn, 'notify', script(sg.notify));
    groups.set(sg.name, gn);
  }
  const instances = new Map<string, InstanceNotify>();
  for (const v of cfg.vrrpInstances) {
    const i: InstanceNotify = { smtpAlert: v.smtpAlert ?? vrrpDefault, priority: v.priority };
    put(i, 'master', script(v.notifyMaster));
    put(i, 'backup', script(v.notifyBackup));
    put(i, 'fault', script(v.notifyFault));
    put(i, 'stop', script(v.notifyStop));
    put(i, 'deleted', v.notifyDeleted === true ? true : script(v.notifyDeleted));
    put(i, 'notify', script(v.notify));
    put(i, 'rxLowerPri', script(v.notifyMasterRxLowerPri));
    put(i, 'group', groupOf.get(v.name));
    instances.set(v.name, i);
  }
  const rs = new Map<string, { up?: Script; down?: Script; smtpAlert: boolean }>();
  const vs = new Map<string, VsNotify>();
  for (const s of cfg.lvs.virtualServers) {
    const vsText = formatVs(s);
    const ve: VsNotify = { smtpAlert: s.smtpAlert, quorum: s.quorum, hysteresis: s.hysteresis, rs: new Map() };
    for (const r of s.realServers) ve.rs.set(formatRs(r, s), { weight: r.weight, startsAlive: !r.alpha });
    put(ve, 'up', script(s.quorumUp));
    put(ve, 'down', script(s.quorumDown));
    vs.set(vsText, ve);
    for (const r of s.realServers) {
      const re: { up?: Script; down?: Script; smtpAlert: boolean } = { smtpAlert: r.smtpAlert };
      put(re, 'up', script(r.notifyUp));
      put(re, 'down', script(r.notifyDown));
      rs.set(`${vsText}\u0000${formatRs(r, s)}`, re);
    }
  }
  const fifos: Partial<Record<FifoKind, FifoSpec>> = {};
  for (const [kind, f] of effectiveFifos(g).fifos) fifos[kind] = f.spec;
  return {
    instances,
    groups,
    rs,
    vs,
    fifos,
    smtp: g.smtpServer !== undefined && g.notificationEmail.length > 0,
    routerId: g.routerId ?? hostname,
    noEmailFaults: g.noEmailFaults,
    writeStatesOnReload: g.fifoWriteVrrpStatesOnReload,
  };
}

/**
 * The FIFOs to open, with keepalived's rules for shared paths: a vrrp or LVS FIFO with the
 * notify_fifo's path is ignored (its lines already go there), and when the vrrp and LVS FIFOs
 * share a path and both have scripts, the LVS script is ignored. `warnings`: keepalived's lines.
 */
export function effectiveFifos(g: GlobalDefs): { fifos: Map<FifoKind, { spec: FifoSpec; script?: ScriptSpec }>; warnings: string[] } {
  const fifos = new Map<FifoKind, { spec: FifoSpec; script?: ScriptSpec }>();
  const warnings: string[] = [];
  const add = (kind: FifoKind, spec: FifoSpec | undefined, script: ScriptSpec | undefined): void => {
    if (spec) fifos.set(kind, { spec, ...(script ? { script } : {}) });
  };
  add('notify', g.notifyFifo, g.notifyFifoScript);
  add('vrrp', g.vrrpNotifyFifo, g.vrrpNotifyFifoScript);
  add('lvs', g.lvsNotifyFifo, g.lvsNotifyFifoScript);
  const all = fifos.get('notify');
  const vrrp = fifos.get('vrrp');
  const lvs = fifos.get('lvs');
  if (all && vrrp && vrrp.spec.path === all.spec.path) {
    warnings.push(`notify FIFO ${all.spec.path} has been specified for global and vrrp FIFO - ignoring vrrp FIFO`);
    fifos.delete('vrrp');
  }
  if (all && lvs && lvs.spec.path === all.spec.path) {
    warnings.push(`notify FIFO ${all.spec.path} has been specified for global and LVS FIFO - ignoring LVS FIFO`);
    fifos.delete('lvs');
  }
  const v2 = fifos.get('vrrp');
  const l2 = fifos.get('lvs');
  if (v2 && l2 && v2.spec.path === l2.spec.path && v2.script && l2.script) {
    warnings.push('LVS notify FIFO and vrrp FIFO are the same both with scripts - ignoring LVS FIFO script');
    fifos.set('lvs', { spec: l2.spec });
  }
  return { fifos, warnings };
}

/** keepalived's per-object memory between events. */
export interface PlanState {
  /** notifies_sent per instance. */
  notified: Set<string>;
  /** Last notified state of each sync group. */
  groupState: Map<string, string>;
  /** last_email_state per instance ('i:NAME') and group ('g:NAME'). */
  lastEmail: Map<string, string>;
  /** Last effective priority reported per instance. */
  priority: Map<string, number>;
  /** Real servers' last reported state (`${vs}\0${rs}`), for the quorum mail's weight sum. */
  rsAlive: Map<string, boolean>;
  /** Instances whose last state is STOP. */
  stopped: Set<string>;
  /** Groups whose STOP waits for their members' STOP (keepalived stops instances first). */
  pendingGroupStop: Set<string>;
}

export function emptyPlanState(): PlanState {
  return { notified: new Set(), groupState: new Map(), lastEmail: new Map(), priority: new Map(), rsAlive: new Map(), stopped: new Set(), pendingGroupStop: new Set() };
}

const INSTANCE_MAIL: Record<string, [string, string]> = {
  MASTER: ['Entering MASTER state', '=> VRRP Instance is now owning VRRP VIPs <='],
  BACKUP: ['Entering BACKUP state', '=> VRRP Instance is no longer owning VRRP VIPs <='],
  FAULT: ['Entering FAULT state', '=> VRRP Instance is no longer owning VRRP VIPs <='],
  STOP: ['Stopping', '=> VRRP Instance stopping <='],
  DELETED: ['Deleted', '=> VRRP Deleted at reload <='],
};
const GROUP_MAIL: Record<string, [string, string]> = {
  MASTER: ['Entering MASTER state', '=> All VRRP group instances are now in MASTER state <='],
  BACKUP: ['Entering BACKUP state', '=> All VRRP group instances are now in BACKUP state <='],
  FAULT: ['Entering FAULT state', '=> All VRRP group instances are now in FAULT state <='],
  STOP: ['Stopping', '=> All VRRP group instances are now stopping <='],
};

const STOP_WAIT_MS = 1000;

function run(s: Script, extra: string[] = [], waitMs?: number): NotifyAction {
  return {
    type: 'script',
    argv: [...s.argv, ...extra],
    ...(s.user !== undefined ? { user: s.user } : {}),
    ...(s.group !== undefined ? { group: s.group } : {}),
    ...(waitMs !== undefined ? { waitMs } : {}),
  };
}

function fifoLines(cfg: NotifyConfig, side: 'vrrp' | 'lvs', line: string): NotifyAction[] {
  const out: NotifyAction[] = [];
  if (cfg.fifos.notify) out.push({ type: 'fifo', fifo: 'notify', line });
  if (cfg.fifos[side]) out.push({ type: 'fifo', fifo: side, line });
  return out;
}

function stateScript(n: InstanceNotify | GroupNotify, state: string): Script | undefined {
  switch (state) {
    case 'MASTER':
      return n.master;
    case 'BACKUP':
      return n.backup;
    case 'FAULT':
      return n.fault;
    case 'STOP':
      return n.stop;
    default:
      return undefined;
  }
}

function mail(cfg: NotifyConfig, st: PlanState, key: string, enabled: boolean, state: string, texts: Record<string, [string, string]>, what: string): NotifyAction[] {
  if (!enabled || !cfg.smtp) return [];
  if (cfg.noEmailFaults && state === 'FAULT') return [];
  if (st.lastEmail.get(key) === state) return [];
  const t = texts[state];
  if (!t) return [];
  st.lastEmail.set(key, state);
  return [{ type: 'smtp', subject: `[${cfg.routerId}] ${what} - ${t[0]}`, body: t[1] }];
}


/**
 * keepalived's quorum mail body, `=> Gained quorum Q+H=T <= SUM <=` (the same format when the
 * quorum is lost, with T = Q-H). SUM is the weight of the real servers alive as reported to us
 * (keepalived's dynamic MISC_CHECK weights are not seen here).
 */
function quorumMailBody(v: VsNotify, st: PlanState, vsText: string, up: boolean): string {
  let sum = 0;
  for (const [rs, info] of v.rs) if (st.rsAlive.get(`${vsText}\u0000${rs}`) ?? info.startsAlive) sum += info.weight;
  const threshold = v.quorum + (up ? 1 : -1) * v.hysteresis;
  return `=> ${up ? 'Gained quorum' : 'Lost quorum'} ${v.quorum}+${v.hysteresis}=${threshold} <= ${sum} <=`;
}

/**
 * After a reload: with fifo_write_vrrp_states_on_reload, the sync groups' current states are
 * written to the FIFOs again. Observed on 2.2.7: only GROUP lines (in configuration order), no
 * INSTANCE lines, not even for instances outside any group.
 */
export function planReloaded(cfg: NotifyConfig, st: PlanState): NotifyAction[] {
  if (!cfg.writeStatesOnReload) return [];
  const out: NotifyAction[] = [];
  for (const name of cfg.groups.keys()) {
    const state = st.groupState.get(name);
    if (state) out.push(...fifoLines(cfg, 'vrrp', `GROUP "${name}" ${state} 0\n`));
  }
  return out;
}

/**
 * The actions for one event, in keepalived's order. `prev`: the configuration before the last
 * reload (a DELETED instance is only in there).
 */
export function planEvent(cfg: NotifyConfig, st: PlanState, ev: NotifyEvent, prev?: NotifyConfig): NotifyAction[] {
  switch (ev.kind) {
    case 'instance': {
      const inst = cfg.instances.get(ev.name) ?? (ev.state === 'DELETED' ? prev?.instances.get(ev.name) : undefined);
      if (!inst) return [];
      st.priority.set(ev.name, ev.priority);
      if (ev.state === 'STOP') st.stopped.add(ev.name);
      else st.stopped.delete(ev.name);
      const out = instanceActions(cfg, st, ev, inst);
      // a group STOP held back for this member
      if (inst.group && st.pendingGroupStop.has(inst.group) && membersStopped(cfg, st, inst.group)) {
        st.pendingGroupStop.delete(inst.group);
        out.push(...groupActions(cfg, st, inst.group, 'STOP'));
      }
      return out;
    }
    case 'group': {
      if (!cfg.groups.has(ev.name)) return [];
      if (ev.state === 'STOP' && !membersStopped(cfg, st, ev.name)) {
        st.pendingGroupStop.add(ev.name);
        return [];
      }
      st.pendingGroupStop.delete(ev.name);
      return groupActions(cfg, st, ev.name, ev.state);
    }
    case 'master-rx-lower-pri': {
      const inst = cfg.instances.get(ev.name);
      if (!inst) return [];
      const out: NotifyAction[] = [];
      if (inst.rxLowerPri) out.push(run(inst.rxLowerPri));
      // keepalived writes its own effective priority, not the advert's.
      const prio = st.priority.get(ev.name) ?? inst.priority;
      out.push(...fifoLines(cfg, 'vrrp', `INSTANCE "${ev.name}" MASTER_RX_LOWER_PRI ${prio}\n`));
      return out;
    }
    case 'priority': {
      const inst = cfg.instances.get(ev.name);
      if (!inst) return [];
      st.priority.set(ev.name, ev.to);
      const what = ev.state === 'MASTER' ? 'MASTER_PRIORITY' : 'BACKUP_PRIORITY';
      return fifoLines(cfg, 'vrrp', `INSTANCE "${ev.name}" ${what} ${ev.to}\n`);
    }
    case 'rs': {
      const r = cfg.rs.get(`${ev.vs}\u0000${ev.rs}`);
      if (!r) return [];
      st.rsAlive.set(`${ev.vs}\u0000${ev.rs}`, ev.up);
      const out: NotifyAction[] = [];
      const s = ev.up ? r.up : r.down;
      if (s) out.push(run(s));
      out.push(...fifoLines(cfg, 'lvs', `RS ${ev.rs} ${ev.vs} ${ev.up ? 'UP' : 'DOWN'}\n`));
      return out;
    }
    case 'rs-alert': {
      // the mail comes from each checker's own transition (keepalived's checker epilogs)
      const r = cfg.rs.get(`${ev.vs}\u0000${ev.rs}`);
      if (!r?.smtpAlert || !cfg.smtp) return [];
      return [{ type: 'smtp', subject: `[${cfg.routerId}] Realserver ${ev.rs} of virtual server ${ev.vs} - ${ev.up ? 'UP' : 'DOWN'}`, body: ev.body }];
    }
    case 'quorum': {
      const v = cfg.vs.get(ev.vs);
      if (!v) return [];
      const out: NotifyAction[] = [];
      const s = ev.up ? v.up : v.down;
      if (s) out.push(run(s));
      out.push(...fifoLines(cfg, 'lvs', `VS ${ev.vs} ${ev.up ? 'UP' : 'DOWN'}\n`));
      if (v.smtpAlert && cfg.smtp)
        out.push({ type: 'smtp', subject: `[${cfg.routerId}] Virtualserver ${ev.vs} - ${ev.up ? 'UP' : 'DOWN'}`, body: quorumMailBody(v, st, ev.vs, ev.up) });
      return out;
    }
  }
}

function instanceActions(cfg: NotifyConfig, st: PlanState, ev: Extract<NotifyEvent, { kind: 'instance' }>, inst: InstanceNotify): NotifyAction[] {
  // Without notify_deleted a deleted instance is reported as FAULT to `notify`, the FIFO and
  // SMTP, but runs no notify_fault script (observed on 2.2.7).
  const deleted = ev.state === 'DELETED';
  const state = deleted && !inst.deleted ? 'FAULT' : ev.state;
  // A member already in its sync group's state was notified through the group. Never for
  // STOP: keepalived stops all instances before it sets any group to STOP.
  if (inst.group && state !== 'STOP' && st.notified.has(ev.name) && st.groupState.get(inst.group) === state) return [];
  // (members' STOP always goes out: a group's STOP is only notified after its members')
  st.notified.add(ev.name);
  const wait = state === 'STOP' ? STOP_WAIT_MS : undefined;
  const out: NotifyAction[] = [];
  const s = deleted ? (inst.deleted === true ? undefined : inst.deleted) : stateScript(inst, state);
  if (s) out.push(run(s, [], wait));
  if (inst.notify) out.push(run(inst.notify, ['INSTANCE', ev.name, state, String(ev.priority)], wait));
  out.push(...fifoLines(cfg, 'vrrp', `INSTANCE "${ev.name}" ${state} ${ev.priority}\n`));
  out.push(...mail(cfg, st, `i:${ev.name}`, inst.smtpAlert, state, INSTANCE_MAIL, `VRRP Instance ${ev.name}`));
  return out;
}

function membersStopped(cfg: NotifyConfig, st: PlanState, group: string): boolean {
  for (const [name, i] of cfg.instances) if (i.group === group && !st.stopped.has(name)) return false;
  return true;
}

function groupActions(cfg: NotifyConfig, st: PlanState, name: string, state: string): NotifyAction[] {
  const grp = cfg.groups.get(name);
  if (!grp) return [];
  st.groupState.set(name, state);
  const out: NotifyAction[] = [];
  const s = stateScript(grp, state);
  if (s) out.push(run(s));
  if (grp.notify) out.push(run(grp.notify, ['GROUP', name, state, '0'], state === 'STOP' ? STOP_WAIT_MS : undefined));
  out.push(...fifoLines(cfg, 'vrrp', `GROUP "${name}" ${state} 0\n`));
  out.push(...mail(cfg, st, `g:${name}`, grp.smtpAlert, state, GROUP_MAIL, `VRRP Group ${name}`));
  return out;
}

/** At exit: group STOPs still held back (a member never reported STOP). */
export function planFlush(cfg: NotifyConfig, st: PlanState): NotifyAction[] {
  const out: NotifyAction[] = [];
  for (const name of st.pendingGroupStop) out.push(...groupActions(cfg, st, name, 'STOP'));
  st.pendingGroupStop.clear();
  return out;
}
