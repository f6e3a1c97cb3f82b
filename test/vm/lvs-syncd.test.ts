/**
 * lvs_sync_daemon against keepalived 2.2.7 on a real IPVS kernel (IPVS VM, via
 * test/vm/run-ipvs-tests.sh; skipped elsewhere). keepalived runs a VRRP instance on a veth
 * pair, first BACKUP (init) then MASTER (no peer); `ipvsadm -L --daemon` is recorded in each
 * state and after it stops. Our LvsSyncd over the real IpvsClient is then driven through the
 * same states and must give identical listings; last, our whole daemon (-P) runs the same
 * configuration and must leave the same daemons behind in BACKUP, MASTER and after stop.
 */
import assert from 'node:assert/strict';
import { execFile, execFileSync, spawn } from 'node:child_process';
import { promisify } from 'node:util';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, test } from 'node:test';
import type { IpvsClient } from '../../src/sys/ipvs';
import { openIpvsOrWhy } from './ipvs-open';
import { LvsSyncd } from '../../src/check/lvs-syncd';
import { checkerSlice, loadConfig } from '../../src/config/index';

const IF0 = 'kats-sy0';
const IF1 = 'kats-sy1';
let client: IpvsClient | undefined;
let why = '';
let netUp = false;
const sh = (...a: string[]): string => execFileSync(a[0]!, a.slice(1), { encoding: 'utf8' });
const pexec = promisify(execFile);
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
const daemons = async (): Promise<string> => (await pexec('ipvsadm', ['-L', '--daemon'], { encoding: 'utf8' })).stdout;

const CONF = `global_defs {
  router_id kats
  lvs_sync_daemon ${IF0} VI_1 id 5 maxlen 1400 port 8850 ttl 2
}
vrrp_instance VI_1 {
  state BACKUP
  interface ${IF0}
  virtual_router_id 51
  priority 100
  advert_int 1
  virtual_ipaddress {
    10.201.2.100/32
  }
}
`;

before(async () => {
  const o = await openIpvsOrWhy();
  if ('why' in o) {
    why = o.why;
    return;
  }
  client = o.client;
  sh('ip', 'link', 'add', IF0, 'type', 'veth', 'peer', 'name', IF1);
  netUp = true;
  sh('ip', 'addr', 'add', '10.201.1.1/24', 'dev', IF0);
  sh('ip', 'link', 'set', IF0, 'up');
  sh('ip', 'link', 'set', IF1, 'up');
});

after(async () => {
  if (client) {
    await client.stopDaemon(1).catch(() => undefined);
    await client.stopDaemon(2).catch(() => undefined);
  }
  client?.close();
  if (netUp) sh('ip', 'link', 'del', IF0);
});

test('sync daemon: BACKUP → backup daemon, MASTER → master daemon, stop → none, like keepalived 2.2.7', async (t) => {
  if (why) return t.skip(why);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kats-syncd-'));
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  const conf = path.join(dir, 'keepalived.conf');
  fs.writeFileSync(conf, CONF);

  // keepalived 2.2.7
  assert.equal(await daemons(), '', 'no daemon before');
  const ka = spawn('/usr/sbin/keepalived', ['-P', '-n', '-l', '-f', conf, '-p', path.join(dir, 'k.pid'), '-r', path.join(dir, 'r.pid')], { stdio: ['ignore', 'pipe', 'pipe'] });
  let kaLog = '';
  ka.stdout.on('data', (d: Buffer) => (kaLog += d.toString()));
  ka.stderr.on('data', (d: Buffer) => (kaLog += d.toString()));
  const theirs: Record<string, string> = {};
  try {
    for (let i = 0; i < 40 && !(await daemons()).includes('backup'); i++) await sleep(100);
    theirs.backup = await daemons();
    for (let i = 0; i < 80 && !(await daemons()).includes('master'); i++) await sleep(100);
    theirs.master = await daemons();
  } finally {
    ka.kill('SIGTERM');
    await new Promise<void>((r) => (ka.exitCode !== null ? r() : ka.once('exit', () => r())));
  }
  theirs.stopped = await daemons();
  assert.match(theirs.backup!, /^backup sync daemon \(mcast=kats-sy0, syncid=5/, kaLog);
  assert.match(theirs.master!, /^master sync daemon \(mcast=kats-sy0, syncid=5/, kaLog);
  assert.equal(theirs.stopped, '');

  // ours, from the same configuration as the parent parses it
  const r = loadConfig(conf, { configId: 'kats', scriptFound: () => true });
  const g = checkerSlice(r.config).global;
  const errs: string[] = [];
  const s = LvsSyncd.fromGlobal(g.lvsSyncDaemon, { error: (l) => errs.push(l) }, client);
  assert.ok(s, 'lvs_sync_daemon with an instance gives a sync daemon');
  await s.onState('VI_1', 'BACKUP');
  assert.equal(await daemons(), theirs.backup);
  await s.onState('VI_1', 'MASTER');
  assert.equal(await daemons(), theirs.master);
  await s.onState('VI_1', 'FAULT');
  assert.equal(await daemons(), theirs.backup);
  await s.idle();
  // not stop(): that would close the shared client
  await s.onState('VI_1', 'MASTER');
  await s.reload(undefined);
  assert.equal(await daemons(), theirs.stopped);
  assert.deepEqual(errs, []);

  // our daemon, VRRP worker only, on the same file: the VRRP worker drives the sync daemon
  const main = path.resolve(__dirname, '..', '..', 'src', 'main.js');
  const ours = spawn(process.execPath, [main, '-P', '-n', '-l', '-G', '-f', conf, '-p', path.join(dir, 'o.pid'), '-r', path.join(dir, 'or.pid')], { stdio: ['ignore', 'pipe', 'pipe'] });
  let ourLog = '';
  ours.stdout.on('data', (d: Buffer) => (ourLog += d.toString()));
  ours.stderr.on('data', (d: Buffer) => (ourLog += d.toString()));
  const mine: Record<string, string> = {};
  try {
    for (let i = 0; i < 60 && !(await daemons()).includes('backup'); i++) await sleep(100);
    mine.backup = await daemons();
    for (let i = 0; i < 80 && !(await daemons()).includes('master'); i++) await sleep(100);
    mine.master = await daemons();
  } finally {
    ours.kill('SIGTERM');
    await new Promise<void>((r) => (ours.exitCode !== null ? r() : ours.once('exit', () => r())));
  }
  mine.stopped = await daemons();
  assert.deepEqual(mine, theirs, ourLog);
});
