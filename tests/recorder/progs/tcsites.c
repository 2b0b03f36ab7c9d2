// SPDX-License-Identifier: GPL-2.0
/*
 * tcsites: a program linked with tcmalloc (-ltcmalloc_minimal), allocating
 * through plain malloc (tcmalloc's there) and through tc_* entry points at
 * known sites (HEAPMON_SAMPLE=0: every allocation sampled; HEAPMON_ARENA_MB=8:
 * the 16 MiB ones do not fit the arena and come from tcmalloc, recorded as
 * shared). Exact live sets; then every object is released through another
 * path than the one that made it (an arena pointer by tc_free, a tcmalloc
 * pointer by free, new by sized and aligned deletes...): tcmalloc must own
 * exactly the shared ones and never see an arena pointer.
 */
#define _GNU_SOURCE
#include <gperftools/malloc_extension_c.h>
#include <gperftools/tcmalloc.h>

#include "check.h"

/* The C++ entry points (tcmalloc.h declares them for C++ only). */
void *tc_new(size_t size);
void *tc_newarray(size_t size);
void *tc_new_nothrow(size_t size, const void *nothrow);
void *tc_new_aligned(size_t size, size_t align);
void tc_delete(void *p);
void tc_deletearray(void *p);
void tc_delete_sized(void *p, size_t size);
void tc_deletearray_sized(void *p, size_t size);
void tc_delete_nothrow(void *p, const void *nothrow);
void tc_delete_sized_aligned(void *p, size_t size, size_t align);
void tc_deletearray_aligned(void *p, size_t align);

#define NI __attribute__((noinline))
#define BIG (16u << 20)

NI void *site_malloc(size_t n) { return malloc(n); }
NI void *site_tc_malloc(size_t n) { return tc_malloc(n); }
NI void *site_tc_calloc(size_t n, size_t s) { return tc_calloc(n, s); }
NI void *site_tc_memalign(size_t a, size_t n) { return tc_memalign(a, n); }
NI void *site_tc_posix_memalign(size_t a, size_t n)
{
	void *p = NULL;

	return tc_posix_memalign(&p, a, n) ? NULL : p;
}
NI void *site_tc_new(size_t n) { return tc_new(n); }
NI void *site_tc_newarray(size_t n) { return tc_newarray(n); }
NI void *site_tc_new_aligned(size_t n, size_t a) { return tc_new_aligned(n, a); }
NI void *site_tc_new_nothrow(size_t n, const void *nt) { return tc_new_nothrow(n, nt); }
NI void *site_tc_realloc(void *p, size_t n) { return tc_realloc(p, n); }
NI void *site_big_tc(size_t n) { return tc_malloc(n); }
NI void *site_big_plain(size_t n) { return malloc(n); }

enum { M, TM, CA, MA, PM, NEW, NA, NAL, NT, RE, BT, BP, N };

static int owned(void *p)
{
	return MallocExtension_GetOwnership(p) == MallocExtension_kOwned;
}

