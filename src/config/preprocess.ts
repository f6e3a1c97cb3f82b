/**
 * keepalived.conf preprocessing (keepalived 2.2.7 lib/parser.c read_line() and friends):
 * turns files into a stream of logical lines, each with the file, line and columns its
 * characters came from.
 *
 * In the order keepalived applies them to every line (also to lines produced by the steps
 * themselves):
 *   - `@ID rest` / `@^ID rest` conditional lines against the config id
 *   - `$NAME=VALUE` definitions (multi-line ones with a trailing `\`)
 *   - `~SEQ(var, [start,] [step,] end) rest`, `~SEQx(…)`, `~LST(var, v1, …)`, `~LST({a,b},{1,2},…)`
 *   - `$NAME` / `${NAME}` replacement, recursive, then comments are stripped again
 *   - `include*` lines open other files (glob + csh braces, relative to the including file)
 *   - a physical line is cut at every `{` / `}` outside "…", so each brace is a line of its own
 *
 * Built-in definitions: ${_PWD} ${_INSTANCE} ${_RANDOM [MIN [MAX]]} ${_HASH} ${_BANG}.
 * Nothing here throws on bad input; every problem becomes a diagnostic. Expansion is bounded
 * (line length 1023, replacement count per line, total generated lines) so hostile input
 * cannot hang or exhaust memory.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { DiagnosticSink, type Severity } from './diagnostics';
import type { SourcePos } from './types';
import { MAXBUF, PosText, decomment, splitPhysical, type PhysLine } from './lexer';
import { braceExpand, globFiles, hasWildcard } from './glob';

/** include_check bits. */
export const INCLUDE_R = 1; // readable
export const INCLUDE_M = 2; // match
export const INCLUDE_W = 4; // wildcard_match
export const INCLUDE_B = 8; // brace_match
export const INCLUDE_ALL = INCLUDE_R | INCLUDE_M | INCLUDE_W | INCLUDE_B;

const INCLUDE_VARIANTS: Record<string, number> = {
  include: 0,
  includer: INCLUDE_R,
  includem: INCLUDE_M | INCLUDE_R,
  includew: INCLUDE_W | INCLUDE_M | INCLUDE_R,
  includeb: INCLUDE_B | INCLUDE_R,
  includea: INCLUDE_ALL,
};

/** include_check names: [bits added, bit removed by `-name`] (wildcard_match implies match). */
const INCLUDE_CHECK_NAMES: Record<string, [number, number]> = {
  read: [INCLUDE_R, INCLUDE_R],
  match: [INCLUDE_M | INCLUDE_R, INCLUDE_M],
  wildcard_match: [INCLUDE_W | INCLUDE_M | INCLUDE_R, INCLUDE_W],
  brace_match: [INCLUDE_B | INCLUDE_R, INCLUDE_B],
};

/** Bounds that keep hostile input finite. */
export interface Limits {
  /** Replacements on one line before we give up (keepalived loops forever on `$A=$A`). */
  maxReplacements: number;
  /** Lines produced by ~SEQ/~LST/multi-line definitions in total. */
  maxGeneratedLines: number;
  /** Nesting of included files. */
  maxIncludeDepth: number;
  /** Files opened in total (`include *` in every file would otherwise explode). */
  maxFiles: number;
}
export const DEFAULT_LIMITS: Limits = { maxReplacements: 10000, maxGeneratedLines: 2_000_000, maxIncludeDepth: 64, maxFiles: 10000 };

interface Def {
  name: string;
  value: string;
  multiline: boolean;
  builtin?: (params: number[] | undefined, paramText: string) => string;
  maxParams: number;
}

interface Seq {
  /** For ~SEQ: one variable; for ~LST: one or more. */
  vars: string[];
  /** ~LST values (one tuple per repetition). */
  tuples?: string[][];
  idx: number;
  next: number;
  last: number;
  step: number;
  hex: boolean;
  text: PosText;
}

interface MlQueue {
  lines: string[];
  idx: number;
  site: SourcePos;
  seqDepth: number;
}

interface Frame {
  display: string;
  abs: string;
  dir: string;
  lines: PhysLine[];
  idx: number;
  includeCheck: number;
  seqs: Seq[];
  ml: MlQueue | null;
  mlStack: MlQueue[];
  mlSeqDepth: number;
  /** Files of the same include glob still to be read after this one. */
  pending: { display: string; abs: string }[];
  pendingCheck: number;
  pendingPos: SourcePos | undefined;
}

