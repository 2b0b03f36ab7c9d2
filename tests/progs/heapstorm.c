// SPDX-License-Identifier: GPL-2.0
/*
 * heapstorm [-s SEED] [-n OPS] [-m PAGES] [-p]: changes its heap in every way heapmon
 * must follow, and checks that its memory always holds what it wrote.
 *
 * It keeps up to 24 regions of up to PAGES pages each (default 2048; anonymous
 * mmaps, some with MADV_HUGEPAGE, and
 * the brk heap) and applies OPS random operations: mmap, munmap, partial
 * munmap, mremap (grow, shrink, move), brk grow and shrink, madvise
 * (DONTNEED, FREE, PAGEOUT, COLLAPSE, HUGEPAGE), mprotect round trips,
 * rewrites and full verification. Every page holds a value derived from
 * SEED, the region and the page, at its start and at its end.
 *
 * Prints "heapstorm seed S: N ops, M pages verified, D found discarded after
 * MADV_FREE, 0 mismatches, sum X".
 * The sum depends on SEED and OPS only: the same with or without anything
 * watching. Exits 1 on a mismatch. -p forks a child every 64 operations
 * that verifies a copy of the heap and exits, so processes come and go.
 *
 * With HEAPSTORM_LAZY_MPROTECT=0 in the environment, a region that has been
 * given MADV_FREE is verified without the mprotect round trip: on x86
 * kernels without upstream commit f7491d7c81db, mprotect loses the dirty
 * bit of a lazily freed huge page written again, and reclaim then discards
 * the writes (tests/progs/lazythp.c shows it, heapmon not loaded). The
 * torture suite sets it only on a kernel where lazythp finds that loss. The
 * sum does not change: the round trip draws no random numbers.
 */
#define _GNU_SOURCE
#include <malloc.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#define PAGE 4096UL
#define HUGE (2UL << 20)
#define MAX_REGIONS 24
#ifndef MADV_COLLAPSE
#define MADV_COLLAPSE 25
#endif
#ifndef MADV_PAGEOUT
#define MADV_PAGEOUT 21
#endif

struct region {
	char *base;
	size_t pages;
	uint64_t id;
	uint64_t gen;		/* bumped by each rewrite */
	/*
	 * Per page: 0 zero, 1 pattern, 2 given MADV_FREE and not written
	 * since: the old pattern or, once reclaim has discarded it, zeroes. A
	 * write makes it 1 again: a page written after MADV_FREE keeps its
	 * data, as madvise(2) promises, and losing it is a mismatch (a lost
	 * dirty bit, say).
	 */
	unsigned char *state;
	int brk;
	int lazy;		/* given MADV_FREE: its folios may be lazily freed */
};

static struct region regions[MAX_REGIONS];
static uint64_t rng, next_id = 1, verified, mismatches, discarded, sum;
static size_t max_pages = 2048;
static int lazy_mprotect = 1;	/* HEAPSTORM_LAZY_MPROTECT */

static uint64_t rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

static uint64_t value(const struct region *r, size_t page)
{
	uint64_t v = r->id * 0x9e3779b97f4a7c15ULL ^ (page + 1) * 0xbf58476d1ce4e5b9ULL ^ r->gen;

	return v ? v : 1;
}

static void write_page(struct region *r, size_t i)
{
	uint64_t v = value(r, i);
	char *p = r->base + i * PAGE;

	memcpy(p, &v, 8);
	memcpy(p + PAGE - 8, &v, 8);
	r->state[i] = 1;
}

