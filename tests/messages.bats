#!/usr/bin/env bats
# What sbx says, and when it says nothing: a run that gets what it asked for
# is silent; where sbx cannot do as asked, or the command cannot start, one
# line says why and a hint says what to do.

load helpers

setup_file() { sbx_setup_file; }
teardown_file() { sbx_teardown_file; }

setup() {
	sbx_setup
	WORK="$SBX_HOSTDIR/work.$BATS_TEST_NUMBER"
	mkdir -p "$WORK"
	J="$BATS_TEST_TMPDIR/status.json"
}

# how LIMIT: how the status report says LIMIT was enforced
how() {
	sed -n "s/.*\"$1\": {[^}]*\"how\": \"\\([^\"]*\\)\".*/\\1/p" "$J"
}

# ----------------------------------------------------------- limits ----

@test "--policy build says nothing when each limit holds as asked" {
	cd "$WORK"
	run --separate-stderr sbx --policy build --status-json "$J" -- echo built
	assert_success
	assert_output built
	# --pids 4096 by a cgroup, or by RLIMIT_NPROC: a total either way
	[[ $(how pids) == @(cgroup1|cgroup2|rlimit) ]] || fail "report: $(cat "$J")"
	assert_equal "$stderr" ""
}

@test "--verbose still says how --pids is held without a cgroup" {
	cd "$WORK"
	run --separate-stderr sbx --verbose --pids 500 --limits best-effort --status-json "$J" -- true
	assert_success
	[[ $(how pids) == rlimit ]] || skip "a cgroup carries --pids here"
	[[ $stderr == *$'\n'"sbx: no cgroup for pids ("*"); enforced: --pids by RLIMIT_NPROC"$'\n'* ]] ||
		fail "no line for --pids: $stderr"
	[[ $stderr != *"not enforced"* ]] || fail "says not enforced: $stderr"
}

@test "a limit weaker than asked is a warning that names the tmpfs and the --overlay bounds" {
	run --separate-stderr sbx --memory 300M --overlay --limits best-effort --status-json "$J" -- true
	assert_success
	[[ $(how memory) == rlimit ]] || skip "a cgroup carries --memory here"
	[[ $stderr == "sbx: warning: no cgroup for memory ("*"); enforced: --memory by RLIMIT_AS (address space per process, not a total) and by the tmpfs size (/tmp, /var/tmp, /dev/shm, /run and --tmpfs: 300 MiB in all; the --overlay layer: 300 MiB more)" ]] ||
		fail "unexpected warning: $stderr"
}

# ------------------------------------------- hidden commands and cwd ----

# tool DIR: an executable script DIR/tool that says it ran
tool() {
	mkdir -p "$1"
	printf '#!/bin/sh\necho tool ran\n' >"$1/tool"
	chmod 755 "$1/tool"
}

