/**
 * VRRP instance state machine (RFC 3768 §6.4 / RFC 5798 §6.4, with keepalived 2.2.7's behaviour).
 *
 *   step(st, event, nowUs) -> { state, actions }
 *
 * Pure: no clock, no sockets. Time is a number of microseconds supplied by the caller; timers
 * are requested with `arm-timer` actions (absolute µs) and come back as `*-timer` events.
 * Side effects are data (`Action`); the worker performs them in order.
 * Only `changeState()` assigns `state`: it counts the transition, logs keepalived's
 * `(VI_1) Entering MASTER STATE` line and emits the `notify` action.
 *
 * keepalived specifics reproduced here (read from keepalived's vrrp.c / vrrp_scheduler.c):
 * - every instance starts in BACKUP ("Entering BACKUP STATE (init)") or FAULT ("entering FAULT state"); `state MASTER` with
 *   priority 255 instead times out of BACKUP after 1 µs (no BACKUP log line, no notify);
 * - master-down interval = down_timer_adverts × Master_Adver_Interval + skew, with
 *   skew v2 = (256−prio)·1 s/256 and v3 = (256−prio)·Master_Adver_Interval/256 computed in
 *   centiseconds × 625/16 (integer µs, as keepalived's VRRP_TIMER_SKEW);
 * - a backup takes priority-0 adverts as "master leaving": timeout after skew only;
 * - a backup discards lower-priority adverts when it may preempt (so it times out and takes over);
 *   nopreempt and preempt_delay keep it listening (preempt_delay is a deadline set by the first
 *   lower-priority advert, checked on each advert, as keepalived does — not a separate timer);
 * - a master answers a lower-priority advert by sending an advert at once ("forcing new election")
 *   unless lower_prio_no_advert, and re-GARPs (garp_lower_prio_repeat, default 5, again after
 *   garp_lower_prio_delay) — observed on 2.2.7;
 * - equal priority: the higher primary address wins; two owners (255): the local one drops to 254
 *   with keepalived's CONFIGURATION ERROR line;
 * - higher_prio_send_advert: a master sends one advert before yielding to a higher priority;
 * - on leaving MASTER for FAULT a priority-0 advert is sent ("sent 0 priority"); leaving FAULT always
 *   goes through BACKUP, even for an address owner (observed); on shutdown the master sends priority 0
 *   ("sent 0 priority") and removes its VIPs;
 * - VRRPv3 backups adopt the master's interval (also a master yielding to a higher priority keeps it
 *   while BACKUP) and go back to their own on becoming master ("changing advert interval from …");
 *   the master's receive timer is restarted by every
 *   advert it receives unless lower_prio_no_advert (keepalived's dispatcher does so);
 * - vrrp_startup_delay: backup timers count from the end of the startup delay;
 * - sync groups (the runtime decides, the FSM only acts): a member whose master-down timer runs
 *   out while another member does not want MASTER stays BACKUP for another full interval, wanting
 *   MASTER (`master-down-timer` with `syncWait`, keepalived's vrrp_sync_can_goto_master); a VIP
 *   deleted behind a master sends every MASTER member of its group through `vip-deleted`.
 */
import type { Advert, VrrpVersion } from './packet/advert';
import type { StatsKey } from './accept';

export type VrrpState = 'INIT' | 'BACKUP' | 'MASTER' | 'FAULT' | 'STOP' | 'DELETED';
export type TimerName = 'master-down' | 'advert' | 'garp-delay' | 'garp-lower-prio-delay';

export const PRIO_OWNER = 255;
export const PRIO_STOP = 0;
export const US_PER_CS = 10_000;
export const US_PER_S = 1_000_000;

