// SPDX-License-Identifier: GPL-2.0
/*
 * hotloop: the cost of one malloc + free pair when (almost) nothing is
 * sampled, the price every unsampled call pays for the recorder's hooks.
 *
 *   hotloop PAIRS
 *
 * Warms up with PAIRS / 10 pairs, then times PAIRS pairs of malloc(64) and
 * free in 5 rounds and prints the fastest round's "ns_per_pair X" (a round
 * the scheduler interrupted says more about the host than the code), and the process's resident and virtual
 * size after the loop ("rss_kb N vsz_kb N"): against a run without the
 * recorder, the memory the recorder holds whatever the program does.
 */
#include "../../progs/bench.h"
#include <string.h>

static void pairs(uint64_t n)
{
	uint64_t i;

	for (i = 0; i < n; i++) {
		void *p = malloc(64);

		/* Without this the compiler may drop the pair altogether. */
		__asm__ volatile("" : : "r"(p) : "memory");
		free(p);
	}
}

static long status_kb(const char *field)
{
	char line[256];
	long kb = -1;
	FILE *f = fopen("/proc/self/status", "r");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, field, strlen(field))) {
			kb = strtol(line + strlen(field), NULL, 10);
			break;
		}
	fclose(f);
	return kb;
}

int main(int argc, char **argv)
{
	uint64_t n, t0, best = UINT64_MAX;

	if (argc != 2 || !(n = strtoull(argv[1], NULL, 0))) {
		fprintf(stderr, "usage: hotloop PAIRS\n");
		return 2;
	}
	pairs(n / 10);
	for (int round = 0; round < 5; round++) {
		t0 = now_ns();
		pairs(n / 5);
		t0 = now_ns() - t0;
		if (t0 < best)
			best = t0;
	}
	printf("ns_per_pair %.3f\n", (double)best / (n / 5));
	printf("rss_kb %ld vsz_kb %ld\n", status_kb("VmRSS:"), status_kb("VmSize:"));
	return 0;
}
