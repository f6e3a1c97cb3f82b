/**
 * DOC: the health checkers (keepalived's check/ directory, issue #5).
 *
 * Files and their jobs:
 *   types.ts          narrow target types per checker kind (no dependency on the config AST)
 *   result.ts         the closed set of result codes (CheckCode) and their message table
 *   log.ts            keepalived 2.2.7's checker log lines, per kind
 *   scheduler.ts      retry, delay_before_retry, delay_loop, warmup, alpha, log_all_failures,
 *                     log-on-change, real-server aggregation; pure over the Clock and run ports
 *   clock.ts          the Clock port and its real adapter
 *   lvs-syncd.ts      lvs_sync_daemon: the IPVS sync daemon following one VRRP instance (run by
 *                     the VRRP worker, as keepalived runs it from its VRRP process)
 *   ha-suspend.ts     which ha_suspend VSs wait for which address (fed by netlink address events)
 *   from-config.ts    validated LVS AST (config/ast-lvs.ts) → SchedChecker[] with targets
 *   checkers/         one file per checker, each `run(target, signal): Promise<CheckResult>`:
 *     tcp.ts http.ts (HTTP_GET and SSL_GET) smtp.ts dns.ts (+ dns-codec.ts) misc.ts
 *     ping.ts (spawned iputils ping) ping-native.ts (raw ICMP via the addon, + icmp-codec.ts)
 *     udp.ts (+ udp-sock.ts) file.ts; conn.ts holds the shared TCP connect/read/write steps;
 *     index.ts dispatches a target to its checker. TCP_CHECK runs over the native addon
 *     (tcp.ts setConnectProbe, src/sys/checksock.ts nativeConnectProbe: connect, writable,
 *     SO_ERROR, close as keepalived's check_tcp) whenever the addon loads, else Node's net.
 *   ../genhash.ts     genhash / keepalived -T
 *
 * Who runs what: the checker worker builds SchedCheckers with from-config.ts, creates a
 * Scheduler(realClock, (c, sig) => runCheck(c.target, sig), onEvent) and forwards its
 * events: `{type:'rs', vs, rs, up, weight, setWeight?}` to the IPVS reconciler (`weight`:
 * sum of FILE_CHECK deltas to add to the configured weight; `setWeight`: absolute weight
 * set by a misc_dynamic MISC_CHECK, absent = configured weight), `log` lines to the logger. With CAP_NET_RAW and the addon, the worker should pass
 * `runCheck(target, signal, { pinger: nativePinger(native()) })` so PING_CHECK does not
 * spawn iputils ping for every check.
 *
 * Result → real server, as keepalived does it (tcp_epilog() and friends):
 *   success: up (log "success" if it was down or never ran); next run after delay_loop;
 *   failure: while retry_it < retry, retry after delay_before_retry; then down (logged once)
 *   and next run after delay_loop. The first check after start counts as final already.
 *   A real server is alive while every one of its checkers is up.
 *
 * Deviations from keepalived 2.2.7 (known, deliberate or not yet done):
 *   - HTTP_GET/SSL_GET go url by url as 2.2.7 does (scheduler.ts header: rotation while up,
 *     failed-url poll while down, recovery one url per delay_loop or all at once with
 *     fast_recovery); the start-up sequence without alpha and fast_recovery is inferred.
 *   - HTTP regex uses JS RegExp on the whole response (header + body, like keepalived's
 *     first buffer); PCRE2-only syntax and options other than caseless/multiline/dotall/utf
 *     are not supported; regex_stack is ignored.
 *   - SSL_GET verifies the server certificate chain only when the SSL block has `ca`
 *     (keepalived never verifies); no host name check.
 *   - fwmark (SO_MARK) and bind_if (SO_BINDTODEVICE) on check sockets need the native addon:
 *     when a checker uses them the engine installs src/sys/checksock.ts's openers: TCP
 *     (TCP, HTTP/SSL, SMTP: conn.ts setSockOpener), UDP (UDP_CHECK, DNS_CHECK: udp-sock.ts
 *     setDgramOpener, a connected native UDP socket instead of Node's dgram) and the raw
 *     ICMP socket of PING_CHECK (ping.ts setSockPinger with ping-native.ts; other PING_CHECKs
 *     keep spawning ping). Without the addon they are not applied (a warning says so);
 *     genhash -m is ignored.
 *   - FILE_CHECK reacts to inotify on its file's directory as 2.2.7 (engine.ts watchFiles,
 *     sys/filewatch.ts: libuv has no IN_CLOSE_WRITE, so a write is read 20 ms after its last
 *     event); it is polled every delay_loop only when no watch can be set. Its first result
 *     comes from the start-up run (keepalived knows it before the RS is added); an invalid
 *     number keeps the last value but is not logged ("Invalid number … - ignoring").
 *   - MISC_CHECK retry suffixes (" on retry i/N", " after N retries") are reconstructed from
 *     the 2.2.7 binary's strings, not from its source.
 *   - ha_suspend (ha-suspend.ts + engine.ts over src/sys/netlink-addr.ts): checkers are
 *     suspended while their VS address is absent (Scheduler.setEnabled). Reload:
 *     Scheduler.reload() keeps unchanged checkers' state.
 */
export * from './types';
export * from './result';
export { Scheduler, decide, initialState, BOOTSTRAP_DELAY_MS } from './scheduler';
export type { SchedChecker, SchedEvent, CheckerState, RunPort, Decision } from './scheduler';
export { realClock } from './clock';
export type { Clock, TimerHandle } from './clock';
export { checkersFromConfig, checkersFromSlice, targetOf, passwdResolver } from './from-config';
export type { MapOptions } from './from-config';
export { runCheck } from './checkers/index';
export type { CheckPorts } from './checkers/index';
export { nativePinger } from './checkers/ping-native';
export type { IcmpSocketOps } from './checkers/ping-native';
export { KIND_LOG, fmtTrio, fmtPair } from './log';
export { LvsSyncd, daemonOf, IPVS_SYNC_MASTER, IPVS_SYNC_BACKUP } from './lvs-syncd';
export type { SyncdConfig, SyncdPort } from './lvs-syncd';
