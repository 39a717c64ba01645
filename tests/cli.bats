#!/usr/bin/env bats
# Command line: options, errors, exit codes of sbx itself, --help, --version.

load helpers

setup_file() { sbx_setup_file; }
teardown_file() { sbx_teardown_file; }
setup() { sbx_setup; }

@test "--version prints a version on stdout and exits 0" {
	run --separate-stderr sbx --version
	assert_success
	assert_output --regexp '^sbx [0-9]+\.[0-9]+'
	[[ -z $stderr ]] || fail "unexpected stderr: $stderr"
}

@test "--version --verbose names the C library sbx was built with, and how it is linked" {
	run -0 sbx --version --verbose
	assert_line --regexp '^C library: (glibc [0-9]+\.[0-9]+|musl), linked (statically|dynamically)$'
	# the binary says so itself: a static one has no program interpreter
	if LC_ALL=C readelf -l "$SBX" 2>/dev/null | grep -q 'program interpreter'; then
		assert_line --regexp 'linked dynamically$'
	else
		assert_line --regexp 'linked statically$'
	fi
}

@test "--help prints usage naming every option and exits 0" {
	run --separate-stderr sbx --help
	assert_success
	assert_output --partial 'sbx [OPTIONS] [--] COMMAND'
	local opt
	for opt in --rootfs --bind --ro-bind --tmpfs --bind-cwd --chdir \
		--hostname --uid --gid --setenv --unsetenv --keep-env --clearenv \
		--keep-fd --net --seccomp --die-with-parent --version --help; do
		[[ $output == *"$opt "* ]] || fail "--help does not mention $opt"
	done
}

@test "unknown option is exit 125 with one sbx: line and the command is not run" {
	run -125 --separate-stderr sbx --no-such-option -- /bin/echo RAN
	assert_sbx_error
	[[ $stderr == *--no-such-option* ]] || fail "message does not name the option: $stderr"
	refute_output --partial RAN
}

@test "-h is --help" {
	run --separate-stderr sbx -h
	assert_success
	assert_output --partial 'sbx [OPTIONS] [--] COMMAND'
	# after an option and its value too
	run --separate-stderr sbx --net host -h
	assert_success
	assert_output --partial 'sbx [OPTIONS] [--] COMMAND'
	run --separate-stderr sbx --hostname x --help
	assert_success
	assert_output --partial 'sbx [OPTIONS] [--] COMMAND'
}

@test "--option=value works for every option that takes one value" {
	run --separate-stderr sbx --hostname=from-equals --chdir=/tmp -- sh -c 'hostname; pwd'
	assert_success
	assert_output $'from-equals\n/tmp'
	run --separate-stderr sbx --timeout=30m --kill-after=1s --tmpfs-size=64M --policy=default -- true
	assert_success
	# a value holding '=' keeps it
	run --separate-stderr sbx --rlimit=nofile=64:64 -- sh -c 'ulimit -n'
	assert_success
	assert_output 64
}

@test "--option=value on an option that takes no value, or two, is refused and says how" {
	run -125 --separate-stderr sbx --overlay=yes -- /bin/echo RAN
	assert_sbx_error
	[[ $stderr == *"--overlay takes no argument"* ]] || fail "$stderr"
	run -125 --separate-stderr sbx --setenv=A B -- /bin/echo RAN
	assert_sbx_error
	assert_equal "${stderr_lines[1]}" "hint: give them as separate words: --setenv NAME VALUE"
	refute_output --partial RAN
}

@test "a misspelt option is refused with the option it looks like" {
	run -125 --separate-stderr sbx --rootf / -- /bin/echo RAN
	assert_sbx_error
	assert_equal "${stderr_lines[0]}" "sbx: unknown option --rootf"
	assert_equal "${stderr_lines[1]}" "hint: did you mean --rootfs? (see 'sbx --help')"
	run -125 --separate-stderr sbx --memroy=4G -- /bin/echo RAN
	assert_equal "${stderr_lines[1]}" "hint: did you mean --memory? (see 'sbx --help')"
	run -125 --separate-stderr sbx -bind-cwd -- /bin/echo RAN
	assert_equal "${stderr_lines[1]}" "hint: did you mean --bind-cwd? (see 'sbx --help')"
	# nothing close: the help
	run -125 --separate-stderr sbx --frobnicate -- /bin/echo RAN
	assert_sbx_error
	assert_equal "${stderr_lines[1]}" "hint: see 'sbx --help'"
	refute_output --partial RAN
}

