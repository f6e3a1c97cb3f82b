/**
 * `vrrp_instance NAME { … }`: every keepalived 2.2.7 keyword (keepalived.md §3.5).
 * Handlers only record what was written (with keepalived's parse-time messages);
 * cross-object checks (tracked names, interfaces, strict mode, …) are in validate.ts.
 */
import type { Stmt, Token } from '../types';
import type { VrrpInstance, TrackRef, TrackInterfaceRef, IpAddressSpec, GlobalDefs } from '../ast';
import { emptyVrrpInstance } from '../ast';
import { parseIp } from '../../lib/ip';
import { applyTable, kw, type Ctx, type KeywordTable } from './table';
import {
  arg, blockItems, boolKw, endOf, extraWords, flagKw, kaDouble, kaInt, posOf, readScript, readWeight, scriptKw, strKw,
} from './common';
import { parseIpAddress, parseRoute, parseRule } from './ipaddress';

type VI = VrrpInstance;

/** `track_script { NAME [weight W [reverse]] }` and friends. */
export function readTrackRefs(st: Stmt, ctx: Ctx, owner: string, what: string, min: number, max: number): TrackRef[] {
  const out: TrackRef[] = [];
  for (const words of blockItems(st)) {
    const name = words[0]!;
    const w = readWeight(words, 1, min - 1, max + 1, ctx);
    if (w.weight !== undefined && (w.weight < min || w.weight > max)) {
      ctx.sink.error(name, `number '${w.weight}' outside range [${min - 1}, ${max + 1}]`, 'CFG_OUT_OF_RANGE');
    }
    if (!w.ok || (w.weight !== undefined && (w.weight < min || w.weight > max))) {
      ctx.sink.error(name, `${owner} ${what} ${name.text}: weight must be between [${min}..${max}] inclusive, ignoring...`, 'CFG_BAD_WEIGHT');
      continue;
    }
    const r: TrackRef = { name: name.text, reverse: w.reverse, pos: posOf(name) };
    if (w.weight !== undefined) r.weight = w.weight;
    out.push(r);
  }
  return out;
}

export function readTrackInterfaces(st: Stmt, ctx: Ctx, owner: string, existing: readonly TrackInterfaceRef[] = []): TrackInterfaceRef[] {
  const out: TrackInterfaceRef[] = [];
  for (const words of blockItems(st)) {
    const name = words[0]!;
    if (existing.some((t) => t.name === name.text) || out.some((t) => t.name === name.text)) {
      ctx.sink.error(name, `${owner} duplicate track_interface ${name.text} - ignoring`, 'CFG_DUP_TRACK');
      continue;
    }
    const w = readWeight(words, 1, -254, 254, ctx);
    if (!w.ok || (w.weight !== undefined && (w.weight < -253 || w.weight > 253))) {
      ctx.sink.error(name, `${owner} track_interface ${name.text} weight must be between [-253..253] inclusive, ignoring...`, 'CFG_BAD_WEIGHT');
      continue;
    }
    out.push({ name: name.text, weight: w.weight ?? 0, reverse: w.reverse, pos: posOf(name) });
  }
  return out;
}

/** Instances whose address family is already decided (first VIP, native_ipv6, ipvlan address). */
const familyFixed = new WeakSet<VI>();

function label(v: VI): string {
  return `(${v.name})`;
}

function addVips(st: Stmt, v: VI, ctx: Ctx, list: IpAddressSpec[], excluded: boolean): void {
  for (const words of blockItems(st)) {
    const a = parseIpAddress(words, ctx, true);
    if (!a) continue;
    if (!excluded) {
      if (!familyFixed.has(v)) {
        v.family = a.family;
        familyFixed.add(v);
      } else if (a.family !== v.family) {
        ctx.sink.error(words[0], `${label(v)}: address family must match VRRP instance [${words[0]!.text}] - ignoring`, 'CFG_FAMILY_MISMATCH');
        continue;
      }
    }
    list.push(a);
  }
}