@test "a command under the private /tmp: not found inside, hidden by the private /tmp, with the way to show it" {
	local proj="$BATS_TEST_TMPDIR/proj"
	[[ $proj == /tmp/* ]] || skip "BATS_TEST_TMPDIR is not under /tmp: $proj"
	tool "$proj"
	cd "$SBX_HOSTDIR"
	run -127 --separate-stderr sbx -- "$proj/tool"
	assert_output ""
	assert_equal "$stderr" "sbx: $proj/tool: not found inside the sandbox: $proj/tool is hidden there by the sandbox's private /tmp
hint: show it with --ro-bind $proj (or --bind $proj, writable)"
	run -0 sbx --ro-bind "$proj" -- "$proj/tool"
	assert_output "tool ran"
	# missing on the host too: just not found
	run -127 --separate-stderr sbx -- "$proj/no-such-tool"
	assert_equal "$stderr" "sbx: $proj/no-such-tool: command not found"
}

@test "./tool from a directory under /tmp: the hidden directory gets one line, the command an error and --bind-cwd" {
	local proj="$BATS_TEST_TMPDIR/proj"
	[[ $proj == /tmp/* ]] || skip "BATS_TEST_TMPDIR is not under /tmp: $proj"
	tool "$proj"
	cd "$proj"
	run -127 --separate-stderr sbx -- ./tool
	assert_equal "${stderr_lines[0]}" "sbx: note: the current directory $proj is hidden inside by the sandbox's private /tmp: the command starts in / (--bind-cwd or --ro-bind $proj shows it)"
	assert_equal "${stderr_lines[1]}" "sbx: ./tool: not found inside the sandbox: $proj/tool is hidden there by the sandbox's private /tmp"
	assert_equal "${stderr_lines[2]}" "hint: run with --bind-cwd to show $proj (writable), or --ro-bind $proj to show it read-only"
	((${#stderr_lines[@]} == 3)) || fail "more lines: $stderr"
	run -0 sbx --bind-cwd -- ./tool
	assert_output "tool ran"
}

@test "a hidden current directory: one line, and the command starts in /" {
	local proj="$BATS_TEST_TMPDIR/proj"
	[[ $proj == /tmp/* ]] || skip "BATS_TEST_TMPDIR is not under /tmp: $proj"
	mkdir -p "$proj"
	cd "$proj"
	run -0 --separate-stderr sbx -- pwd
	assert_output "/"
	assert_equal "$stderr" "sbx: note: the current directory $proj is hidden inside by the sandbox's private /tmp: the command starts in / (--bind-cwd or --ro-bind $proj shows it)"
}

@test "a command under a --tmpfs: the --tmpfs is named" {
	local dir="$SBX_HOSTDIR/covered.$BATS_TEST_NUMBER"
	tool "$dir/bin"
	cd "$SBX_HOSTDIR"
	run -127 --separate-stderr sbx --tmpfs "$dir" -- "$dir/bin/tool"
	assert_equal "${stderr_lines[0]}" "sbx: $dir/bin/tool: not found inside the sandbox: $dir/bin/tool is hidden there by --tmpfs $dir"
	assert_equal "${stderr_lines[1]}" "hint: show it with --ro-bind $dir/bin (or --bind $dir/bin, writable)"
}

@test "a command in the hidden home: the hidden home is named, and --show-home" {
	[[ -n ${HOME:-} && -d $HOME && -w $HOME && $HOME != / ]] || skip "no home of the test user's to write"
	local dir="$HOME/.sbx-test-bin.$$"
	tool "$dir"
	cd "$SBX_HOSTDIR"
	run -127 --separate-stderr sbx -- "$dir/tool"
	rm -rf "$dir"
	[[ ${stderr_lines[0]} == "sbx: $dir/tool: not found inside the sandbox: $dir/tool is hidden there by the hidden home (an empty "*")" ]] ||
		fail "unexpected: $stderr"
	assert_equal "${stderr_lines[1]}" "hint: show it with --ro-bind $dir (or the whole home with --show-home)"
}

# ------------------------------------------------------ sbx inside sbx ----

@test "sbx inside sbx says its own filter is in the way, not a container's" {
	cp "$SBX" "$SBX_HOSTDIR/sbx-inner"
	cd "$SBX_HOSTDIR"
	run -125 --separate-stderr sbx -- "$SBX_HOSTDIR/sbx-inner" -- true
	assert_sbx_error
	assert_equal "${stderr_lines[0]}" "sbx: create the sandbox namespaces: Operation not permitted"
	assert_equal "${stderr_lines[1]}" "hint: this already runs inside sbx, whose seccomp filter refuses new namespaces: sbx does not nest; run it outside instead (a bats suite that calls sbx runs outside sbx, each test sandboxed by sbx_run from lib/sbx.bash)"
	# under --policy bats, as a suite would be
	run -125 --separate-stderr sbx --policy bats -- "$SBX_HOSTDIR/sbx-inner" -- true
	[[ ${stderr_lines[1]} == "hint: this already runs inside sbx,"* ]] || fail "stderr: $stderr"
}

# ------------------------------------------------- the suite's own words ----

@test "tests/run's closing line names each skip reason with its count" {
	local repo="$BATS_TEST_TMPDIR/repo"
	mkdir -p "$repo/tests"
	cp "$SBX_TESTS_DIR/run" "$repo/tests/run"
	# (written with printf: test lines here would be this file's own)
	local t='@test'
	printf '%s "%s" {\n\t%s\n}\n' \
		"$t" "runs" "true" \
		"$t" "needs a frobnicator" 'skip "no frobnicator here"' \
		"$t" "needs a frobnicator too" 'skip "no frobnicator here"' \
		"$t" "needs root" 'skip "needs root"' \
		"$t" "skips without a word" "skip" >"$repo/tests/a.bats"
	# a bats of its own: none of this one's variables, nor its libexec on PATH
	local dir path= parts
	IFS=: read -ra parts <<<"$PATH"
	for dir in "${parts[@]}"; do
		[[ $dir == */libexec/bats* ]] || path+=${path:+:}$dir
	done
	run --separate-stderr env -i PATH="$path" HOME="$HOME" SBX=/bin/true \
		"$repo/tests/run" "$repo/tests/a.bats" 3>&-
	assert_success
	assert_line "tests: 1 passed, 0 failed, 4 skipped (2: no frobnicator here; 1: needs root; 1: no reason given)"
}

