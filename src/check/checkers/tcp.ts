/**
 * TCP_CHECK: the real server is up when a TCP connection to it completes within
 * connect_timeout. The connection is closed at once (keepalived: check_tcp.c).
 *
 * Two paths, same result codes and details:
 *   - the connect probe (src/sys/checksock.ts nativeConnectProbe, installed by the checker
 *     worker with setConnectProbe whenever the addon loads): what keepalived does, a
 *     non-blocking socket, connect, wait for writable, SO_ERROR, close, with no net.Socket
 *     (issue #5: Node's socket machinery was most of a check's cost);
 *   - Node's net (conn.ts tcpConnect) without a probe, or for a host that is not an IP address.
 */
import type { CheckResult, ConnOpts, TcpTarget } from '../types';
import { codeOfErrno, tcpConnect, type ConnectOutcome } from './conn';

/** One connect in flight from the probe; cancel() closes its socket (only before `done`). */
export interface ConnectRun {
  cancel(): void;
}

/**
 * The port src/sys/checksock.ts implements: start a connect with fwmark / bind_if / bindto /
 * bind_port applied. `done` is called once, asynchronously, with null (connected) or an errno
 * name ('ECONNREFUSED'…), the socket already closed; never after cancel(). Throws (with an
 * errno `code`) when the socket cannot be opened or connected at once; returns undefined when
 * it does not handle the target (then Node's net is used).
 */
export type ConnectProbe = (
  co: Pick<ConnOpts, 'host' | 'port' | 'fwmark' | 'bindIf' | 'bindto' | 'bindPort'>,
  done: (err: string | null) => void,
) => ConnectRun | undefined;

let probe: ConnectProbe | undefined;

/** Install (or remove) the connect probe; without one TCP_CHECK uses Node's net. */
export function setConnectProbe(p: ConnectProbe | undefined): void {
  probe = p;
}

function resultOf(r: ConnectOutcome): CheckResult {
  if (!r.ok) return { code: r.code, detail: r.detail };
  r.socket.destroy();
  return { code: 'OK' };
}

function failure(code: string | undefined, detail: string): CheckResult {
  return { code: codeOfErrno(code, 'connect'), detail };
}

export function run(target: TcpTarget, signal: AbortSignal): Promise<CheckResult> {
  const p = probe;
  if (!p) return tcpConnect(target, signal).then(resultOf);
  return new Promise<CheckResult>((resolve) => {
    if (signal.aborted) {
      resolve({ code: 'ABORTED', detail: 'aborted' });
      return;
    }
    let finished = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let cr: ConnectRun | undefined;
    const finish = (r: CheckResult): void => {
      if (finished) return;
      finished = true;
      if (timer !== undefined) clearTimeout(timer);
      signal.removeEventListener('abort', onAbort);
      resolve(r);
    };
    const onAbort = (): void => {
      if (finished) return;
      cr?.cancel();
      finish({ code: 'ABORTED', detail: 'aborted' });
    };
    const onTimeout = (): void => {
      if (finished) return;
      cr?.cancel();
      finish({ code: 'CONNECT_TIMEOUT', detail: 'timeout' });
    };
    const onDone = (err: string | null): void => finish(err === null ? { code: 'OK' } : failure(err, err));
    try {
      cr = p(target, onDone);
    } catch (e) {
      const err = e as NodeJS.ErrnoException;
      finish(failure(err.code, err.code ?? err.message));
      return;
    }
    if (!cr) {
      finished = true;
      resolve(tcpConnect(target, signal).then(resultOf));
      return;
    }
    if (finished) return; // a probe that reported at once
    timer = setTimeout(onTimeout, target.connectTimeoutMs);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
