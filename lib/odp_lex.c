// SPDX-License-Identifier: GPL-2.0
/*
 * Scanner helpers for the flow syntax parser and a tolerant walker over
 * raw attribute streams for the formatter.
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "odp_internal.h"

void attr_iter_init(struct attr_iter *it, const void *data, size_t len)
{
	it->pos = data;
	it->left = data ? len : 0;
}

const struct nlattr *attr_iter_next(struct attr_iter *it)
{
	const struct nlattr *a = (const struct nlattr *)it->pos;
	size_t step;

	if (it->left < NLA_HDRLEN)
		return NULL;
	if (a->nla_len < NLA_HDRLEN || a->nla_len > it->left)
		return NULL;
	step = NLA_ALIGN(a->nla_len);
	if (step > it->left)
		step = it->left;	/* unaligned last attribute */
	it->pos += step;
	it->left -= step;
	return a;
}

bool attr_stream_valid(const void *data, size_t len)
{
	struct attr_iter it;

	attr_iter_init(&it, data, len);
	while (attr_iter_next(&it))
		;
	return it.left == 0;
}

const struct nlattr *attr_find(const void *data, size_t len, uint16_t type)
{
	const struct nlattr *a;
	struct attr_iter it;

	attr_iter_init(&it, data, len);
	while ((a = attr_iter_next(&it)))
		if (attr_type(a) == type)
			return a;
	return NULL;
}

/* Records the first error only: later ones are consequences of it. */
bool lex_fail(struct lexer *lx, const char *fmt, ...)
{
	char reason[160], near[24];
	const char *p;
	size_t n = 0;
	va_list ap;

	if (lx->failed)
		return false;
	lx->failed = true;
	p = lx->s + lx->pos;
	while (p[n] && n < sizeof(near) - 1 && !strchr(",()", p[n]))
		n++;
	if (!n && p[0])
		n = 1;
	memcpy(near, p, n);
	near[n] = 0;

	va_start(ap, fmt);
	vsnprintf(reason, sizeof(reason), fmt, ap);
	va_end(ap);
	if (lx->err) {
		lx->err->pos = lx->pos;
		if (p[0])
			snprintf(lx->err->msg, sizeof(lx->err->msg),
				 "offset %zu near '%s': %s", lx->pos, near,
				 reason);
		else
			snprintf(lx->err->msg, sizeof(lx->err->msg),
				 "offset %zu (end of input): %s", lx->pos,
				 reason);
	}
	return false;
}

void lex_skip_ws(struct lexer *lx)
{
	while (isspace((unsigned char)lx->s[lx->pos]))
		lx->pos++;
}

char lex_peek(struct lexer *lx)
{
	lex_skip_ws(lx);
	return lx->s[lx->pos];
}

bool lex_accept(struct lexer *lx, char c)
{
	if (lex_peek(lx) != c)
		return false;
	lx->pos++;
	return true;
}

bool lex_expect(struct lexer *lx, char c)
{
	if (lex_accept(lx, c))
		return true;
	return lex_fail(lx, "expected '%c'", c);
}

static bool is_word(char c)
{
	return isalnum((unsigned char)c) || c == '_';
}

bool lex_accept_word(struct lexer *lx, const char *w)
{
	size_t n = strlen(w);

	lex_skip_ws(lx);
	if (strncmp(lx->s + lx->pos, w, n) || is_word(lx->s[lx->pos + n]))
		return false;
	lx->pos += n;
	return true;
}

bool lex_name(struct lexer *lx, char *buf, size_t size)
{
	size_t n = 0;

	lex_skip_ws(lx);
	while (is_word(lx->s[lx->pos + n]))
		n++;
	if (!n)
		return lex_fail(lx, "expected a name");
	if (n >= size)
		return lex_fail(lx, "name too long");
	memcpy(buf, lx->s + lx->pos, n);
	buf[n] = 0;
	lx->pos += n;
	return true;
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = tolower((unsigned char)c);
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

/* Decimal or 0x-prefixed hexadecimal, no sign, bounded by @max. */
bool lex_uint(struct lexer *lx, uint64_t max, uint64_t *v)
{
	const char *p;
	uint64_t acc = 0;
	unsigned int base = 10;
	size_t n = 0;
	int d;

	lex_skip_ws(lx);
	p = lx->s + lx->pos;
	if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X')) {
		base = 16;
		p += 2;
	}
	for (;; n++) {
		d = hexval(p[n]);
		if (d < 0 || (unsigned int)d >= base)
			break;
		if (acc > (UINT64_MAX - d) / base)
			return lex_fail(lx, "number out of range");
		acc = acc * base + d;
	}
	if (!n)
		return lex_fail(lx, "expected a number");
	if (is_word(p[n]))
		return lex_fail(lx, "malformed number");
	if (acc > max)
		return lex_fail(lx, "number out of range (max %llu)",
				(unsigned long long)max);
	lx->pos = p + n - lx->s;
	*v = acc;
	return true;
}

bool lex_mac(struct lexer *lx, uint8_t mac[6])
{
	const char *p;
	int i, hi, lo;

	lex_skip_ws(lx);
	p = lx->s + lx->pos;
	for (i = 0; i < 6; i++) {
		hi = hexval(p[0]);
		lo = hexval(p[1]);
		if (hi < 0 || lo < 0 || (i < 5 && p[2] != ':'))
			return lex_fail(lx, "malformed Ethernet address");
		mac[i] = hi << 4 | lo;
		p += i < 5 ? 3 : 2;
	}
	if (is_word(*p) || *p == ':')
		return lex_fail(lx, "malformed Ethernet address");
	lx->pos = p - lx->s;
	return true;
}

/* Copies the run of address characters for inet_pton. */
static size_t addr_token(struct lexer *lx, const char *chars, char *buf,
			 size_t size)
{
	size_t n = 0;

	lex_skip_ws(lx);
	while (lx->s[lx->pos + n] && strchr(chars, lx->s[lx->pos + n]) &&
	       n < size - 1) {
		buf[n] = lx->s[lx->pos + n];
		n++;
	}
	buf[n] = 0;
	return n;
}

bool lex_ipv4(struct lexer *lx, uint8_t ip[4])
{
	char buf[32];
	size_t n = addr_token(lx, "0123456789.", buf, sizeof(buf));

	if (!n || inet_pton(AF_INET, buf, ip) != 1 ||
	    is_word(lx->s[lx->pos + n]))
		return lex_fail(lx, "malformed IPv4 address");
	lx->pos += n;
	return true;
}

bool lex_ipv6(struct lexer *lx, uint8_t ip[16])
{
	char buf[64];
	size_t n = addr_token(lx, "0123456789abcdefABCDEF:.", buf,
			      sizeof(buf));

	if (!n || inet_pton(AF_INET6, buf, ip) != 1 ||
	    is_word(lx->s[lx->pos + n]))
		return lex_fail(lx, "malformed IPv6 address");
	lx->pos += n;
	return true;
}

bool lex_hex_bytes(struct lexer *lx, struct ovsdp_buf *out)
{
	const char *p;
	uint8_t byte;
	size_t n = 0;

	lex_skip_ws(lx);
	p = lx->s + lx->pos;
	if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X'))
		p += 2;
	while (hexval(p[n]) >= 0)
		n++;
	if (n % 2 || is_word(p[n]))
		return lex_fail(lx, "malformed hex string");
	for (size_t i = 0; i < n; i += 2) {
		byte = hexval(p[i]) << 4 | hexval(p[i + 1]);
		ovsdp_buf_put(out, &byte, 1);
	}
	lx->pos = p + n - lx->s;
	return true;
}
