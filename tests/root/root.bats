#!/usr/bin/env bats
# sbx run by root (the caller is uid 0 on the host).

load ../helpers

setup_file() { sbx_setup_file; }
teardown_file() { sbx_teardown_file; }
setup() {
	[[ $EUID == 0 ]] || skip "needs root (run tests/run as root)"
	sbx_setup
}

@test "root: a command runs and its status comes back" {
	run sbx -- /bin/sh -c 'echo hello; exit 3'
	assert_equal "$status" 3
	assert_output hello
}

@test "root: uid and gid maps are 0 0 1" {
	run sbx -- cat /proc/self/uid_map /proc/self/gid_map
	assert_success
	assert_equal "$(echo $output)" "0 0 1 0 0 1"
}

@test "root: the command is uid 0 in a new user namespace" {
	run sbx -- /bin/sh -c 'id -u; readlink /proc/self/ns/user'
	assert_success
	assert_line --index 0 0
	refute_line --index 1 "$(readlink /proc/self/ns/user)"
}

@test "root: all capabilities are dropped and no_new_privs is set" {
	need_probe caps
	run sbx -- "$PROBES/caps"
	if [[ $status != 0 || $output == *ESCAPE:* ]]; then
		fail "$(printf 'caps probe not held (exit %s):\n%s' "$status" "$output")"
	fi
}

@test "root: the caps probe sees root's capabilities outside" {
	need_probe caps
	run "$PROBES/caps"
	assert_equal "$status" 1
	assert_output --partial 'ESCAPE: CapEff'
}

@test "root: writing to the host root fails with EROFS" {
	# root passes every permission check: only the read-only mount stops it
	run sbx -- /bin/sh -c 'touch /sbx-root-test; touch /etc/sbx-root-test'
	assert_failure
	assert_output --partial 'Read-only file system'
	[[ ! -e /sbx-root-test && ! -e /etc/sbx-root-test ]] || {
		rm -f /sbx-root-test /etc/sbx-root-test
		fail "root wrote to the host through the sandbox"
	}
}

@test "root: payload cannot remount the host root read-write" {
	need_probe remount
	run sbx -- "$PROBES/remount"
	if [[ $status != 0 || $output == *ESCAPE:* ]]; then
		fail "$(printf 'remount probe not held (exit %s):\n%s' "$status" "$output")"
	fi
}

@test "root: host devices stay out of /dev" {
	run sbx -- /bin/sh -c 'ls /dev | xargs; cat /dev/kmsg 2>&1 | head -1'
	assert_success
	refute_line --index 0 --regexp '(^| )(sd[a-z]|vd[a-z]|nvme|kmsg|mem|kmem|port)( |$)'
	assert_line --index 1 --partial 'No such file'
}

@test "root: payload cannot ptrace init" {
	need_probe ptrace_init
	run sbx -- "$PROBES/ptrace_init"
	if [[ $status != 0 || $output == *ESCAPE:* ]]; then
		fail "$(printf 'ptrace probe not held (exit %s):\n%s' "$status" "$output")"
	fi
}

@test "root: busybox rootfs works" {
	run sbx --rootfs "$ROOTFS" -- /bin/sh -c 'echo $$; id -u'
	assert_success
	assert_equal "$(echo $output)" "2 0"
}
