/**
 * DOC: the configuration subsystem (keepalived.conf → typed AST → diagnostics).
 *
 *   types.ts         Token / Stmt shapes shared by every stage
 *   diagnostics.ts   Diagnostic{file,line,col,severity,message}, keepalived's `(FILE: Line N)` form
 *   lexer.ts         comments, quotes, `{`/`}` splitting, line limit, positions
 *   preprocess.ts    include* / include_check, `@id` lines, `$MACROS`, `~SEQ`/`~LST`
 *   tree.ts          logical lines → Stmt tree
 *   keywords/        one keyword table per block kind (table.ts is the mechanism)
 *   values.ts        BOOL / integer / TIMER / address readers with keepalived's ranges
 *   ast.ts           the typed AST, defaults applied explicitly
 *   validate.ts      keepalived's semantic checks on the AST
 *   verdict.ts       diagnostics → keepalived's `-t` exit code
 *
 * Workers never read the file: the parent calls loadConfig() and sends each its slice.
 * (Filled in by issue #2; this header is the contract the other subsystems code against.)
 */
export type { Token, Stmt, SourcePos } from './types';
export type { Diagnostic, Severity } from './diagnostics';
