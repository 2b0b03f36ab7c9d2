// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of the module's history and idle counts (the plain-C parts of
 * kmod/history.h and kmod/counts.h, built here as they are in the kernel)
 * and of heapmonctl's reading of a history (histcalc.c).
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <linux/heapmon.h>

typedef uint8_t u8;
typedef uint32_t u32;
typedef uint64_t u64;

#include "../../kmod/counts.h"
#include "../../kmod/hist.h"
#include "../../kmod/history.h"
#include "histcalc.h"
#include "unit.h"

#define MS 1000000ULL

/*
 * A page last touched in pass `start` (idle 0 then) stays idle until pass
 * `end`: at each pass its decoded count must be the truth when below
 * HEAPMON_REC_EXACT, never above it, and at most 2 * 256 - 2 below it (the
 * step is taken up to 255 passes late, and a count stays 256 passes). A
 * page idle since pass 1 is in phase with the steps: never more than 255
 * behind.
 */
static u64 test_counts_from(u64 start, u64 end, const char *name)
{
	u32 count = 0, over = 0, behind = 0, inexact = 0, decoded;
	u64 pass, truth, max_behind = 0;

	for (pass = start + 1; pass <= end; pass++) {
		count = hm_count_next(count, pass);
		truth = pass - start;
		decoded = heapmon_rec_count_periods(count);
		if (truth > HEAPMON_REC_PERIODS_MAX)
			truth = HEAPMON_REC_PERIODS_MAX;
		if (decoded > truth)
			over++;
		if (truth - decoded >= 2 * HEAPMON_REC_COARSE_PERIODS - 1)
			behind++;
		if (truth < HEAPMON_REC_EXACT - 1 && decoded != truth)
			inexact++;
		if (truth - decoded > max_behind)
			max_behind = truth - decoded;
	}
	printf("# %s: count %u after %llu periods, at most %llu periods behind\n", name, count,
	       (unsigned long long)(end - start), (unsigned long long)max_behind);
	UNIT_EQ_INT("counts: never ahead of the truth", over, 0);
	UNIT_EQ_INT("counts: less than two coarse steps behind it", behind, 0);
	UNIT_EQ_INT("counts: exact below HEAPMON_REC_EXACT", inexact, 0);
	return max_behind;
}

static void test_counts(void)
{
	/* Six days at 1 s, saturating at the end. */
	UNIT_EQ_INT("counts: idle since pass 1, at most 255 periods behind",
		    test_counts_from(1, 1 + 600000, "from pass 1") <= 255, 1);
	UNIT_EQ_INT("counts: from pass 1, past 4095 periods at pass 4097",
		    heapmon_rec_count_periods(({
			    u32 c = 0; u64 p;
			    for (p = 2; p <= 4097; p++)
				    c = hm_count_next(c, p);
			    c; })), 4096);
	test_counts_from(77, 77 + 10000, "from pass 77");
	UNIT_EQ_INT("counts: past 4095 periods at 4096 + 256 passes",
		    heapmon_rec_count_periods(({
			    u32 c = 0; u64 p;
			    for (p = 2; p <= 1 + 4096 + 256; p++)
				    c = hm_count_next(c, p);
			    c; })) > 4095, 1);
	UNIT_EQ_INT("counts: max", HEAPMON_REC_PERIODS_MAX, 526080);
	UNIT_EQ_INT("counts: saturated count decodes to the max",
		    heapmon_rec_count_periods(HEAPMON_REC_IDLE_MAX), HEAPMON_REC_PERIODS_MAX);
	UNIT_EQ_INT("counts: 2047 is exact", heapmon_rec_count_periods(2047), 2047);
	UNIT_EQ_INT("counts: 2049 is 2304", heapmon_rec_count_periods(2049), 2304);
}

/*
 * hm_count_advance() over a gap must be what hm_count_next() pass by pass
 * gives: counts in the exact range, at its end, coarse and saturated, from
 * passes in and out of phase with the coarse steps, gaps of 0 to 700.
 */
static void test_count_advance(void)
{
	static const u32 counts[] = { 0, 1, 9, 2045, 2046, 2047, 2048, 2049, 4094, 4095 };
	static const u64 froms[] = { 0, 1, 2, 255, 256, 257, 1000, 2047, 2048, 2049, 70001 };
	unsigned int i, j, wrong = 0, cases = 0;
	u64 gap, p;
	u32 c;

	for (i = 0; i < sizeof(counts) / sizeof(counts[0]); i++)
		for (j = 0; j < sizeof(froms) / sizeof(froms[0]); j++) {
			c = counts[i];
			for (gap = 0; gap <= 700; gap++) {
				if (gap)
					c = hm_count_next(c, froms[j] + gap);
				p = froms[j] + gap;
				if (hm_count_advance(counts[i], froms[j], p) != c)
					wrong++;
				cases++;
			}
		}
	printf("# count advance: %u cases\n", cases);
	UNIT_EQ_INT("counts: advance over a gap equals pass by pass", wrong, 0);
	UNIT_EQ_INT("counts: advance backwards is no change", hm_count_advance(7, 10, 3), 7);
}

