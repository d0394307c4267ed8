// SPDX-License-Identifier: GPL-2.0
/*
 * Host benchmark of the megaflow table's packet-path lookup.
 *
 *   bench_flow_table                 native run of every configuration,
 *                                    nanoseconds per lookup
 *   bench_flow_table MASKS MODE N    N lookups of one configuration, for
 *                                    callgrind (see `make bench` in this
 *                                    directory), which counts only inside
 *                                    ovs_flow_table_lookup()
 *
 * 10000 flows are spread evenly over MASKS masks (1, 8, 32, 128).  Every
 * mask matches in_port exactly and every flow has its own in_port, so a
 * packet matches exactly one flow; the masks differ in their IPv4 source
 * prefix and TCP port bits, so the masked range spans metadata to L4 as
 * real megaflows do.  MODE:
 *   nocache  cache size 0, which turns off the class hints too: the
 *            masks are probed in order
 *   hot      mask cache on, packets from 200 of the flows (cache hits)
 *   spread   mask cache on, packets from all 10000 flows (mostly misses:
 *            the class hints pick the mask; every flow is a class here)
 */
#include <stdio.h>
#include <time.h>

#include "portable_env.h"
#include "flow_table.h"

#define N_FLOWS		10000
#define HOT_FLOWS	200

enum mode { MODE_NOCACHE, MODE_HOT, MODE_SPREAD };

static const char *const mode_names[] = { "nocache", "hot", "spread" };

static struct ovs_key *packets;
static u32 *hashes;
static u32 *order;

static void make_mask(struct ovs_key *m, unsigned int j)
{
	unsigned int plen = 8 + j % 25;

	memset(m, 0, sizeof(*m));
	m->in_port = 0xffffffff;
	m->eth.type = 0xffff;
	m->ip.proto = 0xff;
	m->ip.frag = 0xff;
	m->ipv4.addr.src = htonl(~0U << (32 - plen));
	m->tp.dst = htons(0xff00 | (j / 25));
}

static void make_key(struct ovs_key *k, unsigned int f)
{
	memset(k, 0, sizeof(*k));
	k->in_port = f;
	k->mac_proto = OVS_MAC_PROTO_ETHERNET;
	k->eth.type = htons(ETH_P_IP);
	k->eth.src[5] = (u8)f;
	k->eth.dst[4] = (u8)(f >> 8);
	k->ip.proto = IPPROTO_TCP;
	k->ip.ttl = 64;
	k->ipv4.addr.src = htonl(0x0a000000 | f);
	k->ipv4.addr.dst = htonl(0xc0a80001);
	k->tp.src = htons(30000 + f);
	k->tp.dst = htons(80);
}

static void setup(struct ovs_flow_table *tbl, unsigned int masks)
{
	unsigned int f;

	if (ovs_flow_table_init(tbl, OVS_FLOW_TABLE_DEFAULT_CACHE))
		abort();
	packets = calloc(N_FLOWS, sizeof(*packets));
	hashes = calloc(N_FLOWS, sizeof(*hashes));
	order = calloc(N_FLOWS, sizeof(*order));
	if (!packets || !hashes || !order)
		abort();
	for (f = 0; f < N_FLOWS; f++) {
		u8 ufid[OVS_FLOW_UFID_MAX] = { 0 };
		struct ovs_flow *flow;
		struct ovs_key mask;

		make_key(&packets[f], f);
		make_mask(&mask, f % masks);
		flow = ovs_flow_alloc_key(&packets[f],
					  ovs_key_mask_range(&mask));
		if (IS_ERR(flow))
			abort();
		memcpy(ufid, &f, sizeof(f));
		if (ovs_flow_set_ufid(flow, ufid, sizeof(ufid)))
			abort();
		if (ovs_flow_table_insert(tbl, flow, &mask,
					  ovs_key_mask_range(&mask)))
			abort();
		hashes[f] = get_random_u32() | 1;
		order[f] = f;
		/* Grace periods end as time passes in the kernel. */
		if (f % 512 == 511)
			synchronize_rcu();
	}
	/* The periodic rebalance completes any growth put off. */
	synchronize_rcu();
	ovs_flow_table_masks_rebalance(tbl);
	/* Visit flows in a random order, so that buckets are not walked
	 * in memory order.
	 */
	for (f = N_FLOWS - 1; f > 0; f--) {
		u32 r = get_random_u32() % (f + 1), t = order[f];

		order[f] = order[r];
		order[r] = t;
	}
}

