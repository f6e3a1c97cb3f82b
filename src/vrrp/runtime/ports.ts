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
  sysctl?: SysctlPort;
  procs?: ProcessLister;
  /** Opened at start when an instance has no_accept; undefined when no firewall can be used (nft missing). */
  firewall?: (opts: { table: string; priority: number; counters: boolean; ifindex: boolean }) => FirewallPort | undefined;
}
