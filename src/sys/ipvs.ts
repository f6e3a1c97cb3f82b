/**
 * IPVS port over generic netlink: a `GenlSocket` (netlink socket from the addon, polled on
 * the main loop, requests matched to replies by sequence number) and `IpvsClient`, one
 * method per kernel command. Wire format lives in ./ipvs-codec (pure, golden-tested).
 *
 * Errors reject with IpvsError {errno, code ('EEXIST', 'ESRCH'…), syscall: 'netlink', cmd,
 * message (the kernel's extended ACK text when it gives one)}. Loading ip_vs (modprobe) when
 * the family is missing (ENOENT from open()) is the caller's policy, as in keepalived.
 */
import { constants as osConstants } from 'node:os';
import {
  decodeFamily, decodeIpvsMessage, decodeNlError, decodeNlmsgs, encodeGetFamily, encodeIpvsRequest, GENL_ID_CTRL,
  IPVS_GENL_NAME, IpvsCmd, NETLINK_CAP_ACK, NETLINK_EXT_ACK, NETLINK_GENERIC, NLM_F_ACK, NLM_F_DUMP, NLM_F_REQUEST,
  NLMSG_DONE, NLMSG_ERROR, NLMSG_NOOP, NLMSG_OVERRUN, SOL_NETLINK,
  destEntry, keyOf, serviceEntry,
  type IpvsDaemon, type IpvsDest, type IpvsServiceKey, type IpvsInfo, type IpvsReply, type IpvsRequestBody, type IpvsService, type IpvsTimeouts,
  type NlMessage,
} from './ipvs-codec';
import { native, type PollHandle } from './native';
import { AF_NETLINK, POLL_READABLE, SOCK_RAW } from './sockconst';

export * from './ipvs-codec';

const ERRNO_NAMES = new Map<number, string>(Object.entries(osConstants.errno).map(([k, v]) => [v, k]));

/** NEW_DAEMON / DEL_DAEMON reply only once the kernel has started or stopped its sync threads. */
const DAEMON_TIMEOUT_MS = 30_000;

export class IpvsError extends Error {
  readonly syscall = 'netlink';
  constructor(
    readonly errno: number,
    readonly code: string,
    readonly cmd: number,
    message: string,
  ) {
    super(message);
    this.name = 'IpvsError';
  }
}

function errnoError(errno: number, cmd: number, extra?: string): IpvsError {
  const code = ERRNO_NAMES.get(errno) ?? `E${errno}`;
  return new IpvsError(errno, code, cmd, `netlink cmd ${cmd}: ${code}${extra ? ` (${extra})` : ''}`);
}

interface Pending {
  cmd: number;
  replies: NlMessage[];
  resolve(r: NlMessage[]): void;
  reject(e: Error): void;
  timer: NodeJS.Timeout;
}

/** A generic netlink socket: send a request, get all its reply messages (until ACK or DONE). */
export class GenlSocket {
  private seq = Math.floor(Math.random() * 0x7fffffff);
  private readonly pending = new Map<number, Pending>();
  private poll: PollHandle | undefined;
  private closed = false;

  private constructor(
    readonly fd: number,
    readonly portId: number,
    private readonly timeoutMs: number,
  ) {}

  static open(timeoutMs = 5000): GenlSocket {
    const n = native();
    const fd = n.socket(AF_NETLINK, SOCK_RAW, NETLINK_GENERIC);
    try {
      for (const opt of [NETLINK_EXT_ACK, NETLINK_CAP_ACK]) {
        try {
          n.setsockoptInt(fd, SOL_NETLINK, opt, 1);
        } catch {
          /* older kernel: plain errors */
        }
      }
      const s = new GenlSocket(fd, n.bindNetlink(fd, 0), timeoutMs);
      s.poll = n.poll(fd, POLL_READABLE, () => s.onReadable());
      s.poll.unref();
      return s;
    } catch (e) {
      n.close(fd);
      throw e;
    }
  }

  nextSeq(): number {
    this.seq = (this.seq + 1) >>> 0 || 1;
    return this.seq;
  }

