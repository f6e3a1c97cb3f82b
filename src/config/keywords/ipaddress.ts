/**
 * Item parsers for address, route and rule lists: static_ipaddress / virtual_ipaddress(_excluded),
 * static_routes / virtual_routes, static_rules / virtual_rules. One item line each.
 * Messages follow keepalived 2.2.7 (vrrp_ipaddress.c, vrrp_iproute.c, vrrp_iprule.c).
 */
import type { Token } from '../types';
import type { IpAddressSpec, RouteSpec, RuleSpec, NextHop } from '../ast';
import { parseIp } from '../../lib/ip';
import type { Ctx } from './table';
import { kaInt, posOf } from './common';

const SCOPES: Record<string, number> = { global: 0, site: 200, link: 253, host: 254, nowhere: 255 };

/** ADDR[/LEN] → address, family and prefix length, with keepalived's messages. */
function readAddrPrefix(tok: Token, ctx: Ctx): { address: string; family: 4 | 6; prefixLen: number; explicit: boolean } | undefined {
  const text = tok.text;
  const slash = text.indexOf('/');
  const ip = parseIp(slash >= 0 ? text.slice(0, slash) : text);
  if (!ip) {
    ctx.sink.error(tok, `VRRP parsed invalid IP ${text}. skipping IP...`, 'CFG_BAD_ADDRESS');
    return undefined;
  }
  const max = ip.family === 4 ? 32 : 128;
  if (slash < 0) return { address: ip.text, family: ip.family, prefixLen: max, explicit: false };
  const lenText = text.slice(slash + 1);
  if (!/^\d+$/.test(lenText)) {
    ctx.sink.error(tok, `VRRP parsed invalid IP ${text}. skipping IP...`, 'CFG_BAD_ADDRESS');
    return undefined;
  }
  const n = Number(lenText);
  if (n > max) {
    ctx.sink.error(tok, `number '${lenText}' outside range [0, ${max}]`, 'CFG_OUT_OF_RANGE');
    ctx.sink.error(tok, `Invalid address prefix len ${lenText} for address ${text} - using ${max}`, 'CFG_BAD_PREFIX');
    return { address: ip.text, family: ip.family, prefixLen: max, explicit: true };
  }
  return { address: ip.text, family: ip.family, prefixLen: n, explicit: true };
}

