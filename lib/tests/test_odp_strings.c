// SPDX-License-Identifier: GPL-2.0
/*
 * format(parse(text)) for hand-written flows and actions in the ovs-dpctl
 * syntax, plus checks that the attribute bytes are what the kernel ABI
 * says they must be.
 */
#include <arpa/inet.h>
#include <stdint.h>
#include <stdlib.h>
#include <linux/openvswitch.h>
#include <linux/netlink.h>

#include "ovsdp/odp.h"
#include "testutil.h"

/* parse, then format with the mask; returns the text (static buffer). */
static const char *key_rt(const char *in, struct ovsdp_buf *k,
			  struct ovsdp_buf *m)
{
	static char text[2048];
	struct ovsdp_parse_error err;
	struct ovsdp_buf out;

	ovsdp_buf_clear(k);
	ovsdp_buf_clear(m);
	if (ovsdp_key_parse(in, k, m, &err)) {
		snprintf(text, sizeof(text), "ERROR %s", err.msg);
		return text;
	}
	ovsdp_buf_init(&out);
	ovsdp_key_format(&out, k->data, k->len, m->data, m->len);
	snprintf(text, sizeof(text), "%s", ovsdp_buf_str(&out));
	ovsdp_buf_free(&out);
	return text;
}

static const char *acts_rt(const char *in, struct ovsdp_buf *a)
{
	static char text[2048];
	struct ovsdp_parse_error err;
	struct ovsdp_buf out;

	ovsdp_buf_clear(a);
	if (ovsdp_actions_parse(in, a, &err)) {
		snprintf(text, sizeof(text), "ERROR %s", err.msg);
		return text;
	}
	ovsdp_buf_init(&out);
	ovsdp_actions_format(&out, a->data, a->len);
	snprintf(text, sizeof(text), "%s", ovsdp_buf_str(&out));
	ovsdp_buf_free(&out);
	return text;
}

/* Finds a top-level attribute in a stream. */
static const struct nlattr *find(const struct ovsdp_buf *b, int type)
{
	size_t off = 0;

	while (off + NLA_HDRLEN <= b->len) {
		const struct nlattr *a = (const void *)(b->data + off);

		if (a->nla_type == type)
			return a;
		off += NLA_ALIGN(a->nla_len);
	}
	return NULL;
}

static const void *payload(const struct nlattr *a)
{
	return (const char *)a + NLA_HDRLEN;
}

/* Inputs already in canonical form must come back unchanged. */
static const char *const identity_keys[] = {
	"recirc_id(0),dp_hash(0),skb_priority(0),in_port(1),skb_mark(0),"
	"eth(src=00:11:22:33:44:55,dst=66:77:88:99:aa:bb),eth_type(0x0800),"
	"ipv4(src=10.0.0.1/255.255.255.0,dst=10.0.0.2,proto=6,tos=0,ttl=64,"
	"frag=no),tcp(src=1234,dst=80),tcp_flags(0x002)",
	"in_port(2),eth_type(0x8100),vlan(vid=10,pcp=0),"
	"encap(eth_type(0x0800),ipv4(frag=no))",
	"eth_type(0x88a8),vlan(vid=100,pcp=3),encap(eth_type(0x8100),"
	"vlan(vid=200,pcp=0),encap(eth_type(0x86dd),ipv6(src=2001:db8::1,"
	"dst=2001:db8::/ffff:ffff::,label=0x12345,proto=58,tclass=0,hlimit=255,"
	"frag=no),icmpv6(type=135,code=0),nd(target=2001:db8::2,"
	"sll=00:11:22:33:44:55,tll=00:00:00:00:00:00)))",
	"eth_type(0x0806),arp(sip=10.0.0.1,tip=10.0.0.2,op=1,"
	"sha=00:11:22:33:44:55,tha=00:00:00:00:00:00)",
	"eth_type(0x8847),mpls(label=100,tc=3,ttl=64,bos=1)",
	"ipv4(proto=17),udp(src=53/0xff00,dst=5353)",
	"ipv4(proto=132),sctp(dst=9)",
	"ipv4(proto=1),icmp(type=8,code=0)",
	"tunnel(tun_id=0x5,src=192.168.0.1,dst=192.168.0.2,ttl=64,tp_src=1,"
	"tp_dst=4789,flags(df|csum)),in_port(3)",
	"tunnel(tun_id=0x1234/0xffff,ipv6_src=fe80::1,tos=0x10,"
	"flags(+df-csum))",
	"skb_mark(0x1/0xf),recirc_id(0x10),in_port(7/0xff)",
	"vlan(vid=5/0xf,pcp=1,cfi=0)",
	"eth(src=00:11:22:00:00:00/ff:ff:ff:00:00:00)",
	"ipv4(frag=later/0x2)",
	"ipv4(frag=first)",
	"ct_state(0x21),ct_zone(0x5),ct_mark(0x1/0xff),"
	"ct_label(0x000000000000000000000000000000ff)",
	"packet_type(ns=1,id=0x800)",
	"key99(0a0b0c),key100(01/0f)",
	"",
};

