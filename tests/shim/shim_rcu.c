// SPDX-License-Identifier: GPL-2.0
/*
 * Userspace RCU, per-CPU allocator, jiffies, sort, random and jhash for
 * the portable datapath code (see shim_rcu.h for the semantics).
 */
#include <stdio.h>

#include "shim_rcu.h"

int shim_rcu_depth;
unsigned long shim_resched_calls;
unsigned long shim_rcu_gp_seq;
int shim_cur_cpu;
unsigned long jiffies = 100000;

/* Queued callbacks, oldest first. */
static struct rcu_head *rcu_pending_head;
static struct rcu_head **rcu_pending_tail = &rcu_pending_head;
static unsigned long rcu_pending_count;

void call_rcu(struct rcu_head *head, rcu_callback_t func)
{
	head->func = func;
	head->next = NULL;
	*rcu_pending_tail = head;
	rcu_pending_tail = &head->next;
	rcu_pending_count++;
}

void synchronize_rcu(void)
{
	/* Waiting for readers from inside a reader deadlocks the kernel. */
	assert(shim_rcu_depth == 0);
	shim_rcu_gp_seq++;
}

unsigned long shim_rcu_barrier(void)
{
	unsigned long ran = 0;

	synchronize_rcu();
	while (rcu_pending_head) {
		struct rcu_head *head = rcu_pending_head;

		rcu_pending_head = head->next;
		if (!rcu_pending_head)
			rcu_pending_tail = &rcu_pending_head;
		rcu_pending_count--;
		head->func(head);
		ran++;
	}
	return ran;
}

void rcu_barrier(void)
{
	shim_rcu_barrier();
}

unsigned long shim_rcu_pending(void)
{
	return rcu_pending_count;
}

void shim_kfree_rcu_cb(struct rcu_head *head)
{
	kfree(head->shim_base);
}

/* Scrambles the descriptor address kept in each word of the shadow. */
#define SHIM_PERCPU_SCRAMBLE	0x5a5a0000a5a50000UL

void *__alloc_percpu(size_t size, size_t align)
{
	size_t words = (size + sizeof(long) - 1) / sizeof(long);
	struct shim_percpu *pcp;
	size_t i;
	int cpu;

	if (shim_alloc_should_fail())
		return NULL;
	if (!words)
		words = 1;
	pcp = calloc(1, sizeof(*pcp) + words * sizeof(long));
	if (!pcp)
		return NULL;
	pcp->magic = SHIM_PERCPU_MAGIC;
	pcp->size = size;
	for (i = 0; i < words; i++)
		pcp->shadow[i] = (unsigned long)pcp ^ SHIM_PERCPU_SCRAMBLE;
	for (cpu = 0; cpu < SHIM_NR_CPUS; cpu++) {
		pcp->area[cpu] = calloc(1, size ? size : 1);
		if (!pcp->area[cpu]) {
			free_percpu(pcp->shadow);
			return NULL;
		}
	}
	return pcp->shadow;
}

/* The allocation a per-CPU pointer (possibly inside it) belongs to. */
static struct shim_percpu *shim_percpu_of(const void *ptr)
{
	const unsigned long *word;
	struct shim_percpu *pcp;

	word = (const unsigned long *)((unsigned long)ptr &
				       ~(sizeof(long) - 1));
	pcp = (struct shim_percpu *)(*word ^ SHIM_PERCPU_SCRAMBLE);
	assert(pcp->magic == SHIM_PERCPU_MAGIC);
	return pcp;
}

void free_percpu(void *ptr)
{
	struct shim_percpu *pcp;
	int cpu;

	if (!ptr)
		return;
	pcp = shim_percpu_of(ptr);
	assert(ptr == (void *)pcp->shadow);	/* not an inner pointer */
	pcp->magic = 0;
	for (cpu = 0; cpu < SHIM_NR_CPUS; cpu++)
		free(pcp->area[cpu]);
	free(pcp);
}

void *shim_per_cpu_ptr(const void *ptr, int cpu)
{
	const struct shim_percpu *pcp = shim_percpu_of(ptr);
	size_t off = (const char *)ptr - (const char *)pcp->shadow;

	assert(off < (pcp->size ? pcp->size : 1));
	assert(cpu >= 0 && cpu < SHIM_NR_CPUS);
	return (char *)pcp->area[cpu] + off;
}

/* Deterministic, so that a failing test run can be repeated exactly. */
u32 get_random_u32(void)
{
	static u64 state = 0x853c49e6748fea9bULL;

	state ^= state << 13;
	state ^= state >> 7;
	state ^= state << 17;
	return (u32)(state >> 16);
}

/* qsort() has no swap callback, and none of our callers need one. */
void sort(void *base, size_t num, size_t size,
	  int (*cmp)(const void *, const void *),
	  void (*swap_fn)(void *, void *, int))
{
	assert(!swap_fn);
	qsort(base, num, size, cmp);
}

static u32 get_unaligned_le32_bytes(const u8 *p)
{
	return (u32)p[0] | (u32)p[1] << 8 | (u32)p[2] << 16 | (u32)p[3] << 24;
}

u32 jhash(const void *key, u32 length, u32 initval)
{
	const u8 *k = key;
	u32 a, b, c;

	a = b = c = JHASH_INITVAL + length + initval;
	while (length > 12) {
		a += get_unaligned_le32_bytes(k);
		b += get_unaligned_le32_bytes(k + 4);
		c += get_unaligned_le32_bytes(k + 8);
		__jhash_mix(a, b, c);
		length -= 12;
		k += 12;
	}
	/* The last 1..12 bytes, little-endian, missing bytes as zero. */
	switch (length) {
	case 12: c += (u32)k[11] << 24; /* fall through */
	case 11: c += (u32)k[10] << 16; /* fall through */
	case 10: c += (u32)k[9] << 8; /* fall through */
	case 9:  c += k[8]; /* fall through */
	case 8:  b += (u32)k[7] << 24; /* fall through */
	case 7:  b += (u32)k[6] << 16; /* fall through */
	case 6:  b += (u32)k[5] << 8; /* fall through */
	case 5:  b += k[4]; /* fall through */
	case 4:  a += (u32)k[3] << 24; /* fall through */
	case 3:  a += (u32)k[2] << 16; /* fall through */
	case 2:  a += (u32)k[1] << 8; /* fall through */
	case 1:  a += k[0];
		__jhash_final(a, b, c);
		break;
	case 0:
		break;
	}
	return c;
}

u32 jhash2(const u32 *k, u32 length, u32 initval)
{
	u32 a, b, c;

	a = b = c = JHASH_INITVAL + (length << 2) + initval;
	while (length > 3) {
		a += k[0];
		b += k[1];
		c += k[2];
		__jhash_mix(a, b, c);
		length -= 3;
		k += 3;
	}
	switch (length) {
	case 3: c += k[2]; /* fall through */
	case 2: b += k[1]; /* fall through */
	case 1: a += k[0];
		__jhash_final(a, b, c);
		break;
	case 0:
		break;
	}
	return c;
}
