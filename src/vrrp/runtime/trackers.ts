/**
 * Tracker arithmetic shared by track_interface, track_script and track_file (keepalived's
 * vrrp_track.c semantics as documented in keepalived.conf(5)):
 *
 *   weight 0   the instance goes to FAULT while the tracked object is down (reverse: while up);
 *   weight W>0 +W is added to the priority while the object is up (reverse: −W);
 *   weight W<0 |W| is subtracted while the object is down (reverse: +|W|);
 *   a script that has not returned yet (init) counts neither way.
 *
 * track_file contributes value × weight clamped to −254..253, where −254 means FAULT;
 * weight 0 faults on a non-zero value (reverse: on zero). The effective priority of a non-owner is clamped to
 * 1..254; an address owner (base priority 255) is never changed by tracking.
 */

export interface TrackerState {
  /** Label for log lines, e.g. 'script chk' or 'interface eth1'. */
  label: string;
  kind: 'interface' | 'script' | 'file' | 'process';
  weight: number;
  reverse: boolean;
  /** Up (interface up / script succeeding / process quorum); undefined = script not run yet (init). */
  up: boolean | undefined;
  /** track_file value. */
  value?: number;
}

/** Priority delta of one tracker and whether it faults the instance. */
export function trackerEffect(t: TrackerState): { delta: number; fault: boolean } {
  if (t.kind === 'file') {
    const v = t.value ?? 0;
    // weight 0: a non-zero value faults, with `reverse` a zero one (2.2.7: "has status -254" for a missing file)
    if (t.weight === 0) return { delta: 0, fault: (v !== 0) !== t.reverse };
    const d = Math.max(-254, Math.min(253, v * t.weight * (t.reverse ? -1 : 1)));
    return d <= -254 ? { delta: 0, fault: true } : { delta: d, fault: false };
  }
  if (t.up === undefined) return { delta: 0, fault: false };
  const m = t.reverse ? -1 : 1;
  if (t.weight === 0) return { delta: 0, fault: t.up === t.reverse };
  if (t.weight > 0) return { delta: t.up ? t.weight * m : 0, fault: false };
  return { delta: t.up ? 0 : t.weight * m, fault: false };
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

/** Does a process match a vrrp_track_process spec (keepalived's param_match exact|initial|partial)? */
export function processMatches(
  p: { comm: string; argv: string[] },
  spec: { process?: string; args?: string[]; paramMatch: 'exact' | 'initial' | 'partial'; fullCommand: boolean },
): boolean {
  const name = spec.process;
  if (!name) return false;
  const argv0 = p.argv[0] ?? '';
  const base = argv0.slice(argv0.lastIndexOf('/') + 1);
  if (!spec.args && !spec.fullCommand) return p.comm === name.slice(0, 15) || base === name || argv0 === name;
  if (argv0 !== name && base !== name) return false;
  const want = spec.args ?? [];
  const have = p.argv.slice(1);
  if (spec.paramMatch === 'exact') return want.length === have.length && want.every((a, i) => a === have[i]);
  if (spec.paramMatch === 'initial') return want.every((a, i) => a === have[i]);
  const joined = have.join(' ');
  return joined.includes(want.join(' '));
}
