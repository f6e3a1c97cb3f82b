/**
 * The LVS samples shipped with keepalived parse to sensible ASTs (their diagnostics are
 * compared with keepalived's in keepalived-diags.test.ts). Skipped when the samples are not
 * installed.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { SAMPLES, loadLvsFile } from './helpers';
import type { Checker, HttpCheck, MiscCheck, SmtpCheck, VirtualServer } from '../../../../src/config/ast-lvs';

function sample(name: string): { vss: VirtualServer[]; cfg: ReturnType<typeof loadLvsFile>['cfg'] } {
  const { cfg } = loadLvsFile(path.join(SAMPLES, `keepalived.conf.${name}`), { scriptFound: () => true });
  return { vss: cfg.virtualServers, cfg };
}
const kinds = (cs: Checker[]) => cs.map((c) => c.kind);
const skip = !fs.existsSync(path.join(SAMPLES, 'keepalived.conf.sample')) && 'keepalived samples not installed';

test('keepalived.conf.sample: HTTP_GET virtual server with a sorry server', { skip }, () => {
  const { vss } = sample('sample');
  const vs = vss.find((v) => v.key.kind === 'ip' && v.key.ip === '10.10.10.2')!;
  assert.ok(vs.sorryServer);
  assert.equal(vs.delayLoopUs, 6_000_000);
  assert.equal(vs.persistenceTimeoutS, 50);
  const h = vs.realServers[0]!.checkers[0] as HttpCheck;
  assert.equal(h.kind, 'HTTP_GET');
  assert.ok(h.urls.length >= 1 && h.urls.every((u) => /^[0-9a-f]{32}$/.test(u.digest ?? '')));
});

test('SSL_GET / status_code / virtualhost / HTTP_GET.port samples', { skip }, () => {
  const ssl = sample('SSL_GET').vss.flatMap((v) => v.realServers.flatMap((r) => r.checkers));
  assert.ok(ssl.some((c) => c.kind === 'SSL_GET') && ssl.some((c) => c.kind === 'HTTP_GET'));
  const sc = sample('status_code').vss[0]!.realServers[0]!.checkers[0] as HttpCheck;
  assert.deepEqual(sc.urls[0]!.statusCodes, [[200, 299], [400, 499], [503, 503], [505, 505]]);
  const vh = sample('virtualhost').vss[0]!;
  assert.equal(vh.virtualhost !== undefined || vh.realServers.some((r) => r.checkers.some((c) => c.kind === 'SSL_GET' && (c.virtualhost || c.urls.some((u) => u.virtualhost)))), true);
  const port = sample('HTTP_GET.port').vss[0]!.realServers[0]!.checkers[0] as HttpCheck;
  assert.equal(port.conn.dstPort, 444);
  assert.equal(sample('inhibit').vss[0]!.realServers[0]!.inhibitOnFailure, true);
});

test('SMTP_CHECK sample: host blocks become checkers, helo names kept', { skip }, () => {
  const rss = sample('SMTP_CHECK').vss[0]!.realServers;
  const first = rss[0]!.checkers as SmtpCheck[];
  assert.deepEqual(kinds(first), ['SMTP_CHECK']);
  assert.equal(first[0]!.heloName, 'foo.bar.com');
  assert.equal(first[0]!.retry, 2);
  assert.equal(first[0]!.delayBeforeRetryUs, 5_000_000);
  const second = rss[1]!.checkers as SmtpCheck[];
  assert.deepEqual(
    second.map((c) => c.conn.dstIp),
    ['172.16.1.11', '192.168.155.10', '64.233.167.99'],
  );
  assert.ok(second.every((c) => c.fromHostBlock && c.heloName === 'foo.bar.com' && c.retry === 2));
});

test('PING_CHECK, UDP_CHECK, misc_check and misc_check_arg samples', { skip }, () => {
  assert.deepEqual(kinds(sample('PING_CHECK').vss[0]!.realServers[0]!.checkers), ['PING_CHECK']);
  assert.deepEqual(kinds(sample('UDP_CHECK').vss[0]!.realServers[0]!.checkers), ['UDP_CHECK']);
  const m = sample('misc_check').vss.flatMap((v) => v.realServers.flatMap((r) => r.checkers)).find((c) => c.kind === 'MISC_CHECK') as MiscCheck;
  assert.ok(m && m.script.argv.length >= 1 && m.retry === 0);
  const a = sample('misc_check_arg').vss[0]!.realServers[0]!.checkers[0] as MiscCheck;
  assert.deepEqual(a.script.argv, ['/usr/local/bin/script.sh', 'arg1', 'arg2']);
  assert.equal(a.timeoutUs, 6_000_000, 'misc_timeout defaults to the virtual server delay_loop');
});

test('quorum sample: alpha/omega, quorum 7, hysteresis 2, quorum scripts, wrr', { skip }, () => {
  const vs = sample('quorum').vss[0]!;
  assert.deepEqual([vs.alpha, vs.omega, vs.quorum, vs.hysteresis, vs.scheduler], [true, true, 7, 2, 'wrr']);
  assert.deepEqual(vs.quorumUp?.argv, ['/usr/local/sbin/quorum-up.sh']);
  assert.deepEqual(vs.quorumDown?.argv, ['/usr/local/sbin/quorum-down.sh']);
  assert.ok(vs.realServers.length >= 7 && vs.realServers.every((r) => r.alpha && r.port === 8080));
});

test('fwmark sample: no protocol, real servers without port, checker connect_port', { skip }, () => {
  const vs = sample('fwmark').vss[0]!;
  assert.deepEqual(vs.key, { kind: 'fwmark', fwmark: 1 });
  assert.equal(vs.protocol, undefined);
  assert.ok(vs.realServers.every((r) => r.port === 0 && r.checkers.every((c) => c.kind === 'TCP_CHECK' && c.conn.dstPort === 80)));
});

test('virtual_server_group and IPv6 samples: ranges and fwmarks', { skip }, () => {
  const g = sample('virtual_server_group');
  const vsg = g.cfg.virtualServerGroups[0]!;
  assert.ok(vsg.entries.some((e) => e.kind === 'range' && e.start === '192.168.200.3' && e.end === '192.168.200.10' && e.port === 80));
  assert.ok(vsg.entries.some((e) => e.kind === 'fwmark'));
  assert.deepEqual(g.vss[0]!.key, { kind: 'group', name: vsg.name, seq: 0 });
  const v6 = sample('IPv6');
  assert.ok(v6.cfg.virtualServerGroups[0]!.entries.some((e) => e.kind === 'range' && e.start === 'ae00::2' && e.end === 'ae00::9'));
  const vs = v6.vss[0]!;
  assert.equal(vs.family, 6);
  assert.deepEqual(kinds(vs.realServers[0]!.checkers), ['SMTP_CHECK']);
});
