/** Dispatch a target to its checker. */
import type { CheckResult, CheckTarget } from '../types';
import * as dns from './dns';
import * as file from './file';
import * as http from './http';
import * as misc from './misc';
import * as ping from './ping';
import * as smtp from './smtp';
import * as tcp from './tcp';
import * as udp from './udp';

/** Side-effect adapters a worker may replace (e.g. the native ICMP pinger). */
export interface CheckPorts {
  pinger?: ping.Pinger;
  spawner?: misc.Spawner;
}

export function runCheck(t: CheckTarget, signal: AbortSignal, ports: CheckPorts = {}): Promise<CheckResult> {
  switch (t.kind) {
    case 'TCP_CHECK':
      return tcp.run(t, signal);
    case 'HTTP_GET':
    case 'SSL_GET':
      return http.run(t, signal);
    case 'SMTP_CHECK':
      return smtp.run(t, signal);
    case 'DNS_CHECK':
      return dns.run(t, signal);
    case 'MISC_CHECK':
      return ports.spawner ? misc.runWith(ports.spawner)(t, signal) : misc.run(t, signal);
    case 'PING_CHECK':
      return (ports.pinger ?? ping.run)(t, signal);
    case 'UDP_CHECK':
      return udp.run(t, signal);
    case 'FILE_CHECK':
      return file.run(t, signal);
  }
}
