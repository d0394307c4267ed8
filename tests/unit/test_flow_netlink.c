// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of datapath/flow_netlink.c and datapath/flow_actions_nl.c:
 * flow key and mask attributes in (every attribute, every way of getting
 * one wrong), out again (round trips over a generated corpus), and action
 * list validation and copy.  Messages are built with the shim's nla_put.
 */
#include "portable_env.h"
#include "flow_netlink.h"

#include <stdio.h>

static int passed, failed;
static const char *current;

#define CHECK(cond) do {						\
	if (cond) {							\
		passed++;						\
	} else {							\
		failed++;						\
		fprintf(stderr, "FAIL %s:%d (%s): %s\n", __FILE__,	\
			__LINE__, current, #cond);			\
	}								\
} while (0)

/* ---- Message building -------------------------------------------------- */

#define BUF_SIZE 8192

struct msg {
	struct sk_buff *skb;
	struct nlattr *nest[32];
	int depth;
};

static void msg_init(struct msg *m, int outer)
{
	m->skb = alloc_skb(BUF_SIZE, GFP_KERNEL);
	m->depth = 0;
	m->nest[m->depth++] = nla_nest_start_noflag(m->skb, outer);
}

static void msg_free(struct msg *m)
{
	kfree_skb(m->skb);
	m->skb = NULL;
}

static void open_(struct msg *m, int type)
{
	m->nest[m->depth++] = nla_nest_start_noflag(m->skb, type);
}

static void close_(struct msg *m)
{
	nla_nest_end(m->skb, m->nest[--m->depth]);
}

/* The outer attribute, all nests closed. */
static const struct nlattr *msg_attr(struct msg *m)
{
	while (m->depth)
		close_(m);
	return (const struct nlattr *)m->skb->data;
}

static void put(struct msg *m, int type, const void *data, int len)
{
	nla_put(m->skb, type, len, data);
}

static void put_u32(struct msg *m, int type, u32 v)
{
	nla_put_u32(m->skb, type, v);
}

static void put_be16(struct msg *m, int type, u16 host)
{
	nla_put_be16(m->skb, type, htons(host));
}

static void put_u8(struct msg *m, int type, u8 v)
{
	nla_put_u8(m->skb, type, v);
}

static void put_eth(struct msg *m, u8 fill)
{
	struct ovs_key_ethernet e;

	memset(&e, fill, sizeof(e));
	e.eth_src[0] = 0x02;
	put(m, OVS_KEY_ATTR_ETHERNET, &e, sizeof(e));
}

static void put_ipv4(struct msg *m, u32 src, u32 dst, u8 proto, u8 frag)
{
	struct ovs_key_ipv4 v = {
		.ipv4_src = htonl(src), .ipv4_dst = htonl(dst),
		.ipv4_proto = proto, .ipv4_tos = 0x10, .ipv4_ttl = 64,
		.ipv4_frag = frag,
	};

	put(m, OVS_KEY_ATTR_IPV4, &v, sizeof(v));
}

static void put_ipv6(struct msg *m, u8 proto, u8 frag, u32 label)
{
	struct ovs_key_ipv6 v;

	memset(&v, 0, sizeof(v));
	v.ipv6_src[0] = htonl(0x20010db8);
	v.ipv6_src[3] = htonl(1);
	v.ipv6_dst[0] = htonl(0x20010db8);
	v.ipv6_dst[3] = htonl(2);
	v.ipv6_label = htonl(label);
	v.ipv6_proto = proto;
	v.ipv6_hlimit = 255;
	v.ipv6_frag = frag;
	put(m, OVS_KEY_ATTR_IPV6, &v, sizeof(v));
}

static void put_ports(struct msg *m, int type, u16 src, u16 dst)
{
	__be16 p[2] = { htons(src), htons(dst) };

	put(m, type, p, sizeof(p));
}

static void put_tc(struct msg *m, int type, u8 t, u8 c)
{
	u8 tc[2] = { t, c };

	put(m, type, tc, sizeof(tc));
}

/* The usual metadata ovs-vswitchd sends. */
static void put_meta(struct msg *m, u32 in_port)
{
	put_u32(m, OVS_KEY_ATTR_PRIORITY, 0);
	put_u32(m, OVS_KEY_ATTR_SKB_MARK, 0);
	put_u32(m, OVS_KEY_ATTR_IN_PORT, in_port);
}

static struct netlink_ext_ack ack;

static int parse_km(struct msg *k, struct msg *mk, struct ovs_key *key,
		    struct ovs_key *mask, struct ovs_key_range *r)
{
	memset(&ack, 0, sizeof(ack));
	return ovs_nla_parse_key_mask(msg_attr(k), mk ? msg_attr(mk) : NULL,
				      key, mask, r, false, &ack);
}

/* Parse, expect -EINVAL with an extack message, free both. */
static void expect_bad_km(struct msg *k, struct msg *mk)
{
	struct ovs_key key, mask;
	struct ovs_key_range r;

	CHECK(parse_km(k, mk, &key, &mask, &r) == -EINVAL);
	CHECK(ack._msg != NULL);
	msg_free(k);
	if (mk)
		msg_free(mk);
}

static void expect_good_km(struct msg *k, struct msg *mk)
{
	struct ovs_key key, mask;
	struct ovs_key_range r;
	int err = parse_km(k, mk, &key, &mask, &r);

	CHECK(err == 0);
	if (err)
		fprintf(stderr, "  extack: %s\n", ack._msg);
	msg_free(k);
	if (mk)
		msg_free(mk);
}

/* ---- Valid keys -------------------------------------------------------- */

static void test_tcp4_exact(void)
{
	struct ovs_key key, mask;
	struct ovs_key_range r;
	struct msg k;
	size_t i;

	current = __func__;
	msg_init(&k, OVS_FLOW_ATTR_KEY);
	put_meta(&k, 3);
	put_eth(&k, 0xaa);
	put_be16(&k, OVS_KEY_ATTR_ETHERTYPE, ETH_P_IP);
	put_ipv4(&k, 0x0a000001, 0x0a000002, IPPROTO_TCP, 0);
	put_ports(&k, OVS_KEY_ATTR_TCP, 1234, 80);
	put_be16(&k, OVS_KEY_ATTR_TCP_FLAGS, 0x012);
	CHECK(parse_km(&k, NULL, &key, &mask, &r) == 0);
	CHECK(key.in_port == 3);
	CHECK(key.mac_proto == OVS_MAC_PROTO_ETHERNET);
	CHECK(key.eth.type == htons(ETH_P_IP));
	CHECK(key.eth.src[0] == 0x02 && key.eth.dst[5] == 0xaa);
	CHECK(key.ipv4.addr.src == htonl(0x0a000001));
	CHECK(key.ipv4.addr.dst == htonl(0x0a000002));
	CHECK(key.ip.proto == IPPROTO_TCP && key.ip.ttl == 64);
	CHECK(key.ip.tos == 0x10 && key.ip.frag == 0);
	CHECK(key.tp.src == htons(1234) && key.tp.dst == htons(80));
	CHECK(key.tp.flags == htons(0x12));
	CHECK(key.tun_proto == 0);

	/* Exact: every field the key carries, plus the conventions. */
	CHECK(mask.in_port == ~0U);
	CHECK(mask.priority == ~0U && mask.skb_mark == ~0U);
	CHECK(mask.recirc_id == 0 && mask.dp_hash == 0);
	CHECK(mask.eth.type == htons(0xffff) && mask.mac_proto == 0xff);
	CHECK(mask.eth.vlan.tci == htons(0xffff));
	CHECK(mask.eth.cvlan.tci == htons(0xffff));
	CHECK(mask.eth.vlan.tpid == 0);
	CHECK(mask.ipv4.addr.src == ~0U && mask.ip.proto == 0xff);
	CHECK(mask.tp.src == htons(0xffff) && mask.tp.flags == htons(0xffff));
	CHECK(mask.tun_proto == 0xff && mask.tun.tun_id == 0);
	CHECK(mask.tun_opts_len == 0);
	for (i = 0; i < sizeof(mask.tun_opts); i++)
		if (mask.tun_opts[i])
			break;
	CHECK(i == sizeof(mask.tun_opts));
	CHECK(r.start % sizeof(long) == 0 && r.end % sizeof(long) == 0);
	CHECK(r.start <= offsetof(struct ovs_key, tun_proto));
	CHECK(r.start > offsetof(struct ovs_key, tun_opts_len));
	CHECK(r.end >= offsetof(struct ovs_key, tp) + sizeof(key.tp));
	CHECK(r.end <= sizeof(struct ovs_key));
	msg_free(&k);
}

static void test_wildcard_mask(void)
{
	struct ovs_key key, mask, masked;
	struct ovs_key_range r;
	struct msg k, mk;

	current = __func__;
	msg_init(&k, OVS_FLOW_ATTR_KEY);
	put_meta(&k, 1);
	put_eth(&k, 0x11);
	put_be16(&k, OVS_KEY_ATTR_ETHERTYPE, ETH_P_IP);
	put_ipv4(&k, 1, 2, IPPROTO_UDP, 0);
	put_ports(&k, OVS_KEY_ATTR_UDP, 53, 5353);

	/* Only the destination IP, with zero attributes left in. */
	msg_init(&mk, OVS_FLOW_ATTR_MASK);
	put_u32(&mk, OVS_KEY_ATTR_PRIORITY, 0);
	put_u32(&mk, OVS_KEY_ATTR_SKB_MARK, 0);
	put_u32(&mk, OVS_KEY_ATTR_IN_PORT, ~0U);
	put(&mk, OVS_KEY_ATTR_ETHERNET, (u8[12]){ 0 }, 12);
	put_be16(&mk, OVS_KEY_ATTR_ETHERTYPE, 0xffff);
	{
		struct ovs_key_ipv4 v = { .ipv4_dst = htonl(~0U) };

		put(&mk, OVS_KEY_ATTR_IPV4, &v, sizeof(v));
	}
	put_ports(&mk, OVS_KEY_ATTR_UDP, 0, 0);
	CHECK(parse_km(&k, &mk, &key, &mask, &r) == 0);
	CHECK(mask.priority == 0 && mask.skb_mark == 0);
	CHECK(mask.in_port == ~0U);
	CHECK(mask.ipv4.addr.dst == ~0U && mask.ipv4.addr.src == 0);
	CHECK(mask.ip.proto == 0 && mask.tp.src == 0);
	CHECK(mask.tun_proto == 0);
	CHECK(mask.eth.vlan.tci == htons(0xffff));
	ovs_nla_apply_mask(&masked, &key, &mask, &r);
	CHECK(masked.ipv4.addr.dst == htonl(2) && masked.ipv4.addr.src == 0);
	CHECK(masked.tp.src == 0 && masked.in_port == 1);
	msg_free(&k);
	msg_free(&mk);
}

