// SPDX-License-Identifier: GPL-2.0
/*
 * The sampling pass: walk the page tables of a target's tracked mappings,
 * test and clear each resident page's accessed bit, and update that page's
 * record. A page reclaim swapped out keeps its record while its PTE holds the
 * swap entry: it ages as an idle page, and carries on from there when it
 * comes back.
 *
 * walk_page_range() is not exported, so the walk is by hand, as the kernel's
 * own walkers do it: under mmap_read_lock, huge PMDs first under the PMD lock,
 * then PTEs under the PTE lock. Since 6.5 khugepaged may free a PTE table
 * while only the mmap read lock is held, so the PTE table is entered under
 * RCU and the PMD re-checked once its lock is taken (what pte_offset_map_lock()
 * does, which 6.12 does not export).
 *
 * The walk holds the read lock of the target's mmap lock, which its mmap,
 * munmap and brk wait for. When one of them waits, the walk lets it in
 * between two page tables (2 MiB spans) and takes the lock again, then goes
 * on from the same address in whatever mapping is there now.
 *
 * Nothing under that lock may enter direct reclaim: with a writer queued,
 * every page fault of the target would wait for heapmon's reclaim (6.1 has
 * no per-VMA locks). So chunks and region slots come from a reserve filled
 * before the lock is taken; a span that needs a chunk when the reserve is
 * empty ends the walk there, the lock is dropped, the reserve refilled, and
 * the walk goes on from that page. A chunk is taken only for a page that
 * gets a record: a PTE table with none costs nothing. (The only allocation
 * left under the lock is an xarray node, GFP_NOWAIT, for a new chunk.)
 */

#include <linux/delay.h>
#include <linux/ktime.h>
#include <linux/mm.h>
#include <linux/mmap_lock.h>
#include <linux/pid.h>
#include <linux/sched/mm.h>
#include <linux/sched/task.h>
#include <linux/slab.h>
#include <linux/swap.h>
#include <linux/swapops.h>

#include "compat.h"
#include "heapmon.h"
#include "pages.h"
#include "regions.h"
#include "sample.h"
#include "trap.h"

struct hm_walk {
	struct hm_pages *pages;		/* the target's records */
	struct mm_struct *mm;
	u64 pass;
	u64 walk;			/* stamps the chunks this walk visits */
	bool baseline;			/* the watch's first pass: no period to count yet */
	u32 revisit;			/* dormant chunks: visited every revisit passes, or 0 */
	const unsigned long *wake;	/* spans a page fault woke (hm_wake_bit()) */
	struct hm_traps *traps;		/* trap mode's armed pages, or NULL */
	struct hm_region_set *set;	/* being built */
	struct hm_region *region;	/* the region being walked */
	struct hm_tally tally;		/* its small pages in the page table being walked */

	struct hm_chunk *chunk;		/* the chunk being visited, if it has one */
	bool chunk_fresh;		/* taken from the reserve: not in the xarray yet */
	unsigned long chunk_index;
	unsigned long cur[HM_CHUNK_LONGS];	/* its pages found with a record in this pass */
	unsigned long cur_swapped[HM_CHUNK_LONGS];	/* of which swapped out */
	bool cur_huge;
	bool skipped;			/* dormant: left as it was */
	bool whole;			/* walked whole, in one go: it may become dormant */
	unsigned int calls;		/* hm_walk_pmd() calls for it in this walk */
	u64 chunk_untracked;		/* w->untracked when it began */
	bool was_huge;			/* it held a huge page at the last pass */
	u32 huge_rec;			/* that huge page's record */
	unsigned long chunk_new;	/* units newly tracked in it in this pass */

	struct vm_area_struct *vma;	/* the mapping being walked */
	bool trap_vma;			/* its pages may be armed */
	bool trapping;			/* hm_traps_begin() done: hm_traps_end() owed */
	unsigned int trap_room;		/* pages this walk may still arm */
	unsigned int armed;		/* pages it armed */
	unsigned long trap_last;	/* the last it armed */

	u64 scanned;
	u64 dormant;			/* pages of dormant chunks left as they were */
	u64 untracked;
	unsigned long resume;		/* nonzero: stopped here for an mmap writer or memory */
	unsigned int lock_wait_ms;	/* how long to try for the mmap lock */

