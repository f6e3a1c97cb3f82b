/**
 * garp_extra_if / vrrp_garp_extra_if with the fake runtime ports: periodic GARP/NA on the
 * secondary interfaces of a master's VIPs (one per interface), as keepalived 2.2.7's
 * vrrp_send_vmac_update: not on the instance's own interface, not on plain interfaces without
 * `all`, first one interval after becoming master, none after leaving MASTER.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { VrrpRuntime } from '../../../src/vrrp/runtime/runtime';
import { Harness, sliceOf, v4Advert } from './fakes';

const DOWN_US = 3_000_000 + Math.floor((156 * 100 * 625) / 16);

function conf(global: string, extra: string): string {
  return `global_defs {\n  router_id t\n${global}}\nvrrp_instance VI_1 {\n  state BACKUP\n  interface eth0\n  virtual_router_id 51\n  priority 100\n  advert_int 1\n  version 3\n${extra}\n  virtual_ipaddress {\n    10.0.0.100/24\n    10.0.1.100/24 dev eth1\n    10.0.1.101/24 dev eth1\n  }\n  virtual_ipaddress_excluded {\n    10.0.1.102/24 dev eth1\n  }\n}\n`;
}

async function run(text: string) {
  const h = new Harness();
  const rt = new VrrpRuntime(h.ports, { dontReleaseVrrp: false });
  await rt.start(sliceOf(text));
  await h.advance(DOWN_US + 1);
  assert.equal(rt.instances.get('VI_1')!.fsm.state, 'MASTER');
  // the master's own bursts (garp_master_repeat 5 now and after garp_master_delay 5 s) are done by 6 s
  await h.advance(6_000_000, 100_000);
  return { h, rt, base: h.garp.sent.length };
}

test('garp_extra_if all 2: one GARP per secondary interface every 2 s while MASTER', async () => {
  const { h, rt, base } = await run(conf('', '  garp_extra_if all 2'));
  const before = h.garp.sent.slice();
  await h.advance(4_000_000, 100_000);
  const extra = h.garp.sent.slice(base);
  assert.deepEqual(extra, ['arp eth1 10.0.1.100', 'arp eth1 10.0.1.100'], `periodic: ${JSON.stringify(extra)} after ${JSON.stringify(before)}`);
  assert.ok(h.logged(/^Sending gratuitous ARP on eth1 for 10\.0\.1\.100$/));
  assert.ok(h.logged(/^\(VI_1\) Sending\/queueing gratuitous ARPs on eth1 for 10\.0\.1\.100$/));
  // a higher-priority master: back to BACKUP, no more extra GARPs
  h.sock().deliver(v4Advert({ src: '10.0.0.2', vrid: 51, priority: 200, vips: ['10.0.0.100', '10.0.1.100', '10.0.1.101'] }));
  assert.equal(rt.instances.get('VI_1')!.fsm.state, 'BACKUP');
  const n = h.garp.sent.length;
  // (less than the master-down interval, after which it would be master again)
  await h.advance(2_500_000, 100_000);
  assert.equal(h.garp.sent.length, n);
  await rt.stop();
});

test('first extra GARP one interval after becoming master; global vrrp_garp_extra_if is the default', async () => {
  const h = new Harness();
  const rt = new VrrpRuntime(h.ports, { dontReleaseVrrp: false });
  await rt.start(sliceOf(conf('  vrrp_garp_extra_if all 3\n', '  garp_master_repeat 1\n  garp_master_delay 0')));
  await h.advance(DOWN_US + 1);
  const base = h.garp.sent.length;
  await h.advance(2_900_000, 100_000);
  assert.equal(h.garp.sent.length, base, 'nothing before the interval');
  await h.advance(200_000, 100_000);
  assert.deepEqual(h.garp.sent.slice(base), ['arp eth1 10.0.1.100']);
  await rt.stop();
});

test('without `all` only VMAC interfaces count; 0 disables', async () => {
  for (const extra of ['  garp_extra_if 2', '  garp_extra_if all 0']) {
    const { h, rt, base } = await run(conf('', extra));
    await h.advance(5_000_000, 100_000);
    assert.deepEqual(h.garp.sent.slice(base), [], extra);
    await rt.stop();
  }
});
