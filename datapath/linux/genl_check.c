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

int ovs_genl_check_attrs(const struct genl_family *family,
			 struct genl_info *info)
{
	const struct nlattr *nla;
	int rem;

	nlmsg_for_each_attr(nla, info->nlhdr, GENL_HDRLEN + family->hdrsize,
			    rem) {
		const struct nla_policy *pt;
		int type = nla_type(nla);
		int len;

		if (!type || type > family->maxattr ||
		    family->policy[type].type == NLA_UNSPEC) {
			NL_SET_ERR_MSG_ATTR(info->extack, nla,
					    "Attribute type not accepted in requests");
			return -EINVAL;
		}
		pt = &family->policy[type];
		len = ovs_policy_fixed_len(pt);
		if (len >= 0 && nla_len(nla) != len) {
			NL_SET_ERR_MSG_ATTR(info->extack, nla,
					    "Attribute has the wrong length");
			return -EINVAL;
		}
	}
	return 0;
}
