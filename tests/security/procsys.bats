#!/usr/bin/env bats
# CVE-2019-16884, CVE-2019-19921, CVE-2023-27561: /proc (or /sys) in the image as a
# symlink made the runtime mount procfs elsewhere and write its LSM and sysctl settings into
# an attacker's fake /proc. berth mounts proc and sysfs only on a plain directory of the
# image and checks the filesystem type after mounting (mount_ops.cc).

load helpers

@test "[proc-dir] CVE-2019-19921: /proc in the image is a symlink to a directory the image controls" {
	rmdir "$BUNDLE/rootfs/proc"
	mkdir -p "$BUNDLE/rootfs/fakeproc"
	ln -s fakeproc "$BUNDLE/rootfs/proc"
	set_args /bin/true
	run_probe
	assert_ne "$status" 0 "a symlinked /proc"
	assert_contains "$stderr" "not a plain directory"
	[ -z "$(ls -A "$BUNDLE/rootfs/fakeproc")" ] || { echo "procfs was mounted through the link" >&2; return 1; }
}

@test "[proc-dir] CVE-2019-16884: /sys in the image is a symlink" {
	rmdir "$BUNDLE/rootfs/sys"
	mkdir -p "$BUNDLE/rootfs/fakesys"
	ln -s fakesys "$BUNDLE/rootfs/sys"
	set_args /bin/true
	run_probe
	assert_ne "$status" 0 "a symlinked /sys"
	assert_contains "$stderr" "not a plain directory"
	[ -z "$(ls -A "$BUNDLE/rootfs/fakesys")" ] || { echo "sysfs was mounted through the link" >&2; return 1; }
}

# can fail: if berth wrote its sysctls through a tmpfs the config mounted over /proc/sys,
# the value would stay in the tmpfs file and the namespace's real setting would not change;
# the test reads the real one through a second, fresh procfs.
@test "[-] CVE-2023-27561: a tmpfs over /proc/sys does not swallow linux.sysctl" {
	cfg '.linux.namespaces |= (map(select(.type != "network")) + [{"type": "network"}]) |
		.linux.sysctl = {"net.ipv4.ip_forward": "1"} |
		.mounts += [{"destination": "/proc/sys", "type": "tmpfs", "source": "tmpfs"}]'
	set_args /bin/true
	run_probe
	# /proc/sys is no longer procfs: berth refuses to write through it.
	assert_ne "$status" 0 "sysctl through a fake /proc/sys"
	assert_contains "$stderr" "not on procfs"
}
