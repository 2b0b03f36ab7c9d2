/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A target's statistics: the last pass's results and counters kept over its
 * passes, read by STATS and sysfs. target.c owns them and their lock.
 */
#ifndef _HEAPMON_STATS_H
#define _HEAPMON_STATS_H

#include <linux/types.h>

#include "pages.h"

struct hm_region_set;
struct hm_walk_result;

struct hm_target_stats {
	u64 passes;
	u64 tracked_bytes;
	struct hm_hist hist;
	u64 pass_ns;
	u64 pass_pages;
	u64 dormant_pages;	/* in page tables the pass left dormant (revisit) */
	u64 untracked_pages;
	u64 skipped_passes;	/* the target's mmap lock could not be had */
	u64 alloc_retries;	/* times a pass dropped that lock to allocate */
	u64 lock_yields;	/* times a pass dropped it for a waiting writer */
};

/* One finished pass's statistics (number nr, nr_ns long), from its walk. */
void hm_stats_of_walk(struct hm_target_stats *pass, u64 nr, u64 nr_ns,
		      const struct hm_walk_result *res);
/* Adds them to a target's (under its stats lock); counters accumulate. */
void hm_stats_add_pass(struct hm_target_stats *st, const struct hm_target_stats *pass);
/* A pass left out: the mmap lock could not be had. */
void hm_stats_pass_skipped(struct hm_target_stats *st, const struct hm_walk_result *res);

#endif /* _HEAPMON_STATS_H */
