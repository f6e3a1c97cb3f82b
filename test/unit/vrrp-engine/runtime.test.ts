/**
 * The VRRP runtime with fakes (fake clock, sockets, netlink, GARP, scripts, files): timers,
 * adverts on the wire (bytes decoded back), VIPs, GARP, stop, trackers, reload diff, demux.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { decodeAdvert } from '../../../src/vrrp/packet/advert';
import { VrrpRuntime } from '../../../src/vrrp/runtime/runtime';
import { Harness, sliceOf, v4Advert } from './fakes';

const G = 'global_defs {\n  router_id t\n  enable_script_security\n  script_user root\n}\n';

function inst(o: { name?: string; vrid?: number; prio?: number; extra?: string; vips?: string[]; int?: string } = {}): string {
  return `vrrp_instance ${o.name ?? 'VI_1'} {
  state BACKUP
  interface eth0
  virtual_router_id ${o.vrid ?? 51}
  priority ${o.prio ?? 100}
  advert_int ${o.int ?? '1'}
  version 3
${o.extra ?? ''}
  virtual_ipaddress {
${(o.vips ?? ['10.0.0.100/24']).map((v) => `    ${v}`).join('\n')}
  }
}
`;
}

/** v3 at 1 s, priority 100: 3 s + (256-100)*100cs*625/16 µs. */
const DOWN_US = 3_000_000 + Math.floor((156 * 100 * 625) / 16);

async function started(text: string, opts: { dontReleaseVrrp?: boolean } = {}) {
  const h = new Harness();
  const rt = new VrrpRuntime(h.ports, { dontReleaseVrrp: opts.dontReleaseVrrp ?? false });
  await rt.start(sliceOf(text));
  return { h, rt };
}

function lastState(h: Harness): string | undefined {
  const n = h.notes.at(-1);
  return n && n.kind === 'instance' ? n.state : undefined;
}

function ms(h: Harness, re: RegExp): number {
  return h.logs.filter((l) => re.test(l)).length;
}

test('starts in BACKUP (init), becomes MASTER exactly at the master-down interval, adds VIPs, GARPs, advertises without drift', async () => {
  const { h, rt } = await started(G + inst());
  assert.ok(h.logged(/^\(VI_1\) Entering BACKUP STATE \(init\)$/));
  assert.deepEqual(h.notes[0], { kind: 'instance', name: 'VI_1', state: 'BACKUP', priority: 100 });
  const t0 = h.clock.nowUs;
  assert.deepEqual([...h.sock().groups], ['224.0.0.18']);
  await h.advance(DOWN_US - 1, 1_000_000);
  assert.equal(rt.instances.get('VI_1')!.fsm.state, 'BACKUP');
  assert.equal(h.sock().sent.length, 0, 'a backup does not advertise');
  await h.advance(1);
  assert.equal(rt.instances.get('VI_1')!.fsm.state, 'MASTER');
  assert.ok(h.logged(/^\(VI_1\) Receive advertisement timeout$/));
  assert.ok(h.logged(/^\(VI_1\) Entering MASTER STATE$/));
  await h.advance(10_000);
  assert.ok(h.netlink.ops.includes('add 10.0.0.100/24@2'));
  assert.ok(h.netlink.has('10.0.0.100'));
  assert.equal(h.garp.sent.filter((s) => s === 'arp eth0 10.0.0.100').length, 5, 'garp_master_repeat 5');
  await h.advance(10_000_000, 250_000);
  const sent = h.sock().sent;
  assert.equal(sent[0]!.atUs, t0 + DOWN_US, 'first advert on becoming master');
  for (let i = 1; i < sent.length; i++) assert.equal(sent[i]!.atUs - sent[i - 1]!.atUs, 1_000_000, `advert ${i} on time`);
  assert.ok(sent.length >= 10);
  // bytes on the wire: IPv4 header as keepalived (TOS 0xc0, TTL 255, ids from 1), valid v3 advert
  for (const [i, s] of sent.entries()) {
    assert.equal(s.dest, '224.0.0.18');
    assert.equal(s.data[1], 0xc0);
    assert.equal(s.data.readUInt16BE(4), i + 1);
    let sum = 0;
    for (let o = 0; o < 20; o += 2) sum += s.data.readUInt16BE(o);
    while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
    assert.equal(sum, 0xffff, 'IPv4 header checksum');
    const d = decodeAdvert(s.data, { family: 4 });
    assert.ok(d.ok, JSON.stringify(d));
    if (d.ok) {
      assert.equal(d.value.ttl, 255);
      assert.equal(d.value.priority, 100);
      assert.equal(d.value.vrid, 51);
      assert.equal(d.value.advertIntervalCs, 100);
      assert.deepEqual([...d.value.src!], [10, 0, 0, 1]);
      assert.deepEqual(d.value.addrs.map((a) => [...a]), [[10, 0, 0, 100]]);
      assert.equal(d.value.checksumVariant, 'standard');
    }
  }
  await rt.stop();
});

