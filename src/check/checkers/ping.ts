/**
 * PING_CHECK: one ICMP echo to the real server, up when the reply arrives within
 * connect_timeout.
 *
 * Node has no ICMP sockets. The `Pinger` port hides how the echo is sent; the default
 * adapter spawns iputils `ping -c1 -W <s>` (documented fallback: it needs the ping
 * binary and costs a process per check). A native ICMP socket adapter can be injected
 * through runWith(). Targets with fwmark or bind_if go to the pinger installed with
 * setSockPinger() (the checker worker installs the native one, ping-native.ts, beside the
 * socket openers); without one those options are not applied.
 */
import { spawn } from 'node:child_process';
import * as net from 'node:net';
import type { CheckResult, PingTarget } from '../types';

export type Pinger = (target: PingTarget, signal: AbortSignal) => Promise<CheckResult>;

export const spawnPinger: Pinger = (target, signal) =>
  new Promise((resolve) => {
    const secs = Math.max(0.001, target.connectTimeoutMs / 1000);
    // whole seconds as an integer: iputils before 2021 does not take fractions
    const w = Number.isInteger(secs) ? String(secs) : secs.toFixed(3);
    const args = [net.isIPv6(target.host) ? '-6' : '-4', '-n', '-q', '-c', '1', '-W', w];
    if (target.bindto) args.push('-I', target.bindto);
    args.push(target.host);
    let child;
    try {
      child = spawn('ping', args, { stdio: 'ignore' });
    } catch (e) {
      resolve({ code: 'PING_ERROR', detail: (e as Error).message });
      return;
    }
    const c = child;
    const onAbort = (): void => {
      c.kill('SIGKILL');
    };
    signal.addEventListener('abort', onAbort, { once: true });
    c.once('error', (e) => {
      signal.removeEventListener('abort', onAbort);
      resolve({ code: 'PING_ERROR', detail: e.message });
    });
    c.once('exit', (status) => {
      signal.removeEventListener('abort', onAbort);
      if (signal.aborted) resolve({ code: 'ABORTED' });
      else if (status === 0) resolve({ code: 'OK' });
      else if (status === 1) resolve({ code: 'PING_TIMEOUT' });
      else resolve({ code: 'PING_ERROR', detail: `ping exit ${String(status)}` });
    });
  });

export function runWith(pinger: Pinger): Pinger {
  return (target, signal) => pinger(target, signal);
}

let sockPinger: Pinger | undefined;

/** Install (or remove) the pinger that applies fwmark (SO_MARK) and bind_if (SO_BINDTODEVICE). */
export function setSockPinger(p: Pinger | undefined): void {
  sockPinger = p;
}

export const run: Pinger = (target, signal) =>
  (sockPinger && (target.fwmark || target.bindIf) ? sockPinger : spawnPinger)(target, signal);
