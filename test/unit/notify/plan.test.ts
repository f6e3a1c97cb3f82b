import { test } from 'node:test';
import assert from 'node:assert/strict';
import { effectiveFifos, emptyPlanState, notifyConfigOf, planEvent, planFlush, planReloaded, type NotifyAction } from '../../../src/notify/plan';
import { conf } from './helpers';

const VRRP = `
global_defs {
  router_id R1
  notification_email { a@example.org b@example.org }
  notification_email_from kad@example.org
  smtp_server 127.0.0.1 2525
  notify_fifo /tmp/all.fifo
  vrrp_notify_fifo /tmp/vrrp.fifo
  lvs_notify_fifo /tmp/lvs.fifo
}
vrrp_sync_group G1 {
  group { VI_1 VI_2 }
  notify_master "/bin/gm arg"
  notify /bin/gnotify
  smtp_alert
}
vrrp_instance VI_1 {
  interface eth0
  virtual_router_id 51
  priority 100
  virtual_ipaddress { 10.0.0.1 }
  notify_master "/bin/m one two"
  notify_backup /bin/b
  notify_fault /bin/f
  notify_stop /bin/s
  notify /bin/n
  notify_master_rx_lower_pri /bin/rx
  smtp_alert
}
vrrp_instance VI_2 {
  interface eth0
  virtual_router_id 52
  priority 90
  virtual_ipaddress { 10.0.0.2 }
  notify /bin/n2
}
vrrp_instance VI_3 {
  interface eth0
  virtual_router_id 53
  virtual_ipaddress { 10.0.0.3 }
  notify_deleted /bin/del
  notify /bin/n3
}
vrrp_instance VI_4 {
  interface eth0
  virtual_router_id 54
  virtual_ipaddress { 10.0.0.4 }
  notify_fault /bin/f4
  notify /bin/n4
}
`;

const script = (argv: string[], waitMs?: number): NotifyAction => ({ type: 'script', argv, ...(waitMs !== undefined ? { waitMs } : {}) });
const fifo = (f: 'notify' | 'vrrp' | 'lvs', line: string): NotifyAction => ({ type: 'fifo', fifo: f, line });

test('instance MASTER: notify_master, notify + 4 args, FIFO lines, SMTP, in that order', () => {
  const cfg = notifyConfigOf(conf(VRRP), 'host');
  const st = emptyPlanState();
  assert.deepEqual(planEvent(cfg, st, { kind: 'instance', name: 'VI_1', state: 'MASTER', priority: 100 }), [
    script(['/bin/m', 'one', 'two']),
    script(['/bin/n', 'INSTANCE', 'VI_1', 'MASTER', '100']),
    fifo('notify', 'INSTANCE "VI_1" MASTER 100\n'),
    fifo('vrrp', 'INSTANCE "VI_1" MASTER 100\n'),
    { type: 'smtp', subject: '[R1] VRRP Instance VI_1 - Entering MASTER state', body: '=> VRRP Instance is now owning VRRP VIPs <=' },
  ]);
});

test('each state picks its own script; STOP scripts are waited for (1 s); mails once per state', () => {
  const cfg = notifyConfigOf(conf(VRRP), 'host');
  const st = emptyPlanState();
  const b = planEvent(cfg, st, { kind: 'instance', name: 'VI_1', state: 'BACKUP', priority: 100 });
  assert.deepEqual(b.slice(0, 2), [script(['/bin/b']), script(['/bin/n', 'INSTANCE', 'VI_1', 'BACKUP', '100'])]);
  assert.equal(b.at(-1)?.type, 'smtp');
  // same state again: scripts and FIFO again, no second mail (last_email_state)
  const b2 = planEvent(cfg, st, { kind: 'instance', name: 'VI_1', state: 'BACKUP', priority: 100 });
  assert.equal(b2.filter((a) => a.type === 'smtp').length, 0);
  const f = planEvent(cfg, st, { kind: 'instance', name: 'VI_1', state: 'FAULT', priority: 0 });
  assert.deepEqual(f.slice(0, 2), [script(['/bin/f']), script(['/bin/n', 'INSTANCE', 'VI_1', 'FAULT', '0'])]);
  assert.deepEqual(f.at(-1), { type: 'smtp', subject: '[R1] VRRP Instance VI_1 - Entering FAULT state', body: '=> VRRP Instance is no longer owning VRRP VIPs <=' });
  const s = planEvent(cfg, st, { kind: 'instance', name: 'VI_1', state: 'STOP', priority: 100 });
  assert.deepEqual(s.slice(0, 4), [
    script(['/bin/s'], 1000),
    script(['/bin/n', 'INSTANCE', 'VI_1', 'STOP', '100'], 1000),
    fifo('notify', 'INSTANCE "VI_1" STOP 100\n'),
    fifo('vrrp', 'INSTANCE "VI_1" STOP 100\n'),
  ]);
  assert.deepEqual(s.at(-1), { type: 'smtp', subject: '[R1] VRRP Instance VI_1 - Stopping', body: '=> VRRP Instance stopping <=' });
});

