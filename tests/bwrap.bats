#!/usr/bin/env bats
# bubblewrap compatibility mode: sbx run as "bwrap" (a symlink) or as
# "sbx --bwrap" takes bubblewrap's command line.  Where the installed
# bubblewrap can run here, each test runs the same command line through both
# and compares what they report; otherwise only sbx's side is checked.
#
# The installed bubblewrap is 0.8 (Debian 12) and not setuid: options it
# does not know yet (--argv0, --level-prefix) are checked on sbx alone.

load helpers

setup_file() {
	sbx_setup_file
	BWRAP_BIN="$BATS_FILE_TMPDIR/bin"
	mkdir -p "$BWRAP_BIN"
	ln -sf "$SBX" "$BWRAP_BIN/bwrap"
	export BWRAP_BIN
	# The host's bubblewrap, when it works here as this user.
	HOST_BWRAP=
	if command -v bwrap >/dev/null &&
		timeout 10 bwrap --ro-bind "$ROOTFS" / /bin/true 2>/dev/null; then
		HOST_BWRAP=$(command -v bwrap)
	fi
	export HOST_BWRAP
}

setup() {
	sbx_setup
}

teardown_file() {
	sbx_teardown_file
}

# sbxb ARGS...: sbx as bwrap (through the symlink), with a timeout.
sbxb() {
	timeout -k 5 "$SBX_TIMEOUT" "$BWRAP_BIN/bwrap" "$@"
}

# hostb ARGS...: the installed bubblewrap.
hostb() {
	timeout -k 5 "$SBX_TIMEOUT" "$HOST_BWRAP" "$@"
}

need_host_bwrap() {
	[[ -n $HOST_BWRAP ]] || skip "bubblewrap is not installed or cannot run here"
}

# both ARGS...: run the command line with bubblewrap then sbx; sets
# b_status/b_output and s_status/s_output (stdout and stderr together).
both() {
	both_eval "$(printf '%q ' "$@")"
}

# assert_same: both ran with the same exit status and the same output.
assert_same() {
	if [[ $b_status != "$s_status" || $b_output != "$s_output" ]]; then
		fail "$(printf 'bubblewrap (exit %s):\n%s\n--- sbx (exit %s):\n%s' \
			"$b_status" "$b_output" "$s_status" "$s_output")"
	fi
}

# both_eval 'ARGS...': the same for a command line given as shell text, which
# may have redirections of its own (fds that the first run would otherwise
# read to their end).
both_eval() {
	need_host_bwrap
	b_status=0 s_status=0
	b_output=$(eval "hostb $1" 2>&1) || b_status=$?
	s_output=$(eval "sbxb $1" 2>&1) || s_status=$?
	output=$s_output
	mapfile -t lines <<<"$s_output"
}

# The busybox rootfs as the whole root, read-only, and a /dev.
R=(--ro-bind "$ROOTFS" / --dev /dev)

# ---------------------------------------------------------------- entry ----

@test "sbx run as bwrap speaks bubblewrap: --version" {
	run sbxb --version
	assert_success
	assert_output --regexp '^bubblewrap [0-9.]+ \(sbx '
}

@test "sbx --bwrap is the same as the bwrap name" {
	run sbx --bwrap --version
	assert_success
	assert_output --regexp '^bubblewrap '
	run sbx --bwrap "${R[@]}" /bin/sh -c 'echo in'
	assert_success
	assert_output in
}

@test "--help prints bubblewrap's usage, naming the program as invoked, and exits 0" {
	run sbxb --help
	assert_success
	assert_line --index 0 --partial "usage: $BWRAP_BIN/bwrap "
}

# ------------------------------------------------------- exit statuses ----

@test "the command's exit status comes back as with bubblewrap" {
	both "${R[@]}" /bin/sh -c 'exit 7'
	assert_same
	[[ $s_status == 7 ]]
}

@test "a command killed by a signal gives 128+N as with bubblewrap" {
	both "${R[@]}" /bin/sh -c 'kill -9 $$'
	[[ $b_status == "$s_status" ]] || fail "bwrap $b_status, sbx $s_status"
	[[ $s_status == 137 ]]
}

@test "a command that is not found exits 1 as with bubblewrap" {
	both "${R[@]}" /nonexistent
	[[ $b_status == 1 && $s_status == 1 ]] || fail "bwrap $b_status, sbx $s_status"
}

@test "a program whose ELF loader is missing inside exits 1, and the message says why" {
	both --ro-bind /usr /usr /usr/bin/true
	[[ $b_status == 1 && $s_status == 1 ]] || fail "bwrap $b_status, sbx $s_status"
	assert_output --partial 'cannot run /usr/bin/true'
	assert_output --partial 'loader'
}

@test "an unknown option exits 1 as with bubblewrap" {
	both --no-such-option true
	[[ $b_status == 1 && $s_status == 1 ]] || fail "bwrap $b_status, sbx $s_status"
}

@test "running out of memory exits 1, as any failure of sbx in bubblewrap mode" {
	# 200 MiB of --file data in an address space of about 100 MiB.
	! grep -qa __asan_init "$SBX" || skip "an AddressSanitizer build cannot start under ulimit -v (its shadow memory)"
	run --separate-stderr bash -c 'ulimit -v 100000
		exec "$1" "${@:2}" 3< <(head -c 200M /dev/zero)' sh "$BWRAP_BIN/bwrap" "${R[@]}" --file 3 /x /bin/true
	assert_failure 1
	assert_equal "$stderr" "sbx: out of memory"
}

@test "a missing bind source exits 1; the -try forms skip it, as with bubblewrap" {
	both "${R[@]}" --bind /nonexistent /x /bin/true
	[[ $b_status == 1 && $s_status == 1 ]] || fail "bwrap $b_status, sbx $s_status"
	both "${R[@]}" --tmpfs /tmp --bind-try /nonexistent /tmp/a --ro-bind-try /nonexistent /tmp/b \
		--dev-bind-try /nonexistent /tmp/c /bin/ls /tmp
	assert_same
	[[ $s_status == 0 && -z $s_output ]]
}

