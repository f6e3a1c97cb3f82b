/**
 * Tracked objects: `vrrp_script`, `track_file` (+ deprecated `vrrp_track_file`),
 * `vrrp_track_process`, `bfd_instance` (keepalived.md §3.4).
 */
import type { Stmt } from '../types';
import type { VrrpScript, TrackFile, TrackProcess, BfdInstance } from '../ast';
import { emptyVrrpScript, emptyTrackFile, emptyTrackProcess, emptyBfdInstance } from '../ast';
import { parseIp } from '../../lib/ip';
import { applyTable, kw, type Ctx, type KeywordTable } from './table';
import { arg, endOf, extraWords, flagKw, kaInt, kaTimerUs, missingParam, posOf, readScript } from './common';
import { scriptArgs } from '../lexer';

/** `weight W [reverse]` on a tracker's own line. */
function weightKw<T extends { weight: number; weightReverse: boolean; name: string }>(min: number, max: number, what: string) {
  return kw<T>((st, t, ctx) => {
    const a = arg(st, ctx);
    if (!a) return;
    const n = kaInt(a, min, max, ctx);
    if (n === undefined) {
      ctx.sink.error(a, `${what} ${t.name} weight ${a.text} must be in [${min}, ${max}]`, 'CFG_BAD_WEIGHT');
      return;
    }
    t.weight = n;
    const r = st.args[1];
    if (r) {
      if (r.text === 'reverse') t.weightReverse = true;
      else if (r.text === 'noreverse') t.weightReverse = false;
      else ctx.sink.error(r, `${what} ${t.name} unknown weight option ${r.text}`, 'CFG_UNKNOWN_OPTION');
    }
  });
}

export const vrrpScriptKeywords: KeywordTable<VrrpScript> = {
  script: kw((st, s, ctx) => {
    const sc = readScript(st, ctx);
    if (sc) s.script = sc;
  }),
  interval: kw((st, s, ctx) => {
    const a = arg(st, ctx);
    if (!a) return;
    const us = kaTimerUs(a, 0, 4294, ctx);
    if (us === undefined) {
      ctx.sink.error(a, `(${s.name}): vrrp script interval '${a.text}' must be between 1 and 4294 - ignoring`, 'CFG_BAD_VALUE');
      return;
    }
    if (us === 0) {
      ctx.sink.error(a, `(${s.name}): vrrp script interval must be greater than 0, setting to 1`, 'CFG_BAD_VALUE');
      s.intervalUs = 1_000_000;
      return;
    }
    s.intervalUs = us;
  }),
  timeout: kw((st, s, ctx) => {
    const a = arg(st, ctx);
    if (!a) return;
    const us = kaTimerUs(a, 0, 4294, ctx);
    if (us === undefined) {
      ctx.sink.error(a, `(${s.name}): vrrp script timeout '${a.text}' must be between 1 and 4294 - ignoring`, 'CFG_BAD_VALUE');
      return;
    }
    if (us === 0) {
      ctx.sink.error(a, `(${s.name}): vrrp script timeout must be greater than 0, setting to 1`, 'CFG_BAD_VALUE');
      s.timeoutUs = 1_000_000;
      return;
    }
    s.timeoutUs = us;
  }),
  weight: kw((st, s, ctx) => {
    const a = arg(st, ctx);
    if (!a) return;
    const n = kaInt(a, -253, 253, ctx);
    if (n === undefined) {
      ctx.sink.error(a, `vrrp_script ${s.name} weight ${a.text} must be in [-253, 253]`, 'CFG_BAD_WEIGHT');
      return;
    }
    s.weight = n;
    const r = st.args[1];
    if (r?.text === 'reverse') s.weightReverse = true;
    else if (r?.text === 'noreverse') s.weightReverse = false;
    else if (r) ctx.sink.error(r, `vrrp_script ${s.name} unknown weight option ${r.text}`, 'CFG_UNKNOWN_OPTION');
  }),
  rise: kw((st, s, ctx) => {
    const a = arg(st, ctx);
    if (!a) return;
    const n = kaInt(a, 1, 2147483647, ctx);
    if (n === undefined) {
      ctx.sink.error(a, `(${s.name}): vrrp script rise value '${a.text}' invalid, defaulting to 1`, 'CFG_BAD_VALUE');
      s.rise = 1;
      return;
    }
    s.rise = n;
  }),
  fall: kw((st, s, ctx) => {
    const a = arg(st, ctx);
    if (!a) return;
    const n = kaInt(a, 1, 2147483647, ctx);
    if (n === undefined) {
      ctx.sink.error(a, `(${s.name}): vrrp script fall value '${a.text}' invalid, defaulting to 1`, 'CFG_BAD_VALUE');
      s.fall = 1;
      return;
    }
    s.fall = n;
  }),
  user: kw((st, s, ctx) => {
    const a = arg(st, ctx);
    if (!a) return;
    s.user = a.text;
    if (st.args[1]) s.group = st.args[1].text;
  }),
  init_fail: flagKw((s) => (s.initFail = true)),
};

