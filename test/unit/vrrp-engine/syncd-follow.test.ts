import { test } from 'node:test';
import assert from 'node:assert/strict';
import { followedBySyncd } from '../../../src/vrrp/engine';
import { LvsSyncd, IPVS_SYNC_BACKUP, IPVS_SYNC_MASTER, type SyncdPort } from '../../../src/check/lvs-syncd';
import type { NotifyEvent } from '../../../src/vrrp/runtime/notifier';
import type { IpvsDaemon } from '../../../src/sys/ipvs-codec';

test('lvs_sync_daemon follows the VRRP notify stream: instance states drive the daemon, every event still reaches the notifier', async () => {
  const ops: string[] = [];
  const port: SyncdPort = {
    startDaemon: async (d: IpvsDaemon) => void ops.push(`start ${d.state === IPVS_SYNC_MASTER ? 'master' : 'backup'} ${d.mcastIfn}`),
    stopDaemon: async (st: number) => void ops.push(`stop ${st === IPVS_SYNC_BACKUP ? 'backup' : 'master'}`),
  };
  const syncd = LvsSyncd.fromGlobal({ interface: 'eth1', instance: 'VI_1' }, { error: (l) => ops.push(`error ${l}`) }, port)!;
  const seen: NotifyEvent[] = [];
  const n = followedBySyncd({ notify: (ev) => seen.push(ev) }, () => syncd);
  const evs: NotifyEvent[] = [
    { kind: 'instance', name: 'VI_1', state: 'BACKUP', priority: 100 },
    { kind: 'instance', name: 'VI_2', state: 'MASTER', priority: 100 },
    { kind: 'group', name: 'G1', state: 'MASTER' },
    { kind: 'instance', name: 'VI_1', state: 'MASTER', priority: 100 },
    { kind: 'instance', name: 'VI_1', state: 'FAULT', priority: 100 },
  ];
  for (const ev of evs) n.notify(ev);
  await syncd.idle();
  assert.deepEqual(seen, evs);
  assert.deepEqual(ops, ['start backup eth1', 'stop backup', 'start master eth1', 'stop master', 'start backup eth1']);
  await syncd.stop();
  assert.equal(ops.at(-1), 'stop backup');
  // without lvs_sync_daemon nothing is driven and events still pass
  const m = followedBySyncd({ notify: (ev) => seen.push(ev) }, () => undefined);
  m.notify(evs[0]!);
  assert.equal(seen.length, evs.length + 1);
});
