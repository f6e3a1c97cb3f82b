/**
 * reload_check_config [LOGFILE] and a broken reload, ours against keepalived 2.2.7 in the same
 * namespace (root only; the keepalived half is skipped when it is not installed).
 *
 *   - with reload_check_config LOGFILE: "validate conf before Reload" (-D), the new file's -t
 *     output in LOGFILE (mode 0600), "New config failed validation, see LOGFILE for details", no
 *     reload at all (no "Reloading ..."), the workers untouched; a valid file reloads;
 *   - without it (a documented difference, README): keepalived 2.2.7 reloads the broken file and
 *     terminates (its VRRP child stops with a CONFIG error); we keep the running configuration.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { BASE_CONF, Daemon, Env, MAIN_JS, alive, isRootUser, sleep, until } from './harness';

const skip = isRootUser() ? false : 'needs root (network namespaces)';
const KEEPALIVED = '/usr/sbin/keepalived';
const haveKeepalived = fs.existsSync(KEEPALIVED);
const BREAK = 'this_is_not_a_keyword\nvrrp_instance BROKEN {\n';
const VRRP_ONLY = BASE_CONF.slice(0, BASE_CONF.indexOf('virtual_server'));
const withCheck = (conf: string, log: string): string => conf.replace('router_id kats', `router_id kats\n  reload_check_config ${log}`);

/** Run keepalived 2.2.7 on `conf`, append BREAK, HUP it; its output and whether it still runs after 2.5 s. */
async function keepalivedBrokenReload(env: Env, conf: string): Promise<{ out: string; running: boolean }> {
  const file = path.join(env.dir, 'ka.conf');
  fs.writeFileSync(file, conf);
  const vp = path.join(env.dir, 'ka-vrrp.pid');
  const p = spawn('ip', ['netns', 'exec', env.ns.name, KEEPALIVED, '-n', '-l', '-G', '-D', '-f', file, '-p', path.join(env.dir, 'ka.pid'), '-r', vp, '-c', path.join(env.dir, 'ka-c.pid')], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  p.stdout.on('data', (b: Buffer) => (out += b.toString()));
  p.stderr.on('data', (b: Buffer) => (out += b.toString()));
  const exited = new Promise<void>((r) => p.on('exit', () => r()));
  let child: number | undefined;
  try {
    await until(() => /Startup complete/.test(out), 'keepalived started');
    child = Number(fs.readFileSync(vp, 'utf8').trim());
    fs.appendFileSync(file, BREAK);
    process.kill(p.pid!, 'SIGHUP');
    await sleep(2500);
    const running = p.exitCode === null && p.signalCode === null;
    if (running) {
      process.kill(p.pid!, 'SIGTERM');
      await exited;
    }
    return { out, running };
  } finally {
    if (p.exitCode === null && p.signalCode === null) {
      p.kill('SIGKILL');
      await exited;
    }
    if (child && alive(child)) process.kill(child, 'SIGKILL');
  }
}

/** Our -t output for a file (what the check log must hold). */
async function ourConfigTest(env: Env, file: string): Promise<string> {
  const out = path.join(env.dir, 'ours-t.log');
  const p = spawn('ip', ['netns', 'exec', env.ns.name, process.execPath, MAIN_JS, `-t${out}`, '-f', file], { stdio: 'ignore' });
  await new Promise((r) => p.on('exit', r));
  return fs.readFileSync(out, 'utf8');
}

test('reload_check_config LOGFILE: a broken file is not reloaded, its -t output is in LOGFILE (as keepalived 2.2.7)', { skip, timeout: 60000 }, async () => {
  const env = await Env.create('rcc');
  const checkLog = path.join(env.dir, 'check.log');
  let d: Daemon | undefined;
  const kids: Array<number | undefined> = [];
  try {
    fs.writeFileSync(env.conf, withCheck(BASE_CONF, checkLog));
    d = Daemon.start(env, ['-n', '-l', '-G', '-D', ...env.baseArgs()]);
    await d.waitFor(/Startup complete/);
    const v = env.readPid('vrrp');
    const c = env.readPid('checker');
    kids.push(v, c);

    // broken: checked, refused, nothing reloaded
    fs.appendFileSync(env.conf, BREAK);
    let from = d.out.length;
    d.signal('SIGHUP');
    await d.waitFor(new RegExp(`validate conf before Reload[\\s\\S]*New config failed validation, see ${checkLog.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')} for details`), 10000, from);
    await sleep(500);
    assert.doesNotMatch(d.out.slice(from), /Reloading|Reload complete/);
    assert.equal(env.readPid('vrrp'), v);
    assert.equal(env.readPid('checker'), c);
    assert.ok(alive(d.pid));
    const logged = fs.readFileSync(checkLog, 'utf8');
    assert.equal(fs.statSync(checkLog).mode & 0o777, 0o600, 'check log created under umask 0177');
    assert.match(logged, /Unknown keyword 'this_is_not_a_keyword'/);
    assert.equal(logged, await ourConfigTest(env, env.conf), 'the check log holds the -t output');

    // valid again: checked, then reloaded; the check log is truncated (rewritten)
    fs.writeFileSync(env.conf, withCheck(BASE_CONF, checkLog).replace('priority 100', 'priority 90'));
    from = d.out.length;
    d.signal('SIGHUP');
    await d.waitFor(/validate conf before Reload[\s\S]*Reloading \.\.\.[\s\S]*Reload complete/, 10000, from);
    assert.doesNotMatch(fs.readFileSync(checkLog, 'utf8'), /this_is_not_a_keyword/);

    d.signal('SIGTERM');
    assert.deepEqual(await d.exited, { code: 0, signal: null });

    if (!haveKeepalived) return;
    const k = await keepalivedBrokenReload(env, withCheck(VRRP_ONLY, path.join(env.dir, 'ka-check.log')));
    assert.ok(k.running, 'keepalived keeps running with reload_check_config');
    assert.match(k.out, /validate conf before Reload/);
    assert.match(k.out, new RegExp(`New config failed validation, see ${env.dir}/ka-check\\.log for details`));
    assert.doesNotMatch(k.out.slice(k.out.indexOf('validate conf')), /Reloading/);
    const theirs = fs.readFileSync(path.join(env.dir, 'ka-check.log'), 'utf8');
    assert.equal(fs.statSync(path.join(env.dir, 'ka-check.log')).mode & 0o777, 0o600);
    // keepalived repeats lines (it parses once per process type): ours are a subset of its lines
    const theirLines = new Set(theirs.split('\n').map((l) => l.replace(path.join(env.dir, 'ka.conf'), '@')));
    for (const l of (await ourConfigTest(env, path.join(env.dir, 'ka.conf'))).split('\n').filter(Boolean)) {
      assert.ok(theirLines.has(l.replace(path.join(env.dir, 'ka.conf'), '@')), `"${l}" is in keepalived's check log:\n${theirs}`);
    }
  } finally {
    await d?.kill(kids);
    await env.dispose();
  }
});

test('broken reload without reload_check_config: we keep running (keepalived 2.2.7 terminates: a documented difference)', { skip, timeout: 60000 }, async () => {
  const env = await Env.create('rcc0');
  let d: Daemon | undefined;
  const kids: Array<number | undefined> = [];
  try {
    d = Daemon.start(env, ['-n', '-l', '-G', ...env.baseArgs()]);
    await d.waitFor(/Startup complete/);
    const v = env.readPid('vrrp');
    kids.push(v, env.readPid('checker'));
    fs.appendFileSync(env.conf, BREAK);
    const from = d.out.length;
    d.signal('SIGHUP');
    await d.waitFor(/reload aborted, keeping the running configuration/, 10000, from);
    await sleep(1000);
    assert.ok(alive(d.pid), 'our daemon is still running');
    assert.equal(env.readPid('vrrp'), v, 'VRRP worker untouched');
    d.signal('SIGTERM');
    assert.deepEqual(await d.exited, { code: 0, signal: null });

    if (!haveKeepalived) return;
    const k = await keepalivedBrokenReload(env, VRRP_ONLY);
    assert.ok(!k.running, `keepalived 2.2.7 terminates on this reload:\n${k.out}`);
    assert.match(k.out, /exited with permanent error CONFIG\. Terminating/);
  } finally {
    await d?.kill(kids);
    await env.dispose();
  }
});
