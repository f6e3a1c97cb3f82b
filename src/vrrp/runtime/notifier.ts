/**
 * Notifier port: the VRRP runtime reports state changes and the other notify-worthy events
 * here and never runs notify scripts, FIFOs or SMTP itself (that is the parent's job; the lead
 * wires a forwarding implementation). The default implementation only logs at debug level.
 */
export type NotifyEvent =
  | { kind: 'instance'; name: string; state: 'MASTER' | 'BACKUP' | 'FAULT' | 'STOP' | 'DELETED'; priority: number }
  | { kind: 'master-rx-lower-pri'; name: string; priority: number; src: string }
  | { kind: 'priority'; name: string; state: string; from: number; to: number }
  | { kind: 'group'; name: string; state: 'MASTER' | 'BACKUP' | 'FAULT' | 'STOP' };

export interface Notifier {
  notify(ev: NotifyEvent): void;
}

export class LogNotifier implements Notifier {
  constructor(private readonly debug: (msg: string) => void) {}
  notify(ev: NotifyEvent): void {
    switch (ev.kind) {
      case 'instance':
        this.debug(`notify: INSTANCE "${ev.name}" ${ev.state} ${ev.priority}`);
        return;
      case 'group':
        this.debug(`notify: GROUP "${ev.name}" ${ev.state} 0`);
        return;
      case 'master-rx-lower-pri':
        this.debug(`notify: INSTANCE "${ev.name}" MASTER_RX_LOWER_PRI ${ev.priority} from ${ev.src}`);
        return;
      case 'priority':
        this.debug(`notify: INSTANCE "${ev.name}" ${ev.state}_PRIORITY ${ev.to}`);
        return;
    }
  }
}
