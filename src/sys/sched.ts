/**
 * Process scheduling of a worker, as keepalived 2.2.7 applies its global_defs
 * `{vrrp,checker}_priority`, `_rt_priority`, `_rlimit_rttime`, `_no_swap`, `_cpu_affinity`,
 * `max_auto_priority` and `min_auto_priority_delay` to its VRRP and checker children (never to the
 * parent), at the end of each start and reload. Observed on 2.2.7 (/proc, chrt, prlimit):
 *
 * - `rt_priority N`: SCHED_RR|SCHED_RESET_ON_FORK at N, then RLIMIT_RTTIME soft = rlimit/2, hard =
 *   rlimit (`_rlimit_rttime`, default 10000 µs) with a SIGXCPU handler that logs "VRRP process has
 *   used too much CPU time, vrrp_rlimit_rttime may need to be increased". The nice value is then
 *   left alone. Failure: "child process: cannot raise priority" / "child process cannot set
 *   realtime rlimit" (warnings).
 *   Deviation: 10 ms without blocking is short for Node (a GC, the catch-up after a stall): at the
 *   hard limit the kernel SIGKILLs the worker (seen: a VRRP worker stopped 4 s was killed on
 *   resuming), and the limits are checked at the scheduler tick only, so with 2.2.7's 5/10 ms the
 *   SIGKILL comes at the third tick with no SIGXCPU before it. Our SIGXCPU handler (native) returns
 *   the main thread to SCHED_OTHER at once, the next probe of the lateness monitor (≤ 250 ms) logs
 *   2.2.7's line and restores the realtime priority, and the hard limit is raised to at least
 *   soft + 50 ms (RTTIME_GUARD_MARGIN_US) so that the SIGXCPU comes first: a burst costs realtime
 *   for a moment instead of the worker. The soft limit is 2.2.7's.
 * - otherwise `priority N`: setpriority (nice); failure "Unable to set process priority to N - ERR".
 *   A reload without rt_priority returns a realtime process to SCHED_OTHER (RLIMIT_RTTIME restored:
 *   2.2.7 restores an uninitialised 0/0 there, we restore what it was if allowed) and sets the nice
 *   value; a reload to rt_priority puts the original nice value back.
 * - `no_swap`: 2.2.7 calls mlockall(MCL_CURRENT|MCL_FUTURE|MCL_ONFAULT) ("Unable to lock process
 *   in memory - ERR"); a reload without it unlocks (munlockall). We cannot lock V8's heap: V8
 *   releases heap pages with madvise(), which fails on locked memory, and V8 then aborts ("Check
 *   failed: 0 == ret", seen at the first memory-reducing GC and at exit). So we lock, with
 *   mlock2(MLOCK_ONFAULT), every mapping that exists when the option is applied except anonymous
 *   ones: the node binary, shared libraries, the addon, [heap] (malloc) and [stack]. The code
 *   cannot be paged out; the JavaScript heap still can. VmLck is therefore non-zero as with 2.2.7
 *   but smaller than the process.
 * - `cpu_affinity`: sched_setaffinity ("unable to set cpu affinity to vrrp process (ERR)"); a
 *   reload without it leaves the affinity as it is.
 * - The scheduler loop notices a timer that ran more than `min_auto_priority_delay` (default 1 s)
 *   late and logs "A thread timer expired S.UUUUUU seconds ago", whatever max_auto_priority says;
 *   with `max_auto_priority M` > 0 it then goes realtime at priority 1 (RLIMIT_RTTIME from
 *   `_rlimit_rttime` if not set yet), one more per further delay up to M: "Set realtime priority N".
 *
 * Threads: a Node process has helper threads (libuv pool, V8). The realtime policy goes to the main
 * thread only (the event loop: keepalived's single thread); nice and CPU affinity go to every thread
 * of the process (a pinned keepalived process is pinned as a whole; threads created later inherit
 * the main thread's values). `ProcessSched` is the policy and takes a `SchedPort`; `realSchedPort()`
 * is the OS side (src/sys/native.ts); `startLatenessMonitor` measures the event loop's lateness with
 * a probe timer (keepalived measures its own timers; we cannot see Node's).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import { native } from './native';

/** The per-process settings (one role's slice of global_defs). */
export interface SchedPolicy {
  /** `{vrrp,checker}_priority` (nice, -20..19). */
  priority?: number;
  /** `{vrrp,checker}_rt_priority` (SCHED_RR 1..99). */
  rtPriority?: number;
  noSwap: boolean;
  cpuAffinity?: number[];
  /** `{vrrp,checker}_rlimit_rttime` in µs (default 10000 when realtime). */
  rlimitRttimeUs?: number;
  /** `max_auto_priority` (-1 or 0: never raise; unset = 0). */
  maxAutoPriority?: number;
  /** `min_auto_priority_delay` in µs (default 1000000). */
  minAutoPriorityDelayUs?: number;
}

