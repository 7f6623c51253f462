#!/usr/bin/env bats
# Namespaces (config-linux.md "Namespaces", "Offset for Time Namespace", "Network Devices").

load helpers

# spec type -> /proc/self/ns name
ns_file() {
	case "$1" in
	network) echo net ;;
	mount) echo mnt ;;
	*) echo "$1" ;;
	esac
}

# check_ns <type>: a new namespace differs from the host's, an absent one equals it.
check_ns() {
	local type=$1 f host
	f=$(ns_file "$type")
	host=$(host_ns "$f")
	cfg '.linux.namespaces = ([.linux.namespaces[] | select(.type != $t)] + [{"type": $t}])' --arg t "$type"
	probe_ok ns
	assert_ne "$(pj ".ns.\"$f\"")" "$host" "new $type namespace"
	cfg '.linux.namespaces = [.linux.namespaces[] | select(.type != $t)]
		| if $t == "uts" then del(.hostname, .domainname) else . end' --arg t "$type"
	probe_ok ns
	assert_eq "$(pj ".ns.\"$f\"")" "$host" "absent $type namespace = host's"
}

@test "namespaces: pid" {
	check_ns pid
	# in a new pid namespace the process is pid 1
	cfg '.linux.namespaces += [{"type": "pid"}]'
	probe_ok pid
	assert_eq "$(pj .pid.pid)" 1
}

@test "namespaces: network" {
	check_ns network
}

@test "namespaces: ipc" {
	check_ns ipc
}

@test "namespaces: uts" {
	check_ns uts
}

@test "namespaces: mount" {
	# Only the "new" case: without a mount namespace every mount of the config would land in
	# the host's mount namespace, which is not something to do on a test machine.
	local host
	host=$(host_ns mnt)
	probe_ok ns
	assert_ne "$(pj .ns.mnt)" "$host" "new mount namespace"
}

@test "namespaces: cgroup" {
	requires_feature cgroup
	check_ns cgroup
	# a new cgroup namespace is rooted at the container's cgroup
	cfg '.linux.namespaces += [{"type": "cgroup"}]'
	probe_ok cgroup
	pj '.cgroup[]' | grep -q '^0::/$'
}

@test "namespaces: time" {
	requires_feature time
	check_ns time
}

@test "namespaces: time offsets for monotonic and boottime" {
	requires_feature time
	requires_feature timeOffsets
	cfg '.linux.namespaces += [{"type": "time"}]
		| .linux.timeOffsets = {"monotonic": {"secs": 1000000}, "boottime": {"secs": 1000000, "nanosecs": 0}}'
	local host_mono
	host_mono=$(awk '{print int($1)}' /proc/uptime)
	probe_ok timens
	local mono boot
	mono=$(pj .timens.monotonic)
	boot=$(pj .timens.boottime)
	[ "$mono" -ge $((host_mono + 1000000 - 5)) ] && [ "$mono" -le $((host_mono + 1000000 + 60)) ]
	[ "$boot" -ge $((host_mono + 1000000 - 5)) ]
}

@test "namespaces: join a running container's namespaces by path" {
	set_args /probe sleep 100
	run_detached first
	local pid
	pid=$(ctr_pid first)
	local net ipc uts
	net=$(ns_inode_of_pid "$pid" net)
	ipc=$(ns_inode_of_pid "$pid" ipc)
	uts=$(ns_inode_of_pid "$pid" uts)

	make_bundle "$TEST_DIR/second"
	cfg '.linux.namespaces = [.linux.namespaces[]
		| if .type == "network" then .path = "/proc/\($p)/ns/net"
		  elif .type == "ipc" then .path = "/proc/\($p)/ns/ipc"
		  elif .type == "uts" then .path = "/proc/\($p)/ns/uts"
		  else . end]
		| del(.hostname)' --arg p "$pid"
	probe_ok ns
	assert_eq "$(pj .ns.net)" "$net" "joined net"
	assert_eq "$(pj .ns.ipc)" "$ipc" "joined ipc"
	assert_eq "$(pj .ns.uts)" "$uts" "joined uts"
	assert_ne "$(pj .ns.pid)" "$(ns_inode_of_pid "$pid" pid)" "pid ns is new"
}

