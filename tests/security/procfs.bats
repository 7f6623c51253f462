#!/usr/bin/env bats
# The runtime's own writes to procfs (sysctl, oom_score_adj, LSM attributes) must reach the
# real procfs, whatever the image or the mount list put over the target (CVE-2025-52881:
# a file bound over /proc/sys/... or /proc/self/attr/... swallowed runc's writes, or
# redirected them to a host file). The AppArmor attribute case runs in the VM suite
# (tests/vm/tests/apparmor_profile.sh), the only place with AppArmor.

load helpers

@test "[procfs-write] CVE-2025-52881: a host file mounted over a sysctl does not receive the write" {
	canary=$(host_canary sysctl)
	cfg '.linux.namespaces |= (map(select(.type != "network")) + [{"type": "network"}]) |
		.linux.sysctl = {"net.ipv4.ip_forward": "1"} |
		.mounts += [{"destination": "/proc/sys/net/ipv4/ip_forward", "type": "bind",
		             "source": $c, "options": ["bind"]}]' --arg c "$canary"
	set_args /bin/cat /proc/sys/net/ipv4/ip_forward
	run_probe
	# Refusing the config is fine; writing to the host file is the escape.
	assert_canary "$canary"
	if [ "$status" = 0 ]; then
		assert_eq "$output" 1 "the container's real ip_forward"
	else
		assert_contains "$stderr" "ip_forward"
	fi
}

@test "[procfs-write] CVE-2025-52881: a host file mounted over /proc/self/oom_score_adj does not receive the write" {
	canary=$(host_canary oom)
	# /proc/self resolves, when the mount is made, to the container's init.
	cfg '.process.oomScoreAdj = 500 |
		.mounts += [{"destination": "/proc/self/oom_score_adj", "type": "bind",
		             "source": $c, "options": ["bind"]}]' --arg c "$canary"
	set_args /bin/cat /proc/self/oom_score_adj
	run_probe
	assert_canary "$canary"
	if [ "$status" = 0 ]; then
		assert_eq "$output" 500 "the container's real oom_score_adj"
	fi
}