test('sync group: GROUP notifies with prio 0; members already in the group state are not re-notified', () => {
  const cfg = notifyConfigOf(conf(VRRP), 'host');
  const st = emptyPlanState();
  // first notifies of members always go out
  assert.equal(planEvent(cfg, st, { kind: 'instance', name: 'VI_2', state: 'BACKUP', priority: 90 }).length, 3);
  assert.deepEqual(planEvent(cfg, st, { kind: 'group', name: 'G1', state: 'MASTER' }), [
    script(['/bin/gm', 'arg']),
    script(['/bin/gnotify', 'GROUP', 'G1', 'MASTER', '0']),
    fifo('notify', 'GROUP "G1" MASTER 0\n'),
    fifo('vrrp', 'GROUP "G1" MASTER 0\n'),
    { type: 'smtp', subject: '[R1] VRRP Group G1 - Entering MASTER state', body: '=> All VRRP group instances are now in MASTER state <=' },
  ]);
  // VI_2 follows its group to MASTER: nothing (keepalived's notifies_sent && state == sync->state)
  assert.deepEqual(planEvent(cfg, st, { kind: 'instance', name: 'VI_2', state: 'MASTER', priority: 90 }), []);
  // a state different from the group's is notified
  assert.equal(planEvent(cfg, st, { kind: 'instance', name: 'VI_2', state: 'FAULT', priority: 90 }).length, 3);
  // STOP is always notified (keepalived stops every instance before any group)
  planEvent(cfg, st, { kind: 'group', name: 'G1', state: 'STOP' });
  assert.equal(planEvent(cfg, st, { kind: 'instance', name: 'VI_2', state: 'STOP', priority: 90 }).length, 3);
});

test('a group STOP is notified after its members STOP (keepalived stops every instance first), or at exit', () => {
  const cfg = notifyConfigOf(conf(VRRP), 'host');
  const st = emptyPlanState();
  planEvent(cfg, st, { kind: 'group', name: 'G1', state: 'MASTER' });
  const a = planEvent(cfg, st, { kind: 'instance', name: 'VI_1', state: 'STOP', priority: 100 });
  assert.equal(a.filter((x) => x.type === 'fifo' && x.line.startsWith('GROUP')).length, 0);
  // the runtime reports the group's STOP before the second member's
  assert.deepEqual(planEvent(cfg, st, { kind: 'group', name: 'G1', state: 'STOP' }), []);
  const b = planEvent(cfg, st, { kind: 'instance', name: 'VI_2', state: 'STOP', priority: 90 });
  assert.deepEqual(
    b.filter((x) => x.type !== 'smtp'),
    [
      script(['/bin/n2', 'INSTANCE', 'VI_2', 'STOP', '90'], 1000),
      fifo('notify', 'INSTANCE "VI_2" STOP 90\n'),
      fifo('vrrp', 'INSTANCE "VI_2" STOP 90\n'),
      // group without a script for STOP: only the generic notify + FIFO
      script(['/bin/gnotify', 'GROUP', 'G1', 'STOP', '0'], 1000),
      fifo('notify', 'GROUP "G1" STOP 0\n'),
      fifo('vrrp', 'GROUP "G1" STOP 0\n'),
    ],
  );
  assert.deepEqual(planFlush(cfg, st), []);
  // a member that never stops: the group's STOP goes out at exit
  const st2 = emptyPlanState();
  planEvent(cfg, st2, { kind: 'instance', name: 'VI_1', state: 'STOP', priority: 100 });
  assert.deepEqual(planEvent(cfg, st2, { kind: 'group', name: 'G1', state: 'STOP' }), []);
  assert.deepEqual(planFlush(cfg, st2).filter((x) => x.type === 'fifo'), [fifo('notify', 'GROUP "G1" STOP 0\n'), fifo('vrrp', 'GROUP "G1" STOP 0\n')]);
  assert.deepEqual(planFlush(cfg, st2), []);
});