@test "bind sources are resolved after every option is read and checked, as with bubblewrap" {
	both "${R[@]}" --bind /nonexistent /x --no-such-option /bin/true
	assert_same
	assert_output "bwrap: Unknown option --no-such-option"
	both "${R[@]}" --bind /nonexistent /x --as-pid-1 /bin/true
	assert_same
	assert_output "bwrap: Specifying --as-pid-1 requires --unshare-pid"
	both "${R[@]}" --bind /nonexistent /x --bind /nonexistent2 /y /bin/true
	assert_same
	assert_output "bwrap: Can't find source path /nonexistent: No such file or directory"
}

# --------------------------------------------------------- the file system ----

# The listing of the root, with modes, sizes of regular files, link
# targets.  Normalised: what /dev holds (sbx's /dev/shm is a tmpfs and it
# has no /dev/core link; its devpts root belongs to the overflow id) and the
# sizes of directories (tmpfs counts entries).
LIST='find / -xdev -o -path "/proc/*" -prune -o -path "/dev/*" -prune | sort | while read -r f; do
	t=$(stat -c %F "$f"); m=$(stat -c %A "$f")
	case $t in
	"regular file"*) echo "$m $(stat -c %s "$f") $f" ;;
	"symbolic link") echo "$m $f -> $(readlink "$f")" ;;
	*) echo "$m $f" ;;
	esac
done'

@test "an ordered bubblewrap command line builds the same file system" {
	local data
	data=$(hostdir)
	printf 'hello\n' >"$data/in"
	both_eval '--tmpfs / --ro-bind "$ROOTFS/bin" /bin --dir /etc --perms 0700 --dir /var/lib/x \
		--symlink /bin/busybox /usr/bin/env --symlink ../etc /usr/etc \
		--file 5 /etc/motd --perms 0640 --file 6 /etc/secret \
		--bind-data 7 /etc/bound --ro-bind-data 8 /etc/robound \
		--tmpfs /tmp --perms 1777 --size 65536 --tmpfs /scratch --chmod 0750 /tmp \
		--proc /proc --dev /dev --mqueue /dev/mqueue --ro-bind "$ROOTFS/etc" /data/etc \
		--remount-ro /data/etc --unshare-ipc --unshare-pid \
		/bin/sh -c "$LIST" \
		5<"$data/in" 6<"$data/in" 7<"$data/in" 8<"$data/in"'
	[[ $s_status == 0 ]]
	assert_same
}

@test "--bind is writable, --ro-bind is not, as with bubblewrap" {
	local d
	d=$(hostdir)
	both "${R[@]}" --bind "$d" /work --ro-bind "$d" /home \
		/bin/sh -c 'touch /work/a && echo rw-ok; touch /home/b 2>/dev/null || echo ro-refused'
	assert_same
	assert_equal "$s_output" "rw-ok
ro-refused"
}

@test "--remount-ro makes a writable mount read-only" {
	both "${R[@]}" --tmpfs /tmp --remount-ro /tmp /bin/sh -c 'touch /tmp/x 2>/dev/null || echo refused'
	assert_same
	assert_equal "$s_output" refused
}

@test "--dev-bind keeps device nodes usable, --bind does not" {
	both "${R[@]}" --tmpfs /dev --dev-bind /dev/null /dev/null /bin/sh -c 'echo x >/dev/null && echo usable'
	assert_same
	assert_equal "$s_output" usable
	both "${R[@]}" --tmpfs /dev --bind /dev/null /dev/null /bin/sh -c 'echo x >/dev/null 2>&1 || echo nodev'
	assert_same
}

@test "--tmpfs --size and --perms reach the mount, as with bubblewrap" {
	both "${R[@]}" --proc /proc --perms 0700 --size 1048576 --tmpfs /tmp \
		/bin/sh -c 'stat -c %A /tmp; grep " /tmp " /proc/self/mountinfo | grep -o "size=[^,]*"'
	assert_same
	assert_line --index 0 drwx------
}

@test "--file, --bind-data and --ro-bind-data carry the fd's contents" {
	both_eval '"${R[@]}" --tmpfs /tmp --file 5 /tmp/f --bind-data 6 /tmp/b --ro-bind-data 7 /tmp/r \
		/bin/sh -c "cat /tmp/f /tmp/b /tmp/r; echo x >>/tmp/b && echo b-writable; { echo x >>/tmp/r; } 2>/dev/null || echo r-readonly" \
		5< <(echo one) 6< <(echo two) 7< <(echo three)' 
	assert_same
	assert_equal "$s_output" "one
two
three
b-writable
r-readonly" 
}

@test "--symlink refuses to replace something else, as bubblewrap does" {
	both "${R[@]}" --symlink /x /bin /bin/true
	[[ $b_status == 1 && $s_status == 1 ]] || fail "bwrap $b_status, sbx $s_status"
	# The same link twice is accepted, as by bubblewrap since 0.9 (0.8,
	# installed here, still refuses it).
	run sbxb "${R[@]}" --tmpfs /tmp --symlink /x /tmp/l --symlink /x /tmp/l /bin/readlink /tmp/l
	assert_success
	assert_output /x
}

@test "--symlink onto a different link fails in bubblewrap's words (its own suite matches them)" {
	run --separate-stderr sbxb "${R[@]}" --tmpfs /tmp --symlink /x /tmp/l --symlink /y /tmp/l /bin/true
	assert_failure 1
	assert_equal "$stderr" "bwrap: Can't make symlink at /tmp/l: existing destination is /x"
}

@test "--dev makes /dev/core a link to /proc/kcore, as bubblewrap does" {
	run sbxb "${R[@]}" --dev /dev /bin/readlink /dev/core
	assert_success
	assert_output /proc/kcore
}

@test "--mqueue mounts a message queue filesystem" {
	both "${R[@]}" --unshare-ipc --proc /proc --mqueue /tmp /bin/sh -c 'grep " /tmp " /proc/self/mountinfo | sed "s/.* - //" | cut -d" " -f1'
	assert_same
	assert_equal "$s_output" mqueue
}

@test "--ro-bind / / and --dev-bind / / cover the whole root" {
	both --ro-bind "$ROOTFS" / --dev-bind "$ROOTFS" / /bin/sh -c 'ls /bin/busybox'
	assert_same
}

