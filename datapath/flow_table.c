// SPDX-License-Identifier: GPL-2.0
/*
 * The megaflow table.
 *
 * Flows live in a hash index keyed by their masked key (and the identity
 * of their mask), and, when userspace named them with a UFID, in a second
 * index keyed by UFID.  A packet is classified by trying each distinct
 * mask in turn: mask the packet's key, hash it, walk one bucket.  The
 * masks are kept in an RCU-published array whose order is the probe
 * order; it is periodically re-sorted so that the busiest masks are tried
 * first.  A small per-CPU cache remembers, per packet hash, which mask
 * matched last time, so that most packets probe one mask only.
 *
 * A new connection has a packet hash the cache has never seen.  Behind
 * the cache, a table of class hints remembers which mask matched last for
 * each "class": the packet's key under the bits that every mask looks at
 * (at least in_port in practice).  All packets of one megaflow fall in one
 * class, whatever the fields its mask leaves out (source ports, say), so
 * a cold packet usually probes one mask too, where walking the masks in
 * order would probe half of them when traffic is spread over many.
 *
 * Every structure a reader walks (bucket arrays, the mask array, the mask
 * cache) is replaced, never resized in place: the writer builds the new
 * one, publishes it with rcu_assign_pointer() and frees the old one after
 * a grace period.  The packet path therefore takes no lock, makes no
 * atomic operation and allocates nothing.
 */
#include "portable_env.h"
#include "flow_table.h"

/* One version of an index: a power-of-two array of buckets. */
struct ovs_flow_index {
	struct rcu_head rcu;
	u32 n_buckets;
	/* Which of the two nodes of each flow links it into this version;
	 * a rebuild links every flow through the other node, so readers of
	 * the old version can finish their walk undisturbed.
	 */
	u8 ver;
	/* The key index only: OVS_CLASS_HINTS_PER_BUCKET class hints per
	 * bucket, so that they grow with the flows.  A separate allocation:
	 * behind the buckets they would double a large index's (rounded up)
	 * size.
	 */
	u8 *hints;
	struct hlist_head buckets[];
};

/*
 * The probe order.  Replaced whenever a mask comes or goes; only when that
 * replacement cannot be allocated is a removed mask's slot set to NULL in
 * place, so readers must skip NULL slots.
 */
struct ovs_mask_array {
	struct rcu_head rcu;
	u32 count;
	/* The mask in front took most packets at the last re-order: a
	 * packet the cache does not know tries it before hashing its class.
	 */
	bool front_first;
	/* The bits all of @masks look at (their AND), which key the class
	 * hints; an empty range (no masks, or none in common) turns the
	 * hints off.  Only key, range and id are used.
	 */
	struct ovs_flow_mask common;
	struct ovs_flow_mask __rcu *masks[];
};

/*
 * Class hints: one byte per slot, the index of the mask that last matched
 * a packet whose class hashes to the slot, plus one (0: none).  Hints are
 * only ever a first guess, checked by the probe, so slots are shared
 * between classes without tags and written without locks; a wrong one
 * costs a probe.  Masks past index OVS_CLASS_HINT_INDEXES - 1 get none.
 * With the index at one flow per bucket (its load once growth is done),
 * 8 slots per bucket leave at least 7 in 8 free, however many flows (and
 * so classes) there are.
 */
#define OVS_CLASS_HINTS_PER_BUCKET	8
#define OVS_CLASS_HINT_INDEXES		255
#define OVS_COMMON_MASK_ID	U32_MAX

/* Which mask index a packet hash matched last time.  skb_hash 0: empty. */
struct ovs_mask_cache_entry {
	u32 skb_hash;
	u32 mask_index;
};

struct ovs_mask_cache {
	struct rcu_head rcu;
	u32 size;			/* entries per CPU, a power of two */
	struct ovs_mask_cache_entry __percpu *entries;
};

/*
 * The cache is probed at up to four places, each taken from a different
 * byte of the packet hash, so that two busy hashes that collide in one
 * place can both stay cached.
 */
#define OVS_MC_PROBES		4
#define OVS_MC_PROBE_SHIFT	8

/* An index is grown past one flow per bucket, shrunk below a quarter.
 * Growing is put off while the bucket array before the current one may
 * still have readers (see ovs_index_rebuild()), up to a load of
 * OVS_INDEX_DEFER_LOAD: past that, the insert waits for them.
 */
#define OVS_INDEX_MAX_LOAD	1
#define OVS_INDEX_DEFER_LOAD	4
#define OVS_INDEX_MIN_LOAD_DIV	4

/* A rebuild or a flush offers to reschedule after this many buckets. */
#define OVS_INDEX_RESCHED_BUCKETS	4096

/* Writers hold the caller's mutex; read-only control-path helpers may be
 * called under either that mutex or rcu_read_lock().
 */
#define ovs_tbl_deref(p)	rcu_dereference_protected(p, 1)
#define ovs_tbl_deref_any(p)	rcu_dereference_check(p, 1)

/* ---- hashing and masked comparison -------------------------------- */

/* Multipliers from xxHash64: odd, with well-spread bits. */
#define OVS_HASH_P1	0x9e3779b185ebca87ULL
#define OVS_HASH_P2	0xc2b2ae3d27d4eb4fULL
#define OVS_HASH_P3	0x165667b19e3779f9ULL

static __always_inline u64 ovs_rotl64(u64 x, unsigned int r)
{
	return (x << r) | (x >> (64 - r));
}

static __always_inline u64 ovs_hash_round(u64 acc, u64 word)
{
	acc += word * OVS_HASH_P2;
	return ovs_rotl64(acc, 31) * OVS_HASH_P1;
}

/* Every bit of the accumulator reaches the low bits that pick a bucket. */
static __always_inline u32 ovs_hash_finish(u64 acc)
{
	acc ^= acc >> 33;
	acc *= OVS_HASH_P2;
	acc ^= acc >> 29;
	acc *= OVS_HASH_P3;
	acc ^= acc >> 32;
	return (u32)acc;
}

/*
 * Hash of (key & mask) over the mask's range, seeded by the table's
 * secret and the mask's id so that equal masked keys under different
 * masks spread over different buckets.  One multiply-rotate round per
 * word, streaming, so the masked key is never materialized.  @k points
 * at the key's first word in the range: a whole key's or a flow's stored
 * words.
 */
