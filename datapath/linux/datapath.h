/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The datapath and its ports as the kernel glue sees them.
 *
 * Locking: every control operation (genl commands, device notifications,
 * namespace teardown) runs under ovs_mutex.  Device operations additionally
 * take RTNL, always after ovs_mutex.  The packet path runs under RCU only:
 * datapaths, vports and the port hash are freed through RCU.
 */
#ifndef OVSDP_DATAPATH_H
#define OVSDP_DATAPATH_H

#include <linux/mutex.h>
#include <linux/netdevice.h>
#include <linux/skbuff.h>
#include <linux/u64_stats_sync.h>
#include <linux/workqueue.h>
#include <net/genetlink.h>
#include <net/net_namespace.h>
#include <net/netns/generic.h>

#include "flow_table.h"
#include "ovsdp/dp_ext.h"
#include "upcall_fair.h"

#define OVS_DP_PORT_BUCKETS	1024
#define OVS_DP_MAX_PORTS	USHRT_MAX
#define OVS_DP_LOCAL_PORT	0	/* port 0: the datapath's internal port */

/* Features userspace may request with OVS_DP_ATTR_USER_FEATURES. */
#define OVS_DP_KNOWN_FEATURES	(OVS_DP_F_UNALIGNED | OVS_DP_F_VPORT_PIDS | \
				 OVS_DP_F_TC_RECIRC_SHARING | \
				 OVS_DP_F_DISPATCH_UPCALL_PER_CPU | \
				 OVSDP_DP_F_UPCALL_BATCH)

/* Per-CPU datapath counters, summed for OVS_DP_ATTR_(MEGAFLOW_)STATS. */
struct ovs_dp_cpu_stats {
	u64 n_hit;
	u64 n_missed;
	u64 n_lost;
	u64 n_mask_hit;
	u64 n_cache_hit;
	struct u64_stats_sync syncp;
};

/* One upcall socket's fair-share state (upcall_fair.h), shared by the
 * CPUs whose upcalls go to that socket.
 */
struct ovs_upcall_share {
	spinlock_t lock;
	struct ovs_upcall_fair fair;
	struct sk_buff_head kept;	/* refused, to be sent again */
	struct timer_list retry;
	struct ovs_dp *dp;
	u32 portid;			/* the socket */
	bool dead;			/* array being freed: keep nothing */
};

/*
 * Upcall socket PIDs: a vport's (picked by flow hash) or, in per-CPU
 * dispatch mode, the datapath's (indexed by CPU id).  A per-CPU array also
 * carries one ovs_upcall_share per distinct socket, in the same
 * allocation; @share_of maps a CPU's entry to it.
 */
struct ovs_pid_array {
	struct rcu_head rcu;
	u32 n;
	u32 n_shares;			/* 0: no fairness state */
	u16 *share_of;
	struct ovs_upcall_share *shares;
	u32 pids[];
};

struct ovs_dp {
	struct rcu_head rcu;
	struct list_head node;		/* in ovs_net->dps */
	struct ovs_flow_table table;
	struct hlist_head *ports;	/* OVS_DP_PORT_BUCKETS, by port_no */
	struct ovs_dp_cpu_stats __percpu *stats;
	possible_net_t net;
	u32 user_features;
	/* OVSDP_DP_F_UPCALL_BATCH was ever on: batches may refer to us. */
	bool upcall_batched;
	struct ovs_pid_array __rcu *cpu_pids;
};

struct ovs_vport;

struct ovs_vport_ops {
	enum ovs_vport_type type;
	/* Create or attach the port's device; called with RTNL held. */
	int (*create)(struct ovs_vport *vport, const char *name,
		      int ifindex, struct netlink_ext_ack *extack);
	/* Let go of the device; called with RTNL held. */
	void (*destroy)(struct ovs_vport *vport);
	/* Transmit a packet out of the port (consumes @skb). */
	void (*send)(struct ovs_vport *vport, struct sk_buff *skb);
};

struct ovs_vport {
	struct net_device *dev;
	netdevice_tracker dev_tracker;
	struct ovs_dp *dp;
	const struct ovs_vport_ops *ops;
	struct ovs_pid_array __rcu *upcall_pids;
	u16 port_no;
	bool detached;			/* device gone, removal pending */
	bool dev_released;		/* dev_tracker's reference dropped */
	struct hlist_node hash_node;	/* in dp->ports */
	struct list_head gone_node;	/* on the notifier's work list */
	struct list_head exit_node;	/* namespace teardown's list */
	struct rcu_head rcu;
};

/* Per-network-namespace state. */
struct ovs_net {
	struct list_head dps;		/* RCU list, written under ovs_mutex */
	struct delayed_work rebalance;	/* re-orders mask arrays by hits */
	unsigned int rebalance_ticks;	/* since the last full rebalance */
};

/*
 * Mask arrays are rebalanced every 4 s.  In between, every 100 ms, a
 * datapath whose packets waste probes on masks in front of theirs (traffic
 * moved to a mask far down the order) is re-ordered at once, instead of
 * probing a long array per packet until the next rebalance.
 */
#define OVS_REBALANCE_TICK	(HZ / 10)
#define OVS_REBALANCE_TICKS	40

