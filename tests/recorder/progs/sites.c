// SPDX-License-Identifier: GPL-2.0
/*
 * sites MODE: allocations at known sites, checked against the program's own
 * site file. Modes: exact (run with HEAPMON_SAMPLE=0), estimate (default
 * sampling), threads, fork, records-full (HEAPMON_RECORDS tiny), arena-full
 * (HEAPMON_ARENA_MB=1), reuse (HEAPMON_SAMPLE=0). Exits nonzero when a
 * check fails.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <malloc.h>
#include <pthread.h>
#include <stdint.h>
#include <sys/mman.h>
#include <sys/wait.h>

#include "check.h"

#define NI __attribute__((noinline))

void *keep[4096];

NI void *site_malloc(size_t n) { return malloc(n); }
NI void *site_calloc(size_t n, size_t s) { return calloc(n, s); }
NI void *site_pre(size_t n) { return malloc(n); }
NI void *site_realloc(void *p, size_t n) { return realloc(p, n); }
NI void *site_posix_memalign(size_t a, size_t n)
{
	void *p = NULL;

	return posix_memalign(&p, a, n) ? NULL : p;
}
NI void *site_aligned_alloc(size_t a, size_t n) { return aligned_alloc(a, n); }
NI void *site_memalign(size_t a, size_t n) { return memalign(a, n); }
NI void *site_valloc(size_t n) { return valloc(n); }
NI void *site_big(size_t n) { return malloc(n); }
NI void *site_huge(size_t n) { return malloc(n); }
NI void *site_mid(size_t n) { return malloc(n); }
NI void *site_child(size_t n) { return malloc(n); }

static void fill(void *p, size_t n, unsigned int seed)
{
	unsigned char *c = p;

	for (size_t i = 0; i < n; i++)
		c[i] = (unsigned char)(seed * 31 + i * 7);
}

static int intact(const void *p, size_t n, unsigned int seed)
{
	const unsigned char *c = p;

	for (size_t i = 0; i < n; i++)
		if (c[i] != (unsigned char)(seed * 31 + i * 7))
			return 0;
	return 1;
}

static int exact(void)
{
	struct site s[] = {
		{ "site_malloc" }, { "site_calloc" }, { "site_pre" }, { "site_realloc" },
		{ "site_posix_memalign" }, { "site_aligned_alloc" }, { "site_memalign" },
		{ "site_valloc" },
	};
	void *m[100], *c[50], *r[30], *a[55];
	int bad = 0, zero = 1, aligned_ok = 1;

	/* Dirty some arena pages, free them: calloc must still get zeros. */
	for (int i = 0; i < 50; i++) {
		m[i] = site_malloc(1000);
		fill(m[i], 1000, i);
	}
	for (int i = 0; i < 50; i++)
		free(m[i]);
	for (int i = 0; i < 100; i++) {
		m[i] = site_malloc(1000);
		fill(m[i], 1000, i);
	}
	for (int i = 0; i < 50; i++) {
		c[i] = site_calloc(10, 100);
		for (int j = 0; j < 1000; j++)
			zero &= ((char *)c[i])[j] == 0;
	}
	check(zero, "exact: calloc memory is zero, also on reused arena pages");
	/* A freed run kept resident for reuse (150 live runs allow it), then calloc'ed. */
	{
		unsigned char *x = site_malloc(8000), *y;
		int z = 1;

		fill(x, 8000, 7);	/* not a memset: the compiler would drop it before free */
		free(x);
		y = site_calloc(1, 8000);
		for (int j = 0; j < 8000; j++)
			z &= y[j] == 0;
		check(y == x && z, "exact: calloc reuses a freed run kept resident, and zeroes it");
		free(y);
	}
	for (int i = 0; i < 40; i++)
		free(m[i]);
	for (int i = 0; i < 30; i++) {
		void *p = site_pre(10);

		fill(p, 10, 100 + i);
		r[i] = site_realloc(p, 5000);
		bad += !intact(r[i], 10, 100 + i);
		fill(r[i], 5000, 200 + i);
	}
	/* Shrink and grow again: the copies keep the data. */
	for (int i = 0; i < 30; i++) {
		r[i] = site_realloc(r[i], 3000);
		bad += !intact(r[i], 3000, 200 + i);
	}
	for (int i = 0; i < 20; i++)
		a[i] = site_posix_memalign(65536, 3000);
	for (int i = 20; i < 40; i++)
		a[i] = site_aligned_alloc(8192, 100);
	for (int i = 40; i < 50; i++)
		a[i] = site_memalign(256, 500);
	for (int i = 50; i < 55; i++)
		a[i] = site_valloc(7000);
	for (int i = 0; i < 55; i++)
		aligned_ok &= !((uintptr_t)a[i] & (i < 20 ? 65535 : i < 40 ? 8191 : i < 50 ? 255 : 4095));
	check(aligned_ok, "exact: aligned allocations have their alignment");
	for (int i = 40; i < 100; i++)
		bad += !intact(m[i], 1000, i);
	check(!bad, "exact: sampled data intact, realloc copies the contents (%d bad)", bad);

	s[0].count = 60, s[0].bytes = 60000;
	s[1].count = 50, s[1].bytes = 50000;
	s[2].count = 0, s[2].bytes = 0;
	s[3].count = 30, s[3].bytes = 90000;
	s[4].count = 20, s[4].bytes = 60000;
	s[5].count = 20, s[5].bytes = 2000;
	s[6].count = 10, s[6].bytes = 5000;
	s[7].count = 5, s[7].bytes = 35000;
	check_exact(s, 8, 0, "exact");
	check(s[1].flags_and & HM_SITES_REC_ZEROED, "exact: calloc records say ZEROED");
	check(s[3].flags_and & HM_SITES_REC_REALLOC, "exact: realloc records say REALLOC");
	check((s[4].flags_and & s[5].flags_and & s[6].flags_and & s[7].flags_and) & HM_SITES_REC_ALIGNED,
	      "exact: aligned records say ALIGNED");
	{
		uint64_t off = 0;

		for (int i = 0; i < 8; i++)
			off += s[i].not_page_start;
		check(!off, "exact: every arena object starts at its page's start");
	}
	/* What was asked for, rounded, not the page under it: see hm_usable_arena(). */
	check(malloc_usable_size(m[50]) >= 1000 && malloc_usable_size(m[50]) < 1024,
	      "exact: malloc_usable_size of a sampled 1000-byte object: %zu",
	      malloc_usable_size(m[50]));

	/* Frees leave the live set. */
	for (int i = 40; i < 100; i++)
		free(m[i]);
	for (int i = 0; i < 50; i++)
		free(c[i]);
	for (int i = 0; i < 30; i++)
		free(r[i]);
	for (int i = 0; i < 55; i++)
		free(a[i]);
	for (int i = 0; i < 8; i++)
		s[i].count = s[i].bytes = 0;
	check_exact(s, 8, 0, "exact after free");
	return fails;
}

