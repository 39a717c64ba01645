#!/usr/bin/env bats
# shellcheck disable=SC2154 # stderr, stderr_lines: set by bats run --separate-stderr
# shellcheck disable=SC2016 # $ in single quotes: for the shell inside
# Host safety: nothing the sandboxed command does reaches the caller.
#  - --status-json PATH never follows nor blocks on what the sandbox planted
#    at PATH (a symlink, a FIFO), and is refused before the command runs
#    when PATH cannot be written safely;
#  - the terminal relay never blocks the supervisor: input the command never
#    reads, or a terminal whose output is stopped, cannot keep --timeout
#    from ending the run;
#  - the caller's terminal (its input, settings, size, output flow) is out
#    of the command's reach, in the foreground and in the background;
#  - in bubblewrap mode without --unshare-pid, the command's leftovers do
#    not hold sbx up.
# The terminal tests play the caller's terminal with tests/ptyharness.py
# (see the top of that file); each run of it is bounded by its --deadline.

load helpers

setup_file() { sbx_setup_file; }
teardown_file() { sbx_teardown_file; }
setup() { sbx_setup; }

teardown() {
	if [[ -n ${tag:-} ]]; then pkill -KILL -f "^sleep [0-9]+\\.$tag" 2>/dev/null || true; fi
}

# ------------------------------------------------------------- helpers ----

# harness ARGS...: run tests/ptyharness.py; its report (key=value lines)
# is in $output. Its --deadline bounds the command, this timeout the harness.
harness() {
	run timeout -k 5 120 python3 "$SBX_TESTS_DIR/ptyharness.py" "$@"
	if [[ $status != 0 ]]; then
		fail "$(printf 'ptyharness.py failed (exit %s):\n%s' "$status" "$output")"
	fi
	report=$output
}

# reported KEY: the value of KEY in the harness's report
reported() {
	sed -n "s/^$1=//p" <<<"$report"
}

# expect KEY VALUE: the harness reported KEY=VALUE, else fail showing the
# whole report
expect() {
	local got
	got=$(reported "$1")
	[[ $got == "$2" ]] ||
		fail "$(printf 'expected %s=%s, got %s=%s; harness report:\n%s' "$1" "$2" "$1" "$got" "$report")"
}

# expect_timeout_exit: the run ended by sbx's --timeout (exit 124), not by
# the harness's deadline, within 25 s
expect_timeout_exit() {
	expect killed no
	expect exit 124
	local s
	s=$(reported seconds)
	((${s%.*} < 25)) || fail "$(printf 'sbx took %ss to time out; harness report:\n%s' "$s" "$report")"
}

# sbx_at_most SECS ARGS...: sbx with stdin /dev/null, killed after SECS
sbx_at_most() {
	local secs=$1
	shift
	timeout -k 5 "$secs" "$SBX" "$@" </dev/null
}

# assert_report_file FILE: FILE is a regular file (no symlink, no FIFO)
# holding sbx's JSON report
assert_report_file() {
	[[ -f $1 && ! -L $1 ]] || fail "$(printf '%s is not a regular file:\n%s' "$1" "$(ls -l "$1" 2>&1)")"
	grep -q '"exit-code"' "$1" || fail "$(printf 'no report in %s:\n%s' "$1" "$(cat "$1")")"
}

# host_file: a file of the caller's, in a directory the sandbox does not see
# (/tmp is a fresh tmpfs inside)
host_file() {
	echo precious >"$BATS_TEST_TMPDIR/host-file"
	echo "$BATS_TEST_TMPDIR/host-file"
}

# assert_untouched FILE: the host file still holds what host_file put there
assert_untouched() {
	[[ -f $1 && ! -L $1 && $(cat "$1") == precious ]] ||
		fail "$(printf 'the host file %s was written: %s' "$1" "$(ls -l "$1"; cat "$1")")"
}

# --------------------------------------------------------- status-json ----

