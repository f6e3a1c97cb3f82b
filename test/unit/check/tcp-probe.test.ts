/**
 * TCP_CHECK over an injected connect probe (the port tcp.ts setConnectProbe installs; the
 * native one is src/sys/checksock.ts nativeConnectProbe): the result codes and details are
 * conn.ts codeOfError's, the probe's socket is cancelled exactly once on timeout and abort
 * and never after it reported, and a report after a cancel is ignored.
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { run, setConnectProbe, type ConnectProbe } from '../../../src/check/checkers/tcp';
import type { TcpTarget } from '../../../src/check/types';

const target: TcpTarget = { kind: 'TCP_CHECK', host: '10.0.0.5', port: 80, connectTimeoutMs: 20, fwmark: 7, bindIf: 'eth1' };
const never = new AbortController().signal;

interface Call {
  co: Parameters<ConnectProbe>[0];
  done: (err: string | null) => void;
  cancels: number;
}

function fakeProbe(behaviour: (c: Call) => void = () => undefined): { calls: Call[] } {
  const calls: Call[] = [];
  setConnectProbe((co, done) => {
    const c: Call = { co, done, cancels: 0 };
    calls.push(c);
    behaviour(c);
    return { cancel: () => void c.cancels++ };
  });
  return { calls };
}

test('connected: OK; the probe gets the target (fwmark, bind_if…) and is not cancelled', async (t) => {
  t.after(() => setConnectProbe(undefined));
  const { calls } = fakeProbe((c) => setImmediate(() => c.done(null)));
  assert.deepEqual(await run(target, never), { code: 'OK' });
  assert.equal(calls.length, 1);
  assert.equal(calls[0]!.co, target);
  assert.equal(calls[0]!.cancels, 0);
});

test('errno names map as codeOfError does', async (t) => {
  t.after(() => setConnectProbe(undefined));
  const cases: [string, string][] = [
    ['ECONNREFUSED', 'CONNECT_REFUSED'],
    ['ENETUNREACH', 'NET_UNREACHABLE'],
    ['EHOSTUNREACH', 'NET_UNREACHABLE'],
    ['ETIMEDOUT', 'CONNECT_TIMEOUT'],
    ['ECONNRESET', 'CONNECT_ERROR'],
    ['EACCES', 'CONNECT_ERROR'],
  ];
  for (const [errno, code] of cases) {
    const { calls } = fakeProbe((c) => setImmediate(() => c.done(errno)));
    assert.deepEqual(await run(target, never), { code, detail: errno }, errno);
    assert.equal(calls[0]!.cancels, 0);
  }
});

test('a probe that throws: mapped by its code (ENETUNREACH at connect, ENODEV from bind_if)', async (t) => {
  t.after(() => setConnectProbe(undefined));
  setConnectProbe(() => {
    throw Object.assign(new Error('connect'), { code: 'ENETUNREACH' });
  });
  assert.deepEqual(await run(target, never), { code: 'NET_UNREACHABLE', detail: 'ENETUNREACH' });
  setConnectProbe(() => {
    throw Object.assign(new Error('setsockopt'), { code: 'ENODEV' });
  });
  assert.deepEqual(await run(target, never), { code: 'CONNECT_ERROR', detail: 'ENODEV' });
  setConnectProbe(() => {
    throw new Error('bindto x: not an IPv4 address');
  });
  assert.deepEqual(await run(target, never), { code: 'CONNECT_ERROR', detail: 'bindto x: not an IPv4 address' });
});

test('connect_timeout: cancelled once, CONNECT_TIMEOUT; a late report is ignored', async (t) => {
  t.after(() => setConnectProbe(undefined));
  const { calls } = fakeProbe();
  assert.deepEqual(await run(target, never), { code: 'CONNECT_TIMEOUT', detail: 'timeout' });
  assert.equal(calls[0]!.cancels, 1);
  calls[0]!.done(null); // must not throw or resolve anything again
  assert.equal(calls[0]!.cancels, 1);
});

test('abort mid-connect: cancelled once, ABORTED; already aborted: the probe is not started', async (t) => {
  t.after(() => setConnectProbe(undefined));
  const { calls } = fakeProbe();
  const ac = new AbortController();
  const p = run({ ...target, connectTimeoutMs: 60_000 }, ac.signal);
  ac.abort();
  assert.deepEqual(await p, { code: 'ABORTED', detail: 'aborted' });
  assert.equal(calls.length, 1);
  assert.equal(calls[0]!.cancels, 1);
  assert.deepEqual(await run(target, ac.signal), { code: 'ABORTED', detail: 'aborted' });
  assert.equal(calls.length, 1);
});

test('after a report no timer or abort listener is left: a later abort cancels nothing', async (t) => {
  t.after(() => setConnectProbe(undefined));
  const { calls } = fakeProbe((c) => setImmediate(() => c.done('ECONNREFUSED')));
  const ac = new AbortController();
  let listeners = 0;
  const add = ac.signal.addEventListener.bind(ac.signal);
  const remove = ac.signal.removeEventListener.bind(ac.signal);
  ac.signal.addEventListener = ((...a: Parameters<typeof add>) => (listeners++, add(...a))) as typeof add;
  ac.signal.removeEventListener = ((...a: Parameters<typeof remove>) => (listeners--, remove(...a))) as typeof remove;
  assert.equal((await run({ ...target, connectTimeoutMs: 30 }, ac.signal)).code, 'CONNECT_REFUSED');
  assert.equal(listeners, 0);
  ac.abort();
  await new Promise((r) => setTimeout(r, 60)); // past connect_timeout: the timer must be gone
  assert.equal(calls[0]!.cancels, 0);
});
