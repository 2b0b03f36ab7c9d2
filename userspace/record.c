// SPDX-License-Identifier: GPL-2.0
/*
 * heapmonctl record: a target's statistics, regions and heat, one NDJSON
 * frame per interval, into a file that heapmonctl report reads later.
 */
#include <errno.h>
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "args.h"
#include "array.h"
#include "decode.h"
#include "heat.h"
#include "nl.h"
#include "options.h"
#include "output.h"
#include "record.h"
#include "request.h"
#include "subcommands.h"
#include "wait.h"

struct record_args {
	uint32_t pid;
	bool has_duration, has_interval;
	uint64_t duration_ms, interval_ms;
	const char *out;
};

struct record {
	struct hm_nl nl;
	struct record_args a;
	FILE *f;
	bool started;		/* record started watching the target: it unwatches it */
	unsigned long frames;
	struct hm_target_stats ts;
	struct hm_array regions;	/* struct hm_region */
	bool use_pages;			/* the module has no SLICES: sum up PAGES here */
	struct hm_array pages;		/* struct hm_page; use_pages only */
	bool pages_torn;
	struct hm_array heat;		/* struct hm_heat_slice: each region's, in turn */
};

static uint64_t ns_of(const struct timespec *t)
{
	return (uint64_t)t->tv_sec * 1000000000 + t->tv_nsec;
}