  /** Send `msg` (built with sequence number `seq`) and collect the replies (`timeoutMs` overrides the socket's). */
  request(msg: Buffer, seq: number, cmd: number, timeoutMs = this.timeoutMs): Promise<NlMessage[]> {
    if (this.closed) return Promise.reject(errnoError(9, cmd, 'socket closed'));
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.finish(seq);
        reject(errnoError(osConstants.errno.ETIMEDOUT, cmd, 'no reply'));
      }, timeoutMs);
      this.pending.set(seq, { cmd, replies: [], resolve, reject, timer });
      this.poll?.ref();
      try {
        native().send(this.fd, msg);
      } catch (e) {
        this.finish(seq);
        reject(e);
      }
    });
  }

  private finish(seq: number): Pending | undefined {
    const p = this.pending.get(seq);
    if (!p) return undefined;
    clearTimeout(p.timer);
    this.pending.delete(seq);
    if (this.pending.size === 0) this.poll?.unref();
    return p;
  }

  private onReadable(): void {
    const n = native();
    for (let i = 0; i < 256 && !this.closed; i++) {
      let m;
      try {
        m = n.recvmsg(this.fd, 1 << 16);
      } catch (e) {
        // ENOBUFS: replies were lost; fail everything outstanding
        for (const seq of [...this.pending.keys()]) this.finish(seq)?.reject(e as Error);
        return;
      }
      if (!m) return;
      const msgs = decodeNlmsgs(m.data);
      if (!msgs.ok) continue; // malformed datagram from the kernel: nothing to match it to
      for (const x of msgs.value) this.dispatch(x, m.truncated);
    }
  }

  private dispatch(x: NlMessage, truncated: boolean): void {
    const p = this.pending.get(x.seq);
    if (!p) return;
    if (truncated) {
      this.finish(x.seq);
      p.reject(errnoError(osConstants.errno.EMSGSIZE, p.cmd, 'reply truncated'));
      return;
    }
    switch (x.type) {
      case NLMSG_NOOP:
        return;
      case NLMSG_ERROR: {
        const e = decodeNlError(x);
        this.finish(x.seq);
        if (!e.ok) p.reject(errnoError(osConstants.errno.EPROTO, p.cmd, e.error));
        else if (e.value.errno === 0) p.resolve(p.replies);
        else p.reject(errnoError(e.value.errno, p.cmd, e.value.message));
        return;
      }
      case NLMSG_DONE:
        this.finish(x.seq);
        p.resolve(p.replies);
        return;
      case NLMSG_OVERRUN:
        this.finish(x.seq);
        p.reject(errnoError(osConstants.errno.EOVERFLOW, p.cmd, 'overrun'));
        return;
      default:
        p.replies.push(x);
    }
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const seq of [...this.pending.keys()]) this.finish(seq)?.reject(errnoError(9, 0, 'socket closed'));
    this.poll?.stop();
    native().close(this.fd);
  }
}


/** The IPVS port: what the health-check worker needs; IpvsClient implements it, tests fake it. */
export interface IpvsPort {
  info(): Promise<IpvsInfo>;
  getServices(): Promise<IpvsService[]>;
  getService(key: IpvsServiceKey): Promise<IpvsService>;
  addService(s: IpvsService): Promise<void>;
  editService(s: IpvsService): Promise<void>;
  delService(key: IpvsServiceKey | IpvsService): Promise<void>;
  getDests(svc: IpvsServiceKey): Promise<IpvsDest[]>;
  addDest(svc: IpvsServiceKey, d: IpvsDest): Promise<void>;
  editDest(svc: IpvsServiceKey, d: IpvsDest): Promise<void>;
  delDest(svc: IpvsServiceKey, d: Pick<IpvsDest, 'addr' | 'port' | 'addrFamily'>): Promise<void>;
  flush(): Promise<void>;
  zero(svc?: IpvsServiceKey): Promise<void>;
  getTimeouts(): Promise<IpvsTimeouts>;
  setTimeouts(t: IpvsTimeouts): Promise<void>;
  getDaemons(): Promise<IpvsDaemon[]>;
  startDaemon(d: IpvsDaemon): Promise<void>;
  stopDaemon(state: number): Promise<void>;
  close(): void;
}

export class IpvsClient implements IpvsPort {
  private constructor(
    private readonly sock: GenlSocket,
    readonly familyId: number,
  ) {}

  /** Open a genl socket and resolve the IPVS family. Rejects ENOENT when ip_vs is not loaded. */
  static async open(timeoutMs = 5000): Promise<IpvsClient> {
    const sock = GenlSocket.open(timeoutMs);
    try {
      const seq = sock.nextSeq();
      const r = await sock.request(encodeGetFamily(IPVS_GENL_NAME, seq), seq, 0);
      for (const m of r) {
        if (m.type !== GENL_ID_CTRL) continue;
        const f = decodeFamily(m);
        if (f.ok) return new IpvsClient(sock, f.value.id);
      }
      throw errnoError(osConstants.errno.ENOENT, 0, 'no IPVS family in reply');
    } catch (e) {
      sock.close();
      throw e;
    }
  }

