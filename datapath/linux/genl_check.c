// SPDX-License-Identifier: GPL-2.0
/*
 * Request attribute checks shared by our generic netlink families.
 *
 * Generic netlink's strict validation would also insist on NLA_F_NESTED
 * in nested attributes, which ovs-vswitchd has never set, so the families
 * are validated liberally by the core and this puts the rest of
 * strictness back: an attribute type the family does not take in
 * requests, or a fixed-size attribute of the wrong size, is refused with
 * a message saying which.
 */
#include <net/genetlink.h>

#include "datapath.h"

/* Payload size of fixed-size policy types; -1 for variable ones. */
static int ovs_policy_fixed_len(const struct nla_policy *pt)
{
	switch (pt->type) {
	case NLA_FLAG:
		return 0;
	case NLA_U8:
		return sizeof(u8);
	case NLA_U16:
		return sizeof(u16);
	case NLA_U32:
	case NLA_S32:
		return sizeof(u32);
	case NLA_U64:
	case NLA_S64:
		return sizeof(u64);
	default:
		return -1;
	}
}

/*
 * Check a stream of request attributes (@len bytes at @head) against
 * @policy: each type must be one the policy takes, and a fixed-size one
 * must have exactly its size.
 */
int ovs_check_attrs(const struct nla_policy *policy, int maxattr,
		    const struct nlattr *head, int len,
		    struct netlink_ext_ack *extack)
{
	const struct nlattr *nla;
	int rem;

	nla_for_each_attr(nla, head, len, rem) {
		int type = nla_type(nla);
		int size;

		if (!type || type > maxattr ||
		    policy[type].type == NLA_UNSPEC) {
			NL_SET_ERR_MSG_ATTR(extack, nla,
					    "Attribute type not accepted in requests");
			return -EINVAL;
		}
		size = ovs_policy_fixed_len(&policy[type]);
		if (size >= 0 && nla_len(nla) != size) {
			NL_SET_ERR_MSG_ATTR(extack, nla,
					    "Attribute has the wrong length");
			return -EINVAL;
		}
	}
	return 0;
}

int ovs_genl_check_attrs(const struct genl_family *family,
			 struct genl_info *info)
{
	int hdrlen = GENL_HDRLEN + family->hdrsize;

	return ovs_check_attrs(family->policy, family->maxattr,
			       nlmsg_attrdata(info->nlhdr, hdrlen),
			       nlmsg_attrlen(info->nlhdr, hdrlen),
			       info->extack);
}