export interface PreprocessOptions {
  configId: string;
  allConfig?: boolean;
  randomSeed?: number;
  limits?: Partial<Limits>;
}

/** Pieces one line may be cut into at braces (a 1023-byte line has at most 2046). */
const RESIDUE_BUDGET = 4096;

/** Severity used for missing/unreadable include files when an include check asks for it:
 *  keepalived 2.2.7 `-t` exits 6 for these (the same code as script security errors). */
const INCLUDE_ERROR: Severity = 'security';

/** glibc random()/srandom() (TYPE_3), so ${_RANDOM} with a seed gives keepalived's numbers. */
export class GlibcRandom {
  private r: number[] = [];
  private i = 0;
  constructor(seed: number) {
    let s = seed >>> 0;
    if (s === 0) s = 1;
    const r = new Array<number>(34);
    r[0] = s | 0;
    for (let k = 1; k < 31; k++) {
      // 16807 * r[k-1] % 2147483647 without overflow (Schrage), as glibc does
      const prev = r[k - 1]!;
      const hi = Math.trunc(prev / 127773);
      const lo = prev % 127773;
      let word = 16807 * lo - 2836 * hi;
      if (word < 0) word += 2147483647;
      r[k] = word;
    }
    for (let k = 31; k < 34; k++) r[k] = r[k - 31]!;
    this.r = r;
    this.i = 34;
    for (let k = 0; k < 310; k++) this.raw();
  }
  private raw(): number {
    const v = (this.r[this.i - 31]! + this.r[this.i - 3]!) | 0;
    this.r.push(v);
    this.i++;
    if (this.r.length > 4096) {
      this.r = this.r.slice(this.r.length - 34);
      this.i = 34;
    }
    return v;
  }
  next(): number {
    return this.raw() >>> 1;
  }
}

/**
 * The line reader. next() returns the next logical line (already cut at braces), or null at
 * the end of all files. The tree builder calls setIncludeCheck() when it meets
 * `include_check` in global_defs, since keepalived applies it while reading.
 */
export class Preprocessor {
  readonly sink: DiagnosticSink;
  readonly files: string[] = [];
  private readonly stack: Frame[] = [];
  private readonly defs = new Map<string, Def>();
  private residue: PosText | null = null;
  private readonly configId: string;
  private readonly allConfig: boolean;
  private readonly limits: Limits;
  private readonly rng: GlibcRandom;
  private generated = 0;
  private residueBudget = RESIDUE_BUDGET;
  private generatedLimitHit = false;
  /** Position of the current line, for messages. */
  private cur: SourcePos = { file: '', line: 0, col: 0 };

  constructor(sink: DiagnosticSink, opts: PreprocessOptions) {
    this.sink = sink;
    this.configId = opts.configId;
    this.allConfig = !!opts.allConfig;
    this.limits = { ...DEFAULT_LIMITS, ...(opts.limits ?? {}) };
    this.rng = new GlibcRandom(opts.randomSeed ?? Math.floor(Date.now() / 1000));
    this.addBuiltins();
  }

  /** Open the main configuration file (a glob, like keepalived's -f). */
  start(file: string): void {
    const dir = process.cwd();
    this.includeGlob(file, this.allConfig ? INCLUDE_ALL : 0, dir, undefined, true);
  }

  /** Apply `include_check [[+|-]type …]` to the file being read (restored when it closes). */
  setIncludeCheck(args: string[]): void {
    const fr = this.stack[this.stack.length - 1];
    if (!fr) return;
    if (args.length === 0) {
      fr.includeCheck = INCLUDE_ALL;
      return;
    }
    let val = 0;
    let first = true;
    for (const a of args) {
      let op = '';
      let name = a;
      if (a.startsWith('+') || a.startsWith('-')) {
        op = a[0]!;
        name = a.slice(1);
      }
      const bits = INCLUDE_CHECK_NAMES[name];
      if (first && op !== '') val = fr.includeCheck;
      first = false;
      if (bits === undefined) continue; // keepalived's global_defs handler reports it
      if (op === '-') val &= ~bits[1];
      else val |= bits[0];
    }
    fr.includeCheck = val;
  }

  /** The current include_check bits (for tests). */
  get includeCheck(): number {
    return this.stack[this.stack.length - 1]?.includeCheck ?? 0;
  }

