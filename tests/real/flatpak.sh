#!/usr/bin/env bash
# tests/real/flatpak.sh [SBX]: Flatpak (Debian's flatpak 1.14) runs every
# sandbox through the binary named by FLATPAK_BWRAP.  Entirely offline, as
# the test user and with `flatpak --user` in a temporary HOME, build a tiny
# runtime (busybox-static as /usr) and an app (a shell probe, a small D-Bus
# client, an icon, a desktop file and a MIME type), export them to a local
# repository, install and run them in many ways: once with Debian's
# bubblewrap and once with sbx behind the name bwrap, and compare what each
# step printed.  The callers of bwrap exercised: `flatpak build`, the icon
# validator of `flatpak build-export`, the install triggers, `flatpak run`
# (the app, and xdg-dbus-proxy for the session bus), `flatpak enter`,
# `flatpak kill`.  A control run with a failing bwrap checks that flatpak
# does go through FLATPAK_BWRAP.
#
# Run as root.  SBX: $1, else $SBX, else ./sbx (relative to the current
# directory if it exists there, else to the repository root).  The test user
# is SBX_TEST_USER (default sbxtest).  Prints ok/FAIL lines; exits 1 on a
# failure, 0 with a "skip:" line when flatpak cannot be installed or run here.
set -u
name=flatpak
# shellcheck source=tests/real/lib.bash
. "$(dirname "$0")/lib.bash" "$@"
# The trigger tools (desktop-file-utils, shared-mime-info, the icon cache)
# are only Recommends of flatpak; the triggers do nothing without them.
install_pkgs bubblewrap flatpak busybox-static dbus-daemon desktop-file-utils \
	shared-mime-info gtk-update-icon-cache util-linux
echo "# $name: $(flatpak --version), $(/usr/bin/bwrap --version)"

work=$(mktemp -d /tmp/sbx-real-flatpak.XXXXXX) || exit 1
trap 'rm -rf "$work"' EXIT
chmod 755 "$work"
mkdir "$work/libexec" "$work/bin-sbx" "$work/bin-fail" "$work/src"
install -m 755 "$sbx" "$work/libexec/sbx"
ln -s ../libexec/sbx "$work/bin-sbx/bwrap"
printf '#!/bin/sh\necho "bwrap called: $*" >&2\nexit 1\n' >"$work/bin-fail/bwrap"
chmod 755 "$work/bin-fail/bwrap"

