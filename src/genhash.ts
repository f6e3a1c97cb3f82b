/**
 * genhash: fetch one URL over HTTP or HTTPS and print the MD5 digest of the body, for
 * the `digest` keyword of HTTP_GET/SSL_GET url blocks (keepalived's genhash / -T).
 *
 *   genhash [-S] -s server -p port -u url [-V vhost] [-I] [-P 1.0|1.0c|1.1] [-t timeout] [-m fwmark] [-v] [-h]
 *
 * Output matches keepalived 2.2.7's genhash: the digest alone, or with -v the header and
 * body hex dumps, the digest dump and the response time. The request is the one the
 * HTTP checker sends (checkers/http.ts). `-m` (SO_MARK) is accepted but not applied.
 */
import * as net from 'node:net';
import * as path from 'node:path';
import { fetchOnce, md5Hex } from './check/checkers/http';
import type { CheckCode } from './check/result';
import type { HttpProtocol } from './check/types';
import * as crypto from 'node:crypto';

const USAGE = `Usage: %s%s COMMAND [OPTIONS]
Commands:
   -s server-address -p port -u url
   -S -s server-address -p port -u url
   -h

Options:
Either long or short options are allowed.
   --use-ssl         -S       Use SSL connection to remote server.
   --use-sni         -I       Use SNI during SSL handshake (uses virtualhost setting; see -V).
   --server          -s       Use the specified remote server address.
   --port            -p       Use the specified remote server port.
   --url             -u       Use the specified remote server url.
   --use-virtualhost -V       Use the specified virtualhost in GET query.
   --verbose         -v       Use verbose mode output.
   --help            -h       Display this short inlined help screen.
   --fwmark          -m       Use the specified FW mark.
   --protocol        -P       Use the specified HTTP protocol - '1.0', 1.0c', '1.1'.
                                1.0c means 1.0 with 'Connection: close'
   --timeout         -t       Timeout in seconds
`;

export interface GenhashOpts {
  ssl: boolean;
  sni: boolean;
  server?: string;
  port?: number;
  url?: string;
  vhost?: string;
  verbose: boolean;
  fwmark?: number;
  proto: HttpProtocol;
  /** -t; undefined = keepalived's default of UINT_MAX microseconds (about 71 minutes). */
  timeoutSec?: number;
}

/** keepalived's genhash default connection_to: UINT_MAX µs. */
export const DEFAULT_TIMEOUT_MS = Math.floor(0xffffffff / 1000);

export type ParseOutcome = { ok: true; opts: GenhashOpts } | { ok: false; error?: string; help?: boolean };

const LONG: Record<string, string> = {
  'use-ssl': 'S',
  'use-sni': 'I',
  server: 's',
  port: 'p',
  url: 'u',
  'use-virtualhost': 'V',
  verbose: 'v',
  help: 'h',
  fwmark: 'm',
  protocol: 'P',
  timeout: 't',
};
const WITH_ARG = new Set(['s', 'V', 'p', 'u', 'm', 'P', 't']);

/** getopt_long-style parsing of keepalived's genhash options. Never throws. */
export function parseArgs(argv: string[]): ParseOutcome {
  const o: GenhashOpts = { ssl: false, sni: false, verbose: false, proto: '1.0' };
  const rest: string[] = [];
  const pairs: [string, string | undefined][] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--') {
      rest.push(...argv.slice(i + 1));
      break;
    }
    if (a.startsWith('--')) {
      const eq = a.indexOf('=');
      const name = eq >= 0 ? a.slice(2, eq) : a.slice(2);
      const matches = Object.keys(LONG).filter((k) => k === name || k.startsWith(name));
      const key = matches.includes(name) ? name : matches.length === 1 ? matches[0]! : undefined;
      if (!key) return { ok: false };
      const c = LONG[key]!;
      if (WITH_ARG.has(c)) {
        const v = eq >= 0 ? a.slice(eq + 1) : argv[++i];
        if (v === undefined) return { ok: false };
        pairs.push([c, v]);
      } else pairs.push([c, undefined]);
      continue;
    }
    if (a.startsWith('-') && a.length > 1) {
      for (let j = 1; j < a.length; j++) {
        const c = a[j]!;
        if (!'hvSsVpumPtI'.includes(c)) return { ok: false };
        if (WITH_ARG.has(c)) {
          const v = j + 1 < a.length ? a.slice(j + 1) : argv[++i];
          if (v === undefined) return { ok: false };
          pairs.push([c, v]);
          break;
        }
        pairs.push([c, undefined]);
      }
      continue;
    }
    rest.push(a);
  }
  for (const [c, v] of pairs) {
    switch (c) {
      case 'h':
        return { ok: false, help: true };
      case 'v':
        o.verbose = true;
        break;
      case 'S':
        o.ssl = true;
        break;
      case 'I':
        o.sni = true;
        break;
      case 's':
        if (!net.isIP(v!)) return { ok: false, error: `server should be an IP, not ${v!}` };
        o.server = v!;
        break;
      case 'V':
        o.vhost = v!;
        break;
      case 'p': {
        const n = /^\d+$/.test(v!) ? Number(v) : NaN;
        if (!(n >= 1 && n <= 65535)) return { ok: false, error: `invalid port number '${v!}'` };
        o.port = n;
        break;
      }
      case 'u':
        o.url = v!;
        break;
      case 'm': {
        const n = /^\d+$/.test(v!) ? Number(v) : NaN;
        if (!(n >= 0 && n <= 0xffffffff)) return { ok: false, error: `invalid fwmark '${v!}'` };
        o.fwmark = n;
        break;
      }
      case 'P': {
        const p = v!.toLowerCase();
        if (p === '1.0') o.proto = '1.0';
        else if (p === '1.0c') o.proto = '1.0C';
        else if (p === '1.1') o.proto = '1.1';
        else return { ok: false, error: `invalid HTTP protocol version '${v!}'` };
        break;
      }
      case 't': {
        const t = v!.replace(/^[ \t]+/, '');
        const n = /^\d+$/.test(t) ? Number(t) : NaN;
        if (!(n >= 0 && n <= 0xffffffff)) return { ok: false, error: `invalid timeout '${v!}'` };
        o.timeoutSec = n;
        break;
      }
    }
  }
  if (rest.length) return { ok: false, error: `Unexpected argument(s): ${rest.join(' ')}` };
  if (!o.server || !o.port || !o.url) return { ok: false };
  return { ok: true, opts: o };
}