static __always_inline u32 ovs_words_hash_masked(const unsigned long *k,
						 const struct ovs_flow_mask *mask,
						 u32 seed)
{
	unsigned int start = mask->range.start / sizeof(long);
	unsigned int n = mask->range.end / sizeof(long) - start;
	const unsigned long *m = (const unsigned long *)&mask->key + start;
	u64 acc = ((u64)seed << 32 | mask->id) * OVS_HASH_P3;
	unsigned int i;

	for (i = 0; i < n; i++)
		acc = ovs_hash_round(acc, k[i] & m[i]);
	return ovs_hash_finish(acc);
}

static __always_inline u32 ovs_key_hash_masked(const struct ovs_key *key,
					       const struct ovs_flow_mask *mask,
					       u32 seed)
{
	const unsigned long *k = (const unsigned long *)key;

	return ovs_words_hash_masked(k + mask->range.start / sizeof(long),
				     mask, seed);
}

/* Whether @key & mask equals the masked key @flow stores. */
static __always_inline bool ovs_flow_key_matches(const struct ovs_flow *flow,
						 const struct ovs_key *key,
						 const struct ovs_flow_mask *mask)
{
	unsigned int start = mask->range.start / sizeof(long);
	unsigned int n = mask->range.end / sizeof(long) - start;
	const unsigned long *k = (const unsigned long *)key + start;
	const unsigned long *m = (const unsigned long *)&mask->key + start;
	const unsigned long *f = flow->key;
	unsigned long diff = 0;
	unsigned int i;

	/* No early exit: a flow reached with an equal hash almost always
	 * matches, and a branch-free loop is cheaper then.
	 */
	for (i = 0; i < n; i++)
		diff |= (k[i] & m[i]) ^ f[i];
	return !diff;
}

static bool ovs_mask_equal(const struct ovs_flow_mask *mask,
			   const struct ovs_key *key, struct ovs_key_range range)
{
	return mask->range.start == range.start &&
	       mask->range.end == range.end &&
	       !memcmp((const u8 *)&mask->key + range.start,
		       (const u8 *)key + range.start, range.end - range.start);
}

/* The same rounds over the UFID's (at most two) words, zero padded, with
 * its length in the seed: a UFID is hashed twice per flow install (the
 * duplicate check and the insert) and once per flow in every rebuild, and
 * this costs a fraction of a byte-oriented hash.
 */
static u32 ovs_ufid_hash(const struct ovs_flow_table *tbl, const void *ufid,
			 u32 len)
{
	u64 w[OVS_FLOW_UFID_MAX / sizeof(u64)] = { 0, 0 };
	u64 acc = ((u64)tbl->hash_seed << 32 | len) * OVS_HASH_P3;
	unsigned int i;

	memcpy(w, ufid, min_t(u32, len, sizeof(w)));
	for (i = 0; i < ARRAY_SIZE(w); i++)
		acc = ovs_hash_round(acc, w[i]);
	return ovs_hash_finish(acc);
}

/* ---- index versions ----------------------------------------------- */

/* With @hints, room for them, left for the caller to fill. */
static struct ovs_flow_index *ovs_index_alloc(u32 n_buckets, u8 ver,
					      bool hints)
{
	struct ovs_flow_index *ti;
	u32 i;

	ti = kvmalloc(struct_size(ti, buckets, n_buckets), GFP_KERNEL);
	if (!ti)
		return NULL;
	ti->hints = NULL;
	if (hints) {
		ti->hints = kvmalloc_array(n_buckets,
					   OVS_CLASS_HINTS_PER_BUCKET,
					   GFP_KERNEL);
		if (!ti->hints) {
			kvfree(ti);
			return NULL;
		}
	}
	ti->n_buckets = n_buckets;
	ti->ver = ver;
	for (i = 0; i < n_buckets; i++)
		INIT_HLIST_HEAD(&ti->buckets[i]);
	return ti;
}

static u32 ovs_index_n_hints(const struct ovs_flow_index *ti)
{
	return ti->n_buckets * OVS_CLASS_HINTS_PER_BUCKET;
}

/*
 * A rebuilt key index keeps the hints.  A class's slot is the low bits of
 * its hash: in a larger array it is one of the copies of its old slot,
 * which all get the old hint; in a smaller one, the old slots equal to it
 * in those low bits fold into it, and the first that has a hint wins.
 */
static void ovs_index_copy_hints(struct ovs_flow_index *new,
				 const struct ovs_flow_index *old)
{
	u32 n_new = ovs_index_n_hints(new), n_old = ovs_index_n_hints(old);
	u32 i, j;

	if (n_new >= n_old) {
		for (i = 0; i < n_new; i += n_old)
			memcpy(new->hints + i, old->hints, n_old);
		return;
	}
	for (i = 0; i < n_new; i++) {
		u8 h = READ_ONCE(old->hints[i & (n_old - 1)]);

		for (j = i + n_new; !h && j < n_old; j += n_new)
			h = READ_ONCE(old->hints[j]);
		new->hints[i] = h;
	}
}

static void ovs_index_free(struct ovs_flow_index *ti)
{
	kvfree(ti->hints);
	kvfree(ti);
}

static void ovs_index_free_cb(struct rcu_head *rcu)
{
	ovs_index_free(container_of(rcu, struct ovs_flow_index, rcu));
}

static struct hlist_head *ovs_index_bucket(const struct ovs_flow_index *ti,
					   u32 hash)
{
	return (struct hlist_head *)&ti->buckets[hash & (ti->n_buckets - 1)];
}

/* The node linking @flow into version @ver of the UFID or key index. */
static struct hlist_node *ovs_flow_node(struct ovs_flow *flow, bool ufid,
					u8 ver)
{
	return ufid ? &flow->ufid_node[ver] : &flow->key_node[ver];
}

static struct ovs_flow *ovs_node_flow(struct hlist_node *node, bool ufid,
				      u8 ver)
{
	/* Step back to node [0] so container_of() sees a constant member. */
	node -= ver;
	if (ufid)
		return container_of(node, struct ovs_flow, ufid_node[0]);
	return container_of(node, struct ovs_flow, key_node[0]);
}

/* The hash that places @flow in the UFID or the key index. */
static u32 ovs_flow_index_hash(const struct ovs_flow *flow, bool ufid)
{
	return ufid ? flow->ufid_hash : flow->key_hash;
}

