/**
 * The checker worker engine (keepalived's check process): builds the checkers from the slice,
 * runs the Scheduler, feeds real-server verdicts to the reconciler (ipvs-reconcile.ts) and
 * applies the resulting operations through an IpvsPort, in order, one at a time.
 *
 *   start:  lvs_flush → lvs_timeouts → initial table (init_services) → checkers start
 *   event:  rs verdict → LvsState transition (log lines, notifications) → diff → apply
 *   reload: new model adopts the old state (alive RSs stay in), new scheduler, diff → apply
 *   stop:   checkers stop; table removed (diff to empty, lvs_flush_on_stop VS: services only,
 *           ALL: flush) unless dont_release_ipvs (-I)
 *
 * Ports: IpvsPort (IpvsClient, or MemIpvsPort with `ipvsDryRun`: every change logged, no
 * kernel), Clock, the check runner, and a Notifier (notify_up/down, quorum_up/down scripts;
 * the default one logs what it would run: script execution belongs to the parent).
 *
 * Files: ipvs-model.ts (config → services/dests), ipvs-reconcile.ts (state, log lines,
 * desired table, diff), ipvs-memport.ts (in-memory IpvsPort: --dry-run and test fake).
 * Checked against keepalived 2.2.7 in the IPVS VM: test/vm/ipvs-engine.test.ts.
 *
 * Deviations from keepalived 2.2.7 (known):
 *   - ha_suspend (ha-suspend.ts): checkers of a VS whose address is not on the host are
 *     suspended, following netlink address events (AddrMonitorPort); IPVS entries stay, as in
 *     2.2.7 (compared by hand in the IPVS VM, log lines in ha-suspend.ts; no VM parity test);
 *   - lvs_sync_daemon is not started here: keepalived drives it from the VRRP process, and so
 *     must the VRRP worker, through lvs-syncd.ts (LvsSyncd; its DOC gives the hook);
 *   - notify/quorum scripts are only logged by the default Notifier; SNMP traps, SMTP alerts
 *     and the notify FIFOs are not sent;
 *   - no modprobe of ip_vs when the IPVS family is missing: start fails (EXIT_CONFIG);
 *   - a sorry server that is also a real server, and two VSs sharing a kernel service, are
 *     not special-cased (the first entry wins);
 *   - keepalived_check.data is a short summary, not keepalived's layout.
 */
import type { EngineContext, WorkerEngine } from '../workers/engine';
import type { IpvsPort } from '../sys/ipvs';
import type { AddrEvent, AddrMonitorPort } from '../sys/netlink-addr';
import { HaSuspend, suspendVips } from './ha-suspend';
import { checkerAlertBody, type CheckerAlert } from './alerts';
import type { CheckerSlice } from '../config/index';
import type { LvsScriptSpec } from '../config/ast-lvs';
import { Scheduler, checkersFromSlice, realClock, runCheck, type Clock, type SchedChecker, type SchedEvent, type CheckResult } from './index';
import { buildModel, type LvsModel } from './ipvs-model';
import { LvsState, applyOpInPlace, desiredTable, diffTables, scopeOf, type IpvsOp, type Notification, type Scope, type StepOut, type Table } from './ipvs-reconcile';
import type { RsModel, VsModel } from './ipvs-model';
import { MemIpvsPort, formatOp, formatServiceArg } from './ipvs-memport';
import { setSockOpener } from './checkers/conn';
import { setConnectProbe } from './checkers/tcp';
import { DirFileWatcher, createTrackFile } from '../sys/filewatch';
import type { FileWatch, FileWatcher } from '../vrrp/runtime/ports';
import { setDgramOpener } from './checkers/udp-sock';
import { setSockPinger } from './checkers/ping';
import { nativePinger } from './checkers/ping-native';
import { initialOf as fileInitialOf } from './checkers/file';

/** Settings the engine reads beyond WorkerSettings (the daemon's CLI sets them). */
export interface CheckEngineSettings {
  /** Do not remove our IPVS entries on stop (-I, --dont-release-ipvs). */
  dontReleaseIpvs?: boolean;
  /** Keep the IPVS table in memory and log every change instead of talking to the kernel (--dry-run). */
  ipvsDryRun?: boolean;
}

export interface Notifier {
  notify(n: Notification): void;
}

