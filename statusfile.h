/* statusfile.h: --status-json FILE (statusfile.c). */
#ifndef SBX_STATUSFILE_H
#define SBX_STATUSFILE_H

#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif

#include <stddef.h>

/* statusfile.c: --status-json FILE, opened before the run (no symlink
 * followed, regular files only) and written at the end without following
 * what the sandbox may have put at the path meanwhile. */
struct status_file;
struct status_file *status_file_open(const char *path); /* NULL: error recorded */
int status_file_write(struct status_file *sf, const char *text, size_t len);
void status_file_close(struct status_file *sf);

#endif