  private addBuiltins(): void {
    this.defs.set('_PWD', { name: '_PWD', value: '', multiline: false, maxParams: 0, builtin: () => this.stack[this.stack.length - 1]?.dir ?? process.cwd() });
    this.defs.set('_INSTANCE', { name: '_INSTANCE', value: '', multiline: false, maxParams: 0, builtin: () => this.configId });
    this.defs.set('_RANDOM', { name: '_RANDOM', value: '', multiline: false, maxParams: 2, builtin: (p, txt) => this.random(p, txt) });
    this.defs.set('_HASH', { name: '_HASH', value: '#', multiline: false, maxParams: 0 });
    this.defs.set('_BANG', { name: '_BANG', value: '!', multiline: false, maxParams: 0 });
  }

  private random(params: number[] | undefined, txt: string): string {
    let min = 0;
    let max = 32767;
    if (params && params.length > 0) {
      min = params[0]!;
      if (params.length > 1) max = params[1]!;
      if (params.length > 2) this.sink.report(this.cur, 'info', `Too many parameters or extra text for \${_RANDOM ${txt}}`, 'CFG_RANDOM_PARAMS');
    }
    const span = max - min + 1;
    // C does this in unsigned long: with MAX < MIN the modulus is huge, so random() + MIN
    if (span === 0) return String(min);
    if (span < 0) return String(this.rng.next() + min);
    return String((this.rng.next() % span) + min);
  }

  private report(sev: Severity, msg: string, code: string, pos: SourcePos = this.cur): void {
    this.sink.report(pos, sev, msg, code);
  }

  // ------------------------------------------------------------------ files

  private openFile(display: string, abs: string, check: number, pending: { display: string; abs: string }[], pos: SourcePos | undefined): boolean {
    let content: Buffer;
    try {
      const st = fs.statSync(abs);
      if (st.isDirectory()) {
        this.report(check & INCLUDE_R ? INCLUDE_ERROR : 'warning', `Configuration file '${display}' is a directory - skipping`, 'CFG_INCLUDE_DIRECTORY', pos);
        return false;
      }
      if (!st.isFile() || (st.mode & 0o111) !== 0) {
        this.report(check & INCLUDE_R ? INCLUDE_ERROR : 'warning', `Configuration file '${display}' is not a regular non-executable file - skipping`, 'CFG_INCLUDE_NOT_REGULAR', pos);
        return false;
      }
      content = fs.readFileSync(abs);
    } catch (e) {
      const err = e as NodeJS.ErrnoException;
      this.report(check & INCLUDE_R ? INCLUDE_ERROR : 'warning', `Configuration file '${display}' open problem (${errnoText(err)}) - skipping`, 'CFG_INCLUDE_OPEN', pos);
      return false;
    }
    if (this.files.length >= this.limits.maxFiles) {
      this.report('error', `More than ${this.limits.maxFiles} configuration files - '${display}' not read`, 'CFG_TOO_MANY_FILES', pos);
      return false;
    }
    this.report('info', `Opening file '${display}'.`, 'CFG_OPENING_FILE', pos);
    this.files.push(abs);
    // -e is the main file's starting include_check (its own include_check lines can change it)
    const parentCheck = this.stack[this.stack.length - 1]?.includeCheck ?? (this.allConfig ? INCLUDE_ALL : 0);
    this.stack.push({
      display,
      abs,
      dir: path.dirname(abs),
      lines: splitPhysical(content),
      idx: 0,
      includeCheck: parentCheck,
      seqs: [],
      ml: null,
      mlStack: [],
      mlSeqDepth: 0,
      pending,
      pendingCheck: check,
      pendingPos: pos,
    });
    return true;
  }

  /** Open the files of `pending` in turn until one opens (the rest stay pending on it). */
  private openNext(pending: { display: string; abs: string }[], check: number, pos: SourcePos | undefined): void {
    while (pending.length > 0) {
      const f = pending.shift()!;
      if (this.openFile(f.display, f.abs, check, pending, pos)) return;
    }
  }

