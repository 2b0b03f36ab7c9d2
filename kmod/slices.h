/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A range of a target's page records summed up per slice (HEAPMON_CMD_SLICES):
 * what a live view draws of a region, without copying its records out.
 */
#ifndef _HEAPMON_SLICES_H
#define _HEAPMON_SLICES_H

#include <linux/types.h>

#include <uapi/linux/heapmon.h>

struct hm_pages;

/* 12.3 KiB: allocate it (kvmalloc) before taking the target's lock. */
struct hm_slices {
	u64 start;
	u64 end;
	unsigned int n;
	unsigned int cur;			/* the slice of the last unit counted */
	u64 pass;				/* the records as of this pass */
	u64 first[HEAPMON_SLICES_MAX + 1];	/* each slice's first offset; first[n]: len */
	struct heapmon_slice s[HEAPMON_SLICES_MAX];
};

/*
 * Sums up the records of the pages in [start, end) (start < end), as of
 * pass, into sl->s[0..n-1] (1 <= n <= HEAPMON_SLICES_MAX) as the uapi header
 * says. Under the target's lock, which keeps the records of one pass; may
 * sleep.
 */
void hm_slices_sum(struct hm_pages *pages, u64 pass, u64 start, u64 end, unsigned int n,
		   struct hm_slices *sl);

#endif /* _HEAPMON_SLICES_H */
