/**
 * The IPVS model, the desired table, the diff and keepalived's state transitions (log lines as
 * keepalived 2.2.7 prints them: check/ipwrapper.c). Pure: no kernel.
 * Expected values are written from keepalived's behaviour (the same cases run against real
 * keepalived in test/vm/ipvs-engine.test.ts), not derived from the code under test.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { buildModel, expandRange, SVC_F, FWD, AF_INET, AF_INET6 } from '../../../src/check/ipvs-model';
import { LvsState, applyOps, desiredTable, diffTables, scopeOf, serviceKey, type Table } from '../../../src/check/ipvs-reconcile';
import { formatOp } from '../../../src/check/ipvs-memport';
import { sliceOf } from './helpers';

const v4 = (s: string) => Buffer.from(s.split('.').map(Number));
const CHK = 'TCP_CHECK { connect_timeout 1 retry 0 }';

/** keepalived reads one keyword per line: split the compact one-line blocks written below. */
const KW = new Set(['virtual_server', 'real_server', 'lb_algo', 'lb_kind', 'lvs_method', 'persistence_timeout', 'persistence_granularity', 'protocol', 'weight', 'uthreshold', 'lthreshold', 'TCP_CHECK', 'connect_timeout', 'retry', 'sh-port', 'ops', 'quorum', 'hysteresis', 'sorry_server', 'sorry_server_inhibit', 'inhibit_on_failure', 'alpha', '}']);
function lined(text: string): string {
  return text
    .split('\n')
    .map((l) => l.trim().split(/\s+/).reduce((acc, tok) => (KW.has(tok) && acc !== '' ? `${acc}\n${tok}` : acc === '' ? tok : `${acc} ${tok}`), ''))
    .join('\n');
}

function model(text: string) {
  return buildModel(sliceOf(lined(text)).lvs);
}

/** The table as sorted `ipvsadm` command lines (order-insensitive comparison). */
function lines(t: Table): string[] {
  const out: string[] = [];
  for (const e of t.values()) {
    out.push(formatOp({ op: 'addService', svc: e.svc }));
    for (const d of e.dests.values()) out.push(formatOp({ op: 'addDest', svc: e.svc, dest: d }));
  }
  return out;
}

function started(text: string, initial: (rs: string) => boolean = () => true) {
  const m = model(text);
  const st = new LvsState(m);
  const out = st.init((_vs, rs) => initial(rs.text));
  return { m, st, out };
}

test('model: NAT service with persistence, granularity, thresholds; UDP DR service', () => {
  const m = model(`virtual_server 10.0.0.1 80 {
    lb_algo wrr
    lb_kind NAT
    persistence_timeout 50
    persistence_granularity 255.255.255.0
    protocol TCP
    real_server 10.0.1.1 8081 { weight 3 uthreshold 100 lthreshold 10 ${CHK} }
  }
  virtual_server 10.0.0.1 53 { lb_algo rr lb_kind DR protocol UDP real_server 10.0.1.3 53 { weight 7 } }`);
  assert.equal(m.vs.length, 2);
  const [a, b] = m.vs;
  assert.equal(a!.text, '[10.0.0.1]:tcp:80');
  assert.deepEqual(a!.services, [{ af: AF_INET, protocol: 6, addr: v4('10.0.0.1'), port: 80, schedName: 'wrr', flags: { flags: SVC_F.PERSISTENT, mask: 0xffffffff }, timeout: 50, netmask: 0xffffff00 }]);
  assert.deepEqual(a!.rs[0]!.dest, { addr: v4('10.0.1.1'), port: 8081, addrFamily: AF_INET, fwdMethod: FWD.NAT, uThreshold: 100, lThreshold: 10 });
  assert.equal(a!.rs[0]!.weight, 3);
  assert.equal(a!.rs[0]!.noCheckers, false);
  assert.equal(b!.services[0]!.protocol, 17);
  assert.equal(b!.services[0]!.flags!.flags, 0);
  assert.equal(b!.rs[0]!.dest.fwdMethod, FWD.DR);
  assert.equal(b!.rs[0]!.noCheckers, true);
});

