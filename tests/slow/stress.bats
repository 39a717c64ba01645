#!/usr/bin/env bats
# Stress: 1000 sandboxes (SBX_STRESS_N), two at a time, each launched from
# one of two long-running shells, with a random mix of endings:
#   exit 0; exit 1..100; SIGKILL of sbx at a random moment (during setup or
#   while the command runs); SIGKILL of the command; a command that forks
#   100 children and exits; --timeout (the command dies of SIGTERM, or
#   ignores it and is killed after --kill-after).
# Half of them run under a cgroup leaf (--pids) when tests/run delegated a
# pids cgroup (SBX_TEST_CGROUPS).  Afterwards nothing may be left: no
# process of this user from a sandbox, no zombie, no cgroup leaf (once the
# next sbx in that cgroup has removed those of the killed ones, as
# cgroup.c documents), no mount in the host's table, no fd more in the
# launching shells.  The launches run once, in setup_file; each test checks
# one property.  About a minute on two cores.

load ../helpers

N=${SBX_STRESS_N:-1000}

setup_file() {
	sbx_setup_file
	export STRESS=$BATS_FILE_TMPDIR/stress
	mkdir -p "$STRESS"
	export TAG
	TAG=$(uniq_num)
	PIDS_CG=
	local d
	for d in ${SBX_TEST_CGROUPS:-}; do [[ -e $d/pids.max ]] && PIDS_CG=$d; done
	export PIDS_CG
	mounts_table </proc/self/mountinfo | sort >"$STRESS/mounts.before"
	# Processes started from now on are the launches' (field 22 of
	# /proc/PID/stat: clock ticks since boot).
	export T0
	T0=$(awk '{ print $22 }' /proc/self/stat)
	[[ -x $SBX ]] || return 0
	local w start=$SECONDS
	for w in 0 1; do
		stress_worker "$w" $((N / 2 + w * (N % 2))) &
	done
	wait
	echo "$((SECONDS - start))" >"$STRESS/seconds"
}

teardown_file() {
	pkill -KILL -u "$(id -u)" -f "$TAG" 2>/dev/null || true
	sbx_teardown_file
}

setup() { sbx_setup; }

# SBX_STRESS_N is not passed on by tests/run; to try fewer launches run
# bats directly as the test user: SBX_STRESS_N=100 SBX=./sbx bats tests/slow/stress.bats

# launch: one sandbox with a random ending; prints "SCENARIO STATUS VERDICT".
launch() {
	local scenario=$((RANDOM % 7)) opts=() status want code
	if [[ -n $PIDS_CG ]] && ((RANDOM % 2)); then
		opts=(--cgroup "$PIDS_CG" --pids 300)
	fi
	case $scenario in
	0)
		"$SBX" "${opts[@]}" -- /bin/sh -c ": $TAG"
		status=$? want='^0$' ;;
	1)
		code=$((RANDOM % 100 + 1))
		"$SBX" "${opts[@]}" -- /bin/sh -c "exit $code # $TAG"
		status=$? want="^$code$" ;;
	2) # SIGKILL sbx during setup or while the command runs
		"$SBX" "${opts[@]}" -- /bin/sh -c "sleep 0.0$((RANDOM % 5)); : $TAG" &
		local pid=$!
		sleep "0.0$(printf '%02d' $((RANDOM % 60)))"
		kill -KILL "$pid" 2>/dev/null
		wait "$pid"
		status=$? want='^(0|137)$' ;;
	3) # SIGKILL the command
		"$SBX" "${opts[@]}" -- /bin/sh -c "sleep 0.0$((RANDOM % 3)); kill -KILL \$\$ # $TAG"
		status=$? want='^137$' ;;
	4) # 100 children left behind, the command exits
		"$SBX" "${opts[@]}" -- /bin/sh -c \
			"i=0; while [ \$i -lt 100 ]; do sleep 1000.$TAG & i=\$((i + 1)); done; exit 0"
		status=$? want='^0$' ;;
	5) # --timeout, SIGTERM kills the command
		timeout -k 5 30 "$SBX" "${opts[@]}" --timeout 0.1 -- /bin/sh -c "sleep 1000.$TAG"
		status=$? want='^124$' ;;
	6) # --timeout, SIGTERM ignored, SIGKILL after the grace
		timeout -k 5 30 "$SBX" "${opts[@]}" --timeout 0.05 --kill-after 0.1 -- /bin/sh -c \
			"trap '' TERM; sleep 1000.$TAG"
		status=$? want='^124$' ;;
	esac 2>/dev/null
	local verdict=ok
	[[ $status =~ $want ]] || verdict=BAD
	echo "$scenario $status $verdict"
}

