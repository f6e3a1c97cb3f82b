/**
 * The IPVS reconciler: configuration model + real-server verdicts → the table we want → the
 * operations that take the table we made to it. Pure: no I/O, no clock.
 *
 * Three parts:
 *   LvsState     the per-VS / per-RS state keepalived keeps (rs alive, dynamic weight, quorum
 *                up, sorry server in) and its transitions with keepalived 2.2.7's log lines
 *                (check/ipwrapper.c: perform_svr_state, update_quorum_state, update_svr_wgt,
 *                clear_service_rs): events in, log lines + notifications out;
 *   desiredTable what the kernel table should hold for a state;
 *   diffTables   the operations from one table to another; entries outside both tables
 *                (services we did not create) are never touched.
 *
 * Table semantics (as keepalived's ipvs_cmd produces them):
 *   - a live real server is a destination with real_weight(weight + dynamic weight);
 *   - a failed one is absent, or present with weight 0 with inhibit_on_failure;
 *   - while the quorum is down and the VS has a sorry server, the sorry server is in (its own
 *     weight) and the real servers are out (inhibit: weight 0); with the quorum up the sorry
 *     server is out, or in with weight 0 with sorry_server_inhibit.
 */
import type { IpvsDest, IpvsService } from '../sys/ipvs-codec';
import { AF_INET6, realWeight, type LvsModel, type RsModel, type VsModel } from './ipvs-model';
import type { LvsScriptSpec } from '../config/ast-lvs';

// ---- tables and the diff ----

export interface TableService {
  svc: IpvsService;
  dests: Map<string, IpvsDest>;
  /** FMT_VS of the VS that owns it (for logs / dumps). */
  vs?: string;
}
/** Services by key, in the order they are to be created. */
export type Table = Map<string, TableService>;

export type IpvsOp =
  | { op: 'addService'; svc: IpvsService }
  | { op: 'editService'; svc: IpvsService }
  | { op: 'delService'; svc: IpvsService }
  | { op: 'addDest'; svc: IpvsService; dest: IpvsDest }
  | { op: 'editDest'; svc: IpvsService; dest: IpvsDest }
  | { op: 'delDest'; svc: IpvsService; dest: IpvsDest };

const hex = (b: Buffer | undefined): string => (b ? b.toString('hex') : '-');

/** Kernel identity of a service: fwmark + af, or af + protocol + address + port. */
export function serviceKey(s: Pick<IpvsService, 'af' | 'protocol' | 'addr' | 'port' | 'fwmark'>): string {
  if (s.fwmark) return `fwm/${s.af}/${s.fwmark}`;
  return `${s.af}/${s.protocol ?? 0}/${hex(s.addr)}/${s.port ?? 0}`;
}

/** Kernel identity of a destination within a service. */
export function destKey(d: Pick<IpvsDest, 'addr' | 'port'>): string {
  return `${hex(d.addr)}/${d.port}`;
}

const defaultNetmask = (af: number): number => (af === AF_INET6 ? 128 : 0xffffffff);

function sameService(a: IpvsService, b: IpvsService): boolean {
  return (
    (a.schedName ?? '') === (b.schedName ?? '') &&
    (a.flags?.flags ?? 0) === (b.flags?.flags ?? 0) &&
    (a.timeout ?? 0) === (b.timeout ?? 0) &&
    (a.netmask ?? defaultNetmask(a.af)) === (b.netmask ?? defaultNetmask(b.af)) &&
    (a.peName ?? '') === (b.peName ?? '')
  );
}

function sameDest(a: IpvsDest, b: IpvsDest): boolean {
  return (
    (a.fwdMethod ?? 0) === (b.fwdMethod ?? 0) &&
    (a.weight ?? 1) === (b.weight ?? 1) &&
    (a.uThreshold ?? 0) === (b.uThreshold ?? 0) &&
    (a.lThreshold ?? 0) === (b.lThreshold ?? 0) &&
    (a.tunType ?? 0) === (b.tunType ?? 0) &&
    (a.tunPort ?? 0) === (b.tunPort ?? 0) &&
    (a.tunFlags ?? 0) === (b.tunFlags ?? 0)
  );
}

