#!/usr/bin/env bats
# CVE-2025-31133: maskedPaths are covered with a bind of /dev/null; an image whose /dev/null
# is something else (a regular file, or a link to a writable procfs file) turned the mask
# into an exposure. berth refuses a /dev/null that is not the 1:3 character device, both
# when it creates the default devices and when it masks (devices.cc, setup.cc).
# CVE-2025-52565: /dev/console as a symlink redirected the console bind mount.

load helpers

# The image's own /dev is used (no /dev tmpfs in the config), holding a hostile null.
use_image_dev() {
	cfg '.mounts |= map(select(.destination != "/dev"))'
}

@test "[devnull] CVE-2025-31133: a regular file as /dev/null does not become the mask of /proc/timer_list" {
	use_image_dev
	echo hostile-mask >"$BUNDLE/rootfs/dev/null"
	cfg '.linux.maskedPaths = ["/proc/timer_list"]'
	set_args /bin/cat /proc/timer_list
	run_probe
	[[ "$output" != *hostile-mask* ]] || { echo "the masked path shows the image's file" >&2; return 1; }
	assert_ne "$status" 0 "a hostile /dev/null"
	assert_contains "$stderr" "/dev/null"
}

# can fail: a console bind that followed the link would put the pty over the canary
# (the mount is in the container's namespace, but the link is dereferenced when the
# placeholder is created: the host file would be truncated or created).
@test "[-] CVE-2025-52565: /dev/console as a symlink to a host file is not followed" {
	canary=$(host_canary console)
	use_image_dev
	ln -sf "$canary" "$BUNDLE/rootfs/dev/console"
	cfg '.process.terminal = true'
	set_args /bin/true
	CID=con-$RANDOM
	run --separate-stderr rt run --bundle "$BUNDLE" "$CID" </dev/null
	assert_canary "$canary"
}

# can fail: default device creation through the link would create null, zero, ... in
# the host directory.
@test "[-] /dev in the image as a symlink to a host directory leaves it untouched" {
	mkdir -p "$TEST_DIR/hostdev"
	touch "$TEST_DIR/hostdev/canary"
	use_image_dev
	rm -rf "$BUNDLE/rootfs/dev"
	ln -s "$TEST_DIR/hostdev" "$BUNDLE/rootfs/dev"
	set_args /bin/true
	run_probe
	assert_eq "$(ls -A "$TEST_DIR/hostdev")" canary "entries of the host directory"
}

# can fail: creating the default devices or binding the mask through the link would turn
# the host file into (or cover it with) a device, or write into it.
@test "[-] /dev/null in the image as a symlink to a host file leaves the host file untouched" {
	canary=$(host_canary null)
	use_image_dev
	ln -sf "$canary" "$BUNDLE/rootfs/dev/null"
	cfg '.linux.maskedPaths = ["/proc/timer_list"]'
	set_args /bin/sh -c 'echo through-the-link >/dev/null; stat -c "%F %t:%T" /dev/null'
	run_probe
	assert_canary "$canary"
	[ ! -c "$canary" ] || { echo "the host file became a device" >&2; return 1; }
	if [ "$status" = 0 ]; then
		assert_eq "$output" "character special file 1:3" "/dev/null in the container"
	else
		assert_contains "$stderr" "/dev/null"
	fi
}

# /dev is a bind of a directory the image controls: berth creates no devices there, so
# the image's /dev/null survives and only the mask's own check stands (setup.cc mask_path).
bind_hostile_dev() {
	mkdir -p "$BUNDLE/hostiledev"
	cfg '.mounts |= map(select(.destination != "/dev" and (.destination | startswith("/dev/") | not))) |
		.mounts += [{"destination": "/dev", "type": "bind", "source": $d, "options": ["rbind"]}] |
		.linux.maskedPaths = ["/proc/timer_list"]' --arg d "$BUNDLE/hostiledev"
	set_args /bin/sh -c 'stat -c "%F %t:%T" /proc/timer_list; head -c 64 /proc/timer_list'
}

# The masked path must be the 1:3 null device (and read empty), or the container refuses.
assert_masked() {
	[[ "$output" != *hostile* ]] ||
		{ echo "the masked path shows something else: $output" >&2; return 1; }
	if [ "$status" = 0 ]; then
		assert_eq "$output" "character special file 1:3" "the masked /proc/timer_list"
	else
		assert_contains "$stderr" "/dev/null"
	fi
}

@test "[devnull] CVE-2025-31133: bind-mounted /dev with a regular file as null" {
	bind_hostile_dev
	echo hostile-mask >"$BUNDLE/hostiledev/null"
	run_probe
	assert_masked
	assert_eq "$(cat "$BUNDLE/hostiledev/null")" hostile-mask "the image's file"
}

@test "[devnull] CVE-2025-31133: bind-mounted /dev with another character device as null" {
	bind_hostile_dev
	mknod "$BUNDLE/hostiledev/null" c 1 5
	run_probe
	assert_masked
}

@test "[devnull] CVE-2025-31133: bind-mounted /dev whose null is a symlink to a procfs file" {
	bind_hostile_dev
	ln -s /proc/sys/kernel/hostname "$BUNDLE/hostiledev/null"
	cfg '.hostname = "hostile-host"'
	run_probe
	assert_masked
}
