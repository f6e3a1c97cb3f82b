/**
 * Our daemon and real keepalived 2.2.7: IPv6 VRRPv3 (unsolicited NA moves the client's
 * neighbour entry), IPv4 unicast peers, and VRRPv2 PASS authentication (a matching and a
 * mismatching instance side by side on one socket, demultiplexed by VRID).
 * Cleanup: daemons stopped by pid, namespaces removed.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { addresses, macOf, neighMac, sleep, VrrpDaemon } from '../helpers/daemon';
import { config, instance, skipReason, threeHosts } from './lab';

const skip = skipReason;
const MARGIN_S = 0.5;

test('IPv6 VRRPv3 100 ms: ours (150) preempts keepalived (100), NA moves the client entry, graceful stop hands back', { skip, timeout: 60000 }, async (t) => {
  const { lab, a, b, c } = await threeHosts('i6');
  const inst = (p: number) => instance({ priority: p, version: 3, advertInt: '0.1', vips: ['fd00:99::100/64'] });
  const ka = VrrpDaemon.start('keepalived', b, config('ka', inst(100)));
  let ours: VrrpDaemon | undefined;
  try {
    await ka.waitFor(/\(VI_1\) Entering MASTER STATE/, 8000);
    await sleep(200);
    await c.exec(['ping', '-6', '-c', '1', '-W', '1', 'fd00:99::100']);
    const macA = await macOf(a);
    const macB = await macOf(b);
    assert.equal(await neighMac(c, 'fd00:99::100'), macB);

    ours = VrrpDaemon.start('ours', a, config('ours', inst(150)));
    await ours.waitFor(/\(VI_1\) Entering MASTER STATE/, 8000);
    await ka.waitFor(/\(VI_1\) Master received advert from fe80::[0-9a-f:]+ with higher priority 150, ours 100/, 3000);
    await ka.waitFor(/\(VI_1\) Entering BACKUP STATE/, 3000);
    await sleep(300);
    assert.ok((await addresses(a)).includes('fd00:99::100/64'), 'VIP on our side');
    assert.ok(!(await addresses(b)).includes('fd00:99::100/64'), 'keepalived removed its VIP');
    assert.match(ours.out, /Sending unsolicited Neighbour Advert on eth0 for fd00:99::100/);
    assert.equal(await neighMac(c, 'fd00:99::100'), macA, 'our unsolicited NA moved the neighbour entry');

    const from = ka.out.length;
    const t0 = Date.now();
    ours.signal('SIGTERM');
    const { at } = await ka.waitFor(/\(VI_1\) Entering MASTER STATE/, 5000, from);
    assert.match(ka.out.slice(from), /Backup received priority 0 advertisement/);
    const took = (at - t0) / 1000;
    t.diagnostic(`measured takeover: ${took}s`);
    assert.ok(took < ((256 - 100) * 0.1) / 256 + MARGIN_S, `takeover took ${took}s`);
  } finally {
    await ours?.stop();
    await ka.stop();
    await lab.dispose();
  }
});

test('IPv4 unicast peers v3 100 ms: ours (150) master, keepalived (100) backup; our crash -> keepalived master', { skip, timeout: 60000 }, async (t) => {
  const { lab, a, b } = await threeHosts('iu');
  const ours = VrrpDaemon.start('ours', a, config('ours', instance({ priority: 150, version: 3, advertInt: '0.1', unicastSrc: '10.99.0.1', unicastPeers: ['10.99.0.2'] })));
  const ka = VrrpDaemon.start('keepalived', b, config('ka', instance({ priority: 100, version: 3, advertInt: '0.1', unicastSrc: '10.99.0.2', unicastPeers: ['10.99.0.1'] })));
  try {
    await ours.waitFor(/\(VI_1\) Entering MASTER STATE/, 8000);
    await ka.waitFor(/\(VI_1\) Entering BACKUP STATE/, 8000);
    await sleep(1000);
    const k0 = ka.out.length;
    await sleep(1000);
    assert.equal(ka.state(), 'BACKUP');
    assert.doesNotMatch(ka.out.slice(k0), /Entering MASTER STATE|Invalid|invalid/, 'keepalived accepts our unicast adverts');
    const t0 = Date.now();
    ours.crash();
    const { at } = await ka.waitFor(/\(VI_1\) Entering MASTER STATE/, 5000, k0);
    const took = (at - t0) / 1000;
    t.diagnostic(`measured takeover: ${took}s`);
    assert.ok(took < 0.3 + ((256 - 100) * 0.1) / 256 + MARGIN_S, `takeover took ${took}s`);
  } finally {
    await ours.stop();
    await ka.stop();
    await lab.dispose();
  }
});

test('v2 PASS authentication: matching password forms a group, mismatching one is rejected on both sides', { skip, timeout: 60000 }, async (t) => {
  const { lab, a, b } = await threeHosts('ia');
  const mk = (p: number, pass2: string) =>
    [
      instance({ name: 'VI_1', vrid: 51, priority: p, authPass: 'secret', vips: ['10.99.0.100/24'] }),
      instance({ name: 'VI_2', vrid: 52, priority: p, authPass: pass2, vips: ['10.99.0.101/24'] }),
    ];
  const ours = VrrpDaemon.start('ours', a, config('ours', ...mk(150, 'secret')));
  let ka: VrrpDaemon | undefined;
  try {
    await ours.waitFor(/\(VI_1\) Entering MASTER STATE/, 8000);
    await ours.waitFor(/\(VI_2\) Entering MASTER STATE/, 8000);
    ka = VrrpDaemon.start('keepalived', b, config('ka', ...mk(100, 'wrong')));
    await ka.waitFor(/\(VI_2\) received an invalid passwd!/, 5000);
    await ka.waitFor(/\(VI_2\) Entering MASTER STATE/, 8000);
    await ours.waitFor(/\(VI_2\) received an invalid passwd!/, 3000);
    // VI_1 (same password) must have stayed BACKUP all along on keepalived
    assert.equal(ka.state('VI_1'), 'BACKUP');
    assert.doesNotMatch(ka.out, /\(VI_1\) Entering MASTER STATE/);
    assert.doesNotMatch(ka.out, /\(VI_1\) received an invalid passwd/);
    assert.equal(ours.state('VI_1'), 'MASTER');
    assert.ok((await addresses(b)).includes('10.99.0.101/24'), 'keepalived took VI_2 (auth mismatch: it ignores us)');
  } finally {
    await ours.stop();
    await ka?.stop();
    await lab.dispose();
  }
});

test('IPv6 unicast peers v3 100 ms: ours (150) master, keepalived (100) backup; graceful stop hands over', { skip, timeout: 60000 }, async (t) => {
  const { lab, a, b } = await threeHosts('iu6');
  const mk = (p: number, src: string, peer: string) =>
    instance({ priority: p, version: 3, advertInt: '0.1', vips: ['fd00:99::100/64'], unicastSrc: src, unicastPeers: [peer] });
  const ours = VrrpDaemon.start('ours', a, config('ours', mk(150, 'fd00:99::1', 'fd00:99::2')));
  const ka = VrrpDaemon.start('keepalived', b, config('ka', mk(100, 'fd00:99::2', 'fd00:99::1')));
  try {
    await ours.waitFor(/\(VI_1\) Entering MASTER STATE/, 8000);
    await ka.waitFor(/\(VI_1\) Entering BACKUP STATE/, 8000);
    await sleep(1000);
    const k0 = ka.out.length;
    await sleep(1000);
    assert.equal(ka.state(), 'BACKUP');
    assert.doesNotMatch(ka.out.slice(k0), /Entering MASTER STATE|nvalid/, 'keepalived accepts our IPv6 unicast adverts');
    const t0 = Date.now();
    ours.signal('SIGTERM');
    const { at } = await ka.waitFor(/\(VI_1\) Entering MASTER STATE/, 5000, k0);
    const took = (at - t0) / 1000;
    t.diagnostic(`measured takeover: ${took}s`);
    assert.ok(took < ((256 - 100) * 0.1) / 256 + MARGIN_S, `takeover took ${took}s`);
  } finally {
    await ours.stop();
    await ka.stop();
    await lab.dispose();
  }
});
