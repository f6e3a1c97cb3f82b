/**
 * The VRRP worker engine (src/workers/engine.ts WorkerEngine): wires the real ports —
 * raw sockets (src/sys/rawsock.ts), rtnetlink (src/sys/netlink-rt.ts), GARP/NA
 * (src/sys/garp.ts), the heap-based clock (src/sys/clock.ts), script execution
 * (src/sys/exec.ts) — into the runtime (src/vrrp/runtime/runtime.ts).
 * Notify delivery goes through the Notifier port (runtime/notifier.ts); by default it only
 * logs at debug level until the parent wires it.
 */
import * as fs from 'node:fs';
import type { EngineContext, WorkerEngine } from '../workers/engine';
import type { VrrpSlice } from '../config/index';
import { RealClock } from '../sys/clock';
import { execArgv } from '../sys/exec';
import { GarpSender } from '../sys/garp';
import { RtNetlink } from '../sys/netlink-rt';
import { VrrpRawSocket } from '../sys/rawsock';
import { LogNotifier, type Notifier } from './runtime/notifier';
import type { RuntimePorts } from './runtime/ports';
import { VrrpRuntime } from './runtime/runtime';

function isSlice(x: unknown): x is VrrpSlice {
  return !!x && typeof x === 'object' && Array.isArray((x as VrrpSlice).vrrpInstances) && typeof (x as VrrpSlice).global === 'object';
}

export class VrrpEngine implements WorkerEngine {
  private rt: VrrpRuntime | undefined;

  constructor(
    private readonly ctx: EngineContext,
    private readonly notifier?: Notifier,
  ) {}

  private ports(): RuntimePorts {
    const log = this.ctx.log;
    const clock = new RealClock();
    clock.onLate = (lateUs) => log.warn(`A thread timer expired ${(lateUs / 1e6).toFixed(2)} seconds ago`);
    return {
      clock,
      netlink: new RtNetlink(),
      garp: GarpSender.open(),
      openSocket: (req, onMessage) =>
        VrrpRawSocket.open(
          { family: req.family, ifname: req.ifname, groups: req.groups, hdrincl: req.hdrincl, sendOnly: req.sendOnly ?? false, ...(req.rcvBuf ? { rcvBuf: req.rcvBuf } : {}) },
          { onMessage, onError: (e) => log.detailed(`VRRP socket error on ${req.ifname}: ${e.message}`, 2) },
        ),
      log: {
        info: (m) => log.info(m),
        warn: (m) => log.warn(m),
        error: (m) => log.error(m),
        // keepalived has no such lines: only shown with more detail than -D gives
        debug: (m) => log.detailed(m, 2),
        detailed: (m) => log.detailed(m),
      },
      notifier: this.notifier ?? (this.ctx.notify ? { notify: this.ctx.notify } : new LogNotifier((m) => log.detailed(m, 2))),
      scripts: { run: (argv, o) => execArgv(argv, o) },
      sysctl: {
        get: (p) => {
          try {
            return fs.readFileSync(`/proc/sys/${p}`, 'utf8').trim();
          } catch {
            return undefined;
          }
        },
        set: (p, v) => {
          try {
            fs.writeFileSync(`/proc/sys/${p}`, v);
            return true;
          } catch {
            return false;
          }
        },
      },
      files: {
        read: (p) => {
          try {
            return fs.readFileSync(p, 'utf8');
          } catch {
            return undefined;
          }
        },
      },
    };
  }

  async start(slice: unknown): Promise<void> {
    if (!isSlice(slice)) throw new Error('VRRP engine: malformed configuration slice');
    this.rt = new VrrpRuntime(this.ports(), { dontReleaseVrrp: this.ctx.settings.dontReleaseVrrp });
    await this.rt.start(slice);
  }

  async reload(slice: unknown): Promise<void> {
    if (!isSlice(slice)) throw new Error('VRRP engine: malformed configuration slice');
    if (!this.rt) return this.start(slice);
    await this.rt.reload(slice);
  }

  async stop(): Promise<void> {
    await this.rt?.stop();
  }

  dumpData(): string {
    return this.rt?.dumpData() ?? '';
  }

  dumpStats(): string {
    return this.rt?.dumpStats() ?? '';
  }

  clearStats(): void {
    this.rt?.clearStats();
  }

  dumpJson(): unknown {
    return this.rt?.dumpJson() ?? [];
  }
}

export function createEngine(ctx: EngineContext): WorkerEngine {
  return new VrrpEngine(ctx);
}
