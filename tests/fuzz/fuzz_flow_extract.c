// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target for ovs_key_extract().
 *
 * Input: one control byte, then (if it asks for a hardware VLAN tag) two
 * bytes of TCI, then the frame.  Control byte:
 *   bit 0      L3 packet (OVS_MAC_PROTO_NONE) instead of Ethernet
 *   bits 1-2   Ethernet: bit 1 = hardware tag present, bit 2 = 802.1ad
 *              L3: the protocol (IPv4, IPv6, ARP, MPLS)
 *   bits 3-5   initial linear length (0, 1, 13, 14, 18, 34, 54, 60)
 *
 * The frame is extracted three ways (fully linear, plain cursor with a
 * short linear area, moving cursor) which must agree exactly, and the
 * result is checked against invariants that hold for any input.
 */
#include <stdio.h>

#include "portable_env.h"
#include "flow_extract.h"
#include "shim_pkt.h"

#define META_FILL 0xa5

struct result {
	int ret;
	struct ovs_key key;
	u16 l2, l3, l4;
};

static void fail(const char *what, const struct result *r)
{
	fprintf(stderr, "invariant broken: %s (ret %d l2 %u l3 %u l4 %u)\n",
		what, r->ret, r->l2, r->l3, r->l4);
	abort();
}

static bool all_zero(const void *p, size_t n)
{
	const u8 *b = p;
	size_t i;

	for (i = 0; i < n; i++)
		if (b[i])
			return false;
	return true;
}

static void extract(const struct ovs_pkt *tmpl, const u8 *frame,
		    unsigned int len, int how, unsigned int linear,
		    struct result *r)
{
	unsigned int phase = tmpl->mac_proto == OVS_MAC_PROTO_NONE ? 0 : 2;
	struct ovs_shim_pkt sp;
	struct ovs_pkt pkt = *tmpl;
	u8 *block = NULL;

