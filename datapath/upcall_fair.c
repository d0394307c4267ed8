// SPDX-License-Identifier: GPL-2.0
/*
 * Fair shares of an upcall socket: see upcall_fair.h for the policy.
 */
#include "portable_env.h"

#include "upcall_fair.h"

void ovs_upcall_fair_init(struct ovs_upcall_fair *f, unsigned long now)
{
	memset(f, 0, sizeof(*f));
	f->slice_start = now;
	/* Not zero: jiffies start just below a wrap on 32-bit. */
	f->congested_until = now;
	f->shared_until = now;
	f->budget = OVS_FAIR_MIN_BUDGET;
	f->last_probe = now;
}

/* Start a new slice if the current one is over. */
static void ovs_fair_roll(struct ovs_upcall_fair *f,
			  const struct ovs_fair_params *p, unsigned long now)
{
	u32 i;

	if (now - f->slice_start < p->slice)
		return;

	/*
	 * A hold without refusals or shedding ends congestion, and with it
	 * an overflow no send has seen end: nothing was sent meanwhile.
	 */
	if (f->congested && time_after_eq(now, f->congested_until)) {
		f->congested = false;
		f->overflowing = false;
	}
	/*
	 * A whole slice without a refusal: userspace keeps up.  A stretch
	 * of them raises the budget towards the reader's pace, if demand
	 * used it up (so it never grows past what the ports offer).
	 */
	if (f->congested && !f->overflowing && !f->refused) {
		if (f->clean < OVS_FAIR_RAISE_SLICES)
			f->clean++;
		if (f->clean == OVS_FAIR_RAISE_SLICES &&
		    f->admitted >= f->budget) {
			f->budget += max_t(u32, 1, f->budget / 16);
			f->clean = 0;
		}
	}

	if (f->n_ports > 1)
		f->shared_until = now + p->hold;
	f->n_heavy = 0;
	for (i = 0; i < f->n_ports; i++)
		if (f->ports[i].sent > OVS_FAIR_MIN_SHARE)
			f->heavy[f->n_heavy++] = f->ports[i].port_no;
	f->prev_delivered = f->delivered;
	f->slice_start = now;
	f->admitted = 0;
	f->delivered = 0;
	f->refused = false;
	f->n_ports = 0;
}

/*
 * Limits apply while the socket is congested and other ports want it too:
 * a single port flooding its own socket is only slowed down by limits, so
 * it gets what a plain socket gives.
 */
static bool ovs_fair_restricting(const struct ovs_upcall_fair *f,
				 unsigned long now)
{
	return f->congested && (f->n_ports > 1 ||
				time_before(now, f->shared_until));
}

static u32 *ovs_fair_port_sent(struct ovs_upcall_fair *f, u32 port_no)
{
	u32 i;

	for (i = 0; i < f->n_ports; i++)
		if (f->ports[i].port_no == port_no)
			return &f->ports[i].sent;
	if (f->n_ports == OVS_FAIR_PORTS)
		return NULL;
	f->ports[f->n_ports].port_no = port_no;
	f->ports[f->n_ports].sent = 0;
	return &f->ports[f->n_ports++].sent;
}

static bool ovs_fair_was_heavy(const struct ovs_upcall_fair *f, u32 port_no)
{
	u32 i;

	for (i = 0; i < f->n_heavy; i++)
		if (f->heavy[i] == port_no)
			return true;
	return false;
}

enum ovs_fair_verdict ovs_upcall_fair_admit(struct ovs_upcall_fair *f,
					    const struct ovs_fair_params *p,
					    u32 port_no, unsigned long now)
{
	enum ovs_fair_verdict share;
	u32 *sent;

	ovs_fair_roll(f, p, now);
	sent = ovs_fair_port_sent(f, port_no);
	if (sent)
		(*sent)++;
	if (!f->congested)
		return OVS_FAIR_SEND;

	/*
	 * Within its share, a port that was not flooding is worth keeping
	 * whether or not limits apply yet: its upcall may well open a slice
	 * before the flooding port's next one, so that nothing shows yet
	 * that the socket is shared.
	 */
	share = sent && *sent <= OVS_FAIR_MIN_SHARE &&
		!ovs_fair_was_heavy(f, port_no) ? OVS_FAIR_SEND_KEEP :
		OVS_FAIR_SEND;
	if (!ovs_fair_restricting(f, now))
		return share;

	/*
	 * The guaranteed share first (while the socket overflows, these
	 * are also what finds out that it has room again), then whatever
	 * the budget has left.
	 */
	if (sent && *sent <= OVS_FAIR_MIN_SHARE) {
		f->admitted++;
		return share;
	}
	if (!f->overflowing && f->admitted < f->budget) {
		f->admitted++;
		return OVS_FAIR_SEND;
	}
	/*
	 * While the socket overflows, one upcall per tick finds out whether
	 * the reader has emptied it, so that the reader does not wait long
	 * for work once it has.
	 */
	if (f->overflowing && now != f->last_probe) {
		f->last_probe = now;
		return OVS_FAIR_SEND;
	}
	/* Demand still exceeds the budget: lifting the limits now would
	 * only fill the socket again.
	 */
	f->congested_until = now + p->hold;
	return OVS_FAIR_SHED;
}

void ovs_upcall_fair_result(struct ovs_upcall_fair *f,
			    const struct ovs_fair_params *p, bool delivered,
			    bool full, unsigned long now)
{
	ovs_fair_roll(f, p, now);
	if (delivered) {
		f->delivered++;
		f->overflowing = false;
		return;
	}
	if (!full)
		return;

	f->refused = true;
	f->congested_until = now + p->hold;
	if (f->overflowing)
		return;		/* the same overflow, still draining */

	f->overflowing = true;
	if (!ovs_fair_restricting(f, now)) {
		/*
		 * What went through just before the socket filled is the
		 * estimate of what userspace drains, should limits start;
		 * it is high (the queue was filling), and the cuts below
		 * bring it down.
		 */
		f->congested = true;
		f->budget = max_t(u32, max_t(u32, f->delivered,
					     f->prev_delivered),
				  OVS_FAIR_MIN_BUDGET);
		f->clean = 0;
		return;
	}
	/*
	 * An overflow soon after a raise: the level is too high.  One at a
	 * level that held for a while: the reader stalled, which no budget
	 * prevents.  Either way the budget need not drop further for the
	 * socket to drain: a full netlink socket takes nothing until its
	 * reader has emptied it.
	 */
	f->budget -= f->budget / (f->clean >= OVS_FAIR_HELD_SLICES ? 32 : 8);
	f->budget = max_t(u32, OVS_FAIR_MIN_BUDGET, f->budget);
	f->clean = 0;
}