static void test_vlan(void)
{
	struct ovs_key key, mask;
	struct ovs_key_range r;
	struct msg k, mk;

	current = __func__;
	/* 802.1ad outer, 802.1Q inner, IPv6 inside. */
	msg_init(&k, OVS_FLOW_ATTR_KEY);
	put_meta(&k, 2);
	put_eth(&k, 0x22);
	put_be16(&k, OVS_KEY_ATTR_ETHERTYPE, ETH_P_8021AD);
	put_be16(&k, OVS_KEY_ATTR_VLAN, 0x1000 | 100);
	open_(&k, OVS_KEY_ATTR_ENCAP);
	put_be16(&k, OVS_KEY_ATTR_ETHERTYPE, ETH_P_8021Q);
	put_be16(&k, OVS_KEY_ATTR_VLAN, 0x1000 | 200);
	open_(&k, OVS_KEY_ATTR_ENCAP);
	put_be16(&k, OVS_KEY_ATTR_ETHERTYPE, ETH_P_IPV6);
	put_ipv6(&k, IPPROTO_UDP, 0, 0x12345);
	put_ports(&k, OVS_KEY_ATTR_UDP, 1, 2);

	msg_init(&mk, OVS_FLOW_ATTR_MASK);
	put_u32(&mk, OVS_KEY_ATTR_IN_PORT, ~0U);
	put_be16(&mk, OVS_KEY_ATTR_ETHERTYPE, 0xffff);
	put_be16(&mk, OVS_KEY_ATTR_VLAN, 0x1fff);
	open_(&mk, OVS_KEY_ATTR_ENCAP);
	put_be16(&mk, OVS_KEY_ATTR_ETHERTYPE, 0xffff);
	put_be16(&mk, OVS_KEY_ATTR_VLAN, 0x1000);
	open_(&mk, OVS_KEY_ATTR_ENCAP);
	put_be16(&mk, OVS_KEY_ATTR_ETHERTYPE, 0xffff);
	CHECK(parse_km(&k, &mk, &key, &mask, &r) == 0);
	CHECK(key.eth.vlan.tpid == htons(ETH_P_8021AD));
	CHECK(key.eth.vlan.tci == htons(0x1000 | 100));
	CHECK(key.eth.cvlan.tpid == htons(ETH_P_8021Q));
	CHECK(key.eth.cvlan.tci == htons(0x1000 | 200));
	CHECK(key.eth.type == htons(ETH_P_IPV6));
	CHECK(key.ipv6.label == htonl(0x12345));
	CHECK(key.tp.dst == htons(2));
	CHECK(mask.eth.vlan.tpid == htons(0xffff));
	CHECK(mask.eth.vlan.tci == htons(0x1fff));
	CHECK(mask.eth.cvlan.tci == htons(0x1000));
	CHECK(mask.eth.type == htons(0xffff));
	msg_free(&k);
	msg_free(&mk);

	/* A frame cut short inside its tag. */
	msg_init(&k, OVS_FLOW_ATTR_KEY);
	put_eth(&k, 0x22);
	put_be16(&k, OVS_KEY_ATTR_ETHERTYPE, ETH_P_8021Q);
	put_be16(&k, OVS_KEY_ATTR_VLAN, 0);
	open_(&k, OVS_KEY_ATTR_ENCAP);
	CHECK(parse_km(&k, NULL, &key, &mask, &r) == 0);
	CHECK(key.eth.type == htons(ETH_P_8021Q));
	CHECK(key.eth.vlan.tci == 0 && key.eth.vlan.tpid == 0);
	CHECK(mask.eth.type == htons(0xffff));
	msg_free(&k);
}

static void test_l3_and_l4_kinds(void)
{
	struct ovs_key key, mask;
	struct ovs_key_range r;
	struct msg k;

	current = __func__;
	/* ICMP */
	msg_init(&k, OVS_FLOW_ATTR_KEY);
	put_eth(&k, 1);
	put_be16(&k, OVS_KEY_ATTR_ETHERTYPE, ETH_P_IP);
	put_ipv4(&k, 1, 2, IPPROTO_ICMP, 0);
	put_tc(&k, OVS_KEY_ATTR_ICMP, 8, 0);
	CHECK(parse_km(&k, NULL, &key, &mask, &r) == 0);
	CHECK(key.tp.src == htons(8) && key.tp.dst == 0);
	CHECK(mask.tp.src == htons(0xff) && mask.tp.dst == htons(0xff));
	CHECK(key.in_port == OVS_NL_NO_IN_PORT && mask.in_port == 0);
	msg_free(&k);

	/* SCTP over IPv6, first fragment. */
	msg_init(&k, OVS_FLOW_ATTR_KEY);
	put_eth(&k, 1);
	put_be16(&k, OVS_KEY_ATTR_ETHERTYPE, ETH_P_IPV6);
	put_ipv6(&k, IPPROTO_SCTP, OVS_FRAG_TYPE_FIRST, 0);
	put_ports(&k, OVS_KEY_ATTR_SCTP, 7, 9);
	CHECK(parse_km(&k, NULL, &key, &mask, &r) == 0);
	CHECK(key.ip.frag == OVS_FRAG_TYPE_FIRST && key.tp.src == htons(7));
	msg_free(&k);

	/* Later fragments carry no L4. */
	msg_init(&k, OVS_FLOW_ATTR_KEY);
	put_eth(&k, 1);
	put_be16(&k, OVS_KEY_ATTR_ETHERTYPE, ETH_P_IP);
	put_ipv4(&k, 1, 2, IPPROTO_TCP, OVS_FRAG_TYPE_LATER);
	expect_good_km(&k, NULL);

	/* ICMPv6 neighbour solicitation with ND. */
	msg_init(&k, OVS_FLOW_ATTR_KEY);
	put_eth(&k, 1);
	put_be16(&k, OVS_KEY_ATTR_ETHERTYPE, ETH_P_IPV6);
	put_ipv6(&k, IPPROTO_ICMPV6, 0, 0);
	put_tc(&k, OVS_KEY_ATTR_ICMPV6, 135, 0);
	{
		struct ovs_key_nd nd;

		memset(&nd, 0x5a, sizeof(nd));
		put(&k, OVS_KEY_ATTR_ND, &nd, sizeof(nd));
	}
	CHECK(parse_km(&k, NULL, &key, &mask, &r) == 0);
	CHECK(key.tp.src == htons(135) && key.ipv6.nd.sll[0] == 0x5a);
	CHECK(mask.ipv6.nd.tll[5] == 0xff);
	msg_free(&k);

	/* ARP */
	msg_init(&k, OVS_FLOW_ATTR_KEY);
	put_eth(&k, 1);
	put_be16(&k, OVS_KEY_ATTR_ETHERTYPE, ETH_P_ARP);
	{
		struct ovs_key_arp arp = {
			.arp_sip = htonl(1), .arp_tip = htonl(2),
			.arp_op = htons(2),
		};

		memset(arp.arp_sha, 0x33, ETH_ALEN);
		put(&k, OVS_KEY_ATTR_ARP, &arp, sizeof(arp));
	}
	CHECK(parse_km(&k, NULL, &key, &mask, &r) == 0);
	CHECK(key.ip.proto == 2 && key.ipv4.addr.dst == htonl(2));
	CHECK(key.ipv4.arp.sha[3] == 0x33 && mask.ip.proto == 0xff);
	msg_free(&k);

	/* MPLS, two labels, the second the bottom of stack. */
	msg_init(&k, OVS_FLOW_ATTR_KEY);
	put_eth(&k, 1);
	put_be16(&k, OVS_KEY_ATTR_ETHERTYPE, ETH_P_MPLS_UC);
	{
		__be32 lse[2] = { htonl(0x00064040), htonl(0x00065140) };

		put(&k, OVS_KEY_ATTR_MPLS, lse, sizeof(lse));
	}
	CHECK(parse_km(&k, NULL, &key, &mask, &r) == 0);
	CHECK(ovs_nla_key_mpls_labels(&key) == 2);
	CHECK(key.mpls.lse[1] == htonl(0x00065140) && key.mpls.lse[2] == 0);
	CHECK(mask.mpls.lse[1] == ~0U && mask.mpls.lse[2] == 0);
	msg_free(&k);

	/* 802.2: Ethernet without ethertype. */
	msg_init(&k, OVS_FLOW_ATTR_KEY);
	put_eth(&k, 1);
	CHECK(parse_km(&k, NULL, &key, &mask, &r) == 0);
	CHECK(key.eth.type == htons(ETH_P_802_2));
	CHECK(mask.eth.type == htons(0xffff));
	msg_free(&k);

	/* An L3 packet: ethertype without Ethernet header. */
	msg_init(&k, OVS_FLOW_ATTR_KEY);
	put_u32(&k, OVS_KEY_ATTR_IN_PORT, 4);
	put_be16(&k, OVS_KEY_ATTR_ETHERTYPE, ETH_P_IP);
	put_ipv4(&k, 1, 2, 47, 0);
	CHECK(parse_km(&k, NULL, &key, &mask, &r) == 0);
	CHECK(key.mac_proto == OVS_MAC_PROTO_NONE);
	CHECK(key.eth.type == htons(ETH_P_IP) && key.ip.proto == 47);
	msg_free(&k);

	/* Metadata only values. */
	msg_init(&k, OVS_FLOW_ATTR_KEY);
	put_u32(&k, OVS_KEY_ATTR_RECIRC_ID, 7);
	put_u32(&k, OVS_KEY_ATTR_DP_HASH, 0x1234);
	put_u32(&k, OVS_KEY_ATTR_PRIORITY, 5);
	put_u32(&k, OVS_KEY_ATTR_SKB_MARK, 6);
	put_eth(&k, 1);
	put_be16(&k, OVS_KEY_ATTR_ETHERTYPE, 0x88cc);
	CHECK(parse_km(&k, NULL, &key, &mask, &r) == 0);
	CHECK(key.recirc_id == 7 && key.dp_hash == 0x1234);
	CHECK(key.priority == 5 && key.skb_mark == 6);
	CHECK(mask.recirc_id == ~0U && mask.dp_hash == ~0U);
	msg_free(&k);
}

static void put_tunnel_v4(struct msg *m, bool with_opts)
{
	open_(m, OVS_KEY_ATTR_TUNNEL);
	nla_put_be64(m->skb, OVS_TUNNEL_KEY_ATTR_ID, cpu_to_be64(42),
		     OVS_TUNNEL_KEY_ATTR_PAD);
	nla_put_be32(m->skb, OVS_TUNNEL_KEY_ATTR_IPV4_SRC, htonl(0xc0a80001));
	nla_put_be32(m->skb, OVS_TUNNEL_KEY_ATTR_IPV4_DST, htonl(0xc0a80002));
	put_u8(m, OVS_TUNNEL_KEY_ATTR_TTL, 64);
	nla_put_flag(m->skb, OVS_TUNNEL_KEY_ATTR_DONT_FRAGMENT);
	put_be16(m, OVS_TUNNEL_KEY_ATTR_TP_DST, 6081);
	if (with_opts) {
		u8 opts[8] = { 0x01, 0x02, 0x80, 0x01, 1, 2, 3, 4 };

		put(m, OVS_TUNNEL_KEY_ATTR_GENEVE_OPTS, opts, sizeof(opts));
	}
	close_(m);
}

