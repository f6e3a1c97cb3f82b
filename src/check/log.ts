/**
 * keepalived 2.2.7's checker log lines, per checker kind (texts from check_tcp.c,
 * check_http.c, check_smtp.c, check_dns.c, check_misc.c, check_ping.c, check_udp.c and
 * the 2.2.7 binary's strings). The scheduler decides *when* a line is due; this file
 * only says *what* it reads.
 *
 * `rs`/`vs` are keepalived's FMT_RS/FMT_VS strings, e.g. "[10.0.0.5]:tcp:80".
 */
import type { CheckCode } from './result';
import type { CheckKind, CheckResult } from './types';

export interface LogCtx {
  rs: string;
  vs: string;
  retry: number;
  hasRun: boolean;
  /** This failure exhausted the retries. */
  final: boolean;
  /** For a non-final failure: which retry this is (1-based). */
  attempt: number;
  /** SMTP/DNS "[ip]:port" of the checked address. */
  pair: string;
  /** MISC_CHECK: argv[0]. */
  script?: string;
  /** PING_CHECK: bare address. */
  addr: string;
}

/** When a per-attempt failure line is logged. */
export type AttemptPolicy = 'up-and-logall' | 'up-or-first-and-logall' | 'up-or-first-and-logall-or-final' | 'never';

export interface KindLog {
  attemptPolicy: AttemptPolicy;
  /**
   * A failure once the checker is known down (ran before, is down):
   *   'retry'    like any failure: delay_before_retry while retries are left (TCP, SMTP, PING);
   *   'none'     next run after delay_loop, no retry counting (UDP, DNS, MISC);
   *   'maxDelay' next run after max(delay_before_retry, delay_loop) (HTTP's failed-url poll).
   */
  whileDown: 'retry' | 'none' | 'maxDelay';
  up(c: LogCtx, r: CheckResult): string | undefined;
  /** Lines logged before `up` only when the checker was down (not on the first run while up). */
  upWhileDown?(c: LogCtx, r: CheckResult): string[];
  down(c: LogCtx, r: CheckResult): string | undefined;
  attempt(c: LogCtx, r: CheckResult): string | undefined;
}

const retries = (c: LogCtx, base: string): string =>
  c.retry && c.hasRun ? `${base} failed after ${c.retry} retries.` : `${base} failed.`;

/** HTTP_GET/SSL_GET: the `debug_msg` passed to timeout_epilog(). */
export const HTTP_ATTEMPT_MSG: Partial<Record<CheckCode, string>> = {
  CONNECT_REFUSED: 'Error connecting',
  CONNECT_ERROR: 'Error connecting',
  CONNECT_TIMEOUT: 'Timeout connecting',
  NET_UNREACHABLE: 'HTTP_CHECK - network unreachable',
  TLS_ERROR: 'SSL handshake/communication error connecting to',
  WRITE_TIMEOUT: 'Timeout WEB write',
  WRITE_ERROR: 'Cannot send get request to',
  READ_TIMEOUT: 'Timeout HTTP read',
  READ_ERROR: 'Read error with',
  NO_DATA: 'Read, no data received from ',
  HTTP_STATUS: 'HTTP status code error to',
  HTTP_DIGEST: 'MD5 digest error to',
  HTTP_REGEX: 'Regex match failed',
};

function smtpMsg(c: LogCtx, r: CheckResult): string {
  switch (r.code) {
    case 'CONNECT_REFUSED':
    case 'CONNECT_ERROR':
      return `Error connecting to server ${c.pair}`;
    case 'CONNECT_TIMEOUT':
      return `Connection timeout to server ${c.pair}`;
    case 'NET_UNREACHABLE':
      return `Network unreachable for server ${c.pair} - real server ${c.pair}`;
    case 'READ_TIMEOUT':
      return `Read timeout from server ${c.pair}`;
    case 'WRITE_TIMEOUT':
      return `Write timeout to server ${c.pair}`;
    case 'WRITE_ERROR':
      return `Write failure to server ${c.pair}`;
    case 'SMTP_BAD_BANNER':
      return `Bad greeting banner from server ${c.pair}`;
    case 'SMTP_BAD_HELO':
      return `Bad HELO response from server ${c.pair}`;
    default:
      return `Read failure from server ${c.pair}`;
  }
}

function dnsMsg(c: LogCtx, r: CheckResult): string {
  switch (r.code) {
    case 'READ_TIMEOUT':
      return 'read timeout from socket';
    case 'DNS_BAD_REPLY':
      return `read error occurred. (rcode = ${r.detail ?? '?'})`;
    case 'WRITE_ERROR':
      return 'failed to write socket.';
    case 'WRITE_TIMEOUT':
      return 'write timeout to socket.';
    case 'NET_UNREACHABLE':
      return `network unreachable for ${c.pair}`;
    case 'CONNECT_TIMEOUT':
      return 'connection timeout.';
    case 'CONNECT_ERROR':
      return 'connection error.';
    default:
      return `failed to read socket; errno ${r.detail ?? ''}`.trimEnd();
  }
}

