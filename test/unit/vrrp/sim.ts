/**
 * Simulation harness: VRRP instances (pure FSM + real codec + accept) wired through a fake
 * network on a fake clock. Adverts really go through encodeAdvert/encodeIp4Header → decodeAdvert →
 * acceptAdvert, so the harness also proves the pieces fit together.
 */
import { parseIp } from '../../../src/lib/ip';
import { FakeClock, type TimerId } from '../../fakes/clock';
import { decodeAdvert, encodeAdvert, encodeIp4Header, Counters, VRRP_MCAST4, type DropReason } from '../../../src/vrrp/packet/advert';
import { acceptAdvert, type AcceptConfig } from '../../../src/vrrp/accept';
import { initFsm, step, FSM_DEFAULTS, type Action, type FsmConfig, type FsmEvent, type FsmState, type TimerName, type VrrpState } from '../../../src/vrrp/fsm';

export const ip = (s: string) => new Uint8Array(parseIp(s)!.bytes);
export const S = 1_000_000;

export interface NodeOpts extends Partial<FsmConfig> {
  name: string;
  addr: string;
  priority: number;
  version?: 2 | 3;
  advertIntervalCs?: number;
  vips?: string[];
}

export interface Trace {
  t: number;
  node: string;
  what: string;
}

export class SimNode {
  st: FsmState;
  readonly cfg: FsmConfig;
  readonly acc: AcceptConfig;
  readonly addr: Uint8Array;
  private timers = new Map<TimerName, TimerId>();
  alive = false;
  vipsSet = false;
  ipId = 0;
  readonly logs: string[] = [];
  readonly notifies: Array<{ t: number; state: string }> = [];
  readonly sent: Array<{ t: number; priority: number }> = [];
  readonly drops = new Counters<DropReason>();
  garps = 0;

  constructor(readonly net: SimNet, o: NodeOpts) {
    const version = o.version ?? 2;
    const advertIntervalCs = o.advertIntervalCs ?? 100;
    this.addr = ip(o.addr);
    this.cfg = { ...FSM_DEFAULTS, garpMasterDelayUs: 0, ...o, version, advertIntervalCs, localAddr: this.addr };
    const vips = (o.vips ?? ['10.0.0.100']).map(ip);
    this.acc = { name: o.name, family: 4, version, vrid: 51, authType: 0, vips, advertIntervalCs, unicastPeers: [], skipCheckAdvAddr: false, checkUnicastSrc: false, unicastChecksum: 'auto' };
    this.st = initFsm(this.cfg);
  }

  get state(): VrrpState {
    return this.st.state;
  }
  get name(): string {
    return this.cfg.name;
  }

  event(ev: FsmEvent): Action[] {
    const r = step(this.st, ev, this.net.clock.nowUs);
    this.st = r.state;
    this.apply(r.actions);
    return r.actions;
  }

  start(): void {
    this.alive = true;
    this.event({ type: 'startup' });
  }

  /** Crash: stop without a priority-0 advert. */
  kill(): void {
    this.alive = false;
    for (const id of this.timers.values()) this.net.clock.clear(id);
    this.timers.clear();
  }

  receive(bytes: Uint8Array): void {
    if (!this.alive) return;
    const d = decodeAdvert(bytes, { family: 4 });
    if (!d.ok) {
      this.drops.inc(d.drop);
      return;
    }
    const a = acceptAdvert(this.acc, d.value, this.st.masterSrc ? { masterSrc: this.st.masterSrc } : {});
    this.logs.push(...a.log);
    if (!a.ok) {
      this.drops.inc(a.drop);
      return;
    }
    this.event({ type: 'advert', advert: a.value.advert, srcText: a.value.srcText });
  }

  private apply(actions: Action[]): void {
    const t = this.net.clock.nowUs;
    for (const a of actions) {
      switch (a.type) {
        case 'send-advert': {
          const vrrp = encodeAdvert(
            { family: 4, version: this.cfg.version, vrid: 51, priority: a.priority, adverInt: this.cfg.version === 2 ? this.cfg.advertIntervalCs / 100 : this.cfg.advertIntervalCs, addrs: this.acc.vips },
            { src: this.addr, dst: VRRP_MCAST4 },
          );
          const pkt = new Uint8Array(20 + vrrp.length);
          pkt.set(encodeIp4Header({ src: this.addr, dst: VRRP_MCAST4, id: ++this.ipId & 0xffff, payloadLength: vrrp.length }));
          pkt.set(vrrp, 20);
          this.sent.push({ t, priority: a.priority });
          this.net.send(this, pkt);
          break;
        }
        case 'arm-timer': {
          const old = this.timers.get(a.timer);
          if (old !== undefined) this.net.clock.clear(old);
          const ev: FsmEvent = { type: `${a.timer}-timer` as 'master-down-timer' | 'advert-timer' | 'garp-delay-timer' };
          this.timers.set(
            a.timer,
            this.net.clock.at(a.atUs, () => {
              this.timers.delete(a.timer);
              if (this.alive) this.event(ev);
            }),
          );
          break;
        }
        case 'cancel-timer': {
          this.net.clock.clear(this.timers.get(a.timer));
          this.timers.delete(a.timer);
          break;
        }
        case 'set-vips':
          this.vipsSet = true;
          break;
        case 'remove-vips':
          this.vipsSet = false;
          break;
        case 'send-garp':
          this.garps += a.repeat;
          break;
        case 'notify':
          this.notifies.push({ t, state: a.state });
          this.net.trace.push({ t, node: this.name, what: a.state });
          break;
        case 'log':
          this.logs.push(a.text);
          break;
        case 'block-vips':
        case 'unblock-vips':
        case 'priority-changed':
        case 'master-rx-lower-pri':
        case 'stats':
          break;
      }
    }
  }

  /** Time this node last entered `state` (notify), or undefined. */
  lastEntered(state: string): number | undefined {
    for (let i = this.notifies.length - 1; i >= 0; i--) if (this.notifies[i]!.state === state) return this.notifies[i]!.t;
    return undefined;
  }
}

export class SimNet {
  readonly clock = new FakeClock();
  readonly nodes: SimNode[] = [];
  readonly trace: Trace[] = [];
  /** Nodes cut off from the network. */
  readonly isolated = new Set<SimNode>();
  /** Arrival times of adverts, per receiving node. */
  readonly arrivals = new Map<string, number[]>();

  constructor(readonly latencyUs = 100) {}

  add(o: NodeOpts): SimNode {
    const n = new SimNode(this, o);
    this.nodes.push(n);
    return n;
  }

  send(from: SimNode, pkt: Uint8Array): void {
    if (this.isolated.has(from)) return;
    for (const to of this.nodes) {
      if (to === from || this.isolated.has(to)) continue;
      const copy = pkt.slice();
      this.clock.after(this.latencyUs, () => {
        if (!to.alive || this.isolated.has(to)) return;
        const list = this.arrivals.get(to.name) ?? [];
        list.push(this.clock.nowUs);
        this.arrivals.set(to.name, list);
        to.receive(copy);
      });
    }
  }

  run(untilUs: number): void {
    this.clock.advanceTo(untilUs);
  }

  masters(): string[] {
    return this.nodes.filter((n) => n.alive && n.state === 'MASTER').map((n) => n.name);
  }
}
