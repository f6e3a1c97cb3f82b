/**
 * Process names and umask, ours against keepalived 2.2.7 run the same way in the same namespace
 * (root only; the keepalived comparison is skipped when /usr/sbin/keepalived is not installed).
 *
 *   - no process_names: the children keep the parent's name (`keepalived`);
 *   - process_names: keepalived_vrrp, keepalived_lvs (what 2.2.7 really sets, under strace;
 *     its man page says keepalived_ipvs); the parent keeps `keepalived`;
 *   - process_name P [+ vrrp_process_name V]: parent P, children P unless named themselves;
 *   - `ps -o args` of every process: the command line as invoked (children show the parent's);
 *   - umask 0177 by default (dump files 0600), -u 022 → 0022 (dump files 0644); pid files 0644.
 *
 * keepalived's checker cannot be compared here (it stops at once without IPVS in the kernel):
 * the comparisons use a VRRP-only configuration; our checker is checked against the rule.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { BASE_CONF, Daemon, Env, alive, comm, isRootUser, sleep, until } from './harness';

const skip = isRootUser() ? false : 'needs root (network namespaces)';
const KEEPALIVED = '/usr/sbin/keepalived';
const haveKeepalived = fs.existsSync(KEEPALIVED);

const VRRP_ONLY = BASE_CONF.slice(0, BASE_CONF.indexOf('virtual_server'));
const withGlobals = (conf: string, lines: string[]): string => conf.replace('router_id kats', ['router_id kats', ...lines].join('\n  '));

interface Seen {
  parentComm: string | undefined;
  vrrpComm: string | undefined;
  checkerComm?: string | undefined;
  parentArgs: string;
  vrrpArgs: string;
  umask: string[];
  dumpMode: number;
  pidMode: number;
}

function args(pid: number): string {
  try {
    return fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean).join(' ');
  } catch {
    return '';
  }
}
function umaskOf(pid: number): string {
  try {
    return /Umask:\s*(\d+)/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? '?';
  } catch {
    return '?';
  }
}

/** USR1 → keepalived_parent.data in dir: its mode (the file is removed afterwards). */
async function dumpMode(pid: number, dir: string): Promise<number> {
  const f = path.join(dir, 'keepalived_parent.data');
  fs.rmSync(f, { force: true });
  process.kill(pid, 'SIGUSR1');
  await until(() => fs.existsSync(f) && fs.statSync(f).size > 0, 'keepalived_parent.data');
  const m = fs.statSync(f).mode & 0o777;
  fs.rmSync(f, { force: true });
  return m;
}

async function ours(env: Env, conf: string, extra: string[] = []): Promise<Seen> {
  fs.writeFileSync(env.conf, conf);
  const d = Daemon.start(env, ['-n', '-l', '-G', ...extra, ...env.baseArgs()]);
  const kids: Array<number | undefined> = [];
  try {
    await d.waitFor(/Startup complete/);
    const v = env.readPid('vrrp')!;
    const c = env.readPid('checker');
    kids.push(v, c);
    const seen: Seen = {
      parentComm: comm(d.pid),
      vrrpComm: comm(v),
      parentArgs: args(d.pid),
      vrrpArgs: args(v),
      umask: [d.pid, v].map(umaskOf),
      dumpMode: await dumpMode(d.pid, env.dir),
      pidMode: fs.statSync(env.pid('parent')).mode & 0o777,
    };
    if (c) seen.checkerComm = comm(c);
    d.signal('SIGTERM');
    assert.deepEqual(await d.exited, { code: 0, signal: null }, d.out);
    return seen;
  } finally {
    await d.kill(kids);
  }
}

async function theirs(env: Env, conf: string, extra: string[] = []): Promise<Seen> {
  const file = path.join(env.dir, 'ka.conf');
  fs.writeFileSync(file, conf);
  const pp = path.join(env.dir, 'ka-parent.pid');
  const vp = path.join(env.dir, 'ka-vrrp.pid');
  const p = spawn('ip', ['netns', 'exec', env.ns.name, KEEPALIVED, '-n', '-l', '-G', ...extra, '-f', file, '-p', pp, '-r', vp, '-c', path.join(env.dir, 'ka-checkers.pid')], {
    stdio: 'ignore',
    env: { ...process.env, TMPDIR: env.dir },
  });
  const exited = new Promise<void>((r) => p.on('exit', () => r()));
  let v: number | undefined;
  try {
    await until(() => fs.existsSync(vp) && fs.readFileSync(vp, 'utf8').trim() !== '', 'keepalived vrrp pid file');
    v = Number(fs.readFileSync(vp, 'utf8').trim());
    await sleep(300); // the child names itself just after the fork
    const seen: Seen = {
      parentComm: comm(p.pid!),
      vrrpComm: comm(v),
      parentArgs: args(p.pid!),
      vrrpArgs: args(v),
      umask: [p.pid!, v].map(umaskOf),
      dumpMode: await dumpMode(p.pid!, env.dir),
      pidMode: fs.statSync(pp).mode & 0o777,
    };
    process.kill(p.pid!, 'SIGTERM');
    await exited;
    return seen;
  } finally {
    if (p.exitCode === null && p.signalCode === null) {
      p.kill('SIGKILL');
      await exited;
    }
    if (v && alive(v)) process.kill(v, 'SIGKILL');
  }
}

