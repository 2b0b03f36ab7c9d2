// SPDX-License-Identifier: GPL-2.0
/*
 * The per-page store. Chunks come from a SLAB_TYPESAFE_BY_RCU cache so that
 * the fault probe may test a bit of a chunk the pass is freeing: it reads a
 * chunk, perhaps a recycled one, never freed memory.
 *
 * A chunk's identity (owner, index) says whose data it holds, as a sequence
 * count would: it is set with a release after the data are initialised, and
 * cleared on free before the chunk can be reused (and its data rewritten for
 * another span). A reader checks the identity with an acquire before it reads
 * the data, and again after them: data it read from a later life of the chunk
 * were written after the clear, so the second check sees NULL or the new
 * identity and the reader discards them.
 */

#include <linux/atomic.h>
#include <linux/mm.h>
#include <linux/slab.h>

#include "heapmon.h"
#include "pages.h"

static struct kmem_cache *hm_chunk_cache;
static atomic_long_t hm_total_pages = ATOMIC_LONG_INIT(0);
static atomic_long_t hm_nr_chunks = ATOMIC_LONG_INIT(0);

int hm_pages_cache_init(void)
{
	hm_chunk_cache = kmem_cache_create("heapmon_chunk", sizeof(struct hm_chunk), 0,
					   SLAB_TYPESAFE_BY_RCU, NULL);
	return hm_chunk_cache ? 0 : -ENOMEM;
}

void hm_pages_cache_uninit(void)
{
	kmem_cache_destroy(hm_chunk_cache);
}

u64 hm_pages_memory_bytes(void)
{
	return atomic_long_read(&hm_nr_chunks) * sizeof(struct hm_chunk);
}

struct hm_chunk *hm_chunk_alloc(void)
{
	unsigned long max_bytes = (unsigned long)hm_max_memory_mb << 20;
	struct hm_chunk *chunk;

	if (atomic_long_inc_return(&hm_nr_chunks) > max_bytes / sizeof(*chunk)) {
		atomic_long_dec(&hm_nr_chunks);
		return NULL;
	}
	chunk = kmem_cache_alloc(hm_chunk_cache, HM_GFP);
	if (!chunk) {
		atomic_long_dec(&hm_nr_chunks);
		return NULL;
	}
	return chunk;
}

void hm_chunk_set_owner(struct hm_chunk *chunk, struct hm_pages *owner, unsigned long index)
{
	bitmap_zero(chunk->present, HM_CHUNK_PAGES);
	bitmap_zero(chunk->swapped, HM_CHUNK_PAGES);
	chunk->walk = 0;
	chunk->synced = 0;
	chunk->dormant = false;
	chunk->units = 0;
	WRITE_ONCE(chunk->huge, false);
	WRITE_ONCE(chunk->index, index);
	/* Pairs with the acquire in hm_pages_known(): the data first. */
	smp_store_release(&chunk->owner, owner);
}

void hm_chunk_free(struct hm_chunk *chunk)
{
	/*
	 * Before the slab can hand it out again: whoever writes the chunk's
	 * next data does so after this store (the barrier orders it before
	 * the free's own stores), see hm_pages_known().
	 */
	WRITE_ONCE(chunk->owner, NULL);
	smp_wmb();	/* the clear, then the slab's stores: see above */
	kmem_cache_free(hm_chunk_cache, chunk);
	atomic_long_dec(&hm_nr_chunks);
}

void hm_chunk_advance(struct hm_chunk *c, u64 pass)
{
	unsigned int i;

	if (c->synced >= pass)
		return;
	for_each_set_bit(i, c->present, c->huge ? 1 : HM_CHUNK_PAGES)
		c->rec[i] = hm_rec_advance(c->rec[i], c->synced, pass);
	c->synced = pass;
}

/*
 * Counts dormant chunk c's pages as they are lag periods after its sync, and
 * the least lag at which a page's idle count reaches the next bucket (10, 60
 * or 600 periods: all exact counts, one step a period).
 */
