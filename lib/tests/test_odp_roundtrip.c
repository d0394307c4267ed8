// SPDX-License-Identifier: GPL-2.0
/*
 * parse(format(attrs)) == attrs and format(parse(text)) == text over a
 * randomly generated corpus of canonical key/mask streams and action lists
 * (random fields and masks, nested encap/vlan, nested sample, clone,
 * check_pkt_len and dec_ttl).  The generator describes the ABI layouts
 * itself instead of reusing the library's tables, so a wrong offset or
 * width in either place shows up as a mismatch.
 */
#include <stdint.h>
#include <stdlib.h>
#include <linux/netlink.h>
#include <linux/openvswitch.h>

#include "ovsdp/odp.h"
#include "testutil.h"

static uint64_t rng_state = 0x9e3779b97f4a7c15ULL;

static uint64_t rnd(void)
{
	/* xorshift64*: deterministic so failures reproduce. */
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 0x2545f4914f6cdd1dULL;
}

static unsigned int rn(unsigned int n)
{
	return rnd() % n;
}

/* One maskable unit of a key struct: bytes, or a bit-field of an int. */
struct unit {
	uint8_t off, size, shift, bits;
	uint8_t def1;		/* vlan cfi: value 1 is implied */
};

struct ktype {
	uint16_t type;
	uint16_t len;
	uint8_t n;
	struct unit u[8];
};

#define B(o, s)		{ o, s, 0, 0, 0 }
#define BF(o, s, sh, b)	{ o, s, sh, b, 0 }

static const struct ktype ktypes[] = {
	{ OVS_KEY_ATTR_PRIORITY, 4, 1, { B(0, 4) } },
	{ OVS_KEY_ATTR_IN_PORT, 4, 1, { B(0, 4) } },
	{ OVS_KEY_ATTR_ETHERNET, 12, 2, { B(0, 6), B(6, 6) } },
	{ OVS_KEY_ATTR_VLAN, 2, 3, { BF(0, 2, 0, 12), BF(0, 2, 13, 3),
				     { 0, 2, 12, 1, 1 } } },
	{ OVS_KEY_ATTR_ETHERTYPE, 2, 1, { B(0, 2) } },
	{ OVS_KEY_ATTR_IPV4, 12, 6, { B(0, 4), B(4, 4), B(8, 1), B(9, 1),
				      B(10, 1), B(11, 1) } },
	{ OVS_KEY_ATTR_IPV6, 40, 7, { B(0, 16), B(16, 16), B(32, 4), B(36, 1),
				      B(37, 1), B(38, 1), B(39, 1) } },
	{ OVS_KEY_ATTR_TCP, 4, 2, { B(0, 2), B(2, 2) } },
	{ OVS_KEY_ATTR_UDP, 4, 2, { B(0, 2), B(2, 2) } },
	{ OVS_KEY_ATTR_SCTP, 4, 2, { B(0, 2), B(2, 2) } },
	{ OVS_KEY_ATTR_ICMP, 2, 2, { B(0, 1), B(1, 1) } },
	{ OVS_KEY_ATTR_ICMPV6, 2, 2, { B(0, 1), B(1, 1) } },
	{ OVS_KEY_ATTR_ARP, 24, 5, { B(0, 4), B(4, 4), B(8, 2), B(10, 6),
				     B(16, 6) } },
	{ OVS_KEY_ATTR_ND, 28, 3, { B(0, 16), B(16, 6), B(22, 6) } },
	{ OVS_KEY_ATTR_SKB_MARK, 4, 1, { B(0, 4) } },
	{ OVS_KEY_ATTR_TCP_FLAGS, 2, 1, { B(0, 2) } },
	{ OVS_KEY_ATTR_DP_HASH, 4, 1, { B(0, 4) } },
	{ OVS_KEY_ATTR_RECIRC_ID, 4, 1, { B(0, 4) } },
	{ OVS_KEY_ATTR_MPLS, 4, 4, { BF(0, 4, 12, 20), BF(0, 4, 9, 3),
				     BF(0, 4, 8, 1), BF(0, 4, 0, 8) } },
	{ OVS_KEY_ATTR_CT_STATE, 4, 1, { B(0, 4) } },
	{ OVS_KEY_ATTR_CT_ZONE, 2, 1, { B(0, 2) } },
	{ OVS_KEY_ATTR_CT_MARK, 4, 1, { B(0, 4) } },
	{ OVS_KEY_ATTR_CT_LABELS, 16, 1, { B(0, 16) } },
	{ OVS_KEY_ATTR_CT_ORIG_TUPLE_IPV4, 16, 5, { B(0, 4), B(4, 4),
		B(8, 2), B(10, 2), B(12, 1) } },
	{ OVS_KEY_ATTR_CT_ORIG_TUPLE_IPV6, 40, 5, { B(0, 16), B(16, 16),
		B(32, 2), B(34, 2), B(36, 1) } },
	{ OVS_KEY_ATTR_PACKET_TYPE, 4, 2, { BF(0, 4, 16, 16),
					    BF(0, 4, 0, 16) } },
	{ OVS_KEY_ATTR_IPV6_EXTHDRS, 2, 1, { B(0, 2) } },
};

