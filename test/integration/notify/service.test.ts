/**
 * NotifyService with real processes: notify scripts (exact argv, run as another user), a FIFO
 * (exact lines in order, fifo script with the path appended, SIGTERM at stop), an SMTP alert
 * received by a tiny SMTP server on 127.0.0.1 written here.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { NotifyService } from '../../../src/notify/service';
import { conf } from '../../unit/notify/helpers';

const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;

function tmpdir(): string {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'kats-notify-'));
  fs.chmodSync(d, 0o755);
  return d;
}

/** A script that appends its argv (one per line), then `uid=<id -u>`, then `--`. */
function argvScript(dir: string, name: string, out: string): string {
  const p = path.join(dir, name);
  fs.writeFileSync(p, `#!/bin/sh\nfor a in "$0" "$@"; do echo "$a"; done >> ${out}\necho "uid=$(id -u)" >> ${out}\necho -- >> ${out}\n`);
  fs.chmodSync(p, 0o755);
  return p;
}

async function waitFor(cond: () => boolean, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 20));
  }
}

const read = (f: string): string => (fs.existsSync(f) ? fs.readFileSync(f, 'utf8') : '');

function logSink(): { lines: string[]; log: { info(m: string): void; warn(m: string): void; error(m: string): void } } {
  const lines: string[] = [];
  return { lines, log: { info: (m) => lines.push(m), warn: (m) => lines.push(m), error: (m) => lines.push(m) } };
}

test('notify scripts: exact argv, notify_<state> then notify with 4 args; per-script user', { skip: !isRoot && 'needs root (runs a script as nobody)' }, async (t) => {
  const dir = tmpdir();
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  const outDir = path.join(dir, 'out');
  fs.mkdirSync(outDir, { mode: 0o777 });
  fs.chmodSync(outDir, 0o777);
  const m = argvScript(dir, 'master.sh', path.join(outDir, 'master'));
  const n = argvScript(dir, 'notify.sh', path.join(outDir, 'notify'));
  const b = argvScript(dir, 'backup.sh', path.join(outDir, 'backup'));
  const cfg = conf(`
vrrp_instance VI_1 {
  interface eth0
  virtual_router_id 51
  priority 100
  virtual_ipaddress { 10.0.0.1 }
  notify_master "${m} a 'b c'"
  notify_backup "${b}" nobody nogroup
  notify ${n}
}
`);
  const { log, lines } = logSink();
  const svc = new NotifyService(cfg, { log, hostname: 'h' });
  t.after(() => svc.stop());
  svc.handle({ kind: 'instance', name: 'VI_1', state: 'MASTER', priority: 100 });
  await waitFor(() => read(path.join(outDir, 'master')).includes('--') && read(path.join(outDir, 'notify')).includes('--'));
  assert.equal(read(path.join(outDir, 'master')), `${m}\na\nb c\nuid=0\n--\n`);
  assert.equal(read(path.join(outDir, 'notify')), `${n}\nINSTANCE\nVI_1\nMASTER\n100\nuid=0\n--\n`);
  svc.handle({ kind: 'instance', name: 'VI_1', state: 'BACKUP', priority: 100 });
  await waitFor(() => read(path.join(outDir, 'backup')).includes('--'));
  assert.equal(read(path.join(outDir, 'backup')), `${b}\nuid=65534\n--\n`);
  await waitFor(() => read(path.join(outDir, 'notify')).split('--').length === 3);
  assert.match(read(path.join(outDir, 'notify')), /INSTANCE\nVI_1\nBACKUP\n100\nuid=0\n--\n$/);
  assert.deepEqual(lines, []);
});

test('script_user is the default user of scripts without one; a missing script is logged as keepalived', { skip: !isRoot && 'needs root' }, async (t) => {
  const dir = tmpdir();
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  const outDir = path.join(dir, 'out');
  fs.mkdirSync(outDir);
  fs.chmodSync(outDir, 0o777);
  const n = argvScript(dir, 'notify.sh', path.join(outDir, 'notify'));
  const cfg = conf(`
global_defs { script_user nobody }
vrrp_instance VI_1 {
  interface eth0
  virtual_router_id 51
  virtual_ipaddress { 10.0.0.1 }
  notify ${n}
  notify_fault ${dir}/missing.sh
}
`);
  const { log, lines } = logSink();
  const svc = new NotifyService(cfg, { log, hostname: 'h' });
  t.after(() => svc.stop());
  svc.handle({ kind: 'instance', name: 'VI_1', state: 'FAULT', priority: 0 });
  await waitFor(() => read(path.join(outDir, 'notify')).includes('--'));
  assert.equal(read(path.join(outDir, 'notify')), `${n}\nINSTANCE\nVI_1\nFAULT\n0\nuid=65534\n--\n`);
  await waitFor(() => lines.length > 0);
  assert.deepEqual(lines, [`Error exec-ing command '${dir}/missing.sh', error 2: No such file or directory`]);
});

