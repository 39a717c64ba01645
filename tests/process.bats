#!/usr/bin/env bats
# Process model: exit codes, signal forwarding, no survivors, signal state,
# capabilities, fds, session, pty.

load helpers

setup_file() { sbx_setup_file; }
teardown_file() { sbx_teardown_file; }
setup() { sbx_setup; }

teardown() {
	# never leave a test's sandbox or marker sleeps behind
	if [[ -n ${bg_pid:-} ]]; then kill -KILL "$bg_pid" 2>/dev/null || true; fi
	if [[ -n ${tag:-} ]]; then pkill -KILL -f "^sleep 1000\\.$tag" 2>/dev/null || true; fi
}

@test "exit status is the command's own" {
	local code
	for code in 0 1 2 42 124 125 126 127 128 200 255; do
		run "-$code" sbx -- /bin/sh -c "exit $code"
	done
}

@test "a caller that ignores SIGCHLD still gets the exit status (sbx and bubblewrap mode)" {
	# perl leaves SIGCHLD ignored across exec, as a careless parent would
	run timeout 20 perl -e '$SIG{CHLD} = "IGNORE"; exec @ARGV' "$SBX" --rootfs "$ROOTFS" -- /bin/sh -c 'exit 3'
	assert_equal "$status" 3
	run timeout 20 perl -e '$SIG{CHLD} = "IGNORE"; exec @ARGV' "$SBX" --bwrap --ro-bind "$ROOTFS" / --unshare-pid \
		/bin/sh -c 'exit 4'
	assert_equal "$status" 4
}

@test "a command killed by signal N gives 128+N" {
	run -143 sbx -- /bin/sh -c 'kill -TERM $$'
	run -137 sbx -- /bin/sh -c 'kill -KILL $$'
	run -138 sbx -- /bin/sh -c 'kill -USR1 $$'
	run -129 sbx -- /bin/sh -c 'kill -HUP $$'
}

