// SPDX-License-Identifier: GPL-2.0
/*
 * The kernel's side of a target's history (see history.h): its memory,
 * 63,496 bytes per target (an order-4 allocation, 64 KiB, or vmalloc when
 * that cannot be had), taken once at watch time and charged to the
 * watcher's memory cgroup; and the sample of one pass.
 */

#include <linux/minmax.h>
#include <linux/slab.h>
#include <linux/timekeeping.h>

#include "heapmon.h"
#include "history.h"
#include "pages.h"

struct hm_history *hm_history_alloc(void)
{
	struct hm_history *h = kvmalloc(sizeof(*h), GFP_KERNEL_ACCOUNT);

	if (h)
		hm_history_init(h, READ_ONCE(hm_history_unit_ms));
	return h;
}

void hm_history_free(struct hm_history *h)
{
	kvfree(h);
}

static u32 hm_units(u64 bytes)
{
	return min_t(u64, bytes >> 12, U32_MAX);
}

void hm_history_sample(struct hm_sample *s, u64 passes, const struct hm_hist *hist)
{
	s->time_ns = ktime_get_boottime_ns();
	s->passes = passes;
	s->resident = hm_units(hist->resident);
	s->swapped = hm_units(hist->swapped);
	s->touched = hm_units(hist->touched);
	s->idle1 = hm_units(hist->idle1);
	s->idle10 = hm_units(hist->idle10);
	s->idle60 = hm_units(hist->idle60);
	s->idle600 = hm_units(hist->idle600);
	s->never = hm_units(hist->never);
}
