/**
 * TCP sockets for the stream checkers with the options Node's net.Socket cannot set:
 * fwmark (SO_MARK) and bind_if (SO_BINDTODEVICE), plus bindto/bind_port, applied before
 * connect as keepalived does. The fd is created non-blocking by the addon and then wrapped
 * by `new net.Socket({ fd })` in src/check/checkers/conn.ts (which owns connect/timeouts).
 */
import { parseIp } from '../lib/ip';
import { native, type NativeAddon } from './native';
import { AF_INET, AF_INET6, SOL_SOCKET } from './sockconst';

const SOCK_STREAM = 1;
const SO_MARK = 36;

export interface CheckSockOpts {
  fwmark?: number;
  bindIf?: string;
  bindto?: string;
  bindPort?: number;
}

/** Returns a function opening a configured, unconnected TCP socket fd (throws NativeError). */
export function nativeSockOpener(n: NativeAddon = native()): (family: 4 | 6, o: CheckSockOpts) => number {
  return (family, o) => {
    const fd = n.socket(family === 6 ? AF_INET6 : AF_INET, SOCK_STREAM, 0);
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
  };
}
