#!/usr/bin/env bats
# --overlay, --overlay-size, --overlay-upper: a writable layer over the
# read-only rootfs.  The rootfs must come out byte-identical; a kept layer
# (--overlay-upper DIR) holds the changes for the next run in DIR/upper.

load helpers

setup_file() { sbx_setup_file; }
teardown_file() { sbx_teardown_file; }

setup() {
	sbx_setup
	R=$(rootfs_copy)
	mkdir -p "$R/usr/local" "$R/opt"
	KEEP="$BATS_TEST_TMPDIR/keep"
	mkdir "$KEEP"
	BEFORE=$(checksums "$R")
}

# overlayfs leaves work/work with mode 000: let bats clean up.
teardown() {
	chmod -R u+rwX "$BATS_TEST_TMPDIR" 2>/dev/null || true
}

# checksums DIR: every entry's type, mode, owner, size and content.
checksums() {
	(cd "$1" && find . -printf '%p %y %m %U:%G %s %l\n' | sort && find . -type f -exec md5sum {} + | sort)
}

assert_rootfs_unchanged() {
	assert_equal "$(checksums "$R")" "$BEFORE"
}

# Writes, appends, deletes and a new directory, as an installer would.
changes='echo new > /usr/local/tool && echo added >> /etc/passwd && rm /etc/hostname &&
	mkdir -p /opt/pkg/lib && echo lib > /opt/pkg/lib/x && mkdir /newtop'

@test "without --overlay the rootfs is read-only" {
	run sbx --rootfs "$R" -- /bin/sh -c 'echo x > /usr/local/tool'
	assert_failure
	assert_output --partial 'Read-only file system'
}

@test "--overlay: writes, appends, deletes and new directories work inside" {
	run sbx --rootfs "$R" --overlay -- /bin/sh -c "$changes"'
		cat /usr/local/tool; tail -n 1 /etc/passwd; ls /etc/hostname 2>&1; cat /opt/pkg/lib/x; ls -d /newtop'
	assert_success
	assert_line --index 0 new
	assert_line --index 1 added
	assert_line --index 2 --partial 'No such file'
	assert_line --index 3 lib
	assert_line --index 4 /newtop
}

@test "--overlay: the rootfs is byte-identical afterwards" {
	run sbx --rootfs "$R" --overlay -- /bin/sh -c "$changes"
	assert_success
	assert_rootfs_unchanged
}

@test "--overlay: the layer is thrown away, the next run sees the pristine rootfs" {
	run sbx --rootfs "$R" --overlay -- /bin/sh -c "$changes"
	assert_success
	run sbx --rootfs "$R" --overlay -- /bin/sh -c 'ls /usr/local /newtop 2>&1; cat /etc/hostname'
	assert_line --index 0 --partial 'No such file'
	assert_line sbx
}

@test "--overlay: the root is an overlay mount, read-write, nosuid, nodev" {
	run sbx --rootfs "$R" --overlay -- /bin/cat /proc/self/mountinfo
	assert_success
	local root
	root=$(mounts_table <<<"$output" | awk '$1 == "/"')
	[[ $root == "/ overlay "* ]] || fail "root is not an overlay: $root"
	[[ $root == *rw,* && $root == *nosuid* && $root == *nodev* ]] || fail "root flags: $root"
}

@test "--overlay: mountinfo shows no host path of the layers" {
	run sbx --rootfs "$R" --overlay-upper "$KEEP" -- /bin/cat /proc/self/mountinfo
	assert_success
	refute_output --partial "$KEEP"
	refute_output --partial "$R"
}

@test "--overlay-size: the throwaway layer is that big" {
	run sbx --rootfs "$R" --overlay --overlay-size 2M -- /bin/sh -c \
		'dd if=/dev/zero of=/big bs=1M count=4 2>&1; ls -l /big'
	assert_output --partial 'No space left on device'
}