static struct ovs_flow_index __rcu **ovs_index_slot(struct ovs_flow_table *tbl,
						    bool ufid)
{
	return ufid ? &tbl->ufids : &tbl->flows;
}

/*
 * Relink every flow of the UFID or key index into a new bucket array of
 * @n_buckets and publish it.  The new version uses the node the previous
 * version but one used; if that version may still have readers (it was
 * retired less than a grace period ago), @may_sleep decides between
 * waiting for them and giving up.  Returns 0 or -ENOMEM/-EAGAIN; on error
 * the index is unchanged.
 */
static int ovs_index_rebuild(struct ovs_flow_table *tbl, bool ufid,
			     u32 n_buckets, bool may_sleep)
{
	struct ovs_flow_index __rcu **slot = ovs_index_slot(tbl, ufid);
	unsigned long *retired = ufid ? &tbl->ufids_retired :
					&tbl->flows_retired;
	struct ovs_flow_index *old = ovs_tbl_deref(*slot);
	struct ovs_flow_index *new;
	u32 i;

	/* An empty index has no flow whose nodes could be reused. */
	if (ufid ? tbl->ufid_count : tbl->count) {
		if (!poll_state_synchronize_rcu(*retired)) {
			if (!may_sleep)
				return -EAGAIN;
			cond_synchronize_rcu(*retired);
		}
	}

	new = ovs_index_alloc(n_buckets, !old->ver, !ufid);
	if (!new)
		return -ENOMEM;
	if (!ufid)
		ovs_index_copy_hints(new, old);

	for (i = 0; i < old->n_buckets; i++) {
		struct hlist_node *node, *next;

		for (node = old->buckets[i].first; node; node = next) {
			struct ovs_flow *flow = ovs_node_flow(node, ufid,
							      old->ver);
			u32 hash = ovs_flow_index_hash(flow, ufid);

			next = node->next;
			hlist_add_head_rcu(ovs_flow_node(flow, ufid, new->ver),
					   ovs_index_bucket(new, hash));
		}
		/* A million flows take a good part of a second to relink:
		 * let other tasks on this CPU run meanwhile.  Nothing sees
		 * the new index before it is published, and writers wait
		 * for the mutex our caller holds.
		 */
		if (i % OVS_INDEX_RESCHED_BUCKETS == OVS_INDEX_RESCHED_BUCKETS - 1)
			cond_resched();
	}

	rcu_assign_pointer(*slot, new);
	call_rcu(&old->rcu, ovs_index_free_cb);
	*retired = get_state_synchronize_rcu();
	return 0;
}

/*
 * Keep the load of an index between a quarter and one flow per bucket.
 * Failing to resize only costs speed, so errors are ignored.
 *
 * A burst of inserts into a small table grows it several times in quick
 * succession, faster than grace periods elapse: waiting for each one
 * would make the burst sleep most of the time.  So while the previous
 * rebuild's readers may still be around, growing is put off and the
 * chains get somewhat longer; the first insert after the grace period
 * grows the index straight to the size the count needs, as does the
 * periodic rebalance if no insert comes.  Only a load past
 * OVS_INDEX_DEFER_LOAD makes an insert (@may_wait) wait.
 */
static void ovs_index_grow(struct ovs_flow_table *tbl, bool ufid, u32 count,
			   bool may_wait)
{
	struct ovs_flow_index *ti = ovs_tbl_deref(*ovs_index_slot(tbl, ufid));
	u32 n_buckets = ti->n_buckets;
	bool may_sleep;

	if (count <= n_buckets * OVS_INDEX_MAX_LOAD ||
	    n_buckets >= (U32_MAX >> 2))
		return;
	may_sleep = may_wait && count > n_buckets * OVS_INDEX_DEFER_LOAD;
	while (n_buckets * OVS_INDEX_MAX_LOAD < count &&
	       n_buckets < (U32_MAX >> 2))
		n_buckets *= 2;
	ovs_index_rebuild(tbl, ufid, n_buckets, may_sleep);
}

static void ovs_index_shrink(struct ovs_flow_table *tbl, bool ufid, u32 count)
{
	struct ovs_flow_index *ti = ovs_tbl_deref(*ovs_index_slot(tbl, ufid));

	if (ti->n_buckets > OVS_FLOW_TABLE_MIN_BUCKETS &&
	    count < ti->n_buckets / OVS_INDEX_MIN_LOAD_DIV)
		ovs_index_rebuild(tbl, ufid, ti->n_buckets / 2, false);
}

/* The flow of @ti under @mask that @key hits.  @ctl: called by the
 * control path, which may hold the writer's mutex instead of RCU.
 */
static __always_inline struct ovs_flow *
ovs_index_find(const struct ovs_flow_index *ti, const struct ovs_key *key,
	       const struct ovs_flow_mask *mask, u32 seed, bool ctl)
{
	u32 hash = ovs_key_hash_masked(key, mask, seed);
	struct ovs_flow *flow;
	u8 ver = ti->ver;

	hlist_for_each_entry_rcu(flow, ovs_index_bucket(ti, hash),
				 key_node[ver], ctl) {
		if (flow->key_hash == hash && flow->mask == mask &&
		    ovs_flow_key_matches(flow, key, mask))
			return flow;
	}
	return NULL;
}

/* ---- the mask array ----------------------------------------------- */

static struct ovs_mask_array *ovs_mask_array_alloc(u32 count)
{
	struct ovs_mask_array *ma;

	ma = kzalloc(struct_size(ma, masks, count), GFP_KERNEL);
	if (ma)
		ma->count = count;
	return ma;
}

/* AND of every mask in @ma: the bits that place a key in its class. */
static void ovs_mask_array_set_common(struct ovs_mask_array *ma)
{
	unsigned long *c = (unsigned long *)&ma->common.key;
	unsigned int n = sizeof(ma->common.key) / sizeof(long);
	bool any = false;
	unsigned int w;
	u32 i;

	memset(c, 0xff, sizeof(ma->common.key));
	for (i = 0; i < ma->count; i++) {
		struct ovs_flow_mask *m = ovs_tbl_deref(ma->masks[i]);
		const unsigned long *k;

		if (!m)
			continue;
		k = (const unsigned long *)&m->key;
		for (w = 0; w < n; w++)
			c[w] &= k[w];
		any = true;
	}
	if (!any)
		memset(c, 0, sizeof(ma->common.key));
	ma->common.range = ovs_key_mask_range(&ma->common.key);
	ma->common.id = OVS_COMMON_MASK_ID;
}

