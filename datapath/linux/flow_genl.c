// SPDX-License-Identifier: GPL-2.0
/*
 * The ovs_flow generic netlink family: install, modify, query, delete and
 * dump megaflows.  A flow is named by its UFID when userspace gave one,
 * otherwise by its unmasked key.  Attribute parsing and validation are the
 * portable flow_netlink code's; this file is the genl and locking glue.
 */
#include <linux/jiffies.h>
#include <linux/slab.h>
#include <linux/timekeeping.h>
#include <net/genetlink.h>

#include "datapath.h"
#include "flow.h"
#include "flow_netlink.h"

const struct genl_multicast_group ovs_flow_mcgroup = {
	.name = OVS_FLOW_MCGROUP,
};

/* OVS_FLOW_ATTR_UFID of a request; len 0 when absent. */
struct ovs_flow_ufid {
	u32 len;
	u8 id[OVS_FLOW_UFID_MAX];
};

/* Userspace's clock for OVS_FLOW_ATTR_USED: monotonic milliseconds. */
static u64 ovs_flow_used_ms(unsigned long used)
{
	struct timespec64 now;
	u64 now_ms;

	ktime_get_ts64(&now);
	now_ms = (u64)(u32)now.tv_sec * MSEC_PER_SEC +
		 now.tv_nsec / NSEC_PER_MSEC;
	return now_ms - jiffies_to_msecs(jiffies - used);
}

static size_t ovs_flow_msg_size(const struct ovs_actions *acts, u32 ufid_flags)
{
	size_t size = NLMSG_ALIGN(sizeof(struct ovs_header)) +
		nla_total_size(OVS_FLOW_UFID_MAX) +		/* UFID */
		nla_total_size_64bit(sizeof(struct ovs_flow_stats)) +
		nla_total_size(1) +				/* TCP_FLAGS */
		nla_total_size_64bit(8);			/* USED */

	/* The identifier is a key when there is no UFID. */
	size += nla_total_size(ovs_nla_key_attr_size());
	if (!(ufid_flags & OVS_UFID_F_OMIT_KEY))
		size += nla_total_size(ovs_nla_key_attr_size());
	if (!(ufid_flags & OVS_UFID_F_OMIT_MASK))
		size += nla_total_size(ovs_nla_key_attr_size());
	if (acts && !(ufid_flags & OVS_UFID_F_OMIT_ACTIONS))
		size += nla_total_size(acts->len);
	return size;
}

static int ovs_flow_fill_stats(const struct ovs_flow *flow,
			       struct sk_buff *skb)
{
	struct ovs_flow_stats stats;
	unsigned long used;
	__be16 tcp_flags;

	ovs_flow_stats_get(flow, &stats, &used, &tcp_flags);
	if (used && nla_put_u64_64bit(skb, OVS_FLOW_ATTR_USED,
				      ovs_flow_used_ms(used),
				      OVS_FLOW_ATTR_PAD))
		return -EMSGSIZE;
	if (stats.n_packets &&
	    nla_put_64bit(skb, OVS_FLOW_ATTR_STATS, sizeof(stats), &stats,
			  OVS_FLOW_ATTR_PAD))
		return -EMSGSIZE;
	if ((u8)ntohs(tcp_flags) &&
	    nla_put_u8(skb, OVS_FLOW_ATTR_TCP_FLAGS, (u8)ntohs(tcp_flags)))
		return -EMSGSIZE;
	return 0;
}

/*
 * An action list may not fit a dump message; rather than making the flow
 * undumpable, leave its actions out when it is alone in the message
 * (userspace can GET them).  @first says whether it is.
 */
static int ovs_flow_fill_actions(const struct ovs_flow *flow,
				 struct sk_buff *skb, bool first)
{
	const struct ovs_actions *acts = ovs_deref_rcu(flow->acts);
	struct nlattr *start;
	int err;

	start = nla_nest_start_noflag(skb, OVS_FLOW_ATTR_ACTIONS);
	if (!start)
		return first ? 0 : -EMSGSIZE;

	err = ovs_nla_put_actions(skb, acts);
	if (err) {
		nla_nest_cancel(skb, start);
		return first ? 0 : err;
	}
	nla_nest_end(skb, start);
	return 0;
}