test('model: fwmark, IPv6, tunnels (gue port, gre csum), scheduler flags', () => {
  const m = model(`virtual_server fwmark 7 { lb_algo lc lb_kind TUN persistence_timeout 30 real_server 10.0.1.1 0 { weight 5 } }
  virtual_server 10.0.0.2 443 {
    lb_algo sh
    sh-port
    lb_kind TUN type gue port 6080
    protocol TCP
    real_server 10.0.1.1 443 { weight 2 }
    real_server 10.0.1.2 443 { lvs_method TUN type gre csum }
  }
  virtual_server 2001:db8::1 80 { lb_algo rr ops protocol UDP real_server 2001:db8::2 80 { } }`);
  const [f, t, six] = m.vs;
  assert.deepEqual(f!.services, [{ af: AF_INET, fwmark: 7, schedName: 'lc', flags: { flags: SVC_F.PERSISTENT, mask: 0xffffffff }, timeout: 30 }]);
  assert.equal(f!.rs[0]!.dest.fwdMethod, FWD.TUN);
  assert.equal(t!.services[0]!.flags!.flags, SVC_F.SCHED2);
  assert.deepEqual([t!.rs[0]!.dest.tunType, t!.rs[0]!.dest.tunPort, t!.rs[0]!.dest.tunFlags], [1, 6080, 0]);
  assert.deepEqual([t!.rs[1]!.dest.tunType, t!.rs[1]!.dest.tunFlags], [2, 1]);
  assert.equal(six!.services[0]!.af, AF_INET6);
  assert.equal(six!.services[0]!.flags!.flags, SVC_F.ONEPACKET);
  assert.equal(six!.rs[0]!.dest.addrFamily, AF_INET6);
});

test('model: virtual_server_group expands ranges and keeps fwmark entries; fwmark dests get port 0', () => {
  const { m, st } = started(`virtual_server_group WEB {
    10.0.0.254-10.0.1.1 80
    10.0.0.20 80
    fwmark 9
  }
  virtual_server group WEB { lb_algo rr lb_kind DR protocol TCP real_server 10.0.1.1 80 { weight 4 } }`);
  const keys = m.vs[0]!.services.map((s) => (s.fwmark ? `fwm ${s.fwmark}` : `${[...s.addr!].join('.')}:${s.port}`));
  assert.deepEqual(keys, ['10.0.0.254:80', '10.0.0.255:80', '10.0.1.0:80', '10.0.1.1:80', '10.0.0.20:80', 'fwm 9']);
  const t = desiredTable(m, st);
  assert.equal(t.size, 6);
  const fwm = [...t.values()].find((e) => e.svc.fwmark === 9)!;
  assert.deepEqual([...fwm.dests.values()].map((d) => d.port), [0]);
  const first = [...t.values()][0]!;
  assert.deepEqual([...first.dests.values()].map((d) => [d.port, d.weight]), [[80, 4]]);
});

test('expandRange: inclusive, carries, empty when reversed, capped', () => {
  assert.deepEqual(expandRange(v4('10.0.0.1'), v4('10.0.0.3')).map((b) => b[3]), [1, 2, 3]);
  assert.equal(expandRange(v4('10.0.0.3'), v4('10.0.0.1')).length, 0);
  assert.equal(expandRange(v4('0.0.0.0'), v4('255.255.255.255'), 10).length, 10);
  assert.equal(expandRange(v4('255.255.255.255'), v4('255.255.255.255')).length, 1);
});

