/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A megaflow: a masked flow key, the actions to run on packets that match
 * it, and its statistics; and the mask it is matched under.
 *
 * Lifetime: flows and masks are read by the packet path under RCU and
 * written by the control path under its mutex (ovs_mutex in the kernel
 * glue).  A flow is freed through RCU (ovs_flow_free_rcu()) once it has
 * left the flow table, together with its current actions, its copy of the
 * unmasked key and, if it was the last flow of its mask, the mask.
 *
 * A flow stores only the part of its key that its mask's range covers:
 * everything outside it is zero in every flow of the mask.  An IPv4 5-tuple
 * flow keeps 64 of the key's 440 bytes, which makes the flow less than half
 * the size: installing flows at a high rate spent much of its time getting
 * and clearing fresh slab pages for them.
 *
 * Portable: built both into the module and into the userspace tests.
 */
#ifndef OVSDP_FLOW_H
#define OVSDP_FLOW_H

#include "portable_env.h"
#include "flow_key.h"
#include "flow_actions.h"

#define OVS_FLOW_UFID_MAX	16	/* bytes of an OVS_FLOW_ATTR_UFID */

/*
 * A flow's counters as one CPU sees them.  Only that CPU writes packets,
 * bytes, used and tcp_flags (from the packet path, BHs disabled), so no
 * lock or atomic is needed; readers sum over CPUs.
 */
struct ovs_flow_cpu_stats {
	u64 packets;
	u64 bytes;
	struct u64_stats_sync syncp;	/* packets and bytes on 32-bit */
	unsigned long used;		/* jiffies of the last packet, 0: none */
	__be16 tcp_flags;		/* OR of the TCP flags seen */
};

/*
 * A mask: which bits of the key a set of flows match on.  Only the bytes
 * in [range.start, range.end) of key can be nonzero; the key itself is
 * zero elsewhere.  Masks are shared by every flow that has the same range
 * and bytes; ref_count counts those flows and is only touched under the
 * table writer's mutex.
 */
struct ovs_flow_mask {
	int ref_count;
	u32 id;				/* table-unique, seeds the flow hash */
	struct ovs_key_range range;
	/* Packets matched through this mask, per CPU: the packet path bumps
	 * its own CPU's counter, rebalancing sums and sorts by them.
	 */
	unsigned long __percpu *hits;
	unsigned long hits_seen;	/* total at the last rebalance */
	struct rcu_head rcu;
	struct ovs_key key;
};

/*
 * A flow.  The fields a lookup's bucket walk touches come first.  The
 * flow sits in two hash indexes (by masked key, and by UFID when it has
 * one); each index links it through one of two nodes, chosen by the
 * index's version, so that an index can be rebuilt into a new bucket
 * array while readers still walk the old one.
 */
struct ovs_flow {
	struct hlist_node key_node[2];
	u32 key_hash;			/* of the masked key, see flow_table.c */
	u8 ufid_len;			/* 0: identified by unmasked_key */
	u8 mask_owned;			/* last user of mask: frees it */
	u8 stats_slot;			/* of stats in its block, see flow.c */
	struct ovs_flow_mask *mask;
	struct ovs_actions __rcu *acts;
	struct ovs_flow_cpu_stats __percpu *stats;
	/* What OVS_FLOW_ATTR_CLEAR reset the summed counters to. */
	u64 cleared_packets;
	u64 cleared_bytes;
	/* The UFID index's hash of id.ufid, kept so that growing the index
	 * does not hash every UFID again; set on insert.
	 */
	u32 ufid_hash;
	struct ovs_key_range range;	/* of key[], fixed at allocation */
	struct hlist_node ufid_node[2];
	/* The flow's identity for GET/SET/DEL: the UFID userspace gave, or
	 * failing that, its full unmasked key (allocated only then).
	 */
	union {
		u32 ufid[OVS_FLOW_UFID_MAX / sizeof(u32)];
		struct ovs_key *unmasked_key;
	} id;
	struct rcu_head rcu;
	/* Words [range.start, range.end) of the key, in sizeof(long) units:
	 * as given until the flow is inserted, masked by mask from then on.
	 */
	unsigned long key[];
};