/* Several sites of many MiB: estimated live bytes against the truth. */
static int estimate(void)
{
	/* See the run script for why these sizes: the estimate's error is ~sqrt(mean/bytes). */
	static void *a[131072], *b[96], *c[4096];
	struct site s[] = { { "site_malloc" }, { "site_big" }, { "site_mid" } };
	struct hm_sites_header h;

	for (int i = 0; i < 131072; i++)
		a[i] = site_malloc(4000);
	for (int i = 0; i < 96; i++)
		b[i] = site_big(2 << 20);
	for (int i = 0; i < 4096; i++)
		c[i] = site_mid(128 << 10);
	s[0].bytes = 131072ULL * 4000;
	s[1].bytes = 96ULL << 21;
	s[2].bytes = 4096ULL << 17;
	if (collect(s, 3, 0, &h))
		return 1;
	for (int i = 0; i < 3; i++) {
		double err = ((double)s[i].got_weight - s[i].bytes) / s[i].bytes;

		check(err < 0.10 && err > -0.10,
		      "estimate: %s estimated %.1f MiB, true %.1f MiB (%+.1f%%, %" PRIu64 " samples)",
		      s[i].name, s[i].got_weight / 1048576.0, s[i].bytes / 1048576.0, err * 100,
		      s[i].got_count);
	}
	check(h.sample_mean == 524288, "estimate: default mean %" PRIu64, h.sample_mean);
	for (int i = 0; i < 131072; i++)
		free(a[i]);
	for (int i = 0; i < 96; i++)
		free(b[i]);
	for (int i = 0; i < 4096; i++)
		free(c[i]);
	return fails;
}

