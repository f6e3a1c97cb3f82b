/**
 * Loader and typed surface of the native addon (native/src/*.cc, built by node-gyp in `npm ci`).
 *
 * The addon is thin: each function is one syscall-shaped operation, no policy. Errors are
 * thrown as `NativeError` objects `{errno, code, syscall, message}` (code like 'EADDRINUSE').
 * Only src/sys/** may import this module.
 *
 * File descriptors returned here are non-blocking and close-on-exec. Readiness is delivered
 * by `poll()`, which hooks the fd into libuv (uv_poll) and calls back on the main loop.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

export interface NativeError extends Error {
  errno: number;
  code: string;
  syscall: string;
}

/** Metadata returned by recvmsg() from the control messages the socket was asked for. */
export interface RecvMsg {
  data: Buffer;
  /** Source address: 4 or 16 bytes. */
  from: Buffer;
  /** IP_PKTINFO / IPV6_PKTINFO: interface index the packet arrived on (0 if unknown). */
  ifindex: number;
  /** IP_PKTINFO / IPV6_PKTINFO: destination address (4 or 16 bytes; empty if unknown). */
  to: Buffer;
  /** IPV6_HOPLIMIT / IP_TTL from cmsg, -1 if not reported. */
  hopLimit: number;
  /** sin6_scope_id of the source (IPv6 link-local), else 0. */
  scopeId: number;
  /** MSG_TRUNC: the datagram was longer than maxLen. */
  truncated: boolean;
}

export interface PollHandle {
  /** Stop watching (does not close the fd). Safe to call twice and after close(fd). */
  stop(): void;
  /** uv_ref / uv_unref: whether this watcher keeps the event loop alive (default: it does). */
  ref(): void;
  unref(): void;
}

export interface NativeAddon {
  abiVersion(): number;

  /** socket(2) with SOCK_NONBLOCK|SOCK_CLOEXEC added. domain/type/protocol are the raw numbers. */
  socket(domain: number, type: number, protocol: number): number;
  close(fd: number): void;
  /** bind(2) to an IPv4/IPv6 address (4 or 16 bytes), port, and for v6 an optional scope id. */
  bindInet(fd: number, addr: Buffer, port: number, scopeId: number): void;
  /** connect(2) to an IPv4/IPv6 address (4 or 16 bytes), port and v6 scope id (datagram sockets: at once). */
  connectInet(fd: number, addr: Buffer, port: number, scopeId: number): void;
  /** connectInet returning 0 or the errno (EINPROGRESS…) instead of throwing (TCP_CHECK's hot path). */
  connectInetNb?(fd: number, addr: Buffer, port: number, scopeId: number): number;
  /** bind(2) an AF_PACKET socket to ifindex/protocol (protocol in host order, e.g. 0x0806). */
  bindPacket(fd: number, ifindex: number, protocol: number): void;
  setsockoptInt(fd: number, level: number, name: number, value: number): void;
  setsockoptBuf(fd: number, level: number, name: number, value: Buffer): void;
  /** SO_BINDTODEVICE. */
  bindToDevice(fd: number, ifname: string): void;
  /** sendto(2) to an IPv4/IPv6 address; returns bytes sent. */
  sendtoInet(fd: number, data: Buffer, addr: Buffer, port: number, scopeId: number): number;
  /** sendto(2) on an AF_PACKET socket: one frame to ifindex with link-layer destination `mac`. */
  sendtoPacket(fd: number, data: Buffer, ifindex: number, protocol: number, mac: Buffer): number;
  /** send(2) on a socket with a default destination (netlink: the kernel). Returns bytes sent. */
  send(fd: number, data: Buffer): number;
  /** bind(2) an AF_NETLINK socket with multicast `groups`; returns the port id (nl_pid) assigned. */
  bindNetlink(fd: number, groups: number): number;
  getsockoptInt(fd: number, level: number, name: number): number;
  /** if_nametoindex(3); throws ENODEV if there is no such interface. */
  ifNameToIndex(name: string): number;
  /** recvmsg(2); returns null on EAGAIN. Reads at most `maxLen` bytes. */
  recvmsg(fd: number, maxLen: number): RecvMsg | null;
  /**
   * Call `cb` on the main loop whenever fd is readable (events: 1 = readable, 2 = writable).
   * One watcher per fd (EEXIST otherwise); close(fd) stops it. status < 0 is a libuv error.
   */
  poll(fd: number, events: number, cb: (status: number, events: number) => void): PollHandle;
  /** epoll_create1(EPOLL_CLOEXEC): an epoll set of our own (watch its fd with poll()). */
  epollCreate?(): number;
  /** epoll_ctl(2); `data` (integer < 2^53) comes back from epollWait as the event's tag. */
  epollCtl?(epfd: number, op: number, fd: number, events: number, data: number): void;
  /** epoll_wait(2) with no wait: [data, events, data, events, …], [] when nothing is ready. */
  epollWait?(epfd: number, maxEvents: number): number[];

