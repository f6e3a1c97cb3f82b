/**
 * The interface a worker engine (VRRP in src/vrrp/, health checking in src/check/) implements.
 *
 * src/workers/entry.ts hosts the engine in the worker process: it receives the slice from the
 * parent, calls start()/reload(), answers dumps, and calls stop() on SIGTERM or the parent's stop.
 * Engines never read the configuration file and never talk to the parent directly.
 *
 * The engines: src/vrrp/engine.ts and src/check/engine.ts, each exporting
 * `createEngine(ctx: EngineContext): WorkerEngine`; engineFactory() loads only the one a worker's
 * role needs (the VRRP worker never loads the checkers, and the reverse).
 */
import type { Logger } from '../log';
import type { WorkerRole, WorkerSettings } from '../ipc/messages';
import type { NotifyEvent } from '../notify/events';

export interface WorkerEngine {
  /** Apply the first configuration. Rejects when the configuration cannot run (→ EXIT_CONFIG). */
  start(slice: unknown): Promise<void>;
  /** Apply a new configuration, keeping the state of what did not change. */
  reload(slice: unknown): Promise<void>;
  /** Release what the engine holds (unless settings say not to) and stop all timers/sockets. */
  stop(): Promise<void>;
  /** keepalived.data / keepalived_check.data text. */
  dumpData(): string;
  /** keepalived.stats text (VRRP). */
  dumpStats?(): string;
  /** Zero the counters (after dumpStats, on STATS_CLEAR). */
  clearStats?(): void;
  /** keepalived.json value (VRRP). */
  dumpJson?(): unknown;
}

export interface EngineContext {
  role: WorkerRole;
  log: Logger;
  settings: WorkerSettings;
  /** Report a notify-worthy event to the parent (which runs scripts, FIFOs, SMTP; src/notify). */
  notify?: (event: NotifyEvent) => void;
}

export type EngineFactory = (ctx: EngineContext) => WorkerEngine;

/** The engine of `role`, loaded on demand so that each worker loads only its own subsystem. */
export function engineFactory(role: WorkerRole): EngineFactory {
  /* eslint-disable @typescript-eslint/no-require-imports */
  if (role === 'vrrp') return (require('../vrrp/engine') as typeof import('../vrrp/engine')).createEngine;
  return (require('../check/engine') as typeof import('../check/engine')).createEngine;
  /* eslint-enable @typescript-eslint/no-require-imports */
}
