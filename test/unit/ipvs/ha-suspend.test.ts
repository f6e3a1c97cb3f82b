/**
 * ha_suspend: the checkers of a VS run only while its address is on the host, with
 * keepalived 2.2.7's log lines (observed in the IPVS VM with -D: "Deactivating healthchecker
 * …" at start without the VIP, "Netlink reflector reports IP A added/removed", then
 * "Activating/Suspending healthchecker for service RS for VS VS"; the IPVS entries stay).
 *
 * First over a fake address monitor, then (root) over the real NetlinkAddrMonitor opened in a
 * namespace of ours where the VIP is added and removed with ip(8).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createEngine } from '../../../src/check/engine';
import { MemIpvsPort } from '../../../src/check/ipvs-memport';
import type { CheckResult, SchedChecker } from '../../../src/check/index';
import { HaSuspend, suspendVips } from '../../../src/check/ha-suspend';
import type { AddrEvent, AddrMonitorPort } from '../../../src/sys/netlink-addr';
import { ManualClock, captureLogger, settings, sliceOf, ticks } from './helpers';
import { createNetns, deleteNetns, isRoot } from '../../helpers/netns';

const VIP = '10.77.0.100';
const CONF = `global_defs {
  router_id kats
}
virtual_server ${VIP} 80 {
  delay_loop 2
  lb_algo rr
  lb_kind NAT
  protocol TCP
  ha_suspend
  real_server 10.77.1.1 8081 {
    TCP_CHECK {
      connect_timeout 1
    }
  }
}
virtual_server 10.77.0.200 80 {
  delay_loop 2
  protocol TCP
  real_server 10.77.1.2 8082 {
    TCP_CHECK {
      connect_timeout 1
    }
  }
}
`;
const VS = `[${VIP}]:tcp:80`;
const RS = '[10.77.1.1]:tcp:8081';

class FakeMonitor implements AddrMonitorPort {
  addrs: Array<{ family: 4 | 6; address: string }> = [];
  private cbs: Array<(e: AddrEvent) => void> = [];
  closed = false;
  async list() {
    return [...this.addrs];
  }
  onChange(cb: (e: AddrEvent) => void) {
    this.cbs.push(cb);
  }
  emit(added: boolean, address: string) {
    if (added) this.addrs.push({ family: 4, address });
    else this.addrs = this.addrs.filter((a) => a.address !== address);
    for (const cb of this.cbs) cb({ added, family: 4, address });
  }
  close() {
    this.closed = true;
  }
}

function harness(mon: AddrMonitorPort, logDetail = 1) {
  const clock = new ManualClock();
  const { log, lines } = captureLogger();
  const runs: string[] = [];
  const run = async (c: SchedChecker): Promise<CheckResult> => {
    runs.push(c.rs);
    return { code: 'OK' };
  };
  const port = new MemIpvsPort();
  const eng = createEngine({ role: 'checker', log, settings: settings({ logDetail }) }, { ipvs: port, clock, run, bootstrapDelayMs: 10, addrMonitor: mon });
  const step = async (ms: number) => {
    clock.advance(ms);
    await ticks();
    await eng.idle();
  };
  return { eng, port, clock, lines, runs, step };
}

const has = (lines: string[], s: string) => lines.some((l) => l.includes(s));

test('suspendVips: only address VSs with ha_suspend, canonical address', () => {
  const s = sliceOf(CONF);
  assert.deepEqual(suspendVips(s.lvs.virtualServers), [{ vs: VS, family: 4, address: VIP }]);
  const ha = new HaSuspend([{ vs: 'v6', family: 6, address: 'fe80::1' }]);
  ha.reset([{ family: 6, address: 'fe80:0::0001' }]);
  assert.equal(ha.enabled('v6'), true);
  assert.equal(ha.enabled('other'), true, 'a VS without ha_suspend always runs');
  assert.deepEqual(ha.onAddress(false, 6, 'fe80::1'), ['v6']);
  assert.equal(ha.enabled('v6'), false);
  assert.deepEqual(ha.onAddress(true, 4, '10.0.0.1'), []);
});

test('without the VIP the checkers are suspended, entries stay; they follow address events', async () => {
  const mon = new FakeMonitor();
  const h = harness(mon);
  await h.eng.start(sliceOf(CONF));
  assert.ok(has(h.lines, `Deactivating healthchecker for service ${RS} for VS ${VS}`), h.lines.join('\n'));
  assert.ok(has(h.lines, `Activating healthchecker for service [10.77.1.2]:tcp:8082 for VS [10.77.0.200]:tcp:80`));
  assert.ok(h.port.listing().includes('  -> 10.77.1.1:8081 -m -w 1'), 'real server added although its checker is suspended');
  await h.step(10_000);
  assert.equal(h.runs.filter((r) => r === RS).length, 0, 'no check while suspended');
  assert.ok(h.runs.includes('[10.77.1.2]:tcp:8082'), 'the other VS is checked');

  mon.emit(true, '10.77.9.9');
  assert.ok(has(h.lines, 'Netlink reflector reports IP 10.77.9.9 added'));
  mon.emit(true, VIP);
  assert.ok(has(h.lines, `Netlink reflector reports IP ${VIP} added`));
  assert.ok(has(h.lines, `Activating healthchecker for service ${RS} for VS ${VS}`));
  await h.step(2_000);
  const n = h.runs.filter((r) => r === RS).length;
  assert.ok(n >= 1, 'checked once the VIP is there');

  mon.emit(false, VIP);
  assert.ok(has(h.lines, `Netlink reflector reports IP ${VIP} removed`));
  assert.ok(has(h.lines, `Suspending healthchecker for service ${RS} for VS ${VS}`));
  await h.step(10_000);
  assert.equal(h.runs.filter((r) => r === RS).length, n, 'no check after the VIP left');
  await h.eng.stop();
  assert.equal(mon.closed, true);
});

test('a VIP present at start: checkers active; reflector lines only with -D', async () => {
  const mon = new FakeMonitor();
  mon.addrs.push({ family: 4, address: VIP });
  const h = harness(mon, 0);
  await h.eng.start(sliceOf(CONF));
  assert.ok(has(h.lines, `Activating healthchecker for service ${RS} for VS ${VS}`));
  await h.step(3_000);
  assert.ok(h.runs.includes(RS));
  mon.emit(false, VIP);
  assert.ok(!has(h.lines, 'Netlink reflector'), 'no reflector line without log detail');
  assert.ok(has(h.lines, `Suspending healthchecker for service ${RS} for VS ${VS}`));
  await h.eng.stop();
});

test('real netlink address events in a namespace drive ha_suspend', { skip: !isRoot() && 'needs root' }, async (t) => {
  const ns = await createNetns('hasusp');
  t.after(() => deleteNetns(ns));
  const { withNetns } = await import('../../../src/sys/netns');
  const { NetlinkAddrMonitor } = await import('../../../src/sys/netlink-addr');
  const mon = withNetns(ns.name, () => new NetlinkAddrMonitor());
  t.after(() => mon.close());
  await ns.exec(['ip', 'link', 'add', 'kats0', 'type', 'veth', 'peer', 'name', 'kats1']); // no dummy module on every host
  await ns.exec(['ip', 'link', 'set', 'kats0', 'up']);
  const events: AddrEvent[] = [];
  mon.onChange((e) => events.push(e));
  const h = harness(mon);
  await h.eng.start(sliceOf(CONF));
  assert.ok(has(h.lines, `Deactivating healthchecker for service ${RS} for VS ${VS}`), h.lines.join('\n'));

  const waitFor = async (what: string) => {
    for (let i = 0; i < 200 && !has(h.lines, what); i++) await new Promise((r) => setTimeout(r, 10));
    assert.ok(has(h.lines, what), `${what}\n${h.lines.join('\n')}`);
  };
  await ns.exec(['ip', 'addr', 'add', `${VIP}/32`, 'dev', 'kats0']);
  await waitFor(`Netlink reflector reports IP ${VIP} added`);
  await waitFor(`Activating healthchecker for service ${RS} for VS ${VS}`);
  assert.deepEqual((await mon.list()).map((a) => a.address).filter((a) => a === VIP), [VIP]);
  await ns.exec(['ip', 'addr', 'del', `${VIP}/32`, 'dev', 'kats0']);
  await waitFor(`Suspending healthchecker for service ${RS} for VS ${VS}`);
  assert.ok(events.some((e) => !e.added && e.address === VIP && e.family === 4));
  await ns.exec(['ip', 'addr', 'add', 'fd00:77::100/128', 'dev', 'kats0', 'nodad']);
  for (let i = 0; i < 200 && !events.some((e) => e.family === 6 && e.address === 'fd00:77::100'); i++) await new Promise((r) => setTimeout(r, 10));
  assert.ok(events.some((e) => e.added && e.family === 6 && e.address === 'fd00:77::100'), 'IPv6 events too');
  await h.eng.stop();
});