#define N_KTYPES (sizeof(ktypes) / sizeof(ktypes[0]))

static void rand_bytes(uint8_t *p, size_t n)
{
	while (n--)
		*p++ = rnd();
}

/* Bit-field helpers on big-endian containers (host order is irrelevant:
 * a random full-width value is the same set of bytes either way). */
static uint64_t load(const uint8_t *p, int size)
{
	uint64_t v = 0;

	while (size--)
		v = v << 8 | *p++;
	return v;
}

static void store(uint8_t *p, int size, uint64_t v)
{
	while (size--) {
		p[size] = v;
		v >>= 8;
	}
}

/* Fills one unit's value and mask: wildcard, exact or partial. */
static void gen_unit(const struct unit *u, uint8_t *v, uint8_t *m,
		     bool exact)
{
	int choice = exact ? 1 : rn(4);	/* 0 wild, 1 exact, 2-3 partial */
	size_t i;

	if (u->bits) {
		uint64_t fm = (1ULL << u->bits) - 1, mv, vv;
		uint64_t wv = load(v + u->off, u->size);
		uint64_t wm = load(m + u->off, u->size);

		mv = choice == 0 ? 0 : choice == 1 ? fm : rnd() & fm;
		vv = rnd() & mv;
		if (u->def1 && rn(2))
			vv = mv & 1;
		wv = (wv & ~(fm << u->shift)) | vv << u->shift;
		wm = (wm & ~(fm << u->shift)) | mv << u->shift;
		store(v + u->off, u->size, wv);
		store(m + u->off, u->size, wm);
		return;
	}
	for (i = 0; i < u->size; i++) {
		uint8_t mb = choice == 0 ? 0 : choice == 1 ? 0xff : rnd();

		if (choice == 3)	/* prefix-style masks, like netmasks */
			mb = i < u->size / 2 ? 0xff : 0;
		m[u->off + i] = mb;
		v[u->off + i] = rnd() & mb;
	}
}

static bool all_zero(const uint8_t *p, size_t n)
{
	while (n--)
		if (*p++)
			return false;
	return true;
}

/* Struct tail padding stays zero, as the kernel sends it. */
static void zero_padding(const struct ktype *kt, uint8_t *p)
{
	if (kt->type == OVS_KEY_ATTR_ARP)
		memset(p + 22, 0, 2);
	if (kt->type == OVS_KEY_ATTR_CT_ORIG_TUPLE_IPV4)
		memset(p + 13, 0, 3);
	if (kt->type == OVS_KEY_ATTR_CT_ORIG_TUPLE_IPV6)
		memset(p + 37, 0, 3);
}

