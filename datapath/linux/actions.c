// SPDX-License-Identifier: GPL-2.0
/*
 * The action executor: applies a flow's validated action list to a packet.
 *
 * Conventions the whole file relies on:
 *  - skb->data is at the start of the frame (the MAC header, or the L3
 *    header of a packet without Ethernet header) on entry and between
 *    actions; skb->mac_len, the network header and, when the key says an
 *    L4 header is present, the transport header are set.
 *  - The key always describes the packet as it is now.  Actions whose
 *    effect on the key is simple update it in place; the others (tag and
 *    label stack changes) re-parse the packet, so that later actions,
 *    upcalls and recirculation never see a stale key.
 *  - skb->protocol follows the datapath's convention (as upstream's): the
 *    TPID of the first VLAN tag still in the frame if there is one, else
 *    the key's ethertype.  skb_vlan_pop() depends on it.
 *  - OVS_CB(skb)->cutlen of 0 means "no truncation".
 *
 * Stack depth is bounded: nested action lists (clone, sample, ...) run
 * immediately only up to OVS_EXEC_MAX_DEPTH levels; deeper ones, and every
 * recirculation, go to a small per-CPU queue that the outermost execution
 * drains once its own list is done.
 *
 * Runs in softirq context, or with BHs disabled, under rcu_read_lock().
 */
#include <linux/crc32.h>
#include <linux/if_arp.h>
#include <linux/if_vlan.h>
#include <linux/net.h>
#include <linux/netdevice.h>
#include <linux/percpu.h>
#include <linux/random.h>
#include <linux/skbuff.h>
#include <net/checksum.h>
#include <net/dsfield.h>
#include <net/ip.h>
#include <net/ipv6.h>
#include <net/mpls.h>

#include "dp_packet.h"
#include "flow_extract.h"

/* Nested executions (ovs_execute_actions() re-entered, nested action
 * lists) one CPU may have in progress; beyond it packets are dropped or
 * deferred.
 */
#define OVS_EXEC_MAX_DEPTH	5
/* Recirculations and too-deep nested lists one top-level execution may
 * queue in total.  Also what bounds a recirculation loop.
 */
#define OVS_DEFER_MAX		10

struct ovs_exec {
	struct ovs_dp *dp;
	/* The flow's whole list, sent along by userspace(actions). */
	const struct ovs_actions *acts;
};

struct ovs_deferred {
	struct sk_buff *skb;
	struct ovs_dp *dp;
	const struct ovs_actions *acts;
	const struct nlattr *list;	/* NULL: recirculate the packet */
	int len;
	struct ovs_key key;
};

struct ovs_exec_cpu {
	int depth;
	int head;			/* next free slot of queue */
	int tail;			/* next entry to run */
	/* Key copies for nested lists: one per depth they start from. */
	struct ovs_key keys[OVS_EXEC_MAX_DEPTH - 1];
	struct ovs_deferred queue[OVS_DEFER_MAX];
};

static struct ovs_exec_cpu __percpu *ovs_exec_pcpu;

static int ovs_do_actions(const struct ovs_exec *ex, struct sk_buff *skb,
			  struct ovs_key *key, const struct nlattr *attr,
			  int len);

/* (old & ~mask) | (val & mask), for any integer or bitwise type. */
#define OVS_APPLY_MASK(old, val, mask) (((old) & ~(mask)) | ((val) & (mask)))

/* After an address or port change the stored flow hash is wrong, and any
 * conntrack entry attached by the host stack no longer describes the
 * packet.
 */
static void ovs_forget_flow_state(struct sk_buff *skb)
{
	skb_clear_hash(skb);
	nf_reset_ct(skb);
}

/*
 * Whether the packet has an L4 header of @proto that may be rewritten:
 * the key says so and this is not a later fragment.
 */
static bool ovs_has_l4(const struct sk_buff *skb, const struct ovs_key *key,
		       u8 proto)
{
	return key->ip.proto == proto &&
	       (key->eth.type == htons(ETH_P_IP) ||
		key->eth.type == htons(ETH_P_IPV6)) &&
	       key->ip.frag != OVS_FRAG_TYPE_LATER &&
	       skb_transport_header_was_set(skb);
}

/*
 * Offset from skb->data of the L4 checksum that covers the IP pseudo
 * header, or -1 if there is none to update (no such protocol, later
 * fragment, L4 header cut short).
 */
static int ovs_l4_csum_offset(const struct sk_buff *skb,
			      const struct ovs_key *key)
{
	unsigned int hlen, ofs;
	int thoff;

	if (!ovs_has_l4(skb, key, key->ip.proto))
		return -1;

	switch (key->ip.proto) {
	case IPPROTO_TCP:
		hlen = sizeof(struct tcphdr);
		ofs = offsetof(struct tcphdr, check);
		break;
	case IPPROTO_UDP:
		hlen = sizeof(struct udphdr);
		ofs = offsetof(struct udphdr, check);
		break;
	case IPPROTO_ICMPV6:
		if (key->eth.type != htons(ETH_P_IPV6))
			return -1;
		hlen = sizeof(struct icmp6hdr);
		ofs = offsetof(struct icmp6hdr, icmp6_cksum);
		break;
	default:
		return -1;
	}

	thoff = skb_transport_offset(skb);
	if (thoff <= 0 || thoff + hlen > skb->len)
		return -1;
	return thoff + ofs;
}

/*
 * Fold an address change into the L4 checksum at @csum_ofs.  A UDP
 * checksum of zero means "none" and stays so, unless the checksum is yet
 * to be computed by the device.
 */
static void ovs_l4_csum_replace(struct sk_buff *skb, const struct ovs_key *key,
				int csum_ofs, const __be32 *from,
				const __be32 *to, bool ipv6)
{
	__sum16 *check = (__sum16 *)(skb->data + csum_ofs);
	bool udp = key->ip.proto == IPPROTO_UDP;

	if (udp && !*check && skb->ip_summed != CHECKSUM_PARTIAL)
		return;

	if (ipv6)
		inet_proto_csum_replace16(check, skb, from, to, true);
	else
		inet_proto_csum_replace4(check, skb, *from, *to, true);

	if (udp && !*check)
		*check = CSUM_MANGLED_0;
}

