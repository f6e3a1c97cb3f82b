/**
 * ~SEQ / ~SEQx / ~LST with the examples of `man keepalived.conf` (Sequence blocks, List
 * blocks) and keepalived 2.2.7's error messages (checked with keepalived -t).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { problems, readText, words } from './helpers';

test('man page: ~SEQ(SUBNET, 0, 3)', () => {
  const r = readText('~SEQ(SUBNET, 0, 3) ip_address 10.0.${SUBNET}.1\n');
  assert.deepEqual(words(r.stmts), ['ip_address 10.0.0.1', 'ip_address 10.0.1.1', 'ip_address 10.0.2.1', 'ip_address 10.0.3.1']);
  // every repetition is placed where its text was written
  assert.deepEqual(r.stmts.map((s) => `${s.kw.line}:${s.kw.col}`), ['1:20', '1:20', '1:20', '1:20']);
});

test('man page: ~SEQx in decimal and hex notation', () => {
  const want = ['ip_address fe80::20:90:1', 'ip_address fe80::20:a0:1', 'ip_address fe80::20:b0:1', 'ip_address fe80::20:c0:1'];
  assert.deepEqual(words(readText('~SEQx(SUBNET, 144, 16, 192) ip_address fe80::20:${SUBNET}:1\n').stmts), want);
  assert.deepEqual(words(readText('~SEQx(SUBNET, 0x90, 0x10, 0xc0) ip_address fe80::20:${SUBNET}:1\n').stmts), want);
});

test('man page: two ~SEQx on one line inside a block', () => {
  const r = readText('virtual_ipaddress {\n    ~SEQx(AD2, 0x90, 0x10, 0xc0) ~SEQx(AD1, 0x12, -1, 0x0c) fe81::10:${AD2}:${AD1}\n}\n');
  const want: string[] = [];
  for (const a2 of [0x90, 0xa0, 0xb0, 0xc0]) for (let a1 = 0x12; a1 >= 0x0c; a1--) want.push(`  fe81::10:${a2.toString(16)}:${a1.toString(16)}`);
  assert.deepEqual(words(r.stmts), ['virtual_ipaddress', ...want]);
});

test('man page: nested ~SEQ over a multi-line definition (smaller ranges)', () => {
  const text = [
    '$VI4= \\',
    'track_file offset_instance_4.${IF}.${NUM}.${ID} { \\',
    '    file "${_PWD}/679/track_files/4.${IF}.${NUM}.${ID}" \\',
    '    weight -100 \\',
    '} \\',
    'vrrp_instance vrrp4.${IF}.${NUM}.${ID} { \\',
    '    interface bond${IF}.${NUM} \\',
    '    virtual_router_id ${ID} \\',
    '    virtual_ipaddress { \\',
    '        10.${IF}.${NUM}.${ID}/24 \\',
    '    } \\',
    '}',
    '',
    '~SEQ(IF,0,1) ~SEQ(NUM,0,2) ~SEQ(ID,1,3) $VI4',
  ].join('\n');
  const r = readText(text);
  const vi = r.stmts.filter((s) => s.kw.text === 'vrrp_instance').map((s) => s.args[0]!.text);
  const want: string[] = [];
  for (let i = 0; i <= 1; i++) for (let n = 0; n <= 2; n++) for (let id = 1; id <= 3; id++) want.push(`vrrp4.${i}.${n}.${id}`);
  assert.deepEqual(vi, want);
  assert.equal(r.stmts.length, 36);
  const last = r.stmts[35]!;
  assert.deepEqual(words(last.children!), ['interface bond1.2', 'virtual_router_id 3', 'virtual_ipaddress', '  10.1.2.3/24']);
  assert.deepEqual(problems(r), []);
});

test('man page: the full 65024-instance example expands (bounded time)', () => {
  const text = '$VI4= \\\nvrrp_instance vrrp4.${IF}.${NUM}.${ID} { \\\n    virtual_router_id ${ID} \\\n}\n\n~SEQ(IF,0,7) ~SEQ(NUM,0,31) ~SEQ(ID,1,254) $VI4\n';
  const r = readText(text);
  assert.equal(r.stmts.length, 65024);
  assert.equal(r.stmts[0]!.args[0]!.text, 'vrrp4.0.0.1');
  assert.equal(r.stmts[65023]!.args[0]!.text, 'vrrp4.7.31.254');
});

test('man page: ~LST with one variable, tuples, nesting, and combined with ~SEQ', () => {
  assert.deepEqual(words(readText('~LST({IP, IP1}, {10,1},{20,4},{5,6},{12,8}) 192.168.${IP}.${IP1}\n').stmts), ['192.168.10.1', '192.168.20.4', '192.168.5.6', '192.168.12.8']);
  const nested = words(readText('~LST(IP, 1, 2, 3, 4) ~LST(IP1, 5,6,7) 192.169.${IP}.${IP1}\n').stmts);
  const want: string[] = [];
  for (const a of [1, 2, 3, 4]) for (const b of [5, 6, 7]) want.push(`192.169.${a}.${b}`);
  assert.deepEqual(nested, want);
  const comb = words(readText('~LST({IP,   IP1},  {10,1},{20,4},{5,6},{12,8})  ~SEQ(IP2,168,2,172) 192.${IP2}.${IP}.${IP1}\n').stmts);
  const want2: string[] = [];
  for (const [a, b] of [[10, 1], [20, 4], [5, 6], [12, 8]]) for (const c of [168, 170, 172]) want2.push(`192.${c}.${a}.${b}`);
  assert.deepEqual(comb, want2);
});

test('~SEQ forms: defaults for start and step, octal/hex numbers, definitions in parameters', () => {
  const r = readText(
    ['$N=7', '~SEQ(i,$N,8) S1_$i', '~SEQ(i,) S3_$i', '~SEQ(i,0) S5_$i', '~SEQ(i,3,1) S6_$i', '~SEQ(i,010,0x0a) S9_$i', '~SEQ(i,1,2)S10_$i', '~SEQ (i,1,2) S11_$i', '~SEQ(i,-2) S12_$i'].join('\n') + '\n',
  );
  assert.deepEqual(words(r.stmts), ['S1_7', 'S1_8', 'S3_1', 'S3_0', 'S5_1', 'S5_0', 'S6_3', 'S6_2', 'S6_1', 'S9_8', 'S9_9', 'S9_10', 'S10_1', 'S10_2', 'S11_1', 'S11_2', 'S12_-1', 'S12_-2']);
  assert.deepEqual(problems(r), []);
});

test('~SEQ errors: keepalived messages', () => {
  const r = readText(['~SEQ(i) S2_$i', '~SEQ(i,a) S4_$i', '~SEQ(i,1,-1,3) S7_$i', '~SEQx(i,-1,2) S8_$i', `~SEQ(i,${'1'.repeat(70)}) T`, '~SEQ[i,1] U', '~SEQ(i,1,2', 'after'].join('\n') + '\n');
  assert.deepEqual(problems(r), [
    "error 1 Invalid ~SEQ definition '~SEQ(i) S2_$i'",
    "error 1 Invalid ~SEQ specification '~SEQ(i) S2_$i'",
    "error 2 Invalid ~SEQ definition '~SEQ(i,a) S4_$i'",
    "error 2 Invalid ~SEQ specification '~SEQ(i,a) S4_$i'",
    "error 3 Invalid ~SEQ values '~SEQ(i,1,-1,3) S7_$i'",
    "error 3 Invalid ~SEQ specification '~SEQ(i,1,-1,3) S7_$i'",
    "error 4 ~SEQx is only valid for positive numbers '~SEQx(i,-1,2) S8_$i'",
    "error 4 Invalid ~SEQ specification '~SEQx(i,-1,2) S8_$i'",
    `error 5 ~SEQ parameter strings too long '~SEQ(i,${'1'.repeat(70)}) T'`,
    `error 5 Invalid ~SEQ specification '~SEQ(i,${'1'.repeat(70)}) T'`,
    "error 6 Invalid ~SEQ specification '~SEQ[i,1] U'",
    "error 7 ~SEQ parameter strings too long '~SEQ(i,1,2'",
    "error 7 Invalid ~SEQ specification '~SEQ(i,1,2'",
  ]);
  assert.deepEqual(words(r.stmts), ['after']);
});

test('~LST forms and errors: keepalived messages', () => {
  const r = readText(
    [
      '~LST(v, a , b,c) L1_$v',
      '~LST( v,a) A1_$v',
      '~LST(v,{x},z) A3_$v',
      '~LST({p,q},{1,2},{3}) M_${p}_${q}',
      '~LST(v,) L6_$v',
      '~LST(v,a.b-c/d:e) A11_$v',
      '~LST(v,a,b)',
      '~LST( v ,{x y},z) L2_$v',
      '~LST({p,q},{1,2,3}) L4_${p}_${q}',
      '~LST(v) L5_$v',
      '~LST v,a) L7',
      '~LST(v,a L8_$v',
      '~LST(v,a b) A4_$v',
      '~LST({p q},{1 2}) A9_$p',
    ].join('\n') + '\n',
  );
  assert.deepEqual(words(r.stmts), ['L1_a', 'L1_b', 'L1_c', 'A1_a', 'A3_x', 'A3_z', 'M_1_2', 'M_3_', 'L6_', 'A11_a.b-c/d:e']);
  assert.deepEqual(problems(r), [
    "error 8 Invalid ~LST specification '~LST( v ,{x y},z) L2_$v'",
    "error 9 ~LST specification has too many values '~LST({p,q},{1,2,3}) L4_${p}_${q}'",
    "error 9 Invalid ~LST specification '~LST({p,q},{1,2,3}) L4_${p}_${q}'",
    "error 10 Invalid ~LST specification '~LST(v) L5_$v'",
    "error 11 Invalid ~LST specification '~LST v,a) L7'",
    "error 12 Invalid ~LST specification '~LST(v,a L8_$v'",
    "error 13 Invalid ~LST specification '~LST(v,a b) A4_$v'",
    "error 14 Invalid ~LST specification '~LST({p q},{1 2}) A9_$p'",
  ]);
});

test('a sequence variable stays defined with its last value', () => {
  assert.deepEqual(words(readText('~SEQ(i,1,2) x$i\nafter $i\n').stmts), ['x1', 'x2', 'after 2']);
});

test('a sequence over a block line builds blocks', () => {
  const r = readText('~SEQ(n,1,2) vrrp_instance VI_$n { virtual_router_id $n }\n');
  assert.deepEqual(words(r.stmts), ['vrrp_instance VI_1', '  virtual_router_id 1', 'vrrp_instance VI_2', '  virtual_router_id 2']);
});

test('a huge sequence is cut at the expansion limit with a diagnostic', () => {
  const r = readText('~SEQ(i,1,100000000) x$i\nafter\n', { limits: { maxGeneratedLines: 1000 } });
  assert.equal(r.stmts.length, 1001);
  assert.equal(words(r.stmts).at(-1), 'after');
  assert.ok(r.diagnostics.some((d) => d.code === 'CFG_EXPANSION_LIMIT'));
});