static void test_key_identity(void)
{
	struct ovsdp_buf k, m;
	size_t i;

	ovsdp_buf_init(&k);
	ovsdp_buf_init(&m);
	for (i = 0; i < sizeof(identity_keys) / sizeof(identity_keys[0]); i++)
		CHECK_STR(key_rt(identity_keys[i], &k, &m), identity_keys[i]);
	ovsdp_buf_free(&k);
	ovsdp_buf_free(&m);
}

/* Non-canonical inputs: whitespace, field order, redundant pieces. */
static const char *const canon_keys[][2] = {
	{ " in_port( 1 ) , eth_type(0x800)", "in_port(1),eth_type(0x0800)" },
	{ "ipv4(frag=no,src=1.2.3.4)", "ipv4(src=1.2.3.4,frag=no)" },
	{ "tcp(src=0x50)", "tcp(src=80)" },
	{ "ipv4(frag=0)", "ipv4(frag=no)" },
	{ "vlan(vid=1,pcp=0,cfi=1)", "vlan(vid=1,pcp=0)" },
	{ "tunnel(flags(key|df),tun_id=1)", "tunnel(tun_id=0x1,flags(df))" },
	{ "tunnel(flags(+df+csum))", "tunnel(flags(df|csum))" },
	{ "in_port(1/0xffffffff)", "in_port(1)" },
	{ "ipv4(src=1.2.3.4/0.0.0.0,proto=6)", "ipv4(proto=6)" },
	{ "eth(src=AA:BB:CC:DD:EE:FF)", "eth(src=aa:bb:cc:dd:ee:ff)" },
	{ "ct_label(0x1)",
	  "ct_label(0x00000000000000000000000000000001)" },
	{ "key6(0800)", "eth_type(0x0800)" },
};

static void test_key_canonical(void)
{
	struct ovsdp_buf k, m;
	size_t i;

	ovsdp_buf_init(&k);
	ovsdp_buf_init(&m);
	for (i = 0; i < sizeof(canon_keys) / sizeof(canon_keys[0]); i++)
		CHECK_STR(key_rt(canon_keys[i][0], &k, &m), canon_keys[i][1]);
	ovsdp_buf_free(&k);
	ovsdp_buf_free(&m);
}

static const char *key_full(const struct ovsdp_buf *k,
			    const struct ovsdp_buf *m)
{
	static char text[4096];
	struct ovsdp_buf out;

	ovsdp_buf_init(&out);
	ovsdp_key_format_full(&out, k->data, k->len, m->data, m->len);
	snprintf(text, sizeof(text), "%s", ovsdp_buf_str(&out));
	ovsdp_buf_free(&out);
	return text;
}

/*
 * The "-m" view: nothing elided, every field with its mask; parsing it
 * back and formatting normally gives the canonical text again.
 */
static void test_key_full(void)
{
	struct ovsdp_buf k, m, k2, m2;
	struct ovsdp_parse_error err;
	char full[4096];
	size_t i;

	ovsdp_buf_init(&k);
	ovsdp_buf_init(&m);
	ovsdp_buf_init(&k2);
	ovsdp_buf_init(&m2);
	for (i = 0; i < sizeof(identity_keys) / sizeof(identity_keys[0]); i++) {
		key_rt(identity_keys[i], &k, &m);
		snprintf(full, sizeof(full), "%s", key_full(&k, &m));
		CHECK_STR(key_rt(full, &k2, &m2), identity_keys[i]);
	}

	key_rt("in_port(1),eth_type(0x0800)", &k, &m);
	CHECK_STR(key_full(&k, &m),
		  "in_port(1/0xffffffff),eth_type(0x0800/0xffff)");
	key_rt("ipv4(src=10.0.0.1/255.255.255.0,proto=6)", &k, &m);
	CHECK_STR(key_full(&k, &m),
		  "ipv4(src=10.0.0.1/255.255.255.0,dst=0.0.0.0/0.0.0.0,"
		  "proto=6/0xff,tos=0/0,ttl=0/0,frag=no/0)");
	key_rt("vlan(vid=5/0xf,pcp=1,cfi=0)", &k, &m);
	CHECK_STR(key_full(&k, &m), "vlan(vid=5/0xf,pcp=1/0x7,cfi=0/0x1)");

	/* A key attribute absent from the mask is shown fully wildcarded. */
	ovsdp_buf_clear(&k);
	ovsdp_buf_clear(&m);
	CHECK(!ovsdp_key_parse("in_port(1),skb_mark(0x5)", &k, NULL, &err),
	      "%s", err.msg);
	CHECK(!ovsdp_key_parse("in_port(1)", &k2, &m, &err), "%s", err.msg);
	CHECK_STR(key_full(&k, &m), "in_port(1/0xffffffff),skb_mark(0x5/0)");
	ovsdp_buf_free(&k);
	ovsdp_buf_free(&m);
	ovsdp_buf_free(&k2);
	ovsdp_buf_free(&m2);
}

