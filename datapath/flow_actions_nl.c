// SPDX-License-Identifier: GPL-2.0
/*
 * Validation of OVS_ACTION_ATTR_* lists against the flow they will run on,
 * and their copy into a struct ovs_actions.
 *
 * Validation walks the list while tracking what the packet looks like at
 * each point (ethertype, outer VLAN tag, Ethernet header or not, MPLS
 * depth), since earlier actions change what later ones may do: a
 * set(ipv4) after pop_mpls is as wrong as one on an ARP flow.  Nested
 * lists (sample, clone, check_pkt_len, dec_ttl) start from the state at
 * their action and cannot change it for what follows.
 *
 * Nothing is rewritten: once the whole list is valid it is copied as is,
 * so the executor and OVS_FLOW_ATTR_ACTIONS replies see exactly what
 * userspace sent.
 */
#include "portable_env.h"
#include "flow_netlink.h"

/* What the packet looks like at a point of an action list. */
struct ovs_act_state {
	__be16 eth_type;
	__be16 vlan_tci;	/* outer tag, VLAN_CFI_MASK if present */
	u8 mac_proto;
	u32 mpls_labels;
};

struct ovs_act_ctx {
	/* The flow's fields that action validity depends on, masked. */
	u8 ip_proto;
	u8 ip_frag;
	bool log;
	struct netlink_ext_ack *extack;
};

#define OVS_ACT_ERR(c, attr, msg)					\
	OVS_NL_REJECT((c)->log, (c)->extack, (attr), msg)

/* Argument sizes: OVS_NL_LEN_VAR for nested or variable, BAD unsupported. */
static const int ovs_action_lens[OVS_ACTION_ATTR_MAX + 1] = {
	[OVS_ACTION_ATTR_UNSPEC]	= OVS_NL_LEN_BAD,
	[OVS_ACTION_ATTR_OUTPUT]	= sizeof(u32),
	[OVS_ACTION_ATTR_USERSPACE]	= OVS_NL_LEN_VAR,
	[OVS_ACTION_ATTR_SET]		= OVS_NL_LEN_VAR,
	[OVS_ACTION_ATTR_PUSH_VLAN]	= sizeof(struct ovs_action_push_vlan),
	[OVS_ACTION_ATTR_POP_VLAN]	= 0,
	[OVS_ACTION_ATTR_SAMPLE]	= OVS_NL_LEN_VAR,
	[OVS_ACTION_ATTR_RECIRC]	= sizeof(u32),
	[OVS_ACTION_ATTR_HASH]		= sizeof(struct ovs_action_hash),
	[OVS_ACTION_ATTR_PUSH_MPLS]	= sizeof(struct ovs_action_push_mpls),
	[OVS_ACTION_ATTR_POP_MPLS]	= sizeof(__be16),
	[OVS_ACTION_ATTR_SET_MASKED]	= OVS_NL_LEN_VAR,
	[OVS_ACTION_ATTR_TRUNC]		= sizeof(struct ovs_action_trunc),
	[OVS_ACTION_ATTR_CLONE]		= OVS_NL_LEN_VAR,
	[OVS_ACTION_ATTR_CHECK_PKT_LEN]	= OVS_NL_LEN_VAR,
	[OVS_ACTION_ATTR_ADD_MPLS]	= sizeof(struct ovs_action_add_mpls),
	[OVS_ACTION_ATTR_DEC_TTL]	= OVS_NL_LEN_VAR,
	/* No conntrack, meters, NSH or L3 (Ethernet-less) tunnelling. */
	[OVS_ACTION_ATTR_CT]		= OVS_NL_LEN_BAD,
	[OVS_ACTION_ATTR_CT_CLEAR]	= OVS_NL_LEN_BAD,
	[OVS_ACTION_ATTR_PUSH_ETH]	= OVS_NL_LEN_BAD,
	[OVS_ACTION_ATTR_POP_ETH]	= OVS_NL_LEN_BAD,
	[OVS_ACTION_ATTR_PUSH_NSH]	= OVS_NL_LEN_BAD,
	[OVS_ACTION_ATTR_POP_NSH]	= OVS_NL_LEN_BAD,
	[OVS_ACTION_ATTR_METER]		= OVS_NL_LEN_BAD,
};

static int ovs_act_list(struct ovs_act_ctx *c, const struct nlattr *list,
			struct ovs_act_state st, int depth);

