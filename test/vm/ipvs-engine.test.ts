/**
 * The checker engine against keepalived 2.2.7 on a real IPVS kernel (run inside the IPVS VM by
 * test/vm/run-ipvs-tests.sh; skipped elsewhere: no root, or no IPVS).
 *
 * For each configuration in test/vm/fixtures/ipvs-engine/: real servers are TCP listeners on
 * a dummy interface of the VM. keepalived -C runs on the configuration and we record the table
 * (`ipvsadm -Ln`, `--thresholds`, `--tun-info`) once stable, again after one real server's
 * listener is closed, and after SIGTERM (cleared). Then our engine (createEngine with the real
 * IpvsClient) runs on the same configuration through the same steps and every table must be
 * identical, as must the real-server/quorum/sorry-server log lines.
 */
import assert from 'node:assert/strict';
import { execFile, execFileSync, spawn } from 'node:child_process';
import { promisify } from 'node:util';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, test } from 'node:test';
import { IpvsClient } from '../../src/sys/ipvs';
import { openIpvsOrWhy } from './ipvs-open';
import { checkerSlice, loadConfig } from '../../src/config/index';
import { createEngine } from '../../src/check/engine';
import { Logger } from '../../src/log/index';
import type { WorkerSettings } from '../../src/ipc/messages';

function repoRoot(): string {
  let d = __dirname;
  while (!fs.existsSync(path.join(d, 'package.json'))) {
    const up = path.dirname(d);
    if (up === d) throw new Error('no package.json above ' + __dirname);
    d = up;
  }
  return d;
}
const FIX = path.join(repoRoot(), 'test/vm/fixtures/ipvs-engine');
const DUMMY = 'kats-rs0';
const RS_ADDRS = ['10.200.1.1', '10.200.1.2', '10.200.1.3', '10.200.1.5', '10.200.1.9'];
/** Listeners that are up at the start of every run: [addr, port]. */
const LISTEN: Array<[string, number]> = [
  ['10.200.1.1', 8081],
  ['10.200.1.2', 8082],
  ['10.200.1.5', 8085],
];

let client: IpvsClient | undefined;
let why = '';
let netUp = false;

const sh = (...a: string[]): string => execFileSync(a[0]!, a.slice(1), { encoding: 'utf8' });
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

before(async () => {
  const o = await openIpvsOrWhy();
  if ('why' in o) {
    why = o.why;
    return;
  }
  client = o.client;
  sh('ip', 'link', 'set', 'lo', 'up');
  sh('ip', 'link', 'add', DUMMY, 'type', 'dummy');
  netUp = true;
  for (const a of RS_ADDRS) sh('ip', 'addr', 'add', `${a}/24`, 'dev', DUMMY);
  sh('ip', 'link', 'set', DUMMY, 'up');
});

after(async () => {
  if (client) await client.flush().catch(() => undefined);
  client?.close();
  if (netUp) sh('ip', 'link', 'del', DUMMY);
});

class Listeners {
  private servers = new Map<string, { srv: net.Server; socks: Set<net.Socket> }>();
  async up(addr: string, port: number): Promise<void> {
    const socks = new Set<net.Socket>();
    const srv = net.createServer((s) => {
      socks.add(s);
      s.on('close', () => socks.delete(s));
      s.on('error', () => undefined);
      s.end();
    });
    await new Promise<void>((res, rej) => {
      srv.once('error', rej);
      srv.listen(port, addr, () => res());
    });
    this.servers.set(`${addr}:${port}`, { srv, socks });
  }
  async down(addr: string, port: number): Promise<void> {
    const e = this.servers.get(`${addr}:${port}`);
    if (!e) return;
    this.servers.delete(`${addr}:${port}`);
    for (const s of e.socks) s.destroy();
    await new Promise<void>((r) => e.srv.close(() => r()));
  }
  async allUp(): Promise<void> {
    for (const [a, p] of LISTEN) if (!this.servers.has(`${a}:${p}`)) await this.up(a, p);
  }
  async allDown(): Promise<void> {
    for (const k of [...this.servers.keys()]) {
      const [a, p] = k.split(':');
      await this.down(a!, Number(p));
    }
  }
}

const pexec = promisify(execFile);

