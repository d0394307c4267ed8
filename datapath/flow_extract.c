// SPDX-License-Identifier: GPL-2.0
/*
 * Flow key extraction: parse a frame's headers into struct ovs_key.
 *
 * The key must come out exactly as the upstream kernel datapath would
 * build it, since ovs-vswitchd reasons about the keys it receives in
 * upcalls and installs megaflows against them.  Where a header is cut
 * short or malformed, the key describes what the frame is as far as it
 * goes (e.g. "IPv4, nothing more"), with everything beyond zeroed.
 *
 * Every access to frame bytes goes through ovs_pkt_pull(), which may move
 * the frame: a header pointer is only used until the next pull.
 */
#include "portable_env.h"
#include "flow_extract.h"

/* ARP for Ethernet hardware and IPv4 protocol addresses: the only kind
 * the key has room for.
 */
struct ovs_arp_eth {
	struct arphdr hdr;
	u8 sha[ETH_ALEN];
	u8 spa[4];
	u8 tha[ETH_ALEN];
	u8 tpa[4];
};

/* 802.2 LLC header with SNAP extension. */
struct ovs_llc_snap {
	u8 dsap;
	u8 ssap;
	u8 ctrl;
	u8 oui[3];
	__be16 type;
};

/* The TCP flags the key keeps: the 12 bits below the data offset. */
#define OVS_TCP_FLAGS_MASK	0x0fff

/*
 * A pull of [.., end) failed.  If the frame is that short the header is
 * simply missing, which the key describes (return 0); otherwise the
 * environment could not make the bytes readable.
 */
static int ovs_pull_failed(const struct ovs_pkt *pkt, unsigned int end)
{
	return end > pkt->len ? 0 : -ENOMEM;
}

/*
 * Parse one 802.1Q/802.1ad tag whose TPID *type was read at *ofs.  A tag
 * counts only if the type field after it is present too; otherwise the
 * frame's ethertype is the TPID itself.  Returns 1 if a tag was parsed
 * (advancing *ofs and *type), 0 if not, or -ENOMEM.
 */
static int ovs_parse_vlan_tag(struct ovs_pkt *pkt, unsigned int *ofs,
			      __be16 *type, struct ovs_key_vlan *tag)
{
	unsigned int tci_ofs = *ofs + sizeof(__be16);
	const struct vlan_hdr *vh;

	if (likely(!eth_type_vlan(*type)))
		return 0;
	if (unlikely(tci_ofs + sizeof(*vh) > pkt->len))
		return 0;
	vh = ovs_pkt_pull(pkt, tci_ofs, sizeof(*vh));
	if (unlikely(!vh))
		return -ENOMEM;

	tag->tpid = *type;
	tag->tci = vh->h_vlan_TCI | htons(VLAN_CFI_MASK);
	*type = vh->h_vlan_encapsulated_proto;
	*ofs += VLAN_HLEN;
	return 1;
}

/*
 * Parse the Ethernet header, up to two VLAN tags (an out-of-line tag
 * counting as the outer one) and the ethertype, including 802.2 LLC with
 * or without SNAP.  Returns the offset of the L3 header, or a negative
 * errno: a frame too short for an Ethernet header is no Ethernet frame.
 */
