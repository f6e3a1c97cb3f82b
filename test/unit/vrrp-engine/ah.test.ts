/**
 * auth_type AH in the runtime (fake ports): a protocol-51 socket, adverts sealed with a sequence
 * number that counts on from the last one sent or accepted (keepalived's ipsecah_counter), replays
 * and wrong passwords dropped with keepalived 2.2.7's lines, and a master syncing its counter to
 * a lower-priority sender ("IPSEC-AH : Syncing seq_num - Increment seq").
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseIp } from '../../../src/lib/ip';
import { decodeAdvert, encodeAdvert, encodeIp4Header, VRRP_AUTH_AH } from '../../../src/vrrp/packet/advert';
import { AH_LEN, ahKey, checkAh, encodeAh, IPPROTO_AH, sealAh } from '../../../src/vrrp/packet/ah';
import type { RecvMsg } from '../../../src/sys/rawsock';
import { VrrpRuntime } from '../../../src/vrrp/runtime/runtime';
import { Harness, sliceOf } from './fakes';

const DOWN_US = 3_000_000 + Math.floor((156 * 100 * 625) / 16);
const CONF = `global_defs {\n  router_id t\n}\nvrrp_instance VI_1 {\n  state BACKUP\n  interface eth0\n  virtual_router_id 51\n  priority 100\n  advert_int 1\n  authentication {\n    auth_type AH\n    auth_pass secret99xyz\n  }\n  virtual_ipaddress {\n    10.0.0.100/24\n  }\n}\n`;

/** An AH advert from `src` as keepalived sends it. */
function ahAdvert(o: { src: string; priority: number; seq: number; pass?: string }): RecvMsg {
  const src = parseIp(o.src)!.bytes;
  const dst = parseIp('224.0.0.18')!.bytes;
  const vrrp = encodeAdvert({ family: 4, version: 2, vrid: 51, priority: o.priority, adverInt: 1, addrs: [parseIp('10.0.0.100')!.bytes], authType: VRRP_AUTH_AH });
  const pkt = Buffer.concat([encodeIp4Header({ src, dst, id: 7, payloadLength: AH_LEN + vrrp.length, protocol: IPPROTO_AH }), encodeAh(src, 0), vrrp]);
  sealAh(pkt, o.seq, ahKey(o.pass ?? 'secret99'), false);
  return { data: pkt, from: src, ifindex: 2, to: dst, hopLimit: 255, scopeId: 0, truncated: false };
}

/** Sequence numbers of the adverts sent, each checked to carry a valid ICV for the password. */
function sentSeqs(h: Harness): number[] {
  return h.sock().sent.map((s) => {
    const d = decodeAdvert(s.data, { family: 4 });
    assert.ok(d.ok && d.value.ah && d.value.ip!.protocol === IPPROTO_AH);
    const c = checkAh(s.data, 20, d.value.ah, ahKey('secret99'), { name: 'x', unicast: false, counter: 0 });
    assert.ok(c.ok, 'our ICV verifies');
    return d.value.ah.seq;
  });
}

test('AH: protocol-51 socket, sealed adverts counting from 1, backup adopting the master sequence, replays and bad passwords dropped', async () => {
  const h = new Harness();
  const rt = new VrrpRuntime(h.ports, { dontReleaseVrrp: false });
  await rt.start(sliceOf(CONF, true)); // "Truncating auth_pass to 8 characters": the key is secret99
  const v = rt.instances.get('VI_1')!;
  assert.equal(h.sock().req.protocol, IPPROTO_AH);
  assert.equal(h.sock().req.hdrincl, true);
  await h.advance(DOWN_US + 2_100_000);
  assert.equal(v.fsm.state, 'MASTER');
  assert.deepEqual(sentSeqs(h), [1, 2, 3]);

  // a higher-priority master at sequence 40: we yield and take its counter
  h.sock().deliver(ahAdvert({ src: '10.0.0.2', priority: 200, seq: 40 }));
  assert.equal(v.fsm.state, 'BACKUP');
  assert.equal(v.ahSeq, 40);
  // the same sequence number again is a replay
  h.sock().deliver(ahAdvert({ src: '10.0.0.2', priority: 200, seq: 40 }));
  assert.ok(h.logged(/^\(VI_1\) IPSEC-AH : sequence number 40 already processed\. Packet dropped\. Local\(40\)$/));
  // a wrong password
  h.sock().deliver(ahAdvert({ src: '10.0.0.2', priority: 200, seq: 41, pass: 'other' }));
  assert.ok(h.logged(/^\(VI_1\) IPSEC-AH : invalid IPSEC HMAC-MD5 value\. Due to fields mutation or bad password !$/));
  assert.equal(v.stats.auth_failure, 2);
  assert.equal(v.ahSeq, 40);

  // the master goes silent: we take over and continue after 40
  const before = h.sock().sent.length;
  await h.advance(DOWN_US + 1_100_000);
  assert.equal(v.fsm.state, 'MASTER');
  assert.deepEqual(sentSeqs(h).slice(before, before + 2), [41, 42]);

  // a lower-priority AH advert at 90: the master syncs to 91 and its next advert is 92
  h.sock().deliver(ahAdvert({ src: '10.0.0.2', priority: 50, seq: 90 }));
  const i = h.logs.findIndex((l) => /^\(VI_1\) Received advert from 10\.0\.0\.2 with lower priority 50, ours 100/.test(l));
  assert.ok(i >= 0);
  assert.equal(h.logs[i + 1], '(VI_1) IPSEC-AH : Syncing seq_num - Increment seq');
  assert.equal(sentSeqs(h).at(-1), 92, 'the advert answering it');
  assert.equal(v.fsm.state, 'MASTER');
  // USR1 dump as 2.2.7's (observed): the type, no password line
  assert.match(rt.dumpData(), /^ {3}Authentication type = IPSEC_AH$/m);
  assert.doesNotMatch(rt.dumpData(), /secret99/);
  assert.doesNotMatch(JSON.stringify(rt.dumpJson()), /xyz/);
  // JSON dump as 2.2.7's (observed with auth_pass secret123456: "auth_type":2,"auth_data":"secret12")
  assert.match(JSON.stringify(rt.dumpJson()), /"auth_type":2,"auth_data":"secret99"/);
  await rt.stop();
});

test('AH and non-AH instances on one interface get separate sockets (protocol 51 / 112)', async () => {
  const h = new Harness();
  const rt = new VrrpRuntime(h.ports, { dontReleaseVrrp: false });
  const other = CONF.replace('vrrp_instance VI_1', 'vrrp_instance VI_2').replace('virtual_router_id 51', 'virtual_router_id 52').replace(/ {2}authentication \{[^}]*\}\n/, '').replace('10.0.0.100/24', '10.0.0.101/24');
  await rt.start(sliceOf(CONF + other.slice(other.indexOf('vrrp_instance')), true));
  assert.deepEqual(h.sockets.map((s) => s.req.protocol ?? 112).sort(), [112, IPPROTO_AH]);
  // a plain advert for VI_1 arriving on the AH socket is refused by VI_1
  await rt.stop();
});
