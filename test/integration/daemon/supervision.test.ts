/**
 * Supervision with real processes in a namespace (root only): kill -9 of a worker → respawned
 * with keepalived's lines and a new pid file; -R → "died: Exiting" and the daemon stops;
 * a second daemon on the same pid files refuses; default (no -n) forks into the background;
 * a worker sending a malformed IPC message is restarted.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { Daemon, Env, alive, comm, isRootUser, until } from './harness';

const skip = isRootUser() ? false : 'needs root (network namespaces)';

test('kill -9 of each worker: respawned, pid file and title restored', { skip, timeout: 60000 }, async () => {
  const env = await Env.create('respawn');
  let d: Daemon | undefined;
  const pids: Array<number | undefined> = [];
  try {
    d = Daemon.start(env, ['-n', '-l', '-G', ...env.baseArgs()]);
    await d.waitFor(/Startup complete/);
    for (const [role, child] of [['vrrp', 'VRRP'], ['checker', 'Healthcheck']] as const) {
      const old = env.readPid(role)!;
      pids.push(old);
      const from = d.out.length;
      process.kill(old, 'SIGKILL');
      const m: RegExpMatchArray = await d.waitFor(new RegExp(`${child} child process\\(${old}\\) died: Respawning[\\s\\S]*Starting ${child} child process, pid=(\\d+)`), 10000, from);
      const fresh: number = Number(m[1]);
      // keepalived 2.2.7's lines, in its order (observed with kill -9 of its VRRP child)
      const seq = [
        `pid ${old} exited due to signal 9 \\(Killed\\) - has rlimit_rttime been exceeded\\?`,
        `${child} child process\\(${old}\\) died: Respawning`,
        '  Please log an issue at https://github\\.com/acassen/keepalived/issues/',
        '  and include a full copy of your keepalived configuration files, and',
        '  copies of the keepalived system log entries around the time this happened',
        `Restart of ${child} process delayed 0 seconds to limit respawn rate`,
        `Starting ${child} child process, pid=${fresh}`,
      ];
      // in this order; the other worker may log lines in between (e.g. the VRRP worker's FAULT)
      assert.match(d.out.slice(from), new RegExp(seq.map((l) => `[^\\n]*: ${l}\\n`).join('(?:[^\\n]*\\n)*?')));
      pids.push(fresh);
      assert.notEqual(fresh, old);
      await until(() => env.readPid(role) === fresh, `${role} pid file updated`);
      // without process_names a keepalived 2.2.7 child keeps the parent's name (names.test.ts)
      const title = 'keepalived';
      await until(() => comm(fresh) === title, `respawned ${role} worker titled ${title} (is ${comm(fresh) ?? 'gone'})`);
      assert.ok(alive(d.pid));
    }
    d.signal('SIGTERM');
    assert.deepEqual(await d.exited, { code: 0, signal: null });
  } finally {
    await d?.kill(pids);
    await env.dispose();
  }
});

test('-R: a dead worker is not respawned and the daemon stops', { skip, timeout: 60000 }, async () => {
  const env = await Env.create('norespawn');
  let d: Daemon | undefined;
  const pids: Array<number | undefined> = [];
  try {
    d = Daemon.start(env, ['-n', '-l', '-G', '-R', ...env.baseArgs()]);
    await d.waitFor(/Startup complete/);
    const v = env.readPid('vrrp')!;
    const c = env.readPid('checker')!;
    pids.push(v, c);
    process.kill(v, 'SIGKILL');
    const ex = await d.exited;
    assert.deepEqual(ex, { code: 0, signal: null });
    assert.match(d.out, new RegExp(`VRRP child process\\(${v}\\) died: Exiting`));
    assert.doesNotMatch(d.out, /Respawning/);
    assert.equal((d.out.match(/Starting VRRP child process/g) ?? []).length, 1);
    await until(() => !alive(c), 'checker stopped with the daemon');
    for (const n of ['parent', 'vrrp', 'checker'] as const) assert.ok(!fs.existsSync(env.pid(n)), `${n} pid file removed`);
  } finally {
    await d?.kill(pids);
    await env.dispose();
  }
});

test('a second daemon on the same pid file refuses to start', { skip, timeout: 60000 }, async () => {
  const env = await Env.create('twice');
  let d: Daemon | undefined;
  let d2: Daemon | undefined;
  const pids: Array<number | undefined> = [];
  try {
    d = Daemon.start(env, ['-n', '-l', '-G', ...env.baseArgs()]);
    await d.waitFor(/Startup complete/);
    pids.push(env.readPid('vrrp'), env.readPid('checker'));
    d2 = Daemon.start(env, ['-n', '-l', '-G', ...env.baseArgs()]);
    const ex = await d2.exited;
    // keepalived 2.2.7 logs "daemon is already running" and exits 0
    assert.deepEqual(ex, { code: 0, signal: null });
    assert.match(d2.out, /daemon is already running/);
    assert.doesNotMatch(d2.out, /Starting VRRP child process/);
    assert.equal(env.readPid('parent'), d.pid, 'first daemon keeps its pid file');
    assert.ok(alive(d.pid));
    d.signal('SIGTERM');
    assert.equal((await d.exited).code, 0);
  } finally {
    await d2?.kill();
    await d?.kill(pids);
    await env.dispose();
  }
});

test('without -n the daemon forks into the background; the launcher exits 0 after the pid file', { skip, timeout: 60000 }, async () => {
  const env = await Env.create('fork');
  let launcher: Daemon | undefined;
  let bg: number | undefined;
  const pids: Array<number | undefined> = [];
  try {
    launcher = Daemon.start(env, ['-G', ...env.baseArgs()]);
    const ex = await launcher.exited;
    assert.deepEqual(ex, { code: 0, signal: null });
    bg = env.readPid('parent');
    assert.ok(bg && bg !== launcher.pid, 'pid file names the background daemon');
    assert.ok(alive(bg));
    assert.equal(comm(bg), 'keepalived');
    const sid = Number(fs.readFileSync(`/proc/${bg}/stat`, 'utf8').replace(/^.*\) /, '').split(' ')[3]);
    assert.equal(sid, bg, 'daemon leads its own session');
    await until(() => env.readPid('vrrp') !== undefined && env.readPid('checker') !== undefined, 'workers started');
    pids.push(env.readPid('vrrp'), env.readPid('checker'));
    process.kill(bg, 'SIGTERM');
    await until(() => !alive(bg!), 'background daemon stopped');
    await until(() => !fs.existsSync(env.pid('parent')), 'pid file removed');
  } finally {
    if (bg && alive(bg)) process.kill(bg, 'SIGKILL');
    await launcher?.kill(pids);
    await env.dispose();
  }
});

test('a worker sending a malformed IPC message is logged and restarted', { skip, timeout: 60000 }, async () => {
  const env = await Env.create('badipc');
  let d: Daemon | undefined;
  const pids: Array<number | undefined> = [];
  try {
    d = Daemon.start(env, ['-n', '-l', '-G', '-P', ...env.baseArgs()], { KEEPALIVED_TS_TEST_SEND_RAW: '{"type":"bogus","x":1}' });
    const m = await d.waitFor(/Invalid message from VRRP child process\((\d+)\): unknown message type "bogus" - restarting it/);
    const old = Number(m[1]);
    pids.push(old);
    const m2 = await d.waitFor(new RegExp(`VRRP child process\\(${old}\\) died: Respawning[\\s\\S]*Starting VRRP child process, pid=(\\d+)`));
    pids.push(Number(m2[1]));
    assert.ok(!alive(old));
    assert.doesNotMatch(d.out, /Healthcheck child/, '-P runs only the VRRP worker');
    d.signal('SIGTERM');
    assert.equal((await d.exited).code, 0);
  } finally {
    await d?.kill(pids);
    await env.dispose();
  }
});

test('kill -9 of the parent: workers follow it (PDEATHSIG / IPC disconnect); a new daemon starts over the stale pid files', { skip, timeout: 60000 }, async () => {
  const env = await Env.create('parentdeath');
  let d: Daemon | undefined;
  let d2: Daemon | undefined;
  const pids: Array<number | undefined> = [];
  try {
    d = Daemon.start(env, ['-n', '-l', '-G', ...env.baseArgs()]);
    await d.waitFor(/Startup complete/);
    const v = env.readPid('vrrp')!;
    const c = env.readPid('checker')!;
    pids.push(v, c);
    d.signal('SIGKILL');
    await d.exited;
    await until(() => !alive(v) && !alive(c), 'workers exit after the parent died');
    assert.ok(fs.existsSync(env.pid('parent')), 'the killed parent left its pid file');
    // -D: if it refuses, its output says which pid file and pid it found running
    d2 = Daemon.start(env, ['-n', '-l', '-G', '-D', ...env.baseArgs()]);
    await d2.waitFor(/Startup complete/);
    assert.doesNotMatch(d2.out, /daemon is already running/);
    // keepalived 2.2.7's line for each stale pid file it removes
    for (const n of ['parent', 'vrrp', 'checker'] as const) assert.match(d2.out, new RegExp(`Remove a zombie pid file ${env.pid(n).replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}\n`));
    assert.equal(env.readPid('parent'), d2.pid);
    pids.push(env.readPid('vrrp'), env.readPid('checker'));
    d2.signal('SIGTERM');
    assert.equal((await d2.exited).code, 0);
  } finally {
    await d2?.kill();
    await d?.kill(pids);
    await env.dispose();
  }
});

test('a live pid file: "daemon is already running", and -D says which file and pid', { skip, timeout: 60000 }, async () => {
  const env = await Env.create('running');
  let d: Daemon | undefined;
  try {
    // a live process that is not ours: keepalived 2.2.7 only asks kill(pid, 0)
    fs.writeFileSync(env.pid('vrrp'), `${process.pid}\n`);
    d = Daemon.start(env, ['-n', '-l', '-G', '-D', ...env.baseArgs()]);
    assert.deepEqual(await d.exited, { code: 0, signal: null });
    assert.match(d.out, new RegExp(`pid file ${env.pid('vrrp')} names pid ${process.pid}, a running process \\(`));
    assert.match(d.out, /daemon is already running/);
    assert.equal(fs.readFileSync(env.pid('vrrp'), 'utf8'), `${process.pid}\n`, 'a live pid file is left alone');
  } finally {
    await d?.kill();
    await env.dispose();
  }
});