/* Flows get their per-CPU statistics in slots of shared per-CPU blocks
 * of this many, one of which the block keeps (see flow.c): at most one
 * flow in OVS_FLOW_STATS_PER_BLOCK - 1 allocates a block.
 */
#define OVS_FLOW_STATS_PER_BLOCK	64

/* Optional slab caches for flows, one per size class of key[]: call from
 * module init/exit.  Without them (e.g. in the unit tests) flows come
 * from kmalloc.  ovs_flow_cache_exit() waits for pending RCU frees
 * itself, and gives back the spare per-CPU statistics block (see flow.c),
 * which must be the last one: every flow must have been freed by then.
 */
int ovs_flow_cache_init(void);
void ovs_flow_cache_exit(void);

/* A flow with zeroed statistics holding @range of @key, the range of the
 * mask it will be inserted under; ERR_PTR(-EINVAL) if @range is not
 * valid, ERR_PTR(-ENOMEM).
 */
struct ovs_flow *ovs_flow_alloc_key(const struct ovs_key *key,
				    struct ovs_key_range range);

/* The flow's whole key into @out: its stored range, zero elsewhere. */
void ovs_flow_key_expand(const struct ovs_flow *flow, struct ovs_key *out);

/* Free a flow that readers cannot see: never inserted, or removed from
 * its table at least a grace period ago.  Frees its actions, its unmasked
 * key and, if it owns it, its mask.
 */
void ovs_flow_free(struct ovs_flow *flow);

/* Free a flow removed from its table once current readers are done. */
void ovs_flow_free_rcu(struct ovs_flow *flow);

/* Identity, set before the flow is inserted.  A UFID is 1..16 bytes
 * (-EINVAL otherwise); without one, the unmasked key is copied (-ENOMEM).
 * Setting both is -EINVAL.
 */
int ovs_flow_set_ufid(struct ovs_flow *flow, const void *ufid, size_t len);
int ovs_flow_set_unmasked_key(struct ovs_flow *flow,
			      const struct ovs_key *key);

static inline bool ovs_flow_has_ufid(const struct ovs_flow *flow)
{
	return flow->ufid_len != 0;
}

/* Install @acts (may be NULL) as the flow's actions; the previous ones
 * are freed after a grace period.  Caller holds the table writer's mutex
 * or owns an unpublished flow.
 */
void ovs_flow_set_actions(struct ovs_flow *flow, struct ovs_actions *acts);

/* Packet path, BHs disabled: account one packet of @len bytes. */
void ovs_flow_stats_update(struct ovs_flow *flow, __be16 tcp_flags,
			   unsigned int len);

/* Sum over CPUs since the flow was created or last cleared.  @used is
 * the jiffies of the most recent packet, 0 if none.  Any context.
 */
void ovs_flow_stats_get(const struct ovs_flow *flow,
			struct ovs_flow_stats *stats, unsigned long *used,
			__be16 *tcp_flags);

/* OVS_FLOW_ATTR_CLEAR.  Caller holds the table writer's mutex.  Packet
 * and byte counts restart exactly from zero; a packet racing with the
 * clear may keep its used time and TCP flags.
 */
void ovs_flow_stats_clear(struct ovs_flow *flow);

/* Key helpers.  A range is valid if it is word aligned and within the
 * key; ovs_key_mask_range() returns the smallest range that holds every
 * nonzero byte of @mask.
 */
bool ovs_key_range_valid(struct ovs_key_range range);
struct ovs_key_range ovs_key_mask_range(const struct ovs_key *mask);

/* dst = src & mask inside mask's range, zero outside (dst may be src). */
void ovs_key_mask_apply_range(struct ovs_key *dst, const struct ovs_key *src,
			      const struct ovs_key *mask,
			      struct ovs_key_range range);

#endif /* OVSDP_FLOW_H */
