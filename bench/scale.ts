/**
 * Benchmark (not a test): 255 VRRP instances on one interface with 1,000 VIPs in total,
 * ours vs keepalived 2.2.7 in the same run (one after the other, each alone on its own bridge).
 *
 *   node dist/bench/scale.js [--window 30] [--settle 10] [--advert-int 1] [--version 2] [--instances 255] [--vips 1000]
 *
 * Each daemon is the only router (state MASTER) for VRIDs 1..N on eth0 of a namespace. After
 * all instances entered MASTER (+ --settle s, to let both gratuitous ARP bursts pass), over a fixed
 * window: CPU seconds (utime+stime from /proc/<pid>/stat, summed over the daemon's whole
 * process tree), resident memory (VmRSS summed at the end of the window), and the advert
 * interval jitter (per VRID inter-arrival of adverts captured by tcpdump minus advert_int).
 */
import { Capture, cleanupAll, daemonPids, flags, fmt, lab, machine, quantile, runMain, sleep, startDaemon, sumStats, table, type Netns } from './lib';

type Impl = 'ours' | 'keepalived';

function conf(n: number, vips: number, advertInt: string, version: number): string {
  const out = ['global_defs {', '  router_id scale', '}'];
  let k = 0;
  for (let i = 0; i < n; i++) {
    // spread the VIPs evenly: the first (vips % n) instances get one more
    const count = Math.floor(vips / n) + (i < vips % n ? 1 : 0);
    out.push(`vrrp_instance VI_${i + 1} {`, '  state MASTER', '  interface eth0', `  virtual_router_id ${i + 1}`, '  priority 100', `  advert_int ${advertInt}`, `  version ${version}`, '  virtual_ipaddress {');
    for (let j = 0; j < count; j++, k++) out.push(`    10.200.${Math.floor(k / 250)}.${(k % 250) + 1}/32`);
    out.push('  }', '}');
  }
  return out.join('\n') + '\n';
}

interface Result {
  impl: Impl;
  convergeS: number;
  cpuS: number;
  rssKb: number;
  anonKb: number;
  procs: string;
  jitter: number[];
  adverts: number;
}

async function one(impl: Impl, n: number, vips: number, advertInt: string, version: number, windowS: number, settleS: number): Promise<Result> {
  const { hosts } = await lab('bsc', ['n']);
  const ns = hosts[0] as Netns;
  const cap = new Capture(ns);
  await cap.ready();
  const t0 = Date.now();
  const d = startDaemon(impl, ns, conf(n, vips, advertInt, version));
  try {
    for (;;) {
      const c = d.out.match(/Entering MASTER STATE/g)?.length ?? 0;
      if (c >= n) break;
      if (Date.now() - t0 > 120000) throw new Error(`${impl}: only ${c}/${n} instances MASTER after 120 s`);
      if (d.exit) throw new Error(`${impl} exited: ${d.out.slice(-2000)}`);
      await sleep(100);
    }
    const convergeS = (Date.now() - t0) / 1000;
    await sleep(settleS * 1000);
    const pids = daemonPids(d);
    const s0 = sumStats(pids);
    const w0 = Date.now() / 1000;
    await sleep(windowS * 1000);
    const w1 = Date.now() / 1000;
    const s1 = sumStats(pids);
    const intS = Number(advertInt);
    const j = cap.adverts.filter((a) => a.t >= w0 && a.t <= w1);
    const jit = (() => {
      const last = new Map<number, number>();
      const out: number[] = [];
      for (const a of j) {
        const p = last.get(a.vrid);
        if (p !== undefined) out.push(a.t - p - intS);
        last.set(a.vrid, a.t);
      }
      return out;
    })();
    return {
      impl,
      convergeS,
      cpuS: s1.cpuS - s0.cpuS,
      rssKb: s1.rssKb,
      anonKb: s1.anonKb,
      procs: s1.per.map((p) => `${p.comm}:${p.pid}`).join(' '),
      jitter: jit,
      adverts: j.length,
    };
  } finally {
    await d.stop(3000);
    cap.stop();
    await cleanupAll();
  }
}

async function main(): Promise<void> {
  const f = flags();
  const windowS = f.num('window', 30);
  const n = f.num('instances', 255);
  const vips = f.num('vips', 1000);
  const advertInt = f.str('advert-int', '1');
  const version = f.num('version', 2);
  // past the second gratuitous ARP burst (garp_master_delay 5 s after entering MASTER)
  const settleS = f.num('settle', 10);
  console.log(`# scale benchmark: ${n} instances, ${vips} VIPs, advert_int ${advertInt} v${version}, window ${windowS} s starting ${settleS} s after the last instance entered MASTER\n# ${machine()}`);
  const res: Result[] = [];
  for (const impl of ['keepalived', 'ours'] as Impl[]) {
    res.push(await one(impl, n, vips, advertInt, version, windowS, settleS));
    process.stderr.write(`  ${impl} done\n`);
  }
  const intS = Number(advertInt);
  const expected = (n * windowS) / intS;
  console.log(
    '\n' +
      table(
        ['impl', 'converge s', 'CPU s/window', 'CPU %', 'RSS MiB', 'anon MiB', 'adverts', 'expected', 'jitter p50 ms', 'p99 |jitter| ms', 'max |jitter| ms'],
        res.map((r) => {
          const abs = r.jitter.map(Math.abs);
          return [
            r.impl,
            fmt(r.convergeS, 1),
            fmt(r.cpuS, 2),
            fmt((100 * r.cpuS) / windowS, 1),
            fmt(r.rssKb / 1024, 1),
            fmt(r.anonKb / 1024, 1),
            String(r.adverts),
            String(Math.round(expected)),
            fmt(quantile(r.jitter, 0.5) * 1000, 2),
            fmt(quantile(abs, 0.99) * 1000, 2),
            fmt(Math.max(...abs) * 1000, 2),
          ];
        }),
      ),
  );
  for (const r of res) console.log(`${r.impl} processes: ${r.procs}`);
  const [k, o] = res;
  if (k && o) console.log(`\nours/keepalived: CPU ${fmt(o.cpuS / k.cpuS, 2)}x, RSS ${fmt(o.rssKb / k.rssKb, 2)}x, anon RSS ${fmt(o.anonKb / k.anonKb, 2)}x`);
  console.log('RSS = VmRSS summed over the processes (each counts its mapped executable and libraries again); anon = RssAnon, private memory only');
}

runMain(main);
