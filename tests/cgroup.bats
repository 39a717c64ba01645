#!/usr/bin/env bats
# Resource limits: --pids, --memory, --cpus in a delegated cgroup v1 (the
# root-side step tests/cgroup-delegate-v1 hands one to the test user and
# tests/run passes it in SBX_TEST_CGROUPS), the rlimit fallback and the
# strict refusal where no cgroup is delegated, and --timeout.  Cgroup v2
# delegation is checked on a real kernel by tests/vm (make check-vm).

load helpers

setup_file() { sbx_setup_file; }
teardown_file() { sbx_teardown_file; }
setup() {
	sbx_setup
	tag=$(uniq_num)
	J=$BATS_TEST_TMPDIR/status.json
	V1_PIDS='' V1_MEMORY='' V1_CPU=''
	local d
	for d in ${SBX_TEST_CGROUPS:-}; do
		if [[ -e $d/pids.max ]]; then V1_PIDS=$d; fi
		if [[ -e $d/memory.limit_in_bytes ]]; then V1_MEMORY=$d; fi
		if [[ -e $d/cpu.cfs_quota_us ]]; then V1_CPU=$d; fi
	done
}
teardown() {
	if [[ -n ${bg_pid:-} ]]; then kill -KILL "$bg_pid" 2>/dev/null || true; fi
	pkill -KILL -f "^sleep 1000\\.$tag" 2>/dev/null || true
}

# json KEY: a top-level scalar of the status report $J (strings unquoted).
json() { sed -n "s/.*\"$1\": \"\{0,1\}\([^,}\"]*\).*/\1/p" "$J"; }
# how LIMIT: how the report says that limit was enforced.
how() { sed -n "s/.*\"$1\": {\"max\": [0-9.]*, \"how\": \"\([a-z0-9-]*\)\".*/\1/p" "$J"; }
# within LO HI VALUE: LO <= VALUE <= HI, as decimals.
within() { awk -v lo="$1" -v hi="$2" -v v="$3" 'BEGIN { exit !(v != "" && v + 0 >= lo && v + 0 <= hi) }'; }
# leaves DIR: the sbx leaves in a cgroup.
leaves() { find "$1" -mindepth 1 -maxdepth 1 -type d -name 'sbx-*' -printf '%f '; }
survivors() { pgrep -f "^sleep 1000\\.$tag" || true; }
# (for wait_until, which runs its command again on each try)
has_leaves() { [[ -n $(leaves "$1") ]]; }
no_survivors() { [[ -z $(survivors) ]]; }

need_v1() {
	local c
	for c; do
		local var=V1_${c^^}
		[[ -n ${!var} ]] || skip "no delegated cgroup v1 $c hierarchy (tests/run sets SBX_TEST_CGROUPS when run as root)"
	done
}

# The rlimit tests need a user without delegation, as CI's test user is.
need_no_delegation() {
	"$SBX" --pids 10 --limits best-effort --status-json "$J" -- true 2>/dev/null ||
		fail "sbx --limits best-effort failed"
	[[ $(how pids) == rlimit ]] || skip "this user has a delegated cgroup ($(json cgroup))"
}

# RLIMIT_AS is set in sbx's payload before exec; an AddressSanitizer build
# of sbx cannot map its shadow memory under it.
need_no_asan() {
	! grep -q __asan_init "$SBX" || skip "RLIMIT_AS and an ASan build of sbx do not mix"
}

# A bounded fork bomb: an inner shell tries to start 100 sleepers and stops at
# the first fork that fails; the outer shell then counts, with builtins only
# (no fork may be possible), the processes in the sandbox's PID namespace.
FORK_BOMB='sh -c "i=0; while [ \$i -lt 100 ]; do sleep 1000.$0 & i=\$((i + 1)); done" 2>/dev/null
	n=0; for p in /proc/[0-9]*; do n=$((n + 1)); done; echo "$n"'

# ---------------------------------------------------- no cgroup at all ----

@test "without a delegated cgroup, a limit is refused by default with exit 125" {
	need_no_delegation
	run -125 --separate-stderr sbx --pids 10 -- /bin/echo RAN
	refute_output --partial RAN
	[[ ${stderr_lines[0]} == "sbx: cannot enforce --pids: "*cgroup* ]] ||
		fail "unexpected first line: ${stderr_lines[0]}"
	[[ ${stderr_lines[1]} == "hint: "*"--limits best-effort"* ]] || fail "no hint: $stderr"
}

