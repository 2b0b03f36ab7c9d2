// SPDX-License-Identifier: GPL-2.0
/*
 * heapmonctl leaks: leak suspects, the join of the recorder's sampled
 * allocations (or, without them, the tracked regions) with the module's
 * per-page idle counts, ranked by cold growth (see leakrank.h).
 */
#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "args.h"
#include "array.h"
#include "decode.h"
#include "histcalc.h"
#include "leakrank.h"
#include "nl.h"
#include "options.h"
#include "output.h"
#include "request.h"
#include "sitesfile.h"
#include "subcommands.h"
#include "symbolize.h"

#define DEFAULT_IDLE_MS (10 * 60 * 1000)
#define DEFAULT_TOP 10
#define HUMAN_FRAMES 3

struct leaks_args {
	uint32_t pid;
	uint64_t idle_ms;
	uint32_t top;
	bool all, json;
	const char *dir;
};

/* Everything one report is made of. */
struct leaks {
	struct leaks_args a;
	struct hm_leak_params p;
	struct hm_leak_window w;
	bool have_sites;
	struct hm_sites sites;
	struct hm_array pages;		/* struct hm_page, address order */
	struct hm_array regions;	/* struct hm_region, region mode */
	struct hm_array history;	/* struct hm_history_sample, region mode */
	struct hm_array touches;	/* struct hm_leak_touch, address order (trap mode) */
	unsigned int cold_bucket;	/* the history's idle bucket for --idle */
	bool have_growth;		/* growth: target-level cold growth from the history */
	struct hm_cold_growth growth;
	struct hm_leak_group *groups;
	size_t n_groups;
	struct hm_symbolizer *sym;
	char sym_err[256];
};

static uint64_t boottime_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_BOOTTIME, &ts);
	return (uint64_t)ts.tv_sec * HM_NS_PER_SEC + ts.tv_nsec;
}

static int parse_args(int argc, char **argv, struct leaks_args *a)
{
	struct hm_getopt g;
	int c;

	a->idle_ms = DEFAULT_IDLE_MS;
	a->top = DEFAULT_TOP;
	hm_getopt_init(&g, "leaks", argc, argv);
	while ((c = hm_getopt_next(&g)) > 0) {
		switch (c) {
		case 'I':
			a->idle_ms = g.val;
			break;
		case 't':
			a->top = g.val;
			break;
		case 'a':
			a->all = true;
			break;
		case 'j':
			a->json = true;
			break;
		case 'D':
			a->dir = g.arg;
			break;
		}
	}
	if (c < 0)
		return g.status;
	if (optind + 1 != argc)
		return subcommand_usage("leaks");
	return parse_pid(argv[optind], &a->pid);
}

/* Pages in [start, end), appended to l->pages; start is rounded down to catch huge pages. */
static int fetch_pages(struct hm_nl *nl, struct leaks *l, uint64_t start, uint64_t end)
{
	struct hm_page_filter f = { .has_start = true, .has_end = true,
				    .start = start & ~(HM_HUGE_PAGE_SIZE - 1), .end = end };
	struct hm_array part;
	size_t i;
	int ret;

	if (f.start >= f.end)
		return 0;
	hm_array_init(&part, sizeof(struct hm_page));
	ret = hm_req_pages(nl, l->a.pid, &f, &part);
	for (i = 0; !ret && i < part.n; i++) {
		struct hm_page *pg = hm_array_push(&l->pages);

		if (!pg)
			ret = -ENOMEM;
		else
			*pg = *(struct hm_page *)hm_array_at(&part, i);
	}
	hm_array_free(&part);
	return ret;
}

static int page_cmp(const void *a, const void *b)
{
	const struct hm_page *x = a, *y = b;

	return x->addr < y->addr ? -1 : x->addr > y->addr;
}

/*
 * The pages under the samples: the arena's (cheap: nothing else lives
 * there), and for samples the arena could not serve, the span they cover
 * elsewhere; then in address order, without the pages both spans caught.
 */
