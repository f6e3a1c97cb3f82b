/**
 * startup_script / shutdown_script (global_defs), run by the parent: before the workers start
 * and after they have stopped, each bounded by its timeout (startup_script_timeout /
 * shutdown_script_timeout, default 10 s): SIGTERM at the timeout, SIGKILL 1 s later.
 * The script is executed directly from its argv (no shell), like keepalived's notify scripts, and
 * as the same user: `startup_script CMD user [group]`, else script_user, else keepalived_script
 * when it exists, else root (the notify runner's resolution, src/notify/runner.ts).
 */
import { spawn } from 'node:child_process';
import type { Logger } from '../log';
import { defaultScriptUser, resolveIds } from '../notify/runner';

export interface ParentScript {
  argv: string[];
  user?: string;
  group?: string;
  timeoutS: number;
}

export interface ScriptUserContext {
  /** global_defs script_user [group]. */
  scriptUser?: { user: string; group?: string };
  /** Directory holding passwd and group (tests). */
  etc?: string;
}

/** uid/gid for spawn(), or {} when they are ours already (no setuid needed), or an error text. */
export function scriptIds(s: ParentScript, ctx: ScriptUserContext = {}): { uid?: number; gid?: number } | { error: string } {
  const who = s.user !== undefined ? { user: s.user, ...(s.group !== undefined ? { group: s.group } : {}) } : defaultScriptUser(ctx.scriptUser, ctx.etc);
  const ids = resolveIds(who.user, who.group, ctx.etc);
  if ('error' in ids) return ids;
  const same = typeof process.getuid === 'function' && process.getuid() === ids.uid && process.getgid?.() === ids.gid;
  return same ? {} : { uid: ids.uid, gid: ids.gid };
}

/** Resolves when the script has exited (or was killed); never rejects. */
export function runParentScript(kind: 'startup' | 'shutdown', s: ParentScript, log: Logger, ctx: ScriptUserContext = {}): Promise<void> {
  return new Promise((resolve) => {
    const [cmd, ...args] = s.argv;
    if (!cmd) {
      resolve();
      return;
    }
    const ids = scriptIds(s, ctx);
    if ('error' in ids) {
      log.error(`${kind} script ${cmd}: ${ids.error}`);
      resolve();
      return;
    }
    let child;
    try {
      child = spawn(cmd, args, { stdio: 'ignore', detached: true, ...ids });
    } catch (e) {
      log.error(`${kind} script ${cmd} failed to start: ${(e as Error).message}`);
      resolve();
      return;
    }
    let timedOut = false;
    const kill = (sig: NodeJS.Signals): void => {
      try {
        if (child.pid) process.kill(-child.pid, sig);
      } catch {
        /* already gone */
      }
    };
    const t1 = setTimeout(() => {
      timedOut = true;
      log.warn(`${kind} script ${s.argv.join(' ')} timed out`);
      kill('SIGTERM');
    }, s.timeoutS * 1000);
    const t2 = setTimeout(() => kill('SIGKILL'), s.timeoutS * 1000 + 1000);
    child.on('error', (e) => {
      clearTimeout(t1);
      clearTimeout(t2);
      log.error(`${kind} script ${cmd} failed: ${e.message}`);
      resolve();
    });
    child.on('exit', (code, signal) => {
      clearTimeout(t1);
      clearTimeout(t2);
      if (!timedOut) {
        if (code === 0) log.detailed(`${kind} script ${s.argv.join(' ')} succeeded`);
        else log.warn(`${kind} script ${s.argv.join(' ')} ${signal ? `killed by ${signal}` : `exited with status ${code}`}`);
      }
      resolve();
    });
  });
}
