/**
 * Tracker arithmetic shared by track_interface, track_script and track_file (keepalived's
 * vrrp_track.c semantics as documented in keepalived.conf(5)):
 *
 *   weight 0   the instance goes to FAULT while the tracked object is down;
 *   weight W>0 +W is added to the priority while the object is up;
 *   weight W<0 |W| is subtracted while the object is down;
 *   reverse    the object's up/down status is inverted first.
 *
 * track_file contributes value × weight (value read from the file); weight 0 faults on a
 * non-zero value. The effective priority of a non-owner is clamped to 1..254; an address
 * owner (base priority 255) is never changed by tracking.
 */

export interface TrackerState {
  /** Label for log lines, e.g. 'script chk' or 'interface eth1'. */
  label: string;
  kind: 'interface' | 'script' | 'file';
  weight: number;
  reverse: boolean;
  /** Up (interface up / script succeeding) — for files: value !== 0 is "down" with weight 0. */
  up: boolean;
  /** track_file value. */
  value?: number;
}

/** Priority delta of one tracker and whether it faults the instance. */
export function trackerEffect(t: TrackerState): { delta: number; fault: boolean } {
  if (t.kind === 'file') {
    const v = t.value ?? 0;
    if (t.weight === 0) return { delta: 0, fault: v !== 0 };
    const d = v * t.weight;
    return { delta: t.reverse ? -d : d, fault: false };
  }
  const up = t.reverse ? !t.up : t.up;
  if (t.weight === 0) return { delta: 0, fault: !up };
  if (t.weight > 0) return { delta: up ? t.weight : 0, fault: false };
  return { delta: up ? 0 : t.weight, fault: false };
}

/** Base priority + tracker deltas, clamped as keepalived does; the first faulting tracker. */
export function effectivePriority(base: number, trackers: Iterable<TrackerState>): { priority: number; faultBy?: TrackerState } {
  let delta = 0;
  let faultBy: TrackerState | undefined;
  for (const t of trackers) {
    const e = trackerEffect(t);
    delta += e.delta;
    if (e.fault && !faultBy) faultBy = t;
  }
  if (base >= 255) return faultBy ? { priority: 255, faultBy } : { priority: 255 };
  const p = Math.max(1, Math.min(254, base + delta));
  return faultBy ? { priority: p, faultBy } : { priority: p };
}
