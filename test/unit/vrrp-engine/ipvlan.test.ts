/**
 * use_ipvlan in the runtime, with fake ports: the ipvlan request (name, base, flags), its
 * address, IPv6 off on it, VIPs and adverts on it with its address as the source, removal at
 * stop; and the failure path keepalived 2.2.7 shows on a kernel without ipvlan (observed:
 * "Unable to create ipvlan interface", FAULT "(interface … down)"). The IFLA_LINKINFO bytes
 * are compared with what keepalived 2.2.7 sent (strace of its RTM_NEWLINK).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatIp } from '../../../src/lib/ip';
import { ipvlanLinkInfo, type LinkInfo } from '../../../src/sys/netlink-rt';
import { VrrpRuntime } from '../../../src/vrrp/runtime/runtime';
import { FakeNetlink, Harness, sliceOf } from './fakes';

const DOWN_US = 3_000_000 + Math.floor((156 * 100 * 625) / 16);

function conf(ipvlan: string): string {
  return `global_defs {\n  router_id t\n}\nvrrp_instance VI_1 {\n  state BACKUP\n  interface eth0\n  virtual_router_id 51\n  priority 100\n  advert_int 1\n  use_ipvlan ${ipvlan}\n  virtual_ipaddress {\n    10.0.0.100/24\n  }\n}\n`;
}

class IpvlanNetlink extends FakeNetlink {
  created: { name: string; base: number; flags: number }[] = [];
  deleted: number[] = [];
  fail: Error | undefined;
  async createIpvlan(name: string, base: number, flags: number): Promise<number> {
    if (this.fail) throw this.fail;
    this.created.push({ name, base, flags });
    const l: LinkInfo = { index: 20, name, up: true, running: true, mac: this.links.find((x) => x.index === base)!.mac! };
    this.links.push(l);
    return l.index;
  }
  async setLinkUp(): Promise<void> {}
  async deleteLink(index: number): Promise<void> {
    this.deleted.push(index);
    this.links = this.links.filter((l) => l.index !== index);
  }
}

function harness(): { h: Harness; nl: IpvlanNetlink; sysctls: Map<string, string> } {
  const h = new Harness();
  const nl = new IpvlanNetlink();
  h.netlink = nl;
  const sysctls = new Map<string, string>();
  Object.assign(h.ports, {
    netlink: nl,
    sysctl: {
      get: (p: string) => sysctls.get(p) ?? '0',
      set: (p: string, v: string) => (sysctls.set(p, v), true),
    },
  });
  return { h, nl, sysctls };
}

test('IFLA_LINKINFO of the ipvlan is byte for byte what keepalived 2.2.7 sends (bridge, private, vepa)', () => {
  // from strace of keepalived 2.2.7: INFO_KIND len 10 "ipvlan"; INFO_DATA len 20 { MODE u16 0 (L2), FLAGS u16 }
  const expected = (flags: number) =>
    Buffer.concat([Buffer.from('0a000100', 'hex'), Buffer.from('ipvlan'), Buffer.alloc(2), Buffer.from('14000200', 'hex'), Buffer.from([6, 0, 1, 0, 0, 0, 0, 0, 6, 0, 2, 0, flags, 0, 0, 0])]);
  for (const f of [0, 1, 2]) assert.deepEqual(ipvlanLinkInfo(f), expected(f), `flags ${f}`);
  assert.equal(ipvlanLinkInfo(1).length + 4, 36, 'IFLA_LINKINFO nla_len 36, as keepalived');
});

test('use_ipvlan NAME IP/LEN private: created on eth0 with its address, VIP on the base interface (as 2.2.7), adverts from its address, deleted at stop', async () => {
  const { h, nl, sysctls } = harness();
  const rt = new VrrpRuntime(h.ports, { dontReleaseVrrp: false });
  await rt.start(sliceOf(conf('ipv7 10.0.0.51/24 private')));
  assert.deepEqual(nl.created, [{ name: 'ipv7', base: 2, flags: 1 }]);
  assert.ok(h.logged(/^\(VI_1\): Success creating ipvlan interface ipv7$/));
  assert.ok(nl.ops.includes('add 10.0.0.51/24@20'), `ops: ${nl.ops.join(', ')}`);
  assert.equal(sysctls.get('net/ipv6/conf/ipv7/disable_ipv6'), '1', 'IPv6 off on the ipvlan of an IPv4 instance');
  await h.advance(DOWN_US + 1);
  const v = rt.instances.get('VI_1')!;
  assert.equal(v.fsm.state, 'MASTER');
  assert.ok(nl.ops.includes('add 10.0.0.100/24@2'), `VIP on the base interface (observed on 2.2.7): ${nl.ops.join(', ')}`);
  assert.ok(!nl.ops.includes('add 10.0.0.100/24@20'), 'not on the ipvlan');
  const tx = h.sockets.find((s) => s.req.ifname === 'ipv7' && s.sent.length > 0);
  assert.ok(tx, 'adverts leave through the ipvlan');
  assert.equal(formatIp(tx.sent.at(-1)!.data.subarray(12, 16)), '10.0.0.51', 'advert source is the ipvlan address');
  await rt.stop();
  assert.deepEqual(nl.deleted, [20], 'ipvlan deleted at stop');
  assert.equal(sysctls.get('net/ipv6/conf/ipv7/disable_ipv6'), '0', 'sysctl restored');
});

test('use_ipvlan without a name or mode: vrrp.VRID, bridge', async () => {
  const { h, nl } = harness();
  const rt = new VrrpRuntime(h.ports, { dontReleaseVrrp: false });
  await rt.start(sliceOf(conf('10.0.0.51/24')));
  assert.deepEqual(nl.created, [{ name: 'vrrp.51', base: 2, flags: 0 }]);
  await rt.stop();
});

test('ipvlan not supported by the kernel: the lines of 2.2.7 and FAULT, no deletion at stop', async () => {
  const { h, nl } = harness();
  nl.fail = Object.assign(new Error('Request rejected: EOPNOTSUPP'), { code: 'EOPNOTSUPP' });
  const rt = new VrrpRuntime(h.ports, { dontReleaseVrrp: false });
  await rt.start(sliceOf(conf('vepa')));
  assert.ok(h.logged(/^Netlink: error: Operation not supported\(95\), type=RTM_NEWLINK\(16\)$/));
  const i = h.logs.findIndex((l) => l === '(VI_1): Unable to create ipvlan interface vrrp.51');
  assert.ok(i >= 0, h.logs.join('\n'));
  assert.ok(h.logs.indexOf('(VI_1): entering FAULT state (interface vrrp.51 down)') > i);
  await h.advance(DOWN_US + 1);
  assert.equal(rt.instances.get('VI_1')!.fsm.state, 'FAULT');
  await rt.stop();
  assert.deepEqual(nl.deleted, []);
});
