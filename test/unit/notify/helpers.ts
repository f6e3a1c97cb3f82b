import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { loadConfig, type KeepalivedConfig } from '../../../src/config';

/** Parse keepalived.conf text with the real loader (scripts and users treated as present). */
export function conf(text: string): KeepalivedConfig {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kats-notify-'));
  try {
    const f = path.join(dir, 'keepalived.conf');
    fs.writeFileSync(f, text);
    return loadConfig(f, { configId: '', scriptFound: () => true, userExists: () => true }).config;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
