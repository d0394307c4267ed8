// SPDX-License-Identifier: GPL-2.0
/*
 * Host benchmark of flow installation, shaped like the VM benchmark's
 * w6 workload (tests/bench/ovsbench.c "spread"): one mask (in_port,
 * eth_type, IPv4 source/destination/protocol and UDP destination exact,
 * Ethernet addresses wildcarded), a 16-byte UFID per flow, and for every
 * flow what OVS_FLOW_CMD_NEW with NLM_F_EXCL does to the table: look the
 * UFID up, look the unmasked key up through the masks, allocate and name
 * the flow, give it actions, insert it.
 *
 *   bench_flow_insert                native run, nanoseconds per insert
 *                                    for 1k, 10k and 100k flows
 *   bench_flow_insert N [GP]         N inserts for callgrind, which counts
 *                                    only inside bench_install_one() (see
 *                                    `make bench-insert`)
 *
 * The shim's grace periods never end on their own; GP (default 512)
 * ends one every GP inserts, as time passing would in the kernel (a
 * grace period lasts some milliseconds, i.e. hundreds of inserts).  The
 * number of inserts that had to wait for one is reported.
 */
#include <stdio.h>

#include "portable_env.h"
#include "bench_common.h"
#include "flow_table.h"

static unsigned long waits;

static void make_key(struct ovs_key *k, unsigned int f)
{
	memset(k, 0, sizeof(*k));
	k->in_port = 1;
	k->mac_proto = OVS_MAC_PROTO_ETHERNET;
	k->eth.type = htons(ETH_P_IP);
	k->ip.proto = IPPROTO_UDP;
	k->ipv4.addr.src = htonl(0x0a010001);
	k->ipv4.addr.dst = htonl(0x0a020000 + f / 1000);
	k->tp.dst = htons(1 + f % 1000);
}

static void make_mask(struct ovs_key *m)
{
	memset(m, 0, sizeof(*m));
	m->in_port = 0xffffffff;
	m->eth.type = 0xffff;
	m->ip.proto = 0xff;
	m->ipv4.addr.src = 0xffffffff;
	m->ipv4.addr.dst = 0xffffffff;
	m->tp.dst = 0xffff;
}

/* Everything OVS_FLOW_CMD_NEW does to the table and the flow, after
 * parsing.  Returns 0, or -EEXIST for a duplicate.
 */
static __attribute__((noinline)) int
bench_install_one(struct ovs_flow_table *tbl, const struct ovs_key *key,
		  const struct ovs_key *mask, struct ovs_key_range range,
		  const u8 *ufid)
{
	struct ovs_actions *acts;
	struct ovs_flow *flow;
	unsigned long gp = shim_rcu_gp_seq;

	if (ovs_flow_table_lookup_ufid(tbl, ufid, OVS_FLOW_UFID_MAX) ||
	    ovs_flow_table_match(tbl, key))
		return -EEXIST;
	acts = kzalloc(sizeof(*acts) + 8, GFP_KERNEL);
	flow = ovs_flow_alloc_key(key, range);
	if (!acts || IS_ERR(flow))
		abort();
	acts->len = 8;
	if (ovs_flow_set_ufid(flow, ufid, OVS_FLOW_UFID_MAX))
		abort();
	ovs_flow_set_actions(flow, acts);
	if (ovs_flow_table_insert(tbl, flow, mask, range))
		abort();
	if (shim_rcu_gp_seq != gp)
		waits++;
	return 0;
}

static int run(unsigned int n, unsigned int gp_every, bool timed)
{
	struct ovs_key *keys = calloc(n, sizeof(*keys));
	u8 (*ufids)[OVS_FLOW_UFID_MAX] = calloc(n, sizeof(*ufids));
	struct ovs_flow_table tbl;
	struct ovs_key_range range;
	struct ovs_key mask;
	unsigned int f, dups = 0;
	double t0, t1;

	if (!keys || !ufids || ovs_flow_table_init(&tbl,
						   OVS_FLOW_TABLE_DEFAULT_CACHE))
		abort();
	make_mask(&mask);
	range = ovs_key_mask_range(&mask);
	for (f = 0; f < n; f++) {
		make_key(&keys[f], f);
		bench_make_ufid(ufids[f], f);
	}
	waits = 0;
	t0 = bench_now_ns();
	for (f = 0; f < n; f++) {
		if (bench_install_one(&tbl, &keys[f], &mask, range, ufids[f]))
			dups++;
		if (gp_every && f % gp_every == gp_every - 1)
			synchronize_rcu();
	}
	t1 = bench_now_ns();
	printf("flows %6u inserted %6u waits %lu buckets %u/%u",
	       n, ovs_flow_table_count(&tbl), waits,
	       ovs_flow_table_n_buckets(&tbl, false),
	       ovs_flow_table_n_buckets(&tbl, true));
	if (timed)
		printf(" %.1f ns/insert", (t1 - t0) / n);
	printf("\n");
	ovs_flow_table_destroy(&tbl);
	shim_rcu_barrier();
	free(keys);
	free(ufids);
	return dups ? 1 : 0;
}

int main(int argc, char **argv)
{
	static const unsigned int sizes[] = { 1000, 10000, 100000 };
	unsigned int i;
	int err = 0;

	if (argc == 2 || argc == 3)
		return run(strtoul(argv[1], NULL, 0),
			   argc == 3 ? strtoul(argv[2], NULL, 0) : 512, false);
	for (i = 0; i < ARRAY_SIZE(sizes); i++)
		err |= run(sizes[i], 512, true);
	return err;
}
