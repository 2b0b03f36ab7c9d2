// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of leak ranking: synthetic samples and pages whose truth is
 * known (which site leaks, which is a table, a cache, young) must give
 * exact ranks, reasons and growth figures.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "leakrank.h"
#include "unit.h"

#define MIN_NS HM_NS_PER_MIN
#define ARENA 0x7f0000000000ULL

static struct hm_sites_record recs[512];
static size_t n_recs;
static struct hm_page pages[2048];
static size_t n_pages;
static uint64_t next_addr = ARENA;

/* The 12-bit count the module keeps for a number of periods (saturating). */
static uint32_t rec_count(uint64_t periods)
{
	if (periods < HEAPMON_REC_EXACT)
		return periods;
	periods = HEAPMON_REC_EXACT + ((periods - HEAPMON_REC_EXACT) >> HEAPMON_REC_COARSE_SHIFT);
	return periods > HEAPMON_REC_IDLE_MAX ? HEAPMON_REC_IDLE_MAX : periods;
}

/* A page record: touched once, idle and age in periods (saturating). */
static uint32_t page_rec(uint64_t idle, uint64_t age)
{
	return 1 | rec_count(idle) << 8 | rec_count(age) << 20;
}

static void add_page(uint64_t addr, uint64_t size, uint64_t idle, uint64_t age)
{
	struct hm_page *pg = &pages[n_pages++];

	pg->addr = addr;
	pg->size = size;
	pg->rec = page_rec(idle, age);
}

/*
 * A sample of stack allocated at t (minutes) on npages fresh pages, as the
 * recorder's arena serves it; hot_page (< npages, or -1 for none) was touched
 * in the last period; the others only when allocated. resident = false: no
 * page was ever touched.
 */
static void add_sample(const struct hm_leak_params *p, uint32_t stack, double t_min,
		       uint64_t weight, int npages, int hot_page, bool resident, uint32_t flags)
{
	struct hm_sites_record *r = &recs[n_recs++];
	uint64_t t = (uint64_t)(t_min * MIN_NS);
	uint64_t periods = (p->now_ns - t) / p->interval_ns;
	int i;

	r->seq = 2;
	r->stack = stack;
	r->addr = next_addr;
	r->size = (uint64_t)npages * HM_PAGE_SIZE - 100;
	r->weight_bytes = weight;
	r->time_ns = t;
	r->flags = flags;
	for (i = 0; resident && i < npages; i++)
		add_page(next_addr + i * HM_PAGE_SIZE, HM_PAGE_SIZE, i == hot_page ? 0 : periods,
			 periods);
	/* A guard page between samples, as an arena of pages of their own leaves. */
	next_addr += (npages + 1) * HM_PAGE_SIZE;
}

/* Marks the pages of recs[i] swapped out (their idle counts go on, as the module keeps them). */
static void swap_out(size_t i)
{
	size_t k;

	for (k = 0; k < n_pages; k++)
		if (pages[k].addr >= recs[i].addr && pages[k].addr < recs[i].addr + recs[i].size)
			pages[k].swapped = 1;
}

static const struct hm_leak_group *find_stack(const struct hm_leak_group *g, size_t n,
					      uint32_t stack, size_t *rank)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (g[i].stack == stack) {
			*rank = i + 1;
			return &g[i];
		}
	return NULL;
}

enum { LEAK = 1, TABLE, CACHE, YOUNG, LEAK2, BIGTABLE, FEW };

static void check_site(const char *name, const struct hm_leak_group *g, size_t n,
		       uint32_t stack, size_t want_rank, bool want_suspect,
		       long long want_growth, const char *want_reason,
		       const struct hm_leak_params *p, const struct hm_leak_window *w)
{
	const struct hm_leak_group *s;
	char label[96], reason[160];
	size_t rank = 0;

	s = find_stack(g, n, stack, &rank);
	snprintf(label, sizeof(label), "%s: rank", name);
	UNIT_EQ_INT(label, s ? (long long)rank : -1, want_rank);
	if (!s)
		return;
	snprintf(label, sizeof(label), "%s: suspect", name);
	UNIT_EQ_INT(label, s->suspect, want_suspect);
	snprintf(label, sizeof(label), "%s: growth (B/min)", name);
	UNIT_EQ_INT(label, llround(s->growth), want_growth);
	snprintf(label, sizeof(label), "%s: reason", name);
	UNIT_EQ_STR(label, hm_leak_reason_text(s, p, w, reason, sizeof(reason)), want_reason);
}

