// SPDX-License-Identifier: GPL-2.0
/*
 * lazythp [RUNS]: does this kernel lose writes to a lazily freed huge page
 * that mprotect touched? heapmon is not involved: run it with heapmon
 * unloaded.
 *
 * RUNS times (default 10) without an mprotect, then RUNS times with one, on
 * a 2 MiB-aligned region backed by a transparent huge page: write every
 * page, MADV_FREE the whole huge page, write every page again (the PMD's
 * dirty bit is set again, so the data must be kept), in the second series
 * mprotect it read-only and back, then split the PMD (munmap its last page)
 * and MADV_PAGEOUT the first 64 pages: reclaim may discard a lazily freed
 * page only if it is clean, so every page must read back what was written.
 *
 * Before upstream commit f7491d7c81db ("x86/mm: Fix user-space data loss
 * with MADV_FREE and THP"), x86's pmd_modify() dropped the PMD's dirty bit,
 * so the mprotect makes the rewritten huge page look clean and reclaim
 * throws the writes away. Measured 2026-12-04 (bench/results/lazythp-
 * 2026-12-04.txt): Debian's 6.12.95 loses all 64 pages in every run with the
 * mprotect and none without; 6.1.0-57 loses none.
 *
 * Prints "lazythp: without mprotect: N runs (T with a huge page), L pages
 * lost" and the same with mprotect. Exits 0 if no write was lost, 1 if one
 * was, 2 if no run got a huge page (nothing shown).
 */
#define _GNU_SOURCE
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>

#include "smaps.h"

#ifndef MADV_PAGEOUT
#define MADV_PAGEOUT 21
#endif
#define PAGE 4096UL
#define HUGE (2UL << 20)
#define CHECKED 64

/* One run: the number of the CHECKED pages that lost their data. */
static int run(int with_mprotect, int *huge)
{
	char *raw = mmap(NULL, 3 * HUGE, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	char *b;
	size_t i;
	int lost = 0;

	if (raw == MAP_FAILED) {
		perror("lazythp: mmap");
		exit(2);
	}
	b = (char *)(((uintptr_t)raw + HUGE - 1) & ~(HUGE - 1));
	madvise(b, HUGE, MADV_HUGEPAGE);
	for (i = 0; i < HUGE / PAGE; i++)
		b[i * PAGE] = 1;
	*huge = anon_huge_kb(b) > 0;
	madvise(b, HUGE, MADV_FREE);
	for (i = 0; i < HUGE / PAGE; i++)
		b[i * PAGE] = 2;
	if (with_mprotect) {
		mprotect(b, HUGE, PROT_READ);
		mprotect(b, HUGE, PROT_READ | PROT_WRITE);
	}
	munmap(b + HUGE - PAGE, PAGE);
	madvise(b, CHECKED * PAGE, MADV_PAGEOUT);
	for (i = 0; i < CHECKED; i++)
		lost += b[i * PAGE] != 2;
	munmap(raw, 3 * HUGE);
	return lost;
}

int main(int argc, char **argv)
{
	int runs = argc > 1 ? atoi(argv[1]) : 10, m, k, huge, any_huge = 0, any_lost = 0;

	for (m = 0; m < 2; m++) {
		int with_huge = 0, lost = 0;

		for (k = 0; k < runs; k++) {
			lost += run(m, &huge);
			with_huge += huge;
		}
		printf("lazythp: %s mprotect: %d runs (%d with a huge page), %d pages lost\n",
		       m ? "with" : "without", runs, with_huge, lost);
		any_huge |= with_huge > 0;
		any_lost |= lost > 0;
	}
	return any_lost ? 1 : any_huge ? 0 : 2;
}
