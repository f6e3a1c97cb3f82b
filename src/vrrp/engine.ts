/**
 * DOC: the VRRP worker engine (issue #4), loaded by src/workers/entry.ts as `createEngine`.
 *
 * Files
 *   engine.ts            wires the real ports into the runtime: raw sockets (sys/rawsock.ts),
 *                        rtnetlink (sys/netlink-rt.ts: addresses, links + events, routes, rules,
 *                        macvlan), GARP/NA (sys/garp.ts), the heap clock (sys/clock.ts), script
 *                        execution (sys/exec.ts), /proc (sys/procfs.ts), track_file watches
 *                        (sys/filewatch.ts: inotify on the file's directory).
 *   runtime/runtime.ts   VrrpRuntime: instances, socket demux by VRID per interface+family, FSM
 *                        timers on the Clock, action executor, VIPs/routes/rules, GARP pacing,
 *                        trackers, sync groups, use_vmac, static addresses/routes/rules, reload
 *                        diff, keepalived.data/.stats/.json dumps.
 *   runtime/trackers.ts  tracker arithmetic (weights, reverse, clamping) as keepalived's vrrp_track.c.
 *   runtime/routes.ts    virtual/static routes and rules -> rtnetlink requests.
 *   runtime/notifier.ts  Notifier port (notify scripts/FIFO/SMTP run in the parent; default: logs
 *                        above -D only).
 *   runtime/ports.ts     the port interfaces (fakes in test/unit/vrrp-engine/fakes.ts).
 *   ../sys/nftables.ts   no_accept / strict: keepalived's `keepalived` nftables tables (DROP of the
 *                        VIPs while a non-owner instance is MASTER) and use_vmac's multicast
 *                        report rules, through the nft program.
 *
 * Verified against keepalived 2.2.7 in namespaces (test/interop/*): election both ways,
 * preemption, nopreempt, preempt_delay, priority-0 and SIGKILL failover times, GARP/NA moving
 * the client's neighbour entry, v2 1 s, v3 100/50 ms, IPv6, unicast, PASS auth, tracking,
 * sync groups, SIGHUP VIP changes without a flap, virtual/static routes and rules, use_vmac
 * (IPv4 and IPv6); unit-tested with fakes against keepalived's log lines and dump formats
 * (test/unit/vrrp-engine/*). Cost: 100 instances at 100 ms (1000 adverts/s) ≈ 1.5 % of a core.
 *
 * Deviations: vrrp_track_process polls /proc once a second (keepalived: proc connector, which
 * does not work inside a network namespace); a reload that changes an instance's identity
 * (interface, family, VRID, version, unicast peers, VMAC, source or group address) recreates it,
 * other changes keep its state. A VIP deleted behind a sync group member's back moves the other
 * members to BACKUP with a full master-down interval (keepalived: the skew time for all).
 * Interfaces and addresses are followed through netlink events as 2.2.7 does (observed; the
 * same with and without dynamic_interfaces once running): an interface deleted -> FAULT and its
 * sockets closed, created again -> sockets reopened on the new ifindex and VMACs on it created
 * again; without dynamic_interfaces a missing interface at start is a CONFIG error; the advert source is the
 * interface's first address and moves to another one when it goes, no address -> FAULT
 * (track_src_ip: also for a configured source); a master's VIP deleted -> BACKUP, priority 0,
 * MASTER again after the skew time (VIPs restored).
 * Firewall: nftables as Debian's 2.2.7 (sys/nftables.ts): no_accept/strict drop rules and
 * use_vmac's IGMP/MLD rules, tables compared with 2.2.7's in namespaces.
 * Not implemented: vrrp_iptables / vrrp_ipsets (Debian's 2.2.7 is built with nftables only),
 * track_process delay/terminate_delay/fork_delay, track_bfd.
 */
import type { EngineContext, WorkerEngine } from '../workers/engine';
import type { VrrpSlice } from '../config/index';
import { RealClock } from '../sys/clock';
import { execArgv } from '../sys/exec';
import { listProcesses, readTextFile, sysctlGet, sysctlSet } from '../sys/procfs';
import { GarpSender } from '../sys/garp';
import { DirFileWatcher, createTrackFile } from '../sys/filewatch';
import { RtNetlink } from '../sys/netlink-rt';
import { NftFirewall } from '../sys/nftables';
import { VrrpRawSocket } from '../sys/rawsock';
import { LogNotifier, type Notifier } from './runtime/notifier';
import type { RuntimePorts } from './runtime/ports';
import { VrrpRuntime } from './runtime/runtime';
import { LvsSyncd } from '../check/lvs-syncd';