test('a master yields to a higher-priority advert and removes its VIPs; a backup hearing a master stays backup', async () => {
  const { h, rt } = await started(G + inst());
  await h.advance(DOWN_US + 100_000);
  assert.equal(rt.instances.get('VI_1')!.fsm.state, 'MASTER');
  h.sock().deliver(v4Advert({ src: '10.0.0.2', vrid: 51, priority: 150, vips: ['10.0.0.100'] }));
  await h.advance(10_000);
  const vi = rt.instances.get('VI_1')!;
  assert.equal(vi.fsm.state, 'BACKUP');
  assert.ok(h.logged(/^\(VI_1\) Master received advert from 10\.0\.0\.2 with higher priority 150, ours 100$/));
  assert.ok(h.netlink.ops.includes('del 10.0.0.100/24@2'));
  assert.ok(!h.netlink.has('10.0.0.100'));
  assert.equal(lastState(h), 'BACKUP');
  const n = h.sock().sent.length;
  for (let i = 0; i < 10; i++) {
    h.sock().deliver(v4Advert({ src: '10.0.0.2', vrid: 51, priority: 150, vips: ['10.0.0.100'] }));
    await h.advance(1_000_000, 100_000);
  }
  assert.equal(vi.fsm.state, 'BACKUP');
  assert.equal(h.sock().sent.length, n, 'no adverts while backup');
  assert.equal(vi.stats.advert_rcvd, 11);
  // bad packets are counted and logged with keepalived's words
  h.sock().deliver(v4Advert({ src: '10.0.0.2', vrid: 51, priority: 150, vips: ['10.0.0.100'], ttl: 64 }));
  h.sock().deliver(v4Advert({ src: '10.0.0.2', vrid: 51, priority: 150, vips: ['10.0.0.99'] }));
  h.sock().deliver(v4Advert({ src: '10.0.0.2', vrid: 99, priority: 150, vips: ['10.0.0.100'] }));
  assert.equal(vi.stats.ip_ttl_err, 1);
  assert.equal(vi.stats.addr_list_err, 1);
  assert.equal(rt.unknownVrids, 1);
  assert.ok(h.logged(/^\(VI_1\) invalid TTL\/HL\. Received 64 and expect 255$/));
  assert.ok(h.logged(/^\(VI_1\) ip address associated with VRID 51 not present in MASTER advert: 10\.0\.0\.100$/));
  await rt.stop();
});

test('stop: a master sends priority 0 and removes VIPs (kept with -V); sockets and netlink closed', async () => {
  for (const keep of [false, true]) {
    const { h, rt } = await started(G + inst(), { dontReleaseVrrp: keep });
    await h.advance(DOWN_US + 100_000);
    await rt.stop();
    assert.deepEqual(h.sock().priorities().slice(-1), [0]);
    assert.ok(h.logged(/^\(VI_1\) sent 0 priority$/));
    assert.equal(h.netlink.has('10.0.0.100'), keep);
    assert.equal(h.sock().closed, true);
    assert.equal(h.netlink.closed, true);
    assert.equal(h.clock.size, 0, 'no timers left');
    assert.equal(lastState(h), 'STOP');
  }
});

test('track_script: weight changes the advertised priority after `fall` failures, weight 0 faults, rise clears', async () => {
  const text =
    G +
    'vrrp_script chk {\n  script "/bin/chk"\n  interval 1\n  weight -60\n  fall 2\n  rise 2\n}\n' +
    'vrrp_script must {\n  script "/bin/must"\n  interval 1\n  weight 0\n}\n' +
    inst({ extra: '  track_script {\n    chk\n    must\n  }' });
  const { h, rt } = await started(text);
  const vi = rt.instances.get('VI_1')!;
  assert.equal(vi.fsm.state, 'INIT', 'a weight-0 script that has not returned holds the instance');
  await h.advance(1);
  assert.ok(h.logged(/^\(VI_1\) Entering BACKUP STATE$/), 'then BACKUP without "(init)", as 2.2.7');
  assert.ok(!h.logged(/Entering BACKUP STATE \(init\)/));
  await h.advance(DOWN_US + 100_000);
  assert.equal(vi.fsm.state, 'MASTER');
  assert.ok(h.scriptRuns.includes('/bin/chk') && h.scriptRuns.includes('/bin/must'));
  assert.equal(ms(h, /^VRRP_Script\(chk\) succeeded$/), 1, 'the first result decides at once');
  h.scriptResults.set('/bin/chk', 1);
  await h.advance(1_000_000, 50_000);
  assert.equal(vi.fsm.effectivePriority, 100, 'one failure is not enough (fall 2)');
  await h.advance(1_000_000, 50_000);
  assert.ok(h.logged(/^VRRP_Script\(chk\) failed \(exited with status 1\)$/));
  assert.ok(h.logged(/^Script `chk` now returning 1$/));
  assert.ok(h.logged(/^\(VI_1\) Changing effective priority from 100 to 40$/));
  assert.equal(h.garp.sent.length, 10, 'a master GARPs again when its priority changes (2.2.7)');
  assert.equal(vi.fsm.effectivePriority, 40);
  await h.advance(1_100_000, 50_000);
  assert.equal(h.sock().priorities().at(-1), 40, 'adverts carry the effective priority');
  h.scriptResults.set('/bin/chk', 0);
  await h.advance(2_000_000, 50_000);
  assert.equal(ms(h, /^VRRP_Script\(chk\) succeeded$/), 2, 'first result at start, then after rise 2');
  assert.equal(vi.fsm.effectivePriority, 100);
  // weight 0: FAULT while failing
  h.scriptResults.set('/bin/must', 1);
  await h.advance(1_000_000, 50_000);
  assert.equal(vi.fsm.state, 'FAULT');
  assert.ok(!h.netlink.has('10.0.0.100'), 'VIPs removed in FAULT');
  assert.equal(h.sock().priorities().at(-1), 0, 'leaving MASTER for FAULT sends priority 0');
  h.scriptResults.set('/bin/must', 0);
  await h.advance(1_000_000, 50_000);
  assert.equal(vi.fsm.state, 'BACKUP');
  await rt.stop();
});

