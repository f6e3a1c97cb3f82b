/**
 * The checker engine over a fake IPVS port (MemIpvsPort), a manual clock and a scripted check
 * runner: start programs the table, verdicts change it, reload applies only the difference,
 * stop removes our entries (or keeps them with -I, or flushes), entries we did not create are
 * left alone, and --dry-run logs the operations.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createEngine } from '../../../src/check/engine';
import { MemIpvsPort } from '../../../src/check/ipvs-memport';
import type { CheckResult, SchedChecker } from '../../../src/check/index';
import type { Notification } from '../../../src/check/ipvs-reconcile';
import { ManualClock, captureLogger, settings, sliceOf, ticks } from './helpers';

const CONF = `global_defs {
  router_id kats
}
virtual_server 10.0.0.1 80 {
  delay_loop 1
  lb_algo wrr
  lb_kind NAT
  protocol TCP
  quorum_up "/bin/true up"
  real_server 10.0.1.1 8081 {
    weight 3
    TCP_CHECK {
      connect_timeout 1
      retry 0
    }
  }
  real_server 10.0.1.2 8082 {
    weight 2
    inhibit_on_failure
    TCP_CHECK {
      connect_timeout 1
      retry 0
    }
  }
}
`;

function harness(extraSettings: Record<string, unknown> = {}, port = new MemIpvsPort()) {
  const clock = new ManualClock();
  const down = new Set<string>();
  const { log, lines } = captureLogger();
  const notes: Notification[] = [];
  const run = async (c: SchedChecker): Promise<CheckResult> => (down.has(c.rs) ? { code: 'CONNECT_ERROR', detail: 'refused' } : { code: 'OK' });
  const eng = createEngine({ role: 'checker', log, settings: settings(extraSettings) }, { ipvs: port, clock, run, notifier: { notify: (n) => notes.push(n) }, bootstrapDelayMs: 10 });
  const step = async (ms: number) => {
    clock.advance(ms);
    await ticks();
    await eng.idle();
  };
  return { eng, port, clock, down, lines, notes, step };
}

test('start programs the table; a failure removes / inhibits; recovery restores', async () => {
  const h = harness();
  await h.eng.start(sliceOf(CONF));
  assert.deepEqual(h.port.listing(), ['-t 10.0.0.1:80 -s wrr', '  -> 10.0.1.1:8081 -m -w 3', '  -> 10.0.1.2:8082 -m -w 2']);
  assert.ok(h.lines.some((l) => l.endsWith('Gained quorum 1+0=1 <= 5 for VS [10.0.0.1]:tcp:80')));
  assert.deepEqual(h.notes.map((n) => [n.kind, n.up, n.script?.cmd]), [['quorum', true, '/bin/true up']]);

  h.down.add('[10.0.1.1]:tcp:8081');
  h.down.add('[10.0.1.2]:tcp:8082');
  await h.step(20);
  assert.deepEqual(h.port.listing(), ['-t 10.0.0.1:80 -s wrr', '  -> 10.0.1.2:8082 -m -w 0']);
  assert.ok(h.lines.some((l) => l.endsWith('Removing service [10.0.1.1]:tcp:8081 from VS [10.0.0.1]:tcp:80')));
  assert.ok(h.lines.some((l) => l.endsWith('Disabling service [10.0.1.2]:tcp:8082 of VS [10.0.0.1]:tcp:80')));
  assert.ok(h.lines.some((l) => l.endsWith('Lost quorum 1-0=1 > 0 for VS [10.0.0.1]:tcp:80')));

  h.down.clear();
  await h.step(1100);
  assert.deepEqual(h.port.listing(), ['-t 10.0.0.1:80 -s wrr', '  -> 10.0.1.2:8082 -m -w 2', '  -> 10.0.1.1:8081 -m -w 3']);
  assert.match(h.eng.dumpData(), /RS = \[10\.0\.1\.1\]:tcp:8081\n {5}Alive = yes, weight = 3/);

  await h.eng.stop();
  assert.deepEqual(h.port.listing(), []);
  assert.ok(h.lines.some((l) => l.endsWith('Shutting down service [10.0.1.1]:tcp:8081 from VS [10.0.0.1]:tcp:80')));
});

test('entries we did not create are left alone', async () => {
  const port = new MemIpvsPort();
  const foreign = { af: 2, protocol: 6, addr: Buffer.from([192, 0, 2, 1]), port: 443, schedName: 'rr' };
  await port.addService(foreign);
  await port.addDest(foreign, { addr: Buffer.from([192, 0, 2, 2]), port: 443, weight: 1 });
  const h = harness({}, port);
  await h.eng.start(sliceOf(CONF));
  await h.step(20);
  await h.eng.stop();
  assert.deepEqual(port.listing(), ['-t 192.0.2.1:443 -s rr', '  -> 192.0.2.2:443 -m -w 1']);
});

test('reload applies only the difference and keeps failed servers out', async () => {
  const h = harness();
  await h.eng.start(sliceOf(CONF));
  h.down.add('[10.0.1.1]:tcp:8081');
  await h.step(20);
  const before = h.port.calls.length;
  const next = CONF.replace('weight 2', 'weight 4').replace('lb_algo wrr', 'lb_algo wlc') + `virtual_server 10.0.0.9 53 {
  lb_algo rr
  lb_kind DR
  protocol UDP
  real_server 10.0.1.3 53 {
  }
}
`;
  await h.eng.reload(sliceOf(next));
  assert.deepEqual(h.port.calls.slice(before), [
    'ipvsadm -E -t 10.0.0.1:80 -s wlc',
    'ipvsadm -e -t 10.0.0.1:80 -r 10.0.1.2:8082 -m -w 4',
    'ipvsadm -A -u 10.0.0.9:53 -s rr',
    'ipvsadm -a -u 10.0.0.9:53 -r 10.0.1.3:53 -g -w 1',
  ]);
  // the failed one stays out until its checker succeeds again
  await h.step(20);
  assert.ok(!h.port.listing().some((l) => l.includes('10.0.1.1:8081')));
  h.down.clear();
  await h.step(1100);
  assert.ok(h.port.listing().includes('  -> 10.0.1.1:8081 -m -w 3'));
  const mid = h.port.calls.length;
  await h.eng.reload(sliceOf(CONF));
  assert.deepEqual(h.port.calls.slice(mid), [
    'ipvsadm -d -u 10.0.0.9:53 -r 10.0.1.3:53',
    'ipvsadm -D -u 10.0.0.9:53',
    'ipvsadm -E -t 10.0.0.1:80 -s wrr',
    'ipvsadm -e -t 10.0.0.1:80 -r 10.0.1.2:8082 -m -w 2',
  ]);
  await h.eng.stop();
});

test('stop: -I keeps the table; lvs_flush_on_stop VS removes services only; ALL flushes', async () => {
  const keep = harness({ dontReleaseIpvs: true });
  await keep.eng.start(sliceOf(CONF));
  await keep.eng.stop();
  assert.equal(keep.port.listing().length, 3);

  const vsOnly = harness();
  await vsOnly.eng.start(sliceOf(CONF.replace('router_id kats', 'router_id kats\n  lvs_flush_on_stop VS')));
  const n = vsOnly.port.calls.length;
  await vsOnly.eng.stop();
  assert.deepEqual(vsOnly.port.calls.slice(n), ['ipvsadm -D -t 10.0.0.1:80']);

  const all = harness();
  await all.eng.start(sliceOf(CONF.replace('router_id kats', 'router_id kats\n  lvs_flush_on_stop\n  lvs_flush\n  lvs_timeouts tcp 901 tcpfin 121 udp 301')));
  assert.equal(all.port.calls[0], 'ipvsadm -C', 'lvs_flush at start');
  assert.equal(all.port.calls[1], 'ipvsadm --set 901 121 301');
  const m = all.port.calls.length;
  await all.eng.stop();
  assert.deepEqual(all.port.calls.slice(m), ['ipvsadm -C']);
});

test('kernel errors are logged, not thrown; an existing service is adopted', async () => {
  const port = new MemIpvsPort();
  await port.addService({ af: 2, protocol: 6, addr: Buffer.from([10, 0, 0, 1]), port: 80, schedName: 'wrr' });
  const h = harness({}, port);
  await h.eng.start(sliceOf(CONF));
  assert.equal(port.listing().length, 3);
  // someone removed a destination behind our back: our delete finds nothing, no error line
  await port.delDest({ af: 2, protocol: 6, addr: Buffer.from([10, 0, 0, 1]), port: 80 }, { addr: Buffer.from([10, 0, 1, 1]), port: 8081 });
  h.down.add('[10.0.1.1]:tcp:8081');
  await h.step(20);
  // only the EEXIST of the pre-existing service is reported (keepalived logs it too)
  assert.deepEqual(h.lines.filter((l) => /IPVS \(/.test(l)).map((l) => l.replace(/^.*?: IPVS/, 'IPVS')), ['IPVS (ipvsadm -A -t 10.0.0.1:80 -s wrr): EEXIST netlink: EEXIST']);
  await h.eng.stop();
  assert.deepEqual(port.listing(), []);
});

test('--dry-run: no kernel, every operation logged in ipvsadm syntax', async () => {
  const { log, lines } = captureLogger();
  const eng = createEngine({ role: 'checker', log, settings: settings({ ipvsDryRun: true }) }, { clock: new ManualClock(), run: async () => ({ code: 'OK' }) });
  await eng.start(sliceOf(CONF));
  await eng.stop();
  const dry = lines.filter((l) => l.includes('dry-run: ')).map((l) => l.slice(l.indexOf('dry-run: ') + 9));
  assert.deepEqual(dry, [
    'ipvsadm -A -t 10.0.0.1:80 -s wrr',
    'ipvsadm -a -t 10.0.0.1:80 -r 10.0.1.1:8081 -m -w 3',
    'ipvsadm -a -t 10.0.0.1:80 -r 10.0.1.2:8082 -m -w 2',
    'ipvsadm -d -t 10.0.0.1:80 -r 10.0.1.1:8081',
    'ipvsadm -d -t 10.0.0.1:80 -r 10.0.1.2:8082',
    'ipvsadm -D -t 10.0.0.1:80',
  ]);
});

test('a slice without an lvs part is refused (start rejects)', async () => {
  const { log } = captureLogger();
  const eng = createEngine({ role: 'checker', log, settings: settings() }, { ipvs: new MemIpvsPort() });
  await assert.rejects(eng.start({}), /no lvs/);
});

test('no virtual server: no IPVS port is opened (VRRP-only configurations run on hosts without IPVS)', async () => {
  const { log } = captureLogger();
  // no `ipvs` option and no dry-run: opening the kernel port would fail on this host if tried
  const eng = createEngine({ role: 'checker', log, settings: settings() }, { clock: new ManualClock() });
  await eng.start(sliceOf('global_defs {\n  router_id kats\n}\n'));
  assert.match(eng.dumpData(), /System cache = 0 service/);
  await eng.stop();
});