static void gen_fields(const struct ktype *kt, uint8_t *v, uint8_t *m,
		       bool exact)
{
	int i;

	do {
		memset(v, 0, kt->len);
		memset(m, 0, kt->len);
		for (i = 0; i < kt->n; i++)
			gen_unit(&kt->u[i], v, m, exact);
		if (exact)
			memset(m, 0xff, kt->len);
	} while (all_zero(m, kt->len));	/* all-wildcard is not printed */
	zero_padding(kt, m);
	zero_padding(kt, v);
}

static const uint16_t tun_types[] = {
	OVS_TUNNEL_KEY_ATTR_ID, OVS_TUNNEL_KEY_ATTR_IPV4_SRC,
	OVS_TUNNEL_KEY_ATTR_IPV4_DST, OVS_TUNNEL_KEY_ATTR_IPV6_SRC,
	OVS_TUNNEL_KEY_ATTR_IPV6_DST, OVS_TUNNEL_KEY_ATTR_TOS,
	OVS_TUNNEL_KEY_ATTR_TTL, OVS_TUNNEL_KEY_ATTR_TP_SRC,
	OVS_TUNNEL_KEY_ATTR_TP_DST,
};
static const uint8_t tun_sizes[] = { 8, 4, 4, 16, 16, 1, 1, 2, 2 };
static const uint16_t tun_flag_types[] = {
	OVS_TUNNEL_KEY_ATTR_DONT_FRAGMENT, OVS_TUNNEL_KEY_ATTR_CSUM,
	OVS_TUNNEL_KEY_ATTR_OAM,
};

static void gen_tunnel(struct ovsdp_buf *k, struct ovsdp_buf *m, bool exact)
{
	uint8_t v[16], mk[16];
	size_t nk, nm = 0, i, j;
	int flag_state[3];
	struct unit u = { 0 };

	nk = ovsdp_attr_nest_start(k, OVS_KEY_ATTR_TUNNEL);
	if (m)
		nm = ovsdp_attr_nest_start(m, OVS_KEY_ATTR_TUNNEL);
	for (i = 0; i < 3; i++)
		flag_state[i] = rn(3);	/* 0 absent, 1 set, 2 must be clear */
	for (i = 0; i < sizeof(tun_types) / sizeof(tun_types[0]); i++) {
		if (rn(2))
			continue;
		u.size = tun_sizes[i];
		do {
			memset(v, 0, sizeof(v));
			memset(mk, 0, sizeof(mk));
			gen_unit(&u, v, mk, exact);
		} while (all_zero(mk, u.size));
		ovsdp_attr_put(k, tun_types[i], v, u.size);
		if (m)
			ovsdp_attr_put(m, tun_types[i], mk, u.size);
	}
	for (j = 0; j < 3; j++)
		if (flag_state[j] == 1)
			ovsdp_attr_put_flag(k, tun_flag_types[j]);
	ovsdp_attr_nest_end(k, nk);
	if (!m)
		return;
	for (j = 0; j < 3; j++)
		if (flag_state[j] && !exact)
			ovsdp_attr_put_flag(m, tun_flag_types[j]);
		else if (flag_state[j] == 1)
			ovsdp_attr_put_flag(m, tun_flag_types[j]);
	ovsdp_attr_nest_end(m, nm);
}

/* Raw attribute of a type the syntax has no name for. */
static void gen_generic(struct ovsdp_buf *k, struct ovsdp_buf *m,
			uint16_t type, bool exact)
{
	uint8_t v[20], mk[20];
	size_t len = 1 + rn(sizeof(v)), i;

	do {
		for (i = 0; i < len; i++) {
			mk[i] = exact ? 0xff : rn(2) ? 0xff : rnd();
			v[i] = rnd() & mk[i];
		}
	} while (all_zero(mk, len));
	ovsdp_attr_put(k, type, v, len);
	if (m)
		ovsdp_attr_put(m, type, mk, len);
}

