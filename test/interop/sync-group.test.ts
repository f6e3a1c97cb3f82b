/**
 * vrrp_sync_group against keepalived 2.2.7 (VRRPv3, 100 ms): our group {VI_1, VI_2} is master
 * of both; an interface tracked by VI_1 only goes down, and the whole group goes to FAULT, so
 * keepalived takes over both instances; when it comes back we take both back.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { addresses, sleep, VrrpDaemon } from '../helpers/daemon';
import { instance, skipReason, threeHosts } from './lab';

const skip = skipReason;

test('sync group: a fault in one member moves both instances to keepalived and back', { skip, timeout: 60000 }, async () => {
  const { lab, a, b } = await threeHosts('is');
  await a.exec(['ip', 'link', 'add', 'ext0', 'type', 'veth', 'peer', 'name', 'ext1']);
  await a.exec(['ip', 'link', 'set', 'ext0', 'up']);
  await a.exec(['ip', 'link', 'set', 'ext1', 'up']);
  const group = 'vrrp_sync_group G1 {\n  group {\n    VI_1\n    VI_2\n  }\n}\n';
  const mk = (id: string, p: number, track: boolean) =>
    `global_defs {\n  router_id ${id}\n}\n` +
    group +
    instance({ name: 'VI_1', vrid: 51, priority: p, version: 3, advertInt: '0.1', vips: ['10.99.0.100/24'], extra: track ? ['track_interface {', '  ext0', '}'] : [] }) +
    instance({ name: 'VI_2', vrid: 52, priority: p, version: 3, advertInt: '0.1', vips: ['10.99.0.101/24'] });
  const ours = VrrpDaemon.start('ours', a, mk('ours', 150, true));
  const ka = VrrpDaemon.start('keepalived', b, mk('ka', 100, false));
  try {
    await ours.waitFor(/\(VI_1\) Entering MASTER STATE/, 8000);
    await ours.waitFor(/\(VI_2\) Entering MASTER STATE/, 8000);
    await ka.waitFor(/\(VI_2\) Entering BACKUP STATE/, 8000);
    await sleep(1000);
    assert.equal(ka.state('VI_1'), 'BACKUP');
    assert.equal(ka.state('VI_2'), 'BACKUP');

    const o = ours.out.length;
    const k = ka.out.length;
    await a.exec(['ip', 'link', 'set', 'ext0', 'down']);
    await ours.waitFor(/\(VI_2\) Entering FAULT STATE/, 3000, o);
    await ka.waitFor(/\(VI_1\) Entering MASTER STATE/, 3000, k);
    await ka.waitFor(/\(VI_2\) Entering MASTER STATE/, 3000, k);
    await sleep(300);
    const addrA = await addresses(a);
    assert.ok(!addrA.includes('10.99.0.100/24') && !addrA.includes('10.99.0.101/24'), 'both VIPs released');
    const addrB = await addresses(b);
    assert.ok(addrB.includes('10.99.0.100/24') && addrB.includes('10.99.0.101/24'), 'keepalived holds both');

    const o2 = ours.out.length;
    await a.exec(['ip', 'link', 'set', 'ext0', 'up']);
    await ours.waitFor(/\(VI_1\) Entering MASTER STATE/, 3000, o2);
    await ours.waitFor(/\(VI_2\) Entering MASTER STATE/, 3000, o2);
  } finally {
    await ours.stop();
    await ka.stop();
    await lab.dispose();
  }
});