@test "--status-json does not follow a symlink the command put at its path" {
	local d target
	d=$(hostdir)
	target=$(host_file)
	run --separate-stderr sbx --bind "$d" --status-json "$d/s.json" -- /bin/sh -c '
		[ -e "$1" ] && echo "host file visible inside"
		rm -f "$2"; ln -s "$1" "$2" && echo planted' _ "$target" "$d/s.json"
	assert_output planted
	assert_equal "$status" 0
	assert_untouched "$target"
	assert_report_file "$d/s.json"
}

@test "--status-json refuses a symlink already at its path, before the command runs" {
	local d target
	d=$(hostdir)
	target=$(host_file)
	ln -s "$target" "$d/s.json"
	run --separate-stderr sbx_at_most 20 --bind "$d" --status-json "$d/s.json" -- touch "$d/ran"
	[[ ! -e $d/ran ]] || fail "the command ran (exit $status, stderr: $stderr)"
	assert_equal "$status" 125
	assert_untouched "$target"
	[[ ${stderr_lines[0]:-} == "sbx: --status-json"* ]] || fail "unexpected message: $stderr"
}

@test "--status-json does not hang on a FIFO the command put at its path" {
	local d t0=$SECONDS took
	d=$(hostdir)
	run --separate-stderr sbx_at_most 20 --bind "$d" --status-json "$d/s.json" -- /bin/sh -c '
		rm -f "$1"; mkfifo "$1" && exit 7' _ "$d/s.json"
	took=$((SECONDS - t0))
	((status == 7 && took < 15)) ||
		fail "sbx exited $status after ${took}s (want 7, without hanging; 124/137: killed by timeout); stderr: $stderr"
	assert_report_file "$d/s.json"
	grep -q '"exit-code": 7' "$d/s.json" || fail "wrong report: $(cat "$d/s.json")"
}

@test "--status-json refuses a FIFO already at its path, before the command runs" {
	local d t0=$SECONDS took
	d=$(hostdir)
	mkfifo "$d/s.json"
	run --separate-stderr sbx_at_most 20 --bind "$d" --status-json "$d/s.json" -- touch "$d/ran"
	took=$((SECONDS - t0))
	[[ ! -e $d/ran ]] || fail "the command ran (sbx exit $status after ${took}s, stderr: $stderr)"
	((status == 125 && took < 10)) || fail "sbx exited $status after ${took}s (want 125 at once); stderr: $stderr"
	[[ -p $d/s.json ]] || fail "the FIFO was replaced: $(ls -l "$d/s.json")"
}

@test "--status-json in a missing directory is refused before the command runs" {
	local d
	d=$(hostdir)
	run --separate-stderr sbx_at_most 20 --bind "$d" --status-json /no/such/dir/s.json -- touch "$d/ran"
	[[ ! -e $d/ran ]] || fail "the command ran (sbx exit $status, stderr: $stderr)"
	assert_equal "$status" 125
}

# ------------------------------------------------------ terminal relay ----

@test "--status-json refuses a directory symlink an earlier run left on the way" {
	local d victim
	d=$(hostdir)
	mkdir "$d/victim"
	echo precious >"$d/victim/build-status.json"
	# run 1, hostile: the work tree's out/ becomes a link to another directory
	(cd "$d" && sbx_at_most 20 --bind-cwd -- /bin/sh -c 'mkdir w; ln -s "$1" w/out' _ "$d/victim")
	[[ -L $d/w/out ]] || fail "run 1 did not plant the link"
	# run 2: the report would land in victim/ through the link
	run --separate-stderr bash -c 'cd "$1/w" && exec timeout -k 5 20 "$2" --bind-cwd --status-json out/build-status.json -- touch ran </dev/null' _ "$d" "$SBX"
	assert_equal "$status" 125
	[[ ! -e $d/w/ran ]] || fail "the command ran"
	[[ $(cat "$d/victim/build-status.json") == precious ]] || fail "the file behind the link was written"
	[[ ${stderr_lines[0]:-} == *"symbolic link"* ]] || fail "unexpected message: $stderr"
}

