/**
 * Benchmark (not a test): false takeovers at VRRPv3 50 ms while the master's health-check
 * worker is busy, ours→ours and keepalived→keepalived in the same run.
 *
 *   node dist/bench/false-takeover.js [--minutes 10] [--tcp 5000] [--http 1000] [--only ours|keepalived]
 *
 * Namespaces a (master, priority 150) and b (backup, priority 100) on a bridge. The master's
 * configuration also holds virtual servers with TCP_CHECK/HTTP_GET real servers at delay_loop
 * 1 on local listeners (bench/listeners.js inside a); ours runs with --dry-run (no IPVS here).
 * Over the duration: the backup's transitions to MASTER (log lines), the adverts the backup
 * sent with its own priority (tcpdump on b's eth0), and the largest gap between the
 * master's adverts (a gap over 3×50 ms + skew ≈ 180 ms lets the backup take over).
 *
 * keepalived 2.2.7 cannot initialise IPVS in this kernel (its checker exits FATAL and the
 * daemon stops), so keepalived runs with -P (VRRP only): its row has no checker load.
 */
import { Capture, cleanupAll, flags, fmt, lab, machine, quantile, runMain, sleep, startDaemon, startListeners, table, vsConfig, type Netns } from './lib';

type Impl = 'ours' | 'keepalived';

function vrrp(prio: number): string {
  return ['vrrp_instance VI_1 {', '  state BACKUP', '  interface eth0', '  virtual_router_id 51', `  priority ${prio}`, '  advert_int 0.05', '  version 3', '  virtual_ipaddress {', '    10.99.0.100/24', '  }', '}', ''].join('\n');
}

interface Res {
  impl: Impl;
  takeovers: number;
  backupAdverts: number;
  masterAdverts: number;
  p99GapMs: number;
  maxGapMs: number;
  gapsOver150: number;
  checkerNote: string;
}

async function one(impl: Impl, minutes: number, tcp: number, http: number): Promise<Res> {
  const { hosts } = await lab('bft', ['a', 'b']);
  const [a, b] = hosts as [Netns, Netns];
  const cap = new Capture(b);
  await cap.ready();
  const lis = await startListeners(a);
  // keepalived 2.2.7's checker exits with a FATAL error when it cannot initialise IPVS (no
  // IPVS in this kernel), and takes the whole daemon down: run it VRRP-only (-P) instead, so
  // keepalived's column is the no-checker-load reference.
  const extra = impl === 'ours' ? ['--dry-run'] : ['-P'];
  const master = startDaemon(impl, a, `global_defs {\n  router_id m\n}\n${vrrp(150)}${vsConfig({ tcp, http, delayLoop: 1, retry: 0 })}`, extra);
  const backup = startDaemon(impl, b, `global_defs {\n  router_id b\n}\n${vrrp(100)}`);
  try {
    await master.waitFor(/\(VI_1\) Entering MASTER STATE/, 60000);
    await backup.waitFor(/\(VI_1\) Entering BACKUP STATE/, 60000);
    await sleep(5000); // checker start-up
    await lis.send('reset');
    const from = backup.out.length;
    const t0 = Date.now() / 1000;
    const end = Date.now() + minutes * 60000;
    while (Date.now() < end) {
      if (master.exit || backup.exit) throw new Error(`${impl}: a daemon exited: ${master.out.slice(-2000)}\n${backup.out.slice(-2000)}`);
      await sleep(1000);
    }
    const t1 = Date.now() / 1000;
    const st = JSON.parse((await lis.send('stats 1')).slice(6)) as { conns: number; p99: number };
    const win = cap.adverts.filter((x) => x.t >= t0 && x.t <= t1);
    const m = win.filter((x) => x.src === '10.99.0.1');
    const gaps: number[] = [];
    for (let i = 1; i < m.length; i++) gaps.push((m[i]!.t - m[i - 1]!.t) * 1000);
    return {
      impl,
      takeovers: backup.out.slice(from).match(/\(VI_1\) Entering MASTER STATE/g)?.length ?? 0,
      backupAdverts: win.filter((x) => x.src === '10.99.0.2' && x.prio === 100).length,
      masterAdverts: m.length,
      p99GapMs: quantile(gaps, 0.99),
      maxGapMs: gaps.length ? gaps.reduce((a, b) => Math.max(a, b), -Infinity) : NaN,
      gapsOver150: gaps.filter((g) => g > 150).length,
      checkerNote: `${st.conns} checks reached the listeners (${fmt(st.conns / (t1 - t0), 0)}/s), schedule lag p99 ${fmt(st.p99, 1)} ms`,
    };
  } finally {
    await master.stop(5000);
    await backup.stop(3000);
    cap.stop();
    await cleanupAll();
  }
}

async function main(): Promise<void> {
  const f = flags();
  const minutes = f.num('minutes', 10);
  const tcp = f.num('tcp', 5000);
  const http = f.num('http', 1000);
  const only = f.str('only', '');
  console.log(`# false-takeover benchmark: VRRPv3 50 ms, ${minutes} min per implementation, master checker load ${tcp} TCP_CHECK + ${http} HTTP_GET at delay_loop 1\n# ${machine()}`);
  const res: Res[] = [];
  for (const impl of ['keepalived', 'ours'] as Impl[]) {
    if (only && only !== impl) continue;
    res.push(await one(impl, minutes, tcp, http));
    process.stderr.write(`  ${impl} done\n`);
  }
  console.log(
    '\n' +
      table(
        ['impl', 'false takeovers', 'backup adverts', 'master adverts', 'expected', 'p99 gap ms', 'max gap ms', 'gaps > 150 ms'],
        res.map((r) => [r.impl, String(r.takeovers), String(r.backupAdverts), String(r.masterAdverts), String(Math.round(minutes * 1200)), fmt(r.p99GapMs, 1), fmt(r.maxGapMs, 1), String(r.gapsOver150)]),
      ),
  );
  for (const r of res) console.log(`${r.impl} master checker: ${r.checkerNote}`);
  console.log('keepalived ran with -P (VRRP only): its checker cannot run without IPVS, so its row carries no checker load.');
}

runMain(main);
