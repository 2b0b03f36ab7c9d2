// SPDX-License-Identifier: GPL-2.0
/*
 * Page runs with boundary tags kept outside the arena (struct hm_page, one
 * per arena page, in a mapping of its own that is touched only where runs
 * begin and end). Runs tile [0, top); pages above top were never handed out.
 * Free runs sit on segregated lists: one per length up to 32 pages, then
 * one per power of two.
 */
#include <errno.h>
#include <sys/mman.h>

#include "arena.h"

#define HM_FREE		0xffffffffu	/* hm_page.state of a free run's tags */
#define HM_CACHED	0xfffffffeu	/* of a freed run kept resident for reuse */
#define HM_EXACT	32		/* lists of one run length each */
#define HM_CLASSES	(HM_EXACT + 32)
#define HM_SCAN		16		/* runs looked at in a mixed-length list */

struct hm_page {
	uint32_t len;	/* at a run's first and last page: its pages */
	uint32_t state;	/* there: HM_FREE, or the owner of a live run */
	uint32_t next;	/* free list links (page + 1; 0: none), first page */
	uint32_t prev;
};

uintptr_t hm_arena_base;
uintptr_t hm_arena_len;
static struct hm_page *meta;
static uint32_t npages, top;
static uint32_t heads[HM_CLASSES];	/* page + 1 of each list's first run */

/*
 * Freed runs kept resident, not given back with MADV_DONTNEED: a program
 * that frees and allocates large blocks at a high rate would otherwise
 * fault every page of every sampled block in again (mallocfree: 14 faults
 * per allocation, 29 times slower). Bounded in runs and in bytes, a
 * quarter of the live samples' pages and at most HM_CACHE_MAX (16 MiB); a run is
 * reused whole for a request of at least half its length, or split.
 */
#ifndef HM_CACHE_RUNS
#define HM_CACHE_RUNS	64
#endif
#ifndef HM_CACHE_MAX
#define HM_CACHE_MAX	(16u << 20)
#endif
#ifndef HM_CACHE_SHIFT
#define HM_CACHE_SHIFT	2	/* a quarter of the live samples' pages */
#endif
static struct { uint32_t pg, len; } cache[HM_CACHE_RUNS];
static unsigned int n_cache;
static uint64_t cache_bytes;

static unsigned int class_of(uint32_t n)
{
	if (n <= HM_EXACT)
		return n - 1;
	return HM_EXACT + (31 - __builtin_clz(n)) - 5;
}

static void list_add(uint32_t pg)
{
	unsigned int c = class_of(meta[pg].len);

	meta[pg].prev = 0;
	meta[pg].next = heads[c];
	if (heads[c])
		meta[heads[c] - 1].prev = pg + 1;
	heads[c] = pg + 1;
}

static void list_del(uint32_t pg)
{
	struct hm_page *m = &meta[pg];

	if (m->prev)
		meta[m->prev - 1].next = m->next;
	else
		heads[class_of(m->len)] = m->next;
	if (m->next)
		meta[m->next - 1].prev = m->prev;
}

static void tag(uint32_t pg, uint32_t len, uint32_t state)
{
	meta[pg].len = len;
	meta[pg].state = state;
	meta[pg + len - 1].len = len;
	meta[pg + len - 1].state = state;
}

/* Returns [pg, pg + len) to the free runs, merged with free neighbours. */
static void put_free(uint32_t pg, uint32_t len)
{
	if (pg > 0 && meta[pg - 1].state == HM_FREE) {
		uint32_t plen = meta[pg - 1].len;

		pg -= plen;
		list_del(pg);
		len += plen;
	}
	if (pg + len < top && meta[pg + len].state == HM_FREE) {
		uint32_t nlen = meta[pg + len].len;

		list_del(pg + len);
		len += nlen;
	}
	if (pg + len == top) {
		/* Give the tail back to the never-used part. */
		top = pg;
		return;
	}
	tag(pg, len, HM_FREE);
	list_add(pg);
}

static int64_t take_pages(uint32_t n)
{
	for (unsigned int c = class_of(n); c < HM_CLASSES; c++) {
		uint32_t p = heads[c];

		for (int scanned = 0; p && scanned < HM_SCAN; scanned++) {
			uint32_t pg = p - 1, len = meta[pg].len;

			if (len >= n) {
				list_del(pg);
				if (len > n) {
					/* The rest of a maximal free run: no neighbour to merge. */
					tag(pg + n, len - n, HM_FREE);
					list_add(pg + n);
				}
				return pg;
			}
			p = meta[pg].next;
		}
	}
	if (n > npages - top)
		return -1;
	top += n;
	return top - n;
}

bool hm_arena_cache(void *p, uint64_t live_bytes)
{
	uint32_t pg = ((uintptr_t)p - hm_arena_base) >> HM_PAGE_SHIFT;
	uint32_t len = meta[pg].len;
	uint64_t bytes = (uint64_t)len << HM_PAGE_SHIFT, max = live_bytes >> HM_CACHE_SHIFT;

	if (max > HM_CACHE_MAX)
		max = HM_CACHE_MAX;
	if (n_cache == HM_CACHE_RUNS || cache_bytes + bytes > max)
		return false;
	tag(pg, len, HM_CACHED);
	cache[n_cache].pg = pg;
	cache[n_cache].len = len;
	n_cache++;
	cache_bytes += bytes;
	return true;
}

