#!/usr/bin/env bats
# shellcheck disable=SC2016 # $ in single quotes: for the shell inside
# The caller's home under --policy build and bats (--hide-home): nothing of
# it but the work tree and the toolchains on PATH is visible, credentials
# never, and the command gets a throwaway home of its own; the work tree's
# .git is read-only under build (--protect-git).
#
# Most tests give sbx a home made for the test (HOME=$fake, a directory of
# the test user's), with secrets and toolchains laid out as the tools lay
# them out; one looks at the test user's real home from its passwd entry.

load helpers

setup_file() { sbx_setup_file; }
teardown_file() { sbx_teardown_file; }

setup() {
	sbx_setup
	fake=$(hostdir)
	mkdir -p "$fake/src/proj" "$fake/.ssh" "$fake/.aws" "$fake/.gnupg"
	echo SECRET-KEY >"$fake/.ssh/id_ed25519"
	echo SECRET-AWS >"$fake/.aws/credentials"
	echo 'machine example.com password SECRET-NETRC' >"$fake/.netrc"
	echo '//registry.npmjs.org/:_authToken=SECRET-NPM' >"$fake/.npmrc"
	echo 'echo pwned' >"$fake/.bashrc"
	proj=$fake/src/proj
}

# in_home [SBX_OPTIONS...] -- COMMAND...: sbx from the work tree, with the
# made-up home as HOME and its toolchains first on PATH.
in_home() {
	run --separate-stderr env -C "$proj" HOME="$fake" \
		PATH="$fake/.cargo/bin:$fake/.local/bin:$fake/go/bin:$fake/.nvm/versions/node/v20.0.0/bin:$fake/bin:$PATH" \
		timeout -k 5 "$SBX_TIMEOUT" "$SBX" "$@" </dev/null
}

# tool FILE TEXT: an executable script printing TEXT and the file named
# after it ("$(dirname "$0")/../share/x" and the like), as toolchains do
tool() {
	mkdir -p "$(dirname "$1")"
	printf '#!/bin/sh\necho %s\n%s\n' "$2" "${3:-}" >"$1"
	chmod 755 "$1"
}

make_toolchains() {
	# rustup: the cargo in ~/.cargo/bin is a proxy that reads ~/.rustup
	mkdir -p "$fake/.rustup/toolchains/stable/bin"
	tool "$fake/.rustup/toolchains/stable/bin/cargo" real-cargo
	tool "$fake/.cargo/bin/cargo" cargo-proxy 'exec "$HOME/.rustup/toolchains/stable/bin/cargo"'
	echo '[registry]\ntoken = "SECRET-CARGO"' >"$fake/.cargo/credentials.toml"
	mkdir -p "$fake/.cargo/registry/cache"
	echo crate >"$fake/.cargo/registry/cache/dep.crate"
	# pip --user: ~/.local/bin and ~/.local/lib
	tool "$fake/.local/bin/pytool" pytool 'cat "$HOME/.local/lib/python3/site-packages/mod.py"'
	mkdir -p "$fake/.local/lib/python3/site-packages" "$fake/.local/share/keyrings" "$fake/.local/share/app"
	echo 'print(1)' >"$fake/.local/lib/python3/site-packages/mod.py"
	echo SECRET-KEYRING >"$fake/.local/share/keyrings/login.keyring"
	echo private >"$fake/.local/share/app/history"
	# go: ~/go/bin and the module cache in ~/go/pkg/mod
	tool "$fake/go/bin/gotool" gotool 'cat "$HOME/go/pkg/mod/example.com/m/go.mod"'
	mkdir -p "$fake/go/pkg/mod/example.com/m"
	echo 'module example.com/m' >"$fake/go/pkg/mod/example.com/m/go.mod"
	# nvm: node's prefix, with npm's global npmrc in it
	tool "$fake/.nvm/versions/node/v20.0.0/bin/node" node 'cat "$(dirname "$0")/../lib/node_modules/npm/package.json"'
	mkdir -p "$fake/.nvm/versions/node/v20.0.0/lib/node_modules/npm" "$fake/.nvm/versions/node/v20.0.0/etc"
	echo '{"name":"npm"}' >"$fake/.nvm/versions/node/v20.0.0/lib/node_modules/npm/package.json"
	echo '//registry.npmjs.org/:_authToken=SECRET-NVM' >"$fake/.nvm/versions/node/v20.0.0/etc/npmrc"
	# ~/bin as a link into a dotfiles checkout
	tool "$fake/dotfiles/bin/mine" mine
	ln -s dotfiles/bin "$fake/bin"
}

# ------------------------------------------------------------ the home ----

