/**
 * Stage two of receiving an advert: checks against one instance (RFC 3768 §7.1, RFC 5798 §7.1,
 * plus keepalived's unicast, TTL-range, skip_check_adv_addr and old-checksum rules).
 * Pure: takes the decoded advert and the instance's receive settings, returns accept or drop,
 * the keepalived.stats counters to bump and the log line keepalived would write.
 */
import { formatIp } from '../lib/ip';
import { VRRP_AUTH_LEN, VRRP_AUTH_PASS, type Advert, type DropReason, type Family, type VrrpVersion } from './packet/advert';

/** keepalived.stats / SNMP counters (names as in keepalived's vrrp_stats). */
export type StatsKey =
  | 'advert_rcvd'
  | 'advert_sent'
  | 'become_master'
  | 'release_master'
  | 'packet_len_err'
  | 'ip_ttl_err'
  | 'invalid_type_rcvd'
  | 'advert_interval_err'
  | 'addr_list_err'
  | 'invalid_authtype'
  | 'authtype_mismatch'
  | 'auth_failure'
  | 'pri_zero_rcvd'
  | 'pri_zero_sent';

/** keepalived.stats counter for each drop reason (null: counted only in our own per-reason counters). */
export const DROP_STATS: Record<DropReason, StatsKey | null> = {
  'ip-too-short': 'packet_len_err',
  'ip-bad-version': null,
  'ip-bad-header-length': 'packet_len_err',
  'ip-bad-total-length': 'packet_len_err',
  'ip-bad-protocol': null,
  'ah-too-short': 'packet_len_err',
  'ah-not-vrrp': null,
  'too-short': 'packet_len_err',
  'bad-version': null,
  'bad-type': 'invalid_type_rcvd',
  'bad-length': 'packet_len_err',
  'bad-checksum': null,
  'auth-type-invalid': 'invalid_authtype',
  'family-mismatch': null,
  'version-mismatch': null,
  'vrid-mismatch': null,
  'bad-ttl': 'ip_ttl_err',
  'auth-type-mismatch': 'authtype_mismatch',
  'auth-failure': 'auth_failure',
  'ah-mismatch': 'authtype_mismatch',
  'ah-bad-icv': 'auth_failure',
  'ah-bad-spi': 'auth_failure',
  'ah-replay': 'auth_failure',
  'addr-count-mismatch': 'addr_list_err',
  'addr-list-mismatch': 'addr_list_err',
  'advert-interval-mismatch': 'advert_interval_err',
  'old-checksum-rejected': null,
  'unicast-src-not-peer': null,
  'multicast-on-unicast': null,
};

/** Labels used in keepalived.stats (`Packet Errors:` / `Authentication Errors:` sections). */
export const STATS_LABELS: Record<StatsKey, string> = {
  advert_rcvd: 'Advertisements Received',
  advert_sent: 'Advertisements Sent',
  become_master: 'Became master',
  release_master: 'Released master',
  packet_len_err: 'Packet Errors Length',
  ip_ttl_err: 'Packet Errors TTL',
  invalid_type_rcvd: 'Packet Errors Invalid Type',
  advert_interval_err: 'Packet Errors Advertisement Interval',
  addr_list_err: 'Packet Errors Address List',
  invalid_authtype: 'Authentication Errors Invalid Type',
  authtype_mismatch: 'Authentication Errors Type Mismatch',
  auth_failure: 'Authentication Errors Failure',
  pri_zero_rcvd: 'Priority Zero Received',
  pri_zero_sent: 'Priority Zero Sent',
};

export interface UnicastPeer {
  addr: Uint8Array;
  /** keepalived `unicast_peer { IP min_ttl N max_ttl M }`. */
  minTtl?: number;
  maxTtl?: number;
}

