/* SPDX-License-Identifier: GPL-2.0 */
/* Minimal assertion helpers: count, report, never abort early. */
#ifndef OVSDP_TESTUTIL_H
#define OVSDP_TESTUTIL_H 1

#include <stdio.h>
#include <string.h>

static int t_passed, t_failed;

#define CHECK(cond, ...) do {						\
	if (cond) {							\
		t_passed++;						\
	} else {							\
		t_failed++;						\
		fprintf(stderr, "FAIL %s:%d: %s: ", __FILE__, __LINE__,	\
			#cond);						\
		fprintf(stderr, __VA_ARGS__);				\
		fputc('\n', stderr);					\
	}								\
} while (0)

#define CHECK_STR(a, b) CHECK(!strcmp((a), (b)), "\n  got:  %s\n  want: %s", \
			      (a), (b))

static inline int t_report(void)
{
	printf("%d passed, %d failed\n", t_passed, t_failed);
	return t_failed ? 1 : 0;
}

#endif
