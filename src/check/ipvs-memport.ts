/**
 * An IpvsPort that keeps the table in memory: the `--dry-run` port (machines without IPVS:
 * every change is logged in ipvsadm syntax and nothing reaches a kernel) and the fake of the
 * unit tests. Behaves like the kernel for the errors the engine meets: EEXIST on a second
 * add, ESRCH for an unknown service, ENOENT for an unknown destination.
 */
import type { IpvsDaemon, IpvsDest, IpvsInfo, IpvsService, IpvsServiceKey, IpvsTimeouts } from '../sys/ipvs-codec';
import type { IpvsPort } from '../sys/ipvs';
import { destKey, serviceKey, type IpvsOp } from './ipvs-reconcile';
import { AF_INET6 } from './ipvs-model';
import { formatIp } from '../lib/ip';

export class MemIpvsError extends Error {
  readonly syscall = 'netlink';
  constructor(
    readonly errno: number,
    readonly code: string,
  ) {
    super(`netlink: ${code}`);
  }
}

const PROTO_OPT: Record<number, string> = { 6: '-t', 17: '-u', 132: '--sctp-service' };
const FWD_OPT: Record<number, string> = { 0: '-m', 2: '-i', 3: '-g' };

function addrPort(addr: Buffer | undefined, port: number | undefined): string {
  if (!addr) return `?:${port ?? 0}`;
  const a = formatIp(addr);
  return addr.length === 16 ? `[${a}]:${port ?? 0}` : `${a}:${port ?? 0}`;
}

/** `-t 10.0.0.1:80` / `-f 5` for a service. */
export function formatServiceArg(s: IpvsServiceKey): string {
  if (s.fwmark) return `-f ${s.fwmark}${s.af === AF_INET6 ? ' -6' : ''}`;
  return `${PROTO_OPT[s.protocol ?? 6] ?? `-P${s.protocol}`} ${addrPort(s.addr, s.port)}`;
}

/** One operation as the ipvsadm command that would do it (dry-run log lines). */
export function formatOp(o: IpvsOp): string {
  const svc = formatServiceArg(o.svc);
  const sopts = (s: IpvsService): string => {
    let x = ` -s ${s.schedName ?? 'wlc'}`;
    if ((s.flags?.flags ?? 0) & 1) x += ` -p ${s.timeout ?? 0}`;
    if (s.netmask !== undefined && s.netmask !== (s.af === AF_INET6 ? 128 : 0xffffffff)) x += ` -M ${s.af === AF_INET6 ? s.netmask : formatIp(Buffer.from([s.netmask >>> 24, (s.netmask >>> 16) & 255, (s.netmask >>> 8) & 255, s.netmask & 255]))}`;
    if (s.peName) x += ` --pe ${s.peName}`;
    const sf = (s.flags?.flags ?? 0) & ~1;
    if (sf) x += ` -b 0x${sf.toString(16)}`;
    return x;
  };
  const dopts = (d: IpvsDest): string => {
    let x = ` -r ${addrPort(d.addr, d.port)} ${FWD_OPT[(d.fwdMethod ?? 0) & 7] ?? '-m'} -w ${d.weight ?? 1}`;
    if (d.uThreshold) x += ` -x ${d.uThreshold}`;
    if (d.lThreshold) x += ` -y ${d.lThreshold}`;
    if (d.tunType) x += ` --tun-type ${['ipip', 'gue', 'gre'][d.tunType] ?? d.tunType}`;
    if (d.tunPort) x += ` --tun-port ${d.tunPort}`;
    return x;
  };
  switch (o.op) {
    case 'addService':
      return `ipvsadm -A ${svc}${sopts(o.svc)}`;
    case 'editService':
      return `ipvsadm -E ${svc}${sopts(o.svc)}`;
    case 'delService':
      return `ipvsadm -D ${svc}`;
    case 'addDest':
      return `ipvsadm -a ${svc}${dopts(o.dest)}`;
    case 'editDest':
      return `ipvsadm -e ${svc}${dopts(o.dest)}`;
    case 'delDest':
      return `ipvsadm -d ${svc} -r ${addrPort(o.dest.addr, o.dest.port)}`;
  }
}

interface Entry {
  svc: IpvsService;
  dests: Map<string, IpvsDest>;
}

export class MemIpvsPort implements IpvsPort {
  readonly services = new Map<string, Entry>();
  timeouts: IpvsTimeouts = { tcp: 900, tcpFin: 120, udp: 300 };
  daemons: IpvsDaemon[] = [];
  /** Every call, as an op-like record (tests read it). */
  readonly calls: string[] = [];

