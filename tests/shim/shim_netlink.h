/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The kernel netlink attribute API (<net/netlink.h>) for userspace builds,
 * on a minimal struct sk_buff that is nothing but a flat buffer: data,
 * len bytes used, end bytes allocated.  Attribute layout, alignment and
 * the failure behaviour of the nla_put family (-EMSGSIZE and nothing
 * written when the tailroom is short) follow the kernel, so portable code
 * that builds messages behaves the same in both environments.
 *
 * As on x86-64 kernels (CONFIG_HAVE_EFFICIENT_UNALIGNED_ACCESS), 64-bit
 * attributes are never preceded by a pad attribute.
 */
#ifndef OVSDP_SHIM_NETLINK_H
#define OVSDP_SHIM_NETLINK_H

#include <linux/netlink.h>

#include "shim_types.h"
#include "shim_alloc.h"

/* ---- Messages ---------------------------------------------------------- */

struct sk_buff {
	unsigned char *data;
	unsigned int len;	/* bytes in use */
	unsigned int end;	/* bytes allocated */
};

struct sk_buff *alloc_skb(unsigned int size, gfp_t flags);
void kfree_skb(struct sk_buff *skb);

static inline unsigned char *skb_tail_pointer(const struct sk_buff *skb)
{
	return skb->data + skb->len;
}

static inline int skb_tailroom(const struct sk_buff *skb)
{
	return (int)(skb->end - skb->len);
}

static inline void *skb_put(struct sk_buff *skb, unsigned int len)
{
	void *tail = skb_tail_pointer(skb);

	if (len > skb->end - skb->len)
		abort();	/* the kernel's skb_over_panic() */
	skb->len += len;
	return tail;
}

static inline void *skb_put_zero(struct sk_buff *skb, unsigned int len)
{
	return memset(skb_put(skb, len), 0, len);
}

static inline void *skb_put_data(struct sk_buff *skb, const void *data,
				 unsigned int len)
{
	return memcpy(skb_put(skb, len), data, len);
}

static inline void skb_trim(struct sk_buff *skb, unsigned int len)
{
	if (skb->len > len)
		skb->len = len;
}

/* ---- Extended acknowledgement ------------------------------------------ */

struct netlink_ext_ack {
	const char *_msg;
	const struct nlattr *bad_attr;
	const void *policy;
	u8 cookie[20];
	u8 cookie_len;
};

#ifndef KBUILD_MODNAME
#define KBUILD_MODNAME "openvswitch"
#endif

#define NL_SET_ERR_MSG(extack, msg) do {				\
	static const char __msg[] = msg;				\
	struct netlink_ext_ack *__extack = (extack);			\
									\
	if (__extack)							\
		__extack->_msg = __msg;					\
} while (0)

#define NL_SET_ERR_MSG_MOD(extack, msg)					\
	NL_SET_ERR_MSG((extack), KBUILD_MODNAME ": " msg)

#define NL_SET_BAD_ATTR(extack, attr) do {				\
	struct netlink_ext_ack *__eb = (extack);			\
									\
	if (__eb)							\
		__eb->bad_attr = (attr);				\
} while (0)

#define NL_SET_ERR_MSG_ATTR(extack, attr, msg) do {			\
	NL_SET_BAD_ATTR((extack), (attr));				\
	NL_SET_ERR_MSG((extack), msg);					\
} while (0)

/* ---- Reading attributes ------------------------------------------------ */

static inline int nla_attr_size(int payload)
{
	return NLA_HDRLEN + payload;
}

static inline int nla_total_size(int payload)
{
	return NLA_ALIGN(nla_attr_size(payload));
}

static inline int nla_total_size_64bit(int payload)
{
	return nla_total_size(payload);
}

static inline int nla_padlen(int payload)
{
	return nla_total_size(payload) - nla_attr_size(payload);
}

static inline int nla_type(const struct nlattr *nla)
{
	return nla->nla_type & NLA_TYPE_MASK;
}

static inline void *nla_data(const struct nlattr *nla)
{
	return (char *)nla + NLA_HDRLEN;
}

static inline int nla_len(const struct nlattr *nla)
{
	return nla->nla_len - NLA_HDRLEN;
}

static inline int nla_ok(const struct nlattr *nla, int remaining)
{
	return remaining >= (int)sizeof(*nla) &&
	       nla->nla_len >= sizeof(*nla) &&
	       nla->nla_len <= remaining;
}

static inline struct nlattr *nla_next(const struct nlattr *nla,
				      int *remaining)
{
	unsigned int totlen = NLA_ALIGN(nla->nla_len);

	*remaining -= totlen;
	return (struct nlattr *)((char *)nla + totlen);
}

static inline bool nla_is_last(const struct nlattr *nla, int rem)
{
	return nla->nla_len == rem;
}

#define nla_for_each_attr(pos, head, len, rem)				\
	for (pos = (struct nlattr *)(head), rem = (len);		\
	     nla_ok(pos, rem);						\
	     pos = nla_next(pos, &(rem)))

