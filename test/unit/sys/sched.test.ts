/**
 * src/sys/sched.ts policy with a fake port: which calls {vrrp,checker}_priority / _rt_priority /
 * _rlimit_rttime / _no_swap / _cpu_affinity / max_auto_priority lead to, in which order, on start
 * and on reload, and keepalived 2.2.7's log lines when a call fails. The values expected are the
 * ones observed on 2.2.7 (see the header of src/sys/sched.ts); the real syscalls are covered by
 * test/integration/daemon/sched.test.ts.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ProcessSched, errText, formatLateness, lockableRanges, probePeriodMs, startLatenessMonitor, type MonitorClock, type SchedPort } from '../../../src/sys/sched';

class FakePort implements SchedPort {
  calls: string[] = [];
  fail = new Set<string>();
  tids = [100, 101, 102];
  nice = 0;
  rttime: [number, number] = [-1, -1];
  hits = 0;
  private maybeFail(what: string): void {
    if (this.fail.has(what)) {
      const e = new Error(`${what} EPERM (Operation not permitted)`);
      throw e;
    }
  }
  threads(): number[] {
    return this.tids;
  }
  setRealtime(p: number): void {
    this.maybeFail('rt');
    this.calls.push(`rt ${p}`);
  }
  setNormal(): void {
    this.maybeFail('normal');
    this.calls.push('normal');
  }
  setNice(tid: number, n: number): void {
    if (tid === 100) this.maybeFail('nice');
    if (tid === 100) this.nice = n;
    this.calls.push(`nice ${tid} ${n}`);
  }
  getNice(): number {
    return this.nice;
  }
  setAffinity(tid: number, cpus: number[]): void {
    if (tid === 100) this.maybeFail('affinity');
    this.calls.push(`affinity ${tid} ${cpus.join(',')}`);
  }
  lockMemory(): void {
    this.maybeFail('lock');
    this.calls.push('lock');
  }
  unlockMemory(): void {
    this.calls.push('unlock');
  }
  getRttime(): [number, number] {
    return this.rttime;
  }
  setRttime(soft: number, hard: number): void {
    this.maybeFail('rttime');
    this.rttime = [soft, hard];
    this.calls.push(`rttime ${soft} ${hard}`);
  }
  installCpuLimitGuard(): void {
    this.calls.push('guard');
  }
  cpuLimitHits(): number {
    return this.hits;
  }
}

function setup(role: 'vrrp' | 'checker' = 'vrrp') {
  const port = new FakePort();
  const lines: string[] = [];
  const log = { info: (m: string) => lines.push(`I ${m}`), warn: (m: string) => lines.push(`W ${m}`) };
  return { port, lines, sched: new ProcessSched(port, log, role) };
}

test('rt_priority: SCHED_RR then RLIMIT_RTTIME rlimit/2 .. rlimit (default 10000), nice left alone', () => {
  const { port, lines, sched } = setup();
  sched.apply({ rtPriority: 20, priority: -5, noSwap: false });
  assert.deepEqual(port.calls, ['rt 20', 'guard', 'rttime 5000 55000']);
  assert.deepEqual(lines, []);
  const b = setup();
  b.sched.apply({ rtPriority: 30, rlimitRttimeUs: 40000, noSwap: true, cpuAffinity: [0] });
  assert.deepEqual(b.port.calls, ['rt 30', 'guard', 'rttime 20000 70000', 'lock', 'affinity 100 0', 'affinity 101 0', 'affinity 102 0']);
});

test("without the SIGXCPU guard the limits are exactly 2.2.7's", () => {
  const { port, lines, sched } = setup();
  port.installCpuLimitGuard = () => {
    throw new Error('sigaction EINVAL (Invalid argument)');
  };
  sched.apply({ rtPriority: 20, noSwap: false });
  assert.deepEqual(port.calls, ['rt 20', 'rttime 5000 10000']);
  assert.deepEqual(lines, ['W keepalived-ts: no SIGXCPU guard (Invalid argument)']);
});

test('priority without rt_priority: nice on every thread; nothing configured: no call at all', () => {
  const { port, sched } = setup();
  sched.apply({ priority: -5, noSwap: false });
  assert.deepEqual(port.calls, ['nice 100 -5', 'nice 101 -5', 'nice 102 -5']);
  const b = setup();
  b.sched.apply({ noSwap: false });
  assert.deepEqual(b.port.calls, []);
});

test('failures log 2.2.7 lines (levels as 2.2.7: warnings for the realtime and affinity ones)', () => {
  const { port, lines, sched } = setup('checker');
  port.fail = new Set(['rt', 'lock', 'affinity']);
  sched.apply({ rtPriority: 5, noSwap: true, cpuAffinity: [3] });
  assert.deepEqual(lines, [
    'W child process: cannot raise priority',
    'I Unable to lock process in memory - Operation not permitted',
    'W unable to set cpu affinity to checker process (Operation not permitted)',
  ]);
  assert.equal(sched.realtimePriority, 0);
  const b = setup();
  b.port.fail = new Set(['nice']);
  b.sched.apply({ priority: -20, noSwap: false });
  assert.deepEqual(b.lines, ['I Unable to set process priority to -20 - Operation not permitted']);
  const c = setup();
  c.port.fail = new Set(['rttime']);
  c.sched.apply({ rtPriority: 1, noSwap: false });
  assert.deepEqual(c.lines, ['W child process cannot set realtime rlimit']);
  assert.equal(c.sched.realtimePriority, 1);
});

test('reload as 2.2.7: realtime → none returns to SCHED_OTHER and sets nice; none → realtime puts nice back; no_swap dropped unlocks', () => {
  const { port, sched } = setup();
  port.rttime = [-1, -1];
  sched.apply({ rtPriority: 20, noSwap: true, cpuAffinity: [1] });
  port.calls = [];
  sched.apply({ priority: -3, noSwap: false });
  assert.deepEqual(port.calls, ['normal', 'rttime -1 -1', 'nice 100 -3', 'nice 101 -3', 'nice 102 -3', 'unlock']);
  port.calls = [];
  sched.apply({ rtPriority: 40, rlimitRttimeUs: 60000, noSwap: false, cpuAffinity: [0] });
  assert.deepEqual(port.calls, ['nice 100 0', 'nice 101 0', 'nice 102 0', 'rt 40', 'rttime 30000 80000', 'affinity 100 0', 'affinity 101 0', 'affinity 102 0']);
  port.calls = [];
  // the same settings again: the same calls (2.2.7 re-applies on every reload), no unlock (never locked)
  sched.apply({ rtPriority: 40, rlimitRttimeUs: 60000, noSwap: false });
  assert.deepEqual(port.calls, ['rt 40', 'rttime 30000 80000']);
});

test('an inherited nice value is the original one (not forced to 0 when nothing is configured)', () => {
  const port = new FakePort();
  port.nice = 5;
  const s = new ProcessSched(port, { info: () => undefined, warn: () => undefined }, 'vrrp');
  s.apply({ noSwap: false });
  assert.equal(port.calls.length, 0);
  s.apply({ priority: -2, noSwap: false });
  s.apply({ noSwap: false });
  assert.deepEqual(port.calls.filter((c) => c.startsWith('nice 100')), ['nice 100 -2', 'nice 100 5']);
});

test('timer lateness: logged over min_auto_priority_delay (default 1 s) whatever max_auto_priority says; raised only with max_auto_priority > 0', () => {
  const { port, lines, sched } = setup();
  sched.apply({ noSwap: false });
  sched.timerLate(999_000);
  assert.deepEqual(lines, []);
  sched.timerLate(2_860_192);
  assert.deepEqual(lines, ['I A thread timer expired 2.860192 seconds ago']);
  assert.deepEqual(port.calls, []);
  const m = setup();
  m.sched.apply({ noSwap: false, maxAutoPriority: -1 });
  m.sched.timerLate(3_000_000);
  assert.deepEqual(m.port.calls, []);
});

test('max_auto_priority: first delay → SCHED_RR 1 with the default RLIMIT_RTTIME, then +1 per delay up to the max', () => {
  const { port, lines, sched } = setup();
  sched.apply({ noSwap: false, maxAutoPriority: 2, minAutoPriorityDelayUs: 10_000, rlimitRttimeUs: 30000 });
  sched.timerLate(484_084);
  sched.timerLate(620_817);
  sched.timerLate(700_000);
  assert.deepEqual(lines, [
    'I A thread timer expired 0.484084 seconds ago',
    'I Set realtime priority 1',
    'I A thread timer expired 0.620817 seconds ago',
    'I Set realtime priority 2',
    'I A thread timer expired 0.700000 seconds ago',
  ]);
  assert.deepEqual(port.calls, ['rt 1', 'guard', 'rttime 15000 65000', 'rt 2']);
  // a reload that keeps auto raising keeps the raised priority (capped at the new max)
  port.calls = [];
  sched.apply({ noSwap: false, maxAutoPriority: 1 });
  assert.deepEqual(port.calls, ['rt 1', 'rttime 5000 55000']);
  port.calls = [];
  sched.apply({ noSwap: false });
  assert.deepEqual(port.calls, ['normal', 'rttime -1 -1']);
});

test('lateness under the timer jitter floor never counts, even with a 1 µs min_auto_priority_delay', () => {
  const { lines, sched } = setup();
  sched.apply({ noSwap: false, maxAutoPriority: 5, minAutoPriorityDelayUs: 1 });
  sched.timerLate(1_200);
  assert.deepEqual(lines, []);
  sched.timerLate(6_000);
  assert.equal(lines.length, 2);
});

test('SIGXCPU hits (guard demoted the thread): 2.2.7 line once per new hit and the realtime priority back', () => {
  const { port, lines, sched } = setup('checker');
  sched.apply({ rtPriority: 7, noSwap: false });
  port.calls = [];
  sched.poll();
  assert.deepEqual(port.calls, []);
  port.hits = 2;
  sched.poll();
  sched.poll();
  assert.deepEqual(lines, ['I Checker process has used too much CPU time, checker_rlimit_rttime may need to be increased']);
  assert.deepEqual(port.calls, ['rt 7']);
});

test('helpers: error text, lateness format, probe period', () => {
  assert.equal(errText(new Error('sched_setaffinity EINVAL (Invalid argument)')), 'Invalid argument');
  assert.equal(errText(new Error('plain')), 'plain');
  assert.equal(formatLateness(2_860_192), '2.860192');
  assert.equal(formatLateness(1_000), '0.001000');
  assert.equal(probePeriodMs(1_000_000), 250);
  assert.equal(probePeriodMs(100_000), 25);
  assert.equal(probePeriodMs(1), 20);
});

test('no_swap locks file-backed mappings, [heap] and [stack], never anonymous ones (V8 heap) or guard pages', () => {
  const maps = [
    '00400000-00500000 r-xp 00000000 08:01 123 /usr/bin/node',
    '00500000-00501000 ---p 00100000 08:01 123 /usr/bin/node',
    '01000000-01100000 rw-p 00000000 00:00 0 [heap]',
    '7f0000000000-7f0000100000 rw-p 00000000 00:00 0 ',
    '7f0000100000-7f0000200000 r--p 00000000 08:01 9 /usr/lib/x86_64-linux-gnu/libc.so.6',
    '7f0000200000-7f0000201000 rw-s 00000000 00:05 7 /memfd:x (deleted)',
    '7ffc00000000-7ffc00021000 rw-p 00000000 00:00 0 [stack]',
    '7ffc00100000-7ffc00102000 r-xp 00000000 00:00 0 [vdso]',
    'garbage',
  ].join('\n');
  assert.deepEqual(lockableRanges(maps), [
    { start: 0x400000, len: 0x100000 },
    { start: 0x1000000, len: 0x100000 },
    { start: 0x7f0000100000, len: 0x100000 },
    { start: 0x7ffc00000000, len: 0x21000 },
  ]);
});

test('the lateness monitor reports how late its probe ran and polls for SIGXCPU each time', () => {
  let now = 0;
  const pending: Array<{ at: number; cb: () => void; live: boolean }> = [];
  const clock: MonitorClock = {
    nowUs: () => now,
    after(ms, cb) {
      const t = { at: now + ms * 1000, cb, live: true };
      pending.push(t);
      return { cancel: () => (t.live = false) };
    },
  };
  const late: number[] = [];
  let polls = 0;
  const stop = startLatenessMonitor({ minDelayUs: 1_000_000, timerLate: (us) => late.push(us), poll: () => polls++ }, clock);
  const fire = (extraUs: number): void => {
    const t = pending.shift()!;
    now = t.at + extraUs;
    if (t.live) t.cb();
  };
  fire(0);
  fire(3_000_000);
  assert.deepEqual(late, [0, 3_000_000]);
  assert.equal(polls, 2);
  stop();
  fire(0);
  assert.equal(late.length, 2);
});
