/* SPDX-License-Identifier: GPL-2.0 */
/*
 * RCU, per-CPU data, locks, jiffies, hlists and jhash for userspace builds.
 *
 * Semantics are single-threaded, but chosen so that the tests can still
 * catch the bugs these APIs exist to prevent:
 *
 *  - call_rcu()/kfree_rcu() only queue the callback; nothing runs until a
 *    test calls shim_rcu_barrier() (or rcu_barrier()).  A pointer used
 *    after its deferred free has run is therefore a use-after-free that
 *    ASan reports, and a callback never queued is a leak LSan reports.
 *    synchronize_rcu() and shim_rcu_barrier() assert that no RCU read-side
 *    critical section is open.
 *  - Per-CPU data is modelled as SHIM_NR_CPUS separate allocations.  The
 *    "current CPU" that this_cpu_ptr() and smp_processor_id() resolve to is
 *    set with shim_set_cpu(), so per-CPU caches and per-CPU counter
 *    summation can be exercised.
 *  - jiffies is a plain variable the tests advance by hand.
 */
#ifndef OVSDP_SHIM_RCU_H
#define OVSDP_SHIM_RCU_H

#include <assert.h>

#include "shim_types.h"
#include "shim_alloc.h"

/* Sparse annotations mean nothing to the userspace compilers. */
#ifndef __rcu
#define __rcu
#endif
#ifndef __percpu
#define __percpu
#endif
#ifndef __force
#define __force
#endif
#ifndef __must_check
#define __must_check __attribute__((warn_unused_result))
#endif

#define barrier()	__asm__ __volatile__("" ::: "memory")
#define smp_mb()	__atomic_thread_fence(__ATOMIC_SEQ_CST)
#define smp_wmb()	__atomic_thread_fence(__ATOMIC_RELEASE)
#define smp_rmb()	__atomic_thread_fence(__ATOMIC_ACQUIRE)
#define smp_store_release(p, v) __atomic_store_n(p, v, __ATOMIC_RELEASE)
#define smp_load_acquire(p)	__atomic_load_n(p, __ATOMIC_ACQUIRE)

/* ---- RCU ---------------------------------------------------------- */

struct rcu_head {
	struct rcu_head *next;
	void (*func)(struct rcu_head *head);
	void *shim_base;	/* object to free, for kfree_rcu() */
};

#define callback_head rcu_head
typedef void (*rcu_callback_t)(struct rcu_head *head);

extern int shim_rcu_depth;		/* open read-side sections */
extern unsigned long shim_rcu_gp_seq;	/* completed grace periods */

void call_rcu(struct rcu_head *head, rcu_callback_t func);
void synchronize_rcu(void);
void rcu_barrier(void);
/* End a grace period and run every queued callback (and those they
 * queue).  Returns the number of callbacks run.
 */
unsigned long shim_rcu_barrier(void);
/* Callbacks queued and not yet run. */
unsigned long shim_rcu_pending(void);

void shim_kfree_rcu_cb(struct rcu_head *head);

#define kfree_rcu(ptr, field) do {					\
	__typeof__(ptr) ___p = (ptr);					\
	if (___p) {							\
		___p->field.shim_base = (void *)___p;			\
		call_rcu(&___p->field, shim_kfree_rcu_cb);		\
	}								\
} while (0)
#define kvfree_rcu(ptr, field) kfree_rcu(ptr, field)

static inline void rcu_read_lock(void)
{
	shim_rcu_depth++;
}

static inline void rcu_read_unlock(void)
{
	assert(shim_rcu_depth > 0);
	shim_rcu_depth--;
}

static inline int rcu_read_lock_held(void)
{
	return shim_rcu_depth > 0;
}

#define rcu_read_lock_bh()	rcu_read_lock()
#define rcu_read_unlock_bh()	rcu_read_unlock()
#define rcu_read_lock_bh_held()	rcu_read_lock_held()

