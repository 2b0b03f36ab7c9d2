// SPDX-License-Identifier: GPL-2.0
/*
 * Attach mode. The constructor found that the global malloc is not ours
 * (core.c), so the real functions are the global definitions and the hooks
 * go into the GOT slots of every loaded object; a hook on dlopen covers the
 * objects loaded later. Pointers allocated before the attach are the real
 * allocator's: the hooks pass them through. The library is linked with
 * -z nodelete: it is never unloaded, so patched slots never dangle.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <link.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "core.h"
#include "inject.h"

/* got.c may be missing from a build: then attach reports it and records nothing. */
int hm_got_patch_all(const struct hm_got_hook *, size_t, void *) __attribute__((weak));

static struct hm_got_hook hooks[HM_MAX_HOOKS];
static size_t n_hooks;
static void *(*real_dlopen)(const char *, int);
/*
 * Serialises the patching after dlopen: two threads making one RELRO page
 * writable and read-only again would fault each other's write.
 */
static pthread_mutex_t patch_lock = PTHREAD_MUTEX_INITIALIZER;

static void patch_lock_take(void)
{
	pthread_mutex_lock(&patch_lock);
}

static void patch_lock_drop(void)
{
	pthread_mutex_unlock(&patch_lock);
}

static void patch_lock_reset(void)
{
	pthread_mutex_init(&patch_lock, NULL);
}

static void say(const char *msg)
{
	(void)!write(STDERR_FILENO, msg, strlen(msg));
}

/*
 * Every object, not only the one named: dlopen also loads the dependencies
 * it brings, and one of those freeing an arena pointer through the real
 * free would corrupt the heap. Slots already hooked are left alone.
 */
static void *hook_dlopen(const char *file, int mode)
{
	void *h = real_dlopen(file, mode);

	if (h) {
		patch_lock_take();
		hm_got_patch_all(hooks, n_hooks, hm_self_base);
		patch_lock_drop();
	}
	return h;
}

void hm_inject(void)
{
	int n;

	if (!hm_got_patch_all) {
		say("heapmon: built without GOT patching (got.c); attach records nothing\n");
		return;
	}
	real_dlopen = (void *(*)(const char *, int))dlsym(RTLD_DEFAULT, "dlopen");
	n_hooks = hm_hooks_fill(hooks);
	n_hooks += hm_exec_hooks_fill(hooks + n_hooks);
	if (real_dlopen)
		hooks[n_hooks++] = (struct hm_got_hook){ "dlopen", (void *)hook_dlopen };
	pthread_atfork(patch_lock_take, patch_lock_drop, patch_lock_reset);
	n = hm_got_patch_all(hooks, n_hooks, hm_self_base);
	if (n < 0) {
		char line[128];

		snprintf(line, sizeof(line), "heapmon: patching the GOT failed: %s\n",
			 strerrordesc_np(-n) ?: "unknown error");
		say(line);
	}
}
