/**
 * NotifyService: the parent's side of notifications. Workers report events (events.ts); the
 * parent validates them, plans what keepalived would do (plan.ts) and performs it: scripts
 * (runner.ts, not awaited), FIFO lines (fifo.ts, synchronous so their order is the event
 * order), SMTP alerts (smtp.ts, not awaited).
 */
import * as os from 'node:os';
import type { KeepalivedConfig } from '../config/ast';
import { checkNotifyEvent, type NotifyEvent } from './events';
import { NotifyFifo } from './fifo';
import { effectiveFifos, emptyPlanState, notifyConfigOf, planEvent, planFlush, planReloaded, type FifoKind, type NotifyAction, type NotifyConfig, type PlanState } from './plan';
import { defaultScriptUser, ScriptRunner, type NotifyLog } from './runner';
import { SmtpAlerter } from './smtp';

export interface NotifyServiceOptions {
  log: NotifyLog;
  /** Directory holding passwd and group (tests); default /etc. */
  etc?: string;
  /** router_id / HELO default; default os.hostname(). */
  hostname?: string;
}

export class NotifyService {
  private cfg: NotifyConfig;
  private prev: NotifyConfig | undefined;
  private readonly state: PlanState = emptyPlanState();
  private readonly runner: ScriptRunner;
  private fifos = new Map<FifoKind, NotifyFifo>();
  private smtp: SmtpAlerter | undefined;
  private readonly hostname: string;
  private readonly log: NotifyLog;
  private readonly etc: string;
  /** Shutdown has begun: keepalived 2.2.7 exits before its 'Stopping' mails go out (observed). */
  private exiting = false;

  constructor(config: KeepalivedConfig, opts: NotifyServiceOptions) {
    this.log = opts.log;
    this.etc = opts.etc ?? '/etc';
    this.hostname = opts.hostname ?? os.hostname();
    this.runner = new ScriptRunner({ log: this.log, etc: this.etc, defaultUser: defaultScriptUser(config.global.scriptUser, this.etc) });
    this.cfg = notifyConfigOf(config, this.hostname);
    this.apply(config);
  }

  /** Handle an event from a worker; anything that fails validation is logged and dropped. */
  handle(raw: unknown): NotifyAction[] {
    const c = checkNotifyEvent(raw);
    if (!c.ok) {
      this.log.warn(`keepalived-ts: dropped notify event from worker: ${c.reason}`);
      return [];
    }
    return this.handleEvent(c.event);
  }

  handleEvent(ev: NotifyEvent): NotifyAction[] {
    const actions = planEvent(this.cfg, this.state, ev, this.prev);
    for (const a of actions) this.perform(a);
    return actions;
  }

  private perform(a: NotifyAction): void {
    switch (a.type) {
      case 'script':
        void this.runner.run(a);
        return;
      case 'fifo':
        this.fifos.get(a.fifo)?.write(a.line);
        return;
      case 'smtp':
        if (!this.exiting) void this.smtp?.send(a.subject, a.body);
        return;
    }
  }

  /**
   * New configuration (SIGHUP): FIFO scripts get SIGTERM, FIFOs are closed (and removed if we
   * created them) and opened again as configured, their scripts started again (as 2.2.7).
   */
  reload(config: KeepalivedConfig): void {
    this.prev = this.cfg;
    this.cfg = notifyConfigOf(config, this.hostname);
    this.runner.setDefaultUser(defaultScriptUser(config.global.scriptUser, this.etc));
    this.closeFifos(true);
    this.apply(config);
  }

  /** The workers have applied the new configuration (fifo_write_vrrp_states_on_reload). */
  reloaded(): NotifyAction[] {
    const actions = planReloaded(this.cfg, this.state);
    for (const a of actions) this.perform(a);
    return actions;
  }

  /** Shutdown begins: FIFO scripts get SIGTERM (STOP lines are still written after this). */
  stopping(): void {
    this.exiting = true;
    for (const f of this.fifos.values()) f.stopScript();
  }

  private stopped = false;

  /** Wait (≤ 1 s each) for STOP scripts and for mails in flight, then close the FIFOs. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    this.stopping();
    for (const a of planFlush(this.cfg, this.state)) this.perform(a);
    await Promise.all([this.runner.drain(), this.smtp?.drain()]);
    this.closeFifos();
  }

  private apply(config: KeepalivedConfig): void {
    const g = config.global;
    const { fifos, warnings } = effectiveFifos(g);
    for (const w of warnings) this.log.info(w);
    for (const [kind, { spec, script }] of fifos) {
      const f = new NotifyFifo(spec, this.log, this.etc, kind === 'notify' ? '' : `${kind} `);
      if (!f.open()) continue;
      this.fifos.set(kind, f);
      f.startScript(script, this.runner);
    }
    this.smtp =
      g.smtpServer && g.notificationEmail.length > 0
        ? new SmtpAlerter(
            {
              host: g.smtpServer.host,
              port: g.smtpServer.port,
              helo: g.smtpHeloName ?? this.hostname,
              from: g.notificationEmailFrom ?? `${userName()}@${this.hostname}`,
              to: [...g.notificationEmail],
              connectTimeoutS: g.smtpConnectTimeoutS,
            },
            this.log,
          )
        : undefined;
  }

  private closeFifos(reload = false): void {
    for (const f of this.fifos.values()) f.close(reload);
    this.fifos.clear();
  }
}

/** keepalived's default sender is <its user>@<host name> (observed: root@host). */
function userName(): string {
  try {
    return os.userInfo().username;
  } catch {
    return 'root';
  }
}
