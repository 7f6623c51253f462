#!/usr/bin/env bats
# Invalid bundles: each must fail, name the offending field (berth), and leave nothing behind
# (runtime.md "Errors": the state of the environment is as if the operation was never run).

load helpers

# expect_failure <id> <berth-substring> [runc-substring]
# Runs `create` (the container's process would be `/probe sleep 100 <marker>`), then checks
# the failure and that no state, mount, process or cgroup is left.
expect_failure() {
	local id=$1 berth_msg=$2 runc_msg=${3:-}
	local marker=marker-err-$$-$RANDOM
	cfg '.process.args = ["/probe", "sleep", "100", $m]' --arg m "$marker"
	local t0=$SECONDS
	run --separate-stderr rt create --bundle "$BUNDLE" "$id" </dev/null 3>&-
	echo "status=$status stderr=$stderr"
	[ "$status" -ne 0 ] || { echo "create unexpectedly succeeded"; return 1; }
	[ $((SECONDS - t0)) -lt 20 ]
	if is_berth; then
		assert_contains "$stderr" "$berth_msg"
	elif [ -n "$runc_msg" ]; then
		assert_contains "$stderr" "$runc_msg"
	fi
	run rt state "$id"
	[ "$status" -ne 0 ]
	assert_no_state
	assert_no_mounts
	[ -z "$(stray_procs "$marker")" ]
	local c
	for c in /sys/fs/cgroup/*/"$id" /sys/fs/cgroup/unified/"$id"; do
		[ ! -e "$c" ] || { echo "cgroup left: $c"; return 1; }
	done
}

@test "errors: missing rootfs" {
	rm -rf "$BUNDLE/rootfs"
	expect_failure e1 "root.path" "rootfs"
}

@test "errors: missing config.json" {
	rm "$BUNDLE/config.json"
	run --separate-stderr rt create --bundle "$BUNDLE" e0 </dev/null 3>&-
	[ "$status" -ne 0 ]
	assert_contains "$stderr" "config.json"
	assert_no_state
}

@test "errors: config.json that is not JSON" {
	echo '{"ociVersion": ' >"$BUNDLE/config.json"
	run --separate-stderr rt create --bundle "$BUNDLE" e0 </dev/null 3>&-
	[ "$status" -ne 0 ]
	assert_no_state
}

@test "errors: a relative mount destination" {
	skip_unless_berth "runc 1.1.5 only warns about a relative mount destination and mounts it relative to /"
	cfg '.mounts = [{"destination": "relative/dir", "type": "tmpfs", "source": "tmpfs"}] + .mounts'
	expect_failure e2 "mounts[0].destination"
}

@test "errors: a bind mount of a missing source" {
	cfg '.mounts += [{"destination": "/mnt/x", "source": "/nonexistent/source", "options": ["bind"]}]'
	local n
	n=$(jq '.mounts | length - 1' "$BUNDLE/config.json")
	expect_failure e4 "mounts[$n]" "/nonexistent/source"
}

@test "errors: an unknown mount type" {
	cfg '.mounts += [{"destination": "/mnt/x", "type": "nosuchfs", "source": "none"}]'
	local n
	n=$(jq '.mounts | length - 1' "$BUNDLE/config.json")
	expect_failure e5 "mounts[$n]"
}

@test "errors: an unknown namespace type" {
	cfg '.linux.namespaces += [{"type": "bogus"}]'
	# runc 1.1.5: namespace {"bogus" ""} does not exist
	expect_failure e6 "linux.namespaces" "bogus"
}

@test "errors: a duplicated namespace type" {
	cfg '.linux.namespaces += [{"type": "ipc"}]'
	expect_failure e7 "linux.namespaces"
}

@test "errors: a namespace path that does not exist" {
	cfg '.linux.namespaces = [.linux.namespaces[] | if .type == "network" then .path = "/nonexistent/ns" else . end]'
	expect_failure e8 "linux.namespaces" "/nonexistent/ns"
}

@test "errors: a nonexistent cwd" {
	skip_unless_berth "runc 1.1.5 creates a missing cwd"
	cfg '.process.cwd = "/does/not/exist"'
	expect_failure e9 "process.cwd"
}

@test "errors: a relative cwd" {
	cfg '.process.cwd = "relative"'
	# runc 1.1.5: Cwd must be an absolute path
	expect_failure e10 "process.cwd" "Cwd must be an absolute path"
}

@test "errors: a process executable that does not exist" {
	cfg '.process.args = ["/nonexistent"]'
	# create may succeed (runc execs at start); run must fail with nothing left
	CID=e11
	run --separate-stderr rt run --bundle "$BUNDLE" e11 </dev/null 3>&-
	[ "$status" -ne 0 ]
	# runc 1.1.5: exec: "/nonexistent": stat /nonexistent: no such file or directory
	assert_contains "$stderr" "/nonexistent"
	assert_no_state
}

@test "errors: a failing createRuntime hook" {
	printf '#!/bin/sh\nexit 1\n' >"$TEST_DIR/fail.sh"
	chmod +x "$TEST_DIR/fail.sh"
	cfg '.hooks = {"createRuntime": [{"path": $h}]}' --arg h "$TEST_DIR/fail.sh"
	expect_failure e12 "hooks.createRuntime[0]" "hook"
}

@test "errors: a failing createContainer hook" {
	printf '#!/bin/sh\nexit 1\n' >"$TEST_DIR/fail.sh"
	chmod +x "$TEST_DIR/fail.sh"
	cfg '.hooks = {"createContainer": [{"path": $h}]}' --arg h "$TEST_DIR/fail.sh"
	expect_failure e13 "hooks.createContainer[0]" "hook"
}

@test "errors: a hook path that does not exist" {
	cfg '.hooks = {"prestart": [{"path": "/nonexistent/hook"}]}'
	expect_failure e14 "hooks.prestart[0]"
}

@test "errors: a non-namespaced sysctl" {
	cfg '.linux.sysctl = {"kernel.printk": "4 4 1 7"}'
	expect_failure e15 "linux.sysctl" "kernel.printk"
}

@test "errors: an unsupported ociVersion major" {
	skip_unless_berth "runc 1.1.5 does not check ociVersion"
	cfg '.ociVersion = "2.0.0"'
	expect_failure e16 "ociVersion"
}
