/**
 * Run our daemon (this build's dist-…/src/main.js) or real keepalived 2.2.7 inside a test
 * namespace (test/helpers/netns.ts), with a private temp dir for the configuration and pid
 * files, collect the log (-l -D on stdout), wait for log lines, read the VRRP state from
 * the log, and stop or crash the processes by pid. Nothing is killed by name.
 *
 *   const d = VrrpDaemon.start('ours', ns, conf);      // or 'keepalived'
 *   await d.waitFor(/Entering MASTER STATE/);
 *   d.crash();                                         // SIGKILL vrrp child, then parent
 *   await d.stop();                                    // SIGTERM and wait (idempotent)
 */
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Netns } from './netns';

export const KEEPALIVED = '/usr/sbin/keepalived';
/** dist-…/test/helpers → dist-…/src/main.js */
export const OUR_MAIN = path.join(__dirname, '..', '..', 'src', 'main.js');

export type Impl = 'ours' | 'keepalived';

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    const st = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return !/^\d+ \(.*\) Z/.test(st);
  } catch {
    return false;
  }
}

/**
 * Temp dirs of daemons not stopped through stop() (a test that only SIGKILLs one, or fails
 * before its cleanup): removed when the test process exits.
 */
const tempDirs = new Set<string>();
process.on('exit', () => {
  for (const d of tempDirs) fs.rmSync(d, { recursive: true, force: true });
});

export class VrrpDaemon {
  out = '';
  exit: { code: number | null; signal: NodeJS.Signals | null } | undefined;
  readonly exited: Promise<void>;
  readonly dir: string;
  private constructor(
    readonly impl: Impl,
    readonly ns: Netns,
    readonly proc: ChildProcess,
    dir: string,
  ) {
    this.dir = dir;
    proc.stdout?.on('data', (b: Buffer) => (this.out += b.toString()));
    proc.stderr?.on('data', (b: Buffer) => (this.out += b.toString()));
    this.exited = new Promise((resolve) => {
      proc.on('exit', (code, signal) => {
        this.exit = { code, signal };
        resolve();
      });
    });
  }

  /** Write `conf` to a temp dir and start the daemon in the foreground inside `ns`. */
  static start(impl: Impl, ns: Netns, conf: string, extraArgs: string[] = []): VrrpDaemon {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), `kats-${impl}-`));
    tempDirs.add(dir);
    const file = path.join(dir, 'keepalived.conf');
    fs.writeFileSync(file, conf);
    const args = ['-n', '-l', '-D', '-f', file, '-p', path.join(dir, 'parent.pid'), '-r', path.join(dir, 'vrrp.pid'), '-c', path.join(dir, 'checker.pid'), ...extraArgs];
    const argv = impl === 'ours' ? [process.execPath, OUR_MAIN, ...args] : [KEEPALIVED, ...args];
    const p = spawn('ip', ['netns', 'exec', ns.name, ...argv], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, TMPDIR: dir, NOTIFY_SOCKET: '' } });
    return new VrrpDaemon(impl, ns, p, dir);
  }

  get conf(): string {
    return path.join(this.dir, 'keepalived.conf');
  }

  readPid(name: 'parent' | 'vrrp'): number | undefined {
    try {
      const n = Number(fs.readFileSync(path.join(this.dir, `${name}.pid`), 'utf8').trim());
      return n > 0 ? n : undefined;
    } catch {
      return undefined;
    }
  }

  /** Wait until the log (from character `from`) matches; returns the match and the time it was seen. */
  async waitFor(re: RegExp, timeoutMs = 10000, from = 0): Promise<{ m: RegExpMatchArray; at: number }> {
    const end = Date.now() + timeoutMs;
    for (;;) {
      const m = this.out.slice(from).match(re);
      if (m) return { m, at: Date.now() };
      if (Date.now() > end) throw new Error(`${this.impl} in ${this.ns.name}: timed out waiting for ${re}; log:\n${this.out}`);
      if (this.exit) throw new Error(`${this.impl} exited (${JSON.stringify(this.exit)}) before ${re}; log:\n${this.out}`);
      await sleep(5);
    }
  }

  /** Last VRRP state the log shows for `instance` (undefined before the first). */
  state(instance = 'VI_1'): string | undefined {
    const re = new RegExp(`\\(${instance}\\):? [Ee]ntering (MASTER|BACKUP|FAULT) (STATE|state)`, 'g');
    let last: string | undefined;
    for (const m of this.out.matchAll(re)) last = m[1];
    return last;
  }

  /** Simulated crash: SIGKILL the VRRP process, then the parent (so neither sends priority 0). */
  crash(): void {
    for (const name of ['vrrp', 'parent'] as const) {
      const pid = this.readPid(name);
      if (pid && alive(pid)) {
        try {
          process.kill(pid, 'SIGKILL');
        } catch {
          /* gone */
        }
      }
    }
    if (!this.exit && this.proc.pid) {
      try {
        process.kill(this.proc.pid, 'SIGKILL');
      } catch {
        /* gone */
      }
    }
  }

  signal(sig: NodeJS.Signals): void {
    const pid = this.readPid('parent') ?? this.proc.pid;
    if (pid) process.kill(pid, sig);
  }

  /** Graceful stop (SIGTERM), then SIGKILL whatever is left after `graceMs`. Removes the temp dir. */
  async stop(graceMs = 5000): Promise<void> {
    const pids = [this.readPid('vrrp'), this.readPid('parent'), this.proc.pid].filter((p): p is number => !!p);
    if (!this.exit) {
      try {
        this.signal('SIGTERM');
      } catch {
        /* gone */
      }
      await Promise.race([this.exited, sleep(graceMs)]);
    }
    for (const p of pids) {
      if (alive(p)) {
        try {
          process.kill(p, 'SIGKILL');
        } catch {
          /* gone */
        }
      }
    }
    if (!this.exit) await Promise.race([this.exited, sleep(1000)]);
    fs.rmSync(this.dir, { recursive: true, force: true });
    tempDirs.delete(this.dir);
  }
}

/** Addresses on `ifname` inside `ns` (`ip -j addr`). */
export async function addresses(ns: Netns, ifname = 'eth0'): Promise<string[]> {
  const r = await ns.exec(['ip', '-j', 'addr', 'show', 'dev', ifname]);
  const j = JSON.parse(r.stdout) as { addr_info: { local: string; prefixlen: number }[] }[];
  return (j[0]?.addr_info ?? []).map((a) => `${a.local}/${a.prefixlen}`);
}

/** MAC address of `ifname` inside `ns`. */
export async function macOf(ns: Netns, ifname = 'eth0'): Promise<string> {
  const r = await ns.exec(['ip', '-j', 'link', 'show', 'dev', ifname]);
  return (JSON.parse(r.stdout) as { address: string }[])[0]!.address;
}

/** The neighbour (ARP/ND) entry's MAC for `ip` in `ns`, or undefined. */
export async function neighMac(ns: Netns, ip: string): Promise<string | undefined> {
  const r = await ns.exec(['ip', '-j', 'neigh', 'show', ip]);
  const j = JSON.parse(r.stdout || '[]') as { lladdr?: string }[];
  return j[0]?.lladdr;
}
