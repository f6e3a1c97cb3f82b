/**
 * Parent ⇄ worker messages: one discriminated union per direction, validated on receipt.
 *
 * Handshake (relayd's CFG_DONE / CTL_START, keepalived-ts STYLE #6):
 *
 *   worker                          parent
 *     ── hello {role, pid} ────────▶
 *     ◀──────── config {seq, reload:false, slice, settings}
 *     ── config-done {seq, ok} ────▶            (every worker acked → "Startup complete", READY=1)
 *     ◀──────── config {seq, reload:true, slice}   (SIGHUP, after the parent validated the file)
 *     ── config-done {seq, ok} ────▶            (→ "Reload complete")
 *     ◀──────── dump {seq, what}
 *     ── dump-result {seq, what, text|json} ─▶   (the parent writes /tmp/keepalived.*)
 *     ── notify {event} ──────────▶  (any time: src/notify/events.ts; the parent runs the scripts)
 *     ◀──────── stop
 *     ── stopped ─────────────────▶  then exit(0)
 *
 * A worker that cannot run its configuration sends `fatal {reason:'config'}` and exits with
 * EXIT_CONFIG; the parent then terminates ("… exited with permanent error CONFIG. Terminating").
 * Anything that fails validation is never acted upon: the receiver logs it and, on the parent
 * side, restarts the sender.
 */
import { checkNotifyEvent, type NotifyEvent } from '../notify/events';
import type { SchedPolicy } from '../sys/sched';

export type WorkerRole = 'vrrp' | 'checker';
export type DumpKind = 'data' | 'stats' | 'stats-clear' | 'json';

/** Settings from the command line a worker needs (it never sees argv). */
export interface WorkerSettings {
  logDetail: number;
  logConsole: boolean;
  logFormat: 'text' | 'json';
  noSyslog: boolean;
  logFacility: number;
  logFile?: string;
  flushLogFile: boolean;
  releaseVips: boolean;
  dontReleaseVrrp: boolean;
  dontReleaseIpvs: boolean;
  addressMonitoring: boolean;
  /** Syslog ident suffix (`_<netns>_<instance>`), '' when none. */
  identSuffix: string;
  /** Process name (/proc/PID/comm) from process_names / vrrp_process_name etc. */
  processName: string;
  /** What `ps -o args` shows: the daemon's command line, as keepalived's children (forked) show. */
  commandLine?: string;
  /** --dry-run: the checker keeps IPVS in memory (src/check/engine.ts CheckEngineSettings). */
  ipvsDryRun?: boolean;
  /** global_defs {vrrp,checker}_priority/_rt_priority/_no_swap/… for this worker (src/sys/sched.ts). */
  sched?: SchedPolicy;
}

export type ParentMessage =
  | { type: 'config'; seq: number; reload: boolean; slice: unknown; settings: WorkerSettings }
  | { type: 'dump'; seq: number; what: DumpKind }
  | { type: 'stop' };

export type WorkerMessage =
  | { type: 'hello'; role: WorkerRole; pid: number }
  | { type: 'config-done'; seq: number; ok: boolean; error?: string }
  | { type: 'dump-result'; seq: number; what: DumpKind; text?: string; json?: unknown }
  | { type: 'fatal'; reason: 'config' | 'error'; message: string }
  | { type: 'stopped' }
  | { type: 'notify'; event: NotifyEvent };

/** Exit codes (keepalived's lib/scheduler.h KEEPALIVED_EXIT_*). */
export const EXIT_OK = 0;
export const EXIT_FATAL = 1;
export const EXIT_CONFIG = 2;
export const EXIT_NO_CONFIG = 6;
export const EXIT_PROGRAM_ERROR = 70;

export type Decoded<T> = { ok: true; msg: T } | { ok: false; reason: string };

const DUMP_KINDS: readonly string[] = ['data', 'stats', 'stats-clear', 'json'];
const ROLES: readonly string[] = ['vrrp', 'checker'];

function isObj(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}
const isSeq = (x: unknown): x is number => typeof x === 'number' && Number.isSafeInteger(x) && x >= 0;
const isStr = (x: unknown): x is string => typeof x === 'string';
const isBool = (x: unknown): x is boolean => typeof x === 'boolean';
const optStr = (x: unknown): boolean => x === undefined || isStr(x);

function bad<T>(reason: string): Decoded<T> {
  return { ok: false, reason };
}

const optInt = (x: unknown, lo: number, hi: number): boolean => x === undefined || (typeof x === 'number' && Number.isInteger(x) && x >= lo && x <= hi);

