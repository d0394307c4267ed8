// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of ovs_key_extract(): hand-built frames for each protocol
 * with exact expected keys and header offsets, frames cut at every byte,
 * and malformed headers.
 *
 * Every frame is run several ways: fully linear in a heap block of
 * exactly its size, with the linear area shorter than the frame (so the
 * slow pull path runs), and through the "moving" shim cursor that only
 * makes the pulled bytes exist and moves them on every pull, so reads
 * past what was pulled or through stale pointers trip ASan.  All runs
 * must give the same result.
 */
#include <stdio.h>
#include <stdarg.h>

#include "portable_env.h"
#include "flow_extract.h"
#include "shim_pkt.h"

#define NONE OVS_PKT_OFS_NONE

static int passed, failed;

static void result(bool ok, const char *fmt, ...)
{
	va_list ap;

	if (ok) {
		passed++;
		return;
	}
	failed++;
	printf("FAIL: ");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
}

/* ---- Frame building ---------------------------------------------------- */

struct fb {
	u8 *b;
	unsigned int len, cap;
};

static void fb_put(struct fb *f, const void *p, unsigned int n)
{
	if (f->len + n > f->cap) {
		f->cap = (f->len + n) * 2 + 64;
		f->b = realloc(f->b, f->cap);
		if (!f->b)
			abort();
	}
	if (p)
		memcpy(f->b + f->len, p, n);
	else
		memset(f->b + f->len, 0, n);
	f->len += n;
}

static void fb_u8(struct fb *f, u8 v)
{
	fb_put(f, &v, 1);
}

static void fb_be16(struct fb *f, u16 v)
{
	__be16 x = htons(v);

	fb_put(f, &x, 2);
}

static void fb_be32(struct fb *f, u32 v)
{
	__be32 x = htonl(v);

	fb_put(f, &x, 4);
}

static void fb_zero(struct fb *f, unsigned int n)
{
	fb_put(f, NULL, n);
}

static void fb_free(struct fb *f)
{
	free(f->b);
	memset(f, 0, sizeof(*f));
}

static const u8 MAC_D[ETH_ALEN] = { 0x00, 0x11, 0x22, 0x33, 0x44, 0x55 };
static const u8 MAC_S[ETH_ALEN] = { 0x66, 0x77, 0x88, 0x99, 0xaa, 0xbb };
static const u8 MAC_X[ETH_ALEN] = { 0x02, 0x00, 0x00, 0x00, 0x00, 0x0c };
static const u8 MAC_Y[ETH_ALEN] = { 0x02, 0x00, 0x00, 0x00, 0x00, 0x0d };
#define IP_A 0x0a000001u
#define IP_B 0xc0a80102u
static const u8 IP6_A[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 1 };
static const u8 IP6_B[16] = { 0xfe, 0x80, [8] = 0x12, [15] = 0x34 };
static const u8 IP6_T[16] = { 0x20, 0x01, 0x0d, 0xb8, 0xaa, [15] = 9 };

/* Destination and source MACs; the caller adds the type field(s). */
static void fb_macs(struct fb *f)
{
	fb_put(f, MAC_D, ETH_ALEN);
	fb_put(f, MAC_S, ETH_ALEN);
}

static void fb_eth(struct fb *f, u16 type)
{
	fb_macs(f);
	fb_be16(f, type);
}

static void fb_ipv4(struct fb *f, unsigned int ihl, u8 tos, u16 frag_off,
		    u8 ttl, u8 proto)
{
	fb_u8(f, 0x40 | ihl);
	fb_u8(f, tos);
	fb_be16(f, 100);		/* total length: not checked */
	fb_be16(f, 0x1234);		/* id */
	fb_be16(f, frag_off);
	fb_u8(f, ttl);
	fb_u8(f, proto);
	fb_be16(f, 0);			/* checksum: not checked */
	fb_be32(f, IP_A);
	fb_be32(f, IP_B);
	if (ihl > 5)
		fb_zero(f, (ihl - 5) * 4);
}

static void fb_ipv6(struct fb *f, u8 tc, u32 label, u8 nexthdr, u8 hlim)
{
	fb_be32(f, 6u << 28 | (u32)tc << 20 | label);
	fb_be16(f, 0);			/* payload length: not checked */
	fb_u8(f, nexthdr);
	fb_u8(f, hlim);
	fb_put(f, IP6_A, 16);
	fb_put(f, IP6_B, 16);
}

static void fb_tcp(struct fb *f, u16 sport, u16 dport, unsigned int doff,
		   u16 flags)
{
	fb_be16(f, sport);
	fb_be16(f, dport);
	fb_be32(f, 1000);		/* seq */
	fb_be32(f, 2000);		/* ack */
	fb_be16(f, doff << 12 | flags);
	fb_be16(f, 512);		/* window */
	fb_be32(f, 0);			/* checksum, urgent pointer */
	if (doff > 5)
		fb_zero(f, (doff - 5) * 4);
}

static void fb_ports(struct fb *f, u16 sport, u16 dport, unsigned int rest)
{
	fb_be16(f, sport);
	fb_be16(f, dport);
	fb_zero(f, rest);
}

static void fb_udp(struct fb *f, u16 sport, u16 dport)
{
	fb_ports(f, sport, dport, 4);
}

static void fb_sctp(struct fb *f, u16 sport, u16 dport)
{
	fb_ports(f, sport, dport, 8);
}

static void fb_icmp(struct fb *f, u8 type, u8 code)
{
	fb_u8(f, type);
	fb_u8(f, code);
	fb_zero(f, 6);
}

/* Hop-by-hop, routing or destination options: (hdrlen + 1) * 8 bytes. */
static void fb_ext(struct fb *f, u8 nexthdr, u8 hdrlen)
{
	fb_u8(f, nexthdr);
	fb_u8(f, hdrlen);
	fb_zero(f, (hdrlen + 1) * 8 - 2);
}

static void fb_ah(struct fb *f, u8 nexthdr, u8 hdrlen)
{
	fb_u8(f, nexthdr);
	fb_u8(f, hdrlen);
	fb_zero(f, (hdrlen + 2) * 4 - 2);
}

static void fb_frag6(struct fb *f, u8 nexthdr, u16 offset8, bool more)
{
	fb_u8(f, nexthdr);
	fb_u8(f, 0);
	fb_be16(f, offset8 << 3 | more);
	fb_be32(f, 0xabcdef);
}

static void fb_arp(struct fb *f, u16 hrd, u16 pro, u8 hln, u8 pln, u16 op)
{
	fb_be16(f, hrd);
	fb_be16(f, pro);
	fb_u8(f, hln);
	fb_u8(f, pln);
	fb_be16(f, op);
	fb_put(f, MAC_X, ETH_ALEN);
	fb_be32(f, IP_A);
	fb_put(f, MAC_Y, ETH_ALEN);
	fb_be32(f, IP_B);
}

/* An ND option: type, length in units of 8 bytes, then the payload. */
static void fb_ndopt(struct fb *f, u8 type, u8 len8, const u8 *mac)
{
	fb_u8(f, type);
	fb_u8(f, len8);
	if (mac && len8 == 1) {
		fb_put(f, mac, ETH_ALEN);
	} else if (len8) {
		fb_zero(f, len8 * 8 - 2);
	}
}

/* ---- Expected results ------------------------------------------------ */

struct input {
	u8 mac_proto;
	__be16 l3_proto;
	__be16 hw_tpid;
	__be16 hw_tci;
};

struct expect {
	int ret;
	struct ovs_key key;
	u16 l2, l3, l4;
};

static const struct input ETH_IN = { .mac_proto = OVS_MAC_PROTO_ETHERNET };

static void exp_init(struct expect *e, u8 mac_proto)
{
	memset(e, 0, sizeof(*e));
	e->key.mac_proto = mac_proto;
	e->l2 = NONE;
	e->l3 = NONE;
	e->l4 = NONE;
}

/* Ethernet: MACs, ethertype, and the L2 length (= L3 offset). */
static void exp_eth(struct expect *e, u16 type, u16 l2)
{
	exp_init(e, OVS_MAC_PROTO_ETHERNET);
	memcpy(e->key.eth.dst, MAC_D, ETH_ALEN);
	memcpy(e->key.eth.src, MAC_S, ETH_ALEN);
	e->key.eth.type = htons(type);
	e->l2 = l2;
	e->l3 = l2;
}

static void exp_l3(struct expect *e, u16 type)
{
	exp_init(e, OVS_MAC_PROTO_NONE);
	e->key.eth.type = htons(type);
	e->l2 = 0;
	e->l3 = 0;
}

static void exp_ip(struct expect *e, u8 proto, u8 tos, u8 ttl, u8 frag)
{
	e->key.ip.proto = proto;
	e->key.ip.tos = tos;
	e->key.ip.ttl = ttl;
	e->key.ip.frag = frag;
}

static void exp_ipv4(struct expect *e, u8 proto, u8 tos, u8 ttl, u8 frag,
		     u16 l4)
{
	exp_ip(e, proto, tos, ttl, frag);
	e->key.ipv4.addr.src = htonl(IP_A);
	e->key.ipv4.addr.dst = htonl(IP_B);
	e->l4 = l4;
}

static void exp_ipv6(struct expect *e, u8 proto, u8 tc, u8 hlim, u8 frag,
		     u32 label, u16 l4)
{
	exp_ip(e, proto, tc, hlim, frag);
	memcpy(&e->key.ipv6.addr.src, IP6_A, 16);
	memcpy(&e->key.ipv6.addr.dst, IP6_B, 16);
	e->key.ipv6.label = htonl(label);
	e->l4 = l4;
}