test('diff: from empty, to itself, weight change, removed service, serviceOnly', () => {
  const { m, st } = started(`virtual_server 10.0.0.1 80 { lb_algo rr lb_kind NAT protocol TCP
      real_server 10.0.1.1 8081 { weight 3 ${CHK} } real_server 10.0.1.2 8082 { weight 2 ${CHK} } }
    virtual_server 10.0.0.2 80 { lb_algo rr lb_kind NAT protocol TCP real_server 10.0.1.1 8081 { ${CHK} } }`);
  const want = desiredTable(m, st);
  const ops = diffTables(new Map(), want);
  assert.deepEqual(ops.map((o) => formatOp(o)), [
    'ipvsadm -A -t 10.0.0.1:80 -s rr',
    'ipvsadm -a -t 10.0.0.1:80 -r 10.0.1.1:8081 -m -w 3',
    'ipvsadm -a -t 10.0.0.1:80 -r 10.0.1.2:8082 -m -w 2',
    'ipvsadm -A -t 10.0.0.2:80 -s rr',
    'ipvsadm -a -t 10.0.0.2:80 -r 10.0.1.1:8081 -m -w 1',
  ]);
  const applied = applyOps(new Map(), ops);
  assert.deepEqual(lines(applied), lines(want));
  assert.deepEqual(diffTables(applied, want), []);
  // dynamic weight +2 on one RS: one edit
  st.rsVerdict('[10.0.0.1]:tcp:80', '[10.0.1.2]:tcp:8082', true, 2);
  assert.deepEqual(diffTables(applied, desiredTable(m, st)).map((o) => formatOp(o)), ['ipvsadm -e -t 10.0.0.1:80 -r 10.0.1.2:8082 -m -w 4']);
  // a service that is no longer wanted: its dests, then the service; or the service only
  const fewer: Table = new Map([...want].filter(([k]) => !k.includes(v4('10.0.0.2').toString('hex'))));
  assert.deepEqual(diffTables(applied, fewer).map((o) => formatOp(o)), ['ipvsadm -d -t 10.0.0.2:80 -r 10.0.1.1:8081', 'ipvsadm -D -t 10.0.0.2:80']);
  assert.deepEqual(diffTables(applied, new Map(), { serviceOnly: true }).map((o) => o.op), ['delService', 'delService']);
  assert.deepEqual(diffTables(applied, new Map()).map((o) => o.op), ['delDest', 'delDest', 'delService', 'delDest', 'delService']);
});

test('diff: scheduler / persistence change is an editService, dest forwarding change an editDest', () => {
  const a = started(`virtual_server 10.0.0.1 80 { lb_algo rr lb_kind NAT protocol TCP real_server 10.0.1.1 80 { } }`);
  const b = started(`virtual_server 10.0.0.1 80 { lb_algo wlc persistence_timeout 60 lb_kind DR protocol TCP real_server 10.0.1.1 80 { } }`);
  const ops = diffTables(desiredTable(a.m, a.st), desiredTable(b.m, b.st));
  assert.deepEqual(ops.map((o) => formatOp(o)), ['ipvsadm -E -t 10.0.0.1:80 -s wlc -p 60', 'ipvsadm -e -t 10.0.0.1:80 -r 10.0.1.1:80 -g -w 1']);
});

test('real server down/up: removal and log lines; inhibit_on_failure keeps it at weight 0', () => {
  const { m, st } = started(`virtual_server 10.0.0.1 80 { lb_algo rr lb_kind NAT protocol TCP
      real_server 10.0.1.1 8081 { weight 3 ${CHK} }
      real_server 10.0.1.2 8082 { weight 2 inhibit_on_failure ${CHK} } }`);
  const vs = '[10.0.0.1]:tcp:80';
  let o = st.rsVerdict(vs, '[10.0.1.1]:tcp:8081', false, 0);
  assert.deepEqual(o.lines, ['Removing service [10.0.1.1]:tcp:8081 from VS [10.0.0.1]:tcp:80']);
  o = st.rsVerdict(vs, '[10.0.1.2]:tcp:8082', false, 0);
  assert.deepEqual(o.lines, ['Disabling service [10.0.1.2]:tcp:8082 of VS [10.0.0.1]:tcp:80', 'Lost quorum 1-0=1 > 0 for VS [10.0.0.1]:tcp:80']);
  assert.deepEqual(lines(desiredTable(m, st)), ['ipvsadm -A -t 10.0.0.1:80 -s rr', 'ipvsadm -a -t 10.0.0.1:80 -r 10.0.1.2:8082 -m -w 0']);
  o = st.rsVerdict(vs, '[10.0.1.2]:tcp:8082', true, 0);
  assert.deepEqual(o.lines, ['Enabling service [10.0.1.2]:tcp:8082 of VS [10.0.0.1]:tcp:80', 'Gained quorum 1+0=1 <= 2 for VS [10.0.0.1]:tcp:80']);
  o = st.rsVerdict(vs, '[10.0.1.1]:tcp:8081', true, 0);
  assert.deepEqual(o.lines, ['Adding service [10.0.1.1]:tcp:8081 to VS [10.0.0.1]:tcp:80']);
  assert.deepEqual(st.rsVerdict(vs, '[10.0.1.1]:tcp:8081', true, 0).lines, [], 'no change, no line');
  assert.deepEqual(st.rsVerdict('[9.9.9.9]:tcp:1', '[10.0.1.1]:tcp:8081', false, 0).lines, [], 'unknown VS ignored');
});

