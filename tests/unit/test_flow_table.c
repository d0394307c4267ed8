// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of the megaflow table (datapath/flow_table.c) and of flow
 * objects (datapath/flow.c), run under ASan/UBSan with leak detection.
 *
 * RCU callbacks only run when a test calls shim_rcu_barrier(), so a flow,
 * mask or bucket array freed too early shows up as a use-after-free on the
 * next lookup, and one never freed as a leak at exit.
 *
 * Flows are built so that each packet can match at most one of them:
 * every mask matches in_port exactly, and the flows of mask j all have
 * in_port j.  The expected result of any lookup is thus known exactly.
 */
#include "portable_env.h"
#include "flow_table.h"
#include "unit_check.h"

/* ---- building keys, masks and flows -------------------------------- */

/* Mask j: in_port exact, eth type exact, an IPv4 source prefix of
 * (j % 33) bits, and (j / 33) in the TCP destination port mask bits.
 */
static void make_mask(struct ovs_key *m, unsigned int j)
{
	unsigned int plen = j % 33;

	memset(m, 0, sizeof(*m));
	m->in_port = 0xffffffff;
	m->eth.type = 0xffff;
	m->ipv4.addr.src = plen ? htonl(~0U << (32 - plen)) : 0;
	m->tp.dst = htons(j / 33);
	m->ip.proto = 0xff;
}

static struct ovs_key_range mask_range(const struct ovs_key *m)
{
	return ovs_key_mask_range(m);
}

/* Packet key number i for mask j; all its fields are set, including ones
 * the mask ignores.
 */
static void make_key(struct ovs_key *k, unsigned int j, unsigned int i)
{
	memset(k, 0, sizeof(*k));
	k->in_port = j;
	k->eth.type = htons(ETH_P_IP);
	k->ip.proto = IPPROTO_TCP;
	k->ip.ttl = 64;
	k->ipv4.addr.src = htonl(i << (32 - 24) | 0x5a);
	k->ipv4.addr.dst = htonl(0x0a000001 + i);
	k->tp.src = htons(1000 + i);
	k->tp.dst = htons(0xffff);
	k->eth.src[5] = (u8)i;
}

/* Masks with a source prefix shorter than 8 bits cannot tell apart keys
 * that differ in i only; tests that need distinct flows per key use masks
 * with a prefix length of at least 24.
 */
static unsigned int distinct_mask(unsigned int n)
{
	return 24 + (n % 9) + 33 * (n / 9);
}

static const struct ovs_key_range FULL_RANGE = { 0, sizeof(struct ovs_key) };

/* A flow for @key, sized for a mask of @range. */
static struct ovs_flow *new_flow(const struct ovs_key *key,
				 struct ovs_key_range range,
				 const void *ufid, size_t ufid_len)
{
	struct ovs_flow *flow = ovs_flow_alloc_key(key, range);

	if (IS_ERR(flow))
		abort();
	if (ufid_len) {
		if (ovs_flow_set_ufid(flow, ufid, ufid_len))
			abort();
	} else if (ovs_flow_set_unmasked_key(flow, key)) {
		abort();
	}
	return flow;
}

static struct ovs_flow *add_flow(struct ovs_flow_table *tbl, unsigned int j,
				 unsigned int i, const void *ufid,
				 size_t ufid_len)
{
	struct ovs_flow *flow;
	struct ovs_key key, mask;
	int err;

	make_key(&key, j, i);
	make_mask(&mask, j);
	flow = new_flow(&key, mask_range(&mask), ufid, ufid_len);
	err = ovs_flow_table_insert(tbl, flow, &mask, mask_range(&mask));
	if (err) {
		printf("insert failed: %d\n", err);
		abort();
	}
	return flow;
}

static struct ovs_flow *lookup(struct ovs_flow_table *tbl, unsigned int j,
			       unsigned int i, u32 skb_hash, u32 *n_mask_hit,
			       u32 *n_cache_hit)
{
	struct ovs_flow *flow;
	struct ovs_key key;
	u32 m, c;

	make_key(&key, j, i);
	rcu_read_lock();
	flow = ovs_flow_table_lookup(tbl, &key, skb_hash,
				     n_mask_hit ? n_mask_hit : &m,
				     n_cache_hit ? n_cache_hit : &c);
	rcu_read_unlock();
	return flow;
}

static void remove_flow(struct ovs_flow_table *tbl, struct ovs_flow *flow)
{
	ovs_flow_table_remove(tbl, flow);
	ovs_flow_free_rcu(flow);
}

/* A distinct UFID per n, in every prefix length from 4 bytes. */
static void make_ufid(u8 *ufid, unsigned int n)
{
	unsigned int b;

	for (b = 0; b < OVS_FLOW_UFID_MAX; b++)
		ufid[b] = (u8)(b * 37 + 11);
	memcpy(ufid, &n, sizeof(n));
}

/* ---- tests ------------------------------------------------------------ */

static void test_key_helpers(void)
{
	struct ovs_key m, k, out;
	struct ovs_key_range r;

	memset(&m, 0, sizeof(m));
	r = ovs_key_mask_range(&m);
	CHECK(r.start == 0 && r.end == 0);

	m.in_port = 0xffffffff;
	m.tp.dst = 0xffff;
	r = ovs_key_mask_range(&m);
	CHECK(r.start == OVS_KEY_WORD(in_port));
	CHECK(r.end == OVS_KEY_WORD(tp.dst) + sizeof(long));
	CHECK(ovs_key_range_valid(r));
	CHECK(!ovs_key_range_valid((struct ovs_key_range){ 8, 4 }));
	CHECK(!ovs_key_range_valid((struct ovs_key_range){ 3, 8 }));
	CHECK(!ovs_key_range_valid((struct ovs_key_range){ 0, sizeof(k) + 8 }));
	CHECK(ovs_key_range_valid((struct ovs_key_range){ 0, sizeof(k) }));

	make_key(&k, 7, 99);
	k.tun.tun_id = 12345;	/* outside the mask's range */
	ovs_key_mask_apply_range(&out, &k, &m, r);
	CHECK(out.in_port == 7 && out.tp.dst == k.tp.dst);
	CHECK(out.tun.tun_id == 0 && out.ip.ttl == 0 && out.tp.src == 0);
	/* In place, and idempotent. */
	ovs_key_mask_apply_range(&k, &k, &m, r);
	CHECK(!memcmp(&k, &out, sizeof(k)));
}

static void test_basic(void)
{
	struct ovs_flow_table tbl;
	struct ovs_flow *flow, *got;
	struct ovs_key key;
	u32 nm, nc;

	CHECK(ovs_flow_table_init(&tbl, OVS_FLOW_TABLE_DEFAULT_CACHE) == 0);
	CHECK(ovs_flow_table_count(&tbl) == 0);
	CHECK(ovs_flow_table_num_masks(&tbl) == 0);
	CHECK(ovs_flow_table_cache_size(&tbl) == OVS_FLOW_TABLE_DEFAULT_CACHE);
	CHECK(lookup(&tbl, 1, 1, 0, &nm, &nc) == NULL && nm == 0 && nc == 0);

	flow = add_flow(&tbl, 33 + 24, 5, NULL, 0);
	CHECK(ovs_flow_table_count(&tbl) == 1);
	CHECK(ovs_flow_table_num_masks(&tbl) == 1);
	/* The flow stores its mask's range of the key, masked in place on
	 * insert; expanded, the rest reads as zero.
	 */
	{
		struct ovs_key mask, whole;

		make_mask(&mask, 33 + 24);
		CHECK(flow->range.start == mask_range(&mask).start &&
		      flow->range.end == mask_range(&mask).end);
		CHECK(flow->range.end - flow->range.start <= 64);
		make_key(&key, 33 + 24, 5);
		ovs_key_mask_apply_range(&key, &key, &mask, mask_range(&mask));
		memset(&whole, 0xa5, sizeof(whole));
		ovs_flow_key_expand(flow, &whole);
		CHECK(!memcmp(&whole, &key, sizeof(key)));
		CHECK(whole.ip.ttl == 0 && whole.tp.src == 0);
		CHECK(whole.in_port == 33 + 24);
	}

	got = lookup(&tbl, 33 + 24, 5, 0, &nm, &nc);
	CHECK(got == flow && nm == 1 && nc == 0);
	/* Fields outside the mask do not matter... */
	make_key(&key, 33 + 24, 5);
	key.ip.ttl = 1;
	key.tp.src = htons(9);
	key.ipv4.addr.src ^= htonl(0xff);	/* beyond the /24 prefix */
	rcu_read_lock();
	got = ovs_flow_table_lookup(&tbl, &key, 0, &nm, &nc);
	rcu_read_unlock();
	CHECK(got == flow);
	/* ...those inside do. */
	key.ipv4.addr.src ^= htonl(0x100);
	rcu_read_lock();
	got = ovs_flow_table_lookup(&tbl, &key, 0, &nm, &nc);
	rcu_read_unlock();
	CHECK(got == NULL && nm == 1);
	CHECK(lookup(&tbl, 33 + 24, 6, 0, NULL, NULL) == NULL);
	CHECK(lookup(&tbl, 33 + 23, 5, 0, NULL, NULL) == NULL);
	CHECK(ovs_flow_table_match(&tbl, &key) == NULL);
	make_key(&key, 33 + 24, 5);
	CHECK(ovs_flow_table_match(&tbl, &key) == flow);

	/* A bad range is refused, and so is a range other than the one
	 * the flow was sized for; neither changes anything.
	 */
	{
		static const struct ovs_key_range bad_ranges[] = {
			{ 4, 16 }, { 16, 8 },
			{ 0, sizeof(struct ovs_key) + sizeof(long) },
		};
		struct ovs_key_range r;
		struct ovs_flow *bad;
		struct ovs_key mask;
		unsigned int i;

		for (i = 0; i < ARRAY_SIZE(bad_ranges); i++)
			CHECK(PTR_ERR(ovs_flow_alloc_key(&key, bad_ranges[i])) ==
			      -EINVAL);
		make_mask(&mask, 3);
		r = mask_range(&mask);
		r.start -= sizeof(long);
		bad = new_flow(&key, r, NULL, 0);
		CHECK(ovs_flow_table_insert(&tbl, bad, &mask,
					    mask_range(&mask)) == -EINVAL);
		CHECK(ovs_flow_table_insert(&tbl, bad, &mask,
					    (struct ovs_key_range){ 4, 16 }) ==
		      -EINVAL);
		CHECK(ovs_flow_table_count(&tbl) == 1);
		CHECK(ovs_flow_table_num_masks(&tbl) == 1);
		ovs_flow_free(bad);
	}

	remove_flow(&tbl, flow);
	CHECK(ovs_flow_table_count(&tbl) == 0);
	CHECK(ovs_flow_table_num_masks(&tbl) == 0);
	CHECK(lookup(&tbl, 33 + 24, 5, 0, &nm, NULL) == NULL && nm == 0);
	CHECK(lookup(&tbl, 33 + 24, 5, 77, &nm, NULL) == NULL && nm == 0);
	CHECK(shim_rcu_pending() > 0);	/* flow (and mask) free deferred */
	shim_rcu_barrier();
	CHECK(lookup(&tbl, 33 + 24, 5, 77, NULL, NULL) == NULL);
	ovs_flow_table_destroy(&tbl);
	shim_rcu_barrier();
}