static void exp_tp(struct expect *e, u16 src, u16 dst, u16 flags)
{
	e->key.tp.src = htons(src);
	e->key.tp.dst = htons(dst);
	e->key.tp.flags = htons(flags);
}

static void exp_vlan(struct ovs_key_vlan *v, u16 tpid, u16 tci)
{
	v->tpid = htons(tpid);
	v->tci = htons(tci);
}

/* ---- Running ----------------------------------------------------------- */

struct outcome {
	int ret;
	struct ovs_key key;
	u16 l2, l3, l4;
};

#define META_FILL 0xa5

enum run_mode { RUN_PLAIN, RUN_MOVING };

static void run(const struct input *in, const u8 *frame, unsigned int len,
		enum run_mode mode, unsigned int linear, struct outcome *o)
{
	unsigned int phase = in->mac_proto == OVS_MAC_PROTO_ETHERNET ? 2 : 0;
	struct ovs_shim_pkt sp;
	struct ovs_pkt pkt;
	u8 *block = NULL;

	memset(&pkt, 0, sizeof(pkt));
	pkt.mac_proto = in->mac_proto;
	pkt.l3_proto = in->l3_proto;
	pkt.hw_vlan_tpid = in->hw_tpid;
	pkt.hw_vlan_tci = in->hw_tci;
	/* Garbage in the outputs must not survive. */
	pkt.l2_len = 0x1111;
	pkt.l3_ofs = 0x2222;
	pkt.l4_ofs = 0x3333;

	if (mode == RUN_PLAIN) {
		/* Exactly sized, with headers aligned as the kernel's
		 * NET_IP_ALIGN arranges.
		 */
		block = malloc(phase + len);
		if (!block && phase + len)
			abort();
		if (len)
			memcpy(block + phase, frame, len);
		pkt.data = block + phase;
		pkt.len = len;
		pkt.linear = min(linear, len);
	} else {
		ovs_shim_pkt_init(&pkt, &sp, frame, len, linear, phase);
	}

	memset(&o->key, META_FILL, sizeof(o->key));
	o->ret = ovs_key_extract(&pkt, &o->key);
	o->l2 = pkt.l2_len;
	o->l3 = pkt.l3_ofs;
	o->l4 = pkt.l4_ofs;

	if (mode == RUN_PLAIN)
		free(block);
	else
		ovs_shim_pkt_release(&pkt);
}

static void dump_key(const char *what, const struct ovs_key *k)
{
	const u8 *p = (const u8 *)k;
	size_t i;

	printf("  %s: mac_proto %u\n   ", what, k->mac_proto);
	for (i = offsetof(struct ovs_key, eth); i < sizeof(*k); i++) {
		printf(" %02x", p[i]);
		if ((i - offsetof(struct ovs_key, eth)) % 32 == 31)
			printf("\n   ");
	}
	printf("\n");
}

/* Compare an outcome with what was expected; describe any difference. */
static bool same(const struct expect *e, const struct outcome *o,
		 const char *name, const char *how)
{
	const size_t eth = offsetof(struct ovs_key, eth);
	const u8 *kp = (const u8 *)&o->key;
	bool meta_ok = true;
	size_t i;

	for (i = 0; i < eth; i++)
		if (i != offsetof(struct ovs_key, mac_proto) &&
		    kp[i] != META_FILL)
			meta_ok = false;

	if (o->ret != e->ret) {
		printf("  %s (%s): returned %d, expected %d\n", name, how,
		       o->ret, e->ret);
		return false;
	}
	if (!meta_ok) {
		printf("  %s (%s): metadata before eth was written\n",
		       name, how);
		return false;
	}
	if (e->ret)
		return true;	/* the key is unspecified after an error */
	if (o->key.mac_proto != e->key.mac_proto ||
	    memcmp((const u8 *)&o->key + eth, (const u8 *)&e->key + eth,
		   sizeof(o->key) - eth)) {
		printf("  %s (%s): key differs\n", name, how);
		dump_key("got     ", &o->key);
		dump_key("expected", &e->key);
		return false;
	}
	if (o->l2 != e->l2 || o->l3 != e->l3 || o->l4 != e->l4) {
		printf("  %s (%s): offsets l2 %u l3 %u l4 %u, expected %u %u %u\n",
		       name, how, o->l2, o->l3, o->l4, e->l2, e->l3, e->l4);
		return false;
	}
	return true;
}

/* Run @frame every way and compare each outcome with @e. */
static bool check_all_ways(const struct input *in, const u8 *frame,
			   unsigned int len, const struct expect *e,
			   const char *name)
{
	static const unsigned int linears[] = { 0, 1, 14, 18, 34, 54, 62 };
	struct outcome o;
	char how[64];
	size_t i;

	run(in, frame, len, RUN_PLAIN, len, &o);
	if (!same(e, &o, name, "linear"))
		return false;
	for (i = 0; i < ARRAY_SIZE(linears); i++) {
		if (linears[i] >= len && i)
			break;
		snprintf(how, sizeof(how), "plain, linear %u", linears[i]);
		run(in, frame, len, RUN_PLAIN, linears[i], &o);
		if (!same(e, &o, name, how))
			return false;
		snprintf(how, sizeof(how), "moving, linear %u", linears[i]);
		run(in, frame, len, RUN_MOVING, linears[i], &o);
		if (!same(e, &o, name, how))
			return false;
	}
	return true;
}

static void check(const struct input *in, const struct fb *f,
		  const struct expect *e, const char *name)
{
	result(check_all_ways(in, f->b, f->len, e, name), "%s", name);
}

/* ---- Ethernet, VLAN, LLC ----------------------------------------------- */

static void test_eth_basic(void)
{
	struct expect e;
	struct fb f = {};

	/* An ethertype nobody parses further: LLDP. */
	fb_eth(&f, 0x88cc);
	fb_zero(&f, 30);
	exp_eth(&e, 0x88cc, 14);
	check(&ETH_IN, &f, &e, "eth: unknown ethertype");
	fb_free(&f);

	/* Exactly an Ethernet header. */
	fb_eth(&f, ETH_P_IP);
	exp_eth(&e, ETH_P_IP, 14);
	check(&ETH_IN, &f, &e, "eth: header only, IPv4 missing");
	fb_free(&f);

	/* Shorter than an Ethernet header: not an Ethernet frame. */
	fb_eth(&f, ETH_P_IP);
	f.len = 13;
	exp_init(&e, OVS_MAC_PROTO_ETHERNET);
	e.ret = -EINVAL;
	check(&ETH_IN, &f, &e, "eth: 13 bytes");
	f.len = 0;
	check(&ETH_IN, &f, &e, "eth: zero length");
	fb_free(&f);

	/* The smallest true ethertype, and the largest length. */
	fb_eth(&f, ETH_P_802_3_MIN);
	fb_zero(&f, 20);
	exp_eth(&e, ETH_P_802_3_MIN, 14);
	check(&ETH_IN, &f, &e, "eth: type 0x0600");
	fb_free(&f);

	fb_eth(&f, 0x05ff);
	fb_zero(&f, 20);
	exp_eth(&e, ETH_P_802_2, 14);
	check(&ETH_IN, &f, &e, "eth: length 0x05ff is 802.2");
	fb_free(&f);
}

static void test_llc(void)
{
	struct expect e;
	struct fb f = {};

	/* Plain 802.2 (STP-like): no ethertype; L3 right after length. */
	fb_eth(&f, 38);
	fb_u8(&f, 0x42);
	fb_u8(&f, 0x42);
	fb_u8(&f, 0x03);
	fb_zero(&f, 35);
	exp_eth(&e, ETH_P_802_2, 14);
	check(&ETH_IN, &f, &e, "llc: no SNAP");
	fb_free(&f);

	/* Too short to hold a SNAP header. */
	fb_eth(&f, 7);
	fb_put(&f, "\xaa\xaa\x03\x00\x00\x00\x08", 7);
	exp_eth(&e, ETH_P_802_2, 14);
	check(&ETH_IN, &f, &e, "llc: 7 bytes after length");
	fb_free(&f);

	/* SNAP with zero OUI carrying IPv4/UDP. */
	fb_eth(&f, 50);
	fb_put(&f, "\xaa\xaa\x03\x00\x00\x00", 6);
	fb_be16(&f, ETH_P_IP);
	fb_ipv4(&f, 5, 0, 0, 64, IPPROTO_UDP);
	fb_udp(&f, 1111, 2222);
	exp_eth(&e, ETH_P_IP, 22);
	exp_ipv4(&e, IPPROTO_UDP, 0, 64, OVS_FRAG_TYPE_NONE, 42);
	exp_tp(&e, 1111, 2222, 0);
	check(&ETH_IN, &f, &e, "llc: SNAP IPv4 UDP");
	fb_free(&f);

	/* SNAP with a vendor OUI: 802.2 and no further. */
	fb_eth(&f, 50);
	fb_put(&f, "\xaa\xaa\x03\x00\x00\x0c", 6);
	fb_be16(&f, 0x2000);
	fb_zero(&f, 20);
	exp_eth(&e, ETH_P_802_2, 14);
	check(&ETH_IN, &f, &e, "llc: SNAP, Cisco OUI");
	fb_free(&f);

	/* SNAP, zero OUI, but a length where the type goes: the SNAP
	 * header is still consumed.
	 */
	fb_eth(&f, 50);
	fb_put(&f, "\xaa\xaa\x03\x00\x00\x00", 6);
	fb_be16(&f, 0x0100);
	fb_zero(&f, 20);
	exp_eth(&e, ETH_P_802_2, 22);
	check(&ETH_IN, &f, &e, "llc: SNAP with a length inside");
	fb_free(&f);

	/* DSAP is SNAP but SSAP is not. */
	fb_eth(&f, 50);
	fb_put(&f, "\xaa\xab\x03\x00\x00\x00", 6);
	fb_be16(&f, ETH_P_IP);
	fb_zero(&f, 20);
	exp_eth(&e, ETH_P_802_2, 14);
	check(&ETH_IN, &f, &e, "llc: SSAP not SNAP");
	fb_free(&f);
}

