#!/usr/bin/env bats
# CVE-2024-21626: a directory fd that leaked from the runtime's caller (or the runtime
# itself) into the container, used as process.cwd (/proc/self/fd/N), put the container
# process's cwd on the host filesystem. berth closes every inherited fd above 2 first thing
# in init and passes on only --preserve-fds (init.cc close_inherited / close_fds), checks
# after chdir that the cwd is reachable from the container's root (init.cc workdir), fills
# missing --preserve-fds numbers with /dev/null before opening anything (cli/main.cc) and
# closes everything above 2 in hooks (hooks.cc). A test guarded by two of these layers
# names both switches ("[fds,cwd]": it must fail with both off).

load helpers

@test "[fds,cwd] CVE-2024-21626: process.cwd /proc/self/fd/7 with a leaked host directory fd" {
	mkdir -p "$TEST_DIR/hostdir"
	echo host-secret >"$TEST_DIR/hostdir/secret"
	cfg '.process.cwd = "/proc/self/fd/7"'
	set_args /bin/cat secret
	CID=leak-$RANDOM
	run --separate-stderr bash -c 'exec 7<"$1"; shift; "$@"' _ "$TEST_DIR/hostdir" \
		"$RUNTIME" --root "$TEST_ROOT" run --bundle "$BUNDLE" "$CID"
	# Refusing to start is the right outcome; reading the host file is the escape.
	[[ "$output" != *host-secret* ]] || { echo "container read a host file through its cwd" >&2; return 1; }
	assert_ne "$status" 0 "a cwd through a leaked fd"
}

@test "[fds] CVE-2024-21626: fds leaked by the caller do not reach the container" {
	mkdir -p "$TEST_DIR/hostdir"
	set_args /probe fds
	CID=fds-$RANDOM
	run --separate-stderr bash -c 'exec 5<"$1" 7<"$1" 100<"$1"; shift; "$@"' _ "$TEST_DIR/hostdir" \
		"$RUNTIME" --root "$TEST_ROOT" run --bundle "$BUNDLE" "$CID"
	assert_eq "$status" 0 "run"
	fds=$(jq -r '[.fds[].fd | select(. > 2)] | join(",")' <<<"$output")
	assert_eq "$fds" "" "fds above 2 in the container"
	[[ "$output" != *"$TEST_DIR"* ]] || { echo "a host path is visible: $output" >&2; return 1; }
}

# The original CVE-2016-9962 and CVE-2024-21626 reports were against `runc exec`: the new
# process joins a running container, so anything berth leaks into it is reachable by
# everything already inside.
@test "[fds] CVE-2024-21626: exec: fds leaked by the caller do not reach the exec'd process" {
	mkdir -p "$TEST_DIR/hostdir"
	set_args /probe sleep 100
	CID=exfds-$RANDOM
	rt run -d --bundle "$BUNDLE" "$CID" </dev/null >/dev/null 2>&1 3>&-
	run --separate-stderr bash -c 'exec 5<"$1" 7<"$1" 100<"$1"; shift; "$@"' _ "$TEST_DIR/hostdir" \
		"$RUNTIME" --root "$TEST_ROOT" exec "$CID" /probe fds
	assert_eq "$status" 0 "exec"
	fds=$(jq -r '[.fds[].fd | select(. > 2)] | join(",")' <<<"$output")
	assert_eq "$fds" "" "fds above 2 in the exec'd process"
	[[ "$output" != *"$TEST_DIR"* ]] || { echo "a host path is visible: $output" >&2; return 1; }
}

@test "[fds] CVE-2024-21626: --preserve-fds passes exactly the asked fds, nothing of the runtime" {
	mkdir -p "$TEST_DIR/hostdir"
	echo x >"$TEST_DIR/f"
	set_args /probe fds
	CID=pfd-$RANDOM
	run --separate-stderr bash -c 'exec 3<"$1" 4<"$1" 9<"$1"; shift; "$@"' _ "$TEST_DIR/f" \
		"$RUNTIME" --root "$TEST_ROOT" run --preserve-fds 2 --bundle "$BUNDLE" "$CID"
	assert_eq "$status" 0 "run"
	fds=$(jq -r '[.fds[].fd | select(. > 2)] | join(",")' <<<"$output")
	assert_eq "$fds" "3,4" "preserved fds"
	[[ "$output" != *"$TEST_ROOT"* ]] || { echo "the runtime's state dir is visible: $output" >&2; return 1; }
}

