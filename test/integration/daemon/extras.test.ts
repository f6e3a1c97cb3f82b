/**
 * startup_script / shutdown_script, --watch, -d and -C with real processes (root only).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { BASE_CONF, Daemon, Env, isRootUser, until } from './harness';
import { createNetns, deleteNetns } from '../../helpers/netns';

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

test('-s NAME: the parent and its workers run in network namespace NAME', { skip, timeout: 60000 }, async () => {
  const env = await Env.create('nsopt');
  const target = await createNetns('dmn-target');
  let d: Daemon | undefined;
  const pids: Array<number | undefined> = [];
  try {
    await target.exec(['ip', 'link', 'add', 'eth0', 'type', 'veth', 'peer', 'name', 'eth1']);
    d = Daemon.start(env, ['-n', '-l', '-G', '-s', target.name, ...env.baseArgs()]);
    await d.waitFor(/Startup complete/);
    assert.match(d.out, new RegExp(`Running in network namespace ${target.name}`));
    const v = env.readPid('vrrp')!;
    const c = env.readPid('checker')!;
    pids.push(v, c);
    const ino = fs.statSync(`/run/netns/${target.name}`).ino;
    assert.equal(fs.statSync(`/proc/${v}/ns/net`).ino, ino, 'VRRP worker in the namespace');
    assert.equal(fs.statSync(`/proc/${c}/ns/net`).ino, ino, 'checker worker in the namespace');
    assert.equal(fs.statSync(`/proc/${d.pid}/task/${d.pid}/ns/net`).ino, ino, 'parent main thread in the namespace');
    d.signal('SIGTERM');
    assert.equal((await d.exited).code, 0);
    // a namespace that does not exist: fatal, exit 1
    const bad = Daemon.start(env, ['-n', '-l', '-G', '-s', 'kats-no-such-ns', ...env.baseArgs()]);
    assert.equal((await bad.exited).code, 1);
    assert.match(bad.out, /Unable to enter network namespace kats-no-such-ns/);
  } finally {
    await d?.kill(pids);
    await deleteNetns(target);
    await env.dispose();
  }
});

test('instance + data_use_instance: dump file names carry the instance', { skip, timeout: 60000 }, async () => {
  const env = await Env.create('datainst');
  let d: Daemon | undefined;
  const pids: Array<number | undefined> = [];
  try {
    fs.writeFileSync(env.conf, `instance web\n${BASE_CONF.replace('  router_id kats\n', '  router_id kats\n  data_use_instance\n')}`);
    d = Daemon.start(env, ['-n', '-l', '-G', ...env.baseArgs()]);
    await d.waitFor(/Startup complete/);
    pids.push(env.readPid('vrrp'), env.readPid('checker'));
    d.signal('SIGUSR1');
    const f = (n: string): string => path.join(env.dir, n);
    await until(() => fs.existsSync(f('keepalived_parent.web.data')) && fs.existsSync(f('keepalived.web.data')) && fs.existsSync(f('keepalived_check.web.data')), 'instance data files');
    assert.ok(!fs.existsSync(f('keepalived.data')));
    d.signal('SIGTERM');
    assert.equal((await d.exited).code, 0);
  } finally {
    await d?.kill(pids);
    await env.dispose();
  }
});

test('reload adds and retires workers as virtual_servers come and go', { skip, timeout: 60000 }, async () => {
  const env = await Env.create('roles');
  let d: Daemon | undefined;
  const pids: Array<number | undefined> = [];
  try {
    const vrrpOnly = BASE_CONF.slice(0, BASE_CONF.indexOf('virtual_server'));
    fs.writeFileSync(env.conf, vrrpOnly);
    d = Daemon.start(env, ['-n', '-l', '-G', ...env.baseArgs()]);
    await d.waitFor(/Startup complete/);
    pids.push(env.readPid('vrrp'));
    assert.doesNotMatch(d.out, /Healthcheck child/);
    fs.writeFileSync(env.conf, BASE_CONF);
    let from = d.out.length;
    d.signal('SIGHUP');
    const m = await d.waitFor(/Starting Healthcheck child process, pid=(\d+)[\s\S]*Reload complete/, 10000, from);
    const c = Number(m[1]);
    pids.push(c);
    await until(() => env.readPid('checker') === c, 'checker pid file');
    fs.writeFileSync(env.conf, vrrpOnly);
    from = d.out.length;
    d.signal('SIGHUP');
    await d.waitFor(/Reload complete/, 10000, from);
    await until(() => !fs.existsSync(env.pid('checker')), 'checker retired');
    assert.doesNotMatch(d.out.slice(from), /Respawning/);
    d.signal('SIGTERM');
    assert.equal((await d.exited).code, 0);
  } finally {
    await d?.kill(pids);
    await env.dispose();
  }
});
