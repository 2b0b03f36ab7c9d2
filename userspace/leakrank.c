// SPDX-License-Identifier: GPL-2.0
/* Leak suspects: classification, grouping and ranking (see leakrank.h). */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

#include "leakrank.h"

void hm_leak_window(const struct hm_leak_params *p, bool region_mode, struct hm_leak_window *w)
{
	uint64_t reach = (uint64_t)HEAPMON_REC_PERIODS_MAX * p->interval_ns;

	w->t_hi = p->now_ns > p->idle_ns ? p->now_ns - p->idle_ns : 0;
	w->t_lo = p->history_ns;
	if (w->t_hi > HM_LEAK_MAX_HISTORY_NS && w->t_lo < w->t_hi - HM_LEAK_MAX_HISTORY_NS)
		w->t_lo = w->t_hi - HM_LEAK_MAX_HISTORY_NS;
	/*
	 * Region mode dates pages by their age, which stops counting at
	 * HEAPMON_REC_PERIODS_MAX periods: a page older than that looks that old. Starting the window
	 * there puts all of them at its very start, in the first half.
	 */
	w->age_clamped = false;
	if (region_mode && p->now_ns > reach && w->t_lo < p->now_ns - reach) {
		w->t_lo = p->now_ns - reach;
		w->age_clamped = true;
	}
	if (w->t_lo > w->t_hi)
		w->t_lo = w->t_hi;
	w->mid = w->t_lo + (w->t_hi - w->t_lo) / 2;
	w->short_history = w->t_hi - w->t_lo < p->idle_ns;
	w->idle_saturates = p->idle_ns > (uint64_t)HEAPMON_REC_PERIODS_MAX * p->interval_ns;
}

/* Idle for I, or for as long as the count goes when I is beyond it. */
static bool page_cold(const struct hm_page *pg, const struct hm_leak_params *p)
{
	uint32_t idle = HEAPMON_REC_IDLE_PERIODS(pg->rec);

	return idle == HEAPMON_REC_PERIODS_MAX || (uint64_t)idle * p->interval_ns >= p->idle_ns;
}

/* The first page that ends after addr, in pages sorted by address. */
static size_t first_page_after(const struct hm_page *pages, size_t n, uint64_t addr)
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t m = lo + (hi - lo) / 2;

		if (pages[m].addr + pages[m].size <= addr)
			lo = m + 1;
		else
			hi = m;
	}
	return lo;
}

/*
 * A sample is hot when any page of [addr & ~4095, addr + size) was touched
 * within I. Swapped-out pages are reported with their idle counts, which go
 * on growing; no page at all (never touched, or swapped out before heapmon
 * saw it) is cold. *swapped: any of its pages is swapped out.
 */
static bool sample_hot(const struct hm_sites_record *r, const struct hm_leak_params *p,
		       const struct hm_page *pages, size_t n, bool *swapped)
{
	uint64_t start = r->addr & ~(HM_PAGE_SIZE - 1), end = r->addr + (r->size ? r->size : 1);
	bool hot = false;
	size_t i;

	*swapped = false;
	for (i = first_page_after(pages, n, start); i < n && pages[i].addr < end; i++) {
		if (!page_cold(&pages[i], p))
			hot = true;
		if (pages[i].swapped)
			*swapped = true;
	}
	return hot;
}

/*
 * The latest touch of an idle page of the sample [addr & ~4095, addr + size)
 * that trap mode caught after the sample was allocated, or 0: before, the
 * page held something else.
 */
static uint64_t sample_touched(const struct hm_sites_record *r, const struct hm_leak_params *p)
{
	uint64_t start = r->addr & ~(HM_PAGE_SIZE - 1), end = r->addr + (r->size ? r->size : 1);
	size_t lo = 0, hi = p->n_touches;
	uint64_t last = 0;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (p->touches[mid].addr < start)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (; lo < p->n_touches && p->touches[lo].addr < end; lo++)
		if (p->touches[lo].time_ns > last && p->touches[lo].time_ns >= r->time_ns)
			last = p->touches[lo].time_ns;
	return last;
}

/* Adds one sample (or page) to its group, allocated (first seen) at t. */
static void account(struct hm_leak_group *g, const struct hm_leak_window *w, uint64_t t,
		    uint64_t bytes, bool hot, bool swapped)
{
	g->samples++;
	g->live_bytes += bytes;
	if (t > w->t_hi) {
		g->young_samples++;
		g->young_bytes += bytes;
	} else if (hot) {
		g->hot_bytes += bytes;
	} else {
		g->cold_samples++;
		g->cold_bytes += bytes;
		if (swapped)
			g->cold_swapped_bytes += bytes;
		if (t > g->newest_cold_ns)
			g->newest_cold_ns = t;
		if (t > w->mid) {
			g->late_cold_samples++;
			g->late_cold_bytes += bytes;
		}
	}
}

