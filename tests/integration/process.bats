#!/usr/bin/env bats
# The container process (config.md "Process", config-linux.md "Personality", "Memory policy").

load helpers

@test "process: args are passed verbatim" {
	set_args /probe cat "/etc/hostname"
	probe_ok
	assert_eq "${P[cat.content]}" "berth-test"$'\n'
	set_args sh -c 'printf "%s|" "$@"' zero "a b" "" 'c"d' '$HOME'
	run_probe
	assert_eq "$status" 0
	assert_eq "$output" 'a b||c"d|$HOME|'
}

@test "process: env is set exactly and a bare command is found through PATH" {
	cfg '.process.env = ["PATH=/bin:/usr/bin", "FOO=bar baz", "EMPTY=", "HOME=/home/user"]'
	probe_ok env
	assert_eq "${P[env]}" "PATH=/bin:/usr/bin,FOO=bar baz,EMPTY=,HOME=/home/user"
	set_args sh -c 'echo "$FOO"'
	run_probe
	assert_eq "$status" 0
	assert_eq "$output" "bar baz"
}

@test "process: a bare command that is not in PATH fails" {
	cfg '.process.env = ["PATH=/nonexistent"]'
	set_args sh -c 'true'
	run_probe
	[ "$status" -ne 0 ]
	assert_no_state
}

@test "process: cwd" {
	cfg '.process.cwd = "/tmp"'
	probe_ok cwd
	assert_eq "${P[cwd]}" /tmp
	cfg '.process.cwd = "/home/user/"'
	probe_ok cwd
	assert_eq "${P[cwd]}" /home/user
}

@test "process: a cwd that does not exist fails with an error naming cwd" {
	skip_unless_berth "runc 1.1.5 creates a missing cwd (observed: the run succeeds, cwd is mkdir'ed in the rootfs)"
	cfg '.process.cwd = "/does/not/exist"'
	run_probe cwd
	[ "$status" -ne 0 ]
	assert_contains "$stderr" "cwd"
	assert_no_state
}

@test "process: user uid, gid and additionalGids" {
	cfg '.process.user = {"uid": 1000, "gid": 1001, "additionalGids": [10, 20, 1001]}'
	probe_ok ids
	assert_eq "${P[ids.uid]},${P[ids.euid]},${P[ids.suid]},${P[ids.fsuid]}" 1000,1000,1000,1000
	assert_eq "${P[ids.gid]},${P[ids.egid]},${P[ids.sgid]},${P[ids.fsgid]}" 1001,1001,1001,1001
	assert_eq "$(tr , '\n' <<<"${P[ids.groups]}" | sort -n | tr '\n' ' ')" "10 20 1001 "
}

@test "process: root user without additionalGids has no supplementary groups" {
	probe_ok ids
	assert_eq "${P[ids.uid]}:${P[ids.gid]}" 0:0
	# a runtime may not leak the host's (or its own) groups
	[[ "${P[ids.groups]}" == "" || "${P[ids.groups]}" == "0" ]]
}

@test "process: umask" {
	cfg '.process.user.umask = 63'
	probe_ok umask
	assert_eq "${P[umask]}" 0077
	cfg 'del(.process.user.umask)'
	probe_ok umask
	assert_eq "${P[umask]}" 0022
}

@test "process: rlimits NOFILE and CORE" {
	cfg '.process.rlimits = [{"type": "RLIMIT_NOFILE", "soft": 512, "hard": 4096},
		{"type": "RLIMIT_CORE", "soft": 1024, "hard": 2048}]'
	probe_ok rlimits
	assert_eq "${P[rlimits.RLIMIT_NOFILE.soft]}/${P[rlimits.RLIMIT_NOFILE.hard]}" 512/4096
	assert_eq "${P[rlimits.RLIMIT_CORE.soft]}/${P[rlimits.RLIMIT_CORE.hard]}" 1024/2048
}

@test "process: an rlimit above the hard limit the runtime can set fails" {
	# this VM's hard NOFILE limit is 20000 and cannot be raised (not even by root)
	local hard
	hard=$(ulimit -Hn)
	[ "$hard" != unlimited ] || skip "hard NOFILE limit is unlimited here"
	cfg '.process.rlimits = [{"type": "RLIMIT_NOFILE", "soft": 1024, "hard": '"$((hard * 1000))"'}]'
	set_args /probe sleep 100 marker-rlim-$$
	run_probe
	[ "$status" -ne 0 ] || {
		# the kernel allows root to raise it after all: then the container must see it
		run_probe rlimits
		assert_eq "${P[rlimits.RLIMIT_NOFILE.hard]}" $((hard * 1000))
	}
	[ -z "$(stray_procs marker-rlim-$$)" ]
}