test('quorum + sorry server: lost → sorry in and real servers out; gained → back', () => {
  const { m, st, out } = started(`virtual_server 10.0.0.3 80 { lb_algo wrr lb_kind NAT protocol TCP quorum 4
      sorry_server 10.0.1.5 8085
      real_server 10.0.1.1 8081 { weight 3 ${CHK} }
      real_server 10.0.1.2 8082 { weight 2 ${CHK} } }`);
  const vs = '[10.0.0.3]:tcp:80';
  assert.deepEqual(out.lines, ['Gained quorum 4+0=4 <= 5 for VS [10.0.0.3]:tcp:80']);
  assert.deepEqual(out.notifications.map((n) => [n.kind, n.up]), [['quorum', true]]);
  const o = st.rsVerdict(vs, '[10.0.1.1]:tcp:8081', false, 0);
  assert.deepEqual(o.lines, [
    'Removing service [10.0.1.1]:tcp:8081 from VS [10.0.0.3]:tcp:80',
    'Lost quorum 4-0=4 > 2 for VS [10.0.0.3]:tcp:80',
    'Adding sorry server [10.0.1.5]:tcp:8085 to VS [10.0.0.3]:tcp:80',
    'Removing alive servers from the pool for VS [10.0.0.3]:tcp:80',
  ]);
  assert.deepEqual(lines(desiredTable(m, st)), ['ipvsadm -A -t 10.0.0.3:80 -s wrr', 'ipvsadm -a -t 10.0.0.3:80 -r 10.0.1.5:8085 -m -w 1']);
  const back = st.rsVerdict(vs, '[10.0.1.1]:tcp:8081', true, 0);
  assert.deepEqual(back.lines.slice(0, 3), [
    'Adding service [10.0.1.1]:tcp:8081 to VS [10.0.0.3]:tcp:80',
    'Gained quorum 4+0=4 <= 5 for VS [10.0.0.3]:tcp:80',
    'Removing sorry server [10.0.1.5]:tcp:8085 from VS [10.0.0.3]:tcp:80',
  ]);
  assert.deepEqual(lines(desiredTable(m, st)), ['ipvsadm -A -t 10.0.0.3:80 -s wrr', 'ipvsadm -a -t 10.0.0.3:80 -r 10.0.1.1:8081 -m -w 3', 'ipvsadm -a -t 10.0.0.3:80 -r 10.0.1.2:8082 -m -w 2']);
});

