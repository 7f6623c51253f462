#!/usr/bin/env bats
# linux.seccomp (config-linux.md "Seccomp", "The Container Process State").
# Syscalls are made with `probe syscall` (tests/probe/probe_syscall.c), which prints
# {"ret":R,"errno":E}. 159 = 128 + SIGSYS, how the runtime reports a seccomp kill.

load helpers

PODMAN_PROFILE=/usr/share/containers/seccomp.json

if [ -z "${SECCOMP_AGENT:-}" ]; then
	SECCOMP_AGENT="${BERTH_TEST_TMP:-/tmp}/berth-it-bin.$(id -u)/seccomp-agent"
	src="$INTEGRATION_DIR/../../contrib/seccomp-agent.c"
	if [ ! -x "$SECCOMP_AGENT" ] || [ "$src" -nt "$SECCOMP_AGENT" ]; then
		mkdir -p "$(dirname "$SECCOMP_AGENT")"
		gcc -O2 -static -o "$SECCOMP_AGENT" "$src" -lseccomp
	fi
fi

# Podman's profile is in containers/common's format (archMap, includes/excludes by
# capability and arch); turn it into linux.seccomp the way an engine does for amd64 and
# the container's bounding set.
podman_profile() {
	local caps
	caps=$(jq -c '.process.capabilities.bounding // []' "$BUNDLE/config.json")
	jq -c --argjson caps "$caps" -f "$BATS_TEST_DIRNAME/../../contrib/podman-seccomp.jq" "$PODMAN_PROFILE"
}

# set_seccomp '<json>': linux.seccomp = json
set_seccomp() {
	cfg '.linux.seccomp = $s' --argjson s "$1"
}

# A custom profile: default allow, plus the given rules.
allow_but() {
	set_seccomp "{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": $1}"
}

# sc <syscall args...>: run `probe syscall` in the container; $output is its JSON.
sc() {
	set_args /probe syscall "$@"
	run_probe
}

@test "seccomp: Podman's profile: blocked syscalls get the profile's errno, allowed ones work" {
	requires_feature seccomp
	[ -r "$PODMAN_PROFILE" ] || skip "no $PODMAN_PROFILE (golang-github-containers-common)"
	set_seccomp "$(podman_profile)"
	# userfaultfd: in the profile's first rule, SCMP_ACT_ERRNO with errnoRet 1 (EPERM).
	sc userfaultfd 0
	assert_eq "$(pj .errno)" 1
	# add_key is in no rule: the default action, SCMP_ACT_ERRNO with defaultErrnoRet 38.
	sc add_key str:user str:k str:v 1 0
	assert_eq "$(pj .errno)" 38
	# personality is allowed only for listed personas: 0xffffffff (query) is one.
	sc personality 0xffffffff
	assert_eq "$(pj .errno)" 0
	sc getpid
	assert_eq "$(pj .errno)" 0
	assert_eq "$(pj .ret)" 1
	# and a shell pipeline works under it
	set_args sh -c 'echo ok | cat'
	run_probe
	assert_eq "$output" ok
}

@test "seccomp: Podman's profile without noNewPrivileges (loaded before the capability drop)" {
	requires_feature seccomp
	[ -r "$PODMAN_PROFILE" ] || skip "no $PODMAN_PROFILE"
	cfg '.process.noNewPrivileges = false | .process.user = {"uid": 1000, "gid": 1000}'
	set_seccomp "$(podman_profile)"
	sc userfaultfd 0
	assert_eq "$(pj .errno)" 1
	set_args /probe ids
	run_probe
	assert_eq "$(pj .ids.uid)" 1000
}

@test "seccomp: SCMP_ACT_ERRNO uses errnoRet, default EPERM; defaultErrnoRet" {
	requires_feature seccomp
	allow_but '[{"names": ["getppid"], "action": "SCMP_ACT_ERRNO", "errnoRet": 42},
	            {"names": ["umask"], "action": "SCMP_ACT_ERRNO"}]'
	sc getppid
	assert_eq "$(pj .errno)" 42
	sc umask 022
	assert_eq "$(pj .errno)" 1
	# Default ERRNO with defaultErrnoRet, everything the runtime and probe need allowed.
	set_seccomp "$(podman_profile | jq -c '.defaultErrnoRet = 95 | .syscalls += [{"names": ["add_key"], "action": "SCMP_ACT_ERRNO", "errnoRet": 38}] | .syscalls |= map(select(.names | index("userfaultfd") | not))')"
	sc userfaultfd 0
	assert_eq "$(pj .errno)" 95
}

