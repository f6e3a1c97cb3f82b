/** Test helper: write Ethernet frames to a pcap file and let tcpdump decode it (an independent decoder). */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

export function hasTcpdump(): boolean {
  try {
    execFileSync('tcpdump', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** linktype 1 = Ethernet, 101 = raw IP. */
export function pcapFile(frames: Buffer[], linktype = 1): Buffer {
  const h = Buffer.alloc(24);
  h.writeUInt32LE(0xa1b2c3d4, 0);
  h.writeUInt16LE(2, 4);
  h.writeUInt16LE(4, 6);
  h.writeUInt32LE(65535, 16);
  h.writeUInt32LE(linktype, 20);
  const parts: Buffer[] = [h];
  for (const f of frames) {
    const r = Buffer.alloc(16);
    r.writeUInt32LE(f.length, 8);
    r.writeUInt32LE(f.length, 12);
    parts.push(r, f);
  }
  return Buffer.concat(parts);
}

/** tcpdump -nr <file> -vv -e output for the frames. */
export function tcpdumpDecode(frames: Buffer[], linktype = 1): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kats-pcap-'));
  const file = path.join(dir, 'f.pcap');
  try {
    fs.writeFileSync(file, pcapFile(frames, linktype));
    return execFileSync('tcpdump', ['-nr', file, '-vv', '-e'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
