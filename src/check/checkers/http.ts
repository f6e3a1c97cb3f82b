/**
 * HTTP_GET and SSL_GET (one file, `tls` flag), after keepalived's check_http.c/check_ssl.c.
 *
 * For every `url` in order: connect (TLS handshake for SSL_GET), send the request in
 * keepalived's exact format, read until EOF with connect_timeout per read, then check
 * status code → digest → regex. All urls must pass. The digest is the MD5 of the raw
 * bytes after the header block (no chunked decoding, truncated to Content-Length when
 * given), as keepalived and genhash compute it.
 *
 * TLS: the peer certificate is verified only when the SSL block gives `ca` (chain only,
 * no host name check). Without `ca` keepalived does not verify either.
 */
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as tls from 'node:tls';
import type { CheckCode } from '../result';
import type { CheckResult, ConnOpts, HttpProtocol, HttpTarget, HttpUrl, TlsOpts } from '../types';
import { StepReader, codeOfError, connectHost, needsOpener, openerConnect, tcpConnect, writeStep } from './conn';

/** keepalived's request line + headers. IPv6 literal hosts are bracketed (RFC 2732). */
export function buildRequest(path: string, proto: HttpProtocol, host: string, port: number, vhost: string | undefined): string {
  const minor = proto === '1.1' ? 1 : 0;
  const conn = proto === '1.0C' || proto === '1.1' ? 'Connection: close\r\n' : '';
  let hostHdr: string;
  if (vhost) hostHdr = vhost;
  else if (net.isIPv6(host)) hostHdr = `[${host}]:${port}`;
  else hostHdr = `${host}:${port}`;
  return `GET ${path} HTTP/1.${minor}\r\nUser-Agent: KeepAliveClient\r\n${conn}Host: ${hostHdr}\r\n\r\n`;
}

export interface HttpResponse {
  /** Bytes up to and including the blank line ending the headers. */
  header: Buffer;
  /** Bytes after the header block, truncated to Content-Length when present. */
  body: Buffer;
  /** Full response as received (for regex). */
  raw: Buffer;
  status: number;
  contentLength: number | undefined;
}

/** Split a raw response; undefined when no complete header block was received. Never throws. */
export function parseResponse(raw: Buffer): HttpResponse | undefined {
  const end = raw.indexOf('\r\n\r\n');
  if (end < 0) return undefined;
  const header = raw.subarray(0, end + 4);
  const text = header.toString('latin1');
  const m = /^HTTP\/\d+\.\d+\s+(\d{3})/.exec(text);
  const status = m ? Number(m[1]) : 0;
  const cl = /\r\ncontent-length:[ \t]*(\d+)/i.exec(text);
  const contentLength = cl ? Number(cl[1]) : undefined;
  let body = raw.subarray(end + 4);
  if (contentLength !== undefined && body.length > contentLength) body = body.subarray(0, contentLength);
  return { header, body, raw, status, contentLength };
}

export function md5Hex(b: Buffer): string {
  return crypto.createHash('md5').update(b).digest('hex');
}

export function statusAccepted(status: number, ranges: readonly (readonly [number, number])[] | undefined): boolean {
  const rs = ranges && ranges.length > 0 ? ranges : [[200, 299] as const];
  return rs.some(([lo, hi]) => status >= lo && status <= hi);
}

/** Apply regex / regex_no_match / offsets. Returns true when the url passes. */
export function regexPasses(url: HttpUrl, raw: Buffer): boolean {
  if (!url.regex) return true;
  let re: RegExp;
  try {
    re = new RegExp(url.regex, (url.regexFlags ?? '').replace(/[^imsu]/g, '') + 'g');
  } catch {
    return false;
  }
  const subject = raw.toString('latin1');
  re.lastIndex = url.regexMinOffset ?? 0;
  const m = re.exec(subject);
  let matched = m !== null;
  if (m && url.regexMaxOffset && m.index >= url.regexMaxOffset) matched = false;
  return matched !== (url.regexNoMatch ?? false);
}

function tlsOptions(t: TlsOpts | undefined): tls.ConnectionOptions {
  const o: tls.ConnectionOptions = { rejectUnauthorized: false };
  if (!t) return o;
  if (t.ca) {
    o.ca = fs.readFileSync(t.ca);
    o.rejectUnauthorized = true;
    o.checkServerIdentity = () => undefined;
  }
  if (t.certificate) o.cert = fs.readFileSync(t.certificate);
  if (t.key) o.key = fs.readFileSync(t.key);
  if (t.password) o.passphrase = t.password;
  return o;
}

type Conn = { ok: true; socket: net.Socket } | { ok: false; code: CheckCode; detail: string };

