#!/usr/bin/env bats
# Filesystem: read-only root (host / or a busybox rootfs), /proc, /dev, /tmp,
# /run, binds, tmpfs, --bind-cwd, --chdir, mount points, propagation.

load helpers

setup_file() { sbx_setup_file; }
teardown_file() { sbx_teardown_file; }
setup() { sbx_setup; }
# a test's background helper (a listening socket) never outlives it
teardown() { kill_bg_pid; }

# The rootfs's own mounts: everything but the kernel-provided trees and the
# fresh tmpfs mounts sbx adds.
rootfs_mounts() {
	mounts_table | awk '$1 !~ "^/(proc|dev|tmp|var/tmp|run)(/|$)"'
}

@test "host root: writing to / fails with EROFS" {
	run sbx -- /bin/sh -c 'mkdir /sbx-test-dir; touch /sbx-test-file'
	assert_failure
	assert_output --partial 'Read-only file system'
	[[ ! -e /sbx-test-dir && ! -e /sbx-test-file ]] || fail "created on the host"
}

@test "host root: writing to /usr fails with EROFS" {
	run sbx --uid 0 -- /bin/sh -c 'touch /usr/sbx-test-file'
	assert_failure
	assert_output --partial 'Read-only file system'
	[[ ! -e /usr/sbx-test-file ]] || fail "created on the host"
}

@test "host root: a directory the caller may write is read-only inside" {
	local d
	d=$(hostdir)
	[[ -w $d ]] || fail "precondition: $d not writable outside"
	run sbx -- /bin/sh -c "echo x > '$d/f'"
	assert_failure
	assert_output --partial 'Read-only file system'
	[[ ! -e $d/f ]] || fail "file appeared on the host"
}

# assert_root_locked_down: $output (a mountinfo read inside) shows every
# mount of the root read-only, nosuid and nodev.
assert_root_locked_down() {
	assert_success
	local table bad
	table=$(rootfs_mounts <<<"$output")
	[[ -n $table ]] || fail "no rootfs mounts found in: $output"
	bad=$(awk '{ n = split($3, o, ","); r = s = d = 0
		for (i = 1; i <= n; i++) { r += o[i] == "ro"; s += o[i] == "nosuid"; d += o[i] == "nodev" }
		if (!(r && s && d)) print }' <<<"$table")
	[[ -z $bad ]] || fail "$(printf 'mounts missing ro/nosuid/nodev:\n%s' "$bad")"
}

@test "host root: every mount of the root is read-only, nosuid and nodev" {
	# the throwaway home is writable by design (tests/home.bats)
	run sbx --show-home -- cat /proc/self/mountinfo
	assert_root_locked_down
}

@test "busybox rootfs: every mount of the root is read-only, nosuid and nodev" {
	run sbx --rootfs "$ROOTFS" -- cat /proc/self/mountinfo
	assert_root_locked_down
}

@test "busybox rootfs: the command runs with the rootfs as /" {
	run sbx --rootfs "$ROOTFS" -- /bin/sh -c 'ls / | xargs; readlink /bin/ls'
	assert_success
	assert_line --index 0 "$(ls "$ROOTFS" | xargs)"
	assert_line --index 1 busybox
}

@test "busybox rootfs: writing to / fails with EROFS and the rootfs is unchanged" {
	local before
	before=$(ls -A "$ROOTFS" | xargs)
	run sbx --rootfs "$ROOTFS" -- /bin/sh -c 'touch /x; mkdir /etc/y'
	assert_failure
	assert_output --partial 'Read-only file system'
	assert_equal "$(ls -A "$ROOTFS" | xargs)" "$before"
}

@test "busybox rootfs: no host path outside the rootfs is reachable" {
	local d
	d=$(hostdir)
	echo "host-secret-$$" >"$d/secret"
	run sbx --rootfs "$ROOTFS" -- /bin/sh -c "
		for p in '$d/secret' '/proc/1/root$d/secret' '/proc/self/root$d/secret' \
			'/proc/2/root$d/secret' '/proc/1/cwd$d/secret'; do
			cat \"\$p\" 2>/dev/null && echo \"REACHED \$p\"
		done
		echo done"
	assert_success
	refute_output --partial REACHED
	refute_output --partial "host-secret-$$"
	assert_output done
}

