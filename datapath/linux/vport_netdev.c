// SPDX-License-Identifier: GPL-2.0
/*
 * netdev vports: an existing Ethernet device attached to a datapath.  We
 * take over its rx_handler, so every frame it receives enters the
 * datapath instead of the host stack, make it promiscuous, and link it
 * under the datapath's local port as its master, which is how
 * `ip -d link` comes to show it as an openvswitch_slave.
 */
#include <linux/etherdevice.h>
#include <linux/if_arp.h>
#include <linux/netdevice.h>
#include <linux/rtnetlink.h>
#include <linux/skbuff.h>

#include "datapath.h"

static rx_handler_result_t ovs_netdev_frame_hook(struct sk_buff **pskb)
{
	struct sk_buff *skb = *pskb;
	struct ovs_vport *vport;

	/* Our own transmits looped back by the stack are not input. */
	if (unlikely(skb->pkt_type == PACKET_LOOPBACK))
		return RX_HANDLER_PASS;

	vport = rcu_dereference(skb->dev->rx_handler_data);
	skb = skb_share_check(skb, GFP_ATOMIC);
	if (unlikely(!skb))
		return RX_HANDLER_CONSUMED;

	/* eth_type_trans() pulled the Ethernet header; the datapath wants
	 * the frame from its start.
	 */
	skb_push_rcsum(skb, skb->data - skb_mac_header(skb));
	ovs_vport_receive(vport, skb);
	return RX_HANDLER_CONSUMED;
}

static int ovs_netdev_check(struct net_device *dev,
			    struct netlink_ext_ack *extack)
{
	if (dev->flags & IFF_LOOPBACK) {
		NL_SET_ERR_MSG_MOD(extack, "Cannot attach a loopback device");
		return -EINVAL;
	}
	if (dev->type != ARPHRD_ETHER) {
		NL_SET_ERR_MSG_MOD(extack, "Only Ethernet devices can be attached");
		return -EINVAL;
	}
	if (ovs_is_internal_dev(dev)) {
		NL_SET_ERR_MSG_MOD(extack,
				   "Device is a datapath internal port");
		return -EINVAL;
	}
	if (netif_is_ovs_port(dev) || netdev_master_upper_dev_get(dev) ||
	    rtnl_dereference(dev->rx_handler)) {
		NL_SET_ERR_MSG_MOD(extack,
				   "Device is already enslaved to a bridge, bond or datapath");
		return -EBUSY;
	}
	return 0;
}

static int ovs_netdev_create(struct ovs_vport *vport, const char *name,
			     int ifindex, struct netlink_ext_ack *extack)
{
	struct ovs_vport *local = ovs_dp_local_port(vport->dp);
	struct net_device *dev;
	int err;

	if (!local) {
		NL_SET_ERR_MSG_MOD(extack, "Datapath has no local port");
		return -EINVAL;
	}

	dev = __dev_get_by_name(ovs_dp_net(vport->dp), name);
	if (!dev) {
		NL_SET_ERR_MSG_MOD(extack, "No such network device");
		return -ENODEV;
	}
	err = ovs_netdev_check(dev, extack);
	if (err)
		return err;

	err = netdev_master_upper_dev_link(dev, local->dev, NULL, NULL,
					   extack);
	if (err)
		return err;

	err = netdev_rx_handler_register(dev, ovs_netdev_frame_hook, vport);
	if (err) {
		NL_SET_ERR_MSG_MOD(extack, "Device rx_handler is busy");
		goto err_unlink;
	}

	netdev_hold(dev, &vport->dev_tracker, GFP_KERNEL);
	vport->dev = dev;
	dev->priv_flags |= IFF_OVS_DATAPATH;
	dev_disable_lro(dev);
	dev_set_promiscuity(dev, 1);
	return 0;

err_unlink:
	netdev_upper_dev_unlink(dev, local->dev);
	return err;
}

/* Undo everything ovs_netdev_create() did to the device except dropping
 * our reference.  Called with RTNL held, from port removal or from the
 * notifier when the device is going away.
 */
void ovs_netdev_detach(struct ovs_vport *vport)
{
	struct net_device *dev = vport->dev;
	struct net_device *master;

	if (!(dev->priv_flags & IFF_OVS_DATAPATH))
		return;

	dev->priv_flags &= ~IFF_OVS_DATAPATH;
	netdev_rx_handler_unregister(dev);
	master = netdev_master_upper_dev_get(dev);
	if (master)
		netdev_upper_dev_unlink(dev, master);
	dev_set_promiscuity(dev, -1);
}

static void ovs_netdev_destroy(struct ovs_vport *vport)
{
	ovs_netdev_detach(vport);
}

static void ovs_netdev_send(struct ovs_vport *vport, struct sk_buff *skb)
{
	skb->dev = vport->dev;
	dev_queue_xmit(skb);
}

const struct ovs_vport_ops ovs_netdev_vport_ops = {
	.type		= OVS_VPORT_TYPE_NETDEV,
	.create		= ovs_netdev_create,
	.destroy	= ovs_netdev_destroy,
	.send		= ovs_netdev_send,
};
