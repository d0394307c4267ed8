// SPDX-License-Identifier: GPL-2.0
/*
 * Flow key syntax: OVS_KEY_ATTR_* streams <-> ovs-dpctl style text.
 *
 * Most key attributes are fixed-size structs (or single integers) whose
 * fields are described by a table: byte offset, size, optional bit-field
 * and print style.  The same table drives formatting and parsing, which is
 * what keeps the two exact inverses of each other.  Nested attributes
 * (encap, tunnel) have their own code.  Anything the tables do not know,
 * or that has an unexpected length, is shown as "keyN(hex[/hex])" so that
 * no information is ever lost.
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <linux/openvswitch.h>

#include "odp_internal.h"

enum field_kind {
	FK_DEC,			/* unsigned decimal */
	FK_HEX,			/* 0x-prefixed hexadecimal */
	FK_FRAG,		/* no / first / later */
	FK_MAC,
	FK_IP4,
	FK_IP6,
	FK_BYTES,		/* long hex number, e.g. ct_label */
};

#define F_HOST	0x01		/* integer in host byte order */
#define F_DEF1	0x02		/* omitted when exactly 1 (vlan cfi) */

struct field {
	const char *name;	/* NULL: the attribute is a bare value */
	uint8_t off;
	uint8_t size;		/* bytes; integers are 1, 2, 4 or 8 */
	uint8_t shift;		/* bit-field position within the integer */
	uint8_t bits;		/* bit-field width, 0 for the whole integer */
	uint8_t kind;
	uint8_t width;		/* hex digits to zero-pad to, 0 for none */
	uint8_t flags;
};

enum key_shape {
	SH_FIELDS,		/* fixed-size payload described by fields */
	SH_ENCAP,		/* nested key attributes */
	SH_TUNNEL,		/* nested OVS_TUNNEL_KEY_ATTR_* */
};

struct key_type {
	uint16_t type;
	uint8_t shape;
	const char *name;
	uint16_t len;
	const struct field *fields;
	uint8_t n_fields;
};

#define INT(n, o, s, k)	{ .name = n, .off = o, .size = s, .kind = k }
#define BITS(n, o, s, sh, b, k) \
	{ .name = n, .off = o, .size = s, .shift = sh, .bits = b, .kind = k }

static const struct field f_u32_hex[] = {
	{ .size = 4, .kind = FK_HEX, .flags = F_HOST } };
static const struct field f_u32_dec[] = {
	{ .size = 4, .kind = FK_DEC, .flags = F_HOST } };
static const struct field f_u16_hex_host[] = {
	{ .size = 2, .kind = FK_HEX, .flags = F_HOST } };
static const struct field f_ethertype[] = {
	{ .size = 2, .kind = FK_HEX, .width = 4 } };
static const struct field f_tcp_flags[] = {
	{ .size = 2, .kind = FK_HEX, .width = 3 } };
static const struct field f_ct_label[] = {
	{ .size = 16, .kind = FK_BYTES } };

static const struct field f_eth[] = {
	INT("src", 0, 6, FK_MAC),
	INT("dst", 6, 6, FK_MAC),
};

static const struct field f_vlan[] = {
	BITS("vid", 0, 2, 0, 12, FK_DEC),
	BITS("pcp", 0, 2, 13, 3, FK_DEC),
	{ .name = "cfi", .size = 2, .shift = 12, .bits = 1, .kind = FK_DEC,
	  .flags = F_DEF1 },
};

static const struct field f_ipv4[] = {
	INT("src", 0, 4, FK_IP4),
	INT("dst", 4, 4, FK_IP4),
	INT("proto", 8, 1, FK_DEC),
	INT("tos", 9, 1, FK_HEX),
	INT("ttl", 10, 1, FK_DEC),
	INT("frag", 11, 1, FK_FRAG),
};

static const struct field f_ipv6[] = {
	INT("src", 0, 16, FK_IP6),
	INT("dst", 16, 16, FK_IP6),
	INT("label", 32, 4, FK_HEX),
	INT("proto", 36, 1, FK_DEC),
	INT("tclass", 37, 1, FK_HEX),
	INT("hlimit", 38, 1, FK_DEC),
	INT("frag", 39, 1, FK_FRAG),
};

static const struct field f_ports[] = {
	INT("src", 0, 2, FK_DEC),
	INT("dst", 2, 2, FK_DEC),
};

static const struct field f_icmp[] = {
	INT("type", 0, 1, FK_DEC),
	INT("code", 1, 1, FK_DEC),
};

static const struct field f_arp[] = {
	INT("sip", 0, 4, FK_IP4),
	INT("tip", 4, 4, FK_IP4),
	INT("op", 8, 2, FK_DEC),
	INT("sha", 10, 6, FK_MAC),
	INT("tha", 16, 6, FK_MAC),
};

static const struct field f_nd[] = {
	INT("target", 0, 16, FK_IP6),
	INT("sll", 16, 6, FK_MAC),
	INT("tll", 22, 6, FK_MAC),
};

static const struct field f_mpls[] = {
	BITS("label", 0, 4, 12, 20, FK_DEC),
	BITS("tc", 0, 4, 9, 3, FK_DEC),
	BITS("ttl", 0, 4, 0, 8, FK_DEC),
	BITS("bos", 0, 4, 8, 1, FK_DEC),
};

