#!/usr/bin/env bash
# tests/real/opam.sh [SBX]: opam 2.1 wraps every build, install and remove
# command of a package in its sandbox script (hooks/sandbox.sh, written by
# `opam init`), which runs the bwrap found in PATH; `opam init` first checks
# that the sandbox works.  With a local repository holding one package whose
# commands describe their sandbox (and need no compiler or network), run
# init, switch create, install and remove as the test user, once with
# Debian's bubblewrap and once with sbx behind the name bwrap, and compare
# what the commands saw.  A control run with a failing bwrap checks that
# opam does go through bwrap.
#
# Run as root.  SBX: $1, else $SBX, else ./sbx (relative to the current
# directory if it exists there, else to the repository root).  The test user
# is SBX_TEST_USER (default sbxtest).  Prints ok/FAIL lines; exits 1 on a
# failure, 0 with a "skip:" line when opam cannot be installed or run here.
set -u
name=opam
# shellcheck source=tests/real/lib.bash
. "$(dirname "$0")/lib.bash" "$@"
install_pkgs bubblewrap opam util-linux

make_work

# as_user VARIANT BINDIR CMD...: run CMD as the test user with BINDIR first
# in PATH, a clean environment and this variant's HOME and OPAMROOT.
as_user() {
	local v=$1 bindir=$2
	shift 2
	# shellcheck disable=SC2016 # expanded by the inner sh
	runuser -u "$user" -- env -i PATH="$bindir:/usr/bin:/bin" HOME="$work/$v/home" \
		TMPDIR="$work/$v/tmp" OPAMROOT="$work/$v/root" OPAMYES=1 OPAMCOLOR=never \
		OPAMUTF8=never OPAMNOENVNOTICE=1 LANG=C.UTF-8 \
		sh -c 'cd "$HOME" && exec timeout 100 "$@"' sh "$@"
}

mkdir -p "$work/check/home" "$work/check/tmp"
chown -R "$user" "$work/check"
as_user check "$work/bin-real" bwrap --ro-bind / / true 2>/dev/null ||
	skip "Debian's bwrap does not run as $user here (user namespaces off?)"

# The repository: package "probe", whose commands run probe.sh (its files/)
# in opam's sandbox and keep what it says.
pkg=$work/repo/packages/probe/probe.1
mkdir -p "$pkg/files"
echo 'opam-version: "2.0"' >"$work/repo/repo"
cat >"$pkg/opam" <<'EOF'
opam-version: "2.0"
synopsis: "Describes opam's build sandbox"
maintainer: "sbx tests"
build: [["sh" "probe.sh" "build" prefix]]
install: [
  ["sh" "probe.sh" "install" prefix]
  ["mkdir" "-p" "%{share}%/probe"]
  ["cp" "build.txt" "install.txt" "probe.sh" "%{share}%/probe/"]
]
remove: [["sh" "-c" "cd %{prefix}% && sh %{share}%/probe/probe.sh remove %{prefix}%"]]
EOF
cat >"$pkg/files/probe.sh" <<'EOF'
# probe.sh MODE PREFIX: describe the sandbox opam runs MODE in.
mode=$1 prefix=$2
w() { if (: >"$1/.probe-w") 2>/dev/null; then rm -f "$1/.probe-w"; echo "$2=writable"; else echo "$2=read-only"; fi; }
{
	echo "mode=$mode uid=$(id -u) gid=$(id -g)"
	echo "root=$(ls / | tr '\n' ' ')"
	echo "netifs=$(tail -n +3 /proc/net/dev | cut -d: -f1 | tr -d ' ' | tr '\n' ' ')"
	echo "TMPDIR=$TMPDIR TMP=$TMP TEMP=$TEMP TEMPDIR=$TEMPDIR"
	echo "opam-tmp: $(ls -A /opam-tmp | wc -l) entries, $(stat -f -c %T /opam-tmp)"
	echo "run: $(ls -A /run | wc -l) entries, $(stat -f -c %T /run)"
	echo "$(grep -E '^(CapEff|NoNewPrivs):' /proc/self/status | tr -d '\t' | tr '\n' ' ')"
	w /opam-tmp opam-tmp
	w . cwd
	w "$prefix" prefix
	w "$prefix/.opam-switch" switch-meta
	w "$OPAMROOT" opamroot
	w "$HOME" home
	w "$HOME/.cache/dune" dune-cache
	w /usr usr
	w /etc etc
	if python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); s.listen(); socket.create_connection(s.getsockname(), 2)' 2>/dev/null
	then echo loopback=works; else echo loopback=fails; fi
} >"$mode.txt" 2>&1
EOF
chmod -R a+rX "$work/repo"

