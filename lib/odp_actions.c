// SPDX-License-Identifier: GPL-2.0
/*
 * Action list syntax: OVS_ACTION_ATTR_* streams <-> ovs-dpctl style text,
 * e.g. "set(ipv4(ttl=63)),push_vlan(vid=10,pcp=0),sample(sample=50.0%,
 * actions(userspace(pid=7))),2".  An empty list is "drop".
 *
 * Every action whose payload does not have the expected shape (unknown
 * type, wrong size, unknown or repeated nested attribute) is printed as
 * "actionN(hex)", which parses back to the very same bytes.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <ctype.h>
#include <linux/openvswitch.h>

#include "odp_internal.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* The uapi header does not name the symmetric L4 hash; its value is 1. */
#define HASH_ALG_SYM_L4 1

#define VLAN_VID_MASK	0x0fff
#define VLAN_CFI	0x1000
#define VLAN_PCP_SHIFT	13

static void actions_format(struct ovsdp_buf *out, const void *data,
			   size_t len);
static bool actions_list_parse(struct lexer *lx, struct ovsdp_buf *acts,
			       char end);

/* ---- helpers ---- */

static uint32_t get_u32(const struct nlattr *a)
{
	uint32_t v;

	memcpy(&v, attr_data(a), sizeof(v));
	return v;
}

static uint16_t get_u16(const struct nlattr *a)
{
	uint16_t v;

	memcpy(&v, attr_data(a), sizeof(v));
	return v;
}

static uint32_t be32_at(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | p[1] << 16 | p[2] << 8 | p[3];
}

static uint16_t be16_at(const uint8_t *p)
{
	return p[0] << 8 | p[1];
}

static void put_be32(uint8_t *p, uint32_t v)
{
	p[0] = v >> 24;
	p[1] = v >> 16;
	p[2] = v >> 8;
	p[3] = v;
}

static void put_be16(uint8_t *p, uint16_t v)
{
	p[0] = v >> 8;
	p[1] = v;
}

/* Expected shape of a nested attribute: fixed size, or -1 for any. */
struct nest_policy {
	uint16_t type;
	int len;
};

#define ANY_LEN (-1)

/*
 * Splits a nest into @tb (indexed by type) and checks it holds only known,
 * unrepeated attributes of the right size: only such nests have a text
 * form that parses back identically.
 */
static bool nest_split(const void *data, size_t len,
		       const struct nest_policy *pol, size_t n_pol,
		       const struct nlattr **tb, size_t tb_size)
{
	const struct nlattr *a;
	struct attr_iter it;
	size_t i;

	memset(tb, 0, tb_size * sizeof(*tb));
	attr_iter_init(&it, data, len);
	while ((a = attr_iter_next(&it))) {
		for (i = 0; i < n_pol; i++)
			if (pol[i].type == attr_type(a))
				break;
		if (i == n_pol || attr_type(a) >= tb_size || tb[attr_type(a)])
			return false;
		if (pol[i].len != ANY_LEN && attr_len(a) != (size_t)pol[i].len)
			return false;
		tb[attr_type(a)] = a;
	}
	return it.left == 0;
}

static void generic_action_format(struct ovsdp_buf *out,
				  const struct nlattr *a)
{
	ovsdp_buf_printf(out, "action%u(", attr_type(a));
	ovsdp_hex_format(out, attr_data(a), attr_len(a));
	ovsdp_buf_printf(out, ")");
}

/* ---- formatting ---- */

static bool userspace_format(struct ovsdp_buf *out, const struct nlattr *a)
{
	static const struct nest_policy pol[] = {
		{ OVS_USERSPACE_ATTR_PID, 4 },
		{ OVS_USERSPACE_ATTR_USERDATA, ANY_LEN },
		{ OVS_USERSPACE_ATTR_EGRESS_TUN_PORT, 4 },
		{ OVS_USERSPACE_ATTR_ACTIONS, 0 },
	};
	const struct nlattr *tb[OVS_USERSPACE_ATTR_MAX + 1], *sub;
	struct attr_iter it;

	if (!nest_split(attr_data(a), attr_len(a), pol, ARRAY_SIZE(pol), tb,
			ARRAY_SIZE(tb)))
		return false;
	/* Printed in attribute order, so that any order round-trips. */
	ovsdp_buf_printf(out, "userspace(");
	attr_iter_init(&it, attr_data(a), attr_len(a));
	while ((sub = attr_iter_next(&it))) {
		if (sub != (const struct nlattr *)attr_data(a))
			ovsdp_buf_printf(out, ",");
		switch (attr_type(sub)) {
		case OVS_USERSPACE_ATTR_PID:
			ovsdp_buf_printf(out, "pid=%u", get_u32(sub));
			break;
		case OVS_USERSPACE_ATTR_USERDATA:
			ovsdp_buf_printf(out, "userdata(");
			ovsdp_hex_format(out, attr_data(sub), attr_len(sub));
			ovsdp_buf_printf(out, ")");
			break;
		case OVS_USERSPACE_ATTR_EGRESS_TUN_PORT:
			ovsdp_buf_printf(out, "tunnel_out_port=%u",
					 get_u32(sub));
			break;
		case OVS_USERSPACE_ATTR_ACTIONS:
			ovsdp_buf_printf(out, "actions");
			break;
		}
	}
	ovsdp_buf_printf(out, ")");
	return true;
}

