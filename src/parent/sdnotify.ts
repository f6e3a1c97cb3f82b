/**
 * sd_notify(3): `READY=1\nMAINPID=N`, `RELOADING=1`, `STOPPING=1`, `ERRNO=N`, `STATUS=…` as one
 * unix datagram to $NOTIFY_SOCKET ('@' = abstract namespace), through the native addon.
 * keepalived sends READY=1 once every child has read its configuration.
 */
import { nativeDgramSender, type DgramSender } from '../log/syslog';

export class SdNotify {
  private readonly path: string | undefined;
  private readonly sender: DgramSender | undefined;
  readonly problem: string | undefined;

  constructor(env: NodeJS.ProcessEnv = process.env, sender?: DgramSender) {
    const p = env.NOTIFY_SOCKET;
    this.path = p && (p.startsWith('/') || p.startsWith('@')) ? p : undefined;
    if (!this.path) {
      this.sender = undefined;
      this.problem = undefined;
      return;
    }
    if (sender) {
      this.sender = sender;
      this.problem = undefined;
    } else {
      const s = nativeDgramSender();
      this.sender = s.send;
      this.problem = s.error ? `NOTIFY_SOCKET set but sd_notify unavailable: ${s.error}` : undefined;
    }
  }

  get enabled(): boolean {
    return this.path !== undefined && this.sender !== undefined;
  }

  /** Send `fields` (e.g. ['READY=1', 'MAINPID=123']); false when not possible. */
  notify(fields: string[]): boolean {
    if (!this.path || !this.sender) return false;
    try {
      this.sender(this.path, Buffer.from(fields.join('\n')));
      return true;
    } catch {
      return false;
    }
  }

  ready(pid = process.pid): boolean {
    return this.notify(['READY=1', `MAINPID=${pid}`]);
  }
  reloading(): boolean {
    return this.notify(['RELOADING=1']);
  }
  stopping(): boolean {
    return this.notify(['STOPPING=1']);
  }
  /** keepalived's systemd_notify_error(): ERRNO=N alone (it sends no STATUS= lines). */
  error(errno: number): boolean {
    return this.notify([`ERRNO=${errno}`]);
  }
}