@test "--overlay-upper: changes land in DIR/upper, the rootfs is unchanged" {
	run sbx --rootfs "$R" --overlay-upper "$KEEP" -- /bin/sh -c "$changes"
	assert_success
	assert_equal "$(cat "$KEEP/upper/usr/local/tool")" new
	assert_equal "$(cat "$KEEP/upper/opt/pkg/lib/x")" lib
	[[ -d $KEEP/work && -d $KEEP/upper/newtop ]] || fail "work/ or upper/newtop missing: $(ls -R "$KEEP")"
	assert_rootfs_unchanged
}

@test "--overlay-upper: the next run with the same DIR sees the changes" {
	run sbx --rootfs "$R" --overlay-upper "$KEEP" -- /bin/sh -c "$changes"
	assert_success
	run sbx --rootfs "$R" --overlay-upper "$KEEP" -- /bin/sh -c \
		'cat /usr/local/tool; tail -n 1 /etc/passwd; cat /opt/pkg/lib/x; ls -d /newtop'
	assert_success
	assert_equal "$(echo $output)" "new added lib /newtop"
}

@test "--overlay-upper: a deleted rootfs file stays deleted (whiteout), and is back without the layer" {
	run sbx --rootfs "$R" --overlay-upper "$KEEP" -- /bin/rm /etc/hostname
	assert_success
	# overlayfs records a deletion as a whiteout: a 0:0 character device
	assert_equal "$(stat -c '%F %t:%T' "$KEEP/upper/etc/hostname")" "character special file 0:0"
	run sbx --rootfs "$R" --overlay-upper "$KEEP" -- /bin/sh -c 'cat /etc/hostname 2>&1'
	assert_output --partial 'No such file'
	run sbx --rootfs "$R" -- /bin/cat /etc/hostname
	assert_success
	assert_output sbx
	run sbx --rootfs "$R" --overlay -- /bin/cat /etc/hostname
	assert_output sbx
	assert_rootfs_unchanged
}

@test "--overlay-upper: a deleted and re-created directory hides the old contents (opaque)" {
	run sbx --rootfs "$R" --overlay-upper "$KEEP" -- /bin/sh -c 'rm -rf /etc && mkdir /etc && echo only > /etc/only'
	assert_success
	run sbx --rootfs "$R" --overlay-upper "$KEEP" -- /bin/ls /etc
	assert_success
	assert_output only
	assert_rootfs_unchanged
}

@test "--overlay-upper: DIR in use by a running sandbox is refused" {
	local d
	d=$(hostdir)
	sbx --rootfs "$R" --overlay-upper "$KEEP" --bind "$d:/work" -- /bin/sh -c '
		touch /work/ready; i=0; while [ ! -e /work/go ] && [ $i -lt 400 ]; do sleep 0.05; i=$((i+1)); done' 3>&- &
	local pid=$!
	wait_until 20 test -e "$d/ready" || { kill "$pid"; fail "first sandbox did not start"; }
	run --separate-stderr sbx --rootfs "$R" --overlay-upper "$KEEP" -- /bin/echo RAN
	touch "$d/go"
	wait "$pid" || fail "first sandbox failed"
	assert_equal "$status" 125
	assert_equal "$output" ""
	[[ $stderr == *"in use by another sandbox"* ]] || fail "unexpected message: $stderr"
	run sbx --rootfs "$R" --overlay-upper "$KEEP" -- /bin/echo RAN
	assert_output RAN
}

# hold_layer DIR: start a sandbox with --overlay-upper DIR that runs until
# "$GO" exists; its pid in HOLDER.
hold_layer() {
	local d
	d=$(hostdir)
	GO="$d/go"
	sbx --rootfs "$R" --overlay-upper "$1" --bind "$d:/work" -- /bin/sh -c '
		touch /work/ready; i=0; while [ ! -e /work/go ] && [ $i -lt 400 ]; do sleep 0.05; i=$((i+1)); done' 3>&- &
	HOLDER=$!
	wait_until 20 test -e "$d/ready" || { kill "$HOLDER"; fail "first sandbox did not start"; }
}

