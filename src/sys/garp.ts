/**
 * Gratuitous ARP / unsolicited NA sender: one AF_PACKET SOCK_RAW socket (protocol 0, so it
 * never queues received frames) shared by all interfaces; frames come from ./arp-frames.
 * Pacing (garp_master_delay, vrrp_garp_interval…) is policy and belongs to the caller.
 */
import * as fs from 'node:fs';
import { parseIp } from '../lib/ip';
import { buildGarpFrame, buildUnsolicitedNaFrame, ETHERTYPE_ARP, ETHERTYPE_IPV6 } from './arp-frames';
import { native } from './native';
import { AF_PACKET, SOCK_RAW } from './sockconst';

/** The interface's MAC from /sys/class/net/<ifname>/address, or undefined. */
export function interfaceMac(ifname: string): Buffer | undefined {
  try {
    const t = fs.readFileSync(`/sys/class/net/${ifname}/address`, 'utf8').trim();
    const b = Buffer.from(t.replace(/:/g, ''), 'hex');
    return b.length === 6 ? b : undefined;
  } catch {
    return undefined;
  }
}

/** Whether IPv6 forwarding is on for `ifname` (keepalived sets the NA router flag from it). */
export function ipv6Forwarding(ifname: string): boolean {
  try {
    return fs.readFileSync(`/proc/sys/net/ipv6/conf/${ifname}/forwarding`, 'utf8').trim() === '1';
  } catch {
    return false;
  }
}

function ipBytes(a: string | Buffer, len: 4 | 16): Buffer {
  const b = typeof a === 'string' ? parseIp(a)?.bytes : a;
  if (!b || b.length !== len) throw new TypeError(`not an IPv${len === 4 ? 4 : 6} address: ${String(a)}`);
  return b;
}

export interface LinkTarget {
  ifname: string;
  /** Resolved from ifname if not given. */
  ifindex?: number;
  /** Source MAC (the interface's, or the VMAC); read from sysfs if not given. */
  mac?: Buffer;
}

/** The GARP/NA port the VRRP worker uses; GarpSender implements it, tests fake it. */
export interface GarpPort {
  sendGarp(t: LinkTarget, vip: string | Buffer): number;
  sendUnsolicitedNa(t: LinkTarget, vip: string | Buffer, router?: boolean): number;
  close(): void;
}

export class GarpSender implements GarpPort {
  private closed = false;
  private constructor(readonly fd: number) {}

  /** Throws NativeError (EPERM without CAP_NET_RAW). */
  static open(): GarpSender {
    return new GarpSender(native().socket(AF_PACKET, SOCK_RAW, 0));
  }

  private resolve(t: LinkTarget): { ifindex: number; mac: Buffer } {
    const ifindex = t.ifindex ?? native().ifNameToIndex(t.ifname);
    const mac = t.mac ?? interfaceMac(t.ifname);
    if (!mac) throw Object.assign(new Error(`no MAC address for ${t.ifname}`), { errno: 19, code: 'ENODEV', syscall: 'read' });
    return { ifindex, mac };
  }

  /** Send one gratuitous ARP for `vip`; returns bytes sent. Throws NativeError. */
  sendGarp(t: LinkTarget, vip: string | Buffer): number {
    const { ifindex, mac } = this.resolve(t);
    const frame = buildGarpFrame(mac, ipBytes(vip, 4));
    return native().sendtoPacket(this.fd, frame, ifindex, ETHERTYPE_ARP, frame.subarray(0, 6));
  }

  /** Send one unsolicited NA for `vip`; `router` defaults to the interface's forwarding flag. */
  sendUnsolicitedNa(t: LinkTarget, vip: string | Buffer, router?: boolean): number {
    const { ifindex, mac } = this.resolve(t);
    const frame = buildUnsolicitedNaFrame(mac, ipBytes(vip, 16), router ?? ipv6Forwarding(t.ifname));
    return native().sendtoPacket(this.fd, frame, ifindex, ETHERTYPE_IPV6, frame.subarray(0, 6));
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    native().close(this.fd);
  }
}