test('track_interface and the primary interface: link down -> FAULT, up -> BACKUP; weighted interface changes priority', async () => {
  const text = G + inst({ extra: '  track_interface {\n    eth1 weight -30\n  }' });
  const { h, rt } = await started(text);
  const vi = rt.instances.get('VI_1')!;
  h.netlink.setLink('eth1', false);
  assert.equal(vi.fsm.effectivePriority, 70);
  h.netlink.setLink('eth1', true);
  assert.equal(vi.fsm.effectivePriority, 100);
  h.netlink.setLink('eth0', false);
  assert.equal(vi.fsm.state, 'FAULT');
  assert.ok(h.logged(/Netlink reports eth0 down/));
  h.netlink.setLink('eth0', true);
  assert.equal(vi.fsm.state, 'BACKUP');
  await h.advance(DOWN_US + 10_000);
  assert.equal(vi.fsm.state, 'MASTER');
  await rt.stop();
});

test('track_file: value x weight, weight 0 faults on non-zero (file watched: no time passes)', async () => {
  const text =
    G +
    'track_file tf {\n  file "/tmp/tf"\n  weight 10\n}\n' +
    'track_file tz {\n  file "/tmp/tz"\n  weight 0\n}\n' +
    inst({ extra: '  track_file {\n    tf\n    tz\n  }' });
  const h0 = new Harness();
  h0.files.set('/tmp/tf', '5\n');
  const rt = new VrrpRuntime(h0.ports, { dontReleaseVrrp: false });
  await rt.start(sliceOf(text));
  const vi = rt.instances.get('VI_1')!;
  assert.equal(vi.fsm.effectivePriority, 150);
  h0.writeFile('/tmp/tf', '-2');
  assert.equal(vi.fsm.effectivePriority, 80);
  assert.equal(vi.fsm.state, 'BACKUP');
  h0.writeFile('/tmp/tz', '1');
  assert.equal(vi.fsm.state, 'FAULT');
  h0.writeFile('/tmp/tz', '0');
  assert.equal(vi.fsm.state, 'BACKUP');
  await rt.stop();
});

test('reload: a VIP added to a MASTER is added in place without a state change; removed instance sends priority 0', async () => {
  const { h, rt } = await started(G + inst() + inst({ name: 'VI_2', vrid: 52, vips: ['10.0.0.102/24'] }));
  await h.advance(DOWN_US + 100_000);
  assert.equal(h.sockets.length, 1, 'one socket per interface and family');
  const transitions = h.logs.filter((l) => /Entering/.test(l)).length;
  await rt.reload(sliceOf(G + inst({ vips: ['10.0.0.100/24', '10.0.0.101/24'] })));
  await h.advance(10_000);
  assert.equal(h.logs.filter((l) => /Entering/.test(l)).length, transitions, 'no state change for VI_1');
  assert.equal(rt.instances.get('VI_1')!.fsm.state, 'MASTER');
  assert.ok(h.netlink.has('10.0.0.101') && h.netlink.has('10.0.0.100'));
  assert.ok(h.garp.sent.includes('arp eth0 10.0.0.101'));
  assert.ok(!h.netlink.has('10.0.0.102'), 'VI_2 deleted: its VIP removed');
  await h.advance(1_000_000);
  const last = h.sock().sent.at(-1)!;
  const d = decodeAdvert(last.data, { family: 4 });
  assert.ok(d.ok && d.value.count === 2 && d.value.vrid === 51, 'adverts carry the new VIP list');
  assert.equal(ms(h, /^\(VI_2\) sent 0 priority$/), 1);
  await rt.stop();
});

