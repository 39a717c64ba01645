#!/usr/bin/env bats
# shellcheck disable=SC2154 # stderr, stderr_lines: set by bats run --separate-stderr
# Bad input: malformed options, policies and seccomp lists, table by table.
# Every row must end in exit 125 with one "sbx: " line on stderr (and at most
# one "hint: " line after it), with no crash (no signal, no sanitizer report
# when SBX is an ASan build: it would be more stderr), and without running
# the command, which would print RAN and create a marker file in a directory
# bound into the sandbox.  A table's failing rows are reported together.

load helpers

setup_file() { sbx_setup_file; }
teardown_file() { sbx_teardown_file; }
setup() {
	sbx_setup
	MARK=$SBX_HOSTDIR/mark
	mkdir -p "$MARK"
	D=$BATS_TEST_TMPDIR
	rows_failed=()
}

# bad ARG...: one row: sbx ARG... -- (a command leaving a mark) exits 125
# with one sbx: line (and maybe a hint) and runs nothing.
# The marker directory is bound in unless the row picks its own --rootfs.
bad() {
	local want=125
	local bind=(--bind "$MARK")
	[[ " $* " == *" --rootfs "* ]] && bind=()
	rm -f "$MARK/ran"
	run --separate-stderr timeout -k 5 "$SBX_TIMEOUT" "$SBX" "${bind[@]}" "$@" -- \
		/bin/sh -c 'echo RAN; : >"$0/ran"' "$MARK" </dev/null
	local why='' n=${#stderr_lines[@]}
	if ((n == 2)) && [[ ${stderr_lines[1]} == "hint: "* ]]; then
		n=1
	fi
	if [[ $status != "$want" ]]; then
		why="exit $status, want $want"
		((status > 128 && status != 137)) && why+=" (a signal: crashed?)"
	elif ((n != 1)) || [[ ${stderr_lines[0]:-} != "sbx: "* ]]; then
		why="${#stderr_lines[@]} stderr lines, want one 'sbx: ' line (and a hint)"
	elif [[ -n $output || -e $MARK/ran ]]; then
		why="the command ran"
	fi
	if [[ -n $why ]]; then
		local row
		row=$(printf '%q ' "$@")
		rows_failed+=("sbx ${row:0:160}: $why; stderr: ${stderr:0:400}")
	fi
}

# rows_done: fail listing every row that failed.
rows_done() {
	((${#rows_failed[@]} == 0)) || fail "$(printf '%s\n' "${rows_failed[@]}")"
}

# A string of N copies of C.
repeat() { head -c "$1" /dev/zero | tr '\0' "$2"; }

@test "empty argument strings" {
	local opt
	for opt in --rootfs --bind --ro-bind --tmpfs --chdir --hostname --uid --gid --net \
		--unsetenv --keep-env --keep-fd --seccomp --seccomp-allow --seccomp-deny --memory \
		--memory-swap --pids --cpus --timeout --kill-after --rlimit --cgroup --limits \
		--status-json --status-fd --publish --map-users --overlay-size --overlay-upper --policy; do
		bad "$opt" ''
	done
	bad --setenv '' value
	bad --bind ''
	rows_done
}

@test "an empty command is not found (127), with one sbx: line" {
	run -127 --separate-stderr sbx -- ''
	assert_sbx_error
	run -127 --separate-stderr sbx ''
	assert_sbx_error
}

@test "huge arguments (the kernel's 128 KiB limit for one)" {
	local big num path
	big=$(repeat 131000 x)
	num=$(repeat 131000 9)
	path=/$(repeat 131000 a)
	bad --hostname "$big"
	bad --net "$big"
	bad --uid "$num"
	bad --pids "$num"
	bad --memory "$num"
	bad --cpus "$num"
	bad --timeout "$num"
	bad --keep-fd "$num"
	bad --rlimit "nofile=$num"
	bad --publish "${num:0:65000}:${num:0:65000}"
	bad --bind "$path"
	bad --bind "/tmp:$path"
	bad --rootfs "$path"
	bad --tmpfs "$path"
	bad --chdir "$path"
	bad --policy "$big"
	bad --seccomp "$big"
	bad --seccomp-allow "$big"
	bad "--$big"
	rows_done
}

@test "a 1 MiB argument cannot even reach sbx (E2BIG), so: a 1 MiB policy line" {
	repeat $((1024 * 1024 - 20)) x | sed 's/^/hostname /' >"$D/long-line"
	bad --policy "$D/long-line"
	{ printf 'setenv A '; repeat $((1024 * 1024 + 1)) y; echo; } >"$D/too-big"
	bad --policy "$D/too-big"
	{ printf 'allow\ndeny '; repeat $((1024 * 1024 - 20)) z; echo; } >"$D/long.seccomp"
	bad --seccomp "$D/long.seccomp"
	rows_done
}

@test "binary bytes and control characters: rejected, and the message stays one line" {
	local bytes=$'\x01\x02\x1b[31m\x7f\n\t\r\xff\xfe'
	bad --net "$bytes"
	bad --hostname "$bytes"
	bad --hostname $'box\nname'
	bad --uid "$bytes"
	bad --memory "1$bytes"
	bad --timeout "1$bytes"
	bad --rlimit "$bytes"
	bad --publish "$bytes"
	bad --limits "$bytes"
	bad --map-users "$bytes"
	bad --seccomp-allow "$bytes"
	bad --bind "$D/$bytes"
	bad --rootfs "$D/$bytes"
	bad --policy "$bytes"
	bad --policy "$D/$bytes"
	bad --seccomp "$bytes"
	bad "--$bytes"
	bad "-$bytes"
	rows_done
}

@test "numbers out of range" {
	bad --pids 0
	bad --pids -1
	bad --pids 99999999999
	bad --pids 4194305
	bad --uid 4294967295
	bad --uid -1
	bad --uid 99999999999999999999
	bad --gid 4294967296
	bad --memory 0
	bad --memory -1
	bad --memory 0.5
	bad --memory 1e30
	bad --memory 9P
	bad --memory nan
	bad --memory-swap -1
	bad --overlay-size 0
	bad --cpus -1
	bad --cpus 0
	bad --cpus 0.001
	bad --cpus 5000
	bad --cpus nan
	bad --cpus inf
	bad --timeout -1
	bad --timeout 1e10
	bad --timeout inf
	bad --timeout nan
	bad --timeout 5x
	bad --kill-after -1
	bad --keep-fd -1
	bad --keep-fd 99999999999
	bad --keep-fd 1000
	bad --status-fd 1000
	bad --rlimit nofile=-1
	bad --rlimit nofile=10:5
	bad --rlimit nofile=99999999999999999999999
	bad --rlimit nosuch=1
	bad --publish 0:0
	bad --publish 70000:1
	bad --publish 1:70000
	bad --publish 1:1/sctp
	rows_done
}

@test "sizes below a sane minimum are refused, the amount spelled out: a unit was surely forgotten" {
	run -125 --separate-stderr "$SBX" --memory 512 --limits best-effort -- /bin/echo RAN
	assert_sbx_error
	assert_equal "${stderr_lines[0]}" "sbx: --memory 512: 512 bytes is below the 6 MiB minimum"
	assert_equal "${stderr_lines[1]}" "hint: sizes take K, M, G suffixes (512M, 2G); the smallest --memory is 6M"
	refute_output --partial RAN
	run -125 --separate-stderr "$SBX" --memory=5M -- /bin/echo RAN
	assert_equal "${stderr_lines[0]}" "sbx: --memory 5M: 5 MiB is below the 6 MiB minimum"
	run -125 --separate-stderr "$SBX" --tmpfs-size 64K -- /bin/echo RAN
	assert_equal "${stderr_lines[0]}" "sbx: --tmpfs-size 64K: 64 KiB is below the 1 MiB minimum"
	run -125 --separate-stderr "$SBX" --overlay --overlay-size 4096 -- /bin/echo RAN
	assert_equal "${stderr_lines[0]}" "sbx: --overlay-size 4096: 4096 bytes is below the 1 MiB minimum"
	refute_output --partial RAN
	# the minimums themselves are fine
	run --separate-stderr "$SBX" --memory 6M --tmpfs-size 1M --overlay-size 1M --print-policy
	assert_success
	assert_line "memory 6291456"
}

@test "--bind SRC:DST edge cases with ':'" {
	bad --bind :
	bad --bind :/x
	bad --bind a:
	bad --bind /:/
	bad --bind ::
	bad --bind ://
	bad --ro-bind :/
	bad --bind "$D/nope:/x"
	bad --bind "$D:relative"
	rows_done
}

@test "relative paths and '..' that end at the root or nowhere" {
	bad --tmpfs ../../../../../../..
	bad --tmpfs /..
	bad --tmpfs /tmp/../..
	bad --bind "$D:/.."
	bad --ro-bind /etc:/proc/../..
	bad --bind "$D:/x/../../.."
	bad --chdir ../../../../../../../nonexistent-dir
	bad --rootfs ../../../../../../../nonexistent-dir
	bad --policy ../../../../../../../nonexistent-policy
	rows_done
}

@test "a destination that is not absolute is refused, saying so; a source may be relative" {
	run -125 --separate-stderr "$SBX" --bind /etc/hostname:relative -- /bin/echo RAN
	assert_sbx_error
	assert_equal "${stderr_lines[0]}" "sbx: --bind /etc/hostname:relative: destination 'relative' is not an absolute path"
	assert_equal "${stderr_lines[1]}" "hint: a destination is a path inside the sandbox, from its root: --bind /etc/hostname:/relative"
	refute_output --partial RAN
	run -125 --separate-stderr "$SBX" --ro-bind /etc/hostname:etc/x -- /bin/echo RAN
	assert_equal "${stderr_lines[0]}" "sbx: --ro-bind /etc/hostname:etc/x: destination 'etc/x' is not an absolute path"
	run -125 --separate-stderr "$SBX" --ro-bind /etc/hostname: -- /bin/echo RAN
	assert_equal "${stderr_lines[0]}" "sbx: --ro-bind /etc/hostname:: empty destination after ':'"
	run -125 --separate-stderr "$SBX" --tmpfs relative -- /bin/echo RAN
	assert_sbx_error
	assert_equal "${stderr_lines[0]}" "sbx: --tmpfs relative: not an absolute path"
	assert_equal "${stderr_lines[1]}" 'hint: a destination is a path inside the sandbox, from its root: --tmpfs /relative, or --tmpfs "$PWD/relative"'
	refute_output --partial RAN
	# a policy line too
	printf 'tmpfs cache\n' >"$D/rel-policy"
	run -125 --separate-stderr "$SBX" --policy "$D/rel-policy" -- /bin/echo RAN
	assert_equal "${stderr_lines[0]}" "sbx: $D/rel-policy:1: --tmpfs cache: not an absolute path"
	# a source is taken against the current directory, and a file whose
	# name holds a ':' is still a source
	echo hello >"$D/data:v1"
	run --separate-stderr bash -c 'cd "$1" && "$SBX" --ro-bind data:v1:/etc/hostname -- cat /etc/hostname' _ "$D"
	assert_success
	assert_output hello
	run --separate-stderr bash -c 'cd "$1" && "$SBX" --ro-bind data:v1 -- cat "$1/data:v1"' _ "$D"
	assert_success
	assert_output hello
}

@test "a rootfs that is a file, a FIFO, a dangling symlink, an unreadable directory" {
	echo x >"$D/file"
	mkfifo "$D/fifo"
	ln -s "$D/nowhere" "$D/dangling"
	mkdir "$D/unreadable"
	chmod 000 "$D/unreadable"
	bad --rootfs "$D/file"
	bad --rootfs "$D/fifo"
	bad --rootfs "$D/dangling"
	bad --rootfs "$D/unreadable"
	bad --rootfs /dev/null
	bad --rootfs /proc/self/fd/0
	chmod 755 "$D/unreadable"
	rows_done
}

@test "policy files: NUL bytes, overlong lines, bad lines, non-files" {
	printf 'hostname a\0b\n' >"$D/nul"
	bad --policy "$D/nul"
	printf 'hostname "a b\n' >"$D/quote"
	bad --policy "$D/quote"
	printf 'no-such-option x\n' >"$D/unknown"
	bad --policy "$D/unknown"
	printf 'hostname\n' >"$D/few"
	bad --policy "$D/few"
	printf 'hostname a b c d e\n' >"$D/many"
	bad --policy "$D/many"
	printf 'print-policy\n' >"$D/print"
	bad --policy "$D/print"
	printf 'seccomp-export %s/x.bpf\n' "$D" >"$D/export"
	bad --policy "$D/export"
	printf 'hostname \001\n' >"$D/ctl"
	bad --policy "$D/ctl"
	printf '\xff\xfe\n' >"$D/binary"
	bad --policy "$D/binary"
	printf 'pids 0\n' >"$D/range"
	bad --policy "$D/range"
	printf 'hostname x\n' >"$D/unreadable"
	chmod 000 "$D/unreadable"
	bad --policy "$D/unreadable"
	mkfifo "$D/fifo"
	bad --policy "$D/fifo"
	bad --policy "$D"
	bad --policy /dev/zero
	bad --policy no-such-policy-name
	bad --policy .hidden
	rows_done
}

@test "policy includes: 9 and more deep, cycles, a missing include" {
	local i
	for i in $(seq 1 12); do
		printf 'policy %s/deep%d\n' "$D" $((i + 1)) >"$D/deep$i"
	done
	echo 'hostname deep' >"$D/deep13"
	bad --policy "$D/deep1"
	bad --policy "$D/deep4"
	printf 'policy %s/self\n' "$D" >"$D/self"
	bad --policy "$D/self"
	printf 'policy %s/ping\n' "$D" >"$D/pong"
	printf 'policy %s/pong\n' "$D" >"$D/ping"
	bad --policy "$D/ping"
	printf 'policy %s/./self\n' "$D" >"$D/self2"
	bad --policy "$D/self2"
	printf 'hostname x\npolicy %s/nope\n' "$D" >"$D/missing"
	bad --policy "$D/missing"
	rows_done
}

@test "seccomp lists: unknown calls and constants, bad syntax, out-of-range values" {
	local n=0 text
	while IFS= read -r text; do
		n=$((n + 1))
		printf '%b' "$text" >"$D/l$n.seccomp"
		bad --seccomp "$D/l$n.seccomp"
	done <<'EOF'
allow\ndeny no_such_call\n
allow\ndeny read no_such_call write\n
allow\nfrobnicate read\n
deny read\n
\n# nothing but comments\n
allow\nerrno ENOSUCH read\n
allow\nerrno\n
allow\ndeny\n
allow\ndeny ioctl if arg6 == 1\n
allow\ndeny ioctl if arg1 =~ 1\n
allow\ndeny ioctl if arg1 == NO_SUCH_CONSTANT\n
allow\ndeny ioctl if arg1 == 0x1ffffffffffffffff\n
allow\ndeny ioctl if arg1 == 0x100000000\n
allow\ndeny ioctl if arg1 < 5\n
allow\ndeny mmap if arg2 & 0\n
allow\ndeny mmap if arg0 == 1 and arg0 == 2\n
allow\ndeny mmap if arg0 == 1 or arg1 == 2\n
allow\ndeny read write if arg0 == 1\n
allow\ndeny mmap if arg0 ==\n
allow\ndeny mmap if arg0 == ||\n
allow\ndeny mmap if arg0 == 1 and arg1 == 1 and arg2 == 1 and arg3 == 1 and arg4 == 1 and arg5 == 1 and arg0 != 2 and arg0 != 3 and arg0 != 4\n
allow\ndeny read\\
allow\ninclude\n
allow\ninclude no_such_list\n
kill\ninclude default\n
allow\nread\n
allow\n\0deny read\n
allow allow\n
EOF
	{ printf 'allow\ndeny'; for i in $(seq 1 70); do printf ' read'; done; echo; } >"$D/words.seccomp"
	bad --seccomp "$D/words.seccomp"
	bad --seccomp no_such_list
	bad --seccomp-allow no_such_call
	bad --seccomp-deny no_such_call
	bad --seccomp-deny 'read write'
	rows_done
}

@test "a seccomp list longer than the kernel loads (4096 instructions): refused before the command" {
	# Six rules of eight scattered != values each on a 64-bit argument:
	# each becomes hundreds of masked comparisons, on x86_64 and on i386
	# (4583 instructions after bpfopt.c; five rules fit now, in 4016).
	local i=0 k s rule
	{
		echo allow
		for s in read write close lseek mmap munmap; do
			i=$((i + 1))
			rule="deny $s if"
			for k in 1 2 3 4 5 6 7 8; do
				((k > 1)) && rule+=" and"
				rule+=" arg0 != $((((k + 8 * i) * 2654435761) % 4294967296))"
			done
			echo "$rule"
		done
	} >"$D/long-filter.seccomp"
	bad --seccomp "$D/long-filter.seccomp"
	rows_done
	[[ $stderr == *"more than the kernel's limit of 4096"* ]] || fail "the message does not say why: $stderr"
}

@test "seccomp list includes: 9 and more deep, cycles" {
	local i
	for i in $(seq 1 12); do
		printf 'allow\ninclude ./d%d.seccomp\n' $((i + 1)) >"$D/d$i.seccomp"
	done
	printf 'allow\n' >"$D/d13.seccomp"
	bad --seccomp "$D/d1.seccomp"
	printf 'allow\ninclude ./c1.seccomp\n' >"$D/c1.seccomp"
	bad --seccomp "$D/c1.seccomp"
	printf 'allow\ninclude ./c3.seccomp\n' >"$D/c2.seccomp"
	printf 'allow\ninclude %s/c2.seccomp\n' "$D" >"$D/c3.seccomp"
	bad --seccomp "$D/c2.seccomp"
	rows_done
}
