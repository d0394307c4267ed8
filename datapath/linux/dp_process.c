// SPDX-License-Identifier: GPL-2.0
/*
 * The packet path: a frame enters through a vport, its flow key is
 * extracted, the megaflow table is consulted, and either the flow's
 * actions run or the packet goes to userspace as a miss.
 */
#include <linux/if_vlan.h>
#include <linux/skbuff.h>

#include "dp_packet.h"
#include "flow.h"
#include "flow_extract.h"

/* Give skb->protocol the value the datapath's convention asks for. */
void ovs_skb_sync_protocol(struct sk_buff *skb, const struct ovs_key *key)
{
	const struct ovs_key_vlan *inband;

	if (key->mac_proto == OVS_MAC_PROTO_ETHERNET) {
		/* With an accelerated tag, the first in-frame tag is the
		 * key's inner one.
		 */
		inband = skb_vlan_tag_present(skb) ? &key->eth.cvlan :
						     &key->eth.vlan;
		if (ovs_key_has_vlan(inband)) {
			skb->protocol = inband->tpid;
			return;
		}
	}
	skb->protocol = key->eth.type;
}

/*
 * Fill the packet-derived part of @key from @skb, whose data starts at
 * the frame (of kind key->mac_proto), and point the skb's MAC, network
 * and transport headers and skb->protocol at what the extractor found.
 * Used on entry and again by actions that change the frame's structure;
 * metadata (in_port, recirc_id, dp_hash, tunnel) is left alone.  On error
 * the packet must be dropped.
 */
int ovs_dp_key_extract(struct sk_buff *skb, struct ovs_key *key)
{
	struct ovs_pkt pkt = {
		.data = skb->data,
		.linear = skb_headlen(skb),
		.len = skb->len,
		.ctx = skb,
		.mac_proto = key->mac_proto,
		.l3_proto = skb->protocol,
	};
	int err;

	if (skb_vlan_tag_present(skb)) {
		pkt.hw_vlan_tpid = skb->vlan_proto;
		pkt.hw_vlan_tci = htons(skb_vlan_tag_get(skb) | VLAN_CFI_MASK);
	}

	err = ovs_key_extract(&pkt, key);
	if (unlikely(err))
		return err;
	if (unlikely(pkt.l3_ofs == OVS_PKT_OFS_NONE))
		return -EINVAL;

	skb_reset_mac_header(skb);
	skb->mac_len = pkt.l2_len;
	skb_set_network_header(skb, pkt.l3_ofs);
	if (pkt.l4_ofs != OVS_PKT_OFS_NONE)
		skb_set_transport_header(skb, pkt.l4_ofs);
	ovs_skb_sync_protocol(skb, key);
	return 0;
}

static void ovs_dp_count(struct ovs_dp *dp, bool hit, u32 n_mask_hit,
			 u32 n_cache_hit)
{
	struct ovs_dp_cpu_stats *st = this_cpu_ptr(dp->stats);

	u64_stats_update_begin(&st->syncp);
	if (hit)
		st->n_hit++;
	else
		st->n_missed++;
	st->n_mask_hit += n_mask_hit;
	st->n_cache_hit += n_cache_hit;
	u64_stats_update_end(&st->syncp);
}

/* A packet no flow matched: hand it to userspace, which decides and
 * usually installs a flow.  A failed upcall is counted as lost by
 * ovs_dp_upcall(); like upstream, a lost packet also counts as missed.
 */
static void ovs_dp_miss(struct ovs_dp *dp, struct sk_buff *skb,
			const struct ovs_key *key)
{
	struct ovs_upcall_info info = {
		.cmd = OVS_PACKET_CMD_MISS,
		.mru = OVS_CB(skb)->mru,
	};
	int err;

	info.portid = ovs_dp_upcall_portid(dp, OVS_CB(skb)->input_vport, skb);
	err = ovs_dp_upcall(dp, skb, key, &info);
	if (!err || err == -EAGAIN)
		consume_skb(skb);
	else
		kfree_skb(skb);
}

/* Look @skb up and act on it; consumes @skb.  Called under RCU with BHs
 * disabled, from a vport's receive path or on recirculation.
 */
void ovs_dp_process_packet(struct sk_buff *skb, struct ovs_key *key)
{
	struct ovs_dp *dp = OVS_CB(skb)->input_vport->dp;
	u32 n_mask_hit = 0, n_cache_hit = 0;
	struct ovs_flow *flow;

	flow = ovs_flow_table_lookup(&dp->table, key, skb_get_hash(skb),
				     &n_mask_hit, &n_cache_hit);
	if (unlikely(!flow)) {
		ovs_dp_miss(dp, skb, key);
		ovs_dp_count(dp, false, n_mask_hit, n_cache_hit);
		return;
	}

	ovs_flow_stats_update(flow, key->tp.flags, skb->len);
	ovs_execute_actions(dp, skb, rcu_dereference(flow->acts), key);
	ovs_dp_count(dp, true, n_mask_hit, n_cache_hit);
}

/* Metadata that does not come from the packet's bytes. */
static void ovs_key_init_meta(struct ovs_key *key, const struct ovs_vport *vport,
			      const struct sk_buff *skb)
{
	/* Tunnel fields first: zero unless a tunnel port fills them. */
	memset(key, 0, offsetof(struct ovs_key, eth));
	key->mac_proto = OVS_MAC_PROTO_ETHERNET;
	key->in_port = vport->port_no;
	key->priority = skb->priority;
	key->skb_mark = skb->mark;
}

/* Entry point for every frame a port receives; consumes @skb.  Caller
 * holds rcu_read_lock() with BHs disabled.
 */
void ovs_vport_receive(struct ovs_vport *vport, struct sk_buff *skb)
{
	struct ovs_key key;

	OVS_CB(skb)->input_vport = vport;
	OVS_CB(skb)->mru = 0;
	OVS_CB(skb)->acts_origlen = 0;
	OVS_CB(skb)->cutlen = 0;

	/* An internal port moved to another namespace: what crosses into
	 * the datapath's namespace must not carry the other's state.
	 */
	if (unlikely(!net_eq(dev_net(skb->dev), ovs_dp_net(vport->dp))))
		skb_scrub_packet(skb, true);

	ovs_key_init_meta(&key, vport, skb);
	if (unlikely(ovs_dp_key_extract(skb, &key))) {
		kfree_skb(skb);
		return;
	}
	ovs_dp_process_packet(skb, &key);
}
