// SPDX-License-Identifier: GPL-2.0
/*
 * The exported allocation functions. Preloaded, they interpose the
 * allocator (glibc's, or jemalloc's in a process linked with it); injected,
 * inject.c points the GOT slots of loaded objects at them. Each one: the
 * countdown decides (core.h), the unsampled call goes straight to the real
 * function, a sampled one gets pages of its own in the arena. Every path
 * that takes a pointer recognises the arena's by address first.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <malloc.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../../include/heapmon/sites.h"
#include "core.h"
#include "inject.h"

/* jemalloc's flags (jemalloc/jemalloc.h): MALLOCX_LG_ALIGN and MALLOCX_ZERO. */
#define HM_MALLOCX_ALIGN(flags)	((flags) & 0x3f ? (size_t)1 << ((flags) & 0x3f) : 0)
#define HM_MALLOCX_ZERO		0x40

#define HM_MIN(a, b)		((a) < (b) ? (a) : (b))

/* The address of each entry point, for the GOT patcher: never the PLT's. */
#define HM_ALIAS(name) \
	extern __typeof__(name) hm_##name __attribute__((alias(#name), visibility("hidden"), copy(name)))

static void *boot_or_null(size_t size)
{
	void *p = hm_boot_alloc(size);

	if (!p)
		errno = ENOMEM;
	return p;
}

/*
 * A sampled allocation: the arena's pages, or, when the arena is full, the
 * real allocator's (real_alloc, with its arguments), recorded as shared.
 */
#define SAMPLED(size, align, flags, weight, real_call) ({			\
	struct hm_pending pd_;							\
	void *p_ = hm_take((size), (align), (flags), (weight), &pd_);	\
	if (!p_) {								\
		p_ = (real_call);						\
		if (pd_.shared)							\
			hm_commit_shared(&pd_, p_);				\
	}									\
	p_;									\
})

static void *alloc_flags(size_t size, uint32_t flags)
{
	uint64_t w;

	switch (hm_sample(size, &w)) {
	case HM_REAL:
		return hm_real.malloc(size);
	case HM_BOOT:
		return boot_or_null(size);
	}
	return SAMPLED(size, 0, flags, w, hm_real.malloc(size));
}

HM_EXPORT void *malloc(size_t size)
{
	uint64_t w;

	switch (hm_sample(size, &w)) {
	case HM_REAL:
		return hm_real.malloc(size);
	case HM_BOOT:
		return boot_or_null(size);
	}
	return SAMPLED(size, 0, 0, w, hm_real.malloc(size));
}

/* The slow side of free: before setup, or while shared samples live. */
static void free_slow(void *p)
{
	if (!p || hm_is_boot(p))
		return;
	if (hm_shared_live)
		hm_forget_shared(p);
	if (!hm_real.free)
		hm_resolve_real();
	if (hm_real.free)
		hm_real.free(p);
}

HM_EXPORT void free(void *p)
{
	if (hm_in_arena(p)) {
		hm_free_arena(p);
		return;
	}
	if (likely(!hm_shared_live && hm_real.free && !hm_is_boot(p)))
		hm_real.free(p);
	else
		free_slow(p);
}

HM_EXPORT void *calloc(size_t n, size_t size)
{
	size_t total;
	uint64_t w;
	void *p;

	if (__builtin_mul_overflow(n, size, &total)) {
		errno = ENOMEM;
		return NULL;
	}
	switch (hm_sample(total, &w)) {
	case HM_REAL:
		return hm_real.calloc(n, size);
	case HM_BOOT:
		/* The bootstrap buffer is static: still zero. */
		return boot_or_null(total);
	}
	/* Arena pages are zero: fresh, or given back with MADV_DONTNEED. */
	p = SAMPLED(total, 0, HM_SITES_REC_ZEROED, w, hm_real.calloc(n, size));
	return p;
}

HM_EXPORT size_t malloc_usable_size(void *p)
{
	if (hm_in_arena(p))
		return hm_usable_arena(p);
	if (!p)
		return 0;
	if (hm_is_boot(p))
		return hm_boot_size(p);
	if (!hm_real.malloc_usable_size)
		hm_resolve_real();
	return hm_real.malloc_usable_size(p);
}

/* Moves the object at p (old usable bytes) to q, and frees p. */
static void *move(void *q, void *p, size_t old, size_t size)
{
	if (q) {
		memcpy(q, p, HM_MIN(old, size));
		free(p);
	}
	return q;
}

