// SPDX-License-Identifier: GPL-2.0
/*
 * Per-slice summaries. Slice i of n holds the offsets off from start with
 * off * n / len == i, len = end - start: the first offset of slice i is
 * ceil(i * len / n), computed once per slice without overflow, so that each
 * 4 KiB unit only moves a cursor forward (units come in address order).
 * heapmonctl's hm_heat_slices() does the same sums from a PAGES dump, and
 * the two must agree exactly (tests/guest/36-slices.sh).
 */

#include <linux/bitops.h>
#include <linux/math64.h>
#include <linux/minmax.h>
#include <linux/sched.h>
#include <linux/xarray.h>

#include "pages.h"
#include "slices.h"

#define HM_UNIT PAGE_SIZE

static void hm_slices_init(struct hm_slices *sl, u64 start, u64 end, unsigned int n)
{
	u64 len = end - start, q = div_u64(len, n), r = len - q * n;
	unsigned int i;

	sl->start = start;
	sl->end = end;
	sl->n = n;
	sl->cur = 0;
	/* ceil(i * len / n) = i * q + ceil(i * r / n), and i * r < n * n. */
	for (i = 0; i <= n; i++)
		sl->first[i] = i * q + div_u64((u64)i * r + n - 1, n);
	for (i = 0; i < n; i++)
		sl->s[i] = (struct heapmon_slice){ .idle_min = HEAPMON_SLICE_IDLE_NONE };
}

/* The slice of offset off, from slice from on. */
static unsigned int hm_slice_of(const struct hm_slices *sl, unsigned int from, u64 off)
{
	while (from + 1 < sl->n && sl->first[from + 1] <= off)
		from++;
	return from;
}

/* A page of size bytes at addr, resident or swapped out, with record rec. */
static void hm_slices_page(struct hm_slices *sl, u64 addr, u64 size, u32 rec, bool swapped)
{
	u64 a = max(addr, sl->start), last = min(addr + size, sl->end);
	bool touched = HEAPMON_REC_TOUCHED(rec);
	u32 idle = HEAPMON_REC_IDLE_PERIODS(rec);
	struct heapmon_slice *s;
	unsigned int top, i;

	for (; a < last; a += HM_UNIT) {
		sl->cur = hm_slice_of(sl, sl->cur, a - sl->start);
		s = &sl->s[sl->cur];
		if (swapped) {
			s->swapped++;
			continue;
		}
		s->resident++;
		if (!touched)
			s->never++;
		else
			s->idle_sum += idle;
		/* The unit also warms the slices its last byte reaches. */
		top = hm_slice_of(sl, sl->cur, min(a + HM_UNIT, last) - 1 - sl->start);
		for (i = sl->cur; i <= top; i++) {
			sl->s[i].flags |= HEAPMON_SLICE_F_RESIDENT;
			if (touched && idle < sl->s[i].idle_min)
				sl->s[i].idle_min = idle;
		}
	}
}

static void hm_slices_chunk(struct hm_slices *sl, const struct hm_chunk *c)
{
	u64 base = (u64)c->index << HM_CHUNK_SHIFT;
	unsigned int i;

	if (c->huge) {
		if (test_bit(0, c->present))
			hm_slices_page(sl, base, (u64)HM_CHUNK_PAGES << PAGE_SHIFT, c->rec[0],
				       false);
		return;
	}
	for_each_set_bit(i, c->present, HM_CHUNK_PAGES)
		hm_slices_page(sl, base + ((u64)i << PAGE_SHIFT), PAGE_SIZE, c->rec[i],
			       test_bit(i, c->swapped));
}

void hm_slices_sum(struct hm_pages *pages, u64 start, u64 end, unsigned int n,
		   struct hm_slices *sl)
{
	unsigned long index, count = 0;
	struct hm_chunk *c;

	hm_slices_init(sl, start, end, n);
	xa_for_each_range(&pages->chunks, index, c, start >> HM_CHUNK_SHIFT,
			  (end - 1) >> HM_CHUNK_SHIFT) {
		hm_slices_chunk(sl, c);
		/* A mutex, not a spinlock: a huge range may yield now and then. */
		if (!(++count % 64))
			cond_resched();
	}
}