# ------------------------------------------------------------- ids ----

@test "the ids and the uid map are those of bubblewrap" {
	both "${R[@]}" --proc /proc /bin/sh -c 'id -u; id -g'
	assert_same
	# With --dev an unprivileged bubblewrap maps the caller to 0 first and
	# nests a second user namespace for the command's ids: "1001 0 1"
	both "${R[@]}" --proc /proc --unshare-all /bin/cat /proc/self/uid_map /proc/self/gid_map
	assert_same
	assert_line --index 0 --regexp "^ +$(id -u) +0 +1$"
	# without --dev, one namespace mapping the id to itself
	both --ro-bind "$ROOTFS" / --proc /proc --unshare-all /bin/cat /proc/self/uid_map
	assert_same
	assert_output --regexp "^ +$(id -u) +$(id -u) +1$"
	both "${R[@]}" --proc /proc --unshare-user --uid 0 --gid 0 /bin/sh -c 'id -u; id -g'
	assert_same
	assert_line --index 0 0
}

# ------------------------------------------------------- namespaces ----

# Which namespaces differ from the caller's, for each option.
NS_CHECK='for n in cgroup ipc mnt net pid uts user; do
	[ "$(readlink /proc/self/ns/$n)" = "$(cat /host-ns/$n)" ] && echo "$n shared" || echo "$n new"
done'

ns_both() {
	local d n
	d=$(hostdir)
	for n in cgroup ipc mnt net pid uts user; do readlink "/proc/self/ns/$n" >"$d/$n"; done
	both "${R[@]}" --ro-bind /proc /proc --ro-bind "$d" /home "$@" /bin/sh -c "${NS_CHECK//host-ns/home}"
}

@test "only the mount and user namespaces are new by default, as with unprivileged bubblewrap" {
	ns_both
	assert_same
	assert_line "pid shared"
	assert_line "mnt new"
}

@test "each --unshare-* option makes just that namespace new" {
	local o
	for o in --unshare-ipc --unshare-net --unshare-uts --unshare-cgroup --unshare-cgroup-try \
		--unshare-user --unshare-user-try; do
		ns_both "$o"
		assert_same
	done
}

@test "--unshare-all makes every namespace new; --share-net keeps the network" {
	ns_both --unshare-all --proc /proc
	assert_same
	ns_both --unshare-all --share-net --proc /proc
	assert_same
	assert_line "net shared"
}

@test "--unshare-pid: the command is PID 2 under an init, --as-pid-1 makes it PID 1" {
	both "${R[@]}" --unshare-pid --proc /proc /bin/sh -c 'echo $$'
	assert_same
	assert_equal "$s_output" 2
	both "${R[@]}" --unshare-pid --as-pid-1 --proc /proc /bin/sh -c 'echo $$; exit 3'
	assert_same
	assert_equal "$s_output" 1
	both "${R[@]}" --as-pid-1 /bin/true
	[[ $b_status == 1 && $s_status == 1 ]] || fail "bwrap $b_status, sbx $s_status"
}

@test "--hostname needs --unshare-uts and sets the name, as with bubblewrap" {
	both "${R[@]}" --unshare-uts --hostname box /bin/hostname
	assert_same
	assert_equal "$s_output" box
	both "${R[@]}" --hostname box /bin/hostname
	[[ $b_status == 1 && $s_status == 1 ]] || fail "bwrap $b_status, sbx $s_status"
}

@test "--disable-userns stops the command from making user namespaces" {
	both "${R[@]}" --unshare-user --disable-userns /bin/sh -c 'unshare -U true 2>/dev/null || echo refused'
	assert_same
	assert_equal "$s_output" refused
	both "${R[@]}" --unshare-user --disable-userns --assert-userns-disabled /bin/true
	assert_same
	both "${R[@]}" --assert-userns-disabled /bin/true
	[[ $b_status == 1 && $s_status == 1 ]] || fail "bwrap $b_status, sbx $s_status"
}

# A process in a user namespace of its own (mapped to us as root) and in a
# PID namespace of its own, where it is PID 1 (HOLDER), in a user namespace
# nested in the first; OUTER, its parent, is in the first user namespace
# and in ours for PIDs.  teardown kills them.
start_holder() {
	command -v unshare >/dev/null || skip "util-linux unshare is missing"
	unshare --user --map-root-user --pid --fork --mount-proc unshare --user --map-root-user sleep 120 \
		</dev/null >/dev/null 2>&1 3>&- &
	OUTER=$!
	local i
	HOLDER=
	for i in $(seq 100); do
		HOLDER=$(pgrep -P "$OUTER" -x sleep) && break
		sleep 0.05
	done
	[[ -n $HOLDER ]] || fail "the namespace holder did not start"
	USERNS=/proc/$OUTER/ns/user INNER_USERNS=/proc/$HOLDER/ns/user PIDNS=/proc/$HOLDER/ns/pid
}

teardown() {
	if [[ -n ${OUTER-} ]]; then
		# PID 1 of its namespace: only SIGKILL reaches it from here
		kill -KILL ${HOLDER:-} "$OUTER" 2>/dev/null || true
		wait "$OUTER" 2>/dev/null || true
	fi
}

@test "--userns FD: the sandbox is made in that user namespace, as with bubblewrap" {
	start_holder
	both_eval '"${R[@]}" --proc /proc --userns 11 /bin/sh -c "id -u; cat /proc/self/uid_map; readlink /proc/self/ns/user" \
		11<"$USERNS"'
	[[ $s_status == 0 ]]
	assert_same
	assert_line --index 2 "$(readlink "$USERNS")"
	# no new user namespace may be asked for with it
	both_eval '"${R[@]}" --userns 11 --unshare-all /bin/true 11</proc/self/ns/user'
	[[ $b_status == 1 && $s_status == 1 ]] || fail "bwrap $b_status, sbx $s_status"
	# the caller's own namespace is no descendant of itself
	both_eval '"${R[@]}" --userns 11 /bin/true 11</proc/self/ns/user'
	[[ $b_status == 1 && $s_status == 1 ]] || fail "bwrap $b_status, sbx $s_status"
	assert_output --partial 'might not be a descendant'
}

