// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <inttypes.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "promtext.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* A target's plain numbers: one metric each, straight from struct hm_stats. */
enum unit { U_COUNT, U_NS };	/* as is, or nanoseconds printed as seconds */
static const struct {
	const char *name, *type, *help;
	size_t off;
	enum unit unit;
} plain[] = {
	{ "heapmon_tracked_bytes", "gauge",
	  "Bytes of heap mappings (brk heap and anonymous mappings) tracked.",
	  offsetof(struct hm_stats, tracked_bytes), U_COUNT },
	{ "heapmon_resident_bytes", "gauge", "Resident bytes of the tracked heap.",
	  offsetof(struct hm_stats, resident_bytes), U_COUNT },
	{ "heapmon_swapped_bytes", "gauge",
	  "Bytes of the tracked heap swapped out (not in resident, in the idle buckets).",
	  offsetof(struct hm_stats, swapped_bytes), U_COUNT },
	{ "heapmon_huge_bytes", "gauge", "Resident bytes in transparent huge pages.",
	  offsetof(struct hm_stats, huge_bytes), U_COUNT },
	{ "heapmon_touched_bytes", "gauge", "Bytes accessed during the last period.",
	  offsetof(struct hm_stats, touched_bytes), U_COUNT },
	{ "heapmon_never_touched_bytes", "gauge",
	  "Bytes never accessed since heapmon first saw them.",
	  offsetof(struct hm_stats, never_bytes), U_COUNT },
	{ "heapmon_passes_total", "counter", "Sampling passes done.",
	  offsetof(struct hm_stats, passes), U_COUNT },
	{ "heapmon_skipped_passes_total", "counter",
	  "Periods left without a pass because the mmap lock stayed taken for writing.",
	  offsetof(struct hm_stats, skipped_passes), U_COUNT },
	{ "heapmon_pass_duration_seconds", "gauge", "Duration of the last pass.",
	  offsetof(struct hm_stats, pass_ns), U_NS },
	{ "heapmon_pass_pages", "gauge", "Page table entries the last pass visited.",
	  offsetof(struct hm_stats, pass_pages), U_COUNT },
	{ "heapmon_untracked_pages", "gauge",
	  "Resident pages the last pass left out because a module limit was hit.",
	  offsetof(struct hm_stats, untracked_pages), U_COUNT },
	{ "heapmon_faults_total", "counter", "Page faults in the tracked heap.",
	  offsetof(struct hm_stats, faults), U_COUNT },
	{ "heapmon_first_faults_total", "counter",
	  "Page faults on pages heapmon held no record of (first touches).",
	  offsetof(struct hm_stats, first_faults), U_COUNT },
	{ "heapmon_events_lost_total", "counter", "Heap events overwritten unread in the ring.",
	  offsetof(struct hm_stats, events_lost), U_COUNT },
	{ "heapmon_lock_yields_total", "counter",
	  "Times a pass let a waiting writer of the mmap lock in.",
	  offsetof(struct hm_stats, lock_yields), U_COUNT },
};

/* "1.5" for 1500 at 1000 units a second: exact, no trailing zeros. */
static const char *fmt_fraction(uint64_t v, uint64_t per_sec, int digits, char *buf, size_t len)
{
	int n = snprintf(buf, len, "%" PRIu64, v / per_sec);

	if (v % per_sec && n > 0 && (size_t)n < len) {
		snprintf(buf + n, len - n, ".%0*" PRIu64, digits, v % per_sec);
		n = strlen(buf);
		while (buf[n - 1] == '0')
			buf[--n] = '\0';
	}
	return buf;
}

/* The length of the UTF-8 character at s, or 0 if it is not one. */
static size_t utf8_char(const unsigned char *s)
{
	size_t n, i;
	uint32_t c;

	if (s[0] < 0x80)
		return 1;
	if ((s[0] & 0xe0) == 0xc0)
		n = 2, c = s[0] & 0x1f;
	else if ((s[0] & 0xf0) == 0xe0)
		n = 3, c = s[0] & 0x0f;
	else if ((s[0] & 0xf8) == 0xf0)
		n = 4, c = s[0] & 0x07;
	else
		return 0;
	for (i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		c = c << 6 | (s[i] & 0x3f);
	}
	/* Overlong forms, surrogates and past U+10FFFF are not UTF-8. */
	if ((n == 2 && c < 0x80) || (n == 3 && c < 0x800) || (n == 4 && c < 0x10000) ||
	    (c >= 0xd800 && c <= 0xdfff) || c > 0x10ffff)
		return 0;
	return n;
}

const char *hm_prom_label_value(const char *in, char *out, size_t len)
{
	const unsigned char *s = (const unsigned char *)in;
	size_t o = 0, n;
	const char *put;
	char one[5];

	while (*s) {
		n = utf8_char(s);
		if (*s == '\\') {
			put = "\\\\";
		} else if (*s == '"') {
			put = "\\\"";
		} else if (*s == '\n') {
			put = "\\n";
		} else if (!n) {
			put = "\xef\xbf\xbd";	/* U+FFFD, for one stray byte */
		} else {
			memcpy(one, s, n);
			one[n] = '\0';
			put = one;
		}
		if (o + strlen(put) >= len)
			break;
		memcpy(out + o, put, strlen(put));
		o += strlen(put);
		s += n ? n : 1;
	}
	if (len)
		out[o < len ? o : len - 1] = '\0';
	return out;
}

