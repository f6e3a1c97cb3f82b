/**
 * `global_defs { … }`: every keepalived 2.2.7 keyword (keepalived.md §3.3).
 */
import type { Stmt } from '../types';
import type { GlobalDefs } from '../ast';
import { parseIp } from '../../lib/ip';
import { kw, type Ctx, type KeywordTable, type KeywordDef } from './table';
import {
  arg, blockItems, boolKw, extraWords, flagKw, kaInt, kaTimerUs, posOf, readFifo, scriptKw, strKw,
} from './common';

type G = GlobalDefs;

/** Integer with keepalived's two-line message: generic, then "KW 'X' invalid - ignoring". */
function gInt(min: number, max: number, set: (g: G, n: number) => void, msg?: (kwText: string, text: string) => string): KeywordDef<G> {
  return kw((st, g, ctx) => {
    const a = arg(st, ctx);
    if (!a) return;
    extraWords(st, ctx, 1);
    const n = kaInt(a, min, max, ctx);
    if (n === undefined) {
      ctx.sink.error(a, msg ? msg(st.kw.text, a.text) : `${st.kw.text} '${a.text}' invalid - ignoring`, 'CFG_BAD_VALUE');
      return;
    }
    set(g, n);
  });
}

function gTimer(minS: number, maxS: number, set: (g: G, us: number) => void): KeywordDef<G> {
  return kw((st, g, ctx) => {
    const a = arg(st, ctx);
    if (!a) return;
    extraWords(st, ctx, 1);
    const us = kaTimerUs(a, minS, maxS, ctx);
    if (us === undefined) {
      ctx.sink.error(a, `${st.kw.text} '${a.text}' invalid - ignoring`, 'CFG_BAD_VALUE');
      return;
    }
    set(g, us);
  });
}

function mcastGroup(family: 4 | 6, set: (g: G, s: string) => void): KeywordDef<G> {
  return kw((st, g, ctx) => {
    const a = arg(st, ctx);
    if (!a) return;
    const ip = parseIp(a.text);
    const isMc = ip && ip.family === family && (family === 4 ? (ip.bytes[0]! & 0xf0) === 0xe0 : ip.bytes[0] === 0xff);
    if (!ip || !isMc) {
      ctx.sink.error(a, `${st.kw.text} [${a.text}] is not multicast. Skipping`, 'CFG_BAD_ADDRESS');
      return;
    }
    set(g, ip.text);
  });
}

function cpuAffinity(set: (g: G, cpus: number[]) => void): KeywordDef<G> {
  return kw((st, g, ctx) => {
    const cpus: number[] = [];
    for (const a of st.args) {
      for (const part of a.text.split(',')) {
        const m = /^(\d+)(?:-(\d+))?$/.exec(part);
        if (!m) {
          ctx.sink.error(a, `invalid number '${part}'`, 'CFG_BAD_NUMBER');
          ctx.sink.error(a, `Invalid cpu_id:${cpus.length} specified for ${procOf(st.kw.text)} process`, 'CFG_BAD_VALUE');
          return;
        }
        const lo = Number(m[1]);
        const hi = m[2] !== undefined ? Number(m[2]) : lo;
        for (let c = lo; c <= hi && c < 4096; c++) cpus.push(c);
      }
    }
    set(g, cpus);
  });
}

function netlinkBuf(name: string, force: boolean): KeywordDef<G> {
  return kw((st, g, ctx) => {
    const base = name;
    if (force) {
      const b = kaBoolish(st, ctx);
      const cur = g.netlinkBufs[base] ?? { size: 0, force: false };
      if (b !== undefined) cur.force = b;
      g.netlinkBufs[base] = cur;
      return;
    }
    const a = arg(st, ctx);
    if (!a) return;
    const n = kaInt(a, 0, 0xffffffff, ctx);
    if (n === undefined) {
      ctx.sink.error(a, `Invalid ${st.kw.text} size '${a.text}' - ignoring`, 'CFG_BAD_VALUE');
      return;
    }
    const cur = g.netlinkBufs[base] ?? { size: 0, force: false };
    cur.size = n;
    g.netlinkBufs[base] = cur;
  });
}