@test "a misspelt option in a policy file is refused with the option it looks like" {
	local p="$SBX_HOSTDIR/misspelt"
	printf 'hostname x\nrootf /\n' >"$p"
	run -125 --separate-stderr sbx --policy "$p" -- /bin/echo RAN
	assert_sbx_error
	assert_equal "${stderr_lines[0]}" "sbx: $p:2: unknown option 'rootf'"
	assert_equal "${stderr_lines[1]}" "hint: did you mean 'rootfs'? (see sbx-policy(5))"
	# what a policy cannot say is not suggested
	printf 'print-policy\n' >"$p"
	run -125 --separate-stderr sbx --policy "$p" -- /bin/echo RAN
	assert_sbx_error
	assert_equal "$stderr" "sbx: $p:1: unknown option 'print-policy'"
	refute_output --partial RAN
}

@test "an unknown policy name is refused with the close one and the policies there are" {
	run -125 --separate-stderr sbx --policy biuld -- /bin/echo RAN
	assert_sbx_error
	[[ ${stderr_lines[1]} == "hint: did you mean 'build'? policies: "*"bats, build, ci-env, default, shell, strict"* ]] ||
		fail "$stderr"
	run -125 --separate-stderr sbx --policy no-such-thing -- /bin/echo RAN
	assert_sbx_error
	[[ ${stderr_lines[1]} == "hint: policies: "*"build"* ]] || fail "$stderr"
	run -125 --separate-stderr sbx --seccomp strcit -- /bin/echo RAN
	assert_sbx_error
	[[ ${stderr_lines[1]} == "hint: did you mean 'strict'? seccomp lists: default, strict"* ]] || fail "$stderr"
	refute_output --partial RAN
}

@test "'--' taken for an option's value is refused: the command's -- came too early" {
	run -125 --separate-stderr sbx --setenv FOO -- /bin/echo RAN
	assert_sbx_error
	assert_equal "${stderr_lines[0]}" "sbx: --setenv: missing argument (found '--' where NAME VALUE should be)"
	assert_equal "${stderr_lines[1]}" "hint: give --setenv its NAME VALUE before the '--' that starts the command"
	refute_output --partial RAN
	run -125 --separate-stderr sbx --chdir -- /bin/echo RAN
	assert_sbx_error
	[[ $stderr == *"--chdir: missing argument (found '--'"* ]] || fail "$stderr"
	refute_output --partial RAN
	# written after '=', it is the user's own choice
	run --separate-stderr sbx --hostname=-- -- hostname
	assert_success
	assert_output -- --
}

@test "option missing its argument is exit 125 and the command is not run" {
	local opt
	for opt in --rootfs --bind --ro-bind --tmpfs --chdir --hostname --uid \
		--gid --setenv --unsetenv --keep-env --keep-fd --net --seccomp; do
		run --separate-stderr sbx "$opt"
		[[ $status == 125 ]] || fail "sbx $opt (no argument): exit $status, want 125; stderr: $stderr"
		assert_sbx_error
	done
	# --setenv takes two arguments
	run -125 --separate-stderr sbx --setenv NAME
	assert_sbx_error
}

@test "no command is exit 125" {
	run -125 --separate-stderr sbx
	assert_sbx_error
	run -125 --separate-stderr sbx --
	assert_sbx_error
}

@test "missing --rootfs directory is exit 125 naming it, command not run" {
	run -125 --separate-stderr sbx --rootfs "$SBX_HOSTDIR/no-such-root" -- /bin/echo RAN
	assert_sbx_error
	assert_equal "$output" ""
	[[ $stderr == *"$SBX_HOSTDIR/no-such-root"* ]] || fail "message does not name the path: $stderr"
}

@test "--rootfs that is not a directory is exit 125" {
	local f="$SBX_HOSTDIR/a-file"
	echo x >"$f"
	run -125 --separate-stderr sbx --rootfs "$f" -- /bin/echo RAN
	assert_sbx_error
	assert_equal "$output" ""
	[[ $stderr == *"$f"* ]] || fail "message does not name the path: $stderr"
}

@test "missing --bind source is exit 125 naming it, command not run" {
	run -125 --separate-stderr sbx --bind "$SBX_HOSTDIR/nope:/mnt" -- /bin/echo RAN
	assert_sbx_error
	assert_equal "$output" ""
	[[ $stderr == *"$SBX_HOSTDIR/nope"* ]] || fail "message does not name the path: $stderr"
}

@test "missing --ro-bind source is exit 125, command not run" {
	run -125 --separate-stderr sbx --ro-bind "$SBX_HOSTDIR/nope" -- /bin/echo RAN
	assert_sbx_error
	assert_equal "$output" ""
}

