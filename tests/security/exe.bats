#!/usr/bin/env bats
# CVE-2019-5736 (a container overwrites the host runtime binary through /proc/<pid>/exe)
# and CVE-2016-9962 (a container reads the runtime's host fds through /proc/<pid>/fd).
#
# Container A runs the attacker (probe attack-exe / snoop-fds) with a host directory at
# /shared; container B, run by a private copy of the runtime (use_victim_runtime), joins
# A's pid namespace so A sees B's init and B's processes. Hand-shakes through files in
# /shared replace sleeps: a createContainer hook of B holds init in setup until A has
# looked, and the victim blocks opening a fifo until A holds its exe.
#
# Switches: [exe] runs the container process with a plain execve from init instead of
# through the sealed berth-exec stub; [dumpable] leaves the CLI and init dumpable. Until
# its identity step init has every capability berth has, which alone keeps an attacker
# without CAP_SYS_PTRACE off /proc/<init>/{exe,fd}; the [dumpable] tests therefore run the
# victim without CAP_SYS_PTRACE and give A all the other ones, so that being non-dumpable
# is the only barrier left (as for a container with equal capabilities).

load helpers

# Every capability in our bounding set except CAP_SYS_PTRACE, as a JSON array.
caps_but_ptrace() {
	local bnd
	bnd=$(awk '/^CapBnd:/ { print $2 }' /proc/self/status)
	capsh --decode="$bnd" | sed 's/.*=//' | tr a-z, A-Z'\n' | grep -vx CAP_SYS_PTRACE |
		jq -R . | jq -cs .
}

# The two bundles and the shared directory. Sets A, B, SHARED; BUNDLE is B's.
two_bundles() {
	SHARED=$TEST_DIR/shared
	mkdir -p "$SHARED"
	make_bundle "$TEST_DIR/a"
	A=$BUNDLE
	cfg '.mounts += [{"destination": "/shared", "source": $s, "options": ["bind"]}]' --arg s "$SHARED"
	make_bundle "$TEST_DIR/b"
	B=$BUNDLE
	cfg '.mounts += [{"destination": "/shared", "source": $s, "options": ["bind"]}]' --arg s "$SHARED"
	use_victim_runtime
}

# The shared libraries and the dynamic loader of the victim, copied into B's rootfs at
# their host paths, as any image with a libc has them.
with_victim_libs() {
	local lib
	for lib in $(ldd "$VICTIM" | grep -o '/[^ ]*'); do
		cp -L --parents "$lib" "$B/rootfs/"
	done
}

# in_bundle <dir> <cfg args...>: cfg on another bundle.
in_bundle() {
	local keep=$BUNDLE
	BUNDLE=$1
	shift
	cfg "$@"
	BUNDLE=$keep
}

# start_attacker <probe args...>: A runs detached, output in $TEST_DIR/a.out.
start_attacker() {
	local keep=$BUNDLE
	BUNDLE=$A
	set_args /probe "$@"
	BUNDLE=$keep
	rt run -d --bundle "$A" a </dev/null >"$TEST_DIR/a.out" 2>"$TEST_DIR/a.err" 3>&- || { cat "$TEST_DIR/a.err" >&2; return 1; }
	APID=$(ctr_pid a)
}

# B joins A's pid namespace.
join_attacker_pidns() {
	cfg '.linux.namespaces |= map(if .type == "pid" then .path = $p else . end)' \
		--arg p "/proc/$APID/ns/pid"
}

# A createContainer hook (host /bin/sh, no script file of its own) that keeps B's init in
# setup until the attacker created /shared/scanned.
hold_init_in_setup() {
	local s=$SHARED
	cfg '.hooks.createContainer = [{"path": "/bin/sh", "args": ["sh", "-c", $c]}]' --arg c \
		"touch $s/hook-running; i=0; while [ ! -e $s/scanned ] && [ \$i -lt 400 ]; do sleep 0.05; i=\$((i+1)); done"
}

# The attacker has as many capabilities as the victim's init (all but CAP_SYS_PTRACE, which
# the victim lacks as well): the kernel's capability check on /proc/<pid>/{exe,fd} then
# passes, and only the runtime's own protection (non-dumpable) stands in the way.
# vrt_noptrace: the victim runtime without CAP_SYS_PTRACE.
vrt_noptrace() { setpriv --bounding-set=-sys_ptrace "$VICTIM" --root "$TEST_ROOT" "$@"; }
# create_victim: B created by the victim runtime without CAP_SYS_PTRACE, its stdio on host
# files (below $TEST_DIR, like the state dir and the bundle).
create_victim() {
	vrt_noptrace create --bundle "$B" b </dev/null >"$TEST_DIR/b.out" 2>"$TEST_DIR/b.err" 3>&- ||
		{ cat "$TEST_DIR/b.err" >&2; return 1; }
}
equal_caps_attacker() {
	local c
	c=$(caps_but_ptrace)
	in_bundle "$A" '.process.capabilities = {"bounding": $c, "effective": $c, "permitted": $c}' \
		--argjson c "$c"
}