export type SchedRole = 'vrrp' | 'checker';

/** OS side. Errors are thrown (NativeError-like: a message ending in "(strerror text)"). */
export interface SchedPort {
  /** Thread ids of this process, the main thread first. */
  threads(): number[];
  /** Main thread: SCHED_RR|SCHED_RESET_ON_FORK at `priority`. */
  setRealtime(priority: number): void;
  /** Main thread: SCHED_OTHER. */
  setNormal(): void;
  setNice(tid: number, nice: number): void;
  /** The main thread's nice value. */
  getNice(): number;
  setAffinity(tid: number, cpus: number[]): void;
  lockMemory(): void;
  unlockMemory(): void;
  /** RLIMIT_RTTIME [soft, hard] in µs, -1 = unlimited. */
  getRttime(): [number, number];
  setRttime(soft: number, hard: number): void;
  /**
   * SIGXCPU (RLIMIT_RTTIME soft limit) guard: returns the main thread to SCHED_OTHER in the signal
   * handler itself (installed once); cpuLimitHits() counts the signals.
   */
  installCpuLimitGuard(): void;
  cpuLimitHits(): number;
}

export interface SchedLog {
  info(msg: string): void;
  warn(msg: string): void;
}

export const RT_RLIMIT_DEFAULT_US = 10000;
export const MIN_AUTO_PRIORITY_DELAY_DEFAULT_US = 1_000_000;
/**
 * Node's timers are millisecond-grained and fire up to ~2 ms late on an idle machine: lateness below
 * this cannot be told from jitter, so a smaller min_auto_priority_delay counts as this.
 */
export const TIMER_JITTER_US = 5000;
/**
 * With the SIGXCPU guard the hard RLIMIT_RTTIME is at least soft + this: the kernel checks the
 * limits at the scheduler tick only once the soft limit is passed (about soft + 2 ticks: 12 ms for
 * 2.2.7's 5/10 ms at HZ=250), so with hard = 2 × soft it SIGKILLs before any SIGXCPU (measured:
 * test/integration/sys/sched-guard.test.ts).
 */
export const RTTIME_GUARD_MARGIN_US = 50_000;
/** sched_get_priority_min(SCHED_RR) on Linux. */
const SCHED_RR_MIN = 1;

/** "(Invalid argument)" at the end of a native error message → "Invalid argument". */
export function errText(e: unknown): string {
  const msg = (e as Error)?.message ?? String(e);
  const m = /\(([^()]*)\)\s*$/.exec(msg);
  return m ? m[1]! : msg;
}

/** "2.860192" from 2860192 µs (keepalived's %ld.%6.6ld). */
export function formatLateness(us: number): string {
  const t = Math.max(0, Math.round(us));
  return `${Math.floor(t / 1e6)}.${String(t % 1e6).padStart(6, '0')}`;
}

