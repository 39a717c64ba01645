#!/usr/bin/env bats
# --net user (pasta, or slirp4netns without it), --net none, --publish.
#
# Every test runs sbx inside a "fake host" (tests/fakehost.bash): network
# namespaces of the test's own, with an HTTP server and a DNS responder on
# the fake host's 127.0.0.1 and a default route that leads nowhere, so
# nothing leaves the machine.

load helpers
load fakehost

setup_file() { sbx_setup_file; }
teardown_file() { sbx_teardown_file; }

setup() {
	sbx_setup
	fakehost_setup
}

@test "--net user: eth0 is 10.0.2.100/24 with the default route via 10.0.2.2" {
	run in_fake_host '"$SBX" --rootfs "$R" --net user -- /bin/sh -c "ip -4 -o addr show eth0; ip route"'
	assert_success
	assert_output --partial 'eth0    inet 10.0.2.100/24'
	assert_output --partial 'default via 10.0.2.2 dev eth0'
}

@test "--net user: a server on the host's 127.0.0.1 is reachable at 10.0.2.2" {
	run in_fake_host '"$SBX" --rootfs "$R" --net user -- /bin/wget -q -O - "http://10.0.2.2:$PORT/hello.txt"'
	assert_success
	assert_output "hello from the host"
}

@test "--net user: the sandbox's 127.0.0.1 is its own, not the host's" {
	run in_fake_host '"$SBX" --rootfs "$R" --net user -- /bin/wget -q -T 3 -O - "http://127.0.0.1:$PORT/hello.txt"'
	assert_failure
	refute_output --partial "hello from the host"
}

@test "--net user: /etc/resolv.conf names the helper's DNS forwarder, and names resolve" {
	run in_fake_host '"$SBX" --rootfs "$R" --net user -- /bin/sh -c \
		"cat /etc/resolv.conf; nslookup build.example.test"; cat "$WWW/dns-queries"'
	assert_success
	assert_line --index 0 'nameserver 10.0.2.3'
	assert_output --partial 'Address: 203.0.113.7'
	# the query reached the fake host's resolver on its 127.0.0.1
	[[ ${lines[-1]} -ge 1 ]] || fail "the resolver saw no query"
}

@test "--net user: the rootfs's resolv.conf is covered read-only, not changed" {
	run in_fake_host '"$SBX" --rootfs "$R" --net user -- /bin/sh -c "echo x >> /etc/resolv.conf"'
	assert_failure
	assert_equal "$(cat "$R/etc/resolv.conf")" "nameserver 192.0.2.1"
}

@test "--net none: the host's server is not reachable" {
	run in_fake_host '"$SBX" --rootfs "$R" --net none -- /bin/sh -c \
		"ip -o link | wc -l; wget -q -T 3 -O - http://10.0.2.2:$PORT/hello.txt"'
	assert_failure
	assert_line --index 0 1
	refute_output --partial "hello from the host"
}

@test "--publish HPORT:SPORT: a server in the sandbox answers on the host's port" {
	run in_fake_host '
		"$SBX" --rootfs "$R" --net user --publish "$((PORT + 1)):80" --timeout 20 -- /bin/httpd -f -p 80 -h /www &
		sbx=$!
		python3 - "$((PORT + 1))" <<-EOF
			import sys, time, urllib.request
			for _ in range(100):
			    try:
			        print(urllib.request.urlopen(f"http://127.0.0.1:{sys.argv[1]}/", timeout=2).read().decode().strip())
			        break
			    except OSError:
			        time.sleep(0.1)
		EOF
		kill -TERM $sbx; wait $sbx || true'
	assert_success
	assert_output "hello from the sandbox"
}

@test "--publish HPORT:SPORT/udp is forwarded too" {
	# over the fake host's root, for its python3
	run in_fake_host '
		"$SBX" --net user --publish "$((PORT + 1)):5353/udp" --timeout 20 -- python3 -c "
import socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind((\"0.0.0.0\", 5353))
print(s.recv(100).decode().strip(), flush=True)" &
		sbx=$!
		python3 - "$((PORT + 1))" <<-EOF
			import socket, sys, time
			s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
			for _ in range(50):
			    s.sendto(b"datagram", ("127.0.0.1", int(sys.argv[1])))
			    time.sleep(0.1)
		EOF
		wait $sbx'
	assert_success
	assert_output datagram
}

@test "--net user: no helper process is left when the sandbox ends" {
	run in_fake_host '"$SBX" --rootfs "$R" --net user -- /bin/true; echo "exit $?"; '"$helpers_left"
	assert_success
	assert_output "exit 0"
}

@test "--net user: the helper dies with a killed supervisor" {
	run in_fake_host '
		"$SBX" --rootfs "$R" --net user -- /bin/sleep 30 &
		sbx=$!
		i=0; while [ -z "$('"$helpers_left"')" ] && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done
		[ -n "$('"$helpers_left"')" ] || { echo "no helper seen"; exit 1; }
		{ kill -KILL $sbx; wait $sbx; } 2>/dev/null || true
		i=0; while [ -n "$('"$helpers_left"')" ] && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done
		echo "left: $('"$helpers_left"')"'
	assert_success
	assert_output "left: "
}

@test "--net user with slirp4netns when pasta is missing: same addresses, host loopback and DNS" {
	command -v slirp4netns >/dev/null || skip "slirp4netns not installed"
	# hide pasta in the fake host's mount namespace
	run in_fake_host '
		for p in /usr/bin/pasta /usr/bin/pasta.avx2; do [ -e $p ] && mount --bind /dev/null $p; done
		"$SBX" --rootfs "$R" --net user -- /bin/sh -c \
			"ip -4 -o addr show eth0; wget -q -O - http://10.0.2.2:$PORT/hello.txt; nslookup x.example.test"
		'"$helpers_left"
	assert_success
	assert_output --partial 'inet 10.0.2.100/24'
	assert_output --partial 'hello from the host'
	assert_output --partial 'Address: 203.0.113.7'
}

@test "--publish with slirp4netns is refused (exit 125, names pasta)" {
	command -v slirp4netns >/dev/null || skip "slirp4netns not installed"
	run in_fake_host '
		for p in /usr/bin/pasta /usr/bin/pasta.avx2; do [ -e $p ] && mount --bind /dev/null $p; done
		"$SBX" --rootfs "$R" --net user --publish "$PORT:80" -- /bin/echo RAN 2>&1 || echo "exit $?"'
	assert_success
	refute_output --partial RAN
	assert_output --partial 'sbx: --publish'
	assert_output --partial 'exit 125'
}

@test "--net user without any helper is exit 125 naming pasta" {
	run --separate-stderr env PATH=/nonexistent "$SBX" --rootfs "$R" --net user -- /bin/echo RAN
	assert_equal "$status" 125
	assert_equal "$output" ""
	[[ ${stderr_lines[0]} == "sbx: --net user:"*pasta* ]] || fail "unexpected message: $stderr"
}

@test "--publish without --net user is exit 125" {
	run --separate-stderr sbx --rootfs "$R" --publish 8080:80 -- /bin/echo RAN
	assert_equal "$status" 125
	assert_equal "$output" ""
}
