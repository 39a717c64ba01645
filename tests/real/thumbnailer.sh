#!/usr/bin/env bash
# tests/real/thumbnailer.sh [SBX]: GNOME's thumbnail factory (libgnome-desktop
# 3 and 4, driven from Python through GObject introspection) runs every
# thumbnailer under the bwrap it finds in PATH, with --unshare-all, a
# seccomp program passed with --seccomp FD and the file bound into an empty
# /tmp.  Run it as the test user with Debian's bubblewrap and with sbx behind
# the name bwrap, and compare:
#  - PNG and JPEG thumbnails made by gdk-pixbuf-thumbnailer (same pixels);
#  - a broken PNG (same error);
#  - a probe thumbnailer of our own (in $XDG_DATA_HOME/thumbnailers) that
#    describes its sandbox and hands the description back in a PNG text
#    chunk of the thumbnail (same description; the seccomp program refuses
#    user namespaces, only loopback networking).
# A control run with a failing bwrap checks that the factory does use bwrap.
#
# Run as root.  SBX: $1, else $SBX, else ./sbx (relative to the current
# directory if it exists there, else to the repository root).  The test user
# is SBX_TEST_USER (default sbxtest).  Prints ok/FAIL lines; exits 1 on a
# failure, 0 with a "skip:" line when the packages cannot be installed or the
# thumbnailers cannot run here.
set -u
name=thumbnailer
# shellcheck source=tests/real/lib.bash
. "$(dirname "$0")/lib.bash" "$@"
install_pkgs bubblewrap python3-gi gir1.2-gnomedesktop-3.0 gir1.2-gnomedesktop-4.0 \
	gir1.2-gdkpixbuf-2.0 libgdk-pixbuf2.0-bin util-linux

make_work

# as_user BINDIR CMD...: run CMD as the test user with BINDIR first in PATH,
# a clean environment and a HOME, TMPDIR and XDG_DATA_HOME of our own.
as_user() {
	local bindir=$1
	shift
	runuser -u "$user" -- env -i PATH="$bindir:/usr/bin:/bin" HOME="$work/home" \
		TMPDIR="$work/tmp" XDG_DATA_HOME="$work/data" GSETTINGS_BACKEND=memory \
		LANG=C.UTF-8 timeout 60 "$@"
}

as_user "$work/bin-real" bwrap --ro-bind / / true 2>/dev/null ||
	skip "Debian's bwrap does not run as $user here (user namespaces off?)"

mkdir -p "$work/in" "$work/data/thumbnailers"

