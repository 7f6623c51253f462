#!/usr/bin/env bats
# Lifecycle operations (runtime-spec runtime.md): create, start, state, kill, delete, run, list.

load helpers

@test "lifecycle: create -> created, start -> running, kill -> stopped, delete" {
	set_args /probe sleep 100
	create_ctr c1 --pid-file "$TEST_DIR/c1.pid"
	run --separate-stderr rt state c1
	[ "$status" -eq 0 ]
	assert_eq "$(pj .status)" created
	local pid
	pid=$(pj .pid)
	[ "$pid" -gt 0 ]
	assert_eq "$(cat "$TEST_DIR/c1.pid")" "$pid" "pid-file content"
	# the created container's process exists but has not exec'd the user process yet
	[ -d "/proc/$pid" ]

	rt start c1
	assert_eq "$(state_field c1 .status)" running
	assert_eq "$(state_field c1 .pid)" "$pid" "pid unchanged by start"
	assert_contains "$(tr '\0' ' ' </proc/$pid/cmdline)" "/probe sleep 100"

	rt kill c1 KILL
	wait_status c1 stopped 5

	rt delete c1
	run rt state c1
	[ "$status" -ne 0 ]
	assert_no_state
}

@test "lifecycle: state JSON has the required fields" {
	set_args /probe sleep 100
	create_ctr c1
	run --separate-stderr rt state c1
	[ "$status" -eq 0 ]
	jq -e 'has("ociVersion") and has("id") and has("pid") and has("status") and has("bundle")
		and has("rootfs") and has("created") and has("owner")' <<<"$output"
	assert_eq "$(pj .id)" c1
	assert_eq "$(pj .bundle)" "$BUNDLE"
	assert_eq "$(pj .rootfs)" "$BUNDLE/rootfs"
	pj .created | grep -Eq '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}'
	pj .ociVersion | grep -Eq '^1\.[0-9]+\.[0-9]+'
}

@test "lifecycle: state of an unknown id fails with 'does not exist'" {
	run --separate-stderr rt state nope
	assert_eq "$status" 1
	assert_contains "$stderr" "does not exist"
	assert_eq "$output" ""
}

@test "lifecycle: delete of a running container without --force fails and leaves it running" {
	set_args /probe sleep 100
	run_detached c1
	assert_eq "$(state_field c1 .status)" running
	run --separate-stderr rt delete c1
	assert_eq "$status" 1
	# runc 1.1.5: "cannot delete container c1 that is not stopped: running"
	assert_contains "$stderr" "not stopped"
	assert_contains "$stderr" "running"
	assert_eq "$(state_field c1 .status)" running
}

@test "lifecycle: delete of a created container without --force fails (spec)" {
	skip_unless_berth "runc 1.1.5 kills and deletes a created container without --force (spec: MUST generate an error)"
	set_args /probe sleep 100
	create_ctr c1
	run --separate-stderr rt delete c1
	[ "$status" -ne 0 ]
	assert_eq "$(state_field c1 .status)" created
}

@test "lifecycle: delete --force of a running container" {
	set_args /probe sleep 100 marker-force-$$
	run_detached c1
	local pid
	pid=$(ctr_pid c1)
	rt delete --force c1
	run rt state c1
	[ "$status" -ne 0 ]
	wait_for 5 test ! -e "/proc/$pid"
	assert_no_state
}

@test "lifecycle: delete --force of an unknown id succeeds" {
	run --separate-stderr rt delete --force nope
	assert_eq "$status" 0
}

@test "lifecycle: delete of an unknown id fails" {
	run --separate-stderr rt delete nope
	assert_eq "$status" 1
	assert_contains "$stderr" "does not exist"
}

@test "lifecycle: start of a running or stopped container fails" {
	set_args /probe sleep 100
	run_detached c1
	run --separate-stderr rt start c1
	assert_eq "$status" 1
	assert_contains "$stderr" "running"
	rt kill c1 KILL
	wait_status c1 stopped
	run --separate-stderr rt start c1
	assert_eq "$status" 1
	assert_contains "$stderr" "stopped"
}

@test "lifecycle: kill of a stopped container fails" {
	set_args /probe exit 0
	create_ctr c1
	rt start c1
	wait_status c1 stopped
	assert_eq "$(state_field c1 .pid)" 0 "pid of a stopped container"
	run --separate-stderr rt kill c1 KILL
	assert_eq "$status" 1
	# runc 1.1.5: "container not running"
	assert_contains "$stderr" "not running"
}

@test "lifecycle: kill of a created container stops it" {
	set_args /probe sleep 100
	create_ctr c1
	rt kill c1 KILL
	wait_status c1 stopped
}

@test "lifecycle: run propagates the exit code" {
	run_probe exit 3
	assert_eq "$status" 3
	run_probe exit 0
	assert_eq "$status" 0
	run_probe exit 255
	assert_eq "$status" 255
}

