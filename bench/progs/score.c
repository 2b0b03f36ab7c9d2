// SPDX-License-Identifier: GPL-2.0
/*
 * score: one snapshot of a monitor's view of a masim process, scored page by
 * page against masim's record.
 *
 *   score RECORD PERIOD_MS TIME heapmon|damon < SNAPSHOT
 *
 * TIME is when the snapshot was taken, in seconds of /proc/uptime. The phase
 * running then is the truth: a page is hot when that phase touches it.
 * SNAPSHOT is `heapmonctl pages PID --json` (a page is hot when it was
 * touched in the last period: touched > 0 and idle 0; a huge page counts as
 * its 512 small pages) or DAMON's regions, one "START END NR_ACCESSES" line
 * each (every page of a region with NR_ACCESSES > 0 is hot). Only the pages
 * of masim's regions are scored; a page the snapshot does not mention is
 * cold.
 *
 * Prints "phase I since_periods S hot_precision P hot_recall R
 * cold_precision P cold_recall R wss_error E changed_seen C": S is the
 * time since the phase started in periods; the WSS error is (pages seen hot -
 * pages hot) / pages hot; C is the share of the pages whose class changed
 * when this phase started that the snapshot puts in their new class (-1 in
 * the first phase).
 */
#include "bench.h"
#include <stddef.h>
#include <string.h>

#define MAX_REGIONS 16

struct region {
	unsigned long start, end;
	unsigned char *truth, *prev, *seen;
};

static struct region regions[MAX_REGIONS];
static int nregions;

/* Sets [start, end) in the per-page array ARR of every region it crosses. */
static void mark(size_t off, unsigned long start, unsigned long end)
{
	int r;

	for (r = 0; r < nregions; r++) {
		struct region *reg = &regions[r];
		unsigned long s = start > reg->start ? start : reg->start;
		unsigned long e = end < reg->end ? end : reg->end;
		unsigned char *arr = *(unsigned char **)((char *)reg + off);

		for (; s < e; s += PAGE)
			arr[(s - reg->start) / PAGE] = 1;
	}
}

static double ratio(double a, double b)
{
	return b ? a / b : 1.0;
}

int main(int argc, char **argv)
{
	unsigned long start, end, n, m[2][2] = { { 0 } }, changed = 0, changed_seen = 0;
	unsigned long long ns, phase_ns = 0;
	double when, period;
	int phase = -1, r, damon;
	char line[512], word[32], name[64];
	FILE *f;

	if (argc != 5) {
		fprintf(stderr, "usage: score RECORD PERIOD_MS TIME heapmon|damon < SNAPSHOT\n");
		return 2;
	}
	period = atof(argv[2]) / 1000;
	when = atof(argv[3]);
	damon = !strcmp(argv[4], "damon");
	f = fopen(argv[1], "r");
	if (!f) {
		perror(argv[1]);
		return 2;
	}
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "region %63s %lx %lx", name, &start, &end) == 3 &&
		    nregions < MAX_REGIONS) {
			struct region *reg = &regions[nregions++];

			reg->start = start;
			reg->end = end;
			reg->truth = calloc((end - start) / PAGE, 1);
			reg->prev = calloc((end - start) / PAGE, 1);
			reg->seen = calloc((end - start) / PAGE, 1);
		} else if (sscanf(line, "phase %d %63s %llu", &r, name, &ns) == 3) {
			if (ns / 1e9 > when)
				break;
			phase = r;
			phase_ns = ns;
			for (r = 0; r < nregions; r++) {
				size_t len = (regions[r].end - regions[r].start) / PAGE;

				memcpy(regions[r].prev, regions[r].truth, len);
				memset(regions[r].truth, 0, len);
			}
		} else if (sscanf(line, "touch %lx %lx", &start, &end) == 2) {
			mark(offsetof(struct region, truth), start, end);
		} else if (sscanf(line, "%31s", word) == 1 && !strcmp(word, "end")) {
			break;
		}
	}
	fclose(f);
	if (phase < 0) {
		fprintf(stderr, "score: no phase had started at %s\n", argv[3]);
		return 1;
	}
	while (fgets(line, sizeof(line), stdin)) {
		if (damon) {
			if (sscanf(line, "%lu %lu %lu", &start, &end, &n) == 3 && n > 0)
				mark(offsetof(struct region, seen), start, end);
			continue;
		}
		char *a = strstr(line, "\"addr\":\""), *s = strstr(line, "\"size\":");
		char *t = strstr(line, "\"touched\":"), *i = strstr(line, "\"idle\":");

		if (!a || !s || !t || !i)
			continue;
		start = strtoul(a + 8, NULL, 16);
		if (strtoul(t + 10, NULL, 10) > 0 && strtoul(i + 7, NULL, 10) == 0)
			mark(offsetof(struct region, seen), start, start + strtoul(s + 7, NULL, 10));
	}
	for (r = 0; r < nregions; r++) {
		struct region *reg = &regions[r];
		size_t p;

		for (p = 0; p < (reg->end - reg->start) / PAGE; p++) {
			m[reg->truth[p]][reg->seen[p]]++;
			if (phase > 0 && reg->truth[p] != reg->prev[p]) {
				changed++;
				changed_seen += reg->seen[p] == reg->truth[p];
			}
		}
	}
	printf("phase %d since_periods %.2f hot_precision %.3f hot_recall %.3f cold_precision %.3f cold_recall %.3f wss_error %.3f changed_seen %.3f\n",
	       phase, (when - phase_ns / 1e9) / period,
	       ratio(m[1][1], m[1][1] + m[0][1]), ratio(m[1][1], m[1][1] + m[1][0]),
	       ratio(m[0][0], m[0][0] + m[1][0]), ratio(m[0][0], m[0][0] + m[0][1]),
	       ratio((double)m[1][1] + m[0][1] - m[1][1] - m[1][0], m[1][1] + m[1][0]),
	       changed ? (double)changed_seen / changed : -1.0);
	return 0;
}
