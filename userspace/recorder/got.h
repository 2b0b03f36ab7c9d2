/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Redirecting the allocation functions of objects already loaded, for a
 * recorder injected into a running process (heapmonctl attach): the GOT
 * slots (R_X86_64_JUMP_SLOT and R_X86_64_GLOB_DAT) that name a hooked symbol
 * are rewritten to point at the hook, in every loaded object but the
 * recorder itself and the dynamic loader, as heaptrack's inject mode does.
 * Read-only (RELRO) GOT pages are made writable for the write and read-only
 * again. Allocates nothing through malloc.
 */
#ifndef HEAPMON_RECORDER_GOT_H
#define HEAPMON_RECORDER_GOT_H

#include <stddef.h>

struct hm_got_hook {
	const char *name;	/* symbol, e.g. "malloc" */
	void *hook;		/* the recorder's replacement */
};

/*
 * Rewrites the slots of every object loaded now. skip_base is the load
 * base of the recorder's own object (left alone). Returns the number of
 * slots rewritten, or -errno when a page could not be made writable.
 */
int hm_got_patch_all(const struct hm_got_hook *hooks, size_t n, void *skip_base);
/* Rewrites the slots of the one object loaded at base (after a dlopen). */
int hm_got_patch_object(const struct hm_got_hook *hooks, size_t n, void *base);

#endif
