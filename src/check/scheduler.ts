/**
 * The checker scheduler: when each checker runs, and what a result means.
 *
 * All of retry, delay_before_retry, delay_loop, warmup, alpha, log_all_failures and
 * log-on-change live here, once (relayd's hce_notify_done), following keepalived's
 * per-checker epilogs (tcp_epilog() and friends):
 *
 *   - start: every checker first runs after BOOTSTRAP_DELAY + random(0..warmup). A
 *     checker starts up (or down with `alpha`), and with retry_it = retry so that the
 *     very first failure already counts as final ("one failure is enough initially").
 *   - success: if the checker was down or has never run, log the kind's "success" line
 *     and mark it up. Next run after delay_loop.
 *   - failure with retries left (retry_it < retry): retry_it++, next run after
 *     delay_before_retry.
 *   - failure with no retries left: if it was up (or never ran), log the kind's "failed"
 *     line and mark it down. retry_it = 0, next run after delay_loop.
 *   - per-attempt failure lines follow the kind's policy (log_all_failures).
 *   - once down, failures are polled per the kind's `whileDown` rule (log.ts).
 *
 * A real server is alive while all its checkers are up. Weights, for the IPVS reconciler:
 * `weight` is the sum of the FILE_CHECK deltas (value × weight), to add to the configured
 * weight; `setWeight` is the absolute weight a misc_dynamic MISC_CHECK last set (exit−2;
 * absent after exit 0, meaning the configured weight), like keepalived's update_svr_wgt().
 * Changes of any of these are emitted once, as an `rs` event.
 *
 * HTTP_GET/SSL_GET go url by url (observed on keepalived 2.2.7 in the IPVS VM, 3 urls):
 *   - up: each run checks the next url only (rotating), a failure retries that same url;
 *   - down: the url that failed is polled (every max(delay_before_retry, delay_loop)); when it
 *     passes ("<test> success to RS url(PATH)"), recovery starts: the urls from the first one,
 *     one per delay_loop, each logged, then "Remote Web server RS succeed on service." after
 *     the last; with fast_recovery all urls are checked at once, right away;
 *   - start: the same recovery sequence (with alpha: logged, the server is down meanwhile;
 *     without alpha: silent; fast_recovery: all at once). Unverified on 2.2.7: the sequence
 *     without alpha and without fast_recovery (our start-up listener was too slow to tell);
 *   - a failure during recovery goes back to polling the failing url; after recovery the
 *     up-rotation starts again at the first url.
 *
 * Pure: time comes from the Clock port and checks run through the `run` port.
 */
import { getEventListeners } from 'node:events';
import type { Clock, TimerHandle } from './clock';
import { KIND_LOG, type LogCtx } from './log';
import type { CheckKind, CheckResult, CheckTarget, HttpTarget } from './types';

export const BOOTSTRAP_DELAY_MS = 1000;

export interface SchedChecker {
  /** Unique id of this checker. */
  id: string;
  kind: CheckKind;
  /** FMT_VS / FMT_RS strings, e.g. "[10.0.0.1]:tcp:80". */
  vs: string;
  rs: string;
  /** "[addr]:port" of the checked address (SMTP/DNS lines). */
  pair?: string;
  /** Bare checked address (PING lines). */
  addr?: string;
  /** MISC_CHECK: argv[0] for the log line. */
  script?: string;
  delayLoopMs: number;
  delayBeforeRetryMs: number;
  warmupMs: number;
  retry: number;
  alpha: boolean;
  logAllFailures: boolean;
  target: CheckTarget;
  /**
   * Run when poked (Scheduler.poke), not every delay_loop: a FILE_CHECK whose file is watched
   * (the engine's FileWatcher, inotify as keepalived). Its first run is the usual start-up one.
   */
  onDemand?: boolean;
  /**
   * The state before the first run when it is known at start: a FILE_CHECK reads its file when
   * the configuration is loaded, as keepalived's init_track_files() does, so a real server whose
   * file says "down" is never added. Default: up unless alpha, weight 0.
   */
  initial?: { up: boolean; weight: number };
}

