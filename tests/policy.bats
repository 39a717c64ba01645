#!/usr/bin/env bats
# Where policies come from: the names sbx ships (default, build, bats, shell,
# strict, and their seccomp lists) are never taken from the user's own
# directory, so one write of ~/.config/sbx/policy/default cannot turn off
# every later sandbox's seccomp filter or give it the host's network; a
# policy from a place a user can write is named on stderr; --print-policy
# says where each policy came from.  (tests/root/policy.bats: system
# directories, with root as the caller.)

load helpers

setup_file() { sbx_setup_file; }
teardown_file() { sbx_teardown_file; }

# Every test has a user policy directory of its own, holding the attack: a
# "default" with no seccomp filter and the host's network, and a default
# seccomp list that allows everything.
setup() {
	sbx_setup
	export XDG_CONFIG_HOME="$BATS_TEST_TMPDIR/config"
	USER_DIR="$XDG_CONFIG_HOME/sbx/policy"
	mkdir -p "$USER_DIR"
	printf 'seccomp none\nnet host\n' >"$USER_DIR/default"
	printf 'allow\n' >"$USER_DIR/default.seccomp"
	# the work tree for --policy build: below /tmp, not /tmp itself
	WORK="$BATS_TEST_TMPDIR/work"
	mkdir -p "$WORK"
}

# The probe: a call the default seccomp list refuses (a new user namespace),
# then the network interfaces other than loopback.
PROBE='unshare -U true 2>/dev/null && echo "unshare: allowed" || echo "unshare: refused"
	echo "interfaces: $(grep -c : /proc/net/dev)"'

# The lines of $stderr about policies (with --verbose, --policy build also
# says how --pids is held).
policy_notes() {
	grep -E "^sbx: (ignoring |policy '|seccomp list ')" <<<"$stderr" || true
}

ignored_note() {
	echo "sbx: ignoring $USER_DIR/$1: $2 '${1%.seccomp}' is sbx's own (to use this file, give its path)"
}

@test "a user's 'default' policy does not turn off seccomp nor give the host network" {
	run --separate-stderr sbx -- sh -c "$PROBE"
	assert_success
	assert_line "unshare: refused"
	assert_line "interfaces: 1"
}

@test "a user's 'default' does not weaken --policy build, which includes it" {
	cd "$WORK"
	run --separate-stderr sbx --policy build -- sh -c "$PROBE"
	assert_success
	assert_line "unshare: refused"
	assert_line "interfaces: 1"
}

@test "a user's 'default.seccomp' is not the default seccomp list" {
	rm "$USER_DIR/default"
	run --separate-stderr sbx -- sh -c "$PROBE"
	assert_success
	assert_line "unshare: refused"
	[[ $stderr == "$(ignored_note default.seccomp 'seccomp list')" ]] || fail "stderr: $stderr"
}

@test "the ignored user file is named once on stderr, and not at all when it says the same" {
	cd "$WORK"
	run --separate-stderr sbx --policy build -- true
	assert_success
	local want
	want="$(ignored_note default policy)"$'\n'"$(ignored_note default.seccomp 'seccomp list')"
	[[ $(policy_notes) == "$want" ]] || fail "$(printf 'expected on stderr:\n%s\ngot:\n%s' "$want" "$stderr")"
	# a copy of sbx's own is not worth a word
	rm "$USER_DIR/default.seccomp"
	cp "$SBX_TESTS_DIR/../policy/default" "$USER_DIR/default"
	run --separate-stderr sbx --policy build -- true
	assert_success
	[[ -z $(policy_notes) ]] || fail "unexpected stderr: $stderr"
}

@test "a policy given by its path is used, and named on stderr" {
	cd "$WORK"
	cp "$USER_DIR/default" ./mine
	run --separate-stderr sbx --policy ./mine -- sh -c "$PROBE"
	assert_success
	assert_line "unshare: allowed"
	refute_line "interfaces: 1"
	# (and a note that $WORK, under /tmp, is hidden inside)
	[[ $(policy_notes) == "sbx: policy './mine' from $WORK/mine" ]] || fail "stderr: $stderr"
	run --separate-stderr sbx --policy "$WORK/mine" --print-policy
	assert_success
	[[ $stderr == "sbx: policy '$WORK/mine' from $WORK/mine" ]] || fail "stderr: $stderr"
}

@test "a seccomp list given by its path is used, and named on stderr" {
	rm "$USER_DIR/default"
	run --separate-stderr sbx --seccomp "$USER_DIR/default.seccomp" -- sh -c "$PROBE"
	assert_success
	assert_line "unshare: allowed"
	[[ $(policy_notes) == "sbx: seccomp list '$USER_DIR/default.seccomp' from $USER_DIR/default.seccomp" ]] ||
		fail "stderr: $stderr"
}

@test "a user policy of a new name works and is named on stderr" {
	printf 'policy default\nhostname mine\n' >"$USER_DIR/mine"
	run --separate-stderr sbx --policy mine -- sh -c "hostname; $PROBE"
	assert_success
	assert_line mine
	assert_line "unshare: refused"
	assert_line "interfaces: 1"
	[[ ${stderr_lines[0]} == "sbx: policy 'mine' from $USER_DIR/mine" ]] || fail "stderr: $stderr"
}

@test "a user seccomp list of a new name works and is named on stderr" {
	printf 'allow\n' >"$USER_DIR/mine.seccomp"
	run --separate-stderr sbx --seccomp mine -- sh -c "$PROBE"
	assert_success
	assert_line "unshare: allowed"
	[[ $(policy_notes) == *"sbx: seccomp list 'mine' from $USER_DIR/mine.seccomp"* ]] || fail "stderr: $stderr"
}

@test "--print-policy starts with where each policy came from" {
	cd "$WORK"
	printf 'policy build\nhostname mine\n' >"$USER_DIR/mine"
	run --separate-stderr sbx --policy mine --print-policy
	assert_success
	assert_equal "${lines[0]}" "# policy mine: $USER_DIR/mine"
	[[ ${lines[1]} =~ ^'# policy build: '(built\ in|/.*/policy/build)$ ]] || fail "line 2: ${lines[1]}"
	[[ ${lines[2]} =~ ^'# policy default: '(built\ in|/.*/policy/default)$ ]] || fail "line 3: ${lines[2]}"
	[[ ${lines[3]} =~ ^'# policy ci-env: '(built\ in|/.*/policy/ci-env)$ ]] || fail "line 4: ${lines[3]}"
	assert_equal "${lines[4]}" "# sbx $("$SBX" --version | head -1 | cut -d' ' -f2): effective policy"
}

@test "a policy included twice is applied once: what came between stays" {
	cd "$WORK"
	printf 'policy default\nhostname mine\npolicy ci-env\n' >"$USER_DIR/twice"
	run --separate-stderr sbx --policy twice --print-policy
	assert_success
	assert_line "hostname mine"
	[[ $(grep -c '^# policy default: ' <<<"$output") == 1 ]] || fail "default named twice: $output"
}

@test "a user policy that is there but is no regular file stops the search, named by its path" {
	mkfifo "$USER_DIR/pipe"
	run --separate-stderr sbx --policy pipe -- true
	assert_failure 125
	[[ $stderr == *"$USER_DIR/pipe"* ]] || fail "the path is not named: $stderr"
	# what is not there at all is no error until nothing is found
	run --separate-stderr sbx --policy nowhere -- true
	assert_failure 125
	[[ $stderr == *"no policy named 'nowhere'"* ]] || fail "stderr: $stderr"
	[[ $stderr != *"$USER_DIR/nowhere"* ]] || fail "a missing file named as an error: $stderr"
}
