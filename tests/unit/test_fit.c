// SPDX-License-Identifier: GPL-2.0
/* Unit tests of the live view's layout: what of a frame fits the terminal. */
#include <stdio.h>
#include <string.h>

#include "fit.h"
#include "unit.h"

/* "strip S regions R more M events E cols C" for one layout. */
static const char *fit(unsigned int cols, unsigned int rows, unsigned int header,
		       size_t regions, unsigned int events, unsigned int tail)
{
	static char out[128];
	struct hm_fit f;

	hm_fit_frame(cols, rows, header, regions, events, tail, 64, &f);
	snprintf(out, sizeof(out), "strip %u regions %zu more %d events %u cols %u", f.strip,
		 f.regions, f.more, f.events, f.cols);
	return out;
}

int main(void)
{
	UNIT_EQ_STR("not a terminal: everything, strips of 64", fit(0, 0, 2, 40, 5, 1),
		    "strip 64 regions 40 more 0 events 5 cols 0");
	UNIT_EQ_STR("80x24: all fits, the strip takes the width left", fit(80, 24, 2, 4, 5, 0),
		    "strip 28 regions 4 more 0 events 5 cols 80");
	UNIT_EQ_STR("200 columns", fit(200, 24, 2, 4, 5, 0),
		    "strip 148 regions 4 more 0 events 5 cols 200");
	UNIT_EQ_STR("400 columns: the widest strip", fit(400, 24, 2, 4, 5, 0),
		    "strip 256 regions 4 more 0 events 5 cols 400");
	UNIT_EQ_STR("40 columns: the narrowest strip, lines cut", fit(40, 24, 2, 4, 5, 0),
		    "strip 8 regions 4 more 0 events 5 cols 40");
	UNIT_EQ_STR("80x10, 12 regions: 6 and a line for the rest, no events",
		    fit(80, 10, 2, 12, 5, 0), "strip 28 regions 6 more 1 events 0 cols 80");
	UNIT_EQ_STR("80x10, 5 regions: the 2 newest events", fit(80, 10, 2, 5, 5, 0),
		    "strip 28 regions 5 more 0 events 2 cols 80");
	UNIT_EQ_STR("80x10 with a warning and an exit line, 7 regions",
		    fit(80, 10, 3, 7, 5, 1), "strip 28 regions 4 more 1 events 0 cols 80");
	UNIT_EQ_STR("3 rows: the header alone", fit(80, 3, 2, 7, 5, 0),
		    "strip 28 regions 0 more 0 events 0 cols 80");
	return unit_failed ? 1 : 0;
}
