/**
 * Shared runner for the daemon integration tests: a namespace with eth0 (a veth pair, so the
 * configuration's interface exists), a temp dir with keepalived.conf and pid files, and the
 * compiled daemon of this build (dist-…/src/main.js) started inside the namespace.
 * Everything started is killed by pid; everything created is removed.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createNetns, deleteNetns, type Netns } from '../../helpers/netns';

/** dist-…/ root of this build: test/integration/daemon → ../../.. */
export const BUILD_ROOT = path.join(__dirname, '..', '..', '..');
export const MAIN_JS = path.join(BUILD_ROOT, 'src', 'main.js');

export const BASE_CONF = `global_defs {
  router_id kats
}
vrrp_instance VI_1 {
  state BACKUP
  interface eth0
  virtual_router_id 51
  priority 100
  advert_int 1
  virtual_ipaddress {
    10.200.0.1/32
  }
}
virtual_server 10.200.0.1 80 {
  delay_loop 6
  lb_algo rr
  lb_kind DR
  protocol TCP
  real_server 10.200.0.2 80 {
    TCP_CHECK {
      connect_timeout 3
    }
  }
}
`;

export class Env {
  private constructor(readonly ns: Netns, readonly dir: string) {}
  static async create(tag: string): Promise<Env> {
    const ns = await createNetns(`dmn-${tag}`);
    await ns.exec(['ip', 'link', 'add', 'eth0', 'type', 'veth', 'peer', 'name', 'eth1']);
    await ns.exec(['ip', 'link', 'set', 'eth0', 'up']);
    await ns.exec(['ip', 'link', 'set', 'eth1', 'up']);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), `kats-daemon-${tag}-`));
    fs.writeFileSync(path.join(dir, 'keepalived.conf'), BASE_CONF);
    return new Env(ns, dir);
  }
  get conf(): string {
    return path.join(this.dir, 'keepalived.conf');
  }
  pid(name: 'parent' | 'vrrp' | 'checker'): string {
    return path.join(this.dir, `${name}.pid`);
  }
  /** -f and the three pid files, all in the temp dir; --dry-run: no dependency on IPVS in the kernel. */
  baseArgs(): string[] {
    return ['--dry-run', '-f', this.conf, '-p', this.pid('parent'), '-r', this.pid('vrrp'), '-c', this.pid('checker')];
  }
  readPid(name: 'parent' | 'vrrp' | 'checker'): number | undefined {
    try {
      const n = Number(fs.readFileSync(this.pid(name), 'utf8').trim());
      return n > 0 ? n : undefined;
    } catch {
      return undefined;
    }
  }
  async dispose(): Promise<void> {
    await deleteNetns(this.ns);
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}

export function comm(pid: number): string | undefined {
  try {
    return fs.readFileSync(`/proc/${pid}/comm`, 'utf8').trim();
  } catch {
    return undefined;
  }
}

export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    // a zombie still answers kill(0): look at its state
    const st = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return !/^\d+ \(.*\) Z/.test(st);
  } catch {
    return false;
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

export async function until(cond: () => boolean, what: string, timeoutMs = 10000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
}

/** One daemon process (started with -n or as the forking launcher). */
export class Daemon {
  out = '';
  exit: { code: number | null; signal: NodeJS.Signals | null } | undefined;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  readonly started: number[] = [];
  private constructor(readonly proc: ChildProcess) {
    proc.stdout?.on('data', (b: Buffer) => (this.out += b.toString()));
    proc.stderr?.on('data', (b: Buffer) => (this.out += b.toString()));
    this.exited = new Promise((resolve) => {
      proc.on('exit', (code, signal) => {
        this.exit = { code, signal };
        resolve(this.exit);
      });
    });
  }

  static start(env: Env, args: string[], extraEnv: Record<string, string> = {}): Daemon {
    const p = spawn('ip', ['netns', 'exec', env.ns.name, process.execPath, MAIN_JS, ...args], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, TMPDIR: env.dir, NOTIFY_SOCKET: '', ...extraEnv },
    });
    return new Daemon(p);
  }

  get pid(): number {
    return this.proc.pid ?? 0;
  }

  /** Wait until the output matches (counting from `from` characters). */
  async waitFor(re: RegExp, timeoutMs = 10000, from = 0): Promise<RegExpMatchArray> {
    const end = Date.now() + timeoutMs;
    for (;;) {
      const m = this.out.slice(from).match(re);
      if (m) return m;
      if (Date.now() > end) throw new Error(`timed out waiting for ${re} in daemon output:\n${this.out}`);
      if (this.exit && !this.out.slice(from).match(re)) {
        await sleep(50);
        const m2 = this.out.slice(from).match(re);
        if (m2) return m2;
        throw new Error(`daemon exited (${JSON.stringify(this.exit)}) before ${re}:\n${this.out}`);
      }
      await sleep(30);
    }
  }

  signal(sig: NodeJS.Signals | number): void {
    process.kill(this.pid, sig);
  }

  /** Kill the daemon and any worker pids given, by pid (cleanup). */
  async kill(extra: Array<number | undefined> = []): Promise<void> {
    if (!this.exit) {
      try {
        process.kill(this.pid, 'SIGKILL');
      } catch {
        /* gone */
      }
      await this.exited;
    }
    for (const p of extra) {
      if (p && alive(p)) {
        try {
          process.kill(p, 'SIGKILL');
        } catch {
          /* gone */
        }
      }
    }
  }
}

export function isRootUser(): boolean {
  return typeof process.getuid === 'function' && process.getuid() === 0;
}

/** Does this build have the native addon functions a test needs? */
export function addonHas(...fns: string[]): string | undefined {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { native } = require(path.join(BUILD_ROOT, 'src', 'sys', 'native')) as { native: () => Record<string, unknown> };
    const a = native();
    const missing = fns.filter((f) => typeof a[f] !== 'function');
    return missing.length ? `native addon lacks ${missing.join(', ')} (not built yet)` : undefined;
  } catch (e) {
    return `native addon not available: ${(e as Error).message}`;
  }
}
