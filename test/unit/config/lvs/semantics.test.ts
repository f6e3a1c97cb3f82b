/**
 * Defaults, inheritance and semantic checks of the LVS tables, asserted field by field
 * (independently of the golden files), plus the value readers and identity strings.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadLvsText, keepalivedLines, show } from './helpers';
import type { Checker, HttpCheck, MiscCheck, DnsCheck, UdpCheck, SmtpCheck, RealServer, VirtualServer } from '../../../../src/config/ast-lvs';
import { formatVs, formatRs, formatVsgEntry, formatChecker, validateLvs } from '../../../../src/config/ast-lvs';
import { readHexStr, kaTimerUs, kaUnsigned, splitCommand } from '../../../../src/config/keywords/lvs-values';
import { DiagnosticSink } from '../../../../src/config/diagnostics';
import type { Token } from '../../../../src/config/types';

const tok = (text: string): Token => ({ text, quoted: false, file: 'f', line: 1, col: 1 });

function vsOf(text: string, opts = {}): { vs: VirtualServer; lines: string[]; all: string[] } {
  const r = loadLvsText(text, opts);
  assert.equal(r.cfg.virtualServers.length, 1, `expected one VS; diagnostics: ${r.diags.map(show).join(' | ')}`);
  return { vs: r.cfg.virtualServers[0]!, lines: keepalivedLines(r.diags), all: r.diags.map(show) };
}

function chk<K extends Checker['kind']>(rs: RealServer, kind: K, i = 0): Extract<Checker, { kind: K }> {
  const c = rs.checkers.filter((x) => x.kind === kind)[i];
  assert.ok(c, `no ${kind}[${i}]`);
  return c as Extract<Checker, { kind: K }>;
}

const HEAD = 'virtual_server 10.0.0.1 80 {\n lb_algo rr\n lb_kind NAT\n protocol TCP\n';

test('virtual server defaults are keepalived\'s', () => {
  const { vs, lines } = vsOf(`${HEAD} real_server 10.0.0.2 80 {\n }\n}\n`);
  assert.deepEqual(lines, []);
  assert.equal(vs.delayLoopUs, 60_000_000);
  assert.equal(vs.connectTimeoutUs, 5_000_000);
  assert.equal(vs.quorum, 1);
  assert.equal(vs.hysteresis, 0);
  assert.equal(vs.weight, 1);
  assert.equal(vs.persistenceTimeoutS, 0);
  assert.equal(vs.smtpAlert, false);
  const rs = vs.realServers[0]!;
  assert.equal(rs.weight, 1);
  assert.equal(rs.smtpAlert, true, 'real servers default to smtp_alert on (keepalived compatibility)');
  assert.equal(rs.retry, undefined);
});

test('missing lb_algo / lb_kind / protocol are defaulted with keepalived\'s messages', () => {
  const { vs, lines } = vsOf('virtual_server 10.0.0.1 80 {\n real_server 10.0.0.2 80 {\n }\n}\n');
  assert.equal(vs.scheduler, 'wlc');
  assert.equal(vs.forwarding.method, 'NAT');
  assert.equal(vs.protocol, 'UDP');
  assert.deepEqual(lines, [
    'Virtual server [10.0.0.1]:none:80: no protocol set - defaulting to UDP',
    "Virtual server [10.0.0.1]:udp:80: no scheduler set, setting default 'wlc'",
    'Virtual server [10.0.0.1]:udp:80: no forwarding method set, setting default NAT',
  ]);
});

test('checker defaults per kind', () => {
  const { vs } = vsOf(
    `${HEAD} delay_loop 20\n real_server 10.0.0.2 80 {\n TCP_CHECK {\n }\n HTTP_GET {\n url {\n path /\n }\n }\n SSL_GET {\n url {\n path /\n }\n }\n` +
      ` DNS_CHECK {\n }\n MISC_CHECK {\n misc_path /bin/x\n }\n UDP_CHECK {\n }\n SMTP_CHECK {\n }\n PING_CHECK {\n }\n }\n}\n`,
    { scriptFound: () => true },
  );
  const rs = vs.realServers[0]!;
  const tcp = chk(rs, 'TCP_CHECK');
  assert.deepEqual([tcp.retry, tcp.delayBeforeRetryUs, tcp.warmupUs, tcp.delayLoopUs, tcp.conn.connectTimeoutUs], [1, 1_000_000, 20_000_000, 20_000_000, 5_000_000]);
  for (const k of ['HTTP_GET', 'SSL_GET'] as const) {
    const h = chk(rs, k) as HttpCheck;
    assert.equal(h.retry, 1);
    assert.equal(h.delayBeforeRetryUs, 3_000_000);
    assert.equal(h.httpProtocol, '1.0');
    assert.deepEqual(h.urls[0]!.statusCodes, [[200, 299]]);
  }
  const dns = chk(rs, 'DNS_CHECK') as DnsCheck;
  assert.deepEqual([dns.retry, dns.delayBeforeRetryUs, dns.type, dns.name], [3, 20_000_000, 'SOA', '.']);
  const misc = chk(rs, 'MISC_CHECK') as MiscCheck;
  assert.deepEqual([misc.retry, misc.timeoutUs, misc.dynamic], [0, 20_000_000, false]);
  const udp = chk(rs, 'UDP_CHECK') as UdpCheck;
  assert.deepEqual([udp.minReplyLength, udp.maxReplyLength, udp.requireReply], [0, 255, false]);
  assert.equal((chk(rs, 'SMTP_CHECK') as SmtpCheck).heloName, 'smtpchecker.keepalived.org');
  assert.equal(chk(rs, 'PING_CHECK').retry, 1);
});

test('inheritance checker <- real server <- virtual server, independent of keyword order', () => {
  const { vs } = vsOf(
    `${HEAD} real_server 10.0.0.2 80 {\n TCP_CHECK {\n }\n TCP_CHECK {\n retry 7\n delay_loop 3\n }\n retry 5\n }\n` +
      ` real_server 10.0.0.3 80 {\n alpha\n TCP_CHECK {\n }\n }\n retry 2\n delay_before_retry 9\n warmup 0\n connect_timeout 2\n delay_loop 30\n alpha\n}\n`,
  );
  const [rs2, rs3] = vs.realServers as [RealServer, RealServer];
  const a = chk(rs2, 'TCP_CHECK', 0);
  assert.deepEqual([a.retry, a.delayBeforeRetryUs, a.warmupUs, a.delayLoopUs, a.conn.connectTimeoutUs, a.alpha], [5, 9_000_000, 0, 30_000_000, 2_000_000, true]);
  const b = chk(rs2, 'TCP_CHECK', 1);
  assert.deepEqual([b.retry, b.delayLoopUs], [7, 3_000_000]);
  const c = chk(rs3, 'TCP_CHECK');
  assert.deepEqual([c.retry, c.alpha], [2, true]);
  assert.equal(rs2.delayLoopUs, 30_000_000, 'VS delay_loop given after the real_server still applies');
});

test('MISC_CHECK timeout defaults to the virtual server delay_loop, not the real server one', () => {
  const { vs } = vsOf(`${HEAD} delay_loop 11\n real_server 10.0.0.2 80 {\n delay_loop 4\n MISC_CHECK {\n misc_path "/bin/check a b"\n }\n }\n}\n`, { scriptFound: () => true });
  const m = chk(vs.realServers[0]!, 'MISC_CHECK') as MiscCheck;
  assert.equal(m.timeoutUs, 11_000_000);
  assert.equal(m.delayLoopUs, 4_000_000);
  assert.deepEqual(m.script.argv, ['/bin/check', 'a', 'b']);
});

test('real server port: NAT takes the VS port; fwmark DR clears it; DR mismatch is reset', () => {
  const r = loadLvsText(
    `${HEAD} real_server 10.0.0.2 {\n }\n}\nvirtual_server fwmark 3 {\n lb_algo rr\n lb_kind DR\n real_server 10.0.0.2 81 {\n }\n}\n` +
      'virtual_server 10.0.0.1 90 {\n lb_algo rr\n lb_kind DR\n protocol TCP\n real_server 10.0.0.2 91 {\n }\n}\n',
  );
  const [a, b, c] = r.cfg.virtualServers as [VirtualServer, VirtualServer, VirtualServer];
  assert.equal(a.realServers[0]!.port, 80);
  assert.equal(b.realServers[0]!.port, 0);
  assert.equal(c.realServers[0]!.port, 90);
  assert.deepEqual(keepalivedLines(r.diags), [
    'WARNING - fwmark virtual server FWM 3, real server [10.0.0.2]:none:81 has port specified - clearing',
    'WARNING - virtual server [10.0.0.1]:tcp:90 and real server [10.0.0.2]:tcp:91 ports don\'t match - resetting',
  ]);
});

test('quorum above the sum of weights is reduced, hysteresis follows', () => {
  const { vs, lines } = vsOf(`${HEAD} quorum 10\n hysteresis 4\n real_server 10.0.0.2 80 {\n weight 3\n }\n real_server 10.0.0.3 80 {\n }\n}\n`);
  assert.equal(vs.quorum, 4);
  assert.equal(vs.hysteresis, 3);
  assert.deepEqual(lines, [
    'Warning - quorum 10 for [10.0.0.1]:tcp:80 exceeds total weight of real servers 4, reducing quorum to 4',
    'Virtual server [10.0.0.1]:tcp:80: hysteresis 4 >= quorum 4; setting hysteresis to 3',
  ]);
});

test('a virtual server naming a missing group is dropped (keepalived ignores it when linking)', () => {
  const r = loadLvsText('virtual_server group NOPE {\n lb_algo rr\n real_server 10.0.0.2 80 {\n }\n}\n');
  assert.equal(r.cfg.virtualServers.length, 0);
  assert.deepEqual(keepalivedLines(r.diags), []);
  assert.ok(r.diags.some((d) => d.severity === 'warning' && d.message === 'Virtual server group NOPE specified but not configured - ignoring virtual server [NOPE]:0'));
});

test('script security: found scripts without enable_script_security are a security verdict', () => {
  const text = `${HEAD} quorum_up /bin/up.sh\n real_server 10.0.0.2 80 {\n MISC_CHECK {\n misc_path /bin/chk.sh\n }\n }\n}\n`;
  const sec = (d: { severity: string }) => d.severity === 'security';
  assert.ok(loadLvsText(text, { scriptFound: () => true }).diags.some(sec));
  const missing = loadLvsText(text, { scriptFound: () => false });
  assert.ok(!missing.diags.some(sec));
  assert.equal(missing.cfg.virtualServers[0]!.realServers[0]!.checkers.length, 0, 'MISC_CHECK with a missing script is dropped');
  assert.ok(!loadLvsText(`global_defs {\n enable_script_security\n}\n${text}`, { scriptFound: () => true }).diags.some(sec));
});

test('FILE_CHECK / BFD_CHECK need their track_file / bfd_instance', () => {
  const text = `${HEAD} real_server 10.0.0.2 80 {\n FILE_CHECK {\n track_file TF\n }\n BFD_CHECK {\n name B\n }\n }\n}\n`;
  const bad = loadLvsText(text);
  assert.deepEqual(keepalivedLines(bad.diags), [
    '(keepalived.conf: Line 7) track_file TF not found',
    '(keepalived.conf: Line 8) FILE_CHECK has no track_file specified - ignoring',
    '(keepalived.conf: Line 10) ([10.0.0.2]:tcp:80) BFD_CHECK - BFD B not configured',
  ]);
  assert.equal(bad.cfg.virtualServers[0]!.realServers[0]!.checkers.length, 0);
  const good = loadLvsText(`track_file TF {\n file /x\n}\nbfd_instance B {\n neighbor_ip 10.0.0.2\n}\n${text}`);
  assert.deepEqual(keepalivedLines(good.diags), []);
  assert.deepEqual(good.cfg.virtualServers[0]!.realServers[0]!.checkers.map((c) => c.kind), ['FILE_CHECK', 'BFD_CHECK']);
});

test('FILE_CHECK weight: noreverse accepted; an unknown option drops the line; no weight = 0 (the track_file\'s is taken by loadConfig)', () => {
  const tf = 'track_file TF {\n file /x\n}\n';
  const one = (w: string): { c: Extract<Checker, { kind: 'FILE_CHECK' }>; lines: string[] } => {
    const { vs, lines } = vsOf(`${tf}${HEAD} real_server 10.0.0.2 80 {\n FILE_CHECK {\n track_file TF\n${w} }\n }\n}\n`);
    return { c: chk(vs.realServers[0]!, 'FILE_CHECK'), lines };
  };
  let r = one(' weight 2 noreverse\n');
  assert.deepEqual(r.lines, []);
  assert.deepEqual([r.c.weight, r.c.reverse], [2, false]);
  r = one(' weight -3 reverse\n');
  assert.deepEqual([r.c.weight, r.c.reverse], [-3, true]);
  r = one(' weight 5 bogus\n');
  assert.deepEqual(r.lines, ['(keepalived.conf: Line 11) unknown track file weight option bogus - ignoring']);
  assert.deepEqual([r.c.weight, r.c.reverse], [0, false]);
  r = one('');
  assert.deepEqual([r.c.weight, r.c.reverse], [0, false]);
});

test('SMTP_CHECK host blocks become one checker each', () => {
  const { vs } = vsOf(`${HEAD} real_server 10.0.0.2 25 {\n SMTP_CHECK {\n helo_name h\n host {\n connect_ip 10.0.0.5\n }\n host {\n connect_ip 10.0.0.6\n connect_port 26\n }\n }\n }\n}\n`);
  const smtp = vs.realServers[0]!.checkers as SmtpCheck[];
  assert.deepEqual(
    smtp.map((c) => [c.conn.dstIp, c.conn.dstPort, c.heloName, c.fromHostBlock]),
    [
      ['10.0.0.5', 25, 'h', true],
      ['10.0.0.6', 26, 'h', true],
    ],
  );
});

test('identity strings as keepalived prints them', () => {
  const r = loadLvsText(
    'virtual_server_group G {\n 10.0.1.1-10 80\n fwmark 7 inet\n ae00::2-9 80\n}\n' +
      `${HEAD} real_server 10.0.0.2 81 {\n }\n}\nvirtual_server fwmark 5 {\n lb_algo rr\n lb_kind NAT\n real_server 10.0.0.2 {\n }\n}\n` +
      'virtual_server 2001:db8::1 443 {\n lb_algo rr\n lb_kind NAT\n protocol UDP\n real_server 2001:db8::2 443 {\n TCP_CHECK {\n connect_port 80\n }\n }\n}\n',
  );
  const [a, b, c] = r.cfg.virtualServers as [VirtualServer, VirtualServer, VirtualServer];
  assert.equal(formatVs(a), '[10.0.0.1]:tcp:80');
  assert.equal(formatRs(a.realServers[0]!, a), '[10.0.0.2]:tcp:81');
  assert.equal(formatVs(b), 'FWM 5');
  assert.equal(formatVs(c), '[2001:db8::1]:udp:443');
  assert.equal(formatChecker(c.realServers[0]!.checkers[0]!, c.realServers[0]!, c), '[2001:db8::2]:udp:80');
  assert.equal(formatVs({ key: { kind: 'group', name: 'G', seq: 0 } }), '[G]:0');
  assert.equal(formatVs({ key: { kind: 'group', name: 'G', seq: 2 } }), '[G]:2');
  const g = r.cfg.virtualServerGroups[0]!;
  assert.deepEqual(g.entries.map(formatVsgEntry), ['10.0.1.1-10.0.1.10,80', 'FWM 7', 'ae00::2-ae00::9,80']);
});

test('read_hex_str quirks (spaces, lone nibbles, x wildcards, trailing 0xff rejected)', () => {
  assert.deepEqual(readHexStr('0102 0304', false), { data: '01020304' });
  assert.deepEqual(readHexStr('1 2', false), { data: '0102' });
  assert.deepEqual(readHexStr('fff', false), { data: 'ff0f' });
  assert.equal(readHexStr('ff', false), undefined);
  assert.equal(readHexStr('00 ff', false), undefined);
  assert.equal(readHexStr('0x01', false), undefined);
  assert.deepEqual(readHexStr('0x01', true), { data: '0001', mask: '0f00' });
  assert.deepEqual(readHexStr('01xX02', true), { data: '010002', mask: '00ff00' });
  assert.equal(readHexStr('', false), undefined);
  assert.equal(readHexStr('zz', true), undefined);
});

test('number and timer readers print keepalived\'s generic messages', () => {
  const sink = new DiagnosticSink();
  assert.equal(kaUnsigned(tok('x'), 0, 10, sink), undefined);
  assert.equal(kaUnsigned(tok('-1'), 0, 10, sink), undefined);
  assert.equal(kaUnsigned(tok('11'), 0, 10, sink), undefined);
  assert.equal(kaUnsigned(tok('99999999999'), 0, 4294967295, sink), undefined);
  assert.equal(kaUnsigned(tok('7'), 0, 10, sink), 7);
  assert.equal(kaTimerUs(tok('0'), 1, undefined, sink), undefined);
  assert.equal(kaTimerUs(tok('0'), 1, 4294967295, sink), undefined);
  assert.equal(kaTimerUs(tok('1.5'), 1, undefined, sink), 1_500_000);
  assert.equal(kaTimerUs(tok('.25'), 0, undefined, sink), 250_000);
  assert.deepEqual(
    sink.items.map((d) => d.message),
    [
      "invalid number 'x'",
      "negative number '-1'",
      "number '11' outside range [0, 10]",
      "number '99999999999' outside unsigned integer range",
      "number '0' outside range [0.000001, 18446744073709.551614]",
      "number '0' outside range [0.000001, 4294.967295]",
    ],
  );
  assert.deepEqual(splitCommand(`/bin/x 'a b' "c d" e\\ f`), ['/bin/x', 'a b', 'c d', 'e f']);
});

test('status codes: ranges merged, bad ones reported one by one', () => {
  const r = loadLvsText(`${HEAD} real_server 10.0.0.2 80 {\n HTTP_GET {\n url {\n path /\n status_code 204 200-201 99 202-203 300-299 1000\n }\n }\n }\n}\n`);
  const h = chk(r.cfg.virtualServers[0]!.realServers[0]!, 'HTTP_GET') as HttpCheck;
  assert.deepEqual(h.urls[0]!.statusCodes, [[200, 204]]);
  assert.deepEqual(keepalivedLines(r.diags), [
    "(keepalived.conf: Line 9) Invalid HTTP_GET status code '99'",
    "(keepalived.conf: Line 9) Invalid HTTP_GET status code '300-299'",
    "(keepalived.conf: Line 9) Invalid HTTP_GET status code '1000'",
  ]);
});

test('validateLvs is idempotent: a second run changes nothing and reports nothing new', () => {
  const r = loadLvsText(
    `global_defs {\n smtp_alert_checker on\n}\n${HEAD} alpha\n smtp_alert off\n real_server 10.0.0.2 80 {\n alpha off\n smtp_alert off\n TCP_CHECK {\n retry 4\n }\n }\n}\n`,
    { scriptFound: () => true },
  );
  const before = JSON.stringify(r.cfg);
  const vs = r.cfg.virtualServers[0]!;
  assert.deepEqual([vs.smtpAlert, vs.realServers[0]!.alpha, vs.realServers[0]!.smtpAlert], [false, false, false]);
  const sink = new DiagnosticSink();
  validateLvs(r.cfg, r.global, sink);
  assert.equal(JSON.stringify(r.cfg), before);
  assert.deepEqual(sink.items, []);
});

test('global smtp_alert_checker is the default for virtual and real servers', () => {
  const { vs } = vsOf(`global_defs {\n smtp_alert_checker on\n}\n${HEAD} real_server 10.0.0.2 80 {\n }\n}\n`);
  assert.equal(vs.smtpAlert, true);
  assert.equal(vs.realServers[0]!.smtpAlert, true);
  const off = vsOf(`global_defs {\n smtp_alert off\n}\n${HEAD} real_server 10.0.0.2 80 {\n }\n}\n`).vs;
  assert.deepEqual([off.smtpAlert, off.realServers[0]!.smtpAlert], [false, false]);
});
