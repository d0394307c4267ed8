// SPDX-License-Identifier: GPL-2.0
/*
 * Flow keys and masks to and from OVS_KEY_ATTR_* netlink attributes.
 *
 * One parser serves three purposes, chosen by its mode: reading a key,
 * reading a mask userspace gave, and deriving the exact-match mask of a
 * key when no mask was given.  The last walks the key's own attributes
 * but reads every value as all-ones, so "exact over whatever the key
 * carries" needs no separate table of which attribute fills which field.
 *
 * A key's attributes are first gathered into a per-type table: the
 * VLAN-tagged part of a key sits inside OVS_KEY_ATTR_ENCAP, and its
 * contents are merged into the same table once the tag is taken, so that
 * the remaining steps see one flat set, whatever the tagging.
 */
#include "portable_env.h"
#include "flow_netlink.h"
#include "flow.h"

enum ovs_nl_mode {
	OVS_NL_KEY,	/* a flow or packet key */
	OVS_NL_MASK,	/* a mask userspace gave */
	OVS_NL_EXACT,	/* the exact mask of the key, from the key's attrs */
};

struct ovs_nl_parse {
	struct ovs_key *out;		/* what is being filled */
	const struct ovs_key *key;	/* the parsed key, for masks */
	enum ovs_nl_mode mode;
	bool log;
	struct netlink_ext_ack *extack;
};

/* What an exact mask reads instead of attribute payloads; the largest
 * payload read through ovs_nl_val() is the Geneve options.
 */
#define OVS_NL_VAL_MAX		256
static const u8 ovs_nl_ones[OVS_NL_VAL_MAX] __aligned(8) = {
	[0 ... OVS_NL_VAL_MAX - 1] = 0xff
};

/* Attributes of one key, merged over the ENCAP levels. */
struct ovs_nl_attrs {
	const struct nlattr *a[OVS_KEY_ATTR_MAX + 1];
	u64 pending;		/* present and not consumed yet */
	u64 seen;		/* present at the current level (duplicates) */
	u64 all;		/* ever present */
};

#define OVS_NL_BIT(type)	(1ULL << (type))

#define OVS_NL_ERR(p, attr, msg)					\
	OVS_NL_REJECT((p)->log, (p)->extack, (attr), msg)

static const int ovs_key_lens[OVS_KEY_ATTR_MAX + 1] = {
	[OVS_KEY_ATTR_UNSPEC]		= OVS_NL_LEN_BAD,
	[OVS_KEY_ATTR_ENCAP]		= OVS_NL_LEN_NESTED,
	[OVS_KEY_ATTR_PRIORITY]		= sizeof(u32),
	[OVS_KEY_ATTR_IN_PORT]		= sizeof(u32),
	[OVS_KEY_ATTR_ETHERNET]		= sizeof(struct ovs_key_ethernet),
	[OVS_KEY_ATTR_VLAN]		= sizeof(__be16),
	[OVS_KEY_ATTR_ETHERTYPE]	= sizeof(__be16),
	[OVS_KEY_ATTR_IPV4]		= sizeof(struct ovs_key_ipv4),
	[OVS_KEY_ATTR_IPV6]		= sizeof(struct ovs_key_ipv6),
	[OVS_KEY_ATTR_TCP]		= sizeof(struct ovs_key_tcp),
	[OVS_KEY_ATTR_UDP]		= sizeof(struct ovs_key_udp),
	[OVS_KEY_ATTR_ICMP]		= sizeof(struct ovs_key_icmp),
	[OVS_KEY_ATTR_ICMPV6]		= sizeof(struct ovs_key_icmpv6),
	[OVS_KEY_ATTR_ARP]		= sizeof(struct ovs_key_arp),
	[OVS_KEY_ATTR_ND]		= sizeof(struct ovs_key_nd),
	[OVS_KEY_ATTR_SKB_MARK]		= sizeof(u32),
	[OVS_KEY_ATTR_TUNNEL]		= OVS_NL_LEN_NESTED,
	[OVS_KEY_ATTR_SCTP]		= sizeof(struct ovs_key_sctp),
	[OVS_KEY_ATTR_TCP_FLAGS]	= sizeof(__be16),
	[OVS_KEY_ATTR_DP_HASH]		= sizeof(u32),
	[OVS_KEY_ATTR_RECIRC_ID]	= sizeof(u32),
	[OVS_KEY_ATTR_MPLS]		= OVS_NL_LEN_VAR,
	/* No connection tracking, NSH or IPv6 extension header matching;
	 * PACKET_TYPE, ND_EXTENSIONS and TUNNEL_INFO are userspace- or
	 * kernel-internal and never valid from userspace.
	 */
	[OVS_KEY_ATTR_CT_STATE]		= OVS_NL_LEN_BAD,
	[OVS_KEY_ATTR_CT_ZONE]		= OVS_NL_LEN_BAD,
	[OVS_KEY_ATTR_CT_MARK]		= OVS_NL_LEN_BAD,
	[OVS_KEY_ATTR_CT_LABELS]	= OVS_NL_LEN_BAD,
	[OVS_KEY_ATTR_CT_ORIG_TUPLE_IPV4] = OVS_NL_LEN_BAD,
	[OVS_KEY_ATTR_CT_ORIG_TUPLE_IPV6] = OVS_NL_LEN_BAD,
	[OVS_KEY_ATTR_NSH]		= OVS_NL_LEN_BAD,
	[OVS_KEY_ATTR_PACKET_TYPE]	= OVS_NL_LEN_BAD,
	[OVS_KEY_ATTR_ND_EXTENSIONS]	= OVS_NL_LEN_BAD,
	[OVS_KEY_ATTR_TUNNEL_INFO]	= OVS_NL_LEN_BAD,
	[OVS_KEY_ATTR_IPV6_EXTHDRS]	= OVS_NL_LEN_BAD,
};

int ovs_nla_key_attr_len(int type)
{
	if (type < 0 || type > OVS_KEY_ATTR_MAX)
		return OVS_NL_LEN_BAD;
	return ovs_key_lens[type];
}

static const int ovs_tunnel_lens[OVS_TUNNEL_KEY_ATTR_MAX + 1] = {
	[OVS_TUNNEL_KEY_ATTR_ID]		= sizeof(__be64),
	[OVS_TUNNEL_KEY_ATTR_IPV4_SRC]		= sizeof(__be32),
	[OVS_TUNNEL_KEY_ATTR_IPV4_DST]		= sizeof(__be32),
	[OVS_TUNNEL_KEY_ATTR_TOS]		= 1,
	[OVS_TUNNEL_KEY_ATTR_TTL]		= 1,
	[OVS_TUNNEL_KEY_ATTR_DONT_FRAGMENT]	= 0,
	[OVS_TUNNEL_KEY_ATTR_CSUM]		= 0,
	[OVS_TUNNEL_KEY_ATTR_OAM]		= 0,
	[OVS_TUNNEL_KEY_ATTR_GENEVE_OPTS]	= OVS_NL_LEN_VAR,
	[OVS_TUNNEL_KEY_ATTR_TP_SRC]		= sizeof(__be16),
	[OVS_TUNNEL_KEY_ATTR_TP_DST]		= sizeof(__be16),
	[OVS_TUNNEL_KEY_ATTR_VXLAN_OPTS]	= OVS_NL_LEN_BAD,
	[OVS_TUNNEL_KEY_ATTR_IPV6_SRC]		= sizeof(struct in6_addr),
	[OVS_TUNNEL_KEY_ATTR_IPV6_DST]		= sizeof(struct in6_addr),
	[OVS_TUNNEL_KEY_ATTR_PAD]		= 0,
	[OVS_TUNNEL_KEY_ATTR_ERSPAN_OPTS]	= OVS_NL_LEN_BAD,
	[OVS_TUNNEL_KEY_ATTR_IPV4_INFO_BRIDGE]	= OVS_NL_LEN_BAD,
};

/* Flags a tunnel key can carry; an exact mask matches all of them. */
#define OVS_NL_TNL_FLAGS (OVS_TNL_F_KEY | OVS_TNL_F_DONT_FRAGMENT | \
			  OVS_TNL_F_CSUM | OVS_TNL_F_OAM)

static bool ovs_nl_is_zero(const void *data, size_t len)
{
	const u8 *b = data;
	size_t i;

	for (i = 0; i < len; i++)
		if (b[i])
			return false;
	return true;
}

static bool ovs_nl_is_mask(const struct ovs_nl_parse *p)
{
	return p->mode != OVS_NL_KEY;
}

/* An attribute's payload, or all-ones of its length for an exact mask. */
static const void *ovs_nl_val(struct ovs_nl_parse *p, const struct nlattr *nla)
{
	if (p->mode != OVS_NL_EXACT)
		return nla_data(nla);
	return ovs_nl_ones;
}

