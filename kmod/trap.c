// SPDX-License-Identifier: GPL-2.0
/*
 * Trap mode: arming idle pages and catching their first touch (see trap.h).
 *
 * Arming does to one PTE what NUMA balancing's change_prot_numa() does to
 * many: under the PTE lock, ptep_modify_prot_start(), pte_modify() to
 * PAGE_NONE, ptep_modify_prot_commit(). The next access faults; the fault
 * reaches handle_mm_fault(), where heapmon's probe sees the armed PTE, and
 * do_numa_page() restores it (on one node it migrates nothing). Only pages
 * whose only reference is their one mapping are armed: no zero, KSM,
 * device, large, shared, pinned or swap-cache pages; and only in accessible,
 * private, anonymous mappings without userfaultfd, of address spaces that no
 * secondary MMU mirrors (its notifier is not called: mirrored accesses would
 * go unseen).
 *
 * The TLB, as change_protection() does it: a CPU may still cache a
 * writable translation of a page just armed, and the kernel's own unmap
 * paths (ptep_clear_flush() in migration, reclaim, KSM; reclaim's batched
 * flush) flush for a PROT_NONE PTE only while mm->tlb_flush_pending says a
 * flush is on its way (x86 pte_accessible()). Without that, such a page
 * could be migrated or swapped out and freed while a CPU still writes to it.
 * So a pass that may arm raises tlb_flush_pending before its first PTE
 * change (hm_traps_begin()), and when it armed any, flushes the target's
 * CPUs at once, whatever max_flushes_per_sec or the watch's flags say,
 * before it lowers it again (hm_traps_end()).
 */

#include <linux/atomic.h>
#include <linux/log2.h>
#include <linux/mm.h>
#include <linux/mm_inline.h>
#include <linux/mmu_notifier.h>
#include <linux/netlink.h>
#include <linux/nodemask.h>
#include <linux/ptrace.h>
#include <linux/sched.h>
#include <linux/sched/task_stack.h>
#include <linux/slab.h>
#include <linux/userfaultfd_k.h>

#include <uapi/linux/heapmon.h>

#include "compat.h"
#include "flush.h"
#include "heapmon.h"
#include "trap.h"

/* Pages armed machine-wide, bounded by max_trap_pages. */
static atomic_long_t hm_traps_total = ATOMIC_LONG_INIT(0);

/* On several nodes a hint fault may migrate the page; memory hotplug may add one. */
static bool hm_traps_many_nodes(void)
{
	return num_online_nodes() > 1;
}

int hm_traps_supported(const struct nlattr *attr, struct netlink_ext_ack *extack)
{
	if (!IS_ENABLED(CONFIG_NUMA_BALANCING)) {
		NL_SET_ERR_MSG_ATTR(extack, attr,
				    "trap mode needs a kernel built with CONFIG_NUMA_BALANCING");
		return -EOPNOTSUPP;
	}
	if (!hm_max_trap_pages) {
		NL_SET_ERR_MSG_ATTR(extack, attr,
				    "trap mode is off: heapmon was loaded with max_trap_pages=0");
		return -EOPNOTSUPP;
	}
	if (hm_traps_many_nodes()) {
		NL_SET_ERR_MSG_ATTR(extack, attr,
				    "trap mode needs a machine with one online NUMA node: on more, a hint fault may migrate the page");
		return -EOPNOTSUPP;
	}
	return 0;
}

int hm_traps_init(struct hm_traps *tr, unsigned int max)
{
	raw_spin_lock_init(&tr->lock);
	tr->max = max;
	if (!max)
		return 0;
	/* At most half full: probes stay short. */
	tr->mask = roundup_pow_of_two(2 * max) - 1;
	tr->slot = kvcalloc(tr->mask + 1, sizeof(*tr->slot), GFP_KERNEL_ACCOUNT);
	return tr->slot ? 0 : -ENOMEM;
}

void hm_traps_free(struct hm_traps *tr)
{
	atomic_long_sub(tr->armed, &hm_traps_total);
	tr->armed = 0;
	kvfree(tr->slot);
	tr->slot = NULL;
}

/* Under tr->lock: empties slot i. */
static void hm_trap_delete(struct hm_traps *tr, unsigned int i)
{
	hm_trap_slot_delete(tr->slot, tr->mask, i);
	tr->armed--;
	atomic_long_dec(&hm_traps_total);
}

