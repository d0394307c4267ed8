// SPDX-License-Identifier: GPL-2.0
/*
 * The ovs_datapath generic netlink family: create, delete, query and
 * configure datapaths.  Every change is also sent to the family's
 * multicast group.
 */
#include <linux/netdevice.h>
#include <linux/rculist.h>
#include <linux/slab.h>
#include <net/genetlink.h>

#include "datapath.h"

const struct genl_multicast_group ovs_dp_mcgroup = {
	.name = OVS_DATAPATH_MCGROUP,
};

static size_t ovs_dp_msg_size(void)
{
	return NLMSG_ALIGN(sizeof(struct ovs_header)) +
		nla_total_size(IFNAMSIZ) +			/* NAME */
		nla_total_size_64bit(sizeof(struct ovs_dp_stats)) +
		nla_total_size_64bit(sizeof(struct ovs_dp_megaflow_stats)) +
		nla_total_size(sizeof(u32)) +			/* USER_FEATURES */
		nla_total_size(sizeof(u32)) +			/* MASKS_CACHE_SIZE */
		nla_total_size(sizeof(u32) * nr_cpu_ids);	/* PER_CPU_PIDS */
}

static int ovs_dp_fill(struct ovs_dp *dp, struct sk_buff *skb, u32 portid,
		       u32 seq, u32 flags, u8 cmd)
{
	struct ovs_dp_megaflow_stats mf = {};
	struct ovs_dp_stats st = {};
	struct ovs_dp_cpu_stats sum;
	struct ovs_pid_array *pids;
	struct ovs_header *h;

	h = genlmsg_put(skb, portid, seq, &ovs_dp_genl_family, flags, cmd);
	if (!h)
		return -EMSGSIZE;
	h->dp_ifindex = ovs_dp_ifindex(dp);

	ovs_dp_stats_sum(dp, &sum);
	st.n_hit = sum.n_hit;
	st.n_missed = sum.n_missed;
	st.n_lost = sum.n_lost;
	st.n_flows = ovs_flow_table_count(&dp->table);
	mf.n_mask_hit = sum.n_mask_hit;
	mf.n_cache_hit = sum.n_cache_hit;
	mf.n_masks = ovs_flow_table_num_masks(&dp->table);

	if (nla_put_string(skb, OVS_DP_ATTR_NAME, ovs_dp_name(dp)) ||
	    nla_put_64bit(skb, OVS_DP_ATTR_STATS, sizeof(st), &st,
			  OVS_DP_ATTR_PAD) ||
	    nla_put_64bit(skb, OVS_DP_ATTR_MEGAFLOW_STATS, sizeof(mf), &mf,
			  OVS_DP_ATTR_PAD) ||
	    nla_put_u32(skb, OVS_DP_ATTR_USER_FEATURES, dp->user_features) ||
	    nla_put_u32(skb, OVS_DP_ATTR_MASKS_CACHE_SIZE,
			ovs_flow_table_cache_size(&dp->table)))
		goto nla_put_failure;

	/* Userspace may register more PIDs than there are CPUs, but only
	 * one per CPU can ever be used; report those, which is also what
	 * ovs_dp_msg_size() made room for.
	 */
	pids = ovs_deref_rcu(dp->cpu_pids);
	if (pids && nla_put(skb, OVS_DP_ATTR_PER_CPU_PIDS,
			    min_t(u32, pids->n, nr_cpu_ids) * sizeof(u32),
			    pids->pids))
		goto nla_put_failure;

	genlmsg_end(skb, h);
	return 0;

nla_put_failure:
	genlmsg_cancel(skb, h);
	return -EMSGSIZE;
}

static struct sk_buff *ovs_dp_build_msg(struct ovs_dp *dp,
					struct genl_info *info, u8 cmd)
{
	struct sk_buff *skb;
	int err;

	skb = genlmsg_new(ovs_dp_msg_size(), GFP_KERNEL);
	if (!skb)
		return ERR_PTR(-ENOMEM);
	err = ovs_dp_fill(dp, skb, info->snd_portid, info->snd_seq, 0, cmd);
	if (err) {
		kfree_skb(skb);
		return ERR_PTR(err);
	}
	return skb;
}

/* Changes go to the multicast group, and to the requester when it asked
 * for an echo (NLM_F_ECHO), as ovs-vswitchd does.
 */