static void test_vlan(void)
{
	struct input hw = ETH_IN;
	struct expect e;
	struct fb f = {};

	/* One 802.1Q tag; PCP 5, DEI 0, VID 100. */
	fb_macs(&f);
	fb_be16(&f, ETH_P_8021Q);
	fb_be16(&f, 0xa064);
	fb_be16(&f, ETH_P_IP);
	fb_ipv4(&f, 5, 0, 0, 64, IPPROTO_UDP);
	fb_udp(&f, 53, 5353);
	exp_eth(&e, ETH_P_IP, 18);
	exp_vlan(&e.key.eth.vlan, ETH_P_8021Q, 0xb064);
	exp_ipv4(&e, IPPROTO_UDP, 0, 64, OVS_FRAG_TYPE_NONE, 38);
	exp_tp(&e, 53, 5353, 0);
	check(&ETH_IN, &f, &e, "vlan: single 802.1Q");
	fb_free(&f);

	/* VID 0, PCP 0: still a tag, told apart from none by the CFI bit. */
	fb_macs(&f);
	fb_be16(&f, ETH_P_8021Q);
	fb_be16(&f, 0);
	fb_be16(&f, 0x88cc);
	fb_zero(&f, 10);
	exp_eth(&e, 0x88cc, 18);
	exp_vlan(&e.key.eth.vlan, ETH_P_8021Q, VLAN_CFI_MASK);
	check(&ETH_IN, &f, &e, "vlan: priority tag VID 0");
	fb_free(&f);

	/* QinQ: 802.1ad outer, 802.1Q inner. */
	fb_macs(&f);
	fb_be16(&f, ETH_P_8021AD);
	fb_be16(&f, 0x0123);
	fb_be16(&f, ETH_P_8021Q);
	fb_be16(&f, 0x1456);	/* DEI set in the frame */
	fb_be16(&f, ETH_P_IPV6);
	fb_ipv6(&f, 0, 0, NEXTHDR_NONE, 1);
	exp_eth(&e, ETH_P_IPV6, 22);
	exp_vlan(&e.key.eth.vlan, ETH_P_8021AD, 0x1123);
	exp_vlan(&e.key.eth.cvlan, ETH_P_8021Q, 0x1456);
	exp_ipv6(&e, NEXTHDR_NONE, 0, 1, OVS_FRAG_TYPE_NONE, 0, 62);
	check(&ETH_IN, &f, &e, "vlan: QinQ");
	fb_free(&f);

	/* Three tags: the third TPID is the ethertype. */
	fb_macs(&f);
	fb_be16(&f, ETH_P_8021AD);
	fb_be16(&f, 1);
	fb_be16(&f, ETH_P_8021Q);
	fb_be16(&f, 2);
	fb_be16(&f, ETH_P_8021Q);
	fb_be16(&f, 3);
	fb_be16(&f, ETH_P_IP);
	fb_ipv4(&f, 5, 0, 0, 64, IPPROTO_UDP);
	exp_eth(&e, ETH_P_8021Q, 22);
	exp_vlan(&e.key.eth.vlan, ETH_P_8021AD, 0x1001);
	exp_vlan(&e.key.eth.cvlan, ETH_P_8021Q, 0x1002);
	check(&ETH_IN, &f, &e, "vlan: three tags");
	fb_free(&f);

	/* A hardware tag is the outer one; the frame's tag is inner. */
	hw.hw_tpid = htons(ETH_P_8021AD);
	hw.hw_tci = htons(0x2005 | VLAN_CFI_MASK);
	fb_macs(&f);
	fb_be16(&f, ETH_P_8021Q);
	fb_be16(&f, 0x0007);
	fb_be16(&f, ETH_P_ARP);
	fb_arp(&f, ARPHRD_ETHER, ETH_P_IP, 6, 4, ARPOP_REPLY);
	exp_eth(&e, ETH_P_ARP, 18);
	exp_vlan(&e.key.eth.vlan, ETH_P_8021AD, 0x3005);
	exp_vlan(&e.key.eth.cvlan, ETH_P_8021Q, 0x1007);
	e.key.ip.proto = ARPOP_REPLY;
	e.key.ipv4.addr.src = htonl(IP_A);
	e.key.ipv4.addr.dst = htonl(IP_B);
	memcpy(e.key.ipv4.arp.sha, MAC_X, ETH_ALEN);
	memcpy(e.key.ipv4.arp.tha, MAC_Y, ETH_ALEN);
	check(&hw, &f, &e, "vlan: hw tag + frame tag");
	fb_free(&f);

	/* A hardware tag and two frame tags: the second frame tag's TPID
	 * is the ethertype.
	 */
	fb_macs(&f);
	fb_be16(&f, ETH_P_8021Q);
	fb_be16(&f, 0x0007);
	fb_be16(&f, ETH_P_8021Q);
	fb_be16(&f, 0x0008);
	fb_be16(&f, ETH_P_IP);
	fb_zero(&f, 20);
	exp_eth(&e, ETH_P_8021Q, 18);
	exp_vlan(&e.key.eth.vlan, ETH_P_8021AD, 0x3005);
	exp_vlan(&e.key.eth.cvlan, ETH_P_8021Q, 0x1007);
	check(&hw, &f, &e, "vlan: hw tag + two frame tags");
	fb_free(&f);

	/* A hardware tag without CFI is no tag. */
	hw.hw_tci = htons(0x2005);
	fb_macs(&f);
	fb_be16(&f, ETH_P_8021Q);
	fb_be16(&f, 0x0007);
	fb_be16(&f, 0x88cc);
	fb_zero(&f, 10);
	exp_eth(&e, 0x88cc, 18);
	exp_vlan(&e.key.eth.vlan, ETH_P_8021Q, 0x1007);
	check(&hw, &f, &e, "vlan: hw tci without CFI ignored");
	fb_free(&f);

	/* A tag with no type after it is not a tag. */
	fb_macs(&f);
	fb_be16(&f, ETH_P_8021Q);
	fb_be16(&f, 0x0064);
	exp_eth(&e, ETH_P_8021Q, 14);
	check(&ETH_IN, &f, &e, "vlan: cut after TCI");
	fb_u8(&f, 0x08);
	check(&ETH_IN, &f, &e, "vlan: cut inside inner type");
	fb_free(&f);
}

/* ---- IPv4 ---------------------------------------------------------------- */

