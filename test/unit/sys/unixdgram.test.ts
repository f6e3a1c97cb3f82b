import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { formatSyslog, sdNotify, SyslogFacility, SyslogSeverity, SyslogSocket, UnixDgramListener, unixDgramSend } from '../../../src/sys/unixdgram';

function nextMessage(l: { got: Buffer[] }, n = 1): Promise<void> {
  return new Promise((resolve, reject) => {
    const t0 = Date.now();
    const tick = () => {
      if (l.got.length >= n) return resolve();
      if (Date.now() - t0 > 5000) return reject(new Error('no datagram received'));
      setTimeout(tick, 5);
    };
    tick();
  });
}

test('formatSyslog writes glibc syslog() datagrams', () => {
  const d = new Date(2026, 10, 3, 4, 5, 6); // local time, 3 Nov
  const b = formatSyslog(SyslogFacility.local0, SyslogSeverity.info, 'Keepalived_vrrp', 4242, '(VI_1) Entering MASTER STATE', d);
  assert.equal(b.toString(), '<134>Nov  3 04:05:06 Keepalived_vrrp[4242]: (VI_1) Entering MASTER STATE');
  const d2 = new Date(2026, 0, 23, 14, 0, 59);
  assert.equal(formatSyslog(SyslogFacility.daemon, SyslogSeverity.err, 'Keepalived', 1, 'x', d2).toString(), '<27>Jan 23 14:00:59 Keepalived[1]: x');
});

test('unixDgramSend reaches a filesystem listener, datagram boundaries kept', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kats-unix-'));
  const p = path.join(dir, 'log.sock');
  const got: Buffer[] = [];
  const l = UnixDgramListener.bind(p, (d) => got.push(d));
  try {
    unixDgramSend(p, 'first');
    unixDgramSend(p, Buffer.from('second\nline'));
    await nextMessage({ got }, 2);
    assert.deepEqual(got.map(String), ['first', 'second\nline']);
  } finally {
    l.close();
    l.close(); // idempotent
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('sdNotify sends to an abstract $NOTIFY_SOCKET and reports when there is none', async () => {
  const name = `@kats-notify-${process.pid}`;
  const got: Buffer[] = [];
  const l = UnixDgramListener.bind(name, (d) => got.push(d));
  try {
    assert.equal(sdNotify('READY=1\nMAINPID=7', { NOTIFY_SOCKET: name }), true);
    await nextMessage({ got });
    assert.equal(got[0]!.toString(), 'READY=1\nMAINPID=7');
    assert.equal(sdNotify('READY=1', {}), false);
  } finally {
    l.close();
  }
});

test('errors carry errno, code and syscall', () => {
  const p = path.join(os.tmpdir(), `kats-missing-${process.pid}.sock`);
  assert.throws(
    () => unixDgramSend(p, 'x'),
    (e: unknown) => {
      const err = e as { code: string; errno: number; syscall: string };
      return err.code === 'ENOENT' && err.errno === 2 && err.syscall === 'sendto';
    },
  );
  assert.throws(() => unixDgramSend('/' + 'x'.repeat(200), 'x'), { code: 'ENAMETOOLONG' });
});

test('SyslogSocket keeps one socket, counts drops instead of throwing', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kats-unix-'));
  const p = path.join(dir, 'dev-log');
  const s = new SyslogSocket(p);
  const got: Buffer[] = [];
  try {
    const e = s.send(Buffer.from('lost'));
    assert.equal(e?.code, 'ENOENT');
    assert.equal(s.dropped, 1);
    const l = UnixDgramListener.bind(p, (d) => got.push(d));
    try {
      assert.equal(s.send(formatSyslog(16, 6, 'Keepalived', 1, 'hello')), undefined);
      await nextMessage({ got });
      assert.match(got[0]!.toString(), /^<134>\w{3} [ \d]\d \d\d:\d\d:\d\d Keepalived\[1\]: hello$/);
    } finally {
      l.close();
    }
  } finally {
    s.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