# forward SIG [ignored]: a signal sent to the sbx process reaches the
# command. sbx is started in the background with job control on, so that
# bash does not set SIGINT and SIGQUIT to ignored for it; with "ignored" it
# is started the plain way, as a non-interactive shell does (INT and QUIT
# ignored on entry), and then the signal must NOT reach the command: a
# signal the caller ignores is not forwarded, exactly as it would not reach
# the same command run without sbx.
forward() {
	local sig=$1 how=${2:-} d
	d=$(hostdir)
	if [[ $how == ignored ]]; then
		# precondition: this shell's background jobs start with INT
		# and QUIT ignored
		local ign
		ign=$(grep '^SigIgn:' /proc/self/status 3>&- &
			wait)
		ign=${ign##*[[:space:]]}
		(((0x$ign & 0x6) == 0x6)) ||
			fail "precondition: background jobs do not ignore INT/QUIT (SigIgn $ign)"
	else
		set -m
	fi
	"$SBX" --bind "$d" -- /bin/sh -c '
		trap "echo got-'"$sig"' > '"$d"'/got; exit 3" '"$sig"'
		echo ready > '"$d"'/ready
		i=0; while [ $i -lt 400 ]; do sleep 0.05; i=$((i + 1)); done
		exit 9' </dev/null 3>&- &
	bg_pid=$!
	set +m
	wait_until 20 test -e "$d/ready" || fail "sandboxed command did not start"
	kill -s "$sig" "$bg_pid"
	local rc=0
	if [[ $how == ignored ]]; then
		sleep 0.5
		kill -0 "$bg_pid" 2>/dev/null || fail "sbx ended after an ignored SIG$sig"
		[[ ! -e $d/got ]] || fail "SIG$sig reached the command although the caller ignores it"
		kill -s TERM "$bg_pid"
		wait "$bg_pid" || rc=$?
		bg_pid=
		assert_equal "$rc" 143
		return
	fi
	wait "$bg_pid" || rc=$?
	bg_pid=
	[[ -e $d/got ]] || fail "SIG$sig did not reach the command (sbx exit $rc)"
	assert_equal "$(cat "$d/got")" "got-$sig"
	assert_equal "$rc" 3
}

@test "SIGINT sent to sbx reaches the command" { forward INT; }
@test "SIGTERM sent to sbx reaches the command" { forward TERM; }
@test "SIGHUP sent to sbx reaches the command" { forward HUP; }
@test "SIGQUIT sent to sbx reaches the command" { forward QUIT; }
@test "SIGUSR1 sent to sbx reaches the command" { forward USR1; }
@test "SIGUSR2 sent to sbx reaches the command" { forward USR2; }
@test "SIGWINCH sent to sbx reaches the command" { forward WINCH; }
@test "SIGINT that the caller ignores is not forwarded" { forward INT ignored; }
@test "SIGQUIT that the caller ignores is not forwarded" { forward QUIT ignored; }

# assert_sleepers_gone SECONDS WHAT: within SECONDS no "sleep 1000.$tag"
# is left, else fail saying WHAT survived.
assert_sleepers_gone() {
	wait_until "$1" eval '! pgrep -f "^sleep 1000\\.$tag" >/dev/null' ||
		fail "$2: $(pgrep -af "^sleep 1000\\.$tag")"
}

@test "SIGKILL of sbx kills everything inside" {
	tag=$(uniq_num)
	"$SBX" -- /bin/sh -c "sleep 1000.$tag & sleep 1000.${tag}1 & exec sleep 1000.${tag}2" </dev/null >/dev/null 2>&1 3>&- &
	bg_pid=$!
	wait_until 20 eval '[ "$(pgrep -f "^sleep 1000\\.$tag" | wc -l)" -eq 3 ]' ||
		fail "the three sleeps did not start: $(pgrep -af "^sleep 1000\\.$tag")"
	kill -KILL "$bg_pid"
	wait "$bg_pid" 2>/dev/null || true
	bg_pid=
	assert_sleepers_gone 20 "survivors after SIGKILL of sbx"
}

# start_under_parent [SBX_OPTIONS...]: a parent shell starts sbx (with
# these options) running "sleep 1000.$tag" and waits for it, as a build
# tool or an editor would.  Sets parent_pid and sbx_pid once the sleep runs
# (and bg_pid, for teardown).
start_under_parent() {
	local d
	d=$(hostdir)
	bash -c '"$SBX" "$@" </dev/null >/dev/null 2>&1 & echo $! >"$0/sbx.pid"; wait' \
		"$d" "$@" -- sleep "1000.$tag" 3>&- &
	parent_pid=$!
	wait_until 20 eval 'pgrep -f "^sleep 1000\\.$tag" >/dev/null' || fail "the sandboxed sleep did not start"
	sbx_pid=$(<"$d/sbx.pid")
	bg_pid=$sbx_pid
}

# gone PID: no such process, or only its zombie (whoever adopted it may
# not reap it).
gone() {
	local state
	state=$(ps -o stat= -p "$1") || return 0
	[[ $state == Z* ]]
}

@test "--die-with-parent: SIGKILL of sbx's parent ends sbx and the sandbox" {
	tag=$(uniq_num)
	start_under_parent --die-with-parent
	kill -KILL "$parent_pid"
	wait "$parent_pid" 2>/dev/null || true
	assert_sleepers_gone 5 "the sandbox outlived sbx's parent"
	wait_until 5 gone "$sbx_pid" || fail "sbx outlived its parent: $(ps -o pid,stat,args -p "$sbx_pid")"
}

@test "without --die-with-parent, sbx and the sandbox outlive a killed parent, and still end with sbx" {
	tag=$(uniq_num)
	start_under_parent
	kill -KILL "$parent_pid"
	wait "$parent_pid" 2>/dev/null || true
	sleep 1
	pgrep -f "^sleep 1000\\.$tag" >/dev/null || fail "the sandbox ended with sbx's parent"
	! gone "$sbx_pid" || fail "sbx ended with its parent"
	kill -KILL "$sbx_pid"
	assert_sleepers_gone 5 "survivors after SIGKILL of the orphaned sbx"
}

# leaves_no_sleeper STATUS SCRIPT WHAT: run the shell SCRIPT (which starts
# "sleep 1000.$tag" somehow) in sbx; it exits STATUS and no sleeper is left.
# Output goes to a file, not through run's pipe: a survivor holding that
# pipe would keep the test waiting.
leaves_no_sleeper() {
	local rc=0
	sbx -- /bin/sh -c "$2" >"$BATS_TEST_TMPDIR/out" 2>&1 3>&- || rc=$?
	assert_equal "$rc" "$1"
	assert_sleepers_gone 5 "$3"
}

@test "a background child is killed when the command exits" {
	tag=$(uniq_num)
	leaves_no_sleeper 7 "sleep 1000.$tag & exit 7" "background child survived"
}

@test "a daemonized grandchild in its own session is killed when the command exits" {
	tag=$(uniq_num)
	leaves_no_sleeper 0 "(setsid sleep 1000.$tag &); exit 0" "daemonized process survived"
}

@test "the command starts with no blocked and no ignored signals" {
	# precondition: the caller really ignores INT and HUP
	run bash -c "trap '' INT HUP; exec grep -E '^SigIgn' /proc/self/status"
	refute_output --regexp 'SigIgn:[[:space:]]+0+$'
	run bash -c "trap '' INT HUP; exec timeout 20 \"\$SBX\" -- grep -E '^Sig(Blk|Ign)' /proc/self/status"
	assert_success
	assert_line --regexp '^SigBlk:[[:space:]]+0+$'
	assert_line --regexp '^SigIgn:[[:space:]]+0+$'
}

@test "all capabilities are dropped and no_new_privs is set" {
	run sbx -- grep -E '^(Cap(Inh|Prm|Eff|Bnd|Amb)|NoNewPrivs):' /proc/self/status
	assert_success
	assert_equal "${#lines[@]}" 6
	local l
	for l in "${lines[@]}"; do
		[[ $l =~ ^Cap[A-Za-z]+:[[:space:]]+0+$ || $l =~ ^NoNewPrivs:[[:space:]]+1$ ]] ||
			fail "not dropped: $l"
	done
}

@test "all capabilities are dropped with --uid 0 too" {
	run sbx --uid 0 -- grep -E '^(Cap(Inh|Prm|Eff|Bnd|Amb)|NoNewPrivs):' /proc/self/status
	assert_success
	assert_equal "${#lines[@]}" 6
	local l
	for l in "${lines[@]}"; do
		[[ $l =~ ^Cap[A-Za-z]+:[[:space:]]+0+$ || $l =~ ^NoNewPrivs:[[:space:]]+1$ ]] ||
			fail "not dropped: $l"
	done
}

# core_lands_in_cwd: skip unless this host writes a core as a file in the
# crashing process's working directory (core_pattern a plain name: no
# pipe to a handler, no directory), the only place a test can look.
core_lands_in_cwd() {
	local pattern
	pattern=$(</proc/sys/kernel/core_pattern)
	[[ -n $pattern && $pattern != [\|@]* && $pattern != */* ]] ||
		skip "core_pattern is '$pattern': cores do not land in the working directory"
	(ulimit -S -c unlimited) 2>/dev/null || skip "the caller's hard core limit is $(ulimit -H -c)"
}

# crash_inside SBX-ARGS...: with the caller's soft core limit raised to
# unlimited, a shell inside dies of SIGSEGV in the empty /tmp/crash; prints
# "FILE NAME" for what is in /tmp/crash afterwards, then END.
crash_inside() {
	bash -c 'ulimit -S -c unlimited && exec "$@"' _ timeout 20 "$SBX" "$@" -- /bin/sh -c '
		mkdir /tmp/crash && cd /tmp/crash || exit 10
		/bin/sh -c "kill -SEGV \$\$" 2>/dev/null
		ls -A | sed "s/^/FILE /"; echo END'
}

@test "the command's core file size limit is 0, soft and hard" {
	run bash -c 'ulimit -S -c unlimited 2>/dev/null; exec timeout 20 "$SBX" -- /bin/sh -c "ulimit -c; ulimit -H -c"'
	assert_success
	assert_output $'0\n0'
}

@test "a command that crashes inside leaves no core file" {
	core_lands_in_cwd
	# precondition: with the limit lifted, the same crash does leave one
	run crash_inside --rlimit core=unlimited
	assert_line --regexp '^FILE core'
	run crash_inside
	assert_success
	assert_output END
}

@test "--rlimit core=unlimited lifts the core file size limit" {
	run bash -c 'ulimit -S -c unlimited 2>/dev/null; exec timeout 20 "$SBX" --rlimit core=unlimited -- /bin/sh -c "ulimit -c; ulimit -H -c"'
	assert_success
	assert_output $'unlimited\nunlimited'
}

@test "--rlimit core on the command line replaces a policy's rlimit core" {
	local d
	d=$(hostdir)
	printf 'policy default\nrlimit core=0\n' >"$d/nocore"
	run --separate-stderr sbx --policy "$d/nocore" --rlimit core=unlimited -- /bin/sh -c 'ulimit -H -c'
	assert_success
	assert_output unlimited
}

@test "--print-policy shows the default core limit of 0" {
	run sbx --print-policy
	assert_success
	assert_line 'rlimit core=0:0'
}

@test "bubblewrap mode leaves the core limit as the caller's (as bubblewrap)" {
	# (The AddressSanitizer build would zero its own soft limit at start
	# unless told not to; ASAN_OPTIONS means nothing to the normal build.)
	run bash -c 'ulimit -S -c 4096 2>/dev/null; sh -c "ulimit -c; ulimit -H -c"
		ASAN_OPTIONS=disable_coredump=0 exec timeout 20 "$SBX" --bwrap --ro-bind / / --unshare-pid -- sh -c "ulimit -c; ulimit -H -c"'
	assert_success
	assert_equal "${#lines[@]}" 4
	assert_equal "${lines[2]} ${lines[3]}" "${lines[0]} ${lines[1]}"
}

@test "file descriptors other than 0, 1, 2 are closed" {
	# ls without a pipe: while the shell sets up a pipeline it briefly
	# holds the pipe's fds itself
	run bash -c 'exec 5</etc/passwd 9>/dev/null 200</dev/null; exec timeout 20 "$SBX" -- /bin/sh -c "ls /proc/\$\$/fd"'
	assert_success
	assert_equal "$(sort -n <<<"$output" | xargs)" "0 1 2"
}

@test "closed stdin and stderr are not filled with sbx's own descriptors" {
	run bash -c 'exec timeout 20 "$SBX" -- /bin/sh -c "ls -l /proc/\$\$/fd" <&- 2>&-'
	assert_success
	local l
	for l in "${lines[@]}"; do
		[[ $l == *" "[02]" -> "* ]] || continue
		[[ $l == *" -> /dev/null" ]] || fail "fd of the command taken by something else: $l"
	done
	assert_line --regexp ' 1 -> '
}

@test "--keep-fd N passes descriptor N on" {
	local d
	d=$(hostdir)
	echo kept-data >"$d/f"
	run bash -c 'exec 7<"$1"; exec timeout 20 "$SBX" --keep-fd 7 -- /bin/sh -c "cat <&7; ls /proc/\$\$/fd"' _ "$d/f"
	assert_success
	assert_line --index 0 kept-data
	assert_equal "$(tail -n +2 <<<"$output" | sort -n | xargs)" "0 1 2 7"
}

@test "the command runs in a new session" {
	# field 6 of /proc/PID/stat: the session id. Seen from inside a pid
	# namespace, a session led from outside reads as 0.
	run sbx -- /bin/sh -c 'sed "s/.*) //" /proc/$$/stat | cut -d" " -f4'
	assert_success
	[[ $output =~ ^[0-9]+$ ]] || fail "cannot read the session id: $output"
	((output != 0)) || fail "session is inherited from outside the sandbox (sid 0 inside)"
}

@test "without a terminal on stdin the command gets no tty" {
	run sbx -- tty
	assert_failure
	assert_output 'not a tty'
}

@test "with a terminal on stdin the command gets its own pty" {
	command -v script >/dev/null || skip "script not installed"
	run in_pty "$SBX -- /bin/sh -c 'tty; ls /dev/pts | xargs'"
	assert_success
	assert_line --index 0 /dev/pts/0
	assert_line --index 1 '0 ptmx'
}

@test "with a terminal, stdin, stdout and stderr are all the pty" {
	command -v script >/dev/null || skip "script not installed"
	run in_pty "$SBX -- /bin/sh -c 'for f in 0 1 2; do readlink /proc/\$\$/fd/\$f; done | xargs'"
	assert_success
	assert_output '/dev/pts/0 /dev/pts/0 /dev/pts/0'
}

@test "in pty mode an interactive shell gets job control" {
	command -v script >/dev/null || skip "script not installed"
	run bash -c 'printf "set -o\nexit 0\n" | timeout 20 script -qec "$SBX -- /bin/sh -i" /dev/null | tr -d "\r"'
	assert_success
	assert_output --regexp 'monitor[[:space:]]+on'
	refute_output --partial 'job control turned off'
}

@test "without a terminal an interactive shell has no job control (contrast)" {
	run bash -c 'printf "set -o\nexit 0\n" | timeout 20 "$SBX" -- /bin/sh -i 2>&1'
	assert_output --regexp 'monitor[[:space:]]+off'
}

@test "in pty mode a typed ^C interrupts the command" {
	command -v script >/dev/null || skip "script not installed"
	local d
	d=$(hostdir)
	run bash -c 'set -o pipefail
		{ i=0; while [ ! -e "$1/ready" ] && [ $i -lt 400 ]; do sleep 0.05; i=$((i+1)); done
		  printf "\003"; sleep 0.5; } |
		timeout 20 script -qec "$SBX --bind $1 -- /bin/sh -c '\''trap \"echo got-int; exit 4\" INT; touch $1/ready; i=0; while [ \$i -lt 400 ]; do sleep 0.05; i=\$((i+1)); done; exit 9'\''" /dev/null | tr -d "\r"' _ "$d"
	assert_output --partial got-int
	assert_equal "$status" 4
}

@test "in pty mode the exit status is the command's" {
	command -v script >/dev/null || skip "script not installed"
	run in_pty "$SBX -- /bin/sh -c 'exit 5'"
	assert_equal "$status" 5
}

@test "in pty mode all output is relayed" {
	command -v script >/dev/null || skip "script not installed"
	run in_pty "$SBX -- seq 1 20000"
	assert_success
	assert_equal "${#lines[@]}" 20000
	assert_line --index 19999 20000
}

@test "in pty mode the command's terminal has the caller's window size" {
	command -v script >/dev/null || skip "script not installed"
	run in_pty "stty cols 123 rows 45; $SBX -- stty size"
	assert_success
	assert_output '45 123'
}
