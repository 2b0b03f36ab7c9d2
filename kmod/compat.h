/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Every difference between the kernels heapmon supports (6.1 and 6.12), and
 * every architecture detail, is bridged here, so the rest of the module reads
 * as if there were one kernel.
 */
#ifndef _HEAPMON_COMPAT_H
#define _HEAPMON_COMPAT_H

#include <linux/bitops.h>
#include <linux/mm.h>
#include <linux/page_idle.h>
#include <linux/swap.h>
#include <linux/pgtable.h>
#include <linux/version.h>
#include <net/genetlink.h>

#ifndef CONFIG_X86_64
#error "heapmon supports x86-64 only: it clears accessed bits the way x86 does"
#endif

/* 6.2 renamed the dump info accessor when split ops arrived. */
#if LINUX_VERSION_CODE < KERNEL_VERSION(6, 2, 0)
static inline const struct genl_dumpit_info *hm_dump_info(struct netlink_callback *cb)
{
	return genl_dumpit_info(cb);
}
#else
static inline const struct genl_info *hm_dump_info(struct netlink_callback *cb)
{
	return genl_info_dump(cb);
}
#endif

/* pmdp_get_lockless() came in 6.2; on x86-64 it is a plain single load. */
#if LINUX_VERSION_CODE < KERNEL_VERSION(6, 2, 0)
static inline pmd_t hm_pmdp_get_lockless(pmd_t *pmdp)
{
	return READ_ONCE(*pmdp);
}
#else
static inline pmd_t hm_pmdp_get_lockless(pmd_t *pmdp)
{
	return pmdp_get_lockless(pmdp);
}
#endif

/*
 * inc_mm_tlb_gen() is hidden from modules (#ifndef MODULE in
 * asm/tlbflush.h, 6.1 and 6.12): this is its body. A CPU switching back to
 * the mm flushes its cached ASID when tlb_gen moved; the atomic is a full
 * barrier, ordering the cleared accessed bits before the read of
 * mm_cpumask() that follows.
 */
static inline void hm_mm_tlb_gen_bump(struct mm_struct *mm)
{
	atomic64_inc_return(&mm->context.tlb_gen);
}

/*
 * ptep_test_and_clear_young() and pmdp_test_and_clear_young() are not
 * exported. On x86 each is this one atomic bit operation, and neither
 * flushes the TLB.
 */
static inline bool hm_ptep_test_and_clear_young(pte_t *ptep)
{
	return pte_young(ptep_get(ptep)) &&
	       test_and_clear_bit(_PAGE_BIT_ACCESSED, (unsigned long *)&ptep->pte);
}

static inline bool hm_pmdp_test_and_clear_young(pmd_t *pmdp)
{
	return pmd_young(READ_ONCE(*pmdp)) &&
	       test_and_clear_bit(_PAGE_BIT_ACCESSED, (unsigned long *)pmdp);
}

/*
 * A pass that clears an accessed bit takes a reference away from reclaim,
 * which asks folio_referenced() whether a folio was used. Where the kernel
 * has PG_young (CONFIG_PAGE_IDLE_FLAG, which DAMON_VADDR selects: Debian's
 * 6.12 has it), the bit is kept on the folio, as DAMON keeps it:
 * folio_referenced() counts and clears PG_young exactly as it would have
 * counted the PTE's bit, on the classic and the multi-gen LRU alike.
 * Elsewhere (Debian's 6.1) folio_mark_accessed() is the nearest exported
 * lever: the classic LRU activates a folio marked twice, and 6.1's multi-gen
 * LRU keeps a mapped folio whose PG_referenced it sets.
 */
#ifdef CONFIG_PAGE_IDLE_FLAG
static inline void hm_folio_keep_reference(struct folio *folio)
{
	/* A hot folio keeps it from pass to pass: no atomic for it then. */
	if (!folio_test_young(folio))
		folio_set_young(folio);
}
#else
/*
 * folio_mark_accessed() is a call for every young page. On the classic LRU it
 * does nothing to a folio there already referenced and active, which is what
 * every page a program keeps hot becomes after its first passes: not called
 * then. A folio on the multi-gen LRU has generation bits in its flags and
 * PG_active clear, so its folio_inc_refs() is never skipped (the module
 * cannot ask lru_gen_enabled(): lru_gen_caps is not exported).
 */
static inline void hm_folio_keep_reference(struct folio *folio)
{
	const unsigned long done = BIT(PG_lru) | BIT(PG_referenced) | BIT(PG_active);

	if ((READ_ONCE(folio->flags) & (done | LRU_GEN_MASK)) != done)
		folio_mark_accessed(folio);
}
#endif

/*
 * An armed (trap mode) PTE: what pte_modify(old, PAGE_NONE) makes of old,
 * as NUMA balancing's hinting faults make it: the pfn kept (inverted for
 * L1TF), the accessed, dirty, soft-dirty and uffd-wp bits kept, present,
 * write, user, global, protection-key and NX bits replaced by PAGE_NONE's.
 *
 * pte_modify() itself cannot be used: its _PAGE_CHG_MASK holds _PAGE_CC,
 * cc_mask, which neither 6.1 nor 6.12 exports. So the bits are changed as
 * it changes them, by naming the ones outside _PAGE_CHG_MASK instead of the
 * ones in it; where the kernel has shadow stacks (6.6 on), with its
 * Write=0,Dirty=1 rule (pte_mksaveddirty()).
 *
 * 6.1's do_numa_page() makes the page writable again if and only if the
 * PROT_NONE entry carries the write bit (pte_savedwrite(); change_pte_range()
 * sets it with pte_mk_savedwrite()); from 6.3 it works writability out
 * itself and the entry carries none.
 */
static inline pte_t hm_pte_mkprotnone(pte_t old)
{
	pteval_t oldval = pte_val(old), val;
	pte_t new;

	val = oldval & ~(_PAGE_PRESENT | _PAGE_RW | _PAGE_USER | _PAGE_GLOBAL |
			 _PAGE_PKEY_MASK | _PAGE_NX);
	val |= _PAGE_PROTNONE;
	new = __pte(flip_protnone_guard(oldval, val, PTE_PFN_MASK));
#ifdef _PAGE_SAVED_DIRTY
	new = oldval & _PAGE_RW ? pte_mksaveddirty(new) : pte_clear_saveddirty(new);
#endif
#ifdef pte_mk_savedwrite
	if (oldval & _PAGE_RW)
		new = pte_mk_savedwrite(new);
#endif
	return new;
}

#endif /* _HEAPMON_COMPAT_H */
