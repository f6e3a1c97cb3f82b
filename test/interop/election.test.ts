/**
 * Our daemon and real keepalived 2.2.7 in one VRRP group (IPv4 multicast), both directions:
 * election, preemption, nopreempt, graceful stop (priority 0), crash (SIGKILL) failover timing,
 * GARP moving the client's ARP entry, VRRPv2 at 1 s and VRRPv3 at 100 ms / 50 ms.
 * Sections: pre-conditions (skip), setup (three namespaces on a bridge), config, behaviour,
 * cleanup (daemons stopped by pid, namespaces removed).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { addresses, macOf, neighMac, sleep, VrrpDaemon } from '../helpers/daemon';
import { config, instance, skipReason, threeHosts } from './lab';

const skip = skipReason;
/** Scheduling slack allowed on top of protocol timings (2 shared cores, node start-up not included). */
const MARGIN_S = 0.5;

function v3SkewS(prio: number, intS: number): number {
  return ((256 - prio) * intS) / 256;
}

test('v2 1 s: ours (150) preempts keepalived (100); GARP moves the client ARP entry; graceful stop hands back within skew', { skip, timeout: 60000 }, async (t) => {
  const { lab, a, b, c } = await threeHosts('ie1');
  const ka = VrrpDaemon.start('keepalived', b, config('ka', instance({ priority: 100 })));
  let ours: VrrpDaemon | undefined;
  try {
    await ka.waitFor(/\(VI_1\) Entering MASTER STATE/, 8000);
    await c.exec(['ping', '-c', '1', '-W', '1', '10.99.0.100']);
    const macA = await macOf(a);
    const macB = await macOf(b);
    assert.equal(await neighMac(c, '10.99.0.100'), macB, 'client resolved the VIP to keepalived');

    ours = VrrpDaemon.start('ours', a, config('ours', instance({ priority: 150 })));
    await ours.waitFor(/\(VI_1\) Entering BACKUP STATE \(init\)/);
    await ours.waitFor(/\(VI_1\) received lower priority \(100\) advert from 10\.99\.0\.2 - discarding/, 5000);
    await ours.waitFor(/\(VI_1\) Entering MASTER STATE/, 6000);
    await ka.waitFor(/\(VI_1\) Master received advert from 10\.99\.0\.1 with higher priority 150, ours 100/, 3000);
    await ka.waitFor(/\(VI_1\) Entering BACKUP STATE/, 3000);
    await sleep(300);
    assert.ok((await addresses(a)).includes('10.99.0.100/24'), 'VIP on our side');
    assert.ok(!(await addresses(b)).includes('10.99.0.100/24'), 'keepalived removed the VIP');
    assert.equal(await neighMac(c, '10.99.0.100'), macA, 'our GARP moved the client ARP entry');

    // graceful stop: priority 0, keepalived takes over after its skew time (0.61 s at priority 100)
    const from = ka.out.length;
    const t0 = Date.now();
    ours.signal('SIGTERM');
    const { at } = await ka.waitFor(/\(VI_1\) Entering MASTER STATE/, 5000, from);
    const took = (at - t0) / 1000;
    t.diagnostic(`measured takeover: ${took}s`);
    assert.match(ka.out.slice(from), /\(VI_1\) Backup received priority 0 advertisement/);
    assert.ok(took < (256 - 100) / 256 + MARGIN_S, `takeover after priority 0 took ${took}s`);
    await ours.waitFor(/\(VI_1\) sent 0 priority/, 3000);
    await ours.exited;
    assert.ok(!(await addresses(a)).includes('10.99.0.100/24'), 'our VIP removed on stop');
    await sleep(300);
    assert.equal(await neighMac(c, '10.99.0.100'), macB, 'keepalived GARP moved the ARP entry back');
  } finally {
    await ours?.stop();
    await ka.stop();
    await lab.dispose();
  }
});

