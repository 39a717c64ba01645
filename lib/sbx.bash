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
#       [ -f "$BATS_TEST_TMPDIR/result.txt" ]
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
#   sandbox, with the test's own $BATS_TEST_TMPDIR bound read-write and as
#   its working directory: the rest of the file system is read-only, /tmp is
#   empty and private to that one sandbox, there is no network, and the
#   environment is sbx's allow-list.  Every call is a new sandbox.
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

	local -a cmd=("${SBX:-sbx}"
		--bind "$BATS_TEST_TMPDIR" --chdir "$BATS_TEST_TMPDIR"
		"${_sbx_run_opts[@]}" "${sbx_opts[@]}" -- "$@")
	if [[ -t 0 ]]; then
		run "${run_flags[@]}" "${cmd[@]}" </dev/null
	else
		run "${run_flags[@]}" "${cmd[@]}"
	fi
}
