// SPDX-License-Identifier: GPL-2.0
/*
 * Module and network namespace lifetime: registering the genl families,
 * the internal device kind and the device notifier, and tearing every
 * datapath down when its namespace or the module goes.
 */
#include <linux/module.h>
#include <linux/netdevice.h>
#include <linux/rtnetlink.h>
#include <net/genetlink.h>
#include <net/net_namespace.h>

#include "datapath.h"
#include "dp_packet.h"

unsigned int ovs_net_id __read_mostly;

static void ovs_rebalance_fn(struct work_struct *work)
{
	struct ovs_net *on = container_of(to_delayed_work(work),
					  struct ovs_net, rebalance);
	struct ovs_dp *dp;
	bool full;

	/* A namespace without datapaths wakes only at the full interval, so
	 * its first datapath waits up to 4 s for early re-orders (a racy
	 * look at the list; the mutex below is what protects it).
	 */
	if (list_empty(&on->dps)) {
		on->rebalance_ticks = 0;
		schedule_delayed_work(&on->rebalance,
				      OVS_REBALANCE_TICK * OVS_REBALANCE_TICKS);
		return;
	}
	full = ++on->rebalance_ticks >= OVS_REBALANCE_TICKS;
	if (full)
		on->rebalance_ticks = 0;
	mutex_lock(&ovs_mutex);
	list_for_each_entry(dp, &on->dps, node) {
		if (full)
			ovs_flow_table_masks_rebalance(&dp->table);
		else if (ovs_flow_table_masks_reorder_due(&dp->table))
			ovs_flow_table_masks_reorder(&dp->table);
	}
	mutex_unlock(&ovs_mutex);

	schedule_delayed_work(&on->rebalance, OVS_REBALANCE_TICK);
}

static int __net_init ovs_init_net(struct net *net)
{
	struct ovs_net *on = ovs_net(net);

	INIT_LIST_HEAD(&on->dps);
	INIT_DELAYED_WORK(&on->rebalance, ovs_rebalance_fn);
	schedule_delayed_work(&on->rebalance, OVS_REBALANCE_TICK);
	return 0;
}

/* Internal ports of any datapath whose device lives in @dnet. */
static void ovs_collect_ports_in(struct net *dnet, struct list_head *head)
{
	struct ovs_vport *vport;
	struct ovs_dp *dp;
	struct net *net;
	int i;

	down_read(&net_rwsem);
	for_each_net(net) {
		list_for_each_entry(dp, &ovs_net(net)->dps, node) {
			for (i = 0; i < OVS_DP_PORT_BUCKETS; i++) {
				hlist_for_each_entry(vport, &dp->ports[i],
						     hash_node) {
					if (vport->port_no != OVS_DP_LOCAL_PORT &&
					    ovs_is_internal_dev(vport->dev) &&
					    net_eq(dev_net(vport->dev), dnet))
						list_add(&vport->exit_node, head);
				}
			}
		}
	}
	up_read(&net_rwsem);
}

/*
 * Runs before the core unregisters the namespace's devices, so we tear
 * down our datapaths while their devices are still whole.  Internal ports
 * of other namespaces' datapaths that were moved here go too.
 */
static void __net_exit ovs_exit_net(struct net *dnet)
{
	struct ovs_net *on = ovs_net(dnet);
	struct ovs_vport *vport, *vtmp;
	struct ovs_dp *dp, *tmp;
	LIST_HEAD(ports);

	cancel_delayed_work_sync(&on->rebalance);

	mutex_lock(&ovs_mutex);
	list_for_each_entry_safe(dp, tmp, &on->dps, node)
		ovs_dp_destroy(dp);

	ovs_collect_ports_in(dnet, &ports);
	list_for_each_entry_safe(vport, vtmp, &ports, exit_node) {
		ovs_vport_notify_gone(vport);
		ovs_vport_del(vport);
	}
	mutex_unlock(&ovs_mutex);
}

static struct pernet_operations ovs_net_ops = {
	.init = ovs_init_net,
	.exit = ovs_exit_net,
	.id   = &ovs_net_id,
	.size = sizeof(struct ovs_net),
};

static struct genl_family *const ovs_families[] = {
	&ovs_dp_genl_family,
	&ovs_vport_genl_family,
	&ovs_flow_genl_family,
	&ovs_packet_genl_family,
};

static void ovs_unregister_families(int n)
{
	while (n-- > 0)
		genl_unregister_family(ovs_families[n]);
}

static int ovs_register_families(void)
{
	int i, err;

	for (i = 0; i < ARRAY_SIZE(ovs_families); i++) {
		err = genl_register_family(ovs_families[i]);
		if (err) {
			ovs_unregister_families(i);
			return err;
		}
	}
	return 0;
}

static int __init ovs_module_init(void)
{
	int err;

	err = ovs_flow_cache_init();
	if (err)
		return err;

	err = ovs_actions_init();
	if (err)
		goto err_flow_cache;
	ovs_upcall_batch_init();

	err = register_pernet_device(&ovs_net_ops);
	if (err)
		goto err_actions;

	err = register_netdevice_notifier(&ovs_netdev_notifier);
	if (err)
		goto err_pernet;

	err = rtnl_link_register(&ovs_internal_link_ops);
	if (err)
		goto err_notifier;

	err = ovs_register_families();
	if (err)
		goto err_link;

	pr_info("Open vSwitch datapath %s loaded\n", OVSDP_VERSION);
	return 0;

err_link:
	rtnl_link_unregister(&ovs_internal_link_ops);
err_notifier:
	unregister_netdevice_notifier(&ovs_netdev_notifier);
err_pernet:
	unregister_pernet_device(&ovs_net_ops);
err_actions:
	ovs_actions_exit();
err_flow_cache:
	ovs_flow_cache_exit();
	return err;
}

static void __exit ovs_module_exit(void)
{
	ovs_unregister_families(ARRAY_SIZE(ovs_families));
	unregister_pernet_device(&ovs_net_ops);
	unregister_netdevice_notifier(&ovs_netdev_notifier);
	ovs_vport_flush_gone();
	rtnl_link_unregister(&ovs_internal_link_ops);
	rcu_barrier();
	ovs_upcall_batch_exit();
	ovs_actions_exit();
	ovs_flow_cache_exit();
}

module_init(ovs_module_init);
module_exit(ovs_module_exit);

MODULE_DESCRIPTION("Open vSwitch datapath (ovsdp)");
MODULE_LICENSE("GPL");
MODULE_VERSION(OVSDP_VERSION);
MODULE_ALIAS_GENL_FAMILY(OVS_DATAPATH_FAMILY);
MODULE_ALIAS_GENL_FAMILY(OVS_VPORT_FAMILY);
MODULE_ALIAS_GENL_FAMILY(OVS_FLOW_FAMILY);
MODULE_ALIAS_GENL_FAMILY(OVS_PACKET_FAMILY);
MODULE_ALIAS_RTNL_LINK("openvswitch");
