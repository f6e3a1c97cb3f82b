/**
 * The typed AST of keepalived.conf (everything except the LVS side, which is ast-lvs.ts).
 *
 * Conventions:
 *  - every value a keyword can set is a field; defaults are applied explicitly by the
 *    empty*() factories below, so a dump of the AST shows what keepalived would use;
 *  - units are in the field names (`advertIntUs`, `garpMasterDelayS`, `preemptDelayUs`);
 *  - named objects carry `pos` (where they were declared) so validate.ts can point at them;
 *  - plain JSON data only (arrays, not Maps; addresses as text), so slices can go over IPC.
 */
import type { SourcePos } from './types';
import type { LvsConfig } from './ast-lvs';

export type { LvsConfig };

/** A script-valued keyword: `CMD [user [group]]`, CMD re-tokenised shell-style into argv. */
export interface ScriptSpec {
  argv: string[];
  /** The command text as written (before re-tokenising). */
  cmd: string;
  user?: string;
  group?: string;
  pos: SourcePos;
}

/** A `[u [g]]`-style file (FIFO) spec. */
export interface FifoSpec {
  path: string;
  user?: string;
  group?: string;
  pos: SourcePos;
}

/** `ADDR[/LEN] [brd …] [dev IF] …` as in static_ipaddress / virtual_ipaddress. */
export interface IpAddressSpec {
  family: 4 | 6;
  /** Canonical address text (no prefix length). */
  address: string;
  prefixLen: number;
  broadcast?: string | '+' | '-';
  dev?: string;
  useVmac?: boolean;
  scope?: string;
  label?: string;
  peer?: string;
  peerPrefixLen?: number;
  home?: boolean;
  noDad?: boolean;
  mngtmpaddr?: boolean;
  noPrefixRoute?: boolean;
  autojoin?: boolean;
  noTrack?: boolean;
  /** Preferred lifetime in seconds; 'forever' is 0xffffffff. */
  preferredLft?: number;
  trackGroup?: string;
  pos: SourcePos;
}

export interface NextHop {
  via?: string;
  dev?: string;
  weight?: number;
  onlink?: boolean;
  realms?: string;
  encap?: string[];
}

/** `ip route` syntax (static_routes / virtual_routes). */
export interface RouteSpec {
  family: 4 | 6;
  /** unicast (default), blackhole, unreachable, prohibit, throw, local, broadcast, anycast, multicast, nat */
  type: string;
  dst: string;
  dstPrefixLen: number;
  src?: string;
  via?: string;
  dev?: string;
  table?: string;
  scope?: string;
  protocol?: string;
  metric?: number;
  tos?: number;
  realms?: string;
  mtu?: number;
  mtuLock?: boolean;
  nexthops?: NextHop[];
  onlink?: boolean;
  /** Other attributes (advmss, rtt, window, …) kept as name → value text. */
  attrs: Record<string, string>;
  noTrack?: boolean;
  trackGroup?: string;
  pos: SourcePos;
}

/** `ip rule` syntax (static_rules / virtual_rules). */
export interface RuleSpec {
  family: 4 | 6;
  from?: string;
  fromPrefixLen?: number;
  to?: string;
  toPrefixLen?: number;
  not?: boolean;
  table?: string;
  iif?: string;
  oif?: string;
  tos?: number;
  fwmark?: number;
  fwmask?: number;
  preference?: number;
  realms?: string;
  goto?: number;
  action?: string;
  /** Other attributes (uidrange, l3mdev, ipproto, sport, dport, suppress_*, …). */
  attrs: Record<string, string>;
  noTrack?: boolean;
  trackGroup?: string;
  pos: SourcePos;
}

/** A reference from a track_* block: `NAME [weight W [reverse|noreverse]]`. */
export interface TrackRef {
  name: string;
  /** Undefined = the tracked object's own weight applies. */
  weight?: number;
  reverse: boolean;
  pos: SourcePos;
}