test('v3 100 ms: keepalived (150) master, ours (100) backup; SIGKILL of keepalived -> takeover in 3*int+skew; restarted keepalived preempts', { skip, timeout: 60000 }, async (t) => {
  const { lab, a, b } = await threeHosts('ie2');
  const inst = (p: number) => instance({ priority: p, version: 3, advertInt: '0.1' });
  let ka = VrrpDaemon.start('keepalived', b, config('ka', inst(150)));
  const ours = VrrpDaemon.start('ours', a, config('ours', inst(100)));
  try {
    await ka.waitFor(/\(VI_1\) Entering MASTER STATE/, 8000);
    await ours.waitFor(/\(VI_1\) Entering BACKUP STATE \(init\)/, 8000);
    await sleep(1000);
    const settled = ours.out.length;
    await sleep(1000);
    assert.equal(ours.state(), 'BACKUP');
    assert.doesNotMatch(ours.out.slice(settled), /Entering MASTER STATE/, 'ours stays BACKUP under a higher-priority keepalived');
    assert.ok(!(await addresses(a)).includes('10.99.0.100/24'));

    const from = ours.out.length;
    const t0 = Date.now();
    ka.crash();
    const { at } = await ours.waitFor(/\(VI_1\) Entering MASTER STATE/, 5000, from);
    const took = (at - t0) / 1000;
    t.diagnostic(`measured takeover: ${took}s`);
    const limit = 3 * 0.1 + v3SkewS(100, 0.1) + MARGIN_S;
    assert.ok(took < limit && took > 0.15, `takeover after SIGKILL took ${took}s (limit ${limit}s)`);
    await sleep(200);
    assert.ok((await addresses(a)).includes('10.99.0.100/24'));
    await ka.stop();

    // keepalived back with 150: it preempts us
    const from2 = ours.out.length;
    ka = VrrpDaemon.start('keepalived', b, config('ka', inst(150)));
    await ka.waitFor(/\(VI_1\) Entering MASTER STATE/, 8000);
    await ours.waitFor(/\(VI_1\) Master received advert from 10\.99\.0\.2 with higher priority 150, ours 100/, 3000, from2);
    await ours.waitFor(/\(VI_1\) Entering BACKUP STATE/, 3000, from2);
    await sleep(200);
    assert.ok(!(await addresses(a)).includes('10.99.0.100/24'), 'VIP removed when leaving MASTER');
  } finally {
    await ours.stop();
    await ka.stop();
    await lab.dispose();
  }
});

test('v3 100 ms: nopreempt keeps ours (150) BACKUP under keepalived (100); keepalived backs up ours and takes over after our SIGKILL', { skip, timeout: 60000 }, async (t) => {
  const { lab, a, b } = await threeHosts('ie3');
  const inst = (p: number, nopreempt = false) => instance({ priority: p, version: 3, advertInt: '0.1', nopreempt });
  let ka = VrrpDaemon.start('keepalived', b, config('ka', inst(100)));
  let ours: VrrpDaemon | undefined;
  try {
    await ka.waitFor(/\(VI_1\) Entering MASTER STATE/, 8000);
    ours = VrrpDaemon.start('ours', a, config('ours', inst(150, true)));
    await ours.waitFor(/\(VI_1\) Entering BACKUP STATE \(init\)/, 8000);
    await sleep(1500);
    assert.equal(ours.state(), 'BACKUP', 'nopreempt: no takeover from a lower-priority master');
    assert.equal(ka.state(), 'MASTER');

    // keepalived crashes: we take over, then a restarted keepalived (100) stays BACKUP
    const from = ours.out.length;
    ka.crash();
    await ours.waitFor(/\(VI_1\) Entering MASTER STATE/, 3000, from);
    await ka.stop();
    ka = VrrpDaemon.start('keepalived', b, config('ka', inst(100)));
    await ka.waitFor(/\(VI_1\) Entering BACKUP STATE/, 8000);
    await sleep(1000);
    assert.equal(ka.state(), 'BACKUP', 'keepalived stays BACKUP under our higher priority');
    assert.doesNotMatch(ka.out, /Entering MASTER STATE/);

    // we crash: keepalived takes over within 3*int + skew
    const from2 = ka.out.length;
    const t0 = Date.now();
    ours.crash();
    const { at } = await ka.waitFor(/\(VI_1\) Entering MASTER STATE/, 5000, from2);
    const took = (at - t0) / 1000;
    t.diagnostic(`measured takeover: ${took}s`);
    const limit = 3 * 0.1 + v3SkewS(100, 0.1) + MARGIN_S;
    assert.ok(took < limit, `keepalived takeover after our SIGKILL took ${took}s (limit ${limit}s)`);
  } finally {
    await ours?.stop();
    await ka.stop();
    await lab.dispose();
  }
});

