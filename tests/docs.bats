#!/usr/bin/env bats
# Documentation and what ships beside the binary: the man pages (lint,
# rendering, in step with --help), the recipes of README.md and the man
# pages (each runs as written), make install's tree, the bash completion,
# the bats helper and its sample suite, the AppArmor profile.
#
# Needs, beside the sbx binary and tests/: GNUmakefile README.md policy/ man/
# completions/ lib/ contrib/ and the sources (tests/run stages them), and
# mandoc, man, make, a compiler with the build's libraries.

load helpers

setup_file() {
	REPO="$(cd "$SBX_TESTS_DIR/.." && pwd)"
	export REPO
	local d
	for d in GNUmakefile README.md policy man completions lib contrib; do
		[[ -e $REPO/$d ]] || echo "$d" >>"$BATS_FILE_TMPDIR/missing"
	done
}

setup() {
	if [[ -e $BATS_FILE_TMPDIR/missing ]]; then
		fail "not found beside tests/ in $REPO: $(echo $(<"$BATS_FILE_TMPDIR/missing")) (tests/run must stage them)"
	fi
}

need_tool() {
	command -v "$1" >/dev/null || fail "$1 is not installed (tests/deps check installs it)"
}

# render PAGE: the page as plain text, the way mandoc lays it out.
render() {
	mandoc -T ascii -O width=200 "$1" | sed -e 's/.\x08//g'
}

# help_table: one line per option of sbx --help, "GROUP<TAB>--NAME ARGS",
# in order; --help and --version are in the group "Other options".
help_table() {
	"$SBX" --help | awk '
		/^[A-Z][^:]*:$/ { group = substr($0, 1, length($0) - 1); next }
		/^$/ { group = "Other options"; next }
		/^  --/ {
			line = substr($0, 3)
			# the argument column ends at two blanks, or (when too long
			# for its column) after the one word that follows the name
			i = index(line, "  ")
			if (i) line = substr(line, 1, i - 1)
			else { n = split(line, w, " "); line = w[1] (n > 1 && w[2] ~ /^[A-Z|a-z:=.\[\]-]*[A-Z|][A-Z|a-z:=.\[\]-]*$/ ? " " w[2] : "") }
			print group "\t" line
		}'
}

