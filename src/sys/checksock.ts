/**
 * Check sockets with the options Node's sockets cannot set: fwmark (SO_MARK) and bind_if
 * (SO_BINDTODEVICE), plus bindto/bind_port, applied before connect as keepalived does.
 *
 * - nativeSockOpener: an unconnected TCP fd, created non-blocking by the addon and then
 *   wrapped by `new net.Socket({ fd })` in src/check/checkers/conn.ts (which owns
 *   connect/timeouts);
 * - nativeConnectProbe: TCP_CHECK as keepalived's check_tcp does it, with no net.Socket:
 *   non-blocking socket (options as above), connect, wait for writable in one epoll set of
 *   ours (EpollSet, its fd watched by one uv_poll), getsockopt(SO_ERROR), close
 *   (src/check/checkers/tcp.ts owns the timeout, abort and result codes);
 * - nativeDgramOpener: a connected UDP socket for UDP_CHECK and DNS_CHECK
 *   (src/check/checkers/udp-sock.ts owns the waiting and the error codes). Being connected,
 *   it gets the kernel's ICMP unreachable for its peer as a socket error: libuv's uv_poll
 *   then reports status < 0 (POLLERR) and stops watching, and recv() throws ECONNREFUSED /
 *   EHOSTUNREACH / ENETUNREACH.
 */
import { getSystemErrorName } from 'node:util';
import { parseIp } from '../lib/ip';
import { native, type NativeAddon, type PollHandle } from './native';
import { AF_INET, AF_INET6, SOCK_DGRAM, SOL_SOCKET } from './sockconst';

const SOCK_STREAM = 1;
const SO_MARK = 36;
const SO_ERROR = 4;
const EINPROGRESS = 115;
const POLLOUT = 2; // the addon's poll() events: 1 = readable, 2 = writable (UV_WRITABLE)

export interface CheckSockOpts {
  fwmark?: number;
  bindIf?: string;
  bindto?: string;
  bindPort?: number;
}

/** socket(2) of `type` with SO_MARK, SO_BINDTODEVICE and bind(2) applied; closed again on failure. */
function openConfigured(n: NativeAddon, family: 4 | 6, type: number, o: CheckSockOpts): number {
  const fd = n.socket(family === 6 ? AF_INET6 : AF_INET, type, 0);
  try {
    if (o.fwmark) n.setsockoptInt(fd, SOL_SOCKET, SO_MARK, o.fwmark);
    if (o.bindIf) n.bindToDevice(fd, o.bindIf);
    if (o.bindto || o.bindPort) {
      const ip = o.bindto ? parseIp(o.bindto) : undefined;
      if (o.bindto && (!ip || ip.family !== family)) throw Object.assign(new Error(`bindto ${o.bindto}: not an IPv${family} address`), { code: 'EINVAL' });
      n.bindInet(fd, ip ? ip.bytes : Buffer.alloc(family === 6 ? 16 : 4), o.bindPort ?? 0, 0);
    }
    return fd;
  } catch (e) {
    n.close(fd);
    throw e;
  }
}

/** Returns a function opening a configured, unconnected TCP socket fd (throws NativeError). */
export function nativeSockOpener(n: NativeAddon = native()): (family: 4 | 6, o: CheckSockOpts) => number {
  return (family, o) => openConfigured(n, family, SOCK_STREAM, o);
}

/** One connect in flight (nativeConnectProbe); cancel() closes its fd unless it is done. */
export interface ConnectRun {
  cancel(): void;
}

/**
 * Starts a TCP connect to o.host:o.port; `done` is called once, on the main loop, with null
 * (connected: SO_ERROR 0) or the errno's name ('ECONNREFUSED', 'EHOSTUNREACH'…); the fd is
 * closed before. Never called after cancel(). Throws (a NativeError, closed fd) when the socket
 * cannot be opened, configured or connected at once (e.g. ENETUNREACH); returns undefined when
 * o.host is not an IP address (the caller then uses another path).
 */
export type ConnectProbe = (o: ConnectProbeOpts, done: (err: string | null) => void) => ConnectRun | undefined;

export interface ConnectProbeOpts extends CheckSockOpts {
  /** Destination address; an IPv6 link-local one takes its scope from `%ifname`, else from bindIf. */
  host: string;
  port: number;
}

