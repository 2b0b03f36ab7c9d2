/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The recording core that both front ends (preload.c, inject.c) share: the
 * real allocator's entry points, the per-thread sampling countdown, and the
 * sampled-allocation path (stack, record, arena). Nothing here allocates
 * through the allocator it wraps.
 */
#ifndef HEAPMON_RECORDER_CORE_H
#define HEAPMON_RECORDER_CORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "arena.h"

#define HM_EXPORT	__attribute__((visibility("default")))
#define likely(x)	__builtin_expect(!!(x), 1)
#define unlikely(x)	__builtin_expect(!!(x), 0)

/* The allocator being wrapped: glibc's, jemalloc's, whatever is next. */
struct hm_real_fns {
	void *(*malloc)(size_t);
	void (*free)(void *);
	void *(*calloc)(size_t, size_t);
	void *(*realloc)(void *, size_t);
	void *(*reallocarray)(void *, size_t, size_t);
	int (*posix_memalign)(void **, size_t, size_t);
	void *(*aligned_alloc)(size_t, size_t);
	void *(*memalign)(size_t, size_t);
	void *(*valloc)(size_t);
	void *(*pvalloc)(size_t);
	size_t (*malloc_usable_size)(void *);
	/* jemalloc's non-standard API: NULL when the process has no jemalloc. */
	void *(*mallocx)(size_t, int);
	void *(*rallocx)(void *, size_t, int);
	size_t (*xallocx)(void *, size_t, size_t, int);
	size_t (*sallocx)(const void *, int);
	void (*dallocx)(void *, int);
	void (*sdallocx)(void *, size_t, int);
	size_t (*nallocx)(size_t, int);
	/* tcmalloc's (gperftools/tcmalloc.h): NULL without tcmalloc. */
	void *(*tc_malloc)(size_t);
	void *(*tc_malloc_skip_new_handler)(size_t);
	void (*tc_free)(void *);
	void (*tc_free_sized)(void *, size_t);
	void (*tc_cfree)(void *);
	void (*cfree)(void *);
	void *(*tc_calloc)(size_t, size_t);
	void *(*tc_realloc)(void *, size_t);
	void *(*tc_memalign)(size_t, size_t);
	int (*tc_posix_memalign)(void **, size_t, size_t);
	void *(*tc_valloc)(size_t);
	void *(*tc_pvalloc)(size_t);
	size_t (*tc_malloc_size)(void *);
	size_t (*malloc_size)(void *);
	void *(*tc_new)(size_t);
	void *(*tc_newarray)(size_t);
	void *(*tc_new_nothrow)(size_t, const void *);
	void *(*tc_newarray_nothrow)(size_t, const void *);
	void *(*tc_new_aligned)(size_t, size_t);
	void *(*tc_newarray_aligned)(size_t, size_t);
	void *(*tc_new_aligned_nothrow)(size_t, size_t, const void *);
	void *(*tc_newarray_aligned_nothrow)(size_t, size_t, const void *);
	void (*tc_delete)(void *);
	void (*tc_deletearray)(void *);
	void (*tc_delete_sized)(void *, size_t);
	void (*tc_deletearray_sized)(void *, size_t);
	void (*tc_delete_nothrow)(void *, const void *);
	void (*tc_deletearray_nothrow)(void *, const void *);
	void (*tc_delete_aligned)(void *, size_t);
	void (*tc_deletearray_aligned)(void *, size_t);
	void (*tc_delete_sized_aligned)(void *, size_t, size_t);
	void (*tc_deletearray_sized_aligned)(void *, size_t, size_t);
	void (*tc_delete_aligned_nothrow)(void *, size_t, const void *);
	void (*tc_deletearray_aligned_nothrow)(void *, size_t, const void *);
};
extern struct hm_real_fns hm_real;

/*
 * Per-thread state, initial-exec TLS and small: the library may be
 * dlopen'ed, and then lives in the static TLS surplus (a few hundred bytes
 * shared by every such library).
 */