/*
 * The tally a pass counts a page table's small pages in must add up to what
 * hm_hist_add_page() adds page by page: every idle count at and around the
 * buckets' edges, touched or not, resident or swapped, one at a time and
 * 20000 pseudo-random ones together.
 */
static void test_tally(void)
{
	static const u32 idles[] = { 0, 1, 2, 9, 10, 11, 59, 60, 61, 599, 600, 601, 2047, 4095 };
	struct hm_hist a, b;
	struct hm_tally t = {};
	unsigned int i, touched, sw, bad = 0;
	u32 rec, x = 12345;

	for (i = 0; i < sizeof(idles) / sizeof(idles[0]); i++)
		for (touched = 0; touched < 3; touched++)
			for (sw = 0; sw < 2; sw++) {
				rec = touched * 7 | idles[i] << 8 | 33 << 20;
				memset(&a, 0, sizeof(a));
				memset(&b, 0, sizeof(b));
				hm_hist_add_page(&a, rec, 4096, false, sw);
				hm_tally_page(&t, rec, sw);
				hm_tally_flush(&t, &b, 4096);
				bad += !!memcmp(&a, &b, sizeof(a));
			}
	UNIT_EQ_INT("tally: each page as hm_hist_add_page() adds it", bad, 0);
	memset(&a, 0, sizeof(a));
	memset(&b, 0, sizeof(b));
	for (i = 0; i < 20000; i++) {
		x = x * 1103515245 + 12345;
		rec = (x >> 8) & 0xffffffff;
		hm_hist_add_page(&a, rec, 4096, false, x & 1);
		hm_tally_page(&t, rec, x & 1);
		if (i % 512 == 511)
			hm_tally_flush(&t, &b, 4096);
	}
	hm_tally_flush(&t, &b, 4096);
	UNIT_EQ_INT("tally: 20000 pages summed as page by page", memcmp(&a, &b, sizeof(a)), 0);
	UNIT_EQ_INT("tally: flushed empty", memcmp(&t, &(struct hm_tally){}, sizeof(t)), 0);
}

static u64 bucket(u64 t, u64 width)
{
	return t / width;
}

/*
 * Passes every 12 ms for `n` passes with history_unit_ms = 100: the tiers
 * must hold the newest 480 passes, then the last pass of each 100 ms, 1 s,
 * 6 s bucket, oldest first, as the test computes from the whole sequence.
 */
static void test_thinning(unsigned int n)
{
	static struct hm_history h;
	static struct hm_sample out[HM_HIST_SAMPLES];
	static u8 tier[HM_HIST_SAMPLES];
	const u64 width[HM_HIST_TIERS] = { 0, 100 * MS, 1000 * MS, 6000 * MS };
	u32 i, m, bad_order = 0, not_last = 0, t0_gap = 0, per_tier[HM_HIST_TIERS] = {};
	u32 dup_bucket = 0;
	struct hm_sample s = {};
	char name[96];

	hm_history_init(&h, 100);
	for (i = 1; i <= n; i++) {
		s.passes = i;
		s.time_ns = 1000 * MS + i * 12 * MS;
		s.idle600 = i;
		hm_history_push(&h, &s);
	}
	m = hm_history_copy(&h, out, tier);
	UNIT_EQ_INT("history: count matches the tiers", m, hm_history_count(&h));
	for (i = 0; i < m; i++) {
		per_tier[tier[i]]++;
		if (i && (out[i].time_ns <= out[i - 1].time_ns || tier[i] > tier[i - 1]))
			bad_order++;
		if (tier[i] == 0 && i && tier[i - 1] == 0 && out[i].passes != out[i - 1].passes + 1)
			t0_gap++;
		/*
		 * The last of its bucket: the pass after it is in a later one.
		 * A tier's newest sample may be of a bucket still open (later
		 * passes of it are in a finer tier): it is the last so far.
		 */
		if (tier[i] && i + 1 < m && tier[i + 1] == tier[i] &&
		    bucket(out[i].time_ns, width[tier[i]]) ==
		    bucket(out[i].time_ns + 12 * MS, width[tier[i]]))
			not_last++;
		if (tier[i] && i + 1 < m && tier[i + 1] == tier[i] &&
		    bucket(out[i].time_ns, width[tier[i]]) ==
		    bucket(out[i + 1].time_ns, width[tier[i]]))
			dup_bucket++;
	}
	snprintf(name, sizeof(name), "history after %u passes: ", n);
#define CHECK(what, got, want) do {						\
		char full[160];							\
		snprintf(full, sizeof(full), "%s%s", name, what);		\
		UNIT_EQ_INT(full, got, want);					\
	} while (0)
	CHECK("oldest first, coarser tiers first", bad_order, 0);
	CHECK("tier 0 holds consecutive passes", t0_gap, 0);
	CHECK("the newest sample is the last pass", out[m - 1].passes, n);
	CHECK("tier 0 size", per_tier[0], n < 480 ? n : 480);
	CHECK("each coarse sample is the last pass of its bucket", not_last, 0);
	CHECK("one sample per bucket", dup_bucket, 0);
	if (n > 480 && per_tier[1] && per_tier[1] < 240)
		/* Tier 1 holds the last of every 100 ms bucket before tier 0's oldest. */
		CHECK("tier 1 newest is the pass before tier 0's oldest",
		      out[per_tier[3] + per_tier[2] + per_tier[1] - 1].passes,
		      out[m - per_tier[0]].passes - 1);
	if (n >= 480 + 240 * 9)
		CHECK("tier 1 full", per_tier[1], 240);
