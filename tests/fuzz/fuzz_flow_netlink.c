// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target for datapath/flow_netlink.c and flow_actions_nl.c.
 *
 * Input: u16 key length, u16 mask length (0xffff: no mask), the key
 * payload, the mask payload, and the rest as an action list payload; each
 * becomes the payload of its own nested attribute in an exactly sized
 * allocation.  Whatever parses must emit, and what is emitted must parse
 * back to the same key, mask and range; copied actions must emit the same
 * attributes they were given.
 */
#include "portable_env.h"
#include "flow_netlink.h"

#include <stdio.h>

static struct nlattr *wrap(int type, const u8 *data, size_t len)
{
	struct nlattr *nla = malloc(NLA_HDRLEN + len);

	nla->nla_type = type;
	nla->nla_len = NLA_HDRLEN + len;
	memcpy((u8 *)nla + NLA_HDRLEN, data, len);
	return nla;
}

static void check_round_trip(const struct ovs_key *key,
			     const struct ovs_key *mask,
			     const struct ovs_key_range *r)
{
	struct sk_buff *ks = alloc_skb(4096, GFP_KERNEL);
	struct sk_buff *ms = alloc_skb(4096, GFP_KERNEL);
	struct netlink_ext_ack ack = { 0 };
	struct ovs_key key2, mask2, masked;
	struct ovs_key_range r2;

	if (ovs_nla_put_key(ks, OVS_FLOW_ATTR_KEY, key, NULL, false) ||
	    ovs_nla_put_key(ms, OVS_FLOW_ATTR_MASK, key, mask, true))
		abort();
	if (ks->len > (unsigned int)nla_total_size(ovs_nla_key_attr_size()) ||
	    ms->len > (unsigned int)nla_total_size(ovs_nla_key_attr_size()))
		abort();
	if (ovs_nla_parse_key_mask((struct nlattr *)ks->data,
				   (struct nlattr *)ms->data, &key2, &mask2,
				   &r2, false, &ack)) {
		fprintf(stderr, "re-parse failed: %s\n", ack._msg);
		abort();
	}
	if (memcmp(key, &key2, sizeof(*key)) ||
	    memcmp(mask, &mask2, sizeof(*mask)) ||
	    r->start != r2.start || r->end != r2.end)
		abort();

	/* The masked key, as dumps send it, emits too. */
	ovs_nla_apply_mask(&masked, key, mask, r);
	skb_trim(ks, 0);
	if (ovs_nla_put_key(ks, OVS_FLOW_ATTR_KEY, &masked, mask, false))
		abort();
	kfree_skb(ks);
	kfree_skb(ms);
}

/* The emitted actions are the given attributes, one for one. */
static void check_actions(const struct nlattr *attr,
			  const struct ovs_actions *acts)
{
	struct sk_buff *s = alloc_skb(acts->len + 64, GFP_KERNEL);
	const struct nlattr *a, *b;
	int ra, rb;

	if (acts->len != (u32)nla_len(attr) ||
	    memcmp(acts->data, nla_data(attr), acts->len))
		abort();
	if (ovs_nla_put_actions(s, acts))
		abort();
	b = (const struct nlattr *)s->data;
	rb = s->len;
	nla_for_each_nested(a, attr, ra) {
		if (!nla_ok(b, rb) || a->nla_type != b->nla_type ||
		    a->nla_len != b->nla_len ||
		    memcmp(nla_data(a), nla_data(b), nla_len(a)))
			abort();
		b = nla_next(b, &rb);
	}
	if (rb > 0)
		abort();
	kfree_skb(s);
}

static void try_actions(const struct nlattr *attr, const struct ovs_key *key,
			const struct ovs_key *mask)
{
	struct netlink_ext_ack ack = { 0 };
	struct ovs_actions *acts;

	acts = ovs_nla_copy_actions(attr, key, mask, false, &ack);
	if (IS_ERR(acts)) {
		if (!ack._msg)
			abort();
		return;
	}
	check_actions(attr, acts);
	ovs_nla_free_actions(acts);
}

int LLVMFuzzerTestOneInput(const u8 *data, size_t size)
{
	struct nlattr *key_attr, *mask_attr = NULL, *acts_attr;
	struct netlink_ext_ack ack = { 0 };
	struct ovs_key key, mask, exact, meta;
	size_t klen, mlen, alen;
	struct ovs_key_range r;
	int err;

	if (size < 4)
		return 0;
	klen = data[0] | data[1] << 8;
	mlen = data[2] | data[3] << 8;
	data += 4;
	size -= 4;
	if (klen > size)
		klen = size;
	key_attr = wrap(OVS_FLOW_ATTR_KEY, data, klen);
	data += klen;
	size -= klen;
	if (mlen != 0xffff) {
		if (mlen > size)
			mlen = size;
		mask_attr = wrap(OVS_FLOW_ATTR_MASK, data, mlen);
		data += mlen;
		size -= mlen;
	}
	alen = size > 0xff00 ? 0xff00 : size;
	acts_attr = wrap(OVS_FLOW_ATTR_ACTIONS, data, alen);

	err = ovs_nla_parse_key_mask(key_attr, mask_attr, &key, &mask, &r,
				     false, &ack);
	if (err && !ack._msg)
		abort();
	if (!err) {
		check_round_trip(&key, &mask, &r);
		/* The key alone parses the same way. */
		if (ovs_nla_parse_key_exact(key_attr, &exact, false, &ack) ||
		    memcmp(&exact, &key, sizeof(key)))
			abort();
		try_actions(acts_attr, &key, &mask);
		try_actions(acts_attr, &key, NULL);
	}

	memset(&meta, 0, sizeof(meta));
	ack._msg = NULL;
	if (ovs_nla_parse_packet_meta(key_attr, &meta, false, &ack) &&
	    !ack._msg)
		abort();

	free(key_attr);
	free(mask_attr);
	free(acts_attr);
	return 0;
}
