/** RealClock (one heap, one setTimeout) and the tracker arithmetic (keepalived's weights/clamping). */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { RealClock } from '../../../src/sys/clock';
import { effectivePriority, trackerEffect, type TrackerState } from '../../../src/vrrp/runtime/trackers';

test('RealClock fires in deadline order, never early, honours clear, leaves nothing armed', async () => {
  const c = new RealClock();
  const t0 = c.nowUs;
  const fired: [string, number][] = [];
  const rec = (n: string) => () => fired.push([n, c.nowUs]);
  c.at(t0 + 30_000, rec('c'));
  c.at(t0 + 10_000, rec('a'));
  const x = c.at(t0 + 20_000, rec('x'));
  c.at(t0 + 20_000, rec('b'));
  c.at(t0 + 20_000, rec('b2'));
  c.clear(x);
  await new Promise((r) => setTimeout(r, 80));
  assert.deepEqual(fired.map((f) => f[0]), ['a', 'b', 'b2', 'c']);
  assert.ok(fired[0]![1] >= t0 + 10_000 && fired[1]![1] >= t0 + 20_000 && fired[3]![1] >= t0 + 30_000, 'never early');
  assert.equal(c.size, 0);
  // a timer armed from a callback for an earlier deadline than the armed one
  const order: string[] = [];
  const t1 = c.nowUs;
  c.at(t1 + 40_000, () => order.push('late'));
  c.at(t1 + 5_000, () => c.at(t1 + 10_000, () => order.push('inner')));
  await new Promise((r) => setTimeout(r, 70));
  assert.deepEqual(order, ['inner', 'late']);
  c.clearAll();
});

const t = (o: Partial<TrackerState>): TrackerState => ({ label: 'x', kind: 'script', weight: 0, reverse: false, up: true, ...o });

test('tracker weights as keepalived: +W while up, -|W| while down, 0 faults, reverse multiplies by -1; files value x weight', () => {
  assert.deepEqual(trackerEffect(t({ weight: 20, up: true })), { delta: 20, fault: false });
  assert.deepEqual(trackerEffect(t({ weight: 20, up: false })), { delta: 0, fault: false });
  assert.deepEqual(trackerEffect(t({ weight: -20, up: false })), { delta: -20, fault: false });
  assert.deepEqual(trackerEffect(t({ weight: -20, up: true })), { delta: 0, fault: false });
  assert.deepEqual(trackerEffect(t({ weight: 0, up: false })), { delta: 0, fault: true });
  assert.deepEqual(trackerEffect(t({ weight: 0, up: true, reverse: true })), { delta: 0, fault: true });
  // reverse (keepalived's weight_multiplier -1): W>0 subtracts while up, W<0 adds while down
  assert.deepEqual(trackerEffect(t({ weight: 20, up: true, reverse: true })), { delta: -20, fault: false });
  assert.deepEqual(trackerEffect(t({ weight: 20, up: false, reverse: true })), { delta: 0, fault: false });
  assert.deepEqual(trackerEffect(t({ weight: -20, up: false, reverse: true })), { delta: 20, fault: false });
  assert.deepEqual(trackerEffect(t({ weight: 0, up: false, reverse: true })), { delta: 0, fault: false });
  // a script that has not returned yet counts neither way
  assert.deepEqual(trackerEffect(t({ weight: -20, up: undefined })), { delta: 0, fault: false });
  assert.deepEqual(trackerEffect(t({ weight: 0, up: undefined })), { delta: 0, fault: false });
  assert.deepEqual(trackerEffect(t({ kind: 'file', weight: -100, value: 3 })), { delta: 0, fault: true });
  assert.deepEqual(trackerEffect(t({ kind: 'file', weight: 100, value: 3 })), { delta: 253, fault: false });
  assert.deepEqual(trackerEffect(t({ kind: 'file', weight: 3, value: 4 })), { delta: 12, fault: false });
  assert.deepEqual(trackerEffect(t({ kind: 'file', weight: 0, value: 4 })), { delta: 0, fault: true });
});

test('effective priority clamped to 1..254; an owner (255) is never changed', () => {
  assert.equal(effectivePriority(100, [t({ weight: 200 })]).priority, 254);
  assert.equal(effectivePriority(100, [t({ weight: -200, up: false })]).priority, 1);
  assert.equal(effectivePriority(255, [t({ weight: -50, up: false })]).priority, 255);
  assert.equal(effectivePriority(100, [t({ weight: 10 }), t({ weight: -30, up: false })]).priority, 80);
  assert.equal(effectivePriority(100, [t({ weight: 0, up: false, label: 'a' }), t({ weight: 0, up: false, label: 'b' })]).faultBy?.label, 'a');
});