export interface CheckerState {
  isUp: boolean;
  hasRun: boolean;
  retryIt: number;
  /** FILE_CHECK: last weight delta (0 otherwise). */
  weight: number;
  /** MISC_CHECK misc_dynamic: absolute weight from the last exit status 2..255. */
  setWeight?: number;
}

export type SchedEvent =
  | { type: 'log'; line: string }
  | { type: 'checker'; id: string; up: boolean; result: CheckResult }
  | { type: 'rs'; vs: string; rs: string; up: boolean; weight: number; setWeight?: number };

/** Aggregate state of one real server. */
export interface RsState {
  up: boolean;
  weight: number;
  setWeight?: number;
}

export type RunPort = (c: SchedChecker, signal: AbortSignal) => Promise<CheckResult>;

export function initialState(c: Pick<SchedChecker, 'alpha' | 'retry' | 'initial'>): CheckerState {
  return { isUp: c.initial ? c.initial.up : !c.alpha, hasRun: false, retryIt: c.retry, weight: c.initial?.weight ?? 0 };
}

export interface Decision {
  state: CheckerState;
  delayMs: number;
  /** Set when the checker changed between up and down. */
  transition?: 'up' | 'down';
  lines: string[];
}

/** The pure core: what one result does to one checker. */
export function decide(c: SchedChecker, st: CheckerState, r: CheckResult): Decision {
  // The common case, a success while up: nothing to log, no transition (the general path
  // below gives the same decision, with more allocations per check).
  if (r.code === 'OK' && st.isUp && st.hasRun) return { state: steadyOk(c, st, r), delayMs: c.delayLoopMs, lines: [] };
  const kl = KIND_LOG[c.kind];
  const lines: string[] = [];
  const ctx = (final: boolean): LogCtx => ({
    rs: c.rs,
    vs: c.vs,
    retry: c.retry,
    hasRun: st.hasRun,
    final,
    attempt: st.retryIt + 1,
    pair: c.pair ?? c.rs,
    addr: c.addr ?? c.rs,
    ...(c.script !== undefined ? { script: c.script } : {}),
  });
  const next: CheckerState = { ...st };
  let transition: 'up' | 'down' | undefined;
  let delayMs: number;

  if (r.code === 'OK') {
    if (c.kind === 'MISC_CHECK') {
      if (r.weight !== undefined) next.setWeight = r.weight;
      else delete next.setWeight;
    } else next.weight = r.weight ?? 0;
    if (!st.isUp || !st.hasRun) {
      if (!st.isUp && kl.upWhileDown) lines.push(...kl.upWhileDown(ctx(false), r));
      const l = kl.up(ctx(false), r);
      if (l) lines.push(l);
      if (!st.isUp) transition = 'up';
      next.isUp = true;
    }
    next.retryIt = 0;
    delayMs = c.delayLoopMs;
  } else if (!st.isUp && st.hasRun && kl.whileDown !== 'retry') {
    // already known down: keep polling, nothing to log
    next.retryIt = 0;
    delayMs = kl.whileDown === 'maxDelay' ? Math.max(c.delayBeforeRetryMs, c.delayLoopMs) : c.delayLoopMs;
  } else {
    const final = st.retryIt >= c.retry;
    const upOrFirst = st.isUp || !st.hasRun;
    let logAttempt = false;
    switch (kl.attemptPolicy) {
      case 'up-and-logall':
        logAttempt = st.isUp && c.logAllFailures;
        break;
      case 'up-or-first-and-logall':
        logAttempt = upOrFirst && c.logAllFailures;
        break;
      case 'up-or-first-and-logall-or-final':
        logAttempt = upOrFirst && (c.logAllFailures || final);
        break;
      case 'never':
        break;
    }
    if (logAttempt) {
      const l = kl.attempt(ctx(final), r);
      if (l) lines.push(l);
    }
    if (final) {
      if (upOrFirst) {
        const l = kl.down(ctx(true), r);
        if (l) lines.push(l);
        if (st.isUp) transition = 'down';
        next.isUp = false;
      }
      next.retryIt = 0;
      next.weight = 0;
      delayMs = c.delayLoopMs;
    } else {
      next.retryIt = st.retryIt + 1;
      delayMs = c.delayBeforeRetryMs;
    }
  }
  next.hasRun = true;
  return { state: next, delayMs, lines, ...(transition ? { transition } : {}) };
}

