/**
 * The instance's interface is deleted and created again while running (observed on keepalived
 * 2.2.7, with and without dynamic_interfaces alike: "Interface eth0 deleted" -> FAULT,
 * "Interface eth0 added" -> BACKUP, sockets work again). Ours (priority 150) faces keepalived
 * (100), VRRPv3 at 100 ms: when our eth0 disappears keepalived takes over; when it is back
 * (new ifindex, new veth on the bridge) our adverts reach keepalived again and we preempt it,
 * which needs both our reopened receive and send sockets.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { addresses, sleep, VrrpDaemon } from '../helpers/daemon';
import { run, type Netns } from '../helpers/netns';
import { config, instance, skipReason, threeHosts } from './lab';

/** The VIP is added by netlink right after the MASTER transition (and the first advert): poll briefly. */
async function hasAddr(ns: Netns, ifname: string, addr: string): Promise<boolean> {
  for (let i = 0; i < 20; i++) {
    if ((await addresses(ns, ifname)).includes(addr)) return true;
    await sleep(100);
  }
  return false;
}

const DYN = 'global_defs {\n  router_id ours\n  dynamic_interfaces\n}\n';

test('interface deleted and recreated: FAULT, then back to work with new sockets', { skip: skipReason, timeout: 60000 }, async () => {
  const { lab, a, b } = await threeHosts('dyn');
  try {
    const ours = VrrpDaemon.start('ours', a, config('ours', instance({ priority: 150, version: 3, advertInt: '0.1' })));
    const ka = VrrpDaemon.start('keepalived', b, config('ka', instance({ priority: 100, version: 3, advertInt: '0.1' })));
    try {
      await ours.waitFor(/\(VI_1\) Entering MASTER STATE/, 8000);
      await ka.waitFor(/\(VI_1\) Entering BACKUP STATE/, 8000);

      let o = ours.out.length;
      let k = ka.out.length;
      await a.exec(['ip', 'link', 'del', 'eth0']);
      await ours.waitFor(/Interface eth0 deleted/, 8000, o);
      await ours.waitFor(/\(VI_1\) Entering FAULT STATE/, 8000, o);
      await ka.waitFor(/\(VI_1\) Entering MASTER STATE/, 8000, k);

      o = ours.out.length;
      k = ka.out.length;
      const peer = 'v9dyn';
      await run(['ip', 'link', 'add', 'eth0', 'netns', a.name, 'type', 'veth', 'peer', 'name', peer, 'netns', lab.bridgeNs.name]);
      await lab.bridgeNs.exec(['ip', 'link', 'set', peer, 'master', 'br0', 'up']);
      await a.exec(['sysctl', '-qw', 'net.ipv6.conf.eth0.accept_dad=0']);
      await a.exec(['ip', 'addr', 'add', '10.99.0.1/24', 'dev', 'eth0']);
      await a.exec(['ip', 'link', 'set', 'eth0', 'up']);
      await ours.waitFor(/Interface eth0 added/, 8000, o);
      await ours.waitFor(/\(VI_1\) Entering BACKUP STATE/, 8000, o);
      // keepalived's adverts (100) are received on the new socket: we preempt, it yields to our adverts
      await ours.waitFor(/\(VI_1\) Entering MASTER STATE/, 8000, o);
      await ka.waitFor(/\(VI_1\) Master received advert from 10\.99\.0\.1 with higher priority 150, ours 100/, 8000, k);
      await ka.waitFor(/\(VI_1\) Entering BACKUP STATE/, 8000, k);
      assert.ok(await hasAddr(a, 'eth0', '10.99.0.100/24'), 'VIP on the new eth0');
      assert.doesNotMatch(ours.out.slice(o), /send error/);
    } finally {
      await ours.stop();
      await ka.stop();
    }
  } finally {
    await lab.dispose();
  }
});

