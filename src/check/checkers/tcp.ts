/**
 * TCP_CHECK: the real server is up when a TCP connection to it completes within
 * connect_timeout. The connection is closed at once (keepalived: check_tcp.c).
 */
import type { CheckResult, TcpTarget } from '../types';
import { tcpConnect, type ConnectOutcome } from './conn';

function resultOf(r: ConnectOutcome): CheckResult {
  if (!r.ok) return { code: r.code, detail: r.detail };
  r.socket.destroy();
  return { code: 'OK' };
}

export function run(target: TcpTarget, signal: AbortSignal): Promise<CheckResult> {
  return tcpConnect(target, signal).then(resultOf);
}
