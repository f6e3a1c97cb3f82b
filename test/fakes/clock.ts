/**
 * A fake clock in microseconds for pure-core tests: timers fire only when the test advances time,
 * in deadline order (ties in creation order), and `nowUs` jumps to each deadline as it fires.
 */
export type TimerId = number;

interface Pending {
  id: TimerId;
  atUs: number;
  seq: number;
  fn: () => void;
}

export class FakeClock {
  nowUs: number;
  private pending: Pending[] = [];
  private nextId = 1;
  private seq = 0;
  /** Number of timers fired so far. */
  fired = 0;

  constructor(startUs = 0) {
    this.nowUs = startUs;
  }

  /** Run `fn` at absolute time `atUs` (clamped to now). */
  at(atUs: number, fn: () => void): TimerId {
    const id = this.nextId++;
    this.pending.push({ id, atUs: Math.max(atUs, this.nowUs), seq: this.seq++, fn });
    return id;
  }

  /** Run `fn` after `delayUs`. */
  after(delayUs: number, fn: () => void): TimerId {
    return this.at(this.nowUs + delayUs, fn);
  }

  clear(id: TimerId | undefined): void {
    if (id === undefined) return;
    this.pending = this.pending.filter((p) => p.id !== id);
  }

  get size(): number {
    return this.pending.length;
  }

  /** Deadline of the next timer, or undefined. */
  next(): number | undefined {
    let best: Pending | undefined;
    for (const p of this.pending) if (!best || p.atUs < best.atUs || (p.atUs === best.atUs && p.seq < best.seq)) best = p;
    return best?.atUs;
  }

  /** Fire every timer due up to and including `untilUs`, then set now = untilUs. Guards against runaway loops. */
  advanceTo(untilUs: number, maxFires = 1_000_000): void {
    let n = 0;
    for (;;) {
      let best: Pending | undefined;
      for (const p of this.pending) if (p.atUs <= untilUs && (!best || p.atUs < best.atUs || (p.atUs === best.atUs && p.seq < best.seq))) best = p;
      if (!best) break;
      if (++n > maxFires) throw new Error('FakeClock: too many timers fired (runaway loop?)');
      this.pending = this.pending.filter((p) => p !== best);
      this.nowUs = best.atUs;
      this.fired++;
      best.fn();
    }
    if (untilUs > this.nowUs) this.nowUs = untilUs;
  }

  advance(deltaUs: number): void {
    this.advanceTo(this.nowUs + deltaUs);
  }
}
