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
#   SBX_RUN_KEEP_ENV='MYTOOL_*'     # the settings the suite exports
#
#   @test "the tool writes its output in the current directory" {
#       cd "$BATS_TEST_TMPDIR"
#       sbx_run mytool --out result.txt
#       [ "$status" -eq 0 ]
#       [ -f result.txt ] && [ ! -L result.txt ]
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
#   sandbox: no network, an empty throwaway home, a private /tmp, the rest
#   of the file system read-only, sbx's allow-listed environment plus the
#   variables that tell a CI run (CI, GITHUB_ACTIONS...: sbx's policy
#   ci-env, never a token) and those SBX_RUN_KEEP_ENV names.  Every call is
#   a new sandbox.  Inside, as the test left them:
#
#   - $BATS_TEST_TMPDIR, read-write: the only place the command can write;
#   - the suite's temporary directories, read-only (SBX_RUN_TMPDIRS);
#   - the project, read-only: $SBX_RUN_PROJECT (default: $BATS_CWD, where
#     bats was started), and the test file's directory;
#   - the working directory: the test's own ($PWD, after its `cd'), when
#     it is one of those or elsewhere in the read-only root; else, as for
#     SBX_RUN_CWD=own, a fresh directory.
#
#   Each call also makes a fresh directory, $BATS_TEST_TMPDIR/sbx.N (N
#   counts the calls of the test: sbx.1, sbx.2...), set as $sbx_dir.
#
#   The test's own steps run outside the sandbox, with the test's rights,
#   and read and write what the command left.  So that they do not follow
#   what it planted, after each call every symlink the command made in
#   $BATS_TEST_TMPDIR that leads out of it, and every FIFO or socket it
#   made there, is removed, and said so on stderr (removed, not renamed:
#   a glob or a walk of its directory would still find a renamed one).
#   Made means not the very file the test had there before the call: same
#   device, inode, ctime and target.  First every directory there gets rwx
#   for the test user back (the command can chmod what it made).  When a
#   directory cannot be looked through or a name cannot be removed or is
#   longer than PATH_MAX, or links take over 10 s to follow, the call
#   fails.  A link through /proc/self leads out (where it leads depends on
#   who follows it).  sbx_run's own programs (find, readlink, rm, mkdir,
#   timeout, sbx) come from PATH outside $BATS_TEST_TMPDIR.  Any file there
#   may still be a directory where a file should be: check before reading
#   ([ -f "$f" ] && [ ! -L "$f" ]).
#
#   RUN_FLAGS are those of `run' itself, first: `!', `-N' (expect status
#   N), --separate-stderr, --keep-empty-lines (they need
#   `bats_require_minimum_version 1.5.0' in the test file, as with `run').
#   When the next word starts with --, the words up to the first `--' are
#   options for sbx (see sbx(1)), given after the defaults so they win;
#   otherwise all the words are the command.  COMMAND is a program: a
#   shell function of the test is refused, since it would need the test's
#   own shell (sbx_run bash -c '...' runs shell code).
#
# Settings, read at each call:
#
#   SBX_RUN_KEEP_ENV  names of the test's exported variables to pass in,
#                 separated by blanks; NAME* for all with that prefix
#                 (sbx --keep-env: never a name with TOKEN, SECRET,
#                 PASS, KEY, PWD... in it, nor a value with a
#                 user:password@ URL, unless named in full):
#                 SBX_RUN_KEEP_ENV='RBENV_* GEM_HOME'
#   SBX_RUN_TMPDIRS   which of the suite's temporary directories are
#                 visible, read-only: test (none but $BATS_TEST_TMPDIR),
#                 file ($BATS_FILE_TMPDIR too: what setup_file made; the
#                 default), suite ($BATS_SUITE_TMPDIR too), run (the whole
#                 $BATS_RUN_TMPDIR, every file's and test's)
#   SBX_RUN_CWD       follow (the default, as above) or own: always the
#                 fresh $sbx_dir, with $BATS_TEST_TMPDIR read-only, so
#                 only $sbx_dir can be written
#   SBX_RUN_PROJECT   the project directory, shown read-only (default:
#                 $BATS_CWD; never /, /tmp, /var/tmp, /run, /dev/shm, the
#                 home or a directory above it; empty: none)
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
# otherwise): the sandbox's /tmp is writable, so the mount points for the
# temporary directories can be created there, while the rootfs is
# read-only.

