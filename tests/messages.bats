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