  /** keepalived's read_conf_file() for a main file or an include line. */
  private includeGlob(pattern: string, check: number, dir: string, pos: SourcePos | undefined, main = false): void {
    if (this.stack.length >= this.limits.maxIncludeDepth) {
      this.report('error', `Include nesting deeper than ${this.limits.maxIncludeDepth} - '${pattern}' not read`, 'CFG_INCLUDE_DEPTH', pos);
      return;
    }
    const alts = braceExpand(pattern);
    const hasBraces = alts.length > 1;
    const found: string[] = [];
    // an alternative naming a file without wildcards that is not there
    let missingExplicit = false;
    for (const alt of alts) {
      const m = globFiles(alt, dir);
      if (m.length === 0 && !hasWildcard(alt)) missingExplicit = true;
      found.push(...m);
    }
    // keepalived 2.2.7 (checked with -t): `match` makes a missing file an error when the
    // pattern has neither wildcards nor braces, `brace_match` when a brace alternative is
    // missing (and then nothing is read), `wildcard_match` when nothing matched a wildcard;
    // otherwise the "missing" lines are printed without effect and "No config files
    // matched" only logged.
    if (found.length === 0) {
      if (missingExplicit) {
        const err = hasBraces ? check & INCLUDE_B : check & INCLUDE_M && !hasWildcard(pattern);
        this.report(err ? INCLUDE_ERROR : 'warning', `Config files missing '${pattern}'.`, 'CFG_INCLUDE_MISSING', pos);
      } else {
        this.report(check & INCLUDE_W ? INCLUDE_ERROR : 'info', `No config files matched '${pattern}'.`, 'CFG_INCLUDE_NO_MATCH', pos);
      }
      return;
    }
    if (missingExplicit) {
      this.report(check & INCLUDE_B ? INCLUDE_ERROR : 'warning', `Some config files missing: "${pattern}".`, 'CFG_INCLUDE_SOME_MISSING', pos);
      if (check & INCLUDE_B) return;
    }
    if (main && found.length > 1) {
      this.report('error', `WARNING, multiple configuration file matches of ${pattern}, starting with ${found[0]}`, 'CFG_MULTIPLE_FILES', pos);
    }
    const pending = found.map((display) => ({ display, abs: path.resolve(dir, display) }));
    this.openNext(pending, check, pos);
  }

  /** Is this line an include (`include* PATTERN`)? If so read it and return true. */
  private checkInclude(buf: PosText): boolean {
    const m = /^(include[a-z]?)[ \t\f\n\r\v]+(\S.*)$/s.exec(buf.text);
    if (!m) return false;
    const variant = INCLUDE_VARIANTS[m[1]!];
    if (variant === undefined) return false;
    const fr = this.stack[this.stack.length - 1];
    const check = (fr?.includeCheck ?? 0) | variant;
    const pos: SourcePos = { file: buf.file, line: buf.line, col: buf.colAt(0) };
    this.includeGlob(m[2]!, check, fr?.dir ?? process.cwd(), pos);
    return true;
  }

  // ------------------------------------------------------------------ definitions

  /** keepalived's check_definition(): `$NAME=VALUE` at the start of the line. */
  private checkDefinition(text: string): Def | null {
    const m = /^\$([A-Za-z_][A-Za-z0-9_]*)=[ \t]*(.*)$/s.exec(text);
    if (!m) return null;
    const name = m[1]!;
    let value = m[2]!;
    let multiline = false;
    if (value.endsWith('\\')) {
      multiline = true;
      value = value.slice(0, -1).replace(/[ \t]+$/, '');
      value = value.length ? value + '\n' : '';
    }
    const def: Def = { name, value, multiline, maxParams: 0 };
    this.defs.set(name, def);
    return def;
  }

  private setDefinition(name: string, value: string): void {
    this.defs.set(name, { name, value, multiline: false, maxParams: 0 });
  }

  /**
   * keepalived's find_definition() for a use at `text[i]` (just after the `$`).
   * Returns the definition and how many characters after `$` the reference spans.
   */
  private findUse(text: string, i: number): { def: Def; len: number; params?: number[]; paramText: string } | null {
    let p = i;
    const braces = text[p] === '{';
    if (braces) p++;
    const c0 = text[p];
    if (c0 === undefined || !/[A-Za-z_]/.test(c0)) return null;
    const nameStart = p;
    while (p < text.length && /[A-Za-z0-9_]/.test(text[p]!)) p++;
    const name = text.slice(nameStart, p);
    let params: number[] | undefined;
    let paramText = '';
    if (braces) {
      const ps = p;
      while (p < text.length && (text[p] === ' ' || /[0-9]/.test(text[p]!))) p++;
      const raw = text.slice(ps, p);
      if (raw.trim().length) {
        if (/ $/.test(raw)) return null;
        paramText = raw.trim();
        params = paramText.split(/ +/).map((x) => Number(x));
      }
      if (text[p] !== '}') return null;
      p++;
    } else {
      const n = text[p];
      if (n !== undefined && n !== ' ' && n !== '\t' && n !== ',' && n !== ')') return null;
    }
    const def = this.defs.get(name);
    if (!def) return null;
    const atEnd = p >= text.length;
    if (def.multiline && !atEnd) return null;
    if (params && !def.maxParams) return null;
    // keepalived replaces `{` + NAME + one more character for a braced use without
    // parameters, so `${NAME  }` leaves ` }` behind (as it does)
    const len = braces && !params ? name.length + 2 : p - i;
    const r: { def: Def; len: number; params?: number[]; paramText: string } = { def, len, paramText };
    if (params) r.params = params;
    return r;
  }