@test "--pidns FD: the command runs in that PID namespace, or below it with --unshare-pid" {
	start_holder
	local ns
	ns=$(readlink "$PIDNS")
	both_eval '"${R[@]}" --proc /proc --userns 11 --pidns 12 /bin/sh -c "readlink /proc/self/ns/pid; cat /proc/1/comm" \
		11<"$USERNS" 12<"$PIDNS"'
	[[ $s_status == 0 ]] || fail "$s_output"
	assert_same
	assert_equal "$s_output" "$ns
sleep"
	both_eval '"${R[@]}" --proc /proc --userns 11 --pidns 12 --unshare-pid /bin/sh -c "echo \$\$; readlink /proc/self/ns/pid" \
		11<"$USERNS" 12<"$PIDNS"'
	[[ $s_status == 0 && ${lines[0]} == 2 && ${lines[1]} != "$ns" ]] || fail "$s_output"
	[[ $b_output == 2* ]] || fail "bubblewrap: $b_output"
	# a PID namespace we hold no capability over cannot be joined
	both_eval '"${R[@]}" --pidns 12 /bin/true 12</proc/self/ns/pid'
	[[ $b_status == 1 && $s_status == 1 ]] || fail "bwrap $b_status, sbx $s_status"
}

@test "--userns2 FD: the command ends up in a nested user namespace, as with bubblewrap" {
	start_holder
	both_eval '"${R[@]}" --proc /proc --userns 11 --userns2 12 /bin/sh -c "readlink /proc/self/ns/user" \
		11<"$USERNS" 12<"$INNER_USERNS"'
	[[ $s_status == 0 ]]
	assert_same
	assert_equal "$s_output" "$(readlink "$INNER_USERNS")"
}

@test "--assert-userns-disabled with --userns checks the joined namespace" {
	start_holder
	both_eval '"${R[@]}" --userns 11 --assert-userns-disabled /bin/true 11<"$USERNS"'
	[[ $b_status == 1 && $s_status == 1 ]] || fail "bwrap $b_status, sbx $s_status"
	assert_output --partial 'not disabled'
}

@test "--bind-fd and --ro-bind-fd bind what the fd names, and the fd stays outside" {
	local d
	d=$(hostdir)
	echo data >"$d/f"
	both_eval '"${R[@]}" --proc /proc --tmpfs /tmp --bind-fd 5 /tmp/work --ro-bind-fd 6 /tmp/ro /bin/sh -c \
		"cat /tmp/work/f; touch /tmp/work/new && echo rw; touch /tmp/ro/x 2>/dev/null || echo ro; ls /proc/self/fd/5 /proc/self/fd/6 2>/dev/null || echo closed" \
		5<"$d" 6<"$d"'
	[[ $s_status == 0 ]]
	assert_same
	assert_equal "$s_output" "data
rw
ro
closed"
	[[ -e $d/new ]]
	# an fd that is not open
	both "${R[@]}" --bind-fd 57 /work /bin/true
	[[ $b_status == 1 && $s_status == 1 ]] || fail "bwrap $b_status, sbx $s_status"
}

@test "a -try source that only resolves inside (/proc/self/ns/user) is bound, as with bubblewrap" {
	both "${R[@]}" --proc /proc --tmpfs /run --ro-bind-try /proc/self/ns/user /run/.userns \
		--ro-bind-try /nonexistent/x /run/x /bin/ls -A /run
	[[ $s_status == 0 ]]
	assert_same
	assert_equal "$s_output" .userns
	# With --dev it is the parent of the command's user namespace, which
	# a sub-sandbox can enter (Flatpak's /run/.userns); without, its own.
	both "${R[@]}" --proc /proc --tmpfs /run --ro-bind-try /proc/self/ns/user /run/.userns /bin/sh -c \
		'[ "$(stat -L -c %i /run/.userns)" = "$(stat -L -c %i /proc/self/ns/user)" ] && echo own || echo parent'
	assert_same
	assert_output parent
	both --ro-bind "$ROOTFS" / --proc /proc --tmpfs /run --ro-bind-try /proc/self/ns/user /run/.userns /bin/sh -c \
		'[ "$(stat -L -c %i /run/.userns)" = "$(stat -L -c %i /proc/self/ns/user)" ] && echo own || echo parent'
	assert_same
	assert_output own
}

@test "--bind-fd works with an O_PATH fd of a file" {
	command -v python3 >/dev/null || skip "python3 is missing"
	local d
	d=$(hostdir)
	echo file-data >"$d/f"
	run python3 -c '
import os, subprocess, sys
fd = os.open(sys.argv[1], os.O_PATH)
sys.exit(subprocess.run([sys.argv[2]] + sys.argv[3:] + ["--tmpfs", "/tmp", "--ro-bind-fd", str(fd), "/tmp/f", "/bin/cat", "/tmp/f"],
                        pass_fds=[fd]).returncode)' "$d/f" "$BWRAP_BIN/bwrap" "${R[@]}"
	assert_success
	assert_output file-data
}

# bubblewrap 0.8 has no overlays yet (0.9 added them): sbx's side alone,
# against what bubblewrap documents.
@test "--tmp-overlay: later --overlay-src layers win, writes stay in the sandbox" {
	local d
	d=$(hostdir)
	mkdir "$d/lo1" "$d/lo2"
	echo one >"$d/lo1/a"; echo b >"$d/lo1/b"; echo two >"$d/lo2/a"
	run sbxb "${R[@]}" --tmpfs /tmp --overlay-src "$d/lo1" --overlay-src "$d/lo2" --tmp-overlay /tmp/m \
		/bin/sh -c 'cat /tmp/m/a /tmp/m/b; echo w >/tmp/m/new && rm /tmp/m/b && ls /tmp/m'
	assert_success
	assert_output "two
b
a
new"
	[[ ! -e $d/lo1/new && ! -e $d/lo2/new && -e $d/lo1/b ]]
}

