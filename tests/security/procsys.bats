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
# the value would stay in the tmpfs (or the write would fail) and the namespace's real
# setting would not change; the test reads the real one from the host, in the container's
# network namespace.
@test "[-] CVE-2023-27561: a tmpfs over /proc/sys does not swallow linux.sysctl" {
	cfg '.linux.namespaces |= (map(select(.type != "network")) + [{"type": "network"}]) |
		.linux.sysctl = {"net.ipv4.ip_forward": "1"} |
		.mounts += [{"destination": "/proc/sys", "type": "tmpfs", "source": "tmpfs"}]'
	set_args /bin/sleep 30
	CID=sysctl-$RANDOM
	if ! run_detached "$CID"; then
		# Refusing the fake /proc/sys is as good as writing through it to the real one.
		assert_contains "$(cat "$TEST_DIR/$CID.err")" "procfs"
		return 0
	fi
	pid=$(ctr_pid "$CID")
	real=$(nsenter -t "$pid" -n cat /proc/sys/net/ipv4/ip_forward)
	assert_eq "$real" 1 "ip_forward in the container's network namespace"
	rt delete -f "$CID"
}

# A host directory dressed up as procfs.
fake_proc() {
	mkdir -p "$TEST_DIR/fakeproc/sys/kernel" "$TEST_DIR/fakeproc/attr"
	echo fake-procfs >"$TEST_DIR/fakeproc/marker"
	echo fake-procfs >"$TEST_DIR/fakeproc/attr/marker"
}

# The container may refuse to start, or start with the real procfs on /proc: never with a
# fake one.
assert_real_proc() {
	[[ "$output" != *fake-procfs* ]] || { echo "the container sees the fake procfs: $output" >&2; return 1; }
	if [ "$status" = 0 ]; then
		assert_eq "${output%%$'\n'*}" proc "filesystem type of the container's /proc"
	else
		assert_contains "$stderr" "/proc"
	fi
	[ -z "$(find "$TEST_DIR/fakeproc" -newer "$BUNDLE/config.json" -type f)" ] ||
		{ echo "the runtime wrote into the fake procfs" >&2; return 1; }
}

@test "[proc-mount] CVE-2019-19921: a bind of a fake procfs over /proc after the proc mount" {
	fake_proc
	cfg '.mounts += [{"destination": "/proc", "type": "bind", "source": $f, "options": ["rbind"]}] |
		.process.oomScoreAdj = 100' --arg f "$TEST_DIR/fakeproc"
	set_args /bin/sh -c 'stat -f -c %T /proc; cat /proc/marker'
	run_probe
	assert_real_proc
	assert_ne "$status" 0 "a bind over /proc"
	# the refusal is the property; the wording is berth's
	! is_berth || assert_contains "$stderr" "only a procfs may be mounted on /proc"
}

@test "[proc-mount] CVE-2023-27561: a tmpfs over /proc after the proc mount" {
	cfg '.mounts += [{"destination": "/proc", "type": "tmpfs", "source": "tmpfs"}]'
	mkdir -p "$TEST_DIR/fakeproc"
	set_args /bin/sh -c 'stat -f -c %T /proc'
	run_probe
	assert_real_proc
}

@test "[proc-mount] CVE-2019-16884: a mount over /proc/self/attr" {
	fake_proc
	cfg '.mounts += [{"destination": "/proc/self/attr", "type": "bind", "source": $f,
		"options": ["bind"]}]' --arg f "$TEST_DIR/fakeproc/attr"
	set_args /bin/sh -c 'stat -f -c %T /proc; cat /proc/self/attr/marker'
	run_probe
	assert_real_proc
	assert_ne "$status" 0 "a mount over the LSM attributes"
	! is_berth || assert_contains "$stderr" "LSM attributes"
}
