// SPDX-License-Identifier: GPL-2.0
/*
 * bench SIZE N: N malloc(SIZE)+free pairs, prints ns per pair. Run with and
 * without the recorder preloaded to measure its cost per call.
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	size_t size = argc > 1 ? strtoul(argv[1], NULL, 0) : 64;
	long n = argc > 2 ? strtol(argv[2], NULL, 0) : 10000000;
	void *volatile sink;
	double t0 = now();

	for (long i = 0; i < n; i++) {
		sink = malloc(size);
		free(sink);
	}
	printf("%.1f ns per malloc+free of %zu bytes\n", (now() - t0) * 1e9 / n, size);
	return 0;
}