export interface CheckEngineOptions {
  /** IPVS port to use (tests); default: IpvsClient, or MemIpvsPort with ipvsDryRun. */
  ipvs?: IpvsPort;
  clock?: Clock;
  run?: (c: SchedChecker, signal: AbortSignal) => Promise<CheckResult>;
  notifier?: Notifier;
  bootstrapDelayMs?: number;
  /**
   * One alert per checker transition (keepalived's per-checker SMTP RS alert content,
   * alerts.ts); the parent would need a matching notify event to mail it.
   */
  onCheckerAlert?: (a: CheckerAlert) => void;
  /** Address monitor for ha_suspend (tests); default: NetlinkAddrMonitor, opened only when a VS uses ha_suspend. */
  addrMonitor?: AddrMonitorPort;
  /** FILE_CHECK file watches (tests); default: sys/filewatch.ts (inotify on the file's directory). */
  fileWatcher?: FileWatcher;
}

type Log = EngineContext['log'];

/** The default notifier: logs the script it would run (execution belongs to the parent). */
export function loggingNotifier(log: Log): Notifier {
  const argv = (s: LvsScriptSpec): string => s.cmd;
  return {
    notify(n) {
      if (!n.script) return;
      const what = n.kind === 'rs' ? `${n.up ? 'notify_up' : 'notify_down'} for ${n.rs} of VS ${n.vs}` : `${n.up ? 'quorum_up' : 'quorum_down'} for VS ${n.vs}`;
      log.info(`keepalived-ts: would run ${what}: ${argv(n.script)} (script execution not wired yet)`);
    },
  };
}

async function openKernelPort(): Promise<IpvsPort> {
  // Loaded lazily so that unit tests and dry runs never need the native addon.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const mod = require('../sys/ipvs') as typeof import('../sys/ipvs');
  return mod.IpvsClient.open();
}

async function openAddrMonitor(): Promise<AddrMonitorPort> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const mod = require('../sys/netlink-addr') as typeof import('../sys/netlink-addr');
  return new mod.NetlinkAddrMonitor();
}

export class CheckEngine implements WorkerEngine {
  private ipvs: IpvsPort | undefined;
  private slice: CheckerSlice | undefined;
  private model: LvsModel = { vs: [], skipped: [] };
  /** Per model: FMT_VS → its Scope, and "vs\0rs" → the first VS/RS pair with those texts. */
  private scopes = new Map<string, Scope>();
  private rsIndex = new Map<string, { vs: VsModel; rs: RsModel }>();
  private state: LvsState = new LvsState(this.model);
  private sched: Scheduler | undefined;
  /** What we created in the kernel, as far as we know. */
  private applied: Table = new Map();
  private queue: Promise<void> = Promise.resolve();
  private stopped = false;
  private readonly notifier: Notifier;
  private readonly clock: Clock;
  /** Real servers to follow after results (scheduleSync), drained by one setImmediate. */
  private syncQueue: SyncEntry[] = [];
  /** Per scheduler: "vs\0rs" → its SyncEntry, and the entry of each run's checker object. */
  private syncEntries = new Map<string, SyncEntry>();
  private syncOf = new WeakMap<SchedChecker, SyncEntry>();
  private syncGen = 0;
  private ha: HaSuspend = new HaSuspend([]);
  private addrMon: AddrMonitorPort | undefined;
  /** FILE_CHECK watches of the current scheduler. */
  private fileWatches: FileWatch[] = [];
  private probeInstalled = false;

  constructor(
    private readonly ctx: EngineContext,
    private readonly opts: CheckEngineOptions = {},
  ) {
    // the parent runs the scripts (src/notify); without a parent link, only log
    const fwd = ctx.notify;
    this.notifier =
      opts.notifier ??
      (fwd ? { notify: (n) => fwd(n.kind === 'rs' ? { kind: 'rs', vs: n.vs, rs: n.rs, up: n.up } : { kind: 'quorum', vs: n.vs, up: n.up }) } : loggingNotifier(ctx.log));
    this.clock = opts.clock ?? realClock;
  }

  private get settings(): CheckEngineSettings {
    return this.ctx.settings as unknown as CheckEngineSettings;
  }

  /** The table we believe is in the kernel (tests, dumps). */
  get table(): Table {
    return this.applied;
  }

  /** Resolves when every queued IPVS operation has been applied. */
  idle(): Promise<void> {
    return this.queue;
  }