/*
 * Whether the PTE of addr in mm is armed (PROT_NONE), read without its lock:
 * the caller holds the mmap lock or is in a fault of mm, so the page
 * tables stay; a PTE table khugepaged retracts is freed after RCU.
 */
static bool hm_trap_pte_armed(struct mm_struct *mm, unsigned long addr)
{
	pgd_t *pgd = pgd_offset(mm, addr);
	bool armed = false;
	pmd_t pmdval;
	pud_t *pud;
	p4d_t *p4d;

	if (pgd_none(READ_ONCE(*pgd)) || pgd_bad(READ_ONCE(*pgd)))
		return false;
	p4d = p4d_offset(pgd, addr);
	if (p4d_none(READ_ONCE(*p4d)) || p4d_bad(READ_ONCE(*p4d)))
		return false;
	pud = pud_offset(p4d, addr);
	if (pud_none(READ_ONCE(*pud)) || pud_bad(READ_ONCE(*pud)) || pud_leaf(READ_ONCE(*pud)))
		return false;
	rcu_read_lock();
	pmdval = hm_pmdp_get_lockless(pmd_offset(pud, addr));
	if (pmd_present(pmdval) && !pmd_trans_huge(pmdval) && !pmd_bad(pmdval))
		armed = pte_protnone(ptep_get(pte_offset_kernel(&pmdval, addr)));
	rcu_read_unlock();
	return armed;
}

unsigned int hm_traps_room(struct hm_traps *tr, struct mm_struct *mm)
{
	long total = hm_max_trap_pages - atomic_long_read(&hm_traps_total);

	if (!tr->slot || total <= 0 || mm_has_notifiers(mm) || hm_traps_many_nodes())
		return 0;
	return min_t(unsigned long, tr->max - READ_ONCE(tr->armed), total);
}

bool hm_trap_vma_ok(struct vm_area_struct *vma)
{
	return vma_is_anonymous(vma) && vma_is_accessible(vma) && !userfaultfd_armed(vma) &&
	       !(vma->vm_flags & (VM_SHARED | VM_HUGETLB | VM_PFNMAP | VM_IO | VM_MIXEDMAP |
				  VM_MERGEABLE));
}

/* Whether the page a present PTE maps may be armed: referenced by its one mapping alone. */
static bool hm_trap_page_ok(pte_t ptent)
{
	unsigned long pfn = pte_pfn(ptent);
	struct folio *folio;

	if (is_zero_pfn(pfn) || !pfn_valid(pfn))
		return false;
	folio = page_folio(pfn_to_page(pfn));
	return folio_test_anon(folio) && !folio_test_large(folio) && !folio_test_ksm(folio) &&
	       !folio_is_zone_device(folio) && folio_ref_count(folio) == 1;
}

bool hm_trap_arm(struct hm_traps *tr, struct vm_area_struct *vma, unsigned long addr,
		 pte_t *ptep, pte_t ptent, u32 idle, u64 pass)
{
	struct hm_trap_slot *s;
	unsigned long flags;
	pte_t old;
	int i;

	if (!IS_ENABLED(CONFIG_NUMA_BALANCING) || pte_protnone(ptent) || !hm_trap_page_ok(ptent))
		return false;
	if (atomic_long_inc_return(&hm_traps_total) > hm_max_trap_pages) {
		atomic_long_dec(&hm_traps_total);
		return false;
	}
	/* In the hash before the PTE is armed: the probe looks for both. */
	raw_spin_lock_irqsave(&tr->lock, flags);
	s = tr->armed < tr->max ? hm_trap_slot_insert(tr->slot, tr->mask, addr) : NULL;
	if (s) {
		tr->armed++;
		s->idle = idle;
		s->pass = pass;
	}
	raw_spin_unlock_irqrestore(&tr->lock, flags);
	if (!s) {
		atomic_long_dec(&hm_traps_total);
		return false;
	}
	old = ptep_modify_prot_start(vma, addr, ptep);
	if (pte_young(old)) {
		/* Touched since the pass looked: not idle, leave it as it was. */
		ptep_modify_prot_commit(vma, addr, ptep, old, old);
		raw_spin_lock_irqsave(&tr->lock, flags);
		i = hm_trap_slot_find(tr->slot, tr->mask, addr);
		if (i >= 0)
			hm_trap_delete(tr, i);
		raw_spin_unlock_irqrestore(&tr->lock, flags);
		return false;
	}
	ptep_modify_prot_commit(vma, addr, ptep, old, hm_pte_mkprotnone(old));
	return true;
}

