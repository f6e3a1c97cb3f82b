/**
 * The state machine, RFC 5798 §6.4 row by row (plus keepalived's extras), driven by hand on a
 * fake clock: each test checks the state, the actions (as data) and the timers requested.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseIp } from '../../../src/lib/ip';
import type { Advert } from '../../../src/vrrp/packet/advert';
import { FakeClock } from '../../fakes/clock';
import {
  initFsm,
  step,
  skewTimeUs,
  masterDownIntervalUs,
  FSM_DEFAULTS,
  type Action,
  type FsmConfig,
  type FsmEvent,
  type FsmState,
} from '../../../src/vrrp/fsm';

const ip = (s: string) => new Uint8Array(parseIp(s)!.bytes);
const S = 1_000_000;

function cfg(over: Partial<FsmConfig> = {}): FsmConfig {
  return { ...FSM_DEFAULTS, name: 'VI_1', version: 2, priority: 100, advertIntervalCs: 100, garpMasterDelayUs: 0, localAddr: ip('10.0.0.1'), ...over };
}

function advert(priority: number, src = '10.0.0.2', over: Partial<Advert> = {}): Advert {
  return {
    family: 4,
    version: 2,
    type: 1,
    vrid: 51,
    priority,
    count: 1,
    authType: 0,
    adverInt: 1,
    advertIntervalCs: 100,
    rsvd: 0,
    checksum: 0,
    addrs: [ip('10.0.0.100')],
    checksumVariant: 'v2',
    ttl: 255,
    src: ip(src),
    dst: ip('224.0.0.18'),
    ...over,
  };
}

/** Drive one FSM on a fake clock. */
class Driver {
  clock = new FakeClock(1000 * S);
  st: FsmState;
  last: Action[] = [];
  constructor(c: FsmConfig) {
    this.st = initFsm(c);
  }
  ev(e: FsmEvent): Action[] {
    const r = step(this.st, e, this.clock.nowUs);
    this.st = r.state;
    this.last = r.actions;
    return r.actions;
  }
  rx(priority: number, src?: string, over?: Partial<Advert>): Action[] {
    const a = advert(priority, src, over);
    return this.ev({ type: 'advert', advert: a, srcText: src ?? '10.0.0.2' });
  }
  types(): string[] {
    return this.last.map((a) => a.type);
  }
  logs(): string[] {
    return this.last.filter((a): a is Extract<Action, { type: 'log' }> => a.type === 'log').map((a) => a.text);
  }
  armed(timer: string): number | undefined {
    const a = this.last.find((x) => x.type === 'arm-timer' && x.timer === timer);
    return a && a.type === 'arm-timer' ? a.atUs : undefined;
  }
  sent(): number[] {
    return this.last.filter((a): a is Extract<Action, { type: 'send-advert' }> => a.type === 'send-advert').map((a) => a.priority);
  }
  notifies(): string[] {
    return this.last.filter((a): a is Extract<Action, { type: 'notify' }> => a.type === 'notify').map((a) => a.state);
  }
  /** Fire the armed timer of that name: advance the clock to it and step. */
  fire(timer: 'master-down' | 'advert' | 'garp-delay' | 'garp-lower-prio-delay'): Action[] {
    const at = this.st.timers[timer];
    assert.ok(at !== undefined, `timer ${timer} not armed`);
    this.clock.advanceTo(at);
    return this.ev({ type: `${timer}-timer` } as FsmEvent);
  }
}

test('skew and master-down interval follow keepalived rounding (v2 1/256 s; v3 centiseconds × 625/16)', () => {
  assert.equal(skewTimeUs(2, 100, 100), 609375);
  assert.equal(skewTimeUs(2, 150, 100), 414062); // 414062.5 truncated
  assert.equal(skewTimeUs(2, 255, 100), 3906);
  assert.equal(skewTimeUs(2, 100, 300), 609375); // v2 skew ignores the interval
  assert.equal(skewTimeUs(3, 100, 100), 609375);
  assert.equal(skewTimeUs(3, 100, 50), 304687); // 304687.5 truncated
  assert.equal(skewTimeUs(3, 254, 1), 78); // 78.125
  assert.equal(masterDownIntervalUs(2, 100, 100), 3 * S + 609375);
  assert.equal(masterDownIntervalUs(3, 200, 50, 5), 5 * 500000 + Math.floor((56 * 50 * 625) / 16));
});