test('hysteresis holds the quorum; sorry_server_inhibit keeps the sorry server at weight 0', () => {
  const { m, st } = started(`virtual_server 10.0.0.4 80 { lb_algo rr lb_kind NAT protocol TCP quorum 3 hysteresis 1
      sorry_server 10.0.1.5 8085
      sorry_server_inhibit
      real_server 10.0.1.1 8081 { weight 2 ${CHK} }
      real_server 10.0.1.2 8082 { weight 2 ${CHK} } }`);
  const vs = '[10.0.0.4]:tcp:80';
  assert.deepEqual(st.rsVerdict(vs, '[10.0.1.1]:tcp:8081', false, 0).lines, ['Removing service [10.0.1.1]:tcp:8081 from VS [10.0.0.4]:tcp:80']);
  assert.deepEqual(lines(desiredTable(m, st)), ['ipvsadm -A -t 10.0.0.4:80 -s rr', 'ipvsadm -a -t 10.0.0.4:80 -r 10.0.1.2:8082 -m -w 2', 'ipvsadm -a -t 10.0.0.4:80 -r 10.0.1.5:8085 -m -w 0']);
  const o = st.rsVerdict(vs, '[10.0.1.2]:tcp:8082', false, 0);
  assert.deepEqual(o.lines.slice(1, 3), ['Lost quorum 3-1=2 > 0 for VS [10.0.0.4]:tcp:80', 'Enabling sorry server [10.0.1.5]:tcp:8085 to VS [10.0.0.4]:tcp:80']);
  assert.deepEqual(lines(desiredTable(m, st)), ['ipvsadm -A -t 10.0.0.4:80 -s rr', 'ipvsadm -a -t 10.0.0.4:80 -r 10.0.1.5:8085 -m -w 1']);
  // one back (2) is below quorum + hysteresis (4): still down
  assert.deepEqual(st.rsVerdict(vs, '[10.0.1.1]:tcp:8081', true, 0).lines, ['Adding service [10.0.1.1]:tcp:8081 to VS [10.0.0.4]:tcp:80']);
  assert.ok(st.rsVerdict(vs, '[10.0.1.2]:tcp:8082', true, 0).lines.includes('Gained quorum 3+1=4 <= 4 for VS [10.0.0.4]:tcp:80'));
});

test('alpha: starts with quorum down and the sorry server in; inhibited real server at weight 0', () => {
  const { m, st, out } = started(`virtual_server 10.0.0.5 80 { lb_algo rr lb_kind NAT protocol TCP alpha
      sorry_server 10.0.1.5 8085
      real_server 10.0.1.3 8083 { weight 2 inhibit_on_failure ${CHK} } }`, () => false);
  assert.deepEqual(out.lines, [
    'Starting with quorum down 2-0=2 > 0 for VS [10.0.0.5]:tcp:80',
    'Adding sorry server [10.0.1.5]:tcp:8085 to VS [10.0.0.5]:tcp:80',
    'Removing alive servers from the pool for VS [10.0.0.5]:tcp:80',
  ].map((l) => l.replace('2-0=2', `${m.vs[0]!.quorum}-0=${m.vs[0]!.quorum + 0}`)));
  assert.deepEqual(lines(desiredTable(m, st)), ['ipvsadm -A -t 10.0.0.5:80 -s rr', 'ipvsadm -a -t 10.0.0.5:80 -r 10.0.1.3:8083 -m -w 0', 'ipvsadm -a -t 10.0.0.5:80 -r 10.0.1.5:8085 -m -w 1']);
});

test('dynamic weight: "Changing weight" line, weight clamped to 0..65535, quorum follows', () => {
  const { m, st } = started(`virtual_server 10.0.0.1 80 { lb_algo wrr lb_kind NAT protocol TCP quorum 3
      real_server 10.0.1.1 8081 { weight 3 ${CHK} } }`);
  const vs = '[10.0.0.1]:tcp:80';
  assert.deepEqual(st.rsVerdict(vs, '[10.0.1.1]:tcp:8081', true, 2).lines, ['Changing weight from 3 to 5 for active service [10.0.1.1]:tcp:8081 of VS [10.0.0.1]:tcp:80']);
  assert.deepEqual(st.rsVerdict(vs, '[10.0.1.1]:tcp:8081', true, -2).lines, [
    'Changing weight from 5 to 1 for active service [10.0.1.1]:tcp:8081 of VS [10.0.0.1]:tcp:80',
    'Lost quorum 3-0=3 > 1 for VS [10.0.0.1]:tcp:80',
  ]);
  st.rsVerdict(vs, '[10.0.1.1]:tcp:8081', true, 100000);
  assert.equal([...desiredTable(m, st).values()][0]!.dests.values().next().value!.weight, 65535);
  st.rsVerdict(vs, '[10.0.1.1]:tcp:8081', true, -10);
  assert.equal([...desiredTable(m, st).values()][0]!.dests.values().next().value!.weight, 0);
});

