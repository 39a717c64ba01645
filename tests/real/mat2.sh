#!/usr/bin/env bash
# tests/real/mat2.sh [SBX]: Debian's mat2 (metadata remover) runs exiftool
# under the bwrap it finds in PATH.  Run it as the test user once with
# Debian's bubblewrap and once with sbx behind the name bwrap, and compare.
#
# mat2 0.13.3 (Debian 12) has its --no-sandbox flag inverted: bubblewrap is
# used only when --no-sandbox is given, so every call below passes it.  A
# control run with a failing bwrap first in PATH checks that mat2 really goes
# through bwrap.
#
# Run as root.  SBX: $1, else $SBX, else ./sbx (relative to the current
# directory if it exists there, else to the repository root).  The test user
# is SBX_TEST_USER (default sbxtest).  Prints ok/FAIL lines; exits 1 on a
# failure, 0 with a "skip:" line when mat2 cannot be installed or run here.
set -u
name=mat2
# shellcheck source=tests/real/lib.bash
. "$(dirname "$0")/lib.bash" "$@"
install_pkgs bubblewrap mat2 libimage-exiftool-perl gir1.2-gdkpixbuf-2.0 python3-gi

make_work

# as_user BINDIR DIR CMD...: run CMD as the test user in DIR with BINDIR
# first in PATH and a clean environment.
as_user() {
	local bindir=$1 dir=$2
	shift 2
	# shellcheck disable=SC2016 # expanded by the inner sh
	runuser -u "$user" -- env -i PATH="$bindir:/usr/bin:/bin" HOME="$work/home" \
		TMPDIR="$work/tmp" LANG=C.UTF-8 \
		sh -c 'cd "$1" && shift && exec timeout 60 "$@"' sh "$dir" "$@"
}

as_user "$work/bin-real" / bwrap --ro-bind / / true 2>/dev/null ||
	skip "Debian's bwrap does not run as $user here (user namespaces off?)"

# Two images carrying metadata.
mkdir "$work/in" "$work/home" "$work/tmp"
/usr/bin/python3 - "$work/in" <<'EOF' || { echo "FAIL - $name: cannot make test images"; exit 1; }
import sys, gi
gi.require_version("GdkPixbuf", "2.0")
from gi.repository import GdkPixbuf
p = GdkPixbuf.Pixbuf.new(GdkPixbuf.Colorspace.RGB, False, 8, 64, 48)
p.fill(0xcc3300ff)
p.savev(sys.argv[1] + "/a.png", "png", ["tEXt::Author", "tEXt::Comment"], ["Alice Secret", "secret comment"])
p.savev(sys.argv[1] + "/a.jpg", "jpeg", ["quality"], ["90"])
EOF
exiftool -q -overwrite_original -Artist="Alice Secret" "$work/in/a.jpg" ||
	{ echo "FAIL - $name: exiftool cannot tag the test image"; exit 1; }

# run_mat2 VARIANT BINDIR: show, clean (lightweight, i.e. exiftool in the
# sandbox writing into a bound temporary directory), show the cleaned files.
run_mat2() {
	local bindir=$2 d=$work/run-$1
	mkdir "$d"
	cp "$work/in/a.png" "$work/in/a.jpg" "$d/"
	chown -R "$user" "$d" "$work/home" "$work/tmp"
	as_user "$bindir" "$d" mat2 --no-sandbox -s a.jpg >"$d/show.jpg.txt" 2>"$d/err1"
	echo "show.jpg $?" >"$d/rc"
	as_user "$bindir" "$d" mat2 --no-sandbox -s a.png >"$d/show.png.txt" 2>"$d/err2"
	echo "show.png $?" >>"$d/rc"
	as_user "$bindir" "$d" mat2 --no-sandbox -L a.jpg a.png >"$d/clean.txt" 2>"$d/err3"
	echo "clean $?" >>"$d/rc"
	# One file per call: mat2 works on several files in parallel.
	as_user "$bindir" "$d" mat2 --no-sandbox -s a.cleaned.jpg >"$d/show.cleaned.txt" 2>"$d/err4"
	echo "show.cleaned.jpg $?" >>"$d/rc"
	as_user "$bindir" "$d" mat2 --no-sandbox -s a.cleaned.png >>"$d/show.cleaned.txt" 2>"$d/err5"
	echo "show.cleaned.png $?" >>"$d/rc"
}

run_mat2 real "$work/bin-real"
if ! grep -qx 'show.jpg 0' "$work/run-real/rc" || ! grep -q 'Alice Secret' "$work/run-real/show.jpg.txt"; then
	sed 's/^/# /' "$work/run-real/err1" | head -5
	skip "mat2 does not work with Debian's bubblewrap here"
fi
ok "runs with Debian's bubblewrap ($(tr '\n' ' ' <"$work/run-real/rc"))"

run_mat2 sbx "$work/bin-sbx"
for f in rc show.jpg.txt show.png.txt clean.txt show.cleaned.txt; do
	if cmp -s "$work/run-real/$f" "$work/run-sbx/$f"; then
		ok "$f same as with bubblewrap"
	else
		fail "$f differs from bubblewrap's"
		diff "$work/run-real/$f" "$work/run-sbx/$f" | head -10 | sed 's/^/# /'
	fi
done
if grep -q 'Alice Secret' "$work/run-sbx/show.png.txt"; then
	ok "metadata of a.png shown"
else
	fail "metadata of a.png not shown"
fi
for f in a.cleaned.jpg a.cleaned.png; do
	if [[ ! -s $work/run-sbx/$f ]]; then
		fail "$f not written"
	elif cmp -s "$work/run-real/$f" "$work/run-sbx/$f"; then
		ok "$f identical to bubblewrap's"
	else
		fail "$f differs from bubblewrap's"
	fi
	exiftool -q -Artist -Author "$work/run-sbx/$f" 2>/dev/null | grep -q Alice &&
		fail "$f still has its metadata"
done
for f in a.jpg a.png; do
	cmp -s "$work/in/$f" "$work/run-sbx/$f" || fail "the original $f was changed"
done

if ((failures)); then
	for f in "$work"/run-sbx/err*; do
		[[ -s $f ]] && tail -n 2 "$f" | cut -c 1-300 | sed "s/^/# ${f##*/}: /"
	done
fi

# Control: with a bwrap that fails, mat2 must fail (it does use bwrap).
mkdir "$work/ctl" && cp "$work/in/a.jpg" "$work/ctl/" && chown -R "$user" "$work/ctl"
if as_user "$work/bin-fail" "$work/ctl" mat2 --no-sandbox -s a.jpg >/dev/null 2>&1; then
	fail "control: mat2 succeeded with a failing bwrap (it did not use bwrap)"
else
	ok "control: mat2 fails with a failing bwrap in PATH"
fi

finish
