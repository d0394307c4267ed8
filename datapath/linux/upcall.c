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

/* ---- fair shares of per-CPU upcall sockets ---- */

/*
 * Upcalls of quiet ports that a full socket refused are kept, at most
 * OVS_KEPT_MAX per socket and for at most OVS_KEPT_AGE, and sent again
 * from a timer once the socket takes messages again (a netlink socket
 * that overflowed refuses everything until its reader has emptied it).
 */
#define OVS_KEPT_MAX	64
#define OVS_KEPT_AGE	HZ
/* A retry run may empty the whole queue: flooding ports wait meanwhile. */
#define OVS_RETRY_BATCH	OVS_KEPT_MAX

struct ovs_kept_cb {
	unsigned long since;		/* jiffies when first refused */
};

#define OVS_KEPT_CB(msg) ((struct ovs_kept_cb *)(msg)->cb)

static void ovs_upcall_retry(struct timer_list *t);

/* Slices of 10 ms (at least a jiffy); congestion outlives its cause by
 * a second.
 */
static const struct ovs_fair_params *ovs_fair_params(void)
{
	static const struct ovs_fair_params p = {
		.slice = HZ / 100 ? HZ / 100 : 1,
		.hold = HZ,
	};

	return &p;
}

/*
 * Returns a copy of the per-CPU array @arr with one ovs_upcall_share per
 * distinct socket among the entries a CPU can use, and frees @arr; or an
 * ERR_PTR (and @arr is freed too).
 */
struct ovs_pid_array *ovs_upcall_add_shares(struct ovs_dp *dp,
					    struct ovs_pid_array *arr)
{
	u32 used = min_t(u32, arr->n, nr_cpu_ids), i, j, k = 0;
	size_t pids_sz, map_sz, size;
	struct ovs_pid_array *out;
	u16 *share_of;

	share_of = kmalloc_array(used, sizeof(*share_of), GFP_KERNEL);
	if (!share_of) {
		kfree(arr);
		return ERR_PTR(-ENOMEM);
	}
	/* Number the distinct PIDs in order of first appearance. */
	for (i = 0; i < used; i++) {
		for (j = 0; j < i; j++)
			if (arr->pids[j] == arr->pids[i])
				break;
		share_of[i] = j < i ? share_of[j] : k++;
	}

	pids_sz = ALIGN(struct_size(arr, pids, arr->n), sizeof(u64));
	map_sz = ALIGN(used * sizeof(*share_of), sizeof(u64));
	size = pids_sz + map_sz + k * sizeof(struct ovs_upcall_share);
	out = kzalloc(size, GFP_KERNEL);
	if (!out) {
		kfree(share_of);
		kfree(arr);
		return ERR_PTR(-ENOMEM);
	}
	out->n = arr->n;
	memcpy(out->pids, arr->pids, arr->n * sizeof(u32));
	out->share_of = (u16 *)((char *)out + pids_sz);
	memcpy(out->share_of, share_of, used * sizeof(*share_of));
	out->shares = (struct ovs_upcall_share *)((char *)out + pids_sz +
						  map_sz);
	out->n_shares = k;
	for (i = 0; i < used; i++) {
		struct ovs_upcall_share *share = &out->shares[share_of[i]];

		if (share->dp)
			continue;	/* already set up */
		spin_lock_init(&share->lock);
		ovs_upcall_fair_init(&share->fair, jiffies);
		__skb_queue_head_init(&share->kept);
		timer_setup(&share->retry, ovs_upcall_retry, 0);
		share->dp = dp;
		share->portid = out->pids[i];
	}
	kfree(share_of);
	kfree(arr);
	return out;
}

/*
 * Before @arr goes (it is freed after a grace period): no more keeping,
 * kept upcalls are lost, the timer is stopped for good.  Process context,
 * under ovs_mutex.
 */