  /**
   * keepalived's replace_param(): replace every `$NAME` / `${NAME}` in buf. A multi-line value
   * replaces the reference by its first line and queues the rest. Returns true if anything
   * was replaced.
   */
  private replaceParams(buf: PosText, fr: Frame | undefined): boolean {
    let found = false;
    let count = 0;
    let i = buf.text.indexOf('$');
    while (i >= 0 && i + 1 < buf.text.length) {
      const use = this.findUse(buf.text, i + 1);
      if (!use) {
        i = buf.text.indexOf('$', i + 1);
        continue;
      }
      if (++count > this.limits.maxReplacements) {
        this.report('error', `Parameter substitution on line '${buf.text.slice(0, 200)}' exceeds ${this.limits.maxReplacements} replacements - recursive definition?`, 'CFG_PARAM_RECURSION');
        return false;
      }
      const def = use.def;
      let value = def.builtin ? def.builtin(use.params, use.paramText) : def.value;
      if (def.multiline) {
        const lines = value.split('\n');
        value = lines.shift() ?? '';
        if (fr) {
          if (fr.ml) {
            fr.ml.seqDepth = fr.mlSeqDepth;
            fr.mlStack.push(fr.ml);
          }
          fr.ml = { lines, idx: 0, site: { file: buf.file, line: buf.line, col: buf.colAt(i) }, seqDepth: 0 };
          fr.mlSeqDepth = fr.seqs.length;
        }
      }
      const newLen = buf.text.length - (use.len + 1) + value.length;
      if (newLen >= MAXBUF) {
        this.report('info', `Parameter substitution on line '${buf.text}' would exceed maximum line length`, 'CFG_LINE_TOO_LONG');
        return false;
      }
      found = true;
      buf.splice(i, use.len + 1, value, buf.colAt(i));
      if (/^[ \t]*~/.test(value)) break;
      // rescan from the same place: the value may itself hold references
      i = buf.text.indexOf('$', i);
    }
    return found;
  }

  // ------------------------------------------------------------------ sequences

  private parseSeq(buf: PosText): boolean {
    const s = buf.text;
    let p = 4;
    let hex = false;
    if (s[p] === 'x') {
      hex = true;
      p++;
    }
    while (s[p] === ' ' || s[p] === '\t') p++;
    if (s[p] !== '(') return false;
    p++;
    while (s[p] === ' ' || s[p] === '\t') p++;
    const vs = p;
    while (p < s.length && !' \t,)'.includes(s[p]!)) p++;
    const v = s.slice(vs, p);
    while (s[p] === ' ' || s[p] === '\t') p++;
    if (p >= s.length || s[p] === ')' || v.length === 0) {
      this.report('error', `Invalid ~SEQ definition '${s}'`, 'CFG_SEQ_INVALID');
      return false;
    }
    p++; // the ',' (keepalived skips whatever is there)
    while (s[p] === ' ' || s[p] === '\t') p++;
    const close = s.indexOf(')', p);
    // no ')' at all: keepalived's length check fails first
    if (close < 0 || close + 1 - p + 1 > 3 * 20 + 3 + 1) {
      this.report('error', `~SEQ parameter strings too long '${s}'`, 'CFG_SEQ_TOO_LONG');
      return false;
    }
    const pbuf = PosText.at(s.slice(p, close + 1), buf.file, buf.line, buf.colAt(p));
    if (!this.replaceSeqParams(pbuf)) {
      this.report('error', `~SEQ parameter is multiline definition '${s}'`, 'CFG_SEQ_MULTILINE');
      return false;
    }
    const ps = pbuf.text;
    let q = 0;
    const num = (): number => {
      const r = strtol(ps, q);
      q = r.end;
      return r.value;
    };
    const ws = () => {
      while (ps[q] === ' ' || ps[q] === '\t') q++;
    };
    let start: number;
    let step: number;
    let end: number;
    const one = num();
    ws();
    if (ps[q] === ')') {
      end = one;
      step = end < 1 ? -1 : 1;
      start = end < 0 ? -1 : 1;
    } else {
      if (ps[q] !== ',') {
        this.report('error', `Invalid ~SEQ definition '${s}'`, 'CFG_SEQ_INVALID');
        return false;
      }
      q++;
      const two = num();
      ws();
      if (ps[q] === ')') {
        start = one;
        end = two;
        step = start <= end ? 1 : -1;
      } else {
        if (ps[q] !== ',') {
          this.report('error', `Invalid ~SEQ definition '${s}'`, 'CFG_SEQ_INVALID');
          return false;
        }
        q++;
        const three = num();
        ws();
        if (ps[q] !== ')') {
          this.report('error', `Invalid ~SEQ definition '${s}'`, 'CFG_SEQ_INVALID');
          return false;
        }
        start = one;
        step = two;
        end = three;
        if (!step || (start < end && step < 0) || (start > end && step > 0)) {
          this.report('error', `Invalid ~SEQ values '${s}'`, 'CFG_SEQ_VALUES');
          return false;
        }
      }
    }
    if (hex && (start < 0 || end < 0)) {
      this.report('error', `~SEQx is only valid for positive numbers '${s}'`, 'CFG_SEQ_HEX_NEGATIVE');
      return false;
    }
    let t = close + 1;
    while (buf.text[t] === ' ' || buf.text[t] === '\t') t++;
    this.pushSeq({ vars: [v], idx: 0, next: start, last: end, step, hex, text: buf.slice(t) });
    return true;
  }

