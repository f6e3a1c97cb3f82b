/**
 * `$NAME=VALUE` definitions, `@id` conditional lines and the built-in definitions, with the
 * examples of `man keepalived.conf` (ADVANCED CONFIGURATION). Expected results were checked
 * against keepalived 2.2.7 -t.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { readConfigTree } from '../../../../src/config/tree';
import { GlibcRandom } from '../../../../src/config/preprocess';
import { positions, problems, readText, tempTree, words } from './helpers';

test('definitions: $NAME and ${NAME}, terminators, undefined and malformed uses left verbatim', () => {
  const r = readText(
    ['$X=hello', 'K_$X', 'K_${X}_y', 'K_$Xy', 'E1 $X,x', 'E2 ($X)', 'E3 $X:x', 'E6 $X\tt', 'E7 $$X', 'E8 ${X}${X}', 'U $UNDEF x', '$D = x', 'D_$D', '"Q1 $X" z', 'U2 ${UNDEF}', 'E5 ${ X}'].join('\n') + '\n',
  );
  assert.deepEqual(words(r.stmts), [
    'K_hello',
    'K_hello_y',
    'K_$Xy',
    'E1 hello,x',
    'E2 (hello)',
    'E3 $X:x',
    'E6 hello t',
    'E7 $hello',
    'E8 hellohello',
    'U $UNDEF x',
    '$D = x',
    'D_$D',
    'Q1 $X z',
    // an unreplaced ${…} is cut at its braces like any other text
    'U2 $',
    '  UNDEF',
    'E5 $',
    '  X',
  ]);
});

test('definitions: `${NAME }` replaces only `${NAME ` as keepalived does, leaving the }', () => {
  const r = readText('$E=v\nE4 ${E }\n');
  assert.deepEqual(words(r.stmts), ['E4 v']);
  assert.deepEqual(problems(r), ["error 2 Extra '}' found", "error 2 Unknown keyword '}'"]);
});

test('man page: replacement is recursive and done at use time', () => {
  const r = readText('$ADDRESS_BASE=10.2.${ADDRESS_BASE_SUB}\n$ADDRESS_BASE_SUB=0\n${ADDRESS_BASE}.100/32\n$ADDRESS_BASE_SUB=10\n${ADDRESS_BASE}.100/32\n');
  assert.deepEqual(words(r.stmts), ['10.2.0.100/32', '10.2.10.100/32']);
});

test('man page: definitions with conditional configuration', () => {
  const text = '@main $PRIORITY=240\n@backup $PRIORITY=200\nvrrp_instance VI_0 {\n    priority $PRIORITY\n}\n$IF_MAIN=@main\n$IF_MAIN priority 240\n';
  assert.deepEqual(words(readText(text, { configId: 'main' }).stmts), ['vrrp_instance VI_0', '  priority 240', 'priority 240']);
  assert.deepEqual(words(readText(text, { configId: 'backup' }).stmts), ['vrrp_instance VI_0', '  priority 200']);
  assert.deepEqual(words(readText(text, { configId: 'other' }).stmts), ['vrrp_instance VI_0', '  priority $PRIORITY']);
});

test('man page: conditional configuration and configuration id', () => {
  const text = [
    'global_defs {',
    '    @main   router_id main_router',
    '    @backup router_id backup_router',
    '}',
    'vrrp_instance VRRP {',
    '    @main    unicast_src_ip 1.2.3.4',
    '    @backup  unicast_src_ip 1.2.3.5',
    '    @backup2 unicast_src_ip 1.2.3.6',
    '    unicast_peer {',
    '        @^main    1.2.3.4',
    '        @^backup  1.2.3.5',
    '        @^backup2 1.2.3.6',
    '    }',
    '}',
  ].join('\n');
  const main = readText(text, { configId: 'main' });
  assert.deepEqual(words(main.stmts), ['global_defs', '  router_id main_router', 'vrrp_instance VRRP', '  unicast_src_ip 1.2.3.4', '  unicast_peer', '    1.2.3.5', '    1.2.3.6']);
  // positions survive the removal of `@id `
  assert.deepEqual(positions(main.stmts)[1], '2:13 router_id | 2:23 main_router');
  const other = readText(text, { configId: 'x' });
  assert.deepEqual(words(other.stmts), ['global_defs', 'vrrp_instance VRRP', '  unicast_peer', '    1.2.3.4', '    1.2.3.5', '    1.2.3.6']);
  // `@id` with nothing after it is dropped
  assert.deepEqual(words(readText('@main\n@main  M_ok\n@ nospace\n', { configId: 'main' }).stmts), ['M_ok']);
});

test('man page: multi-line definition', () => {
  const text = [
    '$INSTANCE= \\',
    'vrrp_instance VI_${NUM} { \\',
    '    interface eth0.${NUM} \\',
    '    use_vmac vrrp${NUM}.1 \\',
    '    virtual_router_id 1 \\',
    '    @high priority 130 \\',
    '    @low priority 120 \\',
    '    advert_int 1 \\',
    '    virtual_ipaddress { \\',
    '        10.0.${NUM}.254/24 \\',
    '    } \\',
    '    track_script { \\',
    '        offset_instance_${NUM} \\',
    '    } \\',
    '}',
    '',
    '$NUM=0',
    '$INSTANCE',
    '',
    '$NUM=1',
    '$INSTANCE',
  ].join('\n');
  const r = readText(text, { configId: 'high' });
  const one = (n: number) => [
    `vrrp_instance VI_${n}`,
    `  interface eth0.${n}`,
    `  use_vmac vrrp${n}.1`,
    '  virtual_router_id 1',
    '  priority 130',
    '  advert_int 1',
    '  virtual_ipaddress',
    `    10.0.${n}.254/24`,
    '  track_script',
    `    offset_instance_${n}`,
  ];
  assert.deepEqual(words(r.stmts), [...one(0), ...one(1)]);
  assert.deepEqual(problems(r), []);
  // expanded text is placed at the use site
  assert.equal(r.stmts[1]!.kw.line, 21);
  assert.equal(r.stmts[1]!.children![0]!.kw.line, 21);
});

test('man page: nested multi-line definitions (2 virtual servers with 3 real servers each)', () => {
  // The man page's example has blank lines inside $RS; in keepalived (and here) a blank line
  // ends a definition, so they are left out, as a working configuration must.
  const text = [
    '$RS= \\',
    'real_server 192.168.${VS_NUM}.${RS_NUM} 80 { \\',
    '    weight 1 \\',
    '    MISC_CHECK { \\',
    '        misc_path "${_PWD}/scripts/vs.sh RS_misc.${INST}.${VS_NUM}.${RS_NUM}.0 10.0.${VS_NUM}.4:80->192.168.${VS_NUM}.${RS_NUM}:80" \\',
    '    } \\',
    '    notify_up "${_PWD}/scripts/notify.sh RS_notify.${INST}.${VS_NUM}.${RS_NUM} UP" \\',
    '}',
    '',
    '$VS= \\',
    'virtual_server 10.0.${VS_NUM}.4 80 { \\',
    '    quorum 2 \\',
    '    $RS_NUM=1 \\',
    '    $RS \\',
    '    $RS_NUM=2 \\',
    '    $RS \\',
    '    $RS_NUM=3 \\',
    '    $RS \\',
    '}',
    '',
    '$VS_NUM=0',
    '$ALPHA=alpha',
    '$VS',
    '',
    '$VS_NUM=1',
    '$ALPHA=',
    '$VS',
  ].join('\n');
  const r = readText(text);
  assert.deepEqual(problems(r), []);
  assert.deepEqual(
    r.stmts.map((s) => `${s.kw.text} ${s.args.map((a) => a.text).join(' ')}`),
    ['virtual_server 10.0.0.4 80', 'virtual_server 10.0.1.4 80'],
  );
  for (const [k, s] of r.stmts.entries()) {
    const rs = s.children!.filter((c) => c.kw.text === 'real_server');
    assert.deepEqual(rs.map((c) => c.args[0]!.text), [1, 2, 3].map((n) => `192.168.${k}.${n}`));
    assert.deepEqual(words(rs[2]!.children!).slice(0, 2), ['weight 1', 'MISC_CHECK']);
    const misc = rs[2]!.children!.find((c) => c.kw.text === 'MISC_CHECK')!.children![0]!;
    assert.equal(misc.args[0]!.text, `${r.dir}/scripts/vs.sh RS_misc.\${INST}.${k}.3.0 10.0.${k}.4:80->192.168.${k}.3:80`);
    assert.equal(s.children![0]!.kw.text, 'quorum');
  }
});

test('multi-line definition: a comment-only line inside is skipped, an empty line ends it', () => {
  const r = readText('$X= \\\n a \\\n # c\n b \\\n c\nK_$X\n$Y= \\\n\n p\n$Y\nafter\n');
  assert.deepEqual(words(r.stmts), ['K_a', 'b', 'c', 'p', 'after']);
});

test('comments are stripped again after replacement; escaped ones too', () => {
  const r = readText('$X=xv\n$Q=p#q\nA a\\#b $X u\nB a\\#b $Y u\nC v w${_HASH}x y\nD "q${_HASH}r" u\nE $Q u v\nF x${_BANG}y\n');
  assert.deepEqual(words(r.stmts), ['A a', 'B a#b $Y u', 'C v w', 'D q#r u', 'E p u v', 'F x']);
});

test('built-ins: _PWD is the directory of the current file, _INSTANCE the config id', () => {
  const t = tempTree({ 'keepalived.conf': 'P ${_PWD}\nI ${_INSTANCE}\ninclude sub/x.conf\nP2 ${_PWD}\n', 'sub/x.conf': 'S ${_PWD}\n' });
  try {
    const r = readConfigTree(path.join(t.dir, 'keepalived.conf'), { configId: 'node1' });
    assert.deepEqual(words(r.stmts), [`P ${t.dir}`, 'I node1', `S ${path.join(t.dir, 'sub')}`, `P2 ${t.dir}`]);
  } finally {
    t.cleanup();
  }
});

test('built-ins: _RANDOM uses glibc random() from the seed, with optional MIN and MAX', () => {
  // glibc srandom(1); random() → 1804289383, 846930886, 1681692777 (checked with ctypes)
  const g = new GlibcRandom(1);
  assert.deepEqual([g.next(), g.next(), g.next()], [1804289383, 846930886, 1681692777]);
  const g42 = new GlibcRandom(42);
  assert.deepEqual([g42.next(), g42.next()], [71876166, 708592740]);
  const r = readText('R ${_RANDOM}\nR ${_RANDOM 5 10}\nR ${_RANDOM 100}\nR $_RANDOM\n', { randomSeed: 1 });
  assert.deepEqual(words(r.stmts), [`R ${1804289383 % 32768}`, `R ${(846930886 % 6) + 5}`, `R ${(1681692777 % (32767 - 100 + 1)) + 100}`, `R ${1714636915 % 32768}`]);
});

test('built-ins can be redefined', () => {
  assert.deepEqual(words(readText('$_HASH=H\nH_$_HASH\n').stmts), ['H_H']);
});

test('macro-expanded tokens carry the use-site position', () => {
  const r = readText('$ADDR=10.0.0.1/24 dev eth0\nvirtual_ipaddress {\n    $ADDR label x\n}\n');
  assert.deepEqual(positions(r.stmts), ['2:1 virtual_ipaddress', '3:5 10.0.0.1/24 | 3:5 dev | 3:5 eth0 | 3:11 label | 3:17 x']);
  assert.equal(r.stmts[0]!.children![0]!.raw, '10.0.0.1/24 dev eth0 label x');
});

test('recursive definitions are bounded, not a hang', () => {
  const a = readText('$A=$A\nK $A\nnext\n');
  assert.ok(a.diagnostics.some((d) => d.code === 'CFG_PARAM_RECURSION'));
  assert.equal(words(a.stmts).at(-1), 'next');
  const b = readText('$A=x $A $A\nK $A\nnext\n');
  assert.ok(b.diagnostics.some((d) => d.message.includes('would exceed maximum line length')));
  assert.ok(words(b.stmts)[0]!.length < 1024);
  assert.equal(words(b.stmts).at(-1), 'next');
});

test('replacement that would pass 1023 characters stops, as keepalived', () => {
  const a600 = 'a'.repeat(600);
  const r = readText(`$A=${a600}\nB_\${A}_\${A}\nnext\n`);
  // the first use is replaced, the second is left and then cut at its braces
  assert.deepEqual(words(r.stmts), [`B_${a600}_$`, '  A', 'next']);
});
