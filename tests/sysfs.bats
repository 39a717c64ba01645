#!/usr/bin/env bats
# /sys: a fresh sysfs for the sandbox's own network namespace (only its own
# interfaces), or where the kernel refuses one the root's /sys with the
# host's network entries covered; and /sys/fs/cgroup showing the sandbox's
# own cgroups, never the host's tree.

load helpers

setup_file() { sbx_setup_file; }
teardown_file() { sbx_teardown_file; }
setup() { sbx_setup; }

# The host's interfaces other than lo, one a line (skips when there are none).
host_interfaces() {
	local ifs
	ifs=$(ls /sys/class/net | grep -vx lo) || true
	[[ -n $ifs ]] || skip "the host has no network interface but lo"
	echo "$ifs"
}

# The host's top-level cgroups (the children of each hierarchy's root
# mounted under /sys/fs/cgroup), one a line (skips when there are none).
host_top_cgroups() {
	local roots found
	roots=$(awk '{ for (i = 7; i <= NF; i++) if ($i == "-") break
		if (($(i + 1) == "cgroup" || $(i + 1) == "cgroup2") && $4 == "/" && $5 ~ "^/sys/fs/cgroup(/|$)") print $5 }' \
		/proc/self/mountinfo)
	[[ -n $roots ]] && found=$(find $roots -mindepth 1 -maxdepth 1 -type d 2>/dev/null)
	[[ -n ${found:-} ]] || skip "the host has no cgroup below a hierarchy's root"
	echo "$found"
}

# An awk program over mountinfo (inside): "POINT TYPE OPTIONS" of each
# mount the payload can reach in /sys: the last one mounted on /sys and
# those on top of it, each the last on its mount point all the way down
# (mounts covered by others, like the root's own /sys below a fresh one,
# stay listed).
# shellcheck disable=SC2016 # awk's $ fields
SYS_MOUNTS='{ for (i = 7; i <= NF; i++) if ($i == "-") break
	parent[$1] = $2; point[$1] = $5; line[$1] = $5 " " $(i + 1) " " $6; order[++n] = $1
	if ($5 == "/sys") top = $1; last[$5] = $1 }
END { for (k = 1; k <= n; k++) { id = order[k]; if (last[point[id]] != id) continue
	for (a = id; a in parent && a != top && last[point[a]] == a; a = parent[a]) ;
	if (a == top) print line[id] } }'

# Run inside with SYS_MOUNTS as $0: each cgroup mount that is a
# hierarchy's root ("ROOT point"), then "checked".
# shellcheck disable=SC2016
ROOT_CHECK='awk "$0" /proc/self/mountinfo | while read -r m t o; do
	case $t in
	cgroup2) [ -e "$m/cgroup.type" ] || echo "ROOT $m" ;;
	cgroup) [ ! -e "$m/cgroup.sane_behavior" ] || echo "ROOT $m" ;;
	esac
done; echo checked'

@test "/sys/class/net shows only the sandbox's own interface (lo), not the host's" {
	host_interfaces >/dev/null
	run sbx -- /bin/sh -c 'ls /sys/class/net | xargs; ls /sys/devices/virtual/net | xargs'
	assert_success
	assert_equal "${lines[0]}" lo
	assert_equal "${lines[1]}" lo
}

@test "no host interface's directory is reachable anywhere in /sys" {
	local ifs
	ifs=$(host_interfaces)
	run sbx -- /bin/sh -c 'find /sys/devices -maxdepth 6 -type d -path "*/net/*" 2>/dev/null | sed "s|.*/||" | sort -u'
	assert_success
	local i
	for i in $ifs; do
		[[ $'\n'$output$'\n' != *$'\n'"$i"$'\n'* ]] || fail "host interface $i seen inside: $output"
	done
}

@test "/sys/class/net follows the sandbox's network: --net user shows its own tap, not the host's interfaces" {
	command -v pasta >/dev/null || skip "pasta not installed"
	run sbx --net user -- /bin/sh -c 'ls /sys/class/net | xargs'
	assert_success
	[[ $output == *lo* ]] || fail "no lo: $output"
	[[ $output != *ifb* ]] || fail "host interfaces seen: $output"
}

