/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Flow keys, masks and action lists as netlink attributes: the
 * OVS_FLOW_ATTR_KEY / OVS_FLOW_ATTR_MASK / OVS_FLOW_ATTR_ACTIONS (and
 * OVS_PACKET_ATTR_KEY / OVS_PACKET_ATTR_ACTIONS) side of the datapath ABI.
 *
 * Parsing validates everything the way the upstream datapath does (so that
 * ovs-vswitchd's feature probes, which treat EINVAL as "unsupported", see
 * the answers they expect) and fills struct ovs_key; emitting writes a key
 * or mask back in the form ovs-vswitchd compares against what it
 * installed.  For every key K and mask M this file accepts,
 * parsing what ovs_nla_put_key() emits for them gives K and M back.
 *
 * Every parse function takes @log (false for OVS_FLOW_ATTR_PROBE requests:
 * no kernel log lines) and @extack, which receives a message (and the
 * offending attribute when there is one) on every rejection.
 *
 * Portable: built into the module and into the userspace tests.
 */
#ifndef OVSDP_FLOW_NETLINK_H
#define OVSDP_FLOW_NETLINK_H

#include "portable_env.h"
#include "flow_key.h"
#include "flow_actions.h"

/*
 * key->in_port of a key without OVS_KEY_ATTR_IN_PORT.  Equal to the
 * datapath's port limit (USHRT_MAX, OVS_DP_MAX_PORTS), which no port
 * number reaches, so such a key only matches packets if the mask
 * wildcards in_port.
 */
#define OVS_NL_NO_IN_PORT		0xffffU

/* Deepest nesting of action lists (sample, clone, check_pkt_len, dec_ttl
 * inside one another) accepted, as upstream.
 */
#define OVS_NL_ACTIONS_MAX_DEPTH	16

/*
 * Geneve options live in key->tun_opts[0 .. key->tun_opts_len) (left
 * aligned), with OVS_TNL_F_GENEVE_OPT set in key->tun.flags.  A mask that
 * matches options has tun_opts_len 0xff and the option bytes' mask at the
 * same place.
 *
 * MPLS: key->mpls.lse[] holds the label stack entries the key attribute
 * gave, up to and including the bottom of stack, zero after it.  The
 * number of entries a key has is therefore implied: up to the first one
 * with the S bit, or all OVS_KEY_MPLS_LABELS_MAX of them.
 */
unsigned int ovs_nla_key_mpls_labels(const struct ovs_key *key);

/*
 * Parse a flow's key and mask for OVS_FLOW_CMD_NEW/SET.  @key_attr is the
 * nested OVS_FLOW_ATTR_KEY, @mask_attr the nested OVS_FLOW_ATTR_MASK or
 * NULL.  Fills @key (unmasked, exactly what userspace sent), @mask and
 * @range, the sizeof(long) aligned byte range of @mask's non-zero bytes.
 *
 * Without @mask_attr the mask is exact over every field the key's
 * attributes carry (plus: no tunnel if the key has none, all tunnel
 * fields of the key's tunnel, the ethertype of 802.2 frames).  With it,
 * mask attributes that are all zero are ignored, as upstream; a mask for a
 * field whose prerequisites the key or mask lacks (e.g. a TCP port mask
 * without an exact IP protocol) is rejected.
 *
 * Returns 0 or -EINVAL.
 */
int ovs_nla_parse_key_mask(const struct nlattr *key_attr,
			   const struct nlattr *mask_attr,
			   struct ovs_key *key, struct ovs_key *mask,
			   struct ovs_key_range *range, bool log,
			   struct netlink_ext_ack *extack);

/* Parse and validate just a key (OVS_FLOW_CMD_GET/DEL by key).  Returns 0
 * or -EINVAL.
 */
int ovs_nla_parse_key_exact(const struct nlattr *key_attr,
			    struct ovs_key *key, bool log,
			    struct netlink_ext_ack *extack);

/*
 * OVS_PACKET_CMD_EXECUTE: take the metadata (in_port, priority, skb_mark,
 * recirc_id, dp_hash, tunnel, and mac_proto plus eth.type for an L3
 * packet given as ETHERTYPE without ETHERNET) from the nested
 * OVS_PACKET_ATTR_KEY into @key, leaving every field from key->eth on
 * untouched for the packet's own extraction.  Top-level attributes are
 * checked for type, length and duplicates; the others are ignored.
 * Returns 0 or -EINVAL.
 */
int ovs_nla_parse_packet_meta(const struct nlattr *key_attr,
			      struct ovs_key *key, bool log,
			      struct netlink_ext_ack *extack);

/*
 * Parse a nested OVS_KEY_ATTR_TUNNEL (e.g. the argument of a
 * set(tunnel(...)) action, already validated by ovs_nla_copy_actions())
 * into key->tun, key->tun_proto, key->tun_opts and key->tun_opts_len.
 * Returns 0 or -EINVAL.
 */