/* Grace-period polling: a cookie is the grace period that must complete. */
static inline unsigned long get_state_synchronize_rcu(void)
{
	return shim_rcu_gp_seq + 1;
}

/* A cookie for a grace period that has already completed. */
static inline unsigned long get_completed_synchronize_rcu(void)
{
	return shim_rcu_gp_seq;
}

static inline bool poll_state_synchronize_rcu(unsigned long cookie)
{
	return (long)(shim_rcu_gp_seq - cookie) >= 0;
}

static inline void cond_synchronize_rcu(unsigned long cookie)
{
	if (!poll_state_synchronize_rcu(cookie))
		synchronize_rcu();
}

#define rcu_dereference_raw(p)		READ_ONCE(p)
#define rcu_dereference(p)		READ_ONCE(p)
#define rcu_dereference_bh(p)		READ_ONCE(p)
#define rcu_dereference_check(p, c)	READ_ONCE(p)
#define rcu_dereference_bh_check(p, c)	READ_ONCE(p)
#define rcu_dereference_protected(p, c)	(p)
#define rcu_access_pointer(p)		READ_ONCE(p)
#define rcu_assign_pointer(p, v)	__atomic_store_n(&(p), (v), __ATOMIC_RELEASE)
#define RCU_INIT_POINTER(p, v)		((p) = (v))
#define RCU_INITIALIZER(v)		(v)
#define rcu_replace_pointer(rp, p, c) ({				\
	__typeof__(rp) ___old = (rp);					\
	rcu_assign_pointer(rp, p);					\
	___old;								\
})

/* ---- locks -------------------------------------------------------- */

#define lockdep_is_held(l)		((l)->shim_locked)
#define lockdep_assert_held(l)		assert((l)->shim_locked)
#define lockdep_assert_not_held(l)	assert(!(l)->shim_locked)

typedef struct {
	int shim_locked;
} spinlock_t;

#define __SPIN_LOCK_UNLOCKED(name)	{ 0 }
#define DEFINE_SPINLOCK(name)		spinlock_t name = { 0 }

static inline void spin_lock_init(spinlock_t *l)
{
	l->shim_locked = 0;
}

static inline void spin_lock(spinlock_t *l)
{
	assert(!l->shim_locked);	/* would deadlock */
	l->shim_locked = 1;
}

static inline void spin_unlock(spinlock_t *l)
{
	assert(l->shim_locked);
	l->shim_locked = 0;
}

#define spin_lock_bh(l)			spin_lock(l)
#define spin_unlock_bh(l)		spin_unlock(l)
#define spin_lock_irqsave(l, f)		do { (f) = 0; spin_lock(l); } while (0)
#define spin_unlock_irqrestore(l, f)	do { (void)(f); spin_unlock(l); } while (0)

struct mutex {
	int shim_locked;
};

#define DEFINE_MUTEX(name)	struct mutex name = { 0 }

static inline void mutex_init(struct mutex *m)
{
	m->shim_locked = 0;
}

static inline void mutex_lock(struct mutex *m)
{
	assert(!m->shim_locked);	/* would deadlock */
	m->shim_locked = 1;
}

static inline void mutex_unlock(struct mutex *m)
{
	assert(m->shim_locked);
	m->shim_locked = 0;
}

static inline int mutex_is_locked(struct mutex *m)
{
	return m->shim_locked;
}

static inline void might_sleep(void)
{
	assert(shim_rcu_depth == 0);
}

/* Offers to reschedule, counted so that tests can see long loops do. */
extern unsigned long shim_resched_calls;

static inline int cond_resched(void)
{
	might_sleep();
	shim_resched_calls++;
	return 0;
}

/* ---- per-CPU data ------------------------------------------------- */

#define SHIM_NR_CPUS	4
#define NR_CPUS		SHIM_NR_CPUS
#define nr_cpu_ids	((unsigned int)SHIM_NR_CPUS)
#define PCPU_MIN_UNIT_SIZE (32 << 10)

extern int shim_cur_cpu;

