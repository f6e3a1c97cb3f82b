/**
 * Shared helpers of the benchmarks in bench/ (not tests): a lab of namespaces on a bridge
 * (test/helpers/netns.ts), a tcpdump capture of VRRP adverts with kernel timestamps,
 * CPU/RSS of a process tree from /proc, percentiles, a tiny flag parser, and cleanup on
 * SIGINT/SIGTERM (daemons stopped by pid, namespaces removed). Traffic stays inside the
 * namespaces the benchmark creates.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Lab, type Netns } from '../test/helpers/netns';
import { VrrpDaemon } from '../test/helpers/daemon';

export { Lab, type Netns, VrrpDaemon };

/** The repository root: the first ancestor of this file's dir that holds package.json. */
export function repoRoot(): string {
  let d = __dirname;
  while (!fs.existsSync(path.join(d, 'package.json'))) {
    const up = path.dirname(d);
    if (up === d) throw new Error('package.json not found above ' + __dirname);
    d = up;
  }
  return d;
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** `--name value` / `--flag` parser: returns a getter with defaults. */
export function flags(argv = process.argv.slice(2)): { num(name: string, def: number): number; bool(name: string): boolean; str(name: string, def: string): string } {
  const get = (name: string): string | undefined => {
    const i = argv.indexOf(`--${name}`);
    if (i < 0) return undefined;
    const v = argv[i + 1];
    return v === undefined || v.startsWith('--') ? '' : v;
  };
  return {
    num: (n, d) => {
      const v = get(n);
      const x = v === undefined || v === '' ? NaN : Number(v);
      return Number.isFinite(x) ? x : d;
    },
    bool: (n) => argv.includes(`--${n}`),
    str: (n, d) => get(n) || d,
  };
}

// ---- cleanup ---------------------------------------------------------------------------

const cleanups: (() => Promise<void> | void)[] = [];
export function onCleanup(f: () => Promise<void> | void): void {
  cleanups.push(f);
}
export async function cleanupAll(): Promise<void> {
  while (cleanups.length) {
    const f = cleanups.pop()!;
    try {
      await f();
    } catch {
      /* best effort */
    }
  }
}
for (const sig of ['SIGINT', 'SIGTERM'] as const) {
  process.on(sig, () => {
    void cleanupAll().finally(() => process.exit(130));
  });
}

/** A lab with `names.length` hosts, eth0 10.99.0.<i>/24 (no DAD). Registered for cleanup. */
export async function lab(tag: string, names: string[]): Promise<{ lab: Lab; hosts: Netns[] }> {
  const l = await Lab.create(tag);
  onCleanup(() => l.dispose());
  const hosts: Netns[] = [];
  let i = 1;
  for (const n of names) {
    const ns = await l.host(n);
    await ns.exec(['ip', 'link', 'set', 'eth0', 'down']);
    await ns.exec(['sysctl', '-qw', 'net.ipv6.conf.eth0.accept_dad=0']);
    await ns.exec(['ip', 'addr', 'add', `10.99.0.${i++}/24`, 'dev', 'eth0']);
    await ns.exec(['ip', 'link', 'set', 'eth0', 'up']);
    hosts.push(ns);
  }
  return { lab: l, hosts };
}

/** Start a daemon and register its stop for cleanup. */
export function startDaemon(impl: 'ours' | 'keepalived', ns: Netns, conf: string, extra: string[] = []): VrrpDaemon {
  const d = VrrpDaemon.start(impl, ns, conf, extra);
  onCleanup(() => d.stop(2000));
  return d;
}

// ---- tcpdump capture of VRRP adverts ---------------------------------------------------

export interface Advert {
  /** Kernel capture time, epoch seconds (CLOCK_REALTIME, same clock as Date.now()). */
  t: number;
  src: string;
  vrid: number;
  prio: number;
}

/** `tcpdump -tt -n -l` on `ifname` in `ns`, VRRP (IP protocol 112) only, parsed as it arrives. */
export class Capture {
  readonly adverts: Advert[] = [];
  private buf = '';
  private proc: ChildProcess;
  private listening: Promise<void>;
  constructor(ns: Netns, ifname = 'eth0') {
    this.proc = ns.spawn(['tcpdump', '-i', ifname, '-tt', '-n', '-l', '-B', '16384', 'ip proto 112'], { stdio: ['ignore', 'pipe', 'pipe'] });
    this.listening = new Promise((resolve) => {
      this.proc.stderr?.on('data', (b: Buffer) => {
        if (/listening on/.test(b.toString())) resolve();
      });
      setTimeout(resolve, 3000);
    });
    this.proc.stdout?.on('data', (b: Buffer) => {
      this.buf += b.toString();
      let nl: number;
      while ((nl = this.buf.indexOf('\n')) >= 0) {
        const line = this.buf.slice(0, nl);
        this.buf = this.buf.slice(nl + 1);
        // 1700000000.123456 IP 10.99.0.2 > 224.0.0.18: VRRPv3, Advertisement, vrid 51, prio 100, intvl 5cs, length 12
        const m = /^(\d+\.\d+) IP (\S+) > \S+: VRRPv\d, Advertisement, vrid (\d+), prio (\d+)/.exec(line);
        if (m) this.adverts.push({ t: Number(m[1]), src: m[2]!, vrid: Number(m[3]), prio: Number(m[4]) });
      }
    });
    onCleanup(() => this.stop());
  }
  ready(): Promise<void> {
    return this.listening;
  }
  /** First advert after `afterS` (epoch s) matching `pred`, waiting up to `timeoutMs`. */
  async first(afterS: number, pred: (a: Advert) => boolean, timeoutMs: number): Promise<Advert | undefined> {
    const end = Date.now() + timeoutMs;
    let i = 0;
    for (;;) {
      for (; i < this.adverts.length; i++) {
        const a = this.adverts[i]!;
        if (a.t > afterS && pred(a)) return a;
      }
      if (Date.now() > end) return undefined;
      await sleep(5);
    }
  }
  stop(): void {
    if (this.proc.exitCode === null && this.proc.pid) {
      try {
        this.proc.kill('SIGTERM');
      } catch {
        /* gone */
      }
    }
  }
}

/** Per-VRID inter-arrival minus `intervalS` (seconds) of adverts in [fromS, toS]. */
export function jitter(adverts: Advert[], intervalS: number, fromS: number, toS: number, src?: string): number[] {
  const last = new Map<number, number>();
  const out: number[] = [];
  for (const a of adverts) {
    if (a.t < fromS || a.t > toS || (src && a.src !== src)) continue;
    const p = last.get(a.vrid);
    if (p !== undefined) out.push(a.t - p - intervalS);
    last.set(a.vrid, a.t);
  }
  return out;
}

// ---- /proc --------------------------------------------------------------------------------

const CLK_TCK = 100;

/** `pid` and all its descendants (scanning /proc/<n>/stat for the parent pid). */
export function processTree(pid: number): number[] {
  const children = new Map<number, number[]>();
  for (const e of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(e)) continue;
    try {
      const st = fs.readFileSync(`/proc/${e}/stat`, 'utf8');
      const rest = st.slice(st.lastIndexOf(')') + 2).split(' ');
      const ppid = Number(rest[1]);
      const l = children.get(ppid) ?? [];
      l.push(Number(e));
      children.set(ppid, l);
    } catch {
      /* exited */
    }
  }
  const out: number[] = [];
  const todo = [pid];
  while (todo.length) {
    const p = todo.pop()!;
    out.push(p);
    todo.push(...(children.get(p) ?? []));
  }
  return out;
}

