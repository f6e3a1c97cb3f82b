/**
 * Address monitor for the checker worker (keepalived's "Kernel netlink reflector" in the
 * checker process): the host's interface addresses now, and RTM_NEWADDR / RTM_DELADDR
 * events after that, over the `netlink` npm package. Used by ha_suspend (src/check/ha-suspend.ts).
 *
 * Opened in the network namespace current at construction time. A message that does not
 * decode is dropped (counted in `dropped`), never thrown.
 */
import { createRtNetlink, type RtNetlinkSocket } from 'netlink';
import { parseAddressMessage } from 'netlink/dist/rt/structs';
import type { NetlinkMessage } from 'netlink/dist/structs';
import { formatIp } from '../lib/ip';

/** One address change: `address` is the textual address (no prefix), as ip(8) prints it. */
export interface AddrEvent {
  added: boolean;
  family: 4 | 6;
  address: string;
}

/** The port the checker engine uses (src/check/ha-suspend.ts); tests fake it. */
export interface AddrMonitorPort {
  /** Addresses present now (all interfaces). */
  list(): Promise<Array<{ family: 4 | 6; address: string }>>;
  /** Address added/removed events from the kernel. */
  onChange(cb: (e: AddrEvent) => void): void;
  close(): void;
}

const AF_INET = 2;
const AF_INET6 = 10;
const RTM_NEWADDR = 20;
const RTM_DELADDR = 21;

function decode(type: number, data: Buffer): AddrEvent | undefined {
  if (type !== RTM_NEWADDR && type !== RTM_DELADDR) return undefined;
  let m;
  try {
    m = parseAddressMessage(data);
  } catch {
    return undefined;
  }
  const fam = m.data.family === AF_INET ? 4 : m.data.family === AF_INET6 ? 6 : 0;
  const a = m.attrs.local ?? m.attrs.address;
  if (!fam || !a || a.length !== (fam === 4 ? 4 : 16)) return undefined;
  return { added: type === RTM_NEWADDR, family: fam, address: formatIp(a) };
}

export class NetlinkAddrMonitor implements AddrMonitorPort {
  private readonly sock: RtNetlinkSocket;
  private readonly events: RtNetlinkSocket;
  private closed = false;
  private readonly cbs: Array<(e: AddrEvent) => void> = [];
  /** Undecodable address messages seen. */
  dropped = 0;

  constructor() {
    // both sockets now: the namespace is the one current at construction
    this.sock = createRtNetlink();
    this.events = createRtNetlink();
    this.events.addMembership('IPV4_IFADDR');
    this.events.addMembership('IPV6_IFADDR');
    // the raw socket keeps the message type (NEW vs DEL), which the parsed 'message' event drops
    this.events.socket.on('message', (msgs: NetlinkMessage[]) => {
      for (const x of msgs) {
        if (x.type !== RTM_NEWADDR && x.type !== RTM_DELADDR) continue;
        const e = decode(x.type, x.data);
        if (!e) {
          this.dropped++;
          continue;
        }
        for (const f of this.cbs) f(e);
      }
    });
  }

  async list(): Promise<Array<{ family: 4 | 6; address: string }>> {
    const out: Array<{ family: 4 | 6; address: string }> = [];
    for (const m of await this.sock.getAddresses()) {
      const fam = m.data.family === AF_INET ? 4 : m.data.family === AF_INET6 ? 6 : 0;
      const a = m.attrs.local ?? m.attrs.address;
      if (!fam || !a || a.length !== (fam === 4 ? 4 : 16)) continue;
      out.push({ family: fam, address: formatIp(a) });
    }
    return out;
  }

  onChange(cb: (e: AddrEvent) => void): void {
    this.cbs.push(cb);
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.sock.socket.close();
    this.events.socket.close();
  }
}
