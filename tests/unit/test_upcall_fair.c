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
 * all until its reader has emptied it (NETLINK_S_CONGESTED).  In front of
 * it, upcall.c's queue of kept upcalls: those with a SEND_KEEP verdict
 * that met a full socket, sent again each tick before anything new.
 */
#define MODEL_KEPT_MAX	64		/* OVS_KEPT_MAX */
#define MODEL_KEPT_AGE	250		/* OVS_KEPT_AGE, a second */

struct port_stats {
	unsigned long offered, delivered, shed, refused, kept, lost_kept;
};

struct sock_model {
	unsigned int queue, cap, drain;	/* messages; drained per tick */
	bool overrun;
	bool policy;			/* consult ovs_upcall_fair at all */
	struct ovs_upcall_fair fair;
	unsigned int n_kept;
	struct {
		struct port_stats *st;
		unsigned long since;
	} kept[MODEL_KEPT_MAX];
};

/* The socket itself: true if it took the message. */
static bool sock_send(struct sock_model *s, unsigned long now)
{
	bool full = s->overrun || s->queue >= s->cap;

	s->overrun = full;
	if (!full)
		s->queue++;
	if (s->policy)
		ovs_upcall_fair_result(&s->fair, &params, !full, full, now);
	return !full;
}

static void keep(struct sock_model *s, struct port_stats *st,
		 unsigned long now)
{
	if (s->n_kept == MODEL_KEPT_MAX) {
		st->lost_kept++;
		return;
	}
	st->kept++;
	s->kept[s->n_kept].st = st;
	s->kept[s->n_kept++].since = now;
}

/* The retry timer: kept upcalls, oldest first, while the socket takes
 * them; too old ones are lost.
 */
static void retry_kept(struct sock_model *s, unsigned long now)
{
	unsigned int done = 0;

	while (done < s->n_kept) {
		struct port_stats *st = s->kept[done].st;

		if (now - s->kept[done].since > MODEL_KEPT_AGE) {
			st->lost_kept++;
		} else if (sock_send(s, now)) {
			st->delivered++;
		} else {
			break;
		}
		done++;
	}
	s->n_kept -= done;
	memmove(s->kept, s->kept + done, s->n_kept * sizeof(s->kept[0]));
}

/* One upcall from @port at tick @now, as upcall.c would send it. */
static void offer(struct sock_model *s, u32 port, struct port_stats *st,
		  unsigned long now)
{
	enum ovs_fair_verdict v = OVS_FAIR_SEND;

	st->offered++;
	if (s->policy) {
		v = ovs_upcall_fair_admit(&s->fair, &params, port, now);
		/* Kept upcalls go first when there is room again. */
		if (v == OVS_FAIR_SEND && s->n_kept)
			v = OVS_FAIR_SHED;
	}
	if (v == OVS_FAIR_SHED) {
		st->shed++;
		return;
	}
	if (v == OVS_FAIR_SEND_KEEP &&
	    (s->n_kept || ovs_upcall_fair_overflowing(&s->fair))) {
		keep(s, st, now);
		return;
	}
	if (sock_send(s, now)) {
		st->delivered++;
		return;
	}
	st->refused++;
	if (v == OVS_FAIR_SEND_KEEP)
		keep(s, st, now);
}

/* A reader that takes @drain per tick, or varies (see flood_run_jitter). */
static void drain(struct sock_model *s)
{
	s->queue = s->queue > s->drain ? s->queue - s->drain : 0;
	if (!s->queue)
		s->overrun = false;
}

/* What a flood_run_jitter() saw while it measured. */
struct flood_result {
	struct port_stats a, b;
	unsigned long capacity;		/* what the reader could have taken */
	u32 budget_lo, budget_hi;	/* the range the budget moved in */
};

/*
 * Port 1 floods (@a_rate per tick, far beyond what userspace drains);
 * port 2 opens a new flow every 25 ticks (10 per second).  What is
 * measured is the last @measure ticks.  With @jitter the reader's pace
 * varies as a real one's does: 8 to 20 per tick at random, and every 400
 * ticks it stalls for 40 ticks at 4 per tick; otherwise it takes 14.
 */