test('notify_deleted: DELETED with it; without it FAULT to notify and the FIFO, no notify_fault script (as 2.2.7)', () => {
  const cfg = notifyConfigOf(conf(VRRP), 'host');
  const st = emptyPlanState();
  assert.deepEqual(planEvent(cfg, st, { kind: 'instance', name: 'VI_3', state: 'DELETED', priority: 100 }), [
    script(['/bin/del']),
    script(['/bin/n3', 'INSTANCE', 'VI_3', 'DELETED', '100']),
    fifo('notify', 'INSTANCE "VI_3" DELETED 100\n'),
    fifo('vrrp', 'INSTANCE "VI_3" DELETED 100\n'),
  ]);
  assert.deepEqual(planEvent(cfg, st, { kind: 'instance', name: 'VI_4', state: 'DELETED', priority: 100 }), [
    script(['/bin/n4', 'INSTANCE', 'VI_4', 'FAULT', '100']),
    fifo('notify', 'INSTANCE "VI_4" FAULT 100\n'),
    fifo('vrrp', 'INSTANCE "VI_4" FAULT 100\n'),
  ]);
  // an instance removed by a reload is found in the previous configuration
  const next = notifyConfigOf(conf(VRRP.replace(/vrrp_instance VI_3 \{[^}]*\{[^}]*\}[^}]*\}/, '')), 'host');
  assert.equal(next.instances.has('VI_3'), false);
  assert.deepEqual(planEvent(next, st, { kind: 'instance', name: 'VI_3', state: 'DELETED', priority: 100 }, cfg)[0], script(['/bin/del']));
  assert.deepEqual(planEvent(next, st, { kind: 'instance', name: 'VI_3', state: 'DELETED', priority: 100 }), []);
});

test('MASTER_RX_LOWER_PRI: script without args, FIFO with our effective priority', () => {
  const cfg = notifyConfigOf(conf(VRRP), 'host');
  const st = emptyPlanState();
  planEvent(cfg, st, { kind: 'instance', name: 'VI_1', state: 'MASTER', priority: 97 });
  assert.deepEqual(planEvent(cfg, st, { kind: 'master-rx-lower-pri', name: 'VI_1', priority: 50, src: '10.0.0.9' }), [
    script(['/bin/rx']),
    fifo('notify', 'INSTANCE "VI_1" MASTER_RX_LOWER_PRI 97\n'),
    fifo('vrrp', 'INSTANCE "VI_1" MASTER_RX_LOWER_PRI 97\n'),
  ]);
});

test('priority changes: FIFO lines only, MASTER_PRIORITY / BACKUP_PRIORITY with the new priority', () => {
  const cfg = notifyConfigOf(conf(VRRP), 'host');
  const st = emptyPlanState();
  assert.deepEqual(planEvent(cfg, st, { kind: 'priority', name: 'VI_1', state: 'MASTER', from: 100, to: 80 }), [
    fifo('notify', 'INSTANCE "VI_1" MASTER_PRIORITY 80\n'),
    fifo('vrrp', 'INSTANCE "VI_1" MASTER_PRIORITY 80\n'),
  ]);
  assert.deepEqual(planEvent(cfg, st, { kind: 'priority', name: 'VI_2', state: 'BACKUP', from: 90, to: 95 }), [
    fifo('notify', 'INSTANCE "VI_2" BACKUP_PRIORITY 95\n'),
    fifo('vrrp', 'INSTANCE "VI_2" BACKUP_PRIORITY 95\n'),
  ]);
});