  async start(slice: unknown): Promise<void> {
    const s = asSlice(slice);
    this.slice = s;
    this.setModel(buildModel(s.lvs));
    this.state = new LvsState(this.model);
    // Like keepalived, no virtual server means no IPVS at all (nothing to open, nothing to check).
    if (this.model.vs.length === 0 && !this.opts.ipvs) return;
    this.ipvs = await this.openPort();
    const g = s.global;
    if (g.lvsFlush) await this.ipvs.flush().catch((e: Error) => this.ctx.log.error(`IPVS: flush failed: ${e.message}`));
    if (g.lvsTimeouts && (g.lvsTimeouts.tcpS || g.lvsTimeouts.tcpfinS || g.lvsTimeouts.udpS)) {
      await this.ipvs
        .setTimeouts({ tcp: g.lvsTimeouts.tcpS ?? 0, tcpFin: g.lvsTimeouts.tcpfinS ?? 0, udp: g.lvsTimeouts.udpS ?? 0 })
        .catch((e: Error) => this.ctx.log.error(`IPVS: set timeouts failed: ${e.message}`));
    }
    for (const r of this.model.skipped) this.ctx.log.warn(`IPVS: ${r} - skipped`);
    this.sched = this.newScheduler(s);
    const sched = this.sched;
    await this.followVips(s);
    this.step(this.state.init((vs, rs) => sched.rsState(vs.text, rs.text)?.up ?? true, { rsInitNotifies: g.rsInitNotifies }));
    await this.idle();
    sched.start();
  }

  private async openPort(): Promise<IpvsPort> {
    if (this.opts.ipvs) return this.opts.ipvs;
    if (this.settings.ipvsDryRun) return new MemIpvsPort((l) => this.ctx.log.info(`dry-run: ${l}`));
    return openKernelPort().catch((e: Error) => {
      throw new Error(`IPVS: Can't initialize ipvs: ${e.message}`);
    });
  }

  private setModel(model: LvsModel): void {
    this.model = model;
    this.scopes = new Map();
    this.rsIndex = new Map();
    for (const vs of model.vs)
      for (const rs of vs.rs) {
        const k = `${vs.text}\u0000${rs.text}`;
        if (!this.rsIndex.has(k)) this.rsIndex.set(k, { vs, rs });
      }
  }

  private scope(vsText: string): Scope {
    let sc = this.scopes.get(vsText);
    if (!sc) {
      sc = scopeOf(this.model, vsText);
      this.scopes.set(vsText, sc);
    }
    return sc;
  }

  async reload(slice: unknown): Promise<void> {
    const s = asSlice(slice);
    this.slice = s;
    this.sched?.stop();
    const model = buildModel(s.lvs);
    if (!this.ipvs && model.vs.length > 0) this.ipvs = await this.openPort();
    for (const r of model.skipped) this.ctx.log.warn(`IPVS: ${r} - skipped`);
    const state = new LvsState(model);
    const adopted = state.adopt(this.state);
    this.setModel(model);
    this.state = state;
    this.sched = this.newScheduler(s);
    const sched = this.sched;
    await this.followVips(s);
    const out = state.init((vs, rs) => sched.rsState(vs.text, rs.text)?.up ?? true);
    this.step({ lines: [...adopted.lines, ...out.lines], notifications: [...adopted.notifications, ...out.notifications] });
    await this.idle();
    sched.start();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.sched?.stop();
    for (const w of this.fileWatches) w.close();
    this.fileWatches = [];
    this.addrMon?.close();
    this.addrMon = undefined;
    await this.idle();
    const port = this.ipvs;
    if (!port) return;
    const out = this.state.stop();
    const release = !this.settings.dontReleaseIpvs;
    if (release) for (const l of out.lines) this.ctx.log.info(l);
    for (const n of out.notifications) this.notifier.notify(n);
    const flushOnStop = this.slice?.global.lvsFlushOnStop;
    if (release) {
      if (flushOnStop === 'all') await port.flush().catch((e: Error) => this.ctx.log.error(`IPVS: flush failed: ${e.message}`));
      else await this.applyNow(diffTables(this.applied, new Map(), { serviceOnly: flushOnStop === 'vs' }));
      this.applied = new Map();
    }
    port.close();
    this.ipvs = undefined;
  }

  /**
   * ha_suspend: learn which VIPs are present (once, then from events) and suspend the
   * checkers of the VSs whose VIP is missing, before the scheduler starts.
   */
  private async followVips(s: CheckerSlice): Promise<void> {
    this.ha = new HaSuspend(suspendVips(s.lvs.virtualServers));
    if (!this.ha.active) return;
    if (!this.addrMon) {
      try {
        this.addrMon = this.opts.addrMonitor ?? (await openAddrMonitor());
        this.addrMon.onChange((e) => this.onAddress(e));
      } catch (e) {
        this.ctx.log.error(`Error while registering Kernel netlink reflector channel: ${(e as Error).message}`);
        return;
      }
    }
    try {
      this.ha.reset(await this.addrMon.list());
    } catch (e) {
      this.ctx.log.error(`Netlink: address dump failed: ${(e as Error).message}`);
    }
    const ha = this.ha;
    for (const v of ha.vips) this.sched?.setEnabled((c) => c.vs === v.vs, ha.enabled(v.vs));
  }

