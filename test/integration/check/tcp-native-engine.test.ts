/**
 * The checker engine runs TCP_CHECK over the native connect probe (src/sys/checksock.ts,
 * installed with tcp.ts setConnectProbe) whenever the addon loads: the engine's checks reach a
 * real listener on loopback through the probe's epoll set (one more eventpoll fd in this
 * process, not a net.Socket), and reloads keep that one probe instead of opening a set each.
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as net from 'node:net';
import { createEngine } from '../../../src/check/engine';
import { MemIpvsPort } from '../../../src/check/ipvs-memport';
import { setConnectProbe } from '../../../src/check/checkers/tcp';
import { realClock } from '../../../src/check/clock';
import { captureLogger, settings, sliceOf } from '../../unit/ipvs/helpers';
import { listenTcp } from './util';

const eventpolls = (): number => fs.readdirSync('/proc/self/fd').filter((f) => {
  try {
    return fs.readlinkSync(`/proc/self/fd/${f}`) === 'anon_inode:[eventpoll]';
  } catch {
    return false;
  }
}).length;

test('the engine checks TCP_CHECK through the native probe, one epoll set across reloads', async (t) => {
  const { nativeAvailable } = await import('../../../src/sys/native');
  if (!nativeAvailable()) return t.skip('native addon not built');
  t.after(() => setConnectProbe(undefined));
  let accepted = 0;
  const srv = net.createServer((c) => {
    accepted++;
    c.on('error', () => undefined);
    c.resume();
  });
  const port = await listenTcp(srv);
  t.after(() => srv.close());
  const conf = (loop: number): string =>
    ['global_defs {', '  router_id kats', '}', 'virtual_server 10.50.0.1 80 {', `  delay_loop ${loop}`, '  lb_algo rr', '  lb_kind NAT', '  protocol TCP',
      `  real_server 127.0.0.1 ${port} {`, '    weight 1', '    TCP_CHECK {', '      connect_timeout 1', '    }', '  }', '}', ''].join('\n');
  const { log, lines } = captureLogger();
  const before = eventpolls();
  const eng = createEngine({ role: 'checker', log, settings: settings() }, { ipvs: new MemIpvsPort(), clock: realClock, notifier: { notify: () => undefined }, bootstrapDelayMs: 10 });
  await eng.start(sliceOf(conf(1)));
  t.after(() => eng.stop());
  const waitAccepted = async (n: number): Promise<void> => {
    for (let i = 0; i < 100 && accepted < n; i++) await new Promise((r) => setTimeout(r, 20));
    assert.ok(accepted >= n, `${accepted} connections, expected ${n}: ${lines.join('|')}`);
  };
  await waitAccepted(1);
  assert.equal(eventpolls(), before + 1, 'the probe opened its epoll set');
  for (const loop of [2, 1]) {
    const n = accepted;
    await eng.reload(sliceOf(conf(loop)));
    await waitAccepted(n + 1);
  }
  assert.equal(eventpolls(), before + 1, 'reloads keep the one probe');
});