/** keepalived's dump_buffer(): decimal offset, 16 hex bytes split by " - ", then ASCII. */
export function hexDump(buf: Buffer): string {
  let out = '';
  for (let off = 0; off < buf.length; off += 16) {
    let line = String(off).padStart(4, '0') + '  ';
    let ascii = '';
    for (let i = 0; i < 16; i++) {
      const b = buf[off + i];
      line += b === undefined ? '   ' : b.toString(16).padStart(2, '0') + ' ';
      if (i === 7) line += '- ';
      ascii += b === undefined ? ' ' : b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : '.';
    }
    out += `${line}  ${ascii}\n`;
  }
  return out;
}

const ERR_TEXT: Partial<Record<CheckCode, string>> = {
  CONNECT_REFUSED: 'Connection failed',
  CONNECT_ERROR: 'Connection failed',
  NET_UNREACHABLE: 'Connection failed',
  CONNECT_TIMEOUT: 'Timeout connecting',
  TLS_ERROR: 'SSL handshake/communication error',
  WRITE_TIMEOUT: 'Timeout WEB write',
  WRITE_ERROR: 'Cannot send get request',
  READ_TIMEOUT: 'Timeout WEB read',
  READ_ERROR: 'Read error',
  NO_DATA: 'no data received from remote webserver',
};

/** Run genhash; resolves to the exit code. Output goes through the given writers. */
export async function genhash(
  argv: string[],
  out: (s: string) => void,
  err: (s: string) => void,
  prog = 'genhash',
  /** " --genhash" when run as `keepalived -T`, like keepalived's usage line. */
  progSuffix = '',
): Promise<number> {
  const p = parseArgs(argv);
  if (!p.ok) {
    if (p.error) err(p.error + '\n');
    err(USAGE.replace('%s', prog).replace('%s', progSuffix));
    return 1;
  }
  const o = p.opts;
  const started = process.hrtime.bigint();
  const f = await fetchOnce(
    { host: o.server!, port: o.port!, connectTimeoutMs: o.timeoutSec !== undefined ? Math.min(o.timeoutSec * 1000, 0x7fffffff) : DEFAULT_TIMEOUT_MS },
    { tls: o.ssl, path: o.url!, proto: o.proto, vhost: o.vhost, sni: o.sni ? o.vhost : undefined },
    new AbortController().signal,
  );
  if (f.code !== 'OK' || !f.response) {
    out((ERR_TEXT[f.code] ?? 'Connection failed') + '\n');
    return 0;
  }
  const r = f.response;
  const digest = md5Hex(r.body);
  if (o.verbose) {
    out('-----------------------[    HTTP Header Buffer    ]-----------------------\n');
    out(hexDump(r.header));
    out('-----------------------[ HTTP Header Ascii Buffer ]-----------------------\n');
    out(r.header.toString('latin1') + '\n');
    out('-----------------------[        HTML Buffer        ]-----------------------\n');
    out(hexDump(r.body) + '\n');
    out('-----------------------[    HTML hash resulting    ]-----------------------\n');
    out(hexDump(crypto.createHash('md5').update(r.body).digest()));
    out('-----------------------[ HTML hash final resulting ]-----------------------\n');
    out(digest + '\n\n');
    const usecs = (process.hrtime.bigint() - started) / 1000n;
    out(`Global response time for [${o.url!}] = ${usecs} usecs\n`);
  } else out(digest + '\n');
  return 0;
}

/**
 * Entry point of bin/genhash: `argv` is process.argv-shaped (node, script, args…).
 * `keepalived -T` passes `asKeepalived` so the usage reads "keepalived --genhash".
 */
export function main(argv: string[], asKeepalived = false): void {
  void genhash(
    argv.slice(2),
    (s) => process.stdout.write(s),
    (s) => process.stderr.write(s),
    // keepalived prints argv[0] as typed; node only knows the resolved script path.
    asKeepalived ? 'keepalived' : path.basename(argv[1] ?? 'genhash'),
    asKeepalived ? ' --genhash' : '',
  ).then((code) => {
    process.exitCode = code;
  });
}