static const struct field f_ct_tuple4[] = {
	INT("src", 0, 4, FK_IP4),
	INT("dst", 4, 4, FK_IP4),
	INT("tp_src", 8, 2, FK_DEC),
	INT("tp_dst", 10, 2, FK_DEC),
	INT("proto", 12, 1, FK_DEC),
};

static const struct field f_ct_tuple6[] = {
	INT("src", 0, 16, FK_IP6),
	INT("dst", 16, 16, FK_IP6),
	INT("tp_src", 32, 2, FK_DEC),
	INT("tp_dst", 34, 2, FK_DEC),
	INT("proto", 36, 1, FK_DEC),
};

static const struct field f_packet_type[] = {
	BITS("ns", 0, 4, 16, 16, FK_DEC),
	{ .name = "id", .size = 4, .bits = 16, .kind = FK_HEX },
};

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define KT(t, n, f) { .type = t, .shape = SH_FIELDS, .name = n, \
		      .fields = f, .n_fields = ARRAY_SIZE(f) }

/* .len 0 in the table means "derived from the fields" (see kt_len()). */
static const struct key_type key_types[] = {
	{ .type = OVS_KEY_ATTR_ENCAP, .shape = SH_ENCAP, .name = "encap" },
	KT(OVS_KEY_ATTR_PRIORITY, "skb_priority", f_u32_hex),
	KT(OVS_KEY_ATTR_IN_PORT, "in_port", f_u32_dec),
	KT(OVS_KEY_ATTR_ETHERNET, "eth", f_eth),
	KT(OVS_KEY_ATTR_VLAN, "vlan", f_vlan),
	KT(OVS_KEY_ATTR_ETHERTYPE, "eth_type", f_ethertype),
	KT(OVS_KEY_ATTR_IPV4, "ipv4", f_ipv4),
	KT(OVS_KEY_ATTR_IPV6, "ipv6", f_ipv6),
	KT(OVS_KEY_ATTR_TCP, "tcp", f_ports),
	KT(OVS_KEY_ATTR_UDP, "udp", f_ports),
	KT(OVS_KEY_ATTR_ICMP, "icmp", f_icmp),
	KT(OVS_KEY_ATTR_ICMPV6, "icmpv6", f_icmp),
	KT(OVS_KEY_ATTR_ARP, "arp", f_arp),
	KT(OVS_KEY_ATTR_ND, "nd", f_nd),
	KT(OVS_KEY_ATTR_SKB_MARK, "skb_mark", f_u32_hex),
	{ .type = OVS_KEY_ATTR_TUNNEL, .shape = SH_TUNNEL, .name = "tunnel" },
	KT(OVS_KEY_ATTR_SCTP, "sctp", f_ports),
	KT(OVS_KEY_ATTR_TCP_FLAGS, "tcp_flags", f_tcp_flags),
	KT(OVS_KEY_ATTR_DP_HASH, "dp_hash", f_u32_hex),
	KT(OVS_KEY_ATTR_RECIRC_ID, "recirc_id", f_u32_hex),
	KT(OVS_KEY_ATTR_MPLS, "mpls", f_mpls),
	KT(OVS_KEY_ATTR_CT_STATE, "ct_state", f_u32_hex),
	KT(OVS_KEY_ATTR_CT_ZONE, "ct_zone", f_u16_hex_host),
	KT(OVS_KEY_ATTR_CT_MARK, "ct_mark", f_u32_hex),
	KT(OVS_KEY_ATTR_CT_LABELS, "ct_label", f_ct_label),
	KT(OVS_KEY_ATTR_CT_ORIG_TUPLE_IPV4, "ct_tuple4", f_ct_tuple4),
	KT(OVS_KEY_ATTR_CT_ORIG_TUPLE_IPV6, "ct_tuple6", f_ct_tuple6),
	KT(OVS_KEY_ATTR_PACKET_TYPE, "packet_type", f_packet_type),
	KT(OVS_KEY_ATTR_IPV6_EXTHDRS, "ipv6_exthdrs", f_u16_hex_host),
};

/* Payload sizes of the uapi structs (they include tail padding). */
static size_t kt_len(const struct key_type *kt)
{
	switch (kt->type) {
	case OVS_KEY_ATTR_ARP:
		return sizeof(struct ovs_key_arp);
	case OVS_KEY_ATTR_ND:
		return sizeof(struct ovs_key_nd);
	case OVS_KEY_ATTR_CT_ORIG_TUPLE_IPV4:
		return sizeof(struct ovs_key_ct_tuple_ipv4);
	case OVS_KEY_ATTR_CT_ORIG_TUPLE_IPV6:
		return sizeof(struct ovs_key_ct_tuple_ipv6);
	case OVS_KEY_ATTR_IPV6:
		return sizeof(struct ovs_key_ipv6);
	case OVS_KEY_ATTR_IPV4:
		return sizeof(struct ovs_key_ipv4);
	default: {
		size_t len = 0;
		int i;

		for (i = 0; i < kt->n_fields; i++)
			if (kt->fields[i].off + kt->fields[i].size > len)
				len = kt->fields[i].off + kt->fields[i].size;
		return len;
	}
	}
}