/* Ethernet addresses. */
static int ovs_set_eth(struct sk_buff *skb, struct ovs_key *key,
		       const struct ovs_key_ethernet *val,
		       const struct ovs_key_ethernet *mask)
{
	struct ethhdr *eth;
	int i, err;

	if (unlikely(key->mac_proto != OVS_MAC_PROTO_ETHERNET))
		return -EINVAL;

	err = skb_ensure_writable(skb, ETH_HLEN);
	if (unlikely(err))
		return err;

	eth = eth_hdr(skb);
	skb_postpull_rcsum(skb, eth, 2 * ETH_ALEN);
	for (i = 0; i < ETH_ALEN; i++) {
		eth->h_source[i] = OVS_APPLY_MASK(eth->h_source[i],
						  val->eth_src[i],
						  mask->eth_src[i]);
		eth->h_dest[i] = OVS_APPLY_MASK(eth->h_dest[i],
						val->eth_dst[i],
						mask->eth_dst[i]);
	}
	skb_postpush_rcsum(skb, eth, 2 * ETH_ALEN);

	ether_addr_copy(key->eth.src, eth->h_source);
	ether_addr_copy(key->eth.dst, eth->h_dest);
	return 0;
}

static void ovs_set_ipv4_addr(struct sk_buff *skb, const struct ovs_key *key,
			      struct iphdr *nh, __be32 *addr, __be32 new_addr,
			      int csum_ofs)
{
	if (csum_ofs >= 0)
		ovs_l4_csum_replace(skb, key, csum_ofs, addr, &new_addr,
				    false);
	csum_replace4(&nh->check, *addr, new_addr);
	*addr = new_addr;
	ovs_forget_flow_state(skb);
}

/*
 * IPv4 source, destination, TOS and TTL.  Protocol and fragment bits are
 * not writable (validation guarantees their masks are zero).  The header
 * checksum absorbs every change, so a CHECKSUM_COMPLETE sum is only
 * affected through the L4 checksum, which the kernel helper handles.
 */
static int ovs_set_ipv4(struct sk_buff *skb, struct ovs_key *key,
			const struct ovs_key_ipv4 *val,
			const struct ovs_key_ipv4 *mask)
{
	unsigned int end = skb_network_offset(skb) + sizeof(struct iphdr);
	int csum_ofs = -1;
	struct iphdr *nh;
	__be32 addr;
	int err;

	if (unlikely(key->eth.type != htons(ETH_P_IP)))
		return -EINVAL;

	if (mask->ipv4_src || mask->ipv4_dst) {
		csum_ofs = ovs_l4_csum_offset(skb, key);
		if (csum_ofs >= 0)
			end = max_t(unsigned int, end,
				    csum_ofs + sizeof(__sum16));
	}
	err = skb_ensure_writable(skb, end);
	if (unlikely(err))
		return err;
	nh = ip_hdr(skb);

	/* Userspace often rewrites an address to the value it already has
	 * (the set is a side effect of matching), so skip no-op writes.
	 */
	if (mask->ipv4_src) {
		addr = OVS_APPLY_MASK(nh->saddr, val->ipv4_src,
				      mask->ipv4_src);
		if (addr != nh->saddr) {
			ovs_set_ipv4_addr(skb, key, nh, &nh->saddr, addr,
					  csum_ofs);
			key->ipv4.addr.src = addr;
		}
	}
	if (mask->ipv4_dst) {
		addr = OVS_APPLY_MASK(nh->daddr, val->ipv4_dst,
				      mask->ipv4_dst);
		if (addr != nh->daddr) {
			ovs_set_ipv4_addr(skb, key, nh, &nh->daddr, addr,
					  csum_ofs);
			key->ipv4.addr.dst = addr;
		}
	}
	if (mask->ipv4_tos) {
		ipv4_change_dsfield(nh, ~mask->ipv4_tos,
				    val->ipv4_tos & mask->ipv4_tos);
		key->ip.tos = nh->tos;
	}
	if (mask->ipv4_ttl) {
		u8 ttl = OVS_APPLY_MASK(nh->ttl, val->ipv4_ttl,
					mask->ipv4_ttl);

		csum_replace2(&nh->check, htons(nh->ttl << 8), htons(ttl << 8));
		nh->ttl = ttl;
		key->ip.ttl = ttl;
	}
	return 0;
}

static bool ovs_ipv6_mask_any(const __be32 mask[4])
{
	return mask[0] | mask[1] | mask[2] | mask[3];
}

/* A routing header with segments left: the L4 pseudo header then uses
 * the final destination, not the address in the IPv6 header.
 */
static bool ovs_ipv6_routed(const struct sk_buff *skb,
			    const struct ipv6hdr *nh)
{
	unsigned int offset = 0;
	int flags = IP6_FH_F_SKIP_RH;

	if (!ipv6_ext_hdr(nh->nexthdr))
		return false;
	return ipv6_find_hdr(skb, &offset, NEXTHDR_ROUTING, NULL,
			     &flags) == NEXTHDR_ROUTING;
}

/*
 * Rewrite one IPv6 address.  There is no header checksum: if an L4
 * checksum covers the address, its update cancels the address change in
 * a CHECKSUM_COMPLETE sum; otherwise that sum must follow the address.
 */
static void ovs_set_ipv6_addr(struct sk_buff *skb, const struct ovs_key *key,
			      __be32 addr[4], const __be32 new_addr[4],
			      int csum_ofs)
{
	if (csum_ofs >= 0) {
		ovs_l4_csum_replace(skb, key, csum_ofs, addr, new_addr, true);
		memcpy(addr, new_addr, sizeof(struct in6_addr));
	} else {
		skb_postpull_rcsum(skb, addr, sizeof(struct in6_addr));
		memcpy(addr, new_addr, sizeof(struct in6_addr));
		skb_postpush_rcsum(skb, addr, sizeof(struct in6_addr));
	}
	ovs_forget_flow_state(skb);
}

/* Masked new value of an IPv6 address; true if it differs from @old. */
static bool ovs_ipv6_masked(const __be32 old[4], const __be32 val[4],
			    const __be32 mask[4], __be32 out[4])
{
	int i;

	for (i = 0; i < 4; i++)
		out[i] = OVS_APPLY_MASK(old[i], val[i], mask[i]);
	return memcmp(old, out, sizeof(struct in6_addr)) != 0;
}

