/**
 * The parent process: parse once, start the workers it needs, hand each its slice, supervise.
 *
 *   start()   banner → config → pid files ("daemon is already running") → workers → READY=1
 *   reload()  SIGHUP / --watch: re-read and validate; broken → keep running config; valid →
 *             send each worker its new slice, wait for every ack → "Reload complete".
 *             A reload arriving during a reload is queued (one pending at most).
 *   stop()    SIGTERM/SIGINT: "Stopping", STOPPING=1, ask workers to stop, SIGKILL stragglers
 *             after child_wait_time ("… failed to die - forcing termination"), remove pid
 *             files, "Stopped …", exit.
 *   dumps     SIGUSR1 → keepalived_parent.data + workers' data; SIGUSR2 / STATS_CLEAR / JSON → VRRP.
 *
 * Worker death: respawn with keepalived's back-off and lines unless -R ("died: Exiting" → stop);
 * a worker that cannot run its configuration (EXIT_CONFIG) stops the daemon with that code.
 * A worker sending an invalid IPC message is logged and restarted (SIGKILL → respawn).
 */
import { execFileSync, fork, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Options } from '../cli';
import type { Diagnostic } from '../config/diagnostics';
import { parentChannel, type Channel } from '../ipc/channel';
import { EXIT_CONFIG, EXIT_FATAL, EXIT_OK, EXIT_PROGRAM_ERROR, type DumpKind, type ParentMessage, type WorkerMessage, type WorkerRole, type WorkerSettings } from '../ipc/messages';
import { IDENT_PARENT, syslogIdent, type Logger } from '../log';
import { NotifyService } from '../notify/service';
import type { KeepalivedConfig } from '../config/ast';
import { PROCESS_NAMES, configApi, parentView, type ConfigApi, type LoadResult, type ParentView } from './config-source';

/** A load whose loader failed has no configuration (only its diagnostics). */
type Loaded = Omit<LoadResult, 'config'> & { config: LoadResult['config'] | undefined };
const hasConfig = (r: Loaded): r is LoadResult => r.config !== undefined;
import { DUMP_FILES, dataFileName, dumpDir, flattenForDump, writeDump } from './dump';
import { describeProcess, pidPaths, processExists, readPid, removePidFile, writePidFile, type PidPaths } from './pidfile';
import { SdNotify } from './sdnotify';
import { runParentScript } from './scripts';
import { subscribeSignals } from './signals';
import { versionString } from './version';
import { workerExecArgv } from './worker-flags';
import { setProcessName } from '../sys/procname';
import { enterNetns } from '../sys/netns';

export interface ParentDeps {
  opts: Options;
  log: Logger;
  /** argv as given (for "Command line:"). */
  argv: string[];
  /** Compiled worker entry script. */
  workerScript: string;
  api?: ConfigApi;
  notify?: SdNotify;
  /** Called once the daemon is up (pid file written): the daemonising launcher waits for it. */
  onStarted?: () => void;
  /** Process exit (tests may override). */
  exit?: (code: number) => void;
}

/** keepalived 2.2.7's umask when neither -u nor global_defs umask is given (observed: Umask 0177). */
export const DEFAULT_UMASK = 0o177;

const ROLE_NAMES: Record<WorkerRole, { child: string; ident: string; short: string }> = {
  vrrp: { child: 'VRRP', ident: 'Keepalived_vrrp', short: 'vrrp' },
  checker: { child: 'Healthcheck', ident: 'Keepalived_healthcheckers', short: 'checker' },
};

/** Printed by keepalived 2.2.7 after every "died: Respawning" (observed). */
const RESPAWN_ADVICE = [
  '  Please log an issue at https://github.com/acassen/keepalived/issues/',
  '  and include a full copy of your keepalived configuration files, and',
  '  copies of the keepalived system log entries around the time this happened',
];

/** strsignal(3) texts (glibc) for "exited due to signal N (TEXT)". */
const SIGNAL_TEXT: Record<number, string> = {
  1: 'Hangup', 2: 'Interrupt', 3: 'Quit', 4: 'Illegal instruction', 5: 'Trace/breakpoint trap', 6: 'Aborted',
  7: 'Bus error', 8: 'Floating point exception', 9: 'Killed', 10: 'User defined signal 1', 12: 'User defined signal 2',
  13: 'Broken pipe', 14: 'Alarm clock', 15: 'Terminated',
};

/** keepalived sends ERRNO=22 (EINVAL) to systemd when a child stops with a permanent error. */
const ERRNO_EINVAL = 22;

interface PendingDump {
  resolve: (m: Extract<WorkerMessage, { type: 'dump-result' }> | undefined) => void;
  timer: NodeJS.Timeout;
}