export interface DiffOptions {
  /** Removing a whole service: delete only the service, not its destinations first (lvs_flush_on_stop VS). */
  serviceOnly?: boolean;
  /**
   * Compare only these services (a Scope's keys): `want` holds just them (desiredTable with a
   * scope), every other service of `cur` is left as it is.
   */
  only?: ReadonlySet<string>;
}

/**
 * Operations taking `cur` (what we created) to `want`. Services that disappear are removed
 * first (their destinations one by one, then the service, as keepalived's clear_service_vs),
 * then each wanted service in order: created with its destinations, or edited, then its
 * destinations removed, edited and added.
 */
export function diffTables(cur: Table, want: Table, opts: DiffOptions = {}): IpvsOp[] {
  const ops: IpvsOp[] = [];
  const curKeys: Iterable<string> = opts.only ?? cur.keys();
  for (const k of curKeys) {
    const c = cur.get(k);
    if (!c) continue;
    if (want.has(k)) continue;
    if (!opts.serviceOnly) for (const d of c.dests.values()) ops.push({ op: 'delDest', svc: c.svc, dest: d });
    ops.push({ op: 'delService', svc: c.svc });
  }
  for (const [k, w] of want) {
    const c = cur.get(k);
    if (!c) {
      ops.push({ op: 'addService', svc: w.svc });
      for (const d of w.dests.values()) ops.push({ op: 'addDest', svc: w.svc, dest: d });
      continue;
    }
    if (!sameService(c.svc, w.svc)) ops.push({ op: 'editService', svc: w.svc });
    for (const [dk, d] of c.dests) if (!w.dests.has(dk)) ops.push({ op: 'delDest', svc: w.svc, dest: d });
    for (const [dk, d] of w.dests) {
      const old = c.dests.get(dk);
      if (!old) ops.push({ op: 'addDest', svc: w.svc, dest: d });
      else if (!sameDest(old, d)) ops.push({ op: 'editDest', svc: w.svc, dest: d });
    }
  }
  return ops;
}

/** The table after `ops` have been applied to `t` (a copy; `t` is not changed). */
export function applyOps(t: Table, ops: readonly IpvsOp[]): Table {
  const out: Table = new Map([...t].map(([k, v]) => [k, { ...v, dests: new Map(v.dests) }]));
  for (const o of ops) applyOpInPlace(out, o);
  return out;
}

/**
 * Record one applied operation in `t` itself: O(1), for the engine's running table (a copy
 * of a 6,000-destination table per operation made every verdict O(n) and start O(n²)).
 */
export function applyOpInPlace(t: Table, o: IpvsOp): void {
  const k = serviceKey(o.svc);
  switch (o.op) {
    case 'addService':
      t.set(k, { svc: o.svc, dests: new Map() });
      break;
    case 'editService': {
      const s = t.get(k);
      if (s) s.svc = o.svc;
      break;
    }
    case 'delService':
      t.delete(k);
      break;
    case 'addDest':
    case 'editDest':
      t.get(k)?.dests.set(destKey(o.dest), o.dest);
      break;
    case 'delDest':
      t.get(k)?.dests.delete(destKey(o.dest));
      break;
  }
}

// ---- state ----

export interface RsState {
  alive: boolean;
  /** Sum of dynamic weights (misc_dynamic, FILE_CHECK), added to the configured weight. */
  dynWeight: number;
}

export interface VsState {
  quorumUp: boolean;
  /** The sorry server is in the pool (keepalived: s_svr->alive). */
  sorryIn: boolean;
}

export type Notification =
  | { kind: 'rs'; vs: string; rs: string; up: boolean; script?: LvsScriptSpec }
  | { kind: 'quorum'; vs: string; up: boolean; script?: LvsScriptSpec };

