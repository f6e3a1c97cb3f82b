/**
 * Pure builders for the link-layer frames sent when an address moves to this node:
 * a gratuitous ARP (IPv4) and an unsolicited neighbour advertisement (IPv6, RFC 4861 §7.2.6),
 * byte for byte as keepalived 2.2.7 sends them on an AF_PACKET SOCK_RAW socket.
 *
 * Gratuitous ARP, 42 bytes (the NIC pads to 60):
 *   0  dst MAC ff:ff:ff:ff:ff:ff | 6 src MAC | 12 ethertype 0x0806
 *  14  htype 1 | ptype 0x0800 | hlen 6 | plen 4 | op 1 (request)
 *  22  sender MAC | 28 sender IP = VIP | 32 target MAC ff:ff:ff:ff:ff:ff | 38 target IP = VIP
 *
 * Unsolicited NA, 86 bytes:
 *   0  dst MAC 33:33:00:00:00:01 | 6 src MAC | 12 ethertype 0x86dd
 *  14  IPv6: ver 6, tc 0, flow 0 | payload len 32 | next hdr 58 | hop limit 255
 *      | src = VIP | dst = ff02::1
 *  54  ICMPv6: type 136 | code 0 | checksum | flags R (0x80) if router, O (0x20) | reserved
 *  62  target = VIP
 *  78  option: type 2 (target link-layer address) | len 1 | MAC
 */

export const ETHERTYPE_ARP = 0x0806;
export const ETHERTYPE_IPV6 = 0x86dd;
export const BROADCAST_MAC = Buffer.from('ffffffffffff', 'hex');
/** 33:33:00:00:00:01, the Ethernet mapping of ff02::1 (RFC 2464 §7). */
export const ALL_NODES_MAC = Buffer.from('333300000001', 'hex');
export const ALL_NODES_V6 = Buffer.from('ff020000000000000000000000000001', 'hex');

export const GARP_FRAME_LEN = 42;
export const UNA_FRAME_LEN = 86;

function check(cond: boolean, what: string): void {
  if (!cond) throw new TypeError(what);
}

/** Gratuitous ARP request for `vip` (4 bytes) from `mac` (6 bytes). */
export function buildGarpFrame(mac: Buffer, vip: Buffer): Buffer {
  check(mac.length === 6, 'mac must be 6 bytes');
  check(vip.length === 4, 'vip must be 4 bytes');
  const f = Buffer.alloc(GARP_FRAME_LEN);
  BROADCAST_MAC.copy(f, 0);
  mac.copy(f, 6);
  f.writeUInt16BE(ETHERTYPE_ARP, 12);
  f.writeUInt16BE(1, 14); // ARPHRD_ETHER
  f.writeUInt16BE(0x0800, 16); // ETHERTYPE_IP
  f[18] = 6;
  f[19] = 4;
  f.writeUInt16BE(1, 20); // ARPOP_REQUEST
  mac.copy(f, 22);
  vip.copy(f, 28);
  BROADCAST_MAC.copy(f, 32);
  vip.copy(f, 38);
  return f;
}

/** One's-complement sum of `b` folded to 16 bits, starting from `sum`. */
function sum16(b: Buffer, sum: number): number {
  for (let i = 0; i + 1 < b.length; i += 2) sum += b.readUInt16BE(i);
  if (b.length & 1) sum += b[b.length - 1]! << 8;
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
  return sum;
}

/** ICMPv6 checksum over the pseudo-header (src, dst, length, next header 58) and `icmp`. */
export function icmp6Checksum(src: Buffer, dst: Buffer, icmp: Buffer): number {
  const ph = Buffer.alloc(40);
  src.copy(ph, 0);
  dst.copy(ph, 16);
  ph.writeUInt32BE(icmp.length, 32);
  ph[39] = 58;
  return ~sum16(icmp, sum16(ph, 0)) & 0xffff;
}

/** Unsolicited neighbour advertisement for `vip` (16 bytes) from `mac`, sent to ff02::1. */
export function buildUnsolicitedNaFrame(mac: Buffer, vip: Buffer, router: boolean): Buffer {
  check(mac.length === 6, 'mac must be 6 bytes');
  check(vip.length === 16, 'vip must be 16 bytes');
  const f = Buffer.alloc(UNA_FRAME_LEN);
  ALL_NODES_MAC.copy(f, 0);
  mac.copy(f, 6);
  f.writeUInt16BE(ETHERTYPE_IPV6, 12);
  f[14] = 0x60;
  f.writeUInt16BE(32, 18);
  f[20] = 58;
  f[21] = 255;
  vip.copy(f, 22);
  ALL_NODES_V6.copy(f, 38);
  f[54] = 136;
  f[58] = (router ? 0x80 : 0) | 0x20; // R | O (S = 0x40 stays clear: unsolicited)
  vip.copy(f, 62);
  f[78] = 2;
  f[79] = 1;
  mac.copy(f, 80);
  f.writeUInt16BE(icmp6Checksum(vip, ALL_NODES_V6, f.subarray(54)), 56);
  return f;
}