static void hm_dormant_count(struct hm_chunk *c, u32 lag)
{
	static const u32 marks[] = { 10, 60, 600 };
	u32 cross = U16_MAX, rec, idle;
	struct hm_hist h = {};
	unsigned int i, m;

	for_each_set_bit(i, c->present, c->huge ? 1 : HM_CHUNK_PAGES) {
		rec = hm_rec_advance(c->rec[i], c->synced, c->synced + lag);
		hm_hist_add_page(&h, rec, 1, false, !c->huge && test_bit(i, c->swapped));
		idle = HEAPMON_REC_IDLE(rec);
		for (m = 0; m < ARRAY_SIZE(marks); m++) {
			if (idle < marks[m]) {
				cross = min(cross, lag + marks[m] - idle);
				break;
			}
		}
	}
	c->sum = (struct hm_dormant){
		.lag = min_t(u32, lag, U16_MAX),
		.cross = cross,
		.resident = h.resident,
		.swapped = h.swapped,
		.never = h.never,
		.idle10 = h.idle10,
		.idle60 = h.idle60,
		.idle600 = h.idle600,
	};
}

bool hm_chunk_make_dormant(struct hm_chunk *c, u32 min_idle)
{
	unsigned int i, n = 0;

	for_each_set_bit(i, c->present, c->huge ? 1 : HM_CHUNK_PAGES) {
		if (HEAPMON_REC_IDLE(c->rec[i]) < min_idle)
			return false;
		n++;
	}
	if (!n)
		return false;
	hm_dormant_count(c, 0);
	return true;
}

void hm_chunk_dormant_hist(struct hm_chunk *c, u64 pass, struct hm_hist *h)
{
	u64 unit = c->huge ? HPAGE_PMD_SIZE : PAGE_SIZE;
	u32 lag = min_t(u64, pass - c->synced, U16_MAX);
	const struct hm_dormant *d = &c->sum;

	if (lag < d->lag || lag >= d->cross)
		hm_dormant_count(c, lag);
	h->resident += d->resident * unit;
	h->swapped += d->swapped * unit;
	if (c->huge)
		h->huge += d->resident * unit;
	h->idle1 += (d->resident + d->swapped) * unit;
	h->idle10 += d->idle10 * unit;
	h->idle60 += d->idle60 * unit;
	h->idle600 += d->idle600 * unit;
	h->never += d->never * unit;
}

void hm_pages_init(struct hm_pages *pages)
{
	xa_init(&pages->chunks);
	pages->nr_pages = 0;
	pages->shape = 1;
}

void hm_pages_account(struct hm_pages *pages, long delta)
{
	pages->nr_pages += delta;
	atomic_long_add(delta, &hm_total_pages);
}

bool hm_pages_may_track(const struct hm_pages *pages, unsigned long n)
{
	return pages->nr_pages + n <= hm_max_target_pages &&
	       atomic_long_read(&hm_total_pages) + n <= hm_max_total_pages;
}

bool hm_pages_reserve(struct hm_pages *pages, unsigned long n)
{
	long total = atomic_long_read(&hm_total_pages);

	if (pages->nr_pages + n > hm_max_target_pages)
		return false;
	/*
	 * Check and count in one step: a pass that checked and counted later
	 * would let concurrent passes of other targets through the same gap.
	 */
	do {
		if (total + n > hm_max_total_pages)
			return false;
	} while (!atomic_long_try_cmpxchg(&hm_total_pages, &total, total + n));
	pages->nr_pages += n;
	return true;
}

void hm_pages_clear(struct hm_pages *pages)
{
	struct hm_chunk *chunk;
	unsigned long index;

	xa_for_each(&pages->chunks, index, chunk) {
		xa_erase(&pages->chunks, index);
		hm_chunk_free(chunk);
	}
	hm_pages_account(pages, -(long)pages->nr_pages);
	xa_destroy(&pages->chunks);
	hm_pages_reshaped(pages);
}

bool hm_pages_known(struct hm_pages *pages, unsigned long addr)
{
	unsigned long index = addr >> HM_CHUNK_SHIFT;
	struct hm_chunk *chunk = xa_load(&pages->chunks, index);
	unsigned int idx = (addr >> PAGE_SHIFT) & (HM_CHUNK_PAGES - 1);
	bool known;

	if (!chunk)
		return false;
	/* Whose data: pairs with the release in hm_chunk_set_owner(). */
	if (smp_load_acquire(&chunk->owner) != pages || READ_ONCE(chunk->index) != index)
		return false;
	known = READ_ONCE(chunk->huge) ? test_bit(0, chunk->present) :
					 test_bit(idx, chunk->present);
	/* Freed and reused meanwhile? Then what was read is someone else's. */
	smp_rmb();
	if (READ_ONCE(chunk->owner) != pages || READ_ONCE(chunk->index) != index)
		return false;
	return known;
}
