/**
 * Run a program without a shell: argv[0] with argv[1..], optionally as another user/group,
 * in its own process group, stdio to /dev/null, with a timeout that sends SIGTERM to the
 * group and SIGKILL 2 s later (keepalived's vrrp_script / MISC_CHECK timeout handling).
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';

export interface ExecResult {
  code: number | null;
  signal: string | null;
  timedOut: boolean;
}

export interface ExecHandle {
  done: Promise<ExecResult>;
  kill(): void;
}

export interface ExecOptions {
  timeoutMs: number;
  user?: string;
  group?: string;
  /** Delay between SIGTERM and SIGKILL, ms (default 2000). */
  killGraceMs?: number;
}

function lookup(file: string, name: string, field: number): number | undefined {
  if (/^\d+$/.test(name)) return Number(name);
  try {
    for (const line of fs.readFileSync(file, 'utf8').split('\n')) {
      const f = line.split(':');
      if (f[0] === name && f[field] !== undefined) return Number(f[field]);
    }
  } catch {
    /* no database */
  }
  return undefined;
}

/** uid (and primary gid) of a user name from /etc/passwd. */
export function userIds(name: string): { uid: number; gid: number } | undefined {
  const uid = lookup('/etc/passwd', name, 2);
  if (uid === undefined) return undefined;
  const gid = lookup('/etc/passwd', name, 3) ?? uid;
  return { uid, gid };
}

export function groupId(name: string): number | undefined {
  return lookup('/etc/group', name, 2);
}

function killGroup(pid: number | undefined, sig: NodeJS.Signals): void {
  if (!pid) return;
  try {
    process.kill(-pid, sig);
  } catch {
    try {
      process.kill(pid, sig);
    } catch {
      /* gone */
    }
  }
}

export function execArgv(argv: string[], opts: ExecOptions): ExecHandle {
  const ids = opts.user ? userIds(opts.user) : undefined;
  const gid = opts.group ? groupId(opts.group) : ids?.gid;
  let timedOut = false;
  let kill2: NodeJS.Timeout | undefined;
  let timer: NodeJS.Timeout | undefined;
  let pid: number | undefined;
  const done = new Promise<ExecResult>((resolve) => {
    let child;
    try {
      child = spawn(argv[0]!, argv.slice(1), {
        stdio: 'ignore',
        detached: true,
        ...(ids ? { uid: ids.uid } : {}),
        ...(gid !== undefined ? { gid } : {}),
      });
    } catch {
      resolve({ code: 127, signal: null, timedOut: false });
      return;
    }
    pid = child.pid;
    timer = setTimeout(() => {
      timedOut = true;
      killGroup(pid, 'SIGTERM');
      kill2 = setTimeout(() => killGroup(pid, 'SIGKILL'), opts.killGraceMs ?? 2000);
    }, Math.max(1, opts.timeoutMs));
    child.on('error', () => {
      if (timer) clearTimeout(timer);
      resolve({ code: 127, signal: null, timedOut: false });
    });
    child.on('exit', (code, signal) => {
      if (timer) clearTimeout(timer);
      if (kill2) clearTimeout(kill2);
      resolve({ code, signal, timedOut });
    });
  });
  return { done, kill: () => killGroup(pid, 'SIGKILL') };
}