@test "seccomp: SCMP_ACT_KILL and SCMP_ACT_KILL_PROCESS kill (exit 159)" {
	requires_feature seccomp
	for act in SCMP_ACT_KILL SCMP_ACT_KILL_PROCESS SCMP_ACT_KILL_THREAD; do
		allow_but "[{\"names\": [\"getppid\"], \"action\": \"$act\"}]"
		set_args /probe syscall getppid
		run -159 rt run --bundle "$BUNDLE" "ctr-$RANDOM"
	done
}

@test "seccomp: SCMP_ACT_KILL kills the thread, SCMP_ACT_KILL_PROCESS the process" {
	requires_feature seccomp
	allow_but '[{"names": ["getppid"], "action": "SCMP_ACT_KILL"}]'
	sc --thread getppid
	assert_eq "$(pj .thread_died)" true
	allow_but '[{"names": ["getppid"], "action": "SCMP_ACT_KILL_PROCESS"}]'
	set_args /probe syscall --thread getppid
	run -159 rt run --bundle "$BUNDLE" "ctr-$RANDOM"
}

@test "seccomp: SCMP_ACT_TRAP delivers SIGSYS" {
	requires_feature seccomp
	allow_but '[{"names": ["getppid"], "action": "SCMP_ACT_TRAP"}]'
	sc --trap getppid
	assert_eq "$(pj .sigsys)" true
	assert_eq "$(pj .syscall)" "$(printf '%d' 110)" # __NR_getppid on x86_64
	# code 1 = SYS_SECCOMP
	assert_eq "$(pj .code)" 1
	# without a handler, SIGSYS terminates
	set_args /probe syscall getppid
	run -159 rt run --bundle "$BUNDLE" "ctr-$RANDOM"
}

@test "seccomp: SCMP_ACT_LOG allows; SCMP_ACT_TRACE without a tracer fails with ENOSYS" {
	requires_feature seccomp
	allow_but '[{"names": ["getppid"], "action": "SCMP_ACT_LOG"},
	            {"names": ["umask"], "action": "SCMP_ACT_TRACE", "errnoRet": 7}]'
	sc getppid
	assert_eq "$(pj .errno)" 0
	assert_eq "$(pj .ret)" 0
	# seccomp(2): "If there is no tracer present, the system call is not executed and
	# returns a failure status with errno set to ENOSYS."
	sc umask 022
	assert_eq "$(pj .errno)" 38
}

@test "seccomp: argument comparisons: only personality(0xffffffff) is blocked" {
	requires_feature seccomp
	allow_but '[{"names": ["personality"], "action": "SCMP_ACT_ERRNO", "errnoRet": 13,
	             "args": [{"index": 0, "value": 4294967295, "op": "SCMP_CMP_EQ"}]}]'
	sc personality 0xffffffff
	assert_eq "$(pj .errno)" 13
	sc personality 0
	assert_eq "$(pj .errno)" 0
}

@test "seccomp: socket(AF_INET6) only; several args are ANDed" {
	requires_feature seccomp
	# AF_INET6 = 10, SOCK_DGRAM = 2
	allow_but '[{"names": ["socket"], "action": "SCMP_ACT_ERRNO", "errnoRet": 97,
	             "args": [{"index": 0, "value": 10, "op": "SCMP_CMP_EQ"},
	                      {"index": 1, "value": 2, "op": "SCMP_CMP_EQ"}]}]'
	sc socket 10 2 0
	assert_eq "$(pj .errno)" 97
	sc socket 10 1 0
	assert_eq "$(pj .errno)" 0
	sc socket 2 2 0
	assert_eq "$(pj .errno)" 0
}

@test "seccomp: the operators NE LT LE GE GT" {
	requires_feature seccomp
	local op v yes no
	for t in "NE 5 4 5" "LT 5 4 5" "LE 5 5 6" "GE 5 5 4" "GT 5 6 5"; do
		read -r op v yes no <<<"$t"
		allow_but "[{\"names\": [\"getpriority\"], \"action\": \"SCMP_ACT_ERRNO\", \"errnoRet\": 77,
		             \"args\": [{\"index\": 1, \"value\": $v, \"op\": \"SCMP_CMP_$op\"}]}]"
		# getpriority(PRIO_PROCESS, who): who is the compared argument
		sc getpriority 0 "$yes"
		assert_eq "$(pj .errno)" 77
		sc getpriority 0 "$no"
		assert_ne "$(pj .errno)" 77
	done
}