/* A cached run for n pages (its pages hold old data), or -1. */
static int64_t take_cached(uint32_t n)
{
	unsigned int i, best = n_cache;
	uint32_t pg, len;

	for (i = 0; i < n_cache; i++)
		if (cache[i].len >= n && (best == n_cache || cache[i].len < cache[best].len))
			best = i;
	if (best == n_cache)
		return -1;
	pg = cache[best].pg;
	len = cache[best].len;
	if (len >= 2 * n) {
		/* Split: the rest stays cached in the same slot. */
		cache[best].pg = pg + n;
		cache[best].len = len - n;
		tag(pg + n, len - n, HM_CACHED);
		len = n;
	} else {
		cache[best] = cache[--n_cache];
	}
	cache_bytes -= (uint64_t)len << HM_PAGE_SHIFT;
	tag(pg, len, HM_CACHED);
	return pg;
}

int hm_arena_init(uint64_t mb)
{
	for (; mb >= 1; mb /= 2) {
		size_t len = mb << 20;
		size_t mlen = (len >> HM_PAGE_SHIFT) * sizeof(struct hm_page);
		void *a, *m;

		if ((len >> HM_PAGE_SHIFT) >= HM_FREE)
			continue;
		a = mmap(NULL, len, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
		if (a == MAP_FAILED)
			continue;
		m = mmap(NULL, mlen, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
		if (m == MAP_FAILED) {
			munmap(a, len);
			continue;
		}
		/*
		 * Small pages only: a transparent huge page under the arena
		 * would give up to 512 samples one accessed bit, and a hot
		 * sample would hide its cold neighbours (THP is "always" on
		 * Debian). Where madvise fails nothing breaks; leaks says so
		 * when it sees a huge page there.
		 */
		madvise(a, len, MADV_NOHUGEPAGE);
		meta = m;
		npages = len >> HM_PAGE_SHIFT;
		hm_arena_base = (uintptr_t)a;
		__atomic_store_n(&hm_arena_len, len, __ATOMIC_RELEASE);
		return 0;
	}
	return -ENOMEM;
}

void *hm_arena_alloc(size_t size, size_t align, uint32_t owner, bool *dirty)
{
	uint64_t n = (size + HM_PAGE - 1) >> HM_PAGE_SHIFT;
	uint64_t extra = align > HM_PAGE ? (align >> HM_PAGE_SHIFT) - 1 : 0;
	int64_t pg;
	uint32_t start;

	/* Also catches the rounding above wrapping for sizes near SIZE_MAX. */
	if (size > (size_t)npages << HM_PAGE_SHIFT)
		return NULL;
	if (n == 0)
		n = 1;	/* malloc(0): a unique pointer, on a page of its own */
	if (n + extra > npages)
		return NULL;
	*dirty = false;
	if (!extra) {
		pg = take_cached(n);
		if (pg >= 0) {
			*dirty = true;
			tag(pg, meta[pg].len, owner);
			return (void *)(hm_arena_base + ((uintptr_t)pg << HM_PAGE_SHIFT));
		}
	}
	pg = take_pages(n + extra);
	if (pg < 0)
		return NULL;
	start = pg;
	if (extra) {
		uintptr_t a = hm_arena_base + ((uintptr_t)pg << HM_PAGE_SHIFT);
		uintptr_t s = (a + align - 1) & ~(align - 1);

		start = (s - hm_arena_base) >> HM_PAGE_SHIFT;
		/* Tag the run first so the pieces see used neighbours. */
		tag(start, n, owner);
		if (start > pg) {
			tag(pg, start - pg, owner);
			put_free(pg, start - pg);
		}
		if (pg + n + extra > start + n) {
			uint32_t tail = start + n, tlen = pg + n + extra - tail;

			tag(tail, tlen, owner);
			put_free(tail, tlen);
		}
	}
	tag(start, n, owner);
	return (void *)(hm_arena_base + ((uintptr_t)start << HM_PAGE_SHIFT));
}

uint32_t hm_arena_owner(const void *p)
{
	uintptr_t off = (uintptr_t)p - hm_arena_base;
	uint32_t pg = off >> HM_PAGE_SHIFT;

	if (off >= hm_arena_len || (off & (HM_PAGE - 1)) || pg >= top)
		return 0;
	return meta[pg].state >= HM_CACHED ? 0 : meta[pg].state;
}


size_t hm_arena_run_bytes(const void *p)
{
	uint32_t pg = ((uintptr_t)p - hm_arena_base) >> HM_PAGE_SHIFT;

	return (size_t)meta[pg].len << HM_PAGE_SHIFT;
}

void hm_arena_free(void *p)
{
	uint32_t pg = ((uintptr_t)p - hm_arena_base) >> HM_PAGE_SHIFT;
	uint32_t len = meta[pg].len;

	tag(pg, len, 0);
	put_free(pg, len);
}

void hm_arena_discard(void *p, size_t bytes)
{
	/* Free arena pages stay non-resident, and read as zero when reused. */
	madvise(p, bytes, MADV_DONTNEED);
}