/* Threads allocating, reallocating and freeing concurrently; data checked. */
#define THREADS	8
#define CALLS	(1000000 / THREADS)

NI void *site_thread(size_t n) { return malloc(n); }

static void *worker(void *arg)
{
	unsigned int seed = (uintptr_t)arg, x = seed * 2654435761u + 1;
	struct { void *p; size_t n; unsigned int tag; } live[64] = { { 0 } };
	long bad = 0;

	for (unsigned int i = 0; i < CALLS; i++) {
		unsigned int k;

		x ^= x << 13, x ^= x >> 17, x ^= x << 5;
		k = x % 64;
		if (live[k].p) {
			unsigned char *c = live[k].p;

			bad += c[0] != (unsigned char)live[k].tag ||
			       c[live[k].n - 1] != (unsigned char)(live[k].tag >> 8);
			if (x & 0x100) {
				size_t n = 2 + (x >> 9) % 20000;

				c = realloc(c, n);
				bad += c[0] != (unsigned char)live[k].tag;
				live[k].p = c;
				live[k].n = n;
				c[0] = live[k].tag;
				c[n - 1] = live[k].tag >> 8;
				continue;
			}
			free(live[k].p);
			live[k].p = NULL;
			continue;
		}
		live[k].n = 2 + (x >> 9) % 20000;
		live[k].p = site_thread(live[k].n);
		live[k].tag = x;
		((unsigned char *)live[k].p)[0] = x;
		((unsigned char *)live[k].p)[live[k].n - 1] = x >> 8;
	}
	for (int k = 0; k < 64; k++)
		free(live[k].p);
	return (void *)bad;
}

static int threads(void)
{
	pthread_t t[THREADS];
	struct site s[] = { { "site_thread" } };
	struct hm_sites_header h;
	long bad = 0;

	for (uintptr_t i = 0; i < THREADS; i++)
		pthread_create(&t[i], NULL, worker, (void *)(i + 1));
	for (int i = 0; i < THREADS; i++) {
		void *r;

		pthread_join(t[i], &r);
		bad += (long)r;
	}
	check(!bad, "threads: %d threads, %d calls: data intact (%ld bad)", THREADS, THREADS * CALLS, bad);
	if (collect(s, 1, 0, &h))
		return 1;
	check(s[0].got_count == 0, "threads: everything freed, no live record left at the site (%" PRIu64 ")",
	      s[0].got_count);
	check(h.samples > 10000 && h.samples - h.sampled_frees <= h.records_used,
	      "threads: table consistent: %" PRIu64 " samples, %" PRIu64 " frees, %" PRIu64 " records used",
	      h.samples, h.sampled_frees, h.records_used);
	return fails;
}