static int fetch_sample_pages(struct hm_nl *nl, struct leaks *l)
{
	const struct hm_sites_header *h = &l->sites.hdr;
	uint64_t lo = UINT64_MAX, hi = 0;
	struct hm_page *pg;
	size_t i, n;
	int ret;

	for (i = 0; i < l->sites.n_recs; i++) {
		const struct hm_sites_record *r = &l->sites.recs[i];

		if (!(r->flags & HM_SITES_REC_SHARED))
			continue;
		if (r->addr < lo)
			lo = r->addr;
		if (r->addr + r->size > hi)
			hi = r->addr + r->size;
	}
	ret = fetch_pages(nl, l, h->arena_start, h->arena_end);
	if (ret || lo >= hi)
		return ret;
	ret = fetch_pages(nl, l, lo, hi);
	if (ret)
		return ret;
	pg = l->pages.items;
	qsort(pg, l->pages.n, sizeof(*pg), page_cmp);
	for (i = n = 0; i < l->pages.n; i++)
		if (!n || pg[i].addr != pg[n - 1].addr)
			pg[n++] = pg[i];
	l->pages.n = n;
	return 0;
}

static int touch_cmp(const void *a, const void *b)
{
	const struct hm_leak_touch *x = a, *y = b;

	return x->addr < y->addr ? -1 : x->addr > y->addr;
}

/*
 * Trap mode's touches of idle pages, from the events the module holds: a
 * sample read after idling is in use, not leaked.
 */
static int fetch_touches(struct hm_nl *nl, struct leaks *l)
{
	struct hm_array events;
	struct hm_leak_touch *t;
	const struct hm_event *e;
	size_t i;
	int ret;

	hm_array_init(&events, sizeof(struct hm_event));
	ret = hm_req_events(nl, l->a.pid, 0, &events);
	for (i = 0; !ret && i < events.n; i++) {
		e = hm_array_at(&events, i);
		if (e->kind != HEAPMON_EVENT_TRAP)
			continue;
		t = hm_array_push(&l->touches);
		if (!t)
			ret = -ENOMEM;
		else
			*t = (struct hm_leak_touch){ .addr = e->addr, .time_ns = e->time_ns };
	}
	hm_array_free(&events);
	if (!ret && l->touches.n)
		qsort(l->touches.items, l->touches.n, l->touches.size, touch_cmp);
	l->p.touches = l->touches.items;
	l->p.n_touches = l->touches.n;
	return ret;
}

static int region_cmp(const void *a, const void *b)
{
	const struct hm_region *x = a, *y = b;

	return x->start < y->start ? -1 : x->start > y->start;
}

static int not_watched(uint32_t pid)
{
	char path[32];

	snprintf(path, sizeof(path), "/proc/%u", pid);
	if (access(path, F_OK)) {
		fprintf(stderr, "heapmonctl: leaks %u: no such process\n", pid);
		return EXIT_FAIL;
	}
	fprintf(stderr, "heapmonctl: leaks %u: the process is not watched by heapmon: its page "
		"statistics are needed; start watching it with `heapmonctl watch --detach %u` "
		"(`heapmonctl run` and `heapmonctl attach` watch what they start or load into)\n",
		pid, pid);
	return EXIT_FAIL;
}