# _sbx_run_need NAME...: the programs sbx_run itself runs outside any
# sandbox (find, chmod, readlink, rm, mkdir, timeout, and sbx unless $SBX
# names it), as absolute paths in the associative array _sbx_run_tool,
# found in the directories of PATH the command cannot write: none under
# $BATS_TEST_TMPDIR, none relative (the working directory may be there).
# A test's stubs there (PATH=$BATS_TEST_TMPDIR/bin:$PATH) stay in the
# command's PATH, but a find the command put among them is never run by
# sbx_run.  Each is looked up when first needed, and again only when PATH,
# $BATS_TEST_TMPDIR or $SBX change (the command cannot write where they
# were found).  1, said, when one is missing.
_sbx_run_need() {
	local key=$PATH$'\n'$BATS_TEST_TMPDIR$'\n'${SBX-} rest dir name path
	local -a dirs=()
	if [[ ${_sbx_run_tools_for-} != "$key" ]]; then
		declare -gA _sbx_run_tool=()
		_sbx_run_tools_for=$key
	fi
	for name; do
		[[ -z ${_sbx_run_tool[$name]-} ]] || continue
		path=
		[[ $name == sbx ]] && path=${SBX:-}
		if [[ -z $path && ${#dirs[@]} == 0 ]]; then
			rest=${PATH-}:
			while [[ -n $rest ]]; do
				dir=${rest%%:*}
				rest=${rest#*:}
				[[ $dir == /* ]] && ! _sbx_run_under "$dir" "$BATS_TEST_TMPDIR" && dirs+=("$dir")
			done
		fi
		for dir in "${dirs[@]}"; do
			[[ -z $path ]] || break
			[[ -x $dir/$name && -f $dir/$name ]] && path=$dir/$name
		done
		if [[ -z $path ]]; then
			echo "sbx_run: $name: not found in PATH outside \$BATS_TEST_TMPDIR" >&2
			return 1
		fi
		_sbx_run_tool[$name]=$path
	done
}

# _sbx_run_dir: a new directory $BATS_TEST_TMPDIR/sbx.N, N one more than
# the last call's, in sbx_dir.  mkdir, not mkdir -p: never one that exists.
_sbx_run_dir() {
	local n=1
	while [[ -e $BATS_TEST_TMPDIR/sbx.$n || -L $BATS_TEST_TMPDIR/sbx.$n ]]; do
		n=$((n + 1))
	done
	sbx_dir=$BATS_TEST_TMPDIR/sbx.$n
	"${_sbx_run_tool[mkdir]}" "$sbx_dir" || return 2
	export sbx_dir
}

# _sbx_run_split: put the words of SBX_RUN_OPTS in the array _sbx_run_opts.
_sbx_run_split() {
	_sbx_run_opts=()
	if [[ ${SBX_RUN_OPTS@a} == *a* ]]; then
		_sbx_run_opts=("${SBX_RUN_OPTS[@]}")
	elif [[ -n ${SBX_RUN_OPTS:-} ]]; then
		read -r -a _sbx_run_opts <<<"$SBX_RUN_OPTS"
	fi
}

# _sbx_run_under DIR PARENT: DIR is PARENT or below it.
_sbx_run_under() {
	[[ $1 == "$2" || $1 == "${2%/}"/* ]]
}

# _sbx_run_project: the project directory to show in _sbx_run_proj, or
# nothing when there is none or it is one that other programs share, or
# holds the home.  (No $(...) in sbx_run's own steps: a fork of the test's
# shell costs milliseconds.)
_sbx_run_project() {
	local dir=${SBX_RUN_PROJECT-${BATS_CWD:-}}
	_sbx_run_proj=
	[[ -n $dir && -d $dir ]] || return 0
	[[ $dir == /* ]] || dir=$PWD/$dir
	while [[ $dir == */ && $dir != / ]]; do dir=${dir%/}; done
	case $dir in
	/ | /tmp | /var/tmp | /run | /dev/shm | */. | */.. | */./* | */../*) return 0 ;;
	esac
	[[ -n ${HOME:-} ]] && _sbx_run_under "$HOME" "$dir" && return 0
	_sbx_run_proj=$dir
}

# _sbx_run_mounts: the binds of one call in _sbx_run_binds (read-only
# before read-write, wider before narrower, as sbx applies them in order)
# and the working directory in _sbx_run_chdir.
_sbx_run_mounts() {
	local _sbx_run_proj project ro=() d
	_sbx_run_project
	project=$_sbx_run_proj
	[[ -n $project ]] && ro+=("$project")
	if [[ -n ${BATS_TEST_DIRNAME:-} ]] && ! { [[ -n $project ]] && _sbx_run_under "$BATS_TEST_DIRNAME" "$project"; }; then
		ro+=("$BATS_TEST_DIRNAME")
	fi
	case ${SBX_RUN_TMPDIRS:-file} in
	test) ;;
	file) ro+=("${BATS_FILE_TMPDIR:-}") ;;
	suite) ro+=("${BATS_SUITE_TMPDIR:-}" "${BATS_FILE_TMPDIR:-}") ;;
	run) ro+=("${BATS_RUN_TMPDIR:-}") ;;
	*)
		echo "sbx_run: SBX_RUN_TMPDIRS='$SBX_RUN_TMPDIRS': not test, file, suite or run" >&2
		return 2
		;;
	esac
	_sbx_run_binds=()
	for d in "${ro[@]}"; do
		[[ -n $d && -d $d ]] && _sbx_run_binds+=(--ro-bind "$d")
	done
	case ${SBX_RUN_CWD:-follow} in
	own)
		_sbx_run_binds+=(--ro-bind "$BATS_TEST_TMPDIR" --bind "$sbx_dir")
		_sbx_run_chdir=$sbx_dir
		return 0
		;;
	follow) ;;
	*)
		echo "sbx_run: SBX_RUN_CWD='$SBX_RUN_CWD': not follow or own" >&2
		return 2
		;;
	esac
	_sbx_run_binds+=(--bind "$BATS_TEST_TMPDIR")
	_sbx_run_chdir=$sbx_dir
	for d in "$BATS_TEST_TMPDIR" "${ro[@]}"; do
		if [[ -n $d ]] && _sbx_run_under "$PWD" "$d"; then
			_sbx_run_chdir=$PWD
			return 0
		fi
	done
	# elsewhere: the read-only root shows it, but not the private /tmp,
	# /var/tmp, /run and /dev/shm
	for d in /tmp /var/tmp /run /dev/shm; do
		_sbx_run_under "$PWD" "$d" && return 0
	done
	_sbx_run_chdir=$PWD
}

# _sbx_run_odd NAME [after]: the symlinks, FIFOs and sockets in
# $BATS_TEST_TMPDIR, into the associative array NAME: path -> "DEV INODE
# CTIME TYPE TARGET", what tells the same file changed by no one (an inode
# number alone can be freed and given to a new link).  Names are read
# NUL-separated, whole.  With `after': first every directory there is made
# rwx for the test user again (the command owns what it made and can chmod
# it; find gives each directory its chmod before reading it), and an error
# of find fails (what it could not read may hide a link); before the call
# an error only hides what is then taken for new.
_sbx_run_odd() {
	local -n _sbx_run_into=$1
	local key path lastpipe='' ended='' status
	if [[ ${2-} == after ]]; then
		_sbx_run_none_odd after && return 0
		_sbx_run_need find chmod || return 1
		# a pipe into this shell (lastpipe), for find's status: wait on a
		# process substitution loses it now and then (bash 5.2)
		shopt -q lastpipe && lastpipe=1
		shopt -s lastpipe
		"${_sbx_run_tool[find]}" -P "$BATS_TEST_TMPDIR" \( -type d ! -perm -u=rwx -exec "${_sbx_run_tool[chmod]}" u+rwx -- {} \; -false \) -o \
			\( -type l -o -type p -o -type s \) -printf '%D %i %C@ %y %l\0%p\0' |
			{
				while IFS= read -r -d '' key && IFS= read -r -d '' path; do
					_sbx_run_into["$path"]=$key
				done
				ended=1
			}
		status=${PIPESTATUS[0]}
		[[ -n $lastpipe ]] || shopt -u lastpipe
		# (ended unset: the loop ran in a subshell, as under set -m)
		[[ $status == 0 && -n $ended ]] && return 0
		echo "sbx_run: could not look through $BATS_TEST_TMPDIR for what the command planted there: do not trust its files" >&2
		return 1
	fi
	_sbx_run_none_odd && return 0
	_sbx_run_need find || return 1
	while IFS= read -r -d '' key && IFS= read -r -d '' path; do
		_sbx_run_into["$path"]=$key
	done < <("${_sbx_run_tool[find]}" -P "$BATS_TEST_TMPDIR" \( -type l -o -type p -o -type s \) -printf '%D %i %C@ %y %l\0%p\0' 2>/dev/null)
}

# _sbx_run_none_odd [after]: 0 when $BATS_TEST_TMPDIR, walked by globs in
# this shell, holds no symlink, FIFO or socket (and, after the call, no
# directory the test user lacks rwx on, which find would chmod): then there
# is nothing to note or put aside, and no find to start (a fork of the
# test's shell and an exec: 2-3 ms, where this walk takes 15 us a file and
# 50 a directory).  1 when it holds one; when it holds more than about 100
# files or 25 directories, where find is the quicker (and from then on in
# this test: each call adds a directory); or, after, when the test runs as
# root, whom rwx tests do not hold back: find does the work.  A symlink to
# a directory is not followed.  Before the call, a directory the test
# cannot read hides its entries, as it does from find; after, it sends the
# work to find.  The test's dotglob, nullglob and failglob do not apply
# here, and are left as they were; under its set -f or GLOBIGNORE, find
# does the work.
_sbx_run_none_odd() {
	local -a dirs=("$BATS_TEST_TMPDIR") entries
	local path cost=0 rc=0 opt was=()
	# over the budget once, over it again: the directory seldom shrinks
	[[ ${_sbx_run_big_dir-} != "$BATS_TEST_TMPDIR" ]] || return 1
	# the test's noglob (set -f) or GLOBIGNORE would hide names from the
	# globs, and a local GLOBIGNORE would set dotglob anew on return
	[[ $- != *f* && -z ${GLOBIGNORE-} ]] || return 1
	if [[ ${1-} == after ]]; then
		((EUID != 0)) || return 1
		[[ -r $BATS_TEST_TMPDIR && -w $BATS_TEST_TMPDIR && -x $BATS_TEST_TMPDIR ]] || return 1
	fi
	for opt in dotglob nullglob failglob; do
		shopt -q "$opt" && was+=("$opt")
	done
	shopt -s dotglob nullglob
	shopt -u failglob
	while ((rc == 0 && ${#dirs[@]})); do
		entries=("${dirs[0]}"/*)
		dirs=("${dirs[@]:1}")
		for path in "${entries[@]}"; do
			# a plain file: one lstat, one stat; anything but a file or
			# a directory (a link, FIFO, socket, device) is find's
			if [[ -L $path ]] || ((++cost > 100)); then
				rc=1
			elif [[ -f $path ]]; then
				continue
			elif [[ ! -d $path ]] || ((cost += 3, cost > 100)); then
				rc=1
			elif [[ ${1-} == after && ! (-r $path && -w $path && -x $path) ]]; then
				rc=1
			else
				dirs+=("$path")
				continue
			fi
			break
		done
	done
	shopt -u dotglob nullglob
	((${#was[@]} == 0)) || shopt -s "${was[@]}"
	((cost <= 100)) || _sbx_run_big_dir=$BATS_TEST_TMPDIR
	return "$rc"
}

# _sbx_run_shown NAME: NAME as it can be printed, in _sbx_run_name: with
# %q's quoting when it holds a character that is not printable (the
# command chose it: no escape sequence reaches the terminal).
_sbx_run_shown() {
	if [[ $1 == *[![:print:]]* ]]; then
		printf -v _sbx_run_name %q "$1"
	else
		_sbx_run_name=$1
	fi
}

# _sbx_run_too_long PATH: PATH is PATH_MAX bytes or more (bytes, not the
# characters of the test's locale).
_sbx_run_too_long() {
	local LC_ALL=C
	((${#1} >= 4096))
}

# _sbx_run_aside PATH: remove PATH, a link, FIFO or socket the command
# made (a renamed one would still be found by a glob or a walk of its
# directory); 1 when it cannot be removed.
_sbx_run_aside() {
	local path=$1 _sbx_run_name
	_sbx_run_shown "$path"
	aside[$path]=1
	_sbx_run_need rm || return 1
	if "${_sbx_run_tool[rm]}" -f -- "$path" && [[ ! -e $path && ! -L $path ]]; then
		echo "sbx_run: $_sbx_run_name: made by the command inside, leads out of \$BATS_TEST_TMPDIR or is no plain file: removed" >&2
		return 0
	fi
	echo "sbx_run: $_sbx_run_name: made by the command inside, leads out of \$BATS_TEST_TMPDIR or is no plain file, and could not be removed: do not use it" >&2
	return 1
}

# _sbx_run_resolve SECONDS FLAG PATH...: readlink FLAG of each PATH, run
# from / with no input and no errors, killed after SECONDS (in a subshell:
# it execs).
_sbx_run_resolve() {
	cd / && exec "${_sbx_run_tool[timeout]}" -s KILL "$1" "${_sbx_run_tool[readlink]}" "$2" -- "${@:3}" </dev/null 2>/dev/null
}

# _sbx_run_quarantine BEFORE: remove what the command planted in
# $BATS_TEST_TMPDIR (not in the associative array BEFORE, or not the same)
# that the test's next steps could follow: a symlink out of it, a FIFO (a
# read that never ends) or a socket.  Again after a rename, until nothing
# is left: a link can lead out through a name just given.  1 when
# something could not be looked at or renamed.
_sbx_run_quarantine() {
	local -n _sbx_run_before=$1
	local -A after=() aside=()
	local -a links=() targets=() odd=()
	local path type i rc=0 again=1 _sbx_run_name deadline=$((SECONDS + 10))
	while ((again)); do
		again=0 after=() links=() odd=()
		_sbx_run_odd after after || return 1
		for path in "${!after[@]}"; do
			[[ -z ${aside[$path]-} && ${_sbx_run_before[$path]-} != "${after[$path]}" ]] || continue
			if _sbx_run_too_long "$path"; then
				# past PATH_MAX: no system call takes the name whole, so
				# it can be neither resolved nor removed by it (and
				# readlink -m takes such a link on the way for a missing
				# name, not for the link it is)
				aside[$path]=1
				_sbx_run_shown "${path:0:160}"
				echo "sbx_run: $_sbx_run_name...: made by the command inside, a name longer than PATH_MAX that cannot be checked or removed: do not trust its files" >&2
				rc=1
				continue
			fi
			type=${after[$path]#* * * }
			case ${type:0:1} in
			l) links+=("$path") ;;
			*) odd+=("$path") ;;
			esac
		done
		if ((${#links[@]})); then
			_sbx_run_need readlink timeout || return 1
			# one readlink for all, one each when one fails; from /, with
			# no input or errors, so that a link through /proc/self
			# (cwd, fd/N) leads where it would lead for any process; and
			# within a deadline: readlink -m follows a chain of links
			# with no bound, which the command can make take for ever
			targets=()
			((SECONDS < deadline)) &&
				mapfile -t -d '' targets < <(_sbx_run_resolve "$((deadline - SECONDS))" -zm "${links[@]}")
			if ((SECONDS < deadline && ${#targets[@]} != ${#links[@]})); then
				targets=()
				for path in "${links[@]}"; do
					((SECONDS < deadline)) || break
					targets+=("$(_sbx_run_resolve "$((deadline - SECONDS))" -m "$path")")
				done
			fi
			if ((SECONDS >= deadline)); then
				echo "sbx_run: the links the command made in \$BATS_TEST_TMPDIR could not be followed within 10 s: do not trust its files" >&2
				return 1
			fi
			for i in "${!links[@]}"; do
				# (none, when readlink failed: out)
				_sbx_run_under "${targets[i]:-/}" "$BATS_TEST_TMPDIR" || odd+=("${links[i]}")
			done
		fi
		for path in "${odd[@]}"; do
			again=1
			_sbx_run_aside "$path" || rc=1
		done
	done
	return "$rc"
}

# _sbx_run_prepare ARGS...: sbx_run's arguments into its run_flags and
# cmd, and the odd files before the call into its before; 2 on bad usage.
_sbx_run_prepare() {
	local -a sbx_opts=() _sbx_run_opts=() _sbx_run_binds=() names=() keep=()
	local _sbx_run_chdir name
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
	if declare -F -- "$1" >/dev/null; then
		echo "sbx_run: $1: a shell function: sbx_run runs programs; a shell function runs in the test's own process" >&2
		echo "hint: call it with run (or directly), or run a program: sbx_run bash -c '...'; a program of that name: sbx_run $(type -P -- "$1" || echo /path/to/"$1")" >&2
		return 2
	fi
	if [[ -z ${BATS_TEST_TMPDIR:-} || ! -d $BATS_TEST_TMPDIR ]]; then
		echo "sbx_run: \$BATS_TEST_TMPDIR is not set: call sbx_run from a bats test (bats 1.4 or newer)" >&2
		return 2
	fi
	_sbx_run_split
	_sbx_run_need mkdir sbx || return 2
	_sbx_run_dir || return 2
	_sbx_run_mounts || return 2
	read -r -a names <<<"${SBX_RUN_KEEP_ENV:-}"
	for name in "${names[@]}"; do
		keep+=(--keep-env "$name")
	done
	cmd=("${_sbx_run_tool[sbx]}" --policy default --policy ci-env
		"${_sbx_run_binds[@]}" --chdir "$_sbx_run_chdir" "${keep[@]}"
		"${_sbx_run_opts[@]}" "${sbx_opts[@]}" -- "$@")
	_sbx_run_odd before
}

# sbx_run's steps, `run' among them, go with functrace off: bats's DEBUG
# trap, which functions inherit under set -T, costs a fraction of a
# millisecond on every simple command (over a dozen milliseconds a call),
# and none of them is the test's: the trap records nothing inside bats's
# own files (`run') and should not record sbx_run's.  The test's line that
# called sbx_run is what a failure points at, as with `run'.  So sbx_run
# itself is two commands, and _sbx_run_call, called with functrace off,
# inherits no trap; it puts set -T back as it found it.
sbx_run() {
	local _sbx_run_shell_flags=$-
	set +T
	_sbx_run_call "$_sbx_run_shell_flags" "$@"
}

# _sbx_run_call FLAGS ARGS...: sbx_run's work; FLAGS, the caller's $-.
_sbx_run_call() {
	local functrace=
	[[ $1 == *T* ]] && functrace=1
	shift
	local -a run_flags=() cmd=()
	# shellcheck disable=SC2034 # filled and read through namerefs
	local -A before=()
	local rc=0
	_sbx_run_prepare "$@" || rc=$?
	if ((rc == 0)); then
		if [[ -t 0 ]]; then
			run "${run_flags[@]}" "${cmd[@]}" </dev/null || rc=$?
		else
			run "${run_flags[@]}" "${cmd[@]}" || rc=$?
		fi
		if ! _sbx_run_quarantine before; then
			echo "sbx_run: what the command left in \$BATS_TEST_TMPDIR could not all be put aside: failing" >&2
			((rc)) || rc=1
		fi
	fi
	[[ -z $functrace ]] || set -T
	return "$rc"
}
