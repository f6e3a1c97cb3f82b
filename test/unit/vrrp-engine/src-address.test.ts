/**
 * The advert source address follows the interface's addresses (keepalived 2.2.7's netlink
 * address filter, observed in namespaces): another address takes over when the source goes;
 * losing the last one is a FAULT until an address comes back; a configured source address is
 * only tracked with track_src_ip. Fake ports; adverts decoded from the fake socket.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatIp } from '../../../src/lib/ip';
import { VrrpRuntime } from '../../../src/vrrp/runtime/runtime';
import { Harness, sliceOf } from './fakes';

const DOWN_US = 3_000_000 + Math.floor((156 * 100 * 625) / 16);

function conf(extra = ''): string {
  return `global_defs {\n  router_id t\n}\nvrrp_instance VI_1 {\n  state BACKUP\n  interface eth0\n  virtual_router_id 51\n  priority 100\n  advert_int 1\n${extra}\n  virtual_ipaddress {\n    10.0.0.100/24\n  }\n}\n`;
}

async function master(text: string, before?: (h: Harness) => void) {
  const h = new Harness();
  before?.(h);
  const rt = new VrrpRuntime(h.ports, { dontReleaseVrrp: false });
  await rt.start(sliceOf(text));
  await h.advance(DOWN_US + 1);
  const v = rt.instances.get('VI_1')!;
  assert.equal(v.fsm.state, 'MASTER');
  /** Source address of the last advert sent (IPv4 header bytes 12..15). */
  const lastSrc = () => formatIp(h.sock().sent.at(-1)!.data.subarray(12, 16));
  return { h, rt, v, lastSrc };
}

test('the source follows the interface: another address takes over, none is a FAULT until one comes back', async () => {
  const { h, rt, v, lastSrc } = await master(conf(), (h) => h.netlink.addrs.push({ index: 2, family: 4, address: Buffer.from([10, 0, 0, 9]), prefixLen: 24 }));
  assert.equal(lastSrc(), '10.0.0.1');
  h.netlink.changeAddress('eth0', '10.0.0.1', true);
  await h.advance(1_000_000);
  assert.equal(v.fsm.state, 'MASTER');
  assert.equal(lastSrc(), '10.0.0.9', 'the remaining address is the new source');
  h.netlink.changeAddress('eth0', '10.0.0.9', true);
  assert.equal(v.fsm.state, 'FAULT');
  assert.ok(h.logged(/^Deassigned address 10\.0\.0\.9 from interface eth0$/));
  assert.equal(h.sock().priorities().at(-1), 0, 'priority-0 advert on leaving MASTER');
  h.netlink.changeAddress('eth0', '10.0.0.7', false);
  assert.ok(h.logged(/^Assigned address 10\.0\.0\.7 for interface eth0$/));
  assert.equal(v.fsm.state, 'BACKUP');
  await h.advance(DOWN_US + 1);
  assert.equal(v.fsm.state, 'MASTER');
  assert.equal(lastSrc(), '10.0.0.7');
  // our own VIP coming and going is not an interface address
  const n = h.logs.length;
  h.netlink.changeAddress('eth0', '10.0.0.100', true);
  assert.ok(!h.logs.slice(n).some((l) => /assigned address/i.test(l)));
  await rt.stop();
});

test('a configured source address: kept without track_src_ip, FAULT with it until that address is back', async () => {
  const plain = await master(conf('  mcast_src_ip 10.0.0.1'));
  plain.h.netlink.changeAddress('eth0', '10.0.0.1', true);
  await plain.h.advance(1_000_000);
  assert.equal(plain.v.fsm.state, 'MASTER');
  assert.equal(plain.lastSrc(), '10.0.0.1');
  await plain.rt.stop();

  const tracked = await master(conf('  mcast_src_ip 10.0.0.1\n  track_src_ip'));
  tracked.h.netlink.changeAddress('eth0', '10.0.0.1', true);
  assert.equal(tracked.v.fsm.state, 'FAULT');
  tracked.h.netlink.changeAddress('eth0', '10.0.0.5', false);
  assert.equal(tracked.v.fsm.state, 'FAULT', 'another address does not clear it');
  tracked.h.netlink.changeAddress('eth0', '10.0.0.5', true);
  tracked.h.netlink.changeAddress('eth0', '10.0.0.1', false);
  assert.equal(tracked.v.fsm.state, 'BACKUP');
  await tracked.rt.stop();
});

test('a VIP removed behind a master: BACKUP, priority-0 advert, back to MASTER after the skew time with the VIPs again', async () => {
  const { h, rt, v } = await master(conf());
  await h.advance(100_000);
  assert.ok(h.netlink.has('10.0.0.100'));
  h.netlink.changeAddress('eth0', '10.0.0.100', true);
  assert.ok(h.logged(/^Netlink reflector reports IP 10\.0\.0\.100 removed from eth0$/));
  assert.equal(v.fsm.state, 'BACKUP');
  assert.equal(h.sock().priorities().at(-1), 0);
  const at = h.clock.nowUs;
  const skew = Math.floor((156 * 100 * 625) / 16);
  await h.advance(skew - 10_000, 1_000);
  assert.equal(v.fsm.state, 'BACKUP');
  await h.advance(20_000, 1_000);
  assert.equal(v.fsm.state, 'MASTER', `master again after the skew time (${h.clock.nowUs - at} µs)`);
  await h.advance(10_000);
  assert.ok(h.netlink.has('10.0.0.100'), 'VIP restored');
  // our own removal when leaving MASTER is not taken for a deletion behind our back
  const n = h.logs.length;
  await rt.stop();
  h.netlink.changeAddress('eth0', '10.0.0.1', false);
  assert.ok(!h.logs.slice(n).some((l) => /Netlink reflector/.test(l)));
});
