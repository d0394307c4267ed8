// SPDX-License-Identifier: GPL-2.0
/*
 * ovs_pkt_pull_slow() for userspace: frames are plain buffers.  See
 * shim_pkt.h for the two kinds of cursor.
 */
#include <stdio.h>

#include "shim_pkt.h"

/* Give @pkt a fresh heap block holding the first @linear bytes. */
static int ovs_shim_pkt_move(struct ovs_pkt *pkt, struct ovs_shim_pkt *sp,
			     unsigned int linear)
{
	size_t size = sp->phase + linear;
	u8 *block = malloc(size);

	if (!block && size)
		return -ENOMEM;
	memcpy(block + sp->phase, sp->frame, linear);
	free(sp->block);
	sp->block = block;
	pkt->data = block + sp->phase;
	pkt->linear = linear;
	return 0;
}

const void *ovs_pkt_pull_slow(struct ovs_pkt *pkt, unsigned int offset,
			      unsigned int len)
{
	struct ovs_shim_pkt *sp = pkt->ctx;
	unsigned int end = offset + len;

	if (end < offset || end > pkt->len)
		return NULL;
	if (end <= pkt->linear)
		return pkt->data + offset;

	if (!sp) {
		pkt->linear = end;
		return pkt->data + offset;
	}

	if (sp->fail_after >= 0 && sp->pulls >= (unsigned int)sp->fail_after)
		return NULL;
	sp->pulls++;
	if (ovs_shim_pkt_move(pkt, sp, end))
		return NULL;
	return pkt->data + offset;
}

void ovs_shim_pkt_init(struct ovs_pkt *pkt, struct ovs_shim_pkt *sp,
		       const void *frame, unsigned int len,
		       unsigned int linear, unsigned int phase)
{
	memset(sp, 0, sizeof(*sp));
	sp->frame = frame;
	sp->phase = phase % 8;
	sp->fail_after = -1;
	pkt->ctx = sp;
	pkt->len = len;
	if (ovs_shim_pkt_move(pkt, sp, min(linear, len))) {
		fprintf(stderr, "ovs_shim_pkt_init: out of memory\n");
		abort();
	}
}

void ovs_shim_pkt_release(struct ovs_pkt *pkt)
{
	struct ovs_shim_pkt *sp = pkt->ctx;

	free(sp->block);
	sp->block = NULL;
	pkt->data = NULL;
	pkt->linear = 0;
}