static bool set_masked_format(struct ovsdp_buf *out, const struct nlattr *a)
{
	const struct nlattr *inner = attr_data(a);
	struct ovsdp_buf v, m;
	size_t half;
	bool ok = false;

	if (attr_len(a) < NLA_HDRLEN || inner->nla_len < NLA_HDRLEN ||
	    NLA_ALIGN((size_t)inner->nla_len) != attr_len(a) ||
	    attr_len(inner) % 2 || key_type_is_nested(attr_type(inner)))
		return false;
	half = attr_len(inner) / 2;
	ovsdp_buf_init(&v);
	ovsdp_buf_init(&m);
	ovsdp_attr_put(&v, attr_type(inner), attr_data(inner), half);
	ovsdp_attr_put(&m, attr_type(inner),
		       (const uint8_t *)attr_data(inner) + half, half);
	if (!v.oom && !m.oom) {
		const struct nlattr *mv = (const struct nlattr *)m.data;

		/* An all-ones mask must still read back as a masked set. */
		ovsdp_buf_printf(out, "set(");
		key_attr_format(out, (const struct nlattr *)v.data, mv,
				key_attr_mask_full(mv));
		ovsdp_buf_printf(out, ")");
		ok = true;
	}
	ovsdp_buf_free(&v);
	ovsdp_buf_free(&m);
	return ok;
}

static bool set_format(struct ovsdp_buf *out, const struct nlattr *a)
{
	const struct nlattr *inner = attr_data(a);

	/* The canonical nest: inner attribute plus its alignment padding. */
	if (attr_len(a) < NLA_HDRLEN || inner->nla_len < NLA_HDRLEN ||
	    NLA_ALIGN((size_t)inner->nla_len) != attr_len(a))
		return false;
	ovsdp_buf_printf(out, "set(");
	key_attr_format(out, inner, NULL, false);
	ovsdp_buf_printf(out, ")");
	return true;
}

static bool push_vlan_format(struct ovsdp_buf *out, const struct nlattr *a)
{
	const uint8_t *p = attr_data(a);
	uint16_t tpid, tci;

	if (attr_len(a) != sizeof(struct ovs_action_push_vlan))
		return false;
	tpid = be16_at(p);
	tci = be16_at(p + 2);
	ovsdp_buf_printf(out, "push_vlan(");
	if (tpid != 0x8100)
		ovsdp_buf_printf(out, "tpid=0x%04x,", tpid);
	ovsdp_buf_printf(out, "vid=%u,pcp=%u", tci & VLAN_VID_MASK,
			 tci >> VLAN_PCP_SHIFT);
	if (!(tci & VLAN_CFI))
		ovsdp_buf_printf(out, ",cfi=0");
	ovsdp_buf_printf(out, ")");
	return true;
}

/*
 * Shortest decimal percentage that converts back to the same probability,
 * starting at ovs-dpctl's one decimal.
 */
static uint32_t pct_to_prob(double pct)
{
	double p = pct / 100.0 * UINT32_MAX;

	if (p <= 0)
		return 0;
	if (p >= UINT32_MAX)
		return UINT32_MAX;
	return (uint32_t)llround(p);
}

static void prob_format(struct ovsdp_buf *out, uint32_t prob)
{
	double pct = prob * 100.0 / UINT32_MAX;
	char text[64];
	int prec;

	for (prec = 1; prec < 17; prec++) {
		snprintf(text, sizeof(text), "%.*f", prec, pct);
		if (pct_to_prob(strtod(text, NULL)) == prob)
			break;
	}
	ovsdp_buf_printf(out, "%s%%", text);
}

static bool sample_format(struct ovsdp_buf *out, const struct nlattr *a)
{
	static const struct nest_policy pol[] = {
		{ OVS_SAMPLE_ATTR_PROBABILITY, 4 },
		{ OVS_SAMPLE_ATTR_ACTIONS, ANY_LEN },
	};
	const struct nlattr *tb[OVS_SAMPLE_ATTR_MAX + 1];
	const struct nlattr *acts;

	if (!nest_split(attr_data(a), attr_len(a), pol, ARRAY_SIZE(pol), tb,
			ARRAY_SIZE(tb)))
		return false;
	acts = tb[OVS_SAMPLE_ATTR_ACTIONS];
	/* Only the canonical order reads back identically. */
	if (!tb[OVS_SAMPLE_ATTR_PROBABILITY] || !acts ||
	    (const void *)tb[OVS_SAMPLE_ATTR_PROBABILITY] != attr_data(a) ||
	    !attr_stream_valid(attr_data(acts), attr_len(acts)))
		return false;
	ovsdp_buf_printf(out, "sample(sample=");
	prob_format(out, get_u32(tb[OVS_SAMPLE_ATTR_PROBABILITY]));
	ovsdp_buf_printf(out, ",actions(");
	actions_format(out, attr_data(acts), attr_len(acts));
	ovsdp_buf_printf(out, "))");
	return true;
}

static bool hash_format(struct ovsdp_buf *out, const struct nlattr *a)
{
	struct ovs_action_hash h;

	if (attr_len(a) != sizeof(h))
		return false;
	memcpy(&h, attr_data(a), sizeof(h));
	if (h.hash_alg == OVS_HASH_ALG_L4)
		ovsdp_buf_printf(out, "hash(l4(%u))", h.hash_basis);
	else if (h.hash_alg == HASH_ALG_SYM_L4)
		ovsdp_buf_printf(out, "hash(sym_l4(%u))", h.hash_basis);
	else
		return false;
	return true;
}

