/**
 * Dumps of the typed AST: JSON for tooling (`--dump-json`) and an indented text form for
 * `-d` (keepalived's dump is not a stable format; ours lists every field, units in names).
 */
import type { KeepalivedConfig } from './ast';

/** The AST as pretty JSON (positions included unless `withPositions` is false). */
export function dumpConfigJson(cfg: KeepalivedConfig, withPositions = true): string {
  return JSON.stringify(cfg, withPositions ? undefined : (k, v: unknown) => (k === 'pos' || k === 'interfacePos' ? undefined : v), 2);
}

function scalar(v: unknown): string {
  if (typeof v === 'string') return /^[\w./:@+-]+$/.test(v) ? v : JSON.stringify(v);
  return String(v);
}

function walk(v: unknown, indent: string, out: string[], key: string): void {
  if (v === undefined) return;
  if (Array.isArray(v)) {
    if (v.length === 0) return;
    if (v.every((x) => typeof x !== 'object' || x === null)) {
      out.push(`${indent}${key} = ${v.map(scalar).join(' ')}`);
      return;
    }
    for (const [i, x] of v.entries()) walk(x, indent, out, `${key}[${i}]`);
    return;
  }
  if (v !== null && typeof v === 'object') {
    const o = v as Record<string, unknown>;
    if ('file' in o && 'line' in o && 'col' in o && Object.keys(o).length === 3) {
      out.push(`${indent}${key} = ${String(o.file)}:${String(o.line)}`);
      return;
    }
    out.push(`${indent}${key}${typeof o.name === 'string' ? ` ${o.name}` : ''}`);
    for (const [k, x] of Object.entries(o)) if (k !== 'name') walk(x, indent + '   ', out, k);
    return;
  }
  out.push(`${indent}${key} = ${scalar(v)}`);
}

/** The AST as indented `key = value` text, one line per set field. */
export function dumpConfigText(cfg: KeepalivedConfig): string {
  const out: string[] = [];
  for (const [k, v] of Object.entries(cfg)) walk(v, '', out, k);
  return out.join('\n') + '\n';
}