function isSlice(x: unknown): x is VrrpSlice {
  return !!x && typeof x === 'object' && Array.isArray((x as VrrpSlice).vrrpInstances) && typeof (x as VrrpSlice).global === 'object';
}

export class VrrpEngine implements WorkerEngine {
  private rt: VrrpRuntime | undefined;
  /** lvs_sync_daemon: the IPVS sync daemon follows its instance's state (keepalived drives it from VRRP). */
  private syncd: LvsSyncd | undefined;

  constructor(
    private readonly ctx: EngineContext,
    private readonly notifier?: Notifier,
  ) {}

  private ports(): RuntimePorts {
    const log = this.ctx.log;
    const clock = new RealClock();
    return {
      clock,
      netlink: new RtNetlink(),
      garp: GarpSender.open(),
      openSocket: (req, onMessage) =>
        VrrpRawSocket.open(
          { family: req.family, ifname: req.ifname, groups: req.groups, hdrincl: req.hdrincl, sendOnly: req.sendOnly ?? false, ...(req.rcvBuf ? { rcvBuf: req.rcvBuf } : {}), ...(req.protocol ? { protocol: req.protocol } : {}) },
          { onMessage, onError: (e) => log.detailed(`VRRP socket error on ${req.ifname}: ${e.message}`, 2) },
        ),
      log: {
        info: (m) => log.info(m),
        warn: (m) => log.warn(m),
        error: (m) => log.error(m),
        // keepalived has no such lines: only shown with more detail than -D gives
        debug: (m) => log.detailed(m, 2),
        detailed: (m) => log.detailed(m),
      },
      notifier: followedBySyncd(this.notifier ?? (this.ctx.notify ? { notify: this.ctx.notify } : new LogNotifier((m) => log.detailed(m, 2))), () => this.syncd),
      scripts: { run: (argv, o) => execArgv(argv, o) },
      sysctl: { get: sysctlGet, set: sysctlSet },
      procs: { list: listProcesses },
      files: { read: readTextFile, create: createTrackFile },
      watcher: new DirFileWatcher(),
      firewall: (o) => NftFirewall.open(o, (m) => log.error(m)),
    };
  }

  async start(slice: unknown): Promise<void> {
    if (!isSlice(slice)) throw new Error('VRRP engine: malformed configuration slice');
    this.syncd = LvsSyncd.fromGlobal(slice.global.lvsSyncDaemon, { error: (m) => this.ctx.log.error(m) });
    this.rt = new VrrpRuntime(this.ports(), { dontReleaseVrrp: this.ctx.settings.dontReleaseVrrp });
    await this.rt.start(slice);
  }

  async reload(slice: unknown): Promise<void> {
    if (!isSlice(slice)) throw new Error('VRRP engine: malformed configuration slice');
    if (!this.rt) return this.start(slice);
    if (this.syncd) await this.syncd.reload(slice.global.lvsSyncDaemon);
    else this.syncd = LvsSyncd.fromGlobal(slice.global.lvsSyncDaemon, { error: (m) => this.ctx.log.error(m) });
    await this.rt.reload(slice);
    this.seedSyncd();
  }

  /** A sync daemon configured by a reload starts in its instance's current state. */
  private seedSyncd(): void {
    const s = this.syncd;
    const name = s?.instance;
    if (!s || name === undefined || s.current !== 0 || !this.rt) return;
    const names = ['BACKUP', 'BACKUP', 'MASTER', 'FAULT'];
    for (const e of this.rt.dumpJson() as Array<{ data?: { iname?: string; state?: number } }>) {
      const d = e.data;
      if (d?.iname === name && d.state !== undefined) void s.onState(name, names[d.state] ?? 'BACKUP');
    }
  }

  async stop(): Promise<void> {
    await this.rt?.stop();
    await this.syncd?.stop();
  }

  dumpData(): string {
    return this.rt?.dumpData() ?? '';
  }

  dumpStats(): string {
    return this.rt?.dumpStats() ?? '';
  }

  clearStats(): void {
    this.rt?.clearStats();
  }

  dumpJson(): unknown {
    return this.rt?.dumpJson() ?? [];
  }
}

/** A notifier that also tells the sync daemon (when configured) every instance state change. */
export function followedBySyncd(base: Notifier, syncd: () => Pick<LvsSyncd, 'onState'> | undefined): Notifier {
  return {
    notify(ev) {
      if (ev.kind === 'instance') void syncd()?.onState(ev.name, ev.state);
      base.notify(ev);
    },
  };
}

export function createEngine(ctx: EngineContext): WorkerEngine {
  return new VrrpEngine(ctx);
}
