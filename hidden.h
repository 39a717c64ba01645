/* hidden.h: what the mount plan hides of the host (hidden.c), for the
 * supervisor's messages. */
#ifndef SBX_HIDDEN_H
#define SBX_HIDDEN_H

#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif

#include <stdbool.h>
#include <stddef.h>

struct config;

/* hidden.c: what covers a host path inside (the private /tmp, the hidden
 * home, a --tmpfs ...), from the mount plan; said when a command named by
 * path, or the current directory, is not there inside. */
char *what_hides(const struct config *cfg, const char *path); /* malloc'd; NULL: shown as on the host */
void explain_hidden_command(const struct config *cfg, char *text, size_t size);
bool cwd_hidden_is_news(const struct config *cfg); /* would note_cwd_hidden say anything? */
void note_cwd_hidden(const struct config *cfg);

#endif