/* The bytes the kernel will see. */
static void test_key_bytes(void)
{
	struct ovsdp_buf k, m, out;
	const struct nlattr *a;
	const struct ovs_key_ipv4 *ip;
	uint32_t u32;
	uint16_t be16;

	ovsdp_buf_init(&k);
	ovsdp_buf_init(&m);
	ovsdp_buf_init(&out);
	key_rt("in_port(3),eth_type(0x0800),ipv4(src=10.1.2.3/255.255.0.0,"
	       "ttl=64,frag=first),vlan(vid=10,pcp=5)", &k, &m);

	a = find(&k, OVS_KEY_ATTR_IN_PORT);
	CHECK(a && a->nla_len == NLA_HDRLEN + 4, "in_port attr");
	if (a) {
		memcpy(&u32, payload(a), 4);
		CHECK(u32 == 3, "in_port host order: %u", u32);
	}
	a = find(&m, OVS_KEY_ATTR_IN_PORT);
	if (a) {
		memcpy(&u32, payload(a), 4);
		CHECK(u32 == 0xffffffff, "in_port exact mask: %#x", u32);
	}
	a = find(&k, OVS_KEY_ATTR_ETHERTYPE);
	CHECK(a && a->nla_len == NLA_HDRLEN + 2, "eth_type attr");
	if (a) {
		memcpy(&be16, payload(a), 2);
		CHECK(be16 == htons(0x0800), "eth_type network order");
	}
	a = find(&k, OVS_KEY_ATTR_IPV4);
	CHECK(a && a->nla_len == NLA_HDRLEN + sizeof(*ip), "ipv4 size");
	if (a) {
		ip = payload(a);
		CHECK(ip->ipv4_src == htonl(0x0a010203), "ipv4 src");
		CHECK(ip->ipv4_ttl == 64, "ipv4 ttl");
		CHECK(ip->ipv4_frag == OVS_FRAG_TYPE_FIRST, "frag first");
		CHECK(ip->ipv4_dst == 0 && ip->ipv4_proto == 0, "unset zero");
	}
	a = find(&m, OVS_KEY_ATTR_IPV4);
	if (a) {
		ip = payload(a);
		CHECK(ip->ipv4_src == htonl(0xffff0000), "ipv4 src mask");
		CHECK(ip->ipv4_dst == 0, "dst wildcarded");
		CHECK(ip->ipv4_ttl == 0xff && ip->ipv4_frag == 0xff,
		      "exact ttl/frag masks");
	}
	a = find(&k, OVS_KEY_ATTR_VLAN);
	if (a) {
		memcpy(&be16, payload(a), 2);
		/* vid 10, pcp 5, CFI (tag present) implied. */
		CHECK(be16 == htons(10 | 5 << 13 | 0x1000), "tci %#x",
		      ntohs(be16));
	}
	a = find(&m, OVS_KEY_ATTR_VLAN);
	if (a) {
		memcpy(&be16, payload(a), 2);
		CHECK(be16 == htons(0xffff), "tci mask %#x", ntohs(be16));
	}

	/* Exact formatting (no mask) prints every field. */
	ovsdp_key_format(&out, k.data, k.len, NULL, 0);
	CHECK_STR(ovsdp_buf_str(&out),
		  "in_port(3),eth_type(0x0800),ipv4(src=10.1.2.3,dst=0.0.0.0,"
		  "proto=0,tos=0,ttl=64,frag=first),vlan(vid=10,pcp=5)");

	/* A key attribute without a mask attribute is wildcarded. */
	ovsdp_buf_clear(&out);
	ovsdp_key_format(&out, k.data, k.len, m.data, 0);
	CHECK_STR(ovsdp_buf_str(&out), "");

	/* Tunnel: nested, flags as zero-length attributes. */
	key_rt("tunnel(tun_id=0x5,dst=1.2.3.4,flags(df|key))", &k, &m);
	a = find(&k, OVS_KEY_ATTR_TUNNEL);
	CHECK(a && (a->nla_type & NLA_F_NESTED) == 0, "tunnel attr");
	if (a) {
		/* id(8+4) + dst(4+4) + df(4) */
		CHECK(a->nla_len == NLA_HDRLEN + 12 + 8 + 4, "tunnel len %u",
		      a->nla_len);
	}

	ovsdp_buf_free(&k);
	ovsdp_buf_free(&m);
	ovsdp_buf_free(&out);
}

