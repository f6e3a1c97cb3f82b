/**
 * Parity with keepalived 2.2.7's `-t`: in a namespace with interfaces eth0..eth3 (two veth pairs), run the
 * real `keepalived -t -f X` and our loadConfig()+configTestExitCode() (with that namespace's
 * interface names) over the shipped samples, examples/ and our fixtures; the verdicts (exit
 * codes) must agree case by case, and every message keepalived prints (text and line) must be
 * among ours. Differences are printed. Root only; skipped without keepalived.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { createNetns, deleteNetns, isRoot, run, type Netns } from '../helpers/netns';
import { loadConfig, configTestExitCode, formatDiagnostic } from '../../src/config/index';
import { mutateLines, rng } from '../unit/config/ast/mutate';
import * as os from 'node:os';
import { execFile } from 'node:child_process';

function repoRoot(): string {
  let d = __dirname;
  while (!fs.existsSync(path.join(d, 'package.json'))) {
    const up = path.dirname(d);
    if (up === d) throw new Error('repository root not found');
    d = up;
  }
  return d;
}

const ROOT = repoRoot();
const KEEPALIVED = '/usr/sbin/keepalived';
const SAMPLES = '/usr/share/doc/keepalived/samples';
const CONFIG_ID = 'kats';

/** Every case: the shipped samples, examples/*.conf, and the fixtures' *.conf files. */
export function parityCases(): string[] {
  const out: string[] = [];
  if (fs.existsSync(SAMPLES)) {
    for (const f of fs.readdirSync(SAMPLES).sort()) {
      if (f.startsWith('keepalived.conf')) out.push(path.join(SAMPLES, f));
    }
  }
  const walk = (dir: string): void => {
    if (!fs.existsSync(dir)) return;
    for (const e of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith('.conf') && !e.name.endsWith('.inc.conf')) out.push(p);
    }
  };
  walk(path.join(ROOT, 'examples'));
  walk(path.join(ROOT, 'test/fixtures/config/ast'));
  return out;
}

async function nsInterfaces(ns: Netns): Promise<Set<string>> {
  const r = await ns.exec(['ip', '-o', 'link', 'show']);
  const names = new Set<string>();
  for (const line of r.stdout.split('\n')) {
    const m = /^\d+:\s+([^:@\s]+)/.exec(line);
    if (m?.[1]) names.add(m[1]);
  }
  return names;
}

/** keepalived's -t lines as "LINE message" ("-" when it printed no place), duplicates removed. */
function kaMessages(stderr: string): Set<string> {
  const out = new Set<string>();
  for (const raw of stderr.split('\n')) {
    if (!raw.trim()) continue;
    const m = /^\((?:[^:()]+: )?Line (\d+)\) (.*)$/.exec(raw);
    out.add(m ? `${m[1]} ${m[2]}` : `- ${raw}`);
  }
  return out;
}

/**
 * Run the real keepalived -t in the namespace, killed after `timeoutMs` (keepalived 2.2.7 spins
 * forever on a few damaged configurations). A kill or a crash gives code -1.
 */
function kaTest(ns: Netns, file: string, timeoutMs = 15_000): Promise<{ code: number; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      'ip',
      ['netns', 'exec', ns.name, KEEPALIVED, '-t', '-i', CONFIG_ID, '-f', file],
      { timeout: timeoutMs, killSignal: 'SIGKILL', maxBuffer: 16 << 20 },
      (err, _stdout, stderr) => {
        const e = err as (NodeJS.ErrnoException & { code?: number | string; killed?: boolean; signal?: string }) | null;
        if (!e) resolve({ code: 0, stderr });
        else if (typeof e.code === 'number' && !e.killed && !e.signal) resolve({ code: e.code, stderr });
        else resolve({ code: -1, stderr });
      },
    );
  });
}

const canRun = isRoot() && fs.existsSync(KEEPALIVED);

