/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Trap mode: a few of a target's idle pages are armed (their PTEs made
 * PROT_NONE, as NUMA balancing makes its hinting faults), and the first touch
 * of each is caught in the fault probe: when, by which instruction, by which
 * thread. The kernel's own NUMA hint fault path makes the PTE present again.
 *
 * A target's armed pages are kept in a small open-addressed hash of their
 * addresses, which the pass fills (under the PTE lock, before it changes the
 * PTE) and the fault probe empties (under RCU, in any context). A page
 * leaves it touched (a hit), or when the pass finds its PTE no longer armed
 * (lost: unmapped, zapped, swapped out, migrated).
 */
#ifndef _HEAPMON_TRAP_H
#define _HEAPMON_TRAP_H

#include <linux/pgtable.h>
#include <linux/spinlock.h>
#include <linux/types.h>

#include "traphash.h"

struct mm_struct;
struct netlink_ext_ack;
struct nlattr;
struct pt_regs;
struct vm_area_struct;

struct hm_traps {
	/* Raw: the fault probe takes it, where a PREEMPT_RT spinlock_t must not be taken. */
	raw_spinlock_t lock;
	struct hm_trap_slot *slot;	/* a power of two of them; NULL when trap mode is off */
	unsigned int mask;
	unsigned int max;		/* most pages armed at once (HEAPMON_A_TRAP) */
	unsigned int armed;		/* under lock; read without it as a hint */
	unsigned long cursor;		/* the next pass arms from here on */
	u64 hits;			/* under lock */
	u64 lost;			/* under lock */
};

/* max pages at most armed at once; 0: trap mode off. */
int hm_traps_init(struct hm_traps *tr, unsigned int max);
/* Armed pages are left to the kernel, which restores each on its next touch. */
void hm_traps_free(struct hm_traps *tr);

/*
 * 0 if this kernel and machine can have trap mode; else -EOPNOTSUPP, and
 * why in extack, against attr.
 */
int hm_traps_supported(const struct nlattr *attr, struct netlink_ext_ack *extack);

/*
 * Pages the pass may arm now (the target's and the machine-wide room);
 * 0 when the target's address space cannot be armed.
 */
unsigned int hm_traps_room(struct hm_traps *tr, struct mm_struct *mm);

/* Whether pages of vma may be armed. */
bool hm_trap_vma_ok(struct vm_area_struct *vma);

/*
 * Arms the present, not young PTE *ptep (value ptent) at addr of vma, whose
 * page has been idle for idle periods at pass, if its page may be armed.
 * The caller holds the PTE lock. True if armed.
 */
bool hm_trap_arm(struct hm_traps *tr, struct vm_area_struct *vma, unsigned long addr,
		 pte_t *ptep, pte_t ptent, u32 idle, u64 pass);

/*
 * Around a walk that may arm pages of mm: begin before the first, end after
 * the last (under the mmap read lock or not), with the pages armed; end
 * flushes mm's TLBs if any were. Between the two the kernel's unmap paths
 * flush for PROT_NONE PTEs as they do for NUMA balancing's.
 */
void hm_traps_begin(struct mm_struct *mm);
void hm_traps_end(struct mm_struct *mm, unsigned int armed);

/*
 * Drops the pages whose PTEs are no longer armed (counted lost). Under the
 * mmap read lock of mm.
 */
void hm_traps_sweep(struct hm_traps *tr, struct mm_struct *mm);

/* The address space went (exit, exec): its armed pages with it, counted lost. */
void hm_traps_forget(struct hm_traps *tr);

/* A consistent reading of the counters. */
void hm_traps_read(struct hm_traps *tr, u32 *armed, u64 *hits, u64 *lost);

struct hm_trap_hit {
	unsigned long addr;
	unsigned long ip;
	u32 tid;
	u32 idle;
	u32 flags;		/* HEAPMON_TRAP_F_* */
};

/*
 * A page fault at addr in vma, a watched target's: whether it is the touch
 * of an armed page, and if so what touched it (*hit). flags and regs are
 * handle_mm_fault()'s; pass is the target's last pass. RCU read side.
 */
bool hm_trap_fault(struct hm_traps *tr, struct vm_area_struct *vma, unsigned long addr,
		   unsigned int flags, struct pt_regs *regs, u64 pass, struct hm_trap_hit *hit);

#endif /* _HEAPMON_TRAP_H */
