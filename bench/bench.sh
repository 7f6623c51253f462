#!/usr/bin/env bash
# Times container starts with berth, runc, crun and the syscall floor in the same run,
# alternating runtimes each iteration so drift hits all of them alike, and prints medians
# and ratios against crun.
#
#   bench/bench.sh [-n N] [-b BERTH]     (as root; default N=50, BERTH=build/berth)
#
# crun 1.8.1 refuses this hybrid-cgroup host, so every runtime runs inside `unshare -m`
# with a fresh cgroup2 mounted on /sys/fs/cgroup, crun with --cgroup-manager=disabled:
# the same setting for all of them.
set -euo pipefail
N=50
BERTH=${BERTH:-build/berth}
while getopts "n:b:" o; do
  case $o in n) N=$OPTARG ;; b) BERTH=$(realpath "$OPTARG") ;; *) exit 2 ;; esac
done
BERTH=$(realpath "$BERTH")
here=$(cd "$(dirname "$0")" && pwd)
if [[ -z "${BERTH_BENCH_INNER:-}" ]]; then
  export BERTH_BENCH_INNER=1 BERTH
  exec unshare -m bash -c "mount -t cgroup2 none /sys/fs/cgroup && exec \"$0\" -n $N -b \"$BERTH\""
fi

work=$(mktemp -d /tmp/berth-bench.XXXXXX)
trap 'rm -rf "$work"' EXIT
floor_src="$here/../../shared/bench/floor.c"
[[ -f "$floor_src" ]] || floor_src="$here/floor.c"
have_floor=0
if [[ -f "$floor_src" ]] && cc -O2 -static -o "$work/floor" "$floor_src" 2>/dev/null; then have_floor=1; fi

b="$work/bundle"
mkdir -p "$b/rootfs/bin"
cp /bin/busybox "$b/rootfs/bin/"
for a in sh true; do ln -s busybox "$b/rootfs/bin/$a"; done
(cd "$b" && "$BERTH" spec)
# The default spec, with /bin/true and no terminal: a container start and nothing else.
# ociVersion 1.0.2-dev because crun 1.8.1 refuses newer versions.
jq '.ociVersion="1.0.2-dev" | .process.terminal=false | .process.args=["/bin/true"]' "$b/config.json" >"$b/c.json"
mv "$b/c.json" "$b/config.json"

declare -A cmd
# berth like crun, without cgroups (the same setting), and berth-cg with its cgroup.
cmd[berth]="$BERTH --cgroup-manager=disabled --root $work/st-berth"
cmd[berth-cg]="$BERTH --root $work/st-berthcg"
cmd[runc]="runc --root $work/st-runc"
cmd[crun]="crun --cgroup-manager=disabled --root $work/st-crun"
names=(berth berth-cg runc crun)
if (( have_floor )); then cmd[floor]="$work/floor --root $work/st-floor"; names+=(floor); fi

now() { date +%s%N; }
declare -A t_run t_cycle
for ((i = 0; i < N; i++)); do
  for r in "${names[@]}"; do
    id="b$i$r"
    s=$(now); ${cmd[$r]} run --bundle "$b" "$id" >/dev/null 2>&1 || { echo "$r run failed" >&2; exit 1; }
    e=$(now); t_run[$r]+="$(( (e - s) / 1000 )) "
    s=$(now)
    ${cmd[$r]} create --bundle "$b" "c$id" >/dev/null 2>&1 && ${cmd[$r]} start "c$id" &&
      ${cmd[$r]} delete -f "c$id" >/dev/null 2>&1 || { echo "$r create/start/delete failed" >&2; exit 1; }
    e=$(now); t_cycle[$r]+="$(( (e - s) / 1000 )) "
  done
done

median() { tr ' ' '\n' | grep -v '^$' | sort -n | awk '{a[NR]=$1} END {m=(NR%2)?a[(NR+1)/2]:(a[NR/2]+a[NR/2+1])/2; printf "%.0f", m}'; }
printf "%-8s %14s %8s %24s %8s\n" runtime "run (us)" "/crun" "create+start+delete (us)" "/crun"
crun_run=$(median <<<"${t_run[crun]}")
crun_cyc=$(median <<<"${t_cycle[crun]}")
for r in "${names[@]}"; do
  mr=$(median <<<"${t_run[$r]}")
  mc=$(median <<<"${t_cycle[$r]}")
  printf "%-8s %14s %8.2f %24s %8.2f\n" "$r" "$mr" "$(bc -l <<<"$mr/$crun_run")" "$mc" "$(bc -l <<<"$mc/$crun_cyc")"
done
echo "(N=$N, medians; kernel $(uname -r), $(nproc) cpus)"
