#!/usr/bin/env bats
# Root filesystem, mounts, devices, masked/readonly paths, hostname, sysctl
# (config.md "Root", "Mounts", "Hostname", "Domainname"; config-linux.md "Devices",
# "Default Devices", "Masked Paths", "Readonly Paths", "Rootfs Mount Propagation", "Sysctl").

load helpers

# The (topmost) mount at a container path, from the last probe output, as compact JSON.
mnt() {
	pj -c --arg mp "$1" '[.mounts[] | select(.mount_point == $mp)] | last // empty'
}
mnt_field() { # <mount point> <jq expr on the mount>
	pj --arg mp "$1" "[.mounts[] | select(.mount_point == \$mp)] | last | $2"
}
has_opt() { # <mount point> <option>: in the per-mount options
	[ "$(mnt_field "$1" "(.options | index(\"$2\")) != null")" = true ] ||
		{ echo "mount $1 lacks option $2: $(mnt "$1")" >&2; return 1; }
}
has_super_opt() {
	[ "$(mnt_field "$1" "(.super_options | index(\"$2\")) != null")" = true ] ||
		{ echo "mount $1 lacks super option $2: $(mnt "$1")" >&2; return 1; }
}
add_mount() { # <json>
	cfg '.mounts += [$m]' --argjson m "$1"
}

@test "rootfs: root.path relative to the bundle" {
	mv "$BUNDLE/rootfs" "$BUNDLE/myroot"
	echo rel >"$BUNDLE/myroot/marker"
	cfg '.root.path = "myroot"'
	probe_ok cat /marker
	assert_eq "$(pj .cat.content)" rel
}

@test "rootfs: root.path absolute" {
	local abs=$TEST_DIR/elsewhere/rootfs
	mkdir -p "$TEST_DIR/elsewhere"
	mv "$BUNDLE/rootfs" "$abs"
	echo abs >"$abs/marker"
	cfg '.root.path = $p' --arg p "$abs"
	probe_ok cat /marker
	assert_eq "$(pj .cat.content)" abs
}

@test "rootfs: root.readonly makes / read-only but /dev, /dev/shm and /proc work" {
	cfg '.root.readonly = true'
	run_probe write /newfile x
	assert_eq "$status" 1
	assert_eq "$(pj .write.errno_name)" EROFS
	probe_ok write /dev/null x
	probe_ok write /dev/shm/x x
	probe_ok cat /proc/self/status
	probe_ok mounts
	has_opt / ro
	[ ! -e "$BUNDLE/rootfs/newfile" ]
}

@test "rootfs: root.readonly=false leaves / writable" {
	probe_ok write /newfile x
	[ -e "$BUNDLE/rootfs/newfile" ]
}

@test "rootfs: rootfsPropagation private" {
	cfg '.linux.rootfsPropagation = "private"'
	probe_ok mounts
	assert_eq "$(mnt_field / '.propagation | length')" 0 "private / has no propagation fields"
}

@test "rootfs: rootfsPropagation slave" {
	# the host's / is private on the test VM, so a slave of it has no master: only check that
	# the container runs and its / is not shared
	cfg '.linux.rootfsPropagation = "slave"'
	probe_ok mounts
	! mnt_field / '.propagation[]' | grep -q '^shared:'
}

@test "rootfs: rootfsPropagation shared" {
	skip_unless_berth "runc 1.1.5 leaves the container's / without a shared:N peer group"
	cfg '.linux.rootfsPropagation = "shared"'
	probe_ok mounts
	mnt_field / '.propagation[]' | grep -q '^shared:'
}

@test "rootfs: bind mount with ro, nosuid, nodev, noexec" {
	mkdir -p "$TEST_DIR/src"
	echo data >"$TEST_DIR/src/file"
	add_mount "$(jq -cn --arg s "$TEST_DIR/src" \
		'{destination: "/mnt/b", type: "bind", source: $s, options: ["bind", "ro", "nosuid", "nodev", "noexec"]}')"
	probe_ok mounts
	local o
	for o in ro nosuid nodev noexec; do has_opt /mnt/b $o; done
	assert_eq "$(mnt_field /mnt/b .root)" "$TEST_DIR/src"
	probe_ok cat /mnt/b/file
	assert_eq "$(pj .cat.content)" data
	run_probe write /mnt/b/file y
	assert_eq "$(pj .write.errno_name)" EROFS
	assert_eq "$(cat "$TEST_DIR/src/file")" data
}

@test "rootfs: writable bind mount writes through to the host" {
	mkdir -p "$TEST_DIR/src"
	add_mount "$(jq -cn --arg s "$TEST_DIR/src" '{destination: "/mnt/w", source: $s, options: ["bind"]}')"
	probe_ok write /mnt/w/out hello
	assert_eq "$(cat "$TEST_DIR/src/out")" hello
}

# A host dir with a tmpfs submount (cleaned up before the teardown checks).
make_submount_src() {
	mkdir -p "$TEST_DIR/src/sub"
	mount -t tmpfs -o size=1m tmpfs "$TEST_DIR/src/sub"
	on_teardown "umount -l '$TEST_DIR/src/sub'"
	echo subdata >"$TEST_DIR/src/sub/f"
}

@test "rootfs: rbind carries submounts, bind does not" {
	make_submount_src
	add_mount "$(jq -cn --arg s "$TEST_DIR/src" '{destination: "/mnt/r", source: $s, options: ["rbind"]}')"
	add_mount "$(jq -cn --arg s "$TEST_DIR/src" '{destination: "/mnt/nr", source: $s, options: ["bind"]}')"
	probe_ok mounts
	assert_eq "$(mnt_field /mnt/r/sub .fstype)" tmpfs
	assert_eq "$(mnt /mnt/nr/sub)" ""
}

@test "rootfs: rro makes submounts read-only too" {
	requires_feature mountOption:rro
	make_submount_src
	add_mount "$(jq -cn --arg s "$TEST_DIR/src" '{destination: "/mnt/rro", source: $s, options: ["rbind", "rro"]}')"
	probe_ok mounts
	has_opt /mnt/rro ro
	has_opt /mnt/rro/sub ro
	run_probe write /mnt/rro/sub/f y
	assert_eq "$status" 1
	assert_eq "$(pj .write.errno_name)" EROFS
	# only the container's view is read-only
	echo hostwrite >"$TEST_DIR/src/sub/f"
}

@test "rootfs: plain ro on an rbind leaves submounts writable" {
	make_submount_src
	add_mount "$(jq -cn --arg s "$TEST_DIR/src" '{destination: "/mnt/ro", source: $s, options: ["rbind", "ro"]}')"
	probe_ok mounts
	has_opt /mnt/ro ro
	has_opt /mnt/ro/sub rw
}

@test "rootfs: proc and sysfs" {
	probe_ok mounts
	assert_eq "$(mnt_field /proc .fstype)" proc
	assert_eq "$(mnt_field /sys .fstype)" sysfs
	has_opt /sys ro
	# proc reflects the container's pid namespace
	probe_ok cat /proc/self/stat
	assert_eq "$(pj .cat.content | cut -d' ' -f1)" 1
}

@test "rootfs: tmpfs with size and mode" {
	add_mount '{"destination": "/mnt/t", "type": "tmpfs", "source": "tmpfs", "options": ["nosuid", "size=1m", "mode=0700"]}'
	# first run: /mnt/t does not exist in the rootfs yet
	probe_ok stat /mnt/t
	assert_eq "$(pj .stat.mode)" 0700
	probe_ok mounts
	assert_eq "$(mnt_field /mnt/t .fstype)" tmpfs
	has_opt /mnt/t nosuid
	has_super_opt /mnt/t size=1024k
	# (runc 1.1.5 then chmods the tmpfs root to the mode of the now existing directory,
	# 0755, so the mode is only checked on the first run above)
	has_super_opt /mnt/t mode=700
}

@test "rootfs: devpts, shm, mqueue and cgroup mounts" {
	probe_ok mounts
	assert_eq "$(mnt_field /dev/pts .fstype)" devpts
	has_super_opt /dev/pts ptmxmode=666
	assert_eq "$(mnt_field /dev/shm .fstype)" tmpfs
	assert_eq "$(mnt_field /dev/mqueue .fstype)" mqueue
	# cgroup: v1 hierarchies under a tmpfs, or a single cgroup2 mount
	[ "$(pj '[.mounts[] | select((.mount_point | startswith("/sys/fs/cgroup")) and (.fstype == "cgroup" or .fstype == "cgroup2"))] | length')" -ge 1 ]
	# the container's own cgroup is what it sees (not the host root)
	pj '.mounts[] | select(.fstype == "cgroup" or .fstype == "cgroup2") | .options[]' | grep -qx ro
}

@test "rootfs: explicit mqueue and devpts mounts elsewhere" {
	add_mount '{"destination": "/mnt/mq", "type": "mqueue", "source": "mqueue", "options": ["nosuid", "nodev", "noexec"]}'
	add_mount '{"destination": "/mnt/pts", "type": "devpts", "source": "devpts", "options": ["newinstance", "ptmxmode=0600"]}'
	probe_ok mounts
	assert_eq "$(mnt_field /mnt/mq .fstype)" mqueue
	assert_eq "$(mnt_field /mnt/pts .fstype)" devpts
	has_super_opt /mnt/pts ptmxmode=600
}

@test "rootfs: overlay mount writes to upperdir" {
	local d=$TEST_DIR/ovl
	mkdir -p "$d/lower" "$d/upper" "$d/work"
	echo fromlower >"$d/lower/l"
	add_mount "$(jq -cn --arg d "$d" '{destination: "/mnt/o", type: "overlay", source: "overlay",
		options: ["lowerdir=\($d)/lower", "upperdir=\($d)/upper", "workdir=\($d)/work"]}')"
	probe_ok cat /mnt/o/l
	assert_eq "$(pj .cat.content)" fromlower
	probe_ok write /mnt/o/new fromcontainer
	assert_eq "$(cat "$d/upper/new")" fromcontainer
	[ ! -e "$d/lower/new" ]
	probe_ok mounts
	assert_eq "$(mnt_field /mnt/o .fstype)" overlay
}

@test "rootfs: a missing destination is created (file for a file bind, dir otherwise)" {
	echo filedata >"$TEST_DIR/srcfile"
	mkdir -p "$TEST_DIR/srcdir"
	add_mount "$(jq -cn --arg s "$TEST_DIR/srcfile" '{destination: "/etc/newdir/newfile", source: $s, options: ["bind"]}')"
	add_mount "$(jq -cn --arg s "$TEST_DIR/srcdir" '{destination: "/mnt/a/b/c", source: $s, options: ["bind"]}')"
	add_mount '{"destination": "/mnt/newtmp", "type": "tmpfs", "source": "tmpfs"}'
	probe_ok cat /etc/newdir/newfile
	assert_eq "$(pj .cat.content)" filedata
	probe_ok stat /mnt/a/b/c
	assert_eq "$(pj .stat.type)" dir
	[ -f "$BUNDLE/rootfs/etc/newdir/newfile" ]
	[ -d "$BUNDLE/rootfs/mnt/a/b/c" ]
	[ -d "$BUNDLE/rootfs/mnt/newtmp" ]
}

@test "rootfs: a destination symlink pointing out of the rootfs does not touch the host" {
	local marker=berth-escape-$$-$RANDOM
	ln -s /etc "$BUNDLE/rootfs/evil"
	ln -s ../../../../../../../../etc "$BUNDLE/rootfs/evil2"
	add_mount '{"destination": "/evil", "type": "tmpfs", "source": "tmpfs"}'
	add_mount '{"destination": "/evil2/sub", "type": "tmpfs", "source": "tmpfs"}'
	local before
	before=$(grep -c ' /etc' /proc/self/mountinfo || true)
	set_args sh -c "/probe write /evil/$marker x; /probe write /evil2/sub/$marker x; /probe mounts; exec /probe sleep 100"
	local rc=0
	run_detached ev || rc=$?
	# the host's /etc: no new mount (also re-checked at teardown), no file
	assert_eq "$(grep -c ' /etc' /proc/self/mountinfo || true)" "$before" "host /etc mounts"
	[ ! -e "/etc/$marker" ]
	[ ! -e "/etc/sub/$marker" ]
	assert_eq "$rc" 0 "the container runs: links resolve inside the rootfs, as with runc"
	wait_for 5 grep -q '"mounts"' "$TEST_DIR/ev.out"
	output=$(grep '"mounts"' "$TEST_DIR/ev.out")
	# both mounts landed inside the container's root, on its /etc and /etc/sub
	[ "$(pj '[.mounts[] | select(.fstype == "tmpfs" and .mount_point == "/etc")] | length')" -ge 1 ]
	[ "$(pj '[.mounts[] | select(.fstype == "tmpfs" and .mount_point == "/etc/sub")] | length')" -ge 1 ]
	[ ! -e "/etc/$marker" ]
}

@test "rootfs: an image's absolute symlink (/var/run -> /run) is followed inside the rootfs" {
	mkdir -p "$BUNDLE/rootfs/run" "$BUNDLE/rootfs/var"
	ln -s /run "$BUNDLE/rootfs/var/run"
	add_mount '{"destination": "/var/run/secrets", "type": "tmpfs", "source": "tmpfs", "options": ["size=1m"]}'
	local host_had=no
	[ ! -e /run/secrets ] || host_had=yes
	probe_ok mounts
	[ "$(pj '[.mounts[] | select(.fstype == "tmpfs" and .mount_point == "/run/secrets")] | length')" -eq 1 ]
	[ -d "$BUNDLE/rootfs/run/secrets" ]
	[ "$host_had" = yes ] || [ ! -e /run/secrets ] || { echo "the host's /run/secrets was created"; return 1; }
	[ -L "$BUNDLE/rootfs/var/run" ]
}

@test "rootfs: default devices with the right major:minor" {
	probe_ok stat /dev/null /dev/zero /dev/full /dev/random /dev/urandom /dev/tty /dev/ptmx
	local spec dev maj min
	for spec in null:1:3 zero:1:5 full:1:7 random:1:8 urandom:1:9 tty:5:0; do
		IFS=: read -r dev maj min <<<"$spec"
		assert_eq "$(pj ".stats[\"/dev/$dev\"].type")" char "/dev/$dev type"
		assert_eq "$(pj ".stats[\"/dev/$dev\"] | \"\(.major):\(.minor)\"")" "$maj:$min" "/dev/$dev"
	done
	output=$(pj -c '.stats["/dev/ptmx"] | {stat: .}')
	if [ "$(pj .stat.type)" = symlink ]; then
		[[ "$(pj .stat.target)" == "pts/ptmx" || "$(pj .stat.target)" == "/dev/pts/ptmx" ]]
	else
		assert_eq "$(pj .stat.major):$(pj .stat.minor)" 5:2 "/dev/ptmx bind of pts/ptmx"
	fi
	probe_ok write /dev/null x
	probe_ok open /dev/zero
}

@test "rootfs: /dev/fd, /dev/stdin, /dev/stdout, /dev/stderr links; /dev/pts and /dev/shm are mounts" {
	probe_ok stat /dev/fd /dev/stdin /dev/stdout /dev/stderr
	local l
	for l in fd:/proc/self/fd stdin:/proc/self/fd/0 stdout:/proc/self/fd/1 stderr:/proc/self/fd/2; do
		assert_eq "$(pj ".stats[\"/dev/${l%%:*}\"].type")" symlink "/dev/${l%%:*}"
		assert_eq "$(pj ".stats[\"/dev/${l%%:*}\"].target")" "${l#*:}"
	done
	probe_ok mounts
	[ -n "$(mnt /dev/pts)" ]
	[ -n "$(mnt /dev/shm)" ]
	[ -n "$(mnt /dev)" ]
}

@test "rootfs: linux.devices creates a char device with mode, uid and gid" {
	cfg '.linux.devices = [{"path": "/dev/mynull", "type": "c", "major": 1, "minor": 3,
		"fileMode": 438, "uid": 1000, "gid": 1001}]
		| .linux.resources.devices += [{"allow": true, "type": "c", "major": 1, "minor": 3, "access": "rwm"}]'
	probe_ok stat /dev/mynull
	assert_eq "$(pj .stat.type)" char
	assert_eq "$(pj .stat.major):$(pj .stat.minor)" 1:3
	assert_eq "$(pj .stat.mode)" 0666
	assert_eq "$(pj .stat.uid):$(pj .stat.gid)" 1000:1001
	probe_ok write /dev/mynull x
}

@test "rootfs: maskedPaths hide a file and a directory" {
	echo secret >"$BUNDLE/rootfs/etc/secret"
	mkdir -p "$BUNDLE/rootfs/etc/secretdir"
	echo secret >"$BUNDLE/rootfs/etc/secretdir/f"
	cfg '.linux.maskedPaths += ["/etc/secret", "/etc/secretdir", "/does/not/exist"]'
	probe_ok cat /etc/secret
	assert_eq "$(pj .cat.content)" ""
	run_probe open /etc/secretdir/f
	assert_eq "$status" 1
	assert_eq "$(pj .open.errno_name)" ENOENT
	probe_ok mounts
	[ -n "$(mnt /etc/secret)" ]
	[ -n "$(mnt /etc/secretdir)" ]
	has_opt /etc/secretdir ro
	# the default masked /proc/timer_list reads empty
	probe_ok cat /proc/timer_list
	assert_eq "$(pj .cat.content)" ""
}

@test "rootfs: readonlyPaths are read-only" {
	mkdir -p "$BUNDLE/rootfs/etc/rodir"
	cfg '.linux.readonlyPaths += ["/etc/rodir", "/does/not/exist"]'
	run_probe write /etc/rodir/f x
	assert_eq "$status" 1
	assert_eq "$(pj .write.errno_name)" EROFS
	run_probe write /proc/sys/kernel/hostname x
	assert_eq "$status" 1
	assert_eq "$(pj .write.errno_name)" EROFS
	probe_ok write /etc/other x
}

@test "rootfs: hostname" {
	cfg '.hostname = "box.one"'
	probe_ok hostname
	assert_eq "$(pj .hostname)" box.one
}

@test "rootfs: domainname" {
	requires_feature domainname
	cfg '.domainname = "example.test"'
	probe_ok domainname hostname
	assert_eq "$(pj .domainname)" example.test
}

@test "rootfs: linux.sysctl net.ipv4.ip_forward in a new network namespace" {
	local host
	host=$(cat /proc/sys/net/ipv4/ip_forward)
	cfg '.linux.sysctl = {"net.ipv4.ip_forward": "1", "net.core.somaxconn": "256"}'
	probe_ok sysctl net.ipv4.ip_forward net.core.somaxconn
	assert_eq "$(pj '.sysctl["net.ipv4.ip_forward"]')" 1
	assert_eq "$(pj '.sysctl["net.core.somaxconn"]')" 256
	assert_eq "$(cat /proc/sys/net/ipv4/ip_forward)" "$host" "host sysctl unchanged"
}

@test "rootfs: linux.sysctl of a non-namespaced key is rejected" {
	local host
	host=$(cat /proc/sys/vm/swappiness)
	cfg '.linux.sysctl = {"vm.swappiness": "13"}'
	set_args /probe sleep 100 marker-sysctl-$$
	run_probe
	[ "$status" -ne 0 ]
	# runc 1.1.5: sysctl "vm.swappiness" is not in a separate kernel namespace
	assert_contains "$stderr" "vm.swappiness"
	if is_berth; then assert_contains "$stderr" "linux.sysctl"; fi
	assert_eq "$(cat /proc/sys/vm/swappiness)" "$host" "host sysctl unchanged"
	[ -z "$(stray_procs marker-sysctl-$$)" ]
}

@test "rootfs: linux.sysctl of a net key without a new network namespace is rejected" {
	cfg '.linux.namespaces = [.linux.namespaces[] | select(.type != "network")]
		| .linux.sysctl = {"net.ipv4.ip_forward": "1"}'
	local host
	host=$(cat /proc/sys/net/ipv4/ip_forward)
	run_probe
	[ "$status" -ne 0 ]
	assert_contains "$stderr" "net.ipv4.ip_forward"
	assert_eq "$(cat /proc/sys/net/ipv4/ip_forward)" "$host"
}