# run VARIANT BINDIR: init, switch, install, remove; logs in $work/log-VARIANT.
run() {
	local v=$1 bindir=$2 log=$work/log-$1
	mkdir -p "$work/$v/home" "$work/$v/tmp"
	chown -R "$user" "$work/$v"
	: >"$log"
	as_user "$v" "$bindir" opam init --bare --no-setup local "$work/repo" >>"$log" 2>&1
	echo "init $?" >"$work/rc-$v"
	grep -q 'sandbox.sh" "build"' "$work/$v/root/config" 2>/dev/null ||
		echo "init did not keep the sandbox" >>"$work/rc-$v"
	as_user "$v" "$bindir" opam switch create t --empty >>"$log" 2>&1
	echo "switch $?" >>"$work/rc-$v"
	as_user "$v" "$bindir" opam install --switch t probe >>"$log" 2>&1
	echo "install $?" >>"$work/rc-$v"
	cp "$work/$v/root/t/share/probe/build.txt" "$work/build-$v.txt" 2>/dev/null
	cp "$work/$v/root/t/share/probe/install.txt" "$work/install-$v.txt" 2>/dev/null
	as_user "$v" "$bindir" opam remove --switch t probe >>"$log" 2>&1
	echo "remove $?" >>"$work/rc-$v"
	cp "$work/$v/root/t/remove.txt" "$work/remove-$v.txt" 2>/dev/null
}

run real "$work/bin-real"
if ! grep -qx 'install 0' "$work/rc-real"; then
	sed 's/^/# /' "$work/rc-real" "$work/log-real" | tail -15
	skip "opam cannot install a package with Debian's bubblewrap here"
fi
ok "opam with Debian's bubblewrap: $(tr '\n' ' ' <"$work/rc-real")"

run sbx "$work/bin-sbx"
if cmp -s "$work/rc-real" "$work/rc-sbx"; then
	ok "opam with sbx as bwrap: $(tr '\n' ' ' <"$work/rc-sbx")"
else
	fail "opam with sbx as bwrap: $(tr '\n' ' ' <"$work/rc-sbx")"
	sed 's/^/# /' "$work/log-sbx" | tail -25
fi
for step in build install remove; do
	r=$work/$step-real.txt s=$work/$step-sbx.txt
	if [[ ! -s $r ]]; then
		fail "$step: the probe left no report with bubblewrap"
	elif cmp -s "$r" "$s"; then
		ok "$step: the package's command saw the same sandbox as with bubblewrap"
	else
		fail "$step: the package's command saw another sandbox (< bubblewrap, > sbx)"
		diff "$r" "$s" | sed 's/^/# /' | head -20
	fi
done
if grep -qx 'prefix=read-only' "$work/build-sbx.txt" 2>/dev/null &&
	grep -qx 'netifs=lo ' "$work/build-sbx.txt"; then
	ok "build under sbx: switch prefix read-only, loopback only"
else
	fail "build under sbx: the prefix is writable or the network is there"
fi

# Control: opam fails to build when bwrap fails.
if as_user sbx "$work/bin-fail" opam install --switch t probe >"$work/log-fail" 2>&1; then
	fail "control: opam installed the package with a failing bwrap (bwrap not used)"
else
	ok "control: opam fails to build with a failing bwrap in PATH"
fi

finish
