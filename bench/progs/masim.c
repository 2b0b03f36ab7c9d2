// SPDX-License-Identifier: GPL-2.0
/*
 * masim: a program with a known memory access pattern, in the style of
 * DAMON's masim simulator: named regions, timed phases, and per phase an
 * access weight for each region. It writes an exact record of which pages
 * each phase touches, to score what a monitor reports against.
 *
 *   masim CONFIG RECORD
 *
 * CONFIG has one statement per line ('#' starts a comment):
 *
 *   round MS                      time between two access rounds (default 10)
 *   region NAME MIB GRAIN_KIB     a region of MIB MiB in 4 KiB pages, whose
 *                                 pages are touched in units of GRAIN_KIB
 *   phase NAME MS NAME=WEIGHT...  a phase lasting MS ms; in each round it
 *                                 writes every page of WEIGHT percent of the
 *                                 named region's units (0 to 100; a region
 *                                 not named gets 0)
 *
 * The units a weight selects are fixed by a hash of the region and unit
 * number, so a region's selection at 20% is part of its selection at 40%.
 * masim maps the regions, writes every page once, writes to RECORD one line
 * "region NAME START END" per region, prints "ready PID" and waits for
 * SIGUSR1. Then it runs the phases in order. When a phase starts
 * it appends to RECORD "phase I NAME START_NS" (CLOCK_BOOTTIME, the clock of
 * /proc/uptime) and one line "touch START END" (hex, END exclusive) per run
 * of pages the phase touches; at the end "end END_NS". Then it exits.
 */
#include "bench.h"
#include <string.h>

#define MAX_REGIONS 16
#define MAX_PHASES 32

struct region {
	char name[32];
	char *base;
	size_t len, grain;
};

struct phase {
	char name[32];
	unsigned long ms;
	unsigned int weight[MAX_REGIONS];
};

static struct region regions[MAX_REGIONS];
static struct phase phases[MAX_PHASES];
static int nregions, nphases;
static unsigned long round_ms = 10;

static int find_region(const char *name, size_t len)
{
	int i;

	for (i = 0; i < nregions; i++)
		if (strlen(regions[i].name) == len && !strncmp(regions[i].name, name, len))
			return i;
	fprintf(stderr, "masim: no region %.*s\n", (int)len, name);
	exit(2);
}

static void parse(const char *path)
{
	char line[1024], *tok, *save;
	FILE *f = fopen(path, "r");

	if (!f) {
		perror(path);
		exit(2);
	}
	while (fgets(line, sizeof(line), f)) {
		*strchrnul(line, '#') = 0;
		tok = strtok_r(line, " \t\n", &save);
		if (!tok)
			continue;
		if (!strcmp(tok, "round")) {
			round_ms = strtoul(strtok_r(NULL, " \t\n", &save), NULL, 0);
		} else if (!strcmp(tok, "region") && nregions < MAX_REGIONS) {
			struct region *r = &regions[nregions++];
			char *name = strtok_r(NULL, " \t\n", &save);
			char *mib = strtok_r(NULL, " \t\n", &save);
			char *kib = strtok_r(NULL, " \t\n", &save);

			if (!name || !mib || !kib)
				goto bad;
			snprintf(r->name, sizeof(r->name), "%s", name);
			r->len = strtoul(mib, NULL, 0) << 20;
			r->grain = strtoul(kib, NULL, 0) << 10;
			if (r->grain < PAGE || r->grain % PAGE || r->len % r->grain)
				goto bad;
		} else if (!strcmp(tok, "phase") && nphases < MAX_PHASES) {
			struct phase *p = &phases[nphases++];
			char *name = strtok_r(NULL, " \t\n", &save);
			char *ms = strtok_r(NULL, " \t\n", &save);

			if (!name || !ms)
				goto bad;
			snprintf(p->name, sizeof(p->name), "%s", name);
			p->ms = strtoul(ms, NULL, 0);
			while ((tok = strtok_r(NULL, " \t\n", &save))) {
				char *eq = strchr(tok, '=');

				if (!eq)
					goto bad;
				p->weight[find_region(tok, eq - tok)] = strtoul(eq + 1, NULL, 0);
			}
		} else {
			goto bad;
		}
	}
	fclose(f);
	return;
bad:
	fprintf(stderr, "masim: %s: bad line: %s\n", path, line);
	exit(2);
}

static uint64_t mix(uint64_t x)
{
	x += 0x9e3779b97f4a7c15ull;
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
	return x ^ (x >> 31);
}

static int selected(int r, size_t unit, unsigned int weight)
{
	return mix((uint64_t)r << 40 | unit) % 100 < weight;
}

/* Appends the phase's touched runs to the record. */
static void record_phase(FILE *rec, int i)
{
	const struct phase *p = &phases[i];
	int r;

	fprintf(rec, "phase %d %s %llu\n", i, p->name,
		(unsigned long long)clock_ns(CLOCK_BOOTTIME));
	for (r = 0; r < nregions; r++) {
		const struct region *reg = &regions[r];
		size_t u, units = reg->len / reg->grain, run = 0;

		for (u = 0; u <= units; u++) {
			int in = u < units && selected(r, u, p->weight[r]);

			if (in && !run)
				run = u + 1;
			if (!in && run) {
				fprintf(rec, "touch %p %p\n", (void *)(reg->base + (run - 1) * reg->grain),
					(void *)(reg->base + u * reg->grain));
				run = 0;
			}
		}
	}
	fflush(rec);
}

static void touch_round(const struct phase *p)
{
	int r;

	for (r = 0; r < nregions; r++) {
		const struct region *reg = &regions[r];
		size_t u, i;

		if (!p->weight[r])
			continue;
		for (u = 0; u < reg->len / reg->grain; u++) {
			if (!selected(r, u, p->weight[r]))
				continue;
			for (i = 0; i < reg->grain; i += PAGE)
				reg->base[u * reg->grain + i]++;
		}
	}
}

int main(int argc, char **argv)
{
	FILE *rec;
	int i;

	if (argc != 3) {
		fprintf(stderr, "usage: masim CONFIG RECORD\n");
		return 2;
	}
	parse(argv[1]);
	rec = fopen(argv[2], "w");
	if (!rec) {
		perror(argv[2]);
		return 2;
	}
	for (i = 0; i < nregions; i++) {
		regions[i].base = map_pages(regions[i].len);
		fprintf(rec, "region %s %p %p\n", regions[i].name, (void *)regions[i].base,
			(void *)(regions[i].base + regions[i].len));
	}
	wait_for_start();
	for (i = 0; i < nphases; i++) {
		uint64_t end = now_ns() + phases[i].ms * 1000000ull;

		record_phase(rec, i);
		while (now_ns() < end) {
			touch_round(&phases[i]);
			usleep(round_ms * 1000);
		}
	}
	fprintf(rec, "end %llu\n", (unsigned long long)clock_ns(CLOCK_BOOTTIME));
	fclose(rec);
	return 0;
}