@test "--tmp-overlay with 30 layers (more than one fsconfig string holds), the last on top" {
	local v
	v=$(uname -r)
	v=${v%%-*}
	[[ $(printf '%s\n' 6.8 "$v" | sort -V | head -n 1) == 6.8 ]] || skip "needs Linux 6.8 (overlayfs lowerdir+)"
	local d i args=()
	d=$(hostdir)
	for i in $(seq 30); do
		mkdir "$d/l$i"
		echo "$i" >"$d/l$i/f$i"
		echo "$i" >"$d/l$i/top"
		args+=(--overlay-src "$d/l$i")
	done
	run sbxb "${R[@]}" --tmpfs /tmp "${args[@]}" --tmp-overlay /tmp/m /bin/sh -c 'ls /tmp/m | wc -l; cat /tmp/m/top /tmp/m/f1'
	assert_success
	assert_equal "$(echo $output)" "31 30 1"
}

@test "--ro-overlay is read-only and needs two layers" {
	local d
	d=$(hostdir)
	mkdir "$d/lo1" "$d/lo2"
	echo one >"$d/lo1/a"; echo two >"$d/lo2/b"
	run sbxb "${R[@]}" --tmpfs /tmp --overlay-src "$d/lo1" --overlay-src "$d/lo2" --ro-overlay /tmp/m \
		/bin/sh -c 'cat /tmp/m/a /tmp/m/b; touch /tmp/m/c 2>/dev/null || echo read-only'
	assert_success
	assert_output "one
two
read-only"
	run sbxb "${R[@]}" --tmpfs /tmp --overlay-src "$d/lo1" --ro-overlay /tmp/m /bin/true
	assert_failure 1
	assert_output --partial 'requires at least two --overlay-src'
}

@test "--overlay RWSRC WORKDIR keeps the changes in RWSRC" {
	local d
	d=$(hostdir)
	mkdir "$d/lo" "$d/up" "$d/wk"
	echo one >"$d/lo/a"; echo b >"$d/lo/b"
	run sbxb "${R[@]}" --tmpfs /tmp --overlay-src "$d/lo" --overlay "$d/up" "$d/wk" /tmp/m \
		/bin/sh -c 'echo changed >/tmp/m/a && rm /tmp/m/b && echo c >/tmp/m/c && ls /tmp/m'
	assert_success
	assert_output "a
c"
	[[ $(cat "$d/up/a") == changed && $(cat "$d/lo/a") == one && -e $d/lo/b && -e $d/up/c ]]
	# the next run sees them
	run sbxb "${R[@]}" --tmpfs /tmp --overlay-src "$d/lo" --overlay "$d/up" "$d/wk" /tmp/m /bin/cat /tmp/m/a
	assert_success
	assert_output changed
}

@test "overlay options are checked as bubblewrap checks them" {
	local d
	d=$(hostdir)
	mkdir "$d/lo"
	run sbxb "${R[@]}" --tmpfs /tmp --overlay-src "$d/lo" --tmpfs /tmp/m /bin/true
	assert_failure 1
	assert_output --partial '--overlay-src must be followed by'
	run sbxb "${R[@]}" --tmpfs /tmp --overlay-src "$d/lo" /bin/true
	assert_failure 1
	run sbxb "${R[@]}" --tmpfs /tmp --tmp-overlay /tmp/m /bin/true
	assert_failure 1
	assert_output --partial 'requires at least one --overlay-src'
	run sbxb "${R[@]}" --tmpfs /tmp --overlay-src "$d/missing" --tmp-overlay /tmp/m /bin/true
	assert_failure 1
	assert_output --partial "bwrap: Can't find source path $d/missing: No such file or directory"
	run sbxb "${R[@]}" --tmpfs /tmp --overlay-src "$d/lo" --overlay "$d/nope" "$d/lo" /tmp/m /bin/true
	assert_failure 1
}

@test "SELinux labels fail as they do with bubblewrap on a system without SELinux" {
	[[ ! -e /sys/fs/selinux/enforce ]] || skip "SELinux is enabled here"
	both "${R[@]}" --exec-label system_u:system_r:foo_t:s0 /bin/true
	[[ $b_status == 1 && $s_status == 1 ]] || fail "bwrap $b_status, sbx $s_status"
	both "${R[@]}" --file-label system_u:object_r:foo_t:s0 /bin/true
	[[ $b_status == 1 && $s_status == 1 ]] || fail "bwrap $b_status, sbx $s_status"
	assert_output --partial 'labeling not supported'
}

# ------------------------------------------------------- environment ----

@test "the caller's environment passes whole; --setenv, --unsetenv, --clearenv as with bubblewrap" {
	export SBX_SECRETISH=kept
	both "${R[@]}" --setenv A 1 --unsetenv HOME /bin/sh -c 'echo "$SBX_SECRETISH $A ${HOME-unset}"'
	assert_same
	assert_equal "$s_output" "kept 1 unset"
	both "${R[@]}" --clearenv --setenv B 2 --chdir /etc /bin/env
	assert_same
}

@test "--chdir and PWD, as with bubblewrap" {
	both "${R[@]}" --chdir /etc /bin/sh -c 'pwd; echo $PWD'
	assert_same
	assert_equal "$s_output" "/etc
/etc"
}

@test "--args FD reads NUL-separated arguments, anywhere on the line" {
	both_eval '"${R[@]}" --args 5 /bin/sh -c "echo \$X" 5< <(printf -- "--setenv\0X\0from-args\0")' 
	assert_same
	assert_equal "$s_output" from-args
}

@test "--argv0 sets the command's argv[0] (newer than bubblewrap 0.8)" {
	# busybox picks the applet from argv[0]
	run sbxb "${R[@]}" --argv0 echo /bin/busybox hello
	assert_success
	assert_output hello
}

@test "--level-prefix puts <3> before each line of an error (newer than bubblewrap 0.8)" {
	run sbxb --level-prefix "${R[@]}" /bin/true
	assert_success
	run sbxb --level-prefix "${R[@]}" /nonexistent
	assert_failure 1
	assert_line --index 0 --regexp '^<3>bwrap: '
	run sbxb --level-prefix "${R[@]}" --tmpfs /nonexistent-dir/x /bin/true
	assert_failure 1
	local line
	for line in "${lines[@]}"; do
		[[ $line == '<3>'* ]] || fail "a line without the prefix: $line"
	done
	run sbxb "${R[@]}" /nonexistent
	assert_line --index 0 --regexp '^bwrap: '
}