/* A flow is named by its UFID, or without one by its unmasked key. */
static int ovs_flow_put_identifier(const struct ovs_flow *flow,
				   struct sk_buff *skb)
{
	if (ovs_flow_has_ufid(flow))
		return nla_put(skb, OVS_FLOW_ATTR_UFID, flow->ufid_len,
			       flow->id.ufid);
	return ovs_nla_put_key(skb, OVS_FLOW_ATTR_KEY, flow->id.unmasked_key,
			       NULL, false);
}

static bool ovs_flow_is_named(const struct ovs_flow *flow,
			      const struct ovs_flow_ufid *ufid,
			      const struct ovs_key *key)
{
	if (ovs_flow_has_ufid(flow))
		return ufid->len == flow->ufid_len &&
		       !memcmp(flow->id.ufid, ufid->id, ufid->len);
	return !ufid->len && !memcmp(flow->id.unmasked_key, key, sizeof(*key));
}

/* A new, unpublished flow for @key (unmasked) under a mask of @range,
 * named by @ufid or @key.
 */
static struct ovs_flow *ovs_flow_new(const struct ovs_key *key,
				     struct ovs_key_range range,
				     const struct ovs_flow_ufid *ufid)
{
	struct ovs_flow *flow;
	int err;

	flow = ovs_flow_alloc_key(key, range);	/* masked on insert */
	if (IS_ERR(flow))
		return flow;
	if (ufid->len)
		err = ovs_flow_set_ufid(flow, ufid->id, ufid->len);
	else
		err = ovs_flow_set_unmasked_key(flow, key);
	if (err) {
		ovs_flow_free(flow);
		return ERR_PTR(err);
	}
	return flow;
}

/* The masked key (unless the flow is named by it anyway) and the mask,
 * as far as @ufid_flags ask for them.  Both are written from the whole
 * key, which the flow stores only the mask's range of.
 */
static noinline_for_stack int
ovs_flow_put_key_mask(const struct ovs_flow *flow, struct sk_buff *skb,
		      u32 ufid_flags)
{
	bool put_key = ovs_flow_has_ufid(flow) &&
		       !(ufid_flags & OVS_UFID_F_OMIT_KEY);
	bool put_mask = !(ufid_flags & OVS_UFID_F_OMIT_MASK);
	struct ovs_key key;
	int err;

	if (!put_key && !put_mask)
		return 0;
	ovs_flow_key_expand(flow, &key);
	if (put_key) {
		err = ovs_nla_put_key(skb, OVS_FLOW_ATTR_KEY, &key,
				      &flow->mask->key, false);
		if (err)
			return err;
	}
	if (put_mask)
		return ovs_nla_put_key(skb, OVS_FLOW_ATTR_MASK, &key,
				       &flow->mask->key, true);
	return 0;
}

static int ovs_flow_fill(const struct ovs_dp *dp, const struct ovs_flow *flow,
			 struct sk_buff *skb, u32 portid, u32 seq, u32 flags,
			 u8 cmd, u32 ufid_flags)
{
	bool first = !skb->len;
	struct ovs_header *h;
	int err;

	h = genlmsg_put(skb, portid, seq, &ovs_flow_genl_family, flags, cmd);
	if (!h)
		return -EMSGSIZE;
	h->dp_ifindex = ovs_dp_ifindex(dp);

	err = ovs_flow_put_identifier(flow, skb);
	if (err)
		goto error;
	err = ovs_flow_put_key_mask(flow, skb, ufid_flags);
	if (err)
		goto error;
	err = ovs_flow_fill_stats(flow, skb);
	if (err)
		goto error;
	if (!(ufid_flags & OVS_UFID_F_OMIT_ACTIONS)) {
		err = ovs_flow_fill_actions(flow, skb, first);
		if (err)
			goto error;
	}

	genlmsg_end(skb, h);
	return 0;

error:
	genlmsg_cancel(skb, h);
	return err;
}

