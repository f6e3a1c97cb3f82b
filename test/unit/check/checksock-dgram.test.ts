/**
 * fwmark (SO_MARK) and bind_if (SO_BINDTODEVICE) on the datagram and ICMP checkers
 * (UDP_CHECK, DNS_CHECK over src/sys/checksock.ts nativeDgramOpener; PING_CHECK over the
 * native ICMP socket), proven by the kernel's routing in two namespaces of ours: a policy
 * rule `fwmark 77 prohibit` makes a marked check fail while another mark succeeds, and
 * bind_if lo makes it fail while bind_if eth0 succeeds. A closed UDP port is still reported
 * as UDP_UNREACHABLE on the opener path (ICMP port unreachable → POLLERR → recvmsg
 * ECONNREFUSED). Without root: the configuration carries the fields to the targets, and
 * ConnectedUdp's opener path is driven over a fake socket.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { Lab, isRoot } from '../../helpers/netns';
import type { DnsTarget, PingTarget, UdpTarget } from '../../../src/check/types';
import { setDgramOpener, type DgramSock } from '../../../src/check/checkers/udp-sock';
import * as udp from '../../../src/check/checkers/udp';
import * as dns from '../../../src/check/checkers/dns';
import { checkerSlice, loadConfig } from '../../../src/config/index';
import { checkersFromSlice } from '../../../src/check/from-config';

const sig = new AbortController().signal;

test('from-config: PING_CHECK, UDP_CHECK and DNS_CHECK targets carry fwmark and bind_if', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kats-dgram-'));
  try {
    const f = path.join(dir, 'k.conf');
    const chk = (kind: string, extra = '') => `    ${kind} {\n      fwmark 7\n      bind_if eth1\n      bindto 10.0.0.9\n${extra}    }\n`;
    fs.writeFileSync(
      f,
      `virtual_server 10.0.0.1 53 {\n  lb_kind NAT\n  protocol UDP\n  real_server 10.0.0.5 53 {\n${chk('PING_CHECK')}${chk('UDP_CHECK')}${chk('DNS_CHECK')}  }\n}\n`,
    );
    const r = loadConfig(f, { configId: 'test', scriptFound: () => true, userExists: () => true });
    const targets = checkersFromSlice(checkerSlice(r.config)).map((c) => c.target as { kind: string; fwmark?: number; bindIf?: string; bindto?: string });
    assert.deepEqual(
      targets.map((t) => [t.kind, t.fwmark, t.bindIf, t.bindto]),
      [
        ['PING_CHECK', 7, 'eth1', '10.0.0.9'],
        ['UDP_CHECK', 7, 'eth1', '10.0.0.9'],
        ['DNS_CHECK', 7, 'eth1', '10.0.0.9'],
      ],
    );
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

const udpTarget = (over: Partial<UdpTarget> = {}): UdpTarget => ({
  kind: 'UDP_CHECK',
  host: '10.94.0.2',
  port: 9000,
  connectTimeoutMs: 1500,
  replyRequired: false,
  minReplyLength: 0,
  maxReplyLength: 255,
  ...over,
});

const errno = (code: string): Error => Object.assign(new Error(code), { code });

/** A fake opener socket: `script` decides what recv() gives after the first send. */
function fakeOpener(onSend: (fire: (status: number) => void) => void, recvs: (Buffer | Error | null)[]) {
  const log: string[] = [];
  const opener = (o: { fwmark?: number; bindIf?: string }): DgramSock => {
    log.push(`open fwmark=${o.fwmark ?? 0} bindIf=${o.bindIf ?? ''}`);
    let cb: ((status: number) => void) | undefined;
    return {
      send: (d) => {
        log.push(`send ${d.toString()}`);
        onSend((st) => cb?.(st));
      },
      recv: () => {
        const r = recvs.shift() ?? null;
        if (r instanceof Error) throw r;
        return r;
      },
      onReadable: (f) => {
        cb = f;
      },
      close: () => log.push('close'),
    };
  };
  return { opener, log };
}

test('opener path: ICMP unreachable (poll status < 0, recvmsg ECONNREFUSED) → UDP_UNREACHABLE, socket closed', async (t) => {
  t.after(() => setDgramOpener(undefined));
  const f = fakeOpener((fire) => setImmediate(() => fire(-9)), [errno('ECONNREFUSED')]);
  setDgramOpener(f.opener);
  const r = await udp.run(udpTarget({ fwmark: 5, payload: Buffer.from('hi') }), sig);
  assert.deepEqual(r, { code: 'UDP_UNREACHABLE', detail: 'ECONNREFUSED' });
  assert.deepEqual(f.log, ['open fwmark=5 bindIf=', 'send hi', 'close']);
});

