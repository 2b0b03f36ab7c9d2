/* SPDX-License-Identifier: GPL-2.0 */
/* Heat strips: a region's pages drawn as one line of characters. */
#ifndef HEAPMONCTL_HEAT_H
#define HEAPMONCTL_HEAT_H

#include <stddef.h>
#include <stdint.h>

#include "decode.h"

#define HM_HEAT_WIDTH 64

/*
 * '#' touched in the last period (idle 0), '+' idle 1 to 9, '-' idle 10 to
 * 59, '.' idle 60 or more, or never touched.
 */
char hm_heat_char(uint32_t rec);

/*
 * Splits [start, end) into HM_HEAT_WIDTH equal slices and writes to out
 * (HM_HEAT_WIDTH + 1 bytes) the hottest hm_heat_char() of the pages in each
 * slice, or ' ' for a slice without a resident page. Pages may come in any
 * order; those outside [start, end) are ignored.
 */
void hm_heat_strip(uint64_t start, uint64_t end, const struct hm_page *pages, size_t n,
		   char *out);

#endif
