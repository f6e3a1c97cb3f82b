/**
 * Golden ASTs: each clean fixture (ssl, vsg, vs-full, vs-fwmark, checkers) parses and
 * validates to exactly NAME.ast.json (positions reduced to base names). The goldens were
 * reviewed by hand against keepalived.conf(5) and check_*.c defaults; regenerate with
 * UPDATE_GOLDEN=1 only after such a review. The AST also survives a JSON round trip
 * unchanged (it goes over IPC to the checker worker).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { FIXTURES, json, loadLvsFile, stripPaths } from './helpers';

const GOLDEN = ['ssl', 'vsg', 'vs-full', 'vs-fwmark', 'checkers'];

for (const name of GOLDEN) {
  test(`golden AST: ${name}.conf`, () => {
    const { cfg } = loadLvsFile(path.join(FIXTURES, `${name}.conf`), { scriptFound: () => true });
    const got = stripPaths(cfg);
    const goldenFile = path.join(FIXTURES, `${name}.ast.json`);
    if (process.env['UPDATE_GOLDEN'] === '1') fs.writeFileSync(goldenFile, JSON.stringify(got, null, 1) + '\n');
    const want = JSON.parse(fs.readFileSync(goldenFile, 'utf8')) as unknown;
    assert.deepEqual(got, want);
    assert.deepEqual(json(cfg), cfg);
  });
}
