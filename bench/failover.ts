/**
 * Benchmark (not a test): VRRP failover time, ours vs keepalived 2.2.7 in the same run.
 *
 *   node dist/bench/failover.js [--trials 10] [--mixed] [--only v2|v3]
 *
 * Two namespaces on a bridge: the master (priority 150, 10.99.0.1) and the backup (priority
 * 100, 10.99.0.2). For each pair (keepalived→keepalived, ours→ours; with --mixed also
 * ours→keepalived and keepalived→ours), at VRRPv2 advert_int 1 and VRRPv3 50 ms, each trial:
 *   crash: SIGKILL of the master's VRRP process then its parent (no priority 0 advert);
 *   stop:  SIGTERM of the master's parent (it sends priority 0).
 * Takeover = first advert from the backup's address with its own priority, as captured by
 * tcpdump on the backup's eth0 (kernel timestamp), minus the wall-clock time just before the
 * signal; the signal is sent at a random phase of the advert interval, so the time is also
 * given from the master's last advert captured (its priority 0 advert for a stop). After each trial
 * the master is restarted and preempts back before the next one.
 */
import { Capture, cleanupAll, flags, fmt, lab, machine, quantile, runMain, sleep, startDaemon, table, type Netns, type VrrpDaemon } from './lib';

type Impl = 'ours' | 'keepalived';
interface Mode {
  name: string;
  version: 2 | 3;
  advertInt: string;
  intS: number;
}
const MODES: Mode[] = [
  { name: 'v2 1s', version: 2, advertInt: '1', intS: 1 },
  { name: 'v3 50ms', version: 3, advertInt: '0.05', intS: 0.05 },
];

function conf(id: string, prio: number, m: Mode): string {
  return [
    'global_defs {',
    `  router_id ${id}`,
    '}',
    'vrrp_instance VI_1 {',
    '  state BACKUP',
    '  interface eth0',
    '  virtual_router_id 51',
    `  priority ${prio}`,
    `  advert_int ${m.advertInt}`,
    `  version ${m.version}`,
    '  virtual_ipaddress {',
    '    10.99.0.100/24',
    '  }',
    '}',
    '',
  ].join('\n');
}

const MASTER_IP = '10.99.0.1';
const BACKUP_IP = '10.99.0.2';

async function startMaster(impl: Impl, ns: Netns, m: Mode): Promise<VrrpDaemon> {
  const d = startDaemon(impl, ns, conf('master', 150, m));
  await d.waitFor(/\(VI_1\) Entering MASTER STATE/, 20000);
  return d;
}

interface Series {
  crash: number[];
  stop: number[];
  crashLast: number[];
  stopLast: number[];
  lost: number;
}