test('unknown names are ignored (a worker never makes the parent invent scripts)', () => {
  const cfg = notifyConfigOf(conf(VRRP), 'host');
  assert.deepEqual(planEvent(cfg, emptyPlanState(), { kind: 'instance', name: 'NOPE', state: 'MASTER', priority: 1 }), []);
  assert.deepEqual(planEvent(cfg, emptyPlanState(), { kind: 'group', name: 'NOPE', state: 'MASTER' }), []);
  assert.deepEqual(planEvent(cfg, emptyPlanState(), { kind: 'rs', vs: '[1.1.1.1]:tcp:80', rs: '[2.2.2.2]:tcp:80', up: true }), []);
});

test('smtp: instance inherits smtp_alert_vrrp, then smtp_alert; no_email_faults; no server → no mail', () => {
  const base = (g: string, inst = '') => `global_defs {\n router_id R\n notification_email { x@y }\n smtp_server 127.0.0.1\n ${g}\n}\nvrrp_instance V {\n interface eth0\n virtual_router_id 1\n virtual_ipaddress { 10.1.1.1 }\n ${inst}\n}\n`;
  const mails = (text: string, state: 'MASTER' | 'FAULT' | 'DELETED' = 'MASTER') =>
    planEvent(notifyConfigOf(conf(text), 'h'), emptyPlanState(), { kind: 'instance', name: 'V', state, priority: 100 }).filter((a) => a.type === 'smtp').length;
  assert.equal(mails(base('')), 0);
  assert.equal(mails(base('smtp_alert')), 1);
  assert.equal(mails(base('smtp_alert\n smtp_alert_vrrp false')), 0);
  assert.equal(mails(base('smtp_alert_vrrp')), 1);
  assert.equal(mails(base('smtp_alert', 'smtp_alert false')), 0);
  assert.equal(mails(base('', 'smtp_alert')), 1);
  assert.equal(mails(base('smtp_alert\n no_email_faults'), 'FAULT'), 0);
  assert.equal(mails(base('smtp_alert'), 'FAULT'), 1);
  // deleted at reload: 'Deleted' with notify_deleted, else a FAULT mail (observed on 2.2.7)
  const del = (text: string) =>
    planEvent(notifyConfigOf(conf(text), 'h'), emptyPlanState(), { kind: 'instance', name: 'V', state: 'DELETED', priority: 100 }).filter((a) => a.type === 'smtp');
  assert.deepEqual(del(base('smtp_alert')), [{ type: 'smtp', subject: '[R] VRRP Instance V - Entering FAULT state', body: '=> VRRP Instance is no longer owning VRRP VIPs <=' }]);
  assert.deepEqual(del(base('smtp_alert', 'notify_deleted')), [{ type: 'smtp', subject: '[R] VRRP Instance V - Deleted', body: '=> VRRP Deleted at reload <=' }]);
  assert.equal(mails(base('smtp_alert').replace(' smtp_server 127.0.0.1\n', '')), 0);
  // router_id defaults to the host name
  const noRid = base('smtp_alert').replace(' router_id R\n', '');
  const a = planEvent(notifyConfigOf(conf(noRid), 'myhost'), emptyPlanState(), { kind: 'instance', name: 'V', state: 'MASTER', priority: 100 }).find((x) => x.type === 'smtp');
  assert.deepEqual(a, { type: 'smtp', subject: '[myhost] VRRP Instance V - Entering MASTER state', body: '=> VRRP Instance is now owning VRRP VIPs <=' });
});

const LVS = `
global_defs {
  router_id LB
  notification_email { ops@example.org }
  smtp_server 127.0.0.1
  notify_fifo /tmp/all.fifo
  lvs_notify_fifo /tmp/lvs.fifo
}
virtual_server 10.0.0.1 80 {
  protocol TCP
  quorum_up "/bin/qu a"
  quorum_down /bin/qd
  smtp_alert
  real_server 192.168.1.2 80 {
    notify_up "/bin/up x"
    notify_down /bin/down
    TCP_CHECK { connect_timeout 1 }
  }
  real_server 192.168.1.3 80 {
    smtp_alert false
    TCP_CHECK { connect_timeout 1 }
  }
}
virtual_server fwmark 5 {
  real_server 192.168.1.4 80 {
    TCP_CHECK { connect_timeout 1 }
  }
}
`;