static const struct key_type *kt_by_type(uint16_t type)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(key_types); i++)
		if (key_types[i].type == type)
			return &key_types[i];
	return NULL;
}

static const struct key_type *kt_by_name(const char *name)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(key_types); i++)
		if (!strcmp(key_types[i].name, name))
			return &key_types[i];
	return NULL;
}

/* ---- field access ---- */

static bool field_is_int(const struct field *f)
{
	return f->kind == FK_DEC || f->kind == FK_HEX || f->kind == FK_FRAG;
}

static uint64_t field_max(const struct field *f)
{
	if (f->bits)
		return (1ULL << f->bits) - 1;
	return f->size == 8 ? UINT64_MAX : (1ULL << (8 * f->size)) - 1;
}

static uint64_t int_load(const uint8_t *p, size_t size, bool host)
{
	uint64_t v = 0;
	uint32_t v32;
	uint16_t v16;
	size_t i;

	if (host && size == 4) {
		memcpy(&v32, p, 4);
		return v32;
	}
	if (host && size == 2) {
		memcpy(&v16, p, 2);
		return v16;
	}
	for (i = 0; i < size; i++)
		v = v << 8 | p[i];
	return v;
}

static void int_store(uint8_t *p, size_t size, bool host, uint64_t v)
{
	uint32_t v32 = v;
	uint16_t v16 = v;
	size_t i;

	if (host && size == 4) {
		memcpy(p, &v32, 4);
		return;
	}
	if (host && size == 2) {
		memcpy(p, &v16, 2);
		return;
	}
	for (i = size; i-- > 0; v >>= 8)
		p[i] = v & 0xff;
}

static uint64_t field_get(const struct field *f, const uint8_t *base)
{
	uint64_t v = int_load(base + f->off, f->size, f->flags & F_HOST);

	return (v >> f->shift) & field_max(f);
}

static void field_set(const struct field *f, uint8_t *base, uint64_t v)
{
	bool host = f->flags & F_HOST;
	uint64_t max = field_max(f);
	uint64_t word = int_load(base + f->off, f->size, host);

	word &= ~(max << f->shift);
	word |= (v & max) << f->shift;
	int_store(base + f->off, f->size, host, word);
}

static bool bytes_all(const uint8_t *p, size_t n, uint8_t c)
{
	while (n--)
		if (*p++ != c)
			return false;
	return true;
}

static bool field_mask_zero(const struct field *f, const uint8_t *m)
{
	if (field_is_int(f))
		return field_get(f, m) == 0;
	return bytes_all(m + f->off, f->size, 0);
}

static bool field_mask_full(const struct field *f, const uint8_t *m)
{
	if (field_is_int(f))
		return field_get(f, m) == field_max(f);
	return bytes_all(m + f->off, f->size, 0xff);
}

/* ---- formatting ---- */

static const char *const frag_names[] = { "no", "first", "later" };

static void int_format(struct ovsdp_buf *out, const struct field *f,
		       uint64_t v, bool is_mask)
{
	unsigned long long u = v;

	if (f->kind == FK_FRAG && !is_mask && v < ARRAY_SIZE(frag_names))
		ovsdp_buf_printf(out, "%s", frag_names[v]);
	else if (f->kind == FK_DEC && !is_mask)
		ovsdp_buf_printf(out, "%llu", u);
	else if (f->width)
		ovsdp_buf_printf(out, "0x%0*llx", f->width, u);
	else if (u)
		ovsdp_buf_printf(out, "%#llx", u);
	else
		ovsdp_buf_printf(out, "0");
}

static void bytes_format(struct ovsdp_buf *out, const struct field *f,
			 const uint8_t *p)
{
	char ip[INET6_ADDRSTRLEN];

	switch (f->kind) {
	case FK_MAC:
		ovsdp_buf_printf(out, "%02x:%02x:%02x:%02x:%02x:%02x",
				 p[0], p[1], p[2], p[3], p[4], p[5]);
		break;
	case FK_IP4:
		inet_ntop(AF_INET, p, ip, sizeof(ip));
		ovsdp_buf_printf(out, "%s", ip);
		break;
	case FK_IP6:
		inet_ntop(AF_INET6, p, ip, sizeof(ip));
		ovsdp_buf_printf(out, "%s", ip);
		break;
	default:
		ovsdp_buf_printf(out, "0x");
		ovsdp_hex_format(out, p, f->size);
		break;
	}
}

static void field_value_format(struct ovsdp_buf *out, const struct field *f,
			       const uint8_t *base, bool is_mask)
{
	if (field_is_int(f))
		int_format(out, f, field_get(f, base), is_mask);
	else
		bytes_format(out, f, base + f->off);
}

/*
 * Whether a field shows up in the text.  F_DEF1 fields are implied when
 * they hold exactly 1 (exactly matched), everything else is shown unless
 * wildcarded.
 */
static bool field_shown(const struct field *f, const uint8_t *v,
			const uint8_t *m, bool all)
{
	if (all)
		return true;
	if (f->flags & F_DEF1)
		return !(field_get(f, v) == 1 && (!m || field_mask_full(f, m)));
	if (!f->name)
		return true;	/* a bare value cannot be left out */
	return !m || !field_mask_zero(f, m);
}

