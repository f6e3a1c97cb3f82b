/**
 * The -t verdict: keepalived keeps the numerically largest config_err_t, so the order of the
 * enum (not the order of the messages) decides; 'cannot run' (4) is masked by any later
 * "error but will run" (5), and script security (6) wins over everything.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { diag, type Severity } from '../../../../src/config/diagnostics';
import { configTestExitCode } from '../../../../src/config/index';
import { ConfigErr, configStatus } from '../../../../src/config/verdict';

const d = (sev: Severity, code?: string) => diag({ file: 'f', line: 1, col: 1 }, sev, 'm', code);

test('a handler reading a missing word aborts keepalived: exit 2 whatever else was reported', () => {
  assert.equal(configTestExitCode([d('security'), d('error', 'CFG_MISSING_PARAMETER')]), 2);
});

test('no diagnostics, warnings and info → 0', () => {
  assert.equal(configTestExitCode([]), 0);
  assert.equal(configTestExitCode([d('warning'), d('info')]), 0);
});

test('fatal alone → 4; bad interface → 4', () => {
  assert.equal(configTestExitCode([d('fatal')]), 4);
  assert.equal(configTestExitCode([d('fatal', 'CFG_BAD_IF')]), 4);
  assert.equal(configStatus([d('fatal', 'CFG_BAD_IF')]), ConfigErr.BAD_IF);
});

test('an error masks an earlier or later fatal (largest enum wins) → 5', () => {
  assert.equal(configTestExitCode([d('fatal'), d('error')]), 5);
  assert.equal(configTestExitCode([d('error'), d('fatal', 'CFG_BAD_IF')]), 5);
  assert.equal(configStatus([d('error', 'CFG_UNKNOWN_KEYWORD'), d('error', 'CFG_BAD_NUMBER')]), ConfigErr.INVALID_NUMBER);
});

test('script security wins → 6', () => {
  assert.equal(configTestExitCode([d('error'), d('security'), d('fatal')]), 6);
});
