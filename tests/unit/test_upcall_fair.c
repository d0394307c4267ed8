// SPDX-License-Identifier: GPL-2.0
/*
 * Host tests of the upcall socket sharing policy (datapath/upcall_fair.c),
 * against a model of the socket: a queue of bounded length that userspace
 * drains at a fixed rate, fed by ports that offer upcalls each tick.
 */
#include "portable_env.h"
#include "upcall_fair.h"
#include "unit_check.h"

/* Ticks are jiffies at HZ=250: slices of 2 ticks, congestion held 1 s. */
static const struct ovs_fair_params params = { .slice = 2, .hold = 250 };

/*
 * A netlink socket: once it refuses a message for lack of room it refuses
 * all until its reader has emptied it (NETLINK_S_CONGESTED).
 */
struct sock_model {
	unsigned int queue, cap, drain;	/* messages; drained per tick */
	bool overrun;
	bool policy;			/* consult ovs_upcall_fair at all */
	struct ovs_upcall_fair fair;
};

struct port_stats {
	unsigned long offered, delivered, shed, refused;
};

/* One upcall from @port at tick @now, as upcall.c would send it. */
static void offer(struct sock_model *s, u32 port, struct port_stats *st,
		  unsigned long now)
{
	bool full;

	st->offered++;
	if (s->policy && ovs_upcall_fair_admit(&s->fair, &params, port,
					       now) == OVS_FAIR_SHED) {
		st->shed++;
		return;
	}
	full = s->overrun || s->queue >= s->cap;
	s->overrun = full;
	if (full)
		st->refused++;
	else
		s->queue++;
	st->delivered += !full;
	if (s->policy)
		ovs_upcall_fair_result(&s->fair, &params, !full, full, now);
}

static void drain(struct sock_model *s)
{
	s->queue = s->queue > s->drain ? s->queue - s->drain : 0;
	if (!s->queue)
		s->overrun = false;
}

/*
 * Port 1 floods (@a_rate per tick, far beyond what userspace drains);
 * port 2 opens a new flow every 25 ticks (10 per second).  Returns the
 * stats of the last @measure ticks.
 */
static void flood_run(bool policy, unsigned int a_rate, unsigned long ticks,
		      unsigned long measure, struct port_stats *a,
		      struct port_stats *b)
{
	struct sock_model s = { .cap = 165, .drain = 14, .policy = policy };
	struct port_stats junk_a = {}, junk_b = {};
	unsigned long t;
	unsigned int i;

	ovs_upcall_fair_init(&s.fair, 0);
	memset(a, 0, sizeof(*a));
	memset(b, 0, sizeof(*b));
	for (t = 1; t <= ticks; t++) {
		bool counted = t > ticks - measure;
		struct port_stats *sa = counted ? a : &junk_a;
		struct port_stats *sb = counted ? b : &junk_b;

		drain(&s);
		for (i = 0; i < a_rate; i++) {
			offer(&s, 1, sa, t);
			/* B's packet lands amid A's, at a varying place. */
			if (t % 25 == 0 && i == (t / 25) % a_rate)
				offer(&s, 2, sb, t);
		}
	}
}

static void test_without_policy_the_flood_starves_b(void)
{
	struct port_stats a, b;

	/* The model itself: without the policy B loses most upcalls. */
	flood_run(false, 60, 2500, 2000, &a, &b);
	CHECK(b.offered == 80, "b offered %lu", b.offered);
	CHECK(b.refused > b.offered / 2, "b refused %lu of %lu", b.refused,
	      b.offered);
}

static void test_flood_leaves_room_for_b(void)
{
	struct port_stats a, b;
	unsigned long capacity = 2000 * 14;

	flood_run(true, 60, 2500, 2000, &a, &b);
	CHECK(b.offered == 80);
	CHECK(b.delivered == b.offered, "b delivered %lu of %lu (refused %lu"
	      ", shed %lu)", b.delivered, b.offered, b.refused, b.shed);
	/* A still gets most of what userspace can take. */
	CHECK(a.delivered * 10 >= capacity * 8, "a delivered %lu of %lu",
	      a.delivered, capacity);
	CHECK(a.shed > 0 && a.refused < a.offered / 100,
	      "a shed %lu refused %lu", a.shed, a.refused);
}

static void test_light_load_is_untouched(void)
{
	struct port_stats a, b;

	/* 10 per tick from A drains fine: nothing is ever shed. */
	flood_run(true, 10, 2500, 2500, &a, &b);
	CHECK(a.shed == 0 && a.refused == 0 && b.shed == 0);
	CHECK(a.delivered == a.offered && b.delivered == b.offered);
}

