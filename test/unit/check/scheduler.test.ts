import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { Scheduler, decide, initialState, type SchedChecker, type SchedEvent } from '../../../src/check/scheduler';
import type { CheckResult } from '../../../src/check/types';
import type { CheckCode } from '../../../src/check/result';
import { FakeClock } from './fake-clock';

const RS = '[10.0.0.5]:tcp:80';
const VS = '[10.0.0.1]:tcp:80';

function checker(over: Partial<SchedChecker> = {}): SchedChecker {
  return {
    id: 'c1',
    kind: 'TCP_CHECK',
    vs: VS,
    rs: RS,
    delayLoopMs: 10_000,
    delayBeforeRetryMs: 3_000,
    warmupMs: 0,
    retry: 2,
    alpha: false,
    logAllFailures: false,
    target: { kind: 'TCP_CHECK', host: '10.0.0.5', port: 80, connectTimeoutMs: 5000 },
    ...over,
  };
}

/** Scheduler over a fake clock whose run port replays scripted results per checker id. */
function harness(checkers: SchedChecker[], script: Record<string, (CheckCode | CheckResult)[]>) {
  const clock = new FakeClock();
  const events: SchedEvent[] = [];
  const runs: { id: string; at: number }[] = [];
  const sched = new Scheduler(
    clock,
    async (c) => {
      runs.push({ id: c.id, at: clock.now() });
      const next = script[c.id]?.shift() ?? 'OK';
      return typeof next === 'string' ? { code: next } : next;
    },
    (e) => events.push(e),
  );
  sched.add(checkers);
  const logs = () =>
    events
      .filter((e): e is { type: 'log'; line: string } => e.type === 'log')
      .map((e) => e.line)
      .filter((l) => !l.startsWith('Activating healthchecker'));
  const rsEvents = () => events.filter((e) => e.type === 'rs');
  return { clock, events, runs, sched, logs, rsEvents };
}

test('retries with delay_before_retry, goes down after `retry` retries, up after one success', async () => {
  const h = harness([checker()], { c1: ['OK', 'OK', 'CONNECT_REFUSED', 'CONNECT_REFUSED', 'CONNECT_REFUSED', 'OK'] });
  h.sched.start();
  await h.clock.advance(40_000);
  assert.deepEqual(
    h.runs.map((r) => r.at),
    [1000, 11_000, 21_000, 24_000, 27_000, 37_000],
  );
  assert.deepEqual(h.logs(), [
    `TCP connection to ${RS} success.`,
    `TCP_CHECK on service ${RS} failed after 2 retries.`,
    `TCP connection to ${RS} success.`,
  ]);
  assert.deepEqual(h.rsEvents(), [
    { type: 'rs', vs: VS, rs: RS, up: false, weight: 0 },
    { type: 'rs', vs: VS, rs: RS, up: true, weight: 0 },
  ]);
  h.sched.stop();
});

test('a failing first check is final at once (retry_it starts at retry)', async () => {
  const h = harness([checker({ retry: 3 })], { c1: ['CONNECT_TIMEOUT', 'CONNECT_TIMEOUT'] });
  h.sched.start();
  await h.clock.advance(1000);
  assert.deepEqual(h.logs(), [`TCP_CHECK on service ${RS} failed.`]);
  assert.equal(h.sched.rsState(VS, RS)?.up, false);
  // the final failure waits delay_loop; while down, failures are not logged again
  await h.clock.advance(10_000);
  assert.equal(h.runs.length, 2);
  assert.equal(h.runs[1]?.at, 11_000);
  assert.equal(h.logs().length, 1);
  h.sched.stop();
});

test('alpha: real server starts down, first success brings it up once', async () => {
  const h = harness([checker({ alpha: true })], { c1: ['OK', 'OK'] });
  assert.equal(h.sched.rsState(VS, RS)?.up, false);
  h.sched.start();
  await h.clock.advance(12_000);
  assert.deepEqual(h.logs(), [`TCP connection to ${RS} success.`]);
  assert.deepEqual(h.rsEvents(), [{ type: 'rs', vs: VS, rs: RS, up: true, weight: 0 }]);
  h.sched.stop();
});

test('alpha: first failure logs the failure but emits no state change', async () => {
  const h = harness([checker({ alpha: true })], { c1: ['CONNECT_REFUSED'] });
  h.sched.start();
  await h.clock.advance(1000);
  assert.deepEqual(h.logs(), [`TCP_CHECK on service ${RS} failed.`]);
  assert.deepEqual(h.rsEvents(), []);
  assert.equal(h.events.filter((e) => e.type === 'checker').length, 0);
  h.sched.stop();
});