@test "process: an unknown rlimit type fails" {
	cfg '.process.rlimits = [{"type": "RLIMIT_BOGUS", "soft": 1, "hard": 1}]'
	run_probe
	[ "$status" -ne 0 ]
	assert_no_state
}

@test "process: capabilities, all five sets, for a non-root user" {
	cfg '.process.user = {"uid": 1000, "gid": 1000}
		| .process.capabilities = {"bounding": ["CAP_NET_BIND_SERVICE"], "effective": ["CAP_NET_BIND_SERVICE"],
			"permitted": ["CAP_NET_BIND_SERVICE"], "inheritable": ["CAP_NET_BIND_SERVICE"],
			"ambient": ["CAP_NET_BIND_SERVICE"]}'
	probe_ok caps ids
	assert_eq "${P[ids.uid]}" 1000
	local set
	for set in bounding effective permitted inheritable ambient; do
		assert_eq "${P[caps.$set]}" CAP_NET_BIND_SERVICE "$set"
	done
	assert_eq "${P[caps.hex.bounding]}" 0000000000000400
}

@test "process: capabilities, distinct sets for root" {
	cfg '.process.capabilities = {"bounding": ["CAP_CHOWN", "CAP_KILL", "CAP_SETUID"],
		"permitted": ["CAP_CHOWN", "CAP_KILL"], "effective": ["CAP_KILL"], "inheritable": ["CAP_CHOWN"]}'
	probe_ok caps
	assert_eq "${P[caps.bounding]}" CAP_CHOWN,CAP_KILL,CAP_SETUID
	assert_eq "${P[caps.permitted]}" CAP_CHOWN,CAP_KILL
	# uid 0: the kernel's legacy root semantics make effective = permitted at execve
	# (asking for a smaller effective set cannot survive the exec without securebits)
	assert_eq "${P[caps.effective]}" CAP_CHOWN,CAP_KILL
	assert_eq "${P[caps.inheritable]}" CAP_CHOWN
	assert_eq "${P[caps.ambient]}" ""
}

@test "process: no capabilities at all" {
	cfg '.process.capabilities = {}'
	probe_ok caps
	local set
	for set in bounding effective permitted inheritable ambient; do
		assert_eq "${P[caps.hex.$set]}" 0000000000000000 "$set"
	done
}

@test "process: an unknown capability fails" {
	skip_unless_berth "runc 1.1.5 ignores an unknown capability with a warning (spec: MUST generate an error)"
	cfg '.process.capabilities.bounding += ["CAP_BOGUS"]'
	run_probe caps
	[ "$status" -ne 0 ]
	assert_no_state
}

@test "process: noNewPrivileges" {
	cfg '.process.noNewPrivileges = true'
	probe_ok nnp
	assert_eq "${P[nnp]}" 1
	cfg '.process.noNewPrivileges = false'
	probe_ok nnp
	assert_eq "${P[nnp]}" 0
}

@test "process: oomScoreAdj, and unchanged when unset" {
	cfg '.process.oomScoreAdj = 500'
	probe_ok oom_score_adj
	assert_eq "${P[oom_score_adj]}" 500
	cfg 'del(.process.oomScoreAdj)'
	probe_ok oom_score_adj
	assert_eq "${P[oom_score_adj]}" "$(cat /proc/self/oom_score_adj)"
}

@test "process: personality LINUX32" {
	requires_feature personality
	cfg '.linux.personality = {"domain": "LINUX32"}'
	probe_ok personality
	assert_eq "${P[personality.domain]}" LINUX32
	set_args uname -m
	run_probe
	[[ "$output" == i?86 || "$output" == armv* ]]
}

@test "process: ioPriority" {
	requires_feature ioPriority
	cfg '.process.ioPriority = {"class": "IOPRIO_CLASS_BE", "priority": 6}'
	probe_ok ioprio
	assert_eq "${P[ioprio.class_name]}" IOPRIO_CLASS_BE
	assert_eq "${P[ioprio.level]}" 6
	cfg '.process.ioPriority = {"class": "IOPRIO_CLASS_IDLE", "priority": 0}'
	probe_ok ioprio
	assert_eq "${P[ioprio.class_name]}" IOPRIO_CLASS_IDLE
}

@test "process: scheduler SCHED_BATCH with nice 5" {
	requires_feature scheduler
	cfg '.process.scheduler = {"policy": "SCHED_BATCH", "nice": 5}'
	probe_ok sched
	assert_eq "${P[sched.policy_name]}" SCHED_BATCH
	assert_eq "${P[sched.nice]}" 5
	cfg '.process.scheduler = {"policy": "SCHED_OTHER", "nice": 7, "flags": ["SCHED_FLAG_RESET_ON_FORK"]}'
	probe_ok sched
	assert_eq "${P[sched.policy_name]}" SCHED_OTHER
	assert_eq "${P[sched.nice]}" 7
	assert_eq "${P[sched.reset_on_fork]}" true
}

