// SPDX-License-Identifier: GPL-2.0
/*
 * Host-side checks of the netlink layer: extack extraction, upcall
 * parsing on hand-built messages, graceful behaviour when the OVS
 * families are not registered (the host kernel has no openvswitch module),
 * and a real extack round trip through the kernel's nlctrl family.
 */
#include <errno.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>

#include "ovsdp/odp.h"
#include "ovsdp/ovsdp.h"
#include "testutil.h"

static void put_nlerr(struct ovsdp_buf *b, int error, uint16_t flags,
		      uint32_t orig_len, size_t orig_payload)
{
	struct nlmsghdr nlh = {
		.nlmsg_type = NLMSG_ERROR,
		.nlmsg_flags = flags,
	};
	struct nlmsgerr e = { .error = error };

	e.msg.nlmsg_len = orig_len;
	e.msg.nlmsg_seq = 42;
	ovsdp_buf_put(b, &nlh, sizeof(nlh));
	ovsdp_buf_put(b, &e, sizeof(e));
	ovsdp_buf_put(b, NULL, orig_payload);
	ovsdp_buf_put(b, NULL, NLMSG_ALIGN(b->len) - b->len);
}

static void fix_len(struct ovsdp_buf *b)
{
	((struct nlmsghdr *)b->data)->nlmsg_len = b->len;
}

static void test_extack_text(void)
{
	struct ovsdp_buf b;
	char text[64];

	/* Capped: only the request's header is echoed. */
	ovsdp_buf_init(&b);
	put_nlerr(&b, -EINVAL, NLM_F_CAPPED | NLM_F_ACK_TLVS, 64, 0);
	ovsdp_attr_put_u32(&b, NLMSGERR_ATTR_OFFS, 20);
	ovsdp_attr_put(&b, NLMSGERR_ATTR_MSG, "Flow key attr not present",
		       26);
	fix_len(&b);
	ovsdp_extack_text((void *)b.data, text, sizeof(text));
	CHECK_STR(text, "Flow key attr not present");

	/* Truncation to the caller's buffer. */
	ovsdp_extack_text((void *)b.data, text, 5);
	CHECK_STR(text, "Flow");

	/* Uncapped: the whole request (here 24 bytes) precedes the TLVs. */
	ovsdp_buf_clear(&b);
	put_nlerr(&b, -EEXIST, NLM_F_ACK_TLVS, 24, 8);
	ovsdp_attr_put(&b, NLMSGERR_ATTR_MSG, "exists", 7);
	fix_len(&b);
	ovsdp_extack_text((void *)b.data, text, sizeof(text));
	CHECK_STR(text, "exists");

	/* No NLM_F_ACK_TLVS: nothing to read even if bytes follow. */
	((struct nlmsghdr *)b.data)->nlmsg_flags = 0;
	ovsdp_extack_text((void *)b.data, text, sizeof(text));
	CHECK_STR(text, "");

	/* Claimed request length beyond the message: ignored safely. */
	ovsdp_buf_clear(&b);
	put_nlerr(&b, -EINVAL, NLM_F_ACK_TLVS, 4000, 0);
	fix_len(&b);
	ovsdp_extack_text((void *)b.data, text, sizeof(text));
	CHECK_STR(text, "");

	/* Not an error message at all. */
	((struct nlmsghdr *)b.data)->nlmsg_type = NLMSG_DONE;
	ovsdp_extack_text((void *)b.data, text, sizeof(text));
	CHECK_STR(text, "");
	ovsdp_buf_free(&b);
}

/* Builds an ovs_packet message: nlmsghdr + genlmsghdr + ovs_header. */
static void upcall_start(struct ovsdp_buf *b, uint8_t cmd, int dp_ifindex)
{
	struct nlmsghdr nlh = { .nlmsg_type = 0x20 };
	struct genlmsghdr gh = { .cmd = cmd, .version = OVS_PACKET_VERSION };
	struct ovs_header oh = { .dp_ifindex = dp_ifindex };

	ovsdp_buf_clear(b);
	ovsdp_buf_put(b, &nlh, sizeof(nlh));
	ovsdp_buf_put(b, &gh, sizeof(gh));
	ovsdp_buf_put(b, &oh, sizeof(oh));
}