static bool push_mpls_format(struct ovsdp_buf *out, const struct nlattr *a)
{
	const uint8_t *p = attr_data(a);
	uint32_t lse;

	if (attr_len(a) != sizeof(struct ovs_action_push_mpls) || p[6] || p[7])
		return false;
	lse = be32_at(p);
	ovsdp_buf_printf(out,
			 "push_mpls(label=%u,tc=%u,ttl=%u,bos=%u,eth_type=0x%x)",
			 lse >> 12, (lse >> 9) & 7, lse & 0xff, (lse >> 8) & 1,
			 be16_at(p + 4));
	return true;
}

/* A NUL-terminated word: what "helper=" and "timeout=" can carry. */
static bool word_attr(const struct nlattr *a)
{
	const char *s = attr_data(a);
	size_t n = attr_len(a), i;

	if (n < 2 || s[n - 1])
		return false;
	for (i = 0; i + 1 < n; i++)
		if (!isalnum((unsigned char)s[i]) && s[i] != '_')
			return false;
	return true;
}

static bool ct_format(struct ovsdp_buf *out, const struct nlattr *a)
{
	static const struct nest_policy pol[] = {
		{ OVS_CT_ATTR_COMMIT, 0 },
		{ OVS_CT_ATTR_FORCE_COMMIT, 0 },
		{ OVS_CT_ATTR_ZONE, 2 },
		{ OVS_CT_ATTR_MARK, 8 },
		{ OVS_CT_ATTR_LABELS, 32 },
		{ OVS_CT_ATTR_HELPER, ANY_LEN },
		{ OVS_CT_ATTR_TIMEOUT, ANY_LEN },
		{ OVS_CT_ATTR_EVENTMASK, 4 },
	};
	const struct nlattr *tb[OVS_CT_ATTR_MAX + 1], *sub;
	const char *sep = "";
	struct attr_iter it;
	uint32_t mark[2];
	const uint8_t *lb;

	if (!nest_split(attr_data(a), attr_len(a), pol, ARRAY_SIZE(pol), tb,
			ARRAY_SIZE(tb)))
		return false;
	if ((tb[OVS_CT_ATTR_HELPER] && !word_attr(tb[OVS_CT_ATTR_HELPER])) ||
	    (tb[OVS_CT_ATTR_TIMEOUT] && !word_attr(tb[OVS_CT_ATTR_TIMEOUT])))
		return false;
	ovsdp_buf_printf(out, "ct");
	if (!attr_len(a))
		return true;
	ovsdp_buf_printf(out, "(");
	attr_iter_init(&it, attr_data(a), attr_len(a));
	while ((sub = attr_iter_next(&it))) {
		ovsdp_buf_printf(out, "%s", sep);
		sep = ",";
		switch (attr_type(sub)) {
		case OVS_CT_ATTR_COMMIT:
			ovsdp_buf_printf(out, "commit");
			break;
		case OVS_CT_ATTR_FORCE_COMMIT:
			ovsdp_buf_printf(out, "force_commit");
			break;
		case OVS_CT_ATTR_ZONE:
			ovsdp_buf_printf(out, "zone=%u", get_u16(sub));
			break;
		case OVS_CT_ATTR_MARK:
			memcpy(mark, attr_data(sub), sizeof(mark));
			ovsdp_buf_printf(out, "mark=%#x/%#x", mark[0], mark[1]);
			break;
		case OVS_CT_ATTR_LABELS:
			lb = attr_data(sub);
			ovsdp_buf_printf(out, "label=0x");
			ovsdp_hex_format(out, lb, 16);
			ovsdp_buf_printf(out, "/0x");
			ovsdp_hex_format(out, lb + 16, 16);
			break;
		case OVS_CT_ATTR_HELPER:
			ovsdp_buf_printf(out, "helper=%s",
					 (const char *)attr_data(sub));
			break;
		case OVS_CT_ATTR_TIMEOUT:
			ovsdp_buf_printf(out, "timeout=%s",
					 (const char *)attr_data(sub));
			break;
		case OVS_CT_ATTR_EVENTMASK:
			ovsdp_buf_printf(out, "eventmask=%#x", get_u32(sub));
			break;
		}
	}
	ovsdp_buf_printf(out, ")");
	return true;
}

static bool check_pkt_len_format(struct ovsdp_buf *out,
				 const struct nlattr *a)
{
	static const struct nest_policy pol[] = {
		{ OVS_CHECK_PKT_LEN_ATTR_PKT_LEN, 2 },
		{ OVS_CHECK_PKT_LEN_ATTR_ACTIONS_IF_GREATER, ANY_LEN },
		{ OVS_CHECK_PKT_LEN_ATTR_ACTIONS_IF_LESS_EQUAL, ANY_LEN },
	};
	const struct nlattr *tb[OVS_CHECK_PKT_LEN_ATTR_MAX + 1];
	const struct nlattr *size, *gt, *le;

	if (!nest_split(attr_data(a), attr_len(a), pol, ARRAY_SIZE(pol), tb,
			ARRAY_SIZE(tb)))
		return false;
	size = tb[OVS_CHECK_PKT_LEN_ATTR_PKT_LEN];
	gt = tb[OVS_CHECK_PKT_LEN_ATTR_ACTIONS_IF_GREATER];
	le = tb[OVS_CHECK_PKT_LEN_ATTR_ACTIONS_IF_LESS_EQUAL];
	if (!size || !gt || !le || (const void *)size != attr_data(a) ||
	    gt > le || !attr_stream_valid(attr_data(gt), attr_len(gt)) ||
	    !attr_stream_valid(attr_data(le), attr_len(le)))
		return false;
	ovsdp_buf_printf(out, "check_pkt_len(size=%u,gt(", get_u16(size));
	actions_format(out, attr_data(gt), attr_len(gt));
	ovsdp_buf_printf(out, "),le(");
	actions_format(out, attr_data(le), attr_len(le));
	ovsdp_buf_printf(out, "))");
	return true;
}

