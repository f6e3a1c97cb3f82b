/**
 * Lexical layer: comments, quotes, word splitting, braces, the 1024-byte read buffer, and
 * keepalived's shell-style script re-tokenising. Expected values were checked against
 * keepalived 2.2.7 (`keepalived -t`, see parity.test.ts for the automated comparison).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PosText, decomment, splitPhysical, splitWords, scriptArgs } from '../../../../src/config/lexer';
import { splitScriptArgs } from '../../../../src/config/tree';
import { positions, problems, readText, words } from './helpers';

function dc(line: string): { text: string; cols: number[]; err?: string } {
  const t = PosText.fromLine(line, 'f', 1);
  const r = decomment(t);
  const o: { text: string; cols: number[]; err?: string } = { text: t.text, cols: t.cols };
  if (r.unterminated) o.err = r.unterminated;
  return o;
}

test('decomment: # and ! comments, not inside quotes; blanks trimmed', () => {
  assert.equal(dc('  priority 100   # the priority').text, 'priority 100');
  assert.equal(dc('priority 100 ! bang comment').text, 'priority 100');
  assert.equal(dc('# whole line').text, '');
  assert.equal(dc('\t! whole line').text, '');
  assert.equal(dc('a "x#y!z" b # c').text, 'a "x#y!z" b');
  assert.equal(dc('a#b').text, 'a');
});

test('decomment: \\# and \\! outside quotes are literal, inside quotes untouched', () => {
  const r = dc('  a\\#b \\!c # d');
  assert.equal(r.text, 'a#b !c');
  // columns still point into the physical line: 'a' col 3, '#' col 5 (the escape is gone)
  assert.deepEqual(r.cols.slice(0, 4), [3, 5, 6, 7]);
  assert.equal(dc('"a\\#b"').text, '"a\\#b"');
  assert.equal(dc('x \\\\# y').text, 'x \\\\');
});

test('decomment: trailing backslash kept as continuation mark, blanks before it removed', () => {
  assert.equal(dc('$X=abc   \\').text, '$X=abc\\');
  assert.equal(dc('foo # comment \\').text, 'foo\\');
});

test('decomment: an open quote is reported as keepalived does', () => {
  const r = dc('K "abc');
  assert.equal(r.err, `Unterminated quote 'K "abc'`);
  assert.equal(dc('K "a#b').text, 'K "a#b');
});

test('splitWords: white space, "…" as one word without quotes, positions', () => {
  const t = PosText.fromLine('  "quo ted" x\tyy  e"f g"h', 'k.conf', 7);
  decomment(t);
  const w = splitWords(t);
  assert.equal(w.unmatched, undefined);
  assert.deepEqual(
    w.tokens.map((k) => [k.text, k.col, k.quoted]),
    [
      ['quo ted', 3, true],
      ['x', 13, false],
      ['yy', 15, false],
      ['e', 19, false],
      ['f g', 20, true],
      ['h', 25, false],
    ],
  );
  assert.ok(w.tokens.every((k) => k.file === 'k.conf' && k.line === 7));
  // single quotes are ordinary characters here
  assert.deepEqual(splitWords(PosText.fromLine("'c d' e", 'f', 1)).tokens.map((k) => k.text), ["'c", "d'", 'e']);
});

test('splitWords: unmatched quote keeps the words before it', () => {
  const w = splitWords(PosText.fromLine('a "b c" d"e" "f', 'f', 1));
  assert.deepEqual(w.tokens.map((k) => k.text), ['a', 'b c', 'd', 'e']);
  assert.equal(w.unmatched, `Unmatched quote: 'a "b c" d"e" "f'`);
});

test('splitPhysical: lines, CR LF, and fgets(1024) chunks of over-long lines', () => {
  const lines = splitPhysical(Buffer.from('a\r\n\nb c\n'));
  assert.deepEqual(lines.map((l) => [l.text, l.line]), [['a', 1], ['', 2], ['b c', 3]]);
  const long = 'Kaa ' + 'x'.repeat(1017) + 'yz tail\nnext\n';
  const ch = splitPhysical(Buffer.from(long));
  assert.equal(ch.length, 3);
  assert.equal(ch[0]!.text.length, 1023);
  assert.equal(ch[0]!.split, true);
  assert.deepEqual([ch[1]!.text, ch[1]!.line, ch[1]!.col], [' tail', 1, 1024]);
  assert.deepEqual([ch[2]!.text, ch[2]!.line], ['next', 2]);
});

test('long line: keepalived sees the piece after byte 1023 as a line of its own', () => {
  const r = readText('Kaa ' + 'x'.repeat(1017) + 'yz tail\nnext\n');
  assert.deepEqual(words(r.stmts), ['Kaa ' + 'x'.repeat(1017) + 'yz', 'tail', 'next']);
  assert.deepEqual(positions(r.stmts)[1], '1:1025 tail');
});

test('braces split physical lines; one keyword per logical line', () => {
  const r = readText('foo { bar baz } qux\nvrrp_instance VI_1\n{\n  state BACKUP interface eth0\n}\n');
  assert.deepEqual(words(r.stmts), ['foo', '  bar baz', 'qux', 'vrrp_instance VI_1', '  state BACKUP interface eth0']);
  assert.deepEqual(positions(r.stmts), ['1:1 foo', '1:7 bar | 1:11 baz', '1:17 qux', '2:1 vrrp_instance | 2:15 VI_1', '4:3 state | 4:9 BACKUP | 4:16 interface | 4:26 eth0']);
  assert.equal(r.stmts[0]!.raw, 'foo');
  assert.equal(r.stmts[0]!.children![0]!.raw, 'bar baz');
  assert.deepEqual(problems(r), []);
});

test('braces inside quotes do not split', () => {
  const r = readText('notify "/bin/x {a}" y\n');
  assert.deepEqual(words(r.stmts), ['notify /bin/x {a} y']);
  assert.equal(r.stmts[0]!.args[0]!.quoted, true);
});

test('empty block, nested blocks, block on the same line', () => {
  const r = readText('a {}\nb { c { d } }\n');
  assert.deepEqual(r.stmts[0]!.children, []);
  assert.deepEqual(words(r.stmts), ['a', 'b', '  c', '    d']);
});

test('unbalanced braces: keepalived messages', () => {
  const r = readText('global_defs {\n  router_id r1\n}\nbogus1 x\n}\nvrrp_instance VI {\n  state BACKUP\n');
  assert.deepEqual(problems(r), ["error 5 Extra '}' found", "error 5 Unknown keyword '}'", "error 0 There are 1 missing '}'s or extra '{'s"]);
  // the unclosed block still holds what was read
  assert.deepEqual(words(r.stmts), ['global_defs', '  router_id r1', 'bogus1 x', 'vrrp_instance VI', '  state BACKUP']);
});

test('a { with no statement before it is reported and its contents stay at this level', () => {
  const r = readText('x {\n}\n{\n  y\n}\n');
  assert.deepEqual(words(r.stmts), ['x', 'y']);
  assert.deepEqual(problems(r), ["error 3 Unexpected '{' - ignoring", "error 5 Unknown keyword '}'"]);
});

test('scriptArgs: quotes, escapes and errors as keepalived', () => {
  assert.deepEqual(splitScriptArgs(`/path/x.sh arg1 'a b' "c d"e`), ['/path/x.sh', 'arg1', 'a b', 'c de']);
  assert.deepEqual(splitScriptArgs('a\\tb \\x41\\x4a \\101 \\cA \\E \\q \\\\ \\"'), ['a\tb', 'AJ', 'A', '\x01', '\x1b', 'q', '\\', '"']);
  assert.deepEqual(splitScriptArgs(`"it's" 'say "hi"'`), ["it's", 'say "hi"']);
  assert.deepEqual(splitScriptArgs('a\\ b'), ['a b']);
  assert.deepEqual(splitScriptArgs('  '), []);
  assert.deepEqual(scriptArgs(`x 'open`), { args: [], error: `String 'x 'open': missing terminating '` });
  assert.deepEqual(scriptArgs('x \\'), { args: [], error: `Missing escape char at end: 'x \\'` });
});

test('a block records where its closing brace was', () => {
  const r = readText('a {\n  b\n  }\nc { d }\n');
  assert.deepEqual(r.stmts[0]!.end && [r.stmts[0]!.end.line, r.stmts[0]!.end.col], [3, 3]);
  assert.deepEqual(r.stmts[1]!.end && [r.stmts[1]!.end.line, r.stmts[1]!.end.col], [4, 7]);
});

test('CR LF line ends, tabs and form feeds', () => {
  const r = readText('global_defs {\r\n\trouter_id\tr1\r\n}\r\nx\fy z\r\n');
  assert.deepEqual(words(r.stmts), ['global_defs', '  router_id r1', 'x y z']);
  assert.deepEqual(positions(r.stmts)[1], '2:2 router_id | 2:12 r1');
});

test('a NUL ends the line, as for keepalived', () => {
  assert.deepEqual(words(readText('a b\0c d\ne\n').stmts), ['a b', 'e']);
});
