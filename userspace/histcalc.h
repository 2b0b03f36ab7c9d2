/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Reading a target's history (HEAPMON_CMD_HISTORY samples): which idle
 * bucket stands for "cold", and how much cold memory grew over a window.
 */
#ifndef HEAPMONCTL_HISTCALC_H
#define HEAPMONCTL_HISTCALC_H

#include <stddef.h>
#include <stdint.h>

#include "decode.h"

/* The idle buckets a sample carries, in periods. */
#define HM_HIST_BUCKETS 4
extern const unsigned int hm_hist_bucket_periods[HM_HIST_BUCKETS];

/* The bytes of s idle for at least bucket's periods. */
uint64_t hm_sample_idle_bytes(const struct hm_history_sample *s, unsigned int bucket);

/*
 * The bucket that stands for "idle for idle_ns" at periods of interval_ns:
 * the longest one that is not longer than idle_ns (bucket 0 at least).
 */
unsigned int hm_hist_cold_bucket(uint64_t interval_ns, uint64_t idle_ns);

/* Cold growth over a stretch of history. */
struct hm_cold_growth {
	uint64_t from_ns, to_ns;	/* the first and last sample's times */
	uint64_t from_bytes, to_bytes;	/* cold bytes then */
	double per_min;			/* (to - from) bytes per minute */
	size_t samples;			/* samples in the stretch */
};

/*
 * Growth of bucket's bytes from the oldest sample at or after since_ns to
 * the newest. 0, or -ENODATA when fewer than two samples, at different
 * times, fall there.
 */
int hm_hist_growth(const struct hm_history_sample *s, size_t n, uint64_t since_ns, unsigned int bucket,
		   struct hm_cold_growth *g);

/* An age as "-2h10m", "-4m05s", "-12.3s" or "-0.05s" ("now" for 0). */
const char *hm_fmt_age(uint64_t ns, char *buf, size_t len);

#endif