static void test_tunnel(void)
{
	struct ovs_key key, mask;
	struct ovs_key_range r;
	struct msg k, mk;
	struct in6_addr a6;

	current = __func__;
	msg_init(&k, OVS_FLOW_ATTR_KEY);
	put_tunnel_v4(&k, true);
	put_meta(&k, 1);
	put_eth(&k, 1);
	put_be16(&k, OVS_KEY_ATTR_ETHERTYPE, 0x88cc);
	CHECK(parse_km(&k, NULL, &key, &mask, &r) == 0);
	CHECK(key.tun_proto == AF_INET);
	CHECK(key.tun.tun_id == cpu_to_be64(42));
	CHECK(key.tun.u.ipv4.dst == htonl(0xc0a80002));
	CHECK(key.tun.ttl == 64 && key.tun.tos == 0);
	CHECK(key.tun.tp_dst == htons(6081));
	CHECK(key.tun.flags == (OVS_TNL_F_KEY | OVS_TNL_F_DONT_FRAGMENT |
				OVS_TNL_F_GENEVE_OPT));
	CHECK(key.tun_opts_len == 8 && key.tun_opts[7] == 4);
	/* Exact: zero tunnel fields are matched too. */
	CHECK(mask.tun.tos == 0xff && mask.tun.tp_src == htons(0xffff));
	CHECK(mask.tun_opts_len == 0xff && mask.tun_opts[7] == 0xff);
	CHECK(mask.tun_opts[8] == 0);
	CHECK(r.start == 0);
	msg_free(&k);

	/* IPv6 tunnel, mask with only the tunnel destination. */
	msg_init(&k, OVS_FLOW_ATTR_KEY);
	open_(&k, OVS_KEY_ATTR_TUNNEL);
	memset(&a6, 0, sizeof(a6));
	a6.s6_addr[0] = 0xfe;
	a6.s6_addr[15] = 1;
	put(&k, OVS_TUNNEL_KEY_ATTR_IPV6_DST, &a6, sizeof(a6));
	put_u8(&k, OVS_TUNNEL_KEY_ATTR_TTL, 3);
	close_(&k);
	put_eth(&k, 1);
	msg_init(&mk, OVS_FLOW_ATTR_MASK);
	open_(&mk, OVS_KEY_ATTR_TUNNEL);
	memset(&a6, 0xff, sizeof(a6));
	put(&mk, OVS_TUNNEL_KEY_ATTR_IPV6_DST, &a6, sizeof(a6));
	put_u8(&mk, OVS_TUNNEL_KEY_ATTR_TTL, 0);
	close_(&mk);
	CHECK(parse_km(&k, &mk, &key, &mask, &r) == 0);
	CHECK(key.tun_proto == AF_INET6 && key.tun.u.ipv6.dst.s6_addr[15] == 1);
	CHECK(mask.tun_proto == 0xff && mask.tun.u.ipv6.dst.s6_addr[0] == 0xff);
	CHECK(mask.tun.u.ipv6.src.s6_addr[0] == 0 && mask.tun.ttl == 0);
	msg_free(&k);
	msg_free(&mk);

	/* A mask may match tunnel fields of a flow without tunnel. */
	msg_init(&k, OVS_FLOW_ATTR_KEY);
	put_eth(&k, 1);
	msg_init(&mk, OVS_FLOW_ATTR_MASK);
	open_(&mk, OVS_KEY_ATTR_TUNNEL);
	nla_put_be32(mk.skb, OVS_TUNNEL_KEY_ATTR_IPV4_DST, htonl(~0U));
	put_u8(&mk, OVS_TUNNEL_KEY_ATTR_TTL, 0);
	close_(&mk);
	expect_good_km(&k, &mk);
}

/* ---- Malformed keys ---------------------------------------------------- */

/* A valid Ethernet/IPv4/UDP key with one attribute of the wrong length. */
static void bad_len_case(int bad_type)
{
	static const int types[] = {
		OVS_KEY_ATTR_PRIORITY, OVS_KEY_ATTR_IN_PORT,
		OVS_KEY_ATTR_SKB_MARK, OVS_KEY_ATTR_RECIRC_ID,
		OVS_KEY_ATTR_DP_HASH,
	};
	u8 junk[64] = { 0 };
	struct msg k;
	size_t i;

	msg_init(&k, OVS_FLOW_ATTR_KEY);
	for (i = 0; i < ARRAY_SIZE(types); i++)
		if (types[i] != bad_type)
			put_u32(&k, types[i], 1);
	if (bad_type == OVS_KEY_ATTR_ETHERNET)
		put(&k, OVS_KEY_ATTR_ETHERNET, junk, 11);
	else
		put_eth(&k, 1);
	if (bad_type == OVS_KEY_ATTR_ETHERTYPE)
		put(&k, OVS_KEY_ATTR_ETHERTYPE, junk, 4);
	else
		put_be16(&k, OVS_KEY_ATTR_ETHERTYPE, ETH_P_IP);
	if (bad_type == OVS_KEY_ATTR_IPV4) {
		put(&k, OVS_KEY_ATTR_IPV4, junk, 11);
	} else {
		put_ipv4(&k, 1, 2, IPPROTO_UDP, 0);
	}
	if (bad_type == OVS_KEY_ATTR_UDP)
		put(&k, OVS_KEY_ATTR_UDP, junk, 2);
	else
		put_ports(&k, OVS_KEY_ATTR_UDP, 1, 2);
	for (i = 0; i < ARRAY_SIZE(types); i++)
		if (types[i] == bad_type)
			put(&k, bad_type, junk, 8);
	expect_bad_km(&k, NULL);
}

static void bad_len_other(int type, int len)
{
	u8 junk[64] = { 1 };
	struct msg k;

	msg_init(&k, OVS_FLOW_ATTR_KEY);
	put_eth(&k, 1);
	put(&k, type, junk, len);
	expect_bad_km(&k, NULL);
}

static void test_bad_lengths(void)
{
	static const int types[] = {
		OVS_KEY_ATTR_PRIORITY, OVS_KEY_ATTR_IN_PORT,
		OVS_KEY_ATTR_SKB_MARK, OVS_KEY_ATTR_RECIRC_ID,
		OVS_KEY_ATTR_DP_HASH, OVS_KEY_ATTR_ETHERNET,
		OVS_KEY_ATTR_ETHERTYPE, OVS_KEY_ATTR_IPV4, OVS_KEY_ATTR_UDP,
	};
	size_t i;

	current = __func__;
	for (i = 0; i < ARRAY_SIZE(types); i++)
		bad_len_case(types[i]);
	bad_len_other(OVS_KEY_ATTR_VLAN, 4);
	bad_len_other(OVS_KEY_ATTR_IPV6, 39);
	bad_len_other(OVS_KEY_ATTR_TCP, 8);
	bad_len_other(OVS_KEY_ATTR_TCP_FLAGS, 4);
	bad_len_other(OVS_KEY_ATTR_SCTP, 3);
	bad_len_other(OVS_KEY_ATTR_ICMP, 1);
	bad_len_other(OVS_KEY_ATTR_ICMPV6, 4);
	bad_len_other(OVS_KEY_ATTR_ARP, 25);
	bad_len_other(OVS_KEY_ATTR_ND, 27);
}

static struct msg eth_ip_key(void)
{
	struct msg k;

	msg_init(&k, OVS_FLOW_ATTR_KEY);
	put_meta(&k, 1);
	put_eth(&k, 1);
	put_be16(&k, OVS_KEY_ATTR_ETHERTYPE, ETH_P_IP);
	return k;
}

static void test_bad_keys(void)
{
	static const int unsupported[] = {
		OVS_KEY_ATTR_CT_STATE, OVS_KEY_ATTR_CT_ZONE,
		OVS_KEY_ATTR_CT_MARK, OVS_KEY_ATTR_CT_LABELS,
		OVS_KEY_ATTR_CT_ORIG_TUPLE_IPV4,
		OVS_KEY_ATTR_CT_ORIG_TUPLE_IPV6, OVS_KEY_ATTR_NSH,
		OVS_KEY_ATTR_PACKET_TYPE, OVS_KEY_ATTR_ND_EXTENSIONS,
		OVS_KEY_ATTR_TUNNEL_INFO, OVS_KEY_ATTR_IPV6_EXTHDRS, 0,
		OVS_KEY_ATTR_MAX + 1, 200,
	};
	u8 junk[64] = { 0 };
	struct msg k;
	size_t i;

	current = __func__;
	for (i = 0; i < ARRAY_SIZE(unsupported); i++) {
		msg_init(&k, OVS_FLOW_ATTR_KEY);
		put_eth(&k, 1);
		put(&k, unsupported[i], junk, 4);
		expect_bad_km(&k, NULL);
	}

	/* Duplicates, at top level and across an ENCAP. */
	k = eth_ip_key();
	put_ipv4(&k, 1, 2, 0, 0);
	put_ipv4(&k, 1, 2, 0, 0);
	expect_bad_km(&k, NULL);
	msg_init(&k, OVS_FLOW_ATTR_KEY);
	put_u32(&k, OVS_KEY_ATTR_PRIORITY, 1);
	put_eth(&k, 1);
	put_be16(&k, OVS_KEY_ATTR_ETHERTYPE, ETH_P_8021Q);
	put_be16(&k, OVS_KEY_ATTR_VLAN, 0x1001);
	open_(&k, OVS_KEY_ATTR_ENCAP);
	put_u32(&k, OVS_KEY_ATTR_PRIORITY, 1);
	expect_bad_km(&k, NULL);

	/* VLAN: missing VLAN/ENCAP, TCI without CFI, truncated with
	 * content, a VLAN attribute outside any tag, a third ENCAP.
	 */
	msg_init(&k, OVS_FLOW_ATTR_KEY);
	put_eth(&k, 1);
	put_be16(&k, OVS_KEY_ATTR_ETHERTYPE, ETH_P_8021Q);
	put_be16(&k, OVS_KEY_ATTR_VLAN, 0x1001);
	expect_bad_km(&k, NULL);
	msg_init(&k, OVS_FLOW_ATTR_KEY);
	put_eth(&k, 1);
	put_be16(&k, OVS_KEY_ATTR_ETHERTYPE, ETH_P_8021Q);
	put_be16(&k, OVS_KEY_ATTR_VLAN, 0x0001);
	open_(&k, OVS_KEY_ATTR_ENCAP);
	expect_bad_km(&k, NULL);
	msg_init(&k, OVS_FLOW_ATTR_KEY);
	put_eth(&k, 1);
	put_be16(&k, OVS_KEY_ATTR_ETHERTYPE, ETH_P_8021Q);
	put_be16(&k, OVS_KEY_ATTR_VLAN, 0);
	open_(&k, OVS_KEY_ATTR_ENCAP);
	put_be16(&k, OVS_KEY_ATTR_ETHERTYPE, ETH_P_IP);
	expect_bad_km(&k, NULL);
	k = eth_ip_key();
	put_be16(&k, OVS_KEY_ATTR_VLAN, 0x1001);
	put_ipv4(&k, 1, 2, 0, 0);
	expect_bad_km(&k, NULL);
	msg_init(&k, OVS_FLOW_ATTR_KEY);
	put_eth(&k, 1);
	for (i = 0; i < 3; i++) {
		put_be16(&k, OVS_KEY_ATTR_ETHERTYPE, ETH_P_8021Q);
		put_be16(&k, OVS_KEY_ATTR_VLAN, 0x1001);
		open_(&k, OVS_KEY_ATTR_ENCAP);
	}
	put_be16(&k, OVS_KEY_ATTR_ETHERTYPE, ETH_P_IP);
	expect_bad_km(&k, NULL);

	/* Ethertype below 0x600; neither Ethernet nor ethertype. */
	msg_init(&k, OVS_FLOW_ATTR_KEY);
	put_eth(&k, 1);
	put_be16(&k, OVS_KEY_ATTR_ETHERTYPE, 0x5ff);
	expect_bad_km(&k, NULL);
	msg_init(&k, OVS_FLOW_ATTR_KEY);
	put_u32(&k, OVS_KEY_ATTR_IN_PORT, 1);
	expect_bad_km(&k, NULL);

	/* Out of range values. */
	msg_init(&k, OVS_FLOW_ATTR_KEY);
	put_u32(&k, OVS_KEY_ATTR_IN_PORT, 0xffff);
	put_eth(&k, 1);
	expect_bad_km(&k, NULL);
	k = eth_ip_key();
	put_ipv4(&k, 1, 2, 0, 3);
	expect_bad_km(&k, NULL);
	msg_init(&k, OVS_FLOW_ATTR_KEY);
	put_eth(&k, 1);
	put_be16(&k, OVS_KEY_ATTR_ETHERTYPE, ETH_P_IPV6);
	put_ipv6(&k, 0, 0, 0x100000);
	expect_bad_km(&k, NULL);
	msg_init(&k, OVS_FLOW_ATTR_KEY);
	put_eth(&k, 1);
	put_be16(&k, OVS_KEY_ATTR_ETHERTYPE, ETH_P_ARP);
	{
		struct ovs_key_arp arp = { .arp_op = htons(0x100) };

		put(&k, OVS_KEY_ATTR_ARP, &arp, sizeof(arp));
	}
	expect_bad_km(&k, NULL);
	for (i = 0; i < 3; i++) {
		static const int lens[] = { 0, 6, 16 };

		msg_init(&k, OVS_FLOW_ATTR_KEY);
		put_eth(&k, 1);
		put_be16(&k, OVS_KEY_ATTR_ETHERTYPE, ETH_P_MPLS_UC);
		put(&k, OVS_KEY_ATTR_MPLS, junk, lens[i]);
		expect_bad_km(&k, NULL);
	}

	/* An MPLS label after the bottom of stack. */
	msg_init(&k, OVS_FLOW_ATTR_KEY);
	put_eth(&k, 1);
	put_be16(&k, OVS_KEY_ATTR_ETHERTYPE, ETH_P_MPLS_UC);
	{
		__be32 lse[2] = { htonl(0x100), htonl(0x200) };

		put(&k, OVS_KEY_ATTR_MPLS, lse, sizeof(lse));
	}
	expect_bad_km(&k, NULL);

	/* Prerequisites: required attribute missing, foreign one present. */
	k = eth_ip_key();
	expect_bad_km(&k, NULL);
	k = eth_ip_key();
	put_ipv4(&k, 1, 2, IPPROTO_TCP, 0);
	expect_bad_km(&k, NULL);
	k = eth_ip_key();
	put_ipv4(&k, 1, 2, IPPROTO_TCP, 0);
	put_ports(&k, OVS_KEY_ATTR_TCP, 1, 2);
	put_ports(&k, OVS_KEY_ATTR_UDP, 1, 2);
	expect_bad_km(&k, NULL);
	k = eth_ip_key();
	put_ipv4(&k, 1, 2, IPPROTO_TCP, OVS_FRAG_TYPE_LATER);
	put_ports(&k, OVS_KEY_ATTR_TCP, 1, 2);
	expect_bad_km(&k, NULL);
	k = eth_ip_key();
	put_ipv4(&k, 1, 2, IPPROTO_UDP, 0);
	put_ports(&k, OVS_KEY_ATTR_UDP, 1, 2);
	put_be16(&k, OVS_KEY_ATTR_TCP_FLAGS, 2);
	expect_bad_km(&k, NULL);
	k = eth_ip_key();
	put_ipv6(&k, 0, 0, 0);
	expect_bad_km(&k, NULL);
	msg_init(&k, OVS_FLOW_ATTR_KEY);
	put_eth(&k, 1);
	put_be16(&k, OVS_KEY_ATTR_ETHERTYPE, ETH_P_IPV6);
	put_ipv6(&k, IPPROTO_ICMPV6, 0, 0);
	put_tc(&k, OVS_KEY_ATTR_ICMPV6, 128, 0);
	put(&k, OVS_KEY_ATTR_ND, junk, sizeof(struct ovs_key_nd));
	expect_bad_km(&k, NULL);

	/* Trailing garbage inside the key. */
	k = eth_ip_key();
	put_ipv4(&k, 1, 2, 0, 0);
	{
		struct nlattr *outer = k.nest[0];

		close_(&k);
		skb_put_zero(k.skb, 2);
		outer->nla_len += 2;
	}
	expect_bad_km(&k, NULL);
}

