#!/usr/bin/env bats
# Hooks (config.md "POSIX-platform Hooks", runtime.md "Lifecycle").

load helpers

# A hook script that records: its name, the state on stdin, its args, env, mount namespace.
# Usable on the host (MARKS=$TEST_DIR/marks) and in the container (busybox sh, MARKS=/marks).
write_hook_script() { # <path>
	cat >"$1" <<-'EOF_HOOK'
		#!/bin/sh
		name=$1
		cat >"$MARKS/$name.state"
		echo "$@" >"$MARKS/$name.args"
		env >"$MARKS/$name.env"
		readlink /proc/self/ns/mnt >"$MARKS/$name.mntns"
		readlink /proc/self/ns/pid >"$MARKS/$name.pidns"
		[ -z "$HOOK_SLEEP" ] || sleep "$HOOK_SLEEP"
		echo "$name" >>"$MARKS/order"
		[ -z "$HOOK_FAIL" ] || exit 3
		exit 0
	EOF_HOOK
	chmod +x "$1"
}

setup_hooks() {
	mkdir -p "$TEST_DIR/marks" "$BUNDLE/rootfs/marks"
	write_hook_script "$TEST_DIR/hook.sh"
	write_hook_script "$BUNDLE/rootfs/hook.sh"
	cfg '.mounts += [{"destination": "/marks", "source": $m, "options": ["bind"]}]
		| .hooks = {
			"prestart": [{"path": $h, "args": ["hook.sh", "prestart", "a1"], "env": ["MARKS=\($m)", "HOOKVAR=pre"]}],
			"createRuntime": [{"path": $h, "args": ["hook.sh", "createRuntime", "a1"], "env": ["MARKS=\($m)", "HOOKVAR=cr"]}],
			"createContainer": [{"path": $h, "args": ["hook.sh", "createContainer", "a1"], "env": ["MARKS=\($m)", "HOOKVAR=cc"]}],
			"startContainer": [{"path": "/hook.sh", "args": ["hook.sh", "startContainer", "a1"], "env": ["MARKS=/marks", "HOOKVAR=sc"]}],
			"poststart": [{"path": $h, "args": ["hook.sh", "poststart", "a1"], "env": ["MARKS=\($m)", "HOOKVAR=ps"]}],
			"poststop": [{"path": $h, "args": ["hook.sh", "poststop", "a1"], "env": ["MARKS=\($m)", "HOOKVAR=pst"]}]
		}' --arg m "$TEST_DIR/marks" --arg h "$TEST_DIR/hook.sh"
	M=$TEST_DIR/marks
}

@test "hooks: every hook runs, in order, at the right operation" {
	setup_hooks
	# A slow startContainer hook: `start` must wait for it (and the exec) before poststart.
	cfg '.hooks.startContainer[0].env += ["HOOK_SLEEP=0.5"]'
	set_args /probe sleep 100
	create_ctr hk
	local h
	for h in prestart createRuntime createContainer; do [ -e "$M/$h.state" ] || { echo "$h did not run at create"; return 1; }; done
	for h in startContainer poststart poststop; do
		# runc 1.1.5 runs poststart hooks already at create (spec: after the process starts)
		[ "$h" = poststart ] && ! is_berth && continue
		[ ! -e "$M/$h.state" ] || { echo "$h ran at create"; return 1; }
	done
	rt start hk
	[ -e "$M/startContainer.state" ]
	[ -e "$M/poststart.state" ]
	[ ! -e "$M/poststop.state" ]
	rt kill hk KILL
	wait_status hk stopped
	[ ! -e "$M/poststop.state" ]
	rt delete hk
	[ -e "$M/poststop.state" ]
	# createRuntime < createContainer < startContainer < poststart < poststop; prestart is
	# before startContainer
	local order
	order=$(tr '\n' ' ' <"$M/order")
	echo "order: $order"
	if is_berth; then
		[[ "$order" == *createRuntime*createContainer*startContainer*poststart*poststop* ]]
	else
		# runc 1.1.5 runs poststart at create, i.e. before startContainer
		[[ "$order" == *createRuntime*createContainer*startContainer*poststop* ]]
	fi
	[[ "$order" == *prestart*startContainer* ]]
}

