// SPDX-License-Identifier: GPL-2.0
/*
 * Flow objects: allocation, identity, freeing, and per-CPU statistics.
 */
#include "portable_env.h"
#include "flow.h"

/*
 * Per-CPU statistics are handed out in slots of blocks of
 * OVS_FLOW_STATS_PER_BLOCK, rather than by one alloc_percpu() per flow: the
 * per-CPU allocator is slow (a global mutex and a bitmap search, slower
 * the more it holds), and installing flows at a high rate spent a large
 * share of its time there.  A flow's stats pointer is still an ordinary
 * per-CPU pointer (the block's plus the slot), so the packet path does
 * not change.
 *
 * A flow finds its block again through slot 0, which no flow gets: the
 * first possible CPU's copy of it holds the block's address.  That costs
 * a slot per block instead of a pointer per flow, which would push
 * struct ovs_flow into a bigger slab size.
 *
 * Blocks with a free slot sit on ovs_stats_partial.  A block whose last
 * slot is given back is freed, unless it is the only block there: that
 * one stays as a spare, so that a table hovering around a multiple of the
 * block size does not allocate and free a block per flow.  Slots are
 * given back from RCU callbacks, hence the BH-safe lock.
 */
#define OVS_STATS_ALL_FREE	(~BIT_ULL(0))	/* slot 0: the back pointer */

struct ovs_stats_block {
	struct hlist_node node;		/* in ovs_stats_partial */
	struct ovs_flow_cpu_stats __percpu *stats;
	u64 free;			/* bit n: slot n is free */
};

static DEFINE_SPINLOCK(ovs_stats_lock);
static HLIST_HEAD(ovs_stats_partial);

/* Where a block's slot 0 keeps the block's address. */
static struct ovs_stats_block **
ovs_stats_backptr(struct ovs_flow_cpu_stats __percpu *base)
{
	int cpu;

	for_each_possible_cpu(cpu)
		break;
	return (struct ovs_stats_block **)per_cpu_ptr(base, cpu);
}

static struct ovs_stats_block *ovs_stats_block_alloc(void)
{
	struct ovs_stats_block *blk;

	/* The free map has a bit per slot; slot 0 holds a pointer. */
	BUILD_BUG_ON(OVS_FLOW_STATS_PER_BLOCK != 64);
	BUILD_BUG_ON(sizeof(struct ovs_flow_cpu_stats) <
		     sizeof(struct ovs_stats_block *));
	blk = kmalloc(sizeof(*blk), GFP_KERNEL);
	if (!blk)
		return NULL;
	blk->stats = __alloc_percpu(array_size(sizeof(*blk->stats),
					       OVS_FLOW_STATS_PER_BLOCK),
				    __alignof__(*blk->stats));
	if (!blk->stats) {
		kfree(blk);
		return NULL;
	}
	*ovs_stats_backptr(blk->stats) = blk;
	blk->free = OVS_STATS_ALL_FREE;
	return blk;
}

static void ovs_stats_block_free(struct ovs_stats_block *blk)
{
	free_percpu(blk->stats);
	kfree(blk);
}

/* Give @flow zeroed per-CPU statistics.  Process context. */
static int ovs_flow_stats_alloc(struct ovs_flow *flow)
{
	struct ovs_stats_block *blk, *new = NULL;
	unsigned int slot;
	int cpu;

	spin_lock_bh(&ovs_stats_lock);
	if (hlist_empty(&ovs_stats_partial)) {
		/* The per-CPU allocator may sleep: not under the lock. */
		spin_unlock_bh(&ovs_stats_lock);
		new = ovs_stats_block_alloc();
		if (!new)
			return -ENOMEM;
		spin_lock_bh(&ovs_stats_lock);
		hlist_add_head(&new->node, &ovs_stats_partial);
	}
	blk = hlist_entry(ovs_stats_partial.first, struct ovs_stats_block,
			  node);
	slot = __ffs64(blk->free);
	blk->free &= ~BIT_ULL(slot);
	if (!blk->free)
		hlist_del_init(&blk->node);
	spin_unlock_bh(&ovs_stats_lock);

	flow->stats_slot = slot;
	flow->stats = blk->stats + slot;
	/* A slot given back keeps its last flow's counts. */
	for_each_possible_cpu(cpu)
		memset(per_cpu_ptr(flow->stats, cpu), 0, sizeof(*flow->stats));
	return 0;
}

