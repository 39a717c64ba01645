/* Shared helpers for the sbx escape probes.
 *
 * Convention: every probe prints one line per attempt. A line starting with
 * "ESCAPE:" means the attempt got out; the probe then exits 1. Exit 0 means
 * every attempt was held. Exit 2 means the probe itself could not run. */
#ifndef SBX_PROBE_H
#define SBX_PROBE_H

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int probe_escapes;

__attribute__((format(printf, 1, 2)))
__attribute__((unused)) static void escape(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fputs("ESCAPE: ", stdout);
	vprintf(fmt, ap);
	fputc('\n', stdout);
	va_end(ap);
	fflush(stdout);
	probe_escapes++;
}

__attribute__((format(printf, 1, 2)))
__attribute__((unused)) static void held(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fputs("held: ", stdout);
	vprintf(fmt, ap);
	fputc('\n', stdout);
	va_end(ap);
	fflush(stdout);
}

__attribute__((format(printf, 1, 2)))
__attribute__((unused)) static void note(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fputs("note: ", stdout);
	vprintf(fmt, ap);
	fputc('\n', stdout);
	va_end(ap);
	fflush(stdout);
}

/* Symbolic errno name for messages (strerrorname_np needs glibc 2.32). */
__attribute__((unused)) static const char *ename(int e)
{
	const char *n = strerrorname_np(e);
	return n ? n : "E?";
}

__attribute__((unused)) static int probe_exit(void)
{
	return probe_escapes ? 1 : 0;
}

#endif