static const char *const identity_acts[] = {
	"drop",
	"1",
	"2,3,4294967295",
	"set(ipv4(ttl=63)),push_vlan(vid=10,pcp=0),2",
	"set(ipv4(src=1.1.1.1,dst=2.2.2.2,proto=6,tos=0,ttl=64,frag=no))",
	"set(eth(src=00:11:22:33:44:55,dst=00:11:22:33:44:66))",
	"set(eth(src=00:11:22:33:44:55/00:11:22:33:44:55,"
	"dst=00:00:00:00:00:00))",
	"set(tunnel(tun_id=0x5,dst=1.1.1.1,ttl=64,flags(df))),3",
	"set(skb_mark(0x5/0xff)),set(skb_mark(0x5))",
	"userspace(pid=7,userdata(0102030405),actions,tunnel_out_port=4)",
	"userspace(pid=4294967295)",
	"push_vlan(tpid=0x88a8,vid=10,pcp=3,cfi=0),pop_vlan",
	"push_mpls(label=10,tc=1,ttl=64,bos=1,eth_type=0x8847),"
	"pop_mpls(eth_type=0x800)",
	"sample(sample=50.0%,actions(userspace(pid=1)))",
	"sample(sample=0.0%,actions(drop))",
	"sample(sample=100.0%,actions(1,sample(sample=10.0%,actions(2))))",
	"clone(set(ipv4(ttl=1)),clone(3)),4",
	"recirc(0x1),recirc(0)",
	"hash(l4(0)),hash(sym_l4(77))",
	"trunc(100),meter(3)",
	"check_pkt_len(size=200,gt(2),le(drop))",
	"check_pkt_len(size=1500,gt(userspace(pid=9)),le(check_pkt_len("
	"size=100,gt(1),le(2))))",
	"dec_ttl(le_1(userspace(pid=1))),dec_ttl(le_1(drop))",
	"ct,ct(commit,zone=5,mark=0x1/0xff,helper=ftp),ct_clear",
	"ct(force_commit,label=0x0000000000000000000000000000000f/"
	"0x000000000000000000000000000000ff)",
	"push_eth(src=00:00:00:00:00:01,dst=00:00:00:00:00:02),pop_eth",
	"action99(0102),action17()",
};

static const char *const canon_acts[][2] = {
	{ " 2 , 3 ", "2,3" },
	{ "sample(sample=50%,actions(drop))", "sample(sample=50.0%,actions(drop))" },
	{ "sample(sample=33.30%,actions(1))",
	  "sample(sample=33.3%,actions(1))" },
	{ "push_vlan(vid=10,pcp=0,cfi=1)", "push_vlan(vid=10,pcp=0)" },
	{ "push_vlan(tpid=0x8100,vid=10,pcp=0)", "push_vlan(vid=10,pcp=0)" },
	{ "set(ipv4(ttl=64/0xff))", "set(ipv4(ttl=64))" },
	{ "set(ipv4(src=1.1.1.1/255.255.255.255,dst=2.2.2.2,proto=6,tos=0,"
	  "ttl=64,frag=no))",
	  "set(ipv4(src=1.1.1.1/255.255.255.255,dst=2.2.2.2/255.255.255.255,"
	  "proto=6/0xff,tos=0/0xff,ttl=64/0xff,frag=no/0xff))" },
	{ "ct()", "ct" },
	{ "userspace(actions,pid=3)", "userspace(actions,pid=3)" },
	{ "recirc(1)", "recirc(0x1)" },
	{ "action1(05000000)", "5" },
};

static void test_actions(void)
{
	struct ovsdp_buf a;
	size_t i;

	ovsdp_buf_init(&a);
	for (i = 0; i < sizeof(identity_acts) / sizeof(identity_acts[0]); i++)
		CHECK_STR(acts_rt(identity_acts[i], &a), identity_acts[i]);
	for (i = 0; i < sizeof(canon_acts) / sizeof(canon_acts[0]); i++)
		CHECK_STR(acts_rt(canon_acts[i][0], &a), canon_acts[i][1]);
	ovsdp_buf_free(&a);
}

