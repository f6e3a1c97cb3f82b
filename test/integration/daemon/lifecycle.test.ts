/**
 * The daemon as operators drive it (real processes in a namespace, root only):
 * titles, pid files, dumps on USR1/USR2/JSON/STATS_CLEAR, HUP with a valid and a broken file,
 * TERM → exit 0 with pid files removed.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Daemon, Env, addonHas, alive, comm, isRootUser, until } from './harness';

const skip = isRootUser() ? false : 'needs root (network namespaces)';

test('lifecycle: titles, pid files, dumps, reload, broken reload, stop', { skip, timeout: 60000 }, async () => {
  const env = await Env.create('life');
  let d: Daemon | undefined;
  const workers: Array<number | undefined> = [];
  try {
    d = Daemon.start(env, ['-n', '-l', '-G', '-D', ...env.baseArgs()]);
    await d.waitFor(/Startup complete/);
    // --- processes and titles
    const ppid = env.readPid('parent');
    const vpid = env.readPid('vrrp');
    const cpid = env.readPid('checker');
    workers.push(vpid, cpid);
    assert.equal(ppid, d.pid, 'parent pid file holds the daemon pid');
    assert.ok(vpid && cpid);
    assert.equal(comm(d.pid), 'keepalived');
    // no process_names: the children keep the parent's name, as keepalived 2.2.7's (names.test.ts)
    assert.equal(comm(vpid), 'keepalived');
    assert.equal(comm(cpid), 'keepalived');
    for (const n of ['parent', 'vrrp', 'checker'] as const) assert.equal(fs.statSync(env.pid(n)).mode & 0o777, 0o644, `${n} pid file 0644`);
    assert.match(d.out, new RegExp(`Starting VRRP child process, pid=${vpid}\\b`));
    assert.match(d.out, new RegExp(`Starting Healthcheck child process, pid=${cpid}\\b`));
    assert.match(d.out, /: Starting Keepalived-ts v[\d.]+ \(following Keepalived v2\.2\.7 \(01\/16,2022\)\)\n/);
    for (const p of [vpid, cpid]) {
      const ppidOf = Number(/^\d+ \(.*\) \S (\d+)/.exec(fs.readFileSync(`/proc/${p}/stat`, 'utf8'))![1]);
      assert.equal(ppidOf, d.pid, 'workers are children of the parent');
    }

    // --- SIGUSR1: parent + both workers' data files in $TMPDIR
    let from = d.out.length;
    d.signal('SIGUSR1');
    await d.waitFor(/Printing parent data for process\(\d+\) on signal/, 10000, from);
    const f = (n: string): string => path.join(env.dir, n);
    await until(() => fs.existsSync(f('keepalived.data')) && fs.existsSync(f('keepalived_check.data')), 'data files');
    const parentData = fs.readFileSync(f('keepalived_parent.data'), 'utf8');
    assert.match(parentData, /------< Global definitions >------/);
    assert.match(parentData, /kats/, 'router_id appears in the parent dump');
    assert.match(parentData, new RegExp(`VRRP child = pid ${vpid}`));
    assert.ok(fs.readFileSync(f('keepalived.data'), 'utf8').length > 0);
    assert.ok(fs.readFileSync(f('keepalived_check.data'), 'utf8').length > 0);
    assert.equal(fs.statSync(f('keepalived_parent.data')).mode & 0o777, 0o600);

    // --- SIGUSR2: keepalived.stats (VRRP)
    d.signal('SIGUSR2');
    await until(() => fs.existsSync(f('keepalived.stats')), 'keepalived.stats');

    // --- JSON (SIGRTMIN+2) and STATS_CLEAR (SIGRTMAX-1) through the addon
    const noRt = addonHas('onSignal', 'sigrtmin');
    if (!noRt) {
      d.signal(36);
      await until(() => fs.existsSync(f('keepalived.json')), 'keepalived.json');
      await until(() => {
        try {
          return Array.isArray(JSON.parse(fs.readFileSync(f('keepalived.json'), 'utf8')));
        } catch {
          return false;
        }
      }, 'keepalived.json complete');
      fs.unlinkSync(f('keepalived.stats'));
      d.signal(63);
      await until(() => fs.existsSync(f('keepalived.stats')), 'keepalived.stats after STATS_CLEAR');
      assert.ok(alive(d.pid), 'real-time signals do not kill the daemon');
    } else {
      // without the addon, the daemon must say the functions are unavailable
      assert.match(d.out, /signals for JSON, STATS_CLEAR unavailable/);
    }

    // --- SIGHUP with a valid change: reload, same workers
    fs.writeFileSync(env.conf, fs.readFileSync(env.conf, 'utf8').replace('priority 100', 'priority 110'));
    from = d.out.length;
    d.signal('SIGHUP');
    await d.waitFor(/Reloading \.\.\.[\s\S]*Reload complete/, 10000, from);
    assert.equal(env.readPid('vrrp'), vpid, 'VRRP worker kept across reload');
    assert.equal(env.readPid('checker'), cpid, 'checker worker kept across reload');

    // --- SIGHUP with a broken file: reported, running configuration kept, nothing restarted
    fs.appendFileSync(env.conf, 'this_is_not_a_keyword\nvrrp_instance BROKEN {\n');
    from = d.out.length;
    d.signal('SIGHUP');
    await d.waitFor(/reload aborted, keeping the running configuration/, 10000, from);
    assert.doesNotMatch(d.out.slice(from), /Reload complete/);
    assert.ok(alive(d.pid));
    assert.equal(env.readPid('vrrp'), vpid);
    assert.ok(alive(vpid!) && alive(cpid!));
    // the dump still shows the running (reloaded once) configuration
    fs.unlinkSync(f('keepalived.data'));
    d.signal('SIGUSR1');
    await until(() => fs.existsSync(f('keepalived.data')), 'data after broken reload');

    // --- SIGTERM: orderly stop, exit 0, pid files gone, workers gone
    from = d.out.length;
    d.signal('SIGTERM');
    const ex = await d.exited;
    assert.deepEqual(ex, { code: 0, signal: null });
    assert.match(d.out.slice(from), /Stopping[\s\S]*Stopped Keepalived-ts/);
    for (const n of ['parent', 'vrrp', 'checker'] as const) assert.ok(!fs.existsSync(env.pid(n)), `${n} pid file removed`);
    await until(() => !alive(vpid!) && !alive(cpid!), 'workers gone');
  } finally {
    await d?.kill(workers);
    await env.dispose();
  }
});