/**
 * keepalived 2.2.7's misc lines: "Misc check for [RS VS VS] by [argv0] <what><suffix>[ (<reason> <n>)]."
 * The suffix wording for retries is reconstructed from the 2.2.7 binary's strings
 * (" on retry %u/%u", " after %u %s"); their exact conditions are a best effort.
 */
function miscLine(c: LogCtx, r: CheckResult, success: boolean): string {
  const head = `Misc check for [${c.rs} VS ${c.vs}] by [${c.script ?? ''}]`;
  if (success) return `${head} succeeded.`;
  const suffix = !c.retry ? '' : c.final ? ` after ${c.retry} ${c.retry === 1 ? 'retry' : 'retries'}` : ` on retry ${c.attempt}/${c.retry}`;
  if (r.code === 'MISC_TIMEOUT') return `${head} timed out${suffix}.`;
  if (r.code === 'MISC_SIGNAL') return `${head} failed${suffix} (due to signal ${r.signal ?? 0}).`;
  if (r.code === 'MISC_SPAWN') return `${head} failed${suffix} (exited with status 127).`;
  return `${head} failed${suffix} (exited with status ${r.exitStatus ?? 1}).`;
}

/** While down, each url that passes logs "<test> success to <rs> url(<path>)" (http_handle_response). */
function httpUrlLines(c: LogCtx, r: CheckResult): string[] {
  return (r.passed ?? []).map((p) => `${p.test} success to ${c.rs} url(${p.path})`);
}

const HTTP_LOG: KindLog = {
  whileDown: 'maxDelay',
  attemptPolicy: 'up-or-first-and-logall',
  upWhileDown: httpUrlLines,
  up: (c) => `Remote Web server ${c.rs} succeed on service.`,
  down: (c) => retries(c, `HTTP_CHECK on service ${c.rs}`),
  attempt: (c, r) => `${HTTP_ATTEMPT_MSG[r.code] ?? 'Error connecting'} server ${c.rs}.`,
};

export const KIND_LOG: Record<CheckKind, KindLog> = {
  TCP_CHECK: {
    whileDown: 'retry',
    attemptPolicy: 'up-and-logall',
    up: (c) => `TCP connection to ${c.rs} success.`,
    down: (c) => retries(c, `TCP_CHECK on service ${c.rs}`),
    attempt: (c, r) => (r.code === 'CONNECT_TIMEOUT' ? `TCP connection to ${c.rs} timeout.` : `TCP connection to ${c.rs} failed.`),
  },
  // SSL_GET logs exactly as HTTP_GET (keepalived shares check_http.c)
  HTTP_GET: HTTP_LOG,
  SSL_GET: HTTP_LOG,
  SMTP_CHECK: {
    whileDown: 'retry',
    attemptPolicy: 'up-or-first-and-logall-or-final',
    up: (c) => `Remote SMTP server ${c.rs} succeed on service.`,
    down: () => undefined,
    attempt: (c, r) => `SMTP_CHECK ${smtpMsg(c, r)}`,
  },
  DNS_CHECK: {
    whileDown: 'none',
    attemptPolicy: 'up-or-first-and-logall-or-final',
    up: () => undefined,
    down: () => undefined,
    attempt: (c, r) => `DNS_CHECK (${c.rs}) ${dnsMsg(c, r)}${c.hasRun && c.final ? ` after ${c.retry} retries` : ''}`,
  },
  MISC_CHECK: {
    whileDown: 'none',
    attemptPolicy: 'up-or-first-and-logall',
    up: (c, r) => miscLine(c, r, true),
    down: (c, r) => miscLine(c, r, false),
    // the final failure has its own (down) line
    attempt: (c, r) => (c.final ? undefined : miscLine(c, r, false)),
  },
  PING_CHECK: {
    whileDown: 'retry',
    attemptPolicy: 'up-and-logall',
    up: (c) => `ICMP connection to ${c.rs} success.`,
    down: (c) => (c.retry && c.hasRun ? `ICMP CHECK on service ${c.rs} of ${c.vs} failed after ${c.retry} retries.` : `ICMP CHECK on service ${c.rs} failed.`),
    attempt: (c, r) => (r.code === 'PING_TIMEOUT' ? `ICMP connection to address ${c.addr} timeout.` : `ICMP connection to ${c.rs} of ${c.vs} failed.`),
  },
  UDP_CHECK: {
    whileDown: 'none',
    attemptPolicy: 'up-and-logall',
    up: (c) => `UDP connection to ${c.rs} success.`,
    down: (c) => retries(c, `UDP_CHECK on service ${c.rs}`),
    attempt: (c, r) => (r.code === 'UDP_BAD_REPLY' ? `UDP check to ${c.rs} reply data mismatch.` : `UDP connection to ${c.rs} failed.`),
  },
  FILE_CHECK: {
    whileDown: 'none',
    attemptPolicy: 'never',
    up: () => undefined,
    down: () => undefined,
    attempt: () => undefined,
  },
};

/** keepalived's inet_sockaddrtotrio(): "[addr]:proto:port". */
export function fmtTrio(addr: string, proto: string, port: number): string {
  return `[${addr}]:${proto}:${port}`;
}

/** keepalived's inet_sockaddrtopair(): "[addr]:port". */
export function fmtPair(addr: string, port: number): string {
  return `[${addr}]:${port}`;
}