export class ProcessSched {
  private curRt = 0;
  /** curRt was raised by max_auto_priority (not configured). */
  private autoRaised = false;
  private readonly origNice: number;
  private curNice: number;
  private locked = false;
  private rttimeSet = false;
  private origRttime: [number, number] | undefined;
  private maxRt = 0;
  private minDelay = MIN_AUTO_PRIORITY_DELAY_DEFAULT_US;
  private defaultRlimit = RT_RLIMIT_DEFAULT_US;
  private cpuLimitHooked = false;
  private guarded = false;
  private cpuLimitSeen = 0;

  constructor(
    private readonly port: SchedPort,
    private readonly log: SchedLog,
    private readonly role: SchedRole,
  ) {
    let nice = 0;
    try {
      nice = port.getNice();
    } catch {
      /* assume 0 */
    }
    this.origNice = nice;
    this.curNice = nice;
  }

  /** Lateness (µs) above which a timer counts as delayed. */
  get minDelayUs(): number {
    return this.minDelay;
  }

  /** The realtime priority now in force (0: SCHED_OTHER). */
  get realtimePriority(): number {
    return this.curRt;
  }

  /** Apply a start's or a reload's settings. Never throws. */
  apply(p: SchedPolicy): void {
    this.maxRt = p.maxAutoPriority !== undefined && p.maxAutoPriority > 0 ? p.maxAutoPriority : 0;
    this.minDelay = p.minAutoPriorityDelayUs ?? MIN_AUTO_PRIORITY_DELAY_DEFAULT_US;
    this.defaultRlimit = p.rlimitRttimeUs ?? RT_RLIMIT_DEFAULT_US;

    let want = p.rtPriority ?? 0;
    let auto = false;
    // a priority max_auto_priority raised is kept while auto raising is still on (within its max)
    if (this.autoRaised && this.maxRt > 0 && Math.min(this.curRt, this.maxRt) > want) {
      want = Math.min(this.curRt, this.maxRt);
      auto = true;
    }
    if (want > 0) {
      // 2.2.7 (observed): a process going realtime on reload gets its original nice value back
      if (this.curNice !== this.origNice) this.setNice(this.origNice, true);
      this.setRealtime(want, this.defaultRlimit);
      this.autoRaised = auto;
    } else {
      if (this.curRt) this.resetRealtime();
      const nice = p.priority ?? this.origNice;
      if (nice !== this.curNice) this.setNice(nice, false);
    }

    if (p.noSwap) {
      try {
        this.port.lockMemory();
        this.locked = true;
      } catch (e) {
        this.log.info(`Unable to lock process in memory - ${errText(e)}`);
      }
    } else if (this.locked) {
      try {
        this.port.unlockMemory();
      } catch {
        /* keepalived ignores munlockall's result */
      }
      this.locked = false;
    }

    if (p.cpuAffinity && p.cpuAffinity.length > 0) this.setAffinity(p.cpuAffinity);
  }

  /**
   * Called from the event loop (the lateness monitor's probe): after SIGXCPU demoted the main
   * thread, log keepalived's line and put the realtime priority back (the thread has blocked since,
   * so its RLIMIT_RTTIME count starts again from zero).
   */
  poll(): void {
    if (!this.cpuLimitHooked) return;
    let hits = this.cpuLimitSeen;
    try {
      hits = this.port.cpuLimitHits();
    } catch {
      return;
    }
    if (hits === this.cpuLimitSeen) return;
    this.cpuLimitSeen = hits;
    this.log.info(`${this.role === 'vrrp' ? 'VRRP' : 'Checker'} process has used too much CPU time, ${this.role}_rlimit_rttime may need to be increased`);
    if (this.curRt) {
      try {
        this.port.setRealtime(this.curRt);
      } catch {
        this.log.warn('child process: cannot raise priority');
      }
    }
  }

