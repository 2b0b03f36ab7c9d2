/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The sampling walk: one pass over an address space's tracked mappings,
 * updating the page records it is given and returning what it found. It
 * knows nothing of targets; target.c decides when to walk and publishes the
 * result.
 */
#ifndef _HEAPMON_SAMPLE_H
#define _HEAPMON_SAMPLE_H

#include <linux/hash.h>
#include <linux/log2.h>
#include <linux/types.h>

struct hm_pages;
struct hm_region_set;
struct hm_traps;
struct mm_struct;

struct hm_walk_args {
	u64 pass;			/* the target's pass number, from 1 (the baseline) */
	u64 walk;			/* a number no earlier walk of these records had */
	unsigned int nr_regions;	/* the last walk's region count: a size hint */
	unsigned int reserve;		/* chunks to allocate up front: the last walk's need */
	unsigned int interval_ms;	/* the target's period: how long to try for the lock */
	u32 revisit;			/* adaptive: dormant page tables every revisit passes */
	const unsigned long *wake;	/* with revisit: HM_WAKE_BITS bits, hm_wake_bit() */
	struct hm_traps *traps;		/* trap mode: pages armed, more to arm; or NULL */
};

/*
 * The spans a page fault woke since the last pass, hashed into a few bits
 * (false positives only cost a visit): a dormant span whose bit is set is
 * visited.
 */
#define HM_WAKE_BITS 1024

static inline unsigned int hm_wake_bit(unsigned long chunk_index)
{
	return hash_long(chunk_index, ilog2(HM_WAKE_BITS));
}

struct hm_walk_result {
	struct hm_region_set *set;	/* the tracked mappings and their counts; NULL on error */
	u64 scanned;			/* pages with a record visited */
	u64 dormant;			/* pages with a record in page tables left dormant */
	u64 untracked;			/* pages seen that the limits left without one */
	u64 alloc_retries;		/* times the mmap lock was dropped to allocate */
	u64 lock_yields;		/* times it was dropped for a waiting writer */
	unsigned int chunks_taken;	/* new chunks this walk needed */
};

/*
 * Walks mm's tracked mappings under its mmap read lock, taken and dropped
 * as writers wait, testing and clearing accessed bits into pages. 0, or
 * -EAGAIN (the lock could not be had: no set) or -ENOMEM; the counters of
 * res are filled either way. May sleep; the caller serializes walks of the
 * same pages.
 */
int hm_sample_walk(struct mm_struct *mm, struct hm_pages *pages, const struct hm_walk_args *args,
		   struct hm_walk_result *res);

#endif /* _HEAPMON_SAMPLE_H */
