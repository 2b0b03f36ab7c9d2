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

/*
 * tcmalloc's API (gperftools/tcmalloc.h). A program linked with tcmalloc
 * mostly calls plain malloc, which is tcmalloc's there (the next
 * definition, wrapped above); these are for its direct calls of tc_*. Each
 * wraps the real tc_* function; without tcmalloc in the process it is the
 * standard function of the same meaning. Every release path recognises
 * arena pointers first: tcmalloc must never see one (nor glibc one of
 * tcmalloc's, which the real functions take care of).
 */

/* A tc_* allocation: unsampled, bootstrap, or sampled (real_call when the arena is full). */
#define TC_ALLOC(size, align, flags, real_call) ({				\
	uint64_t w_;								\
	void *r_;								\
	switch (hm_sample((size), &w_)) {					\
	case HM_REAL:								\
		r_ = (real_call);						\
		break;								\
	case HM_BOOT:								\
		r_ = (align) > 16 ? NULL : boot_or_null(size);			\
		break;								\
	default:								\
		r_ = SAMPLED((size), (align), (flags), w_, (real_call));	\
	}									\
	r_;									\
})

/* The release paths: true when p was the recorder's to take (arena, bootstrap). */
static bool tc_ours(void *p)
{
	if (hm_in_arena(p)) {
		hm_free_arena(p);
		return true;
	}
	if (!p || hm_is_boot(p))
		return true;
	if (unlikely(hm_shared_live))
		hm_forget_shared(p);
	return false;
}

#define TC_ALLOC1(name, std)							\
HM_EXPORT void *name(size_t size)						\
{										\
	if (!hm_real.name)							\
		return std(size);						\
	return TC_ALLOC(size, 0, 0, hm_real.name(size));			\
}
TC_ALLOC1(tc_malloc, malloc)
TC_ALLOC1(tc_malloc_skip_new_handler, malloc)
TC_ALLOC1(tc_new, malloc)
TC_ALLOC1(tc_newarray, malloc)

#define TC_ALLOC_NOTHROW(name)							\
HM_EXPORT void *name(size_t size, const void *nt)				\
{										\
	if (!hm_real.name)							\
		return malloc(size);						\
	return TC_ALLOC(size, 0, 0, hm_real.name(size, nt));			\
}
TC_ALLOC_NOTHROW(tc_new_nothrow)
TC_ALLOC_NOTHROW(tc_newarray_nothrow)

/* C++17 aligned new: the alignment is a power of two (std::align_val_t). */
#define TC_ALLOC_ALIGNED(name, args, call)					\
HM_EXPORT void *name args							\
{										\
	if (!hm_real.name || !pow2(align))					\
		return hm_real.name ? hm_real.name call : memalign(align, size);	\
	return TC_ALLOC(size, align, HM_SITES_REC_ALIGNED, hm_real.name call);	\
}
TC_ALLOC_ALIGNED(tc_new_aligned, (size_t size, size_t align), (size, align))
TC_ALLOC_ALIGNED(tc_newarray_aligned, (size_t size, size_t align), (size, align))
TC_ALLOC_ALIGNED(tc_new_aligned_nothrow, (size_t size, size_t align, const void *nt),
		 (size, align, nt))
TC_ALLOC_ALIGNED(tc_newarray_aligned_nothrow, (size_t size, size_t align, const void *nt),
		 (size, align, nt))
TC_ALLOC_ALIGNED(tc_memalign, (size_t align, size_t size), (align, size))

HM_EXPORT void *tc_calloc(size_t n, size_t size)
{
	size_t total;

	if (!hm_real.tc_calloc)
		return calloc(n, size);
	if (__builtin_mul_overflow(n, size, &total)) {
		errno = ENOMEM;
		return NULL;
	}
	/* Arena pages are zero, or zeroed by hm_take (HM_SITES_REC_ZEROED). */
	return TC_ALLOC(total, 0, HM_SITES_REC_ZEROED, hm_real.tc_calloc(n, size));
}