/* @all (full mode): every field, wildcarded or implied ones included. */
static void fields_format(struct ovsdp_buf *out, const struct key_type *kt,
			  const uint8_t *v, const uint8_t *m, bool force_masks,
			  bool all)
{
	const char *sep = "";
	int i;

	for (i = 0; i < kt->n_fields; i++) {
		const struct field *f = &kt->fields[i];

		if (!field_shown(f, v, m, all))
			continue;
		ovsdp_buf_printf(out, "%s", sep);
		sep = ",";
		if (f->name)
			ovsdp_buf_printf(out, "%s=", f->name);
		field_value_format(out, f, v, false);
		if (m && (force_masks || !field_mask_full(f, m))) {
			ovsdp_buf_printf(out, "/");
			field_value_format(out, f, m, true);
		}
	}
}

static void generic_format(struct ovsdp_buf *out, const struct nlattr *a,
			   const struct nlattr *m, bool force_mask)
{
	ovsdp_buf_printf(out, "key%u(", attr_type(a));
	ovsdp_hex_format(out, attr_data(a), attr_len(a));
	if (m && (force_mask ||
		  !bytes_all(attr_data(m), attr_len(m), 0xff))) {
		ovsdp_buf_printf(out, "/");
		ovsdp_hex_format(out, attr_data(m), attr_len(m));
	}
	ovsdp_buf_printf(out, ")");
}

/* Tunnel sub-attributes, in the order the parser emits them. */
struct tun_field {
	uint16_t type;
	const char *name;
	struct field f;
};

static const struct tun_field tun_fields[] = {
	{ OVS_TUNNEL_KEY_ATTR_ID, "tun_id", INT(NULL, 0, 8, FK_HEX) },
	{ OVS_TUNNEL_KEY_ATTR_IPV4_SRC, "src", INT(NULL, 0, 4, FK_IP4) },
	{ OVS_TUNNEL_KEY_ATTR_IPV4_DST, "dst", INT(NULL, 0, 4, FK_IP4) },
	{ OVS_TUNNEL_KEY_ATTR_IPV6_SRC, "ipv6_src", INT(NULL, 0, 16, FK_IP6) },
	{ OVS_TUNNEL_KEY_ATTR_IPV6_DST, "ipv6_dst", INT(NULL, 0, 16, FK_IP6) },
	{ OVS_TUNNEL_KEY_ATTR_TOS, "tos", INT(NULL, 0, 1, FK_HEX) },
	{ OVS_TUNNEL_KEY_ATTR_TTL, "ttl", INT(NULL, 0, 1, FK_DEC) },
	{ OVS_TUNNEL_KEY_ATTR_TP_SRC, "tp_src", INT(NULL, 0, 2, FK_DEC) },
	{ OVS_TUNNEL_KEY_ATTR_TP_DST, "tp_dst", INT(NULL, 0, 2, FK_DEC) },
};

struct tun_flag {
	uint16_t type;
	const char *name;
};

static const struct tun_flag tun_flags[] = {
	{ OVS_TUNNEL_KEY_ATTR_DONT_FRAGMENT, "df" },
	{ OVS_TUNNEL_KEY_ATTR_CSUM, "csum" },
	{ OVS_TUNNEL_KEY_ATTR_OAM, "oam" },
};

static const struct tun_field *tun_field_by_type(uint16_t type)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(tun_fields); i++)
		if (tun_fields[i].type == type)
			return &tun_fields[i];
	return NULL;
}

static bool tun_is_flag(uint16_t type)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(tun_flags); i++)
		if (tun_flags[i].type == type)
			return true;
	return false;
}

/* Only streams made of attributes we can print and parse back exactly. */
static bool tun_stream_known(const struct nlattr *nest)
{
	const struct tun_field *tf;
	const struct nlattr *a;
	struct attr_iter it;

	if (!nest)
		return true;
	attr_iter_init(&it, attr_data(nest), attr_len(nest));
	while ((a = attr_iter_next(&it))) {
		tf = tun_field_by_type(attr_type(a));
		if (tf ? attr_len(a) != tf->f.size :
			 !tun_is_flag(attr_type(a)) || attr_len(a))
			return false;
		if (attr_find(attr_data(nest), attr_len(nest),
			      attr_type(a)) != a)
			return false;	/* duplicate */
	}
	return it.left == 0;
}