static void test_many_masks(void)
{
	enum { MASKS = 40, PER = 30 };
	static struct ovs_flow *flows[MASKS][PER];
	struct ovs_flow_table tbl;
	unsigned int j, i, bad = 0, bad_nm = 0;
	u32 nm, nc;

	CHECK(ovs_flow_table_init(&tbl, 256) == 0);
	for (j = 0; j < MASKS; j++)
		for (i = 0; i < PER; i++)
			flows[j][i] = add_flow(&tbl, distinct_mask(j), i, NULL,
					       0);
	CHECK(ovs_flow_table_count(&tbl) == MASKS * PER);
	CHECK(ovs_flow_table_num_masks(&tbl) == MASKS);

	for (j = 0; j < MASKS; j++) {
		for (i = 0; i < PER; i++) {
			u32 hash = j * 1000 + i + 1;

			if (lookup(&tbl, distinct_mask(j), i, 0, &nm, &nc) !=
			    flows[j][i])
				bad++;
			/* Masks are probed in insertion order here, after
			 * the class hint of another flow sharing this one's
			 * slot, if any: that costs one probe, or saves all.
			 */
			if ((nm != j + 1 && nm != j + 2 && nm != 1) || nc)
				bad_nm++;
			if (lookup(&tbl, distinct_mask(j), i, hash, &nm,
				   &nc) != flows[j][i])
				bad++;
			if (lookup(&tbl, distinct_mask(j), i, hash, &nm,
				   &nc) != flows[j][i])
				bad++;
			if (nm != 1 || nc != 1)
				bad_nm++;
			if (lookup(&tbl, distinct_mask(j), i + PER, hash, &nm,
				   &nc))
				bad++;
		}
	}
	CHECK(bad == 0, "%u wrong lookups", bad);
	CHECK(bad_nm == 0, "%u wrong mask/cache hit counts", bad_nm);

	/* Remove every other mask entirely, and every third flow of the
	 * others; the rest must still be found, the removed ones not.
	 */
	for (j = 0; j < MASKS; j++)
		for (i = 0; i < PER; i++)
			if (j % 2 == 0 || i % 3 == 0) {
				remove_flow(&tbl, flows[j][i]);
				flows[j][i] = NULL;
			}
	CHECK(ovs_flow_table_num_masks(&tbl) == MASKS / 2);
	shim_rcu_barrier();
	bad = 0;
	for (j = 0; j < MASKS; j++)
		for (i = 0; i < PER; i++) {
			u32 hash = j * 1000 + i + 1;

			if (lookup(&tbl, distinct_mask(j), i, 0, NULL, NULL) !=
			    flows[j][i])
				bad++;
			/* Cached mask indexes are stale now. */
			if (lookup(&tbl, distinct_mask(j), i, hash, &nm,
				   &nc) != flows[j][i])
				bad++;
			if (nm > MASKS / 2)
				bad++;
		}
	CHECK(bad == 0, "%u wrong lookups after removals", bad);
	ovs_flow_table_destroy(&tbl);
	shim_rcu_barrier();
}

static void test_mask_sharing(void)
{
	struct ovs_flow_table tbl;
	struct ovs_flow *a, *b, *c, *d;
	struct ovs_key mask, key;
	struct ovs_key_range r;

	CHECK(ovs_flow_table_init(&tbl, 0) == 0);
	a = add_flow(&tbl, 30, 1, NULL, 0);
	b = add_flow(&tbl, 30, 2, NULL, 0);
	CHECK(a->mask == b->mask);
	CHECK(a->mask->ref_count == 2);
	CHECK(ovs_flow_table_num_masks(&tbl) == 1);

	/* Same mask bytes over a wider range: a different mask. */
	make_mask(&mask, 30);
	r = mask_range(&mask);
	r.end += sizeof(long);
	make_key(&key, 30, 3);
	c = new_flow(&key, r, NULL, 0);
	CHECK(ovs_flow_table_insert(&tbl, c, &mask, r) == 0);
	CHECK(c->mask != a->mask);
	CHECK(ovs_flow_table_num_masks(&tbl) == 2);

	/* Bytes outside the range do not make a mask different. */
	make_mask(&mask, 30);
	r = mask_range(&mask);
	mask.tun.tun_id = 0xff;
	make_key(&key, 30, 4);
	d = new_flow(&key, r, NULL, 0);
	CHECK(ovs_flow_table_insert(&tbl, d, &mask, r) == 0);
	CHECK(d->mask == a->mask && a->mask->ref_count == 3);
	CHECK(d->mask->key.tun.tun_id == 0);
	CHECK(lookup(&tbl, 30, 4, 0, NULL, NULL) == d);

	remove_flow(&tbl, a);
	CHECK(b->mask->ref_count == 2);
	CHECK(ovs_flow_table_num_masks(&tbl) == 2);
	shim_rcu_barrier();
	CHECK(lookup(&tbl, 30, 2, 0, NULL, NULL) == b);

	/* The last flow of a mask takes the mask out of the probe order
	 * but keeps it readable until the flow itself is freed.
	 */
	ovs_flow_table_remove(&tbl, b);
	CHECK(b->mask->ref_count == 1);
	ovs_flow_table_remove(&tbl, d);
	CHECK(ovs_flow_table_num_masks(&tbl) == 1);
	CHECK(d->mask->ref_count == 0 && d->mask_owned && !b->mask_owned);
	shim_rcu_barrier();
	CHECK(d->mask->range.start == r.start);	/* still allocated */
	CHECK(lookup(&tbl, 30, 2, 0, NULL, NULL) == NULL);
	CHECK(lookup(&tbl, 30, 3, 0, NULL, NULL) == c);
	ovs_flow_free_rcu(b);
	ovs_flow_free_rcu(d);
	shim_rcu_barrier();

	/* A new flow with that mask gets a new mask. */
	a = add_flow(&tbl, 30, 1, NULL, 0);
	CHECK(a->mask->ref_count == 1);
	CHECK(ovs_flow_table_num_masks(&tbl) == 2);
	CHECK(lookup(&tbl, 30, 1, 5, NULL, NULL) == a);
	ovs_flow_table_destroy(&tbl);
	shim_rcu_barrier();
}

/* Every flow inserted so far (and not removed) must be found. */
static unsigned int count_missing(struct ovs_flow_table *tbl,
				  struct ovs_flow **flows, unsigned int n,
				  unsigned int masks)
{
	unsigned int i, bad = 0;

	for (i = 0; i < n; i++)
		if (lookup(tbl, distinct_mask(i % masks), i / masks,
			   i * 2654435761u, NULL, NULL) != flows[i])
			bad++;
	return bad;
}