// ---- RFC 5798 §6.4.1 Initialize ----

test('6.4.1 Startup, priority < 255: Master_Down_Timer = Master_Down_Interval, go BACKUP (init)', () => {
  const d = new Driver(cfg());
  d.ev({ type: 'startup' });
  assert.equal(d.st.state, 'BACKUP');
  assert.deepEqual(d.logs(), ['(VI_1) removing VIPs.', '(VI_1) Entering BACKUP STATE (init)']);
  assert.deepEqual(d.notifies(), ['BACKUP']);
  assert.equal(d.armed('master-down'), d.clock.nowUs + 3 * S + 609375);
  assert.deepEqual(d.sent(), []);
});

test('6.4.1 Startup, priority 255 with state MASTER: becomes MASTER at once (keepalived: 1 µs backup timeout, no BACKUP log)', () => {
  const d = new Driver(cfg({ priority: 255, initialState: 'MASTER' }));
  d.ev({ type: 'startup' });
  assert.equal(d.st.state, 'BACKUP');
  assert.deepEqual(d.notifies(), []);
  assert.ok(!d.logs().some((l) => l.includes('Entering')));
  assert.equal(d.armed('master-down'), d.clock.nowUs + 1);
  d.fire('master-down');
  assert.equal(d.st.state, 'MASTER');
  assert.deepEqual(d.logs(), ['(VI_1) Receive advertisement timeout', '(VI_1) Entering MASTER STATE', '(VI_1) setting VIPs.']);
  assert.deepEqual(d.sent(), [255]);
  assert.ok(d.types().includes('send-garp') && d.types().includes('set-vips'));
  assert.equal(d.armed('advert'), d.clock.nowUs + S);
});

test('6.4.1 keepalived: state MASTER with priority < 255 still waits the full Master_Down_Interval (observed on 2.2.7)', () => {
  const d = new Driver(cfg({ priority: 150, initialState: 'MASTER' }));
  d.ev({ type: 'startup' });
  assert.deepEqual(d.logs(), ['(VI_1) removing VIPs.', '(VI_1) Entering BACKUP STATE (init)']);
  assert.equal(d.armed('master-down'), d.clock.nowUs + 3 * S + 414062);
});

test('Startup while faulted goes to FAULT (init) with no timers', () => {
  const d = new Driver(cfg());
  d.ev({ type: 'fault' });
  assert.equal(d.st.state, 'INIT');
  d.ev({ type: 'startup' });
  assert.equal(d.st.state, 'FAULT');
  assert.deepEqual(d.logs(), ['(VI_1) removing VIPs.', '(VI_1) entering FAULT state']);
  assert.deepEqual(d.notifies(), ['FAULT']);
  d.ev({ type: 'fault-cleared' });
  assert.deepEqual(d.logs(), ['(VI_1) Entering BACKUP STATE']);
  d.ev({ type: 'fault' });
  assert.deepEqual(d.st.timers, {});
});

test('vrrp_startup_delay: the backup timer counts from the end of the delay', () => {
  const d = new Driver(cfg({ startupDelayUs: 10 * S }));
  d.ev({ type: 'startup' });
  assert.equal(d.armed('master-down'), d.clock.nowUs + 10 * S + 3 * S + 609375);
});

// ---- RFC 5798 §6.4.2 Backup ----

function backup(c: Partial<FsmConfig> = {}): Driver {
  const d = new Driver(cfg(c));
  d.ev({ type: 'startup' });
  return d;
}

test('6.4.2 Backup: Master_Down_Timer fires -> send ADVERTISEMENT, GARP, Adver_Timer, MASTER', () => {
  const d = backup();
  const started = d.clock.nowUs;
  d.fire('master-down');
  assert.equal(d.clock.nowUs - started, 3 * S + 609375);
  assert.equal(d.st.state, 'MASTER');
  assert.deepEqual(d.sent(), [100]);
  assert.deepEqual(d.notifies(), ['MASTER']);
  const garp = d.last.find((a) => a.type === 'send-garp');
  assert.deepEqual(garp, { type: 'send-garp', repeat: 5 });
  assert.equal(d.armed('advert'), d.clock.nowUs + S);
  assert.ok(d.last.some((a) => a.type === 'cancel-timer' && a.timer === 'master-down') || d.st.timers['master-down'] === undefined);
  assert.ok(d.last.some((a) => a.type === 'stats' && a.key === 'become_master'));
});