@test "lifecycle: run of a process killed by a signal exits 128+signal" {
	# without a pid namespace the shell is not a pid-1 init, so SIGTERM is not ignored
	cfg 'del(.linux.namespaces[] | select(.type == "pid"))'
	set_args sh -c 'kill -TERM $$'
	run_probe
	assert_eq "$status" 143
}

@test "lifecycle: run killed from the host with KILL exits 137" {
	set_args /probe signals 30
	rt run --bundle "$BUNDLE" r1 </dev/null >"$TEST_DIR/r1.out" 2>"$TEST_DIR/r1.err" 3>&- &
	local bg=$!
	wait_for 10 file_has "$TEST_DIR/r1.out" ready
	rt kill r1 KILL
	local rc=0
	wait $bg || rc=$?
	assert_eq "$rc" 137
}

@test "lifecycle: run -d returns while the container runs" {
	set_args /probe sleep 100
	run_detached c1
	assert_eq "$(state_field c1 .status)" running
}

@test "lifecycle: run removes the container after it exits" {
	run_probe exit 0
	assert_eq "$status" 0
	assert_no_state
}

kill_until_stopped() { # <signal>
	set_args /probe sleep 100
	run_detached k1
	rt kill k1 "$1"
	wait_status k1 stopped 5
	rt delete k1
}

@test "lifecycle: kill with signal names and numbers (KILL, SIGKILL, 9)" {
	kill_until_stopped KILL
	kill_until_stopped SIGKILL
	kill_until_stopped 9
}

@test "lifecycle: kill with no signal sends SIGTERM" {
	set_args /probe signals 30
	run_detached s1
	wait_for 5 file_has "$TEST_DIR/s1.out" ready
	rt kill s1
	wait_for 5 file_has "$TEST_DIR/s1.out" '"name":"SIGTERM"'
	wait_status s1 stopped
}

@test "lifecycle: kill delivers TERM, USR1 and HUP to the container process" {
	set_args /probe signals 30
	run_detached s1
	wait_for 5 file_has "$TEST_DIR/s1.out" ready
	rt kill s1 USR1
	wait_for 5 file_has "$TEST_DIR/s1.out" '"name":"SIGUSR1"'
	rt kill s1 SIGHUP
	wait_for 5 file_has "$TEST_DIR/s1.out" '"name":"SIGHUP"'
	rt kill s1 12
	wait_for 5 file_has "$TEST_DIR/s1.out" '"name":"SIGUSR2"'
	rt kill s1 TERM
	wait_for 5 file_has "$TEST_DIR/s1.out" '"name":"SIGTERM"'
	wait_status s1 stopped
}

@test "lifecycle: kill delivers a real-time signal by number" {
	set_args /probe signals 30
	run_detached s1
	wait_for 5 file_has "$TEST_DIR/s1.out" ready
	rt kill s1 37
	wait_for 5 file_has "$TEST_DIR/s1.out" '"name":"SIGRTMIN+3"'
}

@test "lifecycle: kill accepts SIGRTMIN+3 by name" {
	skip_unless_berth "runc 1.1.5 rejects 'SIGRTMIN+3' (unknown signal)"
	set_args /probe signals 30
	run_detached s1
	wait_for 5 file_has "$TEST_DIR/s1.out" ready
	rt kill s1 SIGRTMIN+3
	wait_for 5 file_has "$TEST_DIR/s1.out" '"name":"SIGRTMIN+3"'
	rt kill s1 RTMIN+3
	wait_for 5 grep -c 'SIGRTMIN+3' "$TEST_DIR/s1.out"
	[ "$(grep -c 'SIGRTMIN+3' "$TEST_DIR/s1.out")" -eq 2 ]
}

@test "lifecycle: kill with an unknown signal fails" {
	set_args /probe sleep 100
	run_detached c1
	run --separate-stderr rt kill c1 NOSUCHSIG
	assert_eq "$status" 1
	# runc 1.1.5: unknown signal "NOSUCHSIG"
	assert_contains "$stderr" "unknown signal"
	assert_eq "$(state_field c1 .status)" running
}

@test "lifecycle: kill --all kills every process of the container" {
	local m=marker-all-$$-$RANDOM
	set_args sh -c "/probe sleep 100 $m & /probe sleep 100 $m & exec /probe sleep 100 $m"
	run_detached c1
	wait_for 5 test "$(stray_procs "$m" | wc -l)" -eq 3
	rt kill --all c1 KILL
	wait_status c1 stopped
	wait_for 5 test -z "$(stray_procs "$m")"
}

