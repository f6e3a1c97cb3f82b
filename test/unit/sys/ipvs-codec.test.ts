/**
 * IPVS genl codec against golden bytes: ipvsadm's requests and the kernel's replies captured
 * in a VM (test/fixtures/ipvs/*.pcap, made with ipvs-vm.sh -p; see test/fixtures/ipvs/README).
 * Expected values come from what ipvsadm printed for the same state (ipvsadm -Ln, --timeout, --daemon).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  AF_INET, AF_INET6, decodeFamily, decodeIpvsMessage, decodeNlError, decodeNlmsgs, encodeGetFamily, encodeIpvsRequest,
  encodeNlmsg, destEntry, formatIpvsVersion, serviceEntry, type IpvsDest, type IpvsService, GENL_ID_CTRL, IpvsCmd, IpvsFwd, IpvsSvcFlag, NLM_F_ACK, NLM_F_ACK_TLVS, NLM_F_DUMP,
  NLM_F_REQUEST, NLMSG_ERROR, type IpvsReply, type NlMessage,
} from '../../../src/sys/ipvs-codec';
import { fixture, readNetlinkPcap } from './netlink-pcap';

interface Captured {
  raw: Buffer;
  msg: NlMessage;
}

function load(name: string): { famId: number; msgs: Captured[] } {
  const msgs: Captured[] = [];
  let famId = -1;
  for (const pkt of readNetlinkPcap(fixture('ipvs', name))) {
    const r = decodeNlmsgs(pkt);
    assert.ok(r.ok, r.ok ? '' : r.error);
    let off = 0;
    for (const m of r.value) {
      const len = 16 + m.payload.length;
      msgs.push({ raw: pkt.subarray(off, off + len), msg: m });
      off += (len + 3) & ~3;
      if (m.type === GENL_ID_CTRL && !(m.flags & NLM_F_REQUEST)) {
        const f = decodeFamily(m);
        if (f.ok && f.value.name === 'IPVS') famId = f.value.id;
      }
    }
  }
  assert.ok(famId > GENL_ID_CTRL, 'IPVS family id resolved from the captured controller reply');
  return { famId, msgs };
}

const A = load('ipvsadm.pcap');
const B = load('ipvsadm-2.pcap');
const K = load('keepalived.pcap');

function ipvsMessages(c: { famId: number; msgs: Captured[] }) {
  return c.msgs.filter((m) => m.msg.type === c.famId);
}

function replies(c: { famId: number; msgs: Captured[] }, cmd: number): IpvsReply[] {
  const out: IpvsReply[] = [];
  for (const m of ipvsMessages(c)) {
    if (m.msg.flags & NLM_F_REQUEST) continue;
    const r = decodeIpvsMessage(m.msg);
    assert.ok(r.ok, r.ok ? '' : r.error);
    if (r.value.cmd === cmd) out.push(r.value);
  }
  return out;
}

test('every captured ipvsadm request re-encodes to the same bytes', () => {
  const seen = new Set<number>();
  for (const c of [A, B, K]) {
    for (const m of ipvsMessages(c)) {
      if (!(m.msg.flags & NLM_F_REQUEST)) continue;
      const r = decodeIpvsMessage(m.msg);
      assert.ok(r.ok, r.ok ? '' : r.error);
      const { cmd, service, dest, daemon, timeouts } = r.value;
      const body = { ...(service && { service }), ...(dest && { dest }), ...(daemon && { daemon }), ...(timeouts && { timeouts }) };
      const again = encodeIpvsRequest(c.famId, cmd, m.msg.seq, m.msg.flags, body, m.msg.pid);
      assert.equal(again.toString('hex'), m.raw.toString('hex'), `cmd ${cmd}`);
      seen.add(cmd);
    }
  }
  for (const cmd of ['NEW_SERVICE', 'SET_SERVICE', 'GET_SERVICE', 'NEW_DEST', 'SET_DEST', 'DEL_DEST', 'GET_DEST', 'NEW_DAEMON', 'GET_DAEMON', 'SET_CONFIG', 'GET_CONFIG', 'GET_INFO', 'ZERO', 'FLUSH'] as const) {
    assert.ok(seen.has(IpvsCmd[cmd]), `golden request for ${cmd}`);
  }
});

test('the GETFAMILY request matches the controller request on the wire', () => {
  const req = A.msgs.find((m) => m.msg.type === GENL_ID_CTRL && m.msg.flags & NLM_F_REQUEST)!;
  const mine = encodeGetFamily('IPVS', req.msg.seq);
  // ipvsadm (libnl) sets its port id in the header and may not ask for an ACK; compare the rest
  assert.equal(mine.subarray(16).toString('hex'), req.raw.subarray(16).toString('hex'));
});

test('service dump decodes to what ipvsadm -Ln printed', () => {
  const svcs = replies(A, IpvsCmd.NEW_SERVICE).map((r) => r.service!);
  assert.equal(svcs.length, 3);
  const [tcp, udp6, fwm] = svcs as [NonNullable<IpvsReply['service']>, NonNullable<IpvsReply['service']>, NonNullable<IpvsReply['service']>];
  // TCP  10.1.1.1:80 wlc persistent 60 mask 255.255.255.0
  assert.equal(tcp.af, AF_INET);
  assert.equal(tcp.protocol, 6);
  assert.deepEqual([...tcp.addr!], [10, 1, 1, 1]);
  assert.equal(tcp.port, 80);
  assert.equal(tcp.schedName, 'wlc');
  assert.ok(tcp.flags!.flags & IpvsSvcFlag.PERSISTENT);
  assert.equal(tcp.timeout, 60);
  assert.equal(tcp.netmask, 0xffffff00);
  assert.equal(typeof tcp.stats!.conns, 'bigint');
  assert.equal(tcp.stats64!.inpkts, 0n);
  // UDP  [2001:db8::1]:53 rr persistent 300
  assert.equal(udp6.af, AF_INET6);
  assert.equal(udp6.protocol, 17);
  assert.equal(udp6.addr!.toString('hex'), '20010db8000000000000000000000001');
  assert.equal(udp6.port, 53);
  assert.equal(udp6.schedName, 'rr');
  assert.equal(udp6.timeout, 300);
  assert.equal(udp6.netmask, 128);
  // FWM  7 lc
  assert.equal(fwm.fwmark, 7);
  assert.equal(fwm.schedName, 'lc');
  assert.equal(fwm.protocol, undefined);
  assert.equal(fwm.flags!.flags & IpvsSvcFlag.PERSISTENT, 0);
});

test('destination dumps decode to what ipvsadm -Ln printed', () => {
  const dests = replies(A, IpvsCmd.NEW_DEST).map((r) => r.dest!);
  // the capture (nlmon) lost the FWM service's dump; its NEW_DEST request is in the round-trip test
  assert.equal(dests.length, 2);
  // -> 10.1.1.2:8080 Masq 9 (-x 100 -y 10)
  const d0 = dests[0]!;
  assert.deepEqual([...d0.addr], [10, 1, 1, 2]);
  assert.equal(d0.port, 8080);
  assert.equal(d0.fwdMethod! & 7, IpvsFwd.MASQ);
  assert.equal(d0.weight, 9);
  assert.equal(d0.uThreshold, 100);
  assert.equal(d0.lThreshold, 10);
  assert.equal(d0.activeConns, 0);
  assert.equal(d0.addrFamily, AF_INET);
  // -> [2001:db8::2]:53 Route 1
  const d1 = dests[1]!;
  assert.equal(d1.addr.toString('hex'), '20010db8000000000000000000000002');
  assert.equal(d1.fwdMethod! & 7, IpvsFwd.DROUTE);
  assert.equal(d1.weight, 1);
});

test('timeouts, daemon and info replies', () => {
  // Timeout (tcp tcpfin udp): 900 120 300
  const cfg = replies(B, IpvsCmd.SET_CONFIG).map((r) => r.timeouts);
  assert.deepEqual(cfg, [{ tcp: 900, tcpFin: 120, udp: 300 }]);
  // backup sync daemon (mcast=d0, syncid=9, maxlen=1472, group=224.0.0.81, port=8848, ttl=1)
  const dm = replies(B, IpvsCmd.NEW_DAEMON).map((r) => r.daemon!);
  assert.equal(dm.length, 1);
  assert.equal(dm[0]!.state, 2);
  assert.equal(dm[0]!.mcastIfn, 'd0');
  assert.equal(dm[0]!.syncId, 9);
  assert.equal(dm[0]!.syncMaxlen, 1472);
  assert.deepEqual([...dm[0]!.mcastGroup!], [224, 0, 0, 81]);
  assert.equal(dm[0]!.mcastPort, 8848);
  assert.equal(dm[0]!.mcastTtl, 1);
  // IP Virtual Server version 1.2.1 (size=4096)
  const info = replies(A, IpvsCmd.SET_INFO)[0]!.info!;
  assert.equal(formatIpvsVersion(info.version), '1.2.1');
  assert.equal(info.connTabSize, 4096);
});

test('acks and errors, with extended ack message', () => {
  const acks = A.msgs.filter((m) => m.msg.type === NLMSG_ERROR).map((m) => decodeNlError(m.msg));
  assert.ok(acks.length > 0);
  for (const a of acks) assert.ok(a.ok && a.value.errno === 0);
  // hand-built: -EEXIST for seq 7, ACK_TLVS + CAPPED with message "Service exists"
  const orig = encodeNlmsg(32, NLM_F_REQUEST | NLM_F_ACK, 7, 0, Buffer.alloc(0));
  const msg = Buffer.from('Service exists\0');
  const tlv = Buffer.alloc((4 + msg.length + 3) & ~3);
  tlv.writeUInt16LE(4 + msg.length, 0);
  tlv.writeUInt16LE(1, 2);
  msg.copy(tlv, 4);
  const err = Buffer.alloc(4);
  err.writeInt32LE(-17);
  const m = decodeNlmsgs(encodeNlmsg(NLMSG_ERROR, NLM_F_ACK_TLVS | 0x100, 7, 0, Buffer.concat([err, orig, tlv])));
  assert.ok(m.ok);
  const e = decodeNlError(m.value[0]!);
  assert.deepEqual(e, { ok: true, value: { errno: 17, seq: 7, message: 'Service exists' } });
});

test('decoders never throw on truncated or corrupted input', () => {
  const all = [...ipvsMessages(A), ...ipvsMessages(B)];
  let errors = 0;
  for (const m of all) {
    for (let cut = 0; cut < m.raw.length; cut += 3) {
      const r = decodeNlmsgs(m.raw.subarray(0, cut));
      if (!r.ok) errors++;
      else for (const x of r.value) decodeIpvsMessage(x);
    }
    const bad = Buffer.from(m.raw);
    for (let i = 20; i < bad.length; i += 7) {
      bad[i] = bad[i]! ^ 0x5a;
      const r = decodeNlmsgs(bad);
      if (r.ok) for (const x of r.value) if (!decodeIpvsMessage(x).ok) errors++;
    }
  }
  assert.ok(errors > 0, 'some inputs were rejected');
  // specific drops
  const dump = ipvsMessages(A).find((m) => !(m.msg.flags & NLM_F_REQUEST) && m.msg.payload.length > 40)!;
  const short = Buffer.from(dump.raw);
  short.writeUInt16LE(0xfff0, 20); // first attribute's length overruns
  const d = decodeNlmsgs(short);
  assert.ok(d.ok);
  const r = decodeIpvsMessage(d.value[0]!);
  assert.equal(r.ok, false);
  assert.match(r.ok ? '' : r.error, /overruns/);
  assert.equal(decodeNlmsgs(Buffer.alloc(10)).ok, false);
});

test('encoder: IPv4 addresses are padded to 16 bytes, bad values are caller bugs', () => {
  const b = encodeIpvsRequest(32, IpvsCmd.NEW_SERVICE, 1, NLM_F_REQUEST | NLM_F_ACK, {
    service: { af: AF_INET, protocol: 6, addr: Buffer.from([10, 0, 0, 1]), port: 443, schedName: 'rr', flags: { flags: 0, mask: 0xffffffff }, timeout: 0, netmask: 0xffffffff },
  });
  const back = decodeIpvsMessage(decodeNlmsgs(b).ok ? (decodeNlmsgs(b) as { ok: true; value: NlMessage[] }).value[0]! : ({} as NlMessage));
  assert.ok(back.ok);
  assert.deepEqual([...back.value.service!.addr!], [10, 0, 0, 1]);
  assert.equal(back.value.service!.port, 443);
  assert.ok(b.includes(Buffer.from('0a000001000000000000000000000000', 'hex')));
  assert.throws(() => encodeIpvsRequest(32, 1, 1, 1, { service: { af: 2, port: 70000 } }), TypeError);
  assert.throws(() => encodeIpvsRequest(32, 1, 1, 1, { service: { af: 2, addr: Buffer.alloc(5) } }), TypeError);
  assert.throws(() => encodeIpvsRequest(32, 1, 1, 1, { service: { af: 2, schedName: 'x'.repeat(16) } }), TypeError);
  assert.equal(NLM_F_DUMP & NLM_F_REQUEST, 0);
});

test('requests built from the keepalived.conf match keepalived 2.2.7 on the wire, byte for byte', () => {
  // test/fixtures/ipvs/keepalived.conf: three virtual servers; 10.9.9.10's TCP_CHECK fails
  const v4 = (s: string) => Buffer.from(s.split('.').map(Number));
  const vs1: IpvsService = { af: AF_INET, protocol: 6, addr: v4('10.9.9.9'), port: 80, schedName: 'wrr', flags: { flags: IpvsSvcFlag.PERSISTENT, mask: 0xffffffff }, timeout: 50 };
  const vs2: IpvsService = { af: AF_INET, fwmark: 5, schedName: 'rr' };
  const vs3: IpvsService = { af: AF_INET6, protocol: 6, addr: Buffer.from('20010db8000000000000000000000009', 'hex'), port: 443, schedName: 'lc' };
  const rs1: IpvsDest = { addr: v4('10.9.9.10'), port: 8080, fwdMethod: IpvsFwd.MASQ, weight: 3 };
  const rs2: IpvsDest = { addr: v4('10.9.9.12'), port: 8080, fwdMethod: IpvsFwd.MASQ, weight: 4 };
  const rs3: IpvsDest = { addr: v4('10.9.9.11'), port: 0, fwdMethod: IpvsFwd.DROUTE, weight: 1 };
  const rs4: IpvsDest = { addr: Buffer.from('20010db8000000000000000000000010', 'hex'), port: 443, fwdMethod: IpvsFwd.TUNNEL, weight: 2 };
  const S = (svc: IpvsService) => ({ service: serviceEntry(svc, false) });
  const D = (svc: IpvsService, d: IpvsDest) => ({ service: serviceEntry(svc, true), dest: destEntry(d) });
  const expected: [number, Parameters<typeof encodeIpvsRequest>[4]][] = [
    [IpvsCmd.NEW_SERVICE, S(vs1)], [IpvsCmd.NEW_DEST, D(vs1, rs1)], [IpvsCmd.NEW_DEST, D(vs1, rs2)],
    [IpvsCmd.NEW_SERVICE, S(vs2)], [IpvsCmd.NEW_DEST, D(vs2, rs3)],
    [IpvsCmd.NEW_SERVICE, S(vs3)], [IpvsCmd.NEW_DEST, D(vs3, rs4)],
    [IpvsCmd.DEL_DEST, D(vs1, rs1)], // TCP_CHECK failed
    [IpvsCmd.DEL_DEST, D(vs1, rs2)], [IpvsCmd.DEL_SERVICE, S(vs1)], // shutdown
    [IpvsCmd.DEL_DEST, D(vs2, rs3)], [IpvsCmd.DEL_SERVICE, S(vs2)],
    [IpvsCmd.DEL_DEST, D(vs3, rs4)], [IpvsCmd.DEL_SERVICE, S(vs3)],
  ];
  const changes = new Set<number>([IpvsCmd.NEW_SERVICE, IpvsCmd.NEW_DEST, IpvsCmd.DEL_DEST, IpvsCmd.DEL_SERVICE]);
  const got = ipvsMessages(K).filter((m) => m.msg.flags & NLM_F_REQUEST && changes.has(m.msg.payload[0]!));
  assert.equal(got.length, expected.length);
  got.forEach((m, i) => {
    const [cmd, body] = expected[i]!;
    const mine = encodeIpvsRequest(K.famId, cmd, m.msg.seq, m.msg.flags, body, m.msg.pid);
    assert.equal(mine.toString('hex'), m.raw.toString('hex'), `request ${i} (cmd ${cmd})`);
  });
});