static int ovs_parse_l2(struct ovs_pkt *pkt, struct ovs_key *key)
{
	const struct ovs_llc_snap *llc;
	const struct ethhdr *eth;
	unsigned int ofs = 2 * ETH_ALEN;	/* the type field */
	__be16 type;
	int err;

	eth = ovs_pkt_pull(pkt, 0, ETH_HLEN);
	if (unlikely(!eth))
		return pkt->len < ETH_HLEN ? -EINVAL : -ENOMEM;
	ether_addr_copy(key->eth.src, eth->h_source);
	ether_addr_copy(key->eth.dst, eth->h_dest);
	type = eth->h_proto;

	/* An inner tag is looked for only after an outer one. */
	if (pkt->hw_vlan_tci & htons(VLAN_CFI_MASK)) {
		key->eth.vlan.tpid = pkt->hw_vlan_tpid;
		key->eth.vlan.tci = pkt->hw_vlan_tci;
		err = ovs_parse_vlan_tag(pkt, &ofs, &type, &key->eth.cvlan);
	} else {
		err = ovs_parse_vlan_tag(pkt, &ofs, &type, &key->eth.vlan);
		if (err > 0)
			err = ovs_parse_vlan_tag(pkt, &ofs, &type,
						 &key->eth.cvlan);
	}
	if (unlikely(err < 0))
		return err;
	ofs += sizeof(__be16);

	if (likely(eth_proto_is_802_3(type)))
		goto done;

	/* A length field: an 802.2 frame, whose SNAP header if any may
	 * carry an ethertype after an all-zero OUI.
	 */
	type = htons(ETH_P_802_2);
	if (pkt->len < ofs + sizeof(*llc))
		goto done;
	llc = ovs_pkt_pull(pkt, ofs, sizeof(*llc));
	if (unlikely(!llc))
		return -ENOMEM;
	if (llc->dsap != LLC_SAP_SNAP || llc->ssap != LLC_SAP_SNAP ||
	    (llc->oui[0] | llc->oui[1] | llc->oui[2]))
		goto done;
	ofs += sizeof(*llc);
	if (eth_proto_is_802_3(llc->type))
		type = llc->type;
done:
	key->eth.type = type;
	return ofs;
}

/* TCP, UDP or SCTP ports (and TCP flags) from the L4 header at @th. */
static int ovs_parse_ports(struct ovs_pkt *pkt, struct ovs_key *key,
			   unsigned int th)
{
	const struct tcphdr *tcp;
	const struct udphdr *udp;
	const struct sctphdr *sctp;
	const u8 *flags;
	unsigned int doff;

	switch (key->ip.proto) {
	case IPPROTO_TCP:
		tcp = ovs_pkt_pull(pkt, th, sizeof(*tcp));
		if (unlikely(!tcp))
			return ovs_pull_failed(pkt, th + sizeof(*tcp));
		/* A data offset that is too small or runs off the frame
		 * makes the whole header untrustworthy.
		 */
		doff = tcp->doff * 4;
		if (unlikely(doff < sizeof(*tcp) || th + doff > pkt->len))
			return 0;
		flags = (const u8 *)tcp + 12;
		key->tp.src = tcp->source;
		key->tp.dst = tcp->dest;
		key->tp.flags = htons(((flags[0] << 8) | flags[1]) &
				      OVS_TCP_FLAGS_MASK);
		return 0;
	case IPPROTO_UDP:
		udp = ovs_pkt_pull(pkt, th, sizeof(*udp));
		if (unlikely(!udp))
			return ovs_pull_failed(pkt, th + sizeof(*udp));
		key->tp.src = udp->source;
		key->tp.dst = udp->dest;
		return 0;
	case IPPROTO_SCTP:
		sctp = ovs_pkt_pull(pkt, th, sizeof(*sctp));
		if (unlikely(!sctp))
			return ovs_pull_failed(pkt, th + sizeof(*sctp));
		key->tp.src = sctp->source;
		key->tp.dst = sctp->dest;
		return 0;
	}
	return 0;
}

static int ovs_parse_icmp(struct ovs_pkt *pkt, struct ovs_key *key,
			  unsigned int th)
{
	const struct icmphdr *icmp;

	icmp = ovs_pkt_pull(pkt, th, sizeof(*icmp));
	if (unlikely(!icmp))
		return ovs_pull_failed(pkt, th + sizeof(*icmp));
	/* Type and code live in the 16-bit port fields, network order. */
	key->tp.src = htons(icmp->type);
	key->tp.dst = htons(icmp->code);
	return 0;
}

