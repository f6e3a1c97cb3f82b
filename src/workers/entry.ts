/**
 * Worker process entry point: `node dist/src/workers/entry.js vrrp|checker`, started by the
 * parent with child_process.fork (an IPC pipe on fd 3).
 *
 * It never reads the configuration file: it says hello, waits for its slice, hosts the engine
 * (src/workers/engine.ts) and answers the parent's dump and stop requests. SIGTERM/SIGINT stop
 * it in order; SIGHUP/SIGUSR1/SIGUSR2 are the parent's business (it asks over IPC) and ignored
 * here, so `pkill -HUP keepalived` reaching every process still reloads once.
 *
 * After each configuration it received has been applied, the worker applies its scheduling
 * settings (settings.sched: nice, realtime priority, RLIMIT_RTTIME, mlockall, CPU affinity; as
 * keepalived 2.2.7 at the end of start_vrrp/start_check) and watches its own event loop's lateness
 * (min_auto_priority_delay / max_auto_priority): src/sys/sched.ts.
 */
import { workerChannel } from '../ipc/channel';
import { EXIT_CONFIG, EXIT_OK, EXIT_PROGRAM_ERROR, isWorkerSettings, type ParentMessage, type WorkerRole, type WorkerSettings } from '../ipc/messages';
import { Logger, IDENT_CHECKER, IDENT_VRRP, childFacility, logFileFor } from '../log';
import { engineFactory, type WorkerEngine } from './engine';
import { setParentDeathSignal, setProcessName } from '../sys/procname';
import { ProcessSched, realSchedPort, startLatenessMonitor } from '../sys/sched';

const SIGTERM = 15;

function defaultSettings(role: WorkerRole): WorkerSettings {
  return {
    logDetail: 0,
    logConsole: false,
    logFormat: 'text',
    noSyslog: false,
    logFacility: 3,
    flushLogFile: false,
    releaseVips: false,
    dontReleaseVrrp: false,
    dontReleaseIpvs: false,
    addressMonitoring: false,
    identSuffix: '',
    processName: 'keepalived',
  };
}

/**
 * comm (`ps -o comm`, pidof, killall) = the process name; the argv area (`ps -o args`,
 * pgrep -f) = the daemon's command line, as a forked keepalived child shows.
 */
function setTitle(name: string, commandLine: string | undefined): void {
  // libuv also sets comm from the title: the name is set after it
  process.title = commandLine ?? name;
  try {
    setProcessName(name);
  } catch {
    process.title = name;
  }
}

function logConfigFor(role: WorkerRole, s: WorkerSettings) {
  const base = role === 'vrrp' ? IDENT_VRRP : IDENT_CHECKER;
  const cfg = {
    ident: base + s.identSuffix,
    facility: childFacility(s.logFacility, role),
    syslog: !s.noSyslog,
    console: s.logConsole,
    format: s.logFormat,
    detail: s.logDetail,
    flushLogFile: s.flushLogFile,
  } as const;
  return s.logFile ? { ...cfg, logFile: logFileFor(s.logFile, role === 'vrrp' ? 'vrrp' : 'check') } : cfg;
}