  constructor(private readonly onChange?: (line: string) => void) {}

  private note(line: string): void {
    this.calls.push(line);
    this.onChange?.(line);
  }

  private get(key: IpvsServiceKey): Entry {
    const e = this.services.get(serviceKey(key));
    if (!e) throw new MemIpvsError(3, 'ESRCH');
    return e;
  }

  async info(): Promise<IpvsInfo> {
    return { version: 0x010201, connTabSize: 4096 } as IpvsInfo;
  }
  async getServices(): Promise<IpvsService[]> {
    return [...this.services.values()].map((e) => ({ ...e.svc }));
  }
  async getService(key: IpvsServiceKey): Promise<IpvsService> {
    return { ...this.get(key).svc };
  }
  async addService(s: IpvsService): Promise<void> {
    const k = serviceKey(s);
    if (this.services.has(k)) throw new MemIpvsError(17, 'EEXIST');
    this.services.set(k, { svc: { ...s }, dests: new Map() });
    this.note(formatOp({ op: 'addService', svc: s }));
  }
  async editService(s: IpvsService): Promise<void> {
    this.get(s).svc = { ...s };
    this.note(formatOp({ op: 'editService', svc: s }));
  }
  async delService(key: IpvsServiceKey | IpvsService): Promise<void> {
    this.get(key);
    this.services.delete(serviceKey(key));
    this.note(formatOp({ op: 'delService', svc: key as IpvsService }));
  }
  async getDests(svc: IpvsServiceKey): Promise<IpvsDest[]> {
    return [...this.get(svc).dests.values()].map((d) => ({ ...d }));
  }
  async addDest(svc: IpvsServiceKey, d: IpvsDest): Promise<void> {
    const e = this.get(svc);
    if (e.dests.has(destKey(d))) throw new MemIpvsError(17, 'EEXIST');
    e.dests.set(destKey(d), { ...d });
    this.note(formatOp({ op: 'addDest', svc: svc as IpvsService, dest: d }));
  }
  async editDest(svc: IpvsServiceKey, d: IpvsDest): Promise<void> {
    const e = this.get(svc);
    if (!e.dests.has(destKey(d))) throw new MemIpvsError(2, 'ENOENT');
    e.dests.set(destKey(d), { ...d });
    this.note(formatOp({ op: 'editDest', svc: svc as IpvsService, dest: d }));
  }
  async delDest(svc: IpvsServiceKey, d: Pick<IpvsDest, 'addr' | 'port' | 'addrFamily'>): Promise<void> {
    const e = this.get(svc);
    if (!e.dests.delete(destKey(d))) throw new MemIpvsError(2, 'ENOENT');
    this.note(formatOp({ op: 'delDest', svc: svc as IpvsService, dest: d as IpvsDest }));
  }
  async flush(): Promise<void> {
    this.services.clear();
    this.note('ipvsadm -C');
  }
  async zero(): Promise<void> {
    /* no counters */
  }
  async getTimeouts(): Promise<IpvsTimeouts> {
    return { ...this.timeouts };
  }
  async setTimeouts(t: IpvsTimeouts): Promise<void> {
    this.timeouts = { tcp: t.tcp || this.timeouts.tcp, tcpFin: t.tcpFin || this.timeouts.tcpFin, udp: t.udp || this.timeouts.udp };
    this.note(`ipvsadm --set ${t.tcp ?? 0} ${t.tcpFin ?? 0} ${t.udp ?? 0}`);
  }
  async getDaemons(): Promise<IpvsDaemon[]> {
    return [...this.daemons];
  }
  async startDaemon(d: IpvsDaemon): Promise<void> {
    this.daemons.push(d);
  }
  async stopDaemon(state: number): Promise<void> {
    this.daemons = this.daemons.filter((d) => d.state !== state);
  }
  close(): void {
    /* nothing held */
  }

  /** The table as `ipvsadm -Ln`-like lines (tests, dumps). */
  listing(): string[] {
    const out: string[] = [];
    for (const e of this.services.values()) {
      out.push(formatOp({ op: 'addService', svc: e.svc }).replace('ipvsadm -A ', ''));
      for (const d of e.dests.values()) out.push(`  -> ${formatOp({ op: 'addDest', svc: e.svc, dest: d }).replace(/^.* -r /, '')}`);
    }
    return out;
  }
}