test('warmup delays the first check by random() * warmup after the bootstrap delay', async () => {
  const h = harness([checker({ warmupMs: 10_000 })], {});
  h.clock.randomValues = [0.5];
  h.sched.start();
  assert.deepEqual(h.clock.pending(), [6000]);
  await h.clock.advance(6000);
  assert.equal(h.runs[0]?.at, 6000);
  h.sched.stop();
});

test('log_all_failures logs each failed attempt while up; without it only the state change is logged', async () => {
  const script = ['OK', 'CONNECT_TIMEOUT', 'CONNECT_REFUSED', 'CONNECT_REFUSED', 'CONNECT_REFUSED'] as CheckCode[];
  const quiet = harness([checker()], { c1: [...script] });
  quiet.sched.start();
  await quiet.clock.advance(25_000);
  quiet.sched.stop();
  const loud = harness([checker({ logAllFailures: true })], { c1: [...script] });
  loud.sched.start();
  await loud.clock.advance(25_000);
  loud.sched.stop();
  assert.deepEqual(quiet.logs(), [`TCP connection to ${RS} success.`, `TCP_CHECK on service ${RS} failed after 2 retries.`]);
  assert.deepEqual(loud.logs(), [
    `TCP connection to ${RS} success.`,
    `TCP connection to ${RS} timeout.`,
    `TCP connection to ${RS} failed.`,
    `TCP connection to ${RS} failed.`,
    `TCP_CHECK on service ${RS} failed after 2 retries.`,
  ]);
});

test('HTTP attempt lines carry the keepalived debug message', () => {
  const c = checker({ kind: 'HTTP_GET', logAllFailures: true, retry: 1 });
  let st = initialState(c);
  st = decide(c, st, { code: 'OK' }).state;
  const d1 = decide(c, st, { code: 'HTTP_STATUS', detail: '500' });
  assert.deepEqual(d1.lines, [`HTTP status code error to server ${RS}.`]);
  assert.equal(d1.delayMs, 3000);
  const d2 = decide(c, d1.state, { code: 'HTTP_DIGEST' });
  assert.deepEqual(d2.lines, [`MD5 digest error to server ${RS}.`, `HTTP_CHECK on service ${RS} failed after 1 retries.`]);
  assert.equal(d2.transition, 'down');
  const d3 = decide(c, d2.state, { code: 'OK', passed: [{ path: '/a', test: 'MD5 digest' }, { path: '/b', test: 'HTTP status code' }] });
  assert.deepEqual(d3.lines, [
    `MD5 digest success to ${RS} url(/a)`,
    `HTTP status code success to ${RS} url(/b)`,
    `Remote Web server ${RS} succeed on service.`,
  ]);
  assert.equal(d3.transition, 'up');
  const first = decide(c, initialState(c), { code: 'OK', passed: [{ path: '/a', test: 'MD5 digest' }] });
  assert.deepEqual(first.lines, [`Remote Web server ${RS} succeed on service.`], 'no per-url lines while up');
});

test('SMTP logs the reason of the final failure even without log_all_failures', () => {
  const c = checker({ kind: 'SMTP_CHECK', retry: 1, pair: '[10.0.0.5]:25' });
  let st = decide(c, initialState(c), { code: 'OK' }).state;
  const d1 = decide(c, st, { code: 'SMTP_BAD_BANNER' });
  assert.deepEqual(d1.lines, []);
  const d2 = decide(c, d1.state, { code: 'SMTP_BAD_BANNER' });
  assert.deepEqual(d2.lines, ['SMTP_CHECK Bad greeting banner from server [10.0.0.5]:25']);
  assert.equal(d2.transition, 'down');
  st = d2.state;
  assert.deepEqual(decide(c, st, { code: 'OK' }).lines, [`Remote SMTP server ${RS} succeed on service.`]);
});

test('DNS final failure line gets " after N retries"', () => {
  const c = checker({ kind: 'DNS_CHECK', retry: 1 });
  const st = decide(c, initialState(c), { code: 'OK' }).state;
  const d1 = decide(c, st, { code: 'READ_TIMEOUT' });
  const d2 = decide(c, d1.state, { code: 'DNS_BAD_REPLY', detail: '2' });
  assert.deepEqual(d2.lines, [`DNS_CHECK (${RS}) read error occurred. (rcode = 2) after 1 retries`]);
});

test('MISC lines; failures while already down are neither retried nor logged', () => {
  const c = checker({ kind: 'MISC_CHECK', retry: 0, script: '/bin/check.sh' });
  const head = `Misc check for [${RS} VS ${VS}] by [/bin/check.sh]`;
  const d1 = decide(c, initialState(c), { code: 'MISC_EXIT', exitStatus: 1 });
  assert.deepEqual(d1.lines, [`${head} failed (exited with status 1).`]);
  const d2 = decide(c, d1.state, { code: 'MISC_TIMEOUT' });
  assert.deepEqual(d2.lines, []);
  assert.equal(d2.delayMs, 10_000);
  const d3 = decide(c, d2.state, { code: 'OK' });
  assert.deepEqual(d3.lines, [`${head} succeeded.`]);
  const d4 = decide(c, d3.state, { code: 'MISC_TIMEOUT' });
  assert.deepEqual(d4.lines, [`${head} timed out.`]);
});

