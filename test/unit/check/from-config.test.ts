import { test, after } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { checkerSlice, loadConfig } from '../../../src/config/index';
import { checkersFromSlice, passwdResolver } from '../../../src/check/from-config';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kats-fromcfg-'));
after(() => fs.rmSync(dir, { recursive: true, force: true }));

function load(text: string) {
  const f = path.join(dir, `k${Math.random().toString(36).slice(2)}.conf`);
  fs.writeFileSync(f, text);
  const r = loadConfig(f, { configId: 'test', scriptFound: () => true, userExists: () => true });
  return { r, checkers: checkersFromSlice(checkerSlice(r.config), { resolveUser: passwdResolver() }) };
}

test('every checker kind maps to its target with resolved timings and identity strings', () => {
  const { checkers } = load(`
track_file tf {
  file ${dir}/tf
}
SSL {
  ca ${dir}/ca.pem
}
virtual_server 10.0.0.1 80 {
  delay_loop 2
  lb_algo rr
  lb_kind NAT
  protocol TCP
  real_server 10.0.0.5 8080 {
    TCP_CHECK {
      connect_timeout 1.5
      retry 2
      delay_before_retry 0.25
      warmup 0
      log_all_failures
    }
    SSL_GET {
      url {
        path /ok
        digest 5d41402abc4b2a76b9719d911017c592
        status_code 200-204 302
        regex "h(e)llo"
        regex_options caseless
      }
      virtualhost x.test
      enable_sni
      http_protocol 1.1
    }
    MISC_CHECK {
      misc_path "/bin/check arg"
      misc_dynamic
      misc_timeout 3
      user nobody
    }
    UDP_CHECK {
      require_reply ab01XX
      payload 0102
      connect_port 53
    }
    DNS_CHECK {
      type MX
      name example.com
    }
    SMTP_CHECK {
      helo_name foo
      connect_ip 10.0.0.6
      connect_port 25
    }
    FILE_CHECK {
      track_file tf
      weight 2 reverse
    }
    PING_CHECK {
      alpha
    }
  }
}
`);
  const by = (k: string) => checkers.find((c) => c.kind === k)!;
  assert.equal(checkers.length, 8);
  const tcp = by('TCP_CHECK');
  assert.equal(tcp.vs, '[10.0.0.1]:tcp:80');
  assert.equal(tcp.rs, '[10.0.0.5]:tcp:8080');
  assert.deepEqual(
    { loop: tcp.delayLoopMs, dbr: tcp.delayBeforeRetryMs, warm: tcp.warmupMs, retry: tcp.retry, all: tcp.logAllFailures },
    { loop: 2000, dbr: 250, warm: 0, retry: 2, all: true },
  );
  assert.deepEqual(tcp.target, { kind: 'TCP_CHECK', host: '10.0.0.5', port: 8080, connectTimeoutMs: 1500 });
  const ssl = by('SSL_GET');
  assert.equal(ssl.target.kind === 'SSL_GET' && ssl.target.tls, true);
  if (ssl.target.kind !== 'SSL_GET') throw new Error('kind');
  assert.deepEqual(ssl.target.urls, [
    { path: '/ok', statusCodes: [[200, 204], [302, 302]], digest: '5d41402abc4b2a76b9719d911017c592', regex: 'h(e)llo', regexFlags: 'i' },
  ]);
  assert.equal(ssl.target.virtualhost, 'x.test');
  assert.equal(ssl.target.enableSni, true);
  assert.equal(ssl.target.httpProtocol, '1.1');
  assert.deepEqual(ssl.target.ssl, { ca: `${dir}/ca.pem` });
  assert.equal(ssl.retry, 1);
  assert.equal(ssl.delayBeforeRetryMs, 3000, 'HTTP/SSL default delay_before_retry');
  const misc = by('MISC_CHECK');
  assert.equal(misc.script, '/bin/check');
  assert.equal(misc.retry, 0, 'MISC default retry');
  if (misc.target.kind !== 'MISC_CHECK') throw new Error('kind');
  assert.deepEqual(misc.target.argv, ['/bin/check', 'arg']);
  assert.equal(misc.target.timeoutMs, 3000);
  assert.equal(misc.target.dynamic, true);
  assert.equal(misc.target.uid, 65534);
  const udp = by('UDP_CHECK');
  if (udp.target.kind !== 'UDP_CHECK') throw new Error('kind');
  assert.equal(udp.target.port, 53);
  assert.deepEqual(udp.target.payload, Buffer.from([1, 2]));
  assert.deepEqual(udp.target.requireReply, { data: Buffer.from([0xab, 0x01, 0x00]), mask: Buffer.from([0, 0, 0xff]) });
  const dns = by('DNS_CHECK');
  assert.equal(dns.retry, 3, 'DNS default retry');
  assert.equal(dns.delayBeforeRetryMs, 2000, 'DNS delay_before_retry defaults to delay_loop');
  assert.deepEqual(dns.target, { kind: 'DNS_CHECK', host: '10.0.0.5', port: 8080, connectTimeoutMs: 5000, type: 'MX', name: 'example.com' });
  const smtp = by('SMTP_CHECK');
  assert.equal(smtp.pair, '[10.0.0.6]:25');
  assert.deepEqual(by('FILE_CHECK').target, { kind: 'FILE_CHECK', path: `${dir}/tf`, weight: 2, reverse: true });
  assert.equal(by('PING_CHECK').alpha, true);
});