/* Traffic class, flow label and hop limit: the first 8 header bytes. */
static void ovs_set_ipv6_fields(struct sk_buff *skb, struct ovs_key *key,
				struct ipv6hdr *nh,
				const struct ovs_key_ipv6 *val,
				const struct ovs_key_ipv6 *mask)
{
	/* Only the low 20 bits of the label word are the label. */
	__be32 label_mask = mask->ipv6_label & IPV6_FLOWLABEL_MASK;
	__be32 *word0 = (__be32 *)nh;

	if (!mask->ipv6_tclass && !label_mask && !mask->ipv6_hlimit)
		return;

	skb_postpull_rcsum(skb, nh, 8);
	if (mask->ipv6_tclass) {
		ipv6_change_dsfield(nh, ~mask->ipv6_tclass,
				    val->ipv6_tclass & mask->ipv6_tclass);
		key->ip.tos = ipv6_get_dsfield(nh);
	}
	if (label_mask) {
		*word0 = OVS_APPLY_MASK(*word0, val->ipv6_label, label_mask);
		key->ipv6.label = *word0 & IPV6_FLOWLABEL_MASK;
	}
	if (mask->ipv6_hlimit) {
		nh->hop_limit = OVS_APPLY_MASK(nh->hop_limit,
					       val->ipv6_hlimit,
					       mask->ipv6_hlimit);
		key->ip.ttl = nh->hop_limit;
	}
	skb_postpush_rcsum(skb, nh, 8);
}

static int ovs_set_ipv6(struct sk_buff *skb, struct ovs_key *key,
			const struct ovs_key_ipv6 *val,
			const struct ovs_key_ipv6 *mask)
{
	unsigned int end = skb_network_offset(skb) + sizeof(struct ipv6hdr);
	bool set_src = ovs_ipv6_mask_any(mask->ipv6_src);
	bool set_dst = ovs_ipv6_mask_any(mask->ipv6_dst);
	int csum_ofs = -1, dst_csum_ofs;
	__be32 addr[4];
	struct ipv6hdr *nh;
	int err;

	if (unlikely(key->eth.type != htons(ETH_P_IPV6)))
		return -EINVAL;

	if (set_src || set_dst) {
		csum_ofs = ovs_l4_csum_offset(skb, key);
		if (csum_ofs >= 0)
			end = max_t(unsigned int, end,
				    csum_ofs + sizeof(__sum16));
	}
	err = skb_ensure_writable(skb, end);
	if (unlikely(err))
		return err;
	nh = ipv6_hdr(skb);

	if (set_src && ovs_ipv6_masked(nh->saddr.s6_addr32, val->ipv6_src,
				       mask->ipv6_src, addr)) {
		ovs_set_ipv6_addr(skb, key, nh->saddr.s6_addr32, addr,
				  csum_ofs);
		key->ipv6.addr.src = nh->saddr;
	}
	if (set_dst && ovs_ipv6_masked(nh->daddr.s6_addr32, val->ipv6_dst,
				       mask->ipv6_dst, addr)) {
		dst_csum_ofs = csum_ofs;
		if (dst_csum_ofs >= 0 && ovs_ipv6_routed(skb, nh))
			dst_csum_ofs = -1;
		ovs_set_ipv6_addr(skb, key, nh->daddr.s6_addr32, addr,
				  dst_csum_ofs);
		key->ipv6.addr.dst = nh->daddr;
	}
	ovs_set_ipv6_fields(skb, key, nh, val, mask);
	return 0;
}

/* One TCP/UDP port whose checksum is maintained incrementally.  Ports
 * are not in the pseudo header, so a CHECKSUM_PARTIAL sum needs nothing.
 */
static void ovs_set_port(struct sk_buff *skb, __be16 *port, __be16 new_port,
			 __sum16 *check)
{
	inet_proto_csum_replace2(check, skb, *port, new_port, false);
	*port = new_port;
}

static int ovs_set_tcp(struct sk_buff *skb, struct ovs_key *key,
		       const struct ovs_key_tcp *val,
		       const struct ovs_key_tcp *mask)
{
	struct tcphdr *th;
	__be16 port;
	int err;

	/* Nothing to rewrite, e.g. a later fragment. */
	if (!ovs_has_l4(skb, key, IPPROTO_TCP))
		return 0;

	err = skb_ensure_writable(skb, skb_transport_offset(skb) +
				  sizeof(struct tcphdr));
	if (unlikely(err))
		return err;
	th = tcp_hdr(skb);

	port = OVS_APPLY_MASK(th->source, val->tcp_src, mask->tcp_src);
	if (port != th->source) {
		ovs_set_port(skb, &th->source, port, &th->check);
		key->tp.src = port;
	}
	port = OVS_APPLY_MASK(th->dest, val->tcp_dst, mask->tcp_dst);
	if (port != th->dest) {
		ovs_set_port(skb, &th->dest, port, &th->check);
		key->tp.dst = port;
	}
	ovs_forget_flow_state(skb);
	return 0;
}

static int ovs_set_udp(struct sk_buff *skb, struct ovs_key *key,
		       const struct ovs_key_udp *val,
		       const struct ovs_key_udp *mask)
{
	struct udphdr *uh;
	__be16 src, dst;
	int err;

	if (!ovs_has_l4(skb, key, IPPROTO_UDP))
		return 0;

	err = skb_ensure_writable(skb, skb_transport_offset(skb) +
				  sizeof(struct udphdr));
	if (unlikely(err))
		return err;
	uh = udp_hdr(skb);

	src = OVS_APPLY_MASK(uh->source, val->udp_src, mask->udp_src);
	dst = OVS_APPLY_MASK(uh->dest, val->udp_dst, mask->udp_dst);

	if (uh->check && skb->ip_summed != CHECKSUM_PARTIAL) {
		if (src != uh->source)
			ovs_set_port(skb, &uh->source, src, &uh->check);
		if (dst != uh->dest)
			ovs_set_port(skb, &uh->dest, dst, &uh->check);
		if (!uh->check)
			uh->check = CSUM_MANGLED_0;
	} else {
		/* No checksum (or one the device completes): keep the zero,
		 * but a CHECKSUM_COMPLETE sum still sees the new ports.
		 */
		skb_postpull_rcsum(skb, uh, 2 * sizeof(__be16));
		uh->source = src;
		uh->dest = dst;
		skb_postpush_rcsum(skb, uh, 2 * sizeof(__be16));
	}
	key->tp.src = src;
	key->tp.dst = dst;
	ovs_forget_flow_state(skb);
	return 0;
}

