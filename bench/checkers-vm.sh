#!/bin/bash
# Run bench/checkers.js for keepalived 2.2.7 AND ours (both with real IPVS) inside the IPVS VM
# (/work/shared/tools/ipvs-vm.sh: this host's kernel has no IPVS and keepalived's checker exits
# FATAL without it). The built tree DIST_ROOT (default: the snapshot of bench/snapshot.sh) is
# shared into the guest (-w); the output goes to stdout.
#   bench/checkers-vm.sh [checkers.js flags...]      e.g. --tcp 1000 --http 200 --window 20
# Guest: IPVS_VM_CPUS (default 2) vCPUs, IPVS_VM_MEM (default here 3072) MiB.
set -euo pipefail
root=${DIST_ROOT:-/var/tmp/keepalived-ts-bench}
vm=${IPVS_VM:-/work/shared/tools/ipvs-vm.sh}
[ -f "$root/dist/bench/checkers.js" ] || { echo "build first: bench/snapshot.sh" >&2; exit 2; }
export IPVS_VM_MEM=${IPVS_VM_MEM:-3072}
args=$(printf ' %q' "$@")
exec "$vm" -w "$root" -t "${IPVS_VM_TIMEOUT:-1200}" "ulimit -n 65536; cd $root && node dist/bench/checkers.js --impl both --ipvs$args"