@test "--status-json is written even when the reader of sbx's stderr has gone (no death by SIGPIPE)" {
	local d
	d=$(hostdir)
	run bash -c '"$1" --timeout 1 --status-json "$2/s.json" -- sleep 30 </dev/null 2> >(exec true); echo "exit=$?"' _ "$SBX" "$d"
	assert_output --partial "exit=124"
	assert_report_file "$d/s.json"
	grep -q '"timed-out": true' "$d/s.json" || fail "$(cat "$d/s.json")"
}

@test "--timeout holds while sbx's stderr is a pipe nobody reads, filled with --seccomp-log lines" {
	local d
	d=$(hostdir)
	# The pipe's reader sleeps 30 s; a denial is a line of about 110
	# bytes, so the 64 KiB pipe is full after some 600 of them, well
	# within the 5 s before the timeout.
	run bash -c '{ start=$SECONDS
		"$1" --seccomp-log --timeout 5 -- /bin/sh -c "while :; do unshare -r true 2>/dev/null; done" </dev/null 2>&1
		echo "exit=$? seconds=$((SECONDS - start))" >"$2/result"; } | sleep 30' _ "$SBX" "$d"
	local result
	result=$(cat "$d/result")
	[[ $result == "exit=124 "* ]] || fail "sbx did not time out: $result"
	local secs=${result##*seconds=}
	((secs < 20)) || fail "sbx took ${secs}s (the reader held it): $result"
}

@test "when the caller's terminal hangs up, the command's terminal hangs up too (sbx does not discard its output for ever)" {
	command -v script >/dev/null || skip "script not installed"
	local mark=hangup-$$-$RANDOM
	# script is the caller's terminal; killing it hangs that terminal up.
	script -qec "$SBX -- /bin/sh -c 'trap \"\" HUP; sleep 1; exec yes $mark'" /dev/null </dev/null >/dev/null 2>&1 &
	local spid=$!
	sleep 2.5
	pgrep -f "yes $mark" >/dev/null || { kill -9 "$spid"; fail "the command did not start"; }
	kill -9 "$spid"
	local i
	for i in $(seq 1 50); do
		pgrep -f "yes $mark" >/dev/null || break
		sleep 0.2
	done
	if pgrep -f "yes $mark" >/dev/null; then
		pkill -9 -f "yes $mark"
		fail "the command still runs 10 s after the caller's terminal hung up"
	fi
}

@test "terminal relay: DSR answers the command never reads do not keep --timeout from ending it" {
	harness --answer-dsr --deadline 40 -- "$SBX" --timeout 3 -- /bin/sh -c \
		'stty raw -echo; while :; do printf "\033[6n"; done'
	expect_timeout_exit
}

@test "terminal relay: a flood of input the command never reads does not keep --timeout from ending it" {
	harness --flood-input 100000000 --deadline 40 -- "$SBX" --timeout 3 -- /bin/sh -c 'stty raw -echo; sleep 60'
	expect_timeout_exit
}

@test "terminal relay: a terminal whose output is stopped does not keep --timeout from ending it" {
	harness --stop-output --deadline 40 -- "$SBX" --timeout 3 -- yes
	expect_timeout_exit
}

# ---------------------------------------------------- caller's terminal ----

@test "in the background the command cannot read the line typed at the caller's shell" {
	local d
	d=$(hostdir)
	harness --background --type $'secret\n' --after 1 --deadline 30 -- "$SBX" --timeout 5 --bind "$d" -- /bin/sh -c \
		'read line; echo "got:$line" > "$1/marker"' _ "$d"
	if grep -q secret "$d/marker" 2>/dev/null; then
		fail "$(printf 'the sandbox read the typed line: %s; harness report:\n%s' "$(cat "$d/marker")" "$report")"
	fi
	expect leftover-input 'secret\n'
	expect killed no
}

# in_mode MODE SHELL-COMMAND: run the command line on the harness's terminal
#   tty         in the foreground, stdin the terminal (sbx makes a pty)
#   notty       in the foreground, stdin /dev/null, stdout and stderr the
#               terminal
#   background  in the background, stdin, stdout, stderr the terminal
in_mode() {
	case $1 in
	tty) harness --deadline 40 -c "$2" ;;
	notty) harness --deadline 40 -c "$2 </dev/null" ;;
	background) harness --deadline 40 --background -c "$2" ;;
	*) fail "in_mode: unknown mode $1" ;;
	esac
}