function isSchedPolicy(x: unknown): x is SchedPolicy {
  if (!isObj(x)) return false;
  return (
    optInt(x.priority, -20, 19) &&
    optInt(x.rtPriority, 1, 99) &&
    isBool(x.noSwap) &&
    (x.cpuAffinity === undefined || (Array.isArray(x.cpuAffinity) && x.cpuAffinity.length <= 4096 && x.cpuAffinity.every((c) => optInt(c, 0, 4095) && c !== undefined))) &&
    optInt(x.rlimitRttimeUs, 1, 0x7fffffff) &&
    optInt(x.maxAutoPriority, -1, 99) &&
    optInt(x.minAutoPriorityDelayUs, 1, 0x7fffffff)
  );
}

export function isWorkerSettings(x: unknown): x is WorkerSettings {
  if (!isObj(x)) return false;
  return (
    isSeq(x.logDetail) &&
    isBool(x.logConsole) &&
    (x.logFormat === 'text' || x.logFormat === 'json') &&
    isBool(x.noSyslog) &&
    isSeq(x.logFacility) &&
    optStr(x.logFile) &&
    isBool(x.flushLogFile) &&
    isBool(x.releaseVips) &&
    isBool(x.dontReleaseVrrp) &&
    isBool(x.dontReleaseIpvs) &&
    isBool(x.addressMonitoring) &&
    isStr(x.identSuffix) &&
    isStr(x.processName) &&
    optStr(x.commandLine) &&
    (x.ipvsDryRun === undefined || isBool(x.ipvsDryRun)) &&
    (x.sched === undefined || isSchedPolicy(x.sched))
  );
}

/** Validate a message a worker received from the parent. Never throws. */
export function decodeParentMessage(x: unknown): Decoded<ParentMessage> {
  if (!isObj(x)) return bad('not an object');
  switch (x.type) {
    case 'config':
      if (!isSeq(x.seq)) return bad('config: bad seq');
      if (!isBool(x.reload)) return bad('config: bad reload flag');
      if (!('slice' in x)) return bad('config: no slice');
      if (!isWorkerSettings(x.settings)) return bad('config: bad settings');
      return { ok: true, msg: { type: 'config', seq: x.seq, reload: x.reload, slice: x.slice, settings: x.settings } };
    case 'dump':
      if (!isSeq(x.seq)) return bad('dump: bad seq');
      if (!isStr(x.what) || !DUMP_KINDS.includes(x.what)) return bad('dump: bad kind');
      return { ok: true, msg: { type: 'dump', seq: x.seq, what: x.what as DumpKind } };
    case 'stop':
      return { ok: true, msg: { type: 'stop' } };
    default:
      return bad(`unknown message type ${JSON.stringify(x.type)?.slice(0, 40)}`);
  }
}

/** Validate a message the parent received from a worker. Never throws. */
export function decodeWorkerMessage(x: unknown): Decoded<WorkerMessage> {
  if (!isObj(x)) return bad('not an object');
  switch (x.type) {
    case 'hello':
      if (!isStr(x.role) || !ROLES.includes(x.role)) return bad('hello: bad role');
      if (!isSeq(x.pid)) return bad('hello: bad pid');
      return { ok: true, msg: { type: 'hello', role: x.role as WorkerRole, pid: x.pid } };
    case 'config-done': {
      if (!isSeq(x.seq)) return bad('config-done: bad seq');
      if (!isBool(x.ok)) return bad('config-done: bad ok');
      if (!optStr(x.error)) return bad('config-done: bad error');
      const m: WorkerMessage = { type: 'config-done', seq: x.seq, ok: x.ok };
      if (isStr(x.error)) m.error = x.error.slice(0, 4096);
      return { ok: true, msg: m };
    }
    case 'dump-result': {
      if (!isSeq(x.seq)) return bad('dump-result: bad seq');
      if (!isStr(x.what) || !DUMP_KINDS.includes(x.what)) return bad('dump-result: bad kind');
      if (!optStr(x.text)) return bad('dump-result: bad text');
      const m: WorkerMessage = { type: 'dump-result', seq: x.seq, what: x.what as DumpKind };
      if (isStr(x.text)) m.text = x.text;
      if ('json' in x) m.json = x.json;
      return { ok: true, msg: m };
    }
    case 'fatal':
      if (x.reason !== 'config' && x.reason !== 'error') return bad('fatal: bad reason');
      if (!isStr(x.message)) return bad('fatal: bad message');
      return { ok: true, msg: { type: 'fatal', reason: x.reason, message: x.message.slice(0, 4096) } };
    case 'stopped':
      return { ok: true, msg: { type: 'stopped' } };
    case 'notify': {
      const c = checkNotifyEvent(x.event);
      if (!c.ok) return bad(`notify: ${c.reason}`);
      return { ok: true, msg: { type: 'notify', event: c.event } };
    }
    default:
      return bad(`unknown message type ${JSON.stringify(x.type)?.slice(0, 40)}`);
  }
}
