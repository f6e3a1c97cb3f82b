/** Fakes of the runtime's ports: netlink, GARP, raw sockets, scripts, files; plus a config helper. */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { loadConfig, vrrpSlice, type VrrpSlice } from '../../../src/config/index';
import { formatIp, parseIp } from '../../../src/lib/ip';
import type { AddrEvent, AddrInfo, AddrSpec, LinkInfo, NetlinkPort } from '../../../src/sys/netlink-rt';
import type { GarpPort, LinkTarget } from '../../../src/sys/garp';
import type { RecvMsg, VrrpSocketPort } from '../../../src/sys/rawsock';
import type { RuntimePorts, ScriptRun, SocketRequest } from '../../../src/vrrp/runtime/ports';
import type { NotifyEvent } from '../../../src/vrrp/runtime/notifier';
import { FakeClock } from '../../fakes/clock';
import { encodeAdvert, encodeIp4Header } from '../../../src/vrrp/packet/advert';

/** Parse a configuration into the VRRP slice; errors fail the test unless `allowErrors` (keepalived only warns for some). */
export function sliceOf(text: string, allowErrors = false): VrrpSlice {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kats-vre-'));
  try {
    const f = path.join(dir, 'keepalived.conf');
    fs.writeFileSync(f, text);
    const r = loadConfig(f, { configId: 'kats', scriptFound: () => true, userExists: () => true });
    const errs = r.diagnostics.filter((d) => d.severity === 'error' || d.severity === 'fatal');
    if (errs.length && !allowErrors) throw new Error(`config errors: ${JSON.stringify(errs)}`);
    return vrrpSlice(r.config);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

export class FakeNetlink implements NetlinkPort {
  addrs: AddrInfo[] = [];
  links: LinkInfo[] = [
    { index: 1, name: 'lo', up: true, running: true },
    { index: 2, name: 'eth0', up: true, running: true, mac: Buffer.from('020000000001', 'hex') },
    { index: 3, name: 'eth1', up: true, running: true, mac: Buffer.from('020000000002', 'hex') },
  ];
  ops: string[] = [];
  private cbs: ((l: LinkInfo) => void)[] = [];
  closed = false;
  constructor() {
    this.addrs.push({ index: 2, family: 4, address: parseIp('10.0.0.1')!.bytes, prefixLen: 24 });
    this.addrs.push({ index: 2, family: 6, address: parseIp('fe80::1')!.bytes, prefixLen: 64 });
  }
  has(text: string): boolean {
    return this.addrs.some((a) => formatIp(a.address) === text);
  }
  async addAddress(a: AddrSpec): Promise<void> {
    this.ops.push(`add ${formatIp(a.address)}/${a.prefixLen}@${a.index}`);
    if (!this.addrs.some((x) => x.index === a.index && x.address.equals(a.address))) this.addrs.push({ index: a.index, family: a.family, address: a.address, prefixLen: a.prefixLen });
  }
  async delAddress(a: AddrSpec): Promise<void> {
    this.ops.push(`del ${formatIp(a.address)}/${a.prefixLen}@${a.index}`);
    this.addrs = this.addrs.filter((x) => !(x.index === a.index && x.address.equals(a.address)));
  }
  async listAddresses(): Promise<AddrInfo[]> {
    return [...this.addrs];
  }
  async listLinks(): Promise<LinkInfo[]> {
    return this.links.map((l) => ({ ...l }));
  }
  onLink(cb: (l: LinkInfo) => void): void {
    this.cbs.push(cb);
  }
  setLink(name: string, up: boolean): void {
    const l = this.links.find((x) => x.name === name)!;
    l.up = up;
    l.running = up;
    for (const cb of this.cbs) cb({ ...l });
  }
  private addrCbs: ((a: AddrEvent) => void)[] = [];
  onAddress(cb: (a: AddrEvent) => void): void {
    this.addrCbs.push(cb);
  }
  /** An address added or removed behind the runtime's back (RTM_NEWADDR / RTM_DELADDR). */
  changeAddress(ifname: string, text: string, deleted: boolean): void {
    const index = this.links.find((x) => x.name === ifname)!.index;
    const a = parseIp(text)!;
    const family = text.includes(':') ? 6 : 4;
    if (deleted) this.addrs = this.addrs.filter((x) => !(x.index === index && x.address.equals(a.bytes)));
    else this.addrs.push({ index, family, address: a.bytes, prefixLen: family === 4 ? 24 : 64 });
    for (const cb of this.addrCbs) cb({ deleted, index, family, address: a.bytes, prefixLen: family === 4 ? 24 : 64 });
  }
  close(): void {
    this.closed = true;
  }
}

export class FakeGarp implements GarpPort {
  sent: string[] = [];
  sendGarp(t: LinkTarget, vip: string | Buffer): number {
    this.sent.push(`arp ${t.ifname} ${String(vip)}`);
    return 42;
  }
  sendUnsolicitedNa(t: LinkTarget, vip: string | Buffer): number {
    this.sent.push(`na ${t.ifname} ${String(vip)}`);
    return 86;
  }
  close(): void {}
}

export interface Sent {
  atUs: number;
  data: Buffer;
  dest: string;
}

export class FakeSocket implements VrrpSocketPort {
  readonly ifindex = 2;
  sent: Sent[] = [];
  groups = new Set<string>();
  closed = false;
  constructor(
    readonly req: SocketRequest,
    readonly deliver: (m: RecvMsg) => void,
    private readonly clock: FakeClock,
  ) {
    for (const g of req.groups) this.groups.add(g);
  }
  get family(): 4 | 6 {
    return this.req.family;
  }
  send(data: Buffer, dest: string | Buffer): number {
    this.sent.push({ atUs: this.clock.nowUs, data: Buffer.from(data), dest: typeof dest === 'string' ? dest : formatIp(dest) });
    return data.length;
  }
  joinGroup(g: string | Buffer): void {
    this.groups.add(typeof g === 'string' ? g : formatIp(g));
  }
  leaveGroup(g: string | Buffer): void {
    this.groups.delete(typeof g === 'string' ? g : formatIp(g));
  }
  setTtl(): void {}
  close(): void {
    this.closed = true;
  }
  /** Priority field of each advert sent (IPv4: after the 20-byte header). */
  priorities(): number[] {
    return this.sent.map((s) => s.data[(this.req.family === 4 ? 20 : 0) + 2]!);
  }
}

/** An IPv4 VRRP advert as received on a raw socket (IP header included). */
export function v4Advert(o: { src: string; vrid: number; priority: number; version?: 2 | 3; intCs?: number; vips: string[]; ttl?: number; pass?: string }): RecvMsg {
  const version = o.version ?? 3;
  const intCs = o.intCs ?? 100;
  const src = parseIp(o.src)!.bytes;
  const dst = parseIp('224.0.0.18')!.bytes;
  const vrrp = encodeAdvert(
    {
      family: 4,
      version,
      vrid: o.vrid,
      priority: o.priority,
      adverInt: version === 2 ? intCs / 100 : intCs,
      addrs: o.vips.map((v) => parseIp(v)!.bytes),
      ...(o.pass !== undefined ? { authType: 1, authData: Buffer.from(o.pass.padEnd(8, '\0')) } : {}),
    },
    { src, dst },
  );
  const hdr = encodeIp4Header({ src, dst, id: 1, payloadLength: vrrp.length, ttl: o.ttl ?? 255 });
  return { data: Buffer.concat([hdr, vrrp]), from: src, ifindex: 2, to: dst, hopLimit: o.ttl ?? 255, scopeId: 0, truncated: false };
}

export class Harness {
  clock = new FakeClock(1_000_000);
  netlink = new FakeNetlink();
  garp = new FakeGarp();
  sockets: FakeSocket[] = [];
  logs: string[] = [];
  notes: NotifyEvent[] = [];
  scriptResults = new Map<string, number>();
  scriptRuns: string[] = [];
  files = new Map<string, string>();
  /** track_file watches by path (FileWatcher port); `noDirs`/`unwatchable`: paths whose watch fails. */
  watches = new Map<string, Set<() => void>>();
  noDirs = new Set<string>();
  unwatchable = new Set<string>();
  procList: { pid: number; comm: string; argv: string[] }[] = [];
  readonly ports: RuntimePorts;
  constructor(detail = true) {
    this.ports = {
      clock: this.clock,
      netlink: this.netlink,
      garp: this.garp,
      openSocket: (req, onMessage) => {
        const s = new FakeSocket(req, onMessage, this.clock);
        this.sockets.push(s);
        return s;
      },
      log: {
        info: (m) => this.logs.push(m),
        warn: (m) => this.logs.push(`WARN ${m}`),
        error: (m) => this.logs.push(`ERROR ${m}`),
        debug: () => undefined,
        detailed: (m) => {
          if (detail) this.logs.push(m);
        },
      },
      notifier: { notify: (e) => this.notes.push(e) },
      scripts: {
        run: (argv): ScriptRun => {
          this.scriptRuns.push(argv.join(' '));
          const code = this.scriptResults.get(argv[0]!) ?? 0;
          return { done: Promise.resolve({ code, signal: null, timedOut: false }), kill: () => undefined };
        },
      },
      files: {
        read: (p) => this.files.get(p),
        create: (p, text, overwrite) => {
          if (overwrite || !this.files.has(p)) this.files.set(p, text);
          return true;
        },
      },
      watcher: {
        watch: (p, onChange) => {
          if (this.noDirs.has(p)) return { error: 'no-dir', message: 'ENOENT' };
          if (this.unwatchable.has(p)) return { error: 'failed', message: 'EMFILE' };
          const set = this.watches.get(p) ?? new Set();
          this.watches.set(p, set);
          set.add(onChange);
          return { close: () => set.delete(onChange) };
        },
      },
      procs: { list: () => this.procList },
    };
  }
  /** Write (or, with undefined, delete) a file and report it to its watches, as inotify would. */
  writeFile(p: string, text: string | undefined): void {
    if (text === undefined) this.files.delete(p);
    else this.files.set(p, text);
    for (const f of [...(this.watches.get(p) ?? [])]) f();
  }
  sock(i = 0): FakeSocket {
    return this.sockets[i]!;
  }
  /** Advance fake time in small steps, letting promise callbacks (netlink, scripts) run in between. */
  async advance(us: number, stepUs = 10_000): Promise<void> {
    const end = this.clock.nowUs + us;
    while (this.clock.nowUs < end) {
      this.clock.advanceTo(Math.min(end, this.clock.nowUs + stepUs));
      await new Promise((r) => setImmediate(r));
    }
  }
  logged(re: RegExp): boolean {
    return this.logs.some((l) => re.test(l));
  }
}