static void test_congestion_ends_after_hold(void)
{
	struct sock_model s = { .cap = 50, .drain = 5, .policy = true };
	struct port_stats st = {};
	unsigned long t;
	unsigned int i;

	ovs_upcall_fair_init(&s.fair, 1000);
	for (t = 1000; t < 1100; t++) {
		drain(&s);
		for (i = 0; i < 40; i++)
			offer(&s, 7 + i % 2, &st, t);
	}
	CHECK(s.fair.congested && st.shed > 0);
	/* Quiet for longer than the hold: all restrictions are gone. */
	for (; t < 1100 + params.hold + 10; t++)
		drain(&s);
	memset(&st, 0, sizeof(st));
	for (i = 0; i < 30; i++)
		offer(&s, 7, &st, t);
	CHECK(!s.fair.congested && st.shed == 0 && st.delivered == 30,
	      "shed %lu delivered %lu", st.shed, st.delivered);
}

static void test_many_ports(void)
{
	struct sock_model s = { .cap = 100, .drain = 10, .policy = true };
	struct port_stats st[20] = {};
	unsigned long t;
	unsigned int p;

	/* More ports than are tracked: the extra ones share the budget,
	 * nobody is starved completely, and the queue never overflows for
	 * long.
	 */
	ovs_upcall_fair_init(&s.fair, 0);
	for (t = 1; t <= 2000; t++) {
		drain(&s);
		for (p = 0; p < 20; p++) {
			offer(&s, p + 1, &st[p], t);
			offer(&s, p + 1, &st[p], t);
		}
	}
	for (p = 0; p < 20; p++)
		CHECK(st[p].delivered > 0, "port %u got nothing", p + 1);
	CHECK(s.fair.n_ports <= OVS_FAIR_PORTS);
	CHECK(s.fair.budget >= OVS_FAIR_MIN_BUDGET);
}

static void test_lone_port_is_never_limited(void)
{
	struct sock_model s = { .cap = 50, .drain = 5, .policy = true };
	struct port_stats st = {};
	unsigned long t;
	unsigned int i;

	/* One port alone on a full socket: refusals, but never shedding. */
	ovs_upcall_fair_init(&s.fair, 0);
	for (t = 1; t < 1000; t++) {
		drain(&s);
		for (i = 0; i < 40; i++)
			offer(&s, 4, &st, t);
	}
	CHECK(st.shed == 0 && st.refused > 0, "shed %lu refused %lu",
	      st.shed, st.refused);
}

static void test_keep_verdicts(void)
{
	struct sock_model s = { .cap = 40, .drain = 4, .policy = true };
	struct port_stats st = {};
	unsigned long t;
	unsigned int i, keep_a = 0, keep_b = 0, b_offers = 0;

	/* Under limits, B's rare upcalls are worth keeping; A's never are
	 * once it has been seen flooding, even within its share.
	 */
	ovs_upcall_fair_init(&s.fair, 0);
	for (t = 1; t < 400; t++) {
		drain(&s);
		for (i = 0; i < 30; i++)
			offer(&s, 1, &st, t);
		if (t > 100 && t % 10 == 0) {
			b_offers++;
			keep_b += ovs_upcall_fair_admit(&s.fair, &params, 2, t) ==
				  OVS_FAIR_SEND_KEEP;
		}
		if (t > 100)
			keep_a += ovs_upcall_fair_admit(&s.fair, &params, 1, t) ==
				  OVS_FAIR_SEND_KEEP;
	}
	CHECK(b_offers > 0 && keep_b == b_offers, "keep_b %u of %u", keep_b,
	      b_offers);
	CHECK(keep_a == 0, "keep_a %u", keep_a);
}

static void test_other_errors_do_not_congest(void)
{
	struct ovs_upcall_fair f;
	unsigned int i;

	ovs_upcall_fair_init(&f, 0);
	for (i = 0; i < 100; i++) {
		CHECK(ovs_upcall_fair_admit(&f, &params, 3, i / 10) ==
		      OVS_FAIR_SEND);
		ovs_upcall_fair_result(&f, &params, false, false, i / 10);
	}
	CHECK(!f.congested);
}

int main(void)
{
	test_without_policy_the_flood_starves_b();
	test_flood_leaves_room_for_b();
	test_light_load_is_untouched();
	test_congestion_ends_after_hold();
	test_many_ports();
	test_lone_port_is_never_limited();
	test_keep_verdicts();
	test_other_errors_do_not_congest();

	return UNIT_REPORT();
}
