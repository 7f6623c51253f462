# smoke: the VM is a pure cgroup v2 host and berth runs a container in it.
. /tests/lib.sh

# cgroup_no_v1=all and /init's single mount: cgroup2 at /sys/fs/cgroup is the only cgroup fs.
mounts=$(grep cgroup /proc/mounts)
log "cgroup mounts: $mounts"
assert_eq "$(echo "$mounts" | awk '{print $2 ":" $3}')" "/sys/fs/cgroup:cgroup2" "cgroup mounts"
assert_eq "$(cat /proc/self/cgroup)" "0::/" "/proc/self/cgroup"
# /proc/cgroups: hierarchy id 0 for every controller means none is bound to a v1 hierarchy.
v1=$(awk 'NR > 1 && $2 != 0 { print $1 }' /proc/cgroups)
[ -z "$v1" ] || fail "controllers bound to a v1 hierarchy: $v1"

make_bundle
new_id
run_berth run --bundle "$BUNDLE" "$ID"
assert_eq "$BERTH_RC" 0 "berth run true exit status"

# The container sees its own cgroup v2 tree: one 0:: line, root of its cgroup namespace.
set_args "$BUNDLE" sh -c 'cat /proc/self/cgroup; grep cgroup /proc/mounts'
run_berth run --bundle "$BUNDLE" "$ID"
assert_eq "$BERTH_RC" 0 "berth run cat exit status"
assert_eq "$(echo "$BERTH_OUT" | head -1)" "0::/" "container /proc/self/cgroup"
assert_eq "$(echo "$BERTH_OUT" | sed -n 2p | awk '{print $2 ":" $3}')" "/sys/fs/cgroup:cgroup2" \
	"container cgroup mount"
pass "berth run true = 0; cgroup2 is the only cgroup fs"
