// SPDX-License-Identifier: GPL-2.0
/* Unit tests of heapmonctl's heat strips. */
#include <stdio.h>
#include <string.h>

#include "heat.h"
#include "unit.h"

#define BASE 0x7f0000000000ULL
#define PAGE 4096ULL
#define REC(touched, idle) ((touched) | (idle) << 8 | 5U << 20)

static char strip[HM_HEAT_WIDTH + 1];

/* A strip from a picture: 64 characters, each standing for one slice. */
static const char *draw(uint64_t start, uint64_t end, const struct hm_page *pages, size_t n)
{
	hm_heat_strip(start, end, pages, n, strip, HM_HEAT_WIDTH);
	return strip;
}

static void test_chars(void)
{
	char got[16] = "", want[] = "#++--...";
	static const uint32_t recs[] = {
		REC(1, 0), REC(1, 1), REC(9, 9), REC(1, 10), REC(1, 59), REC(1, 60), REC(1, 4095),
		REC(0, 0),
	};
	size_t i;

	for (i = 0; i < sizeof(recs) / sizeof(recs[0]); i++)
		got[i] = hm_heat_char(recs[i]);
	UNIT_EQ_STR("heat chars: idle 0, 1, 9, 10, 59, 60, 4095, never touched", got, want);
}

static void test_strips(void)
{
	/* 64 pages: one page per slice. */
	struct hm_page one[] = {
		{ .addr = BASE + 0 * PAGE, .size = PAGE, .rec = REC(1, 0) },
		{ .addr = BASE + 1 * PAGE, .size = PAGE, .rec = REC(1, 5) },
		{ .addr = BASE + 2 * PAGE, .size = PAGE, .rec = REC(1, 30) },
		{ .addr = BASE + 3 * PAGE, .size = PAGE, .rec = REC(1, 100) },
		{ .addr = BASE + 4 * PAGE, .size = PAGE, .rec = REC(0, 0) },
		{ .addr = BASE + 63 * PAGE, .size = PAGE, .rec = REC(2, 0) },
	};
	/* 128 pages: two per slice; the hotter wins, in any order. */
	struct hm_page two[] = {
		{ .addr = BASE + 1 * PAGE, .size = PAGE, .rec = REC(0, 0) },
		{ .addr = BASE + 0 * PAGE, .size = PAGE, .rec = REC(1, 0) },
		{ .addr = BASE + 2 * PAGE, .size = PAGE, .rec = REC(1, 70) },
		{ .addr = BASE + 3 * PAGE, .size = PAGE, .rec = REC(1, 12) },
		{ .addr = BASE + 127 * PAGE, .size = PAGE, .rec = REC(1, 3) },
	};
	/* A 4 MiB region: its second half is one huge page. */
	struct hm_page huge[] = {
		{ .addr = BASE + (2 << 20), .size = 2 << 20, .rec = REC(1, 0) },
		{ .addr = BASE, .size = PAGE, .rec = REC(1, 61) },
	};
	/* Pages outside the region are left out; a page across its start is clipped. */
	struct hm_page outside[] = {
		{ .addr = BASE - PAGE, .size = PAGE, .rec = REC(1, 0) },
		{ .addr = BASE + 64 * PAGE, .size = PAGE, .rec = REC(1, 0) },
		{ .addr = BASE + 10 * PAGE, .size = PAGE, .rec = REC(1, 2) },
	};
	char want[HM_HEAT_WIDTH + 1];

	memset(want, ' ', HM_HEAT_WIDTH);
	want[HM_HEAT_WIDTH] = '\0';
	memcpy(want, "#+-..", 5);
	want[63] = '#';
	UNIT_EQ_STR("strip: one page per slice", draw(BASE, BASE + 64 * PAGE, one, 6), want);

	memset(want, ' ', HM_HEAT_WIDTH);
	memcpy(want, "#-", 2);
	want[63] = '+';
	UNIT_EQ_STR("strip: two pages per slice, hottest wins",
		    draw(BASE, BASE + 128 * PAGE, two, 5), want);

	memset(want, ' ', HM_HEAT_WIDTH);
	want[0] = '.';
	memset(want + 32, '#', 32);
	UNIT_EQ_STR("strip: a huge page covers its slices", draw(BASE, BASE + (4 << 20), huge, 2),
		    want);

	memset(want, ' ', HM_HEAT_WIDTH);
	want[10] = '+';
	UNIT_EQ_STR("strip: pages outside the region", draw(BASE, BASE + 64 * PAGE, outside, 3),
		    want);

	memset(want, ' ', HM_HEAT_WIDTH);
	memset(want, '#', HM_HEAT_WIDTH / 2);
	UNIT_EQ_STR("strip: a region smaller than 64 pages", draw(BASE, BASE + 2 * PAGE, one, 1),
		    want);
	memset(want, '#', HM_HEAT_WIDTH);
	UNIT_EQ_STR("strip: a huge page across a small region",
		    draw(BASE + (2 << 20) + PAGE, BASE + (2 << 20) + 3 * PAGE, huge, 2), want);

	/* A swapped-out page is not resident: a blank, whatever its counts. */
	one[0].swapped = 1;
	memset(want, ' ', HM_HEAT_WIDTH);
	memcpy(want, " +-..", 5);
	want[63] = '#';
	UNIT_EQ_STR("strip: a swapped-out page is a blank", draw(BASE, BASE + 64 * PAGE, one, 6),
		    want);
	one[0].swapped = 0;

	memset(want, ' ', HM_HEAT_WIDTH);
	UNIT_EQ_STR("strip: no pages", draw(BASE, BASE + 64 * PAGE, NULL, 0), want);
	UNIT_EQ_STR("strip: empty region", draw(BASE, BASE, one, 6), want);
}

/* The sums per slice, swapped pages apart, and exact for any range (no overflow). */
static void test_sums(void)
{
	struct hm_page pages[] = {
		{ .addr = BASE, .size = PAGE, .rec = REC(1, 3) },
		{ .addr = BASE + PAGE, .size = PAGE, .swapped = 1, .rec = REC(1, 7) },
		{ .addr = BASE + 2 * PAGE, .size = PAGE, .rec = REC(0, 9) },
	};
	struct hm_heat_slice s[3];
	char got[96];

	/* 3 pages in 2 slices: page 1 starts in slice 0 and reaches slice 1. */
	hm_heat_slices(BASE, BASE + 3 * PAGE, pages, 3, s, 2);
	snprintf(got, sizeof(got), "%llu %llu %llu %llu %d | %llu %llu %llu %llu %d",
		 (unsigned long long)s[0].resident, (unsigned long long)s[0].never,
		 (unsigned long long)s[0].idle_sum, (unsigned long long)s[0].swapped, s[0].hottest,
		 (unsigned long long)s[1].resident, (unsigned long long)s[1].never,
		 (unsigned long long)s[1].idle_sum, (unsigned long long)s[1].swapped, s[1].hottest);
	UNIT_EQ_STR("sums: resident, never, idle_sum, swapped, hottest per slice", got,
		    "1 0 3 1 3 | 1 1 0 0 1");
	/* A range of 2^63 bytes in 3 slices: off * n overflows 64 bits, the sum does not. */
	pages[0].addr = (1ULL << 62) + (1ULL << 61);
	hm_heat_slices(0, 1ULL << 63, pages, 1, s, 3);
	UNIT_EQ_INT("sums: a page at 3/4 of a 2^63-byte range is in slice 2 of 3", s[2].resident, 1);
}

int main(void)
{
	test_chars();
	test_strips();
	test_sums();
	return unit_failed ? 1 : 0;
}
