/**
 * lvs_sync_daemon over a fake port: which daemon runs for each state of the followed
 * instance (as observed on keepalived 2.2.7: BACKUP/FAULT → backup, MASTER → master, stop →
 * none), what is sent to the kernel, and errors logged instead of thrown.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { IPVS_SYNC_BACKUP, IPVS_SYNC_MASTER, LvsSyncd, daemonOf, type SyncdPort } from '../../../src/check/lvs-syncd';
import type { IpvsDaemon } from '../../../src/sys/ipvs-codec';

class FakePort implements SyncdPort {
  ops: string[] = [];
  daemons = new Map<number, IpvsDaemon>();
  failStart = false;
  async startDaemon(d: IpvsDaemon) {
    this.ops.push(`start ${d.state}`);
    if (this.failStart) throw Object.assign(new Error('No such device'), { code: 'ENODEV' });
    if (this.daemons.has(d.state)) throw Object.assign(new Error('exists'), { code: 'EEXIST' });
    this.daemons.set(d.state, d);
  }
  async stopDaemon(state: number) {
    this.ops.push(`stop ${state}`);
    if (!this.daemons.delete(state)) throw Object.assign(new Error('no daemon'), { code: 'ESRCH' });
  }
}

const CFG = { interface: 'eth0', instance: 'VI_1', id: 5, maxlen: 1400, port: 8850, ttl: 2 };

test('daemonOf passes only what is configured', () => {
  assert.deepEqual(daemonOf({ interface: 'eth1' }, IPVS_SYNC_BACKUP), { state: 2, mcastIfn: 'eth1' });
  const d = daemonOf({ ...CFG, group: '239.1.2.3' }, IPVS_SYNC_MASTER);
  assert.deepEqual(d, { state: 1, mcastIfn: 'eth0', syncId: 5, syncMaxlen: 1400, mcastPort: 8850, mcastTtl: 2, mcastGroup: Buffer.from([239, 1, 2, 3]) });
  assert.equal(daemonOf({ interface: 'e', group: 'ff15::81' }, 1).mcastGroup6?.length, 16);
});

test('no instance: no sync daemon object', () => {
  assert.equal(LvsSyncd.fromGlobal(undefined, { error: () => undefined }), undefined);
  assert.equal(LvsSyncd.fromGlobal({ interface: 'eth0' }, { error: () => undefined }), undefined);
});

test('the daemon follows the instance: backup, master, backup on fault, none at stop', async () => {
  const port = new FakePort();
  const errs: string[] = [];
  const s = LvsSyncd.fromGlobal(CFG, { error: (l) => errs.push(l) }, port)!;
  await s.onState('VI_1', 'BACKUP');
  assert.deepEqual([...port.daemons.keys()], [IPVS_SYNC_BACKUP]);
  await s.onState('VI_2', 'MASTER');
  assert.deepEqual([...port.daemons.keys()], [IPVS_SYNC_BACKUP], 'another instance is ignored');
  await s.onState('VI_1', 'MASTER');
  assert.deepEqual([...port.daemons.keys()], [IPVS_SYNC_MASTER]);
  assert.equal(port.daemons.get(IPVS_SYNC_MASTER)?.syncId, 5);
  await s.onState('VI_1', 'MASTER');
  await s.onState('VI_1', 'FAULT');
  assert.deepEqual([...port.daemons.keys()], [IPVS_SYNC_BACKUP]);
  await s.stop();
  assert.equal(port.daemons.size, 0);
  assert.deepEqual(port.ops, ['start 2', 'stop 2', 'start 1', 'stop 1', 'start 2', 'stop 2']);
  assert.deepEqual(errs, []);
});

test('a failing start is logged, not thrown, and retried on the next state', async () => {
  const port = new FakePort();
  const errs: string[] = [];
  const s = new LvsSyncd(CFG, port, { error: (l) => errs.push(l) });
  port.failStart = true;
  await s.onState('VI_1', 'MASTER');
  assert.equal(s.current, 0);
  assert.match(errs[0] ?? '', /starting the master sync daemon on eth0 failed: ENODEV/);
  port.failStart = false;
  await s.onState('VI_1', 'MASTER');
  assert.equal(s.current, IPVS_SYNC_MASTER);
});

test('reload restarts with the new options in the same role, or stops', async () => {
  const port = new FakePort();
  const s = new LvsSyncd(CFG, port, { error: () => undefined });
  await s.onState('VI_1', 'MASTER');
  await s.reload({ ...CFG });
  assert.deepEqual(port.ops, ['start 1'], 'unchanged: nothing done');
  await s.reload({ ...CFG, id: 9 });
  assert.equal(port.daemons.get(IPVS_SYNC_MASTER)?.syncId, 9);
  await s.reload(undefined);
  assert.equal(port.daemons.size, 0);
});
