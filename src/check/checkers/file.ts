/**
 * FILE_CHECK (keepalived track_file): the file holds a number.
 *   weight 0: a non-zero value puts the real server down (`reverse`: a zero value does);
 *   weight W: the value × W (× −1 with `reverse`) is added to the real server's weight,
 *   and a product ≤ −254 puts it down.
 * A missing or unreadable file reads as 0, like keepalived.
 */
import { promises as fsp } from 'node:fs';
import type { CheckResult, FileTarget } from '../types';

export const WEIGHT_FAULT = -254;

/** keepalived reads the leading integer; anything else is 0. */
export function parseTrackValue(text: string): number {
  const m = /^\s*([+-]?\d+)/.exec(text);
  return m ? Number(m[1]) : 0;
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

export async function run(target: FileTarget, _signal: AbortSignal): Promise<CheckResult> {
  let text = '';
  try {
    text = await fsp.readFile(target.path, 'latin1');
  } catch {
    text = '';
  }
  return evaluate(parseTrackValue(text), target);
}
