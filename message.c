/* message.c: the sandbox's side of the one socket to the supervisor.  Init
 * and the payload say what went wrong (the error and hint recorded by
 * util.c), hand over an fd (the pty master, the seccomp listener), or give
 * the command's end; supervisor.c reads them.  Nothing inside prints. */
#include "util.h"
#include "protocol.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

int send_msg(int sock, int kind, int code, int fd)
{
	struct msg m = { .kind = kind, .code = code };
	snprintf(m.text, sizeof m.text, "%s", error_text());
	if (hint_text()[0]) {
		size_t len = strlen(m.text);
		snprintf(m.text + len, sizeof m.text - len, "\nhint: %s", hint_text());
	}
	struct iovec iov = { .iov_base = &m, .iov_len = sizeof m };
	union {
		char buf[CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} control;
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1 };
	if (fd >= 0) {
		mh.msg_control = control.buf;
		mh.msg_controllen = sizeof control.buf;
		struct cmsghdr *c = CMSG_FIRSTHDR(&mh);
		c->cmsg_level = SOL_SOCKET;
		c->cmsg_type = SCM_RIGHTS;
		c->cmsg_len = CMSG_LEN(sizeof(int));
		memcpy(CMSG_DATA(c), &fd, sizeof fd);
	}
	ssize_t n;
	while ((n = sendmsg(sock, &mh, MSG_NOSIGNAL)) < 0 && errno == EINTR)
		;
	return n < 0 ? -1 : 0;
}

/* Inside, a failed step tells the supervisor and exits; nothing is printed
 * from inside, so the user never sees half-initialised output. */
void report_and_exit(int sock, int kind, int code)
{
	send_msg(sock, kind, code, -1);
	_exit(code);
}