# ---------------------------------------------------------------- the app
src=$work/src
# probe: what the app sees, leaving out what sbx(1) documents as different
# from bubblewrap (/dev's contents and mount flags, /proc/sys, the number of
# seccomp filters, the nested user namespace) and /run/.userns (checked on
# its own).
cat >"$src/probe" <<'EOF'
#!/bin/sh
w() { if (: >"$1/.probe-w") 2>/dev/null; then rm -f "$1/.probe-w"; echo "$1 writable"; else echo "$1 read-only"; fi; }
echo "id: $(id)"
echo "pwd: $(pwd) hostname: $(hostname)"
echo "pid 1: $(ps -o pid,comm | awk '$1 == 1 { print $2 }')"
echo "/: $(ls -A / | tr '\n' ' ')"
echo "/usr: $(ls -A /usr | tr '\n' ' ')"
echo "/app: $(ls -RA /app | tr '\n' ' ')"
echo "links: /bin=$(readlink /bin) /lib=$(readlink /lib) /var/run=$(readlink /var/run)"
echo "/etc: $(ls -A /etc | tr '\n' ' ')"
echo "passwd: $(tr '\n' ' ' </etc/passwd)"
echo "group: $(tr '\n' ' ' </etc/group)"
echo "flatpak-info: $(ls -l /.flatpak-info | cut -c1-10) $(head -3 /.flatpak-info | tr '\n' ' ')"
echo "container-manager: $(cat /run/host/container-manager)"
echo "/run: $(ls -A /run | grep -vx .userns | tr '\n' ' ')"
echo "/run/flatpak: $(ls -A /run/flatpak | tr '\n' ' ')"
echo "XDG_RUNTIME_DIR: $XDG_RUNTIME_DIR $(ls -ld "$XDG_RUNTIME_DIR" | cut -c1-10)"
for d in null zero full random urandom tty ptmx pts shm; do [ -e /dev/$d ] || echo "/dev/$d missing"; done
echo x >/dev/null && echo "/dev/null works"
echo "/dev/zero: $(head -c 4 /dev/zero | wc -c) bytes"
echo x >/dev/shm/probe && rm /dev/shm/probe && echo "/dev/shm writable"
echo "/var: $(ls -A /var | tr '\n' ' ')"
echo "HOME: $HOME: $(ls -A "$HOME" | tr '\n' ' ')"
echo "XDG: $XDG_DATA_HOME $XDG_CONFIG_HOME $XDG_CACHE_HOME"
w /tmp; w /var/tmp; w "$XDG_DATA_HOME"; w "$XDG_CONFIG_HOME"; w "$XDG_CACHE_HOME"; w "$HOME"; w /usr; w /app; w /etc
echo "netifs: $(tail -n +3 /proc/net/dev | cut -d: -f1 | tr -d ' ' | sort | tr '\n' ' ')"
echo "$(grep -E '^(NoNewPrivs|Seccomp|CapInh|CapPrm|CapEff|CapBnd|CapAmb):' /proc/self/status | tr -s '\t' ' ' | tr '\n' ' ')"
unshare -U true 2>/dev/null && echo "new user namespace: allowed" || echo "new user namespace: refused"
echo "env: $(env | cut -d= -f1 | sort | tr '\n' ' ')"
for v in PATH FLATPAK_ID container LD_LIBRARY_PATH XDG_DATA_DIRS XDG_CONFIG_DIRS DBUS_SESSION_BUS_ADDRESS; do eval "echo \"$v=\$$v\""; done
echo "mounts:"
sed 's/ - / | /' /proc/self/mountinfo | awk -F' [|] ' '{
	split($1, a, " "); split($2, b, " "); split(a[6], o, ",")
	if (a[5] !~ "^/(dev|proc)(/|$)" && a[5] != "/run/.userns") print "  " a[5], b[1], o[1] }' | sort
EOF
cat >"$src/hello" <<'EOF'
#!/bin/sh
echo "hello: $(cat /app/share/greeting) as $(id -un) in $FLATPAK_ID, args: $*"
EOF
cat >"$src/org.sbxtest.Hello.desktop" <<'EOF'
[Desktop Entry]
Type=Application
Name=sbx test
Exec=hello %f
Icon=org.sbxtest.Hello
MimeType=application/x-sbxtest;
EOF
cat >"$src/org.sbxtest.Hello.xml" <<'EOF'
<?xml version="1.0"?>
<mime-info xmlns="http://www.freedesktop.org/standards/shared-mime-info">
  <mime-type type="application/x-sbxtest"><comment>sbx test</comment><glob pattern="*.sbxtest"/></mime-type>
</mime-info>
EOF
chmod 755 "$src/probe" "$src/hello"
# A 64x64 PNG, for flatpak-validate-icon (which build-export runs in bwrap).
base64 -d >"$src/org.sbxtest.Hello.png" <<'EOF'
iVBORw0KGgoAAAANSUhEUgAAAEAAAABACAYAAACqaXHeAAAAZUlEQVR42u3QQREAAAQAMFFEFVEjcjh7
rMAiq+ezECBAgAABAgQIECBAgAABAgQIECBAgAABAgQIECBAgAABAgQIECBAgAABAgQIECBAgAAB
AgQIECBAgAABAgQIECBAgAABAu5bJjDyO3KMQ4oAAAAASUVORK5CYII=
EOF
# dbus-hello: connect to $DBUS_SESSION_BUS_ADDRESS, authenticate, call
# org.freedesktop.DBus.Hello and print the reply's type (2: a method return).
# Static, as the runtime has no C library.
cat >"$src/dbus-hello.c" <<'EOF'
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>
#include <sys/un.h>

