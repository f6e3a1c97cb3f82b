/**
 * The daemon applies fwmark and bind_if to UDP_CHECK, DNS_CHECK and PING_CHECK: the checker
 * worker installs the native openers (src/check/engine.ts installSockOpener). Our daemon
 * (--dry-run IPVS) runs in namespace a, whose policy rule `fwmark 77 prohibit` and a
 * responder in b decide: the real servers checked with fwmark 77 or bind_if lo are removed,
 * the same checks with fwmark 78 or bind_if eth0 keep theirs. Without the wiring the marked
 * and lo-bound checks would pass (Node's dgram and spawned ping cannot set the options).
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { Lab, isRoot } from '../../helpers/netns';

const MAIN_JS = path.join(__dirname, '..', '..', '..', 'src', 'main.js');

const CONF = `global_defs {
  router_id dgram
}
virtual_server 10.96.0.2 9000 {
  delay_loop 2
  lb_kind NAT
  protocol UDP
  real_server 10.96.0.2 9000 {
    UDP_CHECK {
      connect_timeout 1
      fwmark 77
      require_reply
    }
  }
  real_server 10.96.0.2 9001 {
    UDP_CHECK {
      connect_port 9000
      connect_timeout 1
      fwmark 78
      require_reply
    }
  }
}
virtual_server 10.96.0.2 53 {
  delay_loop 2
  lb_kind NAT
  protocol UDP
  real_server 10.96.0.2 53 {
    DNS_CHECK {
      connect_port 5353
      connect_timeout 1
      bind_if lo
    }
  }
  real_server 10.96.0.2 54 {
    DNS_CHECK {
      connect_port 5353
      connect_timeout 1
      bind_if eth0
    }
  }
}
virtual_server 10.96.0.2 1 {
  delay_loop 2
  lb_kind NAT
  protocol UDP
  real_server 10.96.0.2 1 {
    PING_CHECK {
      connect_timeout 1
      fwmark 77
    }
  }
  real_server 10.96.0.3 1 {
    PING_CHECK {
      connect_ip 10.96.0.2
      connect_timeout 1
      fwmark 78
    }
  }
}
`;

const RESPONDER = `
import select, socket
u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); u.bind(("10.96.0.2", 9000))
d = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); d.bind(("10.96.0.2", 5353))
print("ready", flush=True)
while True:
    for s in select.select([u, d], [], [])[0]:
        q, a = s.recvfrom(2048)
        if s is u:
            s.sendto(b"P", a)
        elif len(q) >= 12:
            s.sendto(q[0:2] + b"\\x81\\x80" + q[4:6] + b"\\x00" * 6 + q[12:], a)
`;

test('daemon: UDP/DNS/PING checks with fwmark 77 or bind_if lo fail, with fwmark 78 or bind_if eth0 pass', { skip: !isRoot() && 'needs root', timeout: 60000 }, async (t) => {
  const { nativeAvailable } = await import('../../../src/sys/native');
  if (!nativeAvailable()) return t.skip('native addon not built');
  const lab = await Lab.create('dgram');
  t.after(() => lab.dispose());
  const a = await lab.host('a', ['10.96.0.1/24']);
  const b = await lab.host('b', ['10.96.0.2/24']);
  await a.exec(['ip', 'rule', 'add', 'fwmark', '77', 'prohibit', 'pref', '10']);
  const srv = b.spawn(['python3', '-c', RESPONDER]);
  t.after(() => void srv.kill());
  await new Promise<void>((res, rej) => {
    srv.stdout!.once('data', () => res());
    srv.once('exit', () => rej(new Error('responder exited')));
  });

  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kats-dgram-'));
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  fs.writeFileSync(path.join(dir, 'keepalived.conf'), CONF);
  const pidf = (n: string): string => path.join(dir, `${n}.pid`);
  const daemon = a.spawn(['node', MAIN_JS, '-n', '-l', '-D', '-C', '--dry-run', '-f', path.join(dir, 'keepalived.conf'), '-p', pidf('p'), '-r', pidf('v'), '-c', pidf('c')]);
  let out = '';
  daemon.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  daemon.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<void>((r) => daemon.once('exit', () => r()));
  t.after(async () => {
    // `ip netns exec` execs node: the child's pid is the daemon's parent process
    if (daemon.exitCode === null) daemon.kill('SIGTERM');
    await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
    if (daemon.exitCode === null) daemon.kill('SIGKILL');
  });

  const removed = (rs: string, vs: string): string => `Removing service ${rs} from VS ${vs}`;
  const want = [
    removed('[10.96.0.2]:udp:9000', '[10.96.0.2]:udp:9000'),
    removed('[10.96.0.2]:udp:53', '[10.96.0.2]:udp:53'),
    removed('[10.96.0.2]:udp:1', '[10.96.0.2]:udp:1'),
  ];
  const deadline = Date.now() + 20000;
  while (!want.every((w) => out.includes(w)) && Date.now() < deadline && daemon.exitCode === null) await new Promise((r) => setTimeout(r, 100));
  for (const w of want) assert.ok(out.includes(w), `"${w}" in:\n${out}`);
  // the same checks without the prohibiting mark / on the right device keep their servers,
  // over at least one more delay_loop
  await new Promise((r) => setTimeout(r, 3000));
  for (const rs of ['[10.96.0.2]:udp:9001', '[10.96.0.2]:udp:54', '[10.96.0.3]:udp:1']) assert.ok(!out.includes(`Removing service ${rs}`), `${rs} kept:\n${out}`);
  assert.ok(!/not applied/.test(out), out);
});
