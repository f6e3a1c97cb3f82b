/**
 * Our daemon and real keepalived 2.2.7 with `auth_type AH` (VRRPv2 over IPv4, IPsec-AH with
 * HMAC-MD5-96, IP protocol 51): election in both directions, takeover after SIGKILL of the
 * master (sequence numbers carried on by the new master), and a password mismatch that leaves
 * both MASTER with keepalived's "invalid IPSEC HMAC-MD5 value" line on both sides.
 * Cleanup: daemons stopped by pid, namespaces (kats-ah-*) removed.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { addresses, sleep, VrrpDaemon } from '../helpers/daemon';
import { config, instance, skipReason, threeHosts } from './lab';

const skip = skipReason;
const AH_ERR = /IPSEC-AH|IPSEC AH|auth type|AH header|Entering MASTER STATE/;

const ahInst = (priority: number, pass = 'secret123', unicast?: { src: string; peer: string }) =>
  instance({
    priority,
    vips: ['10.99.0.100/24'],
    extra: ['authentication {', '  auth_type AH', `  auth_pass ${pass}`, '}'],
    ...(unicast ? { unicastSrc: unicast.src, unicastPeers: [unicast.peer] } : {}),
  });

/** Master down interval of a VRRPv2 backup at `prio` with advert_int 1, plus a margin for a loaded machine. */
const downS = (prio: number) => 3 + (256 - prio) / 256 + 1.5;

test('AH: ours (150) preempts keepalived (100), keepalived accepts our adverts; SIGKILL of ours -> keepalived master', { skip, timeout: 60000 }, async (t) => {
  const { lab, a, b } = await threeHosts('ah');
  const ka = VrrpDaemon.start('keepalived', b, config('ka', ahInst(100)));
  let ours: VrrpDaemon | undefined;
  try {
    await ka.waitFor(/\(VI_1\) Entering MASTER STATE/, 8000);
    await sleep(1500); // keepalived's sequence number is past 1
    ours = VrrpDaemon.start('ours', a, config('ours', ahInst(150)));
    await ours.waitFor(/\(VI_1\) received lower priority \(100\) advert from 10\.99\.0\.2 - discarding/, 5000);
    await ours.waitFor(/\(VI_1\) Entering MASTER STATE/, 8000);
    await ka.waitFor(/\(VI_1\) Master received advert from 10\.99\.0\.1 with higher priority 150, ours 100/, 3000);
    await ka.waitFor(/\(VI_1\) Entering BACKUP STATE/, 3000);
    const k0 = ka.out.length;
    await sleep(4500); // longer than a master down interval (3.6 s): adverts keep being accepted
    assert.equal(ka.state(), 'BACKUP');
    assert.doesNotMatch(ka.out.slice(k0), AH_ERR, 'keepalived accepts our AH adverts (ICV, SPI, sequence)');
    assert.doesNotMatch(ours.out, /IPSEC-AH : invalid|already processed|AH header/, 'we accept keepalived’s');
    assert.ok((await addresses(a)).includes('10.99.0.100/24'), 'VIP on our side');
    assert.ok(!(await addresses(b)).includes('10.99.0.100/24'), 'keepalived removed its VIP');

    const t0 = Date.now();
    ours.crash();
    const { at } = await ka.waitFor(/\(VI_1\) Entering MASTER STATE/, 8000, k0);
    const took = (at - t0) / 1000;
    t.diagnostic(`measured takeover: ${took}s`);
    assert.ok(took < downS(100), `takeover took ${took}s`);
    await sleep(300);
    assert.ok((await addresses(b)).includes('10.99.0.100/24'), 'keepalived holds the VIP');
  } finally {
    await ours?.stop();
    await ka.stop();
    await lab.dispose();
  }
});