static void check_page(struct region *r, size_t i)
{
	char *p = r->base + i * PAGE;
	unsigned char state = r->state[i];
	uint64_t a, b, want = state == 1 ? value(r, i) : 0;

	memcpy(&a, p, 8);
	memcpy(&b, p + PAGE - 8, 8);
	verified++;
	if (state == 2) {
		/* After MADV_FREE: either the old data or zeroes, never anything else. */
		if (a == 0 && b == 0) {
			discarded++;
			return;
		}
		if (a == value(r, i) && b == a)
			return;
	} else if (a == want && b == want) {
		return;
	}
	if (mismatches++ < 10)
		fprintf(stderr, "heapstorm: region %llu page %zu: %llx %llx, want %llx\n",
			(unsigned long long)r->id, i, (unsigned long long)a,
			(unsigned long long)b, (unsigned long long)want);
}

static void rewrite(struct region *r)
{
	size_t i;

	r->gen++;
	for (i = 0; i < r->pages; i++)
		write_page(r, i);
}

static void verify(struct region *r)
{
	size_t i;

	for (i = 0; i < r->pages; i++)
		check_page(r, i);
}

static struct region *pick(void)
{
	int i, start = rnd() % MAX_REGIONS;

	for (i = 0; i < MAX_REGIONS; i++) {
		struct region *r = &regions[(start + i) % MAX_REGIONS];

		if (r->base)
			return r;
	}
	return NULL;
}

static struct region *free_slot(void)
{
	int i;

	for (i = 0; i < MAX_REGIONS; i++)
		if (!regions[i].base && !regions[i].brk)
			return &regions[i];
	return NULL;
}

static void set_pages(struct region *r, size_t pages)
{
	r->state = realloc(r->state, pages ? pages : 1);
	if (pages > r->pages)
		memset(r->state + r->pages, 0, pages - r->pages);
	r->pages = pages;
}