static void flood_run_jitter(bool policy, unsigned int a_rate,
			     unsigned long ticks, unsigned long measure,
			     bool jitter, struct flood_result *r)
{
	struct sock_model s = { .cap = 165, .drain = 14, .policy = policy };
	struct port_stats junk_a = {}, junk_b = {};
	u32 rnd = 12345;
	unsigned long t;
	unsigned int i;

	ovs_upcall_fair_init(&s.fair, 0);
	memset(r, 0, sizeof(*r));
	r->budget_lo = ~0u;
	for (t = 1; t <= ticks; t++) {
		bool counted = t > ticks - measure;
		struct port_stats *sa = counted ? &r->a : &junk_a;
		struct port_stats *sb = counted ? &r->b : &junk_b;

		if (jitter) {
			rnd = rnd * 1103515245 + 12345;
			s.drain = t % 400 < 40 ? 4 : 8 + (rnd >> 16) % 13;
		}
		if (counted) {
			r->capacity += s.drain;
			r->budget_lo = min(r->budget_lo, s.fair.budget);
			r->budget_hi = max(r->budget_hi, s.fair.budget);
		}
		drain(&s);
		retry_kept(&s, t);
		for (i = 0; i < a_rate; i++) {
			offer(&s, 1, sa, t);
			/* B's packet lands amid A's, at a varying place. */
			if (t % 25 == 0 && i == (t / 25) % a_rate)
				offer(&s, 2, sb, t);
		}
	}
	/* The reader goes on after the traffic: the kept ones go out. */
	for (; s.n_kept && t <= ticks + MODEL_KEPT_AGE; t++) {
		drain(&s);
		retry_kept(&s, t);
	}
}

static void flood_run(bool policy, unsigned int a_rate, unsigned long ticks,
		      unsigned long measure, struct port_stats *a,
		      struct port_stats *b)
{
	struct flood_result r;

	flood_run_jitter(policy, a_rate, ticks, measure, false, &r);
	*a = r.a;
	*b = r.b;
}

/*
 * A reader whose pace varies overflows the socket now and then, however
 * well the budget is chosen.  Each overflow cuts the budget; it must
 * climb back, or the flooding port ends up with a fraction of what the
 * reader could take.  B loses nothing: the few of its upcalls a full
 * socket refuses are kept and sent again.
 */
static void test_flood_with_a_jittery_reader(void)
{
	struct flood_result r;

	flood_run_jitter(true, 60, 20000, 15000, true, &r);
	CHECK(r.b.delivered == r.b.offered, "b delivered %lu of %lu (refused "
	      "%lu, kept %lu, lost %lu, shed %lu)", r.b.delivered,
	      r.b.offered, r.b.refused, r.b.kept, r.b.lost_kept, r.b.shed);
	CHECK(r.a.delivered * 10 >= r.capacity * 9, "a delivered %lu of %lu",
	      r.a.delivered, r.capacity);
}

/*
 * With a steady reader the budget settles near the reader's pace (14 per
 * tick, 28 per slice): under it the reader would idle, far over it every
 * slice would overflow the socket.
 */
static void test_budget_settles_at_the_reader_pace(void)
{
	struct flood_result r;

	flood_run_jitter(true, 60, 10000, 5000, false, &r);
	CHECK(r.budget_lo >= 20 && r.budget_hi <= 40,
	      "budget between %u and %u", r.budget_lo, r.budget_hi);
}

/*
 * While the socket overflows, a flooding port beyond its share gets one
 * probe per tick; the rest is shed before a message is built.
 */
