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
#define HM_DIRTY	0xfffffffeu	/* of a free run kept resident for reuse */
#define HM_EVICTING	0xfffffffdu	/* of a dirty run being given back */
#define HM_EXACT	32		/* lists of one run length each */
#define HM_CLASSES	(HM_EXACT + 32)
#define HM_SCAN		16		/* runs looked at in a mixed-length list */

struct hm_page {
	uint32_t len;	/* at a run's first and last page: its pages */
	uint32_t state;	/* there: HM_FREE, HM_DIRTY, or the owner of a live run */
	uint32_t next;	/* free list links (page + 1; 0: none), first page */
	uint32_t prev;
};

uintptr_t hm_arena_base;
uintptr_t hm_arena_len;
static struct hm_page *meta;
static uint32_t npages, top;
/* page + 1 of each list's first run: [0] free (non-resident), [1] dirty. */
static uint32_t heads[2][HM_CLASSES];

/*
 * Freed runs stay resident (dirty), not given back with MADV_DONTNEED at
 * once: a program that frees and allocates large blocks at a high rate
 * would otherwise fault every page of every sampled block in again
 * (mallocfree: 14 faults per allocation, 29 times slower). Dirty runs
 * coalesce with dirty neighbours and are reused first (best fit, whole
 * when shorter than twice the request); a request longer than any dirty
 * run takes one of the longest with the free pages beside it, and faults
 * in only those. Their pages are bounded: a quarter of the live samples'
 * pages and at most HM_DIRTY_MAX (16 MiB); past the bound, the shortest
 * dirty runs are given back, down to seven eighths of it (one madvise for
 * many frees).
 */
#ifndef HM_DIRTY_MAX
#define HM_DIRTY_MAX	(16u << 20)
#endif
#ifndef HM_DIRTY_SHIFT
#define HM_DIRTY_SHIFT	2	/* a quarter of the live samples' pages */
#endif
static uint64_t dirty_pages;

static unsigned int class_of(uint32_t n)
{
	if (n <= HM_EXACT)
		return n - 1;
	return HM_EXACT + (31 - __builtin_clz(n)) - 5;
}

/* The list of a free run of this state (HM_FREE or HM_DIRTY) and length. */
static uint32_t *head_of(uint32_t state, uint32_t len)
{
	return &heads[state == HM_DIRTY][class_of(len)];
}

static void list_add(uint32_t pg)
{
	uint32_t *head = head_of(meta[pg].state, meta[pg].len);

	meta[pg].prev = 0;
	meta[pg].next = *head;
	if (*head)
		meta[*head - 1].prev = pg + 1;
	*head = pg + 1;
}

