/**
 * Parse-time bookkeeping of the LVS tables: which inheritable values were configured
 * explicitly. keepalived keeps "unset" sentinels (UINT_MAX, ULONG_MAX, -1) in its structures
 * and resolves them in validate_check_config(); we keep the AST clean (final values only)
 * and hold the sentinels here, keyed by the AST object, until validateLvs() resolves them.
 * Nothing here is serialised.
 */
import type { Checker, Forwarding, RealServer, VirtualServer } from '../ast-lvs';
import type { SourcePos, Stmt } from '../types';

export interface VsRaw {
  forwardingSet: boolean;
  schedulerSet: boolean;
  smtpAlert?: boolean;
  /** Where the block ends (closing brace when the front end knows it, else the keyword). */
  end: SourcePos;
}

export interface RsRaw {
  weight?: number;
  forwarding?: Forwarding;
  inhibit?: boolean;
  alpha?: boolean;
  smtpAlert?: boolean;
  delayLoopUs?: number;
  connectTimeoutUs?: number;
  retry?: number;
  delayBeforeRetryUs?: number;
  warmupUs?: number;
  /** A duplicate real server keepalived drops in validate (kept for the message order). */
  end: SourcePos;
}

export interface CheckerRaw {
  alpha?: boolean;
  delayLoopUs?: number;
  warmupUs?: number;
  retry?: number;
  delayBeforeRetryUs?: number;
  connectTimeoutUs?: number;
  dstIpSet: boolean;
  dstPortSet: boolean;
  /** Some connection option (other than connect_timeout) was set successfully. */
  connConfigured?: boolean;
  /** An invalid connect_ip was given (keepalived then skips the link-local check). */
  dstBroken?: boolean;
  /** Kind defaults (queue_checker: retry 1, delay_before_retry 1 s; 0 = use delay_loop). */
  defaultRetry: number;
  defaultDelayBeforeRetryUs: number;
  miscTimeoutSet: boolean;
}

export const vsRaw = new WeakMap<VirtualServer, VsRaw>();
export const rsRaw = new WeakMap<RealServer, RsRaw>();
export const checkerRaw = new WeakMap<Checker, CheckerRaw>();

/** The position of a block's closing brace if the front end recorded one, else `fallback`. */
export function blockEnd(st: Stmt, fallback: SourcePos): SourcePos {
  return st.end ?? fallback;
}