test('AH: keepalived (150) preempts ours (100), we accept its adverts; SIGKILL of keepalived -> ours master, keepalived restarted takes over again', { skip, timeout: 90000 }, async (t) => {
  const { lab, a, b } = await threeHosts('ah');
  const ours = VrrpDaemon.start('ours', a, config('ours', ahInst(100)));
  let ka: VrrpDaemon | undefined;
  try {
    await ours.waitFor(/\(VI_1\) Entering MASTER STATE/, 8000);
    await sleep(1500);
    ka = VrrpDaemon.start('keepalived', b, config('ka', ahInst(150)));
    await ka.waitFor(/\(VI_1\) Entering MASTER STATE/, 8000);
    await ours.waitFor(/\(VI_1\) Master received advert from 10\.99\.0\.2 with higher priority 150, ours 100/, 3000);
    await ours.waitFor(/\(VI_1\) Entering BACKUP STATE/, 3000);
    const o0 = ours.out.length;
    await sleep(4500); // longer than a master down interval (3.6 s): adverts keep being accepted
    assert.equal(ours.state(), 'BACKUP');
    assert.doesNotMatch(ours.out.slice(o0), AH_ERR, 'we accept keepalived’s AH adverts');
    assert.doesNotMatch(ka.out, /IPSEC-AH : invalid|already processed|AH header/, 'keepalived accepts ours');

    const t0 = Date.now();
    ka.crash();
    const { at } = await ours.waitFor(/\(VI_1\) Entering MASTER STATE/, 8000, o0);
    const took = (at - t0) / 1000;
    t.diagnostic(`measured takeover: ${took}s`);
    assert.ok(took < downS(100), `takeover took ${took}s`);
    await sleep(1500);
    // a fresh keepalived starts from sequence 0, takes our numbers as a backup and preempts with the next ones
    const o1 = ours.out.length;
    const ka2 = VrrpDaemon.start('keepalived', b, config('ka', ahInst(150)));
    ka = ka2;
    await ka2.waitFor(/\(VI_1\) Entering MASTER STATE/, 8000);
    await ours.waitFor(/\(VI_1\) Entering BACKUP STATE/, 3000, o1);
    await sleep(1500);
    assert.equal(ours.state(), 'BACKUP');
    assert.doesNotMatch(ours.out.slice(o1), /IPSEC-AH : invalid|already processed/);
    assert.doesNotMatch(ka2.out, /IPSEC-AH : invalid|already processed/);
  } finally {
    await ka?.stop();
    await ours.stop();
    await lab.dispose();
  }
});

test('AH over unicast peers (TTL left out of the ICV): ours (150) master, keepalived (100) backup accepting it; SIGKILL -> keepalived master', { skip, timeout: 60000 }, async (t) => {
  const { lab, a, b } = await threeHosts('ah');
  const ours = VrrpDaemon.start('ours', a, config('ours', ahInst(150, 'uni', { src: '10.99.0.1', peer: '10.99.0.2' })));
  const ka = VrrpDaemon.start('keepalived', b, config('ka', ahInst(100, 'uni', { src: '10.99.0.2', peer: '10.99.0.1' })));
  try {
    await ours.waitFor(/\(VI_1\) Entering MASTER STATE/, 8000);
    await ka.waitFor(/\(VI_1\) Entering BACKUP STATE/, 8000);
    const k0 = ka.out.length;
    await sleep(4500); // longer than a master down interval (3.6 s): adverts keep being accepted
    assert.equal(ka.state(), 'BACKUP');
    assert.doesNotMatch(ka.out.slice(k0), AH_ERR, 'keepalived accepts our unicast AH adverts');
    assert.doesNotMatch(ours.out, /IPSEC-AH : invalid|already processed|AH header/);
    const t0 = Date.now();
    ours.crash();
    const { at } = await ka.waitFor(/\(VI_1\) Entering MASTER STATE/, 8000, k0);
    t.diagnostic(`measured takeover: ${(at - t0) / 1000}s`);
    assert.ok((at - t0) / 1000 < downS(100));
  } finally {
    await ours.stop();
    await ka.stop();
    await lab.dispose();
  }
});

test('AH: a password mismatch keeps both MASTER, each logging keepalived’s invalid HMAC-MD5 line', { skip, timeout: 60000 }, async () => {
  const { lab, a, b } = await threeHosts('ah');
  const ours = VrrpDaemon.start('ours', a, config('ours', ahInst(150, 'secret123')));
  const ka = VrrpDaemon.start('keepalived', b, config('ka', ahInst(100, 'other')));
  try {
    const line = /\(VI_1\) IPSEC-AH : invalid IPSEC HMAC-MD5 value\. Due to fields mutation or bad password !/;
    await ours.waitFor(/\(VI_1\) Entering MASTER STATE/, 8000);
    await ka.waitFor(line, 5000);
    await ka.waitFor(/\(VI_1\) Entering MASTER STATE/, 8000);
    await ours.waitFor(line, 3000);
    await sleep(1500);
    assert.equal(ours.state(), 'MASTER');
    assert.equal(ka.state(), 'MASTER');
    assert.ok((await addresses(a)).includes('10.99.0.100/24'));
    assert.ok((await addresses(b)).includes('10.99.0.100/24'));
  } finally {
    await ours.stop();
    await ka.stop();
    await lab.dispose();
  }
});
