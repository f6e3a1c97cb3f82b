/**
 * `keepalived` entry point (bin/keepalived → main(process.argv)).
 *
 * One-shot modes first (-h, -v, --signum, -t, --dump-json, -T genhash), then the daemon: unless
 * -n it re-spawns itself detached (Node has no fork()) and the launcher exits 0 once the daemon
 * has written its pid file, or with the daemon's exit code if it stopped before that.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import { parseCommandLine, usage, type Options } from './cli';
import { FACILITY_DAEMON } from './cli';
import { IDENT_PARENT, Logger, syslogIdent } from './log';
import { configApi } from './parent/config-source';
import { signumCommand } from './parent/signals';
import { DEFAULT_UMASK, Parent, defaultWorkerScript } from './parent/supervisor';
import { DAEMON_ENV, daemonise, notifyLauncher } from './parent/daemonize';
import { versionText } from './parent/version';


function write(fd: 1 | 2, text: string): void {
  if (!text) return;
  try {
    fs.writeSync(fd, text);
  } catch {
    /* closed */
  }
}

function interfaces(): Set<string> {
  const s = new Set<string>();
  try {
    for (const n of fs.readdirSync('/sys/class/net')) s.add(n);
  } catch {
    for (const n of Object.keys(os.networkInterfaces())) s.add(n);
  }
  return s;
}

/** -t [FILE]: diagnostics in keepalived's form, keepalived's exit code. */
export function configTest(opts: Options): number {
  const api = configApi();
  const r = api.loadConfig(opts.useFile, { configId: opts.configId, allConfig: opts.allConfig, interfaces: interfaces() });
  // informational lines ("Opening file …") are -D lines in keepalived
  const text = r.diagnostics
    .filter((d) => d.severity !== 'info' || opts.logDetail > 0)
    .map((d) => `${api.formatDiagnostic(d)}\n`)
    .join('');
  if (opts.configTest) {
    try {
      fs.writeFileSync(opts.configTest, text, { mode: 0o666 });
    } catch (e) {
      write(2, `Unable to open config test log file ${opts.configTest}: ${(e as Error).message}\n`);
      write(2, text);
    }
  } else {
    write(2, text);
  }
  return api.configTestExitCode(r.diagnostics);
}

/** --dump-json: the typed AST on stdout, diagnostics on stderr. */
function dumpJson(opts: Options): number {
  const api = configApi();
  const r = api.loadConfig(opts.useFile, { configId: opts.configId, allConfig: opts.allConfig, interfaces: interfaces() });
  for (const d of r.diagnostics) if (d.severity !== 'info' || opts.logDetail > 0) write(2, `${api.formatDiagnostic(d)}\n`);
  write(1, `${JSON.stringify(r.config, null, 2)}\n`);
  return 0;
}

function genhash(argv: string[], rest: string[]): void {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  (require('./genhash') as typeof import('./genhash')).main([argv[0] ?? 'node', 'genhash', ...rest]);
}


export function main(argv: string[]): void {
  try {
    mainInner(argv);
  } catch (e) {
    // a bug, never bad input: say so and exit with keepalived's "program error"
    write(2, `keepalived: internal error: ${(e as Error).stack ?? String(e)}\n`);
    process.exitCode = 70;
  }
}

function mainInner(argv: string[]): void {
  const args = argv.slice(2);
  // -T must be the first option (keepalived): everything after it is genhash's
  if (args[0] === '-T' || args[0] === '--genhash') {
    genhash(argv, args.slice(1));
    return;
  }
  const r = parseCommandLine(args);
  if (r.kind === 'exit') {
    write(1, r.stdout);
    write(2, r.stderr);
    process.exitCode = r.code;
    return;
  }
  const opts = r.options;
  // keepalived's umask (0177 unless -u) from the start: the -t log file, log files, dumps are 0600
  process.umask(opts.umask ?? DEFAULT_UMASK);
  for (const w of r.warnings) write(2, `${w}\n`);
  if (opts.genhash) {
    write(2, 'keepalived: -T/--genhash must be the first option\n');
    process.exitCode = 1;
    return;
  }
  if (opts.help) {
    write(2, usage());
    process.exitCode = 0;
    return;
  }
  if (opts.version) {
    write(2, versionText());
    process.exitCode = 0;
    return;
  }
  if (opts.signum !== undefined) {
    const s = signumCommand(opts.signum);
    write(1, s.stdout);
    write(2, s.stderr);
    process.exitCode = s.code;
    return;
  }
  if (opts.configTest !== undefined) {
    process.exitCode = configTest(opts);
    return;
  }
  if (opts.dumpJson) {
    process.exitCode = dumpJson(opts);
    return;
  }

  const daemonised = process.env[DAEMON_ENV] === '1';
  if (!opts.dontFork && !daemonised) {
    daemonise(argv);
    return;
  }
  delete process.env[DAEMON_ENV];

  const log = new Logger({
    ident: syslogIdent(IDENT_PARENT),
    facility: opts.logFacility ?? FACILITY_DAEMON,
    syslog: !opts.noSyslog,
    console: opts.logConsole,
    format: opts.logFormat,
    detail: opts.logDetail,
    flushLogFile: opts.flushLogFile,
    ...(opts.logFile ? { logFile: opts.logFile } : {}),
  });
  const parent = new Parent({
    opts,
    log,
    argv,
    workerScript: defaultWorkerScript(),
    onStarted: () => {
      if (daemonised) notifyLauncher();
    },
  });
  parent.start();
}

if (require.main === module) main(process.argv);
