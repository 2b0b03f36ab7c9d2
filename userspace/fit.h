/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The live view's layout: what of a frame fits a terminal of cols x rows
 * (watch redraws in place, so a frame taller or wider than the terminal
 * would scroll and tear).
 */
#ifndef HEAPMONCTL_FIT_H
#define HEAPMONCTL_FIT_H

#include <stdbool.h>
#include <stddef.h>

/* A region line: kind, range, resident bytes, then "[strip]". */
#define HM_FIT_REGION_PREFIX 50
#define HM_FIT_STRIP_MIN 8
#define HM_FIT_STRIP_MAX 256

struct hm_fit {
	unsigned int cols;	/* every line is cut to this width; 0: no limit */
	unsigned int strip;	/* heat strip width */
	size_t regions;		/* regions shown: the ones with most resident bytes */
	bool more;		/* a line says how many regions are not shown */
	unsigned int events;	/* recent events shown: the newest */
};

/*
 * The layout of a frame of header_lines lines (status and totals, and a
 * warning), n_regions regions, n_events recent events and tail_lines more
 * ("pid N exited"), for a terminal of cols x rows; cols and rows 0 when
 * stdout is not a terminal: everything, strips of default_strip.
 */
void hm_fit_frame(unsigned int cols, unsigned int rows, unsigned int header_lines,
		  size_t n_regions, unsigned int n_events, unsigned int tail_lines,
		  unsigned int default_strip, struct hm_fit *f);

#endif