  /** The event loop ran `lateUs` µs after a timer was due (the lateness monitor's report). */
  timerLate(lateUs: number): void {
    if (!(lateUs > Math.max(this.minDelay, TIMER_JITTER_US))) return;
    this.log.info(`A thread timer expired ${formatLateness(lateUs)} seconds ago`);
    this.increment();
  }

  private increment(): void {
    if (!this.maxRt) return;
    let next: number;
    if (this.curRt) {
      if (this.curRt >= this.maxRt) return;
      next = this.curRt + 1;
    } else next = SCHED_RR_MIN;
    const ok = this.setRealtime(next, this.rttimeSet ? 0 : this.defaultRlimit);
    if (!ok) this.curRt = next; // as keepalived: the next delay tries one higher
    this.autoRaised = true;
    this.log.info(`Set realtime priority ${next}`);
  }

  private setRealtime(priority: number, rlimitUs: number): boolean {
    try {
      this.port.setRealtime(priority);
    } catch {
      this.log.warn('child process: cannot raise priority');
      return false;
    }
    this.curRt = priority;
    if (rlimitUs > 0) {
      if (!this.cpuLimitHooked) {
        this.cpuLimitHooked = true;
        try {
          this.port.installCpuLimitGuard();
          this.guarded = true;
        } catch (e) {
          this.log.warn(`keepalived-ts: no SIGXCPU guard (${errText(e)})`);
        }
      }
      try {
        if (!this.origRttime) this.origRttime = this.port.getRttime();
        const soft = Math.floor(rlimitUs / 2);
        this.port.setRttime(soft, this.guarded ? Math.max(rlimitUs, soft + RTTIME_GUARD_MARGIN_US) : rlimitUs);
        this.rttimeSet = true;
      } catch {
        this.log.warn('child process cannot set realtime rlimit');
      }
    }
    return true;
  }

  private resetRealtime(): void {
    try {
      this.port.setNormal();
    } catch {
      this.log.warn('child process: cannot reset realtime scheduling');
      return;
    }
    this.curRt = 0;
    this.autoRaised = false;
    if (this.rttimeSet && this.origRttime) {
      try {
        this.port.setRttime(this.origRttime[0], this.origRttime[1]);
        this.rttimeSet = false;
      } catch {
        // raising the hard limit back needs CAP_SYS_RESOURCE; RLIMIT_RTTIME does not bind a
        // SCHED_OTHER process, so the lower limit left in place is harmless (2.2.7 writes 0/0 here)
      }
    }
  }

  private setNice(nice: number, reset: boolean): void {
    const [main, ...rest] = this.port.threads();
    try {
      this.port.setNice(main ?? 0, nice);
    } catch (e) {
      this.log.info(reset ? `Unable to reset process priority - ${errText(e)}` : `Unable to set process priority to ${nice} - ${errText(e)}`);
      return;
    }
    this.curNice = nice;
    for (const tid of rest) {
      try {
        this.port.setNice(tid, nice);
      } catch {
        /* a helper thread that just exited */
      }
    }
  }

  private setAffinity(cpus: number[]): void {
    const [main, ...rest] = this.port.threads();
    try {
      this.port.setAffinity(main ?? 0, cpus);
    } catch (e) {
      this.log.warn(`unable to set cpu affinity to ${this.role} process (${errText(e)})`);
      return;
    }
    for (const tid of rest) {
      try {
        this.port.setAffinity(tid, cpus);
      } catch {
        /* a helper thread that just exited */
      }
    }
  }
}

const SCHED_OTHER = 0;
const SCHED_RR = 2;
const SCHED_RESET_ON_FORK = 0x40000000;
const MLOCK_ONFAULT = 1;
const RLIMIT_RTTIME = 15;

/**
 * The mappings of /proc/self/maps that no_swap locks: file-backed ones, [heap] and [stack], with
 * some access (not guard pages); never anonymous mappings (V8's heap, see the header).
 */