int ovs_nla_parse_tunnel(const struct nlattr *tun_attr, struct ovs_key *key,
			 bool log, struct netlink_ext_ack *extack);

/* dst = key & mask over @range, zero elsewhere. */
void ovs_nla_apply_mask(struct ovs_key *dst, const struct ovs_key *key,
			const struct ovs_key *mask,
			const struct ovs_key_range *range);

/*
 * Emit a nested @attrtype holding a key (@is_mask false: @key's values) or
 * a mask (@is_mask true: @mask's values).  Which attributes appear is
 * decided by @key in both cases, so for a flow pass the flow's (masked)
 * key as @key both times, as upstream does; @mask may be NULL when
 * !@is_mask.  Returns 0 or -EMSGSIZE (nothing is left in @skb then).
 */
int ovs_nla_put_key(struct sk_buff *skb, int attrtype,
		    const struct ovs_key *key, const struct ovs_key *mask,
		    bool is_mask);

/* The key of a packet (upcalls): every field the packet had. */
int ovs_nla_put_packet_key(struct sk_buff *skb, int attrtype,
			   const struct ovs_key *key);

/*
 * Emit @key's tunnel metadata as a nested @attrtype of OVS_TUNNEL_KEY_ATTR_*
 * (e.g. OVS_PACKET_ATTR_EGRESS_TUN_KEY).  Returns 0 or -EMSGSIZE.
 */
int ovs_nla_put_tunnel(struct sk_buff *skb, int attrtype,
		       const struct ovs_key *key);

/* Worst-case payload sizes of a nested key (or mask) and of a nested
 * tunnel key, for sizing replies: add nla_total_size() around them.
 */
size_t ovs_nla_key_attr_size(void);
size_t ovs_nla_tunnel_attr_size(void);

/*
 * Validate the nested OVS_FLOW_ATTR_ACTIONS (or OVS_PACKET_ATTR_ACTIONS)
 * @attr against the flow it will run on: @key with @mask applied (@mask
 * may be NULL for an exact key, as for a packet being executed).  On
 * success returns a kmalloc()ed struct ovs_actions whose data is a
 * verbatim copy of @attr's payload: nothing is rewritten, so the action
 * executor reads exactly what userspace sent, and
 * ovs_nla_put_actions() gives it back byte for byte.  Free it with
 * ovs_nla_free_actions() (or kfree()/kfree_rcu(acts, rcu)).  On failure
 * returns ERR_PTR(-EINVAL), ERR_PTR(-EOVERFLOW) for nesting deeper than
 * OVS_NL_ACTIONS_MAX_DEPTH, or ERR_PTR(-ENOMEM).
 *
 * Supported: OUTPUT, USERSPACE, SET and SET_MASKED of PRIORITY, SKB_MARK,
 * ETHERNET, IPV4, IPV6, TCP, UDP, SCTP, MPLS (plus SET of TUNNEL),
 * PUSH_VLAN, POP_VLAN, PUSH_MPLS, POP_MPLS, ADD_MPLS, SAMPLE, CLONE,
 * RECIRC, HASH, TRUNC, CHECK_PKT_LEN, DEC_TTL.  Everything else (CT,
 * CT_CLEAR, METER, PUSH_ETH, POP_ETH, PUSH_NSH, POP_NSH, unknown types)
 * is rejected with -EINVAL.
 */
struct ovs_actions *ovs_nla_copy_actions(const struct nlattr *attr,
					 const struct ovs_key *key,
					 const struct ovs_key *mask, bool log,
					 struct netlink_ext_ack *extack);

void ovs_nla_free_actions(struct ovs_actions *acts);

/*
 * Append @acts' attributes to @skb as they were given (into a nest the
 * caller opened, e.g. OVS_FLOW_ATTR_ACTIONS).  Returns 0 or -EMSGSIZE
 * (then @skb may hold part of them: cancel the caller's nest).
 */
int ovs_nla_put_actions(struct sk_buff *skb, const struct ovs_actions *acts);

/* ---- Shared by the flow_netlink*.c files only ---- */

/* Record why a request is rejected, log it unless probing; -EINVAL. */
#define OVS_NL_REJECT(log, extack, attr, msg) ({			\
	NL_SET_ERR_MSG_ATTR((extack), (attr), msg);			\
	if (log)							\
		pr_info_ratelimited("openvswitch: %s\n", msg);		\
	-EINVAL;							\
})

/* The size of each OVS_KEY_ATTR_* payload, or one of these. */
#define OVS_NL_LEN_VAR		(-1)	/* any length, checked by its parser */
#define OVS_NL_LEN_NESTED	(-2)	/* nested attributes */
#define OVS_NL_LEN_BAD		(-3)	/* rejected by this datapath */

int ovs_nla_key_attr_len(int type);

#endif /* OVSDP_FLOW_NETLINK_H */
