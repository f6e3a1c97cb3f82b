/**
 * V8 flags for the worker processes (fork's execArgv).
 *
 * V8 lets the young generation ("semi-space") grow to 16 MiB × 3 per process under allocation
 * pressure and keeps it: measured with 255 VRRP instances / 1,000 VIPs, the VRRP worker's
 * private memory (RssAnon) was 60 MiB with the default and 22 MiB with 1 MiB semi-spaces, at the
 * same CPU. Smaller semi-spaces also mean shorter scavenges, which is what the VRRP timers want.
 * The checker worker keeps V8's default: with 2 MiB semi-spaces its RssAnon at 5,000 TCP_CHECK +
 * 1,000 HTTP_GET was 139 MiB against 127 MiB with the default (objects promoted early fill the old
 * generation), at the same CPU (bench/checkers.ts, same machine, back to back).
 */
import type { WorkerRole } from '../ipc/messages';

const FLAGS: Record<WorkerRole, readonly string[]> = {
  vrrp: ['--max-semi-space-size=1'],
  checker: [],
};

/** execArgv for a worker (they come after NODE_OPTIONS, so they win over it for the same flag). */
export function workerExecArgv(role: WorkerRole): string[] {
  return [...FLAGS[role]];
}
