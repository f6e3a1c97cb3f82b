/**
 * Value readers for the LVS keyword tables, with keepalived 2.2.7's generic parser messages
 * (lib/parser.c read_unsigned / read_timer), which keepalived prints before the keyword's own
 * message: `invalid number 'x'`, `negative number '-1'`, `number '0' outside range [1, 65535]`,
 * `number '99999999999' outside unsigned integer range`, timers as `[0.000001, 4294.967295]`.
 * Every reader reports and returns undefined on bad input; none throws.
 */
import type { Stmt, Token, SourcePos } from '../types';
import type { DiagnosticSink } from '../diagnostics';
import type { Family, LvsScriptSpec } from '../ast-lvs';
import { parseIp } from '../../lib/ip';
import { scriptArgs } from '../lexer';

export const UINT_MAX = 4294967295;
export const INT_MAX = 2147483647;
/** keepalived's "no upper limit" for timers: ULONG_MAX - 1 microseconds. */
export const TIMER_NO_MAX = 18446744073709551614n;

let seqCounter = 0;
/** A increasing number giving the reading order of script lines (across files). */
export function nextSeq(): number {
  return ++seqCounter;
}

export function posOf(t: Token): SourcePos {
  return { file: t.file, line: t.line, col: t.col };
}

/**
 * strvec_slot() on a missing word: keepalived prints this and stops reading the configuration
 * (exit code 2; verdict.ts maps the code CFG_MISSING_PARAMETER to that). Returns the token at
 * `index` of the arguments, or undefined.
 */
export function needParam(st: Stmt, sink: DiagnosticSink, index = 0): Token | undefined {
  const t = st.args[index];
  if (!t) {
    sink.error(
      st.kw,
      `*** Configuration line starting \`${st.kw.text}\` is missing a parameter after keyword \`${st.kw.text}\` at word position ${index + 2}`,
      'CFG_MISSING_PARAMETER',
    );
  }
  return t;
}

/** read_unsigned(): decimal, within [min, max], with keepalived's generic messages. */
export function kaUnsigned(tok: Token | undefined, min: number, max: number, sink: DiagnosticSink): number | undefined {
  if (!tok) return undefined;
  const s = tok.text;
  if (/^-\d+$/.test(s) && s !== '-0') {
    sink.error(tok, `negative number '${s}'`, 'CFG_BAD_NUMBER');
    return undefined;
  }
  if (!/^\+?\d+$/.test(s) && s !== '-0') {
    sink.error(tok, `invalid number '${s}'`, 'CFG_BAD_NUMBER');
    return undefined;
  }
  const n = Number(s);
  if (n > UINT_MAX) {
    sink.error(tok, `number '${s}' outside unsigned integer range`, 'CFG_OUT_OF_RANGE');
    return undefined;
  }
  if (n < min || n > max) {
    sink.error(tok, `number '${s}' outside range [${min}, ${max}]`, 'CFG_OUT_OF_RANGE');
    return undefined;
  }
  return n;
}

function fmtTimer(us: bigint): string {
  const whole = us / 1000000n;
  const frac = (us % 1000000n).toString().padStart(6, '0');
  return `${whole}.${frac}`;
}

/**
 * read_timer(): seconds with up to 6 decimals, returned in microseconds, within
 * [minUs, maxUs] (maxUs undefined = keepalived's unlimited). keepalived quirk, kept: text
 * that is not a clean number is reported as invalid, yet the value of its numeric prefix
 * (0 for none) is still used when it is in range, so `warmup x` means 0 with no further message.
 */
export function kaTimerUs(tok: Token | undefined, minUs: number, maxUs: number | undefined, sink: DiagnosticSink): number | undefined {
  if (!tok) return undefined;
  const s = tok.text;
  if (/^\s*-/.test(s)) {
    sink.error(tok, `negative number '${s}'`, 'CFG_BAD_TIMER');
    return undefined;
  }
  const m = /^\+?(\d*)(?:\.(\d*))?/.exec(s)!;
  const clean = m[0].length === s.length && (m[1] !== '' || (m[2] ?? '') !== '');
  const frac = (m[2] ?? '').slice(0, 6).padEnd(6, '0');
  const us = BigInt(m[1] || '0') * 1000000n + BigInt(frac);
  const max = maxUs === undefined ? TIMER_NO_MAX : BigInt(maxUs);
  const inRange = us >= BigInt(minUs) && us <= max;
  if (!clean) {
    sink.error(tok, `invalid number '${s}'`, 'CFG_BAD_TIMER');
    return inRange ? Number(us) : undefined;
  }
  if (!inRange) {
    sink.error(tok, `number '${s}' outside range [${fmtTimer(BigInt(minUs))}, ${fmtTimer(max)}]`, 'CFG_OUT_OF_RANGE');
    return undefined;
  }
  return Number(us);
}

