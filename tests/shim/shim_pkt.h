/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Userspace packet cursors for the flow key extractor's tests.
 *
 * A plain cursor (pkt->ctx == NULL) is a fully readable buffer: a slow
 * pull only bounds-checks it and widens pkt->linear.
 *
 * A "moving" cursor (pkt->ctx points to a struct ovs_shim_pkt) imitates a
 * non-linear sk_buff as harshly as possible: only the first pkt->linear
 * bytes exist in a heap block of exactly that size, and every slow pull
 * copies the frame into a new block (freeing the old one), so under ASan
 * a read past the linear area, or through a pointer that was not fetched
 * again after a pull, is reported.
 */
#ifndef OVSDP_SHIM_PKT_H
#define OVSDP_SHIM_PKT_H

#include "portable_env.h"
#include "flow_extract.h"

struct ovs_shim_pkt {
	const u8 *frame;	/* the whole frame, pkt->len bytes */
	u8 *block;		/* current heap block holding the linear part */
	unsigned int phase;	/* pkt->data % 8, kept across moves */
	unsigned int pulls;	/* slow pulls that reached the shim */
	int fail_after;		/* slow pulls that succeed before one
				 * fails as if out of memory; -1: never
				 */
};

/* Set up @pkt as a moving cursor over @frame with @linear bytes readable
 * at first; pkt->data is placed at @phase modulo 8.
 */
void ovs_shim_pkt_init(struct ovs_pkt *pkt, struct ovs_shim_pkt *sp,
		       const void *frame, unsigned int len,
		       unsigned int linear, unsigned int phase);
void ovs_shim_pkt_release(struct ovs_pkt *pkt);

#endif /* OVSDP_SHIM_PKT_H */
