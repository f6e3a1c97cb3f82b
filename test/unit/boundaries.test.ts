/**
 * Import boundaries (STYLE.md, "pure cores, side effects behind narrow ports"): the VRRP core and
 * runtime, the packet codecs, the configuration subsystem and the checker's scheduler/reconciler
 * stay free of OS access; only src/sys/** loads the native addon. Checked on the TypeScript
 * sources, so a stray import fails the suite.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { repoRoot } from '../helpers/repo';

const SRC = path.join(repoRoot(), 'src');
const IO_MODULES = new Set(['node:child_process', 'node:dgram', 'node:net', 'node:fs', 'node:tls', 'node:http', 'node:https', 'node:os', 'node:worker_threads']);

interface Imp {
  spec: string;
  typeOnly: boolean;
}

function files(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? files(p) : e.name.endsWith('.ts') ? [p] : [];
  });
}

function importsOf(file: string): Imp[] {
  const text = fs.readFileSync(file, 'utf8');
  const out: Imp[] = [];
  for (const m of text.matchAll(/^\s*(import|export)\s+(type\s+)?[^;'"]*?from\s+'([^']+)'/gms)) out.push({ spec: m[3]!, typeOnly: Boolean(m[2]) });
  for (const m of text.matchAll(/^\s*import\s+'([^']+)'/gm)) out.push({ spec: m[1]!, typeOnly: false });
  for (const m of text.matchAll(/require\(\s*'([^']+)'\s*\)/g)) out.push({ spec: m[1]!, typeOnly: false });
  return out;
}

/** The src-relative path an import points at ('sys/rawsock'), or the bare module name. */
function target(file: string, spec: string): string {
  if (!spec.startsWith('.')) return spec;
  return path.relative(SRC, path.resolve(path.dirname(file), spec));
}

const rel = (f: string): string => path.relative(SRC, f);
const all = files(SRC);

function violations(select: (f: string) => boolean, bad: (t: string, imp: Imp) => boolean): string[] {
  const out: string[] = [];
  for (const f of all.filter((x) => select(rel(x)))) {
    for (const imp of importsOf(f)) {
      const t = target(f, imp.spec);
      if (bad(t, imp)) out.push(`${rel(f)} imports '${imp.spec}'${imp.typeOnly ? ' (type)' : ''}`);
    }
  }
  return out;
}

test('the import scanner sees imports (self-check on a file with known imports)', () => {
  const f = path.join(SRC, 'vrrp', 'engine.ts');
  assert.ok(importsOf(f).some((i) => target(f, i.spec) === 'sys/rawsock'), 'engine.ts wires sys/rawsock');
});

test('src/vrrp (except engine.ts, the wiring) touches no OS module and uses src/sys only for types', () => {
  const v = violations(
    (f) => f.startsWith('vrrp/') && f !== 'vrrp/engine.ts',
    (t, imp) => IO_MODULES.has(t) || (t.startsWith('sys/') && !imp.typeOnly),
  );
  assert.deepEqual(v, []);
});

test('packet codecs import only src/lib and each other', () => {
  const v = violations((f) => f.startsWith('vrrp/packet/'), (t) => !t.startsWith('lib/') && !t.startsWith('vrrp/packet/'));
  assert.deepEqual(v, []);
});

test('src/config imports only src/config, src/lib and file-reading modules', () => {
  const v = violations(
    (f) => f.startsWith('config/'),
    (t) => !(t.startsWith('config/') || t.startsWith('lib/') || t === 'node:fs' || t === 'node:path' || t === 'node:os'),
  );
  assert.deepEqual(v, []);
});

test("the checker's scheduler, IPVS model and reconciler are pure", () => {
  const pure = new Set(['check/scheduler.ts', 'check/ipvs-model.ts', 'check/ipvs-reconcile.ts']);
  const v = violations((f) => pure.has(f), (t, imp) => IO_MODULES.has(t) || (t.startsWith('sys/') && !imp.typeOnly));
  assert.deepEqual(v, []);
});

test('only src/sys loads the native addon', () => {
  const v = violations((f) => !f.startsWith('sys/'), (t, imp) => t === 'sys/native' && !imp.typeOnly);
  assert.deepEqual(v, []);
});
