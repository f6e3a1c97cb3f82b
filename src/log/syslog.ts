/**
 * syslog(3) as glibc writes it to /dev/log: one datagram per line,
 * `<PRI>Mmm dd hh:mm:ss IDENT[PID]: MESSAGE`, PRI = facility * 8 + severity.
 *
 * Node has no unix datagram sockets; the native addon's unixDgramSend() fills that gap. When the
 * addon is missing, sending fails once with a console warning and syslog stays off.
 */
import { SyslogSocket, unixDgramSend, unixDgramUnavailable } from '../sys/unixdgram';

export const DEFAULT_SYSLOG_PATH = '/dev/log';

/** syslog severities (RFC 5424 / <syslog.h>). */
export const SEVERITY = { emerg: 0, alert: 1, crit: 2, err: 3, warning: 4, notice: 5, info: 6, debug: 7 } as const;
export type SeverityName = keyof typeof SEVERITY;

/** Facility names as rsyslog/logger know them, for messages and tests. */
export const FACILITY_NAMES: Record<number, string> = {
  0: 'kern', 1: 'user', 2: 'mail', 3: 'daemon', 4: 'auth', 5: 'syslog', 6: 'lpr', 7: 'news',
  16: 'local0', 17: 'local1', 18: 'local2', 19: 'local3', 20: 'local4', 21: 'local5', 22: 'local6', 23: 'local7',
};

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const p2 = (n: number): string => String(n).padStart(2, '0');

/** glibc's `%h %e %T` timestamp (local time). */
export function syslogTimestamp(d: Date): string {
  return `${MONTHS[d.getMonth()]} ${String(d.getDate()).padStart(2, ' ')} ${p2(d.getHours())}:${p2(d.getMinutes())}:${p2(d.getSeconds())}`;
}

export function formatSyslog(facility: number, severity: number, ident: string, pid: number, msg: string, when: Date): Buffer {
  return Buffer.from(`<${facility * 8 + severity}>${syslogTimestamp(when)} ${ident}[${pid}]: ${msg}`);
}

/** Parse a line produced by formatSyslog (tests and tooling). */
export function parseSyslog(line: string): { facility: number; severity: number; ident: string; pid: number; msg: string } | undefined {
  const m = /^<(\d{1,3})>[A-Z][a-z]{2} [ \d]\d \d\d:\d\d:\d\d ([^[\s]+)\[(\d+)\]: (.*)$/s.exec(line);
  if (!m) return undefined;
  const pri = Number(m[1]);
  return { facility: pri >> 3, severity: pri & 7, ident: m[2]!, pid: Number(m[3]), msg: m[4]! };
}

export type DgramSender = (path: string, data: Buffer) => void;

/**
 * The addon's sender, or undefined (with the reason) when it is not available.
 * `persistent`: keep one socket per destination open (syslog); otherwise one socket per datagram
 * (sd_notify, rare, and abstract '@' addresses).
 */
export function nativeDgramSender(persistent = false): { send?: DgramSender; error?: string } {
  const error = unixDgramUnavailable();
  if (error) return { error };
  if (!persistent) return { send: (p, d) => unixDgramSend(p, d) };
  const socks = new Map<string, SyslogSocket>();
  return {
    send: (p, d) => {
      if (p.startsWith('@')) return unixDgramSend(p, d);
      let s = socks.get(p);
      if (!s) {
        s = new SyslogSocket(p);
        socks.set(p, s);
      }
      const err = s.send(d);
      if (err) throw err;
    },
  };
}

export class SyslogTransport {
  private failed = false;
  constructor(
    private readonly path: string,
    private facility: number,
    private ident: string,
    private readonly sender: DgramSender | undefined,
    private readonly onError: (msg: string) => void,
  ) {
    if (!sender) this.fail('syslog unavailable: no unix datagram sender');
  }

  setIdent(ident: string, facility?: number): void {
    this.ident = ident;
    if (facility !== undefined) this.facility = facility;
  }

  send(severity: number, msg: string, when = new Date()): void {
    if (this.failed || !this.sender) return;
    try {
      this.sender(this.path, formatSyslog(this.facility, severity, this.ident, process.pid, msg, when));
    } catch (e) {
      // syslogd restarting or the socket full: glibc drops the line too; report only missing addon
      const err = e as { code?: string; message?: string };
      if (err.code === 'ENOENT' || err.code === 'ECONNREFUSED' || err.code === 'EAGAIN') return;
      this.fail(`syslog send to ${this.path} failed: ${err.message ?? String(e)}`);
    }
  }

  private fail(msg: string): void {
    if (this.failed) return;
    this.failed = true;
    this.onError(msg);
  }
}
