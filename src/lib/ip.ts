/**
 * Pure IP address helpers (no sockets): parsing, formatting, comparison, prefixes.
 * Addresses are carried as their canonical text plus a 4- or 16-byte Buffer.
 */
import { isIPv4, isIPv6 } from 'node:net';

export type Family = 4 | 6;

export interface IpAddr {
  family: Family;
  /** Canonical text (IPv6 compressed, lower case). */
  text: string;
  bytes: Buffer;
}

export interface IpPrefix extends IpAddr {
  prefixLen: number;
  /** True when the prefix length was written explicitly (`/24`). */
  explicitLen: boolean;
}

export function parseIp(text: string): IpAddr | undefined {
  if (isIPv4(text)) {
    const bytes = Buffer.from(text.split('.').map((x) => Number(x)));
    return { family: 4, text: formatIp(bytes), bytes };
  }
  const pct = text.indexOf('%');
  const bare = pct >= 0 ? text.slice(0, pct) : text;
  if (isIPv6(bare)) {
    const bytes = ipv6ToBytes(bare);
    if (!bytes) return undefined;
    return { family: 6, text: formatIp(bytes), bytes };
  }
  return undefined;
}

export function parsePrefix(text: string): IpPrefix | undefined {
  const slash = text.indexOf('/');
  const addrText = slash >= 0 ? text.slice(0, slash) : text;
  const ip = parseIp(addrText);
  if (!ip) return undefined;
  const max = ip.family === 4 ? 32 : 128;
  if (slash < 0) return { ...ip, prefixLen: max, explicitLen: false };
  const lenText = text.slice(slash + 1);
  if (!/^\d{1,3}$/.test(lenText)) return undefined;
  const len = Number(lenText);
  if (len > max) return undefined;
  return { ...ip, prefixLen: len, explicitLen: true };
}

function ipv6ToBytes(text: string): Buffer | undefined {
  let head: string[];
  let tail: string[];
  const dbl = text.indexOf('::');
  if (dbl >= 0) {
    head = text.slice(0, dbl) ? text.slice(0, dbl).split(':') : [];
    tail = text.slice(dbl + 2) ? text.slice(dbl + 2).split(':') : [];
  } else {
    head = text.split(':');
    tail = [];
  }
  const words: number[] = [];
  const pushGroup = (parts: string[], out: number[]): boolean => {
    for (let i = 0; i < parts.length; i++) {
      const p = parts[i]!;
      if (p.includes('.')) {
        if (i !== parts.length - 1 || !isIPv4(p)) return false;
        const o = p.split('.').map(Number);
        out.push(((o[0]! << 8) | o[1]!) >>> 0, ((o[2]! << 8) | o[3]!) >>> 0);
      } else {
        if (!/^[0-9a-fA-F]{1,4}$/.test(p)) return false;
        out.push(parseInt(p, 16));
      }
    }
    return true;
  };
  const h: number[] = [];
  const t: number[] = [];
  if (!pushGroup(head, h) || !pushGroup(tail, t)) return undefined;
  const fill = 8 - h.length - t.length;
  if (fill < 0 || (dbl < 0 && fill !== 0)) return undefined;
  words.push(...h, ...new Array<number>(fill).fill(0), ...t);
  const b = Buffer.alloc(16);
  words.forEach((w, i) => b.writeUInt16BE(w, i * 2));
  return b;
}

export function formatIp(bytes: Uint8Array): string {
  if (bytes.length === 4) return Array.from(bytes).join('.');
  if (bytes.length !== 16) throw new Error(`formatIp: bad length ${bytes.length}`);
  const words: number[] = [];
  for (let i = 0; i < 16; i += 2) words.push((bytes[i]! << 8) | bytes[i + 1]!);
  // longest run of zero words (length >= 2) becomes '::' (RFC 5952)
  let bestStart = -1;
  let bestLen = 0;
  for (let i = 0; i < 8; ) {
    if (words[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && words[j] === 0) j++;
    if (j - i > bestLen && j - i >= 2) {
      bestStart = i;
      bestLen = j - i;
    }
    i = j;
  }
  const hex = words.map((w) => w.toString(16));
  if (bestStart < 0) return hex.join(':');
  const left = hex.slice(0, bestStart).join(':');
  const right = hex.slice(bestStart + bestLen).join(':');
  return `${left}::${right}`;
}

/** Compare two addresses of the same family as unsigned big-endian numbers. */
export function compareIp(a: IpAddr, b: IpAddr): number {
  return Buffer.compare(a.bytes, b.bytes);
}

export function isLinkLocal6(a: IpAddr): boolean {
  return a.family === 6 && a.bytes[0] === 0xfe && (a.bytes[1]! & 0xc0) === 0x80;
}

export function isMulticast(a: IpAddr): boolean {
  return a.family === 4 ? (a.bytes[0]! & 0xf0) === 0xe0 : a.bytes[0] === 0xff;
}
