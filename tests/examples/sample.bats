#!/usr/bin/env bats
# A sample suite using the sbx bats helper: one fresh sandbox per sbx_run,
# in a fresh directory of its own ($sbx_dir), the only place it can write
# (SBX_RUN_CWD=own; tests/examples/verman.bats shows the default, which
# follows the test's cd).
#
#   bats tests/examples/sample.bats
#
# It loads the installed helper, or the one named by SBX_BATS_HELPER (the
# docs suite points that at lib/sbx.bash), and runs the sbx named by SBX
# (default: sbx from PATH).

bats_require_minimum_version 1.5.0

load "${SBX_BATS_HELPER:-/usr/local/share/sbx/sbx.bash}"
SBX_RUN_CWD=own

# A name no other test run uses, for files in /tmp.
marker() {
	echo "sbx-sample-$BATS_ROOT_PID-$BATS_TEST_NUMBER"
}

@test "the command runs in a directory of its own, \$sbx_dir" {
	sbx_run pwd
	[ "$status" -eq 0 ]
	[ "$sbx_dir" = "$BATS_TEST_TMPDIR/sbx.1" ]
	[ "$output" = "$sbx_dir" ]
}

@test "each call gets a new directory" {
	sbx_run sh -c 'echo first > out.txt'
	[ "$sbx_dir" = "$BATS_TEST_TMPDIR/sbx.1" ]
	sbx_run ls -A
	[ "$status" -eq 0 ]
	[ "$sbx_dir" = "$BATS_TEST_TMPDIR/sbx.2" ]
	[ -z "$output" ]
}

@test "files written in the working directory reach the test" {
	sbx_run sh -c 'echo built > result.txt'
	[ "$status" -eq 0 ]
	# the command made this file: a plain file, not a symlink, before reading
	[ -f "$sbx_dir/result.txt" ]
	[ ! -L "$sbx_dir/result.txt" ]
	[ "$(cat "$sbx_dir/result.txt")" = built ]
}

@test "the test's own files are read-only inside" {
	echo input >"$BATS_TEST_TMPDIR/input.txt"
	sbx_run sh -c 'cat ../input.txt && echo changed > ../input.txt'
	[ "$status" -ne 0 ]
	[ "${lines[0]}" = input ]
	[ "$(cat "$BATS_TEST_TMPDIR/input.txt")" = input ]
}

@test "a symlink the command plants does not redirect the test's own writes" {
	# host-file stands for any file of the test user's outside the sandbox
	echo precious >"$BATS_TEST_TMPDIR/host-file"
	sbx_run sh -c "ln -s '$BATS_TEST_TMPDIR/host-file' input.txt
		ln -s '$BATS_TEST_TMPDIR/host-file' '$BATS_TEST_TMPDIR/input.txt'"
	[ "$status" -ne 0 ]
	# the first link is in the command's own directory, the second failed
	[ -L "$sbx_dir/input.txt" ]
	[ ! -e "$BATS_TEST_TMPDIR/input.txt" ]
	[ ! -L "$BATS_TEST_TMPDIR/input.txt" ]
	# so the test's next step writes a file of its own
	echo data >"$BATS_TEST_TMPDIR/input.txt"
	[ "$(cat "$BATS_TEST_TMPDIR/host-file")" = precious ]
}

@test "each test starts with an empty temporary directory" {
	# Whatever another test left in its own directory is not here.
	sbx_run ls -A ..
	[ "$status" -eq 0 ]
	[ "$output" = sbx.1 ]
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
	sbx_run touch /usr/sbx-sample-should-not-exist
	[ "$status" -ne 0 ]
	[[ $output == *"Read-only file system"* ]]
}

@test "your home is an empty throwaway one: nothing of yours is there, writes vanish" {
	sbx_run sh -c 'ls -A "$HOME"; touch "$HOME/sbx-sample-written"'
	[ "$status" -eq 0 ]
	[ ! -e "$HOME/sbx-sample-written" ]
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