static unsigned char msg[512];
static size_t len;

static void align(size_t a)
{
	while (len % a)
		msg[len++] = 0;
}

/* A header field: code, signature, string (or object path) value. */
static void field(int code, char sig, const char *s)
{
	uint32_t n = strlen(s);

	align(8);
	msg[len++] = code;
	msg[len++] = 1;
	msg[len++] = sig;
	msg[len++] = 0;
	memcpy(msg + len, &n, 4);
	len += 4;
	memcpy(msg + len, s, n + 1);
	len += n + 1;
}

int main(void)
{
	const char *addr = getenv("DBUS_SESSION_BUS_ADDRESS");
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	char buf[256], uid[32], hex[64] = "";
	uint32_t v;
	int fd, n;

	if (!addr || strncmp(addr, "unix:path=", 10)) {
		puts("dbus: no unix:path= bus address");
		return 1;
	}
	snprintf(sa.sun_path, sizeof sa.sun_path, "%.*s", (int)strcspn(addr + 10, ","), addr + 10);
	fd = socket(AF_UNIX, SOCK_STREAM, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof sa) < 0) {
		perror("dbus: connect");
		return 1;
	}
	snprintf(uid, sizeof uid, "%u", (unsigned)getuid());
	for (n = 0; uid[n]; n++)
		sprintf(hex + 2 * n, "%02x", uid[n]);
	dprintf(fd, "%cAUTH EXTERNAL %s\r\n", 0, hex);
	n = read(fd, buf, sizeof buf - 1);
	if (n < 3 || strncmp(buf, "OK ", 3)) {
		puts("dbus: authentication refused");
		return 1;
	}
	if (write(fd, "BEGIN\r\n", 7) != 7)
		return 1;
	msg[0] = 'l';	/* little endian */
	msg[1] = 1;	/* method call */
	msg[3] = 1;	/* protocol version */
	v = 0;
	memcpy(msg + 4, &v, 4);	/* body length */
	v = 1;
	memcpy(msg + 8, &v, 4);	/* serial */
	len = 16;
	field(1, 'o', "/org/freedesktop/DBus");
	field(2, 's', "org.freedesktop.DBus");
	field(3, 's', "Hello");
	field(6, 's', "org.freedesktop.DBus");
	v = len - 16;
	memcpy(msg + 12, &v, 4);	/* header fields length */
	align(8);
	if (write(fd, msg, len) != (ssize_t)len)
		return 1;
	n = read(fd, buf, sizeof buf);
	if (n < 16) {
		puts("dbus: no reply");
		return 1;
	}
	printf("dbus: Hello answered with message type %d\n", buf[1]);
	return buf[1] == 2 ? 0 : 1;
}
EOF
if cc -O2 -static -o "$src/dbus-hello" "$src/dbus-hello.c" 2>/dev/null; then
	dbus=1
else
	dbus=0
	echo "# $name: no static C toolchain, the D-Bus checks are left out"
fi
# A bus for both the session and the system bus: flatpak asks the system
# bus about parental controls when installing, and puts a filtering
# xdg-dbus-proxy (itself in bwrap) between the app and the session bus.
cat >"$src/bus.conf" <<EOF
<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>session</type>
  <listen>unix:path=$work/bus</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow send_destination="*" eavesdrop="true"/>
    <allow eavesdrop="true"/>
    <allow own="*"/>
  </policy>
</busconfig>
EOF