@test "/sys and every mount below it are read-only, nosuid, nodev and noexec" {
	run sbx -- /bin/sh -c 'awk "$0" /proc/self/mountinfo; touch /sys/x 2>&1; mkdir /sys/fs/cgroup/x 2>&1; true' \
		"$SYS_MOUNTS"
	assert_success
	local bad
	[[ $output == "/sys sysfs "* ]] || fail "no sysfs on /sys: $output"
	bad=$(awk '$1 ~ "^/" { n = split($3, o, ","); r = s = d = x = 0
		for (i = 1; i <= n; i++) { r += o[i] == "ro"; s += o[i] == "nosuid"; d += o[i] == "nodev"; x += o[i] == "noexec" }
		if (!(r && s && d && x)) print }' <<<"$output")
	[[ -z $bad ]] || fail "$(printf 'mounts missing ro/nosuid/nodev/noexec:\n%s' "$bad")"
	assert_line --partial "touch: cannot touch '/sys/x': Read-only file system"
	assert_line --partial "mkdir: cannot create directory '/sys/fs/cgroup/x': Read-only file system"
}

@test "/sys is a sysfs of its own, not the host's" {
	run sbx -- /bin/sh -c "stat -c %d /sys"
	assert_success
	[[ $output != "$(stat -c %d /sys)" ]] || fail "the same device as the host's /sys: $output"
}

@test "the host's top-level cgroups are not visible in /sys/fs/cgroup" {
	local tops t
	tops=$(host_top_cgroups)
	run sbx -- /bin/sh -c "for t in $(echo "$tops" | xargs); do [ -e \"\$t\" ] && echo \"SEEN \$t\"; done; echo done"
	assert_success
	refute_line --partial SEEN
	assert_line done
}

@test "no cgroup file system inside is the root of a hierarchy (which would show every cgroup)" {
	run sbx -- /bin/sh -c "$ROOT_CHECK" "$SYS_MOUNTS"
	assert_success
	refute_line --partial ROOT
	assert_line checked
}

@test "--net host: /sys is the host's (its network is the sandbox's), said with --verbose, host cgroups still hidden" {
	local tops
	tops=$(host_top_cgroups)
	run --separate-stderr sbx --net host --verbose -- /bin/sh -c \
		"ls /sys/class/net | xargs; for t in $(echo "$tops" | xargs); do [ -e \"\$t\" ] && echo \"SEEN \$t\"; done; $ROOT_CHECK" \
		"$SYS_MOUNTS"
	assert_success
	assert_equal "${lines[0]}" "$(ls /sys/class/net | xargs)"
	refute_line --partial SEEN
	refute_line --partial ROOT
	assert_line checked
	[[ $stderr == *"sbx: /sys: the root's own, as it is: a fresh sysfs was refused: "* ]] ||
		fail "the fallback is not said: $stderr"
}