@test "lifecycle: list shows the table, -q and --format json" {
	set_args /probe sleep 100
	run --separate-stderr rt list
	assert_eq "$status" 0
	[ "$(echo "$output" | head -1 | tr -s ' ')" = "ID PID STATUS BUNDLE CREATED OWNER" ]
	[ "$(echo "$output" | wc -l)" -eq 1 ]

	run_detached aaa
	create_ctr bbb
	run --separate-stderr rt list
	assert_eq "$status" 0
	[ "$(echo "$output" | head -1 | tr -s ' ')" = "ID PID STATUS BUNDLE CREATED OWNER" ]
	echo "$output" | grep -E "^aaa +[0-9]+ +running +$BUNDLE +[0-9T:.Z-]+ +root$"
	echo "$output" | grep -E "^bbb +[0-9]+ +created +$BUNDLE +[0-9T:.Z-]+ +root$"

	run --separate-stderr rt list -q
	assert_eq "$status" 0
	assert_eq "$(echo "$output" | sort | tr '\n' ' ')" "aaa bbb "

	run --separate-stderr rt list --format json
	assert_eq "$status" 0
	assert_eq "$(pj 'map(.id) | sort | join(",")')" "aaa,bbb"
	assert_eq "$(pj '.[] | select(.id == "aaa") | .status')" running
	assert_eq "$(pj '.[] | select(.id == "bbb") | .status')" created
	pj '.[0] | has("ociVersion") and has("pid") and has("bundle") and has("rootfs") and has("created") and has("owner")' | grep -q true
}

@test "lifecycle: list --format json of no containers" {
	run --separate-stderr rt list --format json
	assert_eq "$status" 0
	# runc 1.1.5 prints "null"; an empty array is accepted too
	[[ "$output" == "null" || "$(pj 'length')" == 0 ]]
}

@test "lifecycle: create --pid-file with a relative path" {
	set_args /probe sleep 100
	mkdir "$TEST_DIR/cwd"
	(cd "$TEST_DIR/cwd" && create_ctr c1 --pid-file rel.pid)
	[ -s "$TEST_DIR/cwd/rel.pid" ]
	assert_eq "$(cat "$TEST_DIR/cwd/rel.pid")" "$(ctr_pid c1)"
}

@test "lifecycle: create --pid-file with an absolute path" {
	set_args /probe sleep 100
	create_ctr c1 --pid-file "$TEST_DIR/abs.pid"
	assert_eq "$(cat "$TEST_DIR/abs.pid")" "$(ctr_pid c1)"
}

@test "lifecycle: --preserve-fds 1 passes fd 3 and nothing more" {
	set_args /probe fds
	echo hello >"$TEST_DIR/fd3"
	CID=pfds
	run --separate-stderr rt run --preserve-fds 1 --bundle "$BUNDLE" pfds 3<"$TEST_DIR/fd3" 4<"$TEST_DIR/fd3"
	assert_eq "$status" 0
	assert_eq "$(pj '.fds[] | select(.fd == 3) | .target')" "$TEST_DIR/fd3"
	assert_eq "$(pj '[.fds[].fd] | sort | join(",")')" "0,1,2,3"
}

@test "lifecycle: LISTEN_FDS=1 passes fd 3 and sets LISTEN_FDS/LISTEN_PID" {
	set_args /probe fds env
	echo hello >"$TEST_DIR/fd3"
	# systemd socket activation: LISTEN_PID must be the runtime's own pid
	run --separate-stderr bash -c 'export LISTEN_PID=$$ LISTEN_FDS=1; exec "$@"' _ \
		"$RUNTIME" --root "$TEST_ROOT" run --bundle "$BUNDLE" lfds 3<"$TEST_DIR/fd3" 4<"$TEST_DIR/fd3"
	assert_eq "$status" 0
	assert_eq "$(pj '.fds[] | select(.fd == 3) | .target')" "$TEST_DIR/fd3"
	assert_eq "$(pj '[.fds[].fd] | sort | join(",")')" "0,1,2,3"
	pj '.env[]' | grep -qx 'LISTEN_FDS=1'
	pj '.env[]' | grep -qx 'LISTEN_PID=1'
}

@test "lifecycle: invalid container ids are rejected" {
	local id
	for id in "../x" "a/b" ".." "x/../../y"; do
		run --separate-stderr rt create --bundle "$BUNDLE" "$id" </dev/null 3>&-
		[ "$status" -ne 0 ] || { echo "id '$id' accepted"; return 1; }
		# runc 1.1.5: "invalid container ID format"
		assert_contains "$stderr" "invalid"
	done
	assert_no_state
	[ ! -e "$TEST_DIR/x" ] && [ ! -e "$TEST_DIR/y" ]
}

@test "lifecycle: creating an existing id fails with 'exists'" {
	set_args /probe sleep 100
	create_ctr c1
	local pid
	pid=$(ctr_pid c1)
	run --separate-stderr rt create --bundle "$BUNDLE" c1 </dev/null 3>&-
	assert_eq "$status" 1
	# runc 1.1.5: "container with given ID already exists"
	assert_contains "$stderr" "exists"
	assert_eq "$(state_field c1 .status)" created
	assert_eq "$(ctr_pid c1)" "$pid"
}