static void test_action_bytes(void)
{
	const struct nlattr *a, *in;
	struct ovsdp_buf b;
	const uint8_t *p;
	uint32_t u32;

	ovsdp_buf_init(&b);

	acts_rt("drop", &b);
	CHECK(b.len == 0, "drop is the empty list");

	acts_rt("set(ipv4(ttl=63))", &b);
	a = find(&b, OVS_ACTION_ATTR_SET_MASKED);
	CHECK(a != NULL, "partial set is a masked set");
	if (a) {
		in = payload(a);
		CHECK(in->nla_type == OVS_KEY_ATTR_IPV4 &&
		      in->nla_len == NLA_HDRLEN + 2 * 12,
		      "value+mask in one attribute");
		p = payload(in);
		CHECK(p[10] == 63 && p[12 + 10] == 0xff && p[12] == 0,
		      "ttl value and mask placed");
	}

	acts_rt("set(tcp(src=1,dst=2))", &b);
	a = find(&b, OVS_ACTION_ATTR_SET);
	CHECK(a != NULL, "full set is a plain set");

	acts_rt("push_vlan(tpid=0x88a8,vid=10,pcp=3)", &b);
	a = find(&b, OVS_ACTION_ATTR_PUSH_VLAN);
	CHECK(a && a->nla_len == NLA_HDRLEN + 4, "push_vlan size");
	if (a) {
		p = payload(a);
		CHECK(p[0] == 0x88 && p[1] == 0xa8, "tpid");
		CHECK((p[2] << 8 | p[3]) == (10 | 3 << 13 | 0x1000), "tci");
	}

	acts_rt("sample(sample=50.0%,actions(2))", &b);
	a = find(&b, OVS_ACTION_ATTR_SAMPLE);
	CHECK(a != NULL, "sample");
	if (a) {
		in = payload(a);
		memcpy(&u32, payload(in), 4);
		CHECK(in->nla_type == OVS_SAMPLE_ATTR_PROBABILITY &&
		      u32 >= 0x7fffffff && u32 <= 0x80000000,
		      "probability %#x", u32);
	}
	acts_rt("sample(sample=100%,actions(2))", &b);
	a = find(&b, OVS_ACTION_ATTR_SAMPLE);
	if (a) {
		memcpy(&u32, payload(payload(a)), 4);
		CHECK(u32 == UINT32_MAX, "100%% is always");
	}

	acts_rt("push_mpls(label=10,tc=1,ttl=64,bos=1,eth_type=0x8847)", &b);
	a = find(&b, OVS_ACTION_ATTR_PUSH_MPLS);
	CHECK(a && a->nla_len == NLA_HDRLEN +
	      sizeof(struct ovs_action_push_mpls), "push_mpls size");
	if (a) {
		p = payload(a);
		CHECK(p[0] == 0 && p[1] == 0 && p[2] == 0xa3 && p[3] == 64 &&
		      p[4] == 0x88 && p[5] == 0x47, "lse bytes");
	}

	acts_rt("check_pkt_len(size=200,gt(2),le(drop))", &b);
	a = find(&b, OVS_ACTION_ATTR_CHECK_PKT_LEN);
	CHECK(a != NULL, "check_pkt_len");
	if (a) {
		uint16_t len;

		in = payload(a);
		memcpy(&len, payload(in), 2);
		CHECK(in->nla_type == OVS_CHECK_PKT_LEN_ATTR_PKT_LEN &&
		      len == 200, "pkt_len u16");
	}
	ovsdp_buf_free(&b);
}

static void test_array_grow(void)
{
	size_t cap = 0, n, i;
	int *a = NULL, *p;

	for (n = 0; n < 100; n++) {
		if (n == cap) {
			p = ovsdp_array_grow(a, &cap, sizeof(*a), 4);
			CHECK(p, "grow at %zu", n);
			if (!p)
				break;
			a = p;
		}
		a[n] = (int)n;
	}
	CHECK(cap == 128, "cap %zu", cap);
	for (i = 0; i < n; i++)
		CHECK(a[i] == (int)i, "a[%zu] = %d", i, a[i]);
	/* An impossible size fails and leaves the array alone. */
	cap = SIZE_MAX / 2 + 1;
	CHECK(!ovsdp_array_grow(a, &cap, sizeof(*a), 4) &&
	      cap == SIZE_MAX / 2 + 1, "cap %zu", cap);
	free(a);
}

int main(void)
{
	test_key_identity();
	test_key_canonical();
	test_key_full();
	test_key_bytes();
	test_actions();
	test_action_bytes();
	test_array_grow();
	return t_report();
}
