# cgroup_resources: the v2 files berth writes for cpu, io, hugetlb and unified, plus
# `events --stats` and `kill --all` through cgroup.kill.
. /tests/lib.sh
cg=$CG/berth-vm-res
own_cgroup "$cg"
# A block device for io.max: a loop device over a file in tmpfs.
need /sys/fs/cgroup/cgroup.controllers
dd if=/dev/zero of=/tmp/vm-loop.img bs=1M count=4 2>/dev/null
losetup /dev/loop0 /tmp/vm-loop.img || fail "losetup /dev/loop0"
make_bundle
# No pid namespace, so killing init alone would leave the background sleep behind.
cfg "$BUNDLE" '.linux.cgroupsPath = "/berth-vm-res" |
	.linux.namespaces |= map(select(.type != "pid")) |
	.linux.resources.cpu = {"shares": 1024, "quota": 20000, "period": 100000} |
	.linux.resources.blockIO = {"throttleReadBpsDevice": [{"major": 7, "minor": 0, "rate": 1048576}]} |
	.linux.resources.hugepageLimits = [{"pageSize": "2MB", "limit": 4194304}] |
	.linux.resources.pids = {"limit": 42} |
	.linux.resources.unified = {"memory.high": "50000000"}'
set_args "$BUNDLE" sh -c 'sleep 600 & exec sleep 601'
new_id
must_berth run -d --bundle "$BUNDLE" "$ID"
wait_for 10 status_is "$ID" running || fail "container is not running: $(status "$ID")"
assert_eq "$(cg_read "$cg/cpu.weight")" 39 "cpu.weight from shares 1024"
assert_eq "$(cg_read "$cg/cpu.max")" "20000 100000" "cpu.max"
assert_eq "$(grep '^7:0 ' "$cg/io.max" | cut -d' ' -f1-2)" "7:0 rbps=1048576" "io.max"
assert_eq "$(cg_read "$cg/hugetlb.2MB.max")" 4194304 "hugetlb.2MB.max"
assert_eq "$(cg_read "$cg/memory.high")" 49999872 "memory.high (unified; page-aligned by the kernel)"

must_berth events --stats "$ID"
assert_eq "$(echo "$BERTH_OUT" | jq -r .type)" stats "events --stats type"
assert_eq "$(echo "$BERTH_OUT" | jq -r .data.pids.limit)" 42 "events --stats pids.limit"
assert_ge "$(echo "$BERTH_OUT" | jq -r .data.pids.current)" 2 "events --stats pids.current"

wait_for 5 sh -c "[ \$(wc -l <$cg/cgroup.procs) -ge 2 ]" || fail "expected 2 processes in $cg"
must_berth kill --all "$ID" KILL
wait_for 5 sh -c "[ ! -s $cg/cgroup.procs ]" || fail "kill --all left: $(cat "$cg/cgroup.procs")"
must_berth delete "$ID"
assert_missing "$cg"
losetup -d /dev/loop0
pass "cpu.weight, cpu.max, io.max, hugetlb.2MB.max, unified memory.high, events --stats, kill --all"
