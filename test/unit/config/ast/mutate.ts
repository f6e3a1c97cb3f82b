/**
 * Seeded damage for configurations (shared by the mutation test and the parity test):
 * a small PRNG, the base configurations, and one mutation step.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { FIXTURES, ROOT } from './helpers';
import { prng as rng } from '../../../helpers/prng';
export { rng };

export function bases(): string[] {
  const out: string[] = [];
  const add = (dir: string, filter: (f: string) => boolean): void => {
    if (!fs.existsSync(dir)) return;
    for (const f of fs.readdirSync(dir).sort()) if (filter(f)) out.push(fs.readFileSync(path.join(dir, f), 'utf8'));
  };
  add(path.join(ROOT, 'examples'), (f) => f.endsWith('.conf'));
  add(path.join(FIXTURES, 'blocks'), (f) => f.endsWith('.conf'));
  add('/usr/share/doc/keepalived/samples', (f) => f.startsWith('keepalived.conf'));
  return out;
}

const JUNK = ['{', '}', '"', "'", '#', '!', '\\', '$', '@', '~', '/', '-', ' ', '\t', '\n', '0', '9', 'x', ':', '.', ',', '(', ')', '\u00e9', '\0'];
const WORDS = ['999999999999', '-1', '0', '256', '1.5', 'on', 'bogus', '{', '}', '"', '10.0.0.300', 'fe80::1', '::', '$X', '${_RANDOM}', '@kats', '~SEQ(i,1,3)', 'include', 'vrrp_instance', 'virtual_server', 'weight'];

export function mutate(src: string, r: () => number): string {
  let s = src;
  const n = 1 + Math.floor(r() * 4);
  for (let k = 0; k < n; k++) {
    const lines = s.split('\n');
    const li = Math.floor(r() * lines.length);
    const line = lines[li] ?? '';
    switch (Math.floor(r() * 8)) {
      case 0: { // delete a character
        const i = Math.floor(r() * (s.length || 1));
        s = s.slice(0, i) + s.slice(i + 1);
        break;
      }
      case 1: { // insert junk
        const i = Math.floor(r() * (s.length + 1));
        s = s.slice(0, i) + JUNK[Math.floor(r() * JUNK.length)]! + s.slice(i);
        break;
      }
      case 2: // delete a line
        lines.splice(li, 1);
        s = lines.join('\n');
        break;
      case 3: // duplicate a line
        lines.splice(li, 0, line);
        s = lines.join('\n');
        break;
      case 4: { // replace a word
        const words = line.split(/(\s+)/);
        const wi = Math.floor(r() * words.length);
        words[wi] = WORDS[Math.floor(r() * WORDS.length)]!;
        lines[li] = words.join('');
        s = lines.join('\n');
        break;
      }
      case 5: // truncate
        s = s.slice(0, Math.floor(r() * s.length));
        break;
      case 6: { // swap two lines
        const lj = Math.floor(r() * lines.length);
        const t = lines[li]!;
        lines[li] = lines[lj]!;
        lines[lj] = t;
        s = lines.join('\n');
        break;
      }
      default: // a very long line
        lines[li] = line + ' x'.repeat(Math.floor(r() * 700));
        s = lines.join('\n');
    }
  }
  return s;
}


const LINE_WORDS = ['999999999999', '-1', '0', '256', '1.5', 'on', 'bogus', '{', '}', '10.0.0.300', 'fe80::1', 'weight', 'MASTER', 'nopreempt', 'strict_mode', 'version 3', 'eth9'];

/**
 * A gentler, line-level mutation (delete a line, duplicate one elsewhere, replace a word with a
 * plausible one): damaged configurations an operator could write, used for verdict parity.
 */
export function mutateLines(src: string, r: () => number): string {
  const lines = src.split('\n');
  const li = Math.floor(r() * lines.length);
  const k = Math.floor(r() * 4);
  if (k === 0) lines.splice(li, 1);
  else if (k === 1) lines.splice(li, 0, lines[Math.floor(r() * lines.length)] ?? '');
  else {
    const w = (lines[li] ?? '').split(/(\s+)/);
    w[Math.floor(r() * w.length)] = LINE_WORDS[Math.floor(r() * LINE_WORDS.length)]!;
    lines[li] = w.join('');
  }
  return lines.join('\n');
}