HM_EXPORT void *realloc(void *p, size_t size)
{
	uint64_t w;

	if (!p)
		return alloc_flags(size, 0);
	if (hm_in_arena(p) || hm_is_boot(p)) {
		size_t old = hm_is_boot(p) ? hm_boot_size(p) : hm_usable_arena(p);

		if (!size) {
			free(p);
			return NULL;
		}
		/* A new allocation; the countdown decides whether it is sampled. */
		return move(alloc_flags(size, HM_SITES_REC_REALLOC), p, old, size);
	}
	if (unlikely(hm_shared_live))
		hm_forget_shared(p);
	if (!size)
		return hm_real.realloc(p, 0);
	switch (hm_sample(size, &w)) {
	case HM_REAL:
		return hm_real.realloc(p, size);
	case HM_BOOT:
		return NULL;	/* a real pointer before the real functions: impossible */
	}
	{
		struct hm_pending pd;
		void *q = hm_take(size, 0, HM_SITES_REC_REALLOC, w, &pd);

		if (q) {
			/* Moved to the arena: copy what the old object had. */
			memcpy(q, p, HM_MIN(hm_real.malloc_usable_size(p), size));
			hm_real.free(p);
			return q;
		}
		q = hm_real.realloc(p, size);
		if (pd.shared)
			hm_commit_shared(&pd, q);
		return q;
	}
}

HM_EXPORT void *reallocarray(void *p, size_t n, size_t size)
{
	size_t total;

	if (__builtin_mul_overflow(n, size, &total)) {
		errno = ENOMEM;
		return NULL;
	}
	return realloc(p, total);
}

/* Aligned allocations: align is a power of two here. */
static void *aligned(size_t align, size_t size, int (*real)(size_t, size_t, void **))
{
	uint64_t w;

	switch (hm_sample(size, &w)) {
	case HM_REAL:
		break;
	case HM_BOOT:
		return NULL;
	default:
		return SAMPLED(size, align, HM_SITES_REC_ALIGNED, w, ({
			void *r_ = NULL;
			real(align, size, &r_);
			r_;
		}));
	}
	{
		void *r = NULL;

		errno = real(align, size, &r) ?: errno;
		return r;
	}
}

static int real_posix_memalign(size_t align, size_t size, void **out)
{
	return hm_real.posix_memalign(out, align, size);
}

static int real_aligned_alloc(size_t align, size_t size, void **out)
{
	*out = hm_real.aligned_alloc(align, size);
	return *out ? 0 : errno;
}

static int real_memalign(size_t align, size_t size, void **out)
{
	*out = hm_real.memalign(align, size);
	return *out ? 0 : errno;
}

static int pow2(size_t x)
{
	return x && !(x & (x - 1));
}

HM_EXPORT int posix_memalign(void **out, size_t align, size_t size)
{
	int saved = errno;
	void *p;

	if (!pow2(align) || align % sizeof(void *))
		return EINVAL;
	p = aligned(align, size, real_posix_memalign);
	if (!p)
		return errno == saved ? ENOMEM : errno;
	*out = p;
	errno = saved;
	return 0;
}

/*
 * As glibc (2.36: aligned_alloc is memalign): a non-power of two is rounded
 * up; one beyond the largest power of two is EINVAL (rounding would wrap).
 */
static size_t round_align(size_t align)
{
	if (align > SIZE_MAX / 2 + 1)
		return 0;
	while (!pow2(align))
		align = align ? align + (align & -align) : 1;
	return align;
}

/* aligned() with the alignment rounded up as glibc does it, EINVAL past that. */
static void *aligned_rounded(size_t align, size_t size, int (*real)(size_t, size_t, void **))
{
	align = round_align(align);
	if (!align) {
		errno = EINVAL;
		return NULL;
	}
	return aligned(align, size, real);
}

HM_EXPORT void *aligned_alloc(size_t align, size_t size)
{
	return aligned_rounded(align, size, real_aligned_alloc);
}

HM_EXPORT void *memalign(size_t align, size_t size)
{
	return aligned_rounded(align, size, real_memalign);
}

HM_EXPORT void *valloc(size_t size)
{
	return aligned(HM_PAGE, size, real_memalign);
}

HM_EXPORT void *pvalloc(size_t size)
{
	size_t rounded = (size + HM_PAGE - 1) & ~(HM_PAGE - 1);

	if (size > SIZE_MAX - (HM_PAGE - 1)) {
		/* Rounding would wrap to a page. */
		errno = ENOMEM;
		return NULL;
	}
	return aligned(HM_PAGE, rounded ? rounded : HM_PAGE, real_memalign);
}

/*
 * jemalloc's API. With jemalloc in the process these wrap its functions;
 * without, they are emulated over the standard ones, so that a program that
 * finds them (weak references) still works.
 */

static void *real_mallocx(size_t size, int flags)
{
	size_t align = HM_MALLOCX_ALIGN(flags);
	void *p = NULL;

	if (hm_real.mallocx)
		return hm_real.mallocx(size, flags);
	if (align > 16) {
		if (hm_real.posix_memalign(&p, align, size))
			return NULL;
	} else {
		p = hm_real.malloc(size);
	}
	if (p && (flags & HM_MALLOCX_ZERO))
		memset(p, 0, size);
	return p;
}

