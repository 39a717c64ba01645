#!/usr/bin/env bats
# shellcheck disable=SC2154 # stderr, stderr_lines: set by bats run --separate-stderr
# Fault injection: sbx while system calls it relies on fail, as on an older
# kernel (ENOSYS), in a container whose seccomp profile refuses them (EPERM),
# or under memory pressure (ENOMEM).  tests/probes/fault installs a seccomp
# filter that fails the chosen calls and execs sbx, whose whole sandbox
# inherits it.  For every fault sbx either works around it and the sandbox
# is as strong as ever (tests/probes/faultcheck inside: no capabilities,
# no_new_privs, sbx's own seccomp filter on top of fault's, read-only root,
# no stray fds, its own namespaces, only loopback), or it stops with exit
# 125 and one "sbx: " line that gives the cause (the injected errno's text)
# before the command runs.  Never a weaker sandbox without a word.
#
# /proc/PID/setgroups and the id maps are written with write(2), whose path
# seccomp cannot see; they are failed by the length of the write instead
# ("deny" is the only 4-byte write sbx makes before the command runs).

load helpers

setup_file() { sbx_setup_file; }
teardown_file() { sbx_teardown_file; }
setup() {
	sbx_setup
	need_probe fault faultcheck
}

# fault_run SPEC... -- [SBX-OPTION...]: sbx under fault, running faultcheck
# (which is told fault's one filter and the host's namespaces).
fault_run() {
	local specs=()
	while (($#)) && [[ $1 != -- ]]; do
		specs+=("$1")
		shift
	done
	shift
	local ns=() n
	for n in user mnt pid net uts ipc; do ns+=("$(host_ns "$n")"); done
	run --separate-stderr timeout -k 5 "$SBX_TIMEOUT" "$PROBES/fault" "${specs[@]}" -- \
		"$SBX" "$@" -- "$PROBES/faultcheck" 1 "${ns[@]}" </dev/null
}

# assert_refused ERRNO-TEXT [PATTERN]: exit 125, one sbx: line (and at most
# a hint) naming the injected error (and matching PATTERN), command not run.
# An empty ERRNO-TEXT: the error comes through a library that says it its
# own way.
assert_refused() {
	if [[ $status != 125 ]]; then
		fail "$(printf 'expected exit 125, got %s\nstdout:\n%s\nstderr:\n%s' "$status" "$output" "$stderr")"
	fi
	assert_sbx_error
	[[ -z $output ]] || fail "the command ran: $output"
	[[ -z $1 || ${stderr_lines[0]} == *"$1"* ]] || fail "the message does not give the cause ($1): $stderr"
	if [[ -n ${2:-} ]] && ! [[ $stderr =~ $2 ]]; then
		fail "the message does not match /$2/: $stderr"
	fi
}

# assert_strong_or_refused ERRNO-TEXT [PATTERN]: either the sandbox ran and
# faultcheck found it as strong as ever, or assert_refused.
assert_strong_or_refused() {
	if [[ $status == 0 ]]; then
		assert_held
		[[ -z $stderr || $stderr == "sbx: warning: "* || $stderr == "sbx: note: "* ]] ||
			fail "unexpected stderr: $stderr"
		return
	fi
	assert_refused "$@"
}

@test "faultcheck passes in a normal sandbox (the yardstick)" {
	local ns=() n
	for n in user mnt pid net uts ipc; do ns+=("$(host_ns "$n")"); done
	run --separate-stderr sbx -- "$PROBES/faultcheck" 0 "${ns[@]}"
	assert_held
	run --separate-stderr "$PROBES/fault" getrandom=ENOSYS -- "$SBX" -- "$PROBES/faultcheck" 1 "${ns[@]}"
	assert_held
}

@test "faultcheck notices a missing filter and the host's namespaces" {
	run "$PROBES/faultcheck" 0 "$(host_ns user)"
	assert_escaped
	assert_output --partial "user namespace is the host's"
	assert_output --partial "Seccomp = 0"
}

# ---- the new mount API and openat2 (Linux 5.2 to 5.12) ---------------------

@test "openat2 ENOSYS: falls back to an equally strong root, or refuses naming the kernel" {
	fault_run openat2=ENOSYS --
	assert_strong_or_refused "Function not implemented" "5\.12|openat2"
}

@test "openat2 ENOMEM: refuses with the cause" {
	fault_run openat2=ENOMEM --
	assert_strong_or_refused "Cannot allocate memory"
}

@test "mount_setattr ENOSYS: read-only root by other means, or refuses" {
	fault_run mount_setattr=ENOSYS --
	assert_strong_or_refused "Function not implemented" "5\.12|mount_setattr"
}

@test "mount_setattr EPERM: never a writable root" {
	fault_run mount_setattr=EPERM --
	assert_strong_or_refused "Operation not permitted"
}

@test "open_tree ENOSYS: strong or refused" {
	fault_run open_tree=ENOSYS --
	assert_strong_or_refused "Function not implemented" "5\.12|open_tree"
}

@test "move_mount ENOSYS: strong or refused" {
	fault_run move_mount=ENOSYS --
	assert_strong_or_refused "Function not implemented"
}

@test "fsopen ENOSYS: strong or refused" {
	fault_run fsopen=ENOSYS --
	assert_strong_or_refused "Function not implemented" "5\.12|fsopen"
}

@test "fsmount ENOMEM: strong or refused" {
	fault_run fsmount=ENOMEM --
	assert_strong_or_refused "Cannot allocate memory"
}

@test "the whole new mount API missing at once (a 5.1 kernel): strong or refused" {
	fault_run openat2=ENOSYS open_tree=ENOSYS move_mount=ENOSYS fsopen=ENOSYS fsconfig=ENOSYS \
		fsmount=ENOSYS fspick=ENOSYS mount_setattr=ENOSYS --
	assert_strong_or_refused "Function not implemented"
}

@test "mount(2) EPERM (making / private): refused" {
	fault_run mount=EPERM --
	assert_strong_or_refused "Operation not permitted"
}

@test "pivot_root EPERM: refused" {
	fault_run pivot_root=EPERM --
	assert_strong_or_refused "Operation not permitted"
}

# ---- process creation ------------------------------------------------------

@test "clone3 ENOSYS: falls back to clone, sandbox as strong" {
	fault_run clone3=ENOSYS --
	assert_success
	assert_held
}

@test "clone3 EPERM: strong or refused" {
	fault_run clone3=EPERM --
	assert_strong_or_refused "Operation not permitted"
}

@test "clone3 ENOSYS with a cgroup limit: falls back, the limit still holds" {
	local d tag
	for d in ${SBX_TEST_CGROUPS:-}; do [[ -e $d/pids.max ]] && break; d=; done
	[[ -n ${d:-} ]] || skip "no delegated pids cgroup (tests/run sets SBX_TEST_CGROUPS as root)"
	tag=$(uniq_num)
	# An inner shell forks until the limit stops it; the outer one counts.
	run --separate-stderr "$PROBES/fault" clone3=ENOSYS -- "$SBX" --cgroup "$d" --pids 10 -- /bin/sh -c '
		sh -c "i=0; while [ \$i -lt 30 ]; do sleep 1000.$0 & i=\$((i + 1)); done" 2>/dev/null
		n=0; for p in /proc/[0-9]*; do n=$((n + 1)); done; echo "$n"' "$tag"
	assert_success
	((output <= 10)) || fail "$output processes under --pids 10"
	((output >= 5)) || fail "only $output processes: the inner shell did not reach the limit"
	[[ -z $(pgrep -f "^sleep 1000\\.$tag") ]] || fail "sleepers survived"
}

@test "pidfd_open ENOSYS: strong or refused" {
	fault_run pidfd_open=ENOSYS --
	assert_strong_or_refused "Function not implemented"
}

# ---- user namespaces refused ------------------------------------------------

@test "clone(CLONE_NEWUSER) EPERM: refused, the hint names a container's seccomp profile" {
	fault_run clone3=ENOSYS 'clone&CLONE_NEWUSER=EPERM' 'unshare&CLONE_NEWUSER=EPERM' --
	assert_refused "Operation not permitted"
	[[ ${stderr_lines[1]:-} == "hint: "*seccomp* ]] || fail "no hint about seccomp: $stderr"
}

@test "clone(CLONE_NEWUSER) ENOSPC: refused, the hint names user.max_user_namespaces" {
	fault_run clone3=ENOSYS 'clone&CLONE_NEWUSER=ENOSPC' 'unshare&CLONE_NEWUSER=ENOSPC' --
	assert_refused "No space left on device"
	[[ ${stderr_lines[1]:-} == "hint: "*max_user_namespaces* ]] || fail "no hint about the limit: $stderr"
}

@test "clone3 with user namespaces refused too: the same hint" {
	fault_run clone3=EPERM 'clone&CLONE_NEWUSER=EPERM' 'unshare&CLONE_NEWUSER=EPERM' --
	assert_refused "Operation not permitted"
	[[ ${stderr_lines[1]:-} == "hint: "*seccomp* ]] || fail "no hint about seccomp: $stderr"
}

# ---- id maps -----------------------------------------------------------------

@test "writing setgroups fails (EACCES): refused, naming setgroups" {
	fault_run write.arg2=4=EACCES --
	assert_refused "Permission denied" "setgroups"
}

@test "no setgroups file (ENOENT, before Linux 3.19): strong or refused" {
	fault_run write.arg2=4=ENOENT --
	assert_strong_or_refused "Operation not permitted"
}

@test "writing the uid map fails (EPERM): refused, naming the map" {
	local len
	len=$(printf '%s %s 1\n' "$(id -u)" "$(id -u)" | wc -c)
	fault_run "write.arg2=$len=EPERM" --
	assert_refused "Operation not permitted" "map"
}

# ---- the payload's last steps -------------------------------------------------

@test "seccomp(2) ENOSYS: never runs the command without sbx's filter" {
	fault_run seccomp=ENOSYS --
	assert_strong_or_refused "Function not implemented" "seccomp"
}

@test "seccomp(2) EINVAL and EPERM: never runs the command without sbx's filter" {
	fault_run seccomp=EINVAL --
	assert_strong_or_refused "Invalid argument" "seccomp"
	fault_run seccomp=EPERM --
	assert_strong_or_refused "Operation not permitted" "seccomp"
}

@test "seccomp(2) fails with a compiled list and with --seccomp-log too" {
	# libseccomp asks the kernel with seccomp(2) what it supports, and
	# then refuses sbx's filter attributes itself (EINVAL).
	fault_run seccomp=ENOSYS -- --seccomp-deny ptrace
	assert_strong_or_refused "" "seccomp"
	fault_run seccomp=ENOSYS -- --seccomp-log
	assert_strong_or_refused "" "seccomp"
	fault_run seccomp=EPERM -- --seccomp-deny ptrace
	assert_strong_or_refused "" "seccomp"
}

@test "memfd_create ENOSYS: the built-in filter still loads" {
	fault_run memfd_create=ENOSYS --
	assert_strong_or_refused "Function not implemented"
}

@test "memfd_create ENOSYS with a list to compile: strong or refused naming it" {
	fault_run memfd_create=ENOSYS -- --seccomp-deny ptrace
	assert_strong_or_refused "Function not implemented" "memfd_create|seccomp"
}

@test "keyctl ENOSYS (a kernel without keys): strong, nothing to leak" {
	fault_run keyctl=ENOSYS --
	assert_strong_or_refused "Function not implemented"
}

@test "keyctl EPERM: refused rather than keep the caller's keyring" {
	fault_run keyctl=EPERM --
	assert_strong_or_refused "Operation not permitted" "keyring"
}

@test "close_range ENOSYS: no stray fd reaches the command, or refused" {
	fault_run close_range=ENOSYS -- 7</dev/null 8>/dev/null
	assert_strong_or_refused "Function not implemented" "descriptor|close"
}

@test "capset EPERM: capabilities never kept" {
	fault_run capset=EPERM --
	assert_strong_or_refused "" "capabilit" # libcap-ng says no errno
}

@test "prctl(PR_SET_NO_NEW_PRIVS) EINVAL: refused" {
	fault_run prctl.arg0=38=EINVAL --
	assert_strong_or_refused "Invalid argument" "no_new_privs"
}

@test "sethostname EPERM: refused" {
	fault_run sethostname=EPERM --
	assert_strong_or_refused "Operation not permitted" "hostname"
}

@test "setsid EPERM: refused (no new session, TIOCSTI would reach the terminal)" {
	fault_run setsid=EPERM --
	assert_strong_or_refused "Operation not permitted" "setsid|session"
}

@test "socket(AF_NETLINK) EPERM: loopback, brought up before the id maps, still refuses with its cause" {
	# Init brings loopback up while the supervisor writes its id maps, and
	# keeps a failure until it is released: the message is its own, not
	# the supervisor's broken pipe.
	fault_run socket.arg0=16=EPERM --
	assert_refused "Operation not permitted" "loopback"
}

@test "socketpair EMFILE in the supervisor: refused" {
	fault_run socketpair=EMFILE --
	assert_refused "Too many open files"
}

@test "fstat EIO on a policy file: refused with the cause, not a wrong reason" {
	# (A dynamically linked sbx, such as the sanitizer build, would fail
	# earlier: the loader fstats its libraries the same way.)
	! LC_ALL=C readelf -l "$SBX" 2>/dev/null | grep -q 'program interpreter' ||
		skip "sbx is linked dynamically: the loader's own fstat of its libraries fails first"
	echo 'hostname x' >"$BATS_TEST_TMPDIR/policy"
	# fstat(2) is newfstatat (262) with AT_EMPTY_PATH (0x1000) in glibc,
	# fstat (5) in musl.
	fault_run 262.arg3=4096=EIO 5=EIO -- --policy "$BATS_TEST_TMPDIR/policy"
	assert_refused "Input/output error"
	[[ $stderr != *"not a regular file"* ]] || fail "a wrong reason: $stderr"
}
