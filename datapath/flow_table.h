/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The megaflow table: every flow of a datapath, found by the packet path
 * through its masks, and by the control path by key or UFID.
 *
 * Locking: lookups (ovs_flow_table_lookup(), ..._match(), ..._lookup_ufid(),
 * ..._dump_next()) run under rcu_read_lock() or the writer's mutex;
 * ovs_flow_table_lookup() in addition needs BHs disabled because it uses
 * per-CPU state.  Everything else is a writer: the caller serializes all
 * writers with one mutex (ovs_mutex).  Readers never wait for writers and
 * writers never wait for readers, except that growing an index may, in a
 * burst of inserts, sleep for a grace period (see ovs_flow_table_insert()).
 *
 * Portable: built both into the module and into the userspace tests.
 */
#ifndef OVSDP_FLOW_TABLE_H
#define OVSDP_FLOW_TABLE_H

#include "flow.h"

/* Mask cache sizes, in entries per CPU: the default, and the largest
 * OVS_DP_ATTR_MASKS_CACHE_SIZE accepted (32 KiB of entries per CPU, the
 * same bound userspace knows from the upstream datapath).
 */
#define OVS_FLOW_TABLE_DEFAULT_CACHE	256
#define OVS_FLOW_TABLE_MAX_CACHE	4096

#define OVS_FLOW_TABLE_MIN_BUCKETS	64

struct ovs_flow_index;
struct ovs_mask_array;
struct ovs_mask_cache;

struct ovs_flow_table {
	struct ovs_flow_index __rcu *flows;	/* by masked key */
	struct ovs_flow_index __rcu *ufids;	/* by UFID */
	struct ovs_mask_array __rcu *masks;	/* probe order */
	struct ovs_mask_cache __rcu *cache;	/* NULL: disabled */
	u32 cache_size;
	u32 count;			/* flows */
	u32 ufid_count;			/* flows with a UFID */
	u32 n_masks;
	u32 hash_seed;
	u32 next_mask_id;
	/* Masks probed in vain before the one that matched, by the packet
	 * path: the cost of the probe order, read by ..._reorder_due().
	 */
	unsigned long __percpu *wasted_probes;
	unsigned long wasted_seen;	/* the sum at the last re-order */
	/* Grace-period cookies of the last rebuilt-away bucket arrays: their
	 * nodes may not be reused by another rebuild before those elapse.
	 */
	unsigned long flows_retired;
	unsigned long ufids_retired;
};

/* Dump position between netlink dump callbacks (e.g. cb->args[]). */
struct ovs_flow_cursor {
	u32 bucket;
	u32 index;
};

/* An empty table with a mask cache of @cache_size entries per CPU (0 or
 * a power of two up to OVS_FLOW_TABLE_MAX_CACHE).  -EINVAL, -ENOMEM.
 */
int ovs_flow_table_init(struct ovs_flow_table *tbl, u32 cache_size);

/* Free the table and every flow and mask in it, immediately: call only
 * when no reader can see the table any more (e.g. from the datapath's
 * RCU callback) or it never was visible.
 */
void ovs_flow_table_destroy(struct ovs_flow_table *tbl);

/*
 * Packet path: the flow matching @key (a packet's unmasked key), or NULL.
 * @skb_hash selects the mask cache entry (0: don't use the cache).
 * *n_mask_hit is set to the number of masks probed, *n_cache_hit to 1 if
 * the cache's mask matched.  rcu_read_lock() held, BHs disabled.
 */
struct ovs_flow *ovs_flow_table_lookup(struct ovs_flow_table *tbl,
				       const struct ovs_key *key,
				       u32 skb_hash, u32 *n_mask_hit,
				       u32 *n_cache_hit);

/* Control path: the flow @key would hit, without touching the cache or
 * the mask hit counters (so callable from process context).
 */
struct ovs_flow *ovs_flow_table_match(struct ovs_flow_table *tbl,
				      const struct ovs_key *key);

/* The flow installed with exactly this mask (bytes and range) and masked
 * key (@key is masked here, it need not be already), or NULL.
 */
struct ovs_flow *ovs_flow_table_lookup_exact(struct ovs_flow_table *tbl,
					     const struct ovs_key *key,
					     const struct ovs_key *mask,
					     struct ovs_key_range range);

