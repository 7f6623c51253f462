# Shared helpers for the berth integration tests (bats).
#
# Environment:
#   RUNTIME   the OCI runtime under test (meson passes the berth binary; default: berth on PATH,
#             else /usr/sbin/runc)
#   PROBE     path of the static probe binary (tests/probe/probe.c)
#   RECVTTY   path of the static console-socket receiver (tests/integration/recvtty.c)
#   BUSYBOX   static busybox for the rootfs (default /bin/busybox)
#   BERTH_TEST_TMP  where per-test temp dirs go (default /tmp)

[ "$(type -t bats_require_minimum_version)" = function ] && bats_require_minimum_version 1.5.0

INTEGRATION_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

if [ -z "${RUNTIME:-}" ]; then
	RUNTIME="$(command -v berth || echo /usr/sbin/runc)"
fi
BUSYBOX="${BUSYBOX:-/bin/busybox}"

# Build the helpers lazily when run without run.sh / meson.
_build_helper() { # <var> <source>
	local var=$1 src=$2 out
	out="${BERTH_TEST_TMP:-/tmp}/berth-it-bin.$(id -u)/$(basename "$src" .c)"
	if [ ! -x "$out" ] || [ "$src" -nt "$out" ]; then
		mkdir -p "$(dirname "$out")"
		gcc -O2 -static -Wall -Wextra -Werror -o "$out.tmp.$$" "$src" && mv "$out.tmp.$$" "$out"
	fi
	printf -v "$var" '%s' "$out"
}
[ -n "${PROBE:-}" ] || _build_helper PROBE "$INTEGRATION_DIR/../probe/probe.c"
[ -n "${RECVTTY:-}" ] || _build_helper RECVTTY "$INTEGRATION_DIR/recvtty.c"
export RUNTIME PROBE RECVTTY

# Applets linked into every rootfs.
APPLETS="sh true false sleep cat ls echo id mount umount ps hostname test stat readlink mkdir
touch env wc grep head ip ln rm printf kill cut tr sed uname dd mknod"

is_berth() {
	if [ -z "${_IS_BERTH:-}" ]; then
		if "$RUNTIME" --version 2>/dev/null | grep -qi berth; then _IS_BERTH=yes; else _IS_BERTH=no; fi
	fi
	[ "$_IS_BERTH" = yes ]
}

# Skip (only for a runtime that is not berth) with a reason. berth never skips.
skip_unless_berth() {
	is_berth || skip "${RUNTIME##*/}: $*"
}

# Features that runc 1.1.5 lacks but that its `features` output cannot express.
# name -> reason
declare -gA KNOWN_GAPS=(
	[timens]="runc 1.1.5 has no time namespace support"
	[timeOffsets]="runc 1.1.5 has no time namespace support"
	[netDevices]="runc 1.1.5 has no linux.netDevices"
	[execCPUAffinity]="runc 1.1.5 has no process.execCPUAffinity"
	[memoryPolicy]="runc 1.1.5 has no linux.memoryPolicy"
	[ioPriority]="runc 1.1.5 has no process.ioPriority"
	[scheduler]="runc 1.1.5 has no process.scheduler"
	[personality]="runc 1.1.5 ignores linux.personality"
	[domainname]="runc 1.1.5 ignores domainname"
)

_features_json() {
	if [ -z "${_FEATURES_JSON:-}" ]; then
		_FEATURES_JSON="$("$RUNTIME" features 2>/dev/null || echo '{}')"
	fi
	printf '%s\n' "$_FEATURES_JSON"
}

