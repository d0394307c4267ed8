// SPDX-License-Identifier: GPL-2.0
/*
 * The ovs_vport generic netlink family: add, remove, query and configure
 * a datapath's ports.  Every change is also sent to the family's
 * multicast group, including ports removed because their device left.
 */
#include <linux/netdevice.h>
#include <net/genetlink.h>
#include <net/net_namespace.h>

#include "datapath.h"

const struct genl_multicast_group ovs_vport_mcgroup = {
	.name = OVS_VPORT_MCGROUP,
};

static size_t ovs_vport_msg_size(const struct ovs_vport *vport)
{
	struct ovs_pid_array *pids = ovs_deref_rcu(vport->upcall_pids);

	return NLMSG_ALIGN(sizeof(struct ovs_header)) +
		nla_total_size(sizeof(u32)) +			/* PORT_NO */
		nla_total_size(sizeof(u32)) +			/* TYPE */
		nla_total_size(IFNAMSIZ) +			/* NAME */
		nla_total_size(sizeof(u32) * (pids ? pids->n : 1)) +
		nla_total_size_64bit(sizeof(struct ovs_vport_stats)) +
		nla_total_size(sizeof(s32)) +			/* IFINDEX */
		nla_total_size(sizeof(s32));			/* NETNSID */
}

/* Fill a message describing @vport as seen from namespace @net. */
static int ovs_vport_fill(struct ovs_vport *vport, struct sk_buff *skb,
			  struct net *net, u32 portid, u32 seq, u32 flags,
			  u8 cmd, gfp_t gfp)
{
	struct net_device *dev = vport->dev;
	struct ovs_vport_stats st = {};
	struct ovs_header *h;

	h = genlmsg_put(skb, portid, seq, &ovs_vport_genl_family, flags, cmd);
	if (!h)
		return -EMSGSIZE;
	h->dp_ifindex = ovs_dp_ifindex(vport->dp);

	ovs_vport_get_stats(vport, &st);
	if (nla_put_u32(skb, OVS_VPORT_ATTR_PORT_NO, vport->port_no) ||
	    nla_put_u32(skb, OVS_VPORT_ATTR_TYPE, vport->ops->type) ||
	    nla_put_string(skb, OVS_VPORT_ATTR_NAME, dev->name) ||
	    nla_put_s32(skb, OVS_VPORT_ATTR_IFINDEX, dev->ifindex) ||
	    nla_put_64bit(skb, OVS_VPORT_ATTR_STATS, sizeof(st), &st,
			  OVS_VPORT_ATTR_PAD) ||
	    ovs_put_pid_array(skb, OVS_VPORT_ATTR_UPCALL_PID,
			      &vport->upcall_pids))
		goto nla_put_failure;

	if (!net_eq(net, dev_net(dev))) {
		int id = peernet2id_alloc(net, dev_net(dev), gfp);

		if (nla_put_s32(skb, OVS_VPORT_ATTR_NETNSID, id))
			goto nla_put_failure;
	}

	genlmsg_end(skb, h);
	return 0;

nla_put_failure:
	genlmsg_cancel(skb, h);
	return -EMSGSIZE;
}

struct sk_buff *ovs_vport_build_msg(struct ovs_vport *vport, u32 portid,
				    u32 seq, u32 flags, u8 cmd, gfp_t gfp)
{
	struct sk_buff *skb;
	int err;

	skb = genlmsg_new(ovs_vport_msg_size(vport), gfp);
	if (!skb)
		return ERR_PTR(-ENOMEM);
	err = ovs_vport_fill(vport, skb, ovs_dp_net(vport->dp), portid, seq,
			     flags, cmd, gfp);
	if (err) {
		kfree_skb(skb);
		return ERR_PTR(err);
	}
	return skb;
}