  /** Replacement inside ~SEQ parameters; false when a multi-line definition is used there. */
  private replaceSeqParams(pbuf: PosText): boolean {
    let guard = 0;
    let i = pbuf.text.indexOf('$');
    while (i >= 0 && i + 1 < pbuf.text.length && guard++ < 100) {
      const use = this.findUse(pbuf.text, i + 1);
      if (!use) {
        i = pbuf.text.indexOf('$', i + 1);
        continue;
      }
      if (use.def.multiline) return false;
      const value = use.def.builtin ? use.def.builtin(use.params, use.paramText) : use.def.value;
      if (pbuf.text.length - (use.len + 1) + value.length >= MAXBUF) return true;
      pbuf.splice(i, use.len + 1, value, pbuf.colAt(i));
      i = pbuf.text.indexOf('$', i);
    }
    return true;
  }

  private parseLst(buf: PosText): boolean {
    const s = buf.text;
    let p = 4;
    const bad = (): false => {
      this.report('error', `Invalid ~LST specification '${s}'`, 'CFG_LST_INVALID');
      return false;
    };
    const ws = () => {
      while (s[p] === ' ' || s[p] === '\t') p++;
    };
    ws();
    if (s[p] !== '(') return bad();
    p++;
    ws();
    const word = (): string | null => {
      const st = p;
      while (p < s.length && !' \t,{})'.includes(s[p]!)) p++;
      return s.slice(st, p);
    };
    /** `{a, b, …}` or a single word; returns null on a syntax error. */
    const group = (allowEmpty: boolean): string[] | null => {
      ws();
      if (s[p] === '{') {
        p++;
        const out: string[] = [];
        for (;;) {
          ws();
          const w = word();
          if (w === null) return null;
          out.push(w);
          ws();
          if (s[p] === ',') {
            p++;
            continue;
          }
          if (s[p] === '}') {
            p++;
            break;
          }
          return null;
        }
        if (!allowEmpty && out.some((x) => x === '')) return null;
        return out;
      }
      const w = word();
      if (w === null || (!allowEmpty && w === '')) return null;
      return [w];
    };
    const vars = group(false);
    if (!vars) return bad();
    ws();
    if (s[p] !== ',') return bad();
    const tuples: string[][] = [];
    while (s[p] === ',') {
      p++;
      const g = group(true);
      if (!g) return bad();
      if (g.length > vars.length) {
        this.report('error', `~LST specification has too many values '${s}'`, 'CFG_LST_TOO_MANY');
        return bad();
      }
      tuples.push(g);
      ws();
    }
    if (s[p] !== ')') return bad();
    p++;
    ws();
    this.pushSeq({ vars, tuples, idx: 0, next: 0, last: 0, step: 0, hex: false, text: buf.slice(p) });
    return true;
  }

  private pushSeq(seq: Seq): void {
    const fr = this.stack[this.stack.length - 1];
    if (fr) fr.seqs.push(seq);
  }

  /** Take the next repetition of the innermost sequence: set its variables, return its text. */
  private seqStep(fr: Frame): PosText {
    const seq = fr.seqs[fr.seqs.length - 1]!;
    let done: boolean;
    if (seq.tuples) {
      const tup = seq.tuples[seq.idx++] ?? [];
      seq.vars.forEach((v, k) => this.setDefinition(v, tup[k] ?? ''));
      done = seq.idx >= seq.tuples.length;
    } else {
      this.setDefinition(seq.vars[0]!, seq.hex ? Math.trunc(seq.next).toString(16) : String(seq.next));
      seq.next += seq.step;
      done = (seq.step > 0 && seq.next > seq.last) || (seq.step < 0 && seq.next < seq.last);
    }
    if (done) fr.seqs.pop();
    return seq.text.clone();
  }

