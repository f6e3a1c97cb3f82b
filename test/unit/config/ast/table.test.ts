/**
 * applyTable replays keepalived's reading of an ignored `{`: after an unknown keyword (or a
 * keyword that takes no block) the block's statements are read at the current level and its
 * `}` closes the CURRENT level, so what follows belongs one level up (hand-made trees).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DiagnosticSink } from '../../../../src/config/diagnostics';
import type { Stmt } from '../../../../src/config/types';
import { applyTable, kw, type Ctx, type KeywordTable } from '../../../../src/config/keywords/table';

/** Line numbers follow creation order (children are created before their parent). */
let line = 0;
function st(text: string, children?: Stmt[]): Stmt {
  line++;
  const s: Stmt = { kw: { file: 't.conf', line, col: 1, text, quoted: false }, args: [], raw: text };
  if (children) {
    s.children = children;
    s.end = { file: 't.conf', line: ++line, col: 1 };
  }
  return s;
}

interface Seen {
  log: string[];
}
const inner: KeywordTable<Seen> = {
  a: kw((s, t) => t.log.push(`inner:${s.kw.text}`)),
  b: kw((s, t) => t.log.push(`inner:${s.kw.text}`)),
};
const root: KeywordTable<Seen> = {
  blk: kw((s, t, ctx) => {
    t.log.push('blk{');
    applyTable(s.children ?? [], inner, t, ctx);
    t.log.push('}blk');
  }, { block: true }),
  b: kw((s, t) => t.log.push(`root:${s.kw.text}`)),
  c: kw((s, t) => t.log.push(`root:${s.kw.text}`)),
  flag: kw((s, t) => t.log.push(`root:${s.kw.text}`)),
};

function run(stmts: Stmt[]): { log: string[]; msgs: string[] } {
  const sink = new DiagnosticSink();
  const ctx: Ctx = { sink, configId: '', depth: 0 };
  const seen: Seen = { log: [] };
  applyTable(stmts, root, seen, ctx);
  return { log: seen.log, msgs: sink.items.map((d) => `${d.line}:${d.message}`) };
}

test('well-formed blocks are applied with their own table', () => {
  const r = run([st('blk', [st('a'), st('b')]), st('c')]);
  assert.deepEqual(r.log, ['blk{', 'inner:a', 'inner:b', '}blk', 'root:c']);
  assert.deepEqual(r.msgs, []);
});

test("an unknown keyword's block: contents at this level, its '}' closes the enclosing block", () => {
  line = 0;
  // blk { a  zz { b }  b }  c
  const r = run([st('blk', [st('a'), st('zz', [st('b')]), st('b')]), st('c')]);
  // the second b is read at the root (after blk was closed by zz's brace); blk's own '}' is
  // then one brace too many at the root
  assert.deepEqual(r.log, ['blk{', 'inner:a', 'inner:b', '}blk', 'root:b', 'root:c']);
  assert.deepEqual(r.msgs, ["3:Unknown keyword 'zz'", "3:Unexpected '{' - ignoring", "7:Unknown keyword '}'"]);
});

test('a keyword that takes no block: it runs, then the same replay', () => {
  line = 0;
  const r = run([st('flag', [st('c')]), st('c')]);
  assert.deepEqual(r.log, ['root:flag', 'root:c', 'root:c']);
  assert.deepEqual(r.msgs, ["2:Unexpected '{' - ignoring", "3:Unknown keyword '}'"]);
});

test('block keyword without a block', () => {
  line = 0;
  const r = run([st('blk'), st('c')]);
  assert.deepEqual(r.log, ['root:c']);
  assert.deepEqual(r.msgs, ["1:Missing '{' at beginning of configuration block"]);
});
