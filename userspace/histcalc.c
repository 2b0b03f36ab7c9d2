// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>

#include "histcalc.h"

#define NS_PER_SEC 1000000000ULL

const unsigned int hm_hist_bucket_periods[HM_HIST_BUCKETS] = { 1, 10, 60, 600 };

uint64_t hm_sample_idle_bytes(const struct hm_history_sample *s, unsigned int bucket)
{
	switch (bucket) {
	case 0:
		return s->idle1_bytes;
	case 1:
		return s->idle10_bytes;
	case 2:
		return s->idle60_bytes;
	default:
		return s->idle600_bytes;
	}
}

unsigned int hm_hist_cold_bucket(uint64_t interval_ns, uint64_t idle_ns)
{
	unsigned int b;

	for (b = HM_HIST_BUCKETS - 1; b > 0; b--)
		if ((uint64_t)hm_hist_bucket_periods[b] * interval_ns <= idle_ns)
			break;
	return b;
}

int hm_hist_growth(const struct hm_history_sample *s, size_t n, uint64_t since_ns, unsigned int bucket,
		   struct hm_cold_growth *g)
{
	size_t i = 0;

	while (i < n && s[i].time_ns < since_ns)
		i++;
	if (n - i < 2 || s[n - 1].time_ns <= s[i].time_ns)
		return -ENODATA;
	g->from_ns = s[i].time_ns;
	g->to_ns = s[n - 1].time_ns;
	g->from_bytes = hm_sample_idle_bytes(&s[i], bucket);
	g->to_bytes = hm_sample_idle_bytes(&s[n - 1], bucket);
	g->samples = n - i;
	g->per_min = ((double)g->to_bytes - (double)g->from_bytes) * 60 * NS_PER_SEC /
		     (double)(g->to_ns - g->from_ns);
	return 0;
}

const char *hm_fmt_age(uint64_t ns, char *buf, size_t len)
{
	uint64_t s = ns / NS_PER_SEC;

	if (!ns)
		snprintf(buf, len, "now");
	else if (s >= 86400)
		snprintf(buf, len, "-%" PRIu64 "d%02" PRIu64 "h", s / 86400, s % 86400 / 3600);
	else if (s >= 3600)
		snprintf(buf, len, "-%" PRIu64 "h%02" PRIu64 "m", s / 3600, s % 3600 / 60);
	else if (s >= 60)
		snprintf(buf, len, "-%" PRIu64 "m%02" PRIu64 "s", s / 60, s % 60);
	else if (s >= 10)
		snprintf(buf, len, "-%" PRIu64 "s", s);
	else if (ns >= NS_PER_SEC)
		snprintf(buf, len, "-%.1fs", (double)ns / NS_PER_SEC);
	else
		snprintf(buf, len, "-%.2fs", (double)ns / NS_PER_SEC);
	return buf;
}