/* Give back @flow's slot.  Process or softirq context. */
static void ovs_flow_stats_free(struct ovs_flow *flow)
{
	struct ovs_stats_block *blk;
	bool drop = false;

	if (!flow->stats)
		return;
	blk = *ovs_stats_backptr(flow->stats - flow->stats_slot);
	spin_lock_bh(&ovs_stats_lock);
	if (!blk->free)
		hlist_add_head(&blk->node, &ovs_stats_partial);
	blk->free |= BIT_ULL(flow->stats_slot);
	if (blk->free == OVS_STATS_ALL_FREE &&
	    (ovs_stats_partial.first != &blk->node || blk->node.next)) {
		hlist_del(&blk->node);
		drop = true;
	}
	spin_unlock_bh(&ovs_stats_lock);
	if (drop)
		ovs_stats_block_free(blk);
}

/* Free the spare block.  A block still in use belongs to a leaked flow:
 * it is kept, as freeing it could only make matters worse.
 */
static void ovs_stats_pool_exit(void)
{
	struct ovs_stats_block *blk;
	struct hlist_node *tmp;

	spin_lock_bh(&ovs_stats_lock);
	hlist_for_each_entry_safe(blk, tmp, &ovs_stats_partial, node) {
		if (blk->free != OVS_STATS_ALL_FREE) {
			pr_warn("openvswitch: flow statistics leaked\n");
			continue;
		}
		hlist_del(&blk->node);
		spin_unlock_bh(&ovs_stats_lock);
		ovs_stats_block_free(blk);
		spin_lock_bh(&ovs_stats_lock);
	}
	spin_unlock_bh(&ovs_stats_lock);
}

/*
 * Flows come from one slab cache per size class of their stored key: a
 * flow takes the smallest class its range fits.  The classes are the
 * common ranges (metadata through the L4 ports: 64 bytes for IPv4, 128
 * for IPv6) and a last one for any range up to the whole key.
 */
static const unsigned short ovs_flow_class_key_bytes[] = {
	64, 128, 256, sizeof(struct ovs_key),
};

#define OVS_FLOW_CLASSES ARRAY_SIZE(ovs_flow_class_key_bytes)

static struct kmem_cache *ovs_flow_slab[OVS_FLOW_CLASSES];

static unsigned int ovs_flow_class(unsigned int key_bytes)
{
	unsigned int c = 0;

	while (ovs_flow_class_key_bytes[c] < key_bytes)
		c++;
	return c;
}

static size_t ovs_flow_size(unsigned int key_bytes)
{
	return offsetof(struct ovs_flow, key) + key_bytes;
}

int ovs_flow_cache_init(void)
{
	static const char *const names[OVS_FLOW_CLASSES] = {
		"ovs_flow_64", "ovs_flow_128", "ovs_flow_256", "ovs_flow_max",
	};
	unsigned int c;

	BUILD_BUG_ON(!IS_ALIGNED(offsetof(struct ovs_flow, key),
				 sizeof(long)));
	for (c = 0; c < OVS_FLOW_CLASSES; c++) {
		size_t size = ovs_flow_size(ovs_flow_class_key_bytes[c]);

		ovs_flow_slab[c] = kmem_cache_create(names[c], size,
						     __alignof__(struct ovs_flow),
						     0, NULL);
		if (!ovs_flow_slab[c])
			goto err_destroy;
	}
	return 0;

err_destroy:
	while (c--) {
		kmem_cache_destroy(ovs_flow_slab[c]);
		ovs_flow_slab[c] = NULL;
	}
	return -ENOMEM;
}

void ovs_flow_cache_exit(void)
{
	unsigned int c;

	/* Flows still queued for freeing go back to their caches first. */
	rcu_barrier();
	ovs_stats_pool_exit();
	for (c = 0; c < OVS_FLOW_CLASSES; c++) {
		kmem_cache_destroy(ovs_flow_slab[c]);
		ovs_flow_slab[c] = NULL;
	}
}