static int ovs_parse_ipv4(struct ovs_pkt *pkt, struct ovs_key *key,
			  unsigned int nh)
{
	const struct iphdr *iph;
	unsigned int ihl;

	iph = ovs_pkt_pull(pkt, nh, sizeof(*iph));
	if (unlikely(!iph))
		return ovs_pull_failed(pkt, nh + sizeof(*iph));
	/* With a bad header length nothing in the header can be trusted:
	 * the key says "IPv4" and no more.  The options need not be
	 * readable, only present.
	 */
	ihl = iph->ihl * 4;
	if (unlikely(ihl < sizeof(*iph) || nh + ihl > pkt->len))
		return 0;

	key->ip.proto = iph->protocol;
	key->ip.tos = iph->tos;
	key->ip.ttl = iph->ttl;
	key->ipv4.addr.src = iph->saddr;
	key->ipv4.addr.dst = iph->daddr;
	pkt->l4_ofs = nh + ihl;

	if (unlikely(iph->frag_off & htons(IP_MF | IP_OFFSET))) {
		if (iph->frag_off & htons(IP_OFFSET)) {
			/* No L4 header in a later fragment. */
			key->ip.frag = OVS_FRAG_TYPE_LATER;
			return 0;
		}
		key->ip.frag = OVS_FRAG_TYPE_FIRST;
	}

	if (key->ip.proto == IPPROTO_ICMP)
		return ovs_parse_icmp(pkt, key, nh + ihl);
	return ovs_parse_ports(pkt, key, nh + ihl);
}

static int ovs_parse_arp(struct ovs_pkt *pkt, struct ovs_key *key,
			 unsigned int nh)
{
	const struct ovs_arp_eth *arp;
	u16 op;

	arp = ovs_pkt_pull(pkt, nh, sizeof(*arp));
	if (unlikely(!arp))
		return ovs_pull_failed(pkt, nh + sizeof(*arp));
	if (arp->hdr.ar_hrd != htons(ARPHRD_ETHER) ||
	    arp->hdr.ar_pro != htons(ETH_P_IP) ||
	    arp->hdr.ar_hln != ETH_ALEN || arp->hdr.ar_pln != 4)
		return 0;

	/* The key has 8 bits for the opcode; larger ones read as 0. */
	op = ntohs(arp->hdr.ar_op);
	key->ip.proto = op <= 0xff ? op : 0;
	memcpy(&key->ipv4.addr.src, arp->spa, sizeof(key->ipv4.addr.src));
	memcpy(&key->ipv4.addr.dst, arp->tpa, sizeof(key->ipv4.addr.dst));
	ether_addr_copy(key->ipv4.arp.sha, arp->sha);
	ether_addr_copy(key->ipv4.arp.tha, arp->tha);
	return 0;
}

/*
 * Keep label stack entries up to and including the bottom of stack, at
 * most OVS_KEY_MPLS_LABELS_MAX of them; the stack is walked to its end
 * regardless, as a truncated stack leaves the entries seen so far.
 */
static int ovs_parse_mpls(struct ovs_pkt *pkt, struct ovs_key *key,
			  unsigned int nh)
{
	unsigned int i, ofs;
	const void *p;
	__be32 lse;

	for (i = 0, ofs = nh; ; i++, ofs += MPLS_HLEN) {
		p = ovs_pkt_pull(pkt, ofs, MPLS_HLEN);
		if (unlikely(!p))
			return ovs_pull_failed(pkt, ofs + MPLS_HLEN);
		memcpy(&lse, p, MPLS_HLEN);
		if (i < OVS_KEY_MPLS_LABELS_MAX)
			key->mpls.lse[i] = lse;
		if (lse & htonl(MPLS_LS_S_MASK))
			return 0;
	}
}

static bool ovs_ipv6_is_ext(u8 nexthdr)
{
	switch (nexthdr) {
	case NEXTHDR_HOP:
	case NEXTHDR_ROUTING:
	case NEXTHDR_FRAGMENT:
	case NEXTHDR_AUTH:
	case NEXTHDR_DEST:
		return true;
	}
	return false;
}

/*
 * Walk the IPv6 extension headers starting with @nexthdr at @ofs to the
 * upper-layer header, as upstream's ipv6_find_hdr() does.  Sets ip.frag
 * as fragment headers are seen.  Returns the upper-layer protocol with
 * *ofs at its header, NEXTHDR_FRAGMENT for a later fragment (nothing
 * beyond it is parsed), -EPROTO if the chain is cut short or malformed,
 * or -ENOMEM.
 */
