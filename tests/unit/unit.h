/* tests/unit/unit.h: what every unit test includes, first; the test's own
 * sbx headers follow it.  util.h comes first (its _GNU_SOURCE must precede
 * every libc header).  sbx's fail() and print_error() have names cmocka
 * uses too (a macro, a function): both are renamed while util.h is read,
 * as they are in the archive the tests link (GNUmakefile: sbx_fail,
 * sbx_print_error), so cmocka's fail() and fail_msg work as its own. */
#ifndef SBX_UNIT_H
#define SBX_UNIT_H

#define fail sbx_fail
#define print_error sbx_print_error
#include "util.h"
#undef fail
#undef print_error

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#endif
