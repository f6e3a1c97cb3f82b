/**
 * Smoke test of the socket layer against real keepalived 2.2.7: keepalived (BACKUP, prio 100)
 * in namespace B hears our VRRPv2 adverts (prio 200) and stays BACKUP; when we stop, it takes
 * over and we receive its adverts with TTL 255. Protocol logic is not tested here.
 * Pre-conditions: root, /usr/sbin/keepalived. Cleanup: keepalived killed, namespaces removed.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { isRoot } from '../../helpers/netns';
import { withNetns } from '../../../src/sys/netns';
import { VrrpRawSocket, type RecvMsg } from '../../../src/sys/rawsock';
import { twoHosts, v2Advert, waitFor } from './lab';

const KEEPALIVED = '/usr/sbin/keepalived';
const skip = (!isRoot() && 'needs root') || (!fs.existsSync(KEEPALIVED) && 'keepalived not installed');


test('keepalived 2.2.7 accepts our adverts, and we receive its adverts', { skip, timeout: 60000 }, async () => {
  const { lab, A, B } = await twoHosts('kaio', ['10.99.0.1/24'], ['10.99.0.2/24']);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kats-ka-'));
  const conf = path.join(dir, 'keepalived.conf');
  fs.writeFileSync(
    conf,
    `global_defs {\n  router_id kats_b\n}\nvrrp_instance VI_1 {\n  state BACKUP\n  interface eth0\n  virtual_router_id 51\n  priority 100\n  advert_int 1\n  virtual_ipaddress {\n    10.99.0.100/24\n  }\n}\n`,
  );
  let sock: VrrpRawSocket | undefined;
  let timer: NodeJS.Timeout | undefined;
  const ka = B.ns.spawn([KEEPALIVED, '-P', '-n', '-l', '-D', '-f', conf, '-p', path.join(dir, 'k.pid'), '-r', path.join(dir, 'v.pid')]);
  let log = '';
  ka.stdout!.on('data', (d: Buffer) => (log += d.toString()));
  ka.stderr!.on('data', (d: Buffer) => (log += d.toString()));
  try {
    const got: RecvMsg[] = [];
    sock = withNetns(A.ns.name, () => VrrpRawSocket.open({ family: 4, ifname: 'eth0', groups: ['224.0.0.18'] }, { onMessage: (m) => got.push(m) }));
    const adv = v2Advert(51, 200, '10.99.0.100');
    const send = () => sock!.send(adv, '224.0.0.18');
    send();
    timer = setInterval(send, 1000);
    await waitFor(() => /Entering BACKUP STATE/.test(log), 10000, 'keepalived BACKUP');
    // master_down_interval is 3 * 1 s + skew (0.6 s): keep it busy for longer than that
    await new Promise((r) => setTimeout(r, 4500));
    assert.doesNotMatch(log, /Entering MASTER STATE/, 'keepalived accepted our higher-priority adverts');
    assert.equal(got.filter((m) => m.from[3] === 2).length, 0, 'a backup does not advertise');
    clearInterval(timer);
    timer = undefined;
    await waitFor(() => /Entering MASTER STATE/.test(log), 10000, 'keepalived MASTER after our adverts stop');
    await waitFor(() => got.some((m) => m.from[3] === 2), 5000, 'keepalived advert');
    const m = got.find((x) => x.from[3] === 2)!;
    const ihl = (m.data[0]! & 0xf) * 4;
    assert.equal(m.hopLimit, 255);
    assert.equal(m.data[ihl], 0x21, 'VRRPv2 advertisement');
    assert.equal(m.data[ihl + 1], 51);
    assert.equal(m.data[ihl + 2], 100);
    assert.deepEqual([...m.data.subarray(ihl + 8, ihl + 12)], [10, 99, 0, 100]);
    assert.equal(m.ifindex, A.ifindex);
  } finally {
    if (timer) clearInterval(timer);
    sock?.close();
    ka.kill('SIGTERM');
    await new Promise((r) => {
      const t = setTimeout(() => {
        ka.kill('SIGKILL');
        r(undefined);
      }, 3000);
      ka.on('exit', () => {
        clearTimeout(t);
        r(undefined);
      });
    });
    await lab.dispose();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
