/**
 * Scheduler.poke and onDemand checkers (a FILE_CHECK whose file is watched): the start-up run
 * happens as usual, then the checker runs only when poked; a poke during a run is followed by
 * one more run; a checker without onDemand keeps its delay_loop.
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { Scheduler, type SchedChecker } from '../../../src/check/scheduler';
import type { CheckResult } from '../../../src/check/types';
import { FakeClock } from './fake-clock';

const VS = '[10.0.0.1]:tcp:80';

function fileChecker(id: string, onDemand: boolean): SchedChecker {
  return {
    id,
    kind: 'FILE_CHECK',
    vs: VS,
    rs: `[10.0.0.${id.length}]:tcp:80`,
    delayLoopMs: 10_000,
    delayBeforeRetryMs: 10_000,
    warmupMs: 0,
    retry: 0,
    alpha: false,
    logAllFailures: false,
    target: { kind: 'FILE_CHECK', path: `/f/${id}`, weight: 0, reverse: false },
    ...(onDemand ? { onDemand } : {}),
  };
}

test('onDemand: no delay_loop runs; poke runs at once; a poke during a run gives one more run', async () => {
  const clock = new FakeClock();
  const runs: string[] = [];
  let value: Record<string, number> = { w: 0, pp: 0 };
  let holdNext = false;
  let release: (() => void) | undefined;
  const sched = new Scheduler(
    clock,
    async (c): Promise<CheckResult> => {
      runs.push(`${c.id}@${clock.now()}`);
      if (c.id === 'w' && holdNext) {
        holdNext = false;
        await new Promise<void>((r) => (release = r));
      }
      return value[c.id] ? { code: 'FILE_DOWN', detail: String(value[c.id]) } : { code: 'OK', weight: 0 };
    },
    () => undefined,
  );
  sched.add([fileChecker('w', true), fileChecker('pp', false)]);
  sched.start();
  await clock.advance(35_000);
  // the watched one ran once (start-up), the other every delay_loop
  assert.deepEqual(runs, ['w@1000', 'pp@1000', 'pp@11000', 'pp@21000', 'pp@31000']);

  value = { w: 1, pp: 0 };
  runs.length = 0;
  sched.poke((c) => c.id === 'w');
  await clock.advance(0);
  assert.deepEqual(runs, ['w@35000']);
  assert.equal(sched.rsState(VS, '[10.0.0.1]:tcp:80')?.up, false, 'down at once, no time passed');

  // poked while a run is in flight: exactly one more run, right after it
  runs.length = 0;
  value = { w: 0, pp: 0 };
  holdNext = true;
  sched.poke((c) => c.id === 'w');
  await clock.advance(0);
  assert.ok(release, 'the run is held');
  sched.poke((c) => c.id === 'w');
  sched.poke((c) => c.id === 'w');
  release!();
  await clock.advance(0);
  assert.deepEqual(runs, ['w@35000', 'w@35000']);
  assert.equal(sched.rsState(VS, '[10.0.0.1]:tcp:80')?.up, true);
  // and then nothing more until the next poke
  await clock.advance(50_000);
  assert.equal(runs.filter((r) => r.startsWith('w@')).length, 2);
  sched.stop();
});