const garp = (min: number, max: number, set: (v: VI, n: number) => void, invalid?: (v: VI, text: string) => string) =>
  kw<VI>((st, v, ctx) => {
    const a = arg(st, ctx);
    if (!a) return;
    if (min === 1 && a.text === '0' && st.kw.text.endsWith('_repeat')) {
      ctx.sink.error(a, `${label(v)}: ${st.kw.text} must be greater than 0, setting to 1`, 'CFG_BAD_VALUE');
      set(v, 1);
      return;
    }
    const n = kaInt(a, min, max, ctx);
    if (n === undefined) {
      ctx.sink.error(a, invalid ? invalid(v, a.text) : `${label(v)}: ${st.kw.text} '${a.text}' invalid - ignoring`, 'CFG_BAD_VALUE');
      return;
    }
    set(v, n);
  });

const notifyKw = (set: (v: VI, s: NonNullable<VI['notify']>) => void) => scriptKw<VI>(set);

export const vrrpInstanceKeywords: KeywordTable<VI> = {
  state: kw((st, v, ctx) => {
    const a = arg(st, ctx);
    if (!a) return;
    extraWords(st, ctx, 1);
    if (a.text === 'MASTER') v.state = 'MASTER';
    else if (a.text === 'BACKUP') v.state = 'BACKUP';
    else {
      ctx.sink.error(a, `${label(v)} unknown state '${a.text}', defaulting to BACKUP`, 'CFG_BAD_VALUE');
      v.state = 'BACKUP';
    }
  }),
  interface: kw((st, v, ctx) => {
    const a = arg(st, ctx);
    if (!a) return;
    extraWords(st, ctx, 1);
    v.interface = a.text;
    v.interfacePos = posOf(a);
  }),
  vrf: strKw((v, s) => (v.vrf = s)),
  use_vmac: kw((st, v, ctx) => {
    const u: NonNullable<VI['useVmac']> = {};
    for (const a of st.args) {
      if (/^([0-9a-fA-F]{2}:){5}[0-9a-fA-F]{2}$/.test(a.text)) {
        const mac = a.text.toLowerCase();
        if (/^00:00:5e:00:0[12]:/.test(mac)) {
          ctx.sink.error(a, `VMAC MAC address not allowed to be RFC5798 address (${a.text}) - ignoring`, 'CFG_BAD_VMAC');
        } else u.mac = mac;
      } else if (u.name === undefined) u.name = a.text;
    }
    v.useVmac = u;
  }),
  use_vmac_addr: flagKw((v) => (v.useVmacAddr = true)),
  vmac_xmit_base: flagKw((v) => (v.vmacXmitBase = true)),
  use_ipvlan: kw((st, v, ctx) => {
    const u: NonNullable<VI['useIpvlan']> = {};
    for (const a of st.args) {
      if (a.text === 'bridge' || a.text === 'private' || a.text === 'vepa') u.mode = a.text;
      else if (a.text.includes('/') || parseIp(a.text)) {
        const slash = a.text.indexOf('/');
        const ip = parseIp(slash >= 0 ? a.text.slice(0, slash) : a.text);
        if (!ip) ctx.sink.error(a, `${label(v)} use_ipvlan invalid address ${a.text}`, 'CFG_BAD_ADDRESS');
        else {
          u.address = ip.text;
          u.prefixLen = slash >= 0 ? Number(a.text.slice(slash + 1)) : ip.family === 4 ? 32 : 128;
          // the ipvlan address decides the instance's family like a first VIP
          if (!familyFixed.has(v)) {
            v.family = ip.family;
            familyFixed.add(v);
          }
        }
      } else if (u.name === undefined) u.name = a.text;
    }
    v.useIpvlan = u;
  }),
  native_ipv6: kw((st, v, ctx) => {
    extraWords(st, ctx, 0);
    if (familyFixed.has(v) && v.family === 4) {
      ctx.sink.error(st.kw, `${label(v)} Cannot specify native_ipv6 with IPv4 addresses`, 'CFG_FAMILY_MISMATCH');
      return;
    }
    v.nativeIpv6 = true;
    v.family = 6;
    familyFixed.add(v);
  }),
  dont_track_primary: flagKw((v) => (v.dontTrackPrimary = true)),
  track_interface: kw((st, v, ctx) => v.trackInterfaces.push(...readTrackInterfaces(st, ctx, label(v), v.trackInterfaces)), { block: true }),
  track_script: kw((st, v, ctx) => v.trackScripts.push(...readTrackRefs(st, ctx, label(v), 'track script', -253, 253)), { block: true }),
  track_file: kw((st, v, ctx) => v.trackFiles.push(...readTrackRefs(st, ctx, label(v), 'track file', -254, 254)), { block: true }),
  track_process: kw((st, v, ctx) => v.trackProcesses.push(...readTrackRefs(st, ctx, label(v), 'track process', -254, 254)), { block: true }),
  track_bfd: kw((st, v, ctx) => v.trackBfds.push(...readTrackRefs(st, ctx, label(v), 'track bfd', -253, 253)), { block: true }),
  mcast_src_ip: kw(srcIp),
  unicast_src_ip: kw(srcIp),
  track_src_ip: flagKw((v) => (v.trackSrcIp = true)),
  mcast_dst_ip: kw((st, v, ctx) => {
    const a = arg(st, ctx);
    if (!a) return;
    const ip = parseIp(a.text);
    if (!ip || !(ip.family === 4 ? (ip.bytes[0]! & 0xf0) === 0xe0 : ip.bytes[0] === 0xff)) {
      ctx.sink.error(a, `${label(v)} mcast_dst_ip ${a.text} not multicast. Skipping...`, 'CFG_BAD_ADDRESS');
      return;
    }
    v.mcastDstIp = ip.text;
  }),
  unicast_peer: kw((st, v, ctx) => {
    for (const words of blockItems(st)) {
      const w0 = words[0]!;
      const ip = parseIp(w0.text);
      if (!ip) {
        ctx.sink.error(w0, `Configuration error: VRRP instance[${v.name}] malformed unicast peer address[${w0.text}]. Skipping...`, 'CFG_BAD_ADDRESS');
        continue;
      }
      const p: VI['unicastPeers'][number] = { address: ip.text, family: ip.family, pos: posOf(w0) };
      for (let i = 1; i < words.length; i++) {
        const w = words[i]!;
        if (w.text === 'min_ttl' || w.text === 'max_ttl') {
          const n = kaInt(words[i + 1], 0, 255, ctx);
          if (n !== undefined) {
            if (w.text === 'min_ttl') p.minTtl = n;
            else p.maxTtl = n;
          } else if (!words[i + 1]) ctx.sink.error(w, `${label(v)} ${w.text} missing a value`, 'CFG_MISSING_VALUE');
          i++;
        } else {
          ctx.sink.error(w, `${label(v)} ${w.text} is missing a value`, 'CFG_UNKNOWN_OPTION');
        }
      }
      v.unicastPeers.push(p);
    }
  }, { block: true }),
  unicast_fault_no_peer: flagKw((v) => (v.unicastFaultNoPeer = true)),
  check_unicast_src: flagKw((v) => {
    v.checkUnicastSrc = true;
    (v.unicastKeywords ??= []).push('check_unicast_src');
  }),
  unicast_ttl: kw((st, v, ctx) => {
    const a = arg(st, ctx);
    if (!a) return;
    const n = kaInt(a, 0, 255, ctx);
    if (n === undefined) ctx.sink.error(a, `${label(v)}: TTL '${a.text}' not valid - must be between 0 & 255`, 'CFG_BAD_VALUE');
    else v.unicastTtl = n;
  }),
  old_unicast_checksum: kw((st, v) => {
    v.oldUnicastChecksum = st.args[0]?.text === 'never' ? 'never' : 'always';
    (v.unicastKeywords ??= []).push('old_unicast_checksum');
  }),
  virtual_router_id: kw((st, v, ctx) => {
    const a = arg(st, ctx);
    if (!a) return;
    extraWords(st, ctx, 1);
    const n = kaInt(a, 1, 255, ctx);
    if (n === undefined) {
      ctx.sink.error(a, `${label(v)}: VRID '${a.text}' not valid - must be between 1 & 255`, 'CFG_BAD_VRID');
      return;
    }
    v.virtualRouterId = n;
  }),
  priority: kw((st, v, ctx) => {
    const a = arg(st, ctx);
    if (!a) return;
    extraWords(st, ctx, 1);
    const n = kaInt(a, 1, 255, ctx);
    if (n === undefined) {
      ctx.sink.error(a, `${label(v)} Priority not valid! must be between 1 & 255. Using default 100`, 'CFG_BAD_PRIORITY');
      v.priority = 100;
      v.priorityConfigured = true;
      return;
    }
    v.priority = n;
    v.priorityConfigured = true;
  }),
  advert_int: kw((st, v, ctx) => {
    const a = arg(st, ctx);
    if (!a) return;
    extraWords(st, ctx, 1);
    const d = kaDouble(a, 0.01, 255, ctx);
    if (d === undefined) {
      ctx.sink.error(a, `${label(v)} Advert interval (${a.text}) not valid! Must be > 0 - ignoring`, 'CFG_BAD_ADVERT_INT');
      return;
    }
    v.advertIntUs = Math.round(d * 1_000_000);
  }),
  version: kw((st, v, ctx) => {
    const a = arg(st, ctx);
    if (!a) return;
    const n = kaInt(a, 2, 3, ctx);
    if (n === undefined) {
      ctx.sink.error(a, `(${v.name}): Version must be either 2 or 3`, 'CFG_BAD_VERSION');
      return;
    }
    v.version = n as 2 | 3;
    v.versionConfigured = true;
  }),
  authentication: kw((st, v, ctx) => {
    const auth: NonNullable<VI['authentication']> = v.authentication ?? { pos: posOf(st.kw) };
    v.authentication = auth;
    applyTable(st.children ?? [], authKeywords, { a: auth, owner: label(v) }, ctx);
  }, { block: true }),
  virtual_ipaddress: kw((st, v, ctx) => addVips(st, v, ctx, v.virtualIpaddresses, false), { block: true }),
  virtual_ipaddress_excluded: kw((st, v, ctx) => addVips(st, v, ctx, v.virtualIpaddressesExcluded, true), { block: true }),
  virtual_routes: kw((st, v, ctx) => {
    for (const words of blockItems(st)) {
      const r = parseRoute(words, ctx);
      if (r) v.virtualRoutes.push(r);
    }
  }, { block: true }),
  virtual_rules: kw((st, v, ctx) => {
    for (const words of blockItems(st)) {
      const r = parseRule(words, ctx);
      if (r) v.virtualRules.push(r);
    }
  }, { block: true }),
  promote_secondaries: flagKw((v) => (v.promoteSecondaries = true)),
  accept: flagKw((v) => {
    v.accept = true;
    v.acceptConfigured = true;
  }),
  no_accept: flagKw((v) => {
    v.accept = false;
    v.acceptConfigured = true;
  }),
  nopreempt: flagKw((v) => (v.nopreempt = true)),
  preempt: flagKw((v) => (v.nopreempt = false)),
  preempt_delay: kw((st, v, ctx) => {
    const a = arg(st, ctx);
    if (!a) return;
    const d = kaDouble(a, 0, 1000, ctx);
    if (d === undefined) {
      ctx.sink.error(a, `${label(v)} Preempt_delay not valid! must be between 0-1000`, 'CFG_BAD_VALUE');
      return;
    }
    v.preemptDelayUs = Math.round(d * 1_000_000);
  }),
  skip_check_adv_addr: boolKw((v, b) => (v.skipCheckAdvAddr = b)),
  strict_mode: boolKw((v, b) => (v.strictMode = b)),
  garp_master_delay: garp(0, 86400, (v, n) => (v.garpMasterDelayS = n)),
  garp_master_repeat: garp(1, 65535, (v, n) => (v.garpMasterRepeat = n)),
  garp_master_refresh: garp(0, 86400, (v, n) => (v.garpMasterRefreshS = n)),
  garp_master_refresh_repeat: garp(1, 65535, (v, n) => (v.garpMasterRefreshRepeat = n)),
  garp_lower_prio_delay: garp(0, 86400, (v, n) => (v.garpLowerPrioDelayS = n)),
  garp_lower_prio_repeat: garp(0, 65535, (v, n) => (v.garpLowerPrioRepeat = n)),
  garp_extra_if: kw(garpExtraIf),
  vmac_garp_intvl: kw(garpExtraIf, { deprecatedFor: 'garp_extra_if' }),
  down_timer_adverts: garp(1, 100, (v, n) => (v.downTimerAdverts = n), (v, t) => `${label(v)}: Invalid down_timer_adverts [1:100] '${t}'`),
  lower_prio_no_advert: boolKw((v, b) => (v.lowerPrioNoAdvert = b)),
  higher_prio_send_advert: boolKw((v, b) => (v.higherPrioSendAdvert = b)),
  notify_master: notifyKw((v, s) => (v.notifyMaster = s)),
  notify_backup: notifyKw((v, s) => (v.notifyBackup = s)),
  notify_fault: notifyKw((v, s) => (v.notifyFault = s)),
  notify_stop: notifyKw((v, s) => (v.notifyStop = s)),
  notify_deleted: kw((st, v, ctx) => {
    if (st.args.length === 0) v.notifyDeleted = true;
    else {
      const s = readScript(st, ctx);
      if (s) v.notifyDeleted = s;
    }
  }),
  notify: notifyKw((v, s) => (v.notify = s)),
  notify_master_rx_lower_pri: notifyKw((v, s) => (v.notifyMasterRxLowerPri = s)),
  notify_priority_changes: boolKw((v, b) => (v.notifyPriorityChanges = b)),
  smtp_alert: kw((st, v, ctx) => {
    const a = st.args[0];
    const w = a?.text.toLowerCase();
    if (!a || ['on', 'true', 'yes'].includes(w!)) v.smtpAlert = true;
    else if (['off', 'false', 'no'].includes(w!)) v.smtpAlert = false;
    else ctx.sink.error(a, `Invalid vrrp_instance smtp_alert parameter ${a.text}`, 'CFG_BAD_BOOL');
  }),
  debug: kw((st, v, ctx) => {
    const a = st.args[0];
    const n = kaInt(a, 0, 4, ctx);
    if (n !== undefined) v.debug = n;
    else if (a) ctx.sink.error(a, `${label(v)} Debug value '${a.text}' not valid; must be between 0-4`, 'CFG_BAD_VALUE');
  }),
  kernel_rx_buf_size: kw((st, v, ctx) => {
    const a = arg(st, ctx);
    if (!a) return;
    const n = kaInt(a, 0, 0x7fffffff, ctx);
    if (n !== undefined) v.kernelRxBufSize = n;
    else ctx.sink.error(a, `${label(v)} invalid kernel_rx_buf_size specified`, 'CFG_BAD_VALUE');
  }),
  linkbeat_use_polling: flagKw((v) => (v.linkbeatUsePolling = true)),
  lvs_sync_daemon_interface: kw((st, v, ctx) => {
    ctx.sink.error(st.kw, `${label(v)} Specifying lvs_sync_daemon_interface against a vrrp is deprecated.`, 'CFG_DEPRECATED');
    ctx.sink.error(st.kw, `        Please use global lvs_sync_daemon`, 'CFG_DEPRECATED');
    const a = arg(st, ctx);
    if (a) v.lvsSyncDaemonInterface = a.text;
  }),
};

