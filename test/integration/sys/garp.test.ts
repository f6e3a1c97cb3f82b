/**
 * GARP and unsolicited NA sent from namespace A change namespace B's neighbour table.
 * Pre-conditions: root, addon built. Cleanup: sender closed, namespaces removed in finally.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isRoot, type Netns } from '../../helpers/netns';
import { GarpSender } from '../../../src/sys/garp';
import { withNetns } from '../../../src/sys/netns';
import { twoHosts, waitFor } from './lab';

const skip = !isRoot() && 'needs root';
const VMAC = Buffer.from('00005e000133', 'hex');
const fmtMac = (b: Buffer) => b.toString('hex').replace(/(..)(?!$)/g, '$1:');

async function neigh(ns: Netns, addr: string): Promise<string> {
  const r = await ns.exec(['ip', 'neigh', 'show', addr, 'dev', 'eth0']);
  return r.stdout.trim();
}

async function pollNeigh(ns: Netns, addr: string, want: RegExp, send: () => void): Promise<string> {
  let last = '';
  for (let i = 0; i < 30; i++) {
    send();
    await new Promise((r) => setTimeout(r, 50));
    last = await neigh(ns, addr);
    if (want.test(last)) return last;
  }
  return last;
}

test('gratuitous ARP: B updates an existing entry and, with arp_accept=1, learns a new one', { skip }, async () => {
  const { lab, A, B } = await twoHosts('garp', ['10.99.0.1/24'], ['10.99.0.2/24']);
  let s: GarpSender | undefined;
  try {
    s = withNetns(A.ns.name, () => GarpSender.open());
    const tA = { ifname: 'eth0', ifindex: A.ifindex, mac: VMAC };
    // existing (stale) entry pointing at an old MAC: the GARP must move it to ours
    await B.ns.exec(['ip', 'neigh', 'replace', '10.99.0.100', 'lladdr', '02:11:22:33:44:55', 'nud', 'stale', 'dev', 'eth0']);
    assert.match(await neigh(B.ns, '10.99.0.100'), /02:11:22:33:44:55/);
    assert.equal(s.sendGarp(tA, '10.99.0.100'), 42);
    const moved = await pollNeigh(B.ns, '10.99.0.100', new RegExp(fmtMac(VMAC)), () => undefined);
    assert.match(moved, new RegExp(`lladdr ${fmtMac(VMAC)}`));
    // no entry yet: without arp_accept nothing is learned, with arp_accept=1 it is
    s.sendGarp({ ...tA, mac: A.mac }, '10.99.0.101');
    await new Promise((r) => setTimeout(r, 100));
    assert.equal(await neigh(B.ns, '10.99.0.101'), '');
    await B.ns.exec(['sysctl', '-qw', 'net.ipv4.conf.eth0.arp_accept=1']);
    const learned = await pollNeigh(B.ns, '10.99.0.101', /lladdr/, () => s!.sendGarp({ ...tA, mac: A.mac }, '10.99.0.101'));
    assert.match(learned, new RegExp(`lladdr ${fmtMac(A.mac)}`));
  } finally {
    s?.close();
    s?.close();
    await lab.dispose();
  }
});

test('unsolicited NA: B overrides an existing entry and, with accept_untracked_na, learns a new one', { skip }, async () => {
  const { lab, A, B } = await twoHosts('una', ['fd99::1/64'], ['fd99::2/64']);
  let s: GarpSender | undefined;
  try {
    s = withNetns(A.ns.name, () => GarpSender.open());
    const tA = { ifname: 'eth0', ifindex: A.ifindex, mac: VMAC };
    await B.ns.exec(['ip', '-6', 'neigh', 'replace', 'fd99::100', 'lladdr', '02:11:22:33:44:55', 'nud', 'stale', 'dev', 'eth0']);
    assert.equal(s.sendUnsolicitedNa(tA, 'fd99::100', false), 86);
    const moved = await pollNeigh(B.ns, 'fd99::100', new RegExp(fmtMac(VMAC)), () => undefined);
    assert.match(moved, new RegExp(`lladdr ${fmtMac(VMAC)}`));
    assert.doesNotMatch(moved, /router/);
    // router flag is carried
    s.sendUnsolicitedNa(tA, 'fd99::100', true);
    const r = await pollNeigh(B.ns, 'fd99::100', /router/, () => undefined);
    assert.match(r, /router/);
    // untracked address: learned only with accept_untracked_na
    s.sendUnsolicitedNa({ ...tA, mac: A.mac }, 'fd99::101', false);
    await new Promise((res) => setTimeout(res, 100));
    assert.equal(await neigh(B.ns, 'fd99::101'), '');
    // the kernel creates entries from untracked NAs only on a router (RFC 9131), so B forwards
    await B.ns.exec(['sysctl', '-qw', 'net.ipv6.conf.eth0.forwarding=1']);
    await B.ns.exec(['sysctl', '-qw', 'net.ipv6.conf.eth0.accept_untracked_na=1']);
    const learned = await pollNeigh(B.ns, 'fd99::101', /lladdr/, () => s!.sendUnsolicitedNa({ ...tA, mac: A.mac }, 'fd99::101', false));
    assert.match(learned, new RegExp(`lladdr ${fmtMac(A.mac)}`));
  } finally {
    s?.close();
    await lab.dispose();
  }
});

test('GarpSender errors: bad ifindex gives a NativeError, bad address a TypeError', { skip }, async () => {
  const { lab, A } = await twoHosts('garpe', ['10.99.0.1/24'], ['10.99.0.2/24']);
  let s: GarpSender | undefined;
  try {
    s = withNetns(A.ns.name, () => GarpSender.open());
    assert.throws(() => s!.sendGarp({ ifname: 'x', ifindex: 9999, mac: A.mac }, '10.99.0.100'), { code: 'ENXIO', syscall: 'sendto' });
    assert.throws(() => s!.sendGarp({ ifname: 'eth0', ifindex: A.ifindex, mac: A.mac }, 'fd99::1'), TypeError);
  } finally {
    s?.close();
    await lab.dispose();
  }
});
