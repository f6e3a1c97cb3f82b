/**
 * PING_CHECK over a raw ICMP socket from the native addon (needs CAP_NET_RAW).
 *
 * The addon is injected (its structural subset below), so this file does not import
 * src/sys: the checker worker passes `native()` in. One socket per check; an echo reply
 * from the target with our identifier and sequence within connect_timeout is success.
 * fwmark (SO_MARK) and bind_if (SO_BINDTODEVICE) are set on the socket before bindto, as
 * keepalived does for its ICMP socket.
 */
import * as crypto from 'node:crypto';
import { parseIp } from '../../lib/ip';
import type { CheckResult, PingTarget } from '../types';
import { encodeEcho, matchEchoReply } from './icmp-codec';
import type { Pinger } from './ping';

export interface IcmpSocketOps {
  socket(domain: number, type: number, protocol: number): number;
  close(fd: number): void;
  bindInet(fd: number, addr: Buffer, port: number, scopeId: number): void;
  setsockoptInt(fd: number, level: number, name: number, value: number): void;
  bindToDevice(fd: number, ifname: string): void;
  sendtoInet(fd: number, data: Buffer, addr: Buffer, port: number, scopeId: number): number;
  recvmsg(fd: number, maxLen: number): { data: Buffer; from: Buffer } | null;
  poll(fd: number, events: number, cb: (status: number, events: number) => void): { stop(): void };
}

const AF_INET = 2;
const AF_INET6 = 10;
const SOCK_RAW = 3;
const IPPROTO_ICMP = 1;
const IPPROTO_ICMPV6 = 58;
const SOL_SOCKET = 1;
const SO_MARK = 36;

let seqCounter = 0;

export function nativePinger(ops: IcmpSocketOps, opts: { around?: <T>(fn: () => T) => T } = {}): Pinger {
  const around = opts.around ?? ((fn) => fn());
  return (target: PingTarget, signal: AbortSignal) =>
    new Promise<CheckResult>((resolve) => {
      const dst = parseIp(target.host);
      if (!dst) {
        resolve({ code: 'PING_ERROR', detail: `bad address ${target.host}` });
        return;
      }
      const v6 = dst.family === 6;
      let fd: number;
      try {
        fd = around(() => ops.socket(v6 ? AF_INET6 : AF_INET, SOCK_RAW, v6 ? IPPROTO_ICMPV6 : IPPROTO_ICMP));
      } catch (e) {
        resolve({ code: 'PING_ERROR', detail: (e as { code?: string }).code ?? (e as Error).message });
        return;
      }
      try {
        if (target.fwmark) ops.setsockoptInt(fd, SOL_SOCKET, SO_MARK, target.fwmark);
        if (target.bindIf) ops.bindToDevice(fd, target.bindIf);
        if (target.bindto) {
          const src = parseIp(target.bindto);
          if (src) ops.bindInet(fd, src.bytes, 0, 0);
        }
      } catch (e) {
        try {
          ops.close(fd);
        } catch {
          /* closed */
        }
        resolve({ code: 'PING_ERROR', detail: (e as { code?: string }).code ?? (e as Error).message });
        return;
      }
      const id = crypto.randomInt(0, 0x10000);
      const seq = (seqCounter = (seqCounter + 1) & 0xffff);
      let done = false;
      let handle: { stop(): void } | undefined;
      const finish = (r: CheckResult): void => {
        if (done) return;
        done = true;
        clearTimeout(timer);
        signal.removeEventListener('abort', onAbort);
        handle?.stop();
        try {
          ops.close(fd);
        } catch {
          /* closed */
        }
        resolve(r);
      };
      const onAbort = (): void => finish({ code: 'ABORTED' });
      const timer = setTimeout(() => finish({ code: 'PING_TIMEOUT' }), target.connectTimeoutMs);
      signal.addEventListener('abort', onAbort, { once: true });
      try {
        handle = ops.poll(fd, 1, () => {
          for (;;) {
            let m: { data: Buffer; from: Buffer } | null;
            try {
              m = ops.recvmsg(fd, 2048);
            } catch {
              return;
            }
            if (!m) return;
            if (!m.from.equals(dst.bytes)) continue;
            if (matchEchoReply(v6, m.data, id, seq) === 'REPLY') {
              finish({ code: 'OK' });
              return;
            }
          }
        });
        ops.sendtoInet(fd, encodeEcho(v6, id, seq, Buffer.from('keepalived-ts ping')), dst.bytes, 0, 0);
      } catch (e) {
        finish({ code: 'PING_ERROR', detail: (e as { code?: string }).code ?? (e as Error).message });
      }
    });
}
