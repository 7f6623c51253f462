#!/usr/bin/env bats
# linux.resources and the commands on top of cgroups (config-linux.md "Control groups").
# Runs on whatever layout the host has (this project's CI host is hybrid v1; the VM suite
# in tests/vm covers pure v2). Paths are found through cg_dir so the same assertions hold
# for v1 (per-controller hierarchies) and v2 (one unified directory).

load helpers

cg_setup() {
	CG="/berth-it-$$-$RANDOM"
	cfg '.linux.cgroupsPath = $p' --arg p "$CG"
}

cg_v2() { [ "$(stat -f -c %T /sys/fs/cgroup)" = cgroup2fs ]; }

# cg_dir <v1 controller>: the container's directory for that controller.
cg_dir() {
	if cg_v2; then echo "/sys/fs/cgroup$CG"; else echo "/sys/fs/cgroup/$1$CG"; fi
}

@test "cgroups: memory limit of 32 MiB: allocating 64 MiB is OOM-killed (137) and events reports the OOM" {
	cg_setup
	cfg '.linux.resources.memory = {"limit": 33554432, "swap": 33554432}
	     | .mounts += [{"destination": "/big", "type": "tmpfs", "source": "tmpfs", "options": ["size=128m"]}]'
	set_args dd if=/dev/zero of=/big/f bs=1M count=64
	create_ctr oom
	rt events --interval 100ms oom >"$TEST_DIR/events" 2>&1 &
	local ev=$!
	sleep 0.5
	rt start oom
	wait_status oom stopped 20
	sleep 0.5
	kill "$ev" 2>/dev/null || true
	wait "$ev" || true
	grep -q '"type":"oom"' "$TEST_DIR/events" || { cat "$TEST_DIR/events"; return 1; }
	# the limit really was the one asked for
	if cg_v2; then
		assert_eq "$(cat "$(cg_dir memory)/memory.max")" 33554432
	else
		assert_eq "$(cat "$(cg_dir memory)/memory.limit_in_bytes")" 33554432
	fi
}

@test "cgroups: run of a process over its memory limit exits 137" {
	cg_setup
	cfg '.linux.resources.memory = {"limit": 33554432, "swap": 33554432}
	     | .mounts += [{"destination": "/big", "type": "tmpfs", "source": "tmpfs", "options": ["size=128m"]}]'
	set_args dd if=/dev/zero of=/big/f bs=1M count=64
	CID=oomrun
	run --separate-stderr rt run --bundle "$BUNDLE" oomrun
	assert_eq "$status" 137
}

@test "cgroups: a pids limit of 10 stops the 11th process" {
	cg_setup
	cfg '.linux.resources.pids = {"limit": 10}'
	# The inner shell forks sleeps until fork fails (busybox sh then exits); at that point
	# outer sh + inner sh + 8 sleeps = 10 tasks. The outer shell then execs (no fork), so
	# 9 tasks remain: the 8 sleeps and it.
	set_args sh -c 'sh -c "while :; do sleep 100 & done"; exec sleep 101'
	run_detached pl
	wait_for 10 grep -q "can't fork" "$TEST_DIR/pl.err"
	wait_for 10 bash -c "[ \"\$(cat $(cg_dir pids)/pids.current)\" = 9 ]"
	assert_eq "$(cat "$(cg_dir pids)/pids.max")" 10
	assert_eq "$(rt ps --format json pl | jq length)" 9
	[ "$(state_field pl .status)" = running ]
}

@test "cgroups: pause freezes and resume thaws" {
	cg_setup
	set_args /probe sleep 100
	run_detached pr
	rt pause pr
	assert_eq "$(state_field pr .status)" paused
	if cg_v2; then
		assert_eq "$(cat "$(cg_dir freezer)/cgroup.freeze")" 1
	else
		assert_eq "$(cat "$(cg_dir freezer)/freezer.state")" FROZEN
	fi
	local pid
	pid=$(ctr_pid pr)
	grep -q '^State:.*(stopped)\|^State:.*S\|^State:.*D' "/proc/$pid/status"
	rt resume pr
	assert_eq "$(state_field pr .status)" running
	if cg_v2; then
		assert_eq "$(cat "$(cg_dir freezer)/cgroup.freeze")" 0
	else
		assert_eq "$(cat "$(cg_dir freezer)/freezer.state")" THAWED
	fi
	run --separate-stderr rt resume pr
	[ "$status" -ne 0 ]
}

