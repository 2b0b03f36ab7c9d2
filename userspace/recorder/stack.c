// SPDX-License-Identifier: GPL-2.0
/*
 * Unwinding with _Unwind_Backtrace: libgcc_s is linked directly, so nothing
 * is dlopen'ed at the first sample, and with glibc >= 2.35 it finds the
 * unwind tables through _dl_find_object, without locks or malloc. The table
 * is open addressing over a private index of twice the capacity.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <link.h>
#include <string.h>
#include <sys/mman.h>
#include <unwind.h>

#include "publish.h"
#include "stack.h"

static uintptr_t self_lo, self_hi;	/* the recorder's executable segment */
static struct hm_sites_stack *stacks;
static uint32_t *index_;		/* stack index + 1; 0: empty */
static uint32_t cap, used, index_mask;

static int find_self(struct dl_phdr_info *info, size_t size, void *data)
{
	uintptr_t here = (uintptr_t)data;

	for (int i = 0; i < info->dlpi_phnum; i++) {
		const ElfW(Phdr) *ph = &info->dlpi_phdr[i];
		uintptr_t lo = info->dlpi_addr + ph->p_vaddr;

		if (ph->p_type != PT_LOAD || !(ph->p_flags & PF_X))
			continue;
		if (here >= lo && here < lo + ph->p_memsz) {
			self_lo = lo;
			self_hi = lo + ph->p_memsz;
			return 1;
		}
	}
	return 0;
}

void hm_stack_init_self(void)
{
	dl_iterate_phdr(find_self, (void *)(uintptr_t)hm_stack_init_self);
}

struct walk {
	uint64_t *frames;
	int max, depth;
};

static _Unwind_Reason_Code walk_one(struct _Unwind_Context *ctx, void *arg)
{
	struct walk *w = arg;
	uintptr_t ip = _Unwind_GetIP(ctx);

	if (!ip)
		return _URC_END_OF_STACK;
	/* The recorder's own frames come first: drop them. */
	if (w->depth == 0 && ip >= self_lo && ip < self_hi)
		return _URC_NO_REASON;
	w->frames[w->depth++] = ip;
	return w->depth < w->max ? _URC_NO_REASON : _URC_END_OF_STACK;
}

int hm_stack_capture(uint64_t *frames, int max)
{
	struct walk w = { frames, max, 0 };

	_Unwind_Backtrace(walk_one, &w);
	return w.depth;
}

int hm_stacks_init(uint32_t n)
{
	uint32_t slots = 2;
	void *s, *ix;

	while (slots < 2 * (uint64_t)n)
		slots <<= 1;
	s = mmap(NULL, (size_t)n * sizeof(*stacks), PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (s == MAP_FAILED)
		return -errno;
	ix = mmap(NULL, (size_t)slots * sizeof(*index_), PROT_READ | PROT_WRITE,
		  MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (ix == MAP_FAILED) {
		munmap(s, (size_t)n * sizeof(*stacks));
		return -errno;
	}
	stacks = s;
	index_ = ix;
	cap = n;
	index_mask = slots - 1;
	return 0;
}

static uint32_t hash_frames(const uint64_t *frames, uint32_t depth)
{
	uint64_t h = 0x9e3779b97f4a7c15ULL ^ depth;

	for (uint32_t i = 0; i < depth; i++) {
		h ^= frames[i];
		h *= 0xff51afd7ed558ccdULL;
		h ^= h >> 33;
	}
	return (uint32_t)(h ^ (h >> 32));
}

uint32_t hm_stack_intern(const uint64_t *frames, uint32_t depth)
{
	uint32_t hash = hash_frames(frames, depth);
	struct hm_sites_stack *s;

	if (!cap || !depth)
		return 0;
	for (uint32_t i = hash & index_mask;; i = (i + 1) & index_mask) {
		uint32_t e = index_[i];

		if (!e) {
			if (used == cap)
				return 0;
			index_[i] = used + 1;
			break;
		}
		s = &stacks[e - 1];
		if (s->hash == hash && s->depth == depth &&
		    !memcmp(s->frames, frames, depth * sizeof(*frames)))
			return e;
	}
	s = &stacks[used];
	memcpy(s->frames, frames, depth * sizeof(*frames));
	s->hash = hash;
	s->depth = depth;
	hm_publish_stack(used, s);
	return ++used;
}

const struct hm_sites_stack *hm_stacks(uint32_t *n)
{
	*n = used;
	return stacks;
}