/** One `ADDR[/LEN] [brd …] [dev IF] …` line; undefined when the address itself is invalid. */
export function parseIpAddress(words: Token[], ctx: Ctx, allowDefaultIf: boolean): IpAddressSpec | undefined {
  const first = words[0];
  if (!first) return undefined;
  const ap = readAddrPrefix(first, ctx);
  if (!ap) return undefined;
  const a: IpAddressSpec = { family: ap.family, address: ap.address, prefixLen: ap.prefixLen, pos: posOf(first) };
  const need = (i: number): Token | undefined => {
    const v = words[i + 1];
    if (!v) ctx.sink.error(words[i], `No ${words[i]!.text} parameter specified for ${first.text}`, 'CFG_MISSING_VALUE');
    return v;
  };
  for (let i = 1; i < words.length; i++) {
    const w = words[i]!;
    switch (w.text) {
      case 'dev': {
        const v = need(i);
        if (v) a.dev = v.text;
        i++;
        break;
      }
      case 'brd':
      case 'broadcast': {
        const v = need(i);
        if (v) {
          if (v.text === '+' || v.text === '-') a.broadcast = v.text;
          else {
            const ip = parseIp(v.text);
            if (!ip || ip.family !== 4) ctx.sink.error(v, `Invalid broadcast address ${v.text} for ${first.text} - ignoring`, 'CFG_BAD_ADDRESS');
            else a.broadcast = ip.text;
          }
        }
        i++;
        break;
      }
      case 'scope': {
        const v = need(i);
        if (v) {
          if (SCOPES[v.text] !== undefined || /^\d+$/.test(v.text) && Number(v.text) <= 255) a.scope = v.text;
          else ctx.sink.error(v, `Invalid scope '${v.text}' specified for ${first.text} - ignoring`, 'CFG_BAD_SCOPE');
        }
        i++;
        break;
      }
      case 'label': {
        const v = need(i);
        if (v) a.label = v.text;
        i++;
        break;
      }
      case 'peer': {
        const v = need(i);
        if (v) {
          const ip = parseIp(v.text);
          if (!ip) {
            ctx.sink.error(v, `VRRP parsed invalid IP ${v.text}. skipping IP...`, 'CFG_BAD_ADDRESS');
            ctx.sink.error(v, `Invalid peer address ${v.text}`, 'CFG_BAD_ADDRESS');
          } else a.peer = ip.text;
        }
        i++;
        break;
      }
      case 'preferred_lft': {
        const v = need(i);
        if (v) {
          if (v.text === 'forever') a.preferredLft = 0xffffffff;
          else {
            const n = kaInt(v, 0, 0xffffffff, ctx);
            if (n !== undefined) a.preferredLft = n;
          }
        }
        i++;
        break;
      }
      case 'track_group': {
        const v = need(i);
        if (v) a.trackGroup = v.text;
        i++;
        break;
      }
      case 'use_vmac':
        a.useVmac = true;
        break;
      case 'home':
        a.home = true;
        break;
      case '-nodad':
        a.noDad = true;
        break;
      case 'mngtmpaddr':
        a.mngtmpaddr = true;
        break;
      case 'noprefixroute':
        a.noPrefixRoute = true;
        break;
      case 'autojoin':
        a.autojoin = true;
        break;
      case 'no_track':
        a.noTrack = true;
        break;
      default:
        ctx.sink.error(w, `Unknown configuration entry '${w.text}' for ip address - ignoring`, 'CFG_UNKNOWN_OPTION');
    }
  }
  void allowDefaultIf;
  return a;
}

const ROUTE_TYPES = new Set(['unicast', 'blackhole', 'unreachable', 'prohibit', 'throw', 'local', 'broadcast', 'anycast', 'multicast', 'nat']);
const ROUTE_ATTRS = new Set([
  'advmss', 'rtt', 'rttvar', 'reordering', 'window', 'cwnd', 'ssthresh', 'realms', 'rto_min', 'initcwnd', 'initrwnd',
  'features', 'quickack', 'congctl', 'pref', 'fastopen_no_cookie', 'ttl-propagate', 'expires', 'hoplimit', 'encap',
]);

