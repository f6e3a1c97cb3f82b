/**
 * Narrow target types for the health checkers, independent of the config AST.
 *
 * Each checker (checkers/*.ts) takes one of these and returns a CheckResult. A mapping
 * from the configuration AST (virtual_server / real_server / *_CHECK blocks) to these
 * types lives in from-config.ts. Times are milliseconds; names carry the unit.
 */
import type { CheckCode } from './result';

export type CheckKind =
  | 'TCP_CHECK'
  | 'HTTP_GET'
  | 'SSL_GET'
  | 'SMTP_CHECK'
  | 'DNS_CHECK'
  | 'MISC_CHECK'
  | 'PING_CHECK'
  | 'UDP_CHECK'
  | 'FILE_CHECK';

/** Connection options shared by the network checkers (`install_checker_common_keywords(true)`). */
export interface ConnOpts {
  /** Destination address (connect_ip, else the real server's address). */
  host: string;
  /** Destination port (connect_port, else the real server's port). */
  port: number;
  /** bindto: source address. */
  bindto?: string;
  /** bind_port: source port. */
  bindPort?: number;
  /** bind_if: SO_BINDTODEVICE through the socket openers (conn.ts, udp-sock.ts); also the scope of IPv6 link-local destinations. */
  bindIf?: string;
  /** connect_timeout, applied to the connect and to each read/write step (keepalived's connection_to). */
  connectTimeoutMs: number;
  /** fwmark (SO_MARK); applied through the socket openers (conn.ts setSockOpener, udp-sock.ts setDgramOpener). */
  fwmark?: number;
}

export interface TcpTarget extends ConnOpts {
  kind: 'TCP_CHECK';
}

/** status_code ranges, inclusive. Default (none given) is 200-299. */
export type StatusRange = readonly [number, number];

export interface HttpUrl {
  path: string;
  /** MD5 of the body, lower-case hex (32 chars). */
  digest?: string;
  /** Accepted status codes; empty/absent = 200-299. */
  statusCodes?: StatusRange[];
  /** url-level virtualhost (overrides the checker/rs/vs one). */
  virtualhost?: string;
  /** regex, compiled as a JS RegExp (PCRE2 features without a JS equivalent are not supported). */
  regex?: string;
  /** JS RegExp flags mapped from regex_options (caseless → i, multiline → m, dotall → s). */
  regexFlags?: string;
  /** regex_no_match: the check passes when the regex does NOT match. */
  regexNoMatch?: boolean;
  /** regex_min_offset / regex_max_offset: the match must start within [min, max) of the body. */
  regexMinOffset?: number;
  regexMaxOffset?: number;
}

export type HttpProtocol = '1.0' | '1.0C' | '1.1';

export interface TlsOpts {
  /** PEM file paths (the `SSL { }` block). */
  ca?: string;
  certificate?: string;
  key?: string;
  password?: string;
}

export interface HttpTarget extends ConnOpts {
  kind: 'HTTP_GET' | 'SSL_GET';
  tls: boolean;
  urls: HttpUrl[];
  httpProtocol: HttpProtocol;
  /** Checker/real-server/virtual-server virtualhost, already resolved in that order. */
  virtualhost?: string;
  /** enable_sni: send the virtualhost as SNI (SSL_GET). */
  enableSni?: boolean;
  /** fast_recovery: when recovering, check every url at once instead of one per delay_loop. */
  fastRecovery?: boolean;
  ssl?: TlsOpts;
}

export interface SmtpTarget extends ConnOpts {
  kind: 'SMTP_CHECK';
  /** helo_name (default: global smtp_helo_name, else "smtpchecker.keepalived.org"). */
  heloName: string;
}

export type DnsType = 'A' | 'NS' | 'CNAME' | 'SOA' | 'MX' | 'TXT' | 'AAAA' | 'RRSIG' | 'DNSKEY';

export interface DnsTarget extends ConnOpts {
  kind: 'DNS_CHECK';
  type: DnsType;
  /** Query name; "." is the root. */
  name: string;
}

export interface MiscTarget {
  kind: 'MISC_CHECK';
  /** misc_path split into argv (no shell). */
  argv: string[];
  /** misc_timeout (default delay_loop). */
  timeoutMs: number;
  /** misc_dynamic: exit 2..255 means up with weight exit-2. */
  dynamic: boolean;
  uid?: number;
  gid?: number;
  /** Time between SIGTERM and SIGKILL (keepalived: 2 s). */
  killGraceMs?: number;
}

export interface PingTarget {
  kind: 'PING_CHECK';
  host: string;
  bindto?: string;
  connectTimeoutMs: number;
  /** bind_if: SO_BINDTODEVICE on the ICMP socket (native pinger only). */
  bindIf?: string;
  /** fwmark: SO_MARK on the ICMP socket (native pinger only). */
  fwmark?: number;
}

export interface UdpTarget extends ConnOpts {
  kind: 'UDP_CHECK';
  /** payload (hex in the config). Default: empty datagram. */
  payload?: Buffer;
  /** require_reply: expected bytes and a mask (0xf0/0x0f nibbles cleared for X wildcards). */
  requireReply?: { data: Buffer; mask: Buffer };
  /** When true, a reply is required (require_reply given, possibly without data). */
  replyRequired: boolean;
  minReplyLength: number;
  maxReplyLength: number;
}

export interface FileTarget {
  kind: 'FILE_CHECK';
  /** Path of the track_file. */
  path: string;
  /** weight W: 0 means "non-zero value → down". */
  weight: number;
  reverse: boolean;
}

export type CheckTarget =
  | TcpTarget
  | HttpTarget
  | SmtpTarget
  | DnsTarget
  | MiscTarget
  | PingTarget
  | UdpTarget
  | FileTarget;

/** What one run of one checker found. */
export interface CheckResult {
  code: CheckCode;
  /** Extra human detail (errno text, exit status, the URL…). */
  detail?: string;
  /** MISC misc_dynamic: the absolute weight (exit−2). FILE_CHECK: the delta to the configured weight. */
  weight?: number;
  /** MISC_CHECK: exit status or signal number for the log line. */
  exitStatus?: number;
  signal?: number;
  /** HTTP: path of the url that failed or, on success, of the last url checked. */
  url?: string;
  /** HTTP success: each url checked and the last test it passed ("HTTP status code", "MD5 digest", "Regex match"). */
  passed?: { path: string; test: string }[];
}

export type Checker<T> = (target: T, signal: AbortSignal) => Promise<CheckResult>;
