#!/usr/bin/env bats
# No set-user-ID or set-group-ID file can be made in a writable place: what
# the command leaves in a bind or an --overlay-upper stays on the host, where
# the sandbox's nosuid no longer applies, and would run as its owner for any
# local account.  The seccomp list refuses those modes (default.seccomp);
# tests/root/root.bats has the same with root as the caller.

load helpers

setup_file() { sbx_setup_file; }
teardown_file() { sbx_teardown_file; }
setup() {
	sbx_setup
	need_probe setmode
	W=$(hostdir)
}
teardown() {
	chmod -R u+rwX "$BATS_TEST_TMPDIR" "${W:-/nonexistent}" 2>/dev/null || true
}

# assert_no_setid DIR: nothing below DIR has either bit
assert_no_setid() {
	local found
	found=$(find "$1" -perm /6000 -printf '%m %p\n' 2>/dev/null || true)
	[[ -z $found ]] || fail "set-user-ID or set-group-ID files left on the host: $found"
}

@test "setuid: chmod 4755, 2755 and 6755 in the bound work tree are refused; 755, 644 and 1777 work" {
	cd "$W"
	run sbx --bind-cwd -- /bin/sh -c '
		cp /usr/bin/id s
		for m in 4755 2755 6755 u+s g+s; do chmod $m s 2>/dev/null && echo "chmod $m: made" || echo "chmod $m: refused"; done
		for m in 755 644 1777; do chmod $m s && echo "chmod $m: ok"; done'
	assert_success
	assert_output "$(printf 'chmod %s: refused\n' 4755 2755 6755 u+s g+s; printf 'chmod %s: ok\n' 755 644 1777)"
	assert_no_setid "$W"
	assert_equal "$(stat -c %a "$W/s")" 1777
}

@test "setuid: open, openat, creat and mknod with a set-user-ID or set-group-ID mode are refused" {
	local call mode
	for call in open openat creat mknod; do
		for mode in 4755 2755 6755 2644; do
			run sbx --bind "$W:$W" -- "$PROBES/setmode" "$call" "$W/$call-$mode" "$mode"
			assert_equal "$status" 3
			assert_output "refused: EPERM"
		done
		run sbx --bind "$W:$W" -- "$PROBES/setmode" "$call" "$W/$call-0755" 0755
		assert_success
		assert_output "made $W/$call-0755 0755"
	done
	assert_no_setid "$W"
}

@test "setuid: a set-group-ID directory cannot be made; mkdir in one still inherits the bit" {
	mkdir "$W/shared"
	chmod 2775 "$W/shared"
	run sbx --bind "$W:$W" -- /bin/sh -c "mkdir -m 2775 '$W/new' 2>&1; chmod g+s '$W/new' 2>&1; mkdir '$W/shared/sub'"
	assert_success
	assert_line --partial "Operation not permitted"
	[[ -d $W/new && ! -g $W/new ]] || fail "$W/new: $(stat -c %a "$W/new")"
	[[ -g $W/shared/sub ]] || fail "$W/shared/sub did not inherit set-group-ID: $(stat -c %a "$W/shared/sub")"
}

@test "setuid: the strict policy refuses the same modes" {
	cd "$W"
	run sbx --policy strict --bind-cwd -- /bin/sh -c 'cp /usr/bin/id s; chmod 4755 s 2>&1; chmod 755 s && echo ok'
	assert_success
	assert_output --partial "Operation not permitted"
	assert_line ok
	run sbx --policy strict --bind-cwd -- "$PROBES/setmode" open "$W/o" 6755
	assert_equal "$status" 3
	assert_no_setid "$W"
}

@test "setuid: --overlay-upper keeps no set-user-ID file" {
	local R="$BATS_TEST_TMPDIR/rootfs" keep="$BATS_TEST_TMPDIR/keep"
	cp -a "$ROOTFS" "$R"
	mkdir "$keep"
	run sbx --rootfs "$R" --overlay-upper "$keep" -- /bin/sh -c \
		'cp /bin/busybox /bin/x; chmod 4755 /bin/x 2>&1; chmod 2755 /bin/busybox 2>&1; echo done'
	assert_success
	assert_line done
	assert_output --partial "Operation not permitted"
	assert_no_setid "$keep"
	assert_no_setid "$R"
}

@test "setuid: --seccomp-log says why the mode was refused" {
	cd "$W"
	run --separate-stderr sbx --seccomp-log --bind-cwd -- /bin/sh -c 'cp /usr/bin/id s; chmod 4755 s'
	assert_failure
	[[ $stderr == *"refused with EPERM (mode 04755 is set-user-ID: a file left with it in a writable place would run as its owner outside the sandbox)"* ]] ||
		fail "no explanation: $stderr"
}

# --map-users: root inside keeps CAP_FOWNER over the mapped ids, so it may
# chmod any of their files, its own or a subordinate id's: only the filter
# stands.  (A write still clears the bits: the kernel asks for CAP_FSETID
# in the host's namespace.)
need_map_users() {
	local me
	me=$(id -un)
	grep -qsE "^($me|$(id -u)):" /etc/subuid && grep -qsE "^($me|$(id -g)):" /etc/subgid ||
		skip "no subordinate ids for $me (as root: tests/host-setup $me)"
	[[ -u /usr/bin/newuidmap && -u /usr/bin/newgidmap ]] || skip "newuidmap/newgidmap missing (package uidmap)"
	[[ $EUID != 0 ]] || skip "runs as the unprivileged test user"
}

@test "setuid: --map-users: no set-user-ID file of the caller or of a subordinate id" {
	need_map_users
	run sbx --map-users auto --bind "$W:$W" -- /bin/sh -c "
		cd '$W' && cp /usr/bin/id mine && cp /usr/bin/id sub && chown 1:1 sub &&
		for f in mine sub; do for m in 4755 2755; do chmod \$m \$f 2>/dev/null && echo \"\$f \$m: made\" || echo \"\$f \$m: refused\"; done; done
		'$PROBES/setmode' open '$W/created' 4755"
	assert_output "$(printf '%s\n' 'mine 4755: refused' 'mine 2755: refused' 'sub 4755: refused' 'sub 2755: refused' 'refused: EPERM')"
	assert_no_setid "$W"
	# what the sandbox left can be removed (this run, as the sandbox's root)
	sbx --map-users auto --bind "$W:$W" -- /bin/rm -rf "$W/sub"
}
