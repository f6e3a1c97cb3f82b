/**
 * Small /proc and file readers for the VRRP worker's ports: /proc/sys get/set (sysctls),
 * the process list (vrrp_track_process), and reading a whole text file (track_file).
 * Failures are answered with undefined/false, never thrown.
 */
import * as fs from 'node:fs';

export function sysctlGet(path: string): string | undefined {
  try {
    return fs.readFileSync(`/proc/sys/${path}`, 'utf8').trim();
  } catch {
    return undefined;
  }
}

export function sysctlSet(path: string, value: string): boolean {
  try {
    fs.writeFileSync(`/proc/sys/${path}`, value);
    return true;
  } catch {
    return false;
  }
}

export interface ProcEntry {
  pid: number;
  comm: string;
  argv: string[];
}

/** Every process visible in /proc: comm and argv (cmdline split at NULs). */
export function listProcesses(): ProcEntry[] {
  const out: ProcEntry[] = [];
  let dirs: string[] = [];
  try {
    dirs = fs.readdirSync('/proc');
  } catch {
    return out;
  }
  for (const d of dirs) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const comm = fs.readFileSync(`/proc/${d}/comm`, 'utf8').replace(/\n$/, '');
      const argv = fs.readFileSync(`/proc/${d}/cmdline`, 'utf8').split('\0');
      if (argv.length && argv[argv.length - 1] === '') argv.pop();
      out.push({ pid: Number(d), comm, argv });
    } catch {
      /* exited meanwhile */
    }
  }
  return out;
}

export function readTextFile(path: string): string | undefined {
  try {
    return fs.readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}
