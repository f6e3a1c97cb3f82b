/**
 * TCP_CHECK over the native connect probe (src/sys/checksock.ts nativeConnectProbe, installed
 * with tcp.ts setConnectProbe), as keepalived's check_tcp: non-blocking socket, connect, wait
 * for writable, SO_ERROR, close; no net.Socket. Against real listeners in two namespaces of
 * ours (a: the checker, b: the servers):
 *   success (and the server sees the connection closed), refused, timeout (SYNs to a neighbour
 *   entry nobody answers for), unreachable (at once: no route; later: ARP fails), abort
 *   mid-connect, fwmark (a `fwmark 77 prohibit` rule) and bind_if / bindto / bind_port, IPv6
 *   link-local scoped by bind_if, no fd left behind after 1,000 checks; and the fallback for
 *   an addon built without connectInetNb/epoll*.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { test } from 'node:test';
import { Lab, isRoot, type Netns } from '../../helpers/netns';
import type { CheckResult, TcpTarget } from '../../../src/check/types';

const openFds = (): number => fs.readdirSync('/proc/self/fd').length;

/** python3 listener in `ns`: prints "ready", then "PEER-IP PEER-PORT" per accepted connection and "closed" when the peer closes it. */
async function listener(ns: Netns, host: string, port: number): Promise<{ lines: string[]; kill: () => void }> {
  const fam = host.includes(':') ? 'socket.AF_INET6' : 'socket.AF_INET';
  const py = [
    'import socket, threading',
    `s = socket.socket(${fam})`,
    's.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)',
    `s.bind((${JSON.stringify(host)}, ${port}))`,
    's.listen(4096)',
    'print("ready", flush=True)',
    'def serve(c, a):',
    '    print(a[0], a[1], flush=True)',
    '    while c.recv(100): pass',
    '    print("closed", flush=True)',
    '    c.close()',
    'while True:',
    '    c, a = s.accept()',
    '    threading.Thread(target=serve, args=(c, a), daemon=True).start()',
  ].join('\n');
  const p = ns.spawn(['python3', '-u', '-c', py]);
  const lines: string[] = [];
  let buf = '';
  await new Promise<void>((res, rej) => {
    p.stdout!.on('data', (d: Buffer) => {
      buf += d.toString();
      const parts = buf.split('\n');
      buf = parts.pop()!;
      for (const l of parts) {
        if (l === 'ready') res();
        else lines.push(l);
      }
    });
    p.once('exit', () => rej(new Error('listener exited')));
  });
  return { lines, kill: () => void p.kill('SIGKILL') };
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

test('native TCP_CHECK against real listeners (namespaces)', { skip: !isRoot() && 'needs root' }, async (t) => {
  const { nativeAvailable } = await import('../../../src/sys/native');
  if (!nativeAvailable()) return t.skip('native addon not built');
  const { withNetns } = await import('../../../src/sys/netns');
  const { nativeConnectProbe } = await import('../../../src/sys/checksock');
  const tcp = await import('../../../src/check/checkers/tcp');

  const lab = await Lab.create('tcpfast');
  t.after(() => lab.dispose());
  const a = await lab.host('a', ['10.94.0.1/24']);
  const b = await lab.host('b', ['10.94.0.2/24']);
  await a.exec(['ip', 'rule', 'add', 'fwmark', '77', 'prohibit', 'pref', '10']);
  // 10.94.0.98: a neighbour entry for a MAC nobody has, so SYNs leave and are never answered
  await a.exec(['ip', 'neigh', 'replace', '10.94.0.98', 'lladdr', '02:00:00:00:00:98', 'dev', 'eth0', 'nud', 'permanent']);
  const srv = await listener(b, '10.94.0.2', 8088);
  t.after(() => srv.kill());

  // the probe counts its runs and cancels, to show the native path (not Node's net) was taken
  const real = nativeConnectProbe();
  let started = 0;
  let cancels = 0;
  const install = (): void =>
    tcp.setConnectProbe((co, done) => {
      const r = real(co, done);
      if (!r) return r;
      started++;
      return { cancel: () => (cancels++, r.cancel()) };
    });
  install();
  t.after(() => tcp.setConnectProbe(undefined));

  const base: TcpTarget = { kind: 'TCP_CHECK', host: '10.94.0.2', port: 8088, connectTimeoutMs: 2000 };
  const never = new AbortController().signal;
  const inA = (tg: TcpTarget, sig: AbortSignal = never): Promise<CheckResult> => withNetns(a.name, () => tcp.run(tg, sig));

  await t.test('success; the connection is closed again', async () => {
    const n0 = started;
    const fds0 = openFds();
    assert.deepEqual(await inA(base), { code: 'OK' });
    assert.equal(started, n0 + 1, 'the native probe ran');
    assert.ok(openFds() <= fds0 + 1, 'fd closed (the probe keeps one epoll set)');
    const fds = openFds();
    assert.deepEqual(await inA(base), { code: 'OK' });
    assert.equal(openFds(), fds, 'fd closed');
    for (let i = 0; i < 50 && !srv.lines.includes('closed'); i++) await sleep(20);
    assert.ok(srv.lines.some((l) => l.startsWith('10.94.0.1 ')), srv.lines.join('|'));
    assert.ok(srv.lines.includes('closed'), 'the server saw the close');
  });

  await t.test('refused', async () => {
    assert.deepEqual(await inA({ ...base, port: 8089 }), { code: 'CONNECT_REFUSED', detail: 'ECONNREFUSED' });
  });

  await t.test('timeout: connect_timeout while SYNs go unanswered; the socket is closed', async () => {
    const fds = openFds();
    const c0 = cancels;
    assert.deepEqual(await inA({ ...base, host: '10.94.0.98', connectTimeoutMs: 300 }), { code: 'CONNECT_TIMEOUT', detail: 'timeout' });
    assert.equal(cancels, c0 + 1);
    assert.equal(openFds(), fds);
  });

  await t.test('unreachable: no route (at once) and a neighbour that never answers ARP (later, from SO_ERROR)', async () => {
    assert.deepEqual(await inA({ ...base, host: '192.0.2.1' }), { code: 'NET_UNREACHABLE', detail: 'ENETUNREACH' });
    const fds = openFds();
    assert.deepEqual(await inA({ ...base, host: '10.94.0.77', connectTimeoutMs: 10000 }), { code: 'NET_UNREACHABLE', detail: 'EHOSTUNREACH' });
    assert.equal(openFds(), fds);
  });

  await t.test('abort mid-connect closes the socket', async () => {
    const fds = openFds();
    const ac = new AbortController();
    const c0 = cancels;
    const p = inA({ ...base, host: '10.94.0.98', connectTimeoutMs: 5000 }, ac.signal);
    await sleep(50);
    assert.equal(openFds(), fds + 1, 'the socket is open while connecting');
    ac.abort();
    assert.deepEqual(await p, { code: 'ABORTED', detail: 'aborted' });
    assert.equal(cancels, c0 + 1);
    assert.equal(openFds(), fds);
    assert.deepEqual(await inA(base, ac.signal), { code: 'ABORTED', detail: 'aborted' }, 'already aborted');
  });

  await t.test('fwmark, bind_if, bindto and bind_port are applied', async () => {
    const marked = await inA({ ...base, fwmark: 77 });
    assert.equal(marked.code, 'CONNECT_ERROR', 'the fwmark 77 rule (prohibit) applies');
    assert.equal(marked.detail, 'EACCES');
    assert.equal((await inA({ ...base, fwmark: 78 })).code, 'OK', 'another mark is routed');
    assert.notEqual((await inA({ ...base, bindIf: 'lo' })).code, 'OK', 'bound to lo: no route to 10.94.0.2');
    assert.equal((await inA({ ...base, bindIf: 'eth0', bindto: '10.94.0.1', bindPort: 40123 })).code, 'OK');
    for (let i = 0; i < 50 && !srv.lines.includes('10.94.0.1 40123'); i++) await sleep(20);
    assert.ok(srv.lines.includes('10.94.0.1 40123'), `source 10.94.0.1:40123 seen (${srv.lines.join('|')})`);
    const bad = await inA({ ...base, bindto: '10.94.0.200' });
    assert.deepEqual(bad, { code: 'CONNECT_ERROR', detail: 'EADDRNOTAVAIL' }, 'bindto an address we do not have');
  });

  await t.test('IPv6 link-local destination scoped by bind_if', async (tt) => {
    const ll = async (ns: Netns): Promise<string | undefined> => {
      for (let i = 0; i < 60; i++) {
        const out = (await ns.exec(['ip', '-6', '-o', 'addr', 'show', 'dev', 'eth0', 'scope', 'link'])).stdout;
        const m = /inet6 (fe80::[0-9a-f:]+)\/64 scope link\s*(\S*)/.exec(out);
        if (m && !/tentative/.test(out)) return m[1];
        await sleep(100);
      }
      return undefined;
    };
    const bll = await ll(b);
    if (!bll || !(await ll(a))) return tt.skip('no link-local address');
    const s6 = await listener(b, '::', 8090);
    tt.after(() => s6.kill());
    const n0 = started;
    assert.deepEqual(await inA({ ...base, host: bll, port: 8090, bindIf: 'eth0' }), { code: 'OK' });
    assert.equal(started, n0 + 1);
    assert.equal((await inA({ ...base, host: `${bll}%eth0`, port: 8090 })).code, 'OK', 'scope given as %ifname');
    assert.equal((await inA({ ...base, host: bll, port: 8091, bindIf: 'eth0' })).code, 'CONNECT_REFUSED');
  });

  await t.test('no fd left behind after 1,000 checks (successes, refusals, timeouts, aborts)', async () => {
    // let the previous subtest's listener go (its pipes close when it has exited)
    let fds = openFds();
    for (let i = 0; i < 20; i++) {
      await sleep(50);
      const now = openFds();
      if (now === fds) break;
      fds = now;
    }
    const n0 = started;
    const results = new Map<string, number>();
    const count = (r: CheckResult): void => void results.set(r.code, (results.get(r.code) ?? 0) + 1);
    for (let round = 0; round < 20; round++) {
      const batch: Promise<void>[] = [];
      const ac = new AbortController();
      for (let i = 0; i < 50; i++) {
        const k = i % 10;
        const tg: TcpTarget =
          k < 6 ? base : k < 8 ? { ...base, port: 8089 } : k === 8 ? { ...base, host: '10.94.0.98', connectTimeoutMs: 20 } : { ...base, host: '10.94.0.98', connectTimeoutMs: 5000 };
        batch.push(inA(tg, k === 9 ? ac.signal : never).then(count));
      }
      setTimeout(() => ac.abort(), 30);
      await Promise.all(batch);
    }
    assert.equal(started - n0, 1000);
    assert.deepEqual(Object.fromEntries(results), { OK: 600, CONNECT_REFUSED: 200, CONNECT_TIMEOUT: 100, ABORTED: 100 });
    assert.equal(openFds(), fds, 'as many fds open as before');
  });

  await t.test('an addon built before connectInetNb/epoll*: connectInet and a poll() per socket', async () => {
    const { native } = await import('../../../src/sys/native');
    const old = nativeConnectProbe({ ...native(), connectInetNb: undefined, epollCreate: undefined, epollCtl: undefined, epollWait: undefined });
    let oldStarted = 0;
    tcp.setConnectProbe((co, done) => (oldStarted++, old(co, done)));
    try {
      const fds = openFds();
      assert.deepEqual(await inA(base), { code: 'OK' });
      assert.deepEqual(await inA({ ...base, port: 8089 }), { code: 'CONNECT_REFUSED', detail: 'ECONNREFUSED' });
      assert.deepEqual(await inA({ ...base, host: '10.94.0.98', connectTimeoutMs: 200 }), { code: 'CONNECT_TIMEOUT', detail: 'timeout' });
      assert.equal(oldStarted, 3);
      assert.equal(openFds(), fds);
    } finally {
      install();
    }
  });

  await t.test('a host that is not an IP address goes through Node net', async () => {
    const n0 = started;
    const r = await withNetns(a.name, () => tcp.run({ ...base, host: 'localhost', port: 8089, connectTimeoutMs: 500 }, never));
    assert.ok(['CONNECT_REFUSED', 'CONNECT_TIMEOUT', 'OK', 'NET_UNREACHABLE'].includes(r.code), r.code);
    assert.equal(started, n0, 'probe declined it');
  });
});