/** decide()'s state after a success while up: `st` itself when nothing changes. */
function steadyOk(c: SchedChecker, st: CheckerState, r: CheckResult): CheckerState {
  if (c.kind === 'MISC_CHECK') {
    if (st.retryIt === 0 && st.setWeight === r.weight) return st;
    const next: CheckerState = { ...st, retryIt: 0 };
    if (r.weight !== undefined) next.setWeight = r.weight;
    else delete next.setWeight;
    return next;
  }
  const w = r.weight ?? 0;
  return st.retryIt === 0 && st.weight === w ? st : { ...st, retryIt: 0, weight: w };
}

interface Slot {
  c: SchedChecker;
  st: CheckerState;
  /** false while suspended (ha_suspend without the VIP): runs are skipped, state kept. */
  enabled: boolean;
  timer: TimerHandle | undefined;
  abort: AbortController | undefined;
  startedAt: number;
  dueAt?: number;
  /** HTTP_GET/SSL_GET: url progress (see the header). */
  url?: UrlProgress;
  /** Its real server's aggregate. */
  agg?: RsAgg;
  /** The abort controller of its runs, re-used until aborted (or a run leaves a listener on it). */
  ctl?: AbortController;
  /** The timer callback, made once per slot (not per run). */
  onTimer?: () => void;
  /** HTTP: the last run target (one url), reused while the url and checker are the same. */
  runCache?: { base: SchedChecker; pick: number; c: SchedChecker };
  /** onDemand: poked while running, so it runs again after this result. */
  again?: boolean;
}

interface UrlProgress {
  /** Next url in the up-rotation or the recovery sequence. */
  it: number;
  /** The url polled while down. */
  failed: number;
  recovering: boolean;
}

function urlsOf(c: SchedChecker): HttpTarget | undefined {
  if (c.kind !== 'HTTP_GET' && c.kind !== 'SSL_GET') return undefined;
  const t = c.target as Partial<HttpTarget>;
  return Array.isArray(t.urls) && t.urls.length > 0 ? (t as HttpTarget) : undefined;
}

function newSlot(c: SchedChecker): Slot {
  const slot: Slot = { c, st: initialState(c), enabled: true, timer: undefined, abort: undefined, startedAt: 0 };
  if (urlsOf(c)) slot.url = { it: 0, failed: 0, recovering: true };
  return slot;
}

interface RsAgg extends RsState {
  vs: string;
  rs: string;
  ids: string[];
  /** The slots of `ids`, in the same order. */
  members: Slot[];
}

export class Scheduler {
  private slots = new Map<string, Slot>();
  private rss = new Map<string, RsAgg>();
  private running = false;

  constructor(
    private readonly clock: Clock,
    private readonly runPort: RunPort,
    private readonly emit: (e: SchedEvent) => void,
    private readonly opts: {
      bootstrapDelayMs?: number;
      /** Called when a run settles (also a stale or failed one), before its result is digested. */
      afterRun?: (c: SchedChecker) => void;
    } = {},
  ) {}

  private rsKey(c: SchedChecker): string {
    return `${c.vs}\u0000${c.rs}`;
  }

  /** Register checkers (before or after start). */
  add(checkers: SchedChecker[]): void {
    for (const c of checkers) {
      if (this.slots.has(c.id)) throw new Error(`duplicate checker id ${c.id}`);
      const slot = newSlot(c);
      this.slots.set(c.id, slot);
      const k = this.rsKey(c);
      let agg = this.rss.get(k);
      if (!agg) {
        agg = { vs: c.vs, rs: c.rs, ids: [], members: [], up: true, weight: 0 };
        this.rss.set(k, agg);
      }
      agg.ids.push(c.id);
      agg.members.push(slot);
      slot.agg = agg;
      Object.assign(agg, this.aggregate(agg));
      if (this.running) this.launch(slot);
    }
  }

