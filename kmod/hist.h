/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Pages by idle age: the histogram a pass builds for each region and the
 * target, and the tally it counts a page table's small pages in first, one
 * counter a page, summed into the histogram once per page table. Plain C:
 * the unit tests build it in userspace.
 */
#ifndef _HEAPMON_HIST_H
#define _HEAPMON_HIST_H

/*
 * Bytes of a page by idle age, for one region or a whole target. The idle
 * buckets count resident and swapped pages alike: a leak reclaim swapped
 * out is still a leak.
 */
struct hm_hist {
	u64 resident;
	u64 swapped;		/* swapped out, record kept: not in resident */
	u64 huge;
	u64 touched;		/* touched in the last period: idle == 0, touched > 0 */
	u64 idle1;
	u64 idle10;
	u64 idle60;
	u64 idle600;
	u64 never;		/* touched == 0 */
};

static inline void hm_hist_add_page(struct hm_hist *h, u32 rec, u64 bytes, bool huge,
				    bool swapped)
{
	u32 idle = HEAPMON_REC_IDLE(rec);

	if (swapped)
		h->swapped += bytes;
	else
		h->resident += bytes;
	if (huge)
		h->huge += bytes;
	if (!idle && HEAPMON_REC_TOUCHED(rec))
		h->touched += bytes;
	if (idle >= 1)
		h->idle1 += bytes;
	if (idle >= 10)
		h->idle10 += bytes;
	if (idle >= 60)
		h->idle60 += bytes;
	if (idle >= 600)
		h->idle600 += bytes;
	if (!HEAPMON_REC_TOUCHED(rec))
		h->never += bytes;
}

static inline void hm_hist_sum(struct hm_hist *sum, const struct hm_hist *h)
{
	sum->resident += h->resident;
	sum->swapped += h->swapped;
	sum->huge += h->huge;
	sum->touched += h->touched;
	sum->idle1 += h->idle1;
	sum->idle10 += h->idle10;
	sum->idle60 += h->idle60;
	sum->idle600 += h->idle600;
	sum->never += h->never;
}

/*
 * Small pages by [swapped][never touched][idle: 0, 1-9, 10-59, 60-599, 600
 * or more]: what hm_hist_add_page() would add, one increment a page.
 */
struct hm_tally {
	u32 n[2][2][5];
};

static inline void hm_tally_page(struct hm_tally *t, u32 rec, bool swapped)
{
	u32 idle = HEAPMON_REC_IDLE(rec);
	/* Per page in a pass: the bucket (0, 1-9, 10-59, 60-599, 600+) without a branch. */
	unsigned int b = (idle > 0) + (idle >= 10) + (idle >= 60) + (idle >= 600);

	t->n[swapped][!HEAPMON_REC_TOUCHED(rec)][b]++;
}

/*
 * Adds the tally's pages, of unit bytes each, to h, and zeroes the tally:
 * each counter as a record of its class, through hm_hist_add_page().
 */
static inline void hm_tally_flush(struct hm_tally *t, struct hm_hist *h, u64 unit)
{
	static const u32 idle[5] = { 0, 1, 10, 60, 600 };
	unsigned int s, never, b;
	u32 rec;

	for (s = 0; s < 2; s++) {
		for (never = 0; never < 2; never++) {
			for (b = 0; b < 5; b++) {
				if (!t->n[s][never][b])
					continue;
				rec = (never ? 0 : 1) | idle[b] << 8;
				hm_hist_add_page(h, rec, t->n[s][never][b] * unit, false, s);
				t->n[s][never][b] = 0;
			}
		}
	}
}

#endif /* _HEAPMON_HIST_H */
