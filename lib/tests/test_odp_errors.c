// SPDX-License-Identifier: GPL-2.0
/*
 * Malformed flows and actions are rejected with a message that names the
 * offending position and token, and nothing half-parsed is trusted.
 */
#include <errno.h>
#include <stdlib.h>

#include "ovsdp/odp.h"
#include "testutil.h"

struct bad {
	const char *text;
	size_t pos;		/* expected error offset */
	const char *reason;	/* expected substring of the message */
};

static const struct bad bad_keys[] = {
	{ "in_port(1", 9, "expected ')'" },
	{ "in_port(1),", 11, "expected a name" },
	{ "in_prot(1)", 0, "unknown key field 'in_prot'" },
	{ "in_port(1),in_port(2)", 11, "duplicate key attribute" },
	{ "in_port(x)", 8, "expected a number" },
	{ "in_port(4294967296)", 8, "out of range" },
	{ "in_port(1)x", 10, "expected ',' or end of input" },
	{ "eth(src=00:11:22:33:44)", 8, "malformed Ethernet address" },
	{ "eth(src=00:11:22:33:44:55,foo=1)", 26, "unknown field 'foo' in eth()" },
	{ "eth(src=00:11:22:33:44:55,src=00:11:22:33:44:55)", 26,
	  "duplicate field 'src'" },
	{ "ipv4(src=1.2.3)", 9, "malformed IPv4 address" },
	{ "ipv4(src=1.2.3.4/255.255.0)", 17, "malformed IPv4 address" },
	{ "ipv4(frag=maybe)", 10, "expected no, first, later or a number" },
	{ "ipv4(proto=256)", 11, "out of range (max 255)" },
	{ "ipv4(proto)", 10, "expected '='" },
	{ "ipv6(src=::g)", 9, "malformed IPv6 address" },
	{ "vlan(vid=4096)", 9, "out of range (max 4095)" },
	{ "mpls(label=1048576)", 11, "out of range" },
	{ "encap(in_port(1)", 16, "expected ',' or ')'" },
	{ "tunnel(tun_id=0x1,flags(bogus))", 24, "unknown tunnel flag 'bogus'" },
	{ "tunnel(color=1)", 7, "unknown field 'color' in tunnel()" },
	{ "ct_label(0x0102030405060708090a0b0c0d0e0f1011)", 9,
	  "expected 1 to 32 hex digits" },
	{ "key99(abc)", 6, "malformed hex string" },
	{ "key99(0102/01)", 11, "mask length differs" },
	{ "tcp(src=80 dst=1)", 11, "expected ')'" },
};

static const struct bad bad_actions[] = {
	{ "", 0, "empty action list" },
	{ "drop,2", 4, "'drop' must be the only action" },
	{ "2,drop", 2, "'drop' must be the only action" },
	{ "2,,3", 2, "expected a name" },
	{ "output(2)", 0, "unknown action 'output'" },
	{ "4294967296", 0, "out of range" },
	{ "set(ipv4(ttl=300))", 13, "out of range (max 255)" },
	{ "set(bogus(1))", 4, "unknown key field 'bogus'" },
	{ "set(tunnel(tun_id=0x1/0xf))", 4, "masked set is not supported" },
	{ "set(ipv4(ttl=1)", 15, "expected ')'" },
	{ "userspace(pid=1,pid=2)", 16, "duplicate parameter 'pid'" },
	{ "userspace(userdata(01))", 22, "userspace() needs pid=" },
	{ "userspace(pid=1,color=2)", 16, "unknown userspace() parameter" },
	{ "push_vlan(vid=1)", 15, "expected ','" },
	{ "push_vlan(pcp=1,vid=1)", 10, "expected 'vid='" },
	{ "sample(sample=150%,actions(1))", 14, "0 to 100%" },
	{ "sample(sample=50%,acts(1))", 18, "expected 'actions('" },
	{ "sample(sample=50%,actions(1)", 28, "expected ')'" },
	{ "clone(1,)", 8, "expected a name" },
	{ "clone()", 6, "empty action list" },
	{ "check_pkt_len(size=100,gt(1))", 28, "expected ','" },
	{ "check_pkt_len(size=70000,gt(1),le(2))", 19, "out of range" },
	{ "hash(l3(0))", 5, "expected l4 or sym_l4" },
	{ "push_mpls(label=1,tc=8,ttl=1,bos=1,eth_type=0x8847)", 21,
	  "out of range (max 7)" },
	{ "ct(nat(src=1.1.1.1))", 3, "unsupported ct() parameter 'nat'" },
	{ "ct(zone=1,zone=2)", 10, "duplicate parameter 'zone'" },
	{ "dec_ttl(le_2(1))", 8, "expected 'le_1('" },
	{ "action99(0g)", 9, "malformed hex string" },
	{ "recirc(0x1", 10, "expected ')'" },
};