/** The instance settings the FSM needs (mapped from the config by the worker). */
export interface FsmConfig {
  name: string;
  version: VrrpVersion;
  /** Configured `priority` 1..255. */
  priority: number;
  /** `advert_int`, centiseconds (v2 whole seconds × 100). */
  advertIntervalCs: number;
  /** `state MASTER|BACKUP`. */
  initialState: 'MASTER' | 'BACKUP';
  nopreempt: boolean;
  /** `preempt_delay`, µs (0 = none). */
  preemptDelayUs: number;
  /** `down_timer_adverts`, default 3. */
  downTimerAdverts: number;
  lowerPrioNoAdvert: boolean;
  higherPrioSendAdvert: boolean;
  /** `garp_master_repeat` (GARPs per burst on becoming master). */
  garpMasterRepeat: number;
  /** `garp_master_delay`, µs: second GARP burst after becoming master (0 = none). */
  garpMasterDelayUs: number;
  /** `garp_master_refresh`, µs: periodic GARPs while MASTER, checked at each advert (0 = off). */
  garpMasterRefreshUs: number;
  /** `garp_master_refresh_repeat`. */
  garpMasterRefreshRepeat: number;
  /** `garp_lower_prio_repeat` (0 = don't re-GARP on lower-priority adverts). */
  garpLowerPrioRepeat: number;
  /** `garp_lower_prio_delay`, µs: second burst after a lower-priority advert (0 = none). */
  garpLowerPrioDelayUs: number;
  /** Global `vrrp_startup_delay`, µs. */
  startupDelayUs: number;
  /** Accept mode (`accept`/`no_accept`); without it a non-owner master drops traffic to its VIPs (firewall rules). */
  accept: boolean;
  /** Our own source/primary address, for the equal-priority tie-break (absent = compare as equal). */
  localAddr?: Uint8Array;
}

export const FSM_DEFAULTS: Omit<FsmConfig, 'name' | 'version' | 'priority' | 'advertIntervalCs'> = {
  initialState: 'BACKUP',
  nopreempt: false,
  preemptDelayUs: 0,
  downTimerAdverts: 3,
  lowerPrioNoAdvert: false,
  higherPrioSendAdvert: false,
  garpMasterRepeat: 5,
  garpMasterDelayUs: 5 * US_PER_S,
  garpMasterRefreshUs: 0,
  garpMasterRefreshRepeat: 1,
  garpLowerPrioRepeat: 5,
  garpLowerPrioDelayUs: 5 * US_PER_S,
  startupDelayUs: 0,
  accept: true,
};

export interface FsmState {
  readonly cfg: FsmConfig;
  state: VrrpState;
  /** Base priority (configured, or 254 after a two-owners conflict). */
  basePriority: number;
  /** Priority we advertise (base ± tracking weights). */
  effectivePriority: number;
  /** Master_Adver_Interval, centiseconds (v3 backups adopt the master's). */
  masterAdverIntCs: number;
  /** Master_Down_Interval in force, µs. */
  msDownTimerUs: number;
  /** preempt_delay deadline, µs (0 = not running). */
  preemptAtUs: number;
  /** Current master as seen by a backup. */
  masterSrc?: Uint8Array;
  masterPriority: number;
  vipsSet: boolean;
  /** Faulted (trackers/interface down) — wantstate FAULT. */
  faulted: boolean;
  /** End of vrrp_startup_delay, µs (0 = none). */
  delayedStartUs: number;
  /** Armed timers: name -> absolute µs. */
  timers: Partial<Record<TimerName, number>>;
  /** Next garp_master_refresh due, µs (0 = none). */
  garpRefreshAtUs: number;
  /** Number of state changes (excluding INIT). */
  transitions: number;
  /** Events that cannot happen in the current state (stale timers etc.). */
  ignoredEvents: number;
  /**
   * keepalived's `wantstate == MASTER` for a BACKUP: its master-down timer ran out while its sync
   * group held it back (another member did not want MASTER yet). Cleared by any state change and
   * by an advert it listens to (vrrp_state_backup: "Now we have received a backup, we want to be
   * in BACKUP state"). The runtime reads it for the other members' vrrp_sync_can_goto_master.
   */
  wantMaster: boolean;
}

