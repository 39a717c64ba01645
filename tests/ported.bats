#!/usr/bin/env bats
# Real bats suites under sbx: the sbx_run helper (lib/sbx.bash) follows what
# the test set up (its cd, its exported settings, the fixtures setup_file
# made) and still keeps the command to the test's own directory, without
# network or home; the sample suite tests/examples/verman.bats, shaped like
# rbenv's and asdf's, passes by hand and on CI.

load helpers

# shellcheck source=../lib/sbx.bash
source "$SBX_TESTS_DIR/../lib/sbx.bash"

setup_file() {
	sbx_setup_file
	# a fixture of the file, as a suite's setup_file makes one
	mkdir -p "$BATS_FILE_TMPDIR/fixture"
	echo from-setup-file >"$BATS_FILE_TMPDIR/fixture/data"
}
teardown_file() { sbx_teardown_file; }
setup() { sbx_setup; }

# ------------------------------------------------------ the sample suite ----

# run_sample [VAR=VALUE...]: bats on tests/examples/verman.bats, with the
# helper of this tree.
run_sample() {
	run env "$@" SBX="$SBX" SBX_BATS_HELPER="$SBX_TESTS_DIR/../lib/sbx.bash" \
		bats --tap "$SBX_TESTS_DIR/examples/verman.bats"
}

@test "the rbenv-shaped sample suite passes with sbx_run, by hand" {
	run_sample -u CI
	[[ $status == 0 ]] || fail "sample suite failed (exit $status):"$'\n'"$output"
	refute_line --partial "not ok"
	refute_line --partial "# skip"
	assert_line 1..8
}

@test "the sample suite passes on CI: the tool inside sees CI and fails where it warns by hand" {
	run_sample CI=true GITHUB_TOKEN=ci-secret
	[[ $status == 0 ]] || fail "sample suite failed on CI (exit $status):"$'\n'"$output"
	assert_line "ok 7 doctor: a version without bin/ warns by hand and fails on CI"
}

# ------------------------------------------------------------ sbx_run ----

@test "sbx_run runs in the directory the test changed to, and writes there" {
	mkdir "$BATS_TEST_TMPDIR/work"
	cd "$BATS_TEST_TMPDIR/work"
	sbx_run sh -c 'pwd; echo made >out.txt'
	assert_success
	assert_output "$BATS_TEST_TMPDIR/work"
	[ -f out.txt ]
	[ ! -L out.txt ]
	assert_equal "$(cat out.txt)" made
}

@test "sbx_run can write \$BATS_TEST_TMPDIR and nothing else of the test's" {
	cd "$BATS_TEST_TMPDIR"
	sbx_run sh -c "echo x >'$BATS_FILE_TMPDIR/fixture/new'; echo x >'$SBX_TESTS_DIR/sbx-planted'; touch ok"
	assert_line --partial "$BATS_FILE_TMPDIR/fixture/new: Read-only file system"
	assert_line --partial "$SBX_TESTS_DIR/sbx-planted: Read-only file system"
	[ ! -e "$BATS_FILE_TMPDIR/fixture/new" ]
	[ ! -e "$SBX_TESTS_DIR/sbx-planted" ]
	[ -f ok ]
}

@test "SBX_RUN_TMPDIRS: file (the default) shows what setup_file made, read-only; test hides it" {
	sbx_run cat "$BATS_FILE_TMPDIR/fixture/data"
	assert_success
	assert_output from-setup-file
	SBX_RUN_TMPDIRS=test sbx_run cat "$BATS_FILE_TMPDIR/fixture/data"
	assert_failure
}

@test "SBX_RUN_TMPDIRS: run shows the whole run's directory, suite the suite's" {
	echo suite-data >"$BATS_SUITE_TMPDIR/ported-suite-data"
	SBX_RUN_TMPDIRS=run sbx_run sh -c "cat '$BATS_SUITE_TMPDIR/ported-suite-data' '$BATS_FILE_TMPDIR/fixture/data'"
	assert_success
	assert_output $'suite-data\nfrom-setup-file'
	SBX_RUN_TMPDIRS=suite sbx_run cat "$BATS_SUITE_TMPDIR/ported-suite-data"
	assert_output suite-data
	sbx_run cat "$BATS_SUITE_TMPDIR/ported-suite-data"
	assert_failure
}

