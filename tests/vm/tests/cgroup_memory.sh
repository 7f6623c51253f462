# cgroup_memory: linux.resources.memory.limit is memory.max; exceeding it OOM-kills the
# container (exit 137) and the kill is counted in memory.events.
. /tests/lib.sh
grep -qw memory "$CG/cgroup.subtree_control" || skip "memory controller not enabled"

# The container's cgroup is a child of one the test owns: memory.events is hierarchical, so
# the parent still shows the oom_kill after `berth run` has removed the container's cgroup.
parent=$CG/berth-vm-mem
mkdir -p "$parent"
own_cgroup "$parent/c"
own_cgroup "$parent"
echo +memory >"$parent/cgroup.subtree_control" || fail "cannot enable memory in $parent"

make_bundle
cfg "$BUNDLE" '.linux.cgroupsPath = "/berth-vm-mem/c" | .linux.resources.memory = {"limit": 33554432}'
new_id

# Inside (cgroup namespace) the container's own memory.max is the limit.
set_args "$BUNDLE" cat /sys/fs/cgroup/memory.max
run_berth run --bundle "$BUNDLE" "$ID"
assert_eq "$BERTH_RC" 0 "cat memory.max exit status"
assert_eq "$BERTH_OUT" 33554432 "memory.max seen in the container"

# 64 MiB into /dev/shm: tmpfs pages are charged to the writer's memcg and cannot be reclaimed
# without swap, so the 32 MiB limit OOM-kills dd, the container's init.
before=$(cg_key "$parent/memory.events" oom_kill)
set_args "$BUNDLE" dd if=/dev/zero of=/dev/shm/fill bs=1M count=64
run_berth run --bundle "$BUNDLE" "$ID"
assert_eq "$BERTH_RC" 137 "exit status of the container writing 64 MiB"
after=$(cg_key "$parent/memory.events" oom_kill)
assert_ge "$((after - ${before:-0}))" 1 "new oom_kill events in memory.events"
assert_missing "$parent/c" "container cgroup after run"
pass "memory.max=32MiB, 64MiB write -> 137, oom_kill=$after"