export interface StepOut {
  lines: string[];
  notifications: Notification[];
}

const emptyOut = (): StepOut => ({ lines: [], notifications: [] });

/** keepalived's per-VS and per-RS state, with its transitions and log lines. */
export class LvsState {
  readonly rs = new Map<string, RsState>();
  readonly vs = new Map<string, VsState>();

  constructor(public model: LvsModel) {}

  private rsKey(vs: VsModel, rs: RsModel): string {
    return `${vs.id}\u0000${rs.text}`;
  }

  rsState(vs: VsModel, rs: RsModel): RsState {
    let s = this.rs.get(this.rsKey(vs, rs));
    if (!s) {
      s = { alive: false, dynWeight: 0 };
      this.rs.set(this.rsKey(vs, rs), s);
    }
    return s;
  }

  vsState(vs: VsModel): VsState {
    let s = this.vs.get(vs.id);
    if (!s) {
      s = { quorumUp: false, sorryIn: false };
      this.vs.set(vs.id, s);
    }
    return s;
  }

  /** Sum of the weights of live real servers (weigh_live_realservers). */
  weightSum(vs: VsModel): number {
    let sum = 0;
    for (const r of vs.rs) {
      const s = this.rsState(vs, r);
      if (s.alive) sum += realWeight(r.weight + s.dynWeight);
    }
    return sum;
  }

  /**
   * Start (init_services): every real server takes its initial verdict (`initial(vs, rs)`: up
   * unless an alpha checker holds it down; always up without checkers), then each VS's quorum
   * is evaluated with init semantics (may add the sorry server). Real servers that already
   * have state (a reload) keep it.
   */
  init(initial: (vs: VsModel, rs: RsModel) => boolean, opts: { rsInitNotifies?: boolean } = {}): StepOut {
    const out = emptyOut();
    for (const vs of this.model.vs) {
      const fresh = !this.vs.has(vs.id);
      const vst = this.vsState(vs);
      if (fresh) vst.quorumUp = false;
      for (const r of vs.rs) {
        if (this.rs.has(this.rsKey(vs, r))) continue;
        const alive = r.noCheckers || initial(vs, r);
        this.rsState(vs, r).alive = alive;
        // rs_init_notifies: notify_up for the real servers that start alive
        if (alive && opts.rsInitNotifies) out.notifications.push({ kind: 'rs', vs: vs.text, rs: r.text, up: true, ...(r.notifyUp ? { script: r.notifyUp } : {}) });
      }
      this.updateQuorum(vs, true, out);
    }
    return out;
  }

  /** A real server's verdict changed (perform_svr_state / update_svr_wgt). */
  rsVerdict(vsText: string, rsText: string, up: boolean, dynWeight: number): StepOut {
    const out = emptyOut();
    for (const vs of this.model.vs) {
      if (vs.text !== vsText) continue;
      for (const r of vs.rs) {
        if (r.text !== rsText) continue;
        const s = this.rsState(vs, r);
        if (dynWeight !== s.dynWeight) {
          const oldW = realWeight(r.weight + s.dynWeight);
          const newW = realWeight(r.weight + dynWeight);
          s.dynWeight = dynWeight;
          if (oldW !== newW) {
            out.lines.push(`Changing weight from ${oldW} to ${newW} for ${s.alive ? '' : 'in'}active service ${r.text} of VS ${vs.text}`);
            this.updateQuorum(vs, false, out);
          }
        }
        if (s.alive === up) continue;
        const verb = up ? (r.inhibit ? 'Enabling' : 'Adding') : r.inhibit ? 'Disabling' : 'Removing';
        const prep = r.inhibit ? 'of' : up ? 'to' : 'from';
        out.lines.push(`${verb} service ${r.text} ${prep} VS ${vs.text}`);
        s.alive = up;
        out.notifications.push({ kind: 'rs', vs: vs.text, rs: r.text, up, ...((up ? r.notifyUp : r.notifyDown) ? { script: (up ? r.notifyUp : r.notifyDown)! } : {}) });
        this.updateQuorum(vs, false, out);
      }
    }
    return out;
  }