static bool ovs_act_is_ip(__be16 type)
{
	return type == htons(ETH_P_IP) || type == htons(ETH_P_IPV6);
}

/* A nested action list: empty, or at least one attribute header. */
static bool ovs_act_list_len_ok(const struct nlattr *nla)
{
	return !nla_len(nla) || nla_len(nla) >= NLA_HDRLEN;
}

/*
 * Gather the sub-attributes of @attr into @tb (indexed 1..@max).  Types
 * above @max are ignored when @skip_unknown (upstream's lenient parsing of
 * userspace and dec_ttl), rejected otherwise; type 0, duplicates and
 * trailing bytes are always rejected.
 */
static int ovs_act_nested(struct ovs_act_ctx *c, const struct nlattr *attr,
			  const struct nlattr **tb, int max, bool skip_unknown)
{
	const struct nlattr *nla;
	int rem;

	nla_for_each_nested(nla, attr, rem) {
		int type = nla_type(nla);

		if (type > max && skip_unknown)
			continue;
		if (!type || type > max)
			return OVS_ACT_ERR(c, nla, "Unknown nested action attribute");
		if (tb[type])
			return OVS_ACT_ERR(c, nla, "Duplicate nested action attribute");
		tb[type] = nla;
	}
	if (rem)
		return OVS_ACT_ERR(c, attr, "Trailing bytes in action");
	return 0;
}

static int ovs_act_userspace(struct ovs_act_ctx *c, const struct nlattr *attr)
{
	const struct nlattr *tb[OVS_USERSPACE_ATTR_MAX + 1] = { NULL };
	const struct nlattr *pid, *port;
	int err;

	err = ovs_act_nested(c, attr, tb, OVS_USERSPACE_ATTR_MAX, true);
	if (err)
		return err;
	pid = tb[OVS_USERSPACE_ATTR_PID];
	port = tb[OVS_USERSPACE_ATTR_EGRESS_TUN_PORT];
	if (!pid || nla_len(pid) != sizeof(u32) || !nla_get_u32(pid))
		return OVS_ACT_ERR(c, attr, "Userspace action needs a non-zero PID");
	if (port && nla_len(port) != sizeof(u32))
		return OVS_ACT_ERR(c, port, "Bad egress tunnel port length");
	return 0;
}

/* Geneve options: a sequence of 4-byte headers, each followed by its
 * length (low 5 bits of the fourth byte) in 4-byte words.
 */
static bool ovs_act_geneve_ok(const u8 *opts, int len)
{
	while (len > 0) {
		int opt_len;

		if (len < 4)
			return false;
		opt_len = 4 + (opts[3] & 0x1f) * 4;
		if (opt_len > len)
			return false;
		opts += opt_len;
		len -= opt_len;
	}
	return true;
}

static int ovs_act_set_tunnel(struct ovs_act_ctx *c, const struct nlattr *tun,
			      bool masked)
{
	struct ovs_key *key;
	int err;

	if (masked)
		return OVS_ACT_ERR(c, tun, "Masked set of tunnel not supported");
	key = kzalloc(sizeof(*key), GFP_KERNEL);
	if (!key)
		return -ENOMEM;
	err = ovs_nla_parse_tunnel(tun, key, c->log, c->extack);
	if (!err && !ovs_act_geneve_ok(key->tun_opts, key->tun_opts_len))
		err = OVS_ACT_ERR(c, tun, "Malformed Geneve options");
	kfree(key);
	return err;
}

/* Value bits outside the mask must be zero. */
static bool ovs_act_masked_ok(const u8 *val, int len)
{
	const u8 *mask = val + len;
	int i;

	for (i = 0; i < len; i++)
		if (val[i] & ~mask[i])
			return false;
	return true;
}

static int ovs_act_set_ipv4(struct ovs_act_ctx *c, const struct nlattr *nla,
			    const struct ovs_act_state *st, bool masked)
{
	const struct ovs_key_ipv4 *v4 = nla_data(nla);

	if (st->eth_type != htons(ETH_P_IP))
		return OVS_ACT_ERR(c, nla, "Set IPv4 on a non-IPv4 packet");
	if (masked) {
		if (v4[1].ipv4_proto || v4[1].ipv4_frag)
			return OVS_ACT_ERR(c, nla,
					   "IPv4 protocol and fragment are not writable");
	} else if (v4->ipv4_proto != c->ip_proto ||
		   v4->ipv4_frag != c->ip_frag) {
		return OVS_ACT_ERR(c, nla,
				   "Set IPv4 may not change protocol or fragment");
	}
	return 0;
}