static bool dec_ttl_format(struct ovsdp_buf *out, const struct nlattr *a)
{
	static const struct nest_policy pol[] = {
		{ OVS_DEC_TTL_ATTR_ACTION, ANY_LEN },
	};
	const struct nlattr *tb[OVS_DEC_TTL_ATTR_MAX + 1];
	const struct nlattr *acts;

	if (!nest_split(attr_data(a), attr_len(a), pol, ARRAY_SIZE(pol), tb,
			ARRAY_SIZE(tb)))
		return false;
	acts = tb[OVS_DEC_TTL_ATTR_ACTION];
	if (!acts || !attr_stream_valid(attr_data(acts), attr_len(acts)))
		return false;
	ovsdp_buf_printf(out, "dec_ttl(le_1(");
	actions_format(out, attr_data(acts), attr_len(acts));
	ovsdp_buf_printf(out, "))");
	return true;
}

static bool action_format(struct ovsdp_buf *out, const struct nlattr *a)
{
	const uint8_t *p = attr_data(a);
	size_t len = attr_len(a);

	switch (attr_type(a)) {
	case OVS_ACTION_ATTR_OUTPUT:
		if (len != 4)
			return false;
		ovsdp_buf_printf(out, "%u", get_u32(a));
		return true;
	case OVS_ACTION_ATTR_USERSPACE:
		return userspace_format(out, a);
	case OVS_ACTION_ATTR_SET:
		return set_format(out, a);
	case OVS_ACTION_ATTR_SET_MASKED:
		return set_masked_format(out, a);
	case OVS_ACTION_ATTR_PUSH_VLAN:
		return push_vlan_format(out, a);
	case OVS_ACTION_ATTR_POP_VLAN:
		if (len)
			return false;
		ovsdp_buf_printf(out, "pop_vlan");
		return true;
	case OVS_ACTION_ATTR_SAMPLE:
		return sample_format(out, a);
	case OVS_ACTION_ATTR_RECIRC:
		if (len != 4)
			return false;
		ovsdp_buf_printf(out, "recirc(%#x)", get_u32(a));
		return true;
	case OVS_ACTION_ATTR_HASH:
		return hash_format(out, a);
	case OVS_ACTION_ATTR_PUSH_MPLS:
		return push_mpls_format(out, a);
	case OVS_ACTION_ATTR_POP_MPLS:
		if (len != 2)
			return false;
		ovsdp_buf_printf(out, "pop_mpls(eth_type=0x%x)", be16_at(p));
		return true;
	case OVS_ACTION_ATTR_CT:
		return ct_format(out, a);
	case OVS_ACTION_ATTR_TRUNC:
		if (len != 4)
			return false;
		ovsdp_buf_printf(out, "trunc(%u)", get_u32(a));
		return true;
	case OVS_ACTION_ATTR_PUSH_ETH:
		if (len != 12)
			return false;
		ovsdp_buf_printf(out,
				 "push_eth(src=%02x:%02x:%02x:%02x:%02x:%02x,"
				 "dst=%02x:%02x:%02x:%02x:%02x:%02x)",
				 p[0], p[1], p[2], p[3], p[4], p[5],
				 p[6], p[7], p[8], p[9], p[10], p[11]);
		return true;
	case OVS_ACTION_ATTR_POP_ETH:
		if (len)
			return false;
		ovsdp_buf_printf(out, "pop_eth");
		return true;
	case OVS_ACTION_ATTR_CT_CLEAR:
		if (len)
			return false;
		ovsdp_buf_printf(out, "ct_clear");
		return true;
	case OVS_ACTION_ATTR_METER:
		if (len != 4)
			return false;
		ovsdp_buf_printf(out, "meter(%u)", get_u32(a));
		return true;
	case OVS_ACTION_ATTR_CLONE:
		if (!attr_stream_valid(p, len))
			return false;
		ovsdp_buf_printf(out, "clone(");
		actions_format(out, p, len);
		ovsdp_buf_printf(out, ")");
		return true;
	case OVS_ACTION_ATTR_CHECK_PKT_LEN:
		return check_pkt_len_format(out, a);
	case OVS_ACTION_ATTR_DEC_TTL:
		return dec_ttl_format(out, a);
	default:
		return false;
	}
}

static void actions_format(struct ovsdp_buf *out, const void *data,
			   size_t len)
{
	const struct nlattr *a;
	struct attr_iter it;
	size_t mark;

	if (!len) {
		ovsdp_buf_printf(out, "drop");
		return;
	}
	attr_iter_init(&it, data, len);
	while ((a = attr_iter_next(&it))) {
		if ((const void *)a != data)
			ovsdp_buf_printf(out, ",");
		mark = out->len;
		if (!action_format(out, a)) {
			/* Roll back a partial rendering. */
			out->len = mark;
			if (out->data)
				out->data[mark] = 0;
			generic_action_format(out, a);
		}
	}
	if (it.left)
		ovsdp_buf_printf(out, ",<%zu malformed bytes>", it.left);
}

void ovsdp_actions_format(struct ovsdp_buf *out, const void *acts,
			  size_t len)
{
	actions_format(out, acts, len);
}

/* ---- parsing ---- */