	struct hm_chunk *reserve[HM_PREALLOC_MAX];	/* allocated without the mmap lock */
	unsigned int nr_reserve;
	bool need_memory;		/* stopped for want of a chunk or a region slot */
	bool reserve_dry;		/* no more chunks to be had in this pass */
	u64 alloc_retries;		/* times the lock was dropped to allocate */
	u64 lock_yields;		/* times it was dropped for a waiting writer */
	unsigned int taken;		/* chunks taken from the reserve */
};

/*
 * Fills the reserve with up to want chunks (at most prealloc_chunks), and
 * region slots; never under the mmap lock.
 */
static int hm_reserve_fill(struct hm_walk *w, unsigned int want)
{
	struct hm_region_set *set = w->set, *bigger;
	struct hm_chunk *c;
	unsigned int got = 0;

	lockdep_assert_not_held(&w->mm->mmap_lock);
	w->need_memory = false;
	want = min(want, READ_ONCE(hm_prealloc_chunks));
	while (w->nr_reserve < want) {
		c = hm_chunk_alloc();
		if (!c)
			break;
		w->reserve[w->nr_reserve++] = c;
		got++;
	}
	/* Out of memory or at max_memory_mb: the rest goes untracked. */
	if (!got && !w->nr_reserve)
		w->reserve_dry = true;
	if (set->nr < set->cap)
		return 0;
	bigger = hm_regions_alloc(set->cap * 2);
	if (!bigger)
		return -ENOMEM;
	memcpy(bigger->r, set->r, set->nr * sizeof(set->r[0]));
	bigger->nr = set->nr;
	kvfree(set);
	w->set = bigger;
	w->region = NULL;
	return 0;
}

static void hm_reserve_free(struct hm_walk *w)
{
	while (w->nr_reserve)
		hm_chunk_free(w->reserve[--w->nr_reserve]);
}

/*
 * Gives the span being walked a chunk, if it has none, before a page at addr
 * gets a record. False: the reserve is empty, the walk must stop at addr (the
 * page is left as it is) and come back with more. A span that may not track
 * one more page goes on without a chunk: its pages are counted untracked.
 */
static noinline bool hm_chunk_take(struct hm_walk *w, unsigned long addr)
{
	struct hm_chunk *c;

	if (w->reserve_dry || !hm_pages_may_track(w->pages, 1))
		return true;
	if (!w->nr_reserve) {
		w->resume = addr;
		w->need_memory = true;
		return false;
	}
	c = w->reserve[--w->nr_reserve];
	w->taken++;
	hm_chunk_set_owner(c, w->pages, w->chunk_index);
	w->chunk = c;
	w->chunk_fresh = true;
	return true;
}

/*
 * This and hm_track_pte() run for every present PTE, hm_pte_anon_folio() for
 * every young one: they are inlined into the walk's loop, where gcc would
 * leave them out of line (the walk is large), so that a page costs no call
 * and no return, which under retbleed or SRSO mitigations goes through the
 * return thunk.
 */
static __always_inline bool hm_chunk_get(struct hm_walk *w, unsigned long addr)
{
	return likely(w->chunk) || hm_chunk_take(w, addr);
}

/* Whether a page fault or a mapping call woke the span being walked since the last pass. */
static bool hm_chunk_woken(const struct hm_walk *w)
{
	return w->wake && test_bit(hm_wake_bit(w->chunk_index), w->wake);
}

static void hm_chunk_end(struct hm_walk *w)
{
	struct hm_chunk *c = w->chunk;
	unsigned int units;
	void *old;

	if (!c)
		return;
	w->chunk = NULL;
	units = w->cur_huge ? HM_CHUNK_PAGES : bitmap_weight(w->cur, HM_CHUNK_PAGES);
	/* hm_admit() counted the new pages: give back those that went. */
	hm_pages_account(w->pages, (long)units - c->units - (long)w->chunk_new);
	c->units = units;
	c->walk = w->walk;
	WRITE_ONCE(c->huge, w->cur_huge);
	bitmap_copy(c->present, w->cur, HM_CHUNK_PAGES);
	bitmap_copy(c->swapped, w->cur_swapped, HM_CHUNK_PAGES);
	/*
	 * Not when a page was left untracked (a skip would not count it), nor
	 * when a fault woke the span: the fault may have been in progress
	 * while the walk went by, its page not there yet.
	 */
	if (!w->skipped) {
		c->synced = w->pass;
		c->dormant = w->revisit && w->whole && !w->resume &&
			     w->untracked == w->chunk_untracked &&
			     !hm_chunk_woken(w) &&
			     hm_chunk_make_dormant(c, w->revisit);
	}
	if (w->chunk_fresh && units) {
		/* Perhaps under the mmap lock: no reclaim for the xarray's node. */
		old = xa_store(&w->pages->chunks, w->chunk_index, c,
			       GFP_NOWAIT | __GFP_NOWARN | __GFP_ACCOUNT);
		if (!xa_is_err(old)) {
			hm_pages_reshaped(w->pages);
			return;
		}
		w->untracked += units;
		hm_pages_account(w->pages, -(long)units);
	} else if (units) {
		return;
	} else if (!w->chunk_fresh) {
		xa_erase(&w->pages->chunks, w->chunk_index);
		hm_pages_reshaped(w->pages);
	}
	hm_chunk_free(c);
}