/** What accept needs to know about the local instance. */
export interface AcceptConfig {
  /** Instance name, for log lines: `(VI_1) …`. */
  name: string;
  family: Family;
  version: VrrpVersion;
  vrid: number;
  /** 0 none, 1 PASS, 2 AH (v2 only; AH IPv4 only). */
  authType: number;
  /** PASS password (the first 8 bytes are compared, zero padded); AH: the HMAC-MD5 key (the same 8 bytes). */
  authPass?: Uint8Array;
  /** Advertised VIPs (not eVIPs). */
  vips: Uint8Array[];
  /** Locally configured interval, centiseconds. */
  advertIntervalCs: number;
  unicastPeers: UnicastPeer[];
  skipCheckAdvAddr: boolean;
  /** `check_unicast_src` / global `vrrp_check_unicast_src`. */
  checkUnicastSrc: boolean;
  /** `old_unicast_checksum`: 'auto' = default (switch to old on first old-style packet), 'old' = always, 'never'. */
  unicastChecksum: 'auto' | 'old' | 'never';
}

/** Per-instance receive context. */
export interface AcceptContext {
  /** Source of the current master's adverts (for skip_check_adv_addr). */
  masterSrc?: Uint8Array;
  /** Old unicast checksum mode already switched on by an earlier packet. */
  oldChecksumActive?: boolean;
  /** IPv6: the packet's destination was multicast (IPV6_PKTINFO). */
  multicast?: boolean;
}

export interface Accepted {
  advert: Advert;
  /** Sender address as text ('' when unknown). */
  srcText: string;
  /** keepalived switches to the old unicast checksum on this packet ("Setting unicast VRRPv3 checksum to old version"). */
  switchToOldChecksum: boolean;
}

export type AcceptResult =
  | { ok: true; value: Accepted; stats: StatsKey[]; log: string[] }
  | { ok: false; drop: DropReason; detail: string; stats: StatsKey[]; log: string[] };