static void tunnel_format(struct ovsdp_buf *out, const struct nlattr *a,
			  const struct nlattr *m, bool force_masks)
{
	const void *kd = attr_data(a), *md = m ? attr_data(m) : NULL;
	size_t kl = attr_len(a), ml = m ? attr_len(m) : 0;
	bool signed_flags = false, any_flag = false;
	const char *sep = "";
	static const uint8_t zero[16];
	size_t i;

	ovsdp_buf_printf(out, "tunnel(");
	for (i = 0; i < ARRAY_SIZE(tun_fields); i++) {
		const struct tun_field *tf = &tun_fields[i];
		const struct nlattr *kv = attr_find(kd, kl, tf->type);
		const struct nlattr *mv = m ? attr_find(md, ml, tf->type) : NULL;
		const uint8_t *vp = kv ? attr_data(kv) : zero;

		if (m ? !mv || field_mask_zero(&tf->f, attr_data(mv)) : !kv)
			continue;
		ovsdp_buf_printf(out, "%s%s=", sep, tf->name);
		sep = ",";
		field_value_format(out, &tf->f, vp, false);
		if (mv && (force_masks ||
			   !field_mask_full(&tf->f, attr_data(mv)))) {
			ovsdp_buf_printf(out, "/");
			field_value_format(out, &tf->f, attr_data(mv), true);
		}
	}

	/* Flags: present in the mask = matched; the key says set or clear. */
	for (i = 0; i < ARRAY_SIZE(tun_flags); i++) {
		bool in_key = attr_find(kd, kl, tun_flags[i].type);
		bool in_mask = m ? !!attr_find(md, ml, tun_flags[i].type) :
				   in_key;

		if (in_mask)
			any_flag = true;
		if (in_mask && !in_key)
			signed_flags = true;
	}
	if (any_flag) {
		const char *fsep = "";

		ovsdp_buf_printf(out, "%sflags(", sep);
		for (i = 0; i < ARRAY_SIZE(tun_flags); i++) {
			bool in_key = attr_find(kd, kl, tun_flags[i].type);
			bool in_mask = m ? !!attr_find(md, ml,
						       tun_flags[i].type) :
					   in_key;

			if (!in_mask)
				continue;
			if (signed_flags)
				ovsdp_buf_printf(out, "%c%s",
						 in_key ? '+' : '-',
						 tun_flags[i].name);
			else
				ovsdp_buf_printf(out, "%s%s", fsep,
						 tun_flags[i].name);
			fsep = "|";
		}
		ovsdp_buf_printf(out, ")");
	}
	ovsdp_buf_printf(out, ")");
}

enum fmt_mode {
	FMT_EXACT,		/* no mask: every field of a packet's key */
	FMT_MASKED,		/* leave wildcarded fields out */
	FMT_FULL,		/* every field, each with its explicit mask */
};

static void key_stream_format(struct ovsdp_buf *out, const void *key,
			      size_t key_len, const void *mask,
			      size_t mask_len, enum fmt_mode mode);

static void key_attr_format_mode(struct ovsdp_buf *out,
				 const struct nlattr *a,
				 const struct nlattr *m, bool force_masks,
				 enum fmt_mode mode)
{
	const struct key_type *kt = kt_by_type(attr_type(a));

	if (!kt)
		goto generic;
	switch (kt->shape) {
	case SH_ENCAP:
		ovsdp_buf_printf(out, "encap(");
		key_stream_format(out, attr_data(a), attr_len(a),
				  m ? attr_data(m) : NULL, m ? attr_len(m) : 0,
				  mode == FMT_FULL ? FMT_FULL :
				  m ? FMT_MASKED : FMT_EXACT);
		ovsdp_buf_printf(out, ")");
		return;
	case SH_TUNNEL:
		if (!tun_stream_known(a) || !tun_stream_known(m))
			goto generic;
		tunnel_format(out, a, m, force_masks);
		return;
	default:
		if (attr_len(a) != kt_len(kt) || (m && attr_len(m) != kt_len(kt)))
			goto generic;
		ovsdp_buf_printf(out, "%s(", kt->name);
		fields_format(out, kt, attr_data(a), m ? attr_data(m) : NULL,
			      force_masks, mode == FMT_FULL);
		ovsdp_buf_printf(out, ")");
		return;
	}
generic:
	generic_format(out, a, m, force_masks);
}

void key_attr_format(struct ovsdp_buf *out, const struct nlattr *a,
		     const struct nlattr *m, bool force_masks)
{
	key_attr_format_mode(out, a, m, force_masks,
			     m ? FMT_MASKED : FMT_EXACT);
}

bool key_attr_mask_full(const struct nlattr *m)
{
	const struct key_type *kt = kt_by_type(attr_type(m));
	int i;

	if (!kt || kt->shape != SH_FIELDS || attr_len(m) != kt_len(kt))
		return bytes_all(attr_data(m), attr_len(m), 0xff);
	for (i = 0; i < kt->n_fields; i++)
		if (!field_mask_full(&kt->fields[i], attr_data(m)))
			return false;
	return true;
}

/* A key attribute whose mask is missing or all zero is wildcarded. */
static bool attr_wildcarded(const struct nlattr *a, const struct nlattr *m)
{
	const struct key_type *kt = kt_by_type(attr_type(a));

	if (kt && kt->shape == SH_ENCAP)
		return false;	/* structure, always shown */
	if (!m)
		return true;
	if (kt && kt->shape == SH_TUNNEL)
		return false;
	return bytes_all(attr_data(m), attr_len(m), 0);
}

/*
 * Full mode prints a key attribute the mask leaves out as wildcarded: it
 * gets an all-zero mask of its own length, built in @buf.
 */
static const struct nlattr *zero_mask_of(const struct nlattr *a,
					 struct ovsdp_buf *buf)
{
	struct nlattr hdr = { .nla_len = a->nla_len, .nla_type = a->nla_type };

	ovsdp_buf_clear(buf);
	ovsdp_buf_put(buf, &hdr, sizeof(hdr));
	ovsdp_buf_put(buf, NULL, attr_len(a));
	return buf->oom ? NULL : (const struct nlattr *)buf->data;
}