test('demux by VRID on a shared socket; dumps', async () => {
  const { h, rt } = await started(G + inst() + inst({ name: 'VI_2', vrid: 52, vips: ['10.0.0.102/24'], prio: 200 }));
  await h.advance(DOWN_US + 100_000);
  h.sock().deliver(v4Advert({ src: '10.0.0.2', vrid: 52, priority: 250, vips: ['10.0.0.102'] }));
  await h.advance(10_000);
  assert.equal(rt.instances.get('VI_1')!.fsm.state, 'MASTER');
  assert.equal(rt.instances.get('VI_2')!.fsm.state, 'BACKUP');
  const stats = rt.dumpStats();
  assert.match(stats, /VRRP Instance: VI_2\n  Advertisements:\n    Received: 1\n/);
  assert.match(rt.dumpData(), /VRRP Instance = VI_1[\s\S]*State = MASTER/);
  const j = rt.dumpJson() as { data: { iname: string; state: number } }[];
  assert.deepEqual(j.map((x) => [x.data.iname, x.data.state]), [['VI_1', 2], ['VI_2', 1]]);
  rt.clearStats();
  assert.match(rt.dumpStats(), /VRRP Instance: VI_2\n  Advertisements:\n    Received: 0\n/);
  await rt.stop();
});

test('vrrp_sync_group: members follow each other to MASTER, to BACKUP and into FAULT', async () => {
  const text =
    G +
    'vrrp_sync_group G1 {\n  group {\n    VI_1\n    VI_2\n  }\n}\n' +
    inst({ extra: '  track_interface {\n    eth1\n  }' }) +
    inst({ name: 'VI_2', vrid: 52, vips: ['10.0.0.102/24'], prio: 50 });
  const { h, rt } = await started(text);
  const v1 = rt.instances.get('VI_1')!;
  const v2 = rt.instances.get('VI_2')!;
  // VI_1 (prio 100) times out first but VI_2 does not want MASTER yet: VI_1 waits another full
  // interval (keepalived's vrrp_sync_can_goto_master); VI_2 (prio 50, longer skew) times out
  // next and takes VI_1 with it (2.2.7: both timeout lines, then VI_2 MASTER, observed)
  await h.advance(DOWN_US + 10_000);
  assert.equal(v1.fsm.state, 'BACKUP', 'held back by its group');
  assert.equal(v1.fsm.wantMaster, true);
  assert.equal(v2.fsm.state, 'BACKUP');
  const DOWN2_US = 3_000_000 + Math.floor((206 * 100 * 625) / 16);
  await h.advance(DOWN2_US - DOWN_US);
  assert.equal(v2.fsm.state, 'MASTER');
  assert.equal(v1.fsm.state, 'MASTER');
  assert.ok(h.logged(/^VRRP_Group\(G1\) Syncing instances to MASTER state$/));
  await h.advance(10_000);
  assert.ok(h.netlink.has('10.0.0.102'));
  // a higher-priority master for VI_2 only: VI_1 follows it to BACKUP
  h.sock().deliver(v4Advert({ src: '10.0.0.2', vrid: 52, priority: 200, vips: ['10.0.0.102'] }));
  assert.equal(v2.fsm.state, 'BACKUP');
  assert.equal(v1.fsm.state, 'BACKUP');
  assert.ok(h.logged(/^VRRP_Group\(G1\) Syncing instances to BACKUP state$/));
  assert.ok(!h.logs.some((l) => /Master received advert from  with/.test(l)), 'no synthetic advert log line');
  // eth1 (tracked by VI_1 only) down: both FAULT; up: both BACKUP
  h.netlink.setLink('eth1', false);
  assert.equal(v1.fsm.state, 'FAULT');
  assert.equal(v2.fsm.state, 'FAULT');
  h.netlink.setLink('eth1', true);
  assert.equal(v1.fsm.state, 'BACKUP');
  assert.equal(v2.fsm.state, 'BACKUP');
  await rt.stop();
  const groupNotes = h.notes.filter((n) => n.kind === 'group').map((n) => (n.kind === 'group' ? n.state : ''));
  assert.deepEqual(groupNotes, ['BACKUP', 'MASTER', 'BACKUP', 'FAULT', 'BACKUP', 'STOP'], 'one GROUP notify per group state');
  // keepalived 2.2.7's order (FIFO observed): GROUP BACKUP before its members at startup, and
  // after every member for the later changes (members' MASTER/STOP, then the group's)
  const seq = h.notes.filter((n) => n.kind === 'group' || n.kind === 'instance').map((n) => (n.kind === 'group' ? `G1 ${n.state}` : n.kind === 'instance' ? `${n.name} ${n.state}` : ''));
  assert.deepEqual(seq.slice(0, 3), ['G1 BACKUP', 'VI_1 BACKUP', 'VI_2 BACKUP']);
  assert.deepEqual(seq.slice(3, 6), ['VI_2 MASTER', 'VI_1 MASTER', 'G1 MASTER']);
  assert.deepEqual(seq.slice(-3), ['VI_1 STOP', 'VI_2 STOP', 'G1 STOP']);
  for (const st of ['BACKUP', 'FAULT']) {
    const gi = seq.lastIndexOf(`G1 ${st}`);
    assert.ok(seq.lastIndexOf(`VI_1 ${st}`) < gi && seq.lastIndexOf(`VI_2 ${st}`) < gi, `G1 ${st} after its members: ${seq.join(', ')}`);
  }
});