void ovs_upcall_shares_stop(struct ovs_pid_array *arr)
{
	u32 i;

	for (i = 0; i < arr->n_shares; i++) {
		struct ovs_upcall_share *share = &arr->shares[i];
		struct sk_buff *msg;

		spin_lock_bh(&share->lock);
		share->dead = true;
		while ((msg = __skb_dequeue(&share->kept))) {
			kfree_skb(msg);
			ovs_dp_count_lost(share->dp);
		}
		spin_unlock_bh(&share->lock);
		del_timer_sync(&share->retry);
	}
}

/* The share of the socket this CPU's upcalls go to, in per-CPU mode. */
static struct ovs_upcall_share *ovs_upcall_share(const struct ovs_dp *dp)
{
	const struct ovs_pid_array *pids;
	u32 i;

	if (!(dp->user_features & OVS_DP_F_DISPATCH_UPCALL_PER_CPU))
		return NULL;
	/* With IRQs off (netpoll) the share's BH-level lock could be held
	 * by the very softirq we interrupted: send without fairness.
	 */
	if (unlikely(irqs_disabled()))
		return NULL;
	pids = rcu_dereference(dp->cpu_pids);
	if (!pids || !pids->n_shares)
		return NULL;
	i = smp_processor_id() % pids->n;
	if (i >= nr_cpu_ids)
		return NULL;
	return &pids->shares[pids->share_of[i]];
}

static enum ovs_fair_verdict ovs_upcall_admit(struct ovs_upcall_share *share,
					      u32 port_no)
{
	enum ovs_fair_verdict v;

	spin_lock(&share->lock);
	v = ovs_upcall_fair_admit(&share->fair, ovs_fair_params(), port_no,
				  jiffies);
	/* Kept upcalls go first when the socket has room again. */
	if (v == OVS_FAIR_SEND && !skb_queue_empty(&share->kept))
		v = OVS_FAIR_SHED;
	spin_unlock(&share->lock);
	return v;
}

/* The outcome of @n upcalls sent together, for the socket's fair share. */
static void ovs_upcall_account(struct ovs_upcall_share *share, int err,
			       u32 n)
{
	u32 i;

	spin_lock(&share->lock);
	/* netlink_unicast() says -EAGAIN when the receive queue is full. */
	for (i = 0; i < n; i++)
		ovs_upcall_fair_result(&share->fair, ovs_fair_params(), !err,
				       err == -EAGAIN, jiffies);
	spin_unlock(&share->lock);
}

/*
 * The outcome of @n upcalls that went out together (a batch): the fair
 * share of their socket learns it as @n sends, and a refused batch is @n
 * lost upcalls.  Under RCU, BHs disabled.
 */
void ovs_upcall_sent(struct ovs_dp *dp, int err, u32 n)
{
	struct ovs_upcall_share *share = ovs_upcall_share(dp);
	u32 i;

	if (share)
		ovs_upcall_account(share, err, n);
	if (err)
		for (i = 0; i < n; i++)
			ovs_dp_count_lost(dp);
}

/* Keep @msg for the retry timer, or drop it as lost.  Under share->lock. */
static void ovs_upcall_keep(struct ovs_upcall_share *share,
			    struct sk_buff *msg, bool at_head)
{
	if (share->dead || skb_queue_len(&share->kept) >= OVS_KEPT_MAX) {
		kfree_skb(msg);
		ovs_dp_count_lost(share->dp);
		return;
	}
	if (at_head) {
		__skb_queue_head(&share->kept, msg);
	} else {
		OVS_KEPT_CB(msg)->since = jiffies;
		__skb_queue_tail(&share->kept, msg);
	}
	if (!timer_pending(&share->retry))
		mod_timer(&share->retry, jiffies + 1);
}

