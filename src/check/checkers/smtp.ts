/**
 * SMTP_CHECK (keepalived check_smtp.c): connect, expect a "220" greeting line, send
 * `HELO <helo_name>`, expect "250", send `QUIT`, read one more line. A status is the
 * first three digits of a line followed by a space or the end of the line, so a
 * multi-line "220-" greeting fails like it does in keepalived.
 */
import type { CheckResult, SmtpTarget } from '../types';
import { StepReader, tcpConnect, writeStep } from './conn';

export const DEFAULT_HELO_NAME = 'smtpchecker.keepalived.org';
const LINE_MAX = 512;

/** keepalived's smtp_get_status(): -1 when the line does not start with a 3-digit status. */
export function smtpStatus(line: string): number {
  const m = /^(\d{3})(?: |$)/.exec(line.replace(/\r$/, ''));
  return m ? Number(m[1]) : -1;
}

export async function run(target: SmtpTarget, signal: AbortSignal): Promise<CheckResult> {
  const c = await tcpConnect(target, signal);
  if (!c.ok) return { code: c.code, detail: c.detail };
  const sock = c.socket;
  const reader = new StepReader(sock);
  let buf = '';
  const getLine = async (): Promise<string | CheckResult> => {
    buf = '';
    for (;;) {
      const r = await reader.next(target.connectTimeoutMs, signal);
      if (r === 'timeout') return { code: 'READ_TIMEOUT' };
      if (r === 'aborted') return { code: 'ABORTED' };
      if (r === 'eof' || r === 'error') return { code: 'READ_ERROR' };
      buf += r.toString('latin1');
      if (buf.length >= LINE_MAX - 1) buf = buf.slice(-(LINE_MAX - 1));
      const nl = buf.indexOf('\n');
      if (nl >= 0) return buf.slice(0, nl);
    }
  };
  try {
    const banner = await getLine();
    if (typeof banner !== 'string') return banner;
    if (smtpStatus(banner) !== 220) return { code: 'SMTP_BAD_BANNER', detail: banner.trim() };
    let w = await writeStep(sock, `HELO ${target.heloName}\r\n`, target.connectTimeoutMs, signal);
    if (w) return { code: w };
    const helo = await getLine();
    if (typeof helo !== 'string') return helo;
    if (smtpStatus(helo) !== 250) return { code: 'SMTP_BAD_HELO', detail: helo.trim() };
    w = await writeStep(sock, 'QUIT\r\n', target.connectTimeoutMs, signal);
    if (w) return { code: w };
    const bye = await getLine();
    if (typeof bye !== 'string') return bye;
    return { code: 'OK' };
  } finally {
    sock.destroy();
  }
}
