/* SPDX-License-Identifier: GPL-2.0 */
/* Private interfaces shared by the flow syntax files of lib/. */
#ifndef OVSDP_ODP_INTERNAL_H
#define OVSDP_ODP_INTERNAL_H 1

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <linux/netlink.h>

#include "ovsdp/odp.h"

/* Walks a raw attribute stream, stopping at the first malformed header. */
struct attr_iter {
	const uint8_t *pos;
	size_t left;
};

void attr_iter_init(struct attr_iter *it, const void *data, size_t len);
/* Next attribute or NULL; *rest_bad set when trailing bytes are garbage. */
const struct nlattr *attr_iter_next(struct attr_iter *it);
bool attr_stream_valid(const void *data, size_t len);

static inline const void *attr_data(const struct nlattr *a)
{
	return (const uint8_t *)a + NLA_HDRLEN;
}

static inline size_t attr_len(const struct nlattr *a)
{
	return a->nla_len - NLA_HDRLEN;
}

static inline uint16_t attr_type(const struct nlattr *a)
{
	return a->nla_type & NLA_TYPE_MASK;
}

const struct nlattr *attr_find(const void *data, size_t len, uint16_t type);

/* Cursor over the text being parsed. */
struct lexer {
	const char *s;
	size_t pos;
	struct ovsdp_parse_error *err;
	bool failed;
};

bool lex_fail(struct lexer *lx, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void lex_skip_ws(struct lexer *lx);
char lex_peek(struct lexer *lx);
/* Consumes @c (after whitespace) if present. */
bool lex_accept(struct lexer *lx, char c);
bool lex_expect(struct lexer *lx, char c);
/* Consumes the literal word @w if it is followed by a non-word char. */
bool lex_accept_word(struct lexer *lx, const char *w);
/* Reads [A-Za-z0-9_]+ into @buf; false (error set) if none. */
bool lex_name(struct lexer *lx, char *buf, size_t size);
bool lex_uint(struct lexer *lx, uint64_t max, uint64_t *v);
bool lex_mac(struct lexer *lx, uint8_t mac[6]);
bool lex_ipv4(struct lexer *lx, uint8_t ip[4]);
bool lex_ipv6(struct lexer *lx, uint8_t ip[16]);
/* Even-length hex string, optional 0x prefix, into @out. */
bool lex_hex_bytes(struct lexer *lx, struct ovsdp_buf *out);

/* Key attribute formatting/parsing, shared with set() actions. */
enum key_mode {
	KEY_EXACT,		/* no mask: print everything */
	KEY_MASKED,		/* mask given: omit wildcarded fields */
};

/*
 * Formats one key attribute @a with mask attribute @m (NULL in exact mode).
 * @force_masks prints every field with an explicit "/mask" (used for masked
 * set actions whose mask happens to be all-ones).
 */
void key_attr_format(struct ovsdp_buf *out, const struct nlattr *a,
		     const struct nlattr *m, bool force_masks);
/* True when every field of the masked attribute is fully masked. */
bool key_attr_mask_full(const struct nlattr *m);

/*
 * Parses one "name(...)" key attribute.  *@exact tells whether every field
 * was given without a mask (what a plain set() action needs).
 */
bool key_attr_parse(struct lexer *lx, struct ovsdp_buf *key,
		    struct ovsdp_buf *mask, bool *exact);
/* encap and tunnel: attributes that hold further attributes. */
bool key_type_is_nested(uint16_t type);
bool key_list_parse(struct lexer *lx, struct ovsdp_buf *key,
		    struct ovsdp_buf *mask, char end);

#endif /* OVSDP_ODP_INTERNAL_H */