static void test_growth(void)
{
	enum { N = 6000, MASKS = 3 };
	static struct ovs_flow *flows[N];
	static u8 ufids[N][OVS_FLOW_UFID_MAX];
	struct ovs_flow_table tbl;
	unsigned int i, rebuilds = 0, shrinks = 0, bad = 0, bad_ufid = 0;
	unsigned long resched = shim_resched_calls;
	u32 buckets, ubuckets;

	CHECK(ovs_flow_table_init(&tbl, 64) == 0);
	buckets = ovs_flow_table_n_buckets(&tbl, false);
	ubuckets = ovs_flow_table_n_buckets(&tbl, true);
	CHECK(buckets == OVS_FLOW_TABLE_MIN_BUCKETS);
	for (i = 0; i < N; i++) {
		u32 nb;

		make_ufid(ufids[i], i);
		flows[i] = add_flow(&tbl, distinct_mask(i % MASKS), i / MASKS,
				    ufids[i], i % 2 ? OVS_FLOW_UFID_MAX : 0);
		/* The new flow and a sample of older ones, every time. */
		if (lookup(&tbl, distinct_mask(i % MASKS), i / MASKS, i + 1,
			   NULL, NULL) != flows[i])
			bad++;
		if (lookup(&tbl, distinct_mask((i / 2) % MASKS),
			   (i / 2) / MASKS, 0, NULL, NULL) != flows[i / 2])
			bad++;
		nb = ovs_flow_table_n_buckets(&tbl, false);
		if (nb != buckets) {
			/* Right after a rebuild, every flow is there. */
			rebuilds++;
			bad += count_missing(&tbl, flows, i + 1, MASKS);
			buckets = nb;
		}
		if (i % 1000 == 999)
			shim_rcu_barrier();
	}
	CHECK(bad == 0, "%u flows missing while growing", bad);
	CHECK(rebuilds >= 5, "only %u rebuilds", rebuilds);
	CHECK(buckets >= N / 2 && buckets <= 2 * N, "%u buckets", buckets);
	CHECK(ovs_flow_table_n_buckets(&tbl, true) > ubuckets);
	/* Relinking thousands of buckets offered to reschedule. */
	CHECK(shim_resched_calls > resched, "no cond_resched() in rebuilds");
	CHECK(ovs_flow_table_count(&tbl) == N);
	for (i = 0; i < N; i++)
		if (ovs_flow_table_lookup_ufid(&tbl, ufids[i],
					       OVS_FLOW_UFID_MAX) !=
		    (i % 2 ? flows[i] : NULL))
			bad_ufid++;
	CHECK(bad_ufid == 0, "%u UFID lookups wrong", bad_ufid);

	/* Shrink while removing; a shrink right after another rebuild is
	 * put off until the grace period has passed.
	 */
	bad = 0;
	for (i = N; i-- > 100;) {
		u32 nb;

		remove_flow(&tbl, flows[i]);
		flows[i] = NULL;
		nb = ovs_flow_table_n_buckets(&tbl, false);
		if (nb != buckets) {
			shrinks++;
			bad += count_missing(&tbl, flows, i, MASKS);
			buckets = nb;
		}
		if (i % 500 == 0)
			shim_rcu_barrier();
	}
	CHECK(bad == 0, "%u flows missing while shrinking", bad);
	CHECK(shrinks >= 3, "only %u shrinks", shrinks);
	CHECK(buckets < 1024, "%u buckets for 100 flows", buckets);
	CHECK(count_missing(&tbl, flows, 100, MASKS) == 0);
	CHECK(ovs_flow_table_count(&tbl) == 100);
	ovs_flow_table_destroy(&tbl);
	shim_rcu_barrier();
}

/*
 * A rebuilt index links every flow through the node the index before the
 * previous one used.  Readers may still walk that older index until a
 * grace period has passed since it was replaced, so a second rebuild
 * within that grace period is put off (growing, while the load stays at
 * most 4 flows per bucket; shrinking, always) or, growing past that load,
 * waits for it.
 */
static void test_rebuild_grace_periods(void)
{
	enum { N = 1100 };
	static struct ovs_flow *flows[N];
	struct ovs_flow_table tbl;
	unsigned long gp, pending;
	unsigned int i;
	u32 nb;

	CHECK(ovs_flow_table_init(&tbl, 0) == 0);
	for (i = 0; i < 65; i++)
		flows[i] = add_flow(&tbl, distinct_mask(0), i, NULL, 0);
	CHECK(ovs_flow_table_n_buckets(&tbl, false) == 128);

	/* The first rebuild after a grace period does not wait, and only
	 * queues the old bucket array for freeing.
	 */
	shim_rcu_barrier();
	gp = shim_rcu_gp_seq;
	for (; i < 129; i++)
		flows[i] = add_flow(&tbl, distinct_mask(0), i, NULL, 0);
	CHECK(ovs_flow_table_n_buckets(&tbl, false) == 256);
	CHECK(shim_rcu_gp_seq == gp);
	CHECK(shim_rcu_pending() == 1);

	/* The next one, in the same grace period, is put off up to 4 flows
	 * per bucket...
	 */
	for (; i < 4 * 256; i++)
		flows[i] = add_flow(&tbl, distinct_mask(0), i, NULL, 0);
	CHECK(ovs_flow_table_n_buckets(&tbl, false) == 256);
	CHECK(shim_rcu_gp_seq == gp);
	CHECK(count_missing(&tbl, flows, i, 1) == 0);

	/* ...and past that waits, then grows to the size the count needs. */
	flows[i] = add_flow(&tbl, distinct_mask(0), i, NULL, 0);
	i++;
	nb = ovs_flow_table_n_buckets(&tbl, false);
	CHECK(nb == 2048, "%u buckets", nb);
	CHECK(shim_rcu_gp_seq == gp + 1);

	/* Shrinking right after that is put off, not waited for... */
	pending = shim_rcu_pending();
	while (i-- > 100) {
		remove_flow(&tbl, flows[i]);
		flows[i] = NULL;
	}
	CHECK(ovs_flow_table_n_buckets(&tbl, false) == 2048);
	CHECK(shim_rcu_gp_seq == gp + 1);
	CHECK(shim_rcu_pending() == pending + 4 * 256 + 1 - 100);
	CHECK(count_missing(&tbl, flows, 100, 1) == 0);

	/* ...until the grace period has passed. */
	shim_rcu_barrier();
	remove_flow(&tbl, flows[99]);
	flows[99] = NULL;
	nb = ovs_flow_table_n_buckets(&tbl, false);
	CHECK(nb == 1024, "%u buckets", nb);
	CHECK(count_missing(&tbl, flows, 99, 1) == 0);

	/* A grace period later, growing again does not wait either. */
	shim_rcu_barrier();
	gp = shim_rcu_gp_seq;
	for (i = 99; i < 1025; i++)
		flows[i] = add_flow(&tbl, distinct_mask(0), i, NULL, 0);
	CHECK(ovs_flow_table_n_buckets(&tbl, false) == 2048);
	CHECK(shim_rcu_gp_seq == gp);
	CHECK(count_missing(&tbl, flows, i, 1) == 0);
	ovs_flow_table_destroy(&tbl);
	shim_rcu_barrier();
}

/* Growth put off by a burst is completed by the periodic rebalance when
 * no insert follows, once the grace period has passed, without waiting.
 */
static void test_grow_catch_up(void)
{
	enum { N = 500 };
	static struct ovs_flow *flows[N];
	static u8 ufids[N][OVS_FLOW_UFID_MAX];
	struct ovs_flow_table tbl;
	unsigned int i, bad = 0;
	unsigned long gp;

	CHECK(ovs_flow_table_init(&tbl, 0) == 0);
	for (i = 0; i < N; i++) {
		make_ufid(ufids[i], i);
		flows[i] = add_flow(&tbl, distinct_mask(0), i, ufids[i],
				    OVS_FLOW_UFID_MAX);
	}
	CHECK(ovs_flow_table_n_buckets(&tbl, false) == 128);
	CHECK(ovs_flow_table_n_buckets(&tbl, true) == 128);

	gp = shim_rcu_gp_seq;
	ovs_flow_table_masks_rebalance(&tbl);
	CHECK(ovs_flow_table_n_buckets(&tbl, false) == 128);
	CHECK(shim_rcu_gp_seq == gp);

	shim_rcu_barrier();
	gp = shim_rcu_gp_seq;
	ovs_flow_table_masks_rebalance(&tbl);
	CHECK(ovs_flow_table_n_buckets(&tbl, false) == 512);
	CHECK(ovs_flow_table_n_buckets(&tbl, true) == 512);
	CHECK(shim_rcu_gp_seq == gp);
	CHECK(count_missing(&tbl, flows, N, 1) == 0);
	for (i = 0; i < N; i++)
		bad += ovs_flow_table_lookup_ufid(&tbl, ufids[i],
						  OVS_FLOW_UFID_MAX) != flows[i];
	CHECK(bad == 0, "%u UFIDs not found", bad);
	ovs_flow_table_destroy(&tbl);
	shim_rcu_barrier();
}