static int ovs_act_set_ipv6(struct ovs_act_ctx *c, const struct nlattr *nla,
			    const struct ovs_act_state *st, bool masked)
{
	const struct ovs_key_ipv6 *v6 = nla_data(nla);

	if (st->eth_type != htons(ETH_P_IPV6))
		return OVS_ACT_ERR(c, nla, "Set IPv6 on a non-IPv6 packet");
	if (masked) {
		if (v6[1].ipv6_proto || v6[1].ipv6_frag)
			return OVS_ACT_ERR(c, nla,
					   "IPv6 protocol and fragment are not writable");
		if (v6[1].ipv6_label & htonl(0xfff00000))
			return OVS_ACT_ERR(c, nla,
					   "IPv6 flow label mask above 20 bits");
	} else if (v6->ipv6_proto != c->ip_proto ||
		   v6->ipv6_frag != c->ip_frag) {
		return OVS_ACT_ERR(c, nla,
				   "Set IPv6 may not change protocol or fragment");
	}
	if (v6->ipv6_label & htonl(0xfff00000))
		return OVS_ACT_ERR(c, nla, "IPv6 flow label above 20 bits");
	return 0;
}

static int ovs_act_set_l4(struct ovs_act_ctx *c, const struct nlattr *nla,
			  const struct ovs_act_state *st, u8 proto)
{
	if (!ovs_act_is_ip(st->eth_type) || c->ip_proto != proto)
		return OVS_ACT_ERR(c, nla,
				   "Set of a transport header the flow does not have");
	return 0;
}

/* OVS_ACTION_ATTR_SET / SET_MASKED: one nested OVS_KEY_ATTR_* (followed
 * by its mask for SET_MASKED) naming the header to rewrite.
 */
static int ovs_act_set(struct ovs_act_ctx *c, const struct nlattr *attr,
		       const struct ovs_act_state *st, bool masked)
{
	const struct nlattr *nla = nla_data(attr);
	int type, len, expect;

	if (!nla_ok(nla, nla_len(attr)) ||
	    nla_total_size(nla_len(nla)) != nla_len(attr))
		return OVS_ACT_ERR(c, attr, "Set action needs exactly one attribute");
	type = nla_type(nla);
	len = nla_len(nla);
	expect = ovs_nla_key_attr_len(type);

	if (type == OVS_KEY_ATTR_TUNNEL)
		return ovs_act_set_tunnel(c, nla, masked);
	if (masked) {
		if (len % 2)
			return OVS_ACT_ERR(c, nla, "Odd masked set length");
		len /= 2;
	}
	if (type == OVS_KEY_ATTR_MPLS)
		expect = sizeof(struct ovs_key_mpls);
	if (expect < 0 || len != expect)
		goto bad;
	if (masked && !ovs_act_masked_ok(nla_data(nla), len))
		return OVS_ACT_ERR(c, nla, "Masked set value has bits outside the mask");

	switch (type) {
	case OVS_KEY_ATTR_PRIORITY:
	case OVS_KEY_ATTR_SKB_MARK:
		return 0;
	case OVS_KEY_ATTR_ETHERNET:
		if (st->mac_proto != OVS_MAC_PROTO_ETHERNET)
			return OVS_ACT_ERR(c, nla,
					   "Set Ethernet on a packet without Ethernet header");
		return 0;
	case OVS_KEY_ATTR_IPV4:
		return ovs_act_set_ipv4(c, nla, st, masked);
	case OVS_KEY_ATTR_IPV6:
		return ovs_act_set_ipv6(c, nla, st, masked);
	case OVS_KEY_ATTR_TCP:
		return ovs_act_set_l4(c, nla, st, IPPROTO_TCP);
	case OVS_KEY_ATTR_UDP:
		return ovs_act_set_l4(c, nla, st, IPPROTO_UDP);
	case OVS_KEY_ATTR_SCTP:
		return ovs_act_set_l4(c, nla, st, IPPROTO_SCTP);
	case OVS_KEY_ATTR_MPLS:
		if (!eth_p_mpls(st->eth_type))
			return OVS_ACT_ERR(c, nla, "Set MPLS on a non-MPLS packet");
		return 0;
	}
bad:
	return OVS_ACT_ERR(c, nla, "Set action of an unsupported or malformed field");
}

