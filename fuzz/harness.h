/* fuzz/harness.h: what the libFuzzer targets share.
 *
 * The parsers touch the file system (realpath for bind sources, stat for
 * --rootfs, open for policy files and seccomp lists, fcntl for --keep-fd),
 * so every target runs in a scratch directory of its own with a small
 * fixed tree in it for the inputs to name, and with the policy search path
 * pointed into it.  Nothing is written outside that directory.  stdout
 * (--help, --version, print_policy) goes to a memfd, which harness_stdout
 * reads back. */
#ifndef SBX_FUZZ_HARNESS_H
#define SBX_FUZZ_HARNESS_H

#include <stddef.h>
#include <stdint.h>

/* The scratch directory, absolute; the process's cwd. */
extern char harness_dir[];

/* Once, from LLVMFuzzerInitialize: the scratch tree, the environment, stdout. */
void harness_init(void);

/* Put stdin (/dev/null) and stdout (the memfd) back if an input closed
 * them (bubblewrap mode closes the data fds it reads). */
void harness_restore_fds(void);

/* Write a file in the scratch directory; returns its absolute path (static
 * buffer, one per slot 0..3). */
const char *harness_file(int slot, const char *name, const void *data, size_t size);

/* Empty the captured stdout; and what was printed since, NUL-terminated
 * (valid until the next call). */
void harness_stdout_reset(void);
const char *harness_stdout(void);

/* Report a broken property and abort, so libFuzzer keeps the input. */
void harness_fail(const char *fmt, ...) __attribute__((noreturn, format(printf, 1, 2)));

#endif
