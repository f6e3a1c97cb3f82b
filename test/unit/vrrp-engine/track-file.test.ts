/**
 * track_file in the VRRP runtime with a fake FileWatcher: the sequences below are the ones run
 * against keepalived 2.2.7 (-D, FIFO) in a namespace, with its log lines in its order; time
 * does not move unless a test says so, so only the watcher can cause a change.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FILE_POLL_US, VrrpRuntime } from '../../../src/vrrp/runtime/runtime';
import { Harness, sliceOf } from './fakes';

const G = 'global_defs {\n  router_id t\n}\n';

function inst(files: string[]): string {
  return `vrrp_instance VI_1 {
  state BACKUP
  interface eth0
  virtual_router_id 51
  priority 100
  advert_int 1
  track_file {
${files.map((f) => `    ${f}`).join('\n')}
  }
  virtual_ipaddress {
    10.0.0.100/24
  }
}
`;
}

async function run(text: string, setup: (h: Harness) => void = () => undefined) {
  const h = new Harness();
  setup(h);
  const rt = new VrrpRuntime(h.ports, { dontReleaseVrrp: false });
  await rt.start(sliceOf(text));
  const vi = rt.instances.get('VI_1')!;
  return { h, rt, vi };
}

/** The log lines since mark, without the GARP chatter. */
function since(h: Harness, mark: number): string[] {
  return h.logs.slice(mark).filter((l) => /tracked file|effective priority|Entering|entering|Invalid|Track file/.test(l));
}

test('weight 0: non-zero faults; deleted, renamed away or non-numeric reads 0; strtol base 0; a touch changes nothing (as 2.2.7)', async () => {
  const { h, rt, vi } = await run(G + 'track_file tf0 {\n  file /k/val0\n  weight 0\n}\n' + inst(['tf0']), (h) => h.files.set('/k/val0', '0\n'));
  assert.equal(vi.fsm.state, 'BACKUP');
  assert.equal(h.watches.get('/k/val0')?.size, 1, 'the file is watched');
  const steps: [string | undefined, string][] = [
    ['1\n', 'FAULT'],
    ['0\n', 'BACKUP'],
    ['5\n', 'FAULT'],
    [undefined, 'BACKUP'], // rm
    ['3\n', 'FAULT'], // renamed into place
    ['abc\n', 'BACKUP'],
    ['0x10\n', 'FAULT'],
    ['0\n', 'BACKUP'],
    ['0\n', 'BACKUP'], // touch
    ['7\n', 'FAULT'],
    [undefined, 'BACKUP'], // renamed away
  ];
  const mark = h.logs.length;
  for (const [text, state] of steps) {
    h.writeFile('/k/val0', text);
    assert.equal(vi.fsm.state, state, `after ${JSON.stringify(text)}`);
  }
  const down = ['(VI_1): tracked file tf0 now FAULT state', '(VI_1) Entering FAULT STATE'];
  const up = ['(VI_1): tracked file tf0 leaving FAULT state', '(VI_1) Entering BACKUP STATE'];
  assert.deepEqual(since(h, mark), [...down, ...up, ...down, ...up, ...down, ...up, ...down, ...up, ...down, ...up]);
  assert.deepEqual(
    h.notes.filter((n) => n.kind === 'instance').map((n) => (n.kind === 'instance' ? n.state : '')),
    ['BACKUP', 'FAULT', 'BACKUP', 'FAULT', 'BACKUP', 'FAULT', 'BACKUP', 'FAULT', 'BACKUP', 'FAULT', 'BACKUP'],
  );
  await rt.stop();
});

