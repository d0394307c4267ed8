// SPDX-License-Identifier: GPL-2.0
/*
 * ovsdp-dpctl flow commands: dump-flows (with filters), add/mod/get/del
 * of one flow by key or UFID, del-flows, and execute.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/netlink.h>

#include "dpctl.h"

/* ---- UFIDs and flow arguments ---- */

void dpctl_ufid_format(struct ovsdp_buf *out, const void *ufid, size_t len)
{
	static const int dash_after[] = { 3, 5, 7, 9 };
	const uint8_t *u = ufid;
	size_t i, d = 0;

	ovsdp_buf_printf(out, "ufid:");
	for (i = 0; i < len; i++) {
		ovsdp_buf_printf(out, "%02x", u[i]);
		if (len == 16 && d < 4 && (int)i == dash_after[d]) {
			ovsdp_buf_printf(out, "-");
			d++;
		}
	}
}

void dpctl_flow_arg_init(struct dpctl_flow_arg *fa)
{
	memset(fa, 0, sizeof(*fa));
	ovsdp_buf_init(&fa->key);
	ovsdp_buf_init(&fa->mask);
}

void dpctl_flow_arg_free(struct dpctl_flow_arg *fa)
{
	ovsdp_buf_free(&fa->key);
	ovsdp_buf_free(&fa->mask);
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = tolower((unsigned char)c);
	return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* Hex digits with optional dashes up to ',' or the end; *pos advances. */
static int ufid_parse(const char *arg, size_t *pos, struct dpctl_flow_arg *fa)
{
	size_t p = *pos, digits = 0;
	int hi = 0, v;

	for (; arg[p] && arg[p] != ','; p++) {
		if (arg[p] == '-')
			continue;
		v = hexval(arg[p]);
		if (v < 0)
			return dpctl_syntax_error("flow", arg, p,
						  "expected a hex digit in the UFID");
		if (digits / 2 >= sizeof(fa->ufid))
			return dpctl_syntax_error("flow", arg, p,
						  "UFID longer than 16 bytes");
		if (digits++ % 2)
			fa->ufid[digits / 2 - 1] = hi << 4 | v;
		else
			hi = v;
	}
	if (!digits || digits % 2)
		return dpctl_syntax_error("flow", arg, p,
					  "UFID needs an even, non-zero number of hex digits");
	fa->ufid_len = digits / 2;
	if (arg[p] == ',')
		p++;
	while (isspace((unsigned char)arg[p]))
		p++;
	*pos = p;
	return 0;
}

int dpctl_flow_arg_parse(const char *arg, struct dpctl_flow_arg *fa)
{
	struct ovsdp_parse_error err;
	size_t pos = 0;
	int rc;

	while (isspace((unsigned char)arg[pos]))
		pos++;
	if (!strncmp(arg + pos, "ufid:", 5)) {
		pos += 5;
		rc = ufid_parse(arg, &pos, fa);
		if (rc)
			return rc;
	}
	if (ovsdp_key_parse(arg + pos, &fa->key, &fa->mask, &err))
		return dpctl_syntax_error("flow", arg, pos + err.pos, err.msg);
	return 0;
}

void dpctl_flow_format(struct ovsdp_buf *out, const struct ovsdp_flow *f,
		       bool more, bool stats, uint64_t now)
{
	if (more && f->ufid) {
		dpctl_ufid_format(out, f->ufid, f->ufid_len);
		ovsdp_buf_printf(out, ", ");
	}
	if (f->key && more)
		ovsdp_key_format_full(out, f->key, f->key_len, f->mask,
				      f->mask_len);
	else if (f->key)
		ovsdp_key_format(out, f->key, f->key_len, f->mask,
				 f->mask_len);
	if (stats) {
		ovsdp_buf_printf(out, ", packets:%llu, bytes:%llu, used:",
				 (unsigned long long)f->stats.n_packets,
				 (unsigned long long)f->stats.n_bytes);
		if (f->used)
			ovsdp_buf_printf(out, "%.3fs", now > f->used ?
					 (now - f->used) / 1000.0 : 0.0);
		else
			ovsdp_buf_printf(out, "never");
		if (f->tcp_flags)
			ovsdp_buf_printf(out, ", flags:0x%02x", f->tcp_flags);
	}
	ovsdp_buf_printf(out, ", actions:");
	if (f->actions)
		ovsdp_actions_format(out, f->actions, f->actions_len);
}

/* ---- dump-flows and its filter ---- */

const struct nlattr *dpctl_attr_find(const void *data, size_t len,
				     uint16_t type)
{
	const uint8_t *p = data;
	const struct nlattr *a;

	while (len >= NLA_HDRLEN) {
		a = (const void *)p;
		if (a->nla_len < NLA_HDRLEN || a->nla_len > len)
			return NULL;
		if ((a->nla_type & NLA_TYPE_MASK) == type)
			return a;
		if ((size_t)NLA_ALIGN(a->nla_len) >= len)
			break;
		len -= NLA_ALIGN(a->nla_len);
		p += NLA_ALIGN(a->nla_len);
	}
	return NULL;
}

#define A_DATA(a) ((const uint8_t *)(a) + NLA_HDRLEN)
#define A_LEN(a) ((size_t)(a)->nla_len - NLA_HDRLEN)

static bool all_zero(const uint8_t *p, size_t n)
{
	while (n--)
		if (*p++)
			return false;
	return true;
}

/*
 * Does the flow (key @k, mask @m; @m NULL: exact match) match on at least
 * the bits the filter's mask @fm names, with the filter's values @fk?
 * Nested attributes (encap, tunnel) are compared level by level.
 */
static bool filter_match(const void *fk, size_t fk_len, const void *fm,
			 size_t fm_len, const void *k, size_t k_len,
			 const void *m, size_t m_len, bool exact)
{
	const uint8_t *p = fm;
	size_t left = fm_len, i;

	while (left >= NLA_HDRLEN) {
		const struct nlattr *ma = (const void *)p;
		uint16_t type = ma->nla_type & NLA_TYPE_MASK;
		const struct nlattr *fa, *ka, *kma;

		if (ma->nla_len < NLA_HDRLEN || ma->nla_len > left)
			return false;
		fa = dpctl_attr_find(fk, fk_len, type);
		ka = dpctl_attr_find(k, k_len, type);
		kma = exact ? NULL : dpctl_attr_find(m, m_len, type);
		if (ma->nla_type & NLA_F_NESTED ||
		    type == OVS_KEY_ATTR_ENCAP || type == OVS_KEY_ATTR_TUNNEL) {
			if (!fa || !ka || (!exact && !kma))
				return false;
			if (!filter_match(A_DATA(fa), A_LEN(fa), A_DATA(ma),
					  A_LEN(ma), A_DATA(ka), A_LEN(ka),
					  kma ? A_DATA(kma) : NULL,
					  kma ? A_LEN(kma) : 0, exact))
				return false;
		} else if (!all_zero(A_DATA(ma), A_LEN(ma))) {
			if (!fa || !ka || A_LEN(fa) != A_LEN(ma) ||
			    A_LEN(ka) != A_LEN(ma) ||
			    (kma && A_LEN(kma) != A_LEN(ma)))
				return false;
			if (!exact && !kma)
				return false;	/* wildcarded by the flow */
			for (i = 0; i < A_LEN(ma); i++) {
				uint8_t bits = A_DATA(ma)[i];

				if (!exact && (bits & ~A_DATA(kma)[i]))
					return false;
				if ((A_DATA(ka)[i] ^ A_DATA(fa)[i]) & bits)
					return false;
			}
		}
		if ((size_t)NLA_ALIGN(ma->nla_len) >= left)
			break;
		left -= NLA_ALIGN(ma->nla_len);
		p += NLA_ALIGN(ma->nla_len);
	}
	return true;
}

struct dump_ctx {
	const struct dpctl_opts *o;
	const struct dpctl_flow_arg *filter;	/* NULL: all flows */
	uint64_t now;
};

static int print_flow(const struct ovsdp_flow *f, void *arg)
{
	const struct dump_ctx *c = arg;
	const struct dpctl_flow_arg *flt = c->filter;
	struct ovsdp_buf out;

	if (flt && flt->ufid_len &&
	    (f->ufid_len != flt->ufid_len ||
	     memcmp(f->ufid, flt->ufid, flt->ufid_len)))
		return 0;
	if (flt && !filter_match(flt->key.data, flt->key.len,
				 flt->mask.data, flt->mask.len,
				 f->key, f->key_len, f->mask, f->mask_len,
				 f->mask == NULL))
		return 0;
	ovsdp_buf_init(&out);
	dpctl_flow_format(&out, f, c->o->more, true, c->now);
	printf("%s\n", ovsdp_buf_str(&out));
	ovsdp_buf_free(&out);
	return 0;
}

/* A dump-flows argument that is a filter rather than a datapath name. */
static bool is_filter(const char *arg)
{
	return !strncmp(arg, "filter=", 7) || !strncmp(arg, "ufid:", 5) ||
	       strchr(arg, '(');
}

int dpctl_cmd_dump_flows(struct ovsdp *h, const struct dpctl_opts *o,
			 int argc, char **argv)
{
	struct dump_ctx c = { .o = o, .now = dpctl_now_msec() };
	const char *dp_arg = NULL, *flt = NULL;
	struct dpctl_flow_arg fa;
	struct ovsdp_dp_info dp;
	int rc;

	if (argc > 2)
		return BAD_ARGS;
	if (argc == 2) {
		dp_arg = argv[0];
		flt = argv[1];
	} else if (argc == 1) {
		if (is_filter(argv[0]))
			flt = argv[0];
		else
			dp_arg = argv[0];
	}
	dpctl_flow_arg_init(&fa);
	if (flt) {
		if (!strncmp(flt, "filter=", 7))
			flt += 7;
		rc = dpctl_flow_arg_parse(flt, &fa);
		if (rc)
			goto out;
		c.filter = &fa;
	}
	rc = dpctl_find_dp(h, dp_arg, &dp);
	if (rc)
		goto out;
	rc = ovsdp_flow_dump(h, dp.dp_ifindex, 0, print_flow, &c);
	if (rc)
		rc = dpctl_fail(h, "dump-flows", rc);
out:
	dpctl_flow_arg_free(&fa);
	return rc;
}

/* ---- one flow ---- */

/* Fills @f from a parsed flow argument; mask and actions left to caller. */
static void flow_req(struct ovsdp_flow *f, int dp_ifindex,
		     const struct dpctl_flow_arg *fa)
{
	memset(f, 0, sizeof(*f));
	f->dp_ifindex = dp_ifindex;
	f->key = fa->key.data;
	f->key_len = fa->key.len;
	if (fa->ufid_len) {
		f->ufid = fa->ufid;
		f->ufid_len = fa->ufid_len;
	}
}

static int flow_write(struct ovsdp *h, int argc, char **argv, bool mod)
{
	struct ovsdp_parse_error err;
	struct dpctl_flow_arg fa;
	struct ovsdp_dp_info dp;
	struct ovsdp_buf acts;
	struct ovsdp_flow f;
	int rc;

	if (argc < 2 || argc > 3)
		return BAD_ARGS;
	dpctl_flow_arg_init(&fa);
	ovsdp_buf_init(&acts);
	rc = dpctl_flow_arg_parse(argv[argc - 2], &fa);
	if (rc)
		goto out;
	if (!fa.key.len) {
		rc = dpctl_syntax_error("flow", argv[argc - 2],
					strlen(argv[argc - 2]),
					"a flow key is required");
		goto out;
	}
	if (ovsdp_actions_parse(argv[argc - 1], &acts, &err)) {
		rc = dpctl_syntax_error("actions", argv[argc - 1], err.pos,
					err.msg);
		goto out;
	}
	rc = dpctl_find_dp(h, argc == 3 ? argv[0] : NULL, &dp);
	if (rc)
		goto out;
	flow_req(&f, dp.dp_ifindex, &fa);
	f.mask = fa.mask.data ? fa.mask.data : (const void *)"";
	f.mask_len = fa.mask.len;
	f.actions = acts.data ? acts.data : (const void *)"";
	f.actions_len = acts.len;
	rc = mod ? ovsdp_flow_set(h, &f, NULL, NULL) :
		   ovsdp_flow_new(h, &f, OVSDP_FLOW_EXCL, NULL, NULL);
	if (rc)
		rc = dpctl_fail(h, mod ? "mod-flow" : "add-flow", rc);
out:
	dpctl_flow_arg_free(&fa);
	ovsdp_buf_free(&acts);
	return rc;
}

int dpctl_cmd_add_flow(struct ovsdp *h, const struct dpctl_opts *o,
		       int argc, char **argv)
{
	(void)o;
	return flow_write(h, argc, argv, false);
}

int dpctl_cmd_mod_flow(struct ovsdp *h, const struct dpctl_opts *o,
		       int argc, char **argv)
{
	(void)o;
	return flow_write(h, argc, argv, true);
}

/* Parses "[DP] FLOW|ufid:HEX" for get-flow and del-flow. */
static int flow_ident(struct ovsdp *h, int argc, char **argv,
		      struct dpctl_flow_arg *fa, struct ovsdp_flow *f)
{
	struct ovsdp_dp_info dp;
	int rc;

	if (argc < 1 || argc > 2)
		return BAD_ARGS;
	rc = dpctl_flow_arg_parse(argv[argc - 1], fa);
	if (rc)
		return rc;
	if (!fa->key.len && !fa->ufid_len)
		return dpctl_syntax_error("flow", argv[argc - 1], 0,
					  "a flow key or ufid:HEX is required");
	rc = dpctl_find_dp(h, argc == 2 ? argv[0] : NULL, &dp);
	if (rc)
		return rc;
	flow_req(f, dp.dp_ifindex, fa);
	return 0;
}

static int print_one(const struct ovsdp_flow *f, void *arg)
{
	const struct dpctl_opts *o = arg;
	struct ovsdp_buf out;

	ovsdp_buf_init(&out);
	dpctl_flow_format(&out, f, o->more, true, dpctl_now_msec());
	printf("%s\n", ovsdp_buf_str(&out));
	ovsdp_buf_free(&out);
	return 0;
}

int dpctl_cmd_get_flow(struct ovsdp *h, const struct dpctl_opts *o,
		       int argc, char **argv)
{
	struct dpctl_flow_arg fa;
	struct ovsdp_flow f;
	int rc;

	dpctl_flow_arg_init(&fa);
	rc = flow_ident(h, argc, argv, &fa, &f);
	if (!rc) {
		rc = ovsdp_flow_get(h, &f, print_one, (void *)o);
		if (rc)
			rc = dpctl_fail(h, "get-flow", rc);
	}
	dpctl_flow_arg_free(&fa);
	return rc;
}

int dpctl_cmd_del_flow(struct ovsdp *h, const struct dpctl_opts *o,
		       int argc, char **argv)
{
	struct dpctl_flow_arg fa;
	struct ovsdp_flow f;
	int rc;

	(void)o;
	dpctl_flow_arg_init(&fa);
	rc = flow_ident(h, argc, argv, &fa, &f);
	if (!rc) {
		rc = ovsdp_flow_del(h, &f, NULL, NULL);
		if (rc)
			rc = dpctl_fail(h, "del-flow", rc);
	}
	dpctl_flow_arg_free(&fa);
	return rc;
}

int dpctl_cmd_del_flows(struct ovsdp *h, const struct dpctl_opts *o,
			int argc, char **argv)
{
	struct ovsdp_dp_info dp;
	int rc;

	(void)o;
	if (argc > 1)
		return BAD_ARGS;
	rc = dpctl_find_dp(h, argc ? argv[0] : NULL, &dp);
	if (rc)
		return rc;
	rc = ovsdp_flow_flush(h, dp.dp_ifindex);
	return rc ? dpctl_fail(h, "del-flows", rc) : 0;
}

/* ---- execute ---- */

/* Hex digits, optionally "0x"-prefixed, whitespace/':'/'.' ignored. */
static int packet_parse(const char *text, struct ovsdp_buf *pkt)
{
	size_t p = 0, digits = 0;
	uint8_t byte = 0;
	int v;

	if (!strncmp(text, "0x", 2) || !strncmp(text, "0X", 2))
		p = 2;
	for (; text[p]; p++) {
		if (isspace((unsigned char)text[p]) || text[p] == ':' ||
		    text[p] == '.')
			continue;
		v = hexval(text[p]);
		if (v < 0)
			return dpctl_syntax_error("packet", text, p,
						  "expected a hex digit");
		byte = byte << 4 | v;
		if (digits++ % 2)
			ovsdp_buf_put(pkt, &byte, 1);
	}
	if (digits % 2)
		return dpctl_syntax_error("packet", text, p,
					  "odd number of hex digits");
	if (!digits)
		return dpctl_syntax_error("packet", text, p, "empty packet");
	return pkt->oom ? EXIT_KERNEL : 0;
}

static bool all_digits(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++)
		if (!isdigit((unsigned char)*s))
			return false;
	return true;
}

