/**
 * The keyword-table mechanism: each block kind declares a table `{keyword: KeywordDef}`;
 * applyTable() walks a block's statements and calls each keyword's handler with the typed
 * target it fills. Unknown keywords, missing/unexpected blocks and deprecated spellings are
 * reported here once, the way keepalived reports them, so the tables only hold semantics.
 */
import type { SourcePos, Stmt, Token } from '../types';
import type { DiagnosticSink } from '../diagnostics';

/** A `}` that, in keepalived's reading, ends the current level early (see applyTable). */
interface Close {
  close: SourcePos | undefined;
}
type Item = Stmt | Close;

/** What every handler can reach. */
export interface Ctx {
  sink: DiagnosticSink;
  /** The `-i` config id (for reference; `@id` lines are resolved by the preprocessor). */
  configId: string;
  /** Nesting level of the block being applied (0 = root); maintained by applyTable. */
  depth?: number;
  /**
   * Statements that keepalived reads at an outer level because an ignored `{` made a `}`
   * close the current block early; set by applyTable, consumed by the enclosing applyTable.
   */
  hoist?: Item[];
}

export type Handler<T> = (st: Stmt, target: T, ctx: Ctx) => void;

export interface KeywordDef<T> {
  handler: Handler<T>;
  /** True when the keyword opens a `{ … }` block (sub-keywords or a value list). */
  block?: boolean;
  /** Set on a deprecated alias: the keyword to use instead (keepalived warns). */
  deprecatedFor?: string;
}

export type KeywordTable<T> = Record<string, KeywordDef<T>>;

/** Build a table entry for a simple keyword. */
export function kw<T>(handler: Handler<T>, opts: Omit<KeywordDef<T>, 'handler'> = {}): KeywordDef<T> {
  return { handler, ...opts };
}

/**
 * Apply `table` to every statement of a block, reading it the way keepalived does.
 * - unknown keyword → error "Unknown keyword 'X'".
 * - deprecated alias → keepalived's `Keyword "X" is deprecated - please use "Y"` (an error for
 *   `-t`, as in keepalived), then the handler runs as for the new keyword.
 * - block keyword without `{` → error "Missing '{' at beginning of configuration block".
 * - a `{` after an unknown keyword or a keyword that takes no block → "Unexpected '{' - ignoring":
 *   keepalived ignores that `{` but not its `}`, so the block's statements are read at this
 *   level and its `}` ends THIS level; what follows is read one level up, and so on (each
 *   later `}` closes one more level; at the root such a `}` is "Unknown keyword '}'").
 *   The tree keeps the braces paired, so this is replayed here: the statements that belong
 *   further out are handed up through `ctx.hoist`.
 */
export function applyTable<T>(stmts: readonly Stmt[], table: KeywordTable<T>, target: T, ctx: Ctx): void {
  const depth = ctx.depth ?? 0;
  let list: readonly Item[] = stmts;
  for (let i = 0; i < list.length; i++) {
    const it = list[i]!;
    if (!('kw' in it)) {
      if (depth === 0) {
        ctx.sink.error(it.close, "Unknown keyword '}'", 'CFG_UNKNOWN_KEYWORD');
        continue;
      }
      ctx.hoist = list.slice(i + 1);
      return;
    }
    const st = it;
    const def = Object.prototype.hasOwnProperty.call(table, st.kw.text) ? table[st.kw.text] : undefined;
    let unexpected = false;
    if (!def) {
      ctx.sink.error(st.kw, `Unknown keyword '${st.kw.text}'`, 'CFG_UNKNOWN_KEYWORD');
      unexpected = st.children !== undefined;
    } else {
      if (def.deprecatedFor !== undefined) {
        // keepalived reports this with report_config_error(), so it counts for `-t` (exit 5)
        ctx.sink.error(st.kw, `Keyword "${st.kw.text}" is deprecated - please use "${def.deprecatedFor}"`, 'CFG_DEPRECATED');
      }
      if (def.block && !st.children) {
        ctx.sink.error(st.kw, "Missing '{' at beginning of configuration block", 'CFG_MISSING_BLOCK');
        continue;
      }
      if (!def.block && st.children) {
        unexpected = true;
        def.handler({ kw: st.kw, args: st.args, raw: st.raw }, target, ctx);
      } else {
        ctx.depth = depth + 1;
        try {
          def.handler(st, target, ctx);
        } finally {
          ctx.depth = depth;
        }
        const h = ctx.hoist;
        if (h) {
          // the block ended early: its remaining statements, then its own `}`, are ours
          ctx.hoist = undefined;
          list = [...h, { close: st.end }, ...list.slice(i + 1)];
          i = -1;
        }
        continue;
      }
    }
    if (unexpected) {
      ctx.sink.error(st.kw, "Unexpected '{' - ignoring", 'CFG_UNEXPECTED_BLOCK');
      list = [...(st.children ?? []), { close: st.end }, ...list.slice(i + 1)];
      i = -1;
    }
  }
}

/** The first argument, or report "missing value" and return undefined. */
export function needArg(st: Stmt, ctx: Ctx, index = 0): Token | undefined {
  const t = st.args[index];
  if (!t) ctx.sink.error(st.kw, `${st.kw.text}: missing value`, 'CFG_MISSING_VALUE');
  return t;
}