# stress_worker ID COUNT: COUNT launches from this one shell, counting its
# file descriptors before and after.
stress_worker() {
	set +e # (bats runs setup_file under set -e; statuses are the data here)
	local id=$1 count=$2 i fds
	fds=(/proc/"$BASHPID"/fd/*)
	echo "${#fds[@]}" >"$STRESS/fds.$id.before"
	for ((i = 0; i < count; i++)); do
		launch
	done >"$STRESS/results.$id"
	fds=(/proc/"$BASHPID"/fd/*)
	echo "${#fds[@]}" >"$STRESS/fds.$id.after"
}

# leftovers: processes of this user started since the launches began that
# belong to a sandbox: in another PID namespace, or hiding it (init is not
# dumpable), or carrying this run's tag.  One "PID STATE COMM" line each.
leftovers() {
	local mine p ns start uid st comm
	mine=$(readlink /proc/self/ns/pid)
	for p in /proc/[0-9]*; do
		read -r uid < <(awk '/^Uid:/ { print $2 }' "$p/status" 2>/dev/null) || continue
		[[ $uid == "$(id -u)" ]] || continue
		read -r comm st start < <(sed 's/^[0-9]* (\(.*\)) /\1 /' "$p/stat" 2>/dev/null |
			awk '{ print $1, $2, $21 }') || continue
		((start >= T0)) || continue
		ns=$(readlink "$p/ns/pid" 2>/dev/null) || ns=hidden
		if [[ $ns != "$mine" ]] || tr '\0' ' ' <"$p/cmdline" 2>/dev/null | grep -q "$TAG"; then
			echo "${p#/proc/} $st $comm $(tr '\0' ' ' <"$p/cmdline" 2>/dev/null | head -c 80)"
		fi
	done
}
no_leftovers() { [[ -z $(leftovers) ]]; }

zombies() {
	local p
	for p in /proc/[0-9]*; do
		[[ $(awk '/^Uid:/ { print $2 }' "$p/status" 2>/dev/null) == "$(id -u)" ]] || continue
		awk -v t0="$T0" '$3 == "Z" && $22 >= t0 { print $1, $2 }' "$p/stat" 2>/dev/null
	done
}
no_zombies() { [[ -z $(zombies) ]]; }

leaves() {
	[[ -n $PIDS_CG ]] || return 0
	find "$PIDS_CG" -mindepth 1 -maxdepth 1 -type d -name 'sbx-*' -printf '%f '
}

@test "every launch ended with its scenario's exit status" {
	cat "$STRESS"/results.* >"$STRESS/results"
	local total bad
	total=$(wc -l <"$STRESS/results")
	bad=$(grep -c ' BAD$' "$STRESS/results" || true)
	echo "$total launches in $(cat "$STRESS/seconds")s; by scenario (0 exit, 1 exit N, 2 kill sbx," \
		"3 kill command, 4 100 children, 5 timeout, 6 timeout ignoring TERM):"
	cut -d' ' -f1 "$STRESS/results" | sort | uniq -c
	echo "scenario 2, sbx killed (137) or done first (0):"
	awk '$1 == 2 { print $2 }' "$STRESS/results" | sort | uniq -c
	((total == N)) || fail "$total launches recorded, want $N"
	((bad == 0)) || fail "$(printf '%s launches with the wrong status (scenario status):\n%s' "$bad" \
		"$(grep ' BAD$' "$STRESS/results" | sort | uniq -c | head -20)")"
}

@test "no process of a sandbox is left" {
	wait_until 10 no_leftovers || fail "$(printf 'left behind:\n%s' "$(leftovers)")"
}

@test "no zombie is left" {
	wait_until 10 no_zombies || fail "$(printf 'zombies (pid comm):\n%s' "$(zombies)")"
}

@test "no cgroup leaf is left once the next sbx has cleaned up" {
	[[ -n $PIDS_CG ]] || skip "no delegated pids cgroup (tests/run sets SBX_TEST_CGROUPS as root)"
	echo "leaves after the launches: $(leaves)"
	# Leaves of killed supervisors go when their processes are gone and the
	# next sbx in the same cgroup runs.
	clean_once() { "$SBX" --cgroup "$PIDS_CG" --pids 10 -- /bin/true && [[ -z $(leaves) ]]; }
	wait_until 10 clean_once || fail "leaves left in $PIDS_CG: $(leaves)"
}

@test "no mount is left in the host's mount table" {
	mounts_table </proc/self/mountinfo | sort >"$STRESS/mounts.after"
	local added
	added=$(comm -13 "$STRESS/mounts.before" "$STRESS/mounts.after")
	[[ -z $added ]] || fail "$(printf 'new mounts:\n%s' "$added")"
}

@test "the launching shells have no more file descriptors than before" {
	local w before after
	for w in 0 1; do
		before=$(cat "$STRESS/fds.$w.before")
		after=$(cat "$STRESS/fds.$w.after")
		echo "shell $w: $before fds before, $after after"
		((after <= before)) || fail "shell $w went from $before to $after file descriptors"
	done
}