# requires_feature <name>: skip for non-berth runtimes that lack the feature.
# Names: a namespace type ("time", "cgroup", ...), "mountOption:<opt>", "hook:<name>",
# "netDevices", "seccomp", or one of KNOWN_GAPS. For berth this never skips: if berth lacks
# the feature the test must fail.
requires_feature() {
	local name=$1 have=
	is_berth && return 0
	local f
	f="$(_features_json)"
	case "$name" in
	mountOption:*)
		jq -e --arg o "${name#mountOption:}" '(.mountOptions // []) | index($o) != null' \
			<<<"$f" >/dev/null && have=1 ;;
	hook:*)
		jq -e --arg o "${name#hook:}" '(.hooks // []) | index($o) != null' \
			<<<"$f" >/dev/null && have=1 ;;
	netDevices)
		jq -e '.linux.netDevices.enabled == true' <<<"$f" >/dev/null && have=1 ;;
	seccomp)
		jq -e '.linux.seccomp.enabled == true' <<<"$f" >/dev/null && have=1 ;;
	cgroup | ipc | mount | network | pid | user | uts | time)
		jq -e --arg o "$name" '(.linux.namespaces // []) | index($o) != null' \
			<<<"$f" >/dev/null && have=1 ;;
	*) have=1 ;;
	esac
	[ -n "${KNOWN_GAPS[$name]:-}" ] && have=
	[ "$name" = time ] && [ -n "${KNOWN_GAPS[timens]:-}" ] && have=
	if [ -z "$have" ]; then
		skip "${RUNTIME##*/} lacks feature '$name'${KNOWN_GAPS[$name]:+: ${KNOWN_GAPS[$name]}}"
	fi
}

# The runtime with a per-test state root.
rt() {
	# Remember every word (container ids) and the bundle's cgroupsPath: teardown's
	# leftover-cgroup check looks only at cgroups this test could have made, so containers
	# of other suites running on the same machine do not fail it.
	printf '%s\n' "$@" >>"$TEST_DIR/rt-words"
	[ -f "${BUNDLE:-}/config.json" ] &&
		jq -r '.linux.cgroupsPath // empty' "$BUNDLE/config.json" >>"$TEST_DIR/rt-words" 2>/dev/null
	"$RUNTIME" --root "$TEST_ROOT" "$@"
}

# Apply a jq filter to $BUNDLE/config.json in place. Extra args go to jq (--arg etc.).
cfg() {
	local filter=$1
	shift
	jq "$@" "$filter" "$BUNDLE/config.json" >"$BUNDLE/config.json.new" &&
		mv "$BUNDLE/config.json.new" "$BUNDLE/config.json"
}

# Set process.args: set_args /probe ids caps
set_args() {
	local a
	# "--" so that an argument like "-c" is not parsed as a jq option
	a=$(jq -cn '$ARGS.positional' --args -- "$@")
	cfg '.process.args = $a' --argjson a "$a"
}

# make_bundle [dir]: a bundle with a busybox+probe rootfs and the base config.
make_bundle() {
	local dir=${1:-$TEST_DIR/bundle}
	mkdir -p "$dir/rootfs"
	local r=$dir/rootfs
	mkdir -p "$r"/{bin,sbin,etc,proc,sys,dev,tmp,root,home/user,usr/bin,var/tmp}
	chmod 1777 "$r/tmp"
	cp "$BUSYBOX" "$r/bin/busybox"
	local a
	for a in $APPLETS; do ln -sf busybox "$r/bin/$a"; done
	cp "$PROBE" "$r/probe"
	cat >"$r/etc/passwd" <<-'EOF'
		root:x:0:0:root:/root:/bin/sh
		user:x:1000:1000:user:/home/user:/bin/sh
		nobody:x:65534:65534:nobody:/nonexistent:/bin/false
	EOF
	cat >"$r/etc/group" <<-'EOF'
		root:x:0:
		tty:x:5:
		user:x:1000:
		nogroup:x:65534:
	EOF
	echo berth-test >"$r/etc/hostname"
	cp "$INTEGRATION_DIR/base-config.json" "$dir/config.json"
	BUNDLE=$dir
}