static void test_ufid_and_identity(void)
{
	struct ovs_flow_table tbl;
	struct ovs_flow *u, *k, *f;
	u8 ufid[OVS_FLOW_UFID_MAX], other[OVS_FLOW_UFID_MAX];
	struct ovs_key key, mask;

	CHECK(ovs_flow_table_init(&tbl, 16) == 0);
	make_ufid(ufid, 1);
	make_ufid(other, 2);

	/* Identity setters refuse bad lengths and double identities. */
	make_key(&key, distinct_mask(4), 1);
	f = ovs_flow_alloc_key(&key, FULL_RANGE);
	CHECK(!IS_ERR(f));
	CHECK(ovs_flow_set_ufid(f, ufid, 0) == -EINVAL);
	CHECK(ovs_flow_set_ufid(f, ufid, 17) == -EINVAL);
	CHECK(ovs_flow_set_ufid(f, ufid, 8) == 0 && ovs_flow_has_ufid(f));
	CHECK(ovs_flow_set_unmasked_key(f, &key) == -EINVAL);
	ovs_flow_free(f);
	f = ovs_flow_alloc_key(&key, FULL_RANGE);
	CHECK(ovs_flow_set_unmasked_key(f, &key) == 0);
	CHECK(ovs_flow_set_ufid(f, ufid, 8) == -EINVAL);
	CHECK(!ovs_flow_has_ufid(f));
	ovs_flow_free(f);

	u = add_flow(&tbl, distinct_mask(4), 1, ufid, 12);
	k = add_flow(&tbl, distinct_mask(4), 2, NULL, 0);
	CHECK(ovs_flow_table_lookup_ufid(&tbl, ufid, 12) == u);
	CHECK(ovs_flow_table_lookup_ufid(&tbl, ufid, 11) == NULL);
	CHECK(ovs_flow_table_lookup_ufid(&tbl, ufid, 16) == NULL);
	CHECK(ovs_flow_table_lookup_ufid(&tbl, other, 12) == NULL);
	CHECK(ovs_flow_table_lookup_ufid(&tbl, ufid, 0) == NULL);

	/* By unmasked key: only flows identified by key, and only with the
	 * exact same key (not just the same masked key).
	 */
	make_key(&key, distinct_mask(4), 2);
	CHECK(ovs_flow_table_lookup_unmasked(&tbl, &key) == k);
	CHECK(k->id.unmasked_key->ip.ttl == 64);
	key.ip.ttl = 3;
	CHECK(ovs_flow_table_match(&tbl, &key) == k);
	CHECK(ovs_flow_table_lookup_unmasked(&tbl, &key) == NULL);
	make_key(&key, distinct_mask(4), 1);
	CHECK(ovs_flow_table_match(&tbl, &key) == u);
	CHECK(ovs_flow_table_lookup_unmasked(&tbl, &key) == NULL);

	/* Exact: same mask and masked key; other masks do not count. */
	make_mask(&mask, distinct_mask(4));
	key.ip.ttl = 9;		/* masked out */
	CHECK(ovs_flow_table_lookup_exact(&tbl, &key, &mask,
					  mask_range(&mask)) == u);
	make_mask(&mask, distinct_mask(5));
	CHECK(ovs_flow_table_lookup_exact(&tbl, &key, &mask,
					  mask_range(&mask)) == NULL);
	make_mask(&mask, distinct_mask(4));
	mask.ip.ttl = 0xff;
	CHECK(ovs_flow_table_lookup_exact(&tbl, &key, &mask,
					  mask_range(&mask)) == NULL);
	make_mask(&mask, distinct_mask(4));
	CHECK(ovs_flow_table_lookup_exact(&tbl, &key, &mask,
					  (struct ovs_key_range){ 0, 4 }) ==
	      NULL);

	remove_flow(&tbl, u);
	CHECK(ovs_flow_table_lookup_ufid(&tbl, ufid, 12) == NULL);
	remove_flow(&tbl, k);
	make_key(&key, distinct_mask(4), 2);
	CHECK(ovs_flow_table_lookup_unmasked(&tbl, &key) == NULL);
	ovs_flow_table_destroy(&tbl);
	shim_rcu_barrier();
}

/* Dump the table in calls of @per flows, as netlink dump callbacks do,
 * calling @between after each call.  Counts how often each flow came out.
 */
static unsigned int dump_all(struct ovs_flow_table *tbl,
			     struct ovs_flow **flows, unsigned int n,
			     unsigned int *seen, unsigned int per,
			     void (*between)(unsigned int call))
{
	struct ovs_flow_cursor cur = { 0, 0 };
	unsigned int total = 0, call = 0;
	bool done = false;

	memset(seen, 0, n * sizeof(*seen));
	while (!done) {
		unsigned int k;

		rcu_read_lock();
		for (k = 0; k < per; k++) {
			struct ovs_flow *flow = ovs_flow_table_dump_next(tbl,
									 &cur);
			unsigned int i;

			if (!flow) {
				done = true;
				break;
			}
			total++;
			for (i = 0; i < n; i++)
				if (flows[i] == flow)
					seen[i]++;
		}
		rcu_read_unlock();
		if (between && !done)
			between(call++);
	}
	return total;
}

static struct ovs_flow_table dump_tbl;
static struct ovs_flow *dump_flows[1200];
static unsigned int dump_n, dump_removed, dump_inserts;

static void dump_insert_some(unsigned int call)
{
	unsigned int k;

	for (k = 0; k < dump_inserts && dump_n < ARRAY_SIZE(dump_flows); k++, dump_n++)
		dump_flows[dump_n] = add_flow(&dump_tbl, distinct_mask(1),
					      dump_n, NULL, 0);
}

/* Remove flows from the end of the list (ones that persisted so far). */
static void dump_remove_some(unsigned int call)
{
	if (dump_n <= 200)
		return;
	dump_n--;
	remove_flow(&dump_tbl, dump_flows[dump_n]);
	dump_flows[dump_n] = NULL;
	dump_removed++;
	shim_rcu_barrier();	/* freed flows must not be returned */
}

static void test_dump(void)
{
	static unsigned int seen[ARRAY_SIZE(dump_flows)];
	unsigned int i, total, bad = 0, missed = 0;

	CHECK(ovs_flow_table_init(&dump_tbl, 0) == 0);
	for (dump_n = 0; dump_n < 300; dump_n++) {
		dump_flows[dump_n] = add_flow(&dump_tbl,
					      distinct_mask(dump_n % 4),
					      dump_n, NULL, 0);
		/* Grace periods pass, so the index grows as it fills. */
		if (dump_n % 64 == 63)
			shim_rcu_barrier();
	}
	/* Undisturbed: every flow exactly once, whatever the batch size. */
	total = dump_all(&dump_tbl, dump_flows, dump_n, seen, 7, NULL);
	for (i = 0; i < dump_n; i++)
		bad += seen[i] != 1;
	CHECK(total == dump_n && bad == 0, "total %u, bad %u", total, bad);
	total = dump_all(&dump_tbl, dump_flows, dump_n, seen, 1000, NULL);
	CHECK(total == dump_n);

	/* One insert per callback of 5 flows: about 75 inserts, so the
	 * index (512 buckets) is not rebuilt.  Flows present from the start
	 * all come out.
	 */
	CHECK(ovs_flow_table_n_buckets(&dump_tbl, false) == 512);
	dump_inserts = 1;
	dump_all(&dump_tbl, dump_flows, dump_n, seen, 5, dump_insert_some);
	CHECK(ovs_flow_table_n_buckets(&dump_tbl, false) == 512);
	CHECK(dump_n > 350);
	bad = 0;
	for (i = 0; i < 300; i++)
		bad += seen[i] == 0;
	CHECK(bad == 0, "%u flows missed with inserts", bad);

	/* With inserts crossing rebuilds, the dump still ends and returns
	 * only live flows.
	 */
	dump_inserts = 3;
	total = dump_all(&dump_tbl, dump_flows, dump_n, seen, 2,
			 dump_insert_some);
	CHECK(total > 0 && dump_n == ARRAY_SIZE(dump_flows));

	/* Removals between callbacks: each can hide at most one flow that
	 * stays (the one moving into its position).
	 */
	dump_removed = 0;
	dump_all(&dump_tbl, dump_flows, dump_n, seen, 9, dump_remove_some);
	for (i = 0; i < dump_n; i++)
		missed += seen[i] == 0;
	CHECK(missed <= dump_removed, "missed %u, removed %u", missed,
	      dump_removed);
	CHECK(dump_removed > 50);

	ovs_flow_table_destroy(&dump_tbl);
	shim_rcu_barrier();
}

static void test_mask_cache(void)
{
	enum { MASKS = 8 };
	struct ovs_flow *flows[MASKS];
	struct ovs_flow_table tbl;
	struct ovs_flow *got;
	unsigned int j;
	u32 nm, nc;

	CHECK(ovs_flow_table_init(&tbl, 3) == -EINVAL);
	CHECK(ovs_flow_table_init(&tbl, 8192) == -EINVAL);
	CHECK(ovs_flow_table_init(&tbl, 256) == 0);
	for (j = 0; j < MASKS; j++)
		flows[j] = add_flow(&tbl, distinct_mask(j), 1, NULL, 0);

	/* First lookup walks to the last mask; the next is served from the
	 * cache with one probe.
	 */
	got = lookup(&tbl, distinct_mask(7), 1, 0x1234, &nm, &nc);
	CHECK(got == flows[7] && nm == MASKS && nc == 0);
	got = lookup(&tbl, distinct_mask(7), 1, 0x1234, &nm, &nc);
	CHECK(got == flows[7] && nm == 1 && nc == 1);
	/* skb hash 0: no cache entry, but the class hint the first lookup
	 * left sends the packet to its mask at once.
	 */
	got = lookup(&tbl, distinct_mask(7), 1, 0, &nm, &nc);
	CHECK(got == flows[7] && nm == 1 && nc == 0);

	/* Entries are per CPU; class hints are shared. */
	shim_set_cpu(2);
	got = lookup(&tbl, distinct_mask(7), 1, 0x1234, &nm, &nc);
	CHECK(got == flows[7] && nm == 1 && nc == 0);
	got = lookup(&tbl, distinct_mask(7), 1, 0x1234, &nm, &nc);
	CHECK(got == flows[7] && nm == 1 && nc == 1);
	shim_set_cpu(0);

	/* Two hashes sharing their low byte (the first probe) both stay
	 * cached, through the other probes.
	 */
	lookup(&tbl, distinct_mask(6), 1, 0x00010005, &nm, &nc);
	lookup(&tbl, distinct_mask(5), 1, 0x00020005, &nm, &nc);
	got = lookup(&tbl, distinct_mask(6), 1, 0x00010005, &nm, &nc);
	CHECK(got == flows[6] && nm == 1 && nc == 1);
	got = lookup(&tbl, distinct_mask(5), 1, 0x00020005, &nm, &nc);
	CHECK(got == flows[5] && nm == 1 && nc == 1);

	/* A hash whose cached mask does not match this packet (same hash,
	 * other flow) falls back to the walk and re-points the entry.
	 */
	got = lookup(&tbl, distinct_mask(2), 1, 0x1234, &nm, &nc);
	CHECK(got == flows[2] && nc == 0 && nm == 1 + 3);
	got = lookup(&tbl, distinct_mask(2), 1, 0x1234, &nm, &nc);
	CHECK(got == flows[2] && nc == 1 && nm == 1);
	/* A miss drops the entry. */
	CHECK(lookup(&tbl, distinct_mask(2), 2, 0x1234, &nm, &nc) == NULL);
	CHECK(nm == MASKS && nc == 0);
	got = lookup(&tbl, distinct_mask(2), 1, 0x1234, &nm, &nc);
	CHECK(got == flows[2] && nc == 0);

	/* Stale indexes: remove mask 0, shifting every index down. */
	lookup(&tbl, distinct_mask(7), 1, 0x4321, &nm, &nc);
	remove_flow(&tbl, flows[0]);
	flows[0] = NULL;
	got = lookup(&tbl, distinct_mask(7), 1, 0x4321, &nm, &nc);
	CHECK(got == flows[7] && nc == 0, "nc %u", nc);
	got = lookup(&tbl, distinct_mask(7), 1, 0x4321, &nm, &nc);
	CHECK(got == flows[7] && nc == 1 && nm == 1);
	/* Mask 1 moved to index 0. */
	got = lookup(&tbl, distinct_mask(1), 1, 0x5555, &nm, &nc);
	CHECK(got == flows[1] && nm == 1 && nc == 0);
	shim_rcu_barrier();

	/* Resizing and disabling. */
	CHECK(ovs_flow_table_set_cache_size(&tbl, 100) == -EINVAL);
	CHECK(ovs_flow_table_set_cache_size(&tbl, OVS_FLOW_TABLE_MAX_CACHE * 2)
	      == -EINVAL);
	CHECK(ovs_flow_table_cache_size(&tbl) == 256);
	CHECK(ovs_flow_table_set_cache_size(&tbl, OVS_FLOW_TABLE_MAX_CACHE) ==
	      0);
	CHECK(ovs_flow_table_cache_size(&tbl) == OVS_FLOW_TABLE_MAX_CACHE);
	got = lookup(&tbl, distinct_mask(7), 1, 0x4321, &nm, &nc);
	CHECK(got == flows[7] && nc == 0);	/* new, empty cache */
	got = lookup(&tbl, distinct_mask(7), 1, 0x4321, &nm, &nc);
	CHECK(got == flows[7] && nc == 1);
	CHECK(ovs_flow_table_set_cache_size(&tbl, 1) == 0);
	got = lookup(&tbl, distinct_mask(7), 1, 0x4321, &nm, &nc);
	got = lookup(&tbl, distinct_mask(7), 1, 0x4321, &nm, &nc);
	CHECK(got == flows[7] && nc == 1);
	CHECK(ovs_flow_table_set_cache_size(&tbl, 0) == 0);
	CHECK(ovs_flow_table_cache_size(&tbl) == 0);
	got = lookup(&tbl, distinct_mask(7), 1, 0x4321, &nm, &nc);
	got = lookup(&tbl, distinct_mask(7), 1, 0x4321, &nm, &nc);
	CHECK(got == flows[7] && nc == 0 && nm == MASKS - 1);
	CHECK(ovs_flow_table_set_cache_size(&tbl, 0) == 0);
	CHECK(ovs_flow_table_set_cache_size(&tbl, 64) == 0);
	ovs_flow_table_destroy(&tbl);
	shim_rcu_barrier();
}