  private countGenerated(): boolean {
    if (++this.generated <= this.limits.maxGeneratedLines) return true;
    if (!this.generatedLimitHit) {
      this.generatedLimitHit = true;
      this.report('error', `Configuration expands to more than ${this.limits.maxGeneratedLines} lines - rest of expansion dropped`, 'CFG_EXPANSION_LIMIT');
    }
    return false;
  }

  // ------------------------------------------------------------------ the line loop

  /** keepalived's read_line(): the next logical line, or null at the end. */
  next(): PosText | null {
    let mlDef: Def | null = null;
    for (;;) {
      let buf: PosText;
      const fr = this.stack[this.stack.length - 1];
      const fromResidue = this.residue !== null;
      if (this.residue) {
        buf = this.residue;
        this.residue = null;
        // a residue that keeps expanding (`$B=${B}${B}x`) would never end
        if (--this.residueBudget < 0) {
          if (this.residueBudget === -1) this.report('error', `Line expands without end - rest of '${buf.text.slice(0, 200)}' dropped`, 'CFG_EXPANSION_LIMIT', { file: buf.file, line: buf.line, col: buf.colAt(0) });
          continue;
        }
      } else if (!fr) {
        return null;
      } else if (fr.seqs.length > fr.mlSeqDepth) {
        if (!this.countGenerated()) {
          fr.seqs.length = fr.mlSeqDepth;
          continue;
        }
        buf = this.seqStep(fr);
      } else if (fr.ml) {
        const q = fr.ml;
        const text = q.lines[q.idx++] ?? '';
        if (q.idx >= q.lines.length) {
          const prev = fr.mlStack.pop();
          if (prev) {
            fr.ml = prev;
            fr.mlSeqDepth = prev.seqDepth;
          } else {
            fr.ml = null;
            fr.mlSeqDepth = 0;
          }
        }
        if (!this.countGenerated()) {
          fr.ml = null;
          fr.mlStack.length = 0;
          fr.mlSeqDepth = 0;
          continue;
        }
        buf = PosText.at(text, q.site.file, q.site.line, q.site.col);
      } else {
        // the next non-empty physical line
        let pl: PhysLine | undefined;
        for (;;) {
          pl = fr.lines[fr.idx++];
          if (!pl) break;
          if (pl.text.length) break;
          if (mlDef) {
            // an empty line ends a multi-line definition
            if (!mlDef.value.length) mlDef.multiline = false;
            mlDef = null;
          }
        }
        if (!pl) {
          this.stack.pop();
          if (fr.pending.length) this.openNext(fr.pending, fr.pendingCheck, fr.pendingPos);
          continue;
        }
        if (pl.split && pl.col === 1) {
          this.report('info', `Line is longer than ${MAXBUF - 1} bytes - read in pieces of ${MAXBUF - 1} bytes, as keepalived does`, 'CFG_LINE_SPLIT', { file: fr.display, line: pl.line, col: MAXBUF });
        }
        buf = PosText.fromLine(pl.text, fr.display, pl.line, pl.col);
        this.cur = { file: fr.display, line: pl.line, col: 1 };
        const d = decomment(buf);
        if (d.unterminated) this.report('error', d.unterminated, 'CFG_UNTERMINATED_QUOTE', { file: buf.file, line: buf.line, col: buf.colAt(0) });
        if (!buf.length) continue; // comment-only line
      }
      this.cur = { file: buf.file, line: buf.line, col: buf.colAt(0) };
      if (!fromResidue) this.residueBudget = RESIDUE_BUDGET;

      if (mlDef) {
        let text = buf.text;
        let more = false;
        if (text.endsWith('\\')) {
          text = text.slice(0, -1).replace(/[ \t]+$/, '') + '\n';
          more = true;
        }
        if (text.length >= 2 || (text.length && !more)) mlDef.value += text;
        if (!more) {
          if (!mlDef.value.length) mlDef.multiline = false;
          mlDef = null;
        }
        continue;
      }
      if (!buf.length) continue;

      let recheck: boolean;
      let guard = 0;
      do {
        recheck = false;
        if (buf.text[0] === '@') {
          const rev = buf.text[1] === '^';
          const ofs = rev ? 2 : 1;
          const m = /[ \t]/.exec(buf.text.slice(ofs));
          if (!m) {
            buf.clear();
            break;
          }
          const id = buf.text.slice(ofs, ofs + m.index);
          if ((id !== this.configId) !== rev) {
            buf.clear();
            break;
          }
          let st = ofs + m.index;
          while (buf.text[st] === ' ' || buf.text[st] === '\t') st++;
          buf.assign(buf.slice(st));
        }
        if (buf.text[0] === '$') {
          const def = this.checkDefinition(buf.text);
          if (def) {
            if (def.multiline) mlDef = def;
            buf.clear();
            break;
          }
        }
        if (buf.text.startsWith('~SEQ')) {
          if (!this.parseSeq(buf)) this.report('error', `Invalid ~SEQ specification '${buf.text}'`, 'CFG_SEQ_INVALID');
          buf.clear();
          break;
        }
        if (buf.text.startsWith('~LST')) {
          this.parseLst(buf);
          buf.clear();
          break;
        }
        if (buf.text[0] === '~') break;
        if (buf.text.includes('$')) {
          if (!this.replaceParams(buf, fr)) break;
          const d = decomment(buf);
          if (d.unterminated) this.report('error', d.unterminated, 'CFG_UNTERMINATED_QUOTE');
          if (buf.text[0] === '@' || buf.text.includes('$')) recheck = true;
          if (++guard > this.limits.maxReplacements) {
            this.report('error', `Parameter substitution on line '${buf.text.slice(0, 200)}' does not terminate - recursive definition?`, 'CFG_PARAM_RECURSION');
            break;
          }
        }
      } while (recheck);

      if (!buf.length) continue;
      if (this.checkInclude(buf)) continue;

      // split at the first { or } outside "…"
      const s = buf.text;
      let p = -1;
      if (s[0] === '{' || s[0] === '}') p = 0;
      else {
        let k = 0;
        while (k < s.length) {
          const c = s[k];
          if (c === '{' || c === '}') {
            p = k;
            break;
          }
          if (c === '"') {
            const close = s.indexOf('"', k + 1);
            if (close < 0) break;
            k = close + 1;
            continue;
          }
          k++;
        }
      }
      if (p >= 0) {
        let skip = 0;
        if (p === 0) {
          skip = 1;
          while (s[skip] === ' ' || s[skip] === '\t') skip++;
        }
        if (p + skip < s.length) {
          let e = s.length;
          while (e > p + skip && (s[e - 1] === ' ' || s[e - 1] === '\t')) e--;
          this.residue = buf.slice(p + skip, e);
          buf.assign(buf.slice(0, p + skip));
        }
      }
      let e = buf.text.length;
      while (e > 0 && (buf.text[e - 1] === ' ' || buf.text[e - 1] === '\t')) e--;
      if (e < buf.text.length) buf.assign(buf.slice(0, e));
      if (!buf.length) continue;
      return buf;
    }
  }
}

