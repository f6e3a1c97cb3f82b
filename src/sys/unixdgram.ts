/**
 * Unix datagram sockets, which Node lacks: syslog to /dev/log, sd_notify to $NOTIFY_SOCKET,
 * and a listener (tests, or any future local datagram endpoint).
 * A path starting with '@' is in the abstract namespace (as systemd writes NOTIFY_SOCKET).
 */
import { native, type NativeError, type PollHandle } from './native';
import { AF_UNIX, POLL_READABLE, SOCK_DGRAM } from './sockconst';

/** Why unix datagrams cannot be sent here (addon not built), or undefined when they can. */
export function unixDgramUnavailable(): string | undefined {
  try {
    if (typeof native().unixDgramSend !== 'function') return 'native addon has no unixDgramSend (not built yet)';
    return undefined;
  } catch (e) {
    return (e as Error).message;
  }
}

/** One datagram to `path`. Throws NativeError (ENOENT, ECONNREFUSED, EAGAIN…). */
export function unixDgramSend(path: string, data: Buffer | string): void {
  native().unixDgramSend(path, typeof data === 'string' ? Buffer.from(data) : data);
}

/**
 * sd_notify(3): send `state` (e.g. 'READY=1\nMAINPID=123') to $NOTIFY_SOCKET.
 * Returns false when there is no NOTIFY_SOCKET; throws NativeError if the send fails.
 */
export function sdNotify(state: string, env: NodeJS.ProcessEnv = process.env): boolean {
  const p = env['NOTIFY_SOCKET'];
  if (!p) return false;
  unixDgramSend(p, state);
  return true;
}

/** syslog(3) facility codes (RFC 3164). */
export const SyslogFacility = {
  kern: 0, user: 1, mail: 2, daemon: 3, auth: 4, syslog: 5, lpr: 6, news: 7, uucp: 8, cron: 9,
  authpriv: 10, ftp: 11, local0: 16, local1: 17, local2: 18, local3: 19, local4: 20, local5: 21,
  local6: 22, local7: 23,
} as const;

/** syslog(3) severities. */
export const SyslogSeverity = { emerg: 0, alert: 1, crit: 2, err: 3, warning: 4, notice: 5, info: 6, debug: 7 } as const;

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/**
 * The datagram glibc's syslog() writes to /dev/log:
 * `<PRI>Mmm dd hh:mm:ss IDENT[PID]: MSG`, day space-padded, local time, PRI = facility*8+severity.
 */
export function formatSyslog(facility: number, severity: number, ident: string, pid: number, msg: string, now: Date = new Date()): Buffer {
  const p2 = (n: number) => String(n).padStart(2, '0');
  const ts = `${MONTHS[now.getMonth()]} ${String(now.getDate()).padStart(2, ' ')} ${p2(now.getHours())}:${p2(now.getMinutes())}:${p2(now.getSeconds())}`;
  return Buffer.from(`<${facility * 8 + severity}>${ts} ${ident}[${pid}]: ${msg}`);
}

/**
 * A syslog client: one unbound AF_UNIX datagram socket kept open, sending to `path`.
 * send() never throws: a failed send (no syslogd, full queue) returns the NativeError and is
 * counted in `dropped`, as glibc's syslog() silently drops.
 */
export class SyslogSocket {
  dropped = 0;
  private fd: number | undefined;
  constructor(readonly path = '/dev/log') {}

  send(datagram: Buffer): NativeError | undefined {
    try {
      const n = native();
      if (this.fd === undefined) this.fd = n.socket(AF_UNIX, SOCK_DGRAM, 0);
      n.sendtoUnix(this.fd, datagram, this.path);
      return undefined;
    } catch (e) {
      this.dropped++;
      return e as NativeError;
    }
  }

  close(): void {
    if (this.fd !== undefined) native().close(this.fd);
    this.fd = undefined;
  }
}

/** A bound unix datagram socket delivering each datagram to `onMessage` on the main loop. */
export class UnixDgramListener {
  private handle: PollHandle | undefined;
  private closed = false;
  private constructor(readonly fd: number, readonly path: string) {}

  /** Binds `path` (a stale file must be removed by the caller). Throws NativeError. */
  static bind(path: string, onMessage: (data: Buffer) => void, maxLen = 65536): UnixDgramListener {
    const n = native();
    const l = new UnixDgramListener(n.unixDgramBind(path), path);
    l.handle = n.poll(l.fd, POLL_READABLE, () => {
      for (let i = 0; i < 64 && !l.closed; i++) {
        let m;
        try {
          m = n.recvmsg(l.fd, maxLen);
        } catch {
          return;
        }
        if (!m) return;
        onMessage(m.data);
      }
    });
    return l;
  }

  /** Do not keep the process alive for this listener alone. */
  unref(): void {
    this.handle?.unref();
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.handle?.stop();
    native().close(this.fd);
  }
}
