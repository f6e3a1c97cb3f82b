#!/usr/bin/env bash
# Two-node VRRP demo, entirely inside network namespaces on this machine:
#
#   node A  keepalived-ts          priority 150   10.200.0.1
#   node B  Debian's keepalived    priority 100   10.200.0.2     (--ours: keepalived-ts on both)
#   client                                        10.200.0.10
#   VIP     10.200.0.100, VRRPv2, advert_int 1, PASS authentication
#
# It installs what is missing (keepalived, iproute2, npm ci + build), starts both nodes, shows
# node A becoming MASTER and the client reaching the VIP, crashes node A (SIGKILL) and shows
# node B taking over (the client's ARP entry follows the VIP), restarts node A and shows it
# preempting back. With a terminal it then waits for Enter; everything is removed on exit.
#
#   sudo examples/demo/two-node.sh [--ours]
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
OURS_ONLY=0
[ "${1:-}" = "--ours" ] && OURS_ONLY=1
[ "$(id -u)" = 0 ] || { echo "run as root (network namespaces)" >&2; exit 1; }

need=()
command -v keepalived >/dev/null || need+=(keepalived)
command -v ip >/dev/null || need+=(iproute2)
command -v ping >/dev/null || need+=(iputils-ping)
if [ ${#need[@]} -gt 0 ]; then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
fi
cd "$ROOT"
[ -d node_modules ] || npm ci --no-audit --no-fund
[ -f dist/src/main.js ] && [ -f native/build/Release/keepalived_native.node ] || npm run build

P=kats-demo-$$
W=$(mktemp -d /tmp/kats-demo.XXXXXX)
PIDS=()
cleanup() {
  for p in "${PIDS[@]:-}"; do [ -n "$p" ] && kill -TERM "$p" 2>/dev/null || true; done
  sleep 1
  for p in "${PIDS[@]:-}"; do [ -n "$p" ] && kill -KILL "$p" 2>/dev/null || true; done
  for n in a b client br; do ip netns del "$P-$n" 2>/dev/null || true; done
  rm -rf "$W"
}
trap cleanup EXIT

say() { printf '\n\033[1m== %s\033[0m\n' "$*"; }
ip netns add "$P-br"
ip -n "$P-br" link add br0 type bridge
ip -n "$P-br" link set br0 up
i=0
for n in a b client; do
  ip netns add "$P-$n"
  ip -n "$P-$n" link set lo up
  ip link add eth0 netns "$P-$n" type veth peer name "v$i" netns "$P-br"
  ip -n "$P-br" link set "v$i" master br0 up
  i=$((i + 1))
done
ip -n "$P-a" addr add 10.200.0.1/24 dev eth0
ip -n "$P-b" addr add 10.200.0.2/24 dev eth0
ip -n "$P-client" addr add 10.200.0.10/24 dev eth0
for n in a b client; do ip -n "$P-$n" link set eth0 up; done

conf() { # name priority
  cat <<CONF
global_defs {
    router_id $1
}
vrrp_instance VI_1 {
    state BACKUP
    interface eth0
    virtual_router_id 51
    priority $2
    advert_int 1
    authentication {
        auth_type PASS
        auth_pass demo
    }
    virtual_ipaddress {
        10.200.0.100/24
    }
}
CONF
}
conf node-a 150 > "$W/a.conf"
conf node-b 100 > "$W/b.conf"

start_ours() { # node
  ip netns exec "$P-$1" node "$ROOT/dist/src/main.js" -n -l -D -G -f "$W/$1.conf" \
    -p "$W/$1.pid" -r "$W/$1-vrrp.pid" -c "$W/$1-check.pid" >>"$W/$1.log" 2>&1 &
  PIDS+=($!)
  disown $! 2>/dev/null || true
}
start_keepalived() { # node
  ip netns exec "$P-$1" keepalived -n -l -D -G -f "$W/$1.conf" \
    -p "$W/$1.pid" -r "$W/$1-vrrp.pid" -c "$W/$1-check.pid" >>"$W/$1.log" 2>&1 &
  PIDS+=($!)
  disown $! 2>/dev/null || true
}
count() { grep -cE "$2" "$W/$1.log" 2>/dev/null || true; }
wait_log() { # node regex timeout [count already seen]
  local t=0 seen=${4:-0}
  until [ "$(count "$1" "$2")" -gt "$seen" ]; do
    sleep 0.2; t=$((t + 1))
    if [ $t -gt $(( $3 * 5 )) ]; then
      echo "timed out waiting for '$2' on node $1" >&2; tail -20 "$W/$1.log" >&2; exit 1
    fi
  done
  return 0
}
show() {
  echo "node A: $(ip -n "$P-a" -br addr show eth0)"
  echo "node B: $(ip -n "$P-b" -br addr show eth0)"
  ip netns exec "$P-client" ping -c1 -W1 10.200.0.100 >/dev/null && echo "client: 10.200.0.100 answers" || echo "client: 10.200.0.100 does not answer"
  echo "client ARP: $(ip -n "$P-client" neigh show 10.200.0.100)"
  echo "node A MAC $(ip -n "$P-a" -br link show eth0 | awk '{print $3}'), node B MAC $(ip -n "$P-b" -br link show eth0 | awk '{print $3}')"
}

say "starting node A (keepalived-ts, priority 150) and node B ($([ $OURS_ONLY = 1 ] && echo keepalived-ts || echo "keepalived $(keepalived -v 2>&1 | head -1 | awk '{print $2}')"), priority 100)"
start_ours a
if [ $OURS_ONLY = 1 ]; then start_ours b; else start_keepalived b; fi
wait_log a 'VI_1\) Entering MASTER STATE' 15
wait_log b 'VI_1\) Entering BACKUP STATE' 15
grep -h 'VI_1' "$W/a.log" | tail -3
show

say "crashing node A (SIGKILL of every keepalived-ts process in it)"
seen=$(count b 'VI_1\) Entering MASTER STATE')
# the VRRP worker first, so that it cannot send a priority-0 goodbye
for f in a-vrrp.pid a-check.pid a.pid; do [ -f "$W/$f" ] && kill -KILL "$(cat "$W/$f")" 2>/dev/null || true; done
t0=$(date +%s.%N)
wait_log b 'VI_1\) Entering MASTER STATE' 10 "$seen"
echo "(a node killed with SIGKILL keeps the addresses it had, as with keepalived; the client follows the GARPs)"
echo "node B took over after $(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN{printf "%.2f", b-a}') s"
sleep 0.5
show

say "restarting node A: it preempts (150 > 100)"
: > "$W/a.log"
start_ours a
wait_log a 'VI_1\) Entering MASTER STATE' 15
sleep 0.5
show

if [ -t 0 ]; then
  say "logs: $W/a.log $W/b.log — press Enter to stop the demo and remove the namespaces"
  read -r _
fi
say "done"