@test "build: the home's secrets and rc files are not visible" {
	in_home --policy build -- /bin/sh -c '
		for f in .ssh/id_ed25519 .aws/credentials .netrc .npmrc .bashrc; do
			cat "$HOME/$f" 2>/dev/null && echo "READ $f"
		done
		ls -A "$HOME"'
	assert_success
	refute_output --partial SECRET
	refute_output --partial READ
	refute_output --partial pwned
	# what is left is the way down to the work tree
	assert_output src
}

@test "build: the command gets a writable throwaway home of its own, gone at the end" {
	in_home --policy build -- /bin/sh -c '
		echo "$HOME"; stat -c "%u %a" "$HOME"
		mkdir -p "$HOME/.cache/x" "$HOME/.cargo" && echo data >"$HOME/.cache/x/f" && echo written
		echo evil >>"$HOME/.bashrc"'
	assert_success
	assert_line --index 0 "$fake"
	assert_line --index 1 "$(id -u) 700"
	assert_line --index 2 written
	[[ ! -e $fake/.cache/x ]] || fail "a write to the throwaway home reached the host"
	assert_equal "$(cat "$fake/.bashrc")" 'echo pwned'
}

@test "build: the work tree inside the home is there and writable" {
	echo source >"$proj/main.c"
	in_home --policy build -- /bin/sh -c 'pwd; cat main.c; echo out >main.o'
	assert_success
	assert_output "$proj"$'\n'source
	assert_equal "$(cat "$proj/main.o")" out
}

@test "build: other homes, /root and the caller's own home by passwd are hidden" {
	local pw
	pw=$(getent passwd "$(id -u)" | cut -d: -f6)
	in_home --policy build -- /bin/sh -c 'ls -A /home /root 2>&1; ls -A "$1" 2>&1' _ "$pw"
	assert_success
	# /home holds at most the empty mount point of the caller's own
	# passwd home; nothing of anyone's files
	local line
	for line in "${lines[@]}"; do
		case $line in
		/home: | /root: | "" | "$(basename "$pw")" | *"No such file"* | *"Permission denied"*) ;;
		*) fail "$(printf 'a home is visible: %s\nall:\n%s' "$line" "$output")" ;;
		esac
	done
}

@test "bats: the home is hidden as under build" {
	in_home --policy bats -- /bin/sh -c 'cat "$HOME/.ssh/id_ed25519" 2>&1; ls -A "$HOME"'
	assert_success
	refute_output --partial SECRET
}

@test "the default and shell policies hide the home too, showing the directory sbx starts in read-only" {
	echo source >"$proj/main.c"
	in_home -- /bin/sh -c 'cat "$HOME/.bashrc" "$HOME/.ssh/id_ed25519" 2>/dev/null; cat main.c; touch x 2>/dev/null || echo read-only'
	assert_success
	assert_output "$(printf 'source\nread-only')"
	in_home --policy shell -- /bin/sh -c 'cat "$HOME/.ssh/id_ed25519" 2>/dev/null; echo done'
	assert_success
	assert_output done
}

@test "--show-home undoes it: the home visible read-only, as before" {
	in_home --show-home -- cat "$fake/.bashrc"
	assert_success
	assert_output 'echo pwned'
	in_home --policy build --show-home -- cat "$fake/.bashrc"
	assert_success
	assert_output 'echo pwned'
}

@test "started in the home itself or in a hidden directory of it, nothing of it is shown" {
	mkdir -p "$fake/.config/app"
	echo token >"$fake/.config/app/t"
	run --separate-stderr env -C "$fake/.config/app" HOME="$fake" timeout -k 5 "$SBX_TIMEOUT" "$SBX" -- /bin/sh -c 'cat t 2>/dev/null; echo done' </dev/null
	assert_success
	assert_output done
	run --separate-stderr env -C "$fake" HOME="$fake" timeout -k 5 "$SBX_TIMEOUT" "$SBX" -- /bin/sh -c 'ls -A; echo done' </dev/null
	assert_success
	assert_output done
}

# ---------------------------------------------------------- toolchains ----

@test "build: toolchains on PATH in the home run (rustup, pip --user, go, nvm, a linked ~/bin)" {
	make_toolchains
	in_home --policy build -- /bin/sh -c 'cargo; pytool; gotool; node; mine'
	assert_success
	assert_output "$(printf '%s\n' cargo-proxy real-cargo pytool 'print(1)' gotool 'module example.com/m' node '{"name":"npm"}' mine)"
}

@test "build: toolchain directories are read-only, the cargo registry readable" {
	make_toolchains
	in_home --policy build -- /bin/sh -c '
		cat "$HOME/.cargo/registry/cache/dep.crate"
		touch "$HOME/.cargo/bin/x" 2>/dev/null && echo WROTE-cargo
		touch "$HOME/.local/bin/x" 2>/dev/null && echo WROTE-local
		touch "$HOME/go/bin/x" 2>/dev/null && echo WROTE-go
		true'
	assert_success
	assert_output crate
	[[ ! -e $fake/.cargo/bin/x && ! -e $fake/.local/bin/x && ! -e $fake/go/bin/x ]] || fail "wrote into a toolchain"
}

