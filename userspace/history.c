// SPDX-License-Identifier: GPL-2.0
/*
 * heapmonctl history: a target's pass summaries as the module keeps them,
 * however long ago and whether or not a heapmonctl ran meanwhile: the newest
 * passes one by one, older ones thinned to the last of each minute, ten
 * minutes and hour (the module's history_unit_ms and 10 and 60 times it).
 */
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "args.h"
#include "array.h"
#include "decode.h"
#include "histcalc.h"
#include "nl.h"
#include "options.h"
#include "output.h"
#include "request.h"
#include "subcommands.h"

#define MIB (1024.0 * 1024.0)

struct history {
	uint32_t pid;
	bool json;
	bool has_idle;
	uint64_t idle_ms;
	struct hm_history_info info;
	struct hm_array samples;	/* struct hm_history_sample, oldest first */
	uint64_t now_ns;
	unsigned int cold;		/* the idle bucket that counts as cold */
};

static uint64_t boottime_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_BOOTTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

static uint64_t interval_ns(const struct history *h)
{
	return (uint64_t)h->info.interval_ms * 1000000;
}

/* "10s" for a bucket of 10 periods of 1 s. */
static const char *bucket_span(const struct history *h, unsigned int b, char *buf, size_t len)
{
	hm_fmt_age(hm_hist_bucket_periods[b] * interval_ns(h), buf, len);
	if (buf[0] == '-')
		memmove(buf, buf + 1, strlen(buf));
	return buf;
}

static int64_t cold_delta(const struct history *h, size_t i)
{
	const struct hm_history_sample *s = hm_array_at(&h->samples, i);

	if (!i)
		return 0;
	return (int64_t)(hm_sample_idle_bytes(s, h->cold) -
			 hm_sample_idle_bytes(s - 1, h->cold));
}

static uint64_t age_of(const struct history *h, const struct hm_history_sample *s)
{
	return h->now_ns > s->time_ns ? h->now_ns - s->time_ns : 0;
}

static void print_json(const struct history *h)
{
	const struct hm_history_sample *s;
	struct json j;
	size_t i;

	json_init(&j, stdout);
	for (i = 0; i < h->samples.n; i++) {
		s = hm_array_at(&h->samples, i);
		json_object_begin(&j, NULL);
		json_u64(&j, "time_ns", s->time_ns);
		json_u64(&j, "age_ns", age_of(h, s));
		json_u64(&j, "passes", s->passes);
		json_u64(&j, "tier", s->tier);
		json_u64(&j, "resident_bytes", s->resident_bytes);
		json_u64(&j, "swapped_bytes", s->swapped_bytes);
		json_u64(&j, "touched_bytes", s->touched_bytes);
		json_u64(&j, "idle1_bytes", s->idle1_bytes);
		json_u64(&j, "idle10_bytes", s->idle10_bytes);
		json_u64(&j, "idle60_bytes", s->idle60_bytes);
		json_u64(&j, "idle600_bytes", s->idle600_bytes);
		json_u64(&j, "never_bytes", s->never_bytes);
		json_u64(&j, "cold_bytes", hm_sample_idle_bytes(s, h->cold));
		json_s64(&j, "cold_growth_bytes", cold_delta(h, i));
		json_u64(&j, "interval_ms", h->info.interval_ms);
		json_u64(&j, "history_unit_ms", h->info.unit_ms);
		json_object_end(&j);
		json_newline(&j);
	}
	fflush(stdout);
}

static void print_table(const struct history *h)
{
	char age[24], span[4][24], cold[24], unit[24], iv[24];
	const struct hm_history_sample *s;
	struct hm_cold_growth g;
	unsigned int b;
	size_t i;

	for (b = 0; b < HM_HIST_BUCKETS; b++)
		bucket_span(h, b, span[b], sizeof(span[b]));
	hm_fmt_age((uint64_t)h->info.unit_ms * 1000000, unit, sizeof(unit));
	hm_fmt_age(interval_ns(h), iv, sizeof(iv));
	printf("PID %u: %zu samples, periods of %s; every pass, then the last of each %s, "
	       "%ux and %ux that; cold = idle >= %s\n", h->pid, h->samples.n, iv + 1, unit + 1,
	       10, 60, span[h->cold]);
	printf("%8s  %10s  %4s  %9s  %9s  %9s", "AGE", "PASS", "TIER", "RESIDENT", "SWAPPED",
	       "TOUCHED");
	for (b = 0; b < HM_HIST_BUCKETS; b++) {
		char head[128];

		snprintf(head, sizeof(head), "IDLE>=%s", span[b]);
		printf("  %11s", head);
	}
	printf("  %9s  %9s   (MiB)\n", "NEVER", "COLD+");
	for (i = 0; i < h->samples.n; i++) {
		s = hm_array_at(&h->samples, i);
		printf("%8s  %10" PRIu64 "  %4u  %9.1f  %9.1f  %9.1f",
		       hm_fmt_age(age_of(h, s), age, sizeof(age)), s->passes, s->tier,
		       s->resident_bytes / MIB, s->swapped_bytes / MIB, s->touched_bytes / MIB);
		for (b = 0; b < HM_HIST_BUCKETS; b++)
			printf("  %11.1f", hm_sample_idle_bytes(s, b) / MIB);
		printf("  %9.1f  %+9.1f\n", s->never_bytes / MIB, cold_delta(h, i) / MIB);
	}
	if (hm_hist_growth(h->samples.items, h->samples.n, 0, h->cold, &g)) {
		printf("cold growth: not enough history yet\n");
		return;
	}
	printf("cold (idle >= %s): %.1f MiB %s, %.1f MiB %s: %+.2f MiB/min\n", span[h->cold],
	       g.from_bytes / MIB, hm_fmt_age(h->now_ns - g.from_ns, cold, sizeof(cold)),
	       g.to_bytes / MIB, hm_fmt_age(h->now_ns - g.to_ns, age, sizeof(age)),
	       g.per_min / MIB);
}

static int parse_args(int argc, char **argv, struct history *h)
{
	struct hm_getopt g;
	int c;

	hm_getopt_init(&g, "history", argc, argv);
	while ((c = hm_getopt_next(&g)) > 0) {
		switch (c) {
		case 'I':
			h->has_idle = true;
			h->idle_ms = g.val;
			break;
		case 'j':
			h->json = true;
			break;
		}
	}
	if (c < 0)
		return g.status;
	if (optind + 1 != argc)
		return subcommand_usage("history");
	return parse_pid(argv[optind], &h->pid);
}

int cmd_history(int argc, char **argv)
{
	struct history h = {};
	struct hm_nl nl;
	int ret;

	ret = parse_args(argc, argv, &h);
	if (ret)
		return ret;
	ret = hm_nl_open(&nl);
	if (ret)
		return ret;
	hm_array_init(&h.samples, sizeof(struct hm_history_sample));
	ret = hm_req_history(&nl, h.pid, &h.info, &h.samples);
	h.now_ns = boottime_ns();
	if (ret) {
		ret = hm_req_perror(&nl, "history", h.pid, ret);
		goto out;
	}
	/* Cold: idle for --idle, else the coldest bucket the module keeps. */
	h.cold = h.has_idle ? hm_hist_cold_bucket(interval_ns(&h), h.idle_ms * 1000000) :
			      HM_HIST_BUCKETS - 1;
	if (h.json)
		print_json(&h);
	else
		print_table(&h);
out:
	hm_array_free(&h.samples);
	hm_nl_close(&nl);
	return ret;
}