static int ovs_act_sample(struct ovs_act_ctx *c, const struct nlattr *attr,
			  const struct ovs_act_state *st, int depth)
{
	const struct nlattr *tb[OVS_SAMPLE_ATTR_MAX + 1] = { NULL };
	const struct nlattr *prob, *acts;
	int err;

	err = ovs_act_nested(c, attr, tb, OVS_SAMPLE_ATTR_MAX, false);
	if (err)
		return err;
	prob = tb[OVS_SAMPLE_ATTR_PROBABILITY];
	acts = tb[OVS_SAMPLE_ATTR_ACTIONS];
	if (!prob || nla_len(prob) != sizeof(u32))
		return OVS_ACT_ERR(c, attr, "Sample needs a u32 probability");
	if (!acts || !ovs_act_list_len_ok(acts))
		return OVS_ACT_ERR(c, attr, "Sample needs an action list");
	return ovs_act_list(c, acts, *st, depth + 1);
}

static int ovs_act_check_pkt_len(struct ovs_act_ctx *c,
				 const struct nlattr *attr,
				 const struct ovs_act_state *st, int depth)
{
	const struct nlattr *tb[OVS_CHECK_PKT_LEN_ATTR_MAX + 1] = { NULL };
	const struct nlattr *len, *gt, *le;
	int err;

	err = ovs_act_nested(c, attr, tb, OVS_CHECK_PKT_LEN_ATTR_MAX, false);
	if (err)
		return err;
	len = tb[OVS_CHECK_PKT_LEN_ATTR_PKT_LEN];
	gt = tb[OVS_CHECK_PKT_LEN_ATTR_ACTIONS_IF_GREATER];
	le = tb[OVS_CHECK_PKT_LEN_ATTR_ACTIONS_IF_LESS_EQUAL];
	if (!len || nla_len(len) != sizeof(u16) || !nla_get_u16(len))
		return OVS_ACT_ERR(c, attr, "Check_pkt_len needs a non-zero u16 length");
	if (!gt || !le || !ovs_act_list_len_ok(gt) || !ovs_act_list_len_ok(le))
		return OVS_ACT_ERR(c, attr, "Check_pkt_len needs both action lists");
	err = ovs_act_list(c, le, *st, depth + 1);
	return err ? : ovs_act_list(c, gt, *st, depth + 1);
}

static int ovs_act_dec_ttl(struct ovs_act_ctx *c, const struct nlattr *attr,
			   const struct ovs_act_state *st, int depth)
{
	const struct nlattr *tb[OVS_DEC_TTL_ATTR_MAX + 1] = { NULL };
	const struct nlattr *acts;
	int err;

	err = ovs_act_nested(c, attr, tb, OVS_DEC_TTL_ATTR_MAX, true);
	if (err)
		return err;
	acts = tb[OVS_DEC_TTL_ATTR_ACTION];
	if (!acts || !ovs_act_list_len_ok(acts))
		return OVS_ACT_ERR(c, attr, "Dec_ttl needs an action list");
	return ovs_act_list(c, acts, *st, depth + 1);
}

/* push_mpls and L2 add_mpls: only onto packets whose headers we know. */
static bool ovs_act_mpls_push_ok(const struct ovs_act_state *st)
{
	if (st->vlan_tci & htons(VLAN_CFI_MASK))
		return false;
	return ovs_act_is_ip(st->eth_type) ||
	       st->eth_type == htons(ETH_P_ARP) ||
	       st->eth_type == htons(ETH_P_RARP) ||
	       eth_p_mpls(st->eth_type);
}

static int ovs_act_mpls(struct ovs_act_ctx *c, const struct nlattr *nla,
			struct ovs_act_state *st)
{
	const struct ovs_action_push_mpls *push = nla_data(nla);
	const struct ovs_action_add_mpls *add = nla_data(nla);
	__be16 proto;

