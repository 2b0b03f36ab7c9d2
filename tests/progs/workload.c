// SPDX-License-Identifier: GPL-2.0
/*
 * workload: a heap with a known access schedule, for checking what heapmon
 * reports page by page.
 *
 *   workload [-t TOUCH_MS] [-o TRUTH] AREA...
 *
 * AREA is KIND:MIB:PATTERN. KIND is brk (grown with sbrk), mmap (an
 * anonymous private mapping), thp (mmap + MADV_HUGEPAGE, 2 MiB aligned) or
 * nothp (mmap + MADV_NOHUGEPAGE). PATTERN says which pages stay hot: "blockN"
 * makes every Nth 2 MiB-aligned block hot (so that huge pages never mix hot
 * and cold), "pageN" every Nth 4 KiB page, "none" no page.
 *
 * Every page is written once. Then TRUTH gets one line per run of pages,
 * "hot START END" or "cold START END" (hex, END exclusive), the line "ready"
 * is printed, and the hot pages are written again every TOUCH_MS (default
 * 20) until the process is killed. Cold pages are never touched again.
 */
#define _GNU_SOURCE
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#define PAGE 4096UL
#define HUGE (2UL << 20)
#define MAX_AREAS 8

struct area {
	char *base;
	size_t len;
	char pattern;		/* 'b' block, 'p' page, 'n' none */
	unsigned long every;
};

static struct area areas[MAX_AREAS];
static int nareas;

static int page_hot(const struct area *a, char *p)
{
	uintptr_t addr = (uintptr_t)p;

	switch (a->pattern) {
	case 'b':
		return (addr / HUGE) % a->every == 0;
	case 'p':
		return (addr / PAGE) % a->every == 0;
	default:
		return 0;
	}
}

static char *map_area(const char *kind, size_t len)
{
	char *p;

	if (!strcmp(kind, "brk")) {
		p = sbrk(len);
		if (p == (void *)-1) {
			perror("workload: sbrk");
			exit(1);
		}
		return p;
	}
	/* Over-allocate so that the area can be 2 MiB aligned. */
	p = mmap(NULL, len + HUGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED) {
		perror("workload: mmap");
		exit(1);
	}
	p = (char *)(((uintptr_t)p + HUGE - 1) & ~(HUGE - 1));
	if (!strcmp(kind, "thp"))
		madvise(p, len, MADV_HUGEPAGE);
	else if (!strcmp(kind, "nothp"))
		madvise(p, len, MADV_NOHUGEPAGE);
	else if (strcmp(kind, "mmap")) {
		fprintf(stderr, "workload: unknown kind %s\n", kind);
		exit(2);
	}
	return p;
}

static void parse_area(char *spec)
{
	char *kind = strtok(spec, ":"), *mib = strtok(NULL, ":"), *pat = strtok(NULL, ":");
	struct area *a = &areas[nareas++];

	if (!kind || !mib || !pat || nareas > MAX_AREAS) {
		fprintf(stderr, "workload: bad area\n");
		exit(2);
	}
	a->len = strtoul(mib, NULL, 0) << 20;
	a->pattern = pat[0];
	a->every = strtoul(pat + strspn(pat, "abcdefghijklmnopqrstuvwxyz"), NULL, 0);
	if (a->pattern != 'n' && !a->every)
		a->every = 1;
	a->base = map_area(kind, a->len);
}

static void write_truth(FILE *f)
{
	int i;

	for (i = 0; i < nareas; i++) {
		struct area *a = &areas[i];
		char *p = a->base, *run = a->base;
		int hot = page_hot(a, p);

		for (; p <= a->base + a->len; p += PAGE) {
			if (p == a->base + a->len || page_hot(a, p) != hot) {
				fprintf(f, "%s %lx %lx\n", hot ? "hot" : "cold",
					(unsigned long)run, (unsigned long)p);
				if (p == a->base + a->len)
					break;
				run = p;
				hot = !hot;
			}
		}
	}
}

int main(int argc, char **argv)
{
	const char *truth = NULL;
	struct timespec ts;
	long touch_ms = 20;
	int c, i;

	while ((c = getopt(argc, argv, "t:o:")) != -1) {
		if (c == 't')
			touch_ms = atol(optarg);
		else if (c == 'o')
			truth = optarg;
		else
			return 2;
	}
	for (i = optind; i < argc; i++)
		parse_area(argv[i]);
	for (i = 0; i < nareas; i++)
		memset(areas[i].base, 0x5a, areas[i].len);
	if (truth) {
		FILE *f = fopen(truth, "w");

		if (!f) {
			perror("workload: truth");
			return 1;
		}
		write_truth(f);
		fclose(f);
	}
	printf("ready\n");
	fflush(stdout);

	ts.tv_sec = touch_ms / 1000;
	ts.tv_nsec = (touch_ms % 1000) * 1000000;
	for (;;) {
		for (i = 0; i < nareas; i++) {
			struct area *a = &areas[i];
			char *p;

			for (p = a->base; p < a->base + a->len; p += PAGE)
				if (page_hot(a, p))
					(*(volatile char *)p)++;
		}
		nanosleep(&ts, NULL);
	}
}