class WorkerSlot {
  child?: ChildProcess;
  chan?: Channel<ParentMessage, WorkerMessage>;
  pid = 0;
  startedAt = 0;
  ackedSeq = -1;
  sentSeq = -1;
  nextDelayS = 0;
  respawnTimer?: NodeJS.Timeout;
  permanentError = false;
  /** The worker reported a fatal (non-configuration) error: it exits with keepalived's FATAL. */
  fatalError = false;
  /** The worker reported an orderly stop it was not asked for (it got SIGTERM itself). */
  stoppedBySignal = false;
  retired = false;
  dumps = new Map<number, PendingDump>();
  constructor(readonly role: WorkerRole, readonly pidFile: string) {}
  get alive(): boolean {
    return this.child !== undefined;
  }
}

type Phase = 'init' | 'starting' | 'running' | 'reloading' | 'stopping';

export class Parent {
  private readonly opts: Options;
  private readonly log: Logger;
  private readonly api: ConfigApi;
  private readonly notify: SdNotify;
  private phase: Phase = 'init';
  private loaded!: LoadResult;
  private view!: ParentView;
  private pids!: PidPaths;
  private seq = 0;
  private dumpSeq = 0;
  private reloadQueued = false;
  private readonly slots = new Map<WorkerRole, WorkerSlot>();
  private unsubscribe?: () => void;
  private killTimer?: NodeJS.Timeout;
  private shutdownDone = false;
  private enteredNetns?: string;
  private exitCode = EXIT_OK;
  private watcher?: { close(): Promise<void> | void };
  private watchTimer?: NodeJS.Timeout;
  private readonly exitFn: (code: number) => void;
  /** Notify scripts, FIFOs and SMTP alerts for the workers' events (src/notify). */
  private notifier?: NotifyService;

  constructor(private readonly deps: ParentDeps) {
    this.opts = deps.opts;
    this.log = deps.log;
    this.api = deps.api ?? configApi();
    this.notify = deps.notify ?? new SdNotify();
    this.exitFn = deps.exit ?? ((c) => process.exit(c));
  }

  // ------------------------------------------------------------------ start
  start(): void {
    const o = this.opts;
    this.log.info(`Starting ${versionString()}`);
    this.log.info(`Running on ${os.type()} ${os.release()} ${os.version()} (Node.js ${process.version})`);
    this.log.info(`Command line: ${this.deps.argv.map((a) => `'${a}'`).join(' ')}`);
    // keepalived's default umask 0177 (dump files, FIFOs 0600) unless -u; global_defs umask below
    process.umask(o.umask ?? DEFAULT_UMASK);
    if (o.namespace !== undefined && !this.enterNamespace(o.namespace)) {
      this.finish(EXIT_FATAL, false);
      return;
    }
    const first = this.load();
    if (!this.usable(first)) return;
    this.loaded = first;
    // net_namespace in the file (when -s did not override it): enter it, then re-read for its interfaces
    const cfgNs = o.namespace === undefined ? parentView(this.loaded.config).netns : undefined;
    if (cfgNs !== undefined) {
      if (!this.enterNamespace(cfgNs)) {
        this.finish(EXIT_FATAL, false);
        return;
      }
      const again = this.load();
      if (!this.usable(again)) return;
      this.loaded = again;
    }
    this.log.info(`Configuration file ${o.useFile}`);
    this.logDiagnostics(this.loaded.diagnostics);
    if (o.dumpConf) this.dumpConfig();
    this.view = parentView(this.loaded.config);
    if (o.namespace !== undefined) this.view.netns = o.namespace;
    if (this.view.autoPriorityNotice) this.log.info('NOTICE: setting config option max_auto_priority should result in better keepalived performance');
    this.pids = pidPaths(o, this.view);
    if (this.view.instance || this.view.netns) this.log.reconfigure({ ident: syslogIdent(IDENT_PARENT, this.view.netns, this.view.instance) });

    // one daemon per pid file
    const want = this.wantedRoles(this.view);
    if (this.alreadyRunning([this.pids.parent, ...want.map((r) => (r === 'vrrp' ? this.pids.vrrp : this.pids.checker))])) {
      this.log.info('daemon is already running');
      this.finish(EXIT_OK, false);
      return;
    }
    const err = writePidFile(this.pids.parent, process.pid);
    if (err) {
      this.log.error(`Unable to write parent pid file ${this.pids.parent}: ${err}`);
      this.finish(EXIT_FATAL, false);
      return;
    }
    this.setTitle(this.view.parentName ?? PROCESS_NAMES.parent);
    this.deps.onStarted?.();
    if (this.notify.problem) this.log.warn(this.notify.problem);

    const sig = subscribeSignals({
      reload: () => this.reload(),
      stop: () => this.stop(EXIT_OK),
      data: () => void this.dump('data'),
      stats: () => void this.dump('stats'),
      statsClear: () => void this.dump('stats-clear'),
      json: () => void this.dump('json'),
    });
    this.unsubscribe = sig.unsubscribe;
    if (sig.unavailable.length) this.log.warn(`keepalived-ts: signals for ${sig.unavailable.join(', ')} unavailable (native addon onSignal not built)`);
    this.logInactiveOptions();
    this.notifier = new NotifyService(this.loaded.config, { log: this.log });

    if (o.umask === undefined && this.view.umask !== undefined) process.umask(this.view.umask);
    this.phase = 'starting';
    this.seq++;
    const go = (): void => {
      if (this.phase !== 'starting') return;
      if (want.length === 0) {
        // keepalived: no child, so nobody ever reads a configuration: no READY=1 either
        this.log.info('Warning - keepalived has no configuration to run');
        this.phase = 'running';
        if (o.watch) this.startWatch();
        return;
      }
      for (const r of want) this.spawn(this.slotFor(r));
      if (o.watch) this.startWatch();
      this.checkAcks();
    };
    if (this.view.startupScript) void runParentScript('startup', this.view.startupScript, this.log, this.scriptCtx()).then(go);
    else go();
  }