static void check_error(const struct bad *b, int rc,
			const struct ovsdp_parse_error *err)
{
	char want_prefix[32];

	CHECK(rc == -EINVAL, "'%s' accepted (rc %d)", b->text, rc);
	if (rc != -EINVAL)
		return;
	CHECK(err->pos == b->pos, "'%s': error at %zu, want %zu (%s)",
	      b->text, err->pos, b->pos, err->msg);
	CHECK(strstr(err->msg, b->reason) != NULL,
	      "'%s': message '%s' lacks '%s'", b->text, err->msg, b->reason);
	/* The message leads with the position so tools can point at it. */
	snprintf(want_prefix, sizeof(want_prefix), "offset %zu ", b->pos);
	CHECK(!strncmp(err->msg, want_prefix, strlen(want_prefix)),
	      "'%s': message '%s' does not start with '%s'", b->text,
	      err->msg, want_prefix);
}

static void test_bad_keys(void)
{
	struct ovsdp_parse_error err;
	struct ovsdp_buf k, m;
	size_t i;
	int rc;

	ovsdp_buf_init(&k);
	ovsdp_buf_init(&m);
	for (i = 0; i < sizeof(bad_keys) / sizeof(bad_keys[0]); i++) {
		ovsdp_buf_clear(&k);
		ovsdp_buf_clear(&m);
		rc = ovsdp_key_parse(bad_keys[i].text, &k, &m, &err);
		check_error(&bad_keys[i], rc, &err);
	}
	ovsdp_buf_free(&k);
	ovsdp_buf_free(&m);
}

static void test_bad_actions(void)
{
	struct ovsdp_parse_error err;
	struct ovsdp_buf a;
	size_t i;
	int rc;

	ovsdp_buf_init(&a);
	for (i = 0; i < sizeof(bad_actions) / sizeof(bad_actions[0]); i++) {
		ovsdp_buf_clear(&a);
		rc = ovsdp_actions_parse(bad_actions[i].text, &a, &err);
		check_error(&bad_actions[i], rc, &err);
	}
	ovsdp_buf_free(&a);
}

/* The message quotes the token at the error position. */
static void test_message_names_token(void)
{
	struct ovsdp_parse_error err;
	struct ovsdp_buf k, m;

	ovsdp_buf_init(&k);
	ovsdp_buf_init(&m);
	CHECK(ovsdp_key_parse("in_port(1),ipv4(proto=tcp)", &k, &m, &err) ==
	      -EINVAL, "accepted");
	CHECK(strstr(err.msg, "near 'tcp'") != NULL, "msg: %s", err.msg);
	CHECK(ovsdp_key_parse("in_port(1", &k, &m, &err) == -EINVAL,
	      "accepted");
	CHECK(strstr(err.msg, "end of input") != NULL, "msg: %s", err.msg);
	/* NULL err is allowed. */
	CHECK(ovsdp_key_parse("bogus", &k, &m, NULL) == -EINVAL, "accepted");
	ovsdp_buf_free(&k);
	ovsdp_buf_free(&m);
}

/* Truncating any valid input must be rejected or parse, never crash. */
static void test_truncations(void)
{
	static const char *const texts[] = {
		"in_port(1),eth(src=00:11:22:33:44:55/ff:ff:ff:00:00:00),"
		"eth_type(0x8100),vlan(vid=10,pcp=0),encap(eth_type(0x0800),"
		"ipv4(src=10.0.0.1,frag=no),tcp(dst=80)),tunnel(tun_id=0x1,"
		"flags(+df-csum))",
		"set(ipv4(ttl=63)),sample(sample=50.0%,actions(userspace(pid=1,"
		"userdata(0102)))),check_pkt_len(size=10,gt(1),le(clone(2))),"
		"ct(commit,zone=1),push_vlan(tpid=0x88a8,vid=1,pcp=2)",
	};
	struct ovsdp_parse_error err;
	struct ovsdp_buf k, m;
	char buf[512];
	size_t t, n;
	int rc, rejected = 0;

	ovsdp_buf_init(&k);
	ovsdp_buf_init(&m);
	for (t = 0; t < 2; t++) {
		for (n = 0; n < strlen(texts[t]); n++) {
			memcpy(buf, texts[t], n);
			buf[n] = 0;
			ovsdp_buf_clear(&k);
			ovsdp_buf_clear(&m);
			rc = t ? ovsdp_actions_parse(buf, &k, &err) :
				 ovsdp_key_parse(buf, &k, &m, &err);
			if (rc) {
				rejected++;
				CHECK(err.pos <= n && err.msg[0],
				      "'%s': bad error %zu '%s'", buf, err.pos,
				      err.msg);
			}
		}
	}
	CHECK(rejected > 100, "most prefixes are invalid (%d)", rejected);
	ovsdp_buf_free(&k);
	ovsdp_buf_free(&m);
}

int main(void)
{
	test_bad_keys();
	test_bad_actions();
	test_message_names_token();
	test_truncations();
	return t_report();
}
