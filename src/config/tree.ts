/**
 * keepalived.conf on disk → a tree of statements with exact source positions.
 *
 *   readConfigTree(file, opts)   files, includes, macros, sequences → Stmt[] + diagnostics
 *   splitScriptArgs(text)        keepalived's shell-style re-tokenising of script values
 *
 * The tree builder knows no keyword semantics. A `{` line opens a block on the statement
 * just before it (same line or the next); a `{` with no statement before it is reported as
 * keepalived does ("Unexpected '{' - ignoring") and its contents stay at the current level,
 * so its `}` closes the enclosing block, as in keepalived. A `}` at the root is reported
 * ("Unknown keyword '}'"), as are the brace counts keepalived checks ("Extra '}' found",
 * "There are N missing '}'s or extra '{'s").
 *
 * Token.file is the file name as keepalived prints it (the path as globbed, relative to the
 * including file's directory); ReadResult.files holds absolute paths.
 */
import { DiagnosticSink, type Diagnostic } from './diagnostics';
import type { Stmt } from './types';
import { scriptArgs, splitWords } from './lexer';
import { Preprocessor, type Limits } from './preprocess';

export interface ReadOptions {
  configId: string;
  allConfig?: boolean /* -e */;
  randomSeed?: number;
  /** Bounds on expansion (tests, fuzzing); defaults are generous. */
  limits?: Partial<Limits>;
}

export interface ReadResult {
  stmts: Stmt[];
  diagnostics: Diagnostic[];
  files: string[] /* every file opened, in order */;
}

interface Level {
  stmts: Stmt[];
  owner: Stmt | null;
  /** The statement that owns the parent level (to find global_defs at the root). */
  parentOwner: Stmt | null;
  depth: number;
}

/** Read `file` (a glob, like keepalived's -f) with its includes into a statement tree. */
export function readConfigTree(file: string, opts: ReadOptions): ReadResult {
  const sink = new DiagnosticSink();
  const pre = new Preprocessor(sink, opts);
  const root: Stmt[] = [];
  try {
    pre.start(file);
    buildTree(pre, sink, root);
  } catch (e) {
    // a bug, never input: keep what was read and say so
    sink.report(undefined, 'fatal', `internal error reading configuration: ${(e as Error).message}`, 'CFG_INTERNAL');
  }
  return { stmts: root, diagnostics: sink.items, files: pre.files };
}

function buildTree(pre: Preprocessor, sink: DiagnosticSink, root: Stmt[]): void {
  const levels: Level[] = [{ stmts: root, owner: null, parentOwner: null, depth: 0 }];
  let last: Stmt | null = null;
  let blockDepth = 0;
  for (;;) {
    const line = pre.next();
    if (!line) break;
    const w = splitWords(line);
    if (w.unmatched) sink.error({ file: line.file, line: line.line, col: line.colAt(0) }, w.unmatched, 'CFG_UNMATCHED_QUOTE');
    const [kw, ...args] = w.tokens;
    if (!kw) continue;
    const level = levels[levels.length - 1]!;
    if (line.text === '{') blockDepth++;
    else if (line.text === '}') {
      if (blockDepth-- < 1) {
        sink.error(kw, "Extra '}' found", 'CFG_EXTRA_EOB');
        blockDepth = 0;
      }
    }
    if (kw.text === '{') {
      if (last && !last.children && level.stmts[level.stmts.length - 1] === last) {
        last.children = [];
        levels.push({ stmts: last.children, owner: last, parentOwner: level.owner, depth: level.depth + 1 });
      } else {
        sink.error(kw, "Unexpected '{' - ignoring", 'CFG_UNEXPECTED_BLOCK');
      }
      last = null;
      continue;
    }
    if (kw.text === '}') {
      if (levels.length > 1) {
        const closed = levels.pop()!;
        if (closed.owner) closed.owner.end = { file: kw.file, line: kw.line, col: kw.col };
      } else sink.error(kw, "Unknown keyword '}'", 'CFG_UNKNOWN_KEYWORD');
      last = null;
      continue;
    }
    const st: Stmt = { kw, args, raw: line.text };
    level.stmts.push(st);
    last = st;
    // include_check takes effect while reading (global_defs at the root only)
    if (kw.text === 'include_check' && level.depth === 1 && level.owner?.kw.text === 'global_defs') {
      pre.setIncludeCheck(args.map((a) => a.text));
    }
  }
  if (blockDepth > 0) sink.error(undefined, `There are ${blockDepth} missing '}'s or extra '{'s`, 'CFG_MISSING_EOB');
}

/**
 * keepalived's re-tokenising of a script value (`notify_master "/x.sh a 'b c'"`): shell-style
 * words, '…' and "…" quoting, escapes \a \b \E \f \n \r \t \v \nnn \xXX \cC \C. Returns []
 * where keepalived rejects the string (use scriptArgs() in lexer.ts for the message).
 */
export function splitScriptArgs(text: string): string[] {
  return scriptArgs(text).args;
}