/** The connect errnos by number (Linux), else libuv's table. */
const ERRNO_NAMES: Record<number, string> = {
  101: 'ENETUNREACH',
  104: 'ECONNRESET',
  110: 'ETIMEDOUT',
  111: 'ECONNREFUSED',
  113: 'EHOSTUNREACH',
};

export function errnoName(errno: number): string {
  const known = ERRNO_NAMES[errno];
  if (known) return known;
  try {
    return getSystemErrorName(-Math.abs(errno));
  } catch {
    return `errno ${errno}`;
  }
}

interface Dest {
  family: 4 | 6;
  bytes: Buffer;
  /** Interface whose index is the scope of a link-local IPv6 destination, looked up per connect. */
  scopeIf: string | undefined;
}

function destOf(o: ConnectProbeOpts): Dest | null {
  const dst = parseIp(o.host);
  if (!dst) return null;
  let scopeIf: string | undefined;
  if (dst.family === 6 && dst.bytes[0] === 0xfe && (dst.bytes[1]! & 0xc0) === 0x80) {
    const pct = o.host.indexOf('%');
    scopeIf = pct >= 0 ? o.host.slice(pct + 1) : o.bindIf;
  }
  return { family: dst.family, bytes: dst.bytes, scopeIf };
}

/** A connect in flight: its fd, closed exactly once (readiness, or cancel). */
class ProbeRun implements ConnectRun {
  private open = true;
  /** Its tag in the EpollSet (0: watched by its own poll()). */
  tag = 0;

  constructor(
    private readonly n: NativeAddon,
    private readonly fd: number,
    private readonly done: (err: string | null) => void,
    private readonly set: EpollSet | undefined,
  ) {}

  /** Writable (connected or failed), or status < 0 (error condition): SO_ERROR says which. */
  readonly onPoll = (status: number): void => {
    if (!this.open) return;
    let err: string | null = null;
    try {
      const e = this.n.getsockoptInt(this.fd, SOL_SOCKET, SO_ERROR);
      if (e !== 0) err = errnoName(e);
      else if (status < 0) err = errnoName(status);
    } catch (e) {
      err = (e as { code?: string }).code ?? 'EIO';
    }
    this.closeFd();
    this.done(err);
  };

  cancel(): void {
    this.closeFd();
  }

  private closeFd(): void {
    if (!this.open) return;
    this.open = false;
    if (this.tag) this.set?.forget(this.tag);
    try {
      this.n.close(this.fd); // also takes it out of the epoll set / stops its poll watcher
    } catch {
      /* closed anyway (Linux) */
    }
  }
}

const EPOLL_CTL_ADD = 1;
const EPOLLOUT = 0x004;
const EPOLLERR = 0x008;
const EPOLLONESHOT = 1 << 30;

/**
 * The check sockets in one epoll set, as keepalived keeps them: one uv_poll on the set's fd
 * (instead of one per socket, whose set-up costs libuv four epoll_ctl and an ioctl), one
 * epoll_ctl(ADD, EPOLLOUT|EPOLLONESHOT) per socket, and close() taking it out again. Each
 * registration has its own tag, so an event for a closed socket whose fd number was re-used
 * (the description kept alive by a forked child) is never taken for the new socket's.
 */
class EpollSet {
  private epfd = -1;
  private nextTag = 1;
  private readonly runs = new Map<number, ProbeRun>();

  constructor(private readonly n: NativeAddon) {}

  add(fd: number, run: ProbeRun): void {
    const n = this.n;
    if (this.epfd < 0) {
      this.epfd = n.epollCreate!();
      // unref: a check in flight keeps the loop alive with its connect_timeout timer
      n.poll(this.epfd, 1, this.onReadable).unref();
    }
    const tag = this.nextTag++;
    n.epollCtl!(this.epfd, EPOLL_CTL_ADD, fd, EPOLLOUT | EPOLLONESHOT, tag);
    run.tag = tag;
    this.runs.set(tag, run);
  }

  forget(tag: number): void {
    this.runs.delete(tag);
  }

  private readonly onReadable = (status: number): void => {
    if (status < 0) {
      // the set's fd failed (never seen): a new set for the next checks; these time out
      const epfd = this.epfd;
      this.epfd = -1;
      try {
        this.n.close(epfd);
      } catch {
        /* closed anyway */
      }
      return;
    }
    for (;;) {
      const evs = this.n.epollWait!(this.epfd, 256);
      for (let i = 0; i < evs.length; i += 2) {
        const run = this.runs.get(evs[i]!);
        if (run) run.onPoll(evs[i + 1]! & EPOLLERR ? -1 : 0);
      }
      if (evs.length < 512) return;
    }
  };
}

