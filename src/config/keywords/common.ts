/**
 * Helpers shared by the VRRP-side keyword tables: declarative builders for the common
 * keyword shapes (bool, integer, timer, string, script) and keepalived's messages.
 */
import type { Stmt, Token, SourcePos } from '../types';
import type { ScriptSpec, FifoSpec } from '../ast';
import { kw, type Ctx, type KeywordDef } from './table';
import { scriptArgs } from '../lexer';

export function posOf(t: Token): SourcePos {
  return { file: t.file, line: t.line, col: t.col };
}

/** Where a block's closing brace is, when the front end recorded it (`end`), else its keyword. */
export function endOf(st: Stmt): SourcePos {
  const end = (st as { end?: SourcePos }).end;
  return end && typeof end.line === 'number' ? end : posOf(st.kw);
}

/** keepalived's read_int/read_unsigned: "invalid number 'x'" / "number 'x' outside range [a, b]". */
export function kaInt(tok: Token | undefined, min: number, max: number, ctx: Ctx): number | undefined {
  if (!tok) return undefined;
  const text = tok.text;
  if (!/^[+-]?\d+$/.test(text)) {
    ctx.sink.error(tok, `invalid number '${text}'`, 'CFG_BAD_NUMBER');
    return undefined;
  }
  const n = Number(text);
  if (!Number.isSafeInteger(n) || n < min || n > max) {
    ctx.sink.error(tok, `number '${text}' outside range [${min}, ${max}]`, 'CFG_OUT_OF_RANGE');
    return undefined;
  }
  return n;
}

/** keepalived's read_double: the range is printed with 6 decimals. */
export function kaDouble(tok: Token | undefined, min: number, max: number, ctx: Ctx): number | undefined {
  if (!tok) return undefined;
  const text = tok.text;
  if (!/^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/.test(text)) {
    ctx.sink.error(tok, `invalid number '${text}'`, 'CFG_BAD_NUMBER');
    return undefined;
  }
  const n = Number(text);
  if (!Number.isFinite(n) || n < min || n > max) {
    ctx.sink.error(tok, `number '${text}' outside range [${min.toFixed(6)}, ${max.toFixed(6)}]`, 'CFG_OUT_OF_RANGE');
    return undefined;
  }
  return n;
}

/** TIMER in seconds (fraction allowed) → µs, range given in seconds. */
export function kaTimerUs(tok: Token | undefined, minS: number, maxS: number, ctx: Ctx): number | undefined {
  const v = kaDouble(tok, minS, maxS, ctx);
  return v === undefined ? undefined : Math.round(v * 1_000_000);
}

const TRUE_WORDS = new Set(['on', 'true', 'yes']);
const FALSE_WORDS = new Set(['off', 'false', 'no']);

/** BOOL argument at `index` (missing = true). Reports "Invalid value '…' for …" like check_true_false users. */
export function kaBool(st: Stmt, ctx: Ctx, index = 0): boolean | undefined {
  const t = st.args[index];
  if (!t) return true;
  const w = t.text.toLowerCase();
  if (TRUE_WORDS.has(w)) return true;
  if (FALSE_WORDS.has(w)) return false;
  ctx.sink.error(t, `Invalid value '${t.text}' for ${st.kw.text}`, 'CFG_BAD_BOOL');
  return undefined;
}

/** keepalived aborts `-t` when a handler reads a word that is not there; we report it instead. */
export function missingParam(st: Stmt, ctx: Ctx, position = 2): void {
  ctx.sink.error(
    st.kw,
    `*** Configuration line starting \`${st.kw.text}\` is missing a parameter after keyword \`${st.kw.text}\` at word position ${position}`,
    'CFG_MISSING_PARAMETER',
  );
}

/** The argument at `index`, or report keepalived's missing-parameter message. */
export function arg(st: Stmt, ctx: Ctx, index = 0): Token | undefined {
  const t = st.args[index];
  if (!t) missingParam(st, ctx, index + 2);
  return t;
}

/** Extra words after what a keyword uses: keepalived ignores them silently; we warn. */
export function extraWords(st: Stmt, ctx: Ctx, used: number): void {
  const t = st.args[used];
  if (t) ctx.sink.warn(t, `${st.kw.text}: extra parameter '${t.text}' ignored`, 'CFG_EXTRA_WORDS');
}

/**
 * `CMD [user [group]]`: the first word (usually quoted) is the command line, re-tokenised
 * shell-style; the next two words are the optional user and group.
 */
