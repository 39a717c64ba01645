#!/usr/bin/env bats
# Namespaces: user (ids and maps), pid, uts, ipc, net, cgroup, mount.

load helpers

setup_file() { sbx_setup_file; }
teardown_file() { sbx_teardown_file; }
setup() { sbx_setup; }

# assert_own_ns NAME [SBX-OPTIONS...]: the sandbox's NAME namespace differs
# from the caller's.
assert_own_ns() {
	local ns=$1
	shift
	local outside
	outside=$(host_ns "$ns")
	run sbx "$@" -- readlink "/proc/self/ns/$ns"
	assert_success
	assert_output --regexp "^$ns:\[[0-9]+\]$"
	[[ $output != "$outside" ]] || fail "$ns namespace is the caller's: $output"
}

@test "user namespace is a new one" {
	assert_own_ns user
}

@test "pid namespace is a new one" {
	assert_own_ns pid
}

@test "mount namespace is a new one" {
	assert_own_ns mnt
}

@test "uts namespace is a new one" {
	assert_own_ns uts
}

@test "ipc namespace is a new one" {
	assert_own_ns ipc
}

@test "net namespace is a new one" {
	assert_own_ns net
}

@test "cgroup namespace is a new one, rooted at the caller's cgroup" {
	assert_own_ns cgroup
	run sbx -- cat /proc/self/cgroup
	assert_success
	# in a fresh cgroup namespace every hierarchy shows as its root
	while IFS= read -r line; do
		[[ $line == *:/ ]] || fail "cgroup path not / inside: $line"
	done <<<"$output"
}

@test "uid and gid inside default to the caller's own" {
	run sbx -- /bin/sh -c 'echo "$(id -u) $(id -g)"'
	assert_success
	assert_output "$(id -u) $(id -g)"
}

@test "uid_map maps the inside uid to the caller's uid, one id only" {
	run sbx -- cat /proc/self/uid_map
	assert_success
	assert_equal "$(echo $output)" "$(id -u) $(id -u) 1"
}

@test "gid_map maps the inside gid to the caller's gid, one id only" {
	run sbx -- cat /proc/self/gid_map
	assert_success
	assert_equal "$(echo $output)" "$(id -g) $(id -g) 1"
}

@test "setgroups is denied in the sandbox's user namespace" {
	run sbx -- cat /proc/self/setgroups
	assert_success
	assert_output deny
}

@test "--uid 0 --gid 0 makes the command root inside, mapped to the caller" {
	run sbx --uid 0 --gid 0 -- /bin/sh -c 'id -u; id -g; cat /proc/self/uid_map /proc/self/gid_map'
	assert_success
	assert_equal "$(echo $output)" "0 0 0 $(id -u) 1 0 $(id -g) 1"
}

@test "--uid and --gid set arbitrary ids inside" {
	run sbx --uid 1234 --gid 4321 -- /bin/sh -c 'id -u; id -g; cat /proc/self/uid_map /proc/self/gid_map'
	assert_success
	assert_equal "$(echo $output)" "1234 4321 1234 $(id -u) 1 4321 $(id -g) 1"
}

@test "command is PID 2 under an init that is PID 1" {
	run sbx -- /bin/sh -c 'echo $$; cut -d" " -f4 /proc/$$/stat; echo $PPID'
	assert_success
	# pid, then ppid (twice): the command is 2, its parent is 1
	assert_equal "$(echo $output)" "2 1 1"
}

@test "only sandbox processes are visible in /proc" {
	run sbx -- /bin/sh -c 'ls /proc | grep -E "^[0-9]+$"'
	assert_success
	local n=0 p
	for p in $output; do
		n=$((n + 1))
		((p <= 10)) || fail "pid $p visible inside (host process?): $(echo $output)"
	done
	# init, sh, ls, grep at most
	((n >= 2 && n <= 4)) || fail "expected 2..4 processes inside, saw: $(echo $output)"
}

@test "ps inside lists only init and the command" {
	run sbx --rootfs "$ROOTFS" -- ps -o pid,comm
	assert_success
	local pids
	pids=$(tail -n +2 <<<"$output" | awk '{ print $1 }' | sort -n | xargs)
	assert_equal "$pids" "1 2"
}