function kaBoolish(st: Stmt, ctx: Ctx): boolean | undefined {
  const t = st.args[0];
  if (!t) return true;
  const w = t.text.toLowerCase();
  if (w === 'on' || w === 'true' || w === 'yes') return true;
  if (w === 'off' || w === 'false' || w === 'no') return false;
  ctx.sink.error(t, `Invalid value '${t.text}' for ${st.kw.text}`, 'CFG_BAD_BOOL');
  return undefined;
}

const UMASK_BITS: Record<string, number> = {
  IRUSR: 0o400, IWUSR: 0o200, IXUSR: 0o100, IRGRP: 0o40, IWGRP: 0o20, IXGRP: 0o10, IROTH: 0o4, IWOTH: 0o2, IXOTH: 0o1,
};

const procOf = (k: string): string => k.split('_')[0]!;
const prio = (set: (g: G, n: number) => void) => gInt(-20, 19, set, (k) => `Invalid ${procOf(k)} process priority specified`);
/** keepalived clamps real-time priorities into [1, 99] with a message instead of refusing them. */
const rtPrio = (set: (g: G, n: number) => void) =>
  kw<G>((st, g, ctx) => {
    const a = arg(st, ctx);
    if (!a) return;
    if (!/^[+-]?\d+$/.test(a.text)) {
      ctx.sink.error(a, `invalid number '${a.text}'`, 'CFG_BAD_NUMBER');
      ctx.sink.error(a, `Invalid ${procOf(st.kw.text)} process real-time priority '${a.text}'`, 'CFG_BAD_VALUE');
      return;
    }
    let n = Number(a.text);
    if (n > 99) {
      ctx.sink.error(a, `${procOf(st.kw.text)} process real-time priority ${n} greater than maximum 99 - setting to maximum`, 'CFG_BAD_VALUE');
      n = 99;
    } else if (n < 1) {
      ctx.sink.error(a, `${procOf(st.kw.text)} process real-time priority ${n} less than minimum 1 - setting to minimum`, 'CFG_BAD_VALUE');
      n = 1;
    }
    set(g, n);
  });
const rlimit = (set: (g: G, n: number) => void) => gInt(1, 0x7fffffff, set, (k, t) => `Invalid ${k} specified - ${t}`);

