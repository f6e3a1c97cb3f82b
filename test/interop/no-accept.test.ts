/**
 * no_accept: a non-owner master drops traffic to its VIPs through keepalived's nftables tables.
 * keepalived 2.2.7 runs first in host b and its `keepalived` tables (ip and ip6) are captured;
 * ours then runs the same configuration in host a: the tables must be the same, a client (c)
 * cannot ping the VIPs, and the tables are gone after a graceful stop. With accept (the
 * default) the same client gets answers from the VIP. With use_vmac the IGMP map keepalived
 * adds shares the table; compared too.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { test } from 'node:test';
import type { Netns } from '../helpers/netns';
import { VrrpDaemon, sleep } from '../helpers/daemon';
import { config, instance, skipReason, threeHosts } from './lab';

const NFT = ['/usr/sbin/nft', '/sbin/nft', '/usr/bin/nft'].find((p) => fs.existsSync(p));
const skip = skipReason || (!NFT && 'nft not installed (apt package nftables)');

function conf(routerId: string, noAccept: boolean): string {
  const extra = noAccept ? ['no_accept'] : [];
  return config(
    routerId,
    instance({ name: 'VI_1', priority: 100, version: 3, advertInt: '0.1', vrid: 51, vips: ['10.99.0.100/24', '10.99.0.101/24'], extra }),
    instance({ name: 'VI_6', priority: 100, version: 3, advertInt: '0.1', vrid: 52, vips: ['fd00:99::100/64'], extra }),
  );
}

async function table(ns: Netns, fam: 'ip' | 'ip6'): Promise<string | undefined> {
  const r = await ns.exec([NFT!, 'list', 'table', fam, 'keepalived'], { ignoreError: true });
  return r.code === 0 ? r.stdout : undefined;
}

async function pings(c: Netns, addr: string): Promise<boolean> {
  const r = await c.exec(['ping', addr.includes(':') ? '-6' : '-4', '-c', '1', '-W', '1', addr], { ignoreError: true });
  return r.code === 0;
}

async function bothMaster(d: VrrpDaemon): Promise<void> {
  await d.waitFor(/\(VI_1\) Entering MASTER STATE/, 6000);
  await d.waitFor(/\(VI_6\) Entering MASTER STATE/, 6000);
  // nft runs after the state change; give it a moment
  await sleep(300);
}

test('no_accept: nftables drop rules as keepalived 2.2.7, VIP unreachable; accept: reachable', { skip, timeout: 60000 }, async () => {
  const { lab, a, b, c } = await threeHosts('na');
  try {
    // keepalived's layout
    const ka = VrrpDaemon.start('keepalived', b, conf('ka', true));
    let kaIp: string | undefined;
    let kaIp6: string | undefined;
    try {
      await bothMaster(ka);
      kaIp = await table(b, 'ip');
      kaIp6 = await table(b, 'ip6');
    } finally {
      await ka.stop();
    }
    assert.ok(kaIp && kaIp.includes('10.99.0.100'), `keepalived's ip table: ${kaIp}`);
    assert.ok(kaIp6 && kaIp6.includes('fd00:99::100'), `keepalived's ip6 table: ${kaIp6}`);

    const ours = VrrpDaemon.start('ours', a, conf('ours', true));
    try {
      await bothMaster(ours);
      assert.equal(await table(a, 'ip'), kaIp);
      assert.equal(await table(a, 'ip6'), kaIp6);
      assert.match(ours.out, /use_vmac or no_accept\/strict specified, but no firewall configured - using nftables/);
      assert.match(ours.out, /\(VI_1\) setting firewall drop rule/);
      // the addresses are there, but dropped
      const addrs = (await a.exec(['ip', 'addr', 'show', 'dev', 'eth0'])).stdout;
      assert.match(addrs, /10\.99\.0\.100\/24/);
      assert.equal(await pings(c, '10.99.0.100'), false, 'VIP answered under no_accept');
      assert.equal(await pings(c, 'fd00:99::100'), false, 'IPv6 VIP answered under no_accept');
      assert.equal(await pings(c, '10.99.0.1'), true, 'the node address must still answer');
    } finally {
      await ours.stop();
    }
    assert.match(ours.out, /\(VI_1\) removing firewall drop rule/);
    assert.equal(await table(a, 'ip'), undefined, 'ip table left behind');
    assert.equal(await table(a, 'ip6'), undefined, 'ip6 table left behind');

    // use_vmac + no_accept: keepalived's IGMP map for the VMAC and the drop rules share table ip keepalived
    const vconf = (id: string) => config(id, instance({ priority: 100, version: 3, advertInt: '0.1', extra: ['use_vmac', 'no_accept'] }));
    const tables: (string | undefined)[] = [];
    for (const [impl, ns] of [['keepalived', b], ['ours', a]] as const) {
      const d = VrrpDaemon.start(impl, ns, vconf(impl));
      try {
        await d.waitFor(/\(VI_1\) Entering MASTER STATE/, 6000);
        await sleep(300);
        tables.push(await table(ns, 'ip'));
      } finally {
        await d.stop();
      }
      assert.equal(await table(ns, 'ip'), undefined, `${impl}: table left behind`);
    }
    assert.match(tables[0] ?? '', /vmac_map/);
    assert.equal(tables[1], tables[0], 'use_vmac + no_accept table');

    const acc = VrrpDaemon.start('ours', a, conf('ours', false));
    try {
      await bothMaster(acc);
      assert.equal(await table(a, 'ip'), undefined);
      assert.equal(await pings(c, '10.99.0.100'), true, 'VIP does not answer with accept');
      assert.equal(await pings(c, 'fd00:99::100'), true, 'IPv6 VIP does not answer with accept');
    } finally {
      await acc.stop();
    }
  } finally {
    await lab.dispose();
  }
});
