/**
 * A connected UDP socket for the datagram checkers (dns, udp). Connecting makes the
 * kernel report ICMP port/host unreachable for our destination as a socket error,
 * which is how keepalived's UDP_CHECK detects a closed port.
 *
 * Two ways to get one: Node's dgram (the default), or, when the target has fwmark
 * (SO_MARK) or bind_if (SO_BINDTODEVICE), which dgram cannot set, a socket from the
 * installed DgramOpener (src/sys/checksock.ts nativeDgramOpener, installed by the checker
 * worker with setDgramOpener). Both give the same result codes.
 */
import * as dgram from 'node:dgram';
import * as net from 'node:net';
import type { CheckCode } from '../result';
import type { ConnOpts } from '../types';
import { connectHost } from './conn';
import { waitForWake } from './wake';

export type DgramEvent = { kind: 'message'; data: Buffer } | { kind: 'error'; code: CheckCode; detail: string };

/** A connected datagram socket from the opener (the port src/sys/checksock.ts implements). */
export interface DgramSock {
  send(data: Buffer): void;
  /** Next datagram or null; throws the pending socket error (ECONNREFUSED after an ICMP unreachable). */
  recv(maxLen: number): Buffer | null;
  /** status < 0: the poll saw an error condition and stopped. */
  onReadable(cb: (status: number) => void): void;
  close(): void;
}

/** Opens a connected UDP socket with fwmark / bind_if / bindto / bind_port applied; throws on failure. */
export type DgramOpener = (o: Pick<ConnOpts, 'host' | 'port' | 'fwmark' | 'bindIf' | 'bindto' | 'bindPort'>) => DgramSock;

let dgramOpener: DgramOpener | undefined;

/** Install (or remove) the opener used for targets with fwmark or bind_if. */
export function setDgramOpener(f: DgramOpener | undefined): void {
  dgramOpener = f;
}

const errCode = (e: unknown): string => (e as NodeJS.ErrnoException).code ?? (e as Error).message;

/** connect-time failure → code (same for both socket kinds). */
function connectFailure(e: unknown): { code: CheckCode; detail: string } {
  const code = (e as NodeJS.ErrnoException).code;
  return { code: code === 'ENETUNREACH' || code === 'EHOSTUNREACH' ? 'NET_UNREACHABLE' : 'CONNECT_ERROR', detail: errCode(e) };
}

/** The two operations that differ between the dgram and the opener socket. */
interface Io {
  send(data: Buffer, cb: (err?: Error | null) => void): void;
  close(): void;
}

export class ConnectedUdp {
  private queue: DgramEvent[] = [];
  private wake: (() => void) | undefined;
  private closed = false;
  private io: Io = { send: (_d, cb) => cb(new Error('not open')), close: () => undefined };

  private push(e: DgramEvent): void {
    this.queue.push(e);
    const w = this.wake;
    this.wake = undefined;
    w?.();
  }

  /** An error after connect: ICMP unreachable → UDP_UNREACHABLE, anything else READ_ERROR. */
  private pushError(err: unknown): void {
    const code = (err as NodeJS.ErrnoException).code;
    this.push({
      kind: 'error',
      code: code === 'ECONNREFUSED' || code === 'EHOSTUNREACH' || code === 'ENETUNREACH' ? 'UDP_UNREACHABLE' : 'READ_ERROR',
      detail: errCode(err),
    });
  }

  static open(co: ConnOpts, signal: AbortSignal): Promise<ConnectedUdp | { code: CheckCode; detail: string }> {
    if (signal.aborted) return Promise.resolve({ code: 'ABORTED', detail: 'aborted' });
    if (dgramOpener && (co.fwmark || co.bindIf)) return Promise.resolve(ConnectedUdp.openWith(dgramOpener, co));
    return new Promise((resolve) => {
      const type = net.isIPv6(co.host) ? 'udp6' : 'udp4';
      const sock = dgram.createSocket({ type });
      const u = new ConnectedUdp();
      let connected = false;
      u.io = {
        send: (data, cb) => sock.send(data, cb),
        close: () => sock.close(),
      };
      sock.on('message', (data) => u.push({ kind: 'message', data }));
      sock.on('error', (err) => {
        if (connected) u.pushError(err);
        else {
          // errors before connect completes (bind/connect failures)
          u.close();
          resolve(connectFailure(err));
        }
      });
      const doConnect = (): void => {
        try {
          sock.connect(co.port, connectHost(co), () => {
            connected = true;
            resolve(u);
          });
        } catch (e) {
          u.close();
          resolve(connectFailure(e));
        }
      };
      if (co.bindto || co.bindPort) {
        sock.bind({ port: co.bindPort ?? 0, ...(co.bindto ? { address: co.bindto } : {}) }, doConnect);
      } else doConnect();
    });
  }

  /** A socket from the opener: it is connected already; readability drains it into the queue. */
  private static openWith(opener: DgramOpener, co: ConnOpts): ConnectedUdp | { code: CheckCode; detail: string } {
    let s: DgramSock;
    try {
      s = opener(co);
    } catch (e) {
      return connectFailure(e);
    }
    const u = new ConnectedUdp();
    u.io = {
      send: (data, cb) => {
        try {
          s.send(data);
        } catch (e) {
          cb(e as Error);
          return;
        }
        cb();
      },
      close: () => s.close(),
    };
    try {
      s.onReadable((status) => u.drain(s, status));
    } catch (e) {
      u.close();
      return connectFailure(e);
    }
    return u;
  }

  private drain(s: DgramSock, status: number): void {
    if (this.closed) return;
    for (;;) {
      let d: Buffer | null;
      try {
        d = s.recv(65536);
      } catch (e) {
        this.pushError(e);
        return;
      }
      if (d === null) break;
      this.push({ kind: 'message', data: d });
    }
    // the poll stopped on an error condition that recvmsg did not report: nothing more will come
    if (status < 0) this.push({ kind: 'error', code: 'READ_ERROR', detail: `poll status ${status}` });
  }

  send(data: Buffer): Promise<CheckCode | undefined> {
    return new Promise((resolve) => {
      try {
        this.io.send(data, (err) => resolve(err ? 'WRITE_ERROR' : undefined));
      } catch {
        resolve('WRITE_ERROR');
      }
    });
  }

  /** Next datagram or error, 'timeout' when none arrives before `deadline` (ms since epoch). */
  next(deadline: number, signal: AbortSignal): Promise<DgramEvent | 'timeout' | 'aborted'> {
    const e = this.queue.shift();
    if (e) return Promise.resolve(e);
    if (signal.aborted) return Promise.resolve('aborted');
    return waitForWake(Math.max(0, deadline - Date.now()), signal, (w) => (this.wake = w), () => this.next(deadline, signal));
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    try {
      this.io.close();
    } catch {
      /* already closed */
    }
  }
}