static struct sk_buff *ovs_flow_build_msg(const struct ovs_dp *dp,
					  const struct ovs_flow *flow,
					  struct genl_info *info, u8 cmd,
					  u32 ufid_flags)
{
	struct sk_buff *skb;
	int err;

	skb = genlmsg_new(ovs_flow_msg_size(ovs_deref_rcu(flow->acts),
					    ufid_flags), GFP_KERNEL);
	if (!skb)
		return ERR_PTR(-ENOMEM);
	err = ovs_flow_fill(dp, flow, skb, info->snd_portid, info->snd_seq, 0,
			    cmd, ufid_flags);
	if (err) {
		kfree_skb(skb);
		return ERR_PTR(err);
	}
	return skb;
}

/*
 * Replies go to the requester unless it asked for none (NLM_F_ECHO not
 * set and the flow family's listeners are the only audience); either way
 * listeners on the multicast group hear of the change.
 */
static void ovs_flow_notify(struct sk_buff *reply, struct genl_info *info)
{
	genl_notify(&ovs_flow_genl_family, reply, info, 0, GFP_KERNEL);
}

static bool ovs_flow_want_reply(struct genl_info *info)
{
	return info->nlhdr->nlmsg_flags & NLM_F_ECHO ||
	       genl_has_listeners(&ovs_flow_genl_family, genl_info_net(info),
				  0);
}

static u32 ovs_flow_ufid_flags(struct nlattr **a)
{
	return a[OVS_FLOW_ATTR_UFID_FLAGS] ?
		nla_get_u32(a[OVS_FLOW_ATTR_UFID_FLAGS]) : 0;
}

/* Parse OVS_FLOW_ATTR_UFID into @id, if present. */
static int ovs_flow_get_ufid(struct nlattr **a, struct ovs_flow_ufid *id,
			     struct netlink_ext_ack *extack)
{
	const struct nlattr *attr = a[OVS_FLOW_ATTR_UFID];

	id->len = 0;
	if (!attr)
		return 0;
	if (!nla_len(attr) || nla_len(attr) > OVS_FLOW_UFID_MAX) {
		NL_SET_ERR_MSG_ATTR(extack, attr, "Bad UFID length");
		return -EINVAL;
	}
	id->len = nla_len(attr);
	memcpy(id->id, nla_data(attr), id->len);
	return 0;
}

/* Find the flow a GET/DEL/SET names: by UFID, else by unmasked key. */
static struct ovs_flow *ovs_flow_find(struct ovs_dp *dp,
				      const struct ovs_flow_ufid *ufid,
				      const struct ovs_key *key)
{
	if (ufid->len)
		return ovs_flow_table_lookup_ufid(&dp->table, ufid->id,
						  ufid->len);
	return ovs_flow_table_lookup_unmasked(&dp->table, key);
}

/*
 * One flow to create or update.  OVS_FLOW_CMD_NEW parses and allocates it
 * before taking ovs_mutex; a batch does so under the mutex, flow by flow.
 */
struct ovs_flow_req {
	struct ovs_flow_ufid ufid;
	struct ovs_key key, mask;
	struct ovs_key_range range;
	struct ovs_actions *acts;
	struct ovs_flow *new_flow;
	u32 ufid_flags;
};

/* Parse a NEW request's attributes @a (KEY and ACTIONS present). */
static int ovs_flow_req_parse(struct nlattr **a, struct ovs_flow_req *req,
			      struct netlink_ext_ack *extack)
{
	bool log = !a[OVS_FLOW_ATTR_PROBE];
	int err;

	req->ufid_flags = ovs_flow_ufid_flags(a);
	err = ovs_flow_get_ufid(a, &req->ufid, extack);
	if (err)
		return err;
	err = ovs_nla_parse_key_mask(a[OVS_FLOW_ATTR_KEY], a[OVS_FLOW_ATTR_MASK],
				     &req->key, &req->mask, &req->range, log,
				     extack);
	if (err)
		return err;

	req->acts = ovs_nla_copy_actions(a[OVS_FLOW_ATTR_ACTIONS], &req->key,
					 &req->mask, log, extack);
	if (IS_ERR(req->acts))
		return PTR_ERR(req->acts);