export interface TrackInterfaceRef {
  name: string;
  weight: number;
  reverse: boolean;
  pos: SourcePos;
}

export interface UnicastPeer {
  address: string;
  family: 4 | 6;
  minTtl?: number;
  maxTtl?: number;
  pos: SourcePos;
}

export type AuthType = 'PASS' | 'AH';

export interface VrrpInstance {
  name: string;
  pos: SourcePos;
  /** Configured initial state; keepalived starts every instance in BACKUP (or FAULT). */
  state: 'MASTER' | 'BACKUP';
  interface?: string;
  /** Where `interface` was written (for interface checks). */
  interfacePos?: SourcePos;
  vrf?: string;
  useVmac?: { name?: string; mac?: string };
  useVmacAddr: boolean;
  vmacXmitBase: boolean;
  useIpvlan?: { name?: string; address?: string; prefixLen?: number; mode?: 'bridge' | 'private' | 'vepa' };
  nativeIpv6: boolean;
  dontTrackPrimary: boolean;
  trackInterfaces: TrackInterfaceRef[];
  trackScripts: TrackRef[];
  trackFiles: TrackRef[];
  trackProcesses: TrackRef[];
  trackBfds: TrackRef[];
  /** mcast_src_ip / unicast_src_ip. */
  srcIp?: string;
  /** Which of the two keywords set srcIp (unicast_src_ip counts as a unicast keyword). */
  srcIpKeyword?: 'mcast_src_ip' | 'unicast_src_ip';
  /** Set when check_unicast_src / old_unicast_checksum were written (unicast keywords). */
  unicastKeywords?: string[];
  trackSrcIp: boolean;
  mcastDstIp?: string;
  unicastPeers: UnicastPeer[];
  unicastFaultNoPeer: boolean;
  checkUnicastSrc: boolean;
  unicastTtl?: number;
  oldUnicastChecksum?: 'always' | 'never';
  /** 0 = not configured (validate reports it). */
  virtualRouterId: number;
  /** Effective configured priority: default 100, or 255 with `state MASTER` and no priority. */
  priority: number;
  /** True when `priority` was written in the configuration. */
  priorityConfigured: boolean;
  advertIntUs: number;
  /** 2 or 3; from `version`, else global vrrp_version (IPv6 instances are always 3). */
  version: 2 | 3;
  versionConfigured: boolean;
  /** Family of the instance (decided by the first VIP, IPv4 when none). */
  family: 4 | 6;
  authentication?: { type?: AuthType; pass?: string; pos: SourcePos };
  virtualIpaddresses: IpAddressSpec[];
  virtualIpaddressesExcluded: IpAddressSpec[];
  virtualRoutes: RouteSpec[];
  virtualRules: RuleSpec[];
  promoteSecondaries: boolean;
  /** Accept mode: default true (false under strict mode), `no_accept` sets false. */
  accept: boolean;
  acceptConfigured: boolean;
  nopreempt: boolean;
  preemptDelayUs: number;
  skipCheckAdvAddr: boolean;
  strictMode: boolean;
  garpMasterDelayS: number;
  garpMasterRepeat: number;
  garpMasterRefreshS: number;
  garpMasterRefreshRepeat: number;
  garpLowerPrioDelayS: number;
  garpLowerPrioRepeat: number;
  garpExtraIf?: { all: boolean; intervalS: number };
  downTimerAdverts: number;
  lowerPrioNoAdvert: boolean;
  higherPrioSendAdvert: boolean;
  notifyMaster?: ScriptSpec;
  notifyBackup?: ScriptSpec;
  notifyFault?: ScriptSpec;
  notifyStop?: ScriptSpec;
  notifyDeleted?: ScriptSpec | true;
  notify?: ScriptSpec;
  notifyMasterRxLowerPri?: ScriptSpec;
  notifyPriorityChanges: boolean;
  smtpAlert?: boolean;
  debug: number;
  kernelRxBufSize?: number;
  linkbeatUsePolling: boolean;
  lvsSyncDaemonInterface?: string;
}

