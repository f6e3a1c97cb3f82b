/**
 * DOC: logging for the parent and the workers.
 *
 *   index.ts    Logger: keepalived's line text, pino underneath, fan-out to the sinks below
 *   syslog.ts   glibc syslog(3) datagrams to /dev/log through the native addon
 *
 * Sinks, as keepalived: syslog (default; `-G` disables) with ident `Keepalived`,
 * `Keepalived_vrrp`, `Keepalived_healthcheckers` (+ `_<instance>`), LOG_PID, facility from `-S`
 * (children use LOG_LOCAL1 / LOG_LOCAL2 when the facility is the default LOG_DAEMON, as
 * keepalived does); `-l` the console (stderr, `Mon Nov 23 14:13:59 2026: text`), or pino's JSON
 * lines with `--log-format json`; `-g FILE` a log file with `_vrrp`/`_healthcheckers` inserted.
 *
 * KEEPALIVED_TS_SYSLOG_PATH overrides /dev/log (tests point it at their own listener).
 */
import pino from 'pino';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { DEFAULT_SYSLOG_PATH, SEVERITY, SyslogTransport, nativeDgramSender, type DgramSender } from './syslog';

export type LogLevel = 'debug' | 'info' | 'notice' | 'warn' | 'error' | 'alert';

const PINO_LEVELS: Record<LogLevel, number> = { debug: 20, info: 30, notice: 35, warn: 40, error: 50, alert: 55 };
const SYSLOG_SEVERITY: Record<LogLevel, number> = {
  debug: SEVERITY.debug,
  info: SEVERITY.info,
  notice: SEVERITY.notice,
  warn: SEVERITY.warning,
  error: SEVERITY.err,
  alert: SEVERITY.alert,
};

export interface LogConfig {
  /** syslog ident, e.g. 'Keepalived'. */
  ident: string;
  /** syslog facility number. */
  facility: number;
  syslog: boolean;
  console: boolean;
  format: 'text' | 'json';
  /** Number of -D. */
  detail: number;
  /** -g FILE, already suffixed for this process. */
  logFile?: string;
  flushLogFile?: boolean;
  syslogPath?: string;
  /** For tests: replace the unix datagram sender. */
  sender?: DgramSender;
  /** For tests: replace stderr. */
  consoleWrite?: (line: string) => void;
}

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const p2 = (n: number): string => String(n).padStart(2, '0');

/** keepalived's console/log-file prefix: ctime(3) without the newline. */
export function consoleTimestamp(d: Date): string {
  return `${DAYS[d.getDay()]} ${MONTHS[d.getMonth()]} ${String(d.getDate()).padStart(2, ' ')} ${p2(d.getHours())}:${p2(d.getMinutes())}:${p2(d.getSeconds())} ${d.getFullYear()}`;
}

/** `-g` file name for a child: `_vrrp` inserted before the last '.' of the base name. */
export function logFileFor(file: string, suffix: string): string {
  if (!suffix) return file;
  const dir = path.dirname(file);
  const base = path.basename(file);
  const dot = base.lastIndexOf('.');
  const name = dot > 0 ? `${base.slice(0, dot)}_${suffix}${base.slice(dot)}` : `${base}_${suffix}`;
  return path.join(dir, name);
}

export class Logger {
  private readonly pino: pino.Logger<'notice' | 'alert'>;
  private syslog?: SyslogTransport;
  private fileFd?: number;
  private cfg: LogConfig;
  private readonly consoleWrite: (line: string) => void;

  constructor(cfg: LogConfig) {
    this.cfg = { ...cfg };
    this.consoleWrite = cfg.consoleWrite ?? ((l) => {
      try {
        fs.writeSync(2, l);
      } catch {
        /* console gone (daemonised): nothing to do */
      }
    });
    this.openSinks();
    const dest = { write: (line: string) => this.fanOut(line) };
    this.pino = pino<'notice' | 'alert'>(
      {
        level: 'debug',
        customLevels: { notice: PINO_LEVELS.notice, alert: PINO_LEVELS.alert },
        base: { ident: cfg.ident, pid: process.pid },
        messageKey: 'msg',
      },
      dest,
    );
  }

