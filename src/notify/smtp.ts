/**
 * SMTP alerts (keepalived's smtp_alert()): one mail per alert, from notification_email_from to
 * every notification_email address, through smtp_server[:port] (default 25) with HELO
 * smtp_helo_name (default: the host name), smtp_connect_timeout seconds (default 30) for
 * connecting and for each reply. The sender defaults to <user>@<host name> (root@host).
 * The message is sent raw, byte for byte as keepalived 2.2.7 writes it (compared with a real
 * one): Date, From, Subject, X-Mailer: Keepalived, To (comma separated), blank line, body, CRLF.
 * Sending never blocks the caller; results are logged with keepalived's lines. (nodemailer
 * greets with EHLO, keepalived with HELO; both with the same name.)
 */
import * as nodemailer from 'nodemailer';
import type { NotifyLog } from './runner';

export interface SmtpSettings {
  host: string;
  port: number;
  helo: string;
  from: string;
  to: string[];
  connectTimeoutS: number;
}

export class SmtpAlerter {
  private readonly pending = new Set<Promise<void>>();

  constructor(
    private readonly s: SmtpSettings,
    private readonly log: NotifyLog,
  ) {}

  /** FMT_SMTP_HOST: `[addr]:port`. */
  private get hostText(): string {
    return `[${this.s.host}]:${this.s.port}`;
  }

  /** Queue one alert; resolves when the mail has been handed over or failed (never rejects). */
  send(subject: string, body: string): Promise<void> {
    const transport = nodemailer.createTransport({
      host: this.s.host,
      port: this.s.port,
      secure: false,
      ignoreTLS: true,
      name: this.s.helo,
      connectionTimeout: this.s.connectTimeoutS * 1000,
      greetingTimeout: this.s.connectTimeoutS * 1000,
      socketTimeout: this.s.connectTimeoutS * 1000,
    });
    const p = transport
      .sendMail({
        envelope: { from: this.s.from, to: [...this.s.to] },
        raw: rawMessage(new Date(), this.s.from, subject, this.s.to, body),
      })
      .then(
        () => {
          this.log.info(`Remote SMTP server ${this.hostText} connected.`);
          this.log.info('SMTP alert successfully sent.');
        },
        (e: Error & { code?: string; responseCode?: number; command?: string }) => {
          if (e.code === 'ETIMEDOUT' || /timeout/i.test(e.message)) this.log.info(`Timeout connecting SMTP server ${this.hostText}.`);
          else if (e.code === 'ECONNECTION' || e.code === 'ESOCKET' || e.responseCode === undefined) this.log.info(`SMTP connection ERROR to ${this.hostText}.`);
          else {
            this.log.info(`Remote SMTP server ${this.hostText} connected.`);
            const cmd = /^MAIL/i.test(e.command ?? '') ? 'MAIL' : /^RCPT/i.test(e.command ?? '') ? 'RCPT' : /^DATA/i.test(e.command ?? '') ? 'DATA' : /HELO|EHLO/i.test(e.command ?? '') ? 'HELO' : 'DOT';
            this.log.info(`Error processing ${cmd} cmd on SMTP server ${this.hostText}. SMTP status code = ${e.responseCode}`);
          }
        },
      )
      .finally(() => {
        transport.close();
        this.pending.delete(p);
      });
    this.pending.add(p);
    return p;
  }

  /** Wait for mails in flight (tests, stop). */
  async drain(): Promise<void> {
    await Promise.all([...this.pending]);
  }
}

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const p2 = (n: number): string => String(n).padStart(2, '0');

/** strftime("%a, %d %b %Y %H:%M:%S %z") in local time. */
export function rfc822Date(d: Date): string {
  const off = -d.getTimezoneOffset();
  const z = `${off >= 0 ? '+' : '-'}${p2(Math.floor(Math.abs(off) / 60))}${p2(Math.abs(off) % 60)}`;
  return `${DAYS[d.getDay()]}, ${p2(d.getDate())} ${MONTHS[d.getMonth()]} ${d.getFullYear()} ${p2(d.getHours())}:${p2(d.getMinutes())}:${p2(d.getSeconds())} ${z}`;
}

/**
 * The message as keepalived's SMTP_HEADERS_CMD + SMTP_BODY_CMD write it. keepalived then sends
 * CRLF.CRLF, so the data ends with an empty line; nodemailer adds only `.CRLF` after a CRLF.
 */
export function rawMessage(date: Date, from: string, subject: string, to: string[], body: string): string {
  return `Date: ${rfc822Date(date)}\r\nFrom: ${from}\r\nSubject: ${subject}\r\nX-Mailer: Keepalived\r\nTo: ${to.join(', ')}\r\n\r\n${body}\r\n\r\n`;
}
