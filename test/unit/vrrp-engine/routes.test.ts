/** virtual/static routes and rules from the config AST to rtnetlink requests. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { routeToNl, ruleToNl, tableId } from '../../../src/vrrp/runtime/routes';
import { sliceOf } from './fakes';

const conf = `vrrp_instance VI_1 {
  state BACKUP
  interface eth0
  virtual_router_id 51
  priority 100
  virtual_ipaddress {
    10.0.0.100/24
  }
  virtual_routes {
    10.50.0.0/24 via 10.0.0.254
    10.60.0.0/24 dev eth0 table 100 metric 7 scope link
    blackhole 10.70.0.0/24
    default via 10.0.0.254 table main
    10.80.0.0/24 dev nosuch0
  }
  virtual_rules {
    from 10.0.0.100 table 100 priority 100
    to 10.90.0.0/16 table local
    from 10.0.0.101/32 goto 200 priority 50
  }
}
`;

test('routes: destination, gateway, device, table, metric, scope, type; unknown device refused', () => {
  const s = sliceOf(conf, true); // keepalived warns about untracked routes and a rule without preference
  const r = s.vrrpInstances[0]!.virtualRoutes.map((x) => routeToNl(x, (n) => (n === 'eth0' ? 2 : undefined)));
  assert.deepEqual(r[0], { family: 4, dstLen: 24, type: 1, dst: Buffer.from([10, 50, 0, 0]), gateway: Buffer.from([10, 0, 0, 254]) });
  assert.deepEqual(r[1], { family: 4, dstLen: 24, type: 1, dst: Buffer.from([10, 60, 0, 0]), oif: 2, table: 100, metric: 7, scope: 253 });
  assert.equal((r[2] as { type: number }).type, 6, 'blackhole');
  assert.equal((r[3] as { dstLen: number }).dstLen, 0, 'default route');
  assert.equal((r[3] as { table: number }).table, 254, 'table main');
  assert.equal(r[4], 'interface nosuch0 not found');
});

test('rules: from/to with prefix, table names, priority, goto', () => {
  const s = sliceOf(conf, true); // keepalived warns about untracked routes and a rule without preference
  const r = s.vrrpInstances[0]!.virtualRules.map((x) => ruleToNl(x));
  assert.deepEqual(r[0], { family: 4, srcLen: 32, dstLen: 0, src: Buffer.from([10, 0, 0, 100]), table: 100, priority: 100 });
  assert.deepEqual(r[1], { family: 4, srcLen: 0, dstLen: 16, dst: Buffer.from([10, 90, 0, 0]), table: 255, priority: 16384 }, 'no preference: 16384, as keepalived');
  assert.deepEqual(r[2], { family: 4, srcLen: 32, dstLen: 0, src: Buffer.from([10, 0, 0, 101]), priority: 50, action: 2, goto: 200 });
  assert.equal(tableId('default'), 253);
  assert.equal(tableId('1000'), 1000);
  assert.equal(tableId('custom', (n) => (n === 'custom' ? 42 : undefined)), 42);
  assert.equal(tableId('nosuch'), undefined);
});