@test "SBX_RUN_TMPDIRS or SBX_RUN_CWD with an unknown value is refused" {
	SBX_RUN_TMPDIRS=everything run sbx_run true
	assert_failure 2
	assert_output "sbx_run: SBX_RUN_TMPDIRS='everything': not test, file, suite or run"
	SBX_RUN_CWD=mine run sbx_run true
	assert_failure 2
	assert_output "sbx_run: SBX_RUN_CWD='mine': not follow or own"
}

@test "SBX_RUN_CWD=own keeps the command in \$sbx_dir, the test's directory read-only" {
	mkdir "$BATS_TEST_TMPDIR/work"
	cd "$BATS_TEST_TMPDIR/work"
	SBX_RUN_CWD=own sbx_run sh -c "pwd; touch '$BATS_TEST_TMPDIR/work/x'"
	assert_failure
	assert_line "$sbx_dir"
	[ ! -e "$BATS_TEST_TMPDIR/work/x" ]
}

@test "SBX_RUN_PROJECT names the project, shown read-only; never /tmp itself" {
	local proj="$BATS_SUITE_TMPDIR/ported-project"
	mkdir -p "$proj"
	echo source >"$proj/main.c"
	SBX_RUN_PROJECT=$proj sbx_run sh -c "cat '$proj/main.c'; echo x >'$proj/main.c'"
	assert_line source
	assert_line --partial "Read-only file system"
	assert_equal "$(cat "$proj/main.c")" source
	# /tmp is everyone's: it stays private, whatever the setting says
	local marker="/tmp/sbx-ported-$BATS_ROOT_PID-$BATS_TEST_NUMBER"
	touch "$marker"
	SBX_RUN_PROJECT=/tmp sbx_run ls -A /tmp
	rm -f "$marker"
	assert_success
	refute_output --partial "${marker#/tmp/}"
}

@test "SBX_RUN_KEEP_ENV passes the suite's exported settings, never its tokens" {
	export PORTED_ROOT=/r PORTED_MODE=fast PORTED_API_TOKEN=ported-secret OTHER=no
	SBX_RUN_KEEP_ENV='PORTED_* GEM_HOME' GEM_HOME=/g sbx_run env
	assert_success
	assert_line PORTED_ROOT=/r
	assert_line PORTED_MODE=fast
	assert_line GEM_HOME=/g
	refute_output --partial ported-secret
	refute_line OTHER=no
}

@test "the CI variables reach the command, a CI token does not" {
	CI=true GITHUB_ACTIONS=true GITHUB_TOKEN=ci-secret sbx_run env
	assert_success
	assert_line CI=true
	assert_line GITHUB_ACTIONS=true
	refute_output --partial ci-secret
}

@test "a symlink the command plants out of the test's directory is removed before the test's next step" {
	echo precious >"$SBX_HOSTDIR/host-file"
	cd "$BATS_TEST_TMPDIR"
	sbx_run sh -c "ln -s '$SBX_HOSTDIR/host-file' input.txt; ln -s sbx.1 inner; mkfifo pipe"
	assert_success
	[ ! -e input.txt ]
	[ ! -L input.txt ]
	[ ! -e pipe ]
	[ ! -e input.txt.sbx-untrusted ]
	[ ! -e pipe.sbx-untrusted ]
	# a link that stays inside is the test's to use
	[ -L inner ]
	echo data >input.txt
	assert_equal "$(cat "$SBX_HOSTDIR/host-file")" precious
}

@test "the test's own links are left alone" {
	cd "$BATS_TEST_TMPDIR"
	ln -s /usr/bin mine
	sbx_run true
	[ -L mine ]
}

# Before the call sbx_run looks with globs first (no find when there is
# nothing to note): the test's own links and FIFOs deep down, or behind
# its glob settings, are still seen, and those settings left as they were.
@test "the test's own links and FIFOs deep down are left alone, whatever its glob settings" {
	cd "$BATS_TEST_TMPDIR"
	mkdir -p a/b/c .hidden
	ln -s /usr/bin a/b/c/mine
	ln -s /etc .hidden/mine
	mkfifo a/b/fifo
	local GLOBIGNORE='*' opts
	shopt -s failglob
	opts=$(shopt -p dotglob nullglob failglob) || true # (1 when one is off)
	sbx_run true
	assert_success
	# one check a line: a false one in the middle of an && list fails no test
	[ -L a/b/c/mine ]
	[ -L .hidden/mine ]
	[ -p a/b/fifo ]
	assert_equal "$(shopt -p dotglob nullglob failglob || true)" "$opts"
	assert_equal "$GLOBIGNORE" '*'
}

