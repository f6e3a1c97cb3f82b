import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { defaultScriptUser, resolveIds } from '../../../src/notify/runner';

function etc(passwd: string, group: string): string {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'kats-notify-etc-'));
  fs.writeFileSync(path.join(d, 'passwd'), passwd);
  fs.writeFileSync(path.join(d, 'group'), group);
  return d;
}

test('default script user: script_user, else keepalived_script if it exists, else root', (t) => {
  const withKs = etc('root:x:0:0::/root:/bin/sh\nkeepalived_script:x:990:985::/:/sbin/nologin\n', 'root:x:0:\n');
  const without = etc('root:x:0:0::/root:/bin/sh\n', 'root:x:0:\n');
  t.after(() => [withKs, without].forEach((d) => fs.rmSync(d, { recursive: true, force: true })));
  assert.deepEqual(defaultScriptUser({ user: 'www', group: 'web' }, withKs), { user: 'www', group: 'web' });
  assert.deepEqual(defaultScriptUser(undefined, withKs), { user: 'keepalived_script' });
  assert.deepEqual(defaultScriptUser(undefined, without), { user: 'root' });
});

test('resolveIds: names and numbers, primary group by default, unknown user/group reported as keepalived', (t) => {
  const d = etc('root:x:0:0::/root:/bin/sh\nalice:x:1000:1001::/home/alice:/bin/sh\n# comment\n', 'root:x:0:\nstaff:x:50:\nalice:x:1001:\n');
  t.after(() => fs.rmSync(d, { recursive: true, force: true }));
  assert.deepEqual(resolveIds('alice', undefined, d), { uid: 1000, gid: 1001 });
  assert.deepEqual(resolveIds('alice', 'staff', d), { uid: 1000, gid: 50 });
  assert.deepEqual(resolveIds('alice', '77', d), { uid: 1000, gid: 77 });
  assert.deepEqual(resolveIds('1000', undefined, d), { uid: 1000, gid: 1001 });
  assert.deepEqual(resolveIds('4242', undefined, d), { uid: 4242, gid: 4242 });
  assert.deepEqual(resolveIds('bob', undefined, d), { error: "Script user 'bob' does not exist" });
  assert.deepEqual(resolveIds('alice', 'nogrp', d), { error: "Script group 'nogrp' does not exist" });
});
