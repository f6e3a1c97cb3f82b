/** MISC_CHECK with real scripts in a temp dir. */
import { test, after } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { run } from '../../../src/check/checkers/misc';
import type { MiscTarget } from '../../../src/check/types';
import { never, tmpDir } from './util';

const dir = tmpDir('misc');
after(() => fs.rmSync(dir, { recursive: true, force: true }));

function script(name: string, body: string): string {
  const p = path.join(dir, name);
  fs.writeFileSync(p, `#!/bin/sh\n${body}\n`, { mode: 0o755 });
  return p;
}

/** True while `pid` exists and is not a zombie (orphans may wait for their reaper). */
function alive(pid: number): boolean {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}

const target = (argv: string[], over: Partial<MiscTarget> = {}): MiscTarget => ({
  kind: 'MISC_CHECK',
  argv,
  timeoutMs: 2000,
  dynamic: false,
  killGraceMs: 300,
  ...over,
});

test('exit 0 is up, exit 1 is down with its status', async () => {
  assert.deepEqual(await run(target([script('ok.sh', 'exit 0')]), never), { code: 'OK', exitStatus: 0 });
  assert.deepEqual(await run(target([script('fail.sh', 'exit 1')]), never), { code: 'MISC_EXIT', exitStatus: 1 });
});

test('misc_dynamic: exit 2..255 is up with weight exit-2; without it, a failure', async () => {
  const s = script('w.sh', 'exit 7');
  assert.deepEqual(await run(target([s], { dynamic: true }), never), { code: 'OK', exitStatus: 7, weight: 5 });
  assert.deepEqual(await run(target([s], { dynamic: true }), never), { code: 'OK', exitStatus: 7, weight: 5 });
  assert.deepEqual(await run(target([script('w2.sh', 'exit 2')], { dynamic: true }), never), { code: 'OK', exitStatus: 2, weight: 0 });
  assert.equal((await run(target([s]), never)).code, 'MISC_EXIT');
  assert.equal((await run(target([script('d1.sh', 'exit 1')], { dynamic: true }), never)).code, 'MISC_EXIT');
});

test('argv goes to the program without a shell', async () => {
  const out = path.join(dir, 'args.out');
  const s = script('args.sh', `for a in "$@"; do echo "[$a]"; done > ${out}`);
  await run(target([s, 'two words', '$HOME', '*']), never);
  assert.equal(fs.readFileSync(out, 'utf8'), '[two words]\n[$HOME]\n[*]\n');
});

test('misc_timeout: SIGTERM to the process group → MISC_TIMEOUT, children die too', async () => {
  const pidFile = path.join(dir, 'child.pid');
  const s = script('slow.sh', `sleep 30 & echo $! > ${pidFile}\nwait`);
  const t0 = Date.now();
  const r = await run(target([s], { timeoutMs: 200 }), never);
  assert.equal(r.code, 'MISC_TIMEOUT');
  assert.ok(Date.now() - t0 < 2000);
  const child = Number(fs.readFileSync(pidFile, 'utf8'));
  await new Promise((res) => setTimeout(res, 100));
  assert.equal(alive(child), false, 'the background child was killed with the group');
});

test('a script ignoring SIGTERM is SIGKILLed after the grace period', async () => {
  const s = script('stubborn.sh', `trap '' TERM\nwhile :; do sleep 0.05; done`);
  const t0 = Date.now();
  const r = await run(target([s], { timeoutMs: 150, killGraceMs: 200 }), never);
  assert.equal(r.code, 'MISC_TIMEOUT');
  assert.equal(r.signal, 9);
  assert.ok(Date.now() - t0 >= 300);
});

test('killed by a signal of its own: MISC_SIGNAL', async () => {
  const r = await run(target([script('segv.sh', 'kill -ABRT $$')]), never);
  assert.equal(r.code, 'MISC_SIGNAL');
  assert.equal(r.signal, 6);
});

test('a missing program fails', async () => {
  const r = await run(target([path.join(dir, 'does-not-exist')]), never);
  assert.ok(r.code === 'MISC_SPAWN' || r.code === 'MISC_EXIT', r.code);
});

test('user: runs with the configured uid/gid', async (t) => {
  if (process.getuid?.() !== 0) return t.skip('needs root');
  const out = path.join(dir, 'id.out');
  fs.chmodSync(dir, 0o777);
  const s = script('id.sh', `id -u > ${out}; id -g >> ${out}`);
  assert.equal((await run(target([s], { uid: 65534, gid: 65534 }), never)).code, 'OK');
  assert.equal(fs.readFileSync(out, 'utf8'), '65534\n65534\n');
});