export type FsmEvent =
  | { type: 'startup' }
  /** An advert already accepted by acceptAdvert(). */
  | { type: 'advert'; advert: Advert; srcText: string }
  /**
   * `syncWait`: the instance's sync group is not ready (another member does not want MASTER, and
   * the group is not MASTER): keepalived's vrrp_sync_can_goto_master logs the timeout, re-arms a
   * full Master_Down_Interval and stays BACKUP, wanting MASTER (decided by the runtime).
   */
  | { type: 'master-down-timer'; syncWait?: boolean }
  | { type: 'advert-timer' }
  | { type: 'garp-delay-timer' }
  | { type: 'garp-lower-prio-delay-timer' }
  /** Effective priority computed by the trackers (base + weights, clamped 1..254 unless base is 255). */
  | { type: 'priority'; priority: number; /** logged as "Setting effective priority to N" (a track_file fault clearing) */ setting?: boolean }
  | { type: 'fault'; reason?: string }
  | { type: 'fault-cleared' }
  | { type: 'shutdown' }
  /** One of a master's VIPs was removed from its interface by someone else (keepalived's set_vrrp_backup). */
  | { type: 'vip-deleted' }
  /** Instance removed by a reload. */
  | { type: 'delete' };

export type Action =
  | { type: 'send-advert'; priority: number }
  | { type: 'set-vips' }
  | { type: 'remove-vips' }
  /** no_accept: install / remove the firewall rules dropping traffic to the VIPs (non-owner master only). */
  | { type: 'block-vips' }
  | { type: 'unblock-vips' }
  | { type: 'send-garp'; repeat: number }
  | { type: 'arm-timer'; timer: TimerName; atUs: number }
  | { type: 'cancel-timer'; timer: TimerName }
  | { type: 'notify'; state: 'MASTER' | 'BACKUP' | 'FAULT' | 'STOP' | 'DELETED'; priority: number }
  | { type: 'priority-changed'; from: number; to: number }
  /** A master saw a lower-priority advert (for `notify_master_rx_lower_pri`). */
  | { type: 'master-rx-lower-pri'; priority: number; src: string }
  /** `detail`: keepalived logs it only with -D. */
  | { type: 'log'; text: string; detail?: boolean }
  | { type: 'stats'; key: StatsKey };

export interface StepResult {
  state: FsmState;
  actions: Action[];
}

/** Create the state of a configured, not yet started instance. */
export function initFsm(cfg: FsmConfig): FsmState {
  return {
    cfg,
    state: 'INIT',
    basePriority: cfg.priority,
    effectivePriority: cfg.priority,
    masterAdverIntCs: cfg.advertIntervalCs,
    msDownTimerUs: 0,
    preemptAtUs: 0,
    masterPriority: 0,
    vipsSet: false,
    faulted: false,
    delayedStartUs: 0,
    garpRefreshAtUs: 0,
    timers: {},
    transitions: 0,
    ignoredEvents: 0,
    wantMaster: false,
  };
}

/** keepalived's VRRP_TIMER_SKEW, µs. */
export function skewTimeUs(version: VrrpVersion, priority: number, masterAdverIntCs: number): number {
  const p = 256 - priority;
  return version === 3 ? Math.floor((p * masterAdverIntCs * 625) / 16) : Math.floor((p * US_PER_S) / 256);
}

/** Master_Down_Interval, µs: down_timer_adverts × Master_Adver_Interval + skew. */
export function masterDownIntervalUs(version: VrrpVersion, priority: number, masterAdverIntCs: number, downTimerAdverts = 3): number {
  return downTimerAdverts * masterAdverIntCs * US_PER_CS + skewTimeUs(version, priority, masterAdverIntCs);
}

/** Compare addresses as unsigned big-endian numbers (keepalived vrrp_saddr_cmp): >0 when `a` is higher. */
export function compareAddr(a: Uint8Array | undefined, b: Uint8Array | undefined): number {
  if (!a || !b || a.length !== b.length) return 0;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return 0;
}

/** A step in progress: a mutable copy of the state plus the actions emitted so far. */
class Step {
  readonly actions: Action[] = [];
  constructor(readonly st: FsmState, readonly now: number) {}

