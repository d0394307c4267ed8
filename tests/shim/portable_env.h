/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The userspace stand-in for datapath/linux/portable_env.h: the small
 * subset of kernel APIs that the portable datapath files use, implemented
 * on libc so that those files build and run under ASan/UBSan and libFuzzer.
 * Each concept has its own shim header; this one only gathers them.
 */
#ifndef OVSDP_PORTABLE_ENV_H
#define OVSDP_PORTABLE_ENV_H

#include "shim_types.h"
#include "shim_proto.h"
#include "shim_alloc.h"
#include "shim_rcu.h"
#include "shim_printk.h"
#include "shim_netlink.h"

#endif /* OVSDP_PORTABLE_ENV_H */
