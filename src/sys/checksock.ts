/**
 * Check sockets with the options Node's sockets cannot set: fwmark (SO_MARK) and bind_if
 * (SO_BINDTODEVICE), plus bindto/bind_port, applied before connect as keepalived does.
 *
 * - nativeSockOpener: an unconnected TCP fd, created non-blocking by the addon and then
 *   wrapped by `new net.Socket({ fd })` in src/check/checkers/conn.ts (which owns
 *   connect/timeouts);
 * - nativeDgramOpener: a connected UDP socket for UDP_CHECK and DNS_CHECK
 *   (src/check/checkers/udp-sock.ts owns the waiting and the error codes). Being connected,
 *   it gets the kernel's ICMP unreachable for its peer as a socket error: libuv's uv_poll
 *   then reports status < 0 (POLLERR) and stops watching, and recv() throws ECONNREFUSED /
 *   EHOSTUNREACH / ENETUNREACH.
 */
import { parseIp } from '../lib/ip';
import { native, type NativeAddon, type PollHandle } from './native';
import { AF_INET, AF_INET6, SOCK_DGRAM, SOL_SOCKET } from './sockconst';

const SOCK_STREAM = 1;
const SO_MARK = 36;

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
