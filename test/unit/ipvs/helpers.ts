/**
 * Helpers for the IPVS reconciler/engine tests: load a configuration text the way the parent
 * does (loadConfig → checkerSlice), a manual clock, and a capturing logger.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { checkerSlice, loadConfig, type CheckerSlice } from '../../../src/config/index';
import type { Clock, TimerHandle } from '../../../src/check/index';
import { Logger } from '../../../src/log/index';
import type { WorkerSettings } from '../../../src/ipc/messages';

export function sliceOf(text: string): CheckerSlice {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kats-ipvs-'));
  try {
    const f = path.join(dir, 'keepalived.conf');
    fs.writeFileSync(f, text);
    const r = loadConfig(f, { configId: 'kats', scriptFound: () => true });
    return checkerSlice(r.config);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** Timers fire only in advance(); time in ms. */
export class ManualClock implements Clock {
  t = 0;
  private timers: { at: number; seq: number; cb: () => void; live: boolean }[] = [];
  private seq = 0;
  now(): number {
    return this.t;
  }
  setTimer(ms: number, cb: () => void): TimerHandle {
    const e = { at: this.t + Math.max(0, ms), seq: this.seq++, cb, live: true };
    this.timers.push(e);
    return { cancel: () => (e.live = false) };
  }
  random(): number {
    return 0;
  }
  /** Fire every timer due within `ms`, in order. */
  advance(ms: number): void {
    const end = this.t + ms;
    for (;;) {
      const due = this.timers.filter((x) => x.live && x.at <= end).sort((a, b) => a.at - b.at || a.seq - b.seq)[0];
      if (!due) break;
      due.live = false;
      this.t = due.at;
      due.cb();
    }
    this.timers = this.timers.filter((x) => x.live);
    this.t = end;
  }
}

export function captureLogger(): { log: Logger; lines: string[] } {
  const lines: string[] = [];
  const log = new Logger({ ident: 'Keepalived_healthcheckers', facility: 3, syslog: false, console: true, format: 'text', detail: 0, consoleWrite: (l) => lines.push(...l.split('\n').filter((x) => x)) });
  return { log, lines };
}

export function settings(extra: Record<string, unknown> = {}): WorkerSettings {
  return { logDetail: 0, logConsole: true, logFormat: 'text', noSyslog: true, logFacility: 3, flushLogFile: false, releaseVips: false, dontReleaseVrrp: false, dontReleaseIpvs: false, addressMonitoring: false, identSuffix: '', processName: '', ...extra } as WorkerSettings;
}

/** Let pending promise callbacks and setImmediate callbacks run. */
export async function ticks(n = 4): Promise<void> {
  for (let i = 0; i < n; i++) await new Promise<void>((r) => setImmediate(r));
}
