// SPDX-License-Identifier: GPL-2.0
/*
 * Per-slice summaries. Slice i of n holds the offsets off from start with
 * off * n / len == i, len = end - start: the first offset of slice i is
 * ceil(i * len / n), computed once per slice without overflow, so that the
 * 4 KiB units only move a cursor forward (they come in address order), and
 * a huge page costs one step per slice it covers, not 512.
 * heapmonctl's hm_heat_slices() does the same sums from a PAGES dump, and
 * the two must agree exactly (tests/guest/36-slices.sh).
 */

#include <linux/bitops.h>
#include <linux/bug.h>
#include <linux/math.h>
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

/*
 * A page of size bytes at addr, resident or swapped out, with record rec: its
 * units in [start, end), a slice's worth at a time. Of the units that start
 * in one slice only the last can reach into the next ones (the others end
 * before the next unit starts, at or before the slice's end): it warms every
 * slice its last byte reaches.
 */
static void hm_slices_page(struct hm_slices *sl, u64 addr, u64 size, u32 rec, bool swapped)
{
	u64 a = max(addr, sl->start), last = min(addr + size, sl->end), stop, units;
	bool touched = HEAPMON_REC_TOUCHED(rec);
	u32 idle = HEAPMON_REC_IDLE_PERIODS(rec);
	struct heapmon_slice *s;
	unsigned int top, i;

	while (a < last) {
		sl->cur = hm_slice_of(sl, sl->cur, a - sl->start);
		s = &sl->s[sl->cur];
		/* The units that start in this slice: up to its end, first[cur + 1]. */
		stop = min(last, sl->start + sl->first[sl->cur + 1]);
		/* a is below the slice's end by hm_slice_of(): never loop in place. */
		if (WARN_ON_ONCE(stop <= a))
			return;
		units = DIV_ROUND_UP_ULL(stop - a, HM_UNIT);
		a += units * HM_UNIT;
		if (swapped) {
			s->swapped += units;
			continue;
		}
		s->resident += units;
		if (!touched)
			s->never += units;
		else
			s->idle_sum += units * idle;
		top = hm_slice_of(sl, sl->cur, min(a, last) - 1 - sl->start);
		for (i = sl->cur; i <= top; i++) {
			sl->s[i].flags |= HEAPMON_SLICE_F_RESIDENT;
			if (touched && idle < sl->s[i].idle_min)
				sl->s[i].idle_min = idle;
		}
	}
}

/* The small pages of a chunk that lies whole in slice cur, up to its end. */
static void hm_slices_span(struct hm_slices *sl, const struct hm_chunk *c, unsigned int cur)
{
	struct heapmon_slice *s = &sl->s[cur];
	unsigned int i;
	u32 rec, idle;

	for_each_set_bit(i, c->present, HM_CHUNK_PAGES) {
		if (test_bit(i, c->swapped)) {
			s->swapped++;
			continue;
		}
		rec = hm_chunk_rec(c, i, sl->pass);
		s->resident++;
		s->flags |= HEAPMON_SLICE_F_RESIDENT;
		if (!HEAPMON_REC_TOUCHED(rec)) {
			s->never++;
			continue;
		}
		idle = HEAPMON_REC_IDLE_PERIODS(rec);
		s->idle_sum += idle;
		s->idle_min = min(s->idle_min, idle);
	}
}

static void hm_slices_chunk(struct hm_slices *sl, const struct hm_chunk *c)
{
	u64 base = (u64)c->index << HM_CHUNK_SHIFT, span = (u64)HM_CHUNK_PAGES << PAGE_SHIFT;
	unsigned int i, cur;

	if (c->huge) {
		if (test_bit(0, c->present))
			hm_slices_page(sl, base, span, hm_chunk_rec(c, 0, sl->pass), false);
		return;
	}
	/* The common case: the whole span in [start, end) and in one slice. */
	if (base >= sl->start && base + span <= sl->end) {
		cur = hm_slice_of(sl, sl->cur, base - sl->start);
		if (base + span - sl->start <= sl->first[cur + 1]) {
			sl->cur = cur;
			hm_slices_span(sl, c, cur);
			return;
		}
	}
	for_each_set_bit(i, c->present, HM_CHUNK_PAGES)
		hm_slices_page(sl, base + ((u64)i << PAGE_SHIFT), PAGE_SIZE,
			       hm_chunk_rec(c, i, sl->pass), test_bit(i, c->swapped));
}

void hm_slices_sum(struct hm_pages *pages, u64 pass, u64 start, u64 end, unsigned int n,
		   struct hm_slices *sl)
{
	unsigned long index, count = 0;
	struct hm_chunk *c;

	hm_slices_init(sl, start, end, n);
	sl->pass = pass;
	xa_for_each_range(&pages->chunks, index, c, start >> HM_CHUNK_SHIFT,
			  (end - 1) >> HM_CHUNK_SHIFT) {
		hm_slices_chunk(sl, c);
		/* A mutex, not a spinlock: a huge range may yield now and then. */
		if (!(++count % 64))
			cond_resched();
	}
}