/** The table as ipvsadm shows it. Asynchronous: our engine runs in this process and must not be blocked. */
async function table(): Promise<string> {
  const strip = (s: string) => s.split('\n').slice(1).join('\n'); // drop the version line
  const views = [['-Ln'], ['-Ln', '--thresholds'], ['-Ln', '--tun-info']];
  const out: string[] = [];
  for (const v of views) out.push(strip((await pexec('ipvsadm', v, { encoding: 'utf8' })).stdout));
  return out.join('\n--\n');
}

/** `ipvsadm -Ln` only: the cheap view polled while waiting. */
async function quick(): Promise<string> {
  return (await pexec('ipvsadm', ['-Ln'], { encoding: 'utf8' })).stdout;
}

/**
 * Wait until the table has been the same for `quietMs` (and differs from `from`, and has
 * destinations when `programmed`), then return all views, taken while nothing changed.
 */
async function settle(opts: { from?: string; quietMs?: number; maxMs?: number; programmed?: boolean } = {}): Promise<string> {
  const quiet = opts.quietMs ?? 1000;
  const deadline = Date.now() + (opts.maxMs ?? 10000);
  const from = opts.from?.split('\n--\n')[0];
  let last = await quick();
  let since = Date.now();
  while (Date.now() < deadline) {
    await sleep(200);
    const t = await quick();
    if (t !== last) {
      last = t;
      since = Date.now();
      continue;
    }
    if (from !== undefined && t.split('\n').slice(1).join('\n') === from) continue;
    if (opts.programmed && !t.includes('->')) continue;
    if (Date.now() - since < quiet) continue;
    const all = await table();
    if ((await quick()) === last) return all;
  }
  return table();
}

/** The log lines both must print the same (real server / quorum / sorry server changes). */
const KEY_LINE = /((Adding|Removing|Enabling|Disabling) service |Lost quorum|Gained quorum|Starting with quorum down|sorry server)/;
function keyLines(text: string): string[] {
  return text
    .split('\n')
    .map((l) => l.replace(/^.*?(?=(Adding|Removing|Enabling|Disabling|Lost|Gained|Starting with)\b)/, ''))
    .filter((l) => KEY_LINE.test(l) && !/Activating|Initializing|pool for VS/.test(l))
    .sort();
}

interface Run {
  /** Milliseconds per phase, for the diagnostics. */
  ms: number[];
  start: string;
  failed: string;
  /** After the reload (when the case has one). */
  reloaded?: string;
  stopped: string;
  lines: string[];
}

