// SPDX-License-Identifier: GPL-2.0
/* heapmonctl watch: watch a target, and show its heap once per period until stopped. */
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "args.h"
#include "array.h"
#include "decode.h"
#include "fit.h"
#include "heat.h"
#include "nl.h"
#include "options.h"
#include "output.h"
#include "request.h"
#include "subcommands.h"
#include "wait.h"

#define RECENT_EVENTS 5

struct watch_args {
	uint32_t pid;
	struct hm_watch_opts opts;
	bool has_duration;
	uint64_t duration_ms;
	bool keep;
	bool detach;
	bool json;
};

struct watch {
	struct hm_nl nl;
	struct watch_args a;
	bool tty;		/* stdout is a terminal: redraw in place */
	unsigned long frames;
	struct hm_target_stats ts;
	struct hm_array regions;	/* struct hm_region */
	bool use_pages;			/* the module has no SLICES: draw strips from PAGES */
	struct hm_array pages;		/* struct hm_page, by address; use_pages only */
	bool pages_torn;		/* the PAGES dump kept being interrupted */
	struct hm_array events;		/* struct hm_event, new since the last frame */
	uint64_t last_seq;
	uint64_t t0_ns;			/* time of the first event seen, if any */
	unsigned int n_recent;
	struct hm_event recent[RECENT_EVENTS];	/* the newest events seen, oldest first */
};

static bool exited(const struct watch *w)
{
	return w->ts.state == HEAPMON_TARGET_EXITED;
}

static int by_addr(const void *a, const void *b)
{
	const struct hm_page *x = a, *y = b;

	return x->addr < y->addr ? -1 : x->addr > y->addr;
}

static void sort_pages(struct hm_array *pages)
{
	size_t i;

	for (i = 1; i < pages->n; i++)
		if (by_addr(hm_array_at(pages, i - 1), hm_array_at(pages, i)) > 0)
			break;
	if (i < pages->n)
		qsort(pages->items, pages->n, pages->size, by_addr);
}

static void remember_event(struct watch *w, const struct hm_event *e)
{
	if (!w->n_recent)
		w->t0_ns = e->time_ns;
	if (e->seq > w->last_seq)
		w->last_seq = e->seq;
	if (w->n_recent == RECENT_EVENTS)
		memmove(w->recent, w->recent + 1, --w->n_recent * sizeof(w->recent[0]));
	w->recent[w->n_recent++] = *e;
}

/* Whether the target has exited, asking again if it was running at the last STATS. */
static bool exited_since(struct watch *w)
{
	struct hm_target_stats ts;

	if (exited(w))
		return true;
	if (hm_req_stats(&w->nl, w->a.pid, &ts) || ts.state != HEAPMON_TARGET_EXITED)
		return false;
	w->ts = ts;
	return true;
}

/*
 * A dump's outcome. When the target has exited, its mappings went with it and
 * a failed dump leaves them out of the last frame.
 */
static int dump_done(struct watch *w, struct hm_array *items, int err)
{
	char why[sizeof(w->nl.message)];

	if (!err)
		return 0;
	hm_array_clear(items);
	memcpy(why, w->nl.message, sizeof(why));
	if (exited_since(w))
		return 0;
	memcpy(w->nl.message, why, sizeof(why));
	return hm_req_perror(&w->nl, "watch", w->a.pid, err);
}

/* Every page, for a module without SLICES (older than 0.6). */
static int fetch_pages(struct watch *w)
{
	static const struct hm_page_filter all_pages;
	int ret;

	ret = hm_req_pages(&w->nl, w->a.pid, &all_pages, &w->pages);
	/* Pages that keep changing cost the frame its heat strips only. */
	w->pages_torn = ret == -EINTR;
	if (w->pages_torn)
		ret = 0;
	ret = dump_done(w, &w->pages, ret);
	if (!ret)
		sort_pages(&w->pages);
	return ret;
}

static int refresh(struct watch *w)
{
	size_t i;
	int ret;

	ret = hm_req_stats(&w->nl, w->a.pid, &w->ts);
	if (ret)
		return hm_req_perror(&w->nl, "watch", w->a.pid, ret);
	ret = dump_done(w, &w->regions, hm_req_regions(&w->nl, w->a.pid, &w->regions));
	if (ret)
		return ret;
	/*
	 * The heat strips, which JSON frames do not have, come from SLICES as
	 * each region is drawn; from pages only with a module without it.
	 */
	if (!w->a.json && w->use_pages) {
		ret = fetch_pages(w);
		if (ret)
			return ret;
	}
	ret = dump_done(w, &w->events,
			hm_req_events(&w->nl, w->a.pid, w->last_seq + 1, &w->events));
	if (ret)
		return ret;
	for (i = 0; i < w->events.n; i++)
		remember_event(w, hm_array_at(&w->events, i));
	return 0;
}

