/**
 * Diagnostic fixtures: every test/fixtures/config/lvs/*.conf has a NAME.diag.json recorded
 * from the real keepalived 2.2.7 (`-t`, see record-keepalived.sh): its exit code and the
 * lines it printed. Our LVS tables must print the same lines (file, line, message) and
 * reach the same verdict (where keepalived stops at a missing parameter, the lines it printed
 * must be among ours). The samples shipped with keepalived are checked the same way
 * against samples.diag.json (VRRP lines, which this module does not produce, excluded).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Diagnostic } from '../../../../src/config/diagnostics';
import { FIXTURES, SAMPLES, keepalivedLines, loadLvsFile, scriptExists } from './helpers';
import { configTestExitCode } from '../../../../src/config/verdict';

interface Recorded {
  rc: number;
  lines: string[];
}

/** keepalived's -t exit code, as the CLI computes it. */
function verdict(diags: Diagnostic[]): number {
  return configTestExitCode(diags);
}

const sorted = (a: string[]) => [...a].sort();

for (const conf of fs.readdirSync(FIXTURES).filter((f) => f.endsWith('.conf'))) {
  const recFile = path.join(FIXTURES, conf.replace(/\.conf$/, '.diag.json'));
  if (!fs.existsSync(recFile)) continue;
  // recorded on a machine without the user keepalived_script
  const skip = conf === 'diag-default-script-user.conf' && fs.readFileSync('/etc/passwd', 'utf8').split('\n').some((l) => l.startsWith('keepalived_script:'));
  test(`fixture ${conf}: same lines and verdict as keepalived -t`, { skip }, () => {
    const rec = JSON.parse(fs.readFileSync(recFile, 'utf8')) as Recorded;
    const { diags } = loadLvsFile(path.join(FIXTURES, conf), { scriptFound: scriptExists });
    const ours = keepalivedLines(diags);
    if (rec.lines.some((l) => l.includes('*** Configuration line'))) {
      // keepalived stopped reading there: what it printed must be among ours
      for (const l of rec.lines) assert.ok(ours.includes(l), `missing: ${l}`);
    } else {
      assert.deepEqual(sorted(ours), sorted(rec.lines));
    }
    assert.equal(verdict(diags), rec.rc);
  });
}

const samplesRec = JSON.parse(fs.readFileSync(path.join(FIXTURES, 'samples.diag.json'), 'utf8')) as Record<string, Recorded>;
for (const [name, rec] of Object.entries(samplesRec)) {
  const file = path.join(SAMPLES, name);
  test(`sample ${name}: LVS lines as keepalived -t`, { skip: !fs.existsSync(file) && 'keepalived samples not installed' }, () => {
    const { diags } = loadLvsFile(file, { scriptFound: scriptExists });
    const expected = rec.lines.filter((l) => !/\(VI_\d+\)/.test(l)).map((l) => l.replace(`(${name}:`, `(${name}:`));
    assert.deepEqual(sorted(keepalivedLines(diags)), sorted(expected));
    if (expected.length === rec.lines.length) assert.equal(verdict(diags), rec.rc);
  });
}