@test "build: credentials inside toolchain trees stay hidden" {
	make_toolchains
	in_home --policy build -- /bin/sh -c '
		cat "$HOME/.cargo/credentials.toml" "$HOME/.nvm/versions/node/v20.0.0/etc/npmrc" \
			"$HOME/.local/share/keyrings/login.keyring" "$HOME/.local/share/app/history" 2>/dev/null
		echo done'
	assert_success
	refute_output --partial SECRET
	refute_output --partial private
	assert_output done
}

@test "--home-ro shows more of the home, read-only, credentials still hidden" {
	mkdir -p "$fake/.m2/repository"
	echo jar >"$fake/.m2/repository/a.jar"
	echo '<password>SECRET-M2</password>' >"$fake/.m2/settings.xml"
	in_home --policy build --home-ro .m2 -- /bin/sh -c '
		cat "$HOME/.m2/repository/a.jar" "$HOME/.m2/settings.xml"
		touch "$HOME/.m2/x" 2>/dev/null && echo WROTE; true'
	assert_success
	assert_output jar
}

@test "--home-ro refuses a credential directory, naming the explicit way" {
	in_home --policy build --home-ro .ssh -- /bin/true
	[[ $status == 125 ]] || fail "exit $status, want 125"
	assert_sbx_error
	assert_equal "${stderr_lines[0]}" "sbx: --hide-home: $fake/.ssh holds credentials (~/.ssh)"
	assert_equal "${stderr_lines[1]}" "hint: to show it all the same, name it: --ro-bind $fake/.ssh"
}

@test "--home-ro of a missing path, and without --hide-home, are errors" {
	in_home --policy build --home-ro .nothing -- /bin/true
	[[ $status == 125 ]] || fail "exit $status, want 125"
	assert_sbx_error
	[[ ${stderr_lines[0]} == "sbx: --home-ro $fake/.nothing: No such file or directory" ]] || fail "$stderr"
	in_home --home-ro .m2 -- /bin/true
	[[ $status == 125 ]] || fail "exit $status, want 125"
	assert_sbx_error
}

@test "a bind named by the user still shows what the home hides" {
	in_home --policy build --ro-bind "$fake/.aws" -- cat "$fake/.aws/credentials"
	assert_success
	assert_output SECRET-AWS
}

# ---------------------------------------------------------------- .git ----

@test "build: the work tree's .git is read-only, the tree writable" {
	git -C "$proj" init -q
	in_home --policy build -- /bin/sh -c '
		echo "[core] fsmonitor = evil" >>.git/config 2>/dev/null && echo WROTE-config
		echo evil >.git/hooks/pre-commit 2>/dev/null && echo WROTE-hook
		echo ok >file && echo tree-ok'
	assert_success
	assert_output tree-ok
	[[ ! -e $proj/.git/hooks/pre-commit ]] || fail "a hook was written"
	run grep -c fsmonitor "$proj/.git/config"
	assert_output 0
}

@test "build: a submodule's .git file is read-only too" {
	mkdir -p "$proj/sub"
	printf '[submodule "sub"]\n\tpath = sub\n\turl = x\n' >"$proj/.gitmodules"
	echo 'gitdir: ../.git/modules/sub' >"$proj/sub/.git"
	in_home --policy build -- /bin/sh -c 'echo "gitdir: /tmp/evil" >sub/.git 2>/dev/null && echo WROTE; cat sub/.git'
	assert_success
	assert_output 'gitdir: ../.git/modules/sub'
}

@test "--writable-git lifts build's read-only .git" {
	git -C "$proj" init -q
	in_home --policy build --writable-git -- /bin/sh -c 'echo "# note" >>.git/config && echo wrote'
	assert_success
	assert_output wrote
}

@test "build: --print-policy says hide-home and protect-git" {
	in_home --policy build --home-ro .m2 --print-policy
	assert_success
	assert_line hide-home
	assert_line 'home-ro .m2'
	assert_line protect-git
}

@test "build: a .git file that leads elsewhere in the work tree protects where it leads" {
	git -C "$proj" init -q
	mv "$proj/.git" "$proj/gitdir"
	echo "gitdir: gitdir" >"$proj/.git"
	mkdir -p "$proj/wt"
	echo "gitdir: ../gitdir" >"$proj/wt/.git"
	printf '[submodule "wt"]\n\tpath = wt\n' >"$proj/.gitmodules"
	in_home --policy build -- /bin/sh -c '
		echo evil >gitdir/hooks/pre-commit 2>/dev/null && echo WROTE-hook
		echo "gitdir: /tmp/x" >wt/.git 2>/dev/null && echo WROTE-file
		echo ok'
	assert_success
	assert_output ok
}