@test "hooks: a failing startContainer hook fails start; no poststart, the container stops" {
	setup_hooks
	cfg '.hooks.startContainer[0].env += ["HOOK_FAIL=1"]'
	set_args /probe sleep 100
	create_ctr hk
	run --separate-stderr rt start hk
	assert_ne "$status" 0 "start with a failing startContainer hook"
	echo "$stderr"
	[ -e "$M/startContainer.state" ]
	[ ! -e "$M/poststart.state" ] || { echo "poststart ran after a failed startContainer hook"; return 1; }
	wait_status hk stopped
	rt delete hk
	[ -e "$M/poststop.state" ]
}

@test "hooks: the state on stdin" {
	setup_hooks
	set_args /probe sleep 100
	create_ctr hk
	local pid
	pid=$(ctr_pid hk)
	rt start hk
	rt delete -f hk
	local h
	for h in prestart createRuntime createContainer startContainer poststart poststop; do
		jq -e --arg b "$BUNDLE" '.id == "hk" and .bundle == $b and has("ociVersion") and has("status")' \
			"$M/$h.state" >/dev/null || { echo "$h: bad state: $(cat "$M/$h.state")"; return 1; }
	done
	# runtime.md: the pid as seen by the runtime for hooks in the runtime namespace, as seen
	# by the container for hooks in the container namespace (new pid namespace: 1)
	for h in prestart createRuntime poststart; do
		assert_eq "$(jq -r .pid "$M/$h.state")" "$pid" "$h pid"
	done
	for h in createContainer startContainer; do
		assert_eq "$(jq -r .pid "$M/$h.state")" 1 "$h pid"
	done
	# runc 1.1.5: creating for prestart/createRuntime/createContainer, created for
	# startContainer, running for poststart, stopped for poststop
	local s
	for h in prestart createRuntime createContainer; do
		s=$(jq -r .status "$M/$h.state")
		[[ "$s" == creating || "$s" == created ]] || { echo "$h status $s"; return 1; }
	done
	s=$(jq -r .status "$M/startContainer.state")
	[[ "$s" == created || "$s" == running ]]
	if is_berth; then
		assert_eq "$(jq -r .status "$M/poststart.state")" running
	else
		# runc 1.1.5 runs poststart at create: "created"
		assert_eq "$(jq -r .status "$M/poststart.state")" created
	fi
	assert_eq "$(jq -r .status "$M/poststop.state")" stopped
}

@test "hooks: args and env are passed" {
	setup_hooks
	set_args /probe exit 0
	run_probe
	assert_eq "$status" 0
	local h
	for h in prestart createRuntime createContainer startContainer poststart poststop; do
		assert_eq "$(cat "$M/$h.args")" "$h a1"
		grep -q '^HOOKVAR=' "$M/$h.env"
	done
	grep -qx HOOKVAR=cr "$M/createRuntime.env"
	grep -qx HOOKVAR=sc "$M/startContainer.env"
	# env is exactly what the hook asked for (a shell adds PWD, SHLVL, ...)
	! grep -q '^RUNTIME=' "$M/createRuntime.env"
}

@test "hooks: each hook runs in the namespace the spec names" {
	setup_hooks
	set_args /probe sleep 100
	create_ctr hk
	local pid
	pid=$(ctr_pid hk)
	rt start hk
	local host_mnt ctr_mnt
	host_mnt=$(readlink /proc/self/ns/mnt)
	ctr_mnt=$(readlink "/proc/$pid/ns/mnt")
	assert_ne "$host_mnt" "$ctr_mnt"
	assert_eq "$(cat "$M/prestart.mntns")" "$host_mnt" prestart
	assert_eq "$(cat "$M/createRuntime.mntns")" "$host_mnt" createRuntime
	assert_eq "$(cat "$M/createContainer.mntns")" "$ctr_mnt" createContainer
	assert_eq "$(cat "$M/startContainer.mntns")" "$ctr_mnt" startContainer
	assert_eq "$(cat "$M/startContainer.pidns")" "$(readlink "/proc/$pid/ns/pid")" "startContainer pid ns"
	assert_eq "$(cat "$M/poststart.mntns")" "$host_mnt" poststart
	rt delete -f hk
	assert_eq "$(cat "$M/poststop.mntns")" "$host_mnt" poststop
}

