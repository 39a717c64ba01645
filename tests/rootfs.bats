#!/usr/bin/env bats
# A hostile rootfs: each test plants symlinks in a copy of the busybox rootfs
# where sbx mounts something (/tmp, /proc, /dev, /run, a bind destination),
# pointing at a canary directory on the host, at the root itself, or through
# /proc magic links.  sbx must mount inside the sandbox or refuse with exit
# 125 and a message naming the path, and the canary must stay as it was:
# nothing written into it, nothing mounted on it.

load helpers

setup_file() { sbx_setup_file; }
teardown_file() { sbx_teardown_file; }

setup() {
	sbx_setup
	R=$(rootfs_copy)
	CANARY=$(hostdir)
	echo canary >"$CANARY/file"
	mkdir "$CANARY/dir"
	CANARY_BEFORE=$(snapshot "$CANARY")
	SRC=$(hostdir)
	echo bound >"$SRC/f"
}

teardown() {
	chmod -R u+rwX "$R" 2>/dev/null || true
}

# snapshot DIR: everything about DIR's entries that a write would change.
snapshot() {
	find "$1" -printf '%P %y %s %m %T@\n' | sort
}

# fstype MOUNTPOINT: an awk program that prints the filesystem type of the
# mount at MOUNTPOINT from mountinfo (run inside the sandbox).
fstype() {
	printf '{ for (i = 7; i <= NF; i++) if ($i == "-") break; if ($5 == "%s") print $5, $(i + 1) }' "$1"
}

# plant PATH TARGET: make PATH in the rootfs copy a symlink to TARGET.
plant() {
	rm -rf "${R:?}$1"
	ln -s "$2" "$R$1"
}

assert_host_untouched() {
	assert_equal "$(snapshot "$CANARY")" "$CANARY_BEFORE"
	if grep -qF "$CANARY" /proc/self/mountinfo; then
		fail "something is mounted on the host canary $CANARY"
	fi
}

# After `run --separate-stderr`: exit 125, the command never ran, and the
# first stderr line is sbx's error naming $1.
# shellcheck disable=SC2154 # stderr_lines: set by bats run --separate-stderr
assert_refused_naming() {
	assert_equal "$status" 125
	assert_equal "$output" ""
	[[ ${stderr_lines[0]} == "sbx: "*"$1"* ]] ||
		fail "expected an sbx: error naming $1, got: $stderr"
}

# ------------------------------------------------------------ /tmp ----

@test "/tmp -> an absolute host path missing in the rootfs: refused, host untouched" {
	plant /tmp "$CANARY"
	run --separate-stderr sbx --rootfs "$R" -- /bin/echo RAN
	assert_refused_naming /tmp
	[[ $stderr == *"symlink to $CANARY"* ]] || fail "message does not name the target: $stderr"
	assert_host_untouched
}

@test "/tmp -> an absolute host path that exists in the rootfs: the tmpfs lands inside" {
	mkdir -p "$R$CANARY"
	plant /tmp "$CANARY"
	run sbx --rootfs "$R" -- /bin/sh -c "echo inside > /tmp/new && cat '$CANARY/new' && ls '$CANARY' | wc -l"
	assert_success
	assert_equal "$(echo $output)" "inside 1"
	assert_host_untouched
	[[ -z $(ls -A "$R$CANARY") ]] || fail "the rootfs copy was written"
}

@test "/tmp -> a directory of the rootfs: the tmpfs lands there" {
	plant /tmp /home
	run sbx --rootfs "$R" -- /bin/sh -c "echo x > /tmp/f && cat /home/f && awk '$(fstype /home)' /proc/self/mountinfo"
	assert_success
	assert_equal "$(echo $output)" "x /home tmpfs"
	[[ ! -e $R/home/f ]] || fail "the write reached the rootfs"
}

@test "/tmp -> ../../../.. (the root itself): refused" {
	plant /tmp ../../../..
	run --separate-stderr sbx --rootfs "$R" -- /bin/echo RAN
	assert_refused_naming /tmp
	[[ $stderr == *"root of the sandbox itself"* ]] || fail "unexpected message: $stderr"
}

@test "/tmp -> / : refused" {
	plant /tmp /
	run --separate-stderr sbx --rootfs "$R" -- /bin/echo RAN
	assert_refused_naming /tmp
}

@test "/tmp -> /proc/self/root/... (a magic link): refused, host untouched" {
	plant /tmp "/proc/self/root$CANARY"
	run --separate-stderr sbx --rootfs "$R" -- /bin/echo RAN
	assert_refused_naming /tmp
	assert_host_untouched
}

@test "/tmp -> /proc/self/cwd: refused" {
	plant /tmp /proc/self/cwd
	run --separate-stderr sbx --rootfs "$R" -- /bin/echo RAN
	assert_refused_naming /tmp
}

# ------------------------------------------------- /proc, /dev, /run ----

@test "/proc -> an absolute host path: refused, host untouched" {
	plant /proc "$CANARY"
	run --separate-stderr sbx --rootfs "$R" -- /bin/echo RAN
	assert_refused_naming /proc
	assert_host_untouched
}

@test "/proc -> ../../etc: procfs lands on the rootfs's /etc, inside" {
	plant /proc ../../etc
	run sbx --rootfs "$R" -- /bin/sh -c "cat /etc/self/comm; awk '$(fstype /etc)' /proc/self/mountinfo"
	assert_success
	assert_equal "$(echo $output)" "cat /etc proc"
	assert_equal "$(cat "$R/etc/hostname")" sbx
}

