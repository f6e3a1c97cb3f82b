/**
 * The keepalived.conf that produced each golden packet, parsed by our config front end and mapped
 * by instance.ts: the resulting AcceptConfig must accept keepalived's own packet, and the
 * FsmConfig + encoder must reproduce it byte for byte.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { loadConfig } from '../../../src/config/index';
import { parseIp } from '../../../src/lib/ip';
import { toHex } from '../../../src/lib/bytes';
import { decodeAdvert, encodeAdvert, type RxMeta } from '../../../src/vrrp/packet/advert';
import { acceptAdvert } from '../../../src/vrrp/accept';
import { acceptConfigFor, advertIntervalCs, fsmConfigFor } from '../../../src/vrrp/instance';
import { FIXTURE_DIR, loadFixtures } from './fixtures';

const ip = (s: string) => new Uint8Array(parseIp(s)!.bytes);

test('advert interval rounding: v2 whole seconds, v3 centiseconds (max 4095)', () => {
  assert.equal(advertIntervalCs(2, 1_000_000), 100);
  assert.equal(advertIntervalCs(2, 1_400_000), 100);
  assert.equal(advertIntervalCs(2, 300_000), 100);
  assert.equal(advertIntervalCs(3, 500_000), 50);
  assert.equal(advertIntervalCs(3, 5_000), 1);
  assert.equal(advertIntervalCs(3, 60_000_000), 4095);
});

for (const f of loadFixtures().filter((x) => !x.name.endsWith('-prio0'))) {
  test(`${f.name}.conf through our config loader accepts and re-encodes keepalived's packet`, () => {
    const res = loadConfig(path.join(FIXTURE_DIR, `${f.name}.conf`), { configId: 'kats', scriptFound: () => true, userExists: () => true });
    // keepalived itself reports the over-long auth_pass as a config error (and truncates it)
    const errors = res.diagnostics.filter((d) => (d.severity === 'error' || d.severity === 'fatal') && d.code !== 'CFG_AUTH_TRUNCATED');
    assert.deepEqual(errors, []);
    const inst = res.config.vrrpInstances[0]!;
    assert.ok(inst, 'one instance');
    const e = f.json.expect;
    const acc = acceptConfigFor(inst);
    const rx: RxMeta = f.json.rx ? { family: 6, src: ip(f.json.rx.src), dst: ip(f.json.rx.dst), hopLimit: f.json.rx.hopLimit } : { family: 4 };
    const d = decodeAdvert(f.bytes, rx);
    assert.ok(d.ok);
    // the sender's config describes the receiving peer's expectations too (same VRID, VIPs, auth, interval)
    const peersAsSeenByReceiver = acc.unicastPeers.length ? { ...acc, unicastPeers: [{ addr: d.value.src! }] } : acc;
    const r = acceptAdvert(peersAsSeenByReceiver, d.value, rx.family === 6 ? { multicast: acc.unicastPeers.length === 0 } : {});
    assert.ok(r.ok, r.ok ? '' : `${r.drop}: ${r.detail}`);
    const fsm = fsmConfigFor(inst, res.config.global);
    assert.equal(fsm.priority, e.priority);
    assert.equal(fsm.initialState, 'MASTER');
    const src = d.value.src!;
    const dst = d.value.dst!;
    const again = encodeAdvert(
      { family: acc.family, version: fsm.version, vrid: acc.vrid, priority: fsm.priority, adverInt: fsm.version === 2 ? fsm.advertIntervalCs / 100 : fsm.advertIntervalCs, addrs: acc.vips, authType: acc.authType, ...(acc.authPass ? { authData: acc.authPass } : {}) },
      { src, dst, oldUnicastChecksum: acc.unicastChecksum === 'old' },
    );
    assert.equal(toHex(again), toHex(f.bytes.subarray(e.family === 4 ? 20 : 0)));
  });
}
