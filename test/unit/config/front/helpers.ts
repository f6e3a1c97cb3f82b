/**
 * Helpers for the configuration front-end tests: temp trees of files, reading a config
 * from a string, and flattening a Stmt tree into comparable lines.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { readConfigTree, type ReadOptions, type ReadResult } from '../../../../src/config/tree';
import type { Stmt } from '../../../../src/config/types';

/** The repository root: the first ancestor directory holding package.json. */
import { repoRoot } from '../../../helpers/repo';
export { repoRoot };

export function fixture(...p: string[]): string {
  return path.join(repoRoot(), 'test', 'fixtures', 'config', 'front', ...p);
}

/** A fresh temp directory with the given files (paths relative to it); removed by cleanup(). */
export type FileSpec = string | { content: string; mode: number };
export function tempTree(files: Record<string, FileSpec>): { dir: string; cleanup: () => void } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kats-cfgfront-'));
  for (const [name, spec] of Object.entries(files)) {
    const p = path.join(dir, name);
    fs.mkdirSync(path.dirname(p), { recursive: true });
    fs.writeFileSync(p, typeof spec === 'string' ? spec : spec.content);
    if (typeof spec !== 'string') fs.chmodSync(p, spec.mode);
  }
  return { dir, cleanup: () => fs.rmSync(dir, { recursive: true, force: true }) };
}

/** Read `text` as keepalived.conf (written to a temp file named keepalived.conf). */
export function readText(text: string, opts: Partial<ReadOptions> = {}, extra: Record<string, string> = {}): ReadResult & { dir: string } {
  const t = tempTree({ 'keepalived.conf': text, ...extra });
  try {
    const r = readConfigTree(path.join(t.dir, 'keepalived.conf'), { configId: 'host', randomSeed: 1, ...opts });
    return { ...r, dir: t.dir };
  } finally {
    t.cleanup();
  }
}

/** Every statement, depth-first, as "INDENT kw arg arg" (texts only). */
export function words(stmts: readonly Stmt[], depth = 0): string[] {
  const out: string[] = [];
  for (const s of stmts) {
    out.push('  '.repeat(depth) + [s.kw.text, ...s.args.map((a) => a.text)].join(' '));
    if (s.children) out.push(...words(s.children, depth + 1));
  }
  return out;
}

/** Every statement, depth-first, as "L:C kw L:C arg …". */
export function positions(stmts: readonly Stmt[]): string[] {
  const out: string[] = [];
  for (const s of stmts) {
    out.push([s.kw, ...s.args].map((t) => `${t.line}:${t.col} ${t.text}`).join(' | '));
    if (s.children) out.push(...positions(s.children));
  }
  return out;
}

/** Diagnostics other than info, as "severity line message". */
export function problems(r: ReadResult): string[] {
  return r.diagnostics.filter((d) => d.severity !== 'info').map((d) => `${d.severity} ${d.line} ${d.message}`);
}
