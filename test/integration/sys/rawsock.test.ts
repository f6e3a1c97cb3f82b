/**
 * VRRP raw socket port against real kernels: two namespaces on a bridge.
 * Pre-conditions: root, addon built. Cleanup: sockets closed and namespaces removed in finally.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isRoot } from '../../helpers/netns';
import { parseIp } from '../../../src/lib/ip';
import { type NativeError } from '../../../src/sys/native';
import { withNetns } from '../../../src/sys/netns';
import { VrrpRawSocket, type RecvMsg } from '../../../src/sys/rawsock';
import { twoHosts, v2Advert, waitFor } from './lab';

const skip = !isRoot() && 'needs root';


/** VRRPv3 advert body with a zero checksum (the kernel fills it via IPV6_CHECKSUM). */
function v3Advert6(vrid: number, prio: number, vip: string): Buffer {
  const b = Buffer.alloc(8 + 16);
  b[0] = 0x31;
  b[1] = vrid;
  b[2] = prio;
  b[3] = 1;
  b.writeUInt16BE(100, 4); // 100 centiseconds
  parseIp(vip)!.bytes.copy(b, 8);
  return b;
}

const ip = (b: Buffer) => (b.length ? parseIp(b.length === 4 ? [...b].join('.') : b.toString('hex').replace(/(.{4})(?!$)/g, '$1:'))!.text : '');

test('IPv4 multicast 224.0.0.18: header included, TTL 255, pktinfo', { skip }, async () => {
  const { lab, A, B } = await twoHosts('raw4', ['10.99.0.1/24'], ['10.99.0.2/24']);
  const socks: VrrpRawSocket[] = [];
  try {
    const got: RecvMsg[] = [];
    const errs: NativeError[] = [];
    socks.push(withNetns(B.ns.name, () => VrrpRawSocket.open({ family: 4, ifname: 'eth0', groups: ['224.0.0.18'] }, { onMessage: (m) => got.push(m), onError: (e) => errs.push(e) })));
    const tx = withNetns(A.ns.name, () => VrrpRawSocket.open({ family: 4, ifname: 'eth0', sendOnly: true }, { onMessage: () => undefined }));
    socks.push(tx);
    const adv = v2Advert(51, 100, '10.99.0.100');
    assert.equal(tx.send(adv, '224.0.0.18'), 20);
    await waitFor(() => got.length >= 1, 5000, 'advert at B');
    const m = got[0]!;
    assert.equal(m.data[0]! >> 4, 4, 'IPv4 header included');
    const ihl = (m.data[0]! & 0xf) * 4;
    assert.equal(m.data[8], 255, 'TTL in header');
    assert.equal(m.data[9], 112, 'protocol');
    assert.deepEqual(m.data.subarray(ihl), adv);
    assert.equal(ip(m.from), '10.99.0.1');
    assert.equal(ip(m.to), '224.0.0.18');
    assert.equal(m.ifindex, B.ifindex);
    assert.equal(m.hopLimit, 255);
    // TTL change is visible to the receiver: the values come from the wire
    tx.setTtl(9);
    tx.send(adv, '224.0.0.18');
    await waitFor(() => got.length >= 2, 5000, 'second advert');
    assert.equal(got[1]!.hopLimit, 9);
    assert.equal(got[1]!.data[8], 9);
    // leaving the group stops delivery
    socks[0]!.leaveGroup('224.0.0.18');
    tx.setTtl(255);
    tx.send(adv, '224.0.0.18');
    await new Promise((r) => setTimeout(r, 150));
    assert.equal(got.length, 2);
    assert.deepEqual(errs, []);
  } finally {
    for (const s of socks) s.close();
    await lab.dispose();
  }
});

