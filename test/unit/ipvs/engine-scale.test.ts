/**
 * The engine's work per real-server verdict must not grow with the whole configuration.
 *
 * Found by bench/checkers.ts (5,000 TCP + 1,000 HTTP real servers, dry run): a burst of
 * 600 dead real servers took 7–15 s to reach "Removing service", because every verdict
 * recomputed the desired table of all 6,000 real servers, diffed it whole, and copied the
 * applied table once per operation. Not a timing test: it counts the real-server state
 * look-ups (LvsState.rsState) made for other virtual servers while one VS's checkers run
 * and one of its real servers dies, which was ≥ the number of other real servers before.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createEngine } from '../../../src/check/engine';
import { MemIpvsPort } from '../../../src/check/ipvs-memport';
import { LvsState } from '../../../src/check/ipvs-reconcile';
import type { CheckResult, SchedChecker } from '../../../src/check/index';
import type { RsModel, VsModel } from '../../../src/check/ipvs-model';
import { ManualClock, captureLogger, settings, sliceOf, ticks } from './helpers';

const NVS = 30;
const NRS = 20;

function conf(): string {
  const out = ['global_defs {', '  router_id kats', '}'];
  for (let v = 0; v < NVS; v++) {
    // only VS 0 runs again within the test; the others check once, at start
    out.push(`virtual_server 10.50.${v}.1 80 {`, `  delay_loop ${v === 0 ? 1 : 3600}`, '  lb_algo rr', '  lb_kind NAT', '  protocol TCP');
    for (let r = 0; r < NRS; r++)
      out.push(`  real_server 10.1.${v}.${r + 1} 8080 {`, '    weight 1', '    TCP_CHECK {', '      connect_timeout 1', '      retry 0', '    }', '  }');
    out.push('}');
  }
  return out.join('\n') + '\n';
}

test('one verdict touches only its virtual server: no look-up of other real servers, one IPVS operation', async (t) => {
  const clock = new ManualClock();
  const down = new Set<string>();
  const { log, lines } = captureLogger();
  const run = async (c: SchedChecker): Promise<CheckResult> => (down.has(c.rs) ? { code: 'CONNECT_ERROR', detail: 'refused' } : { code: 'OK' });
  const port = new MemIpvsPort();
  const eng = createEngine({ role: 'checker', log, settings: settings() }, { ipvs: port, clock, run, notifier: { notify: () => undefined }, bootstrapDelayMs: 10 });
  const step = async (ms: number) => {
    clock.advance(ms);
    await ticks();
    await eng.idle();
  };
  await eng.start(sliceOf(conf()));
  t.after(() => eng.stop());
  await step(20); // every checker has run once, all up
  let dests = 0;
  for (const s of eng.table.values()) dests += s.dests.size;
  assert.equal(dests, NVS * NRS);

  const vs0 = '[10.50.0.1]:tcp:80';
  let others = 0;
  let own = 0;
  const orig = LvsState.prototype.rsState;
  t.mock.method(LvsState.prototype, 'rsState', function (this: LvsState, vs: VsModel, rs: RsModel) {
    if (vs.text === vs0) own++;
    else others++;
    return orig.call(this, vs, rs);
  });
  const callsBefore = port.calls.length;
  down.add('[10.1.0.7]:tcp:8080');
  await step(1000); // VS 0's 20 checkers run; one fails

  assert.ok(lines.some((l) => l.includes('Removing service [10.1.0.7]:tcp:8080 from VS [10.50.0.1]:tcp:80')), lines.slice(-5).join('\n'));
  assert.deepEqual(port.calls.slice(callsBefore), ['ipvsadm -d -t 10.50.0.1:80 -r 10.1.0.7:8080']);
  assert.equal(others, 0, `look-ups of the ${(NVS - 1) * NRS} real servers of other VSs for one verdict`);
  assert.ok(own > 0 && own <= 4 * NRS, `look-ups within the VS: ${own}`);
  dests = 0;
  for (const s of eng.table.values()) dests += s.dests.size;
  assert.equal(dests, NVS * NRS - 1);
  assert.equal(port.listing().filter((l) => l.startsWith('  -> ')).length, NVS * NRS - 1, 'the port holds what the engine believes');
});