# host_paths_seen [pid/]: the fds in the snoop output that point below $TEST_DIR (state
# dir, bundle, B's stdio), except the hook's handshake files in $SHARED.
host_paths_seen() {
	jq -r --arg d "$TEST_DIR/" --arg s "$SHARED/" --arg p "${1:-}" '.fds | to_entries[]
		| select(.key | startswith($p)) | select(.value | startswith($d))
		| select(.value | startswith($s) | not) | "\(.key) -> \(.value)"' <<<"$output"
}

wait_attacker() {
	wait_status a stopped 40
	output=$(cat "$TEST_DIR/a.out")
	echo "attacker: $output"
	flatten_output
}

# Layered: berth-exec (exe) keeps the host binary from running at all; should it run, the
# CLI makes itself non-dumpable first thing (dumpable), which hides its exe from the
# attacker unless the attacker wins the race to main(). Only with both off does the
# attack work reliably, so the unprotected pass switches both off, in the container too
# (the host binary, run there as the interpreter, reads BERTH_UNPROTECT from its env).
@test "[exe,dumpable] CVE-2019-5736: an entrypoint script run by /proc/self/exe cannot overwrite the runtime" {
	two_bundles
	mkfifo "$SHARED/fifo"
	start_attacker attack-exe --target victim-runtime --fifo /shared/fifo \
		--done /shared/done --timeout 30
	join_attacker_pidns
	# Run through /proc/self/exe, the host binary would wait for a reader of the log fifo:
	# by then A holds its exe.
	# An image with a libc: the host binary (dynamically linked) can run in B.
	with_victim_libs
	printf '#!/proc/self/exe --log=/shared/fifo\n' >"$B/rootfs/entry"
	chmod +x "$B/rootfs/entry"
	set_args /entry
	[ -z "${BERTH_UNPROTECT:-}" ] ||
		cfg '.process.env += ["BERTH_UNPROTECT=" + $u]' --arg u "$BERTH_UNPROTECT"
	# "run !": B must fail (exit 127 from berth-exec, or the error of the host binary)
	run ! --separate-stderr vrt run --bundle "$B" b </dev/null 3>&-
	echo "b: status=$status stderr=$stderr"
	touch "$SHARED/done"
	wait_attacker
	assert_victim_intact
	assert_eq "${P[wrote]}" null "the attacker wrote"
}

@test "[dumpable] CVE-2019-5736: a container writing to /proc/PID/exe of every process it sees during setup" {
	two_bundles
	equal_caps_attacker
	start_attacker attack-exe --target victim-runtime --ready /shared/hook-running \
		--signal /shared/scanned --done /shared/done --timeout 30
	join_attacker_pidns
	hold_init_in_setup
	set_args true
	create_victim
	vrt start b
	wait_status b stopped
	touch "$SHARED/done"
	wait_attacker
	assert_eq "${P[saw_processes]}" true "the attacker saw B's processes"
	assert_victim_intact
	assert_eq "${P[wrote]}" null "the attacker wrote"
}

@test "[dumpable] CVE-2016-9962: a container process cannot see host paths in /proc/PID/fd of the runtime while it sets up" {
	two_bundles
	equal_caps_attacker
	start_attacker snoop-fds --ready /shared/hook-running --signal /shared/scanned \
		--done /shared/done --timeout 30
	join_attacker_pidns
	hold_init_in_setup
	set_args true
	create_victim
	touch "$SHARED/done"
	wait_attacker
	[ "${P[pids]}" -ge 1 ]
	local leaked
	leaked=$(host_paths_seen)
	assert_eq "$leaked" "" "host paths seen in the fds of B's init"
}

@test "[dumpable] CVE-2016-9962: a container in the host pid namespace cannot see the fds of the runtime CLI" {
	two_bundles
	equal_caps_attacker
	in_bundle "$A" '.linux.namespaces |= map(select(.type != "pid"))'
	start_attacker snoop-fds --ready /shared/hook-running --signal /shared/scanned \
		--done /shared/done --timeout 30
	hold_init_in_setup
	set_args true
	# A simple command in the background: $! is the runtime CLI itself (setpriv execs it).
	setpriv --bounding-set=-sys_ptrace "$VICTIM" --root "$TEST_ROOT" create --bundle "$B" b \
		</dev/null >"$TEST_DIR/b.out" 2>"$TEST_DIR/b.err" 3>&- &
	local cli=$!
	wait $cli
	touch "$SHARED/done"
	wait_attacker
	local leaked
	leaked=$(host_paths_seen "$cli/")
	assert_eq "$leaked" "" "host paths seen in the fds of the runtime CLI (pid $cli)"
}