static inline void shim_set_cpu(int cpu)
{
	assert(cpu >= 0 && cpu < SHIM_NR_CPUS);
	shim_cur_cpu = cpu;
}

#define smp_processor_id()	shim_cur_cpu
#define raw_smp_processor_id()	shim_cur_cpu
#define get_cpu()		shim_cur_cpu
#define put_cpu()		do { } while (0)
#define num_possible_cpus()	nr_cpu_ids
#define num_online_cpus()	nr_cpu_ids
#define for_each_possible_cpu(cpu) \
	for ((cpu) = 0; (cpu) < SHIM_NR_CPUS; (cpu)++)
#define for_each_online_cpu(cpu)	for_each_possible_cpu(cpu)
#define cpu_possible(cpu)	((unsigned int)(cpu) < nr_cpu_ids)

#define preempt_disable()	barrier()
#define preempt_enable()	barrier()
#define local_bh_disable()	barrier()
#define local_bh_enable()	barrier()

/*
 * A per-CPU allocation: one separate, zeroed block per simulated CPU.  The
 * __percpu pointer handed out points into a "shadow" of the allocation's
 * size that follows the descriptor: every word of it holds the
 * descriptor's address, scrambled, so that dereferencing a per-CPU
 * pointer without per_cpu_ptr()/this_cpu_ptr() reads garbage rather than
 * silently working, while pointer arithmetic inside the allocation works
 * as in the kernel (per_cpu_ptr(base + i, cpu) is element i of that CPU's
 * copy).
 */
struct shim_percpu {
	unsigned long magic;
	size_t size;
	void *area[SHIM_NR_CPUS];
	unsigned long shadow[];
};

#define SHIM_PERCPU_MAGIC	0x70637075UL

void *__alloc_percpu(size_t size, size_t align);
void free_percpu(void *ptr);
void *shim_per_cpu_ptr(const void *ptr, int cpu);

#define __alloc_percpu_gfp(size, align, gfp)	__alloc_percpu(size, align)
#define alloc_percpu(type) \
	((type *)__alloc_percpu(sizeof(type), __alignof__(type)))
#define alloc_percpu_gfp(type, gfp)	alloc_percpu(type)

#define per_cpu_ptr(ptr, cpu) \
	((__typeof__(ptr))shim_per_cpu_ptr((const void *)(ptr), (cpu)))
#define this_cpu_ptr(ptr)	per_cpu_ptr(ptr, shim_cur_cpu)
#define raw_cpu_ptr(ptr)	this_cpu_ptr(ptr)
#define per_cpu(var, cpu)	(*per_cpu_ptr(&(var), cpu))

#define this_cpu_read(pcp)	(*this_cpu_ptr(&(pcp)))
#define this_cpu_write(pcp, v)	(*this_cpu_ptr(&(pcp)) = (v))
#define this_cpu_add(pcp, v)	(*this_cpu_ptr(&(pcp)) += (v))
#define this_cpu_inc(pcp)	this_cpu_add(pcp, 1)
#define this_cpu_dec(pcp)	this_cpu_add(pcp, -1)
#define __this_cpu_read(pcp)	this_cpu_read(pcp)
#define __this_cpu_write(pcp, v) this_cpu_write(pcp, v)
#define __this_cpu_add(pcp, v)	this_cpu_add(pcp, v)
#define __this_cpu_inc(pcp)	this_cpu_inc(pcp)

/* 64-bit counters read from other CPUs: nothing to sync on a 64-bit host. */
struct u64_stats_sync {
	int shim_unused;
};

#define u64_stats_init(s)		do { (void)(s); } while (0)
#define u64_stats_update_begin(s)	do { (void)(s); } while (0)
#define u64_stats_update_end(s)		do { (void)(s); } while (0)

static inline unsigned int u64_stats_fetch_begin(const struct u64_stats_sync *s)
{
	return 0;
}

static inline bool u64_stats_fetch_retry(const struct u64_stats_sync *s,
					 unsigned int start)
{
	return false;
}