/*
 * Recording started at 20 min, now is 100 min, I = 10 min, 200 ms periods:
 * T_hi = 90 min, mid = 55 min; the later half is 35 minutes long.
 */
static void test_sites(void)
{
	struct hm_leak_params p = { .now_ns = 100 * MIN_NS, .idle_ns = 10 * MIN_NS,
				    .interval_ns = 200000000, .history_ns = 20 * MIN_NS };
	struct hm_leak_group *g;
	struct hm_leak_window w;
	size_t n, rank;
	int i;

	n_recs = n_pages = 0;
	/* The leak: 64 KiB of weight every 5 minutes, never touched again. */
	for (i = 20; i <= 85; i += 5)
		add_sample(&p, LEAK, i, 65536, 1, -1, i != 30,
			   i == 40 ? HM_SITES_REC_SHARED : 0);
	add_sample(&p, LEAK, 92, 65536, 1, -1, true, 0);	/* young */
	add_sample(&p, LEAK, 95, 65536, 1, -1, true, 0);	/* young */
	/* The configuration table: filled at start, cold since. */
	for (i = 0; i < 10; i++)
		add_sample(&p, TABLE, 20, 131072, 2, -1, true, 0);
	/* The cache: 9 of 10 entries read within I, one of them on its middle page only. */
	for (i = 0; i < 10; i++)
		add_sample(&p, CACHE, 20 + i * 7, 50000, 3, i == 9 ? -1 : i == 4 ? 1 : 0, true, 0);
	/* Young: all allocated after T_hi. */
	for (i = 0; i < 3; i++)
		add_sample(&p, YOUNG, 95 + 2 * i, 10000, 1, -1, true, 0);
	/*
	 * A small leak allocated in between the objects of a table that grows
	 * faster and stays hot: a sample every minute for the table, one every
	 * 10 minutes (25, 35, ... 85) for the leak, addresses interleaved.
	 */
	for (i = 20; i < 90; i++) {
		add_sample(&p, BIGTABLE, i, 65536, 1, 0, true, 0);
		if (i % 10 == 5)
			add_sample(&p, LEAK2, i + 0.5, 32768, 1, -1, true, 0);
	}
	/* Cold, growing, but one sample in the later half only. */
	add_sample(&p, FEW, 30, 40000, 1, -1, true, 0);
	add_sample(&p, FEW, 70, 40000, 1, -1, true, 0);
	/*
	 * Reclaim pushed out the leak's first two samples (recs 0, 1), the
	 * table's first (rec 16), and the cache's first (rec 26, hot: the
	 * cold figure must not count it).
	 */
	swap_out(0);
	swap_out(1);
	swap_out(16);
	swap_out(26);

	hm_leak_window(&p, false, &w);
	UNIT_EQ_INT("sites: T_hi", w.t_hi / MIN_NS, 90);
	UNIT_EQ_INT("sites: T_lo", w.t_lo / MIN_NS, 20);
	UNIT_EQ_INT("sites: mid", w.mid / MIN_NS, 55);
	UNIT_EQ_INT("sites: history is long enough", w.short_history, 0);

	if (hm_leak_rank_sites(&p, recs, n_recs, pages, n_pages, &g, &n)) {
		UNIT_EQ_INT("sites: rank", -1, 0);
		return;
	}
	UNIT_EQ_INT("sites: groups", n, 7);
	/* 6 samples at 60..85 min in (55, 90]: 6 * 65536 B / 35 min. */
	check_site("leak", g, n, LEAK, 1, true, 11235, "suspect", &p, &w);
	/* 4 samples (55.5, 65.5, 75.5, 85.5 min) * 32768 B / 35 min. */
	check_site("interleaved leak", g, n, LEAK2, 2, true, 3745, "suspect", &p, &w);
	check_site("config table", g, n, TABLE, 3, false, 0,
		   "cold but not growing: its cold bytes were allocated before 1 h 20 min ago",
		   &p, &w);
	check_site("few samples", g, n, FEW, 4, false, 1143,
		   "too few samples: 1 cold sample allocated between 45 min and 10 min ago, "
		   "2 needed", &p, &w);
	/* Growth is a figure of every site: the cache's one cold entry, at 83 min. */
	check_site("cache", g, n, CACHE, 5, false, 1429,
		   "hot: 90% of its bytes touched within 10 min", &p, &w);
	check_site("faster hot table", g, n, BIGTABLE, 6, false, 0,
		   "hot: 100% of its bytes touched within 10 min", &p, &w);
	check_site("young", g, n, YOUNG, 7, false, 0,
		   "too young: all of it allocated within the last 10 min", &p, &w);

	const struct hm_leak_group *l = find_stack(g, n, LEAK, &rank);

	if (l) {
		UNIT_EQ_INT("leak: live bytes", l->live_bytes, 16 * 65536);
		UNIT_EQ_INT("leak: cold bytes (one never resident)", l->cold_bytes, 14 * 65536);
		UNIT_EQ_INT("leak: young samples", l->young_samples, 2);
		UNIT_EQ_INT("leak: cold share %", llround(l->cold_share * 100), 100);
		UNIT_EQ_INT("leak: shared samples", l->shared, 1);
		UNIT_EQ_INT("leak: later-half cold samples", l->late_cold_samples, 6);
		UNIT_EQ_INT("leak: cold swapped bytes", l->cold_swapped_bytes, 2 * 65536);
	}
	l = find_stack(g, n, TABLE, &rank);
	if (l)
		UNIT_EQ_INT("table: cold swapped bytes", l->cold_swapped_bytes, 131072);
	l = find_stack(g, n, CACHE, &rank);
	if (l)
		UNIT_EQ_INT("cache (swapped but hot): cold swapped bytes", l->cold_swapped_bytes, 0);
	free(g);
}

