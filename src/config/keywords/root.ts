/**
 * The root keyword table: every top-level keyword of keepalived 2.2.7 (keepalived.md §3.2),
 * with the LVS side (SSL, virtual_server_group, virtual_server) merged in from ast-lvs.ts.
 */
import type { Stmt } from '../types';
import type { KeepalivedConfig } from '../ast';
import { emptyGlobalDefs, emptyRootSettings } from '../ast';
import { emptyLvsConfig, lvsRootKeywords } from '../ast-lvs';
import { applyTable, kw, type Ctx, type KeywordDef, type KeywordTable } from './table';
import { arg, blockItems, flagKw, kaInt, strKw } from './common';
import { globalDefsKeywords } from './global_defs';
import { parseIpAddress, parseRoute, parseRule } from './ipaddress';
import { parseVrrpInstance } from './vrrp_instance';
import { parseBfdInstance, parseTrackFile, parseTrackProcess, parseVrrpScript } from './trackers';
import {
  parseGarpGroup, parseInterfaceUpDownDelays, parseLinkbeatInterfaces, parseSyncGroup, parseTrackGroup,
} from './groups';

type C = KeepalivedConfig;

/** The tracked objects declared before an instance or sync group (keepalived resolves names while parsing). */
export interface DeclaredBefore {
  scripts: ReadonlySet<string>;
  files: ReadonlySet<string>;
  processes: ReadonlySet<string>;
  bfds: ReadonlySet<string>;
}
export const declaredBefore = new WeakMap<object, DeclaredBefore>();

function snapshot(c: C): DeclaredBefore {
  return {
    scripts: new Set(c.vrrpScripts.map((x) => x.name)),
    files: new Set(c.trackFiles.map((x) => x.name)),
    processes: new Set(c.trackProcesses.map((x) => x.name)),
    bfds: new Set(c.bfdInstances.map((x) => x.name)),
  };
}

export function emptyConfig(): C {
  return {
    global: emptyGlobalDefs(),
    root: emptyRootSettings(),
    staticIpaddresses: [],
    staticRoutes: [],
    staticRules: [],
    trackFiles: [],
    vrrpScripts: [],
    trackProcesses: [],
    syncGroups: [],
    garpGroups: [],
    trackGroups: [],
    vrrpInstances: [],
    bfdInstances: [],
    lvs: emptyLvsConfig(),
  };
}

const block = { block: true } as const;

function trackFile(st: Stmt, c: C, ctx: Ctx): void {
  const t = parseTrackFile(st, ctx);
  if (t) c.trackFiles.push(t);
}

const vrrpRootKeywords: KeywordTable<C> = {
  global_defs: kw((st, c, ctx) => applyTable(st.children ?? [], globalDefsKeywords, c.global, ctx), block),
  net_namespace: strKw((c, s) => (c.root.netNamespace = s)),
  net_namespace_ipvs: kw((st, c) => {
    c.root.netNamespaceIpvs = st.args[0]?.text ?? '';
  }),
  namespace_with_ipsets: flagKw((c) => (c.root.namespaceWithIpsets = true)),
  use_pid_dir: flagKw((c) => (c.root.usePidDir = true)),
  instance: strKw((c, s) => (c.root.instance = s)),
  child_wait_time: kw((st, c, ctx) => {
    const a = arg(st, ctx);
    if (!a) return;
    const n = kaInt(a, 0, 0x7fffffff, ctx);
    if (n === undefined) ctx.sink.error(a, `child_wait_time '${a.text}' invalid - ignoring`, 'CFG_BAD_VALUE');
    else c.root.childWaitTimeS = n;
  }),
  linkbeat_use_polling: flagKw((c) => (c.root.linkbeatUsePolling = true)),
  linkbeat_interfaces: kw((st, c, ctx) => c.root.linkbeatInterfaces.push(...parseLinkbeatInterfaces(st, ctx)), block),
  interface_up_down_delays: kw((st, c, ctx) => c.root.interfaceUpDownDelays.push(...parseInterfaceUpDownDelays(st, ctx)), block),
  track_group: kw((st, c, ctx) => {
    const g = parseTrackGroup(st, ctx);
    if (g) c.trackGroups.push(g);
  }, block),
  static_ipaddress: kw((st, c, ctx) => {
    for (const w of blockItems(st)) {
      const a = parseIpAddress(w, ctx, true);
      if (a) c.staticIpaddresses.push(a);
    }
  }, block),
  static_routes: kw((st, c, ctx) => {
    for (const w of blockItems(st)) {
      const r = parseRoute(w, ctx);
      if (r) c.staticRoutes.push(r);
    }
  }, block),
  static_rules: kw((st, c, ctx) => {
    for (const w of blockItems(st)) {
      const r = parseRule(w, ctx);
      if (r) c.staticRules.push(r);
    }
  }, block),
  track_file: kw(trackFile, block),
  vrrp_track_file: kw(trackFile, block),
  vrrp_script: kw((st, c, ctx) => {
    const s = parseVrrpScript(st, ctx);
    if (s) c.vrrpScripts.push(s);
  }, block),
  vrrp_track_process: kw((st, c, ctx) => {
    const p = parseTrackProcess(st, ctx);
    if (p) c.trackProcesses.push(p);
  }, block),
  vrrp_sync_group: kw((st, c, ctx) => {
    const g = parseSyncGroup(st, ctx);
    if (g) {
      declaredBefore.set(g, snapshot(c));
      c.syncGroups.push(g);
    }
  }, block),
  garp_group: kw((st, c, ctx) => {
    const g = parseGarpGroup(st, ctx, c.garpGroups);
    if (g) c.garpGroups.push(g);
  }, block),
  vrrp_instance: kw((st, c, ctx) => {
    const name = st.args[0]?.text;
    if (name !== undefined && c.vrrpInstances.some((x) => x.name === name)) {
      // keepalived skips the whole block
      ctx.sink.error(st.kw, `vrrp instance ${name} already defined`, 'CFG_DUP_INSTANCE');
      return;
    }
    const v = parseVrrpInstance(st, c.global, ctx);
    if (v) {
      declaredBefore.set(v, snapshot(c));
      c.vrrpInstances.push(v);
    }
  }, block),
  bfd_instance: kw((st, c, ctx) => {
    const b = parseBfdInstance(st, ctx);
    if (b) c.bfdInstances.push(b);
  }, block),
};

function lift(def: KeywordDef<C['lvs']>): KeywordDef<C> {
  return { ...def, handler: (st, c, ctx) => def.handler(st, c.lvs, ctx) };
}

export const rootKeywords: KeywordTable<C> = { ...vrrpRootKeywords };
for (const [name, def] of Object.entries(lvsRootKeywords)) rootKeywords[name] = lift(def);

/** Apply the root table to a whole statement tree. */
export function buildConfig(stmts: readonly Stmt[], ctx: Ctx): C {
  const c = emptyConfig();
  ctx.depth = 0;
  ctx.hoist = undefined;
  applyTable(stmts, rootKeywords, c, ctx);
  return c;
}