/* The figures and the verdict of a group whose samples are all in. */
static void judge(struct hm_leak_group *g, const struct hm_leak_window *w)
{
	uint64_t settled = g->live_bytes - g->young_bytes;
	uint64_t half = w->t_hi - w->mid;

	g->cold_share = settled ? (double)g->cold_bytes / settled : 0;
	g->growth = half ? g->late_cold_bytes * ((double)HM_NS_PER_MIN / half) : 0;
	g->suspect = false;
	if (!settled)
		g->reason = HM_LEAK_YOUNG;
	else if (g->cold_share < HM_LEAK_MIN_COLD_SHARE)
		g->reason = HM_LEAK_HOT;
	else if (w->short_history)
		g->reason = g->cold_samples < HM_LEAK_MIN_LATE_SAMPLES ? HM_LEAK_FEW_SAMPLES :
									  HM_LEAK_SUSPECT;
	else if (!g->late_cold_samples)
		g->reason = HM_LEAK_NOT_GROWING;
	else if (g->late_cold_samples < HM_LEAK_MIN_LATE_SAMPLES)
		g->reason = HM_LEAK_FEW_SAMPLES;
	else
		g->reason = HM_LEAK_SUSPECT;
	/* Memory that is read after long idleness is in use, however cold it looks. */
	if (g->reason == HM_LEAK_SUSPECT && g->touched_samples)
		g->reason = HM_LEAK_READ;
	g->suspect = g->reason == HM_LEAK_SUSPECT;
}

static int cmp3(double a, double b)
{
	return a > b ? -1 : a < b ? 1 : 0;
}

/* qsort's comparators cannot take an argument: the mode rides in a file static. */
static bool rank_by_cold;

/* Suspects first, by growth then cold bytes; the others by cold then live bytes. */
static int group_cmp(const void *a, const void *b)
{
	const struct hm_leak_group *x = a, *y = b;
	int c;

	if (x->suspect != y->suspect)
		return x->suspect ? -1 : 1;
	if (x->suspect && !rank_by_cold && (c = cmp3(x->growth, y->growth)))
		return c;
	if ((c = cmp3(x->cold_bytes, y->cold_bytes)) || (c = cmp3(x->live_bytes, y->live_bytes)))
		return c;
	if (x->stack != y->stack)
		return x->stack < y->stack ? -1 : 1;
	return x->start < y->start ? -1 : x->start > y->start;
}

static void rank(struct hm_leak_group *g, size_t n, const struct hm_leak_window *w)
{
	size_t i;

	for (i = 0; i < n; i++)
		judge(&g[i], w);
	rank_by_cold = w->short_history;
	qsort(g, n, sizeof(*g), group_cmp);
}

static int rec_stack_cmp(const void *a, const void *b)
{
	const struct hm_sites_record *x = *(const struct hm_sites_record *const *)a;
	const struct hm_sites_record *y = *(const struct hm_sites_record *const *)b;

	return x->stack < y->stack ? -1 : x->stack > y->stack;
}

int hm_leak_rank_sites(const struct hm_leak_params *p, const struct hm_sites_record *recs,
		       size_t n_recs, const struct hm_page *pages, size_t n_pages,
		       struct hm_leak_group **groups, size_t *n_groups)
{
	const struct hm_sites_record **by_stack;
	struct hm_leak_group *g = NULL;
	struct hm_leak_window w;
	size_t i, n = 0;

	*groups = NULL;
	*n_groups = 0;
	if (!n_recs)
		return 0;
	by_stack = malloc(n_recs * sizeof(*by_stack));
	g = calloc(n_recs, sizeof(*g));
	if (!by_stack || !g) {
		free(by_stack);
		free(g);
		return -ENOMEM;
	}
	for (i = 0; i < n_recs; i++)
		by_stack[i] = &recs[i];
	qsort(by_stack, n_recs, sizeof(*by_stack), rec_stack_cmp);

	hm_leak_window(p, false, &w);
	for (i = 0; i < n_recs; i++) {
		const struct hm_sites_record *r = by_stack[i];
		uint64_t touch = p->n_touches ? sample_touched(r, p) : 0;
		bool hot, swapped;

		if (!n || g[n - 1].stack != r->stack)
			g[n++].stack = r->stack;
		hot = sample_hot(r, p, pages, n_pages, &swapped);
		account(&g[n - 1], &w, r->time_ns, r->weight_bytes, hot, swapped);
		if (r->flags & HM_SITES_REC_SHARED)
			g[n - 1].shared++;
		if (touch) {
			g[n - 1].touched_samples++;
			if (touch > g[n - 1].last_touch_ns)
				g[n - 1].last_touch_ns = touch;
		}
	}
	free(by_stack);
	rank(g, n, &w);
	*groups = g;
	*n_groups = n;
	return 0;
}

int hm_leak_rank_regions(const struct hm_leak_params *p, const struct hm_region *regions,
			 size_t n_regions, const struct hm_page *pages, size_t n_pages,
			 struct hm_leak_group **groups, size_t *n_groups)
{
	struct hm_leak_group *g;
	struct hm_leak_window w;
	size_t i, j;