/* Consumes "name=" (fixed order parameters, as ovs-dpctl writes them). */
static bool lex_key(struct lexer *lx, const char *name)
{
	lex_skip_ws(lx);
	if (!lex_accept_word(lx, name))
		return lex_fail(lx, "expected '%s='", name);
	return lex_expect(lx, '=');
}

static bool key_uint(struct lexer *lx, const char *name, uint64_t max,
		     uint64_t *v)
{
	return lex_key(lx, name) && lex_uint(lx, max, v);
}

/* "(N)" holding one unsigned number. */
static bool paren_uint(struct lexer *lx, uint64_t max, uint64_t *v)
{
	return lex_expect(lx, '(') && lex_uint(lx, max, v) &&
	       lex_expect(lx, ')');
}

static bool set_parse(struct lexer *lx, struct ovsdp_buf *acts)
{
	struct ovsdp_buf key, mask;
	const struct nlattr *k, *m;
	size_t start, nest;
	bool exact, ok;

	ovsdp_buf_init(&key);
	ovsdp_buf_init(&mask);
	lex_skip_ws(lx);
	start = lx->pos;
	ok = lex_expect(lx, '(') && key_attr_parse(lx, &key, &mask, &exact) &&
	     lex_expect(lx, ')');
	if (!ok || key.oom || mask.oom)
		goto out;
	k = (const struct nlattr *)key.data;
	m = (const struct nlattr *)mask.data;
	if (exact) {
		nest = ovsdp_attr_nest_start(acts, OVS_ACTION_ATTR_SET);
		ovsdp_buf_put(acts, k, NLA_ALIGN(k->nla_len));
		ovsdp_attr_nest_end(acts, nest);
	} else if (key_type_is_nested(attr_type(k))) {
		lx->pos = start + 1;
		ok = lex_fail(lx, "masked set is not supported for this field");
	} else {
		/* One attribute carrying the value followed by the mask. */
		nest = ovsdp_attr_nest_start(acts, OVS_ACTION_ATTR_SET_MASKED);
		start = ovsdp_attr_nest_start(acts, attr_type(k));
		ovsdp_buf_put(acts, attr_data(k), attr_len(k));
		ovsdp_buf_put(acts, attr_data(m), attr_len(m));
		ovsdp_attr_nest_end(acts, start);
		ovsdp_buf_put(acts, NULL, NLA_ALIGN(acts->len) - acts->len);
		ovsdp_attr_nest_end(acts, nest);
	}
out:
	ovsdp_buf_free(&key);
	ovsdp_buf_free(&mask);
	return ok;
}

static bool userspace_parse(struct lexer *lx, struct ovsdp_buf *acts)
{
	uint32_t seen = 0;
	struct ovsdp_buf data;
	char name[32];
	size_t nest, start;
	uint64_t v;
	uint16_t type;
	bool ok = true;

	if (!lex_expect(lx, '('))
		return false;
	nest = ovsdp_attr_nest_start(acts, OVS_ACTION_ATTR_USERSPACE);
	do {
		lex_skip_ws(lx);
		start = lx->pos;
		if (!lex_name(lx, name, sizeof(name)))
			return false;
		if (!strcmp(name, "pid")) {
			type = OVS_USERSPACE_ATTR_PID;
			if (!lex_expect(lx, '=') || !lex_uint(lx, UINT32_MAX, &v))
				return false;
			ovsdp_attr_put_u32(acts, type, v);
		} else if (!strcmp(name, "tunnel_out_port")) {
			type = OVS_USERSPACE_ATTR_EGRESS_TUN_PORT;
			if (!lex_expect(lx, '=') || !lex_uint(lx, UINT32_MAX, &v))
				return false;
			ovsdp_attr_put_u32(acts, type, v);
		} else if (!strcmp(name, "actions")) {
			type = OVS_USERSPACE_ATTR_ACTIONS;
			ovsdp_attr_put_flag(acts, type);
		} else if (!strcmp(name, "userdata")) {
			type = OVS_USERSPACE_ATTR_USERDATA;
			ovsdp_buf_init(&data);
			ok = lex_expect(lx, '(') &&
			     (lex_peek(lx) == ')' || lex_hex_bytes(lx, &data)) &&
			     lex_expect(lx, ')');
			if (ok)
				ovsdp_attr_put(acts, type, data.data, data.len);
			ovsdp_buf_free(&data);
			if (!ok)
				return false;
		} else {
			lx->pos = start;
			return lex_fail(lx, "unknown userspace() parameter '%s'",
					name);
		}
		if (seen & (1u << type)) {
			lx->pos = start;
			return lex_fail(lx, "duplicate parameter '%s'", name);
		}
		seen |= 1u << type;
	} while (lex_accept(lx, ','));
	if (!(seen & (1u << OVS_USERSPACE_ATTR_PID)))
		return lex_fail(lx, "userspace() needs pid=");
	ovsdp_attr_nest_end(acts, nest);
	return lex_expect(lx, ')');
}

static bool push_vlan_parse(struct lexer *lx, struct ovsdp_buf *acts)
{
	uint64_t tpid = 0x8100, vid, pcp, cfi = 1;
	uint8_t p[4];

	if (!lex_expect(lx, '('))
		return false;
	lex_skip_ws(lx);
	if (!strncmp(lx->s + lx->pos, "tpid", 4) &&
	    (!key_uint(lx, "tpid", UINT16_MAX, &tpid) || !lex_expect(lx, ',')))
		return false;
	if (!key_uint(lx, "vid", VLAN_VID_MASK, &vid) || !lex_expect(lx, ',') ||
	    !key_uint(lx, "pcp", 7, &pcp))
		return false;
	if (lex_accept(lx, ',') && !key_uint(lx, "cfi", 1, &cfi))
		return false;
	if (!lex_expect(lx, ')'))
		return false;
	put_be16(p, tpid);
	put_be16(p + 2, vid | pcp << VLAN_PCP_SHIFT | (cfi ? VLAN_CFI : 0));
	ovsdp_attr_put(acts, OVS_ACTION_ATTR_PUSH_VLAN, p, sizeof(p));
	return true;
}