HM_EXPORT void *mallocx(size_t size, int flags)
{
	uint64_t w;

	if (likely(hm_sample(size, &w) == HM_REAL))
		return real_mallocx(size, flags);
	if (!hm_real.malloc)
		return NULL;
	return SAMPLED(size, HM_MALLOCX_ALIGN(flags),
		       HM_MALLOCX_ALIGN(flags) ? HM_SITES_REC_ALIGNED : 0, w,
		       real_mallocx(size, flags));
}

HM_EXPORT size_t sallocx(const void *p, int flags)
{
	if (hm_in_arena(p))
		return hm_usable_arena(p);
	if (hm_real.sallocx)
		return hm_real.sallocx(p, flags);
	return malloc_usable_size((void *)p);
}

HM_EXPORT void dallocx(void *p, int flags)
{
	if (hm_in_arena(p)) {
		hm_free_arena(p);
		return;
	}
	if (unlikely(hm_shared_live))
		hm_forget_shared(p);
	if (hm_real.dallocx)
		hm_real.dallocx(p, flags);
	else
		free(p);
}

HM_EXPORT void sdallocx(void *p, size_t size, int flags)
{
	if (hm_in_arena(p)) {
		hm_free_arena(p);
		return;
	}
	if (unlikely(hm_shared_live))
		hm_forget_shared(p);
	if (hm_real.sdallocx)
		hm_real.sdallocx(p, size, flags);
	else
		free(p);
}

HM_EXPORT void *rallocx(void *p, size_t size, int flags)
{
	uint64_t w;

	if (hm_in_arena(p))
		return move(mallocx(size, flags), p, hm_usable_arena(p), size);
	if (unlikely(hm_shared_live))
		hm_forget_shared(p);
	if (likely(hm_sample(size, &w) == HM_REAL) || !hm_real.malloc) {
		if (hm_real.rallocx)
			return hm_real.rallocx(p, size, flags);
		if (HM_MALLOCX_ALIGN(flags) > 16)
			return move(real_mallocx(size, flags), p,
				    hm_real.malloc_usable_size(p), size);
		return hm_real.realloc(p, size);
	}
	{
		struct hm_pending pd;
		void *q = hm_take(size, HM_MALLOCX_ALIGN(flags), HM_SITES_REC_REALLOC, w, &pd);

		if (q) {
			memcpy(q, p, HM_MIN(sallocx(p, 0), size));
			dallocx(p, 0);
			return q;
		}
		q = hm_real.rallocx ? hm_real.rallocx(p, size, flags) : hm_real.realloc(p, size);
		if (pd.shared)
			hm_commit_shared(&pd, q);
		return q;
	}
}

HM_EXPORT size_t xallocx(void *p, size_t size, size_t extra, int flags)
{
	/* An arena run does not grow in place: its size stays. */
	if (hm_in_arena(p))
		return hm_usable_arena(p);
	if (hm_real.xallocx)
		return hm_real.xallocx(p, size, extra, flags);
	return malloc_usable_size(p);
}

HM_EXPORT size_t nallocx(size_t size, int flags)
{
	size_t align = HM_MALLOCX_ALIGN(flags);

	if (hm_real.nallocx)
		return hm_real.nallocx(size, flags);
	align = align > 16 ? align : 16;
	return size ? (size + align - 1) & ~(align - 1) : 0;
}

HM_ALIAS(malloc);
HM_ALIAS(free);
HM_ALIAS(calloc);
HM_ALIAS(realloc);
HM_ALIAS(reallocarray);
HM_ALIAS(posix_memalign);
HM_ALIAS(aligned_alloc);
HM_ALIAS(memalign);
HM_ALIAS(valloc);
HM_ALIAS(pvalloc);
HM_ALIAS(malloc_usable_size);
HM_ALIAS(mallocx);
HM_ALIAS(rallocx);
HM_ALIAS(xallocx);
HM_ALIAS(sallocx);
HM_ALIAS(dallocx);
HM_ALIAS(sdallocx);
HM_ALIAS(nallocx);

size_t hm_hooks_fill(struct hm_got_hook *h)
{
	size_t n = 0;

#define HOOK(name) (h[n++] = (struct hm_got_hook){ #name, (void *)hm_##name })
	HOOK(malloc);
	HOOK(free);
	HOOK(calloc);
	HOOK(realloc);
	HOOK(reallocarray);
	HOOK(posix_memalign);
	HOOK(aligned_alloc);
	HOOK(memalign);
	HOOK(valloc);
	HOOK(pvalloc);
	HOOK(malloc_usable_size);
	HOOK(mallocx);
	HOOK(rallocx);
	HOOK(xallocx);
	HOOK(sallocx);
	HOOK(dallocx);
	HOOK(sdallocx);
	HOOK(nallocx);
#undef HOOK
	return n;
}

__attribute__((constructor)) static void hm_start(void)
{
	hm_core_start();
	if (hm_injected)
		hm_inject();
}

__attribute__((destructor)) static void hm_stop(void)
{
	hm_core_exit();
}