@test "process: execCPUAffinity does not apply to the container's init process" {
	# config.md: execCPUAffinity is for processes joining the container (exec); the
	# spec says it is not applicable to init, whose affinity stays the runtime's.
	requires_feature execCPUAffinity
	[ "$(nproc)" -ge 2 ] || skip "needs 2 CPUs"
	cfg '.process.execCPUAffinity = {"initial": "1", "final": "0"}'
	probe_ok affinity
	assert_eq "${P[affinity.list]}" "$(awk '/Cpus_allowed_list/ {print $2}' /proc/$$/status)"
}

@test "process: memoryPolicy MPOL_BIND to node 0" {
	requires_feature memoryPolicy
	cfg '.linux.memoryPolicy = {"mode": "MPOL_BIND", "nodes": "0", "flags": ["MPOL_F_STATIC_NODES"]}'
	probe_ok mempolicy
	assert_eq "${P[mempolicy.mode_name]}" MPOL_BIND
	assert_eq "${P[mempolicy.nodes]}" 0
	assert_eq "${P[mempolicy.flags]}" MPOL_F_STATIC_NODES
}

@test "process: only fds 0-2 reach the process" {
	set_args /probe fds
	CID=fds
	run --separate-stderr rt run --bundle "$BUNDLE" fds 5<"$BUNDLE/config.json" 7<"$BUNDLE/config.json"
	assert_eq "$status" 0
	flatten_output
	assert_eq "$(jq -r '[.fds[].fd] | sort | join(",")' <<<"$output")" "0,1,2"
}

@test "process: no terminal -> no controlling tty, own session" {
	probe_ok tty
	assert_eq "${P[tty.isatty]}" false,false,false
	assert_eq "${P[tty.ctty]}" false
}

# Start recvtty on $TEST_DIR/tty.sock; its output goes to $TEST_DIR/tty.out.
start_recvtty() {
	"$RECVTTY" "$TEST_DIR/tty.sock" >"$TEST_DIR/tty.out" 2>"$TEST_DIR/tty.err" 3>&- &
	RECVTTY_PID=$!
	on_teardown "kill $RECVTTY_PID"
	wait_for 5 test -S "$TEST_DIR/tty.sock"
}

@test "process: terminal with --console-socket, consoleSize, controlling tty, fds" {
	cfg '.process.terminal = true | .process.consoleSize = {"height": 33, "width": 101}'
	set_args /probe tty winsize fds sid
	start_recvtty
	run_detached t1 --console-socket "$TEST_DIR/tty.sock"
	wait "$RECVTTY_PID"
	grep -q "ptmx ok" "$TEST_DIR/tty.err"
	output=$(tr -d '\r' <"$TEST_DIR/tty.out")
	flatten_output
	assert_eq "${P[tty.isatty]}" true,true,true
	[[ "${P[tty.ttyname.0]}" == /dev/pts/* ]]
	assert_eq "${P[tty.ctty]}" true
	assert_eq "${P[tty.tcpgrp]}" "${P[tty.pgrp]}" "the process is the tty's foreground group"
	assert_eq "${P[sid.sid]}" "${P[pid.pid]:-1}" "session leader"
	assert_eq "${P[winsize.rows]}x${P[winsize.cols]}" 33x101
	assert_eq "$(jq -r '[.fds[].fd] | sort | join(",")' <<<"$output")" "0,1,2"
}

@test "process: terminal with create --console-socket and start" {
	cfg '.process.terminal = true'
	set_args sh -c 'echo hello-from-tty; /probe tty'
	start_recvtty
	create_ctr t2 --console-socket "$TEST_DIR/tty.sock"
	rt start t2
	wait "$RECVTTY_PID"
	grep -q hello-from-tty "$TEST_DIR/tty.out"
	output=$(grep '"tty"' "$TEST_DIR/tty.out" | tr -d '\r')
	flatten_output
	assert_eq "${P[tty.ctty]}" true
}

@test "process: terminal=true without --console-socket fails for create" {
	cfg '.process.terminal = true'
	run --separate-stderr rt create --bundle "$BUNDLE" t3 </dev/null 3>&-
	[ "$status" -ne 0 ]
	# runc 1.1.5: "cannot allocate tty if runc will detach without setting console socket"
	assert_contains "$stderr" "console"
	assert_no_state
}