export function runWorker(role: WorkerRole): void {
  let settings = defaultSettings(role);
  try {
    const env = process.env.KEEPALIVED_TS_WORKER_SETTINGS;
    if (env) {
      const s: unknown = JSON.parse(env);
      if (isWorkerSettings(s)) settings = s;
    }
  } catch {
    /* keep defaults */
  }
  setTitle(settings.processName, settings.commandLine);
  try {
    setParentDeathSignal(SIGTERM);
  } catch {
    /* the IPC 'disconnect' below covers a parent that died */
  }
  const log = new Logger(logConfigFor(role, settings));
  const factory = engineFactory(role);

  let engine: WorkerEngine | undefined;
  let stopping = false;
  let sched: ProcessSched | undefined;
  let stopMonitor: (() => void) | undefined;
  const applySched = (): void => {
    try {
      if (!sched) sched = new ProcessSched(realSchedPort(), log, role);
      sched.apply(settings.sched ?? { noSwap: false });
      if (!stopMonitor) stopMonitor = startLatenessMonitor(sched);
    } catch (e) {
      log.error(`keepalived-ts: applying process scheduling failed: ${(e as Error).message}`);
    }
  };
  let queue: Promise<void> = Promise.resolve();

  const exit = (code: number): void => {
    log.close();
    // let the IPC pipe flush the last message
    setImmediate(() => process.exit(code));
  };

  const stop = async (): Promise<void> => {
    if (stopping) return;
    stopping = true;
    stopMonitor?.();
    try {
      if (engine) await engine.stop();
    } catch (e) {
      log.error(`Error while stopping: ${(e as Error).message}`);
    }
    log.info('Stopped');
    chan.send({ type: 'stopped' });
    exit(EXIT_OK);
  };

  const handle = async (m: ParentMessage): Promise<void> => {
    switch (m.type) {
      case 'config': {
        if (stopping) return;
        const first = !engine;
        if (first || JSON.stringify(m.settings) !== JSON.stringify(settings)) {
          settings = m.settings;
          setTitle(settings.processName, settings.commandLine);
          log.reconfigure(logConfigFor(role, settings));
        }
        try {
          if (!engine) {
            engine = factory({ role, log, settings, notify: (event) => chan.send({ type: 'notify', event }) });
            await engine.start(m.slice);
          } else {
            if (role === 'vrrp') log.info('Reloading');
            await engine.reload(m.slice);
          }
          applySched();
          chan.send({ type: 'config-done', seq: m.seq, ok: true });
        } catch (e) {
          const msg = (e as Error).message ?? String(e);
          chan.send({ type: 'config-done', seq: m.seq, ok: false, error: msg });
          if (first) {
            chan.send({ type: 'fatal', reason: 'config', message: msg });
            log.error(msg);
            stopping = true;
            exit(EXIT_CONFIG);
          }
        }
        return;
      }
      case 'dump': {
        const e = engine;
        if (!e) {
          chan.send({ type: 'dump-result', seq: m.seq, what: m.what, text: '' });
          return;
        }
        if (m.what === 'data') {
          log.info(`Printing ${role === 'vrrp' ? 'VRRP' : 'checker'} data for process(${process.pid}) on signal`);
          chan.send({ type: 'dump-result', seq: m.seq, what: m.what, text: e.dumpData() });
        } else if (m.what === 'stats' || m.what === 'stats-clear') {
          const text = e.dumpStats ? e.dumpStats() : '';
          if (m.what === 'stats-clear' && e.clearStats) e.clearStats();
          chan.send({ type: 'dump-result', seq: m.seq, what: m.what, text });
        } else {
          chan.send({ type: 'dump-result', seq: m.seq, what: m.what, json: e.dumpJson ? e.dumpJson() : [] });
        }
        return;
      }
      case 'stop':
        await stop();
        return;
      default: {
        const never: never = m;
        return never;
      }
    }
  };

  const chan = workerChannel(
    (m) => {
      // one message at a time, in order (a dump during a reload waits for it)
      queue = queue.then(() => handle(m)).catch((e: unknown) => log.error(`worker error: ${(e as Error).message}`));
    },
    (why) => {
      log.error(`Invalid message from parent (${why}) - exiting`);
      stopping = true;
      exit(EXIT_PROGRAM_ERROR);
    },
  );

  process.on('SIGTERM', () => void stop());
  process.on('SIGINT', () => void stop());
  for (const s of ['SIGHUP', 'SIGUSR1', 'SIGUSR2', 'SIGPIPE'] as const) process.on(s, () => undefined);
  process.on('disconnect', () => {
    // parent gone (kill -9): keepalived children get PDEATHSIG=SIGTERM
    void stop();
  });

  chan.send({ type: 'hello', role, pid: process.pid });
  const raw = process.env.KEEPALIVED_TS_TEST_SEND_RAW;
  if (raw) {
    // test hook: a malformed message for the parent's validation
    setTimeout(() => process.send?.(JSON.parse(raw)), 200);
  }
}

if (require.main === module) {
  const role = process.argv[2];
  if (role !== 'vrrp' && role !== 'checker') {
    process.stderr.write(`keepalived worker: unknown role '${role ?? ''}'\n`);
    process.exit(EXIT_PROGRAM_ERROR);
  }
  if (!process.send) {
    process.stderr.write('keepalived worker: must be started by the keepalived parent (no IPC channel)\n');
    process.exit(EXIT_PROGRAM_ERROR);
  }
  runWorker(role);
}