/*
 * Makes the PMD span at addr current, with its chunk if it has one: a span
 * without gets one from hm_chunk_get() when a page needs a record. A walk
 * that stopped in the span (w->resume) goes on with what it had.
 */
static void hm_chunk_begin(struct hm_walk *w, unsigned long addr)
{
	unsigned long index = addr >> HM_CHUNK_SHIFT;
	struct hm_chunk *c;

	if (w->chunk && w->chunk_index == index)
		return;
	hm_chunk_end(w);

	c = xa_load(&w->pages->chunks, index);
	w->chunk = c;
	w->chunk_fresh = false;
	w->chunk_index = index;
	bitmap_zero(w->cur, HM_CHUNK_PAGES);
	bitmap_zero(w->cur_swapped, HM_CHUNK_PAGES);
	w->cur_huge = false;
	w->skipped = false;
	w->whole = false;
	w->calls = 0;
	w->chunk_untracked = w->untracked;
	w->was_huge = c && c->huge && test_bit(0, c->present);
	w->huge_rec = c ? c->rec[0] : 0;
	w->chunk_new = 0;
}

/*
 * A page that is in the middle of a migration (compaction, NUMA balancing)
 * is still the target's memory: keep its record as it was.
 */
static void hm_keep_pte(struct hm_walk *w, unsigned long addr)
{
	unsigned int idx = (addr >> PAGE_SHIFT) & (HM_CHUNK_PAGES - 1);

	if (w->chunk && !w->was_huge && test_bit(idx, w->chunk->present)) {
		__set_bit(idx, w->cur);
		if (test_bit(idx, w->chunk->swapped))
			__set_bit(idx, w->cur_swapped);
	}
}

/* The same for what the last pass knew of [addr, end): a huge page, or small ones. */
static void hm_keep_range(struct hm_walk *w, unsigned long addr, unsigned long end)
{
	if (w->chunk && w->was_huge) {
		__set_bit(0, w->cur);
		w->cur_huge = true;
		return;
	}
	for (; addr < end; addr += PAGE_SIZE)
		hm_keep_pte(w, addr);
}

/*
 * The walk was abandoned at w->resume (the mmap lock could not be had again,
 * or memory), perhaps inside the span being walked, which may straddle two
 * mappings: the pages of the span it did not reach keep their records, and
 * those of a huge page split since the last pass carry on with its record,
 * as in hm_track_pte(). Without this they would be dropped with the span's
 * end, and come back as new pages.
 */
static void hm_keep_rest(struct hm_walk *w)
{
	unsigned long start = w->chunk_index << HM_CHUNK_SHIFT;
	unsigned long end = start + (1UL << HM_CHUNK_SHIFT);
	unsigned long addr = clamp(w->resume, start, end);
	unsigned int idx;

	if (!w->chunk || w->cur_huge)
		return;
	if (!w->was_huge || bitmap_empty(w->cur, HM_CHUNK_PAGES)) {
		hm_keep_range(w, addr, end);
		return;
	}
	for (; addr < end; addr += PAGE_SIZE) {
		idx = (addr >> PAGE_SHIFT) & (HM_CHUNK_PAGES - 1);
		if (!__test_and_set_bit(idx, w->cur))
			w->chunk->rec[idx] = w->huge_rec;
	}
}

/* Whether n more units may be tracked; counts them if so. */
static bool hm_admit(struct hm_walk *w, unsigned int n)
{
	if (!hm_pages_reserve(w->pages, n)) {
		w->untracked += n;
		return false;
	}
	w->chunk_new += n;
	return true;
}