test('keepalived -t parity over samples, examples and fixtures', { skip: canRun ? false : 'needs root and keepalived 2.2.7', timeout: 240_000 }, async (t) => {
  const ns = await createNetns('cfgpar');
  t.after(() => deleteNetns(ns));
  // no dummy driver on every kernel: two veth pairs give eth0..eth3
  for (const [a, b] of [['eth0', 'eth1'], ['eth2', 'eth3']] as const) {
    await ns.exec(['ip', 'link', 'add', a, 'type', 'veth', 'peer', 'name', b]);
    await ns.exec(['ip', 'link', 'set', a, 'up']);
    await ns.exec(['ip', 'link', 'set', b, 'up']);
  }
  const ifs = await nsInterfaces(ns);
  assert.ok(ifs.has('eth3') && ifs.has('lo'));

  const cases = parityCases();
  assert.ok(cases.length >= 20, `expected the samples and examples, found ${cases.length}`);
  const verdictDiffs: string[] = [];
  const codeDiffs: string[] = [];
  const messageDiffs: string[] = [];
  for (const file of cases) {
    // -t implies -n -R -G; -l is harmless. Run from the file's directory like an operator would.
    const ka = await kaTest(ns, file);
    const ours = loadConfig(file, { configId: CONFIG_ID, interfaces: ifs });
    const code = configTestExitCode(ours.diagnostics);
    const rel = path.relative(ROOT, file).startsWith('..') ? file : path.relative(ROOT, file);
    if (process.env.PARITY_VERBOSE) console.log(`${ka.code} ${code} ${rel}`);
    // every message keepalived prints (with its line) must be ours too
    {
      const mine = new Set(ours.diagnostics.map((d) => `${d.line > 0 ? d.line : '-'} ${d.message}`));
      for (const l of kaMessages(ka.stderr)) {
        if (!mine.has(l)) messageDiffs.push(`MESSAGE ${rel}: keepalived printed "${l}", we did not`);
      }
    }
    if ((ka.code === 0) !== (code === 0)) {
      verdictDiffs.push(
        `VERDICT ${rel}: keepalived ${ka.code}, ours ${code}\n  keepalived: ${ka.stderr.trim().split('\n').join('\n              ')}\n  ours: ${ours.diagnostics
          .filter((d) => d.severity !== 'info')
          .map(formatDiagnostic)
          .join('\n        ')}`,
      );
    } else if (ka.code !== code) {
      codeDiffs.push(`CODE ${rel}: keepalived ${ka.code}, ours ${code}`);
    }
  }
  console.log(
    `parity: ${cases.length} cases, ${verdictDiffs.length} verdict differences, ${codeDiffs.length} exit-code differences, ${messageDiffs.length} missing messages`,
  );
  for (const d of [...verdictDiffs, ...codeDiffs, ...messageDiffs]) console.log(d);
  assert.deepEqual(verdictDiffs, [], 'zero/non-zero verdicts must agree');
  assert.deepEqual(codeDiffs, [], 'exit codes must agree');
  assert.deepEqual(messageDiffs, [], 'every message keepalived prints must be ours too');
});

/**
 * Verdict parity on damaged configurations: seeded line-level mutations of examples/ and the
 * block fixtures (the kind of mistakes operators make). keepalived itself crashes (SIGSEGV) or
 * spins forever on a few: those are skipped (killed after 15 s). Exact agreement is expected for nearly all; the cases
 * that differ are printed (PARITY_MUTATIONS sets how many, default 200).
 */
