#!/usr/bin/env bash
# Fresh Debian 12, as root: install dependencies, build berth, run a busybox container.
set -euo pipefail
cd "$(dirname "$0")/.."
export DEBIAN_FRONTEND=noninteractive
apt-get update -q
apt-get install -y -q meson ninja-build g++ pkg-config libyajl-dev libseccomp-dev libcap-dev \
  libmnl-dev libgtest-dev busybox-static jq bats iproute2
[[ -f build/build.ninja ]] || meson setup build
ninja -C build
bundle=$(mktemp -d /tmp/berth-bundle.XXXXXX)
contrib/make-bundle.sh "$bundle" build/berth
build/berth run --bundle "$bundle" "demo-$$"