/** One `ip route`-style line. */
export function parseRoute(words: Token[], ctx: Ctx): RouteSpec | undefined {
  const first = words[0];
  if (!first) return undefined;
  const r: RouteSpec = { family: 4, type: 'unicast', dst: '', dstPrefixLen: 0, attrs: {}, pos: posOf(first) };
  let forced6 = false;
  let haveDst = false;
  let bad = false;
  const need = (i: number): Token | undefined => {
    const v = words[i + 1];
    if (!v) {
      ctx.sink.error(words[i], `route ${words[i]!.text} missing a parameter`, 'CFG_MISSING_VALUE');
      bad = true;
    }
    return v;
  };
  const addr = (v: Token, what: string): string | undefined => {
    const ip = parseIp(v.text);
    if (!ip) {
      ctx.sink.error(v, `VRRP parsed invalid IP ${v.text}. skipping IP...`, 'CFG_BAD_ADDRESS');
      ctx.sink.error(v, `invalid route ${what} address ${v.text}`, 'CFG_BAD_ADDRESS');
      bad = true;
      return undefined;
    }
    return ip.text;
  };
  let curNh: NextHop | undefined;
  for (let i = 0; i < words.length; i++) {
    const w = words[i]!;
    const t = w.text;
    if (t === 'inet6') {
      forced6 = true;
      continue;
    }
    if (t === 'nexthop') {
      curNh = {};
      (r.nexthops ??= []).push(curNh);
      continue;
    }
    if (t === 'or') {
      ctx.sink.error(w, `"or" for routes is deprecated. Please use "nexthop"`, 'CFG_DEPRECATED');
      const v = need(i);
      if (v) {
        const a = addr(v, 'or');
        if (a) {
          if (!r.nexthops) {
            r.nexthops = [];
            if (r.via) r.nexthops.push({ via: r.via });
          }
          r.nexthops.push({ via: a });
        }
      }
      i++;
      continue;
    }
    if (t === 'via' || t === 'gw') {
      if (t === 'gw') ctx.sink.error(w, `"gw" for routes is deprecated. Please use "via"`, 'CFG_DEPRECATED');
      const v = need(i);
      if (v) {
        const a = addr(v, 'via');
        if (a) {
          if (curNh) curNh.via = a;
          else r.via = a;
        }
      }
      i++;
      continue;
    }
    if (t === 'dev' || t === 'oif') {
      const v = need(i);
      if (v) {
        if (curNh) curNh.dev = v.text;
        else r.dev = v.text;
      }
      i++;
      continue;
    }
    if (t === 'weight' && curNh) {
      const v = need(i);
      if (v) {
        const n = kaInt(v, 1, 256, ctx);
        if (n !== undefined) curNh.weight = n;
      }
      i++;
      continue;
    }
    if (t === 'onlink') {
      if (curNh) curNh.onlink = true;
      else r.onlink = true;
      continue;
    }
    if (t === 'src') {
      const v = need(i);
      if (v) {
        const a = addr(v, 'src');
        if (a) r.src = a;
      }
      i++;
      continue;
    }
    if (t === 'table') {
      const v = need(i);
      if (v) r.table = v.text;
      i++;
      continue;
    }
    if (t === 'scope') {
      const v = need(i);
      if (v) r.scope = v.text;
      i++;
      continue;
    }
    if (t === 'protocol') {
      const v = need(i);
      if (v) r.protocol = v.text;
      i++;
      continue;
    }
    if (t === 'metric' || t === 'priority' || t === 'preference') {
      const v = need(i);
      if (v) {
        const n = kaInt(v, 0, 0xffffffff, ctx);
        if (n !== undefined) r.metric = n;
        else bad = true;
      }
      i++;
      continue;
    }
    if (t === 'tos' || t === 'dsfield') {
      const v = need(i);
      if (v) {
        const n = kaInt(v, 0, 255, ctx);
        if (n !== undefined) r.tos = n;
      }
      i++;
      continue;
    }
    if (t === 'mtu') {
      let v = need(i);
      if (v && v.text === 'lock') {
        r.mtuLock = true;
        i++;
        v = need(i);
      }
      if (v) {
        const n = kaInt(v, 0, 0xffffffff, ctx);
        if (n !== undefined) r.mtu = n;
      }
      i++;
      continue;
    }
    if (t === 'no_track') {
      r.noTrack = true;
      continue;
    }
    if (t === 'track_group') {
      const v = need(i);
      if (v) r.trackGroup = v.text;
      i++;
      continue;
    }
    if (t === 'append') {
      r.attrs.append = 'true';
      continue;
    }
    if (ROUTE_ATTRS.has(t)) {
      const v = need(i);
      if (v) {
        if (t === 'realms') r.realms = v.text;
        else r.attrs[t] = v.text;
      }
      i++;
      continue;
    }
    if (!haveDst && ROUTE_TYPES.has(t)) {
      r.type = t;
      continue;
    }
    if (!haveDst && (t === 'to' || t === 'default' || t === 'default6' || t === 'any' || t === 'all' || (!haveDst && /^[0-9a-fA-F:.]+(\/\d+)?$/.test(t)))) {
      let d: Token | undefined = w;
      if (t === 'to') {
        d = need(i);
        i++;
        if (!d) continue;
      }
      haveDst = true;
      if (d.text === 'default' || d.text === 'any' || d.text === 'all' || d.text === 'default6') {
        r.dst = d.text === 'default6' ? '::' : '';
        r.dstPrefixLen = 0;
        if (d.text === 'default6') forced6 = true;
        continue;
      }
      const slash = d.text.indexOf('/');
      const ip = parseIp(slash >= 0 ? d.text.slice(0, slash) : d.text);
      const len = slash >= 0 ? Number(d.text.slice(slash + 1)) : ip ? (ip.family === 4 ? 32 : 128) : 0;
      if (!ip || !Number.isInteger(len) || len > (ip.family === 4 ? 32 : 128)) {
        ctx.sink.error(d, `VRRP parsed invalid IP ${d.text}. skipping IP...`, 'CFG_BAD_ADDRESS');
        ctx.sink.error(d, `Invalid route destination ${d.text}`, 'CFG_BAD_ADDRESS');
        return undefined;
      }
      r.dst = ip.text;
      r.dstPrefixLen = len;
      r.family = ip.family;
      continue;
    }
    ctx.sink.error(w, `VRRP parsed invalid IP ${t}. skipping IP...`, 'CFG_BAD_ADDRESS');
    ctx.sink.error(w, `unknown route keyword ${t}`, 'CFG_UNKNOWN_OPTION');
    bad = true;
    break;
  }
  if (forced6) r.family = 6;
  if (!haveDst) {
    ctx.sink.error(first, `No destination specified for route`, 'CFG_MISSING_VALUE');
    return undefined;
  }
  if (r.family === 6 && r.dst === '') r.dst = '::';
  if (r.family === 4 && r.dst === '') r.dst = '0.0.0.0';
  if (bad) return undefined;
  if (r.dev === undefined && !r.noTrack) {
    ctx.sink.error(first, `Warning - cannot track route ${r.dst}/${r.dstPrefixLen} with no interface specified, not tracking`, 'CFG_ROUTE_NO_TRACK');
    r.noTrack = true;
  }
  return r;
}