  /** Real-server alive state as currently known (before any check: false when a checker has alpha). */
  rsState(vs: string, rs: string): RsState | undefined {
    const a = this.rss.get(`${vs}\u0000${rs}`);
    return a ? snapshot(a) : undefined;
  }

  /**
   * The live aggregate of a real server (not a copy): it changes as results come in and is
   * replaced by reload(). For callers that follow one real server after every result.
   */
  rsLive(vs: string, rs: string): Readonly<RsState> | undefined {
    return this.rss.get(`${vs}\u0000${rs}`);
  }

  /** The checker registered under `id`. */
  checker(id: string): SchedChecker | undefined {
    return this.slots.get(id)?.c;
  }

  checkerState(id: string): CheckerState | undefined {
    const s = this.slots.get(id);
    return s ? { ...s.st } : undefined;
  }

  /** Start every checker (keepalived's register_checkers_thread). */
  start(): void {
    if (this.running) return;
    this.running = true;
    for (const s of this.slots.values()) this.launch(s);
  }

  /**
   * Apply a reloaded configuration (keepalived's migrate_checkers): a checker whose
   * identity (vs, rs, kind, target, timings) is unchanged keeps its state and schedule;
   * removed checkers stop; new ones start as at startup. Real servers whose aggregate
   * state changes emit an `rs` event. Ids may differ between old and new.
   */
  reload(checkers: SchedChecker[]): void {
    const key = (c: SchedChecker): string => JSON.stringify({ ...c, id: undefined });
    const old = new Map<string, Slot[]>();
    for (const sl of this.slots.values()) {
      const k = key(sl.c);
      old.set(k, [...(old.get(k) ?? []), sl]);
    }
    const before = new Map([...this.rss].map(([k, a]) => [k, snapshot(a)]));
    this.slots = new Map();
    this.rss = new Map();
    const fresh: Slot[] = [];
    for (const c of checkers) {
      if (this.slots.has(c.id)) throw new Error(`duplicate checker id ${c.id}`);
      const kept = old.get(key(c))?.shift();
      const slot: Slot = kept ? { ...kept, c, onTimer: undefined, runCache: undefined, ctl: undefined, ...(kept.url ? { url: { ...kept.url } } : {}) } : newSlot(c);
      if (kept) {
        // re-point the pending timer/run at the new slot object
        kept.timer?.cancel();
        kept.abort = undefined;
        if (this.running) this.arm(slot, Math.max(0, (kept.dueAt ?? 0) - this.clock.now()));
      } else fresh.push(slot);
      this.slots.set(c.id, slot);
      const k = this.rsKey(c);
      let agg = this.rss.get(k);
      if (!agg) {
        agg = { vs: c.vs, rs: c.rs, ids: [], members: [], up: true, weight: 0 };
        this.rss.set(k, agg);
      }
      agg.ids.push(c.id);
      agg.members.push(slot);
      slot.agg = agg;
    }
    for (const list of old.values())
      for (const sl of list) {
        sl.timer?.cancel();
        sl.abort?.abort();
      }
    for (const [k, a] of this.rss) {
      const now = this.aggregate(a);
      Object.assign(a, now);
      if (now.setWeight === undefined) delete a.setWeight;
      const b = before.get(k);
      if (b && !sameRs(b, now)) this.emit({ type: 'rs', vs: a.vs, rs: a.rs, ...now });
    }
    if (this.running) for (const sl of fresh) this.launch(sl);
  }