	if (how < 2) {
		block = malloc(phase + len);
		if (!block && phase + len)
			abort();
		if (len)
			memcpy(block + phase, frame, len);
		pkt.data = block + phase;
		pkt.len = len;
		pkt.linear = how == 0 ? len : min(linear, len);
	} else {
		ovs_shim_pkt_init(&pkt, &sp, frame, len, linear, phase);
	}
	memset(&r->key, META_FILL, sizeof(r->key));
	r->ret = ovs_key_extract(&pkt, &r->key);
	r->l2 = pkt.l2_len;
	r->l3 = pkt.l3_ofs;
	r->l4 = pkt.l4_ofs;
	if (how < 2)
		free(block);
	else
		ovs_shim_pkt_release(&pkt);
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

static bool is_ip(__be16 type)
{
	return type == htons(ETH_P_IP) || type == htons(ETH_P_IPV6);
}

static void check(const struct ovs_pkt *pkt, unsigned int len,
		  const struct result *r)
{
	const size_t eth = offsetof(struct ovs_key, eth);
	const struct ovs_key *k = &r->key;
	const u8 *kb = (const u8 *)k;
	__be16 type = k->eth.type;
	unsigned int i, n;

	for (i = 0; i < eth; i++)
		if (i != offsetof(struct ovs_key, mac_proto) &&
		    kb[i] != META_FILL)
			fail("metadata written", r);

	if (r->ret == -EINVAL) {
		if (pkt->mac_proto == OVS_MAC_PROTO_ETHERNET && len >= ETH_HLEN)
			fail("full Ethernet header rejected", r);
		return;
	}
	if (r->ret)
		fail("unexpected error", r);
	if (k->mac_proto != pkt->mac_proto)
		fail("mac_proto", r);

	if (r->l2 > len || r->l3 != r->l2)
		fail("l2/l3 offsets", r);
	if (pkt->mac_proto == OVS_MAC_PROTO_NONE) {
		if (r->l2 != 0 || type != pkt->l3_proto ||
		    !all_zero(&k->eth, offsetof(typeof(k->eth), type)))
			fail("L3 packet with L2 fields", r);
	} else if (r->l2 < ETH_HLEN || r->l2 > ETH_HLEN + 2 * VLAN_HLEN + 8) {
		fail("l2 length", r);
	}
	if (r->l4 != OVS_PKT_OFS_NONE &&
	    (r->l4 <= r->l3 || r->l4 > len || !is_ip(type)))
		fail("l4 offset", r);

	/* VLAN tags: present ones carry CFI; no inner tag without outer. */
	if (k->eth.vlan.tci && !(k->eth.vlan.tci & htons(VLAN_CFI_MASK)))
		fail("outer tag without CFI", r);
	if (k->eth.cvlan.tci && !(k->eth.cvlan.tci & htons(VLAN_CFI_MASK)))
		fail("inner tag without CFI", r);
	if (k->eth.cvlan.tci && !k->eth.vlan.tci)
		fail("inner tag without outer", r);
	if (!eth_proto_is_802_3(type) && type != htons(ETH_P_802_2) &&
	    pkt->mac_proto == OVS_MAC_PROTO_ETHERNET)
		fail("ethertype below 0x600", r);

	if (k->ip.frag > OVS_FRAG_TYPE_MAX)
		fail("frag type", r);
	if (k->tp.flags & ~htons(0x0fff))
		fail("tcp flags beyond 12 bits", r);
	if (k->tp.flags && k->ip.proto != IPPROTO_TCP)
		fail("tcp flags without tcp", r);
	if (k->ip.frag == OVS_FRAG_TYPE_LATER &&
	    (!all_zero(&k->tp, sizeof(k->tp))))
		fail("ports in a later fragment", r);

	if (eth_p_mpls(type)) {
		if (!all_zero(&k->ip, sizeof(k->ip)) ||
		    !all_zero(&k->tp, sizeof(k->tp)))
			fail("mpls with ip fields", r);
		n = mpls_labels(k);
		if (!all_zero(&k->mpls.lse[n],
			      sizeof(k->mpls) - n * sizeof(__be32)))
			fail("mpls entries past bottom of stack", r);
	} else if (type == htons(ETH_P_ARP) || type == htons(ETH_P_RARP)) {
		if (k->ip.tos || k->ip.ttl || k->ip.frag ||
		    !all_zero(&k->tp, sizeof(k->tp)))
			fail("arp with ip fields", r);
	} else if (type == htons(ETH_P_IP)) {
		if (!all_zero(&k->ipv4.arp, sizeof(k->ipv4.arp)))
			fail("ipv4 with arp fields", r);
	} else if (type == htons(ETH_P_IPV6)) {
		if (k->ipv6.label & ~htonl(IPV6_FLOWINFO_FLOWLABEL))
			fail("flow label beyond 20 bits", r);
		if ((k->ip.proto != IPPROTO_ICMPV6 ||
		     (k->tp.src != htons(NDISC_NEIGHBOUR_SOLICITATION) &&
		      k->tp.src != htons(NDISC_NEIGHBOUR_ADVERTISEMENT))) &&
		    !all_zero(&k->ipv6.nd, sizeof(k->ipv6.nd)))
			fail("nd fields outside NS/NA", r);
	} else {
		if (!all_zero(&k->ip, sizeof(*k) - offsetof(struct ovs_key, ip)))
			fail("l3 fields for an unparsed ethertype", r);
	}
}

static bool same(const struct result *a, const struct result *b)
{
	return a->ret == b->ret && a->l2 == b->l2 && a->l3 == b->l3 &&
	       a->l4 == b->l4 && !memcmp(&a->key, &b->key, sizeof(a->key));
}

static const u16 l3_protos[4] = {
	ETH_P_IP, ETH_P_IPV6, ETH_P_ARP, ETH_P_MPLS_UC,
};
static const unsigned int linears[8] = { 0, 1, 13, 14, 18, 34, 54, 60 };

int LLVMFuzzerTestOneInput(const u8 *data, size_t size)
{
	struct result full, plain, moving;
	struct ovs_pkt tmpl = {};
	unsigned int linear;
	u8 ctl;

	if (size < 1 || size > 0x20000)
		return 0;
	ctl = *data++;
	size--;

	if (ctl & 1) {
		tmpl.mac_proto = OVS_MAC_PROTO_NONE;
		tmpl.l3_proto = htons(l3_protos[(ctl >> 1) & 3]);
	} else {
		tmpl.mac_proto = OVS_MAC_PROTO_ETHERNET;
		if (ctl & 2) {
			if (size < 2)
				return 0;
			tmpl.hw_vlan_tpid = htons(ctl & 4 ? ETH_P_8021AD :
							    ETH_P_8021Q);
			memcpy(&tmpl.hw_vlan_tci, data, 2);
			tmpl.hw_vlan_tci |= htons(VLAN_CFI_MASK);
			data += 2;
			size -= 2;
		}
	}
	linear = linears[(ctl >> 3) & 7];

	extract(&tmpl, data, size, 0, 0, &full);
	check(&tmpl, size, &full);
	extract(&tmpl, data, size, 1, linear, &plain);
	extract(&tmpl, data, size, 2, linear, &moving);
	if (!same(&full, &plain))
		fail("short linear area changed the result", &plain);
	if (!same(&full, &moving))
		fail("moving cursor changed the result", &moving);
	return 0;
}