extern unsigned int ovs_net_id;
extern struct mutex ovs_mutex;
extern struct genl_family ovs_dp_genl_family;
extern struct genl_family ovs_vport_genl_family;
extern struct genl_family ovs_flow_genl_family;
extern struct genl_family ovs_packet_genl_family;
extern const struct genl_multicast_group ovs_dp_mcgroup;
extern const struct genl_multicast_group ovs_vport_mcgroup;
extern const struct genl_multicast_group ovs_flow_mcgroup;

static inline struct ovs_net *ovs_net(struct net *net)
{
	return net_generic(net, ovs_net_id);
}

static inline struct net *ovs_dp_net(const struct ovs_dp *dp)
{
	return read_pnet(&dp->net);
}

/* A required attribute is missing: say which and why, in extack. */
#define OVS_ATTR_MISSING(info, type, msg) ({				\
	bool __missing = GENL_REQ_ATTR_CHECK(info, type);		\
	if (__missing)							\
		NL_SET_ERR_MSG_MOD((info)->extack, msg);		\
	__missing;							\
})

#define ovs_deref(p) rcu_dereference_protected(p, lockdep_is_held(&ovs_mutex))
#define ovs_deref_rcu(p) \
	rcu_dereference_check(p, lockdep_is_held(&ovs_mutex))

/* datapath core (dp_core.c) */
struct ovs_vport *ovs_vport_lookup(const struct ovs_dp *dp, u32 port_no);
static inline struct ovs_vport *ovs_dp_local_port(const struct ovs_dp *dp)
{
	return ovs_vport_lookup(dp, OVS_DP_LOCAL_PORT);
}

const char *ovs_dp_name(const struct ovs_dp *dp);
int ovs_dp_ifindex(const struct ovs_dp *dp);
struct ovs_dp *ovs_dp_lookup(struct net *net, int dp_ifindex,
			     const char *name);
struct ovs_dp *ovs_dp_lookup_msg(struct net *net, const struct ovs_header *h,
				 struct nlattr **a, int name_attr,
				 struct netlink_ext_ack *extack);
void ovs_dp_destroy(struct ovs_dp *dp);
void ovs_dp_stats_sum(const struct ovs_dp *dp, struct ovs_dp_cpu_stats *sum);
/* upcall.c: a per-CPU array with its fair-share state (frees @arr), and
 * the teardown of that state before the array is freed.
 */
struct ovs_pid_array *ovs_upcall_add_shares(struct ovs_dp *dp,
					    struct ovs_pid_array *arr);
void ovs_upcall_shares_stop(struct ovs_pid_array *arr);
/* upcall_batch.c: per-CPU batches of upcalls, and a datapath's farewell
 * to them before it is freed.
 */
void ovs_upcall_batch_init(void);
void ovs_upcall_batch_exit(void);
void ovs_upcall_batch_forget(struct ovs_dp *dp);
int ovs_dp_set_upcall_pids(struct ovs_pid_array __rcu **slot,
			   const struct nlattr *attr,
			   struct netlink_ext_ack *extack);
struct ovs_pid_array *ovs_pid_array_parse(const struct nlattr *attr,
					  struct netlink_ext_ack *extack);
void ovs_pid_array_replace(struct ovs_pid_array __rcu **slot,
			   struct ovs_pid_array *arr);
int ovs_put_pid_array(struct sk_buff *skb, int attrtype,
		      struct ovs_pid_array __rcu *const *slot);

/* vports (vport.c) */
const struct ovs_vport_ops *ovs_vport_ops_find(u32 type);
struct ovs_vport *ovs_vport_add(struct ovs_dp *dp, u32 port_no, u32 type,
				const char *name, int ifindex,
				struct netlink_ext_ack *extack);
void ovs_vport_del(struct ovs_vport *vport);
void ovs_vport_get_stats(struct ovs_vport *vport, struct ovs_vport_stats *st);
struct ovs_vport *ovs_vport_from_dev(const struct net_device *dev);
void ovs_vport_receive(struct ovs_vport *vport, struct sk_buff *skb);
void ovs_vport_gone(struct ovs_vport *vport);
void ovs_vport_reap_gone(void);
void ovs_vport_flush_gone(void);

extern const struct ovs_vport_ops ovs_netdev_vport_ops;
extern const struct ovs_vport_ops ovs_internal_vport_ops;
extern struct rtnl_link_ops ovs_internal_link_ops;
bool ovs_is_internal_dev(const struct net_device *dev);
struct ovs_vport *ovs_internal_dev_vport(const struct net_device *dev);
void ovs_netdev_detach(struct ovs_vport *vport);

/* notifications (genl helpers in dp_genl.c / vport_genl.c) */
struct sk_buff *ovs_vport_build_msg(struct ovs_vport *vport, u32 portid,
				    u32 seq, u32 flags, u8 cmd, gfp_t gfp);
void ovs_vport_notify_gone(struct ovs_vport *vport);

/* genl_check.c */
int ovs_check_attrs(const struct nla_policy *policy, int maxattr,
		    const struct nlattr *head, int len,
		    struct netlink_ext_ack *extack);
int ovs_genl_check_attrs(const struct genl_family *family,
			 struct genl_info *info);

/* device notifier (dp_notify.c) */
extern struct notifier_block ovs_netdev_notifier;

#endif /* OVSDP_DATAPATH_H */
