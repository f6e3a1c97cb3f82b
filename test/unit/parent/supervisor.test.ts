/**
 * The supervisor with real child processes running small protocol-speaking fake workers
 * (no namespace, no root): permanent CONFIG error stops the daemon with exit 2; a worker that
 * ignores stop is SIGKILLed after child_wait_time; a reload during a reload is queued.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseCommandLine } from '../../../src/cli';
import { Logger } from '../../../src/log';
import { Parent } from '../../../src/parent/supervisor';
import { SdNotify } from '../../../src/parent/sdnotify';

const FAKE_WORKER = `
const mode = process.env.FAKE_MODE || '';
process.on('message', (m) => {
  if (m.type === 'config') {
    if (mode === 'fatal') { process.send({ type: 'fatal', reason: 'config', message: 'cannot run' }); setTimeout(() => process.exit(2), 50); return; }
    if (mode === 'fatal-error') { process.send({ type: 'fatal', reason: 'error', message: 'no IPVS' }); setTimeout(() => process.exit(1), 50); return; }
    setTimeout(() => process.send({ type: 'config-done', seq: m.seq, ok: true }), mode === 'slow' ? 300 : 0);
  } else if (m.type === 'stop') {
    if (mode === 'stubborn') return;
    process.send({ type: 'stopped' }, () => process.exit(0));
  } else if (m.type === 'dump') {
    process.send({ type: 'dump-result', seq: m.seq, what: m.what, text: 'fake ' + m.what });
  }
});
process.on('SIGTERM', () => { if (mode !== 'stubborn') process.exit(0); });
process.on('SIGHUP', () => {});
process.send({ type: 'hello', role: process.argv[2], pid: process.pid });
`;

interface Run {
  lines: string[];
  code: Promise<number>;
  parent: Parent;
  notes: string[];
}

function setup(dir: string, mode: string, conf: string, extraArgs: string[] = []): Run {
  const worker = path.join(dir, 'fake-worker.js');
  fs.writeFileSync(worker, FAKE_WORKER);
  const cfg = path.join(dir, 'k.conf');
  fs.writeFileSync(cfg, conf);
  const r = parseCommandLine(['-n', '-G', '-f', cfg, '-p', path.join(dir, 'p.pid'), '-r', path.join(dir, 'v.pid'), '-c', path.join(dir, 'c.pid'), ...extraArgs]);
  assert.equal(r.kind, 'ok');
  if (r.kind !== 'ok') throw new Error('unreachable');
  const lines: string[] = [];
  const log = new Logger({ ident: 'Keepalived', facility: 3, syslog: false, console: true, format: 'text', detail: r.options.logDetail, consoleWrite: (l) => lines.push(l) });
  const notes: string[] = [];
  const notify = new SdNotify({ NOTIFY_SOCKET: '/fake' }, (_p, d) => notes.push(d.toString()));
  process.env.FAKE_MODE = mode;
  let resolveCode!: (c: number) => void;
  const code = new Promise<number>((res) => (resolveCode = res));
  const parent = new Parent({ opts: r.options, log, argv: ['keepalived'], workerScript: worker, notify, exit: (c) => resolveCode(c) });
  return { lines, code, parent, notes };
}

/** Always leave no process behind: stop the parent (no respawn) and SIGKILL its workers. */
async function cleanup(run: Run | undefined): Promise<void> {
  if (!run) return;
  const pids = run.parent.state.workers.map((w) => w.pid);
  run.parent.stop(0);
  for (const p of pids) {
    try {
      process.kill(p, 'SIGKILL');
    } catch {
      /* gone */
    }
  }
  await Promise.race([run.code, new Promise((r) => setTimeout(r, 3000))]);
}

