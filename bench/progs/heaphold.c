// SPDX-License-Identifier: GPL-2.0
/*
 * heaphold: a resident heap whose every page is written again and again, so
 * that each access-bit pass finds every page accessed and has work to do.
 *
 *   heaphold MIB [SLEEP_MS]
 *
 * Maps MIB MiB in 4 KiB pages, writes each page once, prints
 * "ready PID START END", then writes every page, prints "sweep N", sleeps
 * SLEEP_MS (default 200) and starts again, until killed.
 */
#include "bench.h"

int main(int argc, char **argv)
{
	size_t len, i;
	unsigned long sleep_ms, n;
	char *p;

	if (argc < 2) {
		fprintf(stderr, "usage: heaphold MIB [SLEEP_MS]\n");
		return 2;
	}
	len = strtoul(argv[1], NULL, 0) << 20;
	sleep_ms = argc > 2 ? strtoul(argv[2], NULL, 0) : 200;
	p = map_pages(len);
	printf("ready %d %p %p\n", getpid(), (void *)p, (void *)(p + len));
	fflush(stdout);
	for (n = 1;; n++) {
		for (i = 0; i < len; i += PAGE)
			p[i]++;
		printf("sweep %lu\n", n);
		fflush(stdout);
		usleep(sleep_ms * 1000);
	}
}