/* Recording for 5 min, I = 3 min: T_hi - T_lo = 2 min < I, ranked by cold bytes. */
static void test_short_history(void)
{
	struct hm_leak_params p = { .now_ns = 100 * MIN_NS, .idle_ns = 3 * MIN_NS,
				    .interval_ns = 200000000, .history_ns = 95 * MIN_NS };
	struct hm_leak_group *g;
	struct hm_leak_window w;
	char reason[160];
	size_t n;

	n_recs = n_pages = 0;
	next_addr = ARENA;
	add_sample(&p, TABLE, 95, 100000, 1, -1, true, 0);
	add_sample(&p, TABLE, 95, 100000, 1, -1, true, 0);
	add_sample(&p, LEAK, 95.5, 60000, 1, -1, true, 0);
	add_sample(&p, LEAK, 96, 60000, 1, -1, true, 0);
	add_sample(&p, LEAK, 96.5, 60000, 1, -1, true, 0);
	add_sample(&p, FEW, 96, 30000, 1, -1, true, 0);
	add_sample(&p, CACHE, 95, 30000, 1, 0, true, 0);
	hm_leak_window(&p, false, &w);
	UNIT_EQ_INT("short history: flagged", w.short_history, 1);
	if (hm_leak_rank_sites(&p, recs, n_recs, pages, n_pages, &g, &n))
		return;
	UNIT_EQ_INT("short history: groups", n, 4);
	UNIT_EQ_INT("short history: first by cold bytes is the table", g[0].stack, TABLE);
	UNIT_EQ_INT("short history: then the 3-sample site", g[1].stack, LEAK);
	UNIT_EQ_INT("short history: both suspects", g[0].suspect && g[1].suspect, 1);
	UNIT_EQ_INT("short history: third", g[2].stack, FEW);
	UNIT_EQ_STR("short history: one cold sample",
		    hm_leak_reason_text(&g[2], &p, &w, reason, sizeof(reason)),
		    "too few samples: 1 cold sample, 2 needed");
	UNIT_EQ_INT("short history: hot cache last", g[3].stack, CACHE);
	free(g);
}

/*
 * Trap mode's touches: two sites alike, 4 cold samples each in the later
 * half (now 100 min, I = 10 min, history from 20 min: mid 55, T_hi 90). A
 * touch inside one sample of LEAK2 (at 95 min) makes it "read now and then",
 * not a suspect; a touch on the guard page after a LEAK sample, outside it,
 * changes nothing, nor does one inside a LEAK sample from before it was
 * allocated (the page held something else then).
 */