export interface VrrpScript {
  name: string;
  pos: SourcePos;
  script?: ScriptSpec;
  intervalUs: number;
  /** Defaults to intervalUs. */
  timeoutUs: number;
  weight: number;
  weightReverse: boolean;
  rise: number;
  fall: number;
  user?: string;
  group?: string;
  initFail: boolean;
}

export interface TrackFile {
  name: string;
  pos: SourcePos;
  file?: string;
  weight: number;
  weightReverse: boolean;
  initFile?: { value: number; overwrite: boolean };
}

export interface TrackProcess {
  name: string;
  pos: SourcePos;
  process?: string;
  args?: string[];
  paramMatch: 'exact' | 'initial' | 'partial';
  weight: number;
  weightReverse: boolean;
  quorum: number;
  quorumMax: number;
  delayUs: number;
  terminateDelayUs: number;
  forkDelayUs: number;
  fullCommand: boolean;
  /** Parse-time only (a second `weight` is refused); absent from the finished AST. */
  weightSet?: boolean;
}

export interface SyncGroup {
  name: string;
  pos: SourcePos;
  group: { name: string; pos: SourcePos }[];
  trackInterfaces: TrackInterfaceRef[];
  trackScripts: TrackRef[];
  trackFiles: TrackRef[];
  trackProcesses: TrackRef[];
  trackBfds: TrackRef[];
  notifyMaster?: ScriptSpec;
  notifyBackup?: ScriptSpec;
  notifyFault?: ScriptSpec;
  notifyStop?: ScriptSpec;
  notify?: ScriptSpec;
  smtpAlert?: boolean;
  globalTracking: boolean;
  syncGroupTrackingWeight: boolean;
  notifyPriorityChanges?: boolean;
}

export interface GarpGroup {
  pos: SourcePos;
  garpIntervalUs?: number;
  gnaIntervalUs?: number;
  interfaces: string[];
  /** Where each of `interfaces` was written. */
  interfacePos: SourcePos[];
}

export interface TrackGroup {
  name: string;
  pos: SourcePos;
  group: string[];
}

export interface BfdInstance {
  name: string;
  pos: SourcePos;
  neighborIp?: string;
  sourceIp?: string;
  minRxMs: number;
  minTxMs: number;
  idleTxMs: number;
  multiplier: number;
  passive: boolean;
  ttl: number;
  hoplimit: number;
  maxHops?: number;
  weight: number;
  weightReverse: boolean;
  vrrp: boolean;
  checker: boolean;
}

export interface LinkbeatInterface {
  name: string;
  type: 'MII' | 'ETHTOOL' | 'IOCTL' | 'default';
  pos: SourcePos;
}

export interface InterfaceUpDownDelay {
  name: string;
  downDelayUs: number;
  upDelayUs: number;
  pos: SourcePos;
}

export interface RootSettings {
  netNamespace?: string;
  netNamespaceIpvs?: string;
  namespaceWithIpsets: boolean;
  usePidDir: boolean;
  instance?: string;
  childWaitTimeS: number;
  linkbeatUsePolling: boolean;
  linkbeatInterfaces: LinkbeatInterface[];
  interfaceUpDownDelays: InterfaceUpDownDelay[];
}

/** global_defs, every keepalived 2.2.7 keyword. Unset optional fields mean "keepalived's built-in behaviour". */
export interface GlobalDefs {
  routerId?: string;
  notificationEmail: string[];
  notificationEmailFrom?: string;
  smtpServer?: { host: string; port: number };
  smtpHeloName?: string;
  smtpConnectTimeoutS: number;
  smtpAlert?: boolean;
  smtpAlertVrrp?: boolean;
  smtpAlertChecker?: boolean;
  noEmailFaults: boolean;
  noCheckerEmails: boolean;
  checkerLogAllFailures: boolean;