void hm_traps_begin(struct mm_struct *mm)
{
	inc_tlb_flush_pending(mm);
}

void hm_traps_end(struct mm_struct *mm, unsigned int armed)
{
	if (armed)
		hm_flush_mm_now(mm);
	dec_tlb_flush_pending(mm);
}

void hm_traps_sweep(struct hm_traps *tr, struct mm_struct *mm)
{
	unsigned long flags, addr;
	unsigned int i = 0;

	if (!tr->slot)
		return;
	/* The lock is taken per slot: a probe never waits for the whole sweep. */
	while (i <= tr->mask && READ_ONCE(tr->armed)) {
		raw_spin_lock_irqsave(&tr->lock, flags);
		addr = tr->slot[i].addr;
		if (addr && !hm_trap_pte_armed(mm, addr)) {
			hm_trap_delete(tr, i);
			tr->lost++;
			/* Another entry may have moved into slot i: look at it again. */
			raw_spin_unlock_irqrestore(&tr->lock, flags);
			continue;
		}
		raw_spin_unlock_irqrestore(&tr->lock, flags);
		i++;
	}
}

void hm_traps_forget(struct hm_traps *tr)
{
	unsigned long flags;
	unsigned int i;

	if (!tr->slot)
		return;
	raw_spin_lock_irqsave(&tr->lock, flags);
	for (i = 0; i <= tr->mask; i++)
		tr->slot[i].addr = 0;
	atomic_long_sub(tr->armed, &hm_traps_total);
	tr->lost += tr->armed;
	tr->armed = 0;
	tr->cursor = 0;
	raw_spin_unlock_irqrestore(&tr->lock, flags);
}

void hm_traps_read(struct hm_traps *tr, u32 *armed, u64 *hits, u64 *lost)
{
	unsigned long flags;

	raw_spin_lock_irqsave(&tr->lock, flags);
	*armed = tr->armed;
	*hits = tr->hits;
	*lost = tr->lost;
	raw_spin_unlock_irqrestore(&tr->lock, flags);
}

bool hm_trap_fault(struct hm_traps *tr, struct vm_area_struct *vma, unsigned long addr,
		   unsigned int flags, struct pt_regs *regs, u64 pass, struct hm_trap_hit *hit)
{
	struct hm_trap_slot s = {};
	unsigned long irqflags;
	int i;

	addr &= PAGE_MASK;
	raw_spin_lock_irqsave(&tr->lock, irqflags);
	i = tr->slot ? hm_trap_slot_find(tr->slot, tr->mask, addr) : -1;
	/* Not armed any more (unmapped, zapped): a fault of another kind. */
	if (i >= 0 && hm_trap_pte_armed(vma->vm_mm, addr)) {
		s = tr->slot[i];
		hm_trap_delete(tr, i);
		tr->hits++;
	}
	raw_spin_unlock_irqrestore(&tr->lock, irqflags);
	if (!s.addr)
		return false;

	hit->addr = addr;
	/* Armed by a pass not yet published: no period has gone by since. */
	hit->idle = s.idle + max_t(s32, (u32)pass - s.pass, 0);
	hit->flags = flags & FAULT_FLAG_WRITE ? HEAPMON_TRAP_F_WRITE : 0;
	hit->tid = 0;
	hit->ip = 0;
	if ((flags & FAULT_FLAG_REMOTE) || current->mm != vma->vm_mm ||
	    (current->flags & PF_KTHREAD)) {
		/* Another process (ptrace, process_vm_readv, /proc/PID/mem) or a kernel thread. */
		hit->flags |= HEAPMON_TRAP_F_REMOTE;
		return true;
	}
	hit->tid = task_pid_vnr(current);
	if (regs && user_mode(regs)) {
		hit->ip = instruction_pointer(regs);
	} else {
		/* The kernel touched it in a system call: where the call came from. */
		hit->flags |= HEAPMON_TRAP_F_KERNEL;
		hit->ip = instruction_pointer(task_pt_regs(current));
	}
	return true;
}