static void test_ipv4(void)
{
	struct expect e;
	struct fb f = {};

	fb_eth(&f, ETH_P_IP);
	fb_ipv4(&f, 5, 0xb9, 0, 17, IPPROTO_TCP);
	/* Every flag bit including NS and the 3 reserved bits. */
	fb_tcp(&f, 80, 40000, 5, 0x0fff);
	exp_eth(&e, ETH_P_IP, 14);
	exp_ipv4(&e, IPPROTO_TCP, 0xb9, 17, OVS_FRAG_TYPE_NONE, 34);
	exp_tp(&e, 80, 40000, 0x0fff);
	check(&ETH_IN, &f, &e, "ipv4: tcp, all flags");
	fb_free(&f);

	fb_eth(&f, ETH_P_IP);
	fb_ipv4(&f, 5, 0, IP_DF, 64, IPPROTO_TCP);
	fb_tcp(&f, 22, 50000, 8, 0x012);	/* SYN ACK, options */
	fb_zero(&f, 100);
	exp_eth(&e, ETH_P_IP, 14);
	exp_ipv4(&e, IPPROTO_TCP, 0, 64, OVS_FRAG_TYPE_NONE, 34);
	exp_tp(&e, 22, 50000, 0x012);
	check(&ETH_IN, &f, &e, "ipv4: tcp syn-ack with options, DF");
	fb_free(&f);

	fb_eth(&f, ETH_P_IP);
	fb_ipv4(&f, 5, 0, 0, 64, IPPROTO_TCP);
	fb_tcp(&f, 22, 50000, 4, 0x002);
	exp_eth(&e, ETH_P_IP, 14);
	exp_ipv4(&e, IPPROTO_TCP, 0, 64, OVS_FRAG_TYPE_NONE, 34);
	check(&ETH_IN, &f, &e, "ipv4: tcp data offset 4");
	fb_free(&f);

	fb_eth(&f, ETH_P_IP);
	fb_ipv4(&f, 5, 0, 0, 64, IPPROTO_TCP);
	fb_tcp(&f, 22, 50000, 5, 0x002);
	f.b[14 + 20 + 12] = 0xf0;	/* data offset 15, frame too short */
	fb_zero(&f, 39);
	exp_eth(&e, ETH_P_IP, 14);
	exp_ipv4(&e, IPPROTO_TCP, 0, 64, OVS_FRAG_TYPE_NONE, 34);
	check(&ETH_IN, &f, &e, "ipv4: tcp data offset past end");
	fb_zero(&f, 1);
	exp_tp(&e, 22, 50000, 0x002);
	check(&ETH_IN, &f, &e, "ipv4: tcp data offset exactly at end");
	fb_free(&f);

	fb_eth(&f, ETH_P_IP);
	fb_ipv4(&f, 7, 0x02, 0, 1, IPPROTO_UDP);
	fb_udp(&f, 67, 68);
	exp_eth(&e, ETH_P_IP, 14);
	exp_ipv4(&e, IPPROTO_UDP, 0x02, 1, OVS_FRAG_TYPE_NONE, 42);
	exp_tp(&e, 67, 68, 0);
	check(&ETH_IN, &f, &e, "ipv4: udp after options");
	fb_free(&f);

	fb_eth(&f, ETH_P_IP);
	fb_ipv4(&f, 5, 0, 0, 64, IPPROTO_SCTP);
	fb_sctp(&f, 3868, 2905);
	exp_eth(&e, ETH_P_IP, 14);
	exp_ipv4(&e, IPPROTO_SCTP, 0, 64, OVS_FRAG_TYPE_NONE, 34);
	exp_tp(&e, 3868, 2905, 0);
	check(&ETH_IN, &f, &e, "ipv4: sctp");
	f.len--;
	exp_tp(&e, 0, 0, 0);
	check(&ETH_IN, &f, &e, "ipv4: sctp header one byte short");
	fb_free(&f);

	fb_eth(&f, ETH_P_IP);
	fb_ipv4(&f, 5, 0, 0, 64, IPPROTO_ICMP);
	fb_icmp(&f, 3, 13);
	exp_eth(&e, ETH_P_IP, 14);
	exp_ipv4(&e, IPPROTO_ICMP, 0, 64, OVS_FRAG_TYPE_NONE, 34);
	exp_tp(&e, 3, 13, 0);
	check(&ETH_IN, &f, &e, "ipv4: icmp unreachable");
	f.len -= 6;	/* type and code are there, the rest is not */
	exp_tp(&e, 0, 0, 0);
	check(&ETH_IN, &f, &e, "ipv4: icmp header short");
	fb_free(&f);

	/* ICMPv6's number in IPv4 is nothing special. */
	fb_eth(&f, ETH_P_IP);
	fb_ipv4(&f, 5, 0, 0, 64, IPPROTO_ICMPV6);
	fb_icmp(&f, 135, 0);
	exp_eth(&e, ETH_P_IP, 14);
	exp_ipv4(&e, IPPROTO_ICMPV6, 0, 64, OVS_FRAG_TYPE_NONE, 34);
	check(&ETH_IN, &f, &e, "ipv4: proto 58 not parsed");
	fb_free(&f);

	/* Fragments. */
	fb_eth(&f, ETH_P_IP);
	fb_ipv4(&f, 5, 0, IP_MF, 64, IPPROTO_UDP);
	fb_udp(&f, 4789, 4789);
	exp_eth(&e, ETH_P_IP, 14);
	exp_ipv4(&e, IPPROTO_UDP, 0, 64, OVS_FRAG_TYPE_FIRST, 34);
	exp_tp(&e, 4789, 4789, 0);
	check(&ETH_IN, &f, &e, "ipv4: first fragment");
	fb_free(&f);

	fb_eth(&f, ETH_P_IP);
	fb_ipv4(&f, 5, 0, IP_MF | 185, 64, IPPROTO_UDP);
	fb_udp(&f, 4789, 4789);
	exp_eth(&e, ETH_P_IP, 14);
	exp_ipv4(&e, IPPROTO_UDP, 0, 64, OVS_FRAG_TYPE_LATER, 34);
	check(&ETH_IN, &f, &e, "ipv4: middle fragment");
	fb_free(&f);

	fb_eth(&f, ETH_P_IP);
	fb_ipv4(&f, 5, 0, 1, 64, IPPROTO_TCP);
	exp_eth(&e, ETH_P_IP, 14);
	exp_ipv4(&e, IPPROTO_TCP, 0, 64, OVS_FRAG_TYPE_LATER, 34);
	check(&ETH_IN, &f, &e, "ipv4: last fragment, no payload");
	fb_free(&f);

	/* Bad header lengths: the key only says IPv4. */
	fb_eth(&f, ETH_P_IP);
	fb_ipv4(&f, 5, 0, 0, 64, IPPROTO_UDP);
	fb_udp(&f, 1, 2);
	f.b[14] = 0x44;
	exp_eth(&e, ETH_P_IP, 14);
	check(&ETH_IN, &f, &e, "ipv4: IHL 4");
	f.b[14] = 0x40;
	check(&ETH_IN, &f, &e, "ipv4: IHL 0");
	f.b[14] = 0x4f;	/* 60 bytes; frame has 28 after the L3 start */
	check(&ETH_IN, &f, &e, "ipv4: IHL 15 past end");
	fb_zero(&f, 32);
	exp_ipv4(&e, IPPROTO_UDP, 0, 64, OVS_FRAG_TYPE_NONE, 74);
	check(&ETH_IN, &f, &e, "ipv4: IHL 15 exactly fits");
	fb_free(&f);

	/* The version field is not looked at: the ethertype rules. */
	fb_eth(&f, ETH_P_IP);
	fb_ipv4(&f, 5, 0, 0, 64, IPPROTO_UDP);
	fb_udp(&f, 1, 2);
	f.b[14] = 0x65;
	exp_eth(&e, ETH_P_IP, 14);
	exp_ipv4(&e, IPPROTO_UDP, 0, 64, OVS_FRAG_TYPE_NONE, 34);
	exp_tp(&e, 1, 2, 0);
	check(&ETH_IN, &f, &e, "ipv4: version 6 in IPv4 ethertype");
	fb_free(&f);

	/* Jumbo frame. */
	fb_eth(&f, ETH_P_IP);
	fb_ipv4(&f, 5, 0, 0, 64, IPPROTO_UDP);
	fb_udp(&f, 9000, 9001);
	fb_zero(&f, 9000 - 28);
	exp_eth(&e, ETH_P_IP, 14);
	exp_ipv4(&e, IPPROTO_UDP, 0, 64, OVS_FRAG_TYPE_NONE, 34);
	exp_tp(&e, 9000, 9001, 0);
	check(&ETH_IN, &f, &e, "ipv4: 9000-byte jumbo frame");
	fb_zero(&f, 100000);
	check(&ETH_IN, &f, &e, "ipv4: 109 KB GSO-sized frame");
	fb_free(&f);
}

/* ---- ARP, MPLS ------------------------------------------------------------ */

static void exp_arp(struct expect *e, u16 type, u8 op)
{
	exp_eth(e, type, 14);
	e->key.ip.proto = op;
	e->key.ipv4.addr.src = htonl(IP_A);
	e->key.ipv4.addr.dst = htonl(IP_B);
	memcpy(e->key.ipv4.arp.sha, MAC_X, ETH_ALEN);
	memcpy(e->key.ipv4.arp.tha, MAC_Y, ETH_ALEN);
}

static void test_arp(void)
{
	struct expect e;
	struct fb f = {};

	fb_eth(&f, ETH_P_ARP);
	fb_arp(&f, ARPHRD_ETHER, ETH_P_IP, 6, 4, ARPOP_REQUEST);
	exp_arp(&e, ETH_P_ARP, ARPOP_REQUEST);
	check(&ETH_IN, &f, &e, "arp: request");
	fb_zero(&f, 18);	/* Ethernet padding changes nothing */
	check(&ETH_IN, &f, &e, "arp: request, padded");
	fb_free(&f);

	fb_eth(&f, ETH_P_RARP);
	fb_arp(&f, ARPHRD_ETHER, ETH_P_IP, 6, 4, ARPOP_RREQUEST);
	exp_arp(&e, ETH_P_RARP, ARPOP_RREQUEST);
	check(&ETH_IN, &f, &e, "rarp: request");
	fb_free(&f);

	/* Opcodes above 255 read as 0; 255 itself is kept. */
	fb_eth(&f, ETH_P_ARP);
	fb_arp(&f, ARPHRD_ETHER, ETH_P_IP, 6, 4, 0x0101);
	exp_arp(&e, ETH_P_ARP, 0);
	check(&ETH_IN, &f, &e, "arp: opcode 0x101");
	f.b[20] = 0;
	f.b[21] = 0xff;
	exp_arp(&e, ETH_P_ARP, 0xff);
	check(&ETH_IN, &f, &e, "arp: opcode 0xff");
	fb_free(&f);

	/* Anything but Ethernet/IPv4 with the right lengths: type only. */
	exp_eth(&e, ETH_P_ARP, 14);
	fb_eth(&f, ETH_P_ARP);
	fb_arp(&f, ARPHRD_IEEE802, ETH_P_IP, 6, 4, ARPOP_REQUEST);
	check(&ETH_IN, &f, &e, "arp: hardware type 6");
	fb_free(&f);
	fb_eth(&f, ETH_P_ARP);
	fb_arp(&f, ARPHRD_ETHER, ETH_P_IPV6, 6, 4, ARPOP_REQUEST);
	check(&ETH_IN, &f, &e, "arp: protocol IPv6");
	fb_free(&f);
	fb_eth(&f, ETH_P_ARP);
	fb_arp(&f, ARPHRD_ETHER, ETH_P_IP, 8, 4, ARPOP_REQUEST);
	check(&ETH_IN, &f, &e, "arp: hln 8");
	fb_free(&f);
	fb_eth(&f, ETH_P_ARP);
	fb_arp(&f, ARPHRD_ETHER, ETH_P_IP, 6, 16, ARPOP_REQUEST);
	check(&ETH_IN, &f, &e, "arp: pln 16");
	f.b[19] = 4;
	f.len--;
	check(&ETH_IN, &f, &e, "arp: 27 bytes");
	fb_free(&f);
}

/* Label stack entries a key holds: through the bottom of stack, or all. */
static unsigned int mpls_labels(const struct ovs_key *key)
{
	unsigned int i;

	for (i = 0; i < OVS_KEY_MPLS_LABELS_MAX; i++)
		if (key->mpls.lse[i] & htonl(MPLS_LS_S_MASK))
			return i + 1;
	return OVS_KEY_MPLS_LABELS_MAX;
}

