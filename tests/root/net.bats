#!/usr/bin/env bats
# --net user run by root: pasta stays root (not nobody) so that it may join
# the namespaces of root's sandbox.  In a fake host (tests/fakehost.bash).

load ../helpers
load ../fakehost

setup_file() { sbx_setup_file; }
teardown_file() { sbx_teardown_file; }
setup() {
	need_root
	sbx_setup
	fakehost_setup
}

@test "root: --net user reaches the host's loopback and resolves names" {
	run in_fake_host '"$SBX" --rootfs "$R" --net user -- /bin/sh -c \
		"wget -q -O - http://10.0.2.2:$PORT/hello.txt; nslookup root.example.test"'
	assert_success
	assert_line --index 0 "hello from the host"
	assert_output --partial 'Address: 203.0.113.7'
}

@test "root: no helper process is left when the sandbox ends" {
	run in_fake_host '"$SBX" --rootfs "$R" --net user -- /bin/true; echo "exit $?"; '"$helpers_left"
	assert_success
	assert_output "exit 0"
}
