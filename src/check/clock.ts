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

export const realClock: Clock = {
  now: () => performance.now(),
  setTimer(ms, cb) {
    const t = setTimeout(cb, Math.max(0, ms));
    return { cancel: () => clearTimeout(t) };
  },
  random: () => Math.random(),
};
