// SPDX-License-Identifier: GPL-2.0
/*
 * Upcalls: packets the datapath hands to userspace, as OVS_PACKET_CMD_MISS
 * (no flow matched) or OVS_PACKET_CMD_ACTION (a userspace action).  They
 * are sent without blocking: a full socket means the packet is lost and
 * counted, never that the fast path waits.
 */
#include <linux/if_vlan.h>
#include <linux/netdevice.h>
#include <linux/skbuff.h>
#include <net/genetlink.h>

#include "dp_packet.h"
#include "flow_netlink.h"

/*
 * Which socket gets an upcall for a packet that entered through @vport.
 * In per-CPU dispatch mode, the one userspace registered for this CPU;
 * otherwise one of the port's sockets, chosen by flow hash so that one
 * flow's packets stay in order while the port's flows spread evenly over
 * its sockets.  0 means nobody listens.
 */
u32 ovs_dp_upcall_portid(const struct ovs_dp *dp, const struct ovs_vport *vport,
			 struct sk_buff *skb)
{
	const struct ovs_pid_array *pids;

	if (dp->user_features & OVS_DP_F_DISPATCH_UPCALL_PER_CPU) {
		pids = rcu_dereference(dp->cpu_pids);
		if (unlikely(!pids))
			return 0;
		return pids->pids[smp_processor_id() % pids->n];
	}

	pids = rcu_dereference(vport->upcall_pids);
	if (unlikely(!pids))
		return 0;
	if (pids->n == 1)
		return pids->pids[0];
	return pids->pids[reciprocal_scale(skb_get_hash(skb), pids->n)];
}

static size_t ovs_upcall_msg_size(const struct ovs_upcall_info *info,
				  unsigned int pkt_len)
{
	size_t size = NLMSG_ALIGN(sizeof(struct ovs_header)) +
		nla_total_size(pkt_len) +			/* PACKET */
		nla_total_size(ovs_nla_key_attr_size()) +	/* KEY */
		nla_total_size(sizeof(u32)) +			/* LEN */
		nla_total_size(sizeof(u16)) +			/* MRU */
		nla_total_size(sizeof(u64));			/* HASH */

	if (info->userdata)
		size += NLA_ALIGN(info->userdata->nla_len);
	if (info->actions && info->flow_acts)
		size += nla_total_size(info->flow_acts->len);
	return size;
}

/* OVS_PACKET_ATTR_HASH: the skb hash and how it was computed, so that
 * a packet userspace re-injects keeps it.
 */
static int ovs_upcall_put_hash(struct sk_buff *msg, struct sk_buff *skb)
{
	u64 hash = skb_get_hash_raw(skb);

	if (skb->sw_hash)
		hash |= OVS_PACKET_HASH_SW_BIT;
	if (skb->l4_hash)
		hash |= OVS_PACKET_HASH_L4_BIT;
	return nla_put(msg, OVS_PACKET_ATTR_HASH, sizeof(hash), &hash);
}

/* Build and send one upcall for a non-GSO @skb. */
static int ovs_upcall_queue(struct ovs_dp *dp, struct sk_buff *skb,
			    const struct ovs_key *key,
			    const struct ovs_upcall_info *info)
{
	unsigned int len, cutlen = OVS_CB(skb)->cutlen;
	struct sk_buff *nskb = NULL, *msg;
	struct ovs_header *h;
	struct nlattr *nla;
	int err;

	/* Userspace expects to see the VLAN tag in the frame. */
	if (skb_vlan_tag_present(skb)) {
		nskb = skb_clone(skb, GFP_ATOMIC);
		if (!nskb)
			return -ENOMEM;
		nskb = __vlan_hwaccel_push_inside(nskb);
		if (!nskb)
			return -ENOMEM;
		skb = nskb;
	}

	if (skb->ip_summed == CHECKSUM_PARTIAL) {
		err = skb_csum_hwoffload_help(skb, 0);
		if (err)
			goto out;
	}

	len = skb->len;
	if (cutlen && cutlen < len)
		len = cutlen;
	if (nla_attr_size(len) > USHRT_MAX) {
		err = -EFBIG;
		goto out;
	}

	msg = genlmsg_new(ovs_upcall_msg_size(info, len), GFP_ATOMIC);
	if (!msg) {
		err = -ENOMEM;
		goto out;
	}

	h = genlmsg_put(msg, 0, 0, &ovs_packet_genl_family, 0, info->cmd);
	if (!h) {
		err = -EMSGSIZE;
		goto err_free;
	}
	h->dp_ifindex = ovs_dp_ifindex(dp);

	err = ovs_nla_put_packet_key(msg, OVS_PACKET_ATTR_KEY, key);
	if (err)
		goto err_free;

	err = -EMSGSIZE;
	if (info->userdata &&
	    nla_put(msg, OVS_PACKET_ATTR_USERDATA, nla_len(info->userdata),
		    nla_data(info->userdata)))
		goto err_free;
	if (info->actions && info->flow_acts &&
	    nla_put(msg, OVS_PACKET_ATTR_ACTIONS, info->flow_acts->len,
		    info->flow_acts->data))
		goto err_free;
	if (info->mru && nla_put_u16(msg, OVS_PACKET_ATTR_MRU, info->mru))
		goto err_free;
	if (len < skb->len &&
	    nla_put_u32(msg, OVS_PACKET_ATTR_LEN, skb->len))
		goto err_free;
	if (ovs_upcall_put_hash(msg, skb))
		goto err_free;

	nla = nla_reserve(msg, OVS_PACKET_ATTR_PACKET, len);
	if (!nla)
		goto err_free;
	err = skb_copy_bits(skb, 0, nla_data(nla), len);
	if (err)
		goto err_free;

	genlmsg_end(msg, h);
	err = genlmsg_unicast(ovs_dp_net(dp), msg, info->portid);
	goto out;

err_free:
	kfree_skb(msg);
out:
	kfree_skb(nskb);
	return err;
}

/* Userspace receives frames, not GSO super-packets: segment first. */
static int ovs_upcall_queue_gso(struct ovs_dp *dp, struct sk_buff *skb,
				const struct ovs_key *key,
				const struct ovs_upcall_info *info)
{
	struct sk_buff *segs, *seg, *next;
	int err = 0;

	segs = __skb_gso_segment(skb, NETIF_F_SG, false);
	if (IS_ERR(segs))
		return PTR_ERR(segs);
	if (!segs)
		return -EINVAL;

	skb_list_walk_safe(segs, seg, next) {
		if (!err) {
			OVS_CB(seg)->cutlen = OVS_CB(skb)->cutlen;
			err = ovs_upcall_queue(dp, seg, key, info);
		}
		consume_skb(seg);
	}
	return err;
}

/* Send @skb (not consumed) to userspace as described by @info.  A packet
 * that cannot be delivered is counted as lost.
 */
int ovs_dp_upcall(struct ovs_dp *dp, struct sk_buff *skb,
		  const struct ovs_key *key,
		  const struct ovs_upcall_info *info)
{
	int err;

	if (unlikely(!info->portid))
		err = -ENOTCONN;
	else if (skb_is_gso(skb))
		err = ovs_upcall_queue_gso(dp, skb, key, info);
	else
		err = ovs_upcall_queue(dp, skb, key, info);

	if (unlikely(err))
		ovs_dp_count_lost(dp);
	return err;
}
