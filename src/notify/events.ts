/**
 * Everything a worker can report to the parent for notification (scripts, FIFOs, SMTP), as one
 * JSON-serialisable union, plus the validator the parent applies to every event it receives
 * over IPC (a worker is never trusted: names are bounded, states are closed sets, and the
 * parent looks scripts up in its own configuration; a worker never names a command).
 *
 * The VRRP shapes are those of the VRRP runtime's Notifier port (src/vrrp/runtime/notifier.ts);
 * the LVS shapes are the checker engine's Notification (src/check/ipvs-reconcile.ts) without
 * its `script` field.
 */
import type { NotifyEvent as VrrpNotifyEvent } from '../vrrp/runtime/notifier';

export type InstanceState = 'MASTER' | 'BACKUP' | 'FAULT' | 'STOP' | 'DELETED';
export type GroupState = 'MASTER' | 'BACKUP' | 'FAULT' | 'STOP';

export type VrrpEvent = VrrpNotifyEvent;

export type LvsEvent =
  /** A real server changed state; `vs`/`rs` as keepalived prints them (FMT_VS / FMT_RS). */
  | { kind: 'rs'; vs: string; rs: string; up: boolean }
  /** A virtual server's quorum was gained or lost. */
  | { kind: 'quorum'; vs: string; up: boolean }
  /**
   * One checker of a real server changed verdict: keepalived sends its "Realserver …" SMTP alert
   * from each checker (not once per real server), with the checker's own body line.
   */
  | { kind: 'rs-alert'; vs: string; rs: string; checker: string; up: boolean; body: string };

export type NotifyEvent = VrrpEvent | LvsEvent;

export type EventCheck = { ok: true; event: NotifyEvent } | { ok: false; reason: string };

/** Longest name/identity text accepted from a worker (keepalived's names are far shorter). */
export const MAX_NAME = 256;

const INSTANCE_STATES: readonly string[] = ['MASTER', 'BACKUP', 'FAULT', 'STOP', 'DELETED'];
const GROUP_STATES: readonly string[] = ['MASTER', 'BACKUP', 'FAULT', 'STOP'];

function isObj(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}
/** Printable, no quotes or newlines (a FIFO line must stay one line). */
const isName = (x: unknown): x is string => typeof x === 'string' && x.length > 0 && x.length <= MAX_NAME && /^[\x21-\x7e][\x20-\x7e]*$/.test(x) && !/["\n\r]/.test(x);
const isPrio = (x: unknown): x is number => typeof x === 'number' && Number.isInteger(x) && x >= 0 && x <= 255;

/** Validate an event received from a worker. Never throws; returns a fresh object. */
export function checkNotifyEvent(x: unknown): EventCheck {
  const bad = (reason: string): EventCheck => ({ ok: false, reason });
  if (!isObj(x)) return bad('not an object');
  switch (x.kind) {
    case 'instance':
      if (!isName(x.name)) return bad('bad instance name');
      if (typeof x.state !== 'string' || !INSTANCE_STATES.includes(x.state)) return bad('bad instance state');
      if (!isPrio(x.priority)) return bad('bad priority');
      return { ok: true, event: { kind: 'instance', name: x.name, state: x.state as InstanceState, priority: x.priority } };
    case 'group':
      if (!isName(x.name)) return bad('bad group name');
      if (typeof x.state !== 'string' || !GROUP_STATES.includes(x.state)) return bad('bad group state');
      return { ok: true, event: { kind: 'group', name: x.name, state: x.state as GroupState } };
    case 'master-rx-lower-pri':
      if (!isName(x.name)) return bad('bad instance name');
      if (!isPrio(x.priority)) return bad('bad priority');
      if (typeof x.src !== 'string' || x.src.length > MAX_NAME) return bad('bad source');
      return { ok: true, event: { kind: 'master-rx-lower-pri', name: x.name, priority: x.priority, src: x.src } };
    case 'priority':
      if (!isName(x.name)) return bad('bad instance name');
      if (typeof x.state !== 'string' || !INSTANCE_STATES.includes(x.state)) return bad('bad instance state');
      if (!isPrio(x.from) || !isPrio(x.to)) return bad('bad priority');
      return { ok: true, event: { kind: 'priority', name: x.name, state: x.state, from: x.from, to: x.to } };
    case 'rs':
      if (!isName(x.vs) || !isName(x.rs)) return bad('bad server identity');
      if (typeof x.up !== 'boolean') return bad('bad up flag');
      return { ok: true, event: { kind: 'rs', vs: x.vs, rs: x.rs, up: x.up } };
    case 'rs-alert':
      if (!isName(x.vs) || !isName(x.rs)) return bad('bad server identity');
      if (typeof x.checker !== 'string' || !/^[A-Z_]{1,20}$/.test(x.checker)) return bad('bad checker kind');
      if (typeof x.up !== 'boolean') return bad('bad up flag');
      if (!isName(x.body)) return bad('bad alert body');
      return { ok: true, event: { kind: 'rs-alert', vs: x.vs, rs: x.rs, checker: x.checker, up: x.up, body: x.body } };
    case 'quorum':
      if (!isName(x.vs)) return bad('bad server identity');
      if (typeof x.up !== 'boolean') return bad('bad up flag');
      return { ok: true, event: { kind: 'quorum', vs: x.vs, up: x.up } };
    default:
      return bad(`unknown event kind ${JSON.stringify(x.kind)?.slice(0, 40)}`);
  }
}
