#!/usr/bin/env bats
# Where policies come from, with root as the caller: a file in a system
# directory counts only when root alone can write it and every directory
# above it (reached without a symlink); the names a system policy uses come
# from system files too.  The system directory here is policy/ beside a copy
# of sbx, in a directory only root can write (bats's own tmpdir is under
# /tmp, which anyone can write).  (tests/policy.bats: the user's side.)

load ../helpers

setup_file() { sbx_setup_file; }
teardown_file() { sbx_teardown_file; }

setup() {
	need_root
	sbx_setup
	local n
	for n in /etc/sbx/policy /usr/local/share/sbx/policy /usr/share/sbx/policy; do
		[[ ! -e $n ]] || skip "$n exists: its policies would come before the ones this test writes"
	done
	local base
	for base in /run /var/lib /root; do
		[[ $(stat -c %u "$base") == 0 && $(stat -c %A "$base") == d????-??-? ]] && break
	done
	SYS=$(mktemp -d "$base/sbx-policy-test.XXXXXX")
	chmod 755 "$SYS"
	cp "$SBX" "$SYS/sbx"
	mkdir "$SYS/policy"
	SBX="$SYS/sbx"
	REPO_POLICY="$SBX_TESTS_DIR/../policy"
	export XDG_CONFIG_HOME="$BATS_TEST_TMPDIR/config"
	USER_DIR="$XDG_CONFIG_HOME/sbx/policy"
	mkdir -p "$USER_DIR"
}

teardown() {
	[[ -n ${SYS:-} && -d $SYS ]] && rm -rf "$SYS"
	return 0
}

# system_default: the shipped default with another hostname, as root
# installs it.
system_default() {
	{ cat "$REPO_POLICY/default"; echo 'hostname from-system'; } >"$SYS/policy/default"
	chmod 644 "$SYS/policy/default"
}

@test "root: a root-owned system file is used, silently" {
	system_default
	run --separate-stderr sbx --print-policy
	assert_success
	assert_equal "${lines[0]}" "# policy default: $SYS/policy/default"
	assert_line "hostname from-system"
	[[ -z $stderr ]] || fail "unexpected stderr: $stderr"
	run --separate-stderr sbx -- hostname
	assert_success
	assert_output from-system
	[[ -z $stderr ]] || fail "unexpected stderr: $stderr"
}

@test "root: a group-writable system file is not trusted" {
	system_default
	chmod 664 "$SYS/policy/default"
	run --separate-stderr sbx --print-policy
	assert_success
	assert_equal "${lines[0]}" "# policy default: built in"
	assert_line "hostname sbx"
	assert_equal "$stderr" "sbx: ignoring $SYS/policy/default: writable by group or others"
}

@test "root: a system file owned by another user is not trusted" {
	system_default
	chown 65534 "$SYS/policy/default"
	run --separate-stderr sbx --print-policy
	assert_success
	assert_line "hostname sbx"
	assert_equal "$stderr" "sbx: ignoring $SYS/policy/default: not owned by root"
}

@test "root: a system file below a directory others can write is not trusted" {
	system_default
	chmod 777 "$SYS/policy"
	run --separate-stderr sbx --print-policy
	assert_success
	assert_line "hostname sbx"
	assert_equal "$stderr" "sbx: ignoring $SYS/policy/default: a directory above it is writable by group or others"
}

@test "root: a system file reached through a symlink is not trusted" {
	mv "$SYS/policy" "$SYS/real"
	ln -s real "$SYS/policy"
	{ cat "$REPO_POLICY/default"; echo 'hostname from-system'; } >"$SYS/real/default"
	run --separate-stderr sbx --print-policy
	assert_success
	assert_line "hostname sbx"
	assert_equal "$stderr" "sbx: ignoring $SYS/policy/default: a symlink on its path"
}

@test "root: the caller's own policy directory never holds sbx's names, even root's" {
	printf 'seccomp none\nnet host\n' >"$USER_DIR/default"
	run --separate-stderr sbx -- sh -c 'unshare -U true 2>/dev/null && echo allowed || echo refused'
	assert_success
	assert_output refused
	assert_equal "$stderr" \
		"sbx: ignoring $USER_DIR/default: policy 'default' is sbx's own (to use this file, give its path)"
}

@test "root: a policy a system policy includes comes from system files only" {
	printf 'policy default\npolicy corp-extra\n' >"$SYS/policy/corp"
	printf 'net host\n' >"$USER_DIR/corp-extra"
	run -125 --separate-stderr sbx --policy corp -- true
	assert_sbx_error
	[[ $stderr == "sbx: $SYS/policy/corp:2: policy corp-extra: no system policy named 'corp-extra'"* ]] ||
		fail "stderr: $stderr"
	printf 'hostname corp\n' >"$SYS/policy/corp-extra"
	run --separate-stderr sbx --policy corp --print-policy
	assert_success
	assert_line "hostname corp"
	assert_line "net none"
	assert_line "# policy corp-extra: $SYS/policy/corp-extra"
	assert_equal "$stderr" "sbx: ignoring $USER_DIR/corp-extra: a system policy names policy 'corp-extra', and takes it from system files only"
}

@test "root: a seccomp list a system policy names comes from system files only" {
	printf 'policy default\nseccomp corp\n' >"$SYS/policy/corp"
	printf 'allow\n' >"$USER_DIR/corp.seccomp"
	run -125 --separate-stderr sbx --policy corp -- true
	assert_sbx_error
	[[ $stderr == "sbx: seccomp list corp: no system seccomp list named 'corp'"* ]] || fail "stderr: $stderr"
	cp "$REPO_POLICY/default.seccomp" "$SYS/policy/corp.seccomp"
	run --separate-stderr sbx --policy corp -- sh -c 'unshare -U true 2>/dev/null && echo allowed || echo refused'
	assert_success
	assert_output refused
	assert_equal "$stderr" "sbx: ignoring $USER_DIR/corp.seccomp: a system policy names seccomp list 'corp', and takes it from system files only"
}