test('FIFO: created 0644 (less umask) if absent, exact lines in event order, recreated on reload, left in place at stop', async (t) => {
  const dir = tmpdir();
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  const all = path.join(dir, 'all.fifo');
  const lvs = path.join(dir, 'lvs.fifo');
  require('node:child_process').execFileSync('mkfifo', [lvs]);
  const cfg = conf(`
global_defs {
  notify_fifo ${all}
  lvs_notify_fifo ${lvs}
}
vrrp_sync_group G1 { group { VI_1 } }
vrrp_instance VI_1 {
  interface eth0
  virtual_router_id 51
  priority 100
  virtual_ipaddress { 10.0.0.1 }
}
virtual_server 10.0.0.1 80 {
  protocol TCP
  real_server 192.168.1.2 80 { TCP_CHECK { connect_timeout 1 } }
}
`);
  const { log, lines } = logSink();
  const svc = new NotifyService(cfg, { log, hostname: 'h' });
  const st = fs.statSync(all);
  assert.ok(st.isFIFO());
  const um = process.umask(0o022);
  process.umask(um);
  assert.equal(st.mode & 0o777, 0o644 & ~um);
  svc.handle({ kind: 'instance', name: 'VI_1', state: 'BACKUP', priority: 100 });
  svc.handle({ kind: 'instance', name: 'VI_1', state: 'MASTER', priority: 100 });
  svc.handle({ kind: 'group', name: 'G1', state: 'MASTER' });
  svc.handle({ kind: 'priority', name: 'VI_1', state: 'MASTER', from: 100, to: 90 });
  svc.handle({ kind: 'master-rx-lower-pri', name: 'VI_1', priority: 80, src: '10.0.0.2' });
  svc.handle({ kind: 'rs', vs: '[10.0.0.1]:tcp:80', rs: '[192.168.1.2]:tcp:80', up: true });
  svc.handle({ kind: 'quorum', vs: '[10.0.0.1]:tcp:80', up: true });
  svc.handle({ kind: 'rs', vs: '[10.0.0.1]:tcp:80', rs: '[192.168.1.2]:tcp:80', up: false });
  svc.handle({ kind: 'instance', name: 'VI_1', state: 'BOGUS', priority: 100 });
  // The service holds the FIFO open O_RDWR, so the lines wait in the pipe for a reader.
  const readAll = (p: string): string => {
    const fd = fs.openSync(p, fs.constants.O_RDONLY | fs.constants.O_NONBLOCK);
    try {
      const buf = Buffer.alloc(65536);
      let n = 0;
      try {
        n = fs.readSync(fd, buf);
      } catch {
        n = 0;
      }
      return buf.subarray(0, n).toString();
    } finally {
      fs.closeSync(fd);
    }
  };
  assert.equal(
    readAll(all),
    [
      'INSTANCE "VI_1" BACKUP 100',
      'INSTANCE "VI_1" MASTER 100',
      'GROUP "G1" MASTER 0',
      'INSTANCE "VI_1" MASTER_PRIORITY 90',
      'INSTANCE "VI_1" MASTER_RX_LOWER_PRI 90',
      'RS [192.168.1.2]:tcp:80 [10.0.0.1]:tcp:80 UP',
      'VS [10.0.0.1]:tcp:80 UP',
      'RS [192.168.1.2]:tcp:80 [10.0.0.1]:tcp:80 DOWN',
      '',
    ].join('\n'),
  );
  assert.equal(readAll(lvs), ['RS [192.168.1.2]:tcp:80 [10.0.0.1]:tcp:80 UP', 'VS [10.0.0.1]:tcp:80 UP', 'RS [192.168.1.2]:tcp:80 [10.0.0.1]:tcp:80 DOWN', ''].join('\n'));
  assert.deepEqual(lines, ['keepalived-ts: dropped notify event from worker: bad instance state']);
  // reload: our FIFO is removed and created again, an existing one only reopened (as 2.2.7)
  const lvsIno = fs.statSync(lvs).ino;
  svc.reload(cfg);
  assert.ok(fs.statSync(all).isFIFO());
  assert.equal(fs.statSync(lvs).ino, lvsIno);
  svc.handle({ kind: 'instance', name: 'VI_1', state: 'BACKUP', priority: 100 });
  assert.equal(readAll(all), 'INSTANCE "VI_1" BACKUP 100\n');
  await svc.stop();
  assert.ok(fs.statSync(all).isFIFO(), 'left in place at exit, as 2.2.7');
  assert.ok(fs.statSync(lvs).isFIFO());
});