static void key_stream_format(struct ovsdp_buf *out, const void *key,
			      size_t key_len, const void *mask,
			      size_t mask_len, enum fmt_mode mode)
{
	const struct nlattr *a, *m = NULL;
	const char *sep = "";
	struct ovsdp_buf zero;
	struct attr_iter it;

	ovsdp_buf_init(&zero);
	attr_iter_init(&it, key, key_len);
	while ((a = attr_iter_next(&it))) {
		if (mode != FMT_EXACT) {
			m = attr_find(mask, mask_len, attr_type(a));
			if (mode == FMT_MASKED && attr_wildcarded(a, m))
				continue;
			if (!m && !key_type_is_nested(attr_type(a)))
				m = zero_mask_of(a, &zero);
		}
		ovsdp_buf_printf(out, "%s", sep);
		sep = ",";
		key_attr_format_mode(out, a, m, mode == FMT_FULL, mode);
	}
	if (it.left)
		ovsdp_buf_printf(out, "%s<%zu malformed bytes>", sep, it.left);
	ovsdp_buf_free(&zero);
}

void ovsdp_key_format(struct ovsdp_buf *out, const void *key, size_t key_len,
		      const void *mask, size_t mask_len)
{
	key_stream_format(out, key, key_len, mask, mask_len,
			  mask ? FMT_MASKED : FMT_EXACT);
}

void ovsdp_key_format_full(struct ovsdp_buf *out, const void *key,
			   size_t key_len, const void *mask, size_t mask_len)
{
	key_stream_format(out, key, key_len, mask, mask_len, FMT_FULL);
}

/* ---- parsing ---- */

static int hex_digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* "0x" and up to 2 * @size hex digits, a big-endian number, right-aligned. */
static bool wide_hex_parse(struct lexer *lx, uint8_t *dst, size_t size)
{
	const char *p;
	size_t n = 0, i;
	int d;

	lex_skip_ws(lx);
	p = lx->s + lx->pos;
	if (p[0] != '0' || (p[1] != 'x' && p[1] != 'X'))
		return lex_fail(lx, "expected a 0x-prefixed hex number");
	p += 2;
	while (hex_digit(p[n]) >= 0)
		n++;
	if (!n || n > 2 * size)
		return lex_fail(lx, "expected 1 to %zu hex digits", 2 * size);
	memset(dst, 0, size);
	for (i = 0; i < n; i++) {
		d = hex_digit(p[n - 1 - i]);
		dst[size - 1 - i / 2] |= i % 2 ? d << 4 : d;
	}
	lx->pos = p + n - lx->s;
	return true;
}

static bool field_parse(struct lexer *lx, const struct field *f,
			uint8_t *base, bool is_mask)
{
	uint8_t tmp[16];
	uint64_t v;
	size_t i;

	switch (f->kind) {
	case FK_MAC:
		return lex_mac(lx, base + f->off);
	case FK_IP4:
		return lex_ipv4(lx, base + f->off);
	case FK_IP6:
		if (!lex_ipv6(lx, tmp))
			return false;
		memcpy(base + f->off, tmp, 16);
		return true;
	case FK_BYTES:
		return wide_hex_parse(lx, base + f->off, f->size);
	default:
		break;
	}
	if (f->kind == FK_FRAG && !is_mask) {
		for (i = 0; i < ARRAY_SIZE(frag_names); i++) {
			if (lex_accept_word(lx, frag_names[i])) {
				field_set(f, base, i);
				return true;
			}
		}
	}
	if (f->kind == FK_FRAG && !is_mask && !isdigit((unsigned char)lex_peek(lx)))
		return lex_fail(lx, "expected no, first, later or a number");
	if (!lex_uint(lx, field_max(f), &v))
		return false;
	field_set(f, base, v);
	return true;
}

static void field_fill_mask(const struct field *f, uint8_t *m)
{
	if (field_is_int(f))
		field_set(f, m, field_max(f));
	else
		memset(m + f->off, 0xff, f->size);
}

/* Parses "value[/mask]"; *slash tells whether a mask was written. */
static bool value_mask_parse(struct lexer *lx, const struct field *f,
			     uint8_t *v, uint8_t *m, bool *slash)
{
	if (!field_parse(lx, f, v, false))
		return false;
	*slash = lex_accept(lx, '/');
	if (*slash)
		return field_parse(lx, f, m, true);
	field_fill_mask(f, m);
	return true;
}

