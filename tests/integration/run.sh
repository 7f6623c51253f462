#!/bin/bash
# Run the integration suite against any OCI runtime with runc's command line.
#
#   tests/integration/run.sh [--runtime PATH] [--tap] [bats args... | test files...]
#
#   --runtime PATH   runtime under test (default: $RUNTIME, else berth on PATH, else
#                    /usr/sbin/runc)
#   other arguments  passed to bats, e.g. `--filter 'lifecycle: kill'` or a .bats file;
#                    without file arguments, every *.bats here runs
#
# Builds tests/probe/probe.c and recvtty.c statically (gcc) into a temp dir unless PROBE /
# RECVTTY point at existing binaries. Must run as root.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
bats_args=()
files=()
while [ $# -gt 0 ]; do
	case "$1" in
	--runtime) RUNTIME=$2; shift 2 ;;
	--runtime=*) RUNTIME=${1#--runtime=}; shift ;;
	-h | --help) sed -n '2,12p' "$0"; exit 0 ;;
	*.bats) files+=("$1"); shift ;;
	*) bats_args+=("$1"); shift ;;
	esac
done

if [ "$(id -u)" != 0 ]; then
	echo "run.sh: the integration tests need root" >&2
	exit 1
fi

RUNTIME=${RUNTIME:-$(command -v berth || echo /usr/sbin/runc)}
RUNTIME=$(readlink -f "$(command -v "$RUNTIME" || echo "$RUNTIME")")
[ -x "$RUNTIME" ] || { echo "run.sh: runtime '$RUNTIME' is not executable" >&2; exit 1; }

build=$(mktemp -d /tmp/berth-it-build.XXXXXX)
trap 'rm -rf "$build"' EXIT
if [ -z "${PROBE:-}" ] || [ ! -x "$PROBE" ]; then
	gcc -O2 -static -Wall -Wextra -Werror -o "$build/probe" "$here/../probe/probe.c"
	PROBE=$build/probe
fi
if [ -z "${RECVTTY:-}" ] || [ ! -x "$RECVTTY" ]; then
	gcc -O2 -static -Wall -Wextra -Werror -o "$build/recvtty" "$here/recvtty.c"
	RECVTTY=$build/recvtty
fi
export RUNTIME PROBE RECVTTY

echo "# runtime: $RUNTIME ($("$RUNTIME" --version 2>/dev/null | head -1))" >&2
[ ${#files[@]} -gt 0 ] || files=("$here")
bats "${bats_args[@]}" "${files[@]}"
