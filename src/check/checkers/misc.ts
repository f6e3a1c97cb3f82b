/**
 * MISC_CHECK (keepalived check_misc.c): run misc_path's argv (no shell) in its own
 * process group with stdio on /dev/null, as `user`'s uid/gid when given.
 *   exit 0 → up; with misc_dynamic, exit 2..255 → up with weight exit−2;
 *   any other exit or a signal → down;
 *   misc_timeout → SIGTERM to the process group, then SIGKILL after 2 s → MISC_TIMEOUT.
 *
 * Process creation goes through the `Spawner` port; `nodeSpawner` is the thin adapter.
 */
import { spawn } from 'node:child_process';
import type { CheckResult, MiscTarget } from '../types';

export interface SpawnedProcess {
  pid: number | undefined;
  /** Resolves once with the exit status or terminating signal number. */
  exited: Promise<{ status: number | null; signal: NodeJS.Signals | null }>;
  /** Signal the whole process group. */
  killGroup(sig: NodeJS.Signals): void;
}

export type Spawner = (argv: string[], opts: { uid?: number; gid?: number }) => SpawnedProcess | { error: string };

export const nodeSpawner: Spawner = (argv, opts) => {
  const [file, ...args] = argv;
  if (!file) return { error: 'empty command' };
  let child;
  try {
    child = spawn(file, args, {
      detached: true,
      stdio: 'ignore',
      ...(opts.uid !== undefined ? { uid: opts.uid } : {}),
      ...(opts.gid !== undefined ? { gid: opts.gid } : {}),
    });
  } catch (e) {
    return { error: (e as Error).message };
  }
  const c = child;
  const exited = new Promise<{ status: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    c.once('error', () => resolve({ status: 127, signal: null }));
    c.once('exit', (status, signal) => resolve({ status, signal }));
  });
  return {
    pid: c.pid,
    exited,
    killGroup(sig) {
      if (c.pid === undefined) return;
      try {
        process.kill(-c.pid, sig);
      } catch {
        /* already gone */
      }
    },
  };
};

const SIGNUM: Partial<Record<NodeJS.Signals, number>> = { SIGHUP: 1, SIGINT: 2, SIGQUIT: 3, SIGABRT: 6, SIGKILL: 9, SIGSEGV: 11, SIGPIPE: 13, SIGALRM: 14, SIGTERM: 15 };

export function runWith(spawner: Spawner): (target: MiscTarget, signal: AbortSignal) => Promise<CheckResult> {
  return async (target, signal) => {
    const p = spawner(target.argv, {
      ...(target.uid !== undefined ? { uid: target.uid } : {}),
      ...(target.gid !== undefined ? { gid: target.gid } : {}),
    });
    if ('error' in p) return { code: 'MISC_SPAWN', detail: p.error };
    let timedOut = false;
    const grace = target.killGraceMs ?? 2000;
    let killTimer: NodeJS.Timeout | undefined;
    const termTimer = setTimeout(() => {
      timedOut = true;
      p.killGroup('SIGTERM');
      killTimer = setTimeout(() => p.killGroup('SIGKILL'), grace);
    }, target.timeoutMs);
    const onAbort = (): void => p.killGroup('SIGKILL');
    signal.addEventListener('abort', onAbort, { once: true });
    const { status, signal: sig } = await p.exited;
    clearTimeout(termTimer);
    if (killTimer) clearTimeout(killTimer);
    signal.removeEventListener('abort', onAbort);
    if (sig === 'SIGTERM' && timedOut) p.killGroup('SIGKILL'); // make sure its children die too
    if (signal.aborted) return { code: 'ABORTED' };
    if (sig) {
      const n = SIGNUM[sig] ?? 0;
      if (timedOut && (sig === 'SIGTERM' || sig === 'SIGKILL')) return { code: 'MISC_TIMEOUT', signal: n };
      return { code: 'MISC_SIGNAL', signal: n, detail: sig };
    }
    const st = status ?? 0;
    if (st === 0) return { code: 'OK', exitStatus: 0 };
    if (target.dynamic && st >= 2 && st <= 255) return { code: 'OK', exitStatus: st, weight: st - 2 };
    return { code: 'MISC_EXIT', exitStatus: st };
  };
}

export const run = runWith(nodeSpawner);
