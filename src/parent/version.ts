/** Our version and the keepalived version whose behaviour we follow. */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

export const KEEPALIVED_VERSION = '2.2.7';
export const KEEPALIVED_VERSION_STRING = 'Keepalived v2.2.7 (01/16,2022)';

/** The repository/package root: the first ancestor of this file holding package.json. */
export function packageRoot(from = __dirname): string {
  let dir = from;
  for (;;) {
    if (fs.existsSync(path.join(dir, 'package.json'))) return dir;
    const up = path.dirname(dir);
    if (up === dir) return from;
    dir = up;
  }
}

let ver: string | undefined;
export function ourVersion(): string {
  if (ver) return ver;
  try {
    const pkg = JSON.parse(fs.readFileSync(path.join(packageRoot(), 'package.json'), 'utf8')) as { version?: string };
    ver = pkg.version ?? '0.0.0';
  } catch {
    ver = '0.0.0';
  }
  return ver;
}

/** "Keepalived-ts v0.1.0 (following Keepalived v2.2.7 (01/16,2022))" — still matches `Starting Keepalived`. */
export function versionString(): string {
  return `Keepalived-ts v${ourVersion()} (following ${KEEPALIVED_VERSION_STRING})`;
}

/** `keepalived -v` text (keepalived prints it on stderr). */
export function versionText(): string {
  return [
    versionString(),
    '',
    `keepalived-ts ${ourVersion()}: a TypeScript drop-in replacement following keepalived ${KEEPALIVED_VERSION}`,
    '',
    `Running on ${os.type()} ${os.release()} ${os.version()}`,
    `Node.js ${process.version}`,
    '',
    'Config options:  VRRP LVS JSON SYSTEMD_NOTIFY',
    '',
  ].join('\n');
}
