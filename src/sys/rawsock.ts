/**
 * VRRP raw socket port: an IPv4 or IPv6 raw socket for protocol 112 (or another protocol)
 * tied to one interface.
 *
 *   const s = VrrpRawSocket.open({ family: 4, ifname: 'eth0', groups: ['224.0.0.18'] },
 *                                { onMessage: (m) => ..., onError: (e) => ... });
 *   s.send(advert, '224.0.0.18');
 *   s.close();
 *
 * Setup done here (as keepalived does): SO_BINDTODEVICE; multicast join on that interface only
 * (IP_MULTICAST_ALL off); outgoing multicast interface, TTL / hop limit (default 255) for
 * multicast and unicast, multicast loop off; IP_PKTINFO + IP_RECVTTL or IPV6_RECVPKTINFO +
 * IPV6_RECVHOPLIMIT so each received message reports {ifindex, to, hopLimit}; for IPv6
 * IPV6_CHECKSUM at offset 6 (the kernel fills and verifies the VRRPv3 checksum); optional bind
 * to a source address (unicast_src_ip, or the v6 link-local address).
 *
 * For IPv4 the received `data` includes the IP header (raw socket semantics); for IPv6 it
 * is the VRRP payload only. No protocol knowledge here: decoding belongs to src/vrrp/packet.
 */
import { parseIp } from '../lib/ip';
import { native, type NativeError, type PollHandle, type RecvMsg } from './native';
import * as C from './sockconst';

export type { RecvMsg } from './native';

export interface VrrpSocketOptions {
  family: 4 | 6;
  /** Interface to bind to (SO_BINDTODEVICE) and to join groups on. */
  ifname: string;
  /** IP protocol number, default 112 (VRRP). */
  protocol?: number;
  /** Multicast groups to join on `ifname` (e.g. '224.0.0.18', 'ff02::12'). Default none. */
  groups?: string[];
  /** Local address to bind (source for unicast; v6 link-local is scoped to `ifname`). */
  bindAddr?: string;
  /** TTL / hop limit for multicast and unicast sends. Default 255. */
  ttl?: number;
  /** IP_MULTICAST_LOOP / IPV6_MULTICAST_LOOP. Default false. */
  multicastLoop?: boolean;
  /** IPv4 only: IP_HDRINCL, `send` data then starts with the IP header. Default false. */
  hdrincl?: boolean;
  /** SO_RCVBUF in bytes (kernel doubles it). Default: kernel default. */
  rcvBuf?: number;
  /** Largest datagram read; longer ones arrive with `truncated` set. Default 4096. */
  maxLen?: number;
  /** Do not poll for input (send-only socket). Default false. */
  sendOnly?: boolean;
}

export interface VrrpSocketHandlers {
  onMessage(msg: RecvMsg): void;
  /** Receive-side errors (the socket stays open). Default: ignored. */
  onError?(err: NativeError): void;
}

/** Messages read per readable event before yielding to the loop. */
const RX_BURST = 64;

function addrBytes(addr: string | Buffer, family: 4 | 6): Buffer {
  const b = typeof addr === 'string' ? parseIp(addr)?.bytes : addr;
  if (!b || b.length !== (family === 4 ? 4 : 16)) {
    throw new TypeError(`not an IPv${family} address: ${typeof addr === 'string' ? addr : addr.toString('hex')}`);
  }
  return b;
}

/** struct ip_mreqn { in_addr multiaddr; in_addr address; int ifindex; } */
function ipMreqn(group: Buffer, ifindex: number): Buffer {
  const b = Buffer.alloc(12);
  group.copy(b, 0);
  b.writeInt32LE(ifindex, 8);
  return b;
}

/** struct ipv6_mreq { in6_addr multiaddr; int ifindex; } */
function ipv6Mreq(group: Buffer, ifindex: number): Buffer {
  const b = Buffer.alloc(20);
  group.copy(b, 0);
  b.writeInt32LE(ifindex, 16);
  return b;
}

