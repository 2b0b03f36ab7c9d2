// SPDX-License-Identifier: GPL-2.0
/* A target's statistics, from the walks of its passes. */

#include "regions.h"
#include "sample.h"
#include "stats.h"

void hm_stats_of_walk(struct hm_target_stats *pass, u64 nr, u64 nr_ns,
		      const struct hm_walk_result *res)
{
	const struct hm_region_set *set = res->set;
	unsigned int i;

	*pass = (struct hm_target_stats){
		.passes = nr,
		.pass_ns = nr_ns,
		.pass_pages = res->scanned,
		.dormant_pages = res->dormant,
		.untracked_pages = res->untracked,
		.alloc_retries = res->alloc_retries,
		.lock_yields = res->lock_yields,
	};
	for (i = 0; i < set->nr; i++) {
		hm_hist_sum(&pass->hist, &set->r[i].hist);
		pass->tracked_bytes += set->r[i].end - set->r[i].start;
	}
}

void hm_stats_add_pass(struct hm_target_stats *st, const struct hm_target_stats *pass)
{
	st->passes = pass->passes;
	st->pass_ns = pass->pass_ns;
	st->pass_pages = pass->pass_pages;
	st->dormant_pages = pass->dormant_pages;
	st->untracked_pages = pass->untracked_pages;
	st->hist = pass->hist;
	st->tracked_bytes = pass->tracked_bytes;
	st->alloc_retries += pass->alloc_retries;
	st->lock_yields += pass->lock_yields;
}

void hm_stats_pass_skipped(struct hm_target_stats *st, const struct hm_walk_result *res)
{
	st->skipped_passes++;
	st->lock_yields += res->lock_yields;
}
