/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Per-target history of pass summaries: fixed tiers of samples, allocated
 * once when the target is watched. Tier 0 holds the newest passes, one
 * sample each; a sample that ages out of a tier moves to the next, which
 * keeps the last sample of each of its time buckets (unit, 10 and 60 units
 * wide): a later sample of the same bucket replaces it. The last of a bucket,
 * not its maximum or mean, because a leak shows as the cold and swapped
 * bytes at the end of each stretch of time, and the last sample is a real
 * pass whose numbers add up. The oldest samples fall off the last tier.
 *
 * The logic below is plain C on plain types (the unit tests build it in
 * userspace); history.c holds the kernel's side.
 */
#ifndef _HEAPMON_HISTORY_H
#define _HEAPMON_HISTORY_H

#ifdef __KERNEL__
#include <linux/math64.h>
#include <linux/types.h>
#include <uapi/linux/heapmon.h>
#define hm_div64(a, b) div64_u64(a, b)
#else
#define hm_div64(a, b) ((a) / (b))
#endif

#define HM_HIST_TIERS HEAPMON_HISTORY_TIERS
#define HM_HIST_SAMPLES (HEAPMON_HISTORY_TIER0_SAMPLES + HEAPMON_HISTORY_TIER1_SAMPLES + \
			 HEAPMON_HISTORY_TIER2_SAMPLES + HEAPMON_HISTORY_TIER3_SAMPLES)

/* 48 bytes; page counts are in 4 KiB units (up to 16 TiB). */
struct hm_sample {
	u64 time_ns;		/* CLOCK_BOOTTIME at the pass's end */
	u64 passes;
	u32 resident;
	u32 swapped;
	u32 touched;
	u32 idle1;
	u32 idle10;
	u32 idle60;
	u32 idle600;
	u32 never;
};

/* A ring of cap samples at s, oldest at first. */
struct hm_tier {
	u64 width_ns;		/* bucket width; 0: every sample */
	u32 cap;
	u32 first;
	u32 nr;
	u32 tier;
	struct hm_sample *s;
};

struct hm_history {
	u32 unit_ms;
	struct hm_tier tier[HM_HIST_TIERS];
	struct hm_sample s[HM_HIST_SAMPLES];
};

static inline void hm_history_init(struct hm_history *h, u32 unit_ms)
{
	static const u32 cap[HM_HIST_TIERS] = {
		HEAPMON_HISTORY_TIER0_SAMPLES, HEAPMON_HISTORY_TIER1_SAMPLES,
		HEAPMON_HISTORY_TIER2_SAMPLES, HEAPMON_HISTORY_TIER3_SAMPLES,
	};
	static const u32 units[HM_HIST_TIERS] = { 0, 1, 10, 60 };
	struct hm_sample *s = h->s;
	u32 i;

	h->unit_ms = unit_ms;
	for (i = 0; i < HM_HIST_TIERS; i++) {
		h->tier[i].width_ns = (u64)units[i] * unit_ms * 1000000;
		h->tier[i].cap = cap[i];
		h->tier[i].first = 0;
		h->tier[i].nr = 0;
		h->tier[i].tier = i;
		h->tier[i].s = s;
		s += cap[i];
	}
}

static inline void hm_history_clear(struct hm_history *h)
{
	u32 i;

	for (i = 0; i < HM_HIST_TIERS; i++)
		h->tier[i].nr = 0;
}

/* The i-th oldest sample of a tier. */
static inline struct hm_sample *hm_tier_at(struct hm_tier *t, u32 i)
{
	return &t->s[(t->first + i) % t->cap];
}

static inline bool hm_tier_same_bucket(const struct hm_tier *t, const struct hm_sample *a,
				       const struct hm_sample *b)
{
	return t->width_ns &&
	       hm_div64(a->time_ns, t->width_ns) == hm_div64(b->time_ns, t->width_ns);
}

/* Adds the newest sample; may move the oldest of each full tier on. */
static inline void hm_history_push(struct hm_history *h, const struct hm_sample *sample)
{
	struct hm_sample carry = *sample, out;
	struct hm_tier *t;
	u32 i;

	for (i = 0; i < HM_HIST_TIERS; i++) {
		t = &h->tier[i];
		if (t->nr && hm_tier_same_bucket(t, hm_tier_at(t, t->nr - 1), &carry)) {
			*hm_tier_at(t, t->nr - 1) = carry;
			return;
		}
		if (t->nr < t->cap) {
			*hm_tier_at(t, t->nr++) = carry;
			return;
		}
		out = *hm_tier_at(t, 0);
		*hm_tier_at(t, 0) = carry;
		t->first = (t->first + 1) % t->cap;
		carry = out;
	}
}

static inline u32 hm_history_count(const struct hm_history *h)
{
	u32 i, n = 0;

	for (i = 0; i < HM_HIST_TIERS; i++)
		n += h->tier[i].nr;
	return n;
}

/* Copies every sample, oldest first, with its tier; returns how many. */
static inline u32 hm_history_copy(struct hm_history *h, struct hm_sample *out, u8 *tier)
{
	u32 i, j, n = 0;

	for (i = HM_HIST_TIERS; i-- > 0; )
		for (j = 0; j < h->tier[i].nr; j++) {
			tier[n] = i;
			out[n++] = *hm_tier_at(&h->tier[i], j);
		}
	return n;
}

#ifdef __KERNEL__
struct hm_hist;
struct hm_history *hm_history_alloc(void);
void hm_history_free(struct hm_history *h);
/* A sample of the pass that ended now, from its totals. */
void hm_history_sample(struct hm_sample *s, u64 passes, const struct hm_hist *hist);
#endif

#endif /* _HEAPMON_HISTORY_H */