test('log lines with and without -D, as keepalived 2.2.7 prints them', async () => {
  const run = async (detail: boolean) => {
    const h = new Harness(detail);
    const rt = new VrrpRuntime(h.ports, { dontReleaseVrrp: false });
    await rt.start(sliceOf(G + inst()));
    await h.advance(DOWN_US + 100_000);
    await rt.stop();
    return h.logs;
  };
  const plain = await run(false);
  assert.deepEqual(plain, ['(VI_1) Entering BACKUP STATE (init)', '(VI_1) Entering MASTER STATE']);
  const detailed = await run(true);
  for (const re of [/^\(VI_1\) removing VIPs\.$/, /^\(VI_1\) Receive advertisement timeout$/, /^\(VI_1\) setting VIPs\.$/, /^\(VI_1\) Sending\/queueing gratuitous ARPs on eth0 for 10\.0\.0\.100$/, /^Sending gratuitous ARP on eth0 for 10\.0\.0\.100$/, /^\(VI_1\) sent 0 priority$/])
    assert.ok(detailed.some((l) => re.test(l)), `-D line ${re}`);
});

test('keepalived.data topology block: the lines keepalived 2.2.7 printed for the same instance, in order', async () => {
  const { h, rt } = await started(G + inst({ int: '0.1' }));
  await h.advance(500_000);
  // captured from keepalived 2.2.7 (SIGUSR1) for this instance on 10.0.0.1; fd and time lines left out
  const expected = `------< VRRP Topology >------
 VRRP Instance = VI_1
   VRRP Version = 3
   State = MASTER
   Flags: none
   Wantstate = MASTER
   Number of config faults = 0
   Number of interface and track script faults = 0
   Number of track scripts init = 0
   Master down timer = 360937 usecs
   Interface = eth0
   Using src_ip = 10.0.0.1
   Multicast address 224.0.0.18
   Gratuitous ARP delay = 5
   Gratuitous ARP repeat = 5
   Gratuitous ARP refresh = 0
   Gratuitous ARP refresh repeat = 1
   Gratuitous ARP lower priority delay = 5
   Gratuitous ARP lower priority repeat = 5
   Down timer adverts = 3
   Send advert after receive lower priority advert = true
   Send advert after receive higher priority advert = false
   Virtual Router ID = 51
   Priority = 100
   Effective priority = 100
   Total priority = 100
   Advert interval = 100 milli-sec
   Accept = enabled
   Preempt = enabled
   Promote_secondaries = disabled
   Virtual IP (1):
     10.0.0.100/24 dev eth0 scope global set
   Using smtp notification = no
   Notify deleted = Fault
   Notify priority changes = false
------< VRRP Sockpool >------`.split('\n');
  const ours = rt.dumpData().split('\n');
  let i = 0;
  for (const line of ours) if (line === expected[i]) i++;
  assert.equal(i, expected.length, `missing or out of order: ${JSON.stringify(expected[i])}\n${rt.dumpData()}`);
  assert.match(rt.dumpData(), /^ {3}Last transition = \d+\.\d{6} \(\w{3} \w{3} \d\d \d\d:\d\d:\d\d\.\d{6} \d{4}\)$/m);
  await rt.stop();
});

test('vrrp_garp_interval spaces the GARPs of a burst (queued per interface)', async () => {
  const text = 'global_defs {\n  router_id t\n  vrrp_garp_interval 0.1\n}\n' + inst({ vips: ['10.0.0.100/24', '10.0.0.101/24'] });
  const { h, rt } = await started(text);
  const times: number[] = [];
  const orig = h.garp.sendGarp.bind(h.garp);
  h.garp.sendGarp = (t, v) => {
    times.push(h.clock.nowUs);
    return orig(t, v);
  };
  await h.advance(DOWN_US + 2_000_000, 10_000);
  assert.equal(times.length, 10, '5 per VIP');
  for (let i = 1; i < times.length; i++) assert.equal(times[i]! - times[i - 1]!, 100_000, `GARP ${i} one interval after the previous`);
  await rt.stop();
});

test('reload: priority/interval changes keep the state; a VRID change recreates the instance', async () => {
  const { h, rt } = await started(G + inst());
  await h.advance(DOWN_US + 100_000);
  const n0 = h.logs.filter((l) => /Entering/.test(l)).length;
  await rt.reload(sliceOf(G + inst({ prio: 120, int: '0.5' })));
  assert.equal(rt.instances.get('VI_1')!.fsm.state, 'MASTER');
  assert.equal(h.logs.filter((l) => /Entering/.test(l)).length, n0, 'no state change');
  assert.ok(h.logged(/^\(VI_1\) Changing effective priority from 100 to 120$/));
  await h.advance(2_000_000, 50_000);
  const sent = h.sock().sent;
  assert.equal(h.sock().priorities().at(-1), 120);
  assert.equal(sent.at(-1)!.atUs - sent.at(-2)!.atUs, 500_000, 'new advert interval in force');
  const d = decodeAdvert(sent.at(-1)!.data, { family: 4 });
  assert.ok(d.ok && d.value.advertIntervalCs === 50);
  await rt.reload(sliceOf(G + inst({ prio: 120, int: '0.5', vrid: 60 })));
  assert.ok(h.logged(/^\(VI_1\) sent 0 priority$/), 'old instance deleted');
  assert.equal(rt.instances.get('VI_1')!.fsm.state, 'BACKUP');
  assert.equal(rt.instances.get('VI_1')!.cfg.virtualRouterId, 60);
  await rt.stop();
});

