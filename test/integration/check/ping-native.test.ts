/** PING_CHECK over the native addon's raw ICMP socket (root only). */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { nativePinger } from '../../../src/check/checkers/ping-native';
import { native, type NativeAddon } from '../../../src/sys/native';
import { withNetns } from '../../../src/sys/netns';
import { createNetns, deleteNetns, isRoot } from '../../helpers/netns';
import { never } from './util';

function addon(): NativeAddon | undefined {
  try {
    return native();
  } catch {
    return undefined;
  }
}

test('echo reply from 127.0.0.1 and ::1', async (t) => {
  const n = addon();
  if (!isRoot() || !n) return t.skip('needs root and the native addon');
  const ping = nativePinger(n);
  assert.deepEqual(await ping({ kind: 'PING_CHECK', host: '127.0.0.1', connectTimeoutMs: 1000 }, never), { code: 'OK' });
  assert.deepEqual(await ping({ kind: 'PING_CHECK', host: '::1', connectTimeoutMs: 1000 }, never), { code: 'OK' });
  assert.deepEqual(await ping({ kind: 'PING_CHECK', host: '127.0.0.1', bindto: '127.0.0.1', connectTimeoutMs: 1000 }, never), { code: 'OK' });
});

test('no reply (unanswered address on a veth in a test namespace) → PING_TIMEOUT; no route → PING_ERROR', async (t) => {
  const n = addon();
  if (!isRoot() || !n) return t.skip('needs root and the native addon');
  const ns = await createNetns('ping');
  t.after(() => deleteNetns(ns));
  // a veth pair inside the namespace; nothing answers ARP for 10.77.0.2
  await ns.exec(['ip', 'link', 'add', 'v0', 'type', 'veth', 'peer', 'name', 'v1']);
  await ns.exec(['ip', 'addr', 'add', '10.77.0.1/24', 'dev', 'v0']);
  await ns.exec(['ip', 'link', 'set', 'v0', 'up']);
  await ns.exec(['ip', 'link', 'set', 'v1', 'up']);
  const ping = nativePinger(n, { around: (fn) => withNetns(ns.name, fn) });
  const t0 = Date.now();
  assert.deepEqual(await ping({ kind: 'PING_CHECK', host: '10.77.0.2', connectTimeoutMs: 300 }, never), { code: 'PING_TIMEOUT' });
  assert.ok(Date.now() - t0 >= 250);
  assert.equal((await ping({ kind: 'PING_CHECK', host: '10.88.0.1', connectTimeoutMs: 300 }, never)).code, 'PING_ERROR');
  assert.deepEqual(await ping({ kind: 'PING_CHECK', host: '10.77.0.1', connectTimeoutMs: 1000 }, never), { code: 'OK' }, 'own address in the namespace answers');
});