static __always_inline void hm_track_pte(struct hm_walk *w, unsigned long addr, bool young)
{
	struct hm_chunk *c = w->chunk;
	unsigned int idx = (addr >> PAGE_SHIFT) & (HM_CHUNK_PAGES - 1);
	u32 rec;

	if (!c) {
		w->untracked++;
		return;
	}
	if (w->was_huge) {
		/* A huge page was split: its pages carry on with its record. */
		rec = hm_rec_next(w->huge_rec, young, w->pass);
	} else if (test_bit(idx, c->present)) {
		rec = hm_rec_next(c->rec[idx], young, w->pass);
	} else {
		if (!hm_admit(w, 1))
			return;
		rec = hm_rec_first(young, w->baseline);
	}
	c->rec[idx] = rec;
	__set_bit(idx, w->cur);
	hm_tally_page(&w->tally, rec, false);
}

/*
 * A page whose PTE holds a swap entry: reclaim wrote it out (to swap, zswap
 * or zram), which is what becomes of a leak. A page with a record keeps it
 * and ages, untouched (a swapped-out page cannot be accessed); one heapmon
 * never saw resident stays unknown. A huge page split and swapped since the
 * last pass carries on with the huge page's record, as in hm_track_pte().
 */
static void hm_track_swapped(struct hm_walk *w, unsigned long addr)
{
	struct hm_chunk *c = w->chunk;
	unsigned int idx = (addr >> PAGE_SHIFT) & (HM_CHUNK_PAGES - 1);
	u32 rec;

	if (!c)
		return;
	if (w->was_huge)
		rec = hm_rec_next(w->huge_rec, false, w->pass);
	else if (test_bit(idx, c->present))
		rec = hm_rec_next(c->rec[idx], false, w->pass);
	else
		return;
	c->rec[idx] = rec;
	__set_bit(idx, w->cur);
	__set_bit(idx, w->cur_swapped);
	hm_tally_page(&w->tally, rec, true);
}

/* The freshest record among the small pages that a huge page replaced. */
static u32 hm_collapsed_rec(const struct hm_chunk *c)
{
	u32 touched = 0, idle = HEAPMON_REC_IDLE_MAX, age = 0;
	unsigned int i;

	for_each_set_bit(i, c->present, HM_CHUNK_PAGES) {
		touched = max_t(u32, touched, HEAPMON_REC_TOUCHED(c->rec[i]));
		idle = min_t(u32, idle, HEAPMON_REC_IDLE(c->rec[i]));
		age = max_t(u32, age, HEAPMON_REC_AGE(c->rec[i]));
	}
	return hm_rec_pack(touched, idle, age);
}

static void hm_track_huge(struct hm_walk *w, bool young)
{
	struct hm_chunk *c = w->chunk;
	u32 rec;

	if (!c) {
		w->untracked += HM_CHUNK_PAGES;
		return;
	}
	if (w->was_huge) {
		rec = hm_rec_next(w->huge_rec, young, w->pass);
	} else if (!bitmap_empty(c->present, HM_CHUNK_PAGES)) {
		/* Small pages were collapsed: the rest of the 2 MiB is new to the limits. */
		if (!hm_admit(w, HM_CHUNK_PAGES - c->units))
			return;
		rec = hm_rec_next(hm_collapsed_rec(c), young, w->pass);
	} else {
		if (!hm_admit(w, HM_CHUNK_PAGES))
			return;
		rec = hm_rec_first(young, w->baseline);
	}
	c->rec[0] = rec;
	bitmap_zero(w->cur, HM_CHUNK_PAGES);
	bitmap_zero(w->cur_swapped, HM_CHUNK_PAGES);
	__set_bit(0, w->cur);
	w->cur_huge = true;
	hm_hist_add_page(&w->region->hist, rec, HPAGE_PMD_SIZE, true, false);
}

/* The anonymous folio a present huge PMD maps, or NULL (huge zero page). */
static struct folio *hm_pmd_anon_folio(unsigned long pfn)
{
	struct folio *folio;

	if (is_zero_pfn(pfn) || !pfn_valid(pfn))
		return NULL;
	folio = page_folio(pfn_to_page(pfn));
	return folio_test_anon(folio) ? folio : NULL;
}

