#!/usr/bin/env bats
# Escape probes for the default seccomp list (tests/probes/sc_calls.c): every
# refused family of system calls, tried as a plain x86_64 call, with the x32
# bit set (must be killed) and as an i386 call through int $0x80.  Each group
# must be held in the default sandbox.  Run again with --seccomp none, the
# same probe reports the calls reaching the kernel: it can fail.
# On a kernel that does not run i386 code (i386_runs, tests/helpers.bash)
# the i386 attempts die of SIGSEGV at int $0x80: there the native and x32
# expectations stand, the i386 ones become "each i386 attempt died" and a
# "# i386: ..." note in the TAP output.

load helpers

HELD_OPTS=()

setup_file() {
	sbx_setup_file
	[[ -x $SBX_PROBES_SRC/sc_calls ]] && cp "$SBX_PROBES_SRC/sc_calls" "$PROBES/"
	return 0
}
teardown_file() { sbx_teardown_file; }
setup() {
	sbx_setup
	need_probe sc_calls
}

held() {
	run sbx "${HELD_OPTS[@]}" -- "$PROBES/sc_calls" "$1"
	assert_held
	# every attempt was made three ways, and x32 was killed each time
	assert_output --partial "held: native "
	if i386_runs; then
		assert_output --partial "held: i386 "
	else
		assert_i386_died
		i386_note "the i386 half of the filter"
	fi
	assert_output --partial "held: x32 "
	local survived
	survived=$(grep ' x32 ' <<<"$output" | grep -v ': killed by SIGSYS$' || true)
	[[ -z $survived ]] || fail "x32 calls not killed: $survived"
}

unfiltered() {
	run sbx --seccomp none -- "$PROBES/sc_calls" "$@"
}

# escaped_i386 LINE...: after unfiltered, with i386 among the ABIs: each
# LINE is an i386 escape, where this kernel runs i386 code
escaped_i386() {
	if i386_runs; then
		assert_escaped "$@"
	else
		assert_i386_died
		i386_note "$(printf '"ESCAPE: %s" ' "$@")"
	fi
}

# ------------------------------------------------------- namespaces ----

@test "seccomp holds: new namespaces (unshare, setns, clone flags, clone3)" {
	held ns
	assert_line "held: native clone3(NULL, 0): ENOSYS"
}

@test "without seccomp the ns probe creates a nested user namespace" {
	unfiltered ns
	assert_escaped "native unshare(CLONE_NEWUSER) succeeded" \
		"native clone(CLONE_NEWUSER|SIGCHLD) succeeded" \
		"native clone(CLONE_NEWNET|CLONE_SIGHAND) reached the kernel: EINVAL" \
		"x32 unshare(CLONE_NEWUSER) returned ENOSYS instead of being killed"
	escaped_i386 "i386 unshare(CLONE_NEWUSER) succeeded"
}

# ------------------------------------------------------------ mounts ----

@test "seccomp holds: the mount family, old and new API" {
	held mount
}

@test "without seccomp the mount probe reaches the kernel" {
	unfiltered mount native i386
	assert_escaped "native mount(bad pointers) reached the kernel: EFAULT" \
		"native open_tree(-1, bad, bad flags) reached the kernel: EINVAL"
	escaped_i386 "i386 umount(bad pointer) reached the kernel: EFAULT"
}

# ------------------------------------------------------------ keyring ----

@test "seccomp holds: the kernel keyring" {
	held keyring
}

@test "without seccomp the keyring probe reaches the kernel" {
	unfiltered keyring native
	assert_escaped "native keyctl(9999) reached the kernel: EOPNOTSUPP"
}

# ---------------------------------------------------- attack surfaces ----

@test "seccomp holds: bpf, perf, userfaultfd, io_uring, file handles" {
	held surface
}

