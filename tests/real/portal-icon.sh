#!/usr/bin/env bash
# tests/real/portal-icon.sh [SBX]: xdg-desktop-portal checks the icons that
# applications hand it with xdg-desktop-portal-validate-icon --sandbox,
# which runs itself again under bubblewrap: /usr/bin/bwrap, or the program
# named by FLATPAK_BWRAP.  Run the validator as the test user on good and bad
# icons with FLATPAK_BWRAP naming Debian's bubblewrap and then a link named
# bwrap to sbx, and compare output and exit status.  A control run with a
# failing bwrap checks that the validator does go through bwrap.
#
# Run as root.  SBX: $1, else $SBX, else ./sbx (relative to the current
# directory if it exists there, else to the repository root).  The test user
# is SBX_TEST_USER (default sbxtest).  Prints ok/FAIL lines; exits 1 on a
# failure, 0 with a "skip:" line when the portal cannot be installed or the
# validator cannot run here.
set -u
name=portal-icon
# shellcheck source=tests/real/lib.bash
. "$(dirname "$0")/lib.bash" "$@"
install_pkgs bubblewrap xdg-desktop-portal librsvg2-common python3-gi gir1.2-gdkpixbuf-2.0
validator=/usr/libexec/xdg-desktop-portal-validate-icon
[[ -x $validator ]] || skip "no $validator in this xdg-desktop-portal"

work=$(mktemp -d /tmp/sbx-real-portal-icon.XXXXXX) || exit 1
trap 'rm -rf "$work"' EXIT
chmod 755 "$work"
mkdir "$work/libexec" "$work/bin-sbx" "$work/bin-fail" "$work/in"
install -m 755 "$sbx" "$work/libexec/sbx"
ln -s "$work/libexec/sbx" "$work/bin-sbx/bwrap"
printf '#!/bin/sh\nexit 1\n' >"$work/bin-fail/bwrap"
chmod 755 "$work/bin-fail/bwrap"

# as_user BWRAP CMD...: run CMD as the test user, clean environment,
# FLATPAK_BWRAP=BWRAP.
as_user() {
	local bwrap=$1
	shift
	runuser -u "$user" -- env -i PATH=/usr/bin:/bin HOME=/ LANG=C.UTF-8 \
		FLATPAK_BWRAP="$bwrap" timeout 30 "$@"
}

as_user /usr/bin/bwrap /usr/bin/bwrap --ro-bind / / true 2>/dev/null ||
	skip "Debian's bwrap does not run as $user here (user namespaces off?)"

/usr/bin/python3 - "$work/in" <<'EOF' || { echo "FAIL - $name: cannot make test icons"; exit 1; }
import sys, gi
gi.require_version("GdkPixbuf", "2.0")
from gi.repository import GdkPixbuf
d = sys.argv[1]
def png(name, w, h):
    p = GdkPixbuf.Pixbuf.new(GdkPixbuf.Colorspace.RGB, True, 8, w, h)
    p.fill(0x40a040ff)
    p.savev(d + "/" + name, "png", [], [])
png("square.png", 64, 64)
png("wide.png", 64, 48)
png("huge.png", 1024, 1024)
open(d + "/square.svg", "w").write(
    '<svg xmlns="http://www.w3.org/2000/svg" width="48" height="48">'
    '<rect width="48" height="48" fill="#36c"/></svg>\n')
open(d + "/garbage.png", "wb").write(b"\x89PNG\r\n\x1a\ngarbage")
EOF
chmod -R a+rX "$work/in"
icons=(square.png wide.png huge.png square.svg garbage.png)

# check BWRAP OUT: validate each icon (at most 512x512, as the portal asks),
# one block of output and exit status per icon.
check() {
	local icon
	: >"$2"
	for icon in "${icons[@]}"; do
		{
			echo "== $icon"
			as_user "$1" "$validator" --sandbox 512 512 "$work/in/$icon" 2>&1
			echo "exit $?"
		} >>"$2"
	done
}

check /usr/bin/bwrap "$work/out-real"
if ! awk '/^== /{f = ($2 == "square.png")} f && /^exit 0$/{y = 1} END{exit !y}' "$work/out-real"; then
	sed 's/^/# /' "$work/out-real" | head -10
	skip "the validator does not accept an icon with Debian's bubblewrap here"
fi
ok "validator with Debian's bubblewrap: $(grep -c '^exit 0' "$work/out-real") accepted, $(grep -c '^exit [1-9]' "$work/out-real") refused"

check "$work/bin-sbx/bwrap" "$work/out-sbx"
if cmp -s "$work/out-real" "$work/out-sbx"; then
	ok "validator with sbx as bwrap: same verdicts and output for ${#icons[@]} icons"
else
	fail "validator with sbx as bwrap differs from bubblewrap (< bubblewrap, > sbx)"
	diff "$work/out-real" "$work/out-sbx" | sed 's/^/# /' | head -20
fi

# Control: the validator fails when bwrap fails.
if as_user "$work/bin-fail/bwrap" "$validator" --sandbox 512 512 "$work/in/square.png" >/dev/null 2>&1; then
	fail "control: the icon passed with a failing bwrap (bwrap not used)"
else
	ok "control: the validator fails with a failing FLATPAK_BWRAP"
fi

finish
