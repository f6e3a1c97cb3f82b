/**
 * The RLIMIT_RTTIME guard of src/sys/sched.ts against the real kernel: a realtime process with
 * the default vrrp_rlimit_rttime (10000: soft 5 ms) that computes for 300 ms without blocking is
 * not SIGKILLed: at the soft limit the native SIGXCPU handler returns its main thread to
 * SCHED_OTHER, and the next poll() logs keepalived's line and restores SCHED_RR.
 * The control case: with the guard off, i.e. 2.2.7's exact limits (soft 5 ms, hard 10 ms), the
 * kernel kills the same process (the limits are checked at the tick: SIGKILL before any SIGXCPU).
 * Root only (SCHED_RR needs CAP_SYS_NICE).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { isRoot } from '../../helpers/netns';

const SCHED_JS = path.join(__dirname, '..', '..', '..', 'src', 'sys', 'sched.js');
const skip = isRoot() ? false : 'needs root (SCHED_RR)';

const CHILD = `
const { ProcessSched, realSchedPort } = require(${JSON.stringify(SCHED_JS)});
const fs = require('fs');
const policy = () => fs.readFileSync('/proc/self/stat', 'utf8').split(') ')[1].split(' ')[38];
const port = realSchedPort();
if (process.argv[1] === 'noguard') port.installCpuLimitGuard = () => undefined;
const s = new ProcessSched(port, { info: (m) => console.log('I ' + m), warn: (m) => console.log('W ' + m) }, 'vrrp');
s.apply({ rtPriority: 1, noSwap: false });
console.log('policy ' + policy());
const end = Date.now() + 300;
let x = 0;
while (Date.now() < end) x++;
console.log('after-burn ' + policy() + ' hits ' + port.cpuLimitHits());
setTimeout(() => {
  s.poll();
  console.log('after-poll ' + policy());
}, 20);
`;

function run(mode: 'guard' | 'noguard') {
  return spawnSync(process.execPath, ['-e', CHILD, mode], { encoding: 'utf8', timeout: 20000 });
}

test('SIGXCPU guard: a realtime burst over rlimit_rttime demotes instead of being SIGKILLed, then realtime again', { skip }, () => {
  const r = run('guard');
  assert.equal(r.signal, null, `not killed: ${r.stdout}${r.stderr}`);
  assert.equal(r.status, 0, r.stderr);
  const lines = r.stdout.trim().split('\n');
  assert.equal(lines[0], 'policy 2');
  assert.match(lines[1]!, /^after-burn 0 hits [1-9]\d*$/);
  assert.deepEqual(lines.slice(2), ['I VRRP process has used too much CPU time, vrrp_rlimit_rttime may need to be increased', 'after-poll 2']);
});

test('control: without the guard the kernel kills the same burst (what 2.2.7-style limits do to Node)', { skip }, () => {
  const r = run('noguard');
  assert.ok(r.signal === 'SIGKILL' || r.signal === 'SIGXCPU', `killed by the limit, got ${JSON.stringify({ status: r.status, signal: r.signal, out: r.stdout })}`);
});