static __be16 ovs_nl_be16(struct ovs_nl_parse *p, const struct nlattr *nla)
{
	__be16 v;

	memcpy(&v, ovs_nl_val(p, nla), sizeof(v));
	return v;
}

static u32 ovs_nl_u32(struct ovs_nl_parse *p, const struct nlattr *nla)
{
	u32 v;

	memcpy(&v, ovs_nl_val(p, nla), sizeof(v));
	return v;
}

unsigned int ovs_nla_key_mpls_labels(const struct ovs_key *key)
{
	unsigned int i;

	for (i = 0; i < OVS_KEY_MPLS_LABELS_MAX; i++)
		if (key->mpls.lse[i] & htonl(MPLS_LS_S_MASK))
			return i + 1;
	return OVS_KEY_MPLS_LABELS_MAX;
}

static bool ovs_nl_is_ip(__be16 type)
{
	return type == htons(ETH_P_IP) || type == htons(ETH_P_IPV6);
}

static bool ovs_nl_is_arp(__be16 type)
{
	return type == htons(ETH_P_ARP) || type == htons(ETH_P_RARP);
}

static bool ovs_nl_is_nd(const struct ovs_key *key)
{
	return key->tp.src == htons(NDISC_NEIGHBOUR_SOLICITATION) ||
	       key->tp.src == htons(NDISC_NEIGHBOUR_ADVERTISEMENT);
}

/*
 * Gather the attributes of one nesting level into @ka, checking types,
 * lengths and duplicates.  A mask's all-zero attributes are dropped (they
 * mask nothing), except ENCAP whose presence itself says something.
 */
static int ovs_nl_collect(struct ovs_nl_parse *p, const struct nlattr *nest,
			  struct ovs_nl_attrs *ka)
{
	const struct nlattr *nla;
	int rem;

	nla_for_each_nested(nla, nest, rem) {
		int type = nla_type(nla);
		int len;

		if (type > OVS_KEY_ATTR_MAX)
			return OVS_NL_ERR(p, nla, "Unknown flow key attribute");
		len = ovs_key_lens[type];
		if (len == OVS_NL_LEN_BAD)
			return OVS_NL_ERR(p, nla,
					  "Flow key attribute not supported");
		if (ka->seen & OVS_NL_BIT(type))
			return OVS_NL_ERR(p, nla,
					  "Duplicate flow key attribute");
		ka->seen |= OVS_NL_BIT(type);
		if (len >= 0 && nla_len(nla) != len)
			return OVS_NL_ERR(p, nla,
					  "Flow key attribute has wrong length");
		if (p->mode == OVS_NL_MASK && type != OVS_KEY_ATTR_ENCAP &&
		    ovs_nl_is_zero(nla_data(nla), nla_len(nla)))
			continue;
		ka->a[type] = nla;
		ka->pending |= OVS_NL_BIT(type);
		ka->all |= OVS_NL_BIT(type);
	}
	if (rem)
		return OVS_NL_ERR(p, nest, "Trailing bytes in flow key");
	return 0;
}

static bool ovs_nl_has(const struct ovs_nl_attrs *ka, int type)
{
	return ka->pending & OVS_NL_BIT(type);
}

static void ovs_nl_take(struct ovs_nl_attrs *ka, int type)
{
	ka->pending &= ~OVS_NL_BIT(type);
}

/* Consume a tag level's ETHERTYPE, VLAN and ENCAP; merge ENCAP's contents. */
static int ovs_nl_enter_encap(struct ovs_nl_parse *p, struct ovs_nl_attrs *ka)
{
	const struct nlattr *encap = ka->a[OVS_KEY_ATTR_ENCAP];
	u64 level = OVS_NL_BIT(OVS_KEY_ATTR_ENCAP) |
		    OVS_NL_BIT(OVS_KEY_ATTR_VLAN) |
		    OVS_NL_BIT(OVS_KEY_ATTR_ETHERTYPE);

	ka->pending &= ~level;
	ka->seen &= ~level;
	ka->a[OVS_KEY_ATTR_VLAN] = NULL;
	ka->a[OVS_KEY_ATTR_ETHERTYPE] = NULL;
	ka->a[OVS_KEY_ATTR_ENCAP] = NULL;
	return ovs_nl_collect(p, encap, ka);
}

/*
 * One VLAN level of a key: ETHERTYPE is a TPID, VLAN the TCI (with the
 * CFI bit meaning "tag present") and ENCAP what follows the tag.  A TCI
 * of 0 with an empty ENCAP is a frame cut short inside its tag: its
 * ethertype is the TPID itself.  Returns 1 if a full tag was taken.
 */
static int ovs_nl_key_vlan(struct ovs_nl_parse *p, struct ovs_nl_attrs *ka,
			   struct ovs_key_vlan *tag)
{
	struct ovs_key *key = p->out;
	__be16 tpid, tci;

	if (!ovs_nl_has(ka, OVS_KEY_ATTR_ETHERNET) ||
	    !ovs_nl_has(ka, OVS_KEY_ATTR_ETHERTYPE))
		return 0;
	tpid = nla_get_be16(ka->a[OVS_KEY_ATTR_ETHERTYPE]);
	if (!eth_type_vlan(tpid))
		return 0;
	if (!ovs_nl_has(ka, OVS_KEY_ATTR_VLAN) ||
	    !ovs_nl_has(ka, OVS_KEY_ATTR_ENCAP))
		return OVS_NL_ERR(p, ka->a[OVS_KEY_ATTR_ETHERTYPE],
				  "VLAN frame needs VLAN and ENCAP attributes");
	tci = nla_get_be16(ka->a[OVS_KEY_ATTR_VLAN]);
	if (!(tci & htons(VLAN_CFI_MASK))) {
		if (tci)
			return OVS_NL_ERR(p, ka->a[OVS_KEY_ATTR_VLAN],
					  "VLAN TCI lacks the tag-present (CFI) bit");
		if (nla_len(ka->a[OVS_KEY_ATTR_ENCAP]))
			return OVS_NL_ERR(p, ka->a[OVS_KEY_ATTR_ENCAP],
					  "Truncated VLAN header with non-empty ENCAP");
		key->eth.type = tpid;
		ovs_nl_take(ka, OVS_KEY_ATTR_VLAN);
		ovs_nl_take(ka, OVS_KEY_ATTR_ENCAP);
		ovs_nl_take(ka, OVS_KEY_ATTR_ETHERTYPE);
		return 0;
	}
	tag->tpid = tpid;
	tag->tci = tci;
	return ovs_nl_enter_encap(p, ka) ? : 1;
}

/*
 * One VLAN level of a mask, shaped by the key's tag at the same level.
 * The TPID is always matched exactly once there is a tag, and the TCI
 * mask must include the CFI bit, as upstream.
 */
static int ovs_nl_mask_vlan(struct ovs_nl_parse *p, struct ovs_nl_attrs *ka,
			    const struct ovs_key_vlan *key_tag,
			    struct ovs_key_vlan *tag)
{
	const struct nlattr *encap = ka->a[OVS_KEY_ATTR_ENCAP];
	struct ovs_key *mask = p->out;
	__be16 tpid = 0;

	if (ovs_nl_has(ka, OVS_KEY_ATTR_ETHERTYPE))
		tpid = ovs_nl_be16(p, ka->a[OVS_KEY_ATTR_ETHERTYPE]);

	if (!(key_tag->tci & htons(VLAN_CFI_MASK))) {
		if (!eth_type_vlan(p->key->eth.type) || !encap) {
			if (encap)
				return OVS_NL_ERR(p, encap,
						  "ENCAP mask for a frame without VLAN tag");
			return 0;
		}
		/* The key's frame ends inside this tag. */
		if (nla_len(encap))
			return OVS_NL_ERR(p, encap,
					  "Truncated VLAN header with non-empty ENCAP mask");
		if (ovs_nl_has(ka, OVS_KEY_ATTR_VLAN))
			tag->tci = ovs_nl_be16(p, ka->a[OVS_KEY_ATTR_VLAN]);
		if (tpid)
			mask->eth.type = htons(0xffff);
		ovs_nl_take(ka, OVS_KEY_ATTR_VLAN);
		ovs_nl_take(ka, OVS_KEY_ATTR_ENCAP);
		ovs_nl_take(ka, OVS_KEY_ATTR_ETHERTYPE);
		return 0;
	}

