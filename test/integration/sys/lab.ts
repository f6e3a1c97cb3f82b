/** Shared setup for sys integration tests: a two-host lab with IPv4, IPv6 (no DAD) and MACs. */
import { Lab, type Netns } from '../../helpers/netns';
import { parseIp } from '../../../src/lib/ip';

export interface Host {
  ns: Netns;
  mac: Buffer;
  linkLocal: string;
  ifindex: number;
}

export async function hostInfo(ns: Netns, ifname = 'eth0'): Promise<Host> {
  const r = await ns.exec(['ip', '-j', 'addr', 'show', 'dev', ifname]);
  const j = JSON.parse(r.stdout) as { ifindex: number; address: string; addr_info: { family: string; local: string; scope: string }[] }[];
  const l = j[0]!;
  const ll = l.addr_info.find((a) => a.family === 'inet6' && a.scope === 'link');
  if (!ll) throw new Error(`no link-local address on ${ns.name} ${ifname}`);
  return { ns, mac: Buffer.from(l.address.replace(/:/g, ''), 'hex'), linkLocal: ll.local, ifindex: l.ifindex };
}

/** Hosts whose eth0 comes up without IPv6 DAD, so link-local addresses are usable at once. */
export async function twoHosts(tag: string, a: string[], b: string[]): Promise<{ lab: Lab; A: Host; B: Host }> {
  const lab = await Lab.create(tag);
  try {
    const hosts: Host[] = [];
    for (const [name, addrs] of [['a', a], ['b', b]] as const) {
      const ns = await lab.host(name);
      await ns.exec(['ip', 'link', 'set', 'eth0', 'down']);
      await ns.exec(['sysctl', '-qw', 'net.ipv6.conf.eth0.accept_dad=0']);
      for (const x of addrs) await ns.exec(['ip', 'addr', 'add', x, 'dev', 'eth0', ...(x.includes(':') ? ['nodad'] : [])]);
      await ns.exec(['ip', 'link', 'set', 'eth0', 'up']);
      hosts.push(await hostInfo(ns));
    }
    return { lab, A: hosts[0]!, B: hosts[1]! };
  } catch (e) {
    await lab.dispose();
    throw e;
  }
}

export async function waitFor(cond: () => boolean, ms = 5000, what = 'condition'): Promise<void> {
  const t0 = Date.now();
  while (!cond()) {
    if (Date.now() - t0 > ms) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** Independent VRRPv2 advert builder (RFC 3768 §5): one address, no auth. */
export function v2Advert(vrid: number, prio: number, vip: string): Buffer {
  const b = Buffer.alloc(20);
  b[0] = 0x21;
  b[1] = vrid;
  b[2] = prio;
  b[3] = 1;
  b[4] = 0;
  b[5] = 1;
  parseIp(vip)!.bytes.copy(b, 8);
  let s = 0;
  for (let i = 0; i < b.length; i += 2) s += b.readUInt16BE(i);
  while (s > 0xffff) s = (s & 0xffff) + (s >>> 16);
  b.writeUInt16BE(~s & 0xffff, 6);
  return b;
}
