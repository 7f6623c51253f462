#!/usr/bin/env bash
# What a real seccomp profile costs per container: `run /bin/true` with berth, runc and crun,
# without seccomp and with Podman's default profile (containers-common's seccomp.json, the
# one Podman passes to every container), alternating runtimes and variants each iteration
# so drift hits all alike. Prints medians, the added cost, and ratios against crun; the
# last line is berth with its compiled-program cache (<root>/@seccomp-cache) emptied
# before each run, i.e. compiling the profile every time as runc and crun do.
#
#   bench/seccomp.sh [-n N] [-b BERTH] [-p PROFILE]   (as root; default N=30)
#
# Same setting as bench.sh: inside `unshare -m` with a fresh cgroup2 on /sys/fs/cgroup,
# berth and crun with --cgroup-manager=disabled (crun 1.8.1 refuses this hybrid host).
set -euo pipefail
N=30
BERTH=${BERTH:-build/berth}
PROFILE=/usr/share/containers/seccomp.json
while getopts "n:b:p:" o; do
  case $o in n) N=$OPTARG ;; b) BERTH=$OPTARG ;; p) PROFILE=$OPTARG ;; *) exit 2 ;; esac
done
BERTH=$(realpath "$BERTH")
here=$(cd "$(dirname "$0")" && pwd)
[[ -f "$PROFILE" ]] || { echo "no seccomp profile at $PROFILE (golang-github-containers-common)" >&2; exit 1; }
if [[ -z "${BERTH_BENCH_INNER:-}" ]]; then
  export BERTH_BENCH_INNER=1
  exec unshare -m bash -c "mount -t cgroup2 none /sys/fs/cgroup && exec \"$0\" -n $N -b \"$BERTH\" -p \"$PROFILE\""
fi

work=$(mktemp -d /tmp/berth-bench-sc.XXXXXX)
trap 'rm -rf "$work"' EXIT
for v in plain podman; do
  b="$work/$v"
  mkdir -p "$b/rootfs/bin"
  cp /bin/busybox "$b/rootfs/bin/"
  ln -s busybox "$b/rootfs/bin/true"
  (cd "$b" && "$BERTH" spec)
done
# ociVersion 1.0.2-dev because crun 1.8.1 refuses newer versions. Podman's file is a
# containers/common profile (per-arch and per-capability entries); it is turned into
# linux.seccomp the way Podman does on amd64 for the container's bounding set (the same
# conversion as tests/integration/seccomp.bats: contrib/podman-seccomp.jq).
base='.ociVersion="1.0.2-dev" | .process.terminal=false | .process.args=["/bin/true"]'
jq "$base" "$work/plain/config.json" >"$work/c.json" && mv "$work/c.json" "$work/plain/config.json"
caps=$(jq -c '.process.capabilities.bounding // []' "$work/plain/config.json")
jq -c --argjson caps "$caps" -f "$here/../contrib/podman-seccomp.jq" "$PROFILE" >"$work/seccomp.json"
jq --slurpfile sc "$work/seccomp.json" "$base"' | .linux.seccomp = $sc[0]' \
  "$work/podman/config.json" >"$work/c.json" && mv "$work/c.json" "$work/podman/config.json"

declare -A cmd
cmd[berth]="$BERTH --cgroup-manager=disabled --root $work/st-berth"
cmd[runc]="runc --root $work/st-runc"
cmd[crun]="crun --cgroup-manager=disabled --root $work/st-crun"
names=(berth runc crun)
now() { date +%s%N; }
declare -A t
for ((i = 0; i < N; i++)); do
  for r in "${names[@]}"; do
    for v in plain podman; do
      s=$(now)
      ${cmd[$r]} run --bundle "$work/$v" "x$i$r$v" >/dev/null 2>&1 || { echo "$r run ($v) failed" >&2; exit 1; }
      e=$(now)
      t[$r.$v]+="$(( (e - s) / 1000 )) "
    done
  done
  # berth with its compiled-program cache emptied first: what the first container with a
  # profile costs (libseccomp builds the program), as every run costs runc and crun.
  rm -rf "$work/st-berth/@seccomp-cache"
  s=$(now)
  ${cmd[berth]} run --bundle "$work/podman" "x${i}cold" >/dev/null 2>&1 || { echo "berth run (cold) failed" >&2; exit 1; }
  e=$(now)
  t[berth.cold]+="$(( (e - s) / 1000 )) "
done

median() { tr ' ' '\n' | grep -v '^$' | sort -n | awk '{a[NR]=$1} END {m=(NR%2)?a[(NR+1)/2]:(a[NR/2]+a[NR/2+1])/2; printf "%.0f", m}'; }
printf "%-8s %12s %14s %12s %10s\n" runtime "plain (us)" "podman (us)" "added (us)" "/crun"
crun_p=$(median <<<"${t[crun.podman]}")
for r in "${names[@]}"; do
  mp=$(median <<<"${t[$r.plain]}")
  ms=$(median <<<"${t[$r.podman]}")
  printf "%-8s %12s %14s %12s %10.2f\n" "$r" "$mp" "$ms" "$((ms - mp))" "$(bc -l <<<"$ms/$crun_p")"
done
mp=$(median <<<"${t[berth.plain]}")
mc=$(median <<<"${t[berth.cold]}")
printf "%-8s %12s %14s %12s %10.2f   (cache emptied before each run)\n" "berth" "$mp" "$mc" "$((mc - mp))" "$(bc -l <<<"$mc/$crun_p")"
echo "(N=$N, medians of run /bin/true; $(jq '.linux.seccomp.syscalls | length' "$work/podman/config.json") rules, kernel $(uname -r), $(nproc) cpus)"
