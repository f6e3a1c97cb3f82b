/** PING_CHECK (spawned ping adapter) and FILE_CHECK. */
import { test, after } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as ping from '../../../src/check/checkers/ping';
import * as file from '../../../src/check/checkers/file';
import { never, tmpDir } from './util';

const dir = tmpDir('pingfile');
after(() => fs.rmSync(dir, { recursive: true, force: true }));

test('ping 127.0.0.1 succeeds', async (t) => {
  const r = await ping.run({ kind: 'PING_CHECK', host: '127.0.0.1', connectTimeoutMs: 1000 }, never);
  if (r.code === 'PING_ERROR') return t.skip(`ping unusable here: ${r.detail ?? ''}`);
  assert.equal(r.code, 'OK');
});

test('ping exit status mapping (1 = no reply, other = error) with a stand-in ping in PATH', async () => {
  const bin = path.join(dir, 'bin');
  fs.mkdirSync(bin, { recursive: true });
  const oldPath = process.env.PATH;
  try {
    process.env.PATH = `${bin}:${oldPath ?? ''}`;
    fs.writeFileSync(path.join(bin, 'ping'), '#!/bin/sh\nexit 1\n', { mode: 0o755 });
    assert.equal((await ping.run({ kind: 'PING_CHECK', host: '127.0.0.1', connectTimeoutMs: 100 }, never)).code, 'PING_TIMEOUT');
    fs.writeFileSync(path.join(bin, 'ping'), '#!/bin/sh\nexit 2\n', { mode: 0o755 });
    assert.equal((await ping.run({ kind: 'PING_CHECK', host: '127.0.0.1', connectTimeoutMs: 100 }, never)).code, 'PING_ERROR');
    fs.writeFileSync(path.join(bin, 'ping'), `#!/bin/sh\necho "$@" > ${path.join(dir, 'ping.args')}\nexit 0\n`, { mode: 0o755 });
    assert.equal((await ping.run({ kind: 'PING_CHECK', host: '::1', bindto: '::1', connectTimeoutMs: 2500 }, never)).code, 'OK');
    assert.equal(fs.readFileSync(path.join(dir, 'ping.args'), 'utf8'), '-6 -n -q -c 1 -W 2.500 -I ::1 ::1\n');
    assert.equal((await ping.run({ kind: 'PING_CHECK', host: '127.0.0.9', connectTimeoutMs: 3000 }, never)).code, 'OK');
    assert.equal(fs.readFileSync(path.join(dir, 'ping.args'), 'utf8'), '-4 -n -q -c 1 -W 3 127.0.0.9\n');
  } finally {
    process.env.PATH = oldPath;
  }
});

test('FILE_CHECK reads the track file each run', async () => {
  const f = path.join(dir, 'track');
  const t = { kind: 'FILE_CHECK' as const, path: f, weight: 0, reverse: false };
  assert.equal((await file.run(t, never)).code, 'OK', 'missing file reads as 0');
  fs.writeFileSync(f, '1\n');
  assert.equal((await file.run(t, never)).code, 'FILE_DOWN');
  fs.writeFileSync(f, '0\n');
  assert.equal((await file.run(t, never)).code, 'OK');
  fs.writeFileSync(f, '-5\n');
  assert.deepEqual(await file.run({ ...t, weight: 10 }, never), { code: 'OK', weight: -50 });
});