static void tun_case(void (*fill)(struct msg *m))
{
	struct msg k;

	msg_init(&k, OVS_FLOW_ATTR_KEY);
	open_(&k, OVS_KEY_ATTR_TUNNEL);
	fill(&k);
	close_(&k);
	put_eth(&k, 1);
	expect_bad_km(&k, NULL);
}

static void tun_no_dst(struct msg *m)
{
	put_u8(m, OVS_TUNNEL_KEY_ATTR_TTL, 1);
}

static void tun_zero_dst(struct msg *m)
{
	nla_put_be32(m->skb, OVS_TUNNEL_KEY_ATTR_IPV4_DST, 0);
	put_u8(m, OVS_TUNNEL_KEY_ATTR_TTL, 1);
}

static void tun_no_ttl(struct msg *m)
{
	nla_put_be32(m->skb, OVS_TUNNEL_KEY_ATTR_IPV4_DST, htonl(1));
}

static void tun_mixed(struct msg *m)
{
	struct in6_addr a = { .s6_addr = { 1 } };

	nla_put_be32(m->skb, OVS_TUNNEL_KEY_ATTR_IPV4_DST, htonl(1));
	put(m, OVS_TUNNEL_KEY_ATTR_IPV6_SRC, &a, sizeof(a));
	put_u8(m, OVS_TUNNEL_KEY_ATTR_TTL, 1);
}

static void tun_vxlan(struct msg *m)
{
	tun_no_ttl(m);
	put_u8(m, OVS_TUNNEL_KEY_ATTR_TTL, 1);
	open_(m, OVS_TUNNEL_KEY_ATTR_VXLAN_OPTS);
	put_u32(m, 1, 5);
	close_(m);
}

static void tun_geneve_len(struct msg *m)
{
	tun_no_ttl(m);
	put_u8(m, OVS_TUNNEL_KEY_ATTR_TTL, 1);
	put(m, OVS_TUNNEL_KEY_ATTR_GENEVE_OPTS, "abcdef", 6);
}

static void tun_unknown(struct msg *m)
{
	tun_no_ttl(m);
	put_u8(m, OVS_TUNNEL_KEY_ATTR_TTL, 1);
	put_u32(m, OVS_TUNNEL_KEY_ATTR_MAX + 1, 0);
}

static void tun_dup(struct msg *m)
{
	tun_no_ttl(m);
	put_u8(m, OVS_TUNNEL_KEY_ATTR_TTL, 1);
	put_u8(m, OVS_TUNNEL_KEY_ATTR_TTL, 2);
}

static void tun_bad_len(struct msg *m)
{
	tun_no_ttl(m);
	put_u32(m, OVS_TUNNEL_KEY_ATTR_TTL, 1);
}

static void tun_erspan(struct msg *m)
{
	tun_no_ttl(m);
	put_u8(m, OVS_TUNNEL_KEY_ATTR_TTL, 1);
	put_u32(m, OVS_TUNNEL_KEY_ATTR_ERSPAN_OPTS, 1);
}

static void test_bad_tunnels(void)
{
	current = __func__;
	tun_case(tun_no_dst);
	tun_case(tun_zero_dst);
	tun_case(tun_no_ttl);
	tun_case(tun_mixed);
	tun_case(tun_vxlan);
	tun_case(tun_geneve_len);
	tun_case(tun_unknown);
	tun_case(tun_dup);
	tun_case(tun_bad_len);
	tun_case(tun_erspan);
}

/* ---- Malformed masks --------------------------------------------------- */

static struct msg udp4_key(void)
{
	struct msg k = eth_ip_key();

	put_ipv4(&k, 1, 2, IPPROTO_UDP, 0);
	put_ports(&k, OVS_KEY_ATTR_UDP, 1, 2);
	return k;
}

static void test_bad_masks(void)
{
	struct ovs_key_ipv4 v4 = { .ipv4_proto = 0xff };
	struct msg k, mk;

	current = __func__;
	/* L4 mask without an exact IP protocol, L3 without ethertype. */
	k = udp4_key();
	msg_init(&mk, OVS_FLOW_ATTR_MASK);
	put_be16(&mk, OVS_KEY_ATTR_ETHERTYPE, 0xffff);
	put_ports(&mk, OVS_KEY_ATTR_UDP, 0xffff, 0);
	expect_bad_km(&k, &mk);
	k = udp4_key();
	msg_init(&mk, OVS_FLOW_ATTR_MASK);
	put(&mk, OVS_KEY_ATTR_IPV4, &v4, sizeof(v4));
	expect_bad_km(&k, &mk);
	/* ... and with both it is fine. */
	k = udp4_key();
	msg_init(&mk, OVS_FLOW_ATTR_MASK);
	put_be16(&mk, OVS_KEY_ATTR_ETHERTYPE, 0xffff);
	put(&mk, OVS_KEY_ATTR_IPV4, &v4, sizeof(v4));
	put_ports(&mk, OVS_KEY_ATTR_UDP, 0xffff, 0);
	expect_good_km(&k, &mk);

	/* A field the key does not have: TCP ports on UDP, ARP on IPv4,
	 * a priority the key left out.
	 */
	k = udp4_key();
	msg_init(&mk, OVS_FLOW_ATTR_MASK);
	put_be16(&mk, OVS_KEY_ATTR_ETHERTYPE, 0xffff);
	put(&mk, OVS_KEY_ATTR_IPV4, &v4, sizeof(v4));
	put_ports(&mk, OVS_KEY_ATTR_TCP, 0xffff, 0);
	expect_bad_km(&k, &mk);
	k = udp4_key();
	msg_init(&mk, OVS_FLOW_ATTR_MASK);
	put_be16(&mk, OVS_KEY_ATTR_ETHERTYPE, 0xffff);
	put(&mk, OVS_KEY_ATTR_ARP, (u8[24]){ 1 }, 24);
	expect_bad_km(&k, &mk);
	msg_init(&k, OVS_FLOW_ATTR_KEY);
	put_eth(&k, 1);
	msg_init(&mk, OVS_FLOW_ATTR_MASK);
	put_u32(&mk, OVS_KEY_ATTR_PRIORITY, 1);
	expect_bad_km(&k, &mk);

	/* ND mask needs an exact ICMPv6 type. */
	msg_init(&k, OVS_FLOW_ATTR_KEY);
	put_eth(&k, 1);
	put_be16(&k, OVS_KEY_ATTR_ETHERTYPE, ETH_P_IPV6);
	put_ipv6(&k, IPPROTO_ICMPV6, 0, 0);
	put_tc(&k, OVS_KEY_ATTR_ICMPV6, 136, 0);
	put(&k, OVS_KEY_ATTR_ND, (u8[28]){ 1 }, 28);
	msg_init(&mk, OVS_FLOW_ATTR_MASK);
	put_be16(&mk, OVS_KEY_ATTR_ETHERTYPE, 0xffff);
	{
		struct ovs_key_ipv6 m6 = { .ipv6_proto = 0xff };

		put(&mk, OVS_KEY_ATTR_IPV6, &m6, sizeof(m6));
	}
	put_tc(&mk, OVS_KEY_ATTR_ICMPV6, 0xf0, 0);
	put(&mk, OVS_KEY_ATTR_ND, (u8[28]){ 0xff }, 28);
	expect_bad_km(&k, &mk);

	/* ENCAP mask on an untagged key; inexact TPID; TCI mask w/o CFI. */
	k = udp4_key();
	msg_init(&mk, OVS_FLOW_ATTR_MASK);
	open_(&mk, OVS_KEY_ATTR_ENCAP);
	expect_bad_km(&k, &mk);
	{
		int i;

		for (i = 0; i < 2; i++) {
			msg_init(&k, OVS_FLOW_ATTR_KEY);
			put_eth(&k, 1);
			put_be16(&k, OVS_KEY_ATTR_ETHERTYPE, ETH_P_8021Q);
			put_be16(&k, OVS_KEY_ATTR_VLAN, 0x1005);
			open_(&k, OVS_KEY_ATTR_ENCAP);
			msg_init(&mk, OVS_FLOW_ATTR_MASK);
			put_be16(&mk, OVS_KEY_ATTR_ETHERTYPE, i ? 0xffff : 0xff00);
			put_be16(&mk, OVS_KEY_ATTR_VLAN, i ? 0x0fff : 0xffff);
			open_(&mk, OVS_KEY_ATTR_ENCAP);
			expect_bad_km(&k, &mk);
		}
	}

	/* Geneve mask length differs from the key's. */
	msg_init(&k, OVS_FLOW_ATTR_KEY);
	put_tunnel_v4(&k, true);
	put_eth(&k, 1);
	msg_init(&mk, OVS_FLOW_ATTR_MASK);
	open_(&mk, OVS_KEY_ATTR_TUNNEL);
	put(&mk, OVS_TUNNEL_KEY_ATTR_GENEVE_OPTS, "abcd", 4);
	close_(&mk);
	expect_bad_km(&k, &mk);

	/* Tunnel mask of the other address family. */
	msg_init(&k, OVS_FLOW_ATTR_KEY);
	put_tunnel_v4(&k, false);
	put_eth(&k, 1);
	msg_init(&mk, OVS_FLOW_ATTR_MASK);
	open_(&mk, OVS_KEY_ATTR_TUNNEL);
	put(&mk, OVS_TUNNEL_KEY_ATTR_IPV6_DST, (u8[16]){ 0xff }, 16);
	close_(&mk);
	expect_bad_km(&k, &mk);

	/* MPLS mask deeper than the key. */
	msg_init(&k, OVS_FLOW_ATTR_KEY);
	put_eth(&k, 1);
	put_be16(&k, OVS_KEY_ATTR_ETHERTYPE, ETH_P_MPLS_UC);
	put_u32(&k, OVS_KEY_ATTR_MPLS, htonl(0x100));
	msg_init(&mk, OVS_FLOW_ATTR_MASK);
	put_be16(&mk, OVS_KEY_ATTR_ETHERTYPE, 0xffff);
	put(&mk, OVS_KEY_ATTR_MPLS, (u8[8]){ 1, 0, 0, 0, 1 }, 8);
	expect_bad_km(&k, &mk);

	/* Zero mask attributes are as if absent: TCP zero mask is fine
	 * without exact protocol.
	 */
	k = udp4_key();
	msg_init(&mk, OVS_FLOW_ATTR_MASK);
	put_ports(&mk, OVS_KEY_ATTR_TCP, 0, 0);
	put(&mk, OVS_KEY_ATTR_ARP, (u8[24]){ 0 }, 24);
	expect_good_km(&k, &mk);
}