export const globalDefsKeywords: KeywordTable<G> = {
  router_id: kw((st, g, ctx) => {
    const a = st.args[0];
    if (!a) {
      ctx.sink.error(st.kw, 'routerid name missing - ignoring', 'CFG_MISSING_VALUE');
      return;
    }
    g.routerId = a.text;
  }),
  notification_email: kw((st, g) => {
    for (const w of blockItems(st)) g.notificationEmail.push(w[0]!.text);
  }, { block: true }),
  notification_email_from: strKw((g, s) => (g.notificationEmailFrom = s)),
  smtp_server: kw((st, g, ctx) => {
    const a = arg(st, ctx);
    if (!a) return;
    let port = 25;
    if (st.args[1]) {
      const p = kaInt(st.args[1], 1, 65535, ctx);
      if (p === undefined) {
        // keepalived tries the port twice (as a number, then as a service) before giving up
        kaInt(st.args[1], 1, 65535, ctx);
        ctx.sink.error(st.args[1], `Invalid smtp server ${a.text} ${st.args[1].text}`, 'CFG_BAD_VALUE');
        return;
      }
      port = p;
    }
    g.smtpServer = { host: a.text, port };
  }),
  smtp_helo_name: strKw((g, s) => (g.smtpHeloName = s)),
  smtp_connect_timeout: gInt(0, 4294, (g, n) => (g.smtpConnectTimeoutS = n), (k, t) => `${k} '${t}' must be in [0, 4294] - ignoring`),
  smtp_alert: boolKw((g, b) => (g.smtpAlert = b)),
  smtp_alert_vrrp: boolKw((g, b) => (g.smtpAlertVrrp = b)),
  smtp_alert_checker: boolKw((g, b) => (g.smtpAlertChecker = b)),
  no_email_faults: flagKw((g) => (g.noEmailFaults = true)),
  no_checker_emails: flagKw((g) => (g.noCheckerEmails = true)),
  checker_log_all_failures: boolKw((g, b) => (g.checkerLogAllFailures = b)),

  process_names: flagKw((g) => (g.processNames = true)),
  process_name: strKw((g, s) => (g.processName = s)),
  vrrp_process_name: strKw((g, s) => (g.vrrpProcessName = s)),
  checker_process_name: strKw((g, s) => (g.checkerProcessName = s)),
  lvs_process_name: strKw((g, s) => (g.checkerProcessName = s)),
  bfd_process_name: strKw((g, s) => (g.bfdProcessName = s)),
  startup_script: scriptKw((g, s) => (g.startupScript = s)),
  startup_script_timeout: gInt(1, 1000, (g, n) => (g.startupScriptTimeoutS = n)),
  shutdown_script: scriptKw((g, s) => (g.shutdownScript = s)),
  shutdown_script_timeout: gInt(1, 1000, (g, n) => (g.shutdownScriptTimeoutS = n)),
  script_user: kw((st, g, ctx) => {
    const a = arg(st, ctx);
    if (!a) return;
    g.scriptUser = st.args[1] ? { user: a.text, group: st.args[1].text, pos: posOf(st.kw) } : { user: a.text, pos: posOf(st.kw) };
  }),
  enable_script_security: flagKw((g) => (g.enableScriptSecurity = true)),
  umask: kw((st, g, ctx) => {
    let mask = 0;
    const text = st.args.map((a) => a.text).join(' ');
    if (st.args.length === 0) {
      ctx.sink.error(st.kw, 'umask missing', 'CFG_MISSING_VALUE');
      return;
    }
    if (/^\d+$/.test(text)) {
      mask = parseInt(text, text.startsWith('0') ? 8 : 10);
      if (mask > 0o777 || Number.isNaN(mask)) {
        ctx.sink.error(st.args[0], `Invalid umask value ${text}`, 'CFG_BAD_VALUE');
        return;
      }
    } else {
      for (const part of text.split(/[\s|]+/).filter(Boolean)) {
        const b = UMASK_BITS[part];
        if (b === undefined) {
          ctx.sink.error(st.args[0], `Unknown umask bit ${part}`, 'CFG_BAD_VALUE');
          return;
        }
        mask |= b;
      }
    }
    g.umask = mask;
  }),
  random_seed: gInt(0, 0xffffffff, (g, n) => (g.randomSeed = n)),

  max_auto_priority: kw((st, g, ctx) => {
    if (!st.args[0]) {
      g.maxAutoPriority = 99;
      return;
    }
    const n = kaInt(st.args[0], -1, 99, ctx);
    if (n === undefined) ctx.sink.error(st.args[0], `max_auto_priority '${st.args[0].text}' must be in [0, 99] (or -1 to disable) - ignoring`, 'CFG_BAD_VALUE');
    else g.maxAutoPriority = n;
  }),
  min_auto_priority_delay: gInt(1, 0x7fffffff, (g, n) => (g.minAutoPriorityDelayUs = n)),
  vrrp_priority: prio((g, n) => (g.vrrpPriority = n)),
  checker_priority: prio((g, n) => (g.checkerPriority = n)),
  bfd_priority: prio((g, n) => (g.bfdPriority = n)),
  vrrp_no_swap: flagKw((g) => (g.vrrpNoSwap = true)),
  checker_no_swap: flagKw((g) => (g.checkerNoSwap = true)),
  bfd_no_swap: flagKw((g) => (g.bfdNoSwap = true)),
  vrrp_rt_priority: rtPrio((g, n) => (g.vrrpRtPriority = n)),
  checker_rt_priority: rtPrio((g, n) => (g.checkerRtPriority = n)),
  bfd_rt_priority: rtPrio((g, n) => (g.bfdRtPriority = n)),
  vrrp_cpu_affinity: cpuAffinity((g, c) => (g.vrrpCpuAffinity = c)),
  checker_cpu_affinity: cpuAffinity((g, c) => (g.checkerCpuAffinity = c)),
  bfd_cpu_affinity: cpuAffinity((g, c) => (g.bfdCpuAffinity = c)),
  vrrp_rlimit_rttime: rlimit((g, n) => (g.vrrpRlimitRttimeUs = n)),
  checker_rlimit_rttime: rlimit((g, n) => (g.checkerRlimitRttimeUs = n)),
  bfd_rlimit_rttime: rlimit((g, n) => (g.bfdRlimitRttimeUs = n)),
  vrrp_rlimit_rtime: { ...rlimit((g, n) => (g.vrrpRlimitRttimeUs = n)), deprecatedFor: 'vrrp_rlimit_rttime' },
  checker_rlimit_rtime: { ...rlimit((g, n) => (g.checkerRlimitRttimeUs = n)), deprecatedFor: 'checker_rlimit_rttime' },
  bfd_rlimit_rtime: { ...rlimit((g, n) => (g.bfdRlimitRttimeUs = n)), deprecatedFor: 'bfd_rlimit_rttime' },

  vrrp_mcast_group4: mcastGroup(4, (g, s) => (g.vrrpMcastGroup4 = s)),
  vrrp_mcast_group6: mcastGroup(6, (g, s) => (g.vrrpMcastGroup6 = s)),
  default_interface: strKw((g, s) => (g.defaultInterface = s)),
  dynamic_interfaces: kw((st, g, ctx) => {
    g.dynamicInterfaces = true;
    const a = st.args[0];
    if (a?.text === 'allow_if_changes') g.dynamicInterfacesAllowIfChanges = true;
    else if (a) ctx.sink.error(a, `Unknown dynamic_interfaces option '${a.text}'`, 'CFG_UNKNOWN_OPTION');
  }),
  disable_local_igmp: flagKw((g) => (g.disableLocalIgmp = true)),
  vrrp_garp_master_delay: gInt(0, 86400, (g, n) => (g.vrrpGarpMasterDelayS = n)),
  vrrp_garp_master_repeat: gInt(1, 65535, (g, n) => (g.vrrpGarpMasterRepeat = n)),
  vrrp_garp_master_refresh: gInt(0, 86400, (g, n) => (g.vrrpGarpMasterRefreshS = n)),
  vrrp_garp_master_refresh_repeat: gInt(1, 65535, (g, n) => (g.vrrpGarpMasterRefreshRepeat = n)),
  vrrp_garp_lower_prio_delay: gInt(0, 86400, (g, n) => (g.vrrpGarpLowerPrioDelayS = n)),
  vrrp_garp_lower_prio_repeat: gInt(0, 65535, (g, n) => (g.vrrpGarpLowerPrioRepeat = n)),
  vrrp_garp_interval: gTimer(0, 4294, (g, us) => (g.vrrpGarpIntervalUs = us)),
  vrrp_gna_interval: gTimer(0, 4294, (g, us) => (g.vrrpGnaIntervalUs = us)),
  vrrp_min_garp: boolKw((g, b) => {
    g.vrrpMinGarp = b;
    if (b) {
      g.vrrpGarpMasterRepeat = 1;
      g.vrrpGarpMasterDelayS = 0;
      g.vrrpGarpMasterRefreshS = 0;
      g.vrrpGarpLowerPrioRepeat = 1;
      g.vrrpGarpLowerPrioDelayS = 0;
    }
  }),
  vrrp_garp_extra_if: kw(garpExtraIfG),
  vrrp_vmac_garp_intvl: kw(garpExtraIfG, { deprecatedFor: 'vrrp_garp_extra_if' }),
  vrrp_down_timer_adverts: gInt(1, 100, (g, n) => (g.vrrpDownTimerAdverts = n)),
  vrrp_lower_prio_no_advert: boolKw((g, b) => (g.vrrpLowerPrioNoAdvert = b)),
  vrrp_higher_prio_send_advert: boolKw((g, b) => (g.vrrpHigherPrioSendAdvert = b)),
  vrrp_version: gInt(2, 3, (g, n) => (g.vrrpVersion = n as 2 | 3), () => 'VRRP Error: Version must be either 2 or 3'),
  vrrp_check_unicast_src: flagKw((g) => (g.vrrpCheckUnicastSrc = true)),
  vrrp_skip_check_adv_addr: flagKw((g) => (g.vrrpSkipCheckAdvAddr = true)),
  vrrp_strict: flagKw((g) => (g.vrrpStrict = true)),
  vrrp_startup_delay: gTimer(0, 3600, (g, us) => (g.vrrpStartupDelayUs = us)),
  log_unknown_vrids: flagKw((g) => (g.logUnknownVrids = true)),
  vmac_prefix: strKw((g, s) => (g.vmacPrefix = s)),
  vmac_addr_prefix: strKw((g, s) => (g.vmacAddrPrefix = s)),
  vrrp_rx_bufs_policy: kw((st, g, ctx) => {
    const a = arg(st, ctx);
    if (!a) return;
    if (a.text === 'MTU' || a.text === 'ADVERT' || /^\d+$/.test(a.text)) g.vrrpRxBufsPolicy = a.text;
    else {
      ctx.sink.error(a, `invalid number '${a.text}'`, 'CFG_BAD_NUMBER');
      ctx.sink.error(a, `Invalid vrrp_rx_bufs_policy ${a.text}`, 'CFG_BAD_VALUE');
    }
  }),
  vrrp_rx_bufs_multiplier: gInt(1, 0x7fffffff, (g, n) => (g.vrrpRxBufsMultiplier = n)),
  vrrp_notify_priority_changes: boolKw((g, b) => (g.vrrpNotifyPriorityChanges = b)),
  fifo_write_vrrp_states_on_reload: flagKw((g) => (g.fifoWriteVrrpStatesOnReload = true)),

  vrrp_iptables: kw((st, g) => {
    const v: NonNullable<G['vrrpIptables']> = {};
    if (st.args[0]) v.in = st.args[0].text;
    if (st.args[1]) v.out = st.args[1].text;
    g.vrrpIptables = v;
  }),
  /** Only in keepalived builds with libipset (Debian's 2.2.7 has none: there it is unknown). */
  vrrp_ipsets: kw((st, g) => {
    g.vrrpIpsets = st.args.map((a) => a.text);
  }),
  nftables: kw((st, g) => {
    g.nftables = st.args[0]?.text ?? 'keepalived';
  }),
  nftables_priority: gInt(-2147483648, 2147483647, (g, n) => (g.nftablesPriority = n), (_k, t) => `invalid nftables chain priority '${t}'`),
  nftables_ifindex: flagKw((g) => (g.nftablesIfindex = true)),
  nftables_counters: flagKw((g) => (g.nftablesCounters = true)),
  nftables_ipvs: kw((st, g) => {
    g.nftablesIpvs = st.args[0]?.text ?? 'keepalived_ipvs';
  }),
  nftables_ipvs_priority: gInt(-2147483648, 2147483647, (g, n) => (g.nftablesIpvsPriority = n)),
  nftables_ipvs_start_fwmark: gInt(1, 0xffffffff, (g, n) => (g.nftablesIpvsStartFwmark = n)),

  lvs_timeouts: kw((st, g, ctx) => {
    const t: NonNullable<G['lvsTimeouts']> = g.lvsTimeouts ?? {};
    for (let i = 0; i < st.args.length; i++) {
      const w = st.args[i]!;
      const v = st.args[i + 1];
      if (w.text !== 'tcp' && w.text !== 'tcpfin' && w.text !== 'udp') {
        ctx.sink.error(w, `Unknown option ${w.text} specified for lvs_timeouts`, 'CFG_UNKNOWN_OPTION');
        continue;
      }
      if (!v) {
        ctx.sink.error(w, `No value specified for lvs_timeout ${w.text} - ignoring`, 'CFG_MISSING_VALUE');
        break;
      }
      const n = kaInt(v, 0, 86400 * 31, ctx);
      if (n === undefined) ctx.sink.error(v, `Invalid lvs_timeout ${w.text} (${v.text}) - ignoring`, 'CFG_BAD_VALUE');
      else if (w.text === 'tcp') t.tcpS = n;
      else if (w.text === 'tcpfin') t.tcpfinS = n;
      else t.udpS = n;
      i++;
    }
    g.lvsTimeouts = t;
  }),
  lvs_flush: flagKw((g) => (g.lvsFlush = true)),
  lvs_flush_on_stop: kw(lvsFlushOnStop),
  lvs_flush_onstop: kw(lvsFlushOnStop),
  lvs_sync_daemon: kw((st, g, ctx) => {
    const ifn = arg(st, ctx);
    if (!ifn) return;
    const d: NonNullable<G['lvsSyncDaemon']> = { interface: ifn.text };
    let i = 1;
    if (st.args[1] && !['id', 'maxlen', 'port', 'ttl', 'group', 'inst'].includes(st.args[1].text)) {
      d.instance = st.args[1].text;
      i = 2;
    }
    for (; i < st.args.length; i++) {
      const w = st.args[i]!;
      const v = st.args[i + 1];
      if (w.text === 'inst' && v) {
        d.instance = v.text;
      } else if (w.text === 'group' && v) {
        const ip = parseIp(v.text);
        if (!ip) ctx.sink.error(v, `Invalid lvs_sync_daemon group ${v.text}`, 'CFG_BAD_ADDRESS');
        else d.group = ip.text;
      } else if ((w.text === 'id' || w.text === 'maxlen' || w.text === 'port' || w.text === 'ttl') && v) {
        const max = w.text === 'id' ? 255 : w.text === 'ttl' ? 255 : 65535;
        const n = kaInt(v, w.text === 'id' ? 0 : 1, max, ctx);
        if (n === undefined) ctx.sink.error(v, `Invalid lvs_sync_daemon ${w.text} ${v.text} - ignoring`, 'CFG_BAD_VALUE');
        else d[w.text] = n;
      } else if (/^\d+$/.test(w.text) && d.id === undefined) {
        // the pre-2.0 `lvs_sync_daemon IF VI SYNCID` form
        ctx.sink.error(w, 'Please use keyword "id" before lvs_sync_daemon SYNCID', 'CFG_DEPRECATED');
        const n = kaInt(w, 0, 255, ctx);
        if (n !== undefined) d.id = n;
        continue;
      } else {
        ctx.sink.error(w, `Unknown option ${w.text} specified for lvs_sync_daemon`, 'CFG_UNKNOWN_OPTION');
        continue;
      }
      i++;
    }
    g.lvsSyncDaemon = d;
  }),
  rs_init_notifies: flagKw((g) => (g.rsInitNotifies = true)),

  notify_fifo: kw((st, g, ctx) => {
    const f = readFifo(st, ctx);
    if (f) g.notifyFifo = f;
  }),
  notify_fifo_script: scriptKw((g, s) => (g.notifyFifoScript = s)),
  vrrp_notify_fifo: kw((st, g, ctx) => {
    const f = readFifo(st, ctx);
    if (f) g.vrrpNotifyFifo = f;
  }),
  vrrp_notify_fifo_script: scriptKw((g, s) => (g.vrrpNotifyFifoScript = s)),
  lvs_notify_fifo: kw((st, g, ctx) => {
    const f = readFifo(st, ctx);
    if (f) g.lvsNotifyFifo = f;
  }),
  lvs_notify_fifo_script: scriptKw((g, s) => (g.lvsNotifyFifoScript = s)),

  snmp_socket: strKw((g, s) => (g.snmpSocket = s)),
  enable_traps: flagKw((g) => (g.enableTraps = true)),
  enable_snmp_vrrp: flagKw((g) => (g.enableSnmpVrrp = true)),
  enable_snmp_keepalived: flagKw((g) => (g.enableSnmpVrrp = true)),
  enable_snmp_checker: flagKw((g) => (g.enableSnmpChecker = true)),
  enable_snmp_rfc: flagKw((g) => {
    g.enableSnmpRfc = true;
    g.enableSnmpRfcv2 = true;
    g.enableSnmpRfcv3 = true;
  }),
  enable_snmp_rfcv2: flagKw((g) => (g.enableSnmpRfcv2 = true)),
  enable_snmp_rfcv3: flagKw((g) => (g.enableSnmpRfcv3 = true)),
  enable_dbus: flagKw((g) => (g.enableDbus = true)),
  dbus_service_name: strKw((g, s) => (g.dbusServiceName = s)),

  reload_check_config: kw((st, g) => {
    g.reloadCheckConfig = st.args[0]?.text ?? true;
  }),
  reload_time_file: strKw((g, s) => (g.reloadTimeFile = s)),
  reload_repeat: flagKw((g) => (g.reloadRepeat = true)),
  reload_file: kw((st, g) => {
    g.reloadFile = st.args[0]?.text ?? '/run/keepalived.reload';
  }),
  config_save_dir: strKw((g, s) => (g.configSaveDir = s)),
  tmp_config_directory: strKw((g, s) => (g.tmpConfigDirectory = s)),
  data_use_instance: boolKw((g, b) => (g.dataUseInstance = b)),
  /** Handled by the preprocessor (tree.ts); accepted here so it is not unknown. */
  include_check: kw(() => undefined),
};

