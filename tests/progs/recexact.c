// SPDX-License-Identifier: GPL-2.0
/*
 * recexact TRUTH P0 P1 < pages.json
 *
 * Checks heapmon's per-page records (heapmonctl pages --json, small pages
 * only) against a workload's truth file (see workload.c), for a workload
 * whose every page was written before the watch began and whose cold pages
 * were never touched again. The dump is one pass's records, that of pass P,
 * P0 <= P <= P1 (the passes done before and after the dump); P is read from
 * the first record's age. After P passes each page must have exactly one
 * record, aged P - 1 periods (the first pass is the baseline: a page walked
 * twice in a pass would be older, one left out younger); a cold one never
 * touched and idle for all of them; a hot one touched in the last period
 * (idle 0). Prints one line:
 *
 *   pages N missing N twice N stray N age N cold N hot N hotidle N
 *
 * pages: truth pages; missing: with no record; twice: records for a page
 * already reported; stray: records outside the truth or not 4 KiB; age: pages
 * whose age is not P - 1; cold: cold pages whose record is not
 * touched 0, idle P - 1; hot: hot pages with idle 0 and touched >= 1;
 * hotidle: hot pages with idle > 0 (a period the workload was not
 * scheduled in). Exits 0 if pages == hot + cold + hotidle and nothing is
 * missing, twice, stray or of the wrong age.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PAGE 4096UL
#define MAX_PAGES (1UL << 20)

static unsigned long base = -1UL, top;
static signed char *kind;	/* per page from base: 1 hot, 0 cold, -1 none */
static unsigned char *seen;

int main(int argc, char **argv)
{
	unsigned long start, end, addr, size, pages = 0, missing = 0, twice = 0, stray = 0;
	unsigned long age_bad = 0, cold_ok = 0, hot_ok = 0, hot_idle = 0, i, n, p0, p1;
	unsigned long passes = 0;
	unsigned int touched, idle, age;
	char what[16], line[512];
	FILE *f;

	if (argc != 4)
		return 2;
	p0 = strtoul(argv[2], NULL, 0);
	p1 = strtoul(argv[3], NULL, 0);
	f = fopen(argv[1], "r");
	if (!f)
		return 2;
	while (fscanf(f, "%15s %lx %lx", what, &start, &end) == 3) {
		if (strcmp(what, "hot") && strcmp(what, "cold"))
			continue;
		if (start < base)
			base = start;
		if (end > top)
			top = end;
	}
	n = (top - base) / PAGE;
	if (base == -1UL || n > MAX_PAGES)
		return 2;
	kind = malloc(n);
	seen = calloc(n, 1);
	memset(kind, -1, n);
	rewind(f);
	while (fscanf(f, "%15s %lx %lx", what, &start, &end) == 3) {
		if (strcmp(what, "hot") && strcmp(what, "cold"))
			continue;
		for (addr = start; addr < end; addr += PAGE)
			kind[(addr - base) / PAGE] = !strcmp(what, "hot");
	}
	fclose(f);

	while (fgets(line, sizeof(line), stdin)) {
		if (sscanf(line, "{\"addr\":\"%lx\",\"addr_int\":%*[0-9],\"size\":%lu,\"touched\":%u,\"idle\":%u,\"age\":%u",
			   &addr, &size, &touched, &idle, &age) != 5)
			continue;
		if (size != PAGE || addr < base || addr >= top || kind[(addr - base) / PAGE] < 0) {
			stray++;
			continue;
		}
		i = (addr - base) / PAGE;
		if (seen[i]++) {
			twice++;
			continue;
		}
		if (!passes) {
			passes = age + 1;
			if (passes < p0 || passes > p1) {
				fprintf(stderr, "recexact: records of pass %lu, not in [%lu, %lu]\n",
					passes, p0, p1);
				return 1;
			}
		}
		if (age != passes - 1) {
			age_bad++;
			continue;
		}
		if (!kind[i])
			cold_ok += touched == 0 && idle == passes - 1;
		else if (idle)
			hot_idle++;
		else
			hot_ok += touched >= 1;
	}
	for (i = 0; i < n; i++) {
		if (kind[i] < 0)
			continue;
		pages++;
		missing += !seen[i];
	}
	printf("pages %lu missing %lu twice %lu stray %lu age %lu cold %lu hot %lu hotidle %lu\n",
	       pages, missing, twice, stray, age_bad, cold_ok, hot_ok, hot_idle);
	return !(pages == cold_ok + hot_ok + hot_idle && !missing && !twice && !stray && !age_bad);
}