@test "without seccomp io_uring_setup and userfaultfd reach the kernel" {
	unfiltered surface native i386
	if [[ $(cat /proc/sys/kernel/io_uring_disabled 2>/dev/null || echo 0) == 0 ]]; then
		assert_escaped "native io_uring_setup(1, params) succeeded"
		escaped_i386 "i386 io_uring_setup(1, params) succeeded"
	elif ! i386_runs; then
		assert_i386_died
	fi
	assert_escaped "native perf_event_open(NULL) reached the kernel: EFAULT"
	assert_output --regexp 'ESCAPE: native open_by_handle_at\(-1\) reached the kernel: E[A-Z]+'
	assert_output --regexp 'ESCAPE: native userfaultfd\(UFFD_USER_MODE_ONLY\) (succeeded|reached the kernel)'
}

# ------------------------------------------------ whole-system calls ----

@test "seccomp holds: kexec, modules, acct, swap, reboot, syslog, quotactl, vm86, uselib" {
	held system
	if i386_runs; then
		assert_line "held: i386 vm86(0, NULL): EPERM"
	fi
}

@test "without seccomp the system probe reaches the kernel" {
	unfiltered system native i386
	assert_escaped "native swapon(bad pointer, bad flags) reached the kernel: EINVAL" \
		"native quotactl(bad command) reached the kernel: EINVAL"
	i386_runs || assert_i386_died
}

# ---------------------------------------------------------- terminals ----

@test "seccomp holds: TIOCSTI and TIOCLINUX, with and without bit 32 set" {
	held tty
	assert_line "held: native ioctl(fd, TIOCSTI|1<<32): EPERM"
	assert_line "held: native ioctl(fd, TIOCLINUX|1<<32): EPERM"
	if i386_runs; then
		assert_line "held: i386 ioctl(fd, TIOCSTI): EPERM"
	fi
}

@test "without seccomp TIOCSTI|1<<32 reaches the kernel" {
	unfiltered tty native
	assert_escaped "native ioctl(fd, TIOCSTI) reached the kernel: ENOTTY" \
		"native ioctl(fd, TIOCSTI|1<<32) reached the kernel: ENOTTY"
}

@test "seccomp holds: TIOCSETD (the line discipline), with and without bit 32 set" {
	held ldisc
	assert_line "held: native ioctl(fd, TIOCSETD): EPERM"
	assert_line "held: native ioctl(fd, TIOCSETD|1<<32): EPERM"
	assert_line "held: x32 ioctl(fd, TIOCSETD): killed by SIGSYS"
	if i386_runs; then
		assert_line "held: i386 ioctl(fd, TIOCSETD): EPERM"
	fi
}

@test "without seccomp TIOCSETD and TIOCSETD|1<<32 reach the kernel" {
	unfiltered ldisc native
	assert_escaped "native ioctl(fd, TIOCSETD) reached the kernel: ENOTTY" \
		"native ioctl(fd, TIOCSETD|1<<32) reached the kernel: ENOTTY"
}

# ------------------------------------------------------------ sockets ----

@test "seccomp holds: AF_VSOCK, AF_PACKET, AF_KEY, AF_ALG sockets, also via i386 socketcall" {
	held socket
	assert_line --partial "held: native socket(AF_VSOCK|1<<32): EAFNOSUPPORT"
	if i386_runs; then
		assert_line --partial "held: i386 socketcall(SYS_SOCKET, AF_VSOCK): EAFNOSUPPORT"
	fi
}

@test "without seccomp socket(AF_PACKET) reaches the kernel, directly and via socketcall" {
	unfiltered socket native i386
	assert_escaped "native socket(AF_PACKET) reached the kernel: EPERM"
	escaped_i386 "i386 socketcall(SYS_SOCKET, AF_PACKET) reached the kernel: EPERM"
	if [[ -e /dev/vsock ]]; then
		assert_line "ESCAPE: native socket(AF_VSOCK) succeeded"
		assert_line "ESCAPE: native socket(AF_VSOCK|1<<32) succeeded"
	fi
}

# ------------------------------------------------------------ netlink ----

# The protocols most worth closing; the probe tries more.  The kernel
# answers EPROTONOSUPPORT itself for a protocol it lacks, so "held" alone
# cannot tell: the test after it shows that this kernel opens each of them.
netlink_named=(NETLINK_NETFILTER NETLINK_XFRM NETLINK_AUDIT NETLINK_KOBJECT_UEVENT NETLINK_SOCK_DIAG NETLINK_GENERIC)