/* ---- Emitting and round trips ------------------------------------------ */

static u64 rng_state = 0x9e3779b97f4a7c15ULL;

static u32 rnd(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return (u32)(rng_state >> 11);
}

static bool coin(unsigned int n)
{
	return rnd() % n == 0;
}

static void rnd_bytes(void *p, size_t n)
{
	u8 *b = p;

	while (n--)
		*b++ = rnd();
}

/* Put the same attribute type in key and mask with random payloads. */
static void gen_both(struct msg *k, struct msg *m, int type, size_t len)
{
	u8 kv[64], mv[64];

	rnd_bytes(kv, len);
	rnd_bytes(mv, len);
	if (coin(3))
		memset(mv, 0, len);
	put(k, type, kv, len);
	if (m)
		put(m, type, mv, len);
}

/* A tunnel in @k (a key, or a mask of a key without tunnel: no options
 * then), and its mask in @m.
 */
static void gen_tunnel(struct msg *k, struct msg *m, bool opts_ok)
{
	bool v6 = coin(2);
	int olen = opts_ok && coin(2) ? 4 * (int)(rnd() % 8) : -1;
	u8 opts[32];

	open_(k, OVS_KEY_ATTR_TUNNEL);
	if (m)
		open_(m, OVS_KEY_ATTR_TUNNEL);
	if (coin(2))
		gen_both(k, m, OVS_TUNNEL_KEY_ATTR_ID, 8);
	if (v6) {
		struct in6_addr a = { .s6_addr = { 0x20, 1 } };

		put(k, OVS_TUNNEL_KEY_ATTR_IPV6_DST, &a, sizeof(a));
		if (m)
			gen_both(k, m, OVS_TUNNEL_KEY_ATTR_IPV6_SRC, 16);
	} else {
		nla_put_be32(k->skb, OVS_TUNNEL_KEY_ATTR_IPV4_DST,
			     htonl(rnd() | 1));
		if (m)
			gen_both(k, m, OVS_TUNNEL_KEY_ATTR_IPV4_SRC, 4);
	}
	gen_both(k, m, OVS_TUNNEL_KEY_ATTR_TTL, 1);
	if (coin(2))
		gen_both(k, m, OVS_TUNNEL_KEY_ATTR_TOS, 1);
	if (coin(2))
		gen_both(k, m, OVS_TUNNEL_KEY_ATTR_TP_SRC, 2);
	if (coin(2))
		nla_put_flag(k->skb, OVS_TUNNEL_KEY_ATTR_CSUM);
	if (m && coin(2))
		nla_put_flag(m->skb, OVS_TUNNEL_KEY_ATTR_DONT_FRAGMENT);
	if (coin(3))
		nla_put_flag(k->skb, OVS_TUNNEL_KEY_ATTR_OAM);
	if (olen >= 0) {
		rnd_bytes(opts, sizeof(opts));
		put(k, OVS_TUNNEL_KEY_ATTR_GENEVE_OPTS, opts, olen);
		if (m && coin(2)) {
			rnd_bytes(opts, sizeof(opts));
			put(m, OVS_TUNNEL_KEY_ATTR_GENEVE_OPTS, opts, olen);
		}
	}
	close_(k);
	if (m)
		close_(m);
}

/* L3/L4 under an exact ethertype mask (or none at all). */
static void gen_l3(struct msg *k, struct msg *m, u16 type)
{
	u8 proto, frag = rnd() % 3;
	bool l4m;

	if (type == ETH_P_IP || type == ETH_P_IPV6) {
		static const u8 protos[] = {
			IPPROTO_TCP, IPPROTO_UDP, IPPROTO_SCTP, IPPROTO_ICMP,
			IPPROTO_ICMPV6, 47,
		};
		struct ovs_key_ipv6 v6, m6;
		struct ovs_key_ipv4 v4, m4;

		proto = protos[rnd() % ARRAY_SIZE(protos)];
		l4m = m && coin(2);
		if (type == ETH_P_IP) {
			rnd_bytes(&v4, sizeof(v4));
			rnd_bytes(&m4, sizeof(m4));
			v4.ipv4_proto = proto;
			v4.ipv4_frag = frag;
			m4.ipv4_proto = l4m ? 0xff : 0;
			put(k, OVS_KEY_ATTR_IPV4, &v4, sizeof(v4));
			if (m)
				put(m, OVS_KEY_ATTR_IPV4, &m4, sizeof(m4));
		} else {
			rnd_bytes(&v6, sizeof(v6));
			rnd_bytes(&m6, sizeof(m6));
			v6.ipv6_proto = proto;
			v6.ipv6_frag = frag;
			v6.ipv6_label &= htonl(0xfffff);
			m6.ipv6_proto = l4m ? 0xff : 0;
			put(k, OVS_KEY_ATTR_IPV6, &v6, sizeof(v6));
			if (m)
				put(m, OVS_KEY_ATTR_IPV6, &m6, sizeof(m6));
		}
		if (frag == OVS_FRAG_TYPE_LATER)
			return;
		if (!l4m)
			m = NULL;
		switch (proto) {
		case IPPROTO_TCP:
			gen_both(k, m, OVS_KEY_ATTR_TCP, 4);
			if (coin(2))
				gen_both(k, m, OVS_KEY_ATTR_TCP_FLAGS, 2);
			break;
		case IPPROTO_UDP:
			gen_both(k, m, OVS_KEY_ATTR_UDP, 4);
			break;
		case IPPROTO_SCTP:
			gen_both(k, m, OVS_KEY_ATTR_SCTP, 4);
			break;
		case IPPROTO_ICMP:
			if (type == ETH_P_IP)
				gen_both(k, m, OVS_KEY_ATTR_ICMP, 2);
			break;
		case IPPROTO_ICMPV6: {
			u8 t = coin(2) ? 135 + rnd() % 2 : rnd();
			u8 tmask = coin(2) ? 0xff : rnd();

			if (type != ETH_P_IPV6)
				break;
			put_tc(k, OVS_KEY_ATTR_ICMPV6, t, rnd());
			if (m)
				put_tc(m, OVS_KEY_ATTR_ICMPV6, tmask, rnd());
			if (t == 135 || t == 136)
				gen_both(k, tmask == 0xff ? m : NULL,
					 OVS_KEY_ATTR_ND, 28);
			break;
		}
		}
	} else if (type == ETH_P_ARP || type == ETH_P_RARP) {
		struct ovs_key_arp a, am;

		rnd_bytes(&a, sizeof(a));
		rnd_bytes(&am, sizeof(am));
		a.arp_op = htons(rnd() & 0xff);
		put(k, OVS_KEY_ATTR_ARP, &a, sizeof(a));
		if (m)
			put(m, OVS_KEY_ATTR_ARP, &am, sizeof(am));
	} else if (type == ETH_P_MPLS_UC || type == ETH_P_MPLS_MC) {
		__be32 lse[3], lm[3];
		unsigned int n, nm;

		rnd_bytes(lse, sizeof(lse));
		rnd_bytes(lm, sizeof(lm));
		for (n = 0; n < 3; n++) {
			lse[n] &= ~htonl(MPLS_LS_S_MASK);
			if (coin(3)) {
				lse[n] |= htonl(MPLS_LS_S_MASK);
				n++;
				break;
			}
		}
		nm = 1 + rnd() % n;
		put(k, OVS_KEY_ATTR_MPLS, lse, n * 4);
		if (m)
			put(m, OVS_KEY_ATTR_MPLS, lm, nm * 4);
	}
}

