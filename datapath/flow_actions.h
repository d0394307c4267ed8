/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A flow's action list as the datapath keeps it: the validated
 * OVS_FLOW_ATTR_ACTIONS attributes, copied into one allocation that is
 * replaced (never edited) under RCU when a flow's actions change.
 */
#ifndef OVSDP_FLOW_ACTIONS_H
#define OVSDP_FLOW_ACTIONS_H

#include "portable_env.h"

struct ovs_actions {
	struct rcu_head rcu;
	u32 len;			/* bytes of attributes in data */
	u32 pad;
	/* A stream of struct nlattr, netlink aligned. */
	u8 data[] __aligned(8);
};

static inline struct nlattr *ovs_actions_attrs(const struct ovs_actions *acts)
{
	return (struct nlattr *)acts->data;
}

#endif /* OVSDP_FLOW_ACTIONS_H */