/** The next preference given to a rule without one, per load (keyed by its diagnostic sink). */
const nextDefaultPref = new WeakMap<object, number>();

/** One `ip rule`-style line. */
export function parseRule(words: Token[], ctx: Ctx): RuleSpec | undefined {
  const first = words[0];
  if (!first) return undefined;
  const r: RuleSpec = { family: 4, attrs: {}, pos: posOf(first) };
  let familySet = false;
  const need = (i: number): Token | undefined => {
    const v = words[i + 1];
    if (!v) ctx.sink.error(words[i], `Rule ${words[i]!.text} missing a parameter`, 'CFG_MISSING_VALUE');
    return v;
  };
  const prefix = (v: Token, what: string): { a: string; l: number } | undefined => {
    if (v.text === 'all' || v.text === 'any' || v.text === 'default') return { a: '', l: 0 };
    const slash = v.text.indexOf('/');
    const ip = parseIp(slash >= 0 ? v.text.slice(0, slash) : v.text);
    const len = slash >= 0 ? Number(v.text.slice(slash + 1)) : ip ? (ip.family === 4 ? 32 : 128) : 0;
    if (!ip || !Number.isInteger(len) || len > (ip.family === 4 ? 32 : 128) || (slash >= 0 && !/^\d+$/.test(v.text.slice(slash + 1)))) {
      ctx.sink.error(v, `VRRP parsed invalid IP ${v.text}. skipping IP...`, 'CFG_BAD_ADDRESS');
      ctx.sink.error(v, `Invalid rule ${what} address ${v.text}`, 'CFG_BAD_ADDRESS');
      return undefined;
    }
    if (familySet && (ip.family === 6) !== (r.family === 6)) {
      ctx.sink.error(v, `Rule ${what} address ${v.text} family does not match`, 'CFG_FAMILY_MISMATCH');
      return undefined;
    }
    r.family = ip.family;
    familySet = true;
    return { a: ip.text, l: len };
  };
  for (let i = 0; i < words.length; i++) {
    const w = words[i]!;
    const t = w.text;
    switch (t) {
      case 'inet6':
        r.family = 6;
        familySet = true;
        break;
      case 'not':
        r.not = true;
        break;
      case 'from':
      case 'to': {
        const v = need(i);
        i++;
        if (!v) return undefined;
        const p = prefix(v, t);
        if (!p) return undefined;
        if (t === 'from') {
          r.from = p.a;
          r.fromPrefixLen = p.l;
        } else {
          r.to = p.a;
          r.toPrefixLen = p.l;
        }
        break;
      }
      case 'table':
      case 'lookup': {
        const v = need(i);
        if (v) r.table = v.text;
        i++;
        break;
      }
      case 'iif':
      case 'dev': {
        const v = need(i);
        if (v) r.iif = v.text;
        i++;
        break;
      }
      case 'oif': {
        const v = need(i);
        if (v) r.oif = v.text;
        i++;
        break;
      }
      case 'tos':
      case 'dsfield': {
        const v = need(i);
        if (v) {
          const n = kaInt(v, 0, 255, ctx);
          if (n !== undefined) r.tos = n;
        }
        i++;
        break;
      }
      case 'fwmark': {
        const v = need(i);
        if (v) {
          const [m, mask] = v.text.split('/');
          const mv = Number(m);
          if (!Number.isInteger(mv) || mv < 0 || mv > 0xffffffff) ctx.sink.error(v, `Invalid rule fwmark ${v.text}`, 'CFG_BAD_VALUE');
          else {
            r.fwmark = mv;
            if (mask !== undefined) r.fwmask = Number(mask);
          }
        }
        i++;
        break;
      }
      case 'preference':
      case 'priority':
      case 'order':
      case 'pref': {
        const v = need(i);
        if (v) {
          const n = kaInt(v, 0, 0xffffffff, ctx);
          if (n !== undefined) r.preference = n;
        }
        i++;
        break;
      }
      case 'realms': {
        const v = need(i);
        if (v) r.realms = v.text;
        i++;
        break;
      }
      case 'goto': {
        const v = need(i);
        if (v) {
          const n = kaInt(v, 0, 0xffffffff, ctx);
          if (n !== undefined) r.goto = n;
        }
        i++;
        break;
      }
      case 'blackhole':
      case 'unreachable':
      case 'prohibit':
      case 'nop':
        r.action = t;
        break;
      case 'no_track':
        r.noTrack = true;
        break;
      case 'track_group': {
        const v = need(i);
        if (v) r.trackGroup = v.text;
        i++;
        break;
      }
      case 'l3mdev':
        r.attrs.l3mdev = 'true';
        break;
      case 'sport':
      case 'dport': {
        const v = need(i);
        i++;
        if (!v) break;
        const m = /^(\d+)-(\d+)$/.exec(v.text);
        if (!m || Number(m[1]) > 65535 || Number(m[2]) > 65535) ctx.sink.error(v, `invalid ${t} range ${v.text}`, 'CFG_BAD_VALUE');
        else r.attrs[t] = v.text;
        break;
      }
      case 'uidrange':
      case 'suppress_prefixlength':
      case 'suppress_ifgroup':
      case 'tun_id':
      case 'protocol':
      case 'ipproto':
      case 'ip_proto':
      case 'map-to': {
        const v = need(i);
        if (v) r.attrs[t] = v.text;
        i++;
        break;
      }
      default:
        ctx.sink.error(w, `Unknown rule option ${t}`, 'CFG_UNKNOWN_OPTION');
        return undefined;
    }
  }
  if (r.attrs.l3mdev !== undefined && (r.table !== undefined || r.goto !== undefined || r.action !== undefined)) {
    ctx.sink.error(first, 'Cannot specify l3mdev with other action', 'CFG_RULE_L3MDEV');
    return undefined;
  }
  if (r.preference === undefined) {
    // keepalived hands out 16384, 16383, … to rules without one, in reading order
    const pref = nextDefaultPref.get(ctx.sink) ?? 16384;
    nextDefaultPref.set(ctx.sink, pref - 1);
    ctx.sink.error(first, `Rule has no preference specified - setting to ${pref}. This is probably not what you want.`, 'CFG_RULE_NO_PREF');
    r.preference = pref;
  }
  return r;
}