@test "build: a .gitmodules the last run left as a FIFO or a link is not waited on nor followed" {
	mkfifo "$proj/.gitmodules"
	in_home --policy build -- /bin/echo started
	assert_success
	assert_output started
	rm "$proj/.gitmodules"
	ln -s /dev/zero "$proj/.gitmodules"
	in_home --policy build -- /bin/echo started
	assert_success
	assert_output started
}

@test "build: a PATH entry inside a credential directory is not shown" {
	mkdir -p "$fake/.config/gh/bin"
	tool "$fake/.config/gh/bin/ghtool" ghtool
	echo 'oauth_token: SECRET-GH' >"$fake/.config/gh/hosts.yml"
	run --separate-stderr env -C "$proj" HOME="$fake" PATH="$fake/.config/gh/bin:$PATH" \
		timeout -k 5 "$SBX_TIMEOUT" "$SBX" --policy build -- /bin/sh -c 'cat "$HOME/.config/gh/hosts.yml" 2>/dev/null; echo done' </dev/null
	assert_success
	assert_output done
}

@test "--protect-git refuses a .git that is a symbolic link: no mount can hold a link" {
	git -C "$proj" init -q
	mv "$proj/.git" "$proj/gitdir"
	ln -s gitdir "$proj/.git"
	in_home --policy build -- /bin/true
	[[ $status == 125 ]] || fail "exit $status, want 125: $stderr"
	assert_sbx_error
	assert_equal "${stderr_lines[0]}" "sbx: --protect-git: $proj/.git is a symbolic link, which cannot be kept read-only"
	in_home --policy build --writable-git -- /bin/true
	assert_success
}

@test "build and bats: the hooks directory git's core.hooksPath names in the work tree is read-only" {
	git -C "$proj" init -q
	mkdir -p "$proj/.husky"
	git -C "$proj" config core.hooksPath .husky
	local policy
	for policy in build bats; do
		in_home --policy "$policy" -- /bin/sh -c 'echo evil >.husky/pre-commit 2>/dev/null && echo WROTE; echo done'
		assert_success
		assert_output done
	done
	[[ ! -e $proj/.husky/pre-commit ]] || fail "a hook was written"
}

@test "build: core.hooksPath however git's syntax writes it (on the header's line, any case, quoted, continued) is read-only" {
	git -C "$proj" init -q
	mkdir -p "$proj/.h1" "$proj/.h2" "$proj/.h3" "$proj/.h4"
	printf '[core] hooksPath = .h1\n[CORE]\n\tHooksPath = ".h"2 ; a comment\n' >>"$proj/.git/config"
	printf '[core]\n\thookspath = .h\\\n3\n[core] ; comment\n\thooksPath=.h4#c\n' >>"$proj/.git/config"
	run git -C "$proj" config --get-all core.hooksPath
	assert_output $'.h1\n.h2\n.h3\n.h4'
	in_home --policy build -- /bin/sh -c 'for d in .h1 .h2 .h3 .h4; do echo evil >$d/pre-commit 2>/dev/null && echo WROTE $d; done; echo done'
	assert_success
	assert_output done
}

@test "build: core.hooksPath in a file the configuration includes (include.path, includeIf.*.path) is read-only, and an included file in the work tree too" {
	git -C "$proj" init -q
	mkdir -p "$proj/.h1" "$proj/.h2" "$proj/.h3" "$proj/.git/more"
	printf '[core]\n\thooksPath = .h1\n[includeIf "onbranch:release"]\n\tpath = more/branch.cfg\n' >"$proj/.git/hooks.cfg"
	printf '[core]\n\thooksPath = .h2\n' >"$proj/.git/more/branch.cfg"
	printf '[alias]\n\tst = status\n' >"$proj/.gitconfig"
	git -C "$proj" config include.path hooks.cfg
	git -C "$proj" config --add include.path ../.gitconfig
	run git -C "$proj" config --get core.hooksPath
	assert_output .h1
	in_home --policy build -- /bin/sh -c 'for d in .h1 .h2; do echo evil >$d/pre-commit 2>/dev/null && echo WROTE $d; done
		printf "[core]\\n\\thooksPath = .h3\\n" >>.gitconfig 2>/dev/null && echo WROTE .gitconfig; echo done'
	assert_success
	assert_output done
}

@test "build: core.hooksPath from the caller's own configuration, and from a submodule's, is read-only too" {
	git -C "$proj" init -q
	mkdir -p "$proj/.githooks" "$proj/mod/.subhooks" "$proj/.git/modules/mod"
	git init -q --separate-git-dir "$proj/.git/modules/mod" "$proj/mod"
	printf '[submodule "mod"]\n\tpath = mod\n' >"$proj/.gitmodules"
	git -C "$proj/mod" config core.hooksPath .subhooks
	printf '[Core] HooksPath = .githooks\n' >"$fake/.gitconfig"
	in_home --policy build -- /bin/sh -c 'for d in .githooks mod/.subhooks; do echo evil >$d/pre-commit 2>/dev/null && echo WROTE $d; done; echo done'
	assert_success
	assert_output done
}

