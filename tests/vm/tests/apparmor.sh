# apparmor: the VM provides AppArmor (berth's use of it is tested in apparmor_profile.sh; this only
# checks that the kernel, securityfs and apparmor_parser work, so that tests can rely on it).
. /tests/lib.sh

assert_eq "$(cat /sys/module/apparmor/parameters/enabled 2>/dev/null)" Y "apparmor enabled"
assert_exists /sys/kernel/security/apparmor
grep -qw apparmor /sys/kernel/security/lsm || fail "apparmor not in /sys/kernel/security/lsm"
command -v apparmor_parser >/dev/null || fail "apparmor_parser was not copied into the VM"

p=/tmp/berth-vm-test.aa
cat >"$p" <<'PROFILE'
abi <abi/3.0>,
profile berth-vm-test flags=(attach_disconnected) {
  file,
  deny /tmp/aa-forbidden r,
}
PROFILE
# The abi include is resolved by the parser; without /etc/apparmor.d drop the line.
[ -d /etc/apparmor.d/abi ] || sed -i '/^abi /d' "$p"
out=$(apparmor_parser --skip-cache -r "$p" 2>&1) || fail "apparmor_parser -r: $out"
remove_profile() { apparmor_parser -R "$p" >/dev/null 2>&1; rm -f "$p" /tmp/aa-forbidden; }
trap 'remove_profile; _vm_cleanup' EXIT
grep -q '^berth-vm-test (enforce)' /sys/kernel/security/apparmor/profiles ||
	fail "profile not listed in /sys/kernel/security/apparmor/profiles"

# A process that asks for the profile on exec runs confined and is denied the deny rule.
echo secret >/tmp/aa-forbidden
cur=$(sh -c 'echo "exec berth-vm-test" >/proc/self/attr/exec && exec cat /proc/self/attr/current')
assert_eq "$cur" "berth-vm-test (enforce)" "confined process label"
if sh -c 'echo "exec berth-vm-test" >/proc/self/attr/exec && exec cat /tmp/aa-forbidden' >/dev/null 2>&1; then
	fail "the profile's deny rule was not enforced"
fi
log "ok: deny rule enforced"

apparmor_parser -R "$p" || fail "apparmor_parser -R failed"
grep -q '^berth-vm-test ' /sys/kernel/security/apparmor/profiles && fail "profile still loaded after -R"
pass "enabled=Y, securityfs, profile load/confine/deny/unload work"