	switch (nla_type(nla)) {
	case OVS_ACTION_ATTR_PUSH_MPLS:
		if (!eth_p_mpls(push->mpls_ethertype))
			return OVS_ACT_ERR(c, nla, "Push MPLS of a non-MPLS ethertype");
		if (!ovs_act_mpls_push_ok(st))
			return OVS_ACT_ERR(c, nla, "Push MPLS onto an unsupported packet");
		st->eth_type = push->mpls_ethertype;
		st->mpls_labels++;
		return 0;
	case OVS_ACTION_ATTR_ADD_MPLS:
		if (!eth_p_mpls(add->mpls_ethertype))
			return OVS_ACT_ERR(c, nla, "Add MPLS of a non-MPLS ethertype");
		if (add->tun_flags & OVS_MPLS_L3_TUNNEL_FLAG_MASK) {
			if (!ovs_act_mpls_push_ok(st))
				return OVS_ACT_ERR(c, nla,
						   "Add MPLS onto an unsupported packet");
			st->mpls_labels++;
		} else if (st->mac_proto == OVS_MAC_PROTO_ETHERNET) {
			/* Inserted before the Ethernet header. */
			st->mpls_labels = 1;
			st->mac_proto = OVS_MAC_PROTO_NONE;
		} else {
			st->mpls_labels++;
		}
		st->eth_type = add->mpls_ethertype;
		return 0;
	default: /* OVS_ACTION_ATTR_POP_MPLS */
		if ((st->vlan_tci & htons(VLAN_CFI_MASK)) ||
		    !eth_p_mpls(st->eth_type))
			return OVS_ACT_ERR(c, nla, "Pop MPLS from a non-MPLS packet");
		proto = nla_get_be16(nla);
		if (proto == htons(ETH_P_TEB) &&
		    st->mac_proto != OVS_MAC_PROTO_NONE)
			return OVS_ACT_ERR(c, nla,
					   "Pop MPLS to Ethernet needs a packet without Ethernet header");
		st->mpls_labels--;
		/* Once the stack is gone nothing knows what follows it:
		 * no L3 actions after that.
		 */
		if (!eth_p_mpls(proto) || !st->mpls_labels)
			st->eth_type = 0;
		else
			st->eth_type = proto;
		return 0;
	}
}

static int ovs_act_vlan(struct ovs_act_ctx *c, const struct nlattr *nla,
			struct ovs_act_state *st)
{
	const struct ovs_action_push_vlan *vlan = nla_data(nla);

	if (st->mac_proto != OVS_MAC_PROTO_ETHERNET)
		return OVS_ACT_ERR(c, nla, "VLAN action on a packet without Ethernet header");
	if (nla_type(nla) == OVS_ACTION_ATTR_POP_VLAN) {
		st->vlan_tci = 0;
		return 0;
	}
	if (!eth_type_vlan(vlan->vlan_tpid))
		return OVS_ACT_ERR(c, nla, "Push VLAN with a TPID that is not 802.1Q/802.1ad");
	if (!(vlan->vlan_tci & htons(VLAN_CFI_MASK)))
		return OVS_ACT_ERR(c, nla, "Push VLAN TCI lacks the CFI bit");
	st->vlan_tci = vlan->vlan_tci;
	return 0;
}

static int ovs_act_one(struct ovs_act_ctx *c, const struct nlattr *nla,
		       struct ovs_act_state *st, int depth)
{
	int type = nla_type(nla);

	switch (type) {
	case OVS_ACTION_ATTR_OUTPUT:
		if (nla_get_u32(nla) >= OVS_NL_NO_IN_PORT)
			return OVS_ACT_ERR(c, nla, "Output port number out of range");
		return 0;
	case OVS_ACTION_ATTR_TRUNC: {
		const struct ovs_action_trunc *trunc = nla_data(nla);

		if (trunc->max_len < ETH_HLEN)
			return OVS_ACT_ERR(c, nla, "Truncation below an Ethernet header");
		return 0;
	}
	case OVS_ACTION_ATTR_HASH: {
		const struct ovs_action_hash *hash = nla_data(nla);

		if (hash->hash_alg != OVS_HASH_ALG_L4)
			return OVS_ACT_ERR(c, nla, "Unknown hash algorithm");
		return 0;
	}
	case OVS_ACTION_ATTR_RECIRC:
		return 0;
	case OVS_ACTION_ATTR_USERSPACE:
		return ovs_act_userspace(c, nla);
	case OVS_ACTION_ATTR_PUSH_VLAN:
	case OVS_ACTION_ATTR_POP_VLAN:
		return ovs_act_vlan(c, nla, st);
	case OVS_ACTION_ATTR_PUSH_MPLS:
	case OVS_ACTION_ATTR_POP_MPLS:
	case OVS_ACTION_ATTR_ADD_MPLS:
		return ovs_act_mpls(c, nla, st);
	case OVS_ACTION_ATTR_SET:
		return ovs_act_set(c, nla, st, false);
	case OVS_ACTION_ATTR_SET_MASKED:
		return ovs_act_set(c, nla, st, true);
	case OVS_ACTION_ATTR_SAMPLE:
		return ovs_act_sample(c, nla, st, depth);
	case OVS_ACTION_ATTR_CLONE:
		if (!ovs_act_list_len_ok(nla))
			return OVS_ACT_ERR(c, nla, "Malformed clone action list");
		return ovs_act_list(c, nla, *st, depth + 1);
	case OVS_ACTION_ATTR_CHECK_PKT_LEN:
		return ovs_act_check_pkt_len(c, nla, st, depth);
	case OVS_ACTION_ATTR_DEC_TTL:
		return ovs_act_dec_ttl(c, nla, st, depth);
	}
	return OVS_ACT_ERR(c, nla, "Unknown action");
}

