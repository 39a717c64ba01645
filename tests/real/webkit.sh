#!/usr/bin/env bash
# tests/real/webkit.sh [SBX]: WebKitGTK (4.1 API, from Python through GObject
# introspection, under Xvfb and a private D-Bus session) with its sandbox
# enabled starts its D-Bus proxy (xdg-dbus-proxy) and each web process
# through /usr/bin/bwrap (a path fixed at build time), passing the options
# in --args FD, with --seccomp FD, --info-fd FD and --ro-bind-data FD.
# Load a page and run JavaScript in it as the test user, once with Debian's
# bubblewrap and once with sbx bind-mounted over /usr/bin/bwrap in a private
# mount namespace (the name stays bwrap, nothing changes outside the test),
# and compare the page's answer and the sandbox of the web process and of
# the proxy as seen from outside (namespaces, seccomp, no_new_privs,
# capabilities, root directory).  A control run with a failing bwrap checks
# that WebKit does go through bwrap.
#
# Run as root.  SBX: $1, else $SBX, else ./sbx (relative to the current
# directory if it exists there, else to the repository root).  The test user
# is SBX_TEST_USER (default sbxtest).  Prints ok/FAIL lines; exits 1 on a
# failure, 0 with a "skip:" line when WebKitGTK or Xvfb cannot be installed
# or run here.
set -u
name=webkit
# shellcheck source=tests/real/lib.bash
. "$(dirname "$0")/lib.bash" "$@"
install_pkgs bubblewrap python3-gi gir1.2-webkit2-4.1 gir1.2-gtk-3.0 xdg-dbus-proxy xvfb xauth \
	dbus-daemon util-linux mount

work=$(mktemp -d /tmp/sbx-real-webkit.XXXXXX) || exit 1
trap 'rm -rf "$work"' EXIT
chmod 755 "$work"
mkdir "$work/libexec"
install -m 755 "$sbx" "$work/libexec/sbx"
printf '#!/bin/sh\nexit 1\n' >"$work/libexec/fail"
chmod 755 "$work/libexec/fail"

# as_user BWRAP CMD...: run CMD as the test user with a clean environment
# and a HOME of our own; with BWRAP other than /usr/bin/bwrap, in a private
# mount namespace where BWRAP is bind-mounted over /usr/bin/bwrap.
as_user() {
	local bwrap=$1
	shift
	rm -rf "${work:?}/home"
	mkdir "$work/home"
	chown "$user" "$work/home"
	set -- runuser -u "$user" -- env -i PATH=/usr/bin:/bin HOME="$work/home" LANG=C.UTF-8 \
		timeout 60 "$@"
	if [[ $bwrap == /usr/bin/bwrap ]]; then
		"$@"
	else
		# shellcheck disable=SC2016 # expanded by the inner sh
		unshare -m --propagation private \
			sh -c 'mount --bind "$0" /usr/bin/bwrap && exec "$@"' "$bwrap" "$@"
	fi
}

as_user /usr/bin/bwrap bwrap --ro-bind / / true 2>/dev/null ||
	skip "Debian's bwrap does not run as $user here (user namespaces off?)"
as_user /usr/bin/bwrap dbus-run-session -- xvfb-run -a true >/dev/null 2>&1 ||
	skip "dbus-run-session or xvfb-run does not work here"

cat >"$work/drive.py" <<'EOF'
import os, gi
gi.require_version("Gtk", "3.0")
gi.require_version("WebKit2", "4.1")
from gi.repository import Gtk, WebKit2, GLib

ctx = WebKit2.WebContext.get_default()
ctx.set_sandbox_enabled(True)
win = Gtk.OffscreenWindow()
view = WebKit2.WebView()
win.add(view)
win.show_all()
res = {}