	*groups = NULL;
	*n_groups = 0;
	if (!n_regions)
		return 0;
	g = calloc(n_regions, sizeof(*g));
	if (!g)
		return -ENOMEM;
	hm_leak_window(p, true, &w);
	for (i = 0; i < n_regions; i++) {
		g[i].region = true;
		g[i].start = regions[i].start;
		g[i].end = regions[i].end;
		g[i].kind = regions[i].kind;
		j = first_page_after(pages, n_pages, regions[i].start);
		for (; j < n_pages && pages[j].addr < regions[i].end; j++) {
			uint64_t age = (uint64_t)HEAPMON_REC_AGE_PERIODS(pages[j].rec) * p->interval_ns;
			uint64_t seen = p->now_ns > age ? p->now_ns - age : 0;

			account(&g[i], &w, seen, pages[j].size, !page_cold(&pages[j], p),
				pages[j].swapped);
		}
	}
	rank(g, n_regions, &w);
	*groups = g;
	*n_groups = n_regions;
	return 0;
}

const char *hm_leak_reason_name(enum hm_leak_reason r)
{
	static const char *const names[__HM_LEAK_REASONS] = {
		[HM_LEAK_SUSPECT] = "suspect",
		[HM_LEAK_YOUNG] = "young",
		[HM_LEAK_HOT] = "hot",
		[HM_LEAK_NOT_GROWING] = "not growing",
		[HM_LEAK_FEW_SAMPLES] = "few samples",
		[HM_LEAK_READ] = "read now and then",
	};

	return r < __HM_LEAK_REASONS ? names[r] : "?";
}

const char *hm_leak_reason_text(const struct hm_leak_group *g, const struct hm_leak_params *p,
				const struct hm_leak_window *w, char *buf, size_t len)
{
	const char *alloc = g->region ? "first seen" : "allocated";
	const char *unit = g->region ? "page" : "sample";
	uint64_t settled = g->live_bytes - g->young_bytes;
	char t1[32], t2[32];

	switch (g->reason) {
	case HM_LEAK_SUSPECT:
		snprintf(buf, len, "suspect");
		break;
	case HM_LEAK_YOUNG:
		snprintf(buf, len, "too young: all of it %s within the last %s", alloc,
			 hm_fmt_duration(p->idle_ns, t1, sizeof(t1)));
		break;
	case HM_LEAK_HOT:
		snprintf(buf, len, "hot: %.0f%% of its bytes touched within %s",
			 settled ? 100.0 * g->hot_bytes / settled : 0.0,
			 hm_fmt_duration(p->idle_ns, t1, sizeof(t1)));
		break;
	case HM_LEAK_NOT_GROWING:
		snprintf(buf, len, "cold but not growing: its cold bytes were %s before %s ago",
			 alloc, hm_fmt_duration(p->now_ns - g->newest_cold_ns, t1, sizeof(t1)));
		break;
	case HM_LEAK_FEW_SAMPLES:
		if (w->short_history)
			snprintf(buf, len, "too few samples: %" PRIu64 " cold %s, %d needed",
				 g->cold_samples, unit, HM_LEAK_MIN_LATE_SAMPLES);
		else
			snprintf(buf, len, "too few samples: %" PRIu64 " cold %s %s between %s "
				 "and %s ago, %d needed", g->late_cold_samples, unit, alloc,
				 hm_fmt_duration(p->now_ns - w->mid, t1, sizeof(t1)),
				 hm_fmt_duration(p->now_ns - w->t_hi, t2, sizeof(t2)),
				 HM_LEAK_MIN_LATE_SAMPLES);
		break;
	case HM_LEAK_READ:
		snprintf(buf, len, "read now and then: %" PRIu64 " of its samples touched again after "
			 "idling (trap mode), the last %s ago", g->touched_samples,
			 hm_fmt_duration(p->now_ns > g->last_touch_ns ? p->now_ns - g->last_touch_ns : 0,
					 t1, sizeof(t1)));
		break;
	default:
		snprintf(buf, len, "?");
	}
	return buf;
}

const char *hm_fmt_duration(uint64_t ns, char *buf, size_t len)
{
	uint64_t s = (ns + HM_NS_PER_SEC / 2) / HM_NS_PER_SEC;

	if (ns < HM_NS_PER_SEC)
		snprintf(buf, len, "%" PRIu64 " ms", (ns + 500000) / 1000000);
	else if (ns < 10 * HM_NS_PER_SEC && ns % HM_NS_PER_SEC >= HM_NS_PER_SEC / 20)
		snprintf(buf, len, "%.1f s", (double)ns / HM_NS_PER_SEC);
	else if (s < 60)
		snprintf(buf, len, "%" PRIu64 " s", s);
	else if (s < 3600)
		snprintf(buf, len, s % 60 ? "%" PRIu64 " min %" PRIu64 " s" : "%" PRIu64 " min",
			 s / 60, s % 60);
	else if (s < 86400)
		snprintf(buf, len, s % 3600 / 60 ? "%" PRIu64 " h %" PRIu64 " min" : "%" PRIu64 " h",
			 s / 3600, s % 3600 / 60);
	else
		snprintf(buf, len, s % 86400 / 3600 ? "%" PRIu64 " d %" PRIu64 " h" : "%" PRIu64 " d",
			 s / 86400, s % 86400 / 3600);
	return buf;
}
