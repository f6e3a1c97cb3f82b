/**
 * DOC: notifications (keepalived 2.2.7's notify scripts, notify FIFOs and SMTP alerts).
 *
 * Who runs what: the VRRP and checker workers never execute anything. They report events
 * through their Notifier ports (src/vrrp/runtime/notifier.ts, src/check/engine.ts); the
 * worker-side forwarder sends them as `{type:'notify', event}` IPC messages; the parent
 * validates each one (events.ts checkNotifyEvent: closed states, bounded names) and hands it
 * to its NotifyService (service.ts), which looks every script up in its own configuration.
 *
 * Files:
 *  - events.ts   the event union (instance/group state, MASTER_RX_LOWER_PRI, priority changes,
 *                RS up/down, VS quorum up/down) and the IPC validator;
 *  - plan.ts     pure: event + config → actions in keepalived's order (notify_<state> script,
 *                generic `notify` + `INSTANCE|GROUP NAME STATE PRIO`, FIFO lines, SMTP alert);
 *                sync-group members already in their group's state are not re-notified;
 *                notify_deleted (else DELETED is reported as FAULT); SMTP inheritance
 *                (instance/group → smtp_alert_vrrp → smtp_alert; checker side resolved by
 *                the config layer), no_email_faults, one mail per state (last_email_state);
 *  - runner.ts   exec without a shell, own session, stdio /dev/null, as the script user
 *                (keyword user → script_user → keepalived_script → root); STOP scripts awaited
 *                ≤ 1 s; exec failures logged as keepalived ("Error exec-ing command ...");
 *  - fifo.ts     mkfifo 0644 when absent, O_RDWR|O_NONBLOCK, whole-line writes, unlink what we
 *                created, `*_fifo_script` with the path appended, SIGTERM on reload/stop;
 *  - smtp.ts     alerts through nodemailer (headers From/To/Subject/X-Mailer: Keepalived);
 *  - service.ts  NotifyService(config): handle(event), reload(config), stopping(), stop().
 *
 * Checked against keepalived 2.2.7 (test/integration/notify/e2e.test.ts): notify argv, FIFO
 * lines per object, sync groups, notify_deleted on reload, MASTER_RX_LOWER_PRI and
 * MASTER_PRIORITY with the effective priority, the fifo script lifecycle, SMTP bytes.
 *
 * Deviations: workers report real-server transitions, not each checker's, so an RS alert uses
 * its first checker's wording (2.2.7 strings) and there is one per RS transition (as with
 * no_checker_emails); where 2.2.7 adds a run-time reason the generic text is used. The quorum
 * mail's weight sum comes from the RS states reported to the parent. SMTP greets with EHLO
 * (nodemailer) where keepalived says HELO. Scripts do not get PDEATHSIG. D-Bus and SNMP traps
 * are not implemented.
 */
export { checkNotifyEvent, type NotifyEvent } from './events';
export { planEvent, notifyConfigOf, emptyPlanState, type NotifyAction, type NotifyConfig } from './plan';
export { NotifyService } from './service';