static void test_touches(void)
{
	struct hm_leak_params p = { .now_ns = 100 * MIN_NS, .idle_ns = 10 * MIN_NS,
				    .interval_ns = 1000000000, .history_ns = 20 * MIN_NS };
	struct hm_leak_touch touches[3];
	const struct hm_leak_group *l;
	struct hm_leak_group *g;
	struct hm_leak_window w;
	char reason[160];
	size_t n, rank;
	int i;

	n_recs = n_pages = 0;
	next_addr = ARENA;
	for (i = 0; i < 4; i++) {
		add_sample(&p, LEAK, 80 + i, 8192, 2, -1, true, 0);
		add_sample(&p, LEAK2, 80 + i, 8192, 2, -1, true, 0);
	}
	/*
	 * Sorted by address: the guard page after LEAK's first sample, LEAK2's
	 * first sample's second page, LEAK's second sample (allocated at 81 min)
	 * at 70 min.
	 */
	touches[0] = (struct hm_leak_touch){ recs[0].addr + 2 * HM_PAGE_SIZE, 96 * MIN_NS };
	touches[1] = (struct hm_leak_touch){ recs[1].addr + HM_PAGE_SIZE, 95 * MIN_NS };
	touches[2] = (struct hm_leak_touch){ recs[2].addr, 70 * MIN_NS };
	p.touches = touches;
	p.n_touches = 3;
	hm_leak_window(&p, false, &w);
	if (hm_leak_rank_sites(&p, recs, n_recs, pages, n_pages, &g, &n))
		return;
	l = find_stack(g, n, LEAK, &rank);
	if (l) {
		UNIT_EQ_INT("touches: a touch outside every sample, or from before it, changes nothing",
			    l->suspect, 1);
		UNIT_EQ_INT("touches: no touched sample there", l->touched_samples, 0);
	}
	l = find_stack(g, n, LEAK2, &rank);
	if (l) {
		UNIT_EQ_INT("touches: a site read after idling is no suspect", l->suspect, 0);
		UNIT_EQ_STR("touches: why", hm_leak_reason_text(l, &p, &w, reason, sizeof(reason)),
			    "read now and then: 1 of its samples touched again after idling "
			    "(trap mode), the last 5 min ago");
		UNIT_EQ_STR("touches: keyword", hm_leak_reason_name(l->reason), "read now and then");
	}
	free(g);
}

/*
 * Region level, 1 s periods (ages reach 68 min 15 s back), I = 5 min, watched
 * since 50 min, now 100 min: T_hi = 95, mid = 72.5 min.
 */