static void gen_key_list(struct ovsdp_buf *k, struct ovsdp_buf *m,
			 int depth, bool exact)
{
	bool used[N_KTYPES] = { false };
	bool tunnel = false, generic = false;
	int n = rn(7), i;
	uint8_t v[64], mk[64];
	size_t nk, nm = 0, t;

	for (i = 0; i < n; i++) {
		int what = rn(12);

		if (what == 0 && depth < 2) {
			/* an encap level: its own type is unique too */
			nk = ovsdp_attr_nest_start(k, OVS_KEY_ATTR_ENCAP);
			if (m)
				nm = ovsdp_attr_nest_start(m, OVS_KEY_ATTR_ENCAP);
			gen_key_list(k, m, depth + 1, exact);
			ovsdp_attr_nest_end(k, nk);
			if (m)
				ovsdp_attr_nest_end(m, nm);
			depth = 2;	/* at most one encap per level */
		} else if (what == 1 && !tunnel) {
			tunnel = true;
			gen_tunnel(k, m, exact);
		} else if (what == 2 && !generic) {
			generic = true;
			/* unknown type, or a known one with a bad length */
			gen_generic(k, m, rn(2) ? 40 + rn(100) :
				    OVS_KEY_ATTR_NSH, exact);
		} else {
			t = rn(N_KTYPES);
			if (used[t])
				continue;
			used[t] = true;
			gen_fields(&ktypes[t], v, mk, exact);
			ovsdp_attr_put(k, ktypes[t].type, v, ktypes[t].len);
			if (m)
				ovsdp_attr_put(m, ktypes[t].type, mk,
					       ktypes[t].len);
		}
	}
}

static bool same(const struct ovsdp_buf *a, const struct ovsdp_buf *b)
{
	return a->len == b->len && (!a->len || !memcmp(a->data, b->data,
							 a->len));
}

static void hexdump(const char *what, const struct ovsdp_buf *b)
{
	size_t i;

	fprintf(stderr, "  %s:", what);
	for (i = 0; i < b->len; i++)
		fprintf(stderr, "%s%02x", i % 4 ? "" : " ", b->data[i]);
	fputc('\n', stderr);
}

static void key_round_trip(bool exact)
{
	struct ovsdp_buf k, m, k2, m2, text, text2;
	struct ovsdp_parse_error err;
	int rc;

	ovsdp_buf_init(&k);
	ovsdp_buf_init(&m);
	ovsdp_buf_init(&k2);
	ovsdp_buf_init(&m2);
	ovsdp_buf_init(&text);
	ovsdp_buf_init(&text2);

	gen_key_list(&k, exact ? NULL : &m, 0, exact);
	if (exact)
		ovsdp_key_format(&text, k.data, k.len, NULL, 0);
	else
		ovsdp_key_format(&text, k.data, k.len, m.data, m.len);
	rc = ovsdp_key_parse(ovsdp_buf_str(&text), &k2, &m2, &err);
	CHECK(rc == 0, "parse failed: %s\n  text: %s", err.msg,
	      ovsdp_buf_str(&text));
	if (!rc) {
		bool ok = same(&k, &k2) && (exact || same(&m, &m2));

		CHECK(ok, "bytes differ after round trip\n  text: %s",
		      ovsdp_buf_str(&text));
		if (!ok) {
			hexdump("key ", &k);
			hexdump("key'", &k2);
			hexdump("mask ", &m);
			hexdump("mask'", &m2);
		}
		if (exact)
			ovsdp_key_format(&text2, k2.data, k2.len, NULL, 0);
		else
			ovsdp_key_format(&text2, k2.data, k2.len, m2.data,
					 m2.len);
		CHECK_STR(ovsdp_buf_str(&text2), ovsdp_buf_str(&text));
	}
	ovsdp_buf_free(&k);
	ovsdp_buf_free(&m);
	ovsdp_buf_free(&k2);
	ovsdp_buf_free(&m2);
	ovsdp_buf_free(&text);
	ovsdp_buf_free(&text2);
}

/* ---- actions ---- */

static void gen_actions(struct ovsdp_buf *a, int depth);

