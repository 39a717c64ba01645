#!/usr/bin/env bats
# shellcheck disable=SC2016,SC2154 # sh -c scripts expand inside; stderr: set by bats run --separate-stderr
# Quotas the sandbox shares with the caller and the machine: the tmpfs
# mounts (/tmp, /dev/shm, /run, --tmpfs) hold no more than --tmpfs-size
# together, never more than --memory; the per-user counts of
# /proc/sys/user (inotify, fanotify, namespaces) are capped inside at half
# the caller's limits (the namespace counts only when the command could
# make a namespace).

load helpers

setup_file() { sbx_setup_file; }
teardown_file() { sbx_teardown_file; }
setup() { sbx_setup; }
teardown() { kill_bg_pid; }

# fs_size PATH...: inside, "PATH BYTES DEVICE" for each (statfs and stat)
fs_sizes='for p; do echo "$p $(($(stat -f -c "%b * %S" "$p"))) $(stat -c %d "$p")"; done'

@test "tmpfs: writing more than --tmpfs-size into /tmp fails with ENOSPC" {
	run sbx --tmpfs-size 8M -- /bin/sh -c 'head -c 9M /dev/zero > /tmp/f; echo "status $?"; wc -c < /tmp/f'
	assert_output --partial 'No space left on device'
	assert_line 'status 1'
	assert_line 8388608
}

