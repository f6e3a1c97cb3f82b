/**
 * End to end: the daemon in a namespace with one vrrp_instance that becomes MASTER runs
 * notify_master and `notify` with keepalived's arguments and writes the FIFO lines; the same
 * scenario is run against real keepalived 2.2.7 and the results are compared.
 * Pre-conditions: root, keepalived installed, this build's main.js. Cleanup: daemons stopped
 * by pid, namespaces and temp dirs removed.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { isRoot, Lab } from '../../helpers/netns';
import { KEEPALIVED, OUR_MAIN, sleep, VrrpDaemon, type Impl } from '../../helpers/daemon';

const skip = (!isRoot() && 'needs root') || (!fs.existsSync(OUR_MAIN) && `${OUR_MAIN} not built`) || false;

interface Result {
  master: string;
  notify: string;
  fifo: string;
}

async function scenario(impl: Impl, tag: string): Promise<Result> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kats-notify-e2e-'));
  fs.chmodSync(dir, 0o755);
  const lab = await Lab.create(tag);
  let d: VrrpDaemon | undefined;
  let fifoFd: number | undefined;
  try {
    const ns = await lab.host('a', ['10.99.0.1/24']);
    const script = (name: string): string => {
      const p = path.join(dir, `${name}.sh`);
      fs.writeFileSync(p, `#!/bin/sh\necho "$*" >> ${path.join(dir, name)}.out\n`);
      fs.chmodSync(p, 0o755);
      return p;
    };
    const fifo = path.join(dir, 'notify.fifo');
    execFileSync('mkfifo', ['-m', '0644', fifo]);
    // hold it open so that lines wait in the pipe (the daemon opens O_RDWR|O_NONBLOCK too)
    fifoFd = fs.openSync(fifo, fs.constants.O_RDWR | fs.constants.O_NONBLOCK);
    const conf = `
global_defs {
  router_id e2e
  notify_fifo ${fifo}
  script_user root
}
vrrp_instance VI_1 {
  state BACKUP
  interface eth0
  virtual_router_id 61
  priority 100
  advert_int 1
  virtual_ipaddress { 10.99.0.100/24 }
  notify_master "${script('master')} m1"
  notify ${script('notify')}
}
`;
    d = VrrpDaemon.start(impl, ns, conf);
    await d.waitFor(/\(VI_1\) Entering MASTER STATE/, 15000);
    const read = (f: string): string => (fs.existsSync(f) ? fs.readFileSync(f, 'utf8') : '');
    const end = Date.now() + 5000;
    while (!(read(path.join(dir, 'master.out')) && read(path.join(dir, 'notify.out')).includes('MASTER')) && Date.now() < end) await sleep(20);
    await d.stop();
    d = undefined;
    const buf = Buffer.alloc(65536);
    let n = 0;
    try {
      n = fs.readSync(fifoFd, buf);
    } catch {
      n = 0;
    }
    return { master: read(path.join(dir, 'master.out')), notify: read(path.join(dir, 'notify.out')), fifo: buf.subarray(0, n).toString() };
  } finally {
    await d?.stop();
    if (fifoFd !== undefined) fs.closeSync(fifoFd);
    await lab.dispose();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

let oursResult: Result | undefined;

test('ours: becoming MASTER runs notify_master and notify with keepalived arguments, writes FIFO lines', { skip, timeout: 60000 }, async () => {
  const r = await scenario('ours', 'ne2e');
  oursResult = r;
  assert.equal(r.master, 'm1\n');
  assert.equal(r.notify, 'INSTANCE VI_1 BACKUP 100\nINSTANCE VI_1 MASTER 100\nINSTANCE VI_1 STOP 100\n');
  assert.equal(r.fifo, 'INSTANCE "VI_1" BACKUP 100\nINSTANCE "VI_1" MASTER 100\nINSTANCE "VI_1" STOP 100\n');
});

test('keepalived 2.2.7 gives the same notify arguments and FIFO lines', { skip: skip || (!fs.existsSync(KEEPALIVED) && 'keepalived not installed'), timeout: 60000 }, async () => {
  const ours = oursResult ?? (await scenario('ours', 'ne2o'));
  const ka = await scenario('keepalived', 'ne2k');
  assert.deepEqual(ours, ka);
});