static void test_mpls(void)
{
	struct expect e;
	struct fb f = {};

	fb_eth(&f, ETH_P_MPLS_UC);
	fb_be32(&f, 100 << 12 | 5 << 9 | 1 << 8 | 64);
	fb_ipv4(&f, 5, 0, 0, 64, IPPROTO_UDP);
	exp_eth(&e, ETH_P_MPLS_UC, 14);
	e.key.mpls.lse[0] = htonl(100 << 12 | 5 << 9 | 1 << 8 | 64);
	check(&ETH_IN, &f, &e, "mpls: one label");
	result(mpls_labels(&e.key) == 1, "mpls: label count 1");
	fb_free(&f);

	fb_eth(&f, ETH_P_MPLS_MC);
	fb_be32(&f, 1 << 12 | 1);
	fb_be32(&f, 2 << 12 | 2);
	fb_be32(&f, 3 << 12 | 1 << 8 | 3);
	fb_zero(&f, 20);
	exp_eth(&e, ETH_P_MPLS_MC, 14);
	e.key.mpls.lse[0] = htonl(1 << 12 | 1);
	e.key.mpls.lse[1] = htonl(2 << 12 | 2);
	e.key.mpls.lse[2] = htonl(3 << 12 | 1 << 8 | 3);
	check(&ETH_IN, &f, &e, "mpls: three labels, multicast");
	result(mpls_labels(&e.key) == 3, "mpls: label count 3");
	fb_free(&f);

	/* Five labels: the first three are kept. */
	fb_eth(&f, ETH_P_MPLS_UC);
	fb_be32(&f, 1 << 12);
	fb_be32(&f, 2 << 12);
	fb_be32(&f, 3 << 12);
	fb_be32(&f, 4 << 12);
	fb_be32(&f, 5 << 12 | 1 << 8);
	exp_eth(&e, ETH_P_MPLS_UC, 14);
	e.key.mpls.lse[0] = htonl(1 << 12);
	e.key.mpls.lse[1] = htonl(2 << 12);
	e.key.mpls.lse[2] = htonl(3 << 12);
	check(&ETH_IN, &f, &e, "mpls: five labels");
	/* With the bottom of stack cut off, still the first three. */
	f.len -= 4;
	check(&ETH_IN, &f, &e, "mpls: no bottom of stack");
	fb_free(&f);

	/* Truncated inside the second label. */
	fb_eth(&f, ETH_P_MPLS_UC);
	fb_be32(&f, 7 << 12 | 9);
	fb_be16(&f, 0x1234);
	exp_eth(&e, ETH_P_MPLS_UC, 14);
	e.key.mpls.lse[0] = htonl(7 << 12 | 9);
	check(&ETH_IN, &f, &e, "mpls: cut in second label");
	fb_free(&f);

	/* MPLS under a VLAN tag. */
	fb_macs(&f);
	fb_be16(&f, ETH_P_8021Q);
	fb_be16(&f, 10);
	fb_be16(&f, ETH_P_MPLS_UC);
	fb_be32(&f, 16 << 12 | 1 << 8 | 255);
	exp_eth(&e, ETH_P_MPLS_UC, 18);
	exp_vlan(&e.key.eth.vlan, ETH_P_8021Q, 0x100a);
	e.key.mpls.lse[0] = htonl(16 << 12 | 1 << 8 | 255);
	check(&ETH_IN, &f, &e, "mpls: under a VLAN tag");
	fb_free(&f);
}

/* ---- IPv6 ----------------------------------------------------------------- */

static void test_ipv6(void)
{
	struct expect e;
	struct fb f = {};
	int i;

	fb_eth(&f, ETH_P_IPV6);
	fb_ipv6(&f, 0xb8, 0xabcde, IPPROTO_TCP, 255);
	fb_tcp(&f, 443, 61000, 5, 0x018);
	exp_eth(&e, ETH_P_IPV6, 14);
	exp_ipv6(&e, IPPROTO_TCP, 0xb8, 255, OVS_FRAG_TYPE_NONE, 0xabcde, 54);
	exp_tp(&e, 443, 61000, 0x018);
	check(&ETH_IN, &f, &e, "ipv6: tcp, traffic class, flow label");
	fb_free(&f);

	fb_eth(&f, ETH_P_IPV6);
	fb_ipv6(&f, 0, 0, NEXTHDR_HOP, 1);
	fb_ext(&f, NEXTHDR_DEST, 0);
	fb_ext(&f, NEXTHDR_ROUTING, 1);
	fb_ext(&f, NEXTHDR_DEST, 2);
	fb_ext(&f, IPPROTO_UDP, 0);
	fb_udp(&f, 546, 547);
	exp_eth(&e, ETH_P_IPV6, 14);
	exp_ipv6(&e, IPPROTO_UDP, 0, 1, OVS_FRAG_TYPE_NONE, 0,
		 54 + 8 + 8 + 16 + 24);
	exp_tp(&e, 546, 547, 0);
	check(&ETH_IN, &f, &e, "ipv6: hop, dest, routing, dest, udp");
	fb_free(&f);

	/* Hop-by-hop anywhere is walked like any other (no ordering). */
	fb_eth(&f, ETH_P_IPV6);
	fb_ipv6(&f, 0, 0, NEXTHDR_DEST, 1);
	fb_ext(&f, NEXTHDR_HOP, 0);
	fb_ext(&f, IPPROTO_SCTP, 0);
	fb_sctp(&f, 9, 10);
	exp_eth(&e, ETH_P_IPV6, 14);
	exp_ipv6(&e, IPPROTO_SCTP, 0, 1, OVS_FRAG_TYPE_NONE, 0, 70);
	exp_tp(&e, 9, 10, 0);
	check(&ETH_IN, &f, &e, "ipv6: dest, hop, sctp");
	fb_free(&f);

	/* AH counts in 4-byte units. */
	fb_eth(&f, ETH_P_IPV6);
	fb_ipv6(&f, 0, 0, NEXTHDR_AUTH, 64);
	fb_ah(&f, IPPROTO_TCP, 4);
	fb_tcp(&f, 179, 1179, 5, 0x010);
	exp_eth(&e, ETH_P_IPV6, 14);
	exp_ipv6(&e, IPPROTO_TCP, 0, 64, OVS_FRAG_TYPE_NONE, 0, 54 + 24);
	exp_tp(&e, 179, 1179, 0x010);
	check(&ETH_IN, &f, &e, "ipv6: ah, tcp");
	fb_free(&f);

	/* ESP is an upper layer as far as the key goes. */
	fb_eth(&f, ETH_P_IPV6);
	fb_ipv6(&f, 0, 0, NEXTHDR_ESP, 64);
	fb_zero(&f, 32);
	exp_eth(&e, ETH_P_IPV6, 14);
	exp_ipv6(&e, NEXTHDR_ESP, 0, 64, OVS_FRAG_TYPE_NONE, 0, 54);
	check(&ETH_IN, &f, &e, "ipv6: esp");
	fb_free(&f);

	fb_eth(&f, ETH_P_IPV6);
	fb_ipv6(&f, 0, 0, NEXTHDR_HOP, 64);
	fb_ext(&f, NEXTHDR_NONE, 0);
	exp_eth(&e, ETH_P_IPV6, 14);
	exp_ipv6(&e, NEXTHDR_NONE, 0, 64, OVS_FRAG_TYPE_NONE, 0, 62);
	check(&ETH_IN, &f, &e, "ipv6: hop, no next header");
	fb_free(&f);

	/* Fragments. */
	fb_eth(&f, ETH_P_IPV6);
	fb_ipv6(&f, 0, 0, NEXTHDR_FRAGMENT, 64);
	fb_frag6(&f, IPPROTO_UDP, 0, true);
	fb_udp(&f, 500, 4500);
	exp_eth(&e, ETH_P_IPV6, 14);
	exp_ipv6(&e, IPPROTO_UDP, 0, 64, OVS_FRAG_TYPE_FIRST, 0, 62);
	exp_tp(&e, 500, 4500, 0);
	check(&ETH_IN, &f, &e, "ipv6: first fragment");
	fb_free(&f);

	/* An atomic fragment (offset 0, no M bit) is still a fragment. */
	fb_eth(&f, ETH_P_IPV6);
	fb_ipv6(&f, 0, 0, NEXTHDR_HOP, 64);
	fb_ext(&f, NEXTHDR_FRAGMENT, 0);
	fb_frag6(&f, IPPROTO_ICMPV6, 0, false);
	fb_icmp(&f, ICMPV6_ECHO_REQUEST, 0);
	exp_eth(&e, ETH_P_IPV6, 14);
	exp_ipv6(&e, IPPROTO_ICMPV6, 0, 64, OVS_FRAG_TYPE_FIRST, 0, 70);
	exp_tp(&e, ICMPV6_ECHO_REQUEST, 0, 0);
	check(&ETH_IN, &f, &e, "ipv6: atomic fragment after hop");
	fb_free(&f);

	fb_eth(&f, ETH_P_IPV6);
	fb_ipv6(&f, 0, 0, NEXTHDR_FRAGMENT, 64);
	fb_frag6(&f, IPPROTO_UDP, 100, false);
	fb_udp(&f, 500, 4500);
	exp_eth(&e, ETH_P_IPV6, 14);
	exp_ipv6(&e, NEXTHDR_FRAGMENT, 0, 64, OVS_FRAG_TYPE_LATER, 0, NONE);
	check(&ETH_IN, &f, &e, "ipv6: later fragment");
	f.len = 14 + 40 + 4;	/* offset readable, rest of header not */
	check(&ETH_IN, &f, &e, "ipv6: later fragment, header cut");
	fb_free(&f);

	/* Upstream quirk: a later fragment whose next header is an
	 * extension header fails the walk before its offset is recorded,
	 * so it reads as a first fragment with no upper layer.
	 */
	fb_eth(&f, ETH_P_IPV6);
	fb_ipv6(&f, 0, 0, NEXTHDR_FRAGMENT, 64);
	fb_frag6(&f, NEXTHDR_DEST, 100, true);
	fb_ext(&f, IPPROTO_UDP, 0);
	fb_udp(&f, 500, 4500);
	exp_eth(&e, ETH_P_IPV6, 14);
	exp_ipv6(&e, NEXTHDR_NONE, 0, 64, OVS_FRAG_TYPE_FIRST, 0, NONE);
	check(&ETH_IN, &f, &e, "ipv6: later fragment before dest opts");
	fb_free(&f);

	/* A later fragment whose next header says "none". */
	fb_eth(&f, ETH_P_IPV6);
	fb_ipv6(&f, 0, 0, NEXTHDR_FRAGMENT, 64);
	fb_frag6(&f, NEXTHDR_NONE, 1, false);
	exp_eth(&e, ETH_P_IPV6, 14);
	exp_ipv6(&e, NEXTHDR_FRAGMENT, 0, 64, OVS_FRAG_TYPE_LATER, 0, NONE);
	check(&ETH_IN, &f, &e, "ipv6: later fragment, no next header");
	fb_free(&f);

	/* A chain running past the end of the frame. */
	fb_eth(&f, ETH_P_IPV6);
	fb_ipv6(&f, 0x03, 1, NEXTHDR_HOP, 64);
	fb_ext(&f, IPPROTO_TCP, 1);
	fb_tcp(&f, 1, 2, 5, 0);
	f.len = 14 + 40 + 15;
	exp_eth(&e, ETH_P_IPV6, 14);
	exp_ipv6(&e, NEXTHDR_NONE, 0x03, 64, OVS_FRAG_TYPE_NONE, 1, NONE);
	check(&ETH_IN, &f, &e, "ipv6: hop header past end");
	fb_free(&f);

	/* Shorter than the IPv6 header. */
	fb_eth(&f, ETH_P_IPV6);
	fb_ipv6(&f, 0, 0, IPPROTO_TCP, 64);
	f.len--;
	exp_eth(&e, ETH_P_IPV6, 14);
	check(&ETH_IN, &f, &e, "ipv6: 39-byte header");
	fb_free(&f);

	/* More than 64 KiB of extension headers: offsets cannot express
	 * where the upper layer starts, so it is treated as unreachable.
	 */
	fb_eth(&f, ETH_P_IPV6);
	fb_ipv6(&f, 0, 0, NEXTHDR_DEST, 64);
	for (i = 0; i < 33; i++)
		fb_ext(&f, NEXTHDR_DEST, 255);
	fb_ext(&f, IPPROTO_UDP, 0);
	fb_udp(&f, 7, 7);
	exp_eth(&e, ETH_P_IPV6, 14);
	exp_ipv6(&e, NEXTHDR_NONE, 0, 64, OVS_FRAG_TYPE_NONE, 0, NONE);
	check(&ETH_IN, &f, &e, "ipv6: 69 KB of extension headers");
	fb_free(&f);

	/* Just under the limit: fine. */
	fb_eth(&f, ETH_P_IPV6);
	fb_ipv6(&f, 0, 0, NEXTHDR_DEST, 64);
	for (i = 0; i < 31; i++)
		fb_ext(&f, NEXTHDR_DEST, 255);
	fb_ext(&f, IPPROTO_UDP, 0);
	fb_udp(&f, 7, 7);
	exp_eth(&e, ETH_P_IPV6, 14);
	exp_ipv6(&e, IPPROTO_UDP, 0, 64, OVS_FRAG_TYPE_NONE, 0,
		 54 + 31 * 2048 + 8);
	exp_tp(&e, 7, 7, 0);
	check(&ETH_IN, &f, &e, "ipv6: 63 KB of extension headers");
	fb_free(&f);
}