/* Before its tags change: they say which list it is on. */
static void list_del(uint32_t pg)
{
	struct hm_page *m = &meta[pg];

	if (m->prev)
		meta[m->prev - 1].next = m->next;
	else
		*head_of(m->state, m->len) = m->next;
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

/*
 * Returns [pg, pg + len) to the free runs of its kind (HM_FREE: its pages
 * are not resident; HM_DIRTY: they are), merged with neighbours of the
 * same kind. A free (not dirty) run at the top goes back to the never-used
 * part.
 */
static void put_free(uint32_t pg, uint32_t len, uint32_t kind)
{
	if (pg > 0 && meta[pg - 1].state == kind) {
		uint32_t plen = meta[pg - 1].len;

		pg -= plen;
		list_del(pg);
		len += plen;
	}
	if (pg + len < top && meta[pg + len].state == kind) {
		uint32_t nlen = meta[pg + len].len;

		list_del(pg + len);
		len += nlen;
	}
	if (kind == HM_FREE && pg + len == top) {
		top = pg;
		return;
	}
	tag(pg, len, kind);
	list_add(pg);
}

/*
 * n pages from a free run of this kind (HM_FREE or HM_DIRTY), the shortest
 * of the first list that has one, or -1. *len is what was taken: a dirty
 * run shorter than twice n is taken whole (a freed large block serves the
 * next large request, not the next small one).
 */
static int64_t take_run(uint32_t n, uint32_t kind, uint32_t *got)
{
	uint32_t (*lists)[HM_CLASSES] = &heads[kind == HM_DIRTY];

	for (unsigned int c = class_of(n); c < HM_CLASSES; c++) {
		uint32_t p = (*lists)[c], best = 0, blen = 0;

		for (int scanned = 0; p && scanned < HM_SCAN; scanned++) {
			uint32_t pg = p - 1, len = meta[pg].len;

			if (len >= n && (!best || len < blen)) {
				best = p;
				blen = len;
				if (len == n)
					break;
			}
			p = meta[pg].next;
		}
		if (best) {
			uint32_t pg = best - 1;

			list_del(pg);
			if (kind == HM_DIRTY && blen < 2 * n)
				n = blen;
			if (blen > n) {
				/* The rest of a maximal run of its kind: no neighbour to merge. */
				tag(pg + n, blen - n, kind);
				list_add(pg + n);
			}
			*got = n;
			return pg;
		}
	}
	return -1;
}

/* Takes free (not dirty) pages [pg, pg + n) from the free run at pg, or above the top. */
static bool take_free_at(uint32_t pg, uint32_t n)
{
	uint32_t len;

	if (pg == top) {
		if (n > npages - top)
			return false;
		top += n;
		return true;
	}
	if (pg > top || meta[pg].state != HM_FREE)
		return false;
	len = meta[pg].len;
	if (len < n)
		return false;
	list_del(pg);
	if (len > n) {
		tag(pg + n, len - n, HM_FREE);
		list_add(pg + n);
	}
	return true;
}

/*
 * No dirty run long enough for n pages: one of the longest dirty runs with
 * enough free pages right after or right before it, so that only those
 * fault in. Returns its first page and sets *dirty_len, or -1.
 */
static int64_t take_partly_dirty(uint32_t n, uint32_t *dirty_len)
{
	int c;

	for (c = HM_CLASSES - 1; c >= 0 && !heads[1][c]; c--)
		;
	if (c < 0)
		return -1;
	for (uint32_t p = heads[1][c], scanned = 0; p && scanned < HM_SCAN; scanned++) {
		uint32_t pg = p - 1, len = meta[pg].len, more = n - len;

		p = meta[pg].next;
		if (len >= n)
			continue;
		/* Its neighbours are not dirty free runs: their tags can be read. */
		if (pg + len <= top && take_free_at(pg + len, more)) {
			list_del(pg);
		} else if (pg >= more && meta[pg - 1].state == HM_FREE && meta[pg - 1].len >= more) {
			uint32_t fpg = pg - meta[pg - 1].len;

			list_del(pg);
			/* The free run's tail: its head stays free. */
			list_del(fpg);
			if (pg - more > fpg) {
				tag(fpg, pg - more - fpg, HM_FREE);
				list_add(fpg);
			}
			pg -= more;
		} else {
			continue;
		}
		*dirty_len = len;
		return pg;
	}
	return -1;
}

static int64_t take_pages(uint32_t n)
{
	uint32_t got;
	int64_t pg = take_run(n, HM_FREE, &got);

	if (pg >= 0)
		return pg;
	if (n > npages - top)
		return -1;
	top += n;
	return top - n;
}

void hm_arena_release(void *p)
{
	uint32_t pg = ((uintptr_t)p - hm_arena_base) >> HM_PAGE_SHIFT;
	uint32_t len = meta[pg].len;

	tag(pg, len, 0);
	dirty_pages += len;
	put_free(pg, len, HM_DIRTY);
}

void *hm_arena_evict(uint64_t live_bytes, size_t *bytes)
{
	uint64_t max = live_bytes >> HM_DIRTY_SHIFT, keep;
	uint32_t pg, len, n;
	int c;

	if (max > HM_DIRTY_MAX)
		max = HM_DIRTY_MAX;
	max >>= HM_PAGE_SHIFT;
	if (dirty_pages <= max)
		return NULL;
	keep = max - max / 8;
	/* The shortest runs first: the long ones serve the most. */
	for (c = 0; c < HM_CLASSES && !heads[1][c]; c++)
		;
	if (c == HM_CLASSES)
		return NULL;	/* not reached: dirty_pages counts the listed runs */
	pg = heads[1][c] - 1;
	len = meta[pg].len;
	n = dirty_pages - keep < len ? dirty_pages - keep : len;
	list_del(pg);
	if (n < len) {
		tag(pg, len - n, HM_DIRTY);
		list_add(pg);
	}
	/* Neither free nor live until hm_arena_free: nothing merges with it. */
	tag(pg + len - n, n, HM_EVICTING);
	dirty_pages -= n;
	*bytes = (size_t)n << HM_PAGE_SHIFT;
	return (void *)(hm_arena_base + ((uintptr_t)(pg + len - n) << HM_PAGE_SHIFT));
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
		uint32_t got;

		pg = take_run(n, HM_DIRTY, &got);
		if (pg >= 0) {
			dirty_pages -= got;
			*dirty = true;
			tag(pg, got, owner);
			return (void *)(hm_arena_base + ((uintptr_t)pg << HM_PAGE_SHIFT));
		}
		pg = take_partly_dirty(n, &got);
		if (pg >= 0) {
			dirty_pages -= got;
			*dirty = true;
			tag(pg, n, owner);
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
			put_free(pg, start - pg, HM_FREE);
		}
		if (pg + n + extra > start + n) {
			uint32_t tail = start + n, tlen = pg + n + extra - tail;

			tag(tail, tlen, owner);
			put_free(tail, tlen, HM_FREE);
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
	return meta[pg].state >= HM_EVICTING ? 0 : meta[pg].state;
}


size_t hm_arena_run_bytes(const void *p)
{
	uint32_t pg = ((uintptr_t)p - hm_arena_base) >> HM_PAGE_SHIFT;

	return (size_t)meta[pg].len << HM_PAGE_SHIFT;
}

void hm_arena_discard(void *p, size_t bytes)
{
	/* Free arena pages stay non-resident, and read as zero when reused. */
	madvise(p, bytes, MADV_DONTNEED);
}

void hm_arena_free(void *p)
{
	uint32_t pg = ((uintptr_t)p - hm_arena_base) >> HM_PAGE_SHIFT;

	put_free(pg, meta[pg].len, HM_FREE);
}