# ------------------------------------------------- the user's side: user.sh
# user.sh WORK VARIANT BWRAP DBUS: build, install and run everything with
# BWRAP; each step's stdout, stderr and status go to WORK/out-VARIANT/STEP.*
# and its name to WORK/out-VARIANT/steps.
cat >"$work/user.sh" <<'EOF'
set -u
W=$1 V=$2 BW=$3 DBUS=$4
D=$W/$V O=$W/out-$V
mkdir -p "$D/home" "$D/run" "$D/tmp" "$O"
chmod 700 "$D/run"
export HOME=$D/home XDG_RUNTIME_DIR=$D/run TMPDIR=$D/tmp
export XDG_DATA_HOME=$HOME/.local/share XDG_CONFIG_HOME=$HOME/.config XDG_CACHE_HOME=$HOME/.cache
export DBUS_SESSION_BUS_ADDRESS=unix:path=$W/bus DBUS_SYSTEM_BUS_ADDRESS=unix:path=$W/bus
export FLATPAK_BWRAP=$BW
cd "$D" || exit 1
A=org.sbxtest.Hello//1
data=$HOME/.var/app/org.sbxtest.Hello/data

# step NAME CMD...: run CMD (a command at most 60 s, or a function of
# this file), keep its output and status.
step() {
	local n=$1 t=
	shift
	[ "$(type -t "$1")" = function ] || t="timeout 60"
	echo "$n" >>"$O/steps"
	$t "$@" >"$O/$n.out" 2>"$O/$n.err" </dev/null
	echo $? >"$O/$n.rc"
}

# started PID: wait (at most 10 s) for the app in background PID to say it
# runs.
started() {
	local i
	for i in $(seq 100); do
		[ -e "$data/started" ] && rm -f "$data/started" && return 0
		kill -0 "$1" 2>/dev/null || break
		sleep 0.1
	done
	echo "the app did not start"
	return 1
}

# The runtime: busybox as /usr, exported without bwrap.
mkdir -p rt/files rt/usr/bin
cp /bin/busybox rt/usr/bin/busybox
for a in $(/bin/busybox --list); do [ "$a" = busybox ] || ln -s busybox "rt/usr/bin/$a"; done
printf '[Runtime]\nname=org.sbxtest.Platform\nruntime=org.sbxtest.Platform/x86_64/1\nsdk=org.sbxtest.Platform/x86_64/1\n' >rt/metadata
flatpak build-export --runtime --disable-sandbox repo rt 1 >"$O/export-runtime.log" 2>&1
flatpak --user remote-add --no-gpg-verify sbxtest "$D/repo"
step setup sh -c 'flatpak --user install -y --noninteractive sbxtest org.sbxtest.Platform//1 >/dev/null && echo runtime installed'

flatpak build-init app org.sbxtest.Hello org.sbxtest.Platform org.sbxtest.Platform 1 >/dev/null
step build flatpak build app sh -c 'mkdir -p /app/bin /app/share && echo "hello from /app" >/app/share/greeting &&
	echo "built as $(id -un), FLATPAK_ID=$FLATPAK_ID FLATPAK_DEST=$FLATPAK_DEST"; ls -A /app;
	(: >/usr/x) 2>/dev/null && echo "/usr writable" || echo "/usr read-only"'
mkdir -p app/files/bin app/files/share/applications app/files/share/mime/packages \
	app/files/share/icons/hicolor/64x64/apps
[ -e app/files/share/greeting ] || echo "hello from /app" >app/files/share/greeting
cp "$W/src/hello" "$W/src/probe" app/files/bin/
[ "$DBUS" = 1 ] && cp "$W/src/dbus-hello" app/files/bin/
cp "$W/src/org.sbxtest.Hello.desktop" app/files/share/applications/
cp "$W/src/org.sbxtest.Hello.xml" app/files/share/mime/packages/
cp "$W/src/org.sbxtest.Hello.png" app/files/share/icons/hicolor/64x64/apps/
flatpak build-finish --command=hello app >"$O/finish.log" 2>&1

step export sh -c 'flatpak build-export repo app 1 >/dev/null && echo "exported (icon validated in bwrap)"'
# Without the icon validator's sandbox if that failed, to test the rest.
[ "$(cat "$O/export.rc")" = 0 ] || flatpak build-export --disable-sandbox repo app 1 >/dev/null 2>&1
step install sh -c 'flatpak --user install -y --noninteractive sbxtest org.sbxtest.Hello//1 >/dev/null && echo installed
	e=$XDG_DATA_HOME/flatpak/exports/share
	for f in applications/mimeinfo.cache mime/mime.cache icons/hicolor/icon-theme.cache; do
		[ -s "$e/$f" ] && echo "trigger made $f" || echo "no $f"
	done'

