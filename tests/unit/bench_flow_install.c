// SPDX-License-Identifier: GPL-2.0
/*
 * Host benchmark of what OVS_FLOW_CMD_NEW does for one flow, from its
 * attributes on, in the shape of the VM benchmark's flow-setup workload
 * (w4: tests/bench/ovsbench.c "listen"): an exact UDP flow whose key is
 * in_port, Ethernet, ethertype, IPv4 and UDP with no mask attribute, a
 * 16-byte UFID, and one output action.  Per flow it parses the key (and
 * the exact mask implied by it), validates and copies the actions, looks
 * the UFID and the key up, allocates and names the flow, and inserts it:
 * everything the kernel's handler does except genetlink and the mutex.
 *
 *   bench_flow_install               native run, nanoseconds per install
 *                                    for 1k, 10k and 100k flows
 *   bench_flow_install N [GP]        N installs for callgrind, which
 *                                    counts only inside bench_install()
 *                                    (see `make bench-install`)
 *
 * GP ends a grace period every GP installs, as in bench_flow_insert.c.
 */
#include <stdio.h>

#include "portable_env.h"
#include "bench_common.h"
#include "flow_netlink.h"
#include "flow_table.h"

/* The attributes of one request, as ovsbench sends them. */
struct request {
	struct sk_buff *key;		/* OVS_FLOW_ATTR_KEY, nested */
	u8 ufid[OVS_FLOW_UFID_MAX];
};

static struct sk_buff *actions;		/* OVS_FLOW_ATTR_ACTIONS: output:2 */

static void put_key(struct sk_buff *skb, unsigned int f)
{
	struct ovs_key_ethernet eth = {
		.eth_src = { 0x02, 0, 0, 0, f >> 8, f },
		.eth_dst = { 0x02, 0, 0, 0, 0, 0x99 },
	};
	struct ovs_key_ipv4 ip = {
		.ipv4_src = htonl(0x0a010001),
		.ipv4_dst = htonl(0x0a020001),
		.ipv4_proto = IPPROTO_UDP,
		.ipv4_ttl = 64,
		.ipv4_frag = OVS_FRAG_TYPE_NONE,
	};
	struct ovs_key_udp udp = {
		.udp_src = htons(1024 + f % 60000),
		.udp_dst = htons(9 + f / 60000),
	};
	struct nlattr *nest = nla_nest_start_noflag(skb, OVS_FLOW_ATTR_KEY);

	nla_put_u32(skb, OVS_KEY_ATTR_IN_PORT, 1);
	nla_put(skb, OVS_KEY_ATTR_ETHERNET, sizeof(eth), &eth);
	nla_put_be16(skb, OVS_KEY_ATTR_ETHERTYPE, htons(ETH_P_IP));
	nla_put(skb, OVS_KEY_ATTR_IPV4, sizeof(ip), &ip);
	nla_put(skb, OVS_KEY_ATTR_UDP, sizeof(udp), &udp);
	nla_nest_end(skb, nest);
}

/* OVS_FLOW_CMD_NEW with NLM_F_EXCL, less genetlink: 0 or -errno. */
static __attribute__((noinline)) int
bench_install(struct ovs_flow_table *tbl, const struct request *req)
{
	const struct nlattr *key_attr = (const void *)req->key->data;
	const struct nlattr *act_attr = (const void *)actions->data;
	struct ovs_key key, mask;
	struct ovs_key_range range;
	struct ovs_actions *acts;
	struct ovs_flow *flow;
	int err;

	err = ovs_nla_parse_key_mask(key_attr, NULL, &key, &mask, &range,
				     true, NULL);
	if (err)
		return err;
	acts = ovs_nla_copy_actions(act_attr, &key, &mask, true, NULL);
	if (IS_ERR(acts))
		return PTR_ERR(acts);
	flow = ovs_flow_alloc_key(&key, range);
	if (IS_ERR(flow)) {
		ovs_nla_free_actions(acts);
		return PTR_ERR(flow);
	}
	err = ovs_flow_set_ufid(flow, req->ufid, OVS_FLOW_UFID_MAX);
	if (err)
		goto err_free;
	if (ovs_flow_table_lookup_ufid(tbl, req->ufid, OVS_FLOW_UFID_MAX) ||
	    ovs_flow_table_match(tbl, &key)) {
		err = -EEXIST;
		goto err_free;
	}
	ovs_flow_set_actions(flow, acts);
	err = ovs_flow_table_insert(tbl, flow, &mask, range);
	if (err)
		ovs_flow_free(flow);
	return err;

err_free:
	ovs_flow_free(flow);
	ovs_nla_free_actions(acts);
	return err;
}

static int run(unsigned int n, unsigned int gp_every, bool timed)
{
	struct request *reqs = calloc(n, sizeof(*reqs));
	struct ovs_flow_table tbl;
	unsigned int f, failed = 0;
	double t0, t1;

	if (!reqs || ovs_flow_table_init(&tbl, OVS_FLOW_TABLE_DEFAULT_CACHE))
		abort();
	for (f = 0; f < n; f++) {
		reqs[f].key = alloc_skb(256, GFP_KERNEL);
		if (!reqs[f].key)
			abort();
		put_key(reqs[f].key, f);
		bench_make_ufid(reqs[f].ufid, f);
	}
	t0 = bench_now_ns();
	for (f = 0; f < n; f++) {
		if (bench_install(&tbl, &reqs[f]))
			failed++;
		if (gp_every && f % gp_every == gp_every - 1)
			synchronize_rcu();
	}
	t1 = bench_now_ns();
	printf("install %6u flows: %6u in the table", n,
	       ovs_flow_table_count(&tbl));
	if (timed)
		printf(", %.1f ns/install", (t1 - t0) / n);
	printf("\n");
	ovs_flow_table_destroy(&tbl);
	shim_rcu_barrier();
	for (f = 0; f < n; f++)
		kfree_skb(reqs[f].key);
	free(reqs);
	return failed ? 1 : 0;
}

int main(int argc, char **argv)
{
	static const unsigned int sizes[] = { 1000, 10000, 100000 };
	struct nlattr *nest;
	unsigned int i;
	int err = 0;

	actions = alloc_skb(64, GFP_KERNEL);
	if (!actions)
		abort();
	nest = nla_nest_start_noflag(actions, OVS_FLOW_ATTR_ACTIONS);
	nla_put_u32(actions, OVS_ACTION_ATTR_OUTPUT, 2);
	nla_nest_end(actions, nest);

	if (argc == 2 || argc == 3)
		err = run(strtoul(argv[1], NULL, 0),
			  argc == 3 ? strtoul(argv[2], NULL, 0) : 512, false);
	else
		for (i = 0; i < ARRAY_SIZE(sizes); i++)
			err |= run(sizes[i], 512, true);
	kfree_skb(actions);
	return err;
}
