#!/usr/bin/env bats
# `exec`: a new process in a running container (runc's command, flags and errors).

load helpers

# A running container whose init sleeps, with its own hostname and a seccomp rule that
# makes mkdir fail with 13, so the tests can tell the exec'd process is "in" it.
start_sleeper() {
	cfg '.hostname = "exec-host" | .linux.seccomp = {"defaultAction": "SCMP_ACT_ALLOW",
		"syscalls": [{"names": ["mkdir"], "action": "SCMP_ACT_ERRNO", "errnoRet": 13}]}'
	set_args /probe sleep 100
	run_detached ex
	wait_status ex running
}

@test "exec: joins the container's namespaces, cgroup and seccomp profile; exit status comes back" {
	start_sleeper
	local init
	init=$(ctr_pid ex)
	run --separate-stderr rt exec ex sh -c 'echo "pid=$$ host=$(hostname)"; exit 7'
	assert_eq "$status" 7 "exit status of the exec'd process"
	assert_eq "$output" "pid=2 host=exec-host"
	# Same namespaces as init, seen from the host.
	# Detached, the process keeps the stdio it was given: not bats' pipes.
	rt exec -d --pid-file "$TEST_DIR/p" ex /probe sleep 100 </dev/null >/dev/null 2>&1 3>&-
	local pid
	pid=$(cat "$TEST_DIR/p")
	local ns
	for ns in mnt pid net ipc uts cgroup; do
		assert_eq "$(readlink /proc/$pid/ns/$ns)" "$(readlink /proc/$init/ns/$ns)" "$ns namespace"
	done
	assert_eq "$(cat /proc/$pid/cgroup)" "$(cat /proc/$init/cgroup)" "cgroup"
	assert_eq "$(awk '/^Seccomp:/ {print $2}' /proc/$pid/status)" 2 "seccomp filter mode"
	assert_eq "$(awk '/^NoNewPrivs:/ {print $2}' /proc/$pid/status)" 1 "no_new_privs"
	kill "$pid"
	# The profile applies: mkdir is refused with the configured errno.
	run --separate-stderr rt exec ex /probe syscall mkdir str:/tmp/x 0755
	assert_eq "$(jq -r .errno <<<"$output")" 13
}

@test "exec: --user, --env, --cwd, --additional-gids, --cap" {
	start_sleeper
	run --separate-stderr rt exec --user 1000:1001 -g 2000 --env FOO=bar --env PATH=/bin:/sbin \
		--cwd /bin ex sh -c 'echo "$(id -u):$(id -g) $FOO $PATH $(pwd)"; grep ^Groups: /proc/self/status'
	assert_eq "$status" 0
	assert_eq "${lines[0]}" "1000:1001 bar /bin:/sbin /bin"
	[[ "${lines[1]}" == *2000* ]]
	# --cap adds to the bounding, effective, permitted and inheritable sets.
	run --separate-stderr rt exec --cap CAP_SYS_ADMIN ex sh -c 'grep ^CapEff: /proc/self/status'
	local eff=$((16#$(awk '{print $2}' <<<"$output")))
	(( (eff >> 21) & 1 )) || { echo "CAP_SYS_ADMIN not effective: $output"; return 1; }
	run --separate-stderr rt exec ex sh -c 'grep ^CapEff: /proc/self/status'
	eff=$((16#$(awk '{print $2}' <<<"$output")))
	(( ((eff >> 21) & 1) == 0 )) || { echo "CAP_SYS_ADMIN without --cap: $output"; return 1; }
}

@test "exec: --process process.json" {
	start_sleeper
	cat >"$TEST_DIR/process.json" <<-'JSON'
		{"args": ["sh", "-c", "echo from-json $X $(id -u)"], "cwd": "/", "env": ["X=1", "PATH=/bin"],
		 "user": {"uid": 1000, "gid": 1000}}
	JSON
	run --separate-stderr rt exec --process "$TEST_DIR/process.json" ex
	assert_eq "$status" 0
	assert_eq "$output" "from-json 1 1000"
	# containerd's way: "terminal" in the file, --console-socket, no -t.
	"$RECVTTY" "$TEST_DIR/tty.sock" >"$TEST_DIR/tty.out" 2>"$TEST_DIR/tty.err" 3>&- &
	local rpid=$!
	on_teardown "kill $rpid"
	wait_for 5 test -S "$TEST_DIR/tty.sock"
	echo '{"args": ["/probe", "tty"], "cwd": "/", "terminal": true}' >"$TEST_DIR/tty.json"
	rt exec -d --console-socket "$TEST_DIR/tty.sock" --process "$TEST_DIR/tty.json" ex </dev/null >/dev/null 2>&1 3>&-
	wait "$rpid"
	output=$(grep '"tty"' "$TEST_DIR/tty.out" | tr -d '\r')
	flatten_output
	assert_eq "${P[tty.ctty]}" true "terminal from process.json"
	echo '{"args": ["true"]}' >"$TEST_DIR/bad.json"
	run --separate-stderr rt exec --process "$TEST_DIR/bad.json" ex
	assert_ne "$status" 0
	assert_contains "$stderr" "process.cwd"
}

@test "exec: no runtime descriptor reaches the process" {
	start_sleeper
	run --separate-stderr rt exec ex /probe fds 5<"$BUNDLE/config.json"
	assert_eq "$status" 0
	flatten_output
	assert_eq "$(jq -r '[.fds[].fd] | sort | join(",")' <<<"$output")" "0,1,2"
}

@test "exec: -t with --console-socket" {
	start_sleeper
	"$RECVTTY" "$TEST_DIR/tty.sock" >"$TEST_DIR/tty.out" 2>"$TEST_DIR/tty.err" 3>&- &
	local rpid=$!
	on_teardown "kill $rpid"
	wait_for 5 test -S "$TEST_DIR/tty.sock"
	rt exec -t -d --console-socket "$TEST_DIR/tty.sock" ex /probe tty </dev/null >/dev/null 2>&1 3>&-
	wait "$rpid"
	output=$(grep '"tty"' "$TEST_DIR/tty.out" | tr -d '\r')
	flatten_output
	assert_eq "${P[tty.isatty]}" true,true,true
	assert_eq "${P[tty.ctty]}" true
}

@test "exec: errors (stopped container, unknown container, tty without a socket when detached)" {
	set_args true
	create_ctr st
	rt start st
	wait_status st stopped
	run --separate-stderr rt exec st true
	assert_ne "$status" 0
	assert_contains "$stderr" "cannot exec in a stopped container"
	run --separate-stderr rt exec nosuch true
	assert_ne "$status" 0
	assert_contains "$stderr" "does not exist"
	start_sleeper
	run --separate-stderr rt exec -t -d ex true
	assert_ne "$status" 0
	assert_contains "$stderr" "cannot allocate tty"
	run --separate-stderr rt exec ex
	assert_ne "$status" 0
}
