// SPDX-License-Identifier: GPL-2.0
/*
 * Live test of libovsdp against a loaded openvswitch module (ours or
 * upstream), run inside the test VM as root:
 *   tests/vm/run_vm.py --upstream -- lib/build/tests/live_ovsdp
 * Not part of `make check`: the host kernel has no module support.
 */
#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <unistd.h>
#include <net/if.h>

#include "ovsdp/dp_ext.h"
#include "ovsdp/odp.h"
#include "ovsdp/ovsdp.h"
#include "testutil.h"

#define DP "ovsdp-live"
#define N_FLOWS 100

static bool ours(void)
{
	char version[128] = "";
	FILE *f = fopen("/sys/module/openvswitch/version", "r");

	if (f) {
		if (!fgets(version, sizeof(version), f))
			version[0] = 0;
		fclose(f);
	}
	return strstr(version, "ovsdp") != NULL;
}

static int count_cb(const struct ovsdp_flow *f, void *arg)
{
	(void)f;
	(*(int *)arg)++;
	return 0;
}

static int terse_cb(const struct ovsdp_flow *f, void *arg)
{
	int *bad = arg;

	/* OMIT_KEY/ACTIONS: only the UFID (and stats) come back. */
	if (f->key || f->actions || !f->ufid || f->ufid_len != 16)
		(*bad)++;
	return 0;
}

static int got_flow(const struct ovsdp_flow *f, void *arg)
{
	struct ovsdp_buf *out = arg;

	ovsdp_buf_clear(out);
	ovsdp_key_format(out, f->key, f->key_len, f->mask, f->mask_len);
	ovsdp_buf_printf(out, " actions:");
	ovsdp_actions_format(out, f->actions, f->actions_len);
	return 0;
}

struct events {
	int flow_new, vport_new, upcalls;
	struct ovsdp_buf userdata;
	struct ovsdp_buf key;
	size_t packet_len;
};

static int on_event(const struct ovsdp_event *ev, void *arg)
{
	struct events *e = arg;

	if (ev->family == OVSDP_FLOW && ev->cmd == OVS_FLOW_CMD_NEW)
		e->flow_new++;
	if (ev->family == OVSDP_VPORT && ev->cmd == OVS_VPORT_CMD_NEW)
		e->vport_new++;
	if (ev->family == OVSDP_PACKET) {
		e->upcalls++;
		e->packet_len = ev->u.upcall.packet_len;
		ovsdp_buf_clear(&e->userdata);
		if (ev->u.upcall.userdata)
			ovsdp_buf_put(&e->userdata, ev->u.upcall.userdata,
				      ev->u.upcall.userdata_len);
		ovsdp_buf_clear(&e->key);
		ovsdp_key_format(&e->key, ev->u.upcall.key,
				 ev->u.upcall.key_len, NULL, 0);
	}
	return 0;
}

/* Drains the listener for up to @ms milliseconds. */
static void drain(struct ovsdp_listener *l, struct events *e, int ms)
{
	struct pollfd p = { .fd = ovsdp_listener_fd(l), .events = POLLIN };

	while (poll(&p, 1, ms) > 0)
		if (ovsdp_listener_recv(l, on_event, e) < 0)
			break;
}

static void parse_or_die(const char *k, const char *a, struct ovsdp_buf *key,
			 struct ovsdp_buf *mask, struct ovsdp_buf *acts)
{
	struct ovsdp_parse_error err;

	if (ovsdp_key_parse(k, key, mask, &err) ||
	    (a && ovsdp_actions_parse(a, acts, &err))) {
		fprintf(stderr, "parse: %s\n", err.msg);
		exit(2);
	}
}

/* Sends OVSDP_FLOW_CMD_NEW_BATCH with @attrs; returns the answer. */
static int batch_raw(struct ovsdp *h, int dp_ifindex,
		     const struct ovsdp_buf *attrs)
{
	return ovsdp_raw_request(h, ovsdp_family_id(h, OVSDP_FLOW),
				 OVSDP_FLOW_CMD_NEW_BATCH, OVS_FLOW_VERSION,
				 dp_ifindex, attrs->data, attrs->len);
}

/*
 * Our flow batch command refuses what it cannot take, with a reason, and
 * leaves the datapath as it was.
 */
