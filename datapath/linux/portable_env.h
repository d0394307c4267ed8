/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The environment the portable datapath files (datapath/ *.c) are written
 * against, as seen from the kernel: simply the kernel's own headers.  The
 * userspace build gets the same names from tests/shim/portable_env.h, so a
 * portable file must use nothing that is not provided there too.
 */
#ifndef OVSDP_PORTABLE_ENV_H
#define OVSDP_PORTABLE_ENV_H

#include <linux/types.h>
#include <linux/kernel.h>
#include <linux/stddef.h>
#include <linux/string.h>
#include <linux/errno.h>
#include <linux/slab.h>
#include <linux/mm.h>
#include <linux/in6.h>
#include <linux/if_ether.h>
#include <linux/etherdevice.h>
#include <linux/if_vlan.h>
#include <linux/if_arp.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/tcp.h>
#include <linux/udp.h>
#include <linux/sctp.h>
#include <linux/icmp.h>
#include <linux/icmpv6.h>
#include <linux/llc.h>
#include <linux/mpls.h>
#include <linux/jhash.h>
#include <linux/log2.h>
#include <linux/random.h>
#include <linux/sort.h>
#include <linux/rcupdate.h>
#include <linux/percpu.h>
#include <linux/spinlock.h>
#include <linux/cpumask.h>
#include <linux/jiffies.h>
#include <linux/u64_stats_sync.h>
#include <linux/openvswitch.h>
#include <net/netlink.h>
#include <net/ip.h>
#include <net/ipv6.h>
#include <net/dsfield.h>
#include <net/mpls.h>
#include <net/ndisc.h>

#define ovs_portable_kernel 1

#endif /* OVSDP_PORTABLE_ENV_H */
