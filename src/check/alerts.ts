/**
 * RS alert content per checker transition. keepalived 2.2.7 sends its SMTP "Realserver …"
 * alert from each checker's own epilog, once per checker that goes up or down (not once per
 * real server), with a body that names the checker kind and, for some failures, the reason.
 * The bodies below are the 2.2.7 binary's strings; which reason text fills
 * "=> CHECK failed on service : %s <=" is reconstructed (the attempt messages of log.ts),
 * not read from its source.
 *
 * The engine hands these to CheckEngineOptions.onCheckerAlert, which createEngine() points at
 * the parent (`rs-alert` notify events); the parent sends the mail (src/notify/plan.ts).
 */
import { HTTP_ATTEMPT_MSG } from './log';
import type { CheckKind, CheckResult } from './types';

export interface CheckerAlert {
  vs: string;
  rs: string;
  checker: CheckKind;
  up: boolean;
  /** The mail body keepalived's checker passes to smtp_alert(). */
  body: string;
}

const HTTP_CONTENT = new Set(['HTTP_STATUS', 'HTTP_DIGEST', 'HTTP_REGEX']);

export function checkerAlertBody(kind: CheckKind, up: boolean, r: CheckResult): string {
  switch (kind) {
    case 'TCP_CHECK':
      return up ? '=> TCP CHECK succeed on service <=' : '=> TCP CHECK failed on service <=';
    case 'UDP_CHECK':
      return up ? '=> UDP CHECK succeed on service <=' : '=> UDP CHECK failed on service <=';
    case 'PING_CHECK':
      return up ? '=> ICMP CHECK succeed on service <=' : '=> ICMP CHECK failed on service <=';
    case 'DNS_CHECK':
      return up ? '=> DNS_CHECK: succeed on service <=' : '=> DNS_CHECK: failed on service <=';
    case 'MISC_CHECK':
      return `=> MISC CHECK ${up ? 'succeed' : r.code === 'MISC_TIMEOUT' ? 'timed out' : 'failed'} on service <=`;
    case 'HTTP_GET':
    case 'SSL_GET':
      if (up) return '=> CHECK succeed on service <=';
      if (HTTP_CONTENT.has(r.code)) return '=> CHECK failed on service : HTTP request failed <=';
      return `=> CHECK failed on service : ${(HTTP_ATTEMPT_MSG[r.code] ?? 'Error connecting').trim()} <=`;
    default:
      return up ? '=> CHECK succeed on service <=' : '=> CHECK failed on service <=';
  }
}
