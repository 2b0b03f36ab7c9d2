/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Per-page statistics of one target: a sparse array of chunks, one chunk per
 * 2 MiB-aligned span (one PMD) that holds at least one resident page.
 */
#ifndef _HEAPMON_PAGES_H
#define _HEAPMON_PAGES_H

#include <linux/bitmap.h>
#include <linux/minmax.h>
#include <linux/pgtable.h>
#include <linux/xarray.h>

#include <uapi/linux/heapmon.h>

#include "counts.h"
#include "hist.h"

#define HM_CHUNK_SHIFT PMD_SHIFT
#define HM_CHUNK_PAGES HEAPMON_CHUNK_PAGES
#define HM_CHUNK_LONGS BITS_TO_LONGS(HM_CHUNK_PAGES)

/*
 * Chunk memory under pressure: fail rather than push the host into the OOM
 * killer, and quietly; the pass counts what it could not track.
 */
#define HM_GFP (GFP_KERNEL_ACCOUNT | __GFP_NORETRY | __GFP_NOWARN)

/*
 * A dormant chunk's pages by idle bucket (hm_hist_add_page()'s, in pages),
 * as they are lag periods after the chunk's records were synced: what a
 * pass that does not visit the chunk adds to the statistics. Every page of
 * a dormant chunk is idle for at least two periods: idle1 holds them all,
 * touched none. The counts hold until the lag reaches cross.
 */
struct hm_dormant {
	u16 lag;
	u16 cross;
	u16 resident;
	u16 swapped;
	u16 never;
	u16 idle10;
	u16 idle60;
	u16 idle600;
};

/*
 * 2232 bytes for 512 pages: 4 bytes of record per page plus the chunk's two
 * bitmaps and header, 4.36 bytes per tracked page when the span is dense.
 * A huge page uses rec[0] and bit 0 alone. As of the last pass that visited
 * the chunk (synced), present: the pages that hold a record (resident, or
 * swapped out since they were seen resident); swapped: those of them
 * swapped out. The records are as of pass synced: a reader wanting them as
 * of a later pass advances them with hm_chunk_rec() (a chunk the pass left
 * dormant, see sample.c).
 */
struct hm_chunk {
	unsigned long present[HM_CHUNK_LONGS];
	unsigned long swapped[HM_CHUNK_LONGS];
	struct hm_pages *owner;			/* with index: which chunk this is, NULL when */
	unsigned long index;			/* none, for readers of a recycled one (pages.c) */
	u64 walk;				/* the last walk that visited it */
	u64 synced;				/* the pass its records are as of */
	u16 units;				/* 4 KiB pages counted against the limits */
	bool huge;
	bool dormant;				/* all idle: visited every revisit passes */
	struct hm_dormant sum;			/* when dormant */
	u32 rec[HM_CHUNK_PAGES];
};

struct hm_pages {
	struct xarray chunks;		/* index: address >> HM_CHUNK_SHIFT */
	unsigned long nr_pages;		/* 4 KiB units tracked or reserved (target lock) */
	u32 shape;			/* changes when a chunk comes or goes, never 0 */
};

/* A chunk was added or dropped: a PAGES dump reading across it is torn. */
static inline void hm_pages_reshaped(struct hm_pages *pages)
{
	if (!++pages->shape)
		pages->shape = 1;
}

/* One record per page: touched:8 | idle:12 | age:12 (see the uapi header). */
static inline u32 hm_rec_pack(u32 touched, u32 idle, u32 age)
{
	return min_t(u32, touched, HEAPMON_REC_TOUCHED_MAX) |
	       min_t(u32, idle, HEAPMON_REC_IDLE_MAX) << 8 |
	       min_t(u32, age, HEAPMON_REC_AGE_MAX) << 20;
}

/* A page seen for the first time; the watch's first pass only sets a baseline. */
static inline u32 hm_rec_first(bool young, bool baseline)
{
	return hm_rec_pack(young && !baseline, 0, 0);
}

/* One more period has passed for a page already known; pass is its number. */
static inline u32 hm_rec_next(u32 rec, bool young, u64 pass)
{
	return hm_rec_pack(HEAPMON_REC_TOUCHED(rec) + young,
			   young ? 0 : hm_count_next(HEAPMON_REC_IDLE(rec), pass),
			   hm_count_next(HEAPMON_REC_AGE(rec), pass));
}

/* A record as of pass to, its page untouched since pass from. */
static inline u32 hm_rec_advance(u32 rec, u64 from, u64 to)
{
	return hm_rec_pack(HEAPMON_REC_TOUCHED(rec),
			   hm_count_advance(HEAPMON_REC_IDLE(rec), from, to),
			   hm_count_advance(HEAPMON_REC_AGE(rec), from, to));
}

/* Record i of chunk c as of pass (c's pages untouched since it was synced). */
static inline u32 hm_chunk_rec(const struct hm_chunk *c, unsigned int i, u64 pass)
{
	if (likely(c->synced >= pass))
		return c->rec[i];
	return hm_rec_advance(c->rec[i], c->synced, pass);
}

/* Brings c's records to pass, its pages untouched since it was synced. */
void hm_chunk_advance(struct hm_chunk *c, u64 pass);
/*
 * Makes c, just visited by pass c->synced, dormant if every page it holds has
 * been idle for at least min_idle periods (at least 2); false if not.
 */
bool hm_chunk_make_dormant(struct hm_chunk *c, u32 min_idle);
/* Adds dormant chunk c's pages, as of pass, to h. */
void hm_chunk_dormant_hist(struct hm_chunk *c, u64 pass, struct hm_hist *h);

int hm_pages_cache_init(void);
void hm_pages_cache_uninit(void);

void hm_pages_init(struct hm_pages *pages);
/* Frees every chunk and gives their pages back to the global count. */
void hm_pages_clear(struct hm_pages *pages);

/*
 * A new chunk, or NULL: out of memory, or max_memory_mb reached. It may
 * reclaim: never call it under a target's mmap lock. The chunk belongs to no
 * span until hm_chunk_set_owner().
 */
struct hm_chunk *hm_chunk_alloc(void);
/* Makes a new chunk the chunk of owner's span index: empty, and so known. */
void hm_chunk_set_owner(struct hm_chunk *chunk, struct hm_pages *owner, unsigned long index);
void hm_chunk_free(struct hm_chunk *chunk);

/* Adjusts the tracked-page counts of pages and of the module by delta. */
void hm_pages_account(struct hm_pages *pages, long delta);
/*
 * Counts n more pages if that passes neither limit; under the target's lock.
 * Exact whatever other targets' passes do at the same time.
 */
bool hm_pages_reserve(struct hm_pages *pages, unsigned long n);
/* Whether n more pages may be tracked now (a hint: hm_pages_reserve() decides). */
bool hm_pages_may_track(const struct hm_pages *pages, unsigned long n);

/* The bytes of every target's chunks, counted against max_memory_mb. */
u64 hm_pages_memory_bytes(void);

/*
 * Whether the page at addr held a record at the last pass (resident or
 * swapped out; RCU, lockless).
 */
bool hm_pages_known(struct hm_pages *pages, unsigned long addr);

#endif /* _HEAPMON_PAGES_H */