async function runKeepalived(conf0: string, fail: [string, number], L: Listeners, reloadConf?: string): Promise<Run> {
  await client!.flush();
  await L.allUp();
  // keepalived re-reads its file on SIGHUP: give it a copy we can replace
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kats-ka-'));
  const conf = path.join(dir, 'keepalived.conf');
  fs.copyFileSync(conf0, conf);
  const child = spawn('keepalived', ['-C', '-n', '-l', '-D', '-f', conf, '-p', '/tmp/kats-ka.pid', '-c', '/tmp/kats-ka-c.pid'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (b: Buffer) => (out += b.toString()));
  child.stderr.on('data', (b: Buffer) => (out += b.toString()));
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  const ms: number[] = [];
  let t0 = Date.now();
  const mark = () => {
    ms.push(Date.now() - t0);
    t0 = Date.now();
  };
  try {
    const start = await settle({ quietMs: 2000, programmed: true });
    mark();
    await L.down(...fail);
    const failed = await settle({ from: start });
    mark();
    let reloaded: string | undefined;
    if (reloadConf) {
      fs.copyFileSync(reloadConf, conf);
      child.kill('SIGHUP');
      reloaded = await settle({ from: failed });
    }
    child.kill('SIGTERM');
    await Promise.race([exited, sleep(5000)]);
    const stopped = await table();
    mark();
    return { ms, start, failed, ...(reloaded !== undefined ? { reloaded } : {}), stopped, lines: keyLines(out) };
  } finally {
    if (child.exitCode === null) {
      child.kill('SIGKILL');
      await exited;
    }
    fs.rmSync(dir, { recursive: true, force: true });
    await L.allUp();
  }
}

function sliceFor(conf: string) {
  const loaded = loadConfig(conf, { configId: 'kats' });
  // keepalived's own warnings (port ignored, quorum reduced) may be there; only fatal ones stop us
  assert.deepEqual(loaded.diagnostics.filter((d) => d.severity === 'fatal'), [], 'configuration loads');
  return checkerSlice(loaded.config);
}

async function runOurs(conf: string, fail: [string, number], L: Listeners, reloadConf?: string): Promise<Run & { dump: string }> {
  await client!.flush();
  await L.allUp();
  let out = '';
  const log = new Logger({ ident: 'Keepalived_healthcheckers', facility: 3, syslog: false, console: true, format: 'text', detail: 1, consoleWrite: (l) => (out += l) });
  const settings = { logDetail: 1, logConsole: true, logFormat: 'text', noSyslog: true, logFacility: 3, flushLogFile: false, releaseVips: false, dontReleaseVrrp: false, dontReleaseIpvs: false, addressMonitoring: false, identSuffix: '', processName: '' } satisfies WorkerSettings;
  const ipvs = await IpvsClient.open();
  const eng = createEngine({ role: 'checker', log, settings }, { ipvs });
  let stoppedEngine = false;
  const ms: number[] = [];
  let t0 = Date.now();
  const mark = () => {
    ms.push(Date.now() - t0);
    t0 = Date.now();
  };
  try {
    await eng.start(sliceFor(conf));
    const start = await settle({ quietMs: 2000, programmed: true });
    mark();
    await L.down(...fail);
    const failed = await settle({ from: start });
    mark();
    let reloaded: string | undefined;
    if (reloadConf) {
      await eng.reload(sliceFor(reloadConf));
      reloaded = await settle({ from: failed });
    }
    const dump = eng.dumpData();
    await eng.stop();
    stoppedEngine = true;
    const stopped = await table();
    mark();
    return { ms, start, failed, ...(reloaded !== undefined ? { reloaded } : {}), stopped, lines: keyLines(out), dump };
  } finally {
    if (!stoppedEngine) await eng.stop().catch(() => undefined);
    log.close();
    await L.allUp();
  }
}

const CASES: Array<{ conf: string; fail: [string, number]; what: string; reload?: string }> = [
  { conf: 'nat.conf', fail: ['10.200.1.1', 8081], what: 'NAT + persistence/granularity + thresholds, UDP DR, RS without checker' },
  { conf: 'tun-fwmark.conf', fail: ['10.200.1.1', 8081], what: 'fwmark TUN persistent, GUE/GRE tunnels, sh-port' },
  { conf: 'group.conf', fail: ['10.200.1.2', 8082], what: 'virtual_server_group: range, address, fwmark' },
  { conf: 'sorry.conf', fail: ['10.200.1.1', 8081], what: 'quorum, hysteresis, sorry_server (+inhibit), alpha' },
  { conf: 'inhibit.conf', fail: ['10.200.1.1', 8081], what: 'inhibit_on_failure, alpha, VS-level weight' },
  { conf: 'reload-a.conf', reload: 'reload-b.conf', fail: ['10.200.1.1', 8081], what: 'then reload: VS/RS added and removed, weight and scheduler changed' },
];

const L = new Listeners();
after(async () => L.allDown());

for (const c of CASES) {
  test(`${c.conf}: same IPVS table as keepalived 2.2.7 at start, after a failure, after stop (${c.what})`, async (t) => {
    if (!client) {
      t.skip(why);
      return;
    }
    const conf = path.join(FIX, c.conf);
    const reload = c.reload ? path.join(FIX, c.reload) : undefined;
    const ka = await runKeepalived(conf, c.fail, L, reload);
    const ours = await runOurs(conf, c.fail, L, reload);
    t.diagnostic(`phases (ms) keepalived ${ka.ms.join('/')} ours ${ours.ms.join('/')}`);
    assert.notEqual(ka.start, ka.failed, 'keepalived changed the table on the failure (test is meaningful)');
    assert.match(ka.start, /->/, 'keepalived programmed destinations');
    assert.equal(ours.start, ka.start, 'table at start');
    assert.equal(ours.failed, ka.failed, 'table after the failure');
    if (c.reload) {
      assert.notEqual(ka.reloaded, ka.failed, 'keepalived changed the table on reload');
      assert.equal(ours.reloaded, ka.reloaded, 'table after the reload');
    }
    assert.equal(ka.stopped, ours.stopped, 'table after stop');
    assert.doesNotMatch(ours.stopped, /TCP|UDP|FWM/, 'our entries are removed on stop');
    assert.deepEqual(ours.lines, ka.lines, 'real server / quorum / sorry server log lines');
    assert.match(ours.dump, /IPVS Topology/);
  });
}