static void test_regions(void)
{
	struct hm_leak_params p = { .now_ns = 100 * MIN_NS, .idle_ns = 5 * MIN_NS,
				    .interval_ns = 1000000000, .history_ns = 50 * MIN_NS };
	struct hm_region regions[5] = {
		{ .start = 0x1000000, .end = 0x2000000, .kind = HEAPMON_REGION_BRK },
		{ .start = 0x7f0000000000, .end = 0x7f0000100000, .kind = HEAPMON_REGION_ANON },
		{ .start = 0x7f0000200000, .end = 0x7f0000300000, .kind = HEAPMON_REGION_ANON },
		{ .start = 0x7f0000400000, .end = 0x7f0000500000, .kind = HEAPMON_REGION_ANON },
		{ .start = 0x7f0001000000, .end = 0x7f0001400000, .kind = HEAPMON_REGION_ANON },
	};
	struct hm_leak_group *g;
	struct hm_leak_window w;
	char reason[160];
	uint64_t a, sec;
	size_t n;
	int i;

	n_pages = 0;
	/* brk: a page leaked every minute 50..94, 10 hot pages from the start. */
	for (a = regions[0].start, i = 0; i < 10; i++, a += HM_PAGE_SIZE)
		add_page(a, HM_PAGE_SIZE, 0, 50 * 60);
	for (i = 50; i <= 94; i++, a += HM_PAGE_SIZE)
		add_page(a, HM_PAGE_SIZE, (100 - i) * 60, (100 - i) * 60);
	/* A table written at 50 min. */
	for (a = regions[1].start, i = 0; i < 100; i++, a += HM_PAGE_SIZE)
		add_page(a, HM_PAGE_SIZE, 50 * 60, 50 * 60);
	/* A cache. */
	for (a = regions[2].start, i = 0; i < 50; i++, a += HM_PAGE_SIZE)
		add_page(a, HM_PAGE_SIZE, i % 3, 50 * 60);
	/* Young: first seen 3 minutes ago. */
	for (a = regions[3].start, i = 0; i < 5; i++, a += HM_PAGE_SIZE)
		add_page(a, HM_PAGE_SIZE, 3 * 60, 3 * 60);
	/* A huge page of the leak kind: one 2 MiB page, cold, first seen at 80 min. */
	add_page(regions[4].start, HM_HUGE_PAGE_SIZE, 20 * 60, 20 * 60);
	add_page(regions[4].start + HM_HUGE_PAGE_SIZE, HM_HUGE_PAGE_SIZE, 19 * 60, 19 * 60);

	hm_leak_window(&p, true, &w);
	UNIT_EQ_INT("regions: T_lo (watch start)", w.t_lo / MIN_NS, 50);
	UNIT_EQ_INT("regions: ages reach far enough", w.age_clamped, 0);
	if (hm_leak_rank_regions(&p, regions, 5, pages, n_pages, &g, &n))
		return;
	UNIT_EQ_INT("regions: groups", n, 5);
	/* Huge pages: 2 * 2 MiB in 22.5 min; brk: 22 pages (73..94 min) in 22.5 min. */
	UNIT_EQ_INT("regions: first the huge-page region", g[0].start, regions[4].start);
	UNIT_EQ_INT("regions: its growth", llround(g[0].growth), 186414);
	UNIT_EQ_INT("regions: then brk", g[1].start, regions[0].start);
	UNIT_EQ_INT("regions: brk suspect", g[1].suspect, 1);
	UNIT_EQ_INT("regions: brk growth", llround(g[1].growth), 4005);
	UNIT_EQ_INT("regions: brk cold share %", llround(g[1].cold_share * 100), 82);
	UNIT_EQ_INT("regions: table third", g[2].start, regions[1].start);
	/*
	 * Ages past HEAPMON_REC_EXACT periods are coarse: 3000 s is kept as
	 * 2048 + 3 * 256 = 2816 s (46 min 56 s), a lower bound.
	 */
	UNIT_EQ_STR("regions: table reason", hm_leak_reason_text(&g[2], &p, &w, reason, sizeof(reason)),
		    "cold but not growing: its cold bytes were first seen before 46 min 56 s ago");
	UNIT_EQ_INT("regions: cache fourth", g[3].start, regions[2].start);
	UNIT_EQ_STR("regions: cache reason", hm_leak_reason_text(&g[3], &p, &w, reason, sizeof(reason)),
		    "hot: 100% of its bytes touched within 5 min");
	UNIT_EQ_STR("regions: young reason", hm_leak_reason_text(&g[4], &p, &w, reason, sizeof(reason)),
		    "too young: all of it first seen within the last 5 min");
	free(g);

	/*
	 * Watched for 100 min at 10 ms: ages stop at 526080 periods (5260.8 s),
	 * so the window starts there; a saturated age falls in the first half,
	 * not the later one.
	 */
	p.history_ns = 0;
	p.interval_ns = 10000000;
	hm_leak_window(&p, true, &w);
	sec = w.t_lo / HM_NS_PER_SEC;
	UNIT_EQ_INT("regions: window clamped to the ages' reach", w.age_clamped, 1);
	UNIT_EQ_INT("regions: clamped T_lo (s)", sec, 6000 - 5261);
	n_pages = 0;
	for (i = 0; i < 4; i++)
		add_page(regions[1].start + i * HM_PAGE_SIZE, HM_PAGE_SIZE, HEAPMON_REC_PERIODS_MAX,
			 HEAPMON_REC_PERIODS_MAX);
	if (hm_leak_rank_regions(&p, &regions[1], 1, pages, n_pages, &g, &n))
		return;
	UNIT_EQ_STR("regions: saturated ages are old, not growing",
		    hm_leak_reason_name(g[0].reason), "not growing");
	free(g);
}

static void check_fmt(uint64_t ns, const char *want)
{
	char buf[32], name[64];

	snprintf(name, sizeof(name), "duration %s", want);
	UNIT_EQ_STR(name, hm_fmt_duration(ns, buf, sizeof(buf)), want);
}

int main(void)
{
	test_sites();
	test_short_history();
	test_touches();
	test_regions();
	check_fmt(500000000, "500 ms");
	check_fmt(8 * HM_NS_PER_SEC, "8 s");
	check_fmt(8500000000ULL, "8.5 s");
	check_fmt(10 * MIN_NS, "10 min");
	check_fmt(10 * MIN_NS + 5 * HM_NS_PER_SEC, "10 min 5 s");
	check_fmt(90 * MIN_NS, "1 h 30 min");
	check_fmt(48 * 60 * MIN_NS, "2 d");
	return unit_failed ? 1 : 0;
}
