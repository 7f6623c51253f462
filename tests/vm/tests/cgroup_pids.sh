# cgroup_pids: linux.resources.pids.limit is pids.max; forks beyond it fail.
. /tests/lib.sh
grep -qw pids "$CG/cgroup.subtree_control" || skip "pids controller not enabled"

cg=$CG/berth-vm-pids
own_cgroup "$cg"
make_bundle
cfg "$BUNDLE" '.linux.cgroupsPath = "/berth-vm-pids" | .linux.resources.pids = {"limit": 10}'
# Init (sh) runs an inner sh that starts 20 background sleeps. busybox sh exits at the first
# failed fork, so the inner shell's "started" lines count the forks that worked; init counts
# them with builtins only (no fork left), reports, and blocks on a fifo until killed.
set_args "$BUNDLE" sh -c '
	mkfifo /tmp/hold
	sh -c "i=0; while [ \$i -lt 20 ]; do sleep 300 & echo started; i=\$((i + 1)); done" >/tmp/out 2>&1
	n=0
	while read -r l; do [ "$l" = started ] && n=$((n + 1)); done </tmp/out
	echo "$n" >/tmp/count
	read -r x </tmp/hold'
new_id
must_berth run -d --bundle "$BUNDLE" "$ID"
count_file=$BUNDLE/rootfs/tmp/count
wait_for 60 test -s "$count_file" || fail "the container did not report (out: $(cat "$BUNDLE/rootfs/tmp/out" 2>/dev/null | tail -2))"
started=$(cat "$count_file")
log "inner shell output: $(tail -1 "$BUNDLE/rootfs/tmp/out")"

assert_eq "$(cg_read "$cg/pids.max")" 10 "pids.max"
# The fork that failed was the 11th task: init sh + inner sh + 8 sleeps = 10. The inner shell
# has exited since, so init and the 8 sleeps remain.
assert_eq "$started" 8 "background sleeps that started"
assert_eq "$(cg_read "$cg/pids.current")" 9 "pids.current (init + sleeps)"
assert_ge "$(cg_key "$cg/pids.events" max)" 1 "pids.events max"
must_berth delete --force "$ID"
assert_missing "$cg" "container cgroup after delete"
pass "pids.max=10: $started of 20 sleeps started (10 tasks), then EAGAIN"