const CASES: Array<{ name: string; globals: string[]; extra?: string[]; parent: string; vrrp: string; checker: string; umask: string; dump: number }> = [
  { name: 'default', globals: [], parent: 'keepalived', vrrp: 'keepalived', checker: 'keepalived', umask: '0177', dump: 0o600 },
  { name: 'process_names', globals: ['process_names'], parent: 'keepalived', vrrp: 'keepalived_vrrp', checker: 'keepalived_lvs', umask: '0177', dump: 0o600 },
  {
    name: 'process_name + vrrp_process_name, -u 022',
    globals: ['process_name kpar', 'vrrp_process_name kvr'],
    extra: ['-u', '022'],
    parent: 'kpar',
    vrrp: 'kvr',
    checker: 'kpar',
    umask: '0022',
    dump: 0o644,
  },
];

for (const c of CASES) {
  test(`process names and umask (${c.name}): ours as keepalived 2.2.7`, { skip, timeout: 60000 }, async (t) => {
    const env = await Env.create('names');
    try {
      const full = withGlobals(BASE_CONF, c.globals);
      const o = await ours(env, full, c.extra);
      assert.equal(o.parentComm, c.parent);
      assert.equal(o.vrrpComm, c.vrrp);
      assert.equal(o.checkerComm, c.checker);
      // ps -o args: the command line as invoked, the same in the children
      assert.ok(o.parentArgs.startsWith(`${path.join(__dirname, '..', '..', '..', 'src', 'main.js')} -n -l -G`), o.parentArgs);
      assert.equal(o.vrrpArgs, o.parentArgs);
      assert.deepEqual(o.umask, [c.umask, c.umask]);
      assert.equal(o.dumpMode, c.dump);
      assert.equal(o.pidMode, 0o644);
      if (!haveKeepalived) return;
      const k = await theirs(env, withGlobals(VRRP_ONLY, c.globals), c.extra);
      t.diagnostic(`keepalived 2.2.7: ${JSON.stringify(k)}`);
      const kv = await ours(env, withGlobals(VRRP_ONLY, c.globals), c.extra);
      assert.equal(kv.parentComm, k.parentComm, 'parent comm as keepalived');
      assert.equal(kv.vrrpComm, k.vrrpComm, 'VRRP child comm as keepalived');
      assert.equal(k.vrrpArgs, k.parentArgs, "keepalived's child shows the parent's command line");
      assert.equal(kv.vrrpArgs, kv.parentArgs);
      assert.deepEqual(kv.umask, k.umask, 'umask as keepalived');
      assert.equal(kv.dumpMode, k.dumpMode, 'dump file mode as keepalived');
      assert.equal(kv.pidMode, k.pidMode, 'pid file mode as keepalived');
    } finally {
      await env.dispose();
    }
  });
}

test('a reload renaming the processes: parent and VRRP worker renamed in place (as keepalived 2.2.7)', { skip, timeout: 60000 }, async () => {
  const env = await Env.create('rename');
  let d: Daemon | undefined;
  const kids: Array<number | undefined> = [];
  try {
    fs.writeFileSync(env.conf, VRRP_ONLY);
    d = Daemon.start(env, ['-n', '-l', '-G', ...env.baseArgs()]);
    await d.waitFor(/Startup complete/);
    const v = env.readPid('vrrp')!;
    kids.push(v);
    assert.equal(comm(v), 'keepalived');
    fs.writeFileSync(env.conf, withGlobals(VRRP_ONLY, ['process_name kpar2', 'vrrp_process_name kv2']));
    const from = d.out.length;
    d.signal('SIGHUP');
    await d.waitFor(/Reload complete/, 10000, from);
    await until(() => comm(d!.pid) === 'kpar2' && comm(v) === 'kv2', `renamed (parent ${comm(d!.pid) ?? '?'}, vrrp ${comm(v) ?? '?'})`);
    assert.equal(env.readPid('vrrp'), v, 'the same VRRP worker');
    d.signal('SIGTERM');
    assert.deepEqual(await d.exited, { code: 0, signal: null });
  } finally {
    await d?.kill(kids);
    await env.dispose();
  }
});
