/**
 * The lexical layer of keepalived.conf (keepalived 2.2.7 lib/parser.c): physical lines,
 * comments, quotes, word splitting — with the source column of every character kept.
 *
 *   PosText          a piece of line text plus, for each character, the column it came from
 *   splitPhysical()  a file's bytes → physical lines as fgets(buf, 1024) would return them
 *   decomment()      leading/trailing blanks, `#`/`!` comments outside "…", `\#` `\!` escapes
 *   splitWords()     a logical line → Tokens ("…" is one word, quotes removed, no escapes)
 *   splitScriptArgs() keepalived's shell-style re-tokenising of script values
 *
 * Nothing here throws on input: problems are returned as messages for the caller to report.
 */
import type { Token } from './types';

/** keepalived's MAXBUF: a read buffer holds at most MAXBUF - 1 bytes of a line. */
export const MAXBUF = 1024;

/** keepalived's WHITE_SPACE_STR. */
const WHITE = ' \t\f\n\r\v';
export function isWhite(c: string | undefined): boolean {
  return c !== undefined && c !== '' && WHITE.includes(c);
}
function isBlank(c: string | undefined): boolean {
  return c === ' ' || c === '\t';
}

/**
 * Text with a source column per character. Text inserted by macro expansion carries the
 * column of the `$` it replaced; `line` is the physical line the text is attributed to.
 * Columns are kept as `base + index` until an edit makes them irregular (most lines are
 * never edited, so no per-character array is built for them).
 */
export class PosText {
  /** Per-character columns, or null when column(i) = base + i. */
  private colArr: number[] | null;
  private base: number;

  constructor(
    public text: string,
    cols: number[] | null,
    public file: string,
    public line: number,
    base = 1,
  ) {
    this.colArr = cols;
    this.base = base;
  }

  static fromLine(text: string, file: string, line: number, firstCol = 1): PosText {
    return new PosText(text, null, file, line, firstCol);
  }

  /** Text that all maps to one column (macro values, sequence text with no own origin). */
  static at(text: string, file: string, line: number, col: number): PosText {
    return new PosText(text, new Array<number>(text.length).fill(col), file, line);
  }

  get length(): number {
    return this.text.length;
  }

  /** Per-character columns (materialised). */
  get cols(): number[] {
    return this.materialise();
  }

  private materialise(): number[] {
    if (!this.colArr) {
      const a = new Array<number>(this.text.length);
      for (let i = 0; i < a.length; i++) a[i] = this.base + i;
      this.colArr = a;
    }
    return this.colArr;
  }

  colAt(i: number): number {
    const n = this.text.length;
    const k = n === 0 ? 0 : Math.min(Math.max(i, 0), n - 1);
    if (!this.colArr) return this.base + k;
    if (this.colArr.length === 0) return 1;
    return this.colArr[Math.min(k, this.colArr.length - 1)] ?? 1;
  }

  slice(start: number, end: number = this.text.length): PosText {
    if (!this.colArr) return new PosText(this.text.slice(start, end), null, this.file, this.line, this.base + start);
    return new PosText(this.text.slice(start, end), this.colArr.slice(start, end), this.file, this.line);
  }

  /** Replace `len` characters at `start` with `ins`; inserted characters take column `col`. */
  splice(start: number, len: number, ins: string, col: number): void {
    const cols = this.materialise();
    this.text = this.text.slice(0, start) + ins + this.text.slice(start + len);
    cols.splice(start, len, ...new Array<number>(ins.length).fill(col));
  }

  /** Remove the character at `i`. */
  remove(i: number): void {
    const cols = this.materialise();
    this.text = this.text.slice(0, i) + this.text.slice(i + 1);
    cols.splice(i, 1);
  }

  /** Keep only [start, end). */
  keep(start: number, end: number): void {
    if (start === 0 && end >= this.text.length) return;
    this.text = this.text.slice(start, end);
    if (this.colArr) this.colArr = this.colArr.slice(start, end);
    else this.base += start;
  }

  /** Append text mapped to column `col`. */
  append(t: string, col: number): void {
    const cols = this.materialise();
    this.text += t;
    for (let i = 0; i < t.length; i++) cols.push(col);
  }