export function parseVrrpScript(st: Stmt, ctx: Ctx): VrrpScript | undefined {
  const name = st.args[0];
  if (!name) {
    missingParam(st, ctx);
    return undefined;
  }
  const s = emptyVrrpScript(name.text, posOf(st.kw));
  applyTable(st.children ?? [], vrrpScriptKeywords, s, ctx);
  if (s.timeoutUs === 0) s.timeoutUs = s.intervalUs;
  if (!s.script) {
    ctx.sink.error(endOf(st), `No script set for vrrp_script ${s.name} - removing`, 'CFG_MISSING_VALUE');
    return undefined;
  }
  if (s.script) {
    if (s.user !== undefined && s.script.user === undefined) s.script.user = s.user;
    if (s.group !== undefined && s.script.group === undefined) s.script.group = s.group;
  }
  return s;
}

export const trackFileKeywords: KeywordTable<TrackFile> = {
  file: kw((st, t, ctx) => {
    const a = arg(st, ctx);
    if (!a) return;
    extraWords(st, ctx, 1);
    t.file = a.text;
  }),
  weight: kw((st, t, ctx) => {
    const a = arg(st, ctx);
    if (!a) return;
    const n = kaInt(a, -254, 254, ctx);
    if (n === undefined) {
      ctx.sink.error(a, `Weight (${a.text}) for track_file ${t.name} must be between [-254..254] inclusive. Ignoring...`, 'CFG_BAD_WEIGHT');
      return;
    }
    t.weight = n;
    const r = st.args[1];
    if (r?.text === 'reverse') t.weightReverse = true;
    else if (r?.text === 'noreverse') t.weightReverse = false;
    else if (r) ctx.sink.error(r, `track_file ${t.name} unknown weight option ${r.text}`, 'CFG_UNKNOWN_OPTION');
  }),
  init_file: kw((st, t, ctx) => {
    let value = 0;
    let overwrite = false;
    for (const a of st.args) {
      if (a.text === 'overwrite') overwrite = true;
      else if (/^[+-]?\d+$/.test(a.text)) value = Number(a.text);
      else ctx.sink.error(a, `Unknown track file init option ${a.text}`, 'CFG_UNKNOWN_OPTION');
    }
    t.initFile = { value, overwrite };
  }),
};

export function parseTrackFile(st: Stmt, ctx: Ctx): TrackFile | undefined {
  const name = st.args[0];
  if (!name) {
    missingParam(st, ctx);
    return undefined;
  }
  const t = emptyTrackFile(name.text, posOf(st.kw));
  applyTable(st.children ?? [], trackFileKeywords, t, ctx);
  if (t.file === undefined) {
    ctx.sink.error(endOf(st), `No file set for track_file ${t.name} - ignoring`, 'CFG_MISSING_VALUE');
    return undefined;
  }
  return t;
}

