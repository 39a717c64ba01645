#!/usr/bin/env bats
# --map-users: the caller's subordinate id ranges (/etc/subuid, /etc/subgid)
# mapped through newuidmap/newgidmap: inside 0 = the caller, 1..65535 = the
# subordinate ids.  tests/host-setup gives the test user its ranges.

load helpers

setup_file() { sbx_setup_file; }
teardown_file() { sbx_teardown_file; }

setup() {
	sbx_setup
	local me
	me=$(id -un)
	SUBUID=$(awk -F: -v u="$me" -v n="$(id -u)" '($1 == u || $1 == n) { print $2; exit }' /etc/subuid 2>/dev/null)
	SUBGID=$(awk -F: -v u="$me" -v n="$(id -g)" '($1 == u || $1 == n) { print $2; exit }' /etc/subgid 2>/dev/null)
	if [[ -z $SUBUID || -z $SUBGID ]]; then
		skip "no subordinate ids for $me in /etc/subuid and /etc/subgid (as root: tests/host-setup $me)"
	fi
	[[ -u /usr/bin/newuidmap && -u /usr/bin/newgidmap ]] || skip "newuidmap/newgidmap missing (package uidmap)"
	[[ $EUID != 0 ]] || skip "runs as the unprivileged test user"
	R=$(rootfs_copy)
}

teardown() {
	chmod -R u+rwX "$BATS_TEST_TMPDIR" 2>/dev/null || true
}

@test "--map-users auto: inside 0 is the caller, 1..65535 the subordinate ids" {
	run sbx --rootfs "$R" --map-users auto -- /bin/cat /proc/self/uid_map /proc/self/gid_map
	assert_success
	assert_equal "$(echo $output)" "0 $(id -u) 1 1 $SUBUID 65535 0 $(id -g) 1 1 $SUBGID 65535"
}

@test "--map-users auto: the command is root inside, without supplementary groups" {
	run sbx --rootfs "$R" --map-users auto -- /bin/sh -c 'id -u; id -g; id -G; cat /proc/self/setgroups'
	assert_success
	assert_equal "$(echo $output)" "0 0 0 allow"
}

@test "--map-users auto: files of the caller are root's inside" {
	run sbx --rootfs "$R" --map-users auto -- /bin/stat -c '%u:%g' /etc/passwd
	assert_success
	assert_output 0:0
}

@test "--map-users auto: chown 1:1 works on a tmpfs and ls -ln shows the owners" {
	run sbx --rootfs "$R" --map-users auto -- /bin/sh -c \
		'cd /tmp && touch a b && chown 1:1 a && chown 65534:65534 b && ls -ln a b | awk "{ print \$3, \$4 }"'
	assert_success
	assert_equal "$(echo $output)" "1 1 65534 65534"
}

@test "--map-users auto: chown works on an overlay, the rootfs is unchanged" {
	local before
	before=$(find "$R" -printf '%p %U %G %m\n' | sort)
	run sbx --rootfs "$R" --map-users auto --overlay -- /bin/sh -c \
		'chown 2:3 /etc/passwd && mkdir /home/u && chown 1000:1000 /home/u && ls -lnd /etc/passwd /home/u | awk "{ print \$3, \$4 }"'
	assert_success
	assert_equal "$(echo $output)" "2 3 1000 1000"
	assert_equal "$(find "$R" -printf '%p %U %G %m\n' | sort)" "$before"
}

@test "--map-users auto: the host sees the subordinate ids on a bound directory" {
	local d
	d=$(hostdir)
	run sbx --rootfs "$R" --map-users auto --bind "$d:/work" -- /bin/sh -c \
		'touch /work/one /work/nobody /work/mine && chown 1:1 /work/one && chown 65534:65534 /work/nobody'
	assert_success
	assert_equal "$(stat -c '%u:%g' "$d/one")" "$SUBUID:$SUBGID"
	assert_equal "$(stat -c '%u:%g' "$d/nobody")" "$((SUBUID + 65533)):$((SUBGID + 65533))"
	assert_equal "$(stat -c '%u:%g' "$d/mine")" "$(id -u):$(id -g)"
}