test('RS up/down: notify_up/notify_down without args, RS FIFO line; the SMTP alert comes per checker (rs-alert)', () => {
  const cfg = notifyConfigOf(conf(LVS), 'host');
  const st = emptyPlanState();
  assert.deepEqual(planEvent(cfg, st, { kind: 'rs', vs: '[10.0.0.1]:tcp:80', rs: '[192.168.1.2]:tcp:80', up: false }), [
    script(['/bin/down']),
    fifo('notify', 'RS [192.168.1.2]:tcp:80 [10.0.0.1]:tcp:80 DOWN\n'),
    fifo('lvs', 'RS [192.168.1.2]:tcp:80 [10.0.0.1]:tcp:80 DOWN\n'),
  ]);
  assert.deepEqual(planEvent(cfg, st, { kind: 'rs', vs: '[10.0.0.1]:tcp:80', rs: '[192.168.1.2]:tcp:80', up: true }).slice(0, 1), [script(['/bin/up', 'x'])]);
  // each checker's transition mails once, with that checker's body line
  const alert = (rs: string, up: boolean, body: string) => ({ kind: 'rs-alert' as const, vs: '[10.0.0.1]:tcp:80', rs, checker: 'HTTP_GET', up, body });
  assert.deepEqual(planEvent(cfg, st, alert('[192.168.1.2]:tcp:80', false, '=> CHECK failed on service : HTTP request failed <=')), [
    {
      type: 'smtp',
      subject: '[LB] Realserver [192.168.1.2]:tcp:80 of virtual server [10.0.0.1]:tcp:80 - DOWN',
      body: '=> CHECK failed on service : HTTP request failed <=',
    },
  ]);
  // real server with smtp_alert off: no scripts, no mail
  assert.deepEqual(planEvent(cfg, st, { kind: 'rs', vs: '[10.0.0.1]:tcp:80', rs: '[192.168.1.3]:tcp:80', up: true }), [
    fifo('notify', 'RS [192.168.1.3]:tcp:80 [10.0.0.1]:tcp:80 UP\n'),
    fifo('lvs', 'RS [192.168.1.3]:tcp:80 [10.0.0.1]:tcp:80 UP\n'),
  ]);
  assert.deepEqual(planEvent(cfg, st, alert('[192.168.1.3]:tcp:80', true, '=> CHECK succeed on service <=')), []);
  // an unknown real server mails nothing
  assert.deepEqual(planEvent(cfg, st, alert('[192.168.9.9]:tcp:80', true, '=> CHECK succeed on service <=')), []);
});

test('VS quorum up/down: quorum scripts without args, VS FIFO line, SMTP; fwmark identity', () => {
  const cfg = notifyConfigOf(conf(LVS), 'host');
  const st = emptyPlanState();
  assert.deepEqual(planEvent(cfg, st, { kind: 'quorum', vs: '[10.0.0.1]:tcp:80', up: true }), [
    script(['/bin/qu', 'a']),
    fifo('notify', 'VS [10.0.0.1]:tcp:80 UP\n'),
    fifo('lvs', 'VS [10.0.0.1]:tcp:80 UP\n'),
    { type: 'smtp', subject: '[LB] Virtualserver [10.0.0.1]:tcp:80 - UP', body: '=> Gained quorum 1+0=1 <= 2 <=' },
  ]);
  planEvent(cfg, st, { kind: 'rs', vs: '[10.0.0.1]:tcp:80', rs: '[192.168.1.2]:tcp:80', up: false });
  planEvent(cfg, st, { kind: 'rs', vs: '[10.0.0.1]:tcp:80', rs: '[192.168.1.3]:tcp:80', up: false });
  const down = planEvent(cfg, st, { kind: 'quorum', vs: '[10.0.0.1]:tcp:80', up: false });
  assert.deepEqual(down[0], script(['/bin/qd']));
  assert.deepEqual(down.at(-1), { type: 'smtp', subject: '[LB] Virtualserver [10.0.0.1]:tcp:80 - DOWN', body: '=> Lost quorum 1+0=1 <= 0 <=' });
  assert.deepEqual(planEvent(cfg, st, { kind: 'quorum', vs: 'FWM 5', up: false }).slice(0, 1), [fifo('notify', 'VS FWM 5 DOWN\n')]);
});

