# shellcheck shell=bash
# A "fake host" for the --net tests (tests/net.bats, tests/root/net.bats):
# a network and mount namespace of the test's own (unshare; with a user
# namespace too unless the test runs as root), with loopback and a tap
# device "uplink" (198.51.100.2/24, default route via 198.51.100.1) that no
# process reads, so the route leads nowhere and nothing leaves the machine.
# There the test runs an HTTP server and a DNS responder on 127.0.0.1 (the
# fake host's /etc/resolv.conf names 127.0.0.1, tests/fakehost-servers.py)
# and then sbx, whose network helper takes the fake host's network
# namespace for the real one.
#
#   fakehost_setup     in setup(): skip unless possible; sets R (a busybox
#                      rootfs copy with /etc/resolv.conf and /www), WWW (the
#                      HTTP server's directory), PORT (its port)
#   in_fake_host CMDS  run bash CMDS there, with $SBX $R $PORT $WWW set
#   $helpers_left      CMDS printing the pids of pasta/slirp4netns left in
#                      the fake host's network namespace

SERVERS="$SBX_TESTS_DIR/fakehost-servers.py"

fakehost_setup() {
	command -v python3 >/dev/null || skip "python3 missing"
	command -v ip >/dev/null || skip "ip (iproute2) missing"
	[[ -r /dev/net/tun && -w /dev/net/tun ]] ||
		skip "/dev/net/tun is not usable by $(id -un) (as root: tests/host-setup $(id -un))"
	fakehost_unshare true 2>/dev/null || skip "unshare of network and mount namespaces fails"
	command -v pasta >/dev/null || command -v slirp4netns >/dev/null || skip "neither pasta nor slirp4netns installed"
	R=$(rootfs_copy)
	echo "nameserver 192.0.2.1" >"$R/etc/resolv.conf"
	WWW="$BATS_TEST_TMPDIR/www"
	mkdir -p "$WWW" "$R/www"
	echo "hello from the host" >"$WWW/hello.txt"
	echo "hello from the sandbox" >"$R/www/index.html"
	PORT=$((20000 + RANDOM % 20000))
}

# fakehost_unshare CMD...: CMD in new network and mount namespaces.  Root
# has the rights there itself (so pasta runs as real root, as for a root
# caller of sbx); anyone else gets a user namespace too.
fakehost_unshare() {
	if [[ $EUID == 0 ]]; then
		unshare --net --mount "$@"
	else
		unshare --user --map-root-user --net --mount "$@"
	fi
}

# in_fake_host SCRIPT: run the bash SCRIPT in the fake host, with the
# servers up; $SBX, $R, $PORT, $WWW are set there.
in_fake_host() {
	local ready="$BATS_TEST_TMPDIR/ready"
	rm -f "$ready"
	local ns=(unshare --net --mount)
	[[ $EUID == 0 ]] || ns=(unshare --user --map-root-user --net --mount)
	# shellcheck disable=SC2016 # expanded by the inner shell
	timeout -k 5 "$SBX_TIMEOUT" "${ns[@]}" \
		env SBX="$SBX" R="$R" PORT="$PORT" WWW="$WWW" READY="$ready" SERVERS="$SERVERS" \
		TMP="$BATS_TEST_TMPDIR" bash -euc '
		ip link set lo up
		ip tuntap add uplink mode tap
		ip addr add 198.51.100.2/24 dev uplink
		ip link set uplink up
		ip route add default via 198.51.100.1
		echo "nameserver 127.0.0.1" > "$TMP/fake-resolv.conf"
		mount --bind "$TMP/fake-resolv.conf" /etc/resolv.conf
		python3 "$SERVERS" "$READY" "$PORT" "$WWW" &
		servers=$!
		trap "kill $servers 2>/dev/null" EXIT
		i=0; while [ ! -e "$READY" ] && [ $i -lt 200 ]; do sleep 0.05; i=$((i + 1)); done
		[ -e "$READY" ] || { echo "servers did not start" >&2; exit 99; }
		'"$1"
}

# A program for the fake host: is a pasta or slirp4netns process left in
# this network namespace?  Prints their pids.
# shellcheck disable=SC2016,SC2034 # for the fake host's shell; used by the suites
helpers_left='
	me=$(readlink /proc/self/ns/net)
	for p in /proc/[0-9]*; do
		case $(cat "$p/comm" 2>/dev/null) in pasta*|passt*|slirp4netns) ;; *) continue ;; esac
		[ "$(readlink "$p/ns/net" 2>/dev/null)" = "$me" ] && echo "${p#/proc/}"
	done; true'