@test "where the kernel refuses a fresh sysfs (a /sys partly covered, as in a container), the host's network entries are covered" {
	local ifs bin
	ifs=$(host_interfaces)
	bin=$BATS_TEST_TMPDIR/bin
	mkdir -p "$bin"
	ln -s "$SBX" "$bin/bwrap"
	# sbx in bubblewrap mode plays the container: /sys/firmware covered
	# makes its /sys not fully visible, and the kernel refuses a new sysfs
	# in any user namespace below it.
	run --separate-stderr timeout -k 5 "$SBX_TIMEOUT" "$bin/bwrap" --ro-bind / / --bind /proc /proc \
		--tmpfs /sys/firmware -- "$SBX" --verbose -- /bin/sh -c \
		'ls /sys/class/net | wc -l; ls /sys/devices/virtual/net | wc -l
		for d in /sys/class/net/*/ /sys/devices/*/*/*/net/* /sys/devices/*/*/*/*/net/*; do [ -e "$d" ] && echo "SEEN $d"; done
		cat /sys/devices/system/cpu/online; echo done' </dev/null
	assert_success
	[[ $stderr == *"sbx: /sys: the root's own, its network entries covered: a fresh sysfs was refused: "* ]] ||
		fail "the fallback is not said: $stderr"
	assert_equal "${lines[0]}" 0
	assert_equal "${lines[1]}" 0
	refute_line --partial SEEN
	assert_line "$(cat /sys/devices/system/cpu/online)"
	assert_line done
}

@test "lscpu and nproc still read /sys/devices/system/cpu" {
	run sbx -- /bin/sh -c 'cat /sys/devices/system/cpu/online /sys/devices/system/cpu/possible
		ls /sys/devices/system/cpu | grep -c "^cpu[0-9]"; nproc --all'
	assert_success
	assert_equal "${lines[0]}" "$(cat /sys/devices/system/cpu/online)"
	assert_equal "${lines[1]}" "$(cat /sys/devices/system/cpu/possible)"
	assert_equal "${lines[2]}" "$(ls /sys/devices/system/cpu | grep -c '^cpu[0-9]')"
	assert_equal "${lines[3]}" "$(nproc --all)"
	if command -v lscpu >/dev/null; then
		run sbx -- lscpu
		assert_success
		assert_line --regexp '^CPU\(s\): +[0-9]+'
	fi
}

@test "busybox rootfs: /sys is a fresh sysfs with only lo, and no host cgroup" {
	run sbx --rootfs "$ROOTFS" -- /bin/sh -c "ls /sys/class/net | xargs; cat /sys/devices/system/cpu/online; $ROOT_CHECK" \
		"$SYS_MOUNTS"
	assert_success
	assert_equal "${lines[0]}" lo
	assert_equal "${lines[1]}" "$(cat /sys/devices/system/cpu/online)"
	refute_line --partial ROOT
	assert_line checked
}

@test "a rootfs without /sys gets none, and runs" {
	local r=$BATS_TEST_TMPDIR/rootfs
	cp -a "$ROOTFS" "$r"
	rmdir "$r/sys"
	run sbx --rootfs "$r" -- /bin/sh -c 'ls -d /sys 2>&1; echo ran'
	assert_success
	assert_line --partial 'No such file'
	assert_line ran
}

@test "a rootfs whose /sys is a symlink to a host path: nothing mounted on the host" {
	local r=$BATS_TEST_TMPDIR/rootfs canary
	canary=$(hostdir)
	cp -a "$ROOTFS" "$r"
	rmdir "$r/sys"
	ln -s "$canary" "$r/sys"
	run sbx --rootfs "$r" -- /bin/echo ran
	assert_success
	assert_output ran
	! grep -qF "$canary" /proc/self/mountinfo || fail "something is mounted on the host path $canary"
	[[ -z $(ls -A "$canary") ]] || fail "the host path was written"
}

@test "a rootfs whose /sys is a symlink to the root itself is refused" {
	local r=$BATS_TEST_TMPDIR/rootfs
	cp -a "$ROOTFS" "$r"
	rmdir "$r/sys"
	ln -s / "$r/sys"
	run --separate-stderr sbx --rootfs "$r" -- /bin/echo ran
	assert_equal "$status" 125
	assert_equal "$output" ""
	[[ ${stderr_lines[0]} == "sbx: /sys: "*"root of the sandbox itself"* ]] || fail "unexpected message: $stderr"
}

@test "policy strict keeps its empty /sys" {
	run sbx --policy strict -- /bin/sh -c 'ls -A /sys | wc -l'
	assert_success
	assert_output 0
}

@test "bubblewrap mode mounts no sysfs of its own: a --ro-bind /sys /sys is the host's, as with bubblewrap" {
	local bin=$BATS_TEST_TMPDIR/bin
	mkdir -p "$bin"
	ln -s "$SBX" "$bin/bwrap"
	run timeout -k 5 "$SBX_TIMEOUT" "$bin/bwrap" --ro-bind / / --unshare-net -- /bin/sh -c 'echo $(ls /sys/class/net)' </dev/null
	assert_success
	assert_output "$(ls /sys/class/net | xargs)"
}

@test "with --memory in a delegated cgroup, /sys/fs/cgroup shows the sandbox's own limit" {
	local d m=
	for d in ${SBX_TEST_CGROUPS:-}; do
		if [[ -e $d/memory.limit_in_bytes || -e $d/memory.max ]]; then m=$d; fi
	done
	[[ -n $m ]] || skip "no delegated memory cgroup (tests/run sets SBX_TEST_CGROUPS when run as root)"
	run sbx --memory 64M --cgroup "$m" -- /bin/sh -c \
		'cat /sys/fs/cgroup/memory.max 2>/dev/null || cat /sys/fs/cgroup/memory/memory.limit_in_bytes'
	assert_success
	assert_output 67108864
}
