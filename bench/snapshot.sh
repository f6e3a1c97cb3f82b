#!/bin/bash
# Build a snapshot of the committed tree (git HEAD) into DIR (default /var/tmp/keepalived-ts-bench)
# so the benchmarks run against a consistent build while the working tree is being edited:
#   bench/snapshot.sh [DIR] && node DIR/dist/bench/failover.js
# node_modules is symlinked and the native addon copied from this checkout.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
dir=${1:-/var/tmp/keepalived-ts-bench}
rm -rf "$dir"
mkdir -p "$dir"
git -C "$root" archive HEAD | tar -x -C "$dir"
ln -s "$root/node_modules" "$dir/node_modules"
mkdir -p "$dir/native/build/Release"
cp "$root/native/build/Release/keepalived_native.node" "$dir/native/build/Release/"
cd "$dir"
"$root/node_modules/.bin/tsc" -p tsconfig.json --outDir dist --tsBuildInfoFile dist/.tsbuildinfo
echo "built $(git -C "$root" rev-parse --short HEAD) in $dir/dist"