/** C strtol(s + from, &end, 0): leading blanks, sign, 0x hex, 0 octal; no digits → 0, end = from. */
export function strtol(s: string, from: number): { value: number; end: number } {
  let p = from;
  while (p < s.length && ' \t\n\r\f\v'.includes(s[p]!)) p++;
  let neg = false;
  if (s[p] === '+' || s[p] === '-') {
    neg = s[p] === '-';
    p++;
  }
  let base = 10;
  if (s[p] === '0' && (s[p + 1] === 'x' || s[p + 1] === 'X') && /[0-9a-fA-F]/.test(s[p + 2] ?? '')) {
    base = 16;
    p += 2;
  } else if (s[p] === '0') base = 8;
  const digits = base === 16 ? /[0-9a-fA-F]/ : base === 8 ? /[0-7]/ : /[0-9]/;
  const st = p;
  let v = 0;
  while (p < s.length && digits.test(s[p]!)) {
    v = v * base + parseInt(s[p]!, base);
    p++;
  }
  if (p === st) return { value: 0, end: from };
  const LMAX = 9223372036854775807;
  if (v > LMAX) v = LMAX;
  return { value: neg ? -v : v, end: p };
}

function errnoText(e: NodeJS.ErrnoException): string {
  switch (e.code) {
    case 'ENOENT':
      return 'No such file or directory';
    case 'EACCES':
      return 'Permission denied';
    case 'EISDIR':
      return 'Is a directory';
    case 'ELOOP':
      return 'Too many levels of symbolic links';
    default:
      return e.message;
  }
}