/* ---- jiffies ------------------------------------------------------ */

#define HZ	250
extern unsigned long jiffies;

#define time_after(a, b)	((long)((b) - (a)) < 0)
#define time_before(a, b)	time_after(b, a)
#define time_after_eq(a, b)	((long)((a) - (b)) >= 0)
#define time_before_eq(a, b)	time_after_eq(b, a)

static inline unsigned int jiffies_to_msecs(unsigned long j)
{
	return (unsigned int)(j * (1000 / HZ));
}

static inline unsigned long msecs_to_jiffies(unsigned int ms)
{
	return (ms + (1000 / HZ) - 1) / (1000 / HZ);
}

/* ---- hlist -------------------------------------------------------- */

struct hlist_node {
	struct hlist_node *next;
	struct hlist_node **pprev;
};

struct hlist_head {
	struct hlist_node *first;
};

/* What the kernel leaves in a deleted node, so that reuse faults. */
#define SHIM_LIST_POISON2	((struct hlist_node **)(uintptr_t)0x122)

#define HLIST_HEAD_INIT		{ .first = NULL }
#define HLIST_HEAD(name)	struct hlist_head name = { .first = NULL }
#define INIT_HLIST_HEAD(h)	((h)->first = NULL)

static inline void INIT_HLIST_NODE(struct hlist_node *n)
{
	n->next = NULL;
	n->pprev = NULL;
}

static inline int hlist_unhashed(const struct hlist_node *n)
{
	return !n->pprev;
}

static inline int hlist_empty(const struct hlist_head *h)
{
	return !READ_ONCE(h->first);
}

static inline void hlist_add_head(struct hlist_node *n, struct hlist_head *h)
{
	struct hlist_node *first = h->first;

	n->next = first;
	if (first)
		first->pprev = &n->next;
	h->first = n;
	n->pprev = &h->first;
}

static inline void hlist_add_head_rcu(struct hlist_node *n,
				      struct hlist_head *h)
{
	struct hlist_node *first = h->first;

	n->next = first;
	n->pprev = &h->first;
	__atomic_store_n(&h->first, n, __ATOMIC_RELEASE);
	if (first)
		first->pprev = &n->next;
}

static inline void __hlist_del(struct hlist_node *n)
{
	struct hlist_node *next = n->next;
	struct hlist_node **pprev = n->pprev;

	WRITE_ONCE(*pprev, next);
	if (next)
		next->pprev = pprev;
}

/* Readers may still be on @n, so its next pointer stays intact. */
static inline void hlist_del_rcu(struct hlist_node *n)
{
	__hlist_del(n);
	n->pprev = SHIM_LIST_POISON2;
}

static inline void hlist_del(struct hlist_node *n)
{
	__hlist_del(n);
	n->next = (struct hlist_node *)(uintptr_t)0x100;
	n->pprev = SHIM_LIST_POISON2;
}

static inline void hlist_del_init(struct hlist_node *n)
{
	if (!hlist_unhashed(n)) {
		__hlist_del(n);
		INIT_HLIST_NODE(n);
	}
}

static inline void hlist_del_init_rcu(struct hlist_node *n)
{
	if (!hlist_unhashed(n)) {
		__hlist_del(n);
		n->pprev = NULL;
	}
}

#define hlist_entry(ptr, type, member) container_of(ptr, type, member)
#define hlist_entry_safe(ptr, type, member) ({				\
	__typeof__(ptr) ____ptr = (ptr);				\
	____ptr ? hlist_entry(____ptr, type, member) : NULL;		\
})

#define hlist_for_each_entry(pos, head, member)				\
	for (pos = hlist_entry_safe((head)->first, __typeof__(*(pos)), member); \
	     pos;							\
	     pos = hlist_entry_safe((pos)->member.next, __typeof__(*(pos)), member))

#define hlist_for_each_entry_safe(pos, n, head, member)			\
	for (pos = hlist_entry_safe((head)->first, __typeof__(*(pos)), member); \
	     pos && ({ n = (pos)->member.next; 1; });			\
	     pos = hlist_entry_safe(n, __typeof__(*(pos)), member))

