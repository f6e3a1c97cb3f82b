/**
 * Two (or three) instances wired through a fake network on a fake clock (see sim.ts):
 * election, failover timing, preemption, nopreempt, preempt_delay, priority-0 takeover.
 * Adverts travel as real bytes through our encoder, decoder and accept checks.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SimNet, S } from './sim';
import { skewTimeUs, masterDownIntervalUs } from '../../../src/vrrp/fsm';

const LAT = 100; // µs one-way

test('election: the higher priority becomes MASTER after 3 x advert + its skew; the other stays BACKUP', () => {
  const net = new SimNet(LAT);
  const a = net.add({ name: 'A', addr: '10.0.0.1', priority: 150 });
  const b = net.add({ name: 'B', addr: '10.0.0.2', priority: 100 });
  a.start();
  b.start();
  net.run(20 * S);
  assert.deepEqual(net.masters(), ['A']);
  assert.equal(a.lastEntered('MASTER'), 3 * S + skewTimeUs(2, 150, 100));
  assert.equal(b.lastEntered('MASTER'), undefined);
  assert.ok(a.vipsSet && !b.vipsSet);
  assert.equal(a.garps, 5);
  // A advertised every second from then on, B never sent anything
  assert.equal(a.sent.length, 1 + Math.floor((20 * S - a.lastEntered('MASTER')!) / S));
  assert.equal(b.sent.length, 0);
  assert.equal(b.drops.total(), 0);
});

test('failover: a crashed master is replaced exactly Master_Down_Interval after its last advert', () => {
  const net = new SimNet(LAT);
  const a = net.add({ name: 'A', addr: '10.0.0.1', priority: 150 });
  const b = net.add({ name: 'B', addr: '10.0.0.2', priority: 100 });
  a.start();
  b.start();
  net.run(10 * S + 500000);
  a.kill();
  const lastArrival = net.arrivals.get('B')!.at(-1)!;
  net.run(20 * S);
  assert.deepEqual(net.masters(), ['B']);
  assert.equal(b.lastEntered('MASTER')! - lastArrival, 3 * S + 609375);
  assert.equal(masterDownIntervalUs(2, 100, 100), 3 * S + 609375);
  assert.ok(b.logs.includes('(B) Receive advertisement timeout'));
});

test('priority 0 on shutdown: the backup takes over after its skew time only', () => {
  const net = new SimNet(LAT);
  const a = net.add({ name: 'A', addr: '10.0.0.1', priority: 150 });
  const b = net.add({ name: 'B', addr: '10.0.0.2', priority: 100 });
  a.start();
  b.start();
  net.run(10 * S + 250000);
  const t = net.clock.nowUs;
  a.event({ type: 'shutdown' });
  assert.equal(a.state, 'STOP');
  assert.deepEqual(a.sent.at(-1)!.priority, 0);
  net.run(20 * S);
  assert.equal(b.lastEntered('MASTER')! - t, LAT + skewTimeUs(2, 100, 100));
  assert.ok(b.logs.includes('(B) Backup received priority 0 advertisement'));
});

test('preemption: a higher priority instance starting later takes over; the old master yields', () => {
  const net = new SimNet(LAT);
  const a = net.add({ name: 'A', addr: '10.0.0.1', priority: 150 });
  const b = net.add({ name: 'B', addr: '10.0.0.2', priority: 100 });
  b.start();
  net.run(10 * S);
  assert.deepEqual(net.masters(), ['B']);
  a.start();
  const started = net.clock.nowUs;
  net.run(30 * S);
  assert.deepEqual(net.masters(), ['A']);
  // A discarded B's lower adverts, so it timed out exactly one Master_Down_Interval after starting
  assert.equal(a.lastEntered('MASTER')! - started, 3 * S + skewTimeUs(2, 150, 100));
  assert.ok(a.logs.some((l) => l === '(A) received lower priority (100) advert from 10.0.0.2 - discarding'));
  assert.ok(b.logs.includes('(B) Master received advert from 10.0.0.1 with higher priority 150, ours 100'));
  assert.equal(b.lastEntered('BACKUP')! - a.lastEntered('MASTER')!, LAT);
  assert.ok(!b.vipsSet);
});

test('nopreempt: a higher priority instance that starts later stays BACKUP', () => {
  const net = new SimNet(LAT);
  const a = net.add({ name: 'A', addr: '10.0.0.1', priority: 150, nopreempt: true });
  const b = net.add({ name: 'B', addr: '10.0.0.2', priority: 100 });
  b.start();
  net.run(10 * S);
  a.start();
  net.run(60 * S);
  assert.deepEqual(net.masters(), ['B']);
  assert.equal(a.lastEntered('MASTER'), undefined);
  // but it still takes over when B dies
  b.kill();
  net.run(70 * S);
  assert.deepEqual(net.masters(), ['A']);
});

test('preempt_delay: takeover happens only after the delay (keepalived: delay + Master_Down_Interval after the first advert)', () => {
  const net = new SimNet(LAT);
  const a = net.add({ name: 'A', addr: '10.0.0.1', priority: 150, preemptDelayUs: 5 * S });
  const b = net.add({ name: 'B', addr: '10.0.0.2', priority: 100 });
  b.start();
  net.run(10 * S + 300000);
  a.start();
  net.run(40 * S);
  assert.deepEqual(net.masters(), ['A']);
  const firstRx = net.arrivals.get('A')!.find((t) => t > 10 * S + 300000)!;
  // adverts at firstRx+1..+4 s are inside the delay and reset the timer; the one at +5 s is discarded
  assert.equal(a.lastEntered('MASTER')! - firstRx, 4 * S + 3 * S + skewTimeUs(2, 150, 100));
  assert.ok(a.logs.includes('(A) start preempt delay (5.000000)'));
});

test('VRRPv3: backups adopt the master interval; failover = 3 x master interval + skew computed from it', () => {
  const net = new SimNet(LAT);
  const a = net.add({ name: 'A', addr: '10.0.0.1', priority: 150, version: 3, advertIntervalCs: 50 });
  const b = net.add({ name: 'B', addr: '10.0.0.2', priority: 100, version: 3, advertIntervalCs: 100 });
  a.start();
  net.run(5 * S);
  b.start();
  net.run(10 * S);
  assert.equal(b.st.masterAdverIntCs, 50);
  a.kill();
  const last = net.arrivals.get('B')!.at(-1)!;
  net.run(20 * S);
  assert.equal(b.lastEntered('MASTER')! - last, 3 * 500000 + skewTimeUs(3, 100, 50));
  assert.equal(skewTimeUs(3, 100, 50), 304687);
  assert.ok(b.logs.includes('(B) changing advert interval from 500ms to locally configured 1000ms'));
  assert.equal(b.st.masterAdverIntCs, 100);
});

test('VRRPv3 as observed on keepalived 2.2.7: a master yielding to a faster higher-priority master keeps its interval while BACKUP', () => {
  const net = new SimNet(LAT);
  const a = net.add({ name: 'A', addr: '10.99.0.1', priority: 150, version: 3, advertIntervalCs: 50 });
  const b = net.add({ name: 'B', addr: '10.99.0.2', priority: 100, version: 3, advertIntervalCs: 100 });
  b.start();
  net.run(5 * S);
  a.start();
  net.run(13 * S);
  assert.deepEqual(net.masters(), ['A']);
  // same log sequence as keepalived's on the wire (see fixtures README)
  const i = b.logs.indexOf('(B) Master received advert from 10.99.0.1 with higher priority 150, ours 100');
  assert.ok(i >= 0);
  assert.deepEqual(b.logs.slice(i, i + 4), [
    '(B) Master received advert from 10.99.0.1 with higher priority 150, ours 100',
    '(B) advertisement interval updated from 1000ms to 500ms by master',
    '(B) Entering BACKUP STATE',
    '(B) removing VIPs.',
  ]);
  a.event({ type: 'shutdown' });
  const t = net.clock.nowUs;
  net.run(20 * S);
  assert.equal(b.lastEntered('MASTER')! - t, LAT + skewTimeUs(3, 100, 50));
  const j = b.logs.indexOf('(B) Entering MASTER STATE', i);
  assert.equal(b.logs[j + 1], '(B) changing advert interval from 500ms to locally configured 1000ms');
});

test('partition heals: both masters, the lower one yields after the higher forces a new election', () => {
  const net = new SimNet(LAT);
  const a = net.add({ name: 'A', addr: '10.0.0.1', priority: 150 });
  const b = net.add({ name: 'B', addr: '10.0.0.2', priority: 100 });
  a.start();
  b.start();
  net.run(10 * S);
  net.isolated.add(a);
  net.run(20 * S);
  assert.deepEqual(net.masters().sort(), ['A', 'B']);
  net.isolated.delete(a);
  net.run(22 * S);
  assert.deepEqual(net.masters(), ['A']);
  assert.ok(a.logs.some((l) => l === '(A) Received advert from 10.0.0.2 with lower priority 100, ours 150, forcing new election'));
});

test('equal priority: the higher primary address wins', () => {
  const net = new SimNet(LAT);
  const a = net.add({ name: 'A', addr: '10.0.0.1', priority: 100 });
  const b = net.add({ name: 'B', addr: '10.0.0.2', priority: 100 });
  a.start();
  b.start();
  net.run(15 * S);
  assert.deepEqual(net.masters(), ['B']);
  assert.ok(a.logs.some((l) => l.includes('with same priority 100 but higher IP address than ours')));
});

test('two address owners converge to one master and log the configuration error', () => {
  const net = new SimNet(LAT);
  const a = net.add({ name: 'A', addr: '10.0.0.1', priority: 255, initialState: 'MASTER' });
  const b = net.add({ name: 'B', addr: '10.0.0.2', priority: 255, initialState: 'MASTER' });
  a.start();
  b.start();
  net.run(30 * S);
  assert.equal(net.masters().length, 1);
  assert.ok([...a.logs, ...b.logs].some((l) => l.includes('CONFIGURATION ERROR: local instance and a remote instance are both configured as address owner')));
});

test('three routers: failover chain by priority', () => {
  const net = new SimNet(LAT);
  const a = net.add({ name: 'A', addr: '10.0.0.1', priority: 200 });
  const b = net.add({ name: 'B', addr: '10.0.0.2', priority: 150 });
  const c = net.add({ name: 'C', addr: '10.0.0.3', priority: 100 });
  for (const n of [a, b, c]) n.start();
  net.run(10 * S);
  assert.deepEqual(net.masters(), ['A']);
  a.event({ type: 'shutdown' });
  net.run(15 * S);
  assert.deepEqual(net.masters(), ['B']);
  assert.equal(c.lastEntered('MASTER'), undefined, 'C never became master: B\'s skew is shorter');
  b.kill();
  net.run(25 * S);
  assert.deepEqual(net.masters(), ['C']);
});