static void batch_command_checks(struct ovsdp *h, int dp_ifindex)
{
	struct ovs_flow_stats stats = { 0 };
	struct ovsdp_buf b, inner;
	int rc, n;

	ovsdp_buf_init(&b);
	ovsdp_buf_init(&inner);
	rc = batch_raw(h, dp_ifindex, &b);
	CHECK(rc == 0, "empty batch: %d %s", rc, ovsdp_error_msg(h));
	rc = batch_raw(h, 0x7ffffff0, &b);
	CHECK(rc == -ENODEV, "batch for no datapath: %d", rc);

	/* Strict validation: a flow must say it is nested. */
	ovsdp_attr_put(&b, OVSDP_FLOW_BATCH_ATTR_FLOW, NULL, 0);
	rc = batch_raw(h, dp_ifindex, &b);
	CHECK(rc == -EINVAL && strstr(ovsdp_error_msg(h), "NLA_F_NESTED"),
	      "flow without NLA_F_NESTED: %d '%s'", rc, ovsdp_error_msg(h));

	/* An attribute type the command does not have. */
	ovsdp_buf_clear(&b);
	ovsdp_attr_put_flag(&b, OVSDP_FLOW_BATCH_ATTR_MAX + 1);
	rc = batch_raw(h, dp_ifindex, &b);
	CHECK(rc == -EINVAL, "unknown batch attribute: %d", rc);

	/* A flow holding what only replies carry. */
	ovsdp_buf_clear(&b);
	ovsdp_attr_put(&inner, OVS_FLOW_ATTR_STATS, &stats, sizeof(stats));
	ovsdp_attr_put(&b, OVSDP_FLOW_BATCH_ATTR_FLOW | NLA_F_NESTED,
		       inner.data, inner.len);
	rc = batch_raw(h, dp_ifindex, &b);
	CHECK(rc == -EINVAL && strstr(ovsdp_error_msg(h), "not accepted"),
	      "stats in a batched flow: %d '%s'", rc, ovsdp_error_msg(h));

	/* A flow without a key. */
	ovsdp_buf_clear(&b);
	ovsdp_buf_clear(&inner);
	ovsdp_attr_put(&inner, OVS_FLOW_ATTR_ACTIONS | NLA_F_NESTED, NULL, 0);
	ovsdp_attr_put(&b, OVSDP_FLOW_BATCH_ATTR_FLOW | NLA_F_NESTED,
		       inner.data, inner.len);
	rc = batch_raw(h, dp_ifindex, &b);
	CHECK(rc == -EINVAL && strstr(ovsdp_error_msg(h), "key"),
	      "batched flow without a key: %d '%s'", rc, ovsdp_error_msg(h));

	n = 0;
	ovsdp_flow_dump(h, dp_ifindex, 0, count_cb, &n);
	CHECK(n == 0, "refused batches left no flow: %d", n);
	ovsdp_buf_free(&b);
	ovsdp_buf_free(&inner);
}