test('vrrp_track_process: quorum from the process list, weight applied, polled each second', async () => {
  const text =
    G +
    'vrrp_track_process tp {\n  process katsd\n  weight -20\n  quorum 2\n}\n' +
    'vrrp_track_process tpa {\n  process /usr/bin/katsd\n  param_match initial\n  weight 0\n}\n' +
    inst({ extra: '  track_process {\n    tp\n  }' }) +
    inst({ name: 'VI_2', vrid: 52, vips: ['10.0.0.102/24'], extra: '  track_process {\n    tpa\n  }' });
  const h = new Harness();
  h.procList = [{ pid: 10, comm: 'katsd', argv: ['/usr/bin/katsd', '-x'] }];
  const rt = new VrrpRuntime(h.ports, { dontReleaseVrrp: false });
  await rt.start(sliceOf(text));
  const v1 = rt.instances.get('VI_1')!;
  const v2 = rt.instances.get('VI_2')!;
  assert.equal(v1.fsm.effectivePriority, 80, 'one process, quorum 2: -20');
  assert.equal(v2.fsm.state, 'BACKUP', 'tpa needs no args beyond the given prefix');
  h.procList.push({ pid: 11, comm: 'katsd', argv: ['katsd'] });
  await h.advance(1_000_000);
  assert.equal(v1.fsm.effectivePriority, 100);
  h.procList = [{ pid: 12, comm: 'other', argv: ['/bin/other'] }];
  await h.advance(1_000_000);
  assert.equal(v1.fsm.effectivePriority, 80);
  assert.equal(v2.fsm.state, 'FAULT');
  await rt.stop();
});

test('adverts do not drift when timers fire late (deadlines re-armed from the deadline, not the wake-up)', async () => {
  const h = new Harness();
  const fake = h.clock;
  // every timer fires 3 ms after its deadline
  const late = {
    get nowUs() {
      return fake.nowUs;
    },
    at: (atUs: number, fn: () => void) => fake.at(atUs + 3_000, fn),
    clear: (id: number | undefined) => fake.clear(id),
  };
  const rt = new VrrpRuntime({ ...h.ports, clock: late }, { dontReleaseVrrp: false });
  await rt.start(sliceOf(G + inst()));
  await h.advance(DOWN_US + 20_000_000, 100_000);
  const sent = h.sock().sent;
  assert.ok(sent.length >= 15);
  for (let i = 2; i < sent.length; i++) assert.equal(sent[i]!.atUs - sent[i - 1]!.atUs, 1_000_000, `advert ${i} keeps the 1 s period`);
  await rt.stop();
});

test('unicast_fault_no_peer without peers, and no source address: the instance starts in FAULT', async () => {
  const { h, rt } = await started(G + inst({ extra: '  unicast_fault_no_peer' }) + inst({ name: 'VI_2', vrid: 52, vips: ['10.0.0.102/24'], extra: '  interface eth1' }));
  assert.equal(rt.instances.get('VI_1')!.fsm.state, 'FAULT');
  assert.equal(rt.instances.get('VI_2')!.fsm.state, 'FAULT', 'eth1 has no IPv4 address');
  await h.advance(DOWN_US + 100_000);
  assert.equal(h.sockets.reduce((n, s) => n + s.sent.length, 0), 0, 'nothing sent in FAULT');
  await rt.stop();
});