test('IPv6 multicast ff02::12: kernel checksum, hop limit 255 via recvmsg, link-local source', { skip }, async () => {
  const { lab, A, B } = await twoHosts('raw6', ['fd99::1/64'], ['fd99::2/64']);
  const socks: VrrpRawSocket[] = [];
  try {
    const got: RecvMsg[] = [];
    socks.push(withNetns(B.ns.name, () => VrrpRawSocket.open({ family: 6, ifname: 'eth0', groups: ['ff02::12'] }, { onMessage: (m) => got.push(m) })));
    const tx = withNetns(A.ns.name, () => VrrpRawSocket.open({ family: 6, ifname: 'eth0', bindAddr: A.linkLocal }, { onMessage: () => undefined }));
    socks.push(tx);
    const adv = v3Advert6(7, 200, 'fd99::100');
    tx.send(adv, 'ff02::12');
    await waitFor(() => got.length >= 1, 5000, 'advert at B');
    const m = got[0]!;
    assert.equal(m.data.length, 24, 'IPv6 raw delivers the payload only');
    assert.deepEqual(m.data.subarray(8), adv.subarray(8));
    assert.notEqual(m.data.readUInt16BE(6), 0, 'checksum filled by the kernel');
    assert.equal(m.hopLimit, 255);
    assert.equal(ip(m.from), A.linkLocal);
    assert.equal(m.scopeId, B.ifindex);
    assert.equal(ip(m.to), 'ff02::12');
    assert.equal(m.ifindex, B.ifindex);
    tx.setTtl(1);
    tx.send(adv, 'ff02::12');
    await waitFor(() => got.length >= 2, 5000, 'second advert');
    assert.equal(got[1]!.hopLimit, 1);
  } finally {
    for (const s of socks) s.close();
    await lab.dispose();
  }
});

test('unicast with bind to a chosen source (v4 secondary address, v6 global)', { skip }, async () => {
  const { lab, A, B } = await twoHosts('rawu', ['10.99.0.1/24', '10.99.0.11/24', 'fd99::1/64', 'fd99::11/64'], ['10.99.0.2/24', 'fd99::2/64']);
  const socks: VrrpRawSocket[] = [];
  try {
    const got4: RecvMsg[] = [];
    const got6: RecvMsg[] = [];
    socks.push(withNetns(B.ns.name, () => VrrpRawSocket.open({ family: 4, ifname: 'eth0' }, { onMessage: (m) => got4.push(m) })));
    socks.push(withNetns(B.ns.name, () => VrrpRawSocket.open({ family: 6, ifname: 'eth0' }, { onMessage: (m) => got6.push(m) })));
    const tx4 = withNetns(A.ns.name, () => VrrpRawSocket.open({ family: 4, ifname: 'eth0', bindAddr: '10.99.0.11' }, { onMessage: () => undefined }));
    const tx6 = withNetns(A.ns.name, () => VrrpRawSocket.open({ family: 6, ifname: 'eth0', bindAddr: 'fd99::11' }, { onMessage: () => undefined }));
    socks.push(tx4, tx6);
    tx4.send(v2Advert(1, 100, '10.99.0.100'), '10.99.0.2');
    tx6.send(v3Advert6(1, 100, 'fd99::100'), 'fd99::2');
    await waitFor(() => got4.length >= 1 && got6.length >= 1, 5000, 'unicast adverts');
    assert.equal(ip(got4[0]!.from), '10.99.0.11');
    assert.equal(ip(got4[0]!.to), '10.99.0.2');
    assert.equal(got4[0]!.hopLimit, 255);
    assert.equal(ip(got6[0]!.from), 'fd99::11');
    assert.equal(ip(got6[0]!.to), 'fd99::2');
    assert.equal(got6[0]!.hopLimit, 255);
    // binding an address the host does not have fails cleanly with a NativeError
    assert.throws(
      () => withNetns(A.ns.name, () => VrrpRawSocket.open({ family: 4, ifname: 'eth0', bindAddr: '10.99.0.77' }, { onMessage: () => undefined })),
      { code: 'EADDRNOTAVAIL', syscall: 'bind' },
    );
    assert.throws(() => withNetns(A.ns.name, () => VrrpRawSocket.open({ family: 4, ifname: 'nope0' }, { onMessage: () => undefined })), { code: 'ENODEV' });
  } finally {
    for (const s of socks) s.close();
    await lab.dispose();
  }
});