@test "build: core.hooksPath of a linked worktree (in the main repository's configuration) is read-only too" {
	local main=$fake/src/main
	git init -q "$main"
	git -C "$main" -c user.name=t -c user.email=t@e commit -q --allow-empty -m init
	rmdir "$proj"
	git -C "$main" worktree add -q "$proj"
	mkdir -p "$proj/.githooks"
	git -C "$proj" config core.hooksPath .githooks
	in_home --policy build -- /bin/sh -c 'echo evil >.githooks/pre-commit 2>/dev/null && echo WROTE; echo done'
	assert_success
	assert_output done
}

@test "build: husky's layout (core.hooksPath .husky/_, whose hooks run .husky/pre-commit): a script planted in .husky is refused" {
	git -C "$proj" init -q
	mkdir -p "$proj/.husky/_"
	printf '#!/usr/bin/env sh\n. "$(dirname "$0")/h"\n' >"$proj/.husky/_/pre-commit"
	printf '#!/usr/bin/env sh\ns=$(dirname "$(dirname "$0")")/$(basename "$0")\n[ -f "$s" ] || exit 0\nsh -e "$s"\n' >"$proj/.husky/_/h"
	chmod +x "$proj/.husky/_/pre-commit" "$proj/.husky/_/h"
	git -C "$proj" config core.hooksPath .husky/_
	in_home --policy build -- /bin/sh -c "echo 'touch $fake/pwned' >.husky/pre-commit; echo done"
	assert_success
	assert_output done
	[[ $stderr == *".husky/pre-commit: Read-only file system"* ]] || fail "not refused with EROFS: $stderr"
	[[ ! -e $proj/.husky/pre-commit ]] || fail "a script was planted"
}

# A repository in $proj that can commit.
init_repo_with_identity() {
	git -C "$proj" init -q
	git -C "$proj" config user.email t@example.org
	git -C "$proj" config user.name t
}

# The caller's own git commit, outside any sandbox: no hook the command
# planted (one that would touch $proj/HOOK-RAN) runs.
commit_runs_no_planted_hook() {
	touch "$proj/f"
	git -C "$proj" add f
	git -C "$proj" commit -qm f
	[[ ! -e $proj/HOOK-RAN ]] || fail "a hook the command planted ran"
}

@test "--protect-git refuses a core.hooksPath that is a symbolic link in the work tree" {
	git -C "$proj" init -q
	mkdir -p "$proj/tools/hooks"
	ln -s tools/hooks "$proj/.githooks"
	git -C "$proj" config core.hooksPath .githooks
	in_home --policy build -- /bin/true
	[[ $status == 125 ]] || fail "exit $status, want 125: $stderr"
	assert_equal "${stderr_lines[0]}" "sbx: --protect-git: the hooks directory .githooks (core.hooksPath in $proj/.git/config): $proj/.githooks is a symbolic link, which cannot be kept read-only"
	git -C "$proj" config core.hooksPath tools/hooks/none
	in_home --policy build -- /bin/sh -c 'mkdir tools/hooks/none 2>/dev/null && echo MADE; echo done'
	assert_success
	assert_output done
	in_home --policy build --writable-git -- /bin/true
	assert_success
}

@test "--protect-git: a core.hooksPath not there before the run (a global .githooks) runs; what the run makes there is moved aside, and git runs none of it" {
	init_repo_with_identity
	git -C "$proj" config core.hooksPath .githooks
	in_home --policy build -- /bin/sh -c 'echo ran'
	assert_success
	assert_output ran
	[[ -z $stderr ]] || fail "a run that made no hooks was warned: $stderr"
	local planted='mkdir -p .githooks && printf "#!/bin/sh\ntouch %s/HOOK-RAN\n" "$PWD" >.githooks/pre-commit && chmod +x .githooks/pre-commit'
	in_home --policy build -- /bin/sh -c "$planted"
	assert_success
	[[ $stderr == *"the command made or changed $proj/.githooks, which git would obey outside the sandbox; moved it aside to $proj/.githooks.sbx-untrusted"* ]] ||
		fail "no warning: $stderr"
	[[ ! -e $proj/.githooks && -x $proj/.githooks.sbx-untrusted/pre-commit ]] || fail "not moved aside"
	# A link the run made, to a hooks directory of its own elsewhere in the tree.
	in_home --policy build -- /bin/sh -c 'mkdir -p build/h && ln -s build/h .githooks'
	assert_success
	[[ ! -e $proj/.githooks && ! -L $proj/.githooks ]] || fail "the link was left"
	# Deeper: gen/hooks, with gen not there; a run that makes gen/ but no hooks keeps it.
	git -C "$proj" config core.hooksPath gen/hooks
	in_home --policy build -- /bin/sh -c 'mkdir -p gen/out'
	assert_success
	[[ -d $proj/gen/out && -z $stderr ]] || fail "gen/ was moved though it holds no hooks: $stderr"
	rm -rf "$proj/gen"
	in_home --policy build -- /bin/sh -c 'mkdir -p gen/hooks && cp .githooks.sbx-untrusted/pre-commit gen/hooks/'
	assert_success
	[[ ! -e $proj/gen && -d $proj/gen.sbx-untrusted/hooks ]] || fail "gen/ was not moved aside: $stderr"
	commit_runs_no_planted_hook
}