/*
 * SCTP's CRC32c (stored little endian, over the whole SCTP packet with the
 * checksum field zeroed) is affine in the packet's bits, so for two packets
 * of equal length the XOR of their checksums is the raw CRC of the XOR of
 * their contents.  Only the ports change: that XOR is 4 bytes followed by
 * zeros, whose CRC is the 4 bytes' CRC shifted over the zeros.  Applying
 * the difference keeps whatever error the old checksum had, so a corrupt
 * packet stays corrupt, and it costs no pass over the payload.
 */
static int ovs_set_sctp(struct sk_buff *skb, struct ovs_key *key,
			const struct ovs_key_sctp *val,
			const struct ovs_key_sctp *mask)
{
	unsigned int thoff;
	struct sctphdr *sh;
	__be16 ports[2];
	unsigned int i;
	u8 diff[4];
	u32 crc;
	int err;

	if (!ovs_has_l4(skb, key, IPPROTO_SCTP))
		return 0;

	thoff = skb_transport_offset(skb);
	err = skb_ensure_writable(skb, thoff + sizeof(struct sctphdr));
	if (unlikely(err))
		return err;
	sh = sctp_hdr(skb);

	ports[0] = OVS_APPLY_MASK(sh->source, val->sctp_src, mask->sctp_src);
	ports[1] = OVS_APPLY_MASK(sh->dest, val->sctp_dst, mask->sctp_dst);
	if (ports[0] == sh->source && ports[1] == sh->dest)
		return 0;

	BUILD_BUG_ON(offsetof(struct sctphdr, source) != 0 ||
		     offsetof(struct sctphdr, dest) != 2);
	for (i = 0; i < sizeof(diff); i++)
		diff[i] = ((const u8 *)sh)[i] ^ ((const u8 *)ports)[i];
	crc = __crc32c_le_shift(__crc32c_le(0, diff, sizeof(diff)),
				skb->len - thoff - sizeof(diff));

	skb_postpull_rcsum(skb, sh, sizeof(*sh));
	sh->source = ports[0];
	sh->dest = ports[1];
	sh->checksum ^= cpu_to_le32(crc);
	skb_postpush_rcsum(skb, sh, sizeof(*sh));

	key->tp.src = ports[0];
	key->tp.dst = ports[1];
	ovs_forget_flow_state(skb);
	return 0;
}

/* The outermost label stack entry. */
static int ovs_set_mpls(struct sk_buff *skb, struct ovs_key *key,
			const __be32 *val, const __be32 *mask)
{
	unsigned int nhoff = skb_network_offset(skb);
	__be32 lse;
	int err;

	if (unlikely(!eth_p_mpls(key->eth.type)))
		return -EINVAL;
	if (unlikely(!pskb_may_pull(skb, nhoff + MPLS_HLEN)))
		return -ENOMEM;

	lse = OVS_APPLY_MASK(mpls_hdr(skb)->label_stack_entry, *val, *mask);
	/* The kernel helper insists on an MPLS skb->protocol, which a
	 * VLAN tagged frame does not have under our convention.
	 */
	skb->protocol = key->eth.type;
	err = skb_mpls_update_lse(skb, lse);
	ovs_skb_sync_protocol(skb, key);
	if (unlikely(err))
		return err;

	key->mpls.lse[0] = lse;
	return 0;
}

/* All-ones mask for OVS_ACTION_ATTR_SET, big enough for any key struct. */
static const u8 ovs_full_mask[sizeof(struct ovs_key_ipv6)] = {
	[0 ... sizeof(struct ovs_key_ipv6) - 1] = 0xff
};

/*
 * Apply one set action: @a is the nested OVS_KEY_ATTR_*, @vlen the
 * length of its value and @mask (vlen bytes) what to overwrite.
 */
static int ovs_set_field(struct sk_buff *skb, struct ovs_key *key,
			 const struct nlattr *a, int vlen, const void *mask)
{
	const void *val = nla_data(a);

	switch (nla_type(a)) {
	case OVS_KEY_ATTR_PRIORITY:
		if (vlen != sizeof(u32))
			return -EINVAL;
		skb->priority = OVS_APPLY_MASK(skb->priority, *(const u32 *)val,
					       *(const u32 *)mask);
		key->priority = skb->priority;
		return 0;

	case OVS_KEY_ATTR_SKB_MARK:
		if (vlen != sizeof(u32))
			return -EINVAL;
		skb->mark = OVS_APPLY_MASK(skb->mark, *(const u32 *)val,
					   *(const u32 *)mask);
		key->skb_mark = skb->mark;
		return 0;

	case OVS_KEY_ATTR_ETHERNET:
		if (vlen != sizeof(struct ovs_key_ethernet))
			return -EINVAL;
		return ovs_set_eth(skb, key, val, mask);

	case OVS_KEY_ATTR_IPV4:
		if (vlen != sizeof(struct ovs_key_ipv4))
			return -EINVAL;
		return ovs_set_ipv4(skb, key, val, mask);

	case OVS_KEY_ATTR_IPV6:
		if (vlen != sizeof(struct ovs_key_ipv6))
			return -EINVAL;
		return ovs_set_ipv6(skb, key, val, mask);

	case OVS_KEY_ATTR_TCP:
		if (vlen != sizeof(struct ovs_key_tcp))
			return -EINVAL;
		return ovs_set_tcp(skb, key, val, mask);

	case OVS_KEY_ATTR_UDP:
		if (vlen != sizeof(struct ovs_key_udp))
			return -EINVAL;
		return ovs_set_udp(skb, key, val, mask);

	case OVS_KEY_ATTR_SCTP:
		if (vlen != sizeof(struct ovs_key_sctp))
			return -EINVAL;
		return ovs_set_sctp(skb, key, val, mask);

	case OVS_KEY_ATTR_MPLS:
		/* Only the outermost entry is writable, as upstream. */
		if (vlen < (int)sizeof(struct ovs_key_mpls) ||
		    vlen % sizeof(struct ovs_key_mpls))
			return -EINVAL;
		return ovs_set_mpls(skb, key, val, mask);
	}
	/* Conntrack, NSH, ARP, ND...: never accepted by validation. */
	return -EINVAL;
}

static int ovs_execute_set(struct sk_buff *skb, struct ovs_key *key,
			   const struct nlattr *a)
{
	/*
	 * Tunnel metadata would be attached to the skb for a tunnel vport
	 * to use; there are no tunnel vports yet, and nothing else reads
	 * it, so the action has no effect.
	 */
	if (nla_type(a) == OVS_KEY_ATTR_TUNNEL)
		return 0;
	if (unlikely(nla_len(a) > (int)sizeof(ovs_full_mask)))
		return -EINVAL;
	return ovs_set_field(skb, key, a, nla_len(a), ovs_full_mask);
}