function srcIp(st: Stmt, v: VI, ctx: Ctx): void {
  const a = arg(st, ctx);
  if (!a) return;
  const ip = parseIp(a.text);
  if (!ip) {
    ctx.sink.error(a, `Configuration error: VRRP instance[${v.name}] malformed src address[${a.text}]. Skipping...`, 'CFG_BAD_ADDRESS');
    return;
  }
  v.srcIp = ip.text;
  v.srcIpKeyword = st.kw.text === 'unicast_src_ip' ? 'unicast_src_ip' : 'mcast_src_ip';
}

function garpExtraIf(st: Stmt, v: VI, ctx: Ctx): void {
  let i = 0;
  let all = false;
  if (st.args[0]?.text === 'all') {
    all = true;
    i = 1;
  }
  const a: Token | undefined = st.args[i];
  if (!a) {
    ctx.sink.error(st.kw, `${label(v)} ${st.kw.text} missing interval`, 'CFG_MISSING_VALUE');
    return;
  }
  const n = kaInt(a, 0, 86400, ctx);
  if (n === undefined) {
    ctx.sink.error(a, `${label(v)}: ${st.kw.text} '${a.text}' invalid - ignoring`, 'CFG_BAD_VALUE');
    return;
  }
  v.garpExtraIf = { all, intervalS: n };
}