test('keepalived -t parity on seeded damaged configurations', { skip: canRun ? false : 'needs root and keepalived 2.2.7', timeout: 240_000 }, async (t) => {
  const ns = await createNetns('cfgmut');
  t.after(() => deleteNetns(ns));
  for (const [a, b] of [['eth0', 'eth1'], ['eth2', 'eth3']] as const) {
    await ns.exec(['ip', 'link', 'add', a, 'type', 'veth', 'peer', 'name', b]);
  }
  const ifs = await nsInterfaces(ns);
  const srcs = parityCases()
    .filter((f) => !f.startsWith(SAMPLES) && !f.includes(`${path.sep}diag${path.sep}`))
    .map((f) => fs.readFileSync(f, 'utf8'));
  const n = Number(process.env.PARITY_MUTATIONS ?? 200);
  const r = rng(4242);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kats-parmut-'));
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  let compared = 0;
  let zeroDiff = 0;
  const diffs: string[] = [];
  for (let i = 0; i < n; i++) {
    const file = path.join(dir, `m${i}.conf`);
    fs.writeFileSync(file, mutateLines(srcs[i % srcs.length]!, r));
    const ka = await kaTest(ns, file);
    if (ka.code < 0 || ka.code > 128) continue; // keepalived crashed or spun (killed)
    const code = configTestExitCode(loadConfig(file, { configId: CONFIG_ID, interfaces: ifs }).diagnostics);
    compared++;
    if (code === ka.code) continue;
    if ((code === 0) !== (ka.code === 0)) zeroDiff++;
    diffs.push(`m${i}: keepalived ${ka.code}, ours ${code}; keepalived said: ${ka.stderr.trim().split('\n').slice(0, 3).join(' | ')}`);
  }
  console.log(`parity on damaged configs: ${compared} compared, ${diffs.length} exit codes differ (${zeroDiff} zero/non-zero)`);
  for (const d of diffs) console.log(d);
  assert.ok(compared >= n * 0.9);
  assert.ok(zeroDiff <= Math.ceil(compared * 0.03), `${zeroDiff} zero/non-zero verdict differences`);
  assert.ok(diffs.length <= Math.ceil(compared * 0.05), `${diffs.length} exit-code differences`);
});

/** Script security against the real thing: a world-writable script, with and without enable_script_security. */
test('keepalived -t parity on insecure scripts', { skip: canRun ? false : 'needs root and keepalived 2.2.7', timeout: 60_000 }, async (t) => {
  const ns = await createNetns('cfgsec');
  t.after(() => deleteNetns(ns));
  await ns.exec(['ip', 'link', 'add', 'eth0', 'type', 'veth', 'peer', 'name', 'eth1']);
  const ifs = await nsInterfaces(ns);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kats-parsec-'));
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  fs.chmodSync(dir, 0o755);
  const script = path.join(dir, 'check.sh');
  fs.writeFileSync(script, '#!/bin/sh\nexit 0\n');
  const body = `vrrp_script s {\n script ${script}\n}\nvrrp_instance A {\n interface eth0\n virtual_router_id 13\n track_script {\n  s\n }\n notify_master ${script}\n virtual_ipaddress {\n  10.0.0.1\n }\n}\n`;
  const diffs: string[] = [];
  for (const mode of [0o755, 0o777, 0o775]) {
    fs.chmodSync(script, mode);
    for (const secured of [true, false]) {
      const file = path.join(dir, `c-${mode.toString(8)}-${secured}.conf`);
      fs.writeFileSync(file, (secured ? 'global_defs {\n enable_script_security\n script_user root\n}\n' : '') + body);
      const ka = await kaTest(ns, file);
      const ours = loadConfig(file, { configId: CONFIG_ID, interfaces: ifs });
      const code = configTestExitCode(ours.diagnostics);
      const mine = new Set(ours.diagnostics.map((d) => `${d.line > 0 ? d.line : '-'} ${d.message}`));
      const missing = [...kaMessages(ka.stderr)].filter((m) => !mine.has(m));
      if (code !== ka.code || missing.length) diffs.push(`mode ${mode.toString(8)} secured=${secured}: keepalived ${ka.code}, ours ${code}; missing: ${missing.join(' | ')}`);
    }
  }
  for (const d of diffs) console.log(d);
  assert.deepEqual(diffs, []);
});
