#!/bin/sh
# tests/vm/limits.sh: the resource-limit checks that need cgroup v2
# delegation, run by tests/vm/run inside the vmrun.sh guest (busybox sh, as
# uid 1000, starting in $VMRUN_CGROUP/init; $VMRUN_CGROUP is delegated the
# way systemd's Delegate=yes does it and offers cpu, memory and pids).
#
# Prints "ok"/"FAIL" per check, "# ..." lines with what was measured, and
# last "N passed, M failed (plan P)"; exits 1 if any check failed.
set -u
D=${VMRUN_CGROUP:?run this through tests/vm/run}
SBX=${SBX:-/payload/sbx}
PLAN=$(grep -c '^check "' "$0")
J=$HOME/status.json
E=$HOME/stderr
pass=0 fail=0
ok() { pass=$((pass + 1)); echo "ok   - $*"; }
bad() { fail=$((fail + 1)); echo "FAIL - $*"; }
check() {
	d=$1
	shift
	if "$@"; then ok "$d"; else bad "$d"; fi
}

# json KEY: a top-level scalar of the status report (strings unquoted).
json() { sed -n "s/.*\"$1\": \"\{0,1\}\([^,}\"]*\).*/\1/p" "$J"; }
# how LIMIT: how the report says that limit was enforced.
how() { sed -n "s/.*\"$1\": {\"max\": [0-9.]*, \"how\": \"\([a-z0-9-]*\)\".*/\1/p" "$J"; }
# leaves DIR: the sbx leaves in a cgroup, on one line.
leaves() { for f in "$1"/sbx-*; do [ -d "$f" ] && printf '%s ' "${f##*/}"; done; }
# ratio A B: A/B with two decimals; within LO HI VALUE.
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "nan" }'; }
within() { awk -v lo="$1" -v hi="$2" -v v="$3" 'BEGIN { exit !(v != "nan" && v + 0 >= lo && v + 0 <= hi) }'; }
# sleeping TAG: processes of this guest running "sleep TAG".
sleeping() { ps -o args | grep -c "^sleep $1\$"; }
run() {
	rc=0
	"$SBX" "$@" 2>"$E" || rc=$?
}

echo "# $(id); kernel $(uname -r); $(cat /proc/self/cgroup); $D offers: $(cat "$D/cgroup.controllers")"

# --- refused where no controller is delegated --------------------------------
# The starting cgroup init/ is ours, but its parent hands it no controller
# yet: strict must refuse and say why; nothing may be left behind.
out=$(run --pids 20 -- true; echo "$rc"; cat "$E")
check "strict: no controller offered -> exit 125 (got: $(echo "$out" | head -n1))" [ "$(echo "$out" | head -n1)" = 125 ]
check "strict: the message names the missing controller" sh -c 'echo "$1" | grep -q "does not offer the pids controller"' _ "$out"
check "strict: no leaf left in $D/init" [ -z "$(leaves "$D/init")" ]

