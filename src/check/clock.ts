/**
 * The Clock port of the checker scheduler: time, one-shot timers and randomness, so
 * the scheduler can run on a fake clock in tests. `realClock` is the thin adapter.
 */

export interface TimerHandle {
  cancel(): void;
}

export interface Clock {
  /** Milliseconds, monotonic. */
  now(): number;
  setTimer(ms: number, cb: () => void): TimerHandle;
  /** Uniform in [0, 1). */
  random(): number;
}

/**
 * One Node timer per callback, re-armed with refresh() when the same callback is set again
 * with the same delay after it fired (the scheduler passes one callback per checker): no new
 * Timeout per run, which would live a whole delay_loop and so reach the old generation.
 */
class RealTimer implements TimerHandle {
  state: 'pending' | 'fired' | 'cancelled' = 'pending';
  readonly t: NodeJS.Timeout;
  constructor(
    readonly ms: number,
    private readonly cb: () => void,
  ) {
    this.t = setTimeout(() => this.fire(), Math.max(0, ms));
  }
  private fire(): void {
    this.state = 'fired';
    this.cb();
  }
  cancel(): void {
    if (this.state !== 'pending') return;
    this.state = 'cancelled';
    clearTimeout(this.t);
  }
}

const timers = new WeakMap<() => void, RealTimer>();

export const realClock: Clock = {
  now: () => performance.now(),
  setTimer(ms, cb) {
    const old = timers.get(cb);
    if (old && old.state === 'fired' && old.ms === ms) {
      old.state = 'pending';
      old.t.refresh();
      return old;
    }
    const t = new RealTimer(ms, cb);
    // a callback armed twice at once keeps its first timer for re-use
    if (!old || old.state !== 'pending') timers.set(cb, t);
    return t;
  },
  random: () => Math.random(),
};
