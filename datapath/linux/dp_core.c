// SPDX-License-Identifier: GPL-2.0
/*
 * Datapath objects: lookup by name or ifindex, counters, upcall PID arrays
 * and teardown.  The genl commands that drive them are in dp_genl.c.
 */
#include <linux/netdevice.h>
#include <linux/rculist.h>
#include <linux/slab.h>

#include "datapath.h"

DEFINE_MUTEX(ovs_mutex);

struct ovs_vport *ovs_vport_lookup(const struct ovs_dp *dp, u32 port_no)
{
	struct hlist_head *bucket;
	struct ovs_vport *vport;

	bucket = &dp->ports[port_no & (OVS_DP_PORT_BUCKETS - 1)];
	hlist_for_each_entry_rcu(vport, bucket, hash_node,
				 lockdep_is_held(&ovs_mutex)) {
		if (vport->port_no == port_no)
			return vport;
	}
	return NULL;
}

/* A datapath is named after its local port's device. */
const char *ovs_dp_name(const struct ovs_dp *dp)
{
	struct ovs_vport *local = ovs_dp_local_port(dp);

	return local ? local->dev->name : "";
}

int ovs_dp_ifindex(const struct ovs_dp *dp)
{
	struct ovs_vport *local = ovs_dp_local_port(dp);

	return local ? local->dev->ifindex : 0;
}

static struct ovs_dp *ovs_dp_lookup_ifindex(struct net *net, int ifindex)
{
	struct ovs_vport *vport = NULL;
	struct net_device *dev;

	rcu_read_lock();
	dev = dev_get_by_index_rcu(net, ifindex);
	if (dev)
		vport = ovs_internal_dev_vport(dev);
	rcu_read_unlock();

	if (!vport || vport->port_no != OVS_DP_LOCAL_PORT)
		return NULL;
	return vport->dp;
}

/* Find a datapath by name, or by its local port's ifindex when @name is
 * NULL.  Caller holds ovs_mutex.
 */
struct ovs_dp *ovs_dp_lookup(struct net *net, int dp_ifindex,
			     const char *name)
{
	struct ovs_dp *dp;

	if (!name)
		return ovs_dp_lookup_ifindex(net, dp_ifindex);

	list_for_each_entry(dp, &ovs_net(net)->dps, node) {
		if (!strcmp(ovs_dp_name(dp), name))
			return dp;
	}
	return NULL;
}

/* The datapath a request names: by @name_attr when the message has it,
 * else by the ovs_header's dp_ifindex.
 */
struct ovs_dp *ovs_dp_lookup_msg(struct net *net, const struct ovs_header *h,
				 struct nlattr **a, int name_attr,
				 struct netlink_ext_ack *extack)
{
	const char *name = NULL;
	struct ovs_dp *dp;

	if (name_attr && a[name_attr])
		name = nla_data(a[name_attr]);
	dp = ovs_dp_lookup(net, h->dp_ifindex, name);
	if (!dp)
		NL_SET_ERR_MSG_MOD(extack, "No such datapath");
	return dp;
}

void ovs_dp_stats_sum(const struct ovs_dp *dp, struct ovs_dp_cpu_stats *sum)
{
	int cpu;

	memset(sum, 0, sizeof(*sum));
	for_each_possible_cpu(cpu) {
		const struct ovs_dp_cpu_stats *st = per_cpu_ptr(dp->stats, cpu);
		struct ovs_dp_cpu_stats snap;
		unsigned int start;

		do {
			start = u64_stats_fetch_begin_irq(&st->syncp);
			snap = *st;
		} while (u64_stats_fetch_retry_irq(&st->syncp, start));

		sum->n_hit += snap.n_hit;
		sum->n_missed += snap.n_missed;
		sum->n_lost += snap.n_lost;
		sum->n_mask_hit += snap.n_mask_hit;
		sum->n_cache_hit += snap.n_cache_hit;
	}
}

/* Userspace sizes PID arrays by its own count of CPUs or handler
 * threads, which may exceed ours; anything beyond a generous bound is a
 * bad request, not an allocation to make.
 */
