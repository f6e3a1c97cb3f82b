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
import { load } from './helpers';
import { bases, mutate, rng } from './mutate';

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