int main(void)
{
	struct ovsdp_flow flows[N_FLOWS], f;
	struct ovsdp_batch_result res[N_FLOWS];
	struct ovsdp_buf keys[N_FLOWS], masks[N_FLOWS], acts, out;
	struct ovsdp_vport_req vreq = { 0 };
	struct ovsdp_vport_info vp;
	struct ovsdp_dp_info dp;
	struct ovsdp_listener *l = NULL;
	struct events ev = { 0 };
	uint8_t ufids[N_FLOWS][16];
	struct ovsdp *h;
	uint32_t pid;
	int rc, i, n, bad;
	char text[128];

	ovsdp_buf_init(&acts);
	ovsdp_buf_init(&out);
	ovsdp_buf_init(&ev.userdata);
	ovsdp_buf_init(&ev.key);
	if (ovsdp_open(&h)) {
		fprintf(stderr, "cannot open\n");
		return 1;
	}
	for (i = 0; i < OVSDP_N_FAMILIES; i++)
		CHECK(ovsdp_has_family(h, i), "family %d missing", i);
	CHECK(ovsdp_mcgroup_id(h, OVSDP_FLOW) > 0, "flow mcgroup");

	CHECK(ovsdp_listener_open(h, &l) == 0, "listener");
	pid = ovsdp_listener_pid(l);
	CHECK(ovsdp_listener_subscribe(l, OVSDP_FLOW) == 0, "join flow");
	CHECK(ovsdp_listener_subscribe(l, OVSDP_VPORT) == 0, "join vport");
	CHECK(ovsdp_listener_subscribe(l, OVSDP_DATAPATH) == 0, "join dp");

	ovsdp_dp_del(h, 0, DP);		/* leftovers */
	rc = ovsdp_dp_new(h, DP, pid, OVS_DP_F_UNALIGNED | OVS_DP_F_VPORT_PIDS,
			  &dp);
	CHECK(rc == 0, "dp_new: %d %s", rc, ovsdp_error_msg(h));
	CHECK(!strcmp(dp.name, DP) && dp.dp_ifindex > 0 && dp.has_stats,
	      "dp info");
	rc = ovsdp_dp_new(h, DP, pid, 0, NULL);
	CHECK(rc == -EEXIST, "duplicate dp: %d", rc);
	rc = ovsdp_dp_get(h, dp.dp_ifindex, NULL, &dp);
	CHECK(rc == 0 && !strcmp(dp.name, DP), "get by ifindex");

	vreq.dp_ifindex = dp.dp_ifindex;
	vreq.type = OVS_VPORT_TYPE_INTERNAL;
	vreq.name = "ovsdp-live-p1";
	vreq.port_no = 5;
	vreq.upcall_pids = &pid;
	vreq.n_upcall_pids = 1;
	rc = ovsdp_vport_new(h, &vreq, &vp);
	CHECK(rc == 0 && vp.port_no == 5 && vp.type ==
	      OVS_VPORT_TYPE_INTERNAL && vp.n_upcall_pids == 1 &&
	      vp.upcall_pids[0] == pid, "vport_new: %d %s", rc,
	      ovsdp_error_msg(h));
	rc = ovsdp_vport_get(h, dp.dp_ifindex, NULL, 5, &vp);
	CHECK(rc == 0 && !strcmp(vp.name, "ovsdp-live-p1"), "get by number");
	rc = ovsdp_vport_get(h, 0, "ovsdp-live-p1", 0, &vp);
	CHECK(rc == 0 && vp.port_no == 5, "get by name");
	rc = ovsdp_vport_get(h, dp.dp_ifindex, "no-such-port", 0, NULL);
	CHECK(rc == -ENODEV || rc == -ENOENT, "missing vport: %d", rc);

	/* Batched puts, UFIDs, terse dump, get/del by UFID. */
	for (i = 0; i < N_FLOWS; i++) {
		char k[160];

		snprintf(k, sizeof(k), "in_port(5),eth(),eth_type(0x0800),"
			 "ipv4(src=10.0.%d.%d,frag=no)", i / 200, i % 200 + 1);
		ovsdp_buf_init(&keys[i]);
		ovsdp_buf_init(&masks[i]);
		parse_or_die(k, NULL, &keys[i], &masks[i], NULL);
		memset(ufids[i], 0, 16);
		ufids[i][0] = 0xab;
		ufids[i][15] = i;
		memset(&flows[i], 0, sizeof(flows[i]));
		flows[i].dp_ifindex = dp.dp_ifindex;
		flows[i].key = keys[i].data;
		flows[i].key_len = keys[i].len;
		flows[i].mask = masks[i].data;
		flows[i].mask_len = masks[i].len;
		flows[i].actions = "";
		flows[i].actions_len = 0;
		flows[i].ufid = ufids[i];
		flows[i].ufid_len = 16;
	}
	rc = ovsdp_flow_put_batch(h, flows, N_FLOWS, OVSDP_FLOW_EXCL, 16, res);
	CHECK(rc == 0, "batch: %d failed (first: %d %s)", rc, res[0].error,
	      res[0].msg);
	n = 0;
	rc = ovsdp_flow_dump(h, dp.dp_ifindex, 0, count_cb, &n);
	CHECK(rc == 0 && n == N_FLOWS, "dump: rc %d, %d flows", rc, n);
	bad = 0;
	rc = ovsdp_flow_dump(h, dp.dp_ifindex, OVS_UFID_F_OMIT_KEY |
			     OVS_UFID_F_OMIT_MASK | OVS_UFID_F_OMIT_ACTIONS,
			     terse_cb, &bad);
	CHECK(rc == 0 && bad == 0, "terse dump: rc %d, %d not terse", rc, bad);

	/* Same batch again: every put collides (NLM_F_EXCL). */
	rc = ovsdp_flow_put_batch(h, flows, N_FLOWS, OVSDP_FLOW_EXCL, 0, res);
	CHECK(rc == N_FLOWS && res[7].error == -EEXIST, "excl: %d %d", rc,
	      res[7].error);

	memset(&f, 0, sizeof(f));
	f.dp_ifindex = dp.dp_ifindex;
	f.ufid = ufids[3];
	f.ufid_len = 16;
	rc = ovsdp_flow_get(h, &f, got_flow, &out);
	CHECK(rc == 0, "get by ufid: %d %s", rc, ovsdp_error_msg(h));
	CHECK_STR(ovsdp_buf_str(&out), "in_port(5),eth_type(0x0800),"
		  "ipv4(src=10.0.0.4,frag=no) actions:drop");
	rc = ovsdp_flow_del(h, &f, NULL, NULL);
	CHECK(rc == 0, "del by ufid: %d", rc);
	rc = ovsdp_flow_get(h, &f, NULL, NULL);
	CHECK(rc == -ENOENT, "gone: %d", rc);

	/*
	 * Only failures are answered before a send's last request: a window
	 * whose middle request succeeds and whose last one fails must still
	 * report each request right.  Flow 3 is gone, the others collide.
	 */
	rc = ovsdp_flow_put_batch(h, flows, 10, OVSDP_FLOW_EXCL, 10, res);
	CHECK(rc == 9 && res[3].error == 0 && res[2].error == -EEXIST &&
	      res[9].error == -EEXIST, "mixed window: %d failed, %d %d %d", rc,
	      res[2].error, res[3].error, res[9].error);
	rc = ovsdp_flow_get(h, &f, NULL, NULL);
	CHECK(rc == 0, "put again by the batch: %d", rc);
	rc = ovsdp_flow_del(h, &f, NULL, NULL);
	CHECK(rc == 0, "del again: %d", rc);

	/*
	 * A request no netlink attribute can hold is refused on its own,
	 * before sending; the rest of its window still goes out.
	 */
	{
		static uint8_t huge[70000];
		struct ovsdp_flow w[3] = { flows[2], flows[3], flows[4] };

		w[0].key = huge;
		w[0].key_len = sizeof(huge);
		rc = ovsdp_flow_put_batch(h, w, 3, OVSDP_FLOW_EXCL, 0, res);
		CHECK(rc == 2 && res[0].error == -EMSGSIZE &&
		      strstr(res[0].msg, "70000") && res[1].error == 0 &&
		      res[2].error == -EEXIST, "oversized request: %d, %d %d %d",
		      rc, res[0].error, res[1].error, res[2].error);
		rc = ovsdp_flow_del(h, &f, NULL, NULL);
		CHECK(rc == 0, "del the window's flow: %d", rc);
	}

	/* Set (modify actions) by key, with the reply echoed. */
	ovsdp_buf_clear(&acts);
	parse_or_die("in_port(1)", "set(ipv4(ttl=9)),5", &out, &out, &acts);
	f = flows[4];
	f.actions = acts.data;
	f.actions_len = acts.len;
	/* A flow created with a UFID is found by its UFID only. */
	f.ufid = ufids[4];
	f.ufid_len = 16;
	rc = ovsdp_flow_set(h, &f, got_flow, &out);
	CHECK(rc == 0, "set: %d %s", rc, ovsdp_error_msg(h));
	CHECK(strstr(ovsdp_buf_str(&out), "actions:set(ipv4(ttl=9)),5") !=
	      NULL, "set reply: %s", ovsdp_buf_str(&out));

	/* A rejected flow comes with the kernel's reason. */
	memset(&f, 0, sizeof(f));
	f.dp_ifindex = dp.dp_ifindex;
	{
		struct ovsdp_buf k2, m2;

		ovsdp_buf_init(&k2);
		ovsdp_buf_init(&m2);
		/* a vlan attribute without the 802.1Q ethertype is invalid */
		parse_or_die("in_port(5),eth(),vlan(vid=1,pcp=0),"
			     "eth_type(0x0800)", NULL, &k2, &m2, NULL);
		f.key = k2.data;
		f.key_len = k2.len;
		f.mask = m2.data;
		f.mask_len = m2.len;
		f.actions = "";
		rc = ovsdp_flow_new(h, &f, 0, NULL, NULL);
		CHECK(rc == -EINVAL, "bad flow: %d", rc);
		/* Upstream only logs to dmesg; our module explains. */
		if (ours())
			CHECK(ovsdp_error_msg(h)[0] != 0, "extack text");
		printf("kernel said: '%s'\n", ovsdp_error_msg(h));

		/*
		 * In a batch, a bad flow fails alone: on our module the
		 * window is one message that stops there, and the flows
		 * after it must go again.  Flow 3 is gone; drop 5 too.
		 */
		{
			struct ovsdp_flow w[3] = { flows[3], f, flows[5] };
			struct ovsdp_flow g = flows[5];

			rc = ovsdp_flow_del(h, &g, NULL, NULL);
			CHECK(rc == 0, "del flow 5: %d", rc);
			rc = ovsdp_flow_put_batch(h, w, 3, OVSDP_FLOW_EXCL, 0,
						  res);
			CHECK(rc == 1 && res[0].error == 0 &&
			      res[1].error == -EINVAL && res[2].error == 0,
			      "bad flow in a batch: %d, %d %d %d", rc,
			      res[0].error, res[1].error, res[2].error);
			if (ours())
				CHECK(res[1].msg[0] != 0, "batch extack text");
			rc = ovsdp_flow_get(h, &g, NULL, NULL);
			CHECK(rc == 0, "flow after the bad one is in: %d", rc);
			g = flows[3];
			rc = ovsdp_flow_del(h, &g, NULL, NULL);
			CHECK(rc == 0, "flow before the bad one is in: %d", rc);
		}
		ovsdp_buf_free(&k2);
		ovsdp_buf_free(&m2);
	}

	/* Execute: userspace() brings the packet back as an upcall. */
	{
		struct ovsdp_packet_exec px = { 0 };
		struct ovsdp_buf pk, pm;
		uint8_t pkt[64] = {
			0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
			0x02, 0, 0, 0, 0, 1, 0x08, 0x00,
			0x45, 0, 0, 50, 0, 0, 0, 0, 64, 17, 0, 0,
			10, 0, 0, 1, 10, 0, 0, 2,
		};

		ovsdp_buf_init(&pk);
		ovsdp_buf_init(&pm);
		ovsdp_buf_clear(&acts);
		snprintf(text, sizeof(text), "userspace(pid=%u,userdata(c0ffee))",
			 pid);
		parse_or_die("in_port(5),eth(src=02:00:00:00:00:01,"
			     "dst=ff:ff:ff:ff:ff:ff),eth_type(0x0800),"
			     "ipv4(src=10.0.0.1,dst=10.0.0.2,proto=17,tos=0,"
			     "ttl=64,frag=no),udp(src=0,dst=0)",
			     text, &pk, &pm, &acts);
		px.dp_ifindex = dp.dp_ifindex;
		px.packet = pkt;
		px.packet_len = sizeof(pkt);
		px.key = pk.data;
		px.key_len = pk.len;
		px.actions = acts.data;
		px.actions_len = acts.len;
		px.mru = 0;
		rc = ovsdp_packet_execute(h, &px);
		CHECK(rc == 0, "execute: %d %s", rc, ovsdp_error_msg(h));
		/* A batch with a runt frame in the middle: two more upcalls. */
		{
			struct ovsdp_packet_exec pxs[3] = { px, px, px };
			struct ovsdp_batch_result br[3];

			pxs[1].packet_len = 6;
			rc = ovsdp_packet_execute_batch(h, pxs, 3, br);
			CHECK(rc == 1 && br[0].error == 0 &&
			      br[1].error < 0 && br[2].error == 0,
			      "execute batch: %d, %d %d %d", rc, br[0].error,
			      br[1].error, br[2].error);
		}
		ovsdp_buf_free(&pk);
		ovsdp_buf_free(&pm);
	}
	drain(l, &ev, 500);
	CHECK(ev.upcalls == 3, "upcalls: %d", ev.upcalls);
	CHECK(ev.userdata.len == 3 && ev.userdata.data[0] == 0xc0 &&
	      ev.userdata.data[2] == 0xee, "userdata");
	CHECK(ev.packet_len == 64, "packet len %zu", ev.packet_len);
	CHECK(strstr(ovsdp_buf_str(&ev.key), "in_port(5)") != NULL,
	      "upcall key: %s", ovsdp_buf_str(&ev.key));
	CHECK(ev.flow_new >= N_FLOWS, "flow notifications: %d", ev.flow_new);
	CHECK(ev.vport_new == 1, "vport notifications: %d", ev.vport_new);

	rc = ovsdp_flow_flush(h, dp.dp_ifindex);
	CHECK(rc == 0, "flush");
	n = 0;
	ovsdp_flow_dump(h, dp.dp_ifindex, 0, count_cb, &n);
	CHECK(n == 0, "empty after flush: %d", n);

	if (ours())
		batch_command_checks(h, dp.dp_ifindex);

	rc = ovsdp_vport_del(h, dp.dp_ifindex, NULL, 5);
	CHECK(rc == 0, "vport del: %d", rc);
	rc = ovsdp_dp_del(h, 0, DP);
	CHECK(rc == 0, "dp del: %d", rc);
	rc = ovsdp_dp_get(h, 0, DP, NULL);
	CHECK(rc == -ENODEV, "dp gone: %d", rc);

	for (i = 0; i < N_FLOWS; i++) {
		ovsdp_buf_free(&keys[i]);
		ovsdp_buf_free(&masks[i]);
	}
	ovsdp_buf_free(&acts);
	ovsdp_buf_free(&out);
	ovsdp_buf_free(&ev.userdata);
	ovsdp_buf_free(&ev.key);
	ovsdp_listener_close(l);
	ovsdp_close(h);
	return t_report();
}