/* ---- ICMPv6 and neighbour discovery -------------------------------------- */

static void fb_nd(struct fb *f, u8 type, u8 code)
{
	fb_eth(f, ETH_P_IPV6);
	fb_ipv6(f, 0, 0, IPPROTO_ICMPV6, 255);
	fb_u8(f, type);
	fb_u8(f, code);
	fb_zero(f, 6);
	fb_put(f, IP6_T, 16);
}

static void exp_nd(struct expect *e, u8 type, u8 code)
{
	exp_eth(e, ETH_P_IPV6, 14);
	exp_ipv6(e, IPPROTO_ICMPV6, 0, 255, OVS_FRAG_TYPE_NONE, 0, 54);
	exp_tp(e, type, code, 0);
}

static void test_icmpv6(void)
{
	struct expect e;
	struct fb f = {};
	int i;

	fb_eth(&f, ETH_P_IPV6);
	fb_ipv6(&f, 0, 0, IPPROTO_ICMPV6, 64);
	fb_icmp(&f, ICMPV6_ECHO_REPLY, 0);
	exp_eth(&e, ETH_P_IPV6, 14);
	exp_ipv6(&e, IPPROTO_ICMPV6, 0, 64, OVS_FRAG_TYPE_NONE, 0, 54);
	exp_tp(&e, ICMPV6_ECHO_REPLY, 0, 0);
	check(&ETH_IN, &f, &e, "icmpv6: echo reply");
	f.len--;
	exp_tp(&e, 0, 0, 0);
	check(&ETH_IN, &f, &e, "icmpv6: 7-byte header");
	fb_free(&f);

	fb_nd(&f, NDISC_NEIGHBOUR_SOLICITATION, 0);
	fb_ndopt(&f, ND_OPT_SOURCE_LL_ADDR, 1, MAC_X);
	exp_nd(&e, NDISC_NEIGHBOUR_SOLICITATION, 0);
	memcpy(&e.key.ipv6.nd.target, IP6_T, 16);
	memcpy(e.key.ipv6.nd.sll, MAC_X, ETH_ALEN);
	check(&ETH_IN, &f, &e, "nd: NS with SLL");
	fb_free(&f);

	fb_nd(&f, NDISC_NEIGHBOUR_ADVERTISEMENT, 0);
	fb_ndopt(&f, ND_OPT_TARGET_LL_ADDR, 1, MAC_Y);
	fb_ndopt(&f, 99, 2, NULL);
	fb_ndopt(&f, ND_OPT_SOURCE_LL_ADDR, 1, MAC_X);
	exp_nd(&e, NDISC_NEIGHBOUR_ADVERTISEMENT, 0);
	memcpy(&e.key.ipv6.nd.target, IP6_T, 16);
	memcpy(e.key.ipv6.nd.sll, MAC_X, ETH_ALEN);
	memcpy(e.key.ipv6.nd.tll, MAC_Y, ETH_ALEN);
	check(&ETH_IN, &f, &e, "nd: NA with TLL, unknown, SLL");
	fb_free(&f);

	/* No options at all. */
	fb_nd(&f, NDISC_NEIGHBOUR_ADVERTISEMENT, 0);
	exp_nd(&e, NDISC_NEIGHBOUR_ADVERTISEMENT, 0);
	memcpy(&e.key.ipv6.nd.target, IP6_T, 16);
	check(&ETH_IN, &f, &e, "nd: NA without options");
	/* Fewer than 8 trailing bytes are ignored. */
	fb_zero(&f, 7);
	check(&ETH_IN, &f, &e, "nd: NA with 7 trailing bytes");
	fb_free(&f);

	/* Target cut short: type and code only. */
	fb_nd(&f, NDISC_NEIGHBOUR_SOLICITATION, 0);
	f.len--;
	exp_nd(&e, NDISC_NEIGHBOUR_SOLICITATION, 0);
	check(&ETH_IN, &f, &e, "nd: NS target cut");
	fb_free(&f);

	/* A nonzero code is no ND message. */
	fb_nd(&f, NDISC_NEIGHBOUR_SOLICITATION, 1);
	fb_ndopt(&f, ND_OPT_SOURCE_LL_ADDR, 1, MAC_X);
	exp_nd(&e, NDISC_NEIGHBOUR_SOLICITATION, 1);
	check(&ETH_IN, &f, &e, "nd: NS code 1");
	fb_free(&f);

	/* Router solicitations carry SLL options but are not parsed. */
	fb_nd(&f, NDISC_ROUTER_SOLICITATION, 0);
	fb_ndopt(&f, ND_OPT_SOURCE_LL_ADDR, 1, MAC_X);
	exp_nd(&e, NDISC_ROUTER_SOLICITATION, 0);
	check(&ETH_IN, &f, &e, "nd: RS not parsed");
	fb_free(&f);

	/* The same link-layer option twice invalidates all ND fields. */
	fb_nd(&f, NDISC_NEIGHBOUR_SOLICITATION, 0);
	fb_ndopt(&f, ND_OPT_TARGET_LL_ADDR, 1, MAC_Y);
	fb_ndopt(&f, ND_OPT_SOURCE_LL_ADDR, 1, MAC_X);
	fb_ndopt(&f, ND_OPT_SOURCE_LL_ADDR, 1, MAC_Y);
	exp_nd(&e, NDISC_NEIGHBOUR_SOLICITATION, 0);
	check(&ETH_IN, &f, &e, "nd: duplicate SLL");
	fb_free(&f);

	/* ... unless the first one was all zeroes. */
	fb_nd(&f, NDISC_NEIGHBOUR_SOLICITATION, 0);
	fb_ndopt(&f, ND_OPT_SOURCE_LL_ADDR, 1, NULL);
	fb_ndopt(&f, ND_OPT_SOURCE_LL_ADDR, 1, MAC_X);
	exp_nd(&e, NDISC_NEIGHBOUR_SOLICITATION, 0);
	memcpy(&e.key.ipv6.nd.target, IP6_T, 16);
	memcpy(e.key.ipv6.nd.sll, MAC_X, ETH_ALEN);
	check(&ETH_IN, &f, &e, "nd: zero SLL then SLL");
	fb_free(&f);

	/* A zero-length option stops the walk, keeping what was found. */
	fb_nd(&f, NDISC_NEIGHBOUR_SOLICITATION, 0);
	fb_ndopt(&f, ND_OPT_SOURCE_LL_ADDR, 1, MAC_X);
	fb_ndopt(&f, 7, 0, NULL);
	fb_zero(&f, 6);
	fb_ndopt(&f, ND_OPT_TARGET_LL_ADDR, 1, MAC_Y);
	exp_nd(&e, NDISC_NEIGHBOUR_SOLICITATION, 0);
	memcpy(&e.key.ipv6.nd.target, IP6_T, 16);
	memcpy(e.key.ipv6.nd.sll, MAC_X, ETH_ALEN);
	check(&ETH_IN, &f, &e, "nd: zero-length option");
	fb_free(&f);

	/* An option longer than what is left stops it too. */
	fb_nd(&f, NDISC_NEIGHBOUR_SOLICITATION, 0);
	fb_ndopt(&f, ND_OPT_TARGET_LL_ADDR, 1, MAC_Y);
	fb_ndopt(&f, ND_OPT_SOURCE_LL_ADDR, 2, NULL);
	f.len -= 1;
	exp_nd(&e, NDISC_NEIGHBOUR_SOLICITATION, 0);
	memcpy(&e.key.ipv6.nd.target, IP6_T, 16);
	memcpy(e.key.ipv6.nd.tll, MAC_Y, ETH_ALEN);
	check(&ETH_IN, &f, &e, "nd: overlong option");
	fb_free(&f);

	/* A link-layer option of the wrong size is skipped. */
	fb_nd(&f, NDISC_NEIGHBOUR_SOLICITATION, 0);
	fb_ndopt(&f, ND_OPT_SOURCE_LL_ADDR, 2, NULL);
	exp_nd(&e, NDISC_NEIGHBOUR_SOLICITATION, 0);
	memcpy(&e.key.ipv6.nd.target, IP6_T, 16);
	check(&ETH_IN, &f, &e, "nd: 16-byte SLL option skipped");
	fb_free(&f);

	/* Thousands of options: walked to the end. */
	fb_nd(&f, NDISC_NEIGHBOUR_ADVERTISEMENT, 0);
	for (i = 0; i < 1100; i++)
		fb_ndopt(&f, 200, 1, NULL);
	fb_ndopt(&f, ND_OPT_TARGET_LL_ADDR, 1, MAC_Y);
	exp_nd(&e, NDISC_NEIGHBOUR_ADVERTISEMENT, 0);
	memcpy(&e.key.ipv6.nd.target, IP6_T, 16);
	memcpy(e.key.ipv6.nd.tll, MAC_Y, ETH_ALEN);
	check(&ETH_IN, &f, &e, "nd: jumbo NA, TLL last");
	fb_free(&f);
}

