// SPDX-License-Identifier: GPL-2.0
/*
 * The kernel side of the flow key extractor's packet cursor: frames live
 * in sk_buffs whose headers may not all be in the linear area yet.
 */
#include <linux/skbuff.h>

#include "flow_extract.h"

/* Pull [offset, offset + len) of the frame into the linear area.  The
 * frame starts at skb->data; pulling may reallocate the head, so the
 * cursor's view is refreshed.
 */
const void *ovs_pkt_pull_slow(struct ovs_pkt *pkt, unsigned int offset,
			      unsigned int len)
{
	struct sk_buff *skb = pkt->ctx;
	unsigned int end = offset + len;

	if (end < offset || end > skb->len || !pskb_may_pull(skb, end))
		return NULL;

	pkt->data = skb->data;
	pkt->linear = skb_headlen(skb);
	return pkt->data + offset;
}
