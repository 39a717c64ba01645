#!/usr/bin/env bats
# /sys/fs/cgroup on a cgroup2-only host, whatever this host has: root makes
# one in a mount namespace of its own (cgroup2 on /sys/fs/cgroup) and runs
# sbx from a cgroup made for the test, as a user of a systemd host runs it
# from a session scope.

load ../helpers

setup_file() { sbx_setup_file; }
teardown_file() { sbx_teardown_file; }
setup() {
	need_root
	command -v unshare >/dev/null || skip "unshare not installed"
	sbx_setup
	CG=
}

teardown() {
	if [[ -n ${CG:-} ]]; then
		rmdir "$CG" 2>/dev/null || true
	fi
}

# make_test_cgroup: CG, a new cgroup2 cgroup below this shell's, and
# CG_INSIDE, its path where cgroup2 is on /sys/fs/cgroup (skips without
# cgroup2).  Not under `run`, so that teardown knows CG.
make_test_cgroup() {
	local v2 own
	v2=$(awk '{ for (i = 7; i <= NF; i++) if ($i == "-") break; if ($(i + 1) == "cgroup2") { print $5; exit } }' \
		/proc/self/mountinfo)
	[[ -n $v2 ]] || skip "no cgroup2 hierarchy here"
	own=$(awk -F: '$1 == "0" { print $3 }' /proc/self/cgroup)
	CG=$v2${own%/}/sbx-sysfs-test.$$
	CG_INSIDE=/sys/fs/cgroup${own%/}/sbx-sysfs-test.$$
	mkdir "$CG"
}

# on_cgroup2_host PLACE SCRIPT: run the shell SCRIPT (with $SBX) in a mount
# namespace where cgroup2 alone is on /sys/fs/cgroup; with PLACE "child"
# from CG, with "root" from the root cgroup.
on_cgroup2_host() {
	# shellcheck disable=SC2016 # expanded by the inner shell
	unshare -m --propagation private sh -c '
		set -e
		umount -l /sys/fs/cgroup 2>/dev/null || true
		mount -t cgroup2 none /sys/fs/cgroup
		if [ "$1" = child ]; then echo $$ >"$2/cgroup.procs"; else echo $$ >/sys/fs/cgroup/cgroup.procs; fi
		eval "$3"' sh "$1" "$CG_INSIDE" "$2"
}

@test "root, cgroup2 host: /sys/fs/cgroup is the sandbox's own cgroup, read-only, and no other" {
	make_test_cgroup
	run on_cgroup2_host child '"$SBX" -- sh -c "[ -e /sys/fs/cgroup/cgroup.type ] && echo own; ls /sys/fs/cgroup | grep -c -v \"\\.\"; touch /sys/fs/cgroup/x" 2>&1'
	assert_equal "${lines[0]}" own
	assert_equal "${lines[1]}" 0
	assert_line --partial "Read-only file system"
}

@test "root, cgroup2 host, caller in the root cgroup: /sys/fs/cgroup is left empty, and --verbose says why" {
	make_test_cgroup
	run on_cgroup2_host root '"$SBX" --verbose -- sh -c "ls -A /sys/fs/cgroup | wc -l" 2>&1'
	assert_success
	assert_line 0
	assert_line --partial "left empty: /sys/fs/cgroup: the sandbox's cgroup is the root there"
}