test('writes to a FIFO nobody reads never block (lines are dropped when the pipe is full)', async (t) => {
  const dir = tmpdir();
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  const f = path.join(dir, 'n.fifo');
  const cfg = conf(`
global_defs { vrrp_notify_fifo ${f} }
vrrp_instance VI_1 {
  interface eth0
  virtual_router_id 51
  virtual_ipaddress { 10.0.0.1 }
}
`);
  const svc = new NotifyService(cfg, { log: logSink().log, hostname: 'h' });
  t.after(() => svc.stop());
  // 64 KiB pipe / ~28 bytes per line: 5000 lines overflow it; this returns instead of hanging.
  for (let i = 0; i < 5000; i++) svc.handle({ kind: 'priority', name: 'VI_1', state: 'BACKUP', from: 1, to: 2 });
});

test('fifo script: started with the FIFO path appended, reads the lines, gets SIGTERM at stop', { skip: !isRoot && 'needs root' }, async (t) => {
  const dir = tmpdir();
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  const f = path.join(dir, 'v.fifo');
  const out = path.join(dir, 'reader.out');
  const s = path.join(dir, 'reader.sh');
  // one open of the FIFO for the whole loop (`read < fifo` would reopen it each time)
  fs.writeFileSync(s, `#!/bin/bash\necho "arg1=$1 arg2=$2" > ${out}\ntrap 'echo TERM >> ${out}; exit 0' TERM\nexec 3< "$2"\nwhile true; do if read line <&3; then echo "$line" >> ${out}; else sleep 0.2; [ -p "$2" ] || exit 0; fi; done\n`);
  fs.chmodSync(s, 0o755);
  const cfg = conf(`
global_defs {
  vrrp_notify_fifo ${f}
  vrrp_notify_fifo_script "${s} x"
}
vrrp_instance VI_1 {
  interface eth0
  virtual_router_id 51
  priority 100
  virtual_ipaddress { 10.0.0.1 }
}
`);
  const svc = new NotifyService(cfg, { log: logSink().log, hostname: 'h' });
  t.after(() => svc.stop()); // the fifo script must not outlive a failed assertion
  await waitFor(() => read(out).startsWith('arg1='));
  assert.equal(read(out), `arg1=x arg2=${f}\n`);
  svc.handle({ kind: 'instance', name: 'VI_1', state: 'MASTER', priority: 100 });
  svc.handle({ kind: 'instance', name: 'VI_1', state: 'BACKUP', priority: 100 });
  await waitFor(() => read(out).includes('BACKUP'));
  assert.equal(read(out), `arg1=x arg2=${f}\nINSTANCE "VI_1" MASTER 100\nINSTANCE "VI_1" BACKUP 100\n`);
  await svc.stop();
  await waitFor(() => read(out).endsWith('TERM\n'));
});

test('STOP notify scripts are awaited at stop and killed after 1 s', { skip: !isRoot && 'needs root' }, async (t) => {
  const dir = tmpdir();
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  const pidf = path.join(dir, 'pid');
  const s = path.join(dir, 'stop.sh');
  fs.writeFileSync(s, `#!/bin/sh\necho $$ > ${pidf}\nexec sleep 30\n`);
  fs.chmodSync(s, 0o755);
  const cfg = conf(`
vrrp_instance VI_1 {
  interface eth0
  virtual_router_id 51
  virtual_ipaddress { 10.0.0.1 }
  notify_stop ${s}
}
`);
  const svc = new NotifyService(cfg, { log: logSink().log, hostname: 'h' });
  svc.handle({ kind: 'instance', name: 'VI_1', state: 'STOP', priority: 100 });
  await svc.stop();
  const pid = Number(read(pidf));
  assert.ok(pid > 0, 'the STOP script ran');
  let alive = true;
  try {
    process.kill(pid, 0);
  } catch {
    alive = false;
  }
  assert.equal(alive, false, 'killed when stop() returned');
});

/** A minimal SMTP server: records the dialogue and the message. */
function smtpServer(): Promise<{ port: number; mails: { helo: string; from: string; to: string[]; data: string }[]; close: () => void }> {
  const mails: { helo: string; from: string; to: string[]; data: string }[] = [];
  const srv = net.createServer((sock) => {
    let buf = '';
    let inData = false;
    const cur = { helo: '', from: '', to: [] as string[], data: '' };
    sock.write('220 test ESMTP\r\n');
    sock.on('data', (d) => {
      buf += d.toString('latin1');
      for (;;) {
        if (inData) {
          const end = buf.indexOf('\r\n.\r\n');
          if (end < 0) return;
          cur.data = buf.slice(0, end);
          buf = buf.slice(end + 5);
          inData = false;
          mails.push({ ...cur, to: [...cur.to] });
          sock.write('250 queued\r\n');
          continue;
        }
        const nl = buf.indexOf('\r\n');
        if (nl < 0) return;
        const line = buf.slice(0, nl);
        buf = buf.slice(nl + 2);
        const verb = line.slice(0, 4).toUpperCase();
        if (verb === 'EHLO' || verb === 'HELO') {
          cur.helo = line.slice(5);
          sock.write('250 test\r\n');
        } else if (verb === 'MAIL') {
          cur.from = line;
          sock.write('250 ok\r\n');
        } else if (verb === 'RCPT') {
          cur.to.push(line);
          sock.write('250 ok\r\n');
        } else if (verb === 'DATA') {
          inData = true;
          sock.write('354 go\r\n');
        } else if (verb === 'QUIT') {
          sock.end('221 bye\r\n');
        } else sock.write('250 ok\r\n');
      }
    });
    sock.on('error', () => undefined);
  });
  return new Promise((resolve) => {
    srv.listen(0, '127.0.0.1', () => {
      const a = srv.address() as net.AddressInfo;
      resolve({ port: a.port, mails, close: () => srv.close() });
    });
  });
}

