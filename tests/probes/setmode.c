/* setmode: make a file with a given mode the way a program would, and say
 * what the kernel left.  For the set-user-ID tests (tests/setuid.bats).
 *
 *   setmode open|openat|creat|mknod PATH MODE
 *
 * open, openat and creat create PATH with MODE (octal) and write a line to
 * it through the same fd (the kernel clears both bits on that write unless
 * the writer has CAP_FSETID in the host's namespace, which a sandbox never
 * has: the filter's refusal comes first all the same); mknod makes a
 * regular file.  Prints "made PATH MODE" with the mode the file has afterwards, or
 * "refused: ERRNO".  Exit 0 when made, 3 when refused, 2 on a usage error. */
#include "probe.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	if (argc != 4) {
		fprintf(stderr, "usage: setmode open|openat|creat|mknod PATH MODE\n");
		return 2;
	}
	const char *how = argv[1], *path = argv[2];
	long mode = strtol(argv[3], NULL, 8);
	long fd = -1;
	if (strcmp(how, "open") == 0)
		fd = syscall(SYS_open, path, O_CREAT | O_EXCL | O_WRONLY, mode);
	else if (strcmp(how, "openat") == 0)
		fd = syscall(SYS_openat, AT_FDCWD, path, O_CREAT | O_EXCL | O_WRONLY, mode);
	else if (strcmp(how, "creat") == 0)
		fd = syscall(SYS_creat, path, mode);
	else if (strcmp(how, "mknod") == 0)
		fd = syscall(SYS_mknod, path, S_IFREG | mode, 0) == 0 ? 0 : -1;
	else {
		fprintf(stderr, "setmode: unknown call %s\n", how);
		return 2;
	}
	if (fd < 0) {
		printf("refused: %s\n", ename(errno));
		return 3;
	}
	if (fd > 0 && (write((int)fd, "#!/bin/sh\n", 10) != 10 || close((int)fd) != 0)) {
		printf("write: %s\n", ename(errno));
		return 2;
	}
	struct stat st;
	if (stat(path, &st) < 0) {
		printf("stat: %s\n", ename(errno));
		return 2;
	}
	printf("made %s %04o\n", path, (unsigned)(st.st_mode & 07777));
	return 0;
}