@test "a host process is not visible to ps inside" {
	local tag
	tag=$(uniq_num)
	sleep "1000.$tag" 3>&- &
	local hostpid=$!
	wait_until 10 pgrep -f "sleep 1000.$tag" >/dev/null ||
		fail "host marker process did not show up in pgrep"
	run sbx -- /bin/sh -c 'cat /proc/[0-9]*/cmdline | tr "\0" " "'
	kill "$hostpid"
	assert_success
	refute_output --partial "1000.$tag"
}

@test "hostname defaults to sbx" {
	run sbx -- cat /proc/sys/kernel/hostname
	assert_success
	assert_output sbx
	run sbx -- uname -n
	assert_output sbx
}

@test "--hostname sets the hostname inside and not outside" {
	local before
	before=$(uname -n)
	run sbx --hostname sbx-test-host -- uname -n
	assert_success
	assert_output sbx-test-host
	assert_equal "$(uname -n)" "$before"
}

@test "a host System V shared memory segment is not visible inside" {
	command -v ipcmk >/dev/null || skip "ipcmk not installed"
	local id
	id=$(ipcmk -M 4096 | grep -oE '[0-9]+$') || fail "ipcmk failed"
	awk -v id="$id" '$2 == id { f = 1 } END { exit !f }' /proc/sysvipc/shm ||
		{ ipcrm -m "$id"; fail "host segment $id not in host /proc/sysvipc/shm"; }
	run sbx -- cat /proc/sysvipc/shm
	ipcrm -m "$id"
	assert_success
	# only the header line
	assert_equal "${#lines[@]}" 1
}

@test "a host System V message queue is not visible inside" {
	command -v ipcmk >/dev/null || skip "ipcmk not installed"
	local id
	id=$(ipcmk -Q | grep -oE '[0-9]+$') || fail "ipcmk failed"
	run sbx -- cat /proc/sysvipc/msg
	ipcrm -q "$id"
	assert_success
	assert_equal "${#lines[@]}" 1
}

@test "network: only lo exists" {
	run sbx -- cat /proc/net/dev
	assert_success
	local ifs
	ifs=$(tail -n +3 <<<"$output" | cut -d: -f1 | tr -d ' ' | sort | xargs)
	assert_equal "$ifs" "lo"
}

@test "network: lo is up with 127.0.0.1" {
	run sbx --rootfs "$ROOTFS" -- ip addr show lo
	assert_success
	assert_output --regexp '<[A-Z_,]*(^|,)UP(,|>)|<LOOPBACK,UP'
	assert_output --partial 'inet 127.0.0.1/8'
}

@test "network: init brings lo up before it is released, while its id maps are written" {
	# --trace names each of init's steps ([1], its pid inside); bringing lo
	# up needs only the capabilities init has from the clone on.
	run --separate-stderr sbx --trace --rootfs "$ROOTFS" -- /bin/true
	assert_success
	local order
	order=$(grep -o '\[1\] \(loopback up\|init released\|network set up\)$' <<<"$stderr" | tr '\n' ,)
	assert_equal "$order" "[1] loopback up,[1] init released,[1] network set up,"
}

@test "network: a TCP connection to 127.0.0.1 works inside" {
	# busybox nc: listen, connect, exchange a line.  The listener's input
	# never ends (at the end of /dev/null it could quit before it had read
	# the line); the line is looked for in what it wrote.
	run sbx --rootfs "$ROOTFS" -- /bin/sh -c '
		mkfifo /tmp/in && exec 3<>/tmp/in
		nc -l -p 4711 >/tmp/got <&3 &
		i=0
		until echo hello | nc 127.0.0.1 4711 2>/dev/null; do
			i=$((i + 1)); [ $i -gt 100 ] && exit 9; sleep 0.1
		done
		i=0
		until grep -q hello /tmp/got; do
			i=$((i + 1)); [ $i -gt 100 ] && break; sleep 0.05
		done
		kill $! 2>/dev/null; cat /tmp/got'
	assert_success
	assert_output hello
}

@test "--net host shares the caller's network namespace" {
	local outside
	outside=$(host_ns net)
	run sbx --net host -- readlink /proc/self/ns/net
	assert_success
	assert_output "$outside"
}
