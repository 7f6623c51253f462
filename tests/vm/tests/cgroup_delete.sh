# cgroup_delete: the container's cgroup exists while it runs and is removed by berth delete
# (stopped container), berth delete --force (running) and run's own cleanup.
. /tests/lib.sh
cg=$CG/berth-vm-delete
own_cgroup "$cg"
make_bundle
cfg "$BUNDLE" '.linux.cgroupsPath = "/berth-vm-delete"'
set_args "$BUNDLE" sleep 600
new_id

must_berth run -d --bundle "$BUNDLE" "$ID"
wait_for 10 status_is "$ID" running || fail "container is not running: $(status "$ID")"
assert_exists "$cg"
pid=$("$BERTH" state "$ID" | jq -r .pid)
grep -qx "$pid" "$cg/cgroup.procs" || fail "init pid $pid is not in $cg/cgroup.procs"
must_berth kill "$ID" KILL
wait_for 10 status_is "$ID" stopped || fail "container did not stop: $(status "$ID")"
must_berth delete "$ID"
assert_missing "$cg" "cgroup after delete of a stopped container"

must_berth run -d --bundle "$BUNDLE" "$ID"
wait_for 10 status_is "$ID" running || fail "container is not running: $(status "$ID")"
assert_exists "$cg"
must_berth delete --force "$ID"
assert_missing "$cg" "cgroup after delete --force of a running container"

set_args "$BUNDLE" true
must_berth run --bundle "$BUNDLE" "$ID"
assert_missing "$cg" "cgroup after a foreground run"
pass "cgroup removed by delete, delete --force and run"