@test "host paths are looked at once every option is read: a malformed option is reported first" {
	run -125 --separate-stderr sbx --bind "$SBX_HOSTDIR/nope" --net bogus -- /bin/echo RAN
	assert_equal "$stderr" "sbx: --net: 'bogus': expected none, host or user"
	# among the host checks, the order of the options
	run -125 --separate-stderr sbx --keep-fd 97 --bind "$SBX_HOSTDIR/nope" -- /bin/echo RAN
	assert_equal "$stderr" "sbx: --keep-fd 97: Bad file descriptor"
	assert_equal "$output" ""
}

@test "invalid --net and --seccomp values are exit 125" {
	run -125 --separate-stderr sbx --net bogus -- /bin/true
	assert_sbx_error
	run -125 --separate-stderr sbx --seccomp bogus -- /bin/true
	assert_sbx_error
}

@test "non-numeric --uid, --gid and --keep-fd are exit 125" {
	run -125 --separate-stderr sbx --uid abc -- /bin/true
	assert_sbx_error
	run -125 --separate-stderr sbx --gid 12x -- /bin/true
	assert_sbx_error
	run -125 --separate-stderr sbx --keep-fd x -- /bin/true
	assert_sbx_error
}

@test "command not found is exit 127" {
	run -127 sbx -- /no/such/command
	run -127 sbx -- sbx-no-such-command-on-path
}

@test "command not found is 127 even when PATH holds a directory it cannot search" {
	[[ $EUID != 0 ]] || skip "root can search every directory"
	# /root is not searchable by the test user, so execvp says EACCES
	run -127 --separate-stderr sbx --setenv PATH /root/bin:/usr/bin:/bin -- sbx-no-such-command-on-path
	assert_sbx_error
	[[ $stderr == *"command not found"* ]] || fail "expected 'command not found', got: $stderr"
}

@test "command not executable is exit 126" {
	# /etc/passwd exists on the host root but has no x bit
	run -126 sbx -- /etc/passwd
	# a directory cannot be executed either
	run -126 sbx -- /etc
}

@test "arguments after -- reach the command verbatim" {
	run sbx -- /bin/sh -c 'printf "[%s]" "$@"' sh 'a b' '' '--rootfs' '*' '$HOME'
	assert_success
	assert_output '[a b][][--rootfs][*][$HOME]'
}

@test "options after the command belong to the command" {
	run sbx /bin/echo --hostname x --version
	assert_success
	assert_output '--hostname x --version'
}

@test "stdin, stdout and stderr pass through" {
	run --separate-stderr bash -c 'printf "in-%s\n" 1 2 3 | timeout 20 "$SBX" -- /bin/sh -c "cat; echo to-err >&2"'
	assert_success
	assert_output $'in-1\nin-2\nin-3'
	assert_equal "$stderr" "to-err"
}

@test "a megabyte of binary stdin passes through intact" {
	local f="$SBX_HOSTDIR/blob"
	head -c 1048576 /dev/urandom >"$f"
	want=$(md5sum <"$f")
	run bash -c 'timeout 20 "$SBX" -- cat <"$1" | md5sum' _ "$f"
	assert_success
	assert_output "$want"
}

@test "user.max_user_namespaces = 0 is exit 125 with a hint naming the sysctl" {
	[[ $EUID != 0 ]] || skip "as the unprivileged user only"
	command -v unshare >/dev/null || skip "unshare missing"
	# The limit is per user namespace: set it to 0 in one of our own, and
	# run sbx there, as on a host where an administrator disabled them.
	run -125 --separate-stderr unshare -Ur /bin/sh -c \
		'echo 0 > /proc/sys/user/max_user_namespaces && exec "$0" -- /bin/true' "$SBX"
	assert_sbx_error
	[[ ${stderr_lines[1]:-} == "hint: "*"max_user_namespaces = 0"* ]] || fail "no hint naming the sysctl: $stderr"
}

@test "--die-with-parent is an option and a policy line, printed back by --print-policy" {
	local p="$SBX_HOSTDIR/parent.policy"
	printf 'policy default\ndie-with-parent\n' >"$p"
	run --separate-stderr sbx --policy "$p" --print-policy
	assert_success
	assert_line die-with-parent
	run --separate-stderr sbx --die-with-parent --print-policy
	assert_success
	assert_line die-with-parent
	run --separate-stderr sbx --print-policy
	assert_success
	refute_line die-with-parent
}
