#!/usr/bin/env bash
# The project's test command (README): builds berth, runs the unit tests, the oci-spec
# tests, the integration and security suites (as root; tests/security also against a
# test-only build with each protection switched off) and bounded fuzz runs of the config
# parser and of the planner.
# Then the VM suite: pure cgroup v2 + AppArmor under QEMU (tests/vm, ~10 minutes).
# Usage: tests/run-all.sh [--no-fuzz] [--no-vm]   (FUZZ_SECONDS=60 by default)
# (--no-vm is for quick local runs; CI runs everything.)
set -euo pipefail
cd "$(dirname "$0")/.."
fuzz=1 vm=1
for a in "$@"; do
  case $a in
    --no-fuzz) fuzz=0 ;;
    --no-vm) vm=0 ;;
    *) echo "usage: $0 [--no-fuzz] [--no-vm]" >&2; exit 2 ;;
  esac
done

build=${BUILD_DIR:-build}
if [[ ! -f "$build/build.ninja" ]]; then
  meson setup "$build" -Dtests=true
fi
ninja -C "$build"
meson test -C "$build" --print-errorlogs --num-processes 1

# Every escape test must fail when the protection it covers is switched off: a second,
# test-only build (-Dtest_unprotect=true) of the berth binary alone.
ubuild=${UNPROTECT_BUILD_DIR:-build-unprotect}
if [[ ! -f "$ubuild/build.ninja" ]]; then
  meson setup "$ubuild" -Dtest_unprotect=true -Dtests=false
fi
ninja -C "$ubuild" berth
PROBE=$build/tests/probe/probe RECVTTY=$build/tests/integration/recvtty \
  tests/security/run.sh --runtime "$build/berth" --unprotected "$ubuild/berth" --unprotected-only

# oci-spec is a standalone library: prove it builds and tests on its own.
(cd oci-spec && { [[ -f build-alone/build.ninja ]] || meson setup build-alone; } &&
  ninja -C build-alone && meson test -C build-alone --print-errorlogs)

if (( fuzz )) && command -v clang++ >/dev/null; then
  secs=${FUZZ_SECONDS:-60}
  (cd oci-spec && { [[ -f build-fuzz/build.ninja ]] || CXX=clang++ meson setup build-fuzz -Dfuzz=true -Dtests=false; } &&
    ninja -C build-fuzz &&
    mkdir -p build-fuzz/corpus &&
    ./build-fuzz/fuzz_config -max_total_time="$secs" -timeout=10 build-fuzz/corpus fuzz/corpus)
  # berth's planner (fuzz/fuzz_plan.cc): config.json -> validation -> InitPlan, no side
  # effects. Only the fuzz targets are built (the whole clang+ASan build would add
  # minutes); expected_compat_check covers the std::expected stand-in clang uses.
  fbuild=${FUZZ_BUILD_DIR:-build-fuzz}
  ({ [[ -f "$fbuild/build.ninja" ]] || CC=clang CXX=clang++ meson setup "$fbuild" -Dfuzz=true -Dtests=false; } &&
    ninja -C "$fbuild" fuzz/fuzz_plan fuzz/expected_compat_check &&
    "$fbuild/fuzz/expected_compat_check" &&
    mkdir -p "$fbuild/corpus-plan" &&
    "$fbuild/fuzz/fuzz_plan" -dict=fuzz/plan.dict -max_total_time="$secs" -timeout=10 \
      "$fbuild/corpus-plan" fuzz/corpus)
fi
if (( vm )); then
  tests/vm/run.sh --berth "$build/berth" --probe "$build/tests/probe/probe"
fi
echo "all tests passed"
