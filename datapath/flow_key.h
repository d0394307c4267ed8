/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The flow key: every field a megaflow may match on, in one flat,
 * 8-byte aligned structure so that a masked compare is a loop over u64
 * words restricted to the byte range the mask actually uses.
 *
 * Field order matters for that range: the tunnel options and tunnel key
 * come first because most flows never match on them, so their masks'
 * ranges start after them; L2 and L3 headers come last.
 *
 * Portable: this file is built both into the module and into the
 * userspace tests, so it includes nothing but portable_env.h.
 */
#ifndef OVSDP_FLOW_KEY_H
#define OVSDP_FLOW_KEY_H

#include "portable_env.h"

#define OVS_KEY_TUN_OPTS_MAX	255	/* Geneve option bytes a key may hold. */
#define OVS_KEY_MPLS_LABELS_MAX	3	/* Label stack entries kept in a key. */

/* key->mac_proto: what kind of frame the packet is. */
#define OVS_MAC_PROTO_NONE	0	/* L3 packet with no Ethernet header. */
#define OVS_MAC_PROTO_ETHERNET	1

/* Bits of ovs_key_tunnel.flags (host order, our own numbering). */
#define OVS_TNL_F_DONT_FRAGMENT	0x0001
#define OVS_TNL_F_CSUM		0x0002
#define OVS_TNL_F_KEY		0x0004	/* tun_id present */
#define OVS_TNL_F_OAM		0x0008
#define OVS_TNL_F_GENEVE_OPT	0x0010
#define OVS_TNL_F_VXLAN_OPT	0x0020

struct ovs_key_tunnel {
	__be64 tun_id;
	union {
		struct {
			__be32 src;
			__be32 dst;
		} ipv4;
		struct {
			struct in6_addr src;
			struct in6_addr dst;
		} ipv6;
	} u;
	u16 flags;			/* OVS_TNL_F_* */
	u8 tos;
	u8 ttl;
	__be32 label;			/* IPv6 flow label of the outer header */
	__be16 tp_src;
	__be16 tp_dst;
} __aligned(8);

/* An 802.1Q/802.1ad tag.  tci carries VLAN_CFI_MASK (0x1000) when the tag
 * is present, so a present tag with VID 0 differs from no tag at all.
 */
struct ovs_key_vlan {
	__be16 tpid;
	__be16 tci;
};

static inline bool ovs_key_has_vlan(const struct ovs_key_vlan *vlan)
{
	return vlan->tci & htons(VLAN_CFI_MASK);
}

struct ovs_key {
	u8 tun_opts[OVS_KEY_TUN_OPTS_MAX];
	u8 tun_opts_len;
	struct ovs_key_tunnel tun;

	/* Metadata that does not come from the packet's bytes. */
	u32 priority;			/* skb->priority */
	u32 skb_mark;			/* skb->mark */
	u32 recirc_id;
	u32 dp_hash;
	u32 in_port;			/* datapath port number */
	u8 mac_proto;			/* OVS_MAC_PROTO_* */
	u8 tun_proto;			/* 0, AF_INET or AF_INET6 */
	u8 pad_meta[2];

	struct {
		u8 src[ETH_ALEN];
		u8 dst[ETH_ALEN];
		struct ovs_key_vlan vlan;	/* outer tag */
		struct ovs_key_vlan cvlan;	/* inner tag (QinQ) */
		/* Ethertype after any VLAN tags; for 802.2 frames without
		 * SNAP, htons(ETH_P_802_2) ("no ethertype").
		 */
		__be16 type;
	} eth;

	struct {
		u8 proto;		/* IP protocol, or low 8 bits of ARP op */
		u8 tos;			/* DSCP + ECN */
		u8 ttl;			/* TTL / hop limit */
		u8 frag;		/* OVS_FRAG_TYPE_* */
	} ip;

	struct {
		__be16 src;		/* L4 source port, or ICMP type */
		__be16 dst;		/* L4 destination port, or ICMP code */
		__be16 flags;		/* TCP flags (low 12 bits) */
		u8 pad[2];
	} tp;

	union {
		struct {
			struct {
				__be32 src;
				__be32 dst;
			} addr;
			struct {
				u8 sha[ETH_ALEN];
				u8 tha[ETH_ALEN];
			} arp;
		} ipv4;
		struct {
			struct {
				struct in6_addr src;
				struct in6_addr dst;
			} addr;
			__be32 label;	/* flow label, low 20 bits */
			struct {
				struct in6_addr target;
				u8 sll[ETH_ALEN];
				u8 tll[ETH_ALEN];
			} nd;
		} ipv6;
		struct {
			__be32 lse[OVS_KEY_MPLS_LABELS_MAX];
		} mpls;
	};
} __aligned(8);

/* Byte range [start, end) of a key that a mask covers; both multiples of
 * sizeof(long) so compares and hashes work a word at a time.
 */
struct ovs_key_range {
	unsigned short start;
	unsigned short end;
};

#define OVS_KEY_WORD(field) (offsetof(struct ovs_key, field) & ~(sizeof(long) - 1))

#endif /* OVSDP_FLOW_KEY_H */