#define hlist_for_each_entry_rcu(pos, head, member, ...)		\
	for (pos = hlist_entry_safe(READ_ONCE((head)->first),		\
				    __typeof__(*(pos)), member);	\
	     pos;							\
	     pos = hlist_entry_safe(READ_ONCE((pos)->member.next),	\
				    __typeof__(*(pos)), member))

/* ---- small helpers the kernel keeps in <linux/log2.h>, <linux/sort.h>,
 * <linux/random.h> and <linux/bitops.h> ----
 */

#ifndef IS_ALIGNED
#define IS_ALIGNED(x, a)	(((x) & ((__typeof__(x))(a) - 1)) == 0)
#endif
#ifndef U32_MAX
#define U32_MAX			((u32)~0U)
#endif

static inline bool is_power_of_2(unsigned long n)
{
	return n && !(n & (n - 1));
}

static inline unsigned long roundup_pow_of_two(unsigned long n)
{
	return n <= 1 ? 1 : 1UL << (64 - __builtin_clzl(n - 1));
}

static inline unsigned int ilog2(unsigned long n)
{
	return 63 - __builtin_clzl(n);
}

static inline u32 rol32(u32 word, unsigned int shift)
{
	return (word << (shift & 31)) | (word >> ((-shift) & 31));
}

static inline u64 rol64(u64 word, unsigned int shift)
{
	return (word << (shift & 63)) | (word >> ((-shift) & 63));
}

#define swap(a, b) do {							\
	__typeof__(a) ___tmp = (a);					\
	(a) = (b);							\
	(b) = ___tmp;							\
} while (0)

u32 get_random_u32(void);

void sort(void *base, size_t num, size_t size,
	  int (*cmp)(const void *, const void *),
	  void (*swap_fn)(void *, void *, int));

/* ---- jhash (Bob Jenkins' lookup3, as <linux/jhash.h> defines it) ---- */

#define JHASH_INITVAL	0xdeadbeef

#define __jhash_mix(a, b, c) do {					\
	a -= c; a ^= rol32(c, 4);  c += b;				\
	b -= a; b ^= rol32(a, 6);  a += c;				\
	c -= b; c ^= rol32(b, 8);  b += a;				\
	a -= c; a ^= rol32(c, 16); c += b;				\
	b -= a; b ^= rol32(a, 19); a += c;				\
	c -= b; c ^= rol32(b, 4);  b += a;				\
} while (0)

#define __jhash_final(a, b, c) do {					\
	c ^= b; c -= rol32(b, 14);					\
	a ^= c; a -= rol32(c, 11);					\
	b ^= a; b -= rol32(a, 25);					\
	c ^= b; c -= rol32(b, 16);					\
	a ^= c; a -= rol32(c, 4);					\
	b ^= a; b -= rol32(a, 14);					\
	c ^= b; c -= rol32(b, 24);					\
} while (0)

u32 jhash(const void *key, u32 length, u32 initval);
u32 jhash2(const u32 *k, u32 length, u32 initval);

static inline u32 shim_jhash_nwords(u32 a, u32 b, u32 c, u32 initval)
{
	a += initval;
	b += initval;
	c += initval;
	__jhash_final(a, b, c);
	return c;
}

static inline u32 jhash_3words(u32 a, u32 b, u32 c, u32 initval)
{
	return shim_jhash_nwords(a, b, c, initval + JHASH_INITVAL + (3 << 2));
}

static inline u32 jhash_2words(u32 a, u32 b, u32 initval)
{
	return shim_jhash_nwords(a, b, 0, initval + JHASH_INITVAL + (2 << 2));
}

static inline u32 jhash_1word(u32 a, u32 initval)
{
	return shim_jhash_nwords(a, 0, 0, initval + JHASH_INITVAL + (1 << 2));
}

#endif /* OVSDP_SHIM_RCU_H */