  /** One IPVS command; returns the decoded replies (non-IPVS or undecodable ones are dropped). */
  async command(cmd: number, body: IpvsRequestBody = {}, dump = false): Promise<IpvsReply[]> {
    const seq = this.sock.nextSeq();
    const flags = NLM_F_REQUEST | (dump ? NLM_F_DUMP : NLM_F_ACK);
    // starting or stopping a sync daemon waits in the kernel for its thread (kthread_stop), which
    // took over 5 s once in the emulated test VM under load: give those more time
    const slow = cmd === IpvsCmd.NEW_DAEMON || cmd === IpvsCmd.DEL_DAEMON;
    const msgs = await this.sock.request(encodeIpvsRequest(this.familyId, cmd, seq, flags, body, this.sock.portId), seq, cmd, slow ? DAEMON_TIMEOUT_MS : undefined);
    const out: IpvsReply[] = [];
    for (const m of msgs) {
      if (m.type !== this.familyId) continue;
      const r = decodeIpvsMessage(m);
      if (r.ok) out.push(r.value);
    }
    return out;
  }

  async info(): Promise<IpvsInfo> {
    const r = await this.command(IpvsCmd.GET_INFO);
    const i = r.find((x) => x.info)?.info;
    if (!i) throw errnoError(osConstants.errno.EPROTO, IpvsCmd.GET_INFO, 'no info in reply');
    return i;
  }

  async getServices(): Promise<IpvsService[]> {
    return (await this.command(IpvsCmd.GET_SERVICE, {}, true)).flatMap((r) => (r.service ? [r.service] : []));
  }

  /** One service by key; rejects ESRCH if it does not exist. */
  async getService(key: IpvsServiceKey): Promise<IpvsService> {
    const r = await this.command(IpvsCmd.GET_SERVICE, { service: keyOf(key) });
    const s = r.find((x) => x.service)?.service;
    if (!s) throw errnoError(osConstants.errno.ESRCH, IpvsCmd.GET_SERVICE);
    return s;
  }

  async addService(s: IpvsService): Promise<void> {
    await this.command(IpvsCmd.NEW_SERVICE, { service: serviceEntry(s, false) });
  }

  async editService(s: IpvsService): Promise<void> {
    await this.command(IpvsCmd.SET_SERVICE, { service: serviceEntry(s, false) });
  }

  /** Delete a service; like keepalived, the full entry is sent when a scheduler is given. */
  async delService(key: IpvsServiceKey | IpvsService): Promise<void> {
    const s = key as IpvsService;
    await this.command(IpvsCmd.DEL_SERVICE, { service: s.schedName ? serviceEntry(s, false) : keyOf(key) });
  }

  async getDests(svc: IpvsServiceKey): Promise<IpvsDest[]> {
    return (await this.command(IpvsCmd.GET_DEST, { service: keyOf(svc) }, true)).flatMap((r) => (r.dest ? [r.dest] : []));
  }

  async addDest(svc: IpvsServiceKey, d: IpvsDest): Promise<void> {
    await this.command(IpvsCmd.NEW_DEST, { service: serviceEntry(svc, true), dest: destEntry(d) });
  }

  async editDest(svc: IpvsServiceKey, d: IpvsDest): Promise<void> {
    await this.command(IpvsCmd.SET_DEST, { service: serviceEntry(svc, true), dest: destEntry(d) });
  }

  async delDest(svc: IpvsServiceKey, d: Pick<IpvsDest, 'addr' | 'port' | 'addrFamily'>): Promise<void> {
    await this.command(IpvsCmd.DEL_DEST, { service: serviceEntry(svc, true), dest: destEntry({ ...d }) });
  }

  /** Remove every service (ipvsadm -C). */
  async flush(): Promise<void> {
    await this.command(IpvsCmd.FLUSH);
  }

  /** Zero counters of one service, or of all (ipvsadm -Z). */
  async zero(svc?: IpvsServiceKey): Promise<void> {
    await this.command(IpvsCmd.ZERO, svc ? { service: serviceEntry(svc, true) } : {});
  }

  async getTimeouts(): Promise<IpvsTimeouts> {
    const r = await this.command(IpvsCmd.GET_CONFIG);
    return r.find((x) => x.timeouts)?.timeouts ?? {};
  }

  /** ipvsadm --set; 0 leaves a value unchanged. */
  async setTimeouts(t: IpvsTimeouts): Promise<void> {
    await this.command(IpvsCmd.SET_CONFIG, { timeouts: { tcp: t.tcp ?? 0, tcpFin: t.tcpFin ?? 0, udp: t.udp ?? 0 } });
  }

  async getDaemons(): Promise<IpvsDaemon[]> {
    return (await this.command(IpvsCmd.GET_DAEMON, {}, true)).flatMap((r) => (r.daemon ? [r.daemon] : []));
  }

  async startDaemon(d: IpvsDaemon): Promise<void> {
    await this.command(IpvsCmd.NEW_DAEMON, { daemon: d });
  }

  async stopDaemon(state: number): Promise<void> {
    await this.command(IpvsCmd.DEL_DAEMON, { daemon: { state } });
  }

  close(): void {
    this.sock.close();
  }
}
