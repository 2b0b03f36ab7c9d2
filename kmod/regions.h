/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A target's tracked regions, as found by its last pass: each anonymous
 * private writable mapping, with the statistics of its pages. The set is
 * rebuilt by every pass and published under RCU for the probes.
 */
#ifndef _HEAPMON_REGIONS_H
#define _HEAPMON_REGIONS_H

#include <linux/atomic.h>
#include <linux/mm.h>
#include <linux/rcupdate.h>

#include <uapi/linux/heapmon.h>

#include "pages.h"

struct hm_region {
	unsigned long start;
	unsigned long end;
	u32 kind;		/* enum heapmon_region_kind */
	atomic64_t faults;
	struct hm_hist hist;
};

struct hm_region_set {
	struct rcu_head rcu;
	unsigned int nr;
	unsigned int cap;
	struct hm_region r[];
};

/* Which memory heapmon follows: the brk heap and anonymous private mappings. */
static inline bool hm_vma_tracked(struct vm_area_struct *vma)
{
	if (!vma_is_anonymous(vma))
		return false;
	if (vma->vm_flags & (VM_SHARED | VM_IO | VM_PFNMAP | VM_HUGETLB | VM_GROWSDOWN |
			     VM_GROWSUP))
		return false;
	return vma->vm_flags & VM_WRITE;
}

static inline u32 hm_vma_kind(struct vm_area_struct *vma)
{
	const struct mm_struct *mm = vma->vm_mm;

	if (vma->vm_start < mm->brk && vma->vm_end > mm->start_brk)
		return HEAPMON_REGION_BRK;
	return HEAPMON_REGION_ANON;
}

struct hm_region_set *hm_regions_alloc(unsigned int cap);
/* Appends a region, growing the set when full; NULL when out of memory. */
struct hm_region *hm_regions_append(struct hm_region_set **set, unsigned long start,
				    unsigned long end, u32 kind);
/* The region holding addr, or NULL. The set must be sorted (passes build it so). */
struct hm_region *hm_regions_find(struct hm_region_set *set, unsigned long addr);
bool hm_regions_overlap(struct hm_region_set *set, unsigned long start, unsigned long end);
/* Carries the fault counts of regions that survive from old into new. */
void hm_regions_carry(struct hm_region_set *new, struct hm_region_set *old);

#endif /* _HEAPMON_REGIONS_H */
