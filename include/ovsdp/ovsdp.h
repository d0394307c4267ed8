/* SPDX-License-Identifier: GPL-2.0 */
/*
 * libovsdp: typed calls on the Open vSwitch datapath generic netlink
 * families (ovs_datapath, ovs_vport, ovs_flow, ovs_packet), on libnl-3.
 *
 * Conventions:
 *  - every call returns 0 or a negative errno; after a failure,
 *    ovsdp_error_msg() gives the kernel's extended ack text (or a message
 *    of ours, e.g. when a family is not registered);
 *  - a datapath is named by dp_ifindex (ovs_header) or by name: pass
 *    dp_ifindex 0 and a name, or a NULL name and the ifindex;
 *  - keys, masks and actions are raw OVS_KEY_ATTR_* / OVS_ACTION_ATTR_*
 *    attribute streams, as produced by ovsdp_key_parse() and friends
 *    (ovsdp/odp.h);
 *  - pointers inside structs handed to callbacks point into the received
 *    message and are only valid during the callback.
 */
#ifndef OVSDP_OVSDP_H
#define OVSDP_OVSDP_H 1

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <net/if.h>
#include <linux/openvswitch.h>
#include <linux/netlink.h>

#ifdef __cplusplus
extern "C" {
#endif

struct ovsdp;			/* a handle: one request socket */

enum ovsdp_family {
	OVSDP_DATAPATH,
	OVSDP_VPORT,
	OVSDP_FLOW,
	OVSDP_PACKET,
	OVSDP_N_FAMILIES
};

/*
 * Connects and resolves the four families and their multicast groups.
 * Succeeds even when some (or all) families are missing, e.g. module not
 * loaded: calls on a missing family then fail with -ENOENT and say so.
 * A handle serves one thread at a time: its socket, the sequence numbers
 * its answers are matched by and its request buffer are its own.  Give
 * each thread its own handle.
 */
int ovsdp_open(struct ovsdp **h);
void ovsdp_close(struct ovsdp *h);
bool ovsdp_has_family(const struct ovsdp *h, enum ovsdp_family fam);
/* Generic netlink family id, 0 when missing. */
int ovsdp_family_id(const struct ovsdp *h, enum ovsdp_family fam);
/* Multicast group id of ovs_datapath/ovs_vport/ovs_flow, -1 if missing. */
int ovsdp_mcgroup_id(const struct ovsdp *h, enum ovsdp_family fam);
/* Text explaining the last failure ("" if none was given). */
const char *ovsdp_error_msg(const struct ovsdp *h);

/* ---- datapaths ---- */

#define OVSDP_MAX_CPU_PIDS 256	/* per-CPU upcall PIDs kept in dp info */

struct ovsdp_dp_info {
	int dp_ifindex;
	char name[IFNAMSIZ];
	uint32_t user_features;
	bool has_stats;
	struct ovs_dp_stats stats;
	bool has_megaflow_stats;
	struct ovs_dp_megaflow_stats megaflow_stats;
	uint32_t masks_cache_size;	/* 0 if not reported */
	/* OVS_DP_ATTR_PER_CPU_PIDS (per-CPU upcall dispatch), if reported */
	size_t n_per_cpu_pids;
	uint32_t per_cpu_pids[OVSDP_MAX_CPU_PIDS];
};

typedef int (*ovsdp_dp_cb)(const struct ovsdp_dp_info *dp, void *arg);

/* @info (may be NULL) receives the new datapath as the kernel reports it. */
int ovsdp_dp_new(struct ovsdp *h, const char *name, uint32_t upcall_pid,
		 uint32_t user_features, struct ovsdp_dp_info *info);
int ovsdp_dp_del(struct ovsdp *h, int dp_ifindex, const char *name);
int ovsdp_dp_get(struct ovsdp *h, int dp_ifindex, const char *name,
		 struct ovsdp_dp_info *info);
/* NULL @upcall_pid / @user_features: leave unchanged. */
int ovsdp_dp_set(struct ovsdp *h, int dp_ifindex, const char *name,
		 const uint32_t *upcall_pid, const uint32_t *user_features,
		 struct ovsdp_dp_info *info);
/*
 * Sets OVS_DP_ATTR_PER_CPU_PIDS (upcall socket of each CPU, used when
 * the datapath has OVS_DP_F_DISPATCH_UPCALL_PER_CPU); @n may be at most
 * OVSDP_MAX_CPU_PIDS.  @user_features is sent along: the in-tree module
 * resets the features of a datapath SET without them to 0 (and then
 * ignores the PIDs), so pass the datapath's current features.
 */
int ovsdp_dp_set_per_cpu_pids(struct ovsdp *h, int dp_ifindex,
			      const char *name, uint32_t user_features,
			      const uint32_t *pids, size_t n);
/* Calls @cb per datapath; a non-zero return from @cb stops and is returned. */
int ovsdp_dp_dump(struct ovsdp *h, ovsdp_dp_cb cb, void *arg);

/* ---- vports ---- */

#define OVSDP_MAX_UPCALL_PIDS 64
#define OVSDP_PORT_ANY UINT32_MAX	/* let the kernel pick a number */

struct ovsdp_vport_info {
	int dp_ifindex;
	uint32_t port_no;
	uint32_t type;			/* OVS_VPORT_TYPE_* */
	char name[IFNAMSIZ];
	uint32_t upcall_pids[OVSDP_MAX_UPCALL_PIDS];
	size_t n_upcall_pids;
	bool has_stats;
	struct ovs_vport_stats stats;
	int ifindex;			/* 0 if not reported */
	bool has_netnsid;
	int32_t netnsid;
	const void *options;		/* nested OVS_TUNNEL_ATTR_*; callback */
	size_t options_len;		/* lifetime only (NULL elsewhere) */
};

struct ovsdp_vport_req {
	int dp_ifindex;
	uint32_t type;			/* OVS_VPORT_TYPE_*, 0 to leave alone */
	const char *name;		/* NULL: address the vport by number */
	uint32_t port_no;		/* OVSDP_PORT_ANY for new: kernel picks */
	const uint32_t *upcall_pids;	/* NULL: none sent */
	size_t n_upcall_pids;
	const void *options;		/* OVS_VPORT_ATTR_OPTIONS payload */
	size_t options_len;
};

typedef int (*ovsdp_vport_cb)(const struct ovsdp_vport_info *vp, void *arg);

int ovsdp_vport_new(struct ovsdp *h, const struct ovsdp_vport_req *req,
		    struct ovsdp_vport_info *info);
int ovsdp_vport_set(struct ovsdp *h, const struct ovsdp_vport_req *req,
		    struct ovsdp_vport_info *info);
/* By name if @name is non-NULL, else by @port_no within @dp_ifindex. */
int ovsdp_vport_del(struct ovsdp *h, int dp_ifindex, const char *name,
		    uint32_t port_no);
int ovsdp_vport_get(struct ovsdp *h, int dp_ifindex, const char *name,
		    uint32_t port_no, struct ovsdp_vport_info *info);
int ovsdp_vport_dump(struct ovsdp *h, int dp_ifindex, ovsdp_vport_cb cb,
		     void *arg);

/* ---- flows ---- */

/* A flow as sent (requests) or received (replies, dumps, events). */
struct ovsdp_flow {
	int dp_ifindex;
	const void *key;		/* OVS_FLOW_ATTR_KEY payload */
	size_t key_len;
	const void *mask;		/* OVS_FLOW_ATTR_MASK; NULL: none */
	size_t mask_len;
	const void *actions;		/* NULL: attribute absent */
	size_t actions_len;		/* 0 with non-NULL actions: drop */
	const void *ufid;		/* NULL: no UFID */
	size_t ufid_len;
	uint32_t ufid_flags;		/* OVS_UFID_F_OMIT_* */
	bool clear;			/* request: clear stats (SET) */
	bool probe;			/* request: feature probe */
	/* replies only */
	bool has_stats;
	struct ovs_flow_stats stats;
	uint64_t used;			/* msecs, 0 if never */
	uint8_t tcp_flags;
};

typedef int (*ovsdp_flow_cb)(const struct ovsdp_flow *flow, void *arg);

#define OVSDP_FLOW_EXCL 0x1		/* new: fail if the flow exists */

/*
 * new/set/get/del address the flow by key (or UFID when key_len is 0 and
 * a UFID is given).  @cb (may be NULL) receives the kernel's reply; for
 * new/set/del the reply is requested with NLM_F_ECHO only when @cb is set.
 */
int ovsdp_flow_new(struct ovsdp *h, const struct ovsdp_flow *req,
		   unsigned int flags, ovsdp_flow_cb cb, void *arg);
int ovsdp_flow_set(struct ovsdp *h, const struct ovsdp_flow *req,
		   ovsdp_flow_cb cb, void *arg);
int ovsdp_flow_get(struct ovsdp *h, const struct ovsdp_flow *req,
		   ovsdp_flow_cb cb, void *arg);
int ovsdp_flow_del(struct ovsdp *h, const struct ovsdp_flow *req,
		   ovsdp_flow_cb cb, void *arg);
/* Deletes every flow of the datapath. */
int ovsdp_flow_flush(struct ovsdp *h, int dp_ifindex);
/* @ufid_flags: OVS_UFID_F_OMIT_KEY/MASK/ACTIONS for terse dumps. */
int ovsdp_flow_dump(struct ovsdp *h, int dp_ifindex, uint32_t ufid_flags,
		    ovsdp_flow_cb cb, void *arg);

struct ovsdp_batch_result {
	int error;			/* 0 or negative errno */
	char msg[128];			/* kernel extack text, if any */
};

/*
 * Sends @n OVS_FLOW_CMD_NEW requests, up to @window (0: default 64) in
 * one send (the kernel acks only failures and each send's last request),
 * then collects that send's answers before the next.  Where the module
 * takes OVSDP_FLOW_CMD_NEW_BATCH (dp_ext.h; asked once per handle), a
 * window is one such message instead.  results[i] is filled for every
 * request; returns the number of failed requests, or a negative errno if
 * the socket itself failed.
 */
int ovsdp_flow_put_batch(struct ovsdp *h, const struct ovsdp_flow *reqs,
			 size_t n, unsigned int flags, unsigned int window,
			 struct ovsdp_batch_result *results);

/* ---- packets ---- */

struct ovsdp_packet_exec {
	int dp_ifindex;
	const void *packet;
	size_t packet_len;
	const void *key;		/* OVS_KEY_ATTR_* of the packet */
	size_t key_len;
	const void *actions;
	size_t actions_len;
	uint16_t mru;			/* 0: not sent */
	bool probe;
};

int ovsdp_packet_execute(struct ovsdp *h, const struct ovsdp_packet_exec *px);
/*
 * Executes @n packets, 64 per send as ovsdp_flow_put_batch() does;
 * results[i] is filled for each.  Returns the number that failed, or a
 * negative errno if the socket itself failed.
 */
int ovsdp_packet_execute_batch(struct ovsdp *h,
			       const struct ovsdp_packet_exec *reqs, size_t n,
			       struct ovsdp_batch_result *results);

/* ---- notifications and upcalls ---- */

/*
 * A receive-only socket: for upcalls its port id is what goes into
 * OVS_DP_ATTR_UPCALL_PID / OVS_VPORT_ATTR_UPCALL_PID / userspace(pid=);
 * for notifications it joins multicast groups.
 */
struct ovsdp_listener;

int ovsdp_listener_open(struct ovsdp *h, struct ovsdp_listener **l);
void ovsdp_listener_close(struct ovsdp_listener *l);
uint32_t ovsdp_listener_pid(const struct ovsdp_listener *l);
int ovsdp_listener_fd(const struct ovsdp_listener *l);
/* Joins the ovs_datapath, ovs_vport or ovs_flow multicast group. */
int ovsdp_listener_subscribe(struct ovsdp_listener *l, enum ovsdp_family fam);
int ovsdp_listener_set_nonblocking(struct ovsdp_listener *l, bool nb);

struct ovsdp_upcall {
	uint8_t cmd;			/* OVS_PACKET_CMD_MISS or _ACTION */
	int dp_ifindex;
	const void *packet;
	size_t packet_len;
	const void *key;
	size_t key_len;
	const void *userdata;		/* NULL if absent */
	size_t userdata_len;
	const void *egress_tun_key;	/* NULL if absent */
	size_t egress_tun_key_len;
	const void *actions;		/* NULL if absent */
	size_t actions_len;
	uint16_t mru;			/* 0 if absent */
	uint32_t orig_len;		/* OVS_PACKET_ATTR_LEN, 0 if absent */
	uint64_t hash;			/* OVS_PACKET_ATTR_HASH, 0 if absent */
	bool has_hash;
};

struct ovsdp_event {
	enum ovsdp_family family;	/* which family the message is from */
	uint8_t cmd;			/* OVS_*_CMD_* */
	union {
		struct ovsdp_dp_info dp;
		struct ovsdp_vport_info vport;
		struct ovsdp_flow flow;
		struct ovsdp_upcall upcall;
	} u;
};

typedef int (*ovsdp_event_cb)(const struct ovsdp_event *ev, void *arg);

/*
 * Receives one datagram (blocking unless set non-blocking) and calls @cb
 * for each message in it.  Returns the number of messages, -EAGAIN when
 * nothing is pending on a non-blocking socket, -ENOBUFS when the kernel
 * dropped messages, or @cb's non-zero return.
 */
int ovsdp_listener_recv(struct ovsdp_listener *l, ovsdp_event_cb cb,
			void *arg);

/*
 * Parses an OVS_PACKET_CMD_MISS/ACTION message (whole nlmsghdr, @len
 * bytes).  Returns 0 or -EINVAL for anything that is not a well-formed
 * upcall with a packet and a key.
 */
int ovsdp_upcall_parse(const struct nlmsghdr *nlh, size_t len,
		       struct ovsdp_upcall *up);

/*
 * Sends one generic netlink request to any family and waits for its ack:
 * @attrs is a raw attribute stream, @dp_ifindex < 0 leaves out the
 * ovs_header (for non-OVS families).  For probing and for tests.
 */
int ovsdp_raw_request(struct ovsdp *h, int family_id, uint8_t cmd,
		      uint8_t version, int dp_ifindex, const void *attrs,
		      size_t attrs_len);

/*
 * Extracts the NLMSGERR_ATTR_MSG text of an NLMSG_ERROR message into
 * @buf ("" if none).  Exposed for tests and tools.
 */
void ovsdp_extack_text(const struct nlmsghdr *nlh, char *buf, size_t size);

#ifdef __cplusplus
}
#endif

#endif /* OVSDP_OVSDP_H */