static void show_json(struct watch *w)
{
	struct json j;
	size_t i;

	json_init(&j, stdout);
	json_object_begin(&j, NULL);
	json_u64(&j, "pid", w->ts.pid);
	json_u64(&j, "pass", w->ts.stats.passes);
	json_str(&j, "state", hm_state_name(w->ts.state));
	json_u64(&j, "interval_ms", w->ts.interval_ms);
	hm_json_target_stats(&j, "stats", &w->ts);
	json_array_begin(&j, "regions");
	for (i = 0; i < w->regions.n; i++)
		hm_json_region(&j, hm_array_at(&w->regions, i));
	json_array_end(&j);
	json_array_begin(&j, "events");
	for (i = 0; i < w->events.n; i++)
		hm_json_event(&j, hm_array_at(&w->events, i));
	json_array_end(&j);
	json_object_end(&j);
	json_end_line(&j);
}

/* The first page that ends after addr, in pages sorted by address. */
static size_t first_page_after(const struct hm_array *pages, uint64_t addr)
{
	const struct hm_page *p;
	size_t lo = 0, hi = pages->n, mid;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		p = hm_array_at(pages, mid);
		if (p->addr + p->size <= addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* One line of a human frame, cut to the terminal's width (f->cols; 0: no limit). */
static __attribute__((format(printf, 2, 3))) void put_line(const struct hm_fit *f,
							   const char *fmt, ...)
{
	char line[1024];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if ((size_t)n >= sizeof(line))
		n = sizeof(line) - 1;
	if (f->cols && (unsigned int)n > f->cols)
		n = f->cols;
	fwrite(line, 1, n, stdout);
	putchar('\n');
}

/*
 * The region's strip from the module's per-slice summary: one request, however
 * many pages. NULL when it failed; a module without SLICES switches the watch
 * to PAGES dumps (fetched here for this frame).
 */
static const char *slices_strip(struct watch *w, const struct hm_region *reg, unsigned int width,
				char *strip)
{
	struct hm_heat_slice s[HM_HEAT_WIDTH_MAX];
	uint64_t passes;
	unsigned int i;
	int ret;

	if (!width)
		width = 1;
	if (width > HM_HEAT_WIDTH_MAX)
		width = HM_HEAT_WIDTH_MAX;
	ret = hm_req_slices(&w->nl, w->a.pid, reg->start, reg->end, width, s, &passes);
	if (ret == -EOPNOTSUPP || ret == -EINVAL) {
		w->use_pages = true;
		if (fetch_pages(w))
			w->pages_torn = true;
		return NULL;
	}
	if (ret)
		return "heat unavailable: the summary failed";
	for (i = 0; i < width; i++)
		strip[i] = hm_heat_level_char(s[i].hottest);
	strip[width] = '\0';
	return strip;
}

static void show_region(struct watch *w, const struct hm_fit *f, const struct hm_region *reg)
{
	char strip[HM_HEAT_WIDTH_MAX + 1], res[16];
	const char *heat = NULL;
	size_t first, last;

	if (!w->use_pages)
		heat = slices_strip(w, reg, f->strip, strip);
	if (!heat && w->pages_torn)
		heat = "heat unavailable: the pages kept changing";
	if (!heat) {
		first = first_page_after(&w->pages, reg->start);
		last = first_page_after(&w->pages, reg->end);
		hm_heat_strip(reg->start, reg->end,
			      last > first ? hm_array_at(&w->pages, first) : NULL, last - first,
			      strip, f->strip);
		heat = strip;
	}
	put_line(f, "%-4s  0x%012llx-0x%012llx  %10s  [%s]", hm_region_kind_name(reg->kind),
		 (unsigned long long)reg->start, (unsigned long long)reg->end,
		 fmt_bytes(reg->stats.resident_bytes, res, sizeof(res)), heat);
}

struct shown_region {
	size_t index;
	uint64_t resident;
};

static int by_resident(const void *a, const void *b)
{
	const struct shown_region *x = a, *y = b;

	return x->resident > y->resident ? -1 : x->resident < y->resident;
}

static int by_index(const void *a, const void *b)
{
	const struct shown_region *x = a, *y = b;

	return x->index < y->index ? -1 : x->index > y->index;
}

/*
 * The regions that fit, in address order: all of them, or the f->regions
 * with the most resident bytes and a line for the rest.
 */
static void show_regions(struct watch *w, const struct hm_fit *f)
{
	const struct hm_region *reg;
	struct shown_region *sr;
	uint64_t rest = 0;
	char b[16];
	size_t i;

	if (f->regions >= w->regions.n) {
		for (i = 0; i < w->regions.n; i++)
			show_region(w, f, hm_array_at(&w->regions, i));
		return;
	}
	sr = calloc(w->regions.n, sizeof(*sr));
	if (!sr)
		return;
	for (i = 0; i < w->regions.n; i++) {
		reg = hm_array_at(&w->regions, i);
		sr[i] = (struct shown_region){ i, reg->stats.resident_bytes };
	}
	qsort(sr, w->regions.n, sizeof(*sr), by_resident);
	for (i = f->regions; i < w->regions.n; i++)
		rest += sr[i].resident;
	qsort(sr, f->regions, sizeof(*sr), by_index);
	for (i = 0; i < f->regions; i++)
		show_region(w, f, hm_array_at(&w->regions, sr[i].index));
	if (f->more)
		put_line(f, "... %zu more regions, %s resident (heapmonctl regions %u)",
			 w->regions.n - f->regions, fmt_bytes(rest, b, sizeof(b)), w->ts.pid);
	free(sr);
}

/* The newest f->events of the recent events, oldest first. */
static void show_recent(const struct watch *w, const struct hm_fit *f)
{
	const struct hm_event *e;
	uint64_t t;
	char len[16];
	unsigned int i;

	for (i = w->n_recent - f->events; i < w->n_recent; i++) {
		e = &w->recent[i];
		t = e->time_ns - w->t0_ns;
		put_line(f, "%6llu.%03llu  %-10s  0x%012llx  %10s",
			 (unsigned long long)(t / 1000000000),
			 (unsigned long long)(t % 1000000000 / 1000000), hm_event_kind_name(e->kind),
			 (unsigned long long)e->addr, fmt_bytes(e->len, len, sizeof(len)));
	}
}

/* The terminal's size, or 0 x 0 when stdout is not one (draw everything). */
static void terminal_size(const struct watch *w, unsigned int *cols, unsigned int *rows)
{
	struct winsize ws;

	*cols = 0;
	*rows = 0;
	if (w->tty && !ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) && ws.ws_col && ws.ws_row) {
		*cols = ws.ws_col;
		*rows = ws.ws_row;
	}
}

static void show_human(struct watch *w)
{
	const struct hm_stats *s = &w->ts.stats;
	unsigned int cols, rows, header;
	struct hm_fit f;
	char b[8][16];

	terminal_size(w, &cols, &rows);
	header = 2 + (s->secondary_mmu > 0);
	hm_fit_frame(cols, rows, header, w->regions.n, w->n_recent, exited(w), HM_HEAT_WIDTH, &f);
	if (w->tty)
		fputs("\033[H\033[2J", stdout);
	else if (w->frames)
		putchar('\n');
	/* "adaptive K" in adaptive mode only (%.0u prints nothing for 0). */
	put_line(&f, "heapmon: pid %u  interval %u ms  pass %llu  state %s%s%.0u", w->ts.pid,
		 w->ts.interval_ms, (unsigned long long)s->passes, hm_state_name(w->ts.state),
		 s->revisit ? "  adaptive " : "", s->revisit);
	put_line(&f, "heap %s  resident %s  swapped %s  touched %s  idle>=1 %s  idle>=10 %s  idle>=60 %s  never touched %s",
		 fmt_bytes(s->tracked_bytes, b[0], sizeof(b[0])),
		 fmt_bytes(s->resident_bytes, b[1], sizeof(b[1])),
		 fmt_bytes(s->swapped_bytes, b[7], sizeof(b[7])),
		 fmt_bytes(s->touched_bytes, b[2], sizeof(b[2])),
		 fmt_bytes(s->idle1_bytes, b[3], sizeof(b[3])),
		 fmt_bytes(s->idle10_bytes, b[4], sizeof(b[4])),
		 fmt_bytes(s->idle60_bytes, b[5], sizeof(b[5])),
		 fmt_bytes(s->never_bytes, b[6], sizeof(b[6])));
	if (s->secondary_mmu > 0)
		put_line(&f, "warning: %s", hm_secondary_mmu_warning);
	show_regions(w, &f);
	show_recent(w, &f);
	if (exited(w))
		put_line(&f, "pid %u exited", w->ts.pid);
	fflush(stdout);
}

static void show_frame(struct watch *w)
{
	if (w->a.json)
		show_json(w);
	else
		show_human(w);
	w->frames++;
}

static uint32_t interval_ms(const struct watch *w)
{
	if (w->ts.interval_ms)
		return w->ts.interval_ms;
	return w->a.opts.has_interval ? w->a.opts.interval_ms : HEAPMON_INTERVAL_DEFAULT_MS;
}

/* Frames once per period until stopped, out of time, or the target exits. */
static int watch_loop(struct watch *w)
{
	struct timespec next, end;
	const struct timespec *until;
	int ret;

	if (w->a.has_duration)
		hm_time_after(&end, w->a.duration_ms);
	hm_time_after(&next, 0);
	for (;;) {
		ret = refresh(w);
		if (ret)
			return ret;
		show_frame(w);
		/* A reader gone (EPIPE) or a full disk ends the watch; main() says why. */
		if (fflush(stdout) || ferror(stdout))
			return EXIT_FAIL;
		if (exited(w))
			return 0;
		hm_time_add(&next, interval_ms(w));
		if (hm_time_reached(&next))	/* fell behind: start over from now */
			hm_time_after(&next, 0);
		until = w->a.has_duration && hm_time_before(&end, &next) ? &end : &next;
		if (hm_wait(-1, until) < 0 || until == &end)
			return 0;
	}
}

static void show_detached(const struct watch *w)
{
	struct json j;

	if (!w->a.json) {
		printf("watching %u every %u ms\n", w->a.pid, interval_ms(w));
		return;
	}
	json_init(&j, stdout);
	json_object_begin(&j, NULL);
	json_u64(&j, "pid", w->a.pid);
	json_bool(&j, "watching", true);
	json_u64(&j, "interval_ms", interval_ms(w));
	json_object_end(&j);
	json_end_line(&j);
}

static int parse_args(int argc, char **argv, struct watch_args *a)
{
	struct hm_getopt g;
	int c;

	hm_getopt_init(&g, "watch", argc, argv);
	while ((c = hm_getopt_next(&g)) > 0) {
		switch (c) {
		case 'i':
			a->opts.has_interval = true;
			a->opts.interval_ms = g.val;
			break;
		case 'd':
			a->has_duration = true;
			a->duration_ms = g.val;
			break;
		case 'k':
			a->keep = true;
			break;
		case 'D':
			a->detach = true;
			break;
		case 'F':
			a->opts.flags |= HEAPMON_WATCH_F_FLUSH_TLB;
			break;
		case 'N':
			a->opts.flags |= HEAPMON_WATCH_F_NO_FLUSH_TLB;
			break;
		case 'a':
			a->opts.revisit = g.val;
			break;
		case 'T':
			a->opts.trap = g.val;
			break;
		case 'j':
			a->json = true;
			break;
		}
	}
	if (c < 0)
		return g.status;
	if (optind + 1 != argc)
		return subcommand_usage("watch");
	return parse_pid(argv[optind], &a->pid);
}

/*
 * The target was watched before this invocation (WATCH said EEXIST): show it
 * as it is, and leave it watched. Not when only its address space is watched,
 * as another process (STATS by this PID fails then).
 */
static bool adopt(struct watch *w)
{
	const struct hm_watch_opts *o = &w->a.opts;
	char why[sizeof(w->nl.message)];

	if (w->a.detach)
		return false;
	/* WATCH's reason is the one to tell if this is not a target to show. */
	memcpy(why, w->nl.message, sizeof(why));
	if (hm_req_stats(&w->nl, w->a.pid, &w->ts)) {
		memcpy(w->nl.message, why, sizeof(why));
		return false;
	}
	fprintf(stderr, "heapmonctl: watch %u: already watched, every %u ms: showing it; it stays watched%s\n",
		w->a.pid, w->ts.interval_ms,
		o->has_interval || o->flags || o->revisit || o->trap ?
		" (--interval, --adaptive, --trap and the TLB options do not change it)" : "");
	return true;
}

static int run(struct watch *w)
{
	bool adopted = false;
	int ret, err;

	/* Before WATCH, so that a Ctrl-C cannot leave the target watched. */
	if (!w->a.detach)
		hm_wait_init();
	ret = hm_req_watch(&w->nl, w->a.pid, &w->a.opts);
	if (ret == -EEXIST)
		adopted = adopt(w);
	if (ret && !adopted)
		return hm_req_perror(&w->nl, "watch", w->a.pid, ret);
	if (w->a.detach) {
		show_detached(w);
		return 0;
	}
	ret = watch_loop(w);
	/* Only what this invocation started is unwatched. */
	if (w->a.keep || adopted)
		return ret;
	err = hm_req_unwatch(&w->nl, w->a.pid);
	if (err && err != -ENOENT)
		return hm_req_perror(&w->nl, "unwatch", w->a.pid, err);
	return ret;
}

int cmd_watch(int argc, char **argv)
{
	static struct watch w;
	int ret;

	ret = parse_args(argc, argv, &w.a);
	if (ret)
		return ret;

	ret = hm_nl_open(&w.nl);
	if (ret)
		return ret;
	w.tty = isatty(STDOUT_FILENO);
	hm_array_init(&w.regions, sizeof(struct hm_region));
	hm_array_init(&w.pages, sizeof(struct hm_page));
	hm_array_init(&w.events, sizeof(struct hm_event));
	ret = run(&w);
	hm_array_free(&w.regions);
	hm_array_free(&w.pages);
	hm_array_free(&w.events);
	hm_nl_close(&w.nl);
	return ret;
}