/*
 * One pass over the flows of test_class_hints() as new connections: a
 * fresh packet hash each, so the per-packet cache never helps.  Counts
 * wrong answers in *bad and lookups that probed a single mask in *one;
 * returns the masks probed in all.
 */
static unsigned int hints_pass(struct ovs_flow_table *tbl,
			       struct ovs_flow *flows[][16],
			       unsigned int masks, unsigned int *bad,
			       unsigned int *one)
{
	unsigned int j, i, probes = 0;
	u32 nm, nc;

	*bad = 0;
	*one = 0;
	for (j = 0; j < masks; j++)
		for (i = 0; i < 16; i++) {
			if (lookup(tbl, distinct_mask(j), i,
				   get_random_u32() | 1, &nm, &nc) !=
			    flows[j][i] || nc)
				(*bad)++;
			probes += nm;
			*one += nm == 1;
		}
	return probes;
}

/*
 * Flows 16..35 of masks @from..@to - 1 of test_class_hints(), beyond those
 * its passes look up: they come and go to make the index grow and shrink.
 * Returns once grace periods have let the index grow to 2048 buckets.
 */
static void hints_add_extra(struct ovs_flow_table *tbl,
			    struct ovs_flow *extra[][20], unsigned int from,
			    unsigned int to)
{
	unsigned int j, i;

	for (j = from; j < to; j++)
		for (i = 0; i < 20; i++)
			extra[j][i] = add_flow(tbl, distinct_mask(j), 16 + i,
					       NULL, 0);
	synchronize_rcu();
	ovs_flow_table_masks_rebalance(tbl);
	CHECK(ovs_flow_table_n_buckets(tbl, false) == 2048);
}

static void test_class_hints(void)
{
	enum { MASKS = 32, PER = 16, N = MASKS * PER, EXTRA = 20 };
	static struct ovs_flow *flows[MASKS][PER], *extra[MASKS][EXTRA];
	struct ovs_flow_table tbl;
	unsigned int j, i, bad, one, probes;
	struct ovs_key key, mask;
	struct ovs_flow *f1, *f2;
	u32 nm, nc;

	CHECK(ovs_flow_table_init(&tbl, 256) == 0);
	for (j = 0; j < MASKS; j++)
		for (i = 0; i < PER; i++)
			flows[j][i] = add_flow(&tbl, distinct_mask(j), i, NULL,
					       0);
	hints_add_extra(&tbl, extra, 0, MASKS);

	/* The masks share in_port, eth type, proto and 24 source bits: each
	 * flow is a class of its own.  The first packet of a class walks
	 * the masks in order (about MASKS / 2 probes); any later packet of
	 * the class, whatever its hash, probes its mask first, unless
	 * another class took its hint slot (classes are at most one in
	 * eight slots, so that is about one in nine).
	 */
	probes = hints_pass(&tbl, flows, MASKS, &bad, &one);
	CHECK(bad == 0 && probes > N * MASKS / 3, "bad %u probes %u", bad,
	      probes);
	hints_pass(&tbl, flows, MASKS, &bad, &one);
	CHECK(bad == 0 && one >= N - N / 5, "bad %u one %u", bad, one);

	for (j = 0; j < MASKS; j++)
		for (i = 0; i < EXTRA; i++)
			remove_flow(&tbl, extra[j][i]);
	shim_rcu_barrier();

	/* A re-order moves the busiest mask (the last) to the front and
	 * every other one back by one: the hints follow their masks.
	 */
	for (i = 0; i < 1000; i++)
		lookup(&tbl, distinct_mask(MASKS - 1), 0, 0x777, NULL, NULL);
	ovs_flow_table_masks_rebalance(&tbl);
	/* Without a cache there are no hints either: the walk shows the
	 * new order.  The hints outlive the cache's resizing.
	 */
	CHECK(ovs_flow_table_set_cache_size(&tbl, 0) == 0);
	CHECK(lookup(&tbl, distinct_mask(MASKS - 1), 1, 0, &nm, &nc) ==
	      flows[MASKS - 1][1] && nm == 1);
	CHECK(lookup(&tbl, distinct_mask(0), 1, 0, &nm, &nc) ==
	      flows[0][1] && nm == 2);
	CHECK(ovs_flow_table_set_cache_size(&tbl, 256) == 0);

	/* That mask took most packets: a packet the cache does not know
	 * tries it first, before its class's hint.  Once the packets spread
	 * evenly again, the hint comes first.
	 */
	CHECK(lookup(&tbl, distinct_mask(MASKS - 1), 2, 0x31, &nm, &nc) ==
	      flows[MASKS - 1][2] && nm == 1);
	CHECK(lookup(&tbl, distinct_mask(5), 2, 0x32, &nm, &nc) ==
	      flows[5][2] && nm == 2);
	hints_pass(&tbl, flows, MASKS, &bad, &one);
	ovs_flow_table_masks_rebalance(&tbl);
	CHECK(lookup(&tbl, distinct_mask(5), 2, 0x33, &nm, &nc) ==
	      flows[5][2] && nm == 1);
	hints_pass(&tbl, flows, MASKS, &bad, &one);
	CHECK(bad == 0 && one >= N - N / 5, "bad %u one %u", bad, one);

	/* Removing mask 0 shifts the masks behind it: still followed.  The
	 * index is down to under a quarter of its buckets, and halves: the
	 * hints fold with it.
	 */
	for (i = 0; i < PER; i++) {
		remove_flow(&tbl, flows[0][i]);
		flows[0][i] = NULL;
	}
	shim_rcu_barrier();
	CHECK(ovs_flow_table_num_masks(&tbl) == MASKS - 1);
	CHECK(ovs_flow_table_n_buckets(&tbl, false) == 1024);
	hints_pass(&tbl, flows, MASKS, &bad, &one);
	CHECK(bad == 0 && one >= N - N / 5, "bad %u one %u", bad, one);

	/* And they spread when it grows again. */
	hints_add_extra(&tbl, extra, 1, MASKS);
	hints_pass(&tbl, flows, MASKS, &bad, &one);
	CHECK(bad == 0 && one >= N - N / 5, "bad %u one %u", bad, one);

	/* A mask with no source bits narrows what all masks share: every
	 * class changes, the old hints are forgotten rather than trusted,
	 * and the new, coarser classes (one per in_port here) are learnt:
	 * the first packet of each walks (the mask at the front aside), the
	 * 15 others of its in_port then probe one mask.
	 */
	add_flow(&tbl, 200, 0, NULL, 0);
	CHECK(ovs_flow_table_num_masks(&tbl) == MASKS);
	hints_pass(&tbl, flows, MASKS, &bad, &one);
	CHECK(bad == 0 && one <= N - PER - (MASKS - 2) &&
	      one >= N - PER - (MASKS - 1) - N / 5, "bad %u one %u", bad,
	      one);
	hints_pass(&tbl, flows, MASKS, &bad, &one);
	CHECK(bad == 0 && one >= N - PER - N / 5, "bad %u one %u", bad,
	      one);
	ovs_flow_table_destroy(&tbl);
	shim_rcu_barrier();

	/* Masks with no bit in common leave no class: no hints, so every
	 * packet of the second mask's flow walks past the first mask.
	 */
	CHECK(ovs_flow_table_init(&tbl, 256) == 0);
	make_key(&key, 7, 1);
	memset(&mask, 0, sizeof(mask));
	mask.in_port = 0xffffffff;
	f1 = new_flow(&key, mask_range(&mask), NULL, 0);
	CHECK(ovs_flow_table_insert(&tbl, f1, &mask, mask_range(&mask)) == 0);
	make_key(&key, 8, 1);
	memset(&mask, 0, sizeof(mask));
	mask.ip.proto = 0xff;
	mask.tp.src = 0xffff;
	f2 = new_flow(&key, mask_range(&mask), NULL, 0);
	CHECK(ovs_flow_table_insert(&tbl, f2, &mask, mask_range(&mask)) == 0);
	for (i = 0; i < 3; i++) {
		CHECK(lookup(&tbl, 8, 1, 0, &nm, &nc) == f2 && nm == 2);
		CHECK(lookup(&tbl, 7, 1, 0, &nm, &nc) == f1 && nm == 1);
	}
	ovs_flow_table_destroy(&tbl);
	shim_rcu_barrier();
}

