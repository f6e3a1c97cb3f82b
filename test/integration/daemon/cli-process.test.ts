/**
 * The one-shot modes of the compiled program (no root needed): -v, -h, --signum, bad options,
 * -t to stderr and to a file. --signum is compared with the installed keepalived 2.2.7 when present.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { MAIN_JS } from './harness';

function run(args: string[]): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [MAIN_JS, ...args], { encoding: 'utf8', timeout: 20000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const REAL = '/usr/sbin/keepalived';

test('--signum prints keepalived numbers (and agrees with keepalived 2.2.7 when installed)', () => {
  const want: Record<string, string> = { STOP: '15', RELOAD: '1', DATA: '10', STATS: '12', STATS_CLEAR: '63', JSON: '36' };
  for (const [name, num] of Object.entries(want)) {
    const r = run(['--signum', name]);
    assert.deepEqual(r, { code: 0, stdout: `${num}\n`, stderr: '' });
    if (fs.existsSync(REAL)) {
      const k = spawnSync(REAL, [`--signum=${name}`], { encoding: 'utf8' });
      assert.equal(k.stdout.trim(), num, `keepalived --signum=${name}`);
    }
  }
  const bad = run(['--signum=TDUMP']);
  assert.deepEqual(bad, { code: 1, stdout: '', stderr: 'Unknown sigfunc TDUMP\n' });
});

test('-v and -h go to stderr with exit 0', () => {
  const v = run(['-v']);
  assert.equal(v.code, 0);
  assert.match(v.stderr, /^Keepalived-ts v\d+\.\d+\.\d+ \(following Keepalived v2\.2\.7 \(01\/16,2022\)\)\n/);
  assert.match(v.stderr, /following keepalived 2\.2\.7/);
  const h = run(['--help']);
  assert.equal(h.code, 0);
  assert.match(h.stderr, /^Usage: keepalived \[OPTION\.\.\.\]/);
});

test('bad options: keepalived messages and exit 1', () => {
  assert.deepEqual(run(['--bogus']), { code: 1, stdout: '', stderr: 'Unknown option --bogus\n' });
  assert.deepEqual(run(['-p']), { code: 1, stdout: '', stderr: 'Missing parameter for option -p\n' });
});

test('-t prints diagnostics as (FILE: Line N) and exits with the verdict; -tFILE writes the file', () => {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'kats-daemon-cli-'));
  try {
    const good = path.join(d, 'good.conf');
    fs.writeFileSync(good, 'global_defs {\n  router_id r1\n}\n');
    assert.deepEqual(run(['-t', '-f', good]), { code: 0, stdout: '', stderr: '' });
    const bad = path.join(d, 'bad.conf');
    fs.writeFileSync(bad, 'global_defs {\n  router_id r1\n  no_such_keyword 1\n}\n');
    const r = run(['-t', '-f', bad]);
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, new RegExp(`\\(${bad.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}: Line 3\\) `));
    const out = path.join(d, 'ct.log');
    const r2 = run([`--config-test=${out}`, '-f', bad]);
    assert.equal(r2.code, r.code);
    assert.equal(r2.stderr, '');
    assert.equal(fs.readFileSync(out, 'utf8'), r.stderr);
  } finally {
    fs.rmSync(d, { recursive: true, force: true });
  }
});

test('-T as the first option hands the rest of the command line to genhash', { skip: fs.existsSync(path.join(path.dirname(MAIN_JS), 'genhash.js')) ? false : 'genhash not in this build' }, () => {
  const r = run(['-T', '--help']);
  assert.match(r.stdout + r.stderr, /Usage: genhash/);
  const late = run(['-n', '-T']);
  assert.deepEqual(late, { code: 1, stdout: '', stderr: 'keepalived: -T/--genhash must be the first option\n' });
});