  /** Replace the content with `other` (positions included). */
  assign(other: PosText): void {
    this.text = other.text;
    this.colArr = other.colArr ? other.colArr.slice() : null;
    this.base = other.base;
    this.file = other.file;
    this.line = other.line;
  }

  clone(): PosText {
    return new PosText(this.text, this.colArr ? this.colArr.slice() : null, this.file, this.line, this.base);
  }

  clear(): void {
    this.text = '';
    this.colArr = null;
  }
}

/** One chunk of a file as keepalived's fgets() loop sees it. */
export interface PhysLine {
  text: string;
  /** 1-based physical line number the chunk belongs to. */
  line: number;
  /** 1-based column (in characters) of the chunk's first character on that line. */
  col: number;
  /** True when this is not the last chunk of an over-long physical line. */
  split: boolean;
}

/**
 * Split file contents into lines the way `fgets(buf, 1024)` reads them: a physical line
 * longer than 1023 bytes (newline included) is returned in several chunks, each of which
 * keepalived treats as a line of its own. `\r` and `\n` at the end of a chunk are removed.
 */
export function splitPhysical(content: Buffer): PhysLine[] {
  const out: PhysLine[] = [];
  const max = MAXBUF - 1;
  let pos = 0;
  let lineNo = 0;
  while (pos < content.length) {
    let nl = content.indexOf(0x0a, pos);
    const end = nl < 0 ? content.length : nl + 1; // the \n belongs to the line
    lineNo++;
    let col = 1;
    let p = pos;
    while (p < end) {
      let chunkEnd = Math.min(end, p + max);
      // never cut a UTF-8 sequence in two (keepalived would; the pieces are then garbage anyway)
      if (chunkEnd < end) {
        let q = chunkEnd;
        while (q > p && ((content[q] ?? 0) & 0xc0) === 0x80) q--;
        if (q > p) chunkEnd = q;
      }
      let text = content.toString('utf8', p, chunkEnd);
      const last = chunkEnd >= end;
      text = text.replace(/[\r\n]+$/, '');
      // a NUL ends the string for C code
      const nul = text.indexOf('\0');
      if (nul >= 0) text = text.slice(0, nul);
      out.push({ text, line: lineNo, col, split: !last });
      col += content.toString('utf8', p, chunkEnd).length;
      p = chunkEnd;
    }
    pos = end;
    nl = -1;
  }
  return out;
}

export interface DecommentResult {
  /** Set when a `"` was left open: the message keepalived reports. */
  unterminated?: string;
}

/**
 * keepalived's decomment(): remove leading blanks; cut at the first `#` or `!` that is outside
 * "…"; turn `\#` / `\!` outside quotes into a literal `#` / `!`; remove trailing blanks. A `\`
 * at the very end is kept (directly after the text) as the continuation mark of multi-line
 * definitions. Modifies `t` in place.
 */
export function decomment(t: PosText): DecommentResult {
  let lead = 0;
  const s0 = t.text;
  while (lead < s0.length && isBlank(s0[lead])) lead++;
  if (lead) t.keep(lead, s0.length);
  let quote = false;
  let cont = false;
  let skip = -1;
  let contCol = 0;
  let i = 0;
  for (;;) {
    const s = t.text;
    if (i >= s.length) break;
    const c = s[i];
    if (c === '"') {
      if (skip < 0) quote = !quote;
      i++;
      continue;
    }
    if (c === '\\') {
      if (i + 1 < s.length) {
        const n = s[i + 1];
        if (!quote && (n === '#' || n === '!')) {
          t.remove(i);
          i++;
        } else i += 2;
        continue;
      }
      contCol = t.colAt(i);
      t.keep(0, i);
      cont = true;
      break;
    }
    if ((c === '#' || c === '!') && !quote && skip < 0) skip = i;
    i++;
  }
  const res: DecommentResult = {};
  if (quote) res.unterminated = `Unterminated quote '${t.text}'`;
  if (skip >= 0) t.keep(0, skip);
  const s = t.text;
  let e = s.length;
  while (e > 0 && isBlank(s[e - 1])) e--;
  t.keep(0, e);
  if (cont) t.append('\\', contCol);
  return res;
}