static bool pct_parse(struct lexer *lx, uint32_t *prob)
{
	const char *start;
	char *end;
	double pct;

	lex_skip_ws(lx);
	start = lx->s + lx->pos;
	if (!isdigit((unsigned char)*start))
		return lex_fail(lx, "expected a percentage");
	pct = strtod(start, &end);
	if (*end != '%' || pct < 0 || pct > 100)
		return lex_fail(lx, "expected a percentage from 0 to 100%%");
	lx->pos = end + 1 - lx->s;
	*prob = pct_to_prob(pct);
	return true;
}

/* "(actions)" as a nested attribute of @type. */
static bool nested_actions_parse(struct lexer *lx, struct ovsdp_buf *acts,
				 uint16_t type)
{
	size_t nest;

	if (!lex_expect(lx, '('))
		return false;
	nest = ovsdp_attr_nest_start(acts, type);
	if (!actions_list_parse(lx, acts, ')') || !lex_expect(lx, ')'))
		return false;
	ovsdp_attr_nest_end(acts, nest);
	return true;
}

static bool sample_parse(struct lexer *lx, struct ovsdp_buf *acts)
{
	uint32_t prob = 0;
	size_t nest;

	if (!lex_expect(lx, '(') || !lex_key(lx, "sample") ||
	    !pct_parse(lx, &prob) || !lex_expect(lx, ','))
		return false;
	if (!lex_accept_word(lx, "actions"))
		return lex_fail(lx, "expected 'actions('");
	nest = ovsdp_attr_nest_start(acts, OVS_ACTION_ATTR_SAMPLE);
	ovsdp_attr_put_u32(acts, OVS_SAMPLE_ATTR_PROBABILITY, prob);
	if (!nested_actions_parse(lx, acts, OVS_SAMPLE_ATTR_ACTIONS))
		return false;
	ovsdp_attr_nest_end(acts, nest);
	return lex_expect(lx, ')');
}

static bool hash_parse(struct lexer *lx, struct ovsdp_buf *acts)
{
	struct ovs_action_hash h = { 0 };
	uint64_t basis;

	if (!lex_expect(lx, '('))
		return false;
	if (lex_accept_word(lx, "l4"))
		h.hash_alg = OVS_HASH_ALG_L4;
	else if (lex_accept_word(lx, "sym_l4"))
		h.hash_alg = HASH_ALG_SYM_L4;
	else
		return lex_fail(lx, "expected l4 or sym_l4");
	if (!paren_uint(lx, UINT32_MAX, &basis) || !lex_expect(lx, ')'))
		return false;
	h.hash_basis = basis;
	ovsdp_attr_put(acts, OVS_ACTION_ATTR_HASH, &h, sizeof(h));
	return true;
}

static bool push_mpls_parse(struct lexer *lx, struct ovsdp_buf *acts)
{
	uint64_t label, tc, ttl, bos, type;
	uint8_t p[8] = { 0 };

	if (!lex_expect(lx, '(') ||
	    !key_uint(lx, "label", 0xfffff, &label) || !lex_expect(lx, ',') ||
	    !key_uint(lx, "tc", 7, &tc) || !lex_expect(lx, ',') ||
	    !key_uint(lx, "ttl", 255, &ttl) || !lex_expect(lx, ',') ||
	    !key_uint(lx, "bos", 1, &bos) || !lex_expect(lx, ',') ||
	    !key_uint(lx, "eth_type", UINT16_MAX, &type) ||
	    !lex_expect(lx, ')'))
		return false;
	put_be32(p, label << 12 | tc << 9 | bos << 8 | ttl);
	put_be16(p + 4, type);
	ovsdp_attr_put(acts, OVS_ACTION_ATTR_PUSH_MPLS, p, sizeof(p));
	return true;
}

static bool pop_mpls_parse(struct lexer *lx, struct ovsdp_buf *acts)
{
	uint64_t type;
	uint8_t p[2];

	if (!lex_expect(lx, '(') ||
	    !key_uint(lx, "eth_type", UINT16_MAX, &type) ||
	    !lex_expect(lx, ')'))
		return false;
	put_be16(p, type);
	ovsdp_attr_put(acts, OVS_ACTION_ATTR_POP_MPLS, p, sizeof(p));
	return true;
}

static bool push_eth_parse(struct lexer *lx, struct ovsdp_buf *acts)
{
	uint8_t p[12];

	if (!lex_expect(lx, '(') || !lex_key(lx, "src") || !lex_mac(lx, p) ||
	    !lex_expect(lx, ',') || !lex_key(lx, "dst") ||
	    !lex_mac(lx, p + 6) || !lex_expect(lx, ')'))
		return false;
	ovsdp_attr_put(acts, OVS_ACTION_ATTR_PUSH_ETH, p, sizeof(p));
	return true;
}