@test "hooks: a hook timeout kills the hook and fails create" {
	cp "$PROBE" "$TEST_DIR/probe"
	cat >"$TEST_DIR/slow.sh" <<-EOF
		#!/bin/sh
		exec $TEST_DIR/probe sleep 30 marker-hook-$$
	EOF
	chmod +x "$TEST_DIR/slow.sh"
	cfg '.hooks = {"createRuntime": [{"path": $h, "timeout": 1}]}' --arg h "$TEST_DIR/slow.sh"
	set_args /probe sleep 100 marker-ctr-$$
	local t0=$SECONDS
	run --separate-stderr rt create --bundle "$BUNDLE" ht </dev/null 3>&-
	[ "$status" -ne 0 ]
	[ $((SECONDS - t0)) -lt 10 ]
	# runc 1.1.5: "hook ran past specified timeout of 1.0s"
	assert_contains "$stderr" "timeout"
	wait_for 5 test -z "$(stray_procs marker-hook-$$)"
	[ -z "$(stray_procs marker-ctr-$$)" ]
	assert_no_state
}

@test "hooks: a failing createRuntime hook fails create and leaves nothing behind" {
	printf '#!/bin/sh\necho hook-said-no >&2\nexit 7\n' >"$TEST_DIR/fail.sh"
	chmod +x "$TEST_DIR/fail.sh"
	cfg '.hooks = {"createRuntime": [{"path": $h}]}' --arg h "$TEST_DIR/fail.sh"
	set_args /probe sleep 100 marker-fail-$$
	run --separate-stderr rt create --bundle "$BUNDLE" hf </dev/null 3>&-
	[ "$status" -ne 0 ]
	echo "stderr: $stderr"
	assert_no_state
	run rt state hf
	[ "$status" -ne 0 ]
	[ -z "$(stray_procs marker-fail-$$)" ]
	# no leftover cgroup named after the container
	[ ! -e /sys/fs/cgroup/pids/hf ] && [ ! -e /sys/fs/cgroup/unified/hf ]
}

@test "hooks: a failing poststart hook fails start" {
	printf '#!/bin/sh\nexit 3\n' >"$TEST_DIR/fail.sh"
	chmod +x "$TEST_DIR/fail.sh"
	cfg '.hooks = {"poststart": [{"path": $h}]}' --arg h "$TEST_DIR/fail.sh"
	set_args /probe sleep 100 marker-ps-$$
	if create_ctr hp; then
		run --separate-stderr rt start hp
		[ "$status" -ne 0 ]
		# runtime.md: generate an error and stop the container
		wait_status hp stopped
	else
		# runc 1.1.5 runs poststart at create, so create fails
		is_berth && { echo "create failed: $(cat "$TEST_DIR/hp.err")"; return 1; }
		assert_no_state
	fi
	wait_for 5 test -z "$(stray_procs marker-ps-$$)"
}

@test "hooks: a failing poststop hook does not prevent delete" {
	printf '#!/bin/sh\nexit 3\n' >"$TEST_DIR/fail.sh"
	chmod +x "$TEST_DIR/fail.sh"
	cfg '.hooks = {"poststop": [{"path": $h}]}' --arg h "$TEST_DIR/fail.sh"
	set_args /probe exit 0
	create_ctr hs
	rt start hs
	wait_status hs stopped
	run --separate-stderr rt delete hs
	# the spec: a poststop failure MUST be logged but the operation continues
	run rt state hs
	[ "$status" -ne 0 ]
	assert_no_state
}
