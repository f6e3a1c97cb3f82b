/**
 * Maps a configured `vrrp_instance` (config AST) onto the settings of the pure core:
 * FsmConfig (fsm.ts) and AcceptConfig (accept.ts). Pure; the worker calls it once per instance
 * and supplies the local source address it resolved from the interface.
 */
import type { GlobalDefs, VrrpInstance } from '../config/ast';
import { parseIp } from '../lib/ip';
import { authPassBytes, type AcceptConfig } from './accept';
import { FSM_DEFAULTS, US_PER_S, type FsmConfig } from './fsm';
import { VRRP_AUTH_AH, VRRP_AUTH_NONE, VRRP_AUTH_PASS } from './packet/advert';

/** Most addresses one advert can carry (Count IPvX Addrs is 8 bits); keepalived moves the rest to eVIPs. */
export const MAX_ADVERT_ADDRS = 255;

/** Advert interval on the wire, centiseconds: v2 whole seconds (≥1 s), v3 10 ms units (1..4095). */
export function advertIntervalCs(version: 2 | 3, advertIntUs: number): number {
  if (version === 2) return Math.min(255, Math.max(1, Math.round(advertIntUs / US_PER_S))) * 100;
  return Math.min(4095, Math.max(1, Math.round(advertIntUs / 10_000)));
}

function addrBytes(text: string): Uint8Array | undefined {
  const a = parseIp(text);
  return a ? new Uint8Array(a.bytes) : undefined;
}

/** VIPs carried in the advert, in configuration order (at most 255, same family as the instance). */
export function advertisedVips(inst: VrrpInstance): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (const v of inst.virtualIpaddresses) {
    if (v.family !== inst.family || out.length >= MAX_ADVERT_ADDRS) continue;
    const b = addrBytes(v.address);
    if (b) out.push(b);
  }
  return out;
}

/** FsmConfig for an instance. `localAddr`: the address adverts are sent from (tie-break on equal priority). */
export function fsmConfigFor(inst: VrrpInstance, g: Pick<GlobalDefs, 'vrrpStartupDelayUs'>, localAddr?: Uint8Array): FsmConfig {
  const strict = inst.strictMode;
  const cfg: FsmConfig = {
    ...FSM_DEFAULTS,
    name: inst.name,
    version: inst.version,
    priority: inst.priority,
    advertIntervalCs: advertIntervalCs(inst.version, inst.advertIntUs),
    initialState: inst.state,
    nopreempt: inst.nopreempt,
    preemptDelayUs: inst.preemptDelayUs,
    downTimerAdverts: inst.downTimerAdverts > 0 ? inst.downTimerAdverts : 3,
    // strict mode: RFC behaviour towards lower-priority adverts, no extra advert before yielding
    lowerPrioNoAdvert: strict ? true : inst.lowerPrioNoAdvert,
    higherPrioSendAdvert: strict ? false : inst.higherPrioSendAdvert,
    garpMasterRepeat: inst.garpMasterRepeat,
    garpMasterDelayUs: Math.round(inst.garpMasterDelayS * US_PER_S),
    garpMasterRefreshUs: Math.round(inst.garpMasterRefreshS * US_PER_S),
    garpMasterRefreshRepeat: inst.garpMasterRefreshRepeat,
    garpLowerPrioRepeat: inst.garpLowerPrioRepeat,
    garpLowerPrioDelayUs: Math.round(inst.garpLowerPrioDelayS * US_PER_S),
    startupDelayUs: g.vrrpStartupDelayUs,
    accept: inst.accept,
  };
  if (localAddr) cfg.localAddr = localAddr;
  return cfg;
}

/** AcceptConfig for an instance. */
export function acceptConfigFor(inst: VrrpInstance): AcceptConfig {
  const pass = inst.authentication?.type === 'PASS' && inst.version === 2;
  const ah = inst.authentication?.type === 'AH' && inst.version === 2 && inst.family === 4;
  const cfg: AcceptConfig = {
    name: inst.name,
    family: inst.family,
    version: inst.version,
    vrid: inst.virtualRouterId,
    authType: pass ? VRRP_AUTH_PASS : ah ? VRRP_AUTH_AH : VRRP_AUTH_NONE,
    vips: advertisedVips(inst),
    advertIntervalCs: advertIntervalCs(inst.version, inst.advertIntUs),
    unicastPeers: inst.unicastPeers.flatMap((p) => {
      const addr = addrBytes(p.address);
      if (!addr) return [];
      return [{ addr, ...(p.minTtl !== undefined ? { minTtl: p.minTtl } : {}), ...(p.maxTtl !== undefined ? { maxTtl: p.maxTtl } : {}) }];
    }),
    skipCheckAdvAddr: inst.skipCheckAdvAddr,
    checkUnicastSrc: inst.checkUnicastSrc,
    unicastChecksum: inst.oldUnicastChecksum === 'always' ? 'old' : inst.oldUnicastChecksum === 'never' ? 'never' : 'auto',
  };
  if (pass || ah) cfg.authPass = authPassBytes(inst.authentication?.pass ?? ''); // AH: the HMAC key
  return cfg;
}