/*
 * Carry the class hints over from @old to @new.  Under the same common
 * mask the classes stay the same, and only the mask indexes the hints
 * name move: renumber them.  Under another common mask every class is
 * new, so every hint would be a wrong guess: forget them all.  Readers
 * may store a hint meanwhile; it is at worst wrong, and costs a probe.
 */
static void ovs_class_hints_follow(struct ovs_flow_table *tbl,
				   const struct ovs_mask_array *old,
				   const struct ovs_mask_array *new)
{
	struct ovs_flow_index *ti = ovs_tbl_deref(tbl->flows);
	u32 n_hints = ovs_index_n_hints(ti);
	u8 map[OVS_CLASS_HINT_INDEXES + 1] = { 0 };
	u32 n_old = min_t(u32, old->count, OVS_CLASS_HINT_INDEXES);
	u32 n_new = min_t(u32, new->count, OVS_CLASS_HINT_INDEXES);
	bool moved = false;
	u32 i, j;

	if (!ovs_mask_equal(&old->common, &new->common.key,
			    new->common.range)) {
		memset(ti->hints, 0, n_hints);
		return;
	}
	for (i = 0; i < n_old; i++) {
		struct ovs_flow_mask *m = ovs_tbl_deref(old->masks[i]);

		for (j = 0; m && j < n_new; j++) {
			if (ovs_tbl_deref(new->masks[j]) == m) {
				map[i + 1] = j + 1;
				break;
			}
		}
		moved |= map[i + 1] != i + 1;
	}
	if (!moved)		/* a mask appended: every index stands */
		return;
	for (i = 0; i < n_hints; i++) {
		u8 h = READ_ONCE(ti->hints[i]);

		if (h)
			WRITE_ONCE(ti->hints[i], map[h]);
	}
}

static void ovs_mask_array_publish(struct ovs_flow_table *tbl,
				   struct ovs_mask_array *new)
{
	struct ovs_mask_array *old = ovs_tbl_deref(tbl->masks);

	ovs_mask_array_set_common(new);
	rcu_assign_pointer(tbl->masks, new);
	ovs_class_hints_follow(tbl, old, new);
	kfree_rcu(old, rcu);
}

static struct ovs_flow_mask *ovs_mask_find(struct ovs_flow_table *tbl,
					   const struct ovs_key *key,
					   struct ovs_key_range range)
{
	struct ovs_mask_array *ma = ovs_tbl_deref_any(tbl->masks);
	u32 i;

	for (i = 0; i < ma->count; i++) {
		struct ovs_flow_mask *mask = ovs_tbl_deref_any(ma->masks[i]);

		if (mask && ovs_mask_equal(mask, key, range))
			return mask;
	}
	return NULL;
}

static void ovs_mask_free(struct ovs_flow_mask *mask)
{
	free_percpu(mask->hits);
	kfree(mask);
}

/* A new mask, appended to the probe order. */
static struct ovs_flow_mask *ovs_mask_create(struct ovs_flow_table *tbl,
					     const struct ovs_key *key,
					     struct ovs_key_range range)
{
	struct ovs_mask_array *old = ovs_tbl_deref(tbl->masks);
	struct ovs_mask_array *new;
	struct ovs_flow_mask *mask;
	u32 i, n = 0;

	mask = kzalloc(sizeof(*mask), GFP_KERNEL);
	if (!mask)
		return NULL;
	mask->hits = alloc_percpu(unsigned long);
	if (!mask->hits)
		goto err_free_mask;
	mask->range = range;
	mask->id = tbl->next_mask_id++;
	memcpy((u8 *)&mask->key + range.start, (const u8 *)key + range.start,
	       range.end - range.start);

	new = ovs_mask_array_alloc(tbl->n_masks + 1);
	if (!new)
		goto err_free_mask;
	for (i = 0; i < old->count; i++) {
		struct ovs_flow_mask *m = ovs_tbl_deref(old->masks[i]);

		if (m)
			RCU_INIT_POINTER(new->masks[n++], m);
	}
	RCU_INIT_POINTER(new->masks[n], mask);
	new->front_first = old->front_first;
	ovs_mask_array_publish(tbl, new);
	WRITE_ONCE(tbl->n_masks, tbl->n_masks + 1);
	return mask;

err_free_mask:
	ovs_mask_free(mask);
	return NULL;
}

/*
 * Take @mask out of the probe order.  Without memory for a compacted
 * array, its slot is emptied in place (readers skip NULL slots; the next
 * array replacement compacts).  @compact false always does the latter.
 */
static void ovs_mask_unlink(struct ovs_flow_table *tbl,
			    struct ovs_flow_mask *mask, bool compact)
{
	struct ovs_mask_array *old = ovs_tbl_deref(tbl->masks);
	struct ovs_mask_array *new = NULL;
	u32 i, n = 0;

	if (compact)
		new = ovs_mask_array_alloc(tbl->n_masks - 1);
	for (i = 0; i < old->count; i++) {
		struct ovs_flow_mask *m = ovs_tbl_deref(old->masks[i]);

		if (m == mask && !new)
			RCU_INIT_POINTER(old->masks[i], NULL);
		else if (m && m != mask && new)
			RCU_INIT_POINTER(new->masks[n++], m);
	}
	if (new) {
		new->front_first = old->front_first;
		ovs_mask_array_publish(tbl, new);
	}
	WRITE_ONCE(tbl->n_masks, tbl->n_masks - 1);
}

/* Drop @flow's reference on its mask.  The last flow of a mask takes the
 * mask with it: it leaves the probe order now and is freed with the flow,
 * so that flow->mask stays valid for as long as the flow does.
 */
static void ovs_mask_put(struct ovs_flow_table *tbl, struct ovs_flow *flow,
			 bool compact)
{
	struct ovs_flow_mask *mask = flow->mask;

	if (--mask->ref_count)
		return;
	ovs_mask_unlink(tbl, mask, compact);
	flow->mask_owned = 1;
}

/* ---- the mask cache ----------------------------------------------- */

static void ovs_mask_cache_free(struct ovs_mask_cache *mc)
{
	if (!mc)
		return;
	free_percpu(mc->entries);
	kfree(mc);
}