test('6.4.2 Backup: priority 0 advert -> Master_Down_Timer = Skew_Time', () => {
  const d = backup();
  d.clock.advance(S);
  d.rx(0);
  assert.ok(d.logs().includes('(VI_1) Backup received priority 0 advertisement'));
  assert.equal(d.armed('master-down'), d.clock.nowUs + 609375);
  assert.equal(d.st.state, 'BACKUP');
});

test('6.4.2 Backup: higher/equal priority advert resets Master_Down_Timer', () => {
  for (const p of [100, 200]) {
    const d = backup();
    d.clock.advance(2 * S);
    d.rx(p);
    assert.equal(d.armed('master-down'), d.clock.nowUs + 3 * S + 609375, `prio ${p}`);
    assert.equal(d.st.masterPriority, p);
    assert.deepEqual(d.sent(), []);
  }
});

test('6.4.2 Backup, preempt: lower priority advert is discarded and the timer keeps running', () => {
  const d = backup();
  const deadline = d.st.timers['master-down'];
  d.clock.advance(2 * S);
  d.rx(50);
  assert.deepEqual(d.logs(), ['(VI_1) received lower priority (50) advert from 10.0.0.2 - discarding']);
  assert.equal(d.armed('master-down'), undefined);
  assert.equal(d.st.timers['master-down'], deadline);
});

test('6.4.2 Backup, nopreempt: lower priority advert resets the timer', () => {
  const d = backup({ nopreempt: true });
  d.clock.advance(2 * S);
  d.rx(50);
  assert.equal(d.armed('master-down'), d.clock.nowUs + 3 * S + 609375);
});

test('6.4.2 Backup v3: Master_Adver_Interval adopted from the advert, down interval recomputed with it', () => {
  const d = backup({ version: 3 });
  d.clock.advance(S);
  d.rx(200, '10.0.0.2', { version: 3, adverInt: 50, advertIntervalCs: 50 });
  assert.equal(d.st.masterAdverIntCs, 50);
  assert.ok(d.logs().includes('(VI_1) advertisement interval updated from 1000ms to 500ms by master'));
  assert.equal(d.armed('master-down'), d.clock.nowUs + 3 * 500000 + 304687);
});

test('6.4.2 Backup: Shutdown cancels the timer, STOP, notify STOP, no advert', () => {
  const d = backup();
  d.ev({ type: 'shutdown' });
  assert.equal(d.st.state, 'STOP');
  assert.deepEqual(d.sent(), []);
  assert.deepEqual(d.notifies(), ['STOP']);
  assert.deepEqual(d.st.timers, {});
  // a stopped instance ignores everything
  d.ev({ type: 'master-down-timer' });
  d.rx(200);
  assert.deepEqual(d.last, []);
  assert.equal(d.st.state, 'STOP');
});

test('preempt_delay: lower adverts keep the backup listening until the delay is over', () => {
  const d = backup({ preemptDelayUs: 5 * S });
  d.clock.advance(S);
  d.rx(50);
  assert.ok(d.logs().includes('(VI_1) start preempt delay (5.000000)'));
  const t0 = d.clock.nowUs;
  for (let k = 1; k <= 4; k++) {
    d.clock.advanceTo(t0 + k * S);
    d.rx(50);
    assert.equal(d.armed('master-down'), d.clock.nowUs + 3 * S + 609375, `advert ${k} inside the delay resets the timer`);
  }
  d.clock.advanceTo(t0 + 5 * S);
  d.rx(50);
  assert.ok(d.logs()[0]!.includes('discarding'));
  d.fire('master-down');
  assert.equal(d.st.state, 'MASTER');
  assert.equal(d.clock.nowUs, t0 + 4 * S + 3 * S + 609375);
});

test('preempt_delay stops when a higher priority advert arrives', () => {
  const d = backup({ preemptDelayUs: 5 * S });
  d.clock.advance(S);
  d.rx(50);
  d.clock.advance(S);
  d.rx(150);
  assert.ok(d.logs().includes('(VI_1) stop preempt delay'));
  assert.equal(d.st.preemptAtUs, 0);
});