  private onAddress(e: AddrEvent): void {
    if (this.stopped || !this.ha.active) return;
    if (this.ctx.settings.logDetail > 0) this.ctx.log.info(`Netlink reflector reports IP ${e.address} ${e.added ? 'added' : 'removed'}`);
    for (const vs of this.ha.onAddress(e.added, e.family, e.address)) this.sched?.setEnabled((c) => c.vs === vs, e.added);
  }

  private newScheduler(s: CheckerSlice): Scheduler {
    const run = this.opts.run ?? ((c: SchedChecker, signal: AbortSignal) => runCheck(c.target, signal));
    const sched = new Scheduler(this.clock, run, (e) => this.onEvent(sched, e), {
      ...(this.opts.bootstrapDelayMs !== undefined ? { bootstrapDelayMs: this.opts.bootstrapDelayMs } : {}),
      // after the scheduler has digested a result, follow the real server's verdict
      afterRun: (c) => this.scheduleSync(c),
    });
    this.syncGen++;
    this.syncEntries = new Map();
    this.syncOf = new WeakMap();
    const cs = this.watchFiles(sched, s, checkersFromSlice(s));
    if (!this.opts.run && cs.some((c) => { const t = c.target as { fwmark?: number; bindIf?: string }; return !!t.fwmark || !!t.bindIf; })) this.installSockOpener();
    if (!this.opts.run && cs.some((c) => c.target.kind === 'TCP_CHECK')) this.installConnectProbe();
    sched.add(cs);
    return sched;
  }

  /**
   * FILE_CHECK reacts to its file as keepalived's does (inotify on the directory): each watched
   * file pokes its checkers, which then run on demand only. A directory that does not exist
   * drops them, as 2.2.7's init_track_files() ("Track file directory for NAME does not exist -
   * removing"); when no watch can be set they are polled every delay_loop, and a line says so.
   */
  private watchFiles(sched: Scheduler, s: CheckerSlice, cs: SchedChecker[]): SchedChecker[] {
    for (const w of this.fileWatches) w.close();
    this.fileWatches = [];
    const paths = new Set(cs.flatMap((c) => (c.target.kind === 'FILE_CHECK' ? [c.target.path] : [])));
    if (paths.size === 0) return cs;
    const watcher = this.opts.fileWatcher ?? new DirFileWatcher();
    // init_file VALUE [overwrite]: written before the first look, as the VRRP side does
    for (const t of s.trackFiles as { file?: string; initFile?: { value: number; overwrite: boolean } }[])
      if (t.file && t.initFile && paths.has(t.file)) createTrackFile(t.file, `${t.initFile.value}\n`, t.initFile.overwrite);
    const dropped = new Set<string>();
    for (const p of paths) {
      const isMine = (c: SchedChecker): boolean => c.target.kind === 'FILE_CHECK' && c.target.path === p;
      const w = watcher.watch(p, () => sched.poke(isMine));
      if ('error' in w && w.error === 'no-dir') {
        dropped.add(p);
        for (const t of s.trackFiles) if (t.file === p) this.ctx.log.info(`Track file directory for ${t.name} does not exist - removing`);
        continue;
      }
      if (!('error' in w)) this.fileWatches.push(w);
      else this.ctx.log.warn(`keepalived-ts: cannot watch track file ${p} (${w.message}) - polling it every delay_loop`);
      for (const c of cs) {
        if (c.target.kind !== 'FILE_CHECK' || c.target.path !== p) continue;
        if (!('error' in w)) c.onDemand = true;
        // read now, as keepalived's init_track_files(): a "down" file keeps the server out of the first table
        c.initial = fileInitialOf(c.target);
      }
    }
    return dropped.size ? cs.filter((c) => !(c.target.kind === 'FILE_CHECK' && dropped.has(c.target.path))) : cs;
  }

