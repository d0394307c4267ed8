// SPDX-License-Identifier: GPL-2.0
/*
 * Devices that leave behind our back: a netdev port's device deleted or
 * moved to another namespace, or an internal port's device destroyed with
 * its namespace.  The device is let go of at once (we hold RTNL here);
 * removing the port needs ovs_mutex and happens in a work item.
 */
#include <linux/netdevice.h>

#include "datapath.h"

static int ovs_netdev_event(struct notifier_block *nb, unsigned long event,
			    void *ptr)
{
	struct net_device *dev = netdev_notifier_info_to_dev(ptr);
	struct ovs_vport *vport;

	if (event != NETDEV_UNREGISTER)
		return NOTIFY_DONE;

	vport = ovs_vport_from_dev(dev);
	if (!vport || vport->detached)
		return NOTIFY_DONE;

	if (vport->ops->type == OVS_VPORT_TYPE_NETDEV) {
		ovs_netdev_detach(vport);
		ovs_vport_gone(vport);
	} else if (dev->reg_state == NETREG_UNREGISTERING) {
		/* An internal device that merely changes namespace stays a
		 * port; one being destroyed takes its port with it.
		 */
		ovs_vport_gone(vport);
	}
	return NOTIFY_DONE;
}

struct notifier_block ovs_netdev_notifier = {
	.notifier_call = ovs_netdev_event,
};