# close_inherited already closes the caller's fds, so only a preserved fd can carry the
# cwd out; without the getcwd(2) check after chdir (init.cc workdir) the process would
# start in the host directory the preserved fd names.
@test "[cwd] CVE-2024-21626: process.cwd through a preserved fd on a host directory is refused" {
	mkdir -p "$TEST_DIR/hostdir"
	echo host-secret >"$TEST_DIR/hostdir/secret"
	cfg '.process.cwd = "/proc/self/fd/3"'
	set_args /bin/cat secret
	CID=pcwd-$RANDOM
	run --separate-stderr bash -c 'exec 3<"$1"; shift; "$@"' _ "$TEST_DIR/hostdir" \
		"$RUNTIME" --root "$TEST_ROOT" run --preserve-fds 1 --bundle "$BUNDLE" "$CID"
	[[ "$output" != *host-secret* ]] || { echo "container read a host file through its cwd" >&2; return 1; }
	assert_ne "$status" 0 "a cwd outside the root"
}

@test "[fds,cwd] CVE-2024-21626: no cwd /proc/self/fd/N reaches the runtime's own descriptors" {
	# The runtime holds directory fds while it creates the container (state dir, cgroup);
	# with a --log and a createRuntime hook it holds more. None may serve as a cwd.
	echo host-secret >"$TEST_DIR/secret"
	cfg '.hooks.createRuntime = [{"path": "/bin/true"}]'
	set_args /bin/sh -c 'cat secret; cat ../secret; ls'
	local n
	for n in 3 4 5 6 7 8 9 10; do
		cfg '.process.cwd = $c' --arg c "/proc/self/fd/$n"
		CID=own-$n-$RANDOM
		run --separate-stderr rt --log "$TEST_DIR/berth.log" run --bundle "$BUNDLE" "$CID"
		[[ "$output" != *host-secret* ]] || { echo "fd $n: a host file through the cwd: $output" >&2; return 1; }
		[[ "$output" != *exec.fifo* && "$output" != *cgroup.procs* && "$output" != *config.json* ]] ||
			{ echo "fd $n: the cwd is a host directory: $output" >&2; return 1; }
		assert_ne "$status" 0 "cwd /proc/self/fd/$n"
	done
}

@test "[fds] CVE-2024-21626: create/start: none of the runtime's descriptors reach the container" {
	set_args /probe fds
	rt --log "$TEST_DIR/berth.log" create --bundle "$BUNDLE" own </dev/null >"$TEST_DIR/own.out" 2>"$TEST_DIR/own.err"
	rt --log "$TEST_DIR/berth.log" start own
	wait_for 5 grep -q '"fds"' "$TEST_DIR/own.out"
	output=$(cat "$TEST_DIR/own.out")
	fds=$(jq -r '[.fds[] | select(.fd > 2) | "\(.fd)=\(.target)"] | join(",")' <<<"$output")
	assert_eq "$fds" "" "fds above 2 (exec.fifo, log, state dir, sockets)"
}

# Without the reservation (main.cc reserve_fds) the first descriptors berth opens (the --log
# file) take the numbers the caller left free and --preserve-fds hands them on.
@test "[fds-reserve] CVE-2024-21626: --preserve-fds with fewer fds open: the gaps are /dev/null, not the runtime's" {
	echo x >"$TEST_DIR/f"
	set_args /probe fds
	CID=gap-$RANDOM
	run --separate-stderr bash -c 'exec 3<"$1" 4>&- 5>&- 6>&-; shift; "$@"' _ "$TEST_DIR/f" \
		"$RUNTIME" --root "$TEST_ROOT" --log "$TEST_DIR/berth.log" run --preserve-fds 4 \
		--bundle "$BUNDLE" "$CID"
	assert_eq "$status" 0 "run"
	fds=$(jq -r '[.fds[] | select(.fd > 2) | "\(.fd)=\(.target)"] | join(",")' <<<"$output")
	assert_eq "$fds" "3=$TEST_DIR/f,4=/dev/null,5=/dev/null,6=/dev/null" "preserved fds"
}

@test "[hook-fds] CVE-2024-21626: hooks get only stdin, stdout and stderr" {
	mkdir -p "$TEST_DIR/hostdir"
	# The hook is the static probe itself (it runs on the host): it lists its own fds.
	cfg '.hooks.createRuntime = [{"path": "/bin/sh", "args": ["sh", "-c",
		"exec \"$0\" fds >\"$1\"", $p, $o]}]' --arg p "$PROBE" --arg o "$TEST_DIR/hookfds"
	set_args /bin/true
	CID=hk-$RANDOM
	run --separate-stderr bash -c 'exec 5<"$1" 7<"$1" 100<"$1"; shift; "$@"' _ "$TEST_DIR/hostdir" \
		"$RUNTIME" --root "$TEST_ROOT" --log "$TEST_DIR/berth.log" run --bundle "$BUNDLE" "$CID"
	assert_eq "$status" 0 "run"
	fds=$(jq -r '[.fds[] | select(.fd > 2) | "\(.fd)=\(.target)"] | join(",")' "$TEST_DIR/hookfds")
	assert_eq "$fds" "" "fds above 2 in the hook"
}
