/**
 * Differential test against the real keepalived 2.2.7 (root only, skipped without it):
 * random LVS configurations (gen.ts, fixed seeds) are checked by `keepalived -t` in a
 * throwaway namespace and by our tables; the printed lines must be the same, and so must
 * the verdict (zero or not). Runs where keepalived itself crashes (it segfaults on some bad
 * configurations) are not compared. When keepalived stops at a missing parameter, only the
 * lines it printed are required of us.
 * Also: no generated or randomly damaged configuration makes our tables throw.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createNetns, deleteNetns, isRoot } from '../../../helpers/netns';
import { generateConfig, rng } from './gen';
import { FIXTURES, keepalivedLines, loadLvsFile, loadLvsText, scriptExists } from './helpers';

const KEEPALIVED = '/usr/sbin/keepalived';
const SEEDS = Number(process.env['LVS_DIFF_SEEDS'] ?? 100);
const NOISE = /^(Starting|Running on|Command line|Configuration file|NOTICE|Opening file|Stopped|Script user|WARNING - default user)|^ /;

test('random LVS configurations: same lines and verdict as keepalived -t', { skip: (!isRoot() || !fs.existsSync(KEEPALIVED)) && 'needs root and keepalived' }, async () => {
  const ns = await createNetns('cfglvs');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kats-cfglvs-diff-'));
  try {
    await ns.exec(['ip', 'link', 'add', 'eth0', 'type', 'veth', 'peer', 'name', 'eth1']);
    const mismatches: string[] = [];
    let compared = 0;
    for (let seed = 0; seed < SEEDS; seed++) {
      const file = path.join(dir, `g${seed}.conf`);
      fs.writeFileSync(file, generateConfig(seed));
      const r = await ns.exec([KEEPALIVED, '-t', '-l', '-D', '-n', '-f', file], { ignoreError: true });
      if (r.code !== 0 && r.code !== 2 && r.code !== 4 && r.code !== 5 && r.code !== 6) continue; // keepalived crashed
      const ka = (r.stdout + r.stderr)
        .split('\n')
        .filter((l) => l && !NOISE.test(l))
        .map((l) => l.split(`(${dir}/`).join('('))
        // global_defs is not ours to check
        .filter((l) => !l.includes('Error setting global script uid/gid'));
      const ours = keepalivedLines(loadLvsFile(file, { scriptFound: scriptExists }).diags);
      const aborted = ka.some((l) => l.includes('*** Configuration line'));
      const onlyKa = ka.filter((l) => !ours.includes(l));
      const onlyUs = aborted ? [] : ours.filter((l) => !ka.includes(l));
      // keepalived prints a line for every problem: no lines <=> exit code 0
      if ((ka.length === 0) !== (ours.length === 0)) mismatches.push(`seed ${seed}: verdict keepalived ${r.code}, ours ${ours.length} lines`);
      for (const l of onlyKa) mismatches.push(`seed ${seed}: keepalived only: ${l}`);
      for (const l of onlyUs) mismatches.push(`seed ${seed}: ours only: ${l}`);
      compared++;
    }
    assert.ok(compared >= SEEDS / 2, `only ${compared} runs compared`);
    assert.deepEqual(mismatches, []);
  } finally {
    await deleteNetns(ns);
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('damaged configurations never make the LVS tables throw', () => {
  const base = [generateConfig(1), generateConfig(2), fs.readFileSync(path.join(FIXTURES, 'checkers.conf'), 'utf8'), fs.readFileSync(path.join(FIXTURES, 'vs-full.conf'), 'utf8')];
  const r = rng(4242);
  const junk = ['{', '}', '"', '-1', '99999999999999999999', 'fe80::', '0x', '.', '', 'real_server', 'url', 'host {', '\\'];
  for (let i = 0; i < 300; i++) {
    const lines = base[i % base.length]!.split('\n');
    const n = 1 + Math.floor(r() * 5);
    for (let k = 0; k < n; k++) {
      const at = Math.floor(r() * lines.length);
      const op = Math.floor(r() * 4);
      const words = (lines[at] ?? '').split(' ');
      if (op === 0) lines.splice(at, 1);
      else if (op === 1) lines.splice(at, 0, lines[Math.floor(r() * lines.length)] ?? '');
      else if (op === 2) words[Math.floor(r() * words.length)] = junk[Math.floor(r() * junk.length)]!;
      else words.splice(Math.floor(r() * words.length), 1);
      if (op >= 2) lines[at] = words.join(' ');
    }
    const { diags } = loadLvsText(lines.join('\n'), {}, `damaged-${i % 4}.conf`);
    assert.ok(Array.isArray(diags));
  }
});
