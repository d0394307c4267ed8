/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Our extensions to the generic-netlink ABI of <linux/openvswitch.h>.
 *
 * Everything here is opt-in: a client that never asks for it sees exactly
 * the upstream ABI.  Upstream's module rejects what it does not know with
 * EOPNOTSUPP, so a client asks, and on that error goes on without.
 * Shared by the module and our userspace: plain #defines only.
 */
#ifndef OVSDP_DP_EXT_H
#define OVSDP_DP_EXT_H

/*
 * OVS_DP_ATTR_USER_FEATURES bit: upcalls may share a datagram.
 *
 * The upcalls one CPU produces for one socket while it handles a burst of
 * packets (one softirq run) are queued as consecutive netlink messages in
 * a single buffer, delivered when the run ends or the buffer is full.
 * The reader gets them with one recv() instead of one each, and the
 * datapath allocates and queues one buffer instead of one per packet.
 * Each message is a complete OVS_PACKET_CMD_* message, as without the
 * feature; a reader must walk every message of a datagram (NLMSG_NEXT).
 * A batch the socket refuses is lost whole, and counted per upcall.
 *
 * The bit is taken from near the top so that it does not meet upstream's,
 * which are allocated from the bottom.  Not bit 31: ovs-vswitchd sets that
 * one to find out whether the module rejects unknown features, and falls
 * back to per-port dispatch if it does not.
 */
#define OVSDP_DP_F_UPCALL_BATCH		(1U << 30)

#endif /* OVSDP_DP_EXT_H */