  /** fwmark / bind_if on check sockets need the native addon (SO_MARK, SO_BINDTODEVICE). */
  private installSockOpener(): void {
    try {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const mod = require('../sys/checksock') as typeof import('../sys/checksock');
      setSockOpener(mod.nativeSockOpener());
      setDgramOpener(mod.nativeDgramOpener());
      setSockPinger(nativePinger(mod.nativeIcmpOps()));
    } catch (e) {
      this.ctx.log.warn(`keepalived-ts: fwmark/bind_if on check sockets not applied: ${(e as Error).message}`);
    }
  }

  /** TCP_CHECK over the addon as keepalived's check_tcp (no net.Socket); Node's net when it does not load. */
  private installConnectProbe(): void {
    if (this.probeInstalled) return; // once: a reload keeps the probe (and its epoll set)
    try {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const mod = require('../sys/checksock') as typeof import('../sys/checksock');
      setConnectProbe(mod.nativeConnectProbe());
      this.probeInstalled = true;
    } catch {
      /* addon not built: net.Socket (fwmark/bind_if ones are warned about by installSockOpener) */
    }
  }

  /**
   * After a result, once the scheduler has digested it: follow its real server's verdict (each
   * real server once per turn of the event loop). The real server is resolved once per
   * scheduler (SyncEntry), and one setImmediate drains them all: a check costs no key string,
   * map look-up or timer object here.
   */
  private scheduleSync(c: SchedChecker): void {
    let e = this.syncOf.get(c);
    if (!e) {
      const k = `${c.vs}\u0000${c.rs}`;
      e = this.syncEntries.get(k);
      if (!e) {
        e = { vs: c.vs, rs: c.rs, gen: this.syncGen, queued: false };
        this.syncEntries.set(k, e);
      }
      this.syncOf.set(c, e);
    }
    if (e.queued) return;
    e.queued = true;
    this.syncQueue.push(e);
    if (this.syncQueue.length === 1) setImmediate(this.drainSync);
  }

  private readonly drainSync = (): void => {
    const q = this.syncQueue;
    this.syncQueue = [];
    for (const e of q) {
      e.queued = false;
      if (this.sched) this.syncRs(this.sched, e);
    }
  };

  private onEvent(sched: Scheduler, e: SchedEvent): void {
    if (this.stopped || sched !== this.sched) return;
    switch (e.type) {
      case 'log':
        this.ctx.log.info(e.line);
        return;
      case 'checker': {
        if (!this.opts.onCheckerAlert) return;
        const c = sched.checker(e.id);
        if (c) this.opts.onCheckerAlert({ vs: c.vs, rs: c.rs, checker: c.kind, up: e.up, body: checkerAlertBody(c.kind, e.up, e.result) });
        return;
      }
      case 'rs':
        this.step(this.state.rsVerdict(e.vs, e.rs, e.up, e.weight), e.vs);
        return;
    }
  }

  /** Make our state follow the scheduler's verdict for one real server (covers reloads). */
  private syncRs(sched: Scheduler, e: SyncEntry): void {
    if (this.stopped || sched !== this.sched) return;
    const { vs, rs } = e;
    let v: Readonly<RsStateOfSched> | undefined;
    let st: RsStateOfLvs | undefined;
    if (e.gen === this.syncGen) {
      // resolved once: the scheduler's live aggregate and our state object (both stable until
      // the next scheduler, which comes with the next model and LvsState)
      if (!e.refs) {
        const ours = this.rsIndex.get(`${vs}\u0000${rs}`);
        const agg = sched.rsLive(vs, rs);
        e.refs = ours && agg ? { agg, st: this.state.rsState(ours.vs, ours.rs) } : null;
      }
      if (!e.refs) return;
      v = e.refs.agg;
      st = e.refs.st;
    } else {
      // queued before a reload: resolve against the current model
      v = sched.rsState(vs, rs);
      if (!v) return;
      const ours = this.rsIndex.get(`${vs}\u0000${rs}`);
      if (!ours) return;
      st = this.state.rsState(ours.vs, ours.rs);
    }
    if (st.alive !== v.up || st.dynWeight !== v.weight) this.step(this.state.rsVerdict(vs, rs, v.up, v.weight), vs);
  }

  /**
   * Log a transition, notify, and queue the operations that take the kernel to the new table.
   * A real server's verdict (`vsText` given) can only change the services of its VS: only that
   * scope is recomputed and compared, so a verdict costs O(real servers of that VS), not
   * O(whole configuration) (with 6,000 real servers the full recompute per verdict made a burst
   * of failures take seconds to reach the log and the table).
   */
  private step(out: StepOut, vsText?: string): void {
    for (const l of out.lines) this.ctx.log.info(l);
    for (const n of out.notifications) this.notifier.notify(n);
    const scope = vsText !== undefined ? this.scope(vsText) : undefined;
    const want = desiredTable(this.model, this.state, scope);
    this.queue = this.queue
      .then(() => this.applyNow(diffTables(this.applied, want, scope ? { only: scope.keys } : {})))
      .catch((e: Error) => this.ctx.log.error(`IPVS: ${e.message} - this is a bug`));
  }

