// SPDX-License-Identifier: GPL-2.0
/*
 * trapcost: a program whose heap is mostly cold and read again on a known
 * schedule, for trap mode's cost (bench part 7).
 *
 *   trapcost MIB STEPS WORK [NICE]
 *
 * Maps MIB MiB in 4 KiB pages (the cold heap) and 1 MiB more (the hot
 * area), writes every page once, prints "ready PID" and, until SIGUSR1,
 * works on the hot area only: the cold heap goes idle while the program
 * runs, so a pass's TLB flush finds it on a CPU, as it would in the timed
 * part. Then it does STEPS steps, each one the first read of the next
 * cold page in address order (so each cold page is read once, after
 * having been idle since the setup) and WORK read-modify-writes of 8
 * bytes at random places in the hot area. In trap mode the passes arm
 * idle pages in address order too, from where the last one stopped: as
 * long as fewer pages are read per period than may be armed, every cold
 * read finds its page armed. Each cold read is timed alone (the clock
 * read just before and just after the one load). NICE (default 0) is added
 * to its nice value first (the guest's busybox has no nice). Prints
 *   elapsed_ns N touches N touch_median_ns N touch_sum_ns N
 * and waits to be killed, so that its statistics can still be read.
 */
#include "bench.h"

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

static void hot_work(uint64_t *hot, uint64_t words, uint64_t n, uint64_t *seed)
{
	uint64_t i;

	for (i = 0; i < n; i++)
		hot[rnd(seed) % words] += i;
}

int main(int argc, char **argv)
{
	uint64_t seed = 88172645463325252ull, steps, work, words, pages, i, t0, t, sum = 0;
	uint64_t *hot, *lat;
	volatile char *cold;
	char v = 0;

	if (argc != 4 && argc != 5) {
		fprintf(stderr, "usage: trapcost MIB STEPS WORK [NICE]\n");
		return 2;
	}
	pages = (strtoull(argv[1], NULL, 0) << 20) / PAGE;
	steps = strtoull(argv[2], NULL, 0);
	work = strtoull(argv[3], NULL, 0);
	if (argc == 5 && nice(atoi(argv[4])) == -1)
		perror("nice");
	if (steps > pages) {
		fprintf(stderr, "trapcost: STEPS is at most the heap's pages, %llu\n",
			(unsigned long long)pages);
		return 2;
	}
	cold = map_pages(pages * PAGE);
	words = (1 << 20) / sizeof(*hot);
	hot = (uint64_t *)map_pages(1 << 20);
	lat = calloc(steps, sizeof(*lat));
	if (!lat) {
		perror("calloc");
		return 1;
	}
	signal(SIGUSR1, on_start);
	printf("ready %d\n", getpid());
	fflush(stdout);
	while (!started)
		hot_work(hot, words, 1000, &seed);

	t0 = now_ns();
	for (i = 0; i < steps; i++) {
		t = now_ns();
		v += cold[i * PAGE + 8];
		lat[i] = now_ns() - t;
		hot_work(hot, words, work, &seed);
	}
	t = now_ns() - t0;
	for (i = 0; i < steps; i++)
		sum += lat[i];
	qsort(lat, steps, sizeof(*lat), cmp_u64);
	printf("elapsed_ns %llu touches %llu touch_median_ns %llu touch_sum_ns %llu\n",
	       (unsigned long long)t, (unsigned long long)steps,
	       (unsigned long long)(steps ? lat[steps / 2] : 0), (unsigned long long)sum);
	fflush(stdout);
	(void)v;
	for (;;)
		pause();
}