@test "tmpfs: empty files, which take no pages, are bounded too (one per 4 KiB of the size)" {
	run sbx --tmpfs-size 1M -- /bin/sh -c 'i=0; while [ $i -lt 1000 ] && touch /tmp/f$i 2>/dev/null; do i=$((i + 1)); done; echo "made $i"'
	assert_success
	local n=${output##*made }
	((n < 1000 && n <= 1024 * 1024 / 4096 + 64)) || fail "$n empty files in a 1M tmpfs"
}

@test "tmpfs: /tmp, /dev/shm, /run and --tmpfs share one bound (what one holds the others lack)" {
	run sbx --tmpfs-size 8M --tmpfs /mnt -- /bin/sh -c '
		head -c 5M /dev/zero > /tmp/a || exit 1
		head -c 5M /dev/zero > /dev/shm/b; echo "shm $?"
		head -c 5M /dev/zero > /mnt/c; echo "mnt $?"
		head -c 5M /dev/zero > /run/d; echo "run $?"'
	assert_line 'shm 1'
	assert_line 'mnt 1'
	assert_line 'run 1'
}

@test "tmpfs: with --memory 64M, /tmp, /dev/shm and /run together hold at most 64M" {
	run sbx --memory 64M --limits best-effort -- /bin/sh -c "$fs_sizes" sh /tmp /dev/shm /run
	assert_success
	local p b d sum=0 n=0
	local -A devices=()
	while read -r p b d; do
		[[ $p == /* ]] || continue
		((b <= 64 * 1024 * 1024)) || fail "$p is $b bytes, more than 64M"
		# one file system counts once: they share its bound
		[[ -n ${devices[$d]:-} ]] || sum=$((sum + b))
		devices[$d]=1
		n=$((n + 1))
	done <<<"$output"
	((n == 3)) || fail "expected 3 sizes, got: $output"
	((sum <= 64 * 1024 * 1024)) || fail "sizes add up past 64M: $output"
}

@test "tmpfs: with --memory and no cgroup, the warning says the tmpfs bound is enforced" {
	run --separate-stderr sbx --memory 64M --limits best-effort -- /bin/true
	assert_success
	if [[ $stderr != *warning* ]]; then
		skip "a cgroup carries --memory here: no warning line"
	fi
	[[ $stderr == *"tmpfs size (/tmp, /var/tmp, /dev/shm, /run and --tmpfs: 64 MiB in all)"* ]] ||
		fail "warning does not name the tmpfs bound: $stderr"
}

@test "tmpfs: without --memory the bound is a quarter of the RAM, not half per mount" {
	local ram
	ram=$(($(awk '/^MemTotal:/ { print $2 }' /proc/meminfo) * 1024))
	run sbx -- /bin/sh -c "$fs_sizes" sh /tmp
	assert_success
	local b
	b=$(awk '{ print $2 }' <<<"$output")
	((b <= ram / 4)) || fail "/tmp is $b bytes, more than a quarter of $ram"
	((b >= ram / 4 - 1024 * 1024)) || fail "/tmp is $b bytes, much less than a quarter of $ram"
}

@test "tmpfs: --tmpfs-size sets the bound and --print-policy prints it" {
	run sbx --tmpfs-size 16M -- /bin/sh -c "$fs_sizes" sh /tmp
	assert_success
	assert_output --regexp '^/tmp 16777216 '
	run sbx --tmpfs-size 16M --print-policy
	assert_success
	assert_line 'tmpfs-size 16777216'
	run sbx --tmpfs-size 1G --memory 100M --print-policy
	assert_line 'tmpfs-size 104857600'
}

@test "tmpfs: a policy line tmpfs-size works" {
	local d
	d=$(hostdir)
	printf 'policy default\ntmpfs-size 12M\n' >"$d/p"
	run --separate-stderr sbx --policy "$d/p" -- /bin/sh -c "$fs_sizes" sh /dev/shm
	assert_success
	assert_output --regexp '^/dev/shm 12582912 '
}

@test "tmpfs: bad --tmpfs-size values are refused" {
	local v
	for v in abc -5M 0 10k 1.5X ''; do
		run --separate-stderr sbx --tmpfs-size "$v" -- /bin/true
		assert_failure 125
		assert_sbx_error
		[[ $stderr == *--tmpfs-size* ]] || fail "'$v': $stderr"
	done
}

@test "tmpfs: bubblewrap mode keeps a tmpfs of the kernel's default size" {
	local ram
	ram=$(($(awk '/^MemTotal:/ { print $2 }' /proc/meminfo) * 1024))
	run sbx --bwrap --ro-bind / / --tmpfs /tmp -- /bin/sh -c "$fs_sizes" sh /tmp
	assert_success
	local b
	b=$(awk '{ print $2 }' <<<"$output")
	((b > ram / 4 + 1024 * 1024)) || fail "/tmp is $b bytes: bounded in bwrap mode"
}

@test "tmpfs: --hide-home's throwaway home shares the bound" {
	run --separate-stderr sbx --hide-home --tmpfs-size 8M -- /bin/sh -c "$fs_sizes"' ; head -c 5M /dev/zero > /tmp/a && head -c 5M /dev/zero > "$HOME/b"; echo "home $?"' sh /tmp "$HOME"
	assert_success
	assert_line --regexp "^/tmp 8388608 "
	assert_line --regexp "^$HOME 8388608 "
	assert_line 'home 1'
}

@test "tmpfs: with --memory, the --overlay layer holds no more than that either" {
	run sbx --rootfs "$ROOTFS" --overlay --memory 16M --limits best-effort -- /bin/sh -c \
		'dd if=/dev/zero of=/big bs=1048576 count=20 2>/dev/null; echo "status $?"; wc -c < /big'
	refute_line 'status 0'
	local n=${lines[-1]}
	((n <= 16 * 1024 * 1024)) || fail "the layer took $n bytes under --memory 16M"
	run sbx --overlay --memory 16M --print-policy
	assert_line 'overlay-size 16777216'
}

# ------------------------------------------- counts shared with the caller

# limit_lines NAME-GLOB: "PATH HALF" for each of the caller's limits named so
limit_lines() {
	local f
	for f in /proc/sys/user/$1; do
		[[ -e $f ]] && echo "$f $(($(<"$f") / 2))"
	done
}

@test "user limits: inside, the inotify and fanotify limits are half the caller's" {
	local want
	want=$(limit_lines 'max_*' | grep -v _namespaces) || true
	[[ -n $want ]] || skip "no /proc/sys/user limits on this kernel"
	run sbx -- /bin/sh -c 'for f in /proc/sys/user/max_*; do echo "$f $(cat "$f")"; done'
	assert_success
	while read -r line; do
		assert_line "$line"
	done <<<"$want"
}

@test "user limits: the namespace counts are left when the filter refuses every new namespace (the default)" {
	[[ -e /proc/sys/user/max_user_namespaces ]] || skip "no max_user_namespaces"
	command -v unshare >/dev/null || skip "no unshare(1)"
	run sbx -- /bin/sh -c 'cat /proc/sys/user/max_user_namespaces; unshare -U true 2>/dev/null && echo MADE; echo done'
	assert_success
	refute_line "$(($(</proc/sys/user/max_user_namespaces) / 2))"
	refute_line MADE
	assert_line done
}

@test "user limits: with a list that lets the command make namespaces, every limit is half the caller's" {
	local want
	want=$(limit_lines 'max_*')
	[[ -n $want ]] || skip "no /proc/sys/user limits on this kernel"
	local list
	for list in "--seccomp-allow unshare" "--seccomp none" "--seccomp-deny ptrace"; do
		# shellcheck disable=SC2086 # two words each
		run sbx $list -- /bin/sh -c 'for f in /proc/sys/user/max_*; do echo "$f $(cat "$f")"; done'
		assert_success
		while read -r line; do
			assert_line "$line"
		done <<<"$want"
	done
}

@test "user limits: the command cannot raise them" {
	[[ -e /proc/sys/user/max_inotify_instances ]] || skip "no max_inotify_instances"
	run sbx --uid 0 -- /bin/sh -c 'echo 100000 > /proc/sys/user/max_inotify_instances; cat /proc/sys/user/max_inotify_instances'
	refute_line 100000
	assert_line "$(($(</proc/sys/user/max_inotify_instances) / 2))"
}

@test "user limits: a sandbox that takes every inotify instance it can leaves the caller some" {
	need_probe inotify_fill
	[[ -e /proc/sys/user/max_inotify_instances ]] || skip "no max_inotify_instances"
	local limit out
	limit=$(</proc/sys/user/max_inotify_instances)
	out=$(hostdir)/out
	"$SBX" -- "$PROBES/inotify_fill" hold </dev/null >"$out" 2>&1 3>&- &
	bg_pid=$!
	wait_until 10 grep -q holding "$out" || fail "probe did not start: $(cat "$out")"
	run cat "$out"
	assert_line --regexp '^opened [0-9]+: Too many open files$'
	local n
	n=$(sed -n 's/^opened \([0-9]*\):.*/\1/p' "$out")
	((n <= limit / 2)) || fail "the sandbox opened $n of the caller's $limit"
	run "$PROBES/inotify_fill" one
	assert_success
	assert_output 'opened 1: ok'
}

@test "user limits: bubblewrap mode leaves them as bwrap does" {
	[[ -e /proc/sys/user/max_inotify_instances ]] || skip "no max_inotify_instances"
	run sbx --bwrap --ro-bind / / --proc /proc --unshare-pid -- cat /proc/sys/user/max_inotify_instances
	assert_success
	refute_output "$(($(</proc/sys/user/max_inotify_instances) / 2))"
}

@test "user limits: a user namespace the command makes itself (--seccomp none) is held too" {
	need_probe inotify_fill
	[[ -e /proc/sys/user/max_inotify_instances ]] || skip "no max_inotify_instances"
	command -v unshare >/dev/null || skip "no unshare(1)"
	local limit
	limit=$(</proc/sys/user/max_inotify_instances)
	run sbx --seccomp none -- unshare -Ur "$PROBES/inotify_fill"
	[[ $output != *"unshare failed"* && $output != *"unshare: "* ]] || skip "no nested user namespace here: $output"
	assert_output --regexp '^opened [0-9]+: Too many open files$'
	local n=${output#opened }
	n=${n%%:*}
	((n <= limit / 2)) || fail "opened $n of the caller's $limit from a nested user namespace"
}
