// SPDX-License-Identifier: GPL-2.0
/*
 * faultbench: page faults on fresh anonymous memory, timed.
 *
 *   faultbench MIB ROUNDS
 *
 * ROUNDS times: maps MIB MiB in 4 KiB pages, writes one byte in each page
 * (one page fault each), unmaps it. Prints "elapsed_ns N faults F".
 */
#include "bench.h"

int main(int argc, char **argv)
{
	uint64_t rounds, r, t0;
	size_t len, i;

	if (argc != 3) {
		fprintf(stderr, "usage: faultbench MIB ROUNDS\n");
		return 2;
	}
	len = strtoul(argv[1], NULL, 0) << 20;
	rounds = strtoull(argv[2], NULL, 0);
	t0 = now_ns();
	for (r = 0; r < rounds; r++) {
		char *p = mmap(NULL, len, PROT_READ | PROT_WRITE,
			       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

		if (p == MAP_FAILED) {
			perror("mmap");
			return 1;
		}
		madvise(p, len, MADV_NOHUGEPAGE);
		for (i = 0; i < len; i += PAGE)
			p[i] = 1;
		munmap(p, len);
	}
	printf("elapsed_ns %llu faults %llu\n", (unsigned long long)(now_ns() - t0),
	       (unsigned long long)(rounds * (len / PAGE)));
	return 0;
}