@test "busybox rootfs: no mount outside the rootfs, /proc, /dev, /tmp, /run, /sys" {
	run sbx --rootfs "$ROOTFS" -- cat /proc/self/mountinfo
	assert_success
	local bad
	bad=$(mounts_table <<<"$output" |
		awk '$1 != "/" && $1 !~ "^/(proc|dev|tmp|run|sys)(/|$)"')
	[[ -z $bad ]] || fail "$(printf 'unexpected mounts (old root?):\n%s' "$bad")"
}

@test "/proc is a fresh procfs showing the sandbox's pid namespace" {
	run sbx -- /bin/sh -c 'awk "\$5 == \"/proc\" { t = \$0 } END { print t }" /proc/self/mountinfo; readlink /proc/self'
	assert_success
	assert_line --index 0 --partial ' - proc '
	# /proc/self resolves to the command's pid in the new namespace
	assert_line --index 1 --regexp '^[0-9]$'
}

@test "/dev is a tmpfs with the expected nodes" {
	run sbx -- /bin/sh -c 'awk "\$5 == \"/dev\" { t = \$0 } END { print t }" /proc/self/mountinfo; ls -A /dev | xargs'
	assert_success
	assert_line --index 0 --partial ' - tmpfs '
	local n
	for n in null zero full random urandom tty pts ptmx shm fd stdin stdout stderr; do
		[[ " ${lines[1]} " == *" $n "* ]] || fail "/dev/$n missing; /dev has: ${lines[1]}"
	done
}

@test "/dev has no host devices" {
	run sbx -- /bin/sh -c 'find /dev -type b -o -type c | sort | xargs'
	assert_success
	local dev
	for dev in $output; do
		case $dev in
		/dev/null | /dev/zero | /dev/full | /dev/random | /dev/urandom | \
			/dev/tty | /dev/ptmx | /dev/pts/ptmx | /dev/pts/[0-9]*) ;;
		*) fail "unexpected device node inside: $dev (all: $output)" ;;
		esac
	done
}

@test "/dev nodes work: null, zero, full, urandom" {
	run sbx -- /bin/sh -c '
		echo x > /dev/null || exit 10
		[ -z "$(cat /dev/null)" ] || exit 11
		[ "$(head -c 4 /dev/zero | od -An -tx1 | xargs)" = "00 00 00 00" ] || exit 12
		if echo x 2>/dev/null > /dev/full; then exit 13; fi
		[ "$(head -c 16 /dev/urandom | wc -c)" -eq 16 ] || exit 14
		[ "$(head -c 16 /dev/random | wc -c)" -eq 16 ] || exit 15
		echo ok'
	assert_success
	assert_output ok
}

@test "/dev/pts is a devpts and /dev/ptmx opens a new pty" {
	run sbx -- /bin/sh -c 'awk "\$5 == \"/dev/pts\" { t = \$0 } END { print t }" /proc/self/mountinfo; script -qec "tty" /dev/null'
	assert_success
	assert_line --index 0 --partial ' - devpts '
	assert_line --index 1 --regexp '^/dev/pts/[0-9]+'
}

@test "script works inside the sandbox on the host root" {
	command -v script >/dev/null || skip "script not installed"
	run sbx -- script -qec 'echo inner-ok' /dev/null
	assert_success
	assert_output --partial inner-ok
}

@test "/dev/shm is a writable tmpfs" {
	run sbx -- /bin/sh -c 'awk "\$5 == \"/dev/shm\" { t = \$0 } END { print t }" /proc/self/mountinfo; echo data > /dev/shm/f && cat /dev/shm/f'
	assert_success
	assert_line --index 0 --partial ' - tmpfs '
	assert_line --index 1 data
}

@test "/dev/fd and /dev/std* link to /proc/self/fd" {
	run sbx -- /bin/sh -c 'for l in fd stdin stdout stderr; do readlink /dev/$l; done'
	assert_success
	assert_equal "$(echo $output)" "/proc/self/fd /proc/self/fd/0 /proc/self/fd/1 /proc/self/fd/2"
}

@test "bash process substitution works" {
	[[ -x /bin/bash ]] || skip "no /bin/bash on the host root"
	run sbx -- /bin/bash -c 'cat <(echo via-dev-fd)'
	assert_success
	assert_output via-dev-fd
}

