#!/bin/bash
# The escape regression suite (tests/security/README.md).
#
#   tests/security/run.sh [--runtime PATH] [--unprotected PATH [--unprotected-only]] [files...]
#
#   --runtime PATH       the runtime under test: every test must pass
#   --unprotected PATH   a berth built with -Dtest_unprotect=true: each test named
#                        "[key] ..." is run again with BERTH_UNPROTECT=key and must FAIL,
#                        which proves it detects the escape its protection stops
#   --unprotected-only   skip the first pass
#
# "[a,b] ..." names layered protections: it must fail with all of them off (BERTH_UNPROTECT=a,b).
# A test named "[-] ..." has no switch; a "# can fail:" comment right above it must say how
# it would catch a regression. The pass checks that such a comment exists.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
unprot= only=0 files=()
while [ $# -gt 0 ]; do
	case "$1" in
	--runtime) RUNTIME=$2; shift 2 ;;
	--unprotected) unprot=$2; shift 2 ;;
	--unprotected-only) only=1; shift ;;
	-h | --help) sed -n '2,13p' "$0"; exit 0 ;;
	*) files+=("$1"); shift ;;
	esac
done
[ "$(id -u)" = 0 ] || { echo "run.sh: needs root" >&2; exit 1; }
[ ${#files[@]} -gt 0 ] || files=("$here"/*.bats)
export RUNTIME=${RUNTIME:-$(command -v berth)}

build=$(mktemp -d /tmp/berth-sec-build.XXXXXX)
trap 'rm -rf "$build"' EXIT
for h in probe:../probe/probe.c recvtty:../integration/recvtty.c; do
	var=${h%%:*} src=${h#*:}
	uvar=${var^^}
	if [ -z "${!uvar:-}" ] || [ ! -x "${!uvar}" ]; then
		gcc -O2 -static -Wall -Wextra -Werror -o "$build/$var" "$here/$src"
		printf -v "$uvar" '%s' "$build/$var"
	fi
done
export PROBE RECVTTY

# Every test declares its switch, or explains itself.
bad=0
for f in "${files[@]}"; do
	awk -v f="$f" '
		/^# can fail:/ { why = 1 }
		/^}/ { why = 0 }
		/^@test / {
			if ($0 !~ /^@test "\[[a-z0-9,-]+\] /) { print f ": test without a [key]: " $0; bad = 1 }
			else if ($0 ~ /^@test "\[-\] / && !why) {
				print f ": [-] test without a \"# can fail:\" comment: " $0; bad = 1 }
		}
		END { exit bad }' "$f" || bad=1
done
[ $bad = 0 ] || exit 1

rc=0
if [ $only = 0 ]; then
	bats --tap "${files[@]}" || rc=1
fi

if [ -n "$unprot" ]; then
	"$unprot" --version | grep -q TEST-ONLY ||
		{ echo "run.sh: $unprot is not a -Dtest_unprotect build" >&2; exit 1; }
	echo "# each protection switched off: its test must fail"
	n=0
	while IFS=$'\t' read -r f name; do
		key=${name#[}
		key=${key%%]*}
		[ "$key" = - ] && continue
		n=$((n + 1))
		re=$(printf '%s' "$name" | sed 's/[][\.*^$+?(){}|/]/\\&/g')
		if BERTH_UNPROTECT=$key RUNTIME=$unprot bats --filter "^$re\$" "$f" >"$build/out" 2>&1; then
			echo "not ok $n - without '$key' the test still passes: $name"
			sed 's/^/#   /' "$build/out"
			rc=1
		elif grep -q '^ok ' "$build/out" || ! grep -q '^not ok ' "$build/out"; then
			echo "not ok $n - '$key': the test did not run: $name"
			sed 's/^/#   /' "$build/out"
			rc=1
		else
			echo "ok $n - without '$key' it fails: $name"
		fi
	done < <(for f in "${files[@]}"; do
		sed -n 's/^@test "\(.*\)" {$/\1/p' "$f" | while read -r t; do printf '%s\t%s\n' "$f" "$t"; done
	done)
fi
exit $rc