#undef CHECK
}

static void test_histcalc(void)
{
	struct hm_history_sample s[4] = {
		{ .time_ns = 10 * 60000 * MS, .idle600_bytes = 1 << 20, .idle60_bytes = 5 << 20 },
		{ .time_ns = 20 * 60000 * MS, .idle600_bytes = 2 << 20, .idle60_bytes = 5 << 20 },
		{ .time_ns = 30 * 60000 * MS, .idle600_bytes = 4 << 20, .idle60_bytes = 5 << 20 },
		{ .time_ns = 40 * 60000 * MS, .idle600_bytes = 7 << 20, .idle60_bytes = 9 << 20 },
	};
	struct hm_cold_growth g;
	char buf[32];

	UNIT_EQ_INT("histcalc: 10 min at 1 s is the 600-period bucket",
		    hm_hist_cold_bucket(1000 * MS, 600000 * MS), 3);
	UNIT_EQ_INT("histcalc: 5 min at 1 s is the 60-period bucket",
		    hm_hist_cold_bucket(1000 * MS, 300000 * MS), 2);
	UNIT_EQ_INT("histcalc: 100 ms at 1 s is bucket 0",
		    hm_hist_cold_bucket(1000 * MS, 100 * MS), 0);
	UNIT_EQ_INT("histcalc: growth over all", hm_hist_growth(s, 4, 0, 3, &g), 0);
	UNIT_EQ_INT("histcalc: growth per min (bytes)", (long long)g.per_min, (6 << 20) / 30);
	UNIT_EQ_INT("histcalc: growth since 15 min", hm_hist_growth(s, 4, 15 * 60000 * MS, 3, &g), 0);
	UNIT_EQ_INT("histcalc: from the 20 min sample", g.from_bytes, 2 << 20);
	UNIT_EQ_INT("histcalc: samples", g.samples, 3);
	UNIT_EQ_INT("histcalc: one sample is no growth",
		    hm_hist_growth(s, 4, 35 * 60000 * MS, 3, &g) < 0, 1);
	UNIT_EQ_STR("age 2h10m", hm_fmt_age(7800ULL * 1000 * MS, buf, sizeof(buf)), "-2h10m");
	UNIT_EQ_STR("age 4m05s", hm_fmt_age(245ULL * 1000 * MS, buf, sizeof(buf)), "-4m05s");
	UNIT_EQ_STR("age 2d03h", hm_fmt_age(183600ULL * 1000 * MS, buf, sizeof(buf)), "-2d03h");
	UNIT_EQ_STR("age 1.5s", hm_fmt_age(1500 * MS, buf, sizeof(buf)), "-1.5s");
	UNIT_EQ_STR("age 0.05s", hm_fmt_age(50 * MS, buf, sizeof(buf)), "-0.05s");
}

int main(void)
{
	test_counts();
	test_count_advance();
	test_tally();
	test_thinning(100);
	test_thinning(480 + 100);
	test_thinning(480 + 240 * 9 + 500);
	test_thinning(200000);
	test_histcalc();
	return unit_failed ? 1 : 0;
}