// ---- RFC 5798 §6.4.3 Master ----

function master(c: Partial<FsmConfig> = {}): Driver {
  const d = backup(c);
  d.fire('master-down');
  assert.equal(d.st.state, 'MASTER');
  return d;
}

test('6.4.3 Master: Adver_Timer fires -> send ADVERTISEMENT, reset Adver_Timer', () => {
  const d = master();
  const at = d.clock.nowUs;
  d.fire('advert');
  assert.equal(d.clock.nowUs, at + S);
  assert.deepEqual(d.sent(), [100]);
  assert.equal(d.armed('advert'), d.clock.nowUs + S);
  assert.equal(d.st.state, 'MASTER');
});

test('6.4.3 Master: priority 0 advert -> send ADVERTISEMENT, reset Adver_Timer, stay MASTER', () => {
  const d = master();
  d.clock.advance(300000);
  d.rx(0);
  assert.ok(d.logs().includes('(VI_1) Master received priority 0 message'));
  assert.deepEqual(d.sent(), [100]);
  assert.equal(d.armed('advert'), d.clock.nowUs + S);
  assert.equal(d.st.state, 'MASTER');
});

test('6.4.3 Master: higher priority advert -> BACKUP, remove VIPs, Master_Down_Timer', () => {
  const d = master();
  d.clock.advance(300000);
  d.rx(150, '10.0.0.2');
  assert.equal(d.st.state, 'BACKUP');
  assert.deepEqual(d.logs(), ['(VI_1) Master received advert from 10.0.0.2 with higher priority 150, ours 100', '(VI_1) Entering BACKUP STATE', '(VI_1) removing VIPs.']);
  assert.deepEqual(d.notifies(), ['BACKUP']);
  assert.ok(d.types().includes('remove-vips'));
  assert.deepEqual(d.sent(), []);
  assert.equal(d.armed('master-down'), d.clock.nowUs + 3 * S + 609375);
  assert.equal(d.st.timers.advert, undefined);
});

test('6.4.3 Master: equal priority from a higher address -> BACKUP; from a lower address -> stay', () => {
  const d = master();
  d.rx(100, '10.0.0.2');
  assert.equal(d.st.state, 'BACKUP');
  assert.ok(d.logs()[0]!.includes('with same priority 100 but higher IP address than ours'));
  const e = master({ localAddr: ip('10.0.0.9') });
  e.rx(100, '10.0.0.2');
  assert.equal(e.st.state, 'MASTER');
  assert.ok(e.logs()[0]!.includes('Received advert from 10.0.0.2 with lower priority 100, ours 100, forcing new election'));
});

test('6.4.3 Master, keepalived: lower priority advert -> advert at once ("forcing new election")', () => {
  const d = master();
  d.clock.advance(200000);
  d.rx(50);
  assert.deepEqual(d.logs(), ['(VI_1) Received advert from 10.0.0.2 with lower priority 50, ours 100, forcing new election']);
  assert.deepEqual(d.sent(), [100]);
  assert.equal(d.armed('advert'), d.clock.nowUs + S);
  assert.equal(d.st.state, 'MASTER');
});

test('keepalived default: a master re-GARPs on a lower-priority advert, and again after garp_lower_prio_delay (observed)', () => {
  const d = master();
  d.rx(50);
  assert.deepEqual(d.last.find((a) => a.type === 'send-garp'), { type: 'send-garp', repeat: 5 });
  assert.deepEqual(d.last.find((a) => a.type === 'master-rx-lower-pri'), { type: 'master-rx-lower-pri', priority: 50, src: '10.0.0.2' });
  assert.equal(d.armed('garp-lower-prio-delay'), d.clock.nowUs + 5 * S);
  d.fire('garp-lower-prio-delay');
  assert.deepEqual(d.last, [{ type: 'cancel-timer', timer: 'garp-lower-prio-delay' }, { type: 'send-garp', repeat: 5 }]);
});