test('reload: state is adopted by identity; only the difference is applied', () => {
  const oldText = `virtual_server 10.0.0.1 80 { lb_algo rr lb_kind NAT protocol TCP
      real_server 10.0.1.1 8081 { weight 3 ${CHK} } real_server 10.0.1.2 8082 { weight 2 ${CHK} } }
    virtual_server 10.0.0.2 80 { lb_algo rr lb_kind NAT protocol TCP real_server 10.0.1.1 8081 { ${CHK} } }`;
  const a = started(oldText);
  a.st.rsVerdict('[10.0.0.1]:tcp:80', '[10.0.1.2]:tcp:8082', false, 0);
  const cur = desiredTable(a.m, a.st);
  const newText = `virtual_server 10.0.0.1 80 { lb_algo rr lb_kind NAT protocol TCP
      real_server 10.0.1.1 8081 { weight 5 ${CHK} } real_server 10.0.1.2 8082 { weight 2 ${CHK} } real_server 10.0.1.4 8084 { ${CHK} } }`;
  const m2 = model(newText);
  const st2 = new LvsState(m2);
  const adopted = st2.adopt(a.st);
  assert.deepEqual(adopted.lines, ['Removing Virtual Server [10.0.0.2]:tcp:80', 'Removing service [10.0.1.1]:tcp:8081 from VS [10.0.0.2]:tcp:80']);
  st2.init(() => true);
  const ops = diffTables(cur, desiredTable(m2, st2)).map((o) => formatOp(o));
  assert.deepEqual(ops, [
    'ipvsadm -d -t 10.0.0.2:80 -r 10.0.1.1:8081',
    'ipvsadm -D -t 10.0.0.2:80',
    'ipvsadm -e -t 10.0.0.1:80 -r 10.0.1.1:8081 -m -w 5',
    'ipvsadm -a -t 10.0.0.1:80 -r 10.0.1.4:8084 -m -w 1',
  ], 'the failed 10.0.1.2 stays out; the new one comes in; weights edited in place');
});

test('stop: shutting-down lines for every real server', () => {
  const { st } = started(`virtual_server 10.0.0.1 80 { lb_algo rr lb_kind NAT protocol TCP
      real_server 10.0.1.1 8081 { inhibit_on_failure ${CHK} } real_server 10.0.1.2 8082 { ${CHK} } }`);
  st.rsVerdict('[10.0.0.1]:tcp:80', '[10.0.1.1]:tcp:8081', false, 0);
  assert.deepEqual(st.stop().lines, [
    'Shutting down (inhibited) service [10.0.1.1]:tcp:8081 from VS [10.0.0.1]:tcp:80',
    'Shutting down service [10.0.1.2]:tcp:8082 from VS [10.0.0.1]:tcp:80',
  ]);
});

test('serviceKey distinguishes fwmark / protocol / family / port', () => {
  const base = { af: AF_INET, protocol: 6, addr: v4('10.0.0.1'), port: 80 };
  const keys = new Set([serviceKey(base), serviceKey({ ...base, protocol: 17 }), serviceKey({ ...base, port: 81 }), serviceKey({ af: AF_INET, fwmark: 1 }), serviceKey({ af: AF_INET6, fwmark: 1 })]);
  assert.equal(keys.size, 5);
});