/* Tell listeners that @vport is going because its device went away. */
void ovs_vport_notify_gone(struct ovs_vport *vport)
{
	struct sk_buff *msg;

	msg = ovs_vport_build_msg(vport, 0, 0, 0, OVS_VPORT_CMD_DEL,
				  GFP_KERNEL);
	if (IS_ERR(msg)) {
		genl_set_err(&ovs_vport_genl_family, ovs_dp_net(vport->dp), 0,
			     0, PTR_ERR(msg));
		return;
	}
	genlmsg_multicast_netns(&ovs_vport_genl_family, ovs_dp_net(vport->dp),
				msg, 0, 0, GFP_KERNEL);
}

/* Changes go to the multicast group, and to the requester when it asked
 * for an echo (NLM_F_ECHO), as ovs-vswitchd does.
 */
static int ovs_vport_reply_notify(struct sk_buff *reply, struct genl_info *info)
{
	genl_notify(&ovs_vport_genl_family, reply, info, 0, GFP_KERNEL);
	return 0;
}

static struct ovs_vport *ovs_vport_find_name(struct net *net,
					     const char *name)
{
	struct ovs_vport *vport = NULL;
	struct net_device *dev;
	struct ovs_dp *dp;
	int i;

	rcu_read_lock();
	dev = dev_get_by_name_rcu(net, name);
	if (dev)
		vport = ovs_vport_from_dev(dev);
	rcu_read_unlock();
	if (vport && net_eq(ovs_dp_net(vport->dp), net))
		return vport;

	/* An internal port moved to another namespace keeps its place in
	 * the datapath, and userspace still names it.
	 */
	list_for_each_entry(dp, &ovs_net(net)->dps, node) {
		for (i = 0; i < OVS_DP_PORT_BUCKETS; i++) {
			hlist_for_each_entry(vport, &dp->ports[i], hash_node)
				if (!strcmp(vport->dev->name, name))
					return vport;
		}
	}
	return NULL;
}

/* The port a request names, by OVS_VPORT_ATTR_NAME or by datapath and
 * OVS_VPORT_ATTR_PORT_NO.  Caller holds ovs_mutex.
 */
static struct ovs_vport *ovs_vport_lookup_msg(struct genl_info *info)
{
	struct netlink_ext_ack *extack = info->extack;
	struct net *net = genl_info_net(info);
	struct ovs_header *h = info->userhdr;
	struct nlattr **a = info->attrs;
	struct ovs_vport *vport;
	struct ovs_dp *dp;
	u32 port_no;

	if (a[OVS_VPORT_ATTR_NAME]) {
		vport = ovs_vport_find_name(net, nla_data(a[OVS_VPORT_ATTR_NAME]));
		if (!vport || vport->detached ||
		    (h->dp_ifindex && h->dp_ifindex != ovs_dp_ifindex(vport->dp))) {
			NL_SET_ERR_MSG_MOD(extack, "No such port");
			return ERR_PTR(-ENODEV);
		}
		return vport;
	}

	if (!a[OVS_VPORT_ATTR_PORT_NO]) {
		NL_SET_ERR_MSG_MOD(extack, "Port name or number required");
		return ERR_PTR(-EINVAL);
	}
	port_no = nla_get_u32(a[OVS_VPORT_ATTR_PORT_NO]);
	if (port_no >= OVS_DP_MAX_PORTS) {
		NL_SET_ERR_MSG_ATTR(extack, a[OVS_VPORT_ATTR_PORT_NO],
				    "Port number out of range");
		return ERR_PTR(-EFBIG);
	}

	dp = ovs_dp_lookup_msg(net, h, a, 0, extack);
	if (!dp)
		return ERR_PTR(-ENODEV);
	vport = ovs_vport_lookup(dp, port_no);
	if (!vport || vport->detached) {
		NL_SET_ERR_MSG_MOD(extack, "No such port");
		return ERR_PTR(-ENODEV);
	}
	return vport;
}