export interface ProcStat {
  pid: number;
  comm: string;
  cpuS: number;
  rssKb: number;
  /** RssAnon: the process's private (anonymous) resident memory, without mapped files such as
   * the executable and shared libraries, which VmRSS counts again in every process. */
  anonKb: number;
}

export function procStat(pid: number): ProcStat | undefined {
  try {
    const st = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const comm = st.slice(st.indexOf('(') + 1, st.lastIndexOf(')'));
    const rest = st.slice(st.lastIndexOf(')') + 2).split(' ');
    // rest[0] is field 3 (state): utime is field 14, stime 15
    const cpuS = (Number(rest[11]) + Number(rest[12])) / CLK_TCK;
    const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
    const m = /VmRSS:\s+(\d+) kB/.exec(status);
    const a = /RssAnon:\s+(\d+) kB/.exec(status);
    return { pid, comm, cpuS, rssKb: m ? Number(m[1]) : 0, anonKb: a ? Number(a[1]) : 0 };
  } catch {
    return undefined;
  }
}

/** The daemon's processes (the `ip netns exec` child execs into the daemon: its pid is the parent's). */
export function daemonPids(d: VrrpDaemon): number[] {
  const root = d.readPid('parent') ?? d.proc.pid;
  return root ? processTree(root) : [];
}

/** Sum of CPU seconds and RSS over pids (processes that vanished count 0). */
export function sumStats(pids: number[]): { cpuS: number; rssKb: number; anonKb: number; per: ProcStat[] } {
  const per = pids.map(procStat).filter((s): s is ProcStat => !!s);
  const sum = (f: (s: ProcStat) => number): number => per.reduce((a, s) => a + f(s), 0);
  return { cpuS: sum((s) => s.cpuS), rssKb: sum((s) => s.rssKb), anonKb: sum((s) => s.anonKb), per };
}

// ---- statistics / output ----------------------------------------------------------------

export function quantile(xs: number[], q: number): number {
  if (!xs.length) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  const i = Math.min(s.length - 1, Math.max(0, Math.ceil(q * s.length) - 1));
  return s[i]!;
}

export function fmt(x: number, digits = 3): string {
  return Number.isFinite(x) ? x.toFixed(digits) : 'n/a';
}

/** A plain-text table with right-aligned columns. */
export function table(head: string[], rows: string[][]): string {
  const w = head.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (r: string[]) => r.map((c, i) => (i === 0 ? c.padEnd(w[i]!) : c.padStart(w[i]!))).join('  ');
  return [line(head), w.map((n) => '-'.repeat(n)).join('  '), ...rows.map(line)].join('\n');
}