  private async applyNow(ops: IpvsOp[]): Promise<void> {
    const port = this.ipvs;
    if (!port) return;
    for (const o of ops) {
      try {
        await applyOne(port, o);
        applyOpInPlace(this.applied, o);
      } catch (e) {
        const err = e as { code?: string; errno?: number; message?: string };
        if (o.op === 'addService' && err.code === 'EEXIST') {
          // keepalived logs and carries on with the existing service
          applyOpInPlace(this.applied, o);
        } else if (o.op === 'addDest' && err.code === 'EEXIST') {
          // already there (e.g. not removed by someone else): make it what we want
          await port.editDest(o.svc, o.dest).then(() => applyOpInPlace(this.applied, o)).catch(() => undefined);
        } else if ((o.op === 'delDest' || o.op === 'delService') && (err.code === 'ENOENT' || err.code === 'ESRCH')) {
          applyOpInPlace(this.applied, o);
          continue;
        }
        this.ctx.log.error(`IPVS (${formatOp(o)}): ${err.code ?? ''} ${err.message ?? String(e)}`.trim());
      }
    }
  }

  dumpData(): string {
    const lines: string[] = ['------< IPVS Topology >------', ` System cache = ${this.applied.size} service(s)`];
    for (const vs of this.model.vs) {
      const vst = this.state.vsState(vs);
      lines.push(` VS = ${vs.text}`);
      lines.push(`   Quorum = ${vs.quorum}, hysteresis = ${vs.hysteresis}, quorum state = ${vst.quorumUp ? 'UP' : 'DOWN'}`);
      for (const svc of vs.services) lines.push(`   Service = ${formatServiceArg(svc)}`);
      if (vs.sorry) lines.push(`   sorry server = ${vs.sorry.text}${vs.sorry.inhibit ? ' (inhibit)' : ''}, in pool = ${vst.sorryIn ? 'yes' : 'no'}`);
      for (const r of vs.rs) {
        const s = this.state.rsState(vs, r);
        lines.push(`   RS = ${r.text}`);
        lines.push(`     Alive = ${s.alive ? 'yes' : 'no'}, weight = ${r.weight}${s.dynWeight ? ` (+${s.dynWeight})` : ''}, inhibit = ${r.inhibit ? 'yes' : 'no'}`);
      }
    }
    lines.push('');
    return lines.join('\n');
  }
}

async function applyOne(p: IpvsPort, o: IpvsOp): Promise<void> {
  switch (o.op) {
    case 'addService':
      return p.addService(o.svc);
    case 'editService':
      return p.editService(o.svc);
    case 'delService':
      return p.delService(o.svc);
    case 'addDest':
      return p.addDest(o.svc, o.dest);
    case 'editDest':
      return p.editDest(o.svc, o.dest);
    case 'delDest':
      return p.delDest(o.svc, o.dest);
  }
}

type RsStateOfSched = NonNullable<ReturnType<Scheduler['rsState']>>;
type RsStateOfLvs = ReturnType<LvsState['rsState']>;

/** One real server followed after its checkers' results (CheckEngine.scheduleSync). */
interface SyncEntry {
  vs: string;
  rs: string;
  /** The scheduler generation it was resolved for. */
  gen: number;
  queued: boolean;
  /** Resolved on first use; null: not one of ours. */
  refs?: { agg: Readonly<RsStateOfSched>; st: RsStateOfLvs } | null;
}

function asSlice(slice: unknown): CheckerSlice {
  const s = slice as Partial<CheckerSlice> | undefined;
  if (!s || typeof s !== 'object' || !s.lvs || !s.global) throw new Error('checker: configuration slice has no lvs/global part');
  return { ...s, trackFiles: s.trackFiles ?? [] } as CheckerSlice;
}

export function createEngine(ctx: EngineContext, opts: CheckEngineOptions = {}): CheckEngine {
  const notify = ctx.notify;
  if (!opts.onCheckerAlert && notify) opts = { ...opts, onCheckerAlert: (a) => notify({ kind: 'rs-alert', ...a }) };
  return new CheckEngine(ctx, opts);
}
