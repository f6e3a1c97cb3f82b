/**
 * The keyword-table mechanism: each block kind declares a table `{keyword: KeywordDef}`;
 * applyTable() walks a block's statements and calls each keyword's handler with the typed
 * target it fills. Unknown keywords, missing/unexpected blocks and deprecated spellings are
 * reported here once, the way keepalived reports them, so the tables only hold semantics.
 */
import type { Stmt, Token } from '../types';
import type { DiagnosticSink } from '../diagnostics';

/** What every handler can reach. */
export interface Ctx {
  sink: DiagnosticSink;
  /** The `-i` config id (for reference; `@id` lines are resolved by the preprocessor). */
  configId: string;
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
 * Apply `table` to every statement of a block.
 * - unknown keyword → error "Unknown keyword 'X'"; a block after it is not skipped: its
 *   statements are applied at this level (keepalived: "Unexpected '{' - ignoring").
 * - block keyword without `{` → error "Missing '{' at beginning of configuration block".
 * - deprecated alias → keepalived's `Keyword "X" is deprecated - please use "Y"` (an error for
 *   `-t`, as in keepalived), then the handler runs as for the new keyword.
 */
export function applyTable<T>(stmts: readonly Stmt[], table: KeywordTable<T>, target: T, ctx: Ctx): void {
  for (const st of stmts) {
    const def = Object.prototype.hasOwnProperty.call(table, st.kw.text) ? table[st.kw.text] : undefined;
    if (!def) {
      ctx.sink.error(st.kw, `Unknown keyword '${st.kw.text}'`, 'CFG_UNKNOWN_KEYWORD');
      if (st.children) {
        ctx.sink.error(st.kw, "Unexpected '{' - ignoring", 'CFG_UNEXPECTED_BLOCK');
        applyTable(st.children, table, target, ctx);
      }
      continue;
    }
    if (def.deprecatedFor !== undefined) {
      // keepalived reports this with report_config_error(), so it counts for `-t` (exit 5)
      ctx.sink.error(st.kw, `Keyword "${st.kw.text}" is deprecated - please use "${def.deprecatedFor}"`, 'CFG_DEPRECATED');
    }
    if (def.block && !st.children) {
      ctx.sink.error(st.kw, "Missing '{' at beginning of configuration block", 'CFG_MISSING_BLOCK');
      continue;
    }
    if (!def.block && st.children) {
      ctx.sink.error(st.kw, "Unexpected '{' - ignoring", 'CFG_UNEXPECTED_BLOCK');
      def.handler(st, target, ctx);
      applyTable(st.children, table, target, ctx);
      continue;
    }
    def.handler(st, target, ctx);
  }
}

/** The first argument, or report "missing value" and return undefined. */
export function needArg(st: Stmt, ctx: Ctx, index = 0): Token | undefined {
  const t = st.args[index];
  if (!t) ctx.sink.error(st.kw, `${st.kw.text}: missing value`, 'CFG_MISSING_VALUE');
  return t;
}