@test "--map-users auto: root inside keeps only the user namespace's file and id capabilities" {
	run sbx --rootfs "$R" --map-users auto -- /bin/sh -c 'grep -E "^Cap(Eff|Prm|Bnd|Inh|Amb)" /proc/self/status; grep NoNewPrivs /proc/self/status'
	assert_success
	# chown dac_override fowner fsetid kill setgid setuid net_bind_service
	assert_line --regexp '^CapEff:[[:space:]]+00000000000004fb$'
	assert_line --regexp '^CapPrm:[[:space:]]+00000000000004fb$'
	assert_line --regexp '^CapBnd:[[:space:]]+00000000000004fb$'
	assert_line --regexp '^CapInh:[[:space:]]+0+$'
	assert_line --regexp '^CapAmb:[[:space:]]+0+$'
	assert_line --regexp '^NoNewPrivs:[[:space:]]+1$'
}

@test "--map-users auto: root inside still cannot mount or write the read-only root" {
	need_probe remount
	run sbx --map-users auto -- "$PROBES/remount"
	if [[ $status != 0 || $output == *ESCAPE:* ]]; then
		fail "$(printf 'remount probe not held (exit %s):\n%s' "$status" "$output")"
	fi
	run sbx --rootfs "$R" --map-users auto -- /bin/sh -c 'touch /etc/x'
	assert_failure
	assert_output --partial 'Read-only file system'
}

@test "--map-users auto --uid 1000 --gid 1000: the command really is 1000, with no capabilities" {
	local d
	d=$(hostdir)
	chmod 777 "$d"
	run sbx --rootfs "$R" --map-users auto --uid 1000 --gid 1000 --bind "$d:/work" -- /bin/sh -c \
		'id -u; id -g; id -G; grep -E "^CapEff" /proc/self/status; touch /work/f; chown 0 /work/f 2>&1 || echo refused'
	assert_success
	assert_line --index 0 1000
	assert_line --index 1 1000
	assert_line --index 2 1000
	assert_line --regexp '^CapEff:[[:space:]]+0+$'
	assert_line refused
	assert_equal "$(stat -c '%u:%g' "$d/f")" "$((SUBUID + 999)):$((SUBGID + 999))"
}

@test "--map-users auto --uid 0: root inside" {
	run sbx --rootfs "$R" --map-users auto --uid 0 --gid 0 -- /bin/sh -c 'id -u; id -g'
	assert_success
	assert_equal "$(echo $output)" "0 0"
}

@test "--map-users auto --uid outside 0..65535 is exit 125" {
	run --separate-stderr sbx --rootfs "$R" --map-users auto --uid 70000 -- /bin/echo RAN
	assert_equal "$status" 125
	assert_equal "$output" ""
	[[ ${stderr_lines[0]} == "sbx: --uid 70000"* ]] || fail "unexpected message: $stderr"
}

@test "--map-users none (the default) maps only the caller's own id" {
	run sbx --rootfs "$R" -- /bin/sh -c 'cat /proc/self/uid_map; id -u'
	assert_success
	assert_equal "$(echo $output)" "$(id -u) $(id -u) 1 $(id -u)"
}

@test "--map-users auto without working newuidmap falls back to one id with a note" {
	# no_new_privs: the setuid newuidmap runs without its privileges
	run --separate-stderr setpriv --no-new-privs "$SBX" --rootfs "$R" --map-users auto -- /bin/cat /proc/self/uid_map
	assert_success
	assert_equal "$(echo $output)" "$(id -u) $(id -u) 1"
	assert_equal "${#stderr_lines[@]}" 1
	[[ ${stderr_lines[0]} == "sbx: note: --map-users: "*"mapping only your own id" ]] ||
		fail "unexpected note: $stderr"
}

@test "--map-users required without working newuidmap is exit 125" {
	run --separate-stderr setpriv --no-new-privs "$SBX" --rootfs "$R" --map-users required -- /bin/echo RAN
	assert_equal "$status" 125
	assert_equal "$output" ""
	[[ ${stderr_lines[0]} == "sbx: --map-users: "*newuidmap* ]] || fail "unexpected message: $stderr"
}

