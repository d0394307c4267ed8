/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Kernel memory allocation API for userspace builds: kmalloc and friends,
 * kvmalloc, slab caches and the ERR_PTR encoding, all on libc malloc so
 * that ASan sees every object separately.
 *
 * Tests can make an allocation fail on purpose: shim_alloc_fail_nth(n)
 * makes the n-th allocation from now (1 = the next one) return NULL, to
 * exercise error paths.  Every allocation function here, and the per-CPU
 * allocator in shim_rcu.h, goes through shim_alloc_should_fail().
 */
#ifndef OVSDP_SHIM_ALLOC_H
#define OVSDP_SHIM_ALLOC_H

#include <stdio.h>
#include "shim_types.h"

typedef unsigned int gfp_t;

#define GFP_KERNEL	0x01u
#define GFP_ATOMIC	0x02u
#define GFP_NOWAIT	0x04u
#define GFP_KERNEL_ACCOUNT GFP_KERNEL
#define __GFP_ZERO	0x100u
#define __GFP_NOWARN	0x200u

/* Countdown to an injected failure; 0 means none is armed. */
extern unsigned long shim_alloc_fail_countdown;
/* Number of failures injected so far. */
extern unsigned long shim_alloc_failures;

static inline void shim_alloc_fail_nth(unsigned long n)
{
	shim_alloc_fail_countdown = n;
}

static inline bool shim_alloc_should_fail(void)
{
	if (!shim_alloc_fail_countdown)
		return false;
	if (--shim_alloc_fail_countdown)
		return false;
	shim_alloc_failures++;
	return true;
}

static inline void *kmalloc(size_t size, gfp_t flags)
{
	if (shim_alloc_should_fail())
		return NULL;
	/* malloc(0) may return NULL; the kernel returns a valid cookie. */
	if (flags & __GFP_ZERO)
		return calloc(1, size ? size : 1);
	return malloc(size ? size : 1);
}

static inline void *kzalloc(size_t size, gfp_t flags)
{
	return kmalloc(size, flags | __GFP_ZERO);
}

static inline void kfree(const void *p)
{
	free((void *)(uintptr_t)p);
}

static inline size_t shim_size_mul(size_t a, size_t b)
{
	size_t r;

	if (__builtin_mul_overflow(a, b, &r))
		return SIZE_MAX;
	return r;
}

static inline size_t shim_size_add(size_t a, size_t b)
{
	size_t r;

	if (__builtin_add_overflow(a, b, &r))
		return SIZE_MAX;
	return r;
}

#define array_size(a, b)	shim_size_mul(a, b)
#define size_add(a, b)		shim_size_add(a, b)
#define struct_size(p, member, n) \
	shim_size_add(sizeof(*(p)), shim_size_mul(sizeof(*(p)->member), n))
#define flex_array_size(p, member, n) \
	shim_size_mul(sizeof(*(p)->member), n)

static inline void *kmalloc_array(size_t n, size_t size, gfp_t flags)
{
	size_t bytes = shim_size_mul(n, size);

	if (bytes == SIZE_MAX)
		return NULL;
	return kmalloc(bytes, flags);
}

static inline void *kcalloc(size_t n, size_t size, gfp_t flags)
{
	return kmalloc_array(n, size, flags | __GFP_ZERO);
}

static inline void *kmemdup(const void *src, size_t len, gfp_t flags)
{
	void *p = kmalloc(len, flags);

	if (p)
		memcpy(p, src, len);
	return p;
}

#define kvmalloc(size, flags)		kmalloc(size, flags)
#define kvzalloc(size, flags)		kzalloc(size, flags)
#define kvmalloc_array(n, s, flags)	kmalloc_array(n, s, flags)
#define kvcalloc(n, s, flags)		kcalloc(n, s, flags)
#define kvfree(p)			kfree(p)

/* Slab caches: the object size, and a count of live objects so that a
 * cache destroyed with objects still out (or given back to the wrong
 * cache) aborts the test.
 */
struct kmem_cache {
	size_t size;
	long live;
};

#define SLAB_HWCACHE_ALIGN	0x1u
#define SLAB_PANIC		0x2u

static inline struct kmem_cache *kmem_cache_create(const char *name,
						   unsigned int size,
						   unsigned int align,
						   unsigned long flags,
						   void (*ctor)(void *))
{
	struct kmem_cache *c = calloc(1, sizeof(*c));

	if (c)
		c->size = size;
	return c;
}

static inline void kmem_cache_destroy(struct kmem_cache *c)
{
	if (c && c->live) {
		fprintf(stderr, "kmem_cache_destroy: %ld objects of %zu bytes still out\n",
			c->live, c->size);
		abort();
	}
	free(c);
}

static inline void *kmem_cache_alloc(struct kmem_cache *c, gfp_t flags)
{
	void *p = kmalloc(c->size, flags);

	c->live += p != NULL;
	return p;
}

static inline void *kmem_cache_zalloc(struct kmem_cache *c, gfp_t flags)
{
	return kmem_cache_alloc(c, flags | __GFP_ZERO);
}

static inline void kmem_cache_free(struct kmem_cache *c, void *p)
{
	if (!p)
		return;
	c->live--;
	free(p);
}

/* Error pointers: the top page of the address space encodes -errno. */
#define MAX_ERRNO	4095
#define IS_ERR_VALUE(x) ((unsigned long)(void *)(x) >= (unsigned long)-MAX_ERRNO)

static inline void *ERR_PTR(long error)
{
	return (void *)error;
}

static inline long PTR_ERR(const void *ptr)
{
	return (long)ptr;
}

static inline bool IS_ERR(const void *ptr)
{
	return IS_ERR_VALUE((unsigned long)ptr);
}

static inline bool IS_ERR_OR_NULL(const void *ptr)
{
	return !ptr || IS_ERR_VALUE((unsigned long)ptr);
}

static inline void *ERR_CAST(const void *ptr)
{
	return (void *)ptr;
}

static inline int PTR_ERR_OR_ZERO(const void *ptr)
{
	return IS_ERR(ptr) ? (int)PTR_ERR(ptr) : 0;
}

#endif /* OVSDP_SHIM_ALLOC_H */
