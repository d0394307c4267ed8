// SPDX-License-Identifier: GPL-2.0
/*
 * Typed calls on the ovs_datapath, ovs_vport, ovs_flow and ovs_packet
 * generic netlink families, on libnl-3.
 *
 * Each request is one transaction on the handle's socket: build, send
 * with NLM_F_ACK (or NLM_F_DUMP), then receive until the ack, the error
 * or NLMSG_DONE.  Sequence numbers are matched by hand so that batched
 * requests can be in flight together, and NETLINK_EXT_ACK is enabled so
 * that the kernel's reason for a rejection reaches the caller.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>
#include <linux/genetlink.h>

#include <netlink/netlink.h>
#include <netlink/msg.h>
#include <netlink/attr.h>
#include <netlink/genl/genl.h>
#include <netlink/genl/ctrl.h>

#include "ovsdp/dp_ext.h"
#include "ovsdp/ovsdp.h"
#include "odp_internal.h"

#ifndef SOL_NETLINK
#define SOL_NETLINK 270
#endif

struct family_desc {
	const char *name;
	const char *mcgroup;	/* NULL: the family has none */
	uint8_t version;
};

static const struct family_desc families[OVSDP_N_FAMILIES] = {
	[OVSDP_DATAPATH] = { OVS_DATAPATH_FAMILY, OVS_DATAPATH_MCGROUP,
			     OVS_DATAPATH_VERSION },
	[OVSDP_VPORT] = { OVS_VPORT_FAMILY, OVS_VPORT_MCGROUP,
			  OVS_VPORT_VERSION },
	[OVSDP_FLOW] = { OVS_FLOW_FAMILY, OVS_FLOW_MCGROUP, OVS_FLOW_VERSION },
	[OVSDP_PACKET] = { OVS_PACKET_FAMILY, NULL, OVS_PACKET_VERSION },
};

struct ovsdp {
	struct nl_sock *sk;
	int fam[OVSDP_N_FAMILIES];	/* 0: not registered */
	int mcgrp[OVSDP_N_FAMILIES];	/* -1: none */
	char errmsg[256];
	/* What a batched send is built in; kept so that every window does
	 * not grow a new buffer from nothing.
	 */
	struct ovsdp_buf batch_out;
	/* Does the module take OVSDP_FLOW_CMD_NEW_BATCH?  0: not asked yet,
	 * 1: yes, -1: no.
	 */
	int flow_batch;
};

/*
 * An upcall carries at most a 64 kB packet (the datapath segments GSO
 * packets first) plus its key and metadata.
 */
#define LISTENER_BUF (128 * 1024)

struct ovsdp_listener {
	int fd;
	struct nl_sock *sk;
	uint8_t *buf;		/* LISTENER_BUF, allocated on first receive */
	int fam[OVSDP_N_FAMILIES];
	int mcgrp[OVSDP_N_FAMILIES];
};

