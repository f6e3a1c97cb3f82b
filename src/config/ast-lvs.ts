/**
 * The typed AST of the LVS side of keepalived.conf: `SSL`, `virtual_server_group`,
 * `virtual_server` (address, `fwmark`, `group`), `real_server` and every health checker.
 *
 * Conventions (same as ast.ts):
 *  - every value a keyword can set is a field, defaults are explicit, units are in the names
 *    (`delayLoopUs`, `persistenceTimeoutS`);
 *  - addresses are canonical text plus family; ports are numbers (0 = none given);
 *  - plain JSON data only, so the checker worker can receive its slice over IPC.
 *
 * Two stages, as in keepalived:
 *  1. the keyword tables (keywords/lvs.ts, keywords/checkers.ts) fill the AST while reading;
 *     values that are inherited (real server ← virtual server, checker ← real server) are
 *     remembered as "configured" but not yet resolved;
 *  2. validateLvs() (keywords/lvs-validate.ts) applies keepalived's semantic checks
 *     (validate_check_config) and resolves the inheritance, in place. After it, every
 *     field of every checker holds the value the checker process will use.
 *
 * keepalived 2.2.7 reference: check/check_parser.c, check/check_data.c, check/check_api.c,
 * check/check_{tcp,http,smtp,dns,misc,ping,udp,file,bfd}.c.
 */
import type { SourcePos } from './types';

export type Family = 4 | 6;
export type LvsProtocol = 'TCP' | 'UDP' | 'SCTP';
export type ForwardingMethod = 'NAT' | 'DR' | 'TUN';
export type TunnelType = 'ipip' | 'gue' | 'gre';
export type TunnelCsum = 'nocsum' | 'csum' | 'remcsum';

/** `lb_kind`/`lvs_method NAT|DR|TUN [type ipip|gue port N|gre] [nocsum|csum|remcsum]`. */
export interface Forwarding {
  method: ForwardingMethod;
  /** Only for TUN; ipip unless configured. */
  tunType?: TunnelType;
  /** Only for TUN type gue. */
  tunPort?: number;
  /** Only for TUN; nocsum unless configured. */
  tunCsum?: TunnelCsum;
}

/** A script-valued keyword (`misc_path`, `notify_up`, `quorum_up` …): argv plus optional user/group. */
export interface LvsScriptSpec {
  argv: string[];
  /** The command text as written (before re-tokenising). */
  cmd: string;
  user?: string;
  group?: string;
  pos: SourcePos;
}

/** `SSL { password; ca; certificate; key }`: the client context for SSL_GET. */
export interface SslConfig {
  password?: string;
  caFile?: string;
  certFile?: string;
  keyFile?: string;
  pos: SourcePos;
}

/** One line of a `virtual_server_group` block. */
export type VsgEntry =
  | {
      kind: 'range';
      family: Family;
      /** First and last address (equal for a single address). */
      start: string;
      end: string;
      /** 0 when no port was given. */
      port: number;
      pos: SourcePos;
    }
  | {
      kind: 'fwmark';
      fwmark: number;
      /** `fwmark N inet|inet6`; absent when no family was given. */
      family?: Family;
      pos: SourcePos;
    };

export interface VirtualServerGroup {
  name: string;
  entries: VsgEntry[];
  pos: SourcePos;
}

/** What a `virtual_server` line names. */
export type VsKey =
  | { kind: 'ip'; ip: string; family: Family; port: number }
  | { kind: 'fwmark'; fwmark: number }
  /** `seq` numbers the virtual servers naming the same group (0, 1, …); keepalived prints it as the port. */
  | { kind: 'group'; name: string; seq: number };

export interface SorryServer {
  ip: string;
  family: Family;
  /** 0 when no port was given (keepalived then uses the virtual server's port, unless NAT/fwmark). */
  port: number;
  inhibit: boolean;
  forwarding: Forwarding;
  pos: SourcePos;
}

/** Connection options of every checker except MISC/FILE/BFD (install_checker_common_keywords(true)). */
export interface ConnOpts {
  /** Destination: the real server's address and port unless connect_ip / connect_port. */
  dstIp: string;
  dstFamily: Family;
  dstPort: number;
  bindIp?: string;
  bindFamily?: Family;
  bindPort?: number;
  bindIf?: string;
  connectTimeoutUs: number;
  /** SO_MARK for the check traffic; 0 = none. */
  fwmark: number;
}

