/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers the host benchmarks of flow installation share.
 */
#ifndef OVSDP_BENCH_COMMON_H
#define OVSDP_BENCH_COMMON_H

#include <time.h>

#include "portable_env.h"

/* The same UFIDs as ovsbench's: distinct, never all-zero. */
static inline void bench_make_ufid(u8 *ufid, u64 seq)
{
	u64 x = seq * 0x9e3779b97f4a7c15ULL + 1;

	memcpy(ufid, &x, 8);
	x ^= x >> 29;
	x *= 0xbf58476d1ce4e5b9ULL;
	memcpy(ufid + 8, &x, 8);
}

static inline double bench_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

#endif /* OVSDP_BENCH_COMMON_H */
