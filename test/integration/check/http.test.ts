/**
 * HTTP_GET / SSL_GET against real node http/https servers on loopback.
 */
import { test, after, before } from 'node:test';
import * as assert from 'node:assert/strict';
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as https from 'node:https';
import * as net from 'node:net';
import { run } from '../../../src/check/checkers/http';
import type { HttpTarget, HttpUrl } from '../../../src/check/types';
import { closedPort, haveOpenssl, listenTcp, makeTls, never, type TlsMaterial } from './util';

const BODY = '<html><body>service: healthy</body></html>\n';
const md5 = (s: string) => crypto.createHash('md5').update(s).digest('hex');

const seen: { url: string; headers: http.IncomingHttpHeaders; raw: string[] }[] = [];
function handler(req: http.IncomingMessage, res: http.ServerResponse): void {
  seen.push({ url: req.url ?? '', headers: req.headers, raw: req.rawHeaders });
  switch (req.url) {
    case '/ok':
      res.writeHead(200, { 'Content-Type': 'text/html', 'Content-Length': Buffer.byteLength(BODY) });
      res.end(BODY);
      return;
    case '/moved':
      res.writeHead(302, { Location: '/ok', 'Content-Length': 0 });
      res.end();
      return;
    case '/error':
      res.writeHead(500, { 'Content-Length': 4 });
      res.end('boom');
      return;
    case '/slow':
      return; // never answers
    default:
      res.writeHead(404, { 'Content-Length': 0 });
      res.end();
  }
}

const plain = http.createServer(handler);
let port = 0;
let port6 = 0;
const plain6 = http.createServer(handler);
let tlsm: TlsMaterial | undefined;
let tlsServer: https.Server | undefined;
let tlsPort = 0;
let badTlsServer: https.Server | undefined;
let badTlsPort = 0;
const sniNames: (string | false)[] = [];

before(async () => {
  port = await listenTcp(plain);
  try {
    port6 = await listenTcp(plain6, '::1');
  } catch {
    port6 = 0;
  }
  if (haveOpenssl()) {
    tlsm = makeTls();
    tlsServer = https.createServer({ cert: fs.readFileSync(tlsm.cert), key: fs.readFileSync(tlsm.key) }, handler);
    tlsServer.on('secureConnection', (s) => sniNames.push((s as unknown as { servername: string | false }).servername));
    tlsPort = await listenTcp(tlsServer);
    badTlsServer = https.createServer({ cert: fs.readFileSync(tlsm.badCert), key: fs.readFileSync(tlsm.badKey) }, handler);
    badTlsPort = await listenTcp(badTlsServer);
  }
});

after(() => {
  for (const s of [plain, plain6, tlsServer, badTlsServer]) {
    s?.closeAllConnections();
    s?.close();
  }
  if (tlsm) fs.rmSync(tlsm.dir, { recursive: true, force: true });
});

function target(urls: HttpUrl[], over: Partial<HttpTarget> = {}): HttpTarget {
  return { kind: 'HTTP_GET', tls: false, host: '127.0.0.1', port, connectTimeoutMs: 1000, urls, httpProtocol: '1.0', ...over };
}

test('success with the right digest and default status 200-299', async () => {
  assert.deepEqual(await run(target([{ path: '/ok', digest: md5(BODY) }]), never), {
    code: 'OK',
    url: '/ok',
    passed: [{ path: '/ok', test: 'MD5 digest' }],
  });
});

test('request carries KeepAliveClient and Host ip:port, or the virtualhost', async () => {
  seen.length = 0;
  await run(target([{ path: '/ok' }]), never);
  await run(target([{ path: '/ok', virtualhost: 'url.example' }], { virtualhost: 'chk.example', httpProtocol: '1.1' }), never);
  await run(target([{ path: '/ok' }], { virtualhost: 'chk.example' }), never);
  assert.equal(seen[0]?.headers['user-agent'], 'KeepAliveClient');
  assert.equal(seen[0]?.headers.host, `127.0.0.1:${port}`);
  assert.equal(seen[0]?.headers.connection, undefined);
  assert.equal(seen[1]?.headers.host, 'url.example');
  assert.equal(seen[1]?.headers.connection, 'close');
  assert.equal(seen[2]?.headers.host, 'chk.example');
});

