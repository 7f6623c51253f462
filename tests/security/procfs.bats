#!/usr/bin/env bats
# CVE-2025-52881: the runtime's writes to procfs (sysctls, oom_score_adj, LSM exec labels)
# must reach the real procfs, not whatever the bundle's mounts put over /proc. A bind mount
# of a host file over the target would otherwise receive the write (a host file is
# modified) and the setting silently never happens. berth writes through a private,
# detached procfs instance (src/lib/attrs/procfs.h); BERTH_UNPROTECT=procfs-write makes
# it write through the container's /proc path instead.
# The AppArmor variant (a bind over /proc/self/attr/apparmor/exec) needs AppArmor and is
# in tests/vm/tests/apparmor_profile.sh.

load helpers

# Mounts are applied in order, after the /proc mount, so this destination is inside the
# container's procfs.
bind_over() { # <host file> <destination>
	cfg '.mounts += [{"destination": $d, "type": "bind", "source": $s, "options": ["bind"]}]' \
		--arg d "$2" --arg s "$1"
}

@test "[procfs-write] CVE-2025-52881: a bind mount over /proc/sys/net/ipv4/ip_forward does not swallow linux.sysctl" {
	local canary
	canary=$(host_canary ip_forward)
	# The base config has a network namespace: ip_forward is its own, starting at 0.
	cfg '.linux.sysctl = {"net.ipv4.ip_forward": "1"}'
	bind_over "$canary" /proc/sys/net/ipv4/ip_forward
	# conf/all/forwarding is the same setting (writing one sets the other) and is not
	# covered by the bind mount.
	set_args cat /proc/sys/net/ipv4/conf/all/forwarding
	run --separate-stderr rt run --bundle "$BUNDLE" "ctr-$RANDOM"
	echo "status=$status stdout=$output stderr=$stderr"
	assert_canary "$canary"
	[ "$status" -eq 0 ]
	assert_eq "$output" 1 "the container's net.ipv4.ip_forward"
}

@test "[procfs-write] CVE-2025-52881: a bind mount over /proc/self/oom_score_adj does not swallow process.oomScoreAdj" {
	local canary
	canary=$(host_canary oom)
	cfg '.process.oomScoreAdj = 777'
	# At mount time "self" is the container's init (pid 1 of its pid namespace), the
	# process that later writes /proc/self/oom_score_adj.
	bind_over "$canary" /proc/self/oom_score_adj
	set_args sleep 30
	run_detached ctr
	local pid
	pid=$(ctr_pid ctr)
	echo "pid=$pid err=$(cat "$TEST_DIR/ctr.err")"
	assert_canary "$canary"
	[ -n "$pid" ]
	# Seen from the host, where nothing covers it.
	assert_eq "$(cat "/proc/$pid/oom_score_adj")" 777 "the container's oom_score_adj"
}