static void test_upcall_parse(void)
{
	struct ovsdp_buf b, key, mask, text;
	struct ovsdp_parse_error err;
	struct ovsdp_upcall up;
	uint8_t pkt[60];
	uint16_t mru = 1400;
	uint64_t hash = 0x1122334455667788ULL;
	size_t i, nest;

	ovsdp_buf_init(&b);
	ovsdp_buf_init(&key);
	ovsdp_buf_init(&mask);
	ovsdp_buf_init(&text);
	for (i = 0; i < sizeof(pkt); i++)
		pkt[i] = i;
	CHECK(ovsdp_key_parse("in_port(3),eth_type(0x0800)", &key, &mask,
			      &err) == 0, "key parse");

	upcall_start(&b, OVS_PACKET_CMD_ACTION, 7);
	ovsdp_attr_put(&b, OVS_PACKET_ATTR_PACKET, pkt, sizeof(pkt));
	nest = ovsdp_attr_nest_start(&b, OVS_PACKET_ATTR_KEY);
	ovsdp_buf_put(&b, key.data, key.len);
	ovsdp_attr_nest_end(&b, nest);
	ovsdp_attr_put(&b, OVS_PACKET_ATTR_USERDATA, "abc", 3);
	ovsdp_attr_put(&b, OVS_PACKET_ATTR_MRU, &mru, 2);
	ovsdp_attr_put_u32(&b, OVS_PACKET_ATTR_LEN, 1500);
	ovsdp_attr_put(&b, OVS_PACKET_ATTR_HASH, &hash, 8);
	ovsdp_attr_put(&b, 200, "x", 1);	/* unknown: ignored */
	fix_len(&b);

	CHECK(ovsdp_upcall_parse((void *)b.data, b.len, &up) == 0, "parse");
	CHECK(up.cmd == OVS_PACKET_CMD_ACTION && up.dp_ifindex == 7,
	      "cmd %u dp %d", up.cmd, up.dp_ifindex);
	CHECK(up.packet_len == sizeof(pkt) &&
	      !memcmp(up.packet, pkt, sizeof(pkt)), "packet bytes");
	CHECK(up.userdata_len == 3 && !memcmp(up.userdata, "abc", 3),
	      "userdata");
	CHECK(up.mru == 1400 && up.orig_len == 1500 && up.has_hash &&
	      up.hash == hash, "mru/len/hash");
	CHECK(up.egress_tun_key == NULL && up.actions == NULL, "absent");
	ovsdp_key_format(&text, up.key, up.key_len, NULL, 0);
	CHECK_STR(ovsdp_buf_str(&text), "in_port(3),eth_type(0x0800)");

	/* The buffer is shorter than nlmsg_len says. */
	CHECK(ovsdp_upcall_parse((void *)b.data, b.len - 4, &up) == -EINVAL,
	      "truncated");

	/* A miss without userdata is fine; one without a key is not. */
	upcall_start(&b, OVS_PACKET_CMD_MISS, 1);
	ovsdp_attr_put(&b, OVS_PACKET_ATTR_PACKET, pkt, 14);
	ovsdp_attr_put(&b, OVS_PACKET_ATTR_KEY, key.data, key.len);
	fix_len(&b);
	CHECK(ovsdp_upcall_parse((void *)b.data, b.len, &up) == 0 &&
	      up.cmd == OVS_PACKET_CMD_MISS && !up.userdata &&
	      up.packet_len == 14, "miss");

	upcall_start(&b, OVS_PACKET_CMD_MISS, 1);
	ovsdp_attr_put(&b, OVS_PACKET_ATTR_PACKET, pkt, 14);
	fix_len(&b);
	CHECK(ovsdp_upcall_parse((void *)b.data, b.len, &up) == -EINVAL,
	      "no key");

	upcall_start(&b, OVS_PACKET_CMD_EXECUTE, 1);
	ovsdp_attr_put(&b, OVS_PACKET_ATTR_PACKET, pkt, 14);
	ovsdp_attr_put(&b, OVS_PACKET_ATTR_KEY, key.data, key.len);
	fix_len(&b);
	CHECK(ovsdp_upcall_parse((void *)b.data, b.len, &up) == -EINVAL,
	      "execute is not an upcall");

	upcall_start(&b, OVS_PACKET_CMD_MISS, 1);
	ovsdp_attr_put(&b, OVS_PACKET_ATTR_PACKET, pkt, 14);
	ovsdp_attr_put(&b, OVS_PACKET_ATTR_KEY, key.data, key.len);
	ovsdp_attr_put_u32(&b, OVS_PACKET_ATTR_MRU, 1);
	fix_len(&b);
	CHECK(ovsdp_upcall_parse((void *)b.data, b.len, &up) == -EINVAL,
	      "4-byte MRU rejected");

	upcall_start(&b, OVS_PACKET_CMD_MISS, 1);
	fix_len(&b);
	CHECK(ovsdp_upcall_parse((void *)b.data, 8, &up) == -EINVAL,
	      "too short for the headers");

	ovsdp_buf_free(&b);
	ovsdp_buf_free(&key);
	ovsdp_buf_free(&mask);
	ovsdp_buf_free(&text);
}

