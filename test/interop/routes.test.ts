/**
 * virtual_routes / virtual_rules: our daemon and keepalived 2.2.7 each run the same instance
 * (alone, on separate hosts and VRIDs) plus static_ipaddress/static_routes; once MASTER, the
 * kernel routing tables and rule lists of both hosts must be identical; after a graceful stop
 * everything is gone again on both.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Netns } from '../helpers/netns';
import { addresses, sleep, VrrpDaemon } from '../helpers/daemon';
import { config, instance, skipReason, threeHosts } from './lab';

const skip = skipReason;

async function routing(ns: Netns): Promise<string> {
  const r4 = await ns.exec(['ip', '-4', 'route', 'show', 'table', 'all']);
  const r6 = await ns.exec(['ip', '-6', 'route', 'show', 'table', 'all']);
  const rules = await ns.exec(['ip', '-4', 'rule', 'show']);
  const keep = (l: string) => /10\.(50|60|70|80)\.|fd00:50|from 10\.99\.0\.100|lookup 100/.test(l);
  return [...r4.stdout.split('\n'), ...r6.stdout.split('\n'), ...rules.stdout.split('\n')].filter(keep).join('\n');
}

test('virtual_routes and virtual_rules installed and removed as keepalived does', { skip, timeout: 60000 }, async () => {
  const { lab, a, b } = await threeHosts('iro');
  const inst = (vrid: number) =>
    instance({
      vrid,
      priority: 100,
      version: 3,
      advertInt: '0.1',
      vips: ['10.99.0.100/24'],
      extra: [
        'virtual_routes {',
        '  10.50.0.0/24 via 10.99.0.254',
        '  10.60.0.0/24 dev eth0 table 100',
        '  blackhole 10.70.0.0/24',
        '  10.70.1.0/24 via 10.99.0.254 metric 7',
        '}',
        'virtual_rules {',
        '  from 10.99.0.100 table 100 priority 100',
        '  to 10.90.0.0/16 table 100',
        '}',
      ],
    });
  const statics = 'static_ipaddress {\n  10.99.0.55/24 dev eth0\n}\nstatic_routes {\n  10.80.0.0/24 via 10.99.0.254 dev eth0\n}\n';
  const ours = VrrpDaemon.start('ours', a, statics + config('ours', inst(61)));
  const ka = VrrpDaemon.start('keepalived', b, statics + config('ka', inst(62)));
  try {
    await ours.waitFor(/\(VI_1\) Entering MASTER STATE/, 8000);
    await ka.waitFor(/\(VI_1\) Entering MASTER STATE/, 8000);
    await sleep(500);
    const mine = await routing(a);
    const theirs = await routing(b);
    assert.ok(theirs.includes('10.50.0.0/24'), `keepalived installed routes:\n${theirs}`);
    assert.equal(mine, theirs);
    assert.ok(mine.includes('10.80.0.0/24'), 'static route');
    assert.ok((await addresses(a)).includes('10.99.0.55/24') && (await addresses(b)).includes('10.99.0.55/24'), 'static address on both');
    await ours.stop();
    await ka.stop();
    assert.equal(await routing(a), '', 'our routes and rules removed on stop');
    assert.equal(await routing(b), '');
    assert.ok(!(await addresses(a)).includes('10.99.0.55/24') && !(await addresses(b)).includes('10.99.0.55/24'), 'static address removed on stop by both');
  } finally {
    await ours.stop();
    await ka.stop();
    await lab.dispose();
  }
});