test('wrong status code fails; status_code ranges accept it', async () => {
  assert.deepEqual(await run(target([{ path: '/error' }]), never), { code: 'HTTP_STATUS', url: '/error', detail: '500' });
  assert.equal((await run(target([{ path: '/moved' }]), never)).code, 'HTTP_STATUS');
  assert.equal((await run(target([{ path: '/moved', statusCodes: [[300, 399]] }]), never)).code, 'OK');
  assert.equal((await run(target([{ path: '/error', statusCodes: [[200, 200], [500, 500]] }]), never)).code, 'OK');
});

test('wrong digest fails and reports the digest seen', async () => {
  const r = await run(target([{ path: '/ok', digest: '0'.repeat(32) }]), never);
  assert.equal(r.code, 'HTTP_DIGEST');
  assert.equal(r.detail, md5(BODY));
});

test('regex match, mismatch and regex_no_match', async () => {
  assert.equal((await run(target([{ path: '/ok', regex: 'service: (healthy|ok)' }]), never)).code, 'OK');
  assert.equal((await run(target([{ path: '/ok', regex: 'service: down' }]), never)).code, 'HTTP_REGEX');
  assert.equal((await run(target([{ path: '/ok', regex: 'service: down', regexNoMatch: true }]), never)).code, 'OK');
  assert.equal((await run(target([{ path: '/ok', regex: 'healthy', regexNoMatch: true }]), never)).code, 'HTTP_REGEX');
});

test('all urls must pass; the failing one is named', async () => {
  const r = await run(target([{ path: '/ok' }, { path: '/error' }, { path: '/ok' }]), never);
  assert.equal(r.code, 'HTTP_STATUS');
  assert.equal(r.url, '/error');
});

test('connection refused', async () => {
  const r = await run(target([{ path: '/ok' }], { port: await closedPort() }), never);
  assert.equal(r.code, 'CONNECT_REFUSED');
});

test('slow server: read timeout after connect_timeout', async () => {
  const t0 = Date.now();
  const r = await run(target([{ path: '/slow' }], { connectTimeoutMs: 300 }), never);
  assert.equal(r.code, 'READ_TIMEOUT');
  assert.ok(Date.now() - t0 >= 250);
});

test('server closing without a response: no data', async () => {
  const s = net.createServer((c) => c.end());
  const p = await listenTcp(s);
  try {
    assert.equal((await run(target([{ path: '/' }], { port: p }), never)).code, 'NO_DATA');
  } finally {
    s.close();
  }
});

test('abort signal ends a check in progress', async () => {
  const ac = new AbortController();
  const pr = run(target([{ path: '/slow' }], { connectTimeoutMs: 5000 }), ac.signal);
  setTimeout(() => ac.abort(), 50);
  assert.equal((await pr).code, 'ABORTED');
});

test('IPv6 loopback', async (t) => {
  if (!port6) return t.skip('no ::1');
  seen.length = 0;
  assert.equal((await run(target([{ path: '/ok' }], { host: '::1', port: port6 }), never)).code, 'OK');
  assert.equal(seen[0]?.headers.host, `[::1]:${port6}`);
});

test('SSL_GET: success with the test CA, SNI from the virtualhost when enable_sni', async (t) => {
  if (!tlsm) return t.skip('openssl not available');
  const base = target([{ path: '/ok', digest: md5(BODY) }], { kind: 'SSL_GET', tls: true, port: tlsPort, ssl: { ca: tlsm.ca } });
  assert.equal((await run(base, never)).code, 'OK');
  sniNames.length = 0;
  assert.equal((await run({ ...base, virtualhost: 'www.example.test', enableSni: true }, never)).code, 'OK');
  assert.equal((await run({ ...base, virtualhost: 'www.example.test' }, never)).code, 'OK');
  assert.deepEqual(sniNames, ['www.example.test', false]);
});

test('SSL_GET: certificate from another CA is a TLS error when a CA is configured', async (t) => {
  if (!tlsm) return t.skip('openssl not available');
  const r = await run(target([{ path: '/ok' }], { kind: 'SSL_GET', tls: true, port: badTlsPort, ssl: { ca: tlsm.ca } }), never);
  assert.equal(r.code, 'TLS_ERROR');
  // keepalived does not verify without a CA: the same server then passes
  const r2 = await run(target([{ path: '/ok' }], { kind: 'SSL_GET', tls: true, port: badTlsPort }), never);
  assert.equal(r2.code, 'OK');
});

test('SSL_GET against a plain HTTP server is a TLS error', async (t) => {
  if (!tlsm) return t.skip('openssl not available');
  const r = await run(target([{ path: '/ok' }], { kind: 'SSL_GET', tls: true, port }), never);
  assert.equal(r.code, 'TLS_ERROR');
});
