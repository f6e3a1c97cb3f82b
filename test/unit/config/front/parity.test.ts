/**
 * Parity with the real keepalived 2.2.7: every fixture in test/fixtures/config/front/parity
 * is read by `keepalived -t -i main` (in a throwaway network namespace) and by
 * readConfigTree(). The fixtures use unknown keywords on purpose, so keepalived names every
 * logical line it sees ("Unknown keyword 'X'") and every lexical problem, with its line.
 * We compare:
 *   - the sequence of logical lines (first words, in reading order, with line numbers);
 *   - the multiset of all messages with their line numbers.
 * Brace messages that depend on keyword semantics ("Unexpected '{'", "Unknown keyword '}'"
 * for a closing brace) are left to the keyword tables and not compared here.
 * Skipped unless root with /usr/sbin/keepalived installed.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { readConfigTree } from '../../../../src/config/tree';
import type { Stmt } from '../../../../src/config/types';
import { createNetns, deleteNetns, isRoot } from '../../../helpers/netns';
import { fixture } from './helpers';

const KEEPALIVED = '/usr/sbin/keepalived';
const DIR = fixture('parity');
const canRun = isRoot() && fs.existsSync(KEEPALIVED);
const IGNORED = /Unknown keyword '\}'|Unexpected '\{' - ignoring/;
/** Root keywords keepalived knows, whose blocks it parses itself (not "Unknown keyword"). */
const KNOWN_ROOT = new Set(['global_defs']);

function ours(file: string): { kws: string[]; all: string[] } {
  const r = readConfigTree(path.join(DIR, file), { configId: 'main' });
  const kws: string[] = [];
  const walk = (sts: readonly Stmt[], root: boolean) => {
    for (const s of sts) {
      if (root && KNOWN_ROOT.has(s.kw.text)) continue;
      kws.push(`${s.kw.line} Unknown keyword '${s.kw.text}'`);
      if (s.children) walk(s.children, false);
    }
  };
  walk(r.stmts, true);
  const msgs = r.diagnostics.filter((d) => d.severity !== 'info' && !IGNORED.test(d.message)).map((d) => (d.line > 0 ? `${d.line} ${d.message}` : d.message));
  return { kws, all: [...kws, ...msgs].sort() };
}