test('dynamic_interfaces: an interface created after start (FAULT until it has an address), then election with keepalived', { skip: skipReason, timeout: 60000 }, async () => {
  const { lab, a, b } = await threeHosts('dyn2');
  try {
    const ours = VrrpDaemon.start('ours', a, DYN + instance({ priority: 150, version: 3, advertInt: '0.1' }).replace('interface eth0', 'interface eth1'));
    const ka = VrrpDaemon.start('keepalived', b, config('ka', instance({ priority: 100, version: 3, advertInt: '0.1' })));
    try {
      await ka.waitFor(/\(VI_1\) Entering MASTER STATE/, 8000);
      await ours.waitFor(/Startup complete/, 8000);
      assert.doesNotMatch(ours.out, /Entering (BACKUP|MASTER) STATE/);
      const o = ours.out.length;
      const k = ka.out.length;
      await run(['ip', 'link', 'add', 'eth1', 'netns', a.name, 'type', 'veth', 'peer', 'name', 'v9dyn2', 'netns', lab.bridgeNs.name]);
      await lab.bridgeNs.exec(['ip', 'link', 'set', 'v9dyn2', 'master', 'br0', 'up']);
      await a.exec(['ip', 'link', 'set', 'eth1', 'up']);
      await a.exec(['ip', 'addr', 'add', '10.99.0.11/24', 'dev', 'eth1']);
      await ours.waitFor(/Interface eth1 added/, 8000, o);
      await ours.waitFor(/Assigned address 10\.99\.0\.11 for interface eth1/, 8000, o);
      await ours.waitFor(/\(VI_1\) Entering BACKUP STATE/, 8000, o);
      await ours.waitFor(/\(VI_1\) Entering MASTER STATE/, 8000, o);
      await ka.waitFor(/\(VI_1\) Master received advert from 10\.99\.0\.11 with higher priority 150, ours 100/, 8000, k);
      await ka.waitFor(/\(VI_1\) Entering BACKUP STATE/, 8000, k);
      assert.ok(await hasAddr(a, 'eth1', '10.99.0.100/24'), 'VIP on eth1');
    } finally {
      await ours.stop();
      await ka.stop();
    }
  } finally {
    await lab.dispose();
  }
});

test('without dynamic_interfaces a missing interface stops the VRRP process with a permanent CONFIG error, as keepalived', { skip: skipReason, timeout: 30000 }, async () => {
  const { lab, a } = await threeHosts('dyn3');
  try {
    for (const impl of ['keepalived', 'ours'] as const) {
      const d = VrrpDaemon.start(impl, a, config(impl, instance({ priority: 150 }).replace('interface eth0', 'interface eth1')));
      try {
        await Promise.race([d.exited, sleep(8000)]);
        assert.ok(d.exit, `${impl} still running`);
        assert.match(d.out, /exited with permanent error CONFIG\. Terminating/, impl);
        assert.doesNotMatch(d.out, /Entering (BACKUP|MASTER|FAULT) STATE/, impl);
      } finally {
        await d.stop();
      }
    }
  } finally {
    await lab.dispose();
  }
});

test('use_vmac: the base interface deleted and created again, the VMAC is created again (as 2.2.7)', { skip: skipReason, timeout: 30000 }, async () => {
  const { lab, a, b } = await threeHosts('dyn4');
  try {
    const ours = VrrpDaemon.start('ours', a, config('ours', instance({ priority: 150, version: 3, advertInt: '0.1', extra: ['use_vmac'] })));
    const ka = VrrpDaemon.start('keepalived', b, config('ka', instance({ priority: 100, version: 3, advertInt: '0.1' })));
    try {
      await ours.waitFor(/\(VI_1\) Entering MASTER STATE/, 8000);
      const o = ours.out.length;
      const k = ka.out.length;
      await a.exec(['ip', 'link', 'del', 'eth0']);
      await ours.waitFor(/Interface vrrp\.51 deleted/, 8000, o);
      await ka.waitFor(/\(VI_1\) Entering MASTER STATE/, 8000, k);
      await run(['ip', 'link', 'add', 'eth0', 'netns', a.name, 'type', 'veth', 'peer', 'name', 'v9dyn4', 'netns', lab.bridgeNs.name]);
      await lab.bridgeNs.exec(['ip', 'link', 'set', 'v9dyn4', 'master', 'br0', 'up']);
      await a.exec(['ip', 'addr', 'add', '10.99.0.1/24', 'dev', 'eth0']);
      await a.exec(['ip', 'link', 'set', 'eth0', 'up']);
      await ours.waitFor(/\(VI_1\): Success creating VMAC interface vrrp\.51/, 8000, o);
      await ours.waitFor(/\(VI_1\) Entering MASTER STATE/, 4000, o);
      await ka.waitFor(/\(VI_1\) Entering BACKUP STATE/, 8000, k);
      assert.ok(await hasAddr(a, 'vrrp.51', '10.99.0.100/24'), 'VIP on the new VMAC');
      const link = JSON.parse((await a.exec(['ip', '-j', 'link', 'show', 'dev', 'vrrp.51'])).stdout) as { address: string }[];
      assert.equal(link[0]?.address, '00:00:5e:00:01:33');
    } finally {
      await ours.stop();
      await ka.stop();
    }
  } finally {
    await lab.dispose();
  }
});
