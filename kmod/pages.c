// SPDX-License-Identifier: GPL-2.0
/*
 * The per-page store. Chunks come from a SLAB_TYPESAFE_BY_RCU cache so that
 * the fault probe may test a bit of a chunk the pass is freeing: it reads a
 * chunk, perhaps a recycled one, never freed memory.
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

struct hm_chunk *hm_chunk_alloc(struct hm_pages *owner, unsigned long index)
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
	bitmap_zero(chunk->present, HM_CHUNK_PAGES);
	bitmap_zero(chunk->swapped, HM_CHUNK_PAGES);
	WRITE_ONCE(chunk->owner, owner);
	WRITE_ONCE(chunk->index, index);
	chunk->walk = 0;
	chunk->units = 0;
	chunk->huge = false;
	return chunk;
}

void hm_chunk_free(struct hm_chunk *chunk)
{
	kmem_cache_free(hm_chunk_cache, chunk);
	atomic_long_dec(&hm_nr_chunks);
}

void hm_pages_init(struct hm_pages *pages)
{
	xa_init(&pages->chunks);
	pages->nr_pages = 0;
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
}

bool hm_pages_known(struct hm_pages *pages, unsigned long addr)
{
	unsigned long index = addr >> HM_CHUNK_SHIFT;
	struct hm_chunk *chunk = xa_load(&pages->chunks, index);
	unsigned int idx = (addr >> PAGE_SHIFT) & (HM_CHUNK_PAGES - 1);
	bool known;

	if (!chunk)
		return false;
	known = READ_ONCE(chunk->huge) ? test_bit(0, chunk->present) :
					 test_bit(idx, chunk->present);
	/* Freed and reused for another span meanwhile? Then nothing is known. */
	smp_rmb();
	if (READ_ONCE(chunk->owner) != pages || READ_ONCE(chunk->index) != index)
		return false;
	return known;
}