	tag->tpid = htons(0xffff);
	if (!encap)
		return 0;
	if (tpid != htons(0xffff))
		return OVS_NL_ERR(p, encap,
				  "VLAN mask must match the TPID exactly");
	if (ovs_nl_has(ka, OVS_KEY_ATTR_VLAN))
		tag->tci = ovs_nl_be16(p, ka->a[OVS_KEY_ATTR_VLAN]);
	if (!(tag->tci & htons(VLAN_CFI_MASK)))
		return OVS_NL_ERR(p, ka->a[OVS_KEY_ATTR_VLAN],
				  "VLAN TCI mask must include the CFI bit");
	return ovs_nl_enter_encap(p, ka) ? : 1;
}

static int ovs_nl_parse_vlans(struct ovs_nl_parse *p, struct ovs_nl_attrs *ka)
{
	struct ovs_key *out = p->out;
	int ret;

	if (!ovs_nl_is_mask(p)) {
		ret = ovs_nl_key_vlan(p, ka, &out->eth.vlan);
		if (ret <= 0)
			return ret;
		ret = ovs_nl_key_vlan(p, ka, &out->eth.cvlan);
		return ret < 0 ? ret : 0;
	}

	/* Masks match the TCIs exactly unless told otherwise, so that an
	 * untagged flow does not match tagged packets.
	 */
	out->eth.vlan.tci = htons(0xffff);
	out->eth.cvlan.tci = htons(0xffff);
	ret = ovs_nl_mask_vlan(p, ka, &p->key->eth.vlan, &out->eth.vlan);
	if (ret <= 0)
		return ret;
	ret = ovs_nl_mask_vlan(p, ka, &p->key->eth.cvlan, &out->eth.cvlan);
	return ret < 0 ? ret : 0;
}

static int ovs_nl_tun_geneve(struct ovs_nl_parse *p, const struct nlattr *nla)
{
	struct ovs_key *out = p->out;
	int len = nla_len(nla);

	if (len > OVS_KEY_TUN_OPTS_MAX || len % 4)
		return OVS_NL_ERR(p, nla, "Bad Geneve options length");
	if (ovs_nl_is_mask(p)) {
		if (len != p->key->tun_opts_len)
			return OVS_NL_ERR(p, nla,
					  "Geneve options mask length differs from key");
		out->tun_opts_len = 0xff;
	} else {
		out->tun_opts_len = len;
	}
	memcpy(out->tun_opts, ovs_nl_val(p, nla), len);
	out->tun.flags |= OVS_TNL_F_GENEVE_OPT;
	return 0;
}

/* One OVS_TUNNEL_KEY_ATTR_*; sets *family to AF_INET/AF_INET6 for addrs. */
static int ovs_nl_tun_attr(struct ovs_nl_parse *p, const struct nlattr *nla,
			   int *family, bool *ttl)
{
	struct ovs_key_tunnel *tun = &p->out->tun;
	int type = nla_type(nla);

	switch (type) {
	case OVS_TUNNEL_KEY_ATTR_ID:
		memcpy(&tun->tun_id, ovs_nl_val(p, nla), sizeof(tun->tun_id));
		tun->flags |= OVS_TNL_F_KEY;
		break;
	case OVS_TUNNEL_KEY_ATTR_IPV4_SRC:
	case OVS_TUNNEL_KEY_ATTR_IPV4_DST:
		if (*family == AF_INET6)
			goto mixed;
		*family = AF_INET;
		memcpy(type == OVS_TUNNEL_KEY_ATTR_IPV4_SRC ?
		       &tun->u.ipv4.src : &tun->u.ipv4.dst,
		       ovs_nl_val(p, nla), sizeof(__be32));
		break;
	case OVS_TUNNEL_KEY_ATTR_IPV6_SRC:
	case OVS_TUNNEL_KEY_ATTR_IPV6_DST:
		if (*family == AF_INET)
			goto mixed;
		*family = AF_INET6;
		memcpy(type == OVS_TUNNEL_KEY_ATTR_IPV6_SRC ?
		       &tun->u.ipv6.src : &tun->u.ipv6.dst,
		       ovs_nl_val(p, nla), sizeof(struct in6_addr));
		break;
	case OVS_TUNNEL_KEY_ATTR_TOS:
		tun->tos = *(const u8 *)ovs_nl_val(p, nla);
		break;
	case OVS_TUNNEL_KEY_ATTR_TTL:
		tun->ttl = *(const u8 *)ovs_nl_val(p, nla);
		*ttl = true;
		break;
	case OVS_TUNNEL_KEY_ATTR_DONT_FRAGMENT:
		tun->flags |= OVS_TNL_F_DONT_FRAGMENT;
		break;
	case OVS_TUNNEL_KEY_ATTR_CSUM:
		tun->flags |= OVS_TNL_F_CSUM;
		break;
	case OVS_TUNNEL_KEY_ATTR_OAM:
		tun->flags |= OVS_TNL_F_OAM;
		break;
	case OVS_TUNNEL_KEY_ATTR_TP_SRC:
		tun->tp_src = ovs_nl_be16(p, nla);
		break;
	case OVS_TUNNEL_KEY_ATTR_TP_DST:
		tun->tp_dst = ovs_nl_be16(p, nla);
		break;
	case OVS_TUNNEL_KEY_ATTR_GENEVE_OPTS:
		return ovs_nl_tun_geneve(p, nla);
	case OVS_TUNNEL_KEY_ATTR_PAD:
		break;
	}
	return 0;

mixed:
	return OVS_NL_ERR(p, nla, "Mixed IPv4 and IPv6 tunnel attributes");
}

/* The attribute-level rules: known types, exact lengths, no duplicates. */
static int ovs_nl_tun_check(struct ovs_nl_parse *p, const struct nlattr *nla,
			    u32 *seen)
{
	int type = nla_type(nla);
	int len;

	if (type > OVS_TUNNEL_KEY_ATTR_MAX)
		return OVS_NL_ERR(p, nla, "Unknown tunnel key attribute");
	len = ovs_tunnel_lens[type];
	if (type == OVS_TUNNEL_KEY_ATTR_VXLAN_OPTS)
		return OVS_NL_ERR(p, nla, "VXLAN tunnel options not supported");
	if (len == OVS_NL_LEN_BAD)
		return OVS_NL_ERR(p, nla, "Tunnel key attribute not supported");
	if (*seen & (1U << type))
		return OVS_NL_ERR(p, nla, "Duplicate tunnel key attribute");
	*seen |= 1U << type;
	if (len >= 0 && nla_len(nla) != len)
		return OVS_NL_ERR(p, nla, "Tunnel key attribute has wrong length");
	return 0;
}

static int ovs_nl_tunnel(struct ovs_nl_parse *p, const struct nlattr *attr)
{
	struct ovs_key *out = p->out;
	const struct nlattr *nla;
	int family = 0;
	bool ttl = false;
	u32 seen = 0;
	int rem, err;

	nla_for_each_nested(nla, attr, rem) {
		err = ovs_nl_tun_check(p, nla, &seen);
		if (!err)
			err = ovs_nl_tun_attr(p, nla, &family, &ttl);
		if (err)
			return err;
	}
	if (rem)
		return OVS_NL_ERR(p, attr, "Trailing bytes in tunnel key");

	if (ovs_nl_is_mask(p)) {
		/* A tunnel mask matches "tunnel or not" as well. */
		if (family && p->key->tun_proto && family != p->key->tun_proto)
			return OVS_NL_ERR(p, attr,
					  "Tunnel mask address family differs from key");
		out->tun_proto = 0xff;
		return 0;
	}

	if (!family)
		return OVS_NL_ERR(p, attr, "Tunnel destination not specified");
	if (family == AF_INET && !out->tun.u.ipv4.dst)
		return OVS_NL_ERR(p, attr, "IPv4 tunnel destination is zero");
	if (family == AF_INET6 &&
	    ovs_nl_is_zero(&out->tun.u.ipv6.dst, sizeof(struct in6_addr)))
		return OVS_NL_ERR(p, attr, "IPv6 tunnel destination is zero");
	if (!ttl)
		return OVS_NL_ERR(p, attr, "Tunnel TTL not specified");
	out->tun_proto = family;
	return 0;
}

/*
 * The exact mask of a tunnel key: userspace leaves out tunnel fields that
 * are zero, but an exact match must still require them to be zero.
 */
static void ovs_nl_exact_tunnel(const struct ovs_key *key,
				struct ovs_key *mask)
{
	struct ovs_key_tunnel *t = &mask->tun;

	mask->tun_proto = 0xff;
	if (!key->tun_proto)
		return;
	t->tun_id = cpu_to_be64(~0ULL);
	if (key->tun_proto == AF_INET6) {
		memset(&t->u.ipv6, 0xff, sizeof(t->u.ipv6));
	} else {
		t->u.ipv4.src = htonl(~0U);
		t->u.ipv4.dst = htonl(~0U);
	}
	t->tos = 0xff;
	t->ttl = 0xff;
	t->tp_src = htons(0xffff);
	t->tp_dst = htons(0xffff);
	t->flags |= OVS_NL_TNL_FLAGS;
}

