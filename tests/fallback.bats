#!/usr/bin/env bats
# Older kernels (Linux 5.4 to 5.11): no openat2 (before 5.6), no new mount
# API (open_tree, move_mount, fsopen, ..., before 5.2) or no mount_setattr
# (before 5.12).  tests/probes/nosys makes the chosen calls fail with ENOSYS
# for sbx and its whole sandbox, as such a kernel would; sbx must then build
# the same sandbox by older means (a path walk of its own, mount(2),
# remounting each mount), as strong as with the new calls.

load helpers

setup_file() { sbx_setup_file; }
teardown_file() { sbx_teardown_file; }

# Every call nosys can hide: a kernel older than 5.2.
ALL=openat2,mount_setattr,open_tree,move_mount,fsopen,fsconfig,fsmount,fspick

setup() {
	sbx_setup
	need_probe nosys
	SRC=$(hostdir)
	echo bound >"$SRC/f"
}

# old CALLS SBX-ARG...: sbx on a kernel without CALLS (comma-separated).
old() {
	local calls=$1
	shift
	timeout -k 5 "$SBX_TIMEOUT" "$PROBES/nosys" "$calls" -- "$SBX" "$@" </dev/null
}

# An awk program over mountinfo: each mount point that the payload can
# reach (the last mount listed on it; one covered by another is unreachable)
# and is not one of the sandbox's own writable mounts (/proc, /dev, /tmp,
# /run) must be ro, nosuid and nodev; prints the offenders, then "checked N".
# shellcheck disable=SC2016 # awk's $ fields
READONLY_TREE='{ opts[$5] = $6 }
END {
	n = 0
	for (m in opts) {
		if (m ~ /^\/(proc|dev|tmp|run|var\/tmp)(\/|$)/) continue
		n++
		if (opts[m] !~ /(^|,)ro(,|$)/ || opts[m] !~ /nosuid/ || opts[m] !~ /nodev/)
			print "writable:", m, opts[m]
	}
	print "checked", (n > 0)
}'

# ---------------------------------------------- the root, read-only ----

@test "old kernel, host root: every mount of the root is read-only, nosuid, nodev" {
	run old "$ALL" --show-home -- awk "$READONLY_TREE" /proc/self/mountinfo
	assert_success
	assert_output "checked 1"
}

@test "old kernel, busybox rootfs: the root is read-only, nosuid, nodev" {
	run old "$ALL" --rootfs "$ROOTFS" -- /bin/awk "$READONLY_TREE" /proc/self/mountinfo
	assert_success
	assert_output "checked 1"
}

@test "old kernel: the root cannot be written" {
	run old "$ALL" --rootfs "$ROOTFS" -- /bin/sh -c 'touch /etc/x 2>&1; touch /x 2>&1; true'
	assert_success
	assert_line --index 0 --partial "Read-only file system"
	assert_line --index 1 --partial "Read-only file system"
}

@test "old kernel, host root: the same mount points, in the same order, as with the new calls" {
	local table='{ for (i = 7; i <= NF; i++) if ($i == "-") break; print $5, $(i + 1) }'
	run sbx -- awk "$table" /proc/self/mountinfo
	assert_success
	local expected=$output
	run old "$ALL" -- awk "$table" /proc/self/mountinfo
	assert_success
	assert_output "$expected"
}

@test "old kernel: the mounts made for the sandbox have the flags they have with the new calls" {
	local table='$5 ~ /^\/(proc|dev|tmp|run|var\/tmp)(\/|$)/ && $5 != "/dev/shm" && $5 != "/dev/pts" { print $5, $6 }'
	run sbx --rootfs "$ROOTFS" -- /bin/awk "$table" /proc/self/mountinfo
	assert_success
	local expected=$output
	run old "$ALL" --rootfs "$ROOTFS" -- /bin/awk "$table" /proc/self/mountinfo
	assert_success
	assert_output "$expected"
}

# ------------------------------------------------ /proc, /dev, /tmp ----

@test "old kernel: /proc is a fresh procfs showing only the sandbox's processes" {
	run old "$ALL" --rootfs "$ROOTFS" -- /bin/sh -c \
		'awk "\$5 == \"/proc\" { for (i = 7; i <= NF; i++) if (\$i == \"-\") break; print \$(i + 1) }" /proc/self/mountinfo
		ls -d /proc/[0-9]* | wc -l'
	assert_success
	assert_line --index 0 proc
	((${lines[1]} <= 5)) || fail "the sandbox sees ${lines[1]} processes"
}

@test "old kernel: /proc/sys is read-only" {
	run old "$ALL" --rootfs "$ROOTFS" -- /bin/awk '$5 == "/proc/sys" { print $6 }' /proc/self/mountinfo
	assert_success
	[[ $output == ro,* ]] || fail "flags: $output"
}