@test "seccomp holds: netlink protocols other than NETLINK_ROUTE, with EPROTONOSUPPORT, also with bit 32 set" {
	held netlink
	local p
	for p in "${netlink_named[@]}"; do
		assert_line "held: native socket(AF_NETLINK, $p): EPROTONOSUPPORT (the kernel says the same)"
		assert_line "held: x32 socket(AF_NETLINK, $p): killed by SIGSYS"
	done
	assert_line "held: native socket(AF_NETLINK, NETLINK_AUDIT|1<<32): EPROTONOSUPPORT (the kernel says the same)"
	assert_line "held: native socket(AF_NETLINK, SOCK_DGRAM, NETLINK_AUDIT): EPROTONOSUPPORT (the kernel says the same)"
	if i386_runs; then
		assert_line "held: i386 socketcall(SYS_SOCKET, AF_NETLINK, NETLINK_AUDIT): EAFNOSUPPORT (the kernel says the same)"
	fi
}

@test "without seccomp netfilter, xfrm, audit, uevent, sock_diag and generic netlink sockets open" {
	unfiltered netlink native i386
	local p
	for p in "${netlink_named[@]}"; do
		assert_line "ESCAPE: native socket(AF_NETLINK, $p) succeeded"
	done
	assert_escaped "native socket(AF_NETLINK, NETLINK_AUDIT|1<<32) succeeded"
	escaped_i386 "i386 socketcall(SYS_SOCKET, AF_NETLINK, NETLINK_AUDIT) succeeded"
}

# ------------------------------------------------------- personality ----

@test "seccomp holds: personality(ADDR_NO_RANDOMIZE) and other unsafe domains" {
	held personality
	assert_line "held: native personality(ADDR_NO_RANDOMIZE|1<<32): EPERM"
}

@test "without seccomp personality(ADDR_NO_RANDOMIZE) succeeds" {
	unfiltered personality native i386
	assert_escaped "native personality(ADDR_NO_RANDOMIZE) succeeded" \
		"native personality(ADDR_NO_RANDOMIZE|1<<32) succeeded"
	escaped_i386 "i386 personality(ADDR_NO_RANDOMIZE) succeeded"
}

# ------------------------------------------- set-user-ID, set-group-ID ----

@test "seccomp holds: set-user-ID and set-group-ID modes (chmod family, open, creat, mknod; openat2 ENOSYS)" {
	# the rules apply where something written is kept: a writable bind
	HELD_OPTS=(--bind "$(hostdir)")
	held setuid
	assert_line 'held: native chmod("", 04000|1<<32): EPERM'
	assert_line 'held: native fchmodat2(AT_FDCWD, "", 02755, 0): EPERM'
	assert_line 'held: native openat2(AT_FDCWD, "", how): ENOSYS'
}

@test "the strict list holds set-user-ID and set-group-ID modes too" {
	run sbx --policy strict --bind "$(hostdir)" -- "$PROBES/sc_calls" setuid native
	assert_held
	assert_line 'held: native openat2(AT_FDCWD, "", how): ENOSYS'
}

@test "where nothing written is kept (no writable bind), set-user-ID modes reach the kernel" {
	run sbx -- "$PROBES/sc_calls" setuid native
	assert_escaped 'native chmod("", 04755) reached the kernel: ENOENT' \
		'native open("", O_CREAT, 04755) reached the kernel: ENOENT'
	run sbx --overlay -- /bin/sh -c 'cp /bin/true /tmp/x && chmod 4755 /tmp/x && echo made'
	assert_success
	assert_output made
}

@test "without seccomp set-user-ID modes reach the kernel" {
	unfiltered setuid native i386
	assert_escaped 'native chmod("", 04755) reached the kernel: ENOENT' \
		'native fchmod(-1, 06755) reached the kernel: EBADF' \
		'native open("", O_CREAT, 04755) reached the kernel: ENOENT' \
		'native mknodat(AT_FDCWD, "", S_IFREG|02755) reached the kernel: ENOENT'
	escaped_i386 'i386 chmod("", 04755) reached the kernel: ENOENT'
}