static void ovs_mask_cache_free_cb(struct rcu_head *rcu)
{
	ovs_mask_cache_free(container_of(rcu, struct ovs_mask_cache, rcu));
}

static bool ovs_cache_size_valid(u32 size)
{
	return !size || (is_power_of_2(size) &&
			 size <= OVS_FLOW_TABLE_MAX_CACHE);
}

int ovs_flow_table_set_cache_size(struct ovs_flow_table *tbl, u32 size)
{
	struct ovs_mask_cache *new = NULL;
	struct ovs_mask_cache *old;

	if (!ovs_cache_size_valid(size))
		return -EINVAL;
	if (size == tbl->cache_size)
		return 0;

	if (size) {
		new = kzalloc(sizeof(*new), GFP_KERNEL);
		if (!new)
			return -ENOMEM;
		new->size = size;
		new->entries = __alloc_percpu(array_size(sizeof(*new->entries),
							 size),
					      __alignof__(*new->entries));
		if (!new->entries) {
			kfree(new);
			return -ENOMEM;
		}
	}

	old = ovs_tbl_deref(tbl->cache);
	rcu_assign_pointer(tbl->cache, new);
	WRITE_ONCE(tbl->cache_size, size);
	if (old)
		call_rcu(&old->rcu, ovs_mask_cache_free_cb);
	return 0;
}

/* ---- table lifetime ------------------------------------------------- */

int ovs_flow_table_init(struct ovs_flow_table *tbl, u32 cache_size)
{
	struct ovs_flow_index *flows, *ufids;
	struct ovs_mask_array *masks;
	int err = -EINVAL;

	memset(tbl, 0, sizeof(*tbl));
	if (!ovs_cache_size_valid(cache_size))
		return err;

	err = -ENOMEM;
	flows = ovs_index_alloc(OVS_FLOW_TABLE_MIN_BUCKETS, 0, true);
	if (!flows)
		return err;
	memset(flows->hints, 0, ovs_index_n_hints(flows));
	ufids = ovs_index_alloc(OVS_FLOW_TABLE_MIN_BUCKETS, 0, false);
	if (!ufids)
		goto err_free_flows;
	masks = ovs_mask_array_alloc(0);
	if (!masks)
		goto err_free_ufids;
	tbl->wasted_probes = alloc_percpu(unsigned long);
	if (!tbl->wasted_probes)
		goto err_free_masks;

	RCU_INIT_POINTER(tbl->flows, flows);
	RCU_INIT_POINTER(tbl->ufids, ufids);
	RCU_INIT_POINTER(tbl->masks, masks);
	tbl->hash_seed = get_random_u32();
	tbl->flows_retired = get_completed_synchronize_rcu();
	tbl->ufids_retired = tbl->flows_retired;

	err = ovs_flow_table_set_cache_size(tbl, cache_size);
	if (err)
		goto err_free_wasted;
	return 0;

err_free_wasted:
	free_percpu(tbl->wasted_probes);
err_free_masks:
	kfree(masks);
err_free_ufids:
	ovs_index_free(ufids);
err_free_flows:
	ovs_index_free(flows);
	RCU_INIT_POINTER(tbl->flows, NULL);
	return err;
}

void ovs_flow_table_destroy(struct ovs_flow_table *tbl)
{
	struct ovs_flow_index *ti = ovs_tbl_deref(tbl->flows);
	struct ovs_mask_array *ma;
	u32 i;

	if (!ti)	/* init failed */
		return;

	/* Flows in the table never own their mask: masks go below. */
	for (i = 0; i < ti->n_buckets; i++) {
		struct hlist_node *tmp;
		struct ovs_flow *flow;

		hlist_for_each_entry_safe(flow, tmp, &ti->buckets[i],
					  key_node[ti->ver])
			ovs_flow_free(flow);
	}
	ovs_index_free(ti);
	ovs_index_free(ovs_tbl_deref(tbl->ufids));

	ma = ovs_tbl_deref(tbl->masks);
	for (i = 0; i < ma->count; i++) {
		struct ovs_flow_mask *mask = ovs_tbl_deref(ma->masks[i]);

		if (mask)
			ovs_mask_free(mask);
	}
	kfree(ma);
	ovs_mask_cache_free(ovs_tbl_deref(tbl->cache));
	free_percpu(tbl->wasted_probes);
	memset(tbl, 0, sizeof(*tbl));
}

/* ---- writers ------------------------------------------------------ */

/* Mask the words a new flow stores, which cover exactly @mask's range. */
static void ovs_flow_key_mask(struct ovs_flow *flow,
			      const struct ovs_flow_mask *mask)
{
	unsigned int start = mask->range.start / sizeof(long);
	unsigned int n = mask->range.end / sizeof(long) - start;
	const unsigned long *m = (const unsigned long *)&mask->key + start;
	unsigned int i;

	for (i = 0; i < n; i++)
		flow->key[i] &= m[i];
}

int ovs_flow_table_insert(struct ovs_flow_table *tbl, struct ovs_flow *flow,
			  const struct ovs_key *mask_key,
			  struct ovs_key_range range)
{
	struct ovs_flow_index *ti;
	struct ovs_flow_mask *mask;

	/* The flow was sized for its mask's range. */
	if (!ovs_key_range_valid(range) || range.start != flow->range.start ||
	    range.end != flow->range.end)
		return -EINVAL;

	mask = ovs_mask_find(tbl, mask_key, range);
	if (!mask) {
		mask = ovs_mask_create(tbl, mask_key, range);
		if (!mask)
			return -ENOMEM;
	}
	mask->ref_count++;
	flow->mask = mask;
	flow->mask_owned = 0;
	ovs_flow_key_mask(flow, mask);
	flow->key_hash = ovs_words_hash_masked(flow->key, mask, tbl->hash_seed);

	/* Everything a reader checks is set before the flow is linked. */
	ovs_index_grow(tbl, false, tbl->count + 1, true);
	ti = ovs_tbl_deref(tbl->flows);
	hlist_add_head_rcu(&flow->key_node[ti->ver],
			   ovs_index_bucket(ti, flow->key_hash));
	WRITE_ONCE(tbl->count, tbl->count + 1);