struct hm_thread {
	int64_t countdown;	/* bytes until the next sample; <= 0: slow path */
	uint64_t rng;		/* xorshift64 state; 0: thread not set up yet */
	uint32_t tid;		/* cached gettid(); 0 after a fork */
	uint32_t busy;		/* inside the recorder: re-entrant calls go straight through */
	uint32_t forking;	/* this thread holds the lock for a fork (atfork handlers run) */
};
extern __thread struct hm_thread hm_tls __attribute__((tls_model("initial-exec")));

/* What an allocation call does, as hm_sample decides. */
enum {
	HM_REAL,	/* the real allocator, unrecorded */
	HM_SAMPLED,	/* sampled: hm_take */
	HM_BOOT,	/* the real allocator is being looked up: bootstrap buffer */
};

/*
 * The decision for an allocation of size bytes, taken when the countdown
 * (already decremented by the caller) reached zero or below: HM_* above,
 * with the sample's weight for HM_SAMPLED.
 */
int hm_sample_slow(size_t size, uint64_t *weight);

/* Fast path: one TLS decrement and a branch. */
static inline int hm_sample(size_t size, uint64_t *weight)
{
	struct hm_thread *t = &hm_tls;

	if (likely((t->countdown -= (int64_t)size) > 0))
		return HM_REAL;
	return hm_sample_slow(size, weight);
}

/* A sampled allocation in progress, between hm_take and hm_commit_shared. */
struct hm_pending {
	uint32_t rec;		/* record index + 1; 0: not recorded (table full) */
	bool shared;		/* the arena could not serve: the caller allocates */
};

/*
 * Records a sampled allocation of size bytes aligned to align (0: none
 * beyond a page): returns its arena pointer, or NULL with pd saying whether
 * the caller must allocate from the real allocator and then call
 * hm_commit_shared (pd->shared), or simply allocate unrecorded (table full).
 */
void *hm_take(size_t size, size_t align, uint32_t flags, uint64_t weight,
	      struct hm_pending *pd);
/* Completes (p != NULL) or abandons (p == NULL) a shared sampled allocation. */
void hm_commit_shared(struct hm_pending *pd, void *p);

/* Frees an arena pointer (ignores one that is not a live allocation's start). */
void hm_free_arena(void *p);
/* Usable bytes of an arena pointer, 0 when it is no live allocation. */
size_t hm_usable_arena(const void *p);

/* Real-allocator pointers with a record (arena full): rare, so a global test. */
extern volatile uint64_t hm_shared_live;
/* Forgets the record of p if it is a shared sample. */
void hm_forget_shared(void *p);

/*
 * Setup: the real functions, RTLD_NEXT when preloaded, RTLD_DEFAULT when
 * dlopen'ed into a running process (then hm_injected is set). Idempotent.
 */
void hm_resolve_real(void);
extern bool hm_injected;
/*
 * The real NAME, as hm_resolve_real() finds it (RTLD_NEXT, or RTLD_DEFAULT
 * when injected), but never the recorder's own: injected, RTLD_DEFAULT can
 * find the recorder's exports (a process without jemalloc or tcmalloc), and
 * a wrapper calling itself would recurse.
 */
void *hm_real_sym(const char *name);
/* Setup: settings, arena, tables, file. Idempotent. */
void hm_core_start(void);
/* At exit: mark the file. */
void hm_core_exit(void);
/*
 * Before an exec (begin): mark the file EXITED; after a failed one: live
 * again. Returns whether it marked (false: not active, or a vfork child).
 */
bool hm_core_exec(bool begin);

/* The recorder's own load base (for the GOT patcher). */
extern void *hm_self_base;

/* Bootstrap buffer: dlsym's allocations before the real functions are known. */
void *hm_boot_alloc(size_t size);
size_t hm_boot_size(const void *p);
extern char hm_boot_buf[];
#define HM_BOOT_SIZE	(64 * 1024)
static inline int hm_is_boot(const void *p)
{
	return (uintptr_t)p - (uintptr_t)hm_boot_buf < HM_BOOT_SIZE;
}

#endif