static int ovs_nl_parse_meta(struct ovs_nl_parse *p, struct ovs_nl_attrs *ka)
{
	struct ovs_key *out = p->out;
	const struct nlattr *nla;
	int err;

	if (ovs_nl_has(ka, OVS_KEY_ATTR_PRIORITY))
		out->priority = ovs_nl_u32(p, ka->a[OVS_KEY_ATTR_PRIORITY]);
	if (ovs_nl_has(ka, OVS_KEY_ATTR_SKB_MARK))
		out->skb_mark = ovs_nl_u32(p, ka->a[OVS_KEY_ATTR_SKB_MARK]);
	if (ovs_nl_has(ka, OVS_KEY_ATTR_RECIRC_ID))
		out->recirc_id = ovs_nl_u32(p, ka->a[OVS_KEY_ATTR_RECIRC_ID]);
	if (ovs_nl_has(ka, OVS_KEY_ATTR_DP_HASH))
		out->dp_hash = ovs_nl_u32(p, ka->a[OVS_KEY_ATTR_DP_HASH]);
	ovs_nl_take(ka, OVS_KEY_ATTR_PRIORITY);
	ovs_nl_take(ka, OVS_KEY_ATTR_SKB_MARK);
	ovs_nl_take(ka, OVS_KEY_ATTR_RECIRC_ID);
	ovs_nl_take(ka, OVS_KEY_ATTR_DP_HASH);

	nla = ka->a[OVS_KEY_ATTR_IN_PORT];
	if (ovs_nl_has(ka, OVS_KEY_ATTR_IN_PORT)) {
		if (ovs_nl_is_mask(p)) {
			/* in_port is always matched exactly. */
			out->in_port = ~0U;
		} else {
			out->in_port = nla_get_u32(nla);
			if (out->in_port >= OVS_NL_NO_IN_PORT)
				return OVS_NL_ERR(p, nla,
						  "Input port number out of range");
		}
		ovs_nl_take(ka, OVS_KEY_ATTR_IN_PORT);
	} else if (!ovs_nl_is_mask(p)) {
		out->in_port = OVS_NL_NO_IN_PORT;
	}

	if (ovs_nl_has(ka, OVS_KEY_ATTR_TUNNEL)) {
		err = ovs_nl_tunnel(p, ka->a[OVS_KEY_ATTR_TUNNEL]);
		if (err)
			return err;
		ovs_nl_take(ka, OVS_KEY_ATTR_TUNNEL);
	}
	if (p->mode == OVS_NL_EXACT)
		ovs_nl_exact_tunnel(p->key, out);
	return 0;
}

static int ovs_nl_ethertype(struct ovs_nl_parse *p, struct ovs_nl_attrs *ka)
{
	const struct nlattr *nla = ka->a[OVS_KEY_ATTR_ETHERTYPE];
	__be16 type = nla_get_be16(nla);

	ovs_nl_take(ka, OVS_KEY_ATTR_ETHERTYPE);
	if (ovs_nl_is_mask(p)) {
		/* The ethertype is always matched exactly. */
		p->out->eth.type = htons(0xffff);
		return 0;
	}
	if (!eth_proto_is_802_3(type))
		return OVS_NL_ERR(p, nla, "EtherType below 0x600");
	p->out->eth.type = type;
	return 0;
}

static int ovs_nl_parse_l2(struct ovs_nl_parse *p, struct ovs_nl_attrs *ka)
{
	struct ovs_key *out = p->out;
	const struct ovs_key_ethernet *eth;
	bool has_eth = ovs_nl_has(ka, OVS_KEY_ATTR_ETHERNET);

	if (ovs_nl_is_mask(p)) {
		out->mac_proto = 0xff;
		if (has_eth) {
			eth = ovs_nl_val(p, ka->a[OVS_KEY_ATTR_ETHERNET]);
			memcpy(out->eth.src, eth->eth_src, ETH_ALEN);
			memcpy(out->eth.dst, eth->eth_dst, ETH_ALEN);
			ovs_nl_take(ka, OVS_KEY_ATTR_ETHERNET);
		}
		if (ovs_nl_has(ka, OVS_KEY_ATTR_ETHERTYPE))
			ovs_nl_ethertype(p, ka);
		/* An exact mask of an 802.2 key (no ETHERTYPE) still
		 * insists on "no ethertype".
		 */
		if (p->mode == OVS_NL_EXACT &&
		    p->key->mac_proto == OVS_MAC_PROTO_ETHERNET)
			out->eth.type = htons(0xffff);
		return 0;
	}

	if (has_eth) {
		out->mac_proto = OVS_MAC_PROTO_ETHERNET;
		eth = nla_data(ka->a[OVS_KEY_ATTR_ETHERNET]);
		memcpy(out->eth.src, eth->eth_src, ETH_ALEN);
		memcpy(out->eth.dst, eth->eth_dst, ETH_ALEN);
		ovs_nl_take(ka, OVS_KEY_ATTR_ETHERNET);
		if (ovs_nl_has(ka, OVS_KEY_ATTR_ETHERTYPE))
			return ovs_nl_ethertype(p, ka);
		/* Not cut short inside a tag: an 802.2 frame. */
		if (!out->eth.type)
			out->eth.type = htons(ETH_P_802_2);
		return 0;
	}

	/* A layer 3 packet: the EtherType is all there is. */
	out->mac_proto = OVS_MAC_PROTO_NONE;
	if (!ovs_nl_has(ka, OVS_KEY_ATTR_ETHERTYPE))
		return OVS_NL_ERR(p, NULL,
				  "Either Ethernet header or EtherType is required");
	return ovs_nl_ethertype(p, ka);
}

static int ovs_nl_parse_ipv4(struct ovs_nl_parse *p, const struct nlattr *nla)
{
	const struct ovs_key_ipv4 *v4 = ovs_nl_val(p, nla);
	struct ovs_key *out = p->out;

	if (!ovs_nl_is_mask(p) && v4->ipv4_frag > OVS_FRAG_TYPE_MAX)
		return OVS_NL_ERR(p, nla, "IPv4 fragment type out of range");
	out->ip.proto = v4->ipv4_proto;
	out->ip.tos = v4->ipv4_tos;
	out->ip.ttl = v4->ipv4_ttl;
	out->ip.frag = v4->ipv4_frag;
	out->ipv4.addr.src = v4->ipv4_src;
	out->ipv4.addr.dst = v4->ipv4_dst;
	return 0;
}

static int ovs_nl_parse_ipv6(struct ovs_nl_parse *p, const struct nlattr *nla)
{
	const struct ovs_key_ipv6 *v6 = ovs_nl_val(p, nla);
	struct ovs_key *out = p->out;

	if (!ovs_nl_is_mask(p)) {
		if (v6->ipv6_frag > OVS_FRAG_TYPE_MAX)
			return OVS_NL_ERR(p, nla,
					  "IPv6 fragment type out of range");
		if (v6->ipv6_label & htonl(0xfff00000))
			return OVS_NL_ERR(p, nla,
					  "IPv6 flow label above 20 bits");
	}
	out->ip.proto = v6->ipv6_proto;
	out->ip.tos = v6->ipv6_tclass;
	out->ip.ttl = v6->ipv6_hlimit;
	out->ip.frag = v6->ipv6_frag;
	out->ipv6.label = v6->ipv6_label;
	memcpy(&out->ipv6.addr.src, v6->ipv6_src, sizeof(struct in6_addr));
	memcpy(&out->ipv6.addr.dst, v6->ipv6_dst, sizeof(struct in6_addr));
	return 0;
}

static int ovs_nl_parse_arp(struct ovs_nl_parse *p, const struct nlattr *nla)
{
	const struct ovs_key_arp *arp = ovs_nl_val(p, nla);
	struct ovs_key *out = p->out;

	if (!ovs_nl_is_mask(p) && (arp->arp_op & htons(0xff00)))
		return OVS_NL_ERR(p, nla, "ARP opcode above 255");
	out->ipv4.addr.src = arp->arp_sip;
	out->ipv4.addr.dst = arp->arp_tip;
	out->ip.proto = (u8)ntohs(arp->arp_op);
	memcpy(out->ipv4.arp.sha, arp->arp_sha, ETH_ALEN);
	memcpy(out->ipv4.arp.tha, arp->arp_tha, ETH_ALEN);
	return 0;
}

