/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Flow key extraction from a packet, written against a tiny cursor
 * interface rather than an sk_buff so that the same parser runs in the
 * kernel and in the userspace unit tests and fuzzer.
 *
 * Offsets are relative to the start of the frame (the MAC header, or the
 * L3 header for OVS_MAC_PROTO_NONE packets).
 */
#ifndef OVSDP_FLOW_EXTRACT_H
#define OVSDP_FLOW_EXTRACT_H

#include "flow_key.h"

struct ovs_pkt {
	/* Filled by the caller. */
	const u8 *data;		/* frame start */
	unsigned int linear;	/* bytes readable at data without pulling */
	unsigned int len;	/* total frame length */
	void *ctx;		/* environment's own handle (the skb) */
	/* An out-of-line (hardware accelerated) outer VLAN tag, already
	 * removed from the frame: tci has VLAN_CFI_MASK set when present.
	 */
	__be16 hw_vlan_tpid;
	__be16 hw_vlan_tci;
	/* For OVS_MAC_PROTO_NONE frames: the L3 protocol (skb->protocol). */
	__be16 l3_proto;
	u8 mac_proto;		/* OVS_MAC_PROTO_* */

	/* Filled by extraction: where headers start, OVS_PKT_OFS_NONE
	 * (0xffff) if absent.
	 */
	u16 l2_len;		/* bytes of Ethernet header + tags */
	u16 l3_ofs;
	u16 l4_ofs;
};

#define OVS_PKT_OFS_NONE	0xffff

/*
 * Environment hook: make [offset, offset + len) readable and return a
 * pointer to it, or NULL if the frame is shorter.  May move the frame, so
 * it refreshes pkt->data and pkt->linear.  The kernel version wraps
 * pskb_may_pull(); the userspace one only bounds-checks.
 */
const void *ovs_pkt_pull_slow(struct ovs_pkt *pkt, unsigned int offset,
			      unsigned int len);

static inline const void *ovs_pkt_pull(struct ovs_pkt *pkt,
				       unsigned int offset, unsigned int len)
{
	if (likely(offset + len <= pkt->linear && offset + len >= offset))
		return pkt->data + offset;
	return ovs_pkt_pull_slow(pkt, offset, len);
}

/*
 * Fill the packet-derived fields of @key (everything from eth onwards,
 * plus mac_proto).  Metadata fields (in_port, priority, mark, recirc_id,
 * dp_hash, tunnel) are the caller's.  Returns 0, or a negative errno only
 * for conditions that make the packet unusable (e.g. -ENOMEM from the
 * environment); truncated or malformed headers are not errors: the key
 * then describes what the packet is, with the missing parts zeroed.
 * As upstream, -EINVAL (drop) is returned for an Ethernet frame shorter
 * than ETH_HLEN, an L3 packet whose l3_proto is a VLAN TPID, and an
 * unknown mac_proto; the key is then unspecified.
 *
 * Also sets pkt->l2_len (Ethernet header, in-frame tags and any LLC/SNAP
 * header; 0 for L3 packets), pkt->l3_ofs (= l2_len) and pkt->l4_ofs: the
 * upper-layer header of an IPv4 packet with a valid header length
 * (fragments included) or of an IPv6 packet whose extension headers
 * could be walked (later fragments excluded), else OVS_PKT_OFS_NONE.
 */
int ovs_key_extract(struct ovs_pkt *pkt, struct ovs_key *key);

#endif /* OVSDP_FLOW_EXTRACT_H */
