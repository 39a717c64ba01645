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

@test "--keep-env PREFIX* passes every name with the prefix, and no other" {
	run env RBENV_ROOT=/opt/rbenv RBENV_VERSION=3.3 RBENVX=no OTHER=no \
		timeout 20 "$SBX" --keep-env 'RBENV_*' -- /usr/bin/env
	assert_success
	assert_line RBENV_ROOT=/opt/rbenv
	assert_line RBENV_VERSION=3.3
	refute_line --regexp '^(RBENVX|OTHER)='
}

@test "--keep-env PREFIX* leaves out names that look like secrets, which pass only when named" {
	local names=(RBENV_GITHUB_TOKEN RBENV_SECRET RBENV_DB_PASSWORD RBENV_PASSWD RBENV_API_KEY
		RBENV_CREDENTIALS RBENV_AUTH rbenv_cookie RBENV_SESSION RBENV_PRIVATE)
	local vars=() n
	for n in "${names[@]}"; do vars+=("$n=secret-$n"); done
	run env "${vars[@]}" RBENV_ROOT=/r timeout 20 "$SBX" --keep-env 'RBENV_*' --keep-env 'rbenv_*' -- /usr/bin/env
	assert_success
	assert_line RBENV_ROOT=/r
	refute_output --partial secret-
	run env "${vars[@]}" timeout 20 "$SBX" --keep-env 'RBENV_*' --keep-env RBENV_GITHUB_TOKEN -- /usr/bin/env
	assert_line RBENV_GITHUB_TOKEN=secret-RBENV_GITHUB_TOKEN
	refute_line RBENV_API_KEY=secret-RBENV_API_KEY
}

@test "--keep-env PREFIX* leaves out the other credential names: PWD, JWT, DSN, WEBHOOK, PAT, LOGIN, CERT, SIGNING" {
	local names=(MYAPP_DB_PWD CI_JOB_JWT MYAPP_SENTRY_DSN MYAPP_WEBHOOK_URL MYAPP_GH_PAT MYAPP_PAT
		MYAPP_PAT_2 myapp_pat MYAPP_SONAR_LOGIN MYAPP_CLIENT_CERT MYAPP_SIGNING_ID)
	local vars=() n
	for n in "${names[@]}"; do vars+=("$n=secret-$n"); done
	run env "${vars[@]}" MYAPP_PATH=/p MYAPP_PATTERN=x MYAPP_DISPATCH=y MYAPP_ROOT=/r CI_JOB_ID=7 \
		timeout 20 "$SBX" --keep-env 'MYAPP_*' --keep-env 'myapp_*' --keep-env 'CI_*' -- /usr/bin/env
	assert_success
	assert_line MYAPP_ROOT=/r
	assert_line CI_JOB_ID=7
	assert_line MYAPP_PATH=/p
	assert_line MYAPP_PATTERN=x
	assert_line MYAPP_DISPATCH=y
	refute_output --partial secret-
	run env "${vars[@]}" timeout 20 "$SBX" --keep-env 'MYAPP_*' --keep-env MYAPP_DB_PWD --keep-env MYAPP_GH_PAT -- /usr/bin/env
	assert_success
	assert_line MYAPP_DB_PWD=secret-MYAPP_DB_PWD
	assert_line MYAPP_GH_PAT=secret-MYAPP_GH_PAT
	refute_line MYAPP_SENTRY_DSN=secret-MYAPP_SENTRY_DSN
}

@test "--keep-env PREFIX* leaves out a value holding a URL with a password, which passes only when named" {
	local vars=(
		'CI_REPOSITORY_URL=https://gitlab-ci-token:glcbt-secret1@gitlab.example.com/g/p.git'
		'MYAPP_DATABASE_URL=postgres://u:secret2@db/x'
		'MYAPP_MIRRORS=http://a.example/ git+ssh://u:secret3@b.example:22/r'
		'MYAPP_RAW=redis://:secret4@cache:6379/0'
		'MYAPP_AT=https://u:p@ss-secret5@h.example/'
	)
	run --separate-stderr env "${vars[@]}" MYAPP_HOME=https://example.com:8443/a@b MYAPP_GIT=ssh://git@github.com/o/r \
		MYAPP_MAIL='mailto:a@b' MYAPP_Q='https://h.example/?u=a:b@c' CI_SERVER_URL=https://gitlab.example.com \
		timeout 20 "$SBX" --verbose --keep-env 'MYAPP_*' --keep-env 'CI_*' -- /usr/bin/env
	assert_success
	assert_line MYAPP_HOME=https://example.com:8443/a@b
	assert_line MYAPP_GIT=ssh://git@github.com/o/r
	assert_line 'MYAPP_MAIL=mailto:a@b'
	assert_line 'MYAPP_Q=https://h.example/?u=a:b@c'
	assert_line CI_SERVER_URL=https://gitlab.example.com
	refute_output --partial secret
	[[ $stderr == *"--keep-env 'CI_*': not passing CI_REPOSITORY_URL"*"--keep-env CI_REPOSITORY_URL passes it"* ]] ||
		fail "no note on stderr: $stderr"
	[[ $stderr != *secret* ]] || fail "a value on stderr: $stderr"
	run env "${vars[@]}" timeout 20 "$SBX" --keep-env 'CI_*' --keep-env CI_REPOSITORY_URL -- /usr/bin/env
	assert_success
	assert_line 'CI_REPOSITORY_URL=https://gitlab-ci-token:glcbt-secret1@gitlab.example.com/g/p.git'
}

