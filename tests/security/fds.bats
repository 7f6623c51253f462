#!/usr/bin/env bats
# CVE-2024-21626: a directory fd that leaked from the runtime's caller (or the runtime
# itself) into the container, used as process.cwd (/proc/self/fd/N), put the container
# process's cwd on the host filesystem. berth closes every inherited fd above 2 first thing
# in init and passes on only --preserve-fds (init.cc close_inherited / close_fds).

load helpers

@test "[fds] CVE-2024-21626: process.cwd /proc/self/fd/7 with a leaked host directory fd" {
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