static void set_err(struct ovsdp *h, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void set_err(struct ovsdp *h, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(h->errmsg, sizeof(h->errmsg), fmt, ap);
	va_end(ap);
}

/* libnl reports its own error codes; map the ones that matter back. */
static int nle_to_errno(int nle)
{
	switch (nle < 0 ? -nle : nle) {
	case NLE_NOMEM:
		return -ENOMEM;
	case NLE_AGAIN:
		return -EAGAIN;
	case NLE_INTR:
		return -EINTR;
	case NLE_MSGSIZE:
		return -EMSGSIZE;
	case NLE_PERM:
		return -EPERM;
	case NLE_NOADDR:
	case NLE_OBJ_NOTFOUND:
		return -ENOENT;
	case NLE_INVAL:
		return -EINVAL;
	case NLE_BAD_SOCK:
		return -EBADF;
	default:
		return -EIO;
	}
}

/* ---- extended ack ---- */

/* The extended-ack attribute @type of error message @nlh, or NULL. */
static const struct nlattr *extack_attr(const struct nlmsghdr *nlh,
					uint16_t type)
{
	const struct nlmsgerr *e;
	const struct nlattr *a;
	struct attr_iter it;
	size_t payload, off;

	if (nlh->nlmsg_type != NLMSG_ERROR ||
	    nlh->nlmsg_len < NLMSG_HDRLEN + sizeof(*e) ||
	    !(nlh->nlmsg_flags & NLM_F_ACK_TLVS))
		return NULL;
	e = NLMSG_DATA(nlh);
	/* The request is echoed back in full unless NLM_F_CAPPED. */
	if (nlh->nlmsg_flags & NLM_F_CAPPED)
		payload = sizeof(*e);
	else if (e->msg.nlmsg_len >= NLMSG_HDRLEN)
		payload = sizeof(e->error) + e->msg.nlmsg_len;
	else
		return NULL;
	off = NLMSG_HDRLEN + NLMSG_ALIGN(payload);
	if (off >= nlh->nlmsg_len)
		return NULL;
	attr_iter_init(&it, (const uint8_t *)nlh + off, nlh->nlmsg_len - off);
	while ((a = attr_iter_next(&it)))
		if (attr_type(a) == type)
			return a;
	return NULL;
}

void ovsdp_extack_text(const struct nlmsghdr *nlh, char *buf, size_t size)
{
	const struct nlattr *a = extack_attr(nlh, NLMSGERR_ATTR_MSG);
	size_t n;

	if (!size)
		return;
	buf[0] = 0;
	if (!a || !attr_len(a))
		return;
	n = strnlen(attr_data(a), attr_len(a));
	if (n >= size)
		n = size - 1;
	memcpy(buf, attr_data(a), n);
	buf[n] = 0;
}

/* Where in the request the kernel says the error is, or -1. */
static long extack_offset(const struct nlmsghdr *nlh)
{
	const struct nlattr *a = extack_attr(nlh, NLMSGERR_ATTR_OFFS);
	uint32_t off;

	if (!a || attr_len(a) != sizeof(off))
		return -1;
	memcpy(&off, attr_data(a), sizeof(off));
	return off;
}

/* ---- open/close ---- */

static void sock_enable_extack(struct nl_sock *sk)
{
	int one = 1, fd = nl_socket_get_fd(sk);

	/* Old kernels lack these options; the calls still work without. */
	setsockopt(fd, SOL_NETLINK, NETLINK_EXT_ACK, &one, sizeof(one));
	setsockopt(fd, SOL_NETLINK, NETLINK_CAP_ACK, &one, sizeof(one));
}

int ovsdp_open(struct ovsdp **hp)
{
	struct ovsdp *h;
	int i, rc;

	*hp = NULL;
	h = calloc(1, sizeof(*h));
	if (!h)
		return -ENOMEM;
	h->sk = nl_socket_alloc();
	if (!h->sk) {
		free(h);
		return -ENOMEM;
	}
	rc = genl_connect(h->sk);
	if (rc < 0) {
		nl_socket_free(h->sk);
		free(h);
		return nle_to_errno(rc);
	}
	nl_socket_disable_seq_check(h->sk);
	nl_socket_disable_auto_ack(h->sk);
	sock_enable_extack(h->sk);

	for (i = 0; i < OVSDP_N_FAMILIES; i++) {
		h->mcgrp[i] = -1;
		rc = genl_ctrl_resolve(h->sk, families[i].name);
		if (rc < 0)
			continue;	/* missing: reported per call */
		h->fam[i] = rc;
		if (!families[i].mcgroup)
			continue;
		rc = genl_ctrl_resolve_grp(h->sk, families[i].name,
					   families[i].mcgroup);
		if (rc >= 0)
			h->mcgrp[i] = rc;
	}
	*hp = h;
	return 0;
}

void ovsdp_close(struct ovsdp *h)
{
	if (!h)
		return;
	nl_socket_free(h->sk);
	ovsdp_buf_free(&h->batch_out);
	free(h);
}

bool ovsdp_has_family(const struct ovsdp *h, enum ovsdp_family fam)
{
	return fam < OVSDP_N_FAMILIES && h->fam[fam] > 0;
}

int ovsdp_family_id(const struct ovsdp *h, enum ovsdp_family fam)
{
	return fam < OVSDP_N_FAMILIES ? h->fam[fam] : 0;
}

int ovsdp_mcgroup_id(const struct ovsdp *h, enum ovsdp_family fam)
{
	return fam < OVSDP_N_FAMILIES ? h->mcgrp[fam] : -1;
}

const char *ovsdp_error_msg(const struct ovsdp *h)
{
	return h->errmsg;
}

/* ---- requests ---- */

/* Starts a request; NULL with *err set when the family is missing. */
static struct nl_msg *req_start(struct ovsdp *h, enum ovsdp_family fam,
				uint8_t cmd, int flags, int dp_ifindex,
				size_t size_hint, int *err)
{
	struct ovs_header *oh;
	struct nl_msg *msg;

	h->errmsg[0] = 0;
	if (!h->fam[fam]) {
		set_err(h, "generic netlink family %s is not registered "
			"(openvswitch module not loaded?)", families[fam].name);
		*err = -ENOENT;
		return NULL;
	}
	msg = nlmsg_alloc_size(size_hint + 4096);
	if (!msg) {
		*err = -ENOMEM;
		return NULL;
	}
	oh = genlmsg_put(msg, NL_AUTO_PORT, NL_AUTO_SEQ, h->fam[fam],
			 sizeof(*oh), flags, cmd, families[fam].version);
	if (!oh) {
		nlmsg_free(msg);
		*err = -EMSGSIZE;
		return NULL;
	}
	oh->dp_ifindex = dp_ifindex;
	return msg;
}

/*
 * Requests that go out in batches are written straight into the send
 * buffer.  Building each as a libnl message first cost a zeroed
 * allocation of a page or more and a copy per request, for nothing.  The
 * sequence number and port are left 0, libnl's "fill in for me", for the
 * sender.
 */
struct req_hdr {
	struct nlmsghdr nlh;
	struct genlmsghdr genl;
	struct ovs_header oh;
};

/* Appends the headers of a request to @out; *@start is where it begins. */
static int buf_req_start(struct ovsdp *h, struct ovsdp_buf *out,
			 enum ovsdp_family fam, uint8_t cmd, int flags,
			 int dp_ifindex, size_t *start)
{
	struct req_hdr hdr;

	h->errmsg[0] = 0;
	if (!h->fam[fam]) {
		set_err(h, "generic netlink family %s is not registered "
			"(openvswitch module not loaded?)", families[fam].name);
		return -ENOENT;
	}
	memset(&hdr, 0, sizeof(hdr));
	hdr.nlh.nlmsg_type = h->fam[fam];
	hdr.nlh.nlmsg_flags = NLM_F_REQUEST | flags;
	hdr.genl.cmd = cmd;
	hdr.genl.version = families[fam].version;
	hdr.oh.dp_ifindex = dp_ifindex;
	*start = out->len;
	return ovsdp_buf_put(out, &hdr, sizeof(hdr)) ? 0 : -ENOMEM;
}

/* An attribute nla_len can describe, or -EMSGSIZE. */
static int buf_req_attr(struct ovsdp *h, struct ovsdp_buf *out,
			uint16_t type, const void *data, size_t len)
{
	if (len > UINT16_MAX - NLA_HDRLEN) {
		set_err(h, "attribute %u: %zu bytes do not fit in one "
			"netlink attribute", type & NLA_TYPE_MASK, len);
		return -EMSGSIZE;
	}
	ovsdp_attr_put(out, type, data, len);
	return 0;
}

/* Sets the length of the request begun at @start. */
static int buf_req_end(struct ovsdp_buf *out, size_t start)
{
	struct nlmsghdr *nlh;

	if (out->oom)
		return -ENOMEM;
	nlh = (struct nlmsghdr *)(out->data + start);
	nlh->nlmsg_len = out->len - start;
	return 0;
}

/* A request built in a buffer, as a libnl message for one transaction. */
static struct nl_msg *buf_req_msg(struct ovsdp_buf *req, int *err)
{
	struct nl_msg *msg = nlmsg_convert((struct nlmsghdr *)req->data);

	if (!msg)
		*err = -ENOMEM;
	return msg;
}

struct xact {
	struct ovsdp *h;
	uint32_t seq;
	bool done;
	int error;
	int cb_ret;		/* first non-zero return of the user callback */
	int (*parse)(struct nlmsghdr *nlh, void *arg);
	void *arg;
};

static int xact_valid(struct nl_msg *msg, void *arg)
{
	struct nlmsghdr *nlh = nlmsg_hdr(msg);
	struct xact *x = arg;

	if (nlh->nlmsg_seq != x->seq)
		return NL_SKIP;		/* stale reply of an abandoned request */
	if (x->parse && !x->cb_ret)
		x->cb_ret = x->parse(nlh, x->arg);
	return NL_OK;
}

static int xact_done(struct nl_msg *msg, void *arg)
{
	struct xact *x = arg;

	if (nlmsg_hdr(msg)->nlmsg_seq != x->seq)
		return NL_SKIP;
	x->done = true;
	return NL_STOP;
}

static int xact_err(struct sockaddr_nl *nla, struct nlmsgerr *e, void *arg)
{
	struct nlmsghdr *nlh = (struct nlmsghdr *)((char *)e - NLMSG_HDRLEN);
	struct xact *x = arg;

	(void)nla;
	if (e->msg.nlmsg_seq != x->seq)
		return NL_SKIP;
	x->error = e->error;
	x->done = true;
	ovsdp_extack_text(nlh, x->h->errmsg, sizeof(x->h->errmsg));
	return NL_STOP;
}

static int xact_run(struct ovsdp *h, struct nl_msg *msg,
		    int (*parse)(struct nlmsghdr *, void *), void *arg)
{
	struct xact x = { .h = h, .parse = parse, .arg = arg };
	struct nl_cb *cb;
	int rc;

	nl_complete_msg(h->sk, msg);
	x.seq = nlmsg_hdr(msg)->nlmsg_seq;
	rc = nl_send(h->sk, msg);
	nlmsg_free(msg);
	if (rc < 0) {
		set_err(h, "send: %s", nl_geterror(rc));
		return nle_to_errno(rc);
	}

	cb = nl_cb_alloc(NL_CB_DEFAULT);
	if (!cb)
		return -ENOMEM;
	nl_cb_set(cb, NL_CB_VALID, NL_CB_CUSTOM, xact_valid, &x);
	nl_cb_set(cb, NL_CB_ACK, NL_CB_CUSTOM, xact_done, &x);
	nl_cb_set(cb, NL_CB_FINISH, NL_CB_CUSTOM, xact_done, &x);
	nl_cb_err(cb, NL_CB_CUSTOM, xact_err, &x);
	while (!x.done) {
		rc = nl_recvmsgs(h->sk, cb);
		if (rc < 0 && !x.done) {
			set_err(h, "receive: %s", nl_geterror(rc));
			x.error = nle_to_errno(rc);
			break;
		}
	}
	nl_cb_put(cb);
	if (x.error)
		return x.error;	/* errmsg: the kernel's text, or "" */
	return x.cb_ret;
}

/* Splits a reply into its ovs_header and attributes. */
static int reply_parse(struct nlmsghdr *nlh, struct nlattr **tb, int max,
		       int *dp_ifindex)
{
	const struct ovs_header *oh;

	if (genlmsg_parse(nlh, sizeof(*oh), tb, max, NULL) < 0)
		return -EINVAL;
	oh = genlmsg_user_hdr(nlmsg_data(nlh));
	*dp_ifindex = oh->dp_ifindex;
	return 0;
}

static bool attr_is(const struct nlattr *a, size_t len)
{
	return a && (size_t)nla_len(a) >= len;
}

/* ---- datapaths ---- */

static int dp_info_parse(struct nlmsghdr *nlh, struct ovsdp_dp_info *dp)
{
	struct nlattr *tb[OVS_DP_ATTR_MAX + 1];

	memset(dp, 0, sizeof(*dp));
	if (reply_parse(nlh, tb, OVS_DP_ATTR_MAX, &dp->dp_ifindex))
		return -EINVAL;
	if (tb[OVS_DP_ATTR_NAME])
		nla_strlcpy(dp->name, tb[OVS_DP_ATTR_NAME], sizeof(dp->name));
	if (attr_is(tb[OVS_DP_ATTR_USER_FEATURES], 4))
		dp->user_features = nla_get_u32(tb[OVS_DP_ATTR_USER_FEATURES]);
	if (attr_is(tb[OVS_DP_ATTR_STATS], sizeof(dp->stats))) {
		dp->has_stats = true;
		memcpy(&dp->stats, nla_data(tb[OVS_DP_ATTR_STATS]),
		       sizeof(dp->stats));
	}
	if (attr_is(tb[OVS_DP_ATTR_MEGAFLOW_STATS],
		    sizeof(dp->megaflow_stats))) {
		dp->has_megaflow_stats = true;
		memcpy(&dp->megaflow_stats,
		       nla_data(tb[OVS_DP_ATTR_MEGAFLOW_STATS]),
		       sizeof(dp->megaflow_stats));
	}
	if (attr_is(tb[OVS_DP_ATTR_MASKS_CACHE_SIZE], 4))
		dp->masks_cache_size =
			nla_get_u32(tb[OVS_DP_ATTR_MASKS_CACHE_SIZE]);
	if (tb[OVS_DP_ATTR_PER_CPU_PIDS]) {
		size_t n = nla_len(tb[OVS_DP_ATTR_PER_CPU_PIDS]) / 4;

		if (n > OVSDP_MAX_CPU_PIDS)
			n = OVSDP_MAX_CPU_PIDS;
		memcpy(dp->per_cpu_pids,
		       nla_data(tb[OVS_DP_ATTR_PER_CPU_PIDS]), 4 * n);
		dp->n_per_cpu_pids = n;
	}
	return 0;
}

static int dp_info_copy(struct nlmsghdr *nlh, void *arg)
{
	return dp_info_parse(nlh, arg);
}

struct dp_dump_ctx {
	ovsdp_dp_cb cb;
	void *arg;
};

static int dp_dump_one(struct nlmsghdr *nlh, void *arg)
{
	struct dp_dump_ctx *ctx = arg;
	struct ovsdp_dp_info dp;

	if (dp_info_parse(nlh, &dp))
		return 0;	/* skip what we cannot read */
	return ctx->cb(&dp, ctx->arg);
}

/* Datapath requests name the datapath by dp_ifindex or OVS_DP_ATTR_NAME. */
static struct nl_msg *dp_req(struct ovsdp *h, uint8_t cmd, int flags,
			     int dp_ifindex, const char *name, int *err)
{
	struct nl_msg *msg;

	msg = req_start(h, OVSDP_DATAPATH, cmd, flags, name ? 0 : dp_ifindex,
			0, err);
	if (msg && name && nla_put_string(msg, OVS_DP_ATTR_NAME, name) < 0) {
		nlmsg_free(msg);
		*err = -EMSGSIZE;
		return NULL;
	}
	return msg;
}

int ovsdp_dp_new(struct ovsdp *h, const char *name, uint32_t upcall_pid,
		 uint32_t user_features, struct ovsdp_dp_info *info)
{
	struct nl_msg *msg;
	int err;

	msg = dp_req(h, OVS_DP_CMD_NEW, NLM_F_ACK | (info ? NLM_F_ECHO : 0),
		     0, name, &err);
	if (!msg)
		return err;
	if (nla_put_u32(msg, OVS_DP_ATTR_UPCALL_PID, upcall_pid) < 0 ||
	    nla_put_u32(msg, OVS_DP_ATTR_USER_FEATURES, user_features) < 0) {
		nlmsg_free(msg);
		return -EMSGSIZE;
	}
	return xact_run(h, msg, info ? dp_info_copy : NULL, info);
}

int ovsdp_dp_del(struct ovsdp *h, int dp_ifindex, const char *name)
{
	struct nl_msg *msg;
	int err;

	msg = dp_req(h, OVS_DP_CMD_DEL, NLM_F_ACK, dp_ifindex, name, &err);
	if (!msg)
		return err;
	return xact_run(h, msg, NULL, NULL);
}

int ovsdp_dp_get(struct ovsdp *h, int dp_ifindex, const char *name,
		 struct ovsdp_dp_info *info)
{
	struct ovsdp_dp_info tmp;
	struct nl_msg *msg;
	int err;

	msg = dp_req(h, OVS_DP_CMD_GET, NLM_F_ACK, dp_ifindex, name, &err);
	if (!msg)
		return err;
	return xact_run(h, msg, dp_info_copy, info ? info : &tmp);
}

int ovsdp_dp_set(struct ovsdp *h, int dp_ifindex, const char *name,
		 const uint32_t *upcall_pid, const uint32_t *user_features,
		 struct ovsdp_dp_info *info)
{
	struct nl_msg *msg;
	int err;

	msg = dp_req(h, OVS_DP_CMD_SET, NLM_F_ACK | (info ? NLM_F_ECHO : 0),
		     dp_ifindex, name, &err);
	if (!msg)
		return err;
	if ((upcall_pid &&
	     nla_put_u32(msg, OVS_DP_ATTR_UPCALL_PID, *upcall_pid) < 0) ||
	    (user_features &&
	     nla_put_u32(msg, OVS_DP_ATTR_USER_FEATURES, *user_features) < 0)) {
		nlmsg_free(msg);
		return -EMSGSIZE;
	}
	return xact_run(h, msg, info ? dp_info_copy : NULL, info);
}

int ovsdp_dp_set_per_cpu_pids(struct ovsdp *h, int dp_ifindex,
			      const char *name, uint32_t user_features,
			      const uint32_t *pids, size_t n)
{
	struct nl_msg *msg;
	int err;

	if (n > OVSDP_MAX_CPU_PIDS)
		return -EINVAL;
	msg = dp_req(h, OVS_DP_CMD_SET, NLM_F_ACK, dp_ifindex, name, &err);
	if (!msg)
		return err;
	if (nla_put_u32(msg, OVS_DP_ATTR_USER_FEATURES, user_features) < 0 ||
	    nla_put(msg, OVS_DP_ATTR_PER_CPU_PIDS, 4 * n, pids) < 0) {
		nlmsg_free(msg);
		return -EMSGSIZE;
	}
	return xact_run(h, msg, NULL, NULL);
}

int ovsdp_dp_dump(struct ovsdp *h, ovsdp_dp_cb cb, void *arg)
{
	struct dp_dump_ctx ctx = { cb, arg };
	struct nl_msg *msg;
	int err;

	msg = req_start(h, OVSDP_DATAPATH, OVS_DP_CMD_GET, NLM_F_DUMP, 0, 0,
			&err);
	if (!msg)
		return err;
	return xact_run(h, msg, dp_dump_one, &ctx);
}

/* ---- vports ---- */

static int vport_info_parse(struct nlmsghdr *nlh, struct ovsdp_vport_info *vp)
{
	struct nlattr *tb[OVS_VPORT_ATTR_MAX + 1];
	struct nlattr *pids;
	size_t i;

	memset(vp, 0, sizeof(*vp));
	if (reply_parse(nlh, tb, OVS_VPORT_ATTR_MAX, &vp->dp_ifindex))
		return -EINVAL;
	if (attr_is(tb[OVS_VPORT_ATTR_PORT_NO], 4))
		vp->port_no = nla_get_u32(tb[OVS_VPORT_ATTR_PORT_NO]);
	if (attr_is(tb[OVS_VPORT_ATTR_TYPE], 4))
		vp->type = nla_get_u32(tb[OVS_VPORT_ATTR_TYPE]);
	if (tb[OVS_VPORT_ATTR_NAME])
		nla_strlcpy(vp->name, tb[OVS_VPORT_ATTR_NAME],
			    sizeof(vp->name));
	pids = tb[OVS_VPORT_ATTR_UPCALL_PID];
	if (pids) {
		vp->n_upcall_pids = nla_len(pids) / sizeof(uint32_t);
		if (vp->n_upcall_pids > OVSDP_MAX_UPCALL_PIDS)
			vp->n_upcall_pids = OVSDP_MAX_UPCALL_PIDS;
		for (i = 0; i < vp->n_upcall_pids; i++)
			memcpy(&vp->upcall_pids[i],
			       (char *)nla_data(pids) + 4 * i, 4);
	}
	if (attr_is(tb[OVS_VPORT_ATTR_STATS], sizeof(vp->stats))) {
		vp->has_stats = true;
		memcpy(&vp->stats, nla_data(tb[OVS_VPORT_ATTR_STATS]),
		       sizeof(vp->stats));
	}
	if (attr_is(tb[OVS_VPORT_ATTR_IFINDEX], 4))
		vp->ifindex = nla_get_u32(tb[OVS_VPORT_ATTR_IFINDEX]);
	if (attr_is(tb[OVS_VPORT_ATTR_NETNSID], 4)) {
		vp->has_netnsid = true;
		vp->netnsid = nla_get_s32(tb[OVS_VPORT_ATTR_NETNSID]);
	}
	if (tb[OVS_VPORT_ATTR_OPTIONS]) {
		vp->options = nla_data(tb[OVS_VPORT_ATTR_OPTIONS]);
		vp->options_len = nla_len(tb[OVS_VPORT_ATTR_OPTIONS]);
	}
	return 0;
}

static int vport_info_copy(struct nlmsghdr *nlh, void *arg)
{
	struct ovsdp_vport_info *vp = arg;
	int rc = vport_info_parse(nlh, vp);

	/* Options point into the message, which is about to go away. */
	vp->options = NULL;
	vp->options_len = 0;
	return rc;
}

struct vport_dump_ctx {
	ovsdp_vport_cb cb;
	void *arg;
};

static int vport_dump_one(struct nlmsghdr *nlh, void *arg)
{
	struct vport_dump_ctx *ctx = arg;
	struct ovsdp_vport_info vp;

	if (vport_info_parse(nlh, &vp))
		return 0;
	return ctx->cb(&vp, ctx->arg);
}

static int vport_req_fill(struct nl_msg *msg, const struct ovsdp_vport_req *r)
{
	if (r->name && nla_put_string(msg, OVS_VPORT_ATTR_NAME, r->name) < 0)
		return -EMSGSIZE;
	if (r->type && nla_put_u32(msg, OVS_VPORT_ATTR_TYPE, r->type) < 0)
		return -EMSGSIZE;
	if (r->port_no != OVSDP_PORT_ANY &&
	    nla_put_u32(msg, OVS_VPORT_ATTR_PORT_NO, r->port_no) < 0)
		return -EMSGSIZE;
	if (r->upcall_pids &&
	    nla_put(msg, OVS_VPORT_ATTR_UPCALL_PID,
		    r->n_upcall_pids * sizeof(uint32_t), r->upcall_pids) < 0)
		return -EMSGSIZE;
	if (r->options &&
	    nla_put(msg, OVS_VPORT_ATTR_OPTIONS | NLA_F_NESTED,
		    r->options_len, r->options) < 0)
		return -EMSGSIZE;
	return 0;
}

static int vport_write(struct ovsdp *h, uint8_t cmd,
		       const struct ovsdp_vport_req *req,
		       struct ovsdp_vport_info *info)
{
	struct nl_msg *msg;
	int err;

	msg = req_start(h, OVSDP_VPORT, cmd, NLM_F_ACK |
			(info ? NLM_F_ECHO : 0), req->dp_ifindex,
			req->options_len + 4 * req->n_upcall_pids, &err);
	if (!msg)
		return err;
	err = vport_req_fill(msg, req);
	if (err) {
		nlmsg_free(msg);
		return err;
	}
	return xact_run(h, msg, info ? vport_info_copy : NULL, info);
}

int ovsdp_vport_new(struct ovsdp *h, const struct ovsdp_vport_req *req,
		    struct ovsdp_vport_info *info)
{
	return vport_write(h, OVS_VPORT_CMD_NEW, req, info);
}

int ovsdp_vport_set(struct ovsdp *h, const struct ovsdp_vport_req *req,
		    struct ovsdp_vport_info *info)
{
	return vport_write(h, OVS_VPORT_CMD_SET, req, info);
}

static struct nl_msg *vport_id_req(struct ovsdp *h, uint8_t cmd,
				   int dp_ifindex, const char *name,
				   uint32_t port_no, int *err)
{
	struct ovsdp_vport_req r = {
		.dp_ifindex = dp_ifindex,
		.name = name,
		.port_no = name ? OVSDP_PORT_ANY : port_no,
	};
	struct nl_msg *msg;

	msg = req_start(h, OVSDP_VPORT, cmd, NLM_F_ACK, dp_ifindex, 0, err);
	if (!msg)
		return NULL;
	*err = vport_req_fill(msg, &r);
	if (*err) {
		nlmsg_free(msg);
		return NULL;
	}
	return msg;
}

int ovsdp_vport_del(struct ovsdp *h, int dp_ifindex, const char *name,
		    uint32_t port_no)
{
	struct nl_msg *msg;
	int err = 0;

	msg = vport_id_req(h, OVS_VPORT_CMD_DEL, dp_ifindex, name, port_no,
			   &err);
	return msg ? xact_run(h, msg, NULL, NULL) : err;
}

int ovsdp_vport_get(struct ovsdp *h, int dp_ifindex, const char *name,
		    uint32_t port_no, struct ovsdp_vport_info *info)
{
	struct ovsdp_vport_info tmp;
	struct nl_msg *msg;
	int err = 0;

	msg = vport_id_req(h, OVS_VPORT_CMD_GET, dp_ifindex, name, port_no,
			   &err);
	return msg ? xact_run(h, msg, vport_info_copy, info ? info : &tmp) :
		     err;
}

int ovsdp_vport_dump(struct ovsdp *h, int dp_ifindex, ovsdp_vport_cb cb,
		     void *arg)
{
	struct vport_dump_ctx ctx = { cb, arg };
	struct nl_msg *msg;
	int err;

	msg = req_start(h, OVSDP_VPORT, OVS_VPORT_CMD_GET, NLM_F_DUMP,
			dp_ifindex, 0, &err);
	if (!msg)
		return err;
	return xact_run(h, msg, vport_dump_one, &ctx);
}

/* ---- flows ---- */

static int flow_parse(struct nlmsghdr *nlh, struct ovsdp_flow *f)
{
	struct nlattr *tb[OVS_FLOW_ATTR_MAX + 1];

	memset(f, 0, sizeof(*f));
	if (reply_parse(nlh, tb, OVS_FLOW_ATTR_MAX, &f->dp_ifindex))
		return -EINVAL;
	if (tb[OVS_FLOW_ATTR_KEY]) {
		f->key = nla_data(tb[OVS_FLOW_ATTR_KEY]);
		f->key_len = nla_len(tb[OVS_FLOW_ATTR_KEY]);
	}
	if (tb[OVS_FLOW_ATTR_MASK]) {
		f->mask = nla_data(tb[OVS_FLOW_ATTR_MASK]);
		f->mask_len = nla_len(tb[OVS_FLOW_ATTR_MASK]);
	}
	if (tb[OVS_FLOW_ATTR_ACTIONS]) {
		f->actions = nla_data(tb[OVS_FLOW_ATTR_ACTIONS]);
		f->actions_len = nla_len(tb[OVS_FLOW_ATTR_ACTIONS]);
	}
	if (tb[OVS_FLOW_ATTR_UFID]) {
		f->ufid = nla_data(tb[OVS_FLOW_ATTR_UFID]);
		f->ufid_len = nla_len(tb[OVS_FLOW_ATTR_UFID]);
	}
	if (attr_is(tb[OVS_FLOW_ATTR_STATS], sizeof(f->stats))) {
		f->has_stats = true;
		memcpy(&f->stats, nla_data(tb[OVS_FLOW_ATTR_STATS]),
		       sizeof(f->stats));
	}
	if (attr_is(tb[OVS_FLOW_ATTR_USED], 8))
		f->used = nla_get_u64(tb[OVS_FLOW_ATTR_USED]);
	if (attr_is(tb[OVS_FLOW_ATTR_TCP_FLAGS], 1))
		f->tcp_flags = nla_get_u8(tb[OVS_FLOW_ATTR_TCP_FLAGS]);
	return 0;
}

struct flow_cb_ctx {
	ovsdp_flow_cb cb;
	void *arg;
};

static int flow_one(struct nlmsghdr *nlh, void *arg)
{
	struct flow_cb_ctx *ctx = arg;
	struct ovsdp_flow f;

	if (flow_parse(nlh, &f))
		return 0;
	return ctx->cb(&f, ctx->arg);
}

/* Appends @f's attributes to @out. */
static int flow_put_attrs(struct ovsdp *h, struct ovsdp_buf *out,
			  const struct ovsdp_flow *f)
{
	int err = 0;

	if (f->key_len)
		err = buf_req_attr(h, out, OVS_FLOW_ATTR_KEY | NLA_F_NESTED,
				   f->key, f->key_len);
	if (!err && f->mask)
		err = buf_req_attr(h, out, OVS_FLOW_ATTR_MASK | NLA_F_NESTED,
				   f->mask, f->mask_len);
	if (!err && f->actions)
		err = buf_req_attr(h, out,
				   OVS_FLOW_ATTR_ACTIONS | NLA_F_NESTED,
				   f->actions, f->actions_len);
	if (!err && f->ufid)
		err = buf_req_attr(h, out, OVS_FLOW_ATTR_UFID, f->ufid,
				   f->ufid_len);
	if (!err && f->ufid_flags)
		ovsdp_attr_put_u32(out, OVS_FLOW_ATTR_UFID_FLAGS,
				   f->ufid_flags);
	if (!err && f->clear)
		ovsdp_attr_put_flag(out, OVS_FLOW_ATTR_CLEAR);
	if (!err && f->probe)
		ovsdp_attr_put_flag(out, OVS_FLOW_ATTR_PROBE);
	return err;
}

/* Appends request @f as one message to @out. */
static int flow_put(struct ovsdp *h, struct ovsdp_buf *out, uint8_t cmd,
		    int flags, const struct ovsdp_flow *f)
{
	size_t start;
	int err;

	err = buf_req_start(h, out, OVSDP_FLOW, cmd, flags, f->dp_ifindex,
			    &start);
	if (!err)
		err = flow_put_attrs(h, out, f);
	return err ? : buf_req_end(out, start);
}

static struct nl_msg *flow_msg(struct ovsdp *h, uint8_t cmd, int flags,
			       const struct ovsdp_flow *f, int *err)
{
	struct nl_msg *msg = NULL;
	struct ovsdp_buf req;

	ovsdp_buf_init(&req);
	*err = flow_put(h, &req, cmd, flags, f);
	if (!*err)
		msg = buf_req_msg(&req, err);
	ovsdp_buf_free(&req);
	return msg;
}

static int flow_xact(struct ovsdp *h, uint8_t cmd, int flags,
		     const struct ovsdp_flow *f, ovsdp_flow_cb cb, void *arg)
{
	struct flow_cb_ctx ctx = { cb, arg };
	struct nl_msg *msg;
	int err = 0;

	msg = flow_msg(h, cmd, flags, f, &err);
	if (!msg)
		return err;
	return xact_run(h, msg, cb ? flow_one : NULL, &ctx);
}

int ovsdp_flow_new(struct ovsdp *h, const struct ovsdp_flow *req,
		   unsigned int flags, ovsdp_flow_cb cb, void *arg)
{
	int nlf = NLM_F_ACK | NLM_F_CREATE | (cb ? NLM_F_ECHO : 0);

	if (flags & OVSDP_FLOW_EXCL)
		nlf |= NLM_F_EXCL;
	return flow_xact(h, OVS_FLOW_CMD_NEW, nlf, req, cb, arg);
}

int ovsdp_flow_set(struct ovsdp *h, const struct ovsdp_flow *req,
		   ovsdp_flow_cb cb, void *arg)
{
	return flow_xact(h, OVS_FLOW_CMD_SET,
			 NLM_F_ACK | (cb ? NLM_F_ECHO : 0), req, cb, arg);
}

int ovsdp_flow_get(struct ovsdp *h, const struct ovsdp_flow *req,
		   ovsdp_flow_cb cb, void *arg)
{
	return flow_xact(h, OVS_FLOW_CMD_GET, NLM_F_ACK, req, cb, arg);
}

int ovsdp_flow_del(struct ovsdp *h, const struct ovsdp_flow *req,
		   ovsdp_flow_cb cb, void *arg)
{
	return flow_xact(h, OVS_FLOW_CMD_DEL,
			 NLM_F_ACK | (cb ? NLM_F_ECHO : 0), req, cb, arg);
}

int ovsdp_flow_flush(struct ovsdp *h, int dp_ifindex)
{
	struct ovsdp_flow f = { .dp_ifindex = dp_ifindex };

	return flow_xact(h, OVS_FLOW_CMD_DEL, NLM_F_ACK, &f, NULL, NULL);
}

int ovsdp_flow_dump(struct ovsdp *h, int dp_ifindex, uint32_t ufid_flags,
		    ovsdp_flow_cb cb, void *arg)
{
	struct ovsdp_flow f = {
		.dp_ifindex = dp_ifindex,
		.ufid_flags = ufid_flags,
	};

	return flow_xact(h, OVS_FLOW_CMD_GET, NLM_F_DUMP, &f, cb, arg);
}

/* ---- batched requests ---- */

/*
 * One send carries a whole window of requests, and only the last of them
 * asks for an ack.  The kernel handles the messages of one send in order
 * and answers a failed one whatever its flags, so once the last one is
 * answered, every request of the send that got no error reply has
 * succeeded.  A window then costs one send and one receive per failure
 * plus one, where a request each way would cost two system calls a flow.
 */

/* Appends request @i of @reqs with netlink @flags to @out. */
typedef int (*batch_put_fn)(struct ovsdp *h, const void *reqs, size_t i,
			    int flags, struct ovsdp_buf *out);

struct batch {
	batch_put_fn put;
	const void *reqs;
	int flags;
	struct ovsdp_batch_result *results;
	uint32_t *seqs;
	bool *done;
	size_t lo, hi;		/* requests [lo, hi) are in flight */
};

static long batch_index(struct batch *b, uint32_t seq)
{
	size_t i;

	for (i = b->lo; i < b->hi; i++)
		if (b->seqs[i] == seq && !b->done[i])
			return i;
	return -1;
}

static int batch_ack(struct nl_msg *msg, void *arg)
{
	struct batch *b = arg;
	long i = batch_index(b, nlmsg_hdr(msg)->nlmsg_seq);

	if (i >= 0) {
		b->results[i].error = 0;
		b->done[i] = true;
	}
	return NL_OK;
}

static int batch_err(struct sockaddr_nl *nla, struct nlmsgerr *e, void *arg)
{
	struct nlmsghdr *nlh = (struct nlmsghdr *)((char *)e - NLMSG_HDRLEN);
	struct batch *b = arg;
	long i = batch_index(b, e->msg.nlmsg_seq);

	(void)nla;
	if (i >= 0) {
		b->results[i].error = e->error;
		ovsdp_extack_text(nlh, b->results[i].msg,
				  sizeof(b->results[i].msg));
		b->done[i] = true;
	}
	return NL_SKIP;
}

static int batch_skip(struct nl_msg *msg, void *arg)
{
	(void)msg;
	(void)arg;
	return NL_SKIP;
}

/* A send stays well under the socket's default send buffer (212 kB). */
#define BATCH_SEND_BYTES 65536

/*
 * Appends requests from b->hi on to @out, up to @window of them or
 * BATCH_SEND_BYTES; requests that cannot be built are settled at once.
 * *@last is the offset in @out of the last message appended, -1 if none.
 */
static int batch_fill(struct ovsdp *h, size_t n, unsigned int window,
		      struct batch *b, struct ovsdp_buf *out, long *last)
{
	size_t taken;

	*last = -1;
	for (taken = 0; b->hi < n && taken < window &&
	     out->len < BATCH_SEND_BYTES; taken++, b->hi++) {
		struct ovsdp_batch_result *r = &b->results[b->hi];
		size_t start = out->len;
		struct nlmsghdr *nlh;
		int err;

		err = b->put(h, b->reqs, b->hi, b->flags, out);
		if (out->oom)
			return -ENOMEM;
		if (err) {
			out->len = start;	/* drop what was written */
			r->error = err;
			snprintf(r->msg, sizeof(r->msg), "%.127s", h->errmsg);
			b->done[b->hi] = true;
			continue;
		}
		nlh = (struct nlmsghdr *)(out->data + start);
		nlh->nlmsg_seq = nl_socket_use_seq(h->sk);
		nlh->nlmsg_pid = nl_socket_get_local_port(h->sk);
		b->seqs[b->hi] = nlh->nlmsg_seq;
		*last = start;
	}
	return 0;
}

/* Sends the requests of one window and waits for their answers. */
static int batch_window(struct ovsdp *h, size_t n, unsigned int window,
			struct batch *b, struct nl_cb *cb, struct ovsdp_buf *out)
{
	struct nlmsghdr *last_nlh;
	size_t i, last_i;
	long last;
	int rc;

	ovsdp_buf_clear(out);
	rc = batch_fill(h, n, window, b, out, &last);
	if (rc || last < 0)
		return rc;	/* or nothing in this window could be built */
	last_nlh = (struct nlmsghdr *)((uint8_t *)out->data + last);
	last_nlh->nlmsg_flags |= NLM_F_ACK;
	for (last_i = b->hi - 1; b->done[last_i]; last_i--)
		;	/* skip requests that were never sent */

	rc = nl_sendto(h->sk, out->data, out->len);
	if (rc < 0)
		return nle_to_errno(rc);
	while (!b->done[last_i]) {
		rc = nl_recvmsgs(h->sk, cb);
		if (rc < 0 && nle_to_errno(rc) != -EINTR)
			return nle_to_errno(rc);
	}
	/* No error reply before the last one's answer: it went through. */
	for (i = b->lo; i < b->hi; i++) {
		if (!b->done[i]) {
			b->results[i].error = 0;
			b->done[i] = true;
		}
	}
	return 0;
}

static int batch_run(struct ovsdp *h, batch_put_fn put, const void *reqs,
		     size_t n, int flags, unsigned int window,
		     struct ovsdp_batch_result *results)
{
	struct batch b = {
		.put = put, .reqs = reqs, .flags = flags,
		.results = results,
	};
	struct ovsdp_buf *out = &h->batch_out;
	struct nl_cb *cb = NULL;
	size_t i, failed = 0;
	int rc = 0;

	if (!n)
		return 0;
	if (!window)
		window = 64;
	b.seqs = calloc(n, sizeof(*b.seqs));
	b.done = calloc(n, sizeof(*b.done));
	cb = nl_cb_alloc(NL_CB_DEFAULT);
	if (!b.seqs || !b.done || !cb) {
		rc = -ENOMEM;
		goto out;
	}
	nl_cb_set(cb, NL_CB_VALID, NL_CB_CUSTOM, batch_skip, &b);
	nl_cb_set(cb, NL_CB_ACK, NL_CB_CUSTOM, batch_ack, &b);
	nl_cb_err(cb, NL_CB_CUSTOM, batch_err, &b);
	for (i = 0; i < n; i++) {
		results[i].error = -EINPROGRESS;
		results[i].msg[0] = 0;
	}

	while (b.lo < n) {
		rc = batch_window(h, n, window, &b, cb, out);
		if (rc)
			goto out;
		b.lo = b.hi;
	}
	for (i = 0; i < n; i++)
		if (results[i].error)
			failed++;
	rc = failed;
out:
	if (cb)
		nl_cb_put(cb);
	ovsdp_buf_clear(out);
	free(b.seqs);
	free(b.done);
	return rc;
}

static int flow_put_batched(struct ovsdp *h, const void *reqs, size_t i,
			    int flags, struct ovsdp_buf *out)
{
	return flow_put(h, out, OVS_FLOW_CMD_NEW, flags,
			&((const struct ovsdp_flow *)reqs)[i]);
}

/*
 * Where the module has it, a window of flows goes as one
 * OVSDP_FLOW_CMD_NEW_BATCH message (see dp_ext.h): one dispatch, one
 * datapath lookup and one lock for the lot.  Its answer is one ack, or
 * one error whose offset names the flow that failed: those before it are
 * in, those after it go again in the next window.
 */
struct flow_batch {
	const struct ovsdp_flow *reqs;
	struct ovsdp_batch_result *results;
	size_t *pos;		/* each flow's offset in the message, or 0 */
	uint32_t seq;
	bool answered;
	int error;
	long offset;
	char msg[128];
};

static int flow_batch_ack(struct nl_msg *msg, void *arg)
{
	struct flow_batch *fb = arg;

	if (nlmsg_hdr(msg)->nlmsg_seq == fb->seq) {
		fb->answered = true;
		fb->error = 0;
	}
	return NL_OK;
}

static int flow_batch_err(struct sockaddr_nl *nla, struct nlmsgerr *e,
			  void *arg)
{
	struct nlmsghdr *nlh = (struct nlmsghdr *)((char *)e - NLMSG_HDRLEN);
	struct flow_batch *fb = arg;

	(void)nla;
	if (e->msg.nlmsg_seq == fb->seq) {
		fb->answered = true;
		fb->error = e->error;
		fb->offset = e->error ? extack_offset(nlh) : -1;
		ovsdp_extack_text(nlh, fb->msg, sizeof(fb->msg));
	}
	return NL_SKIP;
}

/* Appends flow @i as one OVSDP_FLOW_BATCH_ATTR_FLOW to @out. */
static int flow_batch_put(struct ovsdp *h, struct ovsdp_buf *out,
			  const struct ovsdp_flow *f)
{
	struct nlattr nla = {
		.nla_type = OVSDP_FLOW_BATCH_ATTR_FLOW | NLA_F_NESTED,
	};
	size_t start = out->len;
	int err;

	ovsdp_buf_put(out, &nla, sizeof(nla));
	err = flow_put_attrs(h, out, f);
	if (err || out->oom)
		return err ? : -ENOMEM;
	if (out->len - start > UINT16_MAX) {
		set_err(h, "a flow of %zu bytes does not fit in one batch "
			"attribute", out->len - start);
		return -EMSGSIZE;
	}
	nla.nla_len = out->len - start;
	memcpy(out->data + start, &nla, sizeof(nla));
	return 0;
}

/*
 * The flow the error's offset falls in, or -1 if it names none (the
 * message as a whole was refused).  Flows follow each other to the end
 * of the message, so it is the last one sent that starts at or before it.
 */
static long flow_batch_culprit(const struct flow_batch *fb, size_t lo,
			       size_t hi)
{
	long found = -1;
	size_t i;

	for (i = lo; i < hi; i++)
		if (fb->pos[i] && fb->offset >= (long)fb->pos[i])
			found = i;
	return found;
}

/* Settles the flows [lo, hi) of one message from its answer; returns
 * where the next window starts.
 */
static size_t flow_batch_settle(struct flow_batch *fb, size_t lo, size_t hi)
{
	long culprit = fb->error ? flow_batch_culprit(fb, lo, hi) : -1;
	size_t i;

	for (i = lo; i < hi; i++) {
		struct ovsdp_batch_result *r = &fb->results[i];

		if (!fb->pos[i])
			continue;	/* settled when it could not be built */
		if (!fb->error || (culprit >= 0 && (long)i < culprit)) {
			r->error = 0;
			continue;
		}
		r->error = fb->error;
		snprintf(r->msg, sizeof(r->msg), "%s", fb->msg);
		if ((long)i == culprit)
			return i + 1;	/* the rest were not tried */
	}
	return hi;
}

/*
 * Sends flows from @lo on, up to @window of one datapath, as one message,
 * and settles them from the answer.  Returns where the next window
 * starts, or a negative errno if the socket failed.
 */
static long flow_batch_window(struct ovsdp *h, struct flow_batch *fb,
			      size_t lo, size_t n, unsigned int window,
			      struct nl_cb *cb)
{
	struct ovsdp_buf *out = &h->batch_out;
	int dp_ifindex = fb->reqs[lo].dp_ifindex;
	struct nlmsghdr *nlh;
	size_t hi, start;
	int err;

	ovsdp_buf_clear(out);
	err = buf_req_start(h, out, OVSDP_FLOW, OVSDP_FLOW_CMD_NEW_BATCH,
			    NLM_F_ACK, dp_ifindex, &start);
	if (err)
		return err;
	ovsdp_attr_put_flag(out, OVSDP_FLOW_BATCH_ATTR_CREATE);
	for (hi = lo; hi < n && hi - lo < window &&
	     out->len < BATCH_SEND_BYTES &&
	     fb->reqs[hi].dp_ifindex == dp_ifindex; hi++) {
		size_t at = out->len;

		err = flow_batch_put(h, out, &fb->reqs[hi]);
		if (out->oom)
			return -ENOMEM;
		fb->pos[hi] = err ? 0 : at - start;
		if (err) {
			out->len = at;	/* drop what was written */
			fb->results[hi].error = err;
			snprintf(fb->results[hi].msg,
				 sizeof(fb->results[hi].msg), "%.127s",
				 h->errmsg);
		}
	}
	err = buf_req_end(out, start);
	if (err)
		return err;
	nlh = (struct nlmsghdr *)(out->data + start);
	nlh->nlmsg_seq = nl_socket_use_seq(h->sk);
	nlh->nlmsg_pid = nl_socket_get_local_port(h->sk);
	fb->seq = nlh->nlmsg_seq;
	fb->answered = false;
	fb->msg[0] = 0;

	err = nl_sendto(h->sk, out->data, out->len);
	if (err < 0)
		return nle_to_errno(err);
	while (!fb->answered) {
		err = nl_recvmsgs(h->sk, cb);
		if (err < 0 && nle_to_errno(err) != -EINTR)
			return nle_to_errno(err);
	}
	return flow_batch_settle(fb, lo, hi);
}

static int flow_batch_run(struct ovsdp *h, const struct ovsdp_flow *reqs,
			  size_t n, unsigned int window,
			  struct ovsdp_batch_result *results)
{
	struct flow_batch fb = { .reqs = reqs, .results = results };
	struct nl_cb *cb;
	size_t i, failed = 0;
	long next = 0;

	fb.pos = calloc(n, sizeof(*fb.pos));
	cb = nl_cb_alloc(NL_CB_DEFAULT);
	if (!fb.pos || !cb) {
		next = -ENOMEM;
		goto out;
	}
	nl_cb_set(cb, NL_CB_VALID, NL_CB_CUSTOM, batch_skip, NULL);
	nl_cb_set(cb, NL_CB_ACK, NL_CB_CUSTOM, flow_batch_ack, &fb);
	nl_cb_err(cb, NL_CB_CUSTOM, flow_batch_err, &fb);
	for (i = 0; i < n; i++) {
		results[i].error = -EINPROGRESS;
		results[i].msg[0] = 0;
	}
	while (next >= 0 && (size_t)next < n)
		next = flow_batch_window(h, &fb, next, n, window ? : 64, cb);
	for (i = 0; i < n; i++)
		if (results[i].error)
			failed++;
out:
	if (cb)
		nl_cb_put(cb);
	ovsdp_buf_clear(&h->batch_out);
	free(fb.pos);
	return next < 0 ? (int)next : (int)failed;
}

/* Asked once per handle, with an empty batch: upstream does not know it. */
static bool flow_batch_supported(struct ovsdp *h, int dp_ifindex)
{
	struct nl_msg *msg;
	size_t start;
	int err;

	if (h->flow_batch)
		return h->flow_batch > 0;
	ovsdp_buf_clear(&h->batch_out);
	err = buf_req_start(h, &h->batch_out, OVSDP_FLOW,
			    OVSDP_FLOW_CMD_NEW_BATCH, NLM_F_ACK, dp_ifindex,
			    &start);
	if (!err)
		err = buf_req_end(&h->batch_out, start);
	msg = err ? NULL : buf_req_msg(&h->batch_out, &err);
	ovsdp_buf_clear(&h->batch_out);
	if (!msg)
		return false;
	err = xact_run(h, msg, NULL, NULL);
	h->errmsg[0] = 0;
	/*
	 * Upstream refuses the unknown command before it looks for the
	 * datapath: "no such datapath" is an answer from a module that has
	 * it.  Other errors tell nothing yet.
	 */
	if (err == -EOPNOTSUPP)
		h->flow_batch = -1;
	else if (!err || err == -ENODEV)
		h->flow_batch = 1;
	return h->flow_batch > 0;
}

int ovsdp_flow_put_batch(struct ovsdp *h, const struct ovsdp_flow *reqs,
			 size_t n, unsigned int flags, unsigned int window,
			 struct ovsdp_batch_result *results)
{
	int nlf = NLM_F_CREATE;

	/* Both ways every flow is "create only" on our module. */
	if (n && flow_batch_supported(h, reqs[0].dp_ifindex))
		return flow_batch_run(h, reqs, n, window, results);
	if (flags & OVSDP_FLOW_EXCL)
		nlf |= NLM_F_EXCL;
	return batch_run(h, flow_put_batched, reqs, n, nlf, window,
			 results);
}

/* ---- raw requests ---- */

int ovsdp_raw_request(struct ovsdp *h, int family_id, uint8_t cmd,
		      uint8_t version, int dp_ifindex, const void *attrs,
		      size_t attrs_len)
{
	struct ovs_header *oh;
	struct nl_msg *msg;
	void *p;

	h->errmsg[0] = 0;
	msg = nlmsg_alloc_size(attrs_len + 4096);
	if (!msg)
		return -ENOMEM;
	p = genlmsg_put(msg, NL_AUTO_PORT, NL_AUTO_SEQ, family_id,
			dp_ifindex < 0 ? 0 : sizeof(*oh), NLM_F_ACK, cmd,
			version);
	if (!p || (attrs_len && nlmsg_append(msg, (void *)attrs, attrs_len,
					     NLMSG_ALIGNTO) < 0)) {
		nlmsg_free(msg);
		return -EMSGSIZE;
	}
	if (dp_ifindex >= 0) {
		oh = p;
		oh->dp_ifindex = dp_ifindex;
	}
	return xact_run(h, msg, NULL, NULL);
}

/* ---- packets ---- */

/* Appends the execution of @px as one message to @out. */
static int exec_put(struct ovsdp *h, struct ovsdp_buf *out, int flags,
		    const struct ovsdp_packet_exec *px)
{
	size_t start;
	int err;

	err = buf_req_start(h, out, OVSDP_PACKET, OVS_PACKET_CMD_EXECUTE,
			    flags, px->dp_ifindex, &start);
	if (!err)
		err = buf_req_attr(h, out, OVS_PACKET_ATTR_PACKET, px->packet,
				   px->packet_len);
	if (!err)
		err = buf_req_attr(h, out, OVS_PACKET_ATTR_KEY | NLA_F_NESTED,
				   px->key, px->key_len);
	if (!err)
		err = buf_req_attr(h, out,
				   OVS_PACKET_ATTR_ACTIONS | NLA_F_NESTED,
				   px->actions, px->actions_len);
	if (!err && px->mru)
		ovsdp_attr_put(out, OVS_PACKET_ATTR_MRU, &px->mru,
			       sizeof(px->mru));
	if (!err && px->probe)
		ovsdp_attr_put_flag(out, OVS_PACKET_ATTR_PROBE);
	return err ? : buf_req_end(out, start);
}

int ovsdp_packet_execute(struct ovsdp *h, const struct ovsdp_packet_exec *px)
{
	struct nl_msg *msg = NULL;
	struct ovsdp_buf req;
	int err;

	ovsdp_buf_init(&req);
	err = exec_put(h, &req, NLM_F_ACK, px);
	if (!err)
		msg = buf_req_msg(&req, &err);
	ovsdp_buf_free(&req);
	return msg ? xact_run(h, msg, NULL, NULL) : err;
}

static int exec_put_batched(struct ovsdp *h, const void *reqs, size_t i,
			    int flags, struct ovsdp_buf *out)
{
	return exec_put(h, out, flags,
			&((const struct ovsdp_packet_exec *)reqs)[i]);
}

int ovsdp_packet_execute_batch(struct ovsdp *h,
			       const struct ovsdp_packet_exec *reqs, size_t n,
			       struct ovsdp_batch_result *results)
{
	return batch_run(h, exec_put_batched, reqs, n, 0, 0, results);
}

/* ---- upcalls ---- */

int ovsdp_upcall_parse(const struct nlmsghdr *nlh, size_t len,
		       struct ovsdp_upcall *up)
{
	size_t hdrs = NLMSG_HDRLEN + GENL_HDRLEN +
		      NLMSG_ALIGN(sizeof(struct ovs_header));
	const struct genlmsghdr *gh;
	const struct ovs_header *oh;
	const struct nlattr *a;
	struct attr_iter it;

	memset(up, 0, sizeof(*up));
	if (len < hdrs || nlh->nlmsg_len < hdrs || nlh->nlmsg_len > len)
		return -EINVAL;
	gh = NLMSG_DATA(nlh);
	oh = (const void *)((const uint8_t *)gh + GENL_HDRLEN);
	if (gh->cmd != OVS_PACKET_CMD_MISS && gh->cmd != OVS_PACKET_CMD_ACTION)
		return -EINVAL;
	up->cmd = gh->cmd;
	up->dp_ifindex = oh->dp_ifindex;

	attr_iter_init(&it, (const uint8_t *)nlh + hdrs,
		       nlh->nlmsg_len - hdrs);
	while ((a = attr_iter_next(&it))) {
		const void *d = attr_data(a);
		size_t l = attr_len(a);

		switch (attr_type(a)) {
		case OVS_PACKET_ATTR_PACKET:
			up->packet = d;
			up->packet_len = l;
			break;
		case OVS_PACKET_ATTR_KEY:
			up->key = d;
			up->key_len = l;
			break;
		case OVS_PACKET_ATTR_USERDATA:
			up->userdata = d;
			up->userdata_len = l;
			break;
		case OVS_PACKET_ATTR_EGRESS_TUN_KEY:
			up->egress_tun_key = d;
			up->egress_tun_key_len = l;
			break;
		case OVS_PACKET_ATTR_ACTIONS:
			up->actions = d;
			up->actions_len = l;
			break;
		case OVS_PACKET_ATTR_MRU:
			if (l != 2)
				return -EINVAL;
			memcpy(&up->mru, d, 2);
			break;
		case OVS_PACKET_ATTR_LEN:
			if (l != 4)
				return -EINVAL;
			memcpy(&up->orig_len, d, 4);
			break;
		case OVS_PACKET_ATTR_HASH:
			if (l != 8)
				return -EINVAL;
			memcpy(&up->hash, d, 8);
			up->has_hash = true;
			break;
		default:
			break;	/* newer kernels may add attributes */
		}
	}
	if (it.left || !up->packet || !up->key)
		return -EINVAL;
	return 0;
}

/* ---- listeners ---- */

int ovsdp_listener_open(struct ovsdp *h, struct ovsdp_listener **lp)
{
	struct ovsdp_listener *l;
	int rc, size = 4 << 20;

	*lp = NULL;
	l = calloc(1, sizeof(*l));
	if (!l)
		return -ENOMEM;
	l->sk = nl_socket_alloc();
	if (!l->sk) {
		free(l);
		return -ENOMEM;
	}
	rc = nl_connect(l->sk, NETLINK_GENERIC);
	if (rc < 0) {
		nl_socket_free(l->sk);
		free(l);
		return nle_to_errno(rc);
	}
	nl_socket_disable_seq_check(l->sk);
	l->fd = nl_socket_get_fd(l->sk);
	/* Upcalls arrive in bursts: a large buffer avoids ENOBUFS drops. */
	setsockopt(l->fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof(size));
	memcpy(l->fam, h->fam, sizeof(l->fam));
	memcpy(l->mcgrp, h->mcgrp, sizeof(l->mcgrp));
	*lp = l;
	return 0;
}

void ovsdp_listener_close(struct ovsdp_listener *l)
{
	if (!l)
		return;
	nl_socket_free(l->sk);
	free(l->buf);
	free(l);
}

uint32_t ovsdp_listener_pid(const struct ovsdp_listener *l)
{
	return nl_socket_get_local_port(l->sk);
}

int ovsdp_listener_fd(const struct ovsdp_listener *l)
{
	return l->fd;
}

int ovsdp_listener_subscribe(struct ovsdp_listener *l, enum ovsdp_family fam)
{
	int rc;

	if (fam >= OVSDP_N_FAMILIES || l->mcgrp[fam] < 0)
		return -ENOENT;
	rc = nl_socket_add_membership(l->sk, l->mcgrp[fam]);
	return rc < 0 ? nle_to_errno(rc) : 0;
}

int ovsdp_listener_set_nonblocking(struct ovsdp_listener *l, bool nb)
{
	int flags = fcntl(l->fd, F_GETFL);

	if (flags < 0)
		return -errno;
	flags = nb ? flags | O_NONBLOCK : flags & ~O_NONBLOCK;
	return fcntl(l->fd, F_SETFL, flags) < 0 ? -errno : 0;
}

/* Decodes one message; 1 if it produced an event, 0 to skip it. */
static int event_decode(struct ovsdp_listener *l, struct nlmsghdr *nlh,
			size_t len, struct ovsdp_event *ev)
{
	const struct genlmsghdr *gh;
	int fam;

	if (nlh->nlmsg_len < NLMSG_HDRLEN + GENL_HDRLEN)
		return 0;
	for (fam = 0; fam < OVSDP_N_FAMILIES; fam++)
		if (l->fam[fam] && l->fam[fam] == nlh->nlmsg_type)
			break;
	if (fam == OVSDP_N_FAMILIES)
		return 0;
	gh = NLMSG_DATA(nlh);
	/* Each family's parser clears the union member it fills; the whole
	 * event is over a kilobyte, too much to clear for every upcall.
	 */
	ev->family = fam;
	ev->cmd = gh->cmd;
	switch (fam) {
	case OVSDP_DATAPATH:
		return dp_info_parse(nlh, &ev->u.dp) ? 0 : 1;
	case OVSDP_VPORT:
		return vport_info_parse(nlh, &ev->u.vport) ? 0 : 1;
	case OVSDP_FLOW:
		return flow_parse(nlh, &ev->u.flow) ? 0 : 1;
	default:
		return ovsdp_upcall_parse(nlh, len, &ev->u.upcall) ? 0 : 1;
	}
}

int ovsdp_listener_recv(struct ovsdp_listener *l, ovsdp_event_cb cb,
			void *arg)
{
	struct ovsdp_event ev;
	struct nlmsghdr *nlh;
	ssize_t n, left;
	int count = 0, rc = 0;

	if (!l->buf) {
		l->buf = malloc(LISTENER_BUF);
		if (!l->buf)
			return -ENOMEM;
	}
	/* One message per call: a peek for its size would double the calls. */
	n = recv(l->fd, l->buf, LISTENER_BUF, MSG_TRUNC);
	if (n < 0)
		return -errno;
	if (n > LISTENER_BUF)
		return -EMSGSIZE;	/* cut short: the message is lost */
	left = n;
	for (nlh = (struct nlmsghdr *)l->buf; NLMSG_OK(nlh, left);
	     nlh = NLMSG_NEXT(nlh, left)) {
		if (nlh->nlmsg_type < NLMSG_MIN_TYPE)
			continue;	/* errors, acks, noops: not events */
		if (!event_decode(l, nlh, left, &ev))
			continue;
		count++;
		rc = cb(&ev, arg);
		if (rc)
			break;
	}
	return rc ? rc : count;
}
