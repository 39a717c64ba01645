/* keyring: the kernel keyring seen from inside.
 *
 *   keyring plant CMD [ARG...]
 *       join a new anonymous session keyring, add a user key named
 *       "sbx-probe-secret" to it, print "planted KEY session SESSION" on
 *       stderr, then exec CMD (which inherits that session keyring).
 *   keyring [check]
 *       print "session SERIAL" (or "session none ERRNO"), list /proc/keys,
 *       then search the session keyring for "sbx-probe-secret": finding it
 *       (i.e. still possessing the caller's session keyring) is an escape.
 */
#include "probe.h"

#include <linux/keyctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#define KEY_NAME "sbx-probe-secret"
#define KEY_DATA "sbx-probe-payload"

static long keyctl(int op, unsigned long a2, unsigned long a3,
		   unsigned long a4, unsigned long a5)
{
	return syscall(SYS_keyctl, op, a2, a3, a4, a5);
}

static int plant(char **argv)
{
	long session = keyctl(KEYCTL_JOIN_SESSION_KEYRING, 0, 0, 0, 0);
	if (session < 0) {
		fprintf(stderr, "keyring: join session keyring: %s\n",
			ename(errno));
		return 2;
	}
	long key = syscall(SYS_add_key, "user", KEY_NAME, KEY_DATA,
			   strlen(KEY_DATA), KEY_SPEC_SESSION_KEYRING);
	if (key < 0) {
		fprintf(stderr, "keyring: add_key: %s\n", ename(errno));
		return 2;
	}
	fprintf(stderr, "planted %ld session %ld\n", key, session);
	fflush(stderr);
	execvp(argv[0], argv);
	fprintf(stderr, "keyring: exec %s: %s\n", argv[0], ename(errno));
	return 127;
}

static int check(void)
{
	long session = keyctl(KEYCTL_GET_KEYRING_ID, KEY_SPEC_SESSION_KEYRING,
			      0, 0, 0);
	if (session < 0)
		printf("session none %s\n", ename(errno));
	else
		printf("session %ld\n", session);

	FILE *f = fopen("/proc/keys", "re");
	if (f) {
		char line[512];
		while (fgets(line, sizeof line, f))
			printf("proc/keys: %s", line);
		fclose(f);
	} else {
		note("open /proc/keys: %s", ename(errno));
	}

	long key = keyctl(KEYCTL_SEARCH, KEY_SPEC_SESSION_KEYRING,
			  (unsigned long)"user", (unsigned long)KEY_NAME, 0);
	if (key < 0) {
		held("search session keyring for %s: %s", KEY_NAME,
		     ename(errno));
	} else {
		char buf[64] = "";
		long n = keyctl(KEYCTL_READ, (unsigned long)key,
				(unsigned long)buf, sizeof buf - 1, 0);
		if (n >= 0 && n < (long)sizeof buf)
			buf[n] = 0;
		escape("found the caller's key %ld in the session keyring%s%s",
		       key, n >= 0 ? ", payload " : "", n >= 0 ? buf : "");
	}
	return probe_exit();
}

int main(int argc, char **argv)
{
	if (argc > 1 && !strcmp(argv[1], "plant")) {
		if (argc < 3) {
			fprintf(stderr, "usage: keyring plant CMD [ARG...]\n");
			return 2;
		}
		return plant(argv + 2);
	}
	if (argc > 1 && strcmp(argv[1], "check")) {
		fprintf(stderr, "usage: keyring [check] | keyring plant CMD...\n");
		return 2;
	}
	return check();
}