@test "--protect-git refuses a core.hooksPath or include with '..' after a directory in the work tree (the command could make that one a link)" {
	init_repo_with_identity
	local plant='rm -rf sub; mkdir -p x/y x/.githooks; ln -s x/y sub; printf "#!/bin/sh\ntouch %s/HOOK-RAN\n" "$PWD" >x/.githooks/pre-commit; chmod +x x/.githooks/pre-commit'
	# .githooks not there before the run, and there (read-only) before it.
	for before in "" .githooks; do
		rm -rf "$proj/sub" "$proj/x" "$proj/.githooks"
		mkdir "$proj/sub" ${before:+"$proj/$before"}
		git -C "$proj" config core.hooksPath sub/../.githooks
		in_home --policy build -- /bin/sh -c "$plant"
		[[ $status == 125 ]] || fail "exit $status, want 125 (.githooks there before: ${before:-no}): $stderr"
		assert_equal "${stderr_lines[0]}" "sbx: --protect-git: the hooks directory sub/../.githooks (core.hooksPath in $proj/.git/config): '..' after $proj/sub, which the command could make or turn into a symbolic link"
	done
	git -C "$proj" config --unset core.hooksPath
	git -C "$proj" config include.path ../sub/../inc
	in_home --policy build -- /bin/true
	[[ $status == 125 ]] || fail "exit $status, want 125 for the include: $stderr"
	# Up from the .git, read-only during the run: as before.
	git -C "$proj" config include.path ../inc
	in_home --policy build -- /bin/sh -c 'echo ran'
	assert_success
	assert_output ran
	git -C "$proj" config --unset include.path
	commit_runs_no_planted_hook
}

@test "bats: the work tree's .git is read-only too" {
	git -C "$proj" init -q
	in_home --policy bats -- /bin/sh -c 'echo "[core] fsmonitor = evil" >>.git/config 2>/dev/null && echo WROTE; echo done'
	assert_success
	assert_output done
}

@test "a PATH entry in the work tree is not followed: a link the last run planted there shows nothing of the home" {
	mkdir -p "$fake/.mozilla/profile" "$proj/.venv"
	echo SECRET-COOKIES >"$fake/.mozilla/profile/cookies"
	ln -s "$fake/.mozilla/profile" "$proj/.venv/bin"
	run --separate-stderr env -C "$proj" HOME="$fake" PATH="$proj/.venv/bin:$PATH" \
		timeout -k 5 "$SBX_TIMEOUT" "$SBX" --policy build -- /bin/sh -c 'cat "$HOME/.mozilla/profile/cookies" 2>/dev/null; echo done' </dev/null
	assert_success
	assert_output done
}

@test "credential files of version managers' prefixes stay hidden (asdf, volta, pyenv's pip.conf)" {
	mkdir -p "$fake/.asdf/shims" "$fake/.asdf/installs/nodejs/20.0.0/etc" "$fake/.volta/bin" \
		"$fake/.volta/tools/image/node/20.0.0/etc" "$fake/.pyenv/shims" "$fake/.pyenv/versions/3.11.0"
	echo SECRET-ASDF >"$fake/.asdf/installs/nodejs/20.0.0/etc/npmrc"
	echo SECRET-VOLTA >"$fake/.volta/tools/image/node/20.0.0/etc/npmrc"
	echo 'index-url = https://u:SECRET-PIP@example.com' >"$fake/.pyenv/versions/3.11.0/pip.conf"
	run --separate-stderr env -C "$proj" HOME="$fake" PATH="$fake/.asdf/shims:$fake/.volta/bin:$fake/.pyenv/shims:$PATH" \
		timeout -k 5 "$SBX_TIMEOUT" "$SBX" --policy build -- /bin/sh -c 'ls -d "$HOME/.asdf" "$HOME/.volta" "$HOME/.pyenv" >/dev/null && cat "$HOME/.asdf/installs/nodejs/20.0.0/etc/npmrc" "$HOME/.volta/tools/image/node/20.0.0/etc/npmrc" "$HOME/.pyenv/versions/3.11.0/pip.conf"; echo done' </dev/null
	assert_success
	refute_output --partial SECRET
	assert_output --partial done
}

