/**
 * The ports the VRRP runtime talks through. src/vrrp/engine.ts supplies the real ones
 * (src/sys/*); test/unit/vrrp-engine supplies fakes.
 */
import type { Clock } from '../../sys/clock';
import type { GarpPort } from '../../sys/garp';
import type { NetlinkPort } from '../../sys/netlink-rt';
import type { RecvMsg, VrrpSocketPort } from '../../sys/rawsock';
import type { Notifier } from './notifier';

/** An address whose traffic no_accept drops (src/sys/nftables.ts). */
export interface FirewallAddr {
  family: 4 | 6;
  address: string;
  ifname: string;
  ifindex: number;
}

/** no_accept / strict: drop rules for the VIPs of a non-owner master (keepalived's nftables tables). */
export interface FirewallPort {
  block(addrs: FirewallAddr[]): Promise<void>;
  unblock(addrs: FirewallAddr[]): Promise<void>;
  /** use_vmac: IGMP/MLD from the VMACs leaves through their base interfaces. */
  setVmacs?(pairs: { family: 4 | 6; vmac: string; base: string }[]): Promise<void>;
  /** The VMACs were created again (new ifindexes): the map is rebuilt with `pairs`. */
  refreshVmacs?(pairs: { family: 4 | 6; vmac: string; base: string }[]): Promise<void>;
  /** Remove everything installed (on stop). */
  close(): Promise<void>;
}

export interface SocketRequest {
  family: 4 | 6;
  ifname: string;
  /** Multicast groups to join. */
  groups: string[];
  /** IPv4: we build the IP header (TOS 0xc0, id, TTL) as keepalived does. */
  hdrincl: boolean;
  /** IP protocol, default 112 (VRRP); 51 (AH) for `auth_type AH` instances, which keepalived gives sockets of their own. */
  protocol?: number;
  rcvBuf?: number;
  /** Transmit only (use_vmac: adverts leave through the VMAC, reception stays on the base interface). */
  sendOnly?: boolean;
}

export interface ProcInfo {
  pid: number;
  /** /proc/PID/comm (at most 15 characters). */
  comm: string;
  /** /proc/PID/cmdline split at NULs. */
  argv: string[];
}

/** The running processes (vrrp_track_process). */
export interface ProcessLister {
  list(): ProcInfo[];
}

/** /proc/sys access (paths relative to /proc/sys, e.g. 'net/ipv4/conf/eth0/arp_ignore'). */
export interface SysctlPort {
  get(path: string): string | undefined;
  set(path: string, value: string): boolean;
}

export interface RuntimeLog {
  info(msg: string): void;
  warn(msg: string): void;
  error(msg: string): void;
  debug(msg: string): void;
  /** Only with -D (keepalived's "detailed" lines). */
  detailed(msg: string): void;
}

/** A running script (track_script). */
export interface ScriptRun {
  /** Resolves with the exit code (null when killed by a signal) and whether the timeout fired. */
  done: Promise<{ code: number | null; signal: string | null; timedOut: boolean }>;
  kill(): void;
}

export interface ScriptRunner {
  run(argv: string[], opts: { timeoutMs: number; user?: string; group?: string }): ScriptRun;
}

export interface FileReader {
  /** File content, or undefined when missing/unreadable. */
  read(path: string): string | undefined;
  /**
   * track_file `init_file VALUE [overwrite]`: write `text` to `path` when it does not exist (or
   * always with `overwrite`); false when it could not be written.
   */
  create?(path: string, text: string, overwrite: boolean): boolean;
}

/** A watch set by FileWatcher.watch. */
export interface FileWatch {
  close(): void;
}

/**
 * "Watch this path" (track_file, FILE_CHECK): keepalived 2.2.7 watches the file's directory with
 * inotify (IN_CLOSE_WRITE, IN_DELETE, IN_MOVE) and reacts at once. `onChange` is called after the
 * file was written, created, deleted or renamed into or out of place; the caller reads it again
 * (a missing file reads as 0). The result says why no watch could be set: `no-dir` when the
 * directory does not exist (keepalived drops the tracker: "Track file directory for NAME does
 * not exist - removing"), `failed` for anything else (the caller then polls, and says so).
 * The real one is src/sys/filewatch.ts.
 */
export interface FileWatcher {
  watch(path: string, onChange: () => void): FileWatch | { error: 'no-dir' | 'failed'; message: string };
}

export interface RuntimePorts {
  clock: Clock;
  netlink: NetlinkPort;
  garp: GarpPort;
  openSocket(req: SocketRequest, onMessage: (m: RecvMsg) => void): VrrpSocketPort;
  log: RuntimeLog;
  notifier: Notifier;
  scripts?: ScriptRunner;
  files?: FileReader;
  /** track_file watches; without it (or when a watch cannot be set) track files are polled. */
  watcher?: FileWatcher;
  sysctl?: SysctlPort;
  procs?: ProcessLister;
  /** Opened at start when an instance has no_accept; undefined when no firewall can be used (nft missing). */
  firewall?: (opts: { table: string; priority: number; counters: boolean; ifindex: boolean }) => FirewallPort | undefined;
}