/* The kernel's side: the target's period and history, and its pages. */
static int gather(struct leaks *l)
{
	struct hm_target_stats ts;
	uint64_t watched_ns;
	struct hm_nl nl;
	int ret;

	ret = hm_nl_open(&nl);
	if (ret)
		return ret;
	ret = hm_req_stats(&nl, l->a.pid, &ts);
	if (ret == -ENOENT) {
		hm_nl_close(&nl);
		return not_watched(l->a.pid);
	}
	if (!ret && l->have_sites)
		ret = fetch_sample_pages(&nl, l) ?: (ts.stats.trap || ts.stats.trap_hits ?
						     fetch_touches(&nl, l) : 0);
	else if (!ret)
		ret = hm_req_regions(&nl, l->a.pid, &l->regions) ?:
		      hm_req_pages(&nl, l->a.pid, &(struct hm_page_filter){}, &l->pages) ?:
		      hm_req_history(&nl, l->a.pid, &(struct hm_history_info){}, &l->history);
	if (ret) {
		ret = hm_req_perror(&nl, "leaks", l->a.pid, ret);
		hm_nl_close(&nl);
		return ret;
	}
	hm_nl_close(&nl);
	if (ts.stats.secondary_mmu > 0)
		fprintf(stderr, "heapmonctl: leaks %u: warning: %s\n", l->a.pid,
			hm_secondary_mmu_warning);
	if (l->regions.n)
		qsort(l->regions.items, l->regions.n, l->regions.size, region_cmp);

	l->p.now_ns = boottime_ns();
	l->p.idle_ns = l->a.idle_ms * 1000000;
	l->p.interval_ns = (uint64_t)ts.interval_ms * 1000000;
	/*
	 * History starts with the recording: run and attach watch before the
	 * recorder starts, and samples carry their own times. Without samples,
	 * with the watch, estimated from the passes done: late when passes fall
	 * behind their period (a shorter window, never a false growth).
	 */
	if (l->have_sites) {
		l->p.history_ns = l->sites.hdr.start_ns;
	} else if (l->history.n) {
		/* The module's history says when its first pass was. */
		l->p.history_ns = ((struct hm_history_sample *)l->history.items)->time_ns;
	} else {
		watched_ns = (ts.stats.passes + ts.stats.skipped_passes) * l->p.interval_ns;
		l->p.history_ns = l->p.now_ns > watched_ns ? l->p.now_ns - watched_ns : 0;
	}
	return 0;
}

static void json_frames(struct json *j, const struct leaks *l, const struct hm_leak_group *g)
{
	const struct hm_sites_stack *st = NULL;
	struct hm_frame f;
	uint32_t i;

	if (g->stack && g->stack <= l->sites.n_stacks)
		st = &l->sites.stacks[g->stack - 1];
	json_array_begin(j, "frames");
	for (i = 0; st && i < st->depth; i++) {
		memset(&f, 0, sizeof(f));
		f.addr = st->frames[i];
		if (l->sym)
			hm_symbolize(l->sym, f.addr, &f);
		json_object_begin(j, NULL);
		json_hex(j, "addr", f.addr);
		if (f.module)
			json_str(j, "module", f.module);
		if (f.function)
			json_str(j, "function", f.function);
		if (f.file)
			json_str(j, "file", f.file);
		if (f.line)
			json_u64(j, "line", f.line);
		json_object_end(j);
	}
	json_array_end(j);
}

/* Huge pages in the dump: "pages of their own" hold only for 4 KiB pages. */
static size_t huge_pages(const struct leaks *l)
{
	size_t i, n = 0;

	for (i = 0; l->have_sites && i < l->pages.n; i++)
		n += ((struct hm_page *)hm_array_at(&l->pages, i))->size > HM_PAGE_SIZE;
	return n;
}