test('lower_prio_no_advert: RFC behaviour, discard silently-ish and keep the timer', () => {
  const d = master({ lowerPrioNoAdvert: true, garpLowerPrioRepeat: 2 });
  const at = d.st.timers.advert;
  d.clock.advance(200000);
  d.rx(50);
  assert.deepEqual(d.logs(), ['(VI_1) Received advert from 10.0.0.2 with lower priority 50, ours 100']);
  assert.deepEqual(d.sent(), []);
  assert.equal(d.st.timers.advert, at);
  assert.deepEqual(d.last.find((a) => a.type === 'send-garp'), { type: 'send-garp', repeat: 2 });
});

test('higher_prio_send_advert: one advert before yielding', () => {
  const d = master({ higherPrioSendAdvert: true });
  d.rx(150);
  assert.deepEqual(d.sent(), [100]);
  assert.equal(d.st.state, 'BACKUP');
});

test('two address owners: local drops to 254 with keepalived\'s CONFIGURATION ERROR and yields', () => {
  const d = new Driver(cfg({ priority: 255, initialState: 'MASTER' }));
  d.ev({ type: 'startup' });
  d.fire('master-down');
  d.rx(255, '10.0.0.2');
  assert.ok(d.logs().includes('(VI_1) CONFIGURATION ERROR: local instance and a remote instance are both configured as address owner, please fix - reducing local priority'));
  assert.equal(d.st.effectivePriority, 254);
  assert.equal(d.st.basePriority, 254);
  assert.equal(d.st.state, 'BACKUP');
});

test('6.4.3 Master: Shutdown -> priority 0 advert, remove VIPs, STOP', () => {
  const d = master();
  d.ev({ type: 'shutdown' });
  assert.deepEqual(d.sent(), [0]);
  assert.deepEqual(d.logs(), ['(VI_1) sent 0 priority', '(VI_1) removing VIPs.']);
  assert.deepEqual(d.notifies(), ['STOP']);
  assert.ok(d.last.some((a) => a.type === 'stats' && a.key === 'pri_zero_sent'));
  assert.deepEqual(d.st.timers, {});
  assert.equal(d.st.state, 'STOP');
});

test('delete (reload removed the instance) notifies DELETED', () => {
  const d = master();
  d.ev({ type: 'delete' });
  assert.equal(d.st.state, 'DELETED');
  assert.deepEqual(d.notifies(), ['DELETED']);
  assert.deepEqual(d.sent(), [0]);
});

// ---- FAULT and priority changes ----

test('Master -> FAULT sends priority 0 and removes VIPs; fault cleared -> BACKUP', () => {
  const d = master();
  d.ev({ type: 'fault', reason: 'due to script chk' });
  assert.equal(d.st.state, 'FAULT');
  assert.deepEqual(d.sent(), [0]);
  assert.deepEqual(d.logs(), ['(VI_1): entering FAULT state due to script chk', '(VI_1) Entering FAULT STATE', '(VI_1) sent 0 priority', '(VI_1) removing VIPs.']);
  assert.deepEqual(d.notifies(), ['FAULT']);
  assert.deepEqual(d.st.timers, {});
  d.rx(50);
  assert.deepEqual(d.last, [], 'adverts are ignored in FAULT');
  d.ev({ type: 'fault-cleared' });
  assert.equal(d.st.state, 'BACKUP');
  assert.deepEqual(d.logs(), ['(VI_1) Entering BACKUP STATE']);
  assert.equal(d.armed('master-down'), d.clock.nowUs + 3 * S + 609375);
  assert.equal(d.st.transitions, 3); // BACKUP->MASTER->FAULT->BACKUP (INIT->BACKUP not counted)
});

test('Backup -> FAULT and back; an owner also leaves FAULT through BACKUP and a full down interval (observed)', () => {
  const d = backup();
  d.ev({ type: 'fault' });
  assert.equal(d.st.state, 'FAULT');
  assert.deepEqual(d.sent(), []);
  const o = new Driver(cfg({ priority: 255 }));
  o.ev({ type: 'startup' });
  o.ev({ type: 'fault' });
  o.ev({ type: 'fault-cleared' });
  assert.equal(o.st.state, 'BACKUP');
  assert.deepEqual(o.logs(), ['(VI_1) Entering BACKUP STATE']);
  assert.equal(o.armed('master-down'), o.clock.nowUs + 3 * S + 3906);
});

