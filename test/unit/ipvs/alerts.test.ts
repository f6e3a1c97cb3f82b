/**
 * Per-checker RS alerts: one per checker transition (as keepalived 2.2.7 mails from each
 * checker's epilog), with the checker kind's body, even when the real server's own state
 * does not change (a second checker failing on an already-down server).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createEngine } from '../../../src/check/engine';
import { MemIpvsPort } from '../../../src/check/ipvs-memport';
import type { CheckResult, SchedChecker } from '../../../src/check/index';
import { checkerAlertBody, type CheckerAlert } from '../../../src/check/alerts';
import { ManualClock, captureLogger, settings, sliceOf, ticks } from './helpers';

const CONF = `virtual_server 10.0.0.1 80 {
  delay_loop 2
  protocol TCP
  real_server 10.0.1.1 8081 {
    TCP_CHECK {
      connect_timeout 1
      retry 0
    }
    HTTP_GET {
      url {
        path /
      }
      connect_timeout 1
      retry 0
    }
  }
}
`;

test('one alert per checker transition, with its kind body', async () => {
  const clock = new ManualClock();
  const { log } = captureLogger();
  const failing = new Set<string>();
  const run = async (c: SchedChecker): Promise<CheckResult> => (failing.has(c.kind) ? { code: c.kind === 'TCP_CHECK' ? 'CONNECT_REFUSED' : 'HTTP_STATUS', url: '/' } : { code: 'OK' });
  const alerts: CheckerAlert[] = [];
  const eng = createEngine({ role: 'checker', log, settings: settings() }, { ipvs: new MemIpvsPort(), clock, run, bootstrapDelayMs: 10, onCheckerAlert: (a) => alerts.push(a) });
  const step = async (ms: number) => {
    clock.advance(ms);
    await ticks();
    await eng.idle();
  };
  await eng.start(sliceOf(CONF));
  await step(100);
  assert.equal(alerts.length, 0, 'no alert for checkers that start up and stay up');
  failing.add('TCP_CHECK');
  await step(2000);
  failing.add('HTTP_GET');
  await step(2000);
  failing.clear();
  // HTTP recovers url by url: the failed url is polled every max(delay_before_retry 3 s, delay_loop), then checked again
  for (let i = 0; i < 10; i++) await step(1000);
  const rs = '[10.0.1.1]:tcp:8081';
  const vs = '[10.0.0.1]:tcp:80';
  assert.deepEqual(
    alerts.map((a) => [a.vs, a.rs, a.checker, a.up, a.body]),
    [
      [vs, rs, 'TCP_CHECK', false, '=> TCP CHECK failed on service <='],
      [vs, rs, 'HTTP_GET', false, '=> CHECK failed on service : HTTP request failed <='],
      [vs, rs, 'TCP_CHECK', true, '=> TCP CHECK succeed on service <='],
      [vs, rs, 'HTTP_GET', true, '=> CHECK succeed on service <='],
    ],
  );
  await eng.stop();
});

test('alert bodies per kind (2.2.7 strings)', () => {
  assert.equal(checkerAlertBody('HTTP_GET', false, { code: 'CONNECT_TIMEOUT' }), '=> CHECK failed on service : Timeout connecting <=');
  assert.equal(checkerAlertBody('MISC_CHECK', false, { code: 'MISC_TIMEOUT' }), '=> MISC CHECK timed out on service <=');
  assert.equal(checkerAlertBody('MISC_CHECK', true, { code: 'OK' }), '=> MISC CHECK succeed on service <=');
  assert.equal(checkerAlertBody('PING_CHECK', false, { code: 'ICMP_TIMEOUT' as never }), '=> ICMP CHECK failed on service <=');
  assert.equal(checkerAlertBody('DNS_CHECK', true, { code: 'OK' }), '=> DNS_CHECK: succeed on service <=');
});

test('createEngine forwards each checker alert to the parent as an rs-alert notify event', () => {
  const sent: unknown[] = [];
  const ctx = {
    role: 'checker' as const,
    log: { info() {}, warn() {}, error() {}, detailed() {}, debug() {} } as never,
    settings: {} as never,
    notify: (e: unknown) => sent.push(e),
  };
  const eng = createEngine(ctx as never);
  const opts = (eng as unknown as { opts: { onCheckerAlert?: (a: unknown) => void } }).opts;
  assert.ok(opts.onCheckerAlert, 'an alert sink is installed when the parent listens');
  opts.onCheckerAlert({ vs: '[10.0.0.1]:tcp:80', rs: '[192.168.1.2]:tcp:80', checker: 'TCP_CHECK', up: false, body: '=> TCP CHECK failed on service <=' });
  assert.deepEqual(sent, [{ kind: 'rs-alert', vs: '[10.0.0.1]:tcp:80', rs: '[192.168.1.2]:tcp:80', checker: 'TCP_CHECK', up: false, body: '=> TCP CHECK failed on service <=' }]);
});
