/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Kernel logging for userspace builds.  Messages go to stderr only when
 * the environment variable OVSDP_SHIM_LOG is set, so that tests and the
 * fuzzer stay quiet by default; the format is still type-checked always.
 */
#ifndef OVSDP_SHIM_PRINTK_H
#define OVSDP_SHIM_PRINTK_H

#include <stdio.h>
#include <stdlib.h>

#define shim_printk(fmt, ...) do {					\
	if (getenv("OVSDP_SHIM_LOG"))					\
		fprintf(stderr, fmt, ##__VA_ARGS__);			\
} while (0)

#define pr_err(fmt, ...)	shim_printk(fmt, ##__VA_ARGS__)
#define pr_warn(fmt, ...)	shim_printk(fmt, ##__VA_ARGS__)
#define pr_info(fmt, ...)	shim_printk(fmt, ##__VA_ARGS__)
#define pr_debug(fmt, ...)	shim_printk(fmt, ##__VA_ARGS__)
#define pr_err_ratelimited(fmt, ...)	pr_err(fmt, ##__VA_ARGS__)
#define pr_warn_ratelimited(fmt, ...)	pr_warn(fmt, ##__VA_ARGS__)
#define pr_info_ratelimited(fmt, ...)	pr_info(fmt, ##__VA_ARGS__)
#define net_warn_ratelimited(fmt, ...)	pr_warn(fmt, ##__VA_ARGS__)
#define net_info_ratelimited(fmt, ...)	pr_info(fmt, ##__VA_ARGS__)

#endif /* OVSDP_SHIM_PRINTK_H */