static int ovs_nl_parse_mpls(struct ovs_nl_parse *p, const struct nlattr *nla)
{
	const struct ovs_key_mpls *lse = ovs_nl_val(p, nla);
	int len = nla_len(nla);
	unsigned int i, n;

	n = len / sizeof(*lse);
	if (!len || len % sizeof(*lse) || n > OVS_KEY_MPLS_LABELS_MAX)
		return OVS_NL_ERR(p, nla, "Bad MPLS label stack length");
	if (ovs_nl_is_mask(p) && n > ovs_nla_key_mpls_labels(p->key))
		return OVS_NL_ERR(p, nla,
				  "MPLS mask has more labels than the key");
	/* A stack cut short (no S bit within fewer than the maximum of
	 * entries) is kept as given; the count it implies is the maximum.
	 * Entries past the bottom of stack have no meaning in a packet.
	 */
	for (i = 0; i < n; i++) {
		p->out->mpls.lse[i] = lse[i].mpls_lse;
		if (!ovs_nl_is_mask(p) && i + 1 < n &&
		    (lse[i].mpls_lse & htonl(MPLS_LS_S_MASK)))
			return OVS_NL_ERR(p, nla,
					  "MPLS label after the bottom of stack");
	}
	return 0;
}

/* The L3 and L4 attributes: plain copies into the key, prerequisites are
 * checked afterwards on the whole key.
 */
static int ovs_nl_parse_l3l4(struct ovs_nl_parse *p, struct ovs_nl_attrs *ka)
{
	struct ovs_key *out = p->out;
	const struct nlattr *nla;
	int err = 0;

	if (ovs_nl_has(ka, OVS_KEY_ATTR_IPV4))
		err = ovs_nl_parse_ipv4(p, ka->a[OVS_KEY_ATTR_IPV4]);
	else if (ovs_nl_has(ka, OVS_KEY_ATTR_IPV6))
		err = ovs_nl_parse_ipv6(p, ka->a[OVS_KEY_ATTR_IPV6]);
	else if (ovs_nl_has(ka, OVS_KEY_ATTR_ARP))
		err = ovs_nl_parse_arp(p, ka->a[OVS_KEY_ATTR_ARP]);
	else if (ovs_nl_has(ka, OVS_KEY_ATTR_MPLS))
		err = ovs_nl_parse_mpls(p, ka->a[OVS_KEY_ATTR_MPLS]);
	if (err)
		return err;
	ka->pending &= ~(OVS_NL_BIT(OVS_KEY_ATTR_IPV4) |
			 OVS_NL_BIT(OVS_KEY_ATTR_IPV6) |
			 OVS_NL_BIT(OVS_KEY_ATTR_ARP) |
			 OVS_NL_BIT(OVS_KEY_ATTR_MPLS));

	if (ovs_nl_has(ka, OVS_KEY_ATTR_TCP)) {
		const struct ovs_key_tcp *tcp;

		tcp = ovs_nl_val(p, ka->a[OVS_KEY_ATTR_TCP]);
		out->tp.src = tcp->tcp_src;
		out->tp.dst = tcp->tcp_dst;
	} else if (ovs_nl_has(ka, OVS_KEY_ATTR_UDP)) {
		const struct ovs_key_udp *udp;

		udp = ovs_nl_val(p, ka->a[OVS_KEY_ATTR_UDP]);
		out->tp.src = udp->udp_src;
		out->tp.dst = udp->udp_dst;
	} else if (ovs_nl_has(ka, OVS_KEY_ATTR_SCTP)) {
		const struct ovs_key_sctp *sctp;

		sctp = ovs_nl_val(p, ka->a[OVS_KEY_ATTR_SCTP]);
		out->tp.src = sctp->sctp_src;
		out->tp.dst = sctp->sctp_dst;
	} else if (ovs_nl_has(ka, OVS_KEY_ATTR_ICMP)) {
		const struct ovs_key_icmp *icmp;

		icmp = ovs_nl_val(p, ka->a[OVS_KEY_ATTR_ICMP]);
		out->tp.src = htons(icmp->icmp_type);
		out->tp.dst = htons(icmp->icmp_code);
	} else if (ovs_nl_has(ka, OVS_KEY_ATTR_ICMPV6)) {
		const struct ovs_key_icmpv6 *icmp;

		icmp = ovs_nl_val(p, ka->a[OVS_KEY_ATTR_ICMPV6]);
		out->tp.src = htons(icmp->icmpv6_type);
		out->tp.dst = htons(icmp->icmpv6_code);
	}
	if (ovs_nl_has(ka, OVS_KEY_ATTR_TCP_FLAGS))
		out->tp.flags = ovs_nl_be16(p, ka->a[OVS_KEY_ATTR_TCP_FLAGS]);
	nla = ka->a[OVS_KEY_ATTR_ND];
	if (ovs_nl_has(ka, OVS_KEY_ATTR_ND)) {
		const struct ovs_key_nd *nd = ovs_nl_val(p, nla);

		memcpy(&out->ipv6.nd.target, nd->nd_target,
		       sizeof(struct in6_addr));
		memcpy(out->ipv6.nd.sll, nd->nd_sll, ETH_ALEN);
		memcpy(out->ipv6.nd.tll, nd->nd_tll, ETH_ALEN);
	}
	ka->pending &= ~(OVS_NL_BIT(OVS_KEY_ATTR_TCP) |
			 OVS_NL_BIT(OVS_KEY_ATTR_UDP) |
			 OVS_NL_BIT(OVS_KEY_ATTR_SCTP) |
			 OVS_NL_BIT(OVS_KEY_ATTR_ICMP) |
			 OVS_NL_BIT(OVS_KEY_ATTR_ICMPV6) |
			 OVS_NL_BIT(OVS_KEY_ATTR_TCP_FLAGS) |
			 OVS_NL_BIT(OVS_KEY_ATTR_ND));
	return 0;
}

/* L3/L4 attributes, whose presence depends on the protocols. */
#define OVS_NL_PROTO_ATTRS (OVS_NL_BIT(OVS_KEY_ATTR_IPV4) |		\
			    OVS_NL_BIT(OVS_KEY_ATTR_IPV6) |		\
			    OVS_NL_BIT(OVS_KEY_ATTR_ARP) |		\
			    OVS_NL_BIT(OVS_KEY_ATTR_MPLS) |		\
			    OVS_NL_BIT(OVS_KEY_ATTR_TCP) |		\
			    OVS_NL_BIT(OVS_KEY_ATTR_TCP_FLAGS) |	\
			    OVS_NL_BIT(OVS_KEY_ATTR_UDP) |		\
			    OVS_NL_BIT(OVS_KEY_ATTR_SCTP) |		\
			    OVS_NL_BIT(OVS_KEY_ATTR_ICMP) |		\
			    OVS_NL_BIT(OVS_KEY_ATTR_ICMPV6) |		\
			    OVS_NL_BIT(OVS_KEY_ATTR_ND))

/*
 * The L3/L4 attributes @key's protocols call for: *required must all be
 * present in a key, *allowed may be.  Upstream also requires TCP_FLAGS
 * with TCP and ND with every neighbour solicitation/advertisement, but
 * ovs-vswitchd leaves out zero TCP flags and the ND of a non-zero ICMPv6
 * code, so those two are only allowed here.
 */
static void ovs_nl_proto_attrs(const struct ovs_key *key, u64 *required,
			       u64 *allowed)
{
	__be16 type = key->eth.type;
	u64 req = 0, opt = 0;

	if (ovs_nl_is_arp(type))
		req |= OVS_NL_BIT(OVS_KEY_ATTR_ARP);
	if (eth_p_mpls(type))
		req |= OVS_NL_BIT(OVS_KEY_ATTR_MPLS);
	if (type == htons(ETH_P_IP))
		req |= OVS_NL_BIT(OVS_KEY_ATTR_IPV4);
	if (type == htons(ETH_P_IPV6))
		req |= OVS_NL_BIT(OVS_KEY_ATTR_IPV6);

	if (ovs_nl_is_ip(type) && key->ip.frag != OVS_FRAG_TYPE_LATER) {
		switch (key->ip.proto) {
		case IPPROTO_TCP:
			req |= OVS_NL_BIT(OVS_KEY_ATTR_TCP);
			opt |= OVS_NL_BIT(OVS_KEY_ATTR_TCP_FLAGS);
			break;
		case IPPROTO_UDP:
			req |= OVS_NL_BIT(OVS_KEY_ATTR_UDP);
			break;
		case IPPROTO_SCTP:
			req |= OVS_NL_BIT(OVS_KEY_ATTR_SCTP);
			break;
		case IPPROTO_ICMP:
			if (type == htons(ETH_P_IP))
				req |= OVS_NL_BIT(OVS_KEY_ATTR_ICMP);
			break;
		case IPPROTO_ICMPV6:
			if (type != htons(ETH_P_IPV6))
				break;
			req |= OVS_NL_BIT(OVS_KEY_ATTR_ICMPV6);
			if (ovs_nl_is_nd(key))
				opt |= OVS_NL_BIT(OVS_KEY_ATTR_ND);
			break;
		}
	}
	*required = req;
	*allowed = req | opt;
}