@test "seccomp: SCMP_CMP_MASKED_EQ compares (arg & value) with valueTwo" {
	requires_feature seccomp
	# Block getpriority(PRIO_PROCESS, who) when bits 4-7 of who are 0x10.
	allow_but '[{"names": ["getpriority"], "action": "SCMP_ACT_ERRNO", "errnoRet": 77,
	             "args": [{"index": 1, "value": 240, "valueTwo": 16, "op": "SCMP_CMP_MASKED_EQ"}]}]'
	sc getpriority 0 0x15
	assert_eq "$(pj .errno)" 77
	sc getpriority 0 0x115
	assert_eq "$(pj .errno)" 77
	sc getpriority 0 0x25
	assert_ne "$(pj .errno)" 77
	sc getpriority 0 0x10f
	assert_ne "$(pj .errno)" 77
}

@test "seccomp: several comparisons on the same argument are ORed (runc's rule)" {
	requires_feature seccomp
	allow_but '[{"names": ["getpriority"], "action": "SCMP_ACT_ERRNO", "errnoRet": 77,
	             "args": [{"index": 1, "value": 10, "op": "SCMP_CMP_EQ"},
	                      {"index": 1, "value": 20, "op": "SCMP_CMP_EQ"}]}]'
	sc getpriority 0 10
	assert_eq "$(pj .errno)" 77
	sc getpriority 0 20
	assert_eq "$(pj .errno)" 77
	sc getpriority 0 30
	assert_ne "$(pj .errno)" 77
}

@test "seccomp: unknown syscall names are skipped" {
	requires_feature seccomp
	allow_but '[{"names": ["no_such_syscall_xyz", "getppid"], "action": "SCMP_ACT_ERRNO", "errnoRet": 42}]'
	sc getppid
	assert_eq "$(pj .errno)" 42
}

@test "seccomp: flags are passed to seccomp(2)" {
	requires_feature seccomp
	# runc 1.1.5 rejects every flag ("not yet supported") and reports none in features
	is_berth || rt features | jq -e '.linux.seccomp.supportedFlags | index("SECCOMP_FILTER_FLAG_LOG")' >/dev/null ||
		skip "${RUNTIME##*/} reports no supported seccomp flags"
	cfg '.linux.seccomp = {"defaultAction": "SCMP_ACT_ALLOW",
		"flags": ["SECCOMP_FILTER_FLAG_TSYNC", "SECCOMP_FILTER_FLAG_LOG", "SECCOMP_FILTER_FLAG_SPEC_ALLOW"],
		"syscalls": [{"names": ["getppid"], "action": "SCMP_ACT_ERRNO", "errnoRet": 42}]}'
	sc getppid
	assert_eq "$(pj .errno)" 42
}

@test "seccomp: a bad profile fails create naming the field and leaves nothing" {
	requires_feature seccomp
	allow_but '[{"names": ["getppid"], "action": "SCMP_ACT_ERRNO"},
	            {"names": ["umask"], "action": "SCMP_ACT_ERRNO"},
	            {"names": ["getpid"], "action": "SCMP_ACT_ERRNO", "args": [{"index": 0, "value": 1, "op": "SCMP_CMP_BOGUS"}]}]'
	run ! rt create --bundle "$BUNDLE" ctr-bad
	# berth names the field; runc only the value
	is_berth && assert_contains "$output" 'linux.seccomp.syscalls[2].args[0].op: unknown'
	assert_contains "$output" SCMP_CMP_BOGUS
	run ! rt state ctr-bad
	set_seccomp '{"defaultAction": "SCMP_ACT_ALLOW", "flags": ["SECCOMP_FILTER_FLAG_BOGUS"]}'
	run ! rt create --bundle "$BUNDLE" ctr-bad
	is_berth && assert_contains "$output" 'linux.seccomp.flags[0]: unknown'
	set_seccomp '{"defaultAction": "SCMP_ACT_ALLOW", "architectures": ["SCMP_ARCH_NOPE"]}'
	run ! rt create --bundle "$BUNDLE" ctr-bad
	is_berth && assert_contains "$output" 'linux.seccomp.architectures[0]'
	# config-linux.md: an errno with an action that takes none "MUST print and error and
	# fail". runc 1.1.5 accepts it, and its init, killed by SCMP_ACT_KILL (one thread of a
	# Go process), leaves create hanging: berth only.
	if is_berth; then
		set_seccomp '{"defaultAction": "SCMP_ACT_KILL", "defaultErrnoRet": 3}'
		run ! rt create --bundle "$BUNDLE" ctr-bad
		assert_contains "$output" 'linux.seccomp.defaultErrnoRet'
	fi
	run ! rt state ctr-bad
	# teardown checks that no state, cgroup or mount is left
}

