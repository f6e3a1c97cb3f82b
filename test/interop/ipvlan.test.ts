/**
 * use_ipvlan against keepalived 2.2.7 (IPv4, VRRPv3 100 ms), same configuration on both sides.
 *
 * - Kernel without ipvlan (CONFIG_IPVLAN unset, as on the development VM): both log the
 *   RTM_NEWLINK error and "Unable to create ipvlan interface vrrp.51", enter FAULT with
 *   "(interface vrrp.51 down)", and leave no device behind.
 * - Kernel with ipvlan (run in the IPVS VM through test/vm/ipvlan.test.ts): the device's
 *   `ip -d -j link` linkinfo matches keepalived's, the ipvlan carries only its own address and
 *   the VIP goes on the base interface (as 2.2.7 does); failover between the two; our device is
 *   removed at stop. This case is skipped where the kernel cannot create an ipvlan.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { addresses, sleep, VrrpDaemon } from '../helpers/daemon';
import type { Netns } from '../helpers/netns';

import { config, instance, skipReason, threeHosts } from './lab';

const skip = skipReason;

async function ipvlanSupported(ns: Netns): Promise<boolean> {
  const r = await ns.exec(['ip', 'link', 'add', 'kats-ivprobe', 'link', 'eth0', 'type', 'ipvlan', 'mode', 'l2'], { ignoreError: true });
  if (r.code !== 0) return false;
  await ns.exec(['ip', 'link', 'del', 'kats-ivprobe'], { ignoreError: true });
  return true;
}

async function linkExists(ns: Netns, name: string): Promise<boolean> {
  return (await ns.exec(['ip', 'link', 'show', 'dev', name], { ignoreError: true })).code === 0;
}

/** The essentials of `ip -d -j link show dev NAME`: kind, ipvlan data, flags, link. */
async function linkEssentials(ns: Netns, name: string): Promise<unknown> {
  const j = JSON.parse((await ns.exec(['ip', '-d', '-j', 'link', 'show', 'dev', name])).stdout) as { flags?: string[]; link?: string; mtu?: number; linkinfo?: unknown; operstate?: string }[];
  const l = j[0]!;
  return { flags: [...(l.flags ?? [])].sort(), link: l.link, mtu: l.mtu, linkinfo: l.linkinfo };
}

const inst = (p: number, ipvlan: string) => instance({ priority: p, version: 3, advertInt: '0.1', extra: [`use_ipvlan ${ipvlan}`] });

test('use_ipvlan on a kernel without ipvlan: same lines and FAULT as keepalived, no device left', { skip, timeout: 20000 }, async (t) => {
  const { lab, a, b } = await threeHosts('ivl');
  let ka: VrrpDaemon | undefined;
  let ours: VrrpDaemon | undefined;
  try {
    if (await ipvlanSupported(a)) {
      t.skip('this kernel supports ipvlan (see the next test)');
      return;
    }
    ka = VrrpDaemon.start('keepalived', b, config('ka', inst(100, '10.99.0.52/24 private')));
    ours = VrrpDaemon.start('ours', a, config('ours', inst(150, '10.99.0.51/24 private')));
    for (const d of [ka, ours]) {
      await d.waitFor(/Netlink: error: Operation not supported\(95\), type=RTM_NEWLINK\(16\)/, 8000);
      await d.waitFor(/\(VI_1\): Unable to create ipvlan interface vrrp\.51\n/, 8000);
      await d.waitFor(/\(VI_1\): entering FAULT state \(interface vrrp\.51 down\)\n/, 8000);
      await d.waitFor(/\(VI_1\) entering FAULT state\n/, 8000);
    }
    await sleep(500);
    assert.equal(ours.state(), 'FAULT');
    assert.equal(ka.state(), 'FAULT');
    assert.ok(!/Entering (MASTER|BACKUP) STATE/.test(ours.out), 'ours never leaves FAULT');
    assert.ok(!/Entering (MASTER|BACKUP) STATE/.test(ka.out), 'keepalived never leaves FAULT');
    assert.equal(await linkExists(a, 'vrrp.51'), false);
    assert.equal(await linkExists(b, 'vrrp.51'), false);
    assert.ok(!(await addresses(a, 'eth0')).includes('10.99.0.100/24'), 'no VIP in FAULT');
    await ours.stop();
    assert.equal(ours.exit?.code ?? 0, 0);
  } finally {
    await ours?.stop();
    await ka?.stop();
    await lab.dispose();
  }
});

test('use_ipvlan: same device and addresses as keepalived, failover both ways, removed at stop', { skip, timeout: 60000 }, async (t) => {
  const { lab, a, b } = await threeHosts('ivl2');
  let ka: VrrpDaemon | undefined;
  let ours: VrrpDaemon | undefined;
  try {
    if (!(await ipvlanSupported(a))) {
      t.skip('this kernel cannot create ipvlan devices (CONFIG_IPVLAN)');
      return;
    }
    ka = VrrpDaemon.start('keepalived', b, config('ka', inst(100, '10.99.0.52/24 private')));
    await ka.waitFor(/\(VI_1\) Entering MASTER STATE/, 8000);
    const kaLink = await linkEssentials(b, 'vrrp.51');
    const kaAddrs = (await addresses(b, 'vrrp.51')).sort();
    assert.deepEqual(kaAddrs, ['10.99.0.52/24'], 'keepalived: only its own address on the ipvlan');
    assert.ok((await addresses(b, 'eth0')).includes('10.99.0.100/24'), 'keepalived: the VIP on the base interface');

    ours = VrrpDaemon.start('ours', a, config('ours', inst(150, '10.99.0.51/24 private')));
    await ours.waitFor(/\(VI_1\) Entering MASTER STATE/, 8000);
    await ka.waitFor(/\(VI_1\) Entering BACKUP STATE/, 3000);
    await sleep(300);
    assert.deepEqual(await linkEssentials(a, 'vrrp.51'), kaLink, 'same ipvlan device as keepalived');
    assert.deepEqual((await addresses(a, 'vrrp.51')).sort(), ['10.99.0.51/24'], 'only our own address on the ipvlan');
    assert.ok((await addresses(a, 'eth0')).includes('10.99.0.100/24'), 'the VIP on the base interface, as keepalived');
    assert.ok(!(await addresses(b, 'eth0')).includes('10.99.0.100/24'), 'keepalived BACKUP removed the VIP');
    assert.deepEqual((await addresses(b, 'vrrp.51')).sort(), ['10.99.0.52/24'], 'keepalived BACKUP keeps only its own address');
    await sleep(1000);
    assert.equal(ka.state(), 'BACKUP', 'keepalived accepts adverts sent through our ipvlan');

    const k = ka.out.length;
    await ours.stop();
    await ka.waitFor(/\(VI_1\) Entering MASTER STATE/, 3000, k);
    assert.equal(await linkExists(a, 'vrrp.51'), false, 'our ipvlan removed at stop');
  } finally {
    await ours?.stop();
    await ka?.stop();
    await lab.dispose();
  }
});
