# apparmor_profile: process.apparmorProfile confines the container process (config.md
# "AppArmor profile"): a deny rule is enforced, attr/current names the profile, a profile that
# is not loaded fails create cleanly, and a bind mount over the container's
# /proc/self/attr/apparmor/exec cannot make the profile write miss the real procfs
# (CVE-2025-52881): berth refuses, and the host file bound there is untouched.
. /tests/lib.sh

p=/tmp/berth-test-deny.aa
cat >"$p" <<'PROFILE'
abi <abi/3.0>,
profile berth-test-deny flags=(attach_disconnected,mediate_deleted) {
  file,
  capability,
  network,
  signal,
  unix,
  deny /tmp/denied w,
}
PROFILE
[ -d /etc/apparmor.d/abi ] || sed -i '/^abi /d' "$p"
out=$(apparmor_parser --skip-cache -r "$p" 2>&1) || fail "apparmor_parser -r: $out"
trap 'apparmor_parser -R "$p" >/dev/null 2>&1; _vm_cleanup' EXIT

make_bundle
cfg "$BUNDLE" '.process.apparmorProfile = "berth-test-deny"'
# Shell builtins only after the exec: nothing else needs to be executable under the profile.
set_args "$BUNDLE" sh -c 'read l </proc/self/attr/current; echo "label=$l";
	echo x >/tmp/ok && echo ok=yes; echo x >/tmp/denied && echo denied=written; echo end'
new_id confined
must_berth run --bundle "$BUNDLE" "$ID"
echo "$BERTH_OUT" | grep -qx 'label=berth-test-deny (enforce)' ||
	fail "attr/current does not name the profile: $BERTH_OUT"
echo "$BERTH_OUT" | grep -qx 'ok=yes' || fail "an allowed write failed: $BERTH_OUT"
echo "$BERTH_OUT" | grep -q 'denied=written' && fail "the deny rule was not enforced: $BERTH_OUT"
echo "$BERTH_OUT" | grep -qx 'end' || fail "the container did not finish: $BERTH_OUT"
log "ok: confined, deny enforced"

# Not loaded: a clear error naming the field, nothing left behind.
cfg "$BUNDLE" '.process.apparmorProfile = "berth-not-loaded"'
new_id missing
run_berth run --bundle "$BUNDLE" "$ID"
[ "$BERTH_RC" != 0 ] || fail "a profile that is not loaded was accepted"
echo "$BERTH_ERR" | grep -q 'process.apparmorProfile: profile "berth-not-loaded" is not loaded' ||
	fail "unclear error: $BERTH_ERR"
[ -z "$("$BERTH" list -q)" ] || fail "state left after the failed run: $("$BERTH" list -q)"
log "ok: not-loaded profile refused"

# CVE-2025-52881: the profile write must reach the real procfs, not a file mounted over it.
canary=/tmp/aa-canary
echo canary >"$canary"
cfg "$BUNDLE" '.process.apparmorProfile = "berth-test-deny" |
	.mounts += [{"destination": "/proc/self/attr/apparmor/exec", "type": "bind",
	             "source": "/tmp/aa-canary", "options": ["bind"]}]'
new_id overmount
run_berth run --bundle "$BUNDLE" "$ID"
assert_eq "$(cat "$canary")" canary "host file mounted over attr/apparmor/exec"
if [ "$BERTH_RC" = 0 ]; then
	echo "$BERTH_OUT" | grep -qx 'label=berth-test-deny (enforce)' ||
		fail "the container ran unconfined: $BERTH_OUT"
fi
log "ok: overmounted attr file (rc $BERTH_RC)"
pass "confined with deny, not-loaded error, attr overmount harmless"