/* netdev and internal ports take no options; tunnels will. */
static int ovs_vport_check_options(u32 type, const struct nlattr *opts,
				   struct netlink_ext_ack *extack)
{
	if (opts && nla_len(opts)) {
		NL_SET_ERR_MSG_ATTR(extack, opts,
				    "This vport type takes no options");
		return -EINVAL;
	}
	return 0;
}

static int ovs_vport_cmd_new(struct sk_buff *skb, struct genl_info *info)
{
	struct netlink_ext_ack *extack = info->extack;
	struct nlattr **a = info->attrs;
	struct ovs_pid_array *pids;
	struct ovs_vport *vport;
	struct sk_buff *reply;
	u32 port_no = U32_MAX;
	int ifindex = 0;
	struct ovs_dp *dp;
	u32 type;
	int err;

	if (OVS_ATTR_MISSING(info, OVS_VPORT_ATTR_NAME, "Port name required") ||
	    OVS_ATTR_MISSING(info, OVS_VPORT_ATTR_TYPE, "Port type required") ||
	    OVS_ATTR_MISSING(info, OVS_VPORT_ATTR_UPCALL_PID,
			     "Upcall PID required"))
		return -EINVAL;

	type = nla_get_u32(a[OVS_VPORT_ATTR_TYPE]);
	if (a[OVS_VPORT_ATTR_PORT_NO])
		port_no = nla_get_u32(a[OVS_VPORT_ATTR_PORT_NO]);
	if (a[OVS_VPORT_ATTR_IFINDEX]) {
		if (type != OVS_VPORT_TYPE_INTERNAL) {
			NL_SET_ERR_MSG_ATTR(extack, a[OVS_VPORT_ATTR_IFINDEX],
					    "Only internal ports take an ifindex");
			return -EOPNOTSUPP;
		}
		ifindex = nla_get_s32(a[OVS_VPORT_ATTR_IFINDEX]);
	}
	err = ovs_vport_check_options(type, a[OVS_VPORT_ATTR_OPTIONS], extack);
	if (err)
		return err;

	pids = ovs_pid_array_parse(a[OVS_VPORT_ATTR_UPCALL_PID], extack);
	if (IS_ERR(pids))
		return PTR_ERR(pids);

	mutex_lock(&ovs_mutex);
	dp = ovs_dp_lookup_msg(genl_info_net(info), info->userhdr, a, 0,
			       extack);
	if (!dp) {
		err = -ENODEV;
		goto err_unlock;
	}

	vport = ovs_vport_add(dp, port_no, type,
			      nla_data(a[OVS_VPORT_ATTR_NAME]), ifindex, extack);
	if (IS_ERR(vport)) {
		err = PTR_ERR(vport);
		goto err_unlock;
	}
	ovs_pid_array_replace(&vport->upcall_pids, pids);

	reply = ovs_vport_build_msg(vport, info->snd_portid, info->snd_seq, 0,
				    OVS_VPORT_CMD_NEW, GFP_KERNEL);
	mutex_unlock(&ovs_mutex);
	if (IS_ERR(reply))
		return PTR_ERR(reply);
	return ovs_vport_reply_notify(reply, info);

err_unlock:
	mutex_unlock(&ovs_mutex);
	kfree(pids);
	return err;
}