  /**
   * Suspend or resume checkers (ha_suspend): a suspended checker skips its runs, its state
   * and timer are kept. Once started, each checker that changes logs keepalived's
   * "Activating/Suspending healthchecker for service RS for VS VS"; before start() it is
   * silent (start() then logs "Deactivating …" for a suspended checker).
   */
  setEnabled(pred: (c: SchedChecker) => boolean, enabled: boolean): void {
    for (const sl of this.slots.values()) {
      if (!pred(sl.c) || sl.enabled === enabled) continue;
      sl.enabled = enabled;
      if (this.running) this.emit({ type: 'log', line: `${enabled ? 'Activat' : 'Suspend'}ing healthchecker for service ${sl.c.rs} for VS ${sl.c.vs}` });
    }
  }

  /**
   * Run the matching checkers now (an onDemand FILE_CHECK's file changed): a pending timer is
   * replaced, a run in progress is followed by another one.
   */
  poke(pred: (c: SchedChecker) => boolean): void {
    if (!this.running) return;
    for (const s of this.slots.values()) {
      if (!pred(s.c)) continue;
      if (s.abort) s.again = true;
      else this.arm(s, 0);
    }
  }

  private launch(s: Slot): void {
    this.emit({ type: 'log', line: `${s.enabled ? 'A' : 'Dea'}ctivating healthchecker for service ${s.c.rs} for VS ${s.c.vs}` });
    this.arm(s, this.firstDelay(s.c));
  }

  stop(): void {
    this.running = false;
    for (const s of this.slots.values()) {
      s.timer?.cancel();
      s.timer = undefined;
      s.abort?.abort();
      s.abort = undefined;
    }
  }

  private firstDelay(c: SchedChecker): number {
    const warm = c.warmupMs > 0 ? Math.floor(c.warmupMs * this.clock.random()) : 0;
    return (this.opts.bootstrapDelayMs ?? BOOTSTRAP_DELAY_MS) + warm;
  }

  private arm(s: Slot, ms: number): void {
    s.timer?.cancel();
    s.dueAt = this.clock.now() + ms;
    s.onTimer ??= () => {
      s.timer = undefined;
      void this.fire(s);
    };
    s.timer = this.clock.setTimer(ms, s.onTimer);
  }

  private async fire(s: Slot): Promise<void> {
    if (!this.running) return;
    if (!s.enabled) {
      this.arm(s, s.c.delayLoopMs);
      return;
    }
    // one controller per checker, not per run (an AbortSignal is an EventTarget: ~1 KiB)
    let ac = s.ctl;
    if (!ac || ac.signal.aborted) ac = s.ctl = new AbortController();
    s.abort = ac;
    s.startedAt = this.clock.now();
    const c = this.runTarget(s);
    let r: CheckResult;
    try {
      r = await this.runPort(c, ac.signal);
    } catch (e) {
      r = { code: 'CONNECT_ERROR', detail: (e as Error).message };
    }
    this.opts.afterRun?.(c);
    // a run that left a listener behind does not pass it on to the next run
    if (s.ctl === ac && getEventListeners(ac.signal, 'abort').length > 0) s.ctl = undefined;
    if (s.abort !== ac || ac.signal.aborted || !this.running || this.slots.get(s.c.id) !== s) return;
    s.abort = undefined;
    this.onResult(s, r);
  }

  /** The checker as it runs this time: an HTTP checker with the urls of this step only. */
  private runTarget(s: Slot): SchedChecker {
    const t = urlsOf(s.c);
    const u = s.url;
    if (!t || !u) return s.c;
    const n = t.urls.length;
    // one url (its index), or all of them (-1)
    let pick: number;
    if (u.recovering) pick = t.fastRecovery ? -1 : u.it % n;
    else if (!s.st.isUp && s.st.hasRun) pick = u.failed % n;
    else pick = u.it % n;
    const rc = s.runCache;
    if (rc && rc.base === s.c && rc.pick === pick) return rc.c;
    const c: SchedChecker = { ...s.c, target: { ...t, urls: pick < 0 ? [...t.urls] : [t.urls[pick]!] } };
    s.runCache = { base: s.c, pick, c };
    return c;
  }

