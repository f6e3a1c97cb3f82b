/**
 * The closed set of checker outcomes (relayd's `enum host_error` + string table).
 *
 * Every checker run ends in exactly one CheckCode. The scheduler decides what a code
 * means for the real server (retry, down, up); log.ts turns codes into keepalived's
 * log lines.
 */

export const CHECK_CODES = [
  'OK',
  'CONNECT_REFUSED',
  'CONNECT_TIMEOUT',
  'CONNECT_ERROR',
  'NET_UNREACHABLE',
  'WRITE_TIMEOUT',
  'WRITE_ERROR',
  'READ_TIMEOUT',
  'READ_ERROR',
  'NO_DATA',
  'TLS_ERROR',
  'HTTP_STATUS',
  'HTTP_DIGEST',
  'HTTP_REGEX',
  'SMTP_BAD_BANNER',
  'SMTP_BAD_HELO',
  'DNS_BAD_REPLY',
  'MISC_EXIT',
  'MISC_SIGNAL',
  'MISC_TIMEOUT',
  'MISC_SPAWN',
  'PING_TIMEOUT',
  'PING_ERROR',
  'UDP_NO_REPLY',
  'UDP_BAD_REPLY',
  'UDP_UNREACHABLE',
  'FILE_DOWN',
  'FILE_UNREADABLE',
  'ABORTED',
] as const;

export type CheckCode = (typeof CHECK_CODES)[number];

/** One-line human description of each code (for debug logs and --dump). */
export const CHECK_MESSAGES: Record<CheckCode, string> = {
  OK: 'check succeeded',
  CONNECT_REFUSED: 'connection refused',
  CONNECT_TIMEOUT: 'connection timed out',
  CONNECT_ERROR: 'connection error',
  NET_UNREACHABLE: 'network unreachable',
  WRITE_TIMEOUT: 'write timed out',
  WRITE_ERROR: 'write failed',
  READ_TIMEOUT: 'read timed out',
  READ_ERROR: 'read failed',
  NO_DATA: 'no data received',
  TLS_ERROR: 'TLS handshake failed',
  HTTP_STATUS: 'unexpected HTTP status code',
  HTTP_DIGEST: 'MD5 digest mismatch',
  HTTP_REGEX: 'regex match failed',
  SMTP_BAD_BANNER: 'bad SMTP greeting banner',
  SMTP_BAD_HELO: 'bad SMTP HELO response',
  DNS_BAD_REPLY: 'DNS reply with error rcode',
  MISC_EXIT: 'script exited with failure status',
  MISC_SIGNAL: 'script killed by a signal',
  MISC_TIMEOUT: 'script timed out',
  MISC_SPAWN: 'script could not be started',
  PING_TIMEOUT: 'no ICMP echo reply',
  PING_ERROR: 'ICMP error',
  UDP_NO_REPLY: 'no UDP reply',
  UDP_BAD_REPLY: 'UDP reply did not match',
  UDP_UNREACHABLE: 'ICMP port unreachable',
  FILE_DOWN: 'track file value means down',
  FILE_UNREADABLE: 'track file unreadable',
  ABORTED: 'check aborted',
};

export function isCheckCode(s: string): s is CheckCode {
  return (CHECK_CODES as readonly string[]).includes(s);
}

export function ok(extra: { weight?: number; url?: string; exitStatus?: number } = {}): { code: 'OK' } & typeof extra {
  return { code: 'OK', ...extra };
}