static int ovs_vport_cmd_set(struct sk_buff *skb, struct genl_info *info)
{
	struct netlink_ext_ack *extack = info->extack;
	struct ovs_pid_array *pids = NULL;
	struct nlattr **a = info->attrs;
	struct ovs_vport *vport;
	struct sk_buff *reply;
	int err;

	if (a[OVS_VPORT_ATTR_UPCALL_PID]) {
		pids = ovs_pid_array_parse(a[OVS_VPORT_ATTR_UPCALL_PID],
					   extack);
		if (IS_ERR(pids))
			return PTR_ERR(pids);
	}

	mutex_lock(&ovs_mutex);
	vport = ovs_vport_lookup_msg(info);
	if (IS_ERR(vport)) {
		err = PTR_ERR(vport);
		goto err_unlock;
	}
	if (a[OVS_VPORT_ATTR_TYPE] &&
	    nla_get_u32(a[OVS_VPORT_ATTR_TYPE]) != vport->ops->type) {
		NL_SET_ERR_MSG_ATTR(extack, a[OVS_VPORT_ATTR_TYPE],
				    "Port type cannot be changed");
		err = -EINVAL;
		goto err_unlock;
	}
	err = ovs_vport_check_options(vport->ops->type,
				      a[OVS_VPORT_ATTR_OPTIONS], extack);
	if (err)
		goto err_unlock;

	if (pids)
		ovs_pid_array_replace(&vport->upcall_pids, pids);

	reply = ovs_vport_build_msg(vport, info->snd_portid, info->snd_seq, 0,
				    OVS_VPORT_CMD_SET, GFP_KERNEL);
	mutex_unlock(&ovs_mutex);
	if (IS_ERR(reply))
		return PTR_ERR(reply);
	return ovs_vport_reply_notify(reply, info);

err_unlock:
	mutex_unlock(&ovs_mutex);
	kfree(pids);
	return err;
}

static int ovs_vport_cmd_del(struct sk_buff *skb, struct genl_info *info)
{
	struct ovs_vport *vport;
	struct sk_buff *reply;
	int err;

	mutex_lock(&ovs_mutex);
	vport = ovs_vport_lookup_msg(info);
	if (IS_ERR(vport)) {
		err = PTR_ERR(vport);
		goto err_unlock;
	}
	if (vport->port_no == OVS_DP_LOCAL_PORT) {
		NL_SET_ERR_MSG_MOD(info->extack,
				   "The local port goes only with its datapath");
		err = -EINVAL;
		goto err_unlock;
	}

	reply = ovs_vport_build_msg(vport, info->snd_portid, info->snd_seq, 0,
				    OVS_VPORT_CMD_DEL, GFP_KERNEL);
	if (IS_ERR(reply)) {
		err = PTR_ERR(reply);
		goto err_unlock;
	}
	ovs_vport_del(vport);
	mutex_unlock(&ovs_mutex);
	return ovs_vport_reply_notify(reply, info);

err_unlock:
	mutex_unlock(&ovs_mutex);
	return err;
}

static int ovs_vport_cmd_get(struct sk_buff *skb, struct genl_info *info)
{
	struct ovs_vport *vport;
	struct sk_buff *reply;
	int err;

	mutex_lock(&ovs_mutex);
	vport = ovs_vport_lookup_msg(info);
	if (IS_ERR(vport)) {
		err = PTR_ERR(vport);
		mutex_unlock(&ovs_mutex);
		return err;
	}
	reply = genlmsg_new(ovs_vport_msg_size(vport), GFP_KERNEL);
	if (!reply) {
		mutex_unlock(&ovs_mutex);
		return -ENOMEM;
	}
	err = ovs_vport_fill(vport, reply, genl_info_net(info),
			     info->snd_portid, info->snd_seq, 0,
			     OVS_VPORT_CMD_GET, GFP_KERNEL);
	mutex_unlock(&ovs_mutex);
	if (err) {
		kfree_skb(reply);
		return err;
	}
	return genlmsg_reply(reply, info);
}