# Under the test's set -f a glob is its own text: a file the command
# named `*' must not stand for the whole directory.
@test "under the test's set -f, a link the command planted beside a file named * is removed" {
	echo precious >"$SBX_HOSTDIR/host-file"
	cd "$BATS_TEST_TMPDIR"
	set -f
	sbx_run sh -c 'touch "./*"; ln -s "$1" out; mkfifo fifo; mkdir locked; chmod 0 locked' sh "$SBX_HOSTDIR/host-file"
	set +f
	assert_success
	[ ! -L out ]
	[ ! -e fifo ]
	[ -r locked ]
}

# The test's GLOBIGNORE (even a read-only one) would hide names from a
# glob: a link named to match it is removed all the same.
@test "a link named to match the test's GLOBIGNORE is removed" {
	echo precious >"$SBX_HOSTDIR/host-file"
	cd "$BATS_TEST_TMPDIR"
	readonly GLOBIGNORE="$BATS_TEST_TMPDIR/*.log"
	sbx_run ln -s "$SBX_HOSTDIR/host-file" run.log
	assert_success
	[ ! -L run.log ]
}

# Setting or unsetting GLOBIGNORE sets dotglob in bash: the look must not
# touch it, or the test's own globs change meaning after the call.
@test "the test's dotglob is as it was after the call, with GLOBIGNORE set or not" {
	shopt -s dotglob
	sbx_run true
	assert_success
	shopt -q dotglob
	GLOBIGNORE='*.x'
	shopt -u dotglob
	sbx_run true
	assert_success
	run shopt -q dotglob
	assert_failure
	assert_equal "$GLOBIGNORE" '*.x'
}

# /proc/self/cwd leads wherever the process that follows it stands: the
# test may stand elsewhere when it writes there.
@test "a link through /proc/self is removed, wherever the test stands" {
	mkdir "$SBX_HOSTDIR/elsewhere"
	cd "$BATS_TEST_TMPDIR"
	sbx_run sh -c 'ln -s /proc/self/cwd here; ln -s /proc/self/fd/0 in; ln -s /dev/stdout out'
	assert_success
	[ ! -L here ]
	[ ! -L in ]
	[ ! -L out ]
}

# A name deeper than PATH_MAX cannot be resolved or removed by name (and
# readlink -m takes a link there for a missing name): the call fails.
@test "a link the command hid past PATH_MAX fails the call" {
	echo precious >"$SBX_HOSTDIR/host-file"
	cd "$BATS_TEST_TMPDIR"
	run sbx_run bash -c '
		n=$(printf "%0250d" 0)
		p8=$n; for i in $(seq 2 8); do p8=$p8/$n; done
		p9=$p8/$n
		mkdir -p "$p8" && (cd "$p8" && mkdir -p "$p9" && ln -s "$1" "$p9/evil")
		ln -s "$p8" p
		(cd "$p8" && ln -s "$p9/evil" q)
		ln -s p/q x' sh "$SBX_HOSTDIR/host-file"
	assert_failure
	assert_output --partial "longer than PATH_MAX"
	assert_output --partial "do not trust its files"
}

# With no link in sight, the FIFO alone must be seen and noted before the
# call (the look by globs hands it to find).
@test "the test's own FIFO, alone, is left alone" {
	mkfifo "$BATS_TEST_TMPDIR/fifo"
	sbx_run true
	assert_success
	[ -p "$BATS_TEST_TMPDIR/fifo" ]
}

# The command owns what it made in $BATS_TEST_TMPDIR and can chmod it: a
# directory it left unreadable is made readable again before the look.
@test "a link or FIFO in a directory the command made unreadable is removed all the same" {
	echo precious >"$SBX_HOSTDIR/host-file"
	cd "$BATS_TEST_TMPDIR"
	sbx_run sh -c "mkdir -p d/e; ln -s '$SBX_HOSTDIR/host-file' d/e/out; mkfifo d/pipe; chmod 111 d/e d
		ln -s '$SBX_HOSTDIR/host-file' top; chmod 311 ."
	assert_success
	[ ! -L d/e/out ]
	[ ! -e d/pipe ]
	[ ! -L top ]
	[ -z "$(ls -A d/e)" ]
	[ "$(ls -A d)" = e ]
	echo data >top
	assert_equal "$(cat "$SBX_HOSTDIR/host-file")" precious
}