@test "--verbose names each variable a pattern left out as a secret" {
	run --separate-stderr env RBENV_GITHUB_TOKEN=t RBENV_ROOT=/r \
		timeout 20 "$SBX" --verbose --keep-env 'RBENV_*' -- /usr/bin/env
	assert_success
	assert_line RBENV_ROOT=/r
	[[ $stderr == *"--keep-env 'RBENV_*': not passing RBENV_GITHUB_TOKEN"*"--keep-env RBENV_GITHUB_TOKEN passes it"* ]] ||
		fail "no note on stderr: $stderr"
}

@test "--keep-env refuses a pattern that is not PREFIX*" {
	local p
	for p in '*' 'A*B' '*_TOKEN' 'A**'; do
		run timeout 20 "$SBX" --keep-env "$p" -- true
		assert_failure 125
		assert_line "sbx: --keep-env: '$p' is not a variable name or a PREFIX* pattern"
		assert_line --partial "hint: "
	done
}

@test "a keep-env pattern in a policy file passes the suite's settings" {
	printf 'keep-env FOO_*\n' >"$BATS_TEST_TMPDIR/suite-env"
	run env FOO_ROOT=/f FOO_TOKEN=t timeout 20 "$SBX" --policy "$BATS_TEST_TMPDIR/suite-env" -- /usr/bin/env
	assert_success
	assert_line FOO_ROOT=/f
	refute_line FOO_TOKEN=t
	run --separate-stderr timeout 20 "$SBX" --policy "$BATS_TEST_TMPDIR/suite-env" --print-policy
	assert_line 'keep-env FOO_*'
}

# What a CI system sets: the names that say "this is CI", and its tokens.
CI_VARS=(CI=true CONTINUOUS_INTEGRATION=true GITHUB_ACTIONS=true RUNNER_OS=Linux GITLAB_CI=true
	BUILDKITE=true JENKINS_URL=http://ci/ BUILD_NUMBER=7 TF_BUILD=True CIRCLECI=true TRAVIS=true
	APPVEYOR=True DRONE=true TEAMCITY_VERSION=2024.1 BITBUCKET_BUILD_NUMBER=8 CI_NAME=codeship
	CIRRUS_CI=true SEMAPHORE=true)
CI_TOKENS=(GITHUB_TOKEN=ci-secret-1 ACTIONS_RUNTIME_TOKEN=ci-secret-2 CI_JOB_TOKEN=ci-secret-3
	BUILDKITE_AGENT_ACCESS_TOKEN=ci-secret-4 SYSTEM_ACCESSTOKEN=ci-secret-5 CIRCLE_TOKEN=ci-secret-6
	GITLAB_CI_TOKEN=ci-secret-7)

@test "--policy bats and --policy build keep the CI variables, never the CI tokens" {
	local work="$BATS_TEST_TMPDIR/project" policy v
	mkdir -p "$work"
	for policy in bats build; do
		run --separate-stderr env -C "$work" "${CI_VARS[@]}" "${CI_TOKENS[@]}" \
			timeout 20 "$SBX" --policy "$policy" -- /usr/bin/env
		assert_success
		for v in "${CI_VARS[@]}"; do
			assert_line "$v"
		done
		refute_output --partial ci-secret-
	done
}

@test "without a policy that keeps them, the CI variables stay out" {
	run env "${CI_VARS[@]}" timeout 20 "$SBX" -- /usr/bin/env
	assert_success
	refute_line --regexp '^(CI|GITHUB_ACTIONS|GITLAB_CI|TF_BUILD)='
}

@test "a suite under --policy bats fails on CI where it skips by hand" {
	local work="$BATS_TEST_TMPDIR/project"
	mkdir -p "$work"
	# asdf's pattern: a missing tool is a skip on a laptop, a failure on CI
	printf '%s\n' '@''test "the shell is there" {' \
		'	if ! type -P sbx-no-such-shell; then' \
		'		[ -n "${GITHUB_ACTIONS:-}" ] && return 1' \
		'		skip "no such shell"' \
		'	fi' '}' >"$work/ci.bats"
	cd "$work"
	# the PATH of a shell, not this test's (bats puts its libexec first,
	# whose bats needs what the /usr/bin/bats wrapper exports)
	local PATH=/usr/local/bin:/usr/bin:/bin
	run env GITHUB_ACTIONS=true timeout 60 "$SBX" --policy bats -- bats --tap ci.bats
	assert_failure 1
	assert_line "not ok 1 the shell is there"
	run env -u GITHUB_ACTIONS timeout 60 "$SBX" --policy bats -- bats --tap ci.bats
	assert_success
	assert_line "ok 1 the shell is there # skip no such shell"
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