test('keepalived.json: same keys, order and value types as keepalived 2.2.7 (captured with SIGRTMIN+2)', async () => {
  const { h, rt } = await started(G + inst({ int: '0.1' }));
  await h.advance(500_000);
  // keepalived 2.2.7's dump of the same instance (last_transition and advert_sent differ by nature)
  const theirs = {
    data: {
      iname: 'VI_1', dont_track_primary: 0, skip_check_adv_addr: 0, strict_mode: 0, vmac_ifname: '', ifp_ifname: 'eth0', master_priority: 0,
      last_transition: 0, garp_delay: 5, garp_refresh: 0, garp_rep: 5, garp_refresh_rep: 1, garp_lower_prio_delay: 5, garp_lower_prio_rep: 5,
      lower_prio_no_advert: 0, higher_prio_send_advert: 0, vrid: 51, base_priority: 100, effective_priority: 100, vipset: true,
      promote_secondaries: false, adver_int: 0.1, master_adver_int: 0.1, accept: 1, nopreempt: false, preempt_delay: 0, state: 2, wantstate: 2,
      version: 3, smtp_alert: false, notify_deleted: false, vips: ['10.0.0.100/24 dev eth0 scope global set'], auth_type: 0,
    },
    stats: {
      advert_rcvd: 0, advert_sent: 0, become_master: 1, release_master: 0, packet_len_err: 0, advert_interval_err: 0, ip_ttl_err: 0,
      invalid_type_rcvd: 0, addr_list_err: 0, invalid_authtype: 0, authtype_mismatch: 0, auth_failure: 0, pri_zero_rcvd: 0, pri_zero_sent: 0,
    },
  };
  const [ours] = JSON.parse(JSON.stringify(rt.dumpJson())) as [{ data: Record<string, unknown>; stats: Record<string, unknown> }];
  assert.deepEqual(Object.keys(ours.data), Object.keys(theirs.data));
  assert.deepEqual(Object.keys(ours.stats), Object.keys(theirs.stats));
  assert.ok(typeof ours.data.last_transition === 'number' && (ours.stats.advert_sent as number) > 0);
  assert.deepEqual({ ...ours.data, last_transition: 0 }, theirs.data);
  assert.deepEqual({ ...ours.stats, advert_sent: 0 }, theirs.stats);
  await rt.stop();
});

test('sync group track_interface applies to every member (weight ignored without sync_group_tracking_weight)', async () => {
  const text =
    G +
    'vrrp_sync_group G1 {\n  group {\n    VI_1\n    VI_2\n  }\n  track_interface {\n    eth1 weight -10\n  }\n}\n' +
    inst() +
    inst({ name: 'VI_2', vrid: 52, vips: ['10.0.0.102/24'] });
  const { h, rt } = await started(text);
  h.netlink.setLink('eth1', false);
  assert.equal(rt.instances.get('VI_1')!.fsm.state, 'FAULT', 'weight ignored: the group tracker faults');
  assert.equal(rt.instances.get('VI_2')!.fsm.state, 'FAULT');
  h.netlink.setLink('eth1', true);
  assert.equal(rt.instances.get('VI_1')!.fsm.state, 'BACKUP');
  await rt.stop();
});

test('virtual_ipaddress_excluded: E-VIPs added and removed with the VIPs, not advertised', async () => {
  const { h, rt } = await started(G + inst({ extra: '  virtual_ipaddress_excluded {\n    10.0.0.200/24\n  }' }));
  await h.advance(DOWN_US + 100_000);
  assert.ok(h.netlink.has('10.0.0.200') && h.netlink.has('10.0.0.100'));
  assert.ok(h.logged(/^\(VI_1\) setting E-VIPs\.$/));
  const d = decodeAdvert(h.sock().sent.at(-1)!.data, { family: 4 });
  assert.ok(d.ok && d.value.count === 1, 'only the VIP is advertised');
  await rt.stop();
  assert.ok(!h.netlink.has('10.0.0.200'));
  assert.ok(h.logged(/^\(VI_1\) removing E-VIPs\.$/));
});

test('sync group: a VIP deleted behind one master sends every master member to BACKUP with priority 0 and back after the skew time (keepalived 2.2.7)', async () => {
  const text = G + 'vrrp_sync_group G1 {\n  group {\n    VI_1\n    VI_2\n  }\n}\n' + inst() + inst({ name: 'VI_2', vrid: 52, vips: ['10.0.0.102/24'] });
  const { h, rt } = await started(text);
  const v1 = rt.instances.get('VI_1')!;
  const v2 = rt.instances.get('VI_2')!;
  await h.advance(DOWN_US + 100_000);
  assert.equal(v1.fsm.state, 'MASTER');
  assert.equal(v2.fsm.state, 'MASTER');
  assert.ok(h.netlink.has('10.0.0.100') && h.netlink.has('10.0.0.102'));
  const n = h.logs.length;
  const sentBefore = h.sock().sent.length;
  h.netlink.changeAddress('eth0', '10.0.0.100', true);
  const at = h.clock.nowUs;
  assert.equal(v1.fsm.state, 'BACKUP');
  assert.equal(v2.fsm.state, 'BACKUP', 'the other member follows at once');
  const lines = () => h.logs.slice(n).filter((l) => /Entering|sent 0 priority|Syncing|Receive advertisement timeout/.test(l));
  assert.deepEqual(lines(), ['(VI_1) Entering BACKUP STATE', '(VI_1) sent 0 priority', '(VI_2) Entering BACKUP STATE', '(VI_2) sent 0 priority'], 'no "Syncing instances to BACKUP state" line');
  const zero = h.sock().sent.slice(sentBefore).map((s) => { const d = decodeAdvert(s.data, { family: 4 }); return d.ok ? `${d.value.vrid}/${d.value.priority}` : 'bad'; });
  assert.deepEqual(zero, ['51/0', '52/0']);
  // both back after the skew time, not a full Master_Down_Interval
  const skew = Math.floor((156 * 100 * 625) / 16);
  await h.advance(skew - 10_000, 1_000);
  assert.equal(v1.fsm.state, 'BACKUP');
  assert.equal(v2.fsm.state, 'BACKUP');
  await h.advance(20_000, 1_000);
  assert.equal(v1.fsm.state, 'MASTER', `VI_1 master again after ${h.clock.nowUs - at} µs`);
  assert.equal(v2.fsm.state, 'MASTER');
  assert.deepEqual(lines().slice(4), [
    '(VI_2) Receive advertisement timeout',
    '(VI_1) Receive advertisement timeout',
    '(VI_1) Entering MASTER STATE',
    'VRRP_Group(G1) Syncing instances to MASTER state',
    '(VI_2) Entering MASTER STATE',
  ]);
  await h.advance(10_000);
  assert.ok(h.netlink.has('10.0.0.100') && h.netlink.has('10.0.0.102'), 'both VIPs back');
  await rt.stop();
});