  processNames: boolean;
  processName?: string;
  vrrpProcessName?: string;
  checkerProcessName?: string;
  bfdProcessName?: string;
  startupScript?: ScriptSpec;
  startupScriptTimeoutS: number;
  shutdownScript?: ScriptSpec;
  shutdownScriptTimeoutS: number;
  scriptUser?: { user: string; group?: string; pos: SourcePos };
  enableScriptSecurity: boolean;
  umask?: number;
  randomSeed?: number;

  maxAutoPriority?: number;
  minAutoPriorityDelayUs?: number;
  vrrpPriority?: number;
  checkerPriority?: number;
  bfdPriority?: number;
  vrrpNoSwap: boolean;
  checkerNoSwap: boolean;
  bfdNoSwap: boolean;
  vrrpRtPriority?: number;
  checkerRtPriority?: number;
  bfdRtPriority?: number;
  vrrpCpuAffinity?: number[];
  checkerCpuAffinity?: number[];
  bfdCpuAffinity?: number[];
  vrrpRlimitRttimeUs?: number;
  checkerRlimitRttimeUs?: number;
  bfdRlimitRttimeUs?: number;

  vrrpMcastGroup4: string;
  vrrpMcastGroup6: string;
  defaultInterface: string;
  dynamicInterfaces: boolean;
  dynamicInterfacesAllowIfChanges: boolean;
  disableLocalIgmp: boolean;
  vrrpGarpMasterDelayS: number;
  vrrpGarpMasterRepeat: number;
  vrrpGarpMasterRefreshS: number;
  vrrpGarpMasterRefreshRepeat: number;
  vrrpGarpLowerPrioDelayS: number;
  vrrpGarpLowerPrioRepeat: number;
  vrrpGarpIntervalUs: number;
  vrrpGnaIntervalUs: number;
  vrrpMinGarp: boolean;
  vrrpGarpExtraIf?: { all: boolean; intervalS: number };
  vrrpDownTimerAdverts: number;
  vrrpLowerPrioNoAdvert: boolean;
  vrrpHigherPrioSendAdvert: boolean;
  vrrpVersion: 2 | 3;
  vrrpCheckUnicastSrc: boolean;
  vrrpSkipCheckAdvAddr: boolean;
  vrrpStrict: boolean;
  vrrpStartupDelayUs: number;
  logUnknownVrids: boolean;
  vmacPrefix: string;
  vmacAddrPrefix: string;
  vrrpRxBufsPolicy?: string;
  vrrpRxBufsMultiplier: number;
  vrrpNotifyPriorityChanges: boolean;
  fifoWriteVrrpStatesOnReload: boolean;

  vrrpIptables?: { in?: string; out?: string };
  vrrpIpsets?: string[];
  nftables?: string;
  nftablesPriority?: number;
  nftablesIfindex: boolean;
  nftablesCounters: boolean;
  nftablesIpvs?: string;
  nftablesIpvsPriority?: number;
  nftablesIpvsStartFwmark: number;

  lvsTimeouts?: { tcpS?: number; tcpfinS?: number; udpS?: number };
  lvsFlush: boolean;
  lvsFlushOnStop?: 'all' | 'vs';
  lvsSyncDaemon?: {
    interface: string;
    instance?: string;
    id?: number;
    maxlen?: number;
    port?: number;
    ttl?: number;
    group?: string;
  };
  rsInitNotifies: boolean;

  notifyFifo?: FifoSpec;
  notifyFifoScript?: ScriptSpec;
  vrrpNotifyFifo?: FifoSpec;
  vrrpNotifyFifoScript?: ScriptSpec;
  lvsNotifyFifo?: FifoSpec;
  lvsNotifyFifoScript?: ScriptSpec;

