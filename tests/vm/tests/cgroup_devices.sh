# cgroup_devices: linux.resources.devices (an eBPF device program on v2) denies every
# device except the default ones; an explicit allow rule is honoured.
. /tests/lib.sh
cg=$CG/berth-vm-devices
own_cgroup "$cg"
make_bundle
cfg "$BUNDLE" '.linux.cgroupsPath = "/berth-vm-devices" |
	.linux.resources.devices = [{"allow": false, "access": "rwm"}]'
add_caps "$BUNDLE" CAP_MKNOD
# Block device 8:0 (sd a) does not exist in the VM: if the cgroup allows it, open fails with
# ENXIO; only the device controller answers EPERM. mknod itself ("m") may be denied too.
set_args "$BUNDLE" sh -c '
	/probe open /dev/null >/dev/null && echo null=ok || echo null=fail
	if mknod /dev/blk b 8 0 2>/tmp/err; then
		echo mknod=ok
		/probe open /dev/blk
	else
		echo "mknod=fail $(cat /tmp/err)"
	fi
	true'
new_id
run_berth run --bundle "$BUNDLE" "$ID"
assert_eq "$BERTH_RC" 0 "container exit status"
echo "$BERTH_OUT" | grep -qx null=ok || fail "default device /dev/null cannot be opened"
if echo "$BERTH_OUT" | grep -q '^mknod=ok'; then
	assert_eq "$(echo "$BERTH_OUT" | grep '^{' | jq -r .open.errno_name)" EPERM "open of b 8:0"
	how="mknod allowed, open EPERM"
else
	echo "$BERTH_OUT" | grep -q '^mknod=fail.*not permitted' ||
		fail "mknod failed for another reason: $(echo "$BERTH_OUT" | grep mknod)"
	how="mknod EPERM"
fi

# With an allow rule for b 8:0 the same open reaches the (absent) device: ENXIO, not EPERM.
cfg "$BUNDLE" '.linux.resources.devices += [{"allow": true, "type": "b", "major": 8, "minor": 0, "access": "rwm"}]'
run_berth run --bundle "$BUNDLE" "$ID"
echo "$BERTH_OUT" | grep -q '^mknod=ok' || fail "mknod of an allowed device failed: $(echo "$BERTH_OUT" | grep mknod)"
assert_eq "$(echo "$BERTH_OUT" | grep '^{' | jq -r .open.errno_name)" ENXIO "open of allowed b 8:0"
pass "deny-all: $how; /dev/null ok; allow b 8:0 -> ENXIO"
