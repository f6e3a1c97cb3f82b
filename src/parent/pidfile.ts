/**
 * Pid files as keepalived 2.2.7 names and handles them (core/pidfile.c, core/main.c).
 *
 * Defaults: /run/keepalived.pid, /run/vrrp.pid, /run/checkers.pid, /run/bfd.pid. With
 * use_pid_dir, net_namespace or instance they move under /run/keepalived/, and with an instance
 * name become keepalived_<instance>.pid, vrrp_<instance>.pid, checkers_<instance>.pid.
 * Options -p/-r/-c/-b override each.
 *
 * "Running" means: the file holds a pid, and a process with that pid exists (kill(pid, 0)).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

export const RUN_DIR = '/run';
export const PID_DIR = '/run/keepalived';

export interface PidPaths {
  parent: string;
  vrrp: string;
  checker: string;
  bfd: string;
}

export interface PidOptions {
  pidFile?: string;
  vrrpPidFile?: string;
  checkersPidFile?: string;
  bfdPidFile?: string;
}

export function pidPaths(opts: PidOptions, view: { usePidDir?: boolean; instance?: string; netns?: string }, runDir = RUN_DIR): PidPaths {
  const inDir = Boolean(view.usePidDir || view.instance || view.netns);
  const dir = inDir ? path.join(runDir, 'keepalived') : runDir;
  const name = (base: string): string => path.join(dir, view.instance ? `${base}_${view.instance}.pid` : `${base}.pid`);
  return {
    parent: opts.pidFile ?? name('keepalived'),
    vrrp: opts.vrrpPidFile ?? name('vrrp'),
    checker: opts.checkersPidFile ?? name('checkers'),
    bfd: opts.bfdPidFile ?? name('bfd'),
  };
}

/** Pid stored in a pid file, or undefined. */
export function readPid(file: string): number | undefined {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
  const m = /^\s*(\d+)\s*$/.exec(text);
  if (!m) return undefined;
  const pid = Number(m[1]);
  return pid > 0 && Number.isSafeInteger(pid) ? pid : undefined;
}

export function processExists(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (e) {
    if ((e as { code?: string }).code !== 'EPERM') return false;
  }
  // a zombie (dead, not yet reaped: e.g. a worker orphaned under an init that does not reap) is not running
  try {
    return !/^\d+ \(.*\) [ZX]/s.test(fs.readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch (e) {
    // reaped between kill(0) and this read: gone; any other error (no /proc): trust kill(0)
    return (e as { code?: string }).code !== 'ENOENT';
  }
}

/** "comm, state S, cmdline …" of a process, for -D diagnostics ('gone' when it is not there any more). */
export function describeProcess(pid: number): string {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const m = /^\d+ \((.*)\) (\S)/s.exec(stat);
    const cmd = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean).join(' ');
    return `${m?.[1] ?? '?'}, state ${m?.[2] ?? '?'}, cmdline ${cmd || '(none)'}`;
  } catch {
    return 'gone';
  }
}

/** The pid of a live process named in `file`, or undefined (stale or missing file). */
export function runningPid(file: string): number | undefined {
  const pid = readPid(file);
  if (pid === undefined || pid === process.pid) return undefined;
  return processExists(pid) ? pid : undefined;
}

/**
 * Write "<pid>\n", creating the pid directory when needed. Returns an error text or undefined.
 * Mode 0644 whatever the umask (keepalived 2.2.7's pid files are 0644 under its umask 0177).
 */
export function writePidFile(file: string, pid: number): string | undefined {
  try {
    const made = fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o755 });
    if (made !== undefined) fs.chmodSync(path.dirname(file), 0o755);
    const tmp = `${file}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, `${pid}\n`, { mode: 0o644 });
    fs.chmodSync(tmp, 0o644);
    fs.renameSync(tmp, file);
    return undefined;
  } catch (e) {
    return (e as Error).message;
  }
}

/** Remove a pid file if it still names `pid` (never someone else's). */
export function removePidFile(file: string, pid?: number): void {
  if (pid !== undefined && readPid(file) !== pid) return;
  try {
    fs.unlinkSync(file);
  } catch {
    /* already gone */
  }
}