static void op_mmap(void)
{
	struct region *r = free_slot();
	size_t pages = 1 + rnd() % max_pages;

	if (!r)
		return;
	r->base = mmap(NULL, pages * PAGE, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (r->base == MAP_FAILED) {
		r->base = NULL;
		return;
	}
	r->id = next_id++;
	r->gen = 0;
	r->pages = 0;
	set_pages(r, pages);
	if (rnd() % 2)
		madvise(r->base, pages * PAGE, MADV_HUGEPAGE);
	rewrite(r);
}

static void drop(struct region *r)
{
	free(r->state);
	memset(r, 0, sizeof(*r));
}

static void op_munmap(struct region *r, int partial)
{
	size_t keep;

	if (r->brk)
		return;
	if (!partial || r->pages < 2) {
		munmap(r->base, r->pages * PAGE);
		drop(r);
		return;
	}
	keep = 1 + rnd() % (r->pages - 1);
	munmap(r->base + keep * PAGE, (r->pages - keep) * PAGE);
	set_pages(r, keep);
}

static void op_mremap(struct region *r)
{
	size_t pages = 1 + rnd() % max_pages, i;
	char *p;

	if (r->brk)
		return;
	p = mremap(r->base, r->pages * PAGE, pages * PAGE, MREMAP_MAYMOVE);
	if (p == MAP_FAILED)
		return;
	r->base = p;
	i = r->pages;
	set_pages(r, pages);
	for (; i < pages; i++)
		r->state[i] = 0;	/* new pages read as zero */
}

static void op_brk(struct region *r)
{
	size_t pages = rnd() % (max_pages / 2 + 1);
	long delta;

	if (!r->brk)
		return;
	delta = ((long)pages - (long)r->pages) * (long)PAGE;
	if (sbrk(delta) == (void *)-1)
		return;
	set_pages(r, pages);
	if (delta > 0)
		rewrite(r);
	if (!pages)
		r->base = sbrk(0);
}

static void op_madvise(struct region *r)
{
	size_t first, n, i;
	int advice;

	if (!r->pages)
		return;
	first = rnd() % r->pages;
	n = 1 + rnd() % (r->pages - first);
	switch (rnd() % 5) {
	case 0:
		advice = MADV_DONTNEED;
		break;
	case 1:
		advice = MADV_FREE;
		break;
	case 2:
		advice = MADV_PAGEOUT;
		break;
	case 3:
		advice = MADV_COLLAPSE;
		break;
	default:
		advice = MADV_HUGEPAGE;
		break;
	}
	if (madvise(r->base + first * PAGE, n * PAGE, advice))
		return;
	if (advice == MADV_FREE)
		r->lazy = 1;
	for (i = first; i < first + n; i++) {
		if (advice == MADV_DONTNEED)
			r->state[i] = 0;
		else if (advice == MADV_FREE && r->state[i] == 1)
			r->state[i] = 2;
	}
}

static void op_mprotect(struct region *r)
{
	if (!r->pages)
		return;
	if (r->lazy && !lazy_mprotect) {
		verify(r);
		return;
	}
	mprotect(r->base, r->pages * PAGE, PROT_READ);
	verify(r);
	mprotect(r->base, r->pages * PAGE, PROT_READ | PROT_WRITE);
}

static void fork_checker(void)
{
	pid_t child = fork();
	int i, status;

	if (child < 0)
		return;
	if (!child) {
		for (i = 0; i < MAX_REGIONS; i++)
			if (regions[i].pages)
				verify(&regions[i]);
		_exit(mismatches ? 1 : 0);
	}
	waitpid(child, &status, 0);
	if (!WIFEXITED(status) || WEXITSTATUS(status))
		mismatches++;
}

int main(int argc, char **argv)
{
	unsigned long ops = 2000, n;
	const char *seed = "1";
	int c, i, forking = 0;
	struct region *r;

	if (getenv("HEAPSTORM_LAZY_MPROTECT") && !strcmp(getenv("HEAPSTORM_LAZY_MPROTECT"), "0"))
		lazy_mprotect = 0;
	/* malloc must leave the brk heap to op_brk(). */
	mallopt(M_MMAP_THRESHOLD, 0);
	rng = 1;
	while ((c = getopt(argc, argv, "s:n:m:p")) != -1) {
		if (c == 's')
			seed = optarg;
		else if (c == 'n')
			ops = strtoul(optarg, NULL, 0);
		else if (c == 'm')
			max_pages = strtoul(optarg, NULL, 0) ?: 1;
		else if (c == 'p')
			forking = 1;
		else
			return 2;
	}
	rng = (strtoull(seed, NULL, 0) + 1) * 0x9e3779b97f4a7c15ULL | 1;
	regions[0].brk = 1;
	regions[0].id = next_id++;
	regions[0].base = sbrk(0);
	set_pages(&regions[0], 0);

	for (n = 0; n < ops; n++) {
		r = pick();
		switch (rnd() % 10) {
		case 0:
		case 1:
			op_mmap();
			break;
		case 2:
			if (r)
				op_munmap(r, rnd() % 2);
			break;
		case 3:
			if (r)
				op_mremap(r);
			break;
		case 4:
			op_brk(&regions[0]);
			break;
		case 5:
			if (r)
				op_madvise(r);
			break;
		case 6:
			if (r)
				op_mprotect(r);
			break;
		case 7:
			if (r)
				rewrite(r);
			break;
		default:
			if (r)
				verify(r);
			break;
		}
		if (forking && n % 64 == 63)
			fork_checker();
	}
	for (i = 0; i < MAX_REGIONS; i++) {
		size_t p;

		r = &regions[i];
		if (!r->pages)
			continue;
		verify(r);
		for (p = 0; p < r->pages; p++) {
			uint64_t a;

			if (r->state[p] == 2)
				continue;	/* MADV_FREE: reclaim decides */
			memcpy(&a, r->base + p * PAGE, 8);
			sum = sum * 31 + a;
		}
	}
	printf("heapstorm seed %s: %lu ops, %llu pages verified, %llu found discarded after MADV_FREE, %llu mismatches, sum %016llx\n",
	       seed, ops, (unsigned long long)verified, (unsigned long long)discarded,
	       (unsigned long long)mismatches, (unsigned long long)sum);
	return mismatches ? 1 : 0;
}
