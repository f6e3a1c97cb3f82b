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