@test "strict hides the home too, wherever it is" {
	in_home --policy strict --bind-cwd -- /bin/sh -c "cat '$fake/.ssh/id_ed25519' 2>/dev/null; ls -A '$fake'; echo done"
	assert_success
	refute_output --partial SECRET
}

# ------------------------------------------- git metadata the run leaves ----

# git run on the host, as the user would after the run; $1 the directory.
# Fails the test when a configuration the command planted ran.
git_after() {
	rm -f "$fake/pwned"
	git -C "$1" status >/dev/null 2>&1 || true
	[[ ! -e $fake/pwned ]] || fail "git status in $1 ran what the command planted"
}

@test "build: a repository the command makes in the work tree is moved aside, and git outside runs nothing of it" {
	git -C "$proj" init -q
	in_home --policy build -- /bin/sh -c "git init -q build && git -C build config core.fsmonitor 'touch $fake/pwned'; echo ran"
	assert_success
	assert_output ran
	[[ $stderr == *"sbx: warning: the command made or changed $proj/build/.git, which git would obey outside the sandbox; moved it aside to $proj/build/.git.sbx-untrusted"$'\n'"hint: look at its config and hooks before you trust it; to keep it, rename it"* ]] ||
		fail "no warning naming build/.git: $stderr"
	[[ ! -e $proj/build/.git && -d $proj/build/.git.sbx-untrusted ]] || fail "build/.git left in place"
	[[ ! -e $proj/build/.git.sbx-untrusted/HEAD ]] || fail "the quarantined directory is still a bare repository"
	git_after "$proj/build"
	git_after "$proj/build/.git.sbx-untrusted"
}

@test "build: a .git made in a work tree that had none, or a submodule moved aside for another, is moved aside" {
	in_home --policy build -- /bin/sh -c 'git init -q .'
	[[ $status == 0 ]] || fail "exit $status: $stderr"
	[[ $stderr == *"the command made or changed $proj/.git, which git would obey"* ]] || fail "no warning naming .git: $stderr"
	[[ ! -e $proj/.git ]] || fail ".git left in place"
	rm -rf "$proj/.git.sbx-untrusted"
	git -C "$proj" init -q
	mkdir -p "$proj/mod"
	echo 'gitdir: ../.git/modules/mod' >"$proj/mod/.git"
	printf '[submodule "mod"]\n\tpath = mod\n' >"$proj/.gitmodules"
	in_home --policy build -- /bin/sh -c 'mv mod mod2 && mkdir mod && echo "gitdir: ../evil" >mod/.git && ln -s ../evil mod2/.git2 && mkdir l && ln -s ../evil l/.git'
	[[ $status == 0 ]] || fail "exit $status: $stderr"
	[[ $stderr == *"the command made or changed $proj/mod/.git,"* ]] || fail "no warning naming mod/.git: $stderr"
	[[ $stderr == *"the command made or changed $proj/l/.git,"* ]] || fail "no warning naming the link l/.git: $stderr"
	[[ ! -e $proj/mod/.git && ! -L $proj/l/.git && -L $proj/l/.git.sbx-untrusted ]] || fail "left in place: $(ls -la "$proj/mod" "$proj/l")"
	[[ -f $proj/mod2/.git ]] || fail "the submodule's own .git was touched"
}

@test "build: a nested repository whose configuration or hooks the command changed is moved aside" {
	git -C "$proj" init -q
	git -C "$proj" init -q vendor/a
	git -C "$proj" init -q vendor/b
	git -C "$proj" init -q vendor/c
	in_home --policy build -- /bin/sh -c "printf '[core]\\n\\tfsmonitor = touch $fake/pwned\\n' >>vendor/a/.git/config &&
		printf '#!/bin/sh\\ntouch $fake/pwned\\n' >vendor/b/.git/hooks/post-checkout && git -C vendor/c log >/dev/null 2>&1; true"
	[[ $status == 0 ]] || fail "exit $status: $stderr"
	[[ $stderr == *"changed $proj/vendor/a/.git,"* && $stderr == *"changed $proj/vendor/b/.git,"* ]] ||
		fail "no warning naming vendor/a and vendor/b: $stderr"
	[[ $stderr != *vendor/c* && -d $proj/vendor/c/.git ]] || fail "a repository only read was moved: $stderr"
	git_after "$proj/vendor/a"
}

@test "build: a submodule's git directory inside a nested repository, changed by the command, moves the repository aside" {
	git -C "$proj" init -q
	git -C "$proj" init -q vendor/n
	mkdir -p "$proj/vendor/n/.git/modules/lib"
	git init -q --separate-git-dir "$proj/vendor/n/.git/modules/lib/deep" "$proj/vendor/n/deep"
	in_home --policy build -- /bin/sh -c "printf '[core]\\n\\tfsmonitor = touch $fake/pwned\\n' >>vendor/n/.git/modules/lib/deep/config"
	[[ $status == 0 ]] || fail "exit $status: $stderr"
	[[ $stderr == *"changed $proj/vendor/n/.git,"* ]] || fail "no warning naming vendor/n/.git: $stderr"
	git_after "$proj/vendor/n/deep"
}

