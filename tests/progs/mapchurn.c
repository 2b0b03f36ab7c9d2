// SPDX-License-Identifier: GPL-2.0
/*
 * mapchurn: a target whose region set keeps growing and shrinking.
 *
 *   mapchurn N MS [TARGETS-DIR]
 *
 * Maps a sentinel page 64 MiB below the stack, above every other mapping
 * heapmon tracks (the mmap base is at least 128 MiB below the stack), so it is
 * the last region of every complete REGIONS dump. Then, forever: maps N
 * separate one-page mappings just below the sentinel (a page apart, so they
 * never merge), waits MS milliseconds, unmaps all N in one munmap (the set
 * shrinks at once), waits MS milliseconds. With TARGETS-DIR (heapmon's
 * /sys/kernel/heapmon/targets) each wait lasts until the file PID/passes in it
 * changes, polled every MS milliseconds: every pass then sees the set grown
 * or shrunk.
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

static void *map_at(uintptr_t addr)
{
	void *p = mmap((void *)addr, 4096, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);

	if (p == MAP_FAILED || p != (void *)addr) {
		perror("mapchurn: mmap");
		exit(1);
	}
	*(volatile char *)p = 1;
	return p;
}

int main(int argc, char **argv)
{
	const uintptr_t page = 4096;
	uintptr_t sentinel, low;
	int local, n, ms, i;

	char buf[256], *path = NULL;

	if (argc != 3 && argc != 4) {
		fprintf(stderr, "usage: mapchurn N MS [TARGETS-DIR]\n");
		return 2;
	}
	if (argc > 3) {
		snprintf(buf, sizeof(buf), "%s/%d/passes", argv[3], (int)getpid());
		path = buf;
	}
	n = atoi(argv[1]);
	ms = atoi(argv[2]);
	sentinel = (((uintptr_t)&local) & ~((uintptr_t)(2 << 20) - 1)) - (64 << 20);
	low = sentinel - 2 * page * n;
	map_at(sentinel);
	printf("sentinel 0x%lx\n", (unsigned long)sentinel);
	fflush(stdout);
	for (;;) {
		for (i = 0; i < n; i++)
			map_at(low + 2 * page * i);
		wait_phase(path, ms);
		if (munmap((void *)low, sentinel - low)) {
			perror("mapchurn: munmap");
			return 1;
		}
		wait_phase(path, ms);
	}
}