# -------------------------------------------------- fds and the process ----

@test "open fds pass into the sandbox, as with bubblewrap" {
	both_eval '"${R[@]}" /bin/sh -c "cat <&9" 9< <(echo through-fd-9)' 
	assert_same
	assert_equal "$s_output" through-fd-9
}

@test "--info-fd and --json-status-fd write bubblewrap's JSON" {
	local norm='s/[0-9][0-9]*/N/g'
	need_host_bwrap
	local b s
	b=$(hostb "${R[@]}" --unshare-all --info-fd 3 --json-status-fd 4 /bin/sh -c 'exit 5' 3>&1 4>&1 | sed "$norm")
	s=$(sbxb "${R[@]}" --unshare-all --info-fd 3 --json-status-fd 4 /bin/sh -c 'exit 5' 3>&1 4>&1 | sed "$norm")
	assert_equal "$s" "$b"
	b=$(hostb "${R[@]}" --unshare-net --info-fd 3 /bin/true 3>&1 | sed "$norm")
	s=$(sbxb "${R[@]}" --unshare-net --info-fd 3 /bin/true 3>&1 | sed "$norm")
	assert_equal "$s" "$b"
	s=$(sbxb "${R[@]}" --json-status-fd 4 /bin/sh -c 'exit 5' 4>&1 | tail -n 1)
	assert_equal "$s" '{ "exit-code": 5 }'
}

@test "--info-fd and --json-status-fd name no namespace that could not be read" {
	need_probe fault
	# stat(2) fails for everything (glibc makes it newfstatat, 262, with
	# flags 0; musl stat, 4): sbx cannot read /proc/PID/ns/*, and reports
	# the pid alone.
	local s
	s=$("$PROBES/fault" 262.arg3=0=ENOENT 4=ENOENT -- "$BWRAP_BIN/bwrap" "${R[@]}" --unshare-all \
		--info-fd 3 --json-status-fd 4 /bin/true 3>&1 4>&1 | tr -d '\n' | sed 's/[0-9][0-9]*/N/g')
	assert_equal "$s" '{    "child-pid": N}{ "child-pid": N }{ "exit-code": N }'
}

@test "the info fd is closed inside, so a reader sees its end" {
	both "${R[@]}" --proc /proc --info-fd 7 /bin/sh -c '[ -e /proc/self/fd/7 ] && echo open || echo closed' 7>/dev/null
	assert_same
	assert_equal "$s_output" closed
}

@test "--block-fd holds the command until data comes" {
	run sbxb "${R[@]}" --block-fd 5 /bin/echo started 5< <(sleep 0.3; echo go)
	assert_success
	assert_output started
}

# The caller writes the id maps of the child named on the info fd, then
# lets it go on through the userns block fd (bubblewrap's demo of it).
USERNS_BLOCK_PY='
import json, os, subprocess, sys
r_info, w_info = os.pipe()
r_block, w_block = os.pipe()
p = subprocess.Popen([sys.argv[1], "--unshare-user", "--info-fd", str(w_info), "--userns-block-fd", str(r_block)]
                     + sys.argv[2:], pass_fds=[w_info, r_block])
os.close(w_info)
os.close(r_block)
text = b""
while True:
    chunk = os.read(r_info, 4096)
    if not chunk:
        break
    text += chunk
pid = json.loads(text)["child-pid"]
for name, line in (("uid_map", "0 %d 1\n" % os.getuid()), ("setgroups", "deny"), ("gid_map", "0 %d 1\n" % os.getgid())):
    with open("/proc/%d/%s" % (pid, name), "w") as f:
        f.write(line)
os.write(w_block, b"x")
os.close(w_block)
sys.exit(p.wait())
'

@test "--userns-block-fd: the caller writes the id maps, as with bubblewrap" {
	command -v python3 >/dev/null || skip "python3 is missing"
	need_host_bwrap
	local b s
	b=$(python3 -c "$USERNS_BLOCK_PY" "$HOST_BWRAP" --ro-bind "$ROOTFS" / --proc /proc /bin/cat /proc/self/uid_map 2>&1)
	s=$(python3 -c "$USERNS_BLOCK_PY" "$BWRAP_BIN/bwrap" --ro-bind "$ROOTFS" / --proc /proc /bin/cat /proc/self/uid_map 2>&1)
	assert_equal "$(echo $s)" "$(echo $b)"
	assert_equal "$(echo $s)" "0 $(id -u) 1"
}

@test "--userns-block-fd needs --unshare-user and --info-fd, as with bubblewrap" {
	both "${R[@]}" --userns-block-fd 5 /bin/true 5</dev/null
	[[ $b_status == 1 && $s_status == 1 ]] || fail "bwrap $b_status, sbx $s_status"
	both "${R[@]}" --unshare-user --userns-block-fd 5 /bin/true 5</dev/null
	[[ $b_status == 1 && $s_status == 1 ]] || fail "bwrap $b_status, sbx $s_status"
	assert_output --partial 'requires --info-fd'
}

@test "--sync-fd, --lock-file and --die-with-parent are accepted" {
	local d
	d=$(hostdir)
	touch "$d/lock"
	both "${R[@]}" --bind "$d" /work --lock-file /work/lock --sync-fd 5 --die-with-parent /bin/echo ok 5</dev/null
	assert_same
}

@test "--new-session puts the command in a session of its own" {
	both "${R[@]}" --unshare-pid --proc /proc /bin/sh -c 'cut -d" " -f6 /proc/self/stat'
	assert_same
	# With --new-session bubblewrap's init leads the session (sid 1); in
	# sbx the command does (sid 2): a session of its own either way.
	run sbxb "${R[@]}" --unshare-pid --proc /proc --new-session /bin/sh -c 'cut -d" " -f6 /proc/self/stat'
	assert_output 2
}