	if (flow->ufid_len) {
		flow->ufid_hash = ovs_ufid_hash(tbl, flow->id.ufid,
						flow->ufid_len);
		ovs_index_grow(tbl, true, tbl->ufid_count + 1, true);
		ti = ovs_tbl_deref(tbl->ufids);
		hlist_add_head_rcu(&flow->ufid_node[ti->ver],
				   ovs_index_bucket(ti, flow->ufid_hash));
		tbl->ufid_count++;
	}
	return 0;
}

/* Unlink @flow from both indexes and drop its mask reference. */
static void ovs_flow_unlink(struct ovs_flow_table *tbl, struct ovs_flow *flow,
			    bool compact)
{
	struct ovs_flow_index *ti = ovs_tbl_deref(tbl->flows);

	hlist_del_rcu(&flow->key_node[ti->ver]);
	WRITE_ONCE(tbl->count, tbl->count - 1);
	if (flow->ufid_len) {
		ti = ovs_tbl_deref(tbl->ufids);
		hlist_del_rcu(&flow->ufid_node[ti->ver]);
		tbl->ufid_count--;
	}
	ovs_mask_put(tbl, flow, compact);
}

void ovs_flow_table_remove(struct ovs_flow_table *tbl, struct ovs_flow *flow)
{
	ovs_flow_unlink(tbl, flow, true);
	ovs_index_shrink(tbl, false, tbl->count);
	ovs_index_shrink(tbl, true, tbl->ufid_count);
}

void ovs_flow_table_flush(struct ovs_flow_table *tbl)
{
	struct ovs_flow_index *ti = ovs_tbl_deref(tbl->flows);
	struct ovs_mask_array *empty;
	u32 i;

	/* Masks are emptied in place here rather than by building one
	 * array per mask, then dropped all at once below.
	 */
	for (i = 0; i < ti->n_buckets; i++) {
		struct hlist_node *tmp;
		struct ovs_flow *flow;

		hlist_for_each_entry_safe(flow, tmp, &ti->buckets[i],
					  key_node[ti->ver]) {
			ovs_flow_unlink(tbl, flow, false);
			ovs_flow_free_rcu(flow);
		}
		/* As in a rebuild: readers already see the table half
		 * flushed from other CPUs, and writers wait for the mutex.
		 */
		if (i % OVS_INDEX_RESCHED_BUCKETS == OVS_INDEX_RESCHED_BUCKETS - 1)
			cond_resched();
	}

	empty = ovs_mask_array_alloc(0);
	if (empty)
		ovs_mask_array_publish(tbl, empty);
	/* Both indexes are empty now, so shrinking them cannot wait. */
	if (ti->n_buckets > OVS_FLOW_TABLE_MIN_BUCKETS)
		ovs_index_rebuild(tbl, false, OVS_FLOW_TABLE_MIN_BUCKETS, false);
	ti = ovs_tbl_deref(tbl->ufids);
	if (ti->n_buckets > OVS_FLOW_TABLE_MIN_BUCKETS)
		ovs_index_rebuild(tbl, true, OVS_FLOW_TABLE_MIN_BUCKETS, false);
}

/* ---- rebalancing -------------------------------------------------- */

struct ovs_mask_rank {
	struct ovs_flow_mask *mask;
	unsigned long hits;		/* since the last rebalance */
	u32 pos;			/* in the current order */
};

static int ovs_mask_rank_cmp(const void *a, const void *b)
{
	const struct ovs_mask_rank *ra = a, *rb = b;

	if (ra->hits != rb->hits)
		return ra->hits > rb->hits ? -1 : 1;
	/* Equal counts keep their order: no needless churn. */
	return ra->pos < rb->pos ? -1 : ra->pos > rb->pos;
}

static unsigned long ovs_percpu_sum(unsigned long __percpu *counter)
{
	unsigned long sum = 0;
	int cpu;

	for_each_possible_cpu(cpu)
		sum += READ_ONCE(*per_cpu_ptr(counter, cpu));
	return sum;
}

/* Whether the mask in front took most of @hits; no hits, no news. */
static bool ovs_front_first(const struct ovs_mask_rank *front, u64 hits,
			    bool was)
{
	return hits ? front->hits > hits / 2 : was;
}

/*
 * Sort the masks by hits since the last re-order and publish that order.
 * @early (between periodic rebalances): only if it cuts the probes those
 * hits cost (sum of hits x position) by at least a quarter.
 */
static void ovs_masks_sort(struct ovs_flow_table *tbl, bool early)
{
	struct ovs_mask_array *ma = ovs_tbl_deref(tbl->masks);
	struct ovs_mask_array *new;
	struct ovs_mask_rank *rank;
	bool moved = ma->count != tbl->n_masks;	/* holes to compact */
	u64 cost_before = 0, cost_after = 0, hits = 0;
	u32 i, n = 0;

	/* Counters wrap; differences are right modulo 2^BITS. */
	tbl->wasted_seen = ovs_percpu_sum(tbl->wasted_probes);
	if (!tbl->n_masks)
		return;
	rank = kmalloc_array(tbl->n_masks, sizeof(*rank), GFP_KERNEL);
	if (!rank)
		return;
	for (i = 0; i < ma->count; i++) {
		struct ovs_flow_mask *mask = ovs_tbl_deref(ma->masks[i]);
		unsigned long total;

		if (!mask)
			continue;
		total = ovs_percpu_sum(mask->hits);
		rank[n].mask = mask;
		rank[n].hits = total - mask->hits_seen;
		rank[n].pos = n;
		mask->hits_seen = total;
		cost_before += (u64)rank[n].hits * i;
		hits += rank[n].hits;
		n++;
	}
	sort(rank, n, sizeof(*rank), ovs_mask_rank_cmp, NULL);
	for (i = 0; i < n; i++) {
		moved |= rank[i].pos != i;
		cost_after += (u64)rank[i].hits * i;
	}
	if (!moved || (early && cost_after > cost_before - cost_before / 4))
		goto keep;

	new = ovs_mask_array_alloc(n);
	if (!new)
		goto keep;
	for (i = 0; i < n; i++)
		RCU_INIT_POINTER(new->masks[i], rank[i].mask);
	new->front_first = ovs_front_first(&rank[0], hits, ma->front_first);
	ovs_mask_array_publish(tbl, new);
	goto out;
keep:
	/* The order stands: judge the mask that stays in front. */
	for (i = 0; i < n && rank[i].pos; i++)
		;
	if (i < n)
		WRITE_ONCE(ma->front_first,
			   ovs_front_first(&rank[i], hits, ma->front_first));
out:
	kfree(rank);
}