step run flatpak --user run "$A" one 'two words'
step exit-status flatpak --user run --command=sh "$A" -c 'echo "$# args: $*"; exit 7' sh a 'b c'
step stdin sh -c 'echo "from stdin" | flatpak --user run --command=cat "$1"' sh "$A"
step probe flatpak --user run --command=probe "$A"
step userns-link flatpak --user run --command=sh "$A" -c \
	'[ -e /run/.userns ] && echo "/run/.userns is there" || echo "no /run/.userns"'
if [ "$DBUS" = 1 ]; then
	step dbus-proxy flatpak --user run --command=dbus-hello "$A"
	step dbus-direct flatpak --user run --socket=session-bus --command=dbus-hello "$A"
fi
step devel flatpak --user run --devel --command=sh "$A" -c 'grep -E "^(NoNewPrivs|Seccomp):" /proc/self/status'
step network flatpak --user run --share=network --command=sh "$A" -c \
	'tail -n +3 /proc/net/dev | cut -d: -f1 | tr -d " " | sort | tr "\n" " "'
step sandbox flatpak --user run --sandbox --die-with-parent --command=sh "$A" -c 'ls -A /run/flatpak; ls -A "$HOME"'
step persist flatpak --user run --persist=.sbxpersist --command=sh "$A" -c \
	'echo kept >~/.sbxpersist/f && cat ~/.sbxpersist/f'
step filesystem-host flatpak --user run --filesystem=host --command=sh "$A" -c \
	'ls -d /run/host/usr /run/host/etc; ls /run/host/usr/bin/flatpak'
step env flatpak --user run --env=SBXTEST=set --unset-env=LANG --command=sh "$A" -c 'echo "SBXTEST=$SBXTEST LANG=${LANG-unset}"'

# enter: a running instance is listed by `flatpak ps`; `flatpak enter`
# joins it through /proc/CHILD-PID (child-pid from --info-fd).
enter() {
	flatpak --user run --command=sh "$A" -c ': >"$XDG_DATA_HOME/started"; exec sleep 97' &
	local bg=$!
	started $bg || { kill $bg 2>/dev/null; wait $bg; return 1; }
	flatpak ps --columns=pid | grep -qx "$bg" && echo "flatpak ps lists it" || echo "flatpak ps does not list it"
	timeout 20 flatpak enter "$bg" sh -c 'echo "entered as $(id -un)"; cat /app/share/greeting; ls /.flatpak-info'
	echo "enter: $?"
	kill $bg
	wait $bg
	echo "instance ended with $?"
}
step enter enter
# kill: `flatpak kill` kills the instance.
kill_app() {
	flatpak --user run --command=sh "$A" -c ': >"$XDG_DATA_HOME/started"; exec sleep 98' &
	local bg=$!
	started $bg || { kill $bg 2>/dev/null; wait $bg; return 1; }
	timeout 20 flatpak kill org.sbxtest.Hello
	echo "flatpak kill: $?"
	wait $bg
	echo "instance ended with $?"
}
step kill kill_app
step leftovers sh -c 'sleep 0.5; pgrep -u "$(id -u)" -f "^sleep 9[78]$" >/dev/null && echo "processes left running" || echo "nothing left running"'
EOF
chmod -R a+rX "$work"
mkdir "$work/out-bwrap" "$work/out-sbx" "$work/out-control"
chown "$user" "$work" "$work/out-bwrap" "$work/out-sbx" "$work/out-control"

as_user() {
	runuser -u "$user" -- env -i PATH=/usr/bin:/bin LANG=C.UTF-8 "$@"
}

