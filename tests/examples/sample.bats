#!/usr/bin/env bats
# A sample suite using the sbx bats helper: one fresh sandbox per sbx_run.
#
#   bats tests/examples/sample.bats
#
# It loads the installed helper, or the one named by SBX_BATS_HELPER (the
# docs suite points that at lib/sbx.bash), and runs the sbx named by SBX
# (default: sbx from PATH).

bats_require_minimum_version 1.5.0

load "${SBX_BATS_HELPER:-/usr/local/share/sbx/sbx.bash}"

# A name no other test run uses, for files in /tmp.
marker() {
	echo "sbx-sample-$BATS_ROOT_PID-$BATS_TEST_NUMBER"
}

@test "the command runs in the test's own temporary directory" {
	sbx_run pwd
	[ "$status" -eq 0 ]
	[ "$output" = "$BATS_TEST_TMPDIR" ]
}

@test "files written in the working directory reach the test" {
	sbx_run sh -c 'echo built > result.txt'
	[ "$status" -eq 0 ]
	[ "$(cat "$BATS_TEST_TMPDIR/result.txt")" = built ]
}

@test "each test starts with an empty temporary directory" {
	# Whatever another test left in its own directory is not here.
	sbx_run ls -A
	[ "$status" -eq 0 ]
	[ -z "$output" ]
}

@test "/tmp is fresh in every sandbox (first write)" {
	sbx_run sh -c "test ! -e /tmp/$(marker) && touch /tmp/$(marker) && ls /tmp/$(marker)"
	[ "$status" -eq 0 ]
	# ...and the file never reached the host's /tmp.
	[ ! -e "/tmp/$(marker)" ]
}

@test "/tmp is fresh in every sandbox (second write)" {
	sbx_run sh -c "touch /tmp/seen"
	[ "$status" -eq 0 ]
	sbx_run ls /tmp/seen
	[ "$status" -ne 0 ]
}

@test "the rest of the file system is read-only" {
	sbx_run touch "$HOME/sbx-sample-should-not-exist"
	[ "$status" -ne 0 ]
	[[ $output == *"Read-only file system"* ]]
}

@test "the exit status is the command's" {
	sbx_run sh -c 'exit 3'
	[ "$status" -eq 3 ]
}

@test "sbx options come before --" {
	sbx_run --hostname sample --setenv GREETING hello -- sh -c 'echo "$(hostname) $GREETING"'
	[ "$status" -eq 0 ]
	[ "$output" = "sample hello" ]
}

@test "SBX_RUN_OPTS applies to every sandbox, and the call's options win" {
	SBX_RUN_OPTS=(--hostname from-opts --setenv WHO "the opts")
	sbx_run sh -c 'echo "$(hostname): $WHO"'
	[ "$output" = "from-opts: the opts" ]
	sbx_run --hostname from-call -- hostname
	[ "$output" = "from-call" ]
}

@test "run's own flags come first" {
	sbx_run -3 --separate-stderr sh -c 'echo out; echo err >&2; exit 3'
	[ "$output" = out ]
	[ "$stderr" = err ]
}

@test "secrets in the environment stay outside" {
	SAMPLE_TOKEN=hunter2 sbx_run sh -c 'echo "token=${SAMPLE_TOKEN-unset}"'
	[ "$output" = "token=unset" ]
}

@test "there is no network but loopback" {
	sbx_run cat /proc/net/dev
	[ "$status" -eq 0 ]
	[[ $output == *"lo:"* ]]
	[ "$(grep -c ':' <<<"$output")" -eq 1 ]
}