@test "old kernel: /dev nodes work and /dev itself is read-only" {
	run old "$ALL" --rootfs "$ROOTFS" -- /bin/sh -c \
		'echo x > /dev/null && head -c 5 /dev/zero | wc -c && head -c 5 /dev/urandom | wc -c &&
		echo y > /dev/shm/f && cat /dev/shm/f; touch /dev/new 2>&1; true'
	assert_success
	assert_equal "$(echo $output)" "5 5 y touch: /dev/new: Read-only file system"
}

@test "old kernel: /tmp is a writable tmpfs" {
	run old "$ALL" --rootfs "$ROOTFS" -- /bin/sh -c \
		'echo x > /tmp/f && cat /tmp/f && awk "\$5 == \"/tmp\" { print \$9 }" /proc/self/mountinfo'
	assert_success
	assert_equal "$(echo $output)" "x tmpfs"
}

# ------------------------------------------------ the user's mounts ----

@test "old kernel: --bind is writable, nosuid, nodev" {
	run old "$ALL" --rootfs "$ROOTFS" --bind "$SRC:/work" -- /bin/sh -c \
		'echo new > /work/g && cat /work/f && awk "\$5 == \"/work\" { print \$6 }" /proc/self/mountinfo'
	assert_success
	assert_line --index 0 bound
	[[ ${lines[1]} == rw,nosuid,nodev* ]] || fail "flags: ${lines[1]}"
	assert_equal "$(cat "$SRC/g")" new
}

@test "old kernel: --ro-bind is read-only" {
	run old "$ALL" --rootfs "$ROOTFS" --ro-bind "$SRC:/work" -- /bin/sh -c \
		'cat /work/f; touch /work/x 2>&1; awk "\$5 == \"/work\" { print \$6 }" /proc/self/mountinfo'
	assert_success
	assert_line --index 0 bound
	assert_line --index 1 --partial "Read-only file system"
	[[ ${lines[2]} == ro,nosuid,nodev* ]] || fail "flags: ${lines[2]}"
}

@test "old kernel: --ro-bind of the host's /sys is read-only all the way down" {
	run old "$ALL" --rootfs "$ROOTFS" --ro-bind /sys:/work -- /bin/awk \
		'$5 ~ /^\/work(\/|$)/ && $6 !~ /^ro,nosuid,nodev/ { print "writable:", $5, $6; bad = 1 }
		$5 ~ /^\/work(\/|$)/ { n++ } END { print (n > 1) }' /proc/self/mountinfo
	assert_success
	assert_output 1
}

@test "old kernel: --tmpfs is a fresh writable tmpfs" {
	run old "$ALL" --rootfs "$ROOTFS" --tmpfs /work -- /bin/sh -c \
		'ls /work | wc -l; echo x > /work/f && cat /work/f'
	assert_success
	assert_equal "$(echo $output)" "0 x"
}

@test "old kernel: --bind-cwd binds the working directory writable and starts there" {
	cd "$SRC"
	run old "$ALL" --bind-cwd -- /bin/sh -c 'pwd; cat f; echo w > g'
	assert_success
	assert_line --index 0 "$SRC"
	assert_line --index 1 bound
	assert_equal "$(cat "$SRC/g")" w
}

@test "old kernel: bubblewrap's steps: read-only data, a symlink, --remount-ro" {
	run old "$ALL" --bwrap --ro-bind "$ROOTFS" / --proc /proc --dev /dev --tmpfs /tmp --tmpfs /work \
		--ro-bind-data 3 /work/data --symlink /etc/passwd /work/lnk --remount-ro /tmp -- /bin/sh -c \
		'cat /work/data; readlink /work/lnk; touch /work/data /tmp/x 2>&1; true' 3<<<"some data"
	assert_success
	assert_line --index 0 "some data"
	assert_line --index 1 /etc/passwd
	assert_line --index 2 --partial "Read-only file system"
	assert_line --index 3 --partial "Read-only file system"
}

# ------------------------------------------------ a hostile rootfs ----

@test "old kernel: /tmp -> /home in the rootfs: the tmpfs lands on the rootfs's /home" {
	local r="$BATS_TEST_TMPDIR/rootfs"
	cp -a "$ROOTFS" "$r"
	rm -rf "$r/tmp" && ln -s /home "$r/tmp"
	run old "$ALL" --rootfs "$r" -- /bin/sh -c \
		'echo x > /tmp/f && cat /home/f && awk "\$5 == \"/home\" { print \$9 }" /proc/self/mountinfo'
	assert_success
	assert_equal "$(echo $output)" "x tmpfs"
	[[ ! -e $r/home/f ]] || fail "the write reached the rootfs"
}

