/**
 * startup_script / shutdown_script (global_defs), run by the parent: before the workers start
 * and after they have stopped, each bounded by its timeout (startup_script_timeout /
 * shutdown_script_timeout, default 10 s): SIGTERM at the timeout, SIGKILL 1 s later.
 * The script is executed directly from its argv (no shell), like keepalived's notify scripts, and
 * as the same user: `startup_script CMD user [group]`, else script_user, else keepalived_script
 * when it exists, else root (the notify runner's resolution, src/notify/runner.ts).
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
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

/**
 * The script path as keepalived shows it ("Running startup script /usr/bin/sh" for /bin/sh): a
 * bare name looked up in PATH, the directory's symlinks resolved, the file's own kept.
 */
export function scriptPath(cmd: string, env: NodeJS.ProcessEnv = process.env): string {
  let file = cmd;
  if (!cmd.includes('/')) {
    for (const dir of (env.PATH ?? '/usr/bin:/bin').split(':')) {
      const f = path.join(dir || '.', cmd);
      try {
        fs.accessSync(f, fs.constants.X_OK);
        file = f;
        break;
      } catch {
        /* next */
      }
    }
  }
  try {
    return path.join(fs.realpathSync(path.dirname(file)), path.basename(file));
  } catch {
    return file;
  }
}

/**
 * Resolves when the script has exited (or was killed); never rejects. keepalived 2.2.7's lines:
 * "Running startup script PATH" (-D), "startup script script failed, status N" (sic),
 * "startup script script succeeded" (-D), "startup script timed out" then SIGTERM to its
 * process group, SIGKILL 2 s later, "startup script (PID N) failed to terminate after kill" 2 s after.
 */
export function runParentScript(kind: 'startup' | 'shutdown', s: ParentScript, log: Logger, ctx: ScriptUserContext = {}): Promise<void> {
  const type = `${kind} script`;
  return new Promise((resolve) => {
    const [cmd, ...args] = s.argv;
    if (!cmd) {
      resolve();
      return;
    }
    const ids = scriptIds(s, ctx);
    if ('error' in ids) {
      log.error(`${type} ${cmd}: ${ids.error}`);
      resolve();
      return;
    }
    log.detailed(`Running ${type} ${scriptPath(cmd)}`);
    let child;
    try {
      child = spawn(cmd, args, { stdio: 'ignore', detached: true, ...ids });
    } catch {
      log.info(`Call of ${type} ${cmd} failed`);
      resolve();
      return;
    }
    const pid = child.pid;
    const kill = (sig: NodeJS.Signals): void => {
      try {
        if (pid) process.kill(-pid, sig);
      } catch {
        /* already gone */
      }
    };
    const timers: NodeJS.Timeout[] = [];
    const clear = (): void => timers.forEach((t) => clearTimeout(t));
    timers.push(
      setTimeout(() => {
        log.info(`${type} timed out`);
        kill('SIGTERM');
      }, s.timeoutS * 1000),
      setTimeout(() => kill('SIGKILL'), s.timeoutS * 1000 + 2000),
      setTimeout(() => {
        log.info(`${type} (PID ${pid ?? 0}) failed to terminate after kill`);
        clear();
        resolve();
      }, s.timeoutS * 1000 + 4000),
    );
    child.on('error', () => {
      clear();
      log.info(`Call of ${type} ${cmd} failed`);
      resolve();
    });
    child.on('exit', (code) => {
      clear();
      // killed by a signal (ours at the timeout, or another): keepalived logs nothing more
      if (code !== null) {
        if (code !== 0) log.info(`${type} script failed, status ${code}`);
        else log.detailed(`${type} script succeeded`);
      }
      resolve();
    });
  });
}