#define nla_for_each_nested(pos, nla, rem)				\
	nla_for_each_attr(pos, nla_data(nla), nla_len(nla), rem)

/* Fixed-size getters read through memcpy: attributes are only 4-aligned. */
#define SHIM_NLA_GET(name, type)					\
static inline type nla_get_##name(const struct nlattr *nla)		\
{									\
	type v;								\
									\
	memcpy(&v, nla_data(nla), sizeof(v));				\
	return v;							\
}

SHIM_NLA_GET(u8, u8)
SHIM_NLA_GET(u16, u16)
SHIM_NLA_GET(u32, u32)
SHIM_NLA_GET(u64, u64)
SHIM_NLA_GET(s32, s32)
SHIM_NLA_GET(be16, __be16)
SHIM_NLA_GET(be32, __be32)
SHIM_NLA_GET(be64, __be64)
SHIM_NLA_GET(in_addr, __be32)

static inline bool nla_get_flag(const struct nlattr *nla)
{
	return !!nla;
}

static inline int nla_memcpy(void *dest, const struct nlattr *src, int count)
{
	int minlen = min_t(int, count, nla_len(src));

	memcpy(dest, nla_data(src), minlen);
	if (count > minlen)
		memset((char *)dest + minlen, 0, count - minlen);
	return minlen;
}

/* ---- Writing attributes ------------------------------------------------ */

static inline struct nlattr *__nla_reserve(struct sk_buff *skb, int attrtype,
					   int attrlen)
{
	struct nlattr *nla;

	nla = skb_put(skb, nla_total_size(attrlen));
	nla->nla_type = attrtype;
	nla->nla_len = nla_attr_size(attrlen);
	memset((char *)nla + nla->nla_len, 0, nla_padlen(attrlen));
	return nla;
}

static inline struct nlattr *nla_reserve(struct sk_buff *skb, int attrtype,
					 int attrlen)
{
	if (unlikely(skb_tailroom(skb) < nla_total_size(attrlen)))
		return NULL;
	return __nla_reserve(skb, attrtype, attrlen);
}

static inline int nla_put(struct sk_buff *skb, int attrtype, int attrlen,
			  const void *data)
{
	struct nlattr *nla = nla_reserve(skb, attrtype, attrlen);

	if (unlikely(!nla))
		return -EMSGSIZE;
	if (attrlen)
		memcpy(nla_data(nla), data, attrlen);
	return 0;
}

static inline int nla_put_64bit(struct sk_buff *skb, int attrtype,
				int attrlen, const void *data, int padattr)
{
	return nla_put(skb, attrtype, attrlen, data);
}

#define SHIM_NLA_PUT(name, type)					\
static inline int nla_put_##name(struct sk_buff *skb, int attrtype,	\
				 type value)				\
{									\
	type tmp = value;						\
									\
	return nla_put(skb, attrtype, sizeof(tmp), &tmp);		\
}

SHIM_NLA_PUT(u8, u8)
SHIM_NLA_PUT(u16, u16)
SHIM_NLA_PUT(u32, u32)
SHIM_NLA_PUT(s32, s32)
SHIM_NLA_PUT(be16, __be16)
SHIM_NLA_PUT(be32, __be32)
SHIM_NLA_PUT(in_addr, __be32)

static inline int nla_put_u64_64bit(struct sk_buff *skb, int attrtype,
				    u64 value, int padattr)
{
	return nla_put_64bit(skb, attrtype, sizeof(value), &value, padattr);
}

static inline int nla_put_be64(struct sk_buff *skb, int attrtype,
			       __be64 value, int padattr)
{
	return nla_put_64bit(skb, attrtype, sizeof(value), &value, padattr);
}

static inline int nla_put_in6_addr(struct sk_buff *skb, int attrtype,
				   const struct in6_addr *addr)
{
	return nla_put(skb, attrtype, sizeof(*addr), addr);
}

static inline int nla_put_flag(struct sk_buff *skb, int attrtype)
{
	return nla_put(skb, attrtype, 0, NULL);
}

static inline struct nlattr *nla_nest_start_noflag(struct sk_buff *skb,
						   int attrtype)
{
	struct nlattr *start = (struct nlattr *)skb_tail_pointer(skb);

	if (nla_put(skb, attrtype, 0, NULL) < 0)
		return NULL;
	return start;
}

static inline struct nlattr *nla_nest_start(struct sk_buff *skb,
					    int attrtype)
{
	return nla_nest_start_noflag(skb, attrtype | NLA_F_NESTED);
}

static inline int nla_nest_end(struct sk_buff *skb, struct nlattr *start)
{
	start->nla_len = skb_tail_pointer(skb) - (unsigned char *)start;
	return skb->len;
}

static inline void nla_nest_cancel(struct sk_buff *skb, struct nlattr *start)
{
	if (start)
		skb_trim(skb, (unsigned char *)start - skb->data);
}

#endif /* OVSDP_SHIM_NETLINK_H */
