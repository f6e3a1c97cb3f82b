/**
 * include / includer / includem / includew / includeb / includea, include_check, -e.
 * Messages, which of them count as errors, and what gets read were checked against
 * keepalived 2.2.7 `-t` (a missing include with a check makes it exit 6, which our
 * severity 'security' reproduces; without a check the message is printed and the exit is 0).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { readConfigTree } from '../../../../src/config/tree';
import { braceExpand, globFiles } from '../../../../src/config/glob';
import { problems, tempTree, words, type FileSpec } from './helpers';

function read(files: Record<string, FileSpec>, main = 'keepalived.conf', opts: { allConfig?: boolean; configId?: string } = {}) {
  const t = tempTree(files);
  try {
    const r = readConfigTree(path.join(t.dir, main), { configId: opts.configId ?? 'main', ...(opts.allConfig ? { allConfig: true } : {}) });
    return { ...r, dir: t.dir, rel: r.files.map((f) => path.relative(t.dir, f)) };
  } finally {
    t.cleanup();
  }
}

test('include: relative to the including file, nested, positions name the file as keepalived prints it', () => {
  const r = read({
    'keepalived.conf': 'A\ninclude inc/one.conf\ninclude inc/{one,two}.conf\nZ\n',
    'inc/one.conf': 'I1\n',
    'inc/two.conf': 'I2\ninclude sub/*.conf\n',
    'inc/sub/s.conf': '  S1 x\n',
  });
  assert.deepEqual(words(r.stmts), ['A', 'I1', 'I1', 'I2', 'S1 x', 'Z']);
  assert.deepEqual(
    r.stmts.map((s) => `${s.kw.file}:${s.kw.line}:${s.kw.col}`),
    [`${r.dir}/keepalived.conf:1:1`, 'inc/one.conf:1:1', 'inc/one.conf:1:1', 'inc/two.conf:1:1', 'sub/s.conf:1:3', `${r.dir}/keepalived.conf:4:1`],
  );
  assert.deepEqual(r.rel, ['keepalived.conf', 'inc/one.conf', 'inc/one.conf', 'inc/two.conf', 'inc/sub/s.conf']);
  const opening = r.diagnostics.filter((d) => d.code === 'CFG_OPENING_FILE').map((d) => `${d.line} ${d.message}`);
  assert.deepEqual(opening, [
    `0 Opening file '${r.dir}/keepalived.conf'.`,
    "2 Opening file 'inc/one.conf'.",
    "3 Opening file 'inc/one.conf'.",
    "3 Opening file 'inc/two.conf'.",
    "2 Opening file 'sub/s.conf'.",
  ]);
  assert.deepEqual(problems(r), []);
});

test('include: glob results sorted per brace alternative, hidden files not matched, directories skipped', () => {
  const r = read({
    'keepalived.conf': 'include d/*.conf\ninclude d/{b,a}.conf\ninclude d/*\n',
    'd/b.conf': 'B\n',
    'd/a.conf': 'A\n',
    'd/.hidden.conf': 'H\n',
    'd/sub/x.conf': 'X\n',
  });
  assert.deepEqual(words(r.stmts), ['A', 'B', 'B', 'A', 'A', 'B']);
  assert.deepEqual(problems(r), ["warning 3 Configuration file 'd/sub/' is a directory - skipping"]);
});

test('braceExpand: csh braces as glibc GLOB_BRACE', () => {
  assert.deepEqual(braceExpand('{foo/{,cat,dog},bar}'), ['foo/', 'foo/cat', 'foo/dog', 'bar']);
  assert.deepEqual(braceExpand('a{1,2}b{x,y}'), ['a1bx', 'a1by', 'a2bx', 'a2by']);
  assert.deepEqual(braceExpand('a{b'), ['a{b']);
  assert.deepEqual(braceExpand('plain'), ['plain']);
});

test('globFiles: absolute patterns, classes, marks', () => {
  const t = tempTree({ 'x/a1.conf': '', 'x/a2.conf': '', 'x/b1.conf': '', 'x/d/k': '' });
  try {
    assert.deepEqual(globFiles(`${t.dir}/x/a[12].conf`, '/'), [`${t.dir}/x/a1.conf`, `${t.dir}/x/a2.conf`]);
    assert.deepEqual(globFiles('x/?1.conf', t.dir), ['x/a1.conf', 'x/b1.conf']);
    assert.deepEqual(globFiles('x/[!a]*', t.dir), ['x/b1.conf', 'x/d/']);
    assert.deepEqual(globFiles('x/*', t.dir), ['x/a1.conf', 'x/a2.conf', 'x/b1.conf', 'x/d/']);
    assert.deepEqual(globFiles('x/nothing', t.dir), []);
  } finally {
    t.cleanup();
  }
});

test('include variants: messages and severities as keepalived 2.2.7', () => {
  const r = read({
    'keepalived.conf': [
      'include nonexist.conf',
      'includer nonexist.conf',
      'includem nonexist.conf',
      'includem nonexist*.conf',
      'includew nonexist*.conf',
      'includeb inc/{one,zz}.conf',
      'includea inc/{one,zz}.conf',
      'includeb inc/{one,zz*}.conf',
      'includeb inc/{zz1,zz2}.conf',
      'includew inc/{one,zz*}.conf',
      'include inc',
      'includem inc',
      'include inc/exe.conf',
      'include inc/one.conf extra',
      '  include   "inc/one.conf"',
      'includet nonexist.conf',
      'include',
      'include non\\#exist.conf # comment',
      'includem inc/{one,zz}.conf',
      'includew nonexist.conf',
      'include {nonexist*,zz}.conf',
      'includem {nonexist*,zz}.conf',
      'includew {nonexist*,zz}.conf',
      'includeb {nonexist*,zz}.conf',
      'include inc/{one,zz}.conf',
    ].join('\n') + '\n',
    'inc/one.conf': 'I1\n',
    'inc/exe.conf': { content: 'X\n', mode: 0o755 },
  });
  assert.deepEqual(problems(r), [
    "warning 1 Config files missing 'nonexist.conf'.",
    "warning 2 Config files missing 'nonexist.conf'.",
    "security 3 Config files missing 'nonexist.conf'.",
    "security 5 No config files matched 'nonexist*.conf'.",
    'security 6 Some config files missing: "inc/{one,zz}.conf".',
    'security 7 Some config files missing: "inc/{one,zz}.conf".',
    "security 9 Config files missing 'inc/{zz1,zz2}.conf'.",
    "warning 11 Configuration file 'inc/' is a directory - skipping",
    "security 12 Configuration file 'inc/' is a directory - skipping",
    "warning 13 Configuration file 'inc/exe.conf' is not a regular non-executable file - skipping",
    "warning 14 Config files missing 'inc/one.conf extra'.",
    `warning 15 Config files missing '"inc/one.conf"'.`,
    "warning 18 Config files missing 'non#exist.conf'.",
    'warning 19 Some config files missing: "inc/{one,zz}.conf".',
    "security 20 Config files missing 'nonexist.conf'.",
    "warning 21 Config files missing '{nonexist*,zz}.conf'.",
    "warning 22 Config files missing '{nonexist*,zz}.conf'.",
    "warning 23 Config files missing '{nonexist*,zz}.conf'.",
    "security 24 Config files missing '{nonexist*,zz}.conf'.",
    'warning 25 Some config files missing: "inc/{one,zz}.conf".',
  ]);
  // includem with a wildcard that matches nothing is only logged
  assert.ok(r.diagnostics.some((d) => d.severity === 'info' && d.line === 4 && d.message === "No config files matched 'nonexist*.conf'."));
  // lines 8, 10, 19 and 25 read inc/one.conf (includem reads what matched, includeb nothing);
  // unknown variants and a bare include are ordinary keywords
  assert.deepEqual(words(r.stmts), ['I1', 'I1', 'includet nonexist.conf', 'include', 'I1', 'I1']);
});

test('include_check in global_defs: applies to the file, inherited by includes, restored after', () => {
  const r = read({
    'keepalived.conf': 'include ic/sub1.conf\ninclude nonexist2.conf\nglobal_defs {\n include_check +match\n}\ninclude ic/sub2.conf\ninclude nonexist3.conf\n',
    'ic/sub1.conf': 'global_defs {\n include_check\n}\ninclude nonexist1.conf\n',
    'ic/sub2.conf': 'include nonexist4.conf\nglobal_defs {\n include_check -match\n}\ninclude nonexist5.conf\n',
  });
  assert.deepEqual(
    r.diagnostics.filter((d) => d.code === 'CFG_INCLUDE_MISSING').map((d) => `${d.severity} ${d.file}:${d.line} ${d.message}`),
    [
      "security ic/sub1.conf:4 Config files missing 'nonexist1.conf'.",
      `warning ${r.dir}/keepalived.conf:2 Config files missing 'nonexist2.conf'.`,
      "security ic/sub2.conf:1 Config files missing 'nonexist4.conf'.",
      "warning ic/sub2.conf:5 Config files missing 'nonexist5.conf'.",
      `security ${r.dir}/keepalived.conf:7 Config files missing 'nonexist3.conf'.`,
    ],
  );
});

test('include_check outside global_defs has no effect', () => {
  const r = read({ 'keepalived.conf': 'vrrp_instance X {\n include_check\n}\ninclude nonexist6.conf\n' });
  assert.deepEqual(problems(r), ["warning 4 Config files missing 'nonexist6.conf'."]);
});

test('-e (allConfig): every include is checked, the main file too', () => {
  const r = read({ 'keepalived.conf': 'include nonexist.conf\n' }, 'keepalived.conf', { allConfig: true });
  assert.deepEqual(problems(r), ["security 1 Config files missing 'nonexist.conf'."]);
  const m = read({}, 'missing.conf', { allConfig: true });
  assert.equal(m.files.length, 0);
  assert.equal(problems(m).length, 1);
  assert.match(problems(m)[0]!, /^security 0 Config files missing '.*missing\.conf'\.$/);
  const m2 = read({}, 'missing.conf');
  assert.match(problems(m2)[0]!, /^warning 0 Config files missing/);
});

test('blocks may span files; include after { on a line works, with a } after it does not', () => {
  const r = read({
    'keepalived.conf': 'X {\ninclude sp/close.conf\nAFTER\ng { include sp/one.conf\n}\nh { include sp/one.conf }\n',
    'sp/close.conf': 'B1\n}\nB2\n',
    'sp/one.conf': 'O\n',
  });
  assert.deepEqual(words(r.stmts), ['X', '  B1', 'B2', 'AFTER', 'g', '  O', 'h']);
  assert.deepEqual(problems(r), ["warning 6 Config files missing 'sp/one.conf }'.", "error 0 There are 1 missing '}'s or extra '{'s"]);
});

test('include lines produced by @id and by definitions are followed', () => {
  const r = read({
    'keepalived.conf': '@main include s1.conf\n@other include s2.conf\n$I=include s2.conf\n$I\n$J=includem\n$J s1.conf\n',
    's1.conf': 'S1\n',
    's2.conf': 'S2\n',
  });
  assert.deepEqual(words(r.stmts), ['S1', 'S2', 'S1']);
});

test('include depth is bounded (a file including itself)', () => {
  const t = tempTree({ 'keepalived.conf': 'A\ninclude keepalived.conf\n' });
  try {
    const r = readConfigTree(path.join(t.dir, 'keepalived.conf'), { configId: 'x', limits: { maxIncludeDepth: 8 } });
    assert.equal(words(r.stmts).length, 8);
    assert.ok(r.diagnostics.some((d) => d.code === 'CFG_INCLUDE_DEPTH'));
  } finally {
    t.cleanup();
  }
});

test('files: every file opened, absolute, in order', () => {
  const t = tempTree({ 'main.conf': 'include a.conf\ninclude b.conf\n', 'a.conf': 'include b.conf\n', 'b.conf': 'x\n' });
  try {
    const r = readConfigTree(path.join(t.dir, 'main.conf'), { configId: 'x' });
    assert.deepEqual(r.files, ['main.conf', 'a.conf', 'b.conf', 'b.conf'].map((f) => path.join(t.dir, f)));
    assert.ok(r.files.every((f) => fs.existsSync(f) || true));
  } finally {
    t.cleanup();
  }
});

test('a main file glob matching several files: all are read, with keepalived\'s warning (an error for -t)', () => {
  const t = tempTree({ 'a.conf': 'MA\n', 'b.conf': 'MB\n' });
  try {
    const r = readConfigTree(path.join(t.dir, '*.conf'), { configId: 'x' });
    assert.deepEqual(words(r.stmts), ['MA', 'MB']);
    assert.deepEqual(problems(r), [`error 0 WARNING, multiple configuration file matches of ${t.dir}/*.conf, starting with ${t.dir}/a.conf`]);
  } finally {
    t.cleanup();
  }
});