export function readScript(st: Stmt, ctx: Ctx, first = 0): ScriptSpec | undefined {
  const t = st.args[first];
  if (!t) {
    // after an unmatched quote (already reported by the lexer) keepalived still has the rest
    // of the line as a word; otherwise it reads the missing word anyway and aborts
    if ((st.raw.match(/"/g) ?? []).length % 2 === 1) return undefined;
    missingParam(st, ctx, first + 2);
    return undefined;
  }
  const sa = scriptArgs(t.text);
  if (sa.error !== undefined) {
    ctx.sink.error(t, sa.error, 'CFG_BAD_SCRIPT');
    return undefined;
  }
  const argv = sa.args;
  if (argv.length === 0) {
    ctx.sink.error(t, `${st.kw.text} script missing`, 'CFG_MISSING_VALUE');
    return undefined;
  }
  const s: ScriptSpec = { argv, cmd: t.text, pos: posOf(st.kw) };
  const u = st.args[first + 1];
  const g = st.args[first + 2];
  if (u) s.user = u.text;
  if (g) s.group = g.text;
  extraWords(st, ctx, first + 3);
  return s;
}

export function readFifo(st: Stmt, ctx: Ctx): FifoSpec | undefined {
  const t = arg(st, ctx);
  if (!t) return undefined;
  const f: FifoSpec = { path: t.text, pos: posOf(st.kw) };
  if (st.args[1]) f.user = st.args[1].text;
  if (st.args[2]) f.group = st.args[2].text;
  return f;
}

type Setter<T, V> = (target: T, v: V) => void;

/** Bare keyword or BOOL argument. */
export function boolKw<T>(set: Setter<T, boolean>, opts: Omit<KeywordDef<T>, 'handler'> = {}): KeywordDef<T> {
  return kw((st, t, ctx) => {
    const v = kaBool(st, ctx);
    if (v !== undefined) set(t, v);
  }, opts);
}

/** Keyword that takes no argument and sets a flag. */
export function flagKw<T>(set: (target: T) => void, opts: Omit<KeywordDef<T>, 'handler'> = {}): KeywordDef<T> {
  return kw((st, t, ctx) => {
    extraWords(st, ctx, 0);
    set(t);
  }, opts);
}

/** A keyword with one numeric value read by `parse`; on error keepalived's generic message, then `invalid` (a keyword-specific one). */
function numberKw<T>(
  parse: (a: Token, ctx: Ctx) => number | undefined,
  set: Setter<T, number>,
  invalid?: (st: Stmt, text: string) => string,
  opts: Omit<KeywordDef<T>, 'handler'> = {},
): KeywordDef<T> {
  return kw((st, t, ctx) => {
    const a = arg(st, ctx);
    if (!a) return;
    const v = parse(a, ctx);
    if (v === undefined) {
      if (invalid) ctx.sink.error(a, invalid(st, a.text), 'CFG_BAD_VALUE');
      return;
    }
    set(t, v);
  }, opts);
}

/** Integer keyword within [min, max]. */
export function intKw<T>(
  min: number,
  max: number,
  set: Setter<T, number>,
  invalid?: (st: Stmt, text: string) => string,
  opts: Omit<KeywordDef<T>, 'handler'> = {},
): KeywordDef<T> {
  return numberKw((a, ctx) => kaInt(a, min, max, ctx), set, invalid, opts);
}

/** Timer keyword in seconds (fraction allowed), stored in µs. */
export function timerKw<T>(
  minS: number,
  maxS: number,
  set: Setter<T, number>,
  invalid?: (st: Stmt, text: string) => string,
  opts: Omit<KeywordDef<T>, 'handler'> = {},
): KeywordDef<T> {
  return numberKw((a, ctx) => kaTimerUs(a, minS, maxS, ctx), set, invalid, opts);
}

/** String keyword (first word). */
export function strKw<T>(set: Setter<T, string>, opts: Omit<KeywordDef<T>, 'handler'> = {}): KeywordDef<T> {
  return kw((st, t, ctx) => {
    const a = arg(st, ctx);
    if (!a) return;
    extraWords(st, ctx, 1);
    set(t, a.text);
  }, opts);
}

/** Script keyword `CMD [user [group]]`. */
export function scriptKw<T>(set: Setter<T, ScriptSpec>, opts: Omit<KeywordDef<T>, 'handler'> = {}): KeywordDef<T> {
  return kw((st, t, ctx) => {
    const s = readScript(st, ctx);
    if (s) set(t, s);
  }, opts);
}

/** The item lines of a value block (`{ a b … }`): each child statement's words. */
export function blockItems(st: Stmt): Token[][] {
  return (st.children ?? []).map((c) => [c.kw, ...c.args]);
}

/** `weight W [reverse|noreverse]` parsing used by track_* items and trackers. */
export function readWeight(
  words: Token[],
  start: number,
  min: number,
  max: number,
  ctx: Ctx,
): { weight?: number; reverse: boolean; ok: boolean } {
  let reverse = false;
  let weight: number | undefined;
  let ok = true;
  for (let i = start; i < words.length; i++) {
    const w = words[i]!;
    if (w.text === 'weight') {
      const n = words[i + 1];
      if (!n) {
        ctx.sink.error(w, `weight missing a value`, 'CFG_MISSING_VALUE');
        ok = false;
        break;
      }
      const v = kaInt(n, min, max, ctx);
      if (v === undefined) ok = false;
      else weight = v;
      i++;
    } else if (w.text === 'reverse') reverse = true;
    else if (w.text === 'noreverse') reverse = false;
    else {
      ctx.sink.warn(w, `unknown track option '${w.text}' ignored`, 'CFG_EXTRA_WORDS');
    }
  }
  const r: { weight?: number; reverse: boolean; ok: boolean } = { reverse, ok };
  if (weight !== undefined) r.weight = weight;
  return r;
}