static unsigned int ovs_flow_key_bytes(const struct ovs_flow *flow)
{
	return flow->range.end - flow->range.start;
}

static void ovs_flow_mem_free(struct ovs_flow *flow)
{
	struct kmem_cache *cache;

	cache = ovs_flow_slab[ovs_flow_class(ovs_flow_key_bytes(flow))];
	if (cache)
		kmem_cache_free(cache, flow);
	else
		kfree(flow);
}

struct ovs_flow *ovs_flow_alloc_key(const struct ovs_key *key,
				    struct ovs_key_range range)
{
	unsigned int bytes = range.end - range.start;
	struct kmem_cache *cache;
	struct ovs_flow *flow;

	if (!ovs_key_range_valid(range))
		return ERR_PTR(-EINVAL);
	cache = ovs_flow_slab[ovs_flow_class(bytes)];
	if (cache)
		flow = kmem_cache_alloc(cache, GFP_KERNEL);
	else
		flow = kmalloc(ovs_flow_size(bytes), GFP_KERNEL);
	if (!flow)
		return ERR_PTR(-ENOMEM);
	/* Everything but the key, which is written once below. */
	memset(flow, 0, offsetof(struct ovs_flow, key));
	flow->range = range;
	memcpy(flow->key, (const u8 *)key + range.start, bytes);

	if (ovs_flow_stats_alloc(flow)) {
		ovs_flow_mem_free(flow);
		return ERR_PTR(-ENOMEM);
	}
	return flow;
}

void ovs_flow_key_expand(const struct ovs_flow *flow, struct ovs_key *out)
{
	unsigned int start = flow->range.start;

	memset(out, 0, start);
	memcpy((u8 *)out + start, flow->key, ovs_flow_key_bytes(flow));
	memset((u8 *)out + flow->range.end, 0, sizeof(*out) - flow->range.end);
}

static void ovs_flow_mask_free(struct ovs_flow_mask *mask)
{
	free_percpu(mask->hits);
	kfree(mask);
}

void ovs_flow_free(struct ovs_flow *flow)
{
	if (!flow)
		return;
	if (!flow->ufid_len)
		kfree(flow->id.unmasked_key);
	if (flow->mask_owned)
		ovs_flow_mask_free(flow->mask);
	/* No reader can reach the flow any more, so neither its actions. */
	kfree(rcu_dereference_protected(flow->acts, 1));
	ovs_flow_stats_free(flow);
	ovs_flow_mem_free(flow);
}

static void ovs_flow_free_cb(struct rcu_head *rcu)
{
	ovs_flow_free(container_of(rcu, struct ovs_flow, rcu));
}

void ovs_flow_free_rcu(struct ovs_flow *flow)
{
	call_rcu(&flow->rcu, ovs_flow_free_cb);
}

int ovs_flow_set_ufid(struct ovs_flow *flow, const void *ufid, size_t len)
{
	if (!len || len > OVS_FLOW_UFID_MAX || flow->id.unmasked_key)
		return -EINVAL;
	memcpy(flow->id.ufid, ufid, len);
	flow->ufid_len = len;
	return 0;
}

int ovs_flow_set_unmasked_key(struct ovs_flow *flow,
			      const struct ovs_key *key)
{
	if (flow->ufid_len || flow->id.unmasked_key)
		return -EINVAL;
	flow->id.unmasked_key = kmemdup(key, sizeof(*key), GFP_KERNEL);
	return flow->id.unmasked_key ? 0 : -ENOMEM;
}

void ovs_flow_set_actions(struct ovs_flow *flow, struct ovs_actions *acts)
{
	struct ovs_actions *old;

	old = rcu_replace_pointer(flow->acts, acts, true);
	if (old)
		kfree_rcu(old, rcu);
}

void ovs_flow_stats_update(struct ovs_flow *flow, __be16 tcp_flags,
			   unsigned int len)
{
	struct ovs_flow_cpu_stats *st = this_cpu_ptr(flow->stats);

	u64_stats_update_begin(&st->syncp);
	st->packets++;
	st->bytes += len;
	u64_stats_update_end(&st->syncp);
	/* Word-sized, read unlocked by ovs_flow_stats_get(). */
	WRITE_ONCE(st->used, jiffies);
	WRITE_ONCE(st->tcp_flags, st->tcp_flags | tcp_flags);
}

