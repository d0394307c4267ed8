// SPDX-License-Identifier: GPL-2.0
/* Message buffers for the userspace netlink shim. */
#include "portable_env.h"

struct sk_buff *alloc_skb(unsigned int size, gfp_t flags)
{
	struct sk_buff *skb = kzalloc(sizeof(*skb), flags);

	if (!skb)
		return NULL;
	/* Room for at least one attribute header keeps ASan quiet on 0. */
	skb->data = kzalloc(size ? size : 1, flags);
	if (!skb->data) {
		kfree(skb);
		return NULL;
	}
	skb->end = size;
	return skb;
}

void kfree_skb(struct sk_buff *skb)
{
	if (!skb)
		return;
	kfree(skb->data);
	kfree(skb);
}
