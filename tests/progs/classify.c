// SPDX-License-Identifier: GPL-2.0
/*
 * classify TRUTH COLD_MIN THRESHOLD < pages.json
 *
 * Compares heapmon's per-page report (heapmonctl pages --json) with a
 * workload's truth file (see workload.c). A page heapmon reports with
 * idle >= COLD_MIN periods is classified cold, any other reported page hot.
 * Huge pages count as their 512 small pages. Prints precision and recall for
 * both classes; a truth page heapmon does not report counts against recall.
 * TRUTH's "gone" ranges were given back: a page reported there is stale.
 * Exits 1 if any of the four is below THRESHOLD, or if a page is stale.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PAGE 4096UL
#define MAX_RANGES 100000

struct range {
	unsigned long start, end;
	int hot;		/* 1 hot, 0 cold, -2 gone */
};

static struct range ranges[MAX_RANGES];
static int nranges;

static int cmp(const void *a, const void *b)
{
	const struct range *x = a, *y = b;

	return x->start < y->start ? -1 : x->start > y->start;
}

/* 1 hot, 0 cold, -2 gone, -1 not a workload page. */
static int truth_of(unsigned long addr)
{
	int lo = 0, hi = nranges;

	while (lo < hi) {
		int mid = (lo + hi) / 2;

		if (addr < ranges[mid].start)
			hi = mid;
		else if (addr >= ranges[mid].end)
			lo = mid + 1;
		else
			return ranges[mid].hot;
	}
	return -1;
}

static unsigned long field(const char *line, const char *key)
{
	const char *p = strstr(line, key);

	if (!p)
		return 0;
	p += strlen(key);
	if (*p == '"')
		p++;
	return strtoul(p, NULL, 0);
}

static double ratio(unsigned long a, unsigned long b)
{
	return b ? (double)a / b : 1.0;
}

int main(int argc, char **argv)
{
	/* [truth][predicted]: counts of 4 KiB pages, predicted 0 cold, 1 hot */
	unsigned long m[2][2] = { { 0 } }, truth_pages[2] = { 0 }, reported[2] = { 0 };
	unsigned long cold_min, i, stale = 0;
	char line[512], kind[16];
	double threshold, hp, hr, cp, cr;
	FILE *f;

	if (argc != 4) {
		fprintf(stderr, "usage: classify TRUTH COLD_MIN THRESHOLD < pages.json\n");
		return 2;
	}
	cold_min = strtoul(argv[2], NULL, 0);
	threshold = atof(argv[3]);
	f = fopen(argv[1], "r");
	if (!f) {
		perror("classify");
		return 2;
	}
	while (nranges < MAX_RANGES && fscanf(f, "%15s %lx %lx", kind,
					      &ranges[nranges].start, &ranges[nranges].end) == 3) {
		ranges[nranges].hot = !strcmp(kind, "gone") ? -2 : !strcmp(kind, "hot");
		if (ranges[nranges].hot >= 0)
			truth_pages[ranges[nranges].hot] +=
				(ranges[nranges].end - ranges[nranges].start) / PAGE;
		nranges++;
	}
	fclose(f);
	qsort(ranges, nranges, sizeof(ranges[0]), cmp);

	while (fgets(line, sizeof(line), stdin)) {
		unsigned long addr = field(line, "\"addr\":"), size = field(line, "\"size\":");
		int predicted = field(line, "\"idle\":") < cold_min;

		for (i = 0; i < size; i += PAGE) {
			int t = truth_of(addr + i);

			stale += t == -2;
			if (t < 0)
				continue;
			m[t][predicted]++;
			reported[t]++;
		}
	}
	hp = ratio(m[1][1], m[1][1] + m[0][1]);
	hr = ratio(m[1][1], truth_pages[1]);
	cp = ratio(m[0][0], m[0][0] + m[1][0]);
	cr = ratio(m[0][0], truth_pages[0]);
	printf("hot %lu pages: precision %.3f recall %.3f; cold %lu pages: precision %.3f recall %.3f; stale %lu; unreported %lu\n",
	       truth_pages[1], hp, hr, truth_pages[0], cp, cr, stale,
	       truth_pages[0] + truth_pages[1] - reported[0] - reported[1]);
	return stale || (truth_pages[1] && (hp < threshold || hr < threshold)) ||
	       (truth_pages[0] && (cp < threshold || cr < threshold));
}