static void gen_nested_actions(struct ovsdp_buf *a, uint16_t type, int depth)
{
	size_t nest = ovsdp_attr_nest_start(a, type);

	gen_actions(a, depth + 1);
	ovsdp_attr_nest_end(a, nest);
}

static void gen_set(struct ovsdp_buf *a, bool masked)
{
	const struct ktype *kt = &ktypes[rn(N_KTYPES)];
	uint8_t v[64], m[64];
	size_t nest, inner;
	struct ovsdp_buf tk;

	nest = ovsdp_attr_nest_start(a, masked ? OVS_ACTION_ATTR_SET_MASKED :
					     OVS_ACTION_ATTR_SET);
	if (!masked && rn(5) == 0) {
		ovsdp_buf_init(&tk);
		gen_tunnel(&tk, NULL, true);
		ovsdp_buf_put(a, tk.data, tk.len);
		ovsdp_buf_free(&tk);
	} else if (rn(8) == 0) {
		ovsdp_buf_init(&tk);
		gen_generic(&tk, NULL, 50 + rn(50), true);
		if (masked) {
			/* value then mask inside one attribute */
			struct nlattr *h = (struct nlattr *)tk.data;
			size_t len = h->nla_len - NLA_HDRLEN, i;

			inner = ovsdp_attr_nest_start(a, h->nla_type);
			for (i = 0; i < len; i++)
				m[i] = rnd();
			for (i = 0; i < len; i++)
				v[i] = tk.data[NLA_HDRLEN + i] & m[i];
			ovsdp_buf_put(a, v, len);
			ovsdp_buf_put(a, m, len);
			ovsdp_attr_nest_end(a, inner);
			ovsdp_buf_put(a, NULL, NLA_ALIGN(a->len) - a->len);
		} else {
			ovsdp_buf_put(a, tk.data, tk.len);
		}
		ovsdp_buf_free(&tk);
	} else if (masked) {
		gen_fields(kt, v, m, false);
		if (rn(6) == 0) {
			/* full mask, still a masked set */
			memset(m, 0xff, kt->len);
			zero_padding(kt, m);
		}
		inner = ovsdp_attr_nest_start(a, kt->type);
		ovsdp_buf_put(a, v, kt->len);
		ovsdp_buf_put(a, m, kt->len);
		ovsdp_attr_nest_end(a, inner);
		ovsdp_buf_put(a, NULL, NLA_ALIGN(a->len) - a->len);
	} else {
		gen_fields(kt, v, m, true);
		ovsdp_attr_put(a, kt->type, v, kt->len);
	}
	ovsdp_attr_nest_end(a, nest);
}

static void gen_userspace(struct ovsdp_buf *a)
{
	size_t nest = ovsdp_attr_nest_start(a, OVS_ACTION_ATTR_USERSPACE);
	uint8_t data[12];
	int order[4] = { 0, 1, 2, 3 }, i, j, tmp;

	for (i = 3; i > 0; i--) {
		j = rn(i + 1);
		tmp = order[i];
		order[i] = order[j];
		order[j] = tmp;
	}
	for (i = 0; i < 4; i++) {
		switch (order[i]) {
		case 0:
			ovsdp_attr_put_u32(a, OVS_USERSPACE_ATTR_PID, rnd());
			break;
		case 1:
			if (rn(2)) {
				size_t n = rn(sizeof(data) + 1);

				rand_bytes(data, n);
				ovsdp_attr_put(a, OVS_USERSPACE_ATTR_USERDATA,
					       data, n);
			}
			break;
		case 2:
			if (rn(2))
				ovsdp_attr_put_u32(a,
					OVS_USERSPACE_ATTR_EGRESS_TUN_PORT,
					rnd());
			break;
		case 3:
			if (rn(2))
				ovsdp_attr_put_flag(a,
						    OVS_USERSPACE_ATTR_ACTIONS);
			break;
		}
	}
	ovsdp_attr_nest_end(a, nest);
}

