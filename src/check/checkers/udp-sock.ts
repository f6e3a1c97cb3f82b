/**
 * A connected UDP socket for the datagram checkers (dns, udp). Connecting makes the
 * kernel report ICMP port/host unreachable for our destination as a socket error,
 * which is how keepalived's UDP_CHECK detects a closed port.
 */
import * as dgram from 'node:dgram';
import * as net from 'node:net';
import type { CheckCode } from '../result';
import type { ConnOpts } from '../types';
import { connectHost } from './conn';
import { waitForWake } from './wake';

export type DgramEvent = { kind: 'message'; data: Buffer } | { kind: 'error'; code: CheckCode; detail: string };

export class ConnectedUdp {
  private queue: DgramEvent[] = [];
  private wake: (() => void) | undefined;
  private closed = false;
  private constructor(readonly sock: dgram.Socket) {
    sock.on('message', (data) => this.push({ kind: 'message', data }));
    sock.on('error', (err: NodeJS.ErrnoException) =>
      this.push({
        kind: 'error',
        code: err.code === 'ECONNREFUSED' || err.code === 'EHOSTUNREACH' || err.code === 'ENETUNREACH' ? 'UDP_UNREACHABLE' : 'READ_ERROR',
        detail: err.code ?? err.message,
      }),
    );
  }

  private push(e: DgramEvent): void {
    this.queue.push(e);
    const w = this.wake;
    this.wake = undefined;
    w?.();
  }

  static open(co: ConnOpts, signal: AbortSignal): Promise<ConnectedUdp | { code: CheckCode; detail: string }> {
    return new Promise((resolve) => {
      const type = net.isIPv6(co.host) ? 'udp6' : 'udp4';
      const sock = dgram.createSocket({ type });
      const u = new ConnectedUdp(sock);
      const fail = (err: NodeJS.ErrnoException): void => {
        u.close();
        resolve({ code: err.code === 'ENETUNREACH' || err.code === 'EHOSTUNREACH' ? 'NET_UNREACHABLE' : 'CONNECT_ERROR', detail: err.code ?? err.message });
      };
      if (signal.aborted) {
        u.close();
        resolve({ code: 'ABORTED', detail: 'aborted' });
        return;
      }
      const doConnect = (): void => {
        try {
          sock.connect(co.port, connectHost(co), () => resolve(u));
        } catch (e) {
          fail(e as NodeJS.ErrnoException);
        }
      };
      sock.once('error', (e) => {
        // errors before connect completes (bind/connect failures)
        if (!u.connected()) fail(e as NodeJS.ErrnoException);
      });
      if (co.bindto || co.bindPort) {
        sock.bind({ port: co.bindPort ?? 0, ...(co.bindto ? { address: co.bindto } : {}) }, doConnect);
      } else doConnect();
    });
  }

  connected(): boolean {
    try {
      this.sock.remoteAddress();
      return true;
    } catch {
      return false;
    }
  }

  send(data: Buffer): Promise<CheckCode | undefined> {
    return new Promise((resolve) => {
      try {
        this.sock.send(data, (err) => resolve(err ? 'WRITE_ERROR' : undefined));
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
      this.sock.close();
    } catch {
      /* already closed */
    }
  }
}