	req->new_flow = ovs_flow_new(&req->key, req->range, &req->ufid);
	if (IS_ERR(req->new_flow)) {
		kfree(req->acts);
		return PTR_ERR(req->new_flow);
	}
	return 0;
}

static void ovs_flow_req_free(struct ovs_flow_req *req)
{
	ovs_flow_free(req->new_flow);
	kfree(req->acts);
}

/*
 * Under ovs_mutex: insert @req's flow into @dp, or give its actions to
 * the flow already there.  Returns the flow that now has the actions; the
 * request's allocations are used or freed either way.
 */
static struct ovs_flow *ovs_flow_req_apply(struct ovs_dp *dp,
					   struct ovs_flow_req *req,
					   bool create_only,
					   struct netlink_ext_ack *extack)
{
	struct ovs_flow *flow;
	int err;

	/* A flow that would already match these packets is a duplicate. */
	flow = req->ufid.len ? ovs_flow_table_lookup_ufid(&dp->table,
							  req->ufid.id,
							  req->ufid.len) : NULL;
	if (!flow)
		flow = ovs_flow_table_match(&dp->table, &req->key);

	if (!flow) {
		ovs_flow_set_actions(req->new_flow, req->acts);
		err = ovs_flow_table_insert(&dp->table, req->new_flow,
					    &req->mask, req->range);
		if (err) {
			ovs_flow_free(req->new_flow);	/* frees acts too */
			return ERR_PTR(err);
		}
		return req->new_flow;
	}

	if (create_only) {
		NL_SET_ERR_MSG_MOD(extack, "Flow already exists");
		err = -EEXIST;
		goto err_free;
	}
	/* Modifying: the identifier must name this very flow.  Another key
	 * of the same megaflow names no flow, but a flow under another mask
	 * may have exactly this unmasked key.
	 */
	if (!ovs_flow_is_named(flow, &req->ufid, &req->key)) {
		flow = ovs_flow_has_ufid(flow) ? NULL :
			ovs_flow_table_lookup_unmasked(&dp->table, &req->key);
		if (!flow) {
			NL_SET_ERR_MSG_MOD(extack,
					   "An overlapping flow exists with another identity");
			err = -ENOENT;
			goto err_free;
		}
	}
	ovs_flow_set_actions(flow, req->acts);
	ovs_flow_free(req->new_flow);
	return flow;

err_free:
	ovs_flow_req_free(req);
	return ERR_PTR(err);
}

static int ovs_flow_cmd_new(struct sk_buff *skb, struct genl_info *info)
{
	struct netlink_ext_ack *extack = info->extack;
	struct sk_buff *reply = NULL;
	struct ovs_flow_req req;
	struct ovs_flow *flow;
	struct ovs_dp *dp;
	int err;

	if (OVS_ATTR_MISSING(info, OVS_FLOW_ATTR_KEY, "Flow key required") ||
	    OVS_ATTR_MISSING(info, OVS_FLOW_ATTR_ACTIONS,
			     "Flow actions required"))
		return -EINVAL;
	err = ovs_flow_req_parse(info->attrs, &req, extack);
	if (err)
		return err;

	mutex_lock(&ovs_mutex);
	dp = ovs_dp_lookup_msg(genl_info_net(info), info->userhdr, info->attrs,
			       0, extack);
	if (!dp) {
		ovs_flow_req_free(&req);
		err = -ENODEV;
		goto out_unlock;
	}
	/* Userspace says NLM_F_CREATE when it means "only create"
	 * (NLM_F_EXCL would make genetlink treat it as a dump).
	 */
	flow = ovs_flow_req_apply(dp, &req, info->nlhdr->nlmsg_flags &
				  (NLM_F_CREATE | NLM_F_EXCL), extack);
	if (IS_ERR(flow)) {
		err = PTR_ERR(flow);
		goto out_unlock;
	}
	if (ovs_flow_want_reply(info))
		reply = ovs_flow_build_msg(dp, flow, info, OVS_FLOW_CMD_NEW,
					   req.ufid_flags);
	mutex_unlock(&ovs_mutex);

	if (reply) {
		if (IS_ERR(reply))
			return PTR_ERR(reply);
		ovs_flow_notify(reply, info);
	}
	return 0;

out_unlock:
	mutex_unlock(&ovs_mutex);
	return err;
}