static int ovs_ipv6_walk(struct ovs_pkt *pkt, struct ovs_key *key,
			 unsigned int *ofs, u8 nexthdr)
{
	const struct ipv6_opt_hdr *eh;
	const struct frag_hdr *fh;
	unsigned int start = *ofs;
	const void *p;
	unsigned int hlen, need;

	while (ovs_ipv6_is_ext(nexthdr)) {
		/* Routing and fragment headers are read past the first two
		 * bytes: the segments left and fragment offset fields.
		 */
		need = nexthdr == NEXTHDR_ROUTING ||
		       nexthdr == NEXTHDR_FRAGMENT ? 4 : 2;
		p = ovs_pkt_pull(pkt, start, need);
		if (unlikely(!p)) {
			if (start + need <= pkt->len)
				return -ENOMEM;
			/* A fragment header whose offset is cut off still
			 * says the packet is a fragment.
			 */
			if (nexthdr == NEXTHDR_FRAGMENT &&
			    start + sizeof(*eh) <= pkt->len)
				key->ip.frag = OVS_FRAG_TYPE_FIRST;
			return -EPROTO;
		}

		eh = p;
		if (nexthdr == NEXTHDR_FRAGMENT) {
			fh = p;
			key->ip.frag = OVS_FRAG_TYPE_FIRST;
			if (fh->frag_off & htons(IP6_OFFSET)) {
				/* A later fragment: upstream calls it that
				 * only if the next header is not another
				 * extension header; otherwise its walk fails
				 * and the packet stays a "first" fragment.
				 */
				if (ovs_ipv6_is_ext(fh->nexthdr))
					return -EPROTO;
				key->ip.frag = OVS_FRAG_TYPE_LATER;
				return NEXTHDR_FRAGMENT;
			}
			hlen = sizeof(*fh);
		} else if (nexthdr == NEXTHDR_AUTH) {
			hlen = ipv6_authlen(eh);
		} else {
			hlen = ipv6_optlen(eh);
		}
		if (unlikely(pkt->len - start < hlen))
			return -EPROTO;

		nexthdr = eh->nexthdr;
		start += hlen;
	}

	/* L4 offsets must fit the cursor's 16-bit fields; only a frame of
	 * more than 64 KiB of extension headers could overflow them.
	 */
	if (unlikely(start >= OVS_PKT_OFS_NONE))
		return -EPROTO;
	*ofs = start;
	return nexthdr;
}

/*
 * ICMPv6 type and code, and for neighbour solicitations and
 * advertisements the target address and link-layer address options.
 */
static int ovs_parse_icmpv6(struct ovs_pkt *pkt, struct ovs_key *key,
			    unsigned int th)
{
	const struct nd_opt_hdr *opt;
	const struct icmp6hdr *icmp;
	const struct nd_msg *nd;
	unsigned int ofs, left, olen;
	u8 *lladdr;

	icmp = ovs_pkt_pull(pkt, th, sizeof(*icmp));
	if (unlikely(!icmp))
		return ovs_pull_failed(pkt, th + sizeof(*icmp));
	key->tp.src = htons(icmp->icmp6_type);
	key->tp.dst = htons(icmp->icmp6_code);

	if (icmp->icmp6_code != 0 ||
	    (icmp->icmp6_type != NDISC_NEIGHBOUR_SOLICITATION &&
	     icmp->icmp6_type != NDISC_NEIGHBOUR_ADVERTISEMENT))
		return 0;
	if (pkt->len - th < sizeof(*nd))
		return 0;
	nd = ovs_pkt_pull(pkt, th, sizeof(*nd));
	if (unlikely(!nd))
		return -ENOMEM;
	key->ipv6.nd.target = nd->target;

	/* Options run to the end of the frame.  A zero-length or overlong
	 * option ends the walk keeping what was found; a link-layer
	 * address given twice makes the whole message invalid.
	 */
	ofs = th + sizeof(*nd);
	left = pkt->len - ofs;
	while (left >= 8) {
		opt = ovs_pkt_pull(pkt, ofs, 8);
		if (unlikely(!opt))
			return -ENOMEM;
		olen = opt->nd_opt_len * 8;
		if (unlikely(!olen || olen > left))
			return 0;
		lladdr = NULL;
		if (olen == 8 && opt->nd_opt_type == ND_OPT_SOURCE_LL_ADDR)
			lladdr = key->ipv6.nd.sll;
		else if (olen == 8 && opt->nd_opt_type == ND_OPT_TARGET_LL_ADDR)
			lladdr = key->ipv6.nd.tll;
		if (lladdr) {
			if (unlikely(!is_zero_ether_addr(lladdr)))
				goto invalid;
			ether_addr_copy(lladdr, (const u8 *)(opt + 1));
		}
		left -= olen;
		ofs += olen;
	}
	return 0;

invalid:
	memset(&key->ipv6.nd, 0, sizeof(key->ipv6.nd));
	return 0;
}