function bytesEq(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function isMcast(a: Uint8Array): boolean {
  return a.length === 4 ? (a[0]! & 0xf0) === 0xe0 : a[0] === 0xff;
}

function fmt(a: Uint8Array | undefined): string {
  return a && (a.length === 4 || a.length === 16) ? formatIp(a) : '';
}

/** Pad/truncate a password to the 8 bytes that go on the wire. */
export function authPassBytes(pass: string): Uint8Array {
  const out = new Uint8Array(VRRP_AUTH_LEN);
  out.set(Buffer.from(pass, 'utf8').subarray(0, VRRP_AUTH_LEN));
  return out;
}

/** Check a decoded advert against an instance. */
export function acceptAdvert(cfg: AcceptConfig, adv: Advert, ctx: AcceptContext = {}): AcceptResult {
  const n = cfg.name;
  const no = (reason: DropReason, detail: string, log?: string): AcceptResult => {
    const k = DROP_STATS[reason];
    return { ok: false, drop: reason, detail, stats: k ? [k] : [], log: log ? [log] : [] };
  };
  const unicast = cfg.unicastPeers.length > 0;
  const srcText = fmt(adv.src);

  if (adv.family !== cfg.family) return no('family-mismatch', `IPv${adv.family} advert for an IPv${cfg.family} instance`);
  if (adv.vrid !== cfg.vrid) return no('vrid-mismatch', `VRID ${adv.vrid}, expected ${cfg.vrid}`, `(${n}) received VRID mismatch. Received ${adv.vrid}, Expected ${cfg.vrid}`);

  // IPv6 sockets see both kinds of traffic; keepalived discards the wrong one.
  if (cfg.family === 6 && ctx.multicast !== undefined && ctx.multicast === unicast)
    return no('multicast-on-unicast', `${ctx.multicast ? 'multicast' : 'unicast'} packet on ${unicast ? 'unicast' : 'multicast'} instance`);

  // MUST verify TTL/hop limit 255 (multicast); unicast peers may give a TTL range.
  if (adv.ttl >= 0) {
    if (unicast) {
      const peer = adv.src ? cfg.unicastPeers.find((p) => bytesEq(p.addr, adv.src!)) : undefined;
      if (peer && ((peer.minTtl !== undefined && adv.ttl < peer.minTtl) || (peer.maxTtl !== undefined && adv.ttl > peer.maxTtl)))
        return no('bad-ttl', `TTL ${adv.ttl} outside ${peer.minTtl ?? 0}..${peer.maxTtl ?? 255}`, `(${n}) invalid TTL/HL. Received ${adv.ttl} and expect ${peer.minTtl ?? 0}-${peer.maxTtl ?? 255}`);
    } else if (adv.ttl !== 255) {
      return no('bad-ttl', `TTL ${adv.ttl}`, `(${n}) invalid TTL/HL. Received ${adv.ttl} and expect 255`);
    }
  }

  if (adv.version !== cfg.version)
    return no('version-mismatch', `version ${adv.version}`, `(${n}) invalid version. ${adv.version} and expect ${cfg.version}`);

  if (cfg.version === 2) {
    if (adv.authType !== cfg.authType)
      return no('auth-type-mismatch', `auth type ${adv.authType}, expected ${cfg.authType}`, `(${n}) received a ${adv.authType} auth, expecting ${cfg.authType}!`);
    if (cfg.authType === VRRP_AUTH_PASS && cfg.family === 4) {
      const want = cfg.authPass ?? new Uint8Array(VRRP_AUTH_LEN);
      const pw = new Uint8Array(VRRP_AUTH_LEN);
      pw.set(want.subarray(0, VRRP_AUTH_LEN));
      if (!adv.authData || !bytesEq(adv.authData, pw)) return no('auth-failure', 'password mismatch', `(${n}) received an invalid passwd!`);
    }
    // MUST verify that the Adver Interval is the same as the local one (v2).
    if (adv.advertIntervalCs !== cfg.advertIntervalCs)
      return no(
        'advert-interval-mismatch',
        `interval ${adv.adverInt}s, mine ${cfg.advertIntervalCs / 100}s`,
        `(${n}) advertisement interval mismatch mine=${Math.floor(cfg.advertIntervalCs / 100)} sec rcv'd=${adv.adverInt} sec`,
      );
  }

  if (adv.count !== cfg.vips.length)
    return no('addr-count-mismatch', `${adv.count} addresses, expected ${cfg.vips.length}`, `(${n}) received an unexpected ip number count ${adv.count}, expected ${cfg.vips.length}!`);

  // v3/IPv4 unicast checksum compatibility.
  let switchToOldChecksum = false;
  const log: string[] = [];
  if (adv.version === 3 && adv.family === 4) {
    const oldMode = cfg.unicastChecksum === 'old' || ctx.oldChecksumActive === true;
    if (adv.checksumVariant === 'old-unicast') {
      if (cfg.unicastChecksum === 'never') return no('old-checksum-rejected', 'old unicast checksum received, old_unicast_checksum never', `(${n}) Invalid VRRPv3 checksum`);
      if (!oldMode) {
        switchToOldChecksum = true;
        log.push(`(${n}) Setting unicast VRRPv3 checksum to old version`);
      }
    } else if (adv.checksumVariant === 'standard' && oldMode && adv.dst && !isMcast(adv.dst)) {
      return no('old-checksum-rejected', 'standard checksum received in old unicast checksum mode', `(${n}) Invalid VRRPv3 checksum`);
    }
  }

  const stats: StatsKey[] = ['advert_rcvd'];

  // MAY verify the address list (keepalived: always, unless skip_check_adv_addr and same master).
  const checkAddrs = !cfg.skipCheckAdvAddr || !ctx.masterSrc || !adv.src || !bytesEq(ctx.masterSrc, adv.src);
  if (checkAddrs) {
    for (const vip of cfg.vips) {
      if (!adv.addrs.some((a) => bytesEq(a, vip))) {
        return {
          ok: false,
          drop: 'addr-list-mismatch',
          detail: `${fmt(vip)} missing`,
          stats: [...stats, 'addr_list_err'],
          log: [...log, `(${n}) ip address associated with VRID ${cfg.vrid} not present in MASTER advert: ${fmt(vip)}`],
        };
      }
    }
    if (unicast && cfg.checkUnicastSrc && !(adv.src && cfg.unicastPeers.some((p) => bytesEq(p.addr, adv.src!)))) {
      return { ok: false, drop: 'unicast-src-not-peer', detail: srcText, stats, log: [...log, `(${n}) unicast source address ${srcText} not a unicast peer`] };
    }
  }
  if (adv.priority === 0) stats.push('pri_zero_rcvd');
  return { ok: true, value: { advert: adv, srcText, switchToOldChecksum }, stats, log };
}