#define OVS_MAX_UPCALL_PIDS	4096

/* Parse a u32 array of upcall PIDs.  An array of one zero PID means "no
 * upcalls" and is kept as such, as userspace reads it back.
 */
struct ovs_pid_array *ovs_pid_array_parse(const struct nlattr *attr,
					  struct netlink_ext_ack *extack)
{
	struct ovs_pid_array *arr;
	int len = nla_len(attr);

	if (len < (int)sizeof(u32) || len % sizeof(u32)) {
		NL_SET_ERR_MSG_ATTR(extack, attr,
				    "Upcall PIDs must be a non-empty u32 array");
		return ERR_PTR(-EINVAL);
	}
	if (len > OVS_MAX_UPCALL_PIDS * (int)sizeof(u32)) {
		NL_SET_ERR_MSG_ATTR(extack, attr, "Too many upcall PIDs");
		return ERR_PTR(-EINVAL);
	}

	arr = kmalloc(struct_size(arr, pids, len / sizeof(u32)), GFP_KERNEL);
	if (!arr)
		return ERR_PTR(-ENOMEM);
	arr->n = len / sizeof(u32);
	arr->n_shares = 0;
	arr->share_of = NULL;
	arr->shares = NULL;
	nla_memcpy(arr->pids, attr, len);
	return arr;
}

/* Publish @arr in @slot; readers of the old array finish under RCU. */
void ovs_pid_array_replace(struct ovs_pid_array __rcu **slot,
			   struct ovs_pid_array *arr)
{
	struct ovs_pid_array *old = ovs_deref(*slot);

	rcu_assign_pointer(*slot, arr);
	if (old) {
		ovs_upcall_shares_stop(old);
		kfree_rcu(old, rcu);
	}
}

int ovs_dp_set_upcall_pids(struct ovs_pid_array __rcu **slot,
			   const struct nlattr *attr,
			   struct netlink_ext_ack *extack)
{
	struct ovs_pid_array *arr = ovs_pid_array_parse(attr, extack);

	if (IS_ERR(arr))
		return PTR_ERR(arr);
	ovs_pid_array_replace(slot, arr);
	return 0;
}

int ovs_put_pid_array(struct sk_buff *skb, int attrtype,
		      struct ovs_pid_array __rcu *const *slot)
{
	struct ovs_pid_array *pids = ovs_deref_rcu(*slot);
	u32 none = 0;

	if (!pids)
		return nla_put(skb, attrtype, sizeof(none), &none);
	return nla_put(skb, attrtype, pids->n * sizeof(u32), pids->pids);
}

static void ovs_dp_free_rcu(struct rcu_head *rcu)
{
	struct ovs_dp *dp = container_of(rcu, struct ovs_dp, rcu);

	ovs_flow_table_destroy(&dp->table);
	kfree(rcu_access_pointer(dp->cpu_pids));
	free_percpu(dp->stats);
	kfree(dp->ports);
	kfree(dp);
}

/* Detach every port (the local port last, since it names the datapath)
 * and free the datapath once readers are done with it.  Caller holds
 * ovs_mutex and has unlinked nothing yet.
 */
void ovs_dp_destroy(struct ovs_dp *dp)
{
	struct ovs_vport *vport;
	struct hlist_node *tmp;
	int i;

	for (i = 0; i < OVS_DP_PORT_BUCKETS; i++) {
		hlist_for_each_entry_safe(vport, tmp, &dp->ports[i], hash_node)
			if (vport->port_no != OVS_DP_LOCAL_PORT)
				ovs_vport_del(vport);
	}

	list_del_rcu(&dp->node);

	vport = ovs_dp_local_port(dp);
	if (vport)
		ovs_vport_del(vport);

	/* No port feeds it any more: stop its upcall retries for good. */
	if (ovs_deref(dp->cpu_pids))
		ovs_upcall_shares_stop(ovs_deref(dp->cpu_pids));
	ovs_upcall_batch_forget(dp);
	call_rcu(&dp->rcu, ovs_dp_free_rcu);
}
