# cgroup_update: berth update changes the limits of a running container.
. /tests/lib.sh
cg=$CG/berth-vm-update
own_cgroup "$cg"
make_bundle
cfg "$BUNDLE" '.linux.cgroupsPath = "/berth-vm-update" |
	.linux.resources.memory = {"limit": 33554432} | .linux.resources.pids = {"limit": 100}'
set_args "$BUNDLE" sleep 600
new_id
must_berth run -d --bundle "$BUNDLE" "$ID"
wait_for 10 status_is "$ID" running || fail "container is not running: $(status "$ID")"
assert_eq "$(cg_read "$cg/memory.max")" 33554432 "memory.max before update"

must_berth update --memory 64m "$ID"
assert_eq "$(cg_read "$cg/memory.max")" 67108864 "memory.max after update --memory 64m"
assert_eq "$(cg_read "$cg/pids.max")" 100 "pids.max untouched by update --memory"

must_berth update --pids-limit 50 "$ID"
assert_eq "$(cg_read "$cg/pids.max")" 50 "pids.max after update --pids-limit 50"
assert_eq "$(cg_read "$cg/memory.max")" 67108864 "memory.max untouched by update --pids-limit"
must_berth delete --force "$ID"
pass "update --memory 64m -> memory.max=67108864; --pids-limit 50 -> pids.max=50"