@test "old kernel: a bind destination through ../../.. stays inside the root" {
	local r="$BATS_TEST_TMPDIR/rootfs" canary
	cp -a "$ROOTFS" "$r"
	canary=$(hostdir)
	mkdir -p "$r$canary"
	rm -rf "$r/work" && ln -s "../../../../../../..$canary" "$r/work"
	run old "$ALL" --rootfs "$r" --tmpfs /work --bind "$SRC:/work/a" -- /bin/sh -c "cat '$canary/a/f'"
	assert_success
	assert_output bound
	[[ -z $(ls -A "$canary") ]] || fail "the host's $canary was written"
	[[ -z $(ls -A "$r$canary") ]] || fail "the rootfs copy was written"
	if grep -qF "$canary" /proc/self/mountinfo; then fail "mounted on the host"; fi
}

@test "old kernel: /tmp -> /proc/self/root/HOST-PATH (a magic link) is refused" {
	local r="$BATS_TEST_TMPDIR/rootfs" canary
	cp -a "$ROOTFS" "$r"
	canary=$(hostdir)
	rm -rf "$r/tmp" && ln -s "/proc/self/root$canary" "$r/tmp"
	run --separate-stderr old "$ALL" --rootfs "$r" -- /bin/echo RAN
	assert_equal "$status" 125
	assert_equal "$output" ""
	assert_sbx_error
	[[ -z $(ls -A "$canary") ]] || fail "the host's $canary was written"
}

# The whole hostile-rootfs suite, each sbx run on a kernel without any of the
# calls: the same mounts inside, the same refusals and messages.
@test "old kernel: tests/rootfs.bats passes in full" {
	local wrapper="$BATS_TEST_TMPDIR/sbx-old"
	printf '#!/bin/sh\nexec "%s" %s -- "%s" "$@"\n' "$PROBES/nosys" "$ALL" "$SBX" >"$wrapper"
	chmod +x "$wrapper"
	run env SBX="$wrapper" bats --tap "$SBX_TESTS_DIR/rootfs.bats"
	assert_success
	refute_output --partial "not ok"
}

# ---------------------------------------------- one call missing only ----

@test "without openat2 only (5.2 to 5.5): read-only root, /proc, /dev, /tmp, binds" {
	run old openat2 --rootfs "$ROOTFS" --ro-bind "$SRC:/work" -- /bin/sh -c \
		"awk '$READONLY_TREE' /proc/self/mountinfo; cat /work/f; echo > /dev/null && echo > /tmp/f && echo ok"
	assert_success
	assert_equal "$(echo $output)" "checked 1 bound ok"
}

@test "without openat2 only: a hostile /tmp -> ../../../.. is refused as the root itself" {
	local r="$BATS_TEST_TMPDIR/rootfs"
	cp -a "$ROOTFS" "$r"
	rm -rf "$r/tmp" && ln -s ../../../.. "$r/tmp"
	run --separate-stderr old openat2 --rootfs "$r" -- /bin/echo RAN
	assert_equal "$status" 125
	[[ $stderr == *"root of the sandbox itself"* ]] || fail "unexpected message: $stderr"
}

@test "without mount_setattr only (5.6 to 5.11): read-only root, /proc, /dev, /tmp, binds" {
	run old mount_setattr --rootfs "$ROOTFS" --ro-bind "$SRC:/work" -- /bin/sh -c \
		"awk '$READONLY_TREE' /proc/self/mountinfo; cat /work/f; echo > /dev/null && echo > /tmp/f && echo ok"
	assert_success
	assert_equal "$(echo $output)" "checked 1 bound ok"
}

@test "without mount_setattr only, host root: every mount of the root is read-only" {
	run old mount_setattr --show-home -- awk "$READONLY_TREE" /proc/self/mountinfo
	assert_success
	assert_output "checked 1"
}

@test "without the new mount API but with openat2 (5.6 to 5.11 seen through open_tree): the same" {
	run old open_tree,move_mount,fsopen,fsconfig,fsmount,fspick,mount_setattr --rootfs "$ROOTFS" \
		--ro-bind "$SRC:/work" -- /bin/sh -c "awk '$READONLY_TREE' /proc/self/mountinfo; cat /work/f"
	assert_success
	assert_equal "$(echo $output)" "checked 1 bound"
}

@test "bubblewrap mode without the new mount API: overlays, --ro-bind-fd, a /proc/self/ns bind" {
	mkdir "$SRC/lo1" "$SRC/lo2"
	echo one >"$SRC/lo1/a"
	echo two >"$SRC/lo2/a"
	run old "$ALL" --bwrap --ro-bind "$ROOTFS" / --dev /dev --tmpfs /tmp \
		--overlay-src "$SRC/lo1" --overlay-src "$SRC/lo2" --tmp-overlay /tmp/m \
		--ro-bind-fd 5 /tmp/b --ro-bind-try /proc/self/ns/user /tmp/u \
		/bin/sh -c 'cat /tmp/m/a; echo x >/tmp/m/y && ls /tmp/m; cat /tmp/b/f; touch /tmp/b/n 2>/dev/null || echo ro; [ -f /tmp/u ] && echo ns' \
		5<"$SRC"
	assert_success
	assert_equal "$(echo $output)" "two a y bound ro ns"
}