static bool wide_hex(struct lexer *lx, uint8_t *dst, size_t size)
{
	struct ovsdp_buf hex;
	size_t start;
	bool ok;

	ovsdp_buf_init(&hex);
	lex_skip_ws(lx);
	start = lx->pos;
	ok = lex_hex_bytes(lx, &hex);
	if (ok && (hex.len > size || hex.oom)) {
		lx->pos = start;
		ok = lex_fail(lx, "value longer than %zu bytes", size);
	}
	if (ok) {
		memset(dst, 0, size);
		memcpy(dst + size - hex.len, hex.data, hex.len);
	}
	ovsdp_buf_free(&hex);
	return ok;
}

static bool ct_param_parse(struct lexer *lx, struct ovsdp_buf *acts,
			   const char *name, uint16_t *type)
{
	uint8_t labels[32];
	uint32_t mark[2];
	char word[64];
	uint64_t v, m;

	if (!strcmp(name, "commit")) {
		*type = OVS_CT_ATTR_COMMIT;
		ovsdp_attr_put_flag(acts, *type);
	} else if (!strcmp(name, "force_commit")) {
		*type = OVS_CT_ATTR_FORCE_COMMIT;
		ovsdp_attr_put_flag(acts, *type);
	} else if (!strcmp(name, "zone")) {
		uint16_t zone;

		*type = OVS_CT_ATTR_ZONE;
		if (!lex_expect(lx, '=') || !lex_uint(lx, UINT16_MAX, &v))
			return false;
		zone = v;
		ovsdp_attr_put(acts, *type, &zone, sizeof(zone));
	} else if (!strcmp(name, "mark")) {
		*type = OVS_CT_ATTR_MARK;
		m = UINT32_MAX;
		if (!lex_expect(lx, '=') || !lex_uint(lx, UINT32_MAX, &v) ||
		    (lex_accept(lx, '/') && !lex_uint(lx, UINT32_MAX, &m)))
			return false;
		mark[0] = v;
		mark[1] = m;
		ovsdp_attr_put(acts, *type, mark, sizeof(mark));
	} else if (!strcmp(name, "label")) {
		*type = OVS_CT_ATTR_LABELS;
		memset(labels + 16, 0xff, 16);
		if (!lex_expect(lx, '=') || !wide_hex(lx, labels, 16) ||
		    (lex_accept(lx, '/') && !wide_hex(lx, labels + 16, 16)))
			return false;
		ovsdp_attr_put(acts, *type, labels, sizeof(labels));
	} else if (!strcmp(name, "helper") || !strcmp(name, "timeout")) {
		*type = name[0] == 'h' ? OVS_CT_ATTR_HELPER :
					 OVS_CT_ATTR_TIMEOUT;
		if (!lex_expect(lx, '=') || !lex_name(lx, word, sizeof(word)))
			return false;
		ovsdp_attr_put(acts, *type, word, strlen(word) + 1);
	} else if (!strcmp(name, "eventmask")) {
		*type = OVS_CT_ATTR_EVENTMASK;
		if (!lex_expect(lx, '=') || !lex_uint(lx, UINT32_MAX, &v))
			return false;
		ovsdp_attr_put_u32(acts, *type, v);
	} else {
		/* nat() and the rest are not offered by our datapath. */
		lx->pos -= strlen(name);
		return lex_fail(lx, "unsupported ct() parameter '%s'", name);
	}
	return true;
}

static bool ct_parse(struct lexer *lx, struct ovsdp_buf *acts)
{
	uint32_t seen = 0;
	uint16_t type = 0;
	char name[32];
	size_t nest, start;

	nest = ovsdp_attr_nest_start(acts, OVS_ACTION_ATTR_CT);
	if (lex_accept(lx, '(') && !lex_accept(lx, ')')) {
		do {
			lex_skip_ws(lx);
			start = lx->pos;
			if (!lex_name(lx, name, sizeof(name)))
				return false;
			if (!ct_param_parse(lx, acts, name, &type)) {
				lx->pos = start;
				return lex_fail(lx, "bad ct() parameter");
			}
			if (seen & (1u << type)) {
				lx->pos = start;
				return lex_fail(lx, "duplicate parameter '%s'",
						name);
			}
			seen |= 1u << type;
		} while (lex_accept(lx, ','));
		if (!lex_expect(lx, ')'))
			return false;
	}
	ovsdp_attr_nest_end(acts, nest);
	return true;
}

static bool check_pkt_len_parse(struct lexer *lx, struct ovsdp_buf *acts)
{
	uint64_t size;
	uint16_t len;
	size_t nest;

	if (!lex_expect(lx, '(') || !key_uint(lx, "size", UINT16_MAX, &size) ||
	    !lex_expect(lx, ','))
		return false;
	len = size;
	nest = ovsdp_attr_nest_start(acts, OVS_ACTION_ATTR_CHECK_PKT_LEN);
	ovsdp_attr_put(acts, OVS_CHECK_PKT_LEN_ATTR_PKT_LEN, &len, sizeof(len));
	if (!lex_accept_word(lx, "gt"))
		return lex_fail(lx, "expected 'gt('");
	if (!nested_actions_parse(lx, acts,
				  OVS_CHECK_PKT_LEN_ATTR_ACTIONS_IF_GREATER) ||
	    !lex_expect(lx, ','))
		return false;
	if (!lex_accept_word(lx, "le"))
		return lex_fail(lx, "expected 'le('");
	if (!nested_actions_parse(lx, acts,
				  OVS_CHECK_PKT_LEN_ATTR_ACTIONS_IF_LESS_EQUAL))
		return false;
	ovsdp_attr_nest_end(acts, nest);
	return lex_expect(lx, ')');
}

