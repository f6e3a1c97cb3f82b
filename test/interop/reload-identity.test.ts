/**
 * Reload and sync-group edge cases against keepalived 2.2.7 (issue #4), ours on host a, keepalived
 * on host b, VRRPv2 at 1 s:
 *   - a SIGHUP that renames our MASTER instance (same VRID and interface) or changes its version
 *     keeps it MASTER: keepalived matches instances by VRID/family/interface, not by name (no
 *     priority 0, VIPs kept, keepalived stays BACKUP); a VRID change recreates it (priority 0,
 *     "Entering BACKUP STATE (init)", keepalived takes over, we preempt back later);
 *   - a VIP deleted behind our master in a vrrp_sync_group {VI_1, VI_2}: both members go BACKUP
 *     with a priority-0 advert each ("sent 0 priority", no "Syncing instances to BACKUP state"),
 *     and both are MASTER again after the skew time (0.41 s), not after a master-down interval;
 *     keepalived never takes over.
 * The same scenarios run with keepalived on both sides gave these lines (recorded 2026-11-23).
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { test } from 'node:test';
import { addresses, sleep, VrrpDaemon } from '../helpers/daemon';
import { config, instance, skipReason, threeHosts } from './lab';

const skip = skipReason;

test('SIGHUP renaming or re-versioning a MASTER instance keeps it MASTER; a VRID change recreates it', { skip, timeout: 90000 }, async () => {
  const { lab, a, b } = await threeHosts('vedge-ri');
  const mk = (id: string, p: number, o: { name?: string; vrid?: number; version?: 2 | 3 } = {}) => config(id, instance({ priority: p, advertInt: '1', ...o }));
  const ours = VrrpDaemon.start('ours', a, mk('ours', 150));
  const ka = VrrpDaemon.start('keepalived', b, mk('ka', 100));
  try {
    await ours.waitFor(/\(VI_1\) Entering MASTER STATE/, 10000);
    await ka.waitFor(/\(VI_1\) Entering BACKUP STATE/, 10000);
    // rename
    let o = ours.out.length;
    let k = ka.out.length;
    fs.writeFileSync(ours.conf, mk('ours', 150, { name: 'VI_X' }));
    ours.signal('SIGHUP');
    await ours.waitFor(/Reload complete/, 5000, o);
    await ours.waitFor(/\(VI_X\) setting VIPs\./, 2000, o);
    await sleep(4500); // longer than keepalived's master-down interval (3.6 s)
    assert.doesNotMatch(ours.out.slice(o), /Entering (MASTER|BACKUP|FAULT) STATE|sent 0 priority|removing VIPs/, 'no flap on our side');
    assert.doesNotMatch(ka.out.slice(k), /priority 0 advertisement|Entering MASTER STATE/, 'keepalived saw neither a priority 0 nor a gap');
    assert.ok((await addresses(a)).includes('10.99.0.100/24'), 'VIP kept');
    // version 2 -> 3: state kept (keepalived then drops our v3 adverts and takes over as it does
    // beside itself: "wrong version"): only our side is checked before it does
    o = ours.out.length;
    fs.writeFileSync(ours.conf, mk('ours', 150, { name: 'VI_X', version: 3 }));
    ours.signal('SIGHUP');
    await ours.waitFor(/Reload complete/, 5000, o);
    await sleep(300);
    assert.doesNotMatch(ours.out.slice(o), /Entering (MASTER|BACKUP|FAULT) STATE|sent 0 priority/, 'no flap on a version change');
    assert.ok((await addresses(a)).includes('10.99.0.100/24'));
    // back to v2, then a VRID change: the old router leaves with priority 0, a new one starts in BACKUP
    o = ours.out.length;
    fs.writeFileSync(ours.conf, mk('ours', 150, { name: 'VI_X' }));
    ours.signal('SIGHUP');
    await ours.waitFor(/Reload complete/, 5000, o);
    await sleep(4500);
    o = ours.out.length;
    k = ka.out.length;
    fs.writeFileSync(ours.conf, mk('ours', 150, { name: 'VI_X', vrid: 52 }));
    ours.signal('SIGHUP');
    await ours.waitFor(/\(VI_X\) Entering BACKUP STATE \(init\)/, 5000, o);
    await ka.waitFor(/\(VI_1\) Backup received priority 0 advertisement/, 3000, k);
    await ka.waitFor(/\(VI_1\) Entering MASTER STATE/, 3000, k);
    const lines = ours.out.slice(o).split('\n').filter((l) => /sent 0 priority|removing VIPs|Entering/.test(l)).map((l) => l.replace(/^.*?: \(/, '('));
    assert.deepEqual(lines, ['(VI_X) sent 0 priority', '(VI_X) removing VIPs.', '(VI_X) Entering BACKUP STATE (init)'], '2.2.7 logs the same three lines');
    await ours.waitFor(/\(VI_X\) Entering MASTER STATE/, 6000, o);
  } finally {
    await ours.stop();
    await ka.stop();
    await lab.dispose();
  }
});

test('sync group: a VIP deleted behind our master sends both members to BACKUP with priority 0 and back after the skew time', { skip, timeout: 60000 }, async () => {
  const { lab, a, b, c } = await threeHosts('vedge-sv');
  const group = 'vrrp_sync_group G1 {\n  group {\n    VI_1\n    VI_2\n  }\n}\n';
  const mk = (id: string, p: number) =>
    `global_defs {\n  router_id ${id}\n}\n` +
    group +
    instance({ name: 'VI_1', vrid: 51, priority: p, vips: ['10.99.0.100/24'] }) +
    instance({ name: 'VI_2', vrid: 52, priority: p, vips: ['10.99.0.101/24'] });
  const tcp = c.spawn(['tcpdump', '-l', '-n', '-i', 'eth0', 'ip proto 112']);
  let wire = '';
  tcp.stdout?.on('data', (x: Buffer) => (wire += x.toString()));
  const ours = VrrpDaemon.start('ours', a, mk('ours', 150));
  const ka = VrrpDaemon.start('keepalived', b, mk('ka', 100));
  try {
    await ours.waitFor(/\(VI_2\) Entering MASTER STATE/, 10000);
    await ours.waitFor(/\(VI_1\) Entering MASTER STATE/, 10000);
    await ka.waitFor(/\(VI_2\) Entering BACKUP STATE/, 10000);
    await sleep(1500);
    const o = ours.out.length;
    const k = ka.out.length;
    const w = wire.length;
    await a.exec(['ip', 'addr', 'del', '10.99.0.100/24', 'dev', 'eth0']);
    const t0 = Date.now();
    await ours.waitFor(/\(VI_2\) Entering MASTER STATE/, 3000, o);
    const back = Date.now() - t0;
    await sleep(500);
    const lines = ours.out.slice(o).split('\n').filter((l) => /Entering|sent 0 priority|Syncing|Receive advertisement timeout/.test(l)).map((l) => l.replace(/^.*?: (?=\(|VRRP_Group)/, ''));
    // keepalived 2.2.7 beside itself logged exactly these lines in this order
    assert.deepEqual(lines, [
      '(VI_1) Entering BACKUP STATE',
      '(VI_1) sent 0 priority',
      '(VI_2) Entering BACKUP STATE',
      '(VI_2) sent 0 priority',
      '(VI_2) Receive advertisement timeout',
      '(VI_1) Receive advertisement timeout',
      '(VI_1) Entering MASTER STATE',
      'VRRP_Group(G1) Syncing instances to MASTER state',
      '(VI_2) Entering MASTER STATE',
    ]);
    assert.ok(back < 2500, `both back after the skew time, not a master-down interval (3.4 s): ${back} ms`);
    assert.match(ka.out.slice(k), /\(VI_1\) Backup received priority 0 advertisement/);
    assert.match(ka.out.slice(k), /\(VI_2\) Backup received priority 0 advertisement/);
    assert.doesNotMatch(ka.out.slice(k), /Entering MASTER STATE/, 'keepalived never takes over');
    assert.match(wire.slice(w), /vrid 51, prio 0,/);
    assert.match(wire.slice(w), /vrid 52, prio 0,/);
    const addrA = await addresses(a);
    assert.ok(addrA.includes('10.99.0.100/24') && addrA.includes('10.99.0.101/24'), 'both VIPs back');
  } finally {
    tcp.kill();
    await ours.stop();
    await ka.stop();
    await lab.dispose();
  }
});
