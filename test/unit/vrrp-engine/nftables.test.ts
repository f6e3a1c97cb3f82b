/**
 * no_accept firewall (src/sys/nftables.ts) with a fake nft: the scripts sent (keepalived's
 * table layout, observed on 2.2.7; the interop test compares the real ruleset), reference
 * counting of shared VIPs, link-local rules removed by handle, tables deleted on close.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { NftFirewall, tableScript, type FirewallAddr } from '../../../src/sys/nftables';

const OPTS = { table: 'keepalived', priority: -1, counters: false, ifindex: false };
const v4 = (address: string): FirewallAddr => ({ family: 4, address, ifname: 'eth0', ifindex: 2 });
const v6 = (address: string): FirewallAddr => ({ family: 6, address, ifname: 'eth0', ifindex: 2 });

function fake() {
  const calls: { args: string[]; stdin: string }[] = [];
  let listing = '';
  const errors: string[] = [];
  const fw = new NftFirewall(
    OPTS,
    async (args, stdin) => {
      calls.push({ args, stdin });
      if (args[0] === '-a') return { code: 0, stdout: listing, stderr: '' };
      if (stdin.includes('bad')) return { code: 1, stdout: '', stderr: 'Error: syntax error\nmore' };
      return { code: 0, stdout: '', stderr: '' };
    },
    (m) => errors.push(m),
  );
  return { fw, calls, errors, setListing: (l: string) => (listing = l) };
}

test('table scripts: priority, counters, the IPv6 neighbour-discovery exception', () => {
  const s4 = tableScript(4, OPTS);
  assert.match(s4, /add chain ip keepalived in \{ type filter hook input priority filter - 1; policy accept; \}/);
  assert.match(s4, /add rule ip keepalived in ip daddr @vips drop/);
  assert.match(s4, /add rule ip keepalived out ip saddr @vips drop/);
  assert.doesNotMatch(s4, /icmpv6/);
  const s6 = tableScript(6, { ...OPTS, priority: 5, counters: true, table: 'kt' });
  assert.match(s6, /priority filter \+ 5;/);
  assert.match(s6, /add rule ip6 kt in icmpv6 type @neighbor-discovery counter accept/);
  assert.match(s6, /add rule ip6 kt in ip6 daddr fe80::\/10 counter goto in_link_local/);
  assert.match(s6, /add rule ip6 kt out ip6 saddr @vips counter drop/);
  // the set and chains exist before the rules that use them
  assert.ok(s6.indexOf('add set ip6 kt vips') < s6.indexOf('@vips'));
  assert.ok(s6.indexOf('add chain ip6 kt in_link_local') < s6.indexOf('goto in_link_local'));
});

test('block/unblock: tables once per family, shared VIPs reference-counted, close deletes', async () => {
  const { fw, calls, errors } = fake();
  await fw.block([v4('10.0.0.1'), v4('10.0.0.2')]);
  assert.equal(calls.length, 1);
  assert.match(calls[0]!.stdin, /add table ip keepalived/);
  assert.match(calls[0]!.stdin, /add element ip keepalived vips \{ 10\.0\.0\.1, 10\.0\.0\.2 \}/);
  assert.doesNotMatch(calls[0]!.stdin, /ip6/);
  // a second instance with an overlapping VIP: only the new address, no new table
  await fw.block([v4('10.0.0.2'), v4('10.0.0.3')]);
  assert.equal(calls.length, 2);
  assert.doesNotMatch(calls[1]!.stdin, /table/);
  assert.match(calls[1]!.stdin, /^add element ip keepalived vips \{ 10\.0\.0\.3 \}\n$/);
  // the first instance leaves MASTER: 10.0.0.2 is still used by the second
  await fw.unblock([v4('10.0.0.1'), v4('10.0.0.2')]);
  assert.match(calls[2]!.stdin, /^delete element ip keepalived vips \{ 10\.0\.0\.1 \}\n$/);
  await fw.block([v6('fd00::1')]);
  assert.match(calls[3]!.stdin, /add table ip6 keepalived/);
  assert.match(calls[3]!.stdin, /add element ip6 keepalived vips \{ fd00::1 \}/);
  await fw.close();
  const last = calls.slice(-2).map((c) => c.stdin).sort();
  assert.deepEqual(last, ['delete table ip keepalived\n', 'delete table ip6 keepalived\n']);
  assert.deepEqual(errors, []);
});

test('link-local VIPs: per-interface rules, removed by their handles', async () => {
  const { fw, calls, setListing } = fake();
  setListing(
    'table ip6 keepalived {\n\tchain in_link_local { # handle 3\n\t\tip6 daddr fe80::99 iifname "eth0" drop # handle 13\n\t}\n' +
      '\tchain out_link_local { # handle 4\n\t\tip6 saddr fe80::99 oifname "eth0" drop # handle 14\n\t}\n}\n',
  );
  await fw.block([v6('fe80::99')]);
  assert.match(calls[0]!.stdin, /add rule ip6 keepalived in_link_local ip6 daddr fe80::99 iifname "eth0" drop/);
  assert.match(calls[0]!.stdin, /add rule ip6 keepalived out_link_local ip6 saddr fe80::99 oifname "eth0" drop/);
  await fw.unblock([v6('fe80::99')]);
  const del = calls[calls.length - 1]!.stdin;
  assert.match(del, /delete rule ip6 keepalived in_link_local handle 13/);
  assert.match(del, /delete rule ip6 keepalived out_link_local handle 14/);
});

test('nft errors are reported, not thrown', async () => {
  const { fw, errors } = fake();
  await fw.block([v4('bad')]);
  assert.equal(errors.length, 1);
  assert.match(errors[0]!, /^nftables: cannot set drop rules: Error: syntax error$/);
});

test('use_vmac: the IGMP map and rule in table ip keepalived, then the no_accept part added to the same table', async () => {
  const { fw, calls, errors } = fake();
  await fw.setVmacs([{ family: 4, vmac: 'vrrp.51', base: 'eth0' }]);
  const s0 = calls[0]!.stdin;
  assert.match(s0, /add chain ip keepalived out \{ type filter hook output/);
  assert.match(s0, /add map ip keepalived vmac_map \{ type iface_index : iface_index; \}/);
  assert.match(s0, /add element ip keepalived vmac_map \{ "vrrp\.51" : "eth0" \}/);
  assert.match(s0, /add rule ip keepalived out ip protocol igmp meta oifkind "macvlan" dup to ip daddr device oif map @vmac_map drop/);
  assert.doesNotMatch(s0, /chain ip keepalived in/);
  await fw.setVmacs([{ family: 4, vmac: 'vrrp.51', base: 'eth0' }]);
  assert.equal(calls.length, 1, 'known VMAC: nothing to do');
  await fw.setVmacs([{ family: 4, vmac: 'vrrp.52', base: 'eth0' }]);
  assert.equal(calls[1]!.stdin, 'add element ip keepalived vmac_map { "vrrp.52" : "eth0" }\n');
  await fw.block([v4('10.0.0.1')]);
  const s2 = calls[2]!.stdin;
  assert.doesNotMatch(s2, /table/, 'the table is kept (no delete/re-create)');
  assert.match(s2, /add chain ip keepalived in/);
  assert.match(s2, /add set ip keepalived vips/);
  await fw.close();
  assert.equal(calls.at(-1)!.stdin, 'delete table ip keepalived\n');
  assert.deepEqual(errors, []);
});

test('use_vmac IPv6: MLD map, router-solicit set and rules in table ip6 keepalived', async () => {
  const { fw, calls } = fake();
  await fw.setVmacs([{ family: 6, vmac: 'vrrp.52', base: 'eth0' }]);
  const s0 = calls[0]!.stdin;
  assert.match(s0, /add table ip6 keepalived/);
  assert.match(s0, /add set ip6 keepalived vmac_set \{ type iface_index; \}/);
  assert.match(s0, /add element ip6 keepalived vmac_set \{ "vrrp\.52" \}/);
  assert.match(s0, /add rule ip6 keepalived out icmpv6 type mld2-listener-report meta oifkind "macvlan" dup to ip6 daddr device oif map @vmac_map drop/);
  assert.match(s0, /add rule ip6 keepalived out icmpv6 type nd-router-solicit meta oifkind "macvlan" oif @vmac_set drop/);
  assert.doesNotMatch(s0, / ip keepalived/);
});
