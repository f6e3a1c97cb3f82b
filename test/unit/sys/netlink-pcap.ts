/** Test helper: netlink messages from a LINKTYPE_NETLINK (253) pcap captured by ipvs-vm.sh -p. */
import * as fs from 'node:fs';
import * as path from 'node:path';

/** The repository root: the first ancestor of this file holding package.json. */
import { repoRoot } from '../../helpers/repo';
export { repoRoot };

export function fixture(...p: string[]): string {
  return path.join(repoRoot(), 'test', 'fixtures', ...p);
}

/** Each packet's netlink messages (for protocol NETLINK_GENERIC only), in capture order. */
export function readNetlinkPcap(file: string, protocol = 16): Buffer[] {
  const d = fs.readFileSync(file);
  if (d.readUInt32LE(0) !== 0xa1b2c3d4 || d.readUInt32LE(20) !== 253) throw new Error(`${file}: not a DLT_NETLINK pcap`);
  const out: Buffer[] = [];
  let off = 24;
  while (off + 16 <= d.length) {
    const incl = d.readUInt32LE(off + 8);
    const pkt = d.subarray(off + 16, off + 16 + incl);
    off += 16 + incl;
    // 16-byte cooked header: pkttype, hatype, halen, addr[8], protocol (big-endian)
    if (pkt.length < 16 || pkt.readUInt16BE(14) !== protocol) continue;
    out.push(pkt.subarray(16));
  }
  return out;
}
