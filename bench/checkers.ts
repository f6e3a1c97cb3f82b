/**
 * Benchmark (not a test): the health-check worker under 5,000 TCP_CHECK and 1,000 HTTP_GET
 * real servers at delay_loop 1.
 *
 *   node dist/bench/checkers.js [--tcp 5000] [--http 1000] [--window 30] [--retry 0] [--baseline 15]
 *                               [--impl ours|keepalived|both] [--ipvs]
 * keepalived's checker needs IPVS (it exits FATAL without), so `--impl keepalived|both` only
 * works inside the IPVS VM, with --ipvs so that ours programs the real IPVS too: see
 * bench/checkers-vm.sh. On a host without IPVS, ours runs with --dry-run.
 *
 * One namespace on a bridge; inside it bench/listeners.js listens on 0.0.0.0 ports
 * 20000-20009 (TCP) and 21000-21009 (HTTP 200) and the real servers are 127.1.x.y / 127.2.x.y
 * (loopback, so each real server is a distinct local address:port the listener can tell apart).
 * The daemon has one VRRPv3 50 ms instance on eth0 beside the virtual servers.
 *   1. baseline: the same VRRP instance without virtual servers, advert jitter over --baseline s;
 *   2. load: CPU seconds and VmRSS of the checker worker (and of all our processes) over
 *      --window s; the schedule lag = per real server inter-arrival of the checks at the
 *      listener minus delay_loop; the VRRP advert jitter meanwhile (tcpdump on eth0);
 *   3. death: the listener closes port 20000 (1/10 of the TCP real servers) and port 21000
 *      (1/10 of the HTTP ones); time from the close to each "Removing service" log line.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  Capture,
  daemonPids,
  flags,
  fmt,
  lab,
  lineTimes,
  machine,
  procStat,
  quantile,
  runMain,
  sleep,
  startDaemon,
  startListeners,
  sumStats,
  table,
  vsConfig,
  type Netns,
  type VsLoad,
} from './lib';

const VRRP = ['vrrp_instance VI_1 {', '  state MASTER', '  interface eth0', '  virtual_router_id 51', '  priority 100', '  advert_int 0.05', '  version 3', '  virtual_ipaddress {', '    10.99.0.100/24', '  }', '}', ''].join('\n');

function jitterOf(cap: Capture, fromS: number, toS: number): number[] {
  let prev: number | undefined;
  const out: number[] = [];
  for (const a of cap.adverts) {
    if (a.t < fromS || a.t > toS || a.vrid !== 51) continue;
    if (prev !== undefined) out.push(a.t - prev - 0.05);
    prev = a.t;
  }
  return out;
}

type Impl = 'ours' | 'keepalived';

async function one(impl: Impl, ns: Netns, cap: Capture, load: VsLoad, windowS: number, baselineS: number, realIpvs: boolean): Promise<string[]> {
  const rows: string[] = [];
  const extra = impl === 'ours' && !realIpvs ? ['--dry-run'] : [];
  const say = (x: string) => process.stderr.write(`  ${new Date().toISOString()} ${impl}: ${x}\n`);
  // 1. baseline
  say('baseline');
  {
    const d = startDaemon(impl, ns, `global_defs {\n  router_id ck\n}\n${VRRP}`, extra);
    await d.waitFor(/\(VI_1\) Entering MASTER STATE/, 90000);
    await sleep(2000);
    const t0 = Date.now() / 1000;
    await sleep(baselineS * 1000);
    const j = jitterOf(cap, t0, Date.now() / 1000).map(Math.abs);
    rows.push(`p50 ${fmt(quantile(j, 0.5) * 1000, 2)} ms, p99 ${fmt(quantile(j, 0.99) * 1000, 2)} ms, max ${fmt(Math.max(...j) * 1000, 2)} ms (${j.length} intervals)`);
    await d.stop(3000);
  }

  // 2. load
  say('load: starting listeners and daemon');
  const lis = await startListeners(ns);
  const conf = `global_defs {\n  router_id ck\n}\n${VRRP}${vsConfig(load)}`;
  const tStart = Date.now();
  const d = startDaemon(impl, ns, conf, extra);
  try {
    const removed = lineTimes(d, /Removing service \[([\d.]+)\]:tcp:(\d+) from VS/);
    await d.waitFor(/\(VI_1\) Entering MASTER STATE/, 90000);
    // until every real server has been checked at least once
    for (;;) {
      const s = JSON.parse((await lis.send('stats 1')).slice(6)) as { servers: number };
      if (s.servers >= load.tcp + load.http) break;
      if (Date.now() - tStart > 120000) throw new Error(`only ${s.servers} real servers checked after 120 s`);
      if (d.exit) throw new Error(`daemon exited: ${d.out.slice(-3000)}`);
      await sleep(1000);
    }
    const readyS = (Date.now() - tStart) / 1000;
    say(`every real server checked after ${readyS} s; measuring`);
    const ckPid = Number(fs.readFileSync(path.join(d.dir, 'checker.pid'), 'utf8').trim());
    await sleep(3000);
    await lis.send('reset');
    const pids = daemonPids(d);
    const l0 = lis.proc.pid ? procStat(lis.proc.pid) : undefined;
    const c0 = procStat(ckPid);
    const a0 = sumStats(pids);
    const w0 = Date.now() / 1000;
    await sleep(windowS * 1000);
    const w1 = Date.now() / 1000;
    const c1 = procStat(ckPid);
    const l1 = lis.proc.pid ? procStat(lis.proc.pid) : undefined;
    const a1 = sumStats(pids);
    const lag = JSON.parse((await lis.send('stats 1')).slice(6)) as { conns: number; servers: number; samples: number; p50: number; p90: number; p99: number; max: number };
    const j = jitterOf(cap, w0, w1).map(Math.abs);
    if (!c0 || !c1) throw new Error(`checker process ${ckPid} vanished`);
    rows.push(`${fmt(readyS, 1)} s`);
    rows.push(`${fmt(c1.cpuS - c0.cpuS, 2)} s over ${windowS} s (${fmt((100 * (c1.cpuS - c0.cpuS)) / windowS, 1)} % of a core)`);
    rows.push(`${fmt(c1.rssKb / 1024, 1)} MiB (anon ${fmt(c1.anonKb / 1024, 1)} MiB)`);
    rows.push(`${fmt(a1.cpuS - a0.cpuS, 2)} s / ${fmt(a1.rssKb / 1024, 1)} MiB, anon ${fmt(a1.anonKb / 1024, 1)} MiB (${a1.per.length} processes)`);
    rows.push(`${lag.conns} in ${windowS} s (expected ~${(load.tcp + load.http) * windowS}); listener CPU ${l0 && l1 ? fmt(l1.cpuS - l0.cpuS, 2) : '?'} s`);
    rows.push(`p50 ${fmt(lag.p50, 1)} ms, p90 ${fmt(lag.p90, 1)} ms, p99 ${fmt(lag.p99, 1)} ms, max ${fmt(lag.max, 1)} ms (${lag.samples} samples)`);
    rows.push(`p50 ${fmt(quantile(j, 0.5) * 1000, 2)} ms, p99 ${fmt(quantile(j, 0.99) * 1000, 2)} ms, max ${fmt(Math.max(...j) * 1000, 2)} ms (${j.length} intervals)`);

    // 3. death
    say('death');
    for (const [port, count] of [
      [20000, Math.ceil(load.tcp / 10)],
      [21000, Math.ceil(load.http / 10)],
    ] as const) {
      const from = removed.length;
      const closed = Number((await lis.send(`close ${port}`)).split(' ')[2]);
      const end = Date.now() + 15000;
      while (removed.slice(from).filter((r) => r.m[2] === String(port)).length < count && Date.now() < end) await sleep(20);
      const ds = removed
        .slice(from)
        .filter((r) => r.m[2] === String(port))
        .map((r) => r.at - closed);
      rows.push(`${ds.length}/${count} removed; p50 ${fmt(quantile(ds, 0.5), 0)} ms, p90 ${fmt(quantile(ds, 0.9), 0)} ms, max ${fmt(Math.max(...ds), 0)} ms`);
    }
  } finally {
    await d.stop(10000);
    lis.proc.kill('SIGKILL');
  }
  return rows;
}

const MEASURES = [
  'VRRP 50 ms jitter, no checkers',
  'start to every real server checked once',
  'checker worker CPU',
  'checker worker VmRSS',
  'all processes CPU / VmRSS',
  'checks seen by the listeners',
  'schedule lag (inter-arrival - delay_loop)',
  'VRRP 50 ms jitter under checker load',
  'port 20000 closed -> "Removing service"',
  'port 21000 closed -> "Removing service"',
];

async function main(): Promise<void> {
  const f = flags();
  const load: VsLoad = { tcp: f.num('tcp', 5000), http: f.num('http', 1000), delayLoop: 1, retry: f.num('retry', 0) };
  const windowS = f.num('window', 30);
  const baselineS = f.num('baseline', 15);
  const realIpvs = f.bool('ipvs');
  const which = f.str('impl', 'ours');
  const impls: Impl[] = which === 'both' ? ['keepalived', 'ours'] : [which === 'keepalived' ? 'keepalived' : 'ours'];
  console.log(
    `# checkers benchmark (${impls.join(', ')}; ours ${realIpvs ? 'with real IPVS' : 'with --dry-run'}): ${load.tcp} TCP_CHECK + ${load.http} HTTP_GET real servers, delay_loop 1, retry ${load.retry}, window ${windowS} s\n# ${machine()}`,
  );
  const { hosts } = await lab('bck', ['a']);
  const ns = hosts[0] as Netns;
  const cap = new Capture(ns);
  await cap.ready();
  const cols: string[][] = [];
  for (const impl of impls) {
    cols.push(await one(impl, ns, cap, load, windowS, baselineS, realIpvs));
    if (impls.length > 1) console.log(`\n${impl}:\n` + MEASURES.map((m, i) => `  ${m}: ${cols[cols.length - 1]![i] ?? ''}`).join('\n'));
  }
  cap.stop();
  console.log('\n' + table(['measure', ...impls], MEASURES.map((m, i) => [m, ...cols.map((c) => c[i] ?? '')])));
}

runMain(main);