void ovs_flow_table_masks_rebalance(struct ovs_flow_table *tbl)
{
	/* Growth put off by the last burst of inserts, if none came since. */
	ovs_index_grow(tbl, false, tbl->count, false);
	ovs_index_grow(tbl, true, tbl->ufid_count, false);
	ovs_masks_sort(tbl, false);
}

bool ovs_flow_table_masks_reorder_due(const struct ovs_flow_table *tbl)
{
	return ovs_percpu_sum(tbl->wasted_probes) - tbl->wasted_seen >=
	       OVS_MASKS_REORDER_WASTE;
}

void ovs_flow_table_masks_reorder(struct ovs_flow_table *tbl)
{
	ovs_masks_sort(tbl, true);
}

/* ---- readers ------------------------------------------------------ */

/* Credit probes spent in vain before a match on the packet path. */
static __always_inline void ovs_count_waste(const struct ovs_flow_table *tbl,
					    u32 n_mask_hit)
{
	if (n_mask_hit > 1)
		this_cpu_add(*tbl->wasted_probes, n_mask_hit - 1);
}

/*
 * Probe the masks of @ma in order from index @first, skipping indexes
 * @skip and @skip2 (already tried through a cache or a hint).  Counts
 * probes in *n_mask_hit; on a match, stores the mask's index in *index
 * and, for the packet path (@count_hits), credits the mask with a hit.
 */
static __always_inline struct ovs_flow *
ovs_masks_walk(const struct ovs_flow_table *tbl,
	       const struct ovs_flow_index *ti, const struct ovs_mask_array *ma,
	       const struct ovs_key *key, u32 first, u32 skip, u32 skip2,
	       u32 *n_mask_hit, u32 *index, bool count_hits)
{
	u32 seed = tbl->hash_seed;
	u32 i;

	for (i = first; i < ma->count; i++) {
		struct ovs_flow_mask *mask;
		struct ovs_flow *flow;

		mask = rcu_dereference_check(ma->masks[i], 1);
		if (unlikely(!mask) || i == skip || i == skip2)
			continue;
		(*n_mask_hit)++;
		flow = ovs_index_find(ti, key, mask, seed, !count_hits);
		if (flow) {
			if (count_hits) {
				this_cpu_inc(*mask->hits);
				ovs_count_waste(tbl, *n_mask_hit);
			}
			*index = i;
			return flow;
		}
	}
	return NULL;
}

/*
 * Packet path: probe mask index @i of @ma, which a cache or a hint named.
 * The index may be stale (masks removed or re-ordered since): NULL if it
 * is out of range, empty, or no flow under it matches.
 */
static __always_inline struct ovs_flow *
ovs_mask_probe(const struct ovs_flow_table *tbl,
	       const struct ovs_flow_index *ti, const struct ovs_mask_array *ma,
	       const struct ovs_key *key, u32 i, u32 *n_mask_hit)
{
	struct ovs_flow_mask *mask;
	struct ovs_flow *flow;

	if (i >= ma->count)
		return NULL;
	mask = rcu_dereference(ma->masks[i]);
	if (unlikely(!mask))
		return NULL;
	(*n_mask_hit)++;
	flow = ovs_index_find(ti, key, mask, tbl->hash_seed, false);
	if (flow) {
		this_cpu_inc(*mask->hits);
		ovs_count_waste(tbl, *n_mask_hit);
	}
	return flow;
}

/*
 * The class hint slot of @key under @ma, or NULL when hints are off: no
 * bits in common, or a single mask, which needs no guess.
 */
static __always_inline u8 *ovs_class_hint(const struct ovs_flow_table *tbl,
					  const struct ovs_flow_index *ti,
					  const struct ovs_mask_array *ma,
					  const struct ovs_key *key)
{
	u32 hash;

	if (ma->count < 2 || !ma->common.range.end)
		return NULL;
	hash = ovs_key_hash_masked(key, &ma->common, tbl->hash_seed);
	return &ti->hints[hash & (ovs_index_n_hints(ti) - 1)];
}

/*
 * Packet path past the per-packet cache: the front mask if it takes most
 * packets, else (or then) the mask the key's class matched last, then
 * every other mask in order, skipping @skip (tried already).  On a match,
 * *index is the mask's index, and the class remembers it.
 */
static __always_inline struct ovs_flow *
ovs_lookup_hinted(const struct ovs_flow_table *tbl,
		  const struct ovs_flow_index *ti,
		  const struct ovs_mask_array *ma, const struct ovs_key *key,
		  u32 skip, u32 *n_mask_hit, u32 *index)
{
	u32 first = 0, hint = U32_MAX;
	struct ovs_flow *flow;
	u8 *slot;

	if (READ_ONCE(ma->front_first) && skip) {
		flow = ovs_mask_probe(tbl, ti, ma, key, 0, n_mask_hit);
		if (flow) {
			*index = 0;
			return flow;
		}
		first = 1;
	}

	slot = ovs_class_hint(tbl, ti, ma, key);
	if (slot) {
		hint = (u32)READ_ONCE(*slot) - 1;	/* 0: none, U32_MAX */
		if (hint != skip && hint >= first) {
			flow = ovs_mask_probe(tbl, ti, ma, key, hint,
					      n_mask_hit);
			if (flow) {
				*index = hint;
				return flow;
			}
		}
	}

	flow = ovs_masks_walk(tbl, ti, ma, key, first, skip, hint, n_mask_hit,
			      index, true);
	if (flow && slot && *index < OVS_CLASS_HINT_INDEXES)
		WRITE_ONCE(*slot, *index + 1);
	return flow;
}

/*
 * The cache said this packet hash matched mask index e->mask_index last
 * time.  Try that mask, and fall back to the class hint and the walk if
 * it does not match.
 */