int main(void)
{
	struct site s[N] = {
		{ "site_malloc", 10, 3000 }, { "site_tc_malloc", 6, 3000 },
		{ "site_tc_calloc", 10, 10000 }, { "site_tc_memalign", 4, 12000 },
		{ "site_tc_posix_memalign", 4, 800 }, { "site_tc_new", 4, 2800 },
		{ "site_tc_newarray", 4, 3600 }, { "site_tc_new_aligned", 4, 400 },
		{ "site_tc_new_nothrow", 2, 100 }, { "site_tc_realloc", 4, 8000 },
		{ "site_big_tc", 2, 2 * BIG }, { "site_big_plain", 2, 2 * BIG },
	};
	void *m[10], *tm[10], *ca[10], *ma[4], *pm[4], *nw[4], *na[4], *nal[4], *nt[2], *bt[2], *bp[2];
	int bad_owner = 0, bad_data = 0, bad_align = 0, bad_size = 0;
	struct hm_sites_header h;
	uint64_t live, mine = 0;
	char dummy;

	for (int i = 0; i < 10; i++) {
		m[i] = site_malloc(300);
		tm[i] = site_tc_malloc(500);
		memset(tm[i], i, 500);
		ca[i] = site_tc_calloc(10, 100);
		for (int j = 0; j < 1000; j++)
			bad_data += ((char *)ca[i])[j] != 0;
		bad_owner += owned(m[i]) + owned(tm[i]) + owned(ca[i]);
		bad_size += tc_malloc_size(tm[i]) < 500;
	}
	for (int i = 0; i < 4; i++) {
		ma[i] = site_tc_memalign(8192, 3000);
		pm[i] = site_tc_posix_memalign(64, 200);
		nw[i] = site_tc_new(700);
		na[i] = site_tc_newarray(900);
		nal[i] = site_tc_new_aligned(100, 4096);
		bad_align += ((uintptr_t)ma[i] & 8191) + ((uintptr_t)pm[i] & 63) +
			     ((uintptr_t)nal[i] & 4095) != 0;
		bad_owner += owned(ma[i]) + owned(pm[i]) + owned(nw[i]) + owned(na[i]) +
			     owned(nal[i]);
	}
	for (int i = 0; i < 2; i++) {
		nt[i] = site_tc_new_nothrow(50, &dummy);
		bt[i] = site_big_tc(BIG);
		bp[i] = site_big_plain(BIG);
		memset(bt[i], 1, BIG);
		memset(bp[i], 2, BIG);
		/* The arena (8 MiB) cannot hold them: tcmalloc's. */
		bad_owner += owned(nt[i]) + !owned(bt[i]) + !owned(bp[i]);
		bad_size += tc_malloc_size(bt[i]) < BIG;
	}
	/* Moved by tc_realloc (from the arena, into the arena): data kept. */
	for (int i = 0; i < 4; i++) {
		tm[i] = site_tc_realloc(tm[i], 2000);
		for (int j = 0; j < 500; j++)
			bad_data += ((unsigned char *)tm[i])[j] != i;
		bad_owner += owned(tm[i]);
	}
	check(!bad_owner && !bad_data && !bad_align && !bad_size,
	      "tcmalloc: arena objects not tcmalloc's, the big ones tcmalloc's (%d wrong), data (%d), alignment (%d), tc_malloc_size (%d)",
	      bad_owner, bad_data, bad_align, bad_size);
	check_exact(s, N, 0, "tcmalloc");
	/* The live samples now: ours (mine) and the program's own (stdio...). */
	if (collect(s, N, 0, &h))
		return 1;
	live = h.samples - h.sampled_frees;
	for (int i = 0; i < N; i++)
		mine += s[i].count;

	/* Every release through another path than the allocation's. */
	for (int i = 0; i < 10; i++) {
		if (i % 2)
			tc_free(m[i]);
		else
			tc_free_sized(m[i], 300);
		if (i % 2)
			free(tm[i]);
		else
			tc_cfree(tm[i]);
		tc_delete(ca[i]);
	}
	for (int i = 0; i < 4; i++) {
		tc_free(ma[i]);
		tc_deletearray(pm[i]);
		if (i % 2) {
			tc_delete_sized(nw[i], 700);
			tc_deletearray_sized(na[i], 900);
			tc_delete_sized_aligned(nal[i], 100, 4096);
		} else {
			free(nw[i]);
			tc_free(na[i]);
			tc_deletearray_aligned(nal[i], 4096);
		}
	}
	for (int i = 0; i < 2; i++) {
		tc_delete_nothrow(nt[i], &dummy);
		free(bt[i]);		/* tcmalloc's, through the plain free */
		tc_free(bp[i]);		/* and the other way */
	}
	for (int i = 0; i < N; i++)
		s[i].count = s[i].bytes = 0;
	check_exact(s, N, 0, "tcmalloc after the crossed frees");
	/* tcmalloc's heap still works. */
	for (int i = 0; i < 10000; i++)
		free(tc_malloc(64 + i % 4096));
	if (!collect(s, N, 0, &h))
		check(h.samples - h.sampled_frees == live - mine && h.drops_arena == 4,
		      "tcmalloc: the %llu samples freed, no other (live %llu before, %llu after), 4 shared (%llu)",
		      (unsigned long long)mine, (unsigned long long)live,
		      (unsigned long long)(h.samples - h.sampled_frees),
		      (unsigned long long)h.drops_arena);
	return fails ? 1 : 0;
}