HM_EXPORT int tc_posix_memalign(void **out, size_t align, size_t size)
{
	int saved = errno, err = 0;
	void *p;

	if (!hm_real.tc_posix_memalign)
		return posix_memalign(out, align, size);
	if (!pow2(align) || align % sizeof(void *))
		return EINVAL;
	p = TC_ALLOC(size, align, HM_SITES_REC_ALIGNED, ({
		void *r_ = NULL;
		err = hm_real.tc_posix_memalign(&r_, align, size);
		r_;
	}));
	errno = saved;
	if (!p)
		return err ?: ENOMEM;
	*out = p;
	return 0;
}

HM_EXPORT void *tc_valloc(size_t size)
{
	if (!hm_real.tc_valloc)
		return valloc(size);
	return TC_ALLOC(size, HM_PAGE, HM_SITES_REC_ALIGNED, hm_real.tc_valloc(size));
}

HM_EXPORT void *tc_pvalloc(size_t size)
{
	size_t rounded = (size + HM_PAGE - 1) & ~(HM_PAGE - 1);

	if (!hm_real.tc_pvalloc || size > SIZE_MAX - (HM_PAGE - 1))
		return pvalloc(size);
	rounded = rounded ? rounded : HM_PAGE;
	return TC_ALLOC(rounded, HM_PAGE, HM_SITES_REC_ALIGNED, hm_real.tc_pvalloc(size));
}

HM_EXPORT void *tc_realloc(void *p, size_t size)
{
	uint64_t w;

	if (!hm_real.tc_realloc)
		return realloc(p, size);
	if (!p)
		return TC_ALLOC(size, 0, HM_SITES_REC_REALLOC, hm_real.tc_malloc(size));
	if (hm_in_arena(p) || hm_is_boot(p)) {
		size_t old = hm_is_boot(p) ? hm_boot_size(p) : hm_usable_arena(p);

		if (!size) {
			free(p);
			return NULL;
		}
		return move(TC_ALLOC(size, 0, HM_SITES_REC_REALLOC, hm_real.tc_malloc(size)),
			    p, old, size);
	}
	if (unlikely(hm_shared_live))
		hm_forget_shared(p);
	if (!size || hm_sample(size, &w) != HM_SAMPLED)
		return hm_real.tc_realloc(p, size);
	{
		struct hm_pending pd;
		void *q = hm_take(size, 0, HM_SITES_REC_REALLOC, w, &pd);

		if (q) {
			memcpy(q, p, HM_MIN(hm_real.tc_malloc_size(p), size));
			hm_real.tc_free(p);
			return q;
		}
		q = hm_real.tc_realloc(p, size);
		if (pd.shared)
			hm_commit_shared(&pd, q);
		return q;
	}
}

#define TC_FREE(name, args, call)						\
HM_EXPORT void name args							\
{										\
	if (tc_ours(p))								\
		return;								\
	if (hm_real.name)							\
		hm_real.name call;						\
	else									\
		free(p);							\
}
TC_FREE(tc_free, (void *p), (p))
TC_FREE(tc_cfree, (void *p), (p))
TC_FREE(cfree, (void *p), (p))
TC_FREE(tc_delete, (void *p), (p))
TC_FREE(tc_deletearray, (void *p), (p))
TC_FREE(tc_free_sized, (void *p, size_t size), (p, size))
TC_FREE(tc_delete_sized, (void *p, size_t size), (p, size))
TC_FREE(tc_deletearray_sized, (void *p, size_t size), (p, size))
TC_FREE(tc_delete_nothrow, (void *p, const void *nt), (p, nt))
TC_FREE(tc_deletearray_nothrow, (void *p, const void *nt), (p, nt))
TC_FREE(tc_delete_aligned, (void *p, size_t align), (p, align))
TC_FREE(tc_deletearray_aligned, (void *p, size_t align), (p, align))
TC_FREE(tc_delete_sized_aligned, (void *p, size_t size, size_t align), (p, size, align))
TC_FREE(tc_deletearray_sized_aligned, (void *p, size_t size, size_t align), (p, size, align))
TC_FREE(tc_delete_aligned_nothrow, (void *p, size_t align, const void *nt), (p, align, nt))
TC_FREE(tc_deletearray_aligned_nothrow, (void *p, size_t align, const void *nt),
	(p, align, nt))

