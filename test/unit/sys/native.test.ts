import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { test } from 'node:test';
import { native, type NativeError } from '../../../src/sys/native';
import { setProcessName } from '../../../src/sys/procname';
import { keepalivedSignals, onSignal, sigrtmax, sigrtmin } from '../../../src/sys/signals';
import * as C from '../../../src/sys/sockconst';

const isErr = (code: string, syscall: string) => (e: unknown) => {
  const n = e as NativeError;
  assert.ok(n instanceof Error);
  assert.equal(n.code, code);
  assert.equal(n.syscall, syscall);
  assert.equal(typeof n.errno, 'number');
  assert.ok(n.errno > 0);
  return true;
};

test('addon loads and keeps its ABI version', () => {
  assert.equal(native().abiVersion(), 1);
});

test('syscall errors are Error objects with errno, code, syscall', () => {
  const n = native();
  assert.throws(() => n.close(987654), isErr('EBADF', 'close'));
  assert.throws(() => n.socket(12345, C.SOCK_DGRAM, 0), isErr('EAFNOSUPPORT', 'socket'));
  assert.throws(() => n.ifNameToIndex('kats-nonexistent0'), isErr('ENODEV', 'if_nametoindex'));
  assert.throws(() => n.setsockoptInt(987654, C.SOL_SOCKET, C.SO_RCVBUF, 1), isErr('EBADF', 'setsockopt'));
  // wrong argument types are bugs: TypeError
  assert.throws(() => (n.close as unknown as (x: string) => void)('3'), TypeError);
});

test('sockets are non-blocking and close-on-exec', () => {
  const n = native();
  const fd = n.socket(C.AF_UNIX, C.SOCK_DGRAM, 0);
  try {
    const fdinfo = fs.readFileSync(`/proc/self/fdinfo/${fd}`, 'utf8');
    const flags = parseInt(/flags:\s+(\d+)/.exec(fdinfo)![1]!, 8);
    assert.ok(flags & 0o4000, 'O_NONBLOCK');
    assert.ok(flags & 0o2000000, 'O_CLOEXEC');
    assert.equal(n.recvmsg(fd, 100), null, 'EAGAIN gives null');
  } finally {
    n.close(fd);
  }
});

test('ifNameToIndex and inet bind/sendto/recvmsg over loopback UDP with pktinfo and TTL', () => {
  const n = native();
  const lo = n.ifNameToIndex('lo');
  assert.ok(lo > 0);
  const tx = n.socket(C.AF_INET, C.SOCK_DGRAM, 0);
  const rx2 = n.socket(C.AF_INET, C.SOCK_DGRAM, 0);
  try {
    n.setsockoptInt(rx2, C.IPPROTO_IP, C.IP_PKTINFO, 1);
    n.setsockoptInt(rx2, C.IPPROTO_IP, C.IP_RECVTTL, 1);
    let port = 0;
    for (let p = 40000 + (process.pid % 20000); ; p++) {
      try {
        n.bindInet(rx2, Buffer.from([127, 0, 0, 1]), p, 0);
        port = p;
        break;
      } catch (e) {
        if ((e as NativeError).code !== 'EADDRINUSE') throw e;
      }
    }
    n.setsockoptInt(tx, C.IPPROTO_IP, C.IP_TTL, 37);
    assert.equal(n.sendtoInet(tx, Buffer.from('ping'), Buffer.from([127, 0, 0, 1]), port, 0), 4);
    let m = null;
    for (let i = 0; i < 1000 && !m; i++) m = n.recvmsg(rx2, 2);
    assert.ok(m);
    assert.equal(m.data.toString(), 'pi', 'read at most maxLen bytes');
    assert.equal(m.truncated, true);
    assert.deepEqual([...m.from], [127, 0, 0, 1]);
    assert.deepEqual([...m.to], [127, 0, 0, 1]);
    assert.equal(m.ifindex, lo);
    assert.equal(m.hopLimit, 37);
    assert.equal(n.getsockoptInt(tx, C.IPPROTO_IP, C.IP_TTL), 37);
  } finally {
    n.close(rx2);
    n.close(tx);
  }
});

test('poll delivers readability; stop() is safe twice and after close', async () => {
  const n = native();
  const name = `@kats-poll-${process.pid}`;
  const fd = n.unixDgramBind(name);
  let calls = 0;
  const got: string[] = [];
  const h = n.poll(fd, C.POLL_READABLE, (status, events) => {
    calls++;
    assert.equal(status, 0);
    assert.equal(events & C.POLL_READABLE, C.POLL_READABLE);
    for (let m = n.recvmsg(fd, 100); m; m = n.recvmsg(fd, 100)) got.push(m.data.toString());
  });
  assert.throws(() => n.poll(fd, 1, () => undefined), isErr('EEXIST', 'uv_poll_init'));
  n.unixDgramSend(name, Buffer.from('a'));
  n.unixDgramSend(name, Buffer.from('b'));
  for (let i = 0; i < 500 && got.length < 2; i++) await new Promise((r) => setTimeout(r, 2));
  assert.deepEqual(got, ['a', 'b']);
  assert.ok(calls >= 1);
  h.stop();
  h.stop();
  const before = calls;
  n.unixDgramSend(name, Buffer.from('c'));
  await new Promise((r) => setTimeout(r, 30));
  assert.equal(calls, before, 'no callback after stop');
  // a new watcher on the same fd is allowed after stop; close(fd) stops it, stop() afterwards is a no-op
  const h2 = n.poll(fd, C.POLL_READABLE, () => {
    calls++;
    n.recvmsg(fd, 100);
  });
  n.close(fd);
  h2.stop();
  h2.stop();
});

test('real-time signals: subscribed process survives and the callback sees the number', async () => {
  assert.equal(sigrtmin(), 34);
  assert.equal(sigrtmax(), 64);
  const ks = keepalivedSignals();
  assert.equal(ks.JSON, 36);
  assert.equal(ks.STATS_CLEAR, 63);
  const seen: number[] = [];
  const h1 = onSignal(36, (s) => seen.push(s));
  const h2 = onSignal(63, (s) => seen.push(s));
  try {
    process.kill(process.pid, 36);
    process.kill(process.pid, 63);
    process.kill(process.pid, 36);
    for (let i = 0; i < 500 && seen.length < 3; i++) await new Promise((r) => setTimeout(r, 2));
    assert.deepEqual(seen.sort(), [36, 36, 63]);
  } finally {
    h1.stop();
    h2.stop();
    h2.stop();
  }
  assert.throws(() => onSignal(0, () => undefined), isErr('EINVAL', 'uv_signal_start'));
});

test('setProcessName is visible in /proc/self/comm, truncated to 15 bytes', () => {
  const old = fs.readFileSync('/proc/self/comm', 'utf8').trim();
  try {
    setProcessName('Keepalived_vrrp');
    assert.equal(fs.readFileSync('/proc/self/comm', 'utf8').trim(), 'Keepalived_vrrp');
    setProcessName('Keepalived_healthcheckers');
    assert.equal(fs.readFileSync('/proc/self/comm', 'utf8').trim(), 'Keepalived_heal');
  } finally {
    setProcessName(old);
  }
});