function delayKw(set: (p: TrackProcess, us: number) => void) {
  return kw<TrackProcess>((st, p, ctx) => {
    const a = arg(st, ctx);
    if (!a) return;
    const us = kaTimerUs(a, 0.000001, 3600, ctx);
    if (us === undefined) {
      ctx.sink.error(a, `${st.kw.text} (${a.text}) for vrrp_track_process ${p.name} must be between [0.000001..3600] inclusive. Ignoring...`, 'CFG_BAD_VALUE');
      return;
    }
    set(p, us);
  });
}

function procInt(min: number, max: number, label: string, set: (p: TrackProcess, n: number) => void) {
  return kw<TrackProcess>((st, p, ctx) => {
    const a = arg(st, ctx);
    if (!a) return;
    const n = kaInt(a, min, max, ctx);
    if (n === undefined) {
      ctx.sink.error(a, `${label} (${a.text}) for vrrp_track_process ${p.name} must be between [${min}..${max}] inclusive. Ignoring...`, 'CFG_BAD_VALUE');
      return;
    }
    set(p, n);
  });
}

export const trackProcessKeywords: KeywordTable<TrackProcess> = {
  process: kw((st, p, ctx) => {
    const a = arg(st, ctx);
    if (!a) return;
    p.process = a.text;
    if (st.args.length > 1) p.args = st.args.slice(1).map((x) => x.text);
    else if (a.quoted && a.text.includes(' ')) {
      const argv = scriptArgs(a.text).args;
      p.process = argv[0] ?? a.text;
      p.args = argv.slice(1);
    }
  }),
  param_match: kw((st, p, ctx) => {
    const a = arg(st, ctx);
    if (!a) return;
    if (a.text === 'initial' || a.text === 'partial') p.paramMatch = a.text;
    else ctx.sink.error(a, `Invalid param_match type ${a.text} - ignoring`, 'CFG_BAD_VALUE');
  }),
  weight: kw((st, p, ctx) => {
    if (p.weightSet) {
      ctx.sink.error(st.kw, `Weight already set for track process ${p.name} - ignoring ${st.args[0]?.text ?? ''}`, 'CFG_DUP_WEIGHT');
      return;
    }
    p.weightSet = true;
    procInt(-254, 254, 'Weight', (q, n) => (q.weight = n)).handler(st, p, ctx);
    const r = st.args[1];
    if (r?.text === 'reverse') p.weightReverse = true;
    else if (r && r.text !== 'noreverse') ctx.sink.error(r, `vrrp_track_process ${p.name} unknown weight option ${r.text}`, 'CFG_UNKNOWN_OPTION');
  }),
  quorum: procInt(1, 65535, 'Quorum', (p, n) => (p.quorum = n)),
  quorum_max: procInt(0, 65535, 'quorum_max', (p, n) => (p.quorumMax = n)),
  delay: delayKw((p, us) => {
    p.delayUs = us;
    p.terminateDelayUs = us;
    p.forkDelayUs = us;
  }),
  terminate_delay: delayKw((p, us) => (p.terminateDelayUs = us)),
  fork_delay: delayKw((p, us) => (p.forkDelayUs = us)),
  full_command: flagKw((p) => (p.fullCommand = true)),
};

export function parseTrackProcess(st: Stmt, ctx: Ctx): TrackProcess | undefined {
  const name = st.args[0];
  if (!name) {
    missingParam(st, ctx);
    return undefined;
  }
  const p = emptyTrackProcess(name.text, posOf(st.kw));
  applyTable(st.children ?? [], trackProcessKeywords, p, ctx);
  delete p.weightSet;
  if (p.process === undefined) {
    ctx.sink.error(endOf(st), `track process '${p.name}' process name not specified`, 'CFG_MISSING_VALUE');
    return undefined;
  }
  if (p.quorumMax !== 0 && p.quorumMax < p.quorum) {
    ctx.sink.error(st.kw, `Track process ${p.name} quorum_max ${p.quorumMax} < quorum ${p.quorum} - setting to ${p.quorum}`, 'CFG_BAD_VALUE');
    p.quorumMax = p.quorum;
  }
  return p;
}