type Auth = NonNullable<VI['authentication']>;
const authKeywords: KeywordTable<{ a: Auth; owner: string }> = {
  auth_type: kw((st, { a, owner }, ctx) => {
    const t = arg(st, ctx);
    if (!t) return;
    if (t.text === 'PASS' || t.text === 'AH') a.type = t.text;
    else ctx.sink.error(t, `${owner} unknown authentication type '${t.text}'`, 'CFG_BAD_AUTH');
  }),
  auth_pass: kw((st, { a }, ctx) => {
    const t = arg(st, ctx);
    if (!t) return;
    if (t.text.length > 8) ctx.sink.error(t, `Truncating auth_pass to 8 characters`, 'CFG_AUTH_TRUNCATED');
    a.pass = t.text.slice(0, 8);
  }),
};

/** Create an instance from `vrrp_instance NAME { … }` and apply its keywords. */
export function parseVrrpInstance(st: Stmt, g: GlobalDefs, ctx: Ctx): VI | undefined {
  const end = endOf(st);
  const nameTok = st.args[0];
  // keepalived wants exactly one word after vrrp_instance
  if (!nameTok || st.args.length > 1) {
    ctx.sink.error(st.kw, 'vrrp_instance must have a name', 'CFG_MISSING_VALUE');
    return undefined;
  }
  const v = emptyVrrpInstance(nameTok.text, posOf(st.kw), g);
  applyTable(st.children ?? [], vrrpInstanceKeywords, v, ctx);
  if (v.unicastTtl !== undefined && v.unicastPeers.length === 0) {
    ctx.sink.error(end, `${label(v)}: Cannot use unicast_ttl without unicast peers - resetting`, 'CFG_UNICAST_TTL');
    delete v.unicastTtl;
  }
  finishVrrpInstance(v, ctx);
  return v;
}

/** Per-instance defaults that depend on what was configured (keepalived's vrrp_complete_instance, local parts). */
function finishVrrpInstance(v: VI, ctx: Ctx): void {
  if (!v.priorityConfigured && v.state === 'MASTER') v.priority = 255;
  if (v.family === 6) v.version = 3;
  if (v.strictMode && !v.acceptConfigured) v.accept = false;
  void ctx;
}
