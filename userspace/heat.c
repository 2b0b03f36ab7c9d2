// SPDX-License-Identifier: GPL-2.0
#include <string.h>

#include "heat.h"

/* From coldest to hottest, indexed by enum hm_heat_level. */
static const char heat_chars[] = " .-+#";

enum hm_heat_level hm_heat_level_of_idle(uint64_t idle)
{
	if (idle >= 60)
		return HM_HEAT_COLD;
	if (idle >= 10)
		return HM_HEAT_COOL;
	return idle ? HM_HEAT_WARM : HM_HEAT_HOT;
}

char hm_heat_level_char(enum hm_heat_level level)
{
	return heat_chars[level];
}

static enum hm_heat_level heat_level(uint32_t rec)
{
	if (!HEAPMON_REC_TOUCHED(rec))
		return HM_HEAT_COLD;
	return hm_heat_level_of_idle(HEAPMON_REC_IDLE_PERIODS(rec));
}

char hm_heat_char(uint32_t rec)
{
	return heat_chars[heat_level(rec)];
}

/* The slice of n holding offset off of a range len bytes long. */
static unsigned int heat_slice(uint64_t off, uint64_t len, unsigned int n)
{
	/* Exact for any range, as the module's HEAPMON_CMD_SLICES computes it. */
	uint64_t slice = (unsigned __int128)off * n / len;

	return slice < n ? slice : n - 1;
}

void hm_heat_slices(uint64_t start, uint64_t end, const struct hm_page *pages, size_t n_pages,
		    struct hm_heat_slice *out, unsigned int n)
{
	uint64_t len = end - start, a, last;
	unsigned int top;
	const struct hm_page *p;
	struct hm_heat_slice *s;
	enum hm_heat_level l;
	size_t i;

	memset(out, 0, n * sizeof(*out));
	for (i = 0; i < n_pages && end > start; i++) {
		p = &pages[i];
		if (p->addr >= end || p->addr + p->size <= start)
			continue;
		a = p->addr > start ? p->addr : start;
		if (p->swapped) {
			/* Always a 4 KiB page. */
			out[heat_slice(a - start, len, n)].swapped++;
			continue;
		}
		l = heat_level(p->rec);
		last = p->addr + p->size < end ? p->addr + p->size : end;
		/* 4 KiB at a time: a huge page may straddle slices. */
		for (; a < last; a += HM_PAGE_SIZE) {
			/* Counted in the slice it starts in, warming each slice it covers. */
			s = &out[heat_slice(a - start, len, n)];
			s->resident++;
			if (!HEAPMON_REC_TOUCHED(p->rec))
				s->never++;
			else
				s->idle_sum += HEAPMON_REC_IDLE_PERIODS(p->rec);
			top = heat_slice((a + HM_PAGE_SIZE < last ? a + HM_PAGE_SIZE : last) - 1 - start,
					 len, n);
			for (; s <= &out[top]; s++)
				if (s->hottest < l)
					s->hottest = l;
		}
	}
}

void hm_heat_strip(uint64_t start, uint64_t end, const struct hm_page *pages, size_t n,
		   char *out, unsigned int width)
{
	struct hm_heat_slice slices[HM_HEAT_WIDTH_MAX];
	unsigned int s;

	if (!width)
		width = 1;
	if (width > HM_HEAT_WIDTH_MAX)
		width = HM_HEAT_WIDTH_MAX;
	hm_heat_slices(start, end, pages, n, slices, width);
	for (s = 0; s < width; s++)
		out[s] = heat_chars[slices[s].hottest];
	out[width] = '\0';
}