test('real server is down while any checker is down; events emitted once per change', async () => {
  const a = checker({ id: 'a', retry: 0 });
  const b = checker({ id: 'b', retry: 0, delayLoopMs: 10_000 });
  const h = harness([a, b], { a: ['OK', 'CONNECT_REFUSED', 'OK', 'OK'], b: ['OK', 'CONNECT_REFUSED', 'CONNECT_REFUSED', 'OK'] });
  h.sched.start();
  await h.clock.advance(1000); // both OK
  await h.clock.advance(10_000); // both fail → one down event
  assert.deepEqual(h.rsEvents(), [{ type: 'rs', vs: VS, rs: RS, up: false, weight: 0 }]);
  await h.clock.advance(10_000); // a up, b still down → no event
  assert.equal(h.rsEvents().length, 1);
  await h.clock.advance(10_000); // b up → up event
  assert.deepEqual(h.rsEvents()[1], { type: 'rs', vs: VS, rs: RS, up: true, weight: 0 });
  assert.equal(h.events.filter((e) => e.type === 'checker').length, 4);
  h.sched.stop();
});

test('misc_dynamic sets an absolute weight, FILE_CHECK adds deltas; rs events only on change', async () => {
  const m = checker({ id: 'm', kind: 'MISC_CHECK', retry: 0, script: 's' });
  const f = checker({ id: 'f', kind: 'FILE_CHECK', retry: 0 });
  const h = harness([m, f], {
    m: [{ code: 'OK', weight: 5 }, { code: 'OK', weight: 5 }, { code: 'OK', weight: 7 }, { code: 'OK' }],
    f: [{ code: 'OK', weight: 0 }, { code: 'OK', weight: -6 }, { code: 'OK', weight: -6 }, { code: 'OK', weight: -6 }],
  });
  h.sched.start();
  await h.clock.advance(31_000);
  assert.deepEqual(
    h.rsEvents().map((e) => (e.type === 'rs' ? [e.weight, e.setWeight] : [])),
    [
      [0, 5],
      [-6, 5],
      [-6, 7],
      [-6, undefined],
    ],
  );
  assert.deepEqual(h.sched.rsState(VS, RS), { up: true, weight: -6 });
  h.sched.stop();
});

test('MISC with retries: intermediate failures only with log_all_failures, final line says after N retries', () => {
  const c = checker({ kind: 'MISC_CHECK', retry: 2, script: '/s', logAllFailures: true });
  const head = `Misc check for [${RS} VS ${VS}] by [/s]`;
  let st = decide(c, initialState(c), { code: 'OK' }).state;
  const d1 = decide(c, st, { code: 'MISC_EXIT', exitStatus: 3 });
  assert.deepEqual(d1.lines, [`${head} failed on retry 1/2 (exited with status 3).`]);
  const d2 = decide(c, d1.state, { code: 'MISC_TIMEOUT' });
  assert.deepEqual(d2.lines, [`${head} timed out on retry 2/2.`]);
  const d3 = decide(c, d2.state, { code: 'MISC_SIGNAL', signal: 6 });
  assert.deepEqual(d3.lines, [`${head} failed after 2 retries (due to signal 6).`]);
  assert.equal(d3.transition, 'down');
  st = decide({ ...c, logAllFailures: false }, decide(c, d3.state, { code: 'OK' }).state, { code: 'MISC_EXIT', exitStatus: 1 }).state;
  assert.equal(st.retryIt, 1);
});

test('MISC_CHECK schedules from the start of the run', async () => {
  const clock = new FakeClock();
  const runs: number[] = [];
  const sched = new Scheduler(
    clock,
    async () => {
      runs.push(clock.now());
      await new Promise<void>((r) => clock.setTimer(4000, r)); // the script takes 4 s
      return { code: 'OK' };
    },
    () => undefined,
  );
  sched.add([checker({ kind: 'MISC_CHECK' })]);
  sched.start();
  await clock.advance(25_000);
  assert.deepEqual(runs, [1000, 11_000, 21_000]);
  sched.stop();
});

test('stop() cancels timers and aborts runs in progress', async () => {
  const clock = new FakeClock();
  let aborted = false;
  let runs = 0;
  const sched = new Scheduler(
    clock,
    (_c, signal) =>
      new Promise((resolve) => {
        runs++;
        signal.addEventListener('abort', () => {
          aborted = true;
          resolve({ code: 'ABORTED' });
        });
      }),
    () => undefined,
  );
  sched.add([checker()]);
  sched.start();
  await clock.advance(1000);
  sched.stop();
  await clock.advance(100_000);
  assert.equal(aborted, true);
  assert.equal(runs, 1);
  assert.deepEqual(clock.pending(), []);
});

