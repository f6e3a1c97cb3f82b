/**
 * lvs_sync_daemon (global_defs): the IPVS connection-sync daemon follows one VRRP instance.
 * keepalived 2.2.7 drives it from its VRRP process; so must we (the checker worker does not
 * know VRRP states): the VRRP worker owns an LvsSyncd and tells it each state change of the
 * configured instance.
 *
 * Observed on keepalived 2.2.7 (IPVS VM, `ipvsadm -L --daemon`):
 *   instance BACKUP (also at init) or FAULT → only the backup daemon runs;
 *   instance MASTER                          → only the master daemon runs;
 *   keepalived stops                         → no daemon left;
 *   no instance named                        → no daemon at all.
 * Options passed to the kernel are only those configured (interface, id, maxlen, port, ttl,
 * group); the kernel fills in the rest (group 224.0.0.81, port 8848, ttl 1).
 *
 * Hook in the VRRP runtime (src/vrrp, not ours):
 *   start:        this.syncd = LvsSyncd.fromGlobal(slice.global.lvsSyncDaemon, log)  // undefined when none
 *   state change: this.syncd?.onState(instanceName, newState)                        // 'MASTER' | 'BACKUP' | 'FAULT' | …
 *   stop:         await this.syncd?.stop()
 * (reload: await this.syncd?.reload(newGlobal.lvsSyncDaemon), then onState with the current state.)
 *
 * Pure over the SyncdPort (IpvsClient implements it); operations run one at a time, in order.
 */
import type { IpvsDaemon } from '../sys/ipvs-codec';
import { parseIp } from '../lib/ip';
import type { GlobalDefs } from '../config/ast';

/** IP_VS_STATE_MASTER / IP_VS_STATE_BACKUP (linux/ip_vs.h). */
export const IPVS_SYNC_MASTER = 1;
export const IPVS_SYNC_BACKUP = 2;

/** global_defs lvs_sync_daemon, as the configuration reads it. */
export type SyncdConfig = NonNullable<GlobalDefs['lvsSyncDaemon']>;

/** The part of IpvsPort the sync daemon needs. */
export interface SyncdPort {
  startDaemon(d: IpvsDaemon): Promise<void>;
  stopDaemon(state: number): Promise<void>;
  close?(): void;
}

export interface SyncdLog {
  error(line: string): void;
}

/** The daemon request for `state` (IPVS_SYNC_MASTER/BACKUP) from the configuration. */
export function daemonOf(cfg: SyncdConfig, state: number): IpvsDaemon {
  const d: IpvsDaemon = { state, mcastIfn: cfg.interface };
  if (cfg.id !== undefined) d.syncId = cfg.id;
  if (cfg.maxlen !== undefined) d.syncMaxlen = cfg.maxlen;
  if (cfg.port !== undefined) d.mcastPort = cfg.port;
  if (cfg.ttl !== undefined) d.mcastTtl = cfg.ttl;
  if (cfg.group) {
    const ip = parseIp(cfg.group);
    if (ip?.family === 4) d.mcastGroup = ip.bytes;
    else if (ip?.family === 6) d.mcastGroup6 = ip.bytes;
  }
  return d;
}

function sameCfg(a: SyncdConfig | undefined, b: SyncdConfig | undefined): boolean {
  return JSON.stringify(a ?? null) === JSON.stringify(b ?? null);
}

export class LvsSyncd {
  /** The daemon we started and believe is running (0 = none). */
  private running = 0;
  private queue: Promise<void> = Promise.resolve();
  private lastState: string | undefined;

  constructor(
    private cfg: SyncdConfig,
    private readonly port: SyncdPort,
    private readonly log: SyncdLog,
  ) {}

  /**
   * The VRRP worker's entry point: an LvsSyncd over the kernel (IpvsClient, opened lazily on
   * the first state), or undefined when lvs_sync_daemon is not configured with an instance.
   */
  static fromGlobal(cfg: SyncdConfig | undefined, log: SyncdLog, port?: SyncdPort): LvsSyncd | undefined {
    if (!cfg || !cfg.instance) return undefined;
    return new LvsSyncd(cfg, port ?? lazyKernelPort(), log);
  }

  /** The instance this daemon follows. */
  get instance(): string | undefined {
    return this.cfg.instance;
  }

  /** Which daemon runs now (IPVS_SYNC_MASTER, IPVS_SYNC_BACKUP, 0). */
  get current(): number {
    return this.running;
  }

  /** Resolves when every queued operation is done. */
  idle(): Promise<void> {
    return this.queue;
  }

  /** A state change of VRRP instance `name`; other instances are ignored. */
  onState(name: string, state: string): Promise<void> {
    if (name !== this.cfg.instance) return this.queue;
    this.lastState = state;
    const want = state === 'MASTER' ? IPVS_SYNC_MASTER : IPVS_SYNC_BACKUP;
    return this.enqueue(() => this.switchTo(want));
  }

  /** A reloaded lvs_sync_daemon: restart the daemon with it (same role), or stop when gone. */
  reload(cfg: SyncdConfig | undefined): Promise<void> {
    if (sameCfg(cfg, this.cfg)) return this.queue;
    return this.enqueue(async () => {
      await this.switchTo(0);
      if (!cfg || !cfg.instance) return;
      const follow = cfg.instance === this.cfg.instance ? this.lastState : undefined;
      this.cfg = cfg;
      this.lastState = follow;
      if (follow !== undefined) await this.switchTo(follow === 'MASTER' ? IPVS_SYNC_MASTER : IPVS_SYNC_BACKUP);
    });
  }

  /** Stop whatever daemon we started (keepalived leaves none behind). */
  async stop(): Promise<void> {
    await this.enqueue(() => this.switchTo(0));
    this.port.close?.();
  }

  private enqueue(f: () => Promise<void>): Promise<void> {
    this.queue = this.queue.then(f).catch((e: Error) => this.log.error(`IPVS: sync daemon: ${e.message} - this is a bug`));
    return this.queue;
  }

  private async switchTo(want: number): Promise<void> {
    if (this.running === want) return;
    if (this.running) {
      const was = this.running;
      await this.port.stopDaemon(was).catch((e: { code?: string; message?: string }) => {
        if (e.code !== 'ESRCH' && e.code !== 'ENOENT') this.log.error(`IPVS: stopping the ${name(was)} sync daemon failed: ${e.code ?? ''} ${e.message ?? ''}`.trim());
      });
      this.running = 0;
    }
    if (!want) return;
    try {
      await this.port.startDaemon(daemonOf(this.cfg, want));
      this.running = want;
    } catch (e) {
      const err = e as { code?: string; message?: string };
      this.log.error(`IPVS: starting the ${name(want)} sync daemon on ${this.cfg.interface} failed: ${err.code ?? ''} ${err.message ?? ''}`.trim());
    }
  }
}

function name(state: number): string {
  return state === IPVS_SYNC_MASTER ? 'master' : 'backup';
}

/** An IpvsClient opened on first use (loaded lazily: unit tests never need the addon). */
function lazyKernelPort(): SyncdPort {
  let client: Promise<import('../sys/ipvs').IpvsClient> | undefined;
  const get = () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    client ??= (require('../sys/ipvs') as typeof import('../sys/ipvs')).IpvsClient.open();
    return client;
  };
  return {
    startDaemon: async (d) => (await get()).startDaemon(d),
    stopDaemon: async (s) => (await get()).stopDaemon(s),
    close: () => void client?.then((c) => c.close()).catch(() => undefined),
  };
}