static void teardown(struct ovs_flow_table *tbl)
{
	ovs_flow_table_destroy(tbl);
	shim_rcu_barrier();
	free(packets);
	free(hashes);
	free(order);
}

/* Returns the number of lookups that found their flow. */
static unsigned long run(struct ovs_flow_table *tbl, enum mode mode,
			 unsigned long n, unsigned long *mask_hits,
			 unsigned long *cache_hits)
{
	unsigned int span = mode == MODE_HOT ? HOT_FLOWS : N_FLOWS;
	unsigned long i, found = 0;

	*mask_hits = 0;
	*cache_hits = 0;
	rcu_read_lock();
	for (i = 0; i < n; i++) {
		u32 f = order[i % span];
		u32 nm, nc;

		if (ovs_flow_table_lookup(tbl, &packets[f],
					  mode == MODE_NOCACHE ? 0 : hashes[f],
					  &nm, &nc))
			found++;
		*mask_hits += nm;
		*cache_hits += nc;
	}
	rcu_read_unlock();
	return found;
}

static double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

static int one(unsigned int masks, enum mode mode, unsigned long n,
	       bool timed)
{
	unsigned long found, mask_hits, cache_hits;
	struct ovs_flow_table tbl;
	double t0, t1;

	setup(&tbl, masks);
	if (mode == MODE_NOCACHE && ovs_flow_table_set_cache_size(&tbl, 0))
		abort();
	/* Warm the cache (and the CPU's caches) first. */
	run(&tbl, mode, N_FLOWS, &mask_hits, &cache_hits);
	t0 = now_ns();
	found = run(&tbl, mode, n, &mask_hits, &cache_hits);
	t1 = now_ns();
	printf("masks %3u %-8s lookups %lu found %lu masks/lookup %.2f cache hits %.1f%%",
	       masks, mode_names[mode], n, found, (double)mask_hits / n,
	       100.0 * cache_hits / n);
	if (timed)
		printf(" %.1f ns/lookup", (t1 - t0) / n);
	printf("\n");
	teardown(&tbl);
	return found == n ? 0 : 1;
}

int main(int argc, char **argv)
{
	static const unsigned int mask_counts[] = { 1, 8, 32, 128 };
	unsigned int i, m;
	int err = 0;

	if (argc == 4) {
		unsigned int masks = strtoul(argv[1], NULL, 0);

		for (m = 0; m < ARRAY_SIZE(mode_names); m++)
			if (!strcmp(argv[2], mode_names[m]))
				break;
		if (!masks || m == ARRAY_SIZE(mode_names)) {
			fprintf(stderr, "usage: %s MASKS nocache|hot|spread N\n",
				argv[0]);
			return 2;
		}
		return one(masks, m, strtoul(argv[3], NULL, 0), false);
	}

	printf("struct ovs_flow %zu bytes + its key range, per-CPU stats %zu x CPUs, sizeof(struct ovs_key) %zu\n",
	       sizeof(struct ovs_flow), sizeof(struct ovs_flow_cpu_stats),
	       sizeof(struct ovs_key));
	for (i = 0; i < ARRAY_SIZE(mask_counts); i++)
		for (m = 0; m < ARRAY_SIZE(mode_names); m++)
			err |= one(mask_counts[i], m, 2000000, true);
	return err;
}
