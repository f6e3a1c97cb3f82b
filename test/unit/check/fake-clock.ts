/** A manual clock for the scheduler tests: timers fire only from advance(). */
import type { Clock, TimerHandle } from '../../../src/check/clock';

interface T {
  at: number;
  seq: number;
  cb: () => void;
  live: boolean;
}

export class FakeClock implements Clock {
  t = 0;
  private seq = 0;
  private timers: T[] = [];
  randomValues: number[] = [];

  now(): number {
    return this.t;
  }
  setTimer(ms: number, cb: () => void): TimerHandle {
    const tm: T = { at: this.t + Math.max(0, ms), seq: this.seq++, cb, live: true };
    this.timers.push(tm);
    return { cancel: () => (tm.live = false) };
  }
  random(): number {
    return this.randomValues.shift() ?? 0;
  }
  /** Pending timer due times, sorted. */
  pending(): number[] {
    return this.timers.filter((x) => x.live).map((x) => x.at).sort((a, b) => a - b);
  }
  /** Move time forward, firing due timers in order and letting promise chains settle between them. */
  async advance(ms: number): Promise<void> {
    const end = this.t + ms;
    for (;;) {
      await flush();
      const due = this.timers.filter((x) => x.live && x.at <= end).sort((a, b) => a.at - b.at || a.seq - b.seq)[0];
      if (!due) break;
      this.t = due.at;
      due.live = false;
      due.cb();
    }
    this.timers = this.timers.filter((x) => x.live);
    this.t = end;
    await flush();
  }
}

export async function flush(): Promise<void> {
  for (let i = 0; i < 5; i++) await new Promise<void>((r) => setImmediate(r));
}