test('IPv4 IP_HDRINCL: our own header is sent as built (source, TTL), kernel fills checksum and id', { skip }, async () => {
  const { lab, A, B } = await twoHosts('rawh', ['10.99.0.1/24', '10.99.0.11/24'], ['10.99.0.2/24']);
  const socks: VrrpRawSocket[] = [];
  try {
    const got: RecvMsg[] = [];
    socks.push(withNetns(B.ns.name, () => VrrpRawSocket.open({ family: 4, ifname: 'eth0', groups: ['224.0.0.18'] }, { onMessage: (m) => got.push(m) })));
    const tx = withNetns(A.ns.name, () => VrrpRawSocket.open({ family: 4, ifname: 'eth0', hdrincl: true, sendOnly: true }, { onMessage: () => undefined }));
    socks.push(tx);
    const adv = v2Advert(9, 90, '10.99.0.100');
    const iph = Buffer.alloc(20);
    iph[0] = 0x45;
    iph[1] = 0xc0; // tos as keepalived sets it
    iph.writeUInt16BE(20 + adv.length, 2);
    iph[8] = 255;
    iph[9] = 112;
    Buffer.from([10, 99, 0, 11]).copy(iph, 12);
    Buffer.from([224, 0, 0, 18]).copy(iph, 16);
    assert.equal(tx.send(Buffer.concat([iph, adv]), '224.0.0.18'), 40);
    await waitFor(() => got.length >= 1, 5000, 'advert at B');
    const m = got[0]!;
    assert.equal(ip(m.from), '10.99.0.11');
    assert.equal(m.data[1], 0xc0);
    assert.equal(m.hopLimit, 255);
    assert.notEqual(m.data.readUInt16BE(10), 0, 'header checksum filled');
    assert.deepEqual(m.data.subarray(20), adv);
  } finally {
    for (const s of socks) s.close();
    await lab.dispose();
  }
});

test('tcpdump in the receiving namespace decodes our packet as VRRP', { skip }, async () => {
  const { lab, A, B } = await twoHosts('rawd', ['10.99.0.1/24'], ['10.99.0.2/24']);
  let tx: VrrpRawSocket | undefined;
  const dump = B.ns.spawn(['tcpdump', '-i', 'eth0', '-l', '-c', '1', '-nvv', 'ip proto 112']);
  try {
    let out = '';
    let err = '';
    dump.stdout!.on('data', (d: Buffer) => (out += d.toString()));
    dump.stderr!.on('data', (d: Buffer) => (err += d.toString()));
    await waitFor(() => err.includes('listening on'), 10000, 'tcpdump to start');
    tx = withNetns(A.ns.name, () => VrrpRawSocket.open({ family: 4, ifname: 'eth0', sendOnly: true }, { onMessage: () => undefined }));
    const exited = new Promise<void>((r) => dump.on('exit', () => r()));
    for (let i = 0; i < 20 && !out; i++) {
      tx.send(v2Advert(51, 150, '10.99.0.100'), '224.0.0.18');
      await new Promise((r) => setTimeout(r, 100));
    }
    await exited;
    assert.match(out, /ttl 255.*proto VRRP \(112\)/s);
    assert.match(out, /10\.99\.0\.1 > 224\.0\.0\.18: VRRPv2, Advertisement, vrid 51, prio 150, authtype none, intvl 1s, length 20, addrs: 10\.99\.0\.100/);
    assert.doesNotMatch(out, /bad/i);
  } finally {
    dump.kill();
    tx?.close();
    await lab.dispose();
  }
});