static int ovs_nl_check_key(struct ovs_nl_parse *p,
			    const struct ovs_nl_attrs *ka)
{
	u64 required, allowed, have = ka->all & OVS_NL_PROTO_ATTRS;

	ovs_nl_proto_attrs(p->out, &required, &allowed);
	if ((have & required) != required)
		return OVS_NL_ERR(p, NULL,
				  "Flow key lacks an attribute its protocols require");
	if (have & ~allowed)
		return OVS_NL_ERR(p, NULL,
				  "Flow key has an attribute its protocols do not allow");
	return 0;
}

/*
 * A mask may only cover what the key has, and L3/L4 fields only where
 * the mask also pins down the protocols that give them meaning: the
 * ethertype for L3, the IP protocol for L4, the ICMPv6 type for ND.
 */
static int ovs_nl_check_mask(struct ovs_nl_parse *p, u64 key_attrs,
			     u64 mask_attrs)
{
	const struct ovs_key *key = p->key, *mask = p->out;
	u64 required, proto, allowed;

	ovs_nl_proto_attrs(key, &required, &proto);
	allowed = (key_attrs & ~OVS_NL_PROTO_ATTRS) |
		  OVS_NL_BIT(OVS_KEY_ATTR_TUNNEL) |
		  OVS_NL_BIT(OVS_KEY_ATTR_IN_PORT) |
		  OVS_NL_BIT(OVS_KEY_ATTR_ETHERTYPE);
	if (mask->eth.type == htons(0xffff)) {
		allowed |= proto & (OVS_NL_BIT(OVS_KEY_ATTR_IPV4) |
				    OVS_NL_BIT(OVS_KEY_ATTR_IPV6) |
				    OVS_NL_BIT(OVS_KEY_ATTR_ARP) |
				    OVS_NL_BIT(OVS_KEY_ATTR_MPLS));
		if (mask->ip.proto == 0xff)
			allowed |= proto & (OVS_NL_BIT(OVS_KEY_ATTR_TCP) |
					    OVS_NL_BIT(OVS_KEY_ATTR_TCP_FLAGS) |
					    OVS_NL_BIT(OVS_KEY_ATTR_UDP) |
					    OVS_NL_BIT(OVS_KEY_ATTR_SCTP) |
					    OVS_NL_BIT(OVS_KEY_ATTR_ICMP) |
					    OVS_NL_BIT(OVS_KEY_ATTR_ICMPV6));
		if (mask->ip.proto == 0xff && mask->tp.src == htons(0xff))
			allowed |= proto & OVS_NL_BIT(OVS_KEY_ATTR_ND);
	}
	if (mask_attrs & ~allowed)
		return OVS_NL_ERR(p, NULL,
				  "Flow mask covers a field the key or its prerequisites lack");
	return 0;
}

static int ovs_nl_leftover(struct ovs_nl_parse *p,
			   const struct ovs_nl_attrs *ka)
{
	int type;

	if (!ka->pending)
		return 0;
	for (type = 0; type <= OVS_KEY_ATTR_MAX; type++)
		if (ka->pending & OVS_NL_BIT(type))
			break;
	return OVS_NL_ERR(p, ka->a[type], "Unexpected flow key attribute");
}

/* Clear p->out and gather @attr's top level of attributes into @ka. */
static int ovs_nl_start(struct ovs_nl_parse *p, const struct nlattr *attr,
			struct ovs_nl_attrs *ka)
{
	memset(p->out, 0, sizeof(*p->out));
	memset(ka, 0, sizeof(*ka));
	return ovs_nl_collect(p, attr, ka);
}

/* Parse the key or mask whose top-level attributes @ka holds. */
static int ovs_nl_parse(struct ovs_nl_parse *p, struct ovs_nl_attrs *ka)
{
	int err;

	err = ovs_nl_parse_vlans(p, ka);
	if (!err)
		err = ovs_nl_parse_meta(p, ka);
	if (!err)
		err = ovs_nl_parse_l2(p, ka);
	if (!err)
		err = ovs_nl_parse_l3l4(p, ka);
	if (!err)
		err = ovs_nl_leftover(p, ka);
	return err;
}

/*
 * Parse a key from @attr.  With @top, also leave there its top-level
 * attributes as gathered, before parsing consumed them: an exact mask is
 * parsed from the same ones, which need no second check.
 */
static int ovs_nl_parse_key(struct ovs_nl_parse *p, const struct nlattr *attr,
			    struct ovs_key *key, struct ovs_nl_attrs *ka,
			    struct ovs_nl_attrs *top)
{
	int err;

	p->out = key;
	p->key = NULL;
	p->mode = OVS_NL_KEY;
	err = ovs_nl_start(p, attr, ka);
	if (err)
		return err;
	if (top)
		*top = *ka;
	err = ovs_nl_parse(p, ka);
	return err ? : ovs_nl_check_key(p, ka);
}

int ovs_nla_parse_key_mask(const struct nlattr *key_attr,
			   const struct nlattr *mask_attr,
			   struct ovs_key *key, struct ovs_key *mask,
			   struct ovs_key_range *range, bool log,
			   struct netlink_ext_ack *extack)
{
	struct ovs_nl_parse p = { .log = log, .extack = extack };
	struct ovs_nl_attrs ka, top;
	u64 key_attrs;
	int err;

	BUILD_BUG_ON(OVS_KEY_ATTR_MAX >= 64);
	BUILD_BUG_ON(sizeof(struct ovs_key) > 0xffff);

	err = ovs_nl_parse_key(&p, key_attr, key, &ka,
			       mask_attr ? NULL : &top);
	if (err)
		return err;
	key_attrs = ka.all;

	p.out = mask;
	p.key = key;
	if (mask_attr) {
		p.mode = OVS_NL_MASK;
		err = ovs_nl_start(&p, mask_attr, &ka);
	} else {
		p.mode = OVS_NL_EXACT;
		memset(mask, 0, sizeof(*mask));
		ka = top;
	}
	if (!err)
		err = ovs_nl_parse(&p, &ka);
	if (!err)
		err = ovs_nl_check_mask(&p, key_attrs, ka.all);
	if (!err)
		*range = ovs_key_mask_range(mask);
	return err;
}

int ovs_nla_parse_key_exact(const struct nlattr *key_attr,
			    struct ovs_key *key, bool log,
			    struct netlink_ext_ack *extack)
{
	struct ovs_nl_parse p = { .log = log, .extack = extack };
	struct ovs_nl_attrs ka;

	return ovs_nl_parse_key(&p, key_attr, key, &ka, NULL);
}

int ovs_nla_parse_packet_meta(const struct nlattr *key_attr,
			      struct ovs_key *key, bool log,
			      struct netlink_ext_ack *extack)
{
	struct ovs_nl_parse p = { .log = log, .extack = extack };
	struct ovs_nl_attrs ka;
	__be16 l3_type = 0;
	int err;

	/* Everything before eth is metadata; parse it in place. */
	memset(key, 0, offsetof(struct ovs_key, eth));
	memset(&ka, 0, sizeof(ka));
	p.out = key;
	p.mode = OVS_NL_KEY;
	err = ovs_nl_collect(&p, key_attr, &ka);
	if (!err)
		err = ovs_nl_parse_meta(&p, &ka);
	if (err)
		return err;

	key->mac_proto = OVS_MAC_PROTO_ETHERNET;
	if (!ovs_nl_has(&ka, OVS_KEY_ATTR_ETHERNET) &&
	    ovs_nl_has(&ka, OVS_KEY_ATTR_ETHERTYPE)) {
		l3_type = nla_get_be16(ka.a[OVS_KEY_ATTR_ETHERTYPE]);
		if (!eth_proto_is_802_3(l3_type))
			return OVS_NL_ERR(&p, ka.a[OVS_KEY_ATTR_ETHERTYPE],
					  "EtherType below 0x600");
		key->mac_proto = OVS_MAC_PROTO_NONE;
		key->eth.type = l3_type;
	}
	return 0;
}

int ovs_nla_parse_tunnel(const struct nlattr *tun_attr, struct ovs_key *key,
			 bool log, struct netlink_ext_ack *extack)
{
	struct ovs_nl_parse p = {
		.out = key, .mode = OVS_NL_KEY, .log = log, .extack = extack,
	};

	memset(&key->tun, 0, sizeof(key->tun));
	key->tun_opts_len = 0;
	key->tun_proto = 0;
	return ovs_nl_tunnel(&p, tun_attr);
}