static void test_one_probe_per_tick_while_overflowing(void)
{
	struct ovs_upcall_fair f;
	unsigned long t = 100;
	unsigned int i, sent;

	ovs_upcall_fair_init(&f, t);
	/* Two ports, then the socket fills: limits apply. */
	ovs_upcall_fair_admit(&f, &params, 1, t);
	ovs_upcall_fair_admit(&f, &params, 2, t);
	ovs_upcall_fair_result(&f, &params, false, true, t);
	CHECK(f.congested && ovs_upcall_fair_overflowing(&f));

	t += params.slice;
	for (sent = 0, i = 0; i < 50; i++)
		sent += ovs_upcall_fair_admit(&f, &params, 1, t) !=
			OVS_FAIR_SHED;
	/* The share and one probe. */
	CHECK(sent == OVS_FAIR_MIN_SHARE + 1, "sent %u", sent);
	for (sent = 0, i = 0; i < 50; i++)
		sent += ovs_upcall_fair_admit(&f, &params, 1, t + 1) !=
			OVS_FAIR_SHED;
	CHECK(sent == 1, "sent %u in the next tick", sent);

	/* A probe gets through: the budget applies again. */
	ovs_upcall_fair_result(&f, &params, true, false, t + 1);
	CHECK(!ovs_upcall_fair_overflowing(&f));
	CHECK(ovs_upcall_fair_admit(&f, &params, 1, t + 1) == OVS_FAIR_SEND);
}

/*
 * A reader that keeps up with everything: the budget grows while demand
 * exceeds it, but no further, and then the limits lift.
 */
static void test_budget_grows_only_with_demand(void)
{
	struct ovs_upcall_fair f;
	unsigned long t = 0;
	unsigned int i;

	ovs_upcall_fair_init(&f, t);
	ovs_upcall_fair_admit(&f, &params, 1, t);
	ovs_upcall_fair_admit(&f, &params, 2, t);
	for (i = 0; i < 20; i++)
		ovs_upcall_fair_result(&f, &params, true, false, t);
	ovs_upcall_fair_result(&f, &params, false, true, t);
	CHECK(f.congested && f.budget == 20, "budget %u", f.budget);

	/* 40 per slice from port 1, one from port 2; nothing refused. */
	for (t = params.slice; t < 4000 * params.slice; t += params.slice) {
		for (i = 0; i < 41; i++) {
			if (ovs_upcall_fair_admit(&f, &params, i ? 1 : 2, t) !=
			    OVS_FAIR_SHED)
				ovs_upcall_fair_result(&f, &params, true,
						       false, t);
		}
	}
	CHECK(f.budget > 40 && f.budget <= 40 + 40 / 16 + 1,
	      "budget %u", f.budget);
	CHECK(!f.congested);
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

static void test_new_port_opening_a_slice_is_kept(void)
{
	struct sock_model s = { .cap = 40, .drain = 4, .policy = true };
	struct port_stats st = {};
	unsigned long t;
	unsigned int i, keep_b = 0, b_offers = 0;

	/*
	 * A floods alone, so nothing is shared yet.  B's upcalls come each
	 * as the first of its tick, often the first of a slice too, before
	 * A's, and A pauses (sends one a tick) just before them: still
	 * worth keeping, the socket being congested.
	 */
	ovs_upcall_fair_init(&s.fair, 0);
	for (t = 1; t < 400; t++) {
		drain(&s);
		if (t > 100 && t % 20 == 0) {
			b_offers++;
			keep_b += ovs_upcall_fair_admit(&s.fair, &params, 2, t) ==
				  OVS_FAIR_SEND_KEEP;
		}
		for (i = 0; i < (t % 20 >= 16 ? 1 : 30); i++)
			offer(&s, 1, &st, t);
	}
	CHECK(b_offers > 0 && keep_b == b_offers, "keep_b %u of %u", keep_b,
	      b_offers);
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
	test_flood_with_a_jittery_reader();
	test_budget_settles_at_the_reader_pace();
	test_one_probe_per_tick_while_overflowing();
	test_budget_grows_only_with_demand();
	test_light_load_is_untouched();
	test_congestion_ends_after_hold();
	test_many_ports();
	test_lone_port_is_never_limited();
	test_keep_verdicts();
	test_new_port_opening_a_slice_is_kept();
	test_other_errors_do_not_congest();

	return UNIT_REPORT();
}
