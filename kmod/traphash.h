/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Trap mode's table of armed pages: open addressing with linear probing,
 * at most half full, deletion by moving back the entries after the hole
 * (no tombstones, so probes stay short however many pages come and go).
 * Plain C, no locking: trap.c holds the table's lock around every call; the
 * unit tests build it in userspace.
 */
#ifndef _HEAPMON_TRAPHASH_H
#define _HEAPMON_TRAPHASH_H

struct hm_trap_slot {
	unsigned long addr;	/* page address, 0 when free */
	u32 idle;		/* its idle periods when armed */
	u32 pass;		/* the pass that armed it (low bits) */
};

/* Where addr's probe starts in a table of mask + 1 (a power of two) slots. */
static inline unsigned int hm_trap_home(unsigned long addr, unsigned int mask)
{
	return (unsigned int)(((u64)(addr >> 12) * 0x9e3779b97f4a7c15ULL) >> 32) & mask;
}

/* The slot holding addr, or the free slot where its probe ends. */
static inline unsigned int hm_trap_slot_probe(const struct hm_trap_slot *slot, unsigned int mask,
					      unsigned long addr)
{
	unsigned int i = hm_trap_home(addr, mask);

	while (slot[i].addr && slot[i].addr != addr)
		i = (i + 1) & mask;
	return i;
}

/* The slot holding addr, or -1. */
static inline int hm_trap_slot_find(const struct hm_trap_slot *slot, unsigned int mask,
				    unsigned long addr)
{
	unsigned int i = hm_trap_slot_probe(slot, mask, addr);

	return slot[i].addr ? (int)i : -1;
}

/*
 * The free slot where addr goes, its address set; NULL if addr is there
 * already. The caller keeps the table at most half full.
 */
static inline struct hm_trap_slot *hm_trap_slot_insert(struct hm_trap_slot *slot, unsigned int mask,
						       unsigned long addr)
{
	unsigned int i = hm_trap_slot_probe(slot, mask, addr);

	if (slot[i].addr)
		return NULL;
	slot[i].addr = addr;
	return &slot[i];
}

/*
 * Empties slot i: each later entry of its run whose home is not cyclically
 * in (hole, entry] moves back into the hole, which then moves on to it.
 */
static inline void hm_trap_slot_delete(struct hm_trap_slot *slot, unsigned int mask, unsigned int i)
{
	unsigned int j = i, k;

	for (;;) {
		j = (j + 1) & mask;
		if (!slot[j].addr)
			break;
		k = hm_trap_home(slot[j].addr, mask);
		if (i <= j ? (i < k && k <= j) : (i < k || k <= j))
			continue;
		slot[i] = slot[j];
		i = j;
	}
	slot[i].addr = 0;
}

#endif /* _HEAPMON_TRAPHASH_H */
