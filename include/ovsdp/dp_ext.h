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

/*
 * ovs_flow family command: install many flows with one message.
 *
 * Each OVS_FLOW_CMD_NEW message pays generic netlink's dispatch, the
 * datapath lookup and the flow mutex on its own; a flow-setup burst of
 * upcalls pays them once per flow.  This command carries a burst whole:
 * after the ovs_header come OVSDP_FLOW_BATCH_ATTR_FLOW attributes (with
 * NLA_F_NESTED set), each holding one flow's OVS_FLOW_ATTR_KEY, _MASK,
 * _ACTIONS, _UFID, _UFID_FLAGS and _PROBE as OVS_FLOW_CMD_NEW takes them.
 *
 * The flows are applied in order; the first that fails stops the batch
 * and its error is the message's, with the extack's offset inside that
 * flow's attribute.  So the flows before it are in, it is not, and those
 * after it were not tried.  OVSDP_FLOW_BATCH_ATTR_CREATE makes every flow
 * "create only" (EEXIST if it is there), as NLM_F_CREATE does for
 * OVS_FLOW_CMD_NEW; this command takes no NLM_F_CREATE or NLM_F_ECHO.
 * Listeners of the flow multicast group hear of each flow as usual.
 *
 * Upstream answers EOPNOTSUPP (unknown command): send, and on that error
 * go on with OVS_FLOW_CMD_NEW.  The number is from the top of the range,
 * away from upstream's commands.
 */
#define OVSDP_FLOW_CMD_NEW_BATCH	0xf0

#define OVSDP_FLOW_BATCH_ATTR_UNSPEC	0
#define OVSDP_FLOW_BATCH_ATTR_FLOW	1	/* nested: one flow's attrs */
#define OVSDP_FLOW_BATCH_ATTR_CREATE	2	/* flag: create only */
#define OVSDP_FLOW_BATCH_ATTR_MAX	2

#endif /* OVSDP_DP_EXT_H */