static void print_json(const struct leaks *l)
{
	double window = (double)(l->w.t_hi - l->w.t_lo) / HM_NS_PER_SEC;
	size_t huge = huge_pages(l);
	char reason[256];
	struct json j;
	size_t i, shown = 0;

	json_init(&j, stdout);
	for (i = 0; i < l->n_groups; i++) {
		const struct hm_leak_group *g = &l->groups[i];

		if (g->suspect ? shown >= l->a.top : !l->a.all)
			continue;
		json_object_begin(&j, NULL);
		if (g->suspect)
			json_u64(&j, "rank", ++shown);
		json_bool(&j, "suspect", g->suspect);
		if (!g->suspect)
			json_str(&j, "reason", hm_leak_reason_text(g, &l->p, &l->w, reason,
								   sizeof(reason)));
		json_u64(&j, "live_bytes", g->live_bytes);
		json_u64(&j, "cold_bytes", g->cold_bytes);
		json_u64(&j, "cold_swapped_bytes", g->cold_swapped_bytes);
		json_double(&j, "cold_share", g->cold_share);
		json_double(&j, "cold_growth_bytes_per_min", g->growth);
		json_u64(&j, "samples", g->samples);
		json_u64(&j, "cold_samples", g->cold_samples);
		json_u64(&j, "young_samples", g->young_samples);
		if (g->shared)
			json_u64(&j, "shared", g->shared);
		if (g->touched_samples)
			json_u64(&j, "touched_samples", g->touched_samples);
		json_double(&j, "idle_seconds", (double)l->p.idle_ns / HM_NS_PER_SEC);
		json_double(&j, "window_seconds", window);
		if (l->w.short_history)
			json_bool(&j, "short_history", true);
		if (huge)
			json_u64(&j, "huge_pages", huge);
		if (l->have_growth) {
			json_object_begin(&j, "target_history");
			json_double(&j, "cold_idle_seconds",
				    (double)hm_hist_bucket_periods[l->cold_bucket] *
				    l->p.interval_ns / HM_NS_PER_SEC);
			json_u64(&j, "cold_bytes_start", l->growth.from_bytes);
			json_u64(&j, "cold_bytes_end", l->growth.to_bytes);
			json_double(&j, "seconds", (double)(l->growth.to_ns - l->growth.from_ns) /
						   HM_NS_PER_SEC);
			json_double(&j, "cold_growth_bytes_per_min", l->growth.per_min);
			json_u64(&j, "samples", l->growth.samples);
			json_object_end(&j);
		}
		if (g->region) {
			json_object_begin(&j, "region");
			json_hex(&j, "start", g->start);
			json_hex(&j, "end", g->end);
			json_str(&j, "kind", hm_region_kind_name(g->kind));
			json_object_end(&j);
		} else {
			json_frames(&j, l, g);
		}
		json_object_end(&j);
		json_newline(&j);
	}
	fflush(stdout);
}

static const char *base_name(const char *path)
{
	const char *s = strrchr(path, '/');

	return s ? s + 1 : path;
}

static void print_frames(const struct leaks *l, const struct hm_leak_group *g, uint32_t max)
{
	const struct hm_sites_stack *st = NULL;
	struct hm_frame f;
	uint32_t i;

	if (g->stack && g->stack <= l->sites.n_stacks)
		st = &l->sites.stacks[g->stack - 1];
	if (!st) {
		printf("      (no stack: the recorder's stack table was full)\n");
		return;
	}
	for (i = 0; i < st->depth && i < max; i++) {
		memset(&f, 0, sizeof(f));
		if (l->sym)
			hm_symbolize(l->sym, st->frames[i], &f);
		printf("      %-18s %s", f.module ? f.module : "?", f.function ? f.function : "?");
		if (f.file)
			printf("  %s:%d", base_name(f.file), f.line);
		else if (!f.function)
			printf("  0x%" PRIx64, st->frames[i]);
		printf("\n");
	}
}

static void print_group(const struct leaks *l, const struct hm_leak_group *g, const char *rank)
{
	char growth[24], cold[16], live[16], reason[256];

	fmt_bytes((uint64_t)(g->growth + 0.5), growth + 1, sizeof(growth) - 1);
	growth[0] = '+';
	strncat(growth, "/min", sizeof(growth) - strlen(growth) - 1);
	printf("%4s  %16s  %10s  %10s  %5.0f%%  %7" PRIu64, rank, growth,
	       fmt_bytes(g->cold_bytes, cold, sizeof(cold)),
	       fmt_bytes(g->live_bytes, live, sizeof(live)), 100 * g->cold_share, g->samples);
	if (g->region)
		printf("  0x%012" PRIx64 "-0x%012" PRIx64 " %s", g->start, g->end,
		       hm_region_kind_name(g->kind));
	if (g->shared)
		printf("  (%" PRIu64 " on shared pages)", g->shared);
	printf("\n");
	if (!g->suspect)
		printf("      %s\n", hm_leak_reason_text(g, &l->p, &l->w, reason, sizeof(reason)));
	if (!g->region)
		print_frames(l, g, HUMAN_FRAMES);
}

