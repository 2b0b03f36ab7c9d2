// SPDX-License-Identifier: GPL-2.0
/*
 * randrw: a memory-bound program: random reads and writes over its heap.
 *
 *   randrw MIB OPS
 *
 * Maps MIB MiB in 4 KiB pages and writes each page once, prints "ready PID"
 * and waits for SIGUSR1. Then does OPS read-modify-writes of 8 bytes at
 * random places in the heap and prints "elapsed_ns N".
 */
#include "bench.h"

int main(int argc, char **argv)
{
	uint64_t seed = 88172645463325252ull, ops, i, words, t0;
	uint64_t *p;

	if (argc != 3) {
		fprintf(stderr, "usage: randrw MIB OPS\n");
		return 2;
	}
	words = (strtoull(argv[1], NULL, 0) << 20) / sizeof(*p);
	ops = strtoull(argv[2], NULL, 0);
	p = (uint64_t *)map_pages(words * sizeof(*p));
	wait_for_start();
	t0 = now_ns();
	for (i = 0; i < ops; i++)
		p[rnd(&seed) % words] += i;
	printf("elapsed_ns %llu\n", (unsigned long long)(now_ns() - t0));
	return 0;
}