static bool dec_ttl_parse(struct lexer *lx, struct ovsdp_buf *acts)
{
	size_t nest;

	if (!lex_expect(lx, '('))
		return false;
	if (!lex_accept_word(lx, "le_1"))
		return lex_fail(lx, "expected 'le_1('");
	nest = ovsdp_attr_nest_start(acts, OVS_ACTION_ATTR_DEC_TTL);
	if (!nested_actions_parse(lx, acts, OVS_DEC_TTL_ATTR_ACTION))
		return false;
	ovsdp_attr_nest_end(acts, nest);
	return lex_expect(lx, ')');
}

/* "actionN(hex)": any action, as raw bytes. */
static bool generic_action_parse(struct lexer *lx, struct ovsdp_buf *acts,
				 const char *name, size_t start)
{
	struct ovsdp_buf data;
	unsigned long type;
	char *end;
	bool ok;

	type = strtoul(name + 6, &end, 10);
	if (!name[6] || *end || !isdigit((unsigned char)name[6]) ||
	    type > (unsigned long)NLA_TYPE_MASK) {
		lx->pos = start;
		return lex_fail(lx, "unknown action '%s'", name);
	}
	ovsdp_buf_init(&data);
	ok = lex_expect(lx, '(') &&
	     (lex_peek(lx) == ')' || lex_hex_bytes(lx, &data)) &&
	     lex_expect(lx, ')');
	if (ok)
		ovsdp_attr_put(acts, type, data.data, data.len);
	ovsdp_buf_free(&data);
	return ok;
}

static bool action_parse(struct lexer *lx, struct ovsdp_buf *acts)
{
	char name[32];
	size_t start;
	uint64_t v;

	lex_skip_ws(lx);
	start = lx->pos;
	if (isdigit((unsigned char)lx->s[lx->pos])) {
		if (!lex_uint(lx, UINT32_MAX, &v))
			return false;
		ovsdp_attr_put_u32(acts, OVS_ACTION_ATTR_OUTPUT, v);
		return true;
	}
	if (!lex_name(lx, name, sizeof(name)))
		return lex_fail(lx, "expected an action");

	if (!strcmp(name, "set"))
		return set_parse(lx, acts);
	if (!strcmp(name, "userspace"))
		return userspace_parse(lx, acts);
	if (!strcmp(name, "push_vlan"))
		return push_vlan_parse(lx, acts);
	if (!strcmp(name, "sample"))
		return sample_parse(lx, acts);
	if (!strcmp(name, "hash"))
		return hash_parse(lx, acts);
	if (!strcmp(name, "push_mpls"))
		return push_mpls_parse(lx, acts);
	if (!strcmp(name, "pop_mpls"))
		return pop_mpls_parse(lx, acts);
	if (!strcmp(name, "push_eth"))
		return push_eth_parse(lx, acts);
	if (!strcmp(name, "ct"))
		return ct_parse(lx, acts);
	if (!strcmp(name, "check_pkt_len"))
		return check_pkt_len_parse(lx, acts);
	if (!strcmp(name, "dec_ttl"))
		return dec_ttl_parse(lx, acts);
	if (!strcmp(name, "clone"))
		return nested_actions_parse(lx, acts, OVS_ACTION_ATTR_CLONE);
	if (!strcmp(name, "pop_vlan")) {
		ovsdp_attr_put_flag(acts, OVS_ACTION_ATTR_POP_VLAN);
		return true;
	}
	if (!strcmp(name, "pop_eth")) {
		ovsdp_attr_put_flag(acts, OVS_ACTION_ATTR_POP_ETH);
		return true;
	}
	if (!strcmp(name, "ct_clear")) {
		ovsdp_attr_put_flag(acts, OVS_ACTION_ATTR_CT_CLEAR);
		return true;
	}
	if (!strcmp(name, "recirc") || !strcmp(name, "trunc") ||
	    !strcmp(name, "meter")) {
		uint16_t type = name[0] == 'r' ? OVS_ACTION_ATTR_RECIRC :
				name[0] == 't' ? OVS_ACTION_ATTR_TRUNC :
						 OVS_ACTION_ATTR_METER;

		if (!paren_uint(lx, UINT32_MAX, &v))
			return false;
		ovsdp_attr_put_u32(acts, type, v);
		return true;
	}
	if (!strcmp(name, "drop")) {
		lx->pos = start;
		return lex_fail(lx, "'drop' must be the only action");
	}
	if (!strncmp(name, "action", 6))
		return generic_action_parse(lx, acts, name, start);
	lx->pos = start;
	return lex_fail(lx, "unknown action '%s'", name);
}

static bool actions_list_parse(struct lexer *lx, struct ovsdp_buf *acts,
			       char end)
{
	if (lex_accept_word(lx, "drop")) {
		if (lex_peek(lx) != end)
			return lex_fail(lx, "'drop' must be the only action");
		return true;
	}
	if (lex_peek(lx) == end)
		return lex_fail(lx, "empty action list (write 'drop')");
	do {
		if (!action_parse(lx, acts))
			return false;
	} while (lex_accept(lx, ','));
	if (lex_peek(lx) != end) {
		if (end)
			return lex_fail(lx, "expected ',' or '%c'", end);
		return lex_fail(lx, "expected ',' or end of input");
	}
	return true;
}

int ovsdp_actions_parse(const char *text, struct ovsdp_buf *acts,
			struct ovsdp_parse_error *err)
{
	struct lexer lx = { .s = text, .err = err };

	if (err) {
		err->pos = 0;
		err->msg[0] = 0;
	}
	if (!actions_list_parse(&lx, acts, '\0'))
		return -EINVAL;
	return acts->oom ? -ENOMEM : 0;
}