/* GET/DEL by key: the flow without UFID that @key hits and whose stored
 * unmasked key equals @key (whole struct compared), or NULL.
 */
struct ovs_flow *ovs_flow_table_lookup_unmasked(struct ovs_flow_table *tbl,
						const struct ovs_key *key);

/* GET/DEL by UFID, or NULL. */
struct ovs_flow *ovs_flow_table_lookup_ufid(struct ovs_flow_table *tbl,
					    const void *ufid, size_t len);

/*
 * Add @flow, whose identity (UFID or unmasked key) is already set, under
 * the mask (@mask, @range): an existing equal mask is shared, else a new
 * one is created.  @range must be the one the flow was allocated for; its
 * stored key is masked in place.  Does not check for duplicates: look up
 * first.  Returns 0, -EINVAL (bad or other range) or -ENOMEM;
 * on error the table is unchanged and the flow still the caller's.  May
 * sleep: an index is not rebuilt again until the readers of the bucket
 * array before the current one are gone; growing is put off until then,
 * but once an index holds 4 flows per bucket the insert waits for them.
 */
int ovs_flow_table_insert(struct ovs_flow_table *tbl, struct ovs_flow *flow,
			  const struct ovs_key *mask,
			  struct ovs_key_range range);

/*
 * Take @flow out of both indexes.  The flow is NOT freed: the caller may
 * still report it (flow->mask, stats and actions stay valid until it is
 * freed) and then must call ovs_flow_free_rcu().  If it was the last
 * flow of its mask, the mask leaves the probe order now and is freed with
 * the flow.  Never fails, never sleeps.
 */
void ovs_flow_table_remove(struct ovs_flow_table *tbl, struct ovs_flow *flow);

/* Remove and free (through RCU) every flow.  Never fails. */
void ovs_flow_table_flush(struct ovs_flow_table *tbl);

/* Dump: the flow at @cur, advancing @cur past it; NULL at the end.  Start
 * with a zeroed cursor.  Safe against inserts and removes between calls
 * (the dump then may miss or repeat flows that moved, never crashes).
 */
struct ovs_flow *ovs_flow_table_dump_next(struct ovs_flow_table *tbl,
					  struct ovs_flow_cursor *cur);

/* Re-order the probe order by hits since the last call (most hit first),
 * and complete the growth of an index that a burst of inserts put off
 * (see ovs_flow_table_insert()).  Call periodically under the writer's
 * mutex; never waits for a grace period.  Failing to allocate just leaves
 * things as they were.
 */
void ovs_flow_table_masks_rebalance(struct ovs_flow_table *tbl);

/*
 * Between two periodic rebalances: whether packets have, since the last
 * re-order, probed at least OVS_MASKS_REORDER_WASTE masks in vain before
 * finding theirs (traffic moved to a mask far down the order, e.g. one
 * just added); and the re-order itself, which (unlike the periodic one)
 * publishes a new order only if it cuts the probes those hits cost by a
 * quarter or more, so that traffic spread over several masks does not
 * flip the order back and forth.  Both under the writer's mutex.
 */
#define OVS_MASKS_REORDER_WASTE	1024
bool ovs_flow_table_masks_reorder_due(const struct ovs_flow_table *tbl);
void ovs_flow_table_masks_reorder(struct ovs_flow_table *tbl);

/* Mask cache size per CPU: 0 disables; else a power of two up to
 * OVS_FLOW_TABLE_MAX_CACHE (-EINVAL otherwise), -ENOMEM.
 */
int ovs_flow_table_set_cache_size(struct ovs_flow_table *tbl, u32 size);

/* Buckets of the key (@ufid false) or UFID index: for tests and
 * diagnostics.
 */
u32 ovs_flow_table_n_buckets(struct ovs_flow_table *tbl, bool ufid);

static inline u32 ovs_flow_table_cache_size(const struct ovs_flow_table *tbl)
{
	return READ_ONCE(tbl->cache_size);
}

static inline u32 ovs_flow_table_count(const struct ovs_flow_table *tbl)
{
	return READ_ONCE(tbl->count);
}

static inline u32 ovs_flow_table_num_masks(const struct ovs_flow_table *tbl)
{
	return READ_ONCE(tbl->n_masks);
}

#endif /* OVSDP_FLOW_TABLE_H */
