// SPDX-License-Identifier: GPL-2.0
/*
 * Growable buffers and netlink attribute writing for the flow syntax code.
 * Deliberately independent of libnl: the parser produces plain attribute
 * bytes which callers then wrap into whatever message they send.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/netlink.h>

#include "ovsdp/odp.h"

void ovsdp_buf_init(struct ovsdp_buf *b)
{
	memset(b, 0, sizeof(*b));
}

void ovsdp_buf_free(struct ovsdp_buf *b)
{
	free(b->data);
	ovsdp_buf_init(b);
}

void ovsdp_buf_clear(struct ovsdp_buf *b)
{
	b->len = 0;
	b->oom = false;
	if (b->data)
		b->data[0] = 0;
}

/* buf_reserve()'s slow path: grow to hold @need bytes. */
static __attribute__((noinline)) bool buf_grow(struct ovsdp_buf *b,
					       size_t need)
{
	size_t cap = b->cap ? b->cap : 64;
	uint8_t *p;

	while (cap < need)
		cap *= 2;
	p = realloc(b->data, cap);
	if (!p) {
		b->oom = true;
		return false;
	}
	b->data = p;
	b->cap = cap;
	return true;
}

/* Makes room for @extra more bytes plus a terminating NUL. */
static inline bool buf_reserve(struct ovsdp_buf *b, size_t extra)
{
	size_t need = b->len + extra + 1;

	if (b->oom)
		return false;
	return need <= b->cap || buf_grow(b, need);
}

void *ovsdp_buf_put(struct ovsdp_buf *b, const void *data, size_t len)
{
	void *dst;

	if (!buf_reserve(b, len))
		return NULL;
	dst = b->data + b->len;
	if (data)
		memcpy(dst, data, len);
	else
		memset(dst, 0, len);
	b->len += len;
	b->data[b->len] = 0;
	return dst;
}

void *ovsdp_array_grow(void *arr, size_t *cap, size_t size, size_t first)
{
	size_t ncap = *cap ? 2 * *cap : first;
	void *p;

	if (!size || ncap <= *cap || ncap > SIZE_MAX / size)
		return NULL;
	p = realloc(arr, ncap * size);
	if (p)
		*cap = ncap;
	return p;
}

void ovsdp_buf_printf(struct ovsdp_buf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (!buf_reserve(b, 64))
		return;
	va_start(ap, fmt);
	n = vsnprintf((char *)b->data + b->len, b->cap - b->len, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if ((size_t)n >= b->cap - b->len) {
		if (!buf_reserve(b, n))
			return;
		va_start(ap, fmt);
		vsnprintf((char *)b->data + b->len, b->cap - b->len, fmt, ap);
		va_end(ap);
	}
	b->len += n;
}

const char *ovsdp_buf_str(const struct ovsdp_buf *b)
{
	return b->data ? (const char *)b->data : "";
}

/*
 * One reservation and one copy per attribute: request builders put
 * several attributes for every flow and packet they send.
 */
void ovsdp_attr_put(struct ovsdp_buf *b, uint16_t type, const void *data,
		    size_t len)
{
	size_t total = NLA_HDRLEN + NLA_ALIGN(len);
	struct nlattr nla = {
		.nla_len = NLA_HDRLEN + len,
		.nla_type = type,
	};
	uint8_t *p;

	if (!buf_reserve(b, total))
		return;
	/* Copied, not stored through a pointer: a buffer may hold text
	 * before its attributes, so p need not be aligned.
	 */
	p = b->data + b->len;
	memcpy(p, &nla, sizeof(nla));
	if (data)
		memcpy(p + NLA_HDRLEN, data, len);
	else
		memset(p + NLA_HDRLEN, 0, len);
	if (NLA_ALIGN(len) != len)
		memset(p + NLA_HDRLEN + len, 0, NLA_ALIGN(len) - len);
	b->len += total;
	b->data[b->len] = 0;
}

void ovsdp_attr_put_u32(struct ovsdp_buf *b, uint16_t type, uint32_t v)
{
	ovsdp_attr_put(b, type, &v, sizeof(v));
}

void ovsdp_attr_put_flag(struct ovsdp_buf *b, uint16_t type)
{
	ovsdp_attr_put(b, type, NULL, 0);
}

size_t ovsdp_attr_nest_start(struct ovsdp_buf *b, uint16_t type)
{
	size_t start = b->len;

	ovsdp_attr_put(b, type, NULL, 0);
	return start;
}

void ovsdp_attr_nest_end(struct ovsdp_buf *b, size_t start)
{
	struct nlattr nla;

	if (b->oom)
		return;
	if (b->len - start > UINT16_MAX) {
		/* Cannot be represented in nla_len: treat as exhaustion. */
		b->oom = true;
		return;
	}
	memcpy(&nla, b->data + start, sizeof(nla));
	nla.nla_len = b->len - start;
	memcpy(b->data + start, &nla, sizeof(nla));
}

void ovsdp_hex_format(struct ovsdp_buf *out, const void *data, size_t len)
{
	const uint8_t *p = data;
	size_t i;

	for (i = 0; i < len; i++)
		ovsdp_buf_printf(out, "%02x", p[i]);
}