# stty_leaves_termios MODE: a command putting each of its fds 0, 1, 2 into
# raw mode leaves the caller's termios as they were (in the background
# they are pipes, where stty fails: that is fine too)
stty_leaves_termios() {
	in_mode "$1" "$SBX -- /bin/sh -c 'for f in 0 1 2; do stty raw -echo -isig <&\$f 2>/dev/null; done; exit 0'"
	expect killed no
	expect exit 0
	expect termios-changed no
}

@test "stty inside leaves the caller's terminal settings (foreground, stdin a terminal)" {
	stty_leaves_termios tty
}

@test "stty inside leaves the caller's terminal settings (foreground, stdin not a terminal)" {
	stty_leaves_termios notty
}

@test "stty inside leaves the caller's terminal settings (background)" {
	stty_leaves_termios background
}

# resize_leaves_winsize MODE: a command setting the window size on each of
# its fds 0, 1, 2 sends no SIGWINCH to the caller's foreground group and
# leaves the caller's window size as it was
resize_leaves_winsize() {
	in_mode "$1" "$SBX -- /bin/sh -c 'for f in 0 1 2; do stty cols 10 rows 5 <&\$f 2>/dev/null; done; exit 0'"
	expect killed no
	expect exit 0
	expect winch 0
	expect winsize-changed no
}

@test "a resize inside signals nothing to the caller's terminal (background)" {
	resize_leaves_winsize background
}

@test "a resize inside signals nothing to the caller's terminal (foreground, stdin not a terminal)" {
	resize_leaves_winsize notty
}

# tcooff_leaves_flow MODE: a command stopping the output (tcflow TCOOFF) of
# each of its fds 0, 1, 2 leaves the caller's terminal output flowing
tcooff_leaves_flow() {
	in_mode "$1" "$SBX -- python3 -c 'import termios
for f in 0, 1, 2:
    try:
        termios.tcflow(f, termios.TCOOFF)
    except termios.error:
        pass'"
	expect killed no
	expect exit 0
	expect flows yes
}

@test "the command cannot stop the caller's terminal output (foreground, stdin not a terminal)" {
	tcooff_leaves_flow notty
}

@test "the command cannot stop the caller's terminal output (background)" {
	tcooff_leaves_flow background
}

@test "without seccomp, TIOCSTI inside pushes nothing into the caller's terminal (stdout a terminal)" {
	need_probe tiocsti
	in_mode notty "$SBX --seccomp none -- $PROBES/tiocsti"
	# the probe ran (whether a push into a terminal of the sandbox's own
	# succeeds does not matter here)
	[[ $(reported output) == *"TIOCSTI on fd 1"* ]] ||
		fail "$(printf 'the probe did not run; harness report:\n%s' "$report")"
	expect killed no
	expect leftover-input ''
}

# ----------------------------------------------------- bubblewrap mode ----

@test "bubblewrap mode without --unshare-pid returns when the command exits, despite a re-parented grandchild" {
	local t0=$SECONDS took rc=0
	tag=$(uniq_num)
	# output to a file: a survivor holding run's pipe would hold the test
	timeout -k 5 15 "$SBX" --bwrap --ro-bind / / --proc /proc --dev /dev -- /bin/sh -c \
		"sh -c 'sleep 30.$tag; true' & sleep .2; exit 3" </dev/null >"$BATS_TEST_TMPDIR/out" 2>&1 || rc=$?
	took=$((SECONDS - t0))
	((rc == 3 && took < 10)) ||
		fail "sbx exited $rc after ${took}s (want 3 within 10s; 124/137: killed by timeout 15): $(cat "$BATS_TEST_TMPDIR/out")"
	wait_until 5 eval '! pgrep -f "^sleep 30\\.$tag" >/dev/null' ||
		fail "the grandchild's sleep survived: $(pgrep -af "^sleep 30\\.$tag")"
}