/*
 * The anonymous folio that pte, a present PTE other than the zero page's,
 * maps at pfn, or NULL.
 * A tracked mapping is anonymous (no VM_PFNMAP, VM_MIXEDMAP or VM_IO), so a
 * PTE there that is not special maps a page with a struct page, as
 * vm_normal_page() takes it. Not pfn_valid() for every young page: it takes
 * rcu_read_lock_sched(), which lockdep makes a lock_acquire() and a
 * lock_release(), most of a pass's time on the debug kernel.
 */
static __always_inline struct folio *hm_pte_anon_folio(pte_t pte, unsigned long pfn)
{
	struct folio *folio;

	if (unlikely(pte_special(pte)))
		return NULL;
	folio = page_folio(pfn_to_page(pfn));
	return folio_test_anon(folio) ? folio : NULL;
}

/*
 * Clearing the accessed bit hides the reference from reclaim; hand it on, so
 * that watching a process never makes its hot pages look cold to reclaim.
 */
static void hm_pass_on_reference(struct folio *folio)
{
	if (folio)
		hm_folio_keep_reference(folio);
}

/*
 * A swap-type PTE: a page swapped out keeps its record; one being migrated
 * keeps its record as it was; device, hwpoison and marker entries are no
 * page of the target's to count.
 */
static void hm_nonpresent_pte(struct hm_walk *w, unsigned long addr, swp_entry_t entry)
{
	if (!non_swap_entry(entry))
		hm_track_swapped(w, addr);
	else if (is_migration_entry(entry))
		hm_keep_pte(w, addr);
}

/* Returns false if the PMD changed under us and should be looked at again. */
static bool hm_walk_huge_pmd(struct hm_walk *w, pmd_t *pmd)
{
	struct folio *folio;
	spinlock_t *ptl;	/* the PMD or PTE table lock */
	pmd_t pmdval;
	bool young;

	ptl = pmd_lock(w->mm, pmd);
	pmdval = READ_ONCE(*pmd);
	if (!pmd_trans_huge(pmdval) || !pmd_present(pmdval)) {
		spin_unlock(ptl);
		return false;
	}
	folio = hm_pmd_anon_folio(pmd_pfn(pmdval));
	if (folio && hm_chunk_get(w, w->chunk_index << HM_CHUNK_SHIFT)) {
		young = hm_pmdp_test_and_clear_young(pmd);
		if (young)
			hm_pass_on_reference(folio);
		w->scanned++;
		hm_track_huge(w, young);
	}
	spin_unlock(ptl);
	return true;
}

/*
 * Trap mode: arms the page at addr, idle and just walked, if it has been
 * idle long enough. Pages are armed from where the last pass that ran out
 * of room stopped, so that in time every idle page gets its turn. Under the
 * PTE lock.
 */
static void hm_walk_trap(struct hm_walk *w, pte_t *pte, pte_t ptent, unsigned long addr)
{
	unsigned int idx = (addr >> PAGE_SHIFT) & (HM_CHUNK_PAGES - 1);
	u32 idle;

	if (!w->chunk || !test_bit(idx, w->cur) || addr < w->traps->cursor)
		return;
	idle = HEAPMON_REC_IDLE_PERIODS(w->chunk->rec[idx]);
	if (idle < HEAPMON_TRAP_IDLE_MIN ||
	    !hm_trap_arm(w->traps, w->vma, addr, pte, ptent, idle, w->pass))
		return;
	w->trap_room--;
	w->armed++;
	w->trap_last = addr;
}

