/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Packet header layouts and protocol constants for userspace builds.
 *
 * Most headers come from linux-libc-dev under their kernel names; this
 * file adds what only the kernel's internal headers define (VLAN tag
 * layout, IPv6 fragment header and NEXTHDR_* names, SCTP common header,
 * neighbour discovery, MPLS helpers) and the small Ethernet address
 * helpers of <linux/etherdevice.h>.
 */
#ifndef OVSDP_SHIM_PROTO_H
#define OVSDP_SHIM_PROTO_H

#include "shim_types.h"

#include <linux/if_ether.h>
#include <linux/if_arp.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/tcp.h>
#include <linux/udp.h>
#include <linux/icmp.h>
#include <linux/icmpv6.h>
#include <linux/mpls.h>

/* <linux/if_vlan.h> */
#define VLAN_HLEN		4
#define VLAN_PRIO_MASK		0xe000
#define VLAN_PRIO_SHIFT		13
#define VLAN_CFI_MASK		0x1000
#define VLAN_VID_MASK		0x0fff

struct vlan_hdr {
	__be16 h_vlan_TCI;
	__be16 h_vlan_encapsulated_proto;
};

static inline bool eth_type_vlan(__be16 ethertype)
{
	return ethertype == htons(ETH_P_8021Q) ||
	       ethertype == htons(ETH_P_8021AD);
}

/* <linux/etherdevice.h> */
static inline bool eth_proto_is_802_3(__be16 proto)
{
	return ntohs(proto) >= ETH_P_802_3_MIN;
}

static inline bool is_zero_ether_addr(const u8 *addr)
{
	return !(addr[0] | addr[1] | addr[2] | addr[3] | addr[4] | addr[5]);
}

static inline void ether_addr_copy(u8 *dst, const u8 *src)
{
	memcpy(dst, src, ETH_ALEN);
}

/* <linux/llc.h> */
#ifndef LLC_SAP_SNAP
#define LLC_SAP_SNAP		0xAA
#endif

/* <net/ip.h> */
#define IP_CE			0x8000
#define IP_DF			0x4000
#define IP_MF			0x2000
#define IP_OFFSET		0x1FFF

/* <net/ipv6.h> */
#define NEXTHDR_HOP		0
#define NEXTHDR_IPV4		4
#define NEXTHDR_TCP		6
#define NEXTHDR_UDP		17
#define NEXTHDR_IPV6		41
#define NEXTHDR_ROUTING		43
#define NEXTHDR_FRAGMENT	44
#define NEXTHDR_GRE		47
#define NEXTHDR_ESP		50
#define NEXTHDR_AUTH		51
#define NEXTHDR_ICMP		58
#define NEXTHDR_NONE		59
#define NEXTHDR_DEST		60
#define NEXTHDR_SCTP		132
#define NEXTHDR_MOBILITY	135

#define IP6_MF			0x0001
#define IP6_OFFSET		0xFFF8

struct frag_hdr {
	__u8	nexthdr;
	__u8	reserved;
	__be16	frag_off;
	__be32	identification;
};

#define ipv6_optlen(p)		(((p)->hdrlen + 1) << 3)
#define ipv6_authlen(p)		(((p)->hdrlen + 2) << 2)

/* <net/dsfield.h> */
static inline __u8 ipv6_get_dsfield(const struct ipv6hdr *ipv6h)
{
	return ntohs(*(const __be16 *)ipv6h) >> 4;
}

/* <linux/sctp.h> (the kernel's, not the uapi one) */
struct sctphdr {
	__be16 source;
	__be16 dest;
	__be32 vtag;
	__le32 checksum;
};

/* <net/ndisc.h> */
#define NDISC_ROUTER_SOLICITATION	133
#define NDISC_ROUTER_ADVERTISEMENT	134
#define NDISC_NEIGHBOUR_SOLICITATION	135
#define NDISC_NEIGHBOUR_ADVERTISEMENT	136
#define NDISC_REDIRECT			137

#define ND_OPT_SOURCE_LL_ADDR		1
#define ND_OPT_TARGET_LL_ADDR		2

struct nd_msg {
	struct icmp6hdr	icmph;
	struct in6_addr	target;
	__u8		opt[];
};

struct nd_opt_hdr {
	__u8		nd_opt_type;
	__u8		nd_opt_len;
} __packed;

/* <net/mpls.h> */
#define MPLS_HLEN		4

static inline bool eth_p_mpls(__be16 eth_type)
{
	return eth_type == htons(ETH_P_MPLS_UC) ||
	       eth_type == htons(ETH_P_MPLS_MC);
}

#endif /* OVSDP_SHIM_PROTO_H */