static int ovs_dp_reply_notify(struct sk_buff *reply, struct genl_info *info)
{
	genl_notify(&ovs_dp_genl_family, reply, info, 0, GFP_KERNEL);
	return 0;
}

static int ovs_dp_check_features(u32 features, struct netlink_ext_ack *extack)
{
	if (features & ~OVS_DP_KNOWN_FEATURES) {
		NL_SET_ERR_MSG_MOD(extack, "Unknown datapath feature requested");
		return -EOPNOTSUPP;
	}
	return 0;
}

/* Apply the settable attributes of a NEW or SET request.  The feature
 * bits, the one setting that cannot be partially applied, are checked
 * before anything changes.
 */
static int ovs_dp_apply(struct ovs_dp *dp, struct nlattr **a,
			struct netlink_ext_ack *extack)
{
	u32 features = dp->user_features;
	int err;

	if (a[OVS_DP_ATTR_USER_FEATURES]) {
		features = nla_get_u32(a[OVS_DP_ATTR_USER_FEATURES]);
		err = ovs_dp_check_features(features, extack);
		if (err)
			return err;
	}

	if (a[OVS_DP_ATTR_MASKS_CACHE_SIZE]) {
		u32 size = nla_get_u32(a[OVS_DP_ATTR_MASKS_CACHE_SIZE]);

		err = ovs_flow_table_set_cache_size(&dp->table, size);
		if (err) {
			NL_SET_ERR_MSG_ATTR(extack, a[OVS_DP_ATTR_MASKS_CACHE_SIZE],
					    "Mask cache size must be 0 or a power of two within the limit");
			return err;
		}
	}

	if (a[OVS_DP_ATTR_PER_CPU_PIDS]) {
		struct ovs_pid_array *arr;

		arr = ovs_pid_array_parse(a[OVS_DP_ATTR_PER_CPU_PIDS], extack);
		if (!IS_ERR(arr))
			arr = ovs_upcall_add_shares(dp, arr);
		if (IS_ERR(arr))
			return PTR_ERR(arr);
		ovs_pid_array_replace(&dp->cpu_pids, arr);
	}

	dp->user_features = features;
	if (features & OVSDP_DP_F_UPCALL_BATCH)
		dp->upcall_batched = true;
	return 0;
}

static struct ovs_dp *ovs_dp_alloc(struct net *net)
{
	struct ovs_dp *dp;
	int i;

	dp = kzalloc(sizeof(*dp), GFP_KERNEL);
	if (!dp)
		return NULL;
	write_pnet(&dp->net, net);

	dp->ports = kmalloc_array(OVS_DP_PORT_BUCKETS, sizeof(*dp->ports),
				  GFP_KERNEL);
	if (!dp->ports)
		goto err_free_dp;
	for (i = 0; i < OVS_DP_PORT_BUCKETS; i++)
		INIT_HLIST_HEAD(&dp->ports[i]);

	dp->stats = netdev_alloc_pcpu_stats(struct ovs_dp_cpu_stats);
	if (!dp->stats)
		goto err_free_ports;

	if (ovs_flow_table_init(&dp->table, OVS_FLOW_TABLE_DEFAULT_CACHE))
		goto err_free_stats;
	return dp;

err_free_stats:
	free_percpu(dp->stats);
err_free_ports:
	kfree(dp->ports);
err_free_dp:
	kfree(dp);
	return NULL;
}

/* Free a datapath that never became visible. */
static void ovs_dp_free_unused(struct ovs_dp *dp)
{
	struct ovs_pid_array *pids = rcu_access_pointer(dp->cpu_pids);

	ovs_flow_table_destroy(&dp->table);
	if (pids)
		ovs_upcall_shares_stop(pids);
	/* Its local port may have had a packet to report meanwhile. */
	ovs_upcall_batch_forget(dp);
	kfree(pids);
	free_percpu(dp->stats);
	kfree(dp->ports);
	kfree(dp);
}

