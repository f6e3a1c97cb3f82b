/**
 * startup_script / shutdown_script users: `CMD user [group]`, else script_user, else
 * keepalived_script when it exists, else root — the notify runner's resolution (src/notify/runner.ts).
 * The resolution is checked on passwd/group fixtures; a real run as another user needs root.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Logger } from '../../../src/log';
import { runParentScript, scriptIds, scriptPath } from '../../../src/parent/scripts';
import { configApi, parentView } from '../../../src/parent/config-source';

function etcDir(withKeepalivedScript: boolean): string {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'kats-etc-'));
  const users = ['root:x:0:0:root:/root:/bin/sh', 'daemon:x:1:1::/:/bin/false', 'alice:x:1234:1300::/:/bin/false'];
  if (withKeepalivedScript) users.push('keepalived_script:x:999:998::/:/bin/false');
  fs.writeFileSync(path.join(d, 'passwd'), users.join('\n') + '\n');
  fs.writeFileSync(path.join(d, 'group'), ['root:x:0:', 'daemon:x:1:', 'web:x:1400:', 'ka:x:998:'].join('\n') + '\n');
  return d;
}

const ROOT = typeof process.getuid === 'function' && process.getuid() === 0;

test('script user: own user/group, then script_user, then keepalived_script, then root', { skip: ROOT ? false : 'expectations assume a root daemon' }, () => {
  const etc = etcDir(true);
  const plain = etcDir(false);
  try {
    assert.deepEqual(scriptIds({ argv: ['/bin/true'], user: 'alice', timeoutS: 1 }, { etc }), { uid: 1234, gid: 1300 });
    assert.deepEqual(scriptIds({ argv: ['/bin/true'], user: 'alice', group: 'web', timeoutS: 1 }, { etc }), { uid: 1234, gid: 1400 });
    // no user on the keyword: script_user [group]
    assert.deepEqual(scriptIds({ argv: ['/bin/true'], timeoutS: 1 }, { etc, scriptUser: { user: 'daemon', group: 'web' } }), { uid: 1, gid: 1400 });
    // no script_user: keepalived_script when it exists
    assert.deepEqual(scriptIds({ argv: ['/bin/true'], timeoutS: 1 }, { etc }), { uid: 999, gid: 998 });
    // else root: no setuid at all for a root daemon
    assert.deepEqual(scriptIds({ argv: ['/bin/true'], timeoutS: 1 }, { etc: plain }), {});
    assert.deepEqual(scriptIds({ argv: ['/bin/true'], user: 'nosuch', timeoutS: 1 }, { etc }), { error: "Script user 'nosuch' does not exist" });
    assert.deepEqual(scriptIds({ argv: ['/bin/true'], user: 'alice', group: 'nosuch', timeoutS: 1 }, { etc }), { error: "Script group 'nosuch' does not exist" });
  } finally {
    fs.rmSync(etc, { recursive: true, force: true });
    fs.rmSync(plain, { recursive: true, force: true });
  }
});

function fakeLog(lines: string[]): Logger {
  const put = (m: string): void => void lines.push(m);
  return { info: put, warn: put, error: put, detailed: put, debug: put, alert: put } as unknown as Logger;
}

test('startup script runs as its user and group (real run)', { skip: ROOT ? false : 'needs root (setuid)' }, async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kats-script-'));
  fs.chmodSync(dir, 0o777);
  const out = path.join(dir, 'id');
  const lines: string[] = [];
  try {
    // daemon:daemon (1:1) exists on every Debian system
    await runParentScript('startup', { argv: ['/bin/sh', '-c', `id -u > ${out}; id -g >> ${out}`], user: 'daemon', group: 'daemon', timeoutS: 5 }, fakeLog(lines));
    assert.deepEqual(fs.readFileSync(out, 'utf8').trim().split('\n'), ['1', '1'], lines.join('\n'));
    fs.rmSync(out);
    // unknown user: not run, an error line
    await runParentScript('shutdown', { argv: ['/bin/sh', '-c', `id -u > ${out}`], user: 'kats-nosuch-user', timeoutS: 5 }, fakeLog(lines));
    assert.ok(!fs.existsSync(out));
    assert.ok(lines.some((l) => /shutdown script \/bin\/sh: Script user 'kats-nosuch-user' does not exist/.test(l)), lines.join('\n'));
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('parentView: startup/shutdown script user and group, script_user, from the real configuration', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kats-conf-'));
  const f = path.join(dir, 'keepalived.conf');
  try {
    fs.writeFileSync(f, 'global_defs {\n  script_user daemon web\n  startup_script "/bin/sh -c \'echo up\'" alice web\n  shutdown_script /bin/true\n}\n');
    const api = configApi();
    const view = parentView(api.loadConfig(f, { configId: 'x' }).config);
    assert.deepEqual(view.startupScript, { argv: ['/bin/sh', '-c', 'echo up'], user: 'alice', group: 'web', timeoutS: 10 });
    assert.deepEqual(view.shutdownScript, { argv: ['/bin/true'], timeoutS: 10 });
    assert.deepEqual(view.scriptUser, { user: 'daemon', group: 'web' });
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test("startup/shutdown script lines as keepalived 2.2.7's: failed status, succeeded and Running (-D), timed out", { timeout: 20000 }, async () => {
  const lines: string[] = [];
  await runParentScript('startup', { argv: ['/bin/sh', '-c', 'exit 3'], timeoutS: 5 }, fakeLog(lines));
  await runParentScript('shutdown', { argv: ['/bin/sh', '-c', 'exit 0'], timeoutS: 5 }, fakeLog(lines));
  const t0 = Date.now();
  await runParentScript('shutdown', { argv: ['/bin/sh', '-c', 'sleep 30'], timeoutS: 1 }, fakeLog(lines));
  assert.ok(Date.now() - t0 < 5000, 'a timed-out script is killed');
  // observed on 2.2.7 (startup_script "/bin/sh -c \"exit 3\"", shutdown_script "/bin/sleep 30" with timeout 1)
  const sh = scriptPath('/bin/sh');
  assert.deepEqual(lines, [
    `Running startup script ${sh}`,
    'startup script script failed, status 3',
    `Running shutdown script ${sh}`,
    'shutdown script script succeeded',
    `Running shutdown script ${sh}`,
    'shutdown script timed out',
  ]);
  assert.equal(scriptPath('sh', { PATH: '/nonexistent:/bin' }), sh, 'a bare name is looked up in PATH');
});