static void test_recirc_cache(void)
{
	struct ovs_flow_table tbl;
	struct ovs_flow *f0 = NULL, *f1 = NULL, *got;
	struct ovs_key key, mask;
	u32 nm, nc;
	int r;

	/* Two masks, both matching recirc_id; the packet's skb hash is the
	 * same before and after recirculation.
	 */
	CHECK(ovs_flow_table_init(&tbl, 256) == 0);
	for (r = 0; r < 2; r++) {
		struct ovs_flow *f;

		make_mask(&mask, 30 + r);
		mask.recirc_id = 0xffffffff;
		make_key(&key, 5, 1);
		key.recirc_id = r;
		f = new_flow(&key, mask_range(&mask), NULL, 0);
		CHECK(ovs_flow_table_insert(&tbl, f, &mask,
					    mask_range(&mask)) == 0);
		if (r)
			f1 = f;
		else
			f0 = f;
	}
	make_key(&key, 5, 1);
	for (r = 0; r < 3; r++) {
		rcu_read_lock();
		key.recirc_id = 0;
		got = ovs_flow_table_lookup(&tbl, &key, 0xabcd, &nm, &nc);
		CHECK(got == f0);
		key.recirc_id = 1;
		got = ovs_flow_table_lookup(&tbl, &key, 0xabcd, &nm, &nc);
		CHECK(got == f1);
		/* After the first round, both are cache hits. */
		CHECK(!r || (nc == 1 && nm == 1));
		rcu_read_unlock();
	}
	ovs_flow_table_destroy(&tbl);
	shim_rcu_barrier();
}

/* A table without cache, one flow under each of @n distinct masks, added
 * in order (so mask j is probed j-th).
 */
static void table_of_masks(struct ovs_flow_table *tbl, struct ovs_flow **flows,
			   unsigned int n)
{
	unsigned int j;

	CHECK(ovs_flow_table_init(tbl, 0) == 0);
	for (j = 0; j < n; j++)
		flows[j] = add_flow(tbl, distinct_mask(j), 1, NULL, 0);
}

static void test_rebalance(void)
{
	enum { MASKS = 5 };
	struct ovs_flow *flows[MASKS];
	struct ovs_flow_table tbl;
	unsigned int j, k;
	u32 nm, nc;

	table_of_masks(&tbl, flows, MASKS);

	/* Without traffic, rebalancing keeps the order. */
	ovs_flow_table_masks_rebalance(&tbl);
	for (j = 0; j < MASKS; j++) {
		lookup(&tbl, distinct_mask(j), 1, 0, &nm, &nc);
		CHECK(nm == j + 1);
	}

	/* Traffic mostly on mask 4, then 2, hits spread over CPUs. */
	for (k = 0; k < 40; k++) {
		shim_set_cpu(k % SHIM_NR_CPUS);
		lookup(&tbl, distinct_mask(4), 1, 0, NULL, NULL);
		if (k % 2)
			lookup(&tbl, distinct_mask(2), 1, 0, NULL, NULL);
	}
	shim_set_cpu(0);
	ovs_flow_table_masks_rebalance(&tbl);
	lookup(&tbl, distinct_mask(4), 1, 0, &nm, &nc);
	CHECK(nm == 1, "mask 4 probed %u-th", nm);
	lookup(&tbl, distinct_mask(2), 1, 0, &nm, &nc);
	CHECK(nm == 2, "mask 2 probed %u-th", nm);
	/* Ties (one hit each, from the first probes) keep their order. */
	lookup(&tbl, distinct_mask(0), 1, 0, &nm, &nc);
	CHECK(nm == 3);
	lookup(&tbl, distinct_mask(3), 1, 0, &nm, &nc);
	CHECK(nm == 5);
	/* The old arrays go after a grace period; lookups stay right. */
	shim_rcu_barrier();

	/* Only hits since the last rebalance count: traffic moves. */
	lookup(&tbl, distinct_mask(1), 1, 0, NULL, NULL);
	lookup(&tbl, distinct_mask(1), 1, 0, NULL, NULL);
	lookup(&tbl, distinct_mask(3), 1, 0, NULL, NULL);
	ovs_flow_table_masks_rebalance(&tbl);
	lookup(&tbl, distinct_mask(1), 1, 0, &nm, &nc);
	CHECK(nm == 1, "mask 1 probed %u-th", nm);
	lookup(&tbl, distinct_mask(3), 1, 0, &nm, &nc);
	CHECK(nm == 2, "mask 3 probed %u-th", nm);
	for (j = 0; j < MASKS; j++)
		CHECK(lookup(&tbl, distinct_mask(j), 1, 0, NULL, NULL) ==
		      flows[j]);

	/* Control-path lookups do not count as traffic. */
	for (k = 0; k < 10; k++) {
		struct ovs_key key;

		make_key(&key, distinct_mask(0), 1);
		CHECK(ovs_flow_table_match(&tbl, &key) == flows[0]);
	}
	/* Since the last rebalance: masks 1 and 3 two hits, the others
	 * one; three more make mask 2 the busiest.
	 */
	for (k = 0; k < 3; k++)
		lookup(&tbl, distinct_mask(2), 1, 0, NULL, NULL);
	ovs_flow_table_masks_rebalance(&tbl);
	lookup(&tbl, distinct_mask(2), 1, 0, &nm, &nc);
	CHECK(nm == 1);

	/* With the cache: rebalancing makes cached indexes stale; lookups
	 * stay correct and re-learn.
	 */
	CHECK(ovs_flow_table_set_cache_size(&tbl, 64) == 0);
	for (j = 0; j < MASKS; j++)
		lookup(&tbl, distinct_mask(j), 1, 100 + j, NULL, NULL);
	for (k = 0; k < 10; k++)
		lookup(&tbl, distinct_mask(0), 1, 100, NULL, NULL);
	ovs_flow_table_masks_rebalance(&tbl);
	for (j = 0; j < MASKS; j++) {
		CHECK(lookup(&tbl, distinct_mask(j), 1, 100 + j, &nm, &nc) ==
		      flows[j]);
		CHECK(lookup(&tbl, distinct_mask(j), 1, 100 + j, &nm, &nc) ==
		      flows[j] && nc == 1);
	}
	ovs_flow_table_destroy(&tbl);
	shim_rcu_barrier();
}

/* Between periodic rebalances: traffic that moved to a mask far down the
 * order is re-ordered as soon as its wasted probes add up, while traffic
 * spread evenly over two masks does not flip their order.
 */
static void test_reorder_early(void)
{
	enum { MASKS = 8 };
	struct ovs_flow *flows[MASKS];
	struct ovs_flow_table tbl;
	unsigned int j, k;
	u32 nm, nc;

	table_of_masks(&tbl, flows, MASKS);
	CHECK(!ovs_flow_table_masks_reorder_due(&tbl));

	/* Hits on the first mask waste nothing. */
	for (k = 0; k < 64; k++)
		lookup(&tbl, distinct_mask(0), 1, 0, NULL, NULL);
	CHECK(!ovs_flow_table_masks_reorder_due(&tbl));

	/* The last mask: 7 probes in vain per packet, over several CPUs. */
	for (k = 0; k < OVS_MASKS_REORDER_WASTE / (MASKS - 1); k++) {
		shim_set_cpu(k % SHIM_NR_CPUS);
		lookup(&tbl, distinct_mask(MASKS - 1), 1, 0, &nm, NULL);
		CHECK(nm == MASKS);
	}
	shim_set_cpu(0);
	CHECK(!ovs_flow_table_masks_reorder_due(&tbl), "due too early");
	lookup(&tbl, distinct_mask(MASKS - 1), 1, 0, NULL, NULL);
	CHECK(ovs_flow_table_masks_reorder_due(&tbl));
	ovs_flow_table_masks_reorder(&tbl);
	CHECK(!ovs_flow_table_masks_reorder_due(&tbl));
	lookup(&tbl, distinct_mask(MASKS - 1), 1, 0, &nm, &nc);
	CHECK(nm == 1, "last mask probed %u-th after re-order", nm);
	/* Mask 0 had more hits than the last one: it is now second. */
	lookup(&tbl, distinct_mask(0), 1, 0, &nm, &nc);
	CHECK(nm == 2, "mask 0 probed %u-th", nm);
	shim_rcu_barrier();

	/* Masks 7 and 0, nearly even: 0 wastes a probe each time, which
	 * makes a re-order due, but swapping would save too little.
	 */
	for (k = 0; k < OVS_MASKS_REORDER_WASTE + 1; k++) {
		lookup(&tbl, distinct_mask(MASKS - 1), 1, 0, NULL, NULL);
		lookup(&tbl, distinct_mask(0), 1, 0, NULL, NULL);
	}
	lookup(&tbl, distinct_mask(0), 1, 0, NULL, NULL);
	CHECK(ovs_flow_table_masks_reorder_due(&tbl));
	ovs_flow_table_masks_reorder(&tbl);
	CHECK(!ovs_flow_table_masks_reorder_due(&tbl));
	lookup(&tbl, distinct_mask(MASKS - 1), 1, 0, &nm, &nc);
	CHECK(nm == 1, "order flipped for a one-hit difference");

	/* The periodic rebalance still follows the counts exactly. */
	for (k = 0; k < 3; k++)
		lookup(&tbl, distinct_mask(0), 1, 0, NULL, NULL);
	ovs_flow_table_masks_rebalance(&tbl);
	lookup(&tbl, distinct_mask(0), 1, 0, &nm, &nc);
	CHECK(nm == 1);
	for (j = 0; j < MASKS; j++)
		CHECK(lookup(&tbl, distinct_mask(j), 1, 0, NULL, NULL) ==
		      flows[j]);
	ovs_flow_table_destroy(&tbl);
	shim_rcu_barrier();
}

