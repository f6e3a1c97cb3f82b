/**
 * sys/filewatch.ts on the real file system (inotify through fs.watch on the directory), and the
 * VRRP runtime's track_file driven by it: the runtime's clock is the fake one of the unit tests
 * and never moves, so a poll cannot be the cause of any change seen here.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { DirFileWatcher, createTrackFile } from '../../../src/sys/filewatch';
import { readTextFile } from '../../../src/sys/procfs';
import { VrrpRuntime } from '../../../src/vrrp/runtime/runtime';
import { Harness, sliceOf } from '../../unit/vrrp-engine/fakes';

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

async function until(cond: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 300 && !cond(); i++) await sleep(10);
  assert.ok(cond(), what);
}

function tmp(t: { after(fn: () => void): void }): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kats-inotify-'));
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  return dir;
}

test('DirFileWatcher: write, rename into place, delete and rename away are reported; other files are not; a missing directory is "no-dir"', async (t) => {
  const dir = tmp(t);
  const f = path.join(dir, 'val');
  let n = 0;
  const w = new DirFileWatcher().watch(f, () => n++);
  assert.ok(!('error' in w));
  const step = async (what: string, act: () => void): Promise<void> => {
    const before = n;
    act();
    await until(() => n > before, what);
  };
  await step('create by write', () => fs.writeFileSync(f, '1\n'));
  await step('rewrite', () => fs.writeFileSync(f, '2\n'));
  await step('rename into place', () => {
    fs.writeFileSync(path.join(dir, 'x.tmp'), '3\n');
    fs.renameSync(path.join(dir, 'x.tmp'), f);
  });
  await step('delete', () => fs.rmSync(f));
  fs.writeFileSync(f, '4\n');
  await sleep(100);
  await step('rename away', () => fs.renameSync(f, path.join(dir, 'gone')));
  const before = n;
  fs.writeFileSync(path.join(dir, 'other'), '9\n');
  await sleep(150);
  assert.equal(n, before, 'another file in the directory is not reported');
  w.close();
  fs.writeFileSync(f, '5\n');
  await sleep(150);
  assert.equal(n, before, 'nothing after close');

  const nd = new DirFileWatcher().watch(path.join(dir, 'nodir', 'val'), () => undefined);
  assert.ok('error' in nd && nd.error === 'no-dir');
  // the watched directory removed: the watch ends quietly
  fs.mkdirSync(path.join(dir, 'sub'));
  const w2 = new DirFileWatcher().watch(path.join(dir, 'sub', 'v'), () => undefined);
  assert.ok(!('error' in w2));
  fs.rmSync(path.join(dir, 'sub'), { recursive: true });
  await sleep(100);
  w2.close();
});

test('createTrackFile: init_file writes a missing file, keeps an existing one unless overwrite', (t) => {
  const dir = tmp(t);
  const f = path.join(dir, 'v');
  assert.equal(createTrackFile(f, '3\n', false), true);
  assert.equal(fs.readFileSync(f, 'utf8'), '3\n');
  assert.equal(createTrackFile(f, '4\n', false), true);
  assert.equal(fs.readFileSync(f, 'utf8'), '3\n');
  assert.equal(createTrackFile(f, '5\n', true), true);
  assert.equal(fs.readFileSync(f, 'utf8'), '5\n');
  assert.equal(createTrackFile(path.join(dir, 'nodir', 'v'), '1\n', false), false);
});

test('VRRP track_file with the real watcher: writing the file faults and restores the instance, in order, with the clock standing still', async (t) => {
  const dir = tmp(t);
  const h = new Harness();
  h.ports.files = { read: readTextFile, create: createTrackFile };
  h.ports.watcher = new DirFileWatcher();
  const text = `global_defs {\n  router_id t\n}\ntrack_file tf {\n  file ${dir}/val\n  weight 0\n  init_file 0\n}\ntrack_file tw {\n  file ${dir}/w\n  weight 10\n}\nvrrp_instance VI_1 {\n  state BACKUP\n  interface eth0\n  virtual_router_id 51\n  priority 100\n  version 3\n  track_file {\n    tf\n    tw\n  }\n  virtual_ipaddress {\n    10.0.0.100/24\n  }\n}\n`;
  const rt = new VrrpRuntime(h.ports, { dontReleaseVrrp: false });
  await rt.start(sliceOf(text));
  const vi = rt.instances.get('VI_1')!;
  const t0 = h.clock.nowUs;
  assert.equal(fs.readFileSync(path.join(dir, 'val'), 'utf8'), '0\n', 'init_file created the file');
  assert.ok(!h.logged(/cannot watch/), 'no poll fallback');
  assert.equal(vi.fsm.state, 'BACKUP');
  const mark = h.logs.length;
  fs.writeFileSync(path.join(dir, 'val'), '1\n');
  await until(() => vi.fsm.state === 'FAULT', 'FAULT after writing 1');
  // renamed into place while the instance is in FAULT: the value is taken, the priority left alone (2.2.7)
  fs.writeFileSync(path.join(dir, 'w.tmp'), '5\n');
  fs.renameSync(path.join(dir, 'w.tmp'), path.join(dir, 'w'));
  await until(() => vi.trackers.get('file:tw')?.value === 5, 'the renamed file read');
  assert.equal(vi.fsm.effectivePriority, 100);
  fs.rmSync(path.join(dir, 'val'));
  await until(() => vi.fsm.state === 'BACKUP', 'BACKUP after deleting the file');
  assert.equal(h.clock.nowUs, t0, 'the runtime clock never moved: no poll');
  assert.deepEqual(
    h.logs.slice(mark).filter((l) => /tracked file|Entering|effective priority/.test(l)),
    [
      '(VI_1): tracked file tf now FAULT state',
      '(VI_1) Entering FAULT STATE',
      '(VI_1): tracked file tf leaving FAULT state',
      '(VI_1) Setting effective priority to 150',
      '(VI_1) Entering BACKUP STATE',
    ],
  );
  await rt.stop();
});