release_layer() {
	touch "$GO"
	wait "$HOLDER" || fail "first sandbox failed"
}

@test "--overlay-upper: DIR/upper of a running sandbox is refused as another DIR" {
	hold_layer "$KEEP"
	run --separate-stderr sbx --rootfs "$R" --overlay-upper "$KEEP/upper" -- /bin/echo RAN
	release_layer
	assert_equal "$status" 125
	assert_equal "$output" ""
	[[ ${stderr_lines[0]} == "sbx: --overlay-upper $KEEP/upper is inside $KEEP, which another running sandbox uses for its layer" ]] ||
		fail "unexpected message: $stderr"
	assert_sbx_error
}

@test "--overlay-upper: DIR is refused while a sandbox uses DIR/upper as its own" {
	mkdir -p "$KEEP/upper"
	hold_layer "$KEEP/upper"
	run --separate-stderr sbx --rootfs "$R" --overlay-upper "$KEEP" -- /bin/echo RAN
	release_layer
	assert_equal "$status" 125
	assert_equal "$output" ""
	[[ $stderr == "sbx: --overlay-upper $KEEP"*"in use by another sandbox"* ]] || fail "unexpected message: $stderr"
}

@test "--overlay-upper: a directory deep inside a running sandbox's layer is refused" {
	hold_layer "$KEEP"
	mkdir -p "$KEEP/upper/etc/deep"
	run --separate-stderr sbx --rootfs "$R" --overlay-upper "$KEEP/upper/etc/deep" -- /bin/echo RAN
	release_layer
	assert_equal "$status" 125
	[[ ${stderr_lines[0]} == "sbx: --overlay-upper $KEEP/upper/etc/deep is inside $KEEP"*", which another running sandbox uses for its layer" ]] ||
		fail "unexpected message: $stderr"
	assert_sbx_error
}

@test "--overlay-upper: two sandboxes with sibling layer directories run side by side" {
	mkdir "$KEEP/a" "$KEEP/b"
	hold_layer "$KEEP/a"
	run sbx --rootfs "$R" --overlay-upper "$KEEP/b" -- /bin/echo RAN
	release_layer
	assert_output RAN
}

@test "--overlay-upper: DIR and its work directory are made private to the owner" {
	chmod 755 "$KEEP"
	run sbx --rootfs "$R" --overlay-upper "$KEEP" -- /bin/sh -c "$changes"
	assert_success
	assert_equal "$(stat -c %a "$KEEP")" 700
	assert_equal "$(stat -c %a "$KEEP/work")" 700
}

@test "--overlay-upper over the host root: the owner removes DIR with rm -rf afterwards" {
	[[ $HOME =~ ^/[^/]+/[^/]+$ && -O $HOME && $(stat -c %m "$HOME") == / ]] ||
		skip "\$HOME ($HOME) is not /TOP/NAME owned by the caller on the root filesystem"
	local name=sbx-overlay-test.$$
	run sbx --show-home --overlay-upper "$KEEP" -- /bin/sh -c "echo layer > '$HOME/$name' && mkdir '$HOME/$name.d'"
	assert_success
	[[ ! -e $HOME/$name ]] || { rm -rf "${HOME:?}/$name" "${HOME:?}/$name.d"; fail "the write reached the host"; }
	# the next run still sees the layer, with the top-level directories as on the host
	run sbx --show-home --overlay-upper "$KEEP" -- /bin/sh -c "cat '$HOME/$name'; touch /home/x 2>&1"
	assert_line layer
	assert_line --partial "Permission denied"
	run rm -rf "$KEEP"
	assert_success
	[[ ! -e $KEEP ]] || fail "$KEEP is still there"
}

