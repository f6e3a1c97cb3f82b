/** Pure parts of the daemon: pid file names, signal numbers, IPC validation, syslog/console text, sd_notify. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pidPaths, readPid, removePidFile, runningPid, writePidFile } from '../../../src/parent/pidfile';
import { GLIBC_SIGRTMAX, GLIBC_SIGRTMIN, signalNumber, signumCommand } from '../../../src/parent/signals';
import { decodeParentMessage, decodeWorkerMessage } from '../../../src/ipc/messages';
import { formatSyslog, parseSyslog, syslogTimestamp } from '../../../src/log/syslog';
import { Logger, childFacility, consoleTimestamp, logFileFor, syslogIdent } from '../../../src/log';
import { SdNotify } from '../../../src/parent/sdnotify';
import { dataFileName, dumpDir, flattenForDump } from '../../../src/parent/dump';
import { parentView, configApi } from '../../../src/parent/config-source';

function tmp(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'kats-daemon-unit-'));
}

test('pid file names: keepalived 2.2.7 defaults, use_pid_dir, instance, netns, options', () => {
  assert.deepEqual(pidPaths({}, {}), { parent: '/run/keepalived.pid', vrrp: '/run/vrrp.pid', checker: '/run/checkers.pid', bfd: '/run/bfd.pid' });
  assert.deepEqual(pidPaths({}, { usePidDir: true }), {
    parent: '/run/keepalived/keepalived.pid',
    vrrp: '/run/keepalived/vrrp.pid',
    checker: '/run/keepalived/checkers.pid',
    bfd: '/run/keepalived/bfd.pid',
  });
  assert.equal(pidPaths({}, { instance: 'web' }).parent, '/run/keepalived/keepalived_web.pid');
  assert.equal(pidPaths({}, { instance: 'web' }).vrrp, '/run/keepalived/vrrp_web.pid');
  assert.equal(pidPaths({}, { instance: 'web' }).checker, '/run/keepalived/checkers_web.pid');
  assert.equal(pidPaths({}, { netns: 'blue' }).parent, '/run/keepalived/keepalived.pid');
  const o = pidPaths({ pidFile: '/a', vrrpPidFile: '/b', checkersPidFile: '/c', bfdPidFile: '/d' }, { instance: 'x' });
  assert.deepEqual(o, { parent: '/a', vrrp: '/b', checker: '/c', bfd: '/d' });
});

test('pid files: write, read, running detection, stale files, removal only of our own', () => {
  const d = tmp();
  try {
    const f = path.join(d, 'sub', 'k.pid');
    assert.equal(writePidFile(f, process.pid), undefined);
    assert.equal(fs.readFileSync(f, 'utf8'), `${process.pid}\n`);
    assert.equal((fs.statSync(f).mode & 0o777).toString(8), '644');
    assert.equal(readPid(f), process.pid);
    // our own pid never counts as "another daemon"
    assert.equal(runningPid(f), undefined);
    // a live process (our parent, the test runner) counts
    writePidFile(f, process.ppid);
    assert.equal(runningPid(f), process.ppid);
    // a stale pid does not
    writePidFile(f, 4194303);
    assert.equal(runningPid(f), undefined);
    fs.writeFileSync(f, 'garbage\n');
    assert.equal(readPid(f), undefined);
    // removal with a pid only removes a file naming that pid
    writePidFile(f, 4242);
    removePidFile(f, 4243);
    assert.ok(fs.existsSync(f));
    removePidFile(f, 4242);
    assert.ok(!fs.existsSync(f));
  } finally {
    fs.rmSync(d, { recursive: true, force: true });
  }
});

test('--signum numbers are keepalived 2.2.7 ones on Linux/glibc', () => {
  const rt = { min: GLIBC_SIGRTMIN, max: GLIBC_SIGRTMAX, fromAddon: false };
  assert.equal(signalNumber('STOP', rt), 15);
  assert.equal(signalNumber('RELOAD', rt), 1);
  assert.equal(signalNumber('DATA', rt), 10);
  assert.equal(signalNumber('STATS', rt), 12);
  assert.equal(signalNumber('STATS_CLEAR', rt), 63);
  assert.equal(signalNumber('JSON', rt), 36);
  assert.equal(signalNumber('TDUMP', rt), undefined);
  assert.deepEqual(signumCommand('stop'), { code: 1, stdout: '', stderr: 'Unknown sigfunc stop\n' });
  // whatever the addon reports, on this glibc machine it must agree with keepalived
  assert.equal(signumCommand('JSON').stdout, '36\n');
  assert.equal(signumCommand('STATS_CLEAR').stdout, '63\n');
});

const SETTINGS = {
  logDetail: 1, logConsole: false, logFormat: 'text', noSyslog: true, logFacility: 3, flushLogFile: false,
  releaseVips: false, dontReleaseVrrp: false, dontReleaseIpvs: false, addressMonitoring: false, identSuffix: '', processName: 'keepalived_vrrp',
};

test('IPC: valid messages decode to themselves', () => {
  const pm = [
    { type: 'config', seq: 1, reload: false, slice: { vrrpInstances: [] }, settings: SETTINGS },
    { type: 'dump', seq: 2, what: 'stats-clear' },
    { type: 'stop' },
  ];
  for (const m of pm) assert.deepEqual(decodeParentMessage(m), { ok: true, msg: m });
  const wm = [
    { type: 'hello', role: 'checker', pid: 12 },
    { type: 'config-done', seq: 1, ok: false, error: 'x' },
    { type: 'dump-result', seq: 2, what: 'json', json: [{ a: 1 }] },
    { type: 'dump-result', seq: 3, what: 'data', text: 'abc' },
    { type: 'fatal', reason: 'config', message: 'bad' },
    { type: 'stopped' },
  ];
  for (const m of wm) assert.deepEqual(decodeWorkerMessage(m), { ok: true, msg: m });
});

test('IPC: malformed messages are rejected with a reason, never thrown', () => {
  const badParent: unknown[] = [
    null, 42, 'config', [], {}, { type: 'nope' }, { type: 'config', seq: -1, reload: false, slice: 1, settings: SETTINGS },
    { type: 'config', seq: 1, reload: 'no', slice: 1, settings: SETTINGS }, { type: 'config', seq: 1, reload: false, settings: SETTINGS },
    { type: 'config', seq: 1, reload: false, slice: 1, settings: { ...SETTINGS, logFormat: 'xml' } },
    { type: 'dump', seq: 1, what: 'everything' }, { type: 'dump', seq: 1.5, what: 'data' },
  ];
  for (const m of badParent) {
    const d = decodeParentMessage(m);
    assert.equal(d.ok, false, JSON.stringify(m));
    if (!d.ok) assert.ok(d.reason.length > 0);
  }
  const badWorker: unknown[] = [
    undefined, { type: 'hello', role: 'bfd', pid: 1 }, { type: 'hello', role: 'vrrp' }, { type: 'config-done', seq: 1 },
    { type: 'config-done', seq: 1, ok: true, error: 5 }, { type: 'dump-result', seq: 1, what: 'data', text: 7 },
    { type: 'fatal', reason: 'boom', message: '' }, { type: { toString: 1 } }, { type: 'log', msg: 'x' },
  ];
  for (const m of badWorker) assert.equal(decodeWorkerMessage(m).ok, false, JSON.stringify(m));
});

test('syslog datagram text is glibc syslog(3) format', () => {
  const when = new Date(2026, 10, 3, 4, 5, 6);
  assert.equal(syslogTimestamp(when), 'Nov  3 04:05:06');
  const b = formatSyslog(17, 6, 'Keepalived_vrrp', 4321, '(VI_1) Entering MASTER STATE', when).toString();
  assert.equal(b, '<142>Nov  3 04:05:06 Keepalived_vrrp[4321]: (VI_1) Entering MASTER STATE');
  assert.deepEqual(parseSyslog(b), { facility: 17, severity: 6, ident: 'Keepalived_vrrp', pid: 4321, msg: '(VI_1) Entering MASTER STATE' });
  assert.equal(parseSyslog('garbage'), undefined);
});

test('console timestamp is ctime(3) like keepalived -l', () => {
  assert.equal(consoleTimestamp(new Date(2026, 10, 23, 14, 13, 59)), 'Mon Nov 23 14:13:59 2026');
  assert.equal(consoleTimestamp(new Date(2026, 0, 4, 1, 2, 3)), 'Sun Jan  4 01:02:03 2026');
});

test('children facility and idents follow keepalived', () => {
  assert.equal(childFacility(3, 'vrrp'), 17);
  assert.equal(childFacility(3, 'checker'), 18);
  assert.equal(childFacility(16, 'vrrp'), 16);
  assert.equal(childFacility(1, 'checker'), 1);
  assert.equal(syslogIdent('Keepalived_vrrp'), 'Keepalived_vrrp');
  assert.equal(syslogIdent('Keepalived_vrrp', undefined, 'web'), 'Keepalived_vrrp_web');
  assert.equal(syslogIdent('Keepalived', 'blue', 'web'), 'Keepalived_blue_web');
  assert.equal(logFileFor('/var/log/keepalived.log', 'vrrp'), '/var/log/keepalived_vrrp.log');
  assert.equal(logFileFor('/tmp/ka', 'check'), '/tmp/ka_check');
});

test('Logger: syslog datagrams with ident/pid/facility/severity, console lines, -D gating, JSON format', () => {
  const sent: Array<{ path: string; text: string }> = [];
  const lines: string[] = [];
  const log = new Logger({
    ident: 'Keepalived', facility: 16, syslog: true, console: true, format: 'text', detail: 0,
    syslogPath: '/test/log', sender: (p, d) => sent.push({ path: p, text: d.toString() }), consoleWrite: (l) => lines.push(l),
  });
  log.info('Startup complete');
  log.error('boom');
  log.detailed('only with -D');
  assert.equal(sent.length, 2);
  assert.equal(sent[0]!.path, '/test/log');
  assert.deepEqual(parseSyslog(sent[0]!.text), { facility: 16, severity: 6, ident: 'Keepalived', pid: process.pid, msg: 'Startup complete' });
  assert.equal(parseSyslog(sent[1]!.text)?.severity, 3);
  assert.equal(lines.length, 2);
  assert.match(lines[0]!, /^[A-Z][a-z]{2} [A-Z][a-z]{2} [ \d]\d \d\d:\d\d:\d\d \d{4}: Startup complete\n$/);
  log.reconfigure({ ident: 'Keepalived_vrrp', facility: 17, detail: 1, format: 'json' });
  log.detailed('with -D now');
  assert.deepEqual(parseSyslog(sent[2]!.text)?.ident, 'Keepalived_vrrp');
  assert.equal(parseSyslog(sent[2]!.text)?.facility, 17);
  const j = JSON.parse(lines[2]!) as { msg: string; ident: string; pid: number; level: number };
  assert.equal(j.msg, 'with -D now');
  assert.equal(j.ident, 'Keepalived_vrrp');
  assert.equal(j.pid, process.pid);
  log.close();
});

test('Logger: a failing sender is reported once on the console, logging continues', () => {
  const lines: string[] = [];
  let calls = 0;
  const log = new Logger({
    ident: 'Keepalived', facility: 3, syslog: true, console: false, format: 'text', detail: 0,
    sender: () => {
      calls++;
      throw Object.assign(new Error('permission denied'), { code: 'EACCES' });
    },
    consoleWrite: (l) => lines.push(l),
  });
  log.info('a');
  log.info('b');
  assert.equal(calls, 1);
  assert.equal(lines.length, 1);
  assert.match(lines[0]!, /syslog send to \/dev\/log failed: permission denied/);
});

test('Logger: -g log file gets ctime-prefixed lines', () => {
  const d = tmp();
  try {
    const f = path.join(d, 'k.log');
    const log = new Logger({ ident: 'Keepalived', facility: 3, syslog: false, console: false, format: 'text', detail: 0, logFile: f, flushLogFile: true });
    log.info('Reloading');
    log.close();
    assert.match(fs.readFileSync(f, 'utf8'), /^[A-Z][a-z]{2} .* \d{4}: Reloading\n$/);
  } finally {
    fs.rmSync(d, { recursive: true, force: true });
  }
});

test('sd_notify: fields, abstract and path sockets, disabled without NOTIFY_SOCKET', () => {
  const sent: Array<{ p: string; d: string }> = [];
  const s = new SdNotify({ NOTIFY_SOCKET: '@systemd/notify' }, (p, d) => sent.push({ p, d: d.toString() }));
  assert.ok(s.enabled);
  assert.ok(s.ready(77));
  assert.ok(s.reloading());
  assert.ok(s.stopping());
  assert.deepEqual(sent, [
    { p: '@systemd/notify', d: 'READY=1\nMAINPID=77' },
    { p: '@systemd/notify', d: 'RELOADING=1' },
    { p: '@systemd/notify', d: 'STOPPING=1' },
  ]);
  const off = new SdNotify({}, () => assert.fail('must not send'));
  assert.equal(off.enabled, false);
  assert.equal(off.ready(), false);
  assert.equal(new SdNotify({ NOTIFY_SOCKET: 'relative' }, () => undefined).enabled, false);
});

test('dump locations and names', () => {
  assert.equal(dumpDir({ TMPDIR: '/var/tmp' }), '/var/tmp');
  assert.equal(dumpDir({ TMPDIR: 'rel' }), '/tmp');
  assert.equal(dumpDir({}), '/tmp');
  assert.equal(dataFileName('keepalived.data', { netns: 'blue', instance: 'web' }), 'keepalived.blue_web.data');
  assert.equal(dataFileName('keepalived.data', undefined), 'keepalived.data');
  assert.deepEqual(flattenForDump({ routerId: 'r1', list: ['a', 'b'], nested: { x: 1 }, none: undefined }), [' routerId = r1', ' list = a, b', ' nested.x = 1']);
});

test('parentView: the blocks and root settings the parent acts on, from the real configuration', () => {
  const d = tmp();
  try {
    const f = path.join(d, 'k.conf');
    fs.writeFileSync(
      f,
      [
        'use_pid_dir',
        'instance web',
        'child_wait_time 7',
        'global_defs {',
        '  router_id r1',
        '  vrrp_process_name kavrrp',
        '}',
        'vrrp_instance VI_1 {',
        '  interface eth0',
        '  virtual_router_id 51',
        '  virtual_ipaddress {',
        '    10.9.9.9',
        '  }',
        '}',
        '',
      ].join('\n'),
    );
    const view = parentView(configApi().loadConfig(f, { configId: 'x' }).config);
    assert.equal(view.hasVrrp, true);
    assert.equal(view.hasChecker, false);
    assert.equal(view.usePidDir, true);
    assert.equal(view.instance, 'web');
    assert.equal(view.childWaitTimeS, 7);
    assert.equal(view.vrrpName, 'kavrrp');
  } finally {
    fs.rmSync(d, { recursive: true, force: true });
  }
});
