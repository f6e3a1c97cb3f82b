/**
 * DOC: the VRRP engine's pure core (issue #4).
 *
 * Files
 *   packet/advert.ts  wire codec: decodeAdvert(bytes, rx) / encodeAdvert(advert, {src,dst}) /
 *                     encodeIp4Header(); VRRPv2 (RFC 3768) and VRRPv3 (RFC 5798), IPv4 and IPv6.
 *                     Stage one of receiving: wire checks only (IP header, length, version, type,
 *                     count vs length, v2 auth type, checksum). Returns a DropReason, never throws.
 *                     DropReason is a closed union (DROP_REASONS); Counters counts per reason.
 *   packet/ah.ts      keepalived's IPsec-AH authentication (`auth_type AH`, VRRPv2/IPv4): decodeAh,
 *                     computeIcv / checkAh (HMAC-MD5-96 over the IP header with mutable fields zeroed,
 *                     AH with the ICV zeroed, VRRP), sealAh for sending, nextAhSeq. Golden captures
 *                     from keepalived 2.2.7 in test/fixtures/packets/ah/.
 *   accept.ts         stage two: acceptAdvert(instanceCfg, advert, ctx): TTL/hop limit, VRID, version,
 *                     auth type + PASS (first 8 bytes), address count and list (skip_check_adv_addr),
 *                     v2 interval, unicast source/TTL range, old_unicast_checksum. Returns the
 *                     keepalived.stats counters to bump (DROP_STATS) and keepalived's log line.
 *   fsm.ts            the state machine: step(state, event, nowUs) -> {state, actions}. Pure; timers
 *                     are `arm-timer`/`cancel-timer` actions with absolute µs and come back as events.
 *                     changeState() is the only writer of `state` (logs "(VI_1) Entering X STATE",
 *                     counts transitions, emits `notify`).
 *   instance.ts       config AST (src/config/ast.ts) -> FsmConfig / AcceptConfig.
 *   receive.ts        receiveDatagram(bytes, rx, lookupByVrid): peek VRID, decode, accept; returns what
 *                     to count and log (keepalived's "(VI_1) Invalid VRRPv2 checksum" etc.). For AH
 *                     instances it checks AH presence, ICV, SPI and sequence number before acceptAdvert.
 *   worker.ts         (not part of the core) wires sockets, netlink, clock and notify into the above.
 * Helpers: src/lib/bytes.ts (bounds-checked ByteReader/ByteWriter), src/lib/checksum.ts (RFC 1071,
 * IPv4/IPv6 pseudo-headers). None of these files import sockets, timers or src/sys/**.
 *
 * Receive path (worker): raw socket bytes + rx metadata -> decodeAdvert -> (lookup instance by
 * VRID) -> acceptAdvert -> step({type:'advert'}) -> perform actions in order.
 * Send path: `send-advert {priority}` -> encodeAdvert (+ encodeIp4Header, IP_HDRINCL, id counting
 * from 1 as keepalived) to 224.0.0.18 / ff02::12 or each unicast peer.
 *
 * RFC coverage
 *   RFC 3768 §5 (packet format, PASS data kept for keepalived compatibility), §7.1 receive checks.
 *   RFC 5798 §5 (v3 format, 12-bit centisecond interval, pseudo-header checksum), §6.1 parameters
 *   (Skew_Time, Master_Down_Interval), §6.4.1–6.4.3 state machine, §7.1 receive checks.
 *
 * Deviations (all deliberate, following keepalived 2.2.7 — verified against its source and on the wire):
 *   - Extra states FAULT, STOP, DELETED; every instance starts in BACKUP ("(init)") or FAULT;
 *     `state MASTER` + priority 255 leaves BACKUP after 1 µs, other priorities wait the full interval.
 *   - Master-down interval uses `down_timer_adverts` (default 3); v3 skew uses keepalived's integer
 *     rounding (centiseconds × 625/16 µs); v2 skew ignores the interval.
 *   - A master answers lower-priority adverts with an immediate advert (unless lower_prio_no_advert
 *     / strict); higher_prio_send_advert; two owners reduce the local priority to 254.
 *   - v2 checksum, v3/IPv4 pseudo-header checksum incl. the `old_unicast_checksum` form (224.0.0.18
 *     in the pseudo-header of unicast packets), auto-detected as keepalived does.
 *   - PASS authentication (v2/IPv4) and keepalived's IPsec-AH (v2/IPv4, byte-identical to 2.2.7's
 *     captures): IP protocol 51, AH with SPI = sender address, HMAC-MD5-96 keyed with the first 8
 *     bytes of auth_pass over the IP header (TOS, flags/offset, checksum zeroed; TTL too when
 *     unicast), the AH (ICV zeroed) and the VRRP message. AH instances get their own protocol-51
 *     raw socket (the kernel hands AH to raw sockets without any IPsec SA), IP_HDRINCL as for VRRP.
 *     One sequence counter per instance serves both directions as keepalived's ipsecah_counter:
 *     incremented before each advert (the same number for every unicast peer), set to each
 *     authenticated advert's number (even if a later check drops it), a number not above it is a
 *     replay ("sequence number N already processed"); a master hearing a lower-priority AH advert
 *     continues after that sender's number ("IPSEC-AH : Syncing seq_num - Increment seq"). Drops:
 *     'ah-mismatch' (authtype_mismatch), 'ah-bad-icv' / 'ah-bad-spi' / 'ah-replay' (auth_failure),
 *     with 2.2.7's lines. Deviations: the AH checks run before the TTL/version checks (keepalived
 *     checks TTL and version first); the "cycled" counter (2^32 − 3 adverts, 136 years at 1 s)
 *     saturates but is not reset on becoming master.
 *   - preempt_delay is a deadline checked when adverts arrive (keepalived), not a separate timer.
 *   - Check order differs from keepalived's single vrrp_check_packet(): wire checks first, then
 *     instance checks, so e.g. a bad checksum is reported before a TTL error.
 *   - keepalived ignores adverts in FAULT (RFC has no FAULT); so do we.
 *   - Accept mode defaults on (RFC: off); `no_accept` makes a non-owner master emit `block-vips`
 *     (firewall DROP rules, done by the worker) and `unblock-vips` when it leaves MASTER.
 *   - VIPs beyond 255 are not advertised (instance.ts); keepalived also limits by MTU (not done here).
 *   - Reload (runtime/runtime.ts) pairs old and new instances as 2.2.7's vrrp_exist: by VRID, family,
 *     interface, unicast or not (and unicast source), VMAC — not by name: a renamed instance or a
 *     version change keeps its state; a VRID or interface change recreates it (priority 0 first), as
 *     2.2.7 (observed). Our deviation: other socket-level keys (unicast peers, src/mcast addresses,
 *     use_ipvlan, rx buffer…) also recreate.
 *   - Sync groups (runtime): a member timing out while another does not want MASTER waits a full
 *     interval (vrrp_sync_can_goto_master, FSM `syncWait`); a VIP deleted behind a master sends every
 *     MASTER member to BACKUP with priority 0 and a skew-time return (set_vrrp_backup).
 *   - Not in the core (worker/sync-group business): sync groups, tracking weights (the FSM receives
 *     the effective priority), VMAC, the notify scripts
 *     themselves (the FSM emits `notify` and `master-rx-lower-pri` actions).
 *   - use_ipvlan (runtime/runtime.ts ensureIpvlan): an ipvlan in L2 mode with flags bridge/private/
 *     vepa, created UP with the same RTM_NEWLINK attributes as 2.2.7 (strace), its IP/LEN added,
 *     IPv6 off for IPv4 instances, adverts on it (source: its address), VIPs without `dev` on
 *     the base interface (2.2.7 in the IPVS VM, whose kernel has ipvlan), deleted at stop.
 *     If the kernel refuses it (no CONFIG_IPVLAN), the instance stays in FAULT, as 2.2.7 (observed).
 *     test/vm/ipvlan.test.ts runs the ipvlan interop test (ours beside keepalived) in the VM.
 */
export * from './packet/advert';
export * from './accept';
export * from './fsm';
export * from './instance';
export * from './receive';
