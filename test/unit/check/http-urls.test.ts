/**
 * HTTP_GET url by url, replaying what keepalived 2.2.7 did in the IPVS VM (3 urls, delay_loop
 * 3 s, delay_before_retry 1 s, retry 1; the web server answered 500 for a while): the
 * requests the server saw, in order and time, and keepalived's log lines.
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { Scheduler, type SchedChecker, type SchedEvent } from '../../../src/check/scheduler';
import type { CheckResult, HttpTarget } from '../../../src/check/types';
import { FakeClock } from './fake-clock';

const RS = '[10.200.1.1]:tcp:8081';
const VS = '[10.200.2.100]:tcp:80';

function httpChecker(over: Partial<SchedChecker>, fast: boolean): SchedChecker {
  const target: HttpTarget = {
    kind: 'HTTP_GET',
    tls: false,
    host: '10.200.1.1',
    port: 8081,
    connectTimeoutMs: 1000,
    httpProtocol: '1.0',
    urls: [{ path: '/a' }, { path: '/b' }, { path: '/c' }],
    ...(fast ? { fastRecovery: true } : {}),
  };
  return { id: 'h', kind: 'HTTP_GET', vs: VS, rs: RS, delayLoopMs: 3000, delayBeforeRetryMs: 1000, warmupMs: 0, retry: 1, alpha: false, logAllFailures: false, target, ...over };
}

/** A web server answering 500 inside [from, to) ms. */
function harness(c: SchedChecker, from: number, to: number) {
  const clock = new FakeClock();
  const events: SchedEvent[] = [];
  const gets: string[] = [];
  const sched = new Scheduler(
    clock,
    async (x): Promise<CheckResult> => {
      const t = x.target as HttpTarget;
      const passed: { path: string; test: string }[] = [];
      for (const u of t.urls) {
        const bad = clock.now() >= from && clock.now() < to;
        gets.push(`${clock.now() / 1000} ${u.path} ${bad ? 500 : 200}`);
        if (bad) return { code: 'HTTP_STATUS', url: u.path };
        passed.push({ path: u.path, test: 'HTTP status code' });
      }
      return { code: 'OK', url: t.urls.at(-1)!.path, passed };
    },
    (e) => events.push(e),
  );
  sched.add([c]);
  const logs = () => events.flatMap((e) => (e.type === 'log' && !e.line.startsWith('Activating') ? [e.line] : []));
  return { clock, sched, gets, logs, events };
}

const ok = (p: string) => `HTTP status code success to ${RS} url(${p})`;
const UP = `Remote Web server ${RS} succeed on service.`;
const DOWN = `HTTP_CHECK on service ${RS} failed after 1 retries.`;

test('alpha: urls one per delay_loop at start; up = rotation; down polls the failed url, then recovery from the first url', async () => {
  const h = harness(httpChecker({ alpha: true }, false), 21_500, 28_000);
  h.sched.start();
  await h.clock.advance(41_500);
  h.sched.stop();
  assert.deepEqual(h.gets, [
    '1 /a 200', '4 /b 200', '7 /c 200',
    '10 /a 200', '13 /b 200', '16 /c 200', '19 /a 200',
    '22 /b 500', '23 /b 500', '26 /b 500', '29 /b 200',
    '32 /a 200', '35 /b 200', '38 /c 200', '41 /a 200',
  ]);
  assert.deepEqual(h.logs(), [ok('/a'), ok('/b'), ok('/c'), UP, DOWN, ok('/b'), ok('/a'), ok('/b'), ok('/c'), UP]);
  assert.equal(h.sched.rsState(VS, RS)?.up, true);
});

test('fast_recovery: every url at once at start and as soon as the failed url passes', async () => {
  const h = harness(httpChecker({}, true), 6_500, 13_000);
  h.sched.start();
  await h.clock.advance(17_500);
  h.sched.stop();
  assert.deepEqual(h.gets, ['1 /a 200', '1 /b 200', '1 /c 200', '4 /a 200', '7 /b 500', '8 /b 500', '11 /b 500', '14 /b 200', '14 /a 200', '14 /b 200', '14 /c 200', '17 /a 200']);
  assert.deepEqual(h.logs(), [UP, DOWN, ok('/b'), ok('/a'), ok('/b'), ok('/c'), UP]);
});

test('without fast_recovery: the recovery takes one delay_loop per url, the server stays out meanwhile', async () => {
  const h = harness(httpChecker({}, false), 0, 5_000);
  h.sched.start();
  await h.clock.advance(2_000);
  assert.equal(h.sched.rsState(VS, RS)?.up, false, 'first failure is final');
  await h.clock.advance(10_000); // poll at 4 (500), 7 (200): recovery 10 /a, 13 /b, 16 /c
  assert.equal(h.sched.rsState(VS, RS)?.up, false, 'still recovering');
  await h.clock.advance(4_500);
  h.sched.stop();
  assert.deepEqual(h.gets, ['1 /a 500', '4 /a 500', '7 /a 200', '10 /a 200', '13 /b 200', '16 /c 200']);
  assert.equal(h.sched.rsState(VS, RS)?.up, true);
  assert.deepEqual(h.logs().slice(-5), [ok('/a'), ok('/a'), ok('/b'), ok('/c'), UP]);
});
