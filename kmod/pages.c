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