static int ovs_dp_cmd_new(struct sk_buff *skb, struct genl_info *info)
{
	struct netlink_ext_ack *extack = info->extack;
	struct net *net = genl_info_net(info);
	struct nlattr **a = info->attrs;
	struct ovs_vport *local;
	struct sk_buff *reply;
	struct ovs_dp *dp;
	int ifindex = 0;
	int err;

	if (OVS_ATTR_MISSING(info, OVS_DP_ATTR_NAME,
			     "Datapath name required") ||
	    OVS_ATTR_MISSING(info, OVS_DP_ATTR_UPCALL_PID,
			     "Upcall PID required"))
		return -EINVAL;
	if (a[OVS_DP_ATTR_IFINDEX])
		ifindex = nla_get_s32(a[OVS_DP_ATTR_IFINDEX]);

	dp = ovs_dp_alloc(net);
	if (!dp)
		return -ENOMEM;

	mutex_lock(&ovs_mutex);
	if (ovs_dp_lookup(net, 0, nla_data(a[OVS_DP_ATTR_NAME]))) {
		NL_SET_ERR_MSG_MOD(extack, "Datapath already exists");
		err = -EEXIST;
		goto err_unlock;
	}

	err = ovs_dp_apply(dp, a, extack);
	if (err)
		goto err_unlock;

	local = ovs_vport_add(dp, OVS_DP_LOCAL_PORT, OVS_VPORT_TYPE_INTERNAL,
			      nla_data(a[OVS_DP_ATTR_NAME]), ifindex, extack);
	if (IS_ERR(local)) {
		err = PTR_ERR(local);
		if (err == -EBUSY)
			err = -EEXIST;
		goto err_unlock;
	}
	err = ovs_dp_set_upcall_pids(&local->upcall_pids,
				     a[OVS_DP_ATTR_UPCALL_PID], extack);
	if (err)
		goto err_del_local;

	list_add_tail_rcu(&dp->node, &ovs_net(net)->dps);

	reply = ovs_dp_build_msg(dp, info, OVS_DP_CMD_NEW);
	mutex_unlock(&ovs_mutex);
	if (IS_ERR(reply))
		return PTR_ERR(reply);
	return ovs_dp_reply_notify(reply, info);

err_del_local:
	/* Nothing has seen the datapath yet: free it once the port's
	 * device is gone.
	 */
	ovs_vport_del(local);
	mutex_unlock(&ovs_mutex);
	synchronize_net();
	ovs_dp_free_unused(dp);
	return err;
err_unlock:
	mutex_unlock(&ovs_mutex);
	ovs_dp_free_unused(dp);
	return err;
}

static int ovs_dp_cmd_del(struct sk_buff *skb, struct genl_info *info)
{
	struct ovs_dp *dp;
	struct sk_buff *reply;

	mutex_lock(&ovs_mutex);
	dp = ovs_dp_lookup_msg(genl_info_net(info), info->userhdr, info->attrs,
			       OVS_DP_ATTR_NAME, info->extack);
	if (!dp) {
		mutex_unlock(&ovs_mutex);
		return -ENODEV;
	}

	reply = ovs_dp_build_msg(dp, info, OVS_DP_CMD_DEL);
	if (IS_ERR(reply)) {
		mutex_unlock(&ovs_mutex);
		return PTR_ERR(reply);
	}
	ovs_dp_destroy(dp);
	mutex_unlock(&ovs_mutex);
	return ovs_dp_reply_notify(reply, info);
}

static int ovs_dp_cmd_set(struct sk_buff *skb, struct genl_info *info)
{
	struct sk_buff *reply;
	struct ovs_dp *dp;
	int err;

	mutex_lock(&ovs_mutex);
	dp = ovs_dp_lookup_msg(genl_info_net(info), info->userhdr, info->attrs,
			       OVS_DP_ATTR_NAME, info->extack);
	if (!dp) {
		err = -ENODEV;
		goto err_unlock;
	}

	err = ovs_dp_apply(dp, info->attrs, info->extack);
	if (err)
		goto err_unlock;

	reply = ovs_dp_build_msg(dp, info, OVS_DP_CMD_SET);
	mutex_unlock(&ovs_mutex);
	if (IS_ERR(reply))
		return PTR_ERR(reply);
	return ovs_dp_reply_notify(reply, info);

err_unlock:
	mutex_unlock(&ovs_mutex);
	return err;
}