# The probe thumbnailer: the file to thumbnail is the script (run with sh),
# its findings go into the thumbnail's tEXt::probe chunk.
cat >"$work/data/thumbnailers/sbx-probe.thumbnailer" <<'EOF'
[Thumbnailer Entry]
TryExec=/usr/bin/sh
Exec=/usr/bin/sh %i %o %s
MimeType=application/x-sbx-probe;
EOF
cat >"$work/in/probe.sh" <<'EOF'
r=
p() { r="$r$*
"; }
p "uid=$(id -u) gid=$(id -g) cwd=$(pwd)"
p "root=$(ls / | tr '\n' ' ')"
p "tmp=$(ls -A /tmp | tr '\n' ' ')"
p "netifs=$(tail -n +3 /proc/net/dev | cut -d: -f1 | tr -d ' ' | tr '\n' ' ')"
p "env: GIO_USE_VFS=${GIO_USE_VFS-unset} GST_REGISTRY_1_0=${GST_REGISTRY_1_0:+set}"
p "$(grep -E '^(CapEff|CapBnd|NoNewPrivs|Seccomp):' /proc/self/status | tr -d '\t' | tr '\n' ' ')"
if unshare -U true 2>/dev/null; then p userns=allowed; else p userns=refused; fi
if touch /usr/x 2>/dev/null; then p usr=writable; else p usr=read-only; fi
if test -e /home; then p home=visible; else p home=hidden; fi
if echo x >/tmp/w 2>/dev/null; then p tmp=writable; rm -f /tmp/w; else p tmp=read-only; fi
p "pid=$$ ppid=$PPID"
exec /usr/bin/python3 -c '
import sys, gi
gi.require_version("GdkPixbuf", "2.0")
from gi.repository import GdkPixbuf
p = GdkPixbuf.Pixbuf.new(GdkPixbuf.Colorspace.RGB, False, 8, 16, 16)
p.fill(0x336699ff)
p.savev(sys.argv[1], "png", ["tEXt::probe"], [sys.argv[2]])
' "$1" "$r"
EOF

# The driver: one factory, several files; prints one block per file.
cat >"$work/in/drive.py" <<'EOF'
import sys, hashlib, gi
gi.require_version("GnomeDesktop", sys.argv[1])
gi.require_version("GdkPixbuf", "2.0")
from gi.repository import GnomeDesktop, Gio, GLib
f = GnomeDesktop.DesktopThumbnailFactory.new(GnomeDesktop.DesktopThumbnailSize.NORMAL)
for job in sys.argv[2:]:
    path, mime = job.split("=")
    uri = Gio.File.new_for_path(path).get_uri()
    name = path.rsplit("/", 1)[1]
    try:
        pb = f.generate_thumbnail(uri, mime)
    except GLib.Error as e:
        print(name, "error:", e.domain, e.code, e.message)
        continue
    print(name, "thumbnail", pb.get_width(), pb.get_height(),
          hashlib.sha256(pb.get_pixels()).hexdigest()[:16])
    probe = pb.get_option("tEXt::probe")
    if probe:
        print(probe.rstrip("\n"))
EOF

/usr/bin/python3 - "$work/in" <<'EOF' || { echo "FAIL - $name: cannot make test images"; exit 1; }
import sys, gi
gi.require_version("GdkPixbuf", "2.0")
from gi.repository import GdkPixbuf
p = GdkPixbuf.Pixbuf.new(GdkPixbuf.Colorspace.RGB, True, 8, 300, 200)
p.fill(0x2080c0ff)
p.savev(sys.argv[1] + "/img.png", "png", [], [])
p.savev(sys.argv[1] + "/img.jpg", "jpeg", ["quality"], ["90"])
open(sys.argv[1] + "/bad.png", "wb").write(b"\x89PNG\r\n\x1a\nnot really a png")
EOF
chmod -R a+rX "$work/in" "$work/data"

jobs=("$work/in/img.png=image/png" "$work/in/img.jpg=image/jpeg"
	"$work/in/bad.png=image/png" "$work/in/probe.sh=application/x-sbx-probe")

# run VARIANT BINDIR API: the driver's output in $work/out-VARIANT-API.
run() {
	local out=$work/out-$1-$3
	rm -rf "${work:?}/home" "${work:?}/tmp"
	mkdir "$work/home" "$work/tmp"
	chown "$user" "$work/home" "$work/tmp"
	as_user "$2" /usr/bin/python3 "$work/in/drive.py" "$3" "${jobs[@]}" >"$out" 2>"$out.err"
	echo "exit $?" >>"$out"
	# The factory removes its temporary directory (bound as the sandbox's
	# /tmp) after each thumbnailer: nothing may be left there.
	if [[ -n $(ls -A "$work/tmp") ]]; then
		echo "left in TMPDIR: $(find "$work/tmp" -mindepth 1 -maxdepth 1 -printf '%f ')" >>"$out"
	fi
}

for api in 3.0 4.0; do
	run real "$work/bin-real" "$api"
	r=$work/out-real-$api
	if ! grep -q '^img.png thumbnail' "$r"; then
		sed 's/^/# /' "$r" "$r.err" | head -10
		skip "GnomeDesktop $api cannot make thumbnails with Debian's bubblewrap here"
	fi
	ok "GnomeDesktop $api with Debian's bubblewrap: $(grep -c " thumbnail " "$r") thumbnails, $(grep -c " error: " "$r") error"
	run sbx "$work/bin-sbx" "$api"
	s=$work/out-sbx-$api
	if cmp -s "$r" "$s"; then
		ok "GnomeDesktop $api with sbx as bwrap: same thumbnails, error and probe as bubblewrap"
	else
		fail "GnomeDesktop $api with sbx as bwrap differs from bubblewrap (< bubblewrap, > sbx)"
		diff "$r" "$s" | sed 's/^/# /' | head -20
		sed 's/^/# stderr: /' "$s.err" | head -10
	fi
	grep -q '^img.jpg thumbnail' "$s" || fail "GnomeDesktop $api: no JPEG thumbnail with sbx"
	grep -q '^bad.png error' "$s" || fail "GnomeDesktop $api: the broken PNG did not fail with sbx"
	if grep -qx 'userns=refused' "$s"; then
		ok "GnomeDesktop $api: the --seccomp program applies under sbx (no user namespace)"
	else
		fail "GnomeDesktop $api: the thumbnailer could make a user namespace under sbx"
	fi
	grep -qx 'netifs=lo ' "$s" || fail "GnomeDesktop $api: more than loopback in sbx's sandbox"
done

# Control: the factory fails when bwrap fails.
rm -rf "${work:?}/home" "${work:?}/tmp" && mkdir "$work/home" "$work/tmp" && chown "$user" "$work/home" "$work/tmp"
if as_user "$work/bin-fail" /usr/bin/python3 "$work/in/drive.py" 3.0 "${jobs[0]}" 2>/dev/null | grep -q 'error:'; then
	ok "control: no thumbnail with a failing bwrap in PATH"
else
	fail "control: a thumbnail was made with a failing bwrap (bwrap not used)"
fi

finish
