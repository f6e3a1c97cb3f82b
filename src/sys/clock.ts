/**
 * The VRRP worker's Clock port: monotonic microseconds and one-shot timers at absolute
 * deadlines. `RealClock` keeps every timer in one binary heap and arms a single setTimeout
 * for the nearest deadline, so many instances cost one Node timer, and deadlines are
 * absolute (a late wake-up does not push later adverts back: no drift).
 * test/fakes/clock.ts (FakeClock) has the same shape.
 */

export type TimerId = number;

export interface Clock {
  /** Monotonic time, µs. */
  readonly nowUs: number;
  /** Run `fn` at absolute time `atUs` (µs, same base as nowUs). */
  at(atUs: number, fn: () => void): TimerId;
  clear(id: TimerId | undefined): void;
}

interface Entry {
  id: TimerId;
  atUs: number;
  seq: number;
  fn: () => void;
}

function before(a: Entry, b: Entry): boolean {
  return a.atUs < b.atUs || (a.atUs === b.atUs && a.seq < b.seq);
}

export class RealClock implements Clock {
  private heap: Entry[] = [];
  private readonly live = new Map<TimerId, Entry>();
  private nextId = 1;
  private seq = 0;
  private timer: NodeJS.Timeout | undefined;
  private armedFor = Infinity;
  /** Deadlines that fired more than 1 s late (keepalived: "A thread timer expired N seconds ago"). */
  lateFires = 0;
  onLate?: (lateUs: number) => void;

  get nowUs(): number {
    return Math.floor(performance.now() * 1000);
  }

  at(atUs: number, fn: () => void): TimerId {
    const e: Entry = { id: this.nextId++, atUs, seq: this.seq++, fn };
    this.live.set(e.id, e);
    this.push(e);
    this.arm();
    return e.id;
  }

  clear(id: TimerId | undefined): void {
    if (id === undefined) return;
    // lazy deletion: the heap entry is skipped when it surfaces
    this.live.delete(id);
    if (this.live.size === 0) this.disarm();
  }

  get size(): number {
    return this.live.size;
  }

  /** Cancel everything (worker stop). */
  clearAll(): void {
    this.live.clear();
    this.heap = [];
    this.disarm();
  }

  private disarm(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.armedFor = Infinity;
  }

  private arm(): void {
    let top = this.heap[0];
    while (top && !this.live.has(top.id)) {
      this.pop();
      top = this.heap[0];
    }
    if (!top) {
      this.disarm();
      return;
    }
    if (this.timer && this.armedFor <= top.atUs) return;
    if (this.timer) clearTimeout(this.timer);
    this.armedFor = top.atUs;
    const delayMs = Math.max(0, (top.atUs - this.nowUs) / 1000);
    // setTimeout has 1 ms granularity and may fire early by a fraction: run() re-arms if so
    this.timer = setTimeout(() => this.run(), Math.ceil(delayMs));
  }

  private run(): void {
    this.timer = undefined;
    this.armedFor = Infinity;
    const now = this.nowUs;
    for (let n = 0; n < 10_000; n++) {
      const top = this.heap[0];
      if (!top || top.atUs > now) break;
      this.pop();
      if (!this.live.delete(top.id)) continue;
      const late = now - top.atUs;
      if (late > 1_000_000) {
        this.lateFires++;
        this.onLate?.(late);
      }
      top.fn();
    }
    this.arm();
  }

  private push(e: Entry): void {
    const h = this.heap;
    h.push(e);
    let i = h.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!before(h[i]!, h[p]!)) break;
      [h[i], h[p]] = [h[p]!, h[i]!];
      i = p;
    }
  }

  private pop(): Entry | undefined {
    const h = this.heap;
    const top = h[0];
    const last = h.pop();
    if (h.length > 0 && last) {
      h[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < h.length && before(h[l]!, h[m]!)) m = l;
        if (r < h.length && before(h[r]!, h[m]!)) m = r;
        if (m === i) break;
        [h[i], h[m]] = [h[m]!, h[i]!];
        i = m;
      }
    }
    return top;
  }
}