test('v3 50 ms: stable group (no flaps over 2 s), crash failover within 3*int+skew', { skip, timeout: 60000 }, async (t) => {
  const { lab, a, b } = await threeHosts('ie4');
  const inst = (p: number) => instance({ priority: p, version: 3, advertInt: '0.05' });
  const ka = VrrpDaemon.start('keepalived', b, config('ka', inst(100)));
  const ours = VrrpDaemon.start('ours', a, config('ours', inst(200)));
  try {
    await ours.waitFor(/\(VI_1\) Entering MASTER STATE/, 8000);
    await ka.waitFor(/\(VI_1\) Entering BACKUP STATE/, 8000);
    await sleep(500);
    const o0 = ours.out.length;
    const k0 = ka.out.length;
    await sleep(2000);
    assert.doesNotMatch(ours.out.slice(o0), /Entering (MASTER|BACKUP) STATE/, 'no flap on our side');
    assert.doesNotMatch(ka.out.slice(k0), /Entering (MASTER|BACKUP) STATE/, 'no flap on keepalived');
    assert.equal(ours.state(), 'MASTER');
    assert.equal(ka.state(), 'BACKUP');

    const t0 = Date.now();
    ours.crash();
    const { at } = await ka.waitFor(/\(VI_1\) Entering MASTER STATE/, 5000, k0);
    const took = (at - t0) / 1000;
    t.diagnostic(`measured takeover: ${took}s`);
    const limit = 3 * 0.05 + v3SkewS(100, 0.05) + MARGIN_S;
    assert.ok(took < limit, `takeover took ${took}s (limit ${limit}s)`);
  } finally {
    await ours.stop();
    await ka.stop();
    await lab.dispose();
  }
});

test('v3 100 ms: preempt_delay 1 s holds our takeover from a lower-priority keepalived master', { skip, timeout: 60000 }, async (t) => {
  const { lab, a, b } = await threeHosts('ie5');
  const ka = VrrpDaemon.start('keepalived', b, config('ka', instance({ priority: 100, version: 3, advertInt: '0.1' })));
  let ours: VrrpDaemon | undefined;
  try {
    await ka.waitFor(/\(VI_1\) Entering MASTER STATE/, 8000);
    ours = VrrpDaemon.start('ours', a, config('ours', instance({ priority: 150, version: 3, advertInt: '0.1', extra: ['preempt_delay 1'] })));
    const { at: t0 } = await ours.waitFor(/\(VI_1\) start preempt delay \(1\.000000\)/, 8000);
    const { at } = await ours.waitFor(/\(VI_1\) Entering MASTER STATE/, 5000);
    const held = (at - t0) / 1000;
    t.diagnostic(`preempt held: ${held}s`);
    assert.ok(held >= 0.9, `takeover only after the preempt delay (held ${held}s)`);
    assert.ok(held < 1 + 0.3 + 0.1 + MARGIN_S, `and not much later (held ${held}s)`);
    await ka.waitFor(/\(VI_1\) Entering BACKUP STATE/, 3000);
  } finally {
    await ours?.stop();
    await ka.stop();
    await lab.dispose();
  }
});

test('v3 100 ms: an address owner (state MASTER, priority 255) takes over at once from keepalived', { skip, timeout: 60000 }, async (t) => {
  const { lab, a, b } = await threeHosts('ie6');
  const ka = VrrpDaemon.start('keepalived', b, config('ka', instance({ priority: 100, version: 3, advertInt: '0.1' })));
  let ours: VrrpDaemon | undefined;
  try {
    await ka.waitFor(/\(VI_1\) Entering MASTER STATE/, 8000);
    ours = VrrpDaemon.start('ours', a, config('ours', instance({ priority: 255, state: 'MASTER', version: 3, advertInt: '0.1' })));
    const { at: t0 } = await ours.waitFor(/Startup complete/, 8000);
    const { at } = await ours.waitFor(/\(VI_1\) Entering MASTER STATE/, 3000);
    t.diagnostic(`owner became master ${(at - t0) / 1000}s after start-up`);
    assert.ok((at - t0) / 1000 < 0.3, 'no master-down wait for an owner');
    assert.doesNotMatch(ours.out, /Entering BACKUP STATE/, 'an owner does not log BACKUP (init)');
    await ka.waitFor(/\(VI_1\) Master received advert from 10\.99\.0\.1 with higher priority 255, ours 100/, 3000);
    await ka.waitFor(/\(VI_1\) Entering BACKUP STATE/, 3000);
  } finally {
    await ours?.stop();
    await ka.stop();
    await lab.dispose();
  }
});
