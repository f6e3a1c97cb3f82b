/**
 * FILE_CHECK (keepalived track_file): the file holds a number.
 *   weight 0: a non-zero value puts the real server down (`reverse`: a zero value does);
 *   weight W: the value × W (× −1 with `reverse`) is added to the real server's weight,
 *   and a product ≤ −254 puts it down.
 * A missing or unreadable file reads as 0, like keepalived; the number is read as 2.2.7 reads
 * it (strtol base 0: "0x10" is 16, "010" is 8; lib/track-value.ts), and a number out of the
 * int range is ignored: the previous value of that file stays.
 * The checker engine runs it when the file changes (a FileWatcher on its directory, inotify as
 * keepalived), not every delay_loop; it is polled only when no watch can be set.
 */
import { promises as fsp, readFileSync } from 'node:fs';
import { parseTrackValue as strtolValue } from '../../lib/track-value';
import type { CheckResult, FileTarget } from '../types';

export const WEIGHT_FAULT = -254;

/** keepalived reads the leading integer (strtol base 0); anything else is 0; out of int range: undefined. */
export function parseTrackValue(text: string): number | undefined {
  const v = strtolValue(text);
  return v.ok ? v.value : undefined;
}

export function evaluate(value: number, t: Pick<FileTarget, 'weight' | 'reverse'>): CheckResult {
  if (t.weight === 0) {
    const down = t.reverse ? value === 0 : value !== 0;
    return down ? { code: 'FILE_DOWN', detail: String(value) } : { code: 'OK', weight: 0 };
  }
  const eff = value * t.weight * (t.reverse ? -1 : 1);
  if (eff <= WEIGHT_FAULT) return { code: 'FILE_DOWN', detail: String(value) };
  return { code: 'OK', weight: eff };
}

/** The last valid value read from each path (an invalid number keeps it, as keepalived). */
const lastValue = new Map<string, number>();

export async function run(target: FileTarget, _signal: AbortSignal): Promise<CheckResult> {
  let text = '';
  try {
    text = await fsp.readFile(target.path, 'latin1');
  } catch {
    text = '';
  }
  return valueOf(target, text);
}

/**
 * The file's state when the configuration is loaded (keepalived reads every track file then, so
 * its first IPVS table already follows them): up, and the weight delta.
 */
export function initialOf(target: FileTarget): { up: boolean; weight: number } {
  let text = '';
  try {
    text = readFileSync(target.path, 'latin1');
  } catch {
    text = '';
  }
  const r = valueOf(target, text);
  return { up: r.code === 'OK', weight: r.code === 'OK' ? (r.weight ?? 0) : 0 };
}

function valueOf(target: FileTarget, text: string): CheckResult {
  let v = parseTrackValue(text);
  if (v === undefined) v = lastValue.get(target.path) ?? 0;
  lastValue.set(target.path, v);
  return evaluate(v, target);
}
