/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The packet path: receive, lookup, upcall, action execution.
 *
 * Everything here runs in softirq context (or with BHs disabled, for
 * OVS_PACKET_CMD_EXECUTE) under rcu_read_lock().
 */
#ifndef OVSDP_DP_PACKET_H
#define OVSDP_DP_PACKET_H

#include <linux/skbuff.h>

#include "datapath.h"
#include "flow_actions.h"
#include "flow_key.h"

/* What the datapath keeps in skb->cb while a packet is in its hands. */
struct ovs_skb_cb {
	struct ovs_vport *input_vport;
	u16 mru;		/* max received fragment size, 0 if none */
	u16 acts_origlen;	/* for OVS_PACKET_ATTR_ACTIONS in upcalls */
	u32 cutlen;		/* bytes a trunc action will cut on output */
};

#define OVS_CB(skb) ((struct ovs_skb_cb *)(skb)->cb)

/* OVS_PACKET_ATTR_HASH carries the skb hash in its low 32 bits and how it
 * was computed above them.  Userspace relies on these bit positions,
 * though the uapi header does not define them.
 */
#define OVS_PACKET_HASH_SW_BIT	BIT_ULL(32)
#define OVS_PACKET_HASH_L4_BIT	BIT_ULL(33)

/* Why and how a packet goes to userspace. */
struct ovs_upcall_info {
	u8 cmd;				/* OVS_PACKET_CMD_MISS or _ACTION */
	u32 portid;			/* netlink socket to deliver to */
	const struct nlattr *userdata;	/* OVS_USERSPACE_ATTR_USERDATA */
	/* OVS_USERSPACE_ATTR_ACTIONS: include the flow's actions */
	const struct nlattr *actions;
	const struct ovs_actions *flow_acts;
	const struct ovs_key_tunnel *egress_tun_info;
	u16 mru;
};

/* dp_process.c */
void ovs_dp_process_packet(struct sk_buff *skb, struct ovs_key *key);
int ovs_dp_key_extract(struct sk_buff *skb, struct ovs_key *key);
void ovs_skb_sync_protocol(struct sk_buff *skb, const struct ovs_key *key);
static inline void ovs_dp_count_lost(struct ovs_dp *dp)
{
	struct ovs_dp_cpu_stats *st = this_cpu_ptr(dp->stats);

	u64_stats_update_begin(&st->syncp);
	st->n_lost++;
	u64_stats_update_end(&st->syncp);
}

/* upcall.c: sends @skb (not consumed) to userspace; 0 or -errno. */
int ovs_dp_upcall(struct ovs_dp *dp, struct sk_buff *skb,
		  const struct ovs_key *key,
		  const struct ovs_upcall_info *info);
u32 ovs_dp_upcall_portid(const struct ovs_dp *dp,
			 const struct ovs_vport *vport,
			 struct sk_buff *skb);
/* upcall.c: the outcome (0 or -errno) of @n upcalls sent together. */
void ovs_upcall_sent(struct ovs_dp *dp, int err, u32 n);

/* upcall_batch.c: upcalls that share a datagram (OVSDP_DP_F_UPCALL_BATCH) */
struct sk_buff *ovs_upcall_batch_room(struct ovs_dp *dp, u32 portid,
				      size_t size);
void ovs_upcall_batch_added(void);
void ovs_upcall_batch_flush_local(void);

/* actions.c: runs @acts on @skb, which it consumes.  @key describes the
 * packet as it currently is and is updated by set actions.  Returns 0 or
 * a negative errno (the packet was dropped).
 */
int ovs_execute_actions(struct ovs_dp *dp, struct sk_buff *skb,
			const struct ovs_actions *acts, struct ovs_key *key);
/* Per-CPU state of the executor: call once at module load (before any
 * packet can arrive) and at unload (after the last packet is gone).
 */
int ovs_actions_init(void);
void ovs_actions_exit(void);

#endif /* OVSDP_DP_PACKET_H */
