/** src/sys/exec.ts: exit codes, timeout with SIGTERM then SIGKILL to the process group, missing program. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { execArgv } from '../../../src/sys/exec';

test('exit codes are reported', async () => {
  assert.deepEqual(await execArgv(['/bin/true'], { timeoutMs: 5000 }).done, { code: 0, signal: null, timedOut: false });
  assert.deepEqual(await execArgv(['/bin/false'], { timeoutMs: 5000 }).done, { code: 1, signal: null, timedOut: false });
  assert.equal((await execArgv(['/nonexistent/kats-prog'], { timeoutMs: 5000 }).done).code, 127);
});

test('timeout: SIGTERM first, SIGKILL to the whole group when it is ignored', async () => {
  const t0 = Date.now();
  const r1 = await execArgv(['/bin/sleep', '5'], { timeoutMs: 100, killGraceMs: 100 }).done;
  assert.deepEqual(r1, { code: null, signal: 'SIGTERM', timedOut: true });
  const r2 = await execArgv(['/bin/sh', '-c', 'trap "" TERM; /bin/sleep 5; exit 0'], { timeoutMs: 100, killGraceMs: 100 }).done;
  assert.equal(r2.timedOut, true);
  assert.equal(r2.signal, 'SIGKILL');
  assert.ok(Date.now() - t0 < 3000, 'both ended long before their sleep');
});
