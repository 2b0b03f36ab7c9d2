/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The idle and age counts of a page record (see the uapi header): exact
 * below HEAPMON_REC_EXACT, then one step per HEAPMON_REC_COARSE_PERIODS
 * passes, taken on the passes whose number minus one is a multiple of it,
 * so that a count never runs ahead of the periods it stands for. The steps
 * are in phase with the watch's first pass (pass 1, the baseline): the
 * pages present when the watch began, the ones a leak hunt cares about,
 * are counted with no lag at all. Plain C: the unit tests build it in
 * userspace.
 */
#ifndef _HEAPMON_COUNTS_H
#define _HEAPMON_COUNTS_H

/* A count one period on, in pass number pass. */
static inline u32 hm_count_next(u32 count, u64 pass)
{
	if (count + 1 < HEAPMON_REC_EXACT)
		return count + 1;
	if (count == HEAPMON_REC_IDLE_MAX || (pass - 1) & (HEAPMON_REC_COARSE_PERIODS - 1))
		return count;
	return count + 1;
}

#endif /* _HEAPMON_COUNTS_H */
