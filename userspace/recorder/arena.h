/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The arena for sampled allocations: one big private anonymous mapping (one
 * VMA, never mprotect'ed in pieces), handed out in runs of whole pages so
 * that a sampled object shares its pages with nothing else. Metadata lives
 * outside the arena: a free page is never written, so it stays
 * non-resident. Freed runs stay resident (dirty) for reuse, coalesced, up
 * to a bound past which they are given back to the kernel with
 * MADV_DONTNEED (see hm_arena_evict). Not thread-safe: the core's lock
 * covers it.
 */
#ifndef HEAPMON_RECORDER_ARENA_H
#define HEAPMON_RECORDER_ARENA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define HM_PAGE		4096UL
#define HM_PAGE_SHIFT	12

/* [hm_arena_base, hm_arena_base + hm_arena_len): one compare tells ownership. */
extern uintptr_t hm_arena_base;
extern uintptr_t hm_arena_len;

static inline int hm_in_arena(const void *p)
{
	return (uintptr_t)p - hm_arena_base < hm_arena_len;
}

/* Reserves the arena, mb MiB, halving on failure. Returns 0 or -errno. */
int hm_arena_init(uint64_t mb);
/*
 * A run for size bytes whose start is aligned to align (<= HM_PAGE: a page),
 * or NULL when the arena is full. owner is kept for hm_arena_owner. *dirty
 * says whether the run was a cached one, whose pages hold old data (else
 * they read as zero).
 */
void *hm_arena_alloc(size_t size, size_t align, uint32_t owner, bool *dirty);
/* Frees the live run at p, its pages kept resident for reuse. */
void hm_arena_release(void *p);
/*
 * When the freed runs kept resident exceed their bound (a quarter of
 * live_bytes, the live samples' pages, at most 16 MiB): takes a run of
 * them out, to be discarded (hm_arena_discard, outside the lock) and then
 * freed (hm_arena_free); returns its start and sets *bytes, else NULL.
 */
void *hm_arena_evict(uint64_t live_bytes, size_t *bytes);
/* The owner of the run starting at p, 0 when p starts no live run. */
uint32_t hm_arena_owner(const void *p);
/* Bytes of the run starting at p (a live run's start). */
size_t hm_arena_run_bytes(const void *p);
/* Gives the pages of an evicted run back to the kernel (no lock needed). */
void hm_arena_discard(void *p, size_t bytes);
/* Frees the evicted run starting at p, discarded before. */
void hm_arena_free(void *p);

#endif
