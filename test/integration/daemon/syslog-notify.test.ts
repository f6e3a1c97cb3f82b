/**
 * syslog and sd_notify received by real unix datagram listeners (root only, needs the native addon):
 * idents `Keepalived`, `Keepalived_vrrp`, `Keepalived_healthcheckers` with their pids, facility
 * daemon for the parent and local1/local2 for the children by default, `-S 0` = local0 for all;
 * READY=1 + MAINPID, RELOADING=1 (then READY=1), STOPPING=1 on $NOTIFY_SOCKET.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { BUILD_ROOT, Daemon, Env, addonHas, isRootUser, until } from './harness';
import { parseSyslog } from '../../../src/log/syslog';

const missing = addonHas('unixDgramSend', 'unixDgramBind', 'poll', 'recvmsg');
const skip = !isRootUser() ? 'needs root (network namespaces)' : missing ?? false;

interface Listener {
  got: string[];
  close(): void;
}

function listen(file: string): Listener {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { UnixDgramListener } = require(path.join(BUILD_ROOT, 'src', 'sys', 'unixdgram')) as typeof import('../../../src/sys/unixdgram');
  const got: string[] = [];
  const l = UnixDgramListener.bind(file, (b) => got.push(b.toString()));
  return { got, close: () => l.close() };
}

test('syslog lines: idents, pids and facilities; sd_notify READY/RELOADING/STOPPING', { skip, timeout: 60000 }, async () => {
  const env = await Env.create('syslog');
  const logSock = path.join(env.dir, 'log.sock');
  const notifySock = path.join(env.dir, 'notify.sock');
  const log = listen(logSock);
  const notify = listen(notifySock);
  let d: Daemon | undefined;
  const pids: Array<number | undefined> = [];
  try {
    d = Daemon.start(env, ['-n', ...env.baseArgs()], { KEEPALIVED_TS_SYSLOG_PATH: logSock, NOTIFY_SOCKET: notifySock });
    await until(() => notify.got.some((m) => m.startsWith('READY=1')), 'READY=1');
    const v = env.readPid('vrrp')!;
    const c = env.readPid('checker')!;
    pids.push(v, c);
    assert.deepEqual(notify.got[0], `READY=1\nMAINPID=${d.pid}`);
    // READY comes after every worker acked: the parent has logged Startup complete
    await until(() => log.got.some((l) => l.includes('Startup complete')), 'Startup complete in syslog');
    const recs = log.got.map((l) => parseSyslog(l));
    assert.ok(recs.every((r) => r !== undefined), 'every datagram is a syslog line');
    const start = recs.find((r) => r!.msg.startsWith('Starting Keepalived-ts'))!;
    assert.deepEqual([start.ident, start.pid, start.facility, start.severity], ['Keepalived', d.pid, 3, 6]);
    const vr = recs.find((r) => r!.ident === 'Keepalived_vrrp');
    const ck = recs.find((r) => r!.ident === 'Keepalived_healthcheckers');
    assert.ok(vr && ck, `worker lines present: ${log.got.join(' | ')}`);
    assert.deepEqual([vr.pid, vr.facility], [v, 17], 'VRRP worker: own pid, LOG_LOCAL1');
    assert.deepEqual([ck.pid, ck.facility], [c, 18], 'checker worker: own pid, LOG_LOCAL2');
    assert.equal(d.out, '', 'nothing on the console without -l');

    // reload: RELOADING=1 then READY=1 again
    const n0 = notify.got.length;
    d.signal('SIGHUP');
    await until(() => notify.got.slice(n0).includes('RELOADING=1') && notify.got.slice(n0).some((m) => m.startsWith('READY=1')), 'RELOADING=1, READY=1');
    assert.ok(notify.got.slice(n0).indexOf('RELOADING=1') < notify.got.slice(n0).findIndex((m) => m.startsWith('READY=1')));
    await until(() => log.got.some((l) => l.endsWith(': Reload complete')), 'Reload complete in syslog');

    d.signal('SIGTERM');
    assert.equal((await d.exited).code, 0);
    assert.ok(notify.got.includes('STOPPING=1'));
    assert.ok(log.got.some((l) => /Keepalived\[\d+\]: Stopped Keepalived-ts/.test(l)));

    // -S 0: LOG_LOCAL0 for the parent and the workers
    log.got.length = 0;
    d = Daemon.start(env, ['-n', '-S', '0', ...env.baseArgs()], { KEEPALIVED_TS_SYSLOG_PATH: logSock });
    await until(() => log.got.some((l) => l.includes('Keepalived_vrrp[')) && log.got.some((l) => l.includes('Keepalived_healthcheckers[')) && log.got.some((l) => l.includes('Startup complete')), 'lines with -S 0');
    pids.push(env.readPid('vrrp'), env.readPid('checker'));
    const fac = new Set(log.got.map((l) => parseSyslog(l)!.facility));
    assert.deepEqual([...fac], [16]);
    d.signal('SIGTERM');
    assert.equal((await d.exited).code, 0);
  } finally {
    await d?.kill(pids);
    log.close();
    notify.close();
    for (const s of [logSock, notifySock]) fs.rmSync(s, { force: true });
    await env.dispose();
  }
});