void ovs_nla_apply_mask(struct ovs_key *dst, const struct ovs_key *key,
			const struct ovs_key *mask,
			const struct ovs_key_range *range)
{
	const unsigned long *k = (const unsigned long *)key;
	const unsigned long *m = (const unsigned long *)mask;
	unsigned long *d = (unsigned long *)dst;
	size_t i;

	memset(dst, 0, sizeof(*dst));
	for (i = range->start; i < range->end; i += sizeof(long))
		d[i / sizeof(long)] = k[i / sizeof(long)] &
				      m[i / sizeof(long)];
}

/* ---- Emitting ---------------------------------------------------------- */

/* The tunnel fields of @out (a key, or a mask shaped by @key). */
static int ovs_nl_put_tun_fields(struct sk_buff *skb,
				 const struct ovs_key *key,
				 const struct ovs_key *out, int family)
{
	const struct ovs_key_tunnel *t = &out->tun;

	if ((t->flags & OVS_TNL_F_KEY) &&
	    nla_put_be64(skb, OVS_TUNNEL_KEY_ATTR_ID, t->tun_id,
			 OVS_TUNNEL_KEY_ATTR_PAD))
		return -EMSGSIZE;
	if (family == AF_INET6) {
		if (!ovs_nl_is_zero(&t->u.ipv6.src, sizeof(t->u.ipv6.src)) &&
		    nla_put(skb, OVS_TUNNEL_KEY_ATTR_IPV6_SRC,
			    sizeof(t->u.ipv6.src), &t->u.ipv6.src))
			return -EMSGSIZE;
		if (!ovs_nl_is_zero(&t->u.ipv6.dst, sizeof(t->u.ipv6.dst)) &&
		    nla_put(skb, OVS_TUNNEL_KEY_ATTR_IPV6_DST,
			    sizeof(t->u.ipv6.dst), &t->u.ipv6.dst))
			return -EMSGSIZE;
	} else {
		if (t->u.ipv4.src &&
		    nla_put_be32(skb, OVS_TUNNEL_KEY_ATTR_IPV4_SRC,
				 t->u.ipv4.src))
			return -EMSGSIZE;
		if (t->u.ipv4.dst &&
		    nla_put_be32(skb, OVS_TUNNEL_KEY_ATTR_IPV4_DST,
				 t->u.ipv4.dst))
			return -EMSGSIZE;
	}
	if (t->tos && nla_put_u8(skb, OVS_TUNNEL_KEY_ATTR_TOS, t->tos))
		return -EMSGSIZE;
	if (nla_put_u8(skb, OVS_TUNNEL_KEY_ATTR_TTL, t->ttl))
		return -EMSGSIZE;
	if ((t->flags & OVS_TNL_F_DONT_FRAGMENT) &&
	    nla_put_flag(skb, OVS_TUNNEL_KEY_ATTR_DONT_FRAGMENT))
		return -EMSGSIZE;
	if ((t->flags & OVS_TNL_F_CSUM) &&
	    nla_put_flag(skb, OVS_TUNNEL_KEY_ATTR_CSUM))
		return -EMSGSIZE;
	if (t->tp_src &&
	    nla_put_be16(skb, OVS_TUNNEL_KEY_ATTR_TP_SRC, t->tp_src))
		return -EMSGSIZE;
	if (t->tp_dst &&
	    nla_put_be16(skb, OVS_TUNNEL_KEY_ATTR_TP_DST, t->tp_dst))
		return -EMSGSIZE;
	if ((t->flags & OVS_TNL_F_OAM) &&
	    nla_put_flag(skb, OVS_TUNNEL_KEY_ATTR_OAM))
		return -EMSGSIZE;
	if ((t->flags & OVS_TNL_F_GENEVE_OPT) &&
	    nla_put(skb, OVS_TUNNEL_KEY_ATTR_GENEVE_OPTS, key->tun_opts_len,
		    out->tun_opts))
		return -EMSGSIZE;
	return 0;
}

/*
 * The address family a tunnel mask is written in: the key's, or for a key
 * without tunnel whichever the mask's bytes need (IPv4 covers the first
 * eight bytes of the address union, so any byte beyond means IPv6).
 */
static int ovs_nl_mask_tun_family(const struct ovs_key *key,
				  const struct ovs_key *mask)
{
	const u8 *u = (const u8 *)&mask->tun.u;

	if (key->tun_proto)
		return key->tun_proto;
	if (!ovs_nl_is_zero(u + sizeof(mask->tun.u.ipv4),
			    sizeof(mask->tun.u) - sizeof(mask->tun.u.ipv4)))
		return AF_INET6;
	return AF_INET;
}

static int ovs_nl_put_tunnel_nest(struct sk_buff *skb, int attrtype,
				  const struct ovs_key *key,
				  const struct ovs_key *out, int family)
{
	struct nlattr *nest;

	nest = nla_nest_start_noflag(skb, attrtype);
	if (!nest)
		return -EMSGSIZE;
	if (ovs_nl_put_tun_fields(skb, key, out, family)) {
		nla_nest_cancel(skb, nest);
		return -EMSGSIZE;
	}
	nla_nest_end(skb, nest);
	return 0;
}

int ovs_nla_put_tunnel(struct sk_buff *skb, int attrtype,
		       const struct ovs_key *key)
{
	return ovs_nl_put_tunnel_nest(skb, attrtype, key, key, key->tun_proto);
}

static int ovs_nl_put_meta(struct sk_buff *skb, const struct ovs_key *key,
			   const struct ovs_key *out, bool is_mask)
{
	if (nla_put_u32(skb, OVS_KEY_ATTR_RECIRC_ID, out->recirc_id) ||
	    nla_put_u32(skb, OVS_KEY_ATTR_DP_HASH, out->dp_hash) ||
	    nla_put_u32(skb, OVS_KEY_ATTR_PRIORITY, out->priority))
		return -EMSGSIZE;

	if (is_mask ? out->tun_proto != 0 : key->tun_proto != 0) {
		int family = is_mask ? ovs_nl_mask_tun_family(key, out) :
				       key->tun_proto;

		if (ovs_nl_put_tunnel_nest(skb, OVS_KEY_ATTR_TUNNEL, key, out,
					   family))
			return -EMSGSIZE;
	}

	if ((key->in_port != OVS_NL_NO_IN_PORT || (is_mask && out->in_port)) &&
	    nla_put_u32(skb, OVS_KEY_ATTR_IN_PORT, out->in_port))
		return -EMSGSIZE;
	if (nla_put_u32(skb, OVS_KEY_ATTR_SKB_MARK, out->skb_mark))
		return -EMSGSIZE;
	return 0;
}

static int ovs_nl_put_l3(struct sk_buff *skb, const struct ovs_key *key,
			 const struct ovs_key *out)
{
	struct nlattr *nla;
	__be16 type = key->eth.type;

	if (type == htons(ETH_P_IP)) {
		struct ovs_key_ipv4 *v4;

		nla = nla_reserve(skb, OVS_KEY_ATTR_IPV4, sizeof(*v4));
		if (!nla)
			return -EMSGSIZE;
		v4 = nla_data(nla);
		v4->ipv4_src = out->ipv4.addr.src;
		v4->ipv4_dst = out->ipv4.addr.dst;
		v4->ipv4_proto = out->ip.proto;
		v4->ipv4_tos = out->ip.tos;
		v4->ipv4_ttl = out->ip.ttl;
		v4->ipv4_frag = out->ip.frag;
	} else if (type == htons(ETH_P_IPV6)) {
		struct ovs_key_ipv6 *v6;

		nla = nla_reserve(skb, OVS_KEY_ATTR_IPV6, sizeof(*v6));
		if (!nla)
			return -EMSGSIZE;
		v6 = nla_data(nla);
		memcpy(v6->ipv6_src, &out->ipv6.addr.src, sizeof(v6->ipv6_src));
		memcpy(v6->ipv6_dst, &out->ipv6.addr.dst, sizeof(v6->ipv6_dst));
		v6->ipv6_label = out->ipv6.label;
		v6->ipv6_proto = out->ip.proto;
		v6->ipv6_tclass = out->ip.tos;
		v6->ipv6_hlimit = out->ip.ttl;
		v6->ipv6_frag = out->ip.frag;
	} else if (ovs_nl_is_arp(type)) {
		struct ovs_key_arp *arp;

		nla = nla_reserve(skb, OVS_KEY_ATTR_ARP, sizeof(*arp));
		if (!nla)
			return -EMSGSIZE;
		arp = nla_data(nla);
		memset(arp, 0, sizeof(*arp));
		arp->arp_sip = out->ipv4.addr.src;
		arp->arp_tip = out->ipv4.addr.dst;
		arp->arp_op = htons(out->ip.proto);
		memcpy(arp->arp_sha, out->ipv4.arp.sha, ETH_ALEN);
		memcpy(arp->arp_tha, out->ipv4.arp.tha, ETH_ALEN);
	} else if (eth_p_mpls(type)) {
		unsigned int n = ovs_nla_key_mpls_labels(key);

		if (nla_put(skb, OVS_KEY_ATTR_MPLS, n * sizeof(__be32),
			    out->mpls.lse))
			return -EMSGSIZE;
	}
	return 0;
}