void ovs_flow_stats_get(const struct ovs_flow *flow,
			struct ovs_flow_stats *stats, unsigned long *used,
			__be16 *tcp_flags)
{
	u64 packets = 0, bytes = 0;
	int cpu;

	*used = 0;
	*tcp_flags = 0;
	for_each_possible_cpu(cpu) {
		const struct ovs_flow_cpu_stats *st;
		unsigned long cpu_used;
		unsigned int start;
		u64 p, b;

		st = per_cpu_ptr(flow->stats, cpu);
		do {
			start = u64_stats_fetch_begin(&st->syncp);
			p = st->packets;
			b = st->bytes;
		} while (u64_stats_fetch_retry(&st->syncp, start));
		packets += p;
		bytes += b;

		cpu_used = READ_ONCE(st->used);
		if (cpu_used && (!*used || time_after(cpu_used, *used)))
			*used = cpu_used;
		*tcp_flags |= READ_ONCE(st->tcp_flags);
	}
	stats->n_packets = packets - READ_ONCE(flow->cleared_packets);
	stats->n_bytes = bytes - READ_ONCE(flow->cleared_bytes);
}

/*
 * The counters belong to their CPUs, which may be adding to them right
 * now: writing zero into them could be undone by a concurrent increment.
 * So the clear records the current totals instead, and reads subtract
 * them.  used and tcp_flags have no such arithmetic; zeroing them can at
 * worst keep the contribution of a packet that raced with the clear.
 */
void ovs_flow_stats_clear(struct ovs_flow *flow)
{
	struct ovs_flow_stats sum;
	unsigned long used;
	__be16 flags;
	int cpu;

	ovs_flow_stats_get(flow, &sum, &used, &flags);
	WRITE_ONCE(flow->cleared_packets, flow->cleared_packets + sum.n_packets);
	WRITE_ONCE(flow->cleared_bytes, flow->cleared_bytes + sum.n_bytes);
	for_each_possible_cpu(cpu) {
		struct ovs_flow_cpu_stats *st = per_cpu_ptr(flow->stats, cpu);

		WRITE_ONCE(st->used, 0);
		WRITE_ONCE(st->tcp_flags, 0);
	}
}

bool ovs_key_range_valid(struct ovs_key_range range)
{
	return range.start <= range.end &&
	       range.end <= sizeof(struct ovs_key) &&
	       IS_ALIGNED(range.start, sizeof(long)) &&
	       IS_ALIGNED(range.end, sizeof(long));
}

struct ovs_key_range ovs_key_mask_range(const struct ovs_key *mask)
{
	const unsigned long *w = (const unsigned long *)mask;
	unsigned int n = sizeof(*mask) / sizeof(long);
	struct ovs_key_range range = { 0, 0 };
	unsigned int first, last;

	/* Masks without tunnel fields, the usual kind, lead with a zero
	 * tun_opts and tun: skip them four words at a time.
	 */
	for (first = 0; first + 4 <= n &&
	     !(w[first] | w[first + 1] | w[first + 2] | w[first + 3]);
	     first += 4)
		;
	for (; first < n && !w[first]; first++)
		;
	if (first == n)
		return range;
	for (last = n - 1; !w[last]; last--)
		;
	range.start = first * sizeof(long);
	range.end = (last + 1) * sizeof(long);
	return range;
}

void ovs_key_mask_apply_range(struct ovs_key *dst, const struct ovs_key *src,
			      const struct ovs_key *mask,
			      struct ovs_key_range range)
{
	const unsigned long *s = (const unsigned long *)src;
	const unsigned long *m = (const unsigned long *)mask;
	unsigned long *d = (unsigned long *)dst;
	unsigned int i, n = sizeof(*dst) / sizeof(long);
	unsigned int start = range.start / sizeof(long);
	unsigned int end = range.end / sizeof(long);

	for (i = start; i < end; i++)
		d[i] = s[i] & m[i];
	/* Disjoint from the words above, so dst may be src. */
	memset(d, 0, range.start);
	memset(d + end, 0, (n - end) * sizeof(long));
}
