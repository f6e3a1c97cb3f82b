/**
 * Golden ASTs: every examples/*.conf and test/fixtures/config/ast/blocks/*.conf is parsed and
 * compared with its reviewed JSON (test/fixtures/config/ast/{examples,blocks}/NAME.ast.json);
 * UPDATE_GOLDEN=1 rewrites them. Valid fixtures must also produce no error diagnostics.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { configTestExitCode, formatDiagnostic } from '../../../../src/config/index';
import { FIXTURES, ROOT, golden, load, stable } from './helpers';

function confs(dir: string): string[] {
  return fs.existsSync(dir) ? fs.readdirSync(dir).filter((f) => f.endsWith('.conf')).sort() : [];
}

/** Fixtures that intentionally exercise a non-zero verdict. */
const EXPECTED_CODE: Record<string, number> = { 'vrrp_instance.conf': 6 };

for (const [kind, dir] of [
  ['examples', path.join(ROOT, 'examples')],
  ['blocks', path.join(FIXTURES, 'blocks')],
] as const) {
  for (const f of confs(dir)) {
    test(`${kind}/${f}: AST matches golden, verdict as expected`, () => {
      const r = load(path.join(dir, f));
      const problems = r.diagnostics.filter((d) => d.severity !== 'info' && d.severity !== 'warning' && d.severity !== 'security');
      assert.deepEqual(problems.map(formatDiagnostic), [], 'no errors expected');
      assert.equal(configTestExitCode(r.diagnostics), EXPECTED_CODE[f] ?? 0);
      golden(path.join(FIXTURES, kind, f.replace(/\.conf$/, '.ast.json')), stable(r.config));
    });
  }
}

test('examples cover the setups the issue lists', () => {
  const names = confs(path.join(ROOT, 'examples'));
  for (const n of ['web-ha-node-a.conf', 'web-ha-node-b.conf', 'nginx-master-backup.conf', 'mysql-nopreempt.conf', 'lvs-dr.conf', 'unicast-peers.conf', 'sync-group-two-networks.conf', 'vrrpv3-ipv6.conf']) {
    assert.ok(names.includes(n), `examples/${n} missing`);
  }
});