/* ---- L3 packets (no Ethernet header) --------------------------------------- */

static void test_l3(void)
{
	struct input in = { .mac_proto = OVS_MAC_PROTO_NONE };
	struct expect e;
	struct fb f = {};

	in.l3_proto = htons(ETH_P_IP);
	fb_ipv4(&f, 5, 0x10, 0, 63, IPPROTO_TCP);
	fb_tcp(&f, 1, 2, 5, 0x001);
	exp_l3(&e, ETH_P_IP);
	exp_ipv4(&e, IPPROTO_TCP, 0x10, 63, OVS_FRAG_TYPE_NONE, 20);
	exp_tp(&e, 1, 2, 0x001);
	check(&in, &f, &e, "l3: ipv4 tcp");
	f.len = 0;
	exp_l3(&e, ETH_P_IP);
	check(&in, &f, &e, "l3: empty ipv4");
	fb_free(&f);

	/* A hardware VLAN tag does not apply to L3 packets. */
	in.l3_proto = htons(ETH_P_IPV6);
	in.hw_tpid = htons(ETH_P_8021Q);
	in.hw_tci = htons(VLAN_CFI_MASK | 5);
	fb_ipv6(&f, 0, 0, IPPROTO_UDP, 9);
	fb_udp(&f, 3, 4);
	exp_l3(&e, ETH_P_IPV6);
	exp_ipv6(&e, IPPROTO_UDP, 0, 9, OVS_FRAG_TYPE_NONE, 0, 40);
	exp_tp(&e, 3, 4, 0);
	check(&in, &f, &e, "l3: ipv6 udp, hw tag ignored");
	fb_free(&f);

	in.hw_tci = 0;
	in.l3_proto = htons(ETH_P_MPLS_UC);
	fb_be32(&f, 1 << 8 | 33);
	exp_l3(&e, ETH_P_MPLS_UC);
	e.key.mpls.lse[0] = htonl(1 << 8 | 33);
	check(&in, &f, &e, "l3: mpls");
	fb_free(&f);

	in.l3_proto = htons(ETH_P_8021Q);
	fb_zero(&f, 40);
	exp_init(&e, OVS_MAC_PROTO_NONE);
	e.ret = -EINVAL;
	check(&in, &f, &e, "l3: vlan protocol rejected");
	in.l3_proto = htons(ETH_P_8021AD);
	check(&in, &f, &e, "l3: 802.1ad protocol rejected");
	in.mac_proto = 7;
	in.l3_proto = htons(ETH_P_IP);
	e.key.mac_proto = 7;
	check(&in, &f, &e, "bad mac_proto rejected");
	fb_free(&f);
}

/* ---- Truncation at every byte ------------------------------------------------ */

/*
 * Cut @f at every length and compare with @expect_at(len), which states
 * what the key must say about the first len bytes of the frame.
 */
static void sweep(const char *name, const struct input *in,
		  const struct fb *f,
		  void (*expect_at)(unsigned int len, struct expect *e))
{
	struct expect e;
	unsigned int len;
	char what[96];
	bool ok = true;

	for (len = 0; len <= f->len && ok; len++) {
		expect_at(len, &e);
		snprintf(what, sizeof(what), "%s cut at %u", name, len);
		ok = check_all_ways(in, f->b, len, &e, what);
	}
	result(ok, "%s: truncation sweep", name);
}

static void fb_sweep_v4tcp(struct fb *f)
{
	fb_macs(f);
	fb_be16(f, ETH_P_8021Q);
	fb_be16(f, 0x0fff);
	fb_be16(f, ETH_P_IP);
	fb_ipv4(f, 6, 4, 0, 8, IPPROTO_TCP);
	fb_tcp(f, 1000, 2000, 6, 0x011);
	fb_zero(f, 5);
}

static void at_v4tcp(unsigned int len, struct expect *e)
{
	if (len < 14) {
		exp_init(e, OVS_MAC_PROTO_ETHERNET);
		e->ret = -EINVAL;
		return;
	}
	if (len < 18) {
		exp_eth(e, ETH_P_8021Q, 14);
		return;
	}
	exp_eth(e, ETH_P_IP, 18);
	exp_vlan(&e->key.eth.vlan, ETH_P_8021Q, 0x1fff);
	if (len < 18 + 24)
		return;
	exp_ipv4(e, IPPROTO_TCP, 4, 8, OVS_FRAG_TYPE_NONE, 42);
	if (len < 42 + 24)
		return;
	exp_tp(e, 1000, 2000, 0x011);
}

static void fb_sweep_v6frag(struct fb *f)
{
	fb_eth(f, ETH_P_IPV6);
	fb_ipv6(f, 0, 0xfffff, NEXTHDR_HOP, 2);
	fb_ext(f, NEXTHDR_FRAGMENT, 0);
	fb_frag6(f, IPPROTO_UDP, 0, true);
	fb_udp(f, 33434, 53);
}

static void at_v6frag(unsigned int len, struct expect *e)
{
	if (len < 14) {
		exp_init(e, OVS_MAC_PROTO_ETHERNET);
		e->ret = -EINVAL;
		return;
	}
	exp_eth(e, ETH_P_IPV6, 14);
	if (len < 54)
		return;
	/* hop 54..62, fragment 62..70, udp 70..78 */
	if (len < 64)
		exp_ipv6(e, NEXTHDR_NONE, 0, 2, OVS_FRAG_TYPE_NONE, 0xfffff,
			 NONE);
	else if (len < 70)
		exp_ipv6(e, NEXTHDR_NONE, 0, 2, OVS_FRAG_TYPE_FIRST, 0xfffff,
			 NONE);
	else
		exp_ipv6(e, IPPROTO_UDP, 0, 2, OVS_FRAG_TYPE_FIRST, 0xfffff,
			 70);
	if (len >= 78)
		exp_tp(e, 33434, 53, 0);
}

static void fb_sweep_nd(struct fb *f)
{
	fb_nd(f, NDISC_NEIGHBOUR_SOLICITATION, 0);
	fb_ndopt(f, ND_OPT_SOURCE_LL_ADDR, 1, MAC_X);
	fb_ndopt(f, ND_OPT_TARGET_LL_ADDR, 1, MAC_Y);
}

