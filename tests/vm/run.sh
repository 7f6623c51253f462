#!/bin/bash
# Boot Debian's kernel under QEMU (TCG) with an initramfs holding berth and run the VM tests
# as root on a pure cgroup v2 system with AppArmor enabled.
#
#   tests/vm/run.sh [--berth PATH] [--probe PATH] [--timeout SECS] [--kernel PATH]
#                   [--log FILE] [--keep] [TEST...]
#
#   --berth PATH    berth binary (default: build/berth, else build-*/berth, else berth on PATH)
#   --probe PATH    static probe (default: build/tests/probe/probe, else build-*/..., else it is
#                   compiled from tests/probe/probe.c into the temp dir)
#   --timeout SECS  wall-clock limit for the whole VM run (default 900); expiry is a failure
#   --kernel PATH   kernel image (default: newest /boot/vmlinuz-*); modules come from
#                   /lib/modules/<its version>
#   --log FILE      also keep the raw serial console output in FILE
#   --keep          keep the temp dir (initramfs, console log) and print its path
#   TEST...         test names (smoke, cgroup_memory, ...) or paths of tests/vm/tests/*.sh;
#                   default: every tests/vm/tests/*.sh
#
# Output: the console as it streams, then one summary line per test. Exit status 0 only if
# every test printed `VMTEST <name> PASS` and `VMTEST-DONE 0` arrived before the timeout.
# Needs: qemu-system-x86_64, busybox-static, cpio, gzip, ldd; apparmor_parser and jq are
# copied in when present. KVM is not used (-accel tcg), so this runs anywhere, slowly.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
berth='' probe='' kernel='' log='' keep=0 timeout=900
tests=()
while [ $# -gt 0 ]; do
	case "$1" in
	--berth) berth=$2; shift 2 ;;
	--probe) probe=$2; shift 2 ;;
	--timeout) timeout=$2; shift 2 ;;
	--kernel) kernel=$2; shift 2 ;;
	--log) log=$2; shift 2 ;;
	--keep) keep=1; shift ;;
	-h | --help) sed -n '2,21p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
	-*) echo "run.sh: unknown flag $1" >&2; exit 2 ;;
	*) tests+=("$1"); shift ;;
	esac
done

die() { echo "run.sh: $*" >&2; exit 1; }

first_existing() {
	local f
	for f in "$@"; do [ -x "$f" ] && { echo "$f"; return 0; }; done
	return 1
}

# --- inputs ------------------------------------------------------------------------------
if [ -z "$berth" ]; then
	# shellcheck disable=SC2046
	berth=$(first_existing "$top/build/berth" $(ls -t "$top"/build*/berth 2>/dev/null) \
		"$(command -v berth || true)") || die "no berth binary found; pass --berth"
fi
berth=$(readlink -f "$berth")
[ -x "$berth" ] || die "berth '$berth' is not executable"

if [ -z "$kernel" ]; then
	kernel=$(ls -v /boot/vmlinuz-* 2>/dev/null | tail -1) || true