test('priority change from trackers: logged, used in the next advert and in the skew', () => {
  const d = master();
  d.ev({ type: 'priority', priority: 90 });
  assert.deepEqual(d.logs(), ['(VI_1) Changing effective priority from 100 to 90']);
  assert.deepEqual(d.last.find((a) => a.type === 'priority-changed'), { type: 'priority-changed', from: 100, to: 90 });
  d.fire('advert');
  assert.deepEqual(d.sent(), [90]);
  d.ev({ type: 'priority', priority: 90 });
  assert.deepEqual(d.last, []);
  d.ev({ type: 'priority', priority: Number.NaN });
  assert.equal(d.st.effectivePriority, 90);
  d.ev({ type: 'priority', priority: -20 });
  assert.equal(d.st.effectivePriority, 1, 'clamped: never advertise 0 (that means "leaving")');
  const b = backup();
  b.ev({ type: 'priority', priority: 200 });
  b.rx(150);
  assert.ok(b.logs()[0]!.includes('discarding'), 'now higher than the master: preempt');
});

test('stale or impossible events are ignored and counted, never thrown', () => {
  const d = backup();
  d.ev({ type: 'advert-timer' });
  d.ev({ type: 'garp-delay-timer' });
  d.ev({ type: 'startup' });
  assert.equal(d.st.state, 'BACKUP');
  assert.equal(d.st.ignoredEvents, 3);
  const m = master();
  m.ev({ type: 'master-down-timer' });
  assert.equal(m.st.state, 'MASTER');
  assert.equal(m.st.ignoredEvents, 1);
});

test('garp_master_delay: second GARP burst after the delay, cancelled when leaving MASTER', () => {
  const d = backup({ garpMasterDelayUs: 5 * S, garpMasterRepeat: 3 });
  d.fire('master-down');
  assert.equal(d.armed('garp-delay'), d.clock.nowUs + 5 * S);
  d.fire('garp-delay');
  assert.deepEqual(d.last, [{ type: 'cancel-timer', timer: 'garp-delay' }, { type: 'send-garp', repeat: 3 }]);
  const e = backup({ garpMasterDelayUs: 5 * S });
  e.fire('master-down');
  e.rx(200);
  assert.equal(e.st.timers['garp-delay'], undefined);
});

test('step is pure: the previous state object is not modified', () => {
  const d = backup();
  const before = JSON.stringify({ ...d.st, cfg: undefined });
  const prev = d.st;
  step(prev, { type: 'master-down-timer' }, d.clock.nowUs + 10 * S);
  assert.equal(JSON.stringify({ ...prev, cfg: undefined }), before);
});

test('property: random event sequences never throw and keep timers/VIPs consistent with the state', () => {
  let seed = 0x1234abcd;
  const rnd = () => {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
    return seed / 4294967296;
  };
  const pick = <T>(xs: T[]): T => xs[Math.floor(rnd() * xs.length)]!;
  const configs: Partial<FsmConfig>[] = [{}, { priority: 255, initialState: 'MASTER' }, { version: 3 }, { nopreempt: true }, { preemptDelayUs: 3 * S }, { lowerPrioNoAdvert: true, higherPrioSendAdvert: true }];
  for (let run = 0; run < 400; run++) {
    const d = new Driver(cfg(pick(configs)));
    for (let k = 0; k < 40; k++) {
      d.clock.advance(Math.floor(rnd() * 2 * S));
      const e = pick<() => void>([
        () => d.ev({ type: 'startup' }),
        () => d.rx(pick([0, 1, 50, 100, 150, 255]), pick(['10.0.0.0', '10.0.0.1', '10.0.0.2']), { advertIntervalCs: pick([50, 100, 200]), version: pick([2, 3]) }),
        () => d.st.timers['master-down'] !== undefined && d.fire('master-down'),
        () => d.st.timers.advert !== undefined && d.fire('advert'),
        () => d.ev({ type: 'garp-delay-timer' }),
        () => d.ev({ type: 'priority', priority: Math.floor(rnd() * 300) - 20 }),
        () => d.ev({ type: 'fault' }),
        () => d.ev({ type: 'fault-cleared' }),
        () => rnd() < 0.1 && d.ev({ type: 'shutdown' }),
      ]);
      d.last = [];
      e();
      const st = d.st;
      const t = st.timers;
      assert.ok(st.effectivePriority >= 1 && st.effectivePriority <= 255);
      if (st.state === 'BACKUP') assert.ok(t['master-down'] !== undefined && t.advert === undefined && !st.vipsSet, `BACKUP ${JSON.stringify(t)}`);
      else if (st.state === 'MASTER') assert.ok(t.advert !== undefined && t['master-down'] === undefined && st.vipsSet, `MASTER ${JSON.stringify(t)}`);
      else assert.ok(t.advert === undefined && t['master-down'] === undefined && !st.vipsSet, `${st.state} ${JSON.stringify(t)}`);
      for (const a of d.last) if (a.type === 'arm-timer') assert.ok(a.atUs >= d.clock.nowUs);
    }
  }
});