async function waitLine(run: Run, re: RegExp, timeoutMs = 10000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!run.lines.some((l) => re.test(l))) {
    if (Date.now() > end) throw new Error(`no line ${re} in:\n${run.lines.join('')}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

const CONF = 'child_wait_time 1\nvrrp_instance VI_1 {\n  interface lo\n  virtual_router_id 1\n}\n';
/** Valid on any host (no interface): workers started by --all. */
const CLEAN_CONF = 'child_wait_time 1\nglobal_defs {\n  router_id sup\n}\n';

test('a worker that cannot run its configuration stops the daemon with exit 2', { timeout: 30000 }, async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kats-daemon-sup-'));
  let run: Run | undefined;
  try {
    run = setup(dir, 'fatal', CONF);
    run.parent.start();
    assert.equal(await run.code, 2);
    const text = run.lines.join('');
    // keepalived 2.2.7's line and sd_notify: ERRNO=22 only (no READY=1: nothing was ready; no STOPPING=1)
    assert.match(text, /: pid \d+ exited with permanent error CONFIG\. Terminating\n/);
    assert.doesNotMatch(text, /Respawning|Stopping\n/);
    assert.deepEqual(run.notes, ['ERRNO=22']);
    assert.match(text, /Stopped Keepalived-ts/);
    assert.ok(!fs.existsSync(path.join(dir, 'p.pid')));
  } finally {
    await cleanup(run);
    delete process.env.FAKE_MODE;
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('a worker ignoring stop is killed after child_wait_time; exit 0', { timeout: 30000 }, async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kats-daemon-sup-'));
  let run: Run | undefined;
  try {
    run = setup(dir, 'stubborn', CONF);
    run.parent.start();
    await waitLine(run, /Startup complete/);
    const pid = run.parent.state.workers[0]!.pid;
    const t0 = Date.now();
    run.parent.stop(0);
    assert.equal(await run.code, 0);
    assert.ok(Date.now() - t0 >= 900, 'waited child_wait_time before SIGKILL');
    assert.match(run.lines.join(''), /: vrrp process failed to die - forcing termination\n/);
    assert.throws(() => process.kill(pid, 0));
    assert.deepEqual(run.notes, [`READY=1\nMAINPID=${process.pid}`, 'STOPPING=1']);
  } finally {
    await cleanup(run);
    delete process.env.FAKE_MODE;
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('a reload during a reload is queued and runs after it', { timeout: 30000 }, async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kats-daemon-sup-'));
  let run: Run | undefined;
  try {
    run = setup(dir, 'slow', CLEAN_CONF, ['--all', '-D']);
    run.parent.start();
    await waitLine(run, /Startup complete/);
    assert.equal(run.parent.state.workers.length, 2, '--all starts both workers');
    run.parent.reload();
    run.parent.reload();
    run.parent.reload();
    await waitLine(run, /Reload already in progress - queued/);
    const end = Date.now() + 10000;
    while (run.lines.filter((l) => l.includes('Reload complete')).length < 2 && Date.now() < end) await new Promise((r) => setTimeout(r, 20));
    const text = run.lines.join('');
    assert.equal((text.match(/Reload complete/g) ?? []).length, 2, 'three HUPs during one reload → one queued reload');
    assert.equal((text.match(/Reload already in progress - queued/g) ?? []).length, 1);
    assert.equal((text.match(/: Processing queued reload\n/g) ?? []).length, 1, "keepalived's -D line");
    assert.deepEqual(run.notes.filter((n) => n === 'RELOADING=1').length, 2);
    run.parent.stop(0);
    assert.equal(await run.code, 0);
  } finally {
    await cleanup(run);
    delete process.env.FAKE_MODE;
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('a worker with a fatal (non-configuration) error stops the daemon with exit 1, ERRNO=22', { timeout: 30000 }, async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kats-daemon-sup-'));
  let run: Run | undefined;
  try {
    run = setup(dir, 'fatal-error', CONF);
    run.parent.start();
    assert.equal(await run.code, 1);
    assert.match(run.lines.join(''), /: pid \d+ exited with permanent error FATAL\. Terminating\n/);
    assert.deepEqual(run.notes, ['ERRNO=22']);
  } finally {
    await cleanup(run);
    delete process.env.FAKE_MODE;
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('no configuration to run: keepalived\'s warning, no worker, no READY=1 (as 2.2.7); STOPPING=1 at stop', { timeout: 30000 }, async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kats-daemon-sup-'));
  let run: Run | undefined;
  try {
    run = setup(dir, '', CLEAN_CONF);
    run.parent.start();
    await waitLine(run, /Warning - keepalived has no configuration to run/);
    assert.equal(run.parent.state.workers.length, 0);
    assert.doesNotMatch(run.lines.join(''), /Startup complete/);
    run.parent.stop(0);
    assert.equal(await run.code, 0);
    assert.deepEqual(run.notes, ['STOPPING=1']);
  } finally {
    await cleanup(run);
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('a reload changing the instance name is refused whole, without RELOADING=1 (keepalived 2.2.7)', { timeout: 30000 }, async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kats-daemon-sup-'));
  let run: Run | undefined;
  try {
    run = setup(dir, '', CLEAN_CONF, ['--all']);
    run.parent.start();
    await waitLine(run, /Startup complete/);
    fs.writeFileSync(path.join(dir, 'k.conf'), `instance other\n${CLEAN_CONF}`);
    run.parent.reload();
    await waitLine(run, /Cannot change instance name at a reload - please restart keepalived/);
    const text = run.lines.join('');
    assert.doesNotMatch(text, /Reload complete/);
    assert.deepEqual(run.notes, [`READY=1\nMAINPID=${process.pid}`]);
    // a reload without the change goes through afterwards
    fs.writeFileSync(path.join(dir, 'k.conf'), CLEAN_CONF.replace('router_id sup', 'router_id sup2'));
    run.parent.reload();
    await waitLine(run, /Reload complete/);
    assert.deepEqual(run.notes.slice(1), ['RELOADING=1', `READY=1\nMAINPID=${process.pid}`]);
  } finally {
    await cleanup(run);
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
