/**
 * SMTP alerts (keepalived's smtp_alert()): one mail per alert, from notification_email_from to
 * every notification_email address, through smtp_server[:port] (default 25) with HELO
 * smtp_helo_name (default: the host name), smtp_connect_timeout seconds (default 30) for
 * connecting and for each reply. The sender defaults to keepalived@<host name>.
 * Headers as keepalived writes them: Date, From, Subject, X-Mailer: Keepalived, To (comma
 * separated). Sending never blocks the caller; results are logged with keepalived's lines.
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

  private get hostText(): string {
    return this.s.host.includes(':') ? `[${this.s.host}]:${this.s.port}` : `${this.s.host}:${this.s.port}`;
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
        from: this.s.from,
        to: this.s.to.join(', '),
        subject,
        text: `${body}\r\n`,
        headers: { 'X-Mailer': 'Keepalived' },
        date: new Date(),
      })
      .then(
        () => this.log.info('SMTP alert successfully sent.'),
        (e: Error & { code?: string }) => {
          if (e.code === 'ETIMEDOUT' || /timeout/i.test(e.message)) this.log.info(`Timeout connecting SMTP server ${this.hostText}.`);
          else if (e.code === 'ECONNECTION' || e.code === 'ESOCKET') this.log.info(`SMTP connection ERROR to ${this.hostText}.`);
          else this.log.info(`Error sending SMTP alert to ${this.hostText}: ${e.message}`);
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