export function tlsConnect(co: ConnOpts, servername: string | undefined, ssl: TlsOpts | undefined, signal: AbortSignal): Promise<Conn> {
  return new Promise((resolve) => {
    let opts: tls.ConnectionOptions;
    try {
      opts = tlsOptions(ssl);
    } catch (e) {
      resolve({ ok: false, code: 'TLS_ERROR', detail: (e as Error).message });
      return;
    }
    opts.host = connectHost(co);
    opts.port = co.port;
    let raw: net.Socket | undefined;
    if (needsOpener(co)) {
      // fwmark / bind_if: our own TCP socket under the TLS layer
      try {
        raw = openerConnect(co);
      } catch (e) {
        const err = e as NodeJS.ErrnoException;
        resolve({ ok: false, code: 'CONNECT_ERROR', detail: err.code ?? err.message });
        return;
      }
      opts.socket = raw;
    } else {
      if (co.bindto) (opts as net.TcpNetConnectOpts).localAddress = co.bindto;
      if (co.bindPort) (opts as net.TcpNetConnectOpts).localPort = co.bindPort;
    }
    if (servername && !net.isIP(servername)) opts.servername = servername;
    let done = false;
    let tcpUp = false;
    const sock = tls.connect(opts);
    // the raw socket's connect errors end the attempt (a later one is ignored: `done`)
    if (raw) raw.on('error', (err: NodeJS.ErrnoException) => onError(err));
    const finish = (r: Conn): void => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      signal.removeEventListener('abort', onAbort);
      sock.removeListener('error', onError);
      if (!r.ok) {
        sock.destroy();
        raw?.destroy();
      }
      resolve(r);
    };
    const onAbort = (): void => finish({ ok: false, code: 'ABORTED', detail: 'aborted' });
    const onError = (err: NodeJS.ErrnoException): void => {
      if (!tcpUp) finish({ ok: false, code: codeOfError(err, 'connect'), detail: err.code ?? err.message });
      else finish({ ok: false, code: 'TLS_ERROR', detail: err.code ?? err.message });
    };
    // connect_timeout covers the TCP connect and again the handshake.
    let timer = setTimeout(() => finish({ ok: false, code: 'CONNECT_TIMEOUT', detail: 'timeout' }), co.connectTimeoutMs);
    (raw ?? sock).once('connect', () => {
      tcpUp = true;
      clearTimeout(timer);
      timer = setTimeout(() => finish({ ok: false, code: 'TLS_ERROR', detail: 'handshake timeout' }), co.connectTimeoutMs);
    });
    sock.once('secureConnect', () => finish({ ok: true, socket: sock }));
    sock.on('error', onError);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

export interface FetchOutcome {
  code: CheckCode;
  detail?: string;
  response?: HttpResponse;
}

/** One GET: connect, send, read to EOF. Used by the checker and by genhash. */
export async function fetchOnce(
  co: ConnOpts,
  opts: { tls: boolean; path: string; proto: HttpProtocol; vhost: string | undefined; sni: string | undefined; ssl?: TlsOpts },
  signal: AbortSignal,
): Promise<FetchOutcome> {
  const c: Conn = opts.tls ? await tlsConnect(co, opts.sni, opts.ssl, signal) : await tcpConnect(co, signal);
  if (!c.ok) return { code: c.code, detail: c.detail };
  const sock = c.socket;
  try {
    const reader = new StepReader(sock);
    const werr = await writeStep(sock, buildRequest(opts.path, opts.proto, co.host, co.port, opts.vhost), co.connectTimeoutMs, signal);
    if (werr) return { code: werr };
    const chunks: Buffer[] = [];
    let total = 0;
    for (;;) {
      const r = await reader.next(co.connectTimeoutMs, signal);
      if (r === 'eof') break;
      if (r === 'timeout') return { code: 'READ_TIMEOUT' };
      if (r === 'aborted') return { code: 'ABORTED' };
      if (r === 'error') {
        // A reset after a complete response still counts as the end of the stream.
        if (parseResponse(Buffer.concat(chunks, total))) break;
        return { code: opts.tls ? 'TLS_ERROR' : 'READ_ERROR', detail: reader.lastError?.code ?? '' };
      }
      chunks.push(r);
      total += r.length;
      if (total > 64 * 1024 * 1024) break;
    }
    const response = parseResponse(Buffer.concat(chunks, total));
    if (!response) return { code: 'NO_DATA' };
    return { code: 'OK', response };
  } finally {
    sock.destroy();
  }
}

export async function run(target: HttpTarget, signal: AbortSignal): Promise<CheckResult> {
  let last: string | undefined;
  const passed: { path: string; test: string }[] = [];
  for (const url of target.urls) {
    const vhost = url.virtualhost ?? target.virtualhost;
    const f = await fetchOnce(
      target,
      {
        tls: target.tls,
        path: url.path,
        proto: target.httpProtocol,
        vhost,
        sni: target.enableSni ? vhost : undefined,
        ...(target.ssl ? { ssl: target.ssl } : {}),
      },
      signal,
    );
    if (f.code !== 'OK' || !f.response) return { code: f.code, url: url.path, ...(f.detail ? { detail: f.detail } : {}) };
    const resp = f.response;
    if (!statusAccepted(resp.status, url.statusCodes)) return { code: 'HTTP_STATUS', url: url.path, detail: String(resp.status) };
    if (url.digest && md5Hex(resp.body) !== url.digest.toLowerCase())
      return { code: 'HTTP_DIGEST', url: url.path, detail: md5Hex(resp.body) };
    if (!regexPasses(url, resp.raw)) return { code: 'HTTP_REGEX', url: url.path };
    last = url.path;
    passed.push({ path: url.path, test: url.regex ? 'Regex match' : url.digest ? 'MD5 digest' : 'HTTP status code' });
  }
  return last !== undefined ? { code: 'OK', url: last, passed } : { code: 'OK' };
}