  /** One datagram to a unix datagram socket path (syslog /dev/log, $NOTIFY_SOCKET; '@' = abstract). */
  unixDgramSend(path: string, data: Buffer): void;
  /** sendto(2) on an existing AF_UNIX datagram fd (e.g. one kept open for syslog). */
  sendtoUnix(fd: number, data: Buffer, path: string): number;
  /** A bound AF_UNIX datagram socket (listener); read it with recvmsg(). Does not unlink. */
  unixDgramBind(path: string): number;

  /** uv_signal_start for any signal number (including real-time ones Node cannot name). */
  onSignal(signum: number, cb: (signum: number) => void): PollHandle;
  /** SIGRTMIN and SIGRTMAX as this libc reports them. */
  sigrtmin(): number;
  sigrtmax(): number;

  /** prctl(PR_SET_NAME) for the calling thread (process title as seen by pidof / ps -e). */
  setProcessName(name: string): void;
  /** setns(2) for the calling (main) thread; nstype e.g. CLONE_NEWNET = 0x40000000, 0 = any. */
  setns(fd: number, nstype: number): void;
  /** prctl(PR_SET_PDEATHSIG). */
  setParentDeathSignal(signum: number): void;
  /** sched_setscheduler(2) for one thread (0 = the caller); policy raw (SCHED_RR 2 | SCHED_RESET_ON_FORK 0x40000000). */
  schedSetScheduler(tid: number, policy: number, priority: number): void;
  /** sched_setaffinity(2) for one thread (0 = the caller) to the listed CPUs. */
  schedSetAffinity(tid: number, cpus: number[]): void;
  /** setpriority(PRIO_PROCESS, tid, nice): on Linux one thread's nice value. */
  setPriority(tid: number, nice: number): void;
  /** mlock2(2) of one range (MLOCK_ONFAULT 1; addresses as /proc/self/maps gives them) and munlockall(2). */
  mlock2(addr: number, len: number, flags: number): void;
  munlockall(): void;
  /** getrlimit/setrlimit(2); RLIM_INFINITY is -1. Returns [soft, hard]. */
  getrlimit(resource: number): [number, number];
  setrlimit(resource: number, soft: number, hard: number): void;
  /** SIGXCPU handler that returns the thread it hits to SCHED_OTHER (RLIMIT_RTTIME soft limit); xcpuHits counts them. */
  installXcpuGuard(): void;
  xcpuHits(): number;

  /**
   * IPVS over generic netlink, one call per kernel command. Each takes/returns plain objects
   * mirroring the kernel attributes (see src/sys/ipvs.ts for the TypeScript types).
   */
  ipvsCommand?(cmd: number, attrs: unknown): unknown;
}

let cached: NativeAddon | undefined;
let loadError: Error | undefined;

/** Load the addon once; throws a clear error if it was not built. */
export function native(): NativeAddon {
  if (cached) return cached;
  if (loadError) throw loadError;
  const rel = path.join('native', 'build', 'Release', 'keepalived_native.node');
  // dist*/src/sys -> repo root is three levels up; src/sys (ts-node style) is two.
  const candidates = [path.join(__dirname, '..', '..', '..', rel), path.join(__dirname, '..', '..', rel)];
  const found = candidates.find((c) => fs.existsSync(c));
  if (!found) {
    loadError = new Error(
      `keepalived-ts native addon not built: ${candidates[0]} is missing (run 'npm run build:native', ` +
        `which needs a C++ compiler and node-gyp)`,
    );
    throw loadError;
  }
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    cached = require(found) as NativeAddon;
    return cached;
  } catch (e) {
    loadError = new Error(`keepalived-ts native addon at ${found} failed to load (rebuild with 'npm run build:native'): ${(e as Error).message}`);
    throw loadError;
  }
}

/** True if the addon can be loaded (for callers that can degrade, e.g. dry-run). */
export function nativeAvailable(): boolean {
  try {
    native();
    return true;
  } catch {
    return false;
  }
}
