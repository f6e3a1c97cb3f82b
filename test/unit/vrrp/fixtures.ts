/** Loads test/fixtures/packets/*.{hex,json}, finding the repository root from any dist-* build dir. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fromHex } from '../../../src/lib/bytes';

import { repoRoot } from '../../helpers/repo';
export { repoRoot };

export interface Fixture {
  name: string;
  bytes: Uint8Array;
  json: {
    case: string;
    expect: {
      family: 4 | 6;
      version: 2 | 3;
      type: number;
      vrid: number;
      priority: number;
      count: number;
      authType: number;
      rsvd?: number;
      adverInt: number;
      advertIntervalCs: number;
      checksum: number;
      addrs: string[];
      authData?: string;
      checksumVariant: string;
      ip?: { version: number; ihl: number; tos: number; totalLength: number; id: number; ttl: number; protocol: number; headerChecksum: number; src: string; dst: string };
    };
    rx?: { src: string; dst: string; hopLimit: number };
  };
}

export const FIXTURE_DIR = path.join(repoRoot(), 'test', 'fixtures', 'packets');

export function loadFixtures(): Fixture[] {
  const out: Fixture[] = [];
  for (const f of fs.readdirSync(FIXTURE_DIR).sort()) {
    if (!f.endsWith('.json')) continue;
    const name = f.slice(0, -5);
    const bytes = fromHex(fs.readFileSync(path.join(FIXTURE_DIR, name + '.hex'), 'utf8'));
    if (!bytes) throw new Error(`bad hex in ${name}.hex`);
    out.push({ name, bytes, json: JSON.parse(fs.readFileSync(path.join(FIXTURE_DIR, f), 'utf8')) });
  }
  return out;
}

export function loadFixture(name: string): Fixture {
  const f = loadFixtures().find((x) => x.name === name);
  if (!f) throw new Error(`no fixture ${name}`);
  return f;
}
