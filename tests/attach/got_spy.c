// SPDX-License-Identifier: GPL-2.0
/*
 * A stand-in for the recorder, to test got.c on the host: hooks that count
 * the calls of malloc, calloc, realloc and free and pass them on, installed
 * with hm_got_patch_all() the way libheapmon.so installs its own. Its
 * symbols are not called malloc & co, so nothing reaches them but through
 * a rewritten GOT slot.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stdlib.h>

#include "../../userspace/recorder/got.h"

static void *(*real_malloc)(size_t);
static void *(*real_calloc)(size_t, size_t);
static void *(*real_realloc)(void *, size_t);
static void (*real_free)(void *);
/*
 * Per thread, so that a check in one thread is not disturbed by another
 * thread's allocations; n_alloc_all counts them all.
 */
static __thread unsigned long n_alloc, n_free;
static unsigned long n_alloc_all;

static void count_alloc(void)
{
	n_alloc++;
	__atomic_add_fetch(&n_alloc_all, 1, __ATOMIC_RELAXED);
}

static void *spy_malloc(size_t size)
{
	count_alloc();
	return real_malloc(size);
}

static void *spy_calloc(size_t n, size_t size)
{
	count_alloc();
	return real_calloc(n, size);
}

static void *spy_realloc(void *p, size_t size)
{
	count_alloc();
	return real_realloc(p, size);
}

static void spy_free(void *p)
{
	if (p)
		n_free++;
	real_free(p);
}

static const struct hm_got_hook hooks[] = {
	{ "malloc", spy_malloc },
	{ "calloc", spy_calloc },
	{ "realloc", spy_realloc },
	{ "free", spy_free },
};

#define N_HOOKS (sizeof(hooks) / sizeof(hooks[0]))

/* The calling thread's hooked allocations and frees. */
unsigned long spy_allocs(void)
{
	return n_alloc;
}

unsigned long spy_frees(void)
{
	return n_free;
}

/* Every thread's hooked allocations. */
unsigned long spy_allocs_all(void)
{
	return __atomic_load_n(&n_alloc_all, __ATOMIC_RELAXED);
}

/* The spy's own malloc call, through its own GOT: must stay unhooked. */
void *spy_own_malloc(size_t size)
{
	return malloc(size);
}

int spy_install(void)
{
	Dl_info self;

	real_malloc = dlsym(RTLD_NEXT, "malloc");
	real_calloc = dlsym(RTLD_NEXT, "calloc");
	real_realloc = dlsym(RTLD_NEXT, "realloc");
	real_free = dlsym(RTLD_NEXT, "free");
	if (!dladdr((void *)spy_install, &self))
		return -1;
	return hm_got_patch_all(hooks, N_HOOKS, self.dli_fbase);
}

int spy_install_object(void *base)
{
	return hm_got_patch_object(hooks, N_HOOKS, base);
}