function needsScope(b: Buffer): boolean {
  // link-local unicast fe80::/10 or link/interface-local multicast ff02::/16, ff01::/16
  return (b[0] === 0xfe && (b[1]! & 0xc0) === 0x80) || (b[0] === 0xff && ((b[1]! & 0x0f) === 2 || (b[1]! & 0x0f) === 1));
}

/** The raw-socket port the VRRP worker uses; VrrpRawSocket implements it, tests fake it. */
export interface VrrpSocketPort {
  readonly family: 4 | 6;
  readonly ifindex: number;
  send(data: Buffer, dest: string | Buffer): number;
  joinGroup(group: string | Buffer): void;
  leaveGroup(group: string | Buffer): void;
  setTtl(ttl: number): void;
  close(): void;
}

export class VrrpRawSocket implements VrrpSocketPort {
  private pollHandle: PollHandle | undefined;
  private closed = false;
  private readonly groups = new Set<string>();

  private constructor(
    readonly fd: number,
    readonly family: 4 | 6,
    readonly ifname: string,
    readonly ifindex: number,
    private readonly maxLen: number,
  ) {}

  /** Open and configure the socket. Throws NativeError (e.g. EPERM without CAP_NET_RAW, ENODEV). */
  static open(opts: VrrpSocketOptions, handlers: VrrpSocketHandlers): VrrpRawSocket {
    const n = native();
    const ifindex = n.ifNameToIndex(opts.ifname);
    const fam = opts.family;
    const fd = n.socket(fam === 4 ? C.AF_INET : C.AF_INET6, C.SOCK_RAW, opts.protocol ?? C.IPPROTO_VRRP);
    const s = new VrrpRawSocket(fd, fam, opts.ifname, ifindex, opts.maxLen ?? 4096);
    try {
      const ttl = opts.ttl ?? 255;
      const loop = opts.multicastLoop ? 1 : 0;
      n.bindToDevice(fd, opts.ifname);
      if (opts.rcvBuf) n.setsockoptInt(fd, C.SOL_SOCKET, C.SO_RCVBUF, opts.rcvBuf);
      if (fam === 4) {
        n.setsockoptInt(fd, C.IPPROTO_IP, C.IP_MULTICAST_ALL, 0);
        n.setsockoptBuf(fd, C.IPPROTO_IP, C.IP_MULTICAST_IF, ipMreqn(Buffer.alloc(4), ifindex));
        n.setsockoptInt(fd, C.IPPROTO_IP, C.IP_MULTICAST_TTL, ttl);
        n.setsockoptInt(fd, C.IPPROTO_IP, C.IP_TTL, ttl);
        n.setsockoptInt(fd, C.IPPROTO_IP, C.IP_MULTICAST_LOOP, loop);
        n.setsockoptInt(fd, C.IPPROTO_IP, C.IP_PKTINFO, 1);
        n.setsockoptInt(fd, C.IPPROTO_IP, C.IP_RECVTTL, 1);
        if (opts.hdrincl) n.setsockoptInt(fd, C.IPPROTO_IP, C.IP_HDRINCL, 1);
      } else {
        n.setsockoptInt(fd, C.IPPROTO_IPV6, C.IPV6_MULTICAST_ALL, 0);
        n.setsockoptInt(fd, C.IPPROTO_IPV6, C.IPV6_MULTICAST_IF, ifindex);
        n.setsockoptInt(fd, C.IPPROTO_IPV6, C.IPV6_MULTICAST_HOPS, ttl);
        n.setsockoptInt(fd, C.IPPROTO_IPV6, C.IPV6_UNICAST_HOPS, ttl);
        n.setsockoptInt(fd, C.IPPROTO_IPV6, C.IPV6_MULTICAST_LOOP, loop);
        n.setsockoptInt(fd, C.IPPROTO_IPV6, C.IPV6_RECVPKTINFO, 1);
        n.setsockoptInt(fd, C.IPPROTO_IPV6, C.IPV6_RECVHOPLIMIT, 1);
        if ((opts.protocol ?? C.IPPROTO_VRRP) === C.IPPROTO_VRRP) n.setsockoptInt(fd, C.IPPROTO_IPV6, C.IPV6_CHECKSUM, 6);
      }
      if (opts.bindAddr !== undefined) {
        const b = addrBytes(opts.bindAddr, fam);
        n.bindInet(fd, b, 0, fam === 6 && needsScope(b) ? ifindex : 0);
      }
      for (const g of opts.groups ?? []) s.joinGroup(g);
      if (!opts.sendOnly) s.startPolling(handlers);
    } catch (e) {
      s.close();
      throw e;
    }
    return s;
  }