static void test_stats(void)
{
	struct ovs_flow_stats st;
	struct ovs_flow *flow;
	struct ovs_key key;
	unsigned long used;
	__be16 flags;
	int cpu;

	make_key(&key, 1, 1);
	flow = new_flow(&key, FULL_RANGE, NULL, 0);
	ovs_flow_stats_get(flow, &st, &used, &flags);
	CHECK(st.n_packets == 0 && st.n_bytes == 0 && used == 0 && flags == 0);

	for (cpu = 0; cpu < SHIM_NR_CPUS; cpu++) {
		int p;

		shim_set_cpu(cpu);
		jiffies = 5000 + cpu * 10;
		for (p = 0; p <= cpu; p++)
			ovs_flow_stats_update(flow, htons(1 << cpu), 100 + cpu);
	}
	/* CPU 3 was last in time; CPU 1 then touches the flow "earlier". */
	shim_set_cpu(1);
	jiffies = 4000;
	ovs_flow_stats_update(flow, 0, 1);
	shim_set_cpu(0);

	ovs_flow_stats_get(flow, &st, &used, &flags);
	/* 1 + 2 + 3 + 4 packets of 100..103 bytes, plus one of 1 byte. */
	CHECK(st.n_packets == 11, "%llu", (unsigned long long)st.n_packets);
	CHECK(st.n_bytes == 100 + 2 * 101 + 3 * 102 + 4 * 103 + 1);
	CHECK(used == 5030, "used %lu", used);
	CHECK(flags == htons(0xf));

	ovs_flow_stats_clear(flow);
	ovs_flow_stats_get(flow, &st, &used, &flags);
	CHECK(st.n_packets == 0 && st.n_bytes == 0 && used == 0 && flags == 0);

	/* Used across jiffies wrap-around: the later time wins. */
	shim_set_cpu(3);
	jiffies = 3;
	ovs_flow_stats_update(flow, 0, 1);
	shim_set_cpu(2);
	jiffies = (unsigned long)-5;
	ovs_flow_stats_update(flow, 0, 1);
	ovs_flow_stats_get(flow, &st, &used, &flags);
	CHECK(used == 3 && st.n_packets == 2 && st.n_bytes == 2);
	ovs_flow_stats_clear(flow);
	shim_set_cpu(3);
	jiffies = 9000;
	ovs_flow_stats_update(flow, htons(2), 60);
	shim_set_cpu(0);
	ovs_flow_stats_update(flow, htons(16), 40);
	ovs_flow_stats_get(flow, &st, &used, &flags);
	CHECK(st.n_packets == 2 && st.n_bytes == 100 && used == 9000 &&
	      flags == htons(18));
	ovs_flow_stats_clear(flow);
	ovs_flow_stats_clear(flow);
	ovs_flow_stats_get(flow, &st, &used, &flags);
	CHECK(st.n_packets == 0 && st.n_bytes == 0);
	ovs_flow_free(flow);
}

/*
 * Statistics come in slots of shared per-CPU blocks: flows sharing a
 * block count apart, a slot given back and handed out again starts from
 * zero, and blocks come and go as flows do (LSan checks that none stays
 * behind but the spare).
 */
static void test_stats_pool(void)
{
	enum { N = 3 * OVS_FLOW_STATS_PER_BLOCK + 5 };
	static struct ovs_flow *flows[N];
	struct ovs_flow_stats st;
	unsigned int i, bad = 0;
	struct ovs_key key;
	unsigned long used;
	__be16 flags;

	for (i = 0; i < N; i++) {
		make_key(&key, 1, i);
		flows[i] = new_flow(&key, FULL_RANGE, NULL, 0);
	}
	/* Flow i gets i + 1 packets of i bytes on CPU i % CPUs, and one
	 * more of 1 byte on the next CPU.
	 */
	for (i = 0; i < N; i++) {
		unsigned int p;

		shim_set_cpu(i % SHIM_NR_CPUS);
		for (p = 0; p <= i; p++)
			ovs_flow_stats_update(flows[i], htons(i & 0xff), i);
		shim_set_cpu((i + 1) % SHIM_NR_CPUS);
		ovs_flow_stats_update(flows[i], 0, 1);
	}
	shim_set_cpu(0);
	for (i = 0; i < N; i++) {
		ovs_flow_stats_get(flows[i], &st, &used, &flags);
		bad += st.n_packets != i + 2 ||
		       st.n_bytes != (u64)(i + 1) * i + 1 ||
		       flags != htons(i & 0xff);
	}
	CHECK(bad == 0, "%u flows with others' counts", bad);

	/* Every other flow goes; the new ones reuse their slots. */
	for (i = 0; i < N; i += 2)
		ovs_flow_free(flows[i]);
	for (i = 0; i < N; i += 2) {
		make_key(&key, 1, i);
		flows[i] = new_flow(&key, FULL_RANGE, NULL, 0);
	}
	bad = 0;
	for (i = 0; i < N; i++) {
		ovs_flow_stats_get(flows[i], &st, &used, &flags);
		if (i % 2 == 0)
			bad += st.n_packets || st.n_bytes || used || flags;
		else
			bad += st.n_packets != i + 2;
	}
	CHECK(bad == 0, "%u flows with stale counts", bad);

	/* Through RCU, as flows removed from a table are freed. */
	for (i = 0; i < N; i++)
		ovs_flow_free_rcu(flows[i]);
	shim_rcu_barrier();
}

static void test_flush(void)
{
	enum { N = 9000, RESCHED_BUCKETS = 4096 };
	static struct ovs_flow *flows[N];
	struct ovs_flow_table tbl;
	u8 ufid[OVS_FLOW_UFID_MAX];
	unsigned int i, found = 0;
	unsigned long resched;
	u32 nb, ub;

	CHECK(ovs_flow_table_init(&tbl, 256) == 0);
	for (i = 0; i < N; i++) {
		make_ufid(ufid, i);
		flows[i] = add_flow(&tbl, distinct_mask(i % 10), i / 10, ufid,
				    i % 3 ? 0 : OVS_FLOW_UFID_MAX);
		lookup(&tbl, distinct_mask(i % 10), i / 10, i + 1, NULL, NULL);
	}
	nb = ovs_flow_table_n_buckets(&tbl, false);
	ub = ovs_flow_table_n_buckets(&tbl, true);
	CHECK(nb >= RESCHED_BUCKETS, "%u buckets", nb);
	resched = shim_resched_calls;
	ovs_flow_table_flush(&tbl);
	/* Unlinking offered to reschedule every RESCHED_BUCKETS buckets
	 * (OVS_INDEX_RESCHED_BUCKETS in flow_table.c), and so did shrinking
	 * both indexes.
	 */
	CHECK(shim_resched_calls - resched ==
	      2 * (nb / RESCHED_BUCKETS) + ub / RESCHED_BUCKETS,
	      "%lu offers to reschedule", shim_resched_calls - resched);
	CHECK(ovs_flow_table_count(&tbl) == 0);
	CHECK(ovs_flow_table_num_masks(&tbl) == 0);
	CHECK(ovs_flow_table_n_buckets(&tbl, false) == OVS_FLOW_TABLE_MIN_BUCKETS);
	CHECK(ovs_flow_table_n_buckets(&tbl, true) == OVS_FLOW_TABLE_MIN_BUCKETS);
	for (i = 0; i < N; i++) {
		make_ufid(ufid, i);
		if (lookup(&tbl, distinct_mask(i % 10), i / 10, i + 1, NULL,
			   NULL) ||
		    ovs_flow_table_lookup_ufid(&tbl, ufid, OVS_FLOW_UFID_MAX))
			found++;
	}
	CHECK(found == 0);
	CHECK(shim_rcu_barrier() >= N);
	/* Flushing an empty table, and refilling. */
	ovs_flow_table_flush(&tbl);
	flows[0] = add_flow(&tbl, distinct_mask(3), 0, NULL, 0);
	CHECK(lookup(&tbl, distinct_mask(3), 0, 1, NULL, NULL) == flows[0]);
	ovs_flow_table_destroy(&tbl);
	shim_rcu_barrier();
}

