/**
 * startup_script / shutdown_script, --watch, -d and -C with real processes (root only).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { BASE_CONF, Daemon, Env, isRootUser, until } from './harness';

const skip = isRootUser() ? false : 'needs root (network namespaces)';

test('startup_script runs before the workers, shutdown_script after them', { skip, timeout: 60000 }, async () => {
  const env = await Env.create('scripts');
  let d: Daemon | undefined;
  const pids: Array<number | undefined> = [];
  try {
    const up = path.join(env.dir, 'up');
    const down = path.join(env.dir, 'down');
    const conf = BASE_CONF.replace('  router_id kats\n', `  router_id kats\n  startup_script "/usr/bin/touch ${up}"\n  shutdown_script "/usr/bin/touch ${down}"\n`);
    fs.writeFileSync(env.conf, conf);
    d = Daemon.start(env, ['-n', '-l', '-G', ...env.baseArgs()]);
    await d.waitFor(/Startup complete/);
    pids.push(env.readPid('vrrp'), env.readPid('checker'));
    assert.ok(fs.existsSync(up), 'startup script ran');
    assert.ok(!fs.existsSync(down));
    d.signal('SIGTERM');
    assert.equal((await d.exited).code, 0);
    assert.ok(fs.existsSync(down), 'shutdown script ran before exit');
  } finally {
    await d?.kill(pids);
    await env.dispose();
  }
});

test('--watch reloads on a change of the file; -d dumps the configuration; -C runs only the checker', { skip, timeout: 60000 }, async () => {
  const env = await Env.create('watch');
  let d: Daemon | undefined;
  const pids: Array<number | undefined> = [];
  try {
    d = Daemon.start(env, ['-n', '-l', '-G', '-d', '-C', '--watch', ...env.baseArgs()]);
    await d.waitFor(/Startup complete/);
    pids.push(env.readPid('checker'));
    assert.doesNotMatch(d.out, /Starting VRRP child process/);
    assert.match(d.out, /Starting Healthcheck child process/);
    assert.equal(env.readPid('vrrp'), undefined);
    assert.match(d.out, /kats/, '-d dump shows router_id');
    await new Promise((r) => setTimeout(r, 300)); // let the watcher settle
    const from = d.out.length;
    fs.writeFileSync(env.conf, fs.readFileSync(env.conf, 'utf8').replace('delay_loop 6', 'delay_loop 7'));
    await d.waitFor(/Configuration file changed - reloading[\s\S]*Reload complete/, 15000, from);
    d.signal('SIGTERM');
    assert.equal((await d.exited).code, 0);
    await until(() => !fs.existsSync(env.pid('checker')), 'checker pid file removed');
  } finally {
    await d?.kill(pids);
    await env.dispose();
  }
});