  private scriptCtx(): { scriptUser?: { user: string; group?: string } } {
    return this.view.scriptUser ? { scriptUser: this.view.scriptUser } : {};
  }

  /**
   * keepalived's keepalived_running(): the pid files in order (parent, then the workers it will
   * start), the first naming a live process wins; a stale one is removed ("Remove a zombie pid
   * file"). Which file and pid were found running is said under -D.
   */
  private alreadyRunning(files: string[]): boolean {
    for (const file of files) {
      const pid = readPid(file);
      if (pid === undefined || pid === process.pid) continue;
      if (processExists(pid)) {
        this.log.detailed(`pid file ${file} names pid ${pid}, a running process (${describeProcess(pid)})`);
        return true;
      }
      this.log.info(`Remove a zombie pid file ${file}`);
      removePidFile(file, pid);
    }
    return false;
  }

  private wantedRoles(v: ParentView): WorkerRole[] {
    const o = this.opts;
    const roles: WorkerRole[] = [];
    // -P: only VRRP; -C: only checker; both or neither: whatever the configuration has
    const onlyOne = o.vrrpOnly !== o.checkOnly;
    if ((v.hasVrrp || o.all || o.vrrpOnly) && !(onlyOne && o.checkOnly)) roles.push('vrrp');
    if ((v.hasChecker || o.all || o.checkOnly) && !(onlyOne && o.vrrpOnly)) roles.push('checker');
    return roles;
  }

  private slotFor(role: WorkerRole): WorkerSlot {
    let s = this.slots.get(role);
    if (!s) {
      s = new WorkerSlot(role, role === 'vrrp' ? this.pids.vrrp : this.pids.checker);
      this.slots.set(role, s);
    }
    return s;
  }

  /** At start: a loader that failed (a bug: loadConfig never throws) stops the daemon as a program error. */
  private usable(r: Loaded): r is LoadResult {
    if (hasConfig(r)) return true;
    this.logDiagnostics(r.diagnostics);
    this.finish(EXIT_PROGRAM_ERROR, false);
    return false;
  }

