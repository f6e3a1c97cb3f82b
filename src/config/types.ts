/**
 * Shared shapes of the configuration front end.
 *
 * The lexer/preprocessor (lexer.ts, preprocess.ts, tree.ts) turns keepalived.conf and its
 * includes into a tree of statements; the keyword tables (keywords/*.ts) turn that tree into
 * the typed AST (ast.ts); validate.ts checks the AST. Every token keeps where it came from,
 * also through includes, `$MACRO` expansion and `~SEQ`/`~LST` repetition.
 */

/** Where a piece of configuration text came from. Lines and columns are 1-based. */
export interface SourcePos {
  file: string;
  line: number;
  col: number;
}

/** One word of a logical line, after comment stripping, macro expansion and quote removal. */
export interface Token extends SourcePos {
  /** The word with surrounding quotes removed. */
  text: string;
  /** True when the word was written in double quotes (one token even with spaces). */
  quoted: boolean;
}

/**
 * One logical line: a keyword, its arguments, and, when the line was followed by `{`,
 * the statements of that block. Value blocks (`virtual_ipaddress { … }`) are statements too:
 * each item line is a child whose `kw` is its first word.
 */
export interface Stmt {
  kw: Token;
  args: Token[];
  /** Present when a `{ … }` block followed the line (possibly empty). */
  children?: Stmt[];
  /** The raw text of the logical line after preprocessing (for script re-tokenising, dumps). */
  raw: string;
  /** Where the block's closing `}` was (keepalived reports end-of-block checks there). */
  end?: SourcePos;
}