  get name(): string {
    return this.st.cfg.name;
  }
  log(text: string, detail = false): void {
    this.actions.push(detail ? { type: 'log', text: `(${this.name}) ${text}`, detail: true } : { type: 'log', text: `(${this.name}) ${text}` });
  }
  stat(key: StatsKey): void {
    this.actions.push({ type: 'stats', key });
  }
  arm(timer: TimerName, atUs: number): void {
    this.st.timers = { ...this.st.timers, [timer]: atUs };
    this.actions.push({ type: 'arm-timer', timer, atUs });
  }
  cancel(timer: TimerName): void {
    if (this.st.timers[timer] === undefined) return;
    const t = { ...this.st.timers };
    delete t[timer];
    this.st.timers = t;
    this.actions.push({ type: 'cancel-timer', timer });
  }
  cancelAll(): void {
    for (const t of Object.keys(this.st.timers) as TimerName[]) this.cancel(t);
  }
  sendAdvert(priority: number): void {
    this.actions.push({ type: 'send-advert', priority });
    this.stat('advert_sent');
  }
  skew(): number {
    return skewTimeUs(this.st.cfg.version, this.st.effectivePriority, this.st.masterAdverIntCs);
  }
  downInterval(): number {
    return this.st.cfg.downTimerAdverts * this.st.masterAdverIntCs * US_PER_CS + this.skew();
  }
  /** vrrp_init_instance_sands: (re)arm the state's timer. */
  initSands(): void {
    const st = this.st;
    if (st.state === 'MASTER') {
      this.cancel('master-down');
      this.arm('advert', this.now + st.cfg.advertIntervalCs * US_PER_CS);
    } else if (st.state === 'BACKUP') {
      this.cancel('advert');
      const base = st.delayedStartUs > this.now ? st.delayedStartUs : this.now;
      this.arm('master-down', base + st.msDownTimerUs);
    } else {
      this.cancel('master-down');
      this.cancel('advert');
    }
  }

  /**
   * The only place that assigns `state`: counts the transition, logs keepalived's line, emits notify.
   * `logSuffix` is ' (init)' for the initial BACKUP/FAULT; `quiet` skips log+notify (owner fast start).
   */
  changeState(to: VrrpState, opts: { logSuffix?: string; quiet?: boolean } = {}): void {
    const from = this.st.state;
    this.st.state = to;
    this.st.wantMaster = false;
    if (from !== 'INIT') this.st.transitions++;
    if (opts.quiet) return;
    if (to === 'MASTER' || to === 'BACKUP' || to === 'FAULT') this.log(`Entering ${to} STATE${opts.logSuffix ?? ''}`);
    if (to !== 'INIT') this.actions.push({ type: 'notify', state: to, priority: this.st.effectivePriority });
  }

  /** keepalived's accept-mode rules apply to a non-owner instance with no_accept. */
  private blocks(): boolean {
    return !this.st.cfg.accept && this.st.basePriority !== PRIO_OWNER;
  }
  setVips(): void {
    if (this.blocks()) this.actions.push({ type: 'block-vips' });
    this.log('setting VIPs.', true);
    this.actions.push({ type: 'set-vips' });
    this.st.vipsSet = true;
  }
  removeVips(force = false): void {
    if (!this.st.vipsSet && !force) return;
    this.log('removing VIPs.', true);
    this.actions.push({ type: 'remove-vips' });
    if (this.blocks() && (this.st.vipsSet || force)) this.actions.push({ type: 'unblock-vips' });
    this.st.vipsSet = false;
  }

  /** vrrp_state_goto_master + vrrp_state_master_tx (first time). */
  gotoMaster(): void {
    const st = this.st;
    this.changeState('MASTER');
    if (st.masterAdverIntCs !== st.cfg.advertIntervalCs) {
      this.log(`changing advert interval from ${st.masterAdverIntCs * 10}ms to locally configured ${st.cfg.advertIntervalCs * 10}ms`);
      st.masterAdverIntCs = st.cfg.advertIntervalCs;
    }
    this.stat('become_master');
    this.setVips();
    if (st.cfg.garpMasterRepeat > 0) this.actions.push({ type: 'send-garp', repeat: st.cfg.garpMasterRepeat });
    if (st.cfg.garpMasterDelayUs > 0) this.arm('garp-delay', this.now + st.cfg.garpMasterDelayUs);
    st.garpRefreshAtUs = st.cfg.garpMasterRefreshUs > 0 ? this.now + st.cfg.garpMasterRefreshUs : 0;
    this.sendAdvert(st.effectivePriority);
    this.initSands();
  }

