/**
 * Network namespaces for tests: `kats-<tag>-<pid>-<n>` names, veth pairs on a bridge,
 * always removed (on dispose, and on process exit as a last resort).
 *
 *   const lab = await Lab.create('vrrp');         // a bridge namespace 'kats-vrrp-…-br'
 *   const a = await lab.host('a', '10.99.0.1/24'); // a namespace with eth0 on the bridge
 *   await a.exec(['ip', 'addr']);
 *   await lab.dispose();
 *
 * Addresses used by tests are only inside these namespaces.
 */
import { execFile, spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { promisify } from 'node:util';

const pexec = promisify(execFile);
export const NS_PREFIX = 'kats';

export function isRoot(): boolean {
  return typeof process.getuid === 'function' && process.getuid() === 0;
}

let counter = 0;
const live = new Set<string>();
process.on('exit', () => {
  for (const ns of live) {
    try {
      require('node:child_process').execFileSync('ip', ['netns', 'del', ns], { stdio: 'ignore' });
    } catch {
      /* already gone */
    }
  }
});

export async function run(argv: string[], opts: { ignoreError?: boolean } = {}): Promise<{ stdout: string; stderr: string; code: number }> {
  try {
    const r = await pexec(argv[0]!, argv.slice(1), { maxBuffer: 64 << 20 });
    return { stdout: r.stdout, stderr: r.stderr, code: 0 };
  } catch (e) {
    const err = e as { stdout?: string; stderr?: string; code?: number };
    if (!opts.ignoreError) throw new Error(`${argv.join(' ')} failed: ${err.stderr ?? String(e)}`);
    return { stdout: err.stdout ?? '', stderr: err.stderr ?? '', code: typeof err.code === 'number' ? err.code : 1 };
  }
}

export class Netns {
  constructor(readonly name: string) {}
  /** Run a command inside the namespace and wait for it. */
  exec(argv: string[], opts: { ignoreError?: boolean } = {}) {
    return run(['ip', 'netns', 'exec', this.name, ...argv], opts);
  }
  /** Start a long-running process inside the namespace. */
  spawn(argv: string[], opts: SpawnOptions = {}): ChildProcess {
    return spawn('ip', ['netns', 'exec', this.name, ...argv], { stdio: ['ignore', 'pipe', 'pipe'], ...opts });
  }
}

/** Create an empty namespace with lo up. */
export async function createNetns(tag: string): Promise<Netns> {
  const name = `${NS_PREFIX}-${tag}-${process.pid}-${counter++}`;
  await run(['ip', 'netns', 'add', name]);
  live.add(name);
  await run(['ip', '-n', name, 'link', 'set', 'lo', 'up']);
  return new Netns(name);
}

export async function deleteNetns(ns: Netns): Promise<void> {
  await run(['ip', 'netns', 'del', ns.name], { ignoreError: true });
  live.delete(ns.name);
}

/** A bridge in its own namespace, with hosts attached by veth pairs. */
export class Lab {
  private hosts: Netns[] = [];
  private n = 0;
  private constructor(readonly tag: string, readonly bridgeNs: Netns) {}

  static async create(tag: string): Promise<Lab> {
    const br = await createNetns(`${tag}-br`);
    await br.exec(['ip', 'link', 'add', 'br0', 'type', 'bridge', 'mcast_snooping', '0']);
    await br.exec(['ip', 'link', 'set', 'br0', 'up']);
    return new Lab(tag, br);
  }

  /** A host namespace whose `ifname` (default eth0) is on the bridge, with optional addresses. */
  async host(name: string, addrs: string[] = [], ifname = 'eth0'): Promise<Netns> {
    const ns = await createNetns(`${this.tag}-${name}`);
    const idx = this.n++;
    const peer = `v${idx}${name}`.slice(0, 15);
    await run(['ip', 'link', 'add', ifname, 'netns', ns.name, 'type', 'veth', 'peer', 'name', peer, 'netns', this.bridgeNs.name]);
    await this.bridgeNs.exec(['ip', 'link', 'set', peer, 'master', 'br0', 'up']);
    for (const a of addrs) await ns.exec(['ip', 'addr', 'add', a, 'dev', ifname]);
    await ns.exec(['ip', 'link', 'set', ifname, 'up']);
    this.hosts.push(ns);
    return ns;
  }

  async dispose(): Promise<void> {
    for (const h of this.hosts) await deleteNetns(h);
    await deleteNetns(this.bridgeNs);
    this.hosts = [];
  }
}
