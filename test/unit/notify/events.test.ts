import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkNotifyEvent } from '../../../src/notify/events';

test('valid events pass and come back as fresh objects without extra fields', () => {
  const good: unknown[] = [
    { kind: 'instance', name: 'VI_1', state: 'MASTER', priority: 100 },
    { kind: 'instance', name: 'VI_1', state: 'DELETED', priority: 0 },
    { kind: 'group', name: 'G1', state: 'STOP' },
    { kind: 'master-rx-lower-pri', name: 'VI_1', priority: 50, src: '10.0.0.2' },
    { kind: 'priority', name: 'VI_1', state: 'MASTER', from: 100, to: 90 },
    { kind: 'rs', vs: '[10.0.0.1]:tcp:80', rs: '[192.168.1.2]:tcp:80', up: true },
    { kind: 'quorum', vs: 'FWM 5', up: false },
    { kind: 'rs-alert', vs: '[10.0.0.1]:tcp:80', rs: '[192.168.1.2]:tcp:80', checker: 'HTTP_GET', up: false, body: '=> CHECK failed on service : HTTP request failed <=' },
  ];
  for (const g of good) {
    const r = checkNotifyEvent({ ...(g as object), script: { argv: ['/bin/evil'] } });
    assert.equal(r.ok, true, JSON.stringify(g));
    if (r.ok) assert.deepEqual(r.event, g);
  }
});

test('malformed events are rejected with a reason, never thrown', () => {
  const bad: unknown[] = [
    null,
    42,
    'x',
    [],
    {},
    { kind: 'nope' },
    { kind: 'instance', name: 'VI_1', state: 'MASTERX', priority: 100 },
    { kind: 'instance', name: 'VI_1', state: 'MASTER', priority: 256 },
    { kind: 'instance', name: 'VI_1', state: 'MASTER', priority: 1.5 },
    { kind: 'instance', name: 'VI_1', state: 'MASTER' },
    { kind: 'instance', name: '', state: 'MASTER', priority: 1 },
    { kind: 'instance', name: 'a"b', state: 'MASTER', priority: 1 },
    { kind: 'instance', name: 'a\nINSTANCE "X" MASTER 1', state: 'MASTER', priority: 1 },
    { kind: 'instance', name: 'x'.repeat(300), state: 'MASTER', priority: 1 },
    { kind: 'group', name: 'G', state: 'DELETED' },
    { kind: 'group', name: 7, state: 'MASTER' },
    { kind: 'master-rx-lower-pri', name: 'VI_1', priority: 50 },
    { kind: 'priority', name: 'VI_1', state: 'MASTER', from: 100 },
    { kind: 'rs', vs: '[10.0.0.1]:tcp:80', rs: '[1.1.1.1]:tcp:80', up: 'yes' },
    { kind: 'rs', vs: '[10.0.0.1]:tcp:80', up: true },
    { kind: 'quorum', vs: '', up: true },
    { kind: 'rs-alert', vs: '[10.0.0.1]:tcp:80', rs: '[1.1.1.1]:tcp:80', checker: 'TCP_CHECK', up: true, body: 'x\nSubject: injected' },
    { kind: 'rs-alert', vs: '[10.0.0.1]:tcp:80', rs: '[1.1.1.1]:tcp:80', checker: 'tcp; rm -rf', up: true, body: 'ok' },
    { kind: 'rs-alert', vs: '[10.0.0.1]:tcp:80', rs: '[1.1.1.1]:tcp:80', checker: 'TCP_CHECK', up: true },
  ];
  for (const b of bad) {
    const r = checkNotifyEvent(b);
    assert.equal(r.ok, false, JSON.stringify(b));
    if (!r.ok) assert.ok(r.reason.length > 0);
  }
});

test('IPC: decodeWorkerMessage accepts a notify message only with a valid event', async () => {
  const { decodeWorkerMessage } = await import('../../../src/ipc/messages');
  const ok = decodeWorkerMessage({ type: 'notify', event: { kind: 'group', name: 'G1', state: 'BACKUP' } });
  assert.deepEqual(ok, { ok: true, msg: { type: 'notify', event: { kind: 'group', name: 'G1', state: 'BACKUP' } } });
  const bad = decodeWorkerMessage({ type: 'notify', event: { kind: 'group', name: 'G1', state: 'DELETED' } });
  assert.deepEqual(bad, { ok: false, reason: 'notify: bad group state' });
  assert.equal(decodeWorkerMessage({ type: 'notify' }).ok, false);
});
