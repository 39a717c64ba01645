# shellcheck shell=bash
# Loaded by every .bats file of the sbx test suite:
#
#   load helpers            (tests/root/*.bats: load ../helpers)
#   setup_file() { sbx_setup_file; }
#   setup()      { sbx_setup; }
#   teardown_file() { sbx_teardown_file; }
#
# Environment:
#   SBX             the binary under test (default: the repo's ./sbx)
#   SBX_ALLOW_SKIP  1: skip every test when sbx cannot run here at all,
#                   instead of failing the first one
#   SBX_TIMEOUT     seconds one sbx run may take (default 30)
#
# Exposes: SBX, ROOTFS (busybox rootfs, built once per suite), PROBES (the
# compiled probes, copied to a host directory that a sandbox over the host
# root can see), SBX_HOSTDIR (per-file scratch directory visible from inside
# a sandbox over the host root; /tmp is not, sbx hides it under a tmpfs).

bats_require_minimum_version 1.5.0

load /usr/lib/bats/bats-support/load
load /usr/lib/bats/bats-assert/load

SBX_TESTS_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
export SBX_TESTS_DIR
SBX="${SBX:-$SBX_TESTS_DIR/../sbx}"
if [[ $SBX == */* && -e $SBX ]]; then
	SBX="$(cd "$(dirname "$SBX")" && pwd)/$(basename "$SBX")"
fi
export SBX
export SBX_TIMEOUT="${SBX_TIMEOUT:-30}"
export SBX_PROBES_SRC="${SBX_PROBES_SRC:-$SBX_TESTS_DIR/probes}"
export ROOTFS="${BATS_SUITE_TMPDIR:-/nonexistent}/rootfs"
export SBX_ALL_PROBES="tiocsti ptrace_init caps fds remount keyring kill_host"

# ---------------------------------------------------------------- setup ----

sbx_setup_file() {
	# The busybox rootfs, once per suite (bats runs files one after another).
	if [[ ! -x $ROOTFS/bin/busybox ]]; then
		"$SBX_TESTS_DIR/mkrootfs" "$ROOTFS" >&2 ||
			echo "mkrootfs failed" >"$BATS_SUITE_TMPDIR/rootfs.failed"
	fi

	# A scratch directory the sandbox can see when it runs over the host
	# root (read-only, unless bound). sbx hides /tmp, /var/tmp and the
	# homes; tests/run (as root) makes SBX_TEST_HOSTBASE elsewhere. Without
	# it, the checkout (seen when sbx starts in it, as from `make check`).
	local base
	for base in ${SBX_TEST_HOSTBASE:+"$SBX_TEST_HOSTBASE"} "$SBX_TESTS_DIR/.."; do
		SBX_HOSTDIR=$(mktemp -d "$base/sbx-test.XXXXXX" 2>/dev/null) && break
	done
	[[ -n ${SBX_HOSTDIR:-} ]] || SBX_HOSTDIR=$(mktemp -d)
	SBX_HOSTDIR=$(cd "$SBX_HOSTDIR" && pwd -P)
	chmod 755 "$SBX_HOSTDIR"
	export SBX_HOSTDIR

	export PROBES="$SBX_HOSTDIR/probes"
	mkdir -p "$PROBES"
	local p
	for p in "$SBX_PROBES_SRC"/*; do
		[[ -f $p && -x $p ]] && cp "$p" "$PROBES/"
	done

	sbx_preflight
	if [[ $(<"$BATS_SUITE_TMPDIR/preflight") == 0 ]] &&
		! "$SBX" -- test -d "$PROBES" </dev/null >/dev/null 2>&1; then
		echo "$SBX_HOSTDIR is not visible in a sandbox over the host root" \
			"(sbx hides /tmp, /var/tmp and the homes): set SBX_TEST_HOSTBASE" \
			"to a directory elsewhere, or run the suite through tests/run as root" \
			>"$BATS_FILE_TMPDIR/hostdir.hidden"
	fi
}

sbx_teardown_file() {
	if [[ -n ${SBX_HOSTDIR:-} && -d $SBX_HOSTDIR ]]; then
		chmod -R u+rwX "$SBX_HOSTDIR" 2>/dev/null
		rm -rf "$SBX_HOSTDIR"
	fi
}

# Can sbx run at all here? Checked once per suite: `sbx -- /bin/true` over the
# host root.
sbx_preflight() {
	local st="$BATS_SUITE_TMPDIR/preflight"
	[[ -e $st ]] && return 0
	if [[ ! -x $SBX ]]; then
		echo "sbx binary not found or not executable: $SBX (build it: make sbx)" >"$st.msg"
		echo 125 >"$st"
		return 0
	fi
	local rc=0
	timeout -k 5 "$SBX_TIMEOUT" "$SBX" -- /bin/true </dev/null >"$st.msg" 2>&1 || rc=$?
	echo "$rc" >"$st"
}

sbx_setup() {
	local st="$BATS_SUITE_TMPDIR/preflight" rc msg
	[[ -e $st ]] || sbx_preflight
	rc=$(<"$st")
	if [[ $rc != 0 ]]; then
		msg=$(<"$st.msg")
		if [[ ${SBX_ALLOW_SKIP:-0} == 1 ]]; then
			skip "sbx cannot run here (exit $rc): $msg"
		fi
		if mkdir "$BATS_SUITE_TMPDIR/preflight.reported" 2>/dev/null; then
			# shellcheck disable=SC2016 # backquotes are literal
			fail "$(printf 'PREFLIGHT: `%s -- /bin/true` failed with exit %s:\n%s\n%s' \
				"$SBX" "$rc" "$msg" \
				'(set SBX_ALLOW_SKIP=1 to skip the suite where sandboxing is impossible)')"
		fi
		skip "sbx preflight failed (exit $rc), see the first failed test"
	fi
	if [[ -e $BATS_FILE_TMPDIR/hostdir.hidden ]]; then
		fail "$(<"$BATS_FILE_TMPDIR/hostdir.hidden")"
	fi
	if [[ -e $BATS_SUITE_TMPDIR/rootfs.failed ]]; then
		fail "tests/mkrootfs could not build $ROOTFS"
	fi
}

# ------------------------------------------------------------- running ----

# sbx ARGS...: the binary under test with a timeout. If the test's stdin is a
# terminal (bats run by hand), give sbx /dev/null instead, so that it never
# switches to pty mode unless a test asks for it with `script`.
sbx() {
	if [[ -t 0 ]]; then
		timeout -k 5 "$SBX_TIMEOUT" "$SBX" "$@" </dev/null
	else
		timeout -k 5 "$SBX_TIMEOUT" "$SBX" "$@"
	fi
}

# in_pty COMMAND-STRING: run a shell command line with a fresh pty as its
# controlling terminal and stdin (util-linux script). Output has CRs removed.
# script's own stdin is a pipe that stays open: on EOF, script would type an
# end-of-file character into the pty, which shows up as "^@" once the
# program inside has put the terminal in raw mode.
in_pty() {
	local holder hpid rc
	exec {holder}< <(exec sleep "$SBX_TIMEOUT" 3>&-)
	hpid=$!
	timeout -k 5 "$SBX_TIMEOUT" script -qec "$1" /dev/null <&"$holder" | tr -d '\r'
	rc=${PIPESTATUS[0]}
	exec {holder}<&-
	kill "$hpid" 2>/dev/null
	return "$rc"
}

# need_probe NAME...: fail clearly when a probe was not built.
need_probe() {
	local p
	for p; do
		[[ -x $PROBES/$p ]] ||
			fail "probe $p not built: run make -C tests/probes (looked in $SBX_PROBES_SRC)"
	done
}

# need_root: skip unless the caller is root (the suites of tests/root/).
need_root() {
	[[ $EUID == 0 ]] || skip "needs root (run tests/run as root)"
}

# rootfs_copy: a copy of the busybox rootfs in the test's own directory, for
# a test that changes it; prints its path (R=$(rootfs_copy)).
rootfs_copy() {
	local r="$BATS_TEST_TMPDIR/rootfs"
	cp -a "$ROOTFS" "$r" && echo "$r"
}

# kill_bg_pid: in teardown, a test's background helper ($bg_pid, if set)
# never outlives it.
kill_bg_pid() {
	if [[ -n ${bg_pid:-} ]]; then kill "$bg_pid" 2>/dev/null || true; fi
}

# hostdir: a fresh directory visible from a sandbox over the host root.
hostdir() {
	mktemp -d "$SBX_HOSTDIR/d.XXXXXX"
}

# wait_until SECONDS COMMAND...: poll until COMMAND succeeds.
wait_until() {
	local limit=$1
	shift
	local end=$((SECONDS + limit))
	until "$@"; do
		((SECONDS < end)) || return 1
		sleep 0.05
	done
}

# A token unique to this test, usable as a fractional sleep duration
# suffix: `sleep 1000.$(uniq_num)` can be found with pgrep -f.
uniq_num() {
	printf '%d%05d%05d' "$$" "$RANDOM" "$RANDOM"
}

# mounts_table: read /proc/self/mountinfo text on stdin, print one line per
# mount: MOUNTPOINT FSTYPE PER-MOUNT-OPTIONS
mounts_table() {
	awk '{
		for (i = 7; i <= NF; i++) if ($i == "-") break
		print $5, $(i + 1), $6
	}'
}

# host_ns NAME: the caller's namespace id for /proc/self/ns/NAME.
host_ns() {
	readlink "/proc/self/ns/$1"
}

# assert_sbx_error: $stderr is exactly one line starting with "sbx: ",
# optionally followed by one "hint: " line saying how to fix it.
# shellcheck disable=SC2154 # stderr, stderr_lines: set by bats run --separate-stderr
assert_sbx_error() {
	local n=${#stderr_lines[@]}
	if ((n == 2)) && [[ ${stderr_lines[1]} == "hint: "* ]]; then
		n=1
	fi
	if ((n != 1)) || [[ ${stderr_lines[0]} != "sbx: "* ]]; then
		fail "$(printf 'expected one stderr line starting with "sbx: " (and at most one "hint: " line), got %d line(s):\n%s' "${#stderr_lines[@]}" "$stderr")"
	fi
}

# Probes (tests/probes/*.c) print one line per attempt, "ESCAPE: ..." for
# each that got out, and exit 1 when one did.

# assert_held: the probe ran, reported no escape, exited 0
assert_held() {
	if [[ $status != 0 ]] || [[ $output == *ESCAPE:* ]]; then
		fail "$(printf 'probe not held (exit %s):\n%s' "$status" "$output")"
	fi
	assert_output --partial 'held: '
}

# assert_escaped [LINE...]: the probe exited 1 and reported an escape (each
# of these, when given)
assert_escaped() {
	if [[ $status != 1 ]] || [[ $output != *ESCAPE:* ]]; then
		fail "$(printf 'probe did not detect the open hole (exit %s):\n%s' "$status" "$output")"
	fi
	local line
	for line; do
		assert_line "ESCAPE: $line"
	done
}

# ---------------------------------------------------------------- i386 ----

# Some kernels cannot run i386 code at all: built without
# CONFIG_IA32_EMULATION, booted with ia32_emulation=false, or turned off by
# the hypervisor. There a 32-bit program fails with ENOEXEC and int $0x80
# from a 64-bit process is a SIGSEGV, inside a sandbox or not, so the i386
# half of the seccomp filter cannot be exercised. Tests about it ask
# i386_runs and, where it says no, drop only their i386 expectations (and
# say so: i386_note, or skip when nothing else is left).

# i386_probe_died: read probe output (tests/probes/sc_calls) on stdin;
# succeed when it has i386 attempts and every one of them is a child that
# died of SIGSEGV (status 0xb, 0x8b with a core) at int $0x80 instead of
# answering; print the i386 lines that did not.
i386_probe_died() {
	local lines
	lines=$(grep ' i386 ') || return 1
	! grep -vE '^note: i386 .*: the child died without answering \(status 0x8?b\)$' <<<"$lines"
}

# i386_runs: does this kernel run i386 code? Decided once per test file
# (cached in $BATS_FILE_TMPDIR) by running the probe's i386 keyring calls
# (int $0x80: harmless, each answered with some errno) outside any
# sandbox. "No" only when every attempt died of SIGSEGV; any other outcome,
# or no probe to ask, is "yes", so that the tests stay as strict as ever.
i386_runs() {
	local cache="$BATS_FILE_TMPDIR/i386_runs"
	if [[ ! -e $cache ]]; then
		[[ -x $SBX_PROBES_SRC/sc_calls ]] || return 0
		local out
		out=$("$SBX_PROBES_SRC/sc_calls" keyring i386 2>&1) || true
		if i386_probe_died <<<"$out" >/dev/null; then
			echo no >"$cache"
		else
			echo yes >"$cache"
		fi
	fi
	[[ $(<"$cache") == yes ]]
}

# i386_note WHAT: say in the TAP output that WHAT was not checked here.
i386_note() {
	echo "# i386: not available on this kernel (ia32 emulation off); not checked: $1" >&3
}

# assert_i386_died: on a kernel without i386, the probe run in $output tried
# its i386 calls and each died of SIGSEGV at int $0x80 (none answered: not
# the filter, not the kernel), as outside the sandbox.
assert_i386_died() {
	local bad
	if ! bad=$(i386_probe_died <<<"$output"); then
		fail "$(printf 'i386 attempts expected to die of SIGSEGV (no i386 on this kernel), got:\n%s\nfull output:\n%s' \
			"${bad:-(no i386 attempt)}" "$output")"
	fi
}