@test "/dev -> an absolute host path: refused, host untouched" {
	plant /dev "$CANARY"
	run --separate-stderr sbx --rootfs "$R" -- /bin/echo RAN
	assert_refused_naming /dev
	assert_host_untouched
}

@test "/dev -> /etc in the rootfs: the minimal /dev lands there, inside" {
	plant /dev /etc
	run sbx --rootfs "$R" -- /bin/sh -c 'echo ok > /dev/null && ls /etc | grep -c -x -e null -e zero -e pts -e shm'
	assert_success
	assert_output 4
	[[ -f $R/etc/passwd && ! -e $R/etc/null ]] || fail "the rootfs copy changed"
}

@test "/dev/shm and /dev/pts symlinks in the rootfs do not matter: /dev is sbx's own" {
	mkdir -p "$R/dev"
	ln -s "$CANARY" "$R/dev/shm"
	ln -s "../../../../../../..$CANARY" "$R/dev/pts"
	run sbx --rootfs "$R" -- /bin/sh -c \
		"echo x > /dev/shm/f && cat /dev/shm/f && awk '$(fstype /dev/pts)' /proc/self/mountinfo &&
		awk '$(fstype /dev/shm)' /proc/self/mountinfo"
	assert_success
	assert_equal "$(echo $output)" "x /dev/pts devpts /dev/shm tmpfs"
	assert_host_untouched
}

@test "/run -> an absolute host path: no /run is mounted, host untouched" {
	plant /run "$CANARY"
	run sbx --rootfs "$R" -- /bin/sh -c 'awk "\$5 == \"/run\"" /proc/self/mountinfo | wc -l'
	assert_success
	assert_output 0
	assert_host_untouched
}

@test "/run -> /etc in the rootfs: the tmpfs lands there, inside" {
	plant /run /etc
	run sbx --rootfs "$R" -- /bin/sh -c 'ls /etc | wc -l; echo x > /run/f && cat /etc/f'
	assert_success
	assert_equal "$(echo $output)" "0 x"
	[[ ! -e $R/etc/f ]] || fail "the write reached the rootfs"
}

# ------------------------------------------------ bind destinations ----

@test "bind destination below an absolute symlink to the host: refused, host untouched" {
	plant /work "$CANARY"
	run --separate-stderr sbx --rootfs "$R" --bind "$SRC:/work/sub" -- /bin/echo RAN
	assert_refused_naming /work
	assert_host_untouched
}

@test "bind destination below a ../ symlink climbing out of the rootfs: refused, host untouched" {
	plant /work "../../../../../../../..$CANARY"
	run --separate-stderr sbx --rootfs "$R" --bind "$SRC:/work/sub" -- /bin/echo RAN
	assert_refused_naming /work
	assert_host_untouched
}

@test "bind destination that is a symlink to the host: bound at its target inside the root" {
	mkdir -p "$R$CANARY"
	plant /work "$CANARY"
	run sbx --rootfs "$R" --bind "$SRC:/work" -- /bin/sh -c "cat '$CANARY/f'"
	assert_success
	assert_output bound
	assert_host_untouched
}

@test "mount points created under a --tmpfs reached through a symlink stay inside" {
	mkdir -p "$R$CANARY"
	plant /work "../../../../..$CANARY"
	run sbx --rootfs "$R" --tmpfs /work --bind "$SRC:/work/a/b" -- /bin/sh -c "cat '$CANARY/a/b/f'"
	assert_success
	assert_output bound
	assert_host_untouched
	[[ -z $(ls -A "$R$CANARY") ]] || fail "the rootfs copy was written"
}

@test "with --overlay, mount points are created in the layer, never on the host" {
	mkdir -p "$R$CANARY"
	plant /work "$CANARY"
	local before
	before=$(snapshot "$R")
	run sbx --rootfs "$R" --overlay --bind "$SRC:/work/new/sub" -- /bin/sh -c "cat '$CANARY/new/sub/f'"
	assert_success
	assert_output bound
	assert_host_untouched
	assert_equal "$(snapshot "$R")" "$before"
}

@test "a bind destination of / is refused" {
	run --separate-stderr sbx --rootfs "$R" --bind "$SRC:/" -- /bin/echo RAN
	assert_refused_naming "mount point /"
}

# ------------------------------------------------------ old kernels ----

# tests/fallback.bats runs this whole file on a kernel without them.
@test "without openat2 and the new mount API (Linux 5.4) the sandbox is built all the same" {
	need_probe nosys
	run --separate-stderr "$PROBES/nosys" "$SBX" --rootfs "$R" -- /bin/sh -c 'touch /x 2>&1; echo RAN'
	assert_success
	assert_line --index 0 --partial "Read-only file system"
	assert_line --index 1 RAN
	assert_equal "$stderr" ""
}

@test "without the new mount API a hostile rootfs is refused too, host untouched" {
	plant /tmp "../../../..$CANARY"
	run --separate-stderr "$SBX_PROBES_SRC/nosys" "$SBX" --rootfs "$R" -- /bin/echo RAN
	assert_equal "$status" 125
	assert_equal "$output" ""
	assert_host_untouched
}