test('reload: a real server dropped from the configuration is logged as keepalived does', () => {
  const a = started(`virtual_server 10.0.0.1 80 { lb_algo rr lb_kind NAT protocol TCP
      real_server 10.0.1.1 8081 { ${CHK} } real_server 10.0.1.2 8082 { inhibit_on_failure ${CHK} } real_server 10.0.1.3 8083 { ${CHK} } }`);
  a.st.rsVerdict('[10.0.0.1]:tcp:80', '[10.0.1.2]:tcp:8082', false, 0);
  a.st.rsVerdict('[10.0.0.1]:tcp:80', '[10.0.1.3]:tcp:8083', false, 0);
  const b = new LvsState(model(`virtual_server 10.0.0.1 80 { lb_algo rr lb_kind NAT protocol TCP real_server 10.0.1.9 80 { } }`));
  assert.deepEqual(b.adopt(a.st).lines, [
    'service [10.0.1.1]:tcp:8081 no longer exist',
    'Removing service [10.0.1.1]:tcp:8081 from VS [10.0.0.1]:tcp:80',
    'service [10.0.1.2]:tcp:8082 no longer exist',
    'Removing (inhibited) service [10.0.1.2]:tcp:8082 from VS [10.0.0.1]:tcp:80',
    'service [10.0.1.3]:tcp:8083 no longer exist',
  ]);
});

test('rs_init_notifies: notify_up for real servers alive at start only when asked', () => {
  const text = `virtual_server 10.0.0.1 80 {
  lb_algo rr
  protocol TCP
  real_server 10.0.1.1 8081 {
    notify_up "/bin/echo up"
    TCP_CHECK {
      retry 0
    }
  }
  real_server 10.0.1.2 8082 {
    TCP_CHECK {
      retry 0
    }
  }
}
`;
  const m = buildModel(sliceOf(text).lvs);
  const quiet = new LvsState(m).init(() => true);
  assert.deepEqual(quiet.notifications.filter((n) => n.kind === 'rs'), []);
  const told = new LvsState(m).init((_v, r) => r.text.includes('8081'), { rsInitNotifies: true });
  assert.deepEqual(told.notifications.filter((n) => n.kind === 'rs').map((n) => [n.kind === 'rs' && n.rs, n.script?.cmd]), [['[10.0.1.1]:tcp:8081', '/bin/echo up']]);
});

test('scoped desired table and diff: one VS\'s services, with every VS sharing them, others untouched', () => {
  // 10.0.0.1:80 is in VS A and in group WEB (first entry wins); 10.0.0.3:80 only in VS C
  const { m, st } = started(`virtual_server_group WEB {
    10.0.0.1 80
    10.0.0.2 80
  }
  virtual_server 10.0.0.1 80 { lb_algo rr lb_kind NAT protocol TCP real_server 10.0.1.1 80 { ${CHK} } }
  virtual_server group WEB { lb_algo rr lb_kind NAT protocol TCP real_server 10.0.1.2 80 { ${CHK} } }
  virtual_server 10.0.0.3 80 { lb_algo rr lb_kind NAT protocol TCP real_server 10.0.1.3 80 { ${CHK} } }`);
  const full = desiredTable(m, st);
  const a = scopeOf(m, m.vs[0]!.text);
  assert.deepEqual([...a.keys], [serviceKey(m.vs[0]!.services[0]!)]);
  assert.deepEqual(a.vs.map((v) => v.text), [m.vs[0]!.text, m.vs[1]!.text], 'the group shares the service: it is in the scope');
  for (const vs of m.vs) {
    const sc = scopeOf(m, vs.text);
    const part = desiredTable(m, st, sc);
    assert.deepEqual(lines(part), lines(new Map([...full].filter(([k]) => sc.keys.has(k)))), `scope of ${vs.text}`);
  }
  // the group's real server dies: only its two services change, VS C's table is not looked at
  const applied = applyOps(new Map(), diffTables(new Map(), full));
  st.rsVerdict(m.vs[1]!.text, '[10.0.1.2]:tcp:80', false, 0);
  const g = scopeOf(m, m.vs[1]!.text);
  const ops = diffTables(applied, desiredTable(m, st, g), { only: g.keys });
  assert.deepEqual(ops.map((o) => formatOp(o)), ['ipvsadm -d -t 10.0.0.1:80 -r 10.0.1.2:80', 'ipvsadm -d -t 10.0.0.2:80 -r 10.0.1.2:80']);
  assert.deepEqual(ops, diffTables(applied, desiredTable(m, st)), 'same operations as the full diff');
});