/* The value is followed by a mask of the same size. */
static int ovs_execute_set_masked(struct sk_buff *skb, struct ovs_key *key,
				  const struct nlattr *a)
{
	int vlen = nla_len(a) / 2;

	if (unlikely(nla_len(a) % 2))
		return -EINVAL;
	return ovs_set_field(skb, key, a, vlen, (const u8 *)nla_data(a) + vlen);
}

static int ovs_push_vlan(struct sk_buff *skb, struct ovs_key *key,
			 const struct ovs_action_push_vlan *vlan)
{
	bool tagged = ovs_key_has_vlan(&key->eth.vlan);
	int err;

	if (unlikely(key->mac_proto != OVS_MAC_PROTO_ETHERNET))
		return -EINVAL;

	/* The CFI bit only says "present" in the action; 802.1Q uses it
	 * as DEI, which a pushed tag leaves clear.
	 */
	err = skb_vlan_push(skb, vlan->vlan_tpid,
			    ntohs(vlan->vlan_tci) & ~VLAN_CFI_MASK);
	if (unlikely(err))
		return err;

	/* A tag that was there moved into the frame: the tag stack the
	 * key describes shifted, re-parse.
	 */
	if (tagged)
		return ovs_dp_key_extract(skb, key);
	key->eth.vlan.tpid = vlan->vlan_tpid;
	key->eth.vlan.tci = vlan->vlan_tci | htons(VLAN_CFI_MASK);
	return 0;
}

static int ovs_pop_vlan(struct sk_buff *skb, struct ovs_key *key)
{
	int err;

	err = skb_vlan_pop(skb);
	if (unlikely(err))
		return err;

	/* An inner tag became the outer one. */
	if (skb_vlan_tag_present(skb) || ovs_key_has_vlan(&key->eth.cvlan))
		return ovs_dp_key_extract(skb, key);
	memset(&key->eth.vlan, 0, sizeof(key->eth.vlan));
	return 0;
}

/* Move an accelerated VLAN tag into the frame, as skb_vlan_push() does
 * when it stacks a new one.
 */
static int ovs_vlan_into_frame(struct sk_buff *skb)
{
	int err;

	err = __vlan_insert_tag(skb, skb->vlan_proto, skb_vlan_tag_get(skb));
	if (unlikely(err))
		return err;
	skb->protocol = skb->vlan_proto;
	skb->mac_len += VLAN_HLEN;
	skb_postpush_rcsum(skb, skb->data + 2 * ETH_ALEN, VLAN_HLEN);
	__vlan_hwaccel_clear_tag(skb);
	return 0;
}

/*
 * Push a label stack entry after the first @mac_len bytes: after the L2
 * header (PUSH_MPLS, ADD_MPLS as an L3 tunnel) or at the very front
 * (ADD_MPLS otherwise, which makes the packet an L3 one).
 */
static int ovs_push_mpls(struct sk_buff *skb, struct ovs_key *key,
			 __be32 lse, __be16 ethertype, u16 mac_len)
{
	bool ethernet = key->mac_proto == OVS_MAC_PROTO_ETHERNET &&
			mac_len >= ETH_HLEN;
	int err;

	if (!mac_len && skb_vlan_tag_present(skb)) {
		/* The tag belongs to the frame the label now encloses. */
		err = ovs_vlan_into_frame(skb);
		if (unlikely(err))
			return err;
	}

	/* The helper records skb->protocol as the protocol inside the
	 * label (for GSO): that is the ethertype, not a VLAN TPID.
	 */
	skb->protocol = key->eth.type;
	/* It also rewrites the ethertype right after the MAC addresses,
	 * which with VLAN tags in the frame is a TPID; then the real
	 * ethertype, just before the label, is ours to set.
	 */
	err = skb_mpls_push(skb, lse, ethertype, mac_len,
			    ethernet && mac_len == ETH_HLEN);
	if (unlikely(err)) {
		ovs_skb_sync_protocol(skb, key);
		return err;
	}

	if (ethernet && mac_len > ETH_HLEN) {
		__be16 *type = (__be16 *)mpls_hdr(skb) - 1;

		skb_postpull_rcsum(skb, type, sizeof(*type));
		*type = ethertype;
		skb_postpush_rcsum(skb, type, sizeof(*type));
	}

	if (!mac_len)
		key->mac_proto = OVS_MAC_PROTO_NONE;
	return ovs_dp_key_extract(skb, key);
}

static int ovs_pop_mpls(struct sk_buff *skb, struct ovs_key *key,
			__be16 ethertype)
{
	int err;

	if (unlikely(!eth_p_mpls(key->eth.type)))
		return -EINVAL;

	skb->protocol = key->eth.type;	/* see ovs_set_mpls() */
	err = skb_mpls_pop(skb, ethertype, skb->mac_len,
			   key->mac_proto == OVS_MAC_PROTO_ETHERNET);
	if (unlikely(err)) {
		ovs_skb_sync_protocol(skb, key);
		return err;
	}

	/* An L3 packet whose label enclosed a whole Ethernet frame. */
	if (ethertype == htons(ETH_P_TEB))
		key->mac_proto = OVS_MAC_PROTO_ETHERNET;
	return ovs_dp_key_extract(skb, key);
}

static int ovs_push_eth(struct sk_buff *skb, struct ovs_key *key,
			const struct ovs_action_push_eth *push)
{
	int err;

	if (unlikely(key->mac_proto != OVS_MAC_PROTO_NONE))
		return -EINVAL;

	err = skb_eth_push(skb, push->addresses.eth_dst,
			   push->addresses.eth_src);
	if (unlikely(err))
		return err;
	key->mac_proto = OVS_MAC_PROTO_ETHERNET;
	return ovs_dp_key_extract(skb, key);
}

static int ovs_pop_eth(struct sk_buff *skb, struct ovs_key *key)
{
	int err;

	if (unlikely(key->mac_proto != OVS_MAC_PROTO_ETHERNET))
		return -EINVAL;

	err = skb_eth_pop(skb);
	if (unlikely(err))
		return err;
	key->mac_proto = OVS_MAC_PROTO_NONE;
	return ovs_dp_key_extract(skb, key);
}

/*
 * Decrement the IPv4 TTL or IPv6 hop limit; -EHOSTUNREACH when it is
 * already 1 or 0, and the packet must go to the action's exception list.
 * Other packets pass unchanged.
 */
