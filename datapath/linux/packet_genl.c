// SPDX-License-Identifier: GPL-2.0
/*
 * The ovs_packet generic netlink family.  Userspace sends
 * OVS_PACKET_CMD_EXECUTE to run actions on a packet it supplies, typically
 * re-injecting a missed packet after installing its flow; the datapath
 * sends upcalls (upcall.c) on this family too.
 */
#include <linux/etherdevice.h>
#include <linux/skbuff.h>
#include <net/genetlink.h>

#include "dp_packet.h"
#include "flow_netlink.h"

/* Build the skb to execute on from OVS_PACKET_ATTR_PACKET. */
static struct sk_buff *ovs_packet_from_attr(const struct nlattr *attr,
					    struct netlink_ext_ack *extack)
{
	unsigned int len = nla_len(attr);
	struct sk_buff *skb;
	struct ethhdr *eth;

	if (len < ETH_HLEN) {
		NL_SET_ERR_MSG_ATTR(extack, attr,
				    "Packet shorter than an Ethernet header");
		return ERR_PTR(-EINVAL);
	}

	skb = __dev_alloc_skb(NET_IP_ALIGN + len, GFP_KERNEL);
	if (!skb)
		return ERR_PTR(-ENOMEM);
	skb_reserve(skb, NET_IP_ALIGN);
	nla_memcpy(__skb_put(skb, len), attr, len);
	skb_reset_mac_header(skb);

	eth = eth_hdr(skb);
	if (eth_proto_is_802_3(eth->h_proto))
		skb->protocol = eth->h_proto;
	else
		skb->protocol = htons(ETH_P_802_2);
	return skb;
}

static void ovs_packet_set_hash(struct sk_buff *skb, u64 hash)
{
	__skb_set_hash(skb, (u32)hash, !!(hash & OVS_PACKET_HASH_SW_BIT),
		       !!(hash & OVS_PACKET_HASH_L4_BIT));
}

static int ovs_packet_cmd_execute(struct sk_buff *skb, struct genl_info *info)
{
	struct netlink_ext_ack *extack = info->extack;
	struct ovs_header *h = info->userhdr;
	struct nlattr **a = info->attrs;
	bool log = !a[OVS_PACKET_ATTR_PROBE];
	struct ovs_vport *input_vport;
	struct ovs_actions *acts;
	struct sk_buff *packet;
	struct ovs_key key;
	struct ovs_dp *dp;
	int err;

	if (OVS_ATTR_MISSING(info, OVS_PACKET_ATTR_PACKET, "Packet required") ||
	    OVS_ATTR_MISSING(info, OVS_PACKET_ATTR_KEY,
			     "Packet metadata key required") ||
	    OVS_ATTR_MISSING(info, OVS_PACKET_ATTR_ACTIONS,
			     "Actions required"))
		return -EINVAL;

	packet = ovs_packet_from_attr(a[OVS_PACKET_ATTR_PACKET], extack);
	if (IS_ERR(packet))
		return PTR_ERR(packet);

	if (a[OVS_PACKET_ATTR_MRU])
		OVS_CB(packet)->mru = nla_get_u16(a[OVS_PACKET_ATTR_MRU]);
	else
		OVS_CB(packet)->mru = 0;
	OVS_CB(packet)->cutlen = 0;
	OVS_CB(packet)->acts_origlen = 0;
	if (a[OVS_PACKET_ATTR_HASH])
		ovs_packet_set_hash(packet, nla_get_u64(a[OVS_PACKET_ATTR_HASH]));

	/* The key: metadata from userspace, the rest from the packet. */
	memset(&key, 0, offsetof(struct ovs_key, eth));
	key.mac_proto = OVS_MAC_PROTO_ETHERNET;
	err = ovs_nla_parse_packet_meta(a[OVS_PACKET_ATTR_KEY], &key, log,
					extack);
	if (err)
		goto err_free_packet;
	err = ovs_dp_key_extract(packet, &key);
	if (err)
		goto err_free_packet;

	acts = ovs_nla_copy_actions(a[OVS_PACKET_ATTR_ACTIONS], &key, NULL,
				    log, extack);
	if (IS_ERR(acts)) {
		err = PTR_ERR(acts);
		goto err_free_packet;
	}

	rcu_read_lock();
	dp = ovs_dp_lookup(genl_info_net(info), h->dp_ifindex, NULL);
	err = -ENODEV;
	if (!dp) {
		NL_SET_ERR_MSG_MOD(extack, "No such datapath");
		goto err_unlock;
	}

	input_vport = ovs_vport_lookup(dp, key.in_port);
	if (!input_vport)
		input_vport = ovs_dp_local_port(dp);
	if (!input_vport)
		goto err_unlock;

	packet->priority = key.priority;
	packet->mark = key.skb_mark;
	packet->dev = input_vport->dev;
	OVS_CB(packet)->input_vport = input_vport;

	local_bh_disable();
	err = ovs_execute_actions(dp, packet, acts, &key);
	local_bh_enable();
	rcu_read_unlock();

	kfree(acts);
	return err;

err_unlock:
	rcu_read_unlock();
	kfree(acts);
err_free_packet:
	kfree_skb(packet);
	return err;
}

static const struct nla_policy ovs_packet_policy[OVS_PACKET_ATTR_MAX + 1] = {
	[OVS_PACKET_ATTR_PACKET] = { .type = NLA_BINARY },
	[OVS_PACKET_ATTR_KEY] = { .type = NLA_NESTED },
	[OVS_PACKET_ATTR_ACTIONS] = { .type = NLA_NESTED },
	[OVS_PACKET_ATTR_PROBE] = { .type = NLA_FLAG },
	[OVS_PACKET_ATTR_MRU] = { .type = NLA_U16 },
	[OVS_PACKET_ATTR_HASH] = { .type = NLA_U64 },
};

static int ovs_packet_pre_doit(const struct genl_ops *ops, struct sk_buff *skb,
			       struct genl_info *info)
{
	return ovs_genl_check_attrs(&ovs_packet_genl_family, info);
}

static const struct genl_small_ops ovs_packet_ops[] = {
	{
		.cmd = OVS_PACKET_CMD_EXECUTE,
		.validate = GENL_DONT_VALIDATE_STRICT | GENL_DONT_VALIDATE_DUMP,
		.flags = GENL_UNS_ADMIN_PERM,
		.doit = ovs_packet_cmd_execute,
	},
};

struct genl_family ovs_packet_genl_family __ro_after_init = {
	.hdrsize = sizeof(struct ovs_header),
	.name = OVS_PACKET_FAMILY,
	.version = OVS_PACKET_VERSION,
	.maxattr = OVS_PACKET_ATTR_MAX,
	.policy = ovs_packet_policy,
	.netnsok = true,
	.pre_doit = ovs_packet_pre_doit,
	.parallel_ops = true,
	.small_ops = ovs_packet_ops,
	.n_small_ops = ARRAY_SIZE(ovs_packet_ops),
	.resv_start_op = OVS_PACKET_CMD_EXECUTE + 1,
	.module = THIS_MODULE,
};