# The same with nothing else in sight: the look by globs cannot read the
# directory, so find does it (and gives it rwx back).
@test "a link hidden in a directory the command made unreadable, alone, is removed" {
	echo precious >"$SBX_HOSTDIR/host-file"
	cd "$BATS_TEST_TMPDIR"
	sbx_run sh -c "mkdir d; ln -s '$SBX_HOSTDIR/host-file' d/out; chmod 311 d"
	assert_success
	[ -r d ]
	[ ! -L d/out ]
	echo data >d/out
	assert_equal "$(cat "$SBX_HOSTDIR/host-file")" precious
}

# Past the look by globs' budget (25 directories, 100 files) find does the
# work, and goes on doing it in the same test.
@test "a link past many directories is removed, call after call" {
	echo precious >"$SBX_HOSTDIR/host-file"
	cd "$BATS_TEST_TMPDIR"
	# the directories made by the command: the look after the call is the
	# first over the budget
	sbx_run sh -c 'for i in $(seq 10 39); do mkdir d$i; done; ln -s "$1" d30/out' sh "$SBX_HOSTDIR/host-file"
	assert_success
	[ -d d39 ]
	[ ! -L d30/out ]
	sbx_run ln -s "$SBX_HOSTDIR/host-file" d29/out
	assert_success
	[ ! -L d29/out ]
	echo data >d29/out
	assert_equal "$(cat "$SBX_HOSTDIR/host-file")" precious
}

# A test's stubs in $BATS_TEST_TMPDIR/bin, first in PATH, are the
# command's to rewrite: sbx_run's own find, readlink, rm and mkdir, which
# run outside the sandbox, are never taken from there.
@test "a find or mkdir the command put in the test's PATH is not run by sbx_run" {
	cd "$BATS_TEST_TMPDIR"
	mkdir bin
	export PATH=$BATS_TEST_TMPDIR/bin:$PATH
	sbx_run sh -c 'for t in find readlink rm mkdir timeout sbx chmod; do
		printf "#!/bin/sh\ntouch \"%s/ran-\$(basename \$0)\"\n" "$1" >bin/$t; chmod +x bin/$t; done
		ln -s "$1" out' sh "$SBX_HOSTDIR"
	assert_success
	[ ! -L out ]
	sbx_run true
	assert_success
	run ls "$SBX_HOSTDIR"
	refute_output --partial ran-
}

# readlink -m follows a chain with no bound: each link here doubles its
# work (the kernel gives up after 40 links), so it would run for ever.
@test "a chain of links made to take readlink for ever fails the call within seconds" {
	cd "$BATS_TEST_TMPDIR"
	SECONDS=0
	run sbx_run sh -c 'mkdir d; ln -s d a40; i=39; while [ $i -gt 0 ]; do ln -s a$((i + 1))/../a$((i + 1)) a$i; i=$((i - 1)); done'
	assert_failure
	assert_output --partial "could not be followed within 10 s"
	((SECONDS < 30))
}

# In a UTF-8 locale ${#path} counts characters: the bound is in bytes.
@test "a link hidden past PATH_MAX behind multibyte names fails the call in a UTF-8 locale" {
	echo precious >"$SBX_HOSTDIR/host-file"
	cd "$BATS_TEST_TMPDIR"
	export LC_ALL=C.UTF-8
	local e=$'\xc3\xa9' n= i
	for i in $(seq 125); do n=$n$e; done
	run sbx_run bash -c '
		n=$2; p8=$n; for i in $(seq 2 8); do p8=$p8/$n; done; p9=$p8/$n
		mkdir -p "$p8" && (cd "$p8" && mkdir -p "$p9" && ln -s "$1" "$p9/evil")
		ln -s "$p8" p
		(cd "$p8" && ln -s "$p9/evil" q)
		ln -s p/q x' sh "$SBX_HOSTDIR/host-file" "$n"
	assert_failure
	assert_output --partial "longer than PATH_MAX"
}

@test "sbx_run fails when it cannot look through \$BATS_TEST_TMPDIR" {
	# (a find outside $BATS_TEST_TMPDIR: one in it is never sbx_run's)
	mkdir "$SBX_HOSTDIR/bin"
	printf '%s\n' '#!/bin/sh' 'echo "find: a directory: Permission denied" >&2; exit 1' >"$SBX_HOSTDIR/bin/find"
	chmod +x "$SBX_HOSTDIR/bin/find"
	# a FIFO the command leaves, so that the look is find's, not globs'
	PATH=$SBX_HOSTDIR/bin:$PATH run sbx_run mkfifo "$BATS_TEST_TMPDIR/pipe"
	assert_failure
	assert_line --partial "sbx_run: could not look through $BATS_TEST_TMPDIR"
}

