// SPDX-License-Identifier: GPL-2.0
/*
 * mapchurn: a target whose region set keeps growing and shrinking.
 *
 *   mapchurn N MS [TARGETS-DIR [STRIDE-KIB [SIZE-KIB]]]
 *
 * Maps a sentinel page 64 MiB below the stack, above every other mapping
 * heapmon tracks (the mmap base is at least 128 MiB below the stack), so it is
 * the last region of every complete REGIONS dump. Then, forever: maps N
 * separate one-page mappings just below the sentinel, highest first (a page
 * apart, so they never merge), waits MS milliseconds, unmaps all N in one
 * munmap (the set shrinks at once), waits MS milliseconds. With TARGETS-DIR (heapmon's
 * /sys/kernel/heapmon/targets) each wait lasts until the file PID/passes in it
 * changes, polled every MS milliseconds: every pass then sees the set grown
 * or shrunk. STRIDE-KIB (8 unless given) spaces the mappings: 2048 puts
 * each in a 2 MiB span of its own (N at most 24: they stay above the mmap
 * base). SIZE-KIB (4 unless given, below STRIDE-KIB) sizes each mapping;
 * every page of it is written.
 * Prints "sentinel 0xADDR" when the sentinel is in place.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#ifndef MAP_FIXED_NOREPLACE
#define MAP_FIXED_NOREPLACE 0x100000
#endif

static void nap(int ms)
{
	struct timespec ts = { ms / 1000, ms % 1000 * 1000000L };

	nanosleep(&ts, NULL);
}

static long read_passes(const char *path)
{
	FILE *f = fopen(path, "r");
	long n = -1;

	if (f) {
		if (fscanf(f, "%ld", &n) != 1)
			n = -1;
		fclose(f);
	}
	return n;
}

/* Waits ms milliseconds, or until the number in path changes. */
static void wait_phase(const char *path, int ms)
{
	long first;

	if (!path) {
		nap(ms);
		return;
	}
	first = read_passes(path);
	do
		nap(ms);
	while (read_passes(path) == first);
}

static void *map_at(uintptr_t addr, size_t size)
{
	void *p = mmap((void *)addr, size, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
	size_t off;

	if (p == MAP_FAILED || p != (void *)addr) {
		perror("mapchurn: mmap");
		exit(1);
	}
	for (off = 0; off < size; off += 4096)
		((volatile char *)p)[off] = 1;
	return p;
}

int main(int argc, char **argv)
{
	uintptr_t sentinel, low;
	uintptr_t stride = 8192, size = 4096;
	int local, n, ms, i;

	char buf[256], *path = NULL;

	if (argc < 3 || argc > 6) {
		fprintf(stderr, "usage: mapchurn N MS [TARGETS-DIR [STRIDE-KIB [SIZE-KIB]]]\n");
		return 2;
	}
	if (argc > 3) {
		snprintf(buf, sizeof(buf), "%s/%d/passes", argv[3], (int)getpid());
		path = buf;
	}
	if (argc > 4)
		stride = strtoul(argv[4], NULL, 0) << 10;
	if (argc > 5)
		size = strtoul(argv[5], NULL, 0) << 10;
	n = atoi(argv[1]);
	ms = atoi(argv[2]);
	sentinel = (((uintptr_t)&local) & ~((uintptr_t)(2 << 20) - 1)) - (64 << 20);
	low = sentinel - stride * n;
	map_at(sentinel, 4096);
	printf("sentinel 0x%lx\n", (unsigned long)sentinel);
	fflush(stdout);
	for (;;) {
		/* From the top down: a pass meanwhile sees the highest ones only. */
		for (i = n - 1; i >= 0; i--)
			map_at(low + stride * i, size);
		wait_phase(path, ms);
		if (munmap((void *)low, sentinel - low)) {
			perror("mapchurn: munmap");
			return 1;
		}
		wait_phase(path, ms);
	}
}