  /** vrrp_state_leave_master: to BACKUP or FAULT. */
  leaveMaster(to: 'BACKUP' | 'FAULT', advert0 = false): void {
    const st = this.st;
    this.cancel('garp-delay');
    this.cancel('garp-lower-prio-delay');
    if (to === 'BACKUP') {
      // keeps Master_Adver_Interval learnt from the new master (2.2.7, observed on the wire)
      this.changeState('BACKUP');
      st.preemptAtUs = 0;
      if (advert0) {
        this.sendAdvert(PRIO_STOP);
        this.stat('pri_zero_sent');
        this.log('sent 0 priority');
      }
    } else {
      this.changeState('FAULT');
      this.sendAdvert(PRIO_STOP);
      this.stat('pri_zero_sent');
      this.log('sent 0 priority');
    }
    this.removeVips();
    this.stat('release_master');
    st.msDownTimerUs = this.downInterval();
    this.initSands();
  }

  /** Enter BACKUP from FAULT (vrrp_state_leave_fault). */
  enterBackup(suffix = ''): void {
    const st = this.st;
    this.changeState('BACKUP', { logSuffix: suffix });
    st.preemptAtUs = 0;
    st.masterAdverIntCs = st.cfg.advertIntervalCs;
    st.msDownTimerUs = this.downInterval();
    this.initSands();
  }
}

function copy(st: FsmState): FsmState {
  return { ...st, timers: { ...st.timers } };
}

