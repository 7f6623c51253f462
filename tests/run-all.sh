#!/usr/bin/env bash
# The project's test command (README): builds berth, runs the unit tests, the oci-spec
# tests, the integration suite (as root) and a bounded fuzz run of the config parser.
# Usage: tests/run-all.sh [--no-fuzz]   (FUZZ_SECONDS=60 by default)
set -euo pipefail
cd "$(dirname "$0")/.."
fuzz=1
[[ "${1:-}" == "--no-fuzz" ]] && fuzz=0

build=${BUILD_DIR:-build}
if [[ ! -f "$build/build.ninja" ]]; then
  meson setup "$build" -Dtests=true
fi
ninja -C "$build"
meson test -C "$build" --print-errorlogs --num-processes 1

# oci-spec is a standalone library: prove it builds and tests on its own.
(cd oci-spec && { [[ -f build-alone/build.ninja ]] || meson setup build-alone; } &&
  ninja -C build-alone && meson test -C build-alone --print-errorlogs)

if (( fuzz )) && command -v clang++ >/dev/null; then
  secs=${FUZZ_SECONDS:-60}
  (cd oci-spec && { [[ -f build-fuzz/build.ninja ]] || CXX=clang++ meson setup build-fuzz -Dfuzz=true -Dtests=false; } &&
    ninja -C build-fuzz &&
    mkdir -p build-fuzz/corpus &&
    ./build-fuzz/fuzz_config -max_total_time="$secs" -timeout=10 build-fuzz/corpus fuzz/corpus)
fi
echo "all tests passed"
