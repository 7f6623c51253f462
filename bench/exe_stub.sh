#!/usr/bin/env bash
# Cost of the berth-exec stub (CVE-2019-5736, process/sealed_exec.h): `berth run` of
# /bin/true with the stub and without it (BERTH_UNPROTECT=exe), the same test build, the
# two alternating each iteration so drift hits both alike. Prints both medians in ms.
#
#   bench/exe_stub.sh [-n N] [-b BUILD_U_BERTH]   (as root; default N=20, build-unprotect/berth)
set -euo pipefail
N=20
BERTH=build-unprotect/berth
while getopts "n:b:" o; do
  case $o in n) N=$OPTARG ;; b) BERTH=$OPTARG ;; *) exit 2 ;; esac
done
BERTH=$(realpath "$BERTH")
"$BERTH" --version | grep -q TEST-ONLY || { echo "$BERTH: not a -Dtest_unprotect build" >&2; exit 1; }
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d /tmp/berth-bench-exe.XXXXXX)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/bundle/rootfs/bin" "$work/root"
cp /bin/busybox "$work/bundle/rootfs/bin/busybox"
ln -s busybox "$work/bundle/rootfs/bin/true"
jq '.process.args = ["/bin/true"]' "$here/../tests/integration/base-config.json" \
  >"$work/bundle/config.json"
ms() { # <unprotect list> <id>: one run, in ms
  local t0 t1
  t0=$(date +%s%N)
  BERTH_UNPROTECT=$1 "$BERTH" --root "$work/root" run --bundle "$work/bundle" "$2" \
    </dev/null >/dev/null 2>&1
  t1=$(date +%s%N)
  echo $(((t1 - t0) / 1000))
}
median() { sort -n | awk '{ a[NR] = $1 } END { m = NR % 2 ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2; printf "%.2f", m / 1000 }'; }
ms "" warm >/dev/null; ms exe warm2 >/dev/null
for ((i = 0; i < N; i++)); do
  ms "" "s$i" >>"$work/stub"
  ms exe "p$i" >>"$work/plain"
done
printf 'berth run /bin/true, median of %d: with berth-exec %s ms, plain execve %s ms\n' \
  "$N" "$(median <"$work/stub")" "$(median <"$work/plain")"
