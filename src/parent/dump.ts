/**
 * Dump files written on signals, in $TMPDIR when it is absolute, else /tmp (keepalived's KA_TMP_DIR):
 *   SIGUSR1 → keepalived_parent.data (here), keepalived.data (VRRP), keepalived_check.data (checker)
 *   SIGUSR2 → keepalived.stats,  STATS_CLEAR → keepalived.stats then zeroed,  JSON → keepalived.json
 * Files are created 0666 & ~umask like keepalived's: 0600 under its default umask 0177, 0644 with -u 022.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

export function dumpDir(env: NodeJS.ProcessEnv = process.env): string {
  const t = env.TMPDIR;
  return t && path.isAbsolute(t) ? t : '/tmp';
}

export const DUMP_FILES = {
  parent: 'keepalived_parent.data',
  vrrpData: 'keepalived.data',
  checkerData: 'keepalived_check.data',
  stats: 'keepalived.stats',
  json: 'keepalived.json',
} as const;

/** keepalived's data_use_instance naming: keepalived.<netns>_<instance>.data. */
export function dataFileName(base: string, useInstance: { netns?: string; instance?: string } | undefined): string {
  if (!useInstance || (!useInstance.netns && !useInstance.instance)) return base;
  const dot = base.lastIndexOf('.');
  const tag = [useInstance.netns, useInstance.instance].filter(Boolean).join('_');
  return `${base.slice(0, dot)}.${tag}${base.slice(dot)}`;
}

export function writeDump(dir: string, name: string, text: string): string | undefined {
  const file = path.join(dir, name);
  try {
    try {
      fs.unlinkSync(file);
    } catch {
      /* not there */
    }
    fs.writeFileSync(file, text, { mode: 0o666 });
    return undefined;
  } catch (e) {
    return `Can't open ${file} (${(e as Error).message})`;
  }
}

/** Flatten scalars of an object into ` Key = value` lines (keepalived's dump style). */
export function flattenForDump(obj: unknown, prefix = ''): string[] {
  const out: string[] = [];
  if (!obj || typeof obj !== 'object') return out;
  for (const [k, v] of Object.entries(obj as Record<string, unknown>)) {
    const key = prefix ? `${prefix}.${k}` : k;
    if (v === null || v === undefined) continue;
    if (typeof v === 'object') {
      if (Array.isArray(v)) out.push(` ${key} = ${v.length === 0 ? '(none)' : v.map((x) => (typeof x === 'object' ? JSON.stringify(x) : String(x))).join(', ')}`);
      else if (prefix.split('.').length < 2) out.push(...flattenForDump(v, key));
      else out.push(` ${key} = ${JSON.stringify(v)}`);
    } else {
      out.push(` ${key} = ${String(v)}`);
    }
  }
  return out;
}