  /**
   * HTTP url progress for one result; returns true when the result is fully handled here
   * (a recovery step that does not change the checker's state yet).
   */
  private urlStep(s: Slot, r: CheckResult): boolean {
    const t = urlsOf(s.c);
    const u = s.url;
    if (!t || !u) return false;
    const n = t.urls.length;
    const down = !s.st.isUp && s.st.hasRun;
    const urlLines = (): void => {
      for (const p of r.passed ?? []) this.emit({ type: 'log', line: `${p.test} success to ${s.c.rs} url(${p.path})` });
    };
    if (r.code !== 'OK') {
      // the failing url: the one run (sequence / rotation / poll), or the one named (all at once)
      let idx = u.recovering ? (t.fastRecovery ? t.urls.findIndex((x) => x.path === r.url) : u.it) : down ? u.failed : u.it;
      if (idx < 0) idx = 0;
      u.failed = idx % n;
      u.it = idx % n;
      u.recovering = false;
      return false;
    }
    if (u.recovering) {
      if (!t.fastRecovery && u.it + 1 < n) {
        if (!s.st.isUp) urlLines();
        u.it++;
        s.st = { ...s.st, retryIt: 0 };
        this.arm(s, s.c.delayLoopMs);
        return true;
      }
      u.recovering = false;
      u.it = 0;
      return false; // the last url: decide() marks it up and logs
    }
    if (down) {
      // the failed url passes: recovery starts
      urlLines();
      u.recovering = true;
      u.it = 0;
      s.st = { ...s.st, retryIt: 0 };
      this.arm(s, t.fastRecovery ? 0 : s.c.delayLoopMs);
      return true;
    }
    u.it = (u.it + 1) % n;
    return false;
  }

  private onResult(s: Slot, r: CheckResult): void {
    if (this.urlStep(s, r)) return;
    const d = decide(s.c, s.st, r);
    s.st = d.state;
    for (const line of d.lines) this.emit({ type: 'log', line });
    if (d.transition) this.emit({ type: 'checker', id: s.c.id, up: d.transition === 'up', result: r });
    this.updateRs(s);
    // MISC_CHECK schedules from the start of the run (keepalived: last_ran + delay).
    let delay = d.delayMs;
    if (s.c.kind === 'MISC_CHECK') delay = Math.max(0, s.startedAt + d.delayMs - this.clock.now());
    if (s.c.onDemand) {
      // waits for the next poke
      if (s.again) delay = 0;
      else {
        s.dueAt = undefined;
        return;
      }
      s.again = false;
    }
    this.arm(s, delay);
  }

  /** All checkers up; the sum of their weights; the first absolute weight set. */
  private aggregate(a: RsAgg): RsState {
    let up = true;
    let weight = 0;
    let setWeight: number | undefined;
    for (const m of a.members) {
      const st = m.st;
      if (!st.isUp) up = false;
      weight += st.weight;
      if (setWeight === undefined) setWeight = st.setWeight;
    }
    return setWeight !== undefined ? { up, weight, setWeight } : { up, weight };
  }

  /** After a result: emit the real server's aggregate when it changed (no allocation otherwise). */
  private updateRs(s: Slot): void {
    const a = s.agg;
    if (!a) return;
    let up = true;
    let weight = 0;
    let setWeight: number | undefined;
    for (const m of a.members) {
      if (!m.st.isUp) up = false;
      weight += m.st.weight;
      if (setWeight === undefined) setWeight = m.st.setWeight;
    }
    if (a.up === up && a.weight === weight && a.setWeight === setWeight) return;
    a.up = up;
    a.weight = weight;
    if (setWeight === undefined) delete a.setWeight;
    else a.setWeight = setWeight;
    this.emit({ type: 'rs', vs: a.vs, rs: a.rs, ...(setWeight !== undefined ? { up, weight, setWeight } : { up, weight }) });
  }
}

function snapshot(a: RsState): RsState {
  return a.setWeight !== undefined ? { up: a.up, weight: a.weight, setWeight: a.setWeight } : { up: a.up, weight: a.weight };
}

function sameRs(a: RsState, b: RsState): boolean {
  return a.up === b.up && a.weight === b.weight && a.setWeight === b.setWeight;
}