  /** update_quorum_state. */
  private updateQuorum(vs: VsModel, init: boolean, out: StepOut): void {
    const st = this.vsState(vs);
    const sum = this.weightSum(vs);
    const threshold = vs.quorum + (st.quorumUp ? -1 : 1) * vs.hysteresis;
    if (!st.quorumUp && sum >= threshold) {
      st.quorumUp = true;
      out.lines.push(`Gained quorum ${vs.quorum}+${vs.hysteresis}=${threshold} <= ${sum} for VS ${vs.text}`);
      if (vs.sorry && st.sorryIn) {
        out.lines.push(`${vs.sorry.inhibit ? 'Disabling' : 'Removing'} sorry server ${vs.sorry.text} from VS ${vs.text}`);
        st.sorryIn = false;
        out.lines.push(`Adding alive servers to the pool for VS ${vs.text}`);
      }
      out.notifications.push({ kind: 'quorum', vs: vs.text, up: true, ...(vs.quorumUp ? { script: vs.quorumUp } : {}) });
    } else if ((st.quorumUp && (sum === 0 || sum < threshold)) || (init && !st.quorumUp && vs.sorry && !st.sorryIn)) {
      st.quorumUp = false;
      out.lines.push(`${init ? 'Starting with quorum down' : 'Lost quorum'} ${vs.quorum}-${vs.hysteresis}=${threshold} > ${sum} for VS ${vs.text}`);
      if (vs.sorry && !st.sorryIn) {
        out.lines.push(`${vs.sorry.inhibit ? 'Enabling' : 'Adding'} sorry server ${vs.sorry.text} to VS ${vs.text}`);
        out.lines.push(`Removing alive servers from the pool for VS ${vs.text}`);
        st.sorryIn = true;
      }
      out.notifications.push({ kind: 'quorum', vs: vs.text, up: false, ...(vs.quorumDown ? { script: vs.quorumDown } : {}) });
    }
  }

  /**
   * Stop (clear_services): the lines keepalived logs while removing everything, and the
   * quorum-down notifications (scripts only with omega, as keepalived).
   */
  stop(): StepOut {
    const out = emptyOut();
    for (const vs of this.model.vs) {
      for (const r of vs.rs) {
        const s = this.rsState(vs, r);
        out.lines.push(`Shutting down ${r.inhibit && !s.alive ? '(inhibited) ' : ''}service ${r.text} from VS ${vs.text}`);
        if (s.alive && vs.omega) out.notifications.push({ kind: 'rs', vs: vs.text, rs: r.text, up: false, ...(r.notifyDown ? { script: r.notifyDown } : {}) });
        s.alive = false;
      }
      const st = this.vsState(vs);
      if (vs.omega) out.notifications.push({ kind: 'quorum', vs: vs.text, up: false, ...(vs.quorumDown ? { script: vs.quorumDown } : {}) });
      st.quorumUp = false;
      st.sorryIn = false;
    }
    return out;
  }