  /** Netlink receive buffer sizes: keyword → {size, force}. */
  netlinkBufs: Record<string, { size: number; force: boolean }>;

  snmpSocket?: string;
  enableTraps: boolean;
  enableSnmpVrrp: boolean;
  enableSnmpChecker: boolean;
  enableSnmpRfc: boolean;
  enableSnmpRfcv2: boolean;
  enableSnmpRfcv3: boolean;
  enableDbus: boolean;
  dbusServiceName?: string;

  reloadCheckConfig?: string | true;
  reloadTimeFile?: string;
  reloadRepeat: boolean;
  reloadFile?: string;
  configSaveDir?: string;
  tmpConfigDirectory?: string;
  dataUseInstance: boolean;
}

export interface KeepalivedConfig {
  global: GlobalDefs;
  root: RootSettings;
  staticIpaddresses: IpAddressSpec[];
  staticRoutes: RouteSpec[];
  staticRules: RuleSpec[];
  trackFiles: TrackFile[];
  vrrpScripts: VrrpScript[];
  trackProcesses: TrackProcess[];
  syncGroups: SyncGroup[];
  garpGroups: GarpGroup[];
  trackGroups: TrackGroup[];
  vrrpInstances: VrrpInstance[];
  bfdInstances: BfdInstance[];
  lvs: LvsConfig;
}

export function emptyGlobalDefs(): GlobalDefs {
  return {
    notificationEmail: [],
    smtpConnectTimeoutS: 30,
    noEmailFaults: false,
    noCheckerEmails: false,
    checkerLogAllFailures: false,
    processNames: false,
    startupScriptTimeoutS: 10,
    shutdownScriptTimeoutS: 10,
    enableScriptSecurity: false,
    vrrpNoSwap: false,
    checkerNoSwap: false,
    bfdNoSwap: false,
    vrrpMcastGroup4: '224.0.0.18',
    vrrpMcastGroup6: 'ff02::12',
    defaultInterface: 'eth0',
    dynamicInterfaces: false,
    dynamicInterfacesAllowIfChanges: false,
    disableLocalIgmp: false,
    vrrpGarpMasterDelayS: 5,
    vrrpGarpMasterRepeat: 5,
    vrrpGarpMasterRefreshS: 0,
    vrrpGarpMasterRefreshRepeat: 1,
    vrrpGarpLowerPrioDelayS: 5,
    vrrpGarpLowerPrioRepeat: 5,
    vrrpGarpIntervalUs: 0,
    vrrpGnaIntervalUs: 0,
    vrrpMinGarp: false,
    vrrpDownTimerAdverts: 3,
    vrrpLowerPrioNoAdvert: false,
    vrrpHigherPrioSendAdvert: false,
    vrrpVersion: 2,
    vrrpCheckUnicastSrc: false,
    vrrpSkipCheckAdvAddr: false,
    vrrpStrict: false,
    vrrpStartupDelayUs: 0,
    logUnknownVrids: false,
    vmacPrefix: 'vrrp',
    vmacAddrPrefix: 'vmac',
    vrrpRxBufsMultiplier: 3,
    vrrpNotifyPriorityChanges: false,
    fifoWriteVrrpStatesOnReload: false,
    nftablesIfindex: false,
    nftablesCounters: false,
    nftablesIpvsStartFwmark: 1000,
    lvsFlush: false,
    rsInitNotifies: false,
    netlinkBufs: {},
    enableTraps: false,
    enableSnmpVrrp: false,
    enableSnmpChecker: false,
    enableSnmpRfc: false,
    enableSnmpRfcv2: false,
    enableSnmpRfcv3: false,
    enableDbus: false,
    reloadRepeat: false,
    dataUseInstance: false,
  };
}

export function emptyRootSettings(): RootSettings {
  return {
    namespaceWithIpsets: false,
    usePidDir: false,
    childWaitTimeS: 5,
    linkbeatUsePolling: false,
    linkbeatInterfaces: [],
    interfaceUpDownDelays: [],
  };
}