static int ovs_nl_put_tp(struct sk_buff *skb, int attrtype,
			 const struct ovs_key *out)
{
	__be16 ports[2] = { out->tp.src, out->tp.dst };

	return nla_put(skb, attrtype, sizeof(ports), ports);
}

static int ovs_nl_put_icmp(struct sk_buff *skb, int attrtype,
			   const struct ovs_key *out)
{
	u8 tc[2] = { (u8)ntohs(out->tp.src), (u8)ntohs(out->tp.dst) };

	return nla_put(skb, attrtype, sizeof(tc), tc);
}

static int ovs_nl_put_l4(struct sk_buff *skb, const struct ovs_key *key,
			 const struct ovs_key *out)
{
	bool v6 = key->eth.type == htons(ETH_P_IPV6);
	struct ovs_key_nd *nd;
	struct nlattr *nla;

	if (!ovs_nl_is_ip(key->eth.type) ||
	    key->ip.frag == OVS_FRAG_TYPE_LATER)
		return 0;

	switch (key->ip.proto) {
	case IPPROTO_TCP:
		if (ovs_nl_put_tp(skb, OVS_KEY_ATTR_TCP, out) ||
		    nla_put_be16(skb, OVS_KEY_ATTR_TCP_FLAGS, out->tp.flags))
			return -EMSGSIZE;
		break;
	case IPPROTO_UDP:
		return ovs_nl_put_tp(skb, OVS_KEY_ATTR_UDP, out);
	case IPPROTO_SCTP:
		return ovs_nl_put_tp(skb, OVS_KEY_ATTR_SCTP, out);
	case IPPROTO_ICMP:
		if (!v6)
			return ovs_nl_put_icmp(skb, OVS_KEY_ATTR_ICMP, out);
		break;
	case IPPROTO_ICMPV6:
		if (!v6)
			break;
		if (ovs_nl_put_icmp(skb, OVS_KEY_ATTR_ICMPV6, out))
			return -EMSGSIZE;
		if (!ovs_nl_is_nd(key))
			break;
		nla = nla_reserve(skb, OVS_KEY_ATTR_ND, sizeof(*nd));
		if (!nla)
			return -EMSGSIZE;
		nd = nla_data(nla);
		memcpy(nd->nd_target, &out->ipv6.nd.target,
		       sizeof(nd->nd_target));
		memcpy(nd->nd_sll, out->ipv6.nd.sll, ETH_ALEN);
		memcpy(nd->nd_tll, out->ipv6.nd.tll, ETH_ALEN);
		break;
	}
	return 0;
}

/*
 * Ethernet header, tags and ethertype.  Opens up to two ENCAP nests into
 * @encap (closed by the caller) and returns 1 when nothing follows the
 * ethertype in the key (802.2, a frame cut short in a tag, a third tag).
 */
static int ovs_nl_put_l2(struct sk_buff *skb, const struct ovs_key *key,
			 const struct ovs_key *out, bool is_mask,
			 struct nlattr **encap)
{
	const struct ovs_key_vlan *ktag[2] = { &key->eth.vlan, &key->eth.cvlan };
	const struct ovs_key_vlan *otag[2] = { &out->eth.vlan, &out->eth.cvlan };
	struct ovs_key_ethernet *eth;
	struct nlattr *nla;
	int i;

	if (key->mac_proto != OVS_MAC_PROTO_ETHERNET)
		goto ethertype;

	nla = nla_reserve(skb, OVS_KEY_ATTR_ETHERNET, sizeof(*eth));
	if (!nla)
		return -EMSGSIZE;
	eth = nla_data(nla);
	memcpy(eth->eth_src, out->eth.src, ETH_ALEN);
	memcpy(eth->eth_dst, out->eth.dst, ETH_ALEN);

	for (i = 0; i < 2; i++) {
		bool tagged = ktag[i]->tci & htons(VLAN_CFI_MASK);
		__be16 tpid;

		if (!tagged && !eth_type_vlan(key->eth.type))
			break;
		if (tagged)
			tpid = is_mask ? htons(0xffff) : ktag[i]->tpid;
		else
			tpid = out->eth.type;
		if (nla_put_be16(skb, OVS_KEY_ATTR_ETHERTYPE, tpid) ||
		    nla_put_be16(skb, OVS_KEY_ATTR_VLAN, otag[i]->tci))
			return -EMSGSIZE;
		encap[i] = nla_nest_start_noflag(skb, OVS_KEY_ATTR_ENCAP);
		if (!encap[i])
			return -EMSGSIZE;
		if (!tagged)
			return 1;
	}

	if (key->eth.type == htons(ETH_P_802_2)) {
		/* "No ethertype": absent in the key, 0xffff in its mask. */
		if (is_mask && out->eth.type &&
		    nla_put_be16(skb, OVS_KEY_ATTR_ETHERTYPE, out->eth.type))
			return -EMSGSIZE;
		return 1;
	}

ethertype:
	if (nla_put_be16(skb, OVS_KEY_ATTR_ETHERTYPE, out->eth.type))
		return -EMSGSIZE;
	/* A third tag: the key knows nothing beyond it. */
	return eth_type_vlan(key->eth.type) ? 1 : 0;
}

int ovs_nla_put_key(struct sk_buff *skb, int attrtype,
		    const struct ovs_key *key, const struct ovs_key *mask,
		    bool is_mask)
{
	const struct ovs_key *out = is_mask ? mask : key;
	struct nlattr *encap[2] = { NULL, NULL };
	struct nlattr *nest;
	int err;

	nest = nla_nest_start_noflag(skb, attrtype);
	if (!nest)
		return -EMSGSIZE;

	err = ovs_nl_put_meta(skb, key, out, is_mask);
	if (!err)
		err = ovs_nl_put_l2(skb, key, out, is_mask, encap);
	if (!err)
		err = ovs_nl_put_l3(skb, key, out);
	if (!err)
		err = ovs_nl_put_l4(skb, key, out);
	if (err < 0) {
		nla_nest_cancel(skb, nest);
		return err;
	}

	if (encap[1])
		nla_nest_end(skb, encap[1]);
	if (encap[0])
		nla_nest_end(skb, encap[0]);
	nla_nest_end(skb, nest);
	return 0;
}

int ovs_nla_put_packet_key(struct sk_buff *skb, int attrtype,
			   const struct ovs_key *key)
{
	return ovs_nla_put_key(skb, attrtype, key, NULL, false);
}

size_t ovs_nla_tunnel_attr_size(void)
{
	return nla_total_size(8)	/* ID */
		+ nla_total_size(0)	/* PAD before ID, on some arches */
		+ nla_total_size(16)	/* IPV[46]_SRC */
		+ nla_total_size(16)	/* IPV[46]_DST */
		+ nla_total_size(1)	/* TOS */
		+ nla_total_size(1)	/* TTL */
		+ nla_total_size(0)	/* DONT_FRAGMENT */
		+ nla_total_size(0)	/* CSUM */
		+ nla_total_size(0)	/* OAM */
		+ nla_total_size(OVS_KEY_TUN_OPTS_MAX)	/* GENEVE_OPTS */
		+ nla_total_size(2)	/* TP_SRC */
		+ nla_total_size(2);	/* TP_DST */
}

size_t ovs_nla_key_attr_size(void)
{
	return nla_total_size(4)	/* RECIRC_ID */
		+ nla_total_size(4)	/* DP_HASH */
		+ nla_total_size(4)	/* PRIORITY */
		+ nla_total_size(ovs_nla_tunnel_attr_size())	/* TUNNEL */
		+ nla_total_size(4)	/* IN_PORT */
		+ nla_total_size(4)	/* SKB_MARK */
		+ nla_total_size(12)	/* ETHERNET */
		+ 2 * (nla_total_size(2)	/* ETHERTYPE (TPID) */
		       + nla_total_size(2)	/* VLAN */
		       + nla_total_size(0))	/* ENCAP */
		+ nla_total_size(2)	/* ETHERTYPE */
		+ nla_total_size(40)	/* IPV6, the largest L3 */
		+ nla_total_size(4)	/* TCP/UDP/SCTP/ICMP[V6] */
		+ nla_total_size(2)	/* TCP_FLAGS */
		+ nla_total_size(28);	/* ND */
}
