/**
 * glob(3) as keepalived calls it for `include`: GLOB_MARK | GLOB_BRACE with glibc's rules.
 *
 *   braceExpand("a/{x,y{1,2}}.conf") → ["a/x.conf", "a/y1.conf", "a/y2.conf"]
 *   globFiles("conf.d/*.conf", dir)   → matching paths as glob() returns them (relative
 *                                       patterns stay relative; directories end in '/')
 *
 * `*`, `?` and `[…]` do not match a leading '.' and never match '/'; `\` quotes the next
 * character. Each brace alternative is matched and sorted on its own, alternatives in order.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

/** keepalived: a pattern "has wildcards" when it contains any of * ? [ */
export function hasWildcard(p: string): boolean {
  return /[*?[]/.test(p);
}

/** Index of the `}` matching the `{` at `open`, or -1. */
function matchingBrace(s: string, open: number): number {
  let depth = 0;
  for (let i = open; i < s.length; i++) {
    const c = s[i];
    if (c === '\\') {
      i++;
      continue;
    }
    if (c === '{') depth++;
    else if (c === '}') {
      depth--;
      if (depth === 0) return i;
    }
  }
  return -1;
}

/** csh-style brace expansion as glibc's GLOB_BRACE does it (unbalanced braces stay literal). */
export function braceExpand(pattern: string, limit = 4096): string[] {
  let open = -1;
  for (let i = 0; i < pattern.length; i++) {
    if (pattern[i] === '\\') {
      i++;
      continue;
    }
    if (pattern[i] === '{') {
      open = i;
      break;
    }
  }
  if (open < 0) return [pattern];
  const close = matchingBrace(pattern, open);
  if (close < 0) return [pattern];
  const inner = pattern.slice(open + 1, close);
  const alts: string[] = [];
  let depth = 0;
  let st = 0;
  for (let i = 0; i < inner.length; i++) {
    const c = inner[i];
    if (c === '\\') {
      i++;
      continue;
    }
    if (c === '{') depth++;
    else if (c === '}') depth--;
    else if (c === ',' && depth === 0) {
      alts.push(inner.slice(st, i));
      st = i + 1;
    }
  }
  alts.push(inner.slice(st));
  const pre = pattern.slice(0, open);
  const post = pattern.slice(close + 1);
  const out: string[] = [];
  for (const a of alts) {
    for (const e of braceExpand(pre + a + post, limit)) {
      if (out.length >= limit) return out;
      out.push(e);
    }
  }
  return out;
}

function segmentRegex(seg: string): RegExp {
  let re = '^';
  for (let i = 0; i < seg.length; i++) {
    const c = seg[i]!;
    if (c === '\\' && i + 1 < seg.length) {
      re += escapeRe(seg[++i]!);
    } else if (c === '*') re += '[^/]*';
    else if (c === '?') re += '[^/]';
    else if (c === '[') {
      const close = seg.indexOf(']', i + 2);
      if (close < 0) {
        re += '\\[';
        continue;
      }
      let body = seg.slice(i + 1, close);
      let neg = false;
      if (body[0] === '!' || body[0] === '^') {
        neg = true;
        body = body.slice(1);
      }
      re += '[' + (neg ? '^' : '') + body.replace(/[\\\]^]/g, (m) => '\\' + m) + ']';
      i = close;
    } else re += escapeRe(c);
  }
  return new RegExp(re + '$', 's');
}

function escapeRe(c: string): string {
  return c.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

function unescapeGlob(s: string): string {
  return s.replace(/\\(.)/g, '$1');
}

function isDir(p: string): boolean {
  try {
    return fs.statSync(p).isDirectory();
  } catch {
    return false;
  }
}

function exists(p: string): boolean {
  try {
    fs.lstatSync(p);
    return true;
  } catch {
    return false;
  }
}

/**
 * Match one brace-free pattern relative to `cwd`. Returns paths spelled as glob() would,
 * sorted, directories marked with a trailing '/'.
 */
export function globFiles(pattern: string, cwd: string): string[] {
  if (pattern === '') return [];
  const abs = pattern.startsWith('/');
  const segs = pattern.split('/');
  // candidates: [display, fs path]
  let cands: [string, string][] = [[abs ? '' : '', abs ? '/' : cwd]];
  let first = true;
  for (let k = 0; k < segs.length; k++) {
    const seg = segs[k]!;
    if (abs && k === 0) continue; // the empty segment before the leading '/'
    const lastSeg = k === segs.length - 1;
    if (seg === '') {
      // "a//b" or a trailing '/': keep as is
      cands = cands.map(([d, f]) => [d + '/', f]);
      continue;
    }
    const next: [string, string][] = [];
    const sep = (d: string) => (first ? (abs ? '/' : '') : d.endsWith('/') ? '' : '/');
    if (!hasWildcard(seg)) {
      const lit = unescapeGlob(seg);
      for (const [d, f] of cands) {
        const fp = path.join(f, lit);
        if (lastSeg ? exists(fp) : isDir(fp)) next.push([d + sep(d) + lit, fp]);
      }
    } else {
      const re = segmentRegex(seg);
      const dotOk = seg.startsWith('.');
      for (const [d, f] of cands) {
        let names: string[];
        try {
          names = fs.readdirSync(f);
        } catch {
          continue;
        }
        const hits = names.filter((n) => (dotOk || !n.startsWith('.')) && re.test(n)).sort(byteCompare);
        for (const n of hits) {
          const fp = path.join(f, n);
          if (!lastSeg && !isDir(fp)) continue;
          next.push([d + sep(d) + n, fp]);
        }
      }
    }
    cands = next;
    first = false;
    if (cands.length === 0) return [];
  }
  const out = cands.map(([d, f]) => (isDir(f) && !d.endsWith('/') ? d + '/' : d));
  return out.sort(byteCompare);
}

function byteCompare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