static bool hm_walk_pte_table(struct hm_walk *w, pmd_t *pmd, unsigned long addr,
			      unsigned long end)
{
	spinlock_t *ptl;	/* the PMD or PTE table lock */
	unsigned long pfn;
	pte_t *pte, ptent;
	pmd_t pmdval;
	bool young;

	rcu_read_lock();
	pmdval = hm_pmdp_get_lockless(pmd);
	if (pmd_trans_huge(pmdval)) {
		rcu_read_unlock();
		return false;
	}
	if (pmd_none(pmdval) || pmd_bad(pmdval)) {
		rcu_read_unlock();
		return true;
	}
	/* A migration entry since the caller looked: let it look again. */
	if (!pmd_present(pmdval)) {
		rcu_read_unlock();
		return false;
	}
	pte = pte_offset_kernel(&pmdval, addr);
	ptl = pte_lockptr(w->mm, &pmdval);
	spin_lock(ptl);
	if (!pmd_same(pmdval, hm_pmdp_get_lockless(pmd))) {
		spin_unlock(ptl);
		rcu_read_unlock();
		return false;
	}
	for (; addr < end; addr += PAGE_SIZE, pte++) {
		ptent = ptep_get(pte);
		if (!pte_present(ptent)) {
			if (is_swap_pte(ptent))
				hm_nonpresent_pte(w, addr, pte_to_swp_entry(ptent));
			continue;
		}
		/*
		 * In a tracked (private anonymous) mapping a present PTE maps
		 * the zero page or an anonymous folio, which the pfn tells: the
		 * folio is read only for a young PTE, to pass its reference on,
		 * and most PTEs of a big heap are not young.
		 */
		pfn = pte_pfn(ptent);
		if (is_zero_pfn(pfn))
			continue;
		if (!hm_chunk_get(w, addr))
			break;
		young = hm_ptep_test_and_clear_young(pte);
		if (young)
			hm_pass_on_reference(hm_pte_anon_folio(ptent, pfn));
		w->scanned++;
		hm_track_pte(w, addr, young);
		if (w->trap_vma && w->trap_room && !young)
			hm_walk_trap(w, pte, ptent, addr);
	}
	spin_unlock(ptl);
	rcu_read_unlock();
	return true;
}

/*
 * Adaptive mode (revisit): a chunk whose every page has been idle for at
 * least revisit periods is dormant, and its page table is visited only
 * every revisit passes; a page fault in its span (a new page, a swap-in)
 * wakes it for the next pass. Meanwhile its records stay as they were when
 * last synced, its pages count as idle since (hm_chunk_dormant_hist(), in
 * a few steps, not per page), and their accessed bits stay set if they are
 * touched: the visit that finds one sees it at most revisit periods late.
 * Records are brought up to date (hm_chunk_advance()) before a visit, and
 * readers advance them as they read (hm_chunk_rec()).
 */
static bool hm_chunk_skip(struct hm_walk *w)
{
	struct hm_chunk *c = w->chunk;

	/* A chunk taken in this walk is never dormant. */
	if (!c || !c->dormant || !w->whole || w->pass >= c->synced + w->revisit ||
	    hm_chunk_woken(w))
		return false;
	bitmap_copy(w->cur, c->present, HM_CHUNK_PAGES);
	bitmap_copy(w->cur_swapped, c->swapped, HM_CHUNK_PAGES);
	w->cur_huge = c->huge;
	w->skipped = true;
	w->dormant += c->units;
	hm_chunk_dormant_hist(c, w->pass, &w->region->hist);
	return true;
}

/* A chunk about to be visited: its records as of the last pass, then this one's. */
static void hm_chunk_sync(struct hm_walk *w)
{
	struct hm_chunk *c = w->chunk;

	if (!c || w->chunk_fresh || c->synced + 1 >= w->pass)
		return;
	hm_chunk_advance(c, w->pass - 1);
	w->huge_rec = c->rec[0];
}

static void hm_walk_pmd(struct hm_walk *w, pmd_t *pmd, unsigned long addr, unsigned long end)
{
	pmd_t pmdval = hm_pmdp_get_lockless(pmd);
	int tries;

	if (pmd_none(pmdval))
		return;
	/* Without a chunk (no memory, max_memory_mb) its pages are only counted. */
	hm_chunk_begin(w, addr);
	w->whole = !w->calls++ && end - addr == 1UL << HM_CHUNK_SHIFT;
	if (w->revisit) {
		if (hm_chunk_skip(w))
			return;
		hm_chunk_sync(w);
	}
	/*
	 * A PMD that changes under us (split, collapse, a huge page becoming a
	 * migration entry) is looked at again, from a fresh read each time.
	 */
	for (tries = 0; tries < 3; tries++) {
		/* A huge page being migrated: its PMD is a migration entry meanwhile. */
		if (is_pmd_migration_entry(pmdval))
			break;
		if (pmd_trans_huge(pmdval)) {
			if (hm_walk_huge_pmd(w, pmd))
				goto out;
		} else if (hm_walk_pte_table(w, pmd, addr, end)) {
			goto out;
		}
		pmdval = hm_pmdp_get_lockless(pmd);
	}
	/* Migrating, or still changing: keep what the last pass knew of this range. */
	hm_keep_range(w, addr, end);
out:
	/* The small pages counted: into the region's histogram, a page table at a time. */
	hm_tally_flush(&w->tally, &w->region->hist, PAGE_SIZE);
}

