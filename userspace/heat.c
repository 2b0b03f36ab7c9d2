// SPDX-License-Identifier: GPL-2.0
#include <string.h>

#include "heat.h"

/* From coldest to hottest; a slice shows the hottest of its pages. */
static const char heat_chars[] = " .-+#";

static unsigned int heat_level(uint32_t rec)
{
	uint32_t idle = HEAPMON_REC_IDLE_PERIODS(rec);

	if (!HEAPMON_REC_TOUCHED(rec) || idle >= 60)
		return 1;
	if (idle >= 10)
		return 2;
	return idle ? 3 : 4;
}

char hm_heat_char(uint32_t rec)
{
	return heat_chars[heat_level(rec)];
}

/* The slice holding offset off of a range len bytes long. */
static unsigned int heat_slice(uint64_t off, uint64_t len)
{
	/* User addresses stay below 2^57, so off * HM_HEAT_WIDTH does not overflow. */
	uint64_t slice = off * HM_HEAT_WIDTH / len;

	return slice < HM_HEAT_WIDTH ? slice : HM_HEAT_WIDTH - 1;
}

void hm_heat_strip(uint64_t start, uint64_t end, const struct hm_page *pages, size_t n,
		   char *out)
{
	unsigned char level[HM_HEAT_WIDTH] = { 0 };
	uint64_t len = end - start, first, last;
	unsigned int s, l;
	size_t i;

	for (i = 0; i < n && end > start; i++) {
		/* The strip shows resident pages: a swapped-out one is a blank. */
		if (pages[i].swapped || pages[i].addr >= end ||
		    pages[i].addr + pages[i].size <= start)
			continue;
		first = pages[i].addr > start ? pages[i].addr - start : 0;
		last = pages[i].addr + pages[i].size - 1 - start;
		if (last >= len)
			last = len - 1;
		l = heat_level(pages[i].rec);
		for (s = heat_slice(first, len); s <= heat_slice(last, len); s++)
			if (level[s] < l)
				level[s] = l;
	}
	for (s = 0; s < HM_HEAT_WIDTH; s++)
		out[s] = heat_chars[level[s]];
	out[HM_HEAT_WIDTH] = '\0';
}