@test "seccomp: SCMP_ACT_NOTIFY without listenerPath is an error naming the field" {
	requires_feature seccomp
	allow_but '[{"names": ["mkdir"], "action": "SCMP_ACT_NOTIFY"}]'
	run ! rt create --bundle "$BUNDLE" ctr-bad
	assert_contains "$output" 'listenerPath'
}

# start_agent <name> <-e N | -v N>: the contrib agent, answering syscall <name>.
start_agent() {
	AGENT_SOCK=$TEST_DIR/agent.sock
	AGENT_LOG=$TEST_DIR/agent.log
	"$SECCOMP_AGENT" -s "$AGENT_SOCK" -l "$AGENT_LOG" -n "$@" </dev/null >/dev/null 2>"$TEST_DIR/agent.err" 3>&- &
	AGENT_PID=$!
	on_teardown "kill $AGENT_PID"
	wait_for 5 test -S "$AGENT_SOCK"
}

notify_profile() { # <metadata>
	cfg '.linux.seccomp = {"defaultAction": "SCMP_ACT_ALLOW", "listenerPath": $p,
		"listenerMetadata": $m,
		"syscalls": [{"names": ["mkdir", "rmdir"], "action": "SCMP_ACT_NOTIFY"}]}' \
		--arg p "$AGENT_SOCK" --arg m "$1"
}

@test "seccomp: SCMP_ACT_NOTIFY: the agent gets the state and its answer is what the container sees" {
	requires_feature seccomp
	start_agent mkdir -e 13
	notify_profile "meta-$BATS_TEST_NUMBER"
	cfg '.annotations = {"org.example.k": "v"}'
	set_args /probe syscall mkdir str:/tmp/x 0755
	create_ctr ctr-n
	local pid
	pid=$(ctr_pid ctr-n)
	# The state arrived before create returned.
	local st
	st=$(head -1 "$AGENT_LOG")
	assert_eq "$(jq -r .pid <<<"$st")" "$pid"
	assert_eq "$(jq -r .state.pid <<<"$st")" "$pid"
	assert_eq "$(jq -r .state.id <<<"$st")" ctr-n
	assert_eq "$(jq -r .state.status <<<"$st")" creating
	assert_eq "$(jq -r .state.bundle <<<"$st")" "$BUNDLE"
	assert_eq "$(jq -r '.state.annotations["org.example.k"]' <<<"$st")" v
	assert_eq "$(jq -r .metadata <<<"$st")" "meta-$BATS_TEST_NUMBER"
	assert_eq "$(jq -c .fds <<<"$st")" '["seccompFd"]'
	jq -e '.ociVersion | test("^1\\.")' <<<"$st" >/dev/null
	rt start ctr-n
	wait_status ctr-n stopped
	assert_eq "$(jq -r .errno "$TEST_DIR/ctr-n.out")" 13
	grep -q '^mkdir pid=.* -> errno 13' "$AGENT_LOG"
}

@test "seccomp: SCMP_ACT_NOTIFY with run: a fixed success value; other notified syscalls continue" {
	requires_feature seccomp
	start_agent mkdir -v 0
	notify_profile m
	cfg '.process.noNewPrivileges = false'
	# mkdir "succeeds" without running (the agent answers 0), so rmdir of it really fails
	set_args sh -c '/probe syscall mkdir str:/tmp/x 0755; /probe syscall rmdir str:/tmp/x'
	run_probe
	[ "${lines[0]}" = '{"ret":0,"errno":0}' ]
	[ "${lines[1]}" = '{"ret":-1,"errno":2}' ]
	grep -q '^rmdir pid=.* -> continue' "$AGENT_LOG"
}