static void hm_walk_pud(struct hm_walk *w, pud_t *pud, unsigned long addr, unsigned long end)
{
	pmd_t *pmd = pmd_offset(pud, addr);
	unsigned long next;

	do {
		next = pmd_addr_end(addr, end);
		hm_walk_pmd(w, pmd, addr, next);
		if (w->resume)
			return;
		if (next != end && mmap_lock_is_contended(w->mm)) {
			w->resume = next;
			return;
		}
		cond_resched();
	} while (pmd++, addr = next, addr != end);
}

static void hm_walk_p4d(struct hm_walk *w, p4d_t *p4d, unsigned long addr, unsigned long end)
{
	pud_t *pud = pud_offset(p4d, addr);
	unsigned long next;

	do {
		next = pud_addr_end(addr, end);
		if (!pud_none(*pud) && !pud_bad(*pud) && !pud_leaf(*pud))
			hm_walk_pud(w, pud, addr, next);
	} while (!w->resume && (pud++, addr = next, addr != end));
}

static void hm_walk_range(struct hm_walk *w, unsigned long addr, unsigned long end)
{
	pgd_t *pgd = pgd_offset(w->mm, addr);
	unsigned long next, p4d_next, p4d_addr;
	p4d_t *p4d;

	do {
		next = pgd_addr_end(addr, end);
		if (pgd_none(*pgd) || pgd_bad(*pgd))
			continue;
		p4d = p4d_offset(pgd, addr);
		p4d_addr = addr;
		do {
			p4d_next = p4d_addr_end(p4d_addr, next);
			if (!p4d_none(*p4d) && !p4d_bad(*p4d))
				hm_walk_p4d(w, p4d, p4d_addr, p4d_next);
		} while (!w->resume && (p4d++, p4d_addr = p4d_next, p4d_addr != next));
	} while (!w->resume && (pgd++, addr = next, addr != end));
}

/* Chunks no tracked mapping reaches any more (unmapped, shrunk) drop out. */
static void hm_sweep(struct hm_walk *w)
{
	struct hm_pages *pages = w->pages;
	struct hm_chunk *c;
	unsigned long index;

	xa_for_each(&pages->chunks, index, c) {
		if (c->walk == w->walk)
			continue;
		xa_erase(&pages->chunks, index);
		hm_pages_reshaped(pages);
		hm_pages_account(pages, -(long)c->units);
		hm_chunk_free(c);
	}
}

/*
 * A pass never waits behind the target's mmap writers (nor for ever behind a
 * reader stuck in a page fault on a dead file server): it tries for a while,
 * sleeping between tries, then gives up (the caller leaves this period out).
 * The while is a quarter of the period, 20 to 100 ms: a target whose writers
 * come every few hundred microseconds leaves a gap in that time, and a pass
 * that waits costs a sleeping worker, nothing more.
 */
static bool hm_mmap_read_trylock(struct hm_walk *w)
{
	u64 end = ktime_get_ns() + (u64)w->lock_wait_ms * NSEC_PER_MSEC;

	for (;;) {
		if (mmap_read_trylock(w->mm))
			return true;
		if (ktime_get_ns() >= end)
			return false;
		usleep_range(1000, 2000);
	}
}

/*
 * Makes w->region the region of [start, end of vma); false if that needs a
 * region slot and none is left (it never allocates: hm_reserve_fill() does).
 */
static bool hm_walk_region(struct hm_walk *w, struct vm_area_struct *vma, unsigned long start)
{
	struct hm_region_set *set = w->set;
	struct hm_region *last = set->nr ? &set->r[set->nr - 1] : NULL;

	/* Resumed inside the mapping it left: still one region. */
	if (last && vma->vm_start < start && last->end == start) {
		last->end = vma->vm_end;
		w->region = last;
		return true;
	}
	if (set->nr == set->cap)
		return false;
	w->region = hm_regions_append(&w->set, start, vma->vm_end, hm_vma_kind(vma));
	return true;
}

/* The walk stopped at w->resume: the region ends there, or is none if empty. */
static void hm_walk_region_stop(struct hm_walk *w)
{
	struct hm_region_set *set = w->set;

	if (w->resume > w->region->start) {
		w->region->end = w->resume;
		return;
	}
	/* Stopped at its first page: nothing of it was counted yet. */
	memset(w->region, 0, sizeof(*w->region));
	set->nr--;
}