/* The OVS families are absent on the host: every call says so. */
static void test_missing_families(struct ovsdp *h)
{
	struct ovsdp_batch_result res[3];
	struct ovsdp_flow flows[3];
	struct ovsdp_dp_info dp;
	struct ovsdp_listener *l;
	struct ovsdp_packet_exec px = { 0 };
	int rc;

	CHECK(ovsdp_family_id(h, OVSDP_FLOW) == 0, "no id");
	CHECK(ovsdp_mcgroup_id(h, OVSDP_VPORT) == -1, "no group");

	rc = ovsdp_dp_get(h, 0, "ovs-system", &dp);
	CHECK(rc == -ENOENT, "dp_get rc %d", rc);
	CHECK(strstr(ovsdp_error_msg(h), "ovs_datapath") != NULL,
	      "message: %s", ovsdp_error_msg(h));
	CHECK(ovsdp_vport_get(h, 1, "eth0", 0, NULL) == -ENOENT, "vport");
	CHECK(strstr(ovsdp_error_msg(h), "ovs_vport") != NULL, "message: %s",
	      ovsdp_error_msg(h));
	CHECK(ovsdp_flow_flush(h, 1) == -ENOENT, "flush");
	CHECK(ovsdp_packet_execute(h, &px) == -ENOENT, "execute");
	CHECK(strstr(ovsdp_error_msg(h), "ovs_packet") != NULL, "message: %s",
	      ovsdp_error_msg(h));

	memset(flows, 0, sizeof(flows));
	rc = ovsdp_flow_put_batch(h, flows, 3, 0, 2, res);
	CHECK(rc == 3, "all three fail: %d", rc);
	CHECK(res[0].error == -ENOENT && res[2].error == -ENOENT &&
	      strstr(res[1].msg, "ovs_flow"), "per-request results");
	{
		struct ovsdp_packet_exec pxs[2] = { px, px };

		rc = ovsdp_packet_execute_batch(h, pxs, 2, res);
		CHECK(rc == 2 && res[1].error == -ENOENT &&
		      strstr(res[0].msg, "ovs_packet"),
		      "execute batch: %d %d %s", rc, res[1].error,
		      res[0].msg);
	}

	CHECK(ovsdp_listener_open(h, &l) == 0, "listener");
	if (l) {
		CHECK(ovsdp_listener_pid(l) != 0, "listener has a port id");
		CHECK(ovsdp_listener_fd(l) >= 0, "fd");
		CHECK(ovsdp_listener_subscribe(l, OVSDP_FLOW) == -ENOENT,
		      "no group to join");
		CHECK(ovsdp_listener_set_nonblocking(l, true) == 0, "nb");
		CHECK(ovsdp_listener_recv(l, NULL, NULL) == -EAGAIN,
		      "nothing pending");
		ovsdp_listener_close(l);
	}
}

/* A real kernel error with extack, through the same transaction code. */
static void test_kernel_extack(struct ovsdp *h)
{
	struct ovsdp_buf attrs;
	uint8_t one = 1;
	int rc;

	ovsdp_buf_init(&attrs);
	ovsdp_attr_put(&attrs, CTRL_ATTR_FAMILY_NAME, "nlctrl", 7);
	rc = ovsdp_raw_request(h, GENL_ID_CTRL, CTRL_CMD_GETFAMILY, 1, -1,
			       attrs.data, attrs.len);
	CHECK(rc == 0, "nlctrl lookup: %d %s", rc, ovsdp_error_msg(h));

	ovsdp_buf_clear(&attrs);
	ovsdp_attr_put(&attrs, CTRL_ATTR_FAMILY_NAME, "ovsdp_no_such", 14);
	rc = ovsdp_raw_request(h, GENL_ID_CTRL, CTRL_CMD_GETFAMILY, 1, -1,
			       attrs.data, attrs.len);
	CHECK(rc == -ENOENT, "unknown family: %d", rc);

	/* CTRL_ATTR_FAMILY_ID must be a u16: the policy check explains. */
	ovsdp_buf_clear(&attrs);
	ovsdp_attr_put(&attrs, CTRL_ATTR_FAMILY_ID, &one, 1);
	rc = ovsdp_raw_request(h, GENL_ID_CTRL, CTRL_CMD_GETFAMILY, 1, -1,
			       attrs.data, attrs.len);
	CHECK(rc == -EINVAL || rc == -ERANGE, "bad attribute: %d", rc);
	CHECK(ovsdp_error_msg(h)[0] != 0 &&
	      strcmp(ovsdp_error_msg(h), "Invalid argument"),
	      "kernel extack text captured: '%s'", ovsdp_error_msg(h));
	printf("kernel said: %s\n", ovsdp_error_msg(h));

	/* The socket is still in sync after errors. */
	ovsdp_buf_clear(&attrs);
	ovsdp_attr_put(&attrs, CTRL_ATTR_FAMILY_NAME, "nlctrl", 7);
	rc = ovsdp_raw_request(h, GENL_ID_CTRL, CTRL_CMD_GETFAMILY, 1, -1,
			       attrs.data, attrs.len);
	CHECK(rc == 0 && ovsdp_error_msg(h)[0] == 0, "after errors: %d", rc);
	ovsdp_buf_free(&attrs);
}

int main(void)
{
	struct ovsdp *h = NULL;
	int rc;

	test_extack_text();
	test_upcall_parse();

	rc = ovsdp_open(&h);
	CHECK(rc == 0 && h, "open: %d", rc);
	if (h) {
		if (ovsdp_has_family(h, OVSDP_DATAPATH))
			printf("openvswitch families present: skipping the "
			       "missing-family checks\n");
		else
			test_missing_families(h);
		test_kernel_extack(h);
		ovsdp_close(h);
	}
	return t_report();
}
