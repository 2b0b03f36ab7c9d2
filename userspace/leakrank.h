/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Leak suspects: the join of sampled allocations (the recorder's site file)
 * or tracked mappings with the kernel's per-page idle counts, grouped per
 * call stack or per region and ranked by how fast their cold bytes grow.
 * No I/O: everything comes in as arrays, so the rules are unit-tested on
 * synthetic data with a known truth.
 *
 * The window. With idle threshold I and now: T_hi = now - I (an object
 * allocated later cannot have been idle for I yet: it is young); T_lo =
 * max(the earliest history known, T_hi - 24 h); mid = (T_lo + T_hi) / 2.
 * A group's cold growth is the cold bytes of its samples allocated in
 * (mid, T_hi], per minute of (T_hi - mid): a table filled at start has its
 * cold bytes in the first half and does not grow. When T_hi - T_lo < I
 * there is too little history for growth: groups are ranked by cold bytes.
 */
#ifndef HEAPMONCTL_LEAKRANK_H
#define HEAPMONCTL_LEAKRANK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../include/heapmon/sites.h"
#include "decode.h"

#define HM_NS_PER_SEC 1000000000ULL
#define HM_NS_PER_MIN (60 * HM_NS_PER_SEC)
#define HM_LEAK_MAX_HISTORY_NS (24 * 3600 * HM_NS_PER_SEC)
/* Later-half cold samples a suspect needs, and the cold share of its settled bytes. */
#define HM_LEAK_MIN_LATE_SAMPLES 2
#define HM_LEAK_MIN_COLD_SHARE 0.5

/* A trap event: the first touch of a page after it was idle (trap mode). */
struct hm_leak_touch {
	uint64_t addr;		/* the page */
	uint64_t time_ns;	/* CLOCK_BOOTTIME */
};

struct hm_leak_params {
	uint64_t now_ns;	/* CLOCK_BOOTTIME, the time the pages describe */
	uint64_t idle_ns;	/* I: idle at least this long is cold */
	uint64_t interval_ns;	/* the target's period: idle and age count these */
	uint64_t history_ns;	/* earliest known history (recording or watch start); 0: unknown */
	/* Site mode: touches of idle pages, in address order (none without trap mode). */
	const struct hm_leak_touch *touches;
	size_t n_touches;
};

struct hm_leak_window {
	uint64_t t_lo, mid, t_hi;
	bool short_history;	/* T_hi - T_lo < I: ranked by cold bytes only */
	/* Region mode: T_lo was raised to now - 4095 periods, as far back as ages reach. */
	bool age_clamped;
	/* I exceeds 4095 periods: a saturated idle count is taken as cold. */
	bool idle_saturates;
};

enum hm_leak_reason {
	HM_LEAK_SUSPECT,
	HM_LEAK_YOUNG,		/* nothing allocated (first seen) before T_hi */
	HM_LEAK_HOT,		/* cold share below HM_LEAK_MIN_COLD_SHARE */
	HM_LEAK_NOT_GROWING,	/* no cold bytes in the later half */
	HM_LEAK_FEW_SAMPLES,	/* fewer than HM_LEAK_MIN_LATE_SAMPLES later-half cold samples */
	HM_LEAK_READ,		/* would be a suspect, but samples were read after idling (trap mode) */
	__HM_LEAK_REASONS
};

/*
 * One call stack (site mode) or one region (region mode). Samples are
 * sampled allocations, or pages (resident or swapped out) in region mode;
 * bytes are the samples' weights, or page sizes.
 */
struct hm_leak_group {
	uint32_t stack;			/* site mode: hm_sites_record.stack */
	uint64_t start, end;		/* region mode */
	uint32_t kind;			/* region mode: enum heapmon_region_kind */
	uint64_t live_bytes, cold_bytes, hot_bytes, young_bytes, late_cold_bytes;
	uint64_t cold_swapped_bytes;	/* of cold_bytes: samples with a page swapped out */
	uint64_t samples, cold_samples, late_cold_samples, young_samples;
	uint64_t shared;		/* samples with HM_SITES_REC_SHARED */
	uint64_t newest_cold_ns;	/* allocation (first-seen) time of the newest cold sample */
	uint64_t touched_samples;	/* site mode: samples a trap caught being touched after idling */
	uint64_t last_touch_ns;		/* the latest such touch */
	double cold_share;		/* cold / (live - young); 0 when all are young */
	double growth;			/* cold bytes per minute, later half */
	bool region;			/* region mode: samples are pages */
	bool suspect;
	enum hm_leak_reason reason;
};

void hm_leak_window(const struct hm_leak_params *p, bool region_mode, struct hm_leak_window *w);

/*
 * Groups the live records by stack and ranks them: suspects first, by
 * growth then cold bytes (by cold bytes alone with short history), then the
 * others by cold bytes. pages: the target's PAGES dump covering the
 * records' pages, in address order. *groups is malloc'd. 0 or -ENOMEM.
 */
int hm_leak_rank_sites(const struct hm_leak_params *p, const struct hm_sites_record *recs,
		       size_t n_recs, const struct hm_page *pages, size_t n_pages,
		       struct hm_leak_group **groups, size_t *n_groups);

/*
 * The same per region, from pages alone: a page is cold when idle for I,
 * first seen now - age periods ago. regions and pages in address order.
 */
int hm_leak_rank_regions(const struct hm_leak_params *p, const struct hm_region *regions,
			 size_t n_regions, const struct hm_page *pages, size_t n_pages,
			 struct hm_leak_group **groups, size_t *n_groups);

/* Why a group is not a suspect, in words ("hot: 97% of its bytes touched within 10 min"). */
const char *hm_leak_reason_text(const struct hm_leak_group *g, const struct hm_leak_params *p,
				const struct hm_leak_window *w, char *buf, size_t len);
/*
 * A short reason keyword for JSON consumers: "hot", "not growing", "young",
 * "few samples", "read now and then".
 */
const char *hm_leak_reason_name(enum hm_leak_reason r);

/* "500 ms", "8 s", "10 min", "1 h 30 min", "2 d": for humans. */
const char *hm_fmt_duration(uint64_t ns, char *buf, size_t len);

#endif