  /**
   * Take over the state of a previous configuration (reload, keepalived's clear_diff_services):
   * VSs are matched by identity, real servers by FMT_RS; what is new starts fresh.
   */
  adopt(prev: LvsState): StepOut {
    const out = emptyOut();
    const prevVs = new Map(prev.model.vs.map((v) => [v.id, v]));
    /** clear_service_rs: the line for a real server that goes away with its entry. */
    const removing = (v: VsModel, r: RsModel): void => {
      const s = prev.rs.get(`${v.id}\u0000${r.text}`);
      const vst = prev.vs.get(v.id);
      const set = (!!s?.alive && !(v.sorry && vst?.sorryIn)) || r.inhibit;
      if (set) out.lines.push(`Removing ${r.inhibit && !s?.alive ? '(inhibited) ' : ''}service ${r.text} from VS ${v.text}`);
    };
    for (const v of prev.model.vs) {
      if (this.model.vs.some((n) => n.id === v.id)) continue;
      out.lines.push(v.id.startsWith('group ') ? `Removing Virtual Server Group [${v.id.slice(6)}]` : `Removing Virtual Server ${v.text}`);
      for (const r of v.rs) removing(v, r);
    }
    for (const vs of this.model.vs) {
      const old = prevVs.get(vs.id);
      if (!old) continue;
      const ost = prev.vs.get(vs.id);
      if (ost) this.vs.set(vs.id, { ...ost });
      for (const r of old.rs) {
        const s = prev.rs.get(`${old.id}\u0000${r.text}`);
        if (!vs.rs.some((n) => n.text === r.text)) {
          out.lines.push(`service ${r.text} no longer exist`);
          removing(old, r);
          continue;
        }
        if (s) this.rs.set(`${vs.id}\u0000${r.text}`, { ...s });
      }
      // sorry server removed or replaced: out of the pool
      if (ost?.sorryIn && (!vs.sorry || vs.sorry.text !== old.sorry?.text)) {
        const st = this.vsState(vs);
        if (old.sorry) out.lines.push(`Removing sorry server ${old.sorry.text} from VS ${old.text}`);
        st.sorryIn = false;
      }
    }
    return out;
  }
}

/**
 * The part of the table that one VS's verdicts can change: its services (`keys`) and every VS
 * that puts destinations into them (`vs`, in configuration order, since the first entry wins).
 */
export interface Scope {
  vs: VsModel[];
  keys: Set<string>;
}

/** Scope of the VSs printed `vsText` (FMT_VS); O(VSs × services), cache it per model. */
export function scopeOf(model: LvsModel, vsText: string): Scope {
  const keys = new Set<string>();
  for (const vs of model.vs) if (vs.text === vsText) for (const svc of vs.services) keys.add(serviceKey(svc));
  const vs = model.vs.filter((v) => v.services.some((svc) => keys.has(serviceKey(svc))));
  return { vs, keys };
}

/**
 * The table a state wants, in configuration order; with a scope, only the scope's services
 * (work proportional to the scope's real servers, not to the whole configuration).
 */
export function desiredTable(model: LvsModel, st: LvsState, scope?: Scope): Table {
  const t: Table = new Map();
  for (const vs of scope ? scope.vs : model.vs) {
    const vst = st.vsState(vs);
    const sorryIn = !!vs.sorry && vst.sorryIn;
    const dests: IpvsDest[] = [];
    for (const r of vs.rs) {
      const s = st.rsState(vs, r);
      const w = realWeight(r.weight + s.dynWeight);
      if (s.alive && !sorryIn) dests.push({ ...r.dest, weight: w });
      else if (r.inhibit) dests.push({ ...r.dest, weight: 0 });
    }
    if (vs.sorry) {
      if (sorryIn) dests.push({ ...vs.sorry.dest, weight: vs.sorry.weight });
      else if (vs.sorry.inhibit) dests.push({ ...vs.sorry.dest, weight: 0 });
    }
    for (const svc of vs.services) {
      const k = serviceKey(svc);
      if (scope && !scope.keys.has(k)) continue;
      let e = t.get(k);
      if (!e) {
        e = { svc, dests: new Map(), vs: vs.text };
        t.set(k, e);
      }
      for (const d0 of dests) {
        // fwmark services ignore real server ports (keepalived: "port will be ignored")
        const d = svc.fwmark && d0.port ? { ...d0, port: 0 } : d0;
        const dk = destKey(d);
        // a sorry server that is also a real server: the real server's entry wins
        if (!e.dests.has(dk)) e.dests.set(dk, d);
      }
    }
  }
  return t;
}
