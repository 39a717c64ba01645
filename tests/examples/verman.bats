#!/usr/bin/env bats
# A sample suite shaped like rbenv's and asdf's, run with one sandbox per
# command.  It was written for bats's `run'; porting it took loading the
# helper, one setting (SBX_RUN_KEEP_ENV, for the variables the suite
# exports) and `sbx_run' for `run'.  What it relies on, as real suites do:
# settings it exports (VERMAN_ROOT), a fixture tree made once in setup_file,
# a `cd' before the command, a tool of its own on PATH, and a test whose
# outcome depends on CI.
#
#   bats tests/examples/verman.bats
#   CI=true bats tests/examples/verman.bats
#
# It loads the installed helper, or the one named by SBX_BATS_HELPER (the
# docs suite points that at lib/sbx.bash).

load "${SBX_BATS_HELPER:-/usr/local/share/sbx/sbx.bash}"
SBX_RUN_KEEP_ENV='VERMAN_*'

setup_file() {
	export VERMAN_ROOT="$BATS_FILE_TMPDIR/root"
	mkdir -p "$VERMAN_ROOT/versions/1.0/bin" "$VERMAN_ROOT/versions/2.1"
	echo 2.1 >"$VERMAN_ROOT/version"
	export PATH="$BATS_TEST_DIRNAME/bin:$PATH"
}

@test "versions lists what setup_file installed" {
	sbx_run verman versions
	[ "$status" -eq 0 ]
	[ "$output" = $'1.0\n2.1' ]
}

@test "version falls back to the global version" {
	cd "$BATS_TEST_TMPDIR"
	sbx_run verman version
	[ "$status" -eq 0 ]
	[ "$output" = 2.1 ]
}

@test "local writes .verman-version in the directory the test changed to" {
	mkdir "$BATS_TEST_TMPDIR/project"
	cd "$BATS_TEST_TMPDIR/project"
	sbx_run verman local 1.0
	[ "$status" -eq 0 ]
	[ -f .verman-version ]
	[ ! -L .verman-version ]
	[ "$(cat .verman-version)" = 1.0 ]
}

@test "version finds .verman-version in a parent directory" {
	mkdir -p "$BATS_TEST_TMPDIR/project/sub/dir"
	echo 1.0 >"$BATS_TEST_TMPDIR/project/.verman-version"
	cd "$BATS_TEST_TMPDIR/project/sub/dir"
	sbx_run verman version
	[ "$status" -eq 0 ]
	[ "$output" = 1.0 ]
}

@test "VERMAN_VERSION wins over every file" {
	cd "$BATS_TEST_TMPDIR"
	echo 2.1 >.verman-version
	VERMAN_VERSION=1.0 sbx_run verman version
	[ "$output" = 1.0 ]
}

@test "local refuses a version that is not installed" {
	cd "$BATS_TEST_TMPDIR"
	sbx_run verman local 9.9
	[ "$status" -eq 1 ]
	[ "$output" = "verman: version '9.9' not installed" ]
	[ ! -e .verman-version ]
}

@test "doctor: a version without bin/ warns by hand and fails on CI" {
	sbx_run verman doctor
	[ "$output" = "verman: version 2.1 has no bin/" ]
	if [ -n "${CI:-}" ]; then
		[ "$status" -eq 1 ]
	else
		[ "$status" -eq 0 ]
	fi
}

@test "the fixture tree setup_file made is read-only to the tool" {
	sbx_run sh -c 'ls "$VERMAN_ROOT/versions"; mkdir "$VERMAN_ROOT/versions/3.0"'
	[ "$status" -ne 0 ]
	[ "${lines[0]}" = 1.0 ]
	[[ $output == *"Read-only file system"* ]]
	[ ! -e "$VERMAN_ROOT/versions/3.0" ]
}