static void test_actions(void)
{
	struct ovs_actions *a1, *a2;
	struct ovs_flow *flow;
	struct ovs_key key;

	make_key(&key, 1, 1);
	flow = new_flow(&key, FULL_RANGE, NULL, 0);
	a1 = kzalloc(sizeof(*a1) + 8, GFP_KERNEL);
	a2 = kzalloc(sizeof(*a2) + 16, GFP_KERNEL);
	ovs_flow_set_actions(flow, a1);
	CHECK(rcu_access_pointer(flow->acts) == a1);
	CHECK(shim_rcu_pending() == 0);
	ovs_flow_set_actions(flow, a2);
	CHECK(rcu_access_pointer(flow->acts) == a2);
	CHECK(shim_rcu_pending() == 1);	/* a1, after a grace period */
	shim_rcu_barrier();
	/* Freeing the flow frees a2 (LSan would report it otherwise). */
	ovs_flow_free_rcu(flow);
	CHECK(shim_rcu_barrier() == 1);
}

/* Every allocation an operation makes, failed in turn. */
static void test_alloc_failures(void)
{
	struct ovs_flow *held[OVS_FLOW_STATS_PER_BLOCK + 1];
	struct ovs_flow_table tbl;
	struct ovs_flow *keep, *flow;
	struct ovs_key key, mask;
	unsigned int n, fails = 0, bad = 0;
	int err;

	for (n = 1; n < 20; n++) {
		shim_alloc_fail_nth(n);
		err = ovs_flow_table_init(&tbl, 256);
		shim_alloc_fail_nth(0);
		if (err) {
			CHECK(err == -ENOMEM);
			fails++;
			continue;
		}
		ovs_flow_table_destroy(&tbl);
		break;
	}
	CHECK(fails >= 4, "init made %u allocations", fails);

	CHECK(ovs_flow_table_init(&tbl, 256) == 0);
	keep = add_flow(&tbl, distinct_mask(0), 1, NULL, 0);
	add_flow(&tbl, distinct_mask(1), 1, NULL, 0);

	/* Insert under a new mask: mask, hit counters, mask array. */
	fails = 0;
	for (n = 1; n < 10; n++) {
		make_key(&key, distinct_mask(2), 1);
		make_mask(&mask, distinct_mask(2));
		flow = new_flow(&key, mask_range(&mask), NULL, 0);
		shim_alloc_fail_nth(n);
		err = ovs_flow_table_insert(&tbl, flow, &mask,
					    mask_range(&mask));
		shim_alloc_fail_nth(0);
		if (!err)
			break;
		fails++;
		CHECK(err == -ENOMEM);
		CHECK(ovs_flow_table_count(&tbl) == 2);
		CHECK(ovs_flow_table_num_masks(&tbl) == 2);
		ovs_flow_free(flow);
	}
	CHECK(fails == 3, "%u failure points", fails);
	CHECK(lookup(&tbl, distinct_mask(2), 1, 0, NULL, NULL) == flow);

	/* Removing the last flow of a mask without memory for a new array:
	 * the slot is emptied in place; lookups and rebalancing cope.
	 */
	shim_alloc_fail_nth(1);
	remove_flow(&tbl, keep);
	shim_alloc_fail_nth(0);
	CHECK(ovs_flow_table_num_masks(&tbl) == 2);
	CHECK(lookup(&tbl, distinct_mask(0), 1, 0, NULL, NULL) == NULL);
	CHECK(lookup(&tbl, distinct_mask(2), 1, 9, NULL, NULL) == flow);
	CHECK(lookup(&tbl, distinct_mask(2), 1, 9, NULL, NULL) == flow);
	/* A new mask goes into a compacted array. */
	add_flow(&tbl, distinct_mask(3), 1, NULL, 0);
	CHECK(lookup(&tbl, distinct_mask(3), 1, 0, NULL, NULL) != NULL);
	for (n = 0; n < 4; n++)
		bad += !lookup(&tbl, distinct_mask(n), 1, 0, NULL, NULL) !=
			(n == 0);
	CHECK(bad == 0);
	ovs_flow_table_masks_rebalance(&tbl);

	/* Rebalance and cache resizing without memory change nothing. */
	shim_alloc_fail_nth(1);
	ovs_flow_table_masks_rebalance(&tbl);
	shim_alloc_fail_nth(1);
	CHECK(ovs_flow_table_set_cache_size(&tbl, 512) == -ENOMEM);
	shim_alloc_fail_nth(2);
	CHECK(ovs_flow_table_set_cache_size(&tbl, 512) == -ENOMEM);
	shim_alloc_fail_nth(0);
	CHECK(ovs_flow_table_cache_size(&tbl) == 256);

	/* Growing without memory: the index stays, flows still go in. */
	for (n = 0; n < 200; n++) {
		make_key(&key, distinct_mask(3), 100 + n);
		make_mask(&mask, distinct_mask(3));
		flow = new_flow(&key, mask_range(&mask), NULL, 0);
		shim_alloc_fail_nth(1);
		err = ovs_flow_table_insert(&tbl, flow, &mask,
					    mask_range(&mask));
		shim_alloc_fail_nth(0);
		CHECK(err == 0);
	}
	CHECK(ovs_flow_table_n_buckets(&tbl, false) == OVS_FLOW_TABLE_MIN_BUCKETS);
	for (n = 0; n < 200; n++)
		bad += lookup(&tbl, distinct_mask(3), 100 + n, 0, NULL, NULL) ==
			NULL;
	CHECK(bad == 0);
	/* Flow allocation failures: the flow itself, and its statistics
	 * when they need a new per-CPU block (within a block's worth of
	 * flows).
	 */
	shim_alloc_fail_nth(1);
	CHECK(IS_ERR(ovs_flow_alloc_key(&key, FULL_RANGE)));
	for (n = 0; n <= OVS_FLOW_STATS_PER_BLOCK; n++) {
		shim_alloc_fail_nth(2);
		held[n] = ovs_flow_alloc_key(&key, FULL_RANGE);
		shim_alloc_fail_nth(0);
		if (IS_ERR(held[n]))
			break;
	}
	CHECK(n <= OVS_FLOW_STATS_PER_BLOCK &&
	      PTR_ERR(held[n]) == -ENOMEM, "%u flows without a failure", n);
	while (n--)
		ovs_flow_free(held[n]);

	ovs_flow_table_destroy(&tbl);
	shim_rcu_barrier();
}

/* Flows of every size class of stored key, from their slab caches: each
 * goes back to the cache it came from (the shim's caches count live
 * objects and abort when destroyed with any out).
 */
static void test_slab_cache(void)
{
	struct ovs_flow *flow, *f[4];
	struct ovs_flow_table tbl;
	struct ovs_key key, mask;
	unsigned int i, n_bytes[4];
	u32 nm, nc;

	CHECK(ovs_flow_cache_init() == 0);
	CHECK(ovs_flow_table_init(&tbl, 0) == 0);
	flow = add_flow(&tbl, distinct_mask(0), 1, NULL, 0);
	CHECK(lookup(&tbl, distinct_mask(0), 1, 0, NULL, NULL) == flow);
	remove_flow(&tbl, flow);
	add_flow(&tbl, distinct_mask(0), 2, NULL, 0);

	/* make_mask()'s range, then wider ones reaching to the end of the
	 * key and back into the tunnel options.
	 */
	for (i = 0; i < ARRAY_SIZE(f); i++) {
		make_key(&key, 200 + i, 1);
		key.tun.tun_id = cpu_to_be64(7);
		key.tun_opts[0] = 9;
		key.tun_opts[200] = 3;
		make_mask(&mask, 200 + i);
		if (i == 1)
			memset(&mask.ipv6, 0xff, sizeof(mask.ipv6));
		if (i == 2)
			mask.tun_opts[200] = 0xff;
		if (i == 3)
			mask.tun_opts[0] = 0xff;
		n_bytes[i] = mask_range(&mask).end - mask_range(&mask).start;
		f[i] = new_flow(&key, mask_range(&mask), NULL, 0);
		CHECK(ovs_flow_table_insert(&tbl, f[i], &mask,
					    mask_range(&mask)) == 0);
	}
	CHECK(n_bytes[0] <= 64 && n_bytes[1] > 64 && n_bytes[1] <= 128 &&
	      n_bytes[2] > 128 && n_bytes[2] <= 256 && n_bytes[3] > 256);
	for (i = 0; i < ARRAY_SIZE(f); i++) {
		make_key(&key, 200 + i, 1);
		key.tun.tun_id = cpu_to_be64(7);
		key.tun_opts[0] = 9;
		key.tun_opts[200] = 3;
		rcu_read_lock();
		CHECK(ovs_flow_table_lookup(&tbl, &key, 0, &nm, &nc) == f[i]);
		rcu_read_unlock();
	}
	remove_flow(&tbl, f[3]);
	ovs_flow_table_destroy(&tbl);
	/* Waits for the removed flows' RCU frees before the caches go. */
	ovs_flow_cache_exit();
	CHECK(shim_rcu_pending() == 0);
}

int main(void)
{
	test_key_helpers();
	test_basic();
	test_many_masks();
	test_mask_sharing();
	test_growth();
	test_rebuild_grace_periods();
	test_grow_catch_up();
	test_ufid_and_identity();
	test_dump();
	test_mask_cache();
	test_class_hints();
	test_recirc_cache();
	test_rebalance();
	test_reorder_early();
	test_stats();
	test_stats_pool();
	test_flush();
	test_actions();
	test_alloc_failures();
	test_slab_cache();

	CHECK(shim_rcu_pending() == 0);
	return UNIT_REPORT();
}