static int ovs_dp_cmd_get(struct sk_buff *skb, struct genl_info *info)
{
	struct sk_buff *reply;
	struct ovs_dp *dp;

	mutex_lock(&ovs_mutex);
	dp = ovs_dp_lookup_msg(genl_info_net(info), info->userhdr, info->attrs,
			       OVS_DP_ATTR_NAME, info->extack);
	if (!dp) {
		mutex_unlock(&ovs_mutex);
		return -ENODEV;
	}
	reply = ovs_dp_build_msg(dp, info, OVS_DP_CMD_GET);
	mutex_unlock(&ovs_mutex);
	if (IS_ERR(reply))
		return PTR_ERR(reply);
	return genlmsg_reply(reply, info);
}

static int ovs_dp_cmd_dump(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct ovs_net *on = ovs_net(sock_net(skb->sk));
	int skip = cb->args[0];
	struct ovs_dp *dp;
	int i = 0;

	mutex_lock(&ovs_mutex);
	list_for_each_entry(dp, &on->dps, node) {
		if (i >= skip &&
		    ovs_dp_fill(dp, skb, NETLINK_CB(cb->skb).portid,
				cb->nlh->nlmsg_seq, NLM_F_MULTI,
				OVS_DP_CMD_GET) < 0)
			break;
		i++;
	}
	mutex_unlock(&ovs_mutex);

	cb->args[0] = i;
	return skb->len;
}

static const struct nla_policy ovs_dp_policy[OVS_DP_ATTR_MAX + 1] = {
	[OVS_DP_ATTR_NAME] = { .type = NLA_NUL_STRING, .len = IFNAMSIZ - 1 },
	[OVS_DP_ATTR_UPCALL_PID] = { .type = NLA_BINARY },
	[OVS_DP_ATTR_USER_FEATURES] = { .type = NLA_U32 },
	[OVS_DP_ATTR_MASKS_CACHE_SIZE] = { .type = NLA_U32 },
	[OVS_DP_ATTR_PER_CPU_PIDS] = { .type = NLA_BINARY },
	[OVS_DP_ATTR_IFINDEX] = NLA_POLICY_MIN(NLA_S32, 0),
};

static int ovs_dp_pre_doit(const struct genl_ops *ops, struct sk_buff *skb,
			   struct genl_info *info)
{
	return ovs_genl_check_attrs(&ovs_dp_genl_family, info);
}

static const struct genl_small_ops ovs_dp_ops[] = {
	{
		.cmd = OVS_DP_CMD_NEW,
		.validate = GENL_DONT_VALIDATE_STRICT | GENL_DONT_VALIDATE_DUMP,
		.flags = GENL_UNS_ADMIN_PERM,
		.doit = ovs_dp_cmd_new,
	},
	{
		.cmd = OVS_DP_CMD_DEL,
		.validate = GENL_DONT_VALIDATE_STRICT | GENL_DONT_VALIDATE_DUMP,
		.flags = GENL_UNS_ADMIN_PERM,
		.doit = ovs_dp_cmd_del,
	},
	{
		.cmd = OVS_DP_CMD_GET,
		.validate = GENL_DONT_VALIDATE_STRICT | GENL_DONT_VALIDATE_DUMP,
		.doit = ovs_dp_cmd_get,
		.dumpit = ovs_dp_cmd_dump,
	},
	{
		.cmd = OVS_DP_CMD_SET,
		.validate = GENL_DONT_VALIDATE_STRICT | GENL_DONT_VALIDATE_DUMP,
		.flags = GENL_UNS_ADMIN_PERM,
		.doit = ovs_dp_cmd_set,
	},
};

struct genl_family ovs_dp_genl_family __ro_after_init = {
	.hdrsize = sizeof(struct ovs_header),
	.name = OVS_DATAPATH_FAMILY,
	.version = OVS_DATAPATH_VERSION,
	.maxattr = OVS_DP_ATTR_MAX,
	.policy = ovs_dp_policy,
	.netnsok = true,
	.pre_doit = ovs_dp_pre_doit,
	.parallel_ops = true,
	.small_ops = ovs_dp_ops,
	.n_small_ops = ARRAY_SIZE(ovs_dp_ops),
	.resv_start_op = OVS_DP_CMD_SET + 1,
	.mcgrps = &ovs_dp_mcgroup,
	.n_mcgrps = 1,
	.module = THIS_MODULE,
};
