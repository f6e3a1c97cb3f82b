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

/** A notify script that appends `NAME: ARGS` to DIR/all.out. */
function recorder(dir: string, name: string): string {
  const p = path.join(dir, `${name}.sh`);
  fs.writeFileSync(p, `#!/bin/sh\necho "${name}: $*" >> ${dir}/all.out\n`);
  fs.chmodSync(p, 0o755);
  return p;
}

/** Create a FIFO and hold it open read-write, non-blocking (the test's reader end). */
function makeFifo(fifo: string): number {
  execFileSync('mkfifo', [fifo]);
  return fs.openSync(fifo, fs.constants.O_RDWR | fs.constants.O_NONBLOCK);
}

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

/**
 * Sync group, reload deleting instances (with and without notify_deleted), stop: every script
 * call and FIFO line, compared with keepalived per object (the order between a group and its
 * members is the VRRP runtime's and is not compared here).
 */
async function groupScenario(impl: Impl, tag: string): Promise<{ fifo: string[]; scripts: string[] }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kats-notify-e2e-'));
  fs.chmodSync(dir, 0o755);
  const lab = await Lab.create(tag);
  let d: VrrpDaemon | undefined;
  let fd: number | undefined;
  try {
    const ns = await lab.host('a', ['10.99.0.1/24']);
    const sc = (name: string): string => recorder(dir, name);
    const fifo = path.join(dir, 'f');
    fd = makeFifo(fifo);
    const inst = (n: string, vrid: number, extra = ''): string =>
      `vrrp_instance ${n} {\n state BACKUP\n interface eth0\n virtual_router_id ${vrid}\n priority 100\n advert_int 1\n virtual_ipaddress { 10.99.0.${vrid}/24 }\n notify ${sc(`n_${n}`)}\n notify_master ${sc(`m_${n}`)}\n notify_fault ${sc(`f_${n}`)}\n notify_stop ${sc(`s_${n}`)}\n ${extra}\n}\n`;
    const keep =
      `global_defs {\n notify_fifo ${fifo}\n script_user root\n}\nvrrp_sync_group G1 {\n group { VI_1 VI_2 }\n notify ${sc('n_G1')}\n notify_master ${sc('m_G1')}\n}\n` +
      inst('VI_1', 71) +
      inst('VI_2', 72);
    d = VrrpDaemon.start(impl, ns, keep + inst('VI_3', 73, `notify_deleted ${sc('d_VI_3')}`) + inst('VI_4', 74));
    for (const n of ['VI_1', 'VI_2', 'VI_3', 'VI_4']) await d.waitFor(new RegExp(`\\(${n}\\) Entering MASTER STATE`), 15000);
    await sleep(500);
    fs.writeFileSync(d.conf, keep);
    const from = d.out.length;
    d.signal('SIGHUP');
    await d.waitFor(/\(VI_4\) removing VIPs/, 10000, from);
    await sleep(1000);
    await d.stop();
    d = undefined;
    await sleep(300);
    const buf = Buffer.alloc(65536);
    let n = 0;
    try {
      n = fs.readSync(fd, buf);
    } catch {
      n = 0;
    }
    const scripts = fs.existsSync(`${dir}/all.out`) ? fs.readFileSync(`${dir}/all.out`, 'utf8').split('\n').filter(Boolean) : [];
    return { fifo: buf.subarray(0, n).toString().split('\n').filter(Boolean), scripts };
  } finally {
    await d?.stop();
    if (fd !== undefined) fs.closeSync(fd);
    await lab.dispose();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** Lines about one object, in their order. */
const about = (lines: string[], name: string): string[] => lines.filter((l) => new RegExp(`(^|[ "_])${name}("|:| )`).test(l));

test('sync group, notify_deleted on reload, stop: same notifies per object as keepalived 2.2.7', { skip: skip || (!fs.existsSync(KEEPALIVED) && 'keepalived not installed'), timeout: 90000 }, async (t) => {
  const ours = await groupScenario('ours', 'ngo');
  const ka = await groupScenario('keepalived', 'ngk');
  t.diagnostic(`keepalived FIFO: ${JSON.stringify(ka.fifo)}`);
  t.diagnostic(`ours FIFO: ${JSON.stringify(ours.fifo)}`);
  for (const name of ['G1', 'VI_1', 'VI_2', 'VI_3', 'VI_4']) {
    assert.deepEqual(about(ours.fifo, name), about(ka.fifo, name), `FIFO lines of ${name}`);
    // scripts run concurrently: compare as sets per object
    assert.deepEqual(about(ours.scripts, name).sort(), about(ka.scripts, name).sort(), `scripts of ${name}`);
  }
  assert.equal(ours.fifo.length, ka.fifo.length);
  // at exit every instance's STOP comes before the group's
  assert.deepEqual(ours.fifo.slice(-3).sort(), ka.fifo.slice(-3).sort());
  assert.equal(ours.fifo.at(-1), 'GROUP "G1" STOP 0');
  assert.equal(ka.fifo.at(-1), 'GROUP "G1" STOP 0');
  // the ones that show keepalived's rules
  assert.ok(ka.fifo.includes('INSTANCE "VI_3" DELETED 100') && ka.fifo.includes('INSTANCE "VI_4" FAULT 100'));
  assert.ok(!ka.scripts.some((l) => l.startsWith('f_VI_4')), 'no notify_fault for a deleted instance');
});

test('checker: quorum gained at start, then a real server failing its check runs notify_down, quorum_down, writes RS and VS lines (ours, --dry-run IPVS)', { skip, timeout: 60000 }, async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kats-notify-e2e-'));
  fs.chmodSync(dir, 0o755);
  const lab = await Lab.create('nlvs');
  let d: VrrpDaemon | undefined;
  let fd: number | undefined;
  try {
    const ns = await lab.host('a', ['10.99.0.1/24']);
    const sc = (name: string): string => recorder(dir, name);
    const fifo = path.join(dir, 'lvs.fifo');
    fd = makeFifo(fifo);
    // nothing listens on 10.99.0.1:9 inside the namespace: the TCP check fails at once
    d = VrrpDaemon.start(
      'ours',
      ns,
      `global_defs {\n lvs_notify_fifo ${fifo}\n script_user root\n}\nvirtual_server 10.99.0.100 80 {\n delay_loop 1\n protocol TCP\n quorum_up ${sc('qup')}\n quorum_down "${sc('qdown')} x"\n real_server 10.99.0.1 9 {\n  notify_up ${sc('up')}\n  notify_down ${sc('down')}\n  TCP_CHECK { connect_timeout 1 retry 0 }\n }\n}\n`,
      ['--dry-run'],
    );
    const read = (): string => (fs.existsSync(`${dir}/all.out`) ? fs.readFileSync(`${dir}/all.out`, 'utf8') : '');
    const end = Date.now() + 15000;
    while (!(read().includes('down:') && read().includes('qdown:')) && Date.now() < end) await sleep(50);
    await d.stop();
    d = undefined;
    const buf = Buffer.alloc(65536);
    let n = 0;
    try {
      n = fs.readSync(fd, buf);
    } catch {
      n = 0;
    }
    // the checker engine reports quorum gained at start (update_quorum_state on init), then the failure
    assert.deepEqual(read().split('\n').filter(Boolean).sort(), ['down: ', 'qdown: x', 'qup: ']);
    assert.equal(buf.subarray(0, n).toString(), 'VS [10.99.0.100]:tcp:80 UP\nRS [10.99.0.1]:tcp:9 [10.99.0.100]:tcp:80 DOWN\nVS [10.99.0.100]:tcp:80 DOWN\n');
  } finally {
    await d?.stop();
    if (fd !== undefined) fs.closeSync(fd);
    await lab.dispose();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

/** A tiny SMTP server run inside the namespace (keepalived's 127.0.0.1 is the namespace's). */
const SMTP_SERVER = `
const net = require('net'); const fs = require('fs');
const out = process.argv[2]; const mails = [];
net.createServer((sock) => {
  let buf = ''; let inData = false; const cur = { cmds: [], data: '' };
  sock.write('220 test ESMTP\\r\\n');
  sock.on('data', (d) => {
    buf += d.toString('latin1');
    for (;;) {
      if (inData) {
        const e = buf.indexOf('\\r\\n.\\r\\n'); if (e < 0) return;
        cur.data = buf.slice(0, e); buf = buf.slice(e + 5); inData = false;
        mails.push(cur); fs.writeFileSync(out, JSON.stringify(mails)); sock.write('250 queued\\r\\n'); continue;
      }
      const nl = buf.indexOf('\\r\\n'); if (nl < 0) return;
      const line = buf.slice(0, nl); buf = buf.slice(nl + 2); cur.cmds.push(line);
      const v = line.slice(0, 4).toUpperCase();
      if (v === 'DATA') { inData = true; sock.write('354 go\\r\\n'); }
      else if (v === 'QUIT') sock.end('221 bye\\r\\n');
      else sock.write('250 ok\\r\\n');
    }
  });
  sock.on('error', () => {});
}).listen(2525, '127.0.0.1', () => fs.writeFileSync(out + '.ready', ''));
`;

async function smtpScenario(impl: Impl, tag: string): Promise<{ mails: { cmds: string[]; data: string }[]; log: string[] }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kats-notify-e2e-'));
  fs.chmodSync(dir, 0o755);
  const lab = await Lab.create(tag);
  let d: VrrpDaemon | undefined;
  let srv: ReturnType<Awaited<ReturnType<Lab['host']>>['spawn']> | undefined;
  try {
    const ns = await lab.host('a', ['10.99.0.1/24']);
    fs.writeFileSync(path.join(dir, 'smtp.js'), SMTP_SERVER);
    const out = path.join(dir, 'mails.json');
    srv = ns.spawn([process.execPath, path.join(dir, 'smtp.js'), out]);
    const ready = Date.now() + 5000;
    while (!fs.existsSync(`${out}.ready`) && Date.now() < ready) await sleep(20);
    d = VrrpDaemon.start(
      impl,
      ns,
      `global_defs {\n router_id RID\n notification_email {\n  a@example.org\n  b@example.org\n }\n smtp_server 127.0.0.1 2525\n smtp_helo_name helo.test\n}\nvrrp_instance VI_1 {\n state BACKUP\n interface eth0\n virtual_router_id 81\n priority 100\n advert_int 1\n virtual_ipaddress { 10.99.0.81/24 }\n smtp_alert\n}\n`,
    );
    await d.waitFor(/\(VI_1\) Entering MASTER STATE/, 15000);
    const end = Date.now() + 5000;
    const count = (): number => (fs.existsSync(out) ? (JSON.parse(fs.readFileSync(out, 'utf8')) as unknown[]).length : 0);
    while (count() < 2 && Date.now() < end) await sleep(50);
    await d.stop();
    await sleep(300);
    const log = d.out.split('\n').filter((l) => /SMTP/.test(l)).map((l) => l.replace(/^.*?: (?=Remote|SMTP)/, ''));
    d = undefined;
    const mails = (fs.existsSync(out) ? (JSON.parse(fs.readFileSync(out, 'utf8')) as { cmds: string[]; data: string }[]) : []).map((m) => ({
      // greeting verb differs (nodemailer: EHLO; keepalived: HELO); QUIT may race the close
      cmds: m.cmds.filter((c) => c !== 'QUIT').map((c) => c.replace(/^(EHLO|HELO) /, 'HELO ')),
      data: m.data.replace(/^Date: .*\r\n/, 'Date: X\r\n'),
    }));
    return { mails, log };
  } finally {
    await d?.stop();
    srv?.kill();
    await lab.dispose();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

test('SMTP alerts: same envelope, headers and body as keepalived 2.2.7', { skip: skip || (!fs.existsSync(KEEPALIVED) && 'keepalived not installed'), timeout: 90000 }, async (t) => {
  const ours = await smtpScenario('ours', 'nso');
  const ka = await smtpScenario('keepalived', 'nsk');
  t.diagnostic(JSON.stringify(ka));
  assert.equal(ka.mails.length, 2);
  assert.deepEqual(ours, ka);
});

async function fifoScenario(impl: Impl, tag: string): Promise<{ script: string[]; existsAfterReload: boolean; existsAfterStop: boolean }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kats-notify-e2e-'));
  fs.chmodSync(dir, 0o755);
  const lab = await Lab.create(tag);
  let d: VrrpDaemon | undefined;
  try {
    const ns = await lab.host('a', ['10.99.0.1/24']);
    const s = path.join(dir, 'reader.sh');
    const out = path.join(dir, 'r.out');
    // records its arguments, each line read (one open of the FIFO), and SIGTERM
    fs.writeFileSync(
      s,
      `#!/bin/bash\necho "start args: $*" >> ${out}\ntrap 'echo TERM >> ${out}; exit 0' TERM\nexec 3< "\${@: -1}"\nwhile true; do if read line <&3; then echo "$line" >> ${out}; else sleep 0.2; [ -p "\${@: -1}" ] || exit 0; fi; done\n`,
    );
    fs.chmodSync(s, 0o755);
    const fifo = path.join(dir, 'nf');
    d = VrrpDaemon.start(
      impl,
      ns,
      `global_defs {\n script_user root\n notify_fifo ${fifo}\n notify_fifo_script "${s} a1"\n}\nvrrp_instance VI_1 {\n state BACKUP\n interface eth0\n virtual_router_id 91\n priority 100\n advert_int 1\n virtual_ipaddress { 10.99.0.91/24 }\n}\n`,
    );
    await d.waitFor(/\(VI_1\) Entering MASTER STATE/, 15000);
    const read = (): string => (fs.existsSync(out) ? fs.readFileSync(out, 'utf8') : '');
    const end = Date.now() + 5000;
    while (!read().includes('MASTER') && Date.now() < end) await sleep(50);
    const from = d.out.length;
    d.signal('SIGHUP');
    await d.waitFor(/Reload|reload/, 10000, from).catch(() => undefined);
    const end2 = Date.now() + 5000;
    while (read().split('start').length < 3 && Date.now() < end2) await sleep(50);
    // (keepalived removes and recreates a FIFO it created: the inode number may or may not change)
    const existsAfterReload = fs.statSync(fifo).isFIFO();
    await d.stop();
    d = undefined;
    const end3 = Date.now() + 3000;
    while (read().split('TERM').length < 3 && Date.now() < end3) await sleep(50);
    return { script: read().split(fifo).join('FIFO').split('\n').filter(Boolean), existsAfterReload, existsAfterStop: fs.existsSync(fifo) };
  } finally {
    await d?.stop();
    await lab.dispose();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

test('notify_fifo_script: path appended, SIGTERM and restart on reload, SIGTERM before STOP lines; FIFO kept: as keepalived 2.2.7', { skip: skip || (!fs.existsSync(KEEPALIVED) && 'keepalived not installed'), timeout: 90000 }, async (t) => {
  const ours = await fifoScenario('ours', 'nfo');
  const ka = await fifoScenario('keepalived', 'nfk');
  t.diagnostic(JSON.stringify(ka));
  assert.ok(ka.script.length >= 6);
  assert.deepEqual(ours, ka);
});

/**
 * MASTER_RX_LOWER_PRI and MASTER_PRIORITY: `a` (the implementation under test, priority 100,
 * a track_file of weight 1, notify_priority_changes) sends its adverts to an absent peer, so
 * `b` (the other implementation, priority 50) stays MASTER too and `a` keeps receiving lower
 * priority adverts. Lines must carry a's effective priority (100, then 90).
 */
async function rxScenario(impl: Impl, tag: string): Promise<{ fifo: string[]; scripts: number; logLines: number }> {
  const other: Impl = impl === 'ours' ? 'keepalived' : 'ours';
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kats-notify-e2e-'));
  fs.chmodSync(dir, 0o755);
  const lab = await Lab.create(tag);
  let a: VrrpDaemon | undefined;
  let b: VrrpDaemon | undefined;
  let fd: number | undefined;
  try {
    const na = await lab.host('a', ['10.99.0.1/24']);
    const nb = await lab.host('b', ['10.99.0.2/24']);
    const sc = path.join(dir, 'rx.sh');
    fs.writeFileSync(sc, `#!/bin/sh\necho "rx: $*" >> ${dir}/rx.out\n`);
    fs.chmodSync(sc, 0o755);
    const tf = path.join(dir, 'track');
    fs.writeFileSync(tf, '0\n');
    const fifo = path.join(dir, 'f');
    fd = makeFifo(fifo);
    const inst = (prio: number, peer: string, extra = ''): string =>
      `vrrp_instance VI_1 {\n state BACKUP\n interface eth0\n virtual_router_id 95\n priority ${prio}\n advert_int 1\n unicast_peer { ${peer} }\n virtual_ipaddress { 10.99.0.95/24 }\n ${extra}\n}\n`;
    a = VrrpDaemon.start(
      impl,
      na,
      `global_defs {\n script_user root\n vrrp_notify_fifo ${fifo}\n}\ntrack_file TF {\n file ${tf}\n weight 1\n}\n` +
        inst(100, '10.99.0.3', `notify_master_rx_lower_pri ${sc}\n notify_priority_changes\n track_file { TF }`),
    );
    await a.waitFor(/\(VI_1\) Entering MASTER STATE/, 15000);
    b = VrrpDaemon.start(other, nb, `global_defs {\n script_user root\n}\n` + inst(50, '10.99.0.1'));
    await b.waitFor(/\(VI_1\) Entering MASTER STATE/, 15000);
    await a.waitFor(/lower priority 50, ours 100/, 5000);
    fs.writeFileSync(tf, '-10\n');
    await a.waitFor(/lower priority 50, ours 90/, 8000);
    await b.stop();
    b = undefined;
    await a.stop();
    const logLines = a.out.split('\n').filter((l) => /Received advert from 10\.99\.0\.2 with lower priority 50/.test(l)).length;
    a = undefined;
    const buf = Buffer.alloc(65536);
    let n = 0;
    try {
      n = fs.readSync(fd, buf);
    } catch {
      n = 0;
    }
    const countRx = (): number => (fs.existsSync(`${dir}/rx.out`) ? fs.readFileSync(`${dir}/rx.out`, 'utf8').split('\n').filter((l) => l === 'rx: ').length : 0);
    // scripts are not awaited by the daemon: give the last one a moment
    const end = Date.now() + 2000;
    while (countRx() < logLines && Date.now() < end) await sleep(50);
    const scripts = countRx();
    return { fifo: buf.subarray(0, n).toString().split('\n').filter(Boolean), scripts, logLines };
  } finally {
    await b?.stop();
    await a?.stop();
    if (fd !== undefined) fs.closeSync(fd);
    await lab.dispose();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

test('MASTER_RX_LOWER_PRI (script without args, FIFO) and MASTER_PRIORITY lines carry our effective priority, as keepalived 2.2.7', { skip: skip || (!fs.existsSync(KEEPALIVED) && 'keepalived not installed'), timeout: 120000 }, async (t) => {
  for (const impl of ['keepalived', 'ours'] as const) {
    const r = await rxScenario(impl, impl === 'ours' ? 'nro' : 'nrk');
    t.diagnostic(`${impl}: ${JSON.stringify(r)}`);
    const rx = r.fifo.filter((l) => l.includes('MASTER_RX_LOWER_PRI'));
    assert.ok(rx.length >= 2, impl);
    assert.equal(rx.length, r.logLines, `${impl}: one FIFO line per lower-priority advert`);
    assert.equal(r.scripts, r.logLines, `${impl}: one script run per lower-priority advert`);
    // collapse the repeated RX lines to compare the sequence
    const seq = r.fifo.filter((l, i) => l !== r.fifo[i - 1]);
    assert.deepEqual(
      seq,
      [
        'INSTANCE "VI_1" BACKUP 100',
        'INSTANCE "VI_1" MASTER 100',
        'INSTANCE "VI_1" MASTER_RX_LOWER_PRI 100',
        'INSTANCE "VI_1" MASTER_PRIORITY 90',
        'INSTANCE "VI_1" MASTER_RX_LOWER_PRI 90',
        'INSTANCE "VI_1" STOP 90',
      ],
      impl,
    );
  }
});
