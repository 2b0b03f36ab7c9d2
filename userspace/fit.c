// SPDX-License-Identifier: GPL-2.0
/* The live view's layout: what of a frame fits the terminal. */
#include "fit.h"

void hm_fit_frame(unsigned int cols, unsigned int rows, unsigned int header_lines,
		  size_t n_regions, unsigned int n_events, unsigned int tail_lines,
		  unsigned int default_strip, struct hm_fit *f)
{
	unsigned int avail, used;

	f->cols = cols;
	f->strip = default_strip;
	f->regions = n_regions;
	f->more = false;
	f->events = n_events;
	if (cols) {
		/* The strip takes what the line's prefix and brackets leave. */
		f->strip = cols > HM_FIT_REGION_PREFIX + 2 + HM_FIT_STRIP_MIN ?
			   cols - HM_FIT_REGION_PREFIX - 2 : HM_FIT_STRIP_MIN;
		if (f->strip > HM_FIT_STRIP_MAX)
			f->strip = HM_FIT_STRIP_MAX;
	}
	if (!rows)
		return;
	/* The last row stays free: the cursor sits there after the frame. */
	used = header_lines + tail_lines + 1;
	avail = rows > used ? rows - used : 0;
	if (n_regions > avail) {
		/* All but one line of regions, and that line says how many are left out. */
		f->regions = avail ? avail - 1 : 0;
		f->more = avail > 0;
		f->events = 0;
		return;
	}
	avail -= n_regions;
	if (f->events > avail)
		f->events = avail;
}