static int ovs_parse_ipv6(struct ovs_pkt *pkt, struct ovs_key *key,
			  unsigned int nh)
{
	const struct ipv6hdr *ip6;
	unsigned int th = nh + sizeof(*ip6);
	int proto;

	ip6 = ovs_pkt_pull(pkt, nh, sizeof(*ip6));
	if (unlikely(!ip6))
		return ovs_pull_failed(pkt, nh + sizeof(*ip6));

	key->ip.tos = ipv6_get_dsfield(ip6);
	key->ip.ttl = ip6->hop_limit;
	key->ipv6.label = *(const __be32 *)ip6 &
			  htonl(IPV6_FLOWINFO_FLOWLABEL);
	key->ipv6.addr.src = ip6->saddr;
	key->ipv6.addr.dst = ip6->daddr;

	proto = ovs_ipv6_walk(pkt, key, &th, ip6->nexthdr);
	if (unlikely(proto < 0)) {
		/* Addresses are known but the upper layer is not. */
		key->ip.proto = NEXTHDR_NONE;
		return proto == -EPROTO ? 0 : proto;
	}
	key->ip.proto = proto;
	if (key->ip.frag == OVS_FRAG_TYPE_LATER)
		return 0;
	pkt->l4_ofs = th;

	if (proto == NEXTHDR_ICMP)
		return ovs_parse_icmpv6(pkt, key, th);
	return ovs_parse_ports(pkt, key, th);
}

int ovs_key_extract(struct ovs_pkt *pkt, struct ovs_key *key)
{
	__be16 type;
	int nh;

	/* One memset for everything the packet's bytes determine, which is
	 * the tail of the key from eth onwards.
	 */
	memset((u8 *)key + offsetof(struct ovs_key, eth), 0,
	       sizeof(*key) - offsetof(struct ovs_key, eth));
	key->mac_proto = pkt->mac_proto;
	pkt->l2_len = OVS_PKT_OFS_NONE;
	pkt->l3_ofs = OVS_PKT_OFS_NONE;
	pkt->l4_ofs = OVS_PKT_OFS_NONE;

	if (likely(pkt->mac_proto == OVS_MAC_PROTO_ETHERNET)) {
		nh = ovs_parse_l2(pkt, key);
		if (unlikely(nh < 0))
			return nh;
	} else if (pkt->mac_proto == OVS_MAC_PROTO_NONE) {
		/* An L3 packet cannot be VLAN tagged: tags belong to L2. */
		if (unlikely(eth_type_vlan(pkt->l3_proto)))
			return -EINVAL;
		key->eth.type = pkt->l3_proto;
		nh = 0;
	} else {
		return -EINVAL;
	}
	pkt->l2_len = nh;
	pkt->l3_ofs = nh;

	type = key->eth.type;
	if (type == htons(ETH_P_IP))
		return ovs_parse_ipv4(pkt, key, nh);
	if (type == htons(ETH_P_IPV6))
		return ovs_parse_ipv6(pkt, key, nh);
	if (type == htons(ETH_P_ARP) || type == htons(ETH_P_RARP))
		return ovs_parse_arp(pkt, key, nh);
	if (eth_p_mpls(type))
		return ovs_parse_mpls(pkt, key, nh);
	return 0;
}