@test "capabilities: none by default, --cap-add and --cap-drop as with bubblewrap" {
	local caps='grep -E "^Cap(Inh|Prm|Eff|Bnd|Amb)" /proc/self/status'
	both "${R[@]}" --proc /proc --unshare-pid /bin/sh -c "$caps"
	assert_same
	both "${R[@]}" --proc /proc --unshare-pid --cap-add CAP_NET_RAW /bin/sh -c "$caps"
	assert_same
	both "${R[@]}" --proc /proc --unshare-pid --uid 0 --cap-add ALL --cap-drop CAP_SYS_ADMIN /bin/sh -c "$caps"
	assert_same
}

@test "no_new_privs is set, as bubblewrap sets it" {
	both "${R[@]}" --proc /proc --unshare-pid /bin/grep NoNewPrivs /proc/self/status
	assert_same
}

@test "--seccomp FD and --add-seccomp-fd load the caller's BPF programs" {
	local d
	d=$(hostdir)
	printf 'allow\ndeny mkdir mkdirat\n' >"$d/nomkdir.seccomp"
	printf 'allow\ndeny rmdir\n' >"$d/normdir.seccomp"
	sbx --seccomp "$d/nomkdir.seccomp" --seccomp-export "$d/nomkdir.bpf"
	sbx --seccomp "$d/normdir.seccomp" --seccomp-export "$d/normdir.bpf"
	both_eval '"${R[@]}" --tmpfs /tmp --new-session --seccomp 5 /bin/sh -c "mkdir /tmp/x 2>/dev/null || echo refused" 5<"$d/nomkdir.bpf"' 
	assert_same
	assert_equal "$s_output" refused
	both_eval '"${R[@]}" --tmpfs /tmp --new-session --add-seccomp-fd 5 --add-seccomp-fd 6 \
		/bin/sh -c "mkdir /tmp/x 2>/dev/null || echo refused" 5<"$d/normdir.bpf" 6<"$d/nomkdir.bpf"' 
	assert_same
	assert_equal "$s_output" refused
	# a second --seccomp replaces the first, with a warning
	both_eval '"${R[@]}" --tmpfs /tmp --new-session --seccomp 5 --seccomp 6 \
		/bin/sh -c "mkdir /tmp/x && echo made; rmdir /tmp/x 2>/dev/null || echo refused" 5<"$d/nomkdir.bpf" 6<"$d/normdir.bpf"'
	[[ $b_status == 0 && $s_status == 0 ]] || fail "bwrap $b_status, sbx $s_status"
	assert_line made
	assert_line refused
	assert_line --partial 'Only the last --seccomp option will take effect'
}

@test "--perms or --size twice for one operation exits 1, as with bubblewrap" {
	both "${R[@]}" --perms 0700 --perms 0700 --dir /tmp/x /bin/true
	[[ $b_status == 1 && $s_status == 1 ]] || fail "bwrap $b_status, sbx $s_status"
	assert_output --partial 'given twice'
	both "${R[@]}" --size 4096 --size 4096 --tmpfs /tmp /bin/true
	[[ $b_status == 1 && $s_status == 1 ]] || fail "bwrap $b_status, sbx $s_status"
}

@test "no filter with --new-session; without it only the TIOCSTI filter (bubblewrap: none)" {
	run sbxb "${R[@]}" --proc /proc --unshare-pid --new-session /bin/grep Seccomp: /proc/self/status
	assert_output --regexp 'Seccomp:[[:space:]]+0'
	# A difference from bubblewrap, on purpose: the terminal is shared.
	run sbxb "${R[@]}" --proc /proc --unshare-pid /bin/grep Seccomp: /proc/self/status
	assert_output --regexp 'Seccomp:[[:space:]]+2'
}

@test "without --new-session TIOCSTI is refused" {
	need_probe tiocsti
	run in_pty "'$BWRAP_BIN/bwrap' --ro-bind '$ROOTFS' / --ro-bind '$PROBES' /probes --dev /dev /probes/tiocsti"
	refute_output --partial 'ESCAPE:'
}

# --------------------------------------------- a program that calls bwrap ----

@test "a script that calls bwrap works unchanged with sbx first in PATH" {
	local d
	d=$(hostdir)
	mkdir -p "$d/app"
	echo 'echo built' >"$d/app/build.sh"
	cat >"$d/run-in-bwrap" <<-'EOF'
		#!/bin/bash
		# Flatpak-ish / build-tool-ish: an empty root, the runtime read-only,
		# the project writable, a private /tmp, every namespace new.
		set -e
		rootfs=$1 app=$2
		exec 3< <(printf 'app:x:1000:1000::/home/app:/bin/sh\n')
		exec bwrap \
			--ro-bind "$rootfs/bin" /usr/bin --symlink usr/bin /bin \
			--proc /proc --dev /dev --tmpfs /tmp --dir /run/user/1000 \
			--file 3 /etc/passwd --bind "$app" /app --chdir /app \
			--unshare-all --die-with-parent --new-session \
			--setenv HOME /home/app --info-fd 4 \
			/bin/sh -c 'sh build.sh > out && cat out && grep -c app /etc/passwd && pwd' 4>/dev/null
	EOF
	chmod +x "$d/run-in-bwrap"
	PATH="$BWRAP_BIN:$PATH" run "$d/run-in-bwrap" "$ROOTFS" "$d/app"
	assert_success
	assert_output "built
1
/app"
	[[ -f $d/app/out ]]
}

# ------------------------------------------- bubblewrap's own suite's cases ----

@test "messages start with bwrap: as bubblewrap's do (callers and its suite match them)" {
	both "${R[@]}" --bind /source-enoent /dest /bin/true
	assert_same
	assert_output "bwrap: Can't find source path /source-enoent: No such file or directory"
}

@test "an option bubblewrap takes once, given twice, warns that only the last counts" {
	local o
	for o in "--chdir / --chdir /" "--unshare-uts --hostname a --hostname b" "--unshare-user --uid 0 --uid 0" \
		"--unshare-user --gid 0 --gid 0" "--sync-fd 2 --sync-fd 2"; do
		# shellcheck disable=SC2086 # the words of $o
		both "${R[@]}" $o /bin/true
		assert_same
		assert_output --regexp "^bwrap: Only the last --[a-z-]+ option will take effect$"
	done
	run sbxb --level-prefix "${R[@]}" --chdir / --chdir / /bin/true
	assert_success
	assert_output '<4>bwrap: Only the last --chdir option will take effect'
}

