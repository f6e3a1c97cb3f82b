/**
 * Shared TCP plumbing for the stream checkers (tcp, http, smtp): connect with bind
 * options and a timeout, and step-wise read/write with keepalived's per-step timeout
 * (connection_to applies to the connect and again to every read/write wait).
 *
 * Nothing here throws on network trouble: every failure becomes a CheckCode.
 */
import * as net from 'node:net';
import type { CheckCode } from '../result';
import type { ConnOpts } from '../types';
import { waitForWake } from './wake';

export type ConnectOutcome = { ok: true; socket: net.Socket } | { ok: false; code: CheckCode; detail: string };

/** Map a socket error to the closed code set. */
export function codeOfError(err: NodeJS.ErrnoException, phase: 'connect' | 'read' | 'write'): CheckCode {
  return codeOfErrno(err.code, phase);
}

/** codeOfError for an errno name alone ('ECONNREFUSED'…), as the native TCP_CHECK reports it. */
export function codeOfErrno(code: string | undefined, phase: 'connect' | 'read' | 'write'): CheckCode {
  switch (code) {
    case 'ECONNREFUSED':
      return 'CONNECT_REFUSED';
    case 'ENETUNREACH':
    case 'EHOSTUNREACH':
      return phase === 'connect' ? 'NET_UNREACHABLE' : 'READ_ERROR';
    case 'ETIMEDOUT':
      return phase === 'connect' ? 'CONNECT_TIMEOUT' : 'READ_TIMEOUT';
    default:
      return phase === 'connect' ? 'CONNECT_ERROR' : phase === 'read' ? 'READ_ERROR' : 'WRITE_ERROR';
  }
}

/** host for Node: a link-local IPv6 destination gets `%bind_if` as its scope. */
export function connectHost(co: ConnOpts): string {
  if (co.bindIf && net.isIPv6(co.host) && /^fe80:/i.test(co.host) && !co.host.includes('%')) return `${co.host}%${co.bindIf}`;
  return co.host;
}

/**
 * Opens an unconnected TCP socket fd with fwmark / bind_if / bindto / bind_port applied
 * (src/sys/checksock.ts, over the native addon); throws on failure.
 */
export type SockOpener = (family: 4 | 6, o: Pick<ConnOpts, 'fwmark' | 'bindIf' | 'bindto' | 'bindPort'>) => number;

let opener: SockOpener | undefined;

/**
 * Install (or remove) the socket opener the checker worker uses for fwmark and bind_if.
 * Without one, those options are not applied (Node's sockets cannot set them).
 */
export function setSockOpener(f: SockOpener | undefined): void {
  opener = f;
}

/** Whether `co` needs a socket from the opener (SO_MARK / SO_BINDTODEVICE). */
export function needsOpener(co: ConnOpts): boolean {
  return !!opener && (!!co.fwmark || !!co.bindIf);
}

/**
 * A net.Socket over an opener fd, connect started (the caller listens for connect/error).
 * Throws what the opener throws.
 */
export function openerConnect(co: ConnOpts): net.Socket {
  if (!opener) throw new Error('no socket opener');
  const fd = opener(net.isIPv6(co.host) ? 6 : 4, co);
  const sock = new net.Socket({ fd, readable: true, writable: true });
  sock.connect({ host: connectHost(co), port: co.port });
  return sock;
}

export function tcpConnect(co: ConnOpts, signal: AbortSignal): Promise<ConnectOutcome> {
  return new Promise((resolve) => {
    if (signal.aborted) {
      resolve({ ok: false, code: 'ABORTED', detail: 'aborted' });
      return;
    }
    let sock: net.Socket;
    if (needsOpener(co)) {
      try {
        sock = openerConnect(co);
      } catch (e) {
        const err = e as NodeJS.ErrnoException;
        resolve({ ok: false, code: 'CONNECT_ERROR', detail: err.code ?? err.message });
        return;
      }
    } else {
      const opts: net.NetConnectOpts = { host: connectHost(co), port: co.port };
      if (co.bindto) opts.localAddress = co.bindto;
      if (co.bindPort) opts.localPort = co.bindPort;
      sock = net.connect(opts);
    }
    let done = false;
    const finish = (r: ConnectOutcome): void => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      signal.removeEventListener('abort', onAbort);
      sock.removeListener('error', onError);
      sock.removeListener('connect', onConnect);
      if (!r.ok) sock.destroy();
      resolve(r);
    };
    const onError = (err: NodeJS.ErrnoException): void =>
      finish({ ok: false, code: codeOfError(err, 'connect'), detail: err.code ?? err.message });
    const onConnect = (): void => finish({ ok: true, socket: sock });
    const onAbort = (): void => finish({ ok: false, code: 'ABORTED', detail: 'aborted' });
    const timer = setTimeout(() => finish({ ok: false, code: 'CONNECT_TIMEOUT', detail: 'timeout' }), co.connectTimeoutMs);
    // on, not once: finish() removes both (once would add a wrapper per listener and check)
    sock.on('error', onError);
    sock.on('connect', onConnect);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

/**
 * Pulls data from a stream socket with a timeout per wait (not for the whole read),
 * like keepalived's thread_add_read(…, connection_to).
 */
export class StepReader {
  private chunks: Buffer[] = [];
  private ended = false;
  private error: NodeJS.ErrnoException | undefined;
  private wake: (() => void) | undefined;

  constructor(private readonly sock: net.Socket) {
    sock.on('data', (d: Buffer) => {
      this.chunks.push(d);
      this.poke();
    });
    sock.on('end', () => {
      this.ended = true;
      this.poke();
    });
    sock.on('close', () => {
      this.ended = true;
      this.poke();
    });
    sock.on('error', (e: NodeJS.ErrnoException) => {
      this.error = e;
      this.poke();
    });
  }

  private poke(): void {
    const w = this.wake;
    this.wake = undefined;
    w?.();
  }

  /**
   * Next chunk of data, or 'eof', 'timeout', 'error', 'aborted'.
   */
  next(timeoutMs: number, signal: AbortSignal): Promise<Buffer | 'eof' | 'timeout' | 'error' | 'aborted'> {
    const c = this.chunks.shift();
    if (c) return Promise.resolve(c);
    if (this.error) return Promise.resolve('error');
    if (this.ended) return Promise.resolve('eof');
    if (signal.aborted) return Promise.resolve('aborted');
    return waitForWake(timeoutMs, signal, (w) => (this.wake = w), () => this.next(timeoutMs, signal));
  }

  get lastError(): NodeJS.ErrnoException | undefined {
    return this.error;
  }
}

/** Write with a timeout for the flush; resolves to an error code or undefined. */
export function writeStep(
  sock: net.Socket,
  data: string | Buffer,
  timeoutMs: number,
  signal: AbortSignal,
): Promise<CheckCode | undefined> {
  return new Promise((resolve) => {
    if (signal.aborted) {
      resolve('ABORTED');
      return;
    }
    let done = false;
    const finish = (c: CheckCode | undefined): void => {
      if (done) return;
      done = true;
      clearTimeout(t);
      signal.removeEventListener('abort', onAbort);
      resolve(c);
    };
    const onAbort = (): void => finish('ABORTED');
    const t = setTimeout(() => finish('WRITE_TIMEOUT'), timeoutMs);
    signal.addEventListener('abort', onAbort, { once: true });
    try {
      sock.write(data, (err) => finish(err ? 'WRITE_ERROR' : undefined));
    } catch {
      finish('WRITE_ERROR');
    }
  });
}