/* One flow of an OVSDP_FLOW_CMD_NEW_BATCH, under ovs_mutex. */
static int ovs_flow_batch_one(struct ovs_dp *dp, const struct nlattr *elem,
			      bool create_only, bool notify,
			      struct genl_info *info)
{
	struct netlink_ext_ack *extack = info->extack;
	struct nlattr *a[OVS_FLOW_ATTR_MAX + 1];
	struct ovs_flow_req req;
	struct ovs_flow *flow;
	struct sk_buff *reply;
	int err;

	err = ovs_check_attrs(ovs_flow_genl_family.policy, OVS_FLOW_ATTR_MAX,
			      nla_data(elem), nla_len(elem), extack);
	if (err)
		return err;
	err = nla_parse_nested_deprecated(a, OVS_FLOW_ATTR_MAX, elem,
					  ovs_flow_genl_family.policy, extack);
	if (err)
		return err;
	if (!a[OVS_FLOW_ATTR_KEY] || !a[OVS_FLOW_ATTR_ACTIONS]) {
		NL_SET_ERR_MSG_MOD(extack, "Flow key and actions required");
		return -EINVAL;
	}
	err = ovs_flow_req_parse(a, &req, extack);
	if (err)
		return err;
	flow = ovs_flow_req_apply(dp, &req, create_only, extack);
	if (IS_ERR(flow))
		return PTR_ERR(flow);

	if (notify) {
		/* The flow is in: a notification that cannot be built is
		 * lost, as one the multicast group overruns would be.
		 */
		reply = ovs_flow_build_msg(dp, flow, info, OVS_FLOW_CMD_NEW,
					   req.ufid_flags);
		if (!IS_ERR(reply))
			ovs_flow_notify(reply, info);
	}
	return 0;
}

/*
 * OVSDP_FLOW_CMD_NEW_BATCH (dp_ext.h).  ovs_mutex is held for the whole
 * message, which the sender's socket buffer bounds (a few thousand flows
 * at most); packets never wait for it, only other flow and port requests.
 */
static int ovs_flow_cmd_new_batch(struct sk_buff *skb, struct genl_info *info)
{
	struct netlink_ext_ack *extack = info->extack;
	bool create_only = info->attrs[OVSDP_FLOW_BATCH_ATTR_CREATE];
	const struct nlattr *elem;
	struct ovs_dp *dp;
	bool notify;
	int rem, err = 0;

	if (info->nlhdr->nlmsg_flags & NLM_F_ECHO) {
		NL_SET_ERR_MSG_MOD(extack, "A flow batch has no echo");
		return -EOPNOTSUPP;
	}

	mutex_lock(&ovs_mutex);
	dp = ovs_dp_lookup_msg(genl_info_net(info), info->userhdr, info->attrs,
			       0, extack);
	if (!dp) {
		err = -ENODEV;
		goto out;
	}
	notify = genl_has_listeners(&ovs_flow_genl_family,
				    genl_info_net(info), 0);
	nlmsg_for_each_attr(elem, info->nlhdr,
			    GENL_HDRLEN + ovs_flow_genl_family.hdrsize, rem) {
		if (nla_type(elem) != OVSDP_FLOW_BATCH_ATTR_FLOW)
			continue;
		/* What a flow that went in left in the extack must not be
		 * reported with a later flow's error.
		 */
		extack->_msg = NULL;
		extack->bad_attr = NULL;
		err = ovs_flow_batch_one(dp, elem, create_only, notify, info);
		if (err) {
			/* Tell which flow failed, unless a finer place
			 * inside it is already named.
			 */
			if (!extack->bad_attr)
				NL_SET_BAD_ATTR(extack, elem);
			break;
		}
		cond_resched();
	}
out:
	mutex_unlock(&ovs_mutex);
	return err;
}