@test "mount points and --dir parents are made with bubblewrap's modes" {
	local d
	d=$(hostdir)
	mkdir "$d/src" && touch "$d/file"
	both --bind / / --bind "$d/src" "$d/b-dir" --bind "$d/file" "$d/b-file" \
		--perms 0604 --dir "$d/p1/x" --perms 0710 --dir "$d/p2/x" --perms 1777 --dir "$d/p3/x" \
		/bin/stat -c '%a %n' "$d/b-dir" "$d/b-file" "$d/p1" "$d/p2" "$d/p3"
	# bubblewrap made them first: sbx finds them there; ask sbx alone
	rm -rf "$d/b-dir" "$d/b-file" "$d/p1" "$d/p2" "$d/p3"
	run sbxb --bind / / --bind "$d/src" "$d/b-dir" --bind "$d/file" "$d/b-file" \
		--perms 0604 --dir "$d/p1/x" --perms 0710 --dir "$d/p2/x" --perms 1777 --dir "$d/p3/x" /bin/true
	assert_success
	run stat -c '%a' "$d/b-dir" "$d/b-file" "$d/p1" "$d/p2" "$d/p3"
	assert_equal "$(echo $output)" "755 444 705 750 755"
	# bubblewrap 0.8 made file mount points 0644; 0.11 (its suite) 0444
	[[ -z $HOST_BWRAP ]] || assert_equal "$(cut -d' ' -f1 <<<"$b_output" | sed 2d | xargs)" "755 705 750 755"
}

@test "bwrap run again as /proc/self/exe inside bwrap stays bwrap" {
	run sbxb --unshare-user --uid 0 --gid 0 --cap-add ALL --bind / / --bind /proc /proc -- \
		/proc/self/exe --unshare-all --bind / / --bind /proc /proc /bin/sh -c 'echo hello; env | grep -c SBX_BWRAP || true'
	assert_success
	assert_output "$(printf 'hello\n0')"
}

@test "--disable-userns holds even against a command with every capability (--cap-add ALL)" {
	run sbxb --unshare-user --uid 0 --gid 0 --cap-add ALL --bind / / --bind /proc /proc --dev /dev --disable-userns -- \
		/bin/sh -c 'echo 100 > /proc/sys/user/max_user_namespaces; unshare -U true 2>/dev/null && echo MADE; echo done'
	assert_success
	assert_output done
}

# ------------------------------------ differences found by differential fuzzing ----

@test "--disable-userns needs --unshare-user itself: --unshare-all or -try are not enough" {
	both "${R[@]}" --unshare-all --disable-userns /bin/true
	assert_same
	assert_output "bwrap: --disable-userns requires --unshare-user"
	both "${R[@]}" --unshare-user-try --disable-userns /bin/true
	assert_same
	both "${R[@]}" --unshare-all --userns-block-fd 0 --info-fd 1 /bin/true </dev/null
	assert_same
	assert_output "bwrap: --userns-block-fd requires --unshare-user"
}

@test "--cap-add takes a full capability name, as bubblewrap" {
	both "${R[@]}" --cap-add CHOWN /bin/true
	assert_same
	assert_output "bwrap: unknown cap: CHOWN"
	both "${R[@]}" --unshare-user --cap-add cap_chown /bin/true
	assert_same
}

@test "a working directory hidden inside: the command starts in HOME, as with bubblewrap" {
	local d
	d=$(hostdir)
	mkdir -p "$d/work"
	cd "$d/work"
	both_eval "--bind / / --tmpfs '$d' --dir '$d/home' --setenv HOME '$d/home' /bin/sh -c 'pwd; echo \$PWD'"
	assert_same
	assert_output "$d/home"$'\n'"$d/home"
}

@test "--json-status-fd: a lock file that cannot be taken still ends with an exit code, as bubblewrap" {
	both_eval "--bind / / --json-status-fd 3 --lock-file /nonexistent/lock /bin/true 3>&1 | sed -E 's/[0-9]{3,}/N/g'"
	assert_same
	assert_line '{ "exit-code": 1 }'
	# With --unshare-pid bubblewrap 0.8 writes it or not, by a race
	# (its init takes the lock); sbx never does then.
	run sbxb --bind / / --unshare-pid --json-status-fd 3 --lock-file /nonexistent/lock /bin/true 3>&1
	assert_failure 1
	refute_line --partial exit-code
}

@test "--args words are parsed on their own: an option there cannot take its arguments from outside" {
	local d
	d=$(hostdir)
	printf -- '--ro-bind\0/\0' >"$d/short"
	printf -- '--ro-bind\0/\0/\0/bin/echo\0ignored\0' >"$d/cmd"
	both_eval "--args 4 /bin/true 4<'$d/short'"
	assert_same
	assert_output "bwrap: --ro-bind takes two arguments"
	both_eval "--args 4 /bin/echo outer 4<'$d/cmd'"
	assert_same
	assert_output outer
}

@test "--dir where an earlier --symlink left a dangling link succeeds, as bubblewrap" {
	both "${R[@]}" --tmpfs /tmp --symlink a /tmp/x --dir /tmp/x /bin/readlink /tmp/x
	assert_same
	assert_output a
}

@test "--sync-fd stays with bwrap: the command does not get it" {
	both_eval "${R[*]} --sync-fd 5 /bin/sh -c 'test -e /proc/self/fd/5 && echo LEAKED; echo done' 5</dev/null"
	assert_same
	assert_output done
}

@test "--mqueue twice on one path fails with EBUSY, as mount(2) makes bubblewrap fail" {
	both "${R[@]}" --unshare-ipc --tmpfs /tmp --mqueue /tmp/m --mqueue /tmp/m /bin/true
	[[ $b_status == 1 && $s_status == 1 ]] || fail "bwrap $b_status, sbx $s_status: $s_output"
	assert_output --partial "Can't mount mqueue on /tmp/m: Device or resource busy"
	both "${R[@]}" --unshare-ipc --tmpfs /tmp --mqueue /tmp/m --mqueue /tmp/n /bin/true
	assert_same
}