function bfdIp(set: (b: BfdInstance, s: string) => void) {
  return kw<BfdInstance>((st, b, ctx) => {
    const a = arg(st, ctx);
    if (!a) return;
    const ip = parseIp(a.text);
    if (!ip) {
      ctx.sink.error(a, `Configuration error: BFD instance ${b.name} has malformed ${st.kw.text} address ${a.text}, ignoring instance`, 'CFG_BAD_ADDRESS');
      return;
    }
    set(b, ip.text);
  });
}

function bfdInt(min: number, max: number, set: (b: BfdInstance, n: number) => void, what?: string, isNot = 'not') {
  return kw<BfdInstance>((st, b, ctx) => {
    const a = arg(st, ctx);
    if (!a) return;
    const n = kaInt(a, min, max, ctx);
    if (n === undefined) {
      ctx.sink.error(a, `Configuration error: BFD instance ${b.name} ${what ?? st.kw.text} value ${a.text} ${isNot} valid (must be in range [${min}-${max}]), ignoring`, 'CFG_BAD_VALUE');
      return;
    }
    set(b, n);
  });
}

/** BFD intervals: milliseconds with a fraction (keepalived prints the range with 3 decimals). */
function bfdMs(min: number, max: number, set: (b: BfdInstance, ms: number) => void) {
  return kw<BfdInstance>((st, b, ctx) => {
    const a = arg(st, ctx);
    if (!a) return;
    const ok = /^[+-]?(\d+(\.\d*)?|\.\d+)$/.test(a.text);
    const v = Number(a.text);
    if (!ok) ctx.sink.error(a, `invalid number '${a.text}'`, 'CFG_BAD_NUMBER');
    else if (v < min || v > max) ctx.sink.error(a, `number '${a.text}' outside range [${min.toFixed(3)}, ${max.toFixed(3)}]`, 'CFG_OUT_OF_RANGE');
    if (!ok || v < min || v > max) {
      ctx.sink.error(a, `Configuration error: BFD instance ${b.name} ${st.kw.text} value ${a.text} is not valid (must be in range [${min}-${max}]), ignoring`, 'CFG_BAD_VALUE');
      return;
    }
    set(b, v);
  });
}

export const bfdInstanceKeywords: KeywordTable<BfdInstance> = {
  neighbor_ip: bfdIp((b, s) => (b.neighborIp = s)),
  neighbour_ip: bfdIp((b, s) => (b.neighborIp = s)),
  source_ip: bfdIp((b, s) => (b.sourceIp = s)),
  min_rx: bfdMs(1, 4294967, (b, n) => (b.minRxMs = n)),
  min_tx: bfdMs(1, 4294967, (b, n) => (b.minTxMs = n)),
  idle_tx: bfdMs(1000, 4294967, (b, n) => (b.idleTxMs = n)),
  multiplier: bfdInt(1, 255, (b, n) => (b.multiplier = n)),
  passive: flagKw((b) => (b.passive = true)),
  ttl: bfdInt(1, 255, (b, n) => (b.ttl = n), 'ttl/hoplimit'),
  hoplimit: bfdInt(1, 255, (b, n) => (b.hoplimit = n), 'ttl/hoplimit'),
  max_hops: bfdInt(-1, 255, (b, n) => (b.maxHops = n)),
  weight: bfdInt(-253, 253, (b, n) => (b.weight = n)),
  vrrp: flagKw((b) => (b.vrrp = true)),
  checker: flagKw((b) => (b.checker = true)),
};

export function parseBfdInstance(st: Stmt, ctx: Ctx): BfdInstance | undefined {
  const name = st.args[0];
  if (!name) {
    // keepalived 2.2.7 crashes here; we report it as a missing parameter
    missingParam(st, ctx);
    return undefined;
  }
  const b = emptyBfdInstance(name.text, posOf(st.kw));
  applyTable(st.children ?? [], bfdInstanceKeywords, b, ctx);
  if (b.neighborIp === undefined) {
    ctx.sink.error(endOf(st), `Configuration error: BFD instance ${b.name} has no neighbor address set, disabling instance`, 'CFG_MISSING_VALUE');
    return undefined;
  }
  if (!b.vrrp && !b.checker) {
    b.vrrp = true;
    b.checker = true;
  }
  return b;
}
