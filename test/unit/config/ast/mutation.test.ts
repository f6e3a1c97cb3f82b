/**
 * Mutation test: thousands of randomly damaged configurations (seeded, reproducible) built from
 * the examples, the block fixtures and keepalived's samples. Every one must load without an
 * exception and without hanging; a rejected one must say why (an error-level diagnostic with
 * a sane position); the AST must stay plain JSON data (the worker slices survive a round trip).
 * MUTATION_SEED / MUTATION_COUNT override the defaults.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { configTestExitCode, vrrpSlice, checkerSlice } from '../../../../src/config/index';
import { FIXTURES, ROOT, load } from './helpers';

/** mulberry32: small seeded PRNG. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function bases(): string[] {
  const out: string[] = [];
  const add = (dir: string, filter: (f: string) => boolean): void => {
    if (!fs.existsSync(dir)) return;
    for (const f of fs.readdirSync(dir).sort()) if (filter(f)) out.push(fs.readFileSync(path.join(dir, f), 'utf8'));
  };
  add(path.join(ROOT, 'examples'), (f) => f.endsWith('.conf'));
  add(path.join(FIXTURES, 'blocks'), (f) => f.endsWith('.conf'));
  add('/usr/share/doc/keepalived/samples', (f) => f.startsWith('keepalived.conf'));
  return out;
}

const JUNK = ['{', '}', '"', "'", '#', '!', '\\', '$', '@', '~', '/', '-', ' ', '\t', '\n', '0', '9', 'x', ':', '.', ',', '(', ')', '\u00e9', '\0'];
const WORDS = ['999999999999', '-1', '0', '256', '1.5', 'on', 'bogus', '{', '}', '"', '10.0.0.300', 'fe80::1', '::', '$X', '${_RANDOM}', '@kats', '~SEQ(i,1,3)', 'include', 'vrrp_instance', 'virtual_server', 'weight'];

function mutate(src: string, r: () => number): string {
  let s = src;
  const n = 1 + Math.floor(r() * 4);
  for (let k = 0; k < n; k++) {
    const lines = s.split('\n');
    const li = Math.floor(r() * lines.length);
    const line = lines[li] ?? '';
    switch (Math.floor(r() * 8)) {
      case 0: { // delete a character
        const i = Math.floor(r() * (s.length || 1));
        s = s.slice(0, i) + s.slice(i + 1);
        break;
      }
      case 1: { // insert junk
        const i = Math.floor(r() * (s.length + 1));
        s = s.slice(0, i) + JUNK[Math.floor(r() * JUNK.length)]! + s.slice(i);
        break;
      }
      case 2: // delete a line
        lines.splice(li, 1);
        s = lines.join('\n');
        break;
      case 3: // duplicate a line
        lines.splice(li, 0, line);
        s = lines.join('\n');
        break;
      case 4: { // replace a word
        const words = line.split(/(\s+)/);
        const wi = Math.floor(r() * words.length);
        words[wi] = WORDS[Math.floor(r() * WORDS.length)]!;
        lines[li] = words.join('');
        s = lines.join('\n');
        break;
      }
      case 5: // truncate
        s = s.slice(0, Math.floor(r() * s.length));
        break;
      case 6: { // swap two lines
        const lj = Math.floor(r() * lines.length);
        const t = lines[li]!;
        lines[li] = lines[lj]!;
        lines[lj] = t;
        s = lines.join('\n');
        break;
      }
      default: // a very long line
        lines[li] = line + ' x'.repeat(Math.floor(r() * 700));
        s = lines.join('\n');
    }
  }
  return s;
}

test('randomly damaged configurations never throw, never hang, and explain rejections', { timeout: 110_000 }, () => {
  const seed = Number(process.env.MUTATION_SEED ?? 20261123);
  const count = Number(process.env.MUTATION_COUNT ?? 5000);
  const r = rng(seed);
  const srcs = bases();
  assert.ok(srcs.length >= 10);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kats-mut-'));
  try {
    let rejected = 0;
    let slowest = 0;
    for (let i = 0; i < count; i++) {
      const text = mutate(srcs[i % srcs.length]!, r);
      const file = path.join(dir, `m${i}.conf`);
      fs.writeFileSync(file, text);
      const t0 = process.hrtime.bigint();
      let res: ReturnType<typeof load>;
      try {
        res = load(file);
      } catch (e) {
        assert.fail(`case ${i} (seed ${seed}) threw: ${(e as Error).stack}\n--- config ---\n${text}`);
      }
      const ms = Number(process.hrtime.bigint() - t0) / 1e6;
      slowest = Math.max(slowest, ms);
      assert.ok(ms < 5000, `case ${i} (seed ${seed}) took ${ms} ms (hang?)`);
      const code = configTestExitCode(res.diagnostics);
      assert.ok([0, 2, 4, 5, 6].includes(code), `case ${i}: exit code ${code}`);
      if (code !== 0) {
        rejected++;
        assert.ok(res.diagnostics.some((d) => d.severity === 'error' || d.severity === 'fatal' || d.severity === 'security'), `case ${i}: rejected without a reason`);
      }
      for (const d of res.diagnostics) {
        assert.ok(typeof d.message === 'string' && d.message.length > 0, `case ${i}: empty message`);
        assert.ok(d.line >= 0 && Number.isInteger(d.line), `case ${i}: bad line ${d.line}`);
      }
      // the slices must be plain data
      assert.doesNotThrow(() => JSON.stringify(vrrpSlice(res.config)) + JSON.stringify(checkerSlice(res.config)));
      fs.unlinkSync(file);
    }
    assert.ok(rejected > count / 4, `only ${rejected} of ${count} damaged configs were rejected: mutations too weak`);
    console.log(`mutation: ${count} cases, ${rejected} rejected, slowest ${slowest.toFixed(1)} ms`);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