/*
 * Walks every tracked mapping into a new region set (w->set), taking and
 * dropping the mmap lock. 0, or -EAGAIN (the lock could not be had: the set
 * is incomplete) or -ENOMEM; on error there is no set.
 */
static int hm_walk_mm(struct hm_walk *w, unsigned int nr_hint, unsigned int reserve_hint)
{
	struct vm_area_struct *vma;
	unsigned long addr = 0, start;
	int ret;

	w->set = hm_regions_alloc(nr_hint + 1);
	if (!w->set)
		return -ENOMEM;
	/*
	 * As many chunks as the last walk needed (at least one): a target
	 * whose heap does not grow allocates and frees one chunk a pass, not a
	 * full batch; a growing one gets full batches when it runs out.
	 */
	ret = hm_reserve_fill(w, max(reserve_hint, 1U));
	if (ret)
		goto out;
	if (!hm_mmap_read_trylock(w)) {
		ret = -EAGAIN;
		goto out;
	}
	if (w->traps) {
		hm_traps_sweep(w->traps, w->mm);
		w->trap_room = hm_traps_room(w->traps, w->mm);
		w->trapping = w->trap_room;
		if (w->trapping)
			hm_traps_begin(w->mm);
	}
	while ((vma = find_vma(w->mm, addr))) {
		addr = vma->vm_end;
		start = max(w->resume, vma->vm_start);
		w->resume = 0;
		if (!hm_vma_tracked(vma))
			continue;
		w->vma = vma;
		w->trap_vma = w->trap_room && hm_trap_vma_ok(vma);
		if (!hm_walk_region(w, vma, start)) {
			w->resume = start;
			w->need_memory = true;
		} else {
			hm_walk_range(w, start, vma->vm_end);
			if (w->resume)
				hm_walk_region_stop(w);
		}
		if (!w->resume && !mmap_lock_is_contended(w->mm))
			continue;
		/*
		 * Let the mmap writer in, or allocate what the walk needs, then
		 * go on from where it stopped.
		 */
		if (w->resume)
			addr = w->resume;
		w->resume = addr;
		mmap_read_unlock(w->mm);
		cond_resched();
		if (!w->need_memory)
			w->lock_yields++;
		if (w->need_memory) {
			w->alloc_retries++;
			ret = hm_reserve_fill(w, HM_PREALLOC_MAX);
			if (ret)
				goto out;
		}
		if (!hm_mmap_read_trylock(w)) {
			ret = -EAGAIN;
			goto out;
		}
	}
	mmap_read_unlock(w->mm);
out:
	if (ret)
		hm_keep_rest(w);
	hm_chunk_end(w);
	hm_reserve_free(w);
	if (ret) {
		kvfree(w->set);
		w->set = NULL;
		return ret;
	}
	hm_sweep(w);
	return 0;
}

int hm_sample_walk(struct mm_struct *mm, struct hm_pages *pages, const struct hm_walk_args *args,
		   struct hm_walk_result *res)
{
	struct hm_walk *w;
	int ret;

	memset(res, 0, sizeof(*res));
	w = kzalloc(sizeof(*w), GFP_KERNEL);
	if (!w)
		return -ENOMEM;
	w->pages = pages;
	w->mm = mm;
	w->pass = args->pass;
	w->walk = args->walk;
	w->baseline = args->pass == 1;
	w->revisit = args->revisit;
	w->wake = args->wake;
	w->traps = args->traps;
	w->lock_wait_ms = clamp(args->interval_ms / 4, 20U, 100U);
	ret = hm_walk_mm(w, args->nr_regions, args->reserve);
	if (w->trapping)
		hm_traps_end(mm, w->armed);
	/* Out of room: the next pass arms from where this one stopped. */
	if (w->trap_room)
		w->traps->cursor = 0;
	else if (w->armed)
		w->traps->cursor = w->trap_last + PAGE_SIZE;
	res->set = w->set;
	res->scanned = w->scanned;
	res->dormant = w->dormant;
	res->untracked = w->untracked;
	res->alloc_retries = w->alloc_retries;
	res->lock_yields = w->lock_yields;
	res->chunks_taken = w->taken;
	kfree(w);
	return ret;
}