static bool fields_parse(struct lexer *lx, const struct key_type *kt,
			 uint8_t *v, uint8_t *m, bool *exact)
{
	uint32_t seen = 0;
	bool slash, any_slash = false;
	char name[32];
	size_t start;
	int i;

	if (!kt->fields[0].name) {
		/* A bare value such as in_port(1) or eth_type(0x0800/0xff00). */
		if (!value_mask_parse(lx, &kt->fields[0], v, m, &slash))
			return false;
		*exact = !slash;
		return lex_expect(lx, ')');
	}

	if (!lex_accept(lx, ')')) {
		do {
			start = lx->pos;
			if (!lex_name(lx, name, sizeof(name)))
				return false;
			for (i = 0; i < kt->n_fields; i++)
				if (!strcmp(kt->fields[i].name, name))
					break;
			if (i == kt->n_fields) {
				lx->pos = start;
				lex_skip_ws(lx);
				return lex_fail(lx, "unknown field '%s' in %s()",
						name, kt->name);
			}
			if (seen & (1u << i)) {
				lx->pos = start;
				lex_skip_ws(lx);
				return lex_fail(lx, "duplicate field '%s'",
						name);
			}
			seen |= 1u << i;
			if (!lex_expect(lx, '=') ||
			    !value_mask_parse(lx, &kt->fields[i], v, m, &slash))
				return false;
			any_slash |= slash;
		} while (lex_accept(lx, ','));
		if (!lex_expect(lx, ')'))
			return false;
	}

	for (i = 0; i < kt->n_fields; i++) {
		const struct field *f = &kt->fields[i];

		if (!(seen & (1u << i)) && (f->flags & F_DEF1)) {
			field_set(f, v, 1);
			field_fill_mask(f, m);
			seen |= 1u << i;
		}
	}
	*exact = !any_slash && seen == (1u << kt->n_fields) - 1;
	return true;
}

static bool tun_flags_parse(struct lexer *lx, bool *in_key, bool *in_mask,
			    bool *signed_minus)
{
	char name[16];
	size_t start, i;
	char sign;

	if (!lex_expect(lx, '('))
		return false;
	if (lex_accept(lx, ')'))
		return true;
	do {
		sign = lex_peek(lx);
		if (sign == '+' || sign == '-')
			lx->pos++;
		start = lx->pos;
		if (!lex_name(lx, name, sizeof(name)))
			return false;
		if (!strcmp(name, "key"))
			continue;	/* implied by the presence of tun_id */
		for (i = 0; i < ARRAY_SIZE(tun_flags); i++)
			if (!strcmp(tun_flags[i].name, name))
				break;
		if (i == ARRAY_SIZE(tun_flags)) {
			lx->pos = start;
			return lex_fail(lx, "unknown tunnel flag '%s'", name);
		}
		in_mask[i] = true;
		in_key[i] = sign != '-';
		if (sign == '-')
			*signed_minus = true;
	} while (lex_accept(lx, '|') || lex_peek(lx) == '+' ||
		 lex_peek(lx) == '-');
	return lex_expect(lx, ')');
}

static bool tunnel_parse(struct lexer *lx, struct ovsdp_buf *key,
			 struct ovsdp_buf *mask, bool *exact)
{
	struct {
		bool have;
		uint8_t v[16], m[16];
	} tv[ARRAY_SIZE(tun_fields)];
	bool fkey[ARRAY_SIZE(tun_flags)] = { false };
	bool fmask[ARRAY_SIZE(tun_flags)] = { false };
	bool slash, any_slash = false, minus = false, have_flags = false;
	char name[16];
	size_t start, i, nest;

	memset(tv, 0, sizeof(tv));
	if (!lex_accept(lx, ')')) {
		do {
			start = lx->pos;
			if (!lex_name(lx, name, sizeof(name)))
				return false;
			if (!strcmp(name, "flags") && !have_flags) {
				have_flags = true;
				if (!tun_flags_parse(lx, fkey, fmask, &minus))
					return false;
				continue;
			}
			for (i = 0; i < ARRAY_SIZE(tun_fields); i++)
				if (!strcmp(tun_fields[i].name, name))
					break;
			if (i == ARRAY_SIZE(tun_fields) || tv[i].have) {
				lx->pos = start;
				lex_skip_ws(lx);
				return lex_fail(lx, i == ARRAY_SIZE(tun_fields) ?
						"unknown field '%s' in tunnel()" :
						"duplicate field '%s'", name);
			}
			tv[i].have = true;
			if (!lex_expect(lx, '=') ||
			    !value_mask_parse(lx, &tun_fields[i].f, tv[i].v,
					      tv[i].m, &slash))
				return false;
			any_slash |= slash;
		} while (lex_accept(lx, ','));
		if (!lex_expect(lx, ')'))
			return false;
	}
	*exact = !any_slash && !minus;

	nest = ovsdp_attr_nest_start(key, OVS_KEY_ATTR_TUNNEL);
	for (i = 0; i < ARRAY_SIZE(tun_fields); i++)
		if (tv[i].have)
			ovsdp_attr_put(key, tun_fields[i].type, tv[i].v,
				       tun_fields[i].f.size);
	for (i = 0; i < ARRAY_SIZE(tun_flags); i++)
		if (fkey[i])
			ovsdp_attr_put_flag(key, tun_flags[i].type);
	ovsdp_attr_nest_end(key, nest);
	if (!mask)
		return true;
	nest = ovsdp_attr_nest_start(mask, OVS_KEY_ATTR_TUNNEL);
	for (i = 0; i < ARRAY_SIZE(tun_fields); i++)
		if (tv[i].have)
			ovsdp_attr_put(mask, tun_fields[i].type, tv[i].m,
				       tun_fields[i].f.size);
	for (i = 0; i < ARRAY_SIZE(tun_flags); i++)
		if (fmask[i])
			ovsdp_attr_put_flag(mask, tun_flags[i].type);
	ovsdp_attr_nest_end(mask, nest);
	return true;
}

