# cgroup_freeze: berth pause freezes the cgroup (cgroup.freeze, state "paused"); berth resume
# thaws it (state "running").
. /tests/lib.sh
cg=$CG/berth-vm-freeze
own_cgroup "$cg"
make_bundle
cfg "$BUNDLE" '.linux.cgroupsPath = "/berth-vm-freeze"'
set_args "$BUNDLE" sleep 600
new_id
must_berth run -d --bundle "$BUNDLE" "$ID"
wait_for 10 status_is "$ID" running || fail "container is not running: $(status "$ID")"
assert_exists "$cg"

frozen() { [ "$(cg_key "$cg/cgroup.events" frozen)" = "$1" ]; }
must_berth pause "$ID"
assert_eq "$(cg_read "$cg/cgroup.freeze")" 1 "cgroup.freeze after pause"
wait_for 10 frozen 1 || fail "cgroup.events never showed frozen 1"
assert_eq "$(status "$ID")" paused "state after pause"
pid=$("$BERTH" state "$ID" | jq -r .pid)
log "init pid $pid: $(grep State /proc/"$pid"/status)"

must_berth resume "$ID"
assert_eq "$(cg_read "$cg/cgroup.freeze")" 0 "cgroup.freeze after resume"
wait_for 10 frozen 0 || fail "cgroup.events never showed frozen 0"
assert_eq "$(status "$ID")" running "state after resume"

# A frozen container can still be force-deleted (SIGKILL reaches frozen tasks on v2).
must_berth pause "$ID"
must_berth delete --force "$ID"
wait_for 10 test ! -e "$cg" || fail "cgroup of the deleted paused container remains"
pass "pause -> freeze=1 paused, resume -> freeze=0 running, delete -f of paused works"
