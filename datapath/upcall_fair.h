/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Fair shares of one upcall socket among the ports that feed it.
 *
 * In per-CPU dispatch mode every port's misses on a CPU go to the same
 * socket, so one port flooding misses fills it and every other port's new
 * flows are lost with it.  The kernel cannot see how full the socket is
 * before sending, only that a send failed because it was full.  So each
 * socket gets this small state, fed by those failures:
 *
 *  - Until a send fails, and while only one port sends upcalls to the
 *    socket, nothing is restricted: limits would only slow a lone port.
 *  - Once one does, the socket is "congested" until, for a hold time,
 *    nothing was refused and demand stayed within the budget.  Time is cut
 *    into slices; per slice the socket admits at most @budget upcalls,
 *    except that every port may always send a small guaranteed share.  A
 *    port with a few new flows stays within its share and is never shed;
 *    a flooding port gets what is left of the budget.
 *  - The budget tracks what userspace actually drains: it starts at what
 *    was delivered in the slice that filled the socket, and a stretch of
 *    slices without a refusal raises it by a sixteenth.  An overflow soon
 *    after a raise says the level is too high: it is cut by an eighth.  An
 *    overflow at a level that held for a while says the reader stalled
 *    (it was descheduled, or a flow install was slow), which no budget
 *    prevents: it is trimmed by a thirty-second only.  So the budget
 *    hovers at the reader's pace, and the reader is seldom left idle.
 *  - Overflows are expensive: a netlink socket that refused a message
 *    refuses every further one until its reader has emptied it (the
 *    NETLINK_S_CONGESTED state).  So an overflow counts once, however
 *    many refusals it takes to drain, and while it lasts only the
 *    guaranteed shares and one probe per tick are sent: they find out
 *    when it is over, and the rest is shed before a message is built.
 *  - A light port's upcall that meets a full socket is not lost: the
 *    caller keeps it and sends it again, before anything else, once the
 *    socket takes messages (see OVS_FAIR_SEND_KEEP).  The budget is about
 *    throughput; the shares and that queue are what protect light ports.
 *
 * Upcalls shed here are counted as lost, like those the socket refused;
 * shedding them before a message is built also saves the work of building
 * it.  Pure arithmetic on caller-supplied ticks: no locking (the caller
 * serialises), no clock of its own, so it is tested in userspace.
 */
#ifndef OVS_UPCALL_FAIR_H
#define OVS_UPCALL_FAIR_H

#include "portable_env.h"

/* Ports tracked per slice; more distinct ports in one slice are rare, and
 * the untracked ones only get the shared budget.
 */
#define OVS_FAIR_PORTS		8
/* Every tracked port may send this many upcalls per slice, whatever the
 * budget says.
 */
#define OVS_FAIR_MIN_SHARE	2
#define OVS_FAIR_MIN_BUDGET	8
/* Clean slices at one level before the budget is raised (256 ms at HZ=250
 * with 2-tick slices).
 */
#define OVS_FAIR_RAISE_SLICES	32
/* Clean slices after which an overflow is taken for a stall of the reader,
 * not for a budget too high.
 */
#define OVS_FAIR_HELD_SLICES	16

struct ovs_upcall_fair {
	unsigned long slice_start;	/* ticks */
	unsigned long congested_until;	/* ticks; valid if congested */
	unsigned long shared_until;	/* ticks; several ports seen */
	unsigned long last_probe;	/* ticks; while overflowing */
	bool congested;
	bool overflowing;		/* refused since the last delivery */
	bool refused;			/* the socket was full this slice */
	u32 budget;			/* upcalls admitted per slice */
	u32 clean;			/* slices without refusal at budget */
	u32 admitted;			/* in this slice, while congested */
	u32 delivered;			/* in this slice */
	u32 prev_delivered;		/* in the slice before */
	u32 n_ports;
	struct {
		u32 port_no;
		u32 sent;		/* upcalls offered in this slice */
	} ports[OVS_FAIR_PORTS];
	u32 n_heavy;
	u32 heavy[OVS_FAIR_PORTS];	/* beyond their share last slice */
};

struct ovs_fair_params {
	unsigned long slice;		/* ticks per slice, >= 1 */
	unsigned long hold;		/* ticks congestion outlives its cause */
};

void ovs_upcall_fair_init(struct ovs_upcall_fair *f, unsigned long now);

enum ovs_fair_verdict {
	OVS_FAIR_SHED,		/* do not send: counted as lost */
	OVS_FAIR_SEND,
	/*
	 * Within the guaranteed share of a port that was not flooding in
	 * the last slice, while the socket is congested: if the socket
	 * refuses it, it is worth keeping and sending again once there is
	 * room.
	 */
	OVS_FAIR_SEND_KEEP,
};

/* May an upcall from @port_no go to the socket now? */
enum ovs_fair_verdict ovs_upcall_fair_admit(struct ovs_upcall_fair *f,
					    const struct ovs_fair_params *p,
					    u32 port_no, unsigned long now);

/* Refused since the last delivery: a send now would be refused too. */
static inline bool ovs_upcall_fair_overflowing(const struct ovs_upcall_fair *f)
{
	return f->overflowing;
}

/*
 * The outcome of an admitted upcall: 0 delivered, @full true when the
 * socket refused it for lack of room (other errors are not about room).
 */
void ovs_upcall_fair_result(struct ovs_upcall_fair *f,
			    const struct ovs_fair_params *p, bool delivered,
			    bool full, unsigned long now);

#endif /* OVS_UPCALL_FAIR_H */