  private openSinks(): void {
    if (this.cfg.syslog) {
      const sender = this.cfg.sender ?? nativeDgramSender(true).send;
      const p = this.cfg.syslogPath ?? process.env.KEEPALIVED_TS_SYSLOG_PATH ?? DEFAULT_SYSLOG_PATH;
      this.syslog = new SyslogTransport(p, this.cfg.facility, this.cfg.ident, sender, (m) => {
        // keepalived would silently lose these; say it once where someone may see it
        this.consoleWrite(`${consoleTimestamp(new Date())}: ${m}\n`);
      });
    }
    if (this.cfg.logFile) {
      try {
        this.fileFd = fs.openSync(this.cfg.logFile, 'a', 0o640);
      } catch (e) {
        this.consoleWrite(`Unable to open log file ${this.cfg.logFile}: ${(e as Error).message}\n`);
      }
    }
  }

  /** Switch identity after a fork-equivalent (worker start) or instance naming. */
  reconfigure(patch: Partial<LogConfig>): void {
    this.close();
    this.cfg = { ...this.cfg, ...patch };
    this.syslog = undefined;
    this.openSinks();
    this.pino.setBindings({ ident: this.cfg.ident });
  }

  get detail(): number {
    return this.cfg.detail;
  }

  get ident(): string {
    return this.cfg.ident;
  }

  private fanOut(line: string): void {
    let rec: { level?: number; time?: number; msg?: string };
    try {
      rec = JSON.parse(line) as typeof rec;
    } catch {
      return;
    }
    const when = new Date(rec.time ?? Date.now());
    const msg = rec.msg ?? '';
    const level = (Object.keys(PINO_LEVELS) as LogLevel[]).find((k) => PINO_LEVELS[k] === rec.level) ?? 'info';
    if (this.syslog) this.syslog.send(SYSLOG_SEVERITY[level], msg, when);
    if (this.cfg.console) {
      if (this.cfg.format === 'json') this.consoleWrite(line.endsWith('\n') ? line : `${line}\n`);
      else this.consoleWrite(`${consoleTimestamp(when)}: ${msg}\n`);
    }
    if (this.fileFd !== undefined) {
      try {
        fs.writeSync(this.fileFd, `${consoleTimestamp(when)}: ${msg}\n`);
        if (this.cfg.flushLogFile) fs.fsyncSync(this.fileFd);
      } catch {
        /* disk full: keepalived ignores it as well */
      }
    }
  }

  log(level: LogLevel, msg: string): void {
    this.pino[level](msg);
  }
  info(msg: string): void {
    this.pino.info(msg);
  }
  notice(msg: string): void {
    this.pino.notice(msg);
  }
  warn(msg: string): void {
    this.pino.warn(msg);
  }
  error(msg: string): void {
    this.pino.error(msg);
  }
  alert(msg: string): void {
    this.pino.alert(msg);
  }
  debug(msg: string): void {
    this.pino.debug(msg);
  }
  /** A line keepalived prints only with -D (ᴰ in keepalived.md). */
  detailed(msg: string, minDetail = 1): void {
    if (this.cfg.detail >= minDetail) this.pino.info(msg);
  }

  close(): void {
    if (this.fileFd !== undefined) {
      try {
        fs.closeSync(this.fileFd);
      } catch {
        /* already closed */
      }
      this.fileFd = undefined;
    }
  }
}

/** Facility used by a child: keepalived moves children off LOG_DAEMON to LOG_LOCAL1 (vrrp) / LOG_LOCAL2 (checker). */
export function childFacility(parentFacility: number, role: 'vrrp' | 'checker'): number {
  const LOG_DAEMON = 3;
  if (parentFacility !== LOG_DAEMON) return parentFacility;
  return role === 'vrrp' ? 17 : 18;
}

export const IDENT_PARENT = 'Keepalived';
export const IDENT_VRRP = 'Keepalived_vrrp';
export const IDENT_CHECKER = 'Keepalived_healthcheckers';

/** keepalived's make_syslog_ident: `_<netns>` and/or `_<instance>` appended when configured. */
export function syslogIdent(base: string, netns?: string, instance?: string): string {
  let id = base;
  if (netns) id += `_${netns}`;
  if (instance) id += `_${instance}`;
  return id;
}
