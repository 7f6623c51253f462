# Helpers for the escape regression tests: the integration helpers (bundle, runtime, the
# leak checks at teardown) plus what attacks need.
source "$(dirname "${BASH_SOURCE[0]}")/../integration/helpers.bash"

# A private copy of the runtime, so an attack that does overwrite "the runtime binary"
# destroys only this copy, and its hash can be compared afterwards.
# Sets VICTIM and VICTIM_SUM; use it with vrt (like rt).
use_victim_runtime() {
	VICTIM=$TEST_DIR/victim-runtime
	cp "$RUNTIME" "$VICTIM"
	VICTIM_SUM=$(sha256sum "$VICTIM" | cut -d' ' -f1)
}
vrt() { "$VICTIM" --root "$TEST_ROOT" "$@"; }

assert_victim_intact() {
	local now
	now=$(sha256sum "$VICTIM" | cut -d' ' -f1)
	if [ "$now" != "$VICTIM_SUM" ]; then
		echo "the runtime binary was modified from inside the container" >&2
		head -c 200 "$VICTIM" | od -c | head -5 >&2
		return 1
	fi
}

# A host file that must never change: host_canary <name> -> path (content "canary")
host_canary() {
	local p=$TEST_DIR/host-$1
	echo canary >"$p"
	printf '%s' "$p"
}
assert_canary() { # <path>
	local c
	c=$(cat "$1" 2>/dev/null || echo MISSING)
	assert_eq "$c" canary "host file $1"
}
