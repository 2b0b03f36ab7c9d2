/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _HEAPMON_FLUSH_H
#define _HEAPMON_FLUSH_H

#include <linux/types.h>

struct mm_struct;

/* Machine-wide TLB flush accounting, for STATUS and sysfs. */
struct hm_flush_stats {
	u64 rounds;		/* flush rounds done */
	u64 cpu_flushes;	/* CPUs that ran the flush, summed over rounds */
	u64 deferred;		/* passes whose flush waited for max_flushes_per_sec */
	u64 stale_passes;	/* passes that began before their last flush was done */
	u32 per_sec;		/* rounds in the last whole second */
	u32 max_per_sec;	/* the max_flushes_per_sec parameter */
};

int hm_flush_init(void);
void hm_flush_uninit(void);

u64 hm_flush_request(struct mm_struct *mm);
/*
 * Flushes mm's TLBs on every CPU that may cache them, now, waiting for
 * them: for memory safety (trap mode), so not bounded by max_flushes_per_sec.
 */
void hm_flush_mm_now(struct mm_struct *mm);
bool hm_flush_begin_pass(u64 seq);
void hm_flush_kick(void);
void hm_flush_read_stats(struct hm_flush_stats *s);

#endif /* _HEAPMON_FLUSH_H */
