/**
 * The checker worker's work per check must not carry per-run objects that outlive the run
 * (issue #5: the worker cost ~100 µs of CPU and ~12 KiB of allocation per TCP check, the
 * scheduler/engine part of it an AbortController, a timer, closures, a setImmediate and
 * string-keyed look-ups per check). Not timing tests: they count objects and look-ups.
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { Scheduler, decide, initialState, type SchedChecker } from '../../../src/check/scheduler';
import { realClock } from '../../../src/check/clock';
import { createEngine } from '../../../src/check/engine';
import { MemIpvsPort } from '../../../src/check/ipvs-memport';
import { LvsState } from '../../../src/check/ipvs-reconcile';
import type { CheckResult } from '../../../src/check/types';
import { FakeClock } from './fake-clock';
import { ManualClock, captureLogger, settings, sliceOf, ticks } from '../ipvs/helpers';

function checker(id: string, over: Partial<SchedChecker> = {}): SchedChecker {
  return {
    id,
    kind: 'TCP_CHECK',
    vs: '[10.0.0.1]:tcp:80',
    rs: `[10.0.0.${id.length + 4}]:tcp:80`,
    delayLoopMs: 1000,
    delayBeforeRetryMs: 1000,
    warmupMs: 0,
    retry: 0,
    alpha: false,
    logAllFailures: false,
    target: { kind: 'TCP_CHECK', host: '10.0.0.5', port: 80, connectTimeoutMs: 500 },
    ...over,
  };
}

test('a checker re-uses one abort signal and one timer callback across runs; a fresh signal after abort or a leaked listener', async () => {
  const clock = new FakeClock();
  const signals: AbortSignal[] = [];
  const callbacks = new Set<() => void>();
  const setTimer = clock.setTimer.bind(clock);
  clock.setTimer = (ms, cb) => {
    callbacks.add(cb);
    return setTimer(ms, cb);
  };
  let leak = false;
  const sched = new Scheduler(
    clock,
    async (_c, signal) => {
      signals.push(signal);
      if (leak) signal.addEventListener('abort', () => undefined);
      return { code: 'OK' };
    },
    () => undefined,
    { bootstrapDelayMs: 0 },
  );
  sched.add([checker('a')]);
  sched.start();
  await clock.advance(10_500); // runs at 0, 1000, …, 10000
  assert.equal(signals.length, 11);
  assert.equal(new Set(signals).size, 1, 'one signal for all runs');
  assert.equal(callbacks.size, 1, 'one timer callback for all runs');

  leak = true;
  await clock.advance(1000); // this run leaves a listener behind
  leak = false;
  await clock.advance(1000);
  assert.equal(signals.length, 13);
  assert.equal(signals[11], signals[0]);
  assert.notEqual(signals[12], signals[11], 'a signal with a left-over listener is not passed on');

  // stop() aborts the run in progress; after a restart the runs get a signal that is not aborted
  const pending: AbortSignal[] = [];
  const sched2 = new Scheduler(
    clock,
    (_c, signal) => {
      pending.push(signal);
      return pending.length === 1 ? new Promise<CheckResult>(() => undefined) : Promise.resolve({ code: 'OK' });
    },
    () => undefined,
    { bootstrapDelayMs: 0 },
  );
  sched2.add([checker('b')]);
  sched2.start();
  await clock.advance(0);
  assert.equal(pending.length, 1);
  sched2.stop();
  assert.equal(pending[0]!.aborted, true);
  sched2.start();
  await clock.advance(0);
  assert.equal(pending.length, 2);
  assert.equal(pending[1]!.aborted, false);
  sched.stop();
  sched2.stop();
});

test('decide(): a success while up keeps the state object and logs nothing; other results as before', () => {
  const c = checker('a');
  const st = { ...initialState(c), hasRun: true, retryIt: 0 };
  const d = decide(c, st, { code: 'OK' });
  assert.equal(d.state, st, 'no new state when nothing changes');
  assert.deepEqual(d.lines, []);
  assert.equal(d.transition, undefined);
  assert.equal(d.delayMs, 1000);
  // a weight change (FILE_CHECK) still gives a new state
  const w = decide({ ...c, kind: 'FILE_CHECK' }, st, { code: 'OK', weight: 5 });
  assert.notEqual(w.state, st);
  assert.equal(w.state.weight, 5);
  assert.equal(st.weight, 0, 'the input state is not changed');
  // misc_dynamic: an absolute weight set, then cleared
  const m1 = decide({ ...c, kind: 'MISC_CHECK' }, st, { code: 'OK', weight: 7 });
  assert.equal(m1.state.setWeight, 7);
  const m2 = decide({ ...c, kind: 'MISC_CHECK' }, m1.state, { code: 'OK' });
  assert.equal('setWeight' in m2.state, false);
  assert.equal(decide({ ...c, kind: 'MISC_CHECK' }, m2.state, { code: 'OK' }).state, m2.state);
});

test('realClock: one Node timer per callback, re-armed after it fired; a cancelled one does not fire', async () => {
  let n = 0;
  let wake: () => void = () => undefined;
  const cb = (): void => {
    n++;
    wake();
  };
  const fired = (): Promise<void> => new Promise<void>((r) => (wake = r));
  let f = fired();
  const h1 = realClock.setTimer(1, cb);
  await f;
  f = fired();
  const h2 = realClock.setTimer(1, cb);
  assert.equal(h2, h1, 'the fired timer is re-armed, not replaced');
  await f;
  assert.equal(n, 2);
  const h3 = realClock.setTimer(1, cb);
  h3.cancel();
  f = fired();
  const h4 = realClock.setTimer(1, cb);
  assert.notEqual(h4, h3, 'a cancelled timer is replaced');
  await f;
  assert.equal(n, 3, 'the cancelled arm did not fire');
  // another delay: a new timer
  f = fired();
  const h5 = realClock.setTimer(2, cb);
  assert.notEqual(h5, h4);
  await f;
  assert.equal(n, 4);
});

test('engine: checks of healthy real servers make no real-server look-ups and one setImmediate per turn', async (t) => {
  const NRS = 20;
  const out = ['global_defs {', '  router_id kats', '}', 'virtual_server 10.50.0.1 80 {', '  delay_loop 1', '  lb_algo rr', '  lb_kind NAT', '  protocol TCP'];
  for (let r = 0; r < NRS; r++) out.push(`  real_server 10.1.0.${r + 1} 8080 {`, '    weight 1', '    TCP_CHECK {', '      connect_timeout 1', '      retry 0', '    }', '  }');
  out.push('}');
  const clock = new ManualClock();
  const { log } = captureLogger();
  const run = async (): Promise<CheckResult> => ({ code: 'OK' });
  const eng = createEngine({ role: 'checker', log, settings: settings() }, { ipvs: new MemIpvsPort(), clock, run, notifier: { notify: () => undefined }, bootstrapDelayMs: 10 });
  const step = async (ms: number): Promise<void> => {
    clock.advance(ms);
    await ticks();
    await eng.idle();
  };
  await eng.start(sliceOf(out.join('\n') + '\n'));
  t.after(() => eng.stop());
  await step(20);
  await step(1000); // every real server followed once: resolved

  let lookups = 0;
  const orig = LvsState.prototype.rsState;
  t.mock.method(LvsState.prototype, 'rsState', function (this: LvsState, ...a: Parameters<LvsState['rsState']>) {
    lookups++;
    return orig.apply(this, a);
  });
  let immediates = 0;
  const origImmediate = global.setImmediate;
  t.mock.method(global, 'setImmediate', (...a: Parameters<typeof setImmediate>) => {
    immediates++;
    return origImmediate(...a);
  });
  clock.advance(1000); // the 20 checkers run in this turn
  for (let i = 0; i < 20; i++) await null; // their results settle (microtasks only)
  t.mock.restoreAll();
  await ticks();
  await eng.idle();
  assert.equal(lookups, 0, 'LvsState.rsState look-ups for checks that changed nothing (was one per check)');
  assert.equal(immediates, 1, `setImmediate calls for ${NRS} results in one turn (was one per real server)`);
});
