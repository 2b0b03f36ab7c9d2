/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Heat: a region's pages summed up per slice of its address range, for the
 * live view's strips (watch) and the slices of a record (record, report).
 */
#ifndef HEAPMONCTL_HEAT_H
#define HEAPMONCTL_HEAT_H

#include <stddef.h>
#include <stdint.h>

#include "decode.h"

/* The strip of a frame not drawn on a terminal, and the widest one drawn. */
#define HM_HEAT_WIDTH 64
#define HM_HEAT_WIDTH_MAX 256

/* How warm a slice is, from no resident page to touched in the last period. */
enum hm_heat_level {
	HM_HEAT_NONE,		/* no resident page */
	HM_HEAT_COLD,		/* idle 60 periods or more, or never touched */
	HM_HEAT_COOL,		/* idle 10 to 59 */
	HM_HEAT_WARM,		/* idle 1 to 9 */
	HM_HEAT_HOT,		/* idle 0: touched in the last period */
};

/* The level of a page touched and idle for idle periods (idle 60 and more: cold). */
enum hm_heat_level hm_heat_level_of_idle(uint64_t idle);
/* ' ', '.', '-', '+', '#': the strip's character for a level. */
char hm_heat_level_char(enum hm_heat_level level);

/*
 * '#' touched in the last period (idle 0), '+' idle 1 to 9, '-' idle 10 to
 * 59, '.' idle 60 or more, or never touched.
 */
char hm_heat_char(uint32_t rec);

/* What one slice of a region holds, in 4 KiB pages (a huge page counts 512). */
struct hm_heat_slice {
	uint64_t resident;	/* resident pages */
	uint64_t never;		/* of which never touched */
	uint64_t idle_sum;	/* idle periods summed over the touched ones */
	uint64_t swapped;	/* pages swapped out (not in resident) */
	enum hm_heat_level hottest;
};

/*
 * Splits [start, end) into n slices (slice i holds the pages at offsets off
 * with off * n / (end - start) == i) and sums up in out[0..n-1] the resident
 * pages of each, and the swapped-out ones apart. Pages may come in any
 * order; those outside [start, end) are ignored. HEAPMON_CMD_SLICES gives the
 * same sums (hm_decode_slices()).
 */
void hm_heat_slices(uint64_t start, uint64_t end, const struct hm_page *pages, size_t n_pages,
		    struct hm_heat_slice *out, unsigned int n);

/*
 * Splits [start, end) into width equal slices (1 to HM_HEAT_WIDTH_MAX) and
 * writes to out (width + 1 bytes) the hottest hm_heat_char() of the pages in
 * each slice, or ' ' for a slice without a resident page.
 */
void hm_heat_strip(uint64_t start, uint64_t end, const struct hm_page *pages, size_t n,
		   char *out, unsigned int width);

#endif