@test "--overlay-upper inside the rootfs is refused (overlapping layers)" {
	mkdir "$R/keep"
	BEFORE=$(checksums "$R")
	run --separate-stderr sbx --rootfs "$R" --overlay-upper "$R/keep" -- /bin/echo RAN
	assert_equal "$status" 125
	[[ $stderr == "sbx: --overlay-upper"*"inside the rootfs"* ]] || fail "unexpected message: $stderr"
	assert_rootfs_unchanged
}

@test "--overlay-upper that is a file is refused" {
	touch "$BATS_TEST_TMPDIR/file"
	run --separate-stderr sbx --rootfs "$R" --overlay-upper "$BATS_TEST_TMPDIR/file" -- /bin/echo RAN
	assert_equal "$status" 125
	assert_equal "$output" ""
}

@test "--overlay-upper whose upper is a symlink is refused, its target untouched" {
	local target
	target=$(hostdir)
	ln -s "$target" "$KEEP/upper"
	run --separate-stderr sbx --rootfs "$R" --overlay-upper "$KEEP" -- /bin/sh -c 'echo x > /etc/x'
	assert_equal "$status" 125
	[[ -z $(ls -A "$target") ]] || fail "something was written through the symlink"
}

@test "--overlay over the host root: submounts stay read-only" {
	run sbx --overlay -- /bin/sh -c 'cat /proc/self/mountinfo; touch /sys/x 2>&1'
	assert_output --partial 'Read-only file system'
	# /sys is a submount of the host root: still the read-only bind
	local sys
	sys=$(mounts_table <<<"$output" | awk '$1 == "/sys"' | head -n 1)
	[[ $sys == "/sys sysfs ro,"* ]] || fail "/sys: $sys"
}

@test "--overlay over the host root: a write in the caller's home lands in the layer" {
	# One overlay per top-level directory (/home): the caller's own
	# directory right below it can be copied up.
	[[ $HOME =~ ^/[^/]+/[^/]+$ && -O $HOME && $(stat -c %m "$HOME") == / ]] ||
		skip "\$HOME ($HOME) is not /TOP/NAME owned by the caller on the root filesystem"
	local name=sbx-overlay-test.$$
	run sbx --show-home --overlay -- /bin/sh -c "echo layer > '$HOME/$name' && cat '$HOME/$name'"
	assert_success
	assert_output layer
	[[ ! -e $HOME/$name ]] || { rm -f "${HOME:?}/$name"; fail "the write reached the host"; }
}

@test "--overlay over the host root: a file of the host's root stays unwritable (EACCES), as sbx(1) says" {
	[[ $EUID != 0 ]] || skip "root's own id is mapped"
	run sbx --overlay -- /bin/sh -c 'echo x >>/etc/passwd'
	assert_failure
	assert_output --partial 'Permission denied'
	# the page says so, and keeps EOVERFLOW for what it is
	local page
	page=$(tr '\n' ' ' <"$SBX_TESTS_DIR/../man/sbx.1")
	[[ $page == *"(most of the host's .IR / ) fails with .B EACCES"* ]] || fail "sbx(1) does not say EACCES"
}

@test "--overlay over the host root: below a directory of unmapped owner writes fail, host untouched" {
	# Copying up /var (owned by the host's root, unmapped in the sandbox)
	# is impossible: overlayfs says EOVERFLOW.  The limitation is documented.
	[[ $EUID != 0 ]] || skip "root's own id is mapped"
	local d up
	d=$(hostdir)
	# some directory on the way (/var/lib, say) is root's, so unmapped
	up=$(dirname "$d")
	while [[ $up != / && $(stat -c %u "$up") != 0 ]]; do
		up=$(dirname "$up")
	done
	[[ $up != / ]] || skip "$d is not below a root-owned directory of the root filesystem"
	[[ $(stat -c %m "$d") == / ]] || skip "$d is not on the root filesystem"
	run sbx --overlay -- /bin/sh -c "echo layer > '$d/new'"
	assert_failure
	assert_output --partial 'Value too large'
	[[ ! -e $d/new ]] || fail "the write reached the host"
}