static int ovs_flow_cmd_set(struct sk_buff *skb, struct genl_info *info)
{
	struct netlink_ext_ack *extack = info->extack;
	struct nlattr **a = info->attrs;
	bool log = !a[OVS_FLOW_ATTR_PROBE];
	u32 ufid_flags = ovs_flow_ufid_flags(a);
	struct ovs_actions *acts = NULL;
	struct sk_buff *reply = NULL;
	struct ovs_key_range range;
	struct ovs_flow_ufid ufid;
	struct ovs_key key, mask;
	struct ovs_flow *flow;
	struct ovs_dp *dp;
	int err;

	err = ovs_flow_get_ufid(a, &ufid, extack);
	if (err)
		return err;
	if (!a[OVS_FLOW_ATTR_KEY] && !ufid.len) {
		NL_SET_ERR_MSG_MOD(extack, "Flow key or UFID required");
		return -EINVAL;
	}
	if (a[OVS_FLOW_ATTR_KEY]) {
		err = ovs_nla_parse_key_mask(a[OVS_FLOW_ATTR_KEY],
					     a[OVS_FLOW_ATTR_MASK], &key,
					     &mask, &range, log, extack);
		if (err)
			return err;
	}
	if (a[OVS_FLOW_ATTR_ACTIONS]) {
		if (!a[OVS_FLOW_ATTR_KEY]) {
			NL_SET_ERR_MSG_MOD(extack,
					   "New actions need the flow key to be checked against");
			return -EINVAL;
		}
		acts = ovs_nla_copy_actions(a[OVS_FLOW_ATTR_ACTIONS], &key,
					    &mask, log, extack);
		if (IS_ERR(acts))
			return PTR_ERR(acts);
	}

	mutex_lock(&ovs_mutex);
	dp = ovs_dp_lookup_msg(genl_info_net(info), info->userhdr, a, 0,
			       extack);
	if (!dp) {
		err = -ENODEV;
		goto err_unlock;
	}
	/* Named as in GET and DEL: the mask, if any, only checks actions. */
	flow = ovs_flow_find(dp, &ufid, &key);
	if (!flow) {
		NL_SET_ERR_MSG_MOD(extack, "No such flow");
		err = -ENOENT;
		goto err_unlock;
	}

	if (acts)
		ovs_flow_set_actions(flow, acts);
	if (ovs_flow_want_reply(info))
		reply = ovs_flow_build_msg(dp, flow, info, OVS_FLOW_CMD_SET,
					   ufid_flags);
	/* After the reply: it reports the stats being cleared, which
	 * userspace (a flow put with stats reset) still has to account for.
	 */
	if (a[OVS_FLOW_ATTR_CLEAR])
		ovs_flow_stats_clear(flow);
	mutex_unlock(&ovs_mutex);

	if (reply) {
		if (IS_ERR(reply))
			return PTR_ERR(reply);
		ovs_flow_notify(reply, info);
	}
	return 0;

err_unlock:
	mutex_unlock(&ovs_mutex);
	kfree(acts);
	return err;
}

/* Parse what names a flow in GET and DEL: a UFID or an exact key. */
static int ovs_flow_parse_name(struct genl_info *info,
			       struct ovs_flow_ufid *ufid, struct ovs_key *key)
{
	struct nlattr **a = info->attrs;
	int err;

	err = ovs_flow_get_ufid(a, ufid, info->extack);
	if (err || ufid->len)
		return err;
	if (!a[OVS_FLOW_ATTR_KEY])
		return -ENOENT;	/* callers tell "no name" apart */
	return ovs_nla_parse_key_exact(a[OVS_FLOW_ATTR_KEY], key,
				       !a[OVS_FLOW_ATTR_PROBE], info->extack);
}