# Without a cgroup, --pids falls back to RLIMIT_NPROC, which counts each uid
# apart: root inside, with the subordinate ids mapped, switches uids and
# starts more.  So under --map-users the fallback is no total, and says so.
@test "--map-users --pids without a cgroup: best-effort says --pids is not enforced" {
	run --separate-stderr sbx --rootfs "$R" --map-users auto --pids 8 --limits best-effort \
		--status-json "$BATS_TEST_TMPDIR/status.json" -- /bin/echo RAN
	assert_success
	assert_output RAN
	[[ $stderr == *"no cgroup for pids"* ]] || skip "a cgroup carries --pids here"
	[[ $stderr == *"; enforced: nothing; not enforced: --pids (RLIMIT_NPROC limits each uid apart, and with --map-users the command can switch uids)" ]] ||
		fail "unexpected warning: $stderr"
	grep -q '"pids": {"max": 8, "how": "rlimit-per-uid"}' "$BATS_TEST_TMPDIR/status.json" ||
		fail "report: $(cat "$BATS_TEST_TMPDIR/status.json")"
}

@test "--map-users --pids without a cgroup: refused by default, with a hint that says why" {
	run --separate-stderr sbx --rootfs "$R" --map-users auto --pids 8 -- /bin/echo RAN
	[[ $status != 0 || $output != RAN ]] || skip "a cgroup carries --pids here"
	assert_equal "$status" 125
	assert_equal "$output" ""
	assert_sbx_error
	[[ ${stderr_lines[0]} == "sbx: cannot enforce --pids: "* ]] || fail "unexpected message: $stderr"
	[[ ${stderr_lines[1]} == "hint: "*"--map-users"*"--cgroup"* || ${stderr_lines[1]} == "hint: "*"--cgroup"*"--map-users"* ]] ||
		fail "the hint does not say why --map-users matters: $stderr"
}

@test "--map-users auto: directories left to subordinate ids are named after the run, with the command that removes them" {
	local d
	d=$(hostdir)
	mkdir "$d/mine"
	run --separate-stderr sbx --rootfs "$R" --map-users auto --bind "$d:/work" -- /bin/sh -c \
		'mkdir -p /work/a/b "/work/we ird" && echo x > /work/a/b/f && chmod 700 /work/a && chown -R 1:1 /work/a &&
		echo y > "/work/we ird/f" && chown 5:5 "/work/we ird" && touch /work/mine/f && chown 7 /work/mine/f'
	assert_success
	[[ ${stderr_lines[0]} == "sbx: note: --map-users: the command left 2 directories owned by other ids in $d ("* ]] ||
		fail "no note: $stderr"
	local hint="${stderr_lines[1]}"
	[[ $hint == "hint: remove them where they are yours: sbx --map-users auto --bind $d -- rm -rf "* ]] ||
		fail "no hint: $stderr"
	[[ $hint == *" '$d/we ird'"* && $hint == *" $d/a"* && $hint != *mine* ]] || fail "wrong directories: $hint"
	run rm -rf "$d/a"
	assert_failure
	# the hint's command, as the user would paste it
	local cmd="${hint#hint: remove them where they are yours: sbx }"
	run bash -c "\"\$SBX\" $cmd"
	assert_success
	run rm -rf "$d"
	assert_success
}

@test "--map-users auto: a bind given away as a whole is named, with the command that takes it back" {
	local d
	d=$(hostdir)
	run --separate-stderr sbx --rootfs "$R" --map-users auto --bind "$d:/work" -- /bin/sh -c \
		'mkdir /work/x && touch /work/x/f && chown -R 3:3 /work'
	assert_success
	assert_equal "${stderr_lines[0]}" "sbx: note: --map-users: the command gave $d to uid $((SUBUID + 2)): you cannot change what is in it yourself"
	assert_equal "${stderr_lines[1]}" "hint: take it back: sbx --map-users auto --bind $d -- chown -R 0:0 $d"
	local cmd="${stderr_lines[1]#hint: take it back: sbx }"
	run bash -c "\"\$SBX\" $cmd"
	assert_success
	run rm -rf "$d"
	assert_success
}

@test "--map-users auto: nothing is said when the caller can remove everything" {
	local d
	d=$(hostdir)
	run --separate-stderr sbx --rootfs "$R" --map-users auto --bind "$d:/work" -- /bin/sh -c \
		'mkdir /work/a && touch /work/a/f && chown 1:1 /work/a/f && mkdir /work/empty && chown 2:2 /work/empty'
	assert_success
	assert_equal "$stderr" ""
}
