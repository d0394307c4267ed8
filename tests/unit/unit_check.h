/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The check macro of the host unit tests: CHECK(cond, fmt, ...) counts a
 * pass, or prints the line, the condition and an optional message and
 * counts a failure; a test's main() ends with UNIT_REPORT(), which prints
 * "N passed, M failed" and gives the exit status.
 */
#ifndef OVSDP_UNIT_CHECK_H
#define OVSDP_UNIT_CHECK_H

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>

static int unit_passed, unit_failed;

static inline bool unit_check(bool ok, int line, const char *expr,
			      const char *fmt, ...)
{
	va_list ap;

	if (ok) {
		unit_passed++;
		return true;
	}
	unit_failed++;
	printf("FAIL line %d: %s ", line, expr);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	return false;
}

#define CHECK(cond, ...) \
	unit_check(!!(cond), __LINE__, #cond, "" __VA_ARGS__)

#define UNIT_REPORT()							\
	({								\
		printf("%d passed, %d failed\n", unit_passed,		\
		       unit_failed);					\
		unit_failed ? 1 : 0;					\
	})

#endif /* OVSDP_UNIT_CHECK_H */