fi
[ -r "$kernel" ] || die "no kernel image found (install linux-image-amd64) or pass --kernel"
kver=${kernel##*/vmlinuz-}
moddir=/lib/modules/$kver

command -v qemu-system-x86_64 >/dev/null || die "qemu-system-x86_64 is missing (apt-get install qemu-system-x86)"
command -v cpio >/dev/null || die "cpio is missing"
busybox=$(first_existing /bin/busybox /usr/bin/busybox) || die "busybox-static is missing"
# A dynamically linked busybox would need its libraries; the Debian busybox-static one does not.
if ldd "$busybox" >/dev/null 2>&1; then die "$busybox is dynamically linked; install busybox-static"; fi

work=$(mktemp -d /tmp/berth-vm.XXXXXX)
cleanup() {
	if [ "$keep" = 1 ]; then echo "run.sh: kept $work"; else rm -rf "$work"; fi
}
trap cleanup EXIT
root=$work/root
mkdir -p "$root"

if [ -z "$probe" ]; then
	# shellcheck disable=SC2046
	probe=$(first_existing "$top/build/tests/probe/probe" \
		$(ls -t "$top"/build*/tests/probe/probe 2>/dev/null)) || {
		gcc -O2 -static -Wall -Wextra -Werror -o "$work/probe" "$top/tests/probe/probe.c" ||
			die "cannot build the probe; pass --probe"
		probe=$work/probe
	}
fi
if ldd "$probe" >/dev/null 2>&1; then die "probe '$probe' is not static"; fi

# Select the test scripts.
test_files=()
if [ ${#tests[@]} -eq 0 ]; then
	for f in "$here"/tests/*.sh; do test_files+=("$f"); done
else
	for t in "${tests[@]}"; do
		if [ -f "$t" ]; then test_files+=("$(readlink -f "$t")")
		elif [ -f "$here/tests/$t.sh" ]; then test_files+=("$here/tests/$t.sh")
		else die "no test '$t' in $here/tests"
		fi
	done
fi
[ ${#test_files[@]} -gt 0 ] || die "no tests to run"

# --- initramfs ---------------------------------------------------------------------------
mkdir -p "$root"/{bin,sbin,dev,proc,sys,run,tmp,etc,root,tests,usr/bin,usr/sbin,usr/local/bin}
cp "$busybox" "$root/bin/busybox"
for a in $("$busybox" --list); do
	[ "$a" = busybox ] || ln -s busybox "$root/bin/$a"
done
# The kernel opens /dev/console for init before anything is mounted.
mknod -m 600 "$root/dev/console" c 5 1 2>/dev/null || true
mknod -m 666 "$root/dev/null" c 1 3 2>/dev/null || true
echo 'root:x:0:0:root:/root:/bin/sh' >"$root/etc/passwd"
echo 'root:x:0:' >"$root/etc/group"

# copy_elf SRC DST: the binary plus every library ldd lists and the dynamic loader, at the
# paths ldd prints (dereferenced, so merged-/usr symlinks become real files).
copy_elf() {
	local src=$1 dst=$2 lib
	mkdir -p "$root$(dirname "$dst")"
	cp -L "$src" "$root$dst"
	# Debug info makes berth ~30 MB; the VM has no use for it.
	strip --strip-debug "$root$dst" 2>/dev/null || true
	for lib in $(ldd "$src" 2>/dev/null | awk '/=> \//{print $3} /^[ \t]*\//{print $1}'); do
		[ -e "$root$lib" ] && continue
		mkdir -p "$root$(dirname "$lib")"
		cp -L "$lib" "$root$lib"
	done
}
copy_elf "$berth" /usr/local/bin/berth
cp "$probe" "$root/usr/local/bin/probe"
parser=$(command -v apparmor_parser || ls /sbin/apparmor_parser /usr/sbin/apparmor_parser 2>/dev/null | head -1 || true)
[ -n "$parser" ] && copy_elf "$parser" /usr/sbin/apparmor_parser
jq=$(command -v jq || true)
[ -n "$jq" ] && copy_elf "$jq" /usr/bin/jq

# Modules that a test may need but are not built in (CONFIG_*=m in Debian's 6.1 config):
# overlay (overlay rootfs mounts), veth (netDevices) and loop (a block device for io.max).
# Everything cgroup-related (memcg,
# pids, cpuset, freezer, hugetlb, rdma, misc, BPF device controller) is built in. /init
# insmods each .ko it finds; none has module dependencies.
for m in kernel/fs/overlayfs/overlay.ko kernel/drivers/net/veth.ko kernel/drivers/block/loop.ko; do
	for f in "$moddir/$m" "$moddir/$m.xz" "$moddir/$m.zst"; do
		if [ -f "$f" ]; then
			mkdir -p "$root/lib/modules"
			case "$f" in
			*.xz) xz -dc "$f" >"$root/lib/modules/$(basename "$m")" ;;
			*.zst) zstd -dcq "$f" >"$root/lib/modules/$(basename "$m")" ;;
			*) cp "$f" "$root/lib/modules/" ;;
			esac
			break
		fi
	done
done

cp "$here/init" "$root/init"
cp "$here/lib.sh" "$root/tests/lib.sh"
for f in "${test_files[@]}"; do cp "$f" "$root/tests/"; done
chmod 755 "$root/init"

initrd=$work/initramfs.gz
(cd "$root" && find . -print0 | cpio --null -o -H newc --quiet) | gzip -1 >"$initrd"
echo "run.sh: initramfs $(du -h "$initrd" | cut -f1) with ${#test_files[@]} test(s); kernel $kernel"

# --- boot --------------------------------------------------------------------------------
# cgroup_no_v1=all: no v1 hierarchy can be mounted, so the VM is pure v2 whatever a test
# does. printk is quietened by /init so kernel messages do not split VMTEST lines.
append="console=ttyS0 panic=-1 apparmor=1 security=apparmor systemd.unified_cgroup_hierarchy=1 cgroup_no_v1=all quiet"
console=$work/console.log
start=$(date +%s)
set +e
timeout -k 10 "$timeout" qemu-system-x86_64 -accel tcg -cpu max -m 1024 -smp 2 -nographic \
	-no-reboot -kernel "$kernel" -initrd "$initrd" -append "$append" </dev/null 2>&1 |
	tee "$console"
qemu_rc=${PIPESTATUS[0]}
set -e
elapsed=$(($(date +%s) - start))
[ -n "$log" ] && cp "$console" "$log"

# --- report ------------------------------------------------------------------------------
# CRs from the serial line and the firmware's escape sequences would break the line matches.
tr -d '\r' <"$console" | sed 's/\x1b\[[0-9;?]*[a-zA-Z]//g; s/\x1b[a-zA-Z]//g' >"$work/console.txt"
echo
echo "==== VM test summary (${elapsed}s wall, qemu exit $qemu_rc) ===="
boot=$(sed -n 's/^VMTEST-BOOT \([0-9.]*\).*/\1/p' "$work/console.txt" | head -1)
[ -n "$boot" ] && echo "boot to /init: ${boot}s (guest uptime)"
failed=0
for f in "${test_files[@]}"; do
	name=$(basename "$f" .sh)
	line=$(grep -a "^VMTEST $name " "$work/console.txt" | tail -1 || true)
	if [ -z "$line" ]; then
		printf '%-16s %s\n' "$name" "MISSING (no result line)"
		failed=$((failed + 1))
		continue
	fi
	read -r _ _ result rest <<<"$line"
	printf '%-16s %-5s %s\n' "$name" "$result" "$rest"
	[ "$result" = PASS ] || failed=$((failed + 1))
done
done_line=$(grep -a '^VMTEST-DONE ' "$work/console.txt" | tail -1 || true)
if [ -z "$done_line" ]; then
	if [ "$qemu_rc" = 124 ] || [ "$qemu_rc" = 137 ]; then
		echo "FAIL: timed out after ${timeout}s without VMTEST-DONE"
	else
		echo "FAIL: the VM stopped without VMTEST-DONE"
	fi
	exit 1
fi
if [ "$done_line" != "VMTEST-DONE 0" ] || [ "$failed" != 0 ]; then
	echo "FAIL: $failed test(s) did not pass ($done_line)"
	exit 1
fi
echo "OK: all ${#test_files[@]} test(s) passed"