test('opener path: reply matched; poll error without a socket error is a READ_ERROR; opener failures as connect failures', async (t) => {
  t.after(() => setDgramOpener(undefined));
  let f = fakeOpener((fire) => setImmediate(() => fire(0)), [Buffer.from('ok'), null]);
  setDgramOpener(f.opener);
  const want = udp.parseHexWithWildcards(Buffer.from('ok').toString('hex'))!;
  assert.deepEqual(await udp.run(udpTarget({ bindIf: 'eth9', replyRequired: true, requireReply: want }), sig), { code: 'OK' });
  assert.deepEqual(f.log, ['open fwmark=0 bindIf=eth9', 'send ', 'close']);

  f = fakeOpener((fire) => setImmediate(() => fire(-9)), [null]);
  setDgramOpener(f.opener);
  assert.equal((await udp.run(udpTarget({ bindIf: 'eth9' }), sig)).code, 'READ_ERROR');

  setDgramOpener(() => {
    throw errno('ENETUNREACH');
  });
  assert.deepEqual(await udp.run(udpTarget({ fwmark: 1 }), sig), { code: 'NET_UNREACHABLE', detail: 'ENETUNREACH' });
  setDgramOpener(() => {
    throw errno('EACCES');
  });
  assert.deepEqual(await udp.run(udpTarget({ fwmark: 1 }), sig), { code: 'CONNECT_ERROR', detail: 'EACCES' });
  const dt: DnsTarget = { kind: 'DNS_CHECK', host: '10.94.0.2', port: 53, connectTimeoutMs: 500, type: 'A', name: 'x.' };
  assert.equal((await dns.run({ ...dt, fwmark: 1 }, sig)).code, 'CONNECT_ERROR');
});

/** UDP on 9000 (v4 and v6): replies "P<source port>"; DNS on 5353: answers every query (RCODE 0, no answers). */
const SERVER = `
import select, socket
u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); u.bind(("10.94.0.2", 9000))
d = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); d.bind(("10.94.0.2", 5353))
u6 = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM); u6.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1); u6.bind(("::", 9000))
print("ready", flush=True)
while True:
    for s in select.select([u, d, u6], [], [])[0]:
        q, a = s.recvfrom(2048)
        if s is u or s is u6:
            s.sendto(b"P%d" % a[1], a)
        elif len(q) >= 12:
            s.sendto(q[0:2] + b"\\x81\\x80" + q[4:6] + b"\\x00\\x00\\x00\\x00\\x00\\x00" + q[12:], a)
`;