static int ovs_dec_ttl(struct sk_buff *skb, struct ovs_key *key)
{
	unsigned int nhoff = skb_network_offset(skb);
	int err;

	if (key->eth.type == htons(ETH_P_IP)) {
		struct iphdr *nh;

		err = skb_ensure_writable(skb, nhoff + sizeof(*nh));
		if (unlikely(err))
			return err;
		nh = ip_hdr(skb);
		if (nh->ttl <= 1)
			return -EHOSTUNREACH;
		/* TTL is the high byte of its 16-bit checksum word. */
		csum_replace2(&nh->check, htons(nh->ttl << 8),
			      htons((nh->ttl - 1) << 8));
		nh->ttl--;
		key->ip.ttl = nh->ttl;
	} else if (key->eth.type == htons(ETH_P_IPV6)) {
		struct ipv6hdr *nh;

		err = skb_ensure_writable(skb, nhoff + sizeof(*nh));
		if (unlikely(err))
			return err;
		nh = ipv6_hdr(skb);
		if (nh->hop_limit <= 1)
			return -EHOSTUNREACH;
		/* A checksum block must start at an even offset: take the
		 * 16-bit word holding the hop limit.
		 */
		skb_postpull_rcsum(skb, &nh->nexthdr, 2);
		nh->hop_limit--;
		skb_postpush_rcsum(skb, &nh->nexthdr, 2);
		key->ip.ttl = nh->hop_limit;
	}
	return 0;
}

/* Bytes of the frame an MTU limits: the L2 header does not count, nor
 * one VLAN tag in the frame (as for an accelerated one).
 */
static unsigned int ovs_frame_mtu_len(const struct sk_buff *skb,
				      const struct net_device *dev)
{
	unsigned int hlen = dev->hard_header_len;

	if (!skb_vlan_tag_present(skb) && eth_type_vlan(skb->protocol))
		hlen += VLAN_HLEN;
	return skb->len > hlen ? skb->len - hlen : 0;
}

/*
 * Send @skb (consumed) out of port @port_no.  Drops, silently, packets for
 * ports that do not exist or are down, and packets the device cannot
 * carry: over its MTU (counted in the device's tx_dropped), or of the
 * wrong kind for its link type.
 */
static void ovs_output(struct ovs_dp *dp, struct sk_buff *skb, u32 port_no,
		       const struct ovs_key *key)
{
	struct ovs_vport *vport = ovs_vport_lookup(dp, port_no);
	u32 cutlen = OVS_CB(skb)->cutlen;
	struct net_device *dev;
	u16 mru;

	if (unlikely(!vport))
		goto drop;
	dev = vport->dev;
	if (unlikely(!netif_running(dev) || !netif_carrier_ok(dev)))
		goto drop;

	if (unlikely(cutlen && cutlen < skb->len)) {
		unsigned int min_len = key->mac_proto ==
				       OVS_MAC_PROTO_ETHERNET ? ETH_HLEN : 0;

		if (pskb_trim_rcsum(skb, max_t(unsigned int, cutlen, min_len)))
			goto drop;
	}

	/*
	 * A packet reassembled from fragments (MRU set) would have to be
	 * refragmented; there is no reassembly in this datapath, and no
	 * refragmentation either, so such a packet only passes if small.
	 */
	mru = OVS_CB(skb)->mru;
	if (unlikely(mru && skb->len > mru + dev->hard_header_len))
		goto drop;

	switch (dev->type) {
	case ARPHRD_ETHER:
		if (unlikely(key->mac_proto != OVS_MAC_PROTO_ETHERNET))
			goto drop;
		break;
	case ARPHRD_NONE:
		/* An L3 device carrying whole Ethernet frames. */
		if (key->mac_proto == OVS_MAC_PROTO_ETHERNET) {
			skb_reset_network_header(skb);
			skb_reset_mac_len(skb);
			skb->protocol = htons(ETH_P_TEB);
		}
		break;
	default:
		goto drop;
	}

	if (unlikely(!skb_is_gso(skb) &&
		     ovs_frame_mtu_len(skb, dev) > dev->mtu)) {
		dev_core_stats_tx_dropped_inc(dev);
		net_warn_ratelimited("%s: dropped over-MTU packet: %u > %u\n",
				     dev->name, ovs_frame_mtu_len(skb, dev),
				     dev->mtu);
		goto drop;
	}

	skb_clear_tstamp(skb);
	vport->ops->send(vport, skb);
	return;

drop:
	kfree_skb(skb);
}

/* Hand a copy of the packet to userspace (OVS_PACKET_CMD_ACTION). */
static void ovs_userspace(const struct ovs_exec *ex, struct sk_buff *skb,
			  const struct ovs_key *key, const struct nlattr *attr)
{
	struct ovs_upcall_info info = {
		.cmd = OVS_PACKET_CMD_ACTION,
		.mru = OVS_CB(skb)->mru,
	};
	const struct nlattr *a;
	int rem;

	nla_for_each_nested(a, attr, rem) {
		switch (nla_type(a)) {
		case OVS_USERSPACE_ATTR_PID:
			info.portid = nla_get_u32(a);
			break;
		case OVS_USERSPACE_ATTR_USERDATA:
			info.userdata = a;
			break;
		case OVS_USERSPACE_ATTR_ACTIONS:
			info.actions = a;
			info.flow_acts = ex->acts;
			break;
		case OVS_USERSPACE_ATTR_EGRESS_TUN_PORT:
			/* Needs tunnel vports: egress_tun_info stays NULL. */
			break;
		}
	}

	/* In per-CPU dispatch mode this CPU's socket gets every upcall. */
	if (ex->dp->user_features & OVS_DP_F_DISPATCH_UPCALL_PER_CPU)
		info.portid = ovs_dp_upcall_portid(ex->dp,
						   OVS_CB(skb)->input_vport,
						   skb);

	/* A failure is counted as lost by ovs_dp_upcall(). */
	ovs_dp_upcall(ex->dp, skb, key, &info);
}

static void ovs_hash(struct sk_buff *skb, struct ovs_key *key,
		     const struct ovs_action_hash *act)
{
	/* OVS_HASH_ALG_L4 is the only algorithm: the skb's flow hash. */
	u32 hash = jhash_1word(skb_get_hash(skb), act->hash_basis);

	/* 0 means "not computed" to userspace. */
	key->dp_hash = hash ? hash : 1;
}

