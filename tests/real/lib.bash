# tests/real/lib.bash: what every script in tests/real starts with.  Set
# name, then source this with the script's arguments:
#   name=NAME; . "$(dirname "$0")/lib.bash" "$@"
# Gives repo, sbx (the binary: $1, else $SBX, else ./sbx relative to the
# current directory if it is there, else to the repository root), user
# (SBX_TEST_USER, default sbxtest), ok/fail/skip, install_pkgs PACKAGE...
# (apt-get, quietly; skip when it cannot), make_work (below) and finish
# (the time taken, and
# the exit status: 1 if anything failed).  Skips unless run as root with
# the test user present; fails without an sbx binary.
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
sbx=${1:-${SBX:-./sbx}}
[[ $sbx == /* || -e $sbx ]] || sbx=$repo/$sbx
user=${SBX_TEST_USER:-sbxtest}
failures=0
ok() { echo "ok - $name: $*"; }
fail() { echo "FAIL - $name: $*"; failures=$((failures + 1)); }
skip() { echo "skip: $name: $*"; exit 0; }
start=$SECONDS

[[ $(id -u) == 0 ]] || skip "run as root (installs packages, switches to $user)"
[[ -f $sbx && -x $sbx ]] || { echo "FAIL - $name: no sbx binary at $sbx"; exit 1; }
id "$user" >/dev/null 2>&1 || skip "no user $user"

install_pkgs() {
	local missing=() p
	for p; do
		dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null | grep -qx installed || missing+=("$p")
	done
	((${#missing[@]})) || return 0
	export DEBIAN_FRONTEND=noninteractive
	apt-get -y -qq install --no-install-recommends "${missing[@]}" >/dev/null 2>&1 ||
		{ apt-get -qq update >/dev/null 2>&1 &&
			apt-get -y -qq install --no-install-recommends "${missing[@]}" >/dev/null 2>&1; } ||
		skip "cannot install ${missing[*]}"
}

# make_work: work, a temporary directory the test user can enter (removed
# at exit), with a copy of sbx the test user can run whatever the
# checkout's permissions (libexec/sbx) and a bwrap in each of bin-real
# (Debian's), bin-sbx (sbx) and bin-fail (exits 1: the control run).
make_work() {
	work=$(mktemp -d "/tmp/sbx-real-$name.XXXXXX") || exit 1
	trap 'rm -rf "$work"' EXIT
	chmod 755 "$work"
	mkdir "$work/libexec" "$work/bin-real" "$work/bin-sbx" "$work/bin-fail"
	install -m 755 "$sbx" "$work/libexec/sbx"
	ln -s /usr/bin/bwrap "$work/bin-real/bwrap"
	ln -s "$work/libexec/sbx" "$work/bin-sbx/bwrap"
	printf '#!/bin/sh\nexit 1\n' >"$work/bin-fail/bwrap"
	chmod 755 "$work/bin-fail/bwrap"
}

finish() {
	echo "# $name: $((SECONDS - start))s"
	((failures == 0)) || exit 1
	exit 0
}