test('no_accept: a non-owner master blocks traffic to its VIPs while master; accept or an owner does not', () => {
  const d = backup({ accept: false });
  d.fire('master-down');
  assert.ok(d.types().indexOf('block-vips') >= 0 && d.types().indexOf('block-vips') < d.types().indexOf('set-vips'));
  d.rx(200);
  assert.ok(d.types().includes('unblock-vips'));
  const a = backup({ accept: true });
  a.fire('master-down');
  assert.ok(!a.types().includes('block-vips'));
  const o = new Driver(cfg({ accept: false, priority: 255, initialState: 'MASTER' }));
  o.ev({ type: 'startup' });
  o.fire('master-down');
  assert.ok(!o.types().includes('block-vips'));
});

test('garp_master_refresh: a GARP burst with each advert once the refresh period has passed', () => {
  const d = backup({ garpMasterRefreshUs: 3 * S, garpMasterRefreshRepeat: 2 });
  d.fire('master-down');
  const t0 = d.clock.nowUs;
  const garpsAt: number[] = [];
  for (let k = 0; k < 8; k++) {
    d.fire('advert');
    if (d.last.some((a) => a.type === 'send-garp')) garpsAt.push(d.clock.nowUs);
    assert.deepEqual(d.sent(), [100]);
  }
  // 3 s must have *passed* (keepalived: timercmp >), so the advert at +3 s does not refresh yet
  assert.deepEqual(garpsAt.map((t) => (t - t0) / S), [4, 8]);
});

test('sync-group wait: a master-down timeout held back by the group logs, re-arms a full interval and wants MASTER until an advert is heard', () => {
  const d = new Driver(cfg());
  d.ev({ type: 'startup' });
  d.clock.advanceTo(d.st.timers['master-down']!);
  d.ev({ type: 'master-down-timer', syncWait: true });
  assert.equal(d.st.state, 'BACKUP');
  assert.equal(d.st.wantMaster, true);
  assert.deepEqual(d.logs(), ['(VI_1) Receive advertisement timeout']);
  assert.equal(d.armed('master-down'), d.clock.nowUs + 3 * S + 609375, 'a full Master_Down_Interval again');
  assert.deepEqual(d.sent(), []);
  // a lower-priority advert is discarded: still wanting MASTER (keepalived ignores it)
  d.rx(50);
  assert.equal(d.st.wantMaster, true);
  // an advert it listens to: wants BACKUP again
  d.rx(200);
  assert.equal(d.st.wantMaster, false);
  // an unheld timeout goes MASTER as before
  d.fire('master-down');
  assert.equal(d.st.state, 'MASTER');
  assert.equal(d.st.wantMaster, false);
});

test('vip-deleted: BACKUP, priority 0 sent, VIPs removed, back after the skew time only; ignored outside MASTER', () => {
  const d = new Driver(cfg({ priority: 150 }));
  d.ev({ type: 'startup' });
  d.fire('master-down');
  assert.equal(d.st.state, 'MASTER');
  d.ev({ type: 'vip-deleted' });
  assert.equal(d.st.state, 'BACKUP');
  assert.deepEqual(d.sent(), [0]);
  assert.deepEqual(d.logs(), ['(VI_1) Entering BACKUP STATE', '(VI_1) sent 0 priority', '(VI_1) removing VIPs.']);
  assert.equal(d.st.timers['master-down'], d.clock.nowUs + 414062);
  d.ev({ type: 'vip-deleted' });
  assert.deepEqual(d.last, [], 'a BACKUP ignores it');
  d.fire('master-down');
  assert.equal(d.st.state, 'MASTER');
});