function theirs(stderr: string, file: string): { kws: string[]; all: string[] } {
  const out: string[] = [];
  for (const line of stderr.split('\n')) {
    // the parent's pass ends where the first child re-reads the file (and names it)
    if (line.startsWith(`(${file}:`)) break;
    if (!line || IGNORED.test(line)) continue;
    const m = /^\((?:[^)]*: )?Line (\d+)\) (.*)$/.exec(line);
    out.push(m ? `${m[1]} ${m[2]}` : line);
  }
  return { kws: out.filter((l) => / Unknown keyword '/.test(l)), all: out.slice().sort() };
}

test('parity with keepalived 2.2.7 -t on lexical fixtures', { skip: canRun ? false : 'needs root and keepalived' }, async (t) => {
  const ns = await createNetns('cfgfront');
  t.after(() => deleteNetns(ns));
  const files = fs.readdirSync(DIR).filter((f) => f.endsWith('.conf')).sort();
  assert.ok(files.length >= 6);
  for (const f of files) {
    await t.test(f, async () => {
      const r = await ns.exec(['sh', '-c', `cd '${DIR}' && exec ${KEEPALIVED} -t -f '${f}' -i main`], { ignoreError: true });
      const k = theirs(r.stderr, f);
      const o = ours(f);
      assert.ok(k.all.length > 0, 'keepalived said nothing');
      assert.deepEqual(o.kws, k.kws, 'logical lines differ');
      assert.deepEqual(o.all, k.all, 'messages differ');
    });
  }
});

/** One include line per case; keepalived's -t exit (0 or 6) against our include errors. */
const INCLUDE_CASES = [
  'include nonexist.conf',
  'includer nonexist.conf',
  'includem nonexist.conf',
  'includew nonexist.conf',
  'includeb nonexist.conf',
  'includea nonexist.conf',
  'include nonexist*.conf',
  'includem nonexist*.conf',
  'includew nonexist*.conf',
  'includeb nonexist*.conf',
  'include inc/{one,zz}.conf',
  'includem inc/{one,zz}.conf',
  'includeb inc/{one,zz}.conf',
  'includea inc/{one,zz}.conf',
  'includeb inc/{one,zz*}.conf',
  'includeb inc/{zz1,zz2}.conf',
  'includem inc/{zz1,zz2}.conf',
  'include {nonexist*,zz}.conf',
  'includew {nonexist*,zz}.conf',
  'includeb {nonexist*,zz}.conf',
  'include inc',
  'includer inc',
  'includer inc/exe.conf',
  'include inc/exe.conf',
  'global_defs {\n include_check\n}\ninclude nonexist.conf',
  'global_defs {\n include_check +match\n include_check -match\n}\ninclude nonexist.conf',
  'global_defs {\n include_check +match -read\n}\ninclude nonexist.conf',
  'global_defs {\n include_check wildcard_match\n include_check match\n}\ninclude nonexist*.conf',
  'global_defs {\n include_check wildcard_match\n include_check +match\n}\ninclude nonexist*.conf',
];

test('parity with keepalived 2.2.7 -t: which include problems are errors (exit 6)', { skip: canRun ? false : 'needs root and keepalived' }, async (t) => {
  const ns = await createNetns('cfgfront');
  t.after(() => deleteNetns(ns));
  const tmp = fs.mkdtempSync(path.join(require('node:os').tmpdir(), 'kats-cfgfront-inc-'));
  t.after(() => fs.rmSync(tmp, { recursive: true, force: true }));
  fs.mkdirSync(path.join(tmp, 'inc'));
  fs.writeFileSync(path.join(tmp, 'inc', 'one.conf'), '# nothing\n');
  fs.writeFileSync(path.join(tmp, 'inc', 'exe.conf'), '# nothing\n');
  fs.chmodSync(path.join(tmp, 'inc', 'exe.conf'), 0o755);
  for (const [n, c] of [...INCLUDE_CASES, ...INCLUDE_CASES.map((x) => `-e ${x}`)].entries()) {
    // the second round runs with -e (every include checked)
    const e = c.startsWith('-e ');
    const f = `case${n}.conf`;
    fs.writeFileSync(path.join(tmp, f), (e ? c.slice(3) : c) + '\n');
    const r = await ns.exec(['sh', '-c', `cd '${tmp}' && exec ${KEEPALIVED} -t ${e ? '-e ' : ''}-f '${f}' -i main`], { ignoreError: true });
    const o = readConfigTree(path.join(tmp, f), { configId: 'main', ...(e ? { allConfig: true } : {}) });
    const oursErr = o.diagnostics.some((d) => d.severity === 'security');
    assert.ok(r.code === 0 || r.code === 6, `${c}: keepalived exit ${r.code}\n${r.stderr}`);
    assert.equal(oursErr, r.code === 6, `${c}: keepalived exit ${r.code}, ours ${JSON.stringify(o.diagnostics.filter((d) => d.severity !== 'info'))}`);
    // the printed lines match too
    const theirLines = theirs(r.stderr, f).all;
    const ourLines = o.diagnostics.filter((d) => d.severity !== 'info' && d.code?.startsWith('CFG_INCLUDE')).map((d) => `${d.line} ${d.message}`).sort();
    assert.deepEqual(ourLines, theirLines, c);
  }
});

/** A small seeded generator of lexical configurations (unknown keywords only). */
function genConfig(rnd: () => number): string {
  const pick = <T>(a: readonly T[]): T => a[Math.floor(rnd() * a.length)]!;
  const W = ['KA', 'KB', 'kc', 'K_$A', 'K_${A}', '${B}', '$A', 'x$A', 'K${_HASH}z', '"q r"', '"q{r}"', 'a\\#b', 'w,', '$A,', '($A)'];
  const line = (): string => {
    const r = rnd();
    if (r < 0.08) return pick(['$A=' + pick(['va', 'v a', 'p#q', '${B}x', '{', 'x }', '']), '$B=' + pick(['vb', '$A', 'b b', '']), '$C=\\']);
    if (r < 0.14) return pick(['@main ', '@^main ', '@other ', '@^other ']) + pick(W);
    if (r < 0.2) return pick(['~SEQ(i,1,2) S$i', '~SEQ(i,3) T_${i}', '~LST(v,a,b) L_$v', '~SEQ(i,0,2,4) U$i {', '~LST({p,q},{1,2},{3}) M_${p}_${q}', '~SEQ(i,2,1) $A']);
    if (r < 0.25) return pick(['{', '}', '} }', '{ }']);
    if (r < 0.36) return pick(['$C', 'X $C', '$M', 'Y $M', '']);
    if (r < 0.46) {
      const body: string[] = [];
      for (let k = 1 + Math.floor(rnd() * 3); k > 0; k--) body.push(pick(W) + ' ' + pick(['{', '}', '$A', '@main Q', '~SEQ(j,1,2) J$j', '$N=1', '"s t"', '# cm', '']) + ' \\');
      return pick(['$M=', '$M= ', '$C=first ']) + ' \\\n' + body.join('\n') + '\n' + pick(W);
    }
    const out: string[] = [];
    for (let k = 1 + Math.floor(rnd() * 4); k > 0; k--) out.push(pick([...W, '{', '}', '# c', '! d', '"', '{ KZ }']));
    return pick(['', ' ', '\t']) + out.join(pick([' ', '  ', '\t']));
  };
  const lines: string[] = [];
  for (let k = 2 + Math.floor(rnd() * 10); k > 0; k--) lines.push(line());
  return lines.join('\n') + '\n';
}

test('differential: seeded random lexical configurations read as keepalived 2.2.7 reads them', { skip: canRun ? false : 'needs root and keepalived' }, async (t) => {
  const ns = await createNetns('cfgfront');
  t.after(() => deleteNetns(ns));
  const tmp = fs.mkdtempSync(path.join(require('node:os').tmpdir(), 'kats-cfgfront-diff-'));
  t.after(() => fs.rmSync(tmp, { recursive: true, force: true }));
  let seed = 12;
  const rnd = () => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed / 0x7fffffff;
  };
  let compared = 0;
  for (let i = 0; i < 40; i++) {
    const text = genConfig(rnd);
    const f = `d${i}.conf`;
    fs.writeFileSync(path.join(tmp, f), text);
    const r = await ns.exec(['sh', '-c', `cd '${tmp}' && exec ${KEEPALIVED} -t -f '${f}' -i main`], { ignoreError: true });
    if (r.code > 6 || /double free|corrupt|Segmentation/.test(r.stderr)) continue; // keepalived crashed
    const k = theirs(r.stderr, f);
    const readOurs = readConfigTree(path.join(tmp, f), { configId: 'main' });
    const kws: string[] = [];
    const walk = (sts: readonly Stmt[]) => {
      for (const s of sts) {
        kws.push(`${s.kw.line} Unknown keyword '${s.kw.text}'`);
        if (s.children) walk(s.children);
      }
    };
    walk(readOurs.stmts);
    const msgs = readOurs.diagnostics.filter((d) => d.severity !== 'info' && !IGNORED.test(d.message)).map((d) => (d.line > 0 ? `${d.line} ${d.message}` : d.message));
    assert.deepEqual(kws, k.kws, `case ${i}:\n${text}`);
    assert.deepEqual([...kws, ...msgs].sort(), k.all, `case ${i}:\n${text}`);
    compared++;
  }
  assert.ok(compared >= 30, `only ${compared} cases compared`);
});
