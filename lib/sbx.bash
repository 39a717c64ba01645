# shellcheck shell=bash
# sbx.bash: run each bats test's commands in a fresh sbx(1) sandbox.
#
# Load it in a .bats file, from where `make install' put it:
#
#   load /usr/local/share/sbx/sbx.bash
#
# or as a bats library (also installed as $(PREFIX)/lib/bats/sbx/load.bash):
#
#   BATS_LIB_PATH=/usr/local/lib/bats:/usr/lib/bats bats tests/
#   ...
#   bats_load_library sbx
#
# Then, in a test:
#
#   @test "the tool writes its output in the current directory" {
#       sbx_run mytool --out result.txt
#       [ "$status" -eq 0 ]
#       [ -f "$sbx_dir/result.txt" ] && [ ! -L "$sbx_dir/result.txt" ]
#   }
#
#   @test "the tool fails cleanly without network" {
#       sbx_run --net none --setenv LANG C -- mytool --fetch
#       [ "$status" -eq 3 ]
#       [ "${lines[0]}" = "mytool: no network" ]
#   }
#
# sbx_run [RUN_FLAGS...] [SBX_OPTIONS... --] COMMAND [ARG...]
#
#   Like bats's `run': sets $status, $output and $lines (and $stderr,
#   $stderr_lines with --separate-stderr).  But COMMAND runs in a new
#   sandbox, in a fresh directory of its own, $BATS_TEST_TMPDIR/sbx.N (N
#   counts the calls of the test: sbx.1, sbx.2...), bound read-write and
#   as its working directory, and set as $sbx_dir for the test after the
#   call.  The rest of $BATS_TEST_TMPDIR is read-only inside (put the
#   command's input there), the rest of the file system too, /tmp is empty
#   and private to that one sandbox, there is no network, and the
#   environment is sbx's allow-list.  Every call is a new sandbox.
#
#   What the command left in $sbx_dir is the command's, not the test's:
#   any file there may be a symlink (to a host file the test can write), a
#   FIFO (a read that never ends) or a directory where a file should be.
#   The test's own steps run outside the sandbox, with the test's rights,
#   so they must not write into $sbx_dir, nor follow what is there: check
#   before reading ([ -f "$sbx_dir/x" ] && [ ! -L "$sbx_dir/x" ]), and
#   write the next call's input beside it, in $BATS_TEST_TMPDIR, where the
#   command cannot plant anything.
#
#   RUN_FLAGS are those of `run' itself, first: `!', `-N' (expect status
#   N), --separate-stderr, --keep-empty-lines (they need
#   `bats_require_minimum_version 1.5.0' in the test file, as with `run').
#   When the next word starts with --, the words up to the first `--' are
#   options for sbx (see sbx(1)), given after the defaults so they win;
#   otherwise all the words are the command.
#
# Settings, read at each call:
#
#   SBX           the sbx binary (default: sbx from PATH)
#   SBX_RUN_OPTS  options for every sandbox, before those of the call: a
#                 bash array, SBX_RUN_OPTS=(--net host --setenv A "b c"),
#                 or a string split at blanks, SBX_RUN_OPTS="--net host"
#
# When the test's standard input is a terminal (bats run by hand), sbx gets
# /dev/null instead, so that it never takes over the terminal.
#
# sbx_run needs to run outside any sandbox: the default seccomp list does
# not let a sandbox create another one.  With --rootfs, keep bats's
# temporary directory under /tmp (the default, unless TMPDIR says
# otherwise): the sandbox's /tmp is writable, so the mount point for
# $BATS_TEST_TMPDIR can be created there, while the rootfs is read-only.

# _sbx_run_dir: a new directory $BATS_TEST_TMPDIR/sbx.N, N one more than
# the last call's, in sbx_dir.  mkdir, not mkdir -p: never one that exists.
_sbx_run_dir() {
	local n=1
	while [[ -e $BATS_TEST_TMPDIR/sbx.$n || -L $BATS_TEST_TMPDIR/sbx.$n ]]; do
		n=$((n + 1))
	done
	sbx_dir=$BATS_TEST_TMPDIR/sbx.$n
	mkdir "$sbx_dir" || return 2
	export sbx_dir
}

# _sbx_run_split: put the words of SBX_RUN_OPTS in the array _sbx_run_opts.
_sbx_run_split() {
	_sbx_run_opts=()
	if [[ $(declare -p SBX_RUN_OPTS 2>/dev/null) == "declare -a"* ]]; then
		_sbx_run_opts=("${SBX_RUN_OPTS[@]}")
	elif [[ -n ${SBX_RUN_OPTS:-} ]]; then
		read -r -a _sbx_run_opts <<<"$SBX_RUN_OPTS"
	fi
}

sbx_run() {
	local -a run_flags=() sbx_opts=() _sbx_run_opts=()
	while (($#)); do
		case $1 in
		'!' | -[0-9]* | --separate-stderr | --keep-empty-lines)
			run_flags+=("$1")
			shift
			;;
		*) break ;;
		esac
	done
	if [[ ${1-} == --* ]]; then
		while (($#)) && [[ $1 != -- ]]; do
			sbx_opts+=("$1")
			shift
		done
		if (($# == 0)); then
			echo "sbx_run: sbx options without \`--' and a command: ${sbx_opts[*]}" >&2
			return 2
		fi
		shift
	fi
	if (($# == 0)); then
		echo "sbx_run: no command given" >&2
		return 2
	fi
	if [[ -z ${BATS_TEST_TMPDIR:-} || ! -d $BATS_TEST_TMPDIR ]]; then
		echo "sbx_run: \$BATS_TEST_TMPDIR is not set: call sbx_run from a bats test (bats 1.4 or newer)" >&2
		return 2
	fi
	_sbx_run_split
	_sbx_run_dir || return 2

	local -a cmd=("${SBX:-sbx}"
		--ro-bind "$BATS_TEST_TMPDIR" --bind "$sbx_dir" --chdir "$sbx_dir"
		"${_sbx_run_opts[@]}" "${sbx_opts[@]}" -- "$@")
	if [[ -t 0 ]]; then
		run "${run_flags[@]}" "${cmd[@]}" </dev/null
	else
		run "${run_flags[@]}" "${cmd[@]}"
	fi
}