@test "namespaces: join a bind-mounted network namespace" {
	mkdir -p "$TEST_DIR/nsdir"
	# a private mount so the nsfs bind mount does not propagate anywhere
	mount --bind "$TEST_DIR/nsdir" "$TEST_DIR/nsdir"
	mount --make-private "$TEST_DIR/nsdir"
	on_teardown "umount -l '$TEST_DIR/nsdir/netns'; umount -l '$TEST_DIR/nsdir'"
	touch "$TEST_DIR/nsdir/netns"
	unshare --net="$TEST_DIR/nsdir/netns" true
	local ino
	ino=$(stat -L -c %i "$TEST_DIR/nsdir/netns")
	cfg '.linux.namespaces = [.linux.namespaces[] | if .type == "network" then .path = $p else . end]' \
		--arg p "$TEST_DIR/nsdir/netns"
	probe_ok ns
	assert_eq "$(pj .ns.net)" "$ino"
}

@test "namespaces: joining a path that is not a namespace fails" {
	touch "$TEST_DIR/notns"
	cfg '.linux.namespaces = [.linux.namespaces[] | if .type == "network" then .path = $p else . end]' \
		--arg p "$TEST_DIR/notns"
	set_args /probe sleep 100 marker-notns-$$
	run_probe
	[ "$status" -ne 0 ]
	[ -z "$(stray_procs marker-notns-$$)" ]
}

@test "namespaces: a new network namespace has lo up" {
	probe_ok cat /sys/class/net/lo/flags
	local flags
	flags=$(pj .cat.content)
	# IFF_UP = 0x1
	(( (flags & 1) == 1 ))
	set_args ip link show lo
	run_probe
	assert_eq "$status" 0
	assert_contains "$output" "UP"
}

@test "namespaces: linux.netDevices moves and renames a host interface" {
	requires_feature netDevices
	local dev=bdummy$$
	dev=${dev:0:15}
	# This kernel has no dummy driver; one end of a veth pair is an ordinary netdev too.
	ip link add "$dev" type veth peer name "${dev:0:13}p"
	on_teardown "ip link del '$dev' 2>/dev/null || ip link del '${dev:0:13}p' 2>/dev/null || true"
	ip addr add 192.0.2.77/24 dev "$dev"
	set_args /probe sleep 100
	cfg '.linux.netDevices = {($d): {"name": "eth7"}}' --arg d "$dev"
	run_detached nd
	local pid
	pid=$(ctr_pid nd)
	# gone from the host, present in the container under the new name, up, address kept
	run ip link show "$dev"
	[ "$status" -ne 0 ]
	run nsenter -t "$pid" -n ip -o addr show eth7
	assert_eq "$status" 0
	assert_contains "$output" "192.0.2.77/24"
	run nsenter -t "$pid" -n ip -o link show eth7
	assert_contains "$output" "UP"
	# also what the container process sees
	local flags
	flags=$(nsenter -t "$pid" -m -n /probe cat /sys/class/net/eth7/flags | jq -r .cat.content)
	(( (flags & 1) == 1 ))
	rt delete -f nd
	# a virtual device is destroyed with the namespace (and a veth takes its peer along)
	wait_for 5 bash -c "! ip link show eth7 >/dev/null 2>&1 && ! ip link show '$dev' >/dev/null 2>&1"
	wait_for 5 bash -c "! ip link show '${dev:0:13}p' >/dev/null 2>&1"
}

@test "namespaces: linux.netDevices with an existing name in the container fails" {
	requires_feature netDevices
	local dev=bdummy$$
	dev=${dev:0:15}
	# This kernel has no dummy driver; one end of a veth pair is an ordinary netdev too.
	ip link add "$dev" type veth peer name "${dev:0:13}p"
	on_teardown "ip link del '$dev' 2>/dev/null || ip link del '${dev:0:13}p' 2>/dev/null || true"
	cfg '.linux.netDevices = {($d): {"name": "lo"}}' --arg d "$dev"
	run_probe
	[ "$status" -ne 0 ]
	ip link show "$dev" >/dev/null
}
