/* protocol.h: the private messages from inside the sandbox (init, the
 * payload) to the supervisor, on one socket (message.c). */
#ifndef SBX_PROTOCOL_H
#define SBX_PROTOCOL_H

/* Messages from the sandbox to the supervisor, on one socket. */
enum msg_kind {
	MSG_SETUP_ERROR, /* sbx failed inside: exit 125 */
	MSG_EXEC_ERROR,  /* exec failed: code says 126 or 127 */
	MSG_PTY,         /* carries the pty master fd */
	MSG_SECCOMP_FD,  /* carries the seccomp listener fd (--seccomp-log) */
	MSG_EXIT,        /* the command's wait status, when a signal ended it (an exit code is init's own) */
	MSG_HELLO,       /* init's first word when the supervisor learns its pid from it (--pidns) */
	MSG_LATE_SETUP_ERROR, /* as MSG_SETUP_ERROR, where bubblewrap still reports an exit code */
	MSG_CWD_HIDDEN,  /* the caller's directory is not there inside: the command starts in / */
};

struct msg {
	int kind;
	int code;
	char text[1024];
};

/* message.c: from inside, one message (kind, code, the error and hint
 * recorded as its text, and fd when >= 0) to the supervisor;
 * report_and_exit sends it and _exits with code. */
int send_msg(int sock, int kind, int code, int fd);
void __attribute__((noreturn)) report_and_exit(int sock, int kind, int code);

#endif
