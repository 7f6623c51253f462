# apparmor_profile: process.apparmorProfile confines the container (config.md "Linux
# Process"), a profile that is not loaded fails `create` cleanly, and a bind mount over
# /proc/self/attr/apparmor/exec cannot swallow the profile (CVE-2025-52881).
. /tests/lib.sh

[ "$(cat /sys/module/apparmor/parameters/enabled 2>/dev/null)" = Y ] || skip "AppArmor is off"
command -v apparmor_parser >/dev/null || skip "no apparmor_parser"

# Enough for a busybox container; the profile takes effect at the container's execve, after
# berth's own setup, so it needs no mount/pivot_root rules.
p=/tmp/berth-test-deny.aa
cat >"$p" <<'PROFILE'
abi <abi/3.0>,
profile berth-test-deny flags=(attach_disconnected) {
  file,
  capability,
  network,
  signal,
  ptrace,
  unix,
  deny /tmp/denied w,
}
PROFILE
[ -d /etc/apparmor.d/abi ] || sed -i '/^abi /d' "$p"
out=$(apparmor_parser --skip-cache -r "$p" 2>&1) || fail "apparmor_parser -r: $out"
remove_profile() { apparmor_parser -R "$p" >/dev/null 2>&1; rm -f "$p"; }
trap 'remove_profile; _vm_cleanup' EXIT

# 1. Confined: the deny rule holds, other writes work, attr/current names the profile.
make_bundle
b=$BUNDLE
cfg "$b" '.process.apparmorProfile = "berth-test-deny"'
set_args "$b" sh -c 'cat /proc/self/attr/current
if echo x >/tmp/denied 2>/dev/null; then echo denied-writable; else echo denied-refused; fi
if echo x >/tmp/ok; then echo ok-writable; else echo ok-refused; fi'
new_id confined
run_berth run --bundle "$b" "$ID"
assert_eq "$BERTH_RC" 0 "confined container exit status"
assert_eq "$(echo "$BERTH_OUT" | sed -n 1p)" "berth-test-deny (enforce)" "attr/current"
assert_eq "$(echo "$BERTH_OUT" | sed -n 2p)" denied-refused "write /tmp/denied"
assert_eq "$(echo "$BERTH_OUT" | sed -n 3p)" ok-writable "write /tmp/ok"
# The denial is EACCES.
set_args "$b" sh -c 'echo x >/tmp/denied'
run_berth run --bundle "$b" "$ID"
case $BERTH_ERR in *"Permission denied"*) log "ok: EACCES" ;; *) fail "no EACCES: $BERTH_ERR" ;; esac

# 2. A profile that is not loaded: create fails naming it, and leaves no container.
make_bundle
b2=$BUNDLE
cfg "$b2" '.process.apparmorProfile = "berth-test-missing" | .linux.cgroupsPath = "/berth-vm-aa-missing"'
new_id missing
own_cgroup /sys/fs/cgroup/berth-vm-aa-missing
run_berth create --bundle "$b2" "$ID"
[ "$BERTH_RC" != 0 ] || fail "create with a missing profile succeeded"
case $BERTH_ERR in
*'process.apparmorProfile: profile "berth-test-missing" is not loaded'*) log "ok: clear error" ;;
*) fail "unclear error: $BERTH_ERR" ;;
esac
run_berth state "$ID"
[ "$BERTH_RC" != 0 ] || fail "a container was left behind: $BERTH_OUT"
assert_missing /sys/fs/cgroup/berth-vm-aa-missing "its cgroup"

# 3. CVE-2025-52881 / CVE-2019-16884: a host file bound over the container's
# /proc/self/attr/apparmor/exec would swallow the profile write. berth refuses any mount
# over an attr directory up front (as runc does for mounts inside /proc): a clear error,
# the host file untouched, no container left.
canary=/tmp/aa-canary
echo canary >"$canary"
_vm_dirs="$_vm_dirs $canary"
cp "$b/config.json" "$b/config.base.json"
cfg "$b" '.mounts += [{"destination": "/proc/self/attr/apparmor/exec", "type": "bind",
	"source": "/tmp/aa-canary", "options": ["bind"]}]'
set_args "$b" sh -c 'cat /proc/self/attr/current'
new_id overmount
run_berth run --bundle "$b" "$ID"
assert_eq "$(cat "$canary")" canary "host file bound over attr/apparmor/exec"
[ "$BERTH_RC" != 0 ] || fail "a mount over attr/apparmor/exec was accepted: $BERTH_OUT"
case $BERTH_ERR in *"LSM attributes"*) log "ok: refused: $BERTH_ERR" ;; *) fail "unclear error: $BERTH_ERR" ;; esac
run_berth state "$ID"
[ "$BERTH_RC" != 0 ] || fail "a container was left behind: $BERTH_OUT"

# 4. A fake directory bound over the whole /proc/self (the path resolves, inside the root,
# to /proc/<init pid>, the process that later writes its label) is not an attr mount, so
# it is accepted; the label write must still reach the real procfs, because berth writes
# LSM attributes through its own detached procfs instance (src/lib/attrs/procfs.h).
fake=/tmp/aa-fakeself
mkdir -p "$fake/attr/apparmor"
: >"$fake/attr/apparmor/exec"
: >"$fake/attr/exec"
: >"$fake/attr/current"
_vm_dirs="$_vm_dirs $fake"
cp "$b/config.base.json" "$b/config.json"
cfg "$b" '.mounts += [{"destination": "/proc/self", "type": "bind",
	"source": "/tmp/aa-fakeself", "options": ["rbind"]}]'
set_args "$b" sh -c 'if echo x >/tmp/denied 2>/dev/null; then echo denied-writable; else echo denied-refused; fi'
new_id fakeself
run_berth run --bundle "$b" "$ID"
assert_eq "$BERTH_RC" 0 "container with a fake /proc/self: exit status ($BERTH_ERR)"
assert_eq "$BERTH_OUT" denied-refused "confinement with a fake /proc/self"
assert_eq "$(cat "$fake/attr/apparmor/exec" "$fake/attr/exec")" "" "fake attr files"

pass "confined (deny /tmp/denied = EACCES, /tmp/ok writable), missing profile refused, attr overmount refused, fake /proc/self ignored"