/** Advance the state machine by one event at time `nowUs`. Never throws on any event/state pair. */
export function step(prev: FsmState, ev: FsmEvent, nowUs: number): StepResult {
  const s = new Step(copy(prev), nowUs);
  const st = s.st;
  const cfg = st.cfg;

  if (st.state === 'STOP' || st.state === 'DELETED') {
    st.ignoredEvents++;
    return { state: st, actions: s.actions };
  }

  switch (ev.type) {
    case 'startup': {
      if (st.state !== 'INIT') break;
      st.delayedStartUs = cfg.startupDelayUs > 0 ? nowUs + cfg.startupDelayUs : 0;
      s.removeVips(true); // keepalived cleans up VIPs left over by a previous run
      if (st.faulted) {
        // 2.2.7 logs this one in lower case (observed)
        s.changeState('FAULT', { quiet: true });
        s.log('entering FAULT state');
        s.actions.push({ type: 'notify', state: 'FAULT', priority: st.effectivePriority });
      } else if (cfg.initialState === 'MASTER' && st.basePriority === PRIO_OWNER) {
        // address owner: time out of BACKUP at once
        s.changeState('BACKUP', { quiet: true });
        st.msDownTimerUs = 1;
        s.initSands();
      } else {
        s.changeState('BACKUP', { logSuffix: ' (init)' });
        st.msDownTimerUs = s.downInterval();
        s.initSands();
      }
      return { state: st, actions: s.actions };
    }

    case 'master-down-timer': {
      if (st.state !== 'BACKUP' || st.timers['master-down'] === undefined) break;
      s.cancel('master-down');
      s.log('Receive advertisement timeout', true);
      if (ev.syncWait) {
        // held back by the sync group: wait a full interval again, wanting MASTER
        st.wantMaster = true;
        st.msDownTimerUs = s.downInterval();
        s.initSands();
        return { state: st, actions: s.actions };
      }
      s.gotoMaster();
      return { state: st, actions: s.actions };
    }

    case 'advert-timer': {
      if (st.state !== 'MASTER' || st.timers.advert === undefined) break;
      if (st.garpRefreshAtUs && nowUs > st.garpRefreshAtUs) {
        s.actions.push({ type: 'send-garp', repeat: cfg.garpMasterRefreshRepeat });
        st.garpRefreshAtUs = nowUs + cfg.garpMasterRefreshUs;
      }
      s.sendAdvert(st.effectivePriority);
      s.initSands();
      return { state: st, actions: s.actions };
    }

    case 'garp-delay-timer': {
      if (st.state !== 'MASTER' || st.timers['garp-delay'] === undefined) break;
      s.cancel('garp-delay');
      if (cfg.garpMasterRepeat > 0) s.actions.push({ type: 'send-garp', repeat: cfg.garpMasterRepeat });
      return { state: st, actions: s.actions };
    }

    case 'garp-lower-prio-delay-timer': {
      if (st.state !== 'MASTER' || st.timers['garp-lower-prio-delay'] === undefined) break;
      s.cancel('garp-lower-prio-delay');
      if (cfg.garpLowerPrioRepeat > 0) s.actions.push({ type: 'send-garp', repeat: cfg.garpLowerPrioRepeat });
      return { state: st, actions: s.actions };
    }

    case 'advert': {
      if (st.state === 'BACKUP') backupRx(s, ev.advert, ev.srcText);
      else if (st.state === 'MASTER') masterRx(s, ev.advert, ev.srcText);
      else break; // INIT/FAULT: keepalived ignores received adverts
      return { state: st, actions: s.actions };
    }

    case 'priority': {
      if (!Number.isFinite(ev.priority)) break;
      const to = Math.max(1, Math.min(PRIO_OWNER, Math.trunc(ev.priority)));
      if (to === st.effectivePriority) return { state: st, actions: s.actions };
      s.log(ev.setting ? `Setting effective priority to ${to}` : `Changing effective priority from ${st.effectivePriority} to ${to}`);
      s.actions.push({ type: 'priority-changed', from: st.effectivePriority, to });
      st.effectivePriority = to;
      return { state: st, actions: s.actions };
    }

    case 'fault': {
      st.faulted = true;
      if (ev.reason) s.actions.push({ type: 'log', text: `(${cfg.name}): entering FAULT state ${ev.reason}` });
      if (st.state === 'MASTER') s.leaveMaster('FAULT');
      else if (st.state === 'BACKUP') {
        s.changeState('FAULT');
        s.removeVips();
        s.initSands();
      }
      return { state: st, actions: s.actions };
    }

    case 'fault-cleared': {
      st.faulted = false;
      // even an address owner goes through BACKUP and a full Master_Down_Interval (observed on 2.2.7)
      if (st.state === 'FAULT') s.enterBackup();
      return { state: st, actions: s.actions };
    }

    case 'vip-deleted': {
      // back to BACKUP with a priority-0 advert and a master-down timer of the skew time only:
      // "a quick transition back to master", which puts the VIPs back (observed on 2.2.7).
      // keepalived's set_vrrp_backup does the same to every MASTER member of the instance's sync
      // group (the runtime sends them this event too; no "Syncing instances" line, observed).
      if (st.state !== 'MASTER') break;
      s.leaveMaster('BACKUP', true);
      st.msDownTimerUs = s.skew();
      s.initSands();
      return { state: st, actions: s.actions };
    }

    case 'shutdown':
    case 'delete': {
      if (st.state === 'MASTER') {
        s.sendAdvert(PRIO_STOP);
        s.stat('pri_zero_sent');
        s.log('sent 0 priority');
      }
      s.removeVips();
      s.cancelAll();
      s.changeState(ev.type === 'shutdown' ? 'STOP' : 'DELETED');
      return { state: st, actions: s.actions };
    }
  }
  st.ignoredEvents++;
  return { state: st, actions: s.actions };
}

