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
}

export interface PollHandle {
  /** Stop watching (does not close the fd). */
  stop(): void;
}

export interface NativeAddon {
  abiVersion(): number;

  /** socket(2) with SOCK_NONBLOCK|SOCK_CLOEXEC added. domain/type/protocol are the raw numbers. */
  socket(domain: number, type: number, protocol: number): number;
  close(fd: number): void;
  /** bind(2) to an IPv4/IPv6 address (4 or 16 bytes), port, and for v6 an optional scope id. */
  bindInet(fd: number, addr: Buffer, port: number, scopeId: number): void;
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
  /** recvmsg(2); returns null on EAGAIN. Reads at most `maxLen` bytes. */
  recvmsg(fd: number, maxLen: number): RecvMsg | null;
  /** Call `cb` on the main loop whenever fd is readable (events: 1 = readable, 2 = writable). */
  poll(fd: number, events: number, cb: (status: number, events: number) => void): PollHandle;

  /** One datagram to a unix datagram socket path (syslog /dev/log, $NOTIFY_SOCKET; '@' = abstract). */
  unixDgramSend(path: string, data: Buffer): void;

  /** uv_signal_start for any signal number (including real-time ones Node cannot name). */
  onSignal(signum: number, cb: (signum: number) => void): PollHandle;
  /** SIGRTMIN and SIGRTMAX as this libc reports them. */
  sigrtmin(): number;
  sigrtmax(): number;

  /** prctl(PR_SET_NAME) for the calling thread (process title as seen by pidof / ps -e). */
  setProcessName(name: string): void;
  /** prctl(PR_SET_PDEATHSIG). */
  setParentDeathSignal(signum: number): void;

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
  const candidates = [
    path.join(__dirname, '..', '..', '..', 'native', 'build', 'Release', 'keepalived_native.node'),
    path.join(__dirname, '..', '..', 'native', 'build', 'Release', 'keepalived_native.node'),
  ];
  for (const c of candidates) {
    try {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      cached = require(c) as NativeAddon;
      return cached;
    } catch (e) {
      loadError = e as Error;
    }
  }
  loadError = new Error(`keepalived-ts native addon not built (run 'npm run build:native'): ${loadError?.message ?? ''}`);
  throw loadError;
}
