#!/usr/bin/env bats
# CVE-2022-27650, CVE-2022-29162: runtimes filled the inheritable set (and so, through
# file capabilities or ambient raising, the effective set after exec) although the config
# asked for none. berth sets exactly the five sets of process.capabilities; the ambient
# set is cleared before the asked capabilities are raised (capabilities.cc).

load helpers

no_inh_amb() {
	cfg '.process.capabilities.inheritable = [] | .process.capabilities.ambient = []'
}

@test "[caps-inheritable] CVE-2022-29162: no inheritable or ambient capability unless asked (root)" {
	no_inh_amb
	probe_ok caps
	assert_eq "${P[caps.hex.inheritable]}" 0000000000000000 "CapInh"
	assert_eq "${P[caps.hex.ambient]}" 0000000000000000 "CapAmb"
	assert_ne "${P[caps.hex.effective]}" 0000000000000000 "CapEff (root keeps its asked caps)"
}

@test "[caps-inheritable] CVE-2022-27650: no inheritable or ambient capability unless asked (uid 1000)" {
	no_inh_amb
	cfg '.process.user = {"uid": 1000, "gid": 1000}'
	probe_ok caps
	assert_eq "${P[caps.hex.inheritable]}" 0000000000000000 "CapInh"
	assert_eq "${P[caps.hex.ambient]}" 0000000000000000 "CapAmb"
	assert_eq "${P[caps.hex.effective]}" 0000000000000000 "CapEff of a non-root user"
}

# can fail: berth takes user.uid as a number and never looks names up in the image's
# /etc/passwd; a runtime that resolved "1000" as a user name first (as runc's user lookup
# once did for `exec --user`) would find the hostile entry and run the process as uid 0.
@test "[-] user.uid 1000 is uid 1000 even when /etc/passwd names a user \"1000\" with uid 0" {
	cat >"$BUNDLE/rootfs/etc/passwd" <<-'EOF2'
		1000:x:0:0:hostile:/root:/bin/sh
		root:x:0:0:root:/root:/bin/sh
	EOF2
	cfg '.process.user = {"uid": 1000, "gid": 1000}'
	probe_ok ids env
	assert_eq "${P[ids.uid]}" 1000 "uid"
	assert_eq "${P[ids.euid]:-1000}" 1000 "euid"
	[[ "$output" != *'HOME=/root'* ]] || { echo "HOME came from the hostile entry: $output" >&2; return 1; }
}