async function series(masterImpl: Impl, backupImpl: Impl, m: Mode, trials: number): Promise<Series> {
  const { hosts } = await lab('bfo', ['m', 'b']);
  const [a, b] = hosts as [Netns, Netns];
  const cap = new Capture(b);
  await cap.ready();
  const backup = startDaemon(backupImpl, b, conf('backup', 100, m));
  let master = await startMaster(masterImpl, a, m);
  // from the signal, and from the master's last advert (priority 0 for a stop) captured on
  // the backup: the second removes the random phase of the kill within the advert interval
  const res = { crash: [] as number[], stop: [] as number[], crashLast: [] as number[], stopLast: [] as number[], lost: 0 };
  const settle = Math.max(1500, m.intS * 4000);
  try {
    await backup.waitFor(/\(VI_1\) Entering BACKUP STATE/, 20000);
    for (let i = 0; i < trials; i++) {
      for (const kind of ['crash', 'stop'] as const) {
        // the master must be the one advertising, and the backup quiet; a random phase
        // relative to the master's advert timer (else every trial kills at the same phase)
        await sleep(settle + Math.random() * m.intS * 1000);
        const from = backup.out.length;
        const t0 = Date.now();
        if (kind === 'crash') master.crash();
        else master.signal('SIGTERM');
        const adv = await cap.first(t0 / 1000, (x) => x.src === BACKUP_IP && x.prio === 100, 10000 + m.intS * 5000);
        if (adv) {
          res[kind].push(adv.t - t0 / 1000);
          const last = cap.adverts.filter((x) => x.src === MASTER_IP && x.t < adv.t).pop();
          if (last) res[kind === 'crash' ? 'crashLast' : 'stopLast'].push(adv.t - last.t);
        } else res.lost++;
        await backup.waitFor(/\(VI_1\) Entering MASTER STATE/, 10000, from).catch(() => undefined);
        await master.stop(3000);
        // restart the master; it preempts the backup
        const back = backup.out.length;
        master = await startMaster(masterImpl, a, m);
        await backup.waitFor(/\(VI_1\) Entering BACKUP STATE/, 20000, back);
        process.stderr.write(`  ${masterImpl}->${backupImpl} ${m.name} #${i + 1} ${kind}: ${adv ? fmt(adv.t - t0 / 1000) : 'LOST'} s\n`);
      }
    }
  } finally {
    await master.stop(2000);
    await backup.stop(2000);
    cap.stop();
    await cleanupAll();
  }
  return res;
}

const LABEL = { crash: 'crash (from SIGKILL)', stop: 'stop (from SIGTERM)', crashLast: 'crash (from last advert)', stopLast: 'stop (from prio 0 advert)' } as const;

async function main(): Promise<void> {
  const f = flags();
  const trials = f.num('trials', 10);
  const only = f.str('only', '');
  const pairs: [Impl, Impl][] = [
    ['keepalived', 'keepalived'],
    ['ours', 'ours'],
  ];
  if (f.bool('mixed')) pairs.push(['ours', 'keepalived'], ['keepalived', 'ours']);
  console.log(`# failover benchmark, ${trials} trials per cell\n# ${machine()}`);
  const rows: string[][] = [];
  const summary = new Map<string, { med: number; p90: number }>();
  for (const m of MODES) {
    if (only && !m.name.startsWith(only)) continue;
    for (const [mi, bi] of pairs) {
      const r = await series(mi, bi, m, trials);
      for (const kind of ['crash', 'stop', 'crashLast', 'stopLast'] as const) {
        const xs = r[kind];
        const med = quantile(xs, 0.5);
        const p90 = quantile(xs, 0.9);
        summary.set(`${m.name}|${kind}|${mi}->${bi}`, { med, p90 });
        rows.push([m.name, LABEL[kind], `${mi}->${bi}`, String(xs.length), fmt(med), fmt(p90), fmt(Math.min(...xs)), fmt(Math.max(...xs))]);
      }
      if (r.lost) rows.push([m.name, '', `${mi}->${bi}`, `${r.lost} trials without takeover`, '', '', '', '']);
    }
  }
  console.log('\n' + table(['mode', 'event', 'master->backup', 'n', 'median s', 'p90 s', 'min s', 'max s'], rows));
  const cmp: string[][] = [];
  for (const m of MODES)
    for (const kind of ['crash', 'stop', 'crashLast', 'stopLast'] as const) {
      const k = summary.get(`${m.name}|${kind}|keepalived->keepalived`);
      const o = summary.get(`${m.name}|${kind}|ours->ours`);
      if (!k || !o) continue;
      cmp.push([m.name, LABEL[kind], fmt(o.med / k.med), fmt(o.p90 / k.p90), Math.abs(o.med / k.med - 1) <= 0.05 && Math.abs(o.p90 / k.p90 - 1) <= 0.05 ? 'yes' : 'NO']);
    }
  console.log('\nours/keepalived (target: within 5 %)\n' + table(['mode', 'event', 'median ratio', 'p90 ratio', 'within 5%'], cmp));
}

runMain(main);
