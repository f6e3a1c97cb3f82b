/**
 * The public API of src/config: loadConfig never throws (missing file, a directory, binary
 * junk), the -t verdict of a missing -f file is 0 as in keepalived, the worker slices are plain
 * JSON data with the parts each worker needs, and the dumps show what was configured.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { checkerSlice, configTestExitCode, dumpConfigJson, dumpConfigText, formatDiagnostic, loadConfig, vrrpSlice } from '../../../../src/config/index';
import { ROOT, load } from './helpers';

test('a missing -f file: no exception, "Config files missing", verdict 0 like keepalived', () => {
  const r = loadConfig('/nonexistent/kats/keepalived.conf', { configId: 'x' });
  assert.equal(configTestExitCode(r.diagnostics), 0);
  assert.ok(r.diagnostics.some((d) => /Config files missing/.test(d.message)), r.diagnostics.map(formatDiagnostic).join('\n'));
  assert.equal(r.config.vrrpInstances.length, 0);
});

test('a directory or binary junk: diagnostics, no exception', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kats-api-'));
  try {
    assert.doesNotThrow(() => loadConfig(dir, { configId: 'x' }));
    const junk = path.join(dir, 'junk.conf');
    fs.writeFileSync(junk, Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7919) % 256)));
    const r = load(junk);
    assert.notEqual(configTestExitCode(r.diagnostics), 0);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('slices are plain JSON data with what each worker needs', () => {
  const r = load(path.join(ROOT, 'examples/lvs-dr.conf'));
  const v = vrrpSlice(r.config);
  const c = checkerSlice(r.config);
  assert.deepEqual(structuredClone(v), v);
  assert.deepEqual(JSON.parse(JSON.stringify(c)), c);
  assert.equal(v.vrrpInstances[0]?.name, 'VI_LVS');
  assert.equal(v.vrrpInstances[0]?.advertIntUs, 1_000_000);
  assert.ok(!('lvs' in v));
  assert.equal(c.lvs.virtualServers.length, 2);
  assert.ok(!('vrrpInstances' in c));
});

test('dumps: JSON round-trips, text lists configured values', () => {
  const r = load(path.join(ROOT, 'examples/unicast-peers.conf'));
  assert.deepEqual(JSON.parse(dumpConfigJson(r.config)), JSON.parse(JSON.stringify(r.config)));
  const text = dumpConfigText(r.config);
  assert.match(text, /^vrrpInstances\[0\] VI_UC$/m);
  assert.match(text, /^ {3}virtualRouterId = 90$/m);
  assert.match(text, /^ {3}srcIp = 172\.16\.0\.11$/m);
  assert.match(text, /^ {6}address = 172\.16\.0\.13$/m);
});

test('defaults are explicit: priority 100, advert 1 s, garp timings from global_defs', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kats-api-'));
  try {
    const f = path.join(dir, 'k.conf');
    fs.writeFileSync(f, 'global_defs {\n vrrp_garp_master_delay 9\n}\nvrrp_instance A {\n interface eth0\n virtual_router_id 1\n virtual_ipaddress {\n  10.0.0.1\n }\n}\nvrrp_instance B {\n state MASTER\n interface eth0\n virtual_router_id 2\n virtual_ipaddress {\n  10.0.0.2\n }\n}\n');
    const r = load(f);
    const [a, b] = r.config.vrrpInstances;
    assert.equal(a?.priority, 100);
    assert.equal(a?.advertIntUs, 1_000_000);
    assert.equal(a?.garpMasterDelayS, 9);
    assert.equal(a?.garpMasterRepeat, 5);
    assert.equal(a?.version, 2);
    assert.equal(a?.virtualIpaddresses[0]?.prefixLen, 32);
    // keepalived: state MASTER without a priority makes the instance the address owner
    assert.equal(b?.priority, 255);
    assert.equal(configTestExitCode(r.diagnostics), 0);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('insecure scripts (world-writable): disabled with enable_script_security, else "There are insecure scripts."', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kats-api-'));
  try {
    fs.chmodSync(dir, 0o755);
    const script = path.join(dir, 'check.sh');
    fs.writeFileSync(script, '#!/bin/sh\nexit 0\n');
    fs.chmodSync(script, 0o777);
    const body = `vrrp_script s {\n script ${script}\n}\nvrrp_instance A {\n interface eth0\n virtual_router_id 13\n track_script {\n  s\n }\n virtual_ipaddress {\n  10.0.0.1\n }\n}\n`;
    const secured = path.join(dir, 'secured.conf');
    fs.writeFileSync(secured, `global_defs {\n enable_script_security\n script_user root\n}\n${body}`);
    const plain = path.join(dir, 'plain.conf');
    fs.writeFileSync(plain, body);
    const opts = { configId: 'x', interfaces: new Set(['eth0']), userExists: () => true };
    const a = loadConfig(secured, opts);
    assert.ok(a.diagnostics.some((d) => d.message === 'Disabling track script s due to insecure'));
    assert.equal(a.config.vrrpScripts.length, 0);
    assert.equal(a.config.vrrpInstances[0]?.trackScripts.length, 0);
    assert.equal(configTestExitCode(a.diagnostics), 5);
    const b = loadConfig(plain, opts);
    assert.ok(b.diagnostics.some((d) => d.message.endsWith('not enabled. There are insecure scripts.')));
    assert.equal(configTestExitCode(b.diagnostics), 6);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
