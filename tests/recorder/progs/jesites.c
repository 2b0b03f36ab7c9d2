// SPDX-License-Identifier: GPL-2.0
/*
 * jesites: a program linked with jemalloc, using malloc and jemalloc's own
 * API (mallocx, rallocx, sallocx, sdallocx, dallocx), at known sites
 * (HEAPMON_SAMPLE=0), data checked.
 */
#define _GNU_SOURCE
#include <jemalloc/jemalloc.h>

#include "check.h"

#define NI __attribute__((noinline))

NI void *site_je_malloc(size_t n) { return malloc(n); }
NI void *site_mallocx(size_t n, int flags) { return mallocx(n, flags); }
NI void *site_rallocx(void *p, size_t n) { return rallocx(p, n, 0); }

int main(void)
{
	struct site s[] = { { "site_je_malloc" }, { "site_mallocx" }, { "site_rallocx" } };
	void *m[20], *x[20];
	int bad = 0, zero = 1;

	for (int i = 0; i < 20; i++) {
		m[i] = site_je_malloc(300);
		memset(m[i], i, 300);
		x[i] = site_mallocx(2000, MALLOCX_ALIGN(8192) | MALLOCX_ZERO);
		for (int j = 0; j < 2000; j++)
			zero &= ((char *)x[i])[j] == 0;
		bad += ((uintptr_t)x[i] & 8191) != 0;
		bad += sallocx(x[i], 0) < 2000;
		/* jemalloc's size class, as for its own objects, not the run of pages. */
		bad += sallocx(x[i], 0) != nallocx(2000, 0);
	}
	check(zero && !bad, "jemalloc: mallocx aligned, zeroed, sallocx is the size class");
	for (int i = 0; i < 10; i++) {
		m[i] = site_rallocx(m[i], 5000);
		for (int j = 0; j < 300; j++)
			bad += ((unsigned char *)m[i])[j] != i;
	}
	check(!bad, "jemalloc: rallocx keeps the data");
	for (int i = 0; i < 5; i++)
		sdallocx(x[i], 2000, MALLOCX_ALIGN(8192));
	for (int i = 5; i < 10; i++)
		dallocx(x[i], 0);
	s[0].count = 10, s[0].bytes = 3000;
	s[1].count = 10, s[1].bytes = 20000;
	s[2].count = 10, s[2].bytes = 50000;
	check_exact(s, 3, 0, "jemalloc");
	for (int i = 0; i < 20; i++)
		sdallocx(m[i], i < 10 ? 5000 : 300, 0);
	for (int i = 10; i < 20; i++)
		free(x[i]);
	s[0].count = s[0].bytes = s[1].count = s[1].bytes = s[2].count = s[2].bytes = 0;
	check_exact(s, 3, 0, "jemalloc after sdallocx/dallocx/free");
	return fails ? 1 : 0;
}
