// SPDX-License-Identifier: GPL-2.0
/*
 * Upcalls that share a datagram (OVSDP_DP_F_UPCALL_BATCH).
 *
 * Each CPU keeps at most one open batch: a buffer for one datapath and one
 * socket, into which upcalls are written as consecutive netlink messages.
 * A tasklet scheduled when the batch opens sends it; tasklets run after
 * the softirq that is handling the current burst of packets, so a batch
 * holds the misses of one burst and adds no wait beyond it.  A batch is
 * also sent early when the next upcall goes elsewhere, does not fit, or
 * must go out alone (order is kept: the batch goes first).
 *
 * Why: per upcall, the reader saves a recv() and a wakeup, and the CPU
 * that handles the packets saves an allocation and a queueing.
 *
 * Lifetime: a batch outlives the RCU read section that opened it (the
 * tasklet may run after a quiescent state), so it cannot lean on RCU to
 * keep its datapath.  Instead a datapath that ever batched waits, when
 * destroyed, until no CPU's batch refers to it (ovs_upcall_batch_forget).
 */
#include <linux/interrupt.h>
#include <linux/percpu.h>
#include <linux/sched.h>
#include <net/genetlink.h>

#include "dp_packet.h"

/* One buffer of 16 kB (an order-2 allocation): 20-30 upcalls of small
 * packets.
 */
#define OVS_UPCALL_BATCH_BYTES	SKB_WITH_OVERHEAD(16384)
/* Bigger upcalls (jumbo frames) go out alone: they gain little. */
#define OVS_UPCALL_BATCH_MAX_MSG	(OVS_UPCALL_BATCH_BYTES / 4)

struct ovs_upcall_batch {
	struct sk_buff *skb;		/* NULL: no open batch */
	struct ovs_dp *dp;		/* read by ovs_upcall_batch_forget() */
	u32 portid;
	u32 n;				/* upcalls in @skb */
	struct tasklet_struct flush;
};

static DEFINE_PER_CPU(struct ovs_upcall_batch, ovs_upcall_batches);

/* Send @b's upcalls, if any.  BHs disabled, on @b's CPU (or, after that
 * CPU went offline, wherever its tasklet was moved).
 */
static void ovs_upcall_batch_send(struct ovs_upcall_batch *b)
{
	struct sk_buff *skb = b->skb;
	struct ovs_dp *dp = b->dp;
	int err;

	if (!skb)
		return;
	b->skb = NULL;
	rcu_read_lock();
	err = genlmsg_unicast(ovs_dp_net(dp), skb, b->portid);
	ovs_upcall_sent(dp, err, b->n);
	rcu_read_unlock();
	b->n = 0;
	/* Only now may the datapath go (see ovs_upcall_batch_forget()). */
	WRITE_ONCE(b->dp, NULL);
}

static void ovs_upcall_batch_tasklet(struct tasklet_struct *t)
{
	struct ovs_upcall_batch *b = from_tasklet(b, t, flush);

	ovs_upcall_batch_send(b);
}

/* Send this CPU's open batch now: an upcall that goes out alone must not
 * overtake it.
 */
void ovs_upcall_batch_flush_local(void)
{
	struct ovs_upcall_batch *b = this_cpu_ptr(&ovs_upcall_batches);

	if (b->skb)
		ovs_upcall_batch_send(b);
}

/*
 * The buffer to write an upcall of @size payload bytes (as for
 * genlmsg_new()) for @portid of @dp into, opening a batch if needed; NULL
 * when the upcall should go out alone.  A successful write is followed by
 * ovs_upcall_batch_added(); a failed one trims what it wrote.
 */
struct sk_buff *ovs_upcall_batch_room(struct ovs_dp *dp, u32 portid,
				      size_t size)
{
	struct ovs_upcall_batch *b;
	size_t need = genlmsg_total_size(size);

	/* Netpoll sends with IRQs off, where the tasklet cannot run. */
	if (!(dp->user_features & OVSDP_DP_F_UPCALL_BATCH) ||
	    unlikely(irqs_disabled()))
		return NULL;

	b = this_cpu_ptr(&ovs_upcall_batches);
	if (b->skb && (b->dp != dp || b->portid != portid ||
		       skb_tailroom(b->skb) < need))
		ovs_upcall_batch_send(b);
	if (need > OVS_UPCALL_BATCH_MAX_MSG)
		return NULL;
	if (!b->skb) {
		b->skb = alloc_skb(OVS_UPCALL_BATCH_BYTES,
				   GFP_ATOMIC | __GFP_NOWARN);
		if (!b->skb)
			return NULL;	/* alone, in a smaller buffer */
		WRITE_ONCE(b->dp, dp);
		b->portid = portid;
		tasklet_schedule(&b->flush);
	}
	return b->skb;
}

void ovs_upcall_batch_added(void)
{
	this_cpu_ptr(&ovs_upcall_batches)->n++;
}

/*
 * @dp is going: wait until no batch refers to it.  Its ports are gone and
 * it is unlinked, so once the packets in flight are done (a grace period)
 * no new batch can open for it, and an open one is sent by its tasklet
 * soon.  Process context.
 */
void ovs_upcall_batch_forget(struct ovs_dp *dp)
{
	int cpu;

	if (!dp->upcall_batched)
		return;
	synchronize_net();
	for_each_possible_cpu(cpu) {
		struct ovs_upcall_batch *b = per_cpu_ptr(&ovs_upcall_batches,
							 cpu);

		while (READ_ONCE(b->dp) == dp)
			schedule_timeout_uninterruptible(1);
	}
}

void ovs_upcall_batch_init(void)
{
	int cpu;

	for_each_possible_cpu(cpu)
		tasklet_setup(&per_cpu_ptr(&ovs_upcall_batches, cpu)->flush,
			      ovs_upcall_batch_tasklet);
}

/* Every datapath is gone, and with them every batch. */
void ovs_upcall_batch_exit(void)
{
	int cpu;

	for_each_possible_cpu(cpu)
		tasklet_kill(&per_cpu_ptr(&ovs_upcall_batches, cpu)->flush);
}
