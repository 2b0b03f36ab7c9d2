// SPDX-License-Identifier: GPL-2.0

#include <linux/overflow.h>
#include <linux/slab.h>

#include "regions.h"

struct hm_region_set *hm_regions_alloc(unsigned int cap)
{
	struct hm_region_set *set;

	cap = max(cap, 8U);
	set = kvzalloc(struct_size(set, r, cap), GFP_KERNEL_ACCOUNT);
	if (set)
		set->cap = cap;
	return set;
}

struct hm_region *hm_regions_append(struct hm_region_set **setp, unsigned long start,
				    unsigned long end, u32 kind)
{
	struct hm_region_set *set = *setp;
	struct hm_region *r;

	if (set->nr == set->cap) {
		struct hm_region_set *bigger = hm_regions_alloc(set->cap * 2);

		if (!bigger)
			return NULL;
		memcpy(bigger->r, set->r, set->nr * sizeof(set->r[0]));
		bigger->nr = set->nr;
		kvfree(set);
		*setp = set = bigger;
	}
	r = &set->r[set->nr++];
	r->start = start;
	r->end = end;
	r->kind = kind;
	return r;
}

static int hm_regions_index(struct hm_region_set *set, unsigned long addr)
{
	unsigned int lo = 0, hi = set->nr;

	while (lo < hi) {
		unsigned int mid = lo + (hi - lo) / 2;

		if (addr < set->r[mid].start)
			hi = mid;
		else if (addr >= set->r[mid].end)
			lo = mid + 1;
		else
			return mid;
	}
	return -(int)lo - 1;	/* not found: -(insertion point) - 1 */
}

struct hm_region *hm_regions_find(struct hm_region_set *set, unsigned long addr)
{
	int i;

	if (!set)
		return NULL;
	i = hm_regions_index(set, addr);
	return i >= 0 ? &set->r[i] : NULL;
}

bool hm_regions_overlap(struct hm_region_set *set, unsigned long start, unsigned long end)
{
	int i;

	if (!set || start >= end)
		return false;
	i = hm_regions_index(set, start);
	if (i >= 0)
		return true;
	i = -i - 1;
	return i < set->nr && set->r[i].start < end;
}

void hm_regions_carry(struct hm_region_set *new, struct hm_region_set *old)
{
	unsigned int i;

	if (!old)
		return;
	for (i = 0; i < new->nr; i++) {
		struct hm_region *r = &new->r[i];
		struct hm_region *was = hm_regions_find(old, r->start);

		if (was && was->start == r->start)
			atomic64_set(&r->faults, atomic64_read(&was->faults));
	}
}