for (const base of [
  'vrrp_netlink_cmd_rcv_bufs',
  'vrrp_netlink_monitor_rcv_bufs',
  'lvs_netlink_cmd_rcv_bufs',
  'lvs_netlink_monitor_rcv_bufs',
  'process_monitor_rcv_bufs',
]) {
  globalDefsKeywords[base] = netlinkBuf(base, false);
  globalDefsKeywords[`${base}_force`] = netlinkBuf(base, true);
}

function garpExtraIfG(st: Stmt, g: G, ctx: Ctx): void {
  let i = 0;
  let all = false;
  if (st.args[0]?.text === 'all') {
    all = true;
    i = 1;
  }
  const a = st.args[i];
  if (!a) {
    ctx.sink.error(st.kw, `${st.kw.text} missing interval`, 'CFG_MISSING_VALUE');
    return;
  }
  const n = kaInt(a, 0, 86400, ctx);
  if (n === undefined) {
    ctx.sink.error(a, `${st.kw.text} '${a.text}' invalid - ignoring`, 'CFG_BAD_VALUE');
    return;
  }
  g.vrrpGarpExtraIf = { all, intervalS: n };
}

function lvsFlushOnStop(st: Stmt, g: G, ctx: Ctx): void {
  const a = st.args[0];
  if (!a) {
    g.lvsFlushOnStop = 'all';
    return;
  }
  if (a.text === 'VS') g.lvsFlushOnStop = 'vs';
  else {
    ctx.sink.error(a, `Unknown lvs_flush_on_stop type ${a.text}`, 'CFG_BAD_VALUE');
  }
}
