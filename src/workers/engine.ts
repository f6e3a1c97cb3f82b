/**
 * The interface a worker engine (VRRP in src/vrrp/, health checking in src/check/) implements.
 *
 * src/workers/entry.ts hosts the engine in the worker process: it receives the slice from the
 * parent, calls start()/reload(), answers dumps, and calls stop() on SIGTERM or the parent's stop.
 * Engines never read the configuration file and never talk to the parent directly.
 *
 * Engines register themselves by module: src/vrrp/engine.ts exporting
 * `createEngine(ctx: EngineContext): WorkerEngine`, and src/check/engine.ts likewise. Until those
 * modules exist the worker runs PlaceholderEngine, which holds the slice and reports readiness
 * but does no VRRP and no checking (it says so in the log).
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

/** Module that provides each role's engine, relative to this file. */
export const ENGINE_MODULES: Record<WorkerRole, string> = {
  vrrp: '../vrrp/engine',
  checker: '../check/engine',
};

/** The real engine when its module exists, else the placeholder (with the reason). */
export function loadEngineFactory(role: WorkerRole): { factory: EngineFactory; placeholder: boolean; reason?: string } {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const mod = require(ENGINE_MODULES[role]) as { createEngine?: unknown };
    if (typeof mod.createEngine === 'function') return { factory: mod.createEngine as EngineFactory, placeholder: false };
    return { factory: placeholderFactory, placeholder: true, reason: `${ENGINE_MODULES[role]} has no createEngine()` };
  } catch (e) {
    const err = e as { code?: string; message?: string };
    if (err.code === 'MODULE_NOT_FOUND' && err.message?.includes(ENGINE_MODULES[role].slice(3))) {
      return { factory: placeholderFactory, placeholder: true, reason: 'engine not implemented yet' };
    }
    return { factory: placeholderFactory, placeholder: true, reason: `engine failed to load: ${err.message ?? String(e)}` };
  }
}

/** Count items of the usual list-shaped parts of a slice, for the placeholder's dumps. */
function describeSlice(slice: unknown): string[] {
  const lines: string[] = [];
  if (slice && typeof slice === 'object') {
    for (const [k, v] of Object.entries(slice as Record<string, unknown>)) {
      if (Array.isArray(v)) lines.push(` ${k} = ${v.length} item(s)`);
      else if (v && typeof v === 'object') lines.push(` ${k} = ${Object.keys(v).length} key(s)`);
      else lines.push(` ${k} = ${String(v)}`);
    }
  } else {
    lines.push(` slice = ${JSON.stringify(slice) ?? 'undefined'}`);
  }
  return lines;
}

/** Holds the slice and reports readiness; does no VRRP and no checking. */
export class PlaceholderEngine implements WorkerEngine {
  private slice: unknown;
  private reloads = 0;
  constructor(private readonly ctx: EngineContext) {}

  private what(): string {
    return this.ctx.role === 'vrrp' ? 'VRRP' : 'health checking';
  }

  async start(slice: unknown): Promise<void> {
    this.slice = slice;
    this.ctx.log.warn(`keepalived-ts: the ${this.what()} engine is not implemented yet - configuration received, but ${this.what()} is NOT active`);
  }

  async reload(slice: unknown): Promise<void> {
    this.slice = slice;
    this.reloads++;
  }

  async stop(): Promise<void> {
    this.slice = undefined;
  }

  dumpData(): string {
    const title = this.ctx.role === 'vrrp' ? 'VRRP' : 'Checker';
    return [
      `------< ${title} placeholder engine (keepalived-ts) >------`,
      ` ${this.what()} is not active yet: configuration held only`,
      ` Reloads = ${this.reloads}`,
      ...describeSlice(this.slice),
      '',
    ].join('\n');
  }

  dumpStats(): string {
    return `keepalived-ts: ${this.what()} engine not active yet, no statistics\n`;
  }

  clearStats(): void {
    /* nothing counted */
  }

  dumpJson(): unknown {
    return [];
  }
}

export const placeholderFactory: EngineFactory = (ctx) => new PlaceholderEngine(ctx);
