/**
 * Groups: `vrrp_sync_group`, `garp_group`, `track_group`, plus the root-level
 * `linkbeat_interfaces` and `interface_up_down_delays` lists (keepalived.md §3.2, §3.4).
 */
import type { Stmt } from '../types';
import type { SyncGroup, GarpGroup, TrackGroup, LinkbeatInterface, InterfaceUpDownDelay } from '../ast';
import { emptySyncGroup } from '../ast';
import { applyTable, kw, type Ctx, type KeywordTable } from './table';
import { arg, blockItems, boolKw, endOf, flagKw, kaInt, kaTimerUs, posOf, scriptKw } from './common';
import { readTrackInterfaces, readTrackRefs } from './vrrp_instance';

type SG = SyncGroup;

export const syncGroupKeywords: KeywordTable<SG> = {
  group: kw((st, g) => {
    for (const w of blockItems(st)) {
      for (const t of w) g.group.push({ name: t.text, pos: posOf(t) });
    }
  }, { block: true }),
  track_interface: kw((st, g, ctx) => g.trackInterfaces.push(...readTrackInterfaces(st, ctx, `(${g.name})`)), { block: true }),
  track_script: kw((st, g, ctx) => g.trackScripts.push(...readTrackRefs(st, ctx, `(${g.name})`, 'track script', -253, 253)), { block: true }),
  track_file: kw((st, g, ctx) => g.trackFiles.push(...readTrackRefs(st, ctx, `(${g.name})`, 'track file', -254, 254)), { block: true }),
  track_process: kw((st, g, ctx) => g.trackProcesses.push(...readTrackRefs(st, ctx, `(${g.name})`, 'track process', -254, 254)), { block: true }),
  track_bfd: kw((st, g, ctx) => g.trackBfds.push(...readTrackRefs(st, ctx, `(${g.name})`, 'track bfd', -253, 253)), { block: true }),
  notify_master: scriptKw((g, s) => (g.notifyMaster = s)),
  notify_backup: scriptKw((g, s) => (g.notifyBackup = s)),
  notify_fault: scriptKw((g, s) => (g.notifyFault = s)),
  notify_stop: scriptKw((g, s) => (g.notifyStop = s)),
  notify: scriptKw((g, s) => (g.notify = s)),
  smtp_alert: kw((st, g, ctx) => {
    const a = st.args[0];
    const w = a?.text.toLowerCase();
    if (!a || ['on', 'true', 'yes'].includes(w!)) g.smtpAlert = true;
    else if (['off', 'false', 'no'].includes(w!)) g.smtpAlert = false;
    else ctx.sink.error(a, `Invalid vrrp_group smtp_alert parameter ${a.text}`, 'CFG_BAD_BOOL');
  }),
  global_tracking: kw((st, g, ctx) => {
    ctx.sink.error(st.kw, `(${g.name}) global_tracking is deprecated. Use track_interface/script/file on the sync group`, 'CFG_DEPRECATED');
    g.globalTracking = true;
  }),
  sync_group_tracking_weight: flagKw((g) => (g.syncGroupTrackingWeight = true)),
  notify_priority_changes: boolKw((g, b) => (g.notifyPriorityChanges = b)),
};

export function parseSyncGroup(st: Stmt, ctx: Ctx): SG | undefined {
  const name = st.args[0];
  if (!name) {
    ctx.sink.error(st.kw, 'vrrp_sync_group must have a name - skipping', 'CFG_MISSING_VALUE');
    return undefined;
  }
  const g = emptySyncGroup(name.text, posOf(st.kw));
  applyTable(st.children ?? [], syncGroupKeywords, g, ctx);
  return g;
}

