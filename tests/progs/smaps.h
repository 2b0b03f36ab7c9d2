/* SPDX-License-Identifier: GPL-2.0 */
/* What the test programs read of their own /proc/self/smaps. */
#ifndef HM_TESTS_SMAPS_H
#define HM_TESTS_SMAPS_H

#include <stdint.h>
#include <stdio.h>
#include <string.h>

/* AnonHugePages (kB) of the mapping that holds addr; -1 if not found. */
static inline long anon_huge_kb(const void *addr)
{
	unsigned long lo, hi, a = (uintptr_t)addr;
	FILE *f = fopen("/proc/self/smaps", "r");
	char line[512];
	int in = 0;
	long kb = -1;

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		/* A mapping's first line, "LO-HI PERMS ...", or one of its fields. */
		if (sscanf(line, "%lx-%lx ", &lo, &hi) == 2 &&
		    strchr(line, '-') < strchr(line, ' '))
			in = a >= lo && a < hi;
		else if (in && sscanf(line, "AnonHugePages: %ld kB", &kb) == 1)
			break;
	}
	fclose(f);
	return kb;
}

#endif