export interface WordsResult {
  tokens: Token[];
  /** keepalived's "Unmatched quote: '…'" when a `"` has no partner (words before it are kept). */
  unmatched?: string;
}

/**
 * keepalived's alloc_strvec(): split on white space; a word starting with `"` runs to the next
 * `"` and loses its quotes (no escapes); an unquoted word also ends at a `"`.
 */
export function splitWords(t: PosText): WordsResult {
  const s = t.text;
  const tokens: Token[] = [];
  let i = 0;
  const res: WordsResult = { tokens };
  for (;;) {
    while (i < s.length && isWhite(s[i])) i++;
    if (i >= s.length) break;
    const start = i;
    if (s[i] === '"') {
      const close = s.indexOf('"', i + 1);
      if (close < 0) {
        res.unmatched = `Unmatched quote: '${s}'`;
        break;
      }
      tokens.push({ file: t.file, line: t.line, col: t.colAt(start), text: s.slice(i + 1, close), quoted: true });
      i = close + 1;
    } else {
      while (i < s.length && !isWhite(s[i]) && s[i] !== '"') i++;
      tokens.push({ file: t.file, line: t.line, col: t.colAt(start), text: s.slice(start, i), quoted: false });
    }
  }
  return res;
}

export interface ScriptArgsResult {
  args: string[];
  /** Set when keepalived would reject the string (missing closing quote, `\` at the end). */
  error?: string;
}

/**
 * keepalived's alloc_strvec_quoted_escaped() with its messages: words separated by unquoted
 * white space; '…' and "…" group (quotes removed, adjacent pieces join one word); escapes
 * \a \b \E \f \n \r \t \v, \nnn (octal, up to 3 digits), \xXX… (hex), \cC (control char) and
 * \C (C itself) work inside and outside quotes. On error `args` is empty, as keepalived
 * returns no vector.
 */
export function scriptArgs(text: string): ScriptArgsResult {
  const out: string[] = [];
  let i = 0;
  const n = text.length;
  let quote = '';
  while (i < n) {
    while (i < n && isWhite(text[i])) i++;
    if (i >= n) break;
    let word = '';
    while (i < n) {
      const c = text[i]!;
      if (c === '\\') {
        i++;
        if (i >= n) return { args: [], error: `Missing escape char at end: '${text}'` };
        const e = text[i]!;
        if (e === 'x' && isHex(text[i + 1])) {
          let v = 0;
          i++;
          while (i < n && isHex(text[i])) {
            v = ((v << 4) | parseInt(text[i]!, 16)) & 0xff;
            i++;
          }
          word += String.fromCharCode(v);
        } else if (e === 'c' && i + 1 < n) {
          word += String.fromCharCode(text.charCodeAt(i + 1) & 0x1f);
          i += 2;
        } else if (e >= '0' && e <= '7') {
          let v = e.charCodeAt(0) - 48;
          i++;
          for (let k = 0; k < 2 && i < n && text[i]! >= '0' && text[i]! <= '7'; k++) {
            v = ((v << 3) + (text.charCodeAt(i) - 48)) & 0xff;
            i++;
          }
          word += String.fromCharCode(v);
        } else {
          const map: Record<string, string> = { a: '\x07', b: '\b', E: '\x1b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v' };
          word += map[e] ?? e;
          i++;
        }
        continue;
      }
      if (quote) {
        if (c === quote) {
          quote = '';
          i++;
          continue;
        }
        word += c;
        i++;
        continue;
      }
      if (c === '"' || c === "'") {
        quote = c;
        i++;
        continue;
      }
      if (isWhite(c)) break;
      word += c;
      i++;
    }
    if (quote) return { args: [], error: `String '${text}': missing terminating ${quote}` };
    out.push(word);
  }
  return { args: out };
}

function isHex(c: string | undefined): boolean {
  return c !== undefined && /^[0-9a-fA-F]$/.test(c);
}