/** Scheduling options every polled checker has (resolved by validateLvs). */
export interface CheckerTiming {
  alpha: boolean;
  delayLoopUs: number;
  /** A random start delay in [0, warmupUs]; 0 = start at once. */
  warmupUs: number;
  retry: number;
  delayBeforeRetryUs: number;
  logAllFailures: boolean;
}

export interface TcpCheck extends CheckerTiming {
  kind: 'TCP_CHECK';
  conn: ConnOpts;
  pos: SourcePos;
}

export interface PingCheck extends CheckerTiming {
  kind: 'PING_CHECK';
  conn: ConnOpts;
  pos: SourcePos;
}

export type HttpProtocol = '1.0' | '1.0C' | '1.1';

export interface HttpRegex {
  pattern: string;
  /** PCRE2 option names as configured (`caseless`, `multiline` …). */
  options: string[];
  noMatch: boolean;
  minOffset: number;
  /** Last acceptable match offset; absent = no limit. */
  maxOffset?: number;
  stack?: { start: number; max: number };
}

export interface HttpUrl {
  path: string;
  /** MD5 of the body, 32 lower-case hex digits. */
  digest?: string;
  /** Accepted status codes as inclusive ranges, sorted, merged; default [[200, 299]]. */
  statusCodes: Array<[number, number]>;
  virtualhost?: string;
  regex?: HttpRegex;
  pos: SourcePos;
}

export interface HttpCheck extends CheckerTiming {
  kind: 'HTTP_GET' | 'SSL_GET';
  conn: ConnOpts;
  httpProtocol: HttpProtocol;
  virtualhost?: string;
  enableSni: boolean;
  fastRecovery: boolean;
  urls: HttpUrl[];
  pos: SourcePos;
}

export interface SmtpCheck extends CheckerTiming {
  kind: 'SMTP_CHECK';
  conn: ConnOpts;
  heloName: string;
  /** True when this checker came from a (deprecated) `host { }` sub-block. */
  fromHostBlock: boolean;
  pos: SourcePos;
}

export type DnsType = 'A' | 'NS' | 'CNAME' | 'SOA' | 'MX' | 'TXT' | 'AAAA' | 'RRSIG' | 'DNSKEY';

export interface DnsCheck extends CheckerTiming {
  kind: 'DNS_CHECK';
  conn: ConnOpts;
  type: DnsType;
  name: string;
  pos: SourcePos;
}

export interface MiscCheck extends CheckerTiming {
  kind: 'MISC_CHECK';
  script: LvsScriptSpec;
  /** misc_timeout; when not configured keepalived uses the virtual server's delay_loop. */
  timeoutUs: number;
  dynamic: boolean;
  pos: SourcePos;
}

export interface UdpCheck extends CheckerTiming {
  kind: 'UDP_CHECK';
  conn: ConnOpts;
  /** Payload bytes as lower-case hex; absent = empty datagram. */
  payload?: string;
  requireReply: boolean;
  /** Expected reply bytes (hex), and with x/X wildcards a mask (hex) whose set bits are not compared. */
  replyData?: string;
  replyMask?: string;
  minReplyLength: number;
  maxReplyLength: number;
  pos: SourcePos;
}

export interface FileCheck {
  kind: 'FILE_CHECK';
  trackFile: string;
  weight: number;
  reverse: boolean;
  pos: SourcePos;
}

export interface BfdCheck {
  kind: 'BFD_CHECK';
  name: string;
  alpha: boolean;
  pos: SourcePos;
}

export type Checker = TcpCheck | PingCheck | HttpCheck | SmtpCheck | DnsCheck | MiscCheck | UdpCheck | FileCheck | BfdCheck;
export type CheckerKind = Checker['kind'];
export type PolledChecker = Exclude<Checker, FileCheck | BfdCheck>;