static struct ovs_flow *
ovs_lookup_cached(const struct ovs_flow_table *tbl,
		  const struct ovs_flow_index *ti,
		  const struct ovs_mask_array *ma, const struct ovs_key *key,
		  struct ovs_mask_cache_entry *e, u32 *n_mask_hit,
		  u32 *n_cache_hit)
{
	u32 idx = e->mask_index;
	struct ovs_flow *flow;

	flow = ovs_mask_probe(tbl, ti, ma, key, idx, n_mask_hit);
	if (likely(flow)) {
		*n_cache_hit = 1;
		return flow;
	}

	flow = ovs_lookup_hinted(tbl, ti, ma, key, idx, n_mask_hit, &idx);
	if (flow)
		e->mask_index = idx;
	else
		e->skb_hash = 0;
	return flow;
}

struct ovs_flow *ovs_flow_table_lookup(struct ovs_flow_table *tbl,
				       const struct ovs_key *key,
				       u32 skb_hash, u32 *n_mask_hit,
				       u32 *n_cache_hit)
{
	struct ovs_mask_cache *mc = rcu_dereference(tbl->cache);
	struct ovs_mask_array *ma = rcu_dereference(tbl->masks);
	struct ovs_flow_index *ti = rcu_dereference(tbl->flows);
	struct ovs_mask_cache_entry *entries, *victim = NULL, *evict = NULL;
	struct ovs_flow *flow;
	u32 idx, h, probe;

	*n_mask_hit = 0;
	*n_cache_hit = 0;
	/* A cache size of 0 turns off every guess, the class hints too. */
	if (!mc)
		return ovs_masks_walk(tbl, ti, ma, key, 0, U32_MAX, U32_MAX,
				      n_mask_hit, &idx, true);
	if (!skb_hash)
		return ovs_lookup_hinted(tbl, ti, ma, key, U32_MAX, n_mask_hit,
					 &idx);

	/* A recirculated packet keeps its hash but goes through other
	 * masks: give each recirculation pass its own cache entries.
	 */
	if (key->recirc_id)
		skb_hash = jhash_1word(skb_hash, key->recirc_id);
	if (unlikely(!skb_hash))
		skb_hash = 1;		/* 0 marks an empty entry */

	entries = this_cpu_ptr(mc->entries);
	h = skb_hash;
	for (probe = 0; probe < OVS_MC_PROBES; probe++) {
		struct ovs_mask_cache_entry *e = &entries[h & (mc->size - 1)];

		if (e->skb_hash == skb_hash)
			return ovs_lookup_cached(tbl, ti, ma, key, e,
						 n_mask_hit, n_cache_hit);
		if (!victim && !e->skb_hash)
			victim = e;
		/* When all probes are taken, the top bits of the hash pick
		 * which one to replace, so collisions evict evenly.
		 */
		if (probe == skb_hash >> 30)
			evict = e;
		h >>= OVS_MC_PROBE_SHIFT;
	}

	flow = ovs_lookup_hinted(tbl, ti, ma, key, U32_MAX, n_mask_hit, &idx);
	if (flow) {
		if (!victim)
			victim = evict;
		victim->skb_hash = skb_hash;
		victim->mask_index = idx;
	}
	return flow;
}

struct ovs_flow *ovs_flow_table_match(struct ovs_flow_table *tbl,
				      const struct ovs_key *key)
{
	struct ovs_mask_array *ma = ovs_tbl_deref_any(tbl->masks);
	struct ovs_flow_index *ti = ovs_tbl_deref_any(tbl->flows);
	u32 n_mask_hit = 0, idx;

	return ovs_masks_walk(tbl, ti, ma, key, 0, U32_MAX, U32_MAX, &n_mask_hit,
			      &idx, false);
}

struct ovs_flow *ovs_flow_table_lookup_exact(struct ovs_flow_table *tbl,
					     const struct ovs_key *key,
					     const struct ovs_key *mask,
					     struct ovs_key_range range)
{
	struct ovs_flow_index *ti = ovs_tbl_deref_any(tbl->flows);
	struct ovs_flow_mask *m;

	if (!ovs_key_range_valid(range))
		return NULL;
	m = ovs_mask_find(tbl, mask, range);
	if (!m)
		return NULL;
	return ovs_index_find(ti, key, m, tbl->hash_seed, true);
}

struct ovs_flow *ovs_flow_table_lookup_unmasked(struct ovs_flow_table *tbl,
						const struct ovs_key *key)
{
	struct ovs_mask_array *ma = ovs_tbl_deref_any(tbl->masks);
	struct ovs_flow_index *ti = ovs_tbl_deref_any(tbl->flows);
	u32 i;

	for (i = 0; i < ma->count; i++) {
		struct ovs_flow_mask *mask = ovs_tbl_deref_any(ma->masks[i]);
		struct ovs_flow *flow;

		if (!mask)
			continue;
		flow = ovs_index_find(ti, key, mask, tbl->hash_seed, true);
		if (flow && !flow->ufid_len &&
		    !memcmp(flow->id.unmasked_key, key, sizeof(*key)))
			return flow;
	}
	return NULL;
}

struct ovs_flow *ovs_flow_table_lookup_ufid(struct ovs_flow_table *tbl,
					    const void *ufid, size_t len)
{
	struct ovs_flow_index *ti = ovs_tbl_deref_any(tbl->ufids);
	struct ovs_flow *flow;
	u8 ver = ti->ver;
	u32 hash;

	if (!len || len > OVS_FLOW_UFID_MAX)
		return NULL;
	hash = ovs_ufid_hash(tbl, ufid, len);
	hlist_for_each_entry_rcu(flow, ovs_index_bucket(ti, hash),
				 ufid_node[ver], true) {
		if (flow->ufid_len == len && !memcmp(flow->id.ufid, ufid, len))
			return flow;
	}
	return NULL;
}

struct ovs_flow *ovs_flow_table_dump_next(struct ovs_flow_table *tbl,
					  struct ovs_flow_cursor *cur)
{
	struct ovs_flow_index *ti = ovs_tbl_deref_any(tbl->flows);
	u8 ver = ti->ver;

	for (; cur->bucket < ti->n_buckets; cur->bucket++, cur->index = 0) {
		struct ovs_flow *flow;
		u32 i = 0;

		hlist_for_each_entry_rcu(flow, &ti->buckets[cur->bucket],
					 key_node[ver], true) {
			if (i++ == cur->index) {
				cur->index++;
				return flow;
			}
		}
	}
	return NULL;
}

u32 ovs_flow_table_n_buckets(struct ovs_flow_table *tbl, bool ufid)
{
	return ovs_tbl_deref_any(*ovs_index_slot(tbl, ufid))->n_buckets;
}