  /** Join a multicast group on this socket's interface. */
  joinGroup(group: string | Buffer): void {
    const b = addrBytes(group, this.family);
    if (this.family === 4) native().setsockoptBuf(this.fd, C.IPPROTO_IP, C.IP_ADD_MEMBERSHIP, ipMreqn(b, this.ifindex));
    else native().setsockoptBuf(this.fd, C.IPPROTO_IPV6, C.IPV6_ADD_MEMBERSHIP, ipv6Mreq(b, this.ifindex));
    this.groups.add(b.toString('hex'));
  }

  leaveGroup(group: string | Buffer): void {
    const b = addrBytes(group, this.family);
    if (this.family === 4) native().setsockoptBuf(this.fd, C.IPPROTO_IP, C.IP_DROP_MEMBERSHIP, ipMreqn(b, this.ifindex));
    else native().setsockoptBuf(this.fd, C.IPPROTO_IPV6, C.IPV6_DROP_MEMBERSHIP, ipv6Mreq(b, this.ifindex));
    this.groups.delete(b.toString('hex'));
  }

  /** Change the TTL / hop limit used for subsequent sends (multicast and unicast). */
  setTtl(ttl: number): void {
    const n = native();
    if (this.family === 4) {
      n.setsockoptInt(this.fd, C.IPPROTO_IP, C.IP_MULTICAST_TTL, ttl);
      n.setsockoptInt(this.fd, C.IPPROTO_IP, C.IP_TTL, ttl);
    } else {
      n.setsockoptInt(this.fd, C.IPPROTO_IPV6, C.IPV6_MULTICAST_HOPS, ttl);
      n.setsockoptInt(this.fd, C.IPPROTO_IPV6, C.IPV6_UNICAST_HOPS, ttl);
    }
  }

  /**
   * Send one datagram to a multicast group or unicast peer; returns bytes sent. Throws
   * NativeError (EAGAIN when the send buffer is full, ENETDOWN, ENXIO…); the caller counts.
   */
  send(data: Buffer, dest: string | Buffer): number {
    if (this.closed) throw Object.assign(new Error('send on closed socket'), { errno: 9, code: 'EBADF', syscall: 'sendto' });
    const b = addrBytes(dest, this.family);
    return native().sendtoInet(this.fd, data, b, 0, this.family === 6 && needsScope(b) ? this.ifindex : 0);
  }

  get isClosed(): boolean {
    return this.closed;
  }

  /** Stop polling and close the fd. Safe to call more than once. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.pollHandle?.stop();
    this.pollHandle = undefined;
    native().close(this.fd);
  }

  private startPolling(h: VrrpSocketHandlers): void {
    const n = native();
    this.pollHandle = n.poll(this.fd, C.POLL_READABLE, (status) => {
      if (this.closed) return;
      if (status < 0) {
        h.onError?.(Object.assign(new Error(`poll error ${status}`), { errno: -status, code: 'EPOLL', syscall: 'uv_poll' }));
        return;
      }
      for (let i = 0; i < RX_BURST && !this.closed; i++) {
        let m: RecvMsg | null;
        try {
          m = n.recvmsg(this.fd, this.maxLen);
        } catch (e) {
          h.onError?.(e as NativeError);
          return;
        }
        if (!m) return;
        h.onMessage(m);
      }
    });
  }
}
