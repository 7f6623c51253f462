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

# 3. CVE-2025-52881: a host file bound over the container's /proc/self/attr/apparmor/exec
# (mounts come after /proc; at mount time "self" is the container's init, which is the
# process that later writes the file). The write must still reach the real procfs.
canary=/tmp/aa-canary
echo canary >"$canary"
_vm_dirs="$_vm_dirs $canary"
cfg "$b" '.mounts += [{"destination": "/proc/self/attr/apparmor/exec", "type": "bind",
	"source": "/tmp/aa-canary", "options": ["bind"]}]'
set_args "$b" sh -c 'cat /proc/self/attr/current'
new_id overmount
run_berth run --bundle "$b" "$ID"
assert_eq "$(cat "$canary")" canary "host file bound over attr/apparmor/exec"
assert_eq "$BERTH_RC" 0 "overmounted container exit status"
assert_eq "$BERTH_OUT" "berth-test-deny (enforce)" "attr/current with the bind mount"

pass "confined (deny /tmp/denied = EACCES, /tmp/ok writable), missing profile refused, attr overmount ignored"
