// SPDX-License-Identifier: GPL-2.0
/*
 * Internal vports: a net_device of rtnl link kind "openvswitch" that the
 * datapath creates.  What the host transmits on it enters the datapath;
 * what the datapath outputs to it is received by the host.  Port 0 of
 * every datapath is one, named after the datapath.
 */
#include <linux/etherdevice.h>
#include <linux/ethtool.h>
#include <linux/netdevice.h>
#include <linux/rtnetlink.h>
#include <linux/skbuff.h>
#include <net/dst.h>
#include <net/xfrm.h>

#include "datapath.h"

struct ovs_internal_priv {
	struct ovs_vport *vport;
};

static struct ovs_internal_priv *ovs_internal_priv(const struct net_device *dev)
{
	return netdev_priv(dev);
}

static netdev_tx_t ovs_internal_xmit(struct sk_buff *skb,
				     struct net_device *dev)
{
	dev_sw_netstats_tx_add(dev, 1, skb->len);

	rcu_read_lock();
	ovs_vport_receive(ovs_internal_priv(dev)->vport, skb);
	rcu_read_unlock();
	return NETDEV_TX_OK;
}

static int ovs_internal_open(struct net_device *dev)
{
	netif_start_queue(dev);
	return 0;
}

static int ovs_internal_stop(struct net_device *dev)
{
	netif_stop_queue(dev);
	return 0;
}

static int ovs_internal_init(struct net_device *dev)
{
	dev->tstats = netdev_alloc_pcpu_stats(struct pcpu_sw_netstats);
	return dev->tstats ? 0 : -ENOMEM;
}

static void ovs_internal_destructor(struct net_device *dev)
{
	free_percpu(dev->tstats);
}

static const struct net_device_ops ovs_internal_netdev_ops = {
	.ndo_init		= ovs_internal_init,
	.ndo_open		= ovs_internal_open,
	.ndo_stop		= ovs_internal_stop,
	.ndo_start_xmit		= ovs_internal_xmit,
	.ndo_set_mac_address	= eth_mac_addr,
	.ndo_get_stats64	= dev_get_tstats64,
};

static void ovs_internal_get_drvinfo(struct net_device *dev,
				     struct ethtool_drvinfo *info)
{
	strscpy(info->driver, "openvswitch", sizeof(info->driver));
}

static const struct ethtool_ops ovs_internal_ethtool_ops = {
	.get_drvinfo	= ovs_internal_get_drvinfo,
	.get_link	= ethtool_op_get_link,
};

/* No .setup: `ip link add type openvswitch` is refused; only the
 * datapath creates these devices, but the kind shows in `ip -d link`.
 */
struct rtnl_link_ops ovs_internal_link_ops __read_mostly = {
	.kind = "openvswitch",
};

static void ovs_internal_setup(struct net_device *dev)
{
	ether_setup(dev);
	dev->max_mtu = ETH_MAX_MTU;
	dev->netdev_ops = &ovs_internal_netdev_ops;
	dev->ethtool_ops = &ovs_internal_ethtool_ops;
	dev->rtnl_link_ops = &ovs_internal_link_ops;
	dev->needs_free_netdev = true;
	dev->priv_destructor = ovs_internal_destructor;

	dev->priv_flags &= ~IFF_TX_SKB_SHARING;
	dev->priv_flags |= IFF_LIVE_ADDR_CHANGE | IFF_OPENVSWITCH |
			   IFF_NO_QUEUE;

	dev->features = NETIF_F_LLTX | NETIF_F_SG | NETIF_F_FRAGLIST |
			NETIF_F_HIGHDMA | NETIF_F_HW_CSUM |
			NETIF_F_GSO_SOFTWARE | NETIF_F_GSO_ENCAP_ALL;
	dev->vlan_features = dev->features;
	dev->hw_enc_features = dev->features;
	dev->features |= NETIF_F_HW_VLAN_CTAG_TX | NETIF_F_HW_VLAN_STAG_TX;
	dev->hw_features = dev->features & ~NETIF_F_LLTX;

	eth_hw_addr_random(dev);
}

bool ovs_is_internal_dev(const struct net_device *dev)
{
	return dev->netdev_ops == &ovs_internal_netdev_ops;
}

struct ovs_vport *ovs_internal_dev_vport(const struct net_device *dev)
{
	return ovs_is_internal_dev(dev) ? ovs_internal_priv(dev)->vport : NULL;
}

static int ovs_internal_create(struct ovs_vport *vport, const char *name,
			       int ifindex, struct netlink_ext_ack *extack)
{
	struct net_device *dev;
	int err;

	dev = alloc_netdev(sizeof(struct ovs_internal_priv), name,
			   NET_NAME_USER, ovs_internal_setup);
	if (!dev)
		return -ENOMEM;

	dev_net_set(dev, ovs_dp_net(vport->dp));
	dev->ifindex = ifindex;
	ovs_internal_priv(dev)->vport = vport;

	err = register_netdevice(dev);
	if (err) {
		if (err == -EEXIST)
			NL_SET_ERR_MSG_MOD(extack,
					   "A device with this name already exists");
		else
			NL_SET_ERR_MSG_MOD(extack,
					   "Cannot register the internal device");
		free_netdev(dev);
		return err;
	}

	netdev_hold(dev, &vport->dev_tracker, GFP_KERNEL);
	vport->dev = dev;
	dev_set_promiscuity(dev, 1);
	return 0;
}

static void ovs_internal_destroy(struct ovs_vport *vport)
{
	struct net_device *dev = vport->dev;

	/* When the device is already being unregistered (its namespace is
	 * going away) there is nothing left to undo.
	 */
	if (dev->reg_state != NETREG_REGISTERED)
		return;
	/* Our own unregistration must not look like the device leaving. */
	vport->detached = true;
	dev_set_promiscuity(dev, -1);
	/* Unregistration waits for every reference once RTNL is released,
	 * before our RCU callback could drop ours: drop it now.  Readers
	 * still inside an RCU section are safe, as the core waits for a
	 * grace period before freeing the device.
	 */
	netdev_put(dev, &vport->dev_tracker);
	vport->dev_released = true;
	unregister_netdevice(dev);
}

/* The datapath outputs @skb to the host through this device. */
static void ovs_internal_send(struct ovs_vport *vport, struct sk_buff *skb)
{
	struct net_device *dev = vport->dev;

	if (unlikely(!(dev->flags & IFF_UP))) {
		dev->stats.rx_dropped++;
		kfree_skb(skb);
		return;
	}

	skb_dst_drop(skb);
	nf_reset_ct(skb);
	secpath_reset(skb);
	skb->pkt_type = PACKET_HOST;
	skb->protocol = eth_type_trans(skb, dev);
	skb_postpull_rcsum(skb, eth_hdr(skb), ETH_HLEN);
	dev_sw_netstats_rx_add(dev, skb->len + ETH_HLEN);
	netif_rx(skb);
}

const struct ovs_vport_ops ovs_internal_vport_ops = {
	.type		= OVS_VPORT_TYPE_INTERNAL,
	.create		= ovs_internal_create,
	.destroy	= ovs_internal_destroy,
	.send		= ovs_internal_send,
};