/* Queue @skb (consumed) to run @list, or to be recirculated if @list is
 * NULL, once the outermost execution is done with its own actions.
 */
static struct ovs_deferred *ovs_defer(const struct ovs_exec *ex,
				      struct sk_buff *skb,
				      const struct ovs_key *key,
				      const struct nlattr *list, int len)
{
	struct ovs_exec_cpu *pc = this_cpu_ptr(ovs_exec_pcpu);
	struct ovs_deferred *d;

	if (unlikely(pc->head >= OVS_DEFER_MAX)) {
		net_warn_ratelimited("%s: deferred action limit reached, packet dropped\n",
				     ovs_dp_name(ex->dp));
		ovs_dp_count_lost(ex->dp);
		kfree_skb(skb);
		return NULL;
	}

	d = &pc->queue[pc->head++];
	d->skb = skb;
	d->dp = ex->dp;
	d->acts = ex->acts;
	d->list = list;
	d->len = len;
	d->key = *key;
	return d;
}

/* Whether running @list could change the key it is given. */
static bool ovs_list_writes_key(const struct nlattr *list, int len)
{
	const struct nlattr *a;
	int rem;

	nla_for_each_attr(a, list, len, rem) {
		switch (nla_type(a)) {
		case OVS_ACTION_ATTR_OUTPUT:
		case OVS_ACTION_ATTR_USERSPACE:
		case OVS_ACTION_ATTR_TRUNC:
		case OVS_ACTION_ATTR_RECIRC:	/* queues its own copy */
			break;
		default:
			return true;
		}
	}
	return false;
}

/*
 * Run the nested action list @list on the packet: on @skb itself if the
 * action holding the list is the last of its list (@last), else on a
 * clone, leaving @skb and @key as they were.  Failures inside only drop
 * the packet the nested list ran on.
 */
static void ovs_run_nested(const struct ovs_exec *ex, struct sk_buff *skb,
			   struct ovs_key *key, const struct nlattr *list,
			   int len, bool last)
{
	struct ovs_exec_cpu *pc = this_cpu_ptr(ovs_exec_pcpu);
	struct ovs_key *nkey = key;

	if (!len) {
		if (last)
			consume_skb(skb);
		return;
	}

	if (!last) {
		skb = skb_clone(skb, GFP_ATOMIC);
		if (unlikely(!skb))
			return;
	}

	if (unlikely(pc->depth >= OVS_EXEC_MAX_DEPTH)) {
		ovs_defer(ex, skb, key, list, len);
		return;
	}

	/* A list at the end needs no copy: nobody reads the key after. */
	if (!last && ovs_list_writes_key(list, len)) {
		nkey = &pc->keys[pc->depth - 1];
		*nkey = *key;
	}

	pc->depth++;
	ovs_do_actions(ex, skb, nkey, list, len);
	pc->depth--;
}

static void ovs_recirc(const struct ovs_exec *ex, struct sk_buff *skb,
		       const struct ovs_key *key, u32 recirc_id, bool last)
{
	struct ovs_deferred *d;

	if (!last) {
		skb = skb_clone(skb, GFP_ATOMIC);
		if (unlikely(!skb))
			return;
	}
	d = ovs_defer(ex, skb, key, NULL, 0);
	if (d)
		d->key.recirc_id = recirc_id;
}

static void ovs_sample(const struct ovs_exec *ex, struct sk_buff *skb,
		       struct ovs_key *key, const struct nlattr *attr,
		       bool last)
{
	const struct nlattr *a, *list = NULL;
	u32 probability = 0;
	int rem;

	nla_for_each_nested(a, attr, rem) {
		if (nla_type(a) == OVS_SAMPLE_ATTR_PROBABILITY)
			probability = nla_get_u32(a);
		else if (nla_type(a) == OVS_SAMPLE_ATTR_ACTIONS)
			list = a;
	}

	/* probability / U32_MAX of packets are sampled. */
	if (!list || (probability != U32_MAX &&
		      (!probability || get_random_u32() > probability))) {
		if (last)
			consume_skb(skb);
		return;
	}
	ovs_run_nested(ex, skb, key, nla_data(list), nla_len(list), last);
}

/*
 * Choose between two action lists by packet length.  A reassembled packet
 * (MRU set) is judged by its largest fragment, a GSO one by its largest
 * segment.
 */
static void ovs_check_pkt_len(const struct ovs_exec *ex, struct sk_buff *skb,
			      struct ovs_key *key, const struct nlattr *attr,
			      bool last)
{
	const struct nlattr *a, *greater = NULL, *less_equal = NULL, *list;
	unsigned int len, max_len = 0;
	u16 mru = OVS_CB(skb)->mru;
	int rem;

	nla_for_each_nested(a, attr, rem) {
		switch (nla_type(a)) {
		case OVS_CHECK_PKT_LEN_ATTR_PKT_LEN:
			max_len = nla_get_u16(a);
			break;
		case OVS_CHECK_PKT_LEN_ATTR_ACTIONS_IF_GREATER:
			greater = a;
			break;
		case OVS_CHECK_PKT_LEN_ATTR_ACTIONS_IF_LESS_EQUAL:
			less_equal = a;
			break;
		}
	}

	len = mru ? mru + skb->mac_len : skb->len;
	if (len <= max_len ||
	    (skb_is_gso(skb) && skb_gso_validate_mac_len(skb, max_len)))
		list = less_equal;
	else
		list = greater;

	if (list)
		ovs_run_nested(ex, skb, key, nla_data(list), nla_len(list),
			       last);
	else if (last)
		consume_skb(skb);
}

/* The TTL ran out: the packet (consumed) goes to the action's own list,
 * and the rest of the list it was in is not run.
 */
static void ovs_dec_ttl_expired(const struct ovs_exec *ex, struct sk_buff *skb,
				struct ovs_key *key, const struct nlattr *attr)
{
	const struct nlattr *a;
	int rem;

	nla_for_each_nested(a, attr, rem) {
		if (nla_type(a) == OVS_DEC_TTL_ATTR_ACTION) {
			ovs_run_nested(ex, skb, key, nla_data(a), nla_len(a),
				       true);
			return;
		}
	}
	consume_skb(skb);
}

/*
 * Run the action list [attr, attr + len) on @skb, which is consumed.  An
 * action that fails drops the packet and ends the list with its error.
 */