/* Send kept upcalls, oldest first, while the socket takes them. */
static void ovs_upcall_retry(struct timer_list *t)
{
	struct ovs_upcall_share *share = from_timer(share, t, retry);
	struct sk_buff *msg, *copy;
	int n, err;

	for (n = 0; n < OVS_RETRY_BATCH; n++) {
		spin_lock(&share->lock);
		msg = share->dead ? NULL : __skb_dequeue(&share->kept);
		spin_unlock(&share->lock);
		if (!msg)
			return;

		if (time_after(jiffies, OVS_KEPT_CB(msg)->since +
			       OVS_KEPT_AGE)) {
			kfree_skb(msg);
			ovs_dp_count_lost(share->dp);
			continue;
		}
		/* netlink frees what it refuses: send a clone, with the
		 * control block netlink fills (sender credentials) clean of
		 * our timestamp.
		 */
		copy = skb_clone(msg, GFP_ATOMIC);
		if (copy)
			memset(copy->cb, 0, sizeof(copy->cb));
		err = copy ? genlmsg_unicast(ovs_dp_net(share->dp), copy,
					     share->portid) : -EAGAIN;
		if (copy)
			ovs_upcall_account(share, err, 1);
		if (err == -EAGAIN) {
			spin_lock(&share->lock);
			ovs_upcall_keep(share, msg, true);
			spin_unlock(&share->lock);
			return;
		}
		consume_skb(msg);
		if (err)
			ovs_dp_count_lost(share->dp);
	}
	spin_lock(&share->lock);
	if (!share->dead && !skb_queue_empty(&share->kept))
		mod_timer(&share->retry, jiffies + 1);
	spin_unlock(&share->lock);
}

/*
 * Send a built upcall.  With @keep, one the socket refuses is kept for
 * the retry timer instead of lost, and one that would queue behind kept
 * ones (or meet a socket known to be full) goes straight to the line.
 * Returns 0 for kept upcalls: they are not lost (yet).
 */
