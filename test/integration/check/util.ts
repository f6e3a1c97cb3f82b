/** Helpers for the checker integration tests: local servers on loopback, test TLS material. */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';

/** The repository root: the first ancestor directory holding package.json. */
export { repoRoot } from '../../helpers/repo';

export function tmpDir(tag: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), `kats-${tag}-`));
}

export function listening(server: net.Server | import('node:dgram').Socket): number {
  const a = server.address();
  if (!a || typeof a === 'string') throw new Error('not listening');
  return a.port;
}

export async function listenTcp(server: net.Server, host = '127.0.0.1'): Promise<number> {
  await new Promise<void>((r) => server.listen(0, host, r));
  return listening(server);
}

/** A port on 127.0.0.1 that nothing listens on (bound then released). */
export async function closedPort(): Promise<number> {
  const s = net.createServer();
  const p = await listenTcp(s);
  await new Promise<void>((r) => s.close(() => r()));
  return p;
}

export const never = new AbortController().signal;

export function haveOpenssl(): boolean {
  try {
    execFileSync('openssl', ['version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

export interface TlsMaterial {
  dir: string;
  ca: string;
  otherCa: string;
  cert: string;
  key: string;
  /** Server cert signed by otherCa. */
  badCert: string;
  badKey: string;
}

/**
 * A test CA and a server certificate for 127.0.0.1/::1/localhost, plus a certificate from
 * another CA, generated with openssl into a temp dir (test/fixtures/tls is not used for
 * secrets; nothing is checked in).
 */
export function makeTls(): TlsMaterial {
  const dir = tmpDir('tls');
  const o = (args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'ignore' });
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  fs.writeFileSync(path.join(dir, 'san.ext'), 'subjectAltName=IP:127.0.0.1,IP:::1,DNS:localhost\n');
  for (const ca of ['ca', 'other']) {
    o(['req', '-x509', ...ec, '-keyout', `${ca}.key`, '-out', `${ca}.pem`, '-days', '2', '-subj', `/CN=kats ${ca} CA`]);
  }
  for (const [name, ca] of [
    ['srv', 'ca'],
    ['bad', 'other'],
  ] as const) {
    o(['req', ...ec, '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', '/CN=localhost']);
    o(['x509', '-req', '-in', `${name}.csr`, '-CA', `${ca}.pem`, '-CAkey', `${ca}.key`, '-CAcreateserial', '-out', `${name}.pem`, '-days', '2', '-extfile', 'san.ext']);
  }
  const p = (f: string) => path.join(dir, f);
  return { dir, ca: p('ca.pem'), otherCa: p('other.pem'), cert: p('srv.pem'), key: p('srv.key'), badCert: p('bad.pem'), badKey: p('bad.key') };
}