@test "where a systemd user manager runs, the refusal says how to get a delegated scope" {
	need_no_delegation
	mkdir -p "$BATS_TEST_TMPDIR/run/systemd"
	: >"$BATS_TEST_TMPDIR/run/systemd/private"
	run -125 --separate-stderr env XDG_RUNTIME_DIR="$BATS_TEST_TMPDIR/run" \
		timeout -k 5 "$SBX_TIMEOUT" "$SBX" --pids 10 -- /bin/true
	[[ ${stderr_lines[1]} == "hint: re-run under systemd-run --user --scope -p Delegate=yes sbx ..."* ]] ||
		fail "unexpected hint: $stderr"
}

@test "best-effort says in one line what is enforced, how, and what is not" {
	need_no_delegation
	need_no_asan
	run -0 --separate-stderr sbx --pids 50 --memory 500M --cpus 0.5 --limits best-effort -- /bin/echo RAN
	assert_output RAN
	((${#stderr_lines[@]} == 1)) || fail "expected one warning line, got: $stderr"
	[[ $stderr == "sbx: warning: no cgroup for memory, pids, cpu ("*"); enforced: --memory by RLIMIT_AS (address space per process, not a total) and by the tmpfs size (/tmp, /var/tmp, /dev/shm, /run and --tmpfs: "*" MiB in all), --pids by RLIMIT_NPROC; not enforced: --cpus" ]] ||
		fail "unexpected warning: $stderr"
}

@test "best-effort: a fork bomb is held at --pids by RLIMIT_NPROC" {
	need_no_delegation
	run -0 sbx --pids 20 --limits best-effort --status-json "$J" -- /bin/sh -c "$FORK_BOMB" "$tag"
	local n=${lines[-1]}
	echo "processes in the sandbox: $n"
	((n <= 20)) || fail "$n processes under --pids 20"
	((n >= 10)) || fail "only $n processes: the bomb did not reach the limit"
	[[ $(how pids) == rlimit ]] || fail "report: $(cat "$J")"
	[[ -z $(survivors) ]] || fail "sleepers survived: $(survivors)"
}

@test "best-effort: --memory is RLIMIT_AS, so a big allocation fails" {
	need_no_delegation
	need_no_asan
	run -0 sbx --memory 64M --limits best-effort --status-json "$J" -- /bin/sh -c \
		'head -c 200M /dev/zero | tail >/dev/null; echo "tail exit $?"'
	assert_line "tail exit 1"
	[[ $(how memory) == rlimit && $(json oom-killed) == false ]] || fail "report: $(cat "$J")"
}

@test "the report without limits: no cgroup, no peak, not OOM-killed" {
	run -0 sbx --status-json "$J" -- /bin/true
	[[ $(json cgroup) == null && $(json memory-peak) == null && $(json oom-killed) == false ]] ||
		fail "report: $(cat "$J")"
	grep -q '"limits": {}' "$J" || fail "report: $(cat "$J")"
}

@test "--cgroup outside a cgroup file system is an error, also with best-effort" {
	run -125 --separate-stderr sbx --cgroup "$BATS_TEST_TMPDIR" --pids 10 --limits best-effort -- /bin/echo RAN
	refute_output --partial RAN
	assert_equal "${stderr_lines[0]}" "sbx: --cgroup $BATS_TEST_TMPDIR: not a directory in a cgroup file system"
}

# ------------------------------------------------------------- timeout ----

@test "--timeout: exit 124 and the whole process tree is gone" {
	local t0=$SECONDS
	run -124 --separate-stderr sbx --timeout 1 --status-json "$J" -- /bin/sh -c \
		"sleep 1000.$tag & sleep 1000.$tag & wait"
	((SECONDS - t0 < 10)) || fail "took $((SECONDS - t0)) s"
	[[ -z $(survivors) ]] || fail "survived the timeout: $(survivors)"
	[[ $(json timed-out) == true && $(json exit-code) == 124 ]] || fail "report: $(cat "$J")"
}

@test "--timeout: a command that ignores SIGTERM is killed after --kill-after, with its children" {
	local t0=$SECONDS
	run -124 sbx --timeout 1 --kill-after 1 -- /bin/sh -c \
		"trap '' TERM; sleep 1000.$tag & sleep 1000.$tag; echo SURVIVED"
	refute_output --partial SURVIVED
	((SECONDS - t0 < 10)) || fail "took $((SECONDS - t0)) s"
	[[ -z $(survivors) ]] || fail "survived SIGKILL: $(survivors)"
}

@test "--timeout: a child that ignores SIGTERM goes when the command exits" {
	run -124 sbx --timeout 1 --kill-after 30 -- /bin/sh -c \
		"(trap '' TERM; exec sleep 1000.$tag) & sleep 1000.$tag"
	[[ -z $(survivors) ]] || fail "the TERM-ignoring child survived: $(survivors)"
}

# ----------------------------------------------------- cgroup v1 (delegated) ----

@test "v1: a fork bomb is held at --pids by the pids cgroup" {
	need_v1 pids
	run -0 sbx --cgroup "$V1_PIDS" --pids 20 --status-json "$J" -- /bin/sh -c "$FORK_BOMB" "$tag"
	local n=${lines[-1]}
	echo "processes in the sandbox: $n"
	((n <= 20)) || fail "$n processes under --pids 20"
	((n >= 15)) || fail "only $n processes: the bomb did not reach the limit"
	[[ $(how pids) == cgroup1 ]] || fail "report: $(cat "$J")"
	[[ -z $(survivors) ]] || fail "sleepers survived: $(survivors)"
}

@test "v1: a memory hog is OOM-killed at --memory, exit 137, and the report says so" {
	need_v1 memory
	run -137 sbx --cgroup "$V1_MEMORY" --memory 50M --status-json "$J" -- /bin/sh -c \
		'head -c 200M /dev/zero | tail'
	cat "$J"
	[[ $(json oom-killed) == true ]] || fail "not reported OOM-killed"
	[[ $(how memory) == cgroup1 ]] || fail "not enforced by cgroup1"
	within 40000000 52428800 "$(json memory-peak)" || fail "memory-peak $(json memory-peak) not near 50M"
}

@test "v1: a program under its --memory runs and its peak is reported" {
	need_v1 memory
	run -0 sbx --cgroup "$V1_MEMORY" --memory 50M --status-json "$J" -- /bin/sh -c \
		'head -c 20M /dev/zero | tail | wc -c'
	assert_output 20971520
	[[ $(json oom-killed) == false ]] || fail "report: $(cat "$J")"
	within 20000000 52428800 "$(json memory-peak)" || fail "memory-peak $(json memory-peak)"
}

@test "v1: --cpus 0.5 throttles a busy loop to about half a CPU" {
	need_v1 cpu
	run -124 sbx --cgroup "$V1_CPU" --cpus 0.5 --timeout 2 --status-json "$J" -- /bin/sh -c 'while :; do :; done'
	local ratio
	ratio=$(awk -v u="$(json user-time)" -v s="$(json system-time)" -v w="$(json wall-time)" \
		'BEGIN { printf "%.2f", (u + s) / w }')
	echo "cpu time / wall time: $ratio"
	within 0.3 0.65 "$ratio" || fail "cpu/wall $ratio under --cpus 0.5"
	[[ $(how cpus) == cgroup1 ]] || fail "report: $(cat "$J")"
}

# inside DIR: where the sandbox sees its own leaf of the hierarchy holding
# the delegated DIR (made at the hierarchy's root): at the hierarchy's mount
# point, its cgroup namespace being rooted at the leaf (sysfs.c).
inside() { echo "${1%/*}"; }

@test "v1: the leaf holds the limits asked for, swap included" {
	need_v1 pids memory cpu
	local files m
	m=$(inside "$V1_MEMORY")
	files="$(inside "$V1_PIDS")/pids.max $m/memory.limit_in_bytes $m/memory.memsw.limit_in_bytes"
	files+=" $(inside "$V1_CPU")/cpu.cfs_quota_us"
	run -0 sbx --cgroup "$V1_PIDS" --pids 20 --memory 50M --cpus 0.5 -- /bin/sh -c "cat $files"
	assert_equal "${lines[*]}" "20 52428800 52428800 50000"
	files="$m/memory.limit_in_bytes $m/memory.memsw.limit_in_bytes"
	run -0 sbx --cgroup "$V1_PIDS" --memory 50M --memory-swap 10M -- /bin/sh -c "cat $files"
	assert_equal "${lines[*]}" "52428800 62914560"
}

@test "v1: the sandbox runs in a leaf of each hierarchy, removed afterwards" {
	need_v1 pids memory cpu
	run -0 sbx --cgroup "$V1_PIDS" --pids 20 --memory 50M --cpus 1 -- /bin/sh -c \
		"cat /proc/self/cgroup $(inside "$V1_PIDS")/pids.max $(inside "$V1_MEMORY")/memory.limit_in_bytes"
	# the cgroup namespace is rooted at the leaf, which holds the limits
	local h
	for h in pids memory cpu; do
		assert_line --regexp "^[0-9]+:$h:/\$"
	done
	assert_line 20
	assert_line 52428800
	for h in "$V1_PIDS" "$V1_MEMORY" "$V1_CPU"; do
		[[ -z $(leaves "$h") ]] || fail "left in $h: $(leaves "$h")"
	done
}

@test "v1: without --cgroup, the caller's own delegated cgroup is used" {
	need_v1 pids memory
	run -0 bash -c 'for d in "$1" "$2"; do echo $$ >"$d/cgroup.procs" || exit 1; done
		exec "$3" --pids 20 --memory 50M --status-json "$4" -- cat /proc/self/cgroup "$5/pids.max"' \
		_ "$V1_PIDS" "$V1_MEMORY" "$SBX" "$J" "$(inside "$V1_PIDS")"
	assert_line --regexp '^[0-9]+:pids:/$'
	assert_line 20
	[[ $(json cgroup) == "$V1_MEMORY"/sbx-* && $(how pids) == cgroup1 ]] || fail "report: $(cat "$J")"
	[[ -z $(leaves "$V1_PIDS")$(leaves "$V1_MEMORY") ]] || fail "leaves left behind"
}

@test "v1: the payload cannot raise its own limit" {
	need_v1 pids
	run sbx --cgroup "$V1_PIDS" --pids 20 -- /bin/sh -c \
		'f='"$(inside "$V1_PIDS")"'/pids.max; echo max >"$f" && echo RAISED; cat "$f"'
	refute_output --partial RAISED
	assert_line 20
}

@test "v1: the leaf of a SIGKILLed sbx is removed by the next run" {
	need_v1 pids
	"$SBX" --cgroup "$V1_PIDS" --pids 20 -- sleep "1000.$tag" 3>&- &
	bg_pid=$!
	wait_until 10 has_leaves "$V1_PIDS" || fail "no leaf appeared"
	local stale
	stale=$(leaves "$V1_PIDS")
	kill -KILL "$bg_pid"
	wait "$bg_pid" || true
	wait_until 10 no_survivors || fail "the sandbox outlived its sbx: $(survivors)"
	[[ -d $V1_PIDS/${stale% } ]] || fail "precondition: the killed sbx's leaf $stale is there"
	run -0 sbx --cgroup "$V1_PIDS" --pids 20 -- /bin/true
	[[ -z $(leaves "$V1_PIDS") ]] || fail "left: $(leaves "$V1_PIDS")"
}

@test "v1: on timeout everything in the leaf is killed and the leaf removed" {
	need_v1 pids
	run -124 sbx --cgroup "$V1_PIDS" --pids 20 --timeout 1 --kill-after 1 -- /bin/sh -c \
		"trap '' TERM; sleep 1000.$tag & sleep 1000.$tag"
	[[ -z $(survivors) ]] || fail "survived: $(survivors)"
	[[ -z $(leaves "$V1_PIDS") ]] || fail "left: $(leaves "$V1_PIDS")"
}

@test "an undelegated --cgroup is refused under strict" {
	local v2
	v2=$(awk '{ for (i = 7; $i != "-"; i++) ; if ($(i + 1) == "cgroup2") { print $5; exit } }' /proc/self/mountinfo)
	[[ -n $v2 && ! -w $v2 ]] || skip "no cgroup2 mount this user cannot write"
	run -125 --separate-stderr sbx --cgroup "$v2" --pids 10 -- /bin/echo RAN
	refute_output --partial RAN
	assert_equal "${stderr_lines[0]}" "sbx: cannot enforce --pids: cgroup $v2 is not delegated to uid $(id -u)"
}