/* Dump cursor: args[0] is the bucket, args[1] the entry within it. */
static int ovs_vport_cmd_dump(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct ovs_header *h = genlmsg_data(nlmsg_data(cb->nlh));
	struct net *net = sock_net(skb->sk);
	long bucket = cb->args[0], skip = cb->args[1];
	struct ovs_vport *vport;
	struct ovs_dp *dp;
	int n = 0;

	mutex_lock(&ovs_mutex);
	dp = ovs_dp_lookup(net, h->dp_ifindex, NULL);
	if (!dp) {
		mutex_unlock(&ovs_mutex);
		return -ENODEV;
	}

	for (; bucket < OVS_DP_PORT_BUCKETS; bucket++, skip = 0) {
		n = 0;
		hlist_for_each_entry(vport, &dp->ports[bucket], hash_node) {
			if (n >= skip && !vport->detached &&
			    ovs_vport_fill(vport, skb, net,
					   NETLINK_CB(cb->skb).portid,
					   cb->nlh->nlmsg_seq, NLM_F_MULTI,
					   OVS_VPORT_CMD_GET, GFP_KERNEL) < 0)
				goto out;
			n++;
		}
	}
out:
	mutex_unlock(&ovs_mutex);
	cb->args[0] = bucket;
	cb->args[1] = n;
	return skb->len;
}

static const struct nla_policy ovs_vport_policy[OVS_VPORT_ATTR_MAX + 1] = {
	[OVS_VPORT_ATTR_NAME] = { .type = NLA_NUL_STRING, .len = IFNAMSIZ - 1 },
	[OVS_VPORT_ATTR_STATS] = NLA_POLICY_EXACT_LEN(sizeof(struct ovs_vport_stats)),
	[OVS_VPORT_ATTR_PORT_NO] = { .type = NLA_U32 },
	[OVS_VPORT_ATTR_TYPE] = { .type = NLA_U32 },
	[OVS_VPORT_ATTR_UPCALL_PID] = { .type = NLA_BINARY },
	[OVS_VPORT_ATTR_OPTIONS] = { .type = NLA_NESTED },
	[OVS_VPORT_ATTR_IFINDEX] = NLA_POLICY_MIN(NLA_S32, 0),
	[OVS_VPORT_ATTR_NETNSID] = { .type = NLA_S32 },
};

static int ovs_vport_pre_doit(const struct genl_ops *ops, struct sk_buff *skb,
			      struct genl_info *info)
{
	return ovs_genl_check_attrs(&ovs_vport_genl_family, info);
}

static const struct genl_small_ops ovs_vport_ops[] = {
	{
		.cmd = OVS_VPORT_CMD_NEW,
		.validate = GENL_DONT_VALIDATE_STRICT | GENL_DONT_VALIDATE_DUMP,
		.flags = GENL_UNS_ADMIN_PERM,
		.doit = ovs_vport_cmd_new,
	},
	{
		.cmd = OVS_VPORT_CMD_DEL,
		.validate = GENL_DONT_VALIDATE_STRICT | GENL_DONT_VALIDATE_DUMP,
		.flags = GENL_UNS_ADMIN_PERM,
		.doit = ovs_vport_cmd_del,
	},
	{
		.cmd = OVS_VPORT_CMD_GET,
		.validate = GENL_DONT_VALIDATE_STRICT | GENL_DONT_VALIDATE_DUMP,
		.doit = ovs_vport_cmd_get,
		.dumpit = ovs_vport_cmd_dump,
	},
	{
		.cmd = OVS_VPORT_CMD_SET,
		.validate = GENL_DONT_VALIDATE_STRICT | GENL_DONT_VALIDATE_DUMP,
		.flags = GENL_UNS_ADMIN_PERM,
		.doit = ovs_vport_cmd_set,
	},
};

struct genl_family ovs_vport_genl_family __ro_after_init = {
	.hdrsize = sizeof(struct ovs_header),
	.name = OVS_VPORT_FAMILY,
	.version = OVS_VPORT_VERSION,
	.maxattr = OVS_VPORT_ATTR_MAX,
	.policy = ovs_vport_policy,
	.netnsok = true,
	.pre_doit = ovs_vport_pre_doit,
	.parallel_ops = true,
	.small_ops = ovs_vport_ops,
	.n_small_ops = ARRAY_SIZE(ovs_vport_ops),
	.resv_start_op = OVS_VPORT_CMD_SET + 1,
	.mcgrps = &ovs_vport_mcgroup,
	.n_mcgrps = 1,
	.module = THIS_MODULE,
};