@test "seccomp: a listenerPath longer than sun_path (108 bytes) is reached" {
	requires_feature seccomp
	local deep=$TEST_DIR/a-directory-name-long-enough/to-push-the-socket-path/past-the-108-bytes-of-sun-path
	mkdir -p "$deep"
	AGENT_SOCK=$deep/agent.sock
	AGENT_LOG=$TEST_DIR/agent.log
	[ "${#AGENT_SOCK}" -gt 108 ]
	# bind(2) has the same limit: the agent binds the relative name from inside the directory.
	(cd "$deep" && exec "$SECCOMP_AGENT" -s agent.sock -l "$AGENT_LOG" -n mkdir -e 13 </dev/null >/dev/null 2>"$TEST_DIR/agent.err" 3>&-) &
	AGENT_PID=$!
	on_teardown "kill $AGENT_PID"
	wait_for 5 test -S "$AGENT_SOCK"
	notify_profile long
	set_args /probe syscall mkdir str:/tmp/x 0755
	run_probe
	assert_eq "$status" 0
	assert_eq "$(jq -r .errno <<<"$output")" 13
	assert_eq "$(head -1 "$AGENT_LOG" | jq -r .metadata)" long
}

@test "seccomp: the compiled program is cached in the state root; a hit enforces the same profile" {
	requires_feature seccomp
	is_berth || skip "berth's cache"
	set_seccomp "$(podman_profile | jq -c '.syscalls |= map(.names -= ["mkdir"]) | .syscalls += [{"names": ["mkdir"], "action": "SCMP_ACT_ERRNO", "errnoRet": 13}]')"
	set_args /probe syscall mkdir str:/tmp/x 0755
	local c=$TEST_ROOT/@seccomp-cache
	run_probe
	assert_eq "$status" 0
	assert_eq "$(jq -r .errno <<<"$output")" 13
	assert_eq "$(find "$c" -name '*.bpf' | wc -l)" 1 "cache entries after the first run"
	assert_eq "$(stat -c %a "$c")" 700 "cache directory mode"
	local entry
	entry=$(find "$c" -name '*.bpf')
	local before
	before=$(stat -c %Y.%i "$entry")
	run_probe
	assert_eq "$(jq -r .errno <<<"$output")" 13 "errno with the cached program"
	assert_eq "$(stat -c %Y.%i "$entry")" "$before" "the entry was reused, not rewritten"
	# The cache is not a container.
	assert_eq "$(rt list -q)" ""
	# A different profile is a different entry, and is enforced as written.
	set_seccomp "$(podman_profile | jq -c '.syscalls |= map(.names -= ["mkdir"]) | .syscalls += [{"names": ["mkdir"], "action": "SCMP_ACT_ERRNO", "errnoRet": 38}]')"
	run_probe
	assert_eq "$(jq -r .errno <<<"$output")" 38
	assert_eq "$(find "$c" -name '*.bpf' | wc -l)" 2 "cache entries after a second profile"
}

@test "seccomp: with an EPERM default, syscalls newer than the profile get ENOSYS, older unlisted ones EPERM" {
	requires_feature seccomp
	is_berth || skip "runc 1.1.5 does the same; crun does not"
	# Podman's profile without its defaultErrnoRet: EPERM by default, as Docker's is.
	set_seccomp "$(podman_profile | jq -c 'del(.defaultErrnoRet)')"
	# 1000: no syscall has that number (above every one the profile names) -> ENOSYS;
	# 246 kexec_load: named only for CAP_SYS_BOOT, so here the default -> EPERM.
	set_args sh -c '/probe syscall nr:1000; /probe syscall nr:246'
	run_probe
	assert_eq "$status" 0
	assert_eq "${lines[0]}" '{"ret":-1,"errno":38}' "a syscall newer than the profile"
	assert_eq "${lines[1]}" '{"ret":-1,"errno":1}' "an unlisted syscall the profile knows of"
}

@test "seccomp: an unreachable listenerPath fails create cleanly" {
	requires_feature seccomp
	AGENT_SOCK=$TEST_DIR/nobody.sock
	notify_profile m
	set_args true
	run ! rt create --bundle "$BUNDLE" ctr-nl
	run ! rt state ctr-nl
}
