/**
 * The IPVS tests (test/vm/*.test.ts) need a kernel with IPVS, which this machine's kernel lacks:
 * this host-side test boots the IPVS VM once through test/vm/run-ipvs-tests.sh (which runs
 * ../shared/tools/ipvs-vm.sh) and asserts the batch inside passed, so `npm test` covers them.
 * Skipped when not root or when the VM tool is not beside the repository.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

import { repoRoot } from '../helpers/repo';

const root = repoRoot();
const distDir = path.relative(root, path.resolve(__dirname, '..', '..'));
const vmTool = process.env.IPVS_VM ?? path.resolve(root, '..', 'shared', 'tools', 'ipvs-vm.sh');
const skip =
  process.getuid?.() !== 0 ? 'needs root' : !fs.existsSync(vmTool) ? `no IPVS VM tool at ${vmTool}` : process.env.KATS_SKIP_VM ? 'KATS_SKIP_VM set' : false;

test('IPVS tests inside the IPVS VM (test/vm/*.test.ts)', { skip, timeout: 900_000 }, async (t) => {
  const out: string[] = [];
  // the inner `node --test` must not think it runs inside this test file
  const env: NodeJS.ProcessEnv = { ...process.env, IPVS_VM: vmTool };
  delete env.NODE_TEST_CONTEXT;
  const code = await new Promise<number | null>((resolve) => {
    const p = spawn(path.join(root, 'test', 'vm', 'run-ipvs-tests.sh'), [distDir], {
      cwd: root,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    p.stdout.on('data', (b: Buffer) => out.push(b.toString()));
    p.stderr.on('data', (b: Buffer) => out.push(b.toString()));
    p.on('close', (c) => resolve(c));
  });
  const text = out.join('');
  const num = (k: string): number => Number(new RegExp(`^# ${k} (\\d+)$`, 'm').exec(text)?.[1] ?? NaN);
  const summary = { exit: code, pass: num('pass'), fail: num('fail'), tests: num('tests') };
  t.diagnostic(`inside the VM: ${JSON.stringify(summary)}`);
  const failing = text.split('\n').filter((l) => /^\s*not ok /.test(l));
  assert.ok(code === 0 && summary.fail === 0 && summary.pass > 0, `IPVS VM batch failed: ${JSON.stringify(summary)}\n${failing.join('\n')}\n--- tail ---\n${text.slice(-4000)}`);
  // the batch must really have run IPVS tests, not skipped them all
  assert.ok(!/^# skipped [1-9]/m.test(text) || summary.pass >= 5, `most IPVS tests skipped inside the VM: ${JSON.stringify(summary)}`);
});