@test "cgroups: update changes the limits of a running container" {
	cg_setup
	cfg '.linux.resources.memory = {"limit": 33554432} | .linux.resources.pids = {"limit": 50}'
	set_args /probe sleep 100
	run_detached up
	rt update --memory 64m --pids-limit 20 up
	if cg_v2; then
		assert_eq "$(cat "$(cg_dir memory)/memory.max")" 67108864
	else
		assert_eq "$(cat "$(cg_dir memory)/memory.limit_in_bytes")" 67108864
	fi
	assert_eq "$(cat "$(cg_dir pids)/pids.max")" 20
	echo '{"pids": {"limit": 7}}' >"$TEST_DIR/res.json"
	rt update -r "$TEST_DIR/res.json" up
	assert_eq "$(cat "$(cg_dir pids)/pids.max")" 7
	echo '{"pids": {"limit": 9}}' | rt update -r - up
	assert_eq "$(cat "$(cg_dir pids)/pids.max")" 9
}

@test "cgroups: cpu shares and quota are written" {
	cg_setup
	cfg '.linux.resources.cpu = {"shares": 512, "quota": 50000, "period": 100000}'
	set_args /probe sleep 100
	run_detached cpu
	if cg_v2; then
		assert_eq "$(cat "$(cg_dir cpu)/cpu.max")" "50000 100000"
		assert_eq "$(cat "$(cg_dir cpu)/cpu.weight")" 20
	else
		assert_eq "$(cat "$(cg_dir cpu)/cpu.shares")" 512
		assert_eq "$(cat "$(cg_dir cpu)/cpu.cfs_quota_us")" 50000
		assert_eq "$(cat "$(cg_dir cpu)/cpu.cfs_period_us")" 100000
	fi
}

@test "cgroups: a denied device cannot be opened even with CAP_MKNOD" {
	cg_setup
	cfg '.process.capabilities.bounding += ["CAP_MKNOD"] | .process.capabilities.effective += ["CAP_MKNOD"]
	     | .process.capabilities.permitted += ["CAP_MKNOD"]
	     | .linux.resources.devices = [{"allow": false, "access": "rwm"}]'
	set_args sh -c 'mknod /tmp/blk b 7 0 && /probe open /tmp/blk'
	run_probe
	assert_eq "$(jq -r .open.errno_name <<<"$output")" EPERM
}

@test "cgroups: delete removes the container's cgroup from every hierarchy" {
	cg_setup
	set_args /probe sleep 100
	run_detached dl
	local d
	for c in memory pids cpu freezer; do [ -d "$(cg_dir $c)" ]; done
	rt delete -f dl
	for c in memory pids cpu freezer devices blkio cpuset; do
		d=$(cg_dir $c)
		[ ! -e "$d" ] || { echo "left behind: $d"; return 1; }
	done
}

@test "cgroups: kill --all reaches processes init does not own" {
	cg_setup
	# no pid namespace: killing init alone would leave the background sleep running
	cfg '.linux.namespaces |= map(select(.type != "pid"))'
	set_args sh -c 'sleep 100 & exec sleep 101'
	run_detached ka
	wait_for 5 bash -c "[ \"\$(wc -l <$(cg_dir pids)/cgroup.procs)\" -ge 2 ]"
	rt kill --all ka KILL
	wait_for 5 bash -c "[ ! -s $(cg_dir pids)/cgroup.procs ]"
}

@test "cgroups: ps lists the container's processes" {
	cg_setup
	set_args /probe sleep 100
	run_detached ps1
	local pid
	pid=$(ctr_pid ps1)
	assert_eq "$(rt ps --format json ps1 | jq -c .)" "[$pid]"
	run --separate-stderr rt ps ps1
	assert_eq "$status" 0
	assert_contains "$output" "PID"
	assert_contains "$output" "$pid"
}

@test "cgroups: events --stats prints memory, pids and cpu figures" {
	cg_setup
	cfg '.linux.resources.pids = {"limit": 33}'
	set_args /probe sleep 100
	run_detached st
	run --separate-stderr rt events --stats st
	assert_eq "$status" 0
	assert_eq "$(jq -r .type <<<"$output")" stats
	assert_eq "$(jq -r .id <<<"$output")" st
	assert_eq "$(jq -r .data.pids.limit <<<"$output")" 33
	(( $(jq -r .data.memory.usage.usage <<<"$output") > 0 ))
	(( $(jq -r .data.pids.current <<<"$output") >= 1 ))
}