static void gen_flow(struct msg *k, struct msg *m)
{
	static const u16 types[] = {
		ETH_P_IP, ETH_P_IPV6, ETH_P_ARP, ETH_P_RARP, ETH_P_MPLS_UC,
		ETH_P_MPLS_MC, 0x88cc, 0, 0x8100,
	};
	int tags, i;
	u16 type;

	msg_init(k, OVS_FLOW_ATTR_KEY);
	if (m)
		msg_init(m, OVS_FLOW_ATTR_MASK);
	if (coin(4))
		gen_tunnel(k, m, true);
	else if (m && coin(2))
		gen_tunnel(m, NULL, false);
	if (coin(2))
		gen_both(k, m, OVS_KEY_ATTR_PRIORITY, 4);
	if (coin(2))
		gen_both(k, m, OVS_KEY_ATTR_SKB_MARK, 4);
	if (coin(2))
		gen_both(k, m, OVS_KEY_ATTR_RECIRC_ID, 4);
	if (coin(2))
		gen_both(k, m, OVS_KEY_ATTR_DP_HASH, 4);
	if (!coin(4)) {
		put_u32(k, OVS_KEY_ATTR_IN_PORT, rnd() % 0xffff);
		if (m && coin(2))
			put_u32(m, OVS_KEY_ATTR_IN_PORT, ~0U);
	}

	type = types[rnd() % ARRAY_SIZE(types)];
	if (coin(8)) {
		/* L3 packet. */
		if (!type || type == 0x8100)
			type = ETH_P_IPV6;
		put_be16(k, OVS_KEY_ATTR_ETHERTYPE, type);
		if (m)
			put_be16(m, OVS_KEY_ATTR_ETHERTYPE, 0xffff);
		gen_l3(k, m, type);
		return;
	}

	gen_both(k, m, OVS_KEY_ATTR_ETHERNET, 12);
	tags = rnd() % 3;
	if (type == 0x8100 && tags < 2)
		tags = coin(2) ? 2 : -1 - tags;	/* third tag, or truncated */
	for (i = 0; i < tags; i++) {
		put_be16(k, OVS_KEY_ATTR_ETHERTYPE,
			 coin(2) ? ETH_P_8021Q : ETH_P_8021AD);
		put_be16(k, OVS_KEY_ATTR_VLAN, 0x1000 | (rnd() & 0xefff));
		open_(k, OVS_KEY_ATTR_ENCAP);
		if (m) {
			put_be16(m, OVS_KEY_ATTR_ETHERTYPE, 0xffff);
			put_be16(m, OVS_KEY_ATTR_VLAN, 0x1000 | rnd());
			open_(m, OVS_KEY_ATTR_ENCAP);
		}
	}
	if (tags < 0) {
		/* Cut short in a tag after -1 - tags full ones. */
		for (i = 0; i < -1 - tags; i++) {
			put_be16(k, OVS_KEY_ATTR_ETHERTYPE, ETH_P_8021Q);
			put_be16(k, OVS_KEY_ATTR_VLAN, 0x1000 | (rnd() & 0xfff));
			open_(k, OVS_KEY_ATTR_ENCAP);
			if (m) {
				put_be16(m, OVS_KEY_ATTR_ETHERTYPE, 0xffff);
				put_be16(m, OVS_KEY_ATTR_VLAN, 0xffff);
				open_(m, OVS_KEY_ATTR_ENCAP);
			}
		}
		put_be16(k, OVS_KEY_ATTR_ETHERTYPE, ETH_P_8021Q);
		put_be16(k, OVS_KEY_ATTR_VLAN, 0);
		open_(k, OVS_KEY_ATTR_ENCAP);
		if (m) {
			if (coin(2))
				put_be16(m, OVS_KEY_ATTR_ETHERTYPE, 0xffff);
			if (coin(2))
				put_be16(m, OVS_KEY_ATTR_VLAN, rnd());
			open_(m, OVS_KEY_ATTR_ENCAP);
		}
		return;
	}
	if (!type) {
		if (m && coin(2))
			put_be16(m, OVS_KEY_ATTR_ETHERTYPE, 0xffff);
		return;
	}
	put_be16(k, OVS_KEY_ATTR_ETHERTYPE, type);
	if (m && coin(5)) {
		m = NULL;	/* ethertype wildcarded: no L3 masks */
	} else if (m) {
		put_be16(m, OVS_KEY_ATTR_ETHERTYPE, 0xffff);
	}
	gen_l3(k, m, type);
}

static bool keys_equal(const struct ovs_key *a, const struct ovs_key *b)
{
	return !memcmp(a, b, sizeof(*a));
}

/* parse -> emit -> parse gives the same key, mask and range. */
static bool round_trip(const struct ovs_key *key, const struct ovs_key *mask,
		       const struct ovs_key_range *r)
{
	struct sk_buff *ks = alloc_skb(BUF_SIZE, GFP_KERNEL);
	struct sk_buff *ms = alloc_skb(BUF_SIZE, GFP_KERNEL);
	struct ovs_key key2, mask2;
	struct ovs_key_range r2;
	bool ok = false;
	int err;

	if (ovs_nla_put_key(ks, OVS_FLOW_ATTR_KEY, key, NULL, false) ||
	    ovs_nla_put_key(ms, OVS_FLOW_ATTR_MASK, key, mask, true))
		goto out;
	CHECK(ks->len <= (unsigned int)nla_total_size(ovs_nla_key_attr_size()));
	CHECK(ms->len <= (unsigned int)nla_total_size(ovs_nla_key_attr_size()));
	memset(&ack, 0, sizeof(ack));
	err = ovs_nla_parse_key_mask((struct nlattr *)ks->data,
				     (struct nlattr *)ms->data, &key2, &mask2,
				     &r2, false, &ack);
	if (err) {
		fprintf(stderr, "  reparse: %s\n", ack._msg);
		goto out;
	}
	ok = keys_equal(key, &key2) && keys_equal(mask, &mask2) &&
	     r->start == r2.start && r->end == r2.end;
out:
	kfree_skb(ks);
	kfree_skb(ms);
	return ok;
}

static void test_round_trip_corpus(void)
{
	int i, bad = 0, rt_bad = 0, n = 20000;

	current = __func__;
	for (i = 0; i < n; i++) {
		struct ovs_key key, mask, masked;
		struct ovs_key_range r;
		bool with_mask = coin(3) != 0;
		struct sk_buff *s;
		struct msg k, m;
		int err;

		gen_flow(&k, with_mask ? &m : NULL);
		err = parse_km(&k, with_mask ? &m : NULL, &key, &mask, &r);
		if (err) {
			if (bad++ < 5)
				fprintf(stderr, "  gen %d rejected: %s\n", i,
					ack._msg);
		} else if (!round_trip(&key, &mask, &r)) {
			if (rt_bad++ < 5)
				fprintf(stderr, "  gen %d: no round trip\n", i);
		}
		/* The masked key, as flow dumps send it, emits fine. */
		if (!err) {
			ovs_nla_apply_mask(&masked, &key, &mask, &r);
			s = alloc_skb(BUF_SIZE, GFP_KERNEL);
			CHECK(ovs_nla_put_key(s, OVS_FLOW_ATTR_KEY, &masked,
					      &mask, false) == 0);
			kfree_skb(s);
		}
		msg_free(&k);
		if (with_mask)
			msg_free(&m);
	}
	CHECK(bad == 0);
	CHECK(rt_bad == 0);
}

static void test_emit_limits(void)
{
	struct ovs_key key, mask;
	struct ovs_key_range r;
	struct sk_buff *s;
	struct msg k;
	int size, pass;

	current = __func__;
	msg_init(&k, OVS_FLOW_ATTR_KEY);
	put_tunnel_v4(&k, true);
	put_meta(&k, 9);
	put_eth(&k, 1);
	put_be16(&k, OVS_KEY_ATTR_ETHERTYPE, ETH_P_IPV6);
	put_ipv6(&k, IPPROTO_ICMPV6, 0, 0);
	put_tc(&k, OVS_KEY_ATTR_ICMPV6, 135, 0);
	put(&k, OVS_KEY_ATTR_ND, (u8[28]){ 1 }, 28);
	CHECK(parse_km(&k, NULL, &key, &mask, &r) == 0);
	msg_free(&k);

	for (pass = 0; pass < 2; pass++) {
		s = alloc_skb(BUF_SIZE, GFP_KERNEL);
		CHECK(ovs_nla_put_key(s, OVS_FLOW_ATTR_KEY, &key, &mask,
				      pass) == 0);
		size = s->len;
		kfree_skb(s);
		/* Every shorter buffer fails cleanly, leaving nothing. */
		for (; size > 0; size -= 3) {
			s = alloc_skb(size - 1, GFP_KERNEL);
			CHECK(ovs_nla_put_key(s, OVS_FLOW_ATTR_KEY, &key,
					      &mask, pass) == -EMSGSIZE);
			CHECK(s->len == 0);
			kfree_skb(s);
		}
	}
}

static void test_packet_meta_and_tunnel(void)
{
	struct ovs_key key, key2;
	struct sk_buff *s;
	struct msg k;

	current = __func__;
	msg_init(&k, OVS_PACKET_ATTR_KEY);
	put_u32(&k, OVS_KEY_ATTR_PRIORITY, 3);
	put_tunnel_v4(&k, true);
	put_u32(&k, OVS_KEY_ATTR_SKB_MARK, 4);
	put_u32(&k, OVS_KEY_ATTR_RECIRC_ID, 5);
	put_u32(&k, OVS_KEY_ATTR_DP_HASH, 6);
	memset(&key, 0x77, sizeof(key));
	CHECK(ovs_nla_parse_packet_meta(msg_attr(&k), &key, false, &ack) == 0);
	CHECK(key.priority == 3 && key.skb_mark == 4);
	CHECK(key.recirc_id == 5 && key.dp_hash == 6);
	CHECK(key.in_port == OVS_NL_NO_IN_PORT);
	CHECK(key.tun_proto == AF_INET && key.tun_opts_len == 8);
	CHECK(key.mac_proto == OVS_MAC_PROTO_ETHERNET);
	CHECK(key.eth.src[0] == 0x77);	/* packet fields left alone */

	/* Egress tunnel key out and back in. */
	s = alloc_skb(BUF_SIZE, GFP_KERNEL);
	CHECK(ovs_nla_put_tunnel(s, OVS_PACKET_ATTR_EGRESS_TUN_KEY, &key) == 0);
	CHECK(s->len <= (unsigned int)nla_total_size(ovs_nla_tunnel_attr_size()));
	memset(&key2, 0, sizeof(key2));
	CHECK(ovs_nla_parse_tunnel((struct nlattr *)s->data, &key2, false,
				   &ack) == 0);
	CHECK(!memcmp(&key.tun, &key2.tun, sizeof(key.tun)));
	CHECK(key2.tun_opts_len == 8 && !memcmp(key.tun_opts, key2.tun_opts, 8));
	kfree_skb(s);
	msg_free(&k);

	/* An L3 packet; a bad port; an unsupported attribute. */
	msg_init(&k, OVS_PACKET_ATTR_KEY);
	put_u32(&k, OVS_KEY_ATTR_IN_PORT, 2);
	put_be16(&k, OVS_KEY_ATTR_ETHERTYPE, ETH_P_IPV6);
	CHECK(ovs_nla_parse_packet_meta(msg_attr(&k), &key, false, &ack) == 0);
	CHECK(key.in_port == 2 && key.mac_proto == OVS_MAC_PROTO_NONE);
	CHECK(key.eth.type == htons(ETH_P_IPV6));
	msg_free(&k);
	msg_init(&k, OVS_PACKET_ATTR_KEY);
	put_u32(&k, OVS_KEY_ATTR_IN_PORT, 0xffffffff);
	memset(&ack, 0, sizeof(ack));
	CHECK(ovs_nla_parse_packet_meta(msg_attr(&k), &key, false, &ack) ==
	      -EINVAL && ack._msg);
	msg_free(&k);
	msg_init(&k, OVS_PACKET_ATTR_KEY);
	put_u32(&k, OVS_KEY_ATTR_CT_STATE, 1);
	memset(&ack, 0, sizeof(ack));
	CHECK(ovs_nla_parse_packet_meta(msg_attr(&k), &key, false, &ack) ==
	      -EINVAL && ack._msg);
	msg_free(&k);

	/* GET/DEL by key. */
	k = udp4_key();
	CHECK(ovs_nla_parse_key_exact(msg_attr(&k), &key, false, &ack) == 0);
	CHECK(key.tp.dst == htons(2));
	msg_free(&k);
	k = eth_ip_key();
	memset(&ack, 0, sizeof(ack));
	CHECK(ovs_nla_parse_key_exact(msg_attr(&k), &key, false, &ack) ==
	      -EINVAL && ack._msg);
	msg_free(&k);
}