static void print_header(const struct leaks *l)
{
	char idle[32], win[32], from[32], to[32], iv[32], mean[16];
	const struct hm_sites_header *h = &l->sites.hdr;

	hm_fmt_duration(l->p.idle_ns, idle, sizeof(idle));
	printf("PID %u: leak suspects: memory idle >= %s and growing; periods of %s\n",
	       l->a.pid, idle, hm_fmt_duration(l->p.interval_ns, iv, sizeof(iv)));
	printf("window: %s (allocated between %s and %s ago; the later half counts for growth)\n",
	       hm_fmt_duration(l->w.t_hi - l->w.t_lo, win, sizeof(win)),
	       hm_fmt_duration(l->p.now_ns - l->w.t_lo, from, sizeof(from)),
	       hm_fmt_duration(l->p.now_ns - l->w.t_hi, to, sizeof(to)));
	if (l->have_sites) {
		printf("sites: %zu live samples (mean sampling interval %s)\n", l->sites.n_recs,
		       h->sample_mean ? fmt_bytes(h->sample_mean, mean, sizeof(mean)) :
					"every allocation");
		if (h->flags & HM_SITES_F_STALE)
			printf("WARNING: the site file stopped being updated (its file system is full): "
			       "its samples are old\n");
		if (h->drops_records || h->drops_stacks || h->drops_arena)
			printf("DROPS: %" PRIu64 " samples not recorded (table full), %" PRIu64
			       " without a stack, %" PRIu64 " off the arena (shared pages)\n",
			       (uint64_t)h->drops_records, (uint64_t)h->drops_stacks,
			       (uint64_t)h->drops_arena);
		if (!l->sym)
			printf("note: frames are not symbolized: %s\n", l->sym_err);
	}
	if (l->have_growth) {
		char span[24], rate[24];
		double per_min = l->growth.per_min;

		hm_fmt_duration(hm_hist_bucket_periods[l->cold_bucket] * l->p.interval_ns, span,
				sizeof(span));
		fmt_bytes((uint64_t)(per_min < 0 ? -per_min : per_min) + 0.5, rate + 1,
			  sizeof(rate) - 1);
		rate[0] = per_min < 0 ? '-' : '+';
		printf("target: cold (idle >= %s) went from %s to %s in %s: %s/min "
		       "(the module's history, %zu samples)\n", span,
		       fmt_bytes(l->growth.from_bytes, from, sizeof(from)),
		       fmt_bytes(l->growth.to_bytes, to, sizeof(to)),
		       hm_fmt_duration(l->growth.to_ns - l->growth.from_ns, win, sizeof(win)), rate,
		       l->growth.samples);
	}
	if (huge_pages(l))
		printf("note: %zu transparent huge pages under the samples: the samples on one share "
		       "its idle count (hot neighbours hide cold objects)\n", huge_pages(l));
	if (l->w.short_history)
		printf("note: less than %s of history before the last %s: growth cannot be told "
		       "yet; ranked by cold bytes only\n", idle, idle);
	if (l->w.idle_saturates)
		printf("note: idle counts stop at %u periods (%s): a page idle that long counts "
		       "as cold\n", HEAPMON_REC_PERIODS_MAX,
		       hm_fmt_duration(HEAPMON_REC_PERIODS_MAX * l->p.interval_ns, win, sizeof(win)));
	if (l->w.age_clamped)
		printf("note: page ages stop at %u periods (%s): the window starts there\n",
		       HEAPMON_REC_PERIODS_MAX,
		       hm_fmt_duration((uint64_t)HEAPMON_REC_PERIODS_MAX * l->p.interval_ns, win,
				       sizeof(win)));
	printf("\n");
}