export function lockableRanges(maps: string): Array<{ start: number; len: number }> {
  const out: Array<{ start: number; len: number }> = [];
  for (const line of maps.split('\n')) {
    const m = /^([0-9a-f]+)-([0-9a-f]+)\s+(\S{4})\s+\S+\s+\S+\s+\d+\s*(.*)$/.exec(line);
    if (!m) continue;
    const perms = m[3]!;
    const name = m[4]!.trim();
    if (perms.startsWith('---')) continue;
    if (!(name.startsWith('/') || name === '[heap]' || name === '[stack]')) continue;
    if (name.endsWith(' (deleted)') || name.startsWith('/dev/') || name.startsWith('/memfd:')) continue;
    const start = parseInt(m[1]!, 16);
    const end = parseInt(m[2]!, 16);
    if (end > start) out.push({ start, len: end - start });
  }
  return out;
}

/** The OS: the native addon for the syscalls, /proc/self/task for the threads. */
export function realSchedPort(): SchedPort {
  const n = native();
  return {
    threads() {
      let tids: number[] = [];
      try {
        tids = fs.readdirSync('/proc/self/task').map(Number).filter((t) => Number.isInteger(t) && t > 0);
      } catch {
        /* no /proc: the main thread alone */
      }
      return [process.pid, ...tids.filter((t) => t !== process.pid)];
    },
    setRealtime: (priority) => n.schedSetScheduler(0, SCHED_RR | SCHED_RESET_ON_FORK, priority),
    setNormal: () => n.schedSetScheduler(0, SCHED_OTHER, 0),
    setNice: (tid, nice) => n.setPriority(tid, nice),
    getNice: () => os.getPriority(0),
    setAffinity: (tid, cpus) => n.schedSetAffinity(tid, cpus),
    lockMemory: () => {
      for (const r of lockableRanges(fs.readFileSync('/proc/self/maps', 'utf8'))) n.mlock2(r.start, r.len, MLOCK_ONFAULT);
    },
    unlockMemory: () => n.munlockall(),
    getRttime: () => n.getrlimit(RLIMIT_RTTIME),
    setRttime: (soft, hard) => n.setrlimit(RLIMIT_RTTIME, soft, hard),
    installCpuLimitGuard: () => n.installXcpuGuard(),
    cpuLimitHits: () => n.xcpuHits(),
  };
}

export interface MonitorClock {
  /** Monotonic time in µs. */
  nowUs(): number;
  /** One-shot timer that does not keep the process alive. */
  after(ms: number, cb: () => void): { cancel(): void };
}

const realClock: MonitorClock = {
  nowUs: () => Number(process.hrtime.bigint() / 1000n),
  after(ms, cb) {
    const t = setTimeout(cb, ms);
    t.unref();
    return { cancel: () => clearTimeout(t) };
  },
};

/** Probe period: a quarter of the threshold, between 20 ms and 250 ms. */
export function probePeriodMs(minDelayUs: number): number {
  return Math.min(250, Math.max(20, Math.round(Math.max(minDelayUs, TIMER_JITTER_US) / 4000)));
}

/**
 * Report the event loop's lateness to `sched` (keepalived checks its timers after each wake-up):
 * a probe timer re-armed each time; how late it ran is the lateness. Returns a stop function.
 */
export function startLatenessMonitor(sched: Pick<ProcessSched, 'timerLate' | 'minDelayUs' | 'poll'>, clock: MonitorClock = realClock): () => void {
  let timer: { cancel(): void } | undefined;
  let stopped = false;
  const arm = (): void => {
    const ms = probePeriodMs(sched.minDelayUs);
    const due = clock.nowUs() + ms * 1000;
    timer = clock.after(ms, () => {
      if (stopped) return;
      sched.poll();
      sched.timerLate(clock.nowUs() - due);
      arm();
    });
  };
  arm();
  return () => {
    stopped = true;
    timer?.cancel();
  };
}