/**
 * A new instance with keepalived's per-instance defaults; global-derived defaults
 * (garp timings, version, strict, …) are filled in from `g` at the end of the block.
 */
export function emptyVrrpInstance(name: string, pos: SourcePos, g: GlobalDefs): VrrpInstance {
  return {
    name,
    pos,
    state: 'BACKUP',
    useVmacAddr: false,
    vmacXmitBase: false,
    nativeIpv6: false,
    dontTrackPrimary: false,
    trackInterfaces: [],
    trackScripts: [],
    trackFiles: [],
    trackProcesses: [],
    trackBfds: [],
    trackSrcIp: false,
    unicastPeers: [],
    unicastFaultNoPeer: false,
    checkUnicastSrc: g.vrrpCheckUnicastSrc,
    virtualRouterId: 0,
    priority: 100,
    priorityConfigured: false,
    advertIntUs: 1_000_000,
    version: g.vrrpVersion,
    versionConfigured: false,
    family: 4,
    virtualIpaddresses: [],
    virtualIpaddressesExcluded: [],
    virtualRoutes: [],
    virtualRules: [],
    promoteSecondaries: false,
    accept: true,
    acceptConfigured: false,
    nopreempt: false,
    preemptDelayUs: 0,
    skipCheckAdvAddr: g.vrrpSkipCheckAdvAddr,
    strictMode: g.vrrpStrict,
    garpMasterDelayS: g.vrrpGarpMasterDelayS,
    garpMasterRepeat: g.vrrpGarpMasterRepeat,
    garpMasterRefreshS: g.vrrpGarpMasterRefreshS,
    garpMasterRefreshRepeat: g.vrrpGarpMasterRefreshRepeat,
    garpLowerPrioDelayS: g.vrrpGarpLowerPrioDelayS,
    garpLowerPrioRepeat: g.vrrpGarpLowerPrioRepeat,
    downTimerAdverts: g.vrrpDownTimerAdverts,
    lowerPrioNoAdvert: g.vrrpLowerPrioNoAdvert,
    higherPrioSendAdvert: g.vrrpHigherPrioSendAdvert,
    notifyPriorityChanges: g.vrrpNotifyPriorityChanges,
    debug: 0,
    linkbeatUsePolling: false,
  };
}

export function emptyVrrpScript(name: string, pos: SourcePos): VrrpScript {
  return { name, pos, intervalUs: 1_000_000, timeoutUs: 0, weight: 0, weightReverse: false, rise: 1, fall: 1, initFail: false };
}

export function emptyTrackFile(name: string, pos: SourcePos): TrackFile {
  return { name, pos, weight: 1, weightReverse: false };
}

export function emptyTrackProcess(name: string, pos: SourcePos): TrackProcess {
  return {
    name,
    pos,
    paramMatch: 'exact',
    weight: 0,
    weightReverse: false,
    quorum: 1,
    quorumMax: 0,
    delayUs: 0,
    terminateDelayUs: 0,
    forkDelayUs: 0,
    fullCommand: false,
  };
}

export function emptySyncGroup(name: string, pos: SourcePos): SyncGroup {
  return {
    name,
    pos,
    group: [],
    trackInterfaces: [],
    trackScripts: [],
    trackFiles: [],
    trackProcesses: [],
    trackBfds: [],
    globalTracking: false,
    syncGroupTrackingWeight: false,
  };
}

export function emptyBfdInstance(name: string, pos: SourcePos): BfdInstance {
  return {
    name,
    pos,
    minRxMs: 10,
    minTxMs: 10,
    idleTxMs: 1000,
    multiplier: 5,
    passive: false,
    ttl: 255,
    hoplimit: 64,
    weight: 0,
    weightReverse: false,
    vrrp: false,
    checker: false,
  };
}