static void print_table(const struct leaks *l)
{
	size_t i, shown = 0, counts[__HM_LEAK_REASONS] = {};
	char rank[16];

	print_header(l);
	for (i = 0; i < l->n_groups; i++)
		if (l->groups[i].suspect)
			break;
	if (i == l->n_groups)
		printf("no leak suspects\n");
	else
		printf("%4s  %16s  %10s  %10s  %6s  %7s\n", "RANK", "COLD GROWTH", "COLD", "LIVE",
		       "COLD%", l->have_sites ? "SAMPLES" : "PAGES");
	for (i = 0; i < l->n_groups; i++) {
		const struct hm_leak_group *g = &l->groups[i];

		counts[g->reason]++;
		if (!g->suspect || shown >= l->a.top)
			continue;
		snprintf(rank, sizeof(rank), "%zu", ++shown);
		print_group(l, g, rank);
	}
	if (l->a.all) {
		printf("\nnot suspects:\n");
		for (i = 0; i < l->n_groups; i++)
			if (!l->groups[i].suspect)
				print_group(l, &l->groups[i], "-");
	} else if (l->n_groups > counts[HM_LEAK_SUSPECT]) {
		const char *sep = "";

		printf("\nnot suspects (--all lists them):");
		for (i = 1; i < __HM_LEAK_REASONS; i++) {
			if (!counts[i])
				continue;
			printf("%s %zu %s", sep, counts[i], hm_leak_reason_name(i));
			sep = ",";
		}
		printf("\n");
	}
	if (counts[HM_LEAK_SUSPECT] > shown)
		printf("%zu more suspects (--top N)\n", counts[HM_LEAK_SUSPECT] - shown);
	if (!l->have_sites)
		printf("\nhint: these are whole regions; `heapmonctl run` or `heapmonctl attach "
		       "%u` record allocation sites, and then leaks names call stacks\n", l->a.pid);
}

static int read_sites(struct leaks *l)
{
	char err[256];
	int ret;

	ret = hm_sites_read(l->a.pid, l->a.dir, &l->sites, err, sizeof(err));
	if (ret == -ENOENT)
		return 0;
	if (ret) {
		fprintf(stderr, "heapmonctl: leaks %u: %s\n", l->a.pid, err);
		return EXIT_FAIL;
	}
	if (l->sites.hdr.flags & HM_SITES_F_EXITED) {
		fprintf(stderr, "heapmonctl: leaks %u: the process has exited; leaks needs it "
			"running (its pages tell what is cold)\n", l->a.pid);
		hm_sites_free(&l->sites);
		return EXIT_FAIL;
	}
	l->have_sites = true;
	return 0;
}

int cmd_leaks(int argc, char **argv)
{
	struct leaks l = {};
	int ret;

	ret = parse_args(argc, argv, &l.a);
	if (ret)
		return ret;
	hm_array_init(&l.pages, sizeof(struct hm_page));
	hm_array_init(&l.regions, sizeof(struct hm_region));
	hm_array_init(&l.history, sizeof(struct hm_history_sample));
	hm_array_init(&l.touches, sizeof(struct hm_leak_touch));
	ret = read_sites(&l);
	if (!ret)
		ret = gather(&l);
	if (ret)
		goto out;

	if (l.have_sites)
		ret = hm_leak_rank_sites(&l.p, l.sites.recs, l.sites.n_recs, l.pages.items,
					 l.pages.n, &l.groups, &l.n_groups);
	else
		ret = hm_leak_rank_regions(&l.p, l.regions.items, l.regions.n, l.pages.items,
					   l.pages.n, &l.groups, &l.n_groups);
	if (ret) {
		fprintf(stderr, "heapmonctl: leaks %u: %s\n", l.a.pid, strerror(-ret));
		ret = EXIT_FAIL;
		goto out;
	}
	hm_leak_window(&l.p, !l.have_sites, &l.w);
	/* Region mode: the target's cold growth over the window, from the module's history. */
	l.cold_bucket = hm_hist_cold_bucket(l.p.interval_ns, l.p.idle_ns);
	l.have_growth = !hm_hist_growth(l.history.items, l.history.n, l.w.t_lo, l.cold_bucket,
					&l.growth);
	if (l.have_sites)
		l.sym = hm_symbolizer_open(l.a.pid, l.sym_err, sizeof(l.sym_err));
	if (l.a.json)
		print_json(&l);
	else
		print_table(&l);
	ret = EXIT_OK;
out:
	if (l.sym)
		hm_symbolizer_close(l.sym);
	free(l.groups);
	if (l.have_sites)
		hm_sites_free(&l.sites);
	hm_array_free(&l.regions);
	hm_array_free(&l.history);
	hm_array_free(&l.touches);
	hm_array_free(&l.pages);
	return ret;
}