static void at_nd(unsigned int len, struct expect *e)
{
	if (len < 14) {
		exp_init(e, OVS_MAC_PROTO_ETHERNET);
		e->ret = -EINVAL;
		return;
	}
	exp_eth(e, ETH_P_IPV6, 14);
	if (len < 54)
		return;
	exp_ipv6(e, IPPROTO_ICMPV6, 0, 255, OVS_FRAG_TYPE_NONE, 0, 54);
	if (len < 62)
		return;
	exp_tp(e, NDISC_NEIGHBOUR_SOLICITATION, 0, 0);
	if (len < 78)
		return;
	memcpy(&e->key.ipv6.nd.target, IP6_T, 16);
	if (len >= 86)
		memcpy(e->key.ipv6.nd.sll, MAC_X, ETH_ALEN);
	if (len >= 94)
		memcpy(e->key.ipv6.nd.tll, MAC_Y, ETH_ALEN);
}

static void fb_sweep_arp(struct fb *f)
{
	fb_eth(f, ETH_P_ARP);
	fb_arp(f, ARPHRD_ETHER, ETH_P_IP, 6, 4, ARPOP_REQUEST);
}

static void at_arp(unsigned int len, struct expect *e)
{
	if (len < 14) {
		exp_init(e, OVS_MAC_PROTO_ETHERNET);
		e->ret = -EINVAL;
	} else if (len < 42) {
		exp_eth(e, ETH_P_ARP, 14);
	} else {
		exp_arp(e, ETH_P_ARP, ARPOP_REQUEST);
	}
}

static void fb_sweep_mpls(struct fb *f)
{
	fb_eth(f, ETH_P_MPLS_UC);
	fb_be32(f, 0xaaaaa000 | 0x0e0);
	fb_be32(f, 0x55555000 | 0x1ff);
	fb_ipv4(f, 5, 0, 0, 1, IPPROTO_UDP);
}

static void at_mpls(unsigned int len, struct expect *e)
{
	if (len < 14) {
		exp_init(e, OVS_MAC_PROTO_ETHERNET);
		e->ret = -EINVAL;
		return;
	}
	exp_eth(e, ETH_P_MPLS_UC, 14);
	if (len >= 18)
		e->key.mpls.lse[0] = htonl(0xaaaaa0e0);
	if (len >= 22)
		e->key.mpls.lse[1] = htonl(0x555551ff);
}

static void fb_sweep_snap(struct fb *f)
{
	fb_eth(f, 50);
	fb_put(f, "\xaa\xaa\x03\x00\x00\x00", 6);
	fb_be16(f, ETH_P_IP);
	fb_ipv4(f, 5, 0, 0, 64, IPPROTO_UDP);
	fb_udp(f, 1111, 2222);
}

static void at_snap(unsigned int len, struct expect *e)
{
	if (len < 14) {
		exp_init(e, OVS_MAC_PROTO_ETHERNET);
		e->ret = -EINVAL;
		return;
	}
	if (len < 22) {
		exp_eth(e, ETH_P_802_2, 14);
		return;
	}
	exp_eth(e, ETH_P_IP, 22);
	if (len < 42)
		return;
	exp_ipv4(e, IPPROTO_UDP, 0, 64, OVS_FRAG_TYPE_NONE, 42);
	if (len >= 50)
		exp_tp(e, 1111, 2222, 0);
}

static void fb_sweep_qinq(struct fb *f)
{
	fb_macs(f);
	fb_be16(f, ETH_P_8021AD);
	fb_be16(f, 0xe001);
	fb_be16(f, ETH_P_8021Q);
	fb_be16(f, 0x0002);
	fb_be16(f, ETH_P_IP);
	fb_ipv4(f, 5, 0, IP_MF, 64, IPPROTO_ICMP);
	fb_icmp(f, ICMP_ECHO, 0);
}

static void at_qinq(unsigned int len, struct expect *e)
{
	if (len < 14) {
		exp_init(e, OVS_MAC_PROTO_ETHERNET);
		e->ret = -EINVAL;
		return;
	}
	if (len < 18) {
		exp_eth(e, ETH_P_8021AD, 14);
		return;
	}
	if (len < 22) {
		exp_eth(e, ETH_P_8021Q, 18);
		exp_vlan(&e->key.eth.vlan, ETH_P_8021AD, 0xf001);
		return;
	}
	exp_eth(e, ETH_P_IP, 22);
	exp_vlan(&e->key.eth.vlan, ETH_P_8021AD, 0xf001);
	exp_vlan(&e->key.eth.cvlan, ETH_P_8021Q, 0x1002);
	if (len < 42)
		return;
	exp_ipv4(e, IPPROTO_ICMP, 0, 64, OVS_FRAG_TYPE_FIRST, 42);
	if (len >= 50)
		exp_tp(e, ICMP_ECHO, 0, 0);
}

static void fb_sweep_l3v6(struct fb *f)
{
	fb_ipv6(f, 0x30, 7, NEXTHDR_AUTH, 3);
	fb_ah(f, IPPROTO_TCP, 1);
	fb_tcp(f, 5, 6, 5, 0x004);
}

static void at_l3v6(unsigned int len, struct expect *e)
{
	exp_l3(e, ETH_P_IPV6);
	if (len < 40)
		return;
	if (len < 52) {
		exp_ipv6(e, NEXTHDR_NONE, 0x30, 3, OVS_FRAG_TYPE_NONE, 7, NONE);
		return;
	}
	exp_ipv6(e, IPPROTO_TCP, 0x30, 3, OVS_FRAG_TYPE_NONE, 7, 52);
	if (len >= 72)
		exp_tp(e, 5, 6, 0x004);
}

static void test_truncation(void)
{
	static const struct {
		const char *name;
		void (*build)(struct fb *f);
		void (*expect_at)(unsigned int len, struct expect *e);
		bool l3;
	} sweeps[] = {
		{ "vlan ipv4 tcp", fb_sweep_v4tcp, at_v4tcp, false },
		{ "ipv6 hop frag udp", fb_sweep_v6frag, at_v6frag, false },
		{ "ipv6 nd", fb_sweep_nd, at_nd, false },
		{ "arp", fb_sweep_arp, at_arp, false },
		{ "mpls", fb_sweep_mpls, at_mpls, false },
		{ "snap ipv4 udp", fb_sweep_snap, at_snap, false },
		{ "qinq ipv4 icmp", fb_sweep_qinq, at_qinq, false },
		{ "l3 ipv6 ah tcp", fb_sweep_l3v6, at_l3v6, true },
	};
	struct input l3 = {
		.mac_proto = OVS_MAC_PROTO_NONE,
		.l3_proto = htons(ETH_P_IPV6),
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(sweeps); i++) {
		struct fb f = {};

		sweeps[i].build(&f);
		sweep(sweeps[i].name, sweeps[i].l3 ? &l3 : &ETH_IN, &f,
		      sweeps[i].expect_at);
		fb_free(&f);
	}
}

/* ---- Environment failures ---------------------------------------------------- */

/*
 * A pull the environment cannot satisfy (the kernel's pskb_may_pull()
 * running out of memory) is an error, not a short frame.  Starting with
 * nothing linear, every header needs a slow pull: let each one in turn
 * be the one that fails.
 */
static void nomem_frame(const char *name, const struct input *in,
			void (*build)(struct fb *f))
{
	struct ovs_shim_pkt sp;
	struct ovs_pkt pkt;
	struct ovs_key key;
	struct fb f = {};
	unsigned int pulls, k;
	bool ok = true;
	int ret;

	build(&f);
	for (k = 0; ok; k++) {
		memset(&pkt, 0, sizeof(pkt));
		pkt.mac_proto = in->mac_proto;
		pkt.l3_proto = in->l3_proto;
		ovs_shim_pkt_init(&pkt, &sp, f.b, f.len, 0,
				  in->mac_proto ? 2 : 0);
		sp.fail_after = k;
		ret = ovs_key_extract(&pkt, &key);
		pulls = sp.pulls;
		ovs_shim_pkt_release(&pkt);
		if (ret == 0 && pulls == k && k > 0)
			break;
		ok = ret == -ENOMEM && pulls == k;
		if (!ok)
			printf("  %s: failing pull %u: returned %d after %u pulls\n",
			       name, k + 1, ret, pulls);
	}
	result(ok, "%s: out of memory at each of %u pulls", name, k);
	fb_free(&f);
}

static void test_nomem(void)
{
	struct input l3 = {
		.mac_proto = OVS_MAC_PROTO_NONE,
		.l3_proto = htons(ETH_P_IPV6),
	};

	nomem_frame("vlan ipv4 tcp", &ETH_IN, fb_sweep_v4tcp);
	nomem_frame("qinq ipv4 icmp", &ETH_IN, fb_sweep_qinq);
	nomem_frame("snap ipv4 udp", &ETH_IN, fb_sweep_snap);
	nomem_frame("ipv6 hop frag udp", &ETH_IN, fb_sweep_v6frag);
	nomem_frame("ipv6 nd", &ETH_IN, fb_sweep_nd);
	nomem_frame("arp", &ETH_IN, fb_sweep_arp);
	nomem_frame("mpls", &ETH_IN, fb_sweep_mpls);
	nomem_frame("l3 ipv6 ah tcp", &l3, fb_sweep_l3v6);
}

int main(void)
{
	test_eth_basic();
	test_llc();
	test_vlan();
	test_ipv4();
	test_arp();
	test_mpls();
	test_ipv6();
	test_icmpv6();
	test_l3();
	test_truncation();
	test_nomem();

	printf("%d passed, %d failed\n", passed, failed);
	return failed ? 1 : 0;
}
