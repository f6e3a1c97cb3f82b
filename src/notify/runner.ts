/**
 * Runs notify scripts for the parent, as keepalived's notify_exec(): argv executed directly
 * (no shell; a bare name is looked up in PATH by the kernel's execvp semantics), in its own
 * session/process group, stdio to /dev/null, as the script's user/group, never awaited by the
 * caller except STOP scripts (keepalived waits up to 1 s, then kills the process group).
 *
 * Script user (keepalived's rules): `CMD user [group]` on the keyword, else global_defs
 * script_user [group], else `keepalived_script` if that user exists, else root. The group
 * defaults to the user's primary group.
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';

export interface NotifyLog {
  info(msg: string): void;
  warn(msg: string): void;
  error(msg: string): void;
}

export interface RunSpec {
  argv: string[];
  user?: string;
  group?: string;
  /** Wait for the script up to this long, then SIGKILL its group (STOP notifies). */
  waitMs?: number;
}

export interface Ids {
  uid: number;
  gid: number;
}

function readDb(file: string): string[][] {
  try {
    return fs
      .readFileSync(file, 'utf8')
      .split('\n')
      .filter((l) => l && !l.startsWith('#'))
      .map((l) => l.split(':'));
  } catch {
    return [];
  }
}

/** Resolve user (name or number) and optional group from passwd/group files. */
export function resolveIds(user: string, group: string | undefined, etc = '/etc'): Ids | { error: string } {
  const pw = readDb(`${etc}/passwd`).find((f) => f[0] === user) ?? (/^\d+$/.test(user) ? readDb(`${etc}/passwd`).find((f) => f[2] === user) ?? ['', '', user, user] : undefined);
  if (!pw) return { error: `Script user '${user}' does not exist` };
  const uid = Number(pw[2]);
  let gid = Number(pw[3]);
  if (group !== undefined) {
    const gr = readDb(`${etc}/group`).find((f) => f[0] === group);
    if (gr) gid = Number(gr[2]);
    else if (/^\d+$/.test(group)) gid = Number(group);
    else return { error: `Script group '${group}' does not exist` };
  }
  if (!Number.isInteger(uid) || !Number.isInteger(gid)) return { error: `Script user '${user}' does not exist` };
  return { uid, gid };
}

/** The user scripts without their own user run as (keepalived's default script user). */
export function defaultScriptUser(scriptUser: { user: string; group?: string } | undefined, etc = '/etc'): { user: string; group?: string } {
  if (scriptUser) return scriptUser;
  if (readDb(`${etc}/passwd`).some((f) => f[0] === 'keepalived_script')) return { user: 'keepalived_script' };
  return { user: 'root' };
}

const ERRNO: Record<string, [number, string]> = {
  ENOENT: [2, 'No such file or directory'],
  EACCES: [13, 'Permission denied'],
  ENOEXEC: [8, 'Exec format error'],
  ENOTDIR: [20, 'Not a directory'],
  EPERM: [1, 'Operation not permitted'],
  ELOOP: [40, 'Too many levels of symbolic links'],
  ETXTBSY: [26, 'Text file busy'],
};

export interface RunnerOptions {
  log: NotifyLog;
  /** Default user/group for scripts without one. */
  defaultUser: { user: string; group?: string };
  /** Directory holding passwd and group (tests). */
  etc?: string;
}

/** Starts scripts; remembers the ones still running so that stop() can wait for/kill them. */
export class ScriptRunner {
  private readonly waiting = new Set<Promise<void>>();

  constructor(private opts: RunnerOptions) {}

  setDefaultUser(u: { user: string; group?: string }): void {
    this.opts = { ...this.opts, defaultUser: u };
  }

  /**
   * Start a script. Resolves when it has exited (or, with waitMs, was killed at the limit); the
   * caller normally does not wait. Never rejects.
   */
  run(spec: RunSpec): Promise<void> {
    const cmd = spec.argv[0];
    if (!cmd) return Promise.resolve();
    const who = spec.user !== undefined ? { user: spec.user, ...(spec.group !== undefined ? { group: spec.group } : {}) } : this.opts.defaultUser;
    const ids = resolveIds(who.user, who.group, this.opts.etc);
    if ('error' in ids) {
      this.opts.log.error(ids.error);
      return Promise.resolve();
    }
    const p = new Promise<void>((resolve) => {
      let child;
      try {
        child = spawn(cmd, spec.argv.slice(1), { stdio: 'ignore', detached: true, ...asIds(ids) });
      } catch (e) {
        this.execError(cmd, e as NodeJS.ErrnoException);
        resolve();
        return;
      }
      let timer: NodeJS.Timeout | undefined;
      const pid = child.pid;
      if (spec.waitMs !== undefined && pid) {
        timer = setTimeout(() => {
          try {
            process.kill(-pid, 'SIGKILL');
          } catch {
            /* gone */
          }
        }, spec.waitMs);
      }
      child.on('error', (e) => {
        if (timer) clearTimeout(timer);
        this.execError(cmd, e as NodeJS.ErrnoException);
        resolve();
      });
      child.on('exit', () => {
        if (timer) clearTimeout(timer);
        resolve();
      });
      if (spec.waitMs === undefined) child.unref();
    });
    if (spec.waitMs !== undefined) {
      this.waiting.add(p);
      void p.then(() => this.waiting.delete(p));
    }
    return p;
  }

  /**
   * Start a long-running program (a `*_fifo_script`) and return its pid (its process group),
   * or undefined when it could not be started (logged).
   */
  startDetached(spec: RunSpec, onExit?: () => void): number | undefined {
    const cmd = spec.argv[0];
    if (!cmd) return undefined;
    const who = spec.user !== undefined ? { user: spec.user, ...(spec.group !== undefined ? { group: spec.group } : {}) } : this.opts.defaultUser;
    const ids = resolveIds(who.user, who.group, this.opts.etc);
    if ('error' in ids) {
      this.opts.log.error(ids.error);
      return undefined;
    }
    try {
      const child = spawn(cmd, spec.argv.slice(1), { stdio: 'ignore', detached: true, ...asIds(ids) });
      child.on('error', (e) => this.execError(cmd, e as NodeJS.ErrnoException));
      child.on('exit', () => onExit?.());
      child.unref();
      return child.pid;
    } catch (e) {
      this.execError(cmd, e as NodeJS.ErrnoException);
      return undefined;
    }
  }

  /** Wait for the scripts keepalived waits for (STOP notifies); each is bounded by its waitMs. */
  async drain(): Promise<void> {
    await Promise.all([...this.waiting]);
  }

  private execError(cmd: string, e: NodeJS.ErrnoException): void {
    const [no, text] = ERRNO[e.code ?? ''] ?? [Math.abs(e.errno ?? 0), e.message];
    this.opts.log.error(`Error exec-ing command '${cmd}', error ${no}: ${text}`);
  }
}

/** uid/gid for spawn(), left out when they are already ours (a non-root daemon cannot setuid). */
function asIds(ids: Ids): { uid?: number; gid?: number } {
  const same = typeof process.getuid === 'function' && process.getuid() === ids.uid && process.getgid?.() === ids.gid;
  return same ? {} : { uid: ids.uid, gid: ids.gid };
}