  private load(): Loaded {
    const interfaces = new Set<string>();
    if (this.enteredNetns) {
      // /sys/class/net shows the mount namespace's view: ask `ip` (it inherits our netns)
      try {
        const out = execFileSync('ip', ['-o', 'link', 'show'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
        for (const m of out.matchAll(/^\d+: ([^:@\s]+)/gm)) interfaces.add(m[1]!);
      } catch {
        for (const n of Object.keys(os.networkInterfaces())) interfaces.add(n);
      }
    } else {
      try {
        for (const n of fs.readdirSync('/sys/class/net')) interfaces.add(n);
      } catch {
        for (const n of Object.keys(os.networkInterfaces())) interfaces.add(n);
      }
    }
    try {
      return this.api.loadConfig(this.opts.useFile, { configId: this.opts.configId, allConfig: this.opts.allConfig, interfaces });
    } catch (e) {
      // loadConfig must not throw; if it does, report it like a configuration that cannot run
      const d: Diagnostic = { file: '', line: 0, col: 0, severity: 'fatal', message: `Configuration loader failed: ${(e as Error).message}` };
      return { config: undefined, diagnostics: [d], files: [] };
    }
  }

  private logDiagnostics(diags: readonly Diagnostic[]): void {
    for (const d of diags) {
      const text = this.api.formatDiagnostic(d);
      if (d.severity === 'info') this.log.detailed(text);
      else if (d.severity === 'warning') this.log.warn(text);
      else this.log.error(text);
    }
  }

  private dumpConfig(): void {
    let text: string;
    text = this.api.dumpConfig(this.loaded.config);
    for (const l of text.split('\n')) if (l.length) this.log.info(l);
  }

  private logInactiveOptions(): void {
    const o = this.opts;
    const inactive: Array<[boolean, string]> = [
      [o.snmp, '-x/--snmp (SNMP subagent)'],
      [o.snmpAgentSocket !== undefined, '-A/--snmp-agent-socket'],
      [o.addressMonitoring, '-a/--address-monitoring'],
      [o.coreDump, '-m/--core-dump'],
      [o.coreDumpPattern !== undefined, '-M/--core-dump-pattern'],
      [o.releaseVips, '-X/--release-vips'],
      [o.bfdPidFile !== undefined, '-b/--bfd_pid (no BFD process)'],
      [o.given.includes('config-fd') || o.given.includes('perf') || o.given.includes('debug') || o.given.includes('no-mem-check') || o.given.includes('mem-check-log'), 'debug-build options'],
    ];
    for (const [on, what] of inactive) if (on) this.log.info(`keepalived-ts: option ${what} accepted but not implemented yet`);
  }

  private settings(role: WorkerRole): WorkerSettings {
    const o = this.opts;
    const v = this.view;
    const s: WorkerSettings = {
      logDetail: o.logDetail,
      logConsole: o.logConsole,
      logFormat: o.logFormat,
      noSyslog: o.noSyslog,
      logFacility: o.logFacility,
      flushLogFile: o.flushLogFile,
      releaseVips: o.releaseVips,
      dontReleaseVrrp: o.dontReleaseVrrp,
      dontReleaseIpvs: o.dontReleaseIpvs,
      addressMonitoring: o.addressMonitoring,
      identSuffix: `${v.netns ? `_${v.netns}` : ''}${v.instance ? `_${v.instance}` : ''}`,
      processName: (role === 'vrrp' ? v.vrrpName : v.checkerName) ?? v.parentName ?? PROCESS_NAMES.parent,
      commandLine: commandLine(this.deps.argv),
    };
    if (o.logFile) s.logFile = o.logFile;
    if (o.dryRun) s.ipvsDryRun = true;
    s.sched = v.sched[role];
    return s;
  }

  private sliceFor(role: WorkerRole): unknown {
    try {
      return role === 'vrrp' ? this.api.vrrpSlice(this.loaded.config) : this.api.checkerSlice(this.loaded.config);
    } catch (e) {
      this.log.error(`keepalived-ts: building the ${role} slice failed: ${(e as Error).message}`);
      return null;
    }
  }

  // ------------------------------------------------------------------ workers
  private spawn(slot: WorkerSlot): void {
    if (this.phase === 'stopping') return;
    const settings = this.settings(slot.role);
    let child: ChildProcess;
    try {
      // the parent's arguments follow the role only to make the worker's argv area large enough
      // for its title (the command line, as `ps -o args` shows a forked keepalived child)
      child = fork(this.deps.workerScript, [slot.role, ...this.deps.argv.slice(2)], {
        env: { ...process.env, KEEPALIVED_TS_WORKER_SETTINGS: JSON.stringify(settings), NOTIFY_SOCKET: '' },
        stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
        execArgv: workerExecArgv(slot.role),
        serialization: 'json',
      });
    } catch (e) {
      this.log.error(`${ROLE_NAMES[slot.role].child} child process: fork error(${(e as Error).message})`);
      this.scheduleRespawn(slot, 0);
      return;
    }
    slot.child = child;
    slot.pid = child.pid ?? 0;
    slot.startedAt = Date.now();
    slot.ackedSeq = -1;
    slot.permanentError = false;
    slot.fatalError = false;
    slot.stoppedBySignal = false;
    this.log.info(`Starting ${ROLE_NAMES[slot.role].child} child process, pid=${slot.pid}`);
    const perr = writePidFile(slot.pidFile, slot.pid);
    if (perr) this.log.error(`${ROLE_NAMES[slot.role].child} child process: cannot write pidfile (${perr})`);
    slot.chan = parentChannel(
      child,
      (m) => this.onWorkerMessage(slot, child, m),
      (why) => {
        if (slot.child !== child) return;
        this.log.error(`Invalid message from ${ROLE_NAMES[slot.role].child} child process(${slot.pid}): ${why} - restarting it`);
        child.kill('SIGKILL');
      },
    );
    child.on('error', (e) => this.log.error(`${ROLE_NAMES[slot.role].child} child process(${slot.pid}): ${e.message}`));
    child.on('exit', (code, signal) => this.onWorkerExit(slot, child, code, signal));
    this.sendConfig(slot, false);
  }

  private sendConfig(slot: WorkerSlot, reload: boolean): void {
    slot.sentSeq = this.seq;
    slot.chan?.send({ type: 'config', seq: this.seq, reload, slice: this.sliceFor(slot.role), settings: this.settings(slot.role) });
  }

  private onWorkerMessage(slot: WorkerSlot, child: ChildProcess, m: WorkerMessage): void {
    if (slot.child !== child) return;
    switch (m.type) {
      case 'hello':
        if (m.role !== slot.role) {
          this.log.error(`${ROLE_NAMES[slot.role].child} child process(${slot.pid}) says it is ${m.role} - restarting it`);
          child.kill('SIGKILL');
        }
        return;
      case 'config-done':
        if (!m.ok) this.log.error(`${ROLE_NAMES[slot.role].child} child process(${slot.pid}) could not apply the configuration: ${m.error ?? ''}`);
        if (m.seq === slot.sentSeq) slot.ackedSeq = m.seq;
        this.checkAcks();
        return;
      case 'dump-result': {
        const p = slot.dumps.get(m.seq);
        if (p) {
          clearTimeout(p.timer);
          slot.dumps.delete(m.seq);
          p.resolve(m);
        }
        return;
      }
      case 'fatal':
        if (m.reason === 'config') slot.permanentError = true;
        else slot.fatalError = true;
        return;
      case 'stopped':
        slot.stoppedBySignal = true;
        return;
      case 'notify':
        this.notifier?.handleEvent(m.event);
        return;
      default: {
        const never: never = m;
        return never;
      }
    }
  }

  private onWorkerExit(slot: WorkerSlot, child: ChildProcess, code: number | null, signal: NodeJS.Signals | null): void {
    if (slot.child !== child) return;
    const pid = slot.pid;
    slot.chan?.close();
    slot.child = undefined;
    slot.chan = undefined;
    for (const [, p] of slot.dumps) {
      clearTimeout(p.timer);
      p.resolve(undefined);
    }
    slot.dumps.clear();
    removePidFile(slot.pidFile, pid);
    const name = ROLE_NAMES[slot.role];
    this.reportChildStatus(pid, code, signal);
    if (this.phase === 'stopping') {
      this.checkStopped();
      return;
    }
    if (slot.retired) {
      this.slots.delete(slot.role);
      this.checkAcks();
      return;
    }
    const permanent = code === EXIT_CONFIG || slot.permanentError ? 'CONFIG' : code === EXIT_FATAL || slot.fatalError ? 'FATAL' : undefined;
    if (permanent) {
      // keepalived 2.2.7: this line, ERRNO=22 to systemd (no STOPPING=1), exit 2 (CONFIG) or 1 (FATAL)
      this.log.error(`pid ${pid} exited with permanent error ${permanent}. Terminating`);
      this.stop(permanent === 'CONFIG' ? EXIT_CONFIG : EXIT_FATAL, ERRNO_EINVAL);
      return;
    }
    if (slot.stoppedBySignal && !slot.respawnTimer) {
      // `pkill keepalived` / systemd's KillMode=control-group TERM every process: the worker may
      // exit before our own SIGTERM is handled. Decide a moment later.
      slot.stoppedBySignal = false;
      slot.respawnTimer = setTimeout(() => {
        slot.respawnTimer = undefined;
        if (this.phase === 'stopping') this.checkStopped();
        else this.respawnAfterDeath(slot, pid);
      }, 300);
      return;
    }
    this.respawnAfterDeath(slot, pid);
  }

  private respawnAfterDeath(slot: WorkerSlot, pid: number): void {
    const name = ROLE_NAMES[slot.role];
    if (this.opts.dontRespawn) {
      this.log.alert(`${name.child} child process(${pid}) died: Exiting`);
      this.stop(EXIT_OK);
      return;
    }
    // keepalived: a child that ran a while restarts at once; quick deaths back off 1, 2, 4 … 60 s
    const ranS = (Date.now() - slot.startedAt) / 1000;
    if (ranS > 60) slot.nextDelayS = 0;
    const delay = slot.nextDelayS;
    slot.nextDelayS = delay === 0 ? 1 : Math.min(delay * 2, 60);
    this.log.alert(`${name.child} child process(${pid}) died: Respawning`);
    for (const l of RESPAWN_ADVICE) this.log.info(l);
    this.log.info(`Restart of ${name.child} process delayed ${delay} seconds to limit respawn rate`);
    this.scheduleRespawn(slot, delay);
  }

  /** keepalived's report_child_status() lines for a child that did not exit 0 (permanent errors aside). */
  private reportChildStatus(pid: number, code: number | null, signal: NodeJS.Signals | null): void {
    if (signal) {
      const num = os.constants.signals[signal] ?? 0;
      if (signal === 'SIGSEGV') this.log.info(`pid ${pid} exited due to segmentation fault (SIGSEGV).`);
      else this.log.info(`pid ${pid} exited due to signal ${num} (${SIGNAL_TEXT[num] ?? `Unknown signal ${num}`})${signal === 'SIGKILL' ? ' - has rlimit_rttime been exceeded?' : ''}`);
    } else if (code !== null && code !== 0 && code !== EXIT_CONFIG && code !== EXIT_FATAL) {
      this.log.info(`pid ${pid} exited with status ${code}`);
    }
  }

  private scheduleRespawn(slot: WorkerSlot, delayS: number): void {
    slot.respawnTimer = setTimeout(() => {
      slot.respawnTimer = undefined;
      this.spawn(slot);
    }, delayS * 1000);
  }

  /** Every live worker has acked the current configuration → startup/reload complete. */
  private checkAcks(): void {
    if (this.phase !== 'starting' && this.phase !== 'reloading') return;
    for (const s of this.slots.values()) {
      if (s.retired) {
        if (s.alive) return;
        continue;
      }
      if (s.alive && s.ackedSeq !== this.seq) return;
      if (!s.alive && s.respawnTimer === undefined) continue;
      if (!s.alive) return;
    }
    const was = this.phase;
    this.phase = 'running';
    if (was === 'starting') this.log.info('Startup complete');
    else {
      this.log.info('Reload complete');
      this.notifier?.reloaded();
    }
    this.notify.ready();
    if (this.reloadQueued) {
      this.reloadQueued = false;
      setImmediate(() => this.reload(true));
    }
  }

  // ------------------------------------------------------------------ reload
  reload(queued = false): void {
    if (this.phase === 'stopping' || this.phase === 'init') return;
    if (queued) this.log.detailed('Processing queued reload');
    if (this.phase === 'starting' || this.phase === 'reloading') {
      if (!this.reloadQueued) this.log.info('Reload already in progress - queued');
      this.reloadQueued = true;
      return;
    }
    let next: Loaded | undefined;
    if (this.view.reloadCheckConfig) {
      // keepalived runs `keepalived -t` first; any error (exit code ≠ 0) and nothing is reloaded
      this.log.detailed('validate conf before Reload');
      next = this.load();
      if (!this.reloadCheckPasses(next)) {
        if (this.reloadQueued) {
          this.reloadQueued = false;
          setImmediate(() => this.reload(true));
        }
        return;
      }
    }
    this.phase = 'reloading';
    this.log.info('Reloading ...');
    next ??= this.load();
    this.log.info(`Configuration file ${this.opts.useFile}`);
    this.logDiagnostics(next.diagnostics);
    const verdict = this.api.configTestExitCode(next.diagnostics);
    // without reload_check_config keepalived 2.2.7 reloads anyway and its children stop on what
    // they cannot run (the daemon terminates); we keep the running configuration (README)
    if (verdict === 4 || verdict === 5 || !hasConfig(next)) {
      this.log.error(`Configuration file ${this.opts.useFile} has errors - reload aborted, keeping the running configuration`);
      this.abortReload();
      return;
    }
    // keepalived refuses the whole reload when the namespace or the instance name changes
    const oldView = this.view;
    const newView = parentView(next.config);
    if (this.opts.namespace !== undefined) newView.netns = this.opts.namespace;
    let unsupported = false;
    if (oldView.netns !== newView.netns) {
      this.log.info('Cannot change network namespace at a reload - please restart keepalived');
      unsupported = true;
    }
    if (oldView.instance !== newView.instance) {
      this.log.info('Cannot change instance name at a reload - please restart keepalived');
      unsupported = true;
    }
    if (unsupported) {
      this.abortReload();
      return;
    }
    // RELOADING=1 once the new configuration is accepted (keepalived's do_reload)
    this.notify.reloading();
    this.loaded = next;
    if (this.notifier) this.notifier.reload(next.config);
    else this.notifier = new NotifyService(next.config, { log: this.log });
    // pid file locations stay those of the start (use_pid_dir is read once, as keepalived)
    this.view = { ...newView, usePidDir: oldView.usePidDir };
    // keepalived renames itself (and its children theirs) when process_name etc. change at a reload
    if (newView.parentName !== oldView.parentName) this.setTitle(newView.parentName ?? PROCESS_NAMES.parent);
    if (this.opts.dumpConf) this.dumpConfig();
    if (this.opts.watch) this.startWatch();
    this.seq++;
    const want = new Set(this.wantedRoles(this.view));
    for (const [role, slot] of this.slots) {
      if (!want.has(role)) {
        slot.retired = true;
        if (slot.respawnTimer) clearTimeout(slot.respawnTimer);
        if (slot.alive) {
          if (!slot.chan?.send({ type: 'stop' })) slot.child?.kill('SIGTERM');
        } else this.slots.delete(role);
      }
    }
    for (const role of want) {
      const slot = this.slots.get(role);
      if (!slot) this.spawn(this.slotFor(role));
      else if (slot.alive) this.sendConfig(slot, true);
    }
    this.checkAcks();
  }

  /** The running configuration stays; a queued reload runs next. */
  private abortReload(): void {
    this.phase = 'running';
    if (this.reloadQueued) {
      this.reloadQueued = false;
      setImmediate(() => this.reload(true));
    }
  }

  /**
   * reload_check_config [LOGFILE]: the new file's `-t` diagnostics go to LOGFILE (truncated,
   * created under the umask: 0600 by default, as keepalived's); false when it would not pass `-t`.
   */
  private reloadCheckPasses(next: Loaded): boolean {
    const file = this.view.reloadCheckLog;
    if (file) {
      // keepalived's check child runs `-t` without -D: no informational lines even under -D
      const text = next.diagnostics
        .filter((d) => d.severity !== 'info')
        .map((d) => `${this.api.formatDiagnostic(d)}\n`)
        .join('');
      try {
        fs.writeFileSync(file, text, { mode: 0o666 });
      } catch (e) {
        this.log.error(`Unable to open config check log file ${file}: ${(e as Error).message}`);
      }
    }
    if (this.api.configTestExitCode(next.diagnostics) === 0 && next.config !== undefined) return true;
    this.log.info(`New config failed validation, see ${file ?? '/dev/null'} for details`);
    return false;
  }

  // ------------------------------------------------------------------ --watch
  private startWatch(): void {
    const files = this.loaded.files.length ? this.loaded.files : [this.opts.useFile];
    void (async () => {
      try {
        await this.watcher?.close();
        const chokidar = await import('chokidar');
        const w = chokidar.watch(files, { ignoreInitial: true, awaitWriteFinish: { stabilityThreshold: 200, pollInterval: 50 } });
        w.on('all', () => {
          if (this.watchTimer) clearTimeout(this.watchTimer);
          this.watchTimer = setTimeout(() => {
            this.watchTimer = undefined;
            this.log.info('Configuration file changed - reloading');
            this.reload();
          }, 500);
        });
        this.watcher = w;
      } catch (e) {
        this.log.error(`--watch unavailable: ${(e as Error).message}`);
      }
    })();
  }

  // ------------------------------------------------------------------ dumps
  private askWorker(role: WorkerRole, what: DumpKind): Promise<Extract<WorkerMessage, { type: 'dump-result' }> | undefined> {
    const slot = this.slots.get(role);
    if (!slot || !slot.alive || !slot.chan) return Promise.resolve(undefined);
    const seq = ++this.dumpSeq;
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        slot.dumps.delete(seq);
        resolve(undefined);
      }, 5000);
      slot.dumps.set(seq, { resolve, timer });
      if (!slot.chan!.send({ type: 'dump', seq, what })) {
        clearTimeout(timer);
        slot.dumps.delete(seq);
        resolve(undefined);
      }
    });
  }

  private parentData(): string {
    const lines = ['------< Global definitions >------'];
    lines.push(...flattenForDump(this.loaded.config.global));
    lines.push('------< Parent process >------');
    lines.push(` Version = ${versionString()}`);
    lines.push(` Pid = ${process.pid}`);
    lines.push(` Configuration file = ${this.opts.useFile}`);
    lines.push(` Included files = ${this.loaded.files.join(', ') || '(none)'}`);
    lines.push(` Pid file = ${this.pids.parent}`);
    for (const s of this.slots.values()) {
      lines.push(` ${ROLE_NAMES[s.role].child} child = ${s.alive ? `pid ${s.pid}` : 'not running'} (pid file ${s.pidFile}, config seq ${s.ackedSeq})`);
    }
    lines.push(` State = ${this.phase}`);
    return lines.join('\n') + '\n';
  }

  async dump(what: DumpKind): Promise<void> {
    if (this.phase === 'stopping' || this.phase === 'init') return;
    const dir = dumpDir();
    const report = (err: string | undefined): void => {
      if (err) this.log.error(err);
    };
    const dataName = (base: string): string => (this.view.dataUseInstance ? dataFileName(base, this.view) : base);
    if (what === 'data') {
      this.log.info(`Printing parent data for process(${process.pid}) on signal`);
      report(writeDump(dir, dataName(DUMP_FILES.parent), this.parentData()));
      const [v, c] = await Promise.all([this.askWorker('vrrp', 'data'), this.askWorker('checker', 'data')]);
      if (v?.text !== undefined) report(writeDump(dir, dataName(DUMP_FILES.vrrpData), v.text));
      if (c?.text !== undefined) report(writeDump(dir, dataName(DUMP_FILES.checkerData), c.text));
      return;
    }
    // STATS, STATS_CLEAR and JSON are VRRP-only in keepalived
    const r = await this.askWorker('vrrp', what);
    if (!r) return;
    if (what === 'json') report(writeDump(dir, DUMP_FILES.json, JSON.stringify(r.json ?? [], null, 2) + '\n'));
    else if (r.text !== undefined) report(writeDump(dir, DUMP_FILES.stats, r.text));
  }

  // ------------------------------------------------------------------ stop
  /** Orderly stop; `errno` (a worker's permanent error): ERRNO=errno to systemd instead of STOPPING=1. */
  stop(code: number, errno?: number): void {
    if (this.phase === 'stopping') return;
    this.phase = 'stopping';
    this.exitCode = code;
    if (errno !== undefined) this.notify.error(errno);
    else {
      this.log.info('Stopping');
      this.notify.stopping();
    }
    this.notifier?.stopping();
    if (this.watchTimer) clearTimeout(this.watchTimer);
    void this.watcher?.close();
    for (const s of this.slots.values()) {
      if (s.respawnTimer) {
        clearTimeout(s.respawnTimer);
        s.respawnTimer = undefined;
      }
      if (s.alive) {
        if (!s.chan?.send({ type: 'stop' })) s.child?.kill('SIGTERM');
      }
    }
    const waitMs = Math.max(0, this.view?.childWaitTimeS ?? 5) * 1000;
    this.killTimer = setTimeout(() => {
      for (const s of this.slots.values()) {
        if (s.alive) {
          this.log.info(`${ROLE_NAMES[s.role].short} process failed to die - forcing termination`);
          s.child?.kill('SIGKILL');
        }
      }
    }, waitMs);
    this.checkStopped();
  }

  private checkStopped(): void {
    for (const s of this.slots.values()) if (s.alive) return;
    if (this.killTimer) clearTimeout(this.killTimer);
    if (this.shutdownDone) return;
    this.shutdownDone = true;
    const sd = this.view?.shutdownScript;
    const done = (): void => {
      if (sd) void runParentScript('shutdown', sd, this.log, this.scriptCtx()).then(() => this.finish(this.exitCode, true));
      else this.finish(this.exitCode, true);
    };
    // notify_stop scripts are waited for (≤ 1 s each), FIFOs closed, before the shutdown script
    if (this.notifier) void this.notifier.stop().then(done, done);
    else done();
  }

  private finish(code: number, started: boolean): void {
    if (started) {
      for (const s of this.slots.values()) removePidFile(s.pidFile);
      removePidFile(this.pids.parent, process.pid);
      this.unsubscribe?.();
      this.log.info(`Stopped ${versionString()}`);
    }
    this.log.close();
    this.exitFn(code);
  }

  /** Move the parent's main thread (and so every worker forked later) into a network namespace. */
  private enterNamespace(name: string): boolean {
    if (this.enteredNetns === name) return true;
    try {
      enterNetns(name);
      this.enteredNetns = name;
      this.log.info(`Running in network namespace ${name}`);
      return true;
    } catch (e) {
      this.log.error(`Unable to enter network namespace ${name}: ${(e as Error).message}`);
      return false;
    }
  }

  /** comm = the process name; `ps -o args` = the command line as invoked (keepalived leaves argv alone). */
  private setTitle(name: string): void {
    process.title = commandLine(this.deps.argv) || name;
    try {
      setProcessName(name); // after the title: libuv sets comm from it
    } catch {
      process.title = name;
    }
  }

  /** For tests and dumps. */
  get state(): { phase: Phase; pids: PidPaths; workers: Array<{ role: WorkerRole; pid: number; alive: boolean }> } {
    return {
      phase: this.phase,
      pids: this.pids,
      workers: [...this.slots.values()].map((s) => ({ role: s.role, pid: s.pid, alive: s.alive })),
    };
  }
}

/** Path of the compiled worker entry next to this file (dist-…/src/workers/entry.js, the build dir of this file). */
export function defaultWorkerScript(): string {
  return path.join(__dirname, '..', 'workers', 'entry.js');
}

/** The command line as invoked (argv[1] is this program's path, as keepalived's argv[0]). */
export function commandLine(argv: string[]): string {
  return argv.slice(1).join(' ');
}

