/**
 * fwmark (SO_MARK) and bind_if (SO_BINDTODEVICE) on check sockets, through the native socket
 * opener, proven by the kernel's routing in two namespaces of ours: a policy rule
 * `fwmark 77 prohibit` makes a marked TCP_CHECK fail while an unmarked one succeeds, and
 * bind_if lo makes it fail while bind_if eth0 succeeds. HTTP_GET over an opener socket too.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Lab, isRoot } from '../../helpers/netns';
import type { TcpTarget, HttpTarget } from '../../../src/check/types';

test('fwmark and bind_if reach the kernel (namespaces)', { skip: !isRoot() && 'needs root' }, async (t) => {
  const { nativeAvailable } = await import('../../../src/sys/native');
  if (!nativeAvailable()) return t.skip('native addon not built');
  const { withNetns } = await import('../../../src/sys/netns');
  const { nativeSockOpener } = await import('../../../src/sys/checksock');
  const { setSockOpener } = await import('../../../src/check/checkers/conn');
  const tcp = await import('../../../src/check/checkers/tcp');
  const http = await import('../../../src/check/checkers/http');

  const lab = await Lab.create('cksock');
  t.after(() => lab.dispose());
  const a = await lab.host('a', ['10.93.0.1/24']);
  const b = await lab.host('b', ['10.93.0.2/24']);
  await a.exec(['ip', 'rule', 'add', 'fwmark', '77', 'prohibit', 'pref', '10']);
  const srv = b.spawn([
    'python3',
    '-c',
    'import socket\ns=socket.socket();s.setsockopt(socket.SOL_SOCKET,socket.SO_REUSEADDR,1);s.bind(("10.93.0.2",8088));s.listen(16);print("ready",flush=True)\nwhile True:\n c,_=s.accept();c.recv(1000);c.sendall(b"HTTP/1.0 200 OK\\r\\nContent-Length: 2\\r\\n\\r\\nok");c.close()',
  ]);
  t.after(() => void srv.kill());
  await new Promise<void>((res, rej) => {
    srv.stdout!.once('data', () => res());
    srv.once('exit', () => rej(new Error('listener exited')));
  });

  setSockOpener(nativeSockOpener());
  t.after(() => setSockOpener(undefined));
  const base: TcpTarget = { kind: 'TCP_CHECK', host: '10.93.0.2', port: 8088, connectTimeoutMs: 2000 };
  const inA = <T>(f: () => Promise<T>): Promise<T> => withNetns(a.name, f);
  const sig = new AbortController().signal;

  assert.equal((await inA(() => tcp.run(base, sig))).code, 'OK', 'plain connect works');
  const marked = await inA(() => tcp.run({ ...base, fwmark: 77 }, sig));
  assert.notEqual(marked.code, 'OK', 'the fwmark 77 rule (prohibit) applies to the marked socket');
  assert.equal((await inA(() => tcp.run({ ...base, fwmark: 78 }, sig))).code, 'OK', 'another mark is routed');
  assert.notEqual((await inA(() => tcp.run({ ...base, bindIf: 'lo' }, sig))).code, 'OK', 'bound to lo: no route to 10.93.0.2');
  assert.equal((await inA(() => tcp.run({ ...base, bindIf: 'eth0', bindto: '10.93.0.1', bindPort: 40123 }, sig))).code, 'OK', 'bound to eth0 with bindto/bind_port');

  const ht: HttpTarget = { ...base, kind: 'HTTP_GET', tls: false, urls: [{ path: '/' }], httpProtocol: '1.0' };
  assert.equal((await inA(() => http.run({ ...ht, fwmark: 78 }, sig))).code, 'OK', 'HTTP_GET over an opener socket');
  assert.notEqual((await inA(() => http.run({ ...ht, fwmark: 77 }, sig))).code, 'OK');
});