test('VRRP lines never go to lvs_notify_fifo, LVS lines never to vrrp_notify_fifo', () => {
  const cfg = notifyConfigOf(conf(VRRP + LVS.replace(/global_defs \{[^}]*\{[^}]*\}[^}]*\}/, '')), 'host');
  const st = emptyPlanState();
  const v = planEvent(cfg, st, { kind: 'instance', name: 'VI_2', state: 'MASTER', priority: 90 }).filter((a) => a.type === 'fifo');
  assert.deepEqual(v.map((a) => (a.type === 'fifo' ? a.fifo : '')), ['notify', 'vrrp']);
  const l = planEvent(cfg, st, { kind: 'quorum', vs: '[10.0.0.1]:tcp:80', up: true }).filter((a) => a.type === 'fifo');
  assert.deepEqual(l.map((a) => (a.type === 'fifo' ? a.fifo : '')), ['notify', 'lvs']);
});

test('script users: per-script user and group are carried into the action', () => {
  const cfg = notifyConfigOf(conf(VRRP.replace('notify_backup /bin/b', 'notify_backup /bin/b nobody nogroup')), 'host');
  const a = planEvent(cfg, emptyPlanState(), { kind: 'instance', name: 'VI_1', state: 'BACKUP', priority: 100 });
  assert.deepEqual(a[0], { type: 'script', argv: ['/bin/b'], user: 'nobody', group: 'nogroup' });
});

test('shared FIFO paths: vrrp/LVS FIFO equal to notify_fifo ignored (no duplicate lines); same vrrp/LVS path with scripts: LVS script ignored', () => {
  const inst = `vrrp_instance V {\n interface eth0\n virtual_router_id 1\n virtual_ipaddress { 10.1.1.1 }\n}\n`;
  const a = conf(`global_defs {\n notify_fifo /tmp/x.fifo\n vrrp_notify_fifo /tmp/x.fifo\n lvs_notify_fifo /tmp/x.fifo\n}\n${inst}`);
  const ea = effectiveFifos(a.global);
  assert.deepEqual([...ea.fifos.keys()], ['notify']);
  assert.deepEqual(ea.warnings, [
    'notify FIFO /tmp/x.fifo has been specified for global and vrrp FIFO - ignoring vrrp FIFO',
    'notify FIFO /tmp/x.fifo has been specified for global and LVS FIFO - ignoring LVS FIFO',
  ]);
  const lines = planEvent(notifyConfigOf(a, 'h'), emptyPlanState(), { kind: 'instance', name: 'V', state: 'MASTER', priority: 100 });
  assert.deepEqual(lines, [fifo('notify', 'INSTANCE "V" MASTER 100\n')]);
  const b = conf(`global_defs {\n vrrp_notify_fifo /tmp/y.fifo\n vrrp_notify_fifo_script /bin/a\n lvs_notify_fifo /tmp/y.fifo\n lvs_notify_fifo_script /bin/b\n}\n${inst}`);
  const eb = effectiveFifos(b.global);
  assert.deepEqual(eb.warnings, ['LVS notify FIFO and vrrp FIFO are the same both with scripts - ignoring LVS FIFO script']);
  assert.equal(eb.fifos.get('lvs')?.script, undefined);
  assert.deepEqual(eb.fifos.get('vrrp')?.script?.argv, ['/bin/a']);
});

test('fifo_write_vrrp_states_on_reload: GROUP lines with the current states after a reload (only then)', () => {
  const withOpt = notifyConfigOf(conf(VRRP.replace('  router_id R1\n', '  router_id R1\n  fifo_write_vrrp_states_on_reload\n')), 'host');
  const st = emptyPlanState();
  assert.deepEqual(planReloaded(withOpt, st), []);
  planEvent(withOpt, st, { kind: 'group', name: 'G1', state: 'MASTER' });
  planEvent(withOpt, st, { kind: 'instance', name: 'VI_3', state: 'MASTER', priority: 100 });
  assert.deepEqual(planReloaded(withOpt, st), [fifo('notify', 'GROUP "G1" MASTER 0\n'), fifo('vrrp', 'GROUP "G1" MASTER 0\n')]);
  assert.deepEqual(planReloaded(notifyConfigOf(conf(VRRP), 'host'), st), []);
});