static int ovs_flow_cmd_get(struct sk_buff *skb, struct genl_info *info)
{
	u32 ufid_flags = ovs_flow_ufid_flags(info->attrs);
	struct ovs_flow_ufid ufid;
	struct sk_buff *reply;
	struct ovs_flow *flow;
	struct ovs_key key;
	struct ovs_dp *dp;
	int err;

	err = ovs_flow_parse_name(info, &ufid, &key);
	if (err == -ENOENT) {
		NL_SET_ERR_MSG_MOD(info->extack, "Flow key or UFID required");
		return -EINVAL;
	}
	if (err)
		return err;

	mutex_lock(&ovs_mutex);
	dp = ovs_dp_lookup_msg(genl_info_net(info), info->userhdr, info->attrs,
			       0, info->extack);
	if (!dp) {
		err = -ENODEV;
		goto unlock;
	}
	flow = ovs_flow_find(dp, &ufid, &key);
	if (!flow) {
		NL_SET_ERR_MSG_MOD(info->extack, "No such flow");
		err = -ENOENT;
		goto unlock;
	}
	reply = ovs_flow_build_msg(dp, flow, info, OVS_FLOW_CMD_GET,
				   ufid_flags);
	mutex_unlock(&ovs_mutex);
	if (IS_ERR(reply))
		return PTR_ERR(reply);
	return genlmsg_reply(reply, info);

unlock:
	mutex_unlock(&ovs_mutex);
	return err;
}

static int ovs_flow_cmd_del(struct sk_buff *skb, struct genl_info *info)
{
	u32 ufid_flags = ovs_flow_ufid_flags(info->attrs);
	struct sk_buff *reply = NULL;
	struct ovs_flow_ufid ufid;
	struct ovs_flow *flow;
	struct ovs_key key;
	struct ovs_dp *dp;
	bool flush;
	int err;

	err = ovs_flow_parse_name(info, &ufid, &key);
	flush = err == -ENOENT;
	if (err && !flush)
		return err;

	mutex_lock(&ovs_mutex);
	dp = ovs_dp_lookup_msg(genl_info_net(info), info->userhdr, info->attrs,
			       0, info->extack);
	if (!dp) {
		err = -ENODEV;
		goto unlock;
	}
	if (flush) {
		ovs_flow_table_flush(&dp->table);
		err = 0;
		goto unlock;
	}

	flow = ovs_flow_find(dp, &ufid, &key);
	if (!flow) {
		NL_SET_ERR_MSG_MOD(info->extack, "No such flow");
		err = -ENOENT;
		goto unlock;
	}
	ovs_flow_table_remove(&dp->table, flow);
	if (ovs_flow_want_reply(info))
		reply = ovs_flow_build_msg(dp, flow, info, OVS_FLOW_CMD_DEL,
					   ufid_flags);
	ovs_flow_free_rcu(flow);
	mutex_unlock(&ovs_mutex);

	if (reply) {
		if (IS_ERR(reply))
			return PTR_ERR(reply);
		ovs_flow_notify(reply, info);
	}
	return 0;

unlock:
	mutex_unlock(&ovs_mutex);
	return err;
}

/* Dump cursor: cb->args[0..1] are the table's own position. */
static int ovs_flow_cmd_dump(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct ovs_header *h = genlmsg_data(nlmsg_data(cb->nlh));
	struct nlattr *a[OVS_FLOW_ATTR_MAX + 1];
	struct ovs_flow_cursor pos;
	struct ovs_flow *flow;
	u32 ufid_flags = 0;
	struct ovs_dp *dp;
	int err;

	err = genlmsg_parse_deprecated(cb->nlh, &ovs_flow_genl_family, a,
				       OVS_FLOW_ATTR_MAX, ovs_flow_genl_family.policy,
				       NULL);
	if (err)
		return err;
	ufid_flags = ovs_flow_ufid_flags(a);

	mutex_lock(&ovs_mutex);
	dp = ovs_dp_lookup(sock_net(skb->sk), h->dp_ifindex, NULL);
	if (!dp) {
		mutex_unlock(&ovs_mutex);
		return -ENODEV;
	}

	pos.bucket = cb->args[0];
	pos.index = cb->args[1];
	while ((flow = ovs_flow_table_dump_next(&dp->table, &pos))) {
		if (ovs_flow_fill(dp, flow, skb, NETLINK_CB(cb->skb).portid,
				  cb->nlh->nlmsg_seq, NLM_F_MULTI,
				  OVS_FLOW_CMD_GET, ufid_flags) < 0)
			break;
		cb->args[0] = pos.bucket;
		cb->args[1] = pos.index;
	}
	mutex_unlock(&ovs_mutex);
	return skb->len;
}