/* fork: the child's file has the parent's samples and its own. */
static int do_fork(void)
{
	struct site s[] = { { "site_malloc" }, { "site_child" } };
	struct hm_sites_header h;
	void *p[10];
	int status;
	pid_t pid;

	for (int i = 0; i < 10; i++)
		p[i] = site_malloc(100 + i);
	pid = fork();
	if (pid == 0) {
		fails = 0;
		for (int i = 0; i < 2; i++)
			free(p[i]);
		for (int i = 0; i < 5; i++)
			keep[i] = site_child(50);
		s[0].count = 8, s[0].bytes = 102 + 103 + 104 + 105 + 106 + 107 + 108 + 109;
		s[1].count = 5, s[1].bytes = 250;
		check_exact(s, 2, 0, "fork child");
		collect(s, 2, 0, &h);
		check(h.flags & HM_SITES_F_FORKED && h.ppid == (uint32_t)getppid() &&
		      h.pid == (uint32_t)getpid(), "fork child: its own file, FORKED, ppid %u", h.ppid);
		_exit(fails ? 1 : 0);
	}
	waitpid(pid, &status, 0);
	check(WIFEXITED(status) && !WEXITSTATUS(status), "fork: child checks passed");
	s[0].count = 10, s[0].bytes = 1045;
	s[1].count = 0, s[1].bytes = 0;
	check_exact(s, 2, 0, "fork parent");
	collect(s, 2, 0, &h);
	check(!(h.flags & HM_SITES_F_FORKED), "fork parent: its file is not FORKED");
	return fails;
}

/* HEAPMON_RECORDS tiny: sampled allocations beyond it are counted, not recorded. */
static int records_full(void)
{
	struct hm_sites_header h;
	struct site s[] = { { "site_malloc" } };

	for (int i = 0; i < 100; i++)
		keep[i] = site_malloc(64);
	collect(s, 1, 0, &h);
	check(h.records_used == h.records_cap && h.drops_records >= 100 - h.records_cap,
	      "records-full: cap %u, %" PRIu64 " dropped", h.records_cap, h.drops_records);
	for (int i = 0; i < 100; i++)
		free(keep[i]);
	return fails;
}

/* HEAPMON_ARENA_MB=1: what does not fit comes from the real allocator, SHARED. */
static int arena_full(void)
{
	struct hm_sites_header h;
	struct site s[] = { { "site_huge" } };
	int bad = 0;

	for (int i = 0; i < 10; i++) {
		keep[i] = site_huge(200 << 10);
		fill(keep[i], 200 << 10, i);
	}
	s[0].count = 10, s[0].bytes = 10ULL * (200 << 10);
	check_exact(s, 1, 0, "arena-full");
	collect(s, 1, 0, &h);
	check(h.drops_arena >= 5 && (s[0].flags_or & HM_SITES_REC_SHARED),
	      "arena-full: %" PRIu64 " served by the real allocator, recorded SHARED", h.drops_arena);
	for (int i = 0; i < 10; i++) {
		keep[i] = realloc(keep[i], 300 << 10);
		bad += !intact(keep[i], 200 << 10, i);
	}
	check(!bad, "arena-full: data intact through realloc");
	for (int i = 0; i < 10; i++)
		free(keep[i]);
	s[0].count = s[0].bytes = 0;
	check_exact(s, 1, 0, "arena-full after free");
	collect(s, 1, 0, &h);
	check(h.arena_bytes < (64 << 10), "arena-full: arena bytes back to %" PRIu64, h.arena_bytes);
	return fails;
}

/* Edge cases every allocator answers; the recorder must answer them alike. */
static int edges(void)
{
	volatile size_t huge = SIZE_MAX;	/* hidden from -Walloc-size-larger-than */
	void *p, *q;

	errno = 0;
	check(!pvalloc(huge) && errno == ENOMEM, "edges: pvalloc(SIZE_MAX) fails, ENOMEM");
	check(!malloc(huge) && !calloc(huge / 2, 3) && !reallocarray(NULL, huge / 2, 3),
	      "edges: malloc(SIZE_MAX), calloc and reallocarray overflow fail");
	/* glibc 2.36: aligned_alloc is memalign, a non-power of two rounds up. */
	p = aligned_alloc(24, 48);
	q = memalign(24, 48);
	check(p && q && !((uintptr_t)p & 31) && !((uintptr_t)q & 31),
	      "edges: aligned_alloc and memalign(24): 32-aligned as glibc's (%p %p)", p, q);
	free(p);
	free(q);
	errno = 0;
	check(!memalign(huge / 2 + 2, 16) && errno == EINVAL, "edges: memalign(huge) is EINVAL");
	p = malloc(100);
	check(p && !realloc(p, 0), "edges: realloc(sample, 0) frees, returns NULL");
	p = malloc(0);
	q = malloc(0);
	check(p && q && p != q && malloc_usable_size(p) > 0, "edges: malloc(0) gives distinct pointers");
	free(p);
	free(q);
	free(NULL);
	return fails;
}

