#!/usr/bin/env bats
# sbx run by root (the caller is uid 0 on the host).

load ../helpers

setup_file() { sbx_setup_file; }
teardown_file() { sbx_teardown_file; }
setup() {
	need_root
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

@test "root: newuidmap starts with no signal blocked or ignored (--map-users, run as a user)" {
	local user=${SBX_TEST_USER:-sbxtest} d
	grep -q "^$user:" /etc/subuid 2>/dev/null || skip "$user has no range in /etc/subuid"
	[[ -u /usr/bin/newuidmap ]] || skip "no setuid /usr/bin/newuidmap"
	d=$(mktemp -d /tmp/sbx-sigstate.XXXXXX)
	cp -p /usr/bin/newuidmap "$d/real"
	gcc -O2 -DREAL="\"$d/real\"" -DOUT="\"$d/status\"" -o "$d/helper" "$SBX_PROBES_SRC/sigstate_helper.c"
	chmod 4755 "$d/helper"
	cp "$SBX" "$d/sbx"
	chmod 755 "$d" "$d/sbx"
	# The helper bound over newuidmap in a mount namespace of this test's
	# own; the caller ignores SIGHUP, which sbx then does not forward.
	run unshare -m sh -c 'mount --bind "$1/helper" /usr/bin/newuidmap &&
		trap "" HUP && exec setpriv --reuid="$2" --regid="$(id -g "$2")" --init-groups \
			"$1/sbx" --map-users required -- true' sh "$d" "$user"
	assert_success
	run cat "$d/status"
	rm -rf "$d"
	assert_line "SigBlk:	0000000000000000"
	assert_line "SigIgn:	0000000000000000"
}

@test "root: --policy build hides /root and runs a real rustup toolchain from /root/.cargo" {
	[[ -x /root/.cargo/bin/cargo && -d /root/.rustup ]] || skip "no rustup toolchain in /root"
	local d
	d=$(hostdir)
	(cd "$d" && HOME=/root PATH="/root/.cargo/bin:$PATH" timeout -k 5 300 /root/.cargo/bin/cargo new -q --vcs none demo) ||
		fail "cargo new failed outside"
	mkdir -p /root/.ssh
	local key=/root/.ssh/sbx-test-key.$$
	echo SECRET-ROOT >"$key"
	run env -C "$d/demo" HOME=/root PATH="/root/.cargo/bin:$PATH" timeout -k 5 300 "$SBX" --policy build -- \
		/bin/sh -c 'cat "$1" 2>/dev/null; ls -A /root; cargo build -q && ./target/debug/demo' _ "$key" </dev/null
	rm -f "$key"
	assert_success
	refute_output --partial SECRET
	assert_line 'Hello, world!'
	refute_line .ssh
}