static const struct nla_policy ovs_flow_policy[OVS_FLOW_ATTR_MAX + 1] = {
	[OVS_FLOW_ATTR_KEY] = { .type = NLA_NESTED },
	[OVS_FLOW_ATTR_MASK] = { .type = NLA_NESTED },
	[OVS_FLOW_ATTR_ACTIONS] = { .type = NLA_NESTED },
	[OVS_FLOW_ATTR_CLEAR] = { .type = NLA_FLAG },
	[OVS_FLOW_ATTR_PROBE] = { .type = NLA_FLAG },
	[OVS_FLOW_ATTR_UFID] = { .type = NLA_BINARY, .len = OVS_FLOW_UFID_MAX },
	[OVS_FLOW_ATTR_UFID_FLAGS] = { .type = NLA_U32 },
};

static const struct nla_policy
ovs_flow_batch_policy[OVSDP_FLOW_BATCH_ATTR_MAX + 1] = {
	[OVSDP_FLOW_BATCH_ATTR_FLOW] = { .type = NLA_NESTED },
	[OVSDP_FLOW_BATCH_ATTR_CREATE] = { .type = NLA_FLAG },
};

static int ovs_flow_pre_doit(const struct genl_ops *ops, struct sk_buff *skb,
			     struct genl_info *info)
{
	/* The batch command has its own policy, checked strictly. */
	if (ops->cmd == OVSDP_FLOW_CMD_NEW_BATCH)
		return 0;
	return ovs_genl_check_attrs(&ovs_flow_genl_family, info);
}

/* Our extension: it needs a policy of its own, so a full op. */
static const struct genl_ops ovs_flow_ext_ops[] = {
	{
		.cmd = OVSDP_FLOW_CMD_NEW_BATCH,
		.flags = GENL_UNS_ADMIN_PERM,
		.doit = ovs_flow_cmd_new_batch,
		.policy = ovs_flow_batch_policy,
		.maxattr = OVSDP_FLOW_BATCH_ATTR_MAX,
	},
};

static const struct genl_small_ops ovs_flow_ops[] = {
	{
		.cmd = OVS_FLOW_CMD_NEW,
		.validate = GENL_DONT_VALIDATE_STRICT | GENL_DONT_VALIDATE_DUMP,
		.flags = GENL_UNS_ADMIN_PERM,
		.doit = ovs_flow_cmd_new,
	},
	{
		.cmd = OVS_FLOW_CMD_DEL,
		.validate = GENL_DONT_VALIDATE_STRICT | GENL_DONT_VALIDATE_DUMP,
		.flags = GENL_UNS_ADMIN_PERM,
		.doit = ovs_flow_cmd_del,
	},
	{
		.cmd = OVS_FLOW_CMD_GET,
		.validate = GENL_DONT_VALIDATE_STRICT | GENL_DONT_VALIDATE_DUMP,
		.doit = ovs_flow_cmd_get,
		.dumpit = ovs_flow_cmd_dump,
	},
	{
		.cmd = OVS_FLOW_CMD_SET,
		.validate = GENL_DONT_VALIDATE_STRICT | GENL_DONT_VALIDATE_DUMP,
		.flags = GENL_UNS_ADMIN_PERM,
		.doit = ovs_flow_cmd_set,
	},
};

struct genl_family ovs_flow_genl_family __ro_after_init = {
	.hdrsize = sizeof(struct ovs_header),
	.name = OVS_FLOW_FAMILY,
	.version = OVS_FLOW_VERSION,
	.maxattr = OVS_FLOW_ATTR_MAX,
	.policy = ovs_flow_policy,
	.netnsok = true,
	.pre_doit = ovs_flow_pre_doit,
	.parallel_ops = true,
	.ops = ovs_flow_ext_ops,
	.n_ops = ARRAY_SIZE(ovs_flow_ext_ops),
	.small_ops = ovs_flow_ops,
	.n_small_ops = ARRAY_SIZE(ovs_flow_ops),
	.resv_start_op = OVS_FLOW_CMD_SET + 1,
	.mcgrps = &ovs_flow_mcgroup,
	.n_mcgrps = 1,
	.module = THIS_MODULE,
};