#define TC_SIZE(name)								\
HM_EXPORT size_t name(void *p)							\
{										\
	if (hm_in_arena(p))							\
		return hm_usable_arena(p);					\
	if (p && hm_real.name && !hm_is_boot(p))				\
		return hm_real.name(p);						\
	return malloc_usable_size(p);						\
}
TC_SIZE(tc_malloc_size)
TC_SIZE(malloc_size)

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
HM_ALIAS(tc_malloc);
HM_ALIAS(tc_malloc_skip_new_handler);
HM_ALIAS(tc_new);
HM_ALIAS(tc_newarray);
HM_ALIAS(tc_new_nothrow);
HM_ALIAS(tc_newarray_nothrow);
HM_ALIAS(tc_new_aligned);
HM_ALIAS(tc_newarray_aligned);
HM_ALIAS(tc_new_aligned_nothrow);
HM_ALIAS(tc_newarray_aligned_nothrow);
HM_ALIAS(tc_memalign);
HM_ALIAS(tc_calloc);
HM_ALIAS(tc_posix_memalign);
HM_ALIAS(tc_valloc);
HM_ALIAS(tc_pvalloc);
HM_ALIAS(tc_realloc);
HM_ALIAS(tc_free);
HM_ALIAS(tc_cfree);
HM_ALIAS(cfree);
HM_ALIAS(tc_delete);
HM_ALIAS(tc_deletearray);
HM_ALIAS(tc_free_sized);
HM_ALIAS(tc_delete_sized);
HM_ALIAS(tc_deletearray_sized);
HM_ALIAS(tc_delete_nothrow);
HM_ALIAS(tc_deletearray_nothrow);
HM_ALIAS(tc_delete_aligned);
HM_ALIAS(tc_deletearray_aligned);
HM_ALIAS(tc_delete_sized_aligned);
HM_ALIAS(tc_deletearray_sized_aligned);
HM_ALIAS(tc_delete_aligned_nothrow);
HM_ALIAS(tc_deletearray_aligned_nothrow);
HM_ALIAS(tc_malloc_size);
HM_ALIAS(malloc_size);

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
	HOOK(tc_malloc);
	HOOK(tc_malloc_skip_new_handler);
	HOOK(tc_new);
	HOOK(tc_newarray);
	HOOK(tc_new_nothrow);
	HOOK(tc_newarray_nothrow);
	HOOK(tc_new_aligned);
	HOOK(tc_newarray_aligned);
	HOOK(tc_new_aligned_nothrow);
	HOOK(tc_newarray_aligned_nothrow);
	HOOK(tc_memalign);
	HOOK(tc_calloc);
	HOOK(tc_posix_memalign);
	HOOK(tc_valloc);
	HOOK(tc_pvalloc);
	HOOK(tc_realloc);
	HOOK(tc_free);
	HOOK(tc_cfree);
	HOOK(cfree);
	HOOK(tc_delete);
	HOOK(tc_deletearray);
	HOOK(tc_free_sized);
	HOOK(tc_delete_sized);
	HOOK(tc_deletearray_sized);
	HOOK(tc_delete_nothrow);
	HOOK(tc_deletearray_nothrow);
	HOOK(tc_delete_aligned);
	HOOK(tc_deletearray_aligned);
	HOOK(tc_delete_sized_aligned);
	HOOK(tc_deletearray_sized_aligned);
	HOOK(tc_delete_aligned_nothrow);
	HOOK(tc_deletearray_aligned_nothrow);
	HOOK(tc_malloc_size);
	HOOK(malloc_size);
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