test('UDP_CHECK, DNS_CHECK and PING_CHECK: fwmark and bind_if reach the kernel (namespaces)', { skip: !isRoot() && 'needs root' }, async (t) => {
  const { nativeAvailable, native } = await import('../../../src/sys/native');
  if (!nativeAvailable()) return t.skip('native addon not built');
  const { withNetns } = await import('../../../src/sys/netns');
  const { nativeDgramOpener } = await import('../../../src/sys/checksock');
  const { nativePinger } = await import('../../../src/check/checkers/ping-native');
  const ping = await import('../../../src/check/checkers/ping');

  const lab = await Lab.create('dgram');
  t.after(() => lab.dispose());
  const a = await lab.host('a', ['10.94.0.1/24']);
  const b = await lab.host('b', ['10.94.0.2/24']);
  await a.exec(['ip', 'rule', 'add', 'fwmark', '77', 'prohibit', 'pref', '10']);
  await a.exec(['ip', '-6', 'rule', 'add', 'fwmark', '77', 'prohibit', 'pref', '10']);
  await a.exec(['ip', '-6', 'addr', 'add', 'fd94::1/64', 'dev', 'eth0', 'nodad']);
  await b.exec(['ip', '-6', 'addr', 'add', 'fd94::2/64', 'dev', 'eth0', 'nodad']);
  const srv = b.spawn(['python3', '-c', SERVER]);
  t.after(() => void srv.kill());
  await new Promise<void>((res, rej) => {
    srv.stdout!.once('data', () => res());
    srv.once('exit', () => rej(new Error('responder exited')));
  });

  setDgramOpener(nativeDgramOpener());
  t.after(() => setDgramOpener(undefined));
  const inA = <T>(f: () => Promise<T>): Promise<T> => withNetns(a.name, f);
  const reply = (s: string): Pick<UdpTarget, 'replyRequired' | 'requireReply'> => ({
    replyRequired: true,
    requireReply: udp.parseHexWithWildcards(Buffer.from(s).toString('hex'))!,
  });

  // UDP_CHECK
  assert.deepEqual(await inA(() => udp.run(udpTarget({ fwmark: 78, ...reply('P') }), sig)), { code: 'OK' }, 'another mark is routed, the reply arrives');
  const marked = await inA(() => udp.run(udpTarget({ fwmark: 77 }), sig));
  assert.notEqual(marked.code, 'OK', 'fwmark 77 (prohibit) fails even without require_reply');
  // bound to lo the datagram never reaches b (no ICMP error either: only a required reply tells)
  assert.equal((await inA(() => udp.run(udpTarget({ bindIf: 'lo', ...reply('P') }), sig))).code, 'UDP_NO_REPLY', 'bound to lo');
  assert.deepEqual(
    await inA(() => udp.run(udpTarget({ bindIf: 'eth0', bindto: '10.94.0.1', bindPort: 40124, ...reply('P40124') }), sig)),
    { code: 'OK' },
    'bound to eth0, from bindto:bind_port (the responder echoes the source port)',
  );
  assert.equal((await inA(() => udp.run(udpTarget({ fwmark: 78, port: 9001 }), sig))).code, 'UDP_UNREACHABLE', 'closed port: ICMP unreachable on the opener socket');

  // IPv6: a global destination with fwmark; a link-local one whose scope is bind_if
  const v6 = udpTarget({ host: 'fd94::2', ...reply('P') });
  assert.deepEqual(await inA(() => udp.run({ ...v6, fwmark: 78 }, sig)), { code: 'OK' }, 'IPv6, another mark');
  assert.notEqual((await inA(() => udp.run({ ...v6, fwmark: 77 }, sig))).code, 'OK', 'IPv6, fwmark 77 (prohibit)');
  const linkLocal = async (ns: typeof a): Promise<string> => {
    for (let i = 0; i < 100; i++) {
      const out = (await ns.exec(['ip', '-6', '-o', 'addr', 'show', 'dev', 'eth0', 'scope', 'link'])).stdout;
      const m = /inet6 (fe80::[0-9a-f:]+)\/64 scope link\s*(tentative)?/.exec(out);
      if (m && !m[2]) return m[1]!;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`no usable link-local address in ${ns.name}`);
  };
  const bLl = await linkLocal(b);
  await linkLocal(a);
  assert.deepEqual(await inA(() => udp.run({ ...v6, host: bLl, bindIf: 'eth0' }, sig)), { code: 'OK' }, `link-local ${bLl} scoped by bind_if eth0`);

  // DNS_CHECK
  const dt: DnsTarget = { kind: 'DNS_CHECK', host: '10.94.0.2', port: 5353, connectTimeoutMs: 1500, type: 'A', name: 'example.org' };
  assert.deepEqual(await inA(() => dns.run({ ...dt, fwmark: 78 }, sig)), { code: 'OK' });
  assert.notEqual((await inA(() => dns.run({ ...dt, fwmark: 77 }, sig))).code, 'OK');
  assert.notEqual((await inA(() => dns.run({ ...dt, bindIf: 'lo' }, sig))).code, 'OK');
  assert.deepEqual(await inA(() => dns.run({ ...dt, bindIf: 'eth0' }, sig)), { code: 'OK' });
  assert.equal((await inA(() => dns.run({ ...dt, bindIf: 'eth0', port: 5354 }, sig))).code, 'READ_ERROR', 'closed port');

  // PING_CHECK over the raw ICMP socket
  const pinger = nativePinger(native());
  const pt: PingTarget = { kind: 'PING_CHECK', host: '10.94.0.2', connectTimeoutMs: 1500 };
  assert.deepEqual(await inA(() => pinger({ ...pt, fwmark: 78 }, sig)), { code: 'OK' });
  assert.notEqual((await inA(() => pinger({ ...pt, fwmark: 77 }, sig))).code, 'OK');
  assert.notEqual((await inA(() => pinger({ ...pt, bindIf: 'lo' }, sig))).code, 'OK');
  assert.deepEqual(await inA(() => pinger({ ...pt, bindIf: 'eth0', bindto: '10.94.0.1' }, sig)), { code: 'OK' });
  // ping.run sends targets with fwmark / bind_if to the installed pinger
  ping.setSockPinger(pinger);
  t.after(() => ping.setSockPinger(undefined));
  assert.notEqual((await inA(() => ping.run({ ...pt, fwmark: 77 }, sig))).code, 'OK');
  assert.deepEqual(await inA(() => ping.run({ ...pt, bindIf: 'eth0' }, sig)), { code: 'OK' });
});