/* "2026-12-04T05:06:07.123456789Z" */
static void rfc3339(const struct timespec *t, char *buf, size_t len)
{
	struct tm tm;
	size_t n;

	gmtime_r(&t->tv_sec, &tm);
	n = strftime(buf, len, "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(buf + n, len - n, ".%09ldZ", t->tv_nsec);
}

static void read_comm(uint32_t pid, char *comm, size_t len)
{
	char path[32];
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%u/comm", pid);
	comm[0] = '\0';
	f = fopen(path, "r");
	if (!f)
		return;
	if (fgets(comm, len, f))
		comm[strcspn(comm, "\n")] = '\0';
	fclose(f);
}

static void write_header(struct record *r)
{
	char comm[64], when[40];
	struct timespec now;
	struct json j;

	read_comm(r->a.pid, comm, sizeof(comm));
	clock_gettime(CLOCK_REALTIME, &now);
	rfc3339(&now, when, sizeof(when));
	json_init(&j, r->f);
	json_object_begin(&j, NULL);
	json_u64(&j, "heapmon_record", HM_RECORD_VERSION);
	json_u64(&j, "pid", r->a.pid);
	json_str(&j, "comm", comm);
	json_u64(&j, "period_ms", r->ts.interval_ms);
	json_u64(&j, "interval_ms", r->a.interval_ms);
	json_u64(&j, "slices_max", HM_RECORD_SLICES);
	json_u64(&j, "page_size", HM_PAGE_SIZE);
	json_str(&j, "heapmonctl", HM_RELEASE);
	json_u64(&j, "protocol", HEAPMON_GENL_VERSION);
	json_str(&j, "started", when);
	json_object_end(&j);
	json_end_line(&j);
}

/* A region's slices: as many as its pages, at most HM_RECORD_SLICES. */
static unsigned int slices_of(const struct hm_region *reg)
{
	uint64_t pages = (reg->end - reg->start) / HM_PAGE_SIZE;

	if (!pages)
		return 1;
	return pages < HM_RECORD_SLICES ? pages : HM_RECORD_SLICES;
}

/* The region's slices, s[0..slices_of(reg)-1], from the frame's heat. */
static void write_heat(struct json *j, const struct hm_region *reg, const struct hm_heat_slice *s)
{
	unsigned int n = slices_of(reg), i;
	uint64_t touched;

	json_object_begin(j, "heat");
	json_u64(j, "slices", n);
	json_array_begin(j, "resident");
	for (i = 0; i < n; i++)
		json_u64(j, NULL, s[i].resident);
	json_array_end(j);
	json_array_begin(j, "never");
	for (i = 0; i < n; i++)
		json_u64(j, NULL, s[i].never);
	json_array_end(j);
	json_array_begin(j, "idle");
	for (i = 0; i < n; i++) {
		touched = s[i].resident - s[i].never;
		json_u64(j, NULL, touched ? s[i].idle_sum / touched : 0);
	}
	json_array_end(j);
	json_object_end(j);
}

static void write_frame(struct record *r, const struct timespec *wall,
			const struct timespec *boot)
{
	const struct hm_region *reg;
	size_t i, heat = 0;
	char when[40];
	struct json j;

	rfc3339(wall, when, sizeof(when));
	json_init(&j, r->f);
	json_object_begin(&j, NULL);
	json_u64(&j, "frame", r->frames);
	json_str(&j, "time", when);
	json_u64(&j, "time_ns", ns_of(wall));
	json_u64(&j, "boottime_ns", ns_of(boot));
	hm_json_target_stats(&j, "stats", &r->ts);
	if (r->pages_torn)
		json_bool(&j, "heat_unavailable", true);
	json_array_begin(&j, "regions");
	for (i = 0; i < r->regions.n; i++) {
		reg = hm_array_at(&r->regions, i);
		json_object_begin(&j, NULL);
		hm_json_region_fields(&j, reg);
		if (!r->pages_torn) {
			write_heat(&j, reg, hm_array_at(&r->heat, heat));
			heat += slices_of(reg);
		}
		json_object_end(&j);
	}
	json_array_end(&j);
	json_object_end(&j);
	/* Each frame whole on disk: a record cut short still reads up to its last frame. */
	json_end_line(&j);
	r->frames++;
}

static bool exited(const struct record *r)
{
	return r->ts.state == HEAPMON_TARGET_EXITED;
}

/* A failed dump of a target that has exited since its STATS leaves the frame without it. */
static int dump_done(struct record *r, struct hm_array *items, int err)
{
	struct hm_target_stats ts;

	if (!err)
		return 0;
	hm_array_clear(items);
	if (exited(r))
		return 0;
	if (!hm_req_stats(&r->nl, r->a.pid, &ts) && ts.state == HEAPMON_TARGET_EXITED) {
		r->ts = ts;
		return 0;
	}
	return hm_req_perror(&r->nl, "record", r->a.pid, err);
}

/* Appends n slices to the frame's heat; NULL when out of memory. */
static struct hm_heat_slice *heat_push(struct record *r, unsigned int n)
{
	size_t at = r->heat.n;
	unsigned int i;

	for (i = 0; i < n; i++)
		if (!hm_array_push(&r->heat))
			return NULL;
	return hm_array_at(&r->heat, at);
}

/* Each region's slices from the module's summaries: one request per region. */
static int heat_from_slices(struct record *r)
{
	const struct hm_region *reg;
	struct hm_heat_slice *s;
	uint64_t passes;
	size_t i;
	int ret;

	for (i = 0; i < r->regions.n; i++) {
		reg = hm_array_at(&r->regions, i);
		s = heat_push(r, slices_of(reg));
		if (!s)
			return -ENOMEM;
		ret = hm_req_slices(&r->nl, r->a.pid, reg->start, reg->end, slices_of(reg), s,
				    &passes);
		if (ret)
			return ret;
	}
	return 0;
}

/* The same from every page, for a module without SLICES (older than 0.6). */
static int heat_from_pages(struct record *r)
{
	static const struct hm_page_filter all_pages;
	const struct hm_region *reg;
	struct hm_heat_slice *s;
	size_t i;
	int ret;

	ret = hm_req_pages(&r->nl, r->a.pid, &all_pages, &r->pages);
	/* Pages that keep changing cost the frame its heat only. */
	r->pages_torn = ret == -EINTR;
	if (ret)
		return r->pages_torn ? 0 : ret;
	for (i = 0; i < r->regions.n; i++) {
		reg = hm_array_at(&r->regions, i);
		s = heat_push(r, slices_of(reg));
		if (!s)
			return -ENOMEM;
		hm_heat_slices(reg->start, reg->end, r->pages.items, r->pages.n, s,
			       slices_of(reg));
	}
	return 0;
}

static int refresh(struct record *r)
{
	size_t i, want = 0;
	int ret;

	ret = hm_req_stats(&r->nl, r->a.pid, &r->ts);
	if (ret)
		return hm_req_perror(&r->nl, "record", r->a.pid, ret);
	ret = dump_done(r, &r->regions, hm_req_regions(&r->nl, r->a.pid, &r->regions));
	if (ret)
		return ret;
	hm_array_clear(&r->heat);
	r->pages_torn = false;
	ret = -EOPNOTSUPP;
	if (!r->use_pages) {
		ret = heat_from_slices(r);
		r->use_pages = ret == -EOPNOTSUPP || ret == -EINVAL;
	}
	if (r->use_pages) {
		hm_array_clear(&r->heat);
		ret = heat_from_pages(r);
	}
	ret = dump_done(r, &r->heat, ret);
	if (ret || r->pages_torn)
		return ret;
	/* A target that exited meanwhile: its last frame's slices are empty. */
	for (i = 0; i < r->regions.n; i++)
		want += slices_of(hm_array_at(&r->regions, i));
	if (r->heat.n < want && !heat_push(r, want - r->heat.n))
		return hm_req_perror(&r->nl, "record", r->a.pid, -ENOMEM);
	return 0;
}

/* One frame per interval until stopped, out of time, or the target exits. */
static int record_loop(struct record *r)
{
	struct timespec next, end, wall, boot;
	const struct timespec *until;
	int ret;

	if (r->a.has_duration)
		hm_time_after(&end, r->a.duration_ms);
	hm_time_after(&next, 0);
	for (;;) {
		/*
		 * A frame's time is when its requests start, on the schedule:
		 * how long they take does not move it, so frames are an
		 * interval apart (more after a frame that fell behind).
		 */
		clock_gettime(CLOCK_REALTIME, &wall);
		clock_gettime(CLOCK_BOOTTIME, &boot);
		ret = refresh(r);
		if (ret)
			return ret;
		write_frame(r, &wall, &boot);
		if (ferror(r->f)) {
			fprintf(stderr, "heapmonctl: record: cannot write %s: %s\n", r->a.out,
				strerror(errno));
			return EXIT_FAIL;
		}
		if (exited(r))
			return 0;
		hm_time_add(&next, r->a.interval_ms);
		if (hm_time_reached(&next))	/* fell behind: start over from now */
			hm_time_after(&next, 0);
		until = r->a.has_duration && hm_time_before(&end, &next) ? &end : &next;
		if (hm_wait(-1, until) < 0 || until == &end)
			return 0;
	}
}

static int parse_args(int argc, char **argv, struct record_args *a)
{
	struct hm_getopt g;
	int c;

	hm_getopt_init(&g, "record", argc, argv);
	while ((c = hm_getopt_next(&g)) > 0) {
		switch (c) {
		case 'd':
			a->has_duration = true;
			a->duration_ms = g.val;
			break;
		case 'i':
			a->has_interval = true;
			a->interval_ms = g.val;
			break;
		case 'o':
			a->out = g.arg;
			break;
		}
	}
	if (c < 0)
		return g.status;
	if (!a->out) {
		fprintf(stderr, "heapmonctl: record: -o FILE is required\n");
		return subcommand_usage("record");
	}
	if (optind + 1 != argc)
		return subcommand_usage("record");
	return parse_pid(argv[optind], &a->pid);
}

/* Watches the target unless it is watched already; reads its first STATS. */
static int start(struct record *r)
{
	static const struct hm_watch_opts defaults;
	int ret;

	ret = hm_req_stats(&r->nl, r->a.pid, &r->ts);
	if (ret == -ENOENT) {
		ret = hm_req_watch(&r->nl, r->a.pid, &defaults);
		if (ret)
			return hm_req_perror(&r->nl, "record", r->a.pid, ret);
		r->started = true;
		ret = hm_req_stats(&r->nl, r->a.pid, &r->ts);
	}
	if (ret)
		return hm_req_perror(&r->nl, "record", r->a.pid, ret);
	if (!r->a.has_interval)
		r->a.interval_ms = r->ts.interval_ms ? r->ts.interval_ms : 1000;
	return 0;
}

static int run(struct record *r)
{
	int ret, err;

	/* Before WATCH, so that a Ctrl-C cannot leave the target watched. */
	hm_wait_init();
	ret = start(r);
	if (ret)
		return ret;
	write_header(r);
	ret = record_loop(r);
	if (r->started) {
		err = hm_req_unwatch(&r->nl, r->a.pid);
		if (err && err != -ENOENT && !ret)
			ret = hm_req_perror(&r->nl, "unwatch", r->a.pid, err);
	}
	return ret;
}

int cmd_record(int argc, char **argv)
{
	static struct record r;
	bool bad;
	int ret;

	ret = parse_args(argc, argv, &r.a);
	if (ret)
		return ret;

	/* The module first: without it, no empty file is left behind. */
	ret = hm_nl_open(&r.nl);
	if (ret)
		return ret;
	r.f = strcmp(r.a.out, "-") ? fopen(r.a.out, "w") : stdout;
	if (!r.f) {
		fprintf(stderr, "heapmonctl: record: cannot open %s: %s\n", r.a.out,
			strerror(errno));
		hm_nl_close(&r.nl);
		return EXIT_FAIL;
	}
	hm_array_init(&r.regions, sizeof(struct hm_region));
	hm_array_init(&r.pages, sizeof(struct hm_page));
	hm_array_init(&r.heat, sizeof(struct hm_heat_slice));
	ret = run(&r);
	hm_array_free(&r.regions);
	hm_array_free(&r.pages);
	hm_array_free(&r.heat);
	hm_nl_close(&r.nl);
	bad = fflush(r.f) || ferror(r.f);
	if (r.f != stdout && fclose(r.f))
		bad = true;
	if (bad && !ret) {
		fprintf(stderr, "heapmonctl: record: cannot write %s: %s\n", r.a.out,
			strerror(errno));
		ret = EXIT_FAIL;
	}
	return ret;
}
