/**
 * Diagnostic fixtures: each test/fixtures/config/ast/diag/NAME.conf is a broken configuration;
 * NAME.diag.json holds the exact expected diagnostics (file, line, severity, message) and the
 * `-t` exit code. The texts were checked against keepalived 2.2.7 (the parity test re-checks
 * every message keepalived prints for these files). UPDATE_GOLDEN=1 rewrites them.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { configTestExitCode } from '../../../../src/config/index';
import { FIXTURES, diagRows, golden, load } from './helpers';

const DIR = path.join(FIXTURES, 'diag');
const files = fs.readdirSync(DIR).filter((f) => f.endsWith('.conf')).sort();

test('there are diagnostic fixtures', () => {
  assert.ok(files.length >= 10);
});

for (const f of files) {
  test(`diag/${f}`, () => {
    const r = load(path.join(DIR, f));
    const actual = { exitCode: configTestExitCode(r.diagnostics), diagnostics: diagRows(r) };
    assert.notEqual(actual.exitCode, 0, 'a diagnostic fixture must be rejected');
    golden(path.join(DIR, f.replace(/\.conf$/, '.diag.json')), actual);
  });
}