# A name the command took first or a directory it left read-only does not
# keep its link in place, whatever the order the entries come in.
@test "a link is taken out of the way even when its directory is read-only or names like it are taken" {
	echo precious >"$SBX_HOSTDIR/host-file"
	cd "$BATS_TEST_TMPDIR"
	sbx_run sh -c "ln -s '$SBX_HOSTDIR/host-file' out; mkdir out.sbx-untrusted; touch out.sbx-untrusted/x
		mkdir d; ln -s '$SBX_HOSTDIR/host-file' d/report.txt; chmod 555 d
		mkdir in; for i in 1 2 3 4 5 6 7 8 9; do ln -s in decoy\$i; done"
	assert_success
	[ ! -L out ]
	[ ! -L d/report.txt ]
	[ -d out.sbx-untrusted ]
	[ -z "$(ls -A d)" ]
	echo data >out
	assert_equal "$(cat "$SBX_HOSTDIR/host-file")" precious
}

@test "a link with a name too long to rename is removed" {
	echo precious >"$SBX_HOSTDIR/host-file"
	cd "$BATS_TEST_TMPDIR"
	long=$(printf 'n%.0s' {1..250})
	run sbx_run sh -c "ln -s '$SBX_HOSTDIR/host-file' $long"
	assert_success
	assert_line --partial "sbx_run: $BATS_TEST_TMPDIR/$long: made by the command inside"
	[ ! -e "$long" ]
	[ ! -L "$long" ]
}

# A link is the test's own when the file system says it is the same file,
# changed by no one: device, inode, ctime, target.  (An inode number alone
# can be freed and handed to a new link.)
@test "a link of the test's that the command moved away and back is removed" {
	cd "$BATS_TEST_TMPDIR"
	ln -s /usr/bin/true tool
	sbx_run sh -c 'mv tool t2; sleep 0.05; mv t2 tool'
	assert_success
	[ ! -L tool ]
	[ ! -e tool.sbx-untrusted ]
}

@test "a link whose name ends in blanks is removed, and a glob of its directory finds nothing of it" {
	echo precious >"$SBX_HOSTDIR/host-file"
	cd "$BATS_TEST_TMPDIR"
	sbx_run sh -c "mkdir res; ln -s '$SBX_HOSTDIR/host-file' 'res/a.txt '; ln -s '$SBX_HOSTDIR/host-file' 'res/ b'"
	assert_success
	[ ! -L "res/a.txt " ]
	[ ! -L "res/ b" ]
	local f
	for f in res/*; do
		[ ! -e "$f" ] || fail "left in res: $f"
	done
}

@test "a link that leads out through another link is removed with it" {
	mkdir "$SBX_HOSTDIR/away"
	cd "$BATS_TEST_TMPDIR"
	sbx_run sh -c "ln -s '$SBX_HOSTDIR/away' out; ln -s out inner; ln -s out.sbx-untrusted inner2"
	assert_success
	[ ! -L out ]
	[ ! -L inner ]
	# a link to a name that is not there (any more) leads nowhere outside
	echo data >inner2
	[ -f out.sbx-untrusted ]
	[ -z "$(ls -A "$SBX_HOSTDIR/away")" ]
}

@test "the names sbx_run says it removed are escaped" {
	cd "$BATS_TEST_TMPDIR"
	sbx_run sh -c 'ln -s /etc/passwd "$(printf "x\033]0;TITLE\007")"' 2>"$BATS_TEST_TMPDIR/err"
	assert_success
	run cat "$BATS_TEST_TMPDIR/err"
	refute_output --partial $'\e'
	printf -v want %q "$BATS_TEST_TMPDIR/"$'x\e]0;TITLE\a'
	assert_output --partial "sbx_run: $want: made by the command inside"
}

@test "sbx_run refuses a shell function, with a hint" {
	assert_equal() { :; }
	run sbx_run assert_equal 1 1
	assert_failure 2
	assert_line "sbx_run: assert_equal: a shell function: sbx_run runs programs; a shell function runs in the test's own process"
	assert_line --partial "hint: "
}

@test "no network and no home for the command, also after the test's cd" {
	cd "$BATS_TEST_TMPDIR"
	sbx_run sh -c 'grep -c : /proc/net/dev; ls -A "$HOME" | wc -l'
	assert_success
	assert_output $'1\n0'
}
