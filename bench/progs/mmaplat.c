// SPDX-License-Identifier: GPL-2.0
/*
 * mmaplat: how long a program's mmap and munmap take while its heap is being
 * watched. A monitor that walks the page tables under the mmap lock makes
 * them wait.
 *
 *   mmaplat MIB OPS
 *
 * Keeps a resident heap of MIB MiB (4 KiB pages), prints "ready PID", waits
 * for SIGUSR1, then OPS times maps 64 KiB, writes its pages, unmaps it and
 * sleeps 1 ms, timing each map-write-unmap. Prints "p50_us A p99_us B
 * max_us C" over the OPS times.
 */
#include "bench.h"

#define OP_LEN (64UL << 10)

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

int main(int argc, char **argv)
{
	uint64_t ops, i, t0, *lat;
	size_t off;
	char *p;

	if (argc != 3) {
		fprintf(stderr, "usage: mmaplat MIB OPS\n");
		return 2;
	}
	map_pages(strtoull(argv[1], NULL, 0) << 20);
	ops = strtoull(argv[2], NULL, 0);
	lat = calloc(ops, sizeof(*lat));
	if (!lat || !ops)
		return 1;
	wait_for_start();
	for (i = 0; i < ops; i++) {
		t0 = now_ns();
		p = mmap(NULL, OP_LEN, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (p == MAP_FAILED) {
			perror("mmap");
			return 1;
		}
		for (off = 0; off < OP_LEN; off += PAGE)
			p[off] = 1;
		munmap(p, OP_LEN);
		lat[i] = now_ns() - t0;
		usleep(1000);
	}
	qsort(lat, ops, sizeof(*lat), cmp_u64);
	printf("p50_us %.1f p99_us %.1f max_us %.1f\n", lat[ops / 2] / 1e3,
	       lat[ops * 99 / 100] / 1e3, lat[ops - 1] / 1e3);
	return 0;
}