static void gen_ct(struct ovsdp_buf *a)
{
	size_t nest = ovsdp_attr_nest_start(a, OVS_ACTION_ATTR_CT);
	static const char *const helpers[] = { "ftp", "tftp", "sip_2" };
	uint8_t buf[32];
	uint16_t zone;
	int i;

	for (i = 0; i < 7; i++) {
		if (rn(2))
			continue;
		switch (i) {
		case 0:
			ovsdp_attr_put_flag(a, OVS_CT_ATTR_COMMIT);
			break;
		case 1:
			zone = rnd();
			ovsdp_attr_put(a, OVS_CT_ATTR_ZONE, &zone, 2);
			break;
		case 2:
			rand_bytes(buf, 8);
			ovsdp_attr_put(a, OVS_CT_ATTR_MARK, buf, 8);
			break;
		case 3:
			rand_bytes(buf, 32);
			ovsdp_attr_put(a, OVS_CT_ATTR_LABELS, buf, 32);
			break;
		case 4:
			ovsdp_attr_put(a, OVS_CT_ATTR_HELPER, helpers[rn(3)],
				       strlen(helpers[0]) + 1);
			break;
		case 5:
			ovsdp_attr_put_flag(a, OVS_CT_ATTR_FORCE_COMMIT);
			break;
		case 6:
			ovsdp_attr_put_u32(a, OVS_CT_ATTR_EVENTMASK, rnd());
			break;
		}
	}
	ovsdp_attr_nest_end(a, nest);
}

static void gen_action(struct ovsdp_buf *a, int depth)
{
	uint8_t buf[16];
	size_t nest;
	uint16_t u16;
	int what = rn(depth < 3 ? 24 : 20);

	switch (what) {
	case 0:
	case 1:
		ovsdp_attr_put_u32(a, OVS_ACTION_ATTR_OUTPUT, rnd());
		break;
	case 2:
		gen_userspace(a);
		break;
	case 3:
		gen_set(a, false);
		break;
	case 4:
		gen_set(a, true);
		break;
	case 5:
		rand_bytes(buf, 4);
		if (rn(2)) {	/* 802.1Q is the implied default */
			buf[0] = 0x81;
			buf[1] = 0;
		}
		ovsdp_attr_put(a, OVS_ACTION_ATTR_PUSH_VLAN, buf, 4);
		break;
	case 6:
		ovsdp_attr_put_flag(a, OVS_ACTION_ATTR_POP_VLAN);
		break;
	case 7:
		ovsdp_attr_put_u32(a, OVS_ACTION_ATTR_RECIRC, rnd());
		break;
	case 8: {
		struct ovs_action_hash h = { rn(2), rnd() };

		ovsdp_attr_put(a, OVS_ACTION_ATTR_HASH, &h, sizeof(h));
		break;
	}
	case 9:
		rand_bytes(buf, 8);
		buf[6] = buf[7] = 0;
		ovsdp_attr_put(a, OVS_ACTION_ATTR_PUSH_MPLS, buf, 8);
		break;
	case 10:
		rand_bytes(buf, 2);
		ovsdp_attr_put(a, OVS_ACTION_ATTR_POP_MPLS, buf, 2);
		break;
	case 11:
		gen_ct(a);
		break;
	case 12:
		ovsdp_attr_put_u32(a, OVS_ACTION_ATTR_TRUNC, rnd());
		break;
	case 13:
		rand_bytes(buf, 12);
		ovsdp_attr_put(a, OVS_ACTION_ATTR_PUSH_ETH, buf, 12);
		break;
	case 14:
		ovsdp_attr_put_flag(a, rn(2) ? OVS_ACTION_ATTR_POP_ETH :
				       OVS_ACTION_ATTR_CT_CLEAR);
		break;
	case 15:
		ovsdp_attr_put_u32(a, OVS_ACTION_ATTR_METER, rnd());
		break;
	case 16:
		/* unknown action, or a known one with a bad payload */
		rand_bytes(buf, 16);
		if (rn(2))
			ovsdp_attr_put(a, 30 + rn(100), buf, rn(17));
		else
			ovsdp_attr_put(a, OVS_ACTION_ATTR_OUTPUT, buf, 3);
		break;
	case 17: {
		/* sample: probability first, as the kernel sends it */
		nest = ovsdp_attr_nest_start(a, OVS_ACTION_ATTR_SAMPLE);
		ovsdp_attr_put_u32(a, OVS_SAMPLE_ATTR_PROBABILITY,
				   rn(4) ? rnd() : rn(2) ? 0 : UINT32_MAX);
		ovsdp_attr_put(a, OVS_SAMPLE_ATTR_ACTIONS, NULL, 0);
		a->len -= NLA_HDRLEN;	/* reopen as a nest */
		{
			size_t inner = a->len;

			ovsdp_attr_nest_start(a, OVS_SAMPLE_ATTR_ACTIONS);
			gen_actions(a, depth + 1);
			ovsdp_attr_nest_end(a, inner);
		}
		ovsdp_attr_nest_end(a, nest);
		break;
	}
	case 18:
	case 19:
		ovsdp_attr_put_u32(a, OVS_ACTION_ATTR_OUTPUT, rn(10));
		break;
	case 20:
	case 21:
		gen_nested_actions(a, OVS_ACTION_ATTR_CLONE, depth);
		break;
	case 22:
		nest = ovsdp_attr_nest_start(a, OVS_ACTION_ATTR_CHECK_PKT_LEN);
		u16 = rnd();
		ovsdp_attr_put(a, OVS_CHECK_PKT_LEN_ATTR_PKT_LEN, &u16, 2);
		gen_nested_actions(a, OVS_CHECK_PKT_LEN_ATTR_ACTIONS_IF_GREATER,
				   depth);
		gen_nested_actions(a,
				   OVS_CHECK_PKT_LEN_ATTR_ACTIONS_IF_LESS_EQUAL,
				   depth);
		ovsdp_attr_nest_end(a, nest);
		break;
	case 23:
		nest = ovsdp_attr_nest_start(a, OVS_ACTION_ATTR_DEC_TTL);
		gen_nested_actions(a, OVS_DEC_TTL_ATTR_ACTION, depth);
		ovsdp_attr_nest_end(a, nest);
		break;
	}
}