test('SMTP alert: subject, body, from, to, helo, X-Mailer as keepalived', async (t) => {
  const smtp = await smtpServer();
  t.after(() => smtp.close());
  const cfg = conf(`
global_defs {
  router_id LVS_A
  notification_email {
    a@example.org
    b@example.org
  }
  notification_email_from kad@example.org
  smtp_server 127.0.0.1 ${smtp.port}
  smtp_helo_name helo.example.org
  smtp_connect_timeout 5
}
vrrp_instance VI_1 {
  interface eth0
  virtual_router_id 51
  virtual_ipaddress { 10.0.0.1 }
  smtp_alert
}
`);
  const { log, lines } = logSink();
  const svc = new NotifyService(cfg, { log, hostname: 'h' });
  svc.handle({ kind: 'instance', name: 'VI_1', state: 'MASTER', priority: 100 });
  await waitFor(() => smtp.mails.length === 1 && lines.length === 2);
  // once shutdown has begun no mail goes out (keepalived 2.2.7 exits before its 'Stopping' alert)
  svc.stopping();
  svc.handle({ kind: 'instance', name: 'VI_1', state: 'STOP', priority: 100 });
  await svc.stop();
  await new Promise((r) => setTimeout(r, 200));
  assert.equal(smtp.mails.length, 1);
  const m = smtp.mails[0]!;
  assert.equal(m.helo, 'helo.example.org');
  assert.equal(m.from, 'MAIL FROM:<kad@example.org>');
  assert.deepEqual(m.to, ['RCPT TO:<a@example.org>', 'RCPT TO:<b@example.org>']);
  const [head, ...rest] = m.data.split('\r\n\r\n');
  const headers = new Map(head!.split('\r\n').map((l) => [l.slice(0, l.indexOf(':')).toLowerCase(), l.slice(l.indexOf(':') + 2)] as const));
  assert.equal(headers.get('subject'), '[LVS_A] VRRP Instance VI_1 - Entering MASTER state');
  assert.equal(headers.get('from'), 'kad@example.org');
  assert.equal(headers.get('to'), 'a@example.org, b@example.org');
  assert.equal(headers.get('x-mailer'), 'Keepalived');
  assert.ok(headers.get('date'));
  assert.equal(rest.join('\r\n\r\n').trim(), '=> VRRP Instance is now owning VRRP VIPs <=');
  assert.deepEqual(lines, [`Remote SMTP server [127.0.0.1]:${smtp.port} connected.`, 'SMTP alert successfully sent.']);
  // keepalived's exact bytes (header order, CRLF, the empty line before the final dot)
  assert.match(m.data, /^Date: [A-Z][a-z]{2}, \d\d [A-Z][a-z]{2} \d{4} \d\d:\d\d:\d\d [+-]\d{4}\r\nFrom: kad@example\.org\r\nSubject: \[LVS_A\] VRRP Instance VI_1 - Entering MASTER state\r\nX-Mailer: Keepalived\r\nTo: a@example\.org, b@example\.org\r\n\r\n=> VRRP Instance is now owning VRRP VIPs <=\r\n$/);
});

test('FIFO created with `notify_fifo PATH user group` is owned by them', { skip: !isRoot && 'needs root (chown)' }, async (t) => {
  const dir = tmpdir();
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  const f = path.join(dir, 'owned.fifo');
  const cfg = conf(`
global_defs { notify_fifo ${f} nobody nogroup }
vrrp_instance VI_1 {
  interface eth0
  virtual_router_id 51
  virtual_ipaddress { 10.0.0.1 }
}
`);
  assert.equal(cfg.global.notifyFifo?.user, 'nobody');
  const svc = new NotifyService(cfg, { log: logSink().log, hostname: 'h' });
  t.after(() => svc.stop());
  const st = fs.statSync(f);
  assert.ok(st.isFIFO());
  assert.equal(st.uid, 65534);
  assert.equal(st.gid, 65534);
});