/* The packet's metadata key: "in_port(N)" from a number or port name. */
static int exec_key(struct ovsdp *h, int dp_ifindex, const char *arg,
		    struct dpctl_flow_arg *fa)
{
	struct ovsdp_vport_info vp;
	char what[64], text[48];
	int rc;

	if (strchr(arg, '('))
		return dpctl_flow_arg_parse(arg, fa);
	if (all_digits(arg)) {
		snprintf(text, sizeof(text), "in_port(%.20s)", arg);
		rc = dpctl_flow_arg_parse(text, fa);
		return rc ? EXIT_USAGE : 0;
	}
	rc = ovsdp_vport_get(h, dp_ifindex, arg, 0, &vp);
	if (rc) {
		snprintf(what, sizeof(what), "looking up port %.20s", arg);
		return dpctl_fail(h, what, rc);
	}
	snprintf(text, sizeof(text), "in_port(%u)", vp.port_no);
	return dpctl_flow_arg_parse(text, fa);
}

int dpctl_cmd_execute(struct ovsdp *h, const struct dpctl_opts *o,
		      int argc, char **argv)
{
	struct ovsdp_packet_exec px = { 0 };
	struct ovsdp_parse_error err;
	struct ovsdp_buf pkt, acts;
	struct dpctl_flow_arg fa;
	struct ovsdp_dp_info dp;
	int rc, a = argc - 3;

	(void)o;
	if (argc < 3 || argc > 4)
		return BAD_ARGS;
	dpctl_flow_arg_init(&fa);
	ovsdp_buf_init(&pkt);
	ovsdp_buf_init(&acts);
	rc = packet_parse(argv[a + 1], &pkt);
	if (rc)
		goto out;
	if (ovsdp_actions_parse(argv[a + 2], &acts, &err)) {
		rc = dpctl_syntax_error("actions", argv[a + 2], err.pos,
					err.msg);
		goto out;
	}
	if (strchr(argv[a], '(')) {
		/* Malformed flow text is a usage error, before any lookup. */
		rc = dpctl_flow_arg_parse(argv[a], &fa);
		if (rc)
			goto out;
	}
	rc = dpctl_find_dp(h, a ? argv[0] : NULL, &dp);
	if (rc)
		goto out;
	if (!fa.key.len) {
		rc = exec_key(h, dp.dp_ifindex, argv[a], &fa);
		if (rc)
			goto out;
	}
	px.dp_ifindex = dp.dp_ifindex;
	px.packet = pkt.data;
	px.packet_len = pkt.len;
	px.key = fa.key.data ? fa.key.data : (const void *)"";
	px.key_len = fa.key.len;
	px.actions = acts.data ? acts.data : (const void *)"";
	px.actions_len = acts.len;
	rc = ovsdp_packet_execute(h, &px);
	if (rc)
		rc = dpctl_fail(h, "execute", rc);
out:
	dpctl_flow_arg_free(&fa);
	ovsdp_buf_free(&pkt);
	ovsdp_buf_free(&acts);
	return rc;
}
