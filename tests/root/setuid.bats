#!/usr/bin/env bats
# With root as the caller, a set-user-ID file left in a bind would be a
# setuid-root program on the host: the seccomp list refuses those modes
# (tests/setuid.bats has the same for an unprivileged caller).

load ../helpers

setup_file() { sbx_setup_file; }
teardown_file() { sbx_teardown_file; }
setup() {
	need_root
	sbx_setup
	need_probe setmode
	W=$(hostdir)
}

assert_no_setid() {
	local found
	found=$(find "$1" -perm /6000 -printf '%m %p\n' 2>/dev/null || true)
	[[ -z $found ]] || fail "set-user-ID or set-group-ID files left on the host: $found"
}

@test "root: no setuid-root shell can be left in the work tree" {
	cd "$W"
	run sbx --bind-cwd -- /bin/sh -c 'cp /bin/sh x; chmod 4755 x 2>&1; chmod 6755 x 2>&1; chmod u+s x 2>&1; chmod 755 x && echo ok'
	assert_success
	assert_line ok
	assert_output --partial "Operation not permitted"
	assert_equal "$(stat -c '%u %a' "$W/x")" "0 755"
	assert_no_setid "$W"
}

@test "root: open, creat and mknod with a set-user-ID mode are refused" {
	local call
	for call in open openat creat mknod; do
		run sbx --bind "$W:$W" -- "$PROBES/setmode" "$call" "$W/$call" 4755
		assert_equal "$status" 3
		assert_output "refused: EPERM"
	done
	assert_no_setid "$W"
}

@test "root: --overlay-upper keeps no setuid-root file" {
	local R="$BATS_TEST_TMPDIR/rootfs" keep="$BATS_TEST_TMPDIR/keep"
	cp -a "$ROOTFS" "$R"
	mkdir "$keep"
	run sbx --rootfs "$R" --overlay-upper "$keep" -- /bin/sh -c 'cp /bin/busybox /bin/x; chmod 4755 /bin/x 2>&1; echo done'
	assert_success
	assert_line done
	assert_output --partial "Operation not permitted"
	assert_no_setid "$keep"
}
