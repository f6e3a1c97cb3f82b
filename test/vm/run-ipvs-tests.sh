#!/bin/bash
# Run the IPVS tests (test/vm/*.test.ts, compiled) inside the IPVS VM: the host kernel has no
# IPVS. Boots the VM once and runs the whole batch; exit status is node --test's.
#
#   test/vm/run-ipvs-tests.sh [DIST]     # DIST = compiled output dir, default dist
#
# Needs root, KVM, and the compiled tests + native addon. IPVS_VM overrides the VM script path.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
DIST=${1:-dist}
VM=${IPVS_VM:-/work/shared/tools/ipvs-vm.sh}
[ -d "$ROOT/$DIST/test/vm" ] || { echo "run-ipvs-tests: $ROOT/$DIST/test/vm not built (npm run build:ts)" >&2; exit 2; }
[ -f "$ROOT/native/build/Release/keepalived_native.node" ] || { echo "run-ipvs-tests: native addon not built" >&2; exit 2; }
exec "$VM" -t "${IPVS_VM_TIMEOUT:-300}" "cd '$ROOT' && node --test --test-concurrency=1 '$DIST/test/vm/'"
