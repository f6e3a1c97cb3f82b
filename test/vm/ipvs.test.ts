/**
 * IpvsClient against a real IPVS kernel. Runs inside the IPVS VM (test/vm/run-ipvs-tests.sh);
 * skipped elsewhere (no root, or no IPVS genl family). Every test flushes IPVS before and after.
 * Independent check: what `ipvsadm -Ln` prints for the state we programmed.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { after, before, test } from 'node:test';
import { AF_INET, AF_INET6, IpvsClient, IpvsDaemonState, IpvsFwd, IpvsSvcFlag, formatIpvsVersion, type IpvsError } from '../../src/sys/ipvs';
import { openIpvsOrWhy } from './ipvs-open';

let client: IpvsClient | undefined;
let why = '';

before(async () => {
  const o = await openIpvsOrWhy();
  if ('why' in o) why = o.why;
  else client = o.client;
});
after(async () => {
  if (client) await client.flush().catch(() => undefined);
  client?.close();
});

function c(t: { skip(msg: string): void }): IpvsClient | undefined {
  if (!client) t.skip(why);
  return client;
}

const ipvsadm = (...args: string[]) => execFileSync('ipvsadm', args, { encoding: 'utf8' });
const v4 = (s: string) => Buffer.from(s.split('.').map(Number));
const TCP = 6;
const UDP = 17;

test('info: version and table size', async (t) => {
  const k = c(t);
  if (!k) return;
  const i = await k.info();
  assert.match(ipvsadm('-Ln'), new RegExp(`IP Virtual Server version ${formatIpvsVersion(i.version).replace(/\./g, '\\.')} \\(size=${i.connTabSize}\\)`));
});

test('services and destinations: add, list, edit, delete; ipvsadm sees the same', async (t) => {
  const k = c(t);
  if (!k) return;
  await k.flush();
  const web = { af: AF_INET, protocol: TCP, addr: v4('10.1.1.1'), port: 80 };
  await k.addService({ ...web, schedName: 'wrr' });
  await k.addService({ af: AF_INET6, protocol: UDP, addr: Buffer.from('20010db8000000000000000000000001', 'hex'), port: 53, schedName: 'rr', flags: { flags: IpvsSvcFlag.PERSISTENT, mask: 0xffffffff }, timeout: 300 });
  await k.addService({ af: AF_INET, fwmark: 7, schedName: 'lc' });
  await k.addDest(web, { addr: v4('10.1.1.2'), port: 8080, fwdMethod: IpvsFwd.MASQ, weight: 5 });
  await k.addDest(web, { addr: v4('10.1.1.3'), port: 8080, fwdMethod: IpvsFwd.DROUTE, weight: 0 });
  await k.addDest({ af: AF_INET, fwmark: 7 }, { addr: v4('10.1.1.4'), port: 0, fwdMethod: IpvsFwd.TUNNEL, weight: 2 });

  const out = ipvsadm('-Ln');
  assert.match(out, /TCP {2}10\.1\.1\.1:80 wrr\n {2}-> 10\.1\.1\.2:8080 +Masq +5 .*\n {2}-> 10\.1\.1\.3:8080 +Route +0 /);
  assert.match(out, /UDP {2}\[2001:db8::1\]:53 rr persistent 300/);
  assert.match(out, /FWM {2}7 lc\n {2}-> 10\.1\.1\.4:0 +Tunnel +2 /);

  const svcs = await k.getServices();
  assert.equal(svcs.length, 3);
  const w = svcs.find((s) => s.port === 80)!;
  assert.equal(w.schedName, 'wrr');
  assert.deepEqual([...w.addr!], [10, 1, 1, 1]);
  const dests = await k.getDests(web);
  assert.deepEqual(dests.map((d) => `${[...d.addr].join('.')}:${d.port}/${d.fwdMethod! & 7}/${d.weight}`).sort(), ['10.1.1.2:8080/0/5', '10.1.1.3:8080/3/0']);

  // edit: scheduler + persistence on the service, weight and thresholds on a dest
  await k.editService({ ...web, schedName: 'wlc', flags: { flags: IpvsSvcFlag.PERSISTENT, mask: 0xffffffff }, timeout: 60, netmask: 0xffffff00 });
  await k.editDest(web, { addr: v4('10.1.1.2'), port: 8080, fwdMethod: IpvsFwd.MASQ, weight: 9, uThreshold: 100, lThreshold: 10 });
  assert.match(ipvsadm('-Ln'), /TCP {2}10\.1\.1\.1:80 wlc persistent 60 mask 255\.255\.255\.0\n {2}-> 10\.1\.1\.2:8080 +Masq +9 /);
  const got = await k.getService(web);
  assert.equal(got.timeout, 60);
  assert.equal(got.netmask, 0xffffff00);
  assert.match(ipvsadm('-Ln', '--thresholds'), /10\.1\.1\.2:8080 +100 +10/);

  // delete
  await k.delDest(web, { addr: v4('10.1.1.3'), port: 8080 });
  assert.equal((await k.getDests(web)).length, 1);
  await k.delService(web);
  assert.doesNotMatch(ipvsadm('-Ln'), /10\.1\.1\.1:80/);
  assert.equal((await k.getServices()).length, 2);
  await k.flush();
  assert.equal((await k.getServices()).length, 0);
});

test('kernel errors come back as IpvsError with errno names', async (t) => {
  const k = c(t);
  if (!k) return;
  await k.flush();
  const svc = { af: AF_INET, protocol: TCP, addr: v4('10.2.2.2'), port: 443 };
  await k.addService({ ...svc, schedName: 'rr' });
  await assert.rejects(k.addService({ ...svc, schedName: 'rr' }), { code: 'EEXIST', errno: 17, syscall: 'netlink' });
  await assert.rejects(k.delService({ ...svc, port: 444 }), { code: 'ESRCH' });
  await assert.rejects(k.getService({ ...svc, port: 444 }), { code: 'ESRCH' });
  await assert.rejects(k.addService({ ...svc, port: 8443, schedName: 'no-such-sched' }), { code: 'ENOENT' });
  await assert.rejects(k.delDest(svc, { addr: v4('10.2.2.9'), port: 1 }), { code: 'ENOENT' });
  await k.flush();
});

test('timeouts and sync daemon', async (t) => {
  const k = c(t);
  if (!k) return;
  await k.setTimeouts({ tcp: 901, tcpFin: 121, udp: 301 });
  assert.deepEqual(await k.getTimeouts(), { tcp: 901, tcpFin: 121, udp: 301 });
  assert.match(ipvsadm('-L', '--timeout'), /Timeout \(tcp tcpfin udp\): 901 121 301/);
  execFileSync('ip', ['link', 'add', 'kats-d0', 'type', 'dummy']);
  try {
    execFileSync('ip', ['link', 'set', 'kats-d0', 'multicast', 'on', 'up']);
    await k.startDaemon({ state: IpvsDaemonState.MASTER, mcastIfn: 'kats-d0', syncId: 5 });
    const ds = await k.getDaemons();
    assert.equal(ds.length, 1);
    assert.equal(ds[0]!.state, IpvsDaemonState.MASTER);
    assert.equal(ds[0]!.mcastIfn, 'kats-d0');
    assert.equal(ds[0]!.syncId, 5);
    assert.match(ipvsadm('-L', '--daemon'), /master sync daemon \(mcast=kats-d0, syncid=5/);
    await k.stopDaemon(IpvsDaemonState.MASTER);
    assert.deepEqual(await k.getDaemons(), []);
  } finally {
    execFileSync('ip', ['link', 'del', 'kats-d0']);
  }
});

test('many services in one dump (multi-part replies)', async (t) => {
  const k = c(t);
  if (!k) return;
  await k.flush();
  for (let i = 0; i < 300; i++) await k.addService({ af: AF_INET, protocol: TCP, addr: v4(`10.3.${i >> 8}.${i & 255}`), port: 80, schedName: 'rr' });
  const all = await k.getServices();
  assert.equal(all.length, 300);
  assert.equal(new Set(all.map((s) => s.addr!.toString('hex'))).size, 300);
  await k.zero();
  await k.flush();
});