/** check_true_false(): true/false words; undefined when neither. A missing value means true. */
export function kaTrueFalse(tok: Token | undefined): boolean | undefined {
  if (!tok) return true;
  const w = tok.text.toLowerCase();
  if (w === 'on' || w === 'true' || w === 'yes') return true;
  if (w === 'off' || w === 'false' || w === 'no') return false;
  return undefined;
}

/**
 * keepalived's shell-style re-tokenising of a script command (`"/path/x arg1 'a b'"` → argv),
 * delegated to the front end's tokeniser. Empty when keepalived would reject the string.
 */
export function splitCommand(text: string): string[] {
  return scriptArgs(text).args;
}

/** `KW CMD [user [group]]` (notify_up/down, quorum_up/down). */
export function readNotifyScript(st: Stmt): LvsScriptSpec | undefined {
  const cmdTok = st.args[0];
  if (!cmdTok) return undefined;
  const spec: LvsScriptSpec = { argv: splitCommand(cmdTok.text), cmd: cmdTok.text, pos: posOf(st.kw) };
  if (st.args[1]) spec.user = st.args[1].text;
  if (st.args[2]) spec.group = st.args[2].text;
  return spec;
}

/** `misc_path CMD…`: every word of the line (quoted words re-split) is argv. */
export function readMiscPath(st: Stmt): LvsScriptSpec | undefined {
  if (st.args.length === 0) return undefined;
  const argv: string[] = [];
  for (const a of st.args) argv.push(...(a.quoted ? splitCommand(a.text) : [a.text]));
  return { argv, cmd: st.args.map((a) => a.text).join(' '), pos: posOf(st.kw) };
}

/** keepalived's cmd_str(): each argv word in single quotes, space separated. */
export function cmdStr(s: LvsScriptSpec | undefined): string {
  if (!s) return '';
  return s.argv.map((a) => `'${a}'`).join(' ');
}

export interface SockAddr {
  ip: string;
  family: Family;
  port: number;
}

/**
 * inet_stosockaddr(ip, port): an address and optional port; a port made only of zeros
 * counts as none (keepalived >= 2.0.7). A bad port gets the generic number message (when a
 * sink is given). undefined when the address or port is invalid.
 */
export function parseSockAddr(ipText: string, portTok: Token | string | undefined, sink?: DiagnosticSink): SockAddr | undefined {
  const portText = typeof portTok === 'string' ? portTok : portTok?.text;
  let port = 0;
  if (portText !== undefined && /[^0]/.test(portText)) {
    if (sink && typeof portTok === 'object') {
      const n = kaUnsigned(portTok, 1, 65535, sink);
      if (n === undefined) return undefined;
      port = n;
    } else {
      if (!/^\+?\d{1,5}$/.test(portText)) return undefined;
      port = Number(portText);
      if (port > 65535) return undefined;
    }
  }
  const ip = parseIp(ipText);
  if (!ip) return undefined;
  return { ip: ip.text, family: ip.family, port };
}

/**
 * read_hex_str(): hex octets; spaces/tabs separate octets, a lone digit before a space or
 * the end is one octet. With `allowMask`, an `x`/`X` nibble is a wildcard. Returns data and,
 * when wildcards were used, a mask whose set bits are ignored when comparing (as in
 * check_udp.c), both as lower-case hex; undefined when keepalived rejects the text
 * (invalid character, empty, or - a keepalived quirk - a last octet of 0xff).
 */
export function readHexStr(text: string, allowMask: boolean): { data: string; mask?: string } | undefined {
  const nib = (c: string | undefined): number => {
    if (c === undefined) return 0xff;
    if (c >= '0' && c <= '9') return c.charCodeAt(0) - 48;
    const u = c.toUpperCase();
    if (u >= 'A' && u <= 'F') return u.charCodeAt(0) - 55;
    if (allowMask && u === 'X') return 0xfe;
    return 0xff;
  };
  const data: number[] = [];
  const mask: number[] = [];
  let usingMask = false;
  let val = 0;
  let i = 0;
  for (;;) {
    while (text[i] === ' ' || text[i] === '\t') i++;
    if (i >= text.length) break;
    val = nib(text[i++]);
    if (val === 0xff) break;
    let m = 0;
    if (val === 0xfe) {
      m = 0x0f;
      val = 0;
      usingMask = true;
    }
    if (i < text.length && text[i] !== ' ') {
      const hi = val << 4;
      m <<= 4;
      val = nib(text[i++]);
      if (val === 0xff) break;
      if (val === 0xfe) {
        m |= 0x0f;
        val = 0;
        usingMask = true;
      }
      val |= hi;
    }
    data.push(val);
    mask.push(m);
  }
  if (val === 0xff || data.length === 0) return undefined;
  const hex = (a: number[]) => Buffer.from(a).toString('hex');
  return usingMask ? { data: hex(data), mask: hex(mask) } : { data: hex(data) };
}