/** Returns keepalived's TCP_CHECK connect over the addon (see ConnectProbe). */
export function nativeConnectProbe(n: NativeAddon = native()): ConnectProbe {
  // parsed once per target object (the scheduler keeps its targets across runs)
  const dests = new WeakMap<object, Dest | null>();
  // an addon built before connectInetNb/epoll*: connectInet (throws EINPROGRESS) and a poll() per socket
  const set = n.connectInetNb && n.epollCreate && n.epollCtl && n.epollWait ? new EpollSet(n) : undefined;
  return (o, done) => {
    let d = dests.get(o);
    if (d === undefined) {
      d = destOf(o);
      dests.set(o, d);
    }
    if (!d) return undefined;
    const scope = d.scopeIf ? n.ifNameToIndex(d.scopeIf) : 0;
    const fd = openConfigured(n, d.family, SOCK_STREAM, o);
    try {
      const run = new ProbeRun(n, fd, done, set);
      if (set) {
        // no Error object for the EINPROGRESS every check gets
        const errno = n.connectInetNb!(fd, d.bytes, o.port, scope);
        if (errno !== 0 && errno !== EINPROGRESS) throw Object.assign(new Error(`connect ${errnoName(errno)}`), { errno, code: errnoName(errno), syscall: 'connect' });
        set.add(fd, run);
      } else {
        try {
          n.connectInet(fd, d.bytes, o.port, scope);
        } catch (e) {
          if ((e as { code?: string }).code !== 'EINPROGRESS') throw e;
        }
        n.poll(fd, POLLOUT, run.onPoll);
      }
      return run;
    } catch (e) {
      n.close(fd);
      throw e;
    }
  };
}

export interface DgramSockOpts extends CheckSockOpts {
  /** Destination address; an IPv6 link-local one takes its scope from `%ifname`, else from bindIf. */
  host: string;
  port: number;
}

/** A connected datagram socket; every method but close() may throw a NativeError. */
export interface DgramSock {
  /** send(2) one datagram to the connected peer. */
  send(data: Buffer): void;
  /** The next datagram, null when none is queued; throws the socket's pending error (ECONNREFUSED…). */
  recv(maxLen: number): Buffer | null;
  /** Watch for readability (once per socket); status < 0: libuv saw POLLERR and stopped watching. */
  onReadable(cb: (status: number) => void): void;
  /** Stop watching and close the fd (safe twice). */
  close(): void;
}

/** Returns a function opening a connected UDP socket with fwmark / bind_if / bindto / bind_port (throws NativeError). */
export function nativeDgramOpener(n: NativeAddon = native()): (o: DgramSockOpts) => DgramSock {
  return (o) => {
    const dst = parseIp(o.host);
    if (!dst) throw Object.assign(new Error(`${o.host}: not an IP address`), { code: 'EINVAL' });
    let scope = 0;
    if (dst.family === 6 && dst.bytes[0] === 0xfe && (dst.bytes[1]! & 0xc0) === 0x80) {
      const pct = o.host.indexOf('%');
      const ifname = pct >= 0 ? o.host.slice(pct + 1) : o.bindIf;
      if (ifname) scope = n.ifNameToIndex(ifname);
    }
    const fd = openConfigured(n, dst.family, SOCK_DGRAM, o);
    try {
      n.connectInet(fd, dst.bytes, o.port, scope);
    } catch (e) {
      n.close(fd);
      throw e;
    }
    let handle: PollHandle | undefined;
    let closed = false;
    return {
      send: (data) => void n.send(fd, data),
      recv: (maxLen) => n.recvmsg(fd, maxLen)?.data ?? null,
      onReadable: (cb) => {
        handle = n.poll(fd, 1, (status) => cb(status));
      },
      close: () => {
        if (closed) return;
        closed = true;
        handle?.stop();
        try {
          n.close(fd);
        } catch {
          /* already closed */
        }
      },
    };
  };
}

/**
 * The addon's socket operations for PING_CHECK's raw ICMP socket (src/check/checkers/ping-native.ts
 * nativePinger, which sets fwmark / bind_if / bindto itself); throws when the addon is not built.
 */
export function nativeIcmpOps(n: NativeAddon = native()): NativeAddon {
  return n;
}