static void gen_actions(struct ovsdp_buf *a, int depth)
{
	int n = rn(depth ? 4 : 7), i;

	for (i = 0; i < n; i++)
		gen_action(a, depth);
}

static void actions_round_trip(void)
{
	struct ovsdp_buf a, a2, text, text2;
	struct ovsdp_parse_error err;
	int rc;

	ovsdp_buf_init(&a);
	ovsdp_buf_init(&a2);
	ovsdp_buf_init(&text);
	ovsdp_buf_init(&text2);

	gen_actions(&a, 0);
	ovsdp_actions_format(&text, a.data, a.len);
	rc = ovsdp_actions_parse(ovsdp_buf_str(&text), &a2, &err);
	CHECK(rc == 0, "parse failed: %s\n  text: %s", err.msg,
	      ovsdp_buf_str(&text));
	if (!rc) {
		CHECK(same(&a, &a2), "bytes differ after round trip\n"
		      "  text: %s", ovsdp_buf_str(&text));
		if (!same(&a, &a2)) {
			hexdump("acts ", &a);
			hexdump("acts'", &a2);
		}
		ovsdp_actions_format(&text2, a2.data, a2.len);
		CHECK_STR(ovsdp_buf_str(&text2), ovsdp_buf_str(&text));
	}
	ovsdp_buf_free(&a);
	ovsdp_buf_free(&a2);
	ovsdp_buf_free(&text);
	ovsdp_buf_free(&text2);
}

int main(int argc, char **argv)
{
	int n = argc > 1 ? atoi(argv[1]) : 3000, i;

	if (argc > 2)
		rng_state = strtoull(argv[2], NULL, 0) | 1;
	for (i = 0; i < n; i++) {
		key_round_trip(false);
		key_round_trip(true);
		actions_round_trip();
	}
	return t_report();
}
