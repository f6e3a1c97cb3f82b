/**
 * Robustness: thousands of randomly damaged configurations (seeded, so failures replay)
 * never make readConfigTree() throw, and stay bounded: self-including globs, recursive
 * definitions and huge sequences hit the expansion limits and are reported.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { readConfigTree } from '../../../../src/config/tree';
import type { Stmt } from '../../../../src/config/types';
import { fixture, tempTree } from './helpers';

/** mulberry32: a small seeded PRNG. */
import { prng } from '../../../helpers/prng';

const PIECES = [
  '{', '}', '"', "'", '#', '!', '\\', '\\\n', '$', '${', '@', '@^', '~', '~SEQ(', '~SEQx(', '~LST(', '~LST({', '(', ')', ',', '*', '?', '[',
  '\n', '\n\n', ' ', '\t', '$A=', '$A=$A $A', '$B=\\\n', '${A}', '$A', '${_RANDOM 1 9}', '${_PWD}', '${_HASH}', '${_BANG}', 'include ', 'includea ', 'includem *',
  'include *.conf', 'include_check', 'global_defs {', '1', '0x10', '-1', '99999999', 'x'.repeat(1100), 'é', '\0', '\r',
];

function mutate(text: string, rnd: () => number): string {
  let s = text;
  const n = 1 + Math.floor(rnd() * 8);
  for (let k = 0; k < n; k++) {
    const pos = Math.floor(rnd() * (s.length + 1));
    const op = rnd();
    if (op < 0.5) {
      s = s.slice(0, pos) + PIECES[Math.floor(rnd() * PIECES.length)]! + s.slice(pos);
    } else if (op < 0.7) {
      s = s.slice(0, pos) + s.slice(pos + 1 + Math.floor(rnd() * 20));
    } else if (op < 0.85) {
      const len = Math.floor(rnd() * 60);
      s = s.slice(0, pos) + s.slice(pos, pos + len) + s.slice(pos);
    } else {
      const c = String.fromCharCode(Math.floor(rnd() * 128));
      s = s.slice(0, pos) + c + s.slice(pos + 1);
    }
  }
  return s;
}

function count(sts: readonly Stmt[]): number {
  let n = 0;
  for (const s of sts) n += 1 + (s.children ? count(s.children) : 0);
  return n;
}

test('thousands of damaged configurations: no exception, bounded output, always diagnostics', () => {
  const dir = fixture('parity');
  const bases = fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.conf'))
    .map((f) => fs.readFileSync(path.join(dir, f), 'utf8'));
  bases.push(fs.readFileSync(fixture('samples', 'full.conf'), 'utf8'));
  // included files live beside the damaged one, so damaged include lines find things
  const t = tempTree({ 'inc/one.conf': 'I1 {\n x\n}\n', 'inc/two.conf': 'include one.conf\n$A=a\n', 'sp/s1.conf': '~SEQ(i,1,3) S$i\n' });
  const limits = { maxGeneratedLines: 5000, maxFiles: 50, maxIncludeDepth: 8, maxReplacements: 500 };
  const rnd = prng(20250214);
  const main = path.join(t.dir, 'keepalived.conf');
  let runs = 0;
  try {
    for (let i = 0; i < 2500; i++) {
      const base = bases[i % bases.length]!;
      const text = mutate(base, rnd);
      fs.writeFileSync(main, text);
      let r;
      try {
        r = readConfigTree(main, { configId: i % 2 ? 'main' : 'backup', randomSeed: i, limits });
      } catch (e) {
        assert.fail(`input #${i} threw ${(e as Error).stack}\n--- input ---\n${text}`);
      }
      runs++;
      assert.ok(r.diagnostics.length > 0, `input #${i}: no diagnostics at all`);
      assert.ok(!r.diagnostics.some((d) => d.code === 'CFG_INTERNAL'), `input #${i}: internal error ${JSON.stringify(r.diagnostics.find((d) => d.code === 'CFG_INTERNAL'))}\n${text}`);
      // lines come from the files (bounded by their size and the file limit) or the expansion limit
      const bound = limits.maxGeneratedLines + (limits.maxFiles + 1) * (text.length + 200);
      assert.ok(count(r.stmts) <= bound, `input #${i}: ${count(r.stmts)} statements`);
      for (const d of r.diagnostics) assert.equal(typeof d.message, 'string');
    }
  } finally {
    t.cleanup();
  }
  assert.equal(runs, 2500);
});

test('hostile inputs stop at the limits', () => {
  const t = tempTree({
    'a.conf': 'include *.conf\nA\n',
    'b.conf': 'include *.conf\nB\n',
    'rec.conf': '$A=$A\nK $A\n$B=${B}${B}x\nL $B\n$C=$D\n$D=$C\nM $C\n~SEQ(i,1,999999999) ~SEQ(j,1,999999999) X$i$j\n',
  });
  try {
    const r = readConfigTree(path.join(t.dir, 'a.conf'), { configId: 'x', limits: { maxFiles: 200, maxGeneratedLines: 10000 } });
    assert.equal(r.files.length, 200);
    assert.ok(r.diagnostics.some((d) => d.code === 'CFG_TOO_MANY_FILES' || d.code === 'CFG_INCLUDE_DEPTH'));
    const q = readConfigTree(path.join(t.dir, 'rec.conf'), { configId: 'x', limits: { maxGeneratedLines: 10000 } });
    assert.ok(q.diagnostics.some((d) => d.code === 'CFG_PARAM_RECURSION'));
    assert.ok(q.diagnostics.some((d) => d.code === 'CFG_EXPANSION_LIMIT'));
    // 10000 generated lines, plus the pieces of the self-growing $B line (bounded per line)
    assert.ok(count(q.stmts) <= 10000 + 4096 + 10, String(count(q.stmts)));
  } finally {
    t.cleanup();
  }
});
