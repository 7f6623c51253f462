#!/usr/bin/env bats
# CVE-2021-30465, CVE-2024-45310: a mount destination that is (or passes through) a symlink
# in the image made the runtime create directories or mount outside the rootfs. berth
# refuses a destination whose symlinks leave the rootfs (plan_builder) and resolves every
# destination inside the root in the child (resolve.cc), so a host directory never gains an
# entry. The host-visible effect checked here is the directory the runtime creates for a
# mount point: a mount itself lands in the container's mount namespace.

load helpers

# mount_through_link <link target> : /escape in the rootfs is a symlink to it; a tmpfs is
# mounted on /escape/made/here.
mount_through_link() {
	ln -sfn "$1" "$BUNDLE/rootfs/escape"
	cfg '.mounts += [{"destination": "/escape/made/here", "type": "tmpfs", "source": "tmpfs"}]'
	set_args /bin/true
	run_probe
}

assert_hostdir_untouched() {
	local left
	left=$(ls -A "$TEST_DIR/hostdir")
	assert_eq "$left" "canary" "entries of the host directory"
}

setup_hostdir() {
	mkdir -p "$TEST_DIR/hostdir"
	touch "$TEST_DIR/hostdir/canary"
}

@test "[mount-dest] CVE-2021-30465: absolute symlink to a host directory" {
	setup_hostdir
	mount_through_link "$TEST_DIR/hostdir"
	assert_hostdir_untouched
}

@test "[mount-dest] CVE-2021-30465: relative symlink climbing out with .." {
	setup_hostdir
	mount_through_link "../../hostdir"
	assert_hostdir_untouched
}

@test "[mount-dest] CVE-2024-45310: a dangling symlink as a file mount point creates no host file" {
	echo src >"$TEST_DIR/src"
	ln -s "$TEST_DIR/not-yet" "$BUNDLE/rootfs/escapefile"
	cfg '.mounts += [{"destination": "/escapefile", "type": "bind", "source": $s, "options": ["bind"]}]' \
		--arg s "$TEST_DIR/src"
	set_args /bin/true
	run_probe
	[ ! -e "$TEST_DIR/not-yet" ] || { echo "the runtime created $TEST_DIR/not-yet on the host" >&2; return 1; }
}

# can fail: if the child resolved destinations with the host's view, the link swapped in by
# the createRuntime hook (after the parent's check, before the mounts) would make the
# directories appear in hostdir; the parent-side check cannot see a link made later.
@test "[mount-dest] CVE-2021-30465: a directory swapped for a symlink after the checks" {
	setup_hostdir
	mkdir -p "$BUNDLE/rootfs/escape"
	cfg '.mounts += [{"destination": "/escape/made/here", "type": "tmpfs", "source": "tmpfs"}] |
		.hooks.createRuntime = [{"path": "/bin/sh", "args": ["sh", "-c",
			"rm -rf " + $r + "/escape && ln -s " + $h + " " + $r + "/escape"]}]' \
		--arg r "$BUNDLE/rootfs" --arg h "$TEST_DIR/hostdir"
	set_args /bin/true
	run_probe
	assert_hostdir_untouched
}