@test "build: a bare repository the command plants in the work tree is no repository after the run" {
	git -C "$proj" init -q
	in_home --policy build -- /bin/sh -c "git init -q --bare fixtures/evil.git && cd fixtures/evil.git &&
		git config core.bare false && git config core.worktree $proj/fixtures && git config core.fsmonitor 'touch $fake/pwned'"
	[[ $status == 0 ]] || fail "exit $status: $stderr"
	[[ $stderr == *"changed $proj/fixtures/evil.git/HEAD, which git would obey outside the sandbox; moved it aside to $proj/fixtures/evil.git/HEAD.sbx-untrusted"* ]] ||
		fail "no warning naming the bare repository: $stderr"
	git_after "$proj/fixtures/evil.git"
}

@test "build: a bare repository git would take through a linked HEAD, objects or refs, or one inside a .git.* or a nested .git, is no repository after the run" {
	git -C "$proj" init -q
	git -C "$proj" init -q vendor/n
	in_home --policy build -- /bin/sh -c "
		mk() { mkdir -p \$1/objects \$1/refs/heads && printf '[core]\\n\\tbare = false\\n\\tworktree = .\\n\\tfsmonitor = touch $fake/pwned\\n' >\$1/config; }
		mk sub/A && ln -s refs/heads/main sub/A/HEAD
		mk sub/B && rmdir sub/B/objects && ln -s /usr sub/B/objects && echo 'ref: refs/heads/main' >sub/B/HEAD
		mkdir -p .git.cache && git init -q .git.cache/C && git -C .git.cache/C config core.fsmonitor 'touch $fake/pwned'
		mk vendor/n/.git/stash/E && echo 'ref: refs/heads/main' >vendor/n/.git/stash/E/HEAD"
	[[ $status == 0 ]] || fail "exit $status: $stderr"
	local d
	for d in sub/A sub/B .git.cache/C vendor/n/.git/stash/E; do
		[[ $stderr == *"changed $proj/$d"* ]] || fail "no warning naming $d: $stderr"
		git_after "$proj/$d"
	done
	[[ -d $proj/vendor/n/.git && -f $proj/vendor/n/.git/HEAD ]] || fail "the nested repository itself was moved: $stderr"
}

@test "build: what the command hides (a directory made unreadable or read-only, every quarantine name taken, 100 levels down) is still moved aside" {
	git -C "$proj" init -q
	in_home --policy build -- /bin/sh -c "
		plant() { mkdir -p \$1 && git init -q \$1 && git -C \$1 config core.fsmonitor 'touch $fake/pwned'; }
		plant ff && mkdir ff/.git.sbx-untrusted && for i in \$(seq 1 99); do mkdir ff/.git.sbx-untrusted.\$i; done
		plant a/b && chmod 311 a
		plant g && chmod 555 g
		deep=\$(printf 'd/%.0s' \$(seq 100)) && plant \$deep/r"
	[[ $status == 0 ]] || fail "exit $status: $stderr"
	git_after "$proj/ff"
	git_after "$proj/a/b"
	git_after "$proj/g"
	git_after "$proj/$(printf 'd/%.0s' $(seq 100))r"
	[[ $stderr != *"could not be moved"* && $stderr != *"was not looked for"* ]] || fail "$stderr"
}

@test "build: a .git the caller changed just before sbx started is not taken for the command's (file times and the clock's ticks)" {
	local i
	for i in 1 2 3 4 5 6 7 8 9 10; do
		rm -rf "$proj/.git"
		git -C "$proj" init -q
		# the change and the start as close together as a script has them
		run --separate-stderr env -C "$proj" HOME="$fake" SBX="$SBX" \
			sh -c 'git config user.name x && exec "$SBX" --policy build -- /bin/true' </dev/null
		[[ $status == 0 && -d $proj/.git && $stderr != *".git"* ]] || fail "round $i: $stderr"
	done
}

@test "build: a run that leaves git alone says nothing of it, and leaves the modes of the caller's directories alone" {
	git -C "$proj" init -q
	mkdir -p "$proj/kept/ro"
	chmod 555 "$proj/kept/ro"
	in_home --policy build -- /bin/sh -c 'mkdir -p out && echo x >out/f'
	assert_success
	[[ $stderr != *".git"* ]] || fail "a warning about git: $stderr"
	[[ $(stat -c %a "$proj/kept/ro") == 555 ]] || fail "mode changed: $(stat -c %a "$proj/kept/ro")"
	chmod 755 "$proj/kept/ro"
}