/* Resident pages of [p, p + n), page-aligned p. */
static size_t resident(const void *p, size_t n)
{
	unsigned char v[1024];
	size_t pages = (n + 4095) / 4096, r = 0;

	if (pages > sizeof(v) || mincore((void *)p, n, v))
		return (size_t)-1;
	for (size_t i = 0; i < pages; i++)
		r += v[i] & 1;
	return r;
}

/*
 * Freed samples' pages: kept resident for reuse, merged with freed
 * neighbours, but within their bound (a quarter of the live samples'
 * pages while under 16 MiB).
 */
static int reuse(void)
{
	unsigned char *a, *b, *c, *big[64];
	volatile uintptr_t at[64];	/* freed pointers' pages, for mincore */
	size_t r;
	int bad = 0;
	int z = 1;

	/* 128 live one-page samples: the freed pages kept are at most 32. */
	for (int i = 0; i < 128; i++) {
		keep[i] = site_malloc(100);
		fill(keep[i], 100, i);
	}
	a = site_malloc(8000);
	b = site_malloc(8000);
	check(b == a + 8192, "reuse: two 2-page samples side by side (%p %p)", a, b);
	fill(a, 8000, 1);
	fill(b, 8000, 2);
	at[0] = (uintptr_t)a;
	free(a);
	free(b);
	/* Merged: a 4-page request takes both runs, already resident. */
	r = resident((void *)at[0], 16384);
	c = site_calloc(1, 16000);
	check((uintptr_t)c == at[0] && r == 4, "reuse: two freed neighbours serve a longer request (%p, %zu resident)", c, r);
	for (int j = 0; c && j < 16000; j++)
		z &= c[j] == 0;
	check(c && z, "reuse: calloc zeroes the reused pages");
	free(c);
	/* 64 x 64 KiB freed: 1024 pages, of which at most 32 + 32 / 8 kept. */
	for (int i = 0; i < 64; i++) {
		big[i] = site_malloc(65536);
		fill(big[i], 65536, i);
	}
	for (int i = 0; i < 64; i++) {
		at[i] = (uintptr_t)big[i];
		free(big[i]);
	}
	r = 0;
	for (int i = 0; i < 64; i++)
		r += resident((void *)at[i], 65536);
	check(r <= 32 && r > 0, "reuse: freed pages kept resident within their bound (%zu of 1024, at most 32)", r);
	for (int i = 0; i < 128; i++) {
		bad += !intact(keep[i], 100, i);
		free(keep[i]);
	}
	check(!bad, "reuse: live samples intact");
	return fails;
}

int main(int argc, char **argv)
{
	const char *mode = argc > 1 ? argv[1] : "";

	if (!strcmp(mode, "exact"))
		return exact() ? 1 : 0;
	if (!strcmp(mode, "edges"))
		return edges() ? 1 : 0;
	if (!strcmp(mode, "estimate"))
		return estimate() ? 1 : 0;
	if (!strcmp(mode, "threads"))
		return threads() ? 1 : 0;
	if (!strcmp(mode, "fork"))
		return do_fork() ? 1 : 0;
	if (!strcmp(mode, "records-full"))
		return records_full() ? 1 : 0;
	if (!strcmp(mode, "arena-full"))
		return arena_full() ? 1 : 0;
	if (!strcmp(mode, "reuse"))
		return reuse() ? 1 : 0;
	fprintf(stderr, "usage: sites exact|edges|estimate|threads|fork|records-full|arena-full|reuse\n");
	return 2;
}
