/**
 * Value readers shared by all keyword tables, with keepalived's ranges and messages.
 * Each returns undefined after reporting a diagnostic when the text is not valid.
 */
import type { Token } from './types';
import type { DiagnosticSink } from './diagnostics';
import { parseIp, parsePrefix, type IpAddr, type IpPrefix } from '../lib/ip';

const TRUE_WORDS = new Set(['on', 'true', 'yes']);
const FALSE_WORDS = new Set(['off', 'false', 'no']);

/** BOOL = on|off|true|false|yes|no; a missing value means true (keepalived's bare keyword). */
export function readBool(tok: Token | undefined, sink: DiagnosticSink, kwTok: Token): boolean | undefined {
  if (!tok) return true;
  const w = tok.text.toLowerCase();
  if (TRUE_WORDS.has(w)) return true;
  if (FALSE_WORDS.has(w)) return false;
  sink.error(tok, `Invalid boolean value '${tok.text}' for ${kwTok.text}`, 'CFG_BAD_BOOL');
  return undefined;
}

/** Decimal integer within [min, max]. */
export function readInt(tok: Token | undefined, min: number, max: number, sink: DiagnosticSink, what: string): number | undefined {
  if (!tok) return undefined;
  if (!/^[+-]?\d+$/.test(tok.text)) {
    sink.error(tok, `${what} '${tok.text}' is invalid`, 'CFG_BAD_NUMBER');
    return undefined;
  }
  const n = Number(tok.text);
  if (!Number.isSafeInteger(n) || n < min || n > max) {
    sink.error(tok, `${what} '${tok.text}' is outside range [${min}, ${max}]`, 'CFG_OUT_OF_RANGE');
    return undefined;
  }
  return n;
}

/** TIMER: seconds with an optional fraction, returned in microseconds. */
export function readTimerUs(tok: Token | undefined, minUs: number, maxUs: number, sink: DiagnosticSink, what: string): number | undefined {
  if (!tok) return undefined;
  if (!/^\d+(\.\d*)?$|^\.\d+$/.test(tok.text)) {
    sink.error(tok, `${what} '${tok.text}' is invalid`, 'CFG_BAD_TIMER');
    return undefined;
  }
  const us = Math.round(Number(tok.text) * 1_000_000);
  if (us < minUs || us > maxUs) {
    sink.error(tok, `${what} '${tok.text}' is outside range [${minUs / 1e6}, ${maxUs / 1e6}]`, 'CFG_OUT_OF_RANGE');
    return undefined;
  }
  return us;
}

export function readIp(tok: Token | undefined, sink: DiagnosticSink, what: string): IpAddr | undefined {
  if (!tok) return undefined;
  const ip = parseIp(tok.text);
  if (!ip) sink.error(tok, `${what}: invalid address '${tok.text}'`, 'CFG_BAD_ADDRESS');
  return ip;
}

export function readPrefix(tok: Token | undefined, sink: DiagnosticSink, what: string): IpPrefix | undefined {
  if (!tok) return undefined;
  const p = parsePrefix(tok.text);
  if (!p) sink.error(tok, `${what}: invalid address '${tok.text}'`, 'CFG_BAD_ADDRESS');
  return p;
}
