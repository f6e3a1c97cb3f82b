/**
 * TCP_CHECK: the real server is up when a TCP connection to it completes within
 * connect_timeout. The connection is closed at once (keepalived: check_tcp.c).
 */
import type { CheckResult, TcpTarget } from '../types';
import { tcpConnect } from './conn';

export async function run(target: TcpTarget, signal: AbortSignal): Promise<CheckResult> {
  const r = await tcpConnect(target, signal);
  if (!r.ok) return { code: r.code, detail: r.detail };
  r.socket.destroy();
  return { code: 'OK' };
}