# The bus, for the user's whole session.
bus=$(as_user dbus-daemon --config-file="$work/src/bus.conf" --fork --print-pid=1 --nopidfile 2>"$work/bus.log")
trap '[[ $bus ]] && kill "$bus" 2>/dev/null; rm -rf "$work"' EXIT
[[ $bus =~ ^[0-9]+$ && -S $work/bus ]] || skip "dbus-daemon does not start as $user: $(head -1 "$work/bus.log")"

as_user bash "$work/user.sh" "$work" bwrap /usr/bin/bwrap $dbus
if [[ $(cat "$work/out-bwrap/setup.rc") != 0 || $(cat "$work/out-bwrap/run.rc") != 0 ]]; then
	sed 's/^/# /' "$work"/out-bwrap/{setup,run}.err | tail -10
	skip "flatpak cannot run an app with Debian's bubblewrap here"
fi
as_user bash "$work/user.sh" "$work" sbx "$work/bin-sbx/bwrap" $dbus

# Compare each step: stdout (paths of the variant's home made the same) and
# exit status; show sbx's stderr when they differ.
norm() { sed -e "s|$work/$2|WORK/VARIANT|g" -e 's|/\.flatpak/[0-9]*|/.flatpak/N|g' "$1"; }
expect() {
	case $1 in
	setup) echo "runtime installed" ;;
	build) echo "built as $user" ;;
	export) echo "exported" ;;
	install) echo "trigger made applications/mimeinfo.cache" ;;
	run) echo "hello: hello from /app as $user in org.sbxtest.Hello, args: one two words" ;;
	exit-status) echo "2 args: a b c" ;;
	stdin) echo "from stdin" ;;
	probe) echo "/app read-only" ;;
	dbus-*) echo "Hello answered with message type 2" ;;
	devel) echo "Seccomp:" ;;
	persist) echo "kept" ;;
	filesystem-host) echo "/run/host/usr/bin/flatpak" ;;
	env) echo "SBXTEST=set LANG=unset" ;;
	enter) echo "entered as $user" ;;
	kill) echo "flatpak kill: 0" ;;
	leftovers) echo "nothing left running" ;;
	*) echo "" ;;
	esac
}
while read -r s; do
	r=$work/out-bwrap/$s x=$work/out-sbx/$s
	want=$(expect "$s")
	rrc=$(cat "$r.rc") xrc=$(cat "$x.rc" 2>/dev/null || echo none)
	if ! grep -qF -- "$want" "$r.out"; then
		fail "$s: with bubblewrap the output lacks \"$want\" (status $rrc)"
		sed 's/^/# bwrap: /' "$r.out" "$r.err" | head -10
	elif [[ $rrc == "$xrc" ]] && diff -q <(norm "$r.out" bwrap) <(norm "$x.out" sbx) >/dev/null; then
		ok "$s: same as with bubblewrap (status $xrc)"
	else
		fail "$s: differs from bubblewrap (status $rrc with bubblewrap, $xrc with sbx)"
		[[ -s $x.out ]] && diff <(norm "$r.out" bwrap) <(norm "$x.out" sbx) |
			grep '^[<>]' | sed 's/^</# bwrap:/; s/^>/# sbx:  /' | head -20
		[[ -s $x.err ]] && sed 's/^/# sbx stderr: /' "$x.err" | head -5
	fi
done <"$work/out-bwrap/steps"

# Control: with a failing bwrap, flatpak run fails (so bwrap is used).
c=$work/out-control/run.out
if as_user env HOME="$work/bwrap/home" XDG_DATA_HOME="$work/bwrap/home/.local/share" \
	XDG_RUNTIME_DIR="$work/bwrap/run" FLATPAK_BWRAP="$work/bin-fail/bwrap" \
	flatpak --user run org.sbxtest.Hello//1 >"$c" 2>&1; then
	fail "control: flatpak ran the app with a failing FLATPAK_BWRAP (bwrap not used)"
elif grep -q 'bwrap called' "$c"; then
	ok "control: flatpak fails to run the app with a failing FLATPAK_BWRAP"
else
	fail "control: flatpak failed without calling FLATPAK_BWRAP: $(head -1 "$c")"
fi

finish