static void head(FILE *f, const char *name, const char *type, const char *help)
{
	fprintf(f, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

/* name{pid="1",comm="x"[,extra]} */
static void target_series(FILE *f, const char *name, const struct hm_prom_target *t,
			  const char *extra)
{
	char comm[sizeof(t->comm) * 6];

	fprintf(f, "%s{pid=\"%u\",comm=\"%s\"%s%s} ", name, t->ts.pid,
		hm_prom_label_value(t->comm, comm, sizeof(comm)), extra ? "," : "", extra ?: "");
}

/* The idle time of bucket b at t's period, in seconds. */
static const char *bucket_seconds(const struct hm_prom_target *t, unsigned int b, char *buf,
				  size_t len)
{
	return fmt_fraction((uint64_t)hm_hist_bucket_periods[b] * t->ts.interval_ms, 1000, 3,
			    buf, len);
}

static void write_module(FILE *f, const struct hm_status *st)
{
	char version[sizeof(st->version) * 6];
	unsigned int running = 0, exited = 0;
	unsigned int i;

	head(f, "heapmon_info", "gauge", "The loaded heapmon module's version and protocol.");
	fprintf(f, "heapmon_info{version=\"%s\",protocol=\"%u\"} 1\n",
		hm_prom_label_value(st->version, version, sizeof(version)), st->protocol);
	head(f, "heapmon_targets", "gauge",
	     "Processes watched, by state (an exited one stays until unwatched).");
	/* From the list, which holds at most HM_MAX_LISTED of target_count. */
	for (i = 0; i < st->n; i++) {
		running += st->targets[i].state == HEAPMON_TARGET_RUNNING;
		exited += st->targets[i].state == HEAPMON_TARGET_EXITED;
	}
	fprintf(f, "heapmon_targets{state=\"running\"} %u\n", running);
	fprintf(f, "heapmon_targets{state=\"exited\"} %u\n", exited);
	head(f, "heapmon_max_targets", "gauge", "Most processes watched at once (max_targets).");
	fprintf(f, "heapmon_max_targets %u\n", st->max_targets);
	head(f, "heapmon_memory_bytes", "gauge", "Memory the module holds for per-page records.");
	fprintf(f, "heapmon_memory_bytes %" PRIu64 "\n", st->memory_bytes);
	head(f, "heapmon_max_memory_bytes", "gauge", "Most memory for per-page records (max_memory_mb).");
	fprintf(f, "heapmon_max_memory_bytes %" PRIu64 "\n", (uint64_t)st->max_memory_mb << 20);
}

int hm_prom_write(FILE *f, const struct hm_prom *p)
{
	const struct hm_prom_target *t;
	char secs[32], label[64];
	unsigned int b;
	size_t m;

	write_module(f, p->st);

	head(f, "heapmon_interval_seconds", "gauge", "The target's sampling period.");
	for (t = p->t; t < p->t + p->n; t++) {
		target_series(f, "heapmon_interval_seconds", t, NULL);
		fprintf(f, "%s\n", fmt_fraction(t->ts.interval_ms, 1000, 3, secs, sizeof(secs)));
	}
	for (m = 0; m < ARRAY_SIZE(plain); m++) {
		head(f, plain[m].name, plain[m].type, plain[m].help);
		for (t = p->t; t < p->t + p->n; t++) {
			uint64_t v = *(const uint64_t *)((const char *)&t->ts.stats + plain[m].off);

			target_series(f, plain[m].name, t, NULL);
			if (plain[m].unit == U_NS)
				fprintf(f, "%s\n", fmt_fraction(v, 1000000000, 9, secs, sizeof(secs)));
			else
				fprintf(f, "%" PRIu64 "\n", v);
		}
	}

	head(f, "heapmon_idle_bytes", "gauge",
	     "Bytes not accessed for at least idle_seconds (1, 10, 60 and 600 periods; cumulative).");
	for (t = p->t; t < p->t + p->n; t++) {
		const uint64_t idle[HM_HIST_BUCKETS] = {
			t->ts.stats.idle1_bytes, t->ts.stats.idle10_bytes,
			t->ts.stats.idle60_bytes, t->ts.stats.idle600_bytes,
		};

		for (b = 0; b < HM_HIST_BUCKETS; b++) {
			snprintf(label, sizeof(label), "idle_seconds=\"%s\"",
				 bucket_seconds(t, b, secs, sizeof(secs)));
			target_series(f, "heapmon_idle_bytes", t, label);
			fprintf(f, "%" PRIu64 "\n", idle[b]);
		}
	}

	head(f, "heapmon_cold_growth_bytes_per_second", "gauge",
	     "Growth of the bytes idle for at least idle_seconds over the module's history.");
	for (t = p->t; t < p->t + p->n; t++) {
		if (!t->has_growth)
			continue;
		snprintf(label, sizeof(label), "idle_seconds=\"%s\"",
			 bucket_seconds(t, t->cold_bucket, secs, sizeof(secs)));
		target_series(f, "heapmon_cold_growth_bytes_per_second", t, label);
		fprintf(f, "%.3f\n", t->growth.per_min / 60);
	}
	head(f, "heapmon_cold_growth_window_seconds", "gauge",
	     "The stretch of history the cold growth is measured over.");
	for (t = p->t; t < p->t + p->n; t++) {
		if (!t->has_growth)
			continue;
		target_series(f, "heapmon_cold_growth_window_seconds", t, NULL);
		fprintf(f, "%s\n", fmt_fraction(t->growth.to_ns - t->growth.from_ns, 1000000000,
						 9, secs, sizeof(secs)));
	}
	return ferror(f) ? -EIO : 0;
}