static int ovs_act_list(struct ovs_act_ctx *c, const struct nlattr *list,
			struct ovs_act_state st, int depth)
{
	const struct nlattr *nla;
	int rem, err;

	if (depth > OVS_NL_ACTIONS_MAX_DEPTH) {
		NL_SET_ERR_MSG_ATTR(c->extack, list, "Actions nested too deeply");
		return -EOVERFLOW;
	}

	nla_for_each_nested(nla, list, rem) {
		int type = nla_type(nla);
		int len;

		if (type > OVS_ACTION_ATTR_MAX)
			return OVS_ACT_ERR(c, nla, "Unknown action");
		len = ovs_action_lens[type];
		if (len == OVS_NL_LEN_BAD)
			return OVS_ACT_ERR(c, nla, "Action not supported by this datapath");
		if (len >= 0 && nla_len(nla) != len)
			return OVS_ACT_ERR(c, nla, "Action has wrong length");
		err = ovs_act_one(c, nla, &st, depth);
		if (err)
			return err;
	}
	if (rem > 0)
		return OVS_ACT_ERR(c, list, "Trailing bytes in action list");
	return 0;
}

struct ovs_actions *ovs_nla_copy_actions(const struct nlattr *attr,
					 const struct ovs_key *key,
					 const struct ovs_key *mask, bool log,
					 struct netlink_ext_ack *extack)
{
	struct ovs_act_ctx c = { .log = log, .extack = extack };
	struct ovs_act_state st;
	struct ovs_actions *acts;
	int err;

	st.eth_type = key->eth.type;
	st.vlan_tci = key->eth.vlan.tci;
	st.mac_proto = key->mac_proto;
	c.ip_proto = key->ip.proto;
	c.ip_frag = key->ip.frag;
	if (mask) {
		/* Validate against what the flow matches, not against the
		 * packet that happened to set it up.
		 */
		st.eth_type &= mask->eth.type;
		st.vlan_tci &= mask->eth.vlan.tci;
		st.mac_proto &= mask->mac_proto;
		c.ip_proto &= mask->ip.proto;
		c.ip_frag &= mask->ip.frag;
	}
	st.mpls_labels = eth_p_mpls(st.eth_type) ?
			 ovs_nla_key_mpls_labels(key) : 0;

	err = ovs_act_list(&c, attr, st, 0);
	if (err)
		return ERR_PTR(err);

	acts = kmalloc(sizeof(*acts) + nla_len(attr), GFP_KERNEL);
	if (!acts)
		return ERR_PTR(-ENOMEM);
	memset(acts, 0, sizeof(*acts));
	acts->len = nla_len(attr);
	memcpy(acts->data, nla_data(attr), acts->len);
	return acts;
}

void ovs_nla_free_actions(struct ovs_actions *acts)
{
	kfree(acts);
}

int ovs_nla_put_actions(struct sk_buff *skb, const struct ovs_actions *acts)
{
	const struct nlattr *nla;
	int rem;

	/* Attribute by attribute, so each gets its own padding. */
	nla_for_each_attr(nla, ovs_actions_attrs(acts), acts->len, rem) {
		if (nla_put(skb, nla->nla_type, nla_len(nla), nla_data(nla)))
			return -EMSGSIZE;
	}
	return 0;
}