static int ovs_do_actions(const struct ovs_exec *ex, struct sk_buff *skb,
			  struct ovs_key *key, const struct nlattr *attr,
			  int len)
{
	const struct nlattr *a;
	int rem;

	nla_for_each_attr(a, attr, len, rem) {
		bool last = rem <= NLA_ALIGN(a->nla_len);
		int err = 0;

		switch (nla_type(a)) {
		case OVS_ACTION_ATTR_OUTPUT: {
			struct sk_buff *clone;

			if (last) {
				ovs_output(ex->dp, skb, nla_get_u32(a), key);
				return 0;
			}
			clone = skb_clone(skb, GFP_ATOMIC);
			if (likely(clone))
				ovs_output(ex->dp, clone, nla_get_u32(a), key);
			/* A truncation applies to one output only. */
			OVS_CB(skb)->cutlen = 0;
			break;
		}

		case OVS_ACTION_ATTR_TRUNC: {
			const struct ovs_action_trunc *trunc = nla_data(a);

			OVS_CB(skb)->cutlen = trunc->max_len;
			break;
		}

		case OVS_ACTION_ATTR_USERSPACE:
			ovs_userspace(ex, skb, key, a);
			OVS_CB(skb)->cutlen = 0;
			break;

		case OVS_ACTION_ATTR_HASH:
			ovs_hash(skb, key, nla_data(a));
			break;

		case OVS_ACTION_ATTR_SET:
			err = ovs_execute_set(skb, key, nla_data(a));
			break;

		case OVS_ACTION_ATTR_SET_MASKED:
		case OVS_ACTION_ATTR_SET_TO_MASKED:
			err = ovs_execute_set_masked(skb, key, nla_data(a));
			break;

		case OVS_ACTION_ATTR_PUSH_VLAN:
			err = ovs_push_vlan(skb, key, nla_data(a));
			break;

		case OVS_ACTION_ATTR_POP_VLAN:
			err = ovs_pop_vlan(skb, key);
			break;

		case OVS_ACTION_ATTR_PUSH_MPLS: {
			const struct ovs_action_push_mpls *mpls = nla_data(a);

			err = ovs_push_mpls(skb, key, mpls->mpls_lse,
					    mpls->mpls_ethertype, skb->mac_len);
			break;
		}

		case OVS_ACTION_ATTR_ADD_MPLS: {
			const struct ovs_action_add_mpls *mpls = nla_data(a);
			u16 mac_len = 0;

			if (mpls->tun_flags & OVS_MPLS_L3_TUNNEL_FLAG_MASK)
				mac_len = skb->mac_len;
			err = ovs_push_mpls(skb, key, mpls->mpls_lse,
					    mpls->mpls_ethertype, mac_len);
			break;
		}

		case OVS_ACTION_ATTR_POP_MPLS:
			err = ovs_pop_mpls(skb, key, nla_get_be16(a));
			break;

		case OVS_ACTION_ATTR_PUSH_ETH:
			err = ovs_push_eth(skb, key, nla_data(a));
			break;

		case OVS_ACTION_ATTR_POP_ETH:
			err = ovs_pop_eth(skb, key);
			break;

		case OVS_ACTION_ATTR_CT_CLEAR:
			/* No conntrack here; drop what the host attached. */
			nf_reset_ct(skb);
			break;

		case OVS_ACTION_ATTR_RECIRC:
			ovs_recirc(ex, skb, key, nla_get_u32(a), last);
			if (last)
				return 0;
			break;

		case OVS_ACTION_ATTR_SAMPLE:
			ovs_sample(ex, skb, key, a, last);
			if (last)
				return 0;
			break;

		case OVS_ACTION_ATTR_CLONE:
			ovs_run_nested(ex, skb, key, nla_data(a), nla_len(a),
				       last);
			if (last)
				return 0;
			break;

		case OVS_ACTION_ATTR_CHECK_PKT_LEN:
			ovs_check_pkt_len(ex, skb, key, a, last);
			if (last)
				return 0;
			break;

		case OVS_ACTION_ATTR_DEC_TTL:
			err = ovs_dec_ttl(skb, key);
			if (err == -EHOSTUNREACH) {
				ovs_dec_ttl_expired(ex, skb, key, a);
				return 0;
			}
			break;

		default:
			/* CT, METER, NSH: not supported, validation rejects
			 * them; anything else cannot be in a validated list.
			 */
			err = -EINVAL;
			break;
		}

		if (unlikely(err)) {
			kfree_skb(skb);
			return err;
		}
	}

	consume_skb(skb);
	return 0;
}

/* Run everything queued on this CPU, including what the queued work
 * queues in turn, then empty the queue.
 */
static void ovs_run_deferred(struct ovs_exec_cpu *pc)
{
	while (pc->tail < pc->head) {
		struct ovs_deferred *d = &pc->queue[pc->tail++];

		if (d->list) {
			struct ovs_exec ex = { .dp = d->dp, .acts = d->acts };

			ovs_do_actions(&ex, d->skb, &d->key, d->list, d->len);
		} else {
			ovs_dp_process_packet(d->skb, &d->key);
		}
	}
	pc->head = 0;
	pc->tail = 0;
}

int ovs_execute_actions(struct ovs_dp *dp, struct sk_buff *skb,
			const struct ovs_actions *acts, struct ovs_key *key)
{
	struct ovs_exec ex = { .dp = dp, .acts = acts };
	struct ovs_exec_cpu *pc;
	int depth, err;

	if (WARN_ON_ONCE(!ovs_exec_pcpu)) {	/* ovs_actions_init() missed */
		kfree_skb(skb);
		return -ENODEV;
	}

	pc = this_cpu_ptr(ovs_exec_pcpu);
	depth = ++pc->depth;
	if (unlikely(depth > OVS_EXEC_MAX_DEPTH)) {
		net_crit_ratelimited("%s: action recursion limit reached, packet dropped (looping configuration?)\n",
				     ovs_dp_name(dp));
		ovs_dp_count_lost(dp);
		kfree_skb(skb);
		err = -ENETDOWN;
		goto out;
	}

	err = ovs_do_actions(&ex, skb, key, ovs_actions_attrs(acts), acts->len);

	if (depth == 1)
		ovs_run_deferred(pc);
out:
	pc->depth--;
	return err;
}

int ovs_actions_init(void)
{
	ovs_exec_pcpu = alloc_percpu(struct ovs_exec_cpu);
	return ovs_exec_pcpu ? 0 : -ENOMEM;
}

void ovs_actions_exit(void)
{
	free_percpu(ovs_exec_pcpu);
	ovs_exec_pcpu = NULL;
}