export const garpGroupKeywords: KeywordTable<GarpGroup> = {
  garp_interval: kw((st, g, ctx) => {
    const us = kaTimerUs(st.args[0], 0, 1, ctx);
    if (us !== undefined) g.garpIntervalUs = us;
    else if (!st.args[0]) ctx.sink.error(st.kw, 'garp_interval missing value', 'CFG_MISSING_VALUE');
  }),
  gna_interval: kw((st, g, ctx) => {
    const us = kaTimerUs(st.args[0], 0, 1, ctx);
    if (us !== undefined) g.gnaIntervalUs = us;
    else if (!st.args[0]) ctx.sink.error(st.kw, 'gna_interval missing value', 'CFG_MISSING_VALUE');
  }),
  interface: kw((st, g, ctx) => {
    const a = arg(st, ctx);
    if (!a) return;
    g.interfaces.push(a.text);
    g.interfacePos.push(posOf(a));
  }),
  interfaces: kw((st, g) => {
    for (const w of blockItems(st)) {
      g.interfaces.push(w[0]!.text);
      g.interfacePos.push(posOf(w[0]!));
    }
  }, { block: true }),
};

/**
 * A garp_group: keepalived removes a group without a delay, and an interface can be in one
 * group only ("already specified" — checked against the groups kept so far, `existing`).
 */
export function parseGarpGroup(st: Stmt, ctx: Ctx, existing: readonly GarpGroup[]): GarpGroup | undefined {
  const g: GarpGroup = { pos: posOf(st.kw), interfaces: [], interfacePos: [] };
  applyTable(st.children ?? [], garpGroupKeywords, g, ctx);
  if (g.garpIntervalUs === undefined && g.gnaIntervalUs === undefined) {
    ctx.sink.error(endOf(st), `garp group ${existing.length} does not have any delay set - removing`, 'CFG_GARP_NO_DELAY');
    return undefined;
  }
  if (g.interfaces.length === 0) {
    ctx.sink.error(endOf(st), `garp_group ${existing.length} does not have any interface set - removing`, 'CFG_MISSING_VALUE');
    return undefined;
  }
  const taken = new Set(existing.flatMap((e) => e.interfaces));
  const keep: number[] = [];
  g.interfaces.forEach((name, i) => {
    if (taken.has(name)) {
      ctx.sink.error(g.interfacePos[i], `garp_group already specified for ${name} - ignoring`, 'CFG_GARP_DUP_IF');
      return;
    }
    taken.add(name);
    keep.push(i);
  });
  g.interfacePos = keep.map((i) => g.interfacePos[i]!);
  g.interfaces = keep.map((i) => g.interfaces[i]!);
  return g;
}

export const trackGroupKeywords: KeywordTable<TrackGroup> = {
  group: kw((st, g) => {
    for (const w of blockItems(st)) for (const t of w) g.group.push(t.text);
  }, { block: true }),
};

export function parseTrackGroup(st: Stmt, ctx: Ctx): TrackGroup | undefined {
  const name = st.args[0];
  if (!name) {
    ctx.sink.error(st.kw, 'track_group must have a name - skipping', 'CFG_MISSING_VALUE');
    return undefined;
  }
  const g: TrackGroup = { name: name.text, pos: posOf(st.kw), group: [] };
  applyTable(st.children ?? [], trackGroupKeywords, g, ctx);
  return g;
}

export function parseLinkbeatInterfaces(st: Stmt, ctx: Ctx): LinkbeatInterface[] {
  const out: LinkbeatInterface[] = [];
  for (const w of blockItems(st)) {
    const name = w[0]!;
    const type = w[1]?.text;
    if (type !== undefined && type !== 'MII' && type !== 'ETHTOOL' && type !== 'IOCTL') {
      ctx.sink.error(w[1], `Unknown linkbeat type ${type} for ${name.text}`, 'CFG_BAD_VALUE');
      continue;
    }
    out.push({ name: name.text, type: type ?? 'default', pos: posOf(name) });
  }
  return out;
}

export function parseInterfaceUpDownDelays(st: Stmt, ctx: Ctx): InterfaceUpDownDelay[] {
  const out: InterfaceUpDownDelay[] = [];
  for (const w of blockItems(st)) {
    const name = w[0]!;
    if (!w[1]) {
      ctx.sink.error(name, `No down delay specified for ${name.text}`, 'CFG_MISSING_VALUE');
      continue;
    }
    const down = kaTimerUs(w[1], 0, 254, ctx);
    const up = w[2] ? kaTimerUs(w[2], 0, 254, ctx) : down;
    if (down === undefined || up === undefined) continue;
    out.push({ name: name.text, downDelayUs: down, upDelayUs: up, pos: posOf(name) });
  }
  void kaInt;
  return out;
}
