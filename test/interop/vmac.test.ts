/**
 * use_vmac against keepalived 2.2.7 (IPv4, VRRPv3 100 ms): both sides create the macvlan
 * vrrp.51 with MAC 00:00:5e:00:01:33; the master holds the VIP on it and the client resolves
 * the VIP to the virtual MAC; after our graceful stop keepalived answers for the VIP with the
 * same MAC, and our VMAC is gone.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { addresses, macOf, neighMac, sleep, VrrpDaemon } from '../helpers/daemon';

import { config, instance, skipReason, threeHosts } from './lab';

const skip = skipReason;
const VMAC = '00:00:5e:00:01:33';

test('use_vmac: VIP on vrrp.51 with the virtual MAC, interoperating with keepalived', { skip, timeout: 60000 }, async () => {
  const { lab, a, b, c } = await threeHosts('iv');
  const inst = (p: number) => instance({ priority: p, version: 3, advertInt: '0.1', extra: ['use_vmac'] });
  const ka = VrrpDaemon.start('keepalived', b, config('ka', inst(100)));
  let ours: VrrpDaemon | undefined;
  try {
    await ka.waitFor(/\(VI_1\) Entering MASTER STATE/, 8000);
    await c.exec(['sysctl', '-qw', 'net.ipv4.conf.eth0.arp_accept=1']);
    ours = VrrpDaemon.start('ours', a, config('ours', inst(150)));
    await ours.waitFor(/\(VI_1\) Entering MASTER STATE/, 8000);
    await ka.waitFor(/\(VI_1\) Entering BACKUP STATE/, 3000);
    await sleep(300);
    assert.equal(await macOf(a, 'vrrp.51'), VMAC, 'our VMAC');
    assert.equal(await macOf(b, 'vrrp.51'), VMAC, 'keepalived VMAC');
    assert.ok((await addresses(a, 'vrrp.51')).includes('10.99.0.100/24'), 'VIP on our VMAC');
    assert.ok(!(await addresses(a, 'eth0')).includes('10.99.0.100/24'));
    // (a ping would teach the client the base MAC through the master's own ARP request, with keepalived too)
    assert.equal(await neighMac(c, '10.99.0.100'), VMAC, 'client entry for the VIP is the virtual MAC (GARPs from the VMAC, not the base MAC)');
    const keys = ['eth0.arp_ignore', 'eth0.arp_filter', 'vrrp/51.arp_ignore', 'vrrp/51.accept_local', 'vrrp/51.promote_secondaries'].map((k) => `net.ipv4.conf.${k}`);
    keys.push('net.ipv6.conf.vrrp/51.disable_ipv6');
    const sa = (await a.exec(['sysctl', ...keys])).stdout;
    assert.equal(sa, (await b.exec(['sysctl', ...keys])).stdout, 'same sysctls as keepalived');
    assert.match(sa, /eth0\.arp_ignore = 1/);
    await sleep(1000);
    assert.equal(ka.state(), 'BACKUP', 'keepalived accepts adverts sent through our VMAC');

    const k = ka.out.length;
    await ours.stop();
    await ka.waitFor(/\(VI_1\) Entering MASTER STATE/, 3000, k);
    assert.equal((await a.exec(['ip', 'link', 'show', 'vrrp.51'], { ignoreError: true })).code !== 0, true, 'our VMAC removed on stop');
    assert.equal((await a.exec(['sysctl', '-n', 'net.ipv4.conf.eth0.arp_ignore'])).stdout.trim(), '0', 'sysctl restored');
    await sleep(300);
    const r = await c.exec(['ping', '-c', '1', '-W', '1', '10.99.0.100'], { ignoreError: true });
    assert.equal(r.code, 0, 'VIP answered by keepalived after the takeover');
  } finally {
    await ours?.stop();
    await ka.stop();
    await lab.dispose();
  }
});

test('use_vmac IPv6: vrrp.51 with 00:00:5e:00:02:33 and the base link-local, interoperating with keepalived', { skip, timeout: 60000 }, async () => {
  const { lab, a, b } = await threeHosts('iv6');
  const inst = (p: number) => instance({ priority: p, version: 3, advertInt: '0.1', vips: ['fd00:99::100/64'], extra: ['use_vmac'] });
  const ka = VrrpDaemon.start('keepalived', b, config('ka', inst(100)));
  let ours: VrrpDaemon | undefined;
  try {
    await ka.waitFor(/\(VI_1\) Entering MASTER STATE/, 8000);
    ours = VrrpDaemon.start('ours', a, config('ours', inst(150)));
    await ours.waitFor(/\(VI_1\): Success creating VMAC interface vrrp\.51/, 8000);
    await ours.waitFor(/\(VI_1\) Entering MASTER STATE/, 8000);
    await ka.waitFor(/\(VI_1\) Master received advert from fe80::[0-9a-f:]+ with higher priority 150, ours 100/, 3000);
    await ka.waitFor(/\(VI_1\) Entering BACKUP STATE/, 3000);
    assert.equal(await macOf(a, 'vrrp.51'), '00:00:5e:00:02:33');
    const mine = (await a.exec(['ip', '-6', 'addr', 'show', 'dev', 'vrrp.51'])).stdout;
    const theirs = (await b.exec(['ip', '-6', 'addr', 'show', 'dev', 'vrrp.51'])).stdout;
    const shape = (t: string) => t.split('\n').filter((l) => /inet6/.test(l)).map((l) => l.replace(/fe80::[0-9a-f:]+/, 'LL').trim()).sort();
    await sleep(300);
    // keepalived (BACKUP) has only its link-local on the VMAC; we have the same kind of line plus the VIP
    assert.ok(shape(theirs).length > 0 && shape(theirs).every((l) => shape(mine).includes(l)), `our VMAC addresses:\n${mine}\nkeepalived's:\n${theirs}`);
    assert.match(mine, /fd00:99::100\/64/);
    await sleep(1000);
    assert.equal(ka.state(), 'BACKUP', 'keepalived accepts our adverts from the VMAC');
  } finally {
    await ours?.stop();
    await ka.stop();
    await lab.dispose();
  }
});