/* ---- Actions ----------------------------------------------------------- */

static struct ovs_key act_key, act_mask;

/* A TCP/IPv4 flow, exact. */
static void act_flow(u16 type, u8 proto)
{
	struct ovs_key_range r;
	struct msg k;

	msg_init(&k, OVS_FLOW_ATTR_KEY);
	put_meta(&k, 1);
	put_eth(&k, 1);
	put_be16(&k, OVS_KEY_ATTR_ETHERTYPE, type);
	if (type == ETH_P_IP) {
		put_ipv4(&k, 1, 2, proto, 0);
		put_ports(&k, proto == IPPROTO_TCP ? OVS_KEY_ATTR_TCP :
			  OVS_KEY_ATTR_UDP, 1, 2);
	} else if (type == ETH_P_MPLS_UC) {
		put_u32(&k, OVS_KEY_ATTR_MPLS, htonl(0x100));
	}
	CHECK(parse_km(&k, NULL, &act_key, &act_mask, &r) == 0);
	msg_free(&k);
}

static struct ovs_actions *copy_acts(struct msg *a)
{
	memset(&ack, 0, sizeof(ack));
	return ovs_nla_copy_actions(msg_attr(a), &act_key, &act_mask, false,
				    &ack);
}

static void expect_bad_acts(struct msg *a, int err)
{
	struct ovs_actions *acts = copy_acts(a);

	CHECK(IS_ERR(acts) && PTR_ERR(acts) == err);
	CHECK(ack._msg != NULL);
	if (!IS_ERR(acts))
		ovs_nla_free_actions(acts);
	msg_free(a);
}

static void put_set(struct msg *a, bool masked, int type, const void *v,
		    const void *mask, int len)
{
	u8 buf[128];

	open_(a, masked ? OVS_ACTION_ATTR_SET_MASKED : OVS_ACTION_ATTR_SET);
	memcpy(buf, v, len);
	if (masked)
		memcpy(buf + len, mask, len);
	put(a, type, buf, masked ? 2 * len : len);
	close_(a);
}

static void test_actions_valid(void)
{
	struct ovs_action_push_vlan pv = {
		.vlan_tpid = htons(ETH_P_8021Q), .vlan_tci = htons(0x1005),
	};
	struct ovs_action_push_mpls pm = {
		.mpls_lse = htonl(0x100), .mpls_ethertype = htons(ETH_P_MPLS_UC),
	};
	struct ovs_action_add_mpls am = {
		.mpls_lse = htonl(0x100), .mpls_ethertype = htons(ETH_P_MPLS_UC),
		.tun_flags = OVS_MPLS_L3_TUNNEL_FLAG_MASK,
	};
	struct ovs_action_hash h = { .hash_alg = OVS_HASH_ALG_L4 };
	struct ovs_key_ipv4 v4 = { .ipv4_proto = IPPROTO_TCP, .ipv4_ttl = 9 };
	struct ovs_key_ipv4 m4 = { .ipv4_ttl = 0xff };
	struct ovs_key_ethernet eth = { .eth_src = { 2 } };
	struct ovs_key_tcp tcp = { .tcp_dst = htons(8080) };
	struct ovs_actions *acts;
	struct sk_buff *s;
	struct msg a;
	int i;

	current = __func__;
	act_flow(ETH_P_IP, IPPROTO_TCP);
	msg_init(&a, OVS_FLOW_ATTR_ACTIONS);
	put_u32(&a, OVS_ACTION_ATTR_OUTPUT, 1);
	open_(&a, OVS_ACTION_ATTR_USERSPACE);
	put_u32(&a, OVS_USERSPACE_ATTR_PID, 77);
	put(&a, OVS_USERSPACE_ATTR_USERDATA, "cookie!", 7);
	put_u32(&a, OVS_USERSPACE_ATTR_EGRESS_TUN_PORT, 3);
	nla_put_flag(a.skb, OVS_USERSPACE_ATTR_ACTIONS);
	close_(&a);
	put_set(&a, false, OVS_KEY_ATTR_ETHERNET, &eth, NULL, sizeof(eth));
	put_set(&a, false, OVS_KEY_ATTR_IPV4, &v4, NULL, sizeof(v4));
	put_set(&a, true, OVS_KEY_ATTR_IPV4, &(struct ovs_key_ipv4){
		.ipv4_ttl = 9 }, &m4, sizeof(v4));
	put_set(&a, true, OVS_KEY_ATTR_TCP, &tcp, &(struct ovs_key_tcp){
		.tcp_dst = htons(0xffff) }, sizeof(tcp));
	put_set(&a, false, OVS_KEY_ATTR_PRIORITY, &(u32){ 5 }, NULL, 4);
	put_set(&a, true, OVS_KEY_ATTR_SKB_MARK, &(u32){ 1 }, &(u32){ 1 }, 4);
	open_(&a, OVS_ACTION_ATTR_SET);
	put_tunnel_v4(&a, true);
	close_(&a);
	put(&a, OVS_ACTION_ATTR_PUSH_VLAN, &pv, sizeof(pv));
	nla_put_flag(a.skb, OVS_ACTION_ATTR_POP_VLAN);
	put(&a, OVS_ACTION_ATTR_HASH, &h, sizeof(h));
	put_u32(&a, OVS_ACTION_ATTR_RECIRC, 3);
	put_u32(&a, OVS_ACTION_ATTR_TRUNC, 100);
	open_(&a, OVS_ACTION_ATTR_SAMPLE);
	put_u32(&a, OVS_SAMPLE_ATTR_PROBABILITY, ~0U);
	open_(&a, OVS_SAMPLE_ATTR_ACTIONS);
	put_u32(&a, OVS_ACTION_ATTR_OUTPUT, 2);
	close_(&a);
	close_(&a);
	open_(&a, OVS_ACTION_ATTR_CLONE);
	put(&a, OVS_ACTION_ATTR_PUSH_MPLS, &pm, sizeof(pm));
	put_be16(&a, OVS_ACTION_ATTR_POP_MPLS, ETH_P_IP);
	put_u32(&a, OVS_ACTION_ATTR_OUTPUT, 3);
	close_(&a);
	open_(&a, OVS_ACTION_ATTR_CHECK_PKT_LEN);
	nla_put_u16(a.skb, OVS_CHECK_PKT_LEN_ATTR_PKT_LEN, 1500);
	open_(&a, OVS_CHECK_PKT_LEN_ATTR_ACTIONS_IF_GREATER);
	close_(&a);
	open_(&a, OVS_CHECK_PKT_LEN_ATTR_ACTIONS_IF_LESS_EQUAL);
	put_u32(&a, OVS_ACTION_ATTR_OUTPUT, 4);
	close_(&a);
	close_(&a);
	open_(&a, OVS_ACTION_ATTR_DEC_TTL);
	open_(&a, OVS_DEC_TTL_ATTR_ACTION);
	put_u32(&a, OVS_ACTION_ATTR_RECIRC, 9);
	close_(&a);
	close_(&a);
	put(&a, OVS_ACTION_ATTR_ADD_MPLS, &am, sizeof(am));
	put_set(&a, false, OVS_KEY_ATTR_MPLS, &(u32){ htonl(0x200) }, NULL, 4);

	acts = copy_acts(&a);
	CHECK(!IS_ERR(acts));
	if (IS_ERR(acts)) {
		fprintf(stderr, "  extack: %s\n", ack._msg);
		msg_free(&a);
		return;
	}
	CHECK(acts->len == (u32)nla_len(msg_attr(&a)));
	CHECK(!memcmp(acts->data, nla_data(msg_attr(&a)), acts->len));
	/* Emit: the very same bytes, and fails cleanly when short. */
	s = alloc_skb(BUF_SIZE, GFP_KERNEL);
	CHECK(ovs_nla_put_actions(s, acts) == 0);
	CHECK(s->len == acts->len && !memcmp(s->data, acts->data, s->len));
	kfree_skb(s);
	for (i = 0; i < 3; i++) {
		s = alloc_skb(acts->len - 1 - i * 20, GFP_KERNEL);
		CHECK(ovs_nla_put_actions(s, acts) == -EMSGSIZE);
		kfree_skb(s);
	}
	ovs_nla_free_actions(acts);
	msg_free(&a);

	/* An empty list (drop) is valid. */
	msg_init(&a, OVS_FLOW_ATTR_ACTIONS);
	acts = copy_acts(&a);
	CHECK(!IS_ERR(acts) && acts->len == 0);
	if (!IS_ERR(acts))
		ovs_nla_free_actions(acts);
	msg_free(&a);
}

static void one_bad_action(int type, const void *arg, int len)
{
	struct msg a;

	msg_init(&a, OVS_FLOW_ATTR_ACTIONS);
	put_u32(&a, OVS_ACTION_ATTR_OUTPUT, 1);
	put(&a, type, arg, len);
	expect_bad_acts(&a, -EINVAL);
}

