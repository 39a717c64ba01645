#!/usr/bin/env bats
# The slow tier: a real Debian root.  tests/slow/run builds it as root
# (tests/slow/mkdebian: debootstrap minbase, gcc, owners shifted to the
# test user's --map-users ids) in /var/cache/sbx-tests/debian-UID and runs
# this file as the test user.  apt-get inside reaches the Debian mirror
# through pasta (--net user), the only network the test machines have.

load ../helpers

setup_file() {
	sbx_setup_file
	DEB=/var/cache/sbx-tests/debian-$(id -u)
	export DEB
	[[ -x $DEB/usr/bin/apt-get ]] || return 0
	# type, mode, owners, size, mtime and link target of every entry: a
	# write, a chmod, a chown or a delete shows
	(cd "$DEB" && find . -printf '%p %y %m %U:%G %s %T@ %l\n' | sort) >"$BATS_FILE_TMPDIR/before"
}
teardown_file() { sbx_teardown_file; }

setup() {
	sbx_setup
	[[ -x $DEB/usr/bin/apt-get ]] ||
		fail "no Debian rootfs in $DEB: run tests/slow/run as root (make check-slow)"
	command -v pasta >/dev/null || fail "pasta missing (package passt)"
}

assert_rootfs_unchanged() {
	assert_equal "$(cd "$DEB" && find . -printf '%p %y %m %U:%G %s %T@ %l\n' | sort)" "$(cat "$BATS_FILE_TMPDIR/before")"
}

@test "debian: apt-get install hello works with --overlay --map-users auto --net user" {
	run sbx --rootfs "$DEB" --overlay --map-users auto --net user -- /bin/sh -c \
		'apt-get install -y --no-install-recommends hello >/tmp/apt.log 2>&1 || { tail -20 /tmp/apt.log; exit 1; }
		 hello'
	assert_success
	assert_output 'Hello, world!'
}

@test "debian: the rootfs is unchanged after the install" {
	assert_rootfs_unchanged
}

@test "debian: a kept layer holds the installed package for the next run" {
	local keep="$BATS_TEST_TMPDIR/keep"
	mkdir "$keep"
	run sbx --rootfs "$DEB" --overlay-upper "$keep" --map-users auto --net user -- /bin/sh -c \
		'apt-get install -y --no-install-recommends hello >/tmp/apt.log 2>&1 || { tail -20 /tmp/apt.log; exit 1; }'
	assert_success
	[[ -x $keep/upper/usr/bin/hello ]] || fail "hello is not in the kept layer"
	# the next run needs no network for it
	run sbx --rootfs "$DEB" --overlay-upper "$keep" --map-users auto -- hello
	assert_success
	assert_output 'Hello, world!'
	chmod -R u+rwX "$keep" 2>/dev/null || true
	assert_rootfs_unchanged
}

@test "debian: a C program builds with the rootfs's gcc under --bind-cwd" {
	local d
	d=$(hostdir)
	cat >"$d/hello.c" <<-'EOF'
		#include <stdio.h>
		int main(void) { puts("built inside"); return 0; }
	EOF
	cd "$d"
	run sbx --rootfs "$DEB" --overlay --bind-cwd -- /bin/sh -c 'gcc -O2 -Wall -o hello hello.c && ./hello'
	assert_success
	assert_output 'built inside'
	# the binary landed in the caller's directory, owned by the caller
	assert_equal "$(stat -c %u "$d/hello")" "$(id -u)"
	run "$d/hello"
	assert_output 'built inside'
}

@test "debian: files keep their Debian owners inside (root, _apt, ...)" {
	run sbx --rootfs "$DEB" --map-users auto -- /bin/sh -c \
		'stat -c "%U %G" /usr/bin/apt-get; stat -c %U /var/cache/apt/archives/partial'
	assert_success
	assert_equal "$(echo $output)" "root root _apt"
}

@test "debian: the rootfs is unchanged at the end" {
	assert_rootfs_unchanged
}