# Flatten the JSON in $output into the associative array P: P[ids.uid]=0,
# P[fds.0.target]=/dev/null, P[caps.bounding]=CAP_A,CAP_B (arrays of scalars are also
# joined with ","). One jq call per container run; lookups are then free (jq costs ~90ms).
flatten_output() {
	unset P
	declare -gA P=()
	local code
	code=$(jq -r '
		def key($p): $p | map(tostring) | join(".");
		def leaf: type != "array" and type != "object";
		(paths(leaf) as $p | "P[\(key($p) | @sh)]=\(getpath($p) | tostring | @sh)"),
		(paths(arrays) as $p | select(getpath($p) | all(leaf)) |
			"P[\(key($p) | @sh)]=\(getpath($p) | map(tostring) | join(",") | @sh)")
	' <<<"$output" 2>/dev/null) || return 1
	eval "$code"
}

# Run a container in the foreground: run_probe [probe args...]
# stdout -> $output (and flattened into P when it is JSON), stderr -> $stderr,
# exit code -> $status.
run_probe() {
	[ $# -gt 0 ] && set_args /probe "$@"
	CID="id-$RANDOM$RANDOM"
	run --separate-stderr rt run --bundle "$BUNDLE" "$CID"
	flatten_output || true
}

# Like run_probe, but the test requires success and valid JSON.
probe_ok() {
	[ $# -gt 0 ] && set_args /probe "$@"
	CID="id-$RANDOM$RANDOM"
	run --separate-stderr rt run --bundle "$BUNDLE" "$CID"
	if [ "$status" -ne 0 ]; then
		echo "container failed: status=$status stderr=$stderr stdout=$output" >&2
		return 1
	fi
	if ! flatten_output; then
		echo "probe output is not JSON: $output" >&2
		return 1
	fi
}

# jq over the last probe output: pj '.ids.uid'
pj() {
	jq -r "$@" <<<"$output"
}

# assert_eq <actual> <expected> [what]
assert_eq() {
	if [ "$1" != "$2" ]; then
		echo "assertion failed${3:+ ($3)}: got '$1', want '$2'" >&2
		[ -n "${output:-}" ] && echo "output: $output" >&2
		[ -n "${stderr:-}" ] && echo "stderr: $stderr" >&2
		return 1
	fi
}

assert_ne() {
	if [ "$1" = "$2" ]; then
		echo "assertion failed${3:+ ($3)}: both are '$1'" >&2
		return 1
	fi
}

# assert_contains <haystack> <needle>
assert_contains() {
	if [[ "$1" != *"$2"* ]]; then
		echo "assertion failed: '$2' not found in: $1" >&2
		return 1
	fi
}

# The host's namespace inode of a kind: host_ns net
host_ns() {
	local l
	l=$(readlink "/proc/self/ns/$1") || return 1
	l=${l#*[}
	echo "${l%]}"
}

ns_inode_of_pid() { # <pid> <kind>
	local l
	l=$(readlink "/proc/$1/ns/$2") || return 1
	l=${l#*[}
	echo "${l%]}"
}

# state_field <id> <jq-expr>
state_field() {
	rt state "$1" | jq -r "$2"
}

# wait_status <id> <status> [timeout-seconds]: poll `state` every 50ms.
wait_status() {
	local id=$1 want=$2 t=${3:-10} i s
	for ((i = 0; i < t * 20; i++)); do
		s=$(rt state "$id" 2>/dev/null | jq -r .status 2>/dev/null)
		[ "$s" = "$want" ] && return 0
		sleep 0.05
	done
	echo "container $id: status '$s', wanted '$want' after ${t}s" >&2
	return 1
}

# wait_for <timeout-seconds> <command...>: poll a command every 50ms.
wait_for() {
	local t=$1 i
	shift
	for ((i = 0; i < t * 20; i++)); do
		"$@" && return 0
		sleep 0.05
	done
	echo "timed out after ${t}s waiting for: $*" >&2
	return 1
}

file_has() { [ -s "$1" ] && grep -q -- "$2" "$1"; }

# Mount points under a path in the host's mount table.
mounts_under() {
	awk -v p="$1" '{ mp = $5; gsub(/\\040/, " ", mp); if (index(mp, p) == 1) print mp }' \
		/proc/self/mountinfo
}

# Pids of processes whose command line contains a marker (tests put one in process.args).
stray_procs() { # <marker>
	pgrep -f -- "$1" || true
}

# Assert no container state is left in the test root.
# The state root's entries that are containers: berth also keeps its seccomp program cache
# there, under a name no container id can have.
state_entries() {
	ls -A "$TEST_ROOT" 2>/dev/null | grep -vx '@seccomp-cache' || true
}

no_state_entries() { [ -z "$(state_entries)" ]; }

assert_no_state() {
	local left
	left=$(state_entries)
	if [ -n "$left" ]; then
		echo "state left in $TEST_ROOT: $left" >&2
		return 1
	fi
}

assert_no_mounts() {
	local m
	m=$(mounts_under "$TEST_DIR")
	if [ -n "$m" ]; then
		echo "mounts left under $TEST_DIR: $m" >&2
		return 1
	fi
}

setup() {
	TEST_DIR=$(mktemp -d "${BERTH_TEST_TMP:-/tmp}/berth-it.XXXXXX")
	TEST_ROOT=$TEST_DIR/state
	mkdir -p "$TEST_ROOT"
	HOST_ETC_MOUNTS=$(grep -c ' /etc' /proc/self/mountinfo || true)
	HOST_CGROUPS=$(cgroup_snapshot)
	make_bundle "$TEST_DIR/bundle"
	CLEANUP_CMDS=()
}

# Register a shell command to run at teardown (before the checks).
on_teardown() {
	CLEANUP_CMDS+=("$1")
}

# The container cgroups present right now (two levels deep, where runtimes put them), to
# prove a test leaves none behind.
cgroup_snapshot() {
	local h=/sys/fs/cgroup/pids
	[ "$(stat -f -c %T /sys/fs/cgroup)" = cgroup2fs ] && h=/sys/fs/cgroup
	# berth's parent cgroup (/berth) is shared by all its containers and stays, as runc's
	# parents do; only the containers' own directories must go.
	find "$h" -mindepth 1 -maxdepth 2 -type d 2>/dev/null | grep -vx "$h/berth" | sort
}

# Filter cgroup directories (stdin) down to those named after a word this test passed to
# the runtime (a container id) or the last component of a cgroupsPath it used.
own_cgroups() {
	local d
	while read -r d; do
		[ -n "$d" ] || continue
		grep -qxF -e "${d##*/}" -e "/${d#*/sys/fs/cgroup/*/}" -e "${d#/sys/fs/cgroup}" \
			"$TEST_DIR/rt-words" 2>/dev/null && echo "$d"
	done
	return 0
}

teardown() {
	local rc=0 id c
	for c in "${CLEANUP_CMDS[@]}"; do eval "$c" >/dev/null 2>&1 || true; done
	# Delete every container the test created: ask the runtime, and look at the state dir
	# in case `list` itself is broken.
	local ids
	ids=$( (rt list -q 2>/dev/null; state_entries) | sort -u)
	for id in $ids; do
		rt delete -f "$id" >/dev/null 2>&1 || true
	done
	if [ -n "$ids" ]; then
		# deleting is synchronous for runc; allow a short grace period for others
		wait_for 5 no_state_entries 2>/dev/null || true
	fi
	if ! assert_no_state; then rc=1; fi
	local cg_now
	cg_now=$(cgroup_snapshot)
	local cg_left
	cg_left=$(comm -13 <(echo "$HOST_CGROUPS") <(echo "$cg_now") | own_cgroups)
	if [ -n "$cg_left" ]; then
		echo "cgroups left behind:" >&2
		echo "$cg_left" >&2
		rc=1
	fi
	if ! assert_no_mounts; then
		rc=1
		mounts_under "$TEST_DIR" | sort -r | while read -r m; do umount -l "$m" || true; done
	fi
	local etc_now
	etc_now=$(grep -c ' /etc' /proc/self/mountinfo || true)
	if [ "$etc_now" != "$HOST_ETC_MOUNTS" ]; then
		echo "host /etc mount table changed: $HOST_ETC_MOUNTS -> $etc_now mounts" >&2
		grep ' /etc' /proc/self/mountinfo >&2 || true
		rc=1
	fi
	rm -rf "$TEST_DIR"
	return $rc
}

# Start a container without waiting for it: its stdio goes to $TEST_DIR/<id>.{out,err}
# (never to bats' own pipes: a detached container holding them would hang `run`).
# create_ctr <id> [extra create flags...]
create_ctr() {
	local id=$1
	shift
	rt create --bundle "$BUNDLE" "$@" "$id" </dev/null >"$TEST_DIR/$id.out" 2>"$TEST_DIR/$id.err" 3>&-
}

# run_detached <id> [extra run flags...]
run_detached() {
	local id=$1
	shift
	rt run -d --bundle "$BUNDLE" "$@" "$id" </dev/null >"$TEST_DIR/$id.out" 2>"$TEST_DIR/$id.err" 3>&-
}

# Container init pid from state.
ctr_pid() { state_field "$1" .pid; }
