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

/*
 * The count after passes from + 1 through pass "to", each hm_count_next(): what
 * a page untouched meanwhile would have counted, in a few steps however
 * long the gap (a page table the pass did not visit, see sample.c).
 */
static inline u32 hm_count_advance(u32 count, u64 from, u64 to)
{
	u64 steps;

	if (to <= from)
		return count;
	if (count + 1 < HEAPMON_REC_EXACT) {
		steps = to - from;
		if (steps > HEAPMON_REC_EXACT - 1 - count)
			steps = HEAPMON_REC_EXACT - 1 - count;
		count += steps;
		from += steps;
	}
	/* The coarse steps: passes p with p - 1 a multiple, p - 1 in [from, to - 1]. */
	steps = (to - 1) / HEAPMON_REC_COARSE_PERIODS + 1 -
		(from + HEAPMON_REC_COARSE_PERIODS - 1) / HEAPMON_REC_COARSE_PERIODS;
	if (count + steps > HEAPMON_REC_IDLE_MAX)
		return HEAPMON_REC_IDLE_MAX;
	return count + steps;
}

#endif /* _HEAPMON_COUNTS_H */