/* "keyN(hex[/hex])": any attribute, as raw bytes. */
static bool generic_parse(struct lexer *lx, uint16_t type,
			  struct ovsdp_buf *key, struct ovsdp_buf *mask,
			  bool *exact)
{
	struct ovsdp_buf v, m;
	size_t start;
	bool ok;

	ovsdp_buf_init(&v);
	ovsdp_buf_init(&m);
	ok = lex_hex_bytes(lx, &v);
	*exact = true;
	if (ok && lex_accept(lx, '/')) {
		*exact = false;
		start = lx->pos;
		ok = lex_hex_bytes(lx, &m);
		if (ok && m.len != v.len) {
			lx->pos = start;
			ok = lex_fail(lx, "mask length differs from value");
		}
	} else if (ok) {
		memset(ovsdp_buf_put(&m, NULL, v.len) ?: m.data, 0xff, v.len);
	}
	ok = ok && lex_expect(lx, ')');
	if (ok) {
		ovsdp_attr_put(key, type, v.data, v.len);
		if (mask)
			ovsdp_attr_put(mask, type, m.data, m.len);
	}
	ovsdp_buf_free(&v);
	ovsdp_buf_free(&m);
	return ok;
}

static bool generic_name(const char *name, const char *prefix,
			 uint16_t *type)
{
	size_t n = strlen(prefix);
	unsigned long t = 0;
	const char *p;

	if (strncmp(name, prefix, n) || !name[n])
		return false;
	for (p = name + n; *p; p++) {
		if (*p < '0' || *p > '9')
			return false;
		t = t * 10 + (*p - '0');
		if (t > (unsigned long)NLA_TYPE_MASK)
			return false;
	}
	*type = t;
	return true;
}

bool key_attr_parse(struct lexer *lx, struct ovsdp_buf *key,
		    struct ovsdp_buf *mask, bool *exact)
{
	uint8_t v[64], m[64];
	const struct key_type *kt;
	uint16_t type;
	char name[32];
	size_t start, nk, nm = 0;

	lex_skip_ws(lx);
	start = lx->pos;
	if (!lex_name(lx, name, sizeof(name)))
		return false;
	if (generic_name(name, "key", &type)) {
		if (!lex_expect(lx, '('))
			return false;
		return generic_parse(lx, type, key, mask, exact);
	}
	kt = kt_by_name(name);
	if (!kt) {
		lx->pos = start;
		return lex_fail(lx, "unknown key field '%s'", name);
	}
	if (!lex_expect(lx, '('))
		return false;

	switch (kt->shape) {
	case SH_ENCAP:
		*exact = true;
		nk = ovsdp_attr_nest_start(key, kt->type);
		if (mask)
			nm = ovsdp_attr_nest_start(mask, kt->type);
		if (!key_list_parse(lx, key, mask, ')') ||
		    !lex_expect(lx, ')'))
			return false;
		ovsdp_attr_nest_end(key, nk);
		if (mask)
			ovsdp_attr_nest_end(mask, nm);
		return true;
	case SH_TUNNEL:
		return tunnel_parse(lx, key, mask, exact);
	default:
		memset(v, 0, sizeof(v));
		memset(m, 0, sizeof(m));
		if (!fields_parse(lx, kt, v, m, exact))
			return false;
		ovsdp_attr_put(key, kt->type, v, kt_len(kt));
		if (mask)
			ovsdp_attr_put(mask, kt->type, m, kt_len(kt));
		return true;
	}
}

bool key_list_parse(struct lexer *lx, struct ovsdp_buf *key,
		    struct ovsdp_buf *mask, char end)
{
	uint64_t seen = 0;
	struct nlattr nla;
	size_t start, off;
	bool exact;

	if (lex_peek(lx) == end)
		return true;
	do {
		lex_skip_ws(lx);
		start = lx->pos;
		off = key->len;
		if (!key_attr_parse(lx, key, mask, &exact))
			return false;
		if (key->oom)
			return true;	/* reported by the caller */
		memcpy(&nla, key->data + off, sizeof(nla));
		if (nla.nla_type < 64) {
			if (seen & (1ULL << nla.nla_type)) {
				lx->pos = start;
				return lex_fail(lx, "duplicate key attribute");
			}
			seen |= 1ULL << nla.nla_type;
		}
	} while (lex_accept(lx, ','));
	if (lex_peek(lx) != end) {
		if (end)
			return lex_fail(lx, "expected ',' or '%c'", end);
		return lex_fail(lx, "expected ',' or end of input");
	}
	return true;
}

int ovsdp_key_parse(const char *text, struct ovsdp_buf *key,
		    struct ovsdp_buf *mask, struct ovsdp_parse_error *err)
{
	struct lexer lx = { .s = text, .err = err };

	if (err) {
		err->pos = 0;
		err->msg[0] = 0;
	}
	if (!key_list_parse(&lx, key, mask, '\0'))
		return -EINVAL;
	if (key->oom || (mask && mask->oom))
		return -ENOMEM;
	return 0;
}

bool key_type_is_nested(uint16_t type)
{
	const struct key_type *kt = kt_by_type(type);

	return kt && kt->shape != SH_FIELDS;
}
