// SPDX-License-Identifier: GPL-2.0
/*
 * Vports: the datapath's ports.  Each is backed by a net_device, either
 * one we create (internal) or one we attach to (netdev).  This file holds
 * what is common: adding, removing and finding ports, and the removal of
 * ports whose device went away behind our back.
 */
#include <linux/netdevice.h>
#include <linux/rculist.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/workqueue.h>

#include "datapath.h"

static const struct ovs_vport_ops *const ovs_vport_types[] = {
	&ovs_netdev_vport_ops,
	&ovs_internal_vport_ops,
};

const struct ovs_vport_ops *ovs_vport_ops_find(u32 type)
{
	int i;

	for (i = 0; i < ARRAY_SIZE(ovs_vport_types); i++)
		if (ovs_vport_types[i]->type == type)
			return ovs_vport_types[i];
	return NULL;
}

static u32 ovs_vport_free_port_no(const struct ovs_dp *dp)
{
	u32 port_no;

	for (port_no = 1; port_no < OVS_DP_MAX_PORTS; port_no++)
		if (!ovs_vport_lookup(dp, port_no))
			return port_no;
	return 0;
}

/*
 * Create a port of @type named @name as @port_no of @dp (0 for the local
 * port, U32_MAX for "pick one").  Caller holds ovs_mutex; takes RTNL.
 */
struct ovs_vport *ovs_vport_add(struct ovs_dp *dp, u32 port_no, u32 type,
				const char *name, int ifindex,
				struct netlink_ext_ack *extack)
{
	const struct ovs_vport_ops *ops;
	struct ovs_vport *vport;
	int err;

	ops = ovs_vport_ops_find(type);
	if (!ops) {
		NL_SET_ERR_MSG_MOD(extack, "Unsupported vport type");
		return ERR_PTR(-EAFNOSUPPORT);
	}

	if (port_no == U32_MAX) {
		port_no = ovs_vport_free_port_no(dp);
		if (!port_no) {
			NL_SET_ERR_MSG_MOD(extack, "Datapath has no free port");
			return ERR_PTR(-EFBIG);
		}
	} else if (port_no >= OVS_DP_MAX_PORTS) {
		NL_SET_ERR_MSG_MOD(extack, "Port number out of range");
		return ERR_PTR(-EFBIG);
	} else if (ovs_vport_lookup(dp, port_no)) {
		NL_SET_ERR_MSG_MOD(extack, "Port number already in use");
		return ERR_PTR(-EBUSY);
	}

	vport = kzalloc(sizeof(*vport), GFP_KERNEL);
	if (!vport)
		return ERR_PTR(-ENOMEM);
	vport->dp = dp;
	vport->ops = ops;
	vport->port_no = port_no;
	INIT_LIST_HEAD(&vport->gone_node);

	rtnl_lock();
	err = ops->create(vport, name, ifindex, extack);
	rtnl_unlock();
	if (err)
		goto err_free;

	hlist_add_head_rcu(&vport->hash_node,
			   &dp->ports[port_no & (OVS_DP_PORT_BUCKETS - 1)]);
	return vport;

err_free:
	kfree(vport);
	return ERR_PTR(err);
}

static void ovs_vport_free_rcu(struct rcu_head *rcu)
{
	struct ovs_vport *vport = container_of(rcu, struct ovs_vport, rcu);

	kfree(rcu_access_pointer(vport->upcall_pids));
	if (!vport->dev_released)
		netdev_put(vport->dev, &vport->dev_tracker);
	kfree(vport);
}

static DEFINE_SPINLOCK(ovs_gone_lock);
static LIST_HEAD(ovs_gone_list);

static void ovs_vport_unqueue_gone(struct ovs_vport *vport)
{
	spin_lock_bh(&ovs_gone_lock);
	list_del_init(&vport->gone_node);
	spin_unlock_bh(&ovs_gone_lock);
}

/* Remove @vport from its datapath.  Caller holds ovs_mutex.  The device
 * reference is dropped after an RCU grace period, so packets in flight
 * may still use vport->dev.
 */
void ovs_vport_del(struct ovs_vport *vport)
{
	ovs_vport_unqueue_gone(vport);
	hlist_del_rcu(&vport->hash_node);

	rtnl_lock();
	vport->ops->destroy(vport);
	rtnl_unlock();

	call_rcu(&vport->rcu, ovs_vport_free_rcu);
}

/* The device's own counters, as upstream reports them: for an internal
 * port, tx is what the host sent into the datapath.
 */
void ovs_vport_get_stats(struct ovs_vport *vport, struct ovs_vport_stats *st)
{
	struct rtnl_link_stats64 ds;

	dev_get_stats(vport->dev, &ds);
	st->rx_packets = ds.rx_packets;
	st->rx_bytes = ds.rx_bytes;
	st->rx_errors = ds.rx_errors;
	st->rx_dropped = ds.rx_dropped;
	st->tx_packets = ds.tx_packets;
	st->tx_bytes = ds.tx_bytes;
	st->tx_errors = ds.tx_errors;
	st->tx_dropped = ds.tx_dropped;
}

struct ovs_vport *ovs_vport_from_dev(const struct net_device *dev)
{
	if (dev->priv_flags & IFF_OVS_DATAPATH)
		return rcu_dereference_rtnl(dev->rx_handler_data);
	return ovs_internal_dev_vport(dev);
}

static void ovs_gone_work_fn(struct work_struct *work)
{
	ovs_vport_reap_gone();
}

static DECLARE_WORK(ovs_gone_work, ovs_gone_work_fn);

/*
 * @vport's device is being unregistered (or moved away).  Called from the
 * netdevice notifier with RTNL held, where ovs_mutex may not be taken, so
 * the removal itself is deferred to a work item.
 */
void ovs_vport_gone(struct ovs_vport *vport)
{
	vport->detached = true;
	spin_lock_bh(&ovs_gone_lock);
	if (list_empty(&vport->gone_node))
		list_add_tail(&vport->gone_node, &ovs_gone_list);
	spin_unlock_bh(&ovs_gone_lock);
	schedule_work(&ovs_gone_work);
}

/* Remove every port queued by ovs_vport_gone(), telling userspace.  A
 * datapath whose local port went away goes with it.
 */
void ovs_vport_reap_gone(void)
{
	struct ovs_vport *vport;

	mutex_lock(&ovs_mutex);
	for (;;) {
		spin_lock_bh(&ovs_gone_lock);
		vport = list_first_entry_or_null(&ovs_gone_list,
						 struct ovs_vport, gone_node);
		if (vport)
			list_del_init(&vport->gone_node);
		spin_unlock_bh(&ovs_gone_lock);
		if (!vport)
			break;

		ovs_vport_notify_gone(vport);
		if (vport->port_no == OVS_DP_LOCAL_PORT)
			ovs_dp_destroy(vport->dp);
		else
			ovs_vport_del(vport);
	}
	mutex_unlock(&ovs_mutex);
}

void ovs_vport_flush_gone(void)
{
	flush_work(&ovs_gone_work);
}