export function machine(): string {
  const os = require('node:os') as typeof import('node:os');
  return `${new Date().toISOString()} ${os.hostname()} ${os.cpus().length} cores ${os.cpus()[0]?.model ?? ''}, kernel ${os.release()}, node ${process.version}, loadavg ${os
    .loadavg()
    .map((x) => x.toFixed(2))
    .join(' ')}`;
}

// ---- virtual servers with checkers against bench/listeners.ts ------------------------------

export interface VsLoad {
  /** TCP_CHECK real servers (100 per virtual server), on ports 20000-20009 of 127.1.<vs>.<n>. */
  tcp: number;
  /** HTTP_GET real servers (100 per virtual server), on ports 21000-21009 of 127.2.<vs>.<n>. */
  http: number;
  delayLoop: number;
  retry: number;
}

export const PER_VS = 100;

/** virtual_server blocks whose real servers are the local listeners (`listenerArgs`). */
export function vsConfig(l: VsLoad): string {
  const out: string[] = [];
  const block = (kind: 'tcp' | 'http', count: number) => {
    for (let v = 0; v * PER_VS < count; v++) {
      out.push(`virtual_server 10.${kind === 'tcp' ? 50 : 51}.${v}.1 80 {`, `  delay_loop ${l.delayLoop}`, '  lb_algo rr', '  lb_kind NAT', '  protocol TCP');
      for (let r = 0; r < PER_VS && v * PER_VS + r < count; r++) {
        const ip = `127.${kind === 'tcp' ? 1 : 2}.${v}.${r + 1}`;
        const port = (kind === 'tcp' ? 20000 : 21000) + (r % 10);
        out.push(`  real_server ${ip} ${port} {`, '    weight 1');
        if (kind === 'tcp') out.push('    TCP_CHECK {', '      connect_timeout 3', `      retry ${l.retry}`, '    }');
        else out.push('    HTTP_GET {', '      url {', '        path /', '        status_code 200', '      }', '      connect_timeout 3', `      retry ${l.retry}`, '    }');
        out.push('  }');
      }
      out.push('}');
    }
  };
  block('tcp', l.tcp);
  block('http', l.http);
  return out.join('\n') + '\n';
}

/** Argument list of bench/listeners.js for vsConfig()'s real servers. */
export const listenerArgs = ['tcp:20000-20009', 'http:21000-21009'];

/** bench/listeners.js started inside `ns`; resolves when it listens. */
export async function startListeners(ns: Netns): Promise<{ proc: ChildProcess; send(cmd: string): Promise<string> }> {
  const proc = ns.spawn([process.execPath, path.join(__dirname, 'listeners.js'), ...listenerArgs], { stdio: ['pipe', 'pipe', 'inherit'] });
  onCleanup(() => {
    if (proc.exitCode === null) proc.kill('SIGKILL');
  });
  let buf = '';
  const waiters: ((l: string) => void)[] = [];
  proc.stdout?.on('data', (b: Buffer) => {
    buf += b.toString();
    let nl: number;
    while ((nl = buf.indexOf('\n')) >= 0) {
      const line = buf.slice(0, nl);
      buf = buf.slice(nl + 1);
      waiters.shift()?.(line);
    }
  });
  let dead = false;
  proc.on('exit', () => {
    dead = true;
    for (const w of waiters.splice(0)) w('exited');
  });
  // a listener that died answers 'exited' (callers then fail and clean up instead of hanging)
  const next = () => new Promise<string>((r) => (dead ? r('exited') : waiters.push(r)));
  const ready = await Promise.race([next(), sleep(15000).then(() => 'timeout')]);
  if (ready !== 'ready') throw new Error(`listeners did not start: ${ready}`);
  return {
    proc,
    send: (cmd) => {
      const p = next();
      proc.stdin?.write(cmd + '\n');
      return p;
    },
  };
}

/** Times (epoch ms) at which each line matching `re` arrived on the daemon's stdout/stderr. */
export function lineTimes(d: VrrpDaemon, re: RegExp): { at: number; m: RegExpExecArray }[] {
  const out: { at: number; m: RegExpExecArray }[] = [];
  const tap = () => {
    let buf = '';
    return (b: Buffer) => {
      const now = Date.now();
      buf += b.toString();
      let nl: number;
      while ((nl = buf.indexOf('\n')) >= 0) {
        const line = buf.slice(0, nl);
        buf = buf.slice(nl + 1);
        const m = re.exec(line);
        if (m) out.push({ at: now, m });
      }
    };
  };
  d.proc.stdout?.on('data', tap());
  d.proc.stderr?.on('data', tap());
  return out;
}

/** Run a benchmark's main(): the namespaces and daemons it made are removed whether it succeeds or throws (exit 1). */
export function runMain(main: () => Promise<void>): void {
  main().then(
    () => cleanupAll(),
    async (e) => {
      console.error(e);
      await cleanupAll();
      process.exit(1);
    },
  );
}