export interface RealServer {
  ip: string;
  family: Family;
  /** 0 when none given; validateLvs copies the virtual server's port where keepalived does. */
  port: number;
  weight: number;
  forwarding: Forwarding;
  inhibitOnFailure: boolean;
  alpha: boolean;
  smtpAlert: boolean;
  /** Connection limits (0 = none). */
  upperThreshold: number;
  lowerThreshold: number;
  notifyUp?: LvsScriptSpec;
  notifyDown?: LvsScriptSpec;
  virtualhost?: string;
  snmpName?: string;
  /** Inherited by this server's checkers (resolved: VS value when not configured here). */
  delayLoopUs: number;
  connectTimeoutUs: number;
  /** Configured here or on the virtual server; absent = each checker kind's own default. */
  retry?: number;
  delayBeforeRetryUs?: number;
  warmupUs?: number;
  checkers: Checker[];
  pos: SourcePos;
}

export interface VirtualServer {
  key: VsKey;
  /** Address family of the service; for a group with both families and no other hint, undefined. */
  family?: Family;
  /** undefined = none (fwmark services). */
  protocol?: LvsProtocol;
  scheduler: string;
  /** `ops`, `hashed`, `flag-1..3`, `sh-port`, `sh-fallback`, `mh-port`, `mh-fallback` as set. */
  flags: string[];
  forwarding: Forwarding;
  /** 0 = not persistent. */
  persistenceTimeoutS: number;
  /** Netmask (IPv4, dotted) or prefix length (IPv6, decimal) as text. */
  persistenceGranularity?: string;
  persistenceEngine?: string;
  haSuspend: boolean;
  virtualhost?: string;
  smtpAlert: boolean;
  snmpName?: string;
  alpha: boolean;
  omega: boolean;
  quorum: number;
  hysteresis: number;
  quorumUp?: LvsScriptSpec;
  quorumDown?: LvsScriptSpec;
  /** Default weight of real servers. */
  weight: number;
  inhibitOnFailure: boolean;
  delayLoopUs: number;
  connectTimeoutUs: number;
  retry?: number;
  delayBeforeRetryUs?: number;
  warmupUs?: number;
  sorryServer?: SorryServer;
  realServers: RealServer[];
  pos: SourcePos;
}

export interface LvsConfig {
  ssl?: SslConfig;
  virtualServerGroups: VirtualServerGroup[];
  virtualServers: VirtualServer[];
}

/** What validateLvs needs from global_defs and the rest of the configuration. */
export interface LvsGlobalView {
  enableScriptSecurity: boolean;
  /** global_defs smtp_alert / smtp_alert_checker; undefined = not configured. */
  smtpAlert?: boolean;
  smtpAlertChecker?: boolean;
  /**
   * global_defs script_user (its user name), if configured. Without it, and with
   * enable_script_security, scripts without a user need the user keepalived_script.
   */
  scriptUser?: string;
  /** Names of `track_file` blocks (FILE_CHECK references them). */
  trackFiles: ReadonlySet<string>;
  /**
   * Their `weight W [reverse]`: a FILE_CHECK without a weight (or with weight 0) takes its
   * track_file's, as keepalived 2.2.7's file_end_handler (observed in the IPVS VM).
   */
  trackFileWeights?: ReadonlyMap<string, { weight: number; reverse: boolean }>;
  /** Names of `bfd_instance` blocks (BFD_CHECK references them). */
  bfdInstances: ReadonlySet<string>;
}

export interface LvsValidateOptions {
  /** Interfaces of the namespace (bind_if checks); not checked when absent. */
  interfaces?: ReadonlySet<string>;
  /**
   * Whether a script's argv[0] can be found and executed (keepalived drops MISC_CHECKs whose
   * script is missing, and only counts found scripts for the script-security verdict).
   * When absent every script counts as found.
   */
  scriptFound?: (argv0: string) => boolean;
  /**
   * Whether a user / group name exists (scripts with an unknown `user [group]` are dropped by
   * keepalived, a MISC_CHECK with "Failed to set uid/gid …"). When absent, all exist.
   */
  userExists?: (name: string) => boolean;
  groupExists?: (name: string) => boolean;
}

export { emptyLvsConfig, lvsRootKeywords } from './keywords/lvs';
export { validateLvs } from './keywords/lvs-validate';
export { formatVs, formatRs, formatVsgEntry, formatChecker, formatSockTrio } from './keywords/lvs-format';