@test "/tmp is an empty writable tmpfs with mode 1777, not the host's" {
	local marker="/tmp/sbx-host-marker.$$"
	echo x >"$marker"
	run sbx -- /bin/sh -c '
		awk "\$5 == \"/tmp\" { t = \$0 } END { print t }" /proc/self/mountinfo
		stat -c %a /tmp; ls -A /tmp | wc -l
		echo inside > /tmp/sbx-inside.'$$' && echo wrote'
	rm -f "$marker"
	assert_success
	assert_line --index 0 --partial ' - tmpfs '
	assert_line --index 1 1777
	assert_line --index 2 0
	assert_line --index 3 wrote
	[[ ! -e /tmp/sbx-inside.$$ ]] || fail "file written inside /tmp appeared on the host"
}

@test "/var/tmp is private: a file and a listening socket the caller left there are out of reach" {
	[[ -d /var/tmp && -w /var/tmp ]] || skip "no writable /var/tmp on the host"
	local f=/var/tmp/sbx-host-secret.$$ sock=/var/tmp/sbx-host-sock.$$
	echo "host-secret-$$" >"$f"
	chmod 644 "$f"
	python3 -c 'import socket,sys,time
s = socket.socket(socket.AF_UNIX); s.bind(sys.argv[1]); s.listen(1); time.sleep(30)' "$sock" &
	bg_pid=$!
	for _ in $(seq 50); do [[ -S $sock ]] && break; sleep 0.1; done
	run sbx -- /bin/sh -c '
		awk "\$5 == \"/var/tmp\" { t = \$0 } END { print t }" /proc/self/mountinfo
		stat -c %a /var/tmp
		cat '"$f"' 2>/dev/null || echo no-file
		python3 -c "import socket,sys
s = socket.socket(socket.AF_UNIX)
try:
    s.connect(sys.argv[1]); print(\"CONNECTED\")
except OSError as e:
    print(\"no-socket\")" '"$sock"'
		echo inside > /var/tmp/sbx-inside.'$$' && echo wrote'
	kill "$bg_pid" 2>/dev/null
	wait "$bg_pid" 2>/dev/null || true
	rm -f "$f" "$sock"
	assert_success
	assert_line --index 0 --partial ' - tmpfs '
	assert_line --index 1 1777
	assert_line --index 2 no-file
	assert_line --index 3 no-socket
	assert_line --index 4 wrote
	[[ ! -e /var/tmp/sbx-inside.$$ ]] || fail "file written inside /var/tmp appeared on the host"
}

@test "/run is an empty tmpfs" {
	[[ -d /run ]] || skip "no /run on the host"
	[[ -n $(ls -A /run) ]] || skip "host /run is empty: cannot tell"
	run sbx -- /bin/sh -c 'awk "\$5 == \"/run\" { t = \$0 } END { print t }" /proc/self/mountinfo; ls -A /run | wc -l'
	assert_success
	assert_line --index 0 --partial ' - tmpfs '
	assert_line --index 1 0
}

@test "a rootfs without /run works and gets no /run" {
	local r
	r=$(hostdir)
	mkdir -p "$r/bin" "$r/proc" "$r/dev" "$r/tmp"
	cp "$ROOTFS/bin/busybox" "$r/bin/"
	ln -s busybox "$r/bin/sh"
	ln -s busybox "$r/bin/ls"
	run sbx --rootfs "$r" -- /bin/sh -c 'ls / | xargs'
	assert_success
	assert_output 'bin dev proc tmp'
}

@test "busybox rootfs: /proc, /dev, /tmp and /run are set up" {
	run sbx --rootfs "$ROOTFS" -- /bin/sh -c '
		echo $$; ls /dev/null /dev/pts/ptmx >/dev/null && echo dev
		echo x > /tmp/f && echo tmp; echo y > /run/f && echo run'
	assert_success
	assert_equal "$(echo $output)" "2 dev tmp run"
}

# The kernel paths sbx masks (procfs.c's masked_paths).
MASKED_PATHS=(/proc/keys /proc/key-users /proc/kcore /proc/timer_list /proc/timer_stats
	/proc/sched_debug /proc/latency_stats /proc/acpi /proc/asound /proc/scsi
	/sys/firmware /sys/devices/virtual/powercap)

# masked_on_host -f|-d: those this host has, files or directories.
masked_on_host() {
	local p
	for p in "${MASKED_PATHS[@]}"; do
		[[ ! -L $p ]] && test "$1" "$p" && echo "$p"
	done
	return 0
}

# reads_empty_inside PATH: PATH can be read outside, and inside reads as
# nothing at all.
reads_empty_inside() {
	cat "$1" >/dev/null || fail "precondition: $1 cannot be read outside"
	run sbx -- /bin/sh -c 'cat "$1"; echo "END $?"' _ "$1"
	assert_success
	assert_output 'END 0'
}

@test "/proc/keys reads empty inside, while it is readable outside" { reads_empty_inside /proc/keys; }
@test "/proc/key-users reads empty inside, while it is readable outside" { reads_empty_inside /proc/key-users; }

# check_masked -f|-d CHECKS: for each masked path of that kind this host
# has, in $p, the sh commands CHECKS run inside; they print a line for
# every failure.
check_masked() {
	local paths
	paths=$(masked_on_host "$1")
	[[ -n $paths ]] || skip "none of ${MASKED_PATHS[*]} is of that kind ($1) here"
	# shellcheck disable=SC2086 # one argument per path
	run sbx -- /bin/sh -c "for p; do $2
		done; echo END" _ $paths
	assert_success
	assert_output END
}

@test "each masked file this kernel has is an empty read-only file mounted over it" {
	check_masked -f '
		awk -v p="$p" "\$5 == p { m = 1 } END { exit !m }" /proc/self/mountinfo || echo "NOT COVERED $p"
		[ -z "$(cat "$p")" ] || echo "NOT EMPTY $p"
		(echo x >"$p") 2>&1 | grep -q "Read-only file system" || echo "NOT READ-ONLY $p"'
}

@test "each masked directory this kernel has is an empty read-only tmpfs" {
	check_masked -d '
		awk -v p="$p" "\$5 == p && / - tmpfs / && \$6 ~ /(^|,)ro(,|\$)/ { m = 1 } END { exit !m }" \
			/proc/self/mountinfo || echo "NO READ-ONLY TMPFS ON $p"
		[ -z "$(ls -A "$p")" ] || echo "NOT EMPTY $p"
		mkdir "$p/x" 2>/dev/null && echo "WRITABLE $p"'
}

@test "busybox rootfs: /proc/keys and /proc/key-users read empty, missing paths are skipped" {
	[[ ! -e $ROOTFS/sys/firmware ]] || fail "precondition: the busybox rootfs has /sys/firmware"
	run sbx --rootfs "$ROOTFS" -- /bin/sh -c 'cat /proc/keys /proc/key-users; echo "END $?"'
	assert_success
	assert_output 'END 0'
}

@test "bubblewrap mode masks nothing in its /proc (as bubblewrap)" {
	run sbx --bwrap --ro-bind / / --proc /proc --unshare-pid -- cat /proc/self/mountinfo
	assert_success
	local p
	for p in /proc/keys /proc/key-users /proc/acpi /proc/timer_list; do
		refute_line --regexp "^[0-9]+ [0-9]+ [^ ]+ [^ ]+ $p "
	done
}

@test "--bind SRC:DST is writable and writes reach the host" {
	local d
	d=$(hostdir)
	echo before >"$d/old"
	run sbx --rootfs "$ROOTFS" --bind "$d:/work" -- /bin/sh -c 'cat /work/old; echo hi > /work/new'
	assert_success
	assert_output before
	assert_equal "$(cat "$d/new")" hi
}

@test "--bind SRC without DST binds at the same path" {
	local d
	d=$(hostdir)
	run sbx --bind "$d" -- /bin/sh -c "echo hi > '$d/new'"
	assert_success
	assert_equal "$(cat "$d/new")" hi
}

@test "--ro-bind SRC:DST is readable but read-only" {
	local d
	d=$(hostdir)
	echo content >"$d/f"
	run sbx --rootfs "$ROOTFS" --ro-bind "$d:/work" -- /bin/sh -c 'cat /work/f; echo x > /work/g'
	assert_failure
	assert_line --index 0 content
	assert_output --partial 'Read-only file system'
	[[ ! -e $d/g ]] || fail "write through --ro-bind reached the host"
}

@test "--ro-bind SRC without DST binds at the same path, read-only" {
	local d
	d=$(hostdir)
	echo content >"$d/f"
	run sbx --ro-bind "$d" -- /bin/sh -c "cat '$d/f'; touch '$d/g'"
	assert_failure
	assert_line --index 0 content
	assert_output --partial 'Read-only file system'
	[[ ! -e $d/g ]] || fail "write through --ro-bind reached the host"
}

@test "--ro-bind of a read-write host path stays read-only under a --bind parent" {
	local d
	d=$(hostdir)
	mkdir "$d/sub"
	run sbx --bind "$d" --ro-bind "$d/sub" -- /bin/sh -c "touch '$d/ok'; touch '$d/sub/no'"
	assert_failure
	assert_output --partial 'Read-only file system'
	[[ -e $d/ok ]] || fail "the --bind parent is not writable"
	[[ ! -e $d/sub/no ]] || fail "the --ro-bind child is writable"
}

@test "--tmpfs DST mounts an empty writable tmpfs hiding the original" {
	local d
	d=$(hostdir)
	echo hidden >"$d/f"
	run sbx --tmpfs "$d" -- /bin/sh -c "ls -A '$d' | wc -l; echo new > '$d/g' && cat '$d/g'"
	assert_success
	assert_equal "$(echo $output)" "0 new"
	[[ ! -e $d/g ]] || fail "tmpfs write reached the host"
	assert_equal "$(cat "$d/f")" hidden
}

@test "--bind-cwd binds the cwd read-write and starts there" {
	local d
	d=$(hostdir)
	cd "$d"
	run sbx --bind-cwd -- /bin/sh -c 'pwd; echo hi > here'
	assert_success
	assert_output "$d"
	assert_equal "$(cat "$d/here")" hi
}

@test "without --bind-cwd the cwd is not writable" {
	local d
	d=$(hostdir)
	cd "$d"
	run sbx -- /bin/sh -c 'echo hi > "'"$d"'/here"'
	assert_failure
	[[ ! -e $d/here ]] || fail "wrote into the cwd without --bind-cwd"
}

# ------------------------------------- --bind-cwd: shared directories ----

# refused_from DIR [SBX_OPTIONS...]: sbx --bind-cwd (or SBX_OPTIONS) run in
# DIR; sets status, output, stderr as run does.
refused_from() {
	local dir=$1
	shift
	(($#)) || set -- --bind-cwd
	cd "$dir" || fail "precondition: cannot cd to $dir"
	run --separate-stderr sbx "$@" -- /bin/echo RAN
}

# assert_shared NAME: the last run was refused with exit 125 before the
# command ran, saying that NAME is shared, with a hint.
assert_shared() {
	[[ $status == 125 ]] || fail "$(printf 'exit %s, want 125 (refused); stdout: %s\nstderr: %s' "$status" "$output" "$stderr")"
	assert_sbx_error
	refute_output --partial RAN
	[[ ${stderr_lines[0]} == *"--bind-cwd: $1 is shared with other programs ("* ]] ||
		fail "message does not say that $1 is shared: $stderr"
	[[ ${stderr_lines[1]:-} == "hint: cd into the project's own directory"* ]] || fail "no hint: $stderr"
}

@test "--bind-cwd from / is refused as shared" {
	refused_from /
	assert_shared /
}

@test "--bind-cwd from /tmp is refused as shared" {
	refused_from /tmp
	assert_shared /tmp
}

@test "--bind-cwd from /var/tmp is refused as shared" {
	[[ -d /var/tmp ]] || skip "no /var/tmp"
	refused_from /var/tmp
	assert_shared /var/tmp
}

@test "--bind-cwd from /dev/shm is refused as shared" {
	[[ -d /dev/shm ]] || skip "no /dev/shm"
	refused_from /dev/shm
	assert_shared /dev/shm
}

@test "--bind-cwd from /home is refused as shared" {
	[[ -d /home ]] || skip "no /home"
	refused_from /home
	assert_shared /home
}

@test "--bind-cwd from /run is refused as shared" {
	[[ -d /run ]] || skip "no /run"
	refused_from /run
	assert_shared /run
}

@test "--bind-cwd from below /run (/run/user/UID where there is one) is refused as shared" {
	local dir
	for dir in "/run/user/$(id -u)" /run/lock /run/user /run/systemd; do
		[[ -d $dir && -x $dir ]] && break
	done
	[[ -d $dir && -x $dir ]] || skip "no directory below /run to go to"
	refused_from "$dir"
	assert_shared "$dir"
	[[ $dir == "/run/user/$(id -u)" || $stderr == *"it is below /run"* ]] || fail "message does not say why: $stderr"
}

@test "--bind-cwd from the home directory named by HOME is refused, wherever it is" {
	local d
	d=$(hostdir)
	HOME=$d refused_from "$d"
	assert_shared "$d"
}

@test "--bind-cwd from the home directory in /etc/passwd is refused, whatever HOME says" {
	local home
	home=$(getent passwd "$(id -u)" | cut -d: -f6)
	[[ -n $home && -d $home && -x $home ]] || skip "no home directory in the passwd entry"
	HOME=/nonexistent refused_from "$home"
	assert_shared "$home"
}

@test "--bind-cwd from a directory that holds a shared one (/var holds /var/tmp) is refused" {
	[[ -d /var/tmp ]] || skip "no /var/tmp"
	refused_from /var
	assert_shared /var
	[[ $stderr == *"it holds /var/tmp"* ]] || fail "message does not say why: $stderr"
}

@test "--bind-cwd from a symbolic link to /tmp is refused as /tmp" {
	local d
	d=$(hostdir)
	ln -s /tmp "$d/link"
	refused_from "$d/link"
	assert_shared /tmp
}

@test "--bind-cwd from a bind-mounted alias of /tmp is refused as /tmp" {
	command -v unshare >/dev/null || skip "unshare missing"
	local d
	d=$(hostdir)
	mkdir "$d/alias"
	unshare -Urm /bin/true 2>/dev/null || skip "unshare -Urm cannot run here"
	# In a mount namespace of our own, /tmp is bound at $d/alias too.
	run --separate-stderr timeout -k 5 "$SBX_TIMEOUT" unshare -Urm /bin/sh -c \
		'mount --bind /tmp "$1" && cd "$1" && exec "$2" --bind-cwd -- /bin/echo RAN' _ "$d/alias" "$SBX"
	assert_shared /tmp
	[[ $stderr == *"the current directory $d/alias is the same directory"* ]] ||
		fail "message does not name the alias: $stderr"
}

@test "--bind-cwd from a project directly below /tmp binds it and starts there" {
	local d
	d=$(mktemp -d /tmp/sbx-project.XXXXXX)
	cd "$d"
	run sbx --bind-cwd -- /bin/sh -c 'pwd; echo hi > here'
	local here
	here=$(cat "$d/here" 2>/dev/null)
	cd /
	rm -rf "$d"
	assert_success
	assert_output "$d"
	assert_equal "$here" hi
}

@test "an explicit --bind /tmp is still honoured (the caller named it)" {
	local f
	f=$(mktemp /tmp/sbx-named.XXXXXX)
	run sbx --bind /tmp -- /bin/sh -c "test -e '$f' && echo seen"
	rm -f "$f"
	assert_success
	assert_output seen
}

@test "--policy build from /tmp is refused before anything runs" {
	refused_from /tmp --policy build
	assert_shared /tmp
	[[ ${stderr_lines[0]} == "sbx: "*"build:"[0-9]*": --bind-cwd: "* ]] ||
		fail "message does not say which policy line: $stderr"
}

@test "--policy build never reaches a socket in the host's /tmp: hidden from /tmp/PROJECT, refused in /tmp" {
	command -v python3 >/dev/null || skip "python3 missing"
	local sock d
	sock=$(mktemp -u /tmp/sbx-sock.XXXXXX)
	python3 -c 'import socket, sys, time
s = socket.socket(socket.AF_UNIX)
s.bind(sys.argv[1])
s.listen(8)
time.sleep(60)' "$sock" </dev/null >/dev/null 2>&1 3>&- &
	bg_pid=$!
	wait_until 10 test -S "$sock" || fail "precondition: no socket at $sock"
	local probe='import socket, sys
s = socket.socket(socket.AF_UNIX)
try:
    s.connect(sys.argv[1])
    print("REACHED")
except OSError as e:
    print("unreachable:", e.strerror)'
	d=$(mktemp -d /tmp/sbx-project.XXXXXX)
	cd "$d"
	run --separate-stderr sbx --policy build -- python3 -c "$probe" "$sock"
	local from_project=$status project_output=$output
	cd /tmp
	run --separate-stderr sbx --policy build -- python3 -c "$probe" "$sock"
	cd /
	kill "$bg_pid"
	rm -rf "$d" "$sock"
	[[ $from_project == 0 && $project_output == "unreachable: "* ]] ||
		fail "from $d: exit $from_project, $project_output"
	refute_output --partial REACHED
	assert_shared /tmp
}

@test "--chdir sets the working directory" {
	run sbx --chdir /etc -- pwd
	assert_success
	assert_output /etc
	run sbx --rootfs "$ROOTFS" --chdir /work -- pwd
	assert_success
	assert_output /work
}

@test "--chdir to a missing directory is exit 125" {
	run -125 --separate-stderr sbx --chdir /no/such/dir -- /bin/echo RAN
	assert_sbx_error
	refute_output --partial RAN
}

@test "mount point missing in a read-only rootfs is exit 125 naming the path" {
	run -125 --separate-stderr sbx --rootfs "$ROOTFS" --bind /etc:/nonexistent -- /bin/echo RAN
	assert_sbx_error
	[[ $stderr == */nonexistent* ]] || fail "message does not name /nonexistent: $stderr"
	assert_equal "$output" ""
}

@test "mount points missing under a writable tmpfs are created" {
	local d
	d=$(hostdir)
	echo payload >"$d/f"
	run sbx --rootfs "$ROOTFS" --tmpfs /tmp --bind "$d:/tmp/x" --ro-bind "$d:/tmp/a/b/c" -- \
		/bin/sh -c 'cat /tmp/x/f /tmp/a/b/c/f'
	assert_success
	assert_equal "$(echo $output)" "payload payload"
}

@test "a file can be bound onto a created mount point" {
	local d
	d=$(hostdir)
	echo filedata >"$d/f"
	run sbx --rootfs "$ROOTFS" --ro-bind "$d/f:/tmp/sub/file" -- /bin/sh -c '[ -f /tmp/sub/file ] && cat /tmp/sub/file'
	assert_success
	assert_output filedata
}

@test "mounts made by sbx never propagate to the host" {
	local d before during after
	d=$(hostdir)
	mkdir "$d/t"
	before=$(cut -d' ' -f1,5 /proc/self/mountinfo | sort)
	sbx --bind "$d" --tmpfs "$d/t" -- /bin/sh -c "
		touch '$d/ready'
		i=0; while [ ! -e '$d/go' ] && [ \$i -lt 400 ]; do sleep 0.05; i=\$((i+1)); done
		" 3>&- &
	local pid=$!
	wait_until 20 test -e "$d/ready" || { kill "$pid"; fail "sandbox did not start"; }
	during=$(cut -d' ' -f1,5 /proc/self/mountinfo | sort)
	touch "$d/go"
	wait "$pid" || fail "sbx failed: $?"
	after=$(cut -d' ' -f1,5 /proc/self/mountinfo | sort)
	assert_equal "$during" "$before"
	assert_equal "$after" "$before"
}

@test "--bind-cwd refuses a work tree in a hidden directory of the home (~/.config, ~/.ssh, at any depth)" {
	local h
	h=$(hostdir)
	mkdir -p "$h/.config/autostart" "$h/src/proj"
	ln -s "$h/.config" "$h/src/proj/build"
	cd "$h/src/proj/build/autostart"
	HOME=$h run --separate-stderr sbx --bind-cwd -- /bin/echo RAN
	[[ $status == 125 ]] || fail "exit $status, want 125"
	assert_sbx_error
	assert_equal "${stderr_lines[0]}" "sbx: --bind-cwd: $h/.config/autostart is in a hidden directory of your home (~/.config), where programs keep their configuration and credentials"
	cd "$h/src/proj"
	HOME=$h run sbx --bind-cwd -- /bin/echo RAN
	assert_success
}
