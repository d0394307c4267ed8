/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Datapath flow syntax: the textual form of OVS_KEY_ATTR_* and
 * OVS_ACTION_ATTR_* attribute streams used by ovs-dpctl, e.g.
 *
 *   in_port(1),eth(src=00:11:22:33:44:55,dst=...),eth_type(0x0800),
 *   ipv4(src=10.0.0.1/255.255.255.0,proto=6,frag=no),tcp(dst=80)
 *
 *   set(ipv4(ttl=63)),push_vlan(vid=10,pcp=0),2
 *
 * The formatter and parser work on raw attribute bytes (streams of
 * struct nlattr, 4-byte aligned) and do not depend on libnl, so that every
 * tool prints and reads flows in exactly the same way.
 */
#ifndef OVSDP_ODP_H
#define OVSDP_ODP_H 1

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Growable byte buffer, used both for attribute streams and for text. */
struct ovsdp_buf {
	uint8_t *data;
	size_t len;
	size_t cap;
	bool oom;		/* an allocation failed; contents are truncated */
};

void ovsdp_buf_init(struct ovsdp_buf *b);
void ovsdp_buf_free(struct ovsdp_buf *b);
void ovsdp_buf_clear(struct ovsdp_buf *b);
/* Appends @len bytes (or zeroes when @data is NULL); NULL on OOM. */
void *ovsdp_buf_put(struct ovsdp_buf *b, const void *data, size_t len);
/* Appends formatted text; the buffer stays NUL-terminated (not counted). */
void ovsdp_buf_printf(struct ovsdp_buf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* The buffer's text as a C string ("" when empty). */
const char *ovsdp_buf_str(const struct ovsdp_buf *b);

/*
 * Growable arrays of the tools: called when all *@cap elements of @arr
 * (each @size bytes) are used, returns the array with room for more
 * (doubled, or @first elements when empty) and updates *@cap; NULL when
 * memory is short, @arr then still valid and unchanged.
 */
void *ovsdp_array_grow(void *arr, size_t *cap, size_t size, size_t first);

/* Netlink attribute writing on an ovsdp_buf. */
void ovsdp_attr_put(struct ovsdp_buf *b, uint16_t type, const void *data,
		    size_t len);
void ovsdp_attr_put_u32(struct ovsdp_buf *b, uint16_t type, uint32_t v);
void ovsdp_attr_put_flag(struct ovsdp_buf *b, uint16_t type);
/* Starts a nested attribute; returns the offset to pass to _nest_end. */
size_t ovsdp_attr_nest_start(struct ovsdp_buf *b, uint16_t type);
void ovsdp_attr_nest_end(struct ovsdp_buf *b, size_t start);

/* Where and why a parse failed. */
struct ovsdp_parse_error {
	size_t pos;		/* byte offset into the input text */
	char msg[256];		/* "offset N near 'tok': reason" */
};

/*
 * Parses a flow key such as "in_port(1),eth_type(0x0800),ipv4(...)" into
 * OVS_KEY_ATTR_* streams: @key receives values, @mask (may be NULL) the
 * matching OVS_FLOW_ATTR_MASK contents.  A field written without "/mask"
 * is matched exactly, a field left out is wildcarded.  Output is appended.
 * Returns 0, -EINVAL (with @err filled in) or -ENOMEM.
 */
int ovsdp_key_parse(const char *text, struct ovsdp_buf *key,
		    struct ovsdp_buf *mask, struct ovsdp_parse_error *err);

/*
 * Formats a key stream.  With @mask == NULL every field is printed (an
 * exact key, e.g. a packet's key); otherwise fields whose mask is zero are
 * left out and partial masks are printed as "value/mask".
 */
void ovsdp_key_format(struct ovsdp_buf *out, const void *key, size_t key_len,
		      const void *mask, size_t mask_len);

/*
 * Formats a key stream with its mask without leaving anything out (the
 * ovs-dpctl "-m" view): every field of every key attribute is printed as
 * "value/mask", wildcarded ones as ".../0", and key attributes missing
 * from @mask count as fully wildcarded.  The text parses back to the same
 * key and mask (apart from attributes the mask left out, which come back
 * with an explicit all-zero mask).
 */
void ovsdp_key_format_full(struct ovsdp_buf *out, const void *key,
			   size_t key_len, const void *mask, size_t mask_len);

/* Parses an action list ("drop" is the empty list) into OVS_ACTION_ATTR_*. */
int ovsdp_actions_parse(const char *text, struct ovsdp_buf *acts,
			struct ovsdp_parse_error *err);

/* Formats an OVS_ACTION_ATTR_* stream; an empty one prints as "drop". */
void ovsdp_actions_format(struct ovsdp_buf *out, const void *acts,
			  size_t len);

/* Hex dump helper shared by the tools ("0a1b..."). */
void ovsdp_hex_format(struct ovsdp_buf *out, const void *data, size_t len);

#ifdef __cplusplus
}
#endif

#endif /* OVSDP_ODP_H */
