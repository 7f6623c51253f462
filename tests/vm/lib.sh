# Test library for the VM tests (busybox sh; no bash). A test is a script that sources this:
#
#   . /tests/lib.sh
#   make_bundle; b=$BUNDLE                # busybox rootfs + /probe, config from `berth spec`
#   cfg "$b" '.linux.cgroupsPath = "/berth-vm-x"'
#   set_args "$b" sh -c 'exit 3'
#   new_id; run_berth run --bundle "$b" "$ID"; assert_eq "$BERTH_RC" 3 "exit status"
#   pass "detail for the summary line"
#
# Every container id from new_id is force-deleted, every own_cgroup directory killed and
# removed and every bundle deleted on exit, whatever the outcome. fail/skip/pass record a
# one-line detail for /init and exit. (The helpers set variables instead of printing, since
# $(...) runs them in a subshell whose bookkeeping would be lost.)
BERTH=${BERTH:-berth}
CG=/sys/fs/cgroup
_vm_ids=
_vm_dirs=
_vm_cgroups=

log() { echo "# $*"; }

_detail() { [ -n "${VMTEST_DETAIL:-}" ] && [ ! -s "$VMTEST_DETAIL" ] && echo "$*" >"$VMTEST_DETAIL"; return 0; }
pass() { _detail "$*"; log "PASS: $*"; exit 0; }
fail() { _detail "$*"; log "FAIL: $*"; exit 1; }
skip() { _detail "$*"; log "SKIP: $*"; exit 77; }

_vm_cleanup() {
	for id in $_vm_ids; do "$BERTH" delete --force "$id" >/dev/null 2>&1; done
	# Whatever berth left behind must not leak into the next test.
	for d in $_vm_cgroups; do
		[ -d "$d" ] || continue
		[ -e "$d/cgroup.freeze" ] && echo 0 >"$d/cgroup.freeze" 2>/dev/null
		[ -e "$d/cgroup.kill" ] && echo 1 >"$d/cgroup.kill" 2>/dev/null
		wait_for 5 rmdir "$d" 2>/dev/null || echo "# cleanup: cannot remove $d"
	done
	for d in $_vm_dirs; do rm -rf "$d"; done
	return 0
}
trap _vm_cleanup EXIT

# new_id [suffix]: sets ID to a container id unique to this test, remembered for cleanup.
new_id() {
	ID=vm-${VMTEST_NAME:-test}${1:+-$1}
	_vm_ids="$_vm_ids $ID"
}

# own_cgroup DIR: kill and remove this cgroup directory at exit (list children first).
own_cgroup() { _vm_cgroups="$_vm_cgroups $1"; }

# make_bundle: sets BUNDLE to the path of a new bundle whose rootfs has busybox with its applet
# links, /probe, /etc/passwd and /etc/group; config.json is `berth spec` with the terminal
# off, a writable root and args `true`.
make_bundle() {
	_b=$(mktemp -d /tmp/bundle.XXXXXX)
	_vm_dirs="$_vm_dirs $_b"
	mkdir -p "$_b/rootfs/bin" "$_b/rootfs/etc" "$_b/rootfs/tmp" "$_b/rootfs/proc" \
		"$_b/rootfs/sys" "$_b/rootfs/dev"
	cp /bin/busybox "$_b/rootfs/bin/busybox"
	for a in $(/bin/busybox --list); do
		[ "$a" = busybox ] || ln -s busybox "$_b/rootfs/bin/$a"
	done
	cp /usr/local/bin/probe "$_b/rootfs/probe"
	echo 'root:x:0:0:root:/root:/bin/sh' >"$_b/rootfs/etc/passwd"
	echo 'root:x:0:' >"$_b/rootfs/etc/group"
	(cd "$_b" && "$BERTH" spec) >&2 || fail "berth spec failed"
	cfg "$_b" '.process.terminal = false | .root.readonly = false | .process.args = ["true"]'
	BUNDLE=$_b
}

# cfg BUNDLE JQ-FILTER: edit BUNDLE/config.json in place.
cfg() {
	jq "$2" "$1/config.json" >"$1/config.json.new" || fail "jq filter failed: $2"
	mv "$1/config.json.new" "$1/config.json"
}

# set_args BUNDLE ARG...: process.args = the arguments (each passed through jq as a string).
set_args() {
	_b=$1
	shift
	_a='[]'
	for x in "$@"; do _a=$(echo "$_a" | jq -c --arg x "$x" '. + [$x]'); done
	cfg "$_b" ".process.args = $_a"
}

# add_caps BUNDLE CAP...: add capabilities to the bounding, effective and permitted sets.
add_caps() {
	_b=$1
	shift
	for c in "$@"; do
		cfg "$_b" ".process.capabilities.bounding += [\"$c\"] |
			.process.capabilities.effective += [\"$c\"] |
			.process.capabilities.permitted += [\"$c\"]"
	done
}

# run_berth ARGS...: runs berth; stdout in $BERTH_OUT, stderr in $BERTH_ERR, status in
# $BERTH_RC. Both streams are also logged.
run_berth() {
	"$BERTH" "$@" >/tmp/berth.out.$$ 2>/tmp/berth.err.$$
	BERTH_RC=$?
	BERTH_OUT=$(cat /tmp/berth.out.$$)
	BERTH_ERR=$(cat /tmp/berth.err.$$)
	rm -f /tmp/berth.out.$$ /tmp/berth.err.$$
	log "berth $* -> $BERTH_RC"
	[ -n "$BERTH_OUT" ] && echo "$BERTH_OUT" | sed 's/^/#   out: /'
	[ -n "$BERTH_ERR" ] && echo "$BERTH_ERR" | sed 's/^/#   err: /'
	return 0
}

# must_berth ARGS...: run_berth, failing the test unless berth exits 0.
must_berth() {
	run_berth "$@"
	[ "$BERTH_RC" = 0 ] || fail "berth $1 exited $BERTH_RC: $(echo "$BERTH_ERR" | tail -1)"
}

# status ID: the container's state.status ("" if berth state fails).
status() { "$BERTH" state "$1" 2>/dev/null | jq -r .status 2>/dev/null; }

# wait_for SECS COMMAND...: poll (every 0.2 s) until COMMAND succeeds; 1 on timeout.
wait_for() {
	_n=$(($1 * 5))
	shift
	while [ "$_n" -gt 0 ]; do
		"$@" && return 0
		sleep 0.2
		_n=$((_n - 1))
	done
	return 1
}

status_is() { [ "$(status "$1")" = "$2" ]; }

# cg_read FILE: content of a cgroup file (first line), "" if missing.
cg_read() { head -1 "$1" 2>/dev/null; }

# cg_key FILE KEY: the value of KEY in a flat-keyed cgroup file (memory.events, ...).
cg_key() { awk -v k="$2" '$1 == k { print $2 }' "$1" 2>/dev/null; }

assert_eq() {
	[ "$1" = "$2" ] || fail "${3:-value}: got '$1', want '$2'"
	log "ok: ${3:-value} = '$2'"
}

assert_ge() {
	[ -n "$1" ] && [ "$1" -ge "$2" ] 2>/dev/null || fail "${3:-value}: got '$1', want >= $2"
	log "ok: ${3:-value} = $1 (>= $2)"
}

assert_exists() { [ -e "$1" ] || fail "${2:-$1} does not exist"; log "ok: $1 exists"; }
assert_missing() { [ ! -e "$1" ] || fail "${2:-$1} still exists"; log "ok: $1 is gone"; }

# need FILE: skip the test when a kernel interface is missing (wrong VM, not berth's fault).
need() { [ -e "$1" ] || skip "$1 is missing"; }
