#!/usr/bin/env bash
# Builds an OCI bundle with a busybox-static root filesystem: make-bundle.sh DIR [BERTH]
# The config is `berth spec` with the terminal off and `sh -c` printing what it sees.
set -euo pipefail
dir=${1:?usage: make-bundle.sh DIR [BERTH]}
berth=$(realpath "${2:-$(dirname "$0")/../build/berth}")
mkdir -p "$dir/rootfs/bin" "$dir/rootfs/etc"
cp /bin/busybox "$dir/rootfs/bin/busybox"
for a in $("$dir/rootfs/bin/busybox" --list); do
  [[ $a == busybox ]] || ln -sf busybox "$dir/rootfs/bin/$a"
done
echo 'root:x:0:0:root:/root:/bin/sh' >"$dir/rootfs/etc/passwd"
echo 'root:x:0:' >"$dir/rootfs/etc/group"
rm -f "$dir/config.json"
(cd "$dir" && "$berth" spec)
tmp=$(mktemp)
jq '.process.terminal=false |
    .process.args=["sh","-c","echo hello from $(hostname); id; cat /proc/self/cgroup | head -1; ls /"]' \
  "$dir/config.json" >"$tmp" && mv "$tmp" "$dir/config.json"