def describe():
    """The sandbox of the web processes and D-Bus proxies, seen from here."""
    out = []
    for p in os.listdir("/proc"):
        if not p.isdigit():
            continue
        try:
            comm = open(f"/proc/{p}/comm").read().strip()
            if not comm.startswith("WebKitWebProc") and comm != "xdg-dbus-proxy":
                continue
            st = dict(l.split(":\t", 1) for l in open(f"/proc/{p}/status").read().splitlines() if ":\t" in l)
            d = [comm] + [k + "=" + st[k].strip() for k in ("Seccomp", "NoNewPrivs", "CapEff", "CapBnd")]
            for ns in ("user", "mnt", "pid", "net", "uts", "ipc", "cgroup"):
                same = os.readlink(f"/proc/{p}/ns/{ns}") == os.readlink(f"/proc/self/ns/{ns}")
                d.append(ns + ("=same" if same else "=new"))
            try:
                d.append("root=" + ",".join(sorted(os.listdir(f"/proc/{p}/root"))))
            except OSError as e:
                d.append("root=" + e.strerror)
            out.append(" ".join(d))
        except (FileNotFoundError, ProcessLookupError):
            continue  # ended between the listing and the read (any process on the machine)
        except OSError as e:
            out.append(f"cannot read a process: {e.strerror}")
    return sorted(out)

def done(v, r, *a):
    try:
        res["js"] = v.evaluate_javascript_finish(r).to_string()
    except Exception as e:
        res["js"] = "error " + str(e)
    res["procs"] = describe()
    Gtk.main_quit()

def changed(v, ev):
    if ev == WebKit2.LoadEvent.FINISHED:
        v.evaluate_javascript("document.title + ' ' + document.getElementById('x').textContent.length * 6",
                              -1, None, None, None, done)

def crashed(v, reason):
    print("web process terminated", reason)
    Gtk.main_quit()

def timeout():
    print("timeout")
    Gtk.main_quit()

view.connect("load-changed", changed)
view.connect("web-process-terminated", crashed)
view.load_html("<html><head><title>hello-sbx</title></head><body><p id=x>1234567</p></body></html>",
               "about:blank")
GLib.timeout_add_seconds(30, timeout)
Gtk.main()
print("page:", res.get("js"))
print("sandbox:", ctx.get_sandbox_enabled())
for l in res.get("procs", []):
    print("process:", l)
EOF
chmod 644 "$work/drive.py"

run() {
	as_user "$1" dbus-run-session -- xvfb-run -a /usr/bin/python3 "$work/drive.py" >"$2.all" 2>&1
	echo "exit $?" >>"$2.all"
	grep -E '^(page|sandbox|process|timeout|web process terminated|exit)' "$2.all" >"$2"
}

run /usr/bin/bwrap "$work/out-real"
if ! grep -qx 'page: hello-sbx 42' "$work/out-real" || ! grep -q '^process: WebKitWebProc.* net=new' "$work/out-real"; then
	sed 's/^/# /' "$work/out-real.all" | tail -10
	skip "WebKitGTK does not run its sandboxed web process with Debian's bubblewrap here"
fi
ok "WebKitGTK with Debian's bubblewrap: page answered, $(grep -c '^process:' "$work/out-real") sandboxed processes"

run "$work/libexec/sbx" "$work/out-sbx"
if cmp -s "$work/out-real" "$work/out-sbx"; then
	ok "WebKitGTK with sbx as /usr/bin/bwrap: same answer, same sandboxes (web process, D-Bus proxy)"
else
	fail "WebKitGTK with sbx as /usr/bin/bwrap differs from bubblewrap (< bubblewrap, > sbx)"
	diff "$work/out-real" "$work/out-sbx" | sed 's/^/# /' | head -20
	grep -vE '^(page|sandbox|process|exit)|a11y bus|^$' "$work/out-sbx.all" | sed 's/^/# /' | head -10
fi

# Control: WebKit cannot start a web process when bwrap fails.
run "$work/libexec/fail" "$work/out-fail"
if grep -qx 'page: hello-sbx 42' "$work/out-fail"; then
	fail "control: the page loaded with a failing bwrap (bwrap not used)"
else
	ok "control: no web process with a failing /usr/bin/bwrap"
fi

finish