# man_table: the same from the OPTIONS section of sbx.1, read from its roff
# source: the .SS headings, and the tag line after each .TP (".BI \-\-bind "
# SRC[:DST]"" is "--bind SRC[:DST]": .B and .I join their arguments with
# blanks, the two-font macros without).
man_table() {
	awk '
		/^\.SH / { on = ($0 == ".SH OPTIONS"); next }
		!on { next }
		/^\.SS / { group = substr($0, 5); gsub(/"/, "", group); next }
		/^\.TP/ { tag = 1; next }
		tag {
			tag = 0
			macro = $1
			rest = substr($0, length(macro) + 2)
			n = 0; word = ""; quoted = 0; have = 0
			for (i = 1; i <= length(rest); i++) {
				c = substr(rest, i, 1)
				if (c == "\"") { quoted = !quoted; have = 1; continue }
				if (c == " " && !quoted) { if (have) arg[++n] = word; word = ""; have = 0; continue }
				word = word c; have = 1
			}
			if (have) arg[++n] = word
			sep = (macro == ".B" || macro == ".I") ? " " : ""
			line = arg[1]
			for (k = 2; k <= n; k++) line = line sep arg[k]
			gsub(/\\-/, "-", line)
			if (line ~ /^--/) print group "\t" line
		}' "$REPO/man/sbx.1"
}

# install_tree: make install DESTDIR=... PREFIX=/usr from a copy of the
# repository, once per file; prints the DESTDIR.  -o sbx: install the binary
# under test as it is, without trying to rebuild it (the copy has no sources).
install_tree() {
	local dest="$BATS_FILE_TMPDIR/dest" copy="$BATS_FILE_TMPDIR/src"
	if [[ ! -e $BATS_FILE_TMPDIR/installed ]]; then
		rm -rf "$copy" "$dest"
		mkdir -p "$copy"
		cp -R "$REPO/GNUmakefile" "$REPO/policy" "$REPO/man" "$REPO/completions" \
			"$REPO/lib" "$REPO/contrib" "$copy/" || return 1
		cp "$SBX" "$copy/sbx" || return 1
		make -s -C "$copy" -o sbx install DESTDIR="$dest" PREFIX=/usr >"$BATS_FILE_TMPDIR/install.log" 2>&1 ||
			{ cat "$BATS_FILE_TMPDIR/install.log" >&2; return 1; }
		touch "$BATS_FILE_TMPDIR/installed"
	fi
	echo "$dest"
}

# complete_line LINE: what the completion offers at the end of LINE, one
# candidate per line.  COMP_WORDS is split the way bash splits it (at blanks,
# and around ":" and "="); "sbx" is run from a prefix laid out as make
# install does, with the repository's policies.
complete_line() {
	local prefix="$BATS_TEST_TMPDIR/prefix"
	mkdir -p "$prefix/bin" "$prefix/share/sbx" "$BATS_TEST_TMPDIR/home"
	ln -sfn "$SBX" "$prefix/bin/sbx"
	[[ -d $prefix/share/sbx/policy ]] || cp -R "$REPO/policy" "$prefix/share/sbx/policy"
	local line=${1/#sbx/$prefix/bin/sbx}
	env -u XDG_CONFIG_HOME HOME="$BATS_TEST_TMPDIR/home" bash --norc --noprofile -c '
		source "$1" || exit 1
		COMP_LINE=$2
		COMP_POINT=${#2}
		read -ra blank <<<"$2"
		[[ $2 == *" " ]] && blank+=("")
		COMP_WORDS=()
		for w in "${blank[@]}"; do
			while [[ $w =~ ^([^:=]*)([:=]+)(.*)$ ]]; do
				[[ -n ${BASH_REMATCH[1]} ]] && COMP_WORDS+=("${BASH_REMATCH[1]}")
				COMP_WORDS+=("${BASH_REMATCH[2]}")
				w=${BASH_REMATCH[3]}
			done
			[[ -n $w || ${#COMP_WORDS[@]} -eq 0 || $w == "${blank[-1]}" ]] && COMP_WORDS+=("$w")
		done
		COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
		_sbx sbx "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD-1]}"
		printf "%s\n" "${COMPREPLY[@]}"
	' _ "$REPO/completions/sbx.bash" "$line"
}

# ------------------------------------------------------------ man pages ----

@test "sbx.1 and sbx-policy.5 pass mandoc -T lint without a single message" {
	need_tool mandoc
	run mandoc -T lint -W style "$REPO/man/sbx.1" "$REPO/man/sbx-policy.5"
	[[ $status == 0 && -z $output ]] || fail "mandoc -T lint (exit $status):"$'\n'"$output"
}

@test "sbx.1 and sbx-policy.5 render with man -l and groff without warnings" {
	need_tool man
	need_tool groff
	local page
	for page in "$REPO/man/sbx.1" "$REPO/man/sbx-policy.5"; do
		run --separate-stderr env MANWIDTH=80 MANPAGER=cat PAGER=cat man -l "$page"
		assert_success
		[[ -z $stderr ]] || fail "man -l $page: $stderr"
		assert_line --partial NAME
		assert_line --partial "SEE ALSO"
		run groff -man -t -ww -z "$page"
		[[ $status == 0 && -z $output ]] || fail "groff -ww $page:"$'\n'"$output"
	done
}

@test "the man pages carry the version sbx --version prints" {
	local version page
	version=$("$SBX" --version)
	for page in "$REPO/man/sbx.1" "$REPO/man/sbx-policy.5"; do
		grep -q "^\.TH .* \"$version\" " "$page" || fail "$page: .TH does not say \"$version\": $(grep '^\.TH' "$page")"
	done
}

@test "sbx.1 documents every option of sbx --help, with its arguments, grouped and ordered alike" {
	need_tool mandoc
	local want got
	want=$(help_table)
	got=$(man_table)
	[[ -n $want ]] || fail "could not read the options from $SBX --help"
	if [[ $want != "$got" ]]; then
		fail "$(printf 'OPTIONS of sbx.1 differ from sbx --help (- help, + man page):\n%s' \
			"$(diff <(echo "$want") <(echo "$got") | grep '^[<>]' | sed 's/^</-/; s/^>/+/')")"
	fi
}

@test "sbx.1 names every shipped policy and sbx-policy.5 describes each" {
	need_tool mandoc
	local f name man1 man5
	man1=$(render "$REPO/man/sbx.1")
	man5=$(render "$REPO/man/sbx-policy.5" | sed -n '/^SHIPPED POLICIES$/,/^[A-Z]/p')
	for f in "$REPO"/policy/*; do
		name=${f##*/}
		[[ $name == *.seccomp || $name == *~ ]] && continue
		[[ $man5 == *$'\n       '"$name"* ]] || fail "sbx-policy.5 SHIPPED POLICIES does not describe $name"
		[[ $man1 == *" $name "* || $man1 == *" $name,"* || $man1 == *"($name"* ]] ||
			fail "sbx.1 does not name the policy $name"
	done
}

@test "sbx-policy.5 explains every rule of the default seccomp list" {
	need_tool mandoc
	local man5 rule
	man5=$(render "$REPO/man/sbx-policy.5" | sed -n '/^THE DEFAULT LIST$/,/^[A-Z]/p' | tr -s ' ')
	while IFS= read -r rule; do
		rule=$(tr -s ' \t' '  ' <<<"$rule")
		[[ $man5 == *"$rule"* ]] || fail "THE DEFAULT LIST of sbx-policy.5 does not show: $rule"
	done < <(sed -e 's/#.*//' -e 's/[[:space:]]*$//' "$REPO/policy/default.seccomp" | grep -v '^$')
}

@test "the exit status table of sbx.1 covers what --help promises" {
	need_tool mandoc
	local text
	text=$(render "$REPO/man/sbx.1" | sed -n '/^EXIT STATUS$/,/^[A-Z]/p')
	local code
	for code in 124 125 126 127 128+N; do
		[[ $text == *$'\n       '"$code "* ]] || fail "EXIT STATUS has no entry $code"
	done
}

# -------------------------------------------------------- make install ----

@test "make install DESTDIR=... PREFIX=/usr lays out binary, pages, policies, completion, helper" {
	need_tool make
	local dest f
	dest=$(install_tree) || fail "make install failed"
	for f in usr/bin/sbx; do
		[[ -x $dest/$f ]] || fail "$f missing or not executable"
	done
	for f in usr/share/man/man1/sbx.1 usr/share/man/man5/sbx-policy.5 \
		usr/share/bash-completion/completions/sbx usr/share/sbx/sbx.bash \
		usr/lib/bats/sbx/load.bash usr/share/sbx/apparmor/sbx usr/share/sbx/buildbot/sbxstep.py; do
		[[ -f $dest/$f ]] || fail "$f missing"
	done
	for f in "$REPO"/policy/*; do
		[[ $f == *~ ]] && continue
		cmp -s "$f" "$dest/usr/share/sbx/policy/${f##*/}" || fail "policy ${f##*/} not installed as it is"
	done
	cmp -s "$REPO/completions/sbx.bash" "$dest/usr/share/bash-completion/completions/sbx" ||
		fail "the installed completion differs from completions/sbx.bash"
	cmp -s "$REPO/lib/sbx.bash" "$dest/usr/share/sbx/sbx.bash" || fail "the installed helper differs from lib/sbx.bash"
	# nothing lands outside PREFIX
	run find "$dest" -mindepth 1 -maxdepth 1
	assert_output "$dest/usr"
}

@test "installed man pages name the installed data directory and still lint clean" {
	need_tool mandoc
	local dest
	dest=$(install_tree) || fail "make install failed"
	run grep -l '/usr/local/share/sbx' "$dest/usr/share/man/man1/sbx.1" "$dest/usr/share/man/man5/sbx-policy.5"
	[[ $status != 0 ]] || fail "still naming /usr/local/share/sbx: $output"
	grep -q '/usr/share/sbx/policy' "$dest/usr/share/man/man1/sbx.1" || fail "sbx.1 does not name /usr/share/sbx/policy"
	grep -q '/usr/lib/bats' "$dest/usr/share/man/man1/sbx.1" || fail "sbx.1 does not name /usr/lib/bats"
	run mandoc -T lint -W style "$dest/usr/share/man/man1/sbx.1" "$dest/usr/share/man/man5/sbx-policy.5"
	[[ $status == 0 && -z $output ]] || fail "mandoc -T lint (exit $status):"$'\n'"$output"
}

@test "make uninstall removes every file make install put there" {
	need_tool make
	local dest="$BATS_TEST_TMPDIR/dest" copy="$BATS_TEST_TMPDIR/src"
	mkdir -p "$copy"
	cp -R "$REPO/GNUmakefile" "$REPO/policy" "$REPO/man" "$REPO/completions" "$REPO/lib" "$REPO/contrib" "$copy/"
	cp "$SBX" "$copy/sbx"
	run make -s -C "$copy" -o sbx install DESTDIR="$dest" PREFIX=/usr
	assert_success
	run make -s -C "$copy" uninstall DESTDIR="$dest" PREFIX=/usr
	assert_success
	run find "$dest" ! -type d
	assert_output ""
}

# ---------------------------------------------------------------- build ----

@test "make builds the static sbx without a single warning, and it runs" {
	need_tool make
	need_tool cc
	local copy="$BATS_TEST_TMPDIR/src" f
	mkdir -p "$copy"
	cp -R "$REPO/GNUmakefile" "$REPO/policy" "$copy/"
	for f in "$REPO"/*.c "$REPO"/*.h; do
		case ${f##*/} in embedded.c | embedded_bpf.c | no_bpf.c) continue ;; esac
		cp "$f" "$copy/"
	done
	[[ -f $copy/util.h ]] || fail "the sources are not staged beside tests/ in $REPO"
	run --separate-stderr make -s -j4 -C "$copy" sbx
	assert_success
	# glibc's linker warnings about NSS in a static binary were the last noise
	assert_equal "$stderr" ""
	grep -q -- '--fatal-warnings' "$copy/GNUmakefile" || fail "linker warnings do not fail the build"
	run "$copy/sbx" -- echo inside
	assert_success
	assert_output "inside"
}

# ----------------------------------------------------------- completion ----

@test "the completion script loads in a plain bash and registers for sbx" {
	run bash --norc --noprofile -c 'source "$1" && complete -p sbx' _ "$REPO/completions/sbx.bash"
	assert_success
	assert_output "complete -F _sbx sbx"
}

@test "completion: sbx --pol gives --policy" {
	run complete_line "sbx --pol"
	assert_success
	assert_output -- "--policy"
}

@test "completion: sbx --policy bu gives build" {
	run complete_line "sbx --policy bu"
	assert_success
	assert_output build
}

@test "completion: --NAME=VALUE completes the value, and counts as one word after" {
	run complete_line "sbx --policy=bu"
	assert_success
	assert_output build
	run complete_line "sbx --net=h"
	assert_output host
	# bash's own word is what follows the "=": replies continue it
	run complete_line "sbx --bind=/etc:/us"
	assert_line /usr/
	run complete_line "sbx --memory=4G --pol"
	assert_output -- "--policy"
	run complete_line "sbx --chdir=/tmp ech"
	assert_line echo
}

@test "completion: --policy offers every shipped policy and no seccomp list" {
	run complete_line "sbx --policy "
	assert_success
	local f
	for f in "$REPO"/policy/*; do
		[[ $f == *.seccomp || $f == *~ ]] && continue
		assert_line "${f##*/}"
	done
	refute_line --partial .seccomp
}

@test "completion: --seccomp offers seccomp lists and none" {
	run complete_line "sbx --seccomp "
	assert_success
	assert_line default
	assert_line none
	refute_line build
}

@test "completion: every option of sbx --help is offered after --" {
	run complete_line "sbx --"
	assert_success
	local opt
	while IFS=$'\t' read -r _ opt; do
		assert_line "${opt%% *}"
	done < <(help_table)
}

@test "completion: choices, paths, SRC:DST, rlimit names, and the command after --" {
	run complete_line "sbx --net "
	assert_output $'none\nhost\nuser'
	run complete_line "sbx --bind /et"
	assert_line /etc
	# bash's own word after the colon is "/us": replies continue it
	run complete_line "sbx --ro-bind /etc:/us"
	assert_line /usr/
	run complete_line "sbx --rlimit nof"
	assert_output nofile=
	run complete_line "sbx --hostname x -- ech"
	assert_line echo
	run complete_line "sbx --setenv NAME "
	assert_output ""
}

# ---------------------------------------------------------------- recipes ----
# The recipes of README.md and the man pages run as written.  A recipe is a
# ```sh block in README.md, or an .EX block in a man page after a line
# '.\" recipe'.  Just before one, '<!-- recipe needs cgroup -->' (README) or
# '.\" recipe needs cgroup' (man) says it sets limits, which need a delegated
# cgroup (run when sbx can set --memory here, else reported as skipped);
# '<!-- recipe skipped: WHY -->' or '.\" recipe skipped: WHY' that it cannot
# run here at all (root, network, a systemd session).  Any other block that
# starts with an sbx or bwrap command is taken for a recipe left unmarked.

# recipes FILE DIR: write each recipe of FILE to DIR/N.sh, numbered from 1,
# with DIR/N.where ("FILE:LINE"), and DIR/N.needs or DIR/N.skip (the reason)
# when the recipe is marked so.  Man text is turned back into what one types.
recipes() {
	awk -v file="${1##*/}" -v dir="$2" -v man="$([[ $1 == *.[1-9] ]] && echo 1)" '
		function mark(text) {
			if (text ~ /^skipped: /) { skip = substr(text, 10) } else if (text ~ /^needs /) { needs = substr(text, 7) }
			pending = 1
		}
		function start() {
			n++; body = dir "/" n ".sh"; inside = 1
			print file ":" NR + 1 > (dir "/" n ".where"); close(dir "/" n ".where")
			if (skip != "") { print skip > (dir "/" n ".skip"); close(dir "/" n ".skip") }
			if (needs != "") { print needs > (dir "/" n ".needs"); close(dir "/" n ".needs") }
			printf "" > body
			skip = ""; needs = ""; pending = 0
		}
		# the first line of a block that is no recipe: sbx or bwrap with
		# options looks like one that was not marked
		look { look = 0; if ($0 ~ /^(sbx|bwrap) (-|\\-)/) print file ":" NR > (dir "/unmarked") }
		!man && /^<!-- recipe( .*)? -->$/ { t = $0; sub(/^<!-- recipe ?/, "", t); sub(/ -->$/, "", t); mark(t); next }
		!man && !inside && /^```sh$/ { start(); next }
		!man && inside && /^```$/ { inside = 0; close(body); next }
		!man && /^```/ { plain = !plain; look = plain; next }
		man && /^\.\\" recipe/ { t = $0; sub(/^\.\\" recipe ?/, "", t); mark(t); next }
		man && pending && /^\.EX$/ { start(); next }
		man && inside && /^\.EE$/ { inside = 0; close(body); next }
		man && /^\.EX$/ { look = 1; next }
		inside {
			line = $0
			if (man) {
				gsub(/\\-/, "-", line); gsub(/\\\(dq/, "\"", line); gsub(/\\\(aq/, "\047", line)
				gsub(/\\&/, "", line); gsub(/\\e/, "\\", line)
			}
			print line > body
		}
		END { if (pending) print file ": a recipe mark with no recipe after it" > "/dev/stderr" }
	' "$1"
}

# A directory with what the recipes use: in project/ (where they run) a
# Makefile, ./configure, ./build.sh, ./program, ./test.sh, a bats suite in
# tests/ and ./rootfs (the host's root, which has bats); bin/ with sbx, put
# first on PATH; home/, a home of their own (run_recipes sets HOME), so a
# recipe that writes there leaves the real one alone.  It is outside /tmp
# and the homes, so a sandbox over the host root sees it, as a project
# directory would be.
recipe_workdir() {
	local w p
	w=$(mktemp -d "${SBX_TEST_HOSTBASE:-$REPO}/recipe.XXXXXX") || return 1
	chmod 755 "$w"
	p=$w/project
	mkdir "$w/bin" "$w/home" "$p" "$p/tests"
	ln -s "$SBX" "$w/bin/sbx"
	printf 'all:\n\t@echo built\n' >"$p/Makefile"
	local s
	for s in configure build.sh program test.sh; do
		printf '#!/bin/sh\necho "%s ran"\n' "$s" >"$p/$s"
		chmod 755 "$p/$s"
	done
	printf '@%s "passes" {\n\ttrue\n}\n' test >"$p/tests/ok.bats"
	ln -s / "$p/rootfs"
	echo "$w"
}

# run_recipes FILE: run each recipe of FILE in a fresh work directory as
# bash -e, and fail naming each one that failed, with its output.
run_recipes() {
	sbx_setup
	local all="$BATS_TEST_TMPDIR/recipes" n w rc out failed="" can_limit=0 ran=0
	mkdir -p "$all"
	recipes "$1" "$all" || fail "could not read the recipes of $1"
	[[ -e $all/1.sh ]] || fail "$1 has no recipe marked"
	[[ ! -e $all/unmarked ]] || fail "blocks that look like recipes but are not marked (see the comment above recipes()): $(echo $(<"$all/unmarked"))"
	"$SBX" --memory 64M -- true </dev/null >/dev/null 2>&1 && can_limit=1
	for ((n = 1; ; n++)); do
		[[ -e $all/$n.sh ]] || break
		if [[ -e $all/$n.skip ]]; then
			echo "# $(<"$all/$n.where"): skipped, $(<"$all/$n.skip")" >&3
			continue
		fi
		if [[ -e $all/$n.needs ]] && ((!can_limit)); then
			echo "# $(<"$all/$n.where"): skipped, needs a delegated cgroup (sbx --memory fails here)" >&3
			continue
		fi
		w=$(recipe_workdir) || fail "cannot make a work directory"
		rc=0
		# (a plain PATH: bats puts its libexec first, whose bats would not start)
		out=$(cd "$w/project" && HOME="$w/home" PATH="$w/bin:/usr/local/bin:/usr/bin:/bin" timeout -k 5 60 bash -e "$all/$n.sh" </dev/null 2>&1) || rc=$?
		chmod -R u+rwX "$w" 2>/dev/null
		rm -rf "$w"
		ran=$((ran + 1))
		((rc == 0)) || failed+=$'\n'"$(<"$all/$n.where"): exit $rc:"$'\n'"$(sed 's/^/  | /' "$all/$n.sh")"$'\n'"$(sed 's/^/  > /' <<<"$out")"
	done
	[[ -z $failed ]] || fail "recipes that do not run as written:$failed"
	((ran > 0)) || skip "every recipe of $1 was skipped"
}

@test "the recipes of README.md run as written" {
	run_recipes "$REPO/README.md"
}

@test "the recipes of sbx.1 run as written" {
	run_recipes "$REPO/man/sbx.1"
}

@test "the recipes of sbx-policy.5 run as written" {
	run_recipes "$REPO/man/sbx-policy.5"
}

# ------------------------------------------------------------ bats helper ----

@test "the sample suite passes through lib/sbx.bash" {
	sbx_setup
	run env SBX="$SBX" SBX_BATS_HELPER="$REPO/lib/sbx.bash" bats --tap "$REPO/tests/examples/sample.bats"
	[[ $status == 0 ]] || fail "sample suite failed (exit $status):"$'\n'"$output"
	refute_line --partial "not ok"
	assert_line --regexp '^1\.\.[0-9]+$'
}

@test "the installed helper loads with bats_load_library sbx" {
	sbx_setup
	local dest
	dest=$(install_tree) || fail "make install failed"
	# (printf, not a here-document: bats would take an @test line in this
	# file for one of its own tests)
	printf '%s\n' 'bats_load_library sbx' '@''test "sbx_run from the library" {' \
		'	sbx_run --hostname from-lib -- hostname' \
		'	[ "$status" -eq 0 ]' \
		'	[ "$output" = from-lib ]' \
		'}' >"$BATS_TEST_TMPDIR/lib.bats"
	run env SBX="$SBX" BATS_LIB_PATH="$dest/usr/lib/bats" bats --tap "$BATS_TEST_TMPDIR/lib.bats"
	[[ $status == 0 ]] || fail "$output"
	assert_line "ok 1 sbx_run from the library"
}

@test "sbx_run refuses sbx options without -- and a command" {
	# shellcheck source=../lib/sbx.bash
	source "$REPO/lib/sbx.bash"
	run sbx_run --net host
	assert_failure 2
	assert_output --partial "without \`--'"
}

# ------------------------------------------------------------- AppArmor ----

@test "the AppArmor profile allows userns to /usr/bin/sbx and /usr/local/bin/sbx only" {
	local p="$REPO/contrib/apparmor/sbx"
	grep -q '^abi <abi/4\.0>,$' "$p" || fail "no 'abi <abi/4.0>,' line (userns rules need AppArmor 4)"
	grep -q '^  userns,$' "$p" || fail "no 'userns,' rule"
	local attach
	attach=$(sed -n 's/^profile sbx \([^ ]*\) flags=(unconfined) {$/\1/p' "$p")
	[[ -n $attach ]] || fail "no 'profile sbx PATH flags=(unconfined) {' line"
	# AppArmor's {a,b} alternation reads like bash's brace expansion.
	run bash -c "printf '%s\n' $attach | sort"
	assert_output $'/usr/bin/sbx\n/usr/local/bin/sbx'
}
