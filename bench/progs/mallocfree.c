// SPDX-License-Identifier: GPL-2.0
/*
 * mallocfree: a malloc/free-heavy program, whose heap keeps changing shape.
 *
 *   mallocfree SLOTS OPS
 *
 * Keeps up to SLOTS live blocks. Each operation frees a random slot's block
 * and allocates a new one there, of a size drawn log-uniformly from 16 B to
 * 512 KiB (so glibc serves the big ones with mmap and munmap), and writes one
 * byte in each of its pages. Fills every slot first, prints "ready PID",
 * waits for SIGUSR1, then does OPS operations and prints "elapsed_ns N".
 */
#include "bench.h"

static uint64_t seed = 0x9e3779b97f4a7c15ull;

static char *new_block(void)
{
	size_t size = 16ul << (rnd(&seed) % 16), i;	/* 16 B .. 512 KiB */
	char *b;

	size += rnd(&seed) % size;
	b = malloc(size);
	if (!b) {
		perror("malloc");
		exit(1);
	}
	for (i = 0; i < size; i += PAGE)
		b[i] = 1;
	b[size - 1] = 1;
	return b;
}

int main(int argc, char **argv)
{
	uint64_t ops, i, t0, slots;
	char **slot;

	if (argc != 3) {
		fprintf(stderr, "usage: mallocfree SLOTS OPS\n");
		return 2;
	}
	slots = strtoull(argv[1], NULL, 0);
	ops = strtoull(argv[2], NULL, 0);
	slot = calloc(slots, sizeof(*slot));
	if (!slot || !slots)
		return 1;
	for (i = 0; i < slots; i++)
		slot[i] = new_block();
	wait_for_start();
	t0 = now_ns();
	for (i = 0; i < ops; i++) {
		uint64_t s = rnd(&seed) % slots;

		free(slot[s]);
		slot[s] = new_block();
	}
	printf("elapsed_ns %llu\n", (unsigned long long)(now_ns() - t0));
	return 0;
}