/** vrrp_state_backup. */
function backupRx(s: Step, adv: Advert, srcText: string): void {
  const st = s.st;
  const cfg = st.cfg;
  const now = s.now;
  if (adv.priority === PRIO_STOP) {
    s.log('Backup received priority 0 advertisement');
    st.msDownTimerUs = s.skew();
    s.initSands();
    return;
  }
  const preemptHeld = cfg.preemptDelayUs > 0 && (st.preemptAtUs === 0 || st.preemptAtUs > now);
  if (cfg.nopreempt || adv.priority >= st.effectivePriority || preemptHeld) {
    if (cfg.version === 3 && adv.advertIntervalCs !== st.masterAdverIntCs) {
      s.log(`advertisement interval updated from ${st.masterAdverIntCs * 10}ms to ${adv.advertIntervalCs * 10}ms by master`, true);
      st.masterAdverIntCs = adv.advertIntervalCs;
    }
    st.msDownTimerUs = s.downInterval();
    st.wantMaster = false;
    if (adv.src) st.masterSrc = adv.src;
    st.masterPriority = adv.priority;
    if (cfg.preemptDelayUs > 0) {
      if (adv.priority >= st.effectivePriority) {
        if (st.preemptAtUs) {
          s.log('stop preempt delay');
          st.preemptAtUs = 0;
        }
      } else if (!st.preemptAtUs) {
        s.log(`start preempt delay (${(cfg.preemptDelayUs / US_PER_S).toFixed(6)})`);
        st.preemptAtUs = now + cfg.preemptDelayUs;
      }
    }
    s.initSands();
    return;
  }
  // may preempt: ignore the lower-priority advert and let the master-down timer run out
  s.log(`received lower priority (${adv.priority}) advert from ${srcText} - discarding`);
  if (adv.src) st.masterSrc = adv.src;
}

/** vrrp_state_master_rx. */
function masterRx(s: Step, adv: Advert, srcText: string): void {
  const st = s.st;
  const cfg = st.cfg;
  const cmp = compareAddr(adv.src, cfg.localAddr);
  const restartTimer = () => {
    if (!cfg.lowerPrioNoAdvert) s.initSands();
  };

  if (adv.priority === PRIO_STOP || (cfg.higherPrioSendAdvert && (adv.priority > st.effectivePriority || (adv.priority === st.effectivePriority && cmp > 0)))) {
    if (adv.priority === PRIO_STOP) s.log('Master received priority 0 message');
    s.sendAdvert(st.effectivePriority);
    if (adv.priority === PRIO_STOP) {
      restartTimer();
      return;
    }
  }

  if (adv.priority === st.effectivePriority) {
    if (cmp === 0) s.log('WARNING - equal priority advert received from remote host with our IP address.');
    else if (st.effectivePriority === PRIO_OWNER) {
      s.log('CONFIGURATION ERROR: local instance and a remote instance are both configured as address owner, please fix - reducing local priority');
      st.effectivePriority = PRIO_OWNER - 1;
      st.basePriority = PRIO_OWNER - 1;
    }
  }

  if (adv.priority < st.effectivePriority || (adv.priority === st.effectivePriority && cmp < 0)) {
    s.log(`Received advert from ${srcText} with lower priority ${adv.priority}, ours ${st.effectivePriority}${cfg.lowerPrioNoAdvert ? '' : ', forcing new election'}`);
    s.actions.push({ type: 'master-rx-lower-pri', priority: adv.priority, src: srcText });
    if (!cfg.lowerPrioNoAdvert) s.sendAdvert(st.effectivePriority);
    if (cfg.garpLowerPrioRepeat > 0) {
      s.actions.push({ type: 'send-garp', repeat: cfg.garpLowerPrioRepeat });
      if (cfg.garpLowerPrioDelayUs > 0) s.arm('garp-lower-prio-delay', s.now + cfg.garpLowerPrioDelayUs);
    }
    restartTimer();
    return;
  }

  if (adv.priority > st.effectivePriority || (adv.priority === st.effectivePriority && cmp > 0)) {
    if (adv.priority > st.effectivePriority)
      s.log(`Master received advert from ${srcText} with higher priority ${adv.priority}, ours ${st.effectivePriority}`);
    else s.log(`Master received advert from ${srcText} with same priority ${adv.priority} but higher IP address than ours`);
    if (cfg.version === 3 && adv.advertIntervalCs !== st.masterAdverIntCs) {
      s.log(`advertisement interval updated from ${st.masterAdverIntCs * 10}ms to ${adv.advertIntervalCs * 10}ms by master`, true);
      st.masterAdverIntCs = adv.advertIntervalCs;
    }
    st.masterPriority = adv.priority;
    if (adv.src) st.masterSrc = adv.src;
    s.leaveMaster('BACKUP');
    return;
  }
  // equal priority and equal address: stay master
  restartTimer();
}
