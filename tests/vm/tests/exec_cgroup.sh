# exec_cgroup: on a pure cgroup v2 host, `berth exec` starts its process inside the
# container's cgroup (clone3 CLONE_INTO_CGROUP, no migration afterwards), under its
# limits, and returns its exit status; `exec -d --pid-file` leaves it running there.
. /tests/lib.sh
cg=$CG/berth-vm-exec
own_cgroup "$cg"
make_bundle
cfg "$BUNDLE" '.linux.cgroupsPath = "/berth-vm-exec" | .linux.resources.pids = {"limit": 20}'
set_args "$BUNDLE" sleep 600
new_id

must_berth run -d --bundle "$BUNDLE" "$ID"
wait_for 10 status_is "$ID" running || fail "container is not running: $(status "$ID")"
run_berth exec "$ID" sh -c 'cat /proc/self/cgroup; exit 3'
assert_eq "$BERTH_RC" 3 "exec exit status"
# In the container's cgroup namespace its own cgroup is the root.
assert_eq "$BERTH_OUT" "0::/" "/proc/self/cgroup seen by the exec'd process"
must_berth exec -d --pid-file /tmp/exec.pid "$ID" sleep 600
pid=$(cat /tmp/exec.pid)
assert_eq "$(cat /proc/$pid/cgroup)" "0::/berth-vm-exec" "cgroup of the exec'd process from the host"
grep -qx "$pid" "$cg/cgroup.procs" || fail "exec pid $pid is not in $cg/cgroup.procs"
assert_eq "$(cg_read "$cg/pids.current")" 2 "pids.current with init and the exec'd process"
must_berth delete --force "$ID"
assert_missing "$cg" "cgroup after delete --force"
pass "exec joins the v2 cgroup (CLONE_INTO_CGROUP): status 3, 0::/berth-vm-exec, pids.current=2"