@test "tests/deps installs every program a test looks for" {
	local name missing=()
	for name in $(grep -ho 'command -v [a-z0-9_-][a-z0-9_-]*' "$SBX_TESTS_DIR"/*.bats "$SBX_TESTS_DIR"/root/*.bats |
		awk '{ print $3 }' | sort -u); do
		grep -Eq "have $name \|\| need " "$SBX_TESTS_DIR/deps" || missing+=("$name")
	done
	((${#missing[@]} == 0)) || fail "tests skip without these, which tests/deps does not install: ${missing[*]}"
}

# ------------------------------------------------------- small truths ----

# field NAME: member NAME of the report $J, as python prints it
field() {
	python3 -c 'import json, sys; print(json.load(open(sys.argv[1])).get(sys.argv[2], "(absent)"))' "$J" "$1"
}

@test "--status-json carries the error and hint sbx printed when it failed" {
	cd "$SBX_HOSTDIR"
	run -125 --separate-stderr sbx --status-json "$J" --rootfs "$SBX_HOSTDIR" -- true
	assert_equal "$(field sbx-failed)" True
	assert_equal "sbx: $(field error)"$'\n'"hint: $(field hint)" "$stderr"
	# the command not found: the error, and no hint
	run -127 --separate-stderr sbx --status-json "$J" -- "$SBX_HOSTDIR/no-such-tool"
	assert_equal "$(field error)" "$SBX_HOSTDIR/no-such-tool: command not found"
	assert_equal "$(field hint)" "(absent)"
	# a failure before the sandbox is made (a limit no cgroup can hold)
	run --separate-stderr sbx --status-json "$J" --pids 10 -- true
	if ((status == 125)); then
		[[ $(field error) == "cannot enforce --pids: "* && $(field hint) == "pass --cgroup DIR"* ]] ||
			fail "report: $(cat "$J")"
	fi
	# and nothing of the kind when all went well
	run -0 sbx --status-json "$J" -- true
	assert_equal "$(field error)" "(absent)"
}

@test "--version --verbose says of --cpus what sbx(1) says: no stand-in without a cgroup" {
	run -0 sbx --version --verbose
	local cpu
	cpu=$(grep -E '^  cpu ' <<<"$output")
	[[ $cpu == *"cgroup v"* || $cpu == *"no cgroup: not enforced, even best-effort ("* ]] || fail "cpu: $cpu"
	[[ $output != *"rlimit fallback only"* ]] || fail "$output"
	grep -q 'has no stand-in' "$SBX_TESTS_DIR/../man/sbx.1" || fail "sbx(1) no longer says --cpus has no stand-in"
}