test('weights, init_file [overwrite], reverse, -254 = FAULT without a priority change, "Setting effective priority" on leaving, invalid numbers ignored (as 2.2.7)', async () => {
  const text =
    G +
    'track_file tf1 {\n  file /k/d1/val\n  weight 10\n  init_file 3\n}\n' +
    'track_file tfo {\n  file /k/d1/ow\n  weight -1\n  init_file 2 overwrite\n}\n' +
    'track_file tfr {\n  file /k/valr\n  weight 0 reverse\n}\n' +
    inst(['tf1', 'tfo', 'tfr weight 0 reverse']);
  const { h, rt, vi } = await run(text, (h) => h.files.set('/k/d1/ow', '9\n'));
  assert.equal(h.files.get('/k/d1/val'), '3\n', 'init_file creates a missing file');
  assert.equal(h.files.get('/k/d1/ow'), '2\n', 'init_file overwrite replaces it');
  assert.deepEqual(since(h, 0), [
    '(VI_1): entering FAULT state (tracked file tfr has status -254)',
    '(VI_1) Changing effective priority from 100 to 128',
    '(VI_1) entering FAULT state',
  ]);
  assert.equal(vi.fsm.state, 'FAULT');
  const step = (p: string, t: string | undefined): string[] => {
    const m = h.logs.length;
    h.writeFile(p, t);
    return since(h, m);
  };
  assert.deepEqual(step('/k/valr', '1\n'), ['(VI_1): tracked file tfr leaving FAULT state', '(VI_1) Entering BACKUP STATE']);
  assert.deepEqual(step('/k/d1/val', '20\n'), ['(VI_1) Changing effective priority from 128 to 254']);
  assert.deepEqual(step('/k/d1/val', '-30\n'), ['(VI_1): tracked file tf1 now FAULT state', '(VI_1) Entering FAULT STATE']);
  assert.equal(vi.fsm.effectivePriority, 254, 'a file fault leaves the priority as it was');
  assert.deepEqual(step('/k/d1/val', '1\n'), ['(VI_1): tracked file tf1 leaving FAULT state', '(VI_1) Setting effective priority to 108', '(VI_1) Entering BACKUP STATE']);
  assert.deepEqual(step('/k/d1/ow', '99999999999\n'), ['Invalid number 99999999999 read from /k/d1/ow - ignoring']);
  assert.equal(vi.fsm.effectivePriority, 108);
  assert.deepEqual(step('/k/d1/ow', ' +4 x\n'), ['(VI_1) Changing effective priority from 108 to 106']);
  assert.deepEqual(step('/k/d1/ow', '010\n'), ['(VI_1) Changing effective priority from 106 to 102']);
  assert.deepEqual(step('/k/d1/val', undefined), ['(VI_1) Changing effective priority from 102 to 92']);
  assert.deepEqual(step('/k/d1/ow', undefined), ['(VI_1) Changing effective priority from 92 to 100']);
  await rt.stop();
  assert.equal(h.watches.get('/k/d1/val')?.size, 0, 'stop closes the watches');
});

test('a track file whose directory does not exist is removed, as 2.2.7 ("Track file directory for tf1 does not exist - removing")', async () => {
  const text = G + 'track_file tf1 {\n  file /nodir/val\n  weight 0\n}\n' + 'track_file tf0 {\n  file /k/val0\n  weight 0\n}\n' + inst(['tf1', 'tf0']);
  const { h, rt, vi } = await run(text, (h) => {
    h.noDirs.add('/nodir/val');
    h.files.set('/nodir/val', '1\n'); // would fault if it were tracked
  });
  assert.equal(h.logs.filter((l) => l === 'Track file directory for tf1 does not exist - removing').length, 1);
  assert.equal(vi.fsm.state, 'BACKUP');
  assert.equal(vi.trackers.has('file:tf1'), false);
  h.writeFile('/k/val0', '1');
  assert.equal(vi.fsm.state, 'FAULT', 'the other track file still works');
  await rt.stop();
});

test('only when no watch can be set is the file polled, and a line says so', async () => {
  const text = G + 'track_file tw {\n  file /k/w\n  weight 0\n}\n' + 'track_file tp {\n  file /k/p\n  weight 0\n}\n' + inst(['tw', 'tp']);
  const { h, rt, vi } = await run(text, (h) => h.unwatchable.add('/k/p'));
  assert.ok(h.logged(/^WARN keepalived-ts: cannot watch track file \/k\/p \(EMFILE\) - polling it every 2 s$/));
  assert.ok(!h.logged(/cannot watch track file \/k\/w/));
  // a watched file changed without an event (no inotify): never seen, however long we wait
  h.files.set('/k/w', '1');
  await h.advance(FILE_POLL_US * 2, 500_000);
  assert.notEqual(vi.fsm.state, 'FAULT', 'a watched file is not polled');
  h.files.set('/k/w', '0');
  // the unwatchable one: seen at the next poll, not before
  h.files.set('/k/p', '1');
  await h.advance(FILE_POLL_US - 600_000, 500_000);
  const before = vi.fsm.state;
  await h.advance(600_000, 500_000);
  assert.notEqual(before, 'FAULT');
  assert.equal(vi.fsm.state, 'FAULT');
  await rt.stop();
});

test('reload keeps a track file value and watches it again; a track file no longer used is no longer watched', async () => {
  const a = G + 'track_file tf {\n  file /k/v\n  weight 5\n}\n' + 'track_file tg {\n  file /k/g\n  weight 5\n}\n' + inst(['tf', 'tg']);
  const { h, rt, vi } = await run(a, (h) => h.files.set('/k/v', '2'));
  assert.equal(vi.fsm.effectivePriority, 110);
  await rt.reload(sliceOf(G + 'track_file tf {\n  file /k/v\n  weight 5\n}\n' + inst(['tf'])));
  assert.equal(vi.fsm.effectivePriority, 110);
  assert.equal(h.watches.get('/k/v')?.size, 1, 'one watch after the reload');
  assert.equal(h.watches.get('/k/g')?.size, 0);
  h.writeFile('/k/v', '4');
  assert.equal(vi.fsm.effectivePriority, 120);
  await rt.stop();
});