test('start logs one activation line per checker, like register_checkers_thread', async () => {
  const h = harness([checker({ id: 'a' }), checker({ id: 'b', kind: 'HTTP_GET' })], {});
  h.sched.start();
  const act = h.events.flatMap((e) => (e.type === 'log' && e.line.startsWith('Activating') ? [e.line] : []));
  assert.deepEqual(act, [`Activating healthchecker for service ${RS} for VS ${VS}`, `Activating healthchecker for service ${RS} for VS ${VS}`]);
  h.sched.stop();
});

test('once down: TCP keeps retrying at delay_before_retry, HTTP polls at max(delay_before_retry, delay_loop), UDP at delay_loop', () => {
  const down = (c: SchedChecker) => decide(c, { isUp: false, hasRun: true, retryIt: 0, weight: 0 }, { code: 'CONNECT_REFUSED' });
  const tcp = down(checker({ kind: 'TCP_CHECK', delayBeforeRetryMs: 3000, delayLoopMs: 10_000 }));
  assert.equal(tcp.delayMs, 3000);
  assert.equal(tcp.state.retryIt, 1);
  const http = down(checker({ kind: 'HTTP_GET', delayBeforeRetryMs: 15_000, delayLoopMs: 10_000 }));
  assert.equal(http.delayMs, 15_000);
  assert.equal(http.state.retryIt, 0);
  assert.deepEqual(http.lines, []);
  const udp = down(checker({ kind: 'UDP_CHECK', delayBeforeRetryMs: 3000, delayLoopMs: 10_000, logAllFailures: true }));
  assert.equal(udp.delayMs, 10_000);
  assert.deepEqual(udp.lines, []);
});

test('reload keeps the state and schedule of unchanged checkers, starts new ones, stops removed ones', async () => {
  const a = checker({ id: 'a', retry: 0 });
  const b = checker({ id: 'b', rs: '[10.0.0.6]:tcp:80' });
  const h = harness([a, b], { a: ['CONNECT_REFUSED', 'CONNECT_REFUSED', 'CONNECT_REFUSED'], b: [] });
  h.sched.start();
  await h.clock.advance(1000);
  assert.equal(h.sched.rsState(VS, RS)?.up, false);
  const eventsBefore = h.events.length;
  await h.clock.advance(4000); // t = 5000; a is due at 11000
  const c = checker({ id: 'c', rs: '[10.0.0.7]:tcp:80' });
  h.sched.reload([{ ...a, id: 'a2' }, c]);
  assert.equal(h.sched.rsState(VS, RS)?.up, false, 'a kept its down state under a new id');
  assert.equal(h.sched.rsState(VS, '[10.0.0.6]:tcp:80'), undefined, 'b removed');
  assert.deepEqual(
    h.events.slice(eventsBefore).map((e) => (e.type === 'log' ? e.line : e.type)),
    ['Activating healthchecker for service [10.0.0.7]:tcp:80 for VS [10.0.0.1]:tcp:80'],
  );
  h.runs.length = 0;
  await h.clock.advance(6000); // t = 11000
  assert.deepEqual(h.runs, [
    { id: 'c', at: 6000 },
    { id: 'a2', at: 11_000 },
  ]);
  assert.equal(h.logs().filter((l) => l.includes('failed')).length, 1, 'no new failure line for the kept, still-down checker');
  h.sched.stop();
});

test('a changed checker restarts from scratch on reload', async () => {
  const a = checker({ id: 'a', retry: 0 });
  const h = harness([a], { a: ['CONNECT_REFUSED', 'OK'] });
  h.sched.start();
  await h.clock.advance(1000);
  assert.equal(h.sched.rsState(VS, RS)?.up, false);
  h.sched.reload([{ ...a, delayLoopMs: 5000 }]);
  assert.equal(h.sched.rsState(VS, RS)?.up, true, 'new checker starts up (no alpha)');
  assert.deepEqual(h.rsEvents().at(-1), { type: 'rs', vs: VS, rs: RS, up: true, weight: 0 });
  h.sched.stop();
});

test('suspended checkers skip their runs and keep their state', async () => {
  const h = harness([checker({ id: 'a' })], {});
  h.sched.setEnabled(() => true, false);
  h.sched.start();
  await h.clock.advance(30_000);
  assert.equal(h.runs.length, 0);
  h.sched.setEnabled((c) => c.id === 'a', true);
  await h.clock.advance(10_000);
  assert.equal(h.runs.length, 1);
  h.sched.stop();
});