test('reload matches instances as keepalived 2.2.7 (VRID, family, interface): a rename or a version change keeps MASTER; a VRID change recreates it with one "removing VIPs."', async () => {
  const { h, rt } = await started(G + inst());
  await h.advance(DOWN_US + 100_000);
  assert.equal(rt.instances.get('VI_1')!.fsm.state, 'MASTER');
  const n0 = h.logs.length;
  const sent0 = h.sock().sent.length;
  // rename, same VRID and interface
  await rt.reload(sliceOf(G + inst({ name: 'VI_X' })));
  assert.deepEqual([...rt.instances.keys()], ['VI_X']);
  const x = rt.instances.get('VI_X')!;
  assert.equal(x.fsm.state, 'MASTER', 'the renamed instance goes on as MASTER');
  assert.equal(x.fsm.cfg.name, 'VI_X');
  assert.ok(!h.logs.slice(n0).some((l) => /Entering|sent 0 priority|removing VIPs/.test(l)), h.logs.slice(n0).join('\n'));
  assert.ok(!h.sock().priorities().slice(sent0).includes(0), 'no priority-0 advert');
  assert.ok(h.netlink.has('10.0.0.100'));
  await h.advance(1_000_000);
  assert.equal(x.fsm.state, 'MASTER');
  // version 3 -> 2: same router, state kept, adverts in the new version
  const n1 = h.logs.length;
  await rt.reload(sliceOf(G + inst({ name: 'VI_X' }).replace('  version 3\n', '  version 2\n')));
  assert.equal(rt.instances.get('VI_X'), x, 'same runtime instance');
  assert.equal(x.fsm.state, 'MASTER');
  assert.ok(!h.logs.slice(n1).some((l) => /Entering|sent 0 priority/.test(l)));
  await h.advance(1_100_000, 50_000);
  const d = decodeAdvert(h.sock().sent.at(-1)!.data, { family: 4 });
  assert.ok(d.ok && d.value.version === 2 && d.value.priority === 100, 'a VRRPv2 advert from the kept master');
  // VRID change: the old router is deleted (priority 0, VIPs removed), a new one starts in BACKUP
  const n2 = h.logs.length;
  await rt.reload(sliceOf(G + inst({ name: 'VI_X', vrid: 52 })));
  const lines = h.logs.slice(n2).filter((l) => /Entering|sent 0 priority|removing VIPs/.test(l));
  assert.deepEqual(lines, ['(VI_X) sent 0 priority', '(VI_X) removing VIPs.', '(VI_X) Entering BACKUP STATE (init)']);
  assert.equal(rt.instances.get('VI_X')!.fsm.state, 'BACKUP');
  assert.notEqual(rt.instances.get('VI_X'), x);
  await rt.stop();
});

test('reload: two instances swapping names keep their states by VRID', async () => {
  const text = (a: string, b: string) => G + inst({ name: a, prio: 100 }) + inst({ name: b, vrid: 52, vips: ['10.0.0.102/24'], prio: 100 });
  const { h, rt } = await started(text('VI_1', 'VI_2'));
  await h.advance(DOWN_US + 100_000);
  const byVrid = (v: number) => [...rt.instances.values()].find((r) => r.cfg.virtualRouterId === v)!;
  const r51 = byVrid(51);
  const r52 = byVrid(52);
  h.sock().deliver(v4Advert({ src: '10.0.0.2', vrid: 52, priority: 200, vips: ['10.0.0.102'] }));
  assert.equal(r52.fsm.state, 'BACKUP');
  assert.equal(r51.fsm.state, 'MASTER');
  await rt.reload(sliceOf(text('VI_2', 'VI_1')));
  assert.equal(rt.instances.get('VI_2'), r51);
  assert.equal(rt.instances.get('VI_1'), r52);
  assert.equal(r51.fsm.state, 'MASTER');
  assert.equal(r52.fsm.state, 'BACKUP');
  assert.equal(r51.fsm.cfg.name, 'VI_2');
  await rt.stop();
});
