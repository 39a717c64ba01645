#!/usr/bin/env bats
# Environment: allow-list, --setenv/--unsetenv/--keep-env/--clearenv, what
# the processes inside can read about the caller's environment; keyring.

load helpers

setup_file() { sbx_setup_file; }
teardown_file() { sbx_teardown_file; }
setup() { sbx_setup; }

@test "variables outside the allow-list do not pass" {
	run env SECRET_TOKEN=xyz-secret-$$ FOO=bar LD_PRELOAD= BASH_ENV=/x \
		timeout 20 "$SBX" -- /usr/bin/env
	assert_success
	refute_output --partial 'xyz-secret'
	refute_line --regexp '^(SECRET_TOKEN|FOO|LD_PRELOAD|BASH_ENV)='
}

@test "allow-listed variables pass unchanged" {
	local vars=(
		PATH=/usr/local/bin:/usr/bin:/bin:/sbx-test-path
		TERM=sbx-test-term COLORTERM=truecolor LANG=C.UTF-8
		LANGUAGE=sbx:test LC_ALL=C LC_CTYPE=C.UTF-8 LC_NUMERIC=C LC_TIME=C
		LC_COLLATE=C LC_MONETARY=C LC_MESSAGES=C LC_PAPER=C LC_NAME=C
		LC_ADDRESS=C LC_TELEPHONE=C LC_MEASUREMENT=C LC_IDENTIFICATION=C
		TZ=UTC0 HOME=/sbx-test-home USER=sbx-test-user
		LOGNAME=sbx-test-logname SHELL=/bin/sbx-test-shell NO_COLOR=1
	)
	run env -i "${vars[@]}" timeout 20 "$SBX" -- /usr/bin/env
	assert_success
	local v
	for v in "${vars[@]}"; do
		assert_line "$v"
	done
}

@test "an LC_ name that is no locale category does not pass, while LC_TIME does" {
	# ssh's SendEnv LC_* carries any LC_ name, and tokens travel in them
	run env LC_SSH_TOKEN=lc-secret-$$ LC_TIME=C.UTF-8 timeout 20 "$SBX" -- /usr/bin/env
	assert_success
	refute_output --partial "lc-secret-$$"
	refute_line --regexp '^LC_SSH_TOKEN='
	assert_line LC_TIME=C.UTF-8
}

@test "the caller's secret is in no process's environ or cmdline inside" {
	local secret="tok-$$-$RANDOM$RANDOM"
	run env SECRET_TOKEN="$secret" timeout 20 "$SBX" -- /bin/sh -c '
		for f in /proc/[0-9]*/environ /proc/[0-9]*/cmdline; do
			cat "$f" 2>/dev/null | tr "\0" "\n"
		done > /tmp/all
		cat /tmp/all; echo END'
	assert_success
	assert_line END
	refute_output --partial "$secret"
}

@test "/proc/1/environ of init cannot be read or holds no caller secret" {
	local secret="tok-$$-$RANDOM$RANDOM"
	run env SECRET_TOKEN="$secret" timeout 20 "$SBX" -- /bin/sh -c 'tr "\0" "\n" < /proc/1/environ; echo END'
	assert_line END
	refute_output --partial "$secret"
}

@test "--setenv sets a variable, also over an allow-listed one" {
	run env HOME=/outside-home timeout 20 "$SBX" --setenv SBX_A 'a value=1' --setenv HOME /inside-home -- /usr/bin/env
	assert_success
	assert_line 'SBX_A=a value=1'
	assert_line 'HOME=/inside-home'
	refute_line 'HOME=/outside-home'
}

@test "--unsetenv removes an allow-listed variable" {
	run env TERM=sbx-test-term LANG=C timeout 20 "$SBX" --unsetenv TERM -- /usr/bin/env
	assert_success
	refute_line --regexp '^TERM='
	assert_line LANG=C
}

@test "--keep-env passes one named variable and no other" {
	run env SECRET_TOKEN=kept-value OTHER_TOKEN=other-value timeout 20 "$SBX" --keep-env SECRET_TOKEN -- /usr/bin/env
	assert_success
	assert_line SECRET_TOKEN=kept-value
	refute_line --regexp '^OTHER_TOKEN='
}

@test "--keep-env of a variable the caller does not have sets nothing" {
	run env -u SBX_NOT_SET timeout 20 "$SBX" --keep-env SBX_NOT_SET -- /usr/bin/env
	assert_success
	refute_line --regexp '^SBX_NOT_SET='
}

@test "--clearenv starts from an empty environment" {
	run env TERM=x LANG=C HOME=/h timeout 20 "$SBX" --clearenv -- /usr/bin/env
	assert_success
	assert_output ''
}

@test "--clearenv then --setenv gives exactly that variable" {
	run env TERM=x LANG=C HOME=/h timeout 20 "$SBX" --clearenv --setenv ONLY one -- /usr/bin/env
	assert_success
	assert_output 'ONLY=one'
}

@test "the session keyring inside is a fresh one (even without seccomp)" {
	need_probe keyring
	# --seccomp none so that keyctl works inside and the keyring itself,
	# not the filter, is what is checked
	run --separate-stderr "$PROBES/keyring" plant timeout 20 "$SBX" --seccomp none -- "$PROBES/keyring"
	[[ $stderr =~ planted\ ([0-9]+)\ session\ ([0-9]+) ]] || fail "plant failed: $stderr"
	local outside=${BASH_REMATCH[2]}
	assert_line --regexp '^session [0-9]+$'
	refute_line "session $outside"
	refute_output --partial ESCAPE
	assert_success
}