# --- a fork bomb is held at --pids ------------------------------------------
# The inner shell tries to start 100 sleepers; the outer one counts, with
# builtins only (no fork is possible at the limit), what runs in the box.
out=$("$SBX" --cgroup "$D" --pids 20 --status-json "$J" -- sh -c '
	sh -c "i=0; while [ \$i -lt 100 ]; do sleep 31 & i=\$((i + 1)); done" 2>/dev/null
	n=0; for p in /proc/[0-9]*; do n=$((n + 1)); done; echo "$n"' 2>"$E")
rc=$?
echo "# fork bomb under --pids 20: $out processes in the box at the end, exit $rc, how $(how pids)"
check "fork bomb: sbx exit 0 (got $rc: $(head -c 200 "$E"))" [ "$rc" = 0 ]
check "fork bomb held: $out processes <= 20" [ "${out:-99}" -le 20 ]
check "fork bomb reached the limit: $out processes >= 15" [ "${out:-0}" -ge 15 ]
check "fork bomb: enforced by cgroup2 (report: $(how pids))" [ "$(how pids)" = cgroup2 ]
check "fork bomb: leaf removed (left: $(leaves "$D"))" [ -z "$(leaves "$D")" ]
check "fork bomb: no sleeper survived" [ "$(sleeping 31)" = 0 ]

out=$("$SBX" --cgroup "$D" --pids 20 --memory 50M --cpus 0.5 -- sh -c '
	cd /sys/fs/cgroup && echo $(cat pids.max memory.max memory.swap.max cpu.max)' 2>&1)
check "the leaf holds the limits asked for, no swap (got: $out)" [ "$out" = "20 52428800 0 50000 100000" ]

# The leaf's files belong to the caller's uid, which the sandbox's uid maps
# to: only the read-only mount keeps the payload from raising its limit.
out=$("$SBX" --cgroup "$D" --pids 20 -- sh -c '
	for f in /sys/fs/cgroup/pids.max; do
		echo max >"$f" 2>/dev/null && echo raised; echo "$f $(cat "$f")"
	done' 2>&1)
echo "# payload writing max to its own pids.max: $out"
check "the payload cannot raise its own pids.max (got: $out)" sh -c 'case $1 in *raised*) exit 1 ;; *"pids.max 20") exit 0 ;; esac; exit 1' _ "$out"

# --- a memory hog is OOM-killed at --memory ---------------------------------
# busybox dd allocates a bs-sized buffer and fills it from /dev/zero.
run --cgroup "$D" --memory 50M --status-json "$J" -- dd if=/dev/zero of=/dev/null bs=128M count=1
echo "# memory hog (128M) under --memory 50M: exit $rc, oom-killed $(json oom-killed), memory-peak $(json memory-peak)"
check "memory hog: exit 137 (got $rc)" [ "$rc" = 137 ]
check "memory hog: report says oom-killed true" [ "$(json oom-killed)" = true ]
check "memory hog: memory-peak $(json memory-peak) <= 50M" [ "$(json memory-peak)" -le 52428800 ]
check "memory hog: enforced by cgroup2 (report: $(how memory))" [ "$(how memory)" = cgroup2 ]
check "memory hog: leaf removed (left: $(leaves "$D"))" [ -z "$(leaves "$D")" ]

run --cgroup "$D" --memory 50M --status-json "$J" -- dd if=/dev/zero of=/dev/null bs=8M count=1
echo "# 8M under --memory 50M: exit $rc, memory-peak $(json memory-peak), oom-killed $(json oom-killed)"
check "small allocation: exit 0 (got $rc)" [ "$rc" = 0 ]
check "small allocation: memory-peak $(json memory-peak) >= 8M" [ "$(json memory-peak)" -ge 8388608 ]
check "small allocation: oom-killed false" [ "$(json oom-killed)" = false ]

# --- --cpus throttles a busy loop -------------------------------------------
run --cgroup "$D" --pids 20 --timeout 2 --status-json "$J" -- sh -c 'while :; do :; done'
free_ratio=$(ratio "$(json cpu-usage)" "$(json wall-time)")
run --cgroup "$D" --cpus 0.5 --timeout 3 --status-json "$J" -- sh -c 'while :; do :; done'
cpu_ratio=$(ratio "$(json cpu-usage)" "$(json wall-time)")
echo "# busy loop: cpu/wall unlimited $free_ratio, under --cpus 0.5 $cpu_ratio (cpu $(json cpu-usage)s, wall $(json wall-time)s)"
check "busy loop under --cpus 0.5: timed out, exit 124 (got $rc)" [ "$rc" = 124 ]
check "busy loop under --cpus 0.5: cpu/wall $cpu_ratio in [0.30, 0.65]" within 0.30 0.65 "$cpu_ratio"
check "busy loop unlimited: cpu/wall $free_ratio >= 0.75 (the throttle is the limit's doing)" within 0.75 2.5 "$free_ratio"
check "busy loop: enforced by cgroup2 (report: $(how cpus))" [ "$(how cpus)" = cgroup2 ]

# --- the timeout kills the whole tree, also what ignores SIGTERM ------------
start=$(cut -d' ' -f1 /proc/uptime)
run --cgroup "$D" --pids 20 --timeout 1 --kill-after 1 -- sh -c 'trap "" TERM; sleep 32 & sleep 32'
took=$(awk -v a="$start" -v b="$(cut -d' ' -f1 /proc/uptime)" 'BEGIN { printf "%.1f", b - a }')
echo "# TERM-ignoring tree under --timeout 1 --kill-after 1: exit $rc after ${took}s"
check "timeout: exit 124 (got $rc)" [ "$rc" = 124 ]
check "timeout: ended within 6 s (took ${took}s)" within 0 6 "$took"
check "timeout: no TERM-ignoring sleeper survived" [ "$(sleeping 32)" = 0 ]
check "timeout: leaf removed (left: $(leaves "$D"))" [ -z "$(leaves "$D")" ]

# --- auto-detection in a systemd-like delegated scope -----------------------
# systemd-run --user --scope -p Delegate=yes runs sbx as the only process of
# a delegated scope: sbx must move itself out (no internal processes) and
# put the sandbox in its own leaf, entered by clone3 CLONE_INTO_CGROUP, so
# that the sandbox's cgroup namespace is rooted at the leaf.
S=$D/scope
mkdir "$S"
out=$(sh -c 'echo $$ >"$1/cgroup.procs" && exec "$2" --pids 20 --status-json "$3" -- cat /proc/self/cgroup' \
	_ "$S" "$SBX" "$J" 2>"$E")
rc=$?
echo "# scope: exit $rc, inside $out, report cgroup $(json cgroup), left in scope: $(leaves "$S")"
check "scope: exit 0 (got $rc: $(head -c 200 "$E"))" [ "$rc" = 0 ]
check "scope: the leaf is in the caller's own cgroup ($(json cgroup))" sh -c 'case $1 in "$2"/sbx-[0-9]*) exit 0 ;; esac; exit 1' _ "$(json cgroup)" "$S"
check "scope: the sandbox sees its leaf as its cgroup root (got $out)" [ "$out" = "0::/" ]
check "scope: only the supervisor's own leaf is left (left: $(leaves "$S"))" sh -c 'case $1 in "sbx-"[0-9]*".supervisor ") exit 0 ;; esac; exit 1' _ "$(leaves "$S")"
run --cgroup "$S" --pids 20 -- true
check "scope: the next run removes the dead supervisor's leaf (left: $(leaves "$S"))" [ -z "$(leaves "$S")" ]
rmdir "$S"

# A delegated cgroup that also holds another process cannot pass
# controllers on, and sbx will not move a process that is not its own.
B=$D/busy
mkdir "$B"
sh -c 'echo $$ >"$1/cgroup.procs" && exec sleep 33' _ "$B" &
holder=$!
sleep 0.3
out=$(sh -c 'echo $$ >"$1/cgroup.procs" && exec "$2" --pids 20 -- true' _ "$B" "$SBX" 2>&1)
rc=$?
echo "# shared scope: exit $rc: $out"
check "shared scope: strict refuses, exit 125 (got $rc)" [ "$rc" = 125 ]
check "shared scope: says the cgroup holds another process" sh -c 'echo "$1" | grep -q "also holds process"' _ "$out"
# (--pids alone by RLIMIT_NPROC is the total asked for: said with --verbose only)
out=$(sh -c 'echo $$ >"$1/cgroup.procs" && exec "$2" --verbose --pids 20 --limits best-effort -- true' _ "$B" "$SBX" 2>&1)
rc=$?
check "shared scope: best-effort runs with rlimits, exit 0 (got $rc)" [ "$rc" = 0 ]
check "shared scope: best-effort says --pids by RLIMIT_NPROC with --verbose ($out)" sh -c 'echo "$1" | grep -q "enforced: --pids by RLIMIT_NPROC"' _ "$out"
kill $holder
wait $holder 2>/dev/null
rmdir "$B"

# --- a SIGKILLed sbx's leaf is removed by the next run ----------------------
"$SBX" --cgroup "$D" --pids 20 -- sleep 34 &
victim=$!
i=0
while [ -z "$(leaves "$D")" ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
stale=$(leaves "$D")
kill -KILL $victim
wait $victim 2>/dev/null
i=0
while [ "$(sleeping 34)" != 0 ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
check "SIGKILLed sbx: its leaf ${stale}is left behind, empty" sh -c '[ -n "$1" ] && [ -d "$2/${1% }" ] && [ ! -s "$2/${1% }/cgroup.procs" ]' _ "$stale" "$D"
check "SIGKILLed sbx: the sandbox died with it" [ "$(sleeping 34)" = 0 ]
run --cgroup "$D" --pids 20 -- true
check "SIGKILLed sbx: the next run removed its leaf (left: $(leaves "$D"))" [ -z "$(leaves "$D")" ]

echo "$pass passed, $fail failed (plan $PLAN)"
[ "$fail" = 0 ] && [ "$pass" = "$PLAN" ]