static void test_actions_invalid(void)
{
	static const int unsupported[] = {
		OVS_ACTION_ATTR_CT, OVS_ACTION_ATTR_CT_CLEAR,
		OVS_ACTION_ATTR_METER, OVS_ACTION_ATTR_PUSH_ETH,
		OVS_ACTION_ATTR_POP_ETH, OVS_ACTION_ATTR_PUSH_NSH,
		OVS_ACTION_ATTR_POP_NSH, OVS_ACTION_ATTR_UNSPEC,
		OVS_ACTION_ATTR_MAX + 1, 100,
	};
	struct ovs_action_push_vlan pv = {
		.vlan_tpid = htons(ETH_P_IP), .vlan_tci = htons(0x1005),
	};
	struct ovs_key_ipv4 v4 = { .ipv4_proto = IPPROTO_TCP };
	u8 zeros[64] = { 0 };
	struct msg a;
	size_t i;

	current = __func__;
	act_flow(ETH_P_IP, IPPROTO_TCP);
	for (i = 0; i < ARRAY_SIZE(unsupported); i++)
		one_bad_action(unsupported[i], zeros, 4);

	/* Lengths. */
	one_bad_action(OVS_ACTION_ATTR_OUTPUT, zeros, 2);
	one_bad_action(OVS_ACTION_ATTR_POP_VLAN, zeros, 4);
	one_bad_action(OVS_ACTION_ATTR_PUSH_VLAN, zeros, 2);
	one_bad_action(OVS_ACTION_ATTR_HASH, zeros, 4);
	one_bad_action(OVS_ACTION_ATTR_RECIRC, zeros, 8);

	/* Values. */
	one_bad_action(OVS_ACTION_ATTR_OUTPUT, &(u32){ 0xffffffff }, 4);
	one_bad_action(OVS_ACTION_ATTR_OUTPUT, &(u32){ 0xffff }, 4);
	one_bad_action(OVS_ACTION_ATTR_PUSH_VLAN, &pv, sizeof(pv));
	pv.vlan_tpid = htons(ETH_P_8021AD);
	pv.vlan_tci = htons(5);
	one_bad_action(OVS_ACTION_ATTR_PUSH_VLAN, &pv, sizeof(pv));
	one_bad_action(OVS_ACTION_ATTR_TRUNC, &(u32){ 13 }, 4);
	one_bad_action(OVS_ACTION_ATTR_HASH, (u32[2]){ 1, 0 }, 8);
	one_bad_action(OVS_ACTION_ATTR_POP_MPLS,
		       &(__be16){ htons(ETH_P_IP) }, 2);
	one_bad_action(OVS_ACTION_ATTR_PUSH_MPLS,
		       &(struct ovs_action_push_mpls){
				.mpls_ethertype = htons(ETH_P_IP) }, 8);

	/* Sets that do not fit the flow. */
	msg_init(&a, OVS_FLOW_ATTR_ACTIONS);
	put_set(&a, false, OVS_KEY_ATTR_UDP, zeros, NULL, 4);
	expect_bad_acts(&a, -EINVAL);
	msg_init(&a, OVS_FLOW_ATTR_ACTIONS);
	put_set(&a, false, OVS_KEY_ATTR_IPV6, zeros, NULL, 40);
	expect_bad_acts(&a, -EINVAL);
	msg_init(&a, OVS_FLOW_ATTR_ACTIONS);
	v4.ipv4_proto = IPPROTO_UDP;
	put_set(&a, false, OVS_KEY_ATTR_IPV4, &v4, NULL, sizeof(v4));
	expect_bad_acts(&a, -EINVAL);
	msg_init(&a, OVS_FLOW_ATTR_ACTIONS);
	put_set(&a, true, OVS_KEY_ATTR_IPV4, zeros,
		&(struct ovs_key_ipv4){ .ipv4_frag = 1 }, sizeof(v4));
	expect_bad_acts(&a, -EINVAL);
	msg_init(&a, OVS_FLOW_ATTR_ACTIONS);	/* value outside mask */
	put_set(&a, true, OVS_KEY_ATTR_PRIORITY, &(u32){ 3 }, &(u32){ 1 }, 4);
	expect_bad_acts(&a, -EINVAL);
	msg_init(&a, OVS_FLOW_ATTR_ACTIONS);
	put_set(&a, false, OVS_KEY_ATTR_CT_MARK, zeros, NULL, 4);
	expect_bad_acts(&a, -EINVAL);
	msg_init(&a, OVS_FLOW_ATTR_ACTIONS);
	put_set(&a, false, OVS_KEY_ATTR_PRIORITY, zeros, NULL, 8);
	expect_bad_acts(&a, -EINVAL);
	msg_init(&a, OVS_FLOW_ATTR_ACTIONS);	/* two keys in one set */
	open_(&a, OVS_ACTION_ATTR_SET);
	put_u32(&a, OVS_KEY_ATTR_PRIORITY, 1);
	put_u32(&a, OVS_KEY_ATTR_SKB_MARK, 1);
	close_(&a);
	expect_bad_acts(&a, -EINVAL);
	msg_init(&a, OVS_FLOW_ATTR_ACTIONS);	/* masked tunnel */
	open_(&a, OVS_ACTION_ATTR_SET_MASKED);
	put_tunnel_v4(&a, false);
	close_(&a);
	expect_bad_acts(&a, -EINVAL);
	msg_init(&a, OVS_FLOW_ATTR_ACTIONS);	/* tunnel without TTL */
	open_(&a, OVS_ACTION_ATTR_SET);
	open_(&a, OVS_KEY_ATTR_TUNNEL);
	nla_put_be32(a.skb, OVS_TUNNEL_KEY_ATTR_IPV4_DST, htonl(1));
	close_(&a);
	close_(&a);
	expect_bad_acts(&a, -EINVAL);
	msg_init(&a, OVS_FLOW_ATTR_ACTIONS);	/* Geneve option overruns */
	open_(&a, OVS_ACTION_ATTR_SET);
	open_(&a, OVS_KEY_ATTR_TUNNEL);
	nla_put_be32(a.skb, OVS_TUNNEL_KEY_ATTR_IPV4_DST, htonl(1));
	put_u8(&a, OVS_TUNNEL_KEY_ATTR_TTL, 1);
	put(&a, OVS_TUNNEL_KEY_ATTR_GENEVE_OPTS, (u8[4]){ 0, 1, 2, 1 }, 4);
	close_(&a);
	close_(&a);
	expect_bad_acts(&a, -EINVAL);

	/* State tracking: no L3 set once the MPLS stack is gone, no push
	 * MPLS under a VLAN tag.
	 */
	msg_init(&a, OVS_FLOW_ATTR_ACTIONS);
	put(&a, OVS_ACTION_ATTR_PUSH_MPLS, &(struct ovs_action_push_mpls){
		.mpls_ethertype = htons(ETH_P_MPLS_UC) }, 8);
	put_be16(&a, OVS_ACTION_ATTR_POP_MPLS, ETH_P_IP);
	put_set(&a, false, OVS_KEY_ATTR_IPV4, &v4, NULL, sizeof(v4));
	expect_bad_acts(&a, -EINVAL);
	msg_init(&a, OVS_FLOW_ATTR_ACTIONS);
	pv.vlan_tci = htons(0x1005);
	put(&a, OVS_ACTION_ATTR_PUSH_VLAN, &pv, sizeof(pv));
	put(&a, OVS_ACTION_ATTR_PUSH_MPLS, &(struct ovs_action_push_mpls){
		.mpls_ethertype = htons(ETH_P_MPLS_UC) }, 8);
	expect_bad_acts(&a, -EINVAL);
	/* ... but a nested list's changes stay inside it. */
	msg_init(&a, OVS_FLOW_ATTR_ACTIONS);
	open_(&a, OVS_ACTION_ATTR_CLONE);
	put(&a, OVS_ACTION_ATTR_PUSH_VLAN, &pv, sizeof(pv));
	close_(&a);
	put(&a, OVS_ACTION_ATTR_PUSH_MPLS, &(struct ovs_action_push_mpls){
		.mpls_ethertype = htons(ETH_P_MPLS_UC) }, 8);
	{
		struct ovs_actions *acts = copy_acts(&a);

		CHECK(!IS_ERR(acts));
		if (!IS_ERR(acts))
			ovs_nla_free_actions(acts);
	}
	msg_free(&a);

	/* Nested attribute rules. */
	msg_init(&a, OVS_FLOW_ATTR_ACTIONS);
	open_(&a, OVS_ACTION_ATTR_USERSPACE);
	put_u32(&a, OVS_USERSPACE_ATTR_PID, 0);
	close_(&a);
	expect_bad_acts(&a, -EINVAL);
	msg_init(&a, OVS_FLOW_ATTR_ACTIONS);
	open_(&a, OVS_ACTION_ATTR_USERSPACE);
	put(&a, OVS_USERSPACE_ATTR_USERDATA, "x", 1);
	close_(&a);
	expect_bad_acts(&a, -EINVAL);
	msg_init(&a, OVS_FLOW_ATTR_ACTIONS);
	open_(&a, OVS_ACTION_ATTR_SAMPLE);
	open_(&a, OVS_SAMPLE_ATTR_ACTIONS);
	close_(&a);
	close_(&a);
	expect_bad_acts(&a, -EINVAL);
	msg_init(&a, OVS_FLOW_ATTR_ACTIONS);
	open_(&a, OVS_ACTION_ATTR_SAMPLE);
	put_u32(&a, OVS_SAMPLE_ATTR_PROBABILITY, 1);
	put_u32(&a, OVS_SAMPLE_ATTR_PROBABILITY, 1);
	close_(&a);
	expect_bad_acts(&a, -EINVAL);
	msg_init(&a, OVS_FLOW_ATTR_ACTIONS);
	open_(&a, OVS_ACTION_ATTR_CHECK_PKT_LEN);
	nla_put_u16(a.skb, OVS_CHECK_PKT_LEN_ATTR_PKT_LEN, 100);
	open_(&a, OVS_CHECK_PKT_LEN_ATTR_ACTIONS_IF_GREATER);
	close_(&a);
	close_(&a);
	expect_bad_acts(&a, -EINVAL);
	msg_init(&a, OVS_FLOW_ATTR_ACTIONS);
	open_(&a, OVS_ACTION_ATTR_DEC_TTL);
	close_(&a);
	expect_bad_acts(&a, -EINVAL);
	msg_init(&a, OVS_FLOW_ATTR_ACTIONS);	/* bad action deep inside */
	open_(&a, OVS_ACTION_ATTR_CLONE);
	open_(&a, OVS_ACTION_ATTR_CLONE);
	put_u32(&a, OVS_ACTION_ATTR_METER, 1);
	expect_bad_acts(&a, -EINVAL);

	/* Nesting depth. */
	msg_init(&a, OVS_FLOW_ATTR_ACTIONS);
	for (i = 0; i < OVS_NL_ACTIONS_MAX_DEPTH; i++)
		open_(&a, OVS_ACTION_ATTR_CLONE);
	{
		struct ovs_actions *acts = copy_acts(&a);

		CHECK(!IS_ERR(acts));
		if (!IS_ERR(acts))
			ovs_nla_free_actions(acts);
	}
	msg_free(&a);
	msg_init(&a, OVS_FLOW_ATTR_ACTIONS);
	for (i = 0; i <= OVS_NL_ACTIONS_MAX_DEPTH; i++)
		open_(&a, OVS_ACTION_ATTR_CLONE);
	expect_bad_acts(&a, -EOVERFLOW);

	/* Flow kinds: set TCP on a UDP flow, pop MPLS on MPLS, set eth on
	 * an L3 flow.
	 */
	act_flow(ETH_P_IP, IPPROTO_UDP);
	msg_init(&a, OVS_FLOW_ATTR_ACTIONS);
	put_set(&a, false, OVS_KEY_ATTR_TCP, zeros, NULL, 4);
	expect_bad_acts(&a, -EINVAL);
	act_flow(ETH_P_MPLS_UC, 0);
	msg_init(&a, OVS_FLOW_ATTR_ACTIONS);
	put_be16(&a, OVS_ACTION_ATTR_POP_MPLS, ETH_P_IP);
	{
		struct ovs_actions *acts = copy_acts(&a);

		CHECK(!IS_ERR(acts));
		if (!IS_ERR(acts))
			ovs_nla_free_actions(acts);
	}
	msg_free(&a);
	/* The flow's mask matters: a wildcarded ethertype is no IPv4. */
	act_flow(ETH_P_IP, IPPROTO_TCP);
	act_mask.eth.type = 0;
	msg_init(&a, OVS_FLOW_ATTR_ACTIONS);
	v4.ipv4_proto = IPPROTO_TCP;
	put_set(&a, false, OVS_KEY_ATTR_IPV4, &v4, NULL, sizeof(v4));
	expect_bad_acts(&a, -EINVAL);

	/* Allocation failure is reported, not crashed on. */
	act_flow(ETH_P_IP, IPPROTO_TCP);
	msg_init(&a, OVS_FLOW_ATTR_ACTIONS);
	put_u32(&a, OVS_ACTION_ATTR_OUTPUT, 1);
	shim_alloc_fail_nth(1);
	{
		struct ovs_actions *acts = copy_acts(&a);

		CHECK(IS_ERR(acts) && PTR_ERR(acts) == -ENOMEM);
	}
	shim_alloc_fail_nth(0);
	msg_free(&a);
}

int main(void)
{
	test_tcp4_exact();
	test_wildcard_mask();
	test_vlan();
	test_l3_and_l4_kinds();
	test_tunnel();
	test_bad_lengths();
	test_bad_keys();
	test_bad_tunnels();
	test_bad_masks();
	test_round_trip_corpus();
	test_emit_limits();
	test_packet_meta_and_tunnel();
	test_actions_valid();
	test_actions_invalid();
	printf("%d passed, %d failed\n", passed, failed);
	return failed ? 1 : 0;
}
