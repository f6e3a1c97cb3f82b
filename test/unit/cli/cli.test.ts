/**
 * The command line against keepalived 2.2.7's getopt_long table and messages
 * (observed with the installed /usr/sbin/keepalived: `Unknown option --bogus` rc 1,
 * `Missing parameter for option -f` rc 1, `Invalid log facility '9'` and carry on, …).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_CONF_FILE, OPTION_SPECS, normalise, parseCommandLine, parseFacility, parseUmask, usage, type Options } from '../../../src/cli';

function ok(args: string[]): { options: Options; warnings: string[] } {
  const r = parseCommandLine(args);
  assert.equal(r.kind, 'ok', `expected ok for ${args.join(' ')}: ${r.kind === 'exit' ? r.stderr : ''}`);
  if (r.kind !== 'ok') throw new Error('unreachable');
  return { options: r.options, warnings: r.warnings };
}

function fails(args: string[], code: number, stderr: string): void {
  const r = parseCommandLine(args);
  assert.equal(r.kind, 'exit', `expected exit for ${args.join(' ')}`);
  if (r.kind !== 'exit') return;
  assert.equal(r.code, code);
  assert.equal(r.stderr, stderr);
}

test('defaults', () => {
  const { options: o, warnings } = ok([]);
  assert.equal(o.useFile, DEFAULT_CONF_FILE);
  assert.equal(o.logFacility, 3);
  assert.equal(o.dontFork, false);
  assert.equal(o.logDetail, 0);
  assert.equal(o.configTest, undefined);
  assert.ok(o.configId.length > 0 && !o.configId.includes('.'));
  assert.deepEqual(warnings, []);
});

// every option, short and long, with the field it sets
const FLAG_CASES: Array<[string[], (o: Options) => unknown, unknown]> = [
  [['-f', '/x.conf'], (o) => o.useFile, '/x.conf'],
  [['--use-file=/x.conf'], (o) => o.useFile, '/x.conf'],
  [['--use-file', '/y.conf'], (o) => o.useFile, '/y.conf'],
  [['-f/z.conf'], (o) => o.useFile, '/z.conf'],
  [['-P'], (o) => o.vrrpOnly, true],
  [['--vrrp'], (o) => o.vrrpOnly, true],
  [['-C'], (o) => o.checkOnly, true],
  [['--check'], (o) => o.checkOnly, true],
  [['-B'], (o) => o.noBfd, true],
  [['--no_bfd'], (o) => o.noBfd, true],
  [['--all'], (o) => o.all, true],
  [['-l'], (o) => o.logConsole, true],
  [['--log-console'], (o) => o.logConsole, true],
  [['-D'], (o) => o.logDetail, 1],
  [['-D', '--log-detail'], (o) => o.logDetail, 2],
  [['-S', '0'], (o) => o.logFacility, 16],
  [['-S7'], (o) => o.logFacility, 23],
  [['--log-facility=local3'], (o) => o.logFacility, 19],
  [['-S', 'user'], (o) => o.logFacility, 1],
  [['-S', 'daemon'], (o) => o.logFacility, 3],
  [['-g'], (o) => o.logFile, '/tmp/keepalived.log'],
  [['-g/var/log/k.log'], (o) => o.logFile, '/var/log/k.log'],
  [['--log-file=/var/log/k.log'], (o) => o.logFile, '/var/log/k.log'],
  [['--flush-log-file'], (o) => o.flushLogFile, true],
  [['-G'], (o) => o.noSyslog, true],
  [['--no-syslog'], (o) => o.noSyslog, true],
  [['-u', '022'], (o) => o.umask, 0o22],
  [['--umask=0x1f'], (o) => o.umask, 0x1f],
  [['-u', '18'], (o) => o.umask, 18],
  [['-X'], (o) => o.releaseVips, true],
  [['--release-vips'], (o) => o.releaseVips, true],
  [['-V'], (o) => o.dontReleaseVrrp, true],
  [['--dont-release-vrrp'], (o) => o.dontReleaseVrrp, true],
  [['-I'], (o) => o.dontReleaseIpvs, true],
  [['--dont-release-ipvs'], (o) => o.dontReleaseIpvs, true],
  [['-R'], (o) => o.dontRespawn, true],
  [['--dont-respawn'], (o) => o.dontRespawn, true],
  [['-n'], (o) => o.dontFork, true],
  [['--dont-fork'], (o) => o.dontFork, true],
  [['-d'], (o) => o.dumpConf, true],
  [['--dump-conf'], (o) => o.dumpConf, true],
  [['-p', '/run/a.pid'], (o) => o.pidFile, '/run/a.pid'],
  [['--pid=/run/a.pid'], (o) => o.pidFile, '/run/a.pid'],
  [['-r', '/run/v.pid'], (o) => o.vrrpPidFile, '/run/v.pid'],
  [['--vrrp_pid=/run/v.pid'], (o) => o.vrrpPidFile, '/run/v.pid'],
  [['-c', '/run/c.pid'], (o) => o.checkersPidFile, '/run/c.pid'],
  [['--checkers_pid', '/run/c.pid'], (o) => o.checkersPidFile, '/run/c.pid'],
  [['-b', '/run/b.pid'], (o) => o.bfdPidFile, '/run/b.pid'],
  [['--bfd_pid=/run/b.pid'], (o) => o.bfdPidFile, '/run/b.pid'],
  [['-T'], (o) => o.genhash, true],
  [['--genhash'], (o) => o.genhash, true],
  [['-a'], (o) => o.addressMonitoring, true],
  [['--address-monitoring'], (o) => o.addressMonitoring, true],
  [['-x'], (o) => o.snmp, true],
  [['--snmp'], (o) => o.snmp, true],
  [['-A', '/var/agentx/master'], (o) => o.snmpAgentSocket, '/var/agentx/master'],
  [['--snmp-agent-socket=/s'], (o) => o.snmpAgentSocket, '/s'],
  [['-s', 'blue'], (o) => o.namespace, 'blue'],
  [['--namespace=blue'], (o) => o.namespace, 'blue'],
  [['-m'], (o) => o.coreDump, true],
  [['--core-dump'], (o) => o.coreDump, true],
  [['-M'], (o) => o.coreDumpPattern, 'core'],
  [['-Mcore.%p'], (o) => o.coreDumpPattern, 'core.%p'],
  [['--core-dump-pattern=x'], (o) => o.coreDump, true],
  [['-e'], (o) => o.allConfig, true],
  [['--all-config'], (o) => o.allConfig, true],
  [['-i', 'node1'], (o) => o.configId, 'node1'],
  [['--config-id', 'node2'], (o) => o.configId, 'node2'],
  [['--signum', 'STOP'], (o) => o.signum, 'STOP'],
  [['--signum=JSON'], (o) => o.signum, 'JSON'],
  [['-t'], (o) => o.configTest, ''],
  [['-t/tmp/ct.log'], (o) => o.configTest, '/tmp/ct.log'],
  [['--config-test=/tmp/ct.log'], (o) => o.configTest, '/tmp/ct.log'],
  [['--config-test'], (o) => o.configTest, ''],
  [['-v'], (o) => o.version, true],
  [['--version'], (o) => o.version, true],
  [['-h'], (o) => o.help, true],
  [['--help'], (o) => o.help, true],
  [['--dump-json'], (o) => o.dumpJson, true],
  [['--log-format', 'json'], (o) => o.logFormat, 'json'],
  [['--log-format=text'], (o) => o.logFormat, 'text'],
  [['--watch'], (o) => o.watch, true],
  [['--dry-run'], (o) => o.dryRun, true],
  // getopt_long: unambiguous abbreviations
  [['--vers'], (o) => o.version, true],
  [['--dont-f'], (o) => o.dontFork, true],
  // internal/debug-build options are accepted
  [['--perf=run'], (o) => o.given.includes('perf'), true],
  [['--no-mem-check'], (o) => o.given.includes('no-mem-check'), true],
];

for (const [args, get, want] of FLAG_CASES) {
  test(`option ${args.join(' ')}`, () => {
    assert.deepEqual(get(ok(args).options), want);
  });
}

test('every keepalived option appears in at least one case above', () => {
  const covered = new Set<string>();
  for (const [args] of FLAG_CASES) {
    const n = normalise(args);
    assert.ok(n.ok);
    if (n.ok) for (const o of n.occ) covered.add(o.spec.long);
  }
  const missing = OPTION_SPECS.filter((s) => !covered.has(s.long) && !s.hidden).map((s) => s.long);
  assert.deepEqual(missing, []);
});

test('bundled short flags and an attached value: -nlDf FILE', () => {
  const o = ok(['-nlDD', '-f', '/a.conf', '-Pp/run/x.pid']).options;
  assert.equal(o.dontFork, true);
  assert.equal(o.logConsole, true);
  assert.equal(o.logDetail, 2);
  assert.equal(o.useFile, '/a.conf');
  assert.equal(o.vrrpOnly, true);
  assert.equal(o.pidFile, '/run/x.pid');
});

test('-t implies -n -R -G; its argument never comes from the next word (getopt optional argument)', () => {
  const { options: o, warnings } = ok(['-t', 'extra']);
  assert.equal(o.configTest, '');
  assert.equal(o.dontFork, true);
  assert.equal(o.dontRespawn, true);
  assert.equal(o.noSyslog, true);
  assert.deepEqual(warnings, ['Unexpected argument(s): extra ']);
});

test('the last of a repeated option wins', () => {
  assert.equal(ok(['-f', '/a', '-f', '/b']).options.useFile, '/b');
});

test('-- ends options', () => {
  const { options: o, warnings } = ok(['-n', '--', '-l']);
  assert.equal(o.logConsole, false);
  assert.deepEqual(warnings, ['Unexpected argument(s): -l ']);
});

test("keepalived's messages for bad input", () => {
  fails(['--bogus'], 1, 'Unknown option --bogus\n');
  fails(['-z'], 1, 'Unknown option -z\n');
  fails(['-nz'], 1, 'Unknown option -z\n');
  fails(['-f'], 1, 'Missing parameter for option -f\n');
  fails(['-S'], 1, 'Missing parameter for option -S\n');
  fails(['--pid'], 1, 'Missing parameter for option --pid\n');
  fails(['--signum'], 1, 'Missing parameter for option --signum\n');
  // ambiguous abbreviation (--log-console/--log-detail/--log-facility/--log-file/--log-format)
  fails(['--log'], 1, 'Unknown option --log\n');
  // a flag given a value
  fails(['--dont-fork=yes'], 1, 'Unknown option --dont-fork=yes\n');
  fails(['--log-format=xml'], 1, "Invalid --log-format 'xml' (text|json)\n");
});

test('bad -S and -u are reported and ignored, as keepalived does', () => {
  const a = ok(['-S', '9']);
  assert.equal(a.options.logFacility, 3);
  assert.deepEqual(a.warnings, ["Invalid log facility '9'"]);
  const b = ok(['-S', 'local8']);
  assert.deepEqual(b.warnings, ["Invalid log facility 'local8'"]);
  const c = ok(['-u', 'abc']);
  assert.equal(c.options.umask, undefined);
  assert.deepEqual(c.warnings, ['Invalid --umask option abc']);
  assert.deepEqual(ok(['-u', '01000']).warnings, ['Invalid --umask option 01000']);
});

test('parseFacility / parseUmask', () => {
  assert.equal(parseFacility('0'), 16);
  assert.equal(parseFacility('local7'), 23);
  assert.equal(parseFacility('LOCAL1'), undefined);
  assert.equal(parseFacility('8'), undefined);
  assert.equal(parseUmask('0'), 0);
  assert.equal(parseUmask('0177'), 0o177);
  assert.equal(parseUmask('0x1ff'), 0o777);
  assert.equal(parseUmask('511'), 0o777);
  assert.equal(parseUmask('512'), undefined);
  assert.equal(parseUmask('08'), undefined);
  assert.equal(parseUmask(''), undefined);
});

test('never throws on arbitrary argv', () => {
  let seed = 12345;
  const rnd = (n: number): number => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed % n;
  };
  const pool = ['-', '--', '-f', '--use-file=', '-S', 'x', '-tfoo', '--signum', '=', '-DDD', '--pid', '-u', '0x', '--log-format', '--all', 'ü', '-T', '--core-dump-pattern', '-M', '-i'];
  for (let i = 0; i < 2000; i++) {
    const args = Array.from({ length: rnd(6) }, () => pool[rnd(pool.length)]!);
    const r = parseCommandLine(args);
    assert.ok(r.kind === 'ok' || (r.kind === 'exit' && r.code === 1 && r.stderr.endsWith('\n')));
  }
});

test('usage lists every visible option in keepalived layout', () => {
  const u = usage();
  assert.match(u, /^Usage: keepalived \[OPTION\.\.\.\]\n/);
  assert.match(u, /\n {2}-f, --use-file=FILE {10}Use the specified configuration file\n {32}default '\/etc\/keepalived\/keepalived\.conf'\n/);
  assert.match(u, /\n {2}-t, --config-test\[=LOG_FILE\] Check the configuration/);
  for (const s of OPTION_SPECS) if (!s.hidden) assert.ok(u.includes(`--${s.long}`), s.long);
});