static int ovs_upcall_deliver(struct ovs_dp *dp, struct sk_buff *msg,
			      u32 portid, struct ovs_upcall_share *share,
			      bool keep)
{
	struct sk_buff *copy = NULL;
	int err;

	if (keep) {
		spin_lock(&share->lock);
		if (!skb_queue_empty(&share->kept) ||
		    ovs_upcall_fair_overflowing(&share->fair)) {
			ovs_upcall_keep(share, msg, false);
			spin_unlock(&share->lock);
			return 0;
		}
		spin_unlock(&share->lock);
		copy = skb_clone(msg, GFP_ATOMIC);
	}

	err = genlmsg_unicast(ovs_dp_net(dp), msg, portid);
	if (share)
		ovs_upcall_account(share, err, 1);
	if (copy) {
		if (err == -EAGAIN) {
			spin_lock(&share->lock);
			ovs_upcall_keep(share, copy, false);
			spin_unlock(&share->lock);
			return 0;
		}
		consume_skb(copy);
	}
	return err;
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

/* Write the upcall message for the first @len bytes of @skb at the end
 * of @msg.
 */
static int ovs_upcall_fill(struct sk_buff *msg, struct ovs_dp *dp,
			   struct sk_buff *skb, unsigned int len,
			   const struct ovs_key *key,
			   const struct ovs_upcall_info *info)
{
	struct ovs_header *h;
	struct nlattr *nla;
	int err;

	h = genlmsg_put(msg, 0, 0, &ovs_packet_genl_family, 0, info->cmd);
	if (!h)
		return -EMSGSIZE;
	h->dp_ifindex = ovs_dp_ifindex(dp);

	err = ovs_nla_put_packet_key(msg, OVS_PACKET_ATTR_KEY, key);
	if (err)
		return err;

	if (info->userdata &&
	    nla_put(msg, OVS_PACKET_ATTR_USERDATA, nla_len(info->userdata),
		    nla_data(info->userdata)))
		return -EMSGSIZE;
	if (info->actions && info->flow_acts &&
	    nla_put(msg, OVS_PACKET_ATTR_ACTIONS, info->flow_acts->len,
		    info->flow_acts->data))
		return -EMSGSIZE;
	if (info->mru && nla_put_u16(msg, OVS_PACKET_ATTR_MRU, info->mru))
		return -EMSGSIZE;
	if (len < skb->len &&
	    nla_put_u32(msg, OVS_PACKET_ATTR_LEN, skb->len))
		return -EMSGSIZE;
	if (ovs_upcall_put_hash(msg, skb))
		return -EMSGSIZE;

	nla = nla_reserve(msg, OVS_PACKET_ATTR_PACKET, len);
	if (!nla)
		return -EMSGSIZE;
	err = skb_copy_bits(skb, 0, nla_data(nla), len);
	if (err)
		return err;

	genlmsg_end(msg, h);
	return 0;
}

/*
 * Add the upcall to this CPU's open batch, if the datapath batches and
 * this one may wait for it: 0 when added (its fate is the batch's), or
 * 1 when it must go out alone.
 */
static int ovs_upcall_batch(struct ovs_dp *dp, struct sk_buff *skb,
			    unsigned int len, const struct ovs_key *key,
			    const struct ovs_upcall_info *info, bool keep)
{
	struct sk_buff *msg;
	unsigned char *mark;
	int err;

	/* A kept upcall's fate is decided at its send: it goes alone. */
	msg = keep ? NULL : ovs_upcall_batch_room(dp, info->portid,
						   ovs_upcall_msg_size(info,
								       len));
	if (!msg) {
		/* Nothing may overtake what an open batch holds. */
		if (likely(!irqs_disabled()))
			ovs_upcall_batch_flush_local();
		return 1;
	}
	mark = skb_tail_pointer(msg);
	err = ovs_upcall_fill(msg, dp, skb, len, key, info);
	if (err) {
		nlmsg_trim(msg, mark);
		return err;
	}
	ovs_upcall_batch_added();
	return 0;
}

/* Build and send one upcall for a non-GSO @skb. */
static int ovs_upcall_queue(struct ovs_dp *dp, struct sk_buff *skb,
			    const struct ovs_key *key,
			    const struct ovs_upcall_info *info,
			    struct ovs_upcall_share *share, bool keep)
{
	unsigned int len, cutlen = OVS_CB(skb)->cutlen;
	struct sk_buff *nskb = NULL, *msg;
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

	err = ovs_upcall_batch(dp, skb, len, key, info, keep);
	if (err <= 0)
		goto out;

	msg = genlmsg_new(ovs_upcall_msg_size(info, len), GFP_ATOMIC);
	if (!msg) {
		err = -ENOMEM;
		goto out;
	}
	err = ovs_upcall_fill(msg, dp, skb, len, key, info);
	if (err)
		goto err_free;
	err = ovs_upcall_deliver(dp, msg, info->portid, share, keep);
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
				const struct ovs_upcall_info *info,
				struct ovs_upcall_share *share, bool keep)
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
			err = ovs_upcall_queue(dp, seg, key, info, share,
					       keep);
		}
		consume_skb(seg);
	}
	return err;
}

/* Send @skb (not consumed) to userspace as described by @info.  A packet
 * that cannot be delivered, or that its port's fair share of a congested
 * per-CPU socket does not admit, is counted as lost.
 */
int ovs_dp_upcall(struct ovs_dp *dp, struct sk_buff *skb,
		  const struct ovs_key *key,
		  const struct ovs_upcall_info *info)
{
	enum ovs_fair_verdict v = OVS_FAIR_SEND;
	struct ovs_upcall_share *share;
	bool keep;
	int err;

	if (unlikely(!info->portid)) {
		err = -ENOTCONN;
		goto out;
	}

	share = ovs_upcall_share(dp);
	if (share)
		v = ovs_upcall_admit(share, key->in_port);
	if (v == OVS_FAIR_SHED) {
		err = -ENOBUFS;		/* shed: another port's turn */
		goto out;
	}
	keep = v == OVS_FAIR_SEND_KEEP;

	if (skb_is_gso(skb))
		err = ovs_upcall_queue_gso(dp, skb, key, info, share, keep);
	else
		err = ovs_upcall_queue(dp, skb, key, info, share, keep);
out:
	if (unlikely(err))
		ovs_dp_count_lost(dp);
	return err;
}
