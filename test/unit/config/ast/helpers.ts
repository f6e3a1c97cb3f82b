/**
 * Shared helpers for the AST tests: repository paths, a host-independent loadConfig
 * (fixed interfaces, every script and user "exists"), and golden-file comparison
 * (regenerate with UPDATE_GOLDEN=1, then review the diff).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import assert from 'node:assert/strict';
import { loadConfig, type LoadResult } from '../../../../src/config/index';

export function repoRoot(): string {
  let d = __dirname;
  while (!fs.existsSync(path.join(d, 'package.json'))) {
    const up = path.dirname(d);
    if (up === d) throw new Error('repository root not found');
    d = up;
  }
  return d;
}

export const ROOT = repoRoot();
export const FIXTURES = path.join(ROOT, 'test/fixtures/config/ast');
export const IFS: ReadonlySet<string> = new Set(['lo', 'eth0', 'eth1', 'eth2', 'eth3']);

/** loadConfig with a fixed world: interfaces lo/eth0..eth3, all scripts and users present. */
export function load(file: string, over: Partial<Parameters<typeof loadConfig>[1]> = {}): LoadResult {
  return loadConfig(file, { configId: 'kats', interfaces: IFS, scriptFound: () => true, userExists: () => true, scriptSecure: () => true, ...over });
}

/** JSON of a value with every `pos`-like field removed and absolute paths made relative. */
export function stable(v: unknown): unknown {
  return JSON.parse(
    JSON.stringify(v, (k, x: unknown) => {
      if (k === 'pos' || k === 'interfacePos') return undefined;
      if (typeof x === 'string' && x.startsWith(ROOT + '/')) return path.relative(ROOT, x);
      return x;
    }),
  );
}

/** Compare `actual` to the JSON golden file; write it instead when UPDATE_GOLDEN is set. */
export function golden(file: string, actual: unknown): void {
  const text = JSON.stringify(actual, null, 2) + '\n';
  if (process.env.UPDATE_GOLDEN) {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, text);
    return;
  }
  assert.ok(fs.existsSync(file), `golden file ${path.relative(ROOT, file)} missing (run with UPDATE_GOLDEN=1)`);
  assert.deepEqual(actual, JSON.parse(fs.readFileSync(file, 'utf8')), `differs from ${path.relative(ROOT, file)}`);
}

/** Diagnostics as {line, severity, message} with the file made relative (info lines dropped). */
export function diagRows(r: LoadResult): { file: string; line: number; severity: string; message: string }[] {
  return r.diagnostics
    .filter((d) => d.severity !== 'info')
    .map((d) => ({ file: d.file ? path.basename(d.file) : '', line: d.line, severity: d.severity, message: d.message }));
}
